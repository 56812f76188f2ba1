//! Corrupt and malicious bundles (each rejected with its own clear error, before any large
//! allocation), and property tests of preprocessing and scoring invariants.

use advisor_core::bundle::{sha256_hex, Bundle, Manifest, MAX_MANIFEST_BYTES};
use advisor_core::dense::DenseRuntime;
use advisor_core::matrix::Matrix;
use advisor_core::onnx::{self, ModelProto};
use advisor_core::preprocess::{NumericEncoding, PreprocessParams, Preprocessor};
use advisor_core::score::Scaling;
use advisor_core::Error;
use advisor_tests::shipped;
use proptest::prelude::*;

/// Re-encodes an altered graph and points the manifest at it (a consistent, hostile bundle).
fn rehashed(manifest: &[u8], model: &ModelProto) -> (Vec<u8>, Vec<u8>) {
    let graph = onnx::encode(model);
    let mut m: serde_json::Value = serde_json::from_slice(manifest).unwrap();
    m["graph"]["sha256"] = sha256_hex(&graph).into();
    (serde_json::to_vec(&m).unwrap(), graph)
}

fn bundle_error(manifest: &[u8], graph: &[u8]) -> Error {
    Bundle::load(manifest, graph).expect_err("a hostile bundle must be rejected")
}

#[test]
fn a_graph_declaring_a_huge_tensor_is_rejected_before_allocation() {
    let (m, g) = shipped();
    let mut model = onnx::decode(&g).unwrap();
    let t = model.graph.as_mut().unwrap().initializer.iter_mut().find(|t| t.name == "dense0_weight").unwrap();
    t.dims = vec![1 << 20, 1 << 20];
    let (m2, g2) = rehashed(&m, &model);
    let e = bundle_error(&m2, &g2);
    assert_eq!(e.code(), "BAD_BUNDLE");
    assert!(e.to_string().contains("`dense0_weight` declares shape [1048576, 1048576], too large"), "{e}");
}

#[test]
fn a_huge_category_list_or_manifest_is_rejected() {
    let (m, g) = shipped();
    let mut v: serde_json::Value = serde_json::from_slice(&m).unwrap();
    let cats: Vec<serde_json::Value> = (0..5000).map(|i| serde_json::json!({"value": format!("c{i}")})).collect();
    v["spec"]["columns"][0]["categories"] = cats.into();
    let e = bundle_error(&serde_json::to_vec(&v).unwrap(), &g);
    assert!(e.to_string().contains("lists more than 4096 categories"), "{e}");

    let big = vec![b' '; MAX_MANIFEST_BYTES + 1];
    let e = bundle_error(&big, &g);
    assert!(e.to_string().contains("more than 8388608"), "{e}");
}

#[test]
fn a_graph_with_an_unknown_op_is_rejected_by_name() {
    let (m, g) = shipped();
    let mut model = onnx::decode(&g).unwrap();
    let node = model.graph.as_mut().unwrap().node.iter_mut().find(|n| n.op_type == "Relu").unwrap();
    node.op_type = "FooBar".into();
    let name = node.name.clone();
    let (m2, g2) = rehashed(&m, &model);
    // The light runtime (the browser build) names the node it cannot run.
    let pre = Manifest::parse(&m2).unwrap().0.preprocessing;
    let e = DenseRuntime::load(&g2, 18, Some(&pre)).unwrap_err();
    assert_eq!(e.code(), "UNSUPPORTED_GRAPH");
    assert!(e.to_string().contains("IsNaN") || e.to_string().contains(&name), "{e}");
    // The general build (tract) refuses it too.
    let e = bundle_error(&m2, &g2);
    assert_eq!(e.code(), "RUNTIME", "{e}");
    assert!(e.to_string().contains("FooBar"), "{e}");
}

#[test]
fn a_graph_whose_shapes_disagree_with_the_manifest_is_rejected() {
    let (m, g) = shipped();
    let mut model = onnx::decode(&g).unwrap();
    model.graph.as_mut().unwrap().input[0] = onnx::ValueInfoProto::batch_floats("x", 17);
    let (m2, g2) = rehashed(&m, &model);
    let e = bundle_error(&m2, &g2);
    assert!(e.to_string().contains("[batch, 18] is expected from the spec"), "{e}");

    // A weight that does not chain with the layer before it.
    let mut model = onnx::decode(&g).unwrap();
    let t = model.graph.as_mut().unwrap().initializer.iter_mut().find(|t| t.name == "dense1_weight").unwrap();
    let n: i64 = t.dims.iter().product();
    t.dims = vec![64, n / 64];
    let (m2, g2) = rehashed(&m, &model);
    assert!(Bundle::load(&m2, &g2).is_err(), "a mis-shaped weight must not load");
}

