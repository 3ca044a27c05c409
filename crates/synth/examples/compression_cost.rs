//! What compact embeddings cost a router: test Rank Score of the kNN router (k = 5, cosine,
//! distance-weighted, cheapest-correct labels, Normalize-Concat, or the text alone when there is no
//! image embedding, z-scored on train) on the full
//! features and on the features decoded from `DIMS`-component projections, exactly as
//! `vlrb pack --compress-embeddings DIMS` stores them.
//!
//! `cargo run --release -p vlrb-synth --example compression_cost -- DIMS[,DIMS...] [DIR...]`
//! (no DIR: the synthetic demo for the default seed; DIR: a folder `vlrb pack` reads).

#![allow(clippy::print_stdout, reason = "an example report prints its figures")]
#![allow(
    clippy::expect_used,
    reason = "a report stops at a failed setup step, like a test"
)]

use std::path::Path;
use std::time::Instant;

use vlrb_core::Benchmark;
use vlrb_core::compress::compress_all;
use vlrb_core::routers::compute::Cpu;
use vlrb_core::routers::features::Fusion;
use vlrb_core::routers::{self, Control, Data, RouterKind, TrainConfig};

fn knn(bench: &Benchmark) -> (f64, f64, f64) {
    let vision = bench
        .embedding_of(vlrb_core::model::Modality::Vision)
        .is_some();
    let fusion = if vision { Fusion::Concat } else { Fusion::Text };
    let data = Data::prepare(bench, fusion).expect("features");
    let outcome = pollster::block_on(routers::train(
        &data,
        &TrainConfig::new(RouterKind::Knn),
        &mut Cpu::new(),
        &mut |_| Control::Continue,
    ))
    .expect("knn");
    let m = outcome.sweep[0].test;
    (m.accuracy, m.avg_cost * m.num_samples as f64, m.rank_score)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dims: Vec<usize> = args
        .next()
        .unwrap_or_else(|| "64".into())
        .split(',')
        .filter_map(|d| d.parse().ok())
        .collect();
    let dirs: Vec<String> = args.collect();
    let benches: Vec<Benchmark> = if dirs.is_empty() {
        vec![vlrb_synth::generate(vlrb_synth::DEFAULT_SEED)]
    } else {
        dirs.iter()
            .map(|d| vlrb_formats::load_dir(Path::new(d), &Default::default()).expect("load"))
            .collect()
    };
    println!(
        "| benchmark | features | kNN accuracy | kNN test-split $ | kNN Rank Score | change |"
    );
    println!("|---|---|---:|---:|---:|---:|");
    for bench in benches {
        let start = Instant::now();
        let (acc, cost, full) = knn(&bench);
        println!(
            "| {} | full ({}) | {:.2}% | {cost:.4} | {:.2} | - |",
            bench.name,
            bench
                .embeddings
                .iter()
                .map(|e| e.dim.to_string())
                .collect::<Vec<_>>()
                .join("+"),
            100.0 * acc,
            100.0 * full
        );
        eprintln!("  ({:.1} s)", start.elapsed().as_secs_f64());
        for &d in &dims {
            let mut small = bench.clone();
            compress_all(&mut small, d);
            let (acc, cost, rank) = knn(&small);
            let errors: Vec<String> = small
                .embeddings
                .iter()
                .map(|e| format!("{:.3}", e.max_abs_error))
                .collect();
            println!(
                "| {} | {d} components int8 (max abs error {}) | {:.2}% | {cost:.4} | {:.2} | {:+.2} |",
                bench.name,
                errors.join(", "),
                100.0 * acc,
                100.0 * rank,
                100.0 * (rank - full)
            );
        }
    }
}
