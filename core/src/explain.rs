//! Reason codes: the principal factors that lowered an applicant's score, among the factors the
//! model actually scored (as adverse-action notices under US Regulation B require).
//!
//! Method ("points below the best value"): for each feature, a reference value is fixed once per
//! bundle — the value, among the values where the encoding can change the score, that gives the
//! lowest risk for an otherwise ideal applicant. An applicant's factor costs the points the score
//! would gain if only that feature took its reference value; the factors that cost the most
//! points are the reasons. All counterfactual rows are scored in one batch through the bundle's
//! own runtime (a network's through its first layer: whole rows' figures to float rounding,
//! ≤ 1e-6 in probability), so reasons are the shipped model's own, not another model's
//! approximation of it.

use serde::Serialize;

use crate::applicant::display_value;
use crate::bundle::Bundle;
use crate::error::Result;
use crate::lang::Lang;
use crate::matrix::Matrix;
use crate::preprocess::{InputTransform, Piece};
use crate::schema::ColumnSpec;

/// Most reasons given (Regulation B's commentary: more than four is not helpful).
pub const MAX_REASONS: usize = 4;
/// A factor costing fewer points than this is not given as a reason.
pub const MIN_POINTS: f64 = 0.5;
/// Most values (candidate rows × inputs) fixing the references may score: bounds the work a
/// hostile bundle can ask for at load time.
pub const MAX_REFERENCE_VALUES: usize = 1 << 24;

/// One adverse factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// The field's position among the model's inputs.
    #[serde(skip)]
    pub input: usize,
    /// The field name.
    pub field: String,
    /// The field's display name.
    pub label: String,
    /// The applicant's value, as displayed.
    pub value: String,
    /// Score points this factor cost.
    pub points: f64,
    /// `label: value`, ready to show.
    pub text: String,
}

/// An applicant's probability and reasons.
pub type Explained = (f64, Vec<Reason>);

/// Per-bundle reference values and the candidate values of each feature.
#[derive(Debug, Clone)]
pub struct Explainer {
    candidates: Vec<Vec<f32>>,
    /// The reference values, fixed when first needed: scoring the candidates was a third of
    /// the scorer's cold load in Chromium, and the form needs none of it.
    best: std::sync::OnceLock<Vec<f32>>,
}

/// Values worth trying for a feature: every category code, or for a number the points where its
/// encoding bends (piece ends), inside the spec's bounds, plus the imputed value.
pub fn candidates(col: &ColumnSpec, t: &InputTransform) -> Vec<f32> {
    match t {
        // Not against a value advice may not suggest ("no account", "unknown"), unless every
        // category is one.
        InputTransform::Categorical { n_codes, .. } => {
            let all: Vec<f32> = (0..*n_codes).map(|c| c as f32).collect();
            let advisable: Vec<f32> = all.iter().copied().filter(|&c| col.advisable(c)).collect();
            if advisable.is_empty() {
                all
            } else {
                advisable
            }
        }
        InputTransform::Numeric { impute, pieces, .. } => {
            let mut v = vec![*impute];
            v.extend(pieces.iter().filter(|p| p.scale.is_finite()).filter_map(Piece::ends).flatten());
            let (lo, hi) = (col.min.unwrap_or(f64::MIN) as f32, col.max.unwrap_or(f64::MAX) as f32);
            let mut v: Vec<f32> = v
                .into_iter()
                .filter(|x| x.is_finite())
                .map(|x| x.clamp(lo, hi))
                .map(|x| if col.integer { x.round().clamp(lo.ceil(), hi.floor()) } else { x })
                .collect();
            v.sort_by(f32::total_cmp);
            v.dedup();
            v
        }
    }
}

impl Explainer {
    /// Each feature's candidate values, checked against [`MAX_REFERENCE_VALUES`]; the
    /// references are fixed on first use ([`Self::reference`]).
    pub fn new(bundle: &Bundle) -> Result<Self> {
        let pre = &bundle.manifest().preprocessing;
        let candidates: Vec<Vec<f32>> = bundle.spec().features().zip(&pre.inputs).map(|(c, t)| candidates(c, t)).collect();
        let (n, total) = (candidates.len(), candidates.iter().map(Vec::len).sum::<usize>());
        if total.saturating_mul(n) > MAX_REFERENCE_VALUES {
            return Err(crate::Error::Bundle(format!(
                "{total} candidate values over {n} inputs is too many to fix reason-code references"
            )));
        }
        Ok(Self { candidates, best: Default::default() })
    }

    /// The reference (lowest-risk) value of each feature of `bundle` (the bundle this
    /// explainer was made for), fixed the first time: starting from the imputed/first values,
    /// two rounds of setting each feature to its lowest-risk candidate given the others.
    pub fn reference(&self, bundle: &Bundle) -> Result<&[f32]> {
        if let Some(best) = self.best.get() {
            return Ok(best);
        }
        let best = self.fix_references(bundle)?;
        Ok(self.best.get_or_init(|| best))
    }

