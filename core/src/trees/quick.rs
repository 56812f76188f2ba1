//! The trees for QuickScorer's scan (`advisor_kernel::quick`, where the method is described):
//! each tree's leaves numbered left to right (the `x <= t` side first), and each branch as the
//! leaves on its `x <= t` side, which a row that does not pass that way rules out.
//!
//! The scan takes the trees [`super::flat`] lays out when each is a tree (no node reached twice)
//! of at most 64 leaves that compares with `x <= t` (no `==`, no NaN threshold); the others are
//! walked. It gives the same leaves as the walk (`tests.rs` checks both on every fixture).

use advisor_kernel::quick::{FalseNode, Scan};

use super::flat::{Branch, LEAF};
use crate::sort::sort_by;

/// Most leaves a tree may have: one bit each in a `u64`.
const MAX_LEAVES: usize = 64;

/// The scan, with what its leaf numbers stand for.
#[derive(Debug, Clone)]
pub(super) struct Quick {
    pub(super) scan: Scan,
    /// Leaf number → the leaf's reference (with [`LEAF`]).
    pub(super) leaves: Vec<u32>,
}

/// One tree's nodes numbered: each leaf in order, each branch with the leaves on its `x <= t` side.
struct Numbering<'a> {
    nodes: &'a [Branch],
    seen: &'a mut [bool],
    leaves: Vec<u32>,
    /// `(node, first, end)`: the leaves `first..end` are on the node's `x <= t` side.
    branches: Vec<(u32, u32, u32)>,
}

impl Numbering<'_> {
    /// Numbers the subtree at reference `c`, `depth` below the root; `None` when it is not a tree
    /// the scan takes. A tree of at most 64 leaves is at most 63 deep, so the recursion stops.
    fn visit(&mut self, c: u32, depth: usize) -> Option<()> {
        if c & LEAF != 0 {
            self.leaves.push(c);
            return (self.leaves.len() <= MAX_LEAVES).then_some(());
        }
        let n = &self.nodes[c as usize];
        let seen = std::mem::replace(&mut self.seen[c as usize], true);
        if seen || depth >= MAX_LEAVES || n.is_eq() || n.t().is_nan() {
            return None;
        }
        let (a, b) = n.children();
        let first = self.leaves.len() as u32;
        self.visit(a, depth + 1)?;
        self.branches.push((c, first, self.leaves.len() as u32));
        self.visit(b, depth + 1)
    }
}

impl Quick {
    /// The scan of the trees at `roots` over rows of `n_inputs`, or `None` when one of them is not
    /// a tree of at most 64 leaves comparing with `x <= t`.
    pub(super) fn new(nodes: &[Branch], roots: &[u32], n_inputs: usize) -> Option<Quick> {
        let mut seen = vec![false; nodes.len()];
        let (mut leaves, mut first_leaf) = (Vec::new(), Vec::with_capacity(roots.len()));
        let mut by_input: Vec<Vec<FalseNode>> = vec![Vec::new(); n_inputs];
        let mut if_missing: Vec<Vec<FalseNode>> = vec![Vec::new(); n_inputs];
        for (tree, &root) in roots.iter().enumerate() {
            let mut numbering = Numbering { nodes, seen: &mut seen, leaves: Vec::new(), branches: Vec::new() };
            numbering.visit(root, 0)?;
            for &(c, first, end) in &numbering.branches {
                let n = &nodes[c as usize];
                let clear = ((1u128 << end) - (1u128 << first)) as u64;
                let node = FalseNode { t: n.t(), tree: tree as u32, clear };
                by_input.get_mut(n.input() as usize)?.push(node);
                if !n.missing_takes_a() {
                    if_missing[n.input() as usize].push(node);
                }
            }
            first_leaf.push(leaves.len() as u32);
            leaves.extend(numbering.leaves);
        }
        by_input.iter_mut().for_each(|list| sort_by(list, |p, q| p.t < q.t));
        let scan = Scan::new(by_input, if_missing, first_leaf, leaves.len())?;
        Some(Quick { scan, leaves })
    }
}

