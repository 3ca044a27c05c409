//! The real-data / long-format layout: the project's MATH-V and MathVista data (the repository's
//! `data/`, read from temp copies, priced by a prices file written here), and hand-made long-format directories for the
//! generic columns and the errors.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use vlrb_core::Benchmark;
use vlrb_core::model::{EmbeddingData, Modality, Split};
use vlrb_formats::{FormatError, PackOptions, load_dir, official, real};

/// The repository's copy of a real data folder, `data/<name>`.
fn repo_data(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(name);
    assert!(dir.is_dir(), "{} not found", dir.display());
    dir
}

/// A temp copy of a repository data folder (its top-level files).
fn temp_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(repo_data(name)).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// The non-baseline model ids of a models.csv, in file order.
fn pool(dir: &Path) -> Vec<String> {
    let mut reader = csv::Reader::from_path(dir.join("models.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (model, baseline) = (col("model"), col("is_baseline"));
    reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[baseline] == "0")
        .map(|r| r[model].to_owned())
        .collect()
}

/// Writes a prices file giving model j (in `models` order) input 0.1 * (j + 1) and output
/// 0.3 * (j + 1) USD per 1M tokens, skipping `skip`; returns the prices by model.
fn write_prices(path: &Path, models: &[String], skip: Option<&str>) -> HashMap<String, (f64, f64)> {
    let mut writer = csv::Writer::from_path(path).unwrap();
    writer
        .write_record([
            "model",
            "price_input_usd_per_mtok",
            "price_output_usd_per_mtok",
        ])
        .unwrap();
    let mut prices = HashMap::new();
    for (j, m) in models.iter().enumerate() {
        if Some(m.as_str()) == skip {
            continue;
        }
        let p = (0.1 * (j + 1) as f64, 0.3 * (j + 1) as f64);
        writer
            .write_record([m.clone(), p.0.to_string(), p.1.to_string()])
            .unwrap();
        prices.insert(m.clone(), p);
    }
    writer.flush().unwrap();
    prices
}

/// Reads a repository data folder from a temp copy, priced by a prices file.
fn read_priced(name: &str) -> (tempfile::TempDir, Benchmark, HashMap<String, (f64, f64)>) {
    let dir = temp_copy(name);
    let prices_path = dir.path().join("prices.csv");
    let prices = write_prices(&prices_path, &pool(dir.path()), None);
    let opts = PackOptions {
        name: Some(name.to_owned()),
        prices: Some(prices_path),
    };
    let bench = load_dir(dir.path(), &opts).expect("the data reads");
    (dir, bench, prices)
}

/// Recounts, with a plain loop over records.csv, each pool model's correct answers and the items no
/// model answers, and compares them with the benchmark read; `unsolved` is the data README's figure.
fn check_accuracies(bench: &Benchmark, dir: &Path, models: usize, unsolved: usize) {
    let pool = pool(dir);
    assert_eq!(pool.len(), models, "pool size");
    let mut correct: HashMap<String, usize> = HashMap::new();
    let mut solved: HashMap<String, bool> = HashMap::new();
    for r in csv::Reader::from_path(dir.join("records.csv"))
        .unwrap()
        .records()
    {
        let r = r.unwrap();
        if !pool.contains(&r[1].to_owned()) {
            continue;
        }
        let right = &r[2] == "1";
        *correct.entry(r[1].to_owned()).or_default() += usize::from(right);
        *solved.entry(r[0].to_owned()).or_default() |= right;
    }
    for id in &pool {
        let j = bench
            .model_index(id)
            .unwrap_or_else(|| panic!("model {id} in the pool"));
        let got = (0..bench.num_samples())
            .filter(|&i| bench.correct(i, j))
            .count();
        assert_eq!(got, correct[id], "accuracy of {id}");
    }
    let none_right = (0..bench.num_samples())
        .filter(|&i| (0..bench.num_models()).all(|j| !bench.correct(i, j)))
        .count();
    assert_eq!(none_right, solved.values().filter(|&&s| !s).count());
    assert_eq!(none_right, unsolved);
}

/// Recomputes every cost cell from samples.csv and records.csv: input tokens =
/// round-half-even(code points / 4) + 256 per image, output tokens = output_tokens_est.
fn check_costs(bench: &Benchmark, dir: &Path, prices: &HashMap<String, (f64, f64)>) {
    let mut input = HashMap::new();
    let mut reader = csv::Reader::from_path(dir.join("samples.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, question, image) = (col("sample_id"), col("question"), col("image_path"));
    for r in reader.records() {
        let r = r.unwrap();
        let text = (r[question].chars().count() as f64 / 4.0).round_ties_even() as u32;
        let images = if r[image].is_empty() { 0 } else { 256 };
        input.insert(r[id].to_owned(), text + images);
    }
    let tokens = bench.tokens.as_ref().expect("token counts are kept");
    let k = bench.num_models();
    let mut checked = 0;
    for r in csv::Reader::from_path(dir.join("records.csv"))
        .unwrap()
        .records()
    {
        let r = r.unwrap();
        let (i, j) = (
            bench.samples.ids.iter().position(|s| *s == r[0]).unwrap(),
            bench.model_index(&r[1]).unwrap(),
        );
        let out: u32 = r[4].parse().unwrap();
        let (p_in, p_out) = prices[&r[1]];
        let expected = ((input[&r[0]] as f64 * p_in + out as f64 * p_out) / 1e6) as f32;
        assert_eq!(tokens.input[i], input[&r[0]], "input tokens of {}", &r[0]);
        assert_eq!(tokens.output[i * k + j], out);
        assert_eq!(
            bench.cost[i * k + j],
            expected,
            "cost of {} / {}",
            &r[0],
            &r[1]
        );
        checked += 1;
        if checked == 2000 {
            break;
        }
    }
}

#[test]
fn reads_math_v() {
    let (dir, bench, prices) = read_priced("math-v");
    assert_eq!(bench.name, "math-v");
    assert_eq!((bench.num_samples(), bench.num_models()), (3040, 15));
    let ids: Vec<&str> = bench.models.iter().map(|m| m.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "columns are in sorted-id order");
    assert!(
        bench.model_index("Random-Chance").is_none(),
        "the baseline stays out"
    );
    let splits: Vec<usize> = [Split::Train, Split::Dev, Split::Test]
        .iter()
        .map(|&s| bench.samples.rows_in(s).len())
        .collect();
    assert_eq!(splits, [2128, 304, 608]);
    let gemini = bench.model_index("Gemini-Pro").unwrap();
    assert_eq!((0..3040).filter(|&i| bench.correct(i, gemini)).count(), 537);
    check_accuracies(&bench, dir.path(), 15, 1094);
    check_costs(&bench, dir.path(), &prices);

    let m = &bench.models[gemini];
    assert_eq!(m.name, "Gemini Pro Vision");
    assert_eq!(
        (m.price_input, m.price_output),
        (Some(prices["Gemini-Pro"].0), Some(prices["Gemini-Pro"].1))
    );
    assert_eq!(m.price_basis, "prices file prices.csv");
    assert_eq!(bench.samples.dataset_of(0), "MathVision");
    assert_eq!(bench.samples.group_of(0), "STEM");
    assert_eq!(bench.samples.task_of(0), "math");
    assert_eq!(bench.bounds, bench.computed_bounds());

    let text = bench.embedding("minilm").unwrap();
    let image = bench.embedding("effnetlite0").unwrap();
    assert_eq!((text.modality, text.dim), (Modality::Text, 384));
    assert_eq!((image.modality, image.dim), (Modality::Vision, 1280));
    let raw = std::fs::read(dir.path().join("text_minilm.npy")).unwrap();
    let file: Vec<u16> = npyz::NpyFile::new(&raw[..])
        .unwrap()
        .into_vec::<half::f16>()
        .unwrap()
        .into_iter()
        .map(half::f16::to_bits)
        .collect();
    assert_eq!(
        text.data,
        EmbeddingData::F16(file),
        "float16 bits kept exactly"
    );
}

#[test]
fn reads_mathvista() {
    let (dir, bench, prices) = read_priced("mathvista");
    assert_eq!((bench.num_samples(), bench.num_models()), (1000, 21));
    let bard = bench.model_index("bard").unwrap();
    assert_eq!((0..1000).filter(|&i| bench.correct(i, bard)).count(), 348);
    assert!(bench.model_index("random_guess").is_none());
    assert!(bench.model_index("frequent_guess").is_none());
    check_accuracies(&bench, dir.path(), 21, 212);
    check_costs(&bench, dir.path(), &prices);
    let sets: Vec<(&str, usize)> = bench
        .embeddings
        .iter()
        .map(|e| (e.name.as_str(), e.dim))
        .collect();
    assert_eq!(sets, [("minilm", 384)]);
    assert_eq!(bench.samples.rows_in(Split::Test).len(), 200);
}

#[test]
fn math_v_exports_and_reads_back() {
    let (_dir, bench, _) = read_priced("math-v");
    let out = tempfile::tempdir().unwrap();
    official::write(&bench, out.path()).unwrap();
    let back = load_dir(out.path(), &PackOptions::default()).unwrap();
    let mut expected = bench.clone();
    // The question text travels in meta.parquet's `question` column.
    assert!(
        bench.questions.is_some(),
        "samples.csv's questions are read"
    );
    for set in &mut expected.embeddings {
        set.data = EmbeddingData::F32(set.decode());
    }
    assert_eq!(
        back.models, expected.models,
        "display names and prices survive"
    );
    assert!(back.tokens == expected.tokens, "token counts survive");
    assert!(back == expected, "the export reads back identically");
}

/// Empties the price columns of `model` in a models.csv.
fn blank_prices(path: &Path, model: &str) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, p_in, p_out) = (
        col("model"),
        col("price_input_usd_per_mtok"),
        col("price_output_usd_per_mtok"),
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let mut writer = csv::Writer::from_path(path).unwrap();
    writer.write_record(&headers).unwrap();
    for row in rows {
        let mut fields: Vec<&str> = row.iter().collect();
        if fields[id] == model {
            (fields[p_in], fields[p_out]) = ("", "");
        }
        writer.write_record(&fields).unwrap();
    }
    writer.flush().unwrap();
}

#[test]
fn a_missing_price_names_the_model() {
    let dir = temp_copy("math-v");
    let prices_path = dir.path().join("prices.csv");
    write_prices(&prices_path, &pool(dir.path()), Some("SPHINX-v2"));
    // The repo's models.csv prices every model: blank SPHINX-v2 there too, so no source prices it.
    blank_prices(&dir.path().join("models.csv"), "SPHINX-v2");
    let opts = PackOptions {
        name: None,
        prices: Some(prices_path.clone()),
    };
    let err = real::read(dir.path(), &opts)
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(err.contains("no price for model SPHINX-v2"), "{err}");
    // Without a prices file, a model whose models.csv price columns are empty is named.
    std::fs::remove_file(&prices_path).unwrap();
    blank_prices(
        &dir.path().join("models.csv"),
        "ChatGPT3.5-CoT (Text+Image Caption)",
    );
    let err = real::read(dir.path(), &PackOptions::default())
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("models.csv") && err.contains("ChatGPT3.5-CoT (Text+Image Caption)"),
        "{err}"
    );
}

#[test]
fn a_duplicate_pair_in_the_real_data_is_named() {
    let dir = temp_copy("math-v");
    let prices_path = dir.path().join("prices.csv");
    write_prices(&prices_path, &pool(dir.path()), None);
    let records = dir.path().join("records.csv");
    let mut text = std::fs::read_to_string(&records).unwrap();
    text.push_str("MathVision/7,Qwen-VL-Max,1,2,0\n");
    std::fs::write(&records, text).unwrap();
    let opts = PackOptions {
        name: None,
        prices: Some(prices_path),
    };
    let err = real::read(dir.path(), &opts)
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 45602")
            && err.contains("duplicate record for sample id MathVision/7 and model Qwen-VL-Max"),
        "{err}"
    );
}

