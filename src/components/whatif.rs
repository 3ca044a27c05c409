//! The what-if editors (model pool with presets, prices per model or by a factor) and the banner
//! that says the board is a what-if view, with one click back to the benchmark as published.

use std::sync::Arc;

use leptos::prelude::*;
use vlrb_board::whatif::{Preset, preset_pool};
use vlrb_core::pool::Pool;
use vlrb_core::prices::{Price, Prices};

use crate::state::{AppState, Loaded, use_app_state};

/// The prices of the current view: the bundle's with the view's edits.
fn current_prices(state: AppState, loaded: &Loaded) -> Prices {
    state
        .what_if
        .with(|w| w.prices(&loaded.bench).ok().flatten())
        .unwrap_or_else(|| Prices::published(&loaded.bench))
}

/// Says the board is a what-if view (or why the link's view could not be shown), with the way
/// back to the benchmark as published.
#[component]
pub fn WhatIfBanner() -> impl IntoView {
    let state = use_app_state();
    move || {
        let view = state.scenario.get()?;
        let back = move |_| state.what_if.set(Default::default());
        if let Some(error) = view.error.clone() {
            return Some(
                view! {
                    <div class="banner whatif-error" id="whatif-error" role="alert">
                        {error}
                        " "
                        <button type="button" id="whatif-back" on:click=back>"Clear the what-if"</button>
                    </div>
                }
                .into_any(),
            );
        }
        if view.is_published() {
            return None;
        }
        let scenario = &view.scenario;
        let bench = scenario.bench();
        let published = Prices::published(bench);
        let loaded = state.loaded.get()?;
        let repriced = current_prices(state, &loaded);
        let edited = (0..bench.num_models())
            .filter(|&j| published.get(j) != repriced.get(j))
            .count();
        let bounds = scenario.bounds();
        let mut parts = vec![format!(
            "{} of {} models in the pool",
            scenario.pool().len(),
            bench.num_models()
        )];
        if scenario.is_repriced() {
            parts.push(format!("prices edited for {edited} models"));
        }
        Some(
            view! {
                <div class="banner whatif" id="whatif-banner" role="status">
                    <strong>"What-if view. "</strong>
                    {format!(
                        "{}; Rank Score bounds ${:.6} to ${:.6} per sample. These numbers are not the benchmark as published. ",
                        parts.join("; "),
                        bounds.cmin,
                        bounds.cmax
                    )}
                    <button type="button" id="whatif-back" on:click=back>"Back to the benchmark as published"</button>
                </div>
            }
            .into_any(),
        )
    }
}

