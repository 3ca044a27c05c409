// x[r][c] += bias[c], then ReLU when u.z == 1: u = (rows, cols, relu, _).
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) l: vec3<u32>, @builtin(workgroup_id) w: vec3<u32>,
        @builtin(num_workgroups) nw: vec3<u32>) {
    let i = flat(w, nw, l);
    if (i >= p.u.x * p.u.y) {
        return;
    }
    var v = x[i] + bias[i % p.u.y];
    if (p.u.z == 1u && v < 0.0) {
        v = 0.0;
    }
    x[i] = v;
}
