//! Binary-classification metrics: AUC, KS, Gini, Brier, log loss, accuracy, expected
//! calibration error; and the curves a model report draws (ROC, reliability).

use crate::counts::ScoreCounts;
use serde::{Deserialize, Serialize};

/// The metrics reported for one data part.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub rows: usize,
    pub positives: usize,
    pub auc: f64,
    pub ks: f64,
    pub gini: f64,
    pub brier: f64,
    pub log_loss: f64,
    /// Accuracy when predicting positive at `p >= threshold`.
    pub accuracy: f64,
    pub threshold: f64,
    /// Expected calibration error over [`ECE_BINS`] equal-width probability bins.
    pub ece: f64,
}

/// Bins of the expected calibration error.
pub const ECE_BINS: usize = 10;

/// One bin of a reliability diagram.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReliabilityBin {
    pub lo: f64,
    pub hi: f64,
    pub count: usize,
    /// Mean predicted probability in the bin.
    pub mean_predicted: f64,
    /// Observed positive rate in the bin.
    pub observed: f64,
}

/// Equal-width probability bins: count, mean prediction and observed rate of each.
pub fn reliability(labels: &[u8], probs: &[f32], bins: usize) -> Vec<ReliabilityBin> {
    let bins = bins.max(1);
    let mut acc = vec![(0usize, 0.0f64, 0.0f64); bins];
    for (&y, &p) in labels.iter().zip(probs) {
        let b = ((p as f64 * bins as f64) as usize).min(bins - 1);
        acc[b].0 += 1;
        acc[b].1 += p as f64;
        acc[b].2 += y as f64;
    }
    acc.iter()
        .enumerate()
        .map(|(i, &(n, sp, sy))| ReliabilityBin {
            lo: i as f64 / bins as f64,
            hi: (i + 1) as f64 / bins as f64,
            count: n,
            mean_predicted: if n > 0 { sp / n as f64 } else { f64::NAN },
            observed: if n > 0 { sy / n as f64 } else { f64::NAN },
        })
        .collect()
}

/// Expected calibration error: the count-weighted mean |observed − predicted| over the bins.
pub fn ece(labels: &[u8], probs: &[f32], bins: usize) -> f64 {
    let n = labels.len().max(1) as f64;
    reliability(labels, probs, bins)
        .iter()
        .filter(|b| b.count > 0)
        .map(|b| b.count as f64 / n * (b.observed - b.mean_predicted).abs())
        .sum()
}

/// ROC curve points (false positive rate, true positive rate), from (0, 0) to (1, 1), one
/// point per distinct probability (highest first).
pub fn roc(labels: &[u8], probs: &[f32]) -> Vec<(f64, f64)> {
    let mut idx = order(probs);
    idx.reverse();
    let pos = labels.iter().filter(|&&y| y == 1).count().max(1) as f64;
    let neg = (labels.len() as f64 - labels.iter().filter(|&&y| y == 1).count() as f64).max(1.0);
    let (mut tp, mut fp) = (0.0, 0.0);
    let mut out = vec![(0.0, 0.0)];
    let mut i = 0;
    while i < idx.len() {
        let v = probs[idx[i]];
        while i < idx.len() && probs[idx[i]] == v {
            if labels[idx[i]] == 1 {
                tp += 1.0
            } else {
                fp += 1.0
            }
            i += 1;
        }
        out.push((fp / neg, tp / pos));
    }
    out
}

impl Metrics {
    /// Computes every metric. `labels` are 0/1; `probs` are for the positive class.
    pub fn compute(labels: &[u8], probs: &[f32], threshold: f64) -> Metrics {
        assert_eq!(labels.len(), probs.len());
        let n = labels.len();
        let auc = auc(labels, probs);
        let mut brier = 0.0;
        let mut ll = 0.0;
        let mut correct = 0usize;
        for (&y, &p) in labels.iter().zip(probs) {
            let (y, p) = (y as f64, p as f64);
            brier += (p - y).powi(2);
            let pc = p.clamp(1e-15, 1.0 - 1e-15);
            ll -= y * pc.ln() + (1.0 - y) * (1.0 - pc).ln();
            correct += ((p >= threshold) == (y == 1.0)) as usize;
        }
        let nf = n.max(1) as f64;
        Metrics {
            rows: n,
            positives: labels.iter().filter(|&&y| y == 1).count(),
            auc,
            ks: ks(labels, probs),
            gini: 2.0 * auc - 1.0,
            brier: brier / nf,
            log_loss: ll / nf,
            accuracy: correct as f64 / nf,
            threshold,
            ece: ece(labels, probs, ECE_BINS),
        }
    }
}

