//! The real-data / long-format layout (the repository's `data/math-v` and `data/mathvista`, and any
//! user's routing data):
//!
//! ```text
//! records.csv   sample_id, model, correct (0/1), and the cost of each pair:
//!               `cost` (USD), or `output_tokens` / `output_tokens_est` (+ optional `input_tokens`)
//! samples.csv   optional: sample_id, split, dataset, task, question, image_path (others ignored)
//! models.csv    optional: model, display_name, is_baseline, price_input_usd_per_mtok,
//!               price_output_usd_per_mtok, price_basis
//! text_<name>.npy / image_<name>.npy   optional float16 or float32 embeddings, N rows in
//!               sample order
//! vlrb.json     optional: name, provenance
//! ```
//!
//! The reader works on [`Files`] in memory, so the browser reads the files a visitor selects with
//! the same code as `vlrb pack` reads a directory.
//!
//! Without a `cost` column, C is derived from tokens: input tokens per sample = round-half-even(code
//! points of `question` / 4) + 256 per image (one when `image_path` is non-empty), or the records'
//! `input_tokens`; C_ij = (in_i * p_in_j + out_ij * p_out_j) / 1e6 in f64, stored as f32.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use vlrb_core::Benchmark;
use vlrb_core::catalog::{self, IMAGE_TOKENS};
use vlrb_core::csv_lines::Record;
use vlrb_core::model::{
    BitMatrix, EmbeddingData, EmbeddingSet, Modality, Model, Questions, Samples, Split, Tokens,
};

use crate::PackOptions;
use crate::common::{Csv, MANIFEST, Manifest, parse_count, parse_non_negative};
use crate::error::FormatError;
use crate::npy::{self, Floats};

/// The records file whose presence marks this layout.
pub const RECORDS_FILE: &str = "records.csv";
const SAMPLES_FILE: &str = "samples.csv";
const MODELS_FILE: &str = "models.csv";
const PRICE_IN: &str = "price_input_usd_per_mtok";
const PRICE_OUT: &str = "price_output_usd_per_mtok";

/// The files of one long-format benchmark, in memory, by file name.
#[derive(Debug, Clone, Default)]
pub struct Files {
    /// Where they came from: the directory, or the folder a browser names (may be empty), shown in
    /// messages as the prefix of each file's name.
    root: PathBuf,
    /// The benchmark's name when `vlrb.json` gives none: the directory's or folder's name, else
    /// `local`.
    default_name: String,
    /// Contents by file name.
    files: BTreeMap<String, Vec<u8>>,
}

impl Files {
    /// Files handed over by name (a browser's file picker), from `folder` (empty when the browser
    /// does not say). A name outside the layout is an error naming it.
    pub fn new(
        folder: &str,
        files: impl IntoIterator<Item = (String, Vec<u8>)>,
    ) -> Result<Files, FormatError> {
        let default_name = if folder.is_empty() { "local" } else { folder };
        let mut set = Files {
            root: PathBuf::from(folder),
            default_name: default_name.to_owned(),
            files: BTreeMap::new(),
        };
        for (name, bytes) in files {
            if embedding_file(&name).is_none()
                && ![RECORDS_FILE, SAMPLES_FILE, MODELS_FILE, MANIFEST].contains(&name.as_str())
            {
                return Err(FormatError::invalid(
                    &set.path(&name),
                    format!(
                        "not a file of the long-format layout; expected {RECORDS_FILE}, and \
                         optionally {SAMPLES_FILE}, {MODELS_FILE}, {MANIFEST}, text_<name>.npy, \
                         image_<name>.npy"
                    ),
                ));
            }
            if set.files.insert(name.clone(), bytes).is_some() {
                return Err(FormatError::invalid(
                    &set.path(&name),
                    "selected twice; expected each file once",
                ));
            }
        }
        Ok(set)
    }

