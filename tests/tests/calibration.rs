//! Calibration never changes the ranking: the command (`fit --epochs 100
//! --no-restore-best` on german_credit, every epoch trained) overfits until its logits are
//! overconfident, which made the earlier Platt fit diverge (scale −1e10: test AUC 0.81 → 0.49).

use advisor_tests::{data, spec};
use advisor_train::fit::{fit, Family, FitOptions, ModelChoice};

#[test]
fn an_overfit_network_keeps_its_ranking_after_calibration() {
    let tmp = tempfile::tempdir().unwrap();
    let mut o = FitOptions::new(spec("german_credit"), data("german_credit"), tmp.path().join("g"));
    o.model = ModelChoice::Only(Family::Mlp);
    o.train.epochs = 100;
    o.train.restore_best = false;
    o.train.patience = None;
    let r = fit(&o).unwrap();
    let u = r.test_uncalibrated.expect("calibrated by default");
    // At most one of the test part's 60 × 140 positive–negative pairs may tie differently: both
    // are float32 probabilities, and the overconfident ones saturate (Platt itself is monotone).
    let one_pair = 1.0 / (60.0 * 140.0);
    assert!((r.test.auc - u.auc).abs() <= one_pair + 1e-9, "calibrated {} vs uncalibrated {}", r.test.auc, u.auc);
    assert!(r.test.auc > 0.75, "test AUC {}", r.test.auc);
    // The calibration shrinks the overconfident logits (the scale is small and positive).
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(tmp.path().join("g/manifest.json")).unwrap()).unwrap();
    let scale = manifest["calibration"]["scale"].as_f64().unwrap();
    assert!(scale > 0.0 && scale < 1.0, "scale {scale}");
}
