//! The training run: the core's routers, exactly what `vlrb train` runs natively, on WebGPU through
//! `vlrb-gpu` or on the CPU, so that the worker binary is only message glue.

use std::sync::Arc;

use vlrb_core::model::Benchmark;
use vlrb_core::pool::Pool;
use vlrb_core::routers::compute::{Compute, Cpu};
use vlrb_core::routers::{self, Control, Data, Outcome, RouterKind, TrainConfig, ovr};
use vlrb_core::scenario::{Scenario, ScenarioError};
use vlrb_core::soft_labels::{LAMBDA_GRID, lambda_text};
use vlrb_gpu::Gpu;

use crate::protocol::{Backend, SweepResult, TrainRequest, TrainResult, WorkerMessage};
use crate::weights::{self, Model, Weights};

/// The CPU backend's name in the page.
const CPU_BACKEND: &str = "CPU (WebAssembly, in a Web Worker)";

/// Why a run failed.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum RunError {
    /// The benchmark's features could not be prepared or the router could not train (the core's
    /// message names the culprit).
    #[error("{0}")]
    Core(#[from] vlrb_core::Error),
    /// The router returned no lambda point (never expected: every router reports one).
    #[error("the router finished without a result for any lambda")]
    NoLambda,
    /// A parallel sweep's share names a lambda beyond the grid.
    #[error("lambda {index} of a sweep share is beyond the grid's {of} lambdas")]
    Share {
        /// The grid position asked for (0-based).
        index: usize,
        /// Lambdas in the grid.
        of: usize,
    },
    /// The what-if view to train on does not fit the benchmark.
    #[error("cannot train on this what-if view: {0}")]
    View(#[from] ScenarioError),
}

/// A finished run: what the page shows, and the weights file's content, kept compact by the
/// worker and serialised only when the page asks for the download.
#[derive(Debug, Clone, PartialEq)]
pub struct Finished {
    /// The result posted to the page.
    pub result: TrainResult,
    /// The weights file's content.
    pub weights: Weights,
}

/// Trains `request` on `bench`, reporting every epoch and every finished lambda; `clock` returns seconds (for the throughput
/// measurement). With [`Backend::WebGpu`] the heavy steps run on WebGPU; when the browser has no
/// adapter, or the device is lost or fails during training, the run says so and (re)trains on the
/// CPU path.
///
/// With a what-if view ([`TrainRequest::view`]) the router trains on the view's benchmark (the
/// pool's columns, the view's costs and bounds), as `vlrb train --pool --prices` does, and every
/// posted pick is in `bench`'s columns.
pub async fn run(
    bench: Arc<Benchmark>,
    request: &TrainRequest,
    clock: &mut dyn FnMut() -> f64,
    report: &mut dyn FnMut(WorkerMessage),
) -> Result<Finished, RunError> {
    let Some(view) = &request.view else {
        return run_on(&bench, None, request, clock, report).await;
    };
    report(WorkerMessage::Stage {
        text: format!(
            "restricting the benchmark to the pool of {}",
            view.pool.len()
        ),
    });
    let pool = Pool::from_keys(&bench, &view.pool).map_err(ScenarioError::from)?;
    let scenario = Scenario::new(bench, pool, view.prices.as_ref())?;
    let restricted = scenario.restricted();
    run_on(
        &restricted,
        Some(scenario.pool().columns()),
        request,
        clock,
        report,
    )
    .await
}

/// [`run`] on `bench`, whose column `c` is the posted column `columns[c]` (the identity without).
async fn run_on(
    bench: &Benchmark,
    columns: Option<&[usize]>,
    request: &TrainRequest,
    clock: &mut dyn FnMut() -> f64,
    report: &mut dyn FnMut(WorkerMessage),
) -> Result<Finished, RunError> {
    let post = Columns(columns);
    let mut config = TrainConfig::new(request.router);
    config.lambda = request.lambda.value();
    config.cost_scale = request.cost_scale;
    config.seed = request.seed;
    config.max_epochs = request.epochs;
    report(WorkerMessage::Stage {
        text: format!("preparing {} features", request.features.as_str()),
    });
    let data = Data::prepare(bench, request.features)?;
    let fallback = match request.backend {
        Backend::Cpu => None,
        Backend::WebGpu => {
            report(WorkerMessage::Stage {
                text: "opening WebGPU and compiling the kernels".to_owned(),
            });
            match Gpu::new().await {
                Ok(mut gpu) => {
                    let backend = format!("WebGPU: {}", gpu.adapter_name());
                    let result = train_on(
                        &data, post, &config, &mut gpu, backend, request, clock, report,
                    )
                    .await;
                    match gpu.failure() {
                        None => return result,
                        Some(failure) => Some(format!(
                            "WebGPU failed during training ({failure}); retrained on the CPU"
                        )),
                    }
                }
                Err(e) => Some(format!("WebGPU is unavailable ({e}); trained on the CPU")),
            }
        }
    };
    if let Some(text) = &fallback {
        report(WorkerMessage::Stage { text: text.clone() });
    }
    let backend = CPU_BACKEND.to_owned();
    let mut finished = train_on(
        &data,
        post,
        &config,
        &mut Cpu::new(),
        backend,
        request,
        clock,
        report,
    )
    .await?;
    finished.result.fallback = fallback;
    Ok(finished)
}

/// How the trained benchmark's columns map to the posted ones (a pool's columns, or the same).
#[derive(Debug, Clone, Copy)]
struct Columns<'a>(Option<&'a [usize]>);

