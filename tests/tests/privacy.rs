//! What a bundle reveals about its training rows: the membership-inference attack of `audit`
//! (and the report) on the shipped bundle, and on a model made to memorise its rows, which the
//! attack must catch.

use advisor_tests::{data, repo, spec};
use advisor_train::commands::audit::audit;
use advisor_train::fit::{fit, Family, FitOptions, ModelChoice};

#[test]
fn the_shipped_bundle_reveals_little_and_a_memorising_model_much() {
    let shipped = audit(&repo().join("models/german_credit"), &spec("german_credit"), &data("german_credit")).unwrap();
    assert_eq!((shipped.members, shipped.non_members), (800, 200), "the shipped network was refitted on all 800 training rows");
    assert!(shipped.auc > 0.45 && shipped.auc < 0.65, "{shipped:?}");

    // A wide network trained long on the fit rows alone, without early stopping, weight decay
    // or averaging: it memorises them.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("memorised");
    let mut o = FitOptions::new(spec("german_credit"), data("german_credit"), &out);
    o.model = ModelChoice::Only(Family::Mlp);
    o.progress = false;
    (o.refit, o.calibrate) = (false, false);
    (o.train.hidden, o.train.epochs, o.train.patience, o.train.restore_best) = (vec![256, 256], 150, None, false);
    (o.train.weight_decay, o.train.ema_decay) = (0.0, 0.0);
    let report = fit(&o).unwrap();
    let memorised = audit(&out, &spec("german_credit"), &data("german_credit")).unwrap();
    assert_eq!(memorised.members, 640, "without a refit, the fit rows only");
    assert!(
        memorised.auc > 0.65 && memorised.advantage > 0.3 && memorised.advantage > 3.0 * shipped.advantage,
        "{memorised:?} against {shipped:?}"
    );
    // `fit` runs the same attack on the model it ships, and says so (its warning); the shipped
    // bundle is not flagged. (Its probabilities are tract's, `audit`'s the light runtime's:
    // equal to 1e-7, which reorders the memorised rows' near-certain losses a little.)
    let f = report.membership;
    assert_eq!((f.members, f.non_members), (memorised.members, memorised.non_members));
    assert!((f.auc - memorised.auc).abs() < 0.01 && (f.advantage - memorised.advantage).abs() < 0.02, "{f:?} against {memorised:?}");
    assert!(f.memorised() && !shipped.memorised(), "{f:?} / {shipped:?}");
    let warned = report.warnings().into_iter().find(|w| w.starts_with("the model tells its training rows from others"));
    assert!(warned.as_deref().is_some_and(|w| w.contains("--weight-decay 0.1 make it reveal less")), "{:?}", report.warnings());
    // The report, which a model-risk team reads, flags it too.
    let html = tmp.path().join("report.html");
    advisor_train::report::write(&out, &spec("german_credit"), &data("german_credit"), &html).unwrap();
    let html = std::fs::read_to_string(&html).unwrap();
    assert!(html.contains("Flagged: </strong>the attack clearly works"));
    assert!(html.contains("Fewer features (--features) or --weight-decay 0.1 make it reveal less"), "the network's advice");
}

/// Trees grown to single rows memorise them too, and the warning's advice then names the
/// network, since `--weight-decay` does not act on trees.
#[test]
fn memorising_trees_are_flagged_with_advice_that_acts_on_them() {
    let tmp = tempfile::tempdir().unwrap();
    let mut o = FitOptions::new(spec("german_credit"), data("german_credit"), tmp.path().join("trees"));
    o.model = ModelChoice::Only(Family::Gbdt);
    o.progress = false;
    (o.refit, o.calibrate) = (false, false);
    (o.gbdt.rounds, o.gbdt.patience, o.gbdt.min_rows, o.gbdt.max_leaves) = (400, 400, 1, 63);
    (o.gbdt.subsample, o.gbdt.colsample, o.gbdt.l2, o.gbdt.learning_rate) = (1.0, 1.0, 0.0, 0.2);
    let report = fit(&o).unwrap();
    assert!(report.membership.memorised(), "{:?}", report.membership);
    let warning = report.warnings().into_iter().find(|w| w.starts_with("the model tells its training rows from others"));
    let warning = warning.unwrap_or_else(|| panic!("{:?}", report.warnings()));
    assert!(warning.contains("its trees memorise most: the network alone (--model mlp --weight-decay 0.1)"), "{warning}");
}

