//! The page's shared state: one [`AppState`] of signals, provided by the app as context, with
//! what the views derive from it, each computed in one function here.
//!
//! - [`loading`]: the list of benchmarks, downloading and decoding one, its submissions and stored
//!   uploads;
//! - [`local`]: benchmarks the visitor opens from disk, kept in IndexedDB;
//! - [`intervals`]: the bootstrap intervals, computed in slices after the board paints;
//! - [`training`]: the sandbox's training worker and what its messages change;
//! - [`whatif`]: the pool and prices the board is scored under;
//! - [`snapshot`]: the board as last scored, painted by a return visit before the bundle is in.

pub mod intervals;
pub mod loading;
pub mod local;
pub mod snapshot;
pub mod training;
pub mod whatif;

use std::sync::Arc;

use leptos::prelude::*;
use vlrb_board::urlstate::ViewState;
use vlrb_board::{BoardHead, Entry, ExcludedRow, Filter, Row, SortKey, TakenNames, WhatIf, upload};
use vlrb_core::metrics::Routing;
use vlrb_sandbox::TrainForm;

use crate::web::{self, BenchInfo};
pub use intervals::Intervals;
pub use loading::{Loaded, Phase};
pub use snapshot::{BoardSource, ShownSnapshot};
pub use whatif::{ScenarioView, ScoredBoard};

/// A message shown next to the upload control.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// Unique id (for dismissing).
    pub id: u64,
    /// The file (or action) it is about; a newer notice replaces an older one about the same.
    pub file: String,
    /// Success or failure.
    pub ok: bool,
    /// The message.
    pub text: String,
}

/// The last sandbox sweep: one test routing per lambda, drawn on the Pareto plot.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepCurve {
    /// The leaderboard entry the sweep produced.
    pub entry: String,
    /// (lambda as text, test routing of that lambda's checkpoint), in sweep order.
    pub points: Vec<(String, Arc<Routing>)>,
}

/// Every signal of the page, `Copy` so handlers can capture it.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The benchmarks of `bundles/index.json`.
    pub index: RwSignal<Vec<BenchInfo>>,
    /// Where loading stands.
    pub phase: RwSignal<Phase>,
    /// Where opening a benchmark from disk stands.
    pub local_status: RwSignal<local::Status>,
    /// The benchmark on show.
    pub loaded: RwSignal<Option<Arc<Loaded>>>,
    /// The board scored before (by the site's build or an earlier visit) of the same bundle,
    /// shown until `loaded` is scored.
    pub snapshot: RwSignal<Option<ShownSnapshot>>,
    /// Verified submissions and reference routers.
    pub extra: RwSignal<Vec<Entry>>,
    /// Why submissions could not be shown.
    pub extra_errors: RwSignal<Vec<String>>,
    /// Uploads and sandbox runs (self-reported).
    pub uploads: RwSignal<Vec<Entry>>,
    /// Messages next to the upload control.
    pub notices: RwSignal<Vec<Notice>>,
    /// Why uploads could not be stored or restored.
    pub storage_note: RwSignal<Option<String>>,
    /// The benchmark's name (in the URL).
    pub bench: RwSignal<Option<String>>,
    /// Task group filter.
    pub group: RwSignal<Option<String>>,
    /// Dataset filter.
    pub dataset: RwSignal<Option<String>>,
    /// Sort column and descending.
    pub sort: RwSignal<(SortKey, bool)>,
    /// Selected rows, in selection order.
    pub selected: RwSignal<Vec<String>>,
    /// Parameters of the page's link that could not be used, and what was done instead.
    pub url_problems: RwSignal<Vec<String>>,
    /// The what-if pool and price edits (in the URL).
    pub what_if: RwSignal<WhatIf>,
    /// Sandbox settings of the last run started (in the URL).
    pub train: RwSignal<Option<TrainForm>>,
    /// The last sandbox lambda sweep (drawn on the plot).
    pub sweep: RwSignal<Option<SweepCurve>>,
    /// Bootstrap intervals of the current filter and entries, once computed.
    pub intervals: RwSignal<Option<Intervals>>,
    /// When the board became ready (ms since navigation).
    pub ready_ms: RwSignal<Option<f64>>,
    /// When the board's rows and plot first painted, from a snapshot or the bundle (ms since
    /// navigation).
    pub shown_ms: RwSignal<Option<f64>>,
    /// Where loading time went.
    pub load_timings: RwSignal<Option<String>>,
    /// Bumped by each load, so a stale one stops.
    pub load_generation: StoredValue<u64>,
    notice_counter: StoredValue<u64>,
    /// The benchmark the first screen shows: the loaded one's, else the snapshot's.
    pub head: Memo<Option<Arc<BoardHead>>>,
    /// The scenario of the what-if view on the loaded benchmark.
    pub scenario: Memo<Option<ScenarioView>>,
    /// Every entry scored under the scenario on the filter (unsorted, without intervals).
    pub board: Memo<Option<ScoredBoard>>,
    /// The board's rows: scored, with intervals when they match, sorted.
    pub rows: Memo<Option<Vec<Row>>>,
    /// Rows that pick models outside the pool (not scored).
    pub excluded: Memo<Vec<ExcludedRow>>,
}

