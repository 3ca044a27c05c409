//! The OVR router (protocol 4.4): one binary logistic regression per candidate model on target
//! `Y[., k]`, class weights "balanced" (`n / (2 n_class)`), L2 penalty as scikit-learn's
//! `C = 1` (`0.5 |w|^2` against the summed weighted log-loss; the intercept is not penalised);
//! predicts the model with the highest probability. Cost is ignored.
//!
//! scikit-learn solves this convex problem with L-BFGS; here the same objective is minimised with
//! full-batch Adam (lr 0.01, 300 steps from zero) through [`Compute`], which lands near the same
//! optimum. A model with no positive training row scores 0 and is never picked (unless all are).

use serde::{Deserialize, Serialize};

use super::compute::Compute;
use super::features::Matrix;
use super::mlp::{Loss, Net, Schedule, TrainData, argmax_rows, fit};
use super::{Control, Data, Progress};

/// Adam steps of the OVR fit.
pub const STEPS: usize = 300;

/// A trained OVR router.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ovr {
    /// K logistic models as one `D -> K` layer (sigmoid per output).
    pub net: Net,
    /// Whether each model had a positive training row.
    pub has_positive: Vec<bool>,
}

impl Ovr {
    /// Fits the K logistic regressions on the training rows.
    pub async fn fit<C: Compute>(
        compute: &mut C,
        data: &Data<'_>,
        max_epochs: Option<usize>,
        progress: &mut dyn FnMut(&Progress) -> Control,
    ) -> Ovr {
        let bench = data.bench;
        let k = bench.num_models();
        let n = data.train.len();
        let mut targets = vec![0.0f32; n * k];
        let mut positives = vec![0usize; k];
        for (r, &i) in data.train.iter().enumerate() {
            for j in 0..k {
                if bench.correct(i, j) {
                    targets[r * k + j] = 1.0;
                    positives[j] += 1;
                }
            }
        }
        let class_weight = |count: usize| {
            if count == 0 {
                0.0
            } else {
                n as f32 / (2.0 * count as f32)
            }
        };
        let mut weights = vec![0.0f32; n * k];
        for r in 0..n {
            for j in 0..k {
                let pos = targets[r * k + j] == 1.0;
                weights[r * k + j] =
                    class_weight(if pos { positives[j] } else { n - positives[j] });
            }
        }
        let has_positive: Vec<bool> = positives.iter().map(|&p| p > 0).collect();
        let schedule = Schedule {
            lr: 0.01,
            // 0.5 |w|^2 against a sum over n rows = (1 / 2n) |w|^2 against the mean.
            weight_decay: 1.0 / n as f32,
            decay_bias: false,
            batch: None,
            max_epochs: max_epochs.unwrap_or(STEPS),
            patience: None,
            min_delta: 0.0,
            loss: Loss::Sigmoid,
        };
        let mask = has_positive.clone();
        let mut score = |logits: &[f32]| {
            let picks = argmax_rows(logits, k, Some(&mask));
            data.metrics(&data.dev, &picks).rank_score
        };
        let train = TrainData {
            x: &data.x,
            train_rows: &data.train,
            targets: &targets,
            weights: Some(&weights),
            dev_rows: &data.dev,
            dev_score: &mut score,
        };
        let fitted = fit(
            compute,
            Net::zeros(&[data.x.cols, k]),
            train,
            &schedule,
            0,
            f64::NAN,
            progress,
        )
        .await;
        Ovr {
            net: fitted.net,
            has_positive,
        }
    }

    /// The most probable model per row (sigmoid is monotone: argmax of the logits).
    pub async fn predict<C: Compute>(
        &self,
        compute: &mut C,
        x: &Matrix,
        rows: &[usize],
    ) -> Vec<usize> {
        self.pick(&self.net.logits(compute, x, rows, 1024).await)
    }

    /// The most probable model per row of `logits` (models without positives excluded).
    pub fn pick(&self, logits: &[f32]) -> Vec<usize> {
        let any = self.has_positive.iter().any(|&p| p);
        argmax_rows(
            logits,
            self.net.outputs(),
            any.then_some(&self.has_positive[..]),
        )
    }
}
