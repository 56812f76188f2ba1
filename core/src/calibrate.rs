//! Probability calibration: Platt scaling of the network's logit, fitted on held-out rows and
//! folded into the last layer, so the graph (and every runtime) returns calibrated
//! probabilities with no extra op.

use serde::Serialize;

use crate::counts::ScoreCounts;
use crate::error::{Error, Result};
use crate::metrics::{self, Metrics};
use crate::network::{sigmoid, Activation, Mlp};

/// `p = sigmoid(scale · logit + shift)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Platt {
    pub scale: f64,
    pub shift: f64,
}

/// Newton iterations at most (each with its line search); the fit usually ends in under 10.
const MAX_ITERATIONS: usize = 100;

/// Platt's smoothed targets for `pos` positive and `neg` negative rows: `(n₊ + 1)/(n₊ + 2)` for
/// positives, `1/(n₋ + 2)` for negatives.
fn targets(pos: f64, neg: f64) -> (f64, f64) {
    ((pos + 1.0) / (pos + 2.0), 1.0 / (neg + 2.0))
}

/// Each held-out row as `(logit, target, weight 1)`.
fn smoothed_targets(logits: &[f32], labels: &[u8]) -> Vec<(f64, f64, f64)> {
    let pos = labels.iter().filter(|&&y| y == 1).count() as f64;
    let (t1, t0) = targets(pos, labels.len() as f64 - pos);
    logits.iter().zip(labels).map(|(&z, &y)| (z as f64, if y == 1 { t1 } else { t0 }, 1.0)).collect()
}

/// The log loss of `sigmoid(a·z + b)` against the targets, computed without overflow.
fn platt_loss(rows: &[(f64, f64, f64)], (a, b): (f64, f64)) -> f64 {
    rows.iter()
        .map(|&(z, t, w)| {
            let f = a * z + b;
            // −t·ln σ(f) − (1−t)·ln(1−σ(f)) = ln(1 + e^f) − t·f, with ln(1 + e^f) stable.
            w * (f.max(0.0) + (-f.abs()).exp().ln_1p() - t * f)
        })
        .sum()
}

/// The loss's gradient (∂a, ∂b) and Hessian (aa, ab, bb), with a tiny ridge on the diagonal
/// so that the Newton system is never singular.
fn gradient_hessian(rows: &[(f64, f64, f64)], (a, b): (f64, f64)) -> ((f64, f64), (f64, f64, f64)) {
    let (mut g, mut h) = ((0.0, 0.0), (1e-12, 0.0, 1e-12));
    for &(z, t, weight) in rows {
        let f = a * z + b;
        // σ(f) and σ(f)(1 − σ(f)) from e^{−|f|}, so neither overflows.
        let e = (-f.abs()).exp();
        let p = if f >= 0.0 { 1.0 / (1.0 + e) } else { e / (1.0 + e) };
        let w = weight * e / ((1.0 + e) * (1.0 + e));
        let d = weight * (p - t);
        g = (g.0 + d * z, g.1 + d);
        h = (h.0 + w * z * z, h.1 + w * z, h.2 + w);
    }
    (g, h)
}

impl Platt {
    /// Fits `a`, `b` by minimising the log loss against Platt's smoothed targets (which keep
    /// separable data finite), with Newton's method and a backtracking line search, following
    /// Lin, Lin & Weng, "A note on Platt's probabilistic outputs for support vector machines"
    /// (2007). A plain Newton step diverges on overconfident logits: their misranked rows have a
    /// gradient of ±1 but almost no curvature, so the step is huge; the line search only ever
    /// accepts a step that lowers the loss, and the loss is convex, so the fit converges.
    /// `logits` and `labels` are the held-out rows.
    ///
    /// The scale must come out positive: Platt scaling is then strictly increasing and keeps
    /// the network's ranking. A scale at or below zero means the logits rank the held-out rows
    /// no better than chance, and is refused.
    pub fn fit(logits: &[f32], labels: &[u8]) -> Result<Platt> {
        let pos = labels.iter().filter(|&&y| y == 1).count() as f64;
        let neg = labels.len() as f64 - pos;
        if pos == 0.0 || neg == 0.0 || logits.len() != labels.len() {
            return Err(Error::Data("calibration needs held-out rows of both classes".into()));
        }
        if let Some(z) = logits.iter().find(|z| !z.is_finite()) {
            return Err(Error::Data(format!("calibration got a logit of {z}; the model diverged")));
        }
        if logits.iter().all(|&z| z == logits[0]) {
            return Err(Error::Data(format!(
                "the model gives every held-out row the same logit ({}): it ranks nothing, so there is nothing to calibrate; train differently",
                logits[0]
            )));
        }
        let rows = smoothed_targets(logits, labels);
        Self::newton(&rows, (pos, neg))?.increasing(|| metrics::auc(labels, logits))
    }

