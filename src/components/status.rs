//! Where loading stands (or why it failed) and where the numbers come from.

use std::sync::Arc;

use leptos::prelude::*;
use vlrb_board::{BoardHead, SnapshotOrigin};
use vlrb_core::bundle::PROTOCOL_VERSION;

use crate::state::{Phase, use_app_state};

/// Loading progress, or the reason nothing can be shown.
#[component]
pub fn Status() -> impl IntoView {
    let state = use_app_state();
    move || {
        // While a snapshot of the board is on screen, loading is said by the board's source line
        // and to screen readers only, so the board does not move when it is done.
        let phase = state.phase.get();
        let origin = state.snapshot.with(|s| s.as_ref().map(|s| s.origin));
        if let Some(origin) = origin
            && !matches!(phase, Phase::Failed(_))
        {
            let text = match origin {
                SnapshotOrigin::Site => {
                    "Showing the board as scored when this site was built; re-scoring it from the bundle…"
                }
                SnapshotOrigin::LastVisit => {
                    "Showing the board of your last visit; re-scoring it from the bundle…"
                }
            };
            return view! { <span class="visually-hidden" role="status">{text}</span> }.into_any();
        }
        match phase {
        Phase::Index => view! { <p class="status" role="status">"Loading the list of benchmarks…"</p> }.into_any(),
        Phase::Downloading { received, total } => {
            let mb = |b: u64| format!("{:.1} MB", b as f64 / 1e6);
            let text = match total {
                Some(t) => format!("Downloading the benchmark bundle: {} of {}", mb(received), mb(t)),
                None => format!("Downloading the benchmark bundle: {}", mb(received)),
            };
            view! {
                <div class="status" role="status">
                    <p>{text}</p>
                    <progress max=total.unwrap_or(0).max(1) as f64 value=received as f64></progress>
                </div>
            }
            .into_any()
        }
        Phase::Decoding => view! {
            <div class="status" role="status"><p>"Checking and decoding the bundle…"</p><progress></progress></div>
        }
        .into_any(),
        Phase::Ready => view! { <span class="visually-hidden" role="status">"Leaderboard ready"</span> }.into_any(),
        Phase::Failed(message) => view! {
            <div class="error-box" role="alert" id="load-error">
                <strong>"The benchmark could not be loaded. "</strong>
                <span>{message}</span>
            </div>
        }
        .into_any(),
    }
    }
}

/// The data's provenance as a compact banner: whether it is synthetic or real, always visible;
/// the full notice, source, licence, size, checksum and protocol on demand; and the submissions
/// that could not be shown.
#[component]
pub fn Provenance(
    /// The benchmark on screen.
    head: Arc<BoardHead>,
) -> impl IntoView {
    let state = use_app_state();
    let p = head.provenance.clone();
    let synthetic = head.synthetic;
    let splits = head.splits;
    let summary = format!(
        "{} samples ({} train, {} dev, {} test) x {} models, {} dataset{}",
        splits.total(),
        splits.train,
        splits.dev,
        splits.test,
        head.models.len(),
        head.datasets.len(),
        if head.datasets.len() == 1 { "" } else { "s" }
    );
    let extra_errors = move || {
        state
            .extra_errors
            .get()
            .into_iter()
            .map(|e| view! { <li>{e}</li> })
            .collect_view()
    };
    // One compact, always-visible line (the synthetic or real notice and the title); the full
    // notice, source, licence, checksum and protocol on demand.
    let notice = if synthetic {
        view! {
            <p class="banner-line" id="synthetic-banner">
                <strong>"Synthetic data: "</strong>
                "not the paper's results; do not cite these numbers."
            </p>
        }
        .into_any()
    } else {
        view! {
            <p class="banner-line" id="real-banner">
                <strong>"Real data: "</strong>"real models answered real questions."
            </p>
        }
        .into_any()
    };
    let long_notice = if synthetic {
        "This benchmark was generated to have VL-RouterBench's shape and to match its few published headline figures. Its numbers are not the paper's results and must not be cited as such."
    } else {
        "Real models answered real questions; the source and licence are below."
    };
    view! {
        <section
            class="provenance banner"
            class:synthetic=synthetic
            class:real=!synthetic
            role="note"
            aria-labelledby="about-data"
        >
            {notice}
            <details class="about-data">
                <summary>
                    "About this data" <span class="summary-hint">": source, licence, checksum"</span>
                </summary>
                <h2 id="about-data">{head.title.clone()}</h2>
                <p>{long_notice}</p>
                <dl class="facts">
                    <dt>"Source"</dt><dd id="data-source">{p.source.clone()}</dd>
                    <dt>"Licence"</dt><dd id="data-licence">{head.licence.clone()}</dd>
                    {(!p.attribution.is_empty()).then(|| view! { <dt>"Attribution"</dt><dd>{p.attribution.clone()}</dd> })}
                    <dt>"Size"</dt><dd>{summary}</dd>
                    <dt>"Bundle SHA-256"</dt><dd><code id="bundle-sha256" class="hash">{head.sha256.clone()}</code></dd>
                    <dt>"Protocol"</dt><dd id="protocol-version">{PROTOCOL_VERSION}</dd>
                    {(!p.notes.is_empty()).then(|| view! { <dt>"Notes"</dt><dd>{p.notes.clone()}</dd> })}
                </dl>
            </details>
            <ul class="error-list" id="submission-errors">{extra_errors}</ul>
        </section>
    }
}
