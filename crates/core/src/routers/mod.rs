//! Routers trained on the bundle's precomputed embeddings (protocol section 4): Linear, MLP, kNN,
//! PRkNN, OVR and the prototype ("K-means") router.
//!
//! Every router trains on the train split minus samples with no correct model, selects lambda and
//! checkpoints on dev by Rank Score, and is reported on test. The heavy steps go through
//! [`compute::Compute`], so the same code runs on the CPU reference ([`compute::Cpu`]) or a GPU
//! backend. Training is seeded and deterministic; a progress callback sees every epoch (lambda,
//! loss, dev Rank Score) and can stop the run, which suits a Web Worker loop. Training and
//! prediction are `async` only because reading a browser GPU buffer is: natively (and on the CPU
//! everywhere) the futures are ready at once, so any executor, even a one-poll one, drives them.
//!
//! ```no_run
//! # async fn demo(bench: &vlrb_core::Benchmark) -> vlrb_core::Result<()> {
//! use vlrb_core::routers::{self, compute::Cpu, Control, Data, RouterKind, TrainConfig};
//! let data = Data::prepare(bench, routers::features::Fusion::Concat)?;
//! let config = TrainConfig::new(RouterKind::Mlp);
//! let outcome = routers::train(&data, &config, &mut Cpu::new(), &mut |p| {
//!     eprintln!("lambda {} epoch {} loss {:.4} dev {:.4}", p.lambda, p.epoch, p.loss, p.dev_rank_score);
//!     Control::Continue
//! })
//! .await?;
//! # Ok(()) }
//! ```

pub mod compute;
pub mod features;
pub mod gemm;
pub mod knn;
pub mod linear;
pub mod mlp;
pub mod ovr;
pub mod prknn;
pub mod prototype;
pub mod rng;
pub mod simd;

use serde::{Deserialize, Serialize};

use crate::baselines::cheapest_correct;
use crate::error::{Error, Result};
use crate::metrics::{Metrics, Routing};
use crate::model::{Benchmark, Split};
use crate::soft_labels::{LAMBDA_GRID, LINEAR_COST_SCALE, MLP_COST_SCALE, soft_labels};
use compute::Compute;
use features::{Fusion, Matrix, Scaler};

/// The routers of protocol section 4 implemented here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RouterKind {
    /// Softmax regression (4.6).
    Linear,
    /// Multi-layer perceptron (4.7).
    Mlp,
    /// k nearest neighbours, cheapest-correct labels (4.2).
    Knn,
    /// kNN with Copeland pairwise scores (4.3).
    Prknn,
    /// One logistic model per candidate (4.4).
    Ovr,
    /// Class prototypes, the paper's "K-means" (4.5).
    Prototype,
}

impl RouterKind {
    /// All routers, in the CLI's order.
    pub const ALL: [RouterKind; 6] = [
        RouterKind::Linear,
        RouterKind::Mlp,
        RouterKind::Knn,
        RouterKind::Prknn,
        RouterKind::Ovr,
        RouterKind::Prototype,
    ];

    /// Parses the CLI name.
    pub fn parse(text: &str) -> Option<RouterKind> {
        RouterKind::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// The CLI name.
    pub fn as_str(self) -> &'static str {
        match self {
            RouterKind::Linear => "linear",
            RouterKind::Mlp => "mlp",
            RouterKind::Knn => "knn",
            RouterKind::Prknn => "prknn",
            RouterKind::Ovr => "ovr",
            RouterKind::Prototype => "prototype",
        }
    }

    /// Whether the router trains on soft labels (and so takes lambda and a cost scale).
    pub fn uses_lambda(self) -> bool {
        matches!(self, RouterKind::Linear | RouterKind::Mlp)
    }

    /// The protocol's cost scale for the router's soft labels.
    pub fn default_cost_scale(self) -> f64 {
        if self == RouterKind::Linear {
            LINEAR_COST_SCALE
        } else {
            MLP_COST_SCALE
        }
    }
}

