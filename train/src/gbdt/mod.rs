//! Gradient-boosted trees for binary log-loss (`fit --model gbdt`): histogram boosting on
//! binned features with native missing values (each split learns where they go), categorical
//! subset splits, shrinkage, row and column subsampling, L2, a minimum hessian and row count per
//! leaf, monotone constraints from the spec, and early stopping on the validation log loss.
//! Deterministic: the same data, settings and seed give the same trees, byte for byte.
//!
//! Written here rather than taken from a crate: forust-ml has no categorical features and
//! perpetual sets its own learning rate and subsampling; the trees must also split exactly where
//! the exported graph compares (f32 thresholds, `BRANCH_LEQ` / `BRANCH_EQ`), which owning the
//! binning guarantees ([`bins`]).

pub mod bins;
pub mod export;
pub mod grow;

use advisor_core::metrics;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use bins::{Binned, Cuts};
use grow::{Grower, Tree};

/// Boosting settings; check them with [`GbdtParams::check`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GbdtParams {
    /// Most trees (early stopping usually ends sooner).
    pub rounds: usize,
    pub learning_rate: f64,
    pub max_leaves: usize,
    /// 0 = no limit (growth is bounded by `max_leaves`).
    pub max_depth: usize,
    /// Fewest training rows in a leaf.
    pub min_rows: usize,
    /// Smallest hessian sum in a leaf.
    pub min_hessian: f64,
    pub l2: f64,
    pub min_gain: f64,
    /// Share of rows each tree is fitted on.
    pub subsample: f64,
    /// Share of features each tree may split on.
    pub colsample: f64,
    /// Most bins of a numeric feature.
    pub max_bins: usize,
    pub cat_smooth: f64,
    pub max_cat_subset: usize,
    /// Stop after this many trees without a lower validation log loss.
    pub patience: usize,
    pub seed: u64,
}

impl Default for GbdtParams {
    fn default() -> Self {
        Self {
            rounds: 2000,
            learning_rate: 0.05,
            max_leaves: 31,
            max_depth: 0,
            min_rows: 50,
            min_hessian: 1e-3,
            l2: 1.0,
            min_gain: 0.0,
            subsample: 0.8,
            colsample: 0.8,
            max_bins: 255,
            cat_smooth: 10.0,
            max_cat_subset: 32,
            patience: 100,
            seed: 42,
        }
    }
}

/// Checked [`GbdtParams`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValidGbdtParams(GbdtParams);

impl GbdtParams {
    pub fn check(self) -> Result<ValidGbdtParams> {
        let bad = |m: String| Err(Error::Usage(m));
        let share = |v: f64| v > 0.0 && v <= 1.0;
        if self.rounds == 0 || self.rounds > 100_000 {
            return bad(format!("--rounds {} is not in 1..=100000", self.rounds));
        }
        if !(self.learning_rate > 0.0 && self.learning_rate <= 1.0) {
            return bad(format!("--shrinkage {} is not in (0, 1]", self.learning_rate));
        }
        if !(2..=4096).contains(&self.max_leaves) {
            return bad(format!("--max-leaves {} is not in 2..=4096", self.max_leaves));
        }
        if self.min_rows == 0 {
            return bad("--min-rows must be at least 1".into());
        }
        for (name, v) in
            [("--min-hessian", self.min_hessian), ("--l2", self.l2), ("--min-gain", self.min_gain), ("--cat-smooth", self.cat_smooth)]
        {
            if !(v >= 0.0 && v.is_finite()) {
                return bad(format!("{name} {v} must be a finite number ≥ 0"));
            }
        }
        if !share(self.subsample) || !share(self.colsample) {
            return bad(format!("--subsample {} and --colsample {} must be in (0, 1]", self.subsample, self.colsample));
        }
        if !(2..bins::MAX_BINS).contains(&self.max_bins) {
            return bad(format!("--max-bins {} is not in 2..={}", self.max_bins, bins::MAX_BINS - 1));
        }
        if self.max_cat_subset == 0 || self.patience == 0 {
            return bad("--max-cat-subset and --tree-patience must be at least 1".into());
        }
        Ok(ValidGbdtParams(self))
    }
}

