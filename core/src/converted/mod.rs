//! The light runtime for graphs the standard converters write (onnxmltools for LightGBM and
//! XGBoost, skl2onnx): a tree ensemble ([`crate::trees`]) or a logistic regression
//! ([`crate::linear`]), scikit-learn's preprocessing in front of them (`Imputer`, `Scaler`,
//! `Normalizer`, `OneHotEncoder`, and the `ArrayFeatureExtractor`, `Gather`, `Concat` and
//! `Reshape` a `ColumnTransformer` becomes), and the nodes converters put around them
//! (`Identity`, `Cast` to float or int64, `Mul`/`Add`/`Sub`/`Div` by a constant, `Sigmoid`,
//! `Slice` of columns, `ZipMap`). A graph takes one float matrix, or one input per column bound
//! to the spec's features by name (`inputs.rs`).
//!
//! Every value is held as f32 in a slot of `[rows, cols]`; the builder (`build.rs`) knows each
//! tensor's shape after the batch and whether it holds floats, whole numbers or category codes
//! standing for strings, and refuses a node whose inputs do not fit it.
//!
//! Only the nodes the chosen output depends on are run; each must be one of those, else the
//! graph is refused with [`Error::Unsupported`] naming the node. The output is the positive
//! class's probability: the second column of a `[batch, 2]` tensor or the only one of
//! `[batch, 1]`; a `ZipMap` output stands for the probability tensor it maps.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::onnx::{self, GraphProto, TensorProto};
use crate::runtime::Runtime;
use crate::trees::{unsupported, TreeEnsemble};

mod build;
mod inputs;
mod ops;

use build::Builder;
pub use inputs::{Feature, Features};
use ops::Op;

/// Rows evaluated together, at most (bounds the scratch memory of one call).
const CHUNK: usize = 256;
/// Values the slots of one chunk hold together, at most: a graph with wide tensors runs in
/// smaller chunks (down to one row; [`build`] bounds a row's values across all slots).
const CHUNK_VALUES: usize = 1 << 20;

/// One node to run: reads slots `inputs`, writes slot `output` (`cols` values per row).
#[derive(Debug, Clone)]
struct Step {
    op: Op,
    inputs: Vec<usize>,
    output: usize,
    cols: usize,
}

/// What a converted graph is fed: rows of `n` floats for its one input, or the spec's
/// features, bound by name to a graph with one input per column ([`inputs`]).
#[derive(Debug, Clone, Copy)]
pub enum Inputs<'a> {
    Matrix(usize),
    Features(&'a Features),
}

/// A converted graph, checked and ready to run.
#[derive(Debug, Clone)]
pub struct ConvertedRuntime {
    steps: Vec<Step>,
    /// Values per row of each slot; slot 0 is what the runtime is fed (the graph's input, or
    /// the raw rows its inputs are bound to).
    slot_cols: Vec<usize>,
    output: usize,
    n_inputs: usize,
    /// Whether the graph's inputs are bound by name.
    by_name: bool,
    /// Rows evaluated together: [`CHUNK`], fewer when a row's values across the slots are many.
    chunk: usize,
}

/// The graph of an ONNX model's bytes.
fn decode(graph: &[u8]) -> Result<GraphProto> {
    let model = onnx::decode(graph).map_err(|e| Error::Bundle(format!("not an ONNX model: {e}")))?;
    model.graph.ok_or_else(|| Error::Bundle("the ONNX model has no graph".into()))
}

/// Whether a graph has a node of the ONNX-ML domain (what this runtime is for).
pub fn is_ml_graph(g: &GraphProto) -> bool {
    g.node.iter().any(|n| n.domain == "ai.onnx.ml")
}

impl ConvertedRuntime {
    /// Reads `graph` (one float input of `n_inputs` values per row) up to its output `output`.
    pub fn load(graph: &[u8], n_inputs: usize, output: &str) -> Result<Self> {
        Self::from_graph(&decode(graph)?, Inputs::Matrix(n_inputs), output)
    }

