//! vlrb-gpu: the router [`Compute`] steps as WGSL compute kernels run through wgpu (Vulkan, Metal,
//! DX12 natively; WebGPU in the browser).
//!
//! Kernels: tiled matmul with strided (transposable) operands, bias + ReLU, ReLU backward, column
//! sums, softmax and sigmoid cross-entropy gradients, Adam, and cosine top-k over a similarity tile.
//! Work is recorded into one command encoder and submitted only when the host writes or reads a
//! buffer, so a training step costs a handful of submissions. Per-dispatch parameters live in a
//! reused uniform ring; data buffers are allocated by the router once and reused across steps.
//! Every storage binding is kept under [`MAX_BINDING_BYTES`] (128 MiB, WebGPU's default limit):
//! routers chunk above [`Compute::max_buffer_len`]. Construction compiles every pipeline and runs
//! each kernel once (a warm-up), so timings exclude shader compilation.
//!
//! Results equal the CPU reference up to float rounding (different summation order and `exp`):
//! the kernel tests allow 1e-4 relative error.

use std::borrow::Cow;
use std::sync::{Arc, Mutex};

use vlrb_core::routers::compute::{AdamStep, Compute, Gemm};
use vlrb_core::routers::features::Matrix;

/// Largest storage binding used, in bytes (WebGPU's default `maxStorageBufferBindingSize`).
pub const MAX_BINDING_BYTES: u64 = 128 << 20;

/// Bytes per uniform slot (the minimum uniform offset alignment of every backend).
const SLOT: u64 = 256;
/// Slots in the parameter ring; the encoder is submitted when it fills.
const SLOTS: u64 = 1024;
/// Largest k of [`Compute::cosine_topk`] on the GPU.
pub const MAX_TOPK: usize = 16;

/// A GPU buffer of f32 and its length in elements.
#[derive(Debug)]
pub struct Buf {
    buffer: wgpu::Buffer,
    len: usize,
}

/// An error while opening the GPU.
#[derive(Debug)]
pub struct GpuError(pub String);

impl std::fmt::Display for GpuError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GpuError {}

#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable, Default)]
struct Params {
    u: [u32; 4],
    v: [u32; 4],
    f: [f32; 4],
    g: [f32; 4],
}

struct Pipelines {
    gemm: wgpu::ComputePipeline,
    bias_act: wgpu::ComputePipeline,
    relu_backward: wgpu::ComputePipeline,
    col_sums: wgpu::ComputePipeline,
    softmax_xent: wgpu::ComputePipeline,
    sigmoid_xent: wgpu::ComputePipeline,
    adam: wgpu::ComputePipeline,
    topk: wgpu::ComputePipeline,
}

/// The wgpu backend.
pub struct Gpu {
    device: wgpu::Device,
    queue: wgpu::Queue,
    adapter_name: String,
    pipelines: Pipelines,
    ring: wgpu::Buffer,
    next_slot: u64,
    encoder: Option<wgpu::CommandEncoder>,
    staging: Option<wgpu::Buffer>,
    /// Host copy of the rows [`Compute::write_rows`] gathers, reused batch after batch.
    gathered: Vec<f32>,
    max_len: usize,
    failure: Arc<Mutex<Option<String>>>,
}