/// The pool and price editors.
#[component]
pub fn WhatIfPanel(
    /// The benchmark on screen.
    loaded: Arc<Loaded>,
) -> impl IntoView {
    let state = use_app_state();
    let note = RwSignal::new(None::<String>);
    let cheapest_n = RwSignal::new(String::from("5"));
    let bench = loaded.bench.clone();

    let set_pool = {
        let bench = bench.clone();
        move |pool: Pool| {
            note.set(None);
            state.what_if.update(|w| *w = w.with_pool(&bench, &pool));
        }
    };
    let apply_preset = {
        let set_pool = set_pool.clone();
        move |preset: Preset| {
            let Some(view) = state.scenario.get_untracked() else {
                return;
            };
            match preset_pool(&view.scenario, preset) {
                Ok(pool) => set_pool(pool),
                Err(e) => note.set(Some(e.to_string())),
            }
        }
    };
    let preset_button = {
        let apply_preset = apply_preset.clone();
        move |id: &'static str, label: &'static str, preset: fn(usize) -> Preset| {
            let apply_preset = apply_preset.clone();
            let on_click = move |_| match cheapest_n.get_untracked().trim().parse::<usize>() {
                Ok(n) => apply_preset(preset(n)),
                Err(_) => note.set(Some(format!(
                    "N must be a whole number of models, got {:?}",
                    cheapest_n.get_untracked()
                ))),
            };
            view! { <button type="button" data-preset=id on:click=on_click>{label}</button> }
        }
    };
    let toggle_model = {
        let bench = bench.clone();
        let set_pool = set_pool.clone();
        move |column: usize, on: bool| {
            let Some(view) = state.scenario.get_untracked() else {
                return;
            };
            let columns = view
                .scenario
                .pool()
                .columns()
                .iter()
                .copied()
                .filter(|&j| j != column)
                .chain(on.then_some(column));
            match Pool::from_columns(&bench, columns) {
                Ok(pool) => set_pool(pool),
                Err(e) => {
                    note.set(Some(e.to_string()));
                    // The checkbox shows the pool as it still is.
                    state.what_if.update(|_| {});
                }
            }
        }
    };
    let set_prices = {
        let loaded = loaded.clone();
        move |edit: &dyn Fn(&mut Prices) -> Result<(), String>| {
            let mut prices = current_prices(state, &loaded);
            match edit(&mut prices) {
                Ok(()) => {
                    note.set(None);
                    state
                        .what_if
                        .update(|w| *w = w.with_prices(&loaded.bench, &prices));
                }
                Err(e) => {
                    note.set(Some(e));
                    state.what_if.update(|_| {});
                }
            }
        }
    };
    let factor = RwSignal::new(String::from("0.5"));
    let apply_factor = {
        let set_prices = set_prices.clone();
        move |_| {
            let text = factor.get_untracked();
            set_prices(&|prices: &mut Prices| match text.trim().parse::<f64>() {
                Ok(f) if f.is_finite() && f >= 0.0 => {
                    prices.scale(f);
                    Ok(())
                }
                _ => Err(format!(
                    "the factor must be a non-negative number, got {text:?}"
                )),
            })
        }
    };

    let has_tokens = bench.tokens.is_some();
    let pool_rows = {
        let bench = bench.clone();
        let loaded = loaded.clone();
        move || {
            let view = state.scenario.get()?;
            let prices = current_prices(state, &loaded);
            let rows = bench.models.iter().enumerate().map(|(j, model)| {
                let in_pool = view.scenario.pool().contains(j);
                let toggle_model = toggle_model.clone();
                let set_prices = set_prices.clone();
                let price = prices.get(j);
                let loaded = loaded.clone();
                let edit = move |input: bool, ev: leptos::ev::Event| {
                    let text = event_target_value(&ev);
                    set_prices(&|prices: &mut Prices| {
                        let value = text.trim().parse::<f64>().map_err(|_| {
                            format!("a price must be a number of dollars per 1M tokens, got {text:?}")
                        })?;
                        let old = prices.get(j).unwrap_or(Price { input: 0.0, output: 0.0 });
                        let new = if input {
                            Price { input: value, output: old.output }
                        } else {
                            Price { input: old.input, output: value }
                        };
                        prices.set(&loaded.bench, j, new).map_err(|e| e.to_string())
                    })
                };
                let edit_out = edit.clone();
                let shown = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
                view! {
                    <tr data-model=model.id.clone()>
                        <td>
                            <label>
                                <input type="checkbox" data-pool-model=model.id.clone() prop:checked=in_pool
                                    on:change=move |ev| toggle_model(j, event_target_checked(&ev))/>
                                " " {model.name.clone()}
                            </label>
                        </td>
                        <td>
                            <input type="number" min="0" step="any" class="price" data-price-in=model.id.clone()
                                prop:value=shown(price.map(|p| p.input)) disabled=!has_tokens
                                aria-label=format!("Input price of {}, $ per 1M tokens", model.name)
                                on:change=move |ev| edit(true, ev)/>
                        </td>
                        <td>
                            <input type="number" min="0" step="any" class="price" data-price-out=model.id.clone()
                                prop:value=shown(price.map(|p| p.output)) disabled=!has_tokens
                                aria-label=format!("Output price of {}, $ per 1M tokens", model.name)
                                on:change=move |ev| edit_out(false, ev)/>
                        </td>
                    </tr>
                }
            }).collect_view();
            Some(rows)
        }
    };
    let recompute = move || {
        state
            .board
            .get()
            .map(|b| format!("Board recomputed in {:.1} ms.", b.ms))
    };

    view! {
        <details class="whatif" id="whatif">
            <summary><h2>"What if… the pool or the prices changed?"</h2></summary>
            <p class="hint">"Choose which models a router may use and what they cost: every row, baseline and bound is recomputed in your browser. Routers that pick a model outside the pool are marked, not rescored. The view is part of the link."</p>
            <div class="presets" role="group" aria-label="Pool presets">
                {preset_button("all", "All models", |_| Preset::All)}
                {preset_button("open-weight", "Open-weight only", |_| Preset::OpenWeight)}
                {preset_button("without-dearest", "Without the dearest", |_| Preset::WithoutDearest)}
                {preset_button("cheapest", "The N cheapest", Preset::Cheapest)}
                <label>"N " <input type="number" id="cheapest-n" min="2" step="1" prop:value=move || cheapest_n.get() on:input=move |ev| cheapest_n.set(event_target_value(&ev))/></label>
            </div>
            {(!has_tokens).then(|| view! {
                <p class="note" id="prices-unavailable">"Prices cannot be edited here: this bundle has no token counts, so its costs cannot be recomputed from prices."</p>
            })}
            {has_tokens.then(|| view! {
                <div class="factor">
                    <label>"Multiply every price by " <input type="number" id="price-factor" min="0" step="any" prop:value=move || factor.get() on:input=move |ev| factor.set(event_target_value(&ev))/></label>
                    <button type="button" id="apply-factor" on:click=apply_factor.clone()>"Apply"</button>
                </div>
            })}
            <p class="warning" id="whatif-note" role="alert">{move || note.get()}</p>
            <div class="table-wrap">
                <table id="pool-editor">
                    <thead><tr><th scope="col">"In the pool"</th><th scope="col">"Input $ / 1M tokens"</th><th scope="col">"Output $ / 1M tokens"</th></tr></thead>
                    <tbody>{pool_rows}</tbody>
                </table>
            </div>
            <p class="note" id="whatif-ms">{recompute}</p>
        </details>
    }
}