#[test]
fn truncated_flipped_and_wrongly_hashed_bundles_have_their_own_errors() {
    let (m, g) = shipped();
    let mut flipped = g.clone();
    flipped[100] ^= 0x10;
    let cases = [
        ("flipped", bundle_error(&m, &flipped), "sha256"),
        ("truncated graph", bundle_error(&m, &g[..g.len() / 3]), "sha256"),
        ("truncated manifest", bundle_error(&m[..m.len() - 1], &g), "manifest.json"),
        ("not JSON", bundle_error(b"\x00\x01", &g), "manifest.json"),
    ];
    for (what, e, needle) in cases {
        assert_eq!(e.code(), "BAD_BUNDLE", "{what}");
        assert!(e.to_string().contains(needle), "{what}: {e}");
    }
}

fn german() -> Bundle {
    let (m, g) = shipped();
    Bundle::load(&m, &g).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The fitted transform is finite for any finite input, and for NaN (missing), whatever the
    /// encoding and the training data.
    #[test]
    fn the_fitted_transform_is_finite_for_any_input(
        train in prop::collection::vec(prop::option::weighted(0.9, -1e6f32..1e6), 8..60),
        encoding in prop::sample::select(vec![NumericEncoding::Hybrid, NumericEncoding::Ple, NumericEncoding::Standard]),
        x in prop::num::f32::NORMAL | prop::num::f32::ZERO | prop::num::f32::SUBNORMAL,
        missing in any::<bool>(),
    ) {
        let spec = advisor_core::schema::SpecParams {
            name: "p".into(), description: String::new(), delimiter: ',', decimal: '.',
            columns: vec![
                serde_json::from_value(serde_json::json!({"name": "v", "type": "numeric", "role": "feature"})).unwrap(),
                serde_json::from_value(serde_json::json!({"name": "y", "type": "binary", "role": "label", "positive": "1",
                    "categories": [{"value": "0"}, {"value": "1"}]})).unwrap(),
            ],
            crosses: vec![],
        }.check().unwrap();
        let raw = Matrix::new(train.iter().map(|v| v.unwrap_or(f32::NAN)).collect(), 1).unwrap();
        let params = PreprocessParams { numeric: encoding, ..PreprocessParams::default() };
        let pre: Preprocessor = params.check().unwrap().fit(&spec, &raw).unwrap();
        let mut out = vec![f32::NAN; pre.layout().width()];
        pre.transform_row(&[if missing { f32::NAN } else { x }], &mut out);
        prop_assert!(out.iter().all(|v| v.is_finite()), "{out:?}");
        // Written by serde, read back by the manifest's reader: exactly the same.
        let back: Preprocessor = advisor_core::json::read_exact(&serde_json::to_vec(&pre).unwrap()).unwrap();
        prop_assert_eq!(back, pre);
    }

    /// Missing values never produce a NaN score: any subset of the shipped model's inputs
    /// missing, any in-range values for the rest.
    #[test]
    fn missing_values_never_produce_nan_scores(seed in any::<u64>(), missing_mask in any::<u32>()) {
        let bundle = german();
        let mut s = seed;
        let mut next = || { s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); (s >> 33) as f64 / (1u64 << 31) as f64 };
        let row: Vec<f32> = bundle.spec().features().enumerate().map(|(i, c)| {
            if missing_mask & (1 << (i % 32)) != 0 { return f32::NAN; }
            if c.is_categorical() { (next() * c.categories.len() as f64).floor() as f32 }
            else { (c.min.unwrap_or(0.0) + next() * (c.max.unwrap_or(1e5) - c.min.unwrap_or(0.0))) as f32 }
        }).collect();
        let n = row.len();
        let p = bundle.runtime().predict(&Matrix::new(row, n).unwrap()).unwrap()[0];
        prop_assert!(p.is_finite() && (0.0..=1.0).contains(&p), "p = {p}");
        let a = bundle.assess(p as f64);
        prop_assert!(a.score.is_finite());
    }

    /// The score is monotone (non-increasing) in the probability, and clamped to its range.
    #[test]
    fn the_score_is_monotone_in_probability(a in 0.0f64..=1.0, b in 0.0f64..=1.0) {
        let s = Scaling::default();
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(s.score(lo) >= s.score(hi));
        prop_assert!((s.min..=s.max).contains(&s.score(a)));
    }
}
