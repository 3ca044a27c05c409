//! What a run's results change: the finished run as a board row with its downloads and stored
//! settings, a parallel sweep's shares put together, and the finished lambdas drawn live or kept
//! as rows when a run fails or stops.

use std::sync::Arc;

use leptos::prelude::*;
use vlrb_board::upload;
use vlrb_core::{Routing, Split};
use vlrb_sandbox::{StoredRun, SweepResult, TrainResult};

use super::{Training, stored, workers};
use crate::state::{Loaded, SweepCurve};
use crate::web;

/// The longest a run's report and its lambdas' drawing wait for a frame (a hidden tab paints
/// none; its run still finishes, and its settings are stored, within this).
const FRAME_WAIT_MS: i32 = 200;

/// Turns posted test picks into a routing of `loaded`'s test split (`None` when they do not fit it).
fn test_routing(loaded: &Loaded) -> impl Fn(&[u16]) -> Option<Routing> + '_ {
    let test_rows = loaded.bench.samples.rows_in(Split::Test);
    let num_models = loaded.bench.num_models();
    move |picks| upload::routing_from_picks(&test_rows, num_models, picks)
}

impl Training {
    /// Whether the bundle with checksum `sha256` is still the one on screen.
    fn is_current(self, sha256: &str) -> bool {
        self.state
            .loaded
            .get_untracked()
            .is_some_and(|l| l.head.sha256 == sha256)
    }

    /// Adds the running request's finished lambdas as board rows (named `... (trained here,
    /// <why>)`); says which, or nothing when none finished.
    pub(super) fn keep_finished_lambdas(self, why: &str) -> String {
        let points: Vec<SweepResult> = self.lambdas.get_value().into_iter().flatten().collect();
        self.lambdas.set_value(Vec::new());
        let Some(request) = self.request.get_value() else {
            return String::new();
        };
        let loaded = self.loaded.get_value();
        if points.is_empty() || !self.is_current(&request.bundle_sha256) {
            return String::new();
        }
        let as_routing = test_routing(&loaded);
        let mut names = Vec::new();
        let mut curve = Vec::new();
        for p in &points {
            let Some(routing) = as_routing(&p.picks) else {
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

    /// Draws the running sweep's finished lambdas once the next frame has painted: lambdas that
    /// finish together (parallel workers) are drawn in one render, not one after another.
    pub(super) fn queue_draw_finished_lambdas(self) {
        if self.draw_queued.get_value() {
            return;
        }
        self.draw_queued.set_value(true);
        leptos::task::spawn_local(async move {
            web::after_next_paint_within(FRAME_WAIT_MS).await;
            // `Some` gives the value back: the sandbox has gone meanwhile.
            if self.draw_queued.try_set_value(false).is_none() {
                self.draw_finished_lambdas();
            }
        });
    }

    /// Draws the running sweep's finished lambdas on the plot (in grid order), so the frontier
    /// fills in as each one finishes.
    fn draw_finished_lambdas(self) {
        let points: Vec<SweepResult> = self.lambdas.get_value().into_iter().flatten().collect();
        let Some(request) = self.request.get_value() else {
            return;
        };
        if points.is_empty() {
            return;
        }
        let loaded = self.loaded.get_value();
        let as_routing = test_routing(&loaded);
        let curve: Option<Vec<_>> = points
            .iter()
            .map(|p| Some((p.lambda.clone(), Arc::new(as_routing(&p.picks)?))))
            .collect();
        if let Some(points) = curve {
            self.state.sweep.set(Some(SweepCurve {
                entry: format!(
                    "{} {} (running)",
                    request.router.as_str(),
                    request.features.as_str()
                ),
                points,
            }));
        }
    }

    /// A worker finished its share: once every share has, the whole run is put together (the
    /// chosen lambda's worker keeps its weights, the others end) and finishes.
    pub(super) fn part_done(self, worker: usize, result: TrainResult) {
        let parts = self.parts.with_value(Vec::len);
        if parts <= 1 {
            self.holder.set_value(worker);
            return self.finish(result);
        }
        self.parts.update_value(|p| {
            if let Some(slot) = p.get_mut(worker) {
                *slot = Some(result);
            }
        });
        let done: Option<Vec<TrainResult>> = self.parts.get_value().into_iter().collect();
        let (Some(done), Some(request)) = (done, self.request.get_value()) else {
            return;
        };
        let seconds = (web::now_ms() - self.started_ms.get_value()) / 1000.0;
        match TrainResult::merge(&request, &done, seconds) {
            Ok((merged, holder)) => {
                workers::keep_only(holder);
                self.holder.set_value(holder);
                self.finish(merged);
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    /// A finished run becomes a board row (its sweep a curve on the plot) with its downloads. The
    /// row renders in this task; the downloads, the stored settings, the curve and the report once
    /// the row's frame has painted, so the two renders never run in one stretch (issue 14).
    fn finish(self, result: TrainResult) {
        // The worker stays up: it holds the weights until they are downloaded or replaced.
        self.progress.set(None);
        self.lambdas.set_value(Vec::new());
        let loaded = self.loaded.get_value();
        let current = self.is_current(&result.request.bundle_sha256);
        let Some(routing) = test_routing(&loaded)(&result.picks).filter(|_| current) else {
            return self
                .fail("the finished run belongs to another benchmark and was dropped".to_owned());
        };
        self.running.set(false);
        let name = self.state.add_upload(&result.entry_name(), routing.clone());
        leptos::task::spawn_local(async move {
            web::after_next_paint_within(FRAME_WAIT_MS).await;
            self.report(&loaded, &result, name, &routing);
        });
    }

    /// The finished run's downloads, stored settings, sweep curve and report, for its row `name`
    /// with these test picks.
    fn report(self, loaded: &Loaded, result: &TrainResult, name: String, routing: &Routing) {
        let stem = upload::file_stem(&name);
        let csv = vlrb_core::predictions::to_csv(&loaded.bench, routing);
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
            let of_test = test_routing(loaded);
            let points: Option<Vec<_>> = result
                .sweep
                .iter()
                .map(|p| Some((p.lambda.clone(), Arc::new(of_test(&p.picks)?))))
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
