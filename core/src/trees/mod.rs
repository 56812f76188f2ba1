//! Tree ensembles as the ONNX-ML operators `TreeEnsembleClassifier` and `TreeEnsembleRegressor`
//! (`ai.onnx.ml` v1 and v3) define them, for binary classifiers and one-target regressors: read
//! from a graph node, checked (every array's length, every node id, the trees without cycles)
//! before anything is sized by what the graph claims, laid out for evaluation
//! (`flat.rs`), and evaluated as
//! onnxruntime evaluates them, its choices where the specification is vague included (the
//! binary classifier's second score, base values, a single class's weights).
//!
//! Every attribute the specification defines is read or refused with
//! [`Error::Unsupported`] naming the node and the attribute (`PROBIT`, more than two classes,
//! double-precision thresholds); an attribute it does not define is refused the same way.

use crate::error::{Error, Result};
use crate::onnx::NodeProto;

pub(crate) mod attrs;
pub(crate) mod binary;
mod build;
mod flat;
mod quick;

use attrs::{classifier, regressor, transform, Attrs, CLASSIFIER, COMMON, REGRESSOR};
use flat::BLOCK;

/// Most nodes an ensemble may have (a 500-tree LightGBM model with 31 leaves has about 31,000).
pub const MAX_TREE_NODES: usize = 1 << 22;

/// How a branch node compares the input with its value (`nodes_modes`); `Leaf` ends a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Leq,
    Lt,
    Gte,
    Gt,
    Eq,
    Neq,
    Leaf,
}

impl Mode {
    fn parse(s: &[u8]) -> Option<Mode> {
        Some(match s {
            b"BRANCH_LEQ" => Mode::Leq,
            b"BRANCH_LT" => Mode::Lt,
            b"BRANCH_GTE" => Mode::Gte,
            b"BRANCH_GT" => Mode::Gt,
            b"BRANCH_EQ" => Mode::Eq,
            b"BRANCH_NEQ" => Mode::Neq,
            b"LEAF" => Mode::Leaf,
            _ => return None,
        })
    }
}

/// One checked node, its children as indices into the node array; a leaf's `yes..no` are its
/// weights' range in the array `build::weights` returns.
#[derive(Debug, Clone, Copy)]
struct Node {
    feature: u32,
    value: f32,
    yes: u32,
    no: u32,
    mode: Mode,
    missing_yes: bool,
}

/// What the scores become (`post_transform`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    None,
    Logistic,
    Softmax,
    SoftmaxZero,
}

/// How a regressor combines its trees (`aggregate_function`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    Sum,
    Average,
    Min,
    Max,
}

/// Which operator, with what onnxruntime derives from its weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Two classes; `single_class`: every weight is for one class id (onnxruntime's "binary
    /// case"), `all_positive`: no weight is negative.
    Classifier { single_class: bool, all_positive: bool },
    /// One target.
    Regressor(Aggregate),
}

/// A checked ensemble, ready to evaluate.
#[derive(Debug, Clone)]
pub struct TreeEnsemble {
    flat: flat::Flat,
    base: Vec<f32>,
    transform: Transform,
    kind: Kind,
    n_features: usize,
}

/// What a light runtime does not run, at a node of an ONNX-ML graph.
pub(crate) fn unsupported(node: &NodeProto, why: impl std::fmt::Display) -> Error {
    Error::Unsupported(format!("node `{}` ({}): {why}", node.name, node.op_type))
}

/// Refuses any attribute of `node` not named in `known`, naming it.
pub(crate) fn only(node: &NodeProto, known: &[&[&str]]) -> Result<()> {
    match node.attribute.iter().find(|a| !known.iter().any(|list| list.contains(&a.name.as_str()))) {
        Some(a) => Err(unsupported(node, format!("attribute `{}` is not one this operator defines", a.name))),
        None => Ok(()),
    }
}

/// A malformed node of an ONNX-ML graph.
pub(crate) fn invalid(node: &NodeProto, why: impl std::fmt::Display) -> Error {
    Error::Bundle(format!("node `{}` ({}): {why}", node.name, node.op_type))
}

