// One Adam step (L2 decay added to the gradient): u = (len, _, _, _),
// f = (lr, beta1, beta2, eps), g = (weight_decay, bias1, bias2, _).
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) l: vec3<u32>, @builtin(workgroup_id) w: vec3<u32>,
        @builtin(num_workgroups) nw: vec3<u32>) {
    let i = flat(w, nw, l);
    if (i >= p.u.x) {
        return;
    }
    let g = grad[i] + p.g.x * param[i];
    let mi = p.f.y * m[i] + (1.0 - p.f.y) * g;
    let vi = p.f.z * v[i] + (1.0 - p.f.z) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] = param[i] - p.f.x * (mi / p.g.y) / (sqrt(vi / p.g.z) + p.f.w);
}
