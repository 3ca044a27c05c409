//! Throughput of the CPU backend's matrix products at the routers' shapes, with a checksum of the
//! output bits (so a kernel change that alters any result shows up next to its speed).
//!
//! `cargo bench -p vlrb-core --features threads --bench kernels -- [quick]`: the three products of
//! one paper-MLP layer (X·W, Xᵀ·G, G·Wᵀ at 1024 x 2048 x 2048), the light MLP's, and the kNN
//! score tile; median wall time of 5 runs each (`quick`: one run), and the process's CPU time per
//! run (user + system, all threads, from `/proc/self/stat`): on a shared machine the CPU time is
//! the steadier figure (`benches/compare.py gemm` prints both for `torch.mm`).

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::time::Instant;

use vlrb_core::routers::compute::{Compute, Cpu, Gemm};
use vlrb_core::routers::rng::SplitMix64;

fn random(len: usize, seed: u64) -> Vec<f32> {
    let mut r = SplitMix64::new(seed);
    (0..len).map(|_| r.unit_f32() * 2.0 - 1.0).collect()
}

/// FNV-1a over the output's bits.
fn checksum(c: &[f32]) -> u64 {
    c.iter().fold(0xcbf2_9ce4_8422_2325, |h, v| {
        (h ^ u64::from(v.to_bits())).wrapping_mul(0x0100_0000_01b3)
    })
}

/// CPU seconds (user + system, all threads) this process has used so far, where Linux says.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<f64> = after
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0.0))
        .collect();
    // Clock ticks of 1/100 s (USER_HZ on Linux).
    fields
        .get(11)
        .zip(fields.get(12))
        .map_or(0.0, |(u, s)| (u + s) / 100.0)
}

fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    let reps = if quick { 1 } else { 5 };
    let mut cpu = Cpu::new();
    println!("backend: {}", cpu.backend());
    let t = |m, n, k, trans_a, trans_b| Gemm {
        m,
        n,
        k,
        trans_a,
        trans_b,
        accumulate: false,
    };
    let shapes = [
        (
            "paper X·W   1024x2048x2048",
            t(1024, 2048, 2048, false, false),
        ),
        (
            "paper Xᵀ·G  2048x2048x1024",
            t(2048, 2048, 1024, true, false),
        ),
        (
            "paper G·Wᵀ  1024x2048x2048",
            t(1024, 2048, 2048, false, true),
        ),
        (
            "light X·W   1024x256x2048",
            t(1024, 256, 2048, false, false),
        ),
        ("light Xᵀ·G  2048x256x1024", t(2048, 256, 1024, true, false)),
        ("out   X·W   1024x17x256", t(1024, 17, 256, false, false)),
        ("out   G·Wᵀ  1024x256x17", t(1024, 256, 17, false, true)),
        (
            "kNN   Q·Rᵀ  384x21378x2048",
            t(384, 21_378, 2048, false, true),
        ),
    ];
    for (name, g) in shapes {
        let a = random(g.m * g.k, 1);
        let b = random(g.k * g.n, 2);
        let mut c = vec![0.0f32; g.m * g.n];
        let mut times = Vec::new();
        let cpu_start = cpu_seconds();
        for _ in 0..reps {
            let start = Instant::now();
            cpu.gemm(g, &a, &b, &mut c);
            times.push(start.elapsed().as_secs_f64());
        }
        let cpu = (cpu_seconds() - cpu_start) / reps as f64;
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let gflops = 2.0 * (g.m * g.n * g.k) as f64 / median / 1e9;
        println!(
            "{name}: {:.2} ms, {gflops:.1} GFLOP/s, CPU {:.0} ms, bits {:016x}",
            median * 1e3,
            cpu * 1e3,
            checksum(&c)
        );
    }
}