/// A hand-made long-format directory.
fn long_format(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn read_err(dir: &tempfile::TempDir) -> String {
    match real::read(dir.path(), &PackOptions::default()) {
        Ok(_) => panic!("expected an error"),
        Err(e @ FormatError::Invalid { .. }) | Err(e @ FormatError::Missing { .. }) => {
            e.to_string()
        }
        Err(e) => panic!("unexpected kind of error: {e}"),
    }
}

const COST_RECORDS: &str = "sample_id,model,correct,cost\n\
    Mine/1,beta,1,0.002\nMine/1,alpha,0,0.001\nMine/2,alpha,1,0.0015\nMine/2,beta,0,0.003\n";

#[test]
fn a_cost_column_gives_the_cost_matrix() {
    let dir = long_format(&[
        ("records.csv", COST_RECORDS),
        (
            "samples.csv",
            "sample_id,split\nMine/2,test\nMine/1,train\n",
        ),
        (
            "vlrb.json",
            r#"{"name": "mine", "provenance": {"licence": "CC0", "synthetic": true}}"#,
        ),
    ]);
    let bench = real::read(dir.path(), &PackOptions::default()).unwrap();
    assert_eq!(bench.samples.ids, ["Mine/2", "Mine/1"], "samples.csv order");
    let ids: Vec<&str> = bench.models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["alpha", "beta"]);
    assert_eq!(bench.cost, [0.0015f32, 0.003, 0.001, 0.002]);
    assert_eq!(bench.quality.to_values(), [1, 0, 0, 1]);
    assert!(bench.tokens.is_none());
    assert_eq!(bench.samples.dataset_of(0), "Mine");
    assert_eq!(bench.samples.task_of(0), "unknown");
    assert_eq!(bench.samples.group_of(0), "Other");
    assert_eq!(bench.models[0].price_input, None);
    assert_eq!(bench.name, "mine");
    assert_eq!(bench.provenance.licence, "CC0");
    assert!(bench.provenance.synthetic);
    assert_eq!(
        bench.provenance.source,
        dir.path().file_name().unwrap().to_string_lossy()
    );
    assert_eq!(
        bench.bounds.cmin,
        (0.0015f32 as f64 + 0.001f32 as f64) / 2.0
    );
}

