//! The model report: one self-contained HTML file (inline SVG drawn with plotters, no external
//! reference) that a model-risk team reads: metrics, curves, calibration, gains, scaling,
//! reason codes, fairness by protected group, stability baseline and a model card.

use std::path::Path;

use advisor_core::advisor::Advisor;
use advisor_core::bundle::{Bundle, Manifest, MetricsRecord, TrainingRecord};
use advisor_core::lang::Lang;
use advisor_core::metrics::{self, Metrics};
use advisor_core::score::Decision;
use plotters::prelude::*;
use serde::Serialize;

use advisor_core::matrix::Matrix;
use advisor_core::schema::Spec;

use crate::bundle_dir;
use crate::data::Dataset;
use crate::error::{Error, Result};

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
    /// PSI of the test part against the bundle's training baseline.
    pub psi_test: Option<f64>,
    /// Reason code frequencies on the test part: (field, times given, times principal).
    pub reasons: Vec<ReasonCount>,
    /// Per protected column: (column, group, rows, approval rate, AUC).
    pub fairness: Vec<Fairness>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
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
    let summary = Summary {
        train,
        validation,
        test,
        test_probabilities: p_test.clone(),
        test_labels: y_test.clone(),
        test_scores: s_test.clone(),
        psi_test,
        reasons,
        fairness,
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
    let mut h = String::new();
    for section in [head, metrics_table, curves, gains_table, scaling, reason_codes, fairness_table, stability, model_card] {
        section(&mut h, &page)?;
    }
    h.push_str("</body></html>");
    Ok(h)
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

/// The page head and title.
fn head(h: &mut String, r: &Page<'_>) -> Result<()> {
    let Page { m, bundle, .. } = r;
    h.push_str(&format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Model report — {}</title><style>{}</style></head><body>",
        esc(bundle.spec().name()),
        CSS
    ));
    h.push_str(&format!(
        "<h1>Model report: {}</h1><p class=\"muted\">{} · graph sha256 {} · produced by {}</p>",
        esc(bundle.spec().name()),
        esc(&bundle.spec().params().description),
        esc(&m.graph.sha256),
        esc(&m.producer)
    ));
    Ok(())
}

/// The metrics of each part, and calibration before and after.
fn metrics_table(h: &mut String, r: &Page<'_>) -> Result<()> {
    let Page { s, m, training, recorded, .. } = r;
    // Metrics.
    h.push_str("<h2>Metrics</h2><table><tr><th>part</th><th>rows</th><th>positives</th><th>AUC</th><th>KS</th><th>Gini</th><th>Brier</th><th>log loss</th><th>accuracy</th><th>ECE</th></tr>");
    for (name, x) in [("train (fit rows)", &s.train), ("validation", &s.validation), ("test", &s.test)] {
        h.push_str(&format!(
            "<tr><td>{name}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            x.rows,
            x.positives,
            f4(x.auc),
            f4(x.ks),
            f4(x.gini),
            f4(x.brier),
            f4(x.log_loss),
            f4(x.accuracy),
            f4(x.ece)
        ));
    }
    h.push_str(&format!("</table><p class=\"muted\">Accuracy at probability ≥ {}; ECE over {} equal-width bins. The split is the training protocol's (stratified, seed {}).</p>",
        s.test.threshold, metrics::ECE_BINS, training.split_seed));
    if let Some(u) = &recorded.test_uncalibrated {
        h.push_str(&format!("<p>Calibration: Platt scaling (scale {:.4}, shift {:.4}) fitted on the validation part and folded into the last layer. Test part before → after: ECE {} → {}, Brier {} → {}, log loss {} → {}.</p>",
            m.calibration.map_or(f64::NAN, |c| c.scale), m.calibration.map_or(f64::NAN, |c| c.shift),
            f4(u.ece), f4(s.test.ece), f4(u.brier), f4(s.test.brier), f4(u.log_loss), f4(s.test.log_loss)));
    }

    Ok(())
}

