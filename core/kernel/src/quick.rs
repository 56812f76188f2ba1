//! QuickScorer's scan (Lucchese et al., SIGIR 2015), the hot loop of tree ensembles: each tree's
//! leaf for a row without walking the tree. What a tree is stays in `advisor-core`
//! (`trees/quick.rs`), which numbers each tree's leaves left to right and hands this scan, for
//! each input, the nodes sorted by threshold with the leaves each rules out.
//!
//! A row keeps one bit per leaf of each tree, all set. Every node the row does not pass on its
//! `x <= t` side (a *false* node) clears the bits of the leaves on that side, and the row's leaf
//! is the lowest bit left set. An input's false nodes are the first of its sorted list, those
//! whose threshold is below the value (the scan stops at the first that is not), or, for a
//! missing value (NaN), those of a second list: the nodes whose missing track is the other side.
//!
//! Rows go through in groups of two 128-bit vectors of lanes: eight rows (`u32` lanes) when every
//! tree has at most 32 leaves, else four (`u64` lanes). One step of a scan updates every row of
//! its group, with wasm SIMD on `wasm32` + `simd128` and over arrays elsewhere (the same bits).

/// A node as a scan meets it: a row above `t` (or missing, in the missing list) loses, in tree
/// `tree`, the leaves whose bits are set in `clear`.
#[derive(Debug, Clone, Copy)]
pub struct FalseNode {
    pub t: f32,
    pub tree: u32,
    pub clear: u64,
}

/// The nodes of an ensemble's trees as the scan reads them.
#[derive(Debug, Clone)]
pub struct Scan {
    /// Input `f`'s nodes by threshold: `by_threshold[starts[f]..starts[f + 1]]`.
    by_threshold: Vec<FalseNode>,
    starts: Vec<u32>,
    /// Input `f`'s nodes that a missing value rules out leaves at (`t` unused).
    if_missing: Vec<FalseNode>,
    missing_starts: Vec<u32>,
    /// Tree `t`'s leaves are numbered from `first_leaf[t]`, all of them below `n_leaves`.
    first_leaf: Vec<u32>,
    n_leaves: usize,
    /// No node clears a leaf past the 32nd: eight rows a group in `u32` lanes. (A tree of 33
    /// leaves can be one: its last leaf is on no node's `x <= t` side; a lane with no bit left
    /// is that leaf, the 33rd.)
    narrow: bool,
}

impl Scan {
    /// The scan of trees whose leaves are numbered from `first_leaf[t]` (`n_leaves` in all), over
    /// rows of `by_input.len()` inputs: each input's nodes by threshold, and those a missing value
    /// rules out. `None` when the lists do not pair, a node names no tree or has a NaN threshold,
    /// a list is out of order, or a tree's leaves are. A tree's lowest leaf left must be one of its own
    /// (the caller's numbering sees to it: the leaf a row reaches is never cleared).
    pub fn new(by_input: Vec<Vec<FalseNode>>, if_missing: Vec<Vec<FalseNode>>, first_leaf: Vec<u32>, n_leaves: usize) -> Option<Scan> {
        let nodes = || by_input.iter().chain(&if_missing).flatten();
        let ordered = first_leaf.windows(2).all(|w| w[0] < w[1]) && first_leaf.last().is_some_and(|&f| (f as usize) < n_leaves);
        let sorted = by_input.iter().all(|list| list.windows(2).all(|w| w[0].t <= w[1].t));
        if !ordered || !sorted || by_input.len() != if_missing.len() || nodes().any(|n| n.tree as usize >= first_leaf.len() || n.t.is_nan())
        {
            return None;
        }
        let narrow = nodes().all(|n| n.clear >> 32 == 0);
        let (by_threshold, starts) = concat(by_input);
        let (if_missing, missing_starts) = concat(if_missing);
        Some(Scan { by_threshold, starts, if_missing, missing_starts, first_leaf, n_leaves, narrow })
    }

    /// The number of inputs a row has.
    pub fn inputs(&self) -> usize {
        self.starts.len() - 1
    }

