//! The fuzz targets' checks, shared by `cargo fuzz` (fuzz_targets/) and the regression test in
//! the main workspace (tests/tests/fuzz_regressions.rs replays every saved input through these).
//! Each takes arbitrary bytes; any input may be rejected with an error, none may panic, and what
//! is accepted must be consistent (scores in range, read() and problems() agreeing, …).

use std::path::Path;
use std::sync::LazyLock;

use advisor_core::advisor::Advisor;
use advisor_core::applicant::Value;
use advisor_core::bundle::Manifest;
use advisor_core::converted::{ConvertedRuntime, Features, Inputs};
use advisor_core::dense::DenseRuntime;
use advisor_core::lang::Lang;
use advisor_core::matrix::Matrix;
use advisor_core::runtime::Runtime;
use advisor_core::schema::{Spec, SpecParams};
use advisor_train::data::{MissingLabel, Rows};

const MANIFEST: &[u8] = include_bytes!("../../models/german_credit/manifest.json");
const GRAPH: &[u8] = include_bytes!("../../models/german_credit/model.onnx");

static ADVISOR: LazyLock<Advisor> = LazyLock::new(|| Advisor::load(MANIFEST, GRAPH).expect("the shipped bundle loads"));
static PARSED: LazyLock<Manifest> = LazyLock::new(|| Manifest::parse(MANIFEST).expect("the shipped manifest parses").0);
static SPEC: LazyLock<Spec> = LazyLock::new(|| {
    toml::from_str::<SpecParams>(include_str!("../../specs/german_credit.toml")).expect("spec").check().expect("checked spec")
});

/// Applicant JSON → checking → preprocessing → score and reasons (what-if on an eighth of inputs).
pub fn applicant(data: &[u8]) {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let fields: Vec<(String, Value)> = map.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect();
    let problems = ADVISOR.problems(fields.iter().map(|(k, v)| (k.as_str(), v.clone())));
    match ADVISOR.read(fields.iter().map(|(k, v)| (k.as_str(), v.clone()))) {
        Ok(raw) => {
            assert!(problems.is_empty(), "read accepted what problems() rejects: {problems:?}");
            let r = ADVISOR.report(&raw, Lang::En).expect("a checked applicant scores");
            assert!((0.0..=1.0).contains(&r.probability), "probability {}", r.probability);
            assert!((300.0..=850.0).contains(&r.score), "score {}", r.score);
            assert!(r.reasons.len() <= 4 && r.reasons.iter().all(|x| x.points.is_finite() && x.points > 0.0));
            if data.len().is_multiple_of(8) {
                let w = ADVISOR.what_if(&raw, Lang::ZhCn).expect("what-if runs");
                assert!(w.changes.iter().chain(&w.improvements).all(|c| c.score.is_finite()));
            }
        }
        Err(e) => {
            assert!(!problems.is_empty(), "read rejected ({e}) what problems() accepts");
            assert_eq!(problems[0], e, "the first problem is the error");
        }
    }
}

/// Manifest bytes → parse and check (spec, preprocessing, scaling, cutoffs).
pub fn manifest(data: &[u8]) {
    if let Ok((m, spec)) = Manifest::parse(data) {
        let pre = &m.preprocessing;
        assert_eq!(pre.inputs.len(), spec.n_features(), "preprocessing fits the spec");
        // Each cross's outputs are 0/1 with exactly one 1 (a pair or the unknown bucket).
        let l = pre.layout();
        let mut out = vec![0.0; l.width()];
        let first_pair = l.width() - l.pairs - l.cross_unknowns;
        for fill in [0.0, 1.0, f32::NAN] {
            pre.transform_row(&vec![fill; spec.n_features()], &mut out);
            let mut at = first_pair;
            for (k, x) in pre.crosses.iter().enumerate() {
                let hits = &out[at..at + x.kept.len()];
                let unknown = out[l.width() - l.cross_unknowns + k];
                assert!(hits.iter().chain([&unknown]).all(|&v| v == 0.0 || v == 1.0), "cross {k}: outputs not 0/1");
                assert_eq!(hits.iter().sum::<f32>() + unknown, 1.0, "cross {k}: not exactly one output set");
                at += x.kept.len();
            }
        }
    }
}

/// ONNX graph bytes → the light runtime's reader (advisor graph with the shipped preprocessing,
/// and plain MLP) → one prediction, which must be a probability (or NaN from a NaN weight path).
pub fn graph(data: &[u8]) {
    let pre = &PARSED.preprocessing;
    let n = pre.inputs.len();
    for with_pre in [Some(pre), None] {
        if let Ok((rt, _)) = DenseRuntime::load(data, n, with_pre) {
            let row: Vec<f32> = (0..n).map(|i| i as f32).collect();
            let mut out = [0.0f32];
            if rt.predict_into(&row, &mut out).is_ok() {
                assert!(out[0].is_nan() || (0.0..=1.0).contains(&out[0]), "output {}", out[0]);
            }
        }
    }
}

