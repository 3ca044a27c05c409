// Shared by every kernel: the per-dispatch parameters (u: sizes, v: strides/flags, f/g: floats).
struct Params {
    u: vec4<u32>,
    v: vec4<u32>,
    f: vec4<f32>,
    g: vec4<f32>,
}

@group(0) @binding(0) var<uniform> p: Params;

// Flat index of a 1-D launch spread over a 2-D grid of 256-wide workgroups.
fn flat(w: vec3<u32>, n: vec3<u32>, l: vec3<u32>) -> u32 {
    return (w.y * n.x + w.x) * 256u + l.x;
}
