//! The advisor: a verified bundle with its explainer. This is what the browser build and the
//! native tools call: the form schema, one applicant's report, what-if advice, batch scores.

use serde::Serialize;

use crate::applicant::{self, Value};
use crate::bundle::Bundle;
use crate::error::Result;
use crate::explain::{Explainer, Reason};
use crate::lang::{messages as m, Lang};
use crate::matrix::Matrix;
use crate::preprocess::InputTransform;
use crate::schema::{ColumnType, Direction, Text};
use crate::score::Decision;
use crate::whatif::{self, WhatIf};

/// A band as reported to a person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandView {
    pub name: String,
    pub label: String,
    pub min_score: f64,
}

/// Something about the input a person should know; the score is still given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    pub field: String,
    /// `NOT_GIVEN` or `OUTSIDE_TRAINING_RANGE`.
    pub code: &'static str,
    pub message: String,
}

/// One applicant's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Probability of the positive class (default / bad outcome).
    pub probability: f64,
    pub score: f64,
    pub band: BandView,
    pub decision: Decision,
    pub reasons: Vec<Reason>,
    pub warnings: Vec<Warning>,
}

/// One category as a form shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryView {
    pub value: String,
    pub label: String,
    pub display: Text,
}

/// One input field as a form needs it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldView {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ColumnType,
    pub label: String,
    pub display: Text,
    pub hint: Option<String>,
    pub group: Option<String>,
    pub unit: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub integer: bool,
    pub required: bool,
    pub actionable: bool,
    pub direction: Option<Direction>,
    /// A typical value (the training median) for numbers.
    pub typical: Option<f64>,
    pub categories: Vec<CategoryView>,
}

/// What a UI needs to build its form and legend from the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schema {
    pub model: String,
    pub description: String,
    pub languages: &'static [&'static str],
    pub fields: Vec<FieldView>,
    pub bands: Vec<BandView>,
    pub score_range: [f64; 2],
}

/// A loaded bundle ready to advise.
#[derive(Debug)]
pub struct Advisor {
    bundle: Bundle,
    explainer: Explainer,
}