#[test]
fn token_columns_and_models_csv_prices_give_the_cost() {
    let dir = long_format(&[
        (
            "records.csv",
            "sample_id,model,correct,input_tokens,output_tokens\n\
             S/a,m1,1,100,10\nS/a,m2,0,100,20\nS/b,m1,0,50,0\nS/b,m2,1,50,5\nS/b,base,1,50,5\n",
        ),
        (
            "samples.csv",
            "sample_id,split,dataset,task\nS/a,test,MyData,vqa\nS/b,dev,MyData,vqa\n",
        ),
        (
            "models.csv",
            "model,display_name,is_baseline,price_input_usd_per_mtok,price_output_usd_per_mtok,price_basis\n\
             m1,Model One,0,1.0,2.0,list price 2026-01\nm2,,0,0.5,4,\nbase,Baseline,1,,,\n",
        ),
    ]);
    let bench = real::read(dir.path(), &PackOptions::default()).unwrap();
    assert_eq!(bench.num_models(), 2, "the baseline stays out");
    assert_eq!(bench.models[0].name, "Model One");
    assert_eq!(bench.models[0].price_basis, "list price 2026-01");
    assert_eq!(bench.models[1].name, "m2");
    assert_eq!(bench.models[1].price_basis, "models.csv price columns");
    let tokens = bench.tokens.as_ref().unwrap();
    assert_eq!(tokens.input, [100, 50]);
    assert_eq!(tokens.output, [10, 20, 0, 5]);
    let c = |i: f64, o: f64, pi: f64, po: f64| ((i * pi + o * po) / 1e6) as f32;
    assert_eq!(
        bench.cost,
        [
            c(100., 10., 1., 2.),
            c(100., 20., 0.5, 4.),
            c(50., 0., 1., 2.),
            c(50., 5., 0.5, 4.)
        ]
    );
    assert_eq!(bench.samples.dataset_of(1), "MyData");
    assert_eq!(bench.samples.task_of(1), "vqa");
}

