//! The model report: its numbers against independent computations, no external reference, the
//! stability index, and a screenshot in headless Chromium.

use advisor_core::bundle::Bundle;
use advisor_tests::{data, repo, spec};
use advisor_train::report;

/// AUC by brute force over every (positive, negative) pair, ties counted half.
fn pairwise_auc(y: &[u8], p: &[f32]) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for i in (0..y.len()).filter(|&i| y[i] == 1) {
        for j in (0..y.len()).filter(|&j| y[j] == 0) {
            den += 1.0;
            num += if p[i] > p[j] {
                1.0
            } else if p[i] == p[j] {
                0.5
            } else {
                0.0
            };
        }
    }
    num / den
}

/// KS by trying every threshold.
fn brute_ks(y: &[u8], p: &[f32]) -> f64 {
    let pos = y.iter().filter(|&&v| v == 1).count() as f64;
    let neg = y.len() as f64 - pos;
    p.iter()
        .map(|&t| {
            let fp = (0..y.len()).filter(|&i| y[i] == 1 && p[i] <= t).count() as f64 / pos;
            let fn_ = (0..y.len()).filter(|&i| y[i] == 0 && p[i] <= t).count() as f64 / neg;
            (fp - fn_).abs()
        })
        .fold(0.0, f64::max)
}

#[test]
fn the_report_matches_independent_computations_and_is_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    let model = repo().join("models/german_credit");
    let s = report::write(&model, &spec("german_credit"), &data("german_credit"), &out).unwrap();
    let (y, p) = (&s.test_labels, &s.test_probabilities);
    assert_eq!(y.len(), 200);
    assert!((s.test.auc - pairwise_auc(y, p)).abs() < 1e-12, "AUC {} vs {}", s.test.auc, pairwise_auc(y, p));
    assert!((s.test.ks - brute_ks(y, p)).abs() < 1e-12, "KS {} vs {}", s.test.ks, brute_ks(y, p));
    // The same figures as the bundle's own metrics (same split, same model).
    let bundle =
        Bundle::load(&std::fs::read(model.join("manifest.json")).unwrap(), &std::fs::read(model.join("model.onnx")).unwrap()).unwrap();
    let auc = bundle.manifest().metrics().unwrap().test.auc;
    assert!((s.test.auc - auc).abs() < 1e-9, "report {} vs manifest {auc}", s.test.auc);

    // PSI by hand from the stored baseline.
    let base = bundle.manifest().stability.clone().expect("a stability baseline");
    let mut counts = vec![0.0; base.shares.len()];
    for &sc in &s.test_scores {
        counts[base.edges.iter().filter(|&&e| e <= sc).count()] += 1.0;
    }
    let psi: f64 = counts
        .iter()
        .zip(&base.shares)
        .map(|(&c, &e)| {
            let (a, e) = ((c / s.test_scores.len() as f64).max(1e-4), e.max(1e-4));
            (a - e) * (a / e).ln()
        })
        .sum();
    assert!((s.psi_test.unwrap() - psi).abs() < 1e-12);

    // Fairness covers both protected columns and every test row in each.
    for col in ["personal_status", "foreign_worker"] {
        let rows: usize = s.fairness.iter().filter(|f| f.0 == col).map(|f| f.2).sum();
        assert_eq!(rows, 200, "{col}");
    }
    // Gains capture every positive by the last decile.
    let g = report::gains(y, &s.test_scores);
    assert_eq!(g.iter().map(|d| d.rows).sum::<usize>(), 200);
    assert!((g.last().unwrap().cumulative_capture - 1.0).abs() < 1e-12);

    let html = std::fs::read_to_string(&out).unwrap();
    for needle in ["http", " src=", "<link", "url(", "@import", "<script"] {
        assert!(!html.contains(needle), "the report references something outside itself: {needle}");
    }
    for section in [
        "Metrics",
        "ROC",
        "KS",
        "Reliability",
        "Gains and lift",
        "Score scaling",
        "Reason codes",
        "Fairness",
        "Stability",
        "Model card",
        "Calibration",
        "Data checks",
    ] {
        assert!(html.contains(section), "missing section {section}");
    }
    assert_eq!(html.matches("<svg").count(), 4);
    // The test AUC's 95 % interval, as the metrics module gives it for the test rows.
    let (lo, hi) = advisor_core::metrics::auc_interval(y, p).unwrap();
    assert!(lo < s.test.auc && s.test.auc < hi && hi - lo < 0.2, "{lo} {hi}");
    assert!(html.contains(&format!("95 % interval {lo:.4}–{hi:.4} (DeLong")), "no AUC interval in the report");

    // The shipped model's membership attack is not flagged (a memorising one's is:
    // tests/tests/privacy.rs), nor its data: 700 and 300 rows, no test row a training row's.
    assert!(!s.membership.memorised() && !html.contains("Flagged: "), "{:?}", s.membership);
    assert_eq!((s.classes, s.copies.found), ([700, 300], 0));
    assert!(html.contains("<td>700 / 300</td>") && html.contains("<td>0 of 200</td>") && html.contains("Nothing flagged."));

    // A screenshot in headless Chromium.
    let art = std::env::var_os("ADVISOR_ARTIFACTS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("advisor-artifacts"));
    std::fs::create_dir_all(&art).unwrap();
    let png = art.join("report.png");
    let _ = std::fs::remove_file(&png);
    let status = std::process::Command::new("/usr/bin/chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--hide-scrollbars",
            "--window-size=1300,5200",
        ])
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", out.display()))
        .stderr(std::process::Stdio::null())
        .status()
        .expect("chromium runs (scripts/setup.sh installs it)");
    assert!(status.success());
    assert!(std::fs::metadata(&png).unwrap().len() > 50_000, "screenshot too small");
}

#[test]
fn psi_of_the_training_file_is_stable() {
    let (psi, n) = advisor_train::commands::score::psi(&repo().join("models/german_credit"), &data("german_credit")).unwrap();
    assert_eq!(n, 1000);
    assert!(psi < 0.10, "PSI {psi}");
}