/// ROC, KS, reliability and score distributions of the test part.
fn curves(h: &mut String, r: &Page<'_>) -> Result<()> {
    let Page { s, m, y, p, .. } = r;
    // Curves.
    let roc = metrics::roc(y, p);
    let ks_curve = ks_points(y, &s.test_scores);
    let rel = metrics::reliability(y, p, metrics::ECE_BINS);
    let rel_pts: Vec<(f64, f64)> = rel.iter().filter(|b| b.count > 0).map(|b| (b.mean_predicted, b.observed)).collect();
    let top = rel_pts.iter().map(|&(a, b)| a.max(b)).fold(0.05f64, f64::max).min(1.0);
    let (lo, hi) = (m.scaling.min, m.scaling.max);
    let dist = score_histograms(y, &s.test_scores, lo, hi);
    let dmax = dist.iter().flat_map(|(_, v)| v.iter().map(|p| p.1)).fold(0.01f64, f64::max);
    h.push_str("<h2>Curves (test part)</h2><div class=\"grid\">");
    h.push_str(&inline(line_chart(
        &format!("ROC (AUC {})", f4(s.test.auc)),
        "false positive rate",
        "true positive rate",
        (0.0, 1.0),
        (0.0, 1.0),
        &[("model", roc, BLUE), ("chance", vec![(0.0, 0.0), (1.0, 1.0)], RGBColor(150, 150, 150))],
    )));
    h.push_str(&inline(line_chart(
        &format!("KS (max gap {})", f4(s.test.ks)),
        "score",
        "cumulative share",
        (lo, hi),
        (0.0, 1.0),
        &[("bad (positive)", ks_curve.0, RED), ("good", ks_curve.1, GREEN)],
    )));
    h.push_str(&inline(line_chart(
        "Score distribution by class",
        "score",
        "share of class per 10 points",
        (lo, hi),
        (0.0, dmax * 1.1),
        &[("bad (positive)", dist[0].1.clone(), RED), ("good", dist[1].1.clone(), GREEN)],
    )));
    h.push_str(&inline(line_chart(
        &format!("Reliability (ECE {})", f4(s.test.ece)),
        "mean predicted probability",
        "observed rate",
        (0.0, top),
        (0.0, top),
        &[("model", rel_pts, BLUE), ("perfect", vec![(0.0, 0.0), (top, top)], RGBColor(150, 150, 150))],
    )));
    h.push_str("</div>");

    Ok(())
}

/// Gains and lift by score decile.
fn gains_table(h: &mut String, r: &Page<'_>) -> Result<()> {
    let Page { s, y, .. } = r;
    // Gains.
    h.push_str("<h2>Gains and lift by score decile (test part, riskiest first)</h2><table><tr><th>decile</th><th>rows</th><th>scores</th><th>positives</th><th>positive rate</th><th>cumulative share of positives</th><th>lift</th></tr>");
    for g in gains(y, &s.test_scores) {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{:.0}–{:.0}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            g.decile,
            g.rows,
            g.min_score,
            g.max_score,
            g.positives,
            f4(g.rate),
            f4(g.cumulative_capture),
            f4(g.lift)
        ));
    }
    h.push_str("</table>");

    Ok(())
}

/// Score scaling and decision cutoffs.
fn scaling(h: &mut String, r: &Page<'_>) -> Result<()> {
    let Page { m, .. } = r;
    // Scaling and cutoffs.
    h.push_str(&format!("<h2>Score scaling and cutoffs</h2><p>{} points at {}:1 good:bad odds, {} points to double the odds, clamped to {}–{}.</p><table><tr><th>score</th><th>probability of default</th><th>good:bad odds</th></tr>",
        m.scaling.base_points, m.scaling.base_odds, m.scaling.pdo, m.scaling.min, m.scaling.max));
    let mut sc = m.scaling.min;
    while sc <= m.scaling.max + 1e-9 {
        let pd = m.scaling.probability(sc);
        h.push_str(&format!("<tr><td>{sc:.0}</td><td>{pd:.4}</td><td>{:.1}:1</td></tr>", (1.0 - pd) / pd));
        sc += 50.0;
    }
    h.push_str("</table><table><tr><th>band</th><th>meaning</th><th>from score</th></tr>");
    for b in &m.cutoffs.bands {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&b.name),
            esc(b.display.get(Lang::En)),
            if b.min_score > m.scaling.min { format!("{:.0}", b.min_score) } else { "below".into() }
        ));
    }
    h.push_str(&format!(
        "</table><p>Decision: approve from score {:.1}, refer from {:.1}, decline below.</p>",
        m.cutoffs.approve_min_score, m.cutoffs.refer_min_score
    ));

    Ok(())
}

/// How often each field is a reason.
fn reason_codes(h: &mut String, r: &Page<'_>) -> Result<()> {
    let Page { s, bundle, .. } = r;
    // Reasons.
    h.push_str("<h2>Reason codes (test part)</h2><table><tr><th>field</th><th>given as a reason</th><th>as the principal reason</th><th>share of applicants</th></tr>");
    let n = s.test_labels.len().max(1) as f64;
    for (f, given, first) in &s.reasons {
        let label = bundle.spec().features().find(|c| &c.name == f).map_or(f.clone(), |c| c.label(Lang::En).to_string());
        h.push_str(&format!("<tr><td>{}</td><td>{given}</td><td>{first}</td><td>{:.1}%</td></tr>", esc(&label), 100.0 * *given as f64 / n));
    }
    h.push_str("</table>");

    Ok(())
}

