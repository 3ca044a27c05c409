//! The official VL-RouterBench release layout (protocol.md sections 1.4-1.8):
//!
//! ```text
//! data/matrices/Y.npz              key `Y`, int8 N x K
//! data/matrices/C.npy              float32 N x K, USD per sample
//! data/matrices/cost_bounds.json   cmin, cmax, per_model_avg_costs (its sorted keys = model ids)
//! data/registry/meta.parquet       sample_id, dataset, split, task (row order = Y's; `split` may
//!                                  be absent or `unknown` when SPLITS/*.jsonl give it)
//! data/registry/questions.parquet  optional, vlrb's own: sample_id, question (meta's row order;
//!                                  the samples' question text, written by export)
//! data/registry/models.txt         optional: model ids in column order, one per line
//! data/registry/model_index.pkl    optional: pickled model ids in column order (wins)
//! data/registry/sample_index.pkl   optional: pickled sample ids, must be meta's row order
//! data/matrices/sample_ids.pkl     optional: the same
//! SPLITS/{train,dev,test}.jsonl    optional: {"sample_id": ...} per line; define the split
//! EMBEDDINGS/text/<name>.parquet   sample_id, embedding list<float> (any row order)
//! EMBEDDINGS/vision/<name>.parquet
//! reports/token_statistics/token_stats_per_sample.csv    optional: sample_id, total_input_tokens
//! reports/token_statistics/output_tokens_per_model.csv   optional: sample_id, model, output_tokens
//! vlrb.json                        optional: name, provenance, model details, embedding order
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use vlrb_core::Benchmark;
use vlrb_core::catalog;
use vlrb_core::csv_lines::Record;
use vlrb_core::model::{
    BitMatrix, EmbeddingSet, Modality, Model, Questions, Samples, Split, Tokens,
};

use crate::common::{Csv, MANIFEST, Manifest, ProvenanceJson, parse_count};
use crate::error::FormatError;
use crate::{PackOptions, npy, pq, toolkit};

/// Path of the quality matrix, relative to the benchmark directory.
pub const Y_FILE: &str = "data/matrices/Y.npz";
const C_FILE: &str = "data/matrices/C.npy";
const BOUNDS_FILE: &str = "data/matrices/cost_bounds.json";
const META_FILE: &str = "data/registry/meta.parquet";
/// The samples' question text (vlrb's own file beside meta.parquet, which keeps the toolkit's
/// columns).
const QUESTIONS_FILE: &str = "data/registry/questions.parquet";
const MODELS_FILE: &str = "data/registry/models.txt";
const EMBEDDINGS_DIR: &str = "EMBEDDINGS";
const INPUT_TOKENS_FILE: &str = "reports/token_statistics/token_stats_per_sample.csv";
const OUTPUT_TOKENS_FILE: &str = "reports/token_statistics/output_tokens_per_model.csv";
/// Where the prices of catalog models come from.
const CATALOG_PRICE_BASIS: &str = "VL-RouterBench README table (Together.ai by size)";
const MODALITIES: [Modality; 2] = [Modality::Text, Modality::Vision];

