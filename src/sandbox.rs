//! The router sandbox's training job: the request the page sends to the training worker, the
//! messages the worker sends back, and the training itself (the core's routers, exactly what
//! `vlrb train` runs natively, on WebGPU through `vlrb-gpu` or on the CPU), so that the worker
//! binary is only message glue. No DOM here.

use serde::{Deserialize, Serialize};
use vlrb_core::model::Benchmark;
use vlrb_core::routers::compute::{Compute, Cpu};
use vlrb_core::routers::features::Fusion;
use vlrb_core::routers::{self, Control, Data, RouterKind, TrainConfig};
use vlrb_core::soft_labels::{lambda_text, parse_lambda};
use vlrb_gpu::Gpu;

/// The script that starts the training worker (`www/train-worker.js`, copied by Trunk).
pub const WORKER_SCRIPT: &str = "train-worker.js";

/// What to train: the settings of `vlrb train`, and the bundle to train on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainRequest {
    /// Same-origin URL of the bundle (the worker fetches it; the browser cache has it).
    pub bundle_url: String,
    /// SHA-256 the page scored against: the worker refuses another bundle.
    pub bundle_sha256: String,
    /// Router name as `vlrb train --router` takes it.
    pub router: String,
    /// Features as `vlrb train --features` takes them.
    pub features: String,
    /// Fixed lambda (`vlrb train --lambda`: a number or `inf`); `None` sweeps the grid.
    pub lambda: Option<String>,
    /// Soft-label cost scale; `None` is the router's protocol default.
    pub cost_scale: Option<f64>,
    /// Seed of initialisation and shuffling.
    pub seed: u64,
    /// Cap on epochs; `None` is the protocol's.
    pub epochs: Option<usize>,
    /// `webgpu` (falls back to the CPU when WebGPU is missing or fails) or `cpu`.
    pub backend: String,
}

/// One point of a lambda sweep: dev selection score and the test metrics of its checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepResult {
    /// Lambda as text (`inf` for hard labels).
    pub lambda: String,
    /// Dev Rank Score (fraction) of the selected checkpoint.
    pub dev_rank_score: f64,
    /// Test Average Accuracy (fraction).
    pub accuracy: f64,
    /// Test Average Cost, USD per sample.
    pub avg_cost: f64,
    /// Test Rank Score (fraction).
    pub rank_score: f64,
    /// Test picks (model column per test row, in row order), re-scored by the page.
    pub picks: Vec<u16>,
}

/// A finished run: the test picks (re-scored by the page's evaluator) and how they were obtained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainResult {
    /// The request it answers.
    pub request: TrainRequest,
    /// Chosen lambda as text (`-` for routers without soft labels).
    pub lambda: String,
    /// Epochs run for the chosen setting.
    pub epochs: usize,
    /// Wall seconds of training (all lambdas).
    pub seconds: f64,
    /// Decision throughput, thousands of tokens per second (protocol 2.3).
    pub k_tokens_per_s: f64,
    /// The backend that ran the heavy steps (`WebGPU: <adapter>` or the CPU).
    pub backend: String,
    /// Why the CPU ran although WebGPU was asked for (missing adapter, device lost).
    pub fallback: Option<String>,
    /// The trained router as JSON (settings, feature scaler, parameters), for download.
    pub weights_json: String,
    /// Model column per test row, in row order.
    pub picks: Vec<u16>,
    /// Every lambda tried (one entry when lambda was fixed or unused).
    pub sweep: Vec<SweepResult>,
}

/// What the worker posts to the page (JSON text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WorkerMessage {
    /// The worker's wasm is initialised and listens: the page sends its request now.
    Ready,
    /// A stage before training (download, decode, features).
    Stage {
        /// What is happening.
        text: String,
    },
    /// One epoch done.
    Progress {
        /// Lambda being trained (`-` when the router has none).
        lambda: String,
        /// Epoch, 1-based.
        epoch: usize,
        /// Mean training loss (`None` for routers without one).
        loss: Option<f64>,
        /// Dev Rank Score (fraction) after the epoch.
        dev_rank_score: f64,
    },
    /// Training finished.
    Done(Box<TrainResult>),
    /// Training could not run: the reason, naming the culprit.
    Failed {
        /// The message shown next to the sandbox.
        message: String,
    },
}

/// The leaderboard row name of a finished run.
pub fn entry_name(result: &TrainResult) -> String {
    let r = &result.request;
    format!(
        "{} {} λ={} seed {} (trained here)",
        r.router, r.features, result.lambda, r.seed
    )
}

/// The CPU backend's name in the page.
const CPU_BACKEND: &str = "CPU (WebAssembly, in a Web Worker)";