    /// Reads the layout's files from `dir` (those present).
    pub fn from_dir(dir: &Path) -> Result<Files, FormatError> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(|e| FormatError::io(dir, e))? {
            let path = entry.map_err(|e| FormatError::io(dir, e))?.path();
            let Some(name) = path.file_name().and_then(|f| f.to_str()) else {
                continue;
            };
            let known = embedding_file(name).is_some()
                || [RECORDS_FILE, SAMPLES_FILE, MODELS_FILE, MANIFEST].contains(&name);
            if known && path.is_file() {
                names.push(name.to_owned());
            }
        }
        let mut files = BTreeMap::new();
        for name in names {
            let path = dir.join(&name);
            let bytes = std::fs::read(&path).map_err(|e| FormatError::io(&path, e))?;
            files.insert(name, bytes);
        }
        Ok(Files {
            root: dir.to_owned(),
            default_name: crate::common::basename(dir),
            files,
        })
    }

    /// The path a file is named by in messages.
    fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// A CSV file of the set, or `Missing` saying `what` it is needed for.
    fn csv(&self, name: &str, what: &str) -> Result<Csv, FormatError> {
        match self.files.get(name) {
            Some(bytes) => Csv::parse(&self.path(name), bytes),
            None => Err(FormatError::missing(&self.path(name), what)),
        }
    }

    /// A CSV file of the set, when present.
    fn csv_optional(&self, name: &str) -> Result<Option<Csv>, FormatError> {
        self.files
            .get(name)
            .map(|bytes| Csv::parse(&self.path(name), bytes))
            .transpose()
    }

    /// `vlrb.json`, or the empty manifest.
    fn manifest(&self) -> Result<Manifest, FormatError> {
        match self.files.get(MANIFEST) {
            Some(bytes) => Manifest::parse(&self.path(MANIFEST), bytes),
            None => Ok(Manifest::default()),
        }
    }
}

/// The embedding set a file name holds (`text_<name>.npy`, `image_<name>.npy`).
fn embedding_file(file_name: &str) -> Option<(Modality, &str)> {
    let stem = file_name.strip_suffix(".npy")?;
    if let Some(name) = stem.strip_prefix("text_") {
        Some((Modality::Text, name))
    } else {
        stem.strip_prefix("image_")
            .map(|name| (Modality::Vision, name))
    }
}

/// Reads the long-format layout in `dir` (see the module documentation).
pub fn read(dir: &Path, opts: &PackOptions) -> Result<Benchmark, FormatError> {
    read_files(&Files::from_dir(dir)?, opts)
}