impl Gpu {
    /// Opens the default adapter (high performance preferred), compiles the kernels and warms
    /// them up. A missing adapter is an error.
    pub async fn new() -> Result<Gpu, GpuError> {
        #[cfg(target_arch = "wasm32")]
        if !wgpu::util::is_browser_webgpu_supported().await {
            return Err(GpuError(
                "this browser has no WebGPU (navigator.gpu is missing or gives no adapter)".into(),
            ));
        }
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle());
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError(format!("no GPU adapter: {e}")))?;
        let info = adapter.get_info();
        let limits = adapter.limits();
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("vlrb"),
                required_limits: limits.clone(),
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError(format!("cannot open {}: {e}", info.name)))?;
        // A lost device or a failed command is recorded, not a panic: the caller checks
        // `failure()` after a run and falls back to the CPU.
        let failure = Arc::new(Mutex::new(None::<String>));
        let on_lost = failure.clone();
        device.set_device_lost_callback(move |reason, message| {
            record(&on_lost, format!("GPU device lost ({reason:?}): {message}"));
        });
        let on_error = failure.clone();
        device.on_uncaptured_error(Arc::new(move |error| {
            record(&on_error, format!("GPU error: {error}"));
        }));
        let binding = (limits.max_storage_buffer_binding_size as u64)
            .min(limits.max_buffer_size)
            .min(MAX_BINDING_BYTES);
        let pipelines = Pipelines::new(&device);
        let ring = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("params"),
            size: SLOT * SLOTS,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut gpu = Gpu {
            device,
            queue,
            adapter_name: format!(
                "{} ({:?}, {})",
                // Browsers may withhold the adapter's name.
                if info.name.is_empty() {
                    "adapter name withheld"
                } else {
                    &info.name
                },
                info.backend,
                match info.device_type {
                    wgpu::DeviceType::Cpu => "software adapter".to_owned(),
                    other => format!("{other:?}"),
                }
            ),
            pipelines,
            ring,
            next_slot: 0,
            encoder: None,
            staging: None,
            gathered: Vec::new(),
            max_len: (binding / 4) as usize,
            failure,
        };
        gpu.warm_up().await;
        match gpu.failure() {
            Some(failure) => Err(GpuError(failure)),
            None => Ok(gpu),
        }
    }

    /// [`Gpu::new`], blocking (native only).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn new_blocking() -> Result<Gpu, GpuError> {
        pollster::block_on(Gpu::new())
    }

    /// The adapter's name, backend and type.
    pub fn adapter_name(&self) -> &str {
        &self.adapter_name
    }

    /// Destroys the device now, as a driver reset or a lost GPU would: every later operation fails
    /// without panicking and [`Gpu::failure`] reports it.
    pub fn destroy(&self) {
        self.device.destroy();
    }

    /// The first device loss or uncaptured GPU error since opening, if any: results read after
    /// it are not to be trusted (reads then return zeros rather than panic).
    pub fn failure(&self) -> Option<String> {
        self.failure.lock().ok().and_then(|slot| slot.clone())
    }

    /// Runs every kernel once on tiny buffers so pipeline compilation is not timed later.
    async fn warm_up(&mut self) {
        let mut a = self.alloc(64);
        let b = self.alloc(64);
        let mut c = self.alloc(64);
        let mut d = self.alloc(64);
        self.gemm(Gemm::new(4, 4, 4), &a, &b, &mut c);
        self.bias_act(&mut c, &b, 4, 4, true);
        self.relu_backward(&mut a, &c, 16);
        self.col_sums(&c, 4, 4, &mut d, false);
        self.softmax_xent(&a, &b, 4, 4, 0.25, &mut c, &mut d);
        self.sigmoid_xent(&a, &b, &b, 4, 4, 0.25, &mut c, &mut d);
        let step = AdamStep {
            lr: 0.0,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            bias1: 1.0,
            bias2: 1.0,
        };
        let (mut m, mut v) = (self.alloc(64), self.alloc(64));
        self.adam(&mut a, &b, &mut m, &mut v, 64, step);
        let (mut i, mut dist) = (vec![0u32; 4], vec![0.0f32; 4]);
        self.cosine_topk(&a, &b, 4, 4, 4, 1, &mut i, &mut dist)
            .await;
    }

    fn encoder(&mut self) -> &mut wgpu::CommandEncoder {
        self.encoder.get_or_insert_with(|| {
            self.device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                    label: Some("vlrb"),
                })
        })
    }

    /// Submits the recorded work and starts a new parameter ring.
    fn flush(&mut self) {
        if let Some(encoder) = self.encoder.take() {
            self.queue.submit([encoder.finish()]);
        }
        self.next_slot = 0;
    }

    /// Records one dispatch of `pipeline` with `params` and the given storage buffers
    /// (bindings 1..) over `groups` workgroups.
    fn dispatch(
        &mut self,
        pipeline: Kernel,
        params: Params,
        buffers: &[&wgpu::Buffer],
        groups: (u32, u32),
    ) {
        if self.next_slot == SLOTS {
            self.flush();
        }
        let offset = self.next_slot * SLOT;
        self.next_slot += 1;
        self.queue
            .write_buffer(&self.ring, offset, bytemuck::bytes_of(&params));
        let pipeline = self.pipelines.get(pipeline).clone();
        let mut entries = vec![wgpu::BindGroupEntry {
            binding: 0,
            resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                buffer: &self.ring,
                offset,
                size: wgpu::BufferSize::new(std::mem::size_of::<Params>() as u64),
            }),
        }];
        for (i, b) in buffers.iter().enumerate() {
            entries.push(wgpu::BindGroupEntry {
                binding: i as u32 + 1,
                resource: b.as_entire_binding(),
            });
        }
        let group = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &pipeline.get_bind_group_layout(0),
            entries: &entries,
        });
        let encoder = self.encoder();
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: None,
            timestamp_writes: None,
        });
        pass.set_pipeline(&pipeline);
        pass.set_bind_group(0, &group, &[]);
        pass.dispatch_workgroups(groups.0, groups.1, 1);
    }

    /// A 1-D launch of `threads` threads in 256-wide workgroups, spread over x and y.
    fn grid(threads: usize) -> (u32, u32) {
        let groups = threads.div_ceil(256).max(1) as u32;
        let x = groups.min(65_535);
        (x, groups.div_ceil(x))
    }

    fn raw_buffer(&self, bytes: u64) -> wgpu::Buffer {
        self.device.create_buffer(&wgpu::BufferDescriptor {
            label: None,
            size: bytes.max(16).next_multiple_of(4),
            usage: wgpu::BufferUsages::STORAGE
                | wgpu::BufferUsages::COPY_DST
                | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        })
    }

    /// Copies the first `bytes` of `buffer` to the host: natively the future blocks and is ready
    /// at once; in the browser it waits for the mapping promise. A failed mapping (device lost,
    /// recorded in [`Gpu::failure`]) gives zeros.
    async fn read_bytes(&mut self, buffer: &wgpu::Buffer, bytes: u64) -> Vec<u8> {
        if bytes == 0 {
            return Vec::new();
        }
        let size = bytes.next_multiple_of(4);
        let staging = match &self.staging {
            Some(staging) if staging.size() >= size => staging.clone(),
            _ => {
                let staging = self.device.create_buffer(&wgpu::BufferDescriptor {
                    label: Some("staging"),
                    size: size.next_power_of_two(),
                    usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                    mapped_at_creation: false,
                });
                self.staging = Some(staging.clone());
                staging
            }
        };
        self.encoder()
            .copy_buffer_to_buffer(buffer, 0, &staging, 0, size);
        self.flush();
        let slice = staging.slice(..size);
        let (tx, rx) = futures_channel::oneshot::channel();
        slice.map_async(wgpu::MapMode::Read, move |r| {
            let _ = tx.send(r);
        });
        // Natively the mapping completes only while the device is polled; the browser maps on
        // its own and resolves the future from its event loop.
        #[cfg(not(target_arch = "wasm32"))]
        if let Err(e) = self.device.poll(wgpu::PollType::wait_indefinitely()) {
            self.fail(format!("GPU poll failed: {e}"));
        }
        match rx.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                self.fail(format!("GPU buffer mapping failed: {e}"));
                return vec![0; bytes as usize];
            }
            Err(_) => {
                self.fail("GPU buffer mapping was dropped".to_owned());
                return vec![0; bytes as usize];
            }
        }
        let out = match slice.get_mapped_range() {
            Ok(view) => view[..bytes as usize].to_vec(),
            Err(e) => {
                self.fail(format!("GPU buffer mapping failed: {e:?}"));
                vec![0; bytes as usize]
            }
        };
        staging.unmap();
        out
    }

    fn fail(&self, text: String) {
        record(&self.failure, text);
    }
}

