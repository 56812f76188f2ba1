//! The checked trees laid out for evaluation: nodes of 16 bytes, every comparison rewritten as
//! `x <= t` or `x == t` with the missing value's side fixed per node, and each leaf a node that
//! holds its weights' range; references to leaves carry [`LEAF`].
//!
//! Rows in number find their leaves by QuickScorer's scan when it takes the trees (`quick.rs`;
//! about 2.8× onnxruntime-web's rows a second on a 500-tree LightGBM model in Chromium, where the
//! walk below was about 1×, BENCHMARKS.md). Otherwise, and for one applicant's paths (reasons,
//! what-if), rows walk: a block of rows goes through the trees tree by tree, so a tree stays in
//! cache (onnxruntime's batch order); each step is a branch on the data, which the processor
//! predicts. (Measured on the same model: branch-free steps, four rows in lockstep, fixed-depth
//! walks, unrolled steps and blocks of 16 or 256 rows were all slower or no faster.)

use super::quick::Quick;
use super::{Mode, Node};

/// In a node reference: the node is a leaf.
pub(super) const LEAF: u32 = 1 << 31;
/// In [`Branch::feature`]: compare with `==` (else `<=`).
const EQ: u32 = 1 << 31;
/// In [`Branch::feature`]: a missing value (NaN) goes to `a` (else to `b`).
const NAN_A: u32 = 1 << 30;

/// A branch: `a` when `x <= t` (or `x == t`), or when `x` is missing and `NAN_A` is set; else `b`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Branch {
    t: f32,
    feature: u32,
    a: u32,
    b: u32,
}

impl Branch {
    /// The input this branch compares.
    #[inline(always)]
    pub(super) fn input(&self) -> u32 {
        self.feature & !(EQ | NAN_A)
    }

    /// The value it compares with.
    pub(super) fn t(&self) -> f32 {
        self.t
    }

    /// Whether it compares with `==` (else `<=`).
    pub(super) fn is_eq(&self) -> bool {
        self.feature & EQ != 0
    }

    /// Whether a missing value goes to `a`.
    pub(super) fn missing_takes_a(&self) -> bool {
        self.feature & NAN_A != 0
    }

    /// The children: `a` (`x <= t` or `x == t`), `b`.
    pub(super) fn children(&self) -> (u32, u32) {
        (self.a, self.b)
    }

    /// The child `row` goes to. Written with branches on the data: the processor predicts them
    /// and runs ahead into the next node, where a branch-free choice waits for each comparison
    /// (about 1.6× the rows a second on a 500-tree model in Chromium, BENCHMARKS.md).
    #[inline(always)]
    pub(super) fn next(&self, row: &[f32]) -> u32 {
        let x = row[self.input() as usize];
        let hit = if self.feature & EQ != 0 { x == self.t } else { x <= self.t } || (self.feature & NAN_A != 0 && x.is_nan());
        if hit {
            self.a
        } else {
            self.b
        }
    }

    /// A leaf, never stepped through (a walk stops at a reference with [`LEAF`]): its weights are
    /// `weights[a..b]`, the outputs they score the bits of `feature`.
    fn leaf(weights: std::ops::Range<u32>, mask: u32) -> Branch {
        Branch { t: f32::NAN, feature: mask, a: weights.start, b: weights.end }
    }

    /// A checked node as a branch with children `yes` and `no` (already references). A NaN
    /// threshold never compares true, so such a node sends every present value to `no`.
    pub(super) fn new(n: &Node, yes: u32, no: u32) -> Branch {
        let (v, m) = (n.value, n.missing_yes);
        // `x < v` is `x <= v⁻` (the float below v) for every present x; nothing is below −∞.
        let below = if v == f32::NEG_INFINITY { f32::NAN } else { v.next_down() };
        let (t, eq, a, b, nan_a) = match n.mode {
            _ if v.is_nan() && n.mode != Mode::Neq => (v, false, yes, no, m),
            Mode::Leq => (v, false, yes, no, m),
            Mode::Lt => (below, false, yes, no, m),
            Mode::Gte => (below, false, no, yes, !m),
            Mode::Gt => (v, false, no, yes, !m),
            Mode::Eq => (v, true, yes, no, m),
            // `x != v` holds for a missing x: it goes to `yes` whatever its track says.
            Mode::Neq | Mode::Leaf => (v, true, no, yes, false),
        };
        Branch { t, feature: n.feature | if eq { EQ } else { 0 } | if nan_a { NAN_A } else { 0 }, a, b }
    }
}

/// The ensemble's trees, ready to evaluate.
#[derive(Debug, Clone)]
pub(super) struct Flat {
    nodes: Vec<Branch>,
    /// Each tree's root, as a reference.
    roots: Vec<u32>,
    weights: Vec<(u32, f32)>,
    /// The output every leaf scores with exactly one weight, when all leaves do (the converters'
    /// and the trainer's binary models): then a leaf's contribution is one number.
    pub(super) single: Option<u32>,
    /// The same trees for QuickScorer, when it takes them all.
    quick: Option<Quick>,
    /// With `quick` and `single`: each of its leaves' one weight, by leaf number.
    values: Vec<f32>,
}

