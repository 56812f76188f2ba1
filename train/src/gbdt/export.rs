//! A [`Booster`] as an ONNX graph: one `TreeEnsembleClassifier` (ai.onnx.ml v1, as onnxmltools
//! writes LightGBM's) on the raw values (`x`: numbers and category codes, NaN = missing), its
//! `probabilities` output `[batch, 2]` read by every runtime as column 1.
//!
//! A numeric split is `BRANCH_LEQ` at its f32 threshold; a categorical one a chain of
//! `BRANCH_EQ` nodes, one per category sent left, all leading to the same left child (as
//! onnxmltools writes LightGBM's categorical splits). Missing values follow
//! `nodes_missing_value_tracks_true`. The base score sits in the first tree's leaves (tract
//! refuses `base_values`).

use advisor_core::onnx::{
    self, AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, StringStringEntryProto, ValueInfoProto,
};

use super::grow::{Node, Rule, Tree};
use super::Booster;

/// The graph input.
pub const INPUT: &str = "x";
/// The graph output the bundle reads (column 1: the positive class).
pub const OUTPUT: &str = "probabilities";

/// What a branch node compares and where it leads (all zero for a leaf).
#[derive(Default)]
struct Branch {
    feature: usize,
    value: f32,
    on_true: i64,
    on_false: i64,
    missing_true: bool,
}

/// The ensemble's arrays, in ONNX's attribute layout.
#[derive(Default)]
struct Arrays {
    treeids: Vec<i64>,
    nodeids: Vec<i64>,
    featureids: Vec<i64>,
    modes: Vec<Vec<u8>>,
    values: Vec<f32>,
    trues: Vec<i64>,
    falses: Vec<i64>,
    missing_true: Vec<i64>,
    leaf_trees: Vec<i64>,
    leaf_nodes: Vec<i64>,
    leaf_weights: Vec<f32>,
}

impl Arrays {
    /// Node `id` of tree `tree`: its mode, and for a branch its comparison and children.
    fn push(&mut self, (tree, id): (i64, i64), mode: &str, b: Branch) {
        self.treeids.push(tree);
        self.nodeids.push(id);
        self.featureids.push(b.feature as i64);
        self.modes.push(mode.as_bytes().to_vec());
        self.values.push(b.value);
        self.trues.push(b.on_true);
        self.falses.push(b.on_false);
        self.missing_true.push(b.missing_true as i64);
    }

    /// Tree `t` (`shift` added to each leaf): node ids in the order of `tree.nodes`, a
    /// categorical split taking one id per category.
    fn tree(&mut self, t: i64, tree: &Tree, shift: f64) {
        let mut first = Vec::with_capacity(tree.nodes.len());
        let mut next = 0i64;
        for n in &tree.nodes {
            first.push(next);
            next += match n {
                Node::Split { rule: Rule::In { categories }, .. } => categories.len() as i64,
                _ => 1,
            };
        }
        for (i, n) in tree.nodes.iter().enumerate() {
            let id = first[i];
            match n {
                Node::Leaf { value } => {
                    self.push((t, id), "LEAF", Branch::default());
                    self.leaf_trees.push(t);
                    self.leaf_nodes.push(id);
                    self.leaf_weights.push((value + shift) as f32);
                }
                Node::Split { feature, rule: Rule::LessEq { threshold, .. }, missing_left, left, right } => {
                    let b = Branch {
                        feature: *feature,
                        value: *threshold,
                        on_true: first[*left],
                        on_false: first[*right],
                        missing_true: *missing_left,
                    };
                    self.push((t, id), "BRANCH_LEQ", b);
                }
                Node::Split { feature, rule: Rule::In { categories }, missing_left, left, right } => {
                    for (k, &c) in categories.iter().enumerate() {
                        let on_false = if k + 1 < categories.len() { id + k as i64 + 1 } else { first[*right] };
                        let b = Branch { feature: *feature, value: c as f32, on_true: first[*left], on_false, missing_true: *missing_left };
                        self.push((t, id + k as i64), "BRANCH_EQ", b);
                    }
                }
            }
        }
    }
}

