//! Invariants of reasons and what-if advice that hold for any bundle, whatever its model.

use advisor_core::advisor::Advisor;
use advisor_core::lang::Lang;
use advisor_core::matrix::Matrix;
use advisor_core::schema::Direction;

/// Over every row of `raw`: at most four reasons, costliest first, each worth the points that
/// moving its one field to the reference value gains; applicants above 0.5 have reasons. The
/// number of rows with reasons.
pub fn reasons_are_the_costliest_scored_factors(adv: &Advisor, raw: &Matrix) -> usize {
    let bundle = adv.bundle();
    let scaling = &bundle.manifest().scaling;
    let names: Vec<String> = bundle.spec().features().map(|c| c.name.clone()).collect();
    let mut with_reasons = 0;
    for (i, r) in raw.iter_rows().enumerate() {
        let report = adv.report(r, Lang::En).unwrap();
        assert!(report.reasons.len() <= 4, "row {i}");
        with_reasons += usize::from(!report.reasons.is_empty());
        for w in report.reasons.windows(2) {
            assert!(w[0].points >= w[1].points, "row {i}: reasons not sorted");
        }
        for reason in &report.reasons {
            let f = names.iter().position(|n| *n == reason.field).expect("a model input");
            assert!(reason.points >= 0.5);
            // The stated cost is what moving that one field to its reference value gains.
            let mut cf = r.to_vec();
            cf[f] = adv.explainer().reference(adv.bundle()).unwrap()[f];
            let q = bundle.predict(&Matrix::new(cf, r.len()).unwrap()).unwrap()[0] as f64;
            let gain = scaling.points_between(report.probability, q);
            assert!((gain - reason.points).abs() <= 0.051, "row {i} {}: {gain} vs {}", reason.field, reason.points);
        }
        // Higher-risk applicants have reasons.
        if report.probability > 0.5 {
            assert!(!report.reasons.is_empty(), "row {i}: p = {} but no reasons", report.probability);
        }
    }
    with_reasons
}

/// Over every 7th row of `raw`: each change reaches the target score, is one the spec allows and
/// (for whole numbers) the smallest that does; partial improvements only when nothing reaches.
/// The number of rows advised.
pub fn what_if_changes_reach_the_target_and_respect_directions(adv: &Advisor, raw: &Matrix) -> usize {
    let bundle = adv.bundle();
    let cols: Vec<_> = bundle.spec().features().cloned().collect();
    let mut advised = 0;
    for (i, r) in raw.iter_rows().enumerate().step_by(7) {
        let w = adv.what_if(r, Lang::En).unwrap();
        let Some(target) = w.target_score else {
            assert!(w.changes.is_empty());
            continue;
        };
        advised += usize::from(!w.changes.is_empty());
        let now = bundle.manifest().scaling.score(bundle.predict(&Matrix::new(r.to_vec(), r.len()).unwrap()).unwrap()[0] as f64);
        assert!(w.changes.is_empty() || w.improvements.is_empty(), "row {i}: improvements only when nothing reaches");
        for c in &w.improvements {
            // (`score` is rounded to 0.1: a move just short of the target may show it.)
            assert!(c.score >= now + 0.9 && c.score < target + 0.05, "row {i} {}: {} from {now} (target {target})", c.field, c.score);
        }
        for c in &w.changes {
            let f = cols.iter().position(|col| col.name == c.field).unwrap();
            let col = &cols[f];
            assert!(col.actionable, "row {i}: {} is not actionable", c.field);
            let new = match &c.value {
                serde_json::Value::String(s) => col.category_code(s).unwrap() as f32,
                v => v.as_f64().unwrap() as f32,
            };
            assert_allowed(col, r[f], new, &format!("row {i}"));
            let mut cf = r.to_vec();
            cf[f] = new;
            let p = bundle.predict(&Matrix::new(cf.clone(), r.len()).unwrap()).unwrap()[0];
            let s = bundle.manifest().scaling.score(p as f64);
            assert!(s >= target, "row {i} {}: {s} < {target}", c.field);
            // Minimal for whole numbers: one step less does not reach the target.
            if col.integer && !col.is_categorical() {
                cf[f] = new + if new > r[f] { -1.0 } else { 1.0 };
                if cf[f] != r[f] {
                    let p = bundle.predict(&Matrix::new(cf, r.len()).unwrap()).unwrap()[0];
                    assert!(bundle.manifest().scaling.score(p as f64) < target, "row {i} {}: not the smallest change", c.field);
                }
            }
        }
    }
    advised
}

/// A move the spec allows: an actionable field, to an advisable category, in the field's
/// direction (along the categories' order; any advisable one from a value outside it).
pub fn assert_allowed(col: &advisor_core::schema::ColumnSpec, from: f32, to: f32, at: &str) {
    assert!(col.actionable, "{at}: {} is not actionable", col.name);
    assert_ne!(from, to, "{at}: {}", col.name);
    if col.is_categorical() {
        assert!(col.advisable(to), "{at}: {} advises {:?}, which the spec forbids", col.name, col.categories[to as usize].value);
        if from.is_nan() || !col.advisable(from) {
            return;
        }
    }
    match col.direction {
        Some(Direction::Increase) => assert!(to > from, "{at}: {} {from} → {to}", col.name),
        Some(Direction::Decrease) => assert!(to < from, "{at}: {} {from} → {to}", col.name),
        _ => {}
    }
}