    /// Each row's leaf in each tree (`rows`: whole rows of [`Scan::inputs`] values), as the
    /// leaf's number (tree `t`'s are numbered from its `first_leaf`), row by row into `out`
    /// (trees × rows). `false` (nothing written) when `rows` is not whole rows.
    pub fn leaves(&self, rows: &[f32], out: &mut Vec<u32>) -> bool {
        out.clear();
        let trees = self.first_leaf.len();
        self.each_group(rows, |lanes, n| {
            for l in 0..n {
                out.extend(lanes.iter().zip(&self.first_leaf).map(|(b, &first)| first + b[l].trailing_zeros()));
            }
            debug_assert!(out.len().is_multiple_of(trees));
        })
    }

    /// [`Scan::leaves`] one row and one node at a time, without lanes: what the lanes must give
    /// (the tests compare them, natively and in the browser).
    pub fn leaves_one_by_one(&self, rows: &[f32], out: &mut Vec<u32>) -> bool {
        out.clear();
        let k = self.inputs();
        if k == 0 || !rows.len().is_multiple_of(k) {
            return false;
        }
        for row in rows.chunks_exact(k) {
            let mut bits = vec![!0u64; self.first_leaf.len()];
            for (f, &x) in row.iter().enumerate() {
                let (list, missing) = (&self.by_threshold[self.starts[f] as usize..self.starts[f + 1] as usize], x.is_nan());
                let list =
                    if missing { &self.if_missing[self.missing_starts[f] as usize..self.missing_starts[f + 1] as usize] } else { list };
                for n in list.iter().filter(|n| missing || n.t < x) {
                    bits[n.tree as usize] &= !n.clear;
                }
            }
            let narrow = |b: u64| if self.narrow { b | !0 << 32 } else { b };
            out.extend(bits.iter().zip(&self.first_leaf).map(|(&b, &first)| first + narrow(b).trailing_zeros()));
        }
        true
    }

    /// Each row's sum of `values[leaf]` over its leaves, added tree by tree from 0, into `out`
    /// (one per row). `false` (nothing written) when `rows` is not whole rows or `values` not one
    /// per leaf.
    pub fn sums(&self, rows: &[f32], values: &[f32], out: &mut Vec<f32>) -> bool {
        out.clear();
        if values.len() != self.n_leaves {
            return false;
        }
        self.each_group(rows, |lanes, n| {
            let mut sums = [0f32; MAX_ROWS];
            for (b, &first) in lanes.iter().zip(&self.first_leaf) {
                for l in 0..n {
                    sums[l] += values.get((first + b[l].trailing_zeros()) as usize).copied().unwrap_or(f32::NAN);
                }
            }
            out.extend_from_slice(&sums[..n]);
        })
    }

    /// `visit(lanes, n)` for each group of rows in order: each tree's bits, lane by lane, for the
    /// group's first `n` rows (a last group of fewer is filled with its first row).
    fn each_group(&self, rows: &[f32], mut visit: impl FnMut(&[[u64; MAX_ROWS]], usize)) -> bool {
        let k = self.inputs();
        if k == 0 || !rows.len().is_multiple_of(k) {
            return false;
        }
        if self.narrow {
            self.groups::<lanes::Narrow>(rows, k, &mut visit);
        } else {
            self.groups::<lanes::Wide>(rows, k, &mut visit);
        }
        true
    }

    fn groups<G: lanes::Group>(&self, rows: &[f32], k: usize, visit: &mut impl FnMut(&[[u64; MAX_ROWS]], usize)) {
        let (mut bits, mut lanes): (Vec<G>, Vec<[u64; MAX_ROWS]>) =
            (Vec::with_capacity(self.first_leaf.len()), Vec::with_capacity(self.first_leaf.len()));
        let mut padded = vec![0.0; G::ROWS * k];
        for group in rows.chunks(G::ROWS * k) {
            let n = group.len() / k;
            let group = if n == G::ROWS {
                group
            } else {
                padded.chunks_exact_mut(k).for_each(|row| row.copy_from_slice(&group[..k]));
                padded[..group.len()].copy_from_slice(group);
                &padded
            };
            self.scan(group, k, &mut bits);
            lanes.clear();
            lanes.extend(bits.iter().map(|b| b.lanes()));
            visit(&lanes, n);
        }
    }