/// Reads the long-format layout from files in memory (see the module documentation).
pub fn read_files(files: &Files, opts: &PackOptions) -> Result<Benchmark, FormatError> {
    let dir = files.root.as_path();
    let records = files.csv(
        RECORDS_FILE,
        "the long-format records (sample_id, model, correct, cost or tokens)",
    )?;
    let samples_csv = files.csv_optional(SAMPLES_FILE)?;
    let listed = match files.csv_optional(MODELS_FILE)? {
        Some(csv) => read_models_csv(&csv)?,
        None => HashMap::new(),
    };
    let price_file = match &opts.prices {
        Some(path) => read_prices(&Csv::read(path, "the prices file")?)?,
        None => HashMap::new(),
    };

    let (id_col, model_col, correct_col) = (
        records.require("sample_id")?,
        records.require("model")?,
        records.require("correct")?,
    );
    let is_baseline = |model: &str| listed.get(model).is_some_and(|m| m.baseline);
    let mut pool: BTreeSet<&str> = listed
        .iter()
        .filter(|(_, m)| !m.baseline)
        .map(|(id, _)| id.as_str())
        .collect();
    for record in records.rows() {
        let model = record.field(model_col);
        if !is_baseline(model) {
            pool.insert(model);
        }
    }
    let model_ids: Vec<String> = pool.into_iter().map(str::to_owned).collect();
    let model_index: HashMap<&str, usize> = model_ids
        .iter()
        .enumerate()
        .map(|(j, id)| (id.as_str(), j))
        .collect();

    let samples = match &samples_csv {
        Some(csv) => SampleRows::from_csv(csv)?,
        None => SampleRows::from_records(&records, id_col, model_col, &is_baseline),
    };
    let (n, k) = (samples.ids.len(), model_ids.len());
    let sample_index: HashMap<&str, usize> = samples
        .ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();

    let source = CostSource::detect(&records, &samples, samples_csv.as_ref(), dir)?;
    let mut seen: Vec<Option<usize>> = vec![None; n * k];
    let mut quality = vec![0i8; n * k];
    let mut cost = vec![0f32; n * k];
    let mut output = vec![0u32; n * k];
    let mut record_input: Vec<Option<(u32, usize)>> = vec![None; n];
    for record in records.rows() {
        let model = record.field(model_col);
        if is_baseline(model) {
            continue;
        }
        let j = model_index[model];
        let id = record.field(id_col);
        let Some(&i) = sample_index.get(id) else {
            return Err(records.error(
                record,
                format!("sample id {id} (model {model}) is not in {SAMPLES_FILE}"),
            ));
        };
        let cell = i * k + j;
        let line = record.line;
        if let Some(first) = seen[cell].replace(line) {
            return Err(records.error(
                record,
                format!(
                    "duplicate record for sample id {id} and model {model} (first on line {first})"
                ),
            ));
        }
        let text = record.field(correct_col);
        quality[cell] = match text.trim() {
            "1" | "1.0" | "true" | "True" => 1,
            "0" | "0.0" | "false" | "False" => 0,
            _ => {
                return Err(records.error(
                    record,
                    format!("`correct` is {text:?} for sample id {id} and model {model}, expected 0 or 1"),
                ));
            }
        };
        match source {
            CostSource::Cost(col) => {
                let text = record.field(col);
                cost[cell] = text
                    .trim()
                    .parse::<f32>()
                    .ok()
                    .filter(|c| c.is_finite() && *c >= 0.0)
                    .ok_or_else(|| {
                        records.error(
                            record,
                            format!(
                                "`cost` is {text:?} for sample id {id} and model {model}, \
                                 expected a non-negative number of USD"
                            ),
                        )
                    })?;
            }
            CostSource::Tokens { input, output: col } => {
                output[cell] = count(&records, record, col)?;
                if let Some(col) = input {
                    let value = count(&records, record, col)?;
                    match record_input[i] {
                        Some((first, first_line)) if first != value => {
                            return Err(records.error(
                                record,
                                format!(
                                    "input_tokens {value} for sample id {id} differs from \
                                     {first} on line {first_line} (input tokens are per sample)"
                                ),
                            ));
                        }
                        Some(_) => {}
                        None => record_input[i] = Some((value, line)),
                    }
                }
            }
        }
    }
    if let Some(cell) = seen.iter().position(Option::is_none) {
        return Err(FormatError::invalid(
            &records.path,
            format!(
                "no record for sample id {} and model {}; every (sample, model) pair must appear \
                 exactly once",
                samples.ids[cell / k],
                model_ids[cell % k]
            ),
        ));
    }

    let prices_path = opts.prices.clone().unwrap_or_else(|| dir.join(MODELS_FILE));
    let mut models = Vec::with_capacity(k);
    for id in &model_ids {
        let row = listed.get(id);
        let price = price_file
            .get(id)
            .cloned()
            .or_else(|| row.and_then(|r| r.price.clone()));
        if price.is_none() && matches!(source, CostSource::Tokens { .. }) {
            return Err(FormatError::invalid(
                &prices_path,
                format!(
                    "no price for model {id}: expected {PRICE_IN} and {PRICE_OUT} in {MODELS_FILE} \
                     or in a prices file"
                ),
            ));
        }
        models.push(Model {
            id: id.clone(),
            name: row
                .map(|r| r.display_name.clone())
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| id.clone()),
            price_input: price.as_ref().map(|p| p.input),
            price_output: price.as_ref().map(|p| p.output),
            price_basis: price.map_or_else(|| "unknown".to_owned(), |p| p.basis),
        });
    }

    let tokens = match source {
        CostSource::Cost(_) => None,
        CostSource::Tokens { input, .. } => {
            let input: Vec<u32> = match input {
                Some(_) => record_input
                    .iter()
                    .map(|v| v.map_or(0, |(t, _)| t))
                    .collect(),
                None => samples.input_estimate.clone().unwrap_or_default(),
            };
            for (cell, c) in cost.iter_mut().enumerate() {
                let m = &models[cell % k];
                let price = vlrb_core::prices::Price {
                    input: m.price_input.unwrap_or(0.0),
                    output: m.price_output.unwrap_or(0.0),
                };
                *c = vlrb_core::prices::token_cost(input[cell / k], output[cell], price);
            }
            Some(Tokens { input, output })
        }
    };

    let has_test = samples.splits.contains(&Split::Test);
    if !has_test {
        return Err(match &samples_csv {
            Some(csv) => FormatError::invalid(
                &csv.path,
                "no sample is in the test split (column `split` with value `test`); the protocol \
                 evaluates on the test split",
            ),
            None => FormatError::missing(
                &dir.join(SAMPLES_FILE),
                "without it every split is unknown and no sample is in the test split",
            ),
        });
    }

    let quality = BitMatrix::from_values(n, k, &quality)
        .map_err(|e| FormatError::invalid(&records.path, e.to_string()))?;
    let embeddings = read_embeddings(files, n)?;
    let manifest = files.manifest()?;
    let (name, provenance) = manifest.name_and_provenance(&files.default_name, opts);
    let questions = samples
        .questions
        .as_deref()
        .map(Questions::compress)
        .transpose()
        .map_err(|source| FormatError::Benchmark {
            dir: dir.to_owned(),
            source,
        })?;
    let samples = Samples::from_rows(
        (0..n).map(|i| {
            (
                samples.ids[i].as_str(),
                samples.datasets[i].as_str(),
                samples.splits[i],
                samples.tasks[i].as_str(),
            )
        }),
        |d| catalog::group_of(d).to_owned(),
    );
    let mut bench = Benchmark {
        name,
        provenance,
        models,
        samples,
        quality,
        cost,
        bounds: vlrb_core::model::CostBounds {
            cmin: 0.0,
            cmax: 0.0,
        },
        tokens,
        questions,
        embeddings,
    };
    bench.bounds = bench.computed_bounds();
    bench.validate().map_err(|source| FormatError::Benchmark {
        dir: dir.to_owned(),
        source,
    })?;
    Ok(bench)
}

