//! Scoring your router: uploading predictions files (chosen or dropped), the messages about them,
//! and the uploads kept in this browser (rename, remove).

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use vlrb_board::upload;

use crate::state::{Loaded, use_app_state};
use crate::web;

/// Uploading predictions files, their messages, and the uploads kept in this browser.
#[component]
pub fn Uploads(
    /// The benchmark on screen, with what the board derives from it.
    loaded: Arc<Loaded>,
) -> impl IntoView {
    let state = use_app_state();
    let dragging = RwSignal::new(false);
    let accept = move |files: Vec<web_sys::File>| {
        let loaded = loaded.clone();
        spawn_local(async move {
            for file in files {
                let file_name = file.name();
                state.notice(&file_name, true, format!("Reading {file_name}…"));
                let bytes = match web::read_file(&file).await {
                    Ok(b) => b,
                    Err(e) => {
                        state.notice(&file_name, false, e.to_string());
                        continue;
                    }
                };
                state.notice(&file_name, true, format!("Scoring {file_name}…"));
                web::yield_now().await;
                let t0 = web::now_ms();
                let scored = upload::score_file(&loaded.bench, &loaded.index, &bytes, &file_name);
                let ms = web::now_ms() - t0;
                match scored {
                    Ok(accepted) => {
                        let ignored = accepted.ignored_rows;
                        let name =
                            state.add_upload(&upload::entry_name(&file_name), accepted.routing);
                        let ignored = if ignored > 0 {
                            format!(", {ignored} train/dev rows ignored")
                        } else {
                            String::new()
                        };
                        state.notice(
                            &file_name,
                            true,
                            format!("Added {name} (parsed and scored in {ms:.1} ms{ignored})."),
                        );
                    }
                    Err(e) => {
                        let index = state.index.get_untracked();
                        let others: Vec<upload::OtherBench> = index
                            .iter()
                            .map(|b| upload::OtherBench {
                                name: &b.name,
                                datasets: &b.datasets,
                            })
                            .collect();
                        let hint = upload::other_benchmark(
                            &bytes,
                            &file_name,
                            &loaded.bench,
                            &others,
                        )
                        .map(|name| {
                            format!(
                                " Its sample ids are benchmark {name}'s: choose {name} in the Benchmark picker and upload it there."
                            )
                        })
                        .unwrap_or_default();
                        state.notice(&file_name, false, format!("{e}{hint}"));
                    }
                }
            }
        });
    };
    let accept_input = accept.clone();
    let on_input = move |ev: leptos::ev::Event| accept_input(web::take_input_files(&ev));
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        accept(web::file_list(ev.data_transfer().and_then(|d| d.files())));
    };
    let rename = move |old: String, new: String| state.rename_upload(&old, &new);
    let remove = move |name: String| state.remove_upload(&name);
    view! {
        <section class="uploads" aria-labelledby="upload-title">
            <h2 id="upload-title">"Score your router"</h2>
            <p>"Upload predictions (CSV, TSV, JSON or JSONL; see the format below). They are scored here, in your browser, and never leave it. Uploaded rows are marked self-reported; to appear as verified, open a pull request adding your file to the repository's submissions folder."</p>
            <div
                class="dropzone"
                class:dragging=move || dragging.get()
                on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <label for="upload">"Choose files or drop them here"</label>
                <input type="file" id="upload" multiple accept=".csv,.tsv,.tab,.json,.jsonl,.ndjson,text/csv,application/json" on:change=on_input/>
            </div>
            <ul class="notices" id="upload-messages" aria-live="polite">
                {move || state.notices.get().into_iter().rev().map(|n| {
                    let id = n.id;
                    view! {
                        <li class:error=!n.ok class:ok=n.ok data-file=n.file.clone() role=if n.ok { "status" } else { "alert" }>
                            <span class="text">{n.text.clone()}</span>
                            <button type="button" class="dismiss" aria-label="Dismiss message" on:click=move |_| state.notices.update(|v| v.retain(|m| m.id != id))>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || state.storage_note.get().map(|n| view! { <p class="warning" id="storage-note" role="status">{n}</p> })}
            <h3>"Your uploads"</h3>
            <ul class="my-uploads" id="my-uploads">
                {move || {
                    let list = state.uploads.get();
                    if list.is_empty() {
                        return view! { <li class="hint">"None yet. Uploads are kept in this browser for this benchmark."</li> }.into_any();
                    }
                    list.into_iter().map(|e| {
                        let old = e.name.clone();
                        let name_for_remove = e.name.clone();
                        view! {
                            <li data-upload=e.name.clone()>
                                <input type="text" class="rename" value=e.name.clone() aria-label=format!("Rename {}", e.name)
                                    on:change=move |ev| rename(old.clone(), event_target_value(&ev))/>
                                <button type="button" class="remove" aria-label=format!("Remove {}", e.name) on:click=move |_| remove(name_for_remove.clone())>"Remove"</button>
                            </li>
                        }
                    }).collect_view().into_any()
                }}
            </ul>
        </section>
    }
}