    /// Each tree's bits for one group of rows (`G::ROWS × k` values). Not inlined: one copy for
    /// each lane width serves both [`Scan::leaves`] and [`Scan::sums`] (about 4 KB of module less).
    #[inline(never)]
    fn scan<G: lanes::Group>(&self, group: &[f32], k: usize, bits: &mut Vec<G>) {
        bits.clear();
        bits.resize(self.first_leaf.len(), G::ALL);
        for f in 0..k {
            let x = G::values(group, k, f);
            // On while a node is below some row's value (a missing value is below none).
            let top = G::top(&x);
            for n in &self.by_threshold[self.starts[f] as usize..self.starts[f + 1] as usize] {
                if n.t >= top {
                    break;
                }
                let b = &mut bits[n.tree as usize];
                *b = b.clear_below(n.t, &x, n.clear);
            }
            if G::any_missing(&x) {
                for n in &self.if_missing[self.missing_starts[f] as usize..self.missing_starts[f + 1] as usize] {
                    let b = &mut bits[n.tree as usize];
                    *b = b.clear_missing(&x, n.clear);
                }
            }
        }
    }
}

/// Lists by input as one array, with where each input's list starts (and the last ends).
fn concat(lists: Vec<Vec<FalseNode>>) -> (Vec<FalseNode>, Vec<u32>) {
    let mut starts = Vec::with_capacity(lists.len() + 1);
    let mut all = Vec::with_capacity(lists.iter().map(Vec::len).sum());
    for list in lists {
        starts.push(all.len() as u32);
        all.extend(list);
    }
    starts.push(all.len() as u32);
    (all, starts)
}

/// Most rows in a group.
const MAX_ROWS: usize = 8;

/// A group's bits in one tree, and its rows' values of one input.
mod lanes {
    use super::MAX_ROWS;

    pub trait Group: Copy {
        /// Rows in a group.
        const ROWS: usize;
        const ALL: Self;
        type Values;
        /// Input `f` of each row of `group` (`ROWS × k` values).
        fn values(group: &[f32], k: usize, f: usize) -> Self::Values;
        /// The largest value present (−∞ when none is).
        fn top(x: &Self::Values) -> f32;
        fn any_missing(x: &Self::Values) -> bool;
        /// `clear` cleared in the lanes whose value is above `t`.
        fn clear_below(self, t: f32, x: &Self::Values, clear: u64) -> Self;
        /// `clear` cleared in the lanes whose value is missing.
        fn clear_missing(self, x: &Self::Values, clear: u64) -> Self;
        /// The lanes, as `u64` (the first `ROWS`).
        fn lanes(self) -> [u64; MAX_ROWS];
    }

    /// A `u32` lane as `u64`, the bits past 32 set: no bit left in it is the 33rd leaf.
    fn widen(b: u32) -> u64 {
        u64::from(b) | !0 << 32
    }