impl ValidGbdtParams {
    pub fn get(&self) -> &GbdtParams {
        &self.0
    }
}

/// A boosted ensemble: `logit = base + Σ trees`.
#[derive(Debug, Clone, PartialEq)]
pub struct Booster {
    pub base: f64,
    pub trees: Vec<Tree>,
    pub cuts: Vec<Cuts>,
}

impl Booster {
    /// Logits of the rows of `binned` (binned with `self.cuts`).
    pub fn logits(&self, binned: &Binned) -> Vec<f64> {
        let mut f = vec![self.base; binned.rows];
        for t in &self.trees {
            add_tree(t, binned, &self.cuts, &mut f);
        }
        f
    }
}

impl Booster {
    /// Makes the logit `scale · logit + shift` (Platt scaling folded into the leaves).
    pub fn scale(&mut self, scale: f64, shift: f64) {
        self.base = self.base * scale + shift;
        for t in &mut self.trees {
            for n in &mut t.nodes {
                if let grow::Node::Leaf { value } = n {
                    *value *= scale;
                }
            }
        }
    }
}

fn add_tree(t: &Tree, binned: &Binned, cuts: &[Cuts], f: &mut [f64]) {
    for (r, v) in f.iter_mut().enumerate() {
        *v += t.value(binned, cuts, r);
    }
}

/// One round's figures.
#[derive(Debug, Clone, Copy)]
pub struct Round {
    pub round: usize,
    pub val_auc: f64,
    pub val_log_loss: f64,
    pub leaves: usize,
}

/// What training produced.
pub struct Boosted {
    pub booster: Booster,
    /// Trees kept: the round with the lowest validation log loss (all of them without
    /// validation).
    pub best_rounds: usize,
    pub rounds_run: usize,
}

/// The training rows (binned) and labels, and the validation rows when rounds are chosen on
/// them.
pub struct Rows<'a> {
    pub binned: &'a Binned,
    pub labels: &'a [u8],
}

/// Boosts up to `p.rounds` trees on `train`; with `validation`, stops after `patience` rounds
/// without a lower validation log loss and keeps the best round's trees. `monotone`: per feature
/// +1 / −1 / 0 ([`grow::Grower::monotone`]).
pub fn train(
    p: &ValidGbdtParams,
    cuts: &[Cuts],
    monotone: &[i8],
    train: Rows,
    validation: Option<Rows>,
    mut progress: impl FnMut(Round),
) -> Result<Boosted> {
    let params = p.get();
    let y = train.labels;
    let positives = y.iter().filter(|&&v| v == 1).count() as f64;
    if positives == 0.0 || positives == y.len() as f64 {
        return Err(Error::Usage("the trees need both classes among the training rows".into()));
    }
    let base = (positives / (y.len() as f64 - positives)).ln();
    let grower = Grower::new(params, train.binned, cuts, monotone);
    let mut f = vec![base; y.len()];
    let mut f_val = validation.as_ref().map(|v| vec![base; v.labels.len()]);
    let mut booster = Booster { base, trees: Vec::new(), cuts: cuts.to_vec() };
    let (mut best_loss, mut best_rounds) = (f64::INFINITY, 0);
    let mut sampler = Sampler::new(params, y.len(), cuts.len());
    let mut gh = vec![[0f32; 2]; y.len()];
    for round in 1..=params.rounds {
        gradients(&f, y, &mut gh);
        let (mut rows, features) = sampler.draw();
        let (tree, leaves) = grower.grow(&gh, &mut rows, &features, params.learning_rate);
        // The rows the tree was fitted on are grouped by leaf; only the others walk it.
        for (node, range) in leaves {
            let v = tree.leaf_value(node);
            rows[range].iter().for_each(|&r| f[r as usize] += v);
        }
        for (r, fr) in f.iter_mut().enumerate().filter(|&(r, _)| !sampler.in_bag[r]) {
            *fr += tree.value(train.binned, cuts, r);
        }
        let leaves = tree.leaves();
        booster.trees.push(tree);
        let Some((val, fv)) = validation.as_ref().zip(f_val.as_mut()) else {
            progress(Round { round, val_auc: f64::NAN, val_log_loss: f64::NAN, leaves });
            continue;
        };
        add_tree(booster.trees.last().expect("just pushed"), val.binned, cuts, fv);
        let val_auc = metrics::auc(val.labels, &fv.iter().map(|&v| v as f32).collect::<Vec<_>>());
        // Rounds are chosen on the validation log loss: on small tables the AUC of a few hundred
        // rows peaks by chance within the first trees (BENCHMARKS.md).
        let loss = log_loss(fv, val.labels);
        progress(Round { round, val_auc, val_log_loss: loss, leaves });
        if loss < best_loss {
            (best_loss, best_rounds) = (loss, round);
        } else if round - best_rounds >= params.patience {
            break;
        }
    }
    let rounds_run = booster.trees.len();
    let best_rounds = if validation.is_some() { best_rounds.max(1) } else { rounds_run };
    booster.trees.truncate(best_rounds);
    Ok(Boosted { booster, best_rounds, rounds_run })
}

