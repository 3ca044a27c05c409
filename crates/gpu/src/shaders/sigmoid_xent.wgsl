// Weighted logistic loss per cell, one thread per cell: u = (rows, cols, _, _), f.x = scale.
// grad = w (sigmoid(z) - y) * scale; loss[r] += w * log-loss (cells of a row summed serially per row).
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<f32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> grad: array<f32>;
@group(0) @binding(5) var<storage, read_write> loss: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) l: vec3<u32>, @builtin(workgroup_id) w: vec3<u32>,
        @builtin(num_workgroups) nw: vec3<u32>) {
    let r = flat(w, nw, l);
    let cols = p.u.y;
    if (r >= p.u.x) {
        return;
    }
    var row_loss = 0.0;
    for (var c = 0u; c < cols; c++) {
        let i = r * cols + c;
        let z = logits[i];
        let e = exp(-abs(z));
        var s = 1.0 / (1.0 + e);
        if (z < 0.0) {
            s = e / (1.0 + e);
        }
        let y = targets[i];
        grad[i] = weights[i] * (s - y) * p.f.x;
        row_loss += weights[i] * (max(z, 0.0) - z * y + log(1.0 + e));
    }
    loss[r] = loss[r] + row_loss;
}