/// Reads the official release layout in `dir` (see the module documentation).
pub fn read(dir: &Path, opts: &PackOptions) -> Result<Benchmark, FormatError> {
    let y_path = dir.join(Y_FILE);
    let y_bytes = read_needed(&y_path, "the quality matrix Y (npz, key `Y`)")?;
    let y = npy::read_int_matrix(&npy::npz_entry(&y_bytes, "Y", &y_path)?, &y_path)?;
    let (n, k) = (y.rows, y.cols);

    let c_path = dir.join(C_FILE);
    let c = npy::read_f32_matrix(&read_needed(&c_path, "the cost matrix C (npy)")?, &c_path)?;
    if (c.rows, c.cols) != (n, k) {
        return Err(FormatError::invalid(
            &c_path,
            format!(
                "cost matrix is {} x {}, expected {n} x {k} like {Y_FILE}",
                c.rows, c.cols
            ),
        ));
    }

    let bounds_file = read_bounds_file(dir)?;
    let model_ids = model_ids(dir, bounds_file.as_ref())?;
    if model_ids.len() != k {
        let source = if dir.join(toolkit::MODEL_INDEX_FILE).is_file() {
            toolkit::MODEL_INDEX_FILE
        } else if dir.join(MODELS_FILE).is_file() {
            MODELS_FILE
        } else {
            BOUNDS_FILE
        };
        return Err(FormatError::invalid(
            &dir.join(source),
            format!(
                "{} model ids, but {Y_FILE} and {C_FILE} have {k} columns (one per model)",
                model_ids.len()
            ),
        ));
    }

    let manifest = Manifest::read(dir)?;
    let models = model_ids
        .iter()
        .map(|id| model_details(id, &manifest))
        .collect();

    let meta_path = dir.join(META_FILE);
    if !meta_path.is_file() {
        return Err(FormatError::missing(
            &meta_path,
            "the sample registry (sample_id, dataset, split, task)",
        ));
    }
    let meta = pq::Table::read(&meta_path)?;
    if meta.num_rows() != n {
        return Err(FormatError::invalid(
            &meta_path,
            format!(
                "{} rows, expected {n} (the rows of {Y_FILE})",
                meta.num_rows()
            ),
        ));
    }
    let ids = meta.strings("sample_id")?;
    let datasets = meta.strings("dataset")?;
    let meta_splits = if meta.has("split") {
        Some(meta.strings("split")?)
    } else {
        None
    };
    let tasks = if meta.has("task") {
        meta.strings("task")?
    } else {
        vec!["unknown".to_owned(); n]
    };
    let questions = read_questions(dir, &ids)?;
    let index = index_ids(&ids, &meta_path)?;
    toolkit::check_sample_pickles(dir, &ids)?;
    let splits = match toolkit::read_splits(dir, &ids, &index, meta_splits.as_deref())? {
        Some(splits) => splits,
        None => match &meta_splits {
            Some(column) => column.iter().map(|s| Split::parse(s)).collect(),
            None => {
                meta.strings("split")?;
                vec![Split::Unknown; n]
            }
        },
    };
    let samples = Samples::from_rows(
        (0..n).map(|i| {
            (
                ids[i].as_str(),
                datasets[i].as_str(),
                splits[i],
                tasks[i].as_str(),
            )
        }),
        |d| catalog::group_of(d).to_owned(),
    );

    let quality = BitMatrix::from_values(n, k, &y.data)
        .map_err(|e| FormatError::invalid(&y_path, e.to_string()))?;
    let mut embeddings = read_embeddings(dir, &ids, &index)?;
    manifest.order_embeddings(&mut embeddings);
    let tokens = read_tokens(dir, &ids, &index, &model_ids)?;
    let (name, provenance) = manifest.name_and_provenance(&crate::common::basename(dir), opts);
    let mut bench = Benchmark {
        name,
        provenance,
        models,
        samples,
        quality,
        cost: c.data,
        bounds: vlrb_core::model::CostBounds {
            cmin: 0.0,
            cmax: 0.0,
        },
        tokens,
        questions,
        embeddings,
    };
    let computed = bench.computed_bounds();
    let file_bound = |key: &str| bounds_file.as_ref().and_then(|b| b.get(key)?.as_f64());
    bench.bounds.cmin = file_bound("cmin").unwrap_or(computed.cmin);
    bench.bounds.cmax = file_bound("cmax").unwrap_or(computed.cmax);
    bench.validate().map_err(|source| FormatError::Benchmark {
        dir: dir.to_owned(),
        source,
    })?;
    Ok(bench)
}

/// The question text of `questions.parquet`, when present; its ids must be meta's, in order.
fn read_questions(dir: &Path, ids: &[String]) -> Result<Option<Questions>, FormatError> {
    let path = dir.join(QUESTIONS_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let table = pq::Table::read(&path)?;
    let (own_ids, texts) = (table.strings("sample_id")?, table.strings("question")?);
    if let Some(row) = (0..ids.len().max(own_ids.len())).find(|&i| own_ids.get(i) != ids.get(i)) {
        return Err(FormatError::invalid(
            &path,
            format!(
                "row {row} is sample id {}, expected {} (the rows of {META_FILE}, in order)",
                own_ids.get(row).map_or("(none)", String::as_str),
                ids.get(row).map_or("(none)", String::as_str)
            ),
        ));
    }
    Questions::compress(&texts)
        .map(Some)
        .map_err(|source| FormatError::Benchmark {
            dir: dir.to_owned(),
            source,
        })
}

/// Reads a file that the layout needs, saying what it is for when it is absent.
fn read_needed(path: &Path, what: &str) -> Result<Vec<u8>, FormatError> {
    if !path.is_file() {
        return Err(FormatError::missing(path, what));
    }
    npy::read_bytes(path)
}

/// Parses cost_bounds.json when present; it must be a JSON object.
fn read_bounds_file(
    dir: &Path,
) -> Result<Option<serde_json::Map<String, serde_json::Value>>, FormatError> {
    let path = dir.join(BOUNDS_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| FormatError::io(&path, e))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| FormatError::invalid(&path, format!("not valid JSON: {e}")))?;
    let serde_json::Value::Object(map) = value else {
        return Err(FormatError::invalid(&path, "expected a JSON object"));
    };
    for key in ["cmin", "cmax"] {
        if let Some(v) = map.get(key)
            && v.as_f64().is_none()
        {
            return Err(FormatError::invalid(
                &path,
                format!("`{key}` is {v}, expected a number"),
            ));
        }
    }
    Ok(Some(map))
}

