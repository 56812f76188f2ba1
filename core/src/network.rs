//! The network as plain data: dense layers, weights `[inputs][outputs]` row-major (as burn's
//! `Linear` and ONNX `MatMul` lay them out).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What follows a dense layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    Relu,
    /// No activation: the last layer's output is the logit.
    Identity,
}

/// How a graph stores a network's hidden weight matrices (biases and the last layer, which
/// holds the folded calibration and is one column, are always f32). f16 halves the model's
/// bytes; int8 (a power-of-two scale per output column, [`int8_steps`]) quarters them. The
/// network is rounded to it before it is calibrated or measured, so every runtime computes
/// from exactly the weights shipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    F32,
    F16,
    /// The default: |ΔAUC| ≤ 0.00024 against f16 on the shared sets (BENCHMARKS.md).
    #[default]
    Int8,
}

impl Precision {
    /// A weight as an elementwise precision stores it (f32, f16); int8 rounds a whole column
    /// at once ([`int8_steps`]), and leaves a single weight as it is here.
    pub fn round(self, w: f32) -> f32 {
        match self {
            Precision::F32 | Precision::Int8 => w,
            Precision::F16 => half::f16::from_f32(w).to_f32(),
        }
    }
}

/// Largest int8 step used (symmetric: −127..=127).
const INT8_STEPS: f32 = 127.0;

/// The scale of an int8 column whose largest magnitude is `max`: the smallest power of two
/// `s` with `max / s ≤ 127` (1 for a column of zeros). Each weight then rounds to `q·s`, exact
/// in f32, and the largest rounded weight (64 to 127 steps) gives back the same `s`, so a
/// rounded network rebuilds the same graph.
pub fn int8_scale(max: f32) -> f32 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let mut e = (max as f64 / INT8_STEPS as f64).log2().ceil() as i32;
    // Guard the float log: the smallest e with max / 2^e ≤ 127.
    while max as f64 / 2f64.powi(e) > INT8_STEPS as f64 {
        e += 1;
    }
    while max as f64 / 2f64.powi(e - 1) <= INT8_STEPS as f64 {
        e -= 1;
    }
    2f64.powi(e) as f32
}

/// A `[inputs][outputs]` weight matrix as int8 steps and one scale per output column
/// ([`int8_scale`]): weight `[i][j]` ≈ `steps[i·outputs + j] · scales[j]`.
pub fn int8_steps(weight: &[f32], outputs: usize) -> (Vec<i8>, Vec<f32>) {
    let mut max = vec![0.0f32; outputs];
    for (k, w) in weight.iter().enumerate() {
        max[k % outputs] = max[k % outputs].max(w.abs());
    }
    let scales: Vec<f32> = max.into_iter().map(int8_scale).collect();
    let steps = weight.iter().enumerate().map(|(k, &w)| (w / scales[k % outputs]).round().clamp(-INT8_STEPS, INT8_STEPS) as i8).collect();
    (steps, scales)
}

/// The weights int8 `steps` and per-column `scales` stand for (`steps[k] · scales[k mod n]`),
/// exactly as a graph's `Cast` then `Mul` computes them.
pub fn int8_weights(steps: &[i8], scales: &[f32]) -> Vec<f32> {
    steps.iter().enumerate().map(|(k, &q)| q as f32 * scales[k % scales.len()]).collect()
}

/// One dense layer: `act(x · W + b)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dense {
    pub inputs: usize,
    pub outputs: usize,
    /// `inputs × outputs`, row-major.
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
    pub activation: Activation,
}

/// A multilayer perceptron whose last layer has one output, the logit of the positive class.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    pub layers: Vec<Dense>,
}

impl Mlp {
    /// Checks shapes chain, the last layer yields one logit, and every weight is finite.
    pub fn check(&self, width: usize) -> Result<()> {
        let bad = |m: String| Err(Error::Bundle(format!("network: {m}")));
        let mut expect = width;
        for (i, l) in self.layers.iter().enumerate() {
            if l.inputs != expect || l.weight.len() != l.inputs * l.outputs || l.bias.len() != l.outputs {
                return bad(format!("layer {i} has shape {}×{} where {expect} inputs were expected", l.inputs, l.outputs));
            }
            if !l.weight.iter().chain(&l.bias).all(|v| v.is_finite()) {
                return bad(format!("layer {i} has a non-finite weight"));
            }
            expect = l.outputs;
        }
        match self.layers.last() {
            Some(l) if l.outputs == 1 && l.activation == Activation::Identity => Ok(()),
            _ => bad("the last layer must have one output and no activation".into()),
        }
    }

