//! The prototype router, the paper's "K-means" (protocol 4.5): z-scored features are L2-normalised;
//! model k's prototype is the mean of the unit training rows it answers correctly, re-normalised
//! (the global mean when it answers none); a query goes to the most cosine-similar prototype,
//! lowest index on ties. Lambda and cost play no part.

use serde::{Deserialize, Serialize};

use super::Data;
use super::compute::{Compute, Gemm};
use super::features::Matrix;
use super::knn::first_max;

/// A trained prototype router.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prototype {
    /// One unit-norm prototype per model, `models x dim`.
    pub prototypes: Matrix,
}

impl Prototype {
    /// Averages the unit training rows per model.
    pub fn fit(data: &Data) -> Prototype {
        let bench = data.bench;
        let (k, d) = (bench.num_models(), data.x.cols);
        let mut rows = data.x.gather(&data.train);
        rows.normalize_rows();
        let mut sums = vec![0.0f64; k * d];
        let mut counts = vec![0usize; k];
        let mut global = vec![0.0f64; d];
        for (r, &i) in data.train.iter().enumerate() {
            let row = rows.row(r);
            for (g, &v) in global.iter_mut().zip(row) {
                *g += v as f64;
            }
            for j in 0..k {
                if bench.correct(i, j) {
                    counts[j] += 1;
                    for (s, &v) in sums[j * d..(j + 1) * d].iter_mut().zip(row) {
                        *s += v as f64;
                    }
                }
            }
        }
        let mut data_out = Vec::with_capacity(k * d);
        for j in 0..k {
            let (src, n) = if counts[j] == 0 {
                (&global[..], data.train.len())
            } else {
                (&sums[j * d..(j + 1) * d], counts[j])
            };
            data_out.extend(src.iter().map(|&s| (s / n.max(1) as f64) as f32));
        }
        let mut prototypes = Matrix {
            rows: k,
            cols: d,
            data: data_out,
        };
        prototypes.normalize_rows();
        Prototype { prototypes }
    }

    /// The most similar prototype per row.
    pub async fn predict<C: Compute>(
        &self,
        compute: &mut C,
        x: &Matrix,
        rows: &[usize],
    ) -> Vec<usize> {
        let (k, d) = (self.prototypes.rows, self.prototypes.cols);
        let mut queries = x.gather(rows);
        queries.normalize_rows();
        let n = rows.len();
        let mut q = compute.alloc(n.max(1) * d);
        compute.write(&mut q, &queries.data);
        let mut p = compute.alloc(k * d);
        compute.write(&mut p, &self.prototypes.data);
        let mut s = compute.alloc(n.max(1) * k);
        let g = Gemm {
            m: n,
            n: k,
            k: d,
            trans_a: false,
            trans_b: true,
            accumulate: false,
        };
        compute.gemm(g, &q, &p, &mut s);
        let mut sims = vec![0.0f32; n * k];
        compute.read(&s, &mut sims).await;
        sims.chunks_exact(k)
            .map(|row| first_max(&row.iter().map(|&v| v as f64).collect::<Vec<_>>()))
            .collect()
    }
}
