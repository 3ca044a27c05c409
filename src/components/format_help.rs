//! The submission format, with examples from this benchmark and a template to download.

use std::sync::Arc;

use leptos::prelude::*;
use vlrb_board::upload;
use vlrb_core::model::Split;

use crate::state::{Loaded, use_app_state};
use crate::web;

/// How to write a predictions file for this benchmark.
#[component]
pub fn FormatHelp(
    /// The benchmark on screen, with what the board derives from it.
    loaded: Arc<Loaded>,
) -> impl IntoView {
    let state = use_app_state();
    let b = loaded.bench.clone();
    let n_test = b.samples.rows_in(Split::Test).len();
    let example_id = b
        .samples
        .rows_in(Split::Test)
        .first()
        .map(|&i| b.samples.ids[i].clone())
        .unwrap_or_default();
    let example_model = b
        .models
        .first()
        .map(|m| (m.id.clone(), m.name.clone()))
        .unwrap_or_default();
    let name = loaded.info.name.clone();
    let template = move |_| {
        let file = format!("vlrb-{name}-template.csv");
        if let Err(e) = web::download(&file, "text/csv", &upload::template_csv(&b)) {
            state.notice(&file, false, e.to_string());
        }
    };
    let models = loaded
        .bench
        .models
        .iter()
        .map(|m| view! { <li><code>{m.id.clone()}</code>" ("{m.name.clone()}")"</li> })
        .collect_view();
    view! {
        <section class="format" id="format" aria-labelledby="format-title">
            <h2 id="format-title">"Submission format"</h2>
            <p>
                "One row per test sample with two columns: " <code>"sample_id"</code> " and " <code>"model"</code>
                " (a model id or its display name). This benchmark has " {n_test} " test samples; every one must appear exactly once, in any order. "
                "Rows for train or dev samples are ignored and counted. An unknown sample id or model, a duplicate or a missing test sample rejects the file, and the message names the culprit and its line."
            </p>
            <p>"Formats follow the file extension: " <code>".csv"</code> ", " <code>".tsv"</code> ", " <code>".json"</code> " (an array of objects), " <code>".jsonl"</code> " (one object per line)."</p>
            <pre><code>{format!("sample_id,model\n{example_id},{}\n…", example_model.0)}</code></pre>
            <pre><code>{format!("{{\"sample_id\": \"{example_id}\", \"model\": \"{}\"}}", example_model.1)}</code></pre>
            <p><button type="button" id="download-template" on:click=template>"Download a template CSV"</button>" (every test sample, routed to the cheapest model on average: replace the model column with your router's choices)."</p>
            <details>
                <summary>"Models of this benchmark"</summary>
                <ul class="models">{models}</ul>
            </details>
        </section>
    }
}
