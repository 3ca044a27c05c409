//! The sandbox's training run on the official-tiny fixture, natively on the CPU backend.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::sync::Arc;

use vlrb_core::Split;
use vlrb_core::routers::compute::Cpu;
use vlrb_core::routers::features::Fusion;
use vlrb_core::routers::{self, Control, Data, RouterKind, TrainConfig};
use vlrb_core::soft_labels::{LAMBDA_GRID, lambda_text};
use vlrb_sandbox::weights::{FORMAT, Model, REFERENCE_RULE};
use vlrb_sandbox::{Backend, SweepResult, TrainForm, WorkerMessage, run};

/// A clock that advances 1 ms per reading.
fn ticking() -> impl FnMut() -> f64 {
    let mut t = 0.0;
    move || {
        t += 0.001;
        t
    }
}

fn fixture() -> Arc<vlrb_core::model::Benchmark> {
    Arc::new(vlrb_core::bundle::decode(include_bytes!("../../../tests/fixture-tiny.vlrb")).unwrap())
}

#[test]
fn knn_run_routes_every_test_sample_and_reports_progress() {
    let bench = fixture();
    let form = TrainForm {
        router: "knn".into(),
        epochs: String::new(),
        ..TrainForm::defaults(false)
    };
    let request = form.validate("bundles/fixture.vlrb", "sha").unwrap();
    assert_eq!(
        (request.router, request.backend),
        (RouterKind::Knn, Backend::Cpu)
    );
    let mut stages = 0;
    let mut lambdas = Vec::new();
    let finished = pollster::block_on(run(
        bench.clone(),
        &request,
        &mut ticking(),
        &mut |m| match m {
            WorkerMessage::Stage { .. } | WorkerMessage::Progress { .. } => stages += 1,
            WorkerMessage::Lambda { index, of, point } => lambdas.push((index, of, point)),
            _ => {}
        },
    ))
    .unwrap();
    assert!(stages >= 2);
    let result = &finished.result;
    // The one "lambda" of kNN was posted before the end, with the final picks.
    assert_eq!(lambdas.len(), 1);
    assert_eq!((lambdas[0].0, lambdas[0].1), (1, 1));
    assert_eq!(lambdas[0].2.picks, result.picks);
    assert_eq!(lambdas[0].2.epochs, 1);
    let n_test = bench.samples.rows_in(Split::Test).len();
    assert_eq!(result.picks.len(), n_test);
    assert!(
        result
            .picks
            .iter()
            .all(|&j| (j as usize) < bench.num_models())
    );
    assert_eq!(result.sweep.len(), 1);
    assert_eq!(result.fallback, None);
    assert_eq!(
        result.entry_name(),
        "knn concat λ=inf seed 42 (trained here)"
    );
    // The weights name the reference rows (the training rows with a correct model) instead of
    // copying their features: no float matrix in the file.
    let weights = &finished.weights;
    assert_eq!(
        (weights.format.as_str(), weights.router),
        (FORMAT, RouterKind::Knn)
    );
    assert_eq!(weights.bundle_sha256, "sha");
    let data = Data::prepare(&bench, Fusion::Concat).unwrap();
    let Model::Knn {
        references,
        labels,
        models,
    } = &weights.model
    else {
        panic!("kNN weights hold {:?}", weights.model);
    };
    let ids: Vec<&str> = data
        .train
        .iter()
        .map(|&i| bench.samples.ids[i].as_str())
        .collect();
    assert_eq!(references.sample_ids, ids);
    assert_eq!(references.rule, REFERENCE_RULE);
    assert_eq!((labels.len(), *models), (ids.len(), bench.num_models()));
    let text = weights.to_json().unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed["model"]["kind"], "knn");
    assert!(parsed["model"].get("refs").is_none(), "{text}");
    assert_eq!(
        parsed["scaler"]["mean"].as_array().unwrap().len(),
        data.x.cols
    );
}

