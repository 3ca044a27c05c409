//! The what-if contract of `vlrb eval` / `vlrb baselines` (`--pool`, `--prices`, the optimality
//! metrics and `picks_per_model`) and `vlrb info --json`'s `tokens`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use serde_json::Value;
use vlrb_core::baselines::Baseline;
use vlrb_core::pool::Pool;
use vlrb_core::predictions::to_csv;
use vlrb_core::prices::{Price, Prices};
use vlrb_core::scenario::Scenario;
use vlrb_core::{Benchmark, bundle};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture_bundle() -> PathBuf {
    repo().join("tests/fixture-tiny.vlrb")
}

fn math_v_bundle() -> PathBuf {
    repo().join("public/bundles/math-v.vlrb")
}

fn decode(path: &Path) -> Arc<Benchmark> {
    Arc::new(bundle::decode(&std::fs::read(path).unwrap()).unwrap())
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("whatif-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn vlrb(args: &[&OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vlrb"))
        .args(args)
        .output()
        .unwrap()
}

fn vlrb_json(args: &[&OsStr]) -> Value {
    let out = vlrb(args);
    assert!(
        out.status.success(),
        "vlrb {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is exactly one JSON document")
}

/// Runs `vlrb` expecting failure; returns its one-line stderr.
fn vlrb_error(args: &[&OsStr]) -> String {
    let out = vlrb(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "vlrb {args:?} succeeded");
    assert!(out.stdout.is_empty(), "stdout must stay empty on error");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "one message: {stderr}"
    );
    stderr
}

