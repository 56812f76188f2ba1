//! One regression tree on gradients and hessians, grown best leaf first from histograms of
//! binned features (a child's histogram is its parent's minus its sibling's).

use super::bins::{Binned, Cuts};
use super::GbdtParams;

/// Where a split sends a row with a present value to the left (the graph's "true" branch).
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// `bin <= bin`, i.e. `value <= threshold`.
    LessEq { bin: u8, threshold: f32 },
    /// The value is one of these category codes (ascending).
    In { categories: Vec<u8> },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Split {
        feature: usize,
        rule: Rule,
        missing_left: bool,
        left: usize,
        right: usize,
    },
    /// The leaf's contribution to the logit (learning rate included).
    Leaf {
        value: f64,
    },
}

/// A tree; node 0 is the root.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

impl Tree {
    /// The leaf value for row `r` of `binned`.
    pub fn value(&self, binned: &Binned, cuts: &[Cuts], r: usize) -> f64 {
        let mut i = 0;
        loop {
            match &self.nodes[i] {
                Node::Leaf { value } => return *value,
                Node::Split { feature, rule, missing_left, left, right } => {
                    let b = binned.columns[*feature][r];
                    let go_left = if b == cuts[*feature].missing() {
                        *missing_left
                    } else {
                        match rule {
                            Rule::LessEq { bin, .. } => b <= *bin,
                            Rule::In { categories } => categories.binary_search(&b).is_ok(),
                        }
                    };
                    i = if go_left { *left } else { *right };
                }
            }
        }
    }

    /// The value of leaf node `i`.
    pub fn leaf_value(&self, i: usize) -> f64 {
        match self.nodes[i] {
            Node::Leaf { value } => value,
            Node::Split { .. } => f64::NAN,
        }
    }

    pub fn leaves(&self) -> usize {
        self.nodes.iter().filter(|n| matches!(n, Node::Leaf { .. })).count()
    }
}

/// Gradient and hessian sums and row count of a set of rows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Sum {
    g: f64,
    h: f64,
    n: u32,
}

impl Sum {
    fn add(&mut self, o: Sum) {
        self.g += o.g;
        self.h += o.h;
        self.n += o.n;
    }
    fn minus(self, o: Sum) -> Sum {
        Sum { g: self.g - o.g, h: self.h - o.h, n: self.n - o.n }
    }
}

/// Bounds on a leaf's weight that keep monotone features monotone.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    lo: f64,
    hi: f64,
}

/// The best split found for a leaf.
#[derive(Debug, Clone)]
struct Candidate {
    gain: f64,
    feature: usize,
    rule: Rule,
    missing_left: bool,
    left: Sum,
    right: Sum,
}

/// A leaf that may still be split: its rows are `rows[start..end]`.
struct Open {
    node: usize,
    start: usize,
    end: usize,
    depth: usize,
    sum: Sum,
    bounds: Bounds,
    hist: Vec<Sum>,
    best: Option<Candidate>,
}

/// Grows trees on one binned table.
pub struct Grower<'a> {
    /// What limits a tree's growth (checked: [`super::ValidGbdtParams`]).
    pub params: &'a GbdtParams,
    pub binned: &'a Binned,
    pub cuts: &'a [Cuts],
    /// Per feature: +1 risk may only rise with the value, −1 only fall, 0 free.
    pub monotone: &'a [i8],
    offsets: Vec<usize>,
    total_bins: usize,
}

impl<'a> Grower<'a> {
    pub fn new(params: &'a GbdtParams, binned: &'a Binned, cuts: &'a [Cuts], monotone: &'a [i8]) -> Self {
        let mut offsets = Vec::with_capacity(cuts.len());
        let mut total_bins = 0;
        for c in cuts {
            offsets.push(total_bins);
            total_bins += c.regular() + 1;
        }
        Grower { params, binned, cuts, monotone, offsets, total_bins }
    }

