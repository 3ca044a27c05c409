//! Your own benchmark: opening a `.vlrb` bundle or long-format files from disk (`#open-bundle`, or
//! dropped anywhere on the page outside the upload zone), what became of them, and the benchmarks
//! kept in this browser with a way to remove each.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::state::{AppState, local, use_app_state};
use crate::web;

/// The opener, shown whether or not a benchmark is on screen.
#[component]
pub fn OpenLocal() -> impl IntoView {
    let state = use_app_state();
    let on_input =
        move |ev: leptos::ev::Event| spawn_local(local::open(state, web::take_input_files(&ev)));
    let stored = move || {
        state
            .index
            .get()
            .into_iter()
            .filter(|b| b.local)
            .collect::<Vec<_>>()
    };
    let busy = move || matches!(state.local_status.get(), local::Status::Working(_));
    view! {
        <section class="open-local" id="open-local" aria-labelledby="open-local-title">
            <h2 id="open-local-title">"Your own benchmark"</h2>
            <p>
                "Open a bundle made by " <code>"vlrb pack"</code> " (.vlrb), or long-format files selected together: "
                <code>"records.csv"</code> " (sample_id, model, correct, and cost or token columns), optionally "
                <code>"samples.csv"</code> ", " <code>"models.csv"</code> ", " <code>"vlrb.json"</code> " and "
                <code>"text_<name>.npy"</code> " / " <code>"image_<name>.npy"</code>
                " embeddings. They are read by the same code as " <code>"vlrb pack"</code>
                ", in this browser, and kept in it for your next visit; nothing is uploaded. You can also drop them anywhere on the page."
            </p>
            <label class="open-button">
                "Open files…"
                <input type="file" id="open-bundle" multiple accept=".vlrb,.csv,.npy,.json" on:change=on_input disabled=busy/>
            </label>
            {move || match state.local_status.get() {
                local::Status::Idle => None,
                local::Status::Working(text) => Some(view! { <p id="open-status" class="working" role="status">{text}"…"</p> }.into_any()),
                local::Status::Opened(text) => Some(view! { <p id="open-status" class="ok" role="status">{text}</p> }.into_any()),
                local::Status::Failed(text) => Some(view! { <p id="open-error" class="error-box" role="alert">{text}</p> }.into_any()),
            }}
            <ul id="local-benchmarks">
                {move || stored().into_iter().map(|b| {
                    let name = b.name.clone();
                    let remove = move |_| spawn_local(local::remove(state, name.clone()));
                    view! {
                        <li data-local=b.name.clone()>
                            <span>{b.name.clone()} " (local: " {b.file.clone()} ")"</span>
                            <button type="button" data-remove-local=b.name.clone() on:click=remove>"Remove"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Opens files dropped on the page outside the upload zone (which handles its own drops).
pub fn on_page_drop(state: AppState, ev: leptos::ev::DragEvent) {
    if ev.default_prevented() {
        return;
    }
    ev.prevent_default();
    let files = web::file_list(ev.data_transfer().and_then(|d| d.files()));
    spawn_local(local::open(state, files));
}
