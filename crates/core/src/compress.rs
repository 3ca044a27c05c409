//! Compact embeddings: a linear projection fitted on the train split plus int8 codes.
//!
//! The stored form and its bit-exact decoding are the data model's [`Projected`]; its components
//! are laid out component-major so that deflate sees one distribution at a time.
//!
//! Fitting ([`compress`]) is native-or-wasm pure Rust: a top-r principal subspace of the fit rows
//! by randomized subspace iteration (a few rounds, Gram-Schmidt, then Rayleigh-Ritz with a Jacobi
//! eigensolver), then one quantization step shared by all components (the largest |projection| maps
//! to 127), so low-variance components use few code values and compress well.

use crate::model::{Benchmark, EmbeddingData, EmbeddingSet, Projected, Split};

/// Rows used to fit the projection at most (evenly spaced over the fit rows).
const MAX_FIT_ROWS: usize = 8192;
/// Extra directions carried by the subspace iteration beyond the kept components.
const OVERSAMPLE: usize = 16;
/// Rounds of subspace iteration.
const ROUNDS: usize = 5;

/// Compresses `set` to `components` dimensions with a projection fitted on `fit_rows` (the train
/// split); `max_abs_error` becomes the largest |decoded - original| over all rows. A set already
/// narrower than `components`, or with no fit rows, is returned unchanged.
pub fn compress(set: &EmbeddingSet, fit_rows: &[usize], components: usize) -> EmbeddingSet {
    let dim = set.dim;
    if components == 0 || components >= dim || fit_rows.is_empty() {
        return set.clone();
    }
    let x = set.decode();
    let rows = x.len() / dim;
    let stride = fit_rows.len().div_ceil(MAX_FIT_ROWS);
    let fit: Vec<usize> = fit_rows.iter().copied().step_by(stride).collect();

    let mut mean64 = vec![0.0f64; dim];
    for &i in &fit {
        for (m, &v) in mean64.iter_mut().zip(&x[i * dim..(i + 1) * dim]) {
            *m += v as f64;
        }
    }
    let mean: Vec<f32> = mean64
        .iter()
        .map(|m| (m / fit.len() as f64) as f32)
        .collect();
    let centred: Vec<f64> = fit
        .iter()
        .flat_map(|&i| {
            x[i * dim..(i + 1) * dim]
                .iter()
                .zip(&mean)
                .map(|(&v, &m)| (v - m) as f64)
        })
        .collect();

    let basis64 = principal_subspace(&centred, fit.len(), dim, components);
    let basis: Vec<u16> = basis64
        .iter()
        .map(|&b| half::f16::from_f64(b).to_bits())
        .collect();
    let basis32: Vec<f32> = basis
        .iter()
        .map(|&h| half::f16::from_bits(h).to_f32())
        .collect();

    // Projections of every row on the (rounded) basis.
    let mut proj = vec![0.0f64; components * rows];
    let mut biggest = 0.0f64;
    for i in 0..rows {
        let row = &x[i * dim..(i + 1) * dim];
        for c in 0..components {
            let p: f64 = row
                .iter()
                .zip(&mean)
                .zip(&basis32[c * dim..(c + 1) * dim])
                .map(|((&v, &m), &b)| (v - m) as f64 * b as f64)
                .sum();
            proj[c * rows + i] = p;
            biggest = biggest.max(p.abs());
        }
    }
    let step = if biggest > 0.0 {
        (biggest / 127.0) as f32
    } else {
        1.0
    };
    let codes: Vec<i8> = proj
        .iter()
        .map(|&p| (p / step as f64).round().clamp(-127.0, 127.0) as i8)
        .collect();
    let projected = Projected {
        components,
        mean,
        basis,
        steps: vec![step; components],
        codes,
    };
    let decoded = projected.decode(dim);
    let max_abs_error = decoded
        .iter()
        .zip(&x)
        .map(|(a, b)| (a - b).abs())
        .fold(set.max_abs_error, f32::max);
    EmbeddingSet {
        name: set.name.clone(),
        modality: set.modality,
        dim,
        data: EmbeddingData::Projected(projected),
        max_abs_error,
    }
}

