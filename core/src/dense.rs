//! The light runtime: runs the advisor's own graphs (preprocessing + dense network, as
//! [`crate::graph::build`] writes them) and plain dense MLP graphs (`Gemm` or `MatMul`+`Add`,
//! `Relu`, a final `Sigmoid`) without a general ONNX engine. It is what the browser build
//! ships; any other graph needs the general runtime (tract).
//!
//! An advisor graph is accepted only when rebuilding it from the manifest's preprocessing and
//! the graph's own weights gives the same graph, node for node and byte for byte: the light
//! runtime then computes exactly what the graph says.

use std::collections::HashMap;

use advisor_kernel::PackedDense;

use crate::error::{Error, Result};
use crate::graph;
use crate::matrix::Matrix;
use crate::network::{sigmoid, Activation, Dense, Mlp, Precision};
use crate::onnx::{self, GraphProto, ModelProto, NodeProto, TensorProto};
use crate::preprocess::Preprocessor;
use crate::runtime::Runtime;
use crate::trees::TreeEnsemble;

/// Rows processed together (bounds the scratch memory of one call).
const CHUNK: usize = 64;

/// A dense network, optionally behind the advisor's preprocessing, packed for [`advisor_kernel`].
#[derive(Debug, Clone)]
pub struct DenseRuntime {
    pre: Option<Preprocessor>,
    n_inputs: usize,
    layers: Vec<PackedDense>,
    /// The first layer unpacked (`inputs × outputs`, bias, ReLU), for variants of a row: they
    /// differ from it in a few encoded inputs, so their first layer is the row's plus those.
    first: Dense,
    /// A blend's trees ([`graph::build_blend`]): their margin (column 1 of their scores on the
    /// raw values) is added to the network's logit.
    trees: Option<TreeEnsemble>,
    spare: Spare,
}

/// The hidden-row buffers a [`Prepared`] leaves for the next one: score + reasons prepares a
/// row every call, and allocating and zeroing its buffers each time was 5 % of the call in
/// Chromium (`profile-page.sh score`). Taken when free, else new ones.
#[derive(Debug, Default)]
struct Spare(std::sync::Mutex<Option<(Vec<f32>, Vec<f32>)>>);

impl Clone for Spare {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl Spare {
    fn take(&self) -> (Vec<f32>, Vec<f32>) {
        self.0.try_lock().ok().and_then(|mut s| s.take()).unwrap_or_default()
    }
    fn give(&self, buffers: (Vec<f32>, Vec<f32>)) {
        if let Ok(mut s) = self.0.try_lock() {
            *s = Some(buffers);
        }
    }
}

/// How a graph was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphKind {
    /// The advisor's own graph: preprocessing then the network.
    Advisor,
    /// A plain dense MLP on the raw inputs.
    Mlp,
    /// The advisor's blend: its graph with trees beside the network.
    Blend,
}

impl DenseRuntime {
    /// Reads `graph` (already hash-checked) and packs its network. `pre` is the manifest's
    /// fitted preprocessing, when the graph comes from an advisor bundle.
    pub fn load(graph: &[u8], n_inputs: usize, pre: Option<&Preprocessor>) -> Result<(Self, GraphKind)> {
        let model = onnx::decode(graph).map_err(|e| Error::Bundle(format!("not an ONNX model: {e}")))?;
        Self::from_model(&model, graph, n_inputs, pre)
    }

    /// The trainer's own network for `pre` alone (what [`graph::build`] writes; no blend, no
    /// plain MLP): the scorer module's runtime, which leaves the tree and converted-graph
    /// readers out of its bytes. [`Error::Unsupported`] for any other graph.
    pub fn network(graph: &[u8], n_inputs: usize, pre: &Preprocessor) -> Result<Self> {
        let model = onnx::decode(graph).map_err(|e| Error::Bundle(format!("not an ONNX model: {e}")))?;
        match advisor_network(&model, graph, pre) {
            Some(mlp) => Self::new(Some(pre.clone()), mlp, n_inputs),
            None => Err(Error::Unsupported("the scorer runs the trainer's own networks; load this bundle in full".into())),
        }
    }