impl Advisor {
    /// Wraps a verified bundle (fixes its reason-code references).
    pub fn new(bundle: Bundle) -> Result<Self> {
        let explainer = Explainer::new(&bundle)?;
        Ok(Self { bundle, explainer })
    }
    /// Verifies and loads a bundle from its two files.
    pub fn load(manifest: &[u8], graph: &[u8]) -> Result<Self> {
        Self::new(Bundle::load(manifest, graph)?)
    }
    /// [`Self::load`] of a bundle whose graph is the trainer's own network
    /// ([`Bundle::load_network`]).
    pub fn load_network(manifest: &[u8], graph: &[u8]) -> Result<Self> {
        Self::new(Bundle::load_network(manifest, graph)?)
    }
    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }
    pub fn explainer(&self) -> &Explainer {
        &self.explainer
    }

    /// Checks an applicant record into the model's raw row.
    pub fn read<'a>(&self, fields: impl IntoIterator<Item = (&'a str, Value)>) -> Result<Vec<f32>> {
        applicant::raw_row(self.bundle.spec(), fields)
    }

    /// Every problem in an applicant record, at most one per field.
    pub fn problems<'a>(&self, fields: impl IntoIterator<Item = (&'a str, Value)>) -> Vec<crate::Error> {
        applicant::problems(self.bundle.spec(), fields)
    }

    fn band_view(&self, score: f64, lang: Lang) -> BandView {
        let b = self.bundle.manifest().cutoffs.band(score);
        BandView { name: b.name.clone(), label: b.display.get_or(lang, &b.name).to_string(), min_score: b.min_score }
    }

    /// The full report for one raw row: score, band, decision, reasons, warnings.
    pub fn report(&self, raw: &[f32], lang: Lang) -> Result<Report> {
        if raw.len() != self.bundle.spec().n_features() {
            return Err(crate::Error::Input(format!("{} values; the model takes {}", raw.len(), self.bundle.spec().n_features())));
        }
        let (p, reasons) = self.explainer.explain(&self.bundle, raw, lang)?;
        let a = self.bundle.assess(p);
        Ok(Report {
            probability: p,
            score: a.score,
            band: self.band_view(a.score, lang),
            decision: a.decision,
            reasons,
            warnings: self.warnings(raw, lang),
        })
    }

    fn warnings(&self, raw: &[f32], lang: Lang) -> Vec<Warning> {
        let mut out = vec![];
        for (i, col) in self.bundle.spec().features().enumerate() {
            let label = col.label(lang);
            if raw[i].is_nan() {
                let message = m::WARN_NOT_GIVEN.fill(lang, &[("label", label)]);
                out.push(Warning { field: col.name.clone(), code: "NOT_GIVEN", message });
            } else if let InputTransform::Numeric { .. } = self.bundle.manifest().preprocessing.inputs[i] {
                let c = self.explainer.candidates(i);
                if let (Some(&lo), Some(&hi)) = (c.first(), c.last()) {
                    if raw[i] < lo || raw[i] > hi {
                        let message = m::WARN_OUTSIDE.fill(lang, &[("label", label), ("lo", &lo.to_string()), ("hi", &hi.to_string())]);
                        out.push(Warning { field: col.name.clone(), code: "OUTSIDE_TRAINING_RANGE", message });
                    }
                }
            }
        }
        out
    }

    /// Ranked eligible products and the excluded ones with the rule that excluded each.
    pub fn recommend(
        &self,
        catalog: &crate::recommend::Catalog,
        raw: &[f32],
        answers: Option<&crate::recommend::Answers>,
        propensities: &crate::recommend::Propensities,
        lang: Lang,
    ) -> Result<crate::recommend::Recommendations> {
        // Score, band and decision only: the rules never read reasons, so none are computed.
        let p = self.bundle.predict(&Matrix::new(raw.to_vec(), raw.len())?)?[0] as f64;
        catalog.recommend(self.bundle.spec(), raw, &self.bundle.assess(p), answers, propensities, lang)
    }

    /// What-if advice for one raw row.
    pub fn what_if(&self, raw: &[f32], lang: Lang) -> Result<WhatIf> {
        let p = self.bundle.predict(&Matrix::new(raw.to_vec(), raw.len())?)?[0] as f64;
        let score = self.bundle.manifest().scaling.score(p);
        whatif::what_if(&self.bundle, &self.explainer, raw, score, lang)
    }

    /// Score, band and decision for many raw rows at once (batch scoring), packed as numbers,
    /// four per row: probability, score, the band's position in the cutoffs' bands, the
    /// decision's in [`crate::score::Decision::ALL`].
    pub fn quick_packed(&self, raw: &Matrix) -> Result<Vec<f64>> {
        let (scaling, cutoffs) = (&self.bundle.manifest().scaling, &self.bundle.manifest().cutoffs);
        let p = self.bundle.predict(raw)?;
        Ok(p.iter()
            .flat_map(|&p| {
                let score = scaling.score(p as f64);
                [p as f64, score, cutoffs.band_index(score) as f64, cutoffs.decision(score).index() as f64]
            })
            .collect())
    }

    /// The form schema in `lang`.
    pub fn schema(&self, lang: Lang) -> Schema {
        let m = self.bundle.manifest();
        let fields = self
            .bundle
            .spec()
            .features()
            .zip(&m.preprocessing.inputs)
            .map(|(c, t)| FieldView {
                name: c.name.clone(),
                kind: c.kind,
                label: c.label(lang).to_string(),
                display: c.display.clone(),
                hint: c.hint.as_ref().map(|h| h.get(lang).to_string()).filter(|h| !h.is_empty()),
                group: c.group.clone(),
                unit: c.unit.as_ref().map(|u| u.get(lang).to_string()).filter(|u| !u.is_empty()),
                min: c.min,
                max: c.max,
                integer: c.integer,
                required: c.required,
                actionable: c.actionable,
                direction: c.direction,
                typical: match t {
                    InputTransform::Numeric { impute, .. } => Some(*impute as f64),
                    InputTransform::Categorical { .. } => None,
                },
                categories: c
                    .categories
                    .iter()
                    .map(|k| CategoryView {
                        value: k.value.clone(),
                        label: k.display.get_or(lang, &k.value).to_string(),
                        display: k.display.clone(),
                    })
                    .collect(),
            })
            .collect();
        Schema {
            model: self.bundle.spec().name().to_string(),
            description: self.bundle.spec().params().description.clone(),
            languages: &crate::lang::CODES,
            fields,
            bands: m
                .cutoffs
                .bands
                .iter()
                .map(|b| BandView {
                    name: b.name.clone(),
                    label: b.display.get_or(lang, &b.name).to_string(),
                    min_score: b.min_score.max(m.scaling.min),
                })
                .collect(),
            score_range: [m.scaling.min, m.scaling.max],
        }
    }
}
