//! The compute interface routers train through, and its CPU reference implementation.
//!
//! A router allocates its buffers once, writes inputs into them, and chains the heavy steps
//! (matmul forward/backward, bias + ReLU, softmax/sigmoid cross-entropy gradients, Adam, cosine
//! top-k); it reads back only what it must (per-epoch losses, dev logits). The CPU reference here
//! is bit-for-bit deterministic on every target; `vlrb-gpu` implements the same trait with WGSL
//! kernels (equal up to float rounding).

use super::features::Matrix;
use super::gemm::{Operand, sgemm_with};
use super::simd::{Width, run_at};

/// Shape of one matrix product `C[m x n] (+)= op(A) * op(B)`, all row-major.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gemm {
    /// Rows of C.
    pub m: usize,
    /// Columns of C.
    pub n: usize,
    /// Inner dimension.
    pub k: usize,
    /// A is stored k x m (use its transpose).
    pub trans_a: bool,
    /// B is stored n x k (use its transpose).
    pub trans_b: bool,
    /// Add into C instead of overwriting it.
    pub accumulate: bool,
}

impl Gemm {
    /// `C = A * B` with A m x k and B k x n.
    pub fn new(m: usize, n: usize, k: usize) -> Gemm {
        Gemm {
            m,
            n,
            k,
            trans_a: false,
            trans_b: false,
            accumulate: false,
        }
    }
}

/// Hyper-parameters of one Adam step (PyTorch's `Adam`, L2 weight decay added to the gradient).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamStep {
    /// Learning rate.
    pub lr: f32,
    /// First-moment decay.
    pub beta1: f32,
    /// Second-moment decay.
    pub beta2: f32,
    /// Denominator epsilon.
    pub eps: f32,
    /// L2 coefficient added to the gradient (`grad += weight_decay * param`).
    pub weight_decay: f32,
    /// Bias correction `1 - beta1^t`.
    pub bias1: f32,
    /// Bias correction `1 - beta2^t`.
    pub bias2: f32,
}

/// The steps a router needs, on buffers of f32 owned by the backend. Every operation reads and
/// writes the first elements its shape names; buffers may be longer (they are reused across
/// batches of different sizes).
///
/// Recording work is synchronous; the two operations that bring results back to the host are
/// `async`, because a browser's WebGPU can only map a buffer by returning to the event loop. The
/// CPU backend's futures (and the native GPU backend's, which block) are ready on first poll.
// Routers use the trait through generics only, and the browser backend's futures are not `Send`.
#[allow(async_fn_in_trait)]
pub trait Compute {
    /// A buffer of f32 on the backend.
    type Buf;

