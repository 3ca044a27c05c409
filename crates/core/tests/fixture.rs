//! The fixture benchmark (tests/fixtures-official-tiny, packed into tests/fixture-tiny.vlrb by
//! `vlrb pack`) against its independently computed expected results. Runs natively and in headless
//! Chromium (wasm-bindgen-test).
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use serde_json::Value;
use vlrb_core::baselines::Baseline;
use vlrb_core::metrics::{Evaluation, evaluate};
use vlrb_core::predictions::{parse_predictions, resolve};
use vlrb_core::soft_labels::{LAMBDA_GRID, soft_labels};
use vlrb_core::{Benchmark, bundle};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

macro_rules! fixture {
    ($path:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/", $path))
    };
}

const BUNDLE: &[u8] = fixture!("fixture-tiny.vlrb");
const BASELINES: &[u8] = fixture!("fixtures-official-tiny/expected/baselines.json");
const EVAL_MIXED: &[u8] = fixture!("fixtures-official-tiny/expected/eval_mixed.json");
const BAD: &[u8] = fixture!("fixtures-official-tiny/expected/bad_predictions.json");
const SUMMARY: &[u8] = fixture!("fixtures-official-tiny/expected/summary.json");
const SOFT_S1: &[u8] = fixture!("fixtures-official-tiny/expected/soft_labels_s1.npy");
const SOFT_S100: &[u8] = fixture!("fixtures-official-tiny/expected/soft_labels_s100.npy");

const PREDICTIONS: [(&str, &[u8]); 6] = [
    (
        "mixed_ids.csv",
        fixture!("fixtures-official-tiny/predictions/mixed_ids.csv"),
    ),
    (
        "mixed_names.jsonl",
        fixture!("fixtures-official-tiny/predictions/mixed_names.jsonl"),
    ),
    (
        "bad_duplicate.csv",
        fixture!("fixtures-official-tiny/predictions/bad_duplicate.csv"),
    ),
    (
        "bad_missing.csv",
        fixture!("fixtures-official-tiny/predictions/bad_missing.csv"),
    ),
    (
        "bad_unknown_model.csv",
        fixture!("fixtures-official-tiny/predictions/bad_unknown_model.csv"),
    ),
    (
        "bad_unknown_sample.csv",
        fixture!("fixtures-official-tiny/predictions/bad_unknown_sample.csv"),
    ),
];

fn bench() -> Benchmark {
    bundle::decode(BUNDLE).expect("fixture bundle decodes")
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("expected file is JSON")
}

/// Relative agreement of 1e-9 (the protocol's tolerance for metrics).
fn assert_close(actual: f64, expected: &Value, what: &str) {
    let expected = expected
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: not a number"));
    assert!(
        actual == expected || (actual - expected).abs() <= 1e-9 * expected.abs(),
        "{what}: got {actual}, expected {expected}"
    );
}