    /// Reads `graph` up to its first output that is a probability (the converters' label
    /// outputs come first and are passed over); the runtime and the output's name.
    pub fn load_probability(graph: &[u8], inputs: Inputs) -> Result<(Self, String)> {
        Self::probability_of(&decode(graph)?, inputs)
    }

    /// [`Self::load_probability`] of a decoded graph.
    pub fn probability_of(g: &GraphProto, inputs: Inputs) -> Result<(Self, String)> {
        let mut first_error = None;
        for o in &g.output {
            match Self::from_graph(g, inputs, &o.name) {
                Ok(rt) => return Ok((rt, o.name.clone())),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| Error::Unsupported("the graph has no output".into())))
    }

    /// Reads a decoded graph up to its output `output`. With [`Inputs::Features`], a graph
    /// whose one input is not named after a feature takes the features as one matrix; any
    /// other has its inputs bound to the features by name.
    pub fn from_graph(g: &GraphProto, inputs: Inputs, output: &str) -> Result<Self> {
        let inits: HashMap<&str, &TensorProto> = g.initializer.iter().map(|t| (t.name.as_str(), t)).collect();
        let data_inputs = g.data_inputs();
        let mut b = match (inputs, &data_inputs[..]) {
            (Inputs::Matrix(n), [input]) => Builder::matrix(inits, &input.name, n),
            (Inputs::Features(f), [input]) if !f.0.iter().any(|f| f.name == input.name) => Builder::matrix(inits, &input.name, f.len()),
            (Inputs::Features(f), all) if !all.is_empty() => Builder::named(inits, all, f)?,
            (_, all) => {
                return Err(Error::Unsupported(format!("the graph has {} inputs; one float tensor is expected", all.len())));
            }
        };
        let producers = g.producers();
        let target = resolve_zipmap(g, &producers, output)?;
        let input_names: Vec<&str> = data_inputs.iter().map(|i| i.name.as_str()).collect();
        for i in needed_nodes(g, &producers, target, &input_names)? {
            b.add(&g.node[i])?;
        }
        let out = b.tensors.get(target).ok_or_else(|| Error::Unsupported(format!("output `{output}` is not computed from the input")))?;
        if !(1..=2).contains(&out.cols()) || out.kind != inputs::Kind::Float {
            return Err(Error::Unsupported(format!(
                "output `{target}` has {} values per row ({:?}); 1 or 2 floats are expected",
                out.cols(),
                out.kind
            )));
        }
        let (output, n_inputs, by_name) = (out.slot, b.slot_cols[0], b.by_name());
        let chunk = (CHUNK_VALUES / b.slot_cols.iter().sum::<usize>().max(1)).clamp(1, CHUNK);
        Ok(Self { steps: b.steps, slot_cols: b.slot_cols, output, n_inputs, by_name, chunk })
    }

    /// What the graph computes, e.g. `TreeEnsembleClassifier: 40 trees, 709 nodes` or
    /// `18 inputs by name; Imputer; Scaler; OneHotEncoder ×11; LinearClassifier: 55 inputs`.
    pub fn summary(&self) -> String {
        let mut steps: Vec<String> = self.by_name.then(|| format!("{} inputs by name", self.n_inputs)).into_iter().collect();
        let mut one_hots = 0;
        for s in &self.steps {
            let step = match &s.op {
                Op::Trees(t) => format!("{}: {} trees, {} nodes", t.op_type(), t.n_trees(), t.n_nodes()),
                Op::Linear(_) => format!("LinearClassifier: {} inputs", self.slot_cols[s.inputs[0]]),
                Op::Scaler(_) => "Scaler".into(),
                Op::Normalizer(_) => "Normalizer".into(),
                Op::Imputer { .. } => "Imputer".into(),
                Op::OneHot { .. } => {
                    one_hots += 1;
                    continue;
                }
                _ => continue,
            };
            if one_hots > 0 {
                steps.push(format!("OneHotEncoder ×{}", std::mem::take(&mut one_hots)));
            }
            steps.push(step);
        }
        steps.join("; ")
    }