/// ONNX graph bytes → the light runtime's reader of converted graphs (tree ensembles, linear
/// models and the pipeline nodes around them), for rows of 18 and of 10 values, and with its
/// inputs bound by name to the German spec's features → three rows with numbers and missing
/// values: whatever loads gives probabilities or an error, never a panic.
pub fn trees(data: &[u8]) {
    let features = Features::of(SPEC.features());
    for (n, inputs) in [(18, Inputs::Matrix(18)), (10, Inputs::Matrix(10)), (18, Inputs::Features(&features))] {
        if let Ok((rt, _)) = ConvertedRuntime::load_probability(data, inputs) {
            let rows: Vec<f32> = (0..3 * n)
                .map(|i| match i % 3 {
                    0 => i as f32 * 0.5,
                    1 => f32::NAN,
                    _ => -(i as f32),
                })
                .collect();
            if let Ok(p) = rt.predict_flat(&rows) {
                assert!(p.len() == 3 && p.iter().all(|v| (0.0..=1.0).contains(v)), "outputs {p:?}");
            }
        }
    }
}

/// Bytes → a small table (1–4 features, numeric or categorical, values repeated, huge, zero or
/// missing; labels from the bits; a monotone mark from a byte) → a few boosted trees (tiny leaves
/// allowed) → their ONNX graph on the light runtime: it loads, and scores every row as the trees
/// do (to f32 rounding), and a monotone feature never lowers the score as it grows.
pub fn boost(data: &[u8]) {
    use advisor_train::gbdt::{bins, export, GbdtParams, Rows};
    let [head, kinds, mono, body @ ..] = data else { return };
    let k = 1 + (*head as usize % 4);
    let cats: Vec<Option<usize>> = (0..k).map(|j| ((kinds >> j) & 1 == 1).then_some(2 + (kinds >> 4) as usize % 5)).collect();
    let value = |b: u8, j: usize| match (cats[j], b % 16) {
        (_, 0) => f32::NAN,
        (Some(n), _) => (b as usize % n) as f32,
        (None, 1) => 1e30,
        (None, 2) => -0.0,
        (None, _) => (b / 16) as f32 * 0.5 - 3.0,
    };
    let rows: Vec<&[u8]> = body.chunks_exact(k + 1).take(400).collect();
    if rows.len() < 4 {
        return;
    }
    let x: Vec<f32> = rows.iter().flat_map(|r| (0..k).map(|j| value(r[j], j)).collect::<Vec<_>>()).collect();
    let y: Vec<u8> = rows.iter().map(|r| r[k] & 1).collect();
    let raw = Matrix::new(x, k).expect("k ≥ 1");
    let monotone: Vec<i8> = (0..k)
        .map(|j| {
            if cats[j].is_none() && (mono >> j) & 1 == 1 {
                if mono & 0x80 == 0 {
                    1
                } else {
                    -1
                }
            } else {
                0
            }
        })
        .collect();
    let params = GbdtParams { rounds: 4, min_rows: 1, subsample: 1.0, colsample: 1.0, max_leaves: 6, ..GbdtParams::default() };
    let Ok(p) = params.check() else { return };
    let cuts = bins::fit(&raw, &cats, 255).expect("at most 6 categories");
    let binned = bins::Binned::new(&cuts, &raw);
    // One class only is refused with an error; anything else trains.
    let Ok(b) = advisor_train::gbdt::train(&p, &cuts, &monotone, Rows { binned: &binned, labels: &y }, None, |_| {}) else { return };
    let graph = advisor_core::onnx::encode(&export::model(&b.booster, k, &[]));
    let rt = ConvertedRuntime::load(&graph, k, export::OUTPUT).expect("the trainer's graph loads");
    let got = rt.predict(&raw).expect("the trainer's graph scores");
    for (r, (z, p)) in b.booster.logits(&binned).iter().zip(&got).enumerate() {
        let expected = 1.0 / (1.0 + (-z).exp());
        assert!((expected - *p as f64).abs() < 1e-5, "row {r}: trees {expected}, graph {p}");
    }
    for (j, &m) in monotone.iter().enumerate().filter(|(_, &m)| m != 0) {
        let grid: Vec<f32> = (0..=40)
            .flat_map(|i| {
                let mut row = raw.row(0).to_vec();
                row[j] = i as f32 * 0.25 - 4.0;
                row
            })
            .collect();
        let p = rt.predict(&Matrix::new(grid, k).expect("k ≥ 1")).expect("scores");
        assert!(p.windows(2).all(|w| (w[1] - w[0]) * m as f32 >= -1e-6), "feature {j} (monotone {m}): {p:?}");
    }
}

/// Bundle bytes (a little-endian u32 picks where the manifest ends and the graph starts) →
/// verify, load (light runtime), fix reason-code references → score one row.
pub fn bundle(data: &[u8]) {
    if data.len() < 4 {
        return;
    }
    let split = (u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as usize) % (data.len() - 3);
    let (manifest, graph) = data[4..].split_at(split.min(data.len() - 4));
    if let Ok(adv) = Advisor::load(manifest, graph) {
        let n = adv.bundle().spec().n_features();
        if let Ok(p) = adv.bundle().predict(&Matrix::new(vec![0.0; n], n).expect("n ≥ 1")) {
            assert!(p[0].is_nan() || (0.0..=1.0).contains(&p[0]));
        }
    }
}

