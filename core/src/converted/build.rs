//! Turning a graph's needed nodes into steps: each node checked against what its inputs hold
//! (kind and shape), its output given a slot, or the slot of its input when it only renames,
//! reshapes or casts within a kind.

use std::collections::HashMap;

use super::inputs::{bind, Features, Kind, MISSING_TEXT};
use super::ops::{Arith, Cat, Op};
use super::Step;
use crate::error::Result;
use crate::linear::{Linear, Normalizer, Scaler};
use crate::onnx::{NodeProto, TensorProto, ValueInfoProto, FLOAT, INT64};
use crate::trees::attrs::Attrs;
use crate::trees::{invalid, only, unsupported, TreeEnsemble};

/// Largest whole number an f32 holds exactly (categories and imputed int64 values beyond it are
/// refused).
const EXACT_F32: i64 = 1 << 24;

/// Most values a tensor may hold per row (a graph that would size one beyond it, by joins,
/// reshapes or one-hots, is refused before anything is allocated).
const MAX_COLS: usize = 1 << 16;
/// Most values a row may hold across all of a graph's slots (one row of them is 16 MB; the
/// runtime evaluates fewer rows at once when they are many).
const MAX_ROW_VALUES: usize = 1 << 22;

/// The values per row of `dims`, when at most [`MAX_COLS`].
fn checked_cols(dims: &[usize]) -> Option<usize> {
    dims.iter().try_fold(1usize, |a, &d| a.checked_mul(d)).filter(|&c| c <= MAX_COLS)
}

/// A tensor as the builder knows it: its slot, its dimensions after the batch, what it holds.
#[derive(Debug, Clone)]
pub(super) struct Tensor {
    pub slot: usize,
    pub dims: Vec<usize>,
    pub kind: Kind,
}

impl Tensor {
    pub fn cols(&self) -> usize {
        self.dims.iter().product()
    }
}

pub(super) struct Builder<'a> {
    inits: HashMap<&'a str, &'a TensorProto>,
    features: Option<&'a Features>,
    pub tensors: HashMap<String, Tensor>,
    pub slot_cols: Vec<usize>,
    pub steps: Vec<Step>,
    /// Classifiers' label outputs (not computed).
    labels: Vec<String>,
}

impl<'a> Builder<'a> {
    /// Slot 0 is graph input `input`: rows of `n` floats.
    pub fn matrix(inits: HashMap<&'a str, &'a TensorProto>, input: &str, n: usize) -> Self {
        let tensors = HashMap::from([(input.to_string(), Tensor { slot: 0, dims: vec![n], kind: Kind::Float })]);
        Builder { inits, features: None, tensors, slot_cols: vec![n], steps: vec![], labels: vec![] }
    }

    /// Slot 0 is the raw rows of `features`; each graph input a step that feeds it from them.
    pub fn named(inits: HashMap<&'a str, &'a TensorProto>, inputs: &[&ValueInfoProto], features: &'a Features) -> Result<Self> {
        let mut b = Builder {
            inits,
            features: Some(features),
            tensors: HashMap::new(),
            slot_cols: vec![features.len()],
            steps: vec![],
            labels: vec![],
        };
        for input in inputs {
            let (op, kind) = bind(input, features)?;
            let slot = b.new_slot(1);
            b.steps.push(Step { op, inputs: vec![0], output: slot, cols: 1 });
            b.tensors.insert(input.name.clone(), Tensor { slot, dims: vec![1], kind });
        }
        Ok(b)
    }

    /// Whether the graph's inputs are bound to features by name.
    pub fn by_name(&self) -> bool {
        self.features.is_some()
    }

    fn new_slot(&mut self, cols: usize) -> usize {
        self.slot_cols.push(cols);
        self.slot_cols.len() - 1
    }

    /// Refuses `node` when `cols` more values a row would take the slots beyond
    /// [`MAX_ROW_VALUES`].
    fn room(&self, node: &NodeProto, cols: usize) -> Result<()> {
        match self.slot_cols.iter().sum::<usize>().checked_add(cols) {
            Some(total) if total <= MAX_ROW_VALUES => Ok(()),
            _ => Err(unsupported(node, format!("the graph's tensors would hold more than {MAX_ROW_VALUES} values a row"))),
        }
    }

