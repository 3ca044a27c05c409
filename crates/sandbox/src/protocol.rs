//! The messages between the page and the training worker: typed settings, JSON text on the wire.

use serde::{Deserialize, Serialize};
use vlrb_core::prices::Prices;
use vlrb_core::routers::features::Fusion;
use vlrb_core::routers::{self, RouterKind};
use vlrb_core::soft_labels::{LAMBDA_GRID, lambda_text, parse_lambda};

/// The script that starts the training worker (`www/train-worker.js`, copied by Trunk).
pub const WORKER_SCRIPT: &str = "train-worker.js";

/// Where the heavy training steps run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// WebGPU, falling back to the CPU when the browser has no adapter or the device is lost.
    WebGpu,
    /// The CPU (WebAssembly in the worker).
    Cpu,
}

impl Backend {
    /// Parses the form's value (`webgpu` or `cpu`).
    pub fn parse(text: &str) -> Option<Backend> {
        match text {
            "webgpu" => Some(Backend::WebGpu),
            "cpu" => Some(Backend::Cpu),
            _ => None,
        }
    }

    /// The form's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::WebGpu => "webgpu",
            Backend::Cpu => "cpu",
        }
    }
}

/// The soft-label trade-off to train with.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lambda {
    /// Train every lambda of the protocol's grid and keep the best on dev.
    Sweep,
    /// One finite, non-negative lambda.
    Fixed(f64),
    /// Hard labels (the cheapest correct model).
    Inf,
}

impl Lambda {
    /// The form's text for a sweep.
    pub const SWEEP: &'static str = "sweep";

    /// Parses `sweep` or a lambda as a person writes it (a non-negative number or `inf`); the error
    /// is the core's message quoting the text.
    pub fn parse(text: &str) -> Result<Lambda, String> {
        if text == Lambda::SWEEP {
            return Ok(Lambda::Sweep);
        }
        Ok(Lambda::of(parse_lambda(text)?))
    }

    /// The lambda of a value (`f64::INFINITY` is [`Lambda::Inf`]).
    pub fn of(value: f64) -> Lambda {
        if value.is_infinite() {
            Lambda::Inf
        } else {
            Lambda::Fixed(value)
        }
    }

    /// The router configuration's lambda: `None` sweeps the grid, infinity is hard labels.
    pub fn value(self) -> Option<f64> {
        match self {
            Lambda::Sweep => None,
            Lambda::Fixed(v) => Some(v),
            Lambda::Inf => Some(f64::INFINITY),
        }
    }

    /// As the form writes it: `sweep`, `inf` or the number.
    pub fn text(self) -> String {
        self.value()
            .map_or_else(|| Lambda::SWEEP.to_owned(), lambda_text)
    }
}

/// What to train: the settings of `vlrb train`, and the bundle to train on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainRequest {
    /// Same-origin URL of the bundle (the worker fetches it; the browser cache has it).
    pub bundle_url: String,
    /// SHA-256 the page scored against: the worker refuses another bundle.
    pub bundle_sha256: String,
    /// The router.
    pub router: RouterKind,
    /// The features it trains on.
    pub features: Fusion,
    /// Lambda to train with ([`Lambda::Sweep`] also for routers without soft labels).
    pub lambda: Lambda,
    /// Soft-label cost scale; `None` is the router's protocol default.
    pub cost_scale: Option<f64>,
    /// Seed of initialisation and shuffling.
    pub seed: u64,
    /// Cap on epochs; `None` is the protocol's.
    pub epochs: Option<usize>,
    /// Where the heavy steps run.
    pub backend: Backend,
    /// Test hook, never set by the form: the worker crashes on purpose (a WebAssembly trap, as an
    /// out-of-memory abort would) right after posting this many finished lambdas, so end-to-end
    /// tests can check that a crash keeps what was computed. The page sets it only from the
    /// `localStorage` key `vlrb-test-worker-crash-after` (see README's hooks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crash_after_lambdas: Option<usize>,
    /// A parallel sweep's share: the grid positions (0-based, ascending) this worker trains;
    /// `None` trains every lambda of the sweep. See [`TrainRequest::shares`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<Vec<usize>>,
    /// A what-if view to train on (the page's pool and prices); `None` is the benchmark as
    /// published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<TrainView>,
}

