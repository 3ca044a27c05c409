//! Accuracy-cost-aware soft labels (protocol section 3):
//! t(j) proportional to 1{Y_ij = 1} exp(-lambda * s * C_ij), computed in log space.

use crate::baselines::{cheapest, cheapest_correct};
use crate::model::Benchmark;

/// The paper's lambda grid; `f64::INFINITY` is the hard cheapest-correct label.
pub const LAMBDA_GRID: [f64; 6] = [0.0, 10.0, 100.0, 1000.0, 10000.0, f64::INFINITY];

/// Cost scale of the MLP and end-to-end routers.
pub const MLP_COST_SCALE: f64 = 100.0;
/// Cost scale of the toolkit's Linear router.
pub const LINEAR_COST_SCALE: f64 = 1.0;

/// Soft label of row `i` over the K models, written into `out` (length K).
///
/// Lambda = inf gives one-hot on the cheapest correct model (lowest index on ties); a row with no
/// correct model gets one-hot on its cheapest model, whatever lambda.
pub fn soft_label_into(bench: &Benchmark, i: usize, lambda: f64, cost_scale: f64, out: &mut [f64]) {
    let k = bench.num_models();
    debug_assert_eq!(out.len(), k);
    out.fill(0.0);
    let Some(cheapest_ok) = cheapest_correct(bench, i) else {
        out[cheapest(bench, i)] = 1.0;
        return;
    };
    if lambda.is_infinite() {
        out[cheapest_ok] = 1.0;
        return;
    }
    // Log-weights of the correct models; log-sum-exp around the largest.
    let weight = |j: usize| -lambda * cost_scale * bench.cost(i, j);
    let max = (0..k)
        .filter(|&j| bench.correct(i, j))
        .map(weight)
        .fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = (0..k)
        .filter(|&j| bench.correct(i, j))
        .map(|j| (weight(j) - max).exp())
        .sum();
    let lse = max + sum.ln();
    for (j, t) in out.iter_mut().enumerate() {
        if bench.correct(i, j) {
            *t = (weight(j) - lse).exp();
        }
    }
}

/// Soft labels for the given rows: row-major `rows.len()` x K.
pub fn soft_labels(bench: &Benchmark, rows: &[usize], lambda: f64, cost_scale: f64) -> Vec<f64> {
    let k = bench.num_models();
    let mut out = vec![0.0; rows.len() * k];
    for (r, &i) in rows.iter().enumerate() {
        soft_label_into(bench, i, lambda, cost_scale, &mut out[r * k..(r + 1) * k]);
    }
    out
}
