//! The board's 95% paired bootstrap intervals, computed after the board has painted, in slices of
//! about 25 ms so the page stays responsive; a newer filter or set of entries abandons a stale run.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use vlrb_board::{Entry, Filter, WhatIf};
use vlrb_core::Routing;
use vlrb_core::bootstrap::{DEFAULT_RESAMPLES, DEFAULT_SEED, EntryInterval, PairedBootstrap};
use vlrb_core::model::Benchmark;

use super::{AppState, ScenarioView};
use crate::web;

/// The longest a recomputation waits for the page to be idle before its first slice.
const START_WITHIN_MS: u32 = 500;

/// The state bootstrap results belong to: filter, what-if view and entry names.
type Key = (Filter, WhatIf, Vec<String>);

/// Bootstrap results for one (filter, what-if, entries) state.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervals {
    /// The filter, what-if view and entry names they were computed for.
    pub key: Key,
    /// Each entry's intervals, or why they could not be computed.
    pub by_name: Result<HashMap<String, EntryInterval>, String>,
    /// Milliseconds the computation took.
    pub ms: f64,
}

impl Intervals {
    /// Whether these are the intervals of this filter, what-if view and these entries.
    pub fn is_for(&self, filter: &Filter, what_if: &WhatIf, entries: &[Entry]) -> bool {
        self.key.0 == *filter
            && self.key.1 == *what_if
            && self.key.2.iter().eq(entries.iter().map(|e| &e.name))
    }
}

/// Recomputes the intervals whenever the filter or the entries change, once the complete board
/// has painted (a run started before the verified and reference rows arrive would be abandoned,
/// and its slices would delay their download and scoring and the board's first complete frame).
pub fn keep_computed(state: AppState) {
    Effect::new(move |_| {
        // `ready_ms` is set once the complete board has painted and cleared by the next load.
        if state.ready_ms.get().is_none() {
            return;
        }
        let Some(view) = state.scenario.get() else {
            return;
        };
        let entries = state.entries();
        let filter = state.filter();
        let what_if = state.what_if.get();
        if state
            .intervals
            .get_untracked()
            .is_some_and(|i| i.is_for(&filter, &what_if, &entries))
        {
            return;
        }
        let key = (
            filter.clone(),
            what_if,
            entries.iter().map(|e| e.name.clone()).collect::<Vec<_>>(),
        );
        spawn_local(async move {
            let stale = move |key: &Key| {
                untrack(|| {
                    let names = state.entries().into_iter().map(|e| e.name);
                    state.filter() != key.0
                        || state.what_if.get() != key.1
                        || !names.eq(key.2.iter().cloned())
                })
            };
            // Once the page is idle: the first slice (the resampling set up) never runs in one
            // stretch with the change's own render, or with work it queued for the next task.
            web::when_idle(START_WITHIN_MS).await;
            if stale(&key) {
                return;
            }
            let t0 = web::now_ms();
            let (bench, in_view) = in_view(&view, &entries);
            let routings: Vec<&Routing> = in_view.iter().map(|(_, _, r)| r).collect();
            let contenders: Vec<bool> = in_view.iter().map(|(_, c, _)| *c).collect();
            let bench = &*bench;
            let mut run = match PairedBootstrap::new(
                bench,
                &routings,
                |i| filter.keep(bench, i),
                &contenders,
                DEFAULT_RESAMPLES,
                DEFAULT_SEED,
            ) {
                Ok(run) => run,
                Err(e) => {
                    state.intervals.set(Some(Intervals {
                        key,
                        by_name: Err(e.to_string()),
                        ms: web::now_ms() - t0,
                    }));
                    return;
                }
            };
            let mut slice = 1;
            loop {
                let t = web::now_ms();
                if run.step(slice) {
                    break;
                }
                let per = ((web::now_ms() - t) / slice as f64).max(0.01);
                slice = ((25.0 / per) as usize).clamp(1, DEFAULT_RESAMPLES);
                web::yield_now().await;
                if stale(&key) {
                    return;
                }
            }
            let result = run.finish();
            let by_name = in_view
                .into_iter()
                .zip(result.entries)
                .map(|((name, _, _), i)| (name, i))
                .collect();
            state.intervals.set(Some(Intervals {
                key,
                by_name: Ok(by_name),
                ms: web::now_ms() - t0,
            }));
        });
    });
}

/// The benchmark the intervals are drawn on, and each entry's name, whether it contends (not the
/// Oracle) and its routing in that benchmark's columns. For a what-if view that is the view's
/// restricted benchmark (the pool's columns, the view's costs and bounds), and entries that pick
/// excluded models are left out (they are not scored).
fn in_view(
    view: &ScenarioView,
    entries: &[Entry],
) -> (Arc<Benchmark>, Vec<(String, bool, Routing)>) {
    let scenario = &view.scenario;
    let k = scenario.bench().num_models();
    let (bench, column_of) = if view.is_published() {
        (
            scenario.bench().clone(),
            (0..k).map(Some).collect::<Vec<_>>(),
        )
    } else {
        let mut column_of = vec![None; k];
        for (c, &j) in scenario.pool().columns().iter().enumerate() {
            column_of[j] = Some(c);
        }
        (Arc::new(scenario.restricted()), column_of)
    };
    let routed = entries
        .iter()
        .filter_map(|e| {
            let picks = e
                .routing
                .picks
                .iter()
                .map(|&j| column_of[j])
                .collect::<Option<Vec<_>>>()?;
            let routing = Routing {
                rows: e.routing.rows.clone(),
                picks,
            };
            Some((e.name.clone(), !e.is_oracle(), routing))
        })
        .collect();
    (bench, routed)
}
