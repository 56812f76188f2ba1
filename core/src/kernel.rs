//! Dense layers packed for a register-blocked matrix product: the light runtime's arithmetic.
//!
//! Weights are packed into panels of [`LANES`] output columns (`[panel][k][LANES]`), so the inner
//! loop streams one panel while a block of up to [`ROWS`] input rows stays in registers. On
//! `wasm32` with `simd128` the block uses 128-bit SIMD; elsewhere the same loop is written over
//! arrays, which the compiler vectorises. Every output is summed in the same order
//! (bias, then `k = 0, 1, …`), so both paths give the same numbers.

use crate::network::{Activation, Dense};

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

/// Rounds `n` up to a multiple of [`LANES`].
pub fn padded(n: usize) -> usize {
    n.div_ceil(LANES) * LANES
}

impl PackedDense {
    /// Packs `layer`, whose inputs arrive `k_stored` wide (≥ `layer.inputs`; extra inputs are
    /// zero padding and get zero weights).
    pub fn new(layer: &Dense, k_stored: usize) -> Self {
        debug_assert!(k_stored >= layer.inputs);
        let n = padded(layer.outputs);
        let mut panels = vec![0.0; n * k_stored];
        for p in 0..n / LANES {
            for kk in 0..layer.inputs {
                for l in 0..LANES {
                    let j = p * LANES + l;
                    if j < layer.outputs {
                        panels[(p * k_stored + kk) * LANES + l] = layer.weight[kk * layer.outputs + j];
                    }
                }
            }
        }
        let mut bias = layer.bias.clone();
        bias.resize(n, 0.0);
        Self { k: k_stored, n, panels, bias, relu: layer.activation == Activation::Relu }
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
        let mut r = 0;
        while r + ROWS <= rows {
            self.block::<ROWS>(&x[r * self.k..(r + ROWS) * self.k], &mut y[r * self.n..(r + ROWS) * self.n]);
            r += ROWS;
        }
        while r < rows {
            self.block::<1>(&x[r * self.k..(r + 1) * self.k], &mut y[r * self.n..(r + 1) * self.n]);
            r += 1;
        }
        true
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
                    a[0] = f32x4_add(a[0], f32x4_mul(xv, w0));
                    a[1] = f32x4_add(a[1], f32x4_mul(xv, w1));
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
            // As f32x4_pmax(v, 0): NaN stays NaN.
            for v in acc.iter_mut().flatten() {
                if *v < 0.0 {
                    *v = 0.0;
                }
            }
        }
        for (r, a) in acc.iter().enumerate() {
            y[r * ldy..r * ldy + LANES].copy_from_slice(a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::Mlp;

    fn layer(inputs: usize, outputs: usize, activation: Activation, seed: u32) -> Dense {
        let mut s = seed;
        let mut next = || {
            s = s.wrapping_mul(1664525).wrapping_add(1013904223);
            (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
        };
        let weight = (0..inputs * outputs).map(|_| next()).collect();
        let bias = (0..outputs).map(|_| next()).collect();
        Dense { inputs, outputs, weight, bias, activation }
    }

    #[test]
    fn packed_layers_match_the_plain_network() {
        let mlp = Mlp { layers: vec![layer(13, 20, Activation::Relu, 1), layer(20, 9, Activation::Relu, 2), layer(9, 1, Activation::Identity, 3)] };
        let packed: Vec<PackedDense> = {
            let mut k = 13;
            mlp.layers
                .iter()
                .map(|l| {
                    let p = PackedDense::new(l, k);
                    k = p.outputs();
                    p
                })
                .collect()
        };
        for rows in [1, 3, 4, 7, 9] {
            let x: Vec<f32> = (0..rows * 13).map(|i| ((i * 37) % 11) as f32 / 5.0 - 1.0).collect();
            let mut cur = x.clone();
            for p in &packed {
                let mut y = vec![f32::NAN; rows * p.outputs()];
                assert!(p.forward(&cur, rows, &mut y));
                cur = y;
            }
            for r in 0..rows {
                let want = mlp.logit(&x[r * 13..(r + 1) * 13]);
                let got = cur[r * packed[2].outputs()];
                assert!((want - got).abs() < 1e-5, "row {r} of {rows}: {want} vs {got}");
                // Padding columns are exactly zero.
                assert!(cur[r * 8 + 1..(r + 1) * 8].iter().all(|&v| v == 0.0));
            }
        }
    }

    #[test]
    fn short_buffers_are_refused() {
        let p = PackedDense::new(&layer(4, 8, Activation::Relu, 5), 4);
        assert!(!p.forward(&[0.0; 7], 2, &mut [0.0; 16]));
        assert!(!p.forward(&[0.0; 8], 2, &mut [0.0; 15]));
    }
}
