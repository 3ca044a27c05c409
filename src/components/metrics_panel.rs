//! The "Metrics" panel: what accuracy, cost and Rank Score mean here, Rank Score's formula with
//! beta and the cost bounds of the benchmark on screen, and (on a synthetic benchmark) why its
//! Oracle differs from the paper's published figure.

use leptos::prelude::*;
use vlrb_board::format;
use vlrb_core::Split;
use vlrb_core::metrics::{Metrics, RANK_BETA};

use crate::state::use_app_state;

/// The paper's published Oracle figures (docs/protocol.md, "published figures"): the only
/// published numbers the page quotes, always labelled as the paper's.
const PAPER_ORACLE: &str = "95.60% accuracy, $0.37 over the test split, Rank Score 93.68";

/// The metrics panel (a disclosure in the header).
#[component]
pub fn MetricsPanel() -> impl IntoView {
    let state = use_app_state();
    let details = move || {
        let loaded = state.loaded.get()?;
        let bench = &loaded.bench;
        let bounds = bench.bounds;
        let n_test = bench.samples.rows_in(Split::Test).len();
        let oracle = loaded.builtin.iter().find(|e| e.is_oracle()).map(|e| {
            Metrics::of(
                bench,
                e.routing
                    .rows
                    .iter()
                    .copied()
                    .zip(e.routing.picks.iter().copied()),
            )
        });
        let oracle_note = match (oracle, loaded.synthetic()) {
            (Some(o), true) => format!(
                "Why this Oracle reads {} and the paper's 93.68: this benchmark is synthetic. Its generator was calibrated to the paper's published Oracle ({PAPER_ORACLE}); the generated data reaches {}% accuracy, {} over its test split and Rank Score {} under its own cost bounds, within the calibration's stated tolerance (0.2 points of Rank Score). The numbers here are the generated data's, never the paper's.",
                format::pct(o.rank_score),
                format::pct(o.accuracy),
                format::dollars(o.avg_cost * n_test as f64),
                format::pct(o.rank_score),
            ),
            (Some(o), false) => format!(
                "The Oracle here ({} Rank Score) is this benchmark's own; the paper's published Oracle ({PAPER_ORACLE}) is for VL-RouterBench's full data and does not apply to it.",
                format::pct(o.rank_score)
            ),
            (None, _) => String::new(),
        };
        Some(view! {
            <dl class="metrics-defs">
                <dt>"Accuracy"</dt>
                <dd>"Share of the " {n_test} " test samples whose routed model answers correctly (Average Accuracy), in %."</dd>
                <dt>"Cost"</dt>
                <dd>"What the routed models' answers cost at list prices. Shown as dollars summed over the test split (the paper's unit, \"test-split cost, $\") and as $ per 1K queries (1000 x the mean per sample)."</dd>
                <dt>"Rank Score"</dt>
                <dd>
                    <code class="formula">"S = (1 + β) · A · Ĉ / (β · A + Ĉ)"</code>
                    ", shown x100, with β = " {RANK_BETA.to_string()} " (favours accuracy), A the accuracy and "
                    <code>"Ĉ = (log2 cmax − log2 c) / (log2 cmax − log2 cmin)"</code>
                    ", the mean cost c per sample clipped to [cmin, cmax] and Ĉ to [0, 1]. Bounds in use (the cheapest and the dearest model's mean cost per sample): cmin = "
                    <span id="metrics-cmin">{format::dollars(bounds.cmin)}</span> ", cmax = "
                    <span id="metrics-cmax">{format::dollars(bounds.cmax)}</span> "."
                </dd>
                <dt>"Oracle"</dt>
                <dd id="metrics-oracle-note">"The best possible router: per sample, the cheapest model that answers correctly. An upper bound, not a competitor. " {oracle_note}</dd>
            </dl>
        })
    };
    view! {
        <details class="metrics-panel" id="metrics-panel">
            <summary>"Metrics"</summary>
            {details}
        </details>
    }
}