impl TrainRequest {
    /// Whether this request sweeps the lambda grid (a Linear or MLP router without a fixed
    /// lambda): the sweep a page may split among parallel workers.
    pub fn sweeps(&self) -> bool {
        self.router.uses_lambda() && self.lambda == Lambda::Sweep
    }

    /// The request split among `workers` parallel workers (at most one per lambda): worker `w`
    /// trains grid positions `w, w + workers, ...`. A request that does not sweep stays whole.
    pub fn shares(&self, workers: usize) -> Vec<TrainRequest> {
        let n = LAMBDA_GRID.len();
        let workers = workers.clamp(1, n);
        if !self.sweeps() || workers == 1 {
            return vec![self.clone()];
        }
        (0..workers)
            .map(|w| TrainRequest {
                share: Some((w..n).step_by(workers).collect()),
                ..self.clone()
            })
            .collect()
    }
}

/// Why the results of a parallel sweep's workers cannot be put together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// No worker reported a lambda.
    #[error("no worker of the sweep reported a lambda")]
    Empty,
    /// A lambda was reported twice or not at all.
    #[error("the sweep's workers reported lambdas {found:?}, expected each of {expected:?} once")]
    Lambdas {
        /// Lambdas reported, in grid order.
        found: Vec<String>,
        /// The grid.
        expected: Vec<String>,
    },
}

impl TrainResult {
    /// The result of the whole sweep from its workers' results ([`TrainRequest::shares`] of
    /// `request`), as one worker training every lambda would give it: every point in grid order,
    /// and the chosen lambda's picks, epochs, throughput and backend ([`routers::chosen_lambda`]:
    /// the first best dev Rank Score). Also gives the index of the part that trained the chosen
    /// lambda (its worker holds the weights). `seconds` is the sweep's wall time.
    pub fn merge(
        request: &TrainRequest,
        parts: &[TrainResult],
        seconds: f64,
    ) -> Result<(TrainResult, usize), MergeError> {
        let expected: Vec<String> = LAMBDA_GRID.iter().map(|&l| lambda_text(l)).collect();
        let mut points: Vec<(usize, &SweepResult)> = parts
            .iter()
            .enumerate()
            .flat_map(|(part, r)| r.sweep.iter().map(move |p| (part, p)))
            .collect();
        points.sort_by_key(|(_, p)| expected.iter().position(|l| *l == p.lambda));
        let found: Vec<String> = points.iter().map(|(_, p)| p.lambda.clone()).collect();
        if found != expected {
            return Err(MergeError::Lambdas { found, expected });
        }
        let devs: Vec<f64> = points.iter().map(|(_, p)| p.dev_rank_score).collect();
        let chosen = routers::chosen_lambda(&devs).ok_or(MergeError::Empty)?;
        let (part, point) = points[chosen];
        let holder = &parts[part];
        Ok((
            TrainResult {
                request: TrainRequest {
                    share: None,
                    ..request.clone()
                },
                lambda: point.lambda.clone(),
                epochs: point.epochs,
                seconds,
                k_tokens_per_s: holder.k_tokens_per_s,
                backend: holder.backend.clone(),
                fallback: holder.fallback.clone(),
                picks: point.picks.clone(),
                sweep: points.into_iter().map(|(_, p)| p.clone()).collect(),
            },
            part,
        ))
    }
}

/// A what-if view a router trains on: it sees only the pool's models (columns), with the costs
/// and Rank Score bounds of the view's prices, as `vlrb train --pool --prices` does. Its picks are
/// posted in the benchmark's columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainView {
    /// The pool's model ids (at least two).
    pub pool: Vec<String>,
    /// Every model's prices when edited; `None` keeps the bundle's costs.
    pub prices: Option<Prices>,
}

