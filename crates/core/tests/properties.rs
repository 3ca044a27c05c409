//! Property tests: protocol invariants on random benchmarks, and arbitrary or mangled input to the
//! predictions parser and the bundle decoder (an error every time, never a panic).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use proptest::prelude::*;
use vlrb_core::baselines::{Baseline, oracle_pick};
use vlrb_core::metrics::{Metrics, Routing, rank_score};
use vlrb_core::model::{BitMatrix, CostBounds, EmbeddingSet, Modality, Model, Provenance, Samples};
use vlrb_core::predictions::{parse_predictions, resolve, to_csv};
use vlrb_core::soft_labels::soft_labels;
use vlrb_core::{Benchmark, Split, bundle};

/// A random benchmark: `n` samples, `k` models, correctness and costs from the given seeds.
fn random_bench(n: usize, k: usize, correct: &[bool], costs: &[f32]) -> Benchmark {
    let splits = [Split::Train, Split::Dev, Split::Test];
    let ids: Vec<String> = (0..n).map(|i| format!("D{}/s,\"{i}\t", i % 3)).collect();
    let rows: Vec<(&str, &str, Split, &str)> = (0..n)
        .map(|i| {
            let dataset = ["D0", "D1", "D2"][i % 3];
            (ids[i].as_str(), dataset, splits[(i / 3) % 3], "math")
        })
        .collect();
    let samples = Samples::from_rows(rows, |_| "STEM".to_owned());
    let values: Vec<i8> = (0..n * k)
        .map(|c| correct[c % correct.len()] as i8)
        .collect();
    let mut bench = Benchmark {
        name: "random".into(),
        provenance: Provenance {
            synthetic: true,
            ..Provenance::default()
        },
        models: (0..k)
            .map(|j| Model {
                id: format!("m{j}"),
                name: format!("Model {j}"),
                price_input: None,
                price_output: None,
                price_basis: String::new(),
            })
            .collect(),
        samples,
        quality: BitMatrix::from_values(n, k, &values).unwrap(),
        cost: (0..n * k).map(|c| costs[c % costs.len()]).collect(),
        bounds: CostBounds {
            cmin: 1.0,
            cmax: 1.0,
        },
        tokens: None,
        questions: None,
        embeddings: vec![EmbeddingSet::from_f32(
            "e",
            Modality::Text,
            2,
            (0..2 * n).map(|v| v as f32).collect(),
        )],
    };
    bench.bounds = bench.computed_bounds();
    bench
}

