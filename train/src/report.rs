//! The model report: one self-contained HTML file (inline SVG drawn with plotters, no external
//! reference) that a model-risk team reads: metrics, curves, calibration, gains, scaling,
//! data checks, reason codes, fairness by protected group, privacy, stability baseline and a model card.

use std::path::Path;

use advisor_core::advisor::Advisor;
use advisor_core::bundle::{Bundle, Manifest, MetricsRecord, PrivacyRecord, TrainingRecord};
use advisor_core::lang::Lang;
use advisor_core::metrics::{self, Metrics};
use advisor_core::score::Decision;
use maud::{html, Markup, PreEscaped};
use plotters::prelude::*;
use serde::Serialize;

use advisor_core::matrix::Matrix;
use advisor_core::schema::Spec;

use crate::bundle_dir;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::fit::{checks, Family};

/// How often a feature is among the test rows' reasons: (feature, as any reason, as the first).
pub type ReasonCount = (String, usize, usize);

/// One protected group's figures on the test part: (column, group, rows, approval rate, AUC).
pub type Fairness = (String, String, usize, f64, f64);

/// The figures the report shows that tests check against independent computations.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub train: Metrics,
    pub validation: Metrics,
    pub test: Metrics,
    /// Test-part probabilities and labels, in file order.
    pub test_probabilities: Vec<f32>,
    pub test_labels: Vec<u8>,
    /// Test-part scores.
    pub test_scores: Vec<f64>,
    /// The test AUC's 95 % interval (DeLong).
    pub test_auc_interval: Option<(f64, f64)>,
    /// PSI of the test part against the bundle's training baseline.
    pub psi_test: Option<f64>,
    /// Reason code frequencies on the test part: (field, times given, times principal).
    pub reasons: Vec<ReasonCount>,
    /// Per protected column: (column, group, rows, approval rate, AUC).
    pub fairness: Vec<Fairness>,
    /// A membership-inference attack on the bundle's own split ([`crate::commands::audit`]).
    pub membership: crate::commands::audit::Attack,
    /// Rows of each label value (0, 1) in the file.
    pub classes: [usize; 2],
    /// Test rows that copy a training row, found and by chance ([`checks::test_copies`]).
    pub copies: checks::Copies,
}

fn f4(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.4}")
    } else {
        "–".into()
    }
}

/// One line of a chart: name, points, colour.
pub type Series<'a> = (&'a str, Vec<(f64, f64)>, RGBColor);

/// A line chart as an SVG string.
pub fn line_chart(title: &str, x_label: &str, y_label: &str, x: (f64, f64), y: (f64, f64), series: &[Series<'_>]) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (520, 360)).into_drawing_area();
        root.fill(&WHITE).ok();
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(52)
            .build_cartesian_2d(x.0..x.1, y.0..y.1)
            .expect("chart");
        chart.configure_mesh().x_desc(x_label).y_desc(y_label).draw().expect("mesh");
        for (name, pts, colour) in series {
            let c = *colour;
            chart
                .draw_series(LineSeries::new(pts.iter().copied(), c.stroke_width(2)))
                .expect("series")
                .label(*name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2)));
        }
        chart.configure_series_labels().border_style(BLACK).background_style(WHITE.mix(0.8)).draw().expect("legend");
        root.present().expect("svg");
    }
    svg
}

