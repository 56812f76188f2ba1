//! Writes a fitted [`Preprocessor`] and [`Mlp`] as one ONNX graph that takes raw values
//! (`x`: numbers and category codes, NaN = missing) and returns `probability`.
//!
//! Any ONNX runtime scores it with no Rust at all. Each preprocessing op mirrors a line of
//! [`Preprocessor::transform_row`], so the encoded features are bit-for-bit the same.

use crate::network::{Activation, Mlp, Precision};
use crate::onnx::{
    self, AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, StringStringEntryProto, TensorProto, ValueInfoProto,
};
use crate::preprocess::{InputTransform, Preprocessor};

/// Name of the graph input.
pub const INPUT: &str = "x";
/// Name of the graph output.
pub const OUTPUT: &str = "probability";
/// ONNX opset the graph is written for.
pub const OPSET: i64 = 17;

#[derive(Default)]
struct Builder {
    nodes: Vec<NodeProto>,
    inits: Vec<TensorProto>,
}

impl Builder {
    fn node(&mut self, op: &str, inputs: &[&str], output: &str) -> String {
        self.nodes.push(NodeProto {
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: vec![output.into()],
            name: format!("{output}_{op}"),
            op_type: op.into(),
            attribute: vec![],
            domain: String::new(),
        });
        output.into()
    }
    fn node_attr(&mut self, op: &str, inputs: &[&str], output: &str, attr: &str, value: i64) -> String {
        let out = self.node(op, inputs, output);
        self.nodes.last_mut().unwrap().attribute.push(AttributeProto {
            name: attr.into(),
            r#type: onnx::ATTR_INT,
            f: 0.0,
            i: value,
            ..Default::default()
        });
        out
    }
    fn init(&mut self, name: &str, dims: &[usize], values: &[f32]) -> String {
        self.inits.push(TensorProto::floats(name, dims, values));
        name.into()
    }
    /// One "unknown" output per group of a one-hot block (`kind` "category" or "cross"):
    /// `1 − onehot · group`, `group` being `[width, groups]` with a 1 where a one-hot output
    /// belongs to the group. With no one-hot outputs, a zero product of the filled input keeps
    /// the batch dimension.
    #[allow(clippy::too_many_arguments)]
    fn unknowns(&mut self, kind: &str, onehot: &str, group: &[f32], width: usize, groups: usize, xf: &str, f: usize) -> String {
        // Category names predate crosses and stay as they were (bundles rebuild byte for byte).
        let p = if kind == "category" { "" } else { "cross_" };
        let ones = self.init(&format!("ones_{p}unknown"), &[groups], &vec![1.0; groups]);
        let known = if width > 0 {
            let g = self.init(&format!("group_{kind}"), &[width, groups], group);
            self.node("MatMul", &[onehot, &g], &format!("{p}known"))
        } else {
            let z = self.init(&format!("no_{kind}"), &[f, groups], &vec![0.0; f * groups]);
            self.node("MatMul", &[xf, &z], &format!("{p}known"))
        };
        self.node("Sub", &[&ones, &known], &format!("{p}unknown"))
    }
}

/// Builds the ONNX model, the network's hidden weight matrices stored in `precision` (f16:
/// each followed by a `Cast` to float; the last layer is always f32). `metadata` is stored as
/// the model's metadata properties.
pub fn build(pre: &Preprocessor, mlp: &Mlp, precision: Precision, metadata: &[(&str, &str)]) -> ModelProto {
    let (mut b, logit) = network(pre, mlp, precision);
    b.node("Sigmoid", &[&logit], OUTPUT);
    model(b, pre.inputs.len(), metadata)
}

/// Name of the tree ensemble node in a blend ([`build_blend`]).
pub const TREES: &str = "trees";
/// The tree ensemble's scores in a blend (`[batch, 2]`; column 1 is the ensemble's margin).
const TREE_SCORES: &str = "tree_scores";

/// Builds a blend: the network as [`build`] writes it, and a `TreeEnsembleClassifier` on the
/// raw values (`trees`, written by the caller with `post_transform` NONE and every weight for
/// one class, so that column 1 of its scores is the ensemble's margin), their logits added
/// before the sigmoid. Weights of the two are scaled by the caller (a mean of logits is each
/// halved).
pub fn build_blend(pre: &Preprocessor, mlp: &Mlp, precision: Precision, trees: &NodeProto, metadata: &[(&str, &str)]) -> ModelProto {
    let (mut b, logit) = network(pre, mlp, precision);
    let mut node = trees.clone();
    node.name = TREES.into();
    node.input = vec![INPUT.into()];
    node.output = vec!["tree_label".into(), TREE_SCORES.into()];
    b.nodes.push(node);
    // Column 1 by a product with [0, 1]ᵀ: float ops only, exact.
    let column = b.init("tree_margin_column", &[2, 1], &[0.0, 1.0]);
    let margin = b.node("MatMul", &[TREE_SCORES, &column], "tree_margin");
    let sum = b.node("Add", &[&logit, &margin], "blend_logit");
    b.node("Sigmoid", &[&sum], OUTPUT);
    let mut m = model(b, pre.inputs.len(), metadata);
    m.opset_import.push(OperatorSetIdProto { domain: "ai.onnx.ml".into(), version: 1 });
    m.doc_string = "Credit risk, a network and gradient-boosted trees blended: raw applicant values (NaN = missing, category codes) → probability of the positive class.".into();
    m
}

