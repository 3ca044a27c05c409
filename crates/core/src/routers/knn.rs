//! The kNN router (protocol 4.2): k = 5 nearest training rows by cosine distance on the z-scored
//! features, votes weighted by 1 / distance (scikit-learn's `weights="distance"`: when some
//! neighbours are at distance 0, only they vote), each training row labelled with its cheapest
//! correct model; ties go to the lowest model index.

use serde::{Deserialize, Serialize};

use super::Data;
use super::compute::{Compute, select_smallest};
use super::features::Matrix;
use crate::baselines::oracle_pick;

/// Neighbours of the kNN router.
pub const K: usize = 5;

/// Unit-norm reference rows uploaded to a backend, in chunks that fit its buffer limit.
pub struct RefIndex<B> {
    chunks: Vec<(B, usize, usize)>,
    dim: usize,
}

impl<B> RefIndex<B> {
    /// Uploads `refs` (unit rows) in chunks of at most `compute.max_buffer_len()` elements.
    pub fn upload<C: Compute<Buf = B>>(compute: &mut C, refs: &Matrix) -> RefIndex<B> {
        let dim = refs.cols.max(1);
        let per = (compute.max_buffer_len() / dim).clamp(1, refs.rows.max(1));
        let mut chunks = Vec::new();
        for start in (0..refs.rows).step_by(per) {
            let len = per.min(refs.rows - start);
            let mut buf = compute.alloc(len * dim);
            compute.write(&mut buf, &refs.data[start * dim..(start + len) * dim]);
            chunks.push((buf, start, len));
        }
        RefIndex { chunks, dim }
    }

    /// The `k` nearest references of each given row of `x` (normalised here): row-major indices
    /// and cosine distances, ascending.
    pub async fn search<C: Compute<Buf = B>>(
        &self,
        compute: &mut C,
        x: &Matrix,
        rows: &[usize],
        k: usize,
    ) -> (Vec<u32>, Vec<f32>) {
        let dim = self.dim;
        let per = (compute.max_buffer_len() / dim)
            .clamp(1, 4096)
            .min(rows.len().max(1));
        let mut qbuf = compute.alloc(per * dim);
        let (mut idx, mut dist) = (vec![0u32; rows.len() * k], vec![0.0f32; rows.len() * k]);
        let (mut ci, mut cd) = (vec![0u32; per * k], vec![0.0f32; per * k]);
        let mut merged_i = vec![0u32; self.chunks.len() * k];
        let mut merged_d = vec![0.0f32; self.chunks.len() * k];
        for (q, part) in rows.chunks(per).enumerate() {
            let mut queries = x.gather(part);
            queries.normalize_rows();
            compute.write(&mut qbuf, &queries.data);
            let n = part.len();
            let mut parts = Vec::with_capacity(self.chunks.len());
            for (buf, start, len) in &self.chunks {
                compute
                    .cosine_topk(
                        &qbuf,
                        buf,
                        n,
                        *len,
                        dim,
                        k,
                        &mut ci[..n * k],
                        &mut cd[..n * k],
                    )
                    .await;
                parts.push((*start, ci[..n * k].to_vec(), cd[..n * k].to_vec()));
            }
            for r in 0..n {
                for (c, (start, pi, pd)) in parts.iter().enumerate() {
                    for s in 0..k {
                        let i = pi[r * k + s];
                        merged_i[c * k + s] = if i == u32::MAX {
                            u32::MAX
                        } else {
                            i + *start as u32
                        };
                        merged_d[c * k + s] = pd[r * k + s];
                    }
                }
                let out = (q * per + r) * k;
                let (oi, od) = (&mut idx[out..out + k], &mut dist[out..out + k]);
                // Chunks are in index order, so a stable merge keeps lower indices first on ties.
                select_smallest(merged_d.iter().copied(), k, oi, od);
                for slot in oi.iter_mut() {
                    if *slot != u32::MAX {
                        *slot = merged_i[*slot as usize];
                    }
                }
            }
        }
        (idx, dist)
    }
}

/// A trained kNN router: the unit-norm training rows and their labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Knn {
    /// Unit-norm z-scored training features.
    pub refs: Matrix,
    /// Cheapest correct model per training row.
    pub labels: Vec<usize>,
    /// Number of models.
    pub models: usize,
}

impl Knn {
    /// Stores the training rows and their cheapest-correct labels.
    pub fn fit(data: &Data) -> Knn {
        let mut refs = data.x.gather(&data.train);
        refs.normalize_rows();
        let labels = data
            .train
            .iter()
            .map(|&i| oracle_pick(data.bench, i))
            .collect();
        Knn {
            refs,
            labels,
            models: data.bench.num_models(),
        }
    }

    /// Distance-weighted vote of the `K` nearest training rows.
    pub async fn predict<C: Compute>(
        &self,
        compute: &mut C,
        x: &Matrix,
        rows: &[usize],
    ) -> Vec<usize> {
        let index = RefIndex::upload(compute, &self.refs);
        self.predict_with(compute, &index, x, rows).await
    }

    /// As [`Self::predict`], with the training rows already uploaded as `index`.
    pub async fn predict_with<C: Compute>(
        &self,
        compute: &mut C,
        index: &RefIndex<C::Buf>,
        x: &Matrix,
        rows: &[usize],
    ) -> Vec<usize> {
        let k = K.min(self.refs.rows);
        let (idx, dist) = index.search(compute, x, rows, k).await;
        let mut votes = vec![0.0f64; self.models];
        (0..rows.len())
            .map(|r| {
                let (ni, nd) = (&idx[r * k..(r + 1) * k], &dist[r * k..(r + 1) * k]);
                votes.fill(0.0);
                let exact = nd.iter().any(|&d| d <= 0.0);
                for (&i, &d) in ni.iter().zip(nd) {
                    let w = if exact {
                        (d <= 0.0) as u8 as f64
                    } else {
                        1.0 / d as f64
                    };
                    votes[self.labels[i as usize]] += w;
                }
                first_max(&votes)
            })
            .collect()
    }
}

/// Index of the largest value (lowest index on ties).
pub fn first_max(values: &[f64]) -> usize {
    let mut best = 0;
    for (j, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = j;
        }
    }
    best
}
