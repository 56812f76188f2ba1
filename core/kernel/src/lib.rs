//! Dense layers packed for a register-blocked matrix product: the light runtime's arithmetic.
//!
//! Weights are packed into panels of [`LANES`] output columns (`[panel][k][LANES]`), so the inner
//! loop streams one panel while a block of up to [`ROWS`] input rows stays in registers. On
//! `wasm32` with `simd128` the block uses 128-bit SIMD; elsewhere the same loop is written over
//! arrays, which the compiler vectorises. Every output is summed in the same order
//! (bias, then `k = 0, 1, …`), so both paths give the same numbers. A browser build with
//! `relaxed-simd` as well (web/pkg/advisor_relaxed_bg.wasm) does each multiply-add as relaxed
//! SIMD's, which the engine fuses where the processor can (one rounding instead of two): its
//! numbers differ from the others' in the last bits (≤ 1e-6 in a probability), and agree with
//! themselves, since every sum here, [`add_scaled`]'s too, goes the same way ([`SIMD`]).
//!
//! Its own crate so that the browser build can compile it for speed (`opt-level = 3`) and
//! everything else for size; tree ensembles' hot loop, QuickScorer's scan, is here for the same
//! reason ([`quick`]).

pub mod quick;

/// The arithmetic this build does: `relaxed` (wasm relaxed SIMD's multiply-add), `simd128`
/// (wasm SIMD, a multiply then an add) or `native` (the arrays' loops).
pub const SIMD: &str = if cfg!(all(target_arch = "wasm32", target_feature = "relaxed-simd")) {
    "relaxed"
} else if cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
    "simd128"
} else {
    "native"
};

/// Output columns per panel (two 128-bit vectors).
pub const LANES: usize = 8;
/// Input rows per register block.
pub const ROWS: usize = 4;

/// One dense layer, packed. Output width is padded to a multiple of [`LANES`] with zero weights
/// and zero bias, so padded outputs are exactly 0 and feed zero rows of the next layer.
#[derive(Debug, Clone)]
pub struct PackedDense {
    /// Input width as stored (the previous layer's padded width, or the encoded row width).
    k: usize,
    /// Padded output width.
    n: usize,
    panels: Vec<f32>,
    bias: Vec<f32>,
    relu: bool,
}

/// `y[j] += a · x[j]` for each `j` below both lengths: a first layer moved by one encoded input
/// of a variant of a row. Multiply then add as the packed layers do it (see [`SIMD`]), four
/// lanes at a time in the browser.
pub fn add_scaled(y: &mut [f32], a: f32, x: &[f32]) {
    let n = y.len().min(x.len());
    simd::add_scaled(&mut y[..n], a, &x[..n]);
}

/// `y = max(y, 0)` in place, as the packed layers' ReLU (NaN stays NaN), four lanes at a time
/// in the browser.
pub fn relu(y: &mut [f32]) {
    simd::relu(y);
}

/// As `f32x4_pmax(v, 0)` one value at a time: 0 for negatives, NaN stays NaN.
#[inline(always)]
fn relu_one(v: &mut f32) {
    if *v < 0.0 {
        *v = 0.0;
    }
}

/// Rounds `n` up to a multiple of [`LANES`].
pub fn padded(n: usize) -> usize {
    n.div_ceil(LANES) * LANES
}

impl PackedDense {
    /// Packs `act(x · W + b)` with `weight` `inputs × outputs` row-major and `bias` `outputs`
    /// long, whose inputs arrive `k_stored` wide (≥ `inputs`; extra inputs are zero padding and
    /// get zero weights). `None` when the slices do not have those lengths.
    pub fn new(inputs: usize, weight: &[f32], bias: &[f32], relu: bool, k_stored: usize) -> Option<Self> {
        let outputs = bias.len();
        if weight.len() != inputs * outputs || k_stored < inputs {
            return None;
        }
        let n = padded(outputs);
        let mut panels = vec![0.0; n * k_stored];
        for p in 0..n / LANES {
            for kk in 0..inputs {
                for l in 0..LANES {
                    let j = p * LANES + l;
                    if j < outputs {
                        panels[(p * k_stored + kk) * LANES + l] = weight[kk * outputs + j];
                    }
                }
            }
        }
        let mut bias = bias.to_vec();
        bias.resize(n, 0.0);
        Some(Self { k: k_stored, n, panels, bias, relu })
    }