impl TreeEnsemble {
    /// Reads and checks a `TreeEnsembleClassifier` or `TreeEnsembleRegressor` node over rows of
    /// `n_features` values.
    pub fn from_node(node: &NodeProto, n_features: usize) -> Result<TreeEnsemble> {
        let is_classifier = match node.op_type.as_str() {
            "TreeEnsembleClassifier" => true,
            "TreeEnsembleRegressor" => false,
            other => return Err(unsupported(node, format!("`{other}` is not a tree ensemble"))),
        };
        only(node, &[COMMON, if is_classifier { CLASSIFIER } else { REGRESSOR }])?;
        let attrs = Attrs { node };
        let transform = transform(&attrs)?;
        let base = attrs.floats("base_values")?;
        let (leaf, kind) = if is_classifier { classifier(&attrs)? } else { regressor(&attrs, transform)? };
        let n_outputs = if is_classifier { 2 } else { 1 };
        if base.len() > n_outputs {
            return Err(invalid(node, format!("{} base values for {n_outputs} outputs", base.len())));
        }
        let (mut nodes, roots, index) = build::nodes(&attrs, n_features)?;
        let weights = build::weights(node, &mut nodes, &index, leaf, n_outputs)?;
        if let Kind::Regressor(_) = kind {
            if let Some(n) = nodes.iter().find(|n| n.mode == Mode::Leaf && n.no - n.yes != 1) {
                return Err(invalid(node, format!("a leaf has {} weights; one per leaf is expected", n.no - n.yes)));
            }
        }
        Ok(TreeEnsemble { flat: flat::Flat::new(&nodes, &roots, &weights, n_features), base, transform, kind, n_features })
    }

    /// Values per output row: 2 (the classes' scores) for a classifier, 1 for a regressor.
    pub fn n_outputs(&self) -> usize {
        match self.kind {
            Kind::Classifier { .. } => 2,
            Kind::Regressor(_) => 1,
        }
    }