    /// [`Self::load`] of a model already decoded from `graph`.
    pub fn from_model(model: &ModelProto, graph: &[u8], n_inputs: usize, pre: Option<&Preprocessor>) -> Result<(Self, GraphKind)> {
        let g = model.graph.as_ref().ok_or_else(|| Error::Bundle("the ONNX model has no graph".into()))?;
        if let Some(pre) = pre {
            if let Some(mlp) = advisor_network(model, graph, pre) {
                return Ok((Self::new(Some(pre.clone()), mlp, n_inputs)?, GraphKind::Advisor));
            }
            if let Some(rt) = Self::blend(model, graph, n_inputs, pre)? {
                return Ok((rt, GraphKind::Blend));
            }
        }
        let mlp = plain_mlp(g, n_inputs)?;
        Ok((Self::new(None, mlp, n_inputs)?, GraphKind::Mlp))
    }

    /// The runtime of an advisor blend ([`graph::build_blend`] of `pre`), or `None` when
    /// `model` is not one.
    pub fn blend(model: &ModelProto, graph: &[u8], n_inputs: usize, pre: &Preprocessor) -> Result<Option<Self>> {
        let Some((mlp, trees)) = advisor_blend(model, graph, pre, n_inputs)? else { return Ok(None) };
        let mut rt = Self::new(Some(pre.clone()), mlp, n_inputs)?;
        rt.trees = Some(trees);
        Ok(Some(rt))
    }

    /// Packs `mlp`, fed by `pre` (or by the raw inputs when `pre` is `None`).
    pub fn new(pre: Option<Preprocessor>, mlp: Mlp, n_inputs: usize) -> Result<Self> {
        let width = match &pre {
            Some(p) => {
                if p.inputs.len() != n_inputs {
                    return Err(Error::Bundle(format!("preprocessing takes {} inputs, the model {n_inputs}", p.inputs.len())));
                }
                p.layout().width()
            }
            None => n_inputs,
        };
        mlp.check(width)?;
        let mut k = width;
        let layers = mlp
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let p = PackedDense::new(l.inputs, &l.weight, &l.bias, l.activation == Activation::Relu, k)
                    .ok_or_else(|| Error::Bundle(format!("network: layer {i} does not pack")))?;
                k = p.outputs();
                Ok(p)
            })
            .collect::<Result<_>>()?;
        let first = mlp.layers.into_iter().next().ok_or_else(|| Error::Bundle("network: no layer".into()))?;
        Ok(Self { pre, n_inputs, layers, first, trees: None, spare: Spare::default() })
    }

    /// A raw row encoded as the first layer takes it.
    fn encode(&self, row: &[f32], out: &mut [f32]) {
        match &self.pre {
            Some(pre) => pre.transform_row(row, out),
            None => out[..row.len()].copy_from_slice(row),
        }
    }

    /// `h += x · (row c of the first layer's weights)`.
    fn add_first_row(&self, h: &mut [f32], c: usize, x: f32) {
        let n = self.first.outputs;
        advisor_kernel::add_scaled(&mut h[..n], x, &self.first.weight[c * n..(c + 1) * n]);
    }

    /// The first layer's pre-activation of an encoded row, from its non-zero inputs.
    fn first_layer(&self, enc: &[f32], h: &mut [f32]) {
        h[..self.first.outputs].copy_from_slice(&self.first.bias);
        for (c, &x) in enc.iter().enumerate().filter(|(_, x)| **x != 0.0) {
            self.add_first_row(h, c, x);
        }
    }

    /// The rows' probabilities, then their variants' (checked). A row with variants is scored
    /// with them, through [`Prepared::scores`]: the row itself as the change that changes
    /// nothing, whose first layer is the prepared one, the same sums as [`Runtime::predict`]'s
    /// (the kernel adds `x · w` to the bias in input order, and `0 · w` changes no sum), so its
    /// probability is `predict`'s to the bit (a test). Rows without variants go through
    /// `predict`.
    fn variant_scores(&self, raw: &Matrix, variants: &[crate::runtime::Variant]) -> Result<Vec<f32>> {
        let mut bases: Vec<Option<f32>> = vec![None; raw.rows()];
        let mut changed = Vec::with_capacity(variants.len());
        for run in variants.chunk_by(|a, b| a.0 == b.0) {
            let row = raw.row(run[0].0);
            let same = std::iter::once((0, row[0]));
            let scores = Prepared::new(self, row).scores(same.chain(run.iter().map(|&(_, i, v)| (i, v))), run.len() + 1)?;
            bases[run[0].0].get_or_insert(scores[0]);
            changed.extend_from_slice(&scores[1..]);
        }
        let rest: Vec<usize> = (0..raw.rows()).filter(|&r| bases[r].is_none()).collect();
        if !rest.is_empty() {
            for (&r, p) in rest.iter().zip(self.predict(&raw.select(&rest))?) {
                bases[r] = Some(p);
            }
        }
        let mut out: Vec<f32> = bases.into_iter().flatten().collect();
        out.extend(changed);
        Ok(out)
    }

    /// Runs the layers after the first on `rows` hidden rows (first layer done, activated;
    /// about half of a ReLU's outputs are zero, and are skipped), then the sigmoid, into `out`.
    fn finish(&self, hidden: &mut Vec<f32>, rows: usize, scratch: &mut Vec<f32>, out: &mut Vec<f32>) -> Result<()> {
        let mut width = self.layers[0].outputs();
        let mut idx = Vec::with_capacity(width);
        for (i, layer) in self.layers.iter().enumerate().skip(1) {
            if !layer.forward_sparse(&hidden[..rows * width], rows, scratch, &mut idx) {
                return Err(Error::Runtime(format!("layer {i}: scratch buffers too small")));
            }
            std::mem::swap(hidden, scratch);
            width = layer.outputs();
        }
        out.extend((0..rows).map(|r| sigmoid(hidden[r * width])));
        Ok(())
    }
}

