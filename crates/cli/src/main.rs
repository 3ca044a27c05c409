//! `vlrb`: pack benchmark releases into bundles, inspect them, score predictions and baselines,
//! train routers, export bundles back to the official layout, and write a built site's first
//! board.
//!
//! With `--json`, stdout carries only the JSON document; progress and warnings go to stderr.
//! Bad input exits non-zero with one message on stderr naming the culprit.

// The workspace warns on print_stdout (library and browser code never print); a CLI prints.
#![allow(clippy::print_stdout, reason = "the command line's output is stdout")]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde_json::{Value, json};
use vlrb_core::Benchmark;
use vlrb_core::bundle;
use vlrb_core::metrics::Evaluation;

mod score;
mod site;
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
    Info(score::InfoArgs),
    /// Score a predictions file (CSV, TSV, JSON, JSONL with sample_id and model) on the test split.
    Eval(score::EvalArgs),
    /// Score the five training-free baselines on the test split.
    Baselines(score::BaselinesArgs),
    /// Train a router on a bundle's features and print its test metrics.
    Train(train::TrainArgs),
    /// Write a bundle back as the official release layout, with the files the toolkit's loaders
    /// open (SPLITS/*.jsonl, the id pickles); prints the toolkit's encoder flags on stdout.
    Export {
        /// Bundle file.
        bundle: PathBuf,
        /// Folder to write.
        #[arg(short, long)]
        out: PathBuf,
    },
    /// Print the board a built site's first visit paints before its bundle is in (its published
    /// view with the site's verified submissions and reference routers, as JSON);
    /// scripts/build-site.sh writes it into the site's index.html.
    Snapshot(site::SnapshotArgs),
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
        Command::Info(args) => score::info(args),
        Command::Eval(args) => score::eval(args),
        Command::Baselines(args) => score::baselines(args),
        Command::Snapshot(args) => site::snapshot(args),
        Command::Export { bundle, out } => {
            let (bench, _) = load(&bundle)?;
            vlrb_formats::official::write(&bench, &out).map_err(|e| e.to_string())?;
            eprintln!("exported {} to {}", bench.name, out.display());
            // The toolkit's flags selecting the exported embeddings, alone on stdout.
            if let Some(flags) = vlrb_formats::toolkit::encoder_flags(&bench) {
                eprintln!("the VL-RouterBench toolkit selects its embeddings with:");
                println!("{flags}");
            }
            if bench
                .embedding_of(vlrb_core::model::Modality::Vision)
                .is_none()
            {
                eprintln!(
                    "note: no vision embeddings; the toolkit's feature loaders also open a vision \
                     parquet (--vision_encoder)"
                );
            }
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
