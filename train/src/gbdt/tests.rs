use advisor_core::converted::ConvertedRuntime;
use advisor_core::matrix::Matrix;
use advisor_core::runtime::{Runtime, TractRuntime};

use super::bins::{self, Binned};
use super::*;

/// A deterministic table: `x0` numeric (every 7th missing), `x1` a category of 5, `x2` noise;
/// the risk rises with `x0` except for a dip, and categories 1 and 3 are riskier.
fn table(n: usize, seed: u64) -> (Matrix, Vec<u8>) {
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move || {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let (mut data, mut y) = (Vec::with_capacity(n * 3), Vec::with_capacity(n));
    for i in 0..n {
        let x0 = next() * 10.0;
        let x1 = (next() * 5.0).floor();
        let x2 = next();
        let dip = if (4.0..5.0).contains(&x0) { -1.5 } else { 0.0 };
        let z = 0.5 * x0 - 2.5 + dip + if x1 == 1.0 || x1 == 3.0 { 1.0 } else { -0.5 };
        y.push(u8::from(next() < 1.0 / (1.0 + (-z).exp())));
        data.extend([if i % 7 == 0 { f32::NAN } else { x0 as f32 }, x1 as f32, x2 as f32]);
    }
    (Matrix::new(data, 3).unwrap(), y)
}

const CATEGORIES: [Option<usize>; 3] = [None, Some(5), None];

fn boost(params: GbdtParams, monotone: &[i8], raw: &Matrix, y: &[u8], val: Option<(&Matrix, &[u8])>) -> (Boosted, Vec<bins::Cuts>) {
    let cuts = bins::fit(raw, &CATEGORIES, params.max_bins).unwrap();
    let binned = Binned::new(&cuts, raw);
    let val_binned = val.map(|(m, _)| Binned::new(&cuts, m));
    let validation = val.zip(val_binned.as_ref()).map(|((_, labels), binned)| Rows { binned, labels });
    let b = train(&params.check().unwrap(), &cuts, monotone, Rows { binned: &binned, labels: y }, validation, |_| {}).unwrap();
    (b, cuts)
}

fn sigmoid(z: f64) -> f32 {
    (1.0 / (1.0 + (-z).exp())) as f32
}

#[test]
fn trees_learn_the_signal_and_the_same_seed_gives_the_same_trees() {
    let (raw, y) = table(3000, 1);
    let (val, y_val) = table(1000, 2);
    let params = GbdtParams { rounds: 300, min_rows: 20, ..GbdtParams::default() };
    let (a, cuts) = boost(params.clone(), &[0; 3], &raw, &y, Some((&val, &y_val)));
    let (b, _) = boost(params.clone(), &[0; 3], &raw, &y, Some((&val, &y_val)));
    assert_eq!(a.booster, b.booster);
    assert!(a.best_rounds >= 10 && a.best_rounds <= a.rounds_run, "{} of {}", a.best_rounds, a.rounds_run);
    let p: Vec<f32> = a.booster.logits(&Binned::new(&cuts, &val)).iter().map(|&z| sigmoid(z)).collect();
    let auc = advisor_core::metrics::auc(&y_val, &p);
    assert!(auc > 0.75, "validation AUC {auc}");
    let (c, _) = boost(GbdtParams { seed: 7, ..params }, &[0; 3], &raw, &y, Some((&val, &y_val)));
    assert_ne!(a.booster, c.booster, "another seed subsamples other rows");
}

#[test]
fn a_monotone_feature_never_lowers_the_risk_as_it_grows() {
    let (raw, y) = table(4000, 3);
    let params = GbdtParams { rounds: 80, min_rows: 10, subsample: 1.0, colsample: 1.0, ..GbdtParams::default() };
    let grid = |b: &Booster, cat: f32| -> Vec<f64> {
        let rows: Vec<f32> = (0..=200).flat_map(|i| [i as f32 * 0.05, cat, 0.5]).collect();
        b.logits(&Binned::new(&b.cuts, &Matrix::new(rows, 3).unwrap()))
    };
    let (free, _) = boost(params.clone(), &[0; 3], &raw, &y, None);
    let dips = |z: &[f64]| z.windows(2).any(|w| w[1] < w[0] - 1e-12);
    assert!(dips(&grid(&free.booster, 1.0)), "unconstrained trees follow the dip");
    let (held, _) = boost(params, &[1, 0, 0], &raw, &y, None);
    for cat in 0..5 {
        let z = grid(&held.booster, cat as f32);
        assert!(!dips(&z), "category {cat}: {z:?}");
        assert!(z[200] > z[0] + 1.0, "the constrained trees still learn the rise");
    }
}

#[test]
fn the_exported_graph_scores_as_the_trees_on_every_runtime() {
    let (raw, y) = table(2000, 4);
    let params = GbdtParams { rounds: 40, min_rows: 10, ..GbdtParams::default() };
    let (mut b, cuts) = boost(params, &[0; 3], &raw, &y, None);
    b.booster.scale(0.8, -0.1);
    let uses = |f: fn(&grow::Rule) -> bool| {
        b.booster.trees.iter().flat_map(|t| &t.nodes).any(|n| matches!(n, grow::Node::Split { rule, .. } if f(rule)))
    };
    assert!(uses(|r| matches!(r, grow::Rule::In { categories } if categories.len() > 1)), "a categorical subset split");
    assert!(uses(|r| matches!(r, grow::Rule::LessEq { .. })));
    let graph = advisor_core::onnx::encode(&export::model(&b.booster, 3, &[]));
    // The test rows, thresholds themselves, missing values, and a category the trees never saw.
    let (mut test, _) = table(300, 5);
    let bins::Cuts::Numeric { thresholds } = &cuts[0] else { panic!() };
    for (i, &t) in thresholds.iter().enumerate().step_by(10) {
        test.push_row(&[t, (i % 5) as f32, f32::NAN]);
    }
    test.push_row(&[f32::NAN, f32::NAN, f32::NAN]);
    let expected: Vec<f32> = b.booster.logits(&Binned::new(&cuts, &test)).iter().map(|&z| sigmoid(z)).collect();
    let light = ConvertedRuntime::load(&graph, 3, export::OUTPUT).unwrap().predict(&test).unwrap();
    let tract = TractRuntime::load_output(&graph, 3, Some(export::OUTPUT)).unwrap().predict(&test).unwrap();
    for (i, e) in expected.iter().enumerate() {
        assert!((light[i] - e).abs() < 1e-6 && (tract[i] - e).abs() < 1e-6, "row {i}: trees {e}, light {}, tract {}", light[i], tract[i]);
    }
}

#[test]
fn settings_out_of_range_are_refused_by_name() {
    let bad = |p: GbdtParams| p.check().unwrap_err().to_string();
    assert!(bad(GbdtParams { rounds: 0, ..GbdtParams::default() }).contains("--rounds 0"));
    assert!(bad(GbdtParams { learning_rate: 0.0, ..GbdtParams::default() }).contains("--shrinkage"));
    assert!(bad(GbdtParams { max_leaves: 1, ..GbdtParams::default() }).contains("--max-leaves 1"));
    assert!(bad(GbdtParams { subsample: 1.5, ..GbdtParams::default() }).contains("--subsample 1.5"));
    assert!(bad(GbdtParams { l2: f64::NAN, ..GbdtParams::default() }).contains("--l2"));
    assert!(bad(GbdtParams { max_bins: 300, ..GbdtParams::default() }).contains("--max-bins 300"));
    assert!(GbdtParams::default().check().is_ok());
}
