//! The PRkNN router (protocol 4.3, after RouterEval's PRKnn): the k = 7 nearest training rows by
//! cosine distance, each weighted `1 / (1e-6 + d)`; model m scores
//! `sum_n w_n * #{b != m : Y[n][m] > Y[n][b] or (Y[n][m] == Y[n][b] and C[n][m] < C[n][b])}`
//! (a Copeland count of pairwise wins); the highest score wins, lowest index on ties.

use serde::{Deserialize, Serialize};

use super::Data;
use super::compute::Compute;
use super::features::Matrix;
use super::knn::{RefIndex, first_max};

/// Neighbours of the PRkNN router.
pub const K: usize = 7;

/// A trained PRkNN router: unit-norm training rows with their pairwise win counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prknn {
    /// Unit-norm z-scored training features.
    pub refs: Matrix,
    /// Copeland wins per training row and model, row-major `rows x models`.
    pub wins: Vec<f64>,
    /// Number of models.
    pub models: usize,
}

impl Prknn {
    /// Stores the training rows and precomputes each row's pairwise wins from Y and C.
    pub fn fit(data: &Data) -> Prknn {
        let bench = data.bench;
        let k = bench.num_models();
        let mut refs = data.x.gather(&data.train);
        refs.normalize_rows();
        let mut wins = vec![0.0; data.train.len() * k];
        for (r, &i) in data.train.iter().enumerate() {
            for m in 0..k {
                let (ym, cm) = (bench.correct(i, m), bench.cost(i, m));
                wins[r * k + m] = (0..k)
                    .filter(|&b| b != m)
                    .filter(|&b| {
                        let (yb, cb) = (bench.correct(i, b), bench.cost(i, b));
                        (ym && !yb) || (ym == yb && cm < cb)
                    })
                    .count() as f64;
            }
        }
        Prknn {
            refs,
            wins,
            models: k,
        }
    }

    /// Weighted Copeland score over the `K` nearest training rows.
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
        let mut scores = vec![0.0f64; self.models];
        (0..rows.len())
            .map(|r| {
                scores.fill(0.0);
                for s in 0..k {
                    let n = idx[r * k + s] as usize;
                    let w = 1.0 / (1e-6 + dist[r * k + s].max(0.0) as f64);
                    for (sc, win) in scores.iter_mut().zip(&self.wins[n * self.models..]) {
                        *sc += w * win;
                    }
                }
                first_max(&scores)
            })
            .collect()
    }
}