/// Model ids in column order: `model_index.pkl` when present (it must name the models of
/// cost_bounds.json and agree with `models.txt`, else the error names the first difference), else
/// `models.txt`, else the sorted keys of cost_bounds.json's `per_model_avg_costs`.
fn model_ids(
    dir: &Path,
    bounds: Option<&serde_json::Map<String, serde_json::Value>>,
) -> Result<Vec<String>, FormatError> {
    let models_path = dir.join(MODELS_FILE);
    let listed = if models_path.is_file() {
        let text =
            std::fs::read_to_string(&models_path).map_err(|e| FormatError::io(&models_path, e))?;
        Some(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect::<Vec<String>>(),
        )
    } else {
        None
    };
    let bounds_path = dir.join(BOUNDS_FILE);
    let bounds_ids = match bounds.and_then(|b| b.get("per_model_avg_costs")) {
        Some(serde_json::Value::Object(costs)) => {
            let mut ids: Vec<String> = costs.keys().cloned().collect();
            ids.sort();
            Some(ids)
        }
        _ => None,
    };
    let Some(pickled) = toolkit::read_model_index(dir)? else {
        return match (listed, bounds_ids) {
            (Some(ids), _) | (None, Some(ids)) => Ok(ids),
            (None, None) if bounds.is_some() => Err(FormatError::invalid(
                &bounds_path,
                format!(
                    "no `per_model_avg_costs` object, expected one keyed by model id (or \
                     {MODELS_FILE} or {})",
                    toolkit::MODEL_INDEX_FILE
                ),
            )),
            (None, None) => Err(FormatError::missing(
                &bounds_path,
                format!(
                    "the model ids come from its `per_model_avg_costs` keys (or from \
                     {MODELS_FILE} or {})",
                    toolkit::MODEL_INDEX_FILE
                ),
            )),
        };
    };
    let index_path = dir.join(toolkit::MODEL_INDEX_FILE);
    if let Some(bounds_ids) = &bounds_ids {
        let in_bounds = |id: &String| bounds_ids.binary_search(id).is_ok();
        let problem =
            if let Some((j, id)) = pickled.iter().enumerate().find(|(_, id)| !in_bounds(id)) {
                Some(format!("model id {id} (position {j}) is not a key of"))
            } else {
                bounds_ids
                    .iter()
                    .find(|id| !pickled.contains(id))
                    .map(|id| format!("it lacks model id {id}, a key of"))
            };
        if let Some(problem) = problem {
            return Err(FormatError::invalid(
                &index_path,
                format!(
                    "{problem} {BOUNDS_FILE}'s per_model_avg_costs (the two must name the same \
                     models)"
                ),
            ));
        }
    }
    if let Some(listed) = &listed
        && let Some(difference) = toolkit::first_difference(listed, &pickled)
    {
        return Err(FormatError::invalid(
            &models_path,
            format!("disagrees with {}: {difference}", toolkit::MODEL_INDEX_FILE),
        ));
    }
    Ok(pickled)
}

/// Display name and prices: the manifest's, else the official catalog's, else the id with unknown
/// prices.
fn model_details(id: &str, manifest: &Manifest) -> Model {
    if let Some(m) = manifest.model(id) {
        return m.clone();
    }
    match catalog::official_model(id) {
        Some(c) => Model {
            id: id.to_owned(),
            name: c.name.to_owned(),
            price_input: Some(c.price_input),
            price_output: Some(c.price_output),
            price_basis: CATALOG_PRICE_BASIS.to_owned(),
        },
        None => Model {
            id: id.to_owned(),
            name: id.to_owned(),
            price_input: None,
            price_output: None,
            price_basis: "unknown (not a VL-RouterBench model)".to_owned(),
        },
    }
}

