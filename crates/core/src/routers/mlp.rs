//! Feed-forward networks trained through [`Compute`]: the MLP router (protocol 4.7), and the
//! engine behind the Linear (4.6, no hidden layer) and OVR (4.4, sigmoid outputs) routers.

use serde::{Deserialize, Serialize};

use super::compute::{AdamStep, Compute, Gemm};
use super::features::Matrix;
use super::rng::SplitMix64;
use super::{Control, Progress};

/// The paper's MLP hidden sizes.
pub const PAPER_HIDDEN: [usize; 2] = [2048, 1024];
/// The lighter default the sandbox trains first.
pub const LIGHT_HIDDEN: [usize; 1] = [256];

/// A fully connected network: ReLU between layers, raw logits out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Net {
    /// Layer widths, input first, output (K) last.
    pub dims: Vec<usize>,
    /// Weights per layer, `dims[l] x dims[l + 1]` row-major.
    pub weights: Vec<Vec<f32>>,
    /// Biases per layer, `dims[l + 1]`.
    pub biases: Vec<Vec<f32>>,
}

impl Net {
    /// PyTorch's default `nn.Linear` initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights
    /// and biases, drawn from a seeded [`SplitMix64`].
    pub fn init(dims: &[usize], seed: u64) -> Net {
        let mut rng = SplitMix64::new(seed);
        let mut draw = |n: usize, fan_in: usize| -> Vec<f32> {
            let bound = 1.0 / (fan_in as f32).sqrt();
            (0..n)
                .map(|_| (2.0 * rng.unit_f32() - 1.0) * bound)
                .collect()
        };
        let (mut weights, mut biases) = (Vec::new(), Vec::new());
        for w in dims.windows(2) {
            weights.push(draw(w[0] * w[1], w[0]));
            biases.push(draw(w[1], w[0]));
        }
        Net {
            dims: dims.to_vec(),
            weights,
            biases,
        }
    }

    /// All-zero parameters (the convex logistic models start there).
    pub fn zeros(dims: &[usize]) -> Net {
        Net {
            dims: dims.to_vec(),
            weights: dims.windows(2).map(|w| vec![0.0; w[0] * w[1]]).collect(),
            biases: dims.windows(2).map(|w| vec![0.0; w[1]]).collect(),
        }
    }

    /// Number of layers (weight matrices).
    pub fn layers(&self) -> usize {
        self.weights.len()
    }

    /// Output width K.
    pub fn outputs(&self) -> usize {
        *self.dims.last().unwrap_or(&0)
    }

    /// Logits of the given rows of `x` (row-major `rows.len() x K`), in chunks of `chunk` rows.
    pub async fn logits<C: Compute>(
        &self,
        compute: &mut C,
        x: &Matrix,
        rows: &[usize],
        chunk: usize,
    ) -> Vec<f32> {
        let chunk = chunk.clamp(1, rows.len().max(1));
        Device::upload(compute, self, chunk)
            .logits(compute, x, rows)
            .await
    }
}

/// Row-wise argmax (lowest index on ties), skipping masked-out columns when a mask is given.
pub fn argmax_rows(logits: &[f32], k: usize, allowed: Option<&[bool]>) -> Vec<usize> {
    logits
        .chunks_exact(k)
        .map(|row| {
            let mut best = (usize::MAX, f32::NEG_INFINITY);
            for (j, &v) in row.iter().enumerate() {
                let ok = allowed.is_none_or(|a| a[j]);
                if ok && (best.0 == usize::MAX || v > best.1) {
                    best = (j, v);
                }
            }
            if best.0 == usize::MAX { 0 } else { best.0 }
        })
        .collect()
}

/// The loss on the output layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// Softmax cross-entropy with (soft) targets.
    Softmax,
    /// Per-output logistic loss with per-cell weights (OVR).
    Sigmoid,
}

/// Optimisation settings of one training run.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Adam learning rate.
    pub lr: f32,
    /// L2 coefficient on the weights (added to the gradient, as PyTorch's `weight_decay`).
    pub weight_decay: f32,
    /// Whether the biases are decayed too.
    pub decay_bias: bool,
    /// Mini-batch size; `None` is full batch.
    pub batch: Option<usize>,
    /// Upper bound on epochs.
    pub max_epochs: usize,
    /// Early-stopping patience in epochs on the dev Rank Score (`None`: no early stopping, keep
    /// the last epoch).
    pub patience: Option<usize>,
    /// Smallest dev Rank Score gain that counts as an improvement.
    pub min_delta: f64,
    /// Output loss.
    pub loss: Loss,
}