/// A row ready for variants: its encoding and its first layer before the activation. A
/// variant's first layer is the row's plus the weights of the encoded inputs the change moves (a
/// feature's pieces, indicator or one-hots, and its crosses): a few rows of the first layer
/// instead of all of it; the other layers run as usual, in batches.
struct Prepared<'a> {
    rt: &'a DenseRuntime,
    row: &'a [f32],
    base: Vec<f32>,
    h_base: Vec<f32>,
    /// The preprocessing and its output blocks, when there is one.
    pre: Option<(&'a Preprocessor, crate::preprocess::Layout)>,
    /// The hidden rows and their scratch, kept from call to call (what-if makes a few dozen),
    /// and from a [`Prepared`] to the next ([`Spare`]).
    buffers: std::cell::RefCell<(Vec<f32>, Vec<f32>)>,
}

impl<'a> Prepared<'a> {
    /// `row` (`n_inputs` long, checked by the caller).
    fn new(rt: &'a DenseRuntime, row: &'a [f32]) -> Self {
        let (mut base, mut h_base) = (vec![0.0; rt.layers[0].inputs()], vec![0.0; rt.layers[0].outputs()]);
        rt.encode(row, &mut base);
        rt.first_layer(&base, &mut h_base);
        let pre = rt.pre.as_ref().map(|p| (p, p.layout()));
        Self { rt, row, base, h_base, pre, buffers: std::cell::RefCell::new(rt.spare.take()) }
    }