/// Writes the report for the bundle in `model` over `data` (read with `spec`) to `out`.
pub fn write(model: &Path, spec_path: &Path, data: &Path, out: &Path) -> Result<Summary> {
    let adv = Advisor::new(bundle_dir::load(model)?)?;
    let bundle = adv.bundle();
    let m = bundle.manifest();
    let (spec, ds, parts) = crate::commands::split::bundle_split(bundle, spec_path, data)?;
    let threshold = m.training()?.threshold;
    let probs = bundle.predict(&ds.raw)?;
    let pick =
        |idx: &[usize]| -> (Vec<f32>, Vec<u8>) { (idx.iter().map(|&i| probs[i]).collect(), idx.iter().map(|&i| ds.labels[i]).collect()) };
    let (p_fit, y_fit) = pick(&parts.fit);
    let (p_val, y_val) = pick(&parts.validation);
    let (p_test, y_test) = pick(&parts.test);
    let scaling = &m.scaling;
    let s_test: Vec<f64> = p_test.iter().map(|&p| scaling.score(p as f64)).collect();
    let (train, validation, test) = (
        Metrics::compute(&y_fit, &p_fit, threshold),
        Metrics::compute(&y_val, &p_val, threshold),
        Metrics::compute(&y_test, &p_test, threshold),
    );

    let (reasons, decisions) = reason_counts(&adv, &ds.raw, &parts.test)?;
    let fairness = fairness(&spec, &ds, &parts.test, &decisions, &y_test, &p_test);

    let psi_test = m.stability.as_ref().map(|b| b.psi(&s_test));
    let membership = crate::commands::audit::on_split(bundle, &probs, &ds.labels, &parts)?;
    let y_train: Vec<u8> = parts.train.iter().map(|&i| ds.labels[i]).collect();
    let test_rows = (&ds.raw.select(&parts.test), y_test.as_slice());
    let copies = checks::test_copies((&ds.raw.select(&parts.train), &y_train), test_rows, m.training()?.split_seed);
    let summary = Summary {
        train,
        validation,
        test,
        test_probabilities: p_test.clone(),
        test_labels: y_test.clone(),
        test_scores: s_test.clone(),
        test_auc_interval: metrics::auc_interval(&y_test, &p_test),
        psi_test,
        reasons,
        fairness,
        membership,
        classes: checks::class_counts(ds.labels.iter()),
        copies,
    };
    let html = render(&adv, &summary, &ds.sha256, ds.raw.rows(), data)?;
    std::fs::write(out, html).map_err(Error::io(out))?;
    Ok(summary)
}

/// How often each feature is among an applicant's reasons, and the first one, on the `test`
/// rows (most frequent first); and each row's decision.
fn reason_counts(adv: &Advisor, raw: &Matrix, test: &[usize]) -> Result<(Vec<ReasonCount>, Vec<Decision>)> {
    let features: Vec<String> = adv.bundle().spec().features().map(|c| c.name.clone()).collect();
    let mut given = vec![0usize; features.len()];
    let mut principal = vec![0usize; features.len()];
    let mut decisions = Vec::with_capacity(test.len());
    for &i in test {
        let r = adv.report(raw.row(i), Lang::En)?;
        for (k, reason) in r.reasons.iter().enumerate() {
            if let Some(f) = features.iter().position(|n| *n == reason.field) {
                given[f] += 1;
                if k == 0 {
                    principal[f] += 1;
                }
            }
        }
        decisions.push(r.decision);
    }
    let mut reasons: Vec<ReasonCount> =
        features.iter().enumerate().filter(|&(f, _)| given[f] > 0).map(|(f, n)| (n.clone(), given[f], principal[f])).collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));

    Ok((reasons, decisions))
}

/// Approval rate and AUC by protected group on the `test` rows: (column, group, rows, approval
/// rate, AUC).
fn fairness(spec: &Spec, ds: &Dataset, test: &[usize], decisions: &[Decision], y_test: &[u8], p_test: &[f32]) -> Vec<Fairness> {
    let mut fairness = vec![];
    for (name, values) in &ds.protected {
        let col = spec.columns().iter().find(|c| &c.name == name).expect("protected columns come from the spec");
        let mut groups: Vec<(String, Vec<usize>)> = vec![];
        for (k, &i) in test.iter().enumerate() {
            let v = values[i];
            let g = if v.is_nan() {
                "not given".to_string()
            } else {
                col.categories.get(v as usize).map_or(v.to_string(), |c| c.value.clone())
            };
            match groups.iter_mut().find(|(n, _)| *n == g) {
                Some((_, ks)) => ks.push(k),
                None => groups.push((g, vec![k])),
            }
        }
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        for (g, ks) in groups {
            let approved = ks.iter().filter(|&&k| decisions[k] == Decision::Approve).count();
            let y: Vec<u8> = ks.iter().map(|&k| y_test[k]).collect();
            let p: Vec<f32> = ks.iter().map(|&k| p_test[k]).collect();
            let label = col.categories.iter().find(|c| c.value == g).map_or(g.clone(), |c| format!("{g} ({})", c.display.get(Lang::En)));
            fairness.push((name.clone(), label, ks.len(), approved as f64 / ks.len() as f64, metrics::auc(&y, &p)));
        }
    }

    fairness
}

