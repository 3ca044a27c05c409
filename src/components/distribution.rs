//! The routing distribution of a row: how many test samples it sends to each model, as a compact
//! stacked bar (each segment names its model and count on hover and focus).

use leptos::prelude::*;
use vlrb_core::model::Benchmark;

/// A model's segment colour: hues spread around the wheel by column, mid-tones readable on both
/// themes.
fn colour(column: usize) -> String {
    let hue = (column * 137) % 360;
    format!("hsl({hue} 55% 52%)")
}

/// The stacked bar of `picks` (samples per model column of `bench`); models with no sample have
/// no segment. `id` names the row in the bar's label.
#[component]
pub fn DistributionBar(
    /// The benchmark whose models the columns are.
    bench: std::sync::Arc<Benchmark>,
    /// Samples sent to each model column.
    picks: Vec<usize>,
    /// The row's name (for the accessible label).
    name: String,
) -> impl IntoView {
    let total: usize = picks.iter().sum();
    let segments: Vec<(usize, usize)> = picks
        .iter()
        .copied()
        .enumerate()
        .filter(|&(_, n)| n > 0)
        .collect();
    let summary = segments
        .iter()
        .map(|&(j, n)| format!("{} {n}", bench.models[j].name))
        .collect::<Vec<_>>()
        .join(", ");
    let label = format!("Routing of {name}: {summary}");
    view! {
        <div class="dist" role="group" aria-label=label>
            {segments.into_iter().map(|(j, n)| {
                let share = n as f64 / total.max(1) as f64;
                let label = format!("{}: {n} samples ({:.1}%)", bench.models[j].name, share * 100.0);
                view! {
                    <span
                        class="seg"
                        tabindex="0"
                        data-model=bench.models[j].id.clone()
                        data-count=n
                        title=label.clone()
                        aria-label=label
                        style=format!("width:{:.3}%;background:{}", share * 100.0, colour(j))
                    ></span>
                }
            }).collect_view()}
        </div>
    }
}
