//! Probability calibration: Platt scaling of the network's logit, fitted on held-out rows and
//! folded into the last layer, so the graph (and every runtime) returns calibrated
//! probabilities with no extra op.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::network::{Activation, Mlp};

/// `p = sigmoid(scale · logit + shift)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Platt {
    pub scale: f64,
    pub shift: f64,
}

impl Platt {
    /// Fits by Newton's method on the log loss (Platt's smoothed targets guard against
    /// separable data). `logits` and `labels` are the held-out rows.
    pub fn fit(logits: &[f32], labels: &[u8]) -> Result<Platt> {
        let pos = labels.iter().filter(|&&y| y == 1).count() as f64;
        let neg = labels.len() as f64 - pos;
        if pos == 0.0 || neg == 0.0 || logits.len() != labels.len() {
            return Err(Error::Data("calibration needs held-out rows of both classes".into()));
        }
        let (t1, t0) = ((pos + 1.0) / (pos + 2.0), 1.0 / (neg + 2.0));
        let (mut a, mut b) = (1.0f64, 0.0f64);
        for _ in 0..100 {
            let (mut g_a, mut g_b, mut h_aa, mut h_ab, mut h_bb) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for (&z, &y) in logits.iter().zip(labels) {
                let z = z as f64;
                let t = if y == 1 { t1 } else { t0 };
                let p = 1.0 / (1.0 + (-(a * z + b)).exp());
                let d = p - t;
                let w = (p * (1.0 - p)).max(1e-12);
                g_a += d * z;
                g_b += d;
                h_aa += w * z * z;
                h_ab += w * z;
                h_bb += w;
            }
            let det = h_aa * h_bb - h_ab * h_ab;
            if det.abs() < 1e-18 {
                break;
            }
            let (da, db) = ((h_bb * g_a - h_ab * g_b) / det, (h_aa * g_b - h_ab * g_a) / det);
            a -= da;
            b -= db;
            if da.abs() < 1e-10 && db.abs() < 1e-10 {
                break;
            }
        }
        if !(a.is_finite() && b.is_finite()) {
            return Err(Error::Data("calibration did not converge".into()));
        }
        Ok(Platt { scale: a, shift: b })
    }

    /// Folds the scaling into the network's last layer (`W' = aW`, `b' = a·b + shift`).
    pub fn fold_into(&self, mlp: &mut Mlp) -> Result<()> {
        let last = mlp.layers.last_mut().filter(|l| l.outputs == 1 && l.activation == Activation::Identity);
        let last = last.ok_or_else(|| Error::Param { name: "calibration", reason: "the network has no single-logit last layer".into() })?;
        let a = self.scale as f32;
        last.weight.iter_mut().for_each(|w| *w *= a);
        last.bias[0] = last.bias[0] * a + self.shift as f32;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platt_recovers_a_known_scaling() {
        // Labels drawn (deterministically) from sigmoid(2z − 1): the fit finds about (2, −1).
        let mut logits = vec![];
        let mut labels = vec![];
        let mut s = 7u64;
        for i in 0..20000 {
            let z = (i % 400) as f32 / 100.0 - 2.0;
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let u = (s >> 11) as f64 / (1u64 << 53) as f64;
            let p = 1.0 / (1.0 + (-(2.0 * z as f64 - 1.0)).exp());
            logits.push(z);
            labels.push(u8::from(u < p));
        }
        let c = Platt::fit(&logits, &labels).unwrap();
        assert!((c.scale - 2.0).abs() < 0.1 && (c.shift + 1.0).abs() < 0.1, "{c:?}");
        assert!(Platt::fit(&[0.1, 0.2], &[1, 1]).is_err());
    }
}
