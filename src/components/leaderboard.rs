//! The leaderboard table: sortable columns, one row per entry with its intervals and flags.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use vlrb_board::markup::board_rows;
use vlrb_board::{BoardHead, SnapshotOrigin, SortKey};
use vlrb_core::bootstrap::{DEFAULT_RESAMPLES, DEFAULT_SEED};
use vlrb_core::bundle::PROTOCOL_VERSION;
use web_sys::{Element, HtmlElement, HtmlInputElement};

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
    let models = head.models.clone();
    // The rows as one markup string (`vlrb_board::markup`): on a return visit this body is most
    // of the first render, and one call builds it several times faster than an element at a time.
    let body = NodeRef::<leptos::html::Tbody>::new();
    Effect::new(move |_| {
        let rows = rows.get().unwrap_or_default();
        let excluded = state.excluded.get();
        let Some(body) = body.get() else { return };
        let markup = state
            .selected
            .with_untracked(|selected| board_rows(&rows, &excluded, &models, selected));
        let focus = focus_in(&body);
        body.set_inner_html(&markup);
        if let Some(focus) = focus {
            focus.restore(&body);
        }
    });
    Effect::new(move |_| {
        let selected = state.selected.get();
        if let Some(body) = body.get() {
            mark_selected(&body, &selected);
        }
    });
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
                    <tbody node_ref=body on:change=move |ev| toggle_selected(state, &ev)></tbody>
                </table>
            </div>
            <p class="note" id="interval-note">{interval_note}</p>
        </section>
    }
}

/// A row's checkbox changed (one listener on the table body for every row).
fn toggle_selected(state: AppState, ev: &leptos::ev::Event) {
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(name) = entry_of(&input) else { return };
    let on = input.checked();
    state.selected.update(|s| {
        s.retain(|x| *x != name);
        if on {
            s.push(name);
        }
    });
}

/// The entry name of the board row holding `el`.
fn entry_of(el: &Element) -> Option<String> {
    el.closest("tr[data-entry]")
        .ok()??
        .get_attribute("data-entry")
}

/// The board's rows (`tr[data-entry]` children of `body`) with their entry names.
fn board_row_elements(body: &Element) -> impl Iterator<Item = (Element, String)> {
    std::iter::successors(body.first_element_child(), Element::next_element_sibling)
        .filter_map(|tr| tr.get_attribute("data-entry").map(|name| (tr, name)))
}

/// The selection on the rows in place: `tr.selected` and their checkboxes.
fn mark_selected(body: &Element, selected: &[String]) {
    for (tr, name) in board_row_elements(body) {
        let on = selected.contains(&name);
        // Toggling a class the row may or may not have cannot fail.
        let _ = tr.class_list().toggle_with_force("selected", on);
        if let Some(input) = tr
            .query_selector("input[type=checkbox]")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        {
            input.set_checked(on);
        }
    }
}

/// The focusable elements of a row (its checkbox, its routing bar's segments).
const FOCUSABLE: &str = "input, .seg";

/// Which row's control had the focus before the rows were written again.
struct Focus {
    /// The row's entry name.
    entry: String,
    /// The control's position among the row's [`FOCUSABLE`] elements.
    index: u32,
}

impl Focus {
    /// Focuses the same control of the same entry's row, where it still is.
    fn restore(&self, body: &Element) {
        let Some((tr, _)) = board_row_elements(body).find(|(_, name)| *name == self.entry) else {
            return;
        };
        if let Some(el) = tr
            .query_selector_all(FOCUSABLE)
            .ok()
            .and_then(|all| all.get(self.index))
            .and_then(|n| n.dyn_into::<HtmlElement>().ok())
        {
            // The element was just found in the document: focusing it cannot fail.
            let _ = el.focus();
        }
    }
}

/// The focused control inside `body`, if any.
fn focus_in(body: &Element) -> Option<Focus> {
    let active = body.owner_document()?.active_element()?;
    if !body.contains(Some(&active)) {
        return None;
    }
    let tr = active.closest("tr[data-entry]").ok()??;
    let all = tr.query_selector_all(FOCUSABLE).ok()?;
    let index = (0..all.length()).find(|&i| {
        all.get(i)
            .is_some_and(|n| n.is_same_node(Some(active.as_ref())))
    })?;
    Some(Focus {
        entry: tr.get_attribute("data-entry")?,
        index,
    })
}