impl Flat {
    /// Lays out checked nodes (`yes..no` of a leaf are its weights) with their trees' roots.
    pub(super) fn new(nodes: &[Node], roots: &[u32], weights: &[(u32, f32)], n_inputs: usize) -> Flat {
        let mut flat = Flat {
            nodes: Vec::with_capacity(nodes.len()),
            roots: Vec::with_capacity(roots.len()),
            weights: weights.to_vec(),
            single: None,
            quick: None,
            values: Vec::new(),
        };
        for n in nodes {
            if n.mode == Mode::Leaf {
                let mask = weights[n.yes as usize..n.no as usize].iter().fold(0u32, |m, &(c, _)| m | 1 << c);
                flat.nodes.push(Branch::leaf(n.yes..n.no, mask));
            } else {
                let reference = |c: u32| if nodes[c as usize].mode == Mode::Leaf { c | LEAF } else { c };
                flat.nodes.push(Branch::new(n, reference(n.yes), reference(n.no)));
            }
        }
        flat.roots = roots.iter().map(|&r| if nodes[r as usize].mode == Mode::Leaf { r | LEAF } else { r }).collect();
        let mut leaves = nodes.iter().filter(|n| n.mode == Mode::Leaf).map(|n| &weights[n.yes as usize..n.no as usize]);
        let first = leaves.clone().next().and_then(|w| if let [(c, _)] = w { Some(*c) } else { None });
        flat.single = first.filter(|&c| leaves.all(|w| matches!(w, [(d, _)] if *d == c)));
        flat.quick = Quick::new(&flat.nodes, &flat.roots, n_inputs);
        if let (Some(q), Some(_)) = (flat.quick.as_ref(), flat.single) {
            flat.values = q.leaves.iter().map(|&c| flat.leaf(c).0[0].1).collect();
        }
        flat
    }

    #[cfg(test)]
    pub(super) fn nodes(&self) -> &[Branch] {
        &self.nodes
    }

    #[cfg(test)]
    pub(super) fn roots(&self) -> &[u32] {
        &self.roots
    }

    pub(super) fn scanned(&self) -> bool {
        self.quick.is_some()
    }

    pub(super) fn n_trees(&self) -> usize {
        self.roots.len()
    }

    pub(super) fn n_nodes(&self) -> usize {
        self.nodes.len()
    }

    /// Each row's sum of its leaves' one weight (all for output [`Flat::single`]), added tree by
    /// tree from 0 as [`Flat::each_leaf`]'s visits add them, into `out`; `false` when the trees
    /// are walked instead (then `out` is not written).
    pub(super) fn sums(&self, rows: &[f32], out: &mut Vec<f32>) -> bool {
        match &self.quick {
            Some(q) if !self.values.is_empty() => q.scan.sums(rows, &self.values, out),
            _ => false,
        }
    }

    /// For each row of `rows` (`k` values each, at most [`BLOCK`]) and each tree, the trees of a
    /// row in order (row by row when scanned, tree by tree when walked): `visit(row, weights,
    /// mask)` with the weights of the leaf the row reaches and the outputs they score.
    pub(super) fn each_leaf(&self, rows: &[f32], k: usize, mut visit: impl FnMut(usize, &[(u32, f32)], u8)) {
        let mut leaves = Vec::new();
        // (The scan refuses rows that are not of its width: they walk, as before.)
        if let Some(quick) = self.quick.as_ref().filter(|q| q.scan.leaves(&rows[..rows.len().min(BLOCK * k)], &mut leaves)) {
            for (r, row) in leaves.chunks_exact(self.roots.len()).enumerate() {
                for &c in row {
                    let (weights, mask) = self.leaf(quick.leaves[c as usize]);
                    visit(r, weights, mask);
                }
            }
            return;
        }
        for &root in &self.roots {
            for (r, row) in rows.chunks_exact(k).take(BLOCK).enumerate() {
                let (weights, mask) = self.leaf(self.descend(root, row));
                visit(r, weights, mask);
            }
        }
    }

    /// Tree `t`'s leaf for `row` (a reference with [`LEAF`]), with `visit(node, input, next)` at
    /// each step of the path.
    #[inline(always)]
    pub(super) fn path(&self, t: usize, row: &[f32], mut visit: impl FnMut(u32, u32, u32)) -> u32 {
        let mut c = self.roots[t];
        while c & LEAF == 0 {
            let n = &self.nodes[c as usize];
            let next = n.next(row);
            visit(c, n.input(), next);
            c = next;
        }
        c
    }

    /// The child of (branch) node `c` that `row` goes to.
    #[inline(always)]
    pub(super) fn step(&self, c: u32, row: &[f32]) -> u32 {
        self.nodes[c as usize].next(row)
    }

    /// The leaf `row` reaches from node reference `c`.
    #[inline(always)]
    pub(super) fn descend(&self, mut c: u32, row: &[f32]) -> u32 {
        while c & LEAF == 0 {
            c = self.nodes[c as usize].next(row);
        }
        c
    }

    /// The weights of leaf reference `c` and the outputs they score.
    pub(super) fn leaf(&self, c: u32) -> (&[(u32, f32)], u8) {
        let leaf = &self.nodes[(c & !LEAF) as usize];
        (&self.weights[leaf.a as usize..leaf.b as usize], leaf.feature as u8)
    }
}

/// Rows that go through the trees together.
pub(super) const BLOCK: usize = 64;