    /// What a node's input holds; an earlier step must have written it.
    fn tensor(&self, node: &NodeProto, name: &str) -> Result<Tensor> {
        if self.labels.iter().any(|l| l == name) {
            return Err(unsupported(node, format!("input `{name}` is a classifier's label, which is not run (its probabilities are)")));
        }
        self.tensors.get(name).cloned().ok_or_else(|| unsupported(node, format!("input `{name}` is not computed before this node")))
    }

    /// A node's first input, which must hold rows of numbers (`[batch, n]`, float or int64).
    fn numbers(&self, node: &NodeProto) -> Result<Tensor> {
        let t = self.tensor(node, first_input(node)?)?;
        if matches!(t.kind, Kind::Text(_)) {
            return Err(unsupported(node, "its input holds strings; numbers are expected"));
        }
        if t.dims.len() != 1 {
            return Err(unsupported(node, format!("its input has {} dimensions; [batch, n] is expected", t.dims.len() + 1)));
        }
        Ok(t)
    }

    /// A node's first input, which must hold floats.
    fn floats(&self, node: &NodeProto) -> Result<Tensor> {
        let t = self.tensor(node, first_input(node)?)?;
        if t.kind != Kind::Float {
            return Err(unsupported(node, "its input is not float"));
        }
        Ok(t)
    }

    /// A step of `node` computing `op` from `inputs` into a new slot of `dims` per row: the
    /// tensor it writes (not yet named).
    fn step(&mut self, node: &NodeProto, op: Op, inputs: Vec<usize>, dims: Vec<usize>, kind: Kind) -> Result<Tensor> {
        let cols = checked_cols(&dims)
            .ok_or_else(|| unsupported(node, format!("its output of {dims:?} per row is more than {MAX_COLS} values")))?;
        self.room(node, cols)?;
        let slot = self.new_slot(cols);
        self.steps.push(Step { op, inputs, output: slot, cols });
        Ok(Tensor { slot, dims, kind })
    }

    /// A [`Self::step`] whose tensor is the node's first output.
    fn push(&mut self, node: &NodeProto, op: Op, inputs: Vec<usize>, dims: Vec<usize>, kind: Kind) -> Result<()> {
        let out = node.output.first().ok_or_else(|| unsupported(node, "no output"))?.clone();
        let t = self.step(node, op, inputs, dims, kind)?;
        self.tensors.insert(out, t);
        Ok(())
    }

    /// The node's first output is `t` (same slot; dims and kind as given).
    fn alias(&mut self, node: &NodeProto, t: Tensor) -> Result<()> {
        let out = node.output.first().ok_or_else(|| unsupported(node, "no output"))?;
        self.tensors.insert(out.clone(), t);
        Ok(())
    }

    /// The values of constant input `k` of a node, an int64 tensor; with its dimensions.
    fn int_constant(&self, node: &NodeProto, k: usize) -> Result<(Vec<i64>, usize)> {
        let name = node.input.get(k).filter(|n| !n.is_empty()).ok_or_else(|| unsupported(node, format!("no input {k}")))?;
        let t = self.inits.get(name.as_str()).ok_or_else(|| unsupported(node, format!("`{name}` must be a constant")))?;
        let values = t.to_i64().ok_or_else(|| unsupported(node, format!("`{name}` must be an int64 tensor")))?;
        Ok((values, t.dims.len()))
    }

    pub fn add(&mut self, node: &NodeProto) -> Result<()> {
        match (node.domain.as_str(), node.op_type.as_str()) {
            ("ai.onnx.ml", "TreeEnsembleClassifier" | "TreeEnsembleRegressor") => {
                let t = self.numbers(node)?;
                let trees = TreeEnsemble::from_node(node, t.cols())?;
                let cols = trees.n_outputs();
                self.labelled(node, t, Op::Trees(Box::new(trees)), cols)
            }
            ("ai.onnx.ml", "LinearClassifier") => {
                let t = self.numbers(node)?;
                let linear = Linear::from_node(node, t.cols())?;
                self.labelled(node, t, Op::Linear(Box::new(linear)), 2)
            }
            ("ai.onnx.ml", "Scaler") => {
                let t = self.numbers(node)?;
                self.push(node, Op::Scaler(Scaler::from_node(node, t.cols())?), vec![t.slot], t.dims, Kind::Float)
            }
            ("ai.onnx.ml", "Normalizer") => {
                let t = self.numbers(node)?;
                self.push(node, Op::Normalizer(Normalizer::from_node(node, t.cols())?), vec![t.slot], t.dims, Kind::Float)
            }
            ("ai.onnx.ml", "Imputer") => self.imputer(node),
            ("ai.onnx.ml", "OneHotEncoder") => self.one_hot(node),
            ("ai.onnx.ml", "ArrayFeatureExtractor") => self.gather(node),
            ("", "Gather") => {
                only(node, &[&["axis"]])?;
                match (Attrs { node }).get("axis").map_or(0, |a| a.i) {
                    1 | -1 => self.gather(node),
                    axis => Err(unsupported(node, format!("gathers along axis {axis}; only columns (axis 1) are run"))),
                }
            }
            ("", "Concat") => self.concat(node),
            ("", "Reshape") => self.reshape(node),
            ("", "Identity") => {
                let t = self.tensor(node, first_input(node)?)?;
                self.alias(node, t)
            }
            ("", "Cast") => self.cast(node),
            ("", "Sigmoid") => {
                let t = self.floats(node)?;
                self.push(node, Op::Sigmoid, vec![t.slot], t.dims, Kind::Float)
            }
            ("", "Add" | "Sub" | "Mul" | "Div") => self.arith(node),
            ("", "Slice") => self.slice(node),
            (domain, op) => Err(unsupported(
                node,
                format!("`{domain}{}{op}` is not run by the light runtime", if domain.is_empty() { "" } else { "." }),
            )),
        }
    }

