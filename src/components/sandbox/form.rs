//! The sandbox form: router, features, lambda (grid, custom or log-scale slider), cost scale,
//! seed, epochs, backend, and the Train / Sweep / Stop buttons.

use leptos::prelude::*;
use vlrb_core::soft_labels::{LAMBDA_GRID, lambda_text, parse_lambda};
use vlrb_sandbox::{Lambda, TrainForm};

use crate::state::training::Training;

/// The lambda select's value for a custom lambda (typed or from the slider).
const CUSTOM: &str = "custom";

/// The form's fields as typed, `Copy` so handlers can capture them.
#[derive(Clone, Copy)]
pub struct Fields {
    router: RwSignal<String>,
    features: RwSignal<String>,
    /// `sweep`, a grid value, or `custom`.
    lambda: RwSignal<String>,
    custom_lambda: RwSignal<String>,
    cost_scale: RwSignal<String>,
    seed: RwSignal<String>,
    epochs: RwSignal<String>,
    /// `webgpu` or `cpu`.
    pub backend: RwSignal<String>,
}

impl Fields {
    /// The fields filled from `initial`; features fall back to the first of `feature_options`.
    pub fn new(initial: &TrainForm, feature_options: &[(&'static str, &'static str)]) -> Fields {
        let grid_texts: Vec<String> = LAMBDA_GRID.iter().map(|&l| lambda_text(l)).collect();
        let (lambda_mode, custom_text) =
            if initial.lambda == Lambda::SWEEP || grid_texts.contains(&initial.lambda) {
                (initial.lambda.clone(), String::new())
            } else {
                (CUSTOM.to_owned(), initial.lambda.clone())
            };
        let features = feature_options
            .iter()
            .find(|f| f.0 == initial.features)
            .or(feature_options.first())
            .map_or("text", |f| f.0)
            .to_owned();
        Fields {
            router: RwSignal::new(initial.router.clone()),
            features: RwSignal::new(features),
            lambda: RwSignal::new(lambda_mode),
            custom_lambda: RwSignal::new(custom_text),
            cost_scale: RwSignal::new(initial.cost_scale.clone()),
            seed: RwSignal::new(initial.seed.clone()),
            epochs: RwSignal::new(initial.epochs.clone()),
            backend: RwSignal::new(initial.backend.clone()),
        }
    }

    /// The lambda setting as text: `sweep`, a grid value, or the custom value.
    fn chosen_lambda(&self) -> String {
        match self.lambda.get().as_str() {
            CUSTOM => self.custom_lambda.get().trim().to_owned(),
            mode => mode.to_owned(),
        }
    }

    /// The form's values (trimmed), read without tracking.
    pub fn form(&self) -> TrainForm {
        untrack(|| TrainForm {
            router: self.router.get(),
            features: self.features.get(),
            lambda: self.chosen_lambda(),
            cost_scale: self.cost_scale.get().trim().to_owned(),
            seed: self.seed.get().trim().to_owned(),
            epochs: self.epochs.get().trim().to_owned(),
            backend: self.backend.get(),
        })
    }

    /// Lambda and cost scale apply only to the soft-label routers (their fields are disabled for
    /// the others, but keep what was typed).
    fn uses_lambda(&self) -> bool {
        vlrb_sandbox::form::uses_lambda(&self.router.get())
    }
}

/// Lambda at a position of the log-scale slider (10^position, three significant digits).
fn slider_lambda(position: f64) -> String {
    let value: f64 = format!("{:.2e}", 10f64.powf(position))
        .parse()
        .unwrap_or(1.0);
    lambda_text(value)
}