    fn top(x: &[f32]) -> f32 {
        x.iter().fold(f32::NEG_INFINITY, |m, &v| if v > m { v } else { m })
    }

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    mod simd {
        use super::MAX_ROWS;
        use core::arch::wasm32::*;

        /// Eight rows, `u32` lanes (two vectors).
        #[derive(Clone, Copy)]
        pub struct Narrow([v128; 2]);
        /// Four rows, `u64` lanes (two vectors; values compared as `f64`, which orders every
        /// `f32` the same).
        #[derive(Clone, Copy)]
        pub struct Wide([v128; 2]);

        impl super::Group for Narrow {
            const ROWS: usize = 8;
            const ALL: Narrow = Narrow([u32x4(!0, !0, !0, !0); 2]);
            type Values = ([f32; 8], [v128; 2]);
            #[inline(always)]
            fn values(g: &[f32], k: usize, f: usize) -> Self::Values {
                let x: [f32; 8] = std::array::from_fn(|l| g[l * k + f]);
                (x, [f32x4(x[0], x[1], x[2], x[3]), f32x4(x[4], x[5], x[6], x[7])])
            }
            #[inline(always)]
            fn top(x: &Self::Values) -> f32 {
                super::top(&x.0)
            }
            #[inline(always)]
            fn any_missing(x: &Self::Values) -> bool {
                v128_any_true(v128_or(f32x4_ne(x.1[0], x.1[0]), f32x4_ne(x.1[1], x.1[1])))
            }
            #[inline(always)]
            fn clear_below(self, t: f32, x: &Self::Values, clear: u64) -> Narrow {
                let (t, c) = (f32x4_splat(t), u32x4_splat(clear as u32));
                Narrow([0, 1].map(|h| v128_andnot(self.0[h], v128_and(f32x4_lt(t, x.1[h]), c))))
            }
            #[inline(always)]
            fn clear_missing(self, x: &Self::Values, clear: u64) -> Narrow {
                let c = u32x4_splat(clear as u32);
                Narrow([0, 1].map(|h| v128_andnot(self.0[h], v128_and(f32x4_ne(x.1[h], x.1[h]), c))))
            }
            #[inline(always)]
            fn lanes(self) -> [u64; MAX_ROWS] {
                let [a, b] = self.0;
                [
                    u32x4_extract_lane::<0>(a),
                    u32x4_extract_lane::<1>(a),
                    u32x4_extract_lane::<2>(a),
                    u32x4_extract_lane::<3>(a),
                    u32x4_extract_lane::<0>(b),
                    u32x4_extract_lane::<1>(b),
                    u32x4_extract_lane::<2>(b),
                    u32x4_extract_lane::<3>(b),
                ]
                .map(super::widen)
            }
        }

        impl super::Group for Wide {
            const ROWS: usize = 4;
            const ALL: Wide = Wide([u64x2(!0, !0); 2]);
            type Values = ([f32; 4], [v128; 2]);
            #[inline(always)]
            fn values(g: &[f32], k: usize, f: usize) -> Self::Values {
                let x: [f32; 4] = std::array::from_fn(|l| g[l * k + f]);
                (x, [f64x2(x[0] as f64, x[1] as f64), f64x2(x[2] as f64, x[3] as f64)])
            }
            #[inline(always)]
            fn top(x: &Self::Values) -> f32 {
                super::top(&x.0)
            }
            #[inline(always)]
            fn any_missing(x: &Self::Values) -> bool {
                v128_any_true(v128_or(f64x2_ne(x.1[0], x.1[0]), f64x2_ne(x.1[1], x.1[1])))
            }
            #[inline(always)]
            fn clear_below(self, t: f32, x: &Self::Values, clear: u64) -> Wide {
                let (t, c) = (f64x2_splat(t as f64), u64x2_splat(clear));
                Wide([0, 1].map(|h| v128_andnot(self.0[h], v128_and(f64x2_lt(t, x.1[h]), c))))
            }
            #[inline(always)]
            fn clear_missing(self, x: &Self::Values, clear: u64) -> Wide {
                let c = u64x2_splat(clear);
                Wide([0, 1].map(|h| v128_andnot(self.0[h], v128_and(f64x2_ne(x.1[h], x.1[h]), c))))
            }
            #[inline(always)]
            fn lanes(self) -> [u64; MAX_ROWS] {
                let [a, b] = self.0;
                let mut lanes = [!0; MAX_ROWS];
                lanes[..4].copy_from_slice(&[
                    u64x2_extract_lane::<0>(a),
                    u64x2_extract_lane::<1>(a),
                    u64x2_extract_lane::<0>(b),
                    u64x2_extract_lane::<1>(b),
                ]);
                lanes
            }
        }
    }

    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    mod simd {
        use super::MAX_ROWS;

        /// A lane's bits: `u32` or `u64`.
        pub trait Bits: Copy + std::ops::BitAnd<Output = Self> + std::ops::BitOr<Output = Self> + std::ops::Not<Output = Self> {
            const ALL: Self;
            /// All ones when `b`, else zero.
            fn all_if(b: bool) -> Self;
            /// The low bits of a mask.
            fn from_mask(clear: u64) -> Self;
            /// As `u64` (a `u32` lane widened as [`super::widen`] does).
            fn to_lane(self) -> u64;
        }

        impl Bits for u32 {
            const ALL: u32 = !0;
            fn all_if(b: bool) -> u32 {
                (b as u32).wrapping_neg()
            }
            fn from_mask(clear: u64) -> u32 {
                clear as u32
            }
            fn to_lane(self) -> u64 {
                super::widen(self)
            }
        }

        impl Bits for u64 {
            const ALL: u64 = !0;
            fn all_if(b: bool) -> u64 {
                (b as u64).wrapping_neg()
            }
            fn from_mask(clear: u64) -> u64 {
                clear
            }
            fn to_lane(self) -> u64 {
                self
            }
        }

        /// `N` rows of `B` lanes, over arrays (the compiler vectorises them).
        #[derive(Clone, Copy)]
        pub struct Lanes<B, const N: usize>([B; N]);
        /// Eight rows, `u32` lanes.
        pub type Narrow = Lanes<u32, 8>;
        /// Four rows, `u64` lanes.
        pub type Wide = Lanes<u64, 4>;

        impl<B: Bits, const N: usize> super::Group for Lanes<B, N> {
            const ROWS: usize = N;
            const ALL: Self = Lanes([B::ALL; N]);
            type Values = [f32; N];
            #[inline(always)]
            fn values(g: &[f32], k: usize, f: usize) -> [f32; N] {
                std::array::from_fn(|l| g[l * k + f])
            }
            fn top(x: &[f32; N]) -> f32 {
                super::top(x)
            }
            fn any_missing(x: &[f32; N]) -> bool {
                x.iter().any(|v| v.is_nan())
            }
            #[inline(always)]
            fn clear_below(self, t: f32, x: &[f32; N], clear: u64) -> Self {
                Lanes(std::array::from_fn(|l| self.0[l] & !(B::all_if(t < x[l]) & B::from_mask(clear))))
            }
            #[inline(always)]
            fn clear_missing(self, x: &[f32; N], clear: u64) -> Self {
                Lanes(std::array::from_fn(|l| self.0[l] & !(B::all_if(x[l].is_nan()) & B::from_mask(clear))))
            }
            fn lanes(self) -> [u64; MAX_ROWS] {
                let mut lanes = [!0; MAX_ROWS];
                lanes[..N].iter_mut().zip(self.0).for_each(|(lane, b)| *lane = b.to_lane());
                lanes
            }
        }
    }

