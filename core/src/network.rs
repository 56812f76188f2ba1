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