/// The sandbox form.
#[component]
pub fn SandboxForm(
    fields: Fields,
    feature_options: Vec<(&'static str, &'static str)>,
    training: Training,
) -> impl IntoView {
    let Fields {
        router,
        features,
        lambda,
        custom_lambda,
        cost_scale,
        seed,
        epochs,
        backend,
    } = fields;
    let uses_lambda = move || fields.uses_lambda();
    let sweeping = move || uses_lambda() && lambda.get() == Lambda::SWEEP;
    let running = training.running;
    let invalid = training.invalid;
    // `aria-invalid` and the message beside the field that stopped the last start.
    let bad = move |key: &'static str| {
        move || {
            invalid
                .get()
                .is_some_and(|(k, _)| k == key)
                .then_some("true")
        }
    };
    let why = move |key: &'static str| {
        move || {
            invalid.get().filter(|(k, _)| *k == key).map(|(_, message)| {
                view! { <span class="field-error" id=format!("sandbox-{}-error", key.replace('_', "-"))>{message}</span> }
            })
        }
    };
    let train = move |_| training.start(fields.form());
    let sweep = move |_| {
        lambda.set(Lambda::SWEEP.to_owned());
        training.start(fields.form());
    };
    // The one Train button says what it will train.
    let train_label = move || {
        if !uses_lambda() {
            "Train".to_owned()
        } else if sweeping() {
            format!("Train the λ grid ({} runs, best on dev)", LAMBDA_GRID.len())
        } else {
            let chosen = fields.chosen_lambda();
            if chosen.is_empty() {
                "Train".to_owned()
            } else {
                format!("Train λ={chosen}")
            }
        }
    };
    let stop = move |_| training.stop();
    // The slider shows log10 of a custom lambda (or of a fixed grid value), 0 to 5.
    let slider_position = move || {
        parse_lambda(&fields.chosen_lambda())
            .ok()
            .filter(|l| *l > 0.0)
            .map_or(2.0, |l| l.log10().clamp(0.0, 5.0))
            .to_string()
    };
    view! {
        <div class="sandbox-form">
            <label>"Router"
                <select id="sandbox-router" prop:value=move || router.get() on:change=move |ev| router.set(event_target_value(&ev))>
                    <option value="mlp">"MLP (light)"</option>
                    <option value="linear">"Linear (softmax regression)"</option>
                    <option value="knn">"kNN (k=5, cosine)"</option>
                    <option value="prknn">"PRkNN (k=7, Copeland)"</option>
                    <option value="ovr">"OVR (one logistic per model)"</option>
                    <option value="prototype">"Prototype (K-means)"</option>
                </select>
            </label>
            <label>"Features"
                <select id="sandbox-features" prop:value=move || features.get() on:change=move |ev| features.set(event_target_value(&ev))>
                    {feature_options.iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect_view()}
                </select>
            </label>
            <label>"Lambda"
                <select id="sandbox-lambda" prop:disabled=move || !uses_lambda() prop:value=move || lambda.get() on:change=move |ev| lambda.set(event_target_value(&ev))>
                    <option value="sweep" title="Train each lambda of the grid below; keep the best on dev">"Sweep the grid"</option>
                    {LAMBDA_GRID.map(|l| {
                        let label = if l.is_infinite() { "∞ (cheapest correct)".to_owned() } else { lambda_text(l) };
                        view! { <option value=lambda_text(l)>{label}</option> }
                    }).collect_view()}
                    <option value="custom">"Custom…"</option>
                </select>
            </label>
            <label>{move || match parse_lambda(custom_lambda.get().trim()) {
                    Ok(_) if lambda.get() == CUSTOM => format!("λ = {} (log scale)", custom_lambda.get().trim()),
                    _ => "λ (log scale)".to_owned(),
                }}
                <input id="sandbox-lambda-slider" type="range" min="0" max="5" step="0.05" title=move || if sweeping() { "The sweep trains every λ of the grid; pick one λ above to use the slider" } else { "λ on a log scale, 1 to 100000" } prop:disabled=move || !uses_lambda() || sweeping() prop:value=slider_position on:input=move |ev| {
                    if let Ok(position) = event_target_value(&ev).parse::<f64>() {
                        lambda.set(CUSTOM.to_owned());
                        custom_lambda.set(slider_lambda(position));
                    }
                }/>
            </label>
            <label class:hidden=move || lambda.get() != CUSTOM>"Custom lambda"
                <input id="sandbox-custom-lambda" type="text" inputmode="decimal" placeholder="e.g. 250 or inf" aria-invalid=bad("lambda") prop:value=move || custom_lambda.get() on:input=move |ev| custom_lambda.set(event_target_value(&ev))/>
                {why("lambda")}
            </label>
            <label>"Cost scale"
                <input id="sandbox-cost-scale" type="text" inputmode="decimal" placeholder="router default" aria-invalid=bad("cost_scale") prop:disabled=move || !uses_lambda() prop:value=move || cost_scale.get() on:input=move |ev| cost_scale.set(event_target_value(&ev))/>
                {why("cost_scale")}
            </label>
            <label>"Seed"
                <input id="sandbox-seed" type="text" inputmode="numeric" aria-invalid=bad("seed") prop:value=move || seed.get() on:input=move |ev| seed.set(event_target_value(&ev))/>
                {why("seed")}
            </label>
            <label title="Empty trains the protocol's full schedule: 200 epochs (linear), 300 (MLP, OVR); kNN, PRkNN and prototype have none">"Max epochs (empty: protocol's 200/300)"
                <input id="sandbox-epochs" type="text" inputmode="numeric" placeholder="protocol: 200/300" aria-invalid=bad("epochs") prop:disabled=move || matches!(router.get().as_str(), "knn" | "prknn" | "prototype") prop:value=move || epochs.get() on:input=move |ev| epochs.set(event_target_value(&ev))/>
                {why("epochs")}
            </label>
            <label>"Backend"
                <select id="sandbox-backend-choice" prop:value=move || backend.get() on:change=move |ev| backend.set(event_target_value(&ev))>
                    <option value="webgpu">"WebGPU (CPU if unavailable)"</option>
                    <option value="cpu">"CPU"</option>
                </select>
            </label>
            <div class="sandbox-buttons">
                <button type="button" id="sandbox-train" prop:disabled=move || running.get() on:click=train>{train_label}</button>
                // Only offered when one λ is chosen: in sweep mode Train already sweeps.
                <button type="button" id="sandbox-sweep" class:hidden=move || !uses_lambda() || sweeping() title="Train every λ of the grid instead and draw the router's trade-off on the plot" prop:disabled=move || running.get() || !uses_lambda() on:click=sweep>"Sweep the λ grid instead"</button>
                <button type="button" id="sandbox-stop" prop:disabled=move || !running.get() on:click=stop>"Stop"</button>
            </div>
        </div>
    }
}