impl Metrics {
    /// Every metric from score counts (a DP bundle's: [`crate::counts`]), each bin's rows
    /// taken at the bin's middle: ties within a bin count half in the AUC, as equal scores do.
    /// Where noise has left a class no weight, no ranking is measured: AUC 0.5 and KS 0.
    pub fn from_counts(counts: &ScoreCounts, threshold: f64) -> Metrics {
        let (pos, neg) = counts.totals();
        let n = (pos + neg).max(f64::MIN_POSITIVE);
        let (mut below_neg, mut auc, mut cp, mut cn, mut ks) = (0.0, 0.0, 0.0, 0.0, 0.0f64);
        let (mut brier, mut ll, mut correct) = (0.0, 0.0, 0.0);
        let mut calib = vec![(0.0f64, 0.0f64, 0.0f64); ECE_BINS];
        for (z, wp, wn) in counts.points() {
            let p = crate::network::sigmoid(z as f32) as f64;
            auc += wp * (below_neg + wn / 2.0);
            below_neg += wn;
            (cp, cn) = (cp + wp, cn + wn);
            ks = ks.max((cn / neg - cp / pos).abs());
            brier += wp * (1.0 - p).powi(2) + wn * p * p;
            let pc = p.clamp(1e-15, 1.0 - 1e-15);
            ll -= wp * pc.ln() + wn * (1.0 - pc).ln();
            correct += if p >= threshold { wp } else { wn };
            let b = &mut calib[((p * ECE_BINS as f64) as usize).min(ECE_BINS - 1)];
            *b = (b.0 + wp + wn, b.1 + p * (wp + wn), b.2 + wp);
        }
        let ranked = pos > 0.0 && neg > 0.0;
        let auc = if ranked { auc / (pos * neg) } else { 0.5 };
        let ece = calib.iter().filter(|b| b.0 > 0.0).map(|b| b.0 / n * (b.2 / b.0 - b.1 / b.0).abs()).sum();
        Metrics {
            rows: (pos + neg).round() as usize,
            positives: pos.round() as usize,
            auc,
            ks: if ranked { ks } else { 0.0 },
            gini: 2.0 * auc - 1.0,
            brier: brier / n,
            log_loss: ll / n,
            accuracy: correct / n,
            threshold,
            ece,
        }
    }
}

/// Indices sorted by probability, ascending (NaN last, which no caller should pass).
fn order(probs: &[f32]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..probs.len()).collect();
    idx.sort_by(|&a, &b| probs[a].total_cmp(&probs[b]));
    idx
}

/// Area under the ROC curve by the rank statistic (Mann–Whitney U), ties counted half.
pub fn auc(labels: &[u8], probs: &[f32]) -> f64 {
    // Mid-ranks are whole or halves: their sum is exact in any order.
    let rank_sum: f64 = midranks(probs).iter().zip(labels).filter(|(_, &y)| y == 1).map(|(r, _)| r).sum();
    let pos = labels.iter().filter(|&&y| y == 1).count() as f64;
    let neg = labels.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return f64::NAN;
    }
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

