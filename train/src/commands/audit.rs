//! `audit`: what a bundle's probabilities reveal about which rows it was trained on. A
//! membership-inference attack with the loss threshold (Yeom et al., 2018): the model is more
//! confident on rows it was trained on, so an attacker who holds a row and its label guesses
//! "member" when the model's loss on it is low. The attack's AUC (0.5: it learns nothing) and
//! its advantage (the largest true-positive minus false-positive rate over thresholds) are
//! measured on the bundle's own split: its training rows against its test rows.

use std::path::Path;

use advisor_core::bundle::Bundle;
use advisor_core::metrics;

use crate::bundle_dir;
use crate::error::Result;

/// A membership attack's figures.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Attack {
    /// The attack's AUC at telling members from non-members (0.5 = no better than a guess).
    pub auc: f64,
    /// The largest TPR − FPR over thresholds (0 = no better than a guess).
    pub advantage: f64,
    pub members: usize,
    pub non_members: usize,
}

/// Attack AUC from which a bundle tells its training rows apart ([`Attack::memorised`]).
pub const MEMORISED_AUC: f64 = 0.6;
/// Standard deviations of a chance AUC it must also stand above 0.5 (one-sided p < 0.001).
const MEMORISED_Z: f64 = 3.1;

impl Attack {
    /// Whether the attack clearly tells members from non-members: an AUC of at least
    /// [`MEMORISED_AUC`], and beyond what chance gives with these counts (when nothing is
    /// learned a rank-sum AUC has standard deviation √((m + n + 1) / (12 m n))): a small test
    /// part's advantage alone moves by chance (Australian credit's 138 test rows: 0.11).
    pub fn memorised(&self) -> bool {
        let (m, n) = (self.members as f64, self.non_members as f64);
        if m == 0.0 || n == 0.0 {
            return false;
        }
        let sd = ((m + n + 1.0) / (12.0 * m * n)).sqrt();
        self.auc >= MEMORISED_AUC && (self.auc - 0.5) / sd > MEMORISED_Z
    }
}

/// Lowest probability a loss is taken of (a probability of 0 is an infinite loss).
const MIN_PROBABILITY: f32 = 1e-7;

/// The loss-threshold attack: each row's score is the log-probability the model gives its own
/// label; members are `(probability, label)` pairs of training rows, non-members of held-out rows.
pub fn loss_attack(members: &[(f32, u8)], non_members: &[(f32, u8)]) -> Attack {
    let score = |&(p, y): &(f32, u8)| (if y == 1 { p } else { 1.0 - p }).max(MIN_PROBABILITY).ln();
    let scores: Vec<f32> = members.iter().chain(non_members).map(score).collect();
    let labels: Vec<u8> = members.iter().map(|_| 1).chain(non_members.iter().map(|_| 0)).collect();
    let advantage = metrics::roc(&labels, &scores).iter().map(|&(fpr, tpr)| tpr - fpr).fold(0.0, f64::max);
    Attack { auc: metrics::auc(&labels, &scores), advantage, members: members.len(), non_members: non_members.len() }
}

/// The attack on `bundle` over `probs` (every row of its training file) and `labels`: its
/// training rows (the fit rows, and the validation rows when the model was refitted on them)
/// against its test rows.
pub fn on_split(bundle: &Bundle, probs: &[f32], labels: &[u8], parts: &crate::split::Parts) -> Result<Attack> {
    let refit = bundle.manifest().training()?.refit;
    let trained_on = if refit { &parts.train } else { &parts.fit };
    let pairs = |idx: &[usize]| idx.iter().map(|&i| (probs[i], labels[i])).collect::<Vec<_>>();
    Ok(loss_attack(&pairs(trained_on), &pairs(&parts.test)))
}

/// Runs the attack on the bundle in `model` with its labelled training file `data`.
pub fn audit(model: &Path, spec: &Path, data: &Path) -> Result<Attack> {
    let bundle = bundle_dir::load(model)?;
    let (_, ds, parts) = super::split::bundle_split(&bundle, spec, data)?;
    let probs = bundle.predict(&ds.raw)?;
    on_split(&bundle, &probs, &ds.labels, &parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memorised_needs_an_auc_of_point_six_beyond_chance() {
        let attack = |auc, members, non_members| Attack { auc, advantage: 0.0, members, non_members };
        // small_wide (BENCHMARKS.md): 400 training rows against 100 test rows, AUC 0.649.
        assert!(attack(0.649, 400, 100).memorised());
        // Australian credit: 0.5516 (below 0.6); 0.62 on 30 test rows is within chance (z 2.2).
        assert!(!attack(0.5516, 552, 138).memorised());
        assert!(!attack(0.62, 300, 30).memorised());
        assert!(!attack(0.9, 10, 0).memorised());
    }

    #[test]
    fn an_attack_learns_nothing_from_a_model_equally_sure_of_all_rows_and_much_from_a_memoriser() {
        let rows: Vec<(f32, u8)> = (0..200).map(|i| (if i % 2 == 0 { 0.7 } else { 0.3 }, (i % 2 == 0) as u8)).collect();
        let a = loss_attack(&rows, &rows);
        assert!((a.auc - 0.5).abs() < 1e-9 && a.advantage.abs() < 1e-9, "{a:?}");
        let sure: Vec<(f32, u8)> = rows.iter().map(|&(_, y)| (if y == 1 { 0.99 } else { 0.01 }, y)).collect();
        let a = loss_attack(&sure, &rows);
        assert!((a.auc - 1.0).abs() < 1e-9 && (a.advantage - 1.0).abs() < 1e-9, "{a:?}");
        assert_eq!((a.members, a.non_members), (200, 200));
    }
}