/// Row of each sample id; a duplicate id is an error naming it and both rows.
fn index_ids(ids: &[String], path: &Path) -> Result<HashMap<String, usize>, FormatError> {
    let mut index = HashMap::with_capacity(ids.len());
    for (row, id) in ids.iter().enumerate() {
        if let Some(first) = index.insert(id.clone(), row) {
            return Err(FormatError::invalid(
                path,
                format!("sample id {id} appears twice (rows {first} and {row})"),
            ));
        }
    }
    Ok(index)
}

/// Every `EMBEDDINGS/{text,vision}/*.parquet`, text first, each modality in file-name order, rows
/// aligned to meta order by sample id.
fn read_embeddings(
    dir: &Path,
    ids: &[String],
    index: &HashMap<String, usize>,
) -> Result<Vec<EmbeddingSet>, FormatError> {
    let mut sets = Vec::new();
    for modality in MODALITIES {
        let folder = dir.join(EMBEDDINGS_DIR).join(modality.as_str());
        if !folder.is_dir() {
            continue;
        }
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .map_err(|e| FormatError::io(&folder, e))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "parquet"))
            .collect();
        files.sort();
        for path in files {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let values = read_embedding_file(&path, ids, index)?;
            let dim = values.len() / ids.len().max(1);
            sets.push(EmbeddingSet::from_f32(&name, modality, dim, values));
        }
    }
    Ok(sets)
}

/// One embedding parquet, rearranged into meta order; unknown, duplicate or missing ids and rows
/// of the wrong width are errors naming the id.
fn read_embedding_file(
    path: &Path,
    ids: &[String],
    index: &HashMap<String, usize>,
) -> Result<Vec<f32>, FormatError> {
    let table = pq::Table::read(path)?;
    let file_ids = table.strings("sample_id")?;
    let rows = table.float_lists("embedding")?;
    let dim = rows.first().map_or(0, Vec::len);
    if dim == 0 && !ids.is_empty() {
        return Err(FormatError::invalid(
            path,
            "no embedding values (empty file or empty first row)",
        ));
    }
    let mut placed: Vec<Option<usize>> = vec![None; ids.len()];
    let mut values = vec![0.0f32; ids.len() * dim];
    for (row, (id, vector)) in file_ids.iter().zip(&rows).enumerate() {
        let Some(&target) = index.get(id) else {
            return Err(FormatError::invalid(
                path,
                format!("row {row}: sample id {id} is not in {META_FILE}"),
            ));
        };
        if let Some(first) = placed[target] {
            return Err(FormatError::invalid(
                path,
                format!("sample id {id} appears twice (rows {first} and {row})"),
            ));
        }
        if vector.len() != dim {
            return Err(FormatError::invalid(
                path,
                format!(
                    "row {row} (sample id {id}) has {} values, expected {dim} like row 0",
                    vector.len()
                ),
            ));
        }
        placed[target] = Some(row);
        values[target * dim..(target + 1) * dim].copy_from_slice(vector);
    }
    if let Some(missing) = placed.iter().position(Option::is_none) {
        return Err(FormatError::invalid(
            path,
            format!(
                "no embedding for sample id {} ({} of {} samples have one)",
                ids[missing],
                placed.iter().flatten().count(),
                ids.len()
            ),
        ));
    }
    Ok(values)
}

