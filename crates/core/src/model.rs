//! The benchmark data model: models, samples, the quality matrix Y, the cost matrix C, cost bounds,
//! token counts, embedding sets and provenance. Everything is keyed by id; positions follow the
//! protocol's orders (models: sorted ids; samples: meta order).

mod embeddings;
mod projected;
mod questions;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use embeddings::{EmbeddingData, EmbeddingSet, Modality, RowDecoder};
pub use projected::{Projected, ProjectedRows};
pub use questions::Questions;

/// A candidate model of the routing pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Internal id (the key of every column).
    pub id: String,
    /// Display name (accepted in predictions as an alias of the id).
    pub name: String,
    /// USD per 1M input tokens, when known.
    pub price_input: Option<f64>,
    /// USD per 1M output tokens, when known.
    pub price_output: Option<f64>,
    /// Where the prices come from (e.g. "VL-RouterBench README table").
    pub price_basis: String,
}

/// The split a sample belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Split {
    /// Router training data.
    Train,
    /// Model selection data (lambda, checkpoints).
    Dev,
    /// The evaluation split.
    Test,
    /// Not assigned.
    Unknown,
}

impl Split {
    /// Parses the `split` column (`train`, `dev`, `test`, anything else is `Unknown`).
    pub fn parse(text: &str) -> Split {
        match text {
            "train" => Split::Train,
            "dev" | "val" | "validation" => Split::Dev,
            "test" => Split::Test,
            _ => Split::Unknown,
        }
    }

    /// The lower-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Dev => "dev",
            Split::Test => "test",
            Split::Unknown => "unknown",
        }
    }
}

/// Per-sample metadata, column-wise. Datasets, groups and tasks are interned.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Samples {
    /// Sample ids in row order.
    pub ids: Vec<String>,
    /// Distinct dataset names, in first-seen order.
    pub datasets: Vec<String>,
    /// Task group of each entry of `datasets`.
    pub dataset_groups: Vec<String>,
    /// Distinct task types.
    pub tasks: Vec<String>,
    /// Index into `datasets` per row.
    pub dataset: Vec<u16>,
    /// Index into `tasks` per row.
    pub task: Vec<u16>,
    /// Split per row.
    pub split: Vec<Split>,
}

impl Samples {
    /// Builds the columns from per-row strings.
    pub fn from_rows<'a>(
        rows: impl IntoIterator<Item = (&'a str, &'a str, Split, &'a str)>,
        group_of: impl Fn(&str) -> String,
    ) -> Samples {
        let mut samples = Samples::default();
        for (id, dataset, split, task) in rows {
            let d = intern(&mut samples.datasets, dataset);
            if d == samples.dataset_groups.len() {
                samples.dataset_groups.push(group_of(dataset));
            }
            let t = intern(&mut samples.tasks, task);
            samples.ids.push(id.to_owned());
            samples.dataset.push(d as u16);
            samples.task.push(t as u16);
            samples.split.push(split);
        }
        samples
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Dataset name of row `i`.
    pub fn dataset_of(&self, i: usize) -> &str {
        &self.datasets[self.dataset[i] as usize]
    }

    /// Task group of row `i`.
    pub fn group_of(&self, i: usize) -> &str {
        &self.dataset_groups[self.dataset[i] as usize]
    }

    /// Task type of row `i`.
    pub fn task_of(&self, i: usize) -> &str {
        &self.tasks[self.task[i] as usize]
    }

    /// Row indices of one split, in row order.
    pub fn rows_in(&self, split: Split) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| self.split[i] == split)
            .collect()
    }

    /// Distinct groups in first-seen order.
    pub fn groups(&self) -> Vec<&str> {
        let mut groups: Vec<&str> = Vec::new();
        for g in &self.dataset_groups {
            if !groups.contains(&g.as_str()) {
                groups.push(g);
            }
        }
        groups
    }
}

fn intern(table: &mut Vec<String>, value: &str) -> usize {
    match table.iter().position(|v| v == value) {
        Some(i) => i,
        None => {
            table.push(value.to_owned());
            table.len() - 1
        }
    }
}

/// A binary N x K matrix stored one bit per cell, row-major.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BitMatrix {
    rows: usize,
    cols: usize,
    bits: Vec<u64>,
}

impl BitMatrix {
    /// An all-zero matrix.
    pub fn zeros(rows: usize, cols: usize) -> BitMatrix {
        BitMatrix {
            rows,
            cols,
            bits: vec![0; (rows * cols).div_ceil(64)],
        }
    }

