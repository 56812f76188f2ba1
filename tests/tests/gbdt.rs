//! `fit --model gbdt`, `blend` and `auto`: the trainer's own trees shipped as a
//! `TreeEnsembleClassifier` (alone, or beside the network in a blend) that the light runtime and
//! tract score alike, explained and advised like the network; monotone features from the spec
//! held; the choice of `auto` recorded.

use advisor_core::advisor::Advisor;
use advisor_core::bundle::{GRAPH_FILE, MANIFEST_FILE};
use advisor_core::matrix::Matrix;
use advisor_core::runtime::{Runtime, TractRuntime};
use advisor_tests::{checks, data, spec};
use advisor_train::data::{read_csv, read_spec, MissingLabel};
use advisor_train::fit::{fit, Family, FitOptions, ModelChoice};

fn german(out: &std::path::Path, model: ModelChoice) -> FitOptions {
    let mut o = FitOptions::new(spec("german_credit"), data("german_credit"), out);
    o.model = model;
    o.progress = false;
    o
}

fn load(dir: &std::path::Path) -> (Vec<u8>, Vec<u8>) {
    (std::fs::read(dir.join(MANIFEST_FILE)).unwrap(), std::fs::read(dir.join(GRAPH_FILE)).unwrap())
}

fn german_rows() -> Matrix {
    read_csv(&data("german_credit"), &read_spec(&spec("german_credit")).unwrap(), MissingLabel::Error).unwrap().raw
}

/// The bundle in `out` on the light runtime: on every row of the file it scores as tract does
/// (reading the graph's `output`), and its reasons and what-if advice hold.
fn scored_alike_and_explained(out: &std::path::Path, output: &str) -> Advisor {
    let (m, g) = load(out);
    let adv = Advisor::load(&m, &g).unwrap();
    assert_eq!(adv.bundle().runtime().name(), "light");
    let raw = german_rows();
    let light = adv.bundle().predict(&raw).unwrap();
    let tract = TractRuntime::load_output(&g, raw.cols(), Some(output)).unwrap().predict(&raw).unwrap();
    let worst = light.iter().zip(&tract).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    assert!(worst <= 1e-5, "light vs tract {worst}");
    let with_reasons = checks::reasons_are_the_costliest_scored_factors(&adv, &raw);
    let advised = checks::what_if_changes_reach_the_target_and_respect_directions(&adv, &raw);
    assert!(with_reasons > 400 && advised > 20, "{with_reasons} rows with reasons, {advised} advised");
    adv
}

#[test]
fn trained_trees_score_alike_everywhere_and_explain_like_the_network() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("trees");
    let r = fit(&german(&out, ModelChoice::Only(Family::Gbdt))).unwrap();
    assert_eq!(r.family, Family::Gbdt);
    let u = r.test_uncalibrated.expect("calibrated by default");
    assert!((r.test.auc - u.auc).abs() <= 1e-4, "calibration kept the ranking: {} vs {}", r.test.auc, u.auc);
    assert!(r.test.auc > 0.72, "test AUC {}", r.test.auc);
    let adv = scored_alike_and_explained(&out, "probabilities");
    let training = adv.bundle().manifest().training().unwrap();
    let model = training.model.expect("the family is recorded");
    assert_eq!((model.asked.as_str(), model.shipped.as_str(), model.candidates.len()), ("gbdt", "gbdt", 1));
    assert_eq!(model.candidates[0].chosen, r.best_epoch);
    assert!(model.candidates[0].chosen < model.candidates[0].run, "early stopping ended the boosting");

    // The same seed writes the same bytes.
    let again = tmp.path().join("again");
    fit(&german(&again, ModelChoice::Only(Family::Gbdt))).unwrap();
    assert_eq!(load(&out), load(&again));
}

/// german_credit's spec with `duration` marked `monotone = "increasing"`, written in `dir`.
fn monotone_spec(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(spec("german_credit")).unwrap();
    let marked = text.replacen("name = \"duration\"\n", "name = \"duration\"\nmonotone = \"increasing\"\n", 1);
    assert_ne!(marked, text);
    let spec_path = dir.join("german_monotone.toml");
    std::fs::write(&spec_path, marked).unwrap();
    spec_path
}

#[test]
fn a_monotone_feature_in_the_spec_is_held_by_the_shipped_trees() {
    let tmp = tempfile::tempdir().unwrap();
    let spec_path = monotone_spec(tmp.path());
    let mut o = FitOptions::new(&spec_path, data("german_credit"), tmp.path().join("m"));
    o.progress = false;
    // `auto` trains only trees when the spec declares a monotone feature.
    let r = fit(&o).unwrap();
    assert_eq!((r.family, r.candidates.len()), (Family::Gbdt, 1));
    let (m, g) = load(&tmp.path().join("m"));
    assert_eq!(falls_with_duration(&Advisor::load(&m, &g).unwrap()), 0, "the constrained trees never lower the risk as the duration grows");
    // Without the mark the trees do dip somewhere, so the check above can fail.
    fit(&german(&tmp.path().join("free"), ModelChoice::Only(Family::Gbdt))).unwrap();
    let (m, g) = load(&tmp.path().join("free"));
    assert!(falls_with_duration(&Advisor::load(&m, &g).unwrap()) > 0);
}