    pub use simd::{Narrow, Wide};
}

/// A scan of `trees` trees over `k` inputs with random nodes (masks within 32 bits unless
/// `wide`), and `rows` random rows for it; `seed` picks them. For tests, here and in the browser.
#[doc(hidden)]
pub fn random_scan(wide: bool, k: usize, trees: usize, rows: usize, seed: u64) -> (Scan, Vec<f32>) {
    let mut s = seed;
    let mut next = move |n: usize| {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((s >> 33) % n as u64) as usize
    };
    const VALUES: [f32; 7] = [f32::NEG_INFINITY, -1.0, 0.0, 0.5, 2.0, 7.0, f32::INFINITY];
    let node = |next: &mut dyn FnMut(usize) -> usize| {
        let bits = if wide { 64 } else { 32 };
        let (lo, len) = (next(bits), 1 + next(8));
        // (Narrow lanes may lose every bit: the 33rd leaf. Wide ones keep their top bit.)
        let clear = (((1u128 << (lo + len).min(bits)) - (1u128 << lo)) as u64) & !(u64::from(wide) << 63);
        FalseNode { t: VALUES[next(VALUES.len())], tree: next(trees) as u32, clear }
    };
    let mut by_input: Vec<Vec<FalseNode>> = (0..k).map(|_| (0..30).map(|_| node(&mut next)).collect()).collect();
    by_input.iter_mut().for_each(|l| l.sort_by(|p, q| p.t.total_cmp(&q.t)));
    let if_missing = (0..k).map(|_| (0..10).map(|_| node(&mut next)).collect()).collect();
    let first_leaf: Vec<u32> = (0..trees as u32).map(|t| t * 64).collect();
    let scan = Scan::new(by_input, if_missing, first_leaf, trees * 64).expect("a valid scan");
    let x = (0..rows * k).map(|_| if next(8) == 0 { f32::NAN } else { VALUES[next(VALUES.len())] + [0.0, 0.25][next(2)] }).collect();
    (scan, x)
}