    /// A tree fitted to `gh` (gradient, hessian per row) on `rows`, splitting on `features`
    /// only; leaf values are scaled by `learning_rate`. `rows` comes back grouped by leaf:
    /// with each leaf's node, the range of `rows` it holds.
    pub fn grow(
        &self,
        gh: &[[f32; 2]],
        rows: &mut [u32],
        features: &[usize],
        learning_rate: f64,
    ) -> (Tree, Vec<(usize, std::ops::Range<usize>)>) {
        let p = self.params;
        let hist = self.histogram(gh, rows, features);
        let sum = features.first().map_or_else(|| self.sum_of(gh, rows), |&f| self.feature_total(&hist, f));
        let unbounded = Bounds { lo: f64::NEG_INFINITY, hi: f64::INFINITY };
        let mut root = Open { node: 0, start: 0, end: rows.len(), depth: 0, sum, bounds: unbounded, hist, best: None };
        root.best = self.best_split(&root, features);
        let mut nodes = vec![Node::Leaf { value: 0.0 }];
        let mut open = vec![root];
        let mut scratch = Vec::with_capacity(rows.len());
        while open.len() < p.max_leaves {
            let Some(i) = best_open(&open) else { break };
            let parent = open.swap_remove(i);
            let children = self.split(parent, gh, rows, features, &mut nodes, &mut scratch);
            open.extend(children);
        }
        for o in &open {
            nodes[o.node] = Node::Leaf { value: weight(o.sum, o.bounds, p.l2) * learning_rate };
        }
        (Tree { nodes }, open.iter().map(|o| (o.node, o.start..o.end)).collect())
    }

    /// Splits `parent` by its best candidate: partitions its rows, writes the split node and
    /// returns the two children (their histograms built for the smaller one, by subtraction for
    /// the larger).
    fn split(
        &self,
        parent: Open,
        gh: &[[f32; 2]],
        rows: &mut [u32],
        features: &[usize],
        nodes: &mut Vec<Node>,
        scratch: &mut Vec<u32>,
    ) -> [Open; 2] {
        let c = parent.best.clone().expect("only leaves with a candidate are split");
        let mid = self.partition(&c, &mut rows[parent.start..parent.end], scratch) + parent.start;
        let (left_node, right_node) = (nodes.len(), nodes.len() + 1);
        nodes.push(Node::Leaf { value: 0.0 });
        nodes.push(Node::Leaf { value: 0.0 });
        nodes[parent.node] =
            Node::Split { feature: c.feature, rule: c.rule.clone(), missing_left: c.missing_left, left: left_node, right: right_node };
        let (lb, rb) = self.child_bounds(&c, parent.bounds);
        let left_smaller = mid - parent.start <= parent.end - mid;
        let small_rows = if left_smaller { &rows[parent.start..mid] } else { &rows[mid..parent.end] };
        let small = self.histogram(gh, small_rows, features);
        let large: Vec<Sum> = parent.hist.iter().zip(&small).map(|(p, s)| p.minus(*s)).collect();
        let (lh, rh) = if left_smaller { (small, large) } else { (large, small) };
        let depth = parent.depth + 1;
        let mut left = Open { node: left_node, start: parent.start, end: mid, depth, sum: c.left, bounds: lb, hist: lh, best: None };
        let mut right = Open { node: right_node, start: mid, end: parent.end, depth, sum: c.right, bounds: rb, hist: rh, best: None };
        left.best = self.best_split(&left, features);
        right.best = self.best_split(&right, features);
        [left, right]
    }

    /// Moves the rows going left to the front (order kept on both sides); the number going left.
    fn partition(&self, c: &Candidate, rows: &mut [u32], scratch: &mut Vec<u32>) -> usize {
        let col = &self.binned.columns[c.feature];
        let missing = self.cuts[c.feature].missing();
        let mut set = [false; 256];
        match &c.rule {
            Rule::LessEq { bin, .. } => set[..=*bin as usize].iter_mut().for_each(|s| *s = true),
            Rule::In { categories } => categories.iter().for_each(|&b| set[b as usize] = true),
        }
        set[missing as usize] = c.missing_left;
        scratch.clear();
        let mut n_left = 0;
        for i in 0..rows.len() {
            let r = rows[i];
            if set[col[r as usize] as usize] {
                rows[n_left] = r;
                n_left += 1;
            } else {
                scratch.push(r);
            }
        }
        rows[n_left..].copy_from_slice(scratch);
        n_left
    }

