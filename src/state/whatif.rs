//! The what-if view the board is scored under: the URL's pool and price edits resolved against
//! the loaded benchmark into a core `Scenario`, with the built-in entries it implies, and the
//! board scored under it.

use std::sync::Arc;

use vlrb_board::{Board, Entry, Filter, WhatIf};
use vlrb_core::scenario::Scenario;

use super::Loaded;
use crate::web;

/// The scenario the board is scored under.
#[derive(Debug, Clone)]
pub struct ScenarioView {
    /// The pool, costs, bounds and Oracle of the view.
    pub scenario: Arc<Scenario>,
    /// Baselines (over the pool) and the pool's single models.
    pub builtin: Arc<Vec<Entry>>,
    /// Why the URL's what-if could not be applied (the view is then the benchmark as published).
    pub error: Option<String>,
    /// Milliseconds spent forming the scenario and routing its baselines.
    pub ms: f64,
}

impl PartialEq for ScenarioView {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.scenario, &other.scenario) && self.error == other.error
    }
}

impl ScenarioView {
    /// The view of `what_if` on the loaded benchmark; an invalid what-if shows the benchmark as
    /// published, with the reason.
    pub fn of(loaded: &Loaded, what_if: &WhatIf) -> ScenarioView {
        let t0 = web::now_ms();
        let published = |error: Option<String>| ScenarioView {
            scenario: loaded.published.clone(),
            builtin: loaded.builtin.clone(),
            error,
            ms: web::now_ms() - t0,
        };
        if what_if.is_published() {
            return published(None);
        }
        match what_if.scenario(loaded.bench.clone()) {
            Ok(scenario) => {
                let builtin = Arc::new(vlrb_board::builtin_entries(&scenario));
                ScenarioView {
                    scenario: Arc::new(scenario),
                    builtin,
                    error: None,
                    ms: web::now_ms() - t0,
                }
            }
            Err(e) => published(Some(format!(
                "The what-if view in this link cannot be shown ({e}); showing the benchmark as published."
            ))),
        }
    }

    /// True for the benchmark as published.
    pub fn is_published(&self) -> bool {
        self.scenario.is_published()
    }
}

/// The board of a view, and how long scoring it took.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredBoard {
    /// Scored and excluded rows (unsorted).
    pub board: Board,
    /// Milliseconds: forming the scenario plus scoring every row.
    pub ms: f64,
}

impl ScoredBoard {
    /// Scores `entries` on `filter` under `view`.
    pub fn of(view: &ScenarioView, entries: &[Entry], filter: &Filter) -> ScoredBoard {
        let t0 = web::now_ms();
        let board = vlrb_board::score(&view.scenario, entries, filter);
        ScoredBoard {
            board,
            ms: view.ms + (web::now_ms() - t0),
        }
    }
}
