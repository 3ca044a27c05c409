//! The board as scored before, painted as the first screen (banner, filters, leaderboard, plot) as
//! soon as the app starts, while the bundle downloads and decodes; the rows scored from the bundle
//! then replace it (`main[data-board-source]`). A first visit shows the one the published site was
//! built with (in its index.html), a return visit the one it kept in localStorage when its board
//! was ready. Only the published view with no filter of a served bundle is kept, and only the same
//! bundle file is ever shown from it.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use vlrb_board::snapshot::{SITE_ELEMENT_ID, STORAGE_KEY, pick};
use vlrb_board::urlstate::ViewState;
use vlrb_board::{BoardSnapshot, Filter, SnapshotOrigin, WhatIf};

use super::{AppState, Phase};
use crate::web::{self, BenchInfo};

/// Where the board's rows on screen come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardSource {
    /// The snapshot of an earlier visit, the bundle not yet scored.
    Snapshot,
    /// Scored from the bundle by this page.
    Live,
}

impl BoardSource {
    /// The `data-board-source` value.
    pub fn id(self) -> &'static str {
        match self {
            BoardSource::Snapshot => "snapshot",
            BoardSource::Live => "live",
        }
    }
}

/// Whether a view is the one snapshots hold: the published benchmark with no filter.
fn is_snapshot_view(filter: &Filter, what_if: &WhatIf) -> bool {
    *filter == Filter::default() && what_if.is_published()
}

/// A snapshot on screen, and where it was kept.
#[derive(Debug, Clone)]
pub struct ShownSnapshot {
    /// The board and its head.
    pub kept: Arc<BoardSnapshot>,
    /// The site's (a first visit) or the last visit's.
    pub origin: SnapshotOrigin,
}

/// The snapshot a page opened at `initial` shows (the last visit's, else the site's: see
/// [`pick`]), with why one could not be read (a malformed stored one is removed).
pub fn restore(initial: &ViewState) -> (Option<ShownSnapshot>, Option<String>) {
    let filter = Filter {
        group: initial.group.clone(),
        dataset: initial.dataset.clone(),
    };
    if !is_snapshot_view(&filter, &initial.what_if) {
        return (None, None);
    }
    let mut notes = Vec::new();
    let stored = web::storage_get(STORAGE_KEY).and_then(|text| {
        BoardSnapshot::from_json(&text).unwrap_or_else(|e| {
            notes.push(match web::storage_set(STORAGE_KEY, None) {
                Ok(()) => format!("{e}; it was dropped"),
                Err(w) => format!("{e}; removing it failed: {w}"),
            });
            None
        })
    });
    let site = web::element_text(SITE_ELEMENT_ID).and_then(|text| {
        BoardSnapshot::from_json(&text).unwrap_or_else(|e| {
            notes.push(format!("{e} in this site's index.html; it was not shown"));
            None
        })
    });
    let shown = pick(stored, site, initial.bench.as_deref()).map(|(kept, origin)| ShownSnapshot {
        kept: Arc::new(kept),
        origin,
    });
    (shown, (!notes.is_empty()).then(|| notes.join("; ")))
}

/// Stops showing the snapshot unless it is of the served bundle `info` is about to load.
pub fn keep_only_for(state: AppState, info: &BenchInfo) {
    let stale = state.snapshot.with_untracked(|s| {
        s.as_ref()
            .is_some_and(|s| info.local || !s.kept.is_of(&info.name, &info.file))
    });
    if stale {
        state.snapshot.set(None);
    }
}

/// Stores the board on screen as the next visit's snapshot, when it is the published view with
/// no filter of a served bundle; a failed write is shown with the uploads' storage note.
pub fn store(state: AppState) {
    let Some(loaded) = state.loaded.get_untracked() else {
        return;
    };
    if loaded.info.local
        || !is_snapshot_view(&untrack(|| state.filter()), &state.what_if.get_untracked())
    {
        return;
    }
    let Some(scored) = state.board.get_untracked() else {
        return;
    };
    let snapshot = BoardSnapshot::new((*loaded.head).clone(), scored.board);
    let written = snapshot
        .to_json()
        .map_err(|e| e.to_string())
        .and_then(|text| web::storage_set(STORAGE_KEY, Some(&text)).map_err(|e| e.to_string()));
    if let Err(e) = written {
        state.storage_note.set(Some(format!(
            "the board could not be kept for your next visit: {e}"
        )));
    }
}

/// Keeps `shown_ms` (when the board's rows and plot first painted, from a snapshot or the bundle)
/// and drops the snapshot when loading fails. Two effects, so that the download's progress (a
/// phase change per chunk) does not rerun the first.
pub fn keep_shown(state: AppState) {
    Effect::new(move |_| {
        if matches!(state.phase.get(), Phase::Failed(_))
            && state.snapshot.with_untracked(Option::is_some)
        {
            state.snapshot.set(None);
        }
    });
    let waiting = StoredValue::new(false);
    Effect::new(move |_| {
        let shown = state.rows.with(Option::is_some);
        if !shown {
            if state.shown_ms.get_untracked().is_some() {
                state.shown_ms.set(None);
            }
            return;
        }
        if state.shown_ms.get_untracked().is_some() || waiting.get_value() {
            return;
        }
        waiting.set_value(true);
        spawn_local(async move {
            web::after_next_paint().await;
            waiting.set_value(false);
            if state.rows.with_untracked(Option::is_some) {
                state.shown_ms.set(Some(web::now_ms()));
            }
        });
    });
}