    /// Runs the steps on `rows` rows of `x` into the slots.
    fn run(&self, x: &[f32], rows: usize, slots: &mut [Vec<f32>]) -> Result<()> {
        slots[0].clear();
        slots[0].extend_from_slice(x);
        self.run_steps(&self.steps, rows, slots)
    }

    fn run_steps(&self, steps: &[Step], rows: usize, slots: &mut [Vec<f32>]) -> Result<()> {
        for s in steps {
            let mut out = std::mem::take(&mut slots[s.output]);
            out.clear();
            out.resize(rows * s.cols, 0.0);
            let input = |i: usize| (slots[i].as_slice(), self.slot_cols[i]);
            let result = match &s.inputs[..] {
                [one] => ops::apply(&s.op, &[input(*one)], &mut out),
                many => ops::apply(&s.op, &many.iter().map(|&i| input(i)).collect::<Vec<_>>(), &mut out),
            };
            slots[s.output] = out;
            result?;
        }
        Ok(())
    }
}

/// The tensor a graph output stands for: the probability tensor a `ZipMap` maps, else itself.
pub fn probability_tensor(g: &GraphProto, output: &str) -> Result<String> {
    resolve_zipmap(g, &g.producers(), output).map(str::to_string)
}

/// The name of the tensor `output` stands for: a `ZipMap`'s input for its output.
fn resolve_zipmap<'a>(g: &'a GraphProto, producers: &HashMap<&str, (usize, usize)>, output: &'a str) -> Result<&'a str> {
    if !g.output.iter().any(|o| o.name == output) {
        return Err(Error::Bundle(format!("the graph has no output `{output}`")));
    }
    match producers.get(output) {
        Some(&(i, _)) if g.node[i].op_type == "ZipMap" => {
            g.node[i].input.first().map(String::as_str).ok_or_else(|| unsupported(&g.node[i], "no input"))
        }
        _ => Ok(output),
    }
}

/// The nodes `target` depends on, in graph order.
fn needed_nodes(g: &GraphProto, producers: &HashMap<&str, (usize, usize)>, target: &str, inputs: &[&str]) -> Result<Vec<usize>> {
    let mut needed = vec![false; g.node.len()];
    let mut stack = vec![target];
    while let Some(name) = stack.pop() {
        if inputs.contains(&name) {
            continue;
        }
        if let Some(&(i, _)) = producers.get(name) {
            if !std::mem::replace(&mut needed[i], true) {
                stack.extend(g.node[i].input.iter().map(String::as_str).filter(|s| !s.is_empty()));
            }
        } else if !g.initializer.iter().any(|t| t.name == name) {
            return Err(Error::Bundle(format!("tensor `{name}` is neither an input, an initializer nor a node's output")));
        }
    }
    Ok((0..g.node.len()).filter(|&i| needed[i]).collect())
}

impl ConvertedRuntime {
    /// The tree ensemble, when it is the only step that reads the graph's input (so a variant
    /// of a row changes nothing before it).
    fn trees_first(&self) -> Option<&TreeEnsemble> {
        match self.steps.split_first() {
            Some((Step { op: Op::Trees(t), inputs, .. }, rest)) if inputs == &[0] && rest.iter().all(|s| !s.inputs.contains(&0)) => Some(t),
            _ => None,
        }
    }

    /// The probabilities in slot `output` of `rows` rows into `out`; `first` numbers the rows
    /// in errors.
    fn read_probabilities(&self, slots: &[Vec<f32>], out: &mut [f32], first: usize) -> Result<()> {
        let cols = self.slot_cols[self.output];
        for (r, (o, row)) in out.iter_mut().zip(slots[self.output].chunks_exact(cols)).enumerate() {
            let p = row[cols - 1];
            if !(0.0..=1.0).contains(&p) {
                return Err(Error::Runtime(format!("row {}: the graph gave {p}, not a probability", first + r)));
            }
            *o = p;
        }
        Ok(())
    }
}