/// Where the cost of each pair comes from.
#[derive(Clone, Copy)]
enum CostSource {
    /// records.csv's `cost` column (USD).
    Cost(usize),
    /// Token columns of records.csv: optional `input_tokens` (else the samples' estimate) and the
    /// output tokens.
    Tokens { input: Option<usize>, output: usize },
}

impl CostSource {
    fn detect(
        records: &Csv,
        samples: &SampleRows,
        samples_csv: Option<&Csv>,
        dir: &Path,
    ) -> Result<CostSource, FormatError> {
        if let Some(col) = records.column("cost") {
            return Ok(CostSource::Cost(col));
        }
        let output = records
            .column("output_tokens")
            .or_else(|| records.column("output_tokens_est"))
            .ok_or_else(|| {
                FormatError::invalid(
                    &records.path,
                    "no `cost` column and no `output_tokens` or `output_tokens_est` column; \
                     expected the cost of each pair or its token counts",
                )
            })?;
        let input = records.column("input_tokens");
        if input.is_none() && samples.input_estimate.is_none() {
            let path = samples_csv.map_or_else(|| dir.join(SAMPLES_FILE), |c| c.path.clone());
            return Err(FormatError::invalid(
                &path,
                format!(
                    "no `question` column to estimate input tokens from, and {RECORDS_FILE} has \
                     no `input_tokens` or `cost` column"
                ),
            ));
        }
        Ok(CostSource::Tokens { input, output })
    }
}

/// A whole-number token count from a record.
fn count(csv: &Csv, record: &Record, column: usize) -> Result<u32, FormatError> {
    let text = record.field(column);
    parse_count(text).ok_or_else(|| {
        csv.error(
            record,
            format!("token count is {text:?}, expected a non-negative whole number"),
        )
    })
}

/// Per-sample columns in row order.
struct SampleRows {
    ids: Vec<String>,
    datasets: Vec<String>,
    splits: Vec<Split>,
    tasks: Vec<String>,
    /// Estimated input tokens, when samples.csv has a `question` column.
    input_estimate: Option<Vec<u32>>,
    /// The question text, when samples.csv has a `question` column.
    questions: Option<Vec<String>>,
}

impl SampleRows {
    /// samples.csv rows in file order; a duplicate id is an error naming both lines.
    fn from_csv(csv: &Csv) -> Result<SampleRows, FormatError> {
        let id_col = csv.require("sample_id")?;
        let (dataset_col, split_col, task_col) = (
            csv.column("dataset"),
            csv.column("split"),
            csv.column("task"),
        );
        let (question_col, image_col) = (csv.column("question"), csv.column("image_path"));
        let mut rows = SampleRows {
            ids: Vec::new(),
            datasets: Vec::new(),
            splits: Vec::new(),
            tasks: Vec::new(),
            input_estimate: question_col.map(|_| Vec::new()),
            questions: question_col.map(|_| Vec::new()),
        };
        let mut first_line: HashMap<&str, usize> = HashMap::new();
        for record in csv.rows() {
            let id = record.field(id_col);
            if let Some(first) = first_line.insert(id, record.line) {
                return Err(csv.error(
                    record,
                    format!("sample id {id} appears twice (first on line {first})"),
                ));
            }
            let field = |col: Option<usize>| col.map(|c| record.field(c).trim());
            rows.push(
                id,
                field(dataset_col),
                field(split_col).map_or(Split::Unknown, Split::parse),
                field(task_col),
            );
            if let (Some(estimate), Some(q)) = (rows.input_estimate.as_mut(), question_col) {
                let images = field(image_col).is_some_and(|p| !p.is_empty()) as u32;
                let chars = record.field(q).chars().count();
                estimate.push(text_tokens(chars).saturating_add(IMAGE_TOKENS * images));
            }
            if let (Some(questions), Some(q)) = (rows.questions.as_mut(), question_col) {
                questions.push(record.field(q).to_owned());
            }
        }
        Ok(rows)
    }