#[cfg(test)]
mod tests {
    use super::super::flat::Flat;
    use super::super::{Mode, Node};
    use super::*;

    /// A small deterministic generator.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((self.0 >> 33) % n as u64) as usize
        }
    }

    /// Thresholds and values drawn from the same few numbers, so that ties happen.
    const VALUES: [f32; 9] = [f32::NEG_INFINITY, -2.5, -0.0, 0.0, 1.0, 1.5, 3.0, 1e9, f32::INFINITY];

    /// A random tree of `leaves` leaves over `k` inputs appended to `nodes` (each leaf one weight,
    /// appended to `weights`); its root's index. Every comparison mode and missing track occurs.
    fn tree(rng: &mut Rng, leaves: usize, k: usize, nodes: &mut Vec<Node>, weights: &mut Vec<(u32, f32)>) -> u32 {
        let i = nodes.len() as u32;
        let w = weights.len() as u32;
        nodes.push(Node { feature: 0, value: 0.0, yes: w, no: w + 1, mode: Mode::Leaf, missing_yes: false });
        if leaves == 1 {
            weights.push((1, weights.len() as f32));
            return i;
        }
        let left = 1 + rng.below(leaves - 1);
        let yes = tree(rng, left, k, nodes, weights);
        let no = tree(rng, leaves - left, k, nodes, weights);
        let mode = [Mode::Leq, Mode::Lt, Mode::Gte, Mode::Gt][rng.below(4)];
        let value = VALUES[1 + rng.below(VALUES.len() - 2)];
        nodes[i as usize] = Node { feature: rng.below(k) as u32, value, yes, no, mode, missing_yes: rng.below(2) == 1 };
        i
    }

    fn ensemble(rng: &mut Rng, trees: usize, most_leaves: usize, k: usize) -> (Vec<Node>, Vec<u32>, Vec<(u32, f32)>) {
        let (mut nodes, mut weights) = (Vec::new(), Vec::new());
        let roots = (0..trees)
            .map(|_| {
                let leaves = 1 + rng.below(most_leaves);
                tree(rng, leaves, k, &mut nodes, &mut weights)
            })
            .collect();
        (nodes, roots, weights)
    }

    /// Rows of `k` values from [`VALUES`], NaN and values between them.
    fn rows(rng: &mut Rng, n: usize, k: usize) -> Vec<f32> {
        let pick = |rng: &mut Rng| match rng.below(12) {
            9 => f32::NAN,
            10 => 1.25,
            11 => -1.0,
            i => VALUES[i],
        };
        (0..n * k).map(|_| pick(rng)).collect()
    }

    /// Each row's leaf in each tree by the scan equals the walk's, for trees of up to 32 leaves
    /// (four rows a group) and up to 64 (two), with row counts that leave a group part-filled.
    #[test]
    fn the_scan_finds_the_leaves_the_walk_reaches() {
        let mut rng = Rng(7);
        for (most_leaves, k, n) in [(32, 3, 37), (64, 2, 23), (5, 1, 6), (1, 2, 3)] {
            let (nodes, roots, weights) = ensemble(&mut rng, 40, most_leaves, k);
            let flat = Flat::new(&nodes, &roots, &weights, k);
            let quick = Quick::new(flat.nodes(), flat.roots(), k).expect("the scan takes these trees");
            let x = rows(&mut rng, n, k);
            let mut leaves = Vec::new();
            assert!(quick.scan.leaves(&x, &mut leaves));
            for (r, row) in x.chunks_exact(k).enumerate() {
                for t in 0..roots.len() {
                    let walked = flat.path(t, row, |_, _, _| {});
                    assert_eq!(
                        quick.leaves[leaves[r * roots.len() + t] as usize],
                        walked,
                        "row {r} {row:?}, tree {t} (at most {most_leaves} leaves)"
                    );
                }
            }
            // Sums of one weight a leaf: the walk's, added in the same order, to the bit.
            let values: Vec<f32> = quick.leaves.iter().map(|&c| flat.leaf(c).0[0].1).collect();
            let mut sums = Vec::new();
            assert!(quick.scan.sums(&x, &values, &mut sums));
            for (r, row) in x.chunks_exact(k).enumerate() {
                let walked = (0..roots.len()).fold(0.0f32, |s, t| s + flat.leaf(flat.path(t, row, |_, _, _| {})).0[0].1);
                assert_eq!(sums[r].to_bits(), walked.to_bits(), "row {r}");
            }
        }
    }

    /// A tree of 33 leaves goes in `u32` lanes (no node's `x <= t` side holds its last leaf):
    /// rows that reach that leaf, which no bit stands for, still find it.
    #[test]
    fn the_33rd_leaf_of_a_narrow_tree_is_found() {
        // A spine: node j sends x <= j to leaf j, else on; the last leaf takes x > 31.
        let mut nodes: Vec<Node> = Vec::new();
        let weights: Vec<(u32, f32)> = (0..33).map(|j| (1, j as f32)).collect();
        for j in 0..32u32 {
            nodes.push(Node { feature: 0, value: j as f32, yes: 2 * j + 1, no: 2 * j + 2, mode: Mode::Leq, missing_yes: false });
            nodes.push(Node { feature: 0, value: 0.0, yes: j, no: j + 1, mode: Mode::Leaf, missing_yes: false });
        }
        nodes.push(Node { feature: 0, value: 0.0, yes: 32, no: 33, mode: Mode::Leaf, missing_yes: false });
        let flat = Flat::new(&nodes, &[0], &weights, 1);
        let quick = Quick::new(flat.nodes(), flat.roots(), 1).expect("the scan takes the spine");
        let x: Vec<f32> = (0..40).map(|v| v as f32 - 3.5).chain([f32::NAN, f32::INFINITY, 1e9]).collect();
        let mut leaves = Vec::new();
        assert!(quick.scan.leaves(&x, &mut leaves));
        for (r, &v) in x.iter().enumerate() {
            let walked = flat.path(0, &[v], |_, _, _| {});
            assert_eq!(quick.leaves[leaves[r] as usize], walked, "x = {v}");
        }
        assert!(x.iter().any(|&v| v > 31.0), "a row reaches the last leaf");
    }

    /// Trees the scan does not take are walked: more than 64 leaves, `==`, a NaN threshold, a
    /// node reached twice.
    #[test]
    fn the_scan_refuses_what_it_cannot_number() {
        let mut rng = Rng(11);
        let (mut nodes, mut weights) = (Vec::new(), Vec::new());
        let roots = [64, 65].map(|leaves| tree(&mut rng, leaves, 2, &mut nodes, &mut weights));
        for (roots, takes) in [(&roots[..1], true), (&roots[1..], false)] {
            let flat = Flat::new(&nodes, roots, &weights, 2);
            assert_eq!(Quick::new(flat.nodes(), flat.roots(), 2).is_some(), takes);
        }
        for edit in [|n: &mut Node| n.mode = Mode::Eq, |n: &mut Node| n.value = f32::NAN] {
            let (mut nodes, roots, weights) = ensemble(&mut Rng(3), 4, 8, 2);
            let branch = nodes.iter_mut().find(|n| n.mode != Mode::Leaf).unwrap();
            edit(branch);
            let flat = Flat::new(&nodes, &roots, &weights, 2);
            assert!(Quick::new(flat.nodes(), flat.roots(), 2).is_none());
        }
        // Two trees sharing their branches.
        let (mut nodes, mut weights) = (Vec::new(), Vec::new());
        let root = tree(&mut rng, 8, 2, &mut nodes, &mut weights);
        for (roots, takes) in [(&[root][..], true), (&[root, root][..], false)] {
            let flat = Flat::new(&nodes, roots, &weights, 2);
            assert_eq!(Quick::new(flat.nodes(), flat.roots(), 2).is_some(), takes);
        }
    }
}
