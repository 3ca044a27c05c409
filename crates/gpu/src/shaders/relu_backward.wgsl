// grad[i] = 0 where act[i] <= 0: u = (len, _, _, _).
@group(0) @binding(1) var<storage, read_write> grad: array<f32>;
@group(0) @binding(2) var<storage, read> act: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) l: vec3<u32>, @builtin(workgroup_id) w: vec3<u32>,
        @builtin(num_workgroups) nw: vec3<u32>) {
    let i = flat(w, nw, l);
    if (i < p.u.x && act[i] <= 0.0) {
        grad[i] = 0.0;
    }
}
