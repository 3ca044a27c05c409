//! Each WGSL kernel against the CPU reference on small shapes: natively on whatever adapter wgpu
//! finds (here Mesa's llvmpipe software Vulkan), and in headless Chromium's WebGPU (SwiftShader,
//! `--enable-unsafe-webgpu` from this crate's `webdriver.json`). A missing adapter fails the tests.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use vlrb_core::routers::compute::{AdamStep, Compute, Cpu, Gemm};
use vlrb_core::routers::rng::SplitMix64;
use vlrb_gpu::Gpu;

fn random(n: usize, seed: u64) -> Vec<f32> {
    let mut r = SplitMix64::new(seed);
    (0..n).map(|_| 2.0 * r.unit_f32() - 1.0).collect()
}

fn upload(gpu: &mut Gpu, data: &[f32]) -> vlrb_gpu::Buf {
    let mut b = gpu.alloc(data.len());
    gpu.write(&mut b, data);
    b
}

async fn download(gpu: &mut Gpu, b: &vlrb_gpu::Buf, len: usize) -> Vec<f32> {
    let mut out = vec![0.0; len];
    gpu.read(b, &mut out).await;
    out
}

fn assert_close(got: &[f32], want: &[f32], tol: f32, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= tol * (1.0 + w.abs()),
            "{what}[{i}]: gpu {g} vs cpu {w}"
        );
    }
}

async fn adapter_is_present_and_named(gpu: &mut Gpu) {
    assert!(gpu.backend().starts_with("gpu: "), "{}", gpu.backend());
    assert!(gpu.max_buffer_len() <= (128 << 20) / 4);
}

async fn gemm_matches_cpu_with_transposes_and_accumulation(gpu: &mut Gpu) {
    let mut cpu = Cpu::new();
    for &(m, n, k) in &[(1, 1, 1), (17, 5, 33), (40, 23, 70)] {
        for (ta, tb, acc) in [
            (false, false, false),
            (true, false, true),
            (false, true, false),
            (true, true, true),
        ] {
            let g = Gemm {
                m,
                n,
                k,
                trans_a: ta,
                trans_b: tb,
                accumulate: acc,
            };
            let (a, b, c0) = (random(m * k, 1), random(k * n, 2), random(m * n, 3));
            let mut want = c0.clone();
            cpu.gemm(g, &a, &b, &mut want);
            let (ga, gb) = (upload(gpu, &a), upload(gpu, &b));
            let mut gc = upload(gpu, &c0);
            gpu.gemm(g, &ga, &gb, &mut gc);
            let got = download(gpu, &gc, m * n).await;
            assert_close(
                &got,
                &want,
                1e-4,
                &format!("gemm {m}x{n}x{k} {ta} {tb} {acc}"),
            );
        }
    }
}

async fn elementwise_kernels_match_cpu(gpu: &mut Gpu) {
    let mut cpu = Cpu::new();
    let (rows, cols) = (9, 13);
    let x = random(rows * cols, 4);
    let bias = random(cols, 5);
    for relu in [false, true] {
        let mut want = x.clone();
        cpu.bias_act(&mut want, &bias, rows, cols, relu);
        let mut gx = upload(gpu, &x);
        let gb = upload(gpu, &bias);
        gpu.bias_act(&mut gx, &gb, rows, cols, relu);
        assert_close(
            &download(gpu, &gx, rows * cols).await,
            &want,
            1e-6,
            "bias_act",
        );
    }
    let grad = random(rows * cols, 6);
    let mut want = grad.clone();
    cpu.relu_backward(&mut want, &x, rows * cols);
    let mut gg = upload(gpu, &grad);
    let gx = upload(gpu, &x);
    gpu.relu_backward(&mut gg, &gx, rows * cols);
    assert_close(
        &download(gpu, &gg, rows * cols).await,
        &want,
        0.0,
        "relu_backward",
    );
    for accumulate in [false, true] {
        let mut want = bias.clone();
        cpu.col_sums(&x, rows, cols, &mut want, accumulate);
        let mut go = upload(gpu, &bias);
        gpu.col_sums(&gx, rows, cols, &mut go, accumulate);
        assert_close(&download(gpu, &go, cols).await, &want, 1e-5, "col_sums");
    }
}