/// Compresses every embedding set of `bench` to `components` dimensions, each projection fitted on
/// the train split: what `vlrb pack --compress-embeddings` does.
pub fn compress_all(bench: &mut Benchmark, components: usize) {
    let train = bench.samples.rows_in(Split::Train);
    for set in &mut bench.embeddings {
        *set = compress(set, &train, components);
    }
}

/// Orthonormal basis (r x dim, row-major) of the top-r principal subspace of the centred m x dim
/// matrix `a`, rows ordered by decreasing variance.
fn principal_subspace(a: &[f64], m: usize, dim: usize, r: usize) -> Vec<f64> {
    let l = (r + OVERSAMPLE).min(dim);
    // Deterministic pseudo-random start (splitmix64 -> uniform in [-1, 1)).
    let mut state = 0x5EED_u64;
    let mut q: Vec<f64> = (0..l * dim)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 52) as f64 - 1.0
        })
        .collect();
    orthonormalize(&mut q, l, dim);
    for _ in 0..ROUNDS {
        q = gram_times(a, m, dim, &q, l);
        orthonormalize(&mut q, l, dim);
    }
    // Rayleigh-Ritz: B = Q (A^T A) Q^T, l x l.
    let aq = gram_times(a, m, dim, &q, l);
    let mut b = vec![0.0f64; l * l];
    for s in 0..l {
        for t in 0..l {
            b[s * l + t] = dot(&q[s * dim..(s + 1) * dim], &aq[t * dim..(t + 1) * dim]);
        }
    }
    for s in 0..l {
        for t in 0..s {
            let v = 0.5 * (b[s * l + t] + b[t * l + s]);
            b[s * l + t] = v;
            b[t * l + s] = v;
        }
    }
    let (values, vectors) = jacobi_eigen(b, l);
    let mut order: Vec<usize> = (0..l).collect();
    order.sort_by(|&x, &y| values[y].total_cmp(&values[x]).then(x.cmp(&y)));
    let mut out = vec![0.0f64; r * dim];
    for (c, &e) in order.iter().take(r).enumerate() {
        let row = &mut out[c * dim..(c + 1) * dim];
        for s in 0..l {
            let w = vectors[s * l + e];
            for (o, &v) in row.iter_mut().zip(&q[s * dim..(s + 1) * dim]) {
                *o += w * v;
            }
        }
    }
    out
}

