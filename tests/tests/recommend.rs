//! Propensity models attached to catalog products: a bundle trained with advisor-train on a
//! subset of the credit model's fields ranks its product by its own prediction; a bundle whose
//! fields do not match the credit model's (bank_marketing's `job` has other categories than
//! german_credit's) is refused, naming the field.

use advisor_core::advisor::Advisor;
use advisor_core::bundle::{Bundle, GRAPH_FILE, MANIFEST_FILE};
use advisor_core::lang::Lang;
use advisor_core::matrix::Matrix;
use advisor_core::recommend::{CatalogParams, Propensities};

use advisor_tests::{data, shipped, spec};
use advisor_train::fit::{fit, FitOptions};

/// Fits a small model on `dataset` keeping only `keep` as features; returns its bundle.
fn small_model(dataset: &str, keep: &[&str], dir: &std::path::Path) -> Bundle {
    let mut o = FitOptions::new(spec(dataset), data(dataset), dir.join("out"));
    o.features = Some(keep.iter().map(|s| s.to_string()).collect());
    o.train.epochs = 2;
    fit(&o).unwrap();
    let m = std::fs::read(dir.join("out").join(MANIFEST_FILE)).unwrap();
    let g = std::fs::read(dir.join("out").join(GRAPH_FILE)).unwrap();
    Bundle::load(&m, &g).unwrap()
}

#[test]
fn an_attached_propensity_model_ranks_its_product() {
    let (manifest, graph) = shipped();
    let adv = Advisor::load(&manifest, &graph).unwrap();
    let credit = adv.bundle().spec();
    let catalog = CatalogParams::parse(
        r#"{"products": [
            {"id": "deposit", "kind": "term_deposit", "name": {"en": "Deposit", "zh-CN": "存款"}, "propensity_model": "deposit/manifest.json"},
            {"id": "savings", "kind": "savings_account", "name": {"en": "Savings", "zh-CN": "储蓄"}, "priority": 5}]}"#
            .as_bytes(),
        credit,
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let model = small_model("german_credit", &["age", "duration", "purpose"], tmp.path());
    let mut props = Propensities::default();
    props.attach(&catalog, "deposit", model, credit).unwrap();

    let raw = adv
        .read(credit.features().map(|c| {
            let v = if c.is_categorical() {
                advisor_core::applicant::Value::Text(c.categories[0].value.clone())
            } else {
                advisor_core::applicant::Value::Number(c.max.map_or(30.0, |hi| ((c.min.unwrap_or(0.0) + hi.min(120.0)) / 2.0).floor()))
            };
            (c.name.as_str(), v)
        }))
        .unwrap();
    let r = adv.recommend(&catalog, &raw, None, &props, Lang::En).unwrap();
    // The product with a model ranks first (propensity before the fallback), by its prediction.
    assert_eq!(r.eligible[0].id, "deposit");
    let tmp2 = tempfile::tempdir().unwrap();
    let again = small_model("german_credit", &["age", "duration", "purpose"], tmp2.path());
    // Its inputs, in its own spec's order, taken by name from the applicant's row.
    let sub: Vec<f32> = again.spec().features().map(|f| raw[credit.features().position(|c| c.name == f.name).unwrap()]).collect();
    let want = again.predict(&Matrix::new(sub, 3).unwrap()).unwrap()[0] as f64;
    assert!((r.eligible[0].rank_score - want).abs() < 1e-9, "{} vs {want}", r.eligible[0].rank_score);
    assert!(r.eligible[0].reasons[0].starts_with("estimated interest: "));

    // A model whose fields do not match the credit model's is refused by name.
    let bank = small_model("bank_marketing", &["age", "job"], tempfile::tempdir().unwrap().path());
    let e = props.attach(&catalog, "deposit", bank, credit).unwrap_err();
    assert!(e.to_string().contains("field `job` has another type or other categories"), "{e}");
    // Only products that declare a model take one.
    let other = small_model("german_credit", &["age"], tempfile::tempdir().unwrap().path());
    assert!(props.attach(&catalog, "savings", other, credit).unwrap_err().to_string().contains("declares no `propensity_model`"));
}
