//! Router training and search throughput on random data at the sizes, through either
//! backend (one run each; no statistics crate: an epoch of the paper MLP takes seconds, and the
//! figures are compared with `benches/compare.py`'s PyTorch / scikit-learn run on the same
//! machine, `cuda` there for the GPU).
//!
//! `cargo bench -p vlrb-gpu --bench routers -- [gpu] [quick] [tiny] [knn]`: `gpu` runs the wgpu
//! backend (after its warm-up) instead of the CPU (two threads); `quick` is 1/8 sizes, `tiny`
//! 1/64 (a smoke run on a software adapter); `knn` times only the search.

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops at a failed setup step, like a test"
)]

use std::time::Instant;

use vlrb_core::routers::compute::{Compute, Cpu};
use vlrb_core::routers::features::Matrix;
use vlrb_core::routers::knn::RefIndex;
use vlrb_core::routers::mlp::{Loss, Net, Schedule, TrainData, fit};
use vlrb_core::routers::rng::SplitMix64;
use vlrb_core::routers::{Control, linear};

fn random(rows: usize, cols: usize, seed: u64) -> Matrix {
    let mut r = SplitMix64::new(seed);
    Matrix {
        rows,
        cols,
        data: (0..rows * cols).map(|_| r.unit_f32() * 2.0 - 1.0).collect(),
    }
}

/// Seconds for the first and the second training epoch of `dims` under `schedule` (the first
/// includes uploading the buffers, and for a full batch the training rows: once per training).
fn epochs<C: Compute>(
    compute: &mut C,
    x: &Matrix,
    dims: &[usize],
    schedule: &Schedule,
) -> (f64, f64) {
    let k = *dims.last().unwrap();
    let mut targets = vec![0.0f32; x.rows * k];
    for r in 0..x.rows {
        targets[r * k + r % k] = 1.0;
    }
    // No dev rows: the timing is the epoch itself.
    let mut score = |_: &[f32]| 0.0;
    let train_rows: Vec<usize> = (0..x.rows).collect();
    let data = TrainData {
        x,
        train_rows: &train_rows,
        targets: &targets,
        weights: None,
        dev_rows: &[],
        dev_score: &mut score,
    };
    let schedule = Schedule {
        max_epochs: 2,
        ..schedule.clone()
    };
    let net = Net::init(dims, 42);
    let start = Instant::now();
    let mut ends = Vec::new();
    pollster::block_on(fit(
        compute,
        net,
        data,
        &schedule,
        42,
        f64::INFINITY,
        &mut |_| {
            ends.push(start.elapsed().as_secs_f64());
            Control::Continue
        },
    ));
    (ends[0], ends[1] - ends[0])
}

fn main() {
    let arg = |name: &str| std::env::args().any(|a| a == name);
    if arg("gpu") {
        let mut gpu = vlrb_gpu::Gpu::new_blocking().expect("a wgpu adapter");
        println!("backend: {}", gpu.backend());
        run(&mut gpu, arg("quick"), arg("tiny"), arg("knn"));
    } else {
        println!("backend: {}", Cpu::new().backend());
        run(&mut Cpu::new(), arg("quick"), arg("tiny"), arg("knn"));
    }
}

fn run<C: Compute>(compute: &mut C, quick: bool, tiny: bool, knn_only: bool) {
    let scale = if tiny {
        64
    } else if quick {
        8
    } else {
        1
    };
    let (n, d, nq, k) = (21_378 / scale, 2048, 6108 / scale, 17);
    let x = random(n, d, 1);
    let mlp = Schedule {
        lr: 1e-3,
        weight_decay: 1e-4,
        decay_bias: true,
        batch: Some(1024),
        max_epochs: 1,
        patience: None,
        min_delta: 0.0,
        loss: Loss::Softmax,
    };
    epochs(compute, &random(1024, d, 9), &[d, 64, k], &mlp); // warm-up
    for (name, dims, schedule) in [
        ("linear full-batch", vec![d, k], linear::schedule(Some(1))),
        ("light MLP", vec![d, 256, k], mlp.clone()),
        ("paper MLP", vec![d, 2048, 1024, k], mlp.clone()),
    ] {
        if !knn_only {
            let (first, second) = epochs(compute, &x, &dims, &schedule);
            println!("{name} {dims:?} epoch, {n} rows: {first:.3} s (second epoch {second:.3} s)");
        }
    }
    let mut refs = x.clone();
    refs.normalize_rows();
    let mut queries = random(nq, d, 2);
    queries.normalize_rows();
    // The search as the kNN router runs it: references uploaded in chunks under the binding limit.
    let start = Instant::now();
    let index = RefIndex::upload(compute, &refs);
    let rows: Vec<usize> = (0..nq).collect();
    let (idx, _) = pollster::block_on(index.search(compute, &queries, &rows, 5));
    assert_eq!(idx.len(), nq * 5);
    println!(
        "kNN k=5 cosine, {nq} queries over {n}x{d}: {:.3} s",
        start.elapsed().as_secs_f64()
    );
}