#[test]
fn long_format_errors_name_the_culprit() {
    let duplicate = long_format(&[
        (
            "records.csv",
            &format!("{COST_RECORDS}Mine/2,alpha,0,0.001\n"),
        ),
        (
            "samples.csv",
            "sample_id,split\nMine/1,train\nMine/2,test\n",
        ),
    ]);
    let err = read_err(&duplicate);
    assert!(
        err.contains("records.csv")
            && err.contains(
                "line 6: duplicate record for sample id Mine/2 and model alpha (first on line 4)"
            ),
        "{err}"
    );

    let missing = long_format(&[
        (
            "records.csv",
            COST_RECORDS.trim_end().rsplit_once('\n').unwrap().0,
        ),
        (
            "samples.csv",
            "sample_id,split\nMine/1,train\nMine/2,test\n",
        ),
    ]);
    let err = read_err(&missing);
    assert!(
        err.contains("no record for sample id Mine/2 and model beta"),
        "{err}"
    );

    let unknown = long_format(&[
        (
            "records.csv",
            &format!("{COST_RECORDS}Other/9,alpha,0,0.001\n"),
        ),
        (
            "samples.csv",
            "sample_id,split\nMine/1,train\nMine/2,test\n",
        ),
    ]);
    let err = read_err(&unknown);
    assert!(
        err.contains("line 6: sample id Other/9 (model alpha) is not in samples.csv"),
        "{err}"
    );

    let bad_correct = long_format(&[
        (
            "records.csv",
            &COST_RECORDS.replace("Mine/2,beta,0", "Mine/2,beta,yes"),
        ),
        (
            "samples.csv",
            "sample_id,split\nMine/1,train\nMine/2,test\n",
        ),
    ]);
    let err = read_err(&bad_correct);
    assert!(
        err.contains("line 5: `correct` is \"yes\"") && err.contains("expected 0 or 1"),
        "{err}"
    );

    let no_test = long_format(&[("records.csv", COST_RECORDS)]);
    let err = read_err(&no_test);
    assert!(
        err.contains("samples.csv") && err.contains("test split"),
        "{err}"
    );

    let no_cost = long_format(&[
        ("records.csv", "sample_id,model,correct\nA/1,m,1\n"),
        ("samples.csv", "sample_id,split\nA/1,test\n"),
    ]);
    let err = read_err(&no_cost);
    assert!(
        err.contains("no `cost` column") && err.contains("output_tokens"),
        "{err}"
    );

    let unpriced = long_format(&[
        (
            "records.csv",
            "sample_id,model,correct,input_tokens,output_tokens\nA/1,m,1,5,5\n",
        ),
        ("samples.csv", "sample_id,split\nA/1,test\n"),
    ]);
    let err = read_err(&unpriced);
    assert!(err.contains("no price for model m"), "{err}");

    let empty = tempfile::tempdir().unwrap();
    let err = load_dir(empty.path(), &PackOptions::default())
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("data/matrices/Y.npz") && err.contains("records.csv"),
        "{err}"
    );
}
