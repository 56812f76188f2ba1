//! Graphs with one input per column, as skl2onnx writes a pipeline fitted on a DataFrame: each
//! graph input is bound by name to a feature of the spec, and fed from the raw rows (numbers,
//! category codes, NaN for missing) the way the lender's DataFrame held that column:
//!
//! | graph input | numeric feature | categorical feature |
//! |---|---|---|
//! | float `[batch, 1]` | its value | its category's text read as a number |
//! | int64 `[batch, 1]` | its value (a whole number) | its category's text read as a whole number |
//! | string `[batch, 1]` | refused | its category's text |
//!
//! A missing value is NaN to a float input and the empty text `""` to a string input; an int64
//! input cannot hold one, so scoring a row missing it is refused naming the input.

use super::ops::Op;
use crate::error::{Error, Result};
use crate::onnx::{ValueInfoProto, FLOAT, INT64, STRING};
use crate::schema::ColumnSpec;

/// What a string input's missing value (`""`) is, when the spec does not list `""`: no code is
/// negative.
pub(super) const MISSING_TEXT: f32 = -1.0;

/// A spec feature as a graph with one input per column sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub name: String,
    /// The category texts by code; empty for a number.
    pub categories: Vec<String>,
}

/// The features a runtime is fed, in the spec's order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Features(pub Vec<Feature>);

impl Features {
    /// A spec's features (`Spec::features`), in order.
    pub fn of<'a>(features: impl IntoIterator<Item = &'a ColumnSpec>) -> Features {
        let feature = |c: &ColumnSpec| Feature {
            name: c.name.clone(),
            categories: if c.is_categorical() { c.categories.iter().map(|k| k.value.clone()).collect() } else { vec![] },
        };
        Features(features.into_iter().map(feature).collect())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn names(&self) -> String {
        self.0.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// What a slot of a converted graph holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Kind {
    Float,
    Int,
    /// Category codes standing for texts: each column's feature (string inputs).
    Text(Vec<usize>),
}

/// The step that feeds graph input `input` from the raw rows, and what it holds.
pub(super) fn bind(input: &ValueInfoProto, features: &Features) -> Result<(Op, Kind)> {
    let name = &input.name;
    let Some(feature) = features.0.iter().position(|f| &f.name == name) else {
        return Err(Error::Bundle(format!("graph input `{name}` is not a feature of the spec ({})", features.names())));
    };
    let dims = input.dims();
    if dims.len() != 2 || dims[1].is_some_and(|d| d != 1) {
        return Err(Error::Bundle(format!("graph input `{name}` has shape {dims:?}; one value per row ([batch, 1]) is expected")));
    }
    let categories = &features.0[feature].categories;
    let input_op = |table, missing, whole| Op::Input { feature, table, missing, whole, name: name.clone() };
    match input.elem_type() {
        STRING if categories.is_empty() => Err(Error::Bundle(format!("graph input `{name}` is a string; the spec's `{name}` is a number"))),
        STRING => {
            let codes = (0..categories.len()).map(|c| c as f32).collect();
            let missing = categories.iter().position(|c| c.is_empty()).map_or(MISSING_TEXT, |c| c as f32);
            Ok((input_op(Some(codes), missing, false), Kind::Text(vec![feature])))
        }
        t @ (FLOAT | INT64) => {
            let whole = t == INT64;
            let table = (!categories.is_empty()).then(|| numbers(name, categories, whole)).transpose()?;
            Ok((input_op(table, f32::NAN, whole), if whole { Kind::Int } else { Kind::Float }))
        }
        t => Err(Error::Bundle(format!("graph input `{name}` has element type {t}; float (1), int64 (7) or string (8) is expected"))),
    }
}

/// A category feature's texts read as numbers (whole ones when `whole`), for a numeric input.
fn numbers(name: &str, categories: &[String], whole: bool) -> Result<Vec<f32>> {
    categories
        .iter()
        .map(|c| match c.trim().parse::<f32>() {
            Ok(v) if v.is_finite() && (!whole || v.fract() == 0.0) => Ok(v),
            _ => Err(Error::Bundle(format!(
                "graph input `{name}` is {}, and the spec's category `{c}` is not {}; a category given as text takes a string input",
                if whole { "int64" } else { "float" },
                if whole { "a whole number" } else { "a number" }
            ))),
        })
        .collect()
}
