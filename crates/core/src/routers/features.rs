//! Router input features (protocol 4.1 and the decision table): the bundle's decoded embeddings,
//! fused (text only, image only, or Normalize-Concat), then z-scored with the training rows' mean
//! and standard deviation.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Benchmark, Modality, RowDecoder};

/// How the two modalities are fused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fusion {
    /// The text embedding only (Only-Text).
    Text,
    /// The image embedding only (Only-Image).
    Image,
    /// Each modality L2-normalised row-wise (zero norm left as is), then concatenated.
    #[default]
    Concat,
}

impl Fusion {
    /// Parses `text`, `image` or `concat`.
    pub fn parse(text: &str) -> Option<Fusion> {
        match text {
            "text" => Some(Fusion::Text),
            "image" | "vision" => Some(Fusion::Image),
            "concat" | "normalize-concat" | "normalize_concat" => Some(Fusion::Concat),
            _ => None,
        }
    }

    /// The name `parse` accepts.
    pub fn as_str(self) -> &'static str {
        match self {
            Fusion::Text => "text",
            Fusion::Image => "image",
            Fusion::Concat => "concat",
        }
    }
}

/// A dense row-major matrix of features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// `rows * cols` values.
    pub data: Vec<f32>,
}

impl Matrix {
    /// Row `i`.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// The given rows, in order, as a new matrix.
    pub fn gather(&self, rows: &[usize]) -> Matrix {
        let mut data = Vec::with_capacity(rows.len() * self.cols);
        for &i in rows {
            data.extend_from_slice(self.row(i));
        }
        Matrix {
            rows: rows.len(),
            cols: self.cols,
            data,
        }
    }

    /// Copies the given rows into `out` (length at least `rows.len() * cols`).
    pub fn gather_into(&self, rows: &[usize], out: &mut [f32]) {
        for (r, &i) in rows.iter().enumerate() {
            out[r * self.cols..(r + 1) * self.cols].copy_from_slice(self.row(i));
        }
    }

    /// Scales every row to unit L2 norm (zero rows stay zero).
    pub fn normalize_rows(&mut self) {
        for row in self.data.chunks_exact_mut(self.cols.max(1)) {
            l2_normalize(row);
        }
    }
}

fn l2_normalize(row: &mut [f32]) {
    let norm = row
        .iter()
        .map(|&v| (v as f64) * (v as f64))
        .sum::<f64>()
        .sqrt();
    let norm = if norm == 0.0 { 1.0 } else { norm };
    for v in row {
        *v = (*v as f64 / norm) as f32;
    }
}

/// Fuses the bundle's embeddings for every sample (N rows), decoding each value straight into
/// the fused matrix.
pub fn fuse(bench: &Benchmark, fusion: Fusion) -> Result<Matrix> {
    let n = bench.num_samples();
    let decoder = |m: Modality| {
        let set = bench.embedding_of(m).ok_or_else(|| {
            Error::Value(format!(
                "benchmark {} has no {} embeddings, needed by --features {}",
                bench.name,
                m.as_str(),
                fusion.as_str()
            ))
        })?;
        set.row_decoder()
            .filter(|rows| rows.len() == n)
            .ok_or_else(|| {
                Error::Value(format!(
                    "benchmark {}: the {} embeddings ({}) do not hold {n} rows of {} values",
                    bench.name,
                    m.as_str(),
                    set.name,
                    set.dim
                ))
            })
    };
    let sets = match fusion {
        Fusion::Text => vec![decoder(Modality::Text)?],
        Fusion::Image => vec![decoder(Modality::Vision)?],
        Fusion::Concat => vec![decoder(Modality::Text)?, decoder(Modality::Vision)?],
    };
    let normalize = fusion == Fusion::Concat;
    let cols: usize = sets.iter().map(RowDecoder::dim).sum();
    let mut data = vec![0.0; n * cols];
    for (i, row) in data.chunks_exact_mut(cols.max(1)).enumerate() {
        fuse_row(&sets, normalize, i, row);
    }
    Ok(Matrix {
        rows: n,
        cols,
        data,
    })
}

/// Writes sample `i`'s fused row: each set's decoded row in turn, L2-normalised when `normalize`.
///
/// Never inlined: browsers run a wasm function in baseline code until it has been called often
/// enough to be optimised, and a loop cannot switch mid-call, so the per-row work must be a call of
/// its own (inlined into one long loop it ran about four times slower in Chromium).
#[inline(never)]
fn fuse_row(sets: &[RowDecoder], normalize: bool, i: usize, row: &mut [f32]) {
    let mut at = 0;
    for rows in sets {
        let dim = rows.dim();
        let part = &mut row[at..at + dim];
        rows.decode_row(i, part);
        if normalize {
            l2_normalize(part);
        }
        at += dim;
    }
}

/// Per-column standardisation fitted on training rows (StandardScaler: population std; a zero
/// std divides by 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scaler {
    /// Column means.
    pub mean: Vec<f32>,
    /// Column standard deviations (1 where the column is constant).
    pub std: Vec<f32>,
}

impl Scaler {
    /// Fits on the given rows of `x` (f64 accumulation, two passes).
    pub fn fit(x: &Matrix, rows: &[usize]) -> Scaler {
        let d = x.cols;
        let n = rows.len().max(1) as f64;
        let mut mean = vec![0.0f64; d];
        for &i in rows {
            add_row(&mut mean, x.row(i));
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut var = vec![0.0f64; d];
        for &i in rows {
            add_squared_deviations(&mut var, x.row(i), &mean);
        }
        let std = var
            .iter()
            .map(|s| {
                let sd = (s / n).sqrt();
                if sd == 0.0 { 1.0 } else { sd as f32 }
            })
            .collect();
        Scaler {
            mean: mean.iter().map(|&m| m as f32).collect(),
            std,
        }
    }

    /// Standardises every row of `x` in place.
    pub fn apply(&self, x: &mut Matrix) {
        for row in x.data.chunks_exact_mut(x.cols.max(1)) {
            self.standardize(row);
        }
    }

    /// Standardises one row in place (a call of its own, as [`fuse_row`] says why).
    #[inline(never)]
    fn standardize(&self, row: &mut [f32]) {
        for ((v, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
            *v = (*v - m) / s;
        }
    }
}

/// `sum[c] += row[c]` in f64 (a call of its own, as [`fuse_row`] says why).
#[inline(never)]
fn add_row(sum: &mut [f64], row: &[f32]) {
    for (s, &v) in sum.iter_mut().zip(row) {
        *s += v as f64;
    }
}

/// `sum[c] += (row[c] - mean[c])^2` in f64 (a call of its own, as [`fuse_row`] says why).
#[inline(never)]
fn add_squared_deviations(sum: &mut [f64], row: &[f32], mean: &[f64]) {
    for ((s, &v), m) in sum.iter_mut().zip(row).zip(mean) {
        *s += (v as f64 - m) * (v as f64 - m);
    }
}

/// Fused, z-scored features of all N samples plus the scaler that produced them.
pub fn prepare(
    bench: &Benchmark,
    fusion: Fusion,
    train_rows: &[usize],
) -> Result<(Matrix, Scaler)> {
    let mut x = fuse(bench, fusion)?;
    let scaler = Scaler::fit(&x, train_rows);
    scaler.apply(&mut x);
    Ok((x, scaler))
}