    /// The probabilities of the row with each `(input, value)` change (`n` of them; inputs
    /// checked by the caller).
    fn scores(&self, changes: impl Iterator<Item = (usize, f32)>, n: usize) -> Result<Vec<f32>> {
        let rt = self.rt;
        let n0 = rt.layers[0].outputs();
        let widest = rt.layers.iter().map(PackedDense::outputs).max().unwrap_or(0);
        // (Sized for the batches there are: what-if asks for a few values at a time.)
        let rows = n.min(CHUNK);
        let mut buffers = self.buffers.borrow_mut();
        let (hidden, scratch) = &mut *buffers;
        for b in [&mut *hidden, &mut *scratch] {
            b.resize(b.len().max(rows * widest), 0.0);
        }
        let mut row = self.row.to_vec();
        let (mut out, mut slot) = (Vec::with_capacity(n), 0);
        for (i, v) in changes {
            row[i] = v;
            let h = &mut hidden[slot * n0..(slot + 1) * n0];
            h.copy_from_slice(&self.h_base);
            // Only the encoded inputs input `i` moves can differ from the row's.
            let mut add = |c: usize, x: f32| {
                if x != self.base[c] {
                    rt.add_first_row(h, c, x - self.base[c]);
                }
            };
            match &self.pre {
                Some((pre, layout)) => pre.transform_input(layout, &row, i, &mut add),
                None => add(i, v),
            }
            row[i] = self.row[i];
            if rt.first.activation == Activation::Relu {
                advisor_kernel::relu(h);
            }
            slot += 1;
            if slot == rows {
                rt.finish(hidden, slot, scratch, &mut out)?;
                slot = 0;
            }
        }
        if slot > 0 {
            rt.finish(hidden, slot, scratch, &mut out)?;
        }
        Ok(out)
    }
}

impl Drop for Prepared<'_> {
    fn drop(&mut self) {
        self.rt.spare.give(std::mem::take(self.buffers.get_mut()));
    }
}

impl crate::runtime::RowScorer for Prepared<'_> {
    fn predict_values(&self, input: usize, values: &[f32]) -> Result<Vec<f32>> {
        crate::runtime::check_input(input, self.rt.n_inputs)?;
        self.scores(values.iter().map(|&v| (input, v)), values.len())
    }
}

impl Runtime for DenseRuntime {
    fn name(&self) -> &'static str {
        "light"
    }

    /// The rows and their variants ([`DenseRuntime::variant_scores`], even one applicant's
    /// twenty: its score + reasons in Chromium 47 -> 36 µs; BENCHMARKS.md); a blend's as whole
    /// rows. Variants equal whole rows to float rounding (≤ 1e-6), the rows exactly (tests).
    fn predict_variants(&self, raw: &Matrix, variants: &[crate::runtime::Variant]) -> Result<Vec<f32>> {
        crate::runtime::check_variants(raw, variants, self.n_inputs)?;
        if self.trees.is_some() {
            return self.predict(&crate::runtime::variant_rows(raw, variants));
        }
        self.variant_scores(raw, variants)
    }

    /// What-if's values of one input, through [`DenseRuntime::variant_scores`] (a blend's as
    /// whole rows). Equal to whole rows up to float rounding (the first layer is summed in
    /// another order), which what-if allows for: it scores its advice again as a whole row.
    fn predict_values(&self, row: &[f32], input: usize, values: &[f32]) -> Result<Vec<f32>> {
        if self.values_exact() {
            return self.predict(&crate::runtime::value_rows(row, input, values)?);
        }
        self.prepare(row)?.predict_values(input, values)
    }

    /// A network's row with its encoding and first layer done once ([`Prepared`]); a blend's
    /// values are whole rows.
    fn prepare<'a>(&'a self, row: &'a [f32]) -> Result<Box<dyn crate::runtime::RowScorer + 'a>> {
        if self.values_exact() {
            return Ok(Box::new(crate::runtime::EachCall { runtime: self, row }));
        }
        crate::runtime::check_width(row.len(), self.n_inputs)?;
        Ok(Box::new(Prepared::new(self, row)))
    }

    /// A network fed by the bundle's preprocessing (a blend's trees read raw values).
    fn reads_encoding_only(&self) -> bool {
        self.pre.is_some() && self.trees.is_none()
    }

    /// A blend's values are whole rows (its trees are not added to), a network's are not.
    fn values_exact(&self) -> bool {
        self.trees.is_some()
    }

    fn n_inputs(&self) -> usize {
        self.n_inputs
    }

    fn predict_into(&self, raw: &[f32], out: &mut [f32]) -> Result<()> {
        let rows = crate::runtime::check_rows(raw, self.n_inputs, out)?;
        let width0 = self.layers[0].inputs();
        let widest = self.layers.iter().map(PackedDense::outputs).max().unwrap_or(0);
        let chunk = rows.min(CHUNK);
        let mut enc = if self.pre.is_some() { vec![0.0; chunk * width0] } else { vec![] };
        let mut a = vec![0.0; chunk * widest];
        let mut b = vec![0.0; chunk * widest];
        let mut margins = if self.trees.is_some() { vec![0.0; 2 * chunk] } else { vec![] };
        let mut start = 0;
        while start < rows {
            let n = (rows - start).min(CHUNK);
            let x = &raw[start * self.n_inputs..(start + n) * self.n_inputs];
            let input: &[f32] = match &self.pre {
                Some(pre) => {
                    pre.transform_rows(x, &mut enc[..n * width0]);
                    &enc[..n * width0]
                }
                None => x,
            };
            let mut last_width = 0;
            for (i, layer) in self.layers.iter().enumerate() {
                let ok = if i == 0 {
                    layer.forward(input, n, &mut a)
                } else {
                    let ok = layer.forward(&a, n, &mut b);
                    std::mem::swap(&mut a, &mut b);
                    ok
                };
                if !ok {
                    return Err(Error::Runtime(format!("layer {i}: scratch buffers too small")));
                }
                last_width = layer.outputs();
            }
            match &self.trees {
                Some(trees) => {
                    trees.eval(x, &mut margins[..2 * n])?;
                    for r in 0..n {
                        out[start + r] = sigmoid(a[r * last_width] + margins[2 * r + 1]);
                    }
                }
                None => (0..n).for_each(|r| out[start + r] = sigmoid(a[r * last_width])),
            }
            start += n;
        }
        Ok(())
    }
}

