//! Linear models and scaling as the ONNX-ML operators define them, for the graphs skl2onnx writes
//! for a logistic regression (a scorecard) alone or behind a `StandardScaler`:
//! `LinearClassifier` (two classes; one row of coefficients or one per class), `Scaler` and
//! `Normalizer`.
//! Scores as onnxruntime (1.32) gives them, checked on every transform by `tests/tests/trees.rs`.

use crate::error::Result;
use crate::onnx::NodeProto;
use crate::trees::attrs::{transform, Attrs};
use crate::trees::binary::{logistic, transform_two};
use crate::trees::{invalid, only, unsupported, Transform};

/// A checked `LinearClassifier` over rows of `k` values: scores `x · wᵢ + bᵢ` for one or two
/// rows of coefficients.
#[derive(Debug, Clone)]
pub struct Linear {
    k: usize,
    weights: Vec<f32>,
    intercepts: Vec<f32>,
    transform: Transform,
}

impl Linear {
    pub fn from_node(node: &NodeProto, k: usize) -> Result<Linear> {
        only(node, &[&["classlabels_ints", "classlabels_strings", "coefficients", "intercepts", "multi_class", "post_transform"]])?;
        let attrs = Attrs { node };
        let labels = attrs.ints("classlabels_ints").len().max(attrs.strings("classlabels_strings").len());
        if labels != 2 {
            return Err(unsupported(node, format!("attribute `classlabels_*`: {labels} classes; a binary classifier (2) is expected")));
        }
        if attrs.get("multi_class").is_some_and(|a| a.i != 0) {
            return Err(unsupported(node, "attribute `multi_class`: only 0 is run"));
        }
        let weights = attrs.floats("coefficients")?;
        let rows = weights.len().checked_div(k).unwrap_or(0);
        if k == 0 || !(1..=2).contains(&rows) || rows * k != weights.len() {
            return Err(invalid(node, format!("{} coefficients for rows of {k} inputs; one or two rows are expected", weights.len())));
        }
        let mut intercepts = attrs.floats("intercepts")?;
        if intercepts.is_empty() {
            intercepts = vec![0.0; rows];
        }
        if intercepts.len() != rows {
            return Err(invalid(node, format!("{} intercepts for {rows} rows of coefficients", intercepts.len())));
        }
        let transform = transform(&attrs)?;
        Ok(Linear { k, weights, intercepts, transform })
    }

    /// The two classes' outputs of each row of `x` into `out` (two per row).
    pub fn eval(&self, x: &[f32], out: &mut [f32]) {
        for (row, o) in x.chunks_exact(self.k).zip(out.chunks_exact_mut(2)) {
            let score =
                |c: usize| self.weights[c * self.k..(c + 1) * self.k].iter().zip(row).map(|(w, v)| w * v).sum::<f32>() + self.intercepts[c];
            let pair = if self.intercepts.len() == 2 {
                transform_two(score(0), score(1), self.transform)
            } else {
                // One score: onnxruntime gives [1 − p, p], p its logistic under LOGISTIC, else itself.
                let s = score(0);
                let p = if self.transform == Transform::Logistic { logistic(s) } else { s };
                [1.0 - p, p]
            };
            o.copy_from_slice(&pair);
        }
    }
}

/// A checked `Scaler` over rows of `k` values: `(x − offset) · scale`, each one value or one per
/// input.
#[derive(Debug, Clone)]
pub struct Scaler {
    k: usize,
    offset: Vec<f32>,
    scale: Vec<f32>,
}

impl Scaler {
    pub fn from_node(node: &NodeProto, k: usize) -> Result<Scaler> {
        only(node, &[&["offset", "scale"]])?;
        let attrs = Attrs { node };
        let (offset, scale) = (attrs.floats("offset")?, attrs.floats("scale")?);
        for (name, v) in [("offset", &offset), ("scale", &scale)] {
            if v.len() != 1 && v.len() != k {
                return Err(invalid(node, format!("`{name}` has {} values for rows of {k}", v.len())));
            }
        }
        Ok(Scaler { k, offset, scale })
    }

    /// Each row of `x` scaled into `out` (the same shape).
    pub fn eval(&self, x: &[f32], out: &mut [f32]) {
        let at = |v: &[f32], c: usize| v[if v.len() == 1 { 0 } else { c }];
        for (row, o) in x.chunks_exact(self.k).zip(out.chunks_exact_mut(self.k)) {
            for (c, (o, &v)) in o.iter_mut().zip(row).enumerate() {
                *o = (v - at(&self.offset, c)) * at(&self.scale, c);
            }
        }
    }
}

/// A checked `Normalizer` over rows of `k` values: each row divided by its largest value
/// (`MAX`), the sum of its magnitudes (`L1`) or its length (`L2`), as onnxruntime does it: a row
/// whose divisor is 0 is left as it is.
#[derive(Debug, Clone)]
pub struct Normalizer {
    k: usize,
    norm: Norm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Norm {
    Max,
    L1,
    L2,
}

impl Normalizer {
    pub fn from_node(node: &NodeProto, k: usize) -> Result<Normalizer> {
        only(node, &[&["norm"]])?;
        let norm = match (Attrs { node }).string("norm", "MAX") {
            b"MAX" => Norm::Max,
            b"L1" => Norm::L1,
            b"L2" => Norm::L2,
            other => return Err(invalid(node, format!("attribute `norm`: unknown `{}`", String::from_utf8_lossy(other)))),
        };
        Ok(Normalizer { k, norm })
    }

    /// Each row of `x` normalised into `out` (the same shape).
    pub fn eval(&self, x: &[f32], out: &mut [f32]) {
        for (row, o) in x.chunks_exact(self.k).zip(out.chunks_exact_mut(self.k)) {
            let divisor = match self.norm {
                Norm::Max => row.iter().copied().fold(f32::NEG_INFINITY, f32::max),
                Norm::L1 => row.iter().map(|v| v.abs()).sum(),
                Norm::L2 => row.iter().map(|v| v * v).sum::<f32>().sqrt(),
            };
            for (o, &v) in o.iter_mut().zip(row) {
                *o = if divisor == 0.0 { v } else { v / divisor };
            }
        }
    }
}
