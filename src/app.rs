//! The application root: the page's layout, and the one [`AppState`] every view reads from
//! context.

use leptos::prelude::*;
use leptos::task::spawn_local;
use vlrb_board::urlstate::ViewState;
use vlrb_core::bundle::PROTOCOL_VERSION;

use crate::components::{
    Breakdowns, BuildVersion, Controls, FormatHelp, Header, Leaderboard, OpenLocal, ParetoPlot,
    Provenance, Samples, Sandbox, Status, Uploads, WhatIfBanner, WhatIfPanel, open_local,
};
use crate::state::{AppState, Phase, intervals, loading, snapshot};
use crate::web;

/// The application root.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new(ViewState::parse(&web::location_search()));
    provide_context(state);
    if let Some(theme) = web::storage_get(web::THEME_KEY) {
        web::set_root_attribute("data-theme", &theme);
    }
    // Requested before the first render, which may paint an earlier visit's board first.
    spawn_local(loading::start(state, loading::FirstFetches::start()));
    // The URL follows the view.
    Effect::new(move |_| web::replace_query(&state.view_state().to_query()));
    intervals::keep_computed(state);
    snapshot::keep_shown(state);

    // `ready` once the complete board has painted (`ready_ms` is set after that frame).
    let data_state = move || match state.phase.get() {
        Phase::Ready if state.ready_ms.get().is_some() => "ready",
        Phase::Failed(_) => "failed",
        _ => "loading",
    };
    view! {
        <Header/>
        <main
            id="main"
            data-state=data_state
            data-ready-ms=move || state.ready_ms.get().map(vlrb_board::raw)
            data-load-timings=move || state.load_timings.get()
            data-board-ms=move || state.board.get().map(|b| vlrb_board::raw(b.ms))
            data-shown-ms=move || state.shown_ms.get().map(vlrb_board::raw)
            data-board-source=move || state.board_source().map(|s| s.id())
            on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop=move |ev| open_local::on_page_drop(state, ev)
        >
            <Status/>
            // The first screen renders from the head (a snapshot's until the bundle is scored, then
            // the same head, so it is not rendered again); the rest once the bundle is loaded.
            {move || state.head.get().map(|head| view! {
                <Provenance head=head.clone()/>
                <WhatIfBanner/>
                <Controls head=head.clone()/>
                <div class="first-screen">
                    <Leaderboard head/>
                    <ParetoPlot/>
                </div>
                {move || state.loaded.get().map(|loaded| view! {
                    <Breakdowns loaded=loaded.clone()/>
                    <Samples loaded=loaded.clone()/>
                    <WhatIfPanel loaded=loaded.clone()/>
                    <Uploads loaded=loaded.clone()/>
                    <Sandbox loaded=loaded.clone()/>
                    <FormatHelp loaded/>
                })}
            })}
            <OpenLocal/>
        </main>
        <footer class="foot">
            <p>
                "Protocol: " {PROTOCOL_VERSION}
                ". Numbers are recomputed from the bundle shown above; uploads are self-reported, verified rows come from the repository's submissions folder."
            </p>
            <p><BuildVersion/></p>
        </footer>
    }
}