/// The network of an advisor graph, if `model` is exactly what [`graph::build`] writes for
/// `pre` and that network.
fn advisor_network(model: &ModelProto, bytes: &[u8], pre: &Preprocessor) -> Option<Mlp> {
    rebuilt_network(model, bytes, pre, |mlp, precision, metadata| graph::build(pre, mlp, precision, metadata))
}

/// The network and trees of an advisor blend, if `model` is exactly what
/// [`graph::build_blend`] writes for `pre`, that network and its tree node; an error when the
/// graph is a blend whose trees do not read.
fn advisor_blend(model: &ModelProto, bytes: &[u8], pre: &Preprocessor, n_inputs: usize) -> Result<Option<(Mlp, TreeEnsemble)>> {
    let Some(node) = model.graph.as_ref().and_then(|g| g.node.iter().find(|n| n.name == graph::TREES)) else { return Ok(None) };
    let build = |mlp: &Mlp, precision, metadata: &[(&str, &str)]| graph::build_blend(pre, mlp, precision, node, metadata);
    let Some(mlp) = rebuilt_network(model, bytes, pre, build) else { return Ok(None) };
    Ok(Some((mlp, TreeEnsemble::from_node(node, n_inputs)?)))
}

/// The network of an advisor graph, if `model` (decoded from `bytes`: nothing the decoder
/// skipped, nothing re-ordered) is what `build` writes for that network, its stored precision
/// and the model's metadata, node for node.
fn rebuilt_network(
    model: &ModelProto,
    bytes: &[u8],
    pre: &Preprocessor,
    build: impl Fn(&Mlp, Precision, &[(&str, &str)]) -> ModelProto,
) -> Option<Mlp> {
    if onnx::encode(model) != bytes {
        return None;
    }
    let (mlp, precision) = network_of(model, pre)?;
    let metadata: Vec<(&str, &str)> = model.metadata_props.iter().map(|p| (p.key.as_str(), p.value.as_str())).collect();
    let rebuilt = build(&mlp, precision, &metadata);
    (rebuilt.graph == model.graph && rebuilt.opset_import == model.opset_import && rebuilt.ir_version == model.ir_version).then_some(mlp)
}

