//! What-if views (model pool, edited prices) and the optimality metrics, on the official-tiny
//! fixture and the real MATH-V bundle, against plain loops written here (not the code under test).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use proptest::prelude::*;
use vlrb_core::baselines::Baseline;
use vlrb_core::metrics::{Metrics, Routing, evaluate};
use vlrb_core::model::{BitMatrix, CostBounds, Model, Provenance, Samples};
use vlrb_core::pool::{Pool, PoolError};
use vlrb_core::prices::{Price, PriceError, Prices};
use vlrb_core::scenario::{Scenario, ScenarioError, Scored};
use vlrb_core::{Benchmark, Split, bundle};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load(rel: &str) -> Arc<Benchmark> {
    let bytes = std::fs::read(repo().join(rel)).expect("bundle is readable");
    Arc::new(bundle::decode(&bytes).expect("bundle decodes"))
}

fn fixture() -> Arc<Benchmark> {
    load("tests/fixture-tiny.vlrb")
}

fn math_v() -> Arc<Benchmark> {
    load("public/bundles/math-v.vlrb")
}

fn assert_close(actual: f64, expected: f64, what: &str) {
    assert!(
        actual == expected || (actual - expected).abs() <= 1e-12 * expected.abs(),
        "{what}: got {actual}, expected {expected}"
    );
}

/// The protocol's numbers for a pool and a cost matrix, by plain loops.
struct Reference<'a> {
    bench: &'a Benchmark,
    cost: &'a [f32],
    pool: Vec<usize>,
}

