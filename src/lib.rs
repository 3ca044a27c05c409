//! vlrb-web: the VL-RouterBench leaderboard and sandbox, a static Leptos (CSR) site built with Trunk.
//! The board's model is `vlrb-board` and the sandbox's protocol and run are `vlrb-sandbox` (both
//! without a DOM); this crate is the thin app around them:
//!
//! - [`app`]: the layout, providing one [`state::AppState`] as context;
//! - [`state`]: loading, entries, the derived board rows, bootstrap intervals, the training worker;
//! - [`components`]: one file per view;
//! - [`render`]: the Pareto plot and the training chart as SVG;
//! - [`web`]: browser glue (same-origin fetches, storage, downloads, the worker).
//!
//! DOM hooks for automated checks: `#upload` (the file input), `tr[data-entry="<name>"]` (one per
//! leaderboard row), `td[data-metric][data-value]` (accuracy, avg_cost, rank_score in CLI units),
//! `main[data-state="ready"]` once the board and its submissions are loaded, `?bench=<name>`.

pub mod app;
pub mod components;
pub mod render;
pub mod state;
pub mod web;

#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