fn bench_strategy() -> impl Strategy<Value = Benchmark> {
    (3usize..40, 1usize..7).prop_flat_map(|(n, k)| {
        (
            Just(n),
            Just(k),
            prop::collection::vec(any::<bool>(), n * k),
            // Costs 1e-6..1e-2 from integers: proptest 1.12's f32 range sampler can trip its own
            // assertion (float_samplers.rs:499) on this range.
            prop::collection::vec((1u32..10_000).prop_map(|c| c as f32 * 1e-6), n * k),
        )
            .prop_map(|(n, k, correct, costs)| random_bench(n * 3, k, &correct, &costs))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn oracle_accuracy_is_an_upper_bound(bench in bench_strategy(), seed in any::<u64>()) {
        let oracle = Metrics::of(&bench, Baseline::Oracle.route(&bench).pairs());
        let rows = bench.samples.rows_in(Split::Test);
        let k = bench.num_models() as u64;
        let picks = rows.iter().enumerate().map(|(r, _)| ((seed.wrapping_mul(r as u64 + 7) >> 5) % k) as usize).collect();
        let other = Metrics::of(&bench, Routing { rows, picks }.pairs());
        prop_assert!(oracle.accuracy >= other.accuracy);
    }

    #[test]
    fn oracle_is_cheapest_among_correct(bench in bench_strategy()) {
        for i in 0..bench.num_samples() {
            let j = oracle_pick(&bench, i);
            let any_correct = (0..bench.num_models()).any(|m| bench.correct(i, m));
            prop_assert_eq!(bench.correct(i, j), any_correct);
            for m in 0..bench.num_models() {
                if bench.correct(i, m) == any_correct {
                    prop_assert!(bench.cost(i, j) <= bench.cost(i, m));
                }
            }
        }
    }

    #[test]
    fn rank_score_is_monotone(a in 0.0f64..1.0, da in 0.0f64..0.5, c in 1e-7f64..1e-1, f in 1.0f64..100.0) {
        let bounds = CostBounds { cmin: 1e-5, cmax: 1e-3 };
        let s = rank_score(a, c, bounds);
        prop_assert!((0.0..=1.0).contains(&s));
        prop_assert!(rank_score((a + da).min(1.0), c, bounds) >= s);
        prop_assert!(rank_score(a, c * f, bounds) <= s);
    }

    #[test]
    fn soft_labels_are_distributions_on_correct_models(bench in bench_strategy(), lambda in prop_oneof![Just(0.0), 0.0f64..1e5, Just(f64::INFINITY)], scale in prop_oneof![Just(1.0), Just(100.0)]) {
        let rows: Vec<usize> = (0..bench.num_samples()).collect();
        let k = bench.num_models();
        let t = soft_labels(&bench, &rows, lambda, scale);
        for &i in &rows {
            let row = &t[i * k..(i + 1) * k];
            let sum: f64 = row.iter().sum();
            prop_assert!((sum - 1.0).abs() < 1e-9, "row {} sums to {}", i, sum);
            let any_correct = (0..k).any(|j| bench.correct(i, j));
            for (j, &p) in row.iter().enumerate() {
                prop_assert!(p >= 0.0);
                if any_correct && !bench.correct(i, j) {
                    prop_assert_eq!(p, 0.0);
                }
            }
        }
    }

    #[test]
    fn predictions_parser_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400), ext in prop_oneof![Just("p.csv"), Just("p.tsv"), Just("p.json"), Just("p.jsonl"), Just("p")]) {
        let _ = parse_predictions(&bytes, ext);
    }

    #[test]
    fn mangled_prediction_files_are_errors_or_valid(bench in bench_strategy(), cut in any::<prop::sample::Index>(), insert in any::<u8>(), ext in prop_oneof![Just("p.csv"), Just("p.tsv"), Just("p")]) {
        let routing = Baseline::Oracle.route(&bench);
        let mut bytes = to_csv(&bench, &routing).into_bytes();
        let at = cut.index(bytes.len());
        bytes[at] = insert;
        if let Ok(rows) = parse_predictions(&bytes, ext) {
            let _ = resolve(&bench, &rows);
        }
    }

    #[test]
    fn arbitrary_bytes_are_not_a_bundle(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        prop_assert!(bundle::decode(&bytes).is_err());
    }

    #[test]
    fn mangled_bundles_are_errors(bench in bench_strategy(), at in any::<prop::sample::Index>(), xor in 1u8..=255, truncate in any::<bool>()) {
        let good = bundle::encode(&bench).unwrap();
        prop_assert_eq!(&bundle::decode(&good).unwrap(), &bench);
        let mut bad = good.clone();
        if truncate {
            bad.truncate(at.index(good.len()));
        } else {
            let i = at.index(good.len());
            bad[i] ^= xor;
        }
        prop_assert!(bundle::decode(&bad).is_err());
    }
}

#[test]
fn written_predictions_round_trip() {
    let bench = random_bench(30, 4, &[true, false, false], &[1e-4, 2e-4, 5e-5]);
    let routing = Baseline::Random.route(&bench);
    let csv = to_csv(&bench, &routing);
    let rows = parse_predictions(csv.as_bytes(), "p.csv").unwrap();
    assert_eq!(resolve(&bench, &rows).unwrap().routing, routing);
}