    /// Human-readable backend name (e.g. `cpu`, or `webgpu: <adapter>`).
    fn backend(&self) -> String;
    /// Largest buffer (in f32 elements) one binding may hold; routers chunk above it.
    fn max_buffer_len(&self) -> usize;
    /// A zero-filled buffer of `len` elements.
    fn alloc(&mut self, len: usize) -> Self::Buf;
    /// Copies `data` into the start of `buf`.
    fn write(&mut self, buf: &mut Self::Buf, data: &[f32]);
    /// Copies rows `rows` of `x`, in that order, into the start of `buf`. The default gathers into
    /// a fresh host copy and [`Compute::write`]s it; the CPU backend gathers in place, and the GPU
    /// backend into a host copy it keeps.
    fn write_rows(&mut self, buf: &mut Self::Buf, x: &Matrix, rows: &[usize]) {
        let mut host = vec![0.0; rows.len() * x.cols];
        x.gather_into(rows, &mut host);
        self.write(buf, &host);
    }
    /// Copies the first `out.len()` elements of `buf` into `out` (waits for pending work).
    async fn read(&mut self, buf: &Self::Buf, out: &mut [f32]);
    /// Matrix product, see [`Gemm`].
    fn gemm(&mut self, g: Gemm, a: &Self::Buf, b: &Self::Buf, c: &mut Self::Buf);
    /// `x[r][c] += bias[c]` for a `rows x cols` matrix, then ReLU when `relu`.
    fn bias_act(
        &mut self,
        x: &mut Self::Buf,
        bias: &Self::Buf,
        rows: usize,
        cols: usize,
        relu: bool,
    );
    /// `grad[i] = 0` where `act[i] <= 0` (the ReLU backward), first `len` elements.
    fn relu_backward(&mut self, grad: &mut Self::Buf, act: &Self::Buf, len: usize);
    /// `out[c] (+)= sum_r x[r][c]` (the bias gradient), summed in row order; adds into `out`
    /// when `accumulate`.
    fn col_sums(
        &mut self,
        x: &Self::Buf,
        rows: usize,
        cols: usize,
        out: &mut Self::Buf,
        accumulate: bool,
    );
    /// Softmax cross-entropy with soft targets for a `rows x cols` block: writes
    /// `grad = (softmax(logits) - targets) * scale` (scale = 1 / batch size gives the batch mean)
    /// and adds each row's `-sum t log p` to `loss[r]`.
    #[allow(clippy::too_many_arguments)]
    fn softmax_xent(
        &mut self,
        logits: &Self::Buf,
        targets: &Self::Buf,
        rows: usize,
        cols: usize,
        scale: f32,
        grad: &mut Self::Buf,
        loss: &mut Self::Buf,
    );
    /// Independent weighted logistic losses per cell: writes `grad = w (sigmoid(z) - y) * scale`
    /// and adds each row's weighted log-loss to `loss[r]`.
    #[allow(clippy::too_many_arguments)]
    fn sigmoid_xent(
        &mut self,
        logits: &Self::Buf,
        targets: &Self::Buf,
        weights: &Self::Buf,
        rows: usize,
        cols: usize,
        scale: f32,
        grad: &mut Self::Buf,
        loss: &mut Self::Buf,
    );
    /// One Adam update of the first `len` parameters.
    fn adam(
        &mut self,
        param: &mut Self::Buf,
        grad: &Self::Buf,
        m: &mut Self::Buf,
        v: &mut Self::Buf,
        len: usize,
        step: AdamStep,
    );
    /// For each of `nq` unit-norm query rows, the `k` reference rows (of `nr`, unit-norm, width
    /// `dim`) with the smallest cosine distance `1 - q.r`, ascending (ties: lower index first).
    /// Writes `nq * k` indices and distances row-major. `refs` must fit [`Self::max_buffer_len`].
    #[allow(clippy::too_many_arguments)]
    async fn cosine_topk(
        &mut self,
        queries: &Self::Buf,
        refs: &Self::Buf,
        nq: usize,
        nr: usize,
        dim: usize,
        k: usize,
        idx: &mut [u32],
        dist: &mut [f32],
    );
}

/// The CPU reference: plain slices, cache-blocked SIMD matmul, the same bits on every target and
/// at every lane width.
#[derive(Debug, Clone)]
pub struct Cpu {
    scores: Vec<f32>,
    width: Width,
}

impl Default for Cpu {
    fn default() -> Cpu {
        Cpu {
            scores: Vec::new(),
            width: Width::detect(),
        }
    }
}

impl Cpu {
    /// A CPU backend at the widest lane width this machine has.
    pub fn new() -> Cpu {
        Cpu::default()
    }

    /// A CPU backend at the given lane width, if this machine has it (the results are the same
    /// bits at every width; this exists to check that).
    pub fn with_width(width: Width) -> Option<Cpu> {
        width.is_available().then(|| Cpu {
            scores: Vec::new(),
            width,
        })
    }

    /// The lane width the kernels run at.
    pub fn width(&self) -> Width {
        self.width
    }
}

/// Operand views of a [`Gemm`]'s A and B.
pub fn operands<'a>(g: Gemm, a: &'a [f32], b: &'a [f32]) -> (Operand<'a>, Operand<'a>) {
    let oa = if g.trans_a {
        Operand {
            data: a,
            rs: 1,
            cs: g.m,
        }
    } else {
        Operand {
            data: a,
            rs: g.k,
            cs: 1,
        }
    };
    let ob = if g.trans_b {
        Operand {
            data: b,
            rs: 1,
            cs: g.k,
        }
    } else {
        Operand {
            data: b,
            rs: g.n,
            cs: 1,
        }
    };
    (oa, ob)
}

/// `exp(x)` for `x <= 0` from basic f64 operations only (range reduction by ln 2 and a degree-13
/// Taylor polynomial, relative error below 1e-15), so softmax rounds identically on every target
/// instead of depending on the platform's libm.
pub fn exp_nonpositive(x: f64) -> f64 {
    if x < -745.0 {
        return 0.0;
    }
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    let n = (x * std::f64::consts::LOG2_E - 0.5).ceil();
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let mut term = 1.0;
    let mut sum = 1.0;
    for i in 1..=13 {
        term *= r / i as f64;
        sum += term;
    }
    // Scale by 2^n in two steps so subnormal results stay correct.
    let n = n as i64;
    let half = n / 2;
    sum * f64::from_bits(((1023 + half) as u64) << 52)
        * f64::from_bits(((1023 + n - half) as u64) << 52)
}