fn ints(name: &str, v: Vec<i64>) -> AttributeProto {
    AttributeProto { name: name.into(), r#type: onnx::ATTR_INTS, ints: v, ..Default::default() }
}

fn floats(name: &str, v: Vec<f32>) -> AttributeProto {
    AttributeProto { name: name.into(), r#type: onnx::ATTR_FLOATS, floats: v, ..Default::default() }
}

/// The ensemble as a blend's tree node ([`advisor_core::graph::build_blend`]): `post_transform`
/// NONE, so that column 1 of its scores is the margin (every weight is for one class: the
/// runtimes give that score as column 1).
pub fn margin_node(b: &Booster, n_features: usize) -> NodeProto {
    ensemble(b, n_features, "NONE")
}

/// The ensemble node, its scores through `post_transform`.
fn ensemble(b: &Booster, n_features: usize, post_transform: &str) -> NodeProto {
    let mut a = Arrays::default();
    for (t, tree) in b.trees.iter().enumerate() {
        a.tree(t as i64, tree, if t == 0 { b.base } else { 0.0 });
    }
    if b.trees.is_empty() {
        // No tree: one leaf holding the base score (a constant model is still a graph).
        a.tree(0, &Tree { nodes: vec![Node::Leaf { value: 0.0 }] }, b.base);
    }
    debug_assert!(a.featureids.iter().all(|&f| (f as usize) < n_features.max(1)));
    let n_leaves = a.leaf_weights.len();
    let attribute = vec![
        ints("class_ids", vec![0; n_leaves]),
        ints("class_nodeids", a.leaf_nodes),
        ints("class_treeids", a.leaf_trees),
        floats("class_weights", a.leaf_weights),
        ints("classlabels_int64s", vec![0, 1]),
        ints("nodes_falsenodeids", a.falses),
        ints("nodes_featureids", a.featureids),
        ints("nodes_missing_value_tracks_true", a.missing_true),
        AttributeProto { name: "nodes_modes".into(), r#type: onnx::ATTR_STRINGS, strings: a.modes, ..Default::default() },
        ints("nodes_nodeids", a.nodeids),
        ints("nodes_treeids", a.treeids),
        ints("nodes_truenodeids", a.trues),
        floats("nodes_values", a.values),
        AttributeProto {
            name: "post_transform".into(),
            r#type: onnx::ATTR_STRING,
            s: post_transform.as_bytes().to_vec(),
            ..Default::default()
        },
    ];
    NodeProto {
        input: vec![INPUT.into()],
        output: vec!["label".into(), OUTPUT.into()],
        name: "trees".into(),
        op_type: "TreeEnsembleClassifier".into(),
        attribute,
        domain: "ai.onnx.ml".into(),
    }
}

/// The model: `n_features` raw inputs in, `[batch, 2]` probabilities out; `metadata` stored as
/// the model's metadata properties.
pub fn model(b: &Booster, n_features: usize, metadata: &[(&str, &str)]) -> ModelProto {
    ModelProto {
        ir_version: 8,
        opset_import: vec![
            OperatorSetIdProto { domain: String::new(), version: advisor_core::graph::OPSET },
            OperatorSetIdProto { domain: "ai.onnx.ml".into(), version: 1 },
        ],
        producer_name: "advisor".into(),
        producer_version: env!("CARGO_PKG_VERSION").into(),
        doc_string:
            "Credit risk, gradient-boosted trees: raw applicant values (NaN = missing, category codes) → [P(negative), P(positive)].".into(),
        graph: Some(GraphProto {
            node: vec![ensemble(b, n_features, "LOGISTIC")],
            name: "advisor".into(),
            initializer: vec![],
            input: vec![ValueInfoProto::batch_floats(INPUT, n_features)],
            output: vec![ValueInfoProto::batch_floats(OUTPUT, 2)],
        }),
        metadata_props: metadata.iter().map(|(k, v)| StringStringEntryProto { key: k.to_string(), value: v.to_string() }).collect(),
    }
}