impl Reference<'_> {
    fn c(&self, i: usize, j: usize) -> f64 {
        self.cost[i * self.bench.num_models() + j] as f64
    }

    fn y(&self, i: usize, j: usize) -> bool {
        self.bench.correct(i, j)
    }

    fn test_rows(&self) -> Vec<usize> {
        (0..self.bench.num_samples())
            .filter(|&i| self.bench.samples.split[i] == Split::Test)
            .collect()
    }

    /// Cheapest correct pool model, else cheapest pool model; first column on ties.
    fn oracle(&self, i: usize) -> usize {
        let mut best_correct: Option<usize> = None;
        let mut best_any: Option<usize> = None;
        for &j in &self.pool {
            if self.y(i, j) && best_correct.is_none_or(|b| self.c(i, j) < self.c(i, b)) {
                best_correct = Some(j);
            }
            if best_any.is_none_or(|b| self.c(i, j) < self.c(i, b)) {
                best_any = Some(j);
            }
        }
        best_correct.or(best_any).unwrap()
    }

    fn strongest(&self, rows: &[usize]) -> usize {
        let mut best = (self.pool[0], 0);
        for &j in &self.pool {
            let count = rows.iter().filter(|&&i| self.y(i, j)).count();
            if count > best.1 {
                best = (j, count);
            }
        }
        best.0
    }

    fn cheapest_on_average(&self, rows: &[usize]) -> usize {
        let mut best = (self.pool[0], f64::INFINITY);
        for &j in &self.pool {
            let mean = rows.iter().map(|&i| self.c(i, j)).sum::<f64>() / rows.len() as f64;
            if mean < best.1 {
                best = (j, mean);
            }
        }
        best.0
    }

    fn picks(&self, baseline: Baseline) -> Vec<usize> {
        let rows = self.test_rows();
        match baseline {
            Baseline::Oracle => rows.iter().map(|&i| self.oracle(i)).collect(),
            Baseline::StrongestGlobal => vec![self.strongest(&rows); rows.len()],
            Baseline::CheapestGlobal => vec![self.cheapest_on_average(&rows); rows.len()],
            Baseline::StrongestPerDataset => rows
                .iter()
                .map(|&i| {
                    let d = self.bench.samples.dataset[i];
                    let same: Vec<usize> = rows
                        .iter()
                        .copied()
                        .filter(|&r| self.bench.samples.dataset[r] == d)
                        .collect();
                    self.strongest(&same)
                })
                .collect(),
            // The draws are numpy's (checked for K = 17 against the fixture); the mapping to the
            // pool's columns in column order is what is checked here.
            Baseline::Random => vlrb_core::numpy_random::RandomState::new(42)
                .randint(0, self.pool.len() as i64, rows.len())
                .into_iter()
                .map(|v| self.pool[v as usize])
                .collect(),
        }
    }

    /// Cheapest / dearest per-model mean of the positive cells over all samples, among the pool.
    fn bounds(&self) -> CostBounds {
        let means: Vec<f64> = self
            .pool
            .iter()
            .filter_map(|&j| {
                let positive: Vec<f64> = (0..self.bench.num_samples())
                    .map(|i| self.c(i, j))
                    .filter(|&c| c > 0.0)
                    .collect();
                (!positive.is_empty()).then(|| positive.iter().sum::<f64>() / positive.len() as f64)
            })
            .collect();
        CostBounds {
            cmin: means.iter().copied().fold(f64::INFINITY, f64::min),
            cmax: means.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }

    /// Checks every number of `scored` for the `(row, pick)` pairs, with `bounds`.
    fn check(&self, scored: &Scored, pairs: &[(usize, usize)], bounds: CostBounds, what: &str) {
        let n = pairs.len();
        let correct = pairs.iter().filter(|&&(i, j)| self.y(i, j)).count();
        let cost: f64 = pairs.iter().map(|&(i, j)| self.c(i, j)).sum();
        let oracle_correct = pairs
            .iter()
            .filter(|&&(i, _)| self.y(i, self.oracle(i)))
            .count();
        let oracle_cost: f64 = pairs.iter().map(|&(i, _)| self.c(i, self.oracle(i))).sum();
        let optimal = pairs.iter().filter(|&&(i, j)| j == self.oracle(i)).count();
        let m = &scored.metrics;
        assert_eq!(m.num_samples, n, "{what}: n");
        let accuracy = correct as f64 / n as f64;
        let avg_cost = cost / n as f64;
        assert_close(m.accuracy, accuracy, &format!("{what}: accuracy"));
        assert_close(m.avg_cost, avg_cost, &format!("{what}: avg_cost"));
        assert_close(
            m.rank_score,
            rank_score(accuracy, avg_cost, bounds),
            &format!("{what}: rank_score"),
        );
        let o = &scored.optimality;
        assert_close(
            o.optimal_selection,
            optimal as f64 / n as f64,
            &format!("{what}: optimal_selection"),
        );
        assert_close(
            o.cost_vs_oracle,
            oracle_cost / cost,
            &format!("{what}: cost_vs_oracle"),
        );
        let oracle_accuracy = oracle_correct as f64 / n as f64;
        let expected = if oracle_accuracy == 0.0 {
            0.0
        } else {
            accuracy / oracle_accuracy
        };
        assert_close(
            o.accuracy_vs_oracle,
            expected,
            &format!("{what}: accuracy_vs_oracle"),
        );
        for j in 0..self.bench.num_models() {
            let count = pairs.iter().filter(|&&(_, p)| p == j).count();
            assert_eq!(
                scored.picks_per_model[j], count,
                "{what}: picks of column {j}"
            );
        }
    }

    /// Checks a routing overall and per dataset.
    fn check_evaluation(&self, scenario: &Scenario, routing: &Routing, what: &str) {
        let scored = scenario
            .evaluate(routing)
            .expect("the routing stays in the pool");
        let pairs: Vec<(usize, usize)> = routing.pairs().collect();
        let bounds = scenario.bounds();
        self.check(&scored.overall, &pairs, bounds, what);
        let mut names: Vec<&str> = pairs
            .iter()
            .map(|&(i, _)| self.bench.samples.dataset_of(i))
            .collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(scored.per_dataset.len(), names.len(), "{what}: datasets");
        for (d, name) in scored.per_dataset.iter().zip(names) {
            assert_eq!(d.dataset, name, "{what}: dataset order");
            let in_d: Vec<(usize, usize)> = pairs
                .iter()
                .copied()
                .filter(|&(i, _)| self.bench.samples.dataset_of(i) == name)
                .collect();
            self.check(&d.scored, &in_d, bounds, &format!("{what} / {name}"));
        }
    }
}

