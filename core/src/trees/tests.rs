use super::binary::{logistic, outputs};
use super::flat::Branch;
use super::*;

/// A branch on feature 0 at `value`: child 10 for true, 20 for false.
struct Probe(Branch);

impl Probe {
    fn next(&self, x: f32) -> u32 {
        self.0.next(&[x])
    }
}

fn branch_at(mode: Mode, missing_yes: bool, value: f32) -> Probe {
    Probe(Branch::new(&Node { feature: 0, value, yes: 0, no: 0, mode, missing_yes }, 10, 20))
}

fn branch(mode: Mode, missing_yes: bool) -> Probe {
    branch_at(mode, missing_yes, 1.0)
}

#[test]
fn each_mode_compares_and_a_missing_value_goes_where_its_track_says() {
    let cases = [(Mode::Leq, [10, 10, 20]), (Mode::Lt, [10, 20, 20]), (Mode::Gte, [20, 10, 10]), (Mode::Gt, [20, 20, 10])];
    for (mode, want) in cases.into_iter().chain([(Mode::Eq, [20, 10, 20]), (Mode::Neq, [10, 20, 10])]) {
        let n = branch(mode, false);
        assert_eq!([n.next(0.5), n.next(1.0), n.next(2.0)], want, "{mode:?}");
        // NaN compares false except under NEQ; a true track sends it to the true child.
        assert_eq!(n.next(f32::NAN), if mode == Mode::Neq { 10 } else { 20 }, "{mode:?}");
        assert_eq!(branch(mode, true).next(f32::NAN), 10, "{mode:?}");
        // Infinite and NaN thresholds, and the float just below one, as onnxruntime compares them.
        let below = 1.0f32.next_down();
        assert_eq!(n.next(below) == 10, compare(mode, below, 1.0), "{mode:?} at {below}");
        for (v, x) in [(f32::NEG_INFINITY, f32::NEG_INFINITY), (f32::INFINITY, f32::INFINITY), (f32::NAN, 0.0), (0.0, -0.0)] {
            assert_eq!(branch_at(mode, false, v).next(x) == 10, compare(mode, x, v), "{mode:?}: {x} against {v}");
        }
    }
}

/// The specification's comparison of a present value.
fn compare(mode: Mode, x: f32, v: f32) -> bool {
    match mode {
        Mode::Leq => x <= v,
        Mode::Lt => x < v,
        Mode::Gte => x >= v,
        Mode::Gt => x > v,
        Mode::Eq => x == v,
        Mode::Neq => x != v,
        Mode::Leaf => unreachable!(),
    }
}

#[test]
fn logistic_is_symmetric_and_saturates_without_nan() {
    for x in [-100.0f32, -3.0, -0.5, 0.0, 0.5, 3.0, 100.0] {
        assert!((logistic(x) + logistic(-x) - 1.0).abs() < 1e-6, "{x}");
    }
    assert_eq!(logistic(0.0), 0.5);
    assert_eq!((logistic(-1e30), logistic(1e30)), (0.0, 1.0));
}

#[test]
fn a_single_class_score_is_completed_into_two() {
    let no_base: &[f32] = &[];
    // All weights positive: [1 − s, s]; mixed: [−s, s]; under LOGISTIC both classes' logistic.
    assert_eq!(outputs([0.7, 0.0], [true, false], no_base, true, true, Transform::None), Some([1.0 - 0.7, 0.7]));
    assert_eq!(outputs([0.7, 0.0], [true, false], no_base, true, false, Transform::None), Some([-0.7, 0.7]));
    assert_eq!(outputs([0.0, 0.0], [true, false], no_base, true, false, Transform::Logistic), Some([0.5, 0.5]));
    // Not one class, one base value and class 1 never scored: no second output.
    assert_eq!(outputs([0.7, 0.0], [true, false], &[0.1], false, false, Transform::None), None);
    // A class no leaf scored is 0, whatever base value was added to it.
    assert_eq!(outputs([0.0, 0.3], [false, true], &[0.5], true, false, Transform::None), Some([0.0, 0.3]));
}
