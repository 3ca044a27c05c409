//! The training run: the core's routers, exactly what `vlrb train` runs natively, on WebGPU through
//! `vlrb-gpu` or on the CPU, so that the worker binary is only message glue.

use vlrb_core::model::Benchmark;
use vlrb_core::routers::compute::{Compute, Cpu};
use vlrb_core::routers::{self, Control, Data, TrainConfig};
use vlrb_core::soft_labels::lambda_text;
use vlrb_gpu::Gpu;

use crate::protocol::{Backend, SweepResult, TrainRequest, TrainResult, WorkerMessage};

/// The CPU backend's name in the page.
const CPU_BACKEND: &str = "CPU (WebAssembly, in a Web Worker)";

/// Why a run failed.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum RunError {
    /// The benchmark's features could not be prepared or the router could not train (the core's
    /// message names the culprit).
    #[error("{0}")]
    Core(#[from] vlrb_core::Error),
}

/// Trains `request` on `bench`, reporting every epoch; `clock` returns seconds (for the throughput
/// measurement). With [`Backend::WebGpu`] the heavy steps run on WebGPU; when the browser has no
/// adapter, or the device is lost or fails during training, the run says so and (re)trains on the
/// CPU path.
pub async fn run(
    bench: &Benchmark,
    request: &TrainRequest,
    clock: &mut dyn FnMut() -> f64,
    report: &mut dyn FnMut(WorkerMessage),
) -> Result<TrainResult, RunError> {
    let mut config = TrainConfig::new(request.router);
    config.lambda = request.lambda.value();
    config.cost_scale = request.cost_scale;
    config.seed = request.seed;
    config.max_epochs = request.epochs;
    report(WorkerMessage::Stage {
        text: format!("preparing {} features", request.features.as_str()),
    });
    let data = Data::prepare(bench, request.features)?;
    let fallback = match request.backend {
        Backend::Cpu => None,
        Backend::WebGpu => {
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
) -> Result<TrainResult, RunError> {
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
    .await?;
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