impl Compute for Cpu {
    type Buf = Vec<f32>;

    fn backend(&self) -> String {
        if cfg!(feature = "threads") {
            "cpu (threads)".into()
        } else {
            "cpu".into()
        }
    }

    fn max_buffer_len(&self) -> usize {
        usize::MAX
    }

    fn alloc(&mut self, len: usize) -> Vec<f32> {
        vec![0.0; len]
    }

    fn write(&mut self, buf: &mut Vec<f32>, data: &[f32]) {
        buf[..data.len()].copy_from_slice(data);
    }

    fn write_rows(&mut self, buf: &mut Vec<f32>, x: &Matrix, rows: &[usize]) {
        x.gather_into(rows, buf);
    }

    async fn read(&mut self, buf: &Vec<f32>, out: &mut [f32]) {
        out.copy_from_slice(&buf[..out.len()]);
    }

    fn gemm(&mut self, g: Gemm, a: &Vec<f32>, b: &Vec<f32>, c: &mut Vec<f32>) {
        let (oa, ob) = operands(g, a, b);
        sgemm_with(self.width, g.m, g.n, g.k, oa, ob, c, g.accumulate);
    }

    fn bias_act(
        &mut self,
        x: &mut Vec<f32>,
        bias: &Vec<f32>,
        rows: usize,
        cols: usize,
        relu: bool,
    ) {
        let bias = &bias[..cols];
        run_at(self.width, || {
            for row in x[..rows * cols].chunks_exact_mut(cols) {
                for (v, b) in row.iter_mut().zip(bias) {
                    *v += b;
                    if relu && *v < 0.0 {
                        *v = 0.0;
                    }
                }
            }
        });
    }

    fn relu_backward(&mut self, grad: &mut Vec<f32>, act: &Vec<f32>, len: usize) {
        run_at(self.width, || {
            for (g, a) in grad[..len].iter_mut().zip(&act[..len]) {
                if *a <= 0.0 {
                    *g = 0.0;
                }
            }
        });
    }

    fn col_sums(
        &mut self,
        x: &Vec<f32>,
        rows: usize,
        cols: usize,
        out: &mut Vec<f32>,
        accumulate: bool,
    ) {
        let out = &mut out[..cols];
        if !accumulate {
            out.fill(0.0);
        }
        run_at(self.width, || {
            for row in x[..rows * cols].chunks_exact(cols) {
                for (o, v) in out.iter_mut().zip(row) {
                    *o += v;
                }
            }
        });
    }

    fn softmax_xent(
        &mut self,
        logits: &Vec<f32>,
        targets: &Vec<f32>,
        rows: usize,
        cols: usize,
        scale: f32,
        grad: &mut Vec<f32>,
        loss: &mut Vec<f32>,
    ) {
        for r in 0..rows {
            let z = &logits[r * cols..(r + 1) * cols];
            let t = &targets[r * cols..(r + 1) * cols];
            let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let sum: f64 = z.iter().map(|&v| exp_nonpositive((v - max) as f64)).sum();
            let log_sum = sum.ln();
            let mut row_loss = 0.0f64;
            for c in 0..cols {
                let log_p = (z[c] - max) as f64 - log_sum;
                let p = exp_nonpositive((z[c] - max) as f64) / sum;
                grad[r * cols + c] = (p as f32 - t[c]) * scale;
                if t[c] != 0.0 {
                    row_loss -= t[c] as f64 * log_p;
                }
            }
            loss[r] += row_loss as f32;
        }
    }

    fn sigmoid_xent(
        &mut self,
        logits: &Vec<f32>,
        targets: &Vec<f32>,
        weights: &Vec<f32>,
        rows: usize,
        cols: usize,
        scale: f32,
        grad: &mut Vec<f32>,
        loss: &mut Vec<f32>,
    ) {
        for (r, row_total) in loss[..rows].iter_mut().enumerate() {
            let mut row_loss = 0.0f64;
            for c in 0..cols {
                let i = r * cols + c;
                let z = logits[i] as f64;
                // sigmoid and log(1 + e^-|z|) from exp of a non-positive argument.
                let e = exp_nonpositive(-z.abs());
                let p = if z >= 0.0 {
                    1.0 / (1.0 + e)
                } else {
                    e / (1.0 + e)
                };
                let y = targets[i] as f64;
                grad[i] = weights[i] * (p as f32 - targets[i]) * scale;
                row_loss += weights[i] as f64 * (z.max(0.0) - z * y + e.ln_1p());
            }
            *row_total += row_loss as f32;
        }
    }