/// Inline SVG without the namespace URL (HTML5 does not need it; the file then names no URL).
fn inline(svg: String) -> String {
    svg.replace(" xmlns=\"http://www.w3.org/2000/svg\"", "")
}

fn render(adv: &Advisor, s: &Summary, data_sha: &str, data_rows: usize, data: &Path) -> Result<String> {
    let bundle = adv.bundle();
    let m = bundle.manifest();
    let (training, recorded) = (m.training()?, m.metrics()?);
    let page = Page {
        s,
        m,
        training: &training,
        recorded: &recorded,
        y: &s.test_labels,
        p: &s.test_probabilities,
        data_sha,
        data_rows,
        data,
        bundle,
    };
    let name = bundle.spec().name();
    let html = html! {
        (PreEscaped("<!doctype html>"))
        html lang="en" {
            head { meta charset="utf-8"; title { "Model report — " (name) } style { (PreEscaped(CSS)) } }
            body {
                @for section in [title, data_checks, metrics_table, curves, gains_table, scaling, reason_codes, fairness_table, privacy, stability, model_card] {
                    (section(&page))
                }
            }
        }
    };
    Ok(html.into_string())
}

/// What the report's sections read.
struct Page<'a> {
    s: &'a Summary,
    m: &'a Manifest,
    training: &'a TrainingRecord,
    recorded: &'a MetricsRecord,
    y: &'a [u8],
    p: &'a [f32],
    data_sha: &'a str,
    data_rows: usize,
    data: &'a Path,
    bundle: &'a Bundle,
}

/// The report's title and what it is of.
fn title(r: &Page<'_>) -> Markup {
    let Page { m, bundle, .. } = r;
    html! {
        h1 { "Model report: " (bundle.spec().name()) }
        p.muted {
            @let description = bundle.spec().params().description.trim();
            @if !description.is_empty() { (description) " · " }
            "graph sha256 " (m.graph.sha256) " · produced by " (m.producer)
        }
    }
}

/// A table row of header cells.
fn header_row(names: &[&str]) -> Markup {
    html! { tr { @for n in names { th { (n) } } } }
}

/// The metrics of each part, and calibration before and after.
fn metrics_table(r: &Page<'_>) -> Markup {
    let Page { s, m, training, recorded, .. } = r;
    let parts = [("train (fit rows)", &s.train), ("validation", &s.validation), ("test", &s.test)];
    let (scale, shift) = (m.calibration.map_or(f64::NAN, |c| c.scale), m.calibration.map_or(f64::NAN, |c| c.shift));
    html! {
        h2 { "Metrics" }
        table {
            (header_row(&["part", "rows", "positives", "AUC", "KS", "Gini", "Brier", "log loss", "accuracy", "ECE"]))
            @for (name, x) in parts {
                tr {
                    td { (name) } td { (x.rows) } td { (x.positives) }
                    @for v in [x.auc, x.ks, x.gini, x.brier, x.log_loss, x.accuracy, x.ece] { td { (f4(v)) } }
                }
            }
        }
        p.muted {
            "Accuracy at probability ≥ " (s.test.threshold) "; ECE over " (metrics::ECE_BINS)
            " equal-width bins. The split is the training protocol's (stratified, seed " (training.split_seed) ")."
        }
        @if let Some((lo, hi)) = s.test_auc_interval {
            p {
                "Test AUC " (f4(s.test.auc)) ", 95 % interval " (f4(lo)) "–" (f4(hi)) " (DeLong, from the test part's "
                (s.test.rows) " rows, " (s.test.positives) " positive): how far the luck of which rows fell in the test part "
                "can move it. Two models scored on the same rows are compared more finely by a paired test."
            }
        }
        @if let Some(u) = &recorded.test_uncalibrated {
            p {
                "Calibration: Platt scaling (scale " (format!("{scale:.4}")) ", shift " (format!("{shift:.4}"))
                ") fitted on the validation part and folded into the last layer. Test part before → after: ECE "
                (f4(u.ece)) " → " (f4(s.test.ece)) ", Brier " (f4(u.brier)) " → " (f4(s.test.brier))
                ", log loss " (f4(u.log_loss)) " → " (f4(s.test.log_loss)) "."
            }
        }
    }
}

