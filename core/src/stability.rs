//! Population stability: the training score distribution stored in the bundle as a baseline,
//! and the population stability index (PSI) of a later sample against it.

use serde::Serialize;

use crate::error::{Error, Result};

/// Score bins (edges between them) and the training part's share in each.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Baseline {
    /// Interior edges, ascending: bin `i` holds scores in `[edges[i-1], edges[i])`.
    pub edges: Vec<f64>,
    /// Share of training rows per bin (`edges.len() + 1` values summing to 1).
    pub shares: Vec<f64>,
}

/// Bins used for the baseline.
pub const BINS: usize = 10;
/// Floor on a bin's share in the PSI sum (an empty bin would be infinite).
const FLOOR: f64 = 1e-4;

impl Baseline {
    /// Deciles of the training scores (fewer bins where scores tie).
    pub fn fit(scores: &[f64]) -> Result<Baseline> {
        if scores.is_empty() || scores.iter().any(|s| !s.is_finite()) {
            return Err(Error::Data("a stability baseline needs finite scores".into()));
        }
        let mut sorted = scores.to_vec();
        sorted.sort_by(f64::total_cmp);
        let mut edges: Vec<f64> = (1..BINS).map(|b| sorted[b * sorted.len() / BINS]).collect();
        edges.dedup();
        let shares = Self::shares_of(&edges, scores);
        Ok(Baseline { edges, shares })
    }

    /// Deciles of weighted scores (a DP bundle's, from [`crate::counts`]), sorted ascending.
    pub fn fit_weighted(sorted: &[(f64, f64)]) -> Result<Baseline> {
        let total: f64 = sorted.iter().map(|p| p.1).sum();
        let valid = sorted.iter().all(|p| p.0.is_finite() && p.1.is_finite() && p.1 >= 0.0);
        if !valid || total <= 0.0 || !sorted.windows(2).all(|w| w[0].0 <= w[1].0) {
            return Err(Error::Data("a stability baseline needs finite, sorted scores of positive total weight".into()));
        }
        let mut edges: Vec<f64> = (1..BINS).map(|b| crate::counts::weighted_quantile(sorted, b as f64 / BINS as f64)).collect();
        edges.dedup();
        let mut shares = vec![0.0; edges.len() + 1];
        for &(s, w) in sorted {
            shares[edges.partition_point(|&e| e <= s)] += w / total;
        }
        Ok(Baseline { edges, shares })
    }

    fn shares_of(edges: &[f64], scores: &[f64]) -> Vec<f64> {
        let mut counts = vec![0usize; edges.len() + 1];
        for &s in scores {
            counts[edges.partition_point(|&e| e <= s)] += 1;
        }
        counts.iter().map(|&c| c as f64 / scores.len().max(1) as f64).collect()
    }

    /// Checks the baseline is usable (sorted edges, shares that sum to 1).
    pub fn check(&self) -> Result<()> {
        let sorted = self.edges.windows(2).all(|w| w[0] < w[1]);
        let sum: f64 = self.shares.iter().sum();
        if !sorted || self.shares.len() != self.edges.len() + 1 || (sum - 1.0).abs() > 1e-6 {
            return Err(Error::Bundle("stability baseline: edges must ascend and shares sum to 1".into()));
        }
        Ok(())
    }

    /// The PSI of `scores` against the baseline: Σ (a − e)·ln(a / e) over the bins.
    pub fn psi(&self, scores: &[f64]) -> f64 {
        Self::shares_of(&self.edges, scores)
            .iter()
            .zip(&self.shares)
            .map(|(&a, &e)| {
                let (a, e) = (a.max(FLOOR), e.max(FLOOR));
                (a - e) * (a / e).ln()
            })
            .sum()
    }
}

/// The usual reading of a PSI: below 0.10 stable, 0.10–0.25 some shift, from 0.25 a major shift.
pub fn psi_band(psi: f64) -> &'static str {
    if psi < 0.10 {
        "stable (< 0.10)"
    } else if psi < 0.25 {
        "some shift (0.10–0.25): investigate"
    } else {
        "major shift (≥ 0.25): the model may no longer fit this population"
    }
}

/// Read from a bundle's manifest ([`crate::json`]).
impl crate::json::FromJson for Baseline {
    fn from_json(v: &crate::json::Json, at: &str) -> crate::json::JsonResult<Self> {
        let mut f = crate::json::Fields::of(v, at)?;
        Ok(Baseline { edges: f.req("edges")?, shares: f.req("shares")? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_baseline_is_the_baseline_of_the_repeated_scores() {
        let scores: Vec<f64> = (0..100).map(|i| (i / 4) as f64).collect();
        let weighted: Vec<(f64, f64)> = (0..25).map(|i| (i as f64, 4.0)).collect();
        let (a, b) = (Baseline::fit(&scores).unwrap(), Baseline::fit_weighted(&weighted).unwrap());
        assert_eq!(a.edges, b.edges);
        assert!(a.shares.iter().zip(&b.shares).all(|(x, y)| (x - y).abs() < 1e-12));
        b.check().unwrap();
        assert!(Baseline::fit_weighted(&[(1.0, 0.0)]).is_err());
    }

    #[test]
    fn psi_on_hand_computed_cases() {
        let b = Baseline { edges: vec![500.0], shares: vec![0.5, 0.5] };
        assert_eq!(b.psi(&[400.0, 600.0]), 0.0);
        // 3/4 below, 1/4 above: (0.75 − 0.5)·ln(1.5) + (0.25 − 0.5)·ln(0.5).
        let want = 0.25 * 1.5f64.ln() - 0.25 * 0.5f64.ln();
        assert!((b.psi(&[1.0, 2.0, 3.0, 900.0]) - want).abs() < 1e-12);
        assert_eq!(psi_band(0.05), "stable (< 0.10)");
        assert!(psi_band(0.3).starts_with("major"));
        let fitted = Baseline::fit(&(0..1000).map(f64::from).collect::<Vec<_>>()).unwrap();
        assert_eq!(fitted.shares.len(), 10);
        assert!(fitted.shares.iter().all(|&s| (s - 0.1).abs() < 1e-9));
        fitted.check().unwrap();
    }
}
