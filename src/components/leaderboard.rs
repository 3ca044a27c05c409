//! The leaderboard table: sortable columns, one row per entry with its intervals and flags.

use std::sync::Arc;

use leptos::prelude::*;
use vlrb_board::{BoardHead, ExcludedRow, ModelLabel, Row, SnapshotOrigin, SortKey};
use vlrb_core::bootstrap::{DEFAULT_RESAMPLES, DEFAULT_SEED};
use vlrb_core::bundle::PROTOCOL_VERSION;

use crate::components::distribution::DistributionBar;

use crate::state::{AppState, use_app_state};

/// The leaderboard.
#[component]
pub fn Leaderboard(
    /// The benchmark on screen.
    head: Arc<BoardHead>,
) -> impl IntoView {
    let state = use_app_state();
    let rows = state.rows;
    let header = move |key: SortKey, label: &'static str, title: &'static str| {
        let aria = move || {
            let (k, d) = state.sort.get();
            if k != key {
                "none"
            } else if d {
                "descending"
            } else {
                "ascending"
            }
        };
        let arrow = move || {
            let (k, d) = state.sort.get();
            if k != key {
                ""
            } else if d {
                " ▼"
            } else {
                " ▲"
            }
        };
        view! {
            <th scope="col" aria-sort=aria title=title class:more=!matches!(key, SortKey::Name | SortKey::RankScore)>
                <button type="button" class="sort" data-sort=key.id() on:click=move |_| {
                    state.sort.update(|(k, d)| {
                        if *k == key { *d = !*d } else { *k = key; *d = key.natural_descending() }
                    })
                }>{label}{arrow}</button>
            </th>
        }
    };
    let n_test = head.splits.test;
    let subset = move || {
        let rows = rows.get().unwrap_or_default();
        let n = rows.first().map_or(0, |r| r.metrics.num_samples);
        format!(
            "Scored on {} ({n} of {n_test} test samples; {}).",
            state.filter().describe(),
            if state.scenario.get().is_some_and(|v| !v.is_published()) {
                "cost bounds of the what-if view's pool and prices"
            } else {
                "cost bounds of the whole benchmark"
            }
        )
    };
    let interval_note = move || match state.intervals.get().map(|iv| (iv.by_name, iv.ms)) {
        Some((Ok(_), ms)) => format!(
            "Brackets: 95% paired bootstrap intervals ({DEFAULT_RESAMPLES} resamples of the scored test samples, seed {DEFAULT_SEED}, computed in {ms:.0} ms). ≈ marks rows statistically tied with the leader ★ (Oracle excluded).",
        ),
        Some((Err(e), _)) => format!("The 95% bootstrap intervals could not be computed: {e}"),
        None => "Computing 95% bootstrap intervals…".to_owned(),
    };
    let sha_short = head.sha256[..12].to_owned();
    // Narrow screens show rank, entry and Rank Score first; the rest on demand.
    let all_columns = RwSignal::new(false);
    let synthetic = head.synthetic;
    let models: Arc<[ModelLabel]> = head.models.clone().into();
    // Until the bundle is scored, the rows are a snapshot of this bundle's board: the site's (built
    // with it) or the last visit's.
    let from_snapshot = move || {
        if state.loaded.with(Option::is_some) {
            return None;
        }
        let origin = state.snapshot.with(|s| s.as_ref().map(|s| s.origin))?;
        let text = match origin {
            SnapshotOrigin::Site => {
                " · as scored when this site was built, re-scoring from the bundle…"
            }
            SnapshotOrigin::LastVisit => " · from your last visit, re-scoring from the bundle…",
        };
        Some(view! { <span id="snapshot-note" data-origin=origin.id()>{text}</span> })
    };
    view! {
        <section class="board" aria-labelledby="board-title">
            <h2 id="board-title">"Leaderboard"</h2>
            <p class="numbers-source">
                {synthetic.then(|| view! { <strong class="tag synthetic">"SYNTHETIC"</strong> })}
                {format!(" {} · bundle {sha_short}… · {}", head.name, PROTOCOL_VERSION)}
                {from_snapshot}
            </p>
            <p class="subset" id="subset">{subset}</p>
            {move || {
                let problems = state.url_problems.get();
                (!problems.is_empty()).then(|| view! {
                    <p class="warning" id="url-note" role="status">{format!("This link: {}.", problems.join("; "))}</p>
                })
            }}
            <label class="all-columns">
                <input type="checkbox" id="all-columns" prop:checked=all_columns on:change=move |ev| all_columns.set(event_target_checked(&ev))/>
                " Show all columns"
            </label>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Leaderboard table">
                <table id="leaderboard" class:all-columns=move || all_columns.get()>
                    <caption class="visually-hidden">"Routers, baselines and single models; select a row for its per-dataset breakdown"</caption>
                    <thead>
                        <tr>
                            <th scope="col" class="rank" title="Position in the current sort">"#"</th>
                            <th scope="col" class="sel">"Select"</th>
                            {header(SortKey::Name, "Entry", "Sort by name")}
                            {header(SortKey::RankScore, "Rank Score (x100)", "Rank Score, beta 0.1, the view's cost bounds")}
                            {header(SortKey::Accuracy, "Avg Accuracy (%)", "Average Accuracy on the scored test samples")}
                            {header(SortKey::Cost, "Test-split cost ($)", "Dollars summed over the scored test samples (the paper's unit)")}
                            <th scope="col" class="more" title="Average cost per 1,000 queries">"$ / 1K queries"</th>
                            {header(SortKey::Gap, "Gap to Oracle", "Oracle's Rank Score minus this row's, points")}
                            {header(SortKey::Pareto, "Pareto", "On the accuracy-cost frontier of the non-Oracle rows")}
                            {header(SortKey::OptimalSelection, "Optimal selection (%)", "Share of test samples routed to the Oracle's pick")}
                            {header(SortKey::CostVsOracle, "Cost vs Oracle", "The Oracle's cost over this row's cost, on the same samples")}
                            {header(SortKey::AccuracyVsOracle, "Accuracy vs Oracle", "This row's accuracy over the Oracle's")}
                            {header(SortKey::Throughput, "K tok/s", "Router decision throughput, thousands of tokens per second, where measured")}
                            <th scope="col" class="more" title="Test samples sent to each model (hover or focus a segment for its count)">"Routes to"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            rows.get()
                                .unwrap_or_default()
                                .into_iter()
                                .enumerate()
                                .map(|(position, r)| row_view(state, models.clone(), position + 1, r))
                                .collect_view()
                        }}
                        {move || state.excluded.get().into_iter().map(excluded_view).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="note" id="interval-note">{interval_note}</p>
        </section>
    }
}

