//! The light runtime for graphs the standard converters write (onnxmltools for LightGBM and
//! XGBoost, skl2onnx): a tree ensemble ([`crate::trees`]) or a logistic regression behind a
//! scaler ([`crate::linear`]), and the nodes converters put around them (`Identity`, `Cast` to
//! float, `Mul`/`Add`/`Sub`/`Div` by a constant, `Sigmoid`, `Slice` of columns, `ZipMap`).
//!
//! Only the nodes the chosen output depends on are run; each must be one of those, else the
//! graph is refused with [`Error::Unsupported`] naming the node. The output is the positive
//! class's probability: the second column of a `[batch, 2]` tensor or the only one of
//! `[batch, 1]`; a `ZipMap` output stands for the probability tensor it maps.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::onnx::{self, GraphProto, NodeProto, TensorProto};
use crate::runtime::Runtime;
use crate::trees::{unsupported, TreeEnsemble};

/// Rows evaluated together (bounds the scratch memory of one call).
const CHUNK: usize = 256;

/// Arithmetic with a constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone)]
enum Op {
    Trees(Box<TreeEnsemble>),
    Linear(Box<crate::linear::Linear>),
    Scaler(crate::linear::Scaler),
    Sigmoid,
    /// `value ∘ constant` (or `constant ∘ value` when `constant_first`); the constant has one
    /// value or one per column.
    Arith {
        arith: Arith,
        constant: Vec<f32>,
        constant_first: bool,
    },
    /// Columns `start..end` of each row (`Slice` on the last axis).
    Columns {
        start: usize,
        end: usize,
    },
}

/// One node to run: reads slot `input`, writes slot `output` (`cols` values per row).
#[derive(Debug, Clone)]
struct Step {
    op: Op,
    input: usize,
    output: usize,
    cols: usize,
}

/// A converted graph, checked and ready to run.
#[derive(Debug, Clone)]
pub struct ConvertedRuntime {
    steps: Vec<Step>,
    /// Values per row of each slot; slot 0 is the graph's input.
    slot_cols: Vec<usize>,
    output: usize,
    n_inputs: usize,
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
        Self::from_graph(&decode(graph)?, n_inputs, output)
    }

    /// Reads `graph` up to its first output that is a probability (the converters' label
    /// outputs come first and are passed over); the runtime and the output's name.
    pub fn load_probability(graph: &[u8], n_inputs: usize) -> Result<(Self, String)> {
        Self::probability_of(&decode(graph)?, n_inputs)
    }

    /// [`Self::load_probability`] of a decoded graph.
    pub fn probability_of(g: &GraphProto, n_inputs: usize) -> Result<(Self, String)> {
        let mut first_error = None;
        for o in &g.output {
            match Self::from_graph(g, n_inputs, &o.name) {
                Ok(rt) => return Ok((rt, o.name.clone())),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| Error::Unsupported("the graph has no output".into())))
    }

    /// [`Self::load`] of a decoded graph.
    pub fn from_graph(g: &GraphProto, n_inputs: usize, output: &str) -> Result<Self> {
        let inits: HashMap<&str, &TensorProto> = g.initializer.iter().map(|t| (t.name.as_str(), t)).collect();
        let inputs = g.data_inputs();
        let [input] = inputs[..] else {
            return Err(Error::Unsupported(format!("the graph has {} inputs; one float tensor is expected", inputs.len())));
        };
        let input = input.name.as_str();
        let producers = g.producers();
        let target = resolve_zipmap(g, &producers, output)?;
        let needed = needed_nodes(g, &producers, target, input)?;
        let mut b =
            Builder { inits, slots: HashMap::from([(input.to_string(), 0)]), slot_cols: vec![n_inputs], steps: vec![], labels: vec![] };
        for &i in &needed {
            b.add(&g.node[i], n_inputs)?;
        }
        let out = *b.slots.get(target).ok_or_else(|| Error::Unsupported(format!("output `{output}` is not computed from the input")))?;
        if !(1..=2).contains(&b.slot_cols[out]) {
            return Err(Error::Unsupported(format!("output `{target}` has {} values per row; 1 or 2 are expected", b.slot_cols[out])));
        }
        Ok(Self { steps: b.steps, slot_cols: b.slot_cols, output: out, n_inputs })
    }

    /// What the graph computes, e.g. `TreeEnsembleClassifier: 40 trees, 709 nodes` or
    /// `Scaler; LinearClassifier: 18 inputs`.
    pub fn summary(&self) -> String {
        let steps: Vec<String> = self
            .steps
            .iter()
            .filter_map(|s| match &s.op {
                Op::Trees(t) => Some(format!("{}: {} trees, {} nodes", t.op_type(), t.n_trees(), t.n_nodes())),
                Op::Linear(_) => Some(format!("LinearClassifier: {} inputs", self.slot_cols[s.input])),
                Op::Scaler(_) => Some("Scaler".into()),
                _ => None,
            })
            .collect();
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
            let (input, mut out) = (std::mem::take(&mut slots[s.input]), std::mem::take(&mut slots[s.output]));
            out.clear();
            out.resize(rows * s.cols, 0.0);
            let result = apply(&s.op, &input, &mut out, self.slot_cols[s.input]);
            slots[s.input] = input;
            slots[s.output] = out;
            result?;
        }
        Ok(())
    }
}