    /// [`Platt::fit`] on score counts (a DP bundle's, [`crate::counts`]): each bin's rows at the
    /// bin's middle logit.
    pub fn fit_counts(counts: &ScoreCounts) -> Result<Platt> {
        let (pos, neg) = counts.totals();
        if pos < 1.0 || neg < 1.0 {
            return Err(Error::Data("calibration needs held-out rows of both classes".into()));
        }
        let (t1, t0) = targets(pos, neg);
        let rows: Vec<(f64, f64, f64)> = counts.points().flat_map(|(z, wp, wn)| [(z, t1, wp), (z, t0, wn)]).collect();
        if rows.iter().all(|r| r.0 == rows[0].0) {
            return Err(Error::Data(
                "the held-out rows' logits all fall in one bin: the model ranks nothing, so there is nothing to calibrate; train differently".into(),
            ));
        }
        Self::newton(&rows, (pos, neg))?.increasing(|| Metrics::from_counts(counts, 0.5).auc)
    }

    /// Newton's method with a backtracking line search on weighted `(logit, target, weight)`
    /// rows of `pos` positive and `neg` negative weight.
    fn newton(rows: &[(f64, f64, f64)], (pos, neg): (f64, f64)) -> Result<Platt> {
        let size = rows.iter().map(|r| r.2).sum::<f64>();
        // Start from the smoothed base rate (a = 0): every step from there lowers the loss.
        let mut ab = (0.0f64, ((pos + 1.0) / (neg + 1.0)).ln());
        let mut loss = platt_loss(rows, ab);
        for _ in 0..MAX_ITERATIONS {
            let (g, h) = gradient_hessian(rows, ab);
            if g.0.abs() < 1e-9 * size && g.1.abs() < 1e-9 * size {
                break;
            }
            let det = h.0 * h.2 - h.1 * h.1;
            let step = ((h.2 * g.0 - h.1 * g.1) / det, (h.0 * g.1 - h.1 * g.0) / det);
            let mut t = 1.0;
            while t >= 1e-10 {
                let next = (ab.0 - t * step.0, ab.1 - t * step.1);
                let l = platt_loss(rows, next);
                // Armijo: the loss falls by at least a small share of what the step promises.
                if l <= loss - 1e-4 * t * (g.0 * step.0 + g.1 * step.1) {
                    (ab, loss) = (next, l);
                    break;
                }
                t /= 2.0;
            }
            if t < 1e-10 {
                break; // no step lowers the loss: at the minimum to machine precision
            }
        }
        let (a, b) = ab;
        if !(a.is_finite() && b.is_finite()) {
            return Err(Error::Data("calibration did not converge".into()));
        }
        Ok(Platt { scale: a, shift: b })
    }

    /// This scaling, if strictly increasing; `auc` is the held-out logits' AUC, for the error.
    fn increasing(self, auc: impl Fn() -> f64) -> Result<Platt> {
        if self.scale <= 0.0 {
            return Err(Error::Data(format!(
                "calibration fitted a scale of {:.3e} ≤ 0 on the held-out rows (AUC of their logits {:.4}): no increasing \
                 calibration fits them, so the network ranks them no better than chance or its most confident logits are \
                 wrong; train differently, or fit with --no-calibrate",
                self.scale,
                auc()
            )));
        }
        Ok(self)
    }

    /// The calibrated probability of a logit, in `f32` as the folded graph computes it.
    pub fn probability(&self, logit: f32) -> f32 {
        sigmoid(self.scale as f32 * logit + self.shift as f32)
    }