/// Rows (every 10th of the file) whose probability falls somewhere as the duration goes from
/// 4 to 72 months, the rest of the row kept.
fn falls_with_duration(adv: &Advisor) -> usize {
    let duration = adv.bundle().spec().features().position(|c| c.name == "duration").unwrap();
    let raw = german_rows();
    let falls = |i: usize| {
        let grid: Vec<f32> = (4..=72)
            .flat_map(|months| {
                let mut row = raw.row(i).to_vec();
                row[duration] = months as f32;
                row
            })
            .collect();
        let p = adv.bundle().predict(&Matrix::new(grid, raw.cols()).unwrap()).unwrap();
        p.windows(2).any(|w| w[1] < w[0])
    };
    (0..raw.rows()).step_by(10).filter(|&i| falls(i)).count()
}

#[test]
fn auto_ships_the_candidate_with_the_better_validation_auc_and_records_both() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("auto");
    let r = fit(&german(&out, ModelChoice::Auto)).unwrap();
    let (m, g) = load(&out);
    let model = Advisor::load(&m, &g).unwrap().bundle().manifest().training().unwrap().model.unwrap();
    let families: Vec<&str> = model.candidates.iter().map(|c| c.family.as_str()).collect();
    assert_eq!((model.asked.as_str(), families), ("auto", vec!["mlp", "gbdt", "blend"]));
    let best = model.candidates.iter().max_by(|a, b| a.validation_auc.total_cmp(&b.validation_auc)).unwrap();
    assert_eq!(model.shipped, best.family);
    assert_eq!(r.family.name(), model.shipped);
    assert_eq!(r.validation.auc, best.validation_auc);
}

#[test]
fn tree_settings_out_of_range_and_network_only_settings_stop_fit_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let mut o = german(&tmp.path().join("x"), ModelChoice::Auto);
    o.gbdt.subsample = 0.0;
    let e = fit(&o).err().expect("a subsample of 0 is refused");
    assert!(e.to_string().contains("--subsample 0"), "{e}");
    let mut o = german(&tmp.path().join("y"), ModelChoice::Only(Family::Gbdt));
    o.members = 3;
    let e = fit(&o).err().expect("members of a tree model are refused");
    assert!(e.to_string().contains("--members"), "{e}");
    assert!(!tmp.path().join("x").exists() && !tmp.path().join("y").exists(), "nothing is written");
}

#[test]
fn a_blend_is_one_graph_scored_alike_everywhere_and_explained_like_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("blend");
    let r = fit(&german(&out, ModelChoice::Only(Family::Blend))).unwrap();
    assert_eq!(r.family, Family::Blend);
    let families: Vec<&str> = r.candidates.iter().map(|(c, _)| c.family.as_str()).collect();
    assert_eq!(families, ["mlp", "gbdt", "blend"]);
    let u = r.test_uncalibrated.expect("calibrated by default");
    assert!((r.test.auc - u.auc).abs() <= 1e-4, "calibration kept the ranking: {} vs {}", r.test.auc, u.auc);
    assert!(r.test.auc > 0.72, "test AUC {}", r.test.auc);
    let adv = scored_alike_and_explained(&out, "probability");
    // The blend's logit is the mean of its two models': on the validation AUC the blend is
    // neither model (it is their mean, not a copy of one).
    let auc = |f: &str| r.candidates.iter().find(|(c, _)| c.family == f).unwrap().0.validation_auc;
    assert!(auc("blend") != auc("mlp") && auc("blend") != auc("gbdt"), "{:?}", r.candidates);
    let model = adv.bundle().manifest().training().unwrap().model.expect("the family is recorded");
    assert_eq!((model.asked.as_str(), model.shipped.as_str()), ("blend", "blend"));

    // The same seed writes the same bytes.
    let again = tmp.path().join("again");
    fit(&german(&again, ModelChoice::Only(Family::Blend))).unwrap();
    assert_eq!(load(&out), load(&again));
}

#[test]
fn a_blend_refuses_a_spec_with_monotone_features() {
    let tmp = tempfile::tempdir().unwrap();
    let marked = monotone_spec(tmp.path());
    let mut o = german(&tmp.path().join("b"), ModelChoice::Only(Family::Blend));
    o.spec = marked;
    let e = fit(&o).err().expect("a blend cannot hold monotone features");
    assert!(e.to_string().contains("--model blend"), "{e}");
    assert!(!tmp.path().join("b").exists(), "nothing is written");
}
