//! `advisor-train import`: a LightGBM model converted by onnxmltools (the fixture in
//! `tests/fixtures/trees/`) wrapped into a bundle that the light runtime scores with reasons and
//! what-if like the trainer's own; and the errors a wrong graph gets.

use advisor_core::advisor::Advisor;
use advisor_core::bundle::{Bundle, GRAPH_FILE, MANIFEST_FILE};
use advisor_core::converted::{ConvertedRuntime, Features, Inputs};
use advisor_core::onnx;
use advisor_core::runtime::Runtime;
use advisor_tests::{checks, data, repo, spec};
use advisor_train::data::{read_csv, read_spec, MissingLabel};
use advisor_train::import::{import, ImportOptions};

fn fixture(name: &str) -> std::path::PathBuf {
    repo().join("tests/fixtures/trees").join(name)
}

fn german(onnx: &str, out: &std::path::Path) -> ImportOptions {
    ImportOptions::new(fixture(onnx), spec("german_credit"), data("german_credit"), out)
}

fn load(dir: &std::path::Path) -> (Vec<u8>, Vec<u8>) {
    (std::fs::read(dir.join(MANIFEST_FILE)).unwrap(), std::fs::read(dir.join(GRAPH_FILE)).unwrap())
}

#[test]
fn an_imported_lightgbm_model_scores_explains_and_advises_on_the_light_runtime() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("lgb");
    let report = import(&german("lightgbm_german.onnx", &out)).unwrap();
    assert_eq!(report.output, "probabilities");
    assert!(report.warnings().is_empty() && report.test_auc_interval.is_some_and(|(lo, _)| lo > 0.5), "{:?}", report.warnings());
    assert_eq!(report.model, "TreeEnsembleClassifier: 40 trees, 709 nodes");
    assert!(report.light_vs_tract.is_some_and(|d| d <= 1e-5), "{:?}", report.light_vs_tract);
    let (m, g) = load(&out);
    assert_eq!(g, std::fs::read(fixture("lightgbm_german.onnx")).unwrap(), "the graph ships as it came");
    let adv = Advisor::load(&m, &g).unwrap();
    let bundle = adv.bundle();
    assert_eq!(bundle.runtime().name(), "light");
    let imported = bundle.manifest().imported().unwrap().unwrap();
    assert_eq!((imported.file.as_str(), imported.producer.as_str()), ("lightgbm_german.onnx", "OnnxMLTools 1.16.0"));
    assert_eq!(bundle.manifest().metrics().unwrap().test.auc, report.test.auc);

    // The bundle scores what the graph computes, and explains and advises like the trainer's own.
    let raw = read_csv(&data("german_credit"), &read_spec(&spec("german_credit")).unwrap(), MissingLabel::Error).unwrap().raw;
    let direct = ConvertedRuntime::load(&g, raw.cols(), "probabilities").unwrap().predict(&raw).unwrap();
    assert_eq!(bundle.predict(&raw).unwrap(), direct);
    let with_reasons = checks::reasons_are_the_costliest_scored_factors(&adv, &raw);
    let advised = checks::what_if_changes_reach_the_target_and_respect_directions(&adv, &raw);
    eprintln!("imported LightGBM: {with_reasons} of 1000 rows with reasons, {advised} advised");
    assert!(with_reasons > 400 && advised > 20, "{with_reasons} rows with reasons, {advised} advised");
}

#[test]
fn importing_twice_writes_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    import(&german("sklearn_rf_german.onnx", &a)).unwrap();
    import(&german("sklearn_rf_german.onnx", &b)).unwrap();
    assert_eq!(load(&a), load(&b));
    // scikit-learn's random forest, with a ZipMap-less probability output, loads light as well.
    let (m, g) = load(&a);
    assert_eq!(Bundle::load(&m, &g).unwrap().runtime().name(), "light");
}

#[test]
fn a_graph_that_does_not_fit_the_spec_is_refused_naming_its_input_or_output() {
    let tmp = tempfile::tempdir().unwrap();
    // The GMSC model takes 10 values; the German spec has 18 features.
    let e = import(&german("lightgbm_gmsc.onnx", &tmp.path().join("x"))).unwrap_err().to_string();
    assert!(e.contains("lightgbm_gmsc.onnx: input `x` is float [?, 10]; import takes float [batch, 18]"), "{e}");
    assert!(e.contains("in order (checking_status, duration,"), "{e}");
    let mut opts = german("lightgbm_german.onnx", &tmp.path().join("y"));
    opts.output = Some("label".into());
    let e = import(&opts).unwrap_err().to_string();
    assert!(e.contains("input `label_tensor` is a classifier's label, which is not run"), "{e}");
    opts.output = Some("nope".into());
    let e = import(&opts).unwrap_err().to_string();
    assert!(e.contains("the graph has no output `nope`"), "{e}");
    let mut model = onnx::decode(&std::fs::read(fixture("lightgbm_german.onnx")).unwrap()).unwrap();
    let g = model.graph.as_mut().unwrap();
    let mut second = g.input[0].clone();
    second.name = "age".into();
    g.input.push(second);
    let two = tmp.path().join("two.onnx");
    std::fs::write(&two, onnx::encode(&model)).unwrap();
    let e = import(&ImportOptions::new(&two, spec("german_credit"), data("german_credit"), tmp.path().join("z"))).unwrap_err().to_string();
    // Two inputs are read as one per column, bound by name: `x` is no feature.
    assert!(e.contains("two.onnx: ") && e.contains("graph input `x` is not a feature of the spec (checking_status, duration,"), "{e}");
    assert!(!tmp.path().join("x").exists() && !tmp.path().join("z").exists(), "nothing written on an error");
}