    /// Children's weight bounds: a split on a monotone feature caps the side that must stay
    /// lower at the midpoint of the two weights, and floors the other.
    fn child_bounds(&self, c: &Candidate, b: Bounds) -> (Bounds, Bounds) {
        let l2 = self.params.l2;
        let mid = (weight(c.left, b, l2) + weight(c.right, b, l2)) / 2.0;
        match self.monotone[c.feature] {
            1 => (Bounds { lo: b.lo, hi: mid.min(b.hi) }, Bounds { lo: mid.max(b.lo), hi: b.hi }),
            -1 => (Bounds { lo: mid.max(b.lo), hi: b.hi }, Bounds { lo: b.lo, hi: mid.min(b.hi) }),
            _ => (b, b),
        }
    }

    fn sum_of(&self, gh: &[[f32; 2]], rows: &[u32]) -> Sum {
        let mut s = Sum::default();
        for &r in rows {
            s.add(Sum { g: gh[r as usize][0] as f64, h: gh[r as usize][1] as f64, n: 1 });
        }
        s
    }

    fn feature_total(&self, hist: &[Sum], f: usize) -> Sum {
        let mut s = Sum::default();
        hist[self.offsets[f]..self.offsets[f] + self.cuts[f].regular() + 1].iter().for_each(|b| s.add(*b));
        s
    }

    /// Gradient sums per bin of each of `features` over `rows`.
    fn histogram(&self, gh: &[[f32; 2]], rows: &[u32], features: &[usize]) -> Vec<Sum> {
        let mut hist = vec![Sum::default(); self.total_bins];
        for &f in features {
            self.feature_histogram(gh, rows, f, &mut hist[self.offsets[f]..]);
        }
        hist
    }

    fn feature_histogram(&self, gh: &[[f32; 2]], rows: &[u32], f: usize, h: &mut [Sum]) {
        let col = &self.binned.columns[f];
        for &r in rows {
            let [g, hh] = gh[r as usize];
            let e = &mut h[col[r as usize] as usize];
            e.g += g as f64;
            e.h += hh as f64;
            e.n += 1;
        }
    }

    /// The split of `leaf` with the largest gain, if any is allowed and gains enough.
    fn best_split(&self, leaf: &Open, features: &[usize]) -> Option<Candidate> {
        let p = self.params;
        if (p.max_depth > 0 && leaf.depth >= p.max_depth) || (leaf.sum.n as usize) < 2 * p.min_rows {
            return None;
        }
        let mut best: Option<Candidate> = None;
        for &f in features {
            let bins = &leaf.hist[self.offsets[f]..self.offsets[f] + self.cuts[f].regular() + 1];
            let found = if self.cuts[f].is_categorical() { self.categorical(f, bins, leaf) } else { self.numeric(f, bins, leaf) };
            if let Some(c) = found {
                if best.as_ref().is_none_or(|b| c.gain > b.gain) {
                    best = Some(c);
                }
            }
        }
        best.filter(|b| b.gain > p.min_gain.max(1e-12))
    }

    fn numeric(&self, f: usize, bins: &[Sum], leaf: &Open) -> Option<Candidate> {
        let regular = bins.len() - 1;
        let missing = bins[regular];
        let mut best: Option<Candidate> = None;
        for missing_left in [false, true] {
            if missing_left && missing.n == 0 {
                break;
            }
            let mut left = if missing_left { missing } else { Sum::default() };
            for (b, bin) in bins[..regular - 1].iter().enumerate() {
                left.add(*bin);
                let rule = || Rule::LessEq { bin: b as u8, threshold: 0.0 };
                self.consider(&mut best, f, leaf, left, missing_left, rule);
            }
        }
        let Cuts::Numeric { thresholds } = &self.cuts[f] else { unreachable!("numeric feature") };
        best.map(|mut c| {
            if let Rule::LessEq { bin, threshold } = &mut c.rule {
                *threshold = thresholds[*bin as usize];
            }
            c
        })
    }