/// What the page asks the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PageMessage {
    /// Train a router.
    Train(Box<TrainRequest>),
    /// Build the weights file of the last finished run (answered by [`WorkerMessage::Weights`]);
    /// the worker keeps the trained router in its compact form until then, so the file is built
    /// only when someone downloads it.
    Weights,
    /// Retrain a stored run from its settings ([`TrainResult::rebuild_request`]) and answer with
    /// its weights file only (no `done`): how a run's weights download survives a reload.
    Rebuild(Box<TrainRequest>),
}

impl PageMessage {
    /// The message as JSON text.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }
}

/// One point of a lambda sweep: dev selection score and the test metrics of its checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepResult {
    /// Lambda as text (`inf` for hard labels).
    pub lambda: String,
    /// Dev Rank Score (fraction) of the selected checkpoint.
    pub dev_rank_score: f64,
    /// Test Average Accuracy (fraction).
    pub accuracy: f64,
    /// Test Average Cost, USD per sample.
    pub avg_cost: f64,
    /// Test Rank Score (fraction).
    pub rank_score: f64,
    /// Test picks (model column per test row, in row order), re-scored by the page.
    pub picks: Vec<u16>,
    /// Epochs run for this lambda's selected checkpoint (1 for routers without epochs).
    #[serde(default)]
    pub epochs: usize,
}

/// A finished run: the test picks (re-scored by the page's evaluator) and how they were obtained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainResult {
    /// The request it answers.
    pub request: TrainRequest,
    /// Chosen lambda as text (`-` for routers without soft labels).
    pub lambda: String,
    /// Epochs run for the chosen setting.
    pub epochs: usize,
    /// Wall seconds of training (all lambdas).
    pub seconds: f64,
    /// Decision throughput, thousands of tokens per second (protocol 2.3).
    pub k_tokens_per_s: f64,
    /// The backend that ran the heavy steps (`WebGPU: <adapter>` or the CPU), as shown.
    pub backend: String,
    /// Why the CPU ran although WebGPU was asked for (missing adapter, device lost).
    pub fallback: Option<String>,
    /// Model column per test row, in row order.
    pub picks: Vec<u16>,
    /// Every lambda tried (one entry when lambda was fixed or unused).
    pub sweep: Vec<SweepResult>,
}

impl TrainResult {
    /// The leaderboard row name of the run (before making it unique on the board).
    pub fn entry_name(&self) -> String {
        let r = &self.request;
        let pool = r
            .view
            .as_ref()
            .map(|v| format!(" on a pool of {}", v.pool.len()))
            .unwrap_or_default();
        format!(
            "{} {} λ={} seed {}{pool} (trained here)",
            r.router.as_str(),
            r.features.as_str(),
            self.lambda,
            r.seed
        )
    }
}

/// A finished run as the page keeps it across reloads: its board row and the settings that
/// rebuild its weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredRun {
    /// The board row's name.
    pub entry: String,
    /// The settings that retrain exactly this run ([`TrainResult::rebuild_request`]).
    pub request: TrainRequest,
}

impl TrainResult {
    /// The request that retrains this run's chosen setting on the CPU: the chosen lambda fixed
    /// (a sweep trains each lambda independently from the same seed, so the chosen lambda alone
    /// gives the same router), same features, cost scale, seed and epoch cap. On the CPU this is
    /// bit-identical; a WebGPU run's rebuild is the CPU's router.
    pub fn rebuild_request(&self) -> TrainRequest {
        let lambda = if self.request.router.uses_lambda() {
            Lambda::parse(&self.lambda).unwrap_or(self.request.lambda)
        } else {
            self.request.lambda
        };
        TrainRequest {
            lambda,
            backend: Backend::Cpu,
            crash_after_lambdas: None,
            ..self.request.clone()
        }
    }
}

