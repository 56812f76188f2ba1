//! From probability to score, band and decision.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::schema::Text;

/// Points-to-double-odds scaling: `score = offset + factor · ln(good:bad odds)`, with
/// `base_points` at `base_odds` and `pdo` more points each time the odds double.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scaling {
    pub base_points: f64,
    pub base_odds: f64,
    pub pdo: f64,
    /// Scores are clamped to `[min, max]`.
    pub min: f64,
    pub max: f64,
}

impl Default for Scaling {
    fn default() -> Self {
        Self { base_points: 600.0, base_odds: 50.0, pdo: 20.0, min: 300.0, max: 850.0 }
    }
}

impl Scaling {
    pub fn check(&self) -> Result<()> {
        let ok = [self.base_points, self.base_odds, self.pdo, self.min, self.max].iter().all(|v| v.is_finite())
            && self.base_odds > 0.0
            && self.pdo > 0.0
            && self.min < self.max;
        if ok {
            Ok(())
        } else {
            Err(Error::Bundle(format!("scaling {self:?} is not usable")))
        }
    }
    /// Points per unit of log-odds.
    pub fn factor(&self) -> f64 {
        self.pdo / std::f64::consts::LN_2
    }
    /// The score of a probability of the positive (bad) class; monotone decreasing in `p`.
    pub fn score(&self, p: f64) -> f64 {
        let p = p.clamp(1e-12, 1.0 - 1e-12);
        let offset = self.base_points - self.factor() * self.base_odds.ln();
        (offset + self.factor() * ((1.0 - p) / p).ln()).clamp(self.min, self.max)
    }
    /// Score points between two probabilities, unclamped: how many points moving from `p_from`
    /// to `p_to` gains (positive when `p_to` is the lower risk).
    pub fn points_between(&self, p_from: f64, p_to: f64) -> f64 {
        let lo = |p: f64| {
            let p = p.clamp(1e-12, 1.0 - 1e-12);
            ((1.0 - p) / p).ln()
        };
        self.factor() * (lo(p_to) - lo(p_from))
    }
    /// The probability at which the unclamped score equals `score`.
    pub fn probability(&self, score: f64) -> f64 {
        let offset = self.base_points - self.factor() * self.base_odds.ln();
        1.0 / (1.0 + ((score - offset) / self.factor()).exp())
    }
}

/// A risk band: applicants scoring at least `min_score` (and less than the band above).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    pub name: String,
    pub display: Text,
    pub min_score: f64,
}

/// The decision for an applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Approve,
    Refer,
    Decline,
}

impl Decision {
    /// Every decision, best first (the order of [`Decision::index`]).
    pub const ALL: [Decision; 3] = [Decision::Approve, Decision::Refer, Decision::Decline];

    /// The decision's position in [`Decision::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The decision's id, as serialised (`approve`, `refer`, `decline`).
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Refer => "refer",
            Decision::Decline => "decline",
        }
    }
}

/// Bands (best first) and decision cutoffs, in score points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cutoffs {
    pub bands: Vec<Band>,
    /// Scores at or above this are approved.
    pub approve_min_score: f64,
    /// Scores at or above this (and below approve) are referred to a person; below, declined.
    pub refer_min_score: f64,
}

impl Cutoffs {
    pub fn check(&self) -> Result<()> {
        let sorted = self.bands.windows(2).all(|w| w[0].min_score > w[1].min_score);
        if self.bands.is_empty() || !sorted || self.refer_min_score > self.approve_min_score {
            return Err(Error::Bundle("cutoffs: bands must be non-empty, best first, and refer ≤ approve".into()));
        }
        Ok(())
    }
    /// The band a score falls in (the lowest band catches everything below).
    pub fn band(&self, score: f64) -> &Band {
        &self.bands[self.band_index(score)]
    }
    /// The position in `bands` of the band a score falls in.
    pub fn band_index(&self, score: f64) -> usize {
        self.bands.iter().position(|b| score >= b.min_score).unwrap_or(self.bands.len() - 1)
    }
    pub fn decision(&self, score: f64) -> Decision {
        if score >= self.approve_min_score {
            Decision::Approve
        } else if score >= self.refer_min_score {
            Decision::Refer
        } else {
            Decision::Decline
        }
    }
}

/// Reading scaling and cutoffs from a bundle's manifest ([`crate::json`]).
mod from_json {
    use super::*;
    use crate::json::{Fields, FromJson, Json, JsonResult};

    impl FromJson for Scaling {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            let mut f = Fields::of(v, at)?;
            Ok(Scaling {
                base_points: f.req("base_points")?,
                base_odds: f.req("base_odds")?,
                pdo: f.req("pdo")?,
                min: f.req("min")?,
                max: f.req("max")?,
            })
        }
    }

    impl FromJson for Band {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            let mut f = Fields::of(v, at)?;
            Ok(Band { name: f.req("name")?, display: f.req("display")?, min_score: f.req("min_score")? })
        }
    }

    impl FromJson for Cutoffs {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            let mut f = Fields::of(v, at)?;
            Ok(Cutoffs {
                bands: f.req("bands")?,
                approve_min_score: f.req("approve_min_score")?,
                refer_min_score: f.req("refer_min_score")?,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdo_scaling_hits_its_anchor_points() {
        let s = Scaling::default();
        let p_at = |odds: f64| 1.0 / (1.0 + odds);
        assert!((s.score(p_at(50.0)) - 600.0).abs() < 1e-9);
        assert!((s.score(p_at(100.0)) - 620.0).abs() < 1e-9);
        assert!((s.probability(620.0) - p_at(100.0)).abs() < 1e-12);
        assert!(s.score(0.9) < s.score(0.1));
        assert_eq!(s.score(1.0), s.min);
    }
}
