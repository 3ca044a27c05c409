// C[m x n] (+)= A * B with strided A (rsa, csa) and B (rsb, csb): u = (m, n, k, accumulate),
// v = (rsa, csa, rsb, csb). 16 x 16 tiles staged in workgroup memory.
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

var<workgroup> ta: array<array<f32, 16>, 16>;
var<workgroup> tb: array<array<f32, 16>, 16>;

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) l: vec3<u32>, @builtin(workgroup_id) w: vec3<u32>) {
    let m = p.u.x;
    let n = p.u.y;
    let k = p.u.z;
    let row = w.y * 16u + l.y;
    let col = w.x * 16u + l.x;
    var acc = 0.0;
    for (var t = 0u; t < k; t += 16u) {
        let ak = t + l.x;
        var av = 0.0;
        if (row < m && ak < k) {
            av = a[row * p.v.x + ak * p.v.y];
        }
        ta[l.y][l.x] = av;
        let bk = t + l.y;
        var bv = 0.0;
        if (bk < k && col < n) {
            bv = b[bk * p.v.z + col * p.v.w];
        }
        tb[l.y][l.x] = bv;
        workgroupBarrier();
        for (var i = 0u; i < 16u; i++) {
            acc += ta[l.y][i] * tb[i][l.x];
        }
        workgroupBarrier();
    }
    if (row < m && col < n) {
        let idx = row * n + col;
        if (p.u.w == 1u) {
            c[idx] = c[idx] + acc;
        } else {
            c[idx] = acc;
        }
    }
}