/// Scores a candidate network's dev logits (row-major `dev rows x K`; higher is better).
pub type DevScore<'a> = dyn FnMut(&[f32]) -> f64 + 'a;

/// Training data already on the host: features, targets (and per-cell weights for the sigmoid
/// loss), plus the dev rows and scorer for checkpoint selection.
pub struct TrainData<'a> {
    /// Features of every row (the training and dev rows index it; never copied whole).
    pub x: &'a Matrix,
    /// Rows of `x` to train on, in training order.
    pub train_rows: &'a [usize],
    /// Targets, `train_rows.len() x K`.
    pub targets: &'a [f32],
    /// Per-cell loss weights for [`Loss::Sigmoid`].
    pub weights: Option<&'a [f32]>,
    /// Rows of `x` scored after every epoch.
    pub dev_rows: &'a [usize],
    /// Scores a candidate network's dev logits: its Rank Score.
    pub dev_score: &'a mut DevScore<'a>,
}

/// A network's parameters and activation buffers on a backend, for `rows` rows at a time.
pub struct Device<B> {
    dims: Vec<usize>,
    rows: usize,
    w: Vec<B>,
    b: Vec<B>,
    acts: Vec<B>,
}

impl<B> Device<B> {
    /// Uploads `net`, with activation buffers for `rows` rows per pass.
    pub fn upload<C: Compute<Buf = B>>(compute: &mut C, net: &Net, rows: usize) -> Device<B> {
        let mut w = Vec::new();
        let mut b = Vec::new();
        for l in 0..net.layers() {
            let mut wb = compute.alloc(net.weights[l].len());
            compute.write(&mut wb, &net.weights[l]);
            w.push(wb);
            let mut bb = compute.alloc(net.biases[l].len());
            compute.write(&mut bb, &net.biases[l]);
            b.push(bb);
        }
        let acts = net.dims.iter().map(|&d| compute.alloc(rows * d)).collect();
        Device {
            dims: net.dims.clone(),
            rows,
            w,
            b,
            acts,
        }
    }

    /// Logits of the given rows of `x`, row-major `rows.len() x K`.
    pub async fn logits<C: Compute<Buf = B>>(
        &mut self,
        compute: &mut C,
        x: &Matrix,
        rows: &[usize],
    ) -> Vec<f32> {
        let k = *self.dims.last().unwrap_or(&0);
        let layers = self.w.len();
        let mut out = vec![0.0; rows.len() * k];
        for (c, part) in rows.chunks(self.rows).enumerate() {
            compute.write_rows(&mut self.acts[0], x, part);
            self.forward(compute, part.len());
            let start = c * self.rows * k;
            compute
                .read(&self.acts[layers], &mut out[start..start + part.len() * k])
                .await;
        }
        out
    }

    fn forward<C: Compute<Buf = B>>(&mut self, compute: &mut C, rows: usize) {
        let layers = self.w.len();
        for l in 0..layers {
            let (inp, out) = self.acts.split_at_mut(l + 1);
            let (din, dout) = (self.dims[l], self.dims[l + 1]);
            compute.gemm(Gemm::new(rows, dout, din), &inp[l], &self.w[l], &mut out[0]);
            compute.bias_act(&mut out[0], &self.b[l], rows, dout, l + 1 < layers);
        }
    }

    async fn download<C: Compute<Buf = B>>(&self, compute: &mut C, net: &mut Net) {
        for l in 0..self.w.len() {
            compute.read(&self.w[l], &mut net.weights[l]).await;
            compute.read(&self.b[l], &mut net.biases[l]).await;
        }
    }
}

/// Gradients and Adam moments of every parameter, plus the backward buffers.
struct Optimizer<B> {
    gw: Vec<B>,
    gb: Vec<B>,
    mw: Vec<B>,
    vw: Vec<B>,
    mb: Vec<B>,
    vb: Vec<B>,
    /// Gradient w.r.t. each layer's output, `rows x dims[l + 1]`.
    grads: Vec<B>,
    targets: B,
    weights: B,
    loss: B,
    step: u32,
    beta1_t: f32,
    beta2_t: f32,
}

/// What training returns: the best (or last) network and how it got there.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The selected network.
    pub net: Net,
    /// Its dev score (Rank Score).
    pub dev_score: f64,
    /// Epoch (1-based) of the selected network.
    pub best_epoch: usize,
    /// Epochs run.
    pub epochs: usize,
    /// Mean training loss of the last epoch run.
    pub last_loss: f64,
    /// True when the progress callback asked to stop.
    pub stopped: bool,
}

