// Per query row of a similarity tile (nq x nr), the k (<= 16) smallest distances 1 - s, ascending,
// ties to the lower index: u = (nq, nr, k, _). One thread per query.
@group(0) @binding(1) var<storage, read> scores: array<f32>;
@group(0) @binding(2) var<storage, read_write> out_idx: array<u32>;
@group(0) @binding(3) var<storage, read_write> out_dist: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let q = gid.x;
    let nr = p.u.y;
    let k = p.u.z;
    if (q >= p.u.x) {
        return;
    }
    var bi: array<u32, 16>;
    var bd: array<f32, 16>;
    for (var s = 0u; s < 16u; s++) {
        bi[s] = 0xffffffffu;
        bd[s] = 3.0e38;
    }
    for (var j = 0u; j < nr; j++) {
        let d = 1.0 - scores[q * nr + j];
        if (d < bd[k - 1u]) {
            var pos = k - 1u;
            while (pos > 0u && d < bd[pos - 1u]) {
                bd[pos] = bd[pos - 1u];
                bi[pos] = bi[pos - 1u];
                pos -= 1u;
            }
            bd[pos] = d;
            bi[pos] = j;
        }
    }
    for (var s = 0u; s < k; s++) {
        out_idx[q * k + s] = bi[s];
        out_dist[q * k + s] = bd[s];
    }
}
