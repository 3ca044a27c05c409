//! The sandbox's training run: the worker's lifecycle (start, request, stop) and what its
//! messages change (progress, each finished lambda, the finished run as a board row, its sweep,
//! its downloads). The worker stays up after a run, holding the run's weights in a compact form,
//! and builds the weights file only when it is downloaded (a message round trip). A run that
//! fails or is stopped keeps its finished lambdas as board rows.

mod stored;

use std::cell::RefCell;
use std::sync::Arc;

use leptos::prelude::*;
use vlrb_board::upload;
use vlrb_core::Split;
use vlrb_sandbox::{
    PageMessage, StoredRun, SweepResult, TrainForm, TrainRequest, TrainResult, TrainView,
    WORKER_SCRIPT, WorkerMessage,
};

use super::{AppState, Loaded, SweepCurve};
use crate::render::CurvePoint;
use crate::web::{self, WorkerHandle};

thread_local! {
    /// The sandbox's running training worker (terminated when replaced or dropped).
    static TRAINER: RefCell<Option<WorkerHandle>> = const { RefCell::new(None) };
}

/// A file offered for download: its name and text.
pub type Download = (String, String);

/// The `localStorage` key of the worker's crash test hook ([`TrainRequest::crash_after_lambdas`]):
/// end-to-end tests set it to a number N, and the next runs crash the worker after N lambdas.
pub const CRASH_HOOK: &str = "vlrb-test-worker-crash-after";

/// Where a run is: which lambda of how many, which epoch of at most how many, and since when.
#[derive(Debug, Clone, PartialEq)]
pub struct RunProgress {
    /// Lambda being trained, as text.
    pub lambda: String,
    /// Which lambda, 1-based.
    pub lambda_index: usize,
    /// How many lambdas the run trains.
    pub lambdas: usize,
    /// Epoch, 1-based.
    pub epoch: usize,
    /// The most epochs per lambda.
    pub max_epochs: usize,
    /// When the run's first epoch was reported (ms, `performance.now()`).
    pub first_ms: f64,
    /// When this epoch was reported (ms, `performance.now()`).
    pub now_ms: f64,
    /// Epochs reported so far in the run (all lambdas).
    pub epochs_seen: usize,
}

impl RunProgress {
    /// Epoch slots done out of all (`lambdas x max_epochs`); early stopping ends a lambda sooner,
    /// so the share is a lower bound.
    pub fn fraction(&self) -> f64 {
        let total = (self.lambdas * self.max_epochs).max(1) as f64;
        let done = ((self.lambda_index - 1) * self.max_epochs + self.epoch) as f64;
        (done / total).clamp(0.0, 1.0)
    }

    /// Seconds left at most: the mean time of the epochs run so far times the epochs that may
    /// remain (early stopping ends a lambda sooner); none before two epochs.
    pub fn eta_seconds(&self) -> Option<f64> {
        let left = self.max_epochs.saturating_sub(self.epoch)
            + (self.lambdas - self.lambda_index) * self.max_epochs;
        (self.epochs_seen > 1 && left > 0).then(|| {
            let per = (self.now_ms - self.first_ms) / 1000.0 / (self.epochs_seen - 1) as f64;
            per * left as f64
        })
    }
}

/// The crash test hook's value ([`CRASH_HOOK`] in `localStorage`), if set.
fn crash_hook() -> Option<usize> {
    web::storage_get(CRASH_HOOK)?.trim().parse().ok()
}