    fn fix_references(&self, bundle: &Bundle) -> Result<Vec<f32>> {
        let (candidates, n) = (&self.candidates, self.candidates.len());
        let mut best: Vec<f32> = candidates
            .iter()
            .zip(&bundle.manifest().preprocessing.inputs)
            .map(|(c, t)| match t {
                InputTransform::Numeric { impute, .. } => *impute,
                InputTransform::Categorical { .. } => c.first().copied().unwrap_or(0.0),
            })
            .collect();
        for _round in 0..2 {
            let mut rows = Matrix::with_capacity(candidates.iter().map(Vec::len).sum(), n);
            for (i, cands) in candidates.iter().enumerate() {
                for &c in cands {
                    let mut r = best.clone();
                    r[i] = c;
                    rows.push_row(&r);
                }
            }
            let p = bundle.predict(&rows)?;
            let mut at = 0;
            for (i, cands) in candidates.iter().enumerate() {
                let slice = &p[at..at + cands.len()];
                if let Some((j, _)) = slice.iter().enumerate().min_by(|a, b| a.1.total_cmp(b.1)) {
                    best[i] = cands[j];
                }
                at += cands.len();
            }
        }
        Ok(best)
    }

    /// The candidate values of feature `i`.
    pub fn candidates(&self, i: usize) -> &[f32] {
        &self.candidates[i]
    }

    /// The applicant's probability (raw row `raw`) and up to [`MAX_REASONS`] factors that cost
    /// the most points, largest first. The row and its counterfactuals are scored in one batch.
    pub fn explain(&self, bundle: &Bundle, raw: &[f32], lang: Lang) -> Result<Explained> {
        let mut rows = Matrix::with_capacity(1, raw.len());
        rows.push_row(raw);
        let mut one = self.explain_rows(bundle, &rows, lang)?;
        one.pop().ok_or_else(|| crate::Error::Input("no row to explain".into()))
    }

    /// [`Explainer::explain`] for many applicants at once: the rows and their counterfactuals
    /// (each one feature at its reference) go through the runtime together
    /// ([`crate::runtime::Runtime::predict_variants`]).
    pub fn explain_rows(&self, bundle: &Bundle, raw: &Matrix, lang: Lang) -> Result<Vec<Explained>> {
        let best = self.reference(bundle)?;
        let n = best.len();
        if raw.cols() != n {
            return Err(crate::Error::Input(format!("a row of {} values where the model takes {n}", raw.cols())));
        }
        let mut variants = Vec::with_capacity(raw.rows() * n);
        let mut changed: Vec<Vec<usize>> = Vec::with_capacity(raw.rows());
        for (r, row) in raw.iter_rows().enumerate() {
            let which: Vec<usize> = (0..n).filter(|&i| row[i] != best[i]).collect();
            variants.extend(which.iter().map(|&i| (r, i, best[i])));
            changed.push(which);
        }
        let all = bundle.runtime().predict_variants(raw, &variants)?;
        let (probs, all) = all.split_at(raw.rows());
        let mut at = 0;
        let mut out = Vec::with_capacity(raw.rows());
        for ((row, which), &p) in raw.iter_rows().zip(changed).zip(probs) {
            let q = &all[at..at + which.len()];
            at += which.len();
            out.push((p as f64, self.reasons(bundle, row, p as f64, &which, q, lang)));
        }
        Ok(out)
    }

    /// The reasons of one applicant (raw row `raw`, probability `p`) from the probabilities of
    /// its counterfactuals (`probs[k]`: feature `which[k]` at its reference value).
    fn reasons(&self, bundle: &Bundle, raw: &[f32], p: f64, which: &[usize], probs: &[f32], lang: Lang) -> Vec<Reason> {
        let scaling = &bundle.manifest().scaling;
        let mut costs: Vec<(usize, f64)> = which
            .iter()
            .zip(probs)
            .map(|(&i, &q)| (i, scaling.points_between(p, q as f64)))
            .filter(|&(_, pts)| pts >= MIN_POINTS)
            .collect();
        costs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let features: Vec<&ColumnSpec> = bundle.spec().features().collect();
        costs
            .into_iter()
            .take(MAX_REASONS)
            .map(|(i, points)| {
                let col = features[i];
                let label = col.label(lang).to_string();
                let value = display_value(col, raw[i], lang);
                let sep = crate::lang::messages::LABEL_SEP.get(lang);
                Reason {
                    input: i,
                    field: col.name.clone(),
                    text: format!("{label}{sep}{value}"),
                    label,
                    value,
                    points: (points * 10.0).round() / 10.0,
                }
            })
            .collect()
    }
}
