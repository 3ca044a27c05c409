//! The SIMD lane widths the CPU kernels run at, behind one small trait over `core::arch`.
//!
//! Kernels vectorise across *outputs*: each lane owns one output element and runs exactly the
//! scalar code's operations on it, in the same order, with a separate multiply and add (never a
//! fused multiply-add). IEEE 754 makes every lane width therefore give the same bits: scalar,
//! AVX2 and AVX-512 natively (picked at run time), simd128 in wasm builds compiled with
//! `-C target-feature=+simd128`.

/// A lane width the CPU kernels can run at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Width {
    /// One f32 at a time (every target).
    Scalar,
    /// 8 lanes of x86-64 AVX2.
    Avx2,
    /// 16 lanes of x86-64 AVX-512F.
    Avx512,
    /// 4 lanes of WebAssembly simd128 (wasm builds with `+simd128`).
    Simd128,
}

impl Width {
    /// The widest width this machine (or wasm build) supports.
    pub fn detect() -> Width {
        [Width::Avx512, Width::Avx2, Width::Simd128]
            .into_iter()
            .find(|w| w.is_available())
            .unwrap_or(Width::Scalar)
    }

    /// Every width this machine supports, narrowest first (always starts with `Scalar`).
    pub fn available() -> Vec<Width> {
        [Width::Scalar, Width::Avx2, Width::Avx512, Width::Simd128]
            .into_iter()
            .filter(|w| w.is_available())
            .collect()
    }