/// Mid-ranks (1-based, ties averaged) of `scores`.
fn midranks(scores: &[f32]) -> Vec<f64> {
    let idx = order(scores);
    let mut ranks = vec![0.0; scores.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        for &k in &idx[i..=j] {
            ranks[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    ranks
}

/// Sample variance (n − 1 in the denominator).
fn variance(v: &[f64]) -> f64 {
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (v.len() as f64 - 1.0)
}

/// The 95 % interval of the AUC by DeLong's variance (DeLong, DeLong & Clarke-Pearson 1988),
/// computed from mid-ranks as Sun & Xu (2014) do: each positive's share of negatives ranked
/// below it and each negative's share of positives ranked above it, their variances over the
/// two classes, the normal interval clipped to 0–1. `None` with fewer than two rows of a class.
/// It says how far the luck of which rows fell in a test part can move the AUC (on German
/// credit's 200 test rows, about ±0.06).
pub fn auc_interval(labels: &[u8], probs: &[f32]) -> Option<(f64, f64)> {
    // Positive is 1, anything else negative (as everywhere in this module).
    let split = |positive: bool| -> Vec<f32> { labels.iter().zip(probs).filter(|(&y, _)| (y == 1) == positive).map(|(_, &p)| p).collect() };
    let (pos, neg) = (split(true), split(false));
    let (m, n) = (pos.len() as f64, neg.len() as f64);
    if pos.len() < 2 || neg.len() < 2 {
        return None;
    }
    let all = midranks(probs);
    let (within_pos, within_neg) = (midranks(&pos), midranks(&neg));
    let (mut v10, mut v01) = (Vec::with_capacity(pos.len()), Vec::with_capacity(neg.len()));
    let (mut ip, mut ineg) = (0, 0);
    for (k, &y) in labels.iter().enumerate() {
        if y == 1 {
            v10.push((all[k] - within_pos[ip]) / n);
            ip += 1;
        } else {
            v01.push(1.0 - (all[k] - within_neg[ineg]) / m);
            ineg += 1;
        }
    }
    let a = v10.iter().sum::<f64>() / m;
    let half = 1.959964 * (variance(&v10) / m + variance(&v01) / n).sqrt();
    Some(((a - half).max(0.0), (a + half).min(1.0)))
}

/// Kolmogorov–Smirnov statistic: the largest gap between the classes' score CDFs.
pub fn ks(labels: &[u8], probs: &[f32]) -> f64 {
    let idx = order(probs);
    let pos = labels.iter().filter(|&&y| y == 1).count() as f64;
    let neg = labels.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return f64::NAN;
    }
    let (mut cp, mut cn, mut best, mut i) = (0.0, 0.0, 0.0f64, 0);
    while i < idx.len() {
        let v = probs[idx[i]];
        while i < idx.len() && probs[idx[i]] == v {
            if labels[idx[i]] == 1 {
                cp += 1.0
            } else {
                cn += 1.0
            }
            i += 1;
        }
        best = best.max((cn / neg - cp / pos).abs());
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_from_counts_match_the_rows_when_rows_sit_at_bin_middles() {
        use crate::counts::ScoreCounts;
        let bins = (0..300usize).map(|i| 10 + (i * 37) % 20);
        let probs: Vec<f32> = bins.clone().map(|b| crate::network::sigmoid(ScoreCounts::logit(b) as f32)).collect();
        let labels: Vec<u8> = bins.enumerate().map(|(i, b)| ((i * 13) % 7 < 2 + b / 12) as u8).collect();
        let (pos, neg) = ScoreCounts::count(&probs, &labels);
        let exact = Metrics::compute(&labels, &probs, 0.4);
        let binned = Metrics::from_counts(&ScoreCounts::new(&pos, &neg).unwrap(), 0.4);
        assert_eq!((binned.rows, binned.positives), (exact.rows, exact.positives));
        for (a, b) in [
            (binned.auc, exact.auc),
            (binned.ks, exact.ks),
            (binned.brier, exact.brier),
            (binned.log_loss, exact.log_loss),
            (binned.accuracy, exact.accuracy),
            (binned.ece, exact.ece),
        ] {
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
    }

    /// A seeded stream of uniform numbers in (0, 1) (no `rand` in core).
    fn uniforms(seed: u64) -> impl FnMut() -> f64 {
        let mut s = seed;
        move || {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        }
    }

    /// DeLong's variance the long way: ψ over every (positive, negative) pair.
    fn delong_by_pairs(labels: &[u8], probs: &[f32]) -> (f64, f64) {
        let pos: Vec<f32> = labels.iter().zip(probs).filter(|p| *p.0 == 1).map(|p| *p.1).collect();
        let neg: Vec<f32> = labels.iter().zip(probs).filter(|p| *p.0 == 0).map(|p| *p.1).collect();
        let psi = |x: f32, y: f32| {
            if x > y {
                1.0
            } else if x == y {
                0.5
            } else {
                0.0
            }
        };
        let v10: Vec<f64> = pos.iter().map(|&x| neg.iter().map(|&y| psi(x, y)).sum::<f64>() / neg.len() as f64).collect();
        let v01: Vec<f64> = neg.iter().map(|&y| pos.iter().map(|&x| psi(x, y)).sum::<f64>() / pos.len() as f64).collect();
        let a = v10.iter().sum::<f64>() / v10.len() as f64;
        (a, variance(&v10) / pos.len() as f64 + variance(&v01) / neg.len() as f64)
    }

    #[test]
    fn the_auc_interval_is_delongs() {
        // Scores on a coarse grid, so that ties occur within and across the classes.
        let mut u = uniforms(11);
        let labels: Vec<u8> = (0..300).map(|_| u8::from(u() < 0.3)).collect();
        let probs: Vec<f32> = labels.iter().map(|&y| ((u() + 0.3 * y as f64) * 20.0).floor() as f32 / 20.0).collect();
        let (a, var) = delong_by_pairs(&labels, &probs);
        assert!((a - auc(&labels, &probs)).abs() < 1e-12);
        let (lo, hi) = auc_interval(&labels, &probs).unwrap();
        assert!(((lo + hi) / 2.0 - a).abs() < 1e-12 && ((hi - lo) / 2.0 - 1.959964 * var.sqrt()).abs() < 1e-12, "{lo} {hi} {a} {var}");
        assert_eq!(auc_interval(&[1, 0, 0], &[0.9, 0.1, 0.2]), None);
        assert_eq!(auc_interval(&[1, 1, 0, 0], &[0.9, 0.8, 0.1, 0.2]), Some((1.0, 1.0)));
    }

    #[test]
    fn the_auc_interval_covers_the_true_auc_nineteen_times_in_twenty() {
        // Positives' scores N(1, 1), negatives' N(0, 1): the AUC is Φ(1/√2) = 0.760250.
        let mut u = uniforms(5);
        let mut normal = move || (-2.0 * u().ln()).sqrt() * (2.0 * std::f64::consts::PI * u()).cos();
        let (mut covered, trials) = (0, 1000);
        for _ in 0..trials {
            let labels: Vec<u8> = (0..120).map(|i| u8::from(i < 40)).collect();
            let probs: Vec<f32> = labels.iter().map(|&y| (normal() + f64::from(y)) as f32).collect();
            let (lo, hi) = auc_interval(&labels, &probs).unwrap();
            covered += usize::from(lo <= 0.760250 && 0.760250 <= hi);
        }
        let share = covered as f64 / trials as f64;
        assert!((0.93..=0.97).contains(&share), "covered {share}");
    }

    #[test]
    fn auc_and_ks_on_hand_computed_cases() {
        // Pairs (pos, neg): (0.8,0.1) (0.8,0.4) (0.35,0.1) (0.35,0.4) → 3 of 4 ordered right.
        let y = [0, 0, 1, 1];
        let p = [0.1, 0.4, 0.35, 0.8];
        assert!((auc(&y, &p) - 0.75).abs() < 1e-12);
        assert!((ks(&y, &p) - 0.5).abs() < 1e-12);
        // A tie between classes counts one half.
        assert!((auc(&[0, 1], &[0.5, 0.5]) - 0.5).abs() < 1e-12);
        assert!((auc(&[0, 1], &[0.2, 0.7]) - 1.0).abs() < 1e-12);
        assert!(auc(&[1, 1], &[0.2, 0.7]).is_nan());
    }

    #[test]
    fn ece_and_roc_on_hand_computed_cases() {
        // Bin [0.1, 0.2): p 0.15, 0.15, observed 1 of 2 → |0.5 − 0.15| × 2/4;
        // bin [0.9, 1.0]: p 0.95, 1.0, observed 2 of 2 → |1 − 0.975| × 2/4.
        let y = [0, 1, 1, 1];
        let p = [0.15, 0.15, 0.95, 1.0];
        let want = 0.5 * 0.35 + 0.5 * 0.025;
        assert!((ece(&y, &p, 10) - want).abs() < 1e-6, "{}", ece(&y, &p, 10));
        assert_eq!(roc(&[0, 1], &[0.2, 0.7]), vec![(0.0, 0.0), (0.0, 1.0), (1.0, 1.0)]);
        let bins = reliability(&y, &p, 10);
        assert_eq!(bins.iter().map(|b| b.count).sum::<usize>(), 4);
    }

    #[test]
    fn brier_log_loss_accuracy() {
        let m = Metrics::compute(&[0, 1], &[0.25, 0.5], 0.5);
        assert!((m.brier - (0.0625 + 0.25) / 2.0).abs() < 1e-12);
        assert!((m.log_loss - (-(0.75f64.ln()) - 0.5f64.ln()) / 2.0).abs() < 1e-12);
        assert_eq!(m.accuracy, 1.0);
        assert!((m.gini - 1.0).abs() < 1e-12);
    }
}