/// Keeps the first failure reported.
fn record(failure: &Mutex<Option<String>>, text: String) {
    if let Ok(mut slot) = failure.lock() {
        slot.get_or_insert(text);
    }
}

#[derive(Clone, Copy)]
enum Kernel {
    Gemm,
    BiasAct,
    ReluBackward,
    ColSums,
    SoftmaxXent,
    SigmoidXent,
    Adam,
    TopK,
}

impl Pipelines {
    fn new(device: &wgpu::Device) -> Pipelines {
        let common = include_str!("shaders/common.wgsl");
        let make = |name: &str, body: &str| {
            let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(name),
                source: wgpu::ShaderSource::Wgsl(Cow::Owned(format!("{common}\n{body}"))),
            });
            device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(name),
                layout: None,
                module: &module,
                entry_point: Some("main"),
                compilation_options: Default::default(),
                cache: None,
            })
        };
        Pipelines {
            gemm: make("gemm", include_str!("shaders/gemm.wgsl")),
            bias_act: make("bias_act", include_str!("shaders/bias_act.wgsl")),
            relu_backward: make("relu_backward", include_str!("shaders/relu_backward.wgsl")),
            col_sums: make("col_sums", include_str!("shaders/col_sums.wgsl")),
            softmax_xent: make("softmax_xent", include_str!("shaders/softmax_xent.wgsl")),
            sigmoid_xent: make("sigmoid_xent", include_str!("shaders/sigmoid_xent.wgsl")),
            adam: make("adam", include_str!("shaders/adam.wgsl")),
            topk: make("topk", include_str!("shaders/topk.wgsl")),
        }
    }

    fn get(&self, k: Kernel) -> &wgpu::ComputePipeline {
        match k {
            Kernel::Gemm => &self.gemm,
            Kernel::BiasAct => &self.bias_act,
            Kernel::ReluBackward => &self.relu_backward,
            Kernel::ColSums => &self.col_sums,
            Kernel::SoftmaxXent => &self.softmax_xent,
            Kernel::SigmoidXent => &self.sigmoid_xent,
            Kernel::Adam => &self.adam,
            Kernel::TopK => &self.topk,
        }
    }
}

