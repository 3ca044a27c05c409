//! Per-dataset breakdowns of the selected rows.

use std::sync::Arc;

use leptos::prelude::*;

use crate::state::{Loaded, use_app_state};

/// One per-dataset table per selected row (or a hint to select some).
#[component]
pub fn Breakdowns(
    /// The benchmark on screen, with what the board derives from it.
    loaded: Arc<Loaded>,
) -> impl IntoView {
    let state = use_app_state();
    move || {
        let selected = state.selected.get();
        if selected.is_empty() {
            return view! { <p class="hint">"Select rows (first column) for their per-dataset breakdown; they are also highlighted in the plot and kept in the link."</p> }.into_any();
        }
        let entries = state.entries();
        let filter = state.filter();
        let bench = loaded.bench.clone();
        view! {
            <section class="breakdowns" aria-label="Per-dataset breakdowns">
                {selected.into_iter().filter_map(|name| entries.iter().find(|e| e.name == name).cloned()).map(|entry| {
                    let per = vlrb_board::breakdown(&bench, &entry, &filter);
                    view! {
                        <div class="breakdown" data-breakdown=entry.name.clone()>
                            <h3>{format!("{}: per dataset", entry.name)}</h3>
                            <div class="table-wrap">
                            <table>
                                <thead><tr><th scope="col">"Dataset"</th><th scope="col">"Test samples"</th><th scope="col">"Avg Accuracy (%)"</th><th scope="col">"Test-split cost ($)"</th><th scope="col">"$ / 1K queries"</th><th scope="col">"Rank Score (x100)"</th></tr></thead>
                                <tbody>
                                    {per.into_iter().map(|d| view! {
                                        <tr data-dataset=d.dataset.clone()>
                                            <th scope="row">{d.dataset.clone()}</th>
                                            <td class="num">{d.metrics.num_samples}</td>
                                            <td class="num" data-metric="accuracy" data-value=vlrb_board::raw(d.metrics.accuracy)>{vlrb_board::pct(d.metrics.accuracy)}</td>
                                            <td class="num">{vlrb_board::dollars(d.metrics.total_cost())}</td>
                                            <td class="num" data-metric="avg_cost" data-value=vlrb_board::raw(d.metrics.avg_cost)>{vlrb_board::dollars(d.metrics.cost_per_1k())}</td>
                                            <td class="num" data-metric="rank_score" data-value=vlrb_board::raw(d.metrics.rank_score)>{vlrb_board::pct(d.metrics.rank_score)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                        </div>
                    }
                }).collect_view()}
            </section>
        }
        .into_any()
    }
}
