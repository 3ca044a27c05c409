//! The routing distribution of a row: how many test samples it sends to each model, as a compact
//! stacked bar (each segment names its model and count on hover and focus).

use leptos::prelude::*;
use vlrb_board::ModelLabel;
use vlrb_board::markup::{routing_label, routing_segments};

/// The stacked bar of `picks` (samples per model column of `models`); models with no sample have
/// no segment. `name` names the row in the bar's label. (The board's rows write the same bar into
/// their markup: `vlrb_board::markup::routing_bar`.)
#[component]
pub fn DistributionBar(
    /// The model columns.
    models: std::sync::Arc<[ModelLabel]>,
    /// Samples sent to each model column.
    picks: Vec<usize>,
    /// The row's name (for the accessible label).
    name: String,
) -> impl IntoView {
    let label = routing_label(&models, &picks, &name);
    // Written as one markup string: one call per bar instead of several per segment.
    let markup = routing_segments(&models, &picks);
    view! { <div class="dist" role="group" aria-label=label inner_html=markup></div> }
}
