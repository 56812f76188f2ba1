//! Tree ensembles and logistic regressions on the light runtime against onnxruntime: the models
//! the standard converters write (LightGBM, XGBoost, scikit-learn) and hand-made graphs for every
//! corner of the operators, from `tests/fixtures/trees/` (made by its `make_fixtures.py`); and malformed tree
//! graphs, refused with errors that name the node.

use advisor_core::converted::{ConvertedRuntime, Feature, Features, Inputs};
use advisor_core::onnx::{self, AttributeProto, ModelProto, NodeProto};
use advisor_core::runtime::Runtime;
use advisor_core::trees::{TreeEnsemble, MAX_TREE_NODES};
use advisor_core::Error;
use advisor_tests::repo;
use serde_json::Value;

/// The largest |light − onnxruntime| accepted.
const TOLERANCE: f64 = 1e-5;

const CONVERTED: &[&str] = &[
    "lightgbm_german",
    "lightgbm_german_sliced",
    "lightgbm_gmsc",
    "xgboost_gmsc",
    "xgboost_regressor_sigmoid_gmsc",
    "sklearn_gbc_german",
    "sklearn_rf_german",
    "sklearn_hgb_gmsc",
    "sklearn_logreg_german",
    "sklearn_scaled_logreg_german",
    "sklearn_ct_logreg_german",
    "sklearn_ct_rf_german",
    "sklearn_ct_matrix_gbc_german",
];

