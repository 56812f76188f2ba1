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
    /// The band's position in the bundle's cutoffs.
    #[serde(skip)]
    pub index: usize,
    pub name: String,
    pub label: String,
    pub min_score: f64,
}

/// Something about the input a person should know; the score is still given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    /// The field's position among the model's inputs.
    #[serde(skip)]
    pub input: usize,
    pub field: String,
    /// Written as its code (`"code": "NOT_GIVEN"`).
    #[serde(rename = "code")]
    pub kind: WarningKind,
    pub message: String,
}

/// What a warning says of a field. Its position in [`WarningKind::ALL`] is its kind in a
/// packed report ([`Report::pack`]) and in [`ReportTexts::warnings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningKind {
    /// Not given: scored as missing.
    NotGiven,
    /// A number outside the training range: scored as at its nearest end.
    OutsideTrainingRange,
}

impl WarningKind {
    pub const ALL: [WarningKind; 2] = [WarningKind::NotGiven, WarningKind::OutsideTrainingRange];

    /// The code the API gives it.
    pub fn code(self) -> &'static str {
        match self {
            WarningKind::NotGiven => "NOT_GIVEN",
            WarningKind::OutsideTrainingRange => "OUTSIDE_TRAINING_RANGE",
        }
    }

    /// Its position in [`WarningKind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl Serialize for WarningKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
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

impl Report {
    /// The report as numbers and one text, which the browser's `unpack` (web/advisor-core.js)
    /// makes into the report again with the [`ReportTexts`] of its language: fewer and shorter
    /// strings across than the report's JSON (score + reasons in Chromium: 37 → 26 µs with the
    /// rest; BENCHMARKS.md). The numbers: `[probability, score, band, decision, n, (input,
    /// points, value length, text length) × n, m, (input, kind) × m]` — band by position in
    /// [`ReportTexts::bands`], decision in [`Decision::ALL`], each reason's input and its
    /// value's and text's lengths, each warning's input and kind ([`WarningKind::index`]). The text:
    /// each reason's value and text, one after another; lengths in UTF-16 units (JS string
    /// positions).
    pub fn pack(&self) -> (Vec<f64>, String) {
        let mut nums = vec![self.probability, self.score, self.band.index as f64, self.decision.index() as f64, self.reasons.len() as f64];
        let mut text = String::new();
        let utf16 = |s: &str| s.encode_utf16().count() as f64;
        for r in &self.reasons {
            nums.extend([r.input as f64, r.points, utf16(&r.value), utf16(&r.text)]);
            text.push_str(&r.value);
            text.push_str(&r.text);
        }
        nums.push(self.warnings.len() as f64);
        for w in &self.warnings {
            nums.extend([w.input as f64, w.kind.index() as f64]);
        }
        (nums, text)
    }
}

/// The texts of a bundle's reports in one language, which [`Report::pack`] gives by position:
/// the bands, the features' names and labels, and each feature's warnings by kind (`null`
/// where a feature has none of that kind).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportTexts {
    pub bands: Vec<BandView>,
    pub fields: Vec<FieldName>,
    pub warnings: Vec<[Option<Warning>; 2]>,
}

/// A feature's name and label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldName {
    pub field: String,
    pub label: String,
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
    /// The reader of encoded applicants and each feature's warnings (which name only the field
    /// and its range), made once, when first needed: not on the way to the form (formatting
    /// the warnings was 2 ms of the scorer's cold load in Chromium).
    encoded: std::sync::OnceLock<applicant::EncodedRows>,
    warnings: std::sync::OnceLock<Vec<FieldWarnings>>,
}

/// One feature's warnings, by kind ([`WarningKind::ALL`]'s order), in every language ([`Lang::ALL`]'s
/// order).
#[derive(Debug)]
struct FieldWarnings {
    field: String,
    messages: [Option<[String; crate::lang::COUNT]>; 2],
    /// A number's training range: its reason-code candidates' ends.
    range: Option<(f32, f32)>,
}

impl FieldWarnings {
    fn all(bundle: &Bundle, explainer: &Explainer) -> Vec<Self> {
        let inputs = &bundle.manifest().preprocessing.inputs;
        let texts = |f: &dyn Fn(Lang) -> String| std::array::from_fn(|i| f(Lang::ALL[i]));
        let each = |(i, col): (usize, &crate::schema::ColumnSpec)| {
            let c = explainer.candidates(i);
            let range = match (&inputs[i], c.first(), c.last()) {
                (InputTransform::Numeric { .. }, Some(&lo), Some(&hi)) => Some((lo, hi)),
                _ => None,
            };
            let not_given = texts(&|lang| m::WARN_NOT_GIVEN.fill(lang, &[("label", col.label(lang))]));
            let outside = range.map(|(lo, hi)| {
                let (lo, hi) = (lo.to_string(), hi.to_string());
                texts(&|lang| m::WARN_OUTSIDE.fill(lang, &[("label", col.label(lang)), ("lo", &lo), ("hi", &hi)]))
            });
            FieldWarnings { field: col.name.clone(), messages: [Some(not_given), outside], range }
        };
        bundle.spec().features().enumerate().map(each).collect()
    }

    /// The kind of warning raw value `x` gets, if any.
    fn kind(&self, x: f32) -> Option<WarningKind> {
        match self.range {
            _ if x.is_nan() => Some(WarningKind::NotGiven),
            Some((lo, hi)) if x < lo || x > hi => Some(WarningKind::OutsideTrainingRange),
            _ => None,
        }
    }