/// Rank Score, protocol 2.2, written out here.
fn rank_score(accuracy: f64, cost: f64, b: CostBounds) -> f64 {
    let c = cost.max(b.cmin).min(b.cmax);
    let norm =
        ((b.cmax.log2() - c.log2()) / (b.cmax.log2() - b.cmin.log2() + 1e-12)).clamp(0.0, 1.0);
    let a = accuracy.clamp(0.0, 1.0);
    (1.1 * a * norm / (0.1 * a + norm + 1e-12)).clamp(0.0, 1.0)
}

/// Pools of the presets the web offers (without the dearest, open-weight only, N cheapest) and a
/// two-model pool, as column lists.
fn preset_pools(bench: &Benchmark) -> Vec<(String, Vec<usize>)> {
    let means = bench.per_model_mean_cost();
    let mut by_cost: Vec<usize> = (0..bench.num_models()).collect();
    by_cost.sort_by(|&a, &b| means[a].total_cmp(&means[b]));
    let dearest = by_cost[by_cost.len() - 1];
    let mut pools = vec![
        (
            "without the dearest".to_owned(),
            (0..bench.num_models()).filter(|&j| j != dearest).collect(),
        ),
        ("3 cheapest".to_owned(), by_cost[..3].to_vec()),
        ("cheapest and dearest".to_owned(), vec![by_cost[0], dearest]),
        (
            "odd columns".to_owned(),
            (0..bench.num_models()).filter(|j| j % 2 == 1).collect(),
        ),
    ];
    let open: Vec<usize> = (0..bench.num_models())
        .filter(|&j| {
            vlrb_core::catalog::OFFICIAL_MODELS
                .iter()
                .any(|m| m.id == bench.models[j].id && m.params_b.is_some())
        })
        .collect();
    if open.len() >= 2 {
        pools.push(("open-weight only".to_owned(), open));
    }
    for (_, pool) in &mut pools {
        pool.sort_unstable();
    }
    pools
}

/// A deterministic routing of the test split that picks only `pool` columns.
fn scrambled(bench: &Benchmark, pool: &[usize], seed: u64) -> Routing {
    let rows = bench.samples.rows_in(Split::Test);
    let mut state = seed;
    let picks = rows
        .iter()
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            pool[(state >> 33) as usize % pool.len()]
        })
        .collect();
    Routing { rows, picks }
}

fn check_pools(bench: &Arc<Benchmark>, name: &str) {
    for (label, columns) in preset_pools(bench) {
        let pool = Pool::from_columns(bench, columns.iter().copied()).unwrap();
        let scenario = Scenario::new(bench.clone(), pool, None).unwrap();
        let reference = Reference {
            bench,
            cost: &bench.cost,
            pool: columns.clone(),
        };
        let bounds = reference.bounds();
        assert_close(
            scenario.bounds().cmin,
            bounds.cmin,
            &format!("{name} {label}: cmin"),
        );
        assert_close(
            scenario.bounds().cmax,
            bounds.cmax,
            &format!("{name} {label}: cmax"),
        );
        for baseline in Baseline::ALL {
            let what = format!("{name} {label}: {}", baseline.name());
            let routing = scenario.route(baseline);
            assert_eq!(routing.picks, reference.picks(baseline), "{what}: picks");
            reference.check_evaluation(&scenario, &routing, &what);
        }
        let routing = scrambled(bench, &columns, 7);
        reference.check_evaluation(&scenario, &routing, &format!("{name} {label}: scrambled"));
    }
}

#[test]
fn published_view_scores_like_evaluate() {
    for bench in [fixture(), math_v()] {
        let scenario = Scenario::published(bench.clone());
        assert!(scenario.is_published());
        assert_eq!(scenario.bounds(), bench.bounds);
        let reference = Reference {
            bench: &bench,
            cost: &bench.cost,
            pool: (0..bench.num_models()).collect(),
        };
        for baseline in Baseline::ALL {
            let routing = scenario.route(baseline);
            assert_eq!(routing, baseline.route(&bench), "{}", baseline.name());
            let scored = scenario.evaluate(&routing).unwrap();
            assert_eq!(scored.evaluation(), evaluate(&bench, &routing));
            reference.check_evaluation(&scenario, &routing, baseline.name());
        }
    }
}