/// The network of an advisor graph's `dense{i}_weight` and `dense{i}_bias` initializers, and
/// the precision its weights are stored in.
fn network_of(model: &ModelProto, pre: &Preprocessor) -> Option<(Mlp, Precision)> {
    let g = model.graph.as_ref()?;
    let inits: HashMap<&str, &TensorProto> = g.initializer.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut layers = Vec::new();
    let mut precision = Precision::F32;
    while let (Some(w), Some(b)) =
        (inits.get(format!("dense{}_weight", layers.len()).as_str()), inits.get(format!("dense{}_bias", layers.len()).as_str()))
    {
        let [k, n] = w.dims[..] else { return None };
        let (k, n) = (usize::try_from(k).ok()?, usize::try_from(n).ok()?);
        // Weights as written: f32, f16, or int8 steps with a scale per column (the hidden layers
        // alike, else the rebuilt graph differs).
        let weight = if let Some(v) = w.half_values() {
            precision = Precision::F16;
            v
        } else if let Some(steps) = w.int8_values() {
            precision = Precision::Int8;
            let scales = inits.get(format!("dense{}_scale", layers.len()).as_str())?.to_f32()?;
            if scales.len() != n || n == 0 {
                return None;
            }
            crate::network::int8_weights(&steps, &scales)
        } else {
            w.to_f32()?
        };
        let bias = b.to_f32()?;
        if weight.len() != k.checked_mul(n)? || bias.len() != n {
            return None;
        }
        layers.push(Dense { inputs: k, outputs: n, weight, bias, activation: Activation::Relu });
    }
    layers.last_mut()?.activation = Activation::Identity;
    let mlp = Mlp { layers };
    mlp.check(pre.layout().width()).ok()?;
    Some((mlp, precision))
}

fn unsupported(node: &NodeProto, why: &str) -> Error {
    Error::Unsupported(format!("node `{}` ({}): {why}; this graph needs the general (tract) runtime", node.name, node.op_type))
}

fn attr_i(node: &NodeProto, name: &str, default: i64) -> i64 {
    node.attribute.iter().find(|a| a.name == name).map_or(default, |a| a.i)
}
fn attr_f(node: &NodeProto, name: &str, default: f32) -> f32 {
    node.attribute.iter().find(|a| a.name == name).map_or(default, |a| a.f)
}

/// A float initializer of exactly `len` values (any shape with that many elements).
fn tensor(inits: &HashMap<&str, &TensorProto>, name: &str, len: usize, node: &NodeProto) -> Result<Vec<f32>> {
    let t = inits.get(name).ok_or_else(|| unsupported(node, &format!("`{name}` is not a constant")))?;
    let v = t.to_f32().ok_or_else(|| unsupported(node, &format!("`{name}` is not float32 data")))?;
    let declared = t.dims.iter().try_fold(1i64, |a, &d| a.checked_mul(d)).unwrap_or(-1);
    if v.len() != len || declared != len as i64 {
        return Err(unsupported(node, &format!("`{name}` has {} values where {len} are needed", v.len())));
    }
    Ok(v)
}

/// The dense layer of a `Gemm` or `MatMul` node taking `width` inputs (a `MatMul`'s bias is
/// zero until an `Add` gives it one).
fn dense_layer(node: &NodeProto, inits: &HashMap<&str, &TensorProto>, width: usize) -> Result<Dense> {
    let gemm = node.op_type == "Gemm";
    let w_name = node.input.get(1).ok_or_else(|| unsupported(node, "no weight"))?;
    let t = inits.get(w_name.as_str()).ok_or_else(|| unsupported(node, "the weight is not a constant"))?;
    let trans_b = gemm && attr_i(node, "transB", 0) == 1;
    if gemm && (attr_i(node, "transA", 0) != 0 || attr_f(node, "alpha", 1.0) != 1.0 || attr_f(node, "beta", 1.0) != 1.0) {
        return Err(unsupported(node, "only transA = 0, alpha = beta = 1 are supported"));
    }
    let [d0, d1] = t.dims[..] else { return Err(unsupported(node, "the weight is not a matrix")) };
    let (k, n) = if trans_b { (d1, d0) } else { (d0, d1) };
    if k != width as i64 || n <= 0 || n > 1 << 16 {
        return Err(unsupported(node, &format!("weight shape {:?} does not take {width} inputs", t.dims)));
    }
    let n = n as usize;
    let len = width.checked_mul(n).ok_or_else(|| unsupported(node, "the weight is too large"))?;
    let w = tensor(inits, w_name, len, node)?;
    let weight = if trans_b { (0..width * n).map(|i| w[(i % n) * width + i / n]).collect() } else { w };
    let bias = match (gemm, node.input.get(2)) {
        (true, Some(b)) if !b.is_empty() => tensor(inits, b, n, node)?,
        (_, None) | (true, Some(_)) => vec![0.0; n],
        (false, Some(_)) => return Err(unsupported(node, "MatMul takes two inputs")),
    };
    Ok(Dense { inputs: width, outputs: n, weight, bias, activation: Activation::Identity })
}

