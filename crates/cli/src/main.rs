//! `vlrb`: pack benchmark releases into bundles, inspect them, score predictions and baselines,
//! and export bundles back to the official layout.
//!
//! With `--json`, stdout carries only the JSON document; progress and warnings go to stderr.
//! Bad input exits non-zero with one message on stderr naming the culprit.

// The workspace warns on print_stdout (library and browser code never print); a CLI prints.
#![allow(clippy::print_stdout, reason = "the command line's output is stdout")]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde_json::{Value, json};
use vlrb_core::baselines::Baseline;
use vlrb_core::bundle;
use vlrb_core::metrics::{Evaluation, evaluate};
use vlrb_core::predictions::{parse_predictions, resolve};
use vlrb_core::{Benchmark, Split};

mod synth;
mod train;

#[derive(Parser)]
#[command(
    name = "vlrb",
    version,
    about = "VL-RouterBench bundles, scoring and baselines"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Pack an official release layout or a real-data (long-format) folder into a bundle.
    Pack {
        /// Folder holding the benchmark.
        dir: PathBuf,
        /// Bundle file to write.
        #[arg(short, long)]
        out: PathBuf,
        /// Benchmark name (default: vlrb.json's name, else the folder's name).
        #[arg(long)]
        name: Option<String>,
        /// CSV of model prices (model, price_input_usd_per_mtok, price_output_usd_per_mtok).
        #[arg(long)]
        prices: Option<PathBuf>,
        /// Store each embedding set as this many projected int8 components (fitted on train).
        #[arg(long, value_name = "DIMS")]
        compress_embeddings: Option<usize>,
    },
    /// Write the synthetic demo benchmark in the official release layout.
    Synth {
        /// Folder to write.
        #[arg(short, long)]
        out: PathBuf,
        /// Generator seed.
        #[arg(long, default_value_t = vlrb_synth::DEFAULT_SEED)]
        seed: u64,
    },
    /// Describe a bundle.
    Info {
        /// Bundle file.
        bundle: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Score a predictions file (CSV, TSV, JSON, JSONL with sample_id and model) on the test split.
    Eval {
        /// Bundle file.
        bundle: PathBuf,
        /// Predictions file.
        predictions: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Score the five training-free baselines on the test split.
    Baselines {
        /// Bundle file.
        bundle: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Train a router on a bundle's features and print its test metrics.
    Train(train::TrainArgs),
    /// Write a bundle back as the official release layout.
    Export {
        /// Bundle file.
        bundle: PathBuf,
        /// Folder to write.
        #[arg(short, long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Pack {
            dir,
            out,
            name,
            prices,
            compress_embeddings,
        } => {
            let opts = vlrb_formats::PackOptions { name, prices };
            let mut bench = vlrb_formats::load_dir(&dir, &opts).map_err(|e| e.to_string())?;
            if let Some(dims) = compress_embeddings {
                synth::compress_embeddings(&mut bench, dims);
            }
            let bytes = bundle::encode(&bench).map_err(|e| e.to_string())?;
            std::fs::write(&out, &bytes)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            eprintln!(
                "packed {} ({} samples x {} models) into {} ({} bytes)",
                bench.name,
                bench.num_samples(),
                bench.num_models(),
                out.display(),
                bytes.len()
            );
            Ok(())
        }
        Command::Synth { out, seed } => synth::run(&out, seed),
        Command::Train(args) => train::run(args),
        Command::Info { bundle, json } => {
            let (bench, hash) = load(&bundle)?;
            print_info(&bench, &hash, json);
            Ok(())
        }
        Command::Eval {
            bundle,
            predictions,
            json,
        } => {
            let (bench, _) = load(&bundle)?;
            let bytes = std::fs::read(&predictions)
                .map_err(|e| format!("cannot read {}: {e}", predictions.display()))?;
            let file_name = predictions
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let rows = parse_predictions(&bytes, &file_name).map_err(|e| e.to_string())?;
            let resolved =
                resolve(&bench, &rows).map_err(|e| format!("{}: {e}", predictions.display()))?;
            if resolved.ignored_rows > 0 {
                eprintln!(
                    "ignored {} rows for train/dev samples",
                    resolved.ignored_rows
                );
            }
            let evaluation = evaluate(&bench, &resolved.routing);
            if json {
                println!(
                    "{}",
                    evaluation_json(&evaluation, resolved.ignored_rows, None)
                );
            } else {
                print_table(&bench, &[(file_name, evaluation)]);
            }
            Ok(())
        }
        Command::Baselines { bundle, json } => {
            let (bench, _) = load(&bundle)?;
            let results: Vec<(Baseline, Vec<usize>, Evaluation)> = Baseline::ALL
                .iter()
                .map(|&b| {
                    let routing = b.route(&bench);
                    let evaluation = evaluate(&bench, &routing);
                    (b, routing.picks, evaluation)
                })
                .collect();
            if json {
                let doc: serde_json::Map<String, Value> = results
                    .iter()
                    .map(|(b, picks, e)| (b.name().to_owned(), evaluation_json(e, 0, Some(picks))))
                    .collect();
                println!("{}", Value::Object(doc));
            } else {
                let rows: Vec<(String, Evaluation)> = results
                    .into_iter()
                    .map(|(b, _, e)| (b.name().to_owned(), e))
                    .collect();
                print_table(&bench, &rows);
            }
            Ok(())
        }
        Command::Export { bundle, out } => {
            let (bench, _) = load(&bundle)?;
            vlrb_formats::official::write(&bench, &out).map_err(|e| e.to_string())?;
            eprintln!("exported {} to {}", bench.name, out.display());
            Ok(())
        }
    }
}

/// Reads and decodes a bundle, returning it with its hash.
fn load(path: &Path) -> Result<(Benchmark, String), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let header = bundle::read_header(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let bench = bundle::decode(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((bench, header.sha256))
}

/// The `eval` JSON document (baselines add their picks).
fn evaluation_json(e: &Evaluation, ignored_rows: usize, picks: Option<&[usize]>) -> Value {
    let mut doc = json!({
        "num_samples": e.overall.num_samples,
        "accuracy": e.overall.accuracy,
        "avg_cost": e.overall.avg_cost,
        "rank_score": e.overall.rank_score,
        "ignored_rows": ignored_rows,
        "per_dataset": e.per_dataset,
    });
    if let Some(picks) = picks {
        doc["picks"] = json!(picks);
    }
    doc
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

fn print_table(bench: &Benchmark, rows: &[(String, Evaluation)]) {
    let n = rows.first().map_or(0, |(_, e)| e.overall.num_samples);
    println!(
        "{:<24} {:>9} {:>14} {:>12} {:>11}",
        "entry", "accuracy", "test-split $", "$ / 1K", "rank score"
    );
    for (name, e) in rows {
        let m = &e.overall;
        println!(
            "{:<24} {:>8.2}% {:>14.4} {:>12.5} {:>11.2}",
            name,
            100.0 * m.accuracy,
            m.total_cost(),
            m.cost_per_1k(),
            100.0 * m.rank_score
        );
    }
    eprintln!(
        "{} test samples of {}; cost bounds cmin {:e}, cmax {:e} USD/sample",
        n, bench.name, bench.bounds.cmin, bench.bounds.cmax
    );
}