/// ROC, KS, reliability and score distributions of the test part.
fn curves(r: &Page<'_>) -> Markup {
    let Page { s, m, y, p, .. } = r;
    let grey = RGBColor(150, 150, 150);
    let roc = metrics::roc(y, p);
    let ks_curve = ks_points(y, &s.test_scores);
    let rel = metrics::reliability(y, p, metrics::ECE_BINS);
    let rel_pts: Vec<(f64, f64)> = rel.iter().filter(|b| b.count > 0).map(|b| (b.mean_predicted, b.observed)).collect();
    let top = rel_pts.iter().map(|&(a, b)| a.max(b)).fold(0.05f64, f64::max).min(1.0);
    let (lo, hi) = (m.scaling.min, m.scaling.max);
    let dist = score_histograms(y, &s.test_scores, lo, hi);
    let dmax = dist.iter().flat_map(|(_, v)| v.iter().map(|p| p.1)).fold(0.01f64, f64::max);
    let charts = [
        line_chart(
            &format!("ROC (AUC {})", f4(s.test.auc)),
            "false positive rate",
            "true positive rate",
            (0.0, 1.0),
            (0.0, 1.0),
            &[("model", roc, BLUE), ("chance", vec![(0.0, 0.0), (1.0, 1.0)], grey)],
        ),
        line_chart(
            &format!("KS (max gap {})", f4(s.test.ks)),
            "score",
            "cumulative share",
            (lo, hi),
            (0.0, 1.0),
            &[("bad (positive)", ks_curve.0, RED), ("good", ks_curve.1, GREEN)],
        ),
        line_chart(
            "Score distribution by class",
            "score",
            "share of class per 10 points",
            (lo, hi),
            (0.0, dmax * 1.1),
            &[("bad (positive)", dist[0].1.clone(), RED), ("good", dist[1].1.clone(), GREEN)],
        ),
        line_chart(
            &format!("Reliability (ECE {})", f4(s.test.ece)),
            "mean predicted probability",
            "observed rate",
            (0.0, top),
            (0.0, top),
            &[("model", rel_pts, BLUE), ("perfect", vec![(0.0, 0.0), (top, top)], grey)],
        ),
    ];
    // The charts are SVG that plotters drew from numbers (its texts escaped by plotters).
    html! { h2 { "Curves (test part)" } div.grid { @for c in charts { (PreEscaped(inline(c))) } } }
}

/// Gains and lift by score decile.
fn gains_table(r: &Page<'_>) -> Markup {
    let Page { s, y, .. } = r;
    let head = ["decile", "rows", "scores", "positives", "positive rate", "cumulative share of positives", "lift"];
    html! {
        h2 { "Gains and lift by score decile (test part, riskiest first)" }
        table {
            (header_row(&head))
            @for g in gains(y, &s.test_scores) {
                tr {
                    td { (g.decile) } td { (g.rows) } td { (format!("{:.0}–{:.0}", g.min_score, g.max_score)) } td { (g.positives) }
                    td { (f4(g.rate)) } td { (f4(g.cumulative_capture)) } td { (f4(g.lift)) }
                }
            }
        }
    }
}

/// Score scaling and decision cutoffs.
fn scaling(r: &Page<'_>) -> Markup {
    let Page { m, .. } = r;
    let sc = &m.scaling;
    let steps = std::iter::successors(Some(sc.min), |v| Some(v + 50.0)).take_while(|&v| v <= sc.max + 1e-9);
    let from = |b: &advisor_core::score::Band| if b.min_score > sc.min { format!("{:.0}", b.min_score) } else { "below".into() };
    html! {
        h2 { "Score scaling and cutoffs" }
        p { (sc.base_points) " points at " (sc.base_odds) ":1 good:bad odds, " (sc.pdo) " points to double the odds, clamped to " (sc.min) "–" (sc.max) "." }
        table {
            (header_row(&["score", "probability of default", "good:bad odds"]))
            @for v in steps {
                @let pd = sc.probability(v);
                tr { td { (format!("{v:.0}")) } td { (format!("{pd:.4}")) } td { (format!("{:.1}:1", (1.0 - pd) / pd)) } }
            }
        }
        table {
            (header_row(&["band", "meaning", "from score"]))
            @for b in &m.cutoffs.bands { tr { td { (b.name) } td { (b.display.get(Lang::En)) } td { (from(b)) } } }
        }
        p {
            "Decision: approve from score " (format!("{:.1}", m.cutoffs.approve_min_score)) ", refer from "
            (format!("{:.1}", m.cutoffs.refer_min_score)) ", decline below."
        }
    }
}

