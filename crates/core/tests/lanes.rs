//! The CPU kernels give the same bits at every lane width this machine has (scalar, AVX2,
//! AVX-512 natively; simd128 in a `+simd128` wasm build, run in headless Chromium): the matrix
//! product against a plain loop written in the fixed summation order (sum over k from zero in
//! blocks of 256, blocks added to C in order), every other kernel and a short MLP fit across
//! widths, and a checksum of the product's bits that native and wasm runs both assert.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use vlrb_core::model::{Projected, RowDecoder};
use vlrb_core::routers::Control;
use vlrb_core::routers::compute::{AdamStep, Compute, Cpu, Gemm};
use vlrb_core::routers::features::Matrix;
use vlrb_core::routers::mlp::{Loss, Net, Schedule, TrainData, fit};
use vlrb_core::routers::rng::SplitMix64;
use vlrb_core::routers::simd::Width;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn random(len: usize, seed: u64) -> Vec<f32> {
    let mut r = SplitMix64::new(seed);
    (0..len).map(|_| r.unit_f32() * 2.0 - 1.0).collect()
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// The summation order every width must follow, as a plain loop.
fn reference(g: Gemm, a: &[f32], b: &[f32], c: &mut [f32]) {
    let at = |i: usize, p: usize| {
        if g.trans_a {
            a[p * g.m + i]
        } else {
            a[i * g.k + p]
        }
    };
    let bt = |p: usize, j: usize| {
        if g.trans_b {
            b[j * g.k + p]
        } else {
            b[p * g.n + j]
        }
    };
    for i in 0..g.m {
        for j in 0..g.n {
            let mut out = if g.accumulate { c[i * g.n + j] } else { 0.0 };
            for block in (0..g.k).step_by(256) {
                let mut sum = 0.0f32;
                for p in block..g.k.min(block + 256) {
                    sum += at(i, p) * bt(p, j);
                }
                out += sum;
            }
            c[i * g.n + j] = out;
        }
    }
}

fn cpus() -> Vec<Cpu> {
    let widths = Width::available();
    assert_eq!(widths[0], Width::Scalar);
    widths.into_iter().filter_map(Cpu::with_width).collect()
}

/// Shapes with edge tiles in every direction, more than one k block and one n block.
const SHAPES: [(usize, usize, usize); 5] = [
    (1, 1, 1),
    (7, 5, 3),
    (53, 70, 600),
    (13, 2081, 9),
    (97, 33, 257),
];

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn gemm_has_the_fixed_order_bits_at_every_width() {
    for cpu in &mut cpus() {
        for (s, &(m, n, k)) in SHAPES.iter().enumerate() {
            let a = random(m * k, 2 * s as u64);
            let b = random(k * n, 2 * s as u64 + 1);
            for (trans_a, trans_b, accumulate) in [
                (false, false, false),
                (true, false, true),
                (false, true, false),
                (true, true, true),
            ] {
                let g = Gemm {
                    m,
                    n,
                    k,
                    trans_a,
                    trans_b,
                    accumulate,
                };
                let init = random(m * n, 99);
                let (mut want, mut got) = (init.clone(), init);
                reference(g, &a, &b, &mut want);
                cpu.gemm(g, &a, &b, &mut got);
                assert_eq!(bits(&got), bits(&want), "{:?} {g:?}", cpu.width());
            }
        }
    }
}

/// FNV-1a over the bits of a 70 x 300 x 600 product (shape and seeds fixed).
fn product_checksum(cpu: &mut Cpu) -> u64 {
    let g = Gemm::new(70, 300, 600);
    let (a, b) = (random(70 * 600, 7), random(600 * 300, 8));
    let mut c = vec![0.0; 70 * 300];
    cpu.gemm(g, &a, &b, &mut c);
    bits(&c).iter().fold(0xcbf2_9ce4_8422_2325, |h, &v| {
        (h ^ u64::from(v)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The checksum the scalar path gives natively (computed once by this test on x86-64 at
/// `Width::Scalar`, which the test above ties to the plain loop); every width must give it on
/// every target.
const PRODUCT_CHECKSUM: u64 = 0xf0a4_ce8c_511e_18db;

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn product_checksum_is_the_same_natively_and_in_wasm() {
    for cpu in &mut cpus() {
        assert_eq!(product_checksum(cpu), PRODUCT_CHECKSUM, "{:?}", cpu.width());
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn element_wise_kernels_and_topk_match_across_widths() {
    let (rows, cols) = (37, 19);
    let mut x = random(rows * cols, 3);
    // Signed zeros and exact zeros take ReLU's edge cases.
    x[0] = -0.0;
    x[1] = 0.0;
    let bias = random(cols, 4);
    let targets: Vec<f32> = random(rows * cols, 5).iter().map(|v| v.abs()).collect();
    let weights = random(rows * cols, 6);
    let params = random(70_001, 7);
    let grads = random(70_001, 8);
    let queries = random(29 * 40, 9);
    let refs = random(301 * 40, 10);
    let run = |cpu: &mut Cpu| {
        let mut out = Vec::new();
        let mut act = x.clone();
        cpu.bias_act(&mut act, &bias, rows, cols, true);
        let mut lin = x.clone();
        cpu.bias_act(&mut lin, &bias, rows, cols, false);
        let mut grad = random(rows * cols, 11);
        cpu.relu_backward(&mut grad, &act, rows * cols);
        let mut sums = random(cols, 12);
        cpu.col_sums(&lin, rows, cols, &mut sums, true);
        let (mut sg, mut sl) = (vec![0.0; rows * cols], vec![0.0; rows]);
        cpu.softmax_xent(&lin, &targets, rows, cols, 0.25, &mut sg, &mut sl);
        let (mut bg, mut bl) = (vec![0.0; rows * cols], vec![0.0; rows]);
        cpu.sigmoid_xent(&lin, &targets, &weights, rows, cols, 0.25, &mut bg, &mut bl);
        let (mut p, mut m, mut v) = (
            params.clone(),
            vec![0.1; params.len()],
            vec![0.2; params.len()],
        );
        let step = AdamStep {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 1e-4,
            bias1: 0.1,
            bias2: 0.001,
        };
        cpu.adam(&mut p, &grads, &mut m, &mut v, params.len(), step);
        let (mut idx, mut dist) = (vec![0u32; 29 * 5], vec![0.0; 29 * 5]);
        pollster::block_on(cpu.cosine_topk(&queries, &refs, 29, 301, 40, 5, &mut idx, &mut dist));
        for part in [
            &act, &lin, &grad, &sums, &sg, &sl, &bg, &bl, &p, &m, &v, &dist,
        ] {
            out.push(bits(part));
        }
        out.push(idx);
        out
    };
    let mut all = cpus().into_iter();
    let want = run(&mut all.next().expect("scalar"));
    for mut cpu in all {
        assert_eq!(run(&mut cpu), want, "{:?}", cpu.width());
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn an_mlp_fit_gives_the_same_network_at_every_width() {
    let (n, d, k) = (300, 70, 5);
    let x = Matrix {
        rows: n,
        cols: d,
        data: random(n * d, 13),
    };
    let mut targets = vec![0.0f32; n * k];
    for r in 0..n {
        targets[r * k + r % k] = 1.0;
    }
    let schedule = Schedule {
        lr: 1e-3,
        weight_decay: 1e-4,
        decay_bias: true,
        batch: Some(64),
        max_epochs: 2,
        patience: None,
        min_delta: 0.0,
        loss: Loss::Softmax,
    };
    let dev: Vec<usize> = (0..50).collect();
    let train_rows: Vec<usize> = (0..x.rows).collect();
    let nets: Vec<Net> = cpus()
        .iter_mut()
        .map(|cpu| {
            let mut score = |logits: &[f32]| logits.iter().map(|&v| v as f64).sum::<f64>();
            let data = TrainData {
                x: &x,
                train_rows: &train_rows,
                targets: &targets,
                weights: None,
                dev_rows: &dev,
                dev_score: &mut score,
            };
            let net = Net::init(&[d, 33, k], 42);
            let fit = pollster::block_on(fit(cpu, net, data, &schedule, 42, 1.0, &mut |_| {
                Control::Continue
            }));
            fit.net
        })
        .collect();
    for net in &nets[1..] {
        assert_eq!(
            net.weights.iter().map(|w| bits(w)).collect::<Vec<_>>(),
            nets[0].weights.iter().map(|w| bits(w)).collect::<Vec<_>>()
        );
        assert_eq!(
            net.biases.iter().map(|w| bits(w)).collect::<Vec<_>>(),
            nets[0].biases.iter().map(|w| bits(w)).collect::<Vec<_>>()
        );
    }
}

/// The projected embeddings' decoding, as a plain loop: the mean, then each component's
/// step-scaled code times its basis vector, components in order, zero coefficients skipped.
fn decode_reference(p: &Projected, dim: usize) -> Vec<f32> {
    let rows = p.codes.len() / p.components;
    let mut out = Vec::new();
    for i in 0..rows {
        let mut row = p.mean.clone();
        for c in 0..p.components {
            let a = p.codes[c * rows + i] as f32 * p.steps[c];
            if a == 0.0 {
                continue;
            }
            for (t, x) in row.iter_mut().enumerate() {
                let b = half::f16::from_bits(p.basis[c * dim + t]).to_f32();
                *x += a * b;
            }
        }
        out.extend(row);
    }
    out
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn projected_decoding_has_the_plain_loops_bits_at_every_width() {
    // 37 columns: whole registers at every width plus a tail; zero codes take the skip.
    let (rows, dim, components) = (23, 37, 6);
    let codes: Vec<i8> = random(rows * components, 21)
        .iter()
        .enumerate()
        .map(|(i, v)| if i % 5 == 0 { 0 } else { (v * 127.0) as i8 })
        .collect();
    let p = Projected {
        components,
        mean: random(dim, 22),
        basis: random(components * dim, 23)
            .iter()
            .map(|&v| half::f16::from_f32(v).to_bits())
            .collect(),
        steps: random(components, 24)
            .iter()
            .map(|v| v.abs() / 64.0)
            .collect(),
        codes,
    };
    let want = bits(&decode_reference(&p, dim));
    for width in Width::available() {
        let rows = p.row_decoder(width, dim).unwrap();
        let all = RowDecoder::Projected(rows.clone()).decode_all();
        assert_eq!(bits(&all), want, "{width:?}");
        let mut row = vec![0.0; dim];
        rows.decode_row(7, &mut row);
        assert_eq!(bits(&row), want[7 * dim..8 * dim], "{width:?} row 7");
    }
    assert!(p.row_decoder(Width::Scalar, dim + 1).is_none());
}