/// Trains `net` with Adam on `data` under `schedule`, scoring on dev after every epoch, restoring
/// the best dev checkpoint. Mini-batches are reshuffled each epoch by a [`SplitMix64`] seeded
/// with `seed`. Batches larger than the backend's buffer limit run as accumulated chunks.
/// `progress` sees every epoch and may stop training (the best network so far is kept).
pub async fn fit<C: Compute>(
    compute: &mut C,
    mut net: Net,
    data: TrainData<'_>,
    schedule: &Schedule,
    seed: u64,
    lambda: f64,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Fit {
    let n = data.train_rows.len();
    let k = net.outputs();
    let batch = schedule.batch.unwrap_or(n).clamp(1, n.max(1));
    let widest = *net.dims.iter().max().unwrap_or(&1);
    let chunk = batch.min((compute.max_buffer_len() / widest).max(1));
    let mut dev = Device::upload(compute, &net, chunk);
    let layers = net.layers();
    let mut opt = Optimizer {
        gw: net.weights.iter().map(|w| compute.alloc(w.len())).collect(),
        gb: net.biases.iter().map(|b| compute.alloc(b.len())).collect(),
        mw: net.weights.iter().map(|w| compute.alloc(w.len())).collect(),
        vw: net.weights.iter().map(|w| compute.alloc(w.len())).collect(),
        mb: net.biases.iter().map(|b| compute.alloc(b.len())).collect(),
        vb: net.biases.iter().map(|b| compute.alloc(b.len())).collect(),
        grads: net.dims[1..]
            .iter()
            .map(|&d| compute.alloc(chunk * d))
            .collect(),
        targets: compute.alloc(chunk * k),
        weights: compute.alloc(if data.weights.is_some() { chunk * k } else { 1 }),
        loss: compute.alloc(chunk),
        step: 0,
        beta1_t: 1.0,
        beta2_t: 1.0,
    };
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = SplitMix64::new(seed ^ 0x05EE_D0FB_A7C4);
    let mut ts = vec![0.0f32; chunk * k];
    // The batch's rows of `x` (its positions in `order` mapped through `train_rows`).
    let mut x_rows = Vec::with_capacity(chunk);
    let mut ws = vec![0.0f32; if data.weights.is_some() { chunk * k } else { 0 }];
    // A single full-batch chunk in fixed order is written once and stays resident.
    let resident = schedule.batch.is_none() && chunk == n;
    let (mut best, mut best_epoch, mut since_best) = (f64::NEG_INFINITY, 0usize, 0usize);
    let mut best_net = net.clone();
    let (mut epochs, mut last_loss, mut stopped) = (0, f64::NAN, false);
    let mut loss_host = vec![0.0f32; chunk];
    for epoch in 1..=schedule.max_epochs {
        if schedule.batch.is_some() {
            rng.shuffle(&mut order);
        }
        compute.write(&mut opt.loss, &vec![0.0; chunk]);
        let mut loss_sum = 0.0f64;
        for batch_rows in order.chunks(batch) {
            let scale = 1.0 / batch_rows.len() as f32;
            for (ci, part) in batch_rows.chunks(chunk).enumerate() {
                let rows = part.len();
                if !(resident && epoch > 1) {
                    x_rows.clear();
                    x_rows.extend(part.iter().map(|&p| data.train_rows[p]));
                    compute.write_rows(&mut dev.acts[0], data.x, &x_rows);
                    gather(data.targets, k, part, &mut ts);
                    compute.write(&mut opt.targets, &ts[..rows * k]);
                    if let Some(w) = data.weights {
                        gather(w, k, part, &mut ws);
                        compute.write(&mut opt.weights, &ws[..rows * k]);
                    }
                }
                dev.forward(compute, rows);
                let out_grad = &mut opt.grads[layers - 1];
                match schedule.loss {
                    Loss::Softmax => compute.softmax_xent(
                        &dev.acts[layers],
                        &opt.targets,
                        rows,
                        k,
                        scale,
                        out_grad,
                        &mut opt.loss,
                    ),
                    Loss::Sigmoid => compute.sigmoid_xent(
                        &dev.acts[layers],
                        &opt.targets,
                        &opt.weights,
                        rows,
                        k,
                        scale,
                        out_grad,
                        &mut opt.loss,
                    ),
                }
                let accumulate = ci > 0;
                for l in (0..layers).rev() {
                    let (din, dout) = (net.dims[l], net.dims[l + 1]);
                    let (lower, upper) = opt.grads.split_at_mut(l);
                    let g_out = &upper[0];
                    let gw = Gemm {
                        m: din,
                        n: dout,
                        k: rows,
                        trans_a: true,
                        trans_b: false,
                        accumulate,
                    };
                    compute.gemm(gw, &dev.acts[l], g_out, &mut opt.gw[l]);
                    compute.col_sums(g_out, rows, dout, &mut opt.gb[l], accumulate);
                    if l > 0 {
                        let gx = Gemm {
                            m: rows,
                            n: din,
                            k: dout,
                            trans_a: false,
                            trans_b: true,
                            accumulate: false,
                        };
                        compute.gemm(gx, g_out, &dev.w[l], &mut lower[l - 1]);
                        compute.relu_backward(&mut lower[l - 1], &dev.acts[l], rows * din);
                    }
                }
            }
            opt.step += 1;
            opt.beta1_t *= 0.9;
            opt.beta2_t *= 0.999;
            let step = AdamStep {
                lr: schedule.lr,
                beta1: 0.9,
                beta2: 0.999,
                eps: 1e-8,
                weight_decay: schedule.weight_decay,
                bias1: 1.0 - opt.beta1_t,
                bias2: 1.0 - opt.beta2_t,
            };
            let bias_step = AdamStep {
                weight_decay: if schedule.decay_bias {
                    schedule.weight_decay
                } else {
                    0.0
                },
                ..step
            };
            for l in 0..layers {
                let (wl, bl) = (net.weights[l].len(), net.biases[l].len());
                compute.adam(
                    &mut dev.w[l],
                    &opt.gw[l],
                    &mut opt.mw[l],
                    &mut opt.vw[l],
                    wl,
                    step,
                );
                compute.adam(
                    &mut dev.b[l],
                    &opt.gb[l],
                    &mut opt.mb[l],
                    &mut opt.vb[l],
                    bl,
                    bias_step,
                );
            }
        }
        compute.read(&opt.loss, &mut loss_host).await;
        loss_sum += loss_host.iter().map(|&v| v as f64).sum::<f64>();
        last_loss = loss_sum / n.max(1) as f64;
        epochs = epoch;
        dev.download(compute, &mut net).await;
        let dev_logits = net.logits(compute, data.x, data.dev_rows, chunk).await;
        let score = (data.dev_score)(&dev_logits);
        let improved = score > best + schedule.min_delta || best_epoch == 0;
        if improved || schedule.patience.is_none() {
            best = score;
            best_epoch = epoch;
            best_net = net.clone();
            since_best = 0;
        } else {
            since_best += 1;
        }
        let report = Progress {
            lambda,
            epoch,
            loss: last_loss,
            dev_rank_score: score,
        };
        if progress(&report) == Control::Stop {
            stopped = true;
            break;
        }
        if schedule.patience.is_some_and(|p| since_best >= p) {
            break;
        }
    }
    Fit {
        net: best_net,
        dev_score: best,
        best_epoch,
        epochs,
        last_loss,
        stopped,
    }
}

/// Copies rows `part` of a row-major `? x k` matrix into `out`.
fn gather(src: &[f32], k: usize, part: &[usize], out: &mut [f32]) {
    for (r, &i) in part.iter().enumerate() {
        out[r * k..(r + 1) * k].copy_from_slice(&src[i * k..(i + 1) * k]);
    }
}

/// Trains the MLP router (protocol 4.7) for one lambda: `D -> hidden... -> K`, ReLU, soft
/// cross-entropy, Adam lr 1e-3 with weight decay 1e-4, batch 1024 reshuffled each epoch, up to 300
/// epochs, early stopping on dev Rank Score (patience 3, min delta 1e-4), best restored.
pub async fn fit_router<C: Compute>(
    compute: &mut C,
    data: &super::Data<'_>,
    targets: &[f32],
    config: &super::TrainConfig,
    lambda: f64,
    progress: &mut dyn FnMut(&Progress) -> Control,
) -> Fit {
    let mut dims = vec![data.x.cols];
    dims.extend_from_slice(&config.hidden);
    dims.push(data.bench.num_models());
    let schedule = Schedule {
        lr: 1e-3,
        weight_decay: 1e-4,
        decay_bias: true,
        batch: Some(1024),
        max_epochs: config.max_epochs.unwrap_or(300),
        patience: Some(3),
        min_delta: 1e-4,
        loss: Loss::Softmax,
    };
    let mut score = super::dev_rank_score(data);
    let train = TrainData {
        x: &data.x,
        train_rows: &data.train,
        targets,
        weights: None,
        dev_rows: &data.dev,
        dev_score: &mut score,
    };
    fit(
        compute,
        Net::init(&dims, config.seed),
        train,
        &schedule,
        config.seed,
        lambda,
        progress,
    )
    .await
}