/// One row of the board (the `tr[data-entry]` and `td[data-metric][data-value]` hooks).
fn row_view(state: AppState, models: Arc<[ModelLabel]>, position: usize, r: Row) -> impl IntoView {
    let name = r.name.clone();
    let name_for_check = name.clone();
    let is_selected = {
        let name = name.clone();
        move || state.selected.get().contains(&name)
    };
    let is_selected_class = is_selected.clone();
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        let name = name_for_check.clone();
        state.selected.update(|s| {
            s.retain(|x| *x != name);
            if on {
                s.push(name);
            }
        });
    };
    let m = r.metrics;
    let o = r.optimality;
    let ci = r.interval;
    let tie = ci.is_some_and(|i| i.tied_with_leader) && !r.leader;
    let kind = r.kind;
    let metric = |id: &'static str, value: f64, shown: String| {
        view! { <td class="num more" data-metric=id data-value=vlrb_board::raw(value)>{shown}</td> }
    };
    view! {
        <tr data-entry=r.name.clone() data-kind=kind.id() class:selected=is_selected_class class=format!("kind-{}", kind.id())>
            <td class="rank num">{position}</td>
            <td class="sel">
                <input type="checkbox" prop:checked=is_selected on:change=toggle aria-label=format!("Select {}", r.name)/>
            </td>
            <th scope="row" class="entry">
                <span class="name">{r.name.clone()}</span>
                " "
                <span class=format!("badge {}", kind.id())>{kind.label()}</span>
                {r.leader.then(|| view! { <span class="leader" title="Leader: best Rank Score (Oracle excluded)">" ★"<span class="visually-hidden">" leader"</span></span> })}
                {tie.then(|| view! { <span class="tie" title="Statistically tied with the leader (95% paired bootstrap)">" ≈"<span class="visually-hidden">" tied with the leader"</span></span> })}
            </th>
            <td class="num" data-metric="rank_score" data-value=vlrb_board::raw(m.rank_score)>
                {vlrb_board::pct(m.rank_score)}
                {ci.map(|i| view! { <span class="ci">{format!(" [{}, {}]", vlrb_board::pct(i.rank_score.low), vlrb_board::pct(i.rank_score.high))}</span> })}
            </td>
            <td class="num more" data-metric="accuracy" data-value=vlrb_board::raw(m.accuracy)>
                {vlrb_board::pct(m.accuracy)}
                {ci.map(|i| view! { <span class="ci">{format!(" [{}, {}]", vlrb_board::pct(i.accuracy.low), vlrb_board::pct(i.accuracy.high))}</span> })}
            </td>
            <td class="num more">{vlrb_board::dollars(m.total_cost())}</td>
            {metric("avg_cost", m.avg_cost, vlrb_board::dollars(m.cost_per_1k()))}
            <td class="num more">{r.gap_to_oracle.map(vlrb_board::pct).unwrap_or_else(|| "–".into())}</td>
            <td class="flag more">{if r.pareto { view! { <span title="Pareto-optimal">"✔"<span class="visually-hidden">" Pareto-optimal"</span></span> }.into_any() } else { view! { <span aria-label="not Pareto-optimal">"·"</span> }.into_any() }}</td>
            {metric("optimal_selection", o.optimal_selection, vlrb_board::pct(o.optimal_selection))}
            {metric("cost_vs_oracle", o.cost_vs_oracle, format!("{:.3}", o.cost_vs_oracle))}
            {metric("accuracy_vs_oracle", o.accuracy_vs_oracle, format!("{:.3}", o.accuracy_vs_oracle))}
            <td class="num more">{r.throughput_ktps.map(|t| format!("{t:.1}")).unwrap_or_else(|| "–".into())}</td>
            <td class="more"><DistributionBar models picks=r.picks_per_model name=r.name.clone()/></td>
        </tr>
    }
}

/// A row that picks models outside the pool: marked, with no numbers.
fn excluded_view(row: ExcludedRow) -> impl IntoView {
    let kind = row.kind;
    let uses = row.uses;
    view! {
        <tr data-entry=row.name.clone() data-kind=kind.id() data-excluded=uses.samples class=format!("excluded kind-{}", kind.id())>
            <td class="rank num">"–"</td>
            <td class="sel"></td>
            <th scope="row" class="entry">
                <span class="name">{row.name.clone()}</span>
                " "
                <span class=format!("badge {}", kind.id())>{kind.label()}</span>
            </th>
            <td class="excluded-note" colspan="11" title=format!("Sample {} is routed to {}, which is not in the pool", uses.first_sample, uses.first_model)>
                {format!("uses excluded models ({} samples)", uses.samples)}
            </td>
        </tr>
    }
}
