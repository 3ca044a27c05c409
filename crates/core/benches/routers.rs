//! Router training and search throughput on random data at the sizes (one run each; no
//! statistics crate: an epoch of the paper MLP takes seconds, and the figures are compared with
//! `benches/compare.py`'s PyTorch / scikit-learn run on the same machine).
//!
//! `cargo bench -p vlrb-core --features threads --bench routers` (add `-- quick` for 1/8 sizes).

use std::time::Instant;

use vlrb_core::routers::compute::{Compute, Cpu};
use vlrb_core::routers::features::Matrix;
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

/// Seconds for one training epoch of `dims` under `schedule`.
fn epoch(x: &Matrix, dims: &[usize], schedule: &Schedule) -> f64 {
    let k = *dims.last().unwrap();
    let mut targets = vec![0.0f32; x.rows * k];
    for r in 0..x.rows {
        targets[r * k + r % k] = 1.0;
    }
    let mut cpu = Cpu::new();
    // No dev rows: the timing is the epoch itself.
    let mut score = |_: &[f32]| 0.0;
    let data = TrainData {
        x,
        targets: &targets,
        weights: None,
        dev_x: x,
        dev_rows: &[],
        dev_score: &mut score,
    };
    let schedule = Schedule {
        max_epochs: 1,
        ..schedule.clone()
    };
    let net = Net::init(dims, 42);
    let start = Instant::now();
    pollster::block_on(fit(
        &mut cpu,
        net,
        data,
        &schedule,
        42,
        f64::INFINITY,
        &mut |_| Control::Continue,
    ));
    start.elapsed().as_secs_f64()
}

fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    let knn_only = std::env::args().any(|a| a == "knn");
    let (n, d, nq, k) = if quick {
        (21_378 / 8, 2048, 6108 / 8, 17)
    } else {
        (21_378, 2048, 6108, 17)
    };
    println!("threads feature: {}", cfg!(feature = "threads"));
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
    epoch(&random(1024, d, 9), &[d, 64, k], &mlp); // warm-up
    for (name, dims, schedule) in [
        ("linear full-batch", vec![d, k], linear::schedule(Some(1))),
        ("light MLP", vec![d, 256, k], mlp.clone()),
        ("paper MLP", vec![d, 2048, 1024, k], mlp.clone()),
    ] {
        if !knn_only {
            let t = epoch(&x, &dims, &schedule);
            println!("{name} {dims:?} epoch, {n} rows: {t:.3} s");
        }
    }
    let mut refs = x.clone();
    refs.normalize_rows();
    let mut queries = random(nq, d, 2);
    queries.normalize_rows();
    let mut cpu = Cpu::new();
    let (mut idx, mut dist) = (vec![0u32; nq * 5], vec![0.0f32; nq * 5]);
    let start = Instant::now();
    pollster::block_on(cpu.cosine_topk(
        &queries.data,
        &refs.data,
        nq,
        n,
        d,
        5,
        &mut idx,
        &mut dist,
    ));
    println!(
        "kNN k=5 cosine, {nq} queries over {n}x{d}: {:.3} s",
        start.elapsed().as_secs_f64()
    );
}