    /// Categories ordered by their mean gradient (smoothed), then every prefix of that order (up
    /// to `max_cat_subset` categories) tried as the left side.
    fn categorical(&self, f: usize, bins: &[Sum], leaf: &Open) -> Option<Candidate> {
        let regular = bins.len() - 1;
        let missing = bins[regular];
        let mut order: Vec<usize> = (0..regular).filter(|&b| bins[b].n > 0).collect();
        let ratio = |b: usize| bins[b].g / (bins[b].h + self.params.cat_smooth);
        order.sort_by(|&a, &b| ratio(a).total_cmp(&ratio(b)).then(a.cmp(&b)));
        let mut best: Option<Candidate> = None;
        for missing_left in [false, true] {
            if missing_left && missing.n == 0 {
                break;
            }
            let mut left = if missing_left { missing } else { Sum::default() };
            for k in 0..order.len().saturating_sub(1).min(self.params.max_cat_subset) {
                left.add(bins[order[k]]);
                let rule = || {
                    let mut categories: Vec<u8> = order[..=k].iter().map(|&b| b as u8).collect();
                    categories.sort_unstable();
                    Rule::In { categories }
                };
                self.consider(&mut best, f, leaf, left, missing_left, rule);
            }
        }
        best
    }

    /// Keeps the split of `leaf` into `left` and the rest when it is allowed and beats `best`.
    fn consider(&self, best: &mut Option<Candidate>, f: usize, leaf: &Open, left: Sum, missing_left: bool, rule: impl FnOnce() -> Rule) {
        let p = self.params;
        let right = leaf.sum.minus(left);
        let allowed = |s: Sum| s.n as usize >= p.min_rows && s.h >= p.min_hessian;
        if !allowed(left) || !allowed(right) {
            return;
        }
        let (wl, wr) = (weight(left, leaf.bounds, p.l2), weight(right, leaf.bounds, p.l2));
        if (self.monotone[f] > 0 && wl > wr) || (self.monotone[f] < 0 && wl < wr) {
            return;
        }
        let parent = weight(leaf.sum, leaf.bounds, p.l2);
        let gain = score(left, wl, p.l2) + score(right, wr, p.l2) - score(leaf.sum, parent, p.l2);
        if best.as_ref().is_none_or(|b| gain > b.gain) {
            // With no rows missing here, rows missing at scoring follow the larger side.
            let has_missing = leaf.hist[self.offsets[f] + self.cuts[f].missing() as usize].n > 0;
            let missing_left = if has_missing { missing_left } else { left.n >= right.n };
            *best = Some(Candidate { gain, feature: f, rule: rule(), missing_left, left, right });
        }
    }
}

/// The open leaf with the largest gain (the first on ties), if any can split.
fn best_open(open: &[Open]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, o) in open.iter().enumerate() {
        if let Some(c) = &o.best {
            if best.is_none_or(|(_, g)| c.gain > g) {
                best = Some((i, c.gain));
            }
        }
    }
    best.map(|(i, _)| i)
}

/// The optimal leaf weight `−G / (H + λ)`, kept within `b`.
fn weight(s: Sum, b: Bounds, l2: f64) -> f64 {
    (-s.g / (s.h + l2)).clamp(b.lo, b.hi)
}

/// The loss reduction of weight `w` on `s`: `−(2 G w + (H + λ) w²)` (= `G² / (H + λ)` at the
/// optimum).
fn score(s: Sum, w: f64, l2: f64) -> f64 {
    -(2.0 * s.g * w + (s.h + l2) * w * w)
}