/// Trains `request` on `bench`, reporting every epoch; `clock` returns seconds (for the throughput
/// measurement). With `backend: "webgpu"` the heavy steps run on WebGPU; when the browser has no
/// adapter, or the device is lost or fails during training, the run says so and (re)trains on the
/// CPU path.
pub async fn run(
    bench: &Benchmark,
    request: &TrainRequest,
    clock: &mut dyn FnMut() -> f64,
    report: &mut dyn FnMut(WorkerMessage),
) -> Result<TrainResult, String> {
    let router = RouterKind::parse(&request.router).ok_or_else(|| {
        format!(
            "unknown router {}; expected linear, mlp, knn, prknn, ovr or prototype",
            request.router
        )
    })?;
    let fusion = Fusion::parse(&request.features).ok_or_else(|| {
        format!(
            "unknown features {}; expected text, image or concat",
            request.features
        )
    })?;
    let mut config = TrainConfig::new(router);
    config.lambda = request.lambda.as_deref().map(parse_lambda).transpose()?;
    config.cost_scale = request.cost_scale;
    config.seed = request.seed;
    config.max_epochs = request.epochs;
    report(WorkerMessage::Stage {
        text: format!("preparing {} features", fusion.as_str()),
    });
    let data = Data::prepare(bench, fusion).map_err(|e| e.to_string())?;
    let fallback = match request.backend.as_str() {
        "cpu" => None,
        "webgpu" => {
            report(WorkerMessage::Stage {
                text: "opening WebGPU and compiling the kernels".to_owned(),
            });
            match Gpu::new().await {
                Ok(mut gpu) => {
                    let backend = format!("WebGPU: {}", gpu.adapter_name());
                    let result =
                        train_on(&data, &config, &mut gpu, backend, request, clock, report).await;
                    match gpu.failure() {
                        None => return result,
                        Some(failure) => Some(format!(
                            "WebGPU failed during training ({failure}); retrained on the CPU"
                        )),
                    }
                }
                Err(e) => Some(format!("WebGPU is unavailable ({e}); trained on the CPU")),
            }
        }
        other => {
            return Err(format!("unknown backend {other}; expected webgpu or cpu"));
        }
    };
    if let Some(text) = &fallback {
        report(WorkerMessage::Stage { text: text.clone() });
    }
    let backend = CPU_BACKEND.to_owned();
    let mut result = train_on(
        &data,
        &config,
        &mut Cpu::new(),
        backend,
        request,
        clock,
        report,
    )
    .await?;
    result.fallback = fallback;
    Ok(result)
}

/// Trains on one backend and measures throughput there.
async fn train_on<C: Compute>(
    data: &Data<'_>,
    config: &TrainConfig,
    compute: &mut C,
    backend: String,
    request: &TrainRequest,
    clock: &mut dyn FnMut() -> f64,
    report: &mut dyn FnMut(WorkerMessage),
) -> Result<TrainResult, String> {
    let started = clock();
    let outcome = routers::train(data, config, compute, &mut |p| {
        report(WorkerMessage::Progress {
            lambda: lambda_text(p.lambda),
            epoch: p.epoch,
            loss: (!p.loss.is_nan()).then_some(p.loss),
            dev_rank_score: p.dev_rank_score,
        });
        Control::Continue
    })
    .await
    .map_err(|e| e.to_string())?;
    let seconds = clock() - started;
    let throughput = routers::throughput(&outcome.model, compute, data, clock).await;
    let weights = serde_json::json!({
        "router": outcome.router,
        "features": data.fusion.as_str(),
        "lambda": outcome.lambda.map(lambda_text),
        "cost_scale": outcome.cost_scale,
        "seed": config.seed,
        "bundle_sha256": request.bundle_sha256,
        "backend": backend,
        "scaler": data.scaler,
        "model": outcome.model,
    });
    Ok(TrainResult {
        request: request.clone(),
        lambda: outcome.lambda.map_or_else(|| "-".to_owned(), lambda_text),
        epochs: outcome.epochs,
        seconds,
        k_tokens_per_s: throughput.k_tokens_per_s,
        backend,
        fallback: None,
        weights_json: weights.to_string(),
        picks: outcome.test.picks.iter().map(|&j| j as u16).collect(),
        sweep: outcome
            .sweep
            .iter()
            .map(|p| SweepResult {
                lambda: lambda_text(p.lambda),
                dev_rank_score: p.dev.rank_score,
                accuracy: p.test.accuracy,
                avg_cost: p.test.avg_cost,
                rank_score: p.test.rank_score,
                picks: p.test_picks.iter().map(|&j| j as u16).collect(),
            })
            .collect(),
    })
}

/// One epoch's dev score on the live chart.
#[derive(Debug, Clone, PartialEq)]
pub struct CurvePoint {
    /// Lambda being trained, as text.
    pub lambda: String,
    /// Dev Rank Score (fraction) after the epoch.
    pub dev_rank_score: f64,
}