#[test]
fn a_model_that_ranks_the_lenders_rows_backwards_is_refused() {
    // The German LightGBM model predicts bad credit (class 2); a spec that calls class 1 the
    // positive one reads it backwards: wrapped, every applicant would be scored the wrong way.
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(spec("german_credit")).unwrap();
    assert!(text.contains("positive = \"2\""));
    let flipped = tmp.path().join("flipped.toml");
    std::fs::write(&flipped, text.replace("positive = \"2\"", "positive = \"1\"")).unwrap();
    let out = tmp.path().join("backwards");
    let e = import(&ImportOptions::new(fixture("lightgbm_german.onnx"), &flipped, data("german_credit"), &out)).unwrap_err().to_string();
    assert!(e.contains("lightgbm_german.onnx: it ranks the 800 training rows no better than chance"), "{e}");
    assert!(e.contains("`positive`") && !out.exists(), "{e}");
}

#[test]
fn a_scorecard_imported_from_scikit_learn_explains_on_the_light_runtime() {
    // skl2onnx's StandardScaler + LogisticRegression, with its ZipMap output.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("logreg");
    let report = import(&german("sklearn_scaled_logreg_german.onnx", &out)).unwrap();
    assert_eq!((report.output.as_str(), report.model.as_str()), ("output_probability", "Scaler; LinearClassifier: 18 inputs"));
    let (m, g) = load(&out);
    let adv = Advisor::load(&m, &g).unwrap();
    assert_eq!(adv.bundle().runtime().name(), "light");
    let raw = read_csv(&data("german_credit"), &read_spec(&spec("german_credit")).unwrap(), MissingLabel::Error).unwrap().raw;
    let with_reasons = checks::reasons_are_the_costliest_scored_factors(&adv, &raw);
    assert!(with_reasons > 400, "{with_reasons} rows with reasons");
}

#[test]
fn a_column_transformer_pipeline_is_imported_with_its_inputs_bound_by_name() {
    // skl2onnx's ColumnTransformer (imputed, scaled numbers; one-hot strings) + LogisticRegression,
    // fitted on a DataFrame: one input per column, categories as their texts.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ct");
    let report = import(&german("sklearn_ct_logreg_german.onnx", &out)).unwrap();
    assert_eq!(report.model, "18 inputs by name; OneHotEncoder ×11; Imputer; Scaler; LinearClassifier: 55 inputs");
    assert_eq!(report.light_vs_tract, None, "tract takes one input tensor");
    assert!(report.test.auc > 0.7, "{}", report.test.auc);
    let (m, g) = load(&out);
    let adv = Advisor::load(&m, &g).unwrap();
    let bundle = adv.bundle();
    assert_eq!(bundle.runtime().name(), "light");
    let names: Vec<String> = bundle.spec().features().map(|c| c.name.clone()).collect();
    assert_eq!(bundle.manifest().graph.input, advisor_core::bundle::GraphInput::ByName(names), "skl2onnx keeps the DataFrame's order");
    let mut written: serde_json::Value = serde_json::from_slice(&m).unwrap();
    assert_eq!(written["graph"]["input"][0], "checking_status");

    let raw = read_csv(&data("german_credit"), &read_spec(&spec("german_credit")).unwrap(), MissingLabel::Error).unwrap().raw;
    let features = Features::of(bundle.spec().features());
    let model = onnx::decode(&g).unwrap();
    let direct = ConvertedRuntime::from_graph(model.graph.as_ref().unwrap(), Inputs::Features(&features), "probabilities").unwrap();
    assert_eq!(bundle.predict(&raw).unwrap(), direct.predict(&raw).unwrap());
    let with_reasons = checks::reasons_are_the_costliest_scored_factors(&adv, &raw);
    let advised = checks::what_if_changes_reach_the_target_and_respect_directions(&adv, &raw);
    eprintln!("imported ColumnTransformer scorecard: {with_reasons} of 1000 rows with reasons, {advised} advised");
    assert!(with_reasons > 400 && advised > 20, "{with_reasons} rows with reasons, {advised} advised");

    // A manifest listing other inputs than the graph's is refused.
    written["graph"]["input"][0] = "checking".into();
    let e = Bundle::load(&serde_json::to_vec(&written).unwrap(), &g).map(|_| ()).unwrap_err().to_string();
    assert!(
        e.contains("the graph's inputs (checking_status, duration,") && e.contains("are not the manifest's (checking, duration,"),
        "{e}"
    );
}

#[test]
fn a_pipeline_with_int64_inputs_is_imported_and_refuses_a_missing_one_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("rf");
    let report = import(&german("sklearn_ct_rf_german.onnx", &out)).unwrap();
    assert!(
        report.model.starts_with("18 inputs by name; OneHotEncoder ×11; Imputer; TreeEnsembleClassifier: 15 trees"),
        "{}",
        report.model
    );
    let (m, g) = load(&out);
    let adv = Advisor::load(&m, &g).unwrap();
    let raw = read_csv(&data("german_credit"), &read_spec(&spec("german_credit")).unwrap(), MissingLabel::Error).unwrap().raw;
    let mut row = raw.row(0).to_vec();
    assert!(adv.report(&row, advisor_core::lang::Lang::En).is_ok());
    row[adv.bundle().spec().features().position(|c| c.name == "existing_credits").unwrap()] = f32::NAN;
    let e = adv.report(&row, advisor_core::lang::Lang::En).map(|_| ()).unwrap_err().to_string();
    assert!(e.contains("input `existing_credits` is int64, which cannot hold a missing value"), "{e}");
}
