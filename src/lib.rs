//! vlrb-web: the VL-RouterBench leaderboard and sandbox, a static Leptos (CSR) site built with Trunk.
//!
//! - [`board`]: entries, scoring on filtered subsets, sorting, exports (no DOM);
//! - [`upload`]: scoring uploaded predictions and their persistence format (no DOM);
//! - [`urlstate`]: the view state carried by permalinks (no DOM);
//! - [`plot`]: the accuracy-cost Pareto plot as SVG (plotters);
//! - [`sandbox`]: router training requests and the worker's messages, and the training itself;
//! - [`web`]: browser glue (same-origin fetches, storage, downloads);
//! - [`app`]: the Leptos components.
//!
//! DOM hooks for automated checks: `#upload` (the file input), `tr[data-entry="<name>"]` (one per
//! leaderboard row), `td[data-metric][data-value]` (accuracy, avg_cost, rank_score in CLI units),
//! `main[data-state="ready"]` once the board and its submissions are loaded, `?bench=<name>`.

pub mod app;
pub mod board;
pub mod plot;
pub mod sandbox;
pub mod upload;
pub mod urlstate;
pub mod web;

#[cfg(test)]
mod testing;

#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