    /// A classifier's step: its scores (the last output, `cols` per row) get a slot; its label
    /// (the first, when there are two) is not run.
    fn labelled(&mut self, node: &NodeProto, input: Tensor, op: Op, cols: usize) -> Result<()> {
        let name = node.output.last().ok_or_else(|| unsupported(node, "no output"))?.clone();
        self.labels.extend(node.output.iter().rev().skip(1).cloned());
        let t = self.step(node, op, vec![input.slot], vec![cols], Kind::Float)?;
        self.tensors.insert(name, t);
        Ok(())
    }

    /// `Cast` to float or int64 (of numbers; a float to int64 is truncated).
    fn cast(&mut self, node: &NodeProto) -> Result<()> {
        let t = self.tensor(node, first_input(node)?)?;
        let to = Attrs { node }.get("to").map_or(0, |a| a.i);
        match (i32::try_from(to).unwrap_or(0), &t.kind) {
            (_, Kind::Text(_)) => Err(unsupported(node, "a Cast of strings is not run")),
            (FLOAT, _) => self.alias(node, Tensor { kind: Kind::Float, ..t }),
            (INT64, Kind::Int) => self.alias(node, t),
            (INT64, _) => self.push(node, Op::Truncate { node: node.name.clone() }, vec![t.slot], t.dims, Kind::Int),
            _ => Err(unsupported(node, format!("Cast to type {to}; float (1) and int64 (7) are run"))),
        }
    }

    /// `Imputer` of float or int64 rows: one imputed value, or one per column.
    fn imputer(&mut self, node: &NodeProto) -> Result<()> {
        only(node, &[&["imputed_value_floats", "imputed_value_int64s", "replaced_value_float", "replaced_value_int64"]])?;
        let t = self.numbers(node)?;
        let attrs = Attrs { node };
        let (floats, ints) = (attrs.floats("imputed_value_floats")?, attrs.ints("imputed_value_int64s"));
        let (values, replaced) = match (&t.kind, floats.is_empty(), ints.is_empty()) {
            (Kind::Float, false, true) => (floats, attrs.get("replaced_value_float").map_or(0.0, |a| a.f)),
            (Kind::Int, true, false) => {
                let replaced = attrs.get("replaced_value_int64").map_or(0, |a| a.i);
                (exact_floats(node, ints)?, exact_floats(node, &[replaced])?[0])
            }
            (kind, ..) => {
                let want = if *kind == Kind::Int { "imputed_value_int64s" } else { "imputed_value_floats" };
                return Err(invalid(node, format!("its input is {kind:?}; `{want}` alone is expected")));
            }
        };
        if values.len() != 1 && values.len() != t.cols() {
            return Err(invalid(node, format!("{} imputed values for rows of {}", values.len(), t.cols())));
        }
        let kind = t.kind.clone();
        self.push(node, Op::Imputer { values, replaced }, vec![t.slot], t.dims, kind)
    }