    /// Checks that calibrated probabilities rank `labels` as the raw `logits` do (AUC equal
    /// to [`RANKING_TOLERANCE`]). Platt scaling with a positive scale is strictly increasing,
    /// so only `f32` saturation (distinct logits mapped to the same probability, near 1 from
    /// about `scale·z + shift > 16.6`) can break this; the error says so rather than ship it.
    pub fn check_ranking(&self, logits: &[f32], labels: &[u8]) -> Result<()> {
        let calibrated: Vec<f32> = logits.iter().map(|&z| self.probability(z)).collect();
        check_same_ranking(labels, logits, &calibrated)
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

/// Largest change of AUC that calibration may cause (none in exact arithmetic).
pub const RANKING_TOLERANCE: f64 = 1e-4;

/// Checks that `calibrated` probabilities rank `labels` as the uncalibrated `logits` do.
pub fn check_same_ranking(labels: &[u8], logits: &[f32], calibrated: &[f32]) -> Result<()> {
    let (before, after) = (metrics::auc(labels, logits), metrics::auc(labels, calibrated));
    if (before - after).abs() > RANKING_TOLERANCE || before.is_nan() != after.is_nan() {
        return Err(Error::Data(format!(
            "calibration changed the AUC from {before:.6} to {after:.6}: the calibrated probabilities saturate in float32, \
             so rows the network ranks apart get the same probability; fit with --no-calibrate, or train with fewer epochs"
        )));
    }
    Ok(())
}

/// Read from a bundle's manifest ([`crate::json`]).
impl crate::json::FromJson for Platt {
    fn from_json(v: &crate::json::Json, at: &str) -> crate::json::JsonResult<Self> {
        let mut f = crate::json::Fields::of(v, at)?;
        Ok(Platt { scale: f.req("scale")?, shift: f.req("shift")? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_on_counts_is_fit_on_the_rows_at_bin_middles() {
        use crate::counts::{ScoreCounts, LOGIT_BINS};
        let bins = (0..400usize).map(|i| 12 + (i * 31) % 16);
        let logits: Vec<f32> = bins.clone().map(|b| ScoreCounts::logit(b) as f32).collect();
        let labels: Vec<u8> = bins.enumerate().map(|(i, b)| ((i * 17) % 10 < (b - 10) / 2) as u8).collect();
        let probs: Vec<f32> = logits.iter().map(|&z| sigmoid(z)).collect();
        let (pos, neg) = ScoreCounts::count(&probs, &labels);
        let rows = Platt::fit(&logits, &labels).unwrap();
        let counts = Platt::fit_counts(&ScoreCounts::new(&pos, &neg).unwrap()).unwrap();
        assert!((rows.scale - counts.scale).abs() < 1e-6 && (rows.shift - counts.shift).abs() < 1e-6, "{rows:?} {counts:?}");
        assert!(Platt::fit_counts(&ScoreCounts::new(&pos, &vec![0.0; LOGIT_BINS]).unwrap()).is_err());
    }

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

    /// Overconfident logits (a long-trained network): misranked rows at ±40 or more made the
    /// plain Newton step of the earlier fit diverge and the calibrated model rank no better
    /// than chance. The fit must keep the ranking and shrink the scale.
    #[test]
    fn overconfident_logits_keep_their_ranking() {
        let mut s = 11u64;
        let (mut logits, mut labels) = (vec![], vec![]);
        for i in 0..400 {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let u = (s >> 11) as f64 / (1u64 << 53) as f64;
            let z = (i as f32 - 200.0) / 2.0; // −100 … 100
            logits.push(z);
            labels.push(u8::from(u < 1.0 / (1.0 + (-(z as f64) / 20.0).exp())));
        }
        let c = Platt::fit(&logits, &labels).unwrap();
        assert!(c.scale > 0.0 && c.scale < 0.2, "{c:?}");
        c.check_ranking(&logits, &labels).unwrap();
    }

    #[test]
    fn degenerate_inputs_are_refused_with_a_reason() {
        assert!(Platt::fit(&[0.5; 10], &[0, 1, 0, 1, 0, 1, 0, 1, 0, 1]).unwrap_err().to_string().contains("same logit"));
        assert!(Platt::fit(&[f32::NAN, 1.0], &[0, 1]).unwrap_err().to_string().contains("diverged"));
        // Logits that rank the rows backwards: no increasing calibration exists.
        let logits: Vec<f32> = (0..100).map(|i| i as f32).collect();
        let labels: Vec<u8> = (0..100).map(|i| u8::from(i < 50)).collect();
        assert!(Platt::fit(&logits, &labels).unwrap_err().to_string().contains("≤ 0"));
    }

    #[test]
    fn saturation_that_would_merge_ranks_is_caught() {
        // A scale that maps 20 and 30 both to probability 1.0 in f32 merges a positive and a
        // negative row: the check refuses it.
        let c = Platt { scale: 2.0, shift: 0.0 };
        assert!(c.check_ranking(&[-1.0, 20.0, 30.0], &[0, 0, 1]).is_err());
        assert!(c.check_ranking(&[-1.0, 1.0, 2.0], &[0, 0, 1]).is_ok());
    }

    fn loss_at(logits: &[f32], labels: &[u8], ab: (f64, f64)) -> f64 {
        platt_loss(&smoothed_targets(logits, labels), ab)
    }

    fn noisy_logits(raw: &[(f32, f64)], spread: f32, grid: f32, extremes: usize) -> (Vec<f32>, Vec<u8>) {
        let mut logits: Vec<f32> = raw.iter().map(|&(z, _)| if grid > 0.0 { (z / grid).round() * grid } else { z }).collect();
        for (k, z) in logits.iter_mut().take(extremes).enumerate() {
            *z = if k % 2 == 0 { 1.0e4 } else { -1.0e4 };
        }
        // Ranked by the logit with noise: P(y = 1) = sigmoid(z / spread).
        let labels = logits.iter().zip(raw).map(|(&z, &(_, u))| u8::from(u < 1.0 / (1.0 + (-(z / spread) as f64).exp()))).collect();
        (logits, labels)
    }

    fn both_classes(labels: &[u8]) -> bool {
        labels.contains(&0) && labels.contains(&1)
    }

    /// Distinct logits at least 1e-4 apart (relative): closer ones (3219.2295 and 3219.23, say)
    /// can meet in one f32 probability, which `fit` then refuses (`check_ranking`) rather than
    /// ship; that refusal is `calibration_is_refused_rather_than_wrong`'s case.
    fn well_separated(logits: &[f32]) -> bool {
        let mut z = logits.to_vec();
        z.sort_by(f32::total_cmp);
        z.windows(2).all(|w| w[0] == w[1] || (w[1] - w[0]) as f64 > 1e-4 * (w[0].abs().max(w[1].abs()) as f64).max(1.0))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Logits up to ±1e4, with ties (a coarse grid) and labels drawn from the logits: the fit
        /// converges to the loss minimum with a positive scale, and the calibrated f32
        /// probabilities rank the rows exactly as the logits do.
        #[test]
        fn calibration_never_changes_the_ranking(
            raw in proptest::collection::vec((-1.0e4f32..=1.0e4, 0.0f64..1.0), 20..300),
            spread in 0.5f32..5.0e3,
            grid in proptest::sample::select(vec![0.0f32, 1.0, 100.0, 2500.0]),
            extremes in 0usize..4,
        ) {
            let (logits, labels) = noisy_logits(&raw, spread, grid, extremes);
            proptest::prop_assume!(both_classes(&labels) && metrics::auc(&labels, &logits) > 0.55 && well_separated(&logits));
            let c = Platt::fit(&logits, &labels).unwrap();
            proptest::prop_assert!(c.scale > 0.0 && c.scale.is_finite() && c.shift.is_finite(), "{:?}", c);
            c.check_ranking(&logits, &labels).unwrap();
            let best = loss_at(&logits, &labels, (c.scale, c.shift));
            for (da, db) in [(1e-3, 0.0), (-1e-3, 0.0), (0.0, 1e-3), (0.0, -1e-3)] {
                let near = loss_at(&logits, &labels, (c.scale * (1.0 + da), c.shift + db));
                proptest::prop_assert!(best <= near + 1e-9 * best.abs().max(1.0), "loss {} > {} at ({}, {})", best, near, da, db);
            }
        }

        /// Any logits and labels at all (misranked extremes, one class, all ties): the fit
        /// either refuses with an error or gives a positive, finite scale; and whenever the
        /// ranking check passes, the calibrated AUC equals the logits' AUC.
        #[test]
        fn calibration_is_refused_rather_than_wrong(
            logits in proptest::collection::vec(proptest::sample::select(vec![-1.0e4f32, -50.0, -1.0, 0.0, 0.5, 3.0, 40.0, 1.0e4]), 1..60),
            labels in proptest::collection::vec(0u8..2, 60),
        ) {
            let labels = &labels[..logits.len()];
            if let Ok(c) = Platt::fit(&logits, labels) {
                proptest::prop_assert!(c.scale > 0.0 && c.scale.is_finite() && c.shift.is_finite(), "{:?}", c);
                if c.check_ranking(&logits, labels).is_ok() {
                    let calibrated: Vec<f32> = logits.iter().map(|&z| c.probability(z)).collect();
                    let (a, b) = (metrics::auc(labels, &logits), metrics::auc(labels, &calibrated));
                    proptest::prop_assert!((a - b).abs() <= RANKING_TOLERANCE, "{} vs {}", a, b);
                }
            } else {
                let e = Platt::fit(&logits, labels).unwrap_err().to_string();
                proptest::prop_assert!(["both classes", "same logit", "≤ 0"].iter().any(|m| e.contains(m)), "{}", e);
            }
        }
    }
}