/// What to train.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// The router.
    pub router: RouterKind,
    /// Fixed lambda (`f64::INFINITY` = hard labels); `None` sweeps [`LAMBDA_GRID`] and picks on dev.
    pub lambda: Option<f64>,
    /// Soft-label cost scale; `None` is the router's protocol default.
    pub cost_scale: Option<f64>,
    /// MLP hidden sizes (default: the light [`mlp::LIGHT_HIDDEN`]).
    pub hidden: Vec<usize>,
    /// Seed of initialisation and shuffling.
    pub seed: u64,
    /// Cap on epochs (the protocol's 200 / 300 when `None`); the sandbox uses it for quick runs.
    pub max_epochs: Option<usize>,
}

impl TrainConfig {
    /// Protocol defaults for `router`: lambda swept, default cost scale, light MLP, seed 42.
    pub fn new(router: RouterKind) -> TrainConfig {
        TrainConfig {
            router,
            lambda: None,
            cost_scale: None,
            hidden: mlp::LIGHT_HIDDEN.to_vec(),
            seed: 42,
            max_epochs: None,
        }
    }
}

/// One epoch's report.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Progress {
    /// Lambda being trained (NaN for routers without one: PRkNN, OVR).
    pub lambda: f64,
    /// Epoch, 1-based.
    pub epoch: usize,
    /// Mean training loss of the epoch (NaN for kNN-style routers, which have none).
    pub loss: f64,
    /// Dev Rank Score (fraction) after the epoch.
    pub dev_rank_score: f64,
}

/// The progress callback's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Keep training.
    Continue,
    /// Stop now, keeping the best checkpoint so far.
    Stop,
}

/// The features and splits a router trains on.
#[derive(Debug, Clone)]
pub struct Data<'a> {
    /// The benchmark.
    pub bench: &'a Benchmark,
    /// Fused, z-scored features of all N samples.
    pub x: Matrix,
    /// The fusion used.
    pub fusion: Fusion,
    /// The z-scoring fitted on the train split.
    pub scaler: Scaler,
    /// Training rows: train split, samples with a correct model.
    pub train: Vec<usize>,
    /// Dev rows (all of them).
    pub dev: Vec<usize>,
    /// Test rows (all of them).
    pub test: Vec<usize>,
}

impl<'a> Data<'a> {
    /// Fuses and z-scores the bundle's decoded embeddings (scaler fitted on the train split) and
    /// lists the rows of each role.
    pub fn prepare(bench: &'a Benchmark, fusion: Fusion) -> Result<Data<'a>> {
        let train_split = bench.samples.rows_in(Split::Train);
        let train: Vec<usize> = train_split
            .iter()
            .copied()
            .filter(|&i| cheapest_correct(bench, i).is_some())
            .collect();
        let (dev, test) = (
            bench.samples.rows_in(Split::Dev),
            bench.samples.rows_in(Split::Test),
        );
        if train.is_empty() || dev.is_empty() || test.is_empty() {
            return Err(Error::Value(format!(
                "benchmark {} needs train rows with a correct model, dev and test rows; has {} / {} / {}",
                bench.name,
                train.len(),
                dev.len(),
                test.len()
            )));
        }
        let (x, scaler) = features::prepare(bench, fusion, &train_split)?;
        Ok(Data {
            bench,
            x,
            fusion,
            scaler,
            train,
            dev,
            test,
        })
    }

    /// Metrics of routing `rows` to `picks`.
    pub fn metrics(&self, rows: &[usize], picks: &[usize]) -> Metrics {
        Metrics::of(self.bench, rows.iter().copied().zip(picks.iter().copied()))
    }
}

/// A trained router's parameters (serialisable: the sandbox exports them as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Trained {
    /// Linear or MLP: argmax of the logits.
    Net {
        /// The network.
        net: mlp::Net,
    },
    /// OVR: argmax of the per-model probabilities.
    Ovr(ovr::Ovr),
    /// kNN.
    Knn(knn::Knn),
    /// PRkNN.
    Prknn(prknn::Prknn),
    /// Prototype router.
    Prototype(prototype::Prototype),
}