/// The token statistics, when both files are present: input tokens per sample and output tokens
/// per (sample, model). Rows of samples or models outside the benchmark are skipped; a sample or
/// pair without a row, or with two, is an error.
fn read_tokens(
    dir: &Path,
    ids: &[String],
    index: &HashMap<String, usize>,
    model_ids: &[String],
) -> Result<Option<Tokens>, FormatError> {
    let (in_path, out_path) = (dir.join(INPUT_TOKENS_FILE), dir.join(OUTPUT_TOKENS_FILE));
    if !in_path.is_file() || !out_path.is_file() {
        return Ok(None);
    }
    let (n, k) = (ids.len(), model_ids.len());
    let models: HashMap<&str, usize> = model_ids
        .iter()
        .enumerate()
        .map(|(j, id)| (id.as_str(), j))
        .collect();

    let inputs = Csv::read(&in_path, "input token counts")?;
    let (id_col, count_col) = (
        inputs.require("sample_id")?,
        inputs.require("total_input_tokens")?,
    );
    let mut input: Vec<Option<u32>> = vec![None; n];
    for record in inputs.rows() {
        let id = record.field(id_col);
        let Some(&i) = index.get(id) else { continue };
        let count = count_of(&inputs, record, count_col, "total_input_tokens")?;
        if input[i].replace(count).is_some() {
            return Err(inputs.error(record, format!("second row for sample id {id}")));
        }
    }
    if let Some(i) = input.iter().position(Option::is_none) {
        return Err(FormatError::invalid(
            &in_path,
            format!("no row for sample id {}", ids[i]),
        ));
    }

    let outputs = Csv::read(&out_path, "output token counts")?;
    let (id_col, model_col, count_col) = (
        outputs.require("sample_id")?,
        outputs.require("model")?,
        outputs.require("output_tokens")?,
    );
    let mut output: Vec<Option<u32>> = vec![None; n * k];
    for record in outputs.rows() {
        let (id, model) = (record.field(id_col), record.field(model_col));
        let (Some(&i), Some(&j)) = (index.get(id), models.get(model)) else {
            continue;
        };
        let count = count_of(&outputs, record, count_col, "output_tokens")?;
        if output[i * k + j].replace(count).is_some() {
            return Err(outputs.error(
                record,
                format!("second row for sample id {id} and model {model}"),
            ));
        }
    }
    if let Some(cell) = output.iter().position(Option::is_none) {
        return Err(FormatError::invalid(
            &out_path,
            format!(
                "no row for sample id {} and model {}",
                ids[cell / k],
                model_ids[cell % k]
            ),
        ));
    }
    Ok(Some(Tokens {
        input: input.into_iter().flatten().collect(),
        output: output.into_iter().flatten().collect(),
    }))
}

fn count_of(csv: &Csv, record: &Record, column: usize, name: &str) -> Result<u32, FormatError> {
    let text = record.field(column);
    parse_count(text).ok_or_else(|| {
        csv.error(
            record,
            format!("`{name}` is {text:?}, expected a non-negative whole number"),
        )
    })
}

/// Writes `bench` in the official release layout into `dir` (created if needed): the inverse of
/// [`read`], and what `vlrb export` produces. Embeddings are written decoded (exactly what routers
/// train on); model details, name and provenance go to `vlrb.json`.
pub fn write(bench: &Benchmark, dir: &Path) -> Result<(), FormatError> {
    bench.validate().map_err(|source| FormatError::Benchmark {
        dir: dir.to_owned(),
        source,
    })?;
    let (n, k) = (bench.num_samples(), bench.num_models());
    for sub in ["data/matrices", "data/registry"] {
        create_dir(&dir.join(sub))?;
    }
    npy::write_npz(&dir.join(Y_FILE), "Y", n, k, &bench.quality.to_values())?;
    npy::write_npy(&dir.join(C_FILE), n, k, &bench.cost)?;
    write_bounds(bench, &dir.join(BOUNDS_FILE))?;

    let s = &bench.samples;
    let ids = || pq::string_column(s.ids.iter().map(String::as_str));
    let questions = bench
        .questions
        .as_ref()
        .map(|q| q.texts())
        .transpose()
        .map_err(|source| FormatError::Benchmark {
            dir: dir.to_owned(),
            source,
        })?;
    pq::write(
        &dir.join(META_FILE),
        vec![
            ("sample_id", ids()),
            (
                "dataset",
                pq::string_column((0..n).map(|i| s.dataset_of(i))),
            ),
            (
                "split",
                pq::string_column(s.split.iter().map(|x| x.as_str())),
            ),
            ("task", pq::string_column((0..n).map(|i| s.task_of(i)))),
        ],
    )?;
    if let Some(texts) = &questions {
        pq::write(
            &dir.join(QUESTIONS_FILE),
            vec![
                ("sample_id", ids()),
                (
                    "question",
                    pq::string_column(texts.iter().map(String::as_str)),
                ),
            ],
        )?;
    }
    let ids_text: String = bench.models.iter().map(|m| format!("{}\n", m.id)).collect();
    write_text(&dir.join(MODELS_FILE), &ids_text)?;
    toolkit::write(bench, dir)?;

    let mut written: Vec<(Modality, &str)> = Vec::new();
    for set in &bench.embeddings {
        let plain =
            !set.name.is_empty() && !set.name.starts_with('.') && !set.name.contains(['/', '\\']);
        if !plain || written.contains(&(set.modality, set.name.as_str())) {
            return Err(FormatError::Benchmark {
                dir: dir.to_owned(),
                source: vlrb_core::Error::Value(format!(
                    "embedding set name {:?} cannot be a unique file name in {EMBEDDINGS_DIR}/{}",
                    set.name,
                    set.modality.as_str()
                )),
            });
        }
        written.push((set.modality, &set.name));
        let folder = dir.join(EMBEDDINGS_DIR).join(set.modality.as_str());
        create_dir(&folder)?;
        pq::write(
            &folder.join(format!("{}.parquet", set.name)),
            vec![
                ("sample_id", ids()),
                ("embedding", pq::float_list_column(&set.decode(), set.dim)),
            ],
        )?;
    }

    if let Some(tokens) = &bench.tokens {
        write_tokens(bench, tokens, dir)?;
    }

    let manifest = Manifest {
        name: Some(bench.name.clone()),
        provenance: Some(ProvenanceJson {
            source: Some(bench.provenance.source.clone()),
            synthetic: bench.provenance.synthetic,
            licence: bench.provenance.licence.clone(),
            attribution: bench.provenance.attribution.clone(),
            notes: bench.provenance.notes.clone(),
        }),
        models: bench.models.clone(),
        embeddings: bench
            .embeddings
            .iter()
            .map(|e| format!("{}/{}", e.modality.as_str(), e.name))
            .collect(),
    };
    write_json(&dir.join(MANIFEST), &manifest)
}