#[test]
fn pool_restricted_baselines_bounds_and_optimality_on_the_fixture() {
    check_pools(&fixture(), "fixture");
}

#[test]
fn pool_restricted_baselines_bounds_and_optimality_on_math_v() {
    check_pools(&math_v(), "math-v");
}

#[test]
fn pool_bounds_agree_with_cost_bounds_json() {
    // The official fixture's cost_bounds.json lists every model's mean cost: a pool's bounds are
    // the least and greatest of its models' entries (to the protocol's 1e-9).
    let bench = fixture();
    let text =
        std::fs::read(repo().join("tests/fixtures-official-tiny/data/matrices/cost_bounds.json"))
            .unwrap();
    let file: serde_json::Value = serde_json::from_slice(&text).unwrap();
    let per_model = file["per_model_avg_costs"].as_object().unwrap();
    for (label, columns) in preset_pools(&bench) {
        let means: Vec<f64> = columns
            .iter()
            .map(|&j| per_model[&bench.models[j].id].as_f64().unwrap())
            .collect();
        let pool = Pool::from_columns(&bench, columns.iter().copied()).unwrap();
        let b = Scenario::new(bench.clone(), pool, None).unwrap().bounds();
        let (cmin, cmax) = (
            means.iter().copied().fold(f64::INFINITY, f64::min),
            means.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        );
        assert!(
            (b.cmin - cmin).abs() <= 1e-9 * cmin,
            "{label}: cmin {} vs {cmin}",
            b.cmin
        );
        assert!(
            (b.cmax - cmax).abs() <= 1e-9 * cmax,
            "{label}: cmax {} vs {cmax}",
            b.cmax
        );
    }
}

#[test]
fn full_pool_keeps_the_published_bounds() {
    let bench = fixture();
    let scenario = Scenario::new(bench.clone(), Pool::all(&bench), None).unwrap();
    assert!(scenario.is_published());
    assert_eq!(scenario.bounds(), bench.bounds);
}

#[test]
fn pools_are_formed_from_ids_and_names_and_reject_bad_lists() {
    let bench = fixture();
    let pool = Pool::parse(&bench, " GPT-4o, Janus-Pro-1B ,GPT4o,").unwrap();
    assert_eq!(pool.ids(&bench), ["GPT4o", "Janus-Pro-1B"]);
    assert_eq!(Pool::parse(&bench, &pool.to_list(&bench)).unwrap(), pool);
    assert_eq!(
        Pool::parse(&bench, "GPT4o,nope,also-nope").unwrap_err(),
        PoolError::UnknownModels {
            names: vec!["nope".into(), "also-nope".into()]
        }
    );
    assert_eq!(
        Pool::parse(&bench, "GPT4o,GPT-4o").unwrap_err(),
        PoolError::TooFew { count: 1 }
    );
    assert_eq!(
        Pool::parse(&bench, "").unwrap_err(),
        PoolError::TooFew { count: 0 }
    );
    assert!(matches!(
        Pool::from_columns(&bench, [0, 99]),
        Err(PoolError::OutOfRange { column: 99, .. })
    ));
    let message = Pool::parse(&bench, "GPT4o,nope").unwrap_err().to_string();
    assert!(message.contains("nope"), "{message}");
}

#[test]
fn routings_with_excluded_models_are_not_scored() {
    let bench = fixture();
    let full = Baseline::Random.route(&bench);
    let pool = Pool::from_columns(&bench, 0..8).unwrap();
    let scenario = Scenario::new(bench.clone(), pool, None).unwrap();
    let err = scenario.evaluate(&full).unwrap_err();
    let outside: Vec<(usize, usize)> = full.pairs().filter(|&(_, j)| j >= 8).collect();
    assert_eq!(err.samples, outside.len());
    assert_eq!(err.first_sample, bench.samples.ids[outside[0].0]);
    assert_eq!(err.first_model, bench.models[outside[0].1].id);
    assert_eq!(scenario.score(full.pairs()).unwrap_err(), err);
    // The same pairs without the excluded picks score.
    let inside: Vec<(usize, usize)> = full.pairs().filter(|&(_, j)| j < 8).collect();
    assert!(scenario.score(inside).is_ok());
}