/// Shapes and strides as the kernels' `u32` uniforms.
#[allow(
    clippy::expect_used,
    reason = "each value counts elements of a GPU buffer (wgpu caps buffers far below 2^32 bytes)"
)]
fn dims(u: [usize; 4]) -> [u32; 4] {
    u.map(|v| u32::try_from(v).expect("GPU shapes fit in u32"))
}

impl Compute for Gpu {
    type Buf = Buf;

    fn backend(&self) -> String {
        format!("gpu: {}", self.adapter_name)
    }

    fn max_buffer_len(&self) -> usize {
        self.max_len
    }

    fn alloc(&mut self, len: usize) -> Buf {
        assert!(
            len <= self.max_len,
            "GPU buffer of {len} floats exceeds the binding limit"
        );
        let buffer = self.raw_buffer(len as u64 * 4);
        // New buffers are zero-initialised by wgpu.
        Buf { buffer, len }
    }

    fn write(&mut self, buf: &mut Buf, data: &[f32]) {
        assert!(
            data.len() <= buf.len,
            "write of {} floats into a buffer of {}",
            data.len(),
            buf.len
        );
        if data.is_empty() {
            return;
        }
        // Recorded work must run before the new contents land.
        self.flush();
        self.queue
            .write_buffer(&buf.buffer, 0, bytemuck::cast_slice(data));
    }

    fn write_rows(&mut self, buf: &mut Buf, x: &Matrix, rows: &[usize]) {
        let mut gathered = std::mem::take(&mut self.gathered);
        gathered.resize(rows.len() * x.cols, 0.0);
        x.gather_into(rows, &mut gathered);
        self.write(buf, &gathered);
        self.gathered = gathered;
    }

    async fn read(&mut self, buf: &Buf, out: &mut [f32]) {
        let bytes = self.read_bytes(&buf.buffer, out.len() as u64 * 4).await;
        out.copy_from_slice(bytemuck::cast_slice(&bytes));
    }

    fn gemm(&mut self, g: Gemm, a: &Buf, b: &Buf, c: &mut Buf) {
        if g.m == 0 || g.n == 0 {
            return;
        }
        let (rsa, csa) = if g.trans_a { (1, g.m) } else { (g.k, 1) };
        let (rsb, csb) = if g.trans_b { (1, g.k) } else { (g.n, 1) };
        let params = Params {
            u: dims([g.m, g.n, g.k, g.accumulate as usize]),
            v: dims([rsa, csa, rsb, csb]),
            ..Params::default()
        };
        let groups = (g.n.div_ceil(16) as u32, g.m.div_ceil(16) as u32);
        self.dispatch(
            Kernel::Gemm,
            params,
            &[&a.buffer, &b.buffer, &c.buffer],
            groups,
        );
    }

    fn bias_act(&mut self, x: &mut Buf, bias: &Buf, rows: usize, cols: usize, relu: bool) {
        let params = Params {
            u: dims([rows, cols, relu as usize, 0]),
            ..Params::default()
        };
        self.dispatch(
            Kernel::BiasAct,
            params,
            &[&x.buffer, &bias.buffer],
            Gpu::grid(rows * cols),
        );
    }

    fn relu_backward(&mut self, grad: &mut Buf, act: &Buf, len: usize) {
        let params = Params {
            u: dims([len, 0, 0, 0]),
            ..Params::default()
        };
        self.dispatch(
            Kernel::ReluBackward,
            params,
            &[&grad.buffer, &act.buffer],
            Gpu::grid(len),
        );
    }

    fn col_sums(&mut self, x: &Buf, rows: usize, cols: usize, out: &mut Buf, accumulate: bool) {
        let params = Params {
            u: dims([rows, cols, accumulate as usize, 0]),
            ..Params::default()
        };
        self.dispatch(
            Kernel::ColSums,
            params,
            &[&x.buffer, &out.buffer],
            Gpu::grid(cols),
        );
    }