/// german_credit with a phone-number column, declared in the spec with `role`.
fn with_phone_numbers(dir: &std::path::Path, role: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let csv = std::fs::read_to_string(data("german_credit")).unwrap();
    let mut out = String::new();
    for (i, line) in csv.lines().enumerate() {
        let cell = if i == 0 { "phone".to_string() } else { format!("{}", 7_700_000_000u64 + 104_729 * i as u64) };
        out += &format!("{line},{cell}\n");
    }
    let spec_text = std::fs::read_to_string(spec("german_credit")).unwrap()
        + &format!("\n[[columns]]\nname = \"phone\"\ntype = \"numeric\"\nrole = \"{role}\"\ndisplay = {{ en = \"Phone\", \"zh-CN\" = \"电话\" }}\n");
    let (d, s) = (dir.join(format!("{role}.csv")), dir.join(format!("{role}.toml")));
    std::fs::write(&d, out).unwrap();
    std::fs::write(&s, spec_text).unwrap();
    (s, d)
}

#[test]
fn fit_refuses_a_feature_that_looks_like_phone_numbers_unless_the_spec_marks_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (s, d) = with_phone_numbers(tmp.path(), "feature");
    let mut o = FitOptions::new(&s, &d, tmp.path().join("refused"));
    o.model = ModelChoice::Only(Family::Gbdt);
    let e = fit(&o).err().expect("an identifier-like feature is refused").to_string();
    assert!(e.contains("column `phone` looks like a direct identifier") && e.contains("phone, card or national-ID"), "{e}");
    assert!(!tmp.path().join("refused").exists(), "nothing is written");
    let (s, d) = with_phone_numbers(tmp.path(), "ignore");
    let mut o = FitOptions::new(&s, &d, tmp.path().join("ignored"));
    o.model = ModelChoice::Only(Family::Gbdt);
    fit(&o).expect("marked `ignore`, it is not learnt from");
}

/// DP-SGD on the memorising network's shape: the manifest records the guarantee and what it
/// does not cover, the attack treats the fit rows as the rows trained on, and the noise takes
/// away what the same network without it gives the attack.
#[test]
fn a_dp_network_records_its_guarantee_and_the_attack_finds_little() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dp");
    let mut o = FitOptions::new(spec("german_credit"), data("german_credit"), &out);
    o.progress = false;
    o.calibrate = false;
    o.train.hidden = vec![256, 256];
    o.dp = Some(advisor_train::dp_sgd::DpParams { epsilon: 1.0, epochs: 150, batch: Some(64), ..Default::default() });
    fit(&o).unwrap();
    let bundle = advisor_core::bundle::Bundle::load(
        &std::fs::read(out.join("manifest.json")).unwrap(),
        &std::fs::read(out.join("model.onnx")).unwrap(),
    )
    .unwrap();
    let training = bundle.manifest().training().unwrap();
    let dp = training.privacy.as_ref().expect("the manifest records DP");
    assert!(dp.epsilon <= 1.0 && dp.epsilon > 0.95 && dp.delta < 1.0 / 640.0, "{dp:?}");
    assert_eq!((dp.rows, dp.steps, training.refit), (640, 150 * 10, false));
    // Everything else in the bundle comes from noisy counts, composed into the same ε: one per
    // feature (18, no crosses) and two of the model's scores.
    assert!(dp.covers.contains("preprocessing") && dp.covers.contains("metrics"), "{dp:?}");
    assert!(!dp.not_covered.iter().any(|x| x.contains("preprocessing") || x.contains("metrics")), "{dp:?}");
    assert_eq!(dp.count_releases, 20);
    assert!(dp.count_noise > 10.0, "{dp:?}");
    // A test row is in one release only: its noise keeps that release alone within ε.
    assert!(dp.test_count_noise > 1.0 && dp.test_count_noise < dp.count_noise / 4.0, "{dp:?}");
    let metrics = bundle.manifest().metrics().unwrap();
    assert!(metrics.test_uncalibrated.is_none(), "no figure is shipped that was not counted with noise");
    let a = audit(&out, &spec("german_credit"), &data("german_credit")).unwrap();
    assert_eq!(a.members, 640, "DP-SGD trains on the fit rows only");
    // The same network without DP memorises (attack AUC 0.685, advantage 0.51, above); the bounds
    // here sit four standard errors of the attack AUC (200 test rows) above 0.5.
    assert!(a.auc < 0.6 && a.advantage < 0.25, "{a:?}");
}