#[test]
fn bundled_prices_reproduce_the_packed_cost_matrix() {
    for rel in ["public/bundles/math-v.vlrb", "public/bundles/demo.vlrb"] {
        let bench = load(rel);
        assert!(bench.tokens.is_some(), "{rel} ships token counts");
        let cost = Prices::published(&bench).cost_matrix(&bench).unwrap();
        assert!(
            cost == bench.cost,
            "{rel}: recomputed C differs from the packed C"
        );
    }
}

#[test]
fn edited_prices_recompute_cost_bounds_and_scores() {
    let bench = math_v();
    let tokens = bench.tokens.clone().unwrap();
    let k = bench.num_models();
    let mut prices = Prices::published(&bench);
    let edited = Price {
        input: 0.125,
        output: 7.5,
    };
    prices
        .edit(&bench, [(bench.models[1].name.as_str(), edited)])
        .unwrap();
    prices.scale(0.5);
    let expected: Vec<f32> = (0..bench.num_samples() * k)
        .map(|cell| {
            let (i, j) = (cell / k, cell % k);
            let m = &bench.models[j];
            let (p_in, p_out) = if j == 1 {
                (edited.input * 0.5, edited.output * 0.5)
            } else {
                (m.price_input.unwrap() * 0.5, m.price_output.unwrap() * 0.5)
            };
            ((tokens.input[i] as f64 * p_in + tokens.output[cell] as f64 * p_out) / 1e6) as f32
        })
        .collect();
    assert!(prices.cost_matrix(&bench).unwrap() == expected);

    let columns: Vec<usize> = (0..k).filter(|&j| j != 0).collect();
    for pool in [
        Pool::all(&bench),
        Pool::from_columns(&bench, columns).unwrap(),
    ] {
        let scenario = Scenario::new(bench.clone(), pool.clone(), Some(&prices)).unwrap();
        assert!(scenario.is_repriced() && !scenario.is_published());
        assert!(scenario.cost_matrix() == expected.as_slice());
        let reference = Reference {
            bench: &bench,
            cost: &expected,
            pool: pool.columns().to_vec(),
        };
        let bounds = reference.bounds();
        assert_close(scenario.bounds().cmin, bounds.cmin, "repriced cmin");
        assert_close(scenario.bounds().cmax, bounds.cmax, "repriced cmax");
        for baseline in Baseline::ALL {
            let routing = scenario.route(baseline);
            assert_eq!(
                routing.picks,
                reference.picks(baseline),
                "{}",
                baseline.name()
            );
            reference.check_evaluation(&scenario, &routing, baseline.name());
        }
    }
}

#[test]
fn price_errors_are_specific() {
    let fixture = fixture();
    assert!(fixture.tokens.is_none());
    let err = Scenario::new(
        fixture.clone(),
        Pool::all(&fixture),
        Some(&Prices::published(&fixture)),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ScenarioError::Prices(PriceError::NoTokens { .. })
    ));
    assert!(err.to_string().contains("no token counts"), "{err}");

    let bench = math_v();
    let mut prices = Prices::published(&bench);
    let bad = Price {
        input: -1.0,
        output: 1.0,
    };
    assert!(matches!(
        prices.edit(&bench, [(bench.models[0].id.as_str(), bad)]),
        Err(PriceError::Invalid { .. })
    ));
    assert_eq!(
        prices.edit(
            &bench,
            [(
                "nope",
                Price {
                    input: 1.0,
                    output: 1.0
                }
            )]
        ),
        Err(PriceError::UnknownModels {
            names: vec!["nope".into()]
        })
    );
    assert_eq!(
        prices,
        Prices::published(&bench),
        "failed edits change nothing"
    );
    // Free models have no positive cost; a pool of only free models has no bounds.
    let free = Price {
        input: 0.0,
        output: 0.0,
    };
    let ids: Vec<(&str, Price)> = bench.models.iter().map(|m| (m.id.as_str(), free)).collect();
    prices.edit(&bench, ids).unwrap();
    assert_eq!(
        Scenario::new(bench.clone(), Pool::all(&bench), Some(&prices)).unwrap_err(),
        ScenarioError::NoPositiveCost
    );
}