/// What the sandbox shows of its runs, `Copy` so handlers can capture it.
#[derive(Clone, Copy)]
pub struct Training {
    state: AppState,
    loaded: StoredValue<Arc<Loaded>>,
    /// The request, waiting until the worker says it is ready.
    pending: StoredValue<Option<String>>,
    /// The running request (its settings name the rows of finished lambdas).
    request: StoredValue<Option<TrainRequest>>,
    /// The finished lambdas of the running request, by index (kept if the run fails).
    lambdas: StoredValue<Vec<Option<SweepResult>>>,
    /// The weights file's name while the worker builds it.
    weights_wanted: StoredValue<Option<String>>,
    /// Which lambda and epoch the run is at.
    pub progress: RwSignal<Option<RunProgress>>,
    /// A run is going on.
    pub running: RwSignal<bool>,
    /// What the run is doing.
    pub stage: RwSignal<Option<String>>,
    /// Dev score after each epoch so far.
    pub curve: RwSignal<Vec<CurvePoint>>,
    /// Why the last run failed or could not start.
    pub error: RwSignal<Option<String>>,
    /// The form field (its [`TrainForm::KEYS`] key) that stopped the last start, and why.
    pub invalid: RwSignal<Option<(&'static str, String)>>,
    /// What the last finished run added.
    pub finished: RwSignal<Option<String>>,
    /// Where the last finished run ran.
    pub ran_on: RwSignal<Option<String>>,
    /// The last finished run's test picks, in the upload format.
    pub predictions: RwSignal<Option<Download>>,
    /// The file name of the last finished run's weights (built by the worker when clicked).
    pub weights: RwSignal<Option<String>>,
    /// Finished runs kept across reloads (their rows may since have been removed or renamed).
    pub stored: RwSignal<Vec<StoredRun>>,
}

impl Training {
    /// No run yet, on the benchmark `loaded`; the worker stops when the sandbox goes.
    pub fn new(state: AppState, loaded: Arc<Loaded>) -> Training {
        on_cleanup(stop_worker);
        let stored = RwSignal::new(stored::load(&loaded.info.name));
        Training {
            stored,
            state,
            loaded: StoredValue::new(loaded),
            pending: StoredValue::new(None),
            request: StoredValue::new(None),
            lambdas: StoredValue::new(Vec::new()),
            weights_wanted: StoredValue::new(None),
            progress: RwSignal::new(None),
            running: RwSignal::new(false),
            stage: RwSignal::new(None),
            curve: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
            invalid: RwSignal::new(None),
            finished: RwSignal::new(None),
            ran_on: RwSignal::new(None),
            predictions: RwSignal::new(None),
            weights: RwSignal::new(None),
        }
    }

    /// Validates the form and starts a run in a new worker; a bad value or a worker that cannot
    /// start is shown.
    pub fn start(self, form: TrainForm) {
        let loaded = self.loaded.get_value();
        let mut request = match form.validate(&loaded.bundle_url(), &loaded.sha256) {
            Ok(r) => r,
            Err(e) => {
                self.invalid.set(Some((e.field(), e.to_string())));
                return self.error.set(Some(e.to_string()));
            }
        };
        self.invalid.set(None);
        request.crash_after_lambdas = crash_hook();
        request.view = self.train_view(&loaded);
        let text = match PageMessage::Train(Box::new(request.clone())).to_json() {
            Ok(text) => text,
            Err(e) => {
                return self
                    .error
                    .set(Some(format!("cannot serialise the training request: {e}")));
            }
        };
        self.state.train.set(Some(form));
        self.error.set(None);
        self.finished.set(None);
        self.ran_on.set(None);
        self.predictions.set(None);
        self.weights.set(None);
        self.curve.set(Vec::new());
        self.progress.set(None);
        self.request.set_value(Some(request));
        self.lambdas.set_value(Vec::new());
        self.weights_wanted.set_value(None);
        self.launch(text);
    }

    /// The what-if view the board shows, for the router to train on (`None` as published).
    fn train_view(self, loaded: &Loaded) -> Option<TrainView> {
        let view = self.state.scenario.get_untracked()?;
        if view.is_published() {
            return None;
        }
        let bench = &loaded.bench;
        Some(TrainView {
            pool: view
                .scenario
                .pool()
                .ids(bench)
                .into_iter()
                .map(str::to_owned)
                .collect(),
            prices: self
                .state
                .what_if
                .with_untracked(|w| w.prices(bench).ok().flatten()),
        })
    }