fn fixture(file: &str) -> Vec<u8> {
    let path = repo().join("tests/fixtures/trees").join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(file: &str) -> Value {
    serde_json::from_slice(&fixture(file)).unwrap()
}

/// Rows as flat f32 (null = missing).
fn rows(v: &Value) -> Vec<f32> {
    v.as_array().unwrap().iter().flat_map(|r| r.as_array().unwrap().iter().map(|x| x.as_f64().map_or(f32::NAN, |x| x as f32))).collect()
}

/// |a − b|, with NaN equal to NaN.
fn diff(a: f64, b: f64) -> f64 {
    if a.is_nan() && b.is_nan() {
        0.0
    } else {
        (a - b).abs()
    }
}

/// The features a fixture's graph binds by name (those of scikit-learn pipelines fitted on a
/// DataFrame), or none.
fn features(f: &Value) -> Option<Features> {
    let list = f.get("features")?.as_array().unwrap();
    let feature = |v: &Value| Feature {
        name: v["name"].as_str().unwrap().into(),
        categories: v.get("categories").map_or(vec![], |c| c.as_array().unwrap().iter().map(|k| k.as_str().unwrap().into()).collect()),
    };
    Some(Features(list.iter().map(feature).collect()))
}

/// A fixture's graph on the light runtime, fed as the fixture says (one matrix, or by name).
fn load_fixture(name: &str) -> (ConvertedRuntime, Value) {
    let f = json(&format!("{name}.json"));
    let g = onnx::decode(&fixture(&format!("{name}.onnx"))).unwrap().graph.unwrap();
    let features = features(&f);
    let inputs = features.as_ref().map_or(Inputs::Matrix(f["inputs"].as_u64().unwrap() as usize), Inputs::Features);
    let rt = ConvertedRuntime::from_graph(&g, inputs, f["output"].as_str().unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
    (rt, f)
}

#[test]
fn converted_models_match_onnxruntime() {
    for name in CONVERTED {
        let (rt, f) = load_fixture(name);
        let got = rt.predict_flat(&rows(&f["rows"])).unwrap();
        // The positive class's probability: the last value of each row.
        let expected: Vec<f64> =
            f["expected"].as_array().unwrap().iter().map(|r| r.as_array().unwrap().last().unwrap().as_f64().unwrap()).collect();
        assert_eq!(got.len(), expected.len(), "{name}");
        let worst = got.iter().zip(&expected).map(|(&g, &e)| diff(g.into(), e)).fold(0.0, f64::max);
        eprintln!("{name}: {}, {} rows, max |light − onnxruntime| = {worst:.1e}", rt.summary(), got.len());
        assert!(worst <= TOLERANCE, "{name}: max |light − onnxruntime| = {worst}");
    }
}

fn model_node(model: &ModelProto) -> &NodeProto {
    model.graph.as_ref().unwrap().node.iter().find(|n| n.domain == "ai.onnx.ml").unwrap()
}

thread_local! {
    /// How many ensembles [`eval_node`] found by QuickScorer's scan.
    static SCANNED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A hand-made graph's one ONNX-ML node over rows of 2, evaluated: its outputs per row.
fn eval_node(node: &NodeProto, x: &[f32]) -> advisor_core::Result<(Vec<f32>, usize)> {
    if node.op_type == "LinearClassifier" {
        let mut out = vec![0.0; x.len()];
        advisor_core::linear::Linear::from_node(node, 2)?.eval(x, &mut out);
        return Ok((out, 2));
    }
    if node.op_type == "Normalizer" {
        let mut out = vec![0.0; x.len()];
        advisor_core::linear::Normalizer::from_node(node, 2)?.eval(x, &mut out);
        return Ok((out, 2));
    }
    let trees = TreeEnsemble::from_node(node, 2)?;
    SCANNED.with(|s| s.set(s.get() + trees.scanned() as usize));
    let mut out = vec![0.0; x.len() / 2 * trees.n_outputs()];
    trees.eval(x, &mut out)?;
    Ok((out, trees.n_outputs()))
}

#[test]
fn hand_made_graphs_match_onnxruntime_on_every_output() {
    let f = json("hand_made.json");
    let x = rows(&f["rows"]);
    let cases = f["cases"].as_object().unwrap();
    assert!(cases.len() >= 73, "{} cases", cases.len());
    let mut failures = Vec::new();
    // null: onnxruntime gave NaN (a linear model or a normaliser on a missing value).
    for (name, case) in cases {
        let hex = case["graph"].as_str().unwrap();
        let bytes: Vec<u8> = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
        let model = onnx::decode(&bytes).unwrap();
        let (out, per_row) = eval_node(model_node(&model), &x).unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected: Vec<f64> = case["expected"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r.as_array().unwrap().clone())
            .map(|v| v.as_f64().unwrap_or(f64::NAN))
            .collect();
        assert_eq!(out.len(), expected.len(), "{name}");
        if let Some((i, (&g, &e))) = out.iter().zip(&expected).enumerate().find(|(_, (&g, &e))| diff(g.into(), e) > TOLERANCE) {
            failures.push(format!("{name}: output {i} (row {}): light {g}, onnxruntime {e}", i / per_row));
        }
    }
    assert!(failures.is_empty(), "{} of {} graphs differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
    // Both ways to find the leaves were checked: QuickScorer's scan and the walk (`==` modes).
    let (scanned, trees) = (SCANNED.with(|s| s.get()), cases.keys().filter(|n| !n.starts_with("lin_") && !n.starts_with("norm_")).count());
    eprintln!("{scanned} of {trees} tree graphs scanned");
    assert!(scanned >= 50 && trees - scanned >= 2, "{scanned} of {trees} tree graphs scanned");
}

/// The fixtures' trees are found by QuickScorer's scan (so their parity with onnxruntime above
/// is the scan's), except LightGBM's categorical splits (chains of `==`), which are walked.
#[test]
fn numeric_splits_are_scanned_and_categorical_ones_walked() {
    let walked = ["lightgbm_german", "lightgbm_german_sliced"];
    let scanned =
        ["lightgbm_gmsc", "xgboost_gmsc", "xgboost_regressor_sigmoid_gmsc", "sklearn_gbc_german", "sklearn_rf_german", "sklearn_hgb_gmsc"];
    for name in walked.iter().chain(&scanned) {
        let model = onnx::decode(&fixture(&format!("{name}.onnx"))).unwrap();
        let inputs = json(&format!("{name}.json"))["inputs"].as_u64().unwrap() as usize;
        assert_eq!(TreeEnsemble::from_node(model_node(&model), inputs).unwrap().scanned(), scanned.contains(name), "{name}");
    }
}

/// A change to a tree node.
type Edit = Box<dyn FnOnce(&mut NodeProto)>;

/// The LightGBM fixture with its tree node changed by `edit`.
fn edited(edit: impl FnOnce(&mut NodeProto)) -> Vec<u8> {
    let mut model = onnx::decode(&fixture("lightgbm_german.onnx")).unwrap();
    let node = model.graph.as_mut().unwrap().node.iter_mut().find(|n| n.op_type == "TreeEnsembleClassifier").unwrap();
    edit(node);
    onnx::encode(&model)
}

fn attr<'a>(node: &'a mut NodeProto, name: &str) -> &'a mut AttributeProto {
    node.attribute.iter_mut().find(|a| a.name == name).unwrap_or_else(|| panic!("no attribute {name}"))
}

/// Inputs of the LightGBM fixture's graph.
const GERMAN_INPUTS: usize = 18;

fn load_error(graph: &[u8]) -> Error {
    match ConvertedRuntime::load(graph, GERMAN_INPUTS, "probabilities") {
        Ok(_) => panic!("a malformed graph was accepted"),
        Err(e) => e,
    }
}

#[test]
fn malformed_tree_graphs_are_refused_naming_the_node() {
    let cases: Vec<(&str, Edit, &str)> = vec![
        ("child out of range", Box::new(|n| attr(n, "nodes_truenodeids").ints[0] = 9999), "true child 9999 is not another node"),
        ("cycle", Box::new(|n| attr(n, "nodes_falsenodeids").ints[1] = 0), "is on a cycle"),
        ("self loop", Box::new(|n| attr(n, "nodes_truenodeids").ints[0] = 0), "is not another node"),
        ("short values", Box::new(|n| _ = attr(n, "nodes_values").floats.pop()), "`nodes_values` has"),
        ("short modes", Box::new(|n| drop(attr(n, "nodes_modes").strings.pop())), "`nodes_modes` has"),
        ("short weights", Box::new(|n| _ = attr(n, "class_weights").floats.pop()), "leaf weights:"),
        ("duplicate id", Box::new(|n| attr(n, "nodes_nodeids").ints[1] = 0), "given twice"),
        ("feature out of range", Box::new(|n| attr(n, "nodes_featureids").ints[0] = 18), "feature 18 is not one of the 18 inputs"),
        ("unknown mode", Box::new(|n| attr(n, "nodes_modes").strings[0] = b"BRANCH_SOMETIMES".to_vec()), "unknown mode"),
        ("weight on a branch", Box::new(|n| attr(n, "class_nodeids").ints[0] = 0), "is a branch, not a leaf"),
        ("class out of range", Box::new(|n| attr(n, "class_ids").ints[0] = 2), "output 2 is not below 2"),
        ("trees interleaved", Box::new(interleave), "not consecutive"),
        ("ten million nodes claimed", Box::new(|n| attr(n, "nodes_treeids").ints = vec![0; MAX_TREE_NODES + 1]), "nodes; 1 to"),
    ];
    for (what, edit, expected) in cases {
        let e = load_error(&edited(edit));
        let text = e.to_string();
        assert_eq!(e.code(), "BAD_BUNDLE", "{what}: {text}");
        assert!(text.contains("node `LgbmClassifier` (TreeEnsembleClassifier)") && text.contains(expected), "{what}: {text}");
    }
}

/// Moves the first tree's last node after the second tree's nodes.
fn interleave(n: &mut NodeProto) {
    let trees = &attr(n, "nodes_treeids").ints;
    let end = trees.iter().position(|&t| t != 0).unwrap();
    let second_end = trees.iter().position(|&t| t > 1).unwrap();
    for a in n.attribute.iter_mut().filter(|a| a.name.starts_with("nodes_")) {
        if !a.ints.is_empty() {
            a.ints[end - 1..second_end].rotate_left(1);
        }
        if !a.floats.is_empty() {
            a.floats[end - 1..second_end].rotate_left(1);
        }
        if !a.strings.is_empty() {
            a.strings[end - 1..second_end].rotate_left(1);
        }
    }
}

#[test]
fn what_the_light_runtime_does_not_run_is_refused_by_name() {
    let cases: Vec<(&str, Edit, &str)> = vec![
        ("probit", Box::new(|n| attr(n, "post_transform").s = b"PROBIT".to_vec()), "PROBIT is not run"),
        ("three classes", Box::new(|n| attr(n, "classlabels_int64s").ints.push(2)), "3 classes"),
        (
            "an attribute the operator does not define",
            Box::new(|n| n.attribute.push(AttributeProto { name: "nodes_colour".into(), ..Default::default() })),
            "attribute `nodes_colour`",
        ),
    ];
    for (what, edit, expected) in cases {
        let e = load_error(&edited(edit));
        assert_eq!(e.code(), "UNSUPPORTED_GRAPH", "{what}: {e}");
        assert!(e.to_string().contains(expected), "{what}: {e}");
    }
}

#[test]
fn node_ids_are_names_not_sizes() {
    // Ids far apart (a claim of ten million nodes) change nothing: nothing is sized by them.
    let far = edited(|n| {
        for name in ["nodes_nodeids", "nodes_truenodeids", "nodes_falsenodeids", "class_nodeids"] {
            attr(n, name).ints.iter_mut().for_each(|id| *id = *id * 1_000_003 + 10_000_000);
        }
    });
    let f = json("lightgbm_german.json");
    let x = rows(&f["rows"]);
    assert_eq!(f["inputs"], GERMAN_INPUTS);
    let plain = ConvertedRuntime::load(&fixture("lightgbm_german.onnx"), GERMAN_INPUTS, "probabilities").unwrap();
    let far = ConvertedRuntime::load(&far, GERMAN_INPUTS, "probabilities").unwrap();
    assert_eq!(plain.predict_flat(&x).unwrap(), far.predict_flat(&x).unwrap());
}

/// The fixtures tract 0.23 does not load: its `TreeEnsembleClassifier` refuses the one base
/// value XGBoost's and scikit-learn's boosting converters write for two classes, and it has no
/// `TreeEnsembleRegressor` and no `Scaler`.
const TRACT_REFUSES: &[&str] = &[
    "xgboost_gmsc",
    "xgboost_regressor_sigmoid_gmsc",
    "sklearn_gbc_german",
    "sklearn_hgb_gmsc",
    "sklearn_scaled_logreg_german",
    "sklearn_ct_matrix_gbc_german",
];

#[test]
fn tract_runs_the_converted_classifiers_it_loads_like_the_light_runtime() {
    let mut refused = Vec::new();
    // (tract's runtime here takes one input tensor: graphs with an input per column are left out.)
    for name in CONVERTED.iter().filter(|n| features(&json(&format!("{n}.json"))).is_none()) {
        let (rt, f) = load_fixture(name);
        let n = f["inputs"].as_u64().unwrap() as usize;
        let graph = fixture(&format!("{name}.onnx"));
        let output = f["output"].as_str().unwrap();
        let light = rt.predict_flat(&rows(&f["rows"])).unwrap();
        let tract = match advisor_core::runtime::TractRuntime::load_output(&graph, n, Some(output)) {
            Ok(t) => t.predict_flat(&rows(&f["rows"])).unwrap_or_else(|e| panic!("{name}: {e}")),
            Err(e) => {
                eprintln!("{name}: tract refuses: {e}");
                refused.push(*name);
                continue;
            }
        };
        let worst = light.iter().zip(&tract).map(|(a, b)| diff((*a).into(), (*b).into())).fold(0.0, f64::max);
        eprintln!("{name}: max |light − tract| = {worst:.1e}");
        assert!(worst <= TOLERANCE, "{name}: max |light − tract| = {worst}");
    }
    assert_eq!(refused, TRACT_REFUSES);
}

#[test]
fn a_slice_of_rows_is_refused() {
    // Without `axes`, one start and end slice the first axis (rows), which the runtime does not do.
    let mut model = onnx::decode(&fixture("lightgbm_german_sliced.onnx")).unwrap();
    let slice = model.graph.as_mut().unwrap().node.iter_mut().find(|n| n.op_type == "Slice").unwrap();
    slice.input.truncate(3);
    let e = ConvertedRuntime::load(&onnx::encode(&model), GERMAN_INPUTS, "score").map(|_| ()).unwrap_err();
    assert_eq!(e.code(), "UNSUPPORTED_GRAPH");
    assert!(e.to_string().contains("node `positive` (Slice): only columns are sliced (axis 1, step 1), not axis 0"), "{e}");
}

/// Variants of `x`'s rows (`k` values each): every input of the first rows set to another row's
/// value, to a missing value and to a large one, grouped by row as reasons make them, with a
/// few out of row order at the end.
fn variants_of(x: &[f32], k: usize) -> Vec<(usize, usize, f32)> {
    let rows = (x.len() / k).min(40);
    let mut v: Vec<(usize, usize, f32)> =
        (0..rows).flat_map(|r| (0..k).flat_map(move |i| [(r, i, x[((r + 7) % rows) * k + i]), (r, i, f32::NAN), (r, i, 1e6)])).collect();
    v.extend([(3, 0, 0.0), (0, k - 1, 1.0), (3, 1 % k, -1.0)]);
    v
}

/// The light runtime's shortcut for variants (re-walking only the trees a change can move)
/// scores what whole variant rows score: every converter's model and every hand-made tree graph;
/// so do what-if's values of one input (`predict_values`).
#[test]
fn variants_score_as_whole_rows_on_every_tree_model() {
    // (A logistic regression gives NaN on a missing value, and a pipeline's trees do not read the
    // raw rows: their variants are whole rows anyway. A missing value is refused where an
    // int64 must hold it: `missing_values_where_int64_is_read_are_refused_by_name`.)
    for name in CONVERTED.iter().filter(|n| !n.contains("logreg") && !n.contains("_ct_")) {
        let (rt, f) = load_fixture(name);
        let n = f["inputs"].as_u64().unwrap() as usize;
        let raw = advisor_core::matrix::Matrix::new(rows(&f["rows"]), n).unwrap();
        let variants = variants_of(raw.as_slice(), n);
        let got = rt.predict_variants(&raw, &variants).unwrap();
        let whole = rt.predict(&advisor_core::runtime::variant_rows(&raw, &variants)).unwrap();
        let worst = got.iter().zip(&whole).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(worst <= 1e-6, "{name}: variants differ from whole rows by {worst}");
        assert_eq!(got[..raw.rows()], whole[..raw.rows()], "{name}: the rows themselves are exact");
        // What-if's values of one input, through the same shortcut, without the row itself.
        let values: Vec<f32> = raw.iter_rows().take(8).map(|r| r[0]).chain([f32::NAN]).collect();
        let got = rt.predict_values(raw.row(1), 0, &values).unwrap();
        let whole = rt.predict(&advisor_core::runtime::value_rows(raw.row(1), 0, &values).unwrap()).unwrap();
        let worst = got.iter().zip(&whole).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(got.len() == values.len() && worst <= 1e-6, "{name}: values differ from whole rows by {worst}");
    }
    let f = json("hand_made.json");
    let x = rows(&f["rows"]);
    for (name, case) in f["cases"].as_object().unwrap() {
        let hex = case["graph"].as_str().unwrap();
        let bytes: Vec<u8> = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
        let node = model_node(&onnx::decode(&bytes).unwrap()).clone();
        let Ok(trees) = TreeEnsemble::from_node(&node, 2) else { continue };
        let m = trees.n_outputs();
        let variants = variants_of(&x, 2);
        let (mut rows_out, mut out) = (vec![0.0; x.len() / 2 * m], vec![0.0; variants.len() * m]);
        trees.eval_variants(&x, &variants, &mut rows_out, &mut out).unwrap();
        let whole: Vec<f32> = variants
            .iter()
            .flat_map(|&(r, i, v)| {
                let mut row = x[r * 2..r * 2 + 2].to_vec();
                row[i] = v;
                row
            })
            .collect();
        let mut expected = vec![0.0; variants.len() * m];
        trees.eval(&whole, &mut expected).unwrap();
        let mut expected_rows = vec![0.0; rows_out.len()];
        trees.eval(&x, &mut expected_rows).unwrap();
        assert_eq!(rows_out, expected_rows, "{name}: rows");
        for (j, (a, b)) in out.iter().zip(&expected).enumerate() {
            assert!(diff((*a).into(), (*b).into()) <= 1e-6, "{name}: variant {:?}: {a} vs {b}", variants[j / m]);
        }
    }
}

/// Where an int64 must hold a value (an int64 graph input, a `Cast` of a float to int64 before
/// a one-hot encoder), a missing one is refused naming the input or the node: ONNX leaves
/// NaN → int64 undefined, and no score is better than an arbitrary one.
#[test]
fn missing_values_where_int64_is_read_are_refused_by_name() {
    let (rt, f) = load_fixture("sklearn_ct_rf_german");
    let names = features(&f).unwrap();
    let mut x = rows(&f["rows"])[..names.len()].to_vec();
    assert!(rt.predict_flat(&x).is_ok());
    x[names.0.iter().position(|f| f.name == "existing_credits").unwrap()] = f32::NAN;
    let e = rt.predict_flat(&x).unwrap_err();
    assert_eq!(e.code(), "BAD_INPUT");
    assert!(e.to_string().contains("input `existing_credits` is int64, which cannot hold a missing value"), "{e}");
    x[names.0.iter().position(|f| f.name == "existing_credits").unwrap()] = 1.5;
    let e = rt.predict_flat(&x).unwrap_err();
    assert!(e.to_string().contains("input `existing_credits` is int64; 1.5 is not a whole number"), "{e}");

    let (rt, f) = load_fixture("sklearn_ct_matrix_gbc_german");
    let mut x = rows(&f["rows"])[..names.len()].to_vec();
    x[0] = f32::NAN; // checking_status, a category code
    let e = rt.predict_flat(&x).unwrap_err();
    assert!(e.to_string().contains("node `Cast` casts NaN to int64, which ONNX leaves undefined"), "{e}");
}

/// A graph with one input per column is bound to the spec's features by name; an input the
/// spec does not have, or one of a type the feature cannot feed, is refused naming it.
#[test]
fn inputs_by_name_are_checked_against_the_spec() {
    let f = json("sklearn_ct_logreg_german.json");
    let g = onnx::decode(&fixture("sklearn_ct_logreg_german.onnx")).unwrap().graph.unwrap();
    let bind = |edit: &dyn Fn(&mut Features)| {
        let mut features = features(&f).unwrap();
        edit(&mut features);
        ConvertedRuntime::from_graph(&g, Inputs::Features(&features), "probabilities").map(|_| ()).unwrap_err().to_string()
    };
    let e = bind(&|fs| fs.0[0].name = "checking".into());
    assert!(e.contains("graph input `checking_status` is not a feature of the spec (checking, duration,"), "{e}");
    let e = bind(&|fs| fs.0[0].categories.clear());
    assert!(e.contains("graph input `checking_status` is a string; the spec's `checking_status` is a number"), "{e}");
    let e = bind(&|fs| fs.0[1].categories = vec!["short".into(), "long".into()]);
    assert!(e.contains("graph input `duration` is float, and the spec's category `short` is not a number"), "{e}");
    // A category whose texts are numbers feeds a float input those numbers: with `duration`'s
    // categories "0".."99", code k is fed as k, what the number k feeds.
    let (rt, _) = load_fixture("sklearn_ct_logreg_german");
    let mut numbered = features(&f).unwrap();
    numbered.0[1].categories = (0..100).map(|v| v.to_string()).collect();
    let as_codes = ConvertedRuntime::from_graph(&g, Inputs::Features(&numbered), "probabilities").unwrap();
    let x = rows(&f["rows"])[..numbered.len() * 20].to_vec();
    assert_eq!(as_codes.predict_flat(&x).unwrap(), rt.predict_flat(&x).unwrap());
}

/// A `ColumnTransformer` graph changed where the light runtime must refuse it: a reshape or a
/// join that would mix rows, a gather of rows; each named by its node.
#[test]
fn pipeline_nodes_that_would_mix_rows_are_refused_by_name() {
    let f = json("sklearn_ct_logreg_german.json");
    let load = |edit: &dyn Fn(&mut onnx::GraphProto)| {
        let mut g = onnx::decode(&fixture("sklearn_ct_logreg_german.onnx")).unwrap().graph.unwrap();
        edit(&mut g);
        let features = features(&f).unwrap();
        ConvertedRuntime::from_graph(&g, Inputs::Features(&features), "probabilities").map(|_| ()).unwrap_err()
    };
    let e = load(&|g| {
        let t = g.initializer.iter_mut().find(|t| t.name == "shape_tensor").unwrap();
        *t = advisor_core::onnx::TensorProto::int64s("shape_tensor", &[2], &[2, -1]);
    });
    assert_eq!(e.code(), "UNSUPPORTED_GRAPH");
    assert!(e.to_string().contains("node `Reshape` (Reshape): shape [2, -1]"), "{e}");
    let e = load(&|g| {
        let n = g.node.iter_mut().find(|n| n.name == "Concat").unwrap();
        n.attribute.iter_mut().find(|a| a.name == "axis").unwrap().i = 0;
    });
    assert!(e.to_string().contains("node `Concat` (Concat): concatenates along axis 0"), "{e}");
    let e = load(&|g| {
        let n = g.node.iter_mut().find(|n| n.op_type == "OneHotEncoder").unwrap();
        n.attribute.retain(|a| a.name != "cats_strings");
    });
    assert!(e.to_string().contains("(OneHotEncoder): no categories"), "{e}");
}

/// A graph that would size a tensor beyond what a row may hold (joins of joins doubling it), or
/// its tensors together beyond what a row of them may hold (a chain of wide steps), is refused
/// naming the node, before anything is allocated.
#[test]
fn a_graph_that_would_grow_a_row_without_bound_is_refused() {
    let f = json("sklearn_ct_logreg_german.json");
    let features = features(&f).unwrap();
    // `doublings` joins of the scorecard's 55 columns with themselves, then `sigmoids` steps on
    // the result, into the classifier.
    let load = |doublings: usize, sigmoids: usize| {
        let mut g = onnx::decode(&fixture("sklearn_ct_logreg_german.onnx")).unwrap().graph.unwrap();
        let at = g.node.iter().position(|n| n.op_type == "LinearClassifier").unwrap();
        let template = g.node.iter().find(|n| n.name == "Concat2").unwrap().clone();
        let mut last = "transformed_column".to_string();
        for i in 0..doublings + sigmoids {
            let mut n = template.clone();
            let out = format!("t{i}");
            if i < doublings {
                (n.name, n.input) = (format!("double{i}"), vec![last.clone(), last.clone()]);
            } else {
                (n.name, n.op_type, n.attribute, n.input) = (format!("sigmoid{i}"), "Sigmoid".into(), vec![], vec![last.clone()]);
            }
            n.output = vec![out.clone()];
            g.node.insert(at + i, n);
            last = out;
        }
        g.node.iter_mut().find(|n| n.op_type == "LinearClassifier").unwrap().input = vec![last];
        ConvertedRuntime::from_graph(&g, Inputs::Features(&features), "probabilities").map(|_| ()).unwrap_err().to_string()
    };
    // Nine doublings (28,160 columns), then a `Slice` of the first 55: the scorecard again, in
    // chunks of fewer rows (the slots hold about 56,000 values a row), scoring as before.
    let sliced = {
        let mut g = onnx::decode(&fixture("sklearn_ct_logreg_german.onnx")).unwrap().graph.unwrap();
        let at = g.node.iter().position(|n| n.op_type == "LinearClassifier").unwrap();
        let template = g.node.iter().find(|n| n.name == "Concat2").unwrap().clone();
        let mut last = "transformed_column".to_string();
        for i in 0..9 {
            let mut n = template.clone();
            (n.name, n.input, n.output) = (format!("double{i}"), vec![last.clone(), last.clone()], vec![format!("t{i}")]);
            g.node.insert(at + i, n);
            last = format!("t{i}");
        }
        for (name, v) in [("s_start", 0), ("s_end", 55), ("s_axis", 1)] {
            g.initializer.push(advisor_core::onnx::TensorProto::int64s(name, &[1], &[v]));
        }
        let mut slice = template.clone();
        (slice.name, slice.op_type, slice.attribute) = ("first55".into(), "Slice".into(), vec![]);
        (slice.input, slice.output) = (vec![last, "s_start".into(), "s_end".into(), "s_axis".into()], vec!["first".into()]);
        g.node.insert(at + 9, slice);
        g.node.iter_mut().find(|n| n.op_type == "LinearClassifier").unwrap().input = vec!["first".into()];
        ConvertedRuntime::from_graph(&g, Inputs::Features(&features), "probabilities").unwrap()
    };
    let (plain, _) = load_fixture("sklearn_ct_logreg_german");
    let x = rows(&f["rows"]);
    assert_eq!(sliced.predict_flat(&x).unwrap(), plain.predict_flat(&x).unwrap());

    let e = load(30, 0);
    assert!(e.contains("node `double10` (Concat): its output of [112640] per row is more than 65536 values"), "{e}");
    let e = load(10, 100);
    assert!(e.contains("(Sigmoid): the graph's tensors would hold more than 4194304 values a row"), "{e}");
}