impl Trained {
    /// Picks (model columns) for the given rows of the z-scored features `x`.
    pub async fn predict<C: Compute>(
        &self,
        compute: &mut C,
        x: &Matrix,
        rows: &[usize],
    ) -> Vec<usize> {
        match self {
            Trained::Net { net } => mlp::argmax_rows(
                &net.logits(compute, x, rows, 1024).await,
                net.outputs(),
                None,
            ),
            Trained::Ovr(m) => m.predict(compute, x, rows).await,
            Trained::Knn(m) => m.predict(compute, x, rows).await,
            Trained::Prknn(m) => m.predict(compute, x, rows).await,
            Trained::Prototype(m) => m.predict(compute, x, rows).await,
        }
    }
}

/// A trained router with its parameters uploaded to a backend once, for repeated predictions
/// (the throughput measurement, or a page answering queries).
pub struct Predictor<'m, B> {
    model: &'m Trained,
    state: Uploaded<B>,
}

enum Uploaded<B> {
    Net(mlp::Device<B>),
    Refs(knn::RefIndex<B>),
    Nothing,
}

impl<'m, B> Predictor<'m, B> {
    /// Uploads `model`'s parameters (networks: weights; kNN/PRkNN: the training rows).
    pub fn new<C: Compute<Buf = B>>(compute: &mut C, model: &'m Trained) -> Predictor<'m, B> {
        let state = match model {
            Trained::Net { net } => Uploaded::Net(mlp::Device::upload(compute, net, 1024)),
            Trained::Ovr(m) => Uploaded::Net(mlp::Device::upload(compute, &m.net, 1024)),
            Trained::Knn(m) => Uploaded::Refs(knn::RefIndex::upload(compute, &m.refs)),
            Trained::Prknn(m) => Uploaded::Refs(knn::RefIndex::upload(compute, &m.refs)),
            Trained::Prototype(_) => Uploaded::Nothing,
        };
        Predictor { model, state }
    }

    /// Picks (model columns) for the given rows of the z-scored features `x`.
    pub async fn predict<C: Compute<Buf = B>>(
        &mut self,
        compute: &mut C,
        x: &Matrix,
        rows: &[usize],
    ) -> Vec<usize> {
        match (self.model, &mut self.state) {
            (Trained::Net { net }, Uploaded::Net(dev)) => {
                mlp::argmax_rows(&dev.logits(compute, x, rows).await, net.outputs(), None)
            }
            (Trained::Ovr(m), Uploaded::Net(dev)) => m.pick(&dev.logits(compute, x, rows).await),
            (Trained::Knn(m), Uploaded::Refs(index)) => {
                m.predict_with(compute, index, x, rows).await
            }
            (Trained::Prknn(m), Uploaded::Refs(index)) => {
                m.predict_with(compute, index, x, rows).await
            }
            (model, _) => model.predict(compute, x, rows).await,
        }
    }
}

/// One lambda of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepPoint {
    /// Lambda.
    pub lambda: f64,
    /// Dev metrics of its selected checkpoint.
    pub dev: Metrics,
    /// Test metrics of the same checkpoint (for the frontier plot; selection never looks at them).
    pub test: Metrics,
    /// The same checkpoint's test picks, in test-row order (the page re-scores them under its
    /// filters to draw the sweep).
    pub test_picks: Vec<usize>,
}

/// A finished training run.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The router.
    pub router: RouterKind,
    /// Its parameters.
    pub model: Trained,
    /// Chosen lambda (`None` for routers without soft labels).
    pub lambda: Option<f64>,
    /// Cost scale of the soft labels (`None` for routers without soft labels).
    pub cost_scale: Option<f64>,
    /// Dev metrics of the chosen model.
    pub dev: Metrics,
    /// Test routing of the chosen model.
    pub test: Routing,
    /// Every lambda tried (one entry when lambda was fixed or unused).
    pub sweep: Vec<SweepPoint>,
    /// Epochs run for the chosen lambda (1 for the training-free-style routers).
    pub epochs: usize,
    /// True when the callback stopped training early.
    pub stopped: bool,
    /// Backend that ran the heavy steps.
    pub backend: String,
}