async fn loss_gradients_match_cpu(gpu: &mut Gpu) {
    let mut cpu = Cpu::new();
    let (rows, cols) = (11, 7);
    let logits: Vec<f32> = random(rows * cols, 7).iter().map(|v| 4.0 * v).collect();
    // Soft targets: a normalised random row each.
    let mut targets: Vec<f32> = random(rows * cols, 8).iter().map(|v| v.abs()).collect();
    for row in targets.chunks_mut(cols) {
        let s: f32 = row.iter().sum();
        row.iter_mut().for_each(|v| *v /= s);
    }
    let loss0 = random(rows, 9);
    let (mut grad, mut loss) = (vec![0.0; rows * cols], loss0.clone());
    cpu.softmax_xent(&logits, &targets, rows, cols, 0.125, &mut grad, &mut loss);
    let (gl, gt) = (upload(gpu, &logits), upload(gpu, &targets));
    let mut gg = gpu.alloc(rows * cols);
    let mut gloss = upload(gpu, &loss0);
    gpu.softmax_xent(&gl, &gt, rows, cols, 0.125, &mut gg, &mut gloss);
    assert_close(
        &download(gpu, &gg, rows * cols).await,
        &grad,
        1e-5,
        "softmax grad",
    );
    assert_close(
        &download(gpu, &gloss, rows).await,
        &loss,
        1e-5,
        "softmax loss",
    );

    let binary: Vec<f32> = random(rows * cols, 10)
        .iter()
        .map(|v| (*v > 0.0) as u8 as f32)
        .collect();
    let weights: Vec<f32> = random(rows * cols, 11)
        .iter()
        .map(|v| 1.0 + v.abs())
        .collect();
    let (mut grad, mut loss) = (vec![0.0; rows * cols], loss0.clone());
    cpu.sigmoid_xent(
        &logits, &binary, &weights, rows, cols, 0.25, &mut grad, &mut loss,
    );
    let (gy, gw) = (upload(gpu, &binary), upload(gpu, &weights));
    let mut gloss = upload(gpu, &loss0);
    gpu.sigmoid_xent(&gl, &gy, &gw, rows, cols, 0.25, &mut gg, &mut gloss);
    assert_close(
        &download(gpu, &gg, rows * cols).await,
        &grad,
        1e-5,
        "sigmoid grad",
    );
    assert_close(
        &download(gpu, &gloss, rows).await,
        &loss,
        1e-5,
        "sigmoid loss",
    );
}

async fn adam_matches_cpu_over_steps(gpu: &mut Gpu) {
    let mut cpu = Cpu::new();
    let n = 300;
    let (mut p, mut m, mut v) = (random(n, 12), vec![0.0; n], vec![0.0; n]);
    let (mut gp, mut gm, mut gv) = (upload(gpu, &p), gpu.alloc(n), gpu.alloc(n));
    let (mut b1, mut b2) = (1.0f32, 1.0f32);
    for t in 0..3 {
        b1 *= 0.9;
        b2 *= 0.999;
        let s = AdamStep {
            lr: 0.01,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 1e-4,
            bias1: 1.0 - b1,
            bias2: 1.0 - b2,
        };
        let g = random(n, 20 + t);
        cpu.adam(&mut p, &g, &mut m, &mut v, n, s);
        let gg = upload(gpu, &g);
        gpu.adam(&mut gp, &gg, &mut gm, &mut gv, n, s);
    }
    assert_close(&download(gpu, &gp, n).await, &p, 1e-5, "adam param");
    assert_close(&download(gpu, &gv, n).await, &v, 1e-5, "adam v");
}