/// The live training chart as SVG text: dev Rank Score (x100) after each epoch, in training order,
/// one line per lambda, labelled.
pub fn progress_svg(points: &[CurvePoint]) -> String {
    let (w, h, pad) = (480.0, 150.0, 28.0);
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" class="progress-chart">"#
    );
    if points.is_empty() {
        svg.push_str("</svg>");
        return svg;
    }
    let scores: Vec<f64> = points.iter().map(|p| 100.0 * p.dev_rank_score).collect();
    let lo = scores.iter().copied().fold(f64::INFINITY, f64::min).floor() - 1.0;
    let hi = scores
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max)
        .ceil()
        + 1.0;
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / (points.len().max(2) - 1) as f64;
    let y = |v: f64| h - pad - (h - 2.0 * pad) * (v - lo) / (hi - lo);
    svg.push_str(&format!(
        r#"<line x1="{pad}" y1="{0}" x2="{1}" y2="{0}" class="axis"/><text x="{pad}" y="{2}" class="tick">{hi:.0}</text><text x="{pad}" y="{3}" class="tick">{lo:.0}</text><text x="{4}" y="{3}" class="tick" text-anchor="end">dev Rank Score by epoch</text>"#,
        h - pad,
        w - pad,
        pad - 8.0,
        h - 8.0,
        w - pad,
    ));
    let mut start = 0;
    while start < points.len() {
        let end = (start..points.len())
            .find(|&i| points[i].lambda != points[start].lambda)
            .unwrap_or(points.len());
        let line: Vec<String> = (start..end)
            .map(|i| format!("{:.1},{:.1}", x(i), y(scores[i])))
            .collect();
        svg.push_str(&format!(
            r#"<polyline points="{}" class="curve"/><text x="{:.1}" y="{:.1}" class="tick">λ={}</text>"#,
            line.join(" "),
            x(start),
            y(scores[start]) - 6.0,
            points[start].lambda
        ));
        if end - start == 1 {
            // A one-epoch line has no length: mark its point.
            svg.push_str(&format!(
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" class="dot"/>"#,
                x(start),
                y(scores[start])
            ));
        }
        start = end;
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn progress_chart_draws_one_line_per_lambda() {
        let pts: Vec<CurvePoint> = [("0", 0.5), ("0", 0.6), ("10", 0.55), ("10", 0.7)]
            .into_iter()
            .map(|(l, s)| CurvePoint {
                lambda: l.into(),
                dev_rank_score: s,
            })
            .collect();
        let svg = progress_svg(&pts);
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("λ=10"));
        assert_eq!(progress_svg(&[]).matches("<polyline").count(), 0);
        assert_eq!(svg.matches("<circle").count(), 0);
        let single = progress_svg(&pts[..1]);
        assert_eq!(single.matches("<circle").count(), 1, "{single}");
    }

    #[wasm_bindgen_test]
    fn messages_survive_json() {
        let m = WorkerMessage::Progress {
            lambda: "inf".into(),
            epoch: 3,
            loss: None,
            dev_rank_score: 0.5,
        };
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<WorkerMessage>(&text).unwrap(), m);
    }

    #[wasm_bindgen_test]
    async fn bad_settings_name_the_culprit() {
        let bench = crate::testing::fixture();
        let mut request = TrainRequest {
            bundle_url: String::new(),
            bundle_sha256: String::new(),
            router: "forest".into(),
            features: "concat".into(),
            lambda: None,
            cost_scale: None,
            seed: 42,
            epochs: Some(2),
            backend: "cpu".into(),
        };
        let mut clock = || 0.0;
        let err = run(&bench, &request, &mut clock, &mut |_| {})
            .await
            .unwrap_err();
        assert!(err.contains("forest"), "{err}");
        request.router = "linear".into();
        request.lambda = Some("lots".into());
        let err = run(&bench, &request, &mut clock, &mut |_| {})
            .await
            .unwrap_err();
        assert!(err.contains("lots"), "{err}");
    }

    #[wasm_bindgen_test]
    async fn knn_run_routes_every_test_sample_and_reports_progress() {
        let bench = crate::testing::fixture();
        let request = TrainRequest {
            bundle_url: String::new(),
            bundle_sha256: String::new(),
            router: "knn".into(),
            features: "concat".into(),
            lambda: None,
            cost_scale: None,
            seed: 42,
            epochs: None,
            backend: "cpu".into(),
        };
        let mut t = 0.0;
        let mut clock = || {
            t += 0.001;
            t
        };
        let mut stages = 0;
        let result = run(&bench, &request, &mut clock, &mut |m| {
            if matches!(
                m,
                WorkerMessage::Stage { .. } | WorkerMessage::Progress { .. }
            ) {
                stages += 1;
            }
        })
        .await
        .unwrap();
        assert!(stages >= 2);
        let n_test = bench.samples.rows_in(vlrb_core::Split::Test).len();
        assert_eq!(result.picks.len(), n_test);
        assert!(
            result
                .picks
                .iter()
                .all(|&j| (j as usize) < bench.num_models())
        );
        assert_eq!(result.sweep.len(), 1);
    }
}