/// The state the app provides.
pub fn use_app_state() -> AppState {
    expect_context::<AppState>()
}

impl AppState {
    /// The state a page opened at `initial` starts from.
    pub fn new(initial: ViewState) -> AppState {
        let (snapshot, snapshot_note) = snapshot::restore(&initial);
        let loaded: RwSignal<Option<Arc<Loaded>>> = RwSignal::new(None);
        let snapshot = RwSignal::new(snapshot);
        let base = AppState {
            index: RwSignal::new(Vec::new()),
            phase: RwSignal::new(Phase::Index),
            local_status: RwSignal::new(local::Status::Idle),
            loaded,
            snapshot,
            head: Memo::new(move |_| match loaded.get() {
                Some(l) => Some(l.head.clone()),
                None => snapshot.with(|s| s.as_ref().map(|s| Arc::new(s.kept.head.clone()))),
            }),
            extra: RwSignal::new(Vec::new()),
            extra_errors: RwSignal::new(Vec::new()),
            uploads: RwSignal::new(Vec::new()),
            notices: RwSignal::new(Vec::new()),
            storage_note: RwSignal::new(snapshot_note),
            bench: RwSignal::new(initial.bench),
            group: RwSignal::new(initial.group),
            dataset: RwSignal::new(initial.dataset),
            sort: RwSignal::new((initial.sort, initial.descending)),
            selected: RwSignal::new(initial.selected),
            train: RwSignal::new(initial.train),
            what_if: RwSignal::new(initial.what_if),
            url_problems: RwSignal::new(initial.problems),
            sweep: RwSignal::new(None),
            intervals: RwSignal::new(None),
            ready_ms: RwSignal::new(None),
            shown_ms: RwSignal::new(None),
            load_timings: RwSignal::new(None),
            load_generation: StoredValue::new(0),
            notice_counter: StoredValue::new(0),
            // Replaced right below (the memos read the other signals of this state).
            scenario: Memo::new(|_| None),
            board: Memo::new(|_| None),
            rows: Memo::new(|_| None),
            excluded: Memo::new(|_| Vec::new()),
        };
        let scenario = Memo::new(move |_| {
            let loaded = base.loaded.get()?;
            Some(base.what_if.with(|w| ScenarioView::of(&loaded, w)))
        });
        let with_scenario = AppState { scenario, ..base };
        let board = Memo::new(move |_| {
            let view = scenario.get()?;
            Some(ScoredBoard::of(
                &view,
                &with_scenario.entries(),
                &with_scenario.filter(),
            ))
        });
        let with_board = AppState {
            board,
            ..with_scenario
        };
        AppState {
            rows: Memo::new(move |_| with_board.board_rows()),
            excluded: Memo::new(move |_| match board.get() {
                Some(b) => b.board.excluded,
                None => with_board
                    .snapshot_board()
                    .map(|b| b.excluded)
                    .unwrap_or_default(),
            }),
            ..with_board
        }
    }

    /// The subset the board is scored on.
    pub fn filter(&self) -> Filter {
        Filter {
            group: self.group.get(),
            dataset: self.dataset.get(),
        }
    }

    /// Every entry of the board: built-ins (of the what-if view), submissions, uploads.
    pub fn entries(&self) -> Vec<Entry> {
        let Some(view) = self.scenario.get() else {
            return Vec::new();
        };
        let mut all = (*view.builtin).clone();
        all.extend(self.extra.get());
        all.extend(self.uploads.get());
        all
    }