impl Runtime for ConvertedRuntime {
    fn name(&self) -> &'static str {
        "light"
    }
    fn n_inputs(&self) -> usize {
        self.n_inputs
    }

    fn predict_into(&self, raw: &[f32], out: &mut [f32]) -> Result<()> {
        crate::runtime::check_rows(raw, self.n_inputs, out)?;
        let mut slots = vec![Vec::new(); self.slot_cols.len()];
        for (c, (x, o)) in raw.chunks(self.chunk * self.n_inputs).zip(out.chunks_mut(self.chunk)).enumerate() {
            self.run(x, o.len(), &mut slots)?;
            self.read_probabilities(&slots, o, c * self.chunk)?;
        }
        Ok(())
    }

    /// Through [`Runtime::prepare`] when the trees come first (one walk of `row`, then only
    /// the trees a value can move); else as whole rows.
    fn predict_values(&self, row: &[f32], input: usize, values: &[f32]) -> Result<Vec<f32>> {
        if self.trees_first().is_none() {
            return self.predict(&crate::runtime::value_rows(row, input, values)?);
        }
        self.prepare(row)?.predict_values(input, values)
    }

    /// When the trees come first, `row` walked once ([`WalkedRow`]); else each call as whole
    /// rows.
    fn prepare<'a>(&'a self, row: &'a [f32]) -> Result<Box<dyn crate::runtime::RowScorer + 'a>> {
        match self.trees_first() {
            Some(trees) => {
                crate::runtime::check_width(row.len(), self.n_inputs)?;
                Ok(Box::new(WalkedRow { rt: self, trees, walked: trees.walk_row(row)? }))
            }
            None => Ok(Box::new(crate::runtime::EachCall { runtime: self, row })),
        }
    }

    /// The rows as usual; a variant re-walks only the trees whose path for its row compares the
    /// changed input ([`TreeEnsemble::eval_variants`]), the same figures as whole rows.
    fn predict_variants(&self, raw: &crate::matrix::Matrix, variants: &[crate::runtime::Variant]) -> Result<Vec<f32>> {
        crate::runtime::check_variants(raw, variants, self.n_inputs)?;
        let Some(trees) = self.trees_first() else { return self.predict(&crate::runtime::variant_rows(raw, variants)) };
        // The trees' scores of the rows, then of the variants; then the other steps on them all.
        let first = &self.steps[0];
        let n = raw.rows() + variants.len();
        let mut scores = vec![0.0; n * first.cols];
        let (rows_scores, variant_scores) = scores.split_at_mut(raw.rows() * first.cols);
        trees.eval_variants(raw.as_slice(), variants, rows_scores, variant_scores)?;
        self.after_trees(&scores, n)
    }
}

/// A row walked through the trees once, for what-if's values ([`Runtime::prepare`]).
struct WalkedRow<'a> {
    rt: &'a ConvertedRuntime,
    trees: &'a TreeEnsemble,
    walked: crate::trees::Walked,
}

impl crate::runtime::RowScorer for WalkedRow<'_> {
    fn predict_values(&self, input: usize, values: &[f32]) -> Result<Vec<f32>> {
        crate::runtime::check_input(input, self.rt.n_inputs)?;
        let mut scores = vec![0.0; values.len() * self.rt.steps[0].cols];
        self.trees.eval_walked(&self.walked, input, values, &mut scores)?;
        self.rt.after_trees(&scores, values.len())
    }
}

impl ConvertedRuntime {
    /// The probabilities of `n` rows from the first step's (the trees') `scores`: the other
    /// steps on them.
    fn after_trees(&self, scores: &[f32], n: usize) -> Result<Vec<f32>> {
        let first = &self.steps[0];
        let (mut out, mut slots) = (vec![0.0; n], vec![Vec::new(); self.slot_cols.len()]);
        for (c, (chunk, o)) in scores.chunks(self.chunk * first.cols).zip(out.chunks_mut(self.chunk)).enumerate() {
            slots[first.output].clear();
            slots[first.output].extend_from_slice(chunk);
            self.run_steps(&self.steps[1..], o.len(), &mut slots)?;
            self.read_probabilities(&slots, o, c * self.chunk)?;
        }
        Ok(out)
    }
}
