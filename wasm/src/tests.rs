//! Browser tests (wasm-bindgen-test in headless Chromium): run by `scripts/test.sh`.

use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

use crate::{Advisor, Model};

wasm_bindgen_test_configure!(run_in_browser);

const MANIFEST: &[u8] = include_bytes!("../../models/german_credit/manifest.json");
const GRAPH: &[u8] = include_bytes!("../../models/german_credit/model.onnx");
const PARITY: &str = include_str!(concat!(env!("OUT_DIR"), "/parity.json"));

fn advisor() -> Advisor {
    Advisor::from_bytes(MANIFEST, GRAPH, None).expect("the shipped bundle loads")
}

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &k.into()).unwrap()
}

/// `(code, field, message)` of a thrown error, which must be a JS `Error`.
fn parts(e: JsValue) -> (String, Option<String>, String) {
    assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
    (get(&e, "code").as_string().unwrap(), get(&e, "field").as_string(), get(&e, "message").as_string().unwrap())
}

fn good() -> JsValue {
    JSON::parse(
        r#"{"checking_status":"A11","duration":24,"credit_history":"A32","purpose":"A43","credit_amount":3000,
            "savings_status":"A61","employment":"A73","installment_commitment":3,"other_parties":"A101",
            "residence_since":2,"property_magnitude":"A121","age":35,"other_payment_plans":"A143",
            "housing":"A152","existing_credits":1,"job":"A173","num_dependents":1,"own_telephone":"A191"}"#,
    )
    .unwrap()
}

fn with(field: &str, value: JsValue) -> JsValue {
    let a = good();
    Reflect::set(&a, &field.into(), &value).unwrap();
    a
}

/// The parity fixture written natively by `parity-fixture`.
fn fixture() -> serde_json::Value {
    let f: serde_json::Value = serde_json::from_str(PARITY).unwrap();
    assert!(f.is_object(), "no parity fixture: run scripts/test.sh (ADVISOR_PARITY_FIXTURE)");
    f
}

/// Scores every fixture row in the browser against its native probability (≤ 1e-6) and band;
/// returns the largest difference.
fn matches_native(adv: &Advisor, rows: &[serde_json::Value]) -> f64 {
    let mut worst = 0.0f64;
    for (i, row) in rows.iter().enumerate() {
        let applicant = JSON::parse(&row["applicant"].to_string()).unwrap();
        let r = adv.score(applicant, None).unwrap_or_else(|e| panic!("row {i}: {:?}", parts(e)));
        let p = get(&r, "probability").as_f64().unwrap();
        let want = row["probability"].as_f64().unwrap();
        worst = worst.max((p - want).abs());
        assert!((p - want).abs() <= 1e-6, "row {i}: browser {p} vs native {want}");
        assert_eq!(get(&get(&r, "band"), "name").as_string().unwrap(), row["band"].as_str().unwrap(), "row {i}");
    }
    worst
}

#[wasm_bindgen_test]
fn every_test_row_matches_the_native_score() {
    let f = fixture();
    let rows = f["german"].as_array().unwrap();
    assert_eq!(rows.len(), 200, "german_credit has 200 test rows");
    let worst = matches_native(&advisor(), rows);
    // Shown by the runner on failure; scripts/test.sh also prints the native side's figures.
    web_sys::console::log_1(&format!("parity: 200 rows, max |browser − native| = {worst:e}").into());
}

/// A fixture's bundle (`manifest`, `graph_hex`), loaded in the browser.
fn fixture_advisor(c: &serde_json::Value, what: &str) -> Advisor {
    let hex = c["graph_hex"].as_str().unwrap().as_bytes();
    let graph: Vec<u8> = hex.chunks(2).map(|h| u8::from_str_radix(std::str::from_utf8(h).unwrap(), 16).unwrap()).collect();
    Advisor::from_bytes(c["manifest"].as_str().unwrap().as_bytes(), &graph, None).unwrap_or_else(|_| panic!("the {what} bundle loads"))
}

/// A blend of the network and the trees (one graph) scores on the light runtime as it does
/// natively on tract.
#[wasm_bindgen_test]
fn a_blend_bundle_matches_the_native_score() {
    let f = fixture();
    let adv = fixture_advisor(&f["blend"], "blend");
    let rows = f["blend"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 200, "german_credit has 200 test rows");
    let worst = matches_native(&adv, rows);
    web_sys::console::log_1(&format!("parity (blend): 200 rows, max |browser − native| = {worst:e}").into());
}