/// Approval and AUC by protected group.
fn fairness_table(h: &mut String, r: &Page<'_>) -> Result<()> {
    let Page { s, .. } = r;
    // Fairness.
    h.push_str("<h2>Fairness by protected group (test part)</h2>");
    if s.fairness.is_empty() {
        h.push_str("<p>The spec marks no protected column.</p>");
    } else {
        h.push_str("<p>Protected columns are never model inputs. Approval rate = share of the group the cutoffs approve; the ratio of the lowest to the highest group rate is flagged below 0.8 (the four-fifths rule).</p>");
        let mut cols: Vec<&String> = s.fairness.iter().map(|f| &f.0).collect();
        cols.dedup();
        for c in cols {
            let rows: Vec<_> = s.fairness.iter().filter(|f| &f.0 == c).collect();
            let rates: Vec<f64> = rows.iter().map(|f| f.3).collect();
            let (mn, mx) = (rates.iter().copied().fold(f64::INFINITY, f64::min), rates.iter().copied().fold(0.0, f64::max));
            let ratio = if mx > 0.0 { mn / mx } else { f64::NAN };
            let flag = if ratio < 0.8 { " <strong class=\"flag\">below 0.8</strong>" } else { "" };
            h.push_str(&format!("<h3>{}</h3><table><tr><th>group</th><th>rows</th><th>approval rate</th><th>AUC</th></tr>", esc(c)));
            for f in rows {
                h.push_str(&format!("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", esc(&f.1), f.2, f4(f.3), f4(f.4)));
            }
            h.push_str(&format!("</table><p>Lowest / highest approval rate: {}{flag}</p>", f4(ratio)));
        }
    }

    Ok(())
}

/// The stability baseline.
fn stability(h: &mut String, r: &Page<'_>) -> Result<()> {
    let Page { s, m, .. } = r;
    // Stability.
    h.push_str("<h2>Stability baseline</h2>");
    match &m.stability {
        Some(b) => {
            h.push_str("<p>The training part's score distribution, stored in the bundle. <code>advisor-train psi --model DIR --data CSV</code> compares a later sample: PSI &lt; 0.10 stable, 0.10–0.25 some shift, ≥ 0.25 major shift.</p><table><tr><th>score bin</th><th>training share</th></tr>");
            for (i, share) in b.shares.iter().enumerate() {
                let from = if i == 0 { "below".into() } else { format!("{:.1}", b.edges[i - 1]) };
                let to = b.edges.get(i).map_or("and above".into(), |e| format!("to {e:.1}"));
                h.push_str(&format!("<tr><td>{from} {to}</td><td>{:.4}</td></tr>", share));
            }
            h.push_str(&format!(
                "</table><p>PSI of the test part: {} ({}).</p>",
                f4(s.psi_test.unwrap_or(f64::NAN)),
                advisor_core::stability::psi_band(s.psi_test.unwrap_or(0.0))
            ));
        }
        None => h.push_str("<p>This bundle has no stability baseline.</p>"),
    }

    Ok(())
}

/// The model card.
fn model_card(h: &mut String, r: &Page<'_>) -> Result<()> {
    let Page { m, training, data_sha, data_rows, data, bundle, .. } = r;
    // Model card.
    let file = data.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
    h.push_str(&format!(
        "<h2>Model card</h2><dl><dt>Data</dt><dd>{} — {} rows, sha256 {} (the bundle was trained on {}, sha256 {}{})</dd>",
        esc(&file),
        data_rows,
        esc(data_sha),
        esc(&m.data.file),
        esc(&m.data.sha256),
        if m.data.sha256 == **data_sha { ", the same file" } else { "; this report uses other data" }
    ));
    let crosses: Vec<String> =
        m.preprocessing.crosses.iter().map(|x| format!("{} × {} ({} pairs)", x.columns[0], x.columns[1], x.kept.len())).collect();
    let members = training.members;
    h.push_str(&format!("<dt>Model</dt><dd>Dense network{} on the preprocessed inputs ({} encoding{}), probability of the positive class (the label's <code>{}</code>).</dd>",
        if members > 1 { format!(" (the mean logit of {members} networks)") } else { String::new() },
        esc(&format!("{:?}", m.preprocessing.encoding).to_lowercase()),
        if crosses.is_empty() { String::new() } else { esc(&format!("; crosses: {}", crosses.join(", "))) },
        esc(bundle.spec().label().positive.as_deref().unwrap_or(""))));
    h.push_str(&format!(
        "<dt>Training settings</dt><dd><pre>{}</pre></dd>",
        esc(&serde_json::to_string_pretty(m.training.json()).unwrap_or_default())
    ));
    h.push_str("<dt>Intended use</dt><dd>Pre-screening and self-assessment: an applicant checks, on their own device, how a lender using this model would likely see an application, why, and what would improve it. A lender's final decision needs its own review, data checks and the applicable adverse-action notices.</dd>");
    h.push_str("<dt>Limitations</dt><dd>Trained on one historical dataset: it reflects that population, period and its labels, and may not transfer to others (watch the PSI). Protected attributes are excluded as inputs, but other inputs may correlate with them: check the fairness section on each new population. Probabilities are calibrated on the validation part; small groups and scores far from the training range are less reliable. Reason codes and what-if advice describe this model, not causes.</dd></dl>");
    Ok(())
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
