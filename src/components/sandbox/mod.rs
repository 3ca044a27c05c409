//! The router sandbox: trains a router on this bundle's features in a Web Worker (the core's
//! routers, as `vlrb train`, on WebGPU or the CPU), shows progress live, adds the finished run as
//! a board row, draws a lambda sweep on the plot and offers the run's predictions and weights.

mod form;
mod progress;

use std::sync::Arc;

use leptos::prelude::*;
use vlrb_core::model::Modality;
use vlrb_sandbox::TrainForm;

use crate::render;
use crate::state::training::Training;
use crate::state::{Loaded, use_app_state};
use crate::web;
use form::{Fields, SandboxForm};
use progress::RunProgressBar;

/// The sandbox section.
#[component]
pub fn Sandbox(
    /// The benchmark on screen, with what the board derives from it.
    loaded: Arc<Loaded>,
) -> impl IntoView {
    let state = use_app_state();
    let has = |m: Modality| loaded.bench.embeddings.iter().any(|e| e.modality == m);
    let mut feature_options: Vec<(&'static str, &'static str)> = Vec::new();
    if has(Modality::Text) && has(Modality::Vision) {
        feature_options.push(("concat", "Normalize-Concat (text + image)"));
    }
    if has(Modality::Text) {
        feature_options.push(("text", "Text only"));
    }
    if has(Modality::Vision) {
        feature_options.push(("image", "Image only"));
    }
    let webgpu = web::has_webgpu();
    // The form starts from the URL's settings (a shared link), else the defaults.
    let initial = state
        .train
        .get_untracked()
        .unwrap_or_else(|| TrainForm::defaults(webgpu));
    let fields = Fields::new(&initial, &feature_options);
    let training = Training::new(state, loaded);
    let Training {
        stage,
        curve,
        error,
        finished,
        ran_on,
        predictions,
        weights,
        progress,
        stored,
        running,
        ..
    } = training;
    // Stored runs whose rows are still on the board (renamed or removed rows drop out).
    let stored_rows = move || {
        let names: Vec<String> = state.uploads.get().into_iter().map(|e| e.name).collect();
        stored
            .get()
            .into_iter()
            .filter(|r| names.contains(&r.entry))
            .rev()
            .collect::<Vec<_>>()
    };
    let backend_note = move || {
        ran_on.get().unwrap_or_else(|| {
            match (fields.backend.get().as_str(), webgpu) {
                ("cpu", _) => "Backend: CPU (WebAssembly in a Web Worker).",
                (_, true) => "Backend: WebGPU (the adapter is named when the run starts); if it is missing or lost, the run says so and continues on the CPU.",
                (_, false) => "Backend: this browser has no WebGPU (navigator.gpu), so training runs on the CPU (WebAssembly in a Web Worker).",
            }
            .to_owned()
        })
    };
    let download = move |file: &str, mime: &str, text: &str| {
        if let Err(e) = web::download(file, mime, text) {
            error.set(Some(e.to_string()));
        }
    };
    view! {
        <section class="sandbox" aria-labelledby="sandbox-title">
            <h2 id="sandbox-title">"Router sandbox"</h2>
            <p>"Train a router on this benchmark's embeddings, here in your browser, exactly as " <code>"vlrb train"</code> " does natively (train split; lambda and checkpoints chosen on dev by Rank Score; test picks scored by the same evaluator as uploads). The finished run becomes a leaderboard row; a λ sweep is drawn on the plot."</p>
            <p class="note" id="sandbox-backend">{backend_note}</p>
            {move || state.scenario.get().filter(|v| !v.is_published()).map(|v| view! {
                <p class="note" id="sandbox-pool-note">{format!(
                    "What-if view: a run trains on the pool only ({} of {} models{}), as vlrb train --pool{} does; its row is scored under the view.",
                    v.scenario.pool().len(),
                    v.scenario.bench().num_models(),
                    if v.scenario.is_repriced() { ", at the edited prices" } else { "" },
                    if v.scenario.is_repriced() { " --prices" } else { "" },
                )}</p>
            })}
            <SandboxForm fields feature_options training/>
            <p class="status" id="sandbox-status" role="status" aria-live="polite">{move || stage.get()}</p>
            {move || progress.get().map(|p| view! { <RunProgressBar progress=p/> })}
            {move || {
                let points = curve.get();
                (!points.is_empty()).then(|| view! {
                    <div class="progress-holder" id="sandbox-chart" role="img" aria-label="Dev Rank Score after each epoch" inner_html=render::progress_svg(&points)></div>
                })
            }}
            {move || error.get().map(|e| view! { <p class="notice error" id="sandbox-error" role="alert">{e}</p> })}
            {move || finished.get().map(|t| view! { <p class="notice ok" id="sandbox-done">{t}</p> })}
            <div class="sandbox-downloads">
                {move || predictions.get().map(|(file, csv)| view! {
                    <button type="button" id="sandbox-download" on:click=move |_| download(&file, "text/csv", &csv)>"Download the test predictions (CSV, upload format)"</button>
                })}
                {move || weights.get().map(|_| view! {
                    <button type="button" id="sandbox-weights" title="Settings, feature scaler and parameters; kNN and PRkNN name their reference rows (the bundle's training rows) instead of copying them" on:click=move |_| training.download_weights()>"Download the trained weights (JSON)"</button>
                })}
            </div>
            {move || {
                let runs = stored_rows();
                (!runs.is_empty()).then(|| view! {
                    <details class="stored-runs" id="sandbox-stored-runs">
                        <summary>{format!("Your runs on this benchmark ({}), kept in this browser", runs.len())}</summary>
                        <p class="note">"Predictions come from the row; weights are rebuilt by retraining the run's chosen setting on the CPU (same seed: the same router as a CPU run)."</p>
                        <ul>
                            {runs.into_iter().map(|run| {
                                let entry = run.entry.clone();
                                let for_predictions = entry.clone();
                                view! {
                                    <li data-entry=entry.clone()>
                                        <span class="run-name">{entry.clone()}</span>" "
                                        <button type="button" class="stored-predictions" on:click=move |_| training.download_stored_predictions(&for_predictions)>"predictions (CSV)"</button>" "
                                        <button type="button" class="stored-weights" prop:disabled=move || running.get() on:click=move |_| training.rebuild_weights(&run)>"weights (JSON, rebuilt)"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </details>
                })
            }}
        </section>
    }
}
