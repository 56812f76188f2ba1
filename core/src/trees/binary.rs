//! How onnxruntime (1.32, checked by `tests/tests/trees.rs` on every combination) turns a binary
//! classifier's two class sums into its two outputs, where the specification leaves it open:
//!
//! - A class no reached leaf gave a weight to scores 0, whatever base value was added to it.
//! - Base values: one is added to class 0; with two and class 1 scored, class 1 becomes
//!   `base[1] + sum₀` and class 0 its negation; with two otherwise, each class gets its own.
//! - When only class 0 is scored (no base values, or one) its score `s` is completed into two:
//!   `[σ(−s), σ(s)]` under `LOGISTIC`; else `[1 − s, s]` when every weight is positive and the
//!   weights are for one class, `[−s, s]` otherwise.
//! - Two scores go through the transform (logistic, softmax, softmax-zero) as they are.

use super::Transform;

/// The two outputs of one row from the class sums `s` and which classes were scored (`has`);
/// `None` where onnxruntime does not write the second output.
pub(super) fn outputs(s: [f32; 2], has: [bool; 2], base: &[f32], single_class: bool, all_positive: bool, t: Transform) -> Option<[f32; 2]> {
    let scored = |v: f32, h: bool| if h { v } else { 0.0 };
    let (mut s0, mut s1) = (s[0], s[1]);
    let mut only_first = false;
    match base {
        [_, b1] if has[1] => {
            s1 = b1 + s0;
            s0 = -s1;
        }
        [b0, b1] => {
            s0 += b0;
            s1 += b1;
        }
        [b0] => {
            s0 += b0;
            only_first = !has[1];
        }
        _ => only_first = !has[1],
    }
    if !only_first {
        return Some(transform_two(scored(s0, has[0]), scored(s1, has[1]), t));
    }
    let s = scored(s0, has[0]);
    // The "binary case" (one class id) picks the completion; without it, only no base values do.
    let complement = single_class && all_positive;
    match t {
        Transform::Logistic if single_class || base.is_empty() => Some([logistic(-s), logistic(s)]),
        _ if complement => Some([1.0 - s, s]),
        _ if single_class || base.is_empty() => Some([-s, s]),
        _ => None,
    }
}

/// Two scores through a transform, as onnxruntime applies it to each row.
pub(crate) fn transform_two(a: f32, b: f32, t: Transform) -> [f32; 2] {
    match t {
        Transform::None => [a, b],
        Transform::Logistic => [logistic(a), logistic(b)],
        Transform::Softmax => softmax2(a, b, false),
        Transform::SoftmaxZero => softmax2(a, b, true),
    }
}

/// onnxruntime's logistic: `1 / (1 + e^−|x|)`, mirrored for negative `x`.
pub(crate) fn logistic(x: f32) -> f32 {
    let v = 1.0 / (1.0 + (-x.abs()).exp());
    if x < 0.0 {
        1.0 - v
    } else {
        v
    }
}

/// Softmax of two values; `zero`: a value within 1e-7 of zero stays (almost) zero and is left
/// out of the sum.
fn softmax2(a: f32, b: f32, zero: bool) -> [f32; 2] {
    let max = a.max(b);
    let kept = |v: f32| !zero || v.abs() > 1e-7;
    let e = |v: f32| if kept(v) { (v - max).exp() } else { v * (-max).exp() };
    let (ea, eb) = (e(a), e(b));
    let sum = [(a, ea), (b, eb)].iter().filter(|(v, _)| kept(*v)).map(|(_, e)| e).sum::<f32>();
    [ea / sum, eb / sum]
}
