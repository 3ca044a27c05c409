//! Cache-blocked single-precision matrix multiply over f32 slices, the CPU backend's hot loop.
//!
//! Blocking follows the usual GotoBLAS scheme: B is packed into `KC x NR` panels, A into `MR x KC`
//! panels per `MC`-row block, and a register-tiled `MR x NR` micro-kernel vectorised across the
//! tile's columns (see [`super::simd`]) accumulates with a separate multiply and add. Each output
//! element is therefore the same sum in the same order (sequential over k from zero within a `KC`
//! block, blocks added to C in order) whatever the lane width, tile shape or thread count: results
//! are bit-identical natively (scalar, AVX2 or AVX-512 tiles, picked at run time) and in wasm
//! (scalar or simd128). Threads split the rows of C (never a sum over k). No allocation happens
//! inside the block loops; the packing buffers are allocated once per call.

use super::simd::{Lanes, Scalar, Width};

/// Depth of one packed block; fixed on every target so the summation order never changes.
const KC: usize = 256;
/// Rows of A per packed block (a multiple of every MR).
const MC: usize = 48;
/// Columns of B per packed block.
const NC: usize = 2048;
/// Largest `MR * NR` of any tile shape (the edge tiles' staging buffer).
const MAX_TILE: usize = 8 * 32;

/// Strided view of a matrix operand: element (i, p) is at `data[i * rs + p * cs]`.
#[derive(Clone, Copy)]
pub struct Operand<'a> {
    /// The elements.
    pub data: &'a [f32],
    /// Row stride.
    pub rs: usize,
    /// Column stride.
    pub cs: usize,
}

/// `c[m x n] (+)= a[m x k] * b[k x n]`, with `c` row-major and dense (`ldc = n`). When
/// `accumulate` is false, `c` is overwritten. Runs at the widest lane width of this machine.
pub fn sgemm(
    m: usize,
    n: usize,
    k: usize,
    a: Operand,
    b: Operand,
    c: &mut [f32],
    accumulate: bool,
) {
    sgemm_with(Width::detect(), m, n, k, a, b, c, accumulate);
}

/// [`sgemm`] at a given lane width (scalar when `width` is not available here). Every width
/// gives the same bits.
#[allow(clippy::too_many_arguments)]
pub fn sgemm_with(
    width: Width,
    m: usize,
    n: usize,
    k: usize,
    a: Operand,
    b: Operand,
    c: &mut [f32],
    accumulate: bool,
) {
    let c = &mut c[..m * n];
    if !accumulate {
        c.fill(0.0);
    }
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    let width = if width.is_available() {
        width
    } else {
        Width::Scalar
    };
    match width {
        #[cfg(target_arch = "x86_64")]
        Width::Avx2 => drive::<super::simd::Avx2, 6, 2>(n, k, a, b, c),
        #[cfg(target_arch = "x86_64")]
        Width::Avx512 => drive::<super::simd::Avx512, 8, 2>(n, k, a, b, c),
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        Width::Simd128 => drive::<super::simd::Simd128, 4, 2>(n, k, a, b, c),
        _ => drive::<Scalar, 4, 4>(n, k, a, b, c),
    }
}

/// The blocked product with `MR x NV` registers of `L` per tile (`NR = NV * L::N` columns).
/// `L` must be available on this machine (checked by [`sgemm_with`]).
fn drive<L: Lanes, const MR: usize, const NV: usize>(
    n: usize,
    k: usize,
    a: Operand,
    b: Operand,
    c: &mut [f32],
) {
    let nr = NV * L::N;
    let mut bpack = vec![0.0f32; KC * NC.min(n.next_multiple_of(nr))];
    for jc in (0..n).step_by(NC) {
        let nc = NC.min(n - jc);
        for pc in (0..k).step_by(KC) {
            let kc = KC.min(k - pc);
            let panels = &mut bpack[..kc * nc.next_multiple_of(nr)];
            for_each_chunk(panels, kc * nr, |(jp, panel)| {
                pack_b(b, pc, kc, jc + jp * nr, nr.min(nc - jp * nr), nr, panel)
            });
            let block = Block {
                a,
                bpack: &bpack,
                pc,
                kc,
                jc,
                nc,
                n,
            };
            for_each_chunk(c, MC * n, |(ib, rows)| {
                let mut apack = [0.0f32; MC * KC];
                // SAFETY: `sgemm_with` runs `drive` only for a width available on this machine.
                unsafe { L::vectorize(|| block.compute::<L, MR, NV>(ib * MC, rows, &mut apack)) }
            });
        }
    }
}