    /// The layers whose weight matrices a graph stores in its [`Precision`]: all but the last.
    pub fn stored_in_precision(&self) -> usize {
        self.layers.len().saturating_sub(1)
    }

    /// Rounds the hidden layers' weight matrices to `precision` (biases and the last layer stay
    /// f32). A network with weights it cannot hold (beyond f16's ±65504) is an error naming
    /// the layer, and is left unchanged.
    pub fn round_weights(&mut self, precision: Precision) -> Result<()> {
        let hidden = self.stored_in_precision();
        if let Some(i) = self.layers[..hidden].iter().position(|l| l.weight.iter().any(|&w| !precision.round(w).is_finite())) {
            return Err(Error::Bundle(format!("network: layer {i} has weights too large for f16; train with --weights f32")));
        }
        for l in &mut self.layers[..hidden] {
            if precision == Precision::Int8 {
                let (steps, scales) = int8_steps(&l.weight, l.outputs);
                l.weight = int8_weights(&steps, &scales);
            } else {
                l.weight.iter_mut().for_each(|w| *w = precision.round(*w));
            }
        }
        Ok(())
    }

    /// One network whose logit is the mean of the members' logits: the members side by side
    /// (first layers concatenated, deeper layers block-diagonal) and the last layer scaled by
    /// `1/k`. Still a plain MLP, so every runtime and ONNX consumer runs it unchanged.
    pub fn mean_of(members: &[Mlp]) -> Result<Mlp> {
        let bad = |m: &str| Err(Error::Bundle(format!("ensemble: {m}")));
        let Some(first) = members.first() else { return bad("no members") };
        let depth = first.layers.len();
        let width = first.layers.first().map_or(0, |l| l.inputs);
        for m in members {
            m.check(width)?;
        }
        if members.iter().any(|m| m.layers.len() != depth) {
            return bad("members differ in depth");
        }
        let k = members.len() as f32;
        let layers = (0..depth)
            .map(|d| {
                let parts: Vec<&Dense> = members.iter().map(|m| &m.layers[d]).collect();
                let last = d + 1 == depth;
                // Layer 0 shares the input: blocks sit side by side over the same rows.
                let inputs = if d == 0 { parts[0].inputs } else { parts.iter().map(|l| l.inputs).sum() };
                let outputs = if last { 1 } else { parts.iter().map(|l| l.outputs).sum() };
                let mut weight = vec![0.0; inputs * outputs];
                let mut bias = vec![0.0; outputs];
                let (mut row0, mut col0) = (0, 0);
                for l in &parts {
                    for i in 0..l.inputs {
                        for o in 0..l.outputs {
                            let w = l.weight[i * l.outputs + o];
                            if last {
                                weight[(row0 + i) * outputs] += w / k;
                            } else {
                                weight[(row0 + i) * outputs + col0 + o] = w;
                            }
                        }
                    }
                    if last {
                        bias[0] += l.bias[0] / k;
                    } else {
                        bias[col0..col0 + l.outputs].copy_from_slice(&l.bias);
                        col0 += l.outputs;
                    }
                    if d > 0 {
                        row0 += l.inputs;
                    }
                }
                Dense { inputs, outputs, weight, bias, activation: parts[0].activation }
            })
            .collect();
        Ok(Mlp { layers })
    }

    /// The logit for one encoded row (plain Rust; same arithmetic order as `MatMul`).
    pub fn logit(&self, x: &[f32]) -> f32 {
        let mut cur = x.to_vec();
        for l in &self.layers {
            let mut next = l.bias.clone();
            for (i, &xi) in cur.iter().enumerate() {
                let row = &l.weight[i * l.outputs..(i + 1) * l.outputs];
                for (n, w) in next.iter_mut().zip(row) {
                    *n += xi * w;
                }
            }
            if l.activation == Activation::Relu {
                next.iter_mut().for_each(|v| *v = v.max(0.0));
            }
            cur = next;
        }
        cur[0]
    }
}

