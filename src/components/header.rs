//! The page header: title, benchmark picker, theme toggle.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::state::{loading, use_app_state};
use crate::web;

/// The page header.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="top">
            <div class="brand">
                <h1>"VL-RouterBench leaderboard"</h1>
                <p class="tagline">"Who routes vision-language queries best, at what cost. Scored in your browser with the benchmark's exact protocol."</p>
            </div>
            <div class="top-controls">
                <Picker/>
                <ThemeToggle/>
            </div>
        </header>
    }
}

/// The benchmark picker: choosing one loads it (filters and selection reset).
#[component]
fn Picker() -> impl IntoView {
    let state = use_app_state();
    let on_change = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev);
        if let Some(info) = state
            .index
            .get_untracked()
            .into_iter()
            .find(|b| b.name == name)
        {
            state.group.set(None);
            state.dataset.set(None);
            state.selected.set(Vec::new());
            spawn_local(loading::load(state, info));
        }
    };
    view! {
        <label class="picker">
            <span>"Benchmark"</span>
            <select id="bench" on:change=on_change>
                {move || {
                    let current = state.bench.get();
                    state
                        .index
                        .get()
                        .into_iter()
                        .map(|b| {
                            let selected = current.as_deref() == Some(b.name.as_str());
                            let label = if b.synthetic {
                                format!("{} (synthetic)", b.title)
                            } else {
                                format!("{} (real data)", b.title)
                            };
                            view! { <option value=b.name.clone() selected=selected>{label}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </label>
    }
}

/// Switches between the light and dark theme (kept in this browser).
#[component]
fn ThemeToggle() -> impl IntoView {
    let toggle = move |_| {
        let root = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element());
        let current = root.as_ref().and_then(|r| r.get_attribute("data-theme"));
        let dark = match current.as_deref() {
            Some("dark") => true,
            Some(_) => false,
            None => web::prefers_dark(),
        };
        let next = if dark { "light" } else { "dark" };
        web::set_root_attribute("data-theme", next);
        // Not persisting the theme is harmless: the page then follows the system again.
        let _ = web::storage_set(web::THEME_KEY, Some(next));
    };
    view! {
        <button type="button" class="theme" id="theme-toggle" on:click=toggle aria-label="Switch between light and dark theme">
            "◐ Theme"
        </button>
    }
}