/// What the worker posts to the page (JSON text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WorkerMessage {
    /// The worker's wasm is initialised and listens: the page sends its request now.
    Ready,
    /// A stage before training (download, decode, features).
    Stage {
        /// What is happening.
        text: String,
    },
    /// One epoch done.
    Progress {
        /// Lambda being trained (`-` when the router has none).
        lambda: String,
        /// Which lambda of the run this is, 1-based.
        lambda_index: usize,
        /// How many lambdas the run trains.
        lambdas: usize,
        /// Epoch, 1-based.
        epoch: usize,
        /// The most epochs this lambda can run (early stopping may end it sooner).
        max_epochs: usize,
        /// Mean training loss (`None` for routers without one).
        loss: Option<f64>,
        /// Dev Rank Score (fraction) after the epoch.
        dev_rank_score: f64,
    },
    /// One lambda finished (every router posts one before `done`): the page keeps it, so a
    /// worker that fails later in a sweep loses no finished lambda.
    Lambda {
        /// Which lambda of the run this is, 1-based.
        index: usize,
        /// How many lambdas the run trains.
        of: usize,
        /// Its dev score, test metrics and test picks.
        point: SweepResult,
    },
    /// Training finished.
    Done(Box<TrainResult>),
    /// The weights file of the last finished run (answers [`PageMessage::Weights`]).
    Weights {
        /// The JSON text of [`crate::weights::Weights`].
        text: String,
    },
    /// Training could not run: the reason, naming the culprit.
    Failed {
        /// The message shown next to the sandbox.
        message: String,
    },
}