/// Runs `run` on every `chunk`-long piece of `data` (with its index): on both cores with the
/// `threads` feature natively, in order on the current thread otherwise. Pieces are disjoint, so
/// the split never changes a result.
#[cfg(all(feature = "threads", not(target_arch = "wasm32")))]
pub(crate) fn for_each_chunk(
    data: &mut [f32],
    chunk: usize,
    run: impl Fn((usize, &mut [f32])) + Sync + Send,
) {
    use rayon::prelude::*;
    data.par_chunks_mut(chunk).enumerate().for_each(run);
}

/// Runs `run` on every `chunk`-long piece of `data` (with its index), in order.
#[cfg(not(all(feature = "threads", not(target_arch = "wasm32"))))]
pub(crate) fn for_each_chunk(data: &mut [f32], chunk: usize, run: impl Fn((usize, &mut [f32]))) {
    data.chunks_mut(chunk).enumerate().for_each(run);
}

/// Packs `b[pc..pc+kc, j0..j0+width]` into one `nr`-wide panel (`panel[p * nr + j]`),
/// zero-padded, reading along whichever of B's axes is contiguous.
fn pack_b(b: Operand, pc: usize, kc: usize, j0: usize, width: usize, nr: usize, panel: &mut [f32]) {
    if width < nr {
        panel.fill(0.0);
    }
    if b.cs == 1 {
        for (p, row) in panel.chunks_exact_mut(nr).take(kc).enumerate() {
            let start = (pc + p) * b.rs + j0;
            row[..width].copy_from_slice(&b.data[start..start + width]);
        }
    } else {
        for j in 0..width {
            let col = &b.data[pc * b.rs + (j0 + j) * b.cs..];
            for p in 0..kc {
                panel[p * nr + j] = col[p * b.rs];
            }
        }
    }
}

/// One (jc, pc) step shared by every row block.
#[derive(Clone, Copy)]
struct Block<'a> {
    a: Operand<'a>,
    bpack: &'a [f32],
    pc: usize,
    kc: usize,
    jc: usize,
    nc: usize,
    n: usize,
}

impl Block<'_> {
    /// Packs this block's rows of A and runs the micro-kernel over every tile of `rows`
    /// (the C rows `i0..i0 + rows.len() / n`). Must run inside `L::vectorize`.
    #[inline(always)]
    fn compute<L: Lanes, const MR: usize, const NV: usize>(
        &self,
        i0: usize,
        rows: &mut [f32],
        apack: &mut [f32],
    ) {
        let (a, kc, n, nr) = (self.a, self.kc, self.n, NV * L::N);
        let mc = rows.len() / n;
        for (ip, r0) in (0..mc).step_by(MR).enumerate() {
            let panel = &mut apack[ip * kc * MR..(ip + 1) * kc * MR];
            pack_a::<MR>(a, i0 + r0, MR.min(mc - r0), self.pc, kc, panel);
        }
        for (jp, j0) in (0..self.nc).step_by(nr).enumerate() {
            let bp = &self.bpack[jp * kc * nr..(jp + 1) * kc * nr];
            let width = nr.min(self.nc - j0);
            for (ip, r0) in (0..mc).step_by(MR).enumerate() {
                let ap = &apack[ip * kc * MR..(ip + 1) * kc * MR];
                // SAFETY: inside `L::vectorize`; the panels hold `kc` rows of MR and nr floats.
                let tile = unsafe { micro::<L, MR, NV>(kc, ap, bp) };
                let height = MR.min(mc - r0);
                let out = &mut rows[r0 * n + self.jc + j0..];
                // SAFETY: inside `L::vectorize`; `out` holds `height` rows of `n` from here.
                unsafe { add_tile::<L, MR, NV>(&tile, out, n, height, width) };
            }
        }
    }
}

/// Packs `a[i0..i0+height, pc..pc+kc]` into an `MR`-row panel (`panel[p * MR + i]`),
/// zero-padded, reading along whichever of A's axes is contiguous.
#[inline(always)]
fn pack_a<const MR: usize>(
    a: Operand,
    i0: usize,
    height: usize,
    pc: usize,
    kc: usize,
    panel: &mut [f32],
) {
    if height < MR {
        panel.fill(0.0);
    }
    if a.rs == 1 {
        for (p, slot) in panel.chunks_exact_mut(MR).take(kc).enumerate() {
            let start = i0 + (pc + p) * a.cs;
            slot[..height].copy_from_slice(&a.data[start..start + height]);
        }
    } else {
        for i in 0..height {
            let row = &a.data[(i0 + i) * a.rs + pc * a.cs..];
            for p in 0..kc {
                panel[p * MR + i] = row[p * a.cs];
            }
        }
    }
}