/// How often each field is a reason.
fn reason_codes(r: &Page<'_>) -> Markup {
    let Page { s, bundle, .. } = r;
    let n = s.test_labels.len().max(1) as f64;
    let label = |f: &String| bundle.spec().features().find(|c| &c.name == f).map_or(f.clone(), |c| c.label(Lang::En).to_string());
    html! {
        h2 { "Reason codes (test part)" }
        table {
            (header_row(&["field", "given as a reason", "as the principal reason", "share of applicants"]))
            @for (f, given, first) in &s.reasons {
                tr { td { (label(f)) } td { (given) } td { (first) } td { (format!("{:.1}%", 100.0 * *given as f64 / n)) } }
            }
        }
    }
}

/// Approval and AUC by protected group.
fn fairness_table(r: &Page<'_>) -> Markup {
    let Page { s, .. } = r;
    let mut cols: Vec<&String> = s.fairness.iter().map(|f| &f.0).collect();
    cols.dedup();
    html! {
        h2 { "Fairness by protected group (test part)" }
        @if s.fairness.is_empty() {
            p { "The spec marks no protected column." }
        } @else {
            p {
                "Protected columns are never model inputs. Approval rate = share of the group the cutoffs approve; the ratio of the lowest to the highest group rate is flagged below 0.8 (the four-fifths rule)."
            }
            @for c in cols { (fairness_column(s, c)) }
        }
    }
}

/// What the model reveals about its training rows: the membership attack.
fn privacy(r: &Page<'_>) -> Markup {
    let a = r.s.membership;
    html! {
        h2 { "Privacy: membership inference" }
        p {
            "The model ships to every browser that opens the page, so anyone can query it. An attacker who holds a row and its label "
            "guesses that the row was trained on when the model's loss on it is low (loss-threshold attack, Yeom et al. 2018), here on "
            "the bundle's own split: " (a.members) " training rows against " (a.non_members) " test rows."
        }
        table {
            (header_row(&["attack", "AUC", "advantage (max TPR − FPR)"]))
            tr { td { "loss threshold" } td { (f4(a.auc)) } td { (f4(a.advantage)) } }
        }
        p { "An AUC of 0.5 and an advantage of 0 mean the attack learns nothing." }
        @if a.memorised() {
            p {
                strong.flag { "Flagged: " }
                "the attack clearly works (an AUC of 0.6 or more, beyond what chance gives with these row counts). "
                (privacy_advice(r)) "; differential privacy bounds what it reveals."
            }
        }
        (dp_text(r.training.privacy.as_ref()))
    }
}

/// What makes the shipped model reveal less, as `fit` advises ([`checks::revealing_less`]),
/// capitalised; for a model `fit` did not choose (imported), the general advice.
fn privacy_advice(r: &Page<'_>) -> String {
    let shipped = r.training.model.as_ref().and_then(|m| Family::by_name(&m.shipped));
    let advice = shipped.map_or("fewer features or more regularisation make it reveal less", checks::revealing_less);
    advice[..1].to_uppercase() + &advice[1..]
}

/// Data checks, as `fit` makes them ([`checks`]): rows of each class, and test rows that
/// copy training rows, against chance.
fn data_checks(r: &Page<'_>) -> Markup {
    let (classes, copies, test_rows) = (r.s.classes, r.s.copies, r.y.len());
    let flags: Vec<String> = checks::few_rows(classes)
        .into_iter()
        .chain(checks::chance_on_test(r.s.test.auc, r.s.test_auc_interval))
        .chain(copies.warning(test_rows))
        .collect();
    html! {
        h2 { "Data checks" }
        table {
            (header_row(&["check", "found", "for comparison"]))
            tr { td { "rows of each label value (0 / 1) in the file" } td { (classes[0]) " / " (classes[1]) } td { "fewer than " (checks::FEW_CLASS_ROWS) " of either is flagged" } }
            tr {
                td { "test rows that are exact copies of a training row (every feature and the label)" }
                td { (copies.found) " of " (test_rows) }
                td { (format!("{:.1}", copies.by_chance)) " by chance (each column shuffled on its own)" }
            }
        }
        @for flag in &flags { p { strong.flag { "Flagged: " } (flag) } }
        @if flags.is_empty() { p { "Nothing flagged." } }
    }
}