fn assert_evaluation(e: &Evaluation, expected: &Value, what: &str) {
    assert_eq!(
        e.overall.num_samples as u64,
        expected["num_samples"].as_u64().unwrap(),
        "{what}"
    );
    assert_close(
        e.overall.accuracy,
        &expected["accuracy"],
        &format!("{what} accuracy"),
    );
    assert_close(
        e.overall.avg_cost,
        &expected["avg_cost"],
        &format!("{what} avg_cost"),
    );
    assert_close(
        e.overall.rank_score,
        &expected["rank_score"],
        &format!("{what} rank_score"),
    );
    let per = expected["per_dataset"].as_array().unwrap();
    assert_eq!(e.per_dataset.len(), per.len(), "{what}: number of datasets");
    for x in per {
        let name = x["dataset"].as_str().unwrap();
        let got = e
            .per_dataset
            .iter()
            .find(|d| d.dataset == name)
            .unwrap_or_else(|| panic!("{what}: dataset {name} missing"));
        let w = format!("{what} / {name}");
        assert_eq!(
            got.metrics.num_samples as u64,
            x["num_samples"].as_u64().unwrap(),
            "{w}"
        );
        assert_close(
            got.metrics.accuracy,
            &x["accuracy"],
            &format!("{w} accuracy"),
        );
        assert_close(
            got.metrics.avg_cost,
            &x["avg_cost"],
            &format!("{w} avg_cost"),
        );
        assert_close(
            got.metrics.rank_score,
            &x["rank_score"],
            &format!("{w} rank_score"),
        );
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn summary_matches() {
    let b = bench();
    let s = json(SUMMARY);
    let ids: Vec<&str> = b.models.iter().map(|m| m.id.as_str()).collect();
    let expected: Vec<&str> = s["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(ids, expected);
    assert_eq!(b.num_samples() as u64, s["num_samples"].as_u64().unwrap());
    assert_eq!(
        b.samples.rows_in(vlrb_core::Split::Test).len() as u64,
        s["num_test"].as_u64().unwrap()
    );
    assert_close(b.bounds.cmin, &s["cmin"], "cmin");
    assert_close(b.bounds.cmax, &s["cmax"], "cmax");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn baselines_match_including_picks() {
    let b = bench();
    let expected = json(BASELINES);
    for baseline in Baseline::ALL {
        let routing = baseline.route(&b);
        let want = &expected[baseline.name()];
        let picks: Vec<usize> = want["picks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(routing.picks, picks, "{} picks", baseline.name());
        assert_evaluation(&evaluate(&b, &routing), want, baseline.name());
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn mixed_prediction_files_score_as_expected() {
    let b = bench();
    let expected = json(EVAL_MIXED);
    for (name, bytes) in &PREDICTIONS[..2] {
        let rows = parse_predictions(bytes, name).unwrap();
        let resolved = resolve(&b, &rows).unwrap();
        let num_test = expected["num_samples"].as_u64().unwrap() as usize;
        assert_eq!(
            resolved.ignored_rows,
            rows.len() - num_test,
            "{name}: every row beyond the test split is ignored and counted"
        );
        assert_evaluation(&evaluate(&b, &resolved.routing), &expected, name);
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn bad_prediction_files_name_their_culprit() {
    let b = bench();
    let expected = json(BAD);
    for (name, bytes) in &PREDICTIONS[2..] {
        let culprit = expected[*name].as_str().unwrap();
        let err = parse_predictions(bytes, name)
            .and_then(|rows| resolve(&b, &rows))
            .expect_err(name);
        assert!(
            err.to_string().contains(culprit),
            "{name}: `{err}` does not name {culprit}"
        );
    }
}

fn npy_f32(bytes: &[u8]) -> (Vec<u64>, Vec<f32>) {
    let npy = npyz::NpyFile::new(bytes).unwrap();
    let shape = npy.shape().to_vec();
    (shape, npy.into_vec::<f32>().unwrap())
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn soft_labels_match_for_both_cost_scales() {
    let b = bench();
    let rows: Vec<usize> = (0..b.num_samples()).collect();
    let k = b.num_models();
    for (scale, bytes) in [(1.0, SOFT_S1), (100.0, SOFT_S100)] {
        let (shape, expected) = npy_f32(bytes);
        assert_eq!(shape, vec![6, b.num_samples() as u64, k as u64]);
        for (l, &lambda) in LAMBDA_GRID.iter().enumerate() {
            let got = soft_labels(&b, &rows, lambda, scale);
            let want = &expected[l * rows.len() * k..(l + 1) * rows.len() * k];
            for (cell, (&g, &w)) in got.iter().zip(want).enumerate() {
                assert!(
                    (g - w as f64).abs() <= 1e-6,
                    "scale {scale} lambda {lambda} sample {} model {}: {g} vs {w}",
                    cell / k,
                    cell % k
                );
            }
        }
    }
}
