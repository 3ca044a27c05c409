//! `vlrb train` and the routers on the fixture benchmark (tests/fixtures-official-tiny, read with
//! vlrb-formats): known facts, determinism, and train -> eval parity through the binary.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use vlrb_core::Benchmark;
use vlrb_core::metrics::Metrics;
use vlrb_core::routers::compute::Cpu;
use vlrb_core::routers::features::Fusion;
use vlrb_core::routers::{self, Control, Data, RouterKind, TrainConfig};
use vlrb_core::soft_labels::LAMBDA_GRID;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture() -> Benchmark {
    let opts = vlrb_formats::PackOptions {
        name: None,
        prices: None,
    };
    vlrb_formats::load_dir(&root().join("tests/fixtures-official-tiny"), &opts)
        .expect("fixture loads")
}

/// The fixture packed into a bundle in a fresh temporary folder.
fn fixture_bundle(tag: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("vlrb-train-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bundle = dir.join("fixture.vlrb");
    std::fs::write(&bundle, vlrb_core::bundle::encode(&fixture()).unwrap()).unwrap();
    (dir, bundle)
}

fn vlrb(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_vlrb"))
        .args(args)
        .output()
        .expect("vlrb runs");
    assert!(
        out.status.success(),
        "vlrb {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is only JSON")
}

fn quiet(_: &routers::Progress) -> Control {
    Control::Continue
}

/// Average cost on the training rows of the Linear router trained at each finite lambda of the
/// grid never rises with lambda. lambda = inf is left out on purpose: it switches from soft to hard
/// targets, and the argmax of a model fitted to hard labels can be dearer than at lambda = 1e4 (on
/// the fixture: $3.32e-4 vs $3.15e-4 per sample). Soft targets at a large finite lambda still give
/// a cheap model that is correct on many rows some mass on all of them, while hard targets credit
/// it only where it is the cheapest correct one, so the summed evidence can favour a dearer model.
/// The property is an empirical fact of the fixture along the grid, not a theorem.
#[test]
fn larger_lambda_never_raises_the_linear_routers_train_cost() {
    let bench = fixture();
    let data = Data::prepare(&bench, Fusion::Concat).unwrap();
    let mut costs = Vec::new();
    for lambda in LAMBDA_GRID.into_iter().filter(|l| l.is_finite()) {
        let mut config = TrainConfig::new(RouterKind::Linear);
        config.lambda = Some(lambda);
        let outcome =
            pollster::block_on(routers::train(&data, &config, &mut Cpu::new(), &mut quiet))
                .unwrap();
        let picks =
            pollster::block_on(outcome.model.predict(&mut Cpu::new(), &data.x, &data.train));
        let m = Metrics::of(&bench, data.train.iter().copied().zip(picks));
        costs.push((lambda, m.avg_cost));
    }
    for w in costs.windows(2) {
        assert!(
            w[1].1 <= w[0].1 * (1.0 + 1e-9),
            "train cost rose from lambda {} to {}: {costs:?}",
            w[0].0,
            w[1].0
        );
    }
    assert!(
        costs[costs.len() - 1].1 < costs[0].1,
        "lambda has no effect: {costs:?}"
    );
}

#[test]
fn every_router_trains_on_the_fixture_and_is_more_accurate_than_the_weakest_model() {
    let bench = fixture();
    let data = Data::prepare(&bench, Fusion::Concat).unwrap();
    let weakest = (0..bench.num_models())
        .map(|j| Metrics::of(&bench, data.dev.iter().map(|&i| (i, j))).accuracy)
        .fold(f64::INFINITY, f64::min);
    for router in RouterKind::ALL {
        let mut config = TrainConfig::new(router);
        if router.uses_lambda() {
            config.lambda = Some(100.0);
        }
        let mut epochs = 0;
        let outcome =
            pollster::block_on(routers::train(&data, &config, &mut Cpu::new(), &mut |p| {
                epochs = p.epoch;
                assert!(p.dev_rank_score.is_finite());
                Control::Continue
            }))
            .unwrap();
        assert!(epochs >= 1, "{router:?} reported no progress");
        assert_eq!(outcome.test.rows.len(), data.test.len());
        assert!(outcome.test.picks.iter().all(|&j| j < bench.num_models()));
        assert!(
            outcome.dev.accuracy > weakest,
            "{router:?}: dev accuracy {} vs weakest single model {weakest}",
            outcome.dev.accuracy
        );
    }
}

#[test]
fn stop_flag_ends_training_after_the_first_epoch() {
    let bench = fixture();
    let data = Data::prepare(&bench, Fusion::Text).unwrap();
    let mut seen = 0;
    let outcome = pollster::block_on(routers::train(
        &data,
        &TrainConfig::new(RouterKind::Mlp),
        &mut Cpu::new(),
        &mut |_| {
            seen += 1;
            Control::Stop
        },
    ))
    .unwrap();
    assert_eq!(seen, 1);
    assert!(outcome.stopped);
    assert_eq!(outcome.epochs, 1);
    assert_eq!(outcome.sweep.len(), 1, "a stop also ends the lambda sweep");
}

#[test]
fn cli_train_then_eval_gives_the_same_metrics() {
    let (dir, bundle) = fixture_bundle("parity");
    let bundle = bundle.to_str().unwrap();
    for (router, extra) in [
        ("mlp", vec!["--lambda", "inf"]),
        ("knn", vec![]),
        ("linear", vec!["--features", "text"]),
    ] {
        let pred = dir.join(format!("{router}.csv"));
        let pred = pred.to_str().unwrap();
        let mut args = vec!["train", bundle, "--router", router, "--json", "--out", pred];
        args.extend(extra);
        let trained = vlrb(&args);
        let evaluated = vlrb(&["eval", bundle, pred, "--json"]);
        for key in [
            "num_samples",
            "accuracy",
            "avg_cost",
            "rank_score",
            "ignored_rows",
            "per_dataset",
        ] {
            assert_eq!(trained[key], evaluated[key], "{router}: {key}");
        }
        assert_eq!(trained["router"], router);
        assert_eq!(trained["backend"], "cpu (threads)");
        assert!(trained["throughput"]["k_tokens_per_s"].as_f64().unwrap() > 0.0);
        if router == "mlp" {
            assert_eq!(trained["lambda"], "inf");
        }
    }
    // Same seed, same picks; the swept lambda is one of the grid.
    let a = vlrb(&[
        "train", bundle, "--router", "linear", "--seed", "7", "--json",
    ]);
    let b = vlrb(&[
        "train", bundle, "--router", "linear", "--seed", "7", "--json",
    ]);
    assert_eq!(a["rank_score"], b["rank_score"]);
    assert_eq!(a["sweep"].as_array().unwrap().len(), 6);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn cli_rejects_bad_router_and_lambda_for_lambda_free_routers() {
    let (dir, bundle) = fixture_bundle("errors");
    let bundle = bundle.to_str().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_vlrb"))
            .args(args)
            .output()
            .unwrap()
    };
    let bad = run(&["train", bundle, "--router", "svm"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("svm"));
    let bad = run(&["train", bundle, "--router", "knn", "--lambda", "10"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("knn"));
    std::fs::remove_dir_all(&dir).ok();
}

/// The wgpu backend (llvmpipe here; a missing adapter fails) trains to the CPU's result up to
/// float rounding: the stated tolerance is 2 test samples of accuracy and 0.02 of Rank Score.
#[test]
fn gpu_backend_matches_cpu_within_rounding_tolerance() {
    let (dir, bundle) = fixture_bundle("gpu");
    let bundle = bundle.to_str().unwrap();
    for router in ["mlp", "knn", "linear"] {
        let cpu = vlrb(&[
            "train", bundle, "--router", router, "--epochs", "8", "--json",
        ]);
        let gpu = vlrb(&[
            "train",
            bundle,
            "--router",
            router,
            "--epochs",
            "8",
            "--backend",
            "gpu",
            "--json",
        ]);
        assert!(
            gpu["backend"].as_str().unwrap().starts_with("gpu: "),
            "{}",
            gpu["backend"]
        );
        let n = cpu["num_samples"].as_f64().unwrap();
        let acc = (cpu["accuracy"].as_f64().unwrap() - gpu["accuracy"].as_f64().unwrap()).abs();
        let rank =
            (cpu["rank_score"].as_f64().unwrap() - gpu["rank_score"].as_f64().unwrap()).abs();
        assert!(
            acc <= 2.0 / n + 1e-12 && rank <= 0.02,
            "{router}: cpu {cpu} gpu {gpu}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