    /// Starts a new worker (replacing the old one and the weights it kept) that gets `text` once
    /// it is ready.
    fn launch(self, text: String) {
        stop_worker();
        self.stage
            .set(Some("starting the training worker".to_owned()));
        self.pending.set_value(Some(text));
        let on_message = move |text: String| self.handle(&text);
        let on_error = move |e: web::WebError| self.fail(e.to_string());
        match WorkerHandle::start(WORKER_SCRIPT, on_message, on_error) {
            Ok(handle) => {
                TRAINER.with(|t| *t.borrow_mut() = Some(handle));
                self.running.set(true);
            }
            Err(e) => {
                self.stage.set(None);
                self.error.set(Some(e.to_string()));
            }
        }
    }

    /// Stops the run; its finished lambdas stay as rows.
    pub fn stop(self) {
        stop_worker();
        self.running.set(false);
        self.progress.set(None);
        let kept = self.keep_finished_lambdas("stopped");
        self.stage.set(Some(format!("stopped{kept}")));
    }

    /// Asks the worker for the last finished run's weights file; it is downloaded when it comes.
    pub fn download_weights(self) {
        let Some(file) = self.weights.get_untracked() else {
            return;
        };
        self.weights_wanted.set_value(Some(file));
        let sent = PageMessage::Weights.to_json().map_err(|e| e.to_string()).and_then(|text| {
            TRAINER.with(|t| match t.borrow().as_ref() {
                Some(h) => h.post(&text).map_err(|e| e.to_string()),
                None => Err("the training worker that held these weights is gone; train again to download them".to_owned()),
            })
        });
        if let Err(e) = sent {
            self.weights_wanted.set_value(None);
            self.error
                .set(Some(format!("cannot build the weights file: {e}")));
        }
    }

    /// Downloads a stored run's test predictions (from its board row).
    pub fn download_stored_predictions(self, entry: &str) {
        let loaded = self.loaded.get_value();
        let uploads = self.state.uploads.get_untracked();
        let Some(row) = uploads.iter().find(|e| e.name == entry) else {
            return self.error.set(Some(format!("the row {entry} is gone")));
        };
        let csv = vlrb_core::predictions::to_csv(&loaded.bench, &row.routing);
        let file = format!("{}.csv", upload::file_stem(entry));
        if let Err(e) = web::download(&file, "text/csv", &csv) {
            self.error.set(Some(e.to_string()));
        }
    }

    /// Rebuilds a stored run's weights by retraining its chosen setting on the CPU in a new
    /// worker; the file downloads when it is built.
    pub fn rebuild_weights(self, run: &StoredRun) {
        let text = match PageMessage::Rebuild(Box::new(run.request.clone())).to_json() {
            Ok(text) => text,
            Err(e) => {
                return self
                    .error
                    .set(Some(format!("cannot serialise the rebuild request: {e}")));
            }
        };
        self.error.set(None);
        self.request.set_value(None);
        self.lambdas.set_value(Vec::new());
        self.progress.set(None);
        self.curve.set(Vec::new());
        self.weights_wanted.set_value(Some(format!(
            "{}.weights.json",
            upload::file_stem(&run.entry)
        )));
        self.launch(text);
        self.stage.set(Some(format!(
            "rebuilding the weights of {} (retraining its setting on the CPU)",
            run.entry
        )));
    }