    /// The names on the board (but `except`), to name a new or renamed entry.
    pub fn taken_names(&self, except: Option<&str>) -> TakenNames {
        let entries = untrack(|| self.entries());
        TakenNames::of(
            entries
                .iter()
                .map(|e| e.name.as_str())
                .filter(|n| Some(*n) != except),
        )
    }

    /// The view a permalink carries.
    pub fn view_state(&self) -> ViewState {
        let (sort, descending) = self.sort.get();
        ViewState {
            bench: self.bench.get(),
            group: self.group.get(),
            dataset: self.dataset.get(),
            sort,
            descending,
            selected: self.selected.get(),
            train: self.train.get(),
            what_if: self.what_if.get(),
            problems: Vec::new(),
        }
    }

    /// The board's rows: every entry scored on the filter, with the bootstrap intervals when they
    /// are for this filter and these entries, sorted.
    fn board_rows(&self) -> Option<Vec<Row>> {
        let mut rows = match self.board.get() {
            Some(scored) => scored.board.rows,
            None => self.snapshot_board()?.rows,
        };
        let filter = self.filter();
        let entries = self.entries();
        let what_if = self.what_if.get();
        if let Some(iv) = self.intervals.get()
            && iv.is_for(&filter, &what_if, &entries)
            && let Ok(by_name) = &iv.by_name
        {
            vlrb_board::attach_intervals(&mut rows, by_name);
        }
        let (key, descending) = self.sort.get();
        vlrb_board::sort_rows(&mut rows, key, descending);
        Some(rows)
    }

    /// The snapshot's board while no benchmark is loaded, when the view is the one it holds.
    fn snapshot_board(&self) -> Option<vlrb_board::Board> {
        if self.filter() != Filter::default() || !self.what_if.with(WhatIf::is_published) {
            return None;
        }
        self.snapshot
            .with(|s| s.as_ref().map(|s| s.kept.board.clone()))
    }

    /// Where the board's rows come from, while it has rows.
    pub fn board_source(&self) -> Option<BoardSource> {
        if self.loaded.with(Option::is_some) {
            Some(BoardSource::Live)
        } else if self.snapshot.with(Option::is_some) {
            Some(BoardSource::Snapshot)
        } else {
            None
        }
    }

    /// Shows a message next to the upload control, replacing an older one about the same file.
    pub fn notice(&self, file: &str, ok: bool, text: String) {
        let id = self.notice_counter.get_value() + 1;
        self.notice_counter.set_value(id);
        self.notices.update(|n| {
            n.retain(|m| m.file != file);
            n.push(Notice {
                id,
                file: file.to_owned(),
                ok,
                text,
            });
            if n.len() > 12 {
                n.remove(0);
            }
        });
    }

    /// Adds a self-reported entry under a name of its own (from `base`), stores the uploads and
    /// returns the name given.
    pub fn add_upload(&self, base: &str, routing: Routing) -> String {
        let name = self.taken_names(None).claim(base);
        self.uploads
            .update(|u| u.push(Entry::upload(name.clone(), routing)));
        self.persist();
        name
    }

    /// Renames an upload (to a name of its own), also in the selection, and stores the uploads.
    pub fn rename_upload(&self, old: &str, new: &str) {
        let new = self.taken_names(Some(old)).claim(new);
        self.uploads.update(|u| {
            u.iter_mut()
                .filter(|e| e.name == old)
                .for_each(|e| e.name = new.clone())
        });
        self.selected.update(|s| {
            s.iter_mut()
                .filter(|x| *x == old)
                .for_each(|x| *x = new.clone())
        });
        self.persist();
    }

    /// Removes an upload (also from the selection) and stores the uploads.
    pub fn remove_upload(&self, name: &str) {
        self.uploads.update(|u| u.retain(|e| e.name != name));
        self.selected.update(|s| s.retain(|x| x != name));
        self.persist();
    }

    /// Stores the uploads in localStorage; a failure (quota, no storage) is shown.
    fn persist(&self) {
        let Some(loaded) = self.loaded.get_untracked() else {
            return;
        };
        let uploads = self.uploads.get_untracked();
        let key = upload::storage_key(&loaded.info.name);
        let note = match (!uploads.is_empty())
            .then(|| upload::store(&loaded.head.sha256, &uploads))
            .transpose()
        {
            Ok(value) => web::storage_set(&key, value.as_deref())
                .err()
                .map(|e| e.to_string()),
            Err(e) => Some(format!("cannot serialise the uploads for storage: {e}")),
        };
        self.storage_note.set(note);
        snapshot::store(*self);
    }
}
