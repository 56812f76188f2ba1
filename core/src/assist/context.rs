//! What the assistant knows of the applicant and the model: the shapes the browser API already
//! returns (`score`, `whatIf`, `recommend`, `schema`), read with only the fields it needs
//! (others are ignored), so that the main module passes its results on unchanged.

use crate::json::{Fields, FromJson, Json, JsonResult};

use crate::advisor::{Report, Schema};
use crate::lang::Lang;
use crate::recommend::{Kind, Product, Recommendations, Rule};
use crate::schema::Text;
use crate::whatif::WhatIf;

/// The question's context: its language and, when known, the applicant's result.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The language to answer in (a code the advisor does not speak answers in English).
    pub lang: Lang,
    pub report: Option<ReportView>,
    pub what_if: Option<WhatIfView>,
    pub recommendations: Option<RecommendationsView>,
    pub schema: Option<SchemaView>,
}

#[derive(Debug, Clone, Default)]
pub struct BandRef {
    pub name: String,
    pub label: String,
    pub min_score: f64,
}

#[derive(Debug, Clone, Default)]
pub struct ReasonView {
    pub text: String,
    pub points: f64,
}

/// An applicant's result (`score()`).
#[derive(Debug, Clone, Default)]
pub struct ReportView {
    pub score: f64,
    pub band: BandRef,
    pub decision: String,
    pub reasons: Vec<ReasonView>,
}

#[derive(Debug, Clone, Default)]
pub struct ChangeView {
    pub label: String,
    pub from: String,
    pub to: String,
    pub score: f64,
}

/// What-if advice (`whatIf()`).
#[derive(Debug, Clone, Default)]
pub struct WhatIfView {
    pub target: Option<String>,
    pub target_score: Option<f64>,
    pub changes: Vec<ChangeView>,
    pub improvements: Vec<ChangeView>,
}

#[derive(Debug, Clone, Default)]
pub struct ProductRef {
    pub id: String,
    pub name: String,
    pub reason: String,
}

/// Recommendations (`recommend()`).
#[derive(Debug, Clone, Default)]
pub struct RecommendationsView {
    pub eligible: Vec<ProductRef>,
    pub ineligible: Vec<ProductRef>,
}

#[derive(Debug, Clone, Default)]
pub struct CategoryRef {
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone, Default)]
pub struct FieldRef {
    pub name: String,
    pub label: String,
    pub categories: Vec<CategoryRef>,
}

/// The model's form schema (`schema()`).
#[derive(Debug, Clone, Default)]
pub struct SchemaView {
    pub fields: Vec<FieldRef>,
    pub bands: Vec<BandRef>,
    pub score_range: Option<[f64; 2]>,
}

/// A catalog product: what the assistant says of it (the main module's `setCatalog` has
/// checked the catalog).
#[derive(Debug, Clone)]
pub struct ProductView {
    pub id: String,
    pub kind: Kind,
    pub name: Text,
    pub summary: Text,
    pub rules: Vec<RuleView>,
}

/// An eligibility rule, to put in words.
#[derive(Debug, Clone, Default)]
pub struct RuleView {
    pub field: Option<String>,
    pub result: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub allowed: Option<Vec<String>>,
}

/// The catalog's products.
#[derive(Debug, Clone, Default)]
pub struct CatalogView {
    pub products: Vec<ProductView>,
}

/// Reads a view: `$ty { field: kind("key"), … }` where kind is `req`, `opt` or `or_default`.
macro_rules! view {
    ($ty:ident { $($field:ident: $how:ident($key:literal)),* $(,)? }) => {
        impl FromJson for $ty {
            fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
                let mut f = Fields::of(v, at)?;
                Ok($ty { $($field: f.$how($key)?),* })
            }
        }
    };
}

impl FromJson for Context {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        let mut f = Fields::of(v, at)?;
        let what_if = match f.opt("whatIf")? {
            Some(w) => Some(w),
            None => f.opt("what_if")?,
        };
        Ok(Context {
            lang: f.or_default("lang")?,
            report: f.opt("report")?,
            what_if,
            recommendations: f.opt("recommendations")?,
            schema: f.opt("schema")?,
        })
    }
}

view!(BandRef { name: req("name"), label: or_default("label"), min_score: or_default("min_score") });
view!(ReasonView { text: or_default("text"), points: or_default("points") });
view!(ReportView { score: req("score"), band: req("band"), decision: req("decision"), reasons: or_default("reasons") });
view!(ChangeView { label: req("label"), from: req("from"), to: req("to"), score: req("score") });
view!(WhatIfView {
    target: opt("target"),
    target_score: opt("target_score"),
    changes: or_default("changes"),
    improvements: or_default("improvements"),
});
view!(ProductRef { id: req("id"), name: req("name"), reason: or_default("reason") });
view!(RecommendationsView { eligible: or_default("eligible"), ineligible: or_default("ineligible") });
view!(CategoryRef { value: req("value"), label: req("label") });
view!(FieldRef { name: req("name"), label: req("label"), categories: or_default("categories") });
view!(ProductView { id: req("id"), kind: req("kind"), name: req("name"), summary: or_default("summary"), rules: or_default("rules") });
view!(RuleView { field: opt("field"), result: opt("result"), min: opt("min"), max: opt("max"), allowed: opt("in") });
view!(CatalogView { products: req("products") });
view!(SchemaView { fields: or_default("fields"), bands: or_default("bands"), score_range: opt("score_range") });

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

impl From<&Product> for ProductView {
    fn from(p: &Product) -> Self {
        let rule =
            |r: &Rule| RuleView { field: r.field.clone(), result: r.result.clone(), min: r.min, max: r.max, allowed: r.allowed.clone() };
        ProductView {
            id: p.id.clone(),
            kind: p.kind,
            name: p.name.clone(),
            summary: p.summary.clone(),
            rules: p.rules.iter().map(rule).collect(),
        }
    }
}
