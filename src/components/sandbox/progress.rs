//! The run's progress bar: which lambda of how many, which epoch of at most how many, and an
//! estimate of the time left.

use leptos::prelude::*;

use crate::state::training::RunProgress;

/// Seconds as `1 min 05 s` or `12 s`.
fn duration(seconds: f64) -> String {
    let s = seconds.round().max(0.0) as u64;
    if s >= 60 {
        format!("{} min {:02} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}

/// The progress bar of a running training.
#[component]
pub fn RunProgressBar(
    /// Where the run is.
    progress: RunProgress,
) -> impl IntoView {
    let percent = 100.0 * progress.fraction();
    let eta = progress.eta_seconds().map_or_else(
        || "estimating the time left".to_owned(),
        |s| format!("at most about {} left", duration(s)),
    );
    let text = format!(
        "λ={} · lambda {} of {} · epoch {} of at most {} · {eta}",
        progress.lambda,
        progress.lambda_index,
        progress.lambdas,
        progress.epoch,
        progress.max_epochs
    );
    view! {
        <div class="run-progress" id="sandbox-progress">
            <progress max="100" value=format!("{percent:.1}") aria-label="Training progress">{format!("{percent:.0}%")}</progress>
            <span class="run-progress-text">{text}</span>
        </div>
    }
}