    /// Ends the run with a message next to the sandbox; finished lambdas stay as rows. A
    /// failure while the worker builds a weights file is that download's failure only.
    fn fail(self, message: String) {
        stop_worker();
        if self.weights_wanted.get_value().is_some() && self.request.get_value().is_none() {
            // A rebuild of a stored run's weights failed.
            self.weights_wanted.set_value(None);
            self.running.set(false);
            self.progress.set(None);
            self.stage.set(None);
            return self
                .error
                .set(Some(format!("cannot rebuild the weights file: {message}")));
        }
        if !self.running.get_untracked() {
            let download = self.weights_wanted.get_value().is_some();
            self.weights_wanted.set_value(None);
            self.weights.set(None);
            let what = if download {
                "cannot build the weights file: "
            } else {
                ""
            };
            return self.error.set(Some(format!("{what}{message}")));
        }
        self.running.set(false);
        let at = self.progress.get_untracked().map_or_else(String::new, |p| {
            format!(
                " (while training λ={}, lambda {} of {}, after epoch {})",
                p.lambda, p.lambda_index, p.lambdas, p.epoch
            )
        });
        self.progress.set(None);
        self.stage.set(None);
        let kept = self.keep_finished_lambdas("failed");
        self.error
            .set(Some(format!("The run failed{at}: {message}{kept}")));
    }

    /// Adds the running request's finished lambdas as board rows (named `... (trained here,
    /// <why>)`); says which, or nothing when none finished.
    fn keep_finished_lambdas(self, why: &str) -> String {
        let points: Vec<SweepResult> = self.lambdas.get_value().into_iter().flatten().collect();
        self.lambdas.set_value(Vec::new());
        let Some(request) = self.request.get_value() else {
            return String::new();
        };
        let loaded = self.loaded.get_value();
        let current = self
            .state
            .loaded
            .get_untracked()
            .is_some_and(|l| l.sha256 == request.bundle_sha256);
        if points.is_empty() || !current {
            return String::new();
        }
        let test_rows = loaded.bench.samples.rows_in(Split::Test);
        let num_models = loaded.bench.num_models();
        let mut names = Vec::new();
        let mut curve = Vec::new();
        for p in &points {
            let Some(routing) = upload::routing_from_picks(&test_rows, num_models, &p.picks) else {
                continue;
            };
            let base = format!(
                "{} {} λ={} seed {} (trained here, {why})",
                request.router.as_str(),
                request.features.as_str(),
                p.lambda,
                request.seed
            );
            curve.push((p.lambda.clone(), Arc::new(routing.clone())));
            names.push(self.state.add_upload(&base, routing));
        }
        if curve.len() > 1
            && let Some(entry) = names.first()
        {
            self.state.sweep.set(Some(SweepCurve {
                entry: entry.clone(),
                points: curve,
            }));
        }
        format!(
            ". Kept {} finished lambda(s) as rows: {}.",
            names.len(),
            names.join("; ")
        )
    }

    /// One message from the worker.
    fn handle(self, text: &str) {
        match serde_json::from_str::<WorkerMessage>(text) {
            Ok(WorkerMessage::Ready) => {
                let Some(request) = self.pending.get_value() else {
                    return self.fail("the training worker is ready but no request waits".into());
                };
                let sent = TRAINER.with(|t| t.borrow().as_ref().map(|h| h.post(&request)));
                if let Some(Err(e)) = sent {
                    self.fail(e.to_string());
                }
            }
            Ok(WorkerMessage::Stage { text }) => self.stage.set(Some(text)),
            Ok(WorkerMessage::Progress {
                lambda,
                lambda_index,
                lambdas,
                epoch,
                max_epochs,
                loss,
                dev_rank_score,
            }) => {
                let loss = loss.map_or_else(|| "-".to_owned(), |l| format!("{l:.4}"));
                self.stage.set(Some(format!(
                    "λ={lambda} · epoch {epoch} · loss {loss} · dev Rank Score {:.2}",
                    100.0 * dev_rank_score
                )));
                let now = web::now_ms();
                let (first, seen) = self
                    .progress
                    .get_untracked()
                    .map_or((now, 0), |p| (p.first_ms, p.epochs_seen));
                self.progress.set(Some(RunProgress {
                    lambda: lambda.clone(),
                    lambda_index,
                    lambdas,
                    epoch,
                    max_epochs,
                    first_ms: first,
                    now_ms: now,
                    epochs_seen: seen + 1,
                }));
                self.curve.update(|c| {
                    c.push(CurvePoint {
                        lambda,
                        dev_rank_score,
                    })
                });
            }
            Ok(WorkerMessage::Lambda { index, of, point }) => self.lambdas.update_value(|l| {
                l.resize(of.max(l.len()), None);
                if let Some(slot) = index.checked_sub(1).and_then(|i| l.get_mut(i)) {
                    *slot = Some(point);
                }
            }),
            Ok(WorkerMessage::Done(result)) => self.finish(&result),
            Ok(WorkerMessage::Weights { text }) => {
                if self.running.get_untracked() {
                    // A rebuild ends with its weights.
                    self.running.set(false);
                    self.progress.set(None);
                    self.stage.set(None);
                }
                if let Some(file) = self.weights_wanted.get_value() {
                    self.weights_wanted.set_value(None);
                    if let Err(e) = web::download(&file, "application/json", &text) {
                        self.error.set(Some(e.to_string()));
                    }
                }
            }
            Ok(WorkerMessage::Failed { message }) => self.fail(message),
            Err(e) => self.fail(format!("unreadable message from the training worker: {e}")),
        }
    }