/// The differential privacy the network was trained with, and what it covers; or that none is
/// claimed.
fn dp_text(dp: Option<&PrivacyRecord>) -> Markup {
    let Some(dp) = dp else {
        return html! { p { "This bundle was not trained with differential privacy, so no bound is claimed." } };
    };
    html! {
        p {
            "The network was trained with DP-SGD: (ε = " (format!("{:.3}", dp.epsilon)) ", δ = " (format!("{:.1e}", dp.delta)) ")-differential privacy by "
            (dp.accountant) "; each example's gradient clipped to norm " (dp.clip) ", Gaussian noise of multiplier " (format!("{:.3}", dp.noise_multiplier))
            ", Poisson sampling at rate " (format!("{:.5}", dp.sampling_rate)) ", " (dp.steps) " steps (" (dp.epochs) " epochs) over " (dp.rows) " rows."
            @if dp.count_releases > 0 {
                " The same budget covers " (dp.count_releases) " noisy counts per row of the training part (Gaussian noise of "
                (format!("{:.1}", dp.count_noise)) " rows each) and one per test row (noise of " (format!("{:.1}", dp.test_count_noise))
                " rows), from which everything else in the bundle is computed; its metrics are therefore noisy too."
            }
        }
        p { "It covers " (dp.covers) ". It does not cover:" }
        ul { @for x in &dp.not_covered { li { (x) } } }
    }
}

/// One protected column's groups, and its lowest / highest approval rate.
fn fairness_column(s: &Summary, c: &str) -> Markup {
    let rows: Vec<_> = s.fairness.iter().filter(|f| f.0 == c).collect();
    let rates: Vec<f64> = rows.iter().map(|f| f.3).collect();
    let (mn, mx) = (rates.iter().copied().fold(f64::INFINITY, f64::min), rates.iter().copied().fold(0.0, f64::max));
    let ratio = if mx > 0.0 { mn / mx } else { f64::NAN };
    html! {
        h3 { (c) }
        table {
            (header_row(&["group", "rows", "approval rate", "AUC"]))
            @for f in rows { tr { td { (f.1) } td { (f.2) } td { (f4(f.3)) } td { (f4(f.4)) } } }
        }
        p { "Lowest / highest approval rate: " (f4(ratio)) @if ratio < 0.8 { " " strong.flag { "below 0.8" } } }
    }
}

/// The stability baseline.
fn stability(r: &Page<'_>) -> Markup {
    let Page { s, m, .. } = r;
    let Some(b) = &m.stability else {
        return html! { h2 { "Stability baseline" } p { "This bundle has no stability baseline." } };
    };
    let bin = |i: usize| {
        let from = if i == 0 { "below".into() } else { format!("{:.1}", b.edges[i - 1]) };
        let to = b.edges.get(i).map_or("and above".into(), |e| format!("to {e:.1}"));
        format!("{from} {to}")
    };
    let psi = s.psi_test.unwrap_or(f64::NAN);
    html! {
        h2 { "Stability baseline" }
        p {
            "The training part's score distribution, stored in the bundle. " code { "advisor-train psi --model DIR --data CSV" }
            " compares a later sample: PSI < 0.10 stable, 0.10–0.25 some shift, ≥ 0.25 major shift."
        }
        table {
            (header_row(&["score bin", "training share"]))
            @for (i, share) in b.shares.iter().enumerate() { tr { td { (bin(i)) } td { (format!("{share:.4}")) } } }
        }
        p { "PSI of the test part: " (f4(psi)) " (" (advisor_core::stability::psi_band(s.psi_test.unwrap_or(0.0))) ")." }
    }
}

/// "N trees, M leaves" from the trees' recorded settings.
fn trees_summary(training: &TrainingRecord) -> String {
    // A blend records the trees' settings under `trees`, beside the network's.
    let t = training.network.get("trees").filter(|v| v.is_object()).unwrap_or(&training.network);
    let n = |k: &str| t.get(k).and_then(serde_json::Value::as_u64).unwrap_or(0);
    format!("{} trees, {} leaves", n("trees"), n("leaves"))
}