/// Trains `config.router` on `data` through `compute`, reporting each epoch to `progress`.
pub async fn train<C: Compute>(
    data: &Data<'_>,
    config: &TrainConfig,
    compute: &mut C,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Result<Outcome> {
    let router = config.router;
    if !router.uses_lambda() && (config.lambda.is_some() || config.cost_scale.is_some()) {
        return Err(Error::Value(format!(
            "router {} does not train on soft labels: --lambda and --cost-scale do not apply",
            router.as_str()
        )));
    }
    if let Some(l) = config.lambda
        && (l.is_nan() || l < 0.0)
    {
        return Err(Error::Value(format!(
            "lambda {l} is invalid, expected >= 0 or inf"
        )));
    }
    if router == RouterKind::Mlp && config.hidden.contains(&0) {
        return Err(Error::Value("hidden layer sizes must be positive".into()));
    }
    let backend = compute.backend();
    let model = match router {
        RouterKind::Linear | RouterKind::Mlp => {
            return sweep(data, config, compute, progress, backend).await;
        }
        RouterKind::Knn => Trained::Knn(knn::Knn::fit(data)),
        RouterKind::Prknn => Trained::Prknn(prknn::Prknn::fit(data)),
        RouterKind::Prototype => Trained::Prototype(prototype::Prototype::fit(data)),
        RouterKind::Ovr => {
            Trained::Ovr(ovr::Ovr::fit(compute, data, config.max_epochs, progress).await)
        }
    };
    // Routers without a lambda sweep: one evaluation (reported as one epoch, except OVR whose
    // epochs were reported while fitting).
    let dev_picks = model.predict(compute, &data.x, &data.dev).await;
    let dev = data.metrics(&data.dev, &dev_picks);
    let lambda = if router == RouterKind::Knn {
        f64::INFINITY
    } else {
        f64::NAN
    };
    let stopped = router != RouterKind::Ovr
        && progress(&Progress {
            lambda,
            epoch: 1,
            loss: f64::NAN,
            dev_rank_score: dev.rank_score,
        }) == Control::Stop;
    let picks = model.predict(compute, &data.x, &data.test).await;
    let test = Routing {
        rows: data.test.clone(),
        picks,
    };
    let point = SweepPoint {
        lambda,
        dev,
        test: data.metrics(&test.rows, &test.picks),
        test_picks: test.picks.clone(),
    };
    Ok(Outcome {
        router,
        model,
        lambda: (router == RouterKind::Knn).then_some(f64::INFINITY),
        cost_scale: None,
        dev,
        test,
        sweep: vec![point],
        epochs: 1,
        stopped,
        backend,
    })
}

/// Whether a sweep keeps a lambda with dev Rank Score `candidate` over the best so far: only when
/// strictly higher, so the first of equals (in sweep order) is kept.
fn keeps(best: Option<f64>, candidate: f64) -> bool {
    best.is_none_or(|b| candidate > b)
}

/// The index a sweep keeps among lambdas trained separately (each with the same seed, as the
/// sweep trains them), given their dev Rank Scores in sweep order: the same choice as [`train`].
pub fn chosen_lambda(dev_rank_scores: &[f64]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, &score) in dev_rank_scores.iter().enumerate() {
        if keeps(best.map(|(_, b)| b), score) {
            best = Some((i, score));
        }
    }
    best.map(|(i, _)| i)
}