    /// `OneHotEncoder`: `[batch, k]` in, `[batch, k, categories]` out. Strings are matched by
    /// their category codes; a float input is truncated to int64 first, as onnxruntime does.
    fn one_hot(&mut self, node: &NodeProto) -> Result<()> {
        only(node, &[&["cats_int64s", "cats_strings", "zeros"]])?;
        let mut t = self.tensor(node, first_input(node)?)?;
        let attrs = Attrs { node };
        let (ints, strings) = (attrs.ints("cats_int64s"), attrs.strings("cats_strings"));
        let zeros = attrs.get("zeros").map_or(1, |a| a.i) != 0;
        let width = ints.len().max(strings.len());
        if t.cols().checked_mul(width).is_none_or(|c| c > MAX_COLS) {
            return Err(unsupported(node, format!("{} columns of {width} categories are more than {MAX_COLS} values a row", t.cols())));
        }
        let cats: Vec<Cat> = match (&t.kind, ints.is_empty(), strings.is_empty()) {
            (_, false, false) => return Err(invalid(node, "both `cats_int64s` and `cats_strings` are given")),
            (_, true, true) => return Err(invalid(node, "no categories")),
            (Kind::Text(features), true, false) => {
                features.iter().flat_map(|&f| strings.iter().map(move |s| (f, s))).map(|(f, s)| self.text_cat(f, s)).collect()
            }
            (Kind::Text(_), ..) => return Err(unsupported(node, "its input holds strings; `cats_strings` is expected")),
            (_, false, true) => {
                let values = exact_floats(node, ints)?;
                (0..t.cols()).flat_map(|_| values.iter().map(|&v| Cat::Value(v))).collect()
            }
            (_, true, false) => return Err(unsupported(node, "its input holds numbers; `cats_int64s` is expected")),
        };
        if t.kind == Kind::Float {
            t = self.step(node, Op::Truncate { node: node.name.clone() }, vec![t.slot], t.dims, Kind::Int)?;
        }
        let dims = t.dims.iter().copied().chain([width]).collect();
        self.push(node, Op::OneHot { cats, width, zeros, node: node.name.clone() }, vec![t.slot], dims, Kind::Float)
    }

    /// What category text `s` of a `OneHotEncoder` matches in feature `f`'s codes.
    fn text_cat(&self, f: usize, s: &[u8]) -> Cat {
        let categories = &self.features.expect("text inputs are bound to features").0[f].categories;
        match categories.iter().position(|c| c.as_bytes() == s) {
            Some(code) => Cat::Value(code as f32),
            None if s.is_empty() => Cat::Value(MISSING_TEXT),
            None => Cat::Never,
        }
    }

    /// `Gather` (axis 1) and `ArrayFeatureExtractor`: columns by constant indices.
    fn gather(&mut self, node: &NodeProto) -> Result<()> {
        let t = self.tensor(node, first_input(node)?)?;
        let (indices, rank) = self.int_constant(node, 1)?;
        if t.dims.len() != 1 || rank != 1 {
            return Err(unsupported(node, "only columns of [batch, n] rows by a list of indices are run"));
        }
        let n = t.cols() as i64;
        let columns = indices
            .iter()
            .map(|&i| match if i < 0 { i + n } else { i } {
                c if (0..n).contains(&c) => Ok(c as usize),
                _ => Err(invalid(node, format!("index {i} is outside rows of {n}"))),
            })
            .collect::<Result<Vec<usize>>>()?;
        self.columns(node, t, columns)
    }

    fn columns(&mut self, node: &NodeProto, t: Tensor, columns: Vec<usize>) -> Result<()> {
        let kind = match &t.kind {
            Kind::Text(features) => Kind::Text(columns.iter().map(|&c| features[c]).collect()),
            other => other.clone(),
        };
        let dims = vec![columns.len()];
        self.push(node, Op::Columns(columns), vec![t.slot], dims, kind)
    }

    /// `Concat` along an axis all of whose predecessors (after the batch) are 1, so that rows
    /// are joined end to end; inputs of one kind of numbers.
    fn concat(&mut self, node: &NodeProto) -> Result<()> {
        let parts = node.input.iter().map(|n| self.tensor(node, n)).collect::<Result<Vec<Tensor>>>()?;
        let first = parts.first().ok_or_else(|| unsupported(node, "no input"))?;
        let rank = first.dims.len() as i64;
        let axis = Attrs { node }.get("axis").map_or(0, |a| a.i);
        let k = if axis < 0 { axis + rank } else { axis - 1 };
        if !(0..rank).contains(&k) {
            return Err(unsupported(node, format!("concatenates along axis {axis}; only axes after the batch are run")));
        }
        let k = k as usize;
        for p in &parts {
            let same = p.dims.len() == first.dims.len() && p.dims.iter().zip(&first.dims).enumerate().all(|(i, (a, b))| i == k || a == b);
            if !same || p.dims[..k].iter().any(|&d| d != 1) {
                return Err(unsupported(
                    node,
                    format!("joins shapes {:?} and {:?} along axis {axis}, which is not rows end to end", first.dims, p.dims),
                ));
            }
            if p.kind != first.kind || matches!(p.kind, Kind::Text(_)) {
                return Err(unsupported(node, "joins strings, or numbers of different types"));
            }
        }
        let mut dims = first.dims.clone();
        dims[k] = parts.iter().map(|p| p.dims[k]).sum();
        let kind = first.kind.clone();
        self.push(node, Op::Concat, parts.iter().map(|p| p.slot).collect(), dims, kind)
    }

