//! The sandbox's training run on the official-tiny fixture, natively on the CPU backend.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use vlrb_core::Split;
use vlrb_core::routers::RouterKind;
use vlrb_sandbox::{Backend, TrainForm, WorkerMessage, run};

fn fixture() -> vlrb_core::model::Benchmark {
    vlrb_core::bundle::decode(include_bytes!("../../../tests/fixture-tiny.vlrb")).unwrap()
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
    let mut t = 0.0;
    let mut clock = || {
        t += 0.001;
        t
    };
    let mut stages = 0;
    let result = pollster::block_on(run(&bench, &request, &mut clock, &mut |m| {
        if matches!(
            m,
            WorkerMessage::Stage { .. } | WorkerMessage::Progress { .. }
        ) {
            stages += 1;
        }
    }))
    .unwrap();
    assert!(stages >= 2);
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
    let weights: serde_json::Value = serde_json::from_str(&result.weights_json).unwrap();
    assert_eq!(weights["bundle_sha256"], "sha");
}