    /// Builds from row-major 0/1 values; any other value is an error naming its cell.
    pub fn from_values(rows: usize, cols: usize, values: &[i8]) -> Result<BitMatrix> {
        if values.len() != rows * cols {
            return Err(Error::Shape(format!(
                "quality matrix has {} cells, expected {rows} x {cols}",
                values.len()
            )));
        }
        let mut m = BitMatrix::zeros(rows, cols);
        for (cell, &v) in values.iter().enumerate() {
            match v {
                0 => {}
                1 => m.bits[cell / 64] |= 1 << (cell % 64),
                other => {
                    return Err(Error::Value(format!(
                        "quality matrix cell (row {}, column {}) is {other}, expected 0 or 1",
                        cell / cols,
                        cell % cols
                    )));
                }
            }
        }
        Ok(m)
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The cell (i, j).
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> bool {
        let cell = i * self.cols + j;
        (self.bits[cell / 64] >> (cell % 64)) & 1 == 1
    }

    /// Sets the cell (i, j).
    pub fn set(&mut self, i: usize, j: usize, value: bool) {
        let cell = i * self.cols + j;
        if value {
            self.bits[cell / 64] |= 1 << (cell % 64);
        } else {
            self.bits[cell / 64] &= !(1 << (cell % 64));
        }
    }

    /// Row-major 0/1 values (the int8 layout of Y.npz).
    pub fn to_values(&self) -> Vec<i8> {
        (0..self.rows * self.cols)
            .map(|c| ((self.bits[c / 64] >> (c % 64)) & 1) as i8)
            .collect()
    }

    fn check(&self) -> Result<()> {
        let cells = self.rows.checked_mul(self.cols);
        if cells.map(|c| c.div_ceil(64)) != Some(self.bits.len()) {
            return Err(Error::Corrupt(
                "quality matrix size does not match its shape".into(),
            ));
        }
        Ok(())
    }
}

/// Cost normalisation bounds of the Rank Score (USD per sample).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CostBounds {
    /// Cheapest model's mean per-sample cost.
    pub cmin: f64,
    /// Dearest model's mean per-sample cost.
    pub cmax: f64,
}

/// Token counts behind the cost matrix, so costs can be recomputed under other prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tokens {
    /// Input tokens per sample (prompt + images), shared by all models.
    pub input: Vec<u32>,
    /// Output tokens per (sample, model), row-major N x K.
    pub output: Vec<u32>,
}

/// Where a benchmark comes from and under which terms it is shipped.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Provenance {
    /// Human-readable data source (e.g. "MATH-V repository, commit a1f5cc3").
    pub source: String,
    /// True for generated data whose numbers are not any paper's.
    pub synthetic: bool,
    /// Licence of the data.
    pub licence: String,
    /// Attribution required by the licence.
    pub attribution: String,
    /// Free-form notes (how costs were derived, caveats).
    pub notes: String,
}

/// One benchmark: everything the protocol needs, aligned by row (sample) and column (model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Benchmark {
    /// Short name, used in URLs (`?bench=`) and `vlrb info`.
    pub name: String,
    /// Origin and terms.
    pub provenance: Provenance,
    /// Candidate models in column order.
    pub models: Vec<Model>,
    /// Sample metadata in row order.
    pub samples: Samples,
    /// Quality matrix Y (N x K): model j answered sample i correctly.
    pub quality: BitMatrix,
    /// Cost matrix C (N x K, row-major), USD per sample.
    pub cost: Vec<f32>,
    /// Rank Score cost bounds.
    pub bounds: CostBounds,
    /// Token counts behind C, when the source has them.
    pub tokens: Option<Tokens>,
    /// Per-sample embeddings.
    pub embeddings: Vec<EmbeddingSet>,
    /// Per-sample question text, when the source has it. A bundle stores it in a section after the
    /// benchmark (see [`crate::bundle`]), so bundles without text keep their bytes.
    #[serde(skip)]
    pub questions: Option<Questions>,
}

impl Benchmark {
    /// Number of samples (rows).
    pub fn num_samples(&self) -> usize {
        self.samples.len()
    }

    /// Number of models (columns).
    pub fn num_models(&self) -> usize {
        self.models.len()
    }

    /// Cost of model j on sample i, USD.
    #[inline]
    pub fn cost(&self, i: usize, j: usize) -> f64 {
        self.cost[i * self.models.len() + j] as f64
    }

    /// Whether model j answered sample i correctly.
    #[inline]
    pub fn correct(&self, i: usize, j: usize) -> bool {
        self.quality.get(i, j)
    }

    /// Column of a model given its id or display name (ids first).
    pub fn model_index(&self, key: &str) -> Option<usize> {
        self.models
            .iter()
            .position(|m| m.id == key)
            .or_else(|| self.models.iter().position(|m| m.name == key))
    }

    /// Per-model mean of the positive cells of C over all samples (the fallback bounds' basis).
    pub fn per_model_mean_cost(&self) -> Vec<f64> {
        let k = self.num_models();
        (0..k)
            .map(|j| {
                let (sum, n) = (0..self.num_samples())
                    .map(|i| self.cost(i, j))
                    .filter(|&c| c > 0.0)
                    .fold((0.0, 0usize), |(s, n), c| (s + c, n + 1));
                if n == 0 { 0.0 } else { sum / n as f64 }
            })
            .collect()
    }