/// cost_bounds.json: the bundle's bounds, plus per-model mean positive cost computed from C.
fn write_bounds(bench: &Benchmark, path: &Path) -> Result<(), FormatError> {
    let means = bench.per_model_mean_cost();
    let pick = |better: fn(f64, f64) -> bool| {
        let mut best = 0;
        for (j, &m) in means.iter().enumerate() {
            if better(m, means[best]) {
                best = j;
            }
        }
        bench.models[best].id.clone()
    };
    let per_model: BTreeMap<&str, f64> = bench
        .models
        .iter()
        .zip(&means)
        .map(|(m, &c)| (m.id.as_str(), c))
        .collect();
    let json = serde_json::json!({
        "cmin": bench.bounds.cmin,
        "cmax": bench.bounds.cmax,
        "cmin_model": pick(|a, b| a < b),
        "cmax_model": pick(|a, b| a > b),
        "description": "Cost bounds for Arena Score calculation (cmin/cmax: the benchmark's bounds; \
                        per_model_avg_costs: mean positive cost per model over all samples, USD)",
        "per_model_avg_costs": per_model,
    });
    write_json(path, &json)
}

/// The two token-statistics CSVs.
fn write_tokens(bench: &Benchmark, tokens: &Tokens, dir: &Path) -> Result<(), FormatError> {
    let k = bench.num_models();
    if let Some(parent) = dir.join(INPUT_TOKENS_FILE).parent() {
        create_dir(parent)?;
    }
    let s = &bench.samples;
    write_csv(
        &dir.join(INPUT_TOKENS_FILE),
        &["sample_id", "dataset", "task_type", "total_input_tokens"],
        (0..s.len()).map(|i| {
            vec![
                s.ids[i].clone(),
                s.dataset_of(i).to_owned(),
                s.task_of(i).to_owned(),
                tokens.input[i].to_string(),
            ]
        }),
    )?;
    write_csv(
        &dir.join(OUTPUT_TOKENS_FILE),
        &["sample_id", "model", "output_tokens"],
        (0..s.len() * k).map(|cell| {
            vec![
                s.ids[cell / k].clone(),
                bench.models[cell % k].id.clone(),
                tokens.output[cell].to_string(),
            ]
        }),
    )
}

fn write_csv(
    path: &Path,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<(), FormatError> {
    let fail = |e: csv::Error| FormatError::io(path, std::io::Error::other(e));
    let mut writer = csv::Writer::from_path(path).map_err(fail)?;
    writer.write_record(header).map_err(fail)?;
    for row in rows {
        writer.write_record(&row).map_err(fail)?;
    }
    writer.flush().map_err(|e| FormatError::io(path, e))
}

fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<(), FormatError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| FormatError::io(path, std::io::Error::other(e)))?;
    write_text(path, &text)
}

fn write_text(path: &Path, text: &str) -> Result<(), FormatError> {
    std::fs::write(path, text).map_err(|e| FormatError::io(path, e))
}

fn create_dir(path: &Path) -> Result<(), FormatError> {
    std::fs::create_dir_all(path).map_err(|e| FormatError::io(path, e))
}