/// The preprocessing and the network's layers; returns the builder and the logit's name.
fn network(pre: &Preprocessor, mlp: &Mlp, precision: Precision) -> (Builder, String) {
    let f = pre.inputs.len();
    let mut b = Builder::default();
    let fill: Vec<f32> = pre.inputs.iter().map(InputTransform::fill).collect();
    b.init("fill", &[f], &fill);
    let isnan = b.node("IsNaN", &[INPUT], "isnan");
    let xf = b.node("Where", &[&isnan, "fill", INPUT], "x_filled");
    let mut blocks = encoded_inputs(&mut b, pre, &isnan, &xf);
    blocks.extend(crosses(&mut b, pre, &xf));
    let refs: Vec<&str> = blocks.iter().map(String::as_str).collect();
    let features = b.node_attr("Concat", &refs, "features", "axis", 1);
    let logit = dense_layers(&mut b, mlp, precision, features);
    (b, logit)
}

/// Selection matrices that copy input columns into the encoded blocks' columns (one 1.0 per
/// output column), with each numeric piece's and category's constants.
#[derive(Default)]
struct Selections {
    numeric: Vec<f32>,
    missing: Vec<f32>,
    category: Vec<f32>,
    /// One-hot column → its input's unknown-category column.
    group: Vec<f32>,
    shift: Vec<f32>,
    scale: Vec<f32>,
    lo: Vec<f32>,
    hi: Vec<f32>,
    codes: Vec<f32>,
}

impl Selections {
    fn new(pre: &Preprocessor) -> Self {
        let (f, l) = (pre.inputs.len(), pre.layout());
        let mut s = Selections {
            numeric: vec![0.0; f * l.pieces],
            missing: vec![0.0; f * l.indicators],
            category: vec![0.0; f * l.onehots],
            group: vec![0.0; l.onehots * l.unknowns],
            ..Selections::default()
        };
        let (mut p, mut m, mut c, mut k) = (0, 0, 0, 0);
        for (i, t) in pre.inputs.iter().enumerate() {
            match t {
                InputTransform::Numeric { missing_indicator, pieces, .. } => {
                    for piece in pieces {
                        s.numeric[i * l.pieces + p] = 1.0;
                        s.shift.push(piece.shift);
                        s.scale.push(piece.scale);
                        s.lo.push(piece.lo);
                        s.hi.push(piece.hi);
                        p += 1;
                    }
                    if *missing_indicator {
                        s.missing[i * l.indicators + m] = 1.0;
                        m += 1;
                    }
                }
                InputTransform::Categorical { kept, .. } => {
                    for &code in kept {
                        s.category[i * l.onehots + c] = 1.0;
                        s.group[c * l.unknowns + k] = 1.0;
                        s.codes.push(code as f32);
                        c += 1;
                    }
                    k += 1;
                }
            }
        }
        s
    }
}

/// The numeric pieces, missing indicators, one-hots and unknown-category columns; the names of
/// the blocks written, in order.
fn encoded_inputs(b: &mut Builder, pre: &Preprocessor, isnan: &str, xf: &str) -> Vec<String> {
    let (f, l, s) = (pre.inputs.len(), pre.layout(), Selections::new(pre));
    let mut blocks = Vec::new();
    if l.pieces > 0 {
        b.init("select_numeric", &[f, l.pieces], &s.numeric);
        b.init("shift", &[l.pieces], &s.shift);
        b.init("scale", &[l.pieces], &s.scale);
        b.init("lo", &[l.pieces], &s.lo);
        b.init("hi", &[l.pieces], &s.hi);
        let e = b.node("MatMul", &[xf, "select_numeric"], "num_in");
        let e = b.node("Sub", &[&e, "shift"], "num_shifted");
        let e = b.node("Mul", &[&e, "scale"], "num_scaled");
        let e = b.node("Max", &[&e, "lo"], "num_lo");
        blocks.push(b.node("Min", &[&e, "hi"], "num"));
    }
    if l.indicators > 0 {
        b.init("select_missing", &[f, l.indicators], &s.missing);
        let nanf = b.node_attr("Cast", &[isnan], "isnan_f", "to", onnx::FLOAT as i64);
        blocks.push(b.node("MatMul", &[&nanf, "select_missing"], "missing"));
    }
    if l.onehots > 0 {
        b.init("select_category", &[f, l.onehots], &s.category);
        b.init("codes", &[l.onehots], &s.codes);
        let e = b.node("MatMul", &[xf, "select_category"], "cat_in");
        let e = b.node("Equal", &[&e, "codes"], "cat_eq");
        blocks.push(b.node_attr("Cast", &[&e], "onehot", "to", onnx::FLOAT as i64));
    }
    if l.unknowns > 0 {
        blocks.push(b.unknowns("category", "onehot", &s.group, l.onehots, l.unknowns, xf, f));
    }
    blocks
}

