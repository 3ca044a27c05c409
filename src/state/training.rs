//! The sandbox's training run: the worker's lifecycle (start, request, stop) and what its
//! messages change (progress, the finished run as a board row, its sweep, its downloads).

use std::cell::RefCell;
use std::sync::Arc;

use leptos::prelude::*;
use vlrb_board::upload;
use vlrb_core::Split;
use vlrb_sandbox::{TrainForm, TrainRequest, TrainResult, WORKER_SCRIPT, WorkerMessage};

use super::{AppState, Loaded, SweepCurve};
use crate::render::CurvePoint;
use crate::web::{self, WorkerHandle};

thread_local! {
    /// The sandbox's running training worker (terminated when replaced or dropped).
    static TRAINER: RefCell<Option<WorkerHandle>> = const { RefCell::new(None) };
}

/// A file offered for download: its name and text.
pub type Download = (String, String);

/// What the sandbox shows of its runs, `Copy` so handlers can capture it.
#[derive(Clone, Copy)]
pub struct Training {
    state: AppState,
    loaded: StoredValue<Arc<Loaded>>,
    /// The request, waiting until the worker says it is ready.
    pending: StoredValue<Option<String>>,
    /// A run is going on.
    pub running: RwSignal<bool>,
    /// What the run is doing.
    pub stage: RwSignal<Option<String>>,
    /// Dev score after each epoch so far.
    pub curve: RwSignal<Vec<CurvePoint>>,
    /// Why the last run failed or could not start.
    pub error: RwSignal<Option<String>>,
    /// What the last finished run added.
    pub finished: RwSignal<Option<String>>,
    /// Where the last finished run ran.
    pub ran_on: RwSignal<Option<String>>,
    /// The last finished run's test picks, in the upload format.
    pub predictions: RwSignal<Option<Download>>,
    /// The last finished run's weights as JSON.
    pub weights: RwSignal<Option<Download>>,
}

impl Training {
    /// No run yet, on the benchmark `loaded`; the worker stops when the sandbox goes.
    pub fn new(state: AppState, loaded: Arc<Loaded>) -> Training {
        on_cleanup(stop_worker);
        Training {
            state,
            loaded: StoredValue::new(loaded),
            pending: StoredValue::new(None),
            running: RwSignal::new(false),
            stage: RwSignal::new(None),
            curve: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
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
        let request = match form.validate(&loaded.bundle_url(), &loaded.sha256) {
            Ok(r) => r,
            Err(e) => return self.error.set(Some(e.to_string())),
        };
        let text = match serde_json::to_string::<TrainRequest>(&request) {
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

    /// Stops the run.
    pub fn stop(self) {
        stop_worker();
        self.running.set(false);
        self.stage.set(Some("stopped".to_owned()));
    }

    /// Ends the run with a message next to the sandbox.
    fn fail(self, message: String) {
        stop_worker();
        self.running.set(false);
        self.stage.set(None);
        self.error.set(Some(message));
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
                epoch,
                loss,
                dev_rank_score,
            }) => {
                let loss = loss.map_or_else(|| "-".to_owned(), |l| format!("{l:.4}"));
                self.stage.set(Some(format!(
                    "λ={lambda} · epoch {epoch} · loss {loss} · dev Rank Score {:.2}",
                    100.0 * dev_rank_score
                )));
                self.curve.update(|c| {
                    c.push(CurvePoint {
                        lambda,
                        dev_rank_score,
                    })
                });
            }
            Ok(WorkerMessage::Done(result)) => self.finish(&result),
            Ok(WorkerMessage::Failed { message }) => self.fail(message),
            Err(e) => self.fail(format!("unreadable message from the training worker: {e}")),
        }
    }

    /// A finished run becomes a board row (its sweep a curve on the plot) with its downloads.
    fn finish(self, result: &TrainResult) {
        stop_worker();
        self.running.set(false);
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
        let csv = vlrb_core::predictions::to_csv(&loaded.bench, &routing);
        let name = self.state.add_upload(&result.entry_name(), routing);
        let stem = upload::file_stem(&name);
        self.predictions.set(Some((format!("{stem}.csv"), csv)));
        self.weights.set(Some((
            format!("{stem}.weights.json"),
            result.weights_json.clone(),
        )));
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