/// A bundle with a cross (bank_marketing's month × day) and two networks as one scores as it
/// does natively, kept and unseen pairs alike.
#[wasm_bindgen_test]
fn a_crossed_ensemble_bundle_matches_the_native_score() {
    let f = fixture();
    let c = &f["crossed"];
    let adv = fixture_advisor(c, "crossed");
    let rows = c["rows"].as_array().unwrap();
    assert!(rows.len() > 200, "{} rows", rows.len());
    let worst = matches_native(&adv, rows);
    web_sys::console::log_1(&format!("parity (crossed): {} rows, max |browser − native| = {worst:e}", rows.len()).into());
}

#[wasm_bindgen_test]
fn a_report_has_reasons_and_advice() {
    let adv = advisor();
    let r = adv.score(good(), Some("zh-CN".into())).unwrap();
    let reasons: Array = get(&r, "reasons").into();
    assert!(reasons.length() >= 1 && reasons.length() <= 4, "{} reasons", reasons.length());
    let first = reasons.get(0);
    assert!(get(&first, "points").as_f64().unwrap() > 0.0);
    assert!(get(&first, "text").as_string().unwrap().contains('：'), "zh-CN text");
    let w = adv.what_if(good(), None).unwrap();
    assert!(get(&w, "band").is_string());
    let schema = adv.schema(None).unwrap();
    assert_eq!(Array::from(&get(&schema, "fields")).length(), 18);
    // Both rows read field by field: four numbers each, the first the probability score() gives.
    let batch = adv.score_encoded(Array::of2(&good(), &good()).into(), &[], &[0, 1]).unwrap();
    assert_eq!(batch.len(), 8);
    assert_eq!(batch[0], get(&adv.score(good(), None).unwrap(), "probability").as_f64().unwrap());
}