    /// Samples in order of first appearance in the (non-baseline) records, split unknown.
    fn from_records(
        records: &Csv,
        id_col: usize,
        model_col: usize,
        is_baseline: &dyn Fn(&str) -> bool,
    ) -> SampleRows {
        let mut rows = SampleRows {
            ids: Vec::new(),
            datasets: Vec::new(),
            splits: Vec::new(),
            tasks: Vec::new(),
            input_estimate: None,
            questions: None,
        };
        let mut known: HashSet<&str> = HashSet::new();
        for record in records.rows() {
            let id = record.field(id_col);
            if !is_baseline(record.field(model_col)) && known.insert(id) {
                rows.push(id, None, Split::Unknown, None);
            }
        }
        rows
    }

    /// Appends a sample; the dataset defaults to the id's prefix before its first `/`, the task to
    /// the catalog's task type of that dataset (e.g. `math`), else `unknown`.
    fn push(&mut self, id: &str, dataset: Option<&str>, split: Split, task: Option<&str>) {
        let dataset = dataset
            .filter(|d| !d.is_empty())
            .or_else(|| id.split_once('/').map(|(prefix, _)| prefix))
            .filter(|d| !d.is_empty())
            .unwrap_or("unknown");
        let task = task
            .filter(|t| !t.is_empty())
            .or_else(|| catalog::official_dataset(dataset).map(|d| d.task))
            .unwrap_or("unknown");
        self.ids.push(id.to_owned());
        self.datasets.push(dataset.to_owned());
        self.splits.push(split);
        self.tasks.push(task.to_owned());
    }
}

/// round-half-even(chars / 4): the data's crude 4-characters-per-token rule.
fn text_tokens(chars: usize) -> u32 {
    let (q, r) = (chars / 4, chars % 4);
    let rounded = if r > 2 || (r == 2 && q % 2 == 1) {
        q + 1
    } else {
        q
    };
    u32::try_from(rounded).unwrap_or(u32::MAX)
}

/// A model's prices, USD per 1M tokens, and where they come from.
#[derive(Clone)]
struct Price {
    input: f64,
    output: f64,
    basis: String,
}

/// One row of models.csv.
struct ListedModel {
    display_name: String,
    baseline: bool,
    price: Option<Price>,
}

/// models.csv by model id.
fn read_models_csv(csv: &Csv) -> Result<HashMap<String, ListedModel>, FormatError> {
    let model_col = csv.require("model")?;
    let (name_col, baseline_col) = (csv.column("display_name"), csv.column("is_baseline"));
    let mut out = HashMap::new();
    for record in csv.rows() {
        let id = record.field(model_col);
        let baseline = baseline_col
            .map(|c| record.field(c).trim())
            .is_some_and(|v| matches!(v, "1" | "true" | "True"));
        let listed = ListedModel {
            display_name: name_col
                .map(|c| record.field(c).trim().to_owned())
                .unwrap_or_default(),
            baseline,
            price: price_of(csv, record, id, "models.csv price columns", false)?,
        };
        if out.insert(id.to_owned(), listed).is_some() {
            return Err(csv.error(record, format!("model {id} is listed twice")));
        }
    }
    Ok(out)
}