/// Reads a chain `x → (Gemm | MatMul [+ Add]) [→ Relu] … → Sigmoid` into an [`Mlp`].
fn plain_mlp(g: &GraphProto, n_inputs: usize) -> Result<Mlp> {
    let inits: HashMap<&str, &TensorProto> = g.initializer.iter().map(|t| (t.name.as_str(), t)).collect();
    let inputs: Vec<&str> = g.data_inputs().iter().map(|i| i.name.as_str()).collect();
    let [input] = inputs[..] else {
        return Err(Error::Unsupported(format!("the graph has {} inputs; one is expected", inputs.len())));
    };
    let mut cur = input.to_string();
    let mut layers: Vec<Dense> = Vec::new();
    let mut width = n_inputs;
    let mut bias_open = false; // the last layer came from MatMul and may take one Add
    let mut done = false;
    for node in &g.node {
        if done {
            return Err(unsupported(node, "nothing may follow the final Sigmoid"));
        }
        if !node.domain.is_empty() && node.domain != "ai.onnx" {
            return Err(unsupported(node, &format!("domain `{}`", node.domain)));
        }
        let [out] = &node.output[..] else { return Err(unsupported(node, "expected one output")) };
        let chained = node.input.first() == Some(&cur);
        match node.op_type.as_str() {
            "Gemm" | "MatMul" if chained => {
                let layer = dense_layer(node, &inits, width)?;
                width = layer.outputs;
                bias_open = node.op_type == "MatMul";
                layers.push(layer);
            }
            "Add" if bias_open && node.input.len() == 2 && node.input.contains(&cur) => {
                let other = if node.input[0] == cur { &node.input[1] } else { &node.input[0] };
                let bias = tensor(&inits, other, width, node)?;
                layers.last_mut().expect("bias_open implies a layer").bias = bias;
                bias_open = false;
            }
            "Relu" if chained => match layers.last_mut() {
                Some(l) if l.activation == Activation::Identity => {
                    l.activation = Activation::Relu;
                    bias_open = false;
                }
                _ => return Err(unsupported(node, "Relu must follow a dense layer")),
            },
            "Sigmoid" if chained => {
                if width != 1 || layers.last().is_none_or(|l| l.activation != Activation::Identity) {
                    return Err(unsupported(node, "the final Sigmoid must take one logit from a dense layer"));
                }
                done = true;
            }
            _ => return Err(unsupported(node, "not part of a dense Gemm/MatMul/Add/Relu/Sigmoid chain")),
        }
        cur = out.clone();
    }
    if !done {
        return Err(Error::Unsupported("the graph does not end in a Sigmoid over one logit".into()));
    }
    if !g.output.iter().any(|o| o.name == cur) || g.output.len() != 1 {
        return Err(Error::Unsupported(format!("the graph's single output must be the Sigmoid's `{cur}`")));
    }
    let mlp = Mlp { layers };
    mlp.check(n_inputs)?;
    Ok(mlp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::onnx::{AttributeProto, ValueInfoProto};

    fn node(op: &str, inputs: &[&str], output: &str) -> NodeProto {
        NodeProto {
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: vec![output.into()],
            name: output.into(),
            op_type: op.into(),
            attribute: vec![],
            domain: String::new(),
        }
    }

    /// 3 → 2 (relu) → 1 → sigmoid, written with Gemm(transB) then MatMul + Add.
    fn mixed_graph() -> (GraphProto, Mlp) {
        let w0 = vec![0.5, -1.0, 0.25, 2.0, -0.5, 1.5]; // [3][2]
        let w0t: Vec<f32> = (0..6).map(|i| w0[(i % 3) * 2 + i / 3]).collect(); // [2][3]
        let mut gemm = node("Gemm", &["x", "w0", "b0"], "h0");
        gemm.attribute.push(AttributeProto { name: "transB".into(), r#type: onnx::ATTR_INT, f: 0.0, i: 1, ..Default::default() });
        let g = GraphProto {
            node: vec![
                gemm,
                node("Relu", &["h0"], "r0"),
                node("MatMul", &["r0", "w1"], "m1"),
                node("Add", &["b1", "m1"], "z"),
                node("Sigmoid", &["z"], "p"),
            ],
            name: "t".into(),
            initializer: vec![
                TensorProto::floats("w0", &[2, 3], &w0t),
                TensorProto::floats("b0", &[2], &[0.1, -0.2]),
                TensorProto::floats("w1", &[2, 1], &[1.0, -2.0]),
                TensorProto::floats("b1", &[1], &[0.3]),
            ],
            input: vec![ValueInfoProto::batch_floats("x", 3)],
            output: vec![ValueInfoProto::batch_floats("p", 1)],
        };
        let mlp = Mlp {
            layers: vec![
                Dense { inputs: 3, outputs: 2, weight: w0, bias: vec![0.1, -0.2], activation: Activation::Relu },
                Dense { inputs: 2, outputs: 1, weight: vec![1.0, -2.0], bias: vec![0.3], activation: Activation::Identity },
            ],
        };
        (g, mlp)
    }

    #[test]
    fn reads_gemm_and_matmul_add_chains() {
        let (g, want) = mixed_graph();
        assert_eq!(plain_mlp(&g, 3).unwrap(), want);
        let bytes = onnx::encode(&ModelProto { graph: Some(g), ..Default::default() });
        let (rt, kind) = DenseRuntime::load(&bytes, 3, None).unwrap();
        assert_eq!(kind, GraphKind::Mlp);
        let x = [1.0, 2.0, -1.0, 0.0, 0.5, 3.0];
        let mut out = [0.0; 2];
        rt.predict_into(&x, &mut out).unwrap();
        for r in 0..2 {
            let p = sigmoid(want.logit(&x[r * 3..r * 3 + 3]));
            assert!((p - out[r]).abs() < 1e-7);
        }
        // Flat rows, as the browser passes them: the same, and a partial row is an error.
        assert_eq!(rt.predict_flat(&x).unwrap(), out);
        assert!(rt.predict_flat(&x[..5]).unwrap_err().to_string().contains("5 values do not form rows of 3"));
        assert!(rt.predict_flat(&[]).unwrap().is_empty());
    }

    #[test]
    fn other_graphs_are_unsupported_with_the_node_named() {
        let (mut g, _) = mixed_graph();
        g.node[1].op_type = "Tanh".into();
        let e = plain_mlp(&g, 3).unwrap_err();
        assert_eq!(e.code(), "UNSUPPORTED_GRAPH");
        assert!(e.to_string().contains("`r0` (Tanh)"), "{e}");

        let (mut g, _) = mixed_graph();
        g.node[0].attribute.push(AttributeProto { name: "alpha".into(), r#type: onnx::ATTR_FLOAT, f: 2.0, i: 0, ..Default::default() });
        assert!(plain_mlp(&g, 3).unwrap_err().to_string().contains("alpha"));

        let (g, _) = mixed_graph();
        assert!(plain_mlp(&g, 4).is_err(), "input width must match");

        let (mut g, _) = mixed_graph();
        g.node.truncate(4);
        assert!(plain_mlp(&g, 3).unwrap_err().to_string().contains("Sigmoid"));
    }
}
