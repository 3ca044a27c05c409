//! The accuracy-cost plot with its legend, the sandbox's sweep points and the plotted points as a
//! table.

use leptos::prelude::*;
use vlrb_board::{Entry, Kind};

use crate::render::{self, PlotPoint, PlotView};
use crate::state::use_app_state;

/// The Pareto plot section.
#[component]
pub fn ParetoPlot() -> impl IntoView {
    let state = use_app_state();
    let rows = state.rows;
    let show_oracle = RwSignal::new(true);
    let zoom_frontier = RwSignal::new(false);
    let points = Memo::new(move |_| {
        let selected = state.selected.get();
        rows.get()
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                let chosen = selected.contains(&r.name);
                PlotPoint::of_row(r, chosen, false)
            })
            .collect::<Vec<_>>()
    });
    // The sandbox's last sweep, re-scored under the current filter like any row.
    let sweep_rows = Memo::new(move |_| {
        let (Some(view), Some(curve)) = (state.scenario.get(), state.sweep.get()) else {
            return Vec::new();
        };
        let entries: Vec<Entry> = curve
            .points
            .iter()
            .map(|(lambda, routing)| Entry::upload(format!("λ={lambda}"), routing.clone()))
            .collect();
        // Under a pool the sweep's points that use excluded models are not drawn.
        vlrb_board::score(&view.scenario, &entries, &state.filter()).rows
    });
    let svg = move || {
        let mut all = points.get();
        all.extend(
            sweep_rows
                .get()
                .into_iter()
                .map(|r| PlotPoint::of_row(r, false, true)),
        );
        render::pareto_svg(
            &all,
            PlotView {
                oracle: show_oracle.get(),
                zoom_frontier: zoom_frontier.get(),
            },
        )
    };
    let description = move || {
        let pts = points.get();
        let frontier: Vec<String> = pts
            .iter()
            .filter(|p| p.pareto)
            .map(|p| p.name.clone())
            .collect();
        format!(
            "Scatter plot of Average Accuracy against cost per 1,000 queries (log scale) for {} entries; Pareto frontier: {}.",
            pts.len(),
            frontier.join(", ")
        )
    };
    let legend = [
        Kind::Baseline,
        Kind::Model,
        Kind::Reference,
        Kind::Verified,
        Kind::Upload,
    ];
    view! {
        <section class="plot" aria-labelledby="plot-title">
            <h2 id="plot-title">"Accuracy vs cost"</h2>
            <div class="plot-view">
                <label><input type="checkbox" id="plot-oracle" prop:checked=move || show_oracle.get() on:change=move |ev| show_oracle.set(event_target_checked(&ev))/>" Oracle (upper bound)"</label>
                <label><input type="checkbox" id="plot-zoom" prop:checked=move || zoom_frontier.get() on:change=move |ev| zoom_frontier.set(event_target_checked(&ev))/>" Zoom to the frontier"</label>
                <span class="note">"Hover a point for its numbers; selected rows, uploads and runs are labelled."</span>
            </div>
            <figure>
                <div class="svg-holder" id="pareto-plot" role="img" aria-label=description inner_html=svg></div>
                <figcaption>
                    <ul class="legend">
                        {legend.into_iter().map(|k| view! { <li><span class=format!("glyph {}", k.id()) aria-hidden="true">{render::legend_glyph(k)}</span>" "{k.label()}</li> }).collect_view()}
                        <li><span class="glyph line" aria-hidden="true">"—"</span>" Pareto frontier (Oracle excluded)"</li>
                        {move || state.sweep.get().map(|c| view! {
                            <li><span class="glyph sweep" aria-hidden="true">"- -"</span>" λ sweep of " {c.entry}</li>
                        })}
                    </ul>
                </figcaption>
            </figure>
            {move || {
                let rows = sweep_rows.get();
                (!rows.is_empty()).then(|| view! {
                    <div class="table-wrap">
                    <table id="sweep-points">
                        <caption>"The sandbox's λ sweep (test split, current filter): each λ's selected checkpoint"</caption>
                        <thead><tr><th scope="col">"λ"</th><th scope="col">"$ / 1K queries"</th><th scope="col">"Avg Accuracy (%)"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| view! {
                                <tr data-accuracy=vlrb_board::raw(r.metrics.accuracy) data-avg-cost=vlrb_board::raw(r.metrics.avg_cost)>
                                    <th scope="row">{r.name}</th>
                                    <td class="num">{vlrb_board::dollars(r.metrics.cost_per_1k())}</td>
                                    <td class="num">{vlrb_board::pct(r.metrics.accuracy)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                })
            }}
            <details class="plot-table">
                <summary>"The plotted points as a table"</summary>
                <div class="table-wrap">
                <table id="plot-data">
                    <thead><tr><th scope="col">"Entry"</th><th scope="col">"Kind"</th><th scope="col">"$ / 1K queries"</th><th scope="col">"Avg Accuracy (%)"</th><th scope="col">"Pareto"</th></tr></thead>
                    <tbody inner_html=move || points.with(|p| point_rows(p))></tbody>
                </table>
                </div>
            </details>
        </section>
    }
}

/// The plotted points as table rows, one markup string (the table sits in a closed `<details>`
/// on the first screen; one call keeps it out of the first render's time).
fn point_rows(points: &[PlotPoint]) -> String {
    points
        .iter()
        .map(|p| {
            format!(
                r#"<tr><th scope="row">{}</th><td>{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>"#,
                vlrb_board::html_escape(&p.name),
                p.kind.label(),
                vlrb_board::dollars(p.cost_per_1k),
                vlrb_board::pct(p.accuracy),
                if p.pareto { "yes" } else { "no" }
            )
        })
        .collect()
}
