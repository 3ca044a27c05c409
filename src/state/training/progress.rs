//! Where a sandbox run stands: lambda k of n, epoch, and the time left.

/// Where a run is: which lambda of how many, which epoch of at most how many, and since when.
#[derive(Debug, Clone, PartialEq)]
pub struct RunProgress {
    /// Lambda being trained, as text.
    pub lambda: String,
    /// Which lambda, 1-based.
    pub lambda_index: usize,
    /// How many lambdas the run trains.
    pub lambdas: usize,
    /// Epoch, 1-based.
    pub epoch: usize,
    /// The most epochs per lambda.
    pub max_epochs: usize,
    /// When the run's first epoch was reported (ms, `performance.now()`).
    pub first_ms: f64,
    /// When this epoch was reported (ms, `performance.now()`).
    pub now_ms: f64,
    /// Epochs reported so far in the run (all lambdas).
    pub epochs_seen: usize,
}

impl RunProgress {
    /// Epoch slots done out of all (`lambdas x max_epochs`); early stopping ends a lambda sooner,
    /// so the share is a lower bound.
    pub fn fraction(&self) -> f64 {
        let total = (self.lambdas * self.max_epochs).max(1) as f64;
        let done = ((self.lambda_index - 1) * self.max_epochs + self.epoch) as f64;
        (done / total).clamp(0.0, 1.0)
    }

    /// Seconds left at most: the mean time of the epochs run so far times the epochs that may
    /// remain (early stopping ends a lambda sooner); none before two epochs.
    pub fn eta_seconds(&self) -> Option<f64> {
        let left = self.max_epochs.saturating_sub(self.epoch)
            + (self.lambdas - self.lambda_index) * self.max_epochs;
        (self.epochs_seen > 1 && left > 0).then(|| {
            let per = (self.now_ms - self.first_ms) / 1000.0 / (self.epochs_seen - 1) as f64;
            per * left as f64
        })
    }
}
