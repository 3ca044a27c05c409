// Soft-target softmax cross-entropy, one thread per row: u = (rows, cols, _, _), f.x = scale.
// grad = (softmax(z) - t) * scale; loss[r] += -sum t log p.
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<f32>;
@group(0) @binding(3) var<storage, read_write> grad: array<f32>;
@group(0) @binding(4) var<storage, read_write> loss: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) l: vec3<u32>, @builtin(workgroup_id) w: vec3<u32>,
        @builtin(num_workgroups) nw: vec3<u32>) {
    let r = flat(w, nw, l);
    let cols = p.u.y;
    if (r >= p.u.x) {
        return;
    }
    let base = r * cols;
    var mx = -3.0e38;
    for (var c = 0u; c < cols; c++) {
        mx = max(mx, logits[base + c]);
    }
    var sum = 0.0;
    for (var c = 0u; c < cols; c++) {
        sum += exp(logits[base + c] - mx);
    }
    let log_sum = log(sum);
    var row_loss = 0.0;
    for (var c = 0u; c < cols; c++) {
        let z = logits[base + c] - mx;
        let t = targets[base + c];
        grad[base + c] = (exp(z) / sum - t) * p.f.x;
        if (t != 0.0) {
            row_loss -= t * (z - log_sum);
        }
    }
    loss[r] = loss[r] + row_loss;
}
