//! Compact embedding storage: a linear projection plus int8 codes, and its decoding.
//!
//! A set of N rows of width `dim` is stored as a mean (f32), `r` basis vectors (IEEE half
//! precision), one quantization step per component (f32) and N x r int8 codes, laid out
//! component-major (all rows of component 0, then component 1, ...). Decoding is plain f32
//! arithmetic in a fixed order (multiply then add, never fused), so it gives the same bits natively
//! and in wasm:
//!
//! ```text
//! x[i][t] = mean[t] + sum over c = 0..r of (codes[c][i] as f32 * steps[c]) * basis[c][t]
//! ```
//!
//! Fitting the projection is [`crate::compress`]'s job; the data model only stores and decodes it.

use serde::{Deserialize, Serialize};

use super::embeddings::RowDecoder;
use crate::routers::simd::{Width, axpy};

/// A projected, int8-quantized embedding set (see [`crate::compress`] for how it is fitted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Projected {
    /// Number of components r.
    pub components: usize,
    /// Per-column mean, length `dim`.
    pub mean: Vec<f32>,
    /// Basis vectors as IEEE half-precision bits, r x dim row-major.
    pub basis: Vec<u16>,
    /// Quantization step per component, length r.
    pub steps: Vec<f32>,
    /// Codes, component-major: `codes[c * rows + i]`.
    #[serde(with = "codes_as_bytes")]
    pub codes: Vec<i8>,
}

/// The int8 codes read and written as one byte string by binary formats: for postcard (the bundle)
/// the same bytes as a sequence of `i8` (a length, then one byte each), so bundles are unchanged,
/// but read in one copy instead of one call per code (3.9 M codes in the demo bundle). Formats for
/// people (JSON) keep the sequence of numbers.
mod codes_as_bytes {
    use std::fmt;

    use serde::de::{self, Deserializer, Visitor};
    use serde::{Deserialize, Serializer};

    /// Writes the codes.
    pub fn serialize<S: Serializer>(codes: &[i8], serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.collect_seq(codes)
        } else {
            let bytes: Vec<u8> = codes.iter().map(|&c| c as u8).collect();
            serializer.serialize_bytes(&bytes)
        }
    }

    /// Reads the codes.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<i8>, D::Error> {
        if deserializer.is_human_readable() {
            Vec::<i8>::deserialize(deserializer)
        } else {
            deserializer.deserialize_bytes(CodesVisitor)
        }
    }

    struct CodesVisitor;

    impl<'de> Visitor<'de> for CodesVisitor {
        type Value = Vec<i8>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("int8 codes as bytes")
        }

        fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Vec<i8>, E> {
            Ok(bytes.iter().map(|&b| b as i8).collect())
        }
    }
}

impl Projected {
    /// Number of rows, when the parts agree with each other and with `dim` (else `None`).
    pub fn rows(&self, dim: usize) -> Option<usize> {
        let r = self.components;
        let consistent = r > 0
            && self.mean.len() == dim
            && self.basis.len() == r * dim
            && self.steps.len() == r
            && self.codes.len().is_multiple_of(r);
        consistent.then(|| self.codes.len() / r)
    }

    /// The decoded row-major rows x dim matrix at the widest SIMD width here (empty when the
    /// parts are inconsistent).
    pub fn decode(&self, dim: usize) -> Vec<f32> {
        self.row_decoder(Width::detect(), dim)
            .map_or_else(Vec::new, |rows| RowDecoder::Projected(rows).decode_all())
    }

    /// The rows decoded one at a time at `width` (the basis widened to f32 once), or `None` when
    /// the parts are inconsistent with `dim`.
    pub fn row_decoder(&self, width: Width, dim: usize) -> Option<ProjectedRows<'_>> {
        let rows = self.rows(dim).filter(|_| dim > 0)?;
        let basis = self
            .basis
            .iter()
            .map(|&h| half::f16::from_bits(h).to_f32())
            .collect();
        Some(ProjectedRows {
            parts: self,
            basis,
            rows,
            dim,
            width,
        })
    }
}

/// A [`Projected`] set decoded one row at a time (see [`Projected::row_decoder`]).
#[derive(Debug, Clone)]
pub struct ProjectedRows<'a> {
    parts: &'a Projected,
    /// The basis as f32, r x dim row-major.
    basis: Vec<f32>,
    rows: usize,
    dim: usize,
    width: Width,
}

impl ProjectedRows<'_> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// True when the set has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Width of a row.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Writes row `i` into `out[..dim]`: the mean plus each component's step-scaled code times its
    /// basis vector, components in order, each product rounded before its add.
    ///
    /// # Panics
    /// When `i` is not below [`ProjectedRows::len`] or `out` is shorter than a row.
    pub fn decode_row(&self, i: usize, out: &mut [f32]) {
        let (p, dim) = (self.parts, self.dim);
        assert!(i < self.rows, "row {i} of {}", self.rows);
        let row = &mut out[..dim];
        row.copy_from_slice(&p.mean);
        for (c, basis) in self.basis.chunks_exact(dim).enumerate() {
            let a = p.codes[c * self.rows + i] as f32 * p.steps[c];
            if a != 0.0 {
                axpy(self.width, a, basis, row);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same parts with the codes as a plain `Vec<i8>` field: the wire format before the codes
    /// were read as bytes.
    #[derive(Serialize)]
    struct PlainCodes<'a> {
        components: usize,
        mean: &'a [f32],
        basis: &'a [u16],
        steps: &'a [f32],
        codes: &'a [i8],
    }

    #[test]
    fn codes_keep_their_wire_format_and_json_numbers() {
        let p = Projected {
            components: 2,
            mean: vec![0.5; 3],
            basis: vec![15360; 6],
            steps: vec![0.25, 2.0],
            codes: vec![-128, -1, 0, 1, 127, 42],
        };
        let plain = PlainCodes {
            components: p.components,
            mean: &p.mean,
            basis: &p.basis,
            steps: &p.steps,
            codes: &p.codes,
        };
        let bytes = postcard::to_allocvec(&p).unwrap();
        assert_eq!(bytes, postcard::to_allocvec(&plain).unwrap());
        assert_eq!(postcard::from_bytes::<Projected>(&bytes).unwrap(), p);
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains(r#""codes":[-128,-1,0,1,127,42]"#), "{json}");
        assert_eq!(serde_json::from_str::<Projected>(&json).unwrap(), p);
    }

    #[test]
    fn inconsistent_parts_decode_to_nothing() {
        let p = Projected {
            components: 2,
            mean: vec![0.0; 4],
            basis: vec![0; 7],
            steps: vec![1.0; 2],
            codes: vec![1; 6],
        };
        assert_eq!(p.rows(4), None);
        assert!(p.decode(4).is_empty());
    }
}