/// (A^T A) applied to each of the l rows of `q` (each of length dim).
fn gram_times(a: &[f64], m: usize, dim: usize, q: &[f64], l: usize) -> Vec<f64> {
    let mut out = vec![0.0f64; l * dim];
    let mut coef = vec![0.0f64; l];
    for i in 0..m {
        let row = &a[i * dim..(i + 1) * dim];
        for (s, c) in coef.iter_mut().enumerate() {
            *c = dot(row, &q[s * dim..(s + 1) * dim]);
        }
        for (s, &c) in coef.iter().enumerate() {
            for (o, &v) in out[s * dim..(s + 1) * dim].iter_mut().zip(row) {
                *o += c * v;
            }
        }
    }
    out
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Modified Gram-Schmidt on the l rows of `q`, with a second projection pass per row ("twice is
/// enough") so the rows stay orthogonal even when the spectrum spans many orders of magnitude (a
/// degenerate row becomes zero).
fn orthonormalize(q: &mut [f64], l: usize, dim: usize) {
    for s in 0..l {
        for t in (0..s).chain(0..s) {
            let (done, rest) = q.split_at_mut(s * dim);
            let prev = &done[t * dim..(t + 1) * dim];
            let cur = &mut rest[..dim];
            let p = dot(cur, prev);
            for (c, &v) in cur.iter_mut().zip(prev) {
                *c -= p * v;
            }
        }
        let row = &mut q[s * dim..(s + 1) * dim];
        let norm = dot(row, row).sqrt();
        let scale = if norm > 0.0 { 1.0 / norm } else { 0.0 };
        row.iter_mut().for_each(|v| *v *= scale);
    }
}

/// Eigen-decomposition of a symmetric n x n matrix by cyclic Jacobi rotations: eigenvalues and the
/// eigenvectors as the columns of an n x n row-major matrix.
fn jacobi_eigen(mut a: Vec<f64>, n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut v = vec![0.0f64; n * n];
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    for _ in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|p| (0..n).filter(move |&q| q != p).map(move |q| (p, q)))
            .map(|(p, q)| a[p * n + q] * a[p * n + q])
            .sum();
        let total: f64 = a.iter().map(|x| x * x).sum();
        if off <= 1e-30 * total.max(f64::MIN_POSITIVE) {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..n).map(|i| a[i * n + i]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Modality;

    /// Rows on a 3-dimensional subspace of R^16 plus tiny noise.
    fn low_rank(rows: usize) -> EmbeddingSet {
        let dim = 16;
        let mut values = Vec::with_capacity(rows * dim);
        for i in 0..rows {
            let (a, b, c) = ((i % 7) as f32 - 3.0, (i % 5) as f32 - 2.0, (i % 3) as f32);
            for t in 0..dim {
                let tf = t as f32;
                let noise = (((i * 31 + t * 17) % 13) as f32 - 6.0) * 1e-4;
                values.push(
                    0.5 + a * (tf * 0.1).sin() + b * (tf * 0.3).cos() + c * 0.05 * tf + noise,
                );
            }
        }
        EmbeddingSet::from_f32("t", Modality::Text, dim, values)
    }

    #[test]
    fn jacobi_diagonalizes() {
        let a = vec![4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 1.0];
        let (values, v) = jacobi_eigen(a.clone(), 3);
        for e in 0..3 {
            for i in 0..3 {
                let av: f64 = (0..3).map(|k| a[i * 3 + k] * v[k * 3 + e]).sum();
                assert!((av - values[e] * v[i * 3 + e]).abs() < 1e-10);
            }
        }
    }

    #[test]
    fn low_rank_data_compresses_with_small_recorded_error() {
        let set = low_rank(500);
        let fit: Vec<usize> = (0..350).collect();
        let small = compress(&set, &fit, 4);
        let decoded = small.decode();
        let original = set.decode();
        let worst = decoded
            .iter()
            .zip(&original)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert_eq!(
            worst, small.max_abs_error,
            "the recorded error is the measured one"
        );
        // The data lie on the kept subspace (up to 1e-3 noise), so the error is the int8 rounding
        // (half a step per component, spread by the basis) plus the half-precision basis.
        let EmbeddingData::Projected(p) = &small.data else {
            panic!("not projected");
        };
        let rounding = (0..16)
            .map(|t| {
                (0..p.components)
                    .map(|c| {
                        0.5 * p.steps[c] * half::f16::from_bits(p.basis[c * 16 + t]).to_f32().abs()
                    })
                    .sum::<f32>()
            })
            .fold(0.0, f32::max);
        assert!(worst <= rounding + 0.01, "{worst} > {rounding} + 0.01");
        assert!(worst > 0.0, "int8 codes cannot be lossless here");
        assert_eq!(decoded.len(), original.len());
    }

    #[test]
    fn truncation_error_is_recorded() {
        let set = low_rank(300);
        let fit: Vec<usize> = (0..300).collect();
        let one = compress(&set, &fit, 1);
        // Dropping two real directions leaves a large error, and it is reported.
        assert!(one.max_abs_error > 0.5, "{}", one.max_abs_error);
    }
}