async fn cosine_topk_matches_cpu(gpu: &mut Gpu) {
    let mut cpu = Cpu::new();
    let (nq, nr, dim, k) = (13, 90, 8, 5);
    let unit = |mut x: Vec<f32>| {
        for row in x.chunks_mut(dim) {
            let n = row.iter().map(|v| v * v).sum::<f32>().sqrt();
            row.iter_mut().for_each(|v| *v /= n);
        }
        x
    };
    let (q, r) = (unit(random(nq * dim, 30)), unit(random(nr * dim, 31)));
    let (mut wi, mut wd) = (vec![0u32; nq * k], vec![0.0f32; nq * k]);
    cpu.cosine_topk(&q, &r, nq, nr, dim, k, &mut wi, &mut wd)
        .await;
    let (gq, gr) = (upload(gpu, &q), upload(gpu, &r));
    let (mut gi, mut gd) = (vec![0u32; nq * k], vec![0.0f32; nq * k]);
    gpu.cosine_topk(&gq, &gr, nq, nr, dim, k, &mut gi, &mut gd)
        .await;
    assert_eq!(gi, wi, "neighbour indices");
    assert_close(&gd, &wd, 1e-5, "distances");
}

/// Declares each kernel check as a test on both targets.
macro_rules! kernel_tests {
    ($($name:ident),* $(,)?) => {
        #[cfg(not(target_arch = "wasm32"))]
        mod native {
            use std::sync::{Mutex, MutexGuard, OnceLock};

            /// One GPU for all tests (opening llvmpipe and compiling the kernels is the slow part).
            fn gpu() -> MutexGuard<'static, vlrb_gpu::Gpu> {
                static GPU: OnceLock<Mutex<vlrb_gpu::Gpu>> = OnceLock::new();
                GPU.get_or_init(|| {
                    Mutex::new(
                        vlrb_gpu::Gpu::new_blocking()
                            .expect("a wgpu adapter (install mesa-vulkan-drivers)"),
                    )
                })
                .lock()
                .unwrap_or_else(|e| e.into_inner())
            }

            $(
                #[test]
                fn $name() {
                    pollster::block_on(super::$name(&mut gpu()));
                }
            )*
        }

        #[cfg(target_arch = "wasm32")]
        mod browser {
            use wasm_bindgen_test::wasm_bindgen_test;

            wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

            $(
                #[wasm_bindgen_test]
                async fn $name() {
                    let mut gpu = vlrb_gpu::Gpu::new()
                        .await
                        .expect("a WebGPU adapter (Chromium with --enable-unsafe-webgpu)");
                    assert!(
                        gpu.adapter_name().contains("BrowserWebGpu"),
                        "{}",
                        gpu.adapter_name()
                    );
                    super::$name(&mut gpu).await;
                }
            )*
        }
    };
}

kernel_tests!(
    adapter_is_present_and_named,
    gemm_matches_cpu_with_transposes_and_accumulation,
    elementwise_kernels_match_cpu,
    loss_gradients_match_cpu,
    adam_matches_cpu_over_steps,
    cosine_topk_matches_cpu,
);

/// A lost device: the work after it neither panics nor passes for a result; `failure` names it.
async fn lost_device_is_reported_not_a_panic(gpu: &mut Gpu) {
    assert_eq!(gpu.failure(), None);
    let a = upload(gpu, &random(16, 40));
    gpu.destroy();
    let mut c = gpu.alloc(16);
    gpu.gemm(Gemm::new(4, 4, 4), &a, &a, &mut c);
    let _ = download(gpu, &c, 16).await;
    let failure = gpu.failure().expect("the loss is reported");
    assert!(failure.contains("GPU"), "{failure}");
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn lost_device_is_reported_not_a_panic_native() {
    // Its own device: the shared one stays usable for the other tests.
    let mut gpu = Gpu::new_blocking().expect("a wgpu adapter (install mesa-vulkan-drivers)");
    pollster::block_on(lost_device_is_reported_not_a_panic(&mut gpu));
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
async fn lost_device_is_reported_not_a_panic_browser() {
    let mut gpu = Gpu::new().await.expect("a WebGPU adapter");
    lost_device_is_reported_not_a_panic(&mut gpu).await;
}
