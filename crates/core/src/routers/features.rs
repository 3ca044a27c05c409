//! Router input features (protocol 4.1 and the decision table): the bundle's decoded embeddings,
//! fused (text only, image only, or Normalize-Concat), then z-scored with the training rows' mean
//! and standard deviation.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Benchmark, Modality};

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

/// Fuses the bundle's embeddings for every sample (N rows).
pub fn fuse(bench: &Benchmark, fusion: Fusion) -> Result<Matrix> {
    let get = |m: Modality| {
        bench.embedding_of(m).ok_or_else(|| {
            Error::Value(format!(
                "benchmark {} has no {} embeddings, needed by --features {}",
                bench.name,
                m.as_str(),
                fusion.as_str()
            ))
        })
    };
    let n = bench.num_samples();
    match fusion {
        Fusion::Text | Fusion::Image => {
            let set = get(if fusion == Fusion::Text {
                Modality::Text
            } else {
                Modality::Vision
            })?;
            Ok(Matrix {
                rows: n,
                cols: set.dim,
                data: set.decode(),
            })
        }
        Fusion::Concat => {
            let (t, v) = (get(Modality::Text)?, get(Modality::Vision)?);
            let (mut td, mut vd) = (t.decode(), v.decode());
            let cols = t.dim + v.dim;
            let mut data = Vec::with_capacity(n * cols);
            for i in 0..n {
                let tr = &mut td[i * t.dim..(i + 1) * t.dim];
                l2_normalize(tr);
                data.extend_from_slice(tr);
                let vr = &mut vd[i * v.dim..(i + 1) * v.dim];
                l2_normalize(vr);
                data.extend_from_slice(vr);
            }
            Ok(Matrix {
                rows: n,
                cols,
                data,
            })
        }
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
            for (m, &v) in mean.iter_mut().zip(x.row(i)) {
                *m += v as f64;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut var = vec![0.0f64; d];
        for &i in rows {
            for ((s, &v), m) in var.iter_mut().zip(x.row(i)).zip(&mean) {
                *s += (v as f64 - m) * (v as f64 - m);
            }
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
            for ((v, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
                *v = (*v - m) / s;
            }
        }
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
