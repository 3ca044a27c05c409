//! The sandbox's training run: the worker's lifecycle (start, request, stop) and what its
//! messages change (progress, each finished lambda, the finished run as a board row, its sweep,
//! its downloads). The worker stays up after a run, holding the run's weights in a compact form,
//! and builds the weights file only when it is downloaded (a message round trip). A run that
//! fails or is stopped keeps its finished lambdas as board rows.

mod progress;
mod results;
mod stored;
mod workers;

pub use progress::RunProgress;

use std::sync::Arc;

use leptos::prelude::*;
use vlrb_board::upload;

use vlrb_sandbox::{
    Backend, PageMessage, StoredRun, SweepResult, TrainForm, TrainRequest, TrainResult, TrainView,
    WorkerMessage,
};

use super::{AppState, Loaded};
use crate::render::CurvePoint;
use crate::web;

/// A file offered for download: its name and text.
pub type Download = (String, String);

/// The `localStorage` key of the worker's crash test hook ([`TrainRequest::crash_after_lambdas`]):
/// end-to-end tests set it to a number N, and the next runs crash the worker after N lambdas.
pub const CRASH_HOOK: &str = "vlrb-test-worker-crash-after";

/// The crash test hook's value ([`CRASH_HOOK`] in `localStorage`), if set.
fn crash_hook() -> Option<usize> {
    web::storage_get(CRASH_HOOK)?.trim().parse().ok()
}

/// What the sandbox shows of its runs, `Copy` so handlers can capture it.
#[derive(Clone, Copy)]
pub struct Training {
    state: AppState,
    loaded: StoredValue<Arc<Loaded>>,
    /// Each worker's request, waiting until that worker says it is ready.
    pending: StoredValue<Vec<Option<String>>>,
    /// Each worker's finished share of a parallel sweep.
    parts: StoredValue<Vec<Option<TrainResult>>>,
    /// The worker holding the last finished run's weights.
    holder: StoredValue<usize>,
    /// When the run started (ms, `performance.now()`).
    started_ms: StoredValue<f64>,
    /// The running request (its settings name the rows of finished lambdas).
    request: StoredValue<Option<TrainRequest>>,
    /// The finished lambdas of the running request, by index (kept if the run fails).
    lambdas: StoredValue<Vec<Option<SweepResult>>>,
    /// The finished lambdas will be drawn once the next frame has painted.
    draw_queued: StoredValue<bool>,
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
            pending: StoredValue::new(Vec::new()),
            parts: StoredValue::new(Vec::new()),
            holder: StoredValue::new(0),
            started_ms: StoredValue::new(0.0),
            request: StoredValue::new(None),
            lambdas: StoredValue::new(Vec::new()),
            draw_queued: StoredValue::new(false),
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
        let mut request = match form.validate(&loaded.bundle_url, &loaded.head.sha256) {
            Ok(r) => r,
            Err(e) => {
                self.invalid.set(Some((e.field(), e.to_string())));
                return self.error.set(Some(e.to_string()));
            }
        };
        self.invalid.set(None);
        request.crash_after_lambdas = crash_hook();
        request.view = self.train_view(&loaded);
        // A sweep on the CPU trains its lambdas in parallel workers (the same bits as one).
        let workers = match request.backend {
            Backend::Cpu => workers::sweep_workers(),
            Backend::WebGpu => 1,
        };
        let texts: Result<Vec<String>, _> = request
            .shares(workers)
            .into_iter()
            .map(|r| PageMessage::Train(Box::new(r)).to_json())
            .collect();
        let texts = match texts {
            Ok(texts) => texts,
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
        self.launch(texts);
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

    /// Starts one worker per text (replacing the old ones and the weights they kept); worker `i`
    /// gets `texts[i]` once it is ready.
    fn launch(self, texts: Vec<String>) {
        let count = texts.len();
        self.stage.set(Some(if count > 1 {
            format!("starting {count} training workers (the lambdas train in parallel)")
        } else {
            "starting the training worker".to_owned()
        }));
        self.pending
            .set_value(texts.into_iter().map(Some).collect());
        self.parts.set_value(vec![None; count]);
        self.holder.set_value(0);
        self.started_ms.set_value(web::now_ms());
        let on_message = move |i: usize, text: String| self.handle(i, &text);
        let on_error = move |_: usize, e: web::WebError| self.fail(e.to_string());
        match workers::start(count, on_message, on_error) {
            Ok(()) => self.running.set(true),
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
        let sent = PageMessage::Weights
            .to_json()
            .map_err(|e| e.to_string())
            .and_then(|text| workers::post(self.holder.get_value(), &text));
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
        self.launch(vec![text]);
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

    /// One message from the worker.
    fn handle(self, worker: usize, text: &str) {
        match serde_json::from_str::<WorkerMessage>(text) {
            Ok(WorkerMessage::Ready) => {
                let Some(request) = self
                    .pending
                    .with_value(|p| p.get(worker).cloned().flatten())
                else {
                    return self.fail("the training worker is ready but no request waits".into());
                };
                if let Err(e) = workers::post(worker, &request) {
                    self.fail(e);
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
            Ok(WorkerMessage::Lambda { index, of, point }) => {
                self.lambdas.update_value(|l| {
                    l.resize(of.max(l.len()), None);
                    if let Some(slot) = index.checked_sub(1).and_then(|i| l.get_mut(i)) {
                        *slot = Some(point);
                    }
                });
                self.queue_draw_finished_lambdas();
            }
            Ok(WorkerMessage::Done(result)) => self.part_done(worker, *result),
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
}

fn stop_worker() {
    workers::stop();
}
