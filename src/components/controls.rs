//! The board's filters (task group, dataset), exports and permalink.

use std::sync::Arc;

use leptos::prelude::*;
use vlrb_board::{BoardHead, ExportContext};
use vlrb_core::bundle::PROTOCOL_VERSION;

use crate::state::use_app_state;
use crate::web;

/// Filters, exports and the permalink; the filters and exports wait for the bundle to be scored
/// (an earlier visit's board holds the unfiltered view only).
#[component]
pub fn Controls(
    /// The benchmark on screen.
    head: Arc<BoardHead>,
) -> impl IntoView {
    let state = use_app_state();
    let waiting = move || state.loaded.with(Option::is_none);
    let groups = head.groups.clone();
    let head_for_datasets = head.clone();
    let datasets = move || {
        let group = state.group.get();
        let mut list: Vec<String> = head_for_datasets
            .datasets
            .iter()
            .filter(|d| group.as_deref().is_none_or(|x| x == d.group.as_str()))
            .map(|d| d.name.clone())
            .collect();
        list.sort();
        list
    };
    let on_group = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let group = (!value.is_empty()).then_some(value);
        if let (Some(g), Some(d)) = (&group, state.dataset.get_untracked()) {
            let same = head.datasets.iter().any(|x| x.name == d && &x.group == g);
            if !same {
                state.dataset.set(None);
            }
        }
        state.group.set(group);
    };
    let on_dataset = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        state.dataset.set((!value.is_empty()).then_some(value));
    };
    let export = move |json: bool| {
        let (Some(l), Some(rows), Some(view)) = (
            state.loaded.get_untracked(),
            state.rows.get_untracked(),
            state.scenario.get_untracked(),
        ) else {
            return;
        };
        let what_if = state.what_if.get_untracked();
        let (pool, column_ids) = vlrb_board::pool_ids(&view.scenario);
        let context = ExportContext {
            benchmark: &l.info.name,
            synthetic: l.synthetic(),
            source: &l.bench.provenance.source,
            bundle_sha256: &l.head.sha256,
            protocol_version: PROTOCOL_VERSION,
            subset: state.filter().describe(),
            pool,
            price_edits: what_if
                .prices
                .as_deref()
                .filter(|_| view.scenario.is_repriced()),
            column_ids,
        };
        let result = if json {
            match vlrb_board::to_json(&context, &rows) {
                Ok(text) => web::download(
                    &format!("vlrb-{}-board.json", l.info.name),
                    "application/json",
                    &text,
                ),
                Err(e) => {
                    state.notice("export", false, format!("cannot serialise the board: {e}"));
                    return;
                }
            }
        } else {
            web::download(
                &format!("vlrb-{}-board.csv", l.info.name),
                "text/csv",
                &vlrb_board::to_csv(&context, &rows),
            )
        };
        if let Err(e) = result {
            state.notice("export", false, e.to_string());
        }
    };
    let permalink = move || {
        let query = state.view_state().to_query();
        if query.is_empty() {
            "?".to_owned()
        } else {
            query
        }
    };
    view! {
        <section class="controls" aria-label="Filters and export">
            <label>
                <span>"Task group"</span>
                <select id="filter-group" on:change=on_group disabled=waiting>
                    <option value="" selected=move || state.group.get().is_none()>"All groups"</option>
                    {groups.into_iter().map(|g| {
                        let value = g.clone();
                        let is = g.clone();
                        view! { <option value=value selected=move || state.group.get().as_deref() == Some(is.as_str())>{g}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>"Dataset"</span>
                <select id="filter-dataset" on:change=on_dataset disabled=waiting>
                    {move || {
                        let current = state.dataset.get();
                        let mut options = vec![view! { <option value="" selected=current.is_none()>"All datasets"</option> }.into_any()];
                        options.extend(datasets().into_iter().map(|d| {
                            let selected = current.as_deref() == Some(d.as_str());
                            view! { <option value=d.clone() selected=selected>{d.clone()}</option> }.into_any()
                        }));
                        options.collect_view()
                    }}
                </select>
            </label>
            <div class="export">
                <button type="button" id="export-csv" disabled=waiting on:click=move |_| export(false)>"Export CSV"</button>
                <button type="button" id="export-json" disabled=waiting on:click=move |_| export(true)>"Export JSON"</button>
                <a id="permalink" href=permalink>"Permalink to this view"</a>
            </div>
        </section>
    }
}