#[test]
fn restricted_benchmark_keeps_the_pool_columns() {
    let bench = math_v();
    let pool = Pool::from_columns(&bench, [0, 2, 3]).unwrap();
    let scenario = Scenario::new(bench.clone(), pool, None).unwrap();
    let sub = scenario.restricted();
    sub.validate().unwrap();
    assert_eq!(sub.num_models(), 3);
    assert_eq!(sub.bounds, scenario.bounds());
    for i in (0..bench.num_samples()).step_by(97) {
        for (c, j) in [0, 2, 3].into_iter().enumerate() {
            assert_eq!(sub.correct(i, c), bench.correct(i, j));
            assert_eq!(sub.cost(i, c), bench.cost(i, j));
        }
    }
}

/// A small random benchmark for the property tests.
fn random_bench(n: usize, k: usize, correct: &[bool], costs: &[f32]) -> Benchmark {
    let datasets = ["A", "B", "C"];
    let ids: Vec<String> = (0..n).map(|i| format!("s{i}")).collect();
    let samples = Samples::from_rows(
        (0..n).map(|i| {
            let split = if i % 3 == 0 {
                Split::Train
            } else {
                Split::Test
            };
            (ids[i].as_str(), datasets[i % 3], split, "t")
        }),
        |_| "G".to_owned(),
    );
    let values: Vec<i8> = correct.iter().map(|&c| c as i8).collect();
    let mut bench = Benchmark {
        name: "random".into(),
        provenance: Provenance::default(),
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
        cost: costs.to_vec(),
        bounds: CostBounds {
            cmin: 1.0,
            cmax: 1.0,
        },
        tokens: None,
        questions: None,
        embeddings: Vec::new(),
    };
    bench.bounds = bench.computed_bounds();
    bench
}

fn bench_and_pool() -> impl Strategy<Value = (Benchmark, Vec<usize>)> {
    (3usize..30, 2usize..7).prop_flat_map(|(n, k)| {
        (
            prop::collection::vec(any::<bool>(), n * k),
            prop::collection::vec(1e-6f32..1e-2, n * k),
            prop::collection::vec(any::<bool>(), k),
        )
            .prop_map(move |(y, c, keep)| {
                let mut pool: Vec<usize> = (0..k).filter(|&j| keep[j]).collect();
                for j in 0..2 {
                    if !pool.contains(&j) {
                        pool.push(j);
                    }
                }
                pool.sort_unstable();
                (random_bench(n, k, &y, &c), pool)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Within a pool the Oracle is the most accurate routing, so accuracy_vs_oracle is in [0, 1],
    /// and every pool routing's numbers match the plain loops.
    #[test]
    fn pool_routings_obey_the_oracle((bench, columns) in bench_and_pool(), seed in any::<u64>()) {
        let bench = Arc::new(bench);
        let pool = Pool::from_columns(&bench, columns.iter().copied()).unwrap();
        let scenario = Scenario::new(bench.clone(), pool, None).unwrap();
        let routing = scrambled(&bench, &columns, seed);
        let scored = scenario.evaluate(&routing).unwrap();
        let o = scored.overall.optimality;
        prop_assert!((0.0..=1.0).contains(&o.accuracy_vs_oracle));
        prop_assert!((0.0..=1.0).contains(&o.optimal_selection));
        let oracle = scenario.evaluate(&scenario.route(Baseline::Oracle)).unwrap().overall;
        prop_assert_eq!(oracle.optimality.optimal_selection, 1.0);
        prop_assert_eq!(oracle.optimality.cost_vs_oracle, 1.0);
        let n: usize = scored.overall.picks_per_model.iter().sum();
        prop_assert_eq!(n, routing.rows.len());
        let reference = Reference { bench: &bench, cost: &bench.cost, pool: columns.clone() };
        reference.check_evaluation(&scenario, &routing, "property");
        let plain = Metrics::of(&bench, routing.pairs());
        prop_assert_eq!(plain.accuracy, scored.overall.metrics.accuracy);
    }
}