    /// The operator: `TreeEnsembleClassifier` or `TreeEnsembleRegressor`.
    pub fn op_type(&self) -> &'static str {
        match self.kind {
            Kind::Classifier { .. } => "TreeEnsembleClassifier",
            Kind::Regressor(_) => "TreeEnsembleRegressor",
        }
    }

    /// The number of trees.
    pub fn n_trees(&self) -> usize {
        self.flat.n_trees()
    }

    /// Whether rows in number find their leaves by QuickScorer's scan (else they walk the trees).
    pub fn scanned(&self) -> bool {
        self.flat.scanned()
    }

    /// The number of nodes, leaves included.
    pub fn n_nodes(&self) -> usize {
        self.flat.n_nodes()
    }

    /// Evaluates the rows of `x` (`n_features` values each) into `out` (`n_outputs` each).
    pub fn eval(&self, x: &[f32], out: &mut [f32]) -> Result<()> {
        let (k, m) = (self.n_features, self.n_outputs());
        if k == 0 || !x.len().is_multiple_of(k) || out.len() != x.len() / k * m {
            return Err(Error::Input(format!("{} values for rows of {k} and {} outputs", x.len(), out.len())));
        }
        if self.eval_single(x, out)? {
            return Ok(());
        }
        let (mut sums, mut masks) = ([[0f32; 2]; BLOCK], [0u8; BLOCK]);
        for (b, (rows, outs)) in x.chunks(BLOCK * k).zip(out.chunks_mut(BLOCK * m)).enumerate() {
            let n = rows.len() / k;
            sums[..n].fill([0.0; 2]);
            masks[..n].fill(0);
            match self.kind {
                Kind::Classifier { .. } => self.flat.each_leaf(rows, k, |r, w, mask| {
                    w.iter().for_each(|&(c, v)| sums[r][c as usize] += v);
                    masks[r] |= mask;
                }),
                Kind::Regressor(aggregate) => self.flat.each_leaf(rows, k, |r, w, _| {
                    sums[r][0] = combine(aggregate, masks[r] != 0, sums[r][0], w[0].1);
                    masks[r] = 1;
                }),
            }
            for (r, o) in outs.chunks_exact_mut(m).enumerate() {
                self.finish(sums[r], masks[r], o).map_err(|e| Error::Runtime(format!("row {}: {e}", b * BLOCK + r)))?;
            }
        }
        Ok(())
    }

    /// [`TreeEnsemble::eval`] when every leaf adds one number to the same output and the scan
    /// takes the trees (the converters' binary models): each row's sum, then its outputs. `false`
    /// when it does not apply (nothing written).
    fn eval_single(&self, x: &[f32], out: &mut [f32]) -> Result<bool> {
        let additive = matches!(self.kind, Kind::Classifier { .. } | Kind::Regressor(Aggregate::Sum | Aggregate::Average));
        let Some(class) = self.flat.single.filter(|_| additive) else { return Ok(false) };
        let mut row_sums = Vec::with_capacity(x.len() / self.n_features);
        if !self.flat.sums(x, &mut row_sums) {
            return Ok(false);
        }
        for (r, (&s, o)) in row_sums.iter().zip(out.chunks_exact_mut(self.n_outputs())).enumerate() {
            let mut sums = [0.0; 2];
            sums[class as usize] = s;
            self.finish(sums, 1 << class, o).map_err(|e| Error::Runtime(format!("row {r}: {e}")))?;
        }
        Ok(true)
    }

    /// The outputs (`n_outputs` each) of the rows of `x` into `rows_out`, and of variants of
    /// them into `out`: `(row, input, value)` is row `row` with `input` set to `value`. Equal to
    /// [`TreeEnsemble::eval`] of the rows and of the variant rows, bit for bit (the leaves are
    /// summed in the same order), but a variant walks a tree again only from the first node of
    /// its row's path that compares the changed input; the other trees keep the row's leaf.
    /// Variants of the same row should follow each other (else the row's paths are walked again).
    pub fn eval_variants(&self, x: &[f32], variants: &[(usize, usize, f32)], rows_out: &mut [f32], out: &mut [f32]) -> Result<()> {
        let (k, m) = (self.n_features, self.n_outputs());
        if k == 0 || !x.len().is_multiple_of(k) || out.len() != variants.len() * m || rows_out.len() != x.len() / k * m {
            return Err(Error::Input(format!("{} values for rows of {k}, {} outputs for {} variants", x.len(), out.len(), variants.len())));
        }
        // Room for paths about 8 nodes deep: a call does not grow its buffers node by node.
        let mut p = Paths::with_capacity(self.n_trees(), k);
        let mut row = vec![0.0; k];
        let mut next = 0;
        // Each row, then the variants of it that follow (all of them when they come in row order).
        for (r, o) in rows_out.chunks_exact_mut(m).enumerate() {
            p.walk(self, r, &x[r * k..(r + 1) * k]);
            self.finish(p.sums, p.mask, o).map_err(|e| Error::Runtime(format!("row {r}: {e}")))?;
            while next < variants.len() && variants[next].0 == r {
                self.variant(&p, x, (next, variants[next]), &mut row, &mut out[next * m..(next + 1) * m])?;
                next += 1;
            }
        }
        for j in next..variants.len() {
            let r = variants[j].0;
            if r != p.row {
                let base = x.get(r * k..(r + 1) * k).ok_or_else(|| Error::Input(format!("variant {j} is of row {r}")))?;
                p.walk(self, r, base);
            }
            self.variant(&p, x, (j, variants[j]), &mut row, &mut out[j * m..(j + 1) * m])?;
        }
        Ok(())
    }

    /// `row` walked once, for [`TreeEnsemble::eval_walked`]'s values of it.
    pub fn walk_row(&self, row: &[f32]) -> Result<Walked> {
        if row.len() != self.n_features {
            return Err(Error::Input(format!("a row of {} values for trees on {}", row.len(), self.n_features)));
        }
        let mut paths = Paths::with_capacity(self.n_trees(), self.n_features);
        paths.walk(self, 0, row);
        Ok(Walked { paths, row: row.to_vec() })
    }

    /// The outputs of the walked row with `input` set to each of `values`, into `out`
    /// (`n_outputs()` each): [`TreeEnsemble::eval_variants`]'s figures, without walking the row
    /// again.
    pub fn eval_walked(&self, w: &Walked, input: usize, values: &[f32], out: &mut [f32]) -> Result<()> {
        let m = self.n_outputs();
        if out.len() != values.len() * m {
            return Err(Error::Input(format!("{} outputs for {} values", out.len(), values.len())));
        }
        let mut row = vec![0.0; self.n_features];
        for (j, (&v, o)) in values.iter().zip(out.chunks_exact_mut(m)).enumerate() {
            self.variant(&w.paths, &w.row, (j, (0, input, v)), &mut row, o)?;
        }
        Ok(())
    }

    /// Variant `j` = `(r, input, value)` of row `r` (whose paths `p` holds) into `o`; `row` is
    /// scratch.
    fn variant(
        &self,
        p: &Paths,
        x: &[f32],
        (j, (r, input, value)): (usize, (usize, usize, f32)),
        row: &mut [f32],
        o: &mut [f32],
    ) -> Result<()> {
        let k = self.n_features;
        if input >= k {
            return Err(Error::Input(format!("variant {j} changes input {input} of rows of {k}")));
        }
        row.copy_from_slice(&x[r * k..(r + 1) * k]);
        row[input] = value;
        let additive = matches!(self.kind, Kind::Classifier { .. } | Kind::Regressor(Aggregate::Sum | Aggregate::Average));
        let (sums, mask) = match self.flat.single {
            // Every leaf adds one number to the same output: the row's sums, with each leaf
            // that moves swapped (equal to summing every leaf again up to float rounding).
            Some(class) if additive => {
                let mut sums = p.sums;
                p.moves(&self.flat, input, row, |_, from, to| {
                    sums[class as usize] += self.flat.leaf(to).0[0].1 - self.flat.leaf(from).0[0].1
                });
                (sums, p.mask)
            }
            _ => {
                let mut leaves = p.leaves.clone();
                p.moves(&self.flat, input, row, |t, _, to| leaves[t] = to);
                self.accumulate(leaves.into_iter())
            }
        };
        self.finish(sums, mask, o).map_err(|e| Error::Runtime(format!("variant {j}: {e}")))
    }

    /// One row's sums and scored outputs from its leaves, tree by tree as [`TreeEnsemble::eval`]
    /// adds them.
    fn accumulate(&self, leaves: impl Iterator<Item = u32>) -> ([f32; 2], u8) {
        let (mut sums, mut masks) = ([0f32; 2], 0u8);
        for c in leaves {
            let (w, mask) = self.flat.leaf(c);
            match self.kind {
                Kind::Classifier { .. } => {
                    w.iter().for_each(|&(c, v)| sums[c as usize] += v);
                    masks |= mask;
                }
                Kind::Regressor(aggregate) => {
                    sums[0] = combine(aggregate, masks != 0, sums[0], w[0].1);
                    masks = 1;
                }
            }
        }
        (sums, masks)
    }

    /// One row's outputs from its sums and the outputs its leaves scored.
    fn finish(&self, s: [f32; 2], mask: u8, out: &mut [f32]) -> std::result::Result<(), &'static str> {
        let origin = if self.base.len() == 1 { self.base[0] } else { 0.0 };
        match self.kind {
            Kind::Regressor(Aggregate::Average) => out[0] = s[0] / self.n_trees() as f32 + origin,
            Kind::Regressor(_) => out[0] = s[0] + origin,
            Kind::Classifier { single_class, all_positive } => {
                let has = [mask & 1 != 0, mask & 2 != 0];
                let o = binary::outputs(s, has, &self.base, single_class, all_positive, self.transform)
                    .ok_or("the ensemble gives no score for the second class")?;
                out.copy_from_slice(&o);
            }
        }
        Ok(())
    }
}