/// CSV bytes + the german_credit spec → the trainer's streaming reader, every row; every error
/// is a data error naming a line.
pub fn csv(data: &[u8]) {
    let missing = [MissingLabel::Error, MissingLabel::Drop, MissingLabel::NotRead][data.len() % 3];
    let mut rows = match Rows::new(data, Path::new("fuzz.csv"), &SPEC, missing) {
        Ok(r) => r,
        Err(e) => return assert!(!e.to_string().is_empty()),
    };
    loop {
        match rows.next_row() {
            Ok(Some(r)) => assert_eq!(r.raw.len(), SPEC.n_features()),
            Ok(None) => break,
            Err(e) => {
                assert!(matches!(e, advisor_train::Error::Data { .. }), "{e}");
                break;
            }
        }
    }
}

/// Catalog JSON → validation against the german_credit spec → recommend for a fixed applicant,
/// with and without questionnaire answers.
pub fn catalog(data: &[u8]) {
    let Ok(catalog) = advisor_core::recommend::CatalogParams::parse(data, ADVISOR.bundle().spec()) else { return };
    let n = ADVISOR.bundle().spec().n_features();
    let raw: Vec<f32> = (0..n).map(|i| if i % 5 == 0 { f32::NAN } else { 1.0 }).collect();
    let Ok(raw) = ADVISOR.read(ADVISOR.bundle().spec().features().zip(&raw).map(|(c, &v)| {
        (
            c.name.as_str(),
            if v.is_nan() {
                Value::Null
            } else if c.is_categorical() {
                Value::Text(c.categories[0].value.clone())
            } else {
                Value::Number(c.min.unwrap_or(1.0).max(1.0))
            },
        )
    })) else {
        return;
    };
    for answers in
        [None, Some(advisor_core::recommend::Answers { objective: 2, horizon: 3, risk_tolerance: 2, capacity_for_loss: 2, knowledge: 1 })]
    {
        let none = advisor_core::recommend::Propensities::default();
        let r = ADVISOR.recommend(&catalog, &raw, answers.as_ref(), &none, Lang::En).expect("a checked catalog recommends");
        assert_eq!(r.eligible.len() + r.ineligible.len(), catalog.products().len(), "every product is either eligible or excluded");
        if answers.is_none() {
            assert!(r.eligible.iter().all(|p| p.kind != advisor_core::recommend::Kind::InvestmentFund), "no fund without suitability");
        }
    }
}

/// The assistant with the example catalog and FAQ.
static ASSISTANT: std::sync::LazyLock<advisor_core::assist::Assistant> = std::sync::LazyLock::new(|| {
    let mut a = advisor_core::assist::Assistant::new();
    let catalog = include_bytes!("../../web/catalogs/german_credit.json");
    a.set_products(
        advisor_core::recommend::CatalogParams::parse(catalog, ADVISOR.bundle().spec())
            .expect("catalog")
            .products()
            .iter()
            .map(Into::into)
            .collect(),
    );
    a.set_faq(advisor_core::assist::FaqParams::parse(include_bytes!("../../web/faqs/german_credit.json")).expect("faq"));
    a
});

/// Bytes as an FAQ file (checked, never a panic) and as a question in both languages, with and
/// without a result: always an answer with 2–4 suggestions, a confidence in 0–1, and a product
/// only where the intent has one.
pub fn ask(data: &[u8]) {
    let _ = advisor_core::assist::FaqParams::parse(data);
    // The assistant's module reads its context and catalog with core's small JSON reader.
    let _ = advisor_core::json::read::<advisor_core::assist::Context>(data);
    let _ = advisor_core::json::read::<advisor_core::assist::context::CatalogView>(data);
    let question = String::from_utf8_lossy(data);
    let report = advisor_core::assist::context::ReportView { score: 450.0, decision: "decline".into(), ..Default::default() };
    for (lang, report) in [(Lang::En, None), (Lang::ZhCn, Some(report))] {
        let ctx = advisor_core::assist::Context { lang, report, ..Default::default() };
        let a = ASSISTANT.ask(&question, &ctx);
        assert!(!a.answer.is_empty() && (2..=4).contains(&a.suggestions.len()), "{a:?}");
        assert!((0.0..=1.0).contains(&a.confidence), "{a:?}");
        use advisor_core::assist::Intent;
        assert!(a.product.is_none() || matches!(a.intent, Intent::Product | Intent::NotEligible), "{a:?}");
    }
}

/// A target's check.
pub type Check = fn(&[u8]);

/// The targets by name (for the regression replay).
pub const TARGETS: [(&str, Check); 9] = [
    ("applicant", applicant),
    ("manifest", manifest),
    ("graph", graph),
    ("bundle", bundle),
    ("csv", csv),
    ("catalog", catalog),
    ("ask", ask),
    ("trees", trees),
    ("boost", boost),
];
