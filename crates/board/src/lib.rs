//! vlrb-board: the VL-RouterBench leaderboard's model, free of any DOM (the web app renders it).
//!
//! - [`explorer`]: the per-sample explorer (filters, search, cells and picks of each sample);
//! - [`entries`]: entries (named routings), their kinds, the built-in baselines and single models,
//!   unique row names;
//! - [`rows`]: scoring entries on a filtered subset with the global bounds, the Pareto flag, the
//!   gap to the Oracle, breakdowns, sorting;
//! - [`snapshot`]: the first screen as last scored, kept so a return visit paints it at once;
//! - [`site`]: the published site's lists and the board its first visit shows (built at build
//!   time by `vlrb snapshot` and by the page alike);
//! - [`mod@format`]: number formats (display and the `data-value` hook), HTML escaping;
//! - [`markup`]: the board's rows and routing bars as HTML text, set by the page in one call;
//! - [`export`]: the CSV and JSON exports;
//! - [`upload`]: scoring uploaded predictions, their persistence format, the template;
//! - [`urlstate`]: the view state carried by permalinks;
//! - [`whatif`]: the pool and price edits of a what-if view, and the pool presets.

pub mod entries;
pub mod explorer;
pub mod export;
pub mod format;
pub mod markup;
pub mod rows;
pub mod site;
pub mod snapshot;
pub mod upload;
pub mod urlstate;
pub mod whatif;

#[cfg(test)]
mod testing;

pub use entries::{Entry, Kind, ORACLE, SubmissionMeta, TakenNames, builtin_entries};
pub use export::{ExportContext, pool_ids, to_csv, to_json};
pub use format::{dollars, html_escape, pct, raw};
pub use rows::{
    Board, ExcludedRow, Filter, Row, SortKey, attach_intervals, breakdown, score, sort_rows,
};
pub use site::{BenchInfo, SubmissionInfo};
pub use snapshot::{BoardHead, BoardSnapshot, Listed, ModelLabel, SnapshotOrigin};
pub use urlstate::ViewState;
pub use whatif::{Preset, WhatIf, WhatIfError};
