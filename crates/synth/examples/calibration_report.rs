//! Prints the demo benchmark's calibration figures against the published targets, the dataset
//! counts and the completed accuracy table (what BENCHMARKS.md and the README quote).
//!
//! `cargo run --release -p vlrb-synth --example calibration_report [-- SEED]`

#![allow(clippy::print_stdout, reason = "an example report prints its figures")]

use std::time::Instant;

use vlrb_core::catalog::OFFICIAL_DATASETS;
use vlrb_synth::{DEFAULT_SEED, calibration, dataset_counts, figures, generate, targets};

fn main() {
    let seed = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let start = Instant::now();
    let bench = generate(seed);
    let seconds = start.elapsed().as_secs_f64();
    let f = figures(&bench);
    println!("generated in {seconds:.2} s (seed {seed})");
    println!("| figure (test split) | target | reached |\n|---|---:|---:|");
    println!(
        "| Oracle accuracy | {:.2}% | {:.2}% |",
        100.0 * targets::ORACLE_ACCURACY,
        100.0 * f.oracle_accuracy
    );
    println!(
        "| Oracle test-split cost | ${:.2} | ${:.4} |",
        targets::ORACLE_TEST_COST,
        f.oracle_test_cost
    );
    println!(
        "| Oracle Rank Score | {:.2} | {:.2} |",
        100.0 * targets::ORACLE_RANK_SCORE,
        100.0 * f.oracle_rank_score
    );
    println!(
        "| best single model ({}) accuracy | {:.2}% | {:.2}% |",
        f.best_model,
        100.0 * targets::BEST_ACCURACY,
        100.0 * f.best_accuracy
    );
    println!(
        "| best single model test-split cost | ${:.2} | ${:.4} |",
        targets::BEST_TEST_COST,
        f.best_test_cost
    );
    println!(
        "| test samples no model answers | - | {:.2}% |",
        100.0 * f.unsolved
    );
    println!(
        "| cost bounds cmin / cmax (USD/sample) | - | {:.3e} / {:.3e} |",
        f.bounds.cmin, f.bounds.cmax
    );
    let cal = calibration::calibration();
    let counts = dataset_counts(&cal);
    println!("\n| dataset | samples |\n|---|---:|");
    for (d, c) in OFFICIAL_DATASETS.iter().zip(counts) {
        println!("| {} | {c} |", d.name);
    }
    let means = bench.per_model_mean_cost();
    println!("\n| model | test accuracy | mean cost (USD/sample) |\n|---|---:|---:|");
    let test = bench.samples.rows_in(vlrb_core::Split::Test);
    for (j, m) in bench.models.iter().enumerate() {
        let acc = test.iter().filter(|&&i| bench.correct(i, j)).count() as f64 / test.len() as f64;
        println!("| {} | {:.2}% | {:.3e} |", m.id, 100.0 * acc, means[j]);
    }
    println!("\n{}", cal.markdown());
}