/// A sweep trained one lambda at a time equals the core's sweep (what `vlrb train` runs): every
/// lambda's test metrics and picks, the chosen lambda, its epochs and its picks; each lambda is
/// posted as soon as it is done, in grid order, before the end.
#[test]
fn a_sweep_posts_each_lambda_and_equals_the_cores_sweep() {
    let bench = fixture();
    let form = TrainForm {
        router: "linear".into(),
        epochs: "3".into(),
        ..TrainForm::defaults(false)
    };
    let request = form.validate("bundles/fixture.vlrb", "sha").unwrap();
    let mut posted: Vec<(usize, usize, SweepResult)> = Vec::new();
    let mut progress = Vec::new();
    let finished = pollster::block_on(run(
        bench.clone(),
        &request,
        &mut ticking(),
        &mut |m| match m {
            WorkerMessage::Lambda { index, of, point } => posted.push((index, of, point)),
            WorkerMessage::Progress {
                lambda_index,
                lambdas,
                epoch,
                max_epochs,
                ..
            } => progress.push((lambda_index, lambdas, epoch, max_epochs)),
            _ => {}
        },
    ))
    .unwrap();
    let n = LAMBDA_GRID.len();
    assert_eq!(
        posted
            .iter()
            .map(|(i, of, _)| (*i, *of))
            .collect::<Vec<_>>(),
        (1..=n).map(|i| (i, n)).collect::<Vec<_>>()
    );
    assert!(
        progress
            .iter()
            .all(|&(_, of, e, max)| of == n && e <= max && max == 3)
    );
    assert_eq!(progress.first().map(|p| p.0), Some(1));
    assert_eq!(progress.last().map(|p| p.0), Some(n));

    let data = Data::prepare(&bench, Fusion::Concat).unwrap();
    let config = TrainConfig {
        max_epochs: Some(3),
        ..TrainConfig::new(RouterKind::Linear)
    };
    let core = pollster::block_on(routers::train(&data, &config, &mut Cpu::new(), &mut |_| {
        Control::Continue
    }))
    .unwrap();
    let result = &finished.result;
    assert_eq!(result.sweep.len(), core.sweep.len());
    for ((p, c), (_, _, q)) in result.sweep.iter().zip(&core.sweep).zip(&posted) {
        assert_eq!(p, q);
        assert_eq!(p.lambda, lambda_text(c.lambda));
        assert_eq!(
            (p.dev_rank_score, p.accuracy, p.avg_cost, p.rank_score),
            (
                c.dev.rank_score,
                c.test.accuracy,
                c.test.avg_cost,
                c.test.rank_score
            )
        );
        let picks: Vec<usize> = p.picks.iter().map(|&j| j as usize).collect();
        assert_eq!(picks, c.test_picks);
    }
    assert_eq!(Some(result.lambda.clone()), core.lambda.map(lambda_text));
    assert_eq!(result.epochs, core.epochs);
    let picks: Vec<usize> = result.picks.iter().map(|&j| j as usize).collect();
    assert_eq!(picks, core.test.picks);
    let Model::Net { net } = &finished.weights.model else {
        panic!("linear weights hold {:?}", finished.weights.model);
    };
    let vlrb_core::routers::Trained::Net { net: core_net } = &core.model else {
        panic!("the core's linear router is {:?}", core.model);
    };
    assert_eq!(net, core_net);
    assert_eq!(finished.weights.lambda, core.lambda.map(lambda_text));
}

