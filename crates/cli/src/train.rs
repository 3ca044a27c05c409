//! `vlrb train`: trains a router on a bundle's features natively (the sandbox's CLI twin) and
//! prints its test metrics; `--out` writes the test predictions in the upload format.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use serde_json::json;
use vlrb_core::model::Modality;
use vlrb_core::predictions::to_csv;
use vlrb_core::routers::compute::{Compute, Cpu};
use vlrb_core::routers::features::Fusion;
use vlrb_core::routers::{self, Control, Data, RouterKind, TrainConfig};
use vlrb_core::scenario::Scenario;
use vlrb_core::soft_labels::{lambda_text, parse_lambda};

/// Arguments of `vlrb train`.
#[derive(Args)]
pub struct TrainArgs {
    /// Bundle file.
    bundle: PathBuf,
    /// Router: linear, mlp, knn, prknn, ovr or prototype.
    #[arg(long, value_parser = parse_router)]
    router: RouterKind,
    /// Fixed lambda (a number or `inf`); without it the grid {0,10,100,1000,10000,inf} is swept
    /// and lambda chosen on dev.
    #[arg(long, value_parser = parse_lambda)]
    lambda: Option<f64>,
    /// Soft-label cost scale (default: 1 for linear, 100 for mlp).
    #[arg(long)]
    cost_scale: Option<f64>,
    /// Features: text, image or concat (Normalize-Concat). Default: concat when the bundle has
    /// text and image embeddings, else the one modality it has.
    #[arg(long, value_parser = parse_fusion)]
    features: Option<Fusion>,
    /// MLP hidden sizes, comma-separated (default: the light 256; the paper's is 2048,1024).
    #[arg(long, value_delimiter = ',')]
    hidden: Option<Vec<usize>>,
    /// Seed of initialisation and shuffling.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Cap on epochs (protocol defaults otherwise).
    #[arg(long)]
    epochs: Option<usize>,
    /// Compute backend: cpu (default) or gpu (wgpu).
    #[arg(long, default_value = "cpu", value_parser = ["cpu", "gpu"])]
    backend: String,
    /// Write the test predictions (CSV, upload format) here.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print JSON only on stdout.
    #[arg(long)]
    json: bool,
    /// Train on a what-if view: the router sees only the pool's models, at these prices.
    #[command(flatten)]
    what_if: crate::score::WhatIfArgs,
}

fn parse_router(text: &str) -> Result<RouterKind, String> {
    RouterKind::parse(text).ok_or_else(|| {
        format!("unknown router {text:?}; expected linear, mlp, knn, prknn, ovr or prototype")
    })
}

fn parse_fusion(text: &str) -> Result<Fusion, String> {
    Fusion::parse(text)
        .ok_or_else(|| format!("unknown features {text:?}; expected text, image or concat"))
}

/// The features a bundle supports by default: Normalize-Concat when it has both modalities, else
/// the one it has (a text-only bundle trains on text); concat when it has none, whose error then
/// says what is missing.
fn default_fusion(bench: &vlrb_core::Benchmark) -> Fusion {
    let has = |m: Modality| bench.embedding_of(m).is_some();
    match (has(Modality::Text), has(Modality::Vision)) {
        (true, false) => Fusion::Text,
        (false, true) => Fusion::Image,
        _ => Fusion::Concat,
    }
}

/// Runs `vlrb train`.
pub fn run(args: TrainArgs) -> Result<(), String> {
    let (bench, _) = crate::load(&args.bundle)?;
    let scenario = crate::score::scenario(Arc::new(bench), &args.what_if)?;
    // Under a pool (or edited prices) the router trains on the view's benchmark: the pool's
    // columns, the view's costs and bounds; its picks are mapped back to the benchmark's columns.
    let restricted = (!scenario.is_published()).then(|| scenario.restricted());
    let bench = restricted.as_ref().unwrap_or(scenario.bench());
    let fusion = args.features.unwrap_or_else(|| default_fusion(bench));
    let data = Data::prepare(bench, fusion).map_err(|e| e.to_string())?;
    let mut config = TrainConfig::new(args.router);
    config.lambda = args.lambda;
    config.cost_scale = args.cost_scale;
    config.seed = args.seed;
    config.max_epochs = args.epochs;
    if let Some(hidden) = args.hidden {
        config.hidden = hidden;
    }
    match args.backend.as_str() {
        "gpu" => {
            let mut gpu = vlrb_gpu::Gpu::new_blocking().map_err(|e| format!("gpu backend: {e}"))?;
            let result = train_with(&data, &scenario, &config, &mut gpu, &args.out, args.json);
            match gpu.failure() {
                Some(failure) => Err(format!("gpu backend: {failure}")),
                None => result,
            }
        }
        _ => train_with(
            &data,
            &scenario,
            &config,
            &mut Cpu::new(),
            &args.out,
            args.json,
        ),
    }
}