/// One row's way through every tree: each tree's leaf, and the steps of its paths by the input
/// they compare.
struct Paths {
    leaves: Vec<u32>,
    /// The row's sums and scored outputs ([`TreeEnsemble::accumulate`] of its leaves).
    sums: [f32; 2],
    mask: u8,
    /// `by_input[f]`: the steps at nodes that compare input `f`, in tree and path order.
    by_input: Vec<Vec<Step>>,
    row: usize,
}

/// One row and its paths through every tree ([`TreeEnsemble::walk_row`]).
pub struct Walked {
    paths: Paths,
    row: Vec<f32>,
}

/// A step of a row's path: at `node` of `tree`, on to `next`.
#[derive(Debug, Clone, Copy)]
struct Step {
    tree: u32,
    node: u32,
    next: u32,
}

impl Paths {
    fn with_capacity(trees: usize, inputs: usize) -> Paths {
        Paths {
            leaves: Vec::with_capacity(trees),
            sums: [0.0; 2],
            mask: 0,
            // About 8 steps a tree, shared among the inputs (a wide model's inputs grow theirs).
            by_input: (0..inputs).map(|_| Vec::with_capacity((trees * 8).div_ceil(inputs.max(1)))).collect(),
            row: usize::MAX,
        }
    }

    fn walk(&mut self, e: &TreeEnsemble, r: usize, row: &[f32]) {
        self.row = r;
        self.leaves.clear();
        self.by_input.iter_mut().for_each(Vec::clear);
        for t in 0..e.n_trees() {
            let leaf = e.flat.path(t, row, |node, input, next| self.by_input[input as usize].push(Step { tree: t as u32, node, next }));
            self.leaves.push(leaf);
        }
        (self.sums, self.mask) = e.accumulate(self.leaves.iter().copied());
    }

    /// `moved(tree, from, to)` for each tree whose leaf changes when `row` (this row with only
    /// `input` changed) goes through it: of the path's nodes that compare `input`, the first
    /// that sends `row` the other way is where it leaves the path (the others never move it).
    fn moves(&self, flat: &flat::Flat, input: usize, row: &[f32], mut moved: impl FnMut(usize, u32, u32)) {
        let mut decided = u32::MAX;
        for s in &self.by_input[input] {
            if s.tree == decided {
                continue;
            }
            let next = flat.step(s.node, row);
            if next != s.next {
                decided = s.tree;
                let (t, to) = (s.tree as usize, flat.descend(next, row));
                if to != self.leaves[t] {
                    moved(t, self.leaves[t], to);
                }
            }
        }
    }
}

/// A regressor's running value after one more tree's leaf value `v` (`has`: a tree before).
fn combine(aggregate: Aggregate, has: bool, acc: f32, v: f32) -> f32 {
    match aggregate {
        Aggregate::Sum | Aggregate::Average => acc + v,
        Aggregate::Min => {
            if !has || v < acc {
                v
            } else {
                acc
            }
        }
        Aggregate::Max => {
            if !has || v > acc {
                v
            } else {
                acc
            }
        }
    }
}

#[cfg(test)]
mod tests;
