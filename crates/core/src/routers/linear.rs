//! The Linear router (protocol 4.6): softmax regression `p = softmax(W x + b)` trained on soft
//! labels (cost scale 1 by default) with the penalty `(1 / (2C)) * sum theta^2`, C = 1, on weights
//! and bias; Adam lr 0.01, full batch, up to 200 epochs, early stopping on dev Rank Score
//! (patience 3, min delta 1e-4), best checkpoint restored.

use super::compute::Compute;
use super::mlp::{Fit, Loss, Net, Schedule, TrainData, fit as fit_net};
use super::{Control, Data, Progress, dev_rank_score};

/// The inverse regularisation strength C.
pub const INVERSE_REGULARISATION: f32 = 1.0;

/// The Linear router's optimisation schedule (`max_epochs` overrides the protocol's 200).
pub fn schedule(max_epochs: Option<usize>) -> Schedule {
    Schedule {
        lr: 0.01,
        // d/dtheta (1 / (2C)) theta^2 = theta / C: Adam's L2 term with coefficient 1 / C.
        weight_decay: 1.0 / INVERSE_REGULARISATION,
        decay_bias: true,
        batch: None,
        max_epochs: max_epochs.unwrap_or(200),
        patience: Some(3),
        min_delta: 1e-4,
        loss: Loss::Softmax,
    }
}

/// Trains the Linear router for one lambda on `targets` (soft labels of `data.train`).
pub async fn fit<C: Compute>(
    compute: &mut C,
    data: &Data<'_>,
    targets: &[f32],
    seed: u64,
    max_epochs: Option<usize>,
    lambda: f64,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Fit {
    let dims = [data.x.cols, data.bench.num_models()];
    let mut score = dev_rank_score(data);
    let train = TrainData {
        x: &data.x,
        train_rows: &data.train,
        targets,
        weights: None,
        dev_rows: &data.dev,
        dev_score: &mut score,
    };
    fit_net(
        compute,
        Net::init(&dims, seed),
        train,
        &schedule(max_epochs),
        seed,
        lambda,
        progress,
    )
    .await
}