/// Trains a Linear or MLP router for each lambda (one when fixed) and keeps the best on dev.
async fn sweep<C: Compute>(
    data: &Data<'_>,
    config: &TrainConfig,
    compute: &mut C,
    progress: &mut dyn FnMut(&Progress) -> Control,
    backend: String,
) -> Result<Outcome> {
    let router = config.router;
    let cost_scale = config.cost_scale.unwrap_or(router.default_cost_scale());
    let lambdas: Vec<f64> = config.lambda.map_or(LAMBDA_GRID.to_vec(), |l| vec![l]);
    let mut best: Option<(mlp::Fit, f64, Metrics, usize)> = None;
    let mut points = Vec::new();
    let mut stopped = false;
    for &lambda in &lambdas {
        let targets: Vec<f32> = soft_labels(data.bench, &data.train, lambda, cost_scale)
            .into_iter()
            .map(|t| t as f32)
            .collect();
        let fit = match router {
            RouterKind::Linear => {
                linear::fit(
                    compute,
                    data,
                    &targets,
                    config.seed,
                    config.max_epochs,
                    lambda,
                    progress,
                )
                .await
            }
            _ => mlp::fit_router(compute, data, &targets, config, lambda, progress).await,
        };
        stopped = fit.stopped;
        let model = Trained::Net {
            net: fit.net.clone(),
        };
        let dev_picks = model.predict(compute, &data.x, &data.dev).await;
        let dev = data.metrics(&data.dev, &dev_picks);
        let test_picks = model.predict(compute, &data.x, &data.test).await;
        points.push(SweepPoint {
            lambda,
            dev,
            test: data.metrics(&data.test, &test_picks),
            test_picks,
        });
        if keeps(
            best.as_ref().map(|(_, _, b, _)| b.rank_score),
            dev.rank_score,
        ) {
            best = Some((fit, lambda, dev, points.len() - 1));
        }
        if stopped {
            break;
        }
    }
    let Some((fit, lambda, dev, at)) = best else {
        return Err(Error::Value("no lambda to train with".into()));
    };
    let model = Trained::Net { net: fit.net };
    let picks = points[at].test_picks.clone();
    Ok(Outcome {
        router,
        model,
        lambda: Some(lambda),
        cost_scale: Some(cost_scale),
        dev,
        test: Routing {
            rows: data.test.clone(),
            picks,
        },
        sweep: points,
        epochs: fit.epochs,
        stopped,
        backend,
    })
}

/// Router decision throughput (protocol 2.3).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Throughput {
    /// Thousands of tokens per second.
    pub k_tokens_per_s: f64,
    /// Samples per timed batch.
    pub batch_size: usize,
    /// Mean seconds per batch.
    pub seconds_per_batch: f64,
    /// Tokens in the batch (input tokens per sample; 100 when unknown).
    pub tokens_per_batch: u64,
}

/// Times [`Predictor::predict`] (parameters uploaded once, beforehand) on the first 16 test
/// samples (5 warm-up runs, 50 timed), as the toolkit's latency profiler does. `clock` returns seconds (`Instant` natively, `performance.now()` / 1000
/// in a browser).
pub async fn throughput<C: Compute>(
    model: &Trained,
    compute: &mut C,
    data: &Data<'_>,
    clock: &mut dyn FnMut() -> f64,
) -> Throughput {
    let rows: Vec<usize> = data.test.iter().copied().take(16).collect();
    let tokens: u64 = rows
        .iter()
        .map(|&i| {
            let t = data.bench.tokens.as_ref().map_or(0, |t| t.input[i]);
            if t == 0 { 100 } else { t as u64 }
        })
        .sum();
    let mut predictor = Predictor::new(compute, model);
    for _ in 0..5 {
        predictor.predict(compute, &data.x, &rows).await;
    }
    let runs = 50;
    let start = clock();
    for _ in 0..runs {
        predictor.predict(compute, &data.x, &rows).await;
    }
    let seconds = ((clock() - start) / runs as f64).max(1e-12);
    Throughput {
        k_tokens_per_s: tokens as f64 / seconds / 1000.0,
        batch_size: rows.len(),
        seconds_per_batch: seconds,
        tokens_per_batch: tokens,
    }
}

/// A dev-set scorer for [`mlp::fit`]: Rank Score of the argmax routing of the dev logits.
pub(crate) fn dev_rank_score<'d>(data: &'d Data) -> impl FnMut(&[f32]) -> f64 + 'd {
    move |logits| {
        let picks = mlp::argmax_rows(logits, data.bench.num_models(), None);
        data.metrics(&data.dev, &picks).rank_score
    }
}