/// The error `fit` stops with.
fn fit_error(o: &FitOptions) -> String {
    match fit(o) {
        Ok(_) => panic!("fit succeeded"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn dp_refuses_what_it_cannot_cover() {
    let tmp = tempfile::tempdir().unwrap();
    let mut o = FitOptions::new(spec("german_credit"), data("german_credit"), tmp.path().join("x"));
    o.progress = false;
    o.dp = Some(advisor_train::dp_sgd::DpParams::default());
    o.model = ModelChoice::Only(Family::Gbdt);
    assert!(fit_error(&o).contains("network only"));
    o.model = ModelChoice::Auto;
    o.members = 3;
    assert!(fit_error(&o).contains("--members 1"));
    o.members = 1;
    o.train.balance_classes = true;
    assert!(fit_error(&o).contains("unweighted"));
    o.train.balance_classes = false;
    o.dp = Some(advisor_train::dp_sgd::DpParams { epsilon: -1.0, ..Default::default() });
    assert!(fit_error(&o).contains("--dp-epsilon"));
    // A numeric feature is binned between bounds the spec declares; australian_credit's A2 has none.
    let mut o = FitOptions::new(spec("australian_credit"), data("australian_credit"), tmp.path().join("y"));
    o.dp = Some(advisor_train::dp_sgd::DpParams::default());
    let e = fit_error(&o);
    assert!(e.contains("`A2` needs `min` and `max`"), "{e}");
    assert!(!tmp.path().join("y").exists(), "nothing is written");
    // A spec `init` drafted from the rows is not public until a person has reviewed it.
    let drafted = tmp.path().join("drafted.toml");
    let params = advisor_train::init::InitParams { label: None, name: Some("german_credit".into()) };
    std::fs::write(&drafted, advisor_train::init::init(&data("german_credit"), &params).unwrap().toml).unwrap();
    let mut o = FitOptions::new(&drafted, data("german_credit"), tmp.path().join("z"));
    o.dp = Some(advisor_train::dp_sgd::DpParams::default());
    let e = fit_error(&o);
    assert!(e.contains("drafted from the data by `advisor-train init`") && e.contains("delete that line"), "{e}");
}

/// A private fit's preprocessing comes from noisy counts over the spec's bounds: with noise of
/// zero rows it would be the exact counts' (here, the shipped bundle's quantile edges, which
/// are exact, are not what a private fit of the same rows finds).
#[test]
fn a_private_fit_does_not_ship_the_exact_quantiles() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dp");
    let mut o = FitOptions::new(spec("german_credit"), data("german_credit"), &out);
    (o.progress, o.calibrate) = (false, false);
    o.dp = Some(advisor_train::dp_sgd::DpParams { epsilon: 8.0, epochs: 2, ..Default::default() });
    fit(&o).unwrap();
    let load = |dir: &std::path::Path| {
        advisor_core::bundle::Bundle::load(
            &std::fs::read(dir.join("manifest.json")).unwrap(),
            &std::fs::read(dir.join("model.onnx")).unwrap(),
        )
        .unwrap()
    };
    let (private, exact) = (load(&out), load(&repo().join("models/german_credit")));
    let edges = |b: &advisor_core::bundle::Bundle| -> Vec<f32> {
        b.manifest()
            .preprocessing
            .inputs
            .iter()
            .filter(|t| t.name() == "credit_amount")
            .flat_map(|t| match t {
                advisor_core::preprocess::InputTransform::Numeric { pieces, .. } => pieces.iter().map(|p| p.shift).collect(),
                _ => vec![],
            })
            .collect()
    };
    let (p, e) = (edges(&private), edges(&exact));
    assert!(!p.is_empty() && !e.is_empty());
    let shared = p.iter().filter(|x| e.contains(x)).count();
    assert!(shared <= 1, "{shared} of the private fit's edges are the exact fit's: {p:?} / {e:?}");
}

/// Each column's values that only one row of `dataset`'s file has, as f32 (what a graph holds).
fn single_row_values(dataset: &str) -> std::collections::HashMap<u32, String> {
    let delimiter = advisor_train::spec_file::read_spec(&spec(dataset)).unwrap().params().delimiter as u8;
    let mut single = std::collections::HashMap::new();
    for (h, cells) in advisor_tests::cell_counts(&data(dataset), delimiter) {
        for (v, _) in cells.into_iter().filter(|(_, n)| *n == 1) {
            if let Ok(x) = v.trim().trim_matches('"').parse::<f64>() {
                single.insert((x as f32).to_bits(), format!("{h} = {v}"));
            }
        }
    }
    single
}

/// Integers below this are category codes, counts and sizes: they say nothing of a row.
const SMALL: f32 = 64.0;

fn telling(v: f32) -> bool {
    v.is_finite() && !(v.fract() == 0.0 && v.abs() < SMALL)
}

/// Every number of a manifest (JSON), with its path.
fn json_numbers(v: &serde_json::Value, path: &str, out: &mut Vec<(f32, String)>) {
    match v {
        serde_json::Value::Number(n) => out.push((n.as_f64().unwrap() as f32, path.to_string())),
        serde_json::Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| json_numbers(x, &format!("{path}[{i}]"), out)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| json_numbers(x, &format!("{path}.{k}"), out)),
        _ => {}
    }
}

/// Every float a graph's initializers hold (f32, or f16 widened), with the initializer's name.
fn graph_floats(graph: &[u8]) -> Vec<(f32, String)> {
    let model = advisor_core::onnx::decode(graph).unwrap();
    let initializers = model.graph.unwrap().initializer;
    let floats = |t: &advisor_core::onnx::TensorProto| t.to_f32().or_else(|| t.half_values()).unwrap_or_default();
    initializers.iter().flat_map(|t| floats(t).into_iter().map(|v| (v, t.name.clone()))).collect()
}

/// The shipped bundles hold no value that only one row of their training file has. Scanned:
/// every float of the graph, and every number of the manifest in feature space — the spec and
/// the fitted preprocessing (the sections made from feature values) — but small integers
/// (codes, counts). Score-space numbers (scaling, cutoffs, the baseline, metrics) are made from
/// the model's scores, not from feature values, and would match feature values by chance.
#[test]
fn no_shipped_bundle_holds_a_value_only_one_training_row_has() {
    for (bundle, dataset) in [
        ("german_credit", "german_credit"),
        ("german_credit_lightgbm", "german_credit"),
        ("german_credit_sklearn_pipeline", "german_credit"),
        ("bank_deposit", "bank_marketing"),
    ] {
        let single = single_row_values(dataset);
        assert!(single.len() > 50, "{dataset}: the scan has values to look for");
        let dir = repo().join("models").join(bundle);
        let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        let mut numbers = vec![];
        for section in ["spec", "preprocessing"] {
            json_numbers(&manifest[section], &format!("manifest.{section}"), &mut numbers);
        }
        numbers.extend(graph_floats(&std::fs::read(dir.join("model.onnx")).unwrap()));
        let found: Vec<String> = numbers
            .iter()
            .filter(|(v, _)| telling(*v))
            .filter_map(|(v, at)| single.get(&v.to_bits()).map(|what| format!("{at}: {v} ({what})")))
            .collect();
        assert!(found.is_empty(), "{bundle}: {found:?}");
    }
}