/// Random scans and rows (masks of any bits, thresholds with ties, ±∞, NaN values; row counts
/// that leave the last group part-filled), both lane widths: the lanes' leaves and sums are one
/// row at a time's. For tests, here and in the browser (`wasm/src/tests.rs`), where the lanes
/// are wasm SIMD.
#[doc(hidden)]
pub fn lanes_match_one_by_one(seed: u64) -> Result<(), String> {
    // (Few narrow trees, so that some row rules out all of a tree's first 32 leaves.)
    for (wide, rows, trees) in [(false, 21, 3), (true, 11, 40)] {
        let (scan, x) = random_scan(wide, 3, trees, rows, seed);
        if scan.narrow == wide {
            return Err(format!("seed {seed}: the scan is not the width asked for"));
        }
        let (mut lanes, mut one, mut sums) = (Vec::new(), Vec::new(), Vec::new());
        let values: Vec<f32> = (0..scan.n_leaves).map(|i| (i % 97) as f32 * 0.125 - 3.0).collect();
        if !(scan.leaves(&x, &mut lanes) && scan.leaves_one_by_one(&x, &mut one) && scan.sums(&x, &values, &mut sums)) {
            return Err(format!("seed {seed}: rows refused"));
        }
        if lanes != one {
            return Err(format!("seed {seed}, wide {wide}: leaves {lanes:?} != {one:?}"));
        }
        let want: Vec<f32> = one.chunks_exact(trees).map(|r| r.iter().fold(0.0, |s, &l| s + values[l as usize])).collect();
        if sums.iter().zip(&want).any(|(a, b)| a.to_bits() != b.to_bits()) {
            return Err(format!("seed {seed}, wide {wide}: sums {sums:?} != {want:?}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One tree over one input: `x <= 1` goes to leaf 0, else leaf 1 (missing: leaf 1).
    fn stump() -> Scan {
        let node = FalseNode { t: 1.0, tree: 0, clear: 1 };
        Scan::new(vec![vec![node]], vec![vec![node]], vec![0], 2).unwrap()
    }

    #[test]
    fn rows_find_their_leaves_in_full_and_part_groups() {
        let scan = stump();
        for n in 1..=9 {
            let rows: Vec<f32> = (0..n).map(|i| [0.5, 1.0, 1.5, f32::NAN, f32::INFINITY][i % 5]).collect();
            let mut leaves = Vec::new();
            assert!(scan.leaves(&rows, &mut leaves));
            let want: Vec<u32> = (0..n).map(|i| [0, 0, 1, 1, 1][i % 5]).collect();
            assert_eq!(leaves, want, "{n} rows");
            let mut sums = Vec::new();
            assert!(scan.sums(&rows, &[10.0, 20.0], &mut sums));
            assert_eq!(sums, want.iter().map(|&l| [10.0, 20.0][l as usize]).collect::<Vec<f32>>());
        }
    }

    #[test]
    fn the_lanes_give_what_one_row_at_a_time_gives() {
        for seed in 1..=5 {
            lanes_match_one_by_one(seed).unwrap();
        }
    }

    #[test]
    fn what_does_not_fit_is_refused() {
        let node = FalseNode { t: 1.0, tree: 0, clear: 1 };
        assert!(Scan::new(vec![vec![FalseNode { tree: 1, ..node }]], vec![vec![]], vec![0], 2).is_none(), "no tree 1");
        assert!(Scan::new(vec![vec![FalseNode { t: f32::NAN, ..node }]], vec![vec![]], vec![0], 2).is_none(), "NaN threshold");
        assert!(Scan::new(vec![vec![node]], vec![], vec![0], 2).is_none(), "lists that do not pair");
        assert!(Scan::new(vec![vec![node]], vec![vec![]], vec![0, 0], 2).is_none(), "a tree without leaves");
        assert!(Scan::new(vec![vec![node, FalseNode { t: 0.5, ..node }]], vec![vec![]], vec![0], 2).is_none(), "out of order");
        let scan = stump();
        let (mut leaves, mut sums) = (Vec::new(), Vec::new());
        assert!(!Scan::new(vec![vec![], vec![]], vec![vec![], vec![]], vec![0], 1).unwrap().leaves(&[1.0, 2.0, 3.0], &mut leaves));
        assert!(!scan.sums(&[1.0], &[10.0], &mut sums), "a value for each leaf");
        assert!(scan.leaves(&[], &mut leaves) && leaves.is_empty());
    }
}