/// The crosses' pair one-hots and their unknown-pair columns; the names of the blocks written.
fn crosses(b: &mut Builder, pre: &Preprocessor, xf: &str) -> Vec<String> {
    let (f, l) = (pre.inputs.len(), pre.layout());
    let mut blocks = Vec::new();
    let mut group_cross = vec![0.0; l.pairs * l.cross_unknowns];
    if l.pairs > 0 {
        // Gather (not MatMul) keeps a NaN in its own column, so a missing value matches no pair.
        let (mut ia, mut ib, mut va, mut vb) = (vec![], vec![], vec![], vec![]);
        let mut s = 0;
        for (k, x) in pre.crosses.iter().enumerate() {
            for pair in &x.kept {
                ia.push(x.inputs[0] as i64);
                ib.push(x.inputs[1] as i64);
                va.push(pair[0]);
                vb.push(pair[1]);
                group_cross[s * l.cross_unknowns + k] = 1.0;
                s += 1;
            }
        }
        b.inits.push(TensorProto::int64s("cross_a", &[l.pairs], &ia));
        b.inits.push(TensorProto::int64s("cross_b", &[l.pairs], &ib));
        b.init("cross_a_values", &[l.pairs], &va);
        b.init("cross_b_values", &[l.pairs], &vb);
        let ga = b.node_attr("Gather", &[INPUT, "cross_a"], "cross_a_in", "axis", 1);
        let gb = b.node_attr("Gather", &[INPUT, "cross_b"], "cross_b_in", "axis", 1);
        let ea = b.node("Equal", &[&ga, "cross_a_values"], "cross_a_eq");
        let eb = b.node("Equal", &[&gb, "cross_b_values"], "cross_b_eq");
        let e = b.node("And", &[&ea, &eb], "cross_eq");
        blocks.push(b.node_attr("Cast", &[&e], "cross", "to", onnx::FLOAT as i64));
    }
    if l.cross_unknowns > 0 {
        blocks.push(b.unknowns("cross", "cross", &group_cross, l.pairs, l.cross_unknowns, xf, f));
    }
    blocks
}

/// The network's layers on `h`; returns the logit's name.
fn dense_layers(b: &mut Builder, mlp: &Mlp, precision: Precision, mut h: String) -> String {
    for (i, layer) in mlp.layers.iter().enumerate() {
        let (name, dims) = (format!("dense{i}_weight"), [layer.inputs, layer.outputs]);
        let w = match precision {
            Precision::F16 if i < mlp.stored_in_precision() => {
                b.inits.push(TensorProto::halves(&name, &dims, &layer.weight));
                b.node_attr("Cast", &[&name], &format!("{name}_f32"), "to", onnx::FLOAT as i64)
            }
            // int8 steps, cast to float and scaled per column: exactly the rounded weights.
            Precision::Int8 if i < mlp.stored_in_precision() => {
                let (steps, scales) = crate::network::int8_steps(&layer.weight, layer.outputs);
                b.inits.push(TensorProto::int8s(&name, &dims, &steps));
                let scale = b.init(&format!("dense{i}_scale"), &[layer.outputs], &scales);
                let cast = b.node_attr("Cast", &[&name], &format!("{name}_f32"), "to", onnx::FLOAT as i64);
                b.node("Mul", &[&cast, &scale], &format!("{name}_scaled"))
            }
            _ => b.init(&name, &dims, &layer.weight),
        };
        let bias = b.init(&format!("dense{i}_bias"), &[layer.outputs], &layer.bias);
        let z = b.node("MatMul", &[&h, &w], &format!("dense{i}_matmul"));
        let last = i + 1 == mlp.layers.len();
        let z = b.node("Add", &[&z, &bias], &if last { "logit".to_string() } else { format!("dense{i}") });
        h = match layer.activation {
            Activation::Relu => b.node("Relu", &[&z], &format!("dense{i}_relu")),
            Activation::Identity => z,
        };
    }
    h
}

/// The model around the built graph: `f` raw inputs in, one probability out.
fn model(b: Builder, f: usize, metadata: &[(&str, &str)]) -> ModelProto {
    ModelProto {
        ir_version: 8,
        opset_import: vec![OperatorSetIdProto { domain: String::new(), version: OPSET }],
        producer_name: "advisor".into(),
        producer_version: env!("CARGO_PKG_VERSION").into(),
        doc_string: "Credit risk: raw applicant values (NaN = missing, category codes) → probability of the positive class.".into(),
        graph: Some(GraphProto {
            node: b.nodes,
            name: "advisor".into(),
            initializer: b.inits,
            input: vec![ValueInfoProto::batch_floats(INPUT, f)],
            output: vec![ValueInfoProto::batch_floats(OUTPUT, 1)],
        }),
        metadata_props: metadata.iter().map(|(k, v)| StringStringEntryProto { key: k.to_string(), value: v.to_string() }).collect(),
    }
}
