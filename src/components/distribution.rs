//! The routing distribution of a row: how many test samples it sends to each model, as a compact
//! stacked bar (each segment names its model and count on hover and focus).

use leptos::prelude::*;
use vlrb_board::{ModelLabel, html_escape};

/// A model's segment colour: hues spread around the wheel by column, mid-tones readable on both
/// themes.
fn colour(column: usize) -> String {
    let hue = (column * 137) % 360;
    format!("hsl({hue} 55% 52%)")
}

/// The stacked bar of `picks` (samples per model column of `models`); models with no sample have
/// no segment. `name` names the row in the bar's label.
#[component]
pub fn DistributionBar(
    /// The model columns.
    models: std::sync::Arc<[ModelLabel]>,
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
        .map(|&(j, n)| format!("{} {n}", models[j].name))
        .collect::<Vec<_>>()
        .join(", ");
    let label = format!("Routing of {name}: {summary}");
    // Written as one markup string: a board has hundreds of segments, and one call per bar
    // instead of several per segment keeps the board's first render short.
    let markup: String = segments
        .into_iter()
        .map(|(j, n)| {
            let share = n as f64 / total.max(1) as f64;
            let model = &models[j];
            let title = html_escape(&format!(
                "{}: {n} samples ({:.1}%)",
                model.name,
                share * 100.0
            ));
            format!(
                r#"<span class="seg" tabindex="0" data-model="{}" data-count="{n}" title="{title}" aria-label="{title}" style="width:{:.3}%;background:{}"></span>"#,
                html_escape(&model.id),
                share * 100.0,
                colour(j)
            )
        })
        .collect();
    view! { <div class="dist" role="group" aria-label=label inner_html=markup></div> }
}