/// Under a what-if view the run trains on the pool's columns only (as `vlrb train --pool`): its
/// picks are the core's routing on the restricted benchmark, posted in the bundle's columns.
#[test]
fn a_run_on_a_pool_trains_on_the_pool_and_posts_bundle_columns() {
    let bench = fixture();
    let pool: Vec<String> = [1, 4, 6, 9]
        .iter()
        .map(|&j| bench.models[j].id.clone())
        .collect();
    let mut request = TrainForm {
        router: "knn".into(),
        epochs: String::new(),
        ..TrainForm::defaults(false)
    }
    .validate("bundles/fixture.vlrb", "sha")
    .unwrap();
    request.view = Some(vlrb_sandbox::TrainView {
        pool: pool.clone(),
        prices: None,
    });
    let finished =
        pollster::block_on(run(bench.clone(), &request, &mut ticking(), &mut |_| {})).unwrap();
    // Independently: the core's kNN on the benchmark restricted by hand to those columns.
    let scenario = vlrb_core::scenario::Scenario::new(
        bench.clone(),
        vlrb_core::pool::Pool::from_keys(&bench, &pool).unwrap(),
        None,
    )
    .unwrap();
    let restricted = scenario.restricted();
    let data = Data::prepare(&restricted, Fusion::Concat).unwrap();
    let outcome = pollster::block_on(routers::train(
        &data,
        &TrainConfig::new(RouterKind::Knn),
        &mut Cpu::new(),
        &mut |_| Control::Continue,
    ))
    .unwrap();
    let columns = [1usize, 4, 6, 9];
    let expected: Vec<u16> = outcome
        .test
        .picks
        .iter()
        .map(|&c| columns[c] as u16)
        .collect();
    assert_eq!(finished.result.picks, expected);
    assert!(
        finished
            .result
            .picks
            .iter()
            .all(|j| columns.contains(&(*j as usize)))
    );
    assert_eq!(finished.weights.pool.as_deref(), Some(&pool[..]));
    assert!(finished.result.entry_name().contains("on a pool of 4"));
    // A pool naming an unknown model is a specific error.
    request.view = Some(vlrb_sandbox::TrainView {
        pool: vec!["nope".into(), pool[0].clone()],
        prices: None,
    });
    let err = pollster::block_on(run(bench, &request, &mut ticking(), &mut |_| {})).unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
}

/// A sweep split among parallel workers ([`TrainRequest::shares`]) and put back together
/// ([`TrainResult::merge`]) is the one-worker sweep: the same points bit for bit, the same chosen
/// lambda, picks and epochs.
#[test]
fn a_sweep_split_among_workers_merges_into_the_one_worker_sweep() {
    let bench = fixture();
    let request = TrainForm {
        router: "mlp".into(),
        lambda: "sweep".into(),
        epochs: "2".into(),
        ..TrainForm::defaults(false)
    }
    .validate("bundles/fixture.vlrb", "sha")
    .unwrap();
    assert!(request.sweeps());
    let whole = pollster::block_on(run(bench.clone(), &request, &mut ticking(), &mut |_| {}))
        .unwrap()
        .result;
    assert_eq!(whole.sweep.len(), LAMBDA_GRID.len());
    for workers in [2, 4] {
        let shares = request.shares(workers);
        assert_eq!(shares.len(), workers);
        let mut covered: Vec<usize> = shares
            .iter()
            .flat_map(|r| r.share.clone().unwrap())
            .collect();
        covered.sort_unstable();
        assert_eq!(covered, (0..LAMBDA_GRID.len()).collect::<Vec<_>>());
        let parts: Vec<_> = shares
            .iter()
            .map(|r| {
                pollster::block_on(run(bench.clone(), r, &mut ticking(), &mut |_| {}))
                    .unwrap()
                    .result
            })
            .collect();
        let (merged, holder) = vlrb_sandbox::TrainResult::merge(&request, &parts, 1.0).unwrap();
        assert_eq!(merged.sweep, whole.sweep, "{workers} workers");
        assert_eq!(
            (&merged.lambda, &merged.picks, merged.epochs),
            (&whole.lambda, &whole.picks, whole.epochs)
        );
        assert_eq!(merged.request, request);
        assert!(
            parts[holder]
                .sweep
                .iter()
                .any(|p| p.lambda == merged.lambda)
        );
    }
    // A part missing is an error naming what came.
    let parts = vec![
        pollster::block_on(run(
            bench.clone(),
            &request.shares(2)[0],
            &mut ticking(),
            &mut |_| {},
        ))
        .unwrap()
        .result,
    ];
    let err = vlrb_sandbox::TrainResult::merge(&request, &parts, 1.0).unwrap_err();
    assert!(err.to_string().contains("expected each of"), "{err}");
    // A share beyond the grid is refused.
    let bad = vlrb_sandbox::TrainRequest {
        share: Some(vec![9]),
        ..request
    };
    assert!(pollster::block_on(run(bench, &bad, &mut ticking(), &mut |_| {})).is_err());
}
