//! What the assistant knows of the applicant and the model: the shapes the browser API already
//! returns (`score`, `whatIf`, `recommend`, `schema`), read with only the fields it needs, so
//! that the main module passes its results on unchanged.

use serde::Deserialize;

use crate::advisor::{Report, Schema};
use crate::recommend::Recommendations;
use crate::whatif::WhatIf;

/// The question's context: its language and, when known, the applicant's result.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Context {
    /// `en` or `zh-CN` (anything else answers in English).
    #[serde(default)]
    pub lang: String,
    #[serde(default)]
    pub report: Option<ReportView>,
    #[serde(default, rename = "whatIf", alias = "what_if")]
    pub what_if: Option<WhatIfView>,
    #[serde(default)]
    pub recommendations: Option<RecommendationsView>,
    #[serde(default)]
    pub schema: Option<SchemaView>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct BandRef {
    pub name: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub min_score: f64,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReasonView {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub points: f64,
}

/// An applicant's result (`score()`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportView {
    pub score: f64,
    pub band: BandRef,
    pub decision: String,
    #[serde(default)]
    pub reasons: Vec<ReasonView>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChangeView {
    pub label: String,
    pub from: String,
    pub to: String,
    pub score: f64,
}

/// What-if advice (`whatIf()`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WhatIfView {
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub target_score: Option<f64>,
    #[serde(default)]
    pub changes: Vec<ChangeView>,
    #[serde(default)]
    pub improvements: Vec<ChangeView>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProductRef {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub reason: String,
}

/// Recommendations (`recommend()`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RecommendationsView {
    #[serde(default)]
    pub eligible: Vec<ProductRef>,
    #[serde(default)]
    pub ineligible: Vec<ProductRef>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CategoryRef {
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct FieldRef {
    pub name: String,
    pub label: String,
    #[serde(default)]
    pub categories: Vec<CategoryRef>,
}

/// The model's form schema (`schema()`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SchemaView {
    #[serde(default)]
    pub fields: Vec<FieldRef>,
    #[serde(default)]
    pub bands: Vec<BandRef>,
    #[serde(default)]
    pub score_range: Option<[f64; 2]>,
}

impl From<&Report> for ReportView {
    fn from(r: &Report) -> Self {
        ReportView {
            score: r.score,
            band: BandRef { name: r.band.name.clone(), label: r.band.label.clone(), min_score: r.band.min_score },
            decision: r.decision.as_str().into(),
            reasons: r.reasons.iter().map(|x| ReasonView { text: x.text.clone(), points: x.points }).collect(),
        }
    }
}

impl From<&WhatIf> for WhatIfView {
    fn from(w: &WhatIf) -> Self {
        let change =
            |c: &crate::whatif::Change| ChangeView { label: c.label.clone(), from: c.from.clone(), to: c.to.clone(), score: c.score };
        WhatIfView {
            target: w.target.clone(),
            target_score: w.target_score,
            changes: w.changes.iter().map(change).collect(),
            improvements: w.improvements.iter().map(change).collect(),
        }
    }
}

impl From<&Recommendations> for RecommendationsView {
    fn from(r: &Recommendations) -> Self {
        RecommendationsView {
            eligible: r.eligible.iter().map(|p| ProductRef { id: p.id.clone(), name: p.name.clone(), reason: String::new() }).collect(),
            ineligible: r
                .ineligible
                .iter()
                .map(|p| ProductRef { id: p.id.clone(), name: p.name.clone(), reason: p.reason.clone() })
                .collect(),
        }
    }
}

impl From<&Schema> for SchemaView {
    fn from(s: &Schema) -> Self {
        SchemaView {
            fields: s
                .fields
                .iter()
                .map(|f| FieldRef {
                    name: f.name.clone(),
                    label: f.label.clone(),
                    categories: f.categories.iter().map(|c| CategoryRef { value: c.value.clone(), label: c.label.clone() }).collect(),
                })
                .collect(),
            bands: s.bands.iter().map(|b| BandRef { name: b.name.clone(), label: b.label.clone(), min_score: b.min_score }).collect(),
            score_range: Some(s.score_range),
        }
    }
}