    /// Bounds by the protocol's fallback rule: cheapest and dearest per-model mean positive cost.
    pub fn computed_bounds(&self) -> CostBounds {
        let means = self.per_model_mean_cost();
        CostBounds {
            cmin: means.iter().copied().fold(f64::INFINITY, f64::min),
            cmax: means.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }

    /// Finds an embedding set by name.
    pub fn embedding(&self, name: &str) -> Option<&EmbeddingSet> {
        self.embeddings.iter().find(|e| e.name == name)
    }

    /// First embedding set of a modality.
    pub fn embedding_of(&self, modality: Modality) -> Option<&EmbeddingSet> {
        self.embeddings.iter().find(|e| e.modality == modality)
    }

    /// Checks internal consistency: shapes, unique ids, finite non-negative costs, sane bounds.
    /// Every problem is reported with what was found and what was expected.
    pub fn validate(&self) -> Result<()> {
        let (n, k) = (self.num_samples(), self.num_models());
        if k == 0 {
            return Err(Error::Shape("benchmark has no models".into()));
        }
        if n == 0 {
            return Err(Error::Shape("benchmark has no samples".into()));
        }
        let s = &self.samples;
        for (what, len) in [
            ("dataset", s.dataset.len()),
            ("task", s.task.len()),
            ("split", s.split.len()),
        ] {
            if len != n {
                return Err(Error::Shape(format!(
                    "sample column `{what}` has {len} rows, expected {n}"
                )));
            }
        }
        if s.dataset_groups.len() != s.datasets.len() {
            return Err(Error::Corrupt(
                "dataset groups do not match datasets".into(),
            ));
        }
        if s.dataset.iter().any(|&d| d as usize >= s.datasets.len())
            || s.task.iter().any(|&t| t as usize >= s.tasks.len())
        {
            return Err(Error::Corrupt("sample metadata index out of range".into()));
        }
        let mut ids: Vec<&str> = s.ids.iter().map(String::as_str).collect();
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(Error::Value(format!("duplicate sample id {}", w[0])));
        }
        let mut model_ids: Vec<&str> = self.models.iter().map(|m| m.id.as_str()).collect();
        model_ids.sort_unstable();
        if let Some(w) = model_ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(Error::Value(format!("duplicate model id {}", w[0])));
        }
        self.quality.check()?;
        if self.quality.rows() != n || self.quality.cols() != k {
            return Err(Error::Shape(format!(
                "quality matrix is {} x {}, expected {n} x {k}",
                self.quality.rows(),
                self.quality.cols()
            )));
        }
        if self.cost.len() != n * k {
            return Err(Error::Shape(format!(
                "cost matrix has {} cells, expected {n} x {k}",
                self.cost.len()
            )));
        }
        if let Some(cell) = self.cost.iter().position(|c| !c.is_finite() || *c < 0.0) {
            return Err(Error::Value(format!(
                "cost of sample {} for model {} is {}, expected a finite non-negative number",
                s.ids[cell / k],
                self.models[cell % k].id,
                self.cost[cell]
            )));
        }
        let b = self.bounds;
        if !(b.cmin.is_finite() && b.cmax.is_finite() && b.cmin > 0.0 && b.cmax >= b.cmin) {
            return Err(Error::Value(format!(
                "cost bounds cmin={} cmax={} are invalid, expected 0 < cmin <= cmax",
                b.cmin, b.cmax
            )));
        }
        if let Some(t) = &self.tokens
            && (t.input.len() != n || t.output.len() != n * k)
        {
            return Err(Error::Shape(format!(
                "token counts have {} input and {} output entries, expected {n} and {}",
                t.input.len(),
                t.output.len(),
                n * k
            )));
        }
        if let Some(q) = &self.questions
            && q.len() != n
        {
            return Err(Error::Shape(format!(
                "question text has {} entries, expected {n}",
                q.len()
            )));
        }
        for e in &self.embeddings {
            if e.dim == 0 || Some(e.stored_len()) != n.checked_mul(e.dim) {
                return Err(Error::Shape(format!(
                    "embedding set {} stores {} values, expected {n} x {}",
                    e.name,
                    e.stored_len(),
                    e.dim
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_matrix_round_trips() {
        let values: Vec<i8> = (0..70).map(|i| (i % 3 == 0) as i8).collect();
        let m = BitMatrix::from_values(7, 10, &values).unwrap();
        assert_eq!(m.to_values(), values);
        assert!(m.get(0, 0) && !m.get(0, 1) && m.get(6, 9));
    }

    #[test]
    fn bit_matrix_rejects_non_binary() {
        let err = BitMatrix::from_values(1, 2, &[0, 2]).unwrap_err();
        assert!(err.to_string().contains("row 0, column 1"), "{err}");
    }
}