    /// Whether this machine (or wasm build) can run this width.
    pub fn is_available(self) -> bool {
        match self {
            Width::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Width::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Width::Avx512 => std::arch::is_x86_feature_detected!("avx512f"),
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            Width::Simd128 => true,
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    /// f32 lanes per register.
    pub fn lanes(self) -> usize {
        match self {
            Width::Scalar => 1,
            Width::Avx2 => 8,
            Width::Avx512 => 16,
            Width::Simd128 => 4,
        }
    }
}

/// Runs `f` with the CPU features of `width` enabled (plain code where it is not available), so
/// that loops the compiler vectorises inside `f` use that width's instructions.
#[inline(always)]
pub(crate) fn run_at<R>(width: Width, f: impl FnOnce() -> R) -> R {
    match width {
        // SAFETY: the width is available (checked just here).
        #[cfg(target_arch = "x86_64")]
        Width::Avx2 if width.is_available() => unsafe { Avx2::vectorize(f) },
        #[cfg(target_arch = "x86_64")]
        Width::Avx512 if width.is_available() => unsafe { Avx512::vectorize(f) },
        _ => f(),
    }
}

/// `y[t] = y[t] + a * x[t]` for every `t` of the shorter slice, vectorised across `t` at `width`
/// (scalar where it is not available). The product is rounded before the add (never fused), so
/// every width gives the same bits.
pub fn axpy(width: Width, a: f32, x: &[f32], y: &mut [f32]) {
    // SAFETY: each arm runs at a width that is available here (checked in the guard, or enabled
    // for the whole wasm build).
    unsafe {
        match width {
            #[cfg(target_arch = "x86_64")]
            Width::Avx2 if width.is_available() => Avx2::vectorize(|| axpy_lanes::<Avx2>(a, x, y)),
            #[cfg(target_arch = "x86_64")]
            Width::Avx512 if width.is_available() => {
                Avx512::vectorize(|| axpy_lanes::<Avx512>(a, x, y))
            }
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            Width::Simd128 => axpy_lanes::<Simd128>(a, x, y),
            _ => axpy_lanes::<Scalar>(a, x, y),
        }
    }
}

/// [`axpy`] at `L`'s width: whole registers, then the tail one float at a time.
///
/// # Safety
/// Inside `L::vectorize`.
#[inline(always)]
unsafe fn axpy_lanes<L: Lanes>(a: f32, x: &[f32], y: &mut [f32]) {
    let n = x.len().min(y.len());
    let whole = n - n % L::N;
    // SAFETY: every register read and written lies below `whole <= n`, within both slices.
    unsafe {
        let av = L::splat(a);
        for t in (0..whole).step_by(L::N) {
            let p = y.as_mut_ptr().add(t);
            L::store(
                p,
                L::add(L::load(p), L::mul(av, L::load(x.as_ptr().add(t)))),
            );
        }
    }
    for (yt, xt) in y[whole..n].iter_mut().zip(&x[whole..n]) {
        *yt += a * xt;
    }
}

/// One register of f32 lanes and the few operations the kernels use. Implementors are marker
/// types; the `unsafe` operations may only run inside [`Lanes::vectorize`], which a caller may
/// only reach for a [`Width`] that [`Width::is_available`].
pub(crate) trait Lanes: Copy {
    /// Lanes per register.
    const N: usize;
    /// The register.
    type V: Copy;
    /// Runs `f` with this width's CPU features enabled, so that the `#[inline(always)]` kernels
    /// inside compile to its instructions.
    ///
    /// # Safety
    /// The width must be available on this machine.
    unsafe fn vectorize<R>(f: impl FnOnce() -> R) -> R;
    /// All lanes `x`.
    unsafe fn splat(x: f32) -> Self::V;
    /// `N` f32 from `p` (unaligned).
    unsafe fn load(p: *const f32) -> Self::V;
    /// `N` f32 to `p` (unaligned).
    unsafe fn store(p: *mut f32, v: Self::V);
    /// Lane-wise `a + b`.
    unsafe fn add(a: Self::V, b: Self::V) -> Self::V;
    /// Lane-wise `a * b` (rounded, never fused with a following add).
    unsafe fn mul(a: Self::V, b: Self::V) -> Self::V;
}

/// One lane: plain f32 arithmetic.
#[derive(Clone, Copy)]
pub(crate) struct Scalar;

impl Lanes for Scalar {
    const N: usize = 1;
    type V = f32;
    #[inline(always)]
    unsafe fn vectorize<R>(f: impl FnOnce() -> R) -> R {
        f()
    }
    #[inline(always)]
    unsafe fn splat(x: f32) -> f32 {
        x
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> f32 {
        // SAFETY: the caller passes an in-bounds pointer.
        unsafe { *p }
    }
    #[inline(always)]
    unsafe fn store(p: *mut f32, v: f32) {
        // SAFETY: the caller passes an in-bounds pointer.
        unsafe { *p = v }
    }
    #[inline(always)]
    unsafe fn add(a: f32, b: f32) -> f32 {
        a + b
    }
    #[inline(always)]
    unsafe fn mul(a: f32, b: f32) -> f32 {
        a * b
    }
}

#[cfg(target_arch = "x86_64")]
pub(crate) use x86::{Avx2, Avx512};

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::Lanes;
    use std::arch::x86_64::*;

    /// 8 lanes of AVX2.
    #[derive(Clone, Copy)]
    pub(crate) struct Avx2;

    #[target_feature(enable = "avx2")]
    fn with_avx2<R>(f: impl FnOnce() -> R) -> R {
        f()
    }

    impl Lanes for Avx2 {
        const N: usize = 8;
        type V = __m256;
        #[inline(always)]
        unsafe fn vectorize<R>(f: impl FnOnce() -> R) -> R {
            // SAFETY: the caller guarantees AVX2 is available.
            unsafe { with_avx2(f) }
        }
        #[inline(always)]
        unsafe fn splat(x: f32) -> __m256 {
            // SAFETY (all below): only reached inside `vectorize`, with AVX2 available.
            unsafe { _mm256_set1_ps(x) }
        }
        #[inline(always)]
        unsafe fn load(p: *const f32) -> __m256 {
            unsafe { _mm256_loadu_ps(p) }
        }
        #[inline(always)]
        unsafe fn store(p: *mut f32, v: __m256) {
            unsafe { _mm256_storeu_ps(p, v) }
        }
        #[inline(always)]
        unsafe fn add(a: __m256, b: __m256) -> __m256 {
            unsafe { _mm256_add_ps(a, b) }
        }
        #[inline(always)]
        unsafe fn mul(a: __m256, b: __m256) -> __m256 {
            unsafe { _mm256_mul_ps(a, b) }
        }
    }

    /// 16 lanes of AVX-512F.
    #[derive(Clone, Copy)]
    pub(crate) struct Avx512;

    #[target_feature(enable = "avx512f")]
    fn with_avx512<R>(f: impl FnOnce() -> R) -> R {
        f()
    }

    impl Lanes for Avx512 {
        const N: usize = 16;
        type V = __m512;
        #[inline(always)]
        unsafe fn vectorize<R>(f: impl FnOnce() -> R) -> R {
            // SAFETY: the caller guarantees AVX-512F is available.
            unsafe { with_avx512(f) }
        }
        #[inline(always)]
        unsafe fn splat(x: f32) -> __m512 {
            // SAFETY (all below): only reached inside `vectorize`, with AVX-512F available.
            unsafe { _mm512_set1_ps(x) }
        }
        #[inline(always)]
        unsafe fn load(p: *const f32) -> __m512 {
            unsafe { _mm512_loadu_ps(p) }
        }
        #[inline(always)]
        unsafe fn store(p: *mut f32, v: __m512) {
            unsafe { _mm512_storeu_ps(p, v) }
        }
        #[inline(always)]
        unsafe fn add(a: __m512, b: __m512) -> __m512 {
            unsafe { _mm512_add_ps(a, b) }
        }
        #[inline(always)]
        unsafe fn mul(a: __m512, b: __m512) -> __m512 {
            unsafe { _mm512_mul_ps(a, b) }
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) use wasm::Simd128;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod wasm {
    use super::Lanes;
    use std::arch::wasm32::*;

    /// 4 lanes of WebAssembly simd128 (enabled for the whole build at compile time).
    #[derive(Clone, Copy)]
    pub(crate) struct Simd128;

    impl Lanes for Simd128 {
        const N: usize = 4;
        type V = v128;
        #[inline(always)]
        unsafe fn vectorize<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        #[inline(always)]
        unsafe fn splat(x: f32) -> v128 {
            f32x4_splat(x)
        }
        #[inline(always)]
        unsafe fn load(p: *const f32) -> v128 {
            // SAFETY: the caller passes a pointer to 4 readable f32.
            unsafe { v128_load(p.cast()) }
        }
        #[inline(always)]
        unsafe fn store(p: *mut f32, v: v128) {
            // SAFETY: the caller passes a pointer to 4 writable f32.
            unsafe { v128_store(p.cast(), v) }
        }
        #[inline(always)]
        unsafe fn add(a: v128, b: v128) -> v128 {
            f32x4_add(a, b)
        }
        #[inline(always)]
        unsafe fn mul(a: v128, b: v128) -> v128 {
            f32x4_mul(a, b)
        }
    }
}
