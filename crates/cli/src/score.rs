//! `vlrb info`, `vlrb eval` and `vlrb baselines`, with the what-if options `--pool` and `--prices`
//! (docs/protocol.md, "What-if views").

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use serde_json::{Value, json};
use vlrb_core::baselines::Baseline;
use vlrb_core::pool::Pool;
use vlrb_core::predictions::{parse_predictions, resolve};
use vlrb_core::prices::Prices;
use vlrb_core::scenario::{Scenario, Scored, ScoredEvaluation};
use vlrb_core::{Benchmark, Split};

/// Arguments of `vlrb info`.
#[derive(Args)]
pub struct InfoArgs {
    /// Bundle file.
    bundle: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// The what-if options shared by `eval` and `baselines`.
#[derive(Args)]
pub struct WhatIfArgs {
    /// Only these models may be picked: ids or display names, comma-separated, at least two.
    #[arg(long, value_name = "ID,ID,...")]
    pool: Option<String>,
    /// Recompute C from the bundle's token counts under these prices: CSV
    /// model,price_input_usd_per_mtok,price_output_usd_per_mtok (models not listed keep theirs).
    #[arg(long, value_name = "FILE")]
    prices: Option<PathBuf>,
}

/// Arguments of `vlrb eval`.
#[derive(Args)]
pub struct EvalArgs {
    /// Bundle file.
    bundle: PathBuf,
    /// Predictions file.
    predictions: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    what_if: WhatIfArgs,
}

/// Arguments of `vlrb baselines`.
#[derive(Args)]
pub struct BaselinesArgs {
    /// Bundle file.
    bundle: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    what_if: WhatIfArgs,
}

/// `vlrb info`.
pub fn info(args: InfoArgs) -> Result<(), String> {
    let (bench, hash) = crate::load(&args.bundle)?;
    print_info(&bench, &hash, args.json);
    Ok(())
}

/// `vlrb eval`: scores a predictions file on the test split under the what-if options.
pub fn eval(args: EvalArgs) -> Result<(), String> {
    let (bench, _) = crate::load(&args.bundle)?;
    let bench = Arc::new(bench);
    let predictions = &args.predictions;
    let bytes = std::fs::read(predictions)
        .map_err(|e| format!("cannot read {}: {e}", predictions.display()))?;
    let file_name = predictions
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let rows = parse_predictions(&bytes, &file_name).map_err(|e| e.to_string())?;
    let resolved = resolve(&bench, &rows).map_err(|e| format!("{}: {e}", predictions.display()))?;
    let scenario = scenario(bench, &args.what_if)?;
    let scored = scenario
        .evaluate(&resolved.routing)
        .map_err(|e| format!("{}: {e}", predictions.display()))?;
    // Only once scoring succeeded: an error stays the one message on stderr.
    if resolved.ignored_rows > 0 {
        eprintln!(
            "ignored {} rows for train/dev samples",
            resolved.ignored_rows
        );
    }
    if args.json {
        println!(
            "{}",
            entry_json(&scenario, &scored, resolved.ignored_rows, None)
        );
    } else {
        print_table(&scenario, &[(file_name, scored)]);
    }
    Ok(())
}

/// `vlrb baselines`: the five baselines over the pool, under the what-if options.
pub fn baselines(args: BaselinesArgs) -> Result<(), String> {
    let (bench, _) = crate::load(&args.bundle)?;
    let scenario = scenario(Arc::new(bench), &args.what_if)?;
    let mut results = Vec::with_capacity(Baseline::ALL.len());
    for baseline in Baseline::ALL {
        let routing = scenario.route(baseline);
        // Baselines choose among the pool's models only, so this cannot fail.
        let scored = scenario.evaluate(&routing).map_err(|e| e.to_string())?;
        results.push((baseline, routing.picks, scored));
    }
    if args.json {
        let doc: serde_json::Map<String, Value> = results
            .iter()
            .map(|(b, picks, scored)| {
                let entry = entry_json(&scenario, scored, 0, Some(picks));
                (b.name().to_owned(), entry)
            })
            .collect();
        println!("{}", Value::Object(doc));
    } else {
        let rows: Vec<(String, ScoredEvaluation)> = results
            .into_iter()
            .map(|(b, _, scored)| (b.name().to_owned(), scored))
            .collect();
        print_table(&scenario, &rows);
    }
    Ok(())
}

/// The view `--pool` and `--prices` ask for (the published benchmark without them).
pub(crate) fn scenario(bench: Arc<Benchmark>, args: &WhatIfArgs) -> Result<Scenario, String> {
    if args.pool.is_none() && args.prices.is_none() {
        return Ok(Scenario::published(bench));
    }
    let pool = match &args.pool {
        Some(list) => Pool::parse(&bench, list).map_err(|e| format!("--pool: {e}"))?,
        None => Pool::all(&bench),
    };
    let prices = match &args.prices {
        Some(path) => {
            let rows = vlrb_formats::real::read_prices_file(path).map_err(|e| e.to_string())?;
            let mut prices = Prices::published(&bench);
            prices
                .edit(&bench, rows.iter().map(|(key, p)| (key.as_str(), *p)))
                .map_err(|e| format!("{}: {e}", path.display()))?;
            Some(prices)
        }
        None => None,
    };
    Scenario::new(bench, pool, prices.as_ref()).map_err(|e| match &args.prices {
        Some(path) => format!("--prices {}: {e}", path.display()),
        None => e.to_string(),
    })
}

/// An `eval`-shaped JSON document: the plain fields of [`crate::evaluation_json`] plus, overall
/// and per dataset, the optimality metrics and `picks_per_model` over the pool's models.
pub(crate) fn entry_json(
    scenario: &Scenario,
    scored: &ScoredEvaluation,
    ignored_rows: usize,
    picks: Option<&[usize]>,
) -> Value {
    let mut doc = crate::evaluation_json(&scored.evaluation(), ignored_rows, picks);
    add_insight(scenario, &scored.overall, &mut doc);
    if let Some(per_dataset) = doc["per_dataset"].as_array_mut() {
        for (entry, dataset) in per_dataset.iter_mut().zip(&scored.per_dataset) {
            add_insight(scenario, &dataset.scored, entry);
        }
    }
    doc
}

fn add_insight(scenario: &Scenario, scored: &Scored, doc: &mut Value) {
    let o = &scored.optimality;
    let bench = scenario.bench();
    let picks: serde_json::Map<String, Value> = scenario
        .pool()
        .columns()
        .iter()
        .map(|&j| (bench.models[j].id.clone(), json!(scored.picks_per_model[j])))
        .collect();
    doc["optimal_selection"] = json!(o.optimal_selection);
    doc["cost_vs_oracle"] = json!(o.cost_vs_oracle);
    doc["accuracy_vs_oracle"] = json!(o.accuracy_vs_oracle);
    doc["picks_per_model"] = Value::Object(picks);
}

fn print_info(bench: &Benchmark, hash: &str, json: bool) {
    let mut datasets: Vec<&str> = bench.samples.datasets.iter().map(String::as_str).collect();
    datasets.sort_unstable();
    let count = |s: Split| bench.samples.split.iter().filter(|&&x| x == s).count();
    if json {
        let doc = json!({
            "name": bench.name,
            "synthetic": bench.provenance.synthetic,
            "num_samples": bench.num_samples(),
            "num_models": bench.num_models(),
            "models": bench.models.iter().map(|m| &m.id).collect::<Vec<_>>(),
            "datasets": datasets,
            "splits": {"train": count(Split::Train), "dev": count(Split::Dev), "test": count(Split::Test)},
            "features": bench.embeddings.iter().map(|e| json!({"name": e.name, "dim": e.dim})).collect::<Vec<_>>(),
            "tokens": bench.tokens.is_some(),
            "questions": bench.questions.is_some(),
        });
        println!("{doc}");
        return;
    }
    let p = &bench.provenance;
    println!("name        {}", bench.name);
    println!(
        "data        {}",
        if p.synthetic {
            "SYNTHETIC (not any paper's numbers)"
        } else {
            "real"
        }
    );
    println!("source      {}", p.source);
    println!("licence     {}", p.licence);
    println!("hash        sha256:{hash}");
    println!(
        "samples     {} (train {}, dev {}, test {})",
        bench.num_samples(),
        count(Split::Train),
        count(Split::Dev),
        count(Split::Test)
    );
    println!("datasets    {}", datasets.join(", "));
    println!(
        "cost bounds cmin {:e}  cmax {:e} USD/sample",
        bench.bounds.cmin, bench.bounds.cmax
    );
    println!(
        "tokens      {}",
        if bench.tokens.is_some() {
            "yes (costs can be recomputed under other prices: --prices)"
        } else {
            "no (--prices is unavailable)"
        }
    );
    println!(
        "questions   {}",
        if bench.questions.is_some() {
            "yes (the web app's per-sample explorer shows them)"
        } else {
            "no"
        }
    );
    println!("models      {}", bench.num_models());
    for m in &bench.models {
        println!("  {:<28} {}", m.id, m.name);
    }
    for e in &bench.embeddings {
        println!(
            "features    {} ({}, {} dims, max abs error {:e})",
            e.name,
            e.modality.as_str(),
            e.dim,
            e.max_abs_error
        );
    }
}

fn print_table(scenario: &Scenario, rows: &[(String, ScoredEvaluation)]) {
    let n = rows
        .first()
        .map_or(0, |(_, e)| e.overall.metrics.num_samples);
    println!(
        "{:<24} {:>9} {:>14} {:>12} {:>11} {:>8} {:>10} {:>10}",
        "entry",
        "accuracy",
        "test-split $",
        "$ / 1K",
        "rank score",
        "optimal",
        "$ vs orc.",
        "acc vs orc."
    );
    for (name, e) in rows {
        let (m, o) = (&e.overall.metrics, &e.overall.optimality);
        println!(
            "{:<24} {:>8.2}% {:>14.4} {:>12.5} {:>11.2} {:>7.2}% {:>10.4} {:>10.4}",
            name,
            100.0 * m.accuracy,
            m.total_cost(),
            m.cost_per_1k(),
            100.0 * m.rank_score,
            100.0 * o.optimal_selection,
            o.cost_vs_oracle,
            o.accuracy_vs_oracle
        );
    }
    let bench = scenario.bench();
    let bounds = scenario.bounds();
    let view = if scenario.is_published() {
        String::new()
    } else {
        format!(
            "; what-if: pool of {} of {} models{}",
            scenario.pool().len(),
            bench.num_models(),
            if scenario.is_repriced() {
                ", edited prices"
            } else {
                ""
            }
        )
    };
    eprintln!(
        "{} test samples of {}; cost bounds cmin {:e}, cmax {:e} USD/sample{view}",
        n, bench.name, bounds.cmin, bounds.cmax
    );
}