    /// A finished run becomes a board row (its sweep a curve on the plot) with its downloads.
    fn finish(self, result: &TrainResult) {
        // The worker stays up: it holds the weights until they are downloaded or replaced.
        self.progress.set(None);
        self.lambdas.set_value(Vec::new());
        let loaded = self.loaded.get_value();
        let current = self
            .state
            .loaded
            .get_untracked()
            .is_some_and(|l| l.sha256 == result.request.bundle_sha256);
        let test_rows = loaded.bench.samples.rows_in(Split::Test);
        let num_models = loaded.bench.num_models();
        let as_routing = |picks: &[u16]| {
            upload::routing_from_picks(&test_rows, num_models, picks).filter(|_| current)
        };
        let Some(routing) = as_routing(&result.picks) else {
            return self
                .fail("the finished run belongs to another benchmark and was dropped".to_owned());
        };
        self.running.set(false);
        let csv = vlrb_core::predictions::to_csv(&loaded.bench, &routing);
        let name = self.state.add_upload(&result.entry_name(), routing);
        let stem = upload::file_stem(&name);
        self.predictions.set(Some((format!("{stem}.csv"), csv)));
        self.weights.set(Some(format!("{stem}.weights.json")));
        let run = StoredRun {
            entry: name.clone(),
            request: result.rebuild_request(),
        };
        match stored::remember(&loaded.info.name, run) {
            Ok(runs) => self.stored.set(runs),
            Err(e) => self.error.set(Some(format!(
                "the run's settings could not be kept for later downloads: {e}"
            ))),
        }
        if result.sweep.len() > 1 {
            let points: Option<Vec<_>> = result
                .sweep
                .iter()
                .map(|p| Some((p.lambda.clone(), Arc::new(as_routing(&p.picks)?))))
                .collect();
            self.state.sweep.set(points.map(|points| SweepCurve {
                entry: name.clone(),
                points,
            }));
        }
        let sweep = result
            .sweep
            .iter()
            .map(|p| {
                format!(
                    "λ={}: dev {:.2}, test {:.2}",
                    p.lambda,
                    100.0 * p.dev_rank_score,
                    100.0 * p.rank_score
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        self.stage.set(None);
        self.ran_on.set(Some(match &result.fallback {
            Some(why) => format!("Ran on {}. {why}.", result.backend),
            None => format!("Ran on {}.", result.backend),
        }));
        self.finished.set(Some(format!(
            "Added {name}: trained in {:.1} s on {}, {} epoch(s) for the chosen setting, decision throughput {:.0} K tokens/s. Lambdas (Rank Score x100): {sweep}.",
            result.seconds, result.backend, result.epochs, result.k_tokens_per_s
        )));
    }
}

fn stop_worker() {
    TRAINER.with(|t| t.borrow_mut().take());
}
