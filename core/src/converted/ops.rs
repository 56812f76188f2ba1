//! What each step of a converted graph computes, on rows of its input slots.

use crate::error::{Error, Result};
use crate::linear::{Linear, Normalizer, Scaler};
use crate::trees::TreeEnsemble;

/// Arithmetic with a constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

/// What a category of a `OneHotEncoder` matches in its input column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Cat {
    /// This value (a whole number, or a category's code for a string input).
    Value(f32),
    /// Nothing the input can hold (a text the spec does not list).
    Never,
}

#[derive(Debug, Clone)]
pub(super) enum Op {
    Trees(Box<TreeEnsemble>),
    Linear(Box<Linear>),
    Scaler(Scaler),
    Normalizer(Normalizer),
    Sigmoid,
    /// `value ∘ constant` (or `constant ∘ value` when `constant_first`); the constant has one
    /// value or one per column.
    Arith {
        arith: Arith,
        constant: Vec<f32>,
        constant_first: bool,
    },
    /// These columns of each row, in this order (`Slice`, `Gather`, `ArrayFeatureExtractor`).
    Columns(Vec<usize>),
    /// The inputs' rows side by side (`Concat`).
    Concat,
    /// `Imputer`: a value equal to `replaced` (or any NaN, when `replaced` is NaN) becomes the
    /// column's (or the only) value of `values`.
    Imputer {
        values: Vec<f32>,
        replaced: f32,
    },
    /// `Cast` of a float to int64: towards zero; a missing value or one beyond int64 is refused
    /// (ONNX leaves it undefined), naming the node.
    Truncate {
        node: String,
    },
    /// `OneHotEncoder`: each input column as `width` 0/1 columns, one per category; `cats` holds
    /// each input column's `width` categories in turn (a string input's codes are its
    /// feature's). A value matching no category is all zeros when `zeros`, else refused naming
    /// the node.
    OneHot {
        cats: Vec<Cat>,
        width: usize,
        zeros: bool,
        node: String,
    },
    /// A graph input bound to a feature of the raw rows ([`super::inputs`]): its value, or its
    /// category code's entry in `table`; a missing value becomes `missing`; refused, naming the
    /// input, when `whole` (an int64 input) and missing or not a whole number.
    Input {
        feature: usize,
        table: Option<Vec<f32>>,
        missing: f32,
        whole: bool,
        name: String,
    },
}

/// `op` on the rows of `ins` (each `cols` wide) into `out`.
pub(super) fn apply(op: &Op, ins: &[(&[f32], usize)], out: &mut [f32]) -> Result<()> {
    let (input, in_cols) = ins[0];
    match op {
        Op::Trees(t) => t.eval(input, out)?,
        Op::Linear(l) => l.eval(input, out),
        Op::Scaler(s) => s.eval(input, out),
        Op::Normalizer(n) => n.eval(input, out),
        Op::Sigmoid => out.iter_mut().zip(input).for_each(|(o, &v)| *o = crate::network::sigmoid(v)),
        Op::Columns(columns) => {
            for (o, row) in out.chunks_exact_mut(columns.len()).zip(input.chunks_exact(in_cols)) {
                o.iter_mut().zip(columns).for_each(|(o, &c)| *o = row[c]);
            }
        }
        Op::Concat => concat(ins, out),
        Op::Arith { arith, constant, constant_first } => arithmetic(*arith, constant, *constant_first, input, in_cols, out),
        Op::Imputer { values, replaced } => {
            for (o_row, row) in out.chunks_exact_mut(in_cols).zip(input.chunks_exact(in_cols)) {
                for (c, (o, &v)) in o_row.iter_mut().zip(row).enumerate() {
                    let hit = if replaced.is_nan() { v.is_nan() } else { v == *replaced };
                    *o = if hit { values[if values.len() == 1 { 0 } else { c }] } else { v };
                }
            }
        }
        Op::Truncate { node } => {
            for (o, &v) in out.iter_mut().zip(input) {
                // NaN, and ±2^63 and beyond, do not fit an int64.
                if v.is_nan() || v.abs() >= 9.223_372e18 {
                    return Err(Error::Input(format!("node `{node}` casts {v} to int64, which ONNX leaves undefined")));
                }
                *o = v.trunc();
            }
        }
        Op::OneHot { cats, width, zeros, node } => one_hot(cats, *width, *zeros, node, input, out)?,
        Op::Input { feature, table, missing, whole, name } => {
            for (o, row) in out.iter_mut().zip(input.chunks_exact(in_cols)) {
                *o = input_value(row[*feature], table.as_deref(), *missing);
                if *whole && o.is_nan() {
                    return Err(Error::Input(format!("input `{name}` is int64, which cannot hold a missing value")));
                }
                if *whole && o.fract() != 0.0 {
                    return Err(Error::Input(format!("input `{name}` is int64; {o} is not a whole number")));
                }
            }
        }
    }
    Ok(())
}