fn expected_baselines() -> Value {
    let path = repo().join("tests/fixtures-official-tiny/expected/baselines.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn close(actual: f64, expected: f64) -> bool {
    actual == expected || (actual - expected).abs() <= 1e-9 * expected.abs()
}

#[test]
fn baselines_json_adds_optimality_against_the_fixture_oracle() {
    // The fixture's expected Oracle (an independent implementation) gives o_i and its accuracy and
    // cost; each baseline's optimality follows from its picks and the expected numbers.
    let bench = decode(&fixture_bundle());
    let doc = vlrb_json(&[
        "baselines".as_ref(),
        fixture_bundle().as_os_str(),
        "--json".as_ref(),
    ]);
    let want = expected_baselines();
    let oracle_picks: Vec<u64> = want["Oracle"]["picks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_u64().unwrap())
        .collect();
    let oracle = &want["Oracle"];
    for (name, w) in want.as_object().unwrap() {
        let got = &doc[name];
        let picks: Vec<u64> = got["picks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_u64().unwrap())
            .collect();
        let n = picks.len();
        let same = picks
            .iter()
            .zip(&oracle_picks)
            .filter(|(a, b)| a == b)
            .count();
        assert_eq!(
            f(&got["optimal_selection"]),
            same as f64 / n as f64,
            "{name}: optimal_selection"
        );
        let accuracy_vs_oracle = f(&w["accuracy"]) / f(&oracle["accuracy"]);
        assert!(
            close(f(&got["accuracy_vs_oracle"]), accuracy_vs_oracle),
            "{name}: accuracy_vs_oracle {} vs {accuracy_vs_oracle}",
            got["accuracy_vs_oracle"]
        );
        let cost_vs_oracle = f(&oracle["avg_cost"]) / f(&w["avg_cost"]);
        assert!(
            close(f(&got["cost_vs_oracle"]), cost_vs_oracle),
            "{name}: cost_vs_oracle {} vs {cost_vs_oracle}",
            got["cost_vs_oracle"]
        );
        // Every model is listed, with the picks' counts.
        let per_model = got["picks_per_model"].as_object().unwrap();
        assert_eq!(per_model.len(), bench.num_models(), "{name}");
        for (j, m) in bench.models.iter().enumerate() {
            let count = picks.iter().filter(|&&p| p == j as u64).count();
            assert_eq!(per_model[&m.id], count as u64, "{name}: picks of {}", m.id);
        }
        // Per dataset: the same fields, and the counts add up to the dataset's samples.
        for d in got["per_dataset"].as_array().unwrap() {
            for key in ["optimal_selection", "cost_vs_oracle", "accuracy_vs_oracle"] {
                let v = f(&d[key]);
                assert!(
                    v.is_finite() && v >= 0.0,
                    "{name} {}: {key} {v}",
                    d["dataset"]
                );
            }
            let total: u64 = d["picks_per_model"]
                .as_object()
                .unwrap()
                .values()
                .map(|c| c.as_u64().unwrap())
                .sum();
            assert_eq!(total, d["num_samples"].as_u64().unwrap(), "{name}");
        }
    }
    assert_eq!(doc["Oracle"]["optimal_selection"], 1.0);
    assert_eq!(doc["Oracle"]["cost_vs_oracle"], 1.0);
    assert_eq!(doc["Oracle"]["accuracy_vs_oracle"], 1.0);
}

/// The `eval`-shaped fields of a document (all but `picks` and `ignored_rows`).
fn scored_fields(doc: &Value) -> Value {
    let mut doc = doc.clone();
    let object = doc.as_object_mut().unwrap();
    object.remove("picks");
    object.remove("ignored_rows");
    doc
}

#[test]
fn pool_restricts_baselines_and_eval_agrees() {
    let bench = decode(&fixture_bundle());
    let dir = scratch("pool");
    // Display names and ids mix; the dearest model (GPT-4o) is left out.
    let list = "Janus-Pro-1B,SmolVLM2,Qwen2.5-VL-72B-Instruct,DeepSeek-VL2-Tiny,Gemini-Flash-2.5";
    let doc = vlrb_json(&[
        "baselines".as_ref(),
        fixture_bundle().as_os_str(),
        "--json".as_ref(),
        "--pool".as_ref(),
        list.as_ref(),
    ]);
    let pool = Pool::parse(&bench, list).unwrap();
    let scenario = Scenario::new(bench.clone(), pool.clone(), None).unwrap();
    for baseline in Baseline::ALL {
        let got = &doc[baseline.name()];
        let routing = scenario.route(baseline);
        assert_eq!(
            got["picks"],
            serde_json::json!(routing.picks),
            "{}",
            baseline.name()
        );
        let scored = scenario.evaluate(&routing).unwrap();
        assert_eq!(got["rank_score"], scored.overall.metrics.rank_score);
        assert_eq!(
            got["cost_vs_oracle"],
            scored.overall.optimality.cost_vs_oracle
        );
        let per_model = got["picks_per_model"].as_object().unwrap();
        let ids: Vec<&str> = per_model.keys().map(String::as_str).collect();
        let mut want_ids = pool.ids(&bench);
        want_ids.sort_unstable();
        assert_eq!(ids, want_ids, "only the pool's models");
    }
    // `eval` of the pool Oracle's picks gives the Oracle's entry.
    let oracle = scenario.route(Baseline::Oracle);
    let predictions = dir.join("oracle.csv");
    std::fs::write(&predictions, to_csv(&bench, &oracle)).unwrap();
    let eval = vlrb_json(&[
        "eval".as_ref(),
        fixture_bundle().as_os_str(),
        predictions.as_os_str(),
        "--json".as_ref(),
        "--pool".as_ref(),
        list.as_ref(),
    ]);
    assert_eq!(scored_fields(&eval), scored_fields(&doc["Oracle"]));

    // The full-pool Oracle picks GPT-4o somewhere: not scored under the pool.
    let full = Baseline::Oracle.route(&bench);
    let outside: Vec<(usize, usize)> = full.pairs().filter(|&(_, j)| !pool.contains(j)).collect();
    assert!(!outside.is_empty());
    let predictions = dir.join("full-oracle.csv");
    std::fs::write(&predictions, to_csv(&bench, &full)).unwrap();
    let stderr = vlrb_error(&[
        "eval".as_ref(),
        fixture_bundle().as_os_str(),
        predictions.as_os_str(),
        "--json".as_ref(),
        "--pool".as_ref(),
        list.as_ref(),
    ]);
    let (i, j) = outside[0];
    assert!(
        stderr.contains(&bench.samples.ids[i]) && stderr.contains(&bench.models[j].id),
        "{stderr:?} does not name sample {} and model {}",
        bench.samples.ids[i],
        bench.models[j].id
    );
    assert!(
        stderr.contains(&format!("{} samples", outside.len())),
        "{stderr}"
    );
}

#[test]
fn bad_pools_are_errors_naming_the_problem() {
    let bundle = fixture_bundle();
    let predictions = repo().join("tests/fixtures-official-tiny/predictions/mixed_ids.csv");
    for (list, needle) in [
        ("GPT4o,nope,Gemma3-27B,also-nope", "nope, also-nope"),
        ("GPT4o", "at least 2"),
        ("GPT4o,GPT-4o", "at least 2"),
    ] {
        for command in ["baselines", "eval"] {
            let mut args: Vec<&OsStr> = vec![command.as_ref(), bundle.as_os_str()];
            if command == "eval" {
                args.push(predictions.as_os_str());
            }
            args.extend(["--json".as_ref(), "--pool".as_ref(), OsStr::new(list)]);
            let stderr = vlrb_error(&args);
            assert!(stderr.contains(needle), "{command} --pool {list}: {stderr}");
        }
    }
}

#[test]
fn prices_recompute_costs_from_token_counts() {
    let bench = decode(&math_v_bundle());
    let dir = scratch("prices");
    let prices_file = dir.join("prices.csv");
    let (a, b) = (&bench.models[0], &bench.models[1]);
    std::fs::write(
        &prices_file,
        format!(
            "model,price_input_usd_per_mtok,price_output_usd_per_mtok\n{},0.01,0.02\n\"{}\",9.5,30\n",
            a.id,
            b.name.replace('"', "\"\"")
        ),
    )
    .unwrap();
    let doc = vlrb_json(&[
        "baselines".as_ref(),
        math_v_bundle().as_os_str(),
        "--json".as_ref(),
        "--prices".as_ref(),
        prices_file.as_os_str(),
    ]);
    let mut prices = Prices::published(&bench);
    prices
        .edit(
            &bench,
            [
                (
                    a.id.as_str(),
                    Price {
                        input: 0.01,
                        output: 0.02,
                    },
                ),
                (
                    b.id.as_str(),
                    Price {
                        input: 9.5,
                        output: 30.0,
                    },
                ),
            ],
        )
        .unwrap();
    let scenario = Scenario::new(bench.clone(), Pool::all(&bench), Some(&prices)).unwrap();
    let published = Scenario::published(bench.clone());
    let mut differs = false;
    for baseline in Baseline::ALL {
        let routing = scenario.route(baseline);
        let scored = scenario.evaluate(&routing).unwrap();
        let got = &doc[baseline.name()];
        assert_eq!(got["picks"], serde_json::json!(routing.picks));
        assert_eq!(got["avg_cost"], scored.overall.metrics.avg_cost);
        assert_eq!(got["rank_score"], scored.overall.metrics.rank_score);
        assert_eq!(
            got["optimal_selection"],
            scored.overall.optimality.optimal_selection
        );
        let before = published.evaluate(&published.route(baseline)).unwrap();
        differs |= before.overall.metrics.avg_cost != scored.overall.metrics.avg_cost;
    }
    assert!(differs, "the edited prices change some baseline's cost");

    // With a pool too.
    let list = format!("{},{},{}", a.id, b.id, bench.models[2].id);
    let doc = vlrb_json(&[
        "baselines".as_ref(),
        math_v_bundle().as_os_str(),
        "--json".as_ref(),
        "--prices".as_ref(),
        prices_file.as_os_str(),
        "--pool".as_ref(),
        list.as_ref(),
    ]);
    let pool = Pool::parse(&bench, &list).unwrap();
    let scenario = Scenario::new(bench.clone(), pool, Some(&prices)).unwrap();
    let oracle = scenario
        .evaluate(&scenario.route(Baseline::Oracle))
        .unwrap();
    assert_eq!(doc["Oracle"]["avg_cost"], oracle.overall.metrics.avg_cost);
    assert_eq!(
        doc["Oracle"]["rank_score"],
        oracle.overall.metrics.rank_score
    );
}

#[test]
fn prices_errors_are_specific() {
    let dir = scratch("prices-errors");
    let ok = dir.join("ok.csv");
    std::fs::write(
        &ok,
        "model,price_input_usd_per_mtok,price_output_usd_per_mtok\nGPT4o,1,2\n",
    )
    .unwrap();
    // The official fixture has no token counts.
    let stderr = vlrb_error(&[
        "baselines".as_ref(),
        fixture_bundle().as_os_str(),
        "--prices".as_ref(),
        ok.as_os_str(),
    ]);
    assert!(stderr.contains("no token counts"), "{stderr}");

    let bench = decode(&math_v_bundle());
    let unknown = dir.join("unknown.csv");
    std::fs::write(
        &unknown,
        format!(
            "model,price_input_usd_per_mtok,price_output_usd_per_mtok\n{},1,2\nno-such-model,1,2\n",
            bench.models[0].id
        ),
    )
    .unwrap();
    let stderr = vlrb_error(&[
        "baselines".as_ref(),
        math_v_bundle().as_os_str(),
        "--prices".as_ref(),
        unknown.as_os_str(),
    ]);
    assert!(stderr.contains("no-such-model"), "{stderr}");

    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "model,price_input_usd_per_mtok,price_output_usd_per_mtok\n{},cheap,2\n",
            bench.models[0].id
        ),
    )
    .unwrap();
    let stderr = vlrb_error(&[
        "baselines".as_ref(),
        math_v_bundle().as_os_str(),
        "--prices".as_ref(),
        bad.as_os_str(),
    ]);
    assert!(
        stderr.contains("\"cheap\"") && stderr.contains("line 2"),
        "{stderr}"
    );
}

#[test]
fn info_json_says_whether_token_counts_ship() {
    for (path, tokens) in [(fixture_bundle(), false), (math_v_bundle(), true)] {
        let doc = vlrb_json(&["info".as_ref(), path.as_os_str(), "--json".as_ref()]);
        assert_eq!(doc["tokens"], tokens, "{}", path.display());
    }
}

#[test]
fn train_on_a_pool_sees_only_its_models_and_eval_agrees() {
    let bundle = math_v_bundle();
    let bench = decode(&bundle);
    let pool: Vec<&str> = bench.models[2..8].iter().map(|m| m.id.as_str()).collect();
    let pool_arg = pool.join(",");
    let dir = scratch("train-pool");
    let out = dir.join("knn.csv");
    let trained = vlrb_json(&[
        "train".as_ref(),
        bundle.as_os_str(),
        "--router".as_ref(),
        "knn".as_ref(),
        "--pool".as_ref(),
        pool_arg.as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
        "--json".as_ref(),
    ]);
    // Every test pick is a pool model (independently: the written CSV's model column).
    let text = std::fs::read_to_string(&out).unwrap();
    let picked: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(
        picked.len(),
        bench.samples.rows_in(vlrb_core::Split::Test).len()
    );
    assert!(
        picked.iter().all(|m| pool.contains(m)),
        "a pick outside the pool"
    );
    let counts = trained["picks_per_model"].as_object().unwrap();
    assert_eq!(counts.len(), pool.len());
    for id in &pool {
        let n = picked.iter().filter(|m| *m == id).count();
        assert_eq!(counts[*id].as_u64().unwrap() as usize, n, "{id}");
    }
    // `eval` of the written picks under the same pool gives the train command's numbers.
    let evaluated = vlrb_json(&[
        "eval".as_ref(),
        bundle.as_os_str(),
        out.as_os_str(),
        "--pool".as_ref(),
        pool_arg.as_ref(),
        "--json".as_ref(),
    ]);
    for key in [
        "accuracy",
        "avg_cost",
        "rank_score",
        "optimal_selection",
        "cost_vs_oracle",
        "accuracy_vs_oracle",
        "picks_per_model",
        "per_dataset",
    ] {
        assert_eq!(evaluated[key], trained[key], "{key}");
    }
}
