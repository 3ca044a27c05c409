//! The board's 95% paired bootstrap intervals, computed after the board has painted, in slices of
//! about 25 ms so the page stays responsive; a newer filter or set of entries abandons a stale run.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use vlrb_board::{Entry, Filter};
use vlrb_core::bootstrap::{DEFAULT_RESAMPLES, DEFAULT_SEED, EntryInterval, PairedBootstrap};

use super::{AppState, Phase};
use crate::web;

/// Bootstrap results for one (filter, entries) state.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervals {
    /// The filter and entry names they were computed for.
    pub key: (Filter, Vec<String>),
    /// Each entry's intervals, or why they could not be computed.
    pub by_name: Result<HashMap<String, EntryInterval>, String>,
    /// Milliseconds the computation took.
    pub ms: f64,
}

impl Intervals {
    /// Whether these are the intervals of this filter and these entries.
    pub fn is_for(&self, filter: &Filter, entries: &[Entry]) -> bool {
        self.key.0 == *filter && self.key.1.iter().eq(entries.iter().map(|e| &e.name))
    }
}

/// Recomputes the intervals whenever the filter or the entries change, once loading is complete
/// (a run started before the verified and reference rows arrive would be abandoned, and its slices
/// would delay their download and scoring).
pub fn keep_computed(state: AppState) {
    Effect::new(move |_| {
        if state.phase.get() != Phase::Ready {
            return;
        }
        let Some(loaded) = state.loaded.get() else {
            return;
        };
        let entries = state.entries();
        let filter = state.filter();
        if state
            .intervals
            .get_untracked()
            .is_some_and(|i| i.is_for(&filter, &entries))
        {
            return;
        }
        let key = (
            filter.clone(),
            entries.iter().map(|e| e.name.clone()).collect::<Vec<_>>(),
        );
        spawn_local(async move {
            let stale = move |key: &(Filter, Vec<String>)| {
                untrack(|| {
                    let names = state.entries().into_iter().map(|e| e.name);
                    state.filter() != key.0 || !names.eq(key.1.iter().cloned())
                })
            };
            web::yield_now().await;
            if stale(&key) {
                return;
            }
            let t0 = web::now_ms();
            let routings: Vec<&vlrb_core::Routing> = entries.iter().map(|e| &*e.routing).collect();
            let contenders: Vec<bool> = entries.iter().map(|e| !e.is_oracle()).collect();
            let bench = &loaded.bench;
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
            let by_name = entries
                .iter()
                .zip(result.entries)
                .map(|(e, i)| (e.name.clone(), i))
                .collect();
            state.intervals.set(Some(Intervals {
                key,
                by_name: Ok(by_name),
                ms: web::now_ms() - t0,
            }));
        });
    });
}