impl Columns<'_> {
    /// Picks as posted: in the benchmark's columns.
    fn picks(self, picks: &[usize]) -> Vec<u16> {
        picks
            .iter()
            .map(|&c| self.0.map_or(c, |columns| columns[c]) as u16)
            .collect()
    }
}

/// The protocol's epoch cap for `router` when the request sets none (1 for routers without epochs).
fn epoch_cap(router: RouterKind, requested: Option<usize>) -> usize {
    match router {
        RouterKind::Linear => requested.unwrap_or(200),
        RouterKind::Mlp => requested.unwrap_or(300),
        RouterKind::Ovr => requested.unwrap_or(ovr::STEPS),
        RouterKind::Knn | RouterKind::Prknn | RouterKind::Prototype => 1,
    }
}

/// Trains on one backend, one lambda at a time (each posted as it finishes, so a later failure
/// loses none), keeps the first lambda with the best dev Rank Score (as `vlrb train` does), and
/// measures throughput there. Only the best lambda's router is kept while the sweep goes on.
#[allow(clippy::too_many_arguments)] // One call site per backend; a struct would only rename them.
async fn train_on<C: Compute>(
    data: &Data<'_>,
    post: Columns<'_>,
    config: &TrainConfig,
    compute: &mut C,
    backend: String,
    request: &TrainRequest,
    clock: &mut dyn FnMut() -> f64,
    report: &mut dyn FnMut(WorkerMessage),
) -> Result<Finished, RunError> {
    let lambdas: Vec<Option<f64>> = match config.lambda {
        None if config.router.uses_lambda() => LAMBDA_GRID.iter().copied().map(Some).collect(),
        fixed => vec![fixed],
    };
    let of = lambdas.len();
    // A parallel sweep's share: these grid positions only (every lambda trains alone from the
    // same seed, so a share's points are the whole sweep's).
    let share: Vec<usize> = match &request.share {
        Some(share) if lambdas.len() > 1 => {
            if let Some(&bad) = share.iter().find(|&&i| i >= of) {
                return Err(RunError::Share { index: bad, of });
            }
            share.clone()
        }
        _ => (0..of).collect(),
    };
    let max_epochs = epoch_cap(config.router, config.max_epochs);
    let started = clock();
    let mut best: Option<(Outcome, f64)> = None;
    let mut sweep = Vec::with_capacity(share.len());
    for i in share {
        let lambda = lambdas[i];
        let one = TrainConfig {
            lambda,
            ..config.clone()
        };
        let outcome = routers::train(data, &one, compute, &mut |p| {
            report(WorkerMessage::Progress {
                lambda: lambda_text(p.lambda),
                lambda_index: i + 1,
                lambdas: of,
                epoch: p.epoch,
                max_epochs,
                loss: (!p.loss.is_nan()).then_some(p.loss),
                dev_rank_score: p.dev_rank_score,
            });
            Control::Continue
        })
        .await?;
        let point = outcome
            .sweep
            .first()
            .map(|p| SweepResult {
                lambda: lambda_text(p.lambda),
                dev_rank_score: p.dev.rank_score,
                accuracy: p.test.accuracy,
                avg_cost: p.test.avg_cost,
                rank_score: p.test.rank_score,
                picks: post.picks(&p.test_picks),
                epochs: outcome.epochs,
            })
            .ok_or(RunError::NoLambda)?;
        report(WorkerMessage::Lambda {
            index: i + 1,
            of,
            point: point.clone(),
        });
        sweep.push(point);
        let dev = outcome.dev.rank_score;
        if best.as_ref().is_none_or(|(_, b)| dev > *b) {
            best = Some((outcome, dev));
        }
    }
    let (outcome, _) = best.ok_or(RunError::NoLambda)?;
    let seconds = clock() - started;
    report(WorkerMessage::Stage {
        text: "measuring decision throughput".to_owned(),
    });
    let throughput = routers::throughput(&outcome.model, compute, data, clock).await;
    let lambda = outcome.lambda.map_or_else(|| "-".to_owned(), lambda_text);
    let result = TrainResult {
        request: request.clone(),
        lambda,
        epochs: outcome.epochs,
        seconds,
        k_tokens_per_s: throughput.k_tokens_per_s,
        backend: backend.clone(),
        fallback: None,
        picks: post.picks(&outcome.test.picks),
        sweep,
    };
    let bench = data.bench;
    let weights = Weights {
        format: weights::FORMAT.to_owned(),
        router: outcome.router,
        features: data.fusion,
        lambda: Weights::lambda_field(outcome.lambda),
        cost_scale: outcome.cost_scale,
        seed: config.seed,
        bundle_sha256: request.bundle_sha256.clone(),
        backend,
        scaler: data.scaler.clone(),
        pool: post
            .0
            .map(|_| bench.models.iter().map(|m| m.id.clone()).collect()),
        model: Model::compact(outcome.model, || {
            data.train
                .iter()
                .map(|&i| bench.samples.ids[i].clone())
                .collect()
        }),
    };
    Ok(Finished { result, weights })
}