    /// This feature's (input `input`'s) warning of `kind` in `lang`, if it has that kind.
    fn warning(&self, input: usize, kind: WarningKind, lang: Lang) -> Option<Warning> {
        let message = self.messages[kind.index()].as_ref()?[lang.index()].clone();
        Some(Warning { input, field: self.field.clone(), kind, message })
    }
}

impl Advisor {
    /// Wraps a verified bundle (its reason-code references are fixed on the first report).
    pub fn new(bundle: Bundle) -> Result<Self> {
        let explainer = Explainer::new(&bundle)?;
        Ok(Self { bundle, explainer, encoded: Default::default(), warnings: Default::default() })
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

    /// The reader of applicants encoded by position (numbers as given, categories as codes).
    pub fn encoded(&self) -> &applicant::EncodedRows {
        self.encoded.get_or_init(|| applicant::EncodedRows::new(self.bundle.spec()))
    }

    /// Checks an applicant encoded by position ([`applicant::EncodedRows`]) into the model's
    /// raw row: the row [`Self::read`] makes of the same record, or its error.
    pub fn read_encoded(&self, values: &[f64]) -> Result<Vec<f32>> {
        let mut row = Vec::with_capacity(values.len());
        self.encoded().read(values, &mut row)?;
        Ok(row)
    }

    /// Every problem in an applicant record, at most one per field.
    pub fn problems<'a>(&self, fields: impl IntoIterator<Item = (&'a str, Value)>) -> Vec<crate::Error> {
        applicant::problems(self.bundle.spec(), fields)
    }

    fn band_view(&self, score: f64, lang: Lang) -> BandView {
        self.band_view_at(self.bundle.manifest().cutoffs.band_index(score), lang)
    }

    /// The view of band `index` (in the cutoffs) in `lang`.
    fn band_view_at(&self, index: usize, lang: Lang) -> BandView {
        let b = &self.bundle.manifest().cutoffs.bands[index];
        BandView { index, name: b.name.clone(), label: b.display.get_or(lang, &b.name).to_string(), min_score: b.min_score }
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
        raw.iter().zip(self.field_warnings()).enumerate().filter_map(|(i, (&x, w))| w.warning(i, w.kind(x)?, lang)).collect()
    }

    fn field_warnings(&self) -> &[FieldWarnings] {
        self.warnings.get_or_init(|| FieldWarnings::all(&self.bundle, &self.explainer))
    }

    /// The texts a report in `lang` takes from the bundle, by position ([`Report::pack`]).
    pub fn report_texts(&self, lang: Lang) -> ReportTexts {
        let cutoffs = &self.bundle.manifest().cutoffs;
        ReportTexts {
            bands: (0..cutoffs.bands.len()).map(|i| self.band_view_at(i, lang)).collect(),
            fields: self.bundle.spec().features().map(|c| FieldName { field: c.name.clone(), label: c.label(lang).to_string() }).collect(),
            warnings: self.field_warnings().iter().enumerate().map(|(i, w)| WarningKind::ALL.map(|k| w.warning(i, k, lang))).collect(),
        }
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
            bands: (0..m.cutoffs.bands.len())
                .map(|i| self.band_view_at(i, lang))
                .map(|b| BandView { min_score: b.min_score.max(m.scaling.min), ..b })
                .collect(),
            score_range: [m.scaling.min, m.scaling.max],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The packed report's layout, read back as `unpack` (web/advisor-core.js) reads it: texts
    /// sliced by UTF-16 lengths, so characters outside the BMP (two units) and CJK (one unit,
    /// three bytes) come back whole.
    #[test]
    fn a_packed_report_reads_back_by_utf16_lengths() {
        let reason = |input: usize, value: &str, points: f64| Reason {
            input,
            field: format!("f{input}"),
            label: "标签".into(),
            value: value.into(),
            points,
            text: format!("标签：{value}"),
        };
        let warning = |input: usize, kind: WarningKind| Warning { input, field: format!("f{input}"), kind, message: "m".into() };
        let report = Report {
            probability: 0.25,
            score: 612.5,
            band: BandView { index: 2, name: "C".into(), label: "c".into(), min_score: 600.0 },
            decision: Decision::Refer,
            reasons: vec![reason(3, "🏠 own", 12.5), reason(0, "", 3.0), reason(7, "a€b", 0.5)],
            warnings: vec![warning(4, WarningKind::OutsideTrainingRange), warning(1, WarningKind::NotGiven)],
        };
        let (n, text) = report.pack();
        assert_eq!(n[..5], [0.25, 612.5, 2.0, Decision::Refer.index() as f64, 3.0]);
        let units: Vec<u16> = text.encode_utf16().collect();
        let (mut at, mut off) = (5, 0);
        for r in &report.reasons {
            let (value_len, text_len) = (n[at + 2] as usize, n[at + 3] as usize);
            assert_eq!((n[at], n[at + 1]), (r.input as f64, r.points));
            assert_eq!(String::from_utf16(&units[off..off + value_len]).unwrap(), r.value);
            assert_eq!(String::from_utf16(&units[off + value_len..off + value_len + text_len]).unwrap(), r.text);
            (at, off) = (at + 4, off + value_len + text_len);
        }
        assert_eq!(off, units.len());
        assert_eq!(n[at..], [2.0, 4.0, 1.0, 1.0, 0.0]);
        // Written with its code, as before the kind was a type.
        let json = serde_json::to_value(&report.warnings[0]).unwrap();
        assert_eq!(json, serde_json::json!({"field": "f4", "code": "OUTSIDE_TRAINING_RANGE", "message": "m"}));
    }
}
