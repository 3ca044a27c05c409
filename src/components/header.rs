//! The page header: title, links (paper, protocol, repository, how to submit), the metrics
//! panel, benchmark picker, theme toggle.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::MetricsPanel;
use crate::state::{loading, use_app_state};
use crate::web;

/// The VL-RouterBench paper.
const PAPER: &str = "https://arxiv.org/abs/2512.23562";
/// The protocol as shipped with the site (Trunk copies docs/protocol.md, index.html).
const PROTOCOL: &str = "docs/protocol.md";
/// How to submit a router, as shipped with the site (Trunk copies submissions/README.md).
const SUBMIT: &str = "submissions/README.md";

/// The repository of a site hosted as a GitHub project site (`<owner>.github.io/<repo>/`), read
/// from the page's own address; `None` elsewhere (the page does not guess a repository).
fn repository() -> Option<String> {
    let location = web_sys::window()?.location();
    let host = location.hostname().ok()?;
    let owner = host.strip_suffix(".github.io")?;
    let path = location.pathname().ok()?;
    let repo = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .filter(|r| !r.is_empty())?;
    Some(format!("https://github.com/{owner}/{repo}"))
}

/// The header's links.
#[component]
fn Links() -> impl IntoView {
    view! {
        <nav class="top-links" aria-label="About this leaderboard">
            <a href=PAPER id="link-paper" rel="noopener">"Paper (arXiv 2512.23562)"</a>
            <a href=PROTOCOL id="link-protocol">"Protocol"</a>
            {repository().map(|r| view! { <a href=r id="link-repository" rel="noopener">"Repository"</a> })}
            <a href=SUBMIT id="link-submit" title="A pull request adding your router's test predictions; the site verifies and scores them">"How to submit"</a>
        </nav>
    }
}

/// The page header.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="top">
            <div class="brand">
                <h1>"VL-RouterBench leaderboard"</h1>
                <p class="tagline">"Who routes vision-language queries best, at what cost. Scored in your browser with the benchmark's exact protocol."</p>
                <Links/>
                <MetricsPanel/>
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
                    let index = state.index.get();
                    // A benchmark the index does not have (`?bench=nope`) is shown as such, so the
                    // picker never pretends another one is on screen.
                    let missing = current
                        .clone()
                        .filter(|c| !index.is_empty() && !index.iter().any(|b| &b.name == c))
                        .map(|c| view! { <option value="" selected=true disabled=true>{format!("{c} (no such benchmark)")}</option> });
                    missing.into_iter().map(IntoAny::into_any).chain(index
                        .into_iter()
                        .map(|b| {
                            let selected = current.as_deref() == Some(b.name.as_str());
                            // A local benchmark's data is whatever the visitor opened: only its
                            // own manifest can call it synthetic.
                            let label = match (b.local, b.synthetic) {
                                (_, true) => format!("{} (synthetic)", b.title),
                                (true, false) => b.title.clone(),
                                (false, false) => format!("{} (real data)", b.title),
                            };
                            view! { <option value=b.name.clone() selected=selected>{label}</option> }.into_any()
                        }))
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
