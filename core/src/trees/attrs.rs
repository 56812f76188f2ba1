//! Reading a tree node's attributes: each by name, arrays given as floats or as a float tensor,
//! and the lists of what each operator defines (anything else is refused).

use super::{invalid, unsupported, Aggregate, Kind, Transform};
use crate::error::Result;
use crate::onnx::{AttributeProto, NodeProto, FLOAT};

/// The attributes of a tree node, each read once by name.
pub(crate) struct Attrs<'a> {
    pub node: &'a NodeProto,
}

impl<'a> Attrs<'a> {
    pub fn get(&self, name: &str) -> Option<&'a AttributeProto> {
        self.node.attribute.iter().find(|a| a.name == name)
    }
    pub fn ints(&self, name: &str) -> &'a [i64] {
        self.get(name).map_or(&[], |a| &a.ints[..])
    }
    pub fn strings(&self, name: &str) -> &'a [Vec<u8>] {
        self.get(name).map_or(&[], |a| &a.strings[..])
    }
    pub fn string(&self, name: &str, default: &'static str) -> &'a [u8] {
        self.get(name).map_or(default.as_bytes(), |a| &a.s[..])
    }
    /// A float array given as `name` (floats) or `name_as_tensor` (a float tensor), not both.
    pub fn floats(&self, name: &str) -> Result<Vec<f32>> {
        let tensor_name = format!("{name}_as_tensor");
        match (self.get(name), self.get(&tensor_name)) {
            (Some(_), Some(_)) => Err(invalid(self.node, format!("both `{name}` and `{tensor_name}` are given"))),
            (Some(a), None) => Ok(a.floats.clone()),
            (None, Some(a)) => match &a.t {
                Some(t) if t.data_type == FLOAT => {
                    t.to_f32().ok_or_else(|| invalid(self.node, format!("`{tensor_name}`: float data of a broken length")))
                }
                _ => Err(unsupported(self.node, format!("`{tensor_name}` must be a float tensor (double thresholds are not run)"))),
            },
            (None, None) => Ok(vec![]),
        }
    }
}

/// The attributes each operator defines; any other is refused.
pub(super) const COMMON: &[&str] = &[
    "nodes_falsenodeids",
    "nodes_featureids",
    "nodes_hitrates",
    "nodes_hitrates_as_tensor",
    "nodes_missing_value_tracks_true",
    "nodes_modes",
    "nodes_nodeids",
    "nodes_treeids",
    "nodes_truenodeids",
    "nodes_values",
    "nodes_values_as_tensor",
    "post_transform",
    "base_values",
    "base_values_as_tensor",
];
pub(super) const CLASSIFIER: &[&str] = &[
    "class_ids",
    "class_nodeids",
    "class_treeids",
    "class_weights",
    "class_weights_as_tensor",
    "classlabels_int64s",
    "classlabels_strings",
];
pub(super) const REGRESSOR: &[&str] =
    &["aggregate_function", "n_targets", "target_ids", "target_nodeids", "target_treeids", "target_weights", "target_weights_as_tensor"];

/// The per-leaf weight arrays: `(ids, node ids, tree ids, weights)`.
pub(super) type LeafWeights<'a> = (&'a [i64], &'a [i64], &'a [i64], Vec<f32>);

pub(crate) fn transform(attrs: &Attrs) -> Result<Transform> {
    Ok(match attrs.string("post_transform", "NONE") {
        b"NONE" => Transform::None,
        b"LOGISTIC" => Transform::Logistic,
        b"SOFTMAX" => Transform::Softmax,
        b"SOFTMAX_ZERO" => Transform::SoftmaxZero,
        b"PROBIT" => return Err(unsupported(attrs.node, "attribute `post_transform`: PROBIT is not run")),
        other => return Err(invalid(attrs.node, format!("attribute `post_transform`: unknown `{}`", String::from_utf8_lossy(other)))),
    })
}

pub(super) fn classifier<'a>(attrs: &Attrs<'a>) -> Result<(LeafWeights<'a>, Kind)> {
    let labels = attrs.ints("classlabels_int64s").len().max(attrs.strings("classlabels_strings").len());
    if !attrs.ints("classlabels_int64s").is_empty() && !attrs.strings("classlabels_strings").is_empty() {
        return Err(invalid(attrs.node, "both `classlabels_int64s` and `classlabels_strings` are given"));
    }
    if labels != 2 {
        return Err(unsupported(attrs.node, format!("attribute `classlabels_*`: {labels} classes; a binary classifier (2) is expected")));
    }
    let leaf = (attrs.ints("class_ids"), attrs.ints("class_nodeids"), attrs.ints("class_treeids"), attrs.floats("class_weights")?);
    let mut classes = leaf.0.to_vec();
    classes.sort_unstable();
    classes.dedup();
    let kind = Kind::Classifier { single_class: classes.len() == 1, all_positive: leaf.3.iter().all(|&w| w >= 0.0) };
    Ok((leaf, kind))
}

pub(super) fn regressor<'a>(attrs: &Attrs<'a>, transform: Transform) -> Result<(LeafWeights<'a>, Kind)> {
    let n_targets = attrs.get("n_targets").map_or(1, |a| a.i);
    if n_targets != 1 {
        return Err(unsupported(attrs.node, format!("attribute `n_targets`: {n_targets}; one target is expected")));
    }
    if transform != Transform::None {
        // onnxruntime ignores it for one target; the specification applies it. Refused.
        return Err(unsupported(attrs.node, "attribute `post_transform`: only NONE is run for one target"));
    }
    let aggregate = match attrs.string("aggregate_function", "SUM") {
        b"SUM" => Aggregate::Sum,
        b"AVERAGE" => Aggregate::Average,
        b"MIN" => Aggregate::Min,
        b"MAX" => Aggregate::Max,
        other => return Err(invalid(attrs.node, format!("attribute `aggregate_function`: unknown `{}`", String::from_utf8_lossy(other)))),
    };
    let leaf = (attrs.ints("target_ids"), attrs.ints("target_nodeids"), attrs.ints("target_treeids"), attrs.floats("target_weights")?);
    Ok((leaf, Kind::Regressor(aggregate)))
}
