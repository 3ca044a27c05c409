// out[c] (+)= sum_r x[r][c], one thread per column: u = (rows, cols, accumulate, _).
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) l: vec3<u32>, @builtin(workgroup_id) w: vec3<u32>,
        @builtin(num_workgroups) nw: vec3<u32>) {
    let c = flat(w, nw, l);
    let cols = p.u.y;
    if (c >= cols) {
        return;
    }
    var s = 0.0;
    for (var r = 0u; r < p.u.x; r++) {
        s += x[r * cols + c];
    }
    if (p.u.z == 1u) {
        out[c] = out[c] + s;
    } else {
        out[c] = s;
    }
}
