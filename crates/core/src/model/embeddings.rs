//! Per-sample embedding sets: how their numbers are stored in a bundle, and their decoding, whole
//! or one row at a time into a caller's buffer (so fusing two sets writes each value once).

use serde::{Deserialize, Serialize};

use super::projected::{Projected, ProjectedRows};
use crate::routers::simd::Width;

/// The modality an embedding set encodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Modality {
    /// Text (prompt) embedding.
    Text,
    /// Image embedding.
    Vision,
}

impl Modality {
    /// Lower-case name (`text`, `vision`): the official layout's folder name.
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Text => "text",
            Modality::Vision => "vision",
        }
    }
}

/// How an embedding set's numbers are stored in the bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EmbeddingData {
    /// Full precision, row-major N x dim.
    F32(Vec<f32>),
    /// IEEE half precision bits, row-major N x dim.
    F16(Vec<u16>),
    /// A projection plus int8 codes ([`Projected`], fitted by [`crate::compress`]).
    Projected(Projected),
}

/// One named set of per-sample embeddings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmbeddingSet {
    /// Encoder name (e.g. `bge-m3`): the parquet file's stem in the official layout.
    pub name: String,
    /// What it embeds.
    pub modality: Modality,
    /// Width of a row.
    pub dim: usize,
    /// The stored numbers.
    pub data: EmbeddingData,
    /// Largest absolute difference between stored-then-decoded values and the source values.
    pub max_abs_error: f32,
}

impl EmbeddingSet {
    /// Stores full-precision rows.
    pub fn from_f32(name: &str, modality: Modality, dim: usize, values: Vec<f32>) -> EmbeddingSet {
        EmbeddingSet {
            name: name.to_owned(),
            modality,
            dim,
            data: EmbeddingData::F32(values),
            max_abs_error: 0.0,
        }
    }

    /// The decoded row-major N x dim matrix: exactly what routers train on and `export` writes
    /// (empty when the stored parts are inconsistent, which a validated benchmark never is).
    pub fn decode(&self) -> Vec<f32> {
        self.row_decoder()
            .map_or_else(Vec::new, |rows| rows.decode_all())
    }

    /// The set decoded one row at a time, at the widest SIMD width here (`None` when the stored
    /// parts are inconsistent with `dim`).
    pub fn row_decoder(&self) -> Option<RowDecoder<'_>> {
        let dim = self.dim;
        let whole = |len: usize| dim > 0 && len.is_multiple_of(dim);
        match &self.data {
            EmbeddingData::F32(v) => whole(v.len()).then_some(RowDecoder::F32 { values: v, dim }),
            EmbeddingData::F16(v) => whole(v.len()).then_some(RowDecoder::F16 { bits: v, dim }),
            EmbeddingData::Projected(p) => p
                .row_decoder(Width::detect(), dim)
                .map(RowDecoder::Projected),
        }
    }

    /// Number of stored values.
    pub(super) fn stored_len(&self) -> usize {
        match &self.data {
            EmbeddingData::F32(v) => v.len(),
            EmbeddingData::F16(v) => v.len(),
            EmbeddingData::Projected(p) => p.rows(self.dim).map_or(0, |rows| rows * self.dim),
        }
    }
}

/// An embedding set's rows, decoded one at a time into a caller's buffer: the same values as
/// [`EmbeddingSet::decode`] bit for bit.
#[derive(Debug, Clone)]
pub enum RowDecoder<'a> {
    /// Full-precision rows, copied.
    F32 {
        /// The stored values.
        values: &'a [f32],
        /// Width of a row.
        dim: usize,
    },
    /// Half-precision rows, widened.
    F16 {
        /// The stored bits.
        bits: &'a [u16],
        /// Width of a row.
        dim: usize,
    },
    /// A projection's rows, reconstructed.
    Projected(ProjectedRows<'a>),
}

impl RowDecoder<'_> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            RowDecoder::F32 { values, dim } => values.len() / dim,
            RowDecoder::F16 { bits, dim } => bits.len() / dim,
            RowDecoder::Projected(p) => p.len(),
        }
    }

    /// True when the set has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Width of a row.
    pub fn dim(&self) -> usize {
        match self {
            RowDecoder::F32 { dim, .. } | RowDecoder::F16 { dim, .. } => *dim,
            RowDecoder::Projected(p) => p.dim(),
        }
    }

    /// Every row decoded: the row-major `len() x dim()` matrix.
    pub fn decode_all(&self) -> Vec<f32> {
        let mut out = vec![0.0; self.len() * self.dim()];
        for (i, row) in out.chunks_exact_mut(self.dim()).enumerate() {
            self.decode_row(i, row);
        }
        out
    }

    /// Writes row `i` (`dim` values) into `out[..dim]`.
    ///
    /// # Panics
    /// When `i` is not below [`RowDecoder::len`] or `out` is shorter than a row.
    pub fn decode_row(&self, i: usize, out: &mut [f32]) {
        match self {
            RowDecoder::F32 { values, dim } => {
                out[..*dim].copy_from_slice(&values[i * dim..(i + 1) * dim]);
            }
            RowDecoder::F16 { bits, dim } => {
                for (o, &h) in out[..*dim].iter_mut().zip(&bits[i * dim..(i + 1) * dim]) {
                    *o = half::f16::from_bits(h).to_f32();
                }
            }
            RowDecoder::Projected(p) => p.decode_row(i, out),
        }
    }
}