    fn softmax_xent(
        &mut self,
        logits: &Buf,
        targets: &Buf,
        rows: usize,
        cols: usize,
        scale: f32,
        grad: &mut Buf,
        loss: &mut Buf,
    ) {
        let params = Params {
            u: dims([rows, cols, 0, 0]),
            f: [scale, 0.0, 0.0, 0.0],
            ..Params::default()
        };
        let buffers = [&logits.buffer, &targets.buffer, &grad.buffer, &loss.buffer];
        self.dispatch(Kernel::SoftmaxXent, params, &buffers, Gpu::grid(rows));
    }

    fn sigmoid_xent(
        &mut self,
        logits: &Buf,
        targets: &Buf,
        weights: &Buf,
        rows: usize,
        cols: usize,
        scale: f32,
        grad: &mut Buf,
        loss: &mut Buf,
    ) {
        let params = Params {
            u: dims([rows, cols, 0, 0]),
            f: [scale, 0.0, 0.0, 0.0],
            ..Params::default()
        };
        let buffers = [
            &logits.buffer,
            &targets.buffer,
            &weights.buffer,
            &grad.buffer,
            &loss.buffer,
        ];
        self.dispatch(Kernel::SigmoidXent, params, &buffers, Gpu::grid(rows));
    }

    fn adam(
        &mut self,
        param: &mut Buf,
        grad: &Buf,
        m: &mut Buf,
        v: &mut Buf,
        len: usize,
        s: AdamStep,
    ) {
        let params = Params {
            u: dims([len, 0, 0, 0]),
            f: [s.lr, s.beta1, s.beta2, s.eps],
            g: [s.weight_decay, s.bias1, s.bias2, 0.0],
            ..Params::default()
        };
        let buffers = [&param.buffer, &grad.buffer, &m.buffer, &v.buffer];
        self.dispatch(Kernel::Adam, params, &buffers, Gpu::grid(len));
    }

    async fn cosine_topk(
        &mut self,
        queries: &Buf,
        refs: &Buf,
        nq: usize,
        nr: usize,
        dim: usize,
        k: usize,
        idx: &mut [u32],
        dist: &mut [f32],
    ) {
        assert!(
            k <= MAX_TOPK,
            "top-k of {k} over {nr} rows (at most {MAX_TOPK})"
        );
        if nq == 0 || k == 0 {
            return;
        }
        // Query blocks keep the similarity tile under the binding limit.
        let block = (self.max_len / nr.max(1)).clamp(1, nq);
        let mut tile = Buf {
            buffer: self.raw_buffer((block * nr) as u64 * 4),
            len: block * nr,
        };
        let out_i = self.raw_buffer((block * k) as u64 * 4);
        let out_d = self.raw_buffer((block * k) as u64 * 4);
        for q0 in (0..nq).step_by(block) {
            let bq = block.min(nq - q0);
            // The query block as its own buffer view: copy the rows to the tile's start.
            let qblock = self.raw_buffer((bq * dim) as u64 * 4);
            self.encoder().copy_buffer_to_buffer(
                &queries.buffer,
                (q0 * dim) as u64 * 4,
                &qblock,
                0,
                (bq * dim) as u64 * 4,
            );
            let qbuf = Buf {
                buffer: qblock,
                len: bq * dim,
            };
            let g = Gemm {
                m: bq,
                n: nr,
                k: dim,
                trans_a: false,
                trans_b: true,
                accumulate: false,
            };
            self.gemm(g, &qbuf, refs, &mut tile);
            let params = Params {
                u: dims([bq, nr, k, 0]),
                ..Params::default()
            };
            self.dispatch(
                Kernel::TopK,
                params,
                &[&tile.buffer, &out_i, &out_d],
                (bq.div_ceil(64) as u32, 1),
            );
            let bi = self.read_bytes(&out_i, (bq * k) as u64 * 4).await;
            let bd = self.read_bytes(&out_d, (bq * k) as u64 * 4).await;
            idx[q0 * k..(q0 + bq) * k].copy_from_slice(bytemuck::cast_slice(&bi));
            let dists: &[f32] = bytemuck::cast_slice(&bd);
            for (o, (&d, &i)) in dist[q0 * k..(q0 + bq) * k]
                .iter_mut()
                .zip(dists.iter().zip(&idx[q0 * k..(q0 + bq) * k]))
            {
                *o = if i == u32::MAX { f32::INFINITY } else { d };
            }
        }
    }
}