#[wasm_bindgen_test]
fn each_bad_input_has_its_own_error() {
    let adv = advisor();
    let mut missing = good();
    Reflect::delete_property(missing.unchecked_ref::<js_sys::Object>(), &"age".into()).unwrap();
    let huge = JsValue::from("x".repeat(1 << 20));
    let deep = JSON::parse(&format!("{}{}", "[".repeat(5000), "]".repeat(5000))).unwrap();
    let deep_obj = JSON::parse(&format!("{}1{}", r#"{"a":"#.repeat(2000), "}".repeat(2000))).unwrap();
    let cases: Vec<(&str, JsValue, &str, Option<&str>)> = vec![
        ("missing field", std::mem::take(&mut missing), "MISSING_FIELD", Some("age")),
        ("wrong type", with("duration", "long".into()), "WRONG_TYPE", Some("duration")),
        ("wrong type (bool)", with("checking_status", true.into()), "WRONG_TYPE", Some("checking_status")),
        ("NaN", with("credit_amount", f64::NAN.into()), "NOT_FINITE", Some("credit_amount")),
        ("+Infinity", with("credit_amount", f64::INFINITY.into()), "NOT_FINITE", Some("credit_amount")),
        ("-Infinity", with("credit_amount", f64::NEG_INFINITY.into()), "NOT_FINITE", Some("credit_amount")),
        ("out of range", with("age", 300.into()), "OUT_OF_RANGE", Some("age")),
        ("unknown category", with("purpose", "A499".into()), "UNKNOWN_CATEGORY", Some("purpose")),
        ("extra field", with("favourite_colour", "green".into()), "UNKNOWN_FIELD", Some("favourite_colour")),
        ("1 MB string", with("purpose", huge), "TOO_LONG", Some("purpose")),
        ("deeply nested array", with("purpose", deep), "WRONG_TYPE", Some("purpose")),
        ("deeply nested object", with("age", deep_obj.clone()), "WRONG_TYPE", Some("age")),
        ("not an object", JsValue::from(42), "BAD_INPUT", None),
        ("an array", Array::new().into(), "BAD_INPUT", None),
        ("null", JsValue::NULL, "BAD_INPUT", None),
    ];
    let mut messages = std::collections::HashSet::new();
    for (what, input, code, field) in cases {
        let e = adv.score(input.clone(), None).map(|_| ()).expect_err(what);
        let (c, f, msg) = parts(e);
        assert_eq!(c, code, "{what}: {msg}");
        assert_eq!(f.as_deref(), field, "{what}: {msg}");
        assert!(msg.len() < 400, "{what}: message of {} bytes", msg.len());
        assert!(messages.insert(msg.clone()), "{what}: message repeated: {msg}");
        // The same input through whatIf and in a batch gives the same error (with the row).
        let (c2, ..) = parts(adv.what_if(input.clone(), None).map(|_| ()).unwrap_err());
        assert_eq!(c2, code, "{what} via whatIf");
        let rows: JsValue = Array::of2(&good(), &input).into();
        let (c3, f3, _) = parts(adv.score_encoded(rows, &[], &[0, 1]).map(|_| ()).unwrap_err());
        assert_eq!(c3, code, "{what} via scoreBatch");
        assert_eq!(
            f3,
            Some(match field {
                Some(f) => format!("[1].{f}"),
                None => "[1]".into(),
            }),
            "{what} via scoreBatch"
        );
    }
    // Still works afterwards: nothing trapped.
    assert!(adv.score(good(), None).is_ok());
}

#[wasm_bindgen_test]
fn tampered_bundles_are_rejected() {
    let mut flipped = GRAPH.to_vec();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x01;
    let wrong_hash = String::from_utf8(MANIFEST.to_vec()).unwrap().replacen("\"sha256\": \"", "\"sha256\": \"00", 1);
    let cases: Vec<(&str, Vec<u8>, Vec<u8>, &str)> = vec![
        ("flipped graph byte", MANIFEST.to_vec(), flipped, "sha256"),
        ("truncated graph", MANIFEST.to_vec(), GRAPH[..GRAPH.len() - 100].to_vec(), "sha256"),
        ("truncated manifest", MANIFEST[..MANIFEST.len() / 2].to_vec(), GRAPH.to_vec(), "manifest.json"),
        ("wrong hash", wrong_hash.into_bytes(), GRAPH.to_vec(), "does not match"),
        ("empty", vec![], vec![], "manifest.json"),
    ];
    for (what, m, g, needle) in cases {
        let (code, _, msg) = parts(Advisor::from_bytes(&m, &g, None).map(|_| ()).unwrap_err());
        assert_eq!(code, "BAD_BUNDLE", "{what}: {msg}");
        assert!(msg.contains(needle), "{what}: {msg}");
    }
    let (code, _, msg) = parts(Advisor::from_bytes(MANIFEST, GRAPH, Some("ab".repeat(32))).map(|_| ()).unwrap_err());
    assert_eq!(code, "BAD_BUNDLE", "{msg}");
    let sha = advisor_core::bundle::sha256_hex(MANIFEST);
    assert!(Advisor::from_bytes(MANIFEST, GRAPH, Some(sha)).is_ok());
}

#[wasm_bindgen_test]
fn bare_models_run_or_say_why_not() {
    let (code, _, msg) = parts(Model::from_onnx(b"not onnx", 3).map(|_| ()).unwrap_err());
    assert!(code == "BAD_BUNDLE" || code == "UNSUPPORTED_GRAPH", "{code}: {msg}");
    // The advisor graph itself is not a plain MLP: the light runtime says which node it cannot run.
    let (code, _, msg) = parts(Model::from_onnx(GRAPH, 18).map(|_| ()).unwrap_err());
    assert_eq!(code, "UNSUPPORTED_GRAPH", "{msg}");
    assert!(msg.contains("IsNaN"), "{msg}");
    let adv = advisor();
    let (code, ..) = parts(adv.predict_raw(&[1.0; 17]).map(|_| ()).unwrap_err());
    assert_eq!(code, "BAD_INPUT");
}

/// QuickScorer's scan in wasm SIMD lanes (eight rows of `u32`, four of `u64`) finds the leaves
/// and sums that one row at a time finds, on random lists and rows.
#[wasm_bindgen_test]
fn the_tree_scan_lanes_match_one_row_at_a_time() {
    for seed in 1..=5 {
        advisor_kernel::quick::lanes_match_one_by_one(seed).unwrap();
    }
}

/// The converted models of `tests/fixtures/trees/` (LightGBM, XGBoost, scikit-learn trees and
/// logistic regressions), each with its rows and onnxruntime's probabilities.
const TREE_FIXTURES: [(&str, &[u8], &str); 13] = [
    (
        "sklearn_ct_logreg_german",
        include_bytes!("../../tests/fixtures/trees/sklearn_ct_logreg_german.onnx"),
        include_str!("../../tests/fixtures/trees/sklearn_ct_logreg_german.json"),
    ),
    (
        "sklearn_ct_rf_german",
        include_bytes!("../../tests/fixtures/trees/sklearn_ct_rf_german.onnx"),
        include_str!("../../tests/fixtures/trees/sklearn_ct_rf_german.json"),
    ),
    (
        "sklearn_ct_matrix_gbc_german",
        include_bytes!("../../tests/fixtures/trees/sklearn_ct_matrix_gbc_german.onnx"),
        include_str!("../../tests/fixtures/trees/sklearn_ct_matrix_gbc_german.json"),
    ),
    (
        "xgboost_regressor_sigmoid_gmsc",
        include_bytes!("../../tests/fixtures/trees/xgboost_regressor_sigmoid_gmsc.onnx"),
        include_str!("../../tests/fixtures/trees/xgboost_regressor_sigmoid_gmsc.json"),
    ),
    (
        "sklearn_logreg_german",
        include_bytes!("../../tests/fixtures/trees/sklearn_logreg_german.onnx"),
        include_str!("../../tests/fixtures/trees/sklearn_logreg_german.json"),
    ),
    (
        "sklearn_scaled_logreg_german",
        include_bytes!("../../tests/fixtures/trees/sklearn_scaled_logreg_german.onnx"),
        include_str!("../../tests/fixtures/trees/sklearn_scaled_logreg_german.json"),
    ),
    (
        "lightgbm_german_sliced",
        include_bytes!("../../tests/fixtures/trees/lightgbm_german_sliced.onnx"),
        include_str!("../../tests/fixtures/trees/lightgbm_german_sliced.json"),
    ),
    (
        "lightgbm_german",
        include_bytes!("../../tests/fixtures/trees/lightgbm_german.onnx"),
        include_str!("../../tests/fixtures/trees/lightgbm_german.json"),
    ),
    (
        "lightgbm_gmsc",
        include_bytes!("../../tests/fixtures/trees/lightgbm_gmsc.onnx"),
        include_str!("../../tests/fixtures/trees/lightgbm_gmsc.json"),
    ),
    (
        "xgboost_gmsc",
        include_bytes!("../../tests/fixtures/trees/xgboost_gmsc.onnx"),
        include_str!("../../tests/fixtures/trees/xgboost_gmsc.json"),
    ),
    (
        "sklearn_gbc_german",
        include_bytes!("../../tests/fixtures/trees/sklearn_gbc_german.onnx"),
        include_str!("../../tests/fixtures/trees/sklearn_gbc_german.json"),
    ),
    (
        "sklearn_rf_german",
        include_bytes!("../../tests/fixtures/trees/sklearn_rf_german.onnx"),
        include_str!("../../tests/fixtures/trees/sklearn_rf_german.json"),
    ),
    (
        "sklearn_hgb_gmsc",
        include_bytes!("../../tests/fixtures/trees/sklearn_hgb_gmsc.onnx"),
        include_str!("../../tests/fixtures/trees/sklearn_hgb_gmsc.json"),
    ),
];

/// A fixture's graph with one input per column on the light runtime, bound to its `features`.
fn by_name(graph: &[u8], list: &serde_json::Value, output: &str) -> advisor_core::converted::ConvertedRuntime {
    use advisor_core::converted::{ConvertedRuntime, Feature, Features, Inputs};
    let feature = |v: &serde_json::Value| Feature {
        name: v["name"].as_str().unwrap().into(),
        categories: v.get("categories").map_or(vec![], |c| c.as_array().unwrap().iter().map(|k| k.as_str().unwrap().into()).collect()),
    };
    let features = Features(list.as_array().unwrap().iter().map(feature).collect());
    let g = advisor_core::onnx::decode(graph).unwrap().graph.unwrap();
    ConvertedRuntime::from_graph(&g, Inputs::Features(&features), output).unwrap()
}

#[wasm_bindgen_test]
fn converted_tree_models_match_onnxruntime_in_the_browser() {
    for (name, graph, json) in TREE_FIXTURES {
        let f: serde_json::Value = serde_json::from_str(json).unwrap();
        let rows: Vec<f32> = f["rows"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r.as_array().unwrap().iter().map(|x| x.as_f64().map_or(f32::NAN, |x| x as f32)))
            .collect();
        let got = match f.get("features") {
            // One input per column, bound by name (what a bundle's spec gives the runtime).
            Some(list) => advisor_core::runtime::Runtime::predict_flat(&by_name(graph, list, f["output"].as_str().unwrap()), &rows)
                .unwrap_or_else(|e| panic!("{name}: {e}")),
            None => {
                let model =
                    Model::from_onnx(graph, f["inputs"].as_u64().unwrap() as usize).unwrap_or_else(|e| panic!("{name}: {:?}", parts(e)));
                assert_eq!(model.runtime(), "light", "{name}");
                model.predict(&rows).unwrap_or_else(|e| panic!("{name}: {:?}", parts(e)))
            }
        };
        let expected = f["expected"].as_array().unwrap();
        assert_eq!(got.len(), expected.len(), "{name}");
        let worst = got
            .iter()
            .zip(expected)
            .map(|(&g, e)| (f64::from(g) - e.as_array().unwrap().last().unwrap().as_f64().unwrap()).abs())
            .fold(0.0, f64::max);
        web_sys::console::log_1(&format!("{name}: {} rows, max |browser − onnxruntime| = {worst:e}", got.len()).into());
        assert!(worst <= 1e-5, "{name}: max |browser − onnxruntime| = {worst}");
    }
}