fn train_with<C: Compute>(
    data: &Data,
    scenario: &Scenario,
    config: &TrainConfig,
    compute: &mut C,
    out: &Option<PathBuf>,
    json: bool,
) -> Result<(), String> {
    let started = Instant::now();
    // The routers' futures are ready at once natively (the GPU backend blocks on its reads).
    let outcome = pollster::block_on(routers::train(data, config, compute, &mut |p| {
        if p.epoch == 1 || p.epoch % 10 == 0 {
            // Routers without a lambda (PRkNN, OVR) or a loss (kNN) report NaN there.
            let loss = if p.loss.is_nan() {
                "-".to_owned()
            } else {
                format!("{:.5}", p.loss)
            };
            eprintln!(
                "lambda {:>7} epoch {:>3} loss {loss:>8} dev rank score {:.2}",
                lambda_text(p.lambda),
                p.epoch,
                100.0 * p.dev_rank_score
            );
        }
        Control::Continue
    }))
    .map_err(|e| e.to_string())?;
    let train_seconds = started.elapsed().as_secs_f64();
    let clock_start = Instant::now();
    let throughput = pollster::block_on(routers::throughput(
        &outcome.model,
        compute,
        data,
        &mut || clock_start.elapsed().as_secs_f64(),
    ));
    // In the benchmark's columns (the identity without a pool).
    let test = scenario.widen(&outcome.test);
    let bench = scenario.bench();
    if let Some(path) = out {
        std::fs::write(path, to_csv(bench, &test))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    // The view's scoring (for the benchmark as published, exactly `evaluate`).
    let scored = scenario
        .evaluate(&test)
        .map_err(|e| format!("cannot score the test picks: {e}"))?;
    let evaluation = scored.evaluation();
    let lambda = match outcome.lambda {
        Some(l) if l.is_infinite() => json!("inf"),
        Some(l) => json!(l),
        None => json!(null),
    };
    if json {
        // The same fields as `vlrb eval --json` (optimality and picks per model included), under
        // the view (`--pool`, `--prices`) it trained on.
        let mut doc = crate::score::entry_json(scenario, &scored, 0, None);
        doc["router"] = json!(outcome.router.as_str());
        doc["lambda"] = lambda;
        doc["cost_scale"] = json!(outcome.cost_scale);
        doc["features"] = json!(data.fusion.as_str());
        doc["backend"] = json!(outcome.backend);
        doc["seed"] = json!(config.seed);
        doc["epochs"] = json!(outcome.epochs);
        doc["dev_rank_score"] = json!(outcome.dev.rank_score);
        doc["train_seconds"] = json!(train_seconds);
        doc["throughput"] = json!(throughput);
        doc["sweep"] =
            json!(outcome
            .sweep
            .iter()
            .map(|p| json!({
                "lambda": if p.lambda.is_infinite() { json!("inf") } else { json!(p.lambda) },
                "dev_rank_score": p.dev.rank_score,
                "test": p.test,
            }))
            .collect::<Vec<_>>());
        println!("{doc}");
    } else {
        let label = format!("{} (lambda {})", outcome.router.as_str(), lambda);
        crate::print_table(bench, &[(label, evaluation)]);
        eprintln!(
            "backend {}; trained in {train_seconds:.2} s; dev rank score {:.2}; throughput {:.1} K tokens/s (batch {})",
            outcome.backend,
            100.0 * outcome.dev.rank_score,
            throughput.k_tokens_per_s,
            throughput.batch_size
        );
    }
    Ok(())
}