fn apply(op: &Op, input: &[f32], out: &mut [f32], in_cols: usize) -> Result<()> {
    match op {
        Op::Trees(t) => t.eval(input, out)?,
        Op::Linear(l) => l.eval(input, out),
        Op::Scaler(s) => s.eval(input, out),
        Op::Sigmoid => out.iter_mut().zip(input).for_each(|(o, &v)| *o = crate::network::sigmoid(v)),
        Op::Columns { start, end } => {
            for (o, row) in out.chunks_exact_mut(end - start).zip(input.chunks_exact(in_cols)) {
                o.copy_from_slice(&row[*start..*end]);
            }
        }
        Op::Arith { arith, constant, constant_first } => {
            for (o_row, i_row) in out.chunks_exact_mut(in_cols).zip(input.chunks_exact(in_cols)) {
                for (c, (o, &v)) in o_row.iter_mut().zip(i_row).enumerate() {
                    let k = constant[if constant.len() == 1 { 0 } else { c }];
                    let (a, b) = if *constant_first { (k, v) } else { (v, k) };
                    *o = match arith {
                        Arith::Add => a + b,
                        Arith::Sub => a - b,
                        Arith::Mul => a * b,
                        Arith::Div => a / b,
                    };
                }
            }
        }
    }
    Ok(())
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
fn needed_nodes(g: &GraphProto, producers: &HashMap<&str, (usize, usize)>, target: &str, input: &str) -> Result<Vec<usize>> {
    let mut needed = vec![false; g.node.len()];
    let mut stack = vec![target];
    while let Some(name) = stack.pop() {
        if name == input {
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

/// Turns the needed nodes into steps, in order, giving each output a slot.
struct Builder<'a> {
    inits: HashMap<&'a str, &'a TensorProto>,
    slots: HashMap<String, usize>,
    slot_cols: Vec<usize>,
    steps: Vec<Step>,
    /// Classifiers' label outputs (not computed).
    labels: Vec<String>,
}

impl Builder<'_> {
    /// The slot of a node's input, which an earlier step must have written.
    fn slot(&self, node: &NodeProto, name: &str) -> Result<usize> {
        if self.labels.iter().any(|l| l == name) {
            return Err(unsupported(node, format!("input `{name}` is a classifier's label, which is not run (its probabilities are)")));
        }
        self.slots.get(name).copied().ok_or_else(|| unsupported(node, format!("input `{name}` is not computed before this node")))
    }

    fn new_slot(&mut self, name: &str, cols: usize) -> usize {
        self.slot_cols.push(cols);
        let slot = self.slot_cols.len() - 1;
        self.slots.insert(name.to_string(), slot);
        slot
    }

    fn add(&mut self, node: &NodeProto, n_inputs: usize) -> Result<()> {
        let in_name = node.input.first().ok_or_else(|| unsupported(node, "no input"))?;
        match (node.domain.as_str(), node.op_type.as_str()) {
            ("ai.onnx.ml", "TreeEnsembleClassifier" | "TreeEnsembleRegressor") => {
                if self.slot(node, in_name)? != 0 {
                    return Err(unsupported(node, "a tree ensemble must read the graph's input"));
                }
                let trees = TreeEnsemble::from_node(node, n_inputs)?;
                let cols = trees.n_outputs();
                self.labelled(node, in_name, Op::Trees(Box::new(trees)), cols)?;
            }
            ("ai.onnx.ml", "LinearClassifier") => {
                let k = self.slot_cols[self.slot(node, in_name)?];
                let linear = crate::linear::Linear::from_node(node, k)?;
                self.labelled(node, in_name, Op::Linear(Box::new(linear)), 2)?;
            }
            ("ai.onnx.ml", "Scaler") => {
                let k = self.slot_cols[self.slot(node, in_name)?];
                self.step(node, in_name, Op::Scaler(crate::linear::Scaler::from_node(node, k)?))?;
            }
            ("", "Identity") => self.alias(node, in_name)?,
            ("", "Cast") => {
                let to = node.attribute.iter().find(|a| a.name == "to").map_or(0, |a| a.i);
                if to != i64::from(onnx::FLOAT) {
                    return Err(unsupported(node, format!("Cast to type {to}; only float (1) is run")));
                }
                self.alias(node, in_name)?;
            }
            ("", "Sigmoid") => self.step(node, in_name, Op::Sigmoid)?,
            ("", "Add" | "Sub" | "Mul" | "Div") => self.arith(node)?,
            ("", "Slice") => self.slice(node, in_name)?,
            (domain, op) => {
                return Err(unsupported(
                    node,
                    format!("`{domain}{}{op}` is not run by the light runtime", if domain.is_empty() { "" } else { "." }),
                ))
            }
        }
        Ok(())
    }

    /// A classifier's step: its scores (the last output, `cols` per row) get a slot; its label
    /// (the first, when there are two) is not run.
    fn labelled(&mut self, node: &NodeProto, in_name: &str, op: Op, cols: usize) -> Result<()> {
        let input = self.slot(node, in_name)?;
        let name = node.output.last().ok_or_else(|| unsupported(node, "no output"))?;
        self.labels.extend(node.output.iter().rev().skip(1).cloned());
        let output = self.new_slot(name, cols);
        self.steps.push(Step { op, input, output, cols });
        Ok(())
    }

    /// A node whose output is its input.
    fn alias(&mut self, node: &NodeProto, in_name: &str) -> Result<()> {
        let slot = self.slot(node, in_name)?;
        let out = node.output.first().ok_or_else(|| unsupported(node, "no output"))?;
        self.slots.insert(out.clone(), slot);
        Ok(())
    }

    fn step(&mut self, node: &NodeProto, in_name: &str, op: Op) -> Result<()> {
        let input = self.slot(node, in_name)?;
        let cols = match op {
            Op::Columns { start, end } => end - start,
            _ => self.slot_cols[input],
        };
        let out = node.output.first().ok_or_else(|| unsupported(node, "no output"))?;
        let output = self.new_slot(out, cols);
        self.steps.push(Step { op, input, output, cols });
        Ok(())
    }

    /// `Add`/`Sub`/`Mul`/`Div` of a computed value and a constant of one value or one per column.
    fn arith(&mut self, node: &NodeProto) -> Result<()> {
        let arith = match node.op_type.as_str() {
            "Add" => Arith::Add,
            "Sub" => Arith::Sub,
            "Mul" => Arith::Mul,
            _ => Arith::Div,
        };
        let [a, b] = &node.input[..] else { return Err(unsupported(node, "two inputs are expected")) };
        let (value, constant, constant_first) = match (self.inits.get(a.as_str()), self.inits.get(b.as_str())) {
            (None, Some(t)) => (a, t, false),
            (Some(t), None) => (b, t, true),
            _ => return Err(unsupported(node, "one input must be a constant (initializer) and the other computed")),
        };
        let cols = self.slot_cols[self.slot(node, value)?];
        let constant = constant.to_f32().ok_or_else(|| unsupported(node, format!("constant `{}` is not a float tensor", constant.name)))?;
        if constant.len() != 1 && constant.len() != cols {
            return Err(unsupported(node, format!("a constant of {} values on rows of {cols}", constant.len())));
        }
        self.step(node, value, Op::Arith { arith, constant, constant_first })
    }

    /// `Slice` of columns: constant `starts`, `ends`, `axes` (the last one, given: without it
    /// the slice is of rows) and `steps` (1), one value each.
    fn slice(&mut self, node: &NodeProto, in_name: &str) -> Result<()> {
        let cols = self.slot_cols[self.slot(node, in_name)?] as i64;
        let constant = |k: usize, default: i64| -> Result<i64> {
            let Some(name) = node.input.get(k).filter(|n| !n.is_empty()) else { return Ok(default) };
            let t = self.inits.get(name.as_str()).ok_or_else(|| unsupported(node, format!("`{name}` must be a constant")))?;
            match t.to_i64().as_deref() {
                Some([v]) => Ok(*v),
                _ => Err(unsupported(node, format!("`{name}` must be one int64 value"))),
            }
        };
        let (axis, step) = (constant(3, 0)?, constant(4, 1)?);
        if !(axis == 1 || axis == -1) || step != 1 {
            return Err(unsupported(node, format!("only columns are sliced (axis 1, step 1), not axis {axis}, step {step}")));
        }
        let clamp = |v: i64| (if v < 0 { v + cols } else { v }).clamp(0, cols) as usize;
        let (start, end) = (clamp(constant(1, 0)?), clamp(constant(2, cols)?));
        if start >= end {
            return Err(unsupported(node, format!("an empty slice of columns {start}..{end}")));
        }
        self.step(node, in_name, Op::Columns { start, end })
    }
}

impl ConvertedRuntime {
    /// The tree ensemble, when it is the only step that reads the graph's input (so a variant
    /// of a row changes nothing before it).
    fn trees_first(&self) -> Option<&TreeEnsemble> {
        match self.steps.split_first() {
            Some((Step { op: Op::Trees(t), input: 0, .. }, rest)) if rest.iter().all(|s| s.input != 0) => Some(t),
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
        for (c, (x, o)) in raw.chunks(CHUNK * self.n_inputs).zip(out.chunks_mut(CHUNK)).enumerate() {
            self.run(x, o.len(), &mut slots)?;
            self.read_probabilities(&slots, o, c * CHUNK)?;
        }
        Ok(())
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
        let (mut out, mut slots) = (vec![0.0; n], vec![Vec::new(); self.slot_cols.len()]);
        for (c, (chunk, o)) in scores.chunks(CHUNK * first.cols).zip(out.chunks_mut(CHUNK)).enumerate() {
            slots[first.output].clear();
            slots[first.output].extend_from_slice(chunk);
            self.run_steps(&self.steps[1..], o.len(), &mut slots)?;
            self.read_probabilities(&slots, o, c * CHUNK)?;
        }
        Ok(out)
    }
}