    /// Stored input width.
    pub fn inputs(&self) -> usize {
        self.k
    }
    /// Padded output width.
    pub fn outputs(&self) -> usize {
        self.n
    }

    /// `y = act(x · W + b)` for `rows` rows: `x` is `rows × inputs()`, `y` is `rows × outputs()`.
    /// Returns `false` (and writes nothing) when the slices are too short.
    pub fn forward(&self, x: &[f32], rows: usize, y: &mut [f32]) -> bool {
        if x.len() < rows * self.k || y.len() < rows * self.n {
            return false;
        }
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, just checked.
            unsafe { self.forward_avx2(x, rows, y) };
            return true;
        }
        self.forward_rows(x, rows, y);
        true
    }

    /// [`PackedDense::forward_rows`] compiled for AVX2 (native builds on x86-64 CPUs that have
    /// it): the same multiplies and adds in the same order, eight lanes at a time, so the
    /// numbers are the same as the portable path's (no fused multiply-add).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn forward_avx2(&self, x: &[f32], rows: usize, y: &mut [f32]) {
        self.forward_rows(x, rows, y)
    }

    /// The rows, in register blocks of [`ROWS`], then the 1 to 3 left in one block (a block of
    /// one row waits on its adds; two or three rows' adds overlap: about twice the rate a row).
    /// Slices checked by the caller.
    #[inline(always)]
    fn forward_rows(&self, x: &[f32], rows: usize, y: &mut [f32]) {
        let mut r = 0;
        while r + ROWS <= rows {
            self.block::<ROWS>(&x[r * self.k..(r + ROWS) * self.k], &mut y[r * self.n..(r + ROWS) * self.n]);
            r += ROWS;
        }
        let (x, y) = (&x[r * self.k..rows * self.k], &mut y[r * self.n..rows * self.n]);
        match rows - r {
            0 => {}
            1 => self.block::<1>(x, y),
            2 => self.block::<2>(x, y),
            _ => self.block::<3>(x, y),
        }
    }

    /// [`PackedDense::forward`] for rows with many zero inputs (after a ReLU, about half):
    /// each row's zero inputs are skipped. Adding `0 · w` changes no sum, and the others are
    /// added in the same order, so the numbers are `forward`'s. `idx` is scratch.
    pub fn forward_sparse(&self, x: &[f32], rows: usize, y: &mut [f32], idx: &mut Vec<usize>) -> bool {
        if x.len() < rows * self.k || y.len() < rows * self.n {
            return false;
        }
        self.sparse_or_dense(x, rows, y, idx);
        true
    }

    /// In the browser, the dense product's SIMD blocks: faster there than skipping zeros (what-if
    /// on the German bundle in Chromium: 240 µs dense, 435 µs sparse; BENCHMARKS.md).
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn sparse_or_dense(&self, x: &[f32], rows: usize, y: &mut [f32], _: &mut Vec<usize>) {
        // (Through `forward`, not a second inlined copy of its loops: the lengths are checked.)
        self.forward(x, rows, y);
    }

    /// Natively, the rows' zero inputs skipped.
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    fn sparse_or_dense(&self, x: &[f32], rows: usize, y: &mut [f32], idx: &mut Vec<usize>) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, just checked.
            unsafe { self.sparse_avx2(x, rows, y, idx) };
            return;
        }
        self.sparse_rows(x, rows, y, idx)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn sparse_avx2(&self, x: &[f32], rows: usize, y: &mut [f32], idx: &mut Vec<usize>) {
        self.sparse_rows(x, rows, y, idx)
    }

    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    #[inline(always)]
    fn sparse_rows(&self, x: &[f32], rows: usize, y: &mut [f32], idx: &mut Vec<usize>) {
        let k = self.k;
        for r in 0..rows {
            let row = &x[r * k..(r + 1) * k];
            idx.clear();
            idx.extend((0..k).filter(|&c| row[c] != 0.0));
            for p in 0..self.n / LANES {
                let panel = &self.panels[p * k * LANES..(p + 1) * k * LANES];
                let mut acc = [0.0f32; LANES];
                acc.copy_from_slice(&self.bias[p * LANES..(p + 1) * LANES]);
                for &c in idx.iter() {
                    let (xv, w) = (row[c], &panel[c * LANES..(c + 1) * LANES]);
                    for l in 0..LANES {
                        acc[l] += xv * w[l];
                    }
                }
                if self.relu {
                    acc.iter_mut().for_each(relu_one);
                }
                y[r * self.n + p * LANES..r * self.n + (p + 1) * LANES].copy_from_slice(&acc);
            }
        }
    }

    /// `R` rows × every panel. `x` is exactly `R × k`, `y` exactly `R × n`.
    #[inline(always)]
    fn block<const R: usize>(&self, x: &[f32], y: &mut [f32]) {
        let k = self.k;
        for p in 0..self.n / LANES {
            let panel = &self.panels[p * k * LANES..(p + 1) * k * LANES];
            let bias = &self.bias[p * LANES..(p + 1) * LANES];
            simd::block::<R>(x, k, panel, bias, self.relu, &mut y[p * LANES..], self.n);
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use super::LANES;
    use core::arch::wasm32::*;

    /// `acc + a · b` in each lane: with relaxed SIMD, its multiply-add (one rounding where the
    /// engine fuses it, as on x86-64 with FMA), else a multiply then an add. Every sum of the
    /// kernel goes through here, so a build's numbers agree with themselves either way.
    #[inline(always)]
    fn madd(a: v128, b: v128, acc: v128) -> v128 {
        #[cfg(target_feature = "relaxed-simd")]
        return f32x4_relaxed_madd(a, b, acc);
        #[cfg(not(target_feature = "relaxed-simd"))]
        f32x4_add(acc, f32x4_mul(a, b))
    }

    /// `y += a · x`, `x` as long as `y`; the last 1 to 3 lanes through [`madd`] as well.
    pub fn add_scaled(y: &mut [f32], a: f32, x: &[f32]) {
        let (mut ys, mut xs) = (y.chunks_exact_mut(4), x.chunks_exact(4));
        let av = f32x4_splat(a);
        for (yc, xc) in (&mut ys).zip(&mut xs) {
            // SAFETY: both chunks are exactly 4 floats (16 bytes); wasm loads need no alignment.
            unsafe {
                let v = madd(av, v128_load(xc.as_ptr() as *const v128), v128_load(yc.as_ptr() as *const v128));
                v128_store(yc.as_mut_ptr() as *mut v128, v);
            }
        }
        let (yr, xr) = (ys.into_remainder(), xs.remainder());
        if !yr.is_empty() {
            let (mut yt, mut xt) = ([0.0f32; 4], [0.0f32; 4]);
            yt[..yr.len()].copy_from_slice(yr);
            xt[..xr.len()].copy_from_slice(xr);
            // SAFETY: both are arrays of 4 floats (16 bytes).
            let v = unsafe { madd(av, v128_load(xt.as_ptr() as *const v128), v128_load(yt.as_ptr() as *const v128)) };
            // SAFETY: as above.
            unsafe { v128_store(yt.as_mut_ptr() as *mut v128, v) };
            yr.copy_from_slice(&yt[..yr.len()]);
        }
    }

    /// `y = pmax(y, 0)`.
    pub fn relu(y: &mut [f32]) {
        let mut ys = y.chunks_exact_mut(4);
        for yc in &mut ys {
            // SAFETY: the chunk is exactly 4 floats (16 bytes); wasm loads need no alignment.
            unsafe {
                let v = f32x4_pmax(v128_load(yc.as_ptr() as *const v128), f32x4_splat(0.0));
                v128_store(yc.as_mut_ptr() as *mut v128, v);
            }
        }
        ys.into_remainder().iter_mut().for_each(super::relu_one);
    }

    /// `R` rows of `x` (each `k` long) times one panel (`k × LANES`) plus bias.
    #[inline(always)]
    pub fn block<const R: usize>(x: &[f32], k: usize, panel: &[f32], bias: &[f32], relu: bool, y: &mut [f32], ldy: usize) {
        assert!(x.len() >= R * k && panel.len() >= k * LANES && bias.len() >= LANES && y.len() >= (R - 1) * ldy + LANES);
        // SAFETY: every load below is within the slices, as asserted above; wasm loads need no
        // alignment.
        unsafe {
            let b0 = v128_load(bias.as_ptr() as *const v128);
            let b1 = v128_load(bias.as_ptr().add(4) as *const v128);
            let mut acc = [[b0, b1]; R];
            let xp = x.as_ptr();
            let wp = panel.as_ptr();
            for kk in 0..k {
                let w0 = v128_load(wp.add(kk * LANES) as *const v128);
                let w1 = v128_load(wp.add(kk * LANES + 4) as *const v128);
                for (r, a) in acc.iter_mut().enumerate() {
                    let xv = v128_load32_splat(xp.add(r * k + kk) as *const u32);
                    a[0] = madd(xv, w0, a[0]);
                    a[1] = madd(xv, w1, a[1]);
                }
            }
            let yp = y.as_mut_ptr();
            for (r, a) in acc.iter().enumerate() {
                let (mut v0, mut v1) = (a[0], a[1]);
                if relu {
                    // pmax: NaN stays NaN (as ONNX Relu), 0 for negatives.
                    v0 = f32x4_pmax(v0, f32x4_splat(0.0));
                    v1 = f32x4_pmax(v1, f32x4_splat(0.0));
                }
                v128_store(yp.add(r * ldy) as *mut v128, v0);
                v128_store(yp.add(r * ldy + 4) as *mut v128, v1);
            }
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod simd {
    use super::LANES;

    /// `y += a · x`, `x` as long as `y`.
    pub fn add_scaled(y: &mut [f32], a: f32, x: &[f32]) {
        y.iter_mut().zip(x).for_each(|(y, x)| *y += a * x);
    }

    /// As `f32x4_pmax(y, 0)`: NaN stays NaN.
    pub fn relu(y: &mut [f32]) {
        y.iter_mut().for_each(super::relu_one);
    }

    /// `R` rows of `x` (each `k` long) times one panel (`k × LANES`) plus bias.
    #[inline(always)]
    pub fn block<const R: usize>(x: &[f32], k: usize, panel: &[f32], bias: &[f32], relu: bool, y: &mut [f32], ldy: usize) {
        let mut acc = [[0.0f32; LANES]; R];
        for a in acc.iter_mut() {
            a.copy_from_slice(&bias[..LANES]);
        }
        for (kk, w) in panel.chunks_exact(LANES).take(k).enumerate() {
            for (r, a) in acc.iter_mut().enumerate() {
                let xv = x[r * k + kk];
                for l in 0..LANES {
                    a[l] += xv * w[l];
                }
            }
        }
        if relu {
            acc.iter_mut().flatten().for_each(super::relu_one);
        }
        for (r, a) in acc.iter().enumerate() {
            y[r * ldy..r * ldy + LANES].copy_from_slice(a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(inputs, weight, bias)` with values in [-0.5, 0.5).
    fn layer(inputs: usize, outputs: usize, seed: u32) -> (usize, Vec<f32>, Vec<f32>) {
        let mut s = seed;
        let mut next = || {
            s = s.wrapping_mul(1664525).wrapping_add(1013904223);
            (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
        };
        let weight = (0..inputs * outputs).map(|_| next()).collect();
        let bias = (0..outputs).map(|_| next()).collect();
        (inputs, weight, bias)
    }

    /// The plain product, summed in the same order (bias, then k = 0, 1, …).
    fn plain(x: &[f32], (inputs, weight, bias): &(usize, Vec<f32>, Vec<f32>), relu: bool) -> Vec<f32> {
        let outputs = bias.len();
        (0..outputs)
            .map(|j| {
                let v = (0..*inputs).fold(bias[j], |acc, k| acc + x[k] * weight[k * outputs + j]);
                if relu {
                    v.max(0.0)
                } else {
                    v
                }
            })
            .collect()
    }

    #[test]
    fn packed_layers_match_the_plain_product() {
        let layers = [(layer(13, 20, 1), true), (layer(20, 9, 2), true), (layer(9, 1, 3), false)];
        let packed: Vec<PackedDense> = {
            let mut k = 13;
            layers
                .iter()
                .map(|((i, w, b), relu)| {
                    let p = PackedDense::new(*i, w, b, *relu, k).unwrap();
                    k = p.outputs();
                    p
                })
                .collect()
        };
        for rows in [1, 2, 3, 4, 6, 7, 9] {
            let x: Vec<f32> = (0..rows * 13).map(|i| ((i * 37) % 11) as f32 / 5.0 - 1.0).collect();
            let mut cur = x.clone();
            for p in &packed {
                let mut y = vec![f32::NAN; rows * p.outputs()];
                assert!(p.forward(&cur, rows, &mut y));
                cur = y;
            }
            for r in 0..rows {
                let want = layers.iter().fold(x[r * 13..(r + 1) * 13].to_vec(), |h, (l, relu)| plain(&h, l, *relu))[0];
                let got = cur[r * packed[2].outputs()];
                assert_eq!(want, got, "row {r} of {rows}");
                // Padding columns are exactly zero.
                assert!(cur[r * 8 + 1..(r + 1) * 8].iter().all(|&v| v == 0.0));
            }
        }
    }

    #[test]
    fn add_scaled_multiplies_then_adds_below_both_lengths() {
        let x: Vec<f32> = (0..11).map(|i| i as f32 * 0.37 - 1.0).collect();
        let mut y: Vec<f32> = (0..13).map(|i| 0.5 - i as f32 * 0.21).collect();
        let want: Vec<f32> = y.iter().enumerate().map(|(j, &v)| if j < 11 { v + 1.7 * x[j] } else { v }).collect();
        add_scaled(&mut y, 1.7, &x);
        assert_eq!(y, want);
    }

    #[test]
    fn relu_zeroes_negatives_keeps_nan_and_reaches_the_tail() {
        let mut y = [-1.0, 2.0, f32::NAN, -0.5, 0.0, -3.0, 4.0];
        relu(&mut y);
        assert_eq!(y.map(|v| if v.is_nan() { 9.0 } else { v }), [0.0, 2.0, 9.0, 0.0, 0.0, 0.0, 4.0]);
    }

    /// Skipping zero inputs gives the very same numbers as the dense product.
    #[test]
    fn the_sparse_path_equals_the_dense_one() {
        let (i, w, b) = layer(20, 9, 7);
        let p = PackedDense::new(i, &w, &b, true, 24).unwrap();
        let rows = 6;
        let x: Vec<f32> =
            (0..rows * 24).map(|j| if j % 3 == 0 || j % 24 >= 20 { 0.0 } else { ((j * 31) % 13) as f32 / 4.0 - 1.5 }).collect();
        let (mut dense, mut sparse) = (vec![f32::NAN; rows * p.outputs()], vec![f32::NAN; rows * p.outputs()]);
        assert!(p.forward(&x, rows, &mut dense));
        assert!(p.forward_sparse(&x, rows, &mut sparse, &mut Vec::new()));
        assert_eq!(dense.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), sparse.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
        assert!(!p.forward_sparse(&x[..10], rows, &mut sparse, &mut Vec::new()));
    }

    #[test]
    fn short_buffers_and_bad_shapes_are_refused() {
        let (i, w, b) = layer(4, 8, 5);
        let p = PackedDense::new(i, &w, &b, true, 4).unwrap();
        assert!(!p.forward(&[0.0; 7], 2, &mut [0.0; 16]));
        assert!(!p.forward(&[0.0; 8], 2, &mut [0.0; 15]));
        assert!(PackedDense::new(5, &w, &b, true, 5).is_none());
        assert!(PackedDense::new(4, &w, &b, true, 3).is_none());
    }
}