    fn adam(
        &mut self,
        param: &mut Vec<f32>,
        grad: &Vec<f32>,
        m: &mut Vec<f32>,
        v: &mut Vec<f32>,
        len: usize,
        s: AdamStep,
    ) {
        // Element-wise, so splitting it over threads and lanes never changes a bit.
        let width = self.width;
        let (grad, m, v) = (&grad[..len], &mut m[..len], &mut v[..len]);
        for_each_adam_chunk(&mut param[..len], grad, m, v, |param, grad, m, v| {
            run_at(width, || {
                let moments = m.iter_mut().zip(v.iter_mut());
                for ((p, g), (m, v)) in param.iter_mut().zip(grad).zip(moments) {
                    let g = g + s.weight_decay * *p;
                    *m = s.beta1 * *m + (1.0 - s.beta1) * g;
                    *v = s.beta2 * *v + (1.0 - s.beta2) * g * g;
                    let m_hat = *m / s.bias1;
                    let v_hat = *v / s.bias2;
                    *p -= s.lr * m_hat / (v_hat.sqrt() + s.eps);
                }
            })
        });
    }

    async fn cosine_topk(
        &mut self,
        queries: &Vec<f32>,
        refs: &Vec<f32>,
        nq: usize,
        nr: usize,
        dim: usize,
        k: usize,
        idx: &mut [u32],
        dist: &mut [f32],
    ) {
        // 384-query blocks: eight 48-row matmul blocks, so both threads get work; the score tile
        // (384 x nr floats) stays a few tens of MiB.
        let block = 384;
        let mut scores = std::mem::take(&mut self.scores);
        scores.resize(block * nr, 0.0);
        for q0 in (0..nq).step_by(block) {
            let bq = block.min(nq - q0);
            let g = Gemm {
                m: bq,
                n: nr,
                k: dim,
                trans_a: false,
                trans_b: true,
                accumulate: false,
            };
            let (oa, ob) = operands(g, &queries[q0 * dim..], refs);
            sgemm_with(self.width, bq, nr, dim, oa, ob, &mut scores, false);
            let out = q0 * k..(q0 + bq) * k;
            for_each_query(
                &scores[..bq * nr],
                nr,
                &mut idx[out.clone()],
                &mut dist[out],
                k,
            );
        }
        self.scores = scores;
    }
}

/// The top-k of every `nr`-long row of `scores` into the matching `k`-long rows of `idx`/`dist`:
/// on both cores with the `threads` feature natively, in order otherwise (rows are independent).
#[cfg(all(feature = "threads", not(target_arch = "wasm32")))]
fn for_each_query(scores: &[f32], nr: usize, idx: &mut [u32], dist: &mut [f32], k: usize) {
    use rayon::prelude::*;
    if k == 0 || nr == 0 {
        idx.fill(u32::MAX);
        dist.fill(f32::INFINITY);
        return;
    }
    scores
        .par_chunks(nr)
        .zip(idx.par_chunks_mut(k))
        .zip(dist.par_chunks_mut(k))
        .for_each(|((row, i), d)| select_smallest(row.iter().map(|&s| 1.0 - s), k, i, d));
}

/// The top-k of every `nr`-long row of `scores` into the matching `k`-long rows of `idx`/`dist`.
#[cfg(not(all(feature = "threads", not(target_arch = "wasm32"))))]
fn for_each_query(scores: &[f32], nr: usize, idx: &mut [u32], dist: &mut [f32], k: usize) {
    if k == 0 || nr == 0 {
        idx.fill(u32::MAX);
        dist.fill(f32::INFINITY);
        return;
    }
    for ((row, i), d) in scores
        .chunks(nr)
        .zip(idx.chunks_mut(k))
        .zip(dist.chunks_mut(k))
    {
        select_smallest(row.iter().map(|&s| 1.0 - s), k, i, d);
    }
}