/// The logistic function, computed stably for large |z|.
pub fn sigmoid(z: f32) -> f32 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn weights_f16_cannot_hold_are_an_error_naming_the_layer() {
        let layer = |w: f32| Dense { inputs: 1, outputs: 1, weight: vec![w], bias: vec![1e9], activation: Activation::Identity };
        let mut ok = Mlp { layers: vec![layer(0.1), layer(0.1)] };
        ok.round_weights(Precision::F16).unwrap();
        assert_eq!((ok.layers[0].weight[0], ok.layers[0].bias[0]), (Precision::F16.round(0.1), 1e9), "weights rounded, biases kept");
        assert_ne!(ok.layers[0].weight[0], 0.1);
        assert_eq!(ok.layers[1].weight[0], 0.1, "the last layer (the logit, calibration folded in) stays f32");
        let mut big = Mlp { layers: vec![layer(1e6), layer(1e6)] };
        let e = big.round_weights(Precision::F16).unwrap_err().to_string();
        assert!(e.contains("layer 0") && e.contains("--weights f32"), "{e}");
        big.round_weights(Precision::F32).unwrap();
    }

    #[test]
    fn int8_scales_are_powers_of_two_and_come_back_from_the_rounded_weights() {
        for max in [1e-30f32, 0.001, 0.3, 0.5, 0.99, 1.0, 126.9, 127.0, 127.5, 254.0, 1e6] {
            let s = int8_scale(max);
            assert!(s.log2().fract() == 0.0 && max / s <= 127.0 && max / s > 63.5, "{max}: {s}");
            let (q, scales) = int8_steps(&[max, -max / 3.0], 1);
            assert_eq!(scales, vec![s]);
            let rounded: Vec<f32> = q.iter().map(|&q| q as f32 * s).collect();
            assert_eq!(int8_steps(&rounded, 1), (q.clone(), scales.clone()), "{max}: rounding twice changes nothing");
        }
        assert_eq!(int8_scale(0.0), 1.0);
        let (q, s) = int8_steps(&[0.5, -2.0, 0.25, 1.0], 2); // columns [0.5, 0.25] and [-2, 1]
        assert_eq!(s, vec![int8_scale(0.5), int8_scale(2.0)]);
        assert_eq!((q[0] as f32 * s[0], q[1] as f32 * s[1]), (0.5, -2.0));
    }

    use super::*;

    fn member(seed: u32, sizes: &[usize]) -> Mlp {
        // A small deterministic generator: weights in (-1, 1).
        let mut s = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            (s as f32 / u32::MAX as f32) * 2.0 - 1.0
        };
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(i, w)| Dense {
                inputs: w[0],
                outputs: w[1],
                weight: (0..w[0] * w[1]).map(|_| next()).collect(),
                bias: (0..w[1]).map(|_| next()).collect(),
                activation: if i + 2 == sizes.len() { Activation::Identity } else { Activation::Relu },
            })
            .collect();
        Mlp { layers }
    }

    #[test]
    fn mean_of_is_the_mean_logit() {
        let members: Vec<Mlp> = (1..=3).map(|s| member(s, &[5, 4, 3, 1])).collect();
        let merged = Mlp::mean_of(&members).unwrap();
        merged.check(5).unwrap();
        assert_eq!((merged.layers[0].outputs, merged.layers[1].outputs), (12, 9));
        for r in 0..20 {
            let x: Vec<f32> = (0..5).map(|j| ((r * 7 + j * 3) % 11) as f32 / 5.0 - 1.0).collect();
            let mean = members.iter().map(|m| m.logit(&x)).sum::<f32>() / 3.0;
            assert!((merged.logit(&x) - mean).abs() < 1e-5, "row {r}: {} vs {mean}", merged.logit(&x));
        }
        // One member is itself.
        assert_eq!(Mlp::mean_of(&members[..1]).unwrap(), members[0]);
    }

    #[test]
    fn mean_of_refuses_mismatched_members() {
        assert!(Mlp::mean_of(&[]).is_err());
        assert!(Mlp::mean_of(&[member(1, &[5, 4, 1]), member(2, &[6, 4, 1])]).is_err());
        assert!(Mlp::mean_of(&[member(1, &[5, 4, 1]), member(2, &[5, 4, 3, 1])]).is_err());
    }
}