impl WorkerMessage {
    /// The message as JSON text; a message that cannot be serialised becomes a `failed` message
    /// saying why, so the page never waits on nothing.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            let failed = WorkerMessage::Failed {
                message: format!("the training worker could not serialise its message: {e}"),
            };
            serde_json::to_string(&failed).unwrap_or_else(|_| {
                r#"{"type":"failed","message":"the training worker could not serialise its message"}"#
                    .to_owned()
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> TrainRequest {
        TrainRequest {
            bundle_url: "bundles/x.vlrb".into(),
            bundle_sha256: "abc".into(),
            router: RouterKind::Mlp,
            features: Fusion::Concat,
            lambda: Lambda::Fixed(250.0),
            cost_scale: Some(50.0),
            seed: 7,
            epochs: None,
            backend: Backend::WebGpu,
            crash_after_lambdas: None,
            share: None,
            view: None,
        }
    }

    #[test]
    fn requests_survive_json_for_every_lambda_and_backend() {
        for lambda in [
            Lambda::Sweep,
            Lambda::Fixed(0.0),
            Lambda::Fixed(1e3),
            Lambda::Inf,
        ] {
            for backend in [Backend::WebGpu, Backend::Cpu] {
                let r = TrainRequest {
                    lambda,
                    backend,
                    ..request()
                };
                let text = serde_json::to_string(&r).unwrap();
                assert_eq!(serde_json::from_str::<TrainRequest>(&text).unwrap(), r);
            }
        }
        let text = serde_json::to_string(&request()).unwrap();
        // The wire form names the settings as the CLI does.
        for part in [
            r#""router":"mlp""#,
            r#""features":"concat""#,
            r#""lambda":{"fixed":250.0}"#,
            r#""backend":"webgpu""#,
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
        let inf = serde_json::to_string(&Lambda::Inf).unwrap();
        assert_eq!(inf, r#""inf""#);
        // The test hook is off the wire unless set, and survives when set.
        assert!(!text.contains("crash_after"), "{text}");
        let hooked = TrainRequest {
            crash_after_lambdas: Some(2),
            ..request()
        };
        let text = serde_json::to_string(&hooked).unwrap();
        assert_eq!(serde_json::from_str::<TrainRequest>(&text).unwrap(), hooked);
    }

    #[test]
    fn page_messages_survive_json() {
        for m in [
            PageMessage::Train(Box::new(request())),
            PageMessage::Weights,
            PageMessage::Rebuild(Box::new(request())),
        ] {
            let text = m.to_json().unwrap();
            assert_eq!(serde_json::from_str::<PageMessage>(&text).unwrap(), m);
        }
        assert_eq!(
            PageMessage::Weights.to_json().unwrap(),
            r#"{"type":"weights"}"#
        );
        let train = PageMessage::Train(Box::new(request())).to_json().unwrap();
        assert!(
            train.starts_with(r#"{"type":"train","bundle_url""#),
            "{train}"
        );
    }

    #[test]
    fn messages_survive_json() {
        let result = TrainResult {
            request: request(),
            lambda: "250".into(),
            epochs: 3,
            seconds: 1.5,
            k_tokens_per_s: 900.0,
            backend: "WebGPU: test".into(),
            fallback: None,
            picks: vec![0, 2, 1],
            sweep: Vec::new(),
        };
        let point = SweepResult {
            lambda: "inf".into(),
            dev_rank_score: 0.5,
            accuracy: 0.25,
            avg_cost: 1e-3,
            rank_score: 0.125,
            picks: vec![1, 0],
            epochs: 4,
        };
        let messages = [
            WorkerMessage::Ready,
            WorkerMessage::Stage { text: "x".into() },
            WorkerMessage::Progress {
                lambda: "inf".into(),
                lambda_index: 2,
                lambdas: 6,
                epoch: 3,
                max_epochs: 20,
                loss: None,
                dev_rank_score: 0.5,
            },
            WorkerMessage::Lambda {
                index: 1,
                of: 6,
                point,
            },
            WorkerMessage::Done(Box::new(result.clone())),
            WorkerMessage::Weights { text: "{}".into() },
            WorkerMessage::Failed {
                message: "no".into(),
            },
        ];
        for m in messages {
            assert_eq!(
                serde_json::from_str::<WorkerMessage>(&m.to_json()).unwrap(),
                m
            );
        }
        assert_eq!(
            result.entry_name(),
            "mlp concat λ=250 seed 7 (trained here)"
        );
    }

    #[test]
    fn a_rebuild_fixes_the_chosen_lambda_on_the_cpu() {
        let swept = TrainResult {
            request: TrainRequest {
                lambda: Lambda::Sweep,
                crash_after_lambdas: Some(1),
                ..request()
            },
            lambda: "100".into(),
            epochs: 3,
            seconds: 1.0,
            k_tokens_per_s: 1.0,
            backend: "WebGPU: test".into(),
            fallback: None,
            picks: Vec::new(),
            sweep: Vec::new(),
        };
        let r = swept.rebuild_request();
        assert_eq!(
            (
                r.lambda,
                r.backend,
                r.crash_after_lambdas,
                r.seed,
                r.features
            ),
            (Lambda::Fixed(100.0), Backend::Cpu, None, 7, Fusion::Concat)
        );
        // kNN reports lambda inf but takes none: its rebuild keeps the request's.
        let knn = TrainResult {
            request: TrainRequest {
                router: RouterKind::Knn,
                lambda: Lambda::Sweep,
                ..request()
            },
            lambda: "inf".into(),
            ..swept
        };
        assert_eq!(knn.rebuild_request().lambda, Lambda::Sweep);
        let stored = StoredRun {
            entry: "x".into(),
            request: r,
        };
        let text = serde_json::to_string(&stored).unwrap();
        assert_eq!(serde_json::from_str::<StoredRun>(&text).unwrap(), stored);
    }

    #[test]
    fn lambdas_parse_and_print() {
        assert_eq!(Lambda::parse("sweep"), Ok(Lambda::Sweep));
        assert_eq!(Lambda::parse("inf"), Ok(Lambda::Inf));
        assert_eq!(Lambda::parse("1e3"), Ok(Lambda::Fixed(1000.0)));
        assert!(Lambda::parse("lots").unwrap_err().contains("lots"));
        assert_eq!(Lambda::Inf.text(), "inf");
        assert_eq!(Lambda::Fixed(250.0).text(), "250");
        assert_eq!(Lambda::Sweep.text(), "sweep");
        assert_eq!(Lambda::Fixed(10.0).value(), Some(10.0));
        assert_eq!(Lambda::Sweep.value(), None);
        for b in [Backend::WebGpu, Backend::Cpu] {
            assert_eq!(Backend::parse(b.as_str()), Some(b));
        }
        assert_eq!(Backend::parse("tpu"), None);
    }
}