/// Parameters per Adam task when threads are on.
#[cfg(all(feature = "threads", not(target_arch = "wasm32")))]
const ADAM_CHUNK: usize = 1 << 16;

/// Runs an element-wise Adam step `f` over matching pieces of the parameters, gradients and
/// moments: on both cores with the `threads` feature natively, in one piece otherwise.
#[cfg(all(feature = "threads", not(target_arch = "wasm32")))]
fn for_each_adam_chunk(
    param: &mut [f32],
    grad: &[f32],
    m: &mut [f32],
    v: &mut [f32],
    f: impl Fn(&mut [f32], &[f32], &mut [f32], &mut [f32]) + Sync + Send,
) {
    use rayon::prelude::*;
    param
        .par_chunks_mut(ADAM_CHUNK)
        .zip(grad.par_chunks(ADAM_CHUNK))
        .zip(m.par_chunks_mut(ADAM_CHUNK))
        .zip(v.par_chunks_mut(ADAM_CHUNK))
        .for_each(|(((p, g), m), v)| f(p, g, m, v));
}

/// Runs an element-wise Adam step `f` over the parameters, gradients and moments.
#[cfg(not(all(feature = "threads", not(target_arch = "wasm32"))))]
fn for_each_adam_chunk(
    param: &mut [f32],
    grad: &[f32],
    m: &mut [f32],
    v: &mut [f32],
    f: impl Fn(&mut [f32], &[f32], &mut [f32], &mut [f32]),
) {
    f(param, grad, m, v)
}

/// Keeps the `k` smallest values of `values` (ascending; ties: earlier index first) in
/// `idx`/`dist`; unused slots get index `u32::MAX` and distance infinity.
pub fn select_smallest(
    values: impl Iterator<Item = f32>,
    k: usize,
    idx: &mut [u32],
    dist: &mut [f32],
) {
    idx[..k].fill(u32::MAX);
    dist[..k].fill(f32::INFINITY);
    for (j, d) in values.enumerate() {
        if k == 0 || d.partial_cmp(&dist[k - 1]) != Some(std::cmp::Ordering::Less) {
            continue;
        }
        let mut pos = k - 1;
        while pos > 0 && d < dist[pos - 1] {
            dist[pos] = dist[pos - 1];
            idx[pos] = idx[pos - 1];
            pos -= 1;
        }
        dist[pos] = d;
        idx[pos] = j as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_libm_closely() {
        for i in 0..2000 {
            let x = -(i as f64) * 0.37;
            let (a, b) = (exp_nonpositive(x), x.exp());
            assert!(
                (a - b).abs() <= 4.0 * f64::EPSILON * b + f64::MIN_POSITIVE,
                "{x}: {a} vs {b}"
            );
        }
        assert_eq!(exp_nonpositive(0.0), 1.0);
        assert_eq!(exp_nonpositive(-1e9), 0.0);
    }

    #[test]
    fn softmax_gradient_matches_finite_differences() {
        let mut cpu = Cpu::new();
        let logits = vec![0.3f32, -1.2, 2.0, 0.1, 0.0, 0.5];
        let targets = vec![0.2f32, 0.0, 0.8, 1.0, 0.0, 0.0];
        let (mut grad, mut loss) = (vec![0.0; 6], vec![0.0; 2]);
        cpu.softmax_xent(&logits, &targets, 2, 3, 0.5, &mut grad, &mut loss);
        let total = |z: &Vec<f32>| {
            let (mut g, mut l) = (vec![0.0; 6], vec![0.0; 2]);
            Cpu::new().softmax_xent(z, &targets, 2, 3, 0.5, &mut g, &mut l);
            (l[0] + l[1]) as f64 / 2.0
        };
        for i in 0..6 {
            let (mut up, mut down) = (logits.clone(), logits.clone());
            up[i] += 1e-3;
            down[i] -= 1e-3;
            let fd = (total(&up) - total(&down)) / 2e-3;
            assert!(
                (fd - grad[i] as f64).abs() < 1e-3,
                "{i}: {fd} vs {}",
                grad[i]
            );
        }
    }

    #[test]
    fn topk_orders_by_distance_then_index() {
        let (mut i, mut d) = (vec![0; 3], vec![0.0; 3]);
        select_smallest([0.5, 0.1, 0.5, 0.1, 0.9].into_iter(), 3, &mut i, &mut d);
        assert_eq!(i, [1, 3, 0]);
        assert_eq!(d, [0.1, 0.1, 0.5]);
    }
}