/// Reads a prices file (`model,price_input_usd_per_mtok,price_output_usd_per_mtok[,price_basis]`,
/// the format of `vlrb pack --prices`): each row's `model` as written, with its prices, sorted by
/// model. Bad numbers and duplicate models are errors naming the line.
pub fn read_prices_file(
    path: &Path,
) -> Result<Vec<(String, vlrb_core::prices::Price)>, FormatError> {
    let mut prices: Vec<(String, vlrb_core::prices::Price)> =
        read_prices(&Csv::read(path, "the prices file")?)?
            .into_iter()
            .map(|(model, p)| {
                let price = vlrb_core::prices::Price {
                    input: p.input,
                    output: p.output,
                };
                (model, price)
            })
            .collect();
    prices.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(prices)
}

/// A prices file: model, price_input_usd_per_mtok, price_output_usd_per_mtok[, price_basis].
fn read_prices(csv: &Csv) -> Result<HashMap<String, Price>, FormatError> {
    let model_col = csv.require("model")?;
    let file_name = csv
        .path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let basis = format!("prices file {file_name}");
    let mut out = HashMap::new();
    for record in csv.rows() {
        let id = record.field(model_col);
        let price = price_of(csv, record, id, &basis, true)?
            .ok_or_else(|| csv.error(record, format!("no price for model {id}")))?;
        if out.insert(id.to_owned(), price).is_some() {
            return Err(csv.error(record, format!("model {id} is priced twice")));
        }
    }
    Ok(out)
}

/// The price columns of a record: `None` when both are empty; one empty or a bad number is an
/// error naming the model. `price_basis`, when present and non-empty, overrides `default_basis`.
fn price_of(
    csv: &Csv,
    record: &Record,
    id: &str,
    default_basis: &str,
    required: bool,
) -> Result<Option<Price>, FormatError> {
    let (in_col, out_col) = if required {
        (Some(csv.require(PRICE_IN)?), Some(csv.require(PRICE_OUT)?))
    } else {
        (csv.column(PRICE_IN), csv.column(PRICE_OUT))
    };
    let text = |col: Option<usize>| col.map_or("", |c| record.field(c).trim());
    let (input, output) = (text(in_col), text(out_col));
    if input.is_empty() && output.is_empty() {
        return Ok(None);
    }
    let parse = |value: &str, column: &str| {
        parse_non_negative(value).ok_or_else(|| {
            csv.error(
                record,
                format!(
                    "{column} is {value:?} for model {id}, expected a non-negative number of USD \
                     per 1M tokens"
                ),
            )
        })
    };
    let basis = csv
        .column("price_basis")
        .map(|c| record.field(c).trim())
        .filter(|b| !b.is_empty())
        .unwrap_or(default_basis);
    Ok(Some(Price {
        input: parse(input, PRICE_IN)?,
        output: parse(output, PRICE_OUT)?,
        basis: basis.to_owned(),
    }))
}

/// Every `text_*.npy` (text) and `image_*.npy` (vision) of the set, text first, each in file-name
/// order; each must have `n` rows. float16 files keep their bits.
fn read_embeddings(files: &Files, n: usize) -> Result<Vec<EmbeddingSet>, FormatError> {
    let mut found: Vec<(Modality, &str, &str, &[u8])> = files
        .files
        .iter()
        .filter_map(|(file, bytes)| {
            embedding_file(file).map(|(modality, name)| (modality, name, file.as_str(), &bytes[..]))
        })
        .collect();
    found.sort_by(|a, b| (a.0 == Modality::Vision, a.1).cmp(&(b.0 == Modality::Vision, b.1)));
    let mut sets = Vec::with_capacity(found.len());
    for (modality, name, file, bytes) in found {
        let path = files.path(file);
        let (rows, dim, values) = npy::read_floats(bytes, &path)?;
        if rows != n || dim == 0 {
            return Err(FormatError::invalid(
                &path,
                format!("array is {rows} x {dim}, expected {n} rows (one per sample) of width > 0"),
            ));
        }
        let data = match values {
            Floats::F16(bits) => EmbeddingData::F16(bits),
            Floats::F32(values) => EmbeddingData::F32(values),
        };
        sets.push(EmbeddingSet {
            name: name.to_owned(),
            modality,
            dim,
            data,
            max_abs_error: 0.0,
        });
    }
    Ok(sets)
}

#[cfg(test)]
mod tests {
    use super::text_tokens;

    #[test]
    fn text_tokens_round_half_to_even() {
        let got: Vec<u32> = [0, 1, 2, 3, 5, 6, 10, 14, 4003].map(text_tokens).to_vec();
        assert_eq!(got, [0, 0, 0, 1, 1, 2, 2, 4, 1001]);
    }
}
