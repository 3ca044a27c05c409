//! Accuracy-cost-aware soft labels (protocol section 3):
//! t(j) proportional to 1{Y_ij = 1} exp(-lambda * s * C_ij), computed in log space.

use crate::baselines::{cheapest, cheapest_correct};
use crate::model::Benchmark;

/// The paper's lambda grid; `f64::INFINITY` is the hard cheapest-correct label.
pub const LAMBDA_GRID: [f64; 6] = [0.0, 10.0, 100.0, 1000.0, 10000.0, f64::INFINITY];

/// Lambda as text: `inf` for hard labels, `-` for none (NaN), else the shortest round-trip form.
pub fn lambda_text(lambda: f64) -> String {
    if lambda.is_nan() {
        "-".to_owned()
    } else if lambda.is_infinite() {
        "inf".to_owned()
    } else {
        format!("{lambda}")
    }
}

/// Parses a lambda as written by a person: a finite non-negative number, or `inf` (also `Inf`,
/// `infinity`, `∞`) for hard labels. The error quotes the text.
pub fn parse_lambda(text: &str) -> Result<f64, String> {
    match text.trim() {
        "inf" | "Inf" | "infinity" | "∞" => Ok(f64::INFINITY),
        t => match t.parse::<f64>() {
            Ok(v) if v >= 0.0 && v.is_finite() => Ok(v),
            _ => Err(format!("lambda {t} is not a non-negative number or inf")),
        },
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_text_round_trips_through_parse() {
        for l in LAMBDA_GRID.into_iter().chain([0.25]) {
            assert_eq!(parse_lambda(&lambda_text(l)).unwrap(), l);
        }
        assert_eq!(lambda_text(f64::NAN), "-");
        let err = parse_lambda("-3").unwrap_err();
        assert!(err.contains("-3"), "{err}");
        assert!(parse_lambda("NaN").is_err());
        assert!(parse_lambda("lots").unwrap_err().contains("lots"));
    }
}