/// The model card.
fn model_card(r: &Page<'_>) -> Markup {
    let Page { m, training, data_sha, data_rows, data, .. } = r;
    let file = data.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
    let same = if m.data.sha256 == **data_sha { ", the same file" } else { "; this report uses other data" };
    let calibration = match (&m.calibration, m.imported().ok().flatten()) {
        (Some(_), _) => "Probabilities are calibrated on the validation part",
        (None, Some(_)) => "Probabilities are the imported model's own (the calibration section shows how well they match)",
        (None, None) => "Probabilities are not calibrated (the bundle was fitted without calibration)",
    };
    html! {
        h2 { "Model card" }
        dl {
            dt { "Data" }
            dd { (file) " — " (data_rows) " rows, sha256 " (data_sha) " (the bundle was trained on " (m.data.file) ", sha256 " (m.data.sha256) (same) ")" }
            dt { "Model" }
            dd { (model_text(r)) }
            @if let Some(choice) = &training.model {
                dt { "Model family" }
                dd {
                    "Asked for " code { (choice.asked) } ", shipped " code { (choice.shipped) } "; chosen on the validation part only:"
                    table {
                        (header_row(&["candidate", "validation AUC", "validation log loss", "epochs or trees chosen", "run"]))
                        @for c in &choice.candidates {
                            tr { td { (c.family) } td { (f4(c.validation_auc)) } td { (f4(c.validation_log_loss)) } td { (c.chosen) } td { (c.run) } }
                        }
                    }
                }
            }
            dt { "Training settings" }
            dd { pre { (serde_json::to_string_pretty(m.training.json()).unwrap_or_default()) } }
            dt { "Intended use" }
            dd { "Pre-screening and self-assessment: an applicant checks, on their own device, how a lender using this model would likely see an application, why, and what would improve it. A lender's final decision needs its own review, data checks and the applicable adverse-action notices." }
            dt { "Limitations" }
            dd { "Trained on one historical dataset: it reflects that population, period and its labels, and may not transfer to others (watch the PSI). Protected attributes are excluded as inputs, but other inputs may correlate with them: check the fairness section on each new population. " (calibration) "; small groups and scores far from the training range are less reliable. Reason codes and what-if advice describe this model, not causes." }
        }
    }
}

/// What the model is, by how it was made: imported, a blend, trees or a network.
fn model_text(r: &Page<'_>) -> Markup {
    let Page { m, training, bundle, .. } = r;
    let crosses: Vec<String> =
        m.preprocessing.crosses.iter().map(|x| format!("{} × {} ({} pairs)", x.columns[0], x.columns[1], x.kept.len())).collect();
    let members = training.members;
    let ensemble = if members > 1 { format!(" (the mean logit of {members} networks)") } else { String::new() };
    let crosses = if crosses.is_empty() { String::new() } else { format!("; crosses: {}", crosses.join(", ")) };
    let positive = bundle.spec().label().positive.as_deref().unwrap_or("");
    let shipped = training.model.as_ref().map_or("mlp", |c| c.shipped.as_str());
    let monotone: Vec<String> =
        bundle.spec().features().filter_map(|c| c.monotone.map(|d| format!("{} ({})", c.name, format!("{d:?}").to_lowercase()))).collect();
    let monotone = if monotone.is_empty() { String::new() } else { format!("; held monotone: {}", monotone.join(", ")) };
    html! {
        @if let Some(imported) = m.imported().ok().flatten() {
            "Imported from " code { (imported.file) } " (" (imported.producer) "): " (imported.model)
            ", run as shipped on the raw inputs; the probability of the positive class (the label's "
            code { (positive) } ") is its output " code { (m.graph.output) } ". The figures here are on the file given to "
            code { "import" } ": where the model was trained on some of its rows, they are optimistic."
        } @else if shipped == "blend" {
            "A blend: the mean of the logits of a dense network" (ensemble) " on the preprocessed inputs and of gradient-boosted trees ("
            (trees_summary(training)) ") on the raw inputs, in one graph; probability of the positive class (the label's "
            code { (positive) } ")."
        } @else if shipped == "gbdt" {
            "Gradient-boosted trees (" (trees_summary(training)) ") on the raw inputs: each split learnt where missing values go, and "
            "categories split as subsets" (monotone) "; probability of the positive class (the label's " code { (positive) } ")."
        } @else {
            "Dense network" (ensemble) " on the preprocessed inputs (" (format!("{:?}", m.preprocessing.encoding).to_lowercase()) " encoding"
            (crosses) "), probability of the positive class (the label's " code { (positive) } ")."
            @if let Some(dp) = &training.privacy {
                " Trained with DP-SGD to ε = " (format!("{:.3}", dp.epsilon)) ", δ = " (format!("{:.1e}", dp.delta)) " (what that covers: Privacy, below)."
            }
        }
    }
}