/// The register tile: `sum_p a[p][i] * b[p][j]` in order of p from zero, multiply then add.
///
/// # Safety
/// Inside `L::vectorize`; `a` holds `kc * MR` and `b` `kc * NV * L::N` floats.
#[inline(always)]
unsafe fn micro<L: Lanes, const MR: usize, const NV: usize>(
    kc: usize,
    a: &[f32],
    b: &[f32],
) -> [[L::V; NV]; MR] {
    let nr = NV * L::N;
    assert!(a.len() >= kc * MR && b.len() >= kc * nr);
    let (a, b) = (a.as_ptr(), b.as_ptr());
    // SAFETY: the asserts above bound every read; the caller enabled L's features.
    unsafe {
        let mut t = [[L::splat(0.0); NV]; MR];
        for p in 0..kc {
            let mut bv = [L::splat(0.0); NV];
            for (v, slot) in bv.iter_mut().enumerate() {
                *slot = L::load(b.add(p * nr + v * L::N));
            }
            for (i, row) in t.iter_mut().enumerate() {
                let x = L::splat(*a.add(p * MR + i));
                for (acc, bj) in row.iter_mut().zip(&bv) {
                    *acc = L::add(*acc, L::mul(x, *bj));
                }
            }
        }
        t
    }
}

/// `out[i * n + j] += tile[i][j]` for the tile's first `height` rows and `width` columns.
///
/// # Safety
/// Inside `L::vectorize`.
#[inline(always)]
unsafe fn add_tile<L: Lanes, const MR: usize, const NV: usize>(
    tile: &[[L::V; NV]; MR],
    out: &mut [f32],
    n: usize,
    height: usize,
    width: usize,
) {
    let nr = NV * L::N;
    // SAFETY: the caller enabled L's features; full tiles check their bounds first.
    unsafe {
        if width == nr && out.len() >= (height - 1) * n + nr {
            for (i, row) in tile.iter().enumerate().take(height) {
                let o = out.as_mut_ptr().add(i * n);
                for (v, t) in row.iter().enumerate() {
                    let p = o.add(v * L::N);
                    L::store(p, L::add(L::load(p), *t));
                }
            }
        } else {
            let mut staged = [0.0f32; MAX_TILE];
            for (i, row) in tile.iter().enumerate() {
                for (v, t) in row.iter().enumerate() {
                    L::store(staged.as_mut_ptr().add(i * nr + v * L::N), *t);
                }
            }
            for i in 0..height {
                let dst = &mut out[i * n..i * n + width];
                for (c, t) in dst.iter_mut().zip(&staged[i * nr..]) {
                    *c += t;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(m: usize, n: usize, k: usize, a: Operand, b: Operand) -> Vec<f64> {
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                for p in 0..k {
                    c[i * n + j] +=
                        (a.data[i * a.rs + p * a.cs] * b.data[p * b.rs + j * b.cs]) as f64;
                }
            }
        }
        c
    }

    #[test]
    fn matches_naive_on_odd_shapes_and_transposes() {
        let mut rng = super::super::rng::SplitMix64::new(3);
        for &(m, n, k) in &[
            (1, 1, 1),
            (7, 5, 3),
            (33, 70, 300),
            (130, 17, 513),
            (5, 2100, 9),
        ] {
            let a: Vec<f32> = (0..m * k).map(|_| rng.unit_f32() - 0.5).collect();
            let b: Vec<f32> = (0..k * n).map(|_| rng.unit_f32() - 0.5).collect();
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let oa = if ta {
                    Operand {
                        data: &a,
                        rs: 1,
                        cs: m,
                    }
                } else {
                    Operand {
                        data: &a,
                        rs: k,
                        cs: 1,
                    }
                };
                let ob = if tb {
                    Operand {
                        data: &b,
                        rs: 1,
                        cs: k,
                    }
                } else {
                    Operand {
                        data: &b,
                        rs: n,
                        cs: 1,
                    }
                };
                let mut c = vec![1.0f32; m * n];
                sgemm(m, n, k, oa, ob, &mut c, true);
                let want = naive(m, n, k, oa, ob);
                for (x, w) in c.iter().zip(&want) {
                    assert!(
                        (*x as f64 - (w + 1.0)).abs() < 1e-4 * (k as f64).sqrt(),
                        "{m}x{n}x{k}"
                    );
                }
            }
        }
    }
}