    /// `Reshape` that keeps the batch first (its first dimension -1, or 0 copied from the input).
    fn reshape(&mut self, node: &NodeProto) -> Result<()> {
        only(node, &[&["allowzero"]])?;
        let t = self.tensor(node, first_input(node)?)?;
        let (shape, _) = self.int_constant(node, 1)?;
        let allowzero = Attrs { node }.get("allowzero").is_some_and(|a| a.i != 0);
        let refuse = || unsupported(node, format!("shape {shape:?} of rows of {:?} does not keep the batch first", t.dims));
        let (&head, rest) = shape.split_first().ok_or_else(refuse)?;
        let mut dims: Vec<Option<usize>> = Vec::with_capacity(rest.len());
        for (i, &s) in rest.iter().enumerate() {
            dims.push(match s {
                0 if !allowzero => Some(*t.dims.get(i).ok_or_else(refuse)?),
                -1 => None,
                s if s > 0 => Some(usize::try_from(s).map_err(|_| refuse())?),
                _ => return Err(refuse()),
            });
        }
        let known = checked_cols(&dims.iter().flatten().copied().collect::<Vec<_>>()).ok_or_else(refuse)?;
        let unknown = dims.iter().filter(|d| d.is_none()).count();
        let batch_kept = (head == -1 && unknown == 0) || (head == 0 && !allowzero && unknown <= 1);
        if !batch_kept || known == 0 || t.cols() % known != 0 || (unknown == 0 && known != t.cols()) {
            return Err(refuse());
        }
        let dims = dims.into_iter().map(|d| d.unwrap_or(t.cols() / known)).collect();
        self.alias(node, Tensor { dims, ..t })
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
        let t = self.tensor(node, value)?;
        if t.kind != Kind::Float || t.dims.len() != 1 {
            return Err(unsupported(node, "its computed input must be float rows [batch, n]"));
        }
        let constant = constant.to_f32().ok_or_else(|| unsupported(node, format!("constant `{}` is not a float tensor", constant.name)))?;
        if constant.len() != 1 && constant.len() != t.cols() {
            return Err(unsupported(node, format!("a constant of {} values on rows of {}", constant.len(), t.cols())));
        }
        self.push(node, Op::Arith { arith, constant, constant_first }, vec![t.slot], t.dims, Kind::Float)
    }

    /// `Slice` of columns: constant `starts`, `ends`, `axes` (the last one, given: without it
    /// the slice is of rows) and `steps` (1), one value each.
    fn slice(&mut self, node: &NodeProto) -> Result<()> {
        let t = self.tensor(node, first_input(node)?)?;
        if t.dims.len() != 1 {
            return Err(unsupported(node, "only columns of [batch, n] rows are sliced"));
        }
        let cols = t.cols() as i64;
        let constant = |k: usize, default: i64| -> Result<i64> {
            if node.input.get(k).is_none_or(|n| n.is_empty()) {
                return Ok(default);
            }
            match self.int_constant(node, k)?.0[..] {
                [v] => Ok(v),
                _ => Err(unsupported(node, format!("input {k} must be one int64 value"))),
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
        self.columns(node, t, (start..end).collect())
    }
}

fn first_input(node: &NodeProto) -> Result<&str> {
    node.input.first().map(String::as_str).ok_or_else(|| unsupported(node, "no input"))
}

/// int64 values as f32, each exact (within ±2^24).
fn exact_floats(node: &NodeProto, values: &[i64]) -> Result<Vec<f32>> {
    values
        .iter()
        .map(|&v| {
            if v.abs() <= EXACT_F32 {
                Ok(v as f32)
            } else {
                Err(unsupported(node, format!("{v} is beyond ±2^24, which f32 does not hold exactly")))
            }
        })
        .collect()
}