/// Each tree's rows and features, drawn from the seed.
struct Sampler {
    rng: rand::rngs::StdRng,
    subsample: f64,
    /// Whether each row is in the current tree's sample.
    in_bag: Vec<bool>,
    features: Vec<usize>,
    n_features: usize,
}

impl Sampler {
    fn new(p: &GbdtParams, rows: usize, features: usize) -> Self {
        Sampler {
            rng: rand::rngs::StdRng::seed_from_u64(p.seed),
            subsample: p.subsample,
            in_bag: vec![true; rows],
            features: (0..features).collect(),
            n_features: ((features as f64 * p.colsample).ceil() as usize).clamp(1, features.max(1)),
        }
    }

    /// The next tree's rows (each kept with probability `subsample`) and features (a share
    /// `colsample` of them, ascending).
    fn draw(&mut self) -> (Vec<u32>, Vec<usize>) {
        let (rng, subsample) = (&mut self.rng, self.subsample);
        self.in_bag.iter_mut().for_each(|b| *b = subsample >= 1.0 || rng.random::<f64>() < subsample);
        let rows = (0..self.in_bag.len() as u32).filter(|&r| self.in_bag[r as usize]).collect();
        let mut features = self.features.clone();
        features.shuffle(&mut self.rng);
        features.truncate(self.n_features);
        features.sort_unstable();
        (rows, features)
    }
}

/// Mean log loss of logits `f` against `y`.
fn log_loss(f: &[f64], y: &[u8]) -> f64 {
    f.iter().zip(y).map(|(&z, &yi)| if yi == 1 { (1.0 + (-z).exp()).ln() } else { (1.0 + z.exp()).ln() }).sum::<f64>() / y.len() as f64
}

/// Log-loss gradient and hessian of each row at logit `f`.
fn gradients(f: &[f64], y: &[u8], gh: &mut [[f32; 2]]) {
    for ((out, &fi), &yi) in gh.iter_mut().zip(f).zip(y) {
        let p = 1.0 / (1.0 + (-fi).exp());
        *out = [(p - yi as f64) as f32, (p * (1.0 - p)).max(1e-16) as f32];
    }
}

/// The category count of each feature of `spec` (`None` for a numeric one), as [`bins::fit`]
/// takes it.
pub fn categories(spec: &advisor_core::schema::Spec) -> Vec<Option<usize>> {
    spec.features().map(|c| c.is_categorical().then_some(c.categories.len())).collect()
}

#[cfg(test)]
mod tests;
