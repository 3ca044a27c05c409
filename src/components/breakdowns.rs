//! Per-dataset breakdowns of the selected rows, with each row's routing distribution.

use std::sync::Arc;

use leptos::prelude::*;

use crate::components::distribution::DistributionBar;
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
        let Some(view) = state.scenario.get() else {
            return ().into_any();
        };
        let entries = state.entries();
        let filter = state.filter();
        let models: std::sync::Arc<[vlrb_board::ModelLabel]> = loaded.head.models.clone().into();
        view! {
            <section class="breakdowns" aria-label="Per-dataset breakdowns">
                {selected.into_iter().filter_map(|name| entries.iter().find(|e| e.name == name).cloned()).map(|entry| {
                    let body = match vlrb_board::breakdown(&view.scenario, &entry, &filter) {
                        Err(uses) => view! {
                            <p class="excluded-note">{format!("Not scored: uses excluded models ({} samples; first: {} to {}).", uses.samples, uses.first_sample, uses.first_model)}</p>
                        }.into_any(),
                        Ok(per) => view! {
                            <div class="table-wrap">
                            <table>
                                <thead><tr><th scope="col">"Dataset"</th><th scope="col">"Test samples"</th><th scope="col">"Avg Accuracy (%)"</th><th scope="col">"Test-split cost ($)"</th><th scope="col">"$ / 1K queries"</th><th scope="col">"Rank Score (x100)"</th><th scope="col">"Optimal selection (%)"</th><th scope="col">"Routes to"</th></tr></thead>
                                <tbody>
                                    {per.into_iter().map(|d| {
                                        let m = d.scored.metrics;
                                        view! {
                                        <tr data-dataset=d.dataset.clone()>
                                            <th scope="row">{d.dataset.clone()}</th>
                                            <td class="num">{m.num_samples}</td>
                                            <td class="num" data-metric="accuracy" data-value=vlrb_board::raw(m.accuracy)>{vlrb_board::pct(m.accuracy)}</td>
                                            <td class="num">{vlrb_board::dollars(m.total_cost())}</td>
                                            <td class="num" data-metric="avg_cost" data-value=vlrb_board::raw(m.avg_cost)>{vlrb_board::dollars(m.cost_per_1k())}</td>
                                            <td class="num" data-metric="rank_score" data-value=vlrb_board::raw(m.rank_score)>{vlrb_board::pct(m.rank_score)}</td>
                                            <td class="num" data-metric="optimal_selection" data-value=vlrb_board::raw(d.scored.optimality.optimal_selection)>{vlrb_board::pct(d.scored.optimality.optimal_selection)}</td>
                                            <td><DistributionBar models=models.clone() picks=d.scored.picks_per_model.clone() name=d.dataset.clone()/></td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                            </div>
                        }.into_any(),
                    };
                    view! {
                        <div class="breakdown" data-breakdown=entry.name.clone()>
                            <h3>{format!("{}: per dataset", entry.name)}</h3>
                            {body}
                        </div>
                    }
                }).collect_view()}
            </section>
        }
        .into_any()
    }
}