/// A raw value as a graph input takes it: a category code's entry in `table` (NaN for a code
/// out of its range), a missing value as `missing`.
fn input_value(v: f32, table: Option<&[f32]>, missing: f32) -> f32 {
    match table {
        _ if v.is_nan() => missing,
        Some(t) if v >= 0.0 && v.fract() == 0.0 => t.get(v as usize).copied().unwrap_or(f32::NAN),
        Some(_) => f32::NAN,
        None => v,
    }
}

fn concat(ins: &[(&[f32], usize)], out: &mut [f32]) {
    let width: usize = ins.iter().map(|&(_, c)| c).sum();
    for (r, o) in out.chunks_exact_mut(width).enumerate() {
        let mut at = 0;
        for &(x, c) in ins {
            o[at..at + c].copy_from_slice(&x[r * c..(r + 1) * c]);
            at += c;
        }
    }
}

fn arithmetic(arith: Arith, constant: &[f32], constant_first: bool, input: &[f32], in_cols: usize, out: &mut [f32]) {
    for (o_row, i_row) in out.chunks_exact_mut(in_cols).zip(input.chunks_exact(in_cols)) {
        for (c, (o, &v)) in o_row.iter_mut().zip(i_row).enumerate() {
            let k = constant[if constant.len() == 1 { 0 } else { c }];
            let (a, b) = if constant_first { (k, v) } else { (v, k) };
            *o = match arith {
                Arith::Add => a + b,
                Arith::Sub => a - b,
                Arith::Mul => a * b,
                Arith::Div => a / b,
            };
        }
    }
}

fn one_hot(cats: &[Cat], width: usize, zeros: bool, node: &str, input: &[f32], out: &mut [f32]) -> Result<()> {
    let columns = cats.len() / width;
    for (i, (&v, o)) in input.iter().zip(out.chunks_exact_mut(width)).enumerate() {
        o.fill(0.0);
        let column = &cats[(i % columns) * width..(i % columns + 1) * width];
        match column.iter().position(|&c| c == Cat::Value(v)) {
            Some(j) => o[j] = 1.0,
            None if zeros => {}
            None => return Err(Error::Input(format!("node `{node}`: {v} is none of its categories, and `zeros` is 0"))),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two input columns, three categories: `[rows, 2]` → `[rows, 2, 3]`, each column matched
    /// against its own categories (ONNX-ML `OneHotEncoder`).
    #[test]
    fn one_hot_encodes_each_column_in_turn() {
        let v = |x: f32| Cat::Value(x);
        // Column 0 with categories 0, 1, 2; column 1 (say a string input's codes) with 2, Never, 0.
        let cats = [v(0.0), v(1.0), v(2.0), v(2.0), Cat::Never, v(0.0)];
        let input = [1.0, 0.0, 2.0, 5.0];
        let mut out = [9.0; 12];
        one_hot(&cats, 3, true, "n", &input, &mut out).unwrap();
        assert_eq!(out, [0., 1., 0., /* | */ 0., 0., 1., /* row 2 */ 0., 0., 1., /* | */ 0., 0., 0.]);
        let e = one_hot(&cats, 3, false, "n", &input, &mut out).unwrap_err();
        assert!(e.to_string().contains("node `n`: 5 is none of its categories"), "{e}");
    }
}