const CSS: &str = "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#1a1a1a;line-height:1.45}table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #bbb;padding:.25rem .6rem;text-align:right}th{background:#f0f2f5}td:first-child,th:first-child{text-align:left}.muted{color:#555}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:1rem}.flag{color:#b00020}pre{white-space:pre-wrap;font-size:.85rem}dt{font-weight:600;margin-top:.6rem}";

type Curve = Vec<(f64, f64)>;

/// Cumulative share of each class at or below each score: (bad, good) curves.
fn ks_points(y: &[u8], scores: &[f64]) -> (Curve, Curve) {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let pos = y.iter().filter(|&&v| v == 1).count().max(1) as f64;
    let neg = (y.len() as f64 - y.iter().filter(|&&v| v == 1).count() as f64).max(1.0);
    let (mut cp, mut cn) = (0.0, 0.0);
    let (mut bad, mut good) = (vec![], vec![]);
    for &i in &idx {
        if y[i] == 1 {
            cp += 1.0
        } else {
            cn += 1.0
        }
        bad.push((scores[i], cp / pos));
        good.push((scores[i], cn / neg));
    }
    (bad, good)
}

/// Share of each class per 10-point score bin: [(class, points)] for bad then good.
fn score_histograms(y: &[u8], scores: &[f64], lo: f64, hi: f64) -> Vec<(&'static str, Vec<(f64, f64)>)> {
    let bins = ((hi - lo) / 10.0).ceil().max(1.0) as usize;
    let mut counts = [vec![0.0; bins], vec![0.0; bins]];
    for (&v, &s) in y.iter().zip(scores) {
        let b = (((s - lo) / 10.0) as usize).min(bins - 1);
        counts[usize::from(v == 0)][b] += 1.0;
    }
    ["bad", "good"]
        .iter()
        .zip(counts)
        .map(|(&name, c)| {
            let total: f64 = c.iter().sum::<f64>().max(1.0);
            (name, c.iter().enumerate().map(|(b, &n)| (lo + 10.0 * b as f64 + 5.0, n / total)).collect())
        })
        .collect()
}

/// One decile of the gains table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Gain {
    pub decile: usize,
    pub rows: usize,
    pub min_score: f64,
    pub max_score: f64,
    pub positives: usize,
    pub rate: f64,
    pub cumulative_capture: f64,
    pub lift: f64,
}

/// Deciles by score, lowest (riskiest) first: positives captured and lift over the base rate.
pub fn gains(y: &[u8], scores: &[f64]) -> Vec<Gain> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let total_pos = y.iter().filter(|&&v| v == 1).count().max(1) as f64;
    let base = total_pos / y.len().max(1) as f64;
    let mut out = vec![];
    let mut captured = 0.0;
    for d in 0..10 {
        let part = &idx[d * idx.len() / 10..(d + 1) * idx.len() / 10];
        if part.is_empty() {
            continue;
        }
        let pos = part.iter().filter(|&&i| y[i] == 1).count();
        captured += pos as f64;
        let rate = pos as f64 / part.len() as f64;
        out.push(Gain {
            decile: d + 1,
            rows: part.len(),
            min_score: scores[part[0]],
            max_score: scores[*part.last().expect("non-empty")],
            positives: pos,
            rate,
            cumulative_capture: captured / total_pos,
            lift: if base > 0.0 { rate / base } else { f64::NAN },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_inline_svg_with_text() {
        let svg = line_chart("ROC", "FPR", "TPR", (0.0, 1.0), (0.0, 1.0), &[("model", vec![(0.0, 0.0), (0.3, 0.8), (1.0, 1.0)], BLUE)]);
        assert!(svg.starts_with("<svg") && svg.contains("<text") && svg.contains("ROC"), "{}", &svg[..200.min(svg.len())]);
    }
}
