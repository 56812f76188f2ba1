//! Product recommendations: a catalog a product team writes without code (JSON), eligibility
//! rules over applicant fields and the credit result, a suitability questionnaire for
//! investment products (in the spirit of MiFID II), and a ranking with plain-language reasons.
//! Everything runs where the applicant is; nothing leaves the device.
//!
//! Ranking: products may carry a propensity weight learned elsewhere (`propensity`, e.g. a
//! term-deposit model's rate); without one, the documented fallback ranks by the catalog's
//! `priority`, then by how far the applicant clears the product's score floor.

use serde::{Deserialize, Serialize};

use crate::applicant::display_value;
use crate::bundle::Assessment;
use crate::error::{Error, Result};
use crate::json::{FromJson, Json, JsonResult};
use crate::lang::{messages as m, Lang, Msg};
use crate::schema::{Spec, Text};

/// What kind of product an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    CreditCard,
    PersonalLoan,
    Mortgage,
    SavingsAccount,
    TermDeposit,
    InvestmentFund,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 7] =
        [Kind::CreditCard, Kind::PersonalLoan, Kind::Mortgage, Kind::SavingsAccount, Kind::TermDeposit, Kind::InvestmentFund, Kind::Other];

    /// The id catalogs and results use.
    pub fn id(self) -> &'static str {
        match self {
            Kind::CreditCard => "credit_card",
            Kind::PersonalLoan => "personal_loan",
            Kind::Mortgage => "mortgage",
            Kind::SavingsAccount => "savings_account",
            Kind::TermDeposit => "term_deposit",
            Kind::InvestmentFund => "investment_fund",
            Kind::Other => "other",
        }
    }

    fn from_id(id: &str) -> std::result::Result<Kind, String> {
        Kind::ALL
            .into_iter()
            .find(|k| k.id() == id)
            .ok_or_else(|| format!("unknown product kind `{id}`: expected one of {}", Kind::ALL.map(Kind::id).join(", ")))
    }
}

impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl FromJson for Kind {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        Kind::from_id(&String::from_json(v, at)?).map_err(|e| crate::json::at_error(at, &e))
    }
}

/// One eligibility rule: over an applicant field (`field`) or over the credit result
/// (`result` = `score` or `probability`), with bounds and/or allowed category values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Allowed category values (categorical fields).
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
}

/// One product as the catalog declares it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Product {
    pub id: String,
    pub kind: Kind,
    pub name: Text,
    #[serde(default)]
    pub summary: Text,
    /// Investment products: the summary risk indicator, 1 (lowest) to 7.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_class: Option<u8>,
    /// Fallback ranking weight (higher first).
    #[serde(default = "one")]
    pub priority: f64,
    /// A propensity rate learned elsewhere (0–1), ranked before the fallback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propensity: Option<f64>,
    /// A propensity model: the bundle (its manifest, relative to the catalog) that scores this
    /// applicant's likelihood of wanting the product. Its fields must be fields of the credit
    /// model. Attach it with [`Propensities::attach`]; until then the product uses the fallback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propensity_model: Option<String>,
    #[serde(default)]
    pub rules: Vec<Rule>,
}

/// Propensity models attached to catalog products, each with the map from the credit model's
/// raw row to its own inputs.
#[derive(Debug, Default)]
pub struct Propensities {
    models: Vec<(String, crate::bundle::Bundle, Vec<usize>)>,
}

impl Propensities {
    /// Attaches `bundle` as the propensity model of product `id`. Every feature of its spec must
    /// be a feature of `credit` with the same type and categories (the applicant's values are
    /// passed on by name).
    pub fn attach(&mut self, catalog: &Catalog, id: &str, bundle: crate::bundle::Bundle, credit: &Spec) -> Result<()> {
        let err = |m: String| Err(Error::Bundle(format!("propensity model of `{id}`: {m}")));
        match catalog.products.iter().find(|p| p.id == id) {
            None => return err("no such product in the catalog".into()),
            Some(p) if p.propensity_model.is_none() => return err("the catalog declares no `propensity_model` for it".into()),
            _ => {}
        }
        let mut map = vec![];
        for c in bundle.spec().features() {
            let Some(i) = credit.features().position(|f| f.name == c.name) else {
                return err(format!("field `{}` is not a field of the credit model", c.name));
            };
            let f = credit.features().nth(i).expect("found above");
            let values = |x: &crate::schema::ColumnSpec| x.categories.iter().map(|k| k.value.clone()).collect::<Vec<_>>();
            if f.kind != c.kind || values(f) != values(c) {
                return err(format!("field `{}` has another type or other categories than the credit model's", c.name));
            }
            map.push(i);
        }
        self.models.retain(|(p, ..)| p != id);
        self.models.push((id.to_string(), bundle, map));
        Ok(())
    }

    /// The propensity of product `id` for the credit model's raw row, if a model is attached.
    pub fn score(&self, id: &str, raw: &[f32]) -> Result<Option<f64>> {
        let Some((_, bundle, map)) = self.models.iter().find(|(p, ..)| p == id) else { return Ok(None) };
        let row: Vec<f32> = map.iter().map(|&i| raw[i]).collect();
        let n = row.len();
        Ok(Some(bundle.predict(&crate::matrix::Matrix::new(row, n)?)?[0] as f64))
    }
}

fn one() -> f64 {
    1.0
}

/// A product catalog as written; check it against a spec with [`CatalogParams::check`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogParams {
    pub products: Vec<Product>,
}

/// Read from the catalog's JSON ([`crate::json`]): the fields and defaults above.
impl FromJson for Rule {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        let mut f = crate::json::Fields::of(v, at)?;
        let r = Rule { field: f.opt("field")?, result: f.opt("result")?, min: f.opt("min")?, max: f.opt("max")?, allowed: f.opt("in")? };
        f.deny_unknown()?;
        Ok(r)
    }
}

impl FromJson for Product {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        let mut f = crate::json::Fields::of(v, at)?;
        let p = Product {
            id: f.req("id")?,
            kind: f.req("kind")?,
            name: f.req("name")?,
            summary: f.or_default("summary")?,
            risk_class: f.opt("risk_class")?,
            priority: f.opt("priority")?.unwrap_or_else(one),
            propensity: f.opt("propensity")?,
            propensity_model: f.opt("propensity_model")?,
            rules: f.or_default("rules")?,
        };
        f.deny_unknown()?;
        Ok(p)
    }
}

impl FromJson for CatalogParams {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        let mut f = crate::json::Fields::of(v, at)?;
        let c = CatalogParams { products: f.req("products")? };
        f.deny_unknown()?;
        Ok(c)
    }
}

/// A checked catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    products: Vec<Product>,
}

/// Most products a catalog may list.
pub const MAX_PRODUCTS: usize = 1000;

impl CatalogParams {
    /// Parses JSON and checks every product and rule against `spec`. Errors name the product
    /// and the rule (1-based).
    pub fn parse(json: &[u8], spec: &Spec) -> Result<Catalog> {
        if json.len() > 4 << 20 {
            return Err(Error::Spec("catalog: more than 4 MiB".into()));
        }
        let p: CatalogParams = crate::json::read_exact(json).map_err(|e| Error::Spec(format!("catalog: {e}")))?;
        p.check(spec)
    }

    pub fn check(self, spec: &Spec) -> Result<Catalog> {
        if self.products.is_empty() || self.products.len() > MAX_PRODUCTS {
            return Err(Error::Spec(format!("catalog: needs 1..={MAX_PRODUCTS} products, has {}", self.products.len())));
        }
        let mut ids = std::collections::HashSet::new();
        for p in &self.products {
            let err = |m: String| Err(Error::Spec(format!("catalog: product `{}`: {m}", p.id)));
            if p.id.trim().is_empty() {
                return Err(Error::Spec("catalog: a product has an empty id".into()));
            }
            if !ids.insert(p.id.as_str()) {
                return err("listed twice".into());
            }
            if let Some(lang) = Lang::ALL.iter().find(|l| l.required() && p.name.exact(**l).trim().is_empty()) {
                return err(format!("needs a name in `{lang}` (names are required in every language: {})", Lang::required_codes()));
            }
            match (p.kind, p.risk_class) {
                (Kind::InvestmentFund, None) => return err("an investment product needs `risk_class` (1–7)".into()),
                (_, Some(c)) if !(1..=7).contains(&c) => return err(format!("risk_class {c} is not in 1–7")),
                _ => {}
            }
            if !p.priority.is_finite() || p.propensity.is_some_and(|v| !(0.0..=1.0).contains(&v)) {
                return err("priority must be finite and propensity in 0–1".into());
            }
            if let Some(m) = &p.propensity_model {
                if p.propensity.is_some() {
                    return err("give `propensity` or `propensity_model`, not both".into());
                }
                if m.is_empty() || m.contains("://") || m.starts_with('/') || m.split('/').any(|part| part == "..") {
                    return err(format!("propensity_model {m:?} must be a path beside or below the catalog"));
                }
            }
            for (k, r) in p.rules.iter().enumerate() {
                if let Err(m) = r.check(spec) {
                    return err(format!("rule {}: {m}", k + 1));
                }
            }
        }
        Ok(Catalog { products: self.products })
    }
}

impl Rule {
    /// One eligibility rule against the model's fields: what is wrong with it, if anything.
    fn check(&self, spec: &Spec) -> std::result::Result<(), String> {
        match (&self.field, &self.result) {
            (Some(f), None) => {
                let Some(col) = spec.features().find(|c| &c.name == f) else {
                    return Err(format!("`{f}` is not a field of the model"));
                };
                if let Some(vals) = &self.allowed {
                    if !col.is_categorical() {
                        return Err(format!("`in` needs a categorical field; `{f}` is numeric"));
                    }
                    if let Some(v) = vals.iter().find(|v| col.category_code(v).is_none()) {
                        return Err(format!("{v:?} is not a category of `{f}`"));
                    }
                } else if col.is_categorical() {
                    return Err(format!("`{f}` is categorical: use `in`"));
                }
            }
            (None, Some(x)) if x == "score" || x == "probability" => {
                if self.allowed.is_some() {
                    return Err(format!("`in` does not apply to `{x}`"));
                }
            }
            (None, Some(x)) => return Err(format!("result `{x}` is not `score` or `probability`")),
            _ => return Err("needs exactly one of `field` or `result`".into()),
        }
        if self.allowed.is_none() && self.min.is_none() && self.max.is_none() {
            return Err("needs `min`, `max` or `in`".into());
        }
        if self.min.is_some_and(|v| !v.is_finite()) || self.max.is_some_and(|v| !v.is_finite()) {
            return Err("bounds must be finite".into());
        }
        match (self.min, self.max) {
            (Some(lo), Some(hi)) if lo > hi => Err(format!("min {lo} > max {hi}")),
            _ => Ok(()),
        }
    }
}

/// Answers to the suitability questionnaire: one option index per question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Answers {
    /// 0 preserve capital, 1 income, 2 balanced growth, 3 growth, 4 maximum growth.
    pub objective: u8,
    /// 0 under 1 year, 1 1–3 years, 2 3–5 years, 3 5–10 years, 4 over 10 years.
    pub horizon: u8,
    /// 0 no loss at all, 1 small, 2 moderate, 3 large swings, 4 very large swings.
    pub risk_tolerance: u8,
    /// 0 cannot afford any loss, 1 up to 10 %, 2 up to 25 %, 3 up to 50 %, 4 all of it.
    pub capacity_for_loss: u8,
    /// 0 none, 1 basic, 2 informed, 3 advanced, 4 professional.
    pub knowledge: u8,
}

/// The questionnaire as a form shows it: (key, question, options) in every language, in the
/// order of [`Answers::KEYS`].
pub fn questionnaire() -> Vec<(&'static str, Text, Vec<Text>)> {
    let questions = m::QUESTIONNAIRE.map(|(q, options)| (q.text(), options.iter().map(Msg::text).collect()));
    Answers::KEYS.into_iter().zip(questions).map(|(key, (question, options))| (key, question, options)).collect()
}

impl Answers {
    /// The questions' keys: the fields' names, in the questionnaire's order.
    pub const KEYS: [&'static str; 5] = ["objective", "horizon", "risk_tolerance", "capacity_for_loss", "knowledge"];

    /// Each answer with its key, in the order of [`Answers::KEYS`], to fill in.
    pub fn slots(&mut self) -> [(&'static str, &mut u8); 5] {
        let [a, b, c, d, e] = Answers::KEYS;
        [
            (a, &mut self.objective),
            (b, &mut self.horizon),
            (c, &mut self.risk_tolerance),
            (d, &mut self.capacity_for_loss),
            (e, &mut self.knowledge),
        ]
    }

    /// Checks every answer is one of its question's options.
    pub fn check(&self) -> Result<()> {
        let mut copy = *self;
        for (key, &mut v) in copy.slots() {
            if v > 4 {
                return Err(Error::OutOfRange { field: format!("answers.{key}"), value: v as f64, min: 0.0, max: 4.0 });
            }
        }
        Ok(())
    }

    /// The client's risk class, 1–7: the mean of objective, horizon and tolerance scaled to 1–7,
    /// capped by capacity for loss and by knowledge (no one is placed above what they can
    /// afford to lose or understand).
    pub fn risk_class(&self) -> u8 {
        let mean = (self.objective + self.horizon + self.risk_tolerance) as f64 / 3.0; // 0–4
        let class = 1 + (mean * 6.0 / 4.0).round() as u8; // 1–7
        let cap_loss = [1, 3, 4, 6, 7][self.capacity_for_loss.min(4) as usize];
        let cap_knowledge = [2, 4, 5, 7, 7][self.knowledge.min(4) as usize];
        class.min(cap_loss).min(cap_knowledge)
    }
}

/// An eligible product with why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    pub id: String,
    pub kind: Kind,
    pub name: String,
    pub summary: String,
    /// Ranking value: the propensity where the catalog has one, else the fallback.
    pub rank_score: f64,
    pub reasons: Vec<String>,
}

/// A product the applicant does not qualify for, and the rule that excluded it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exclusion {
    pub id: String,
    pub name: String,
    pub reason: String,
}

/// The result of [`Catalog::recommend`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendations {
    /// The client's risk class from the questionnaire (when answers were given).
    pub client_risk_class: Option<u8>,
    pub eligible: Vec<Recommendation>,
    pub ineligible: Vec<Exclusion>,
}

impl Catalog {
    pub fn products(&self) -> &[Product] {
        &self.products
    }

    /// Checks every product for an applicant (raw row `raw`, credit result `credit`) and ranks
    /// the eligible ones. Without `answers`, investment products are excluded (suitability
    /// unknown).
    pub fn recommend(
        &self,
        spec: &Spec,
        raw: &[f32],
        credit: &Assessment,
        answers: Option<&Answers>,
        propensities: &Propensities,
        lang: Lang,
    ) -> Result<Recommendations> {
        if let Some(a) = answers {
            a.check()?;
        }
        let client = answers.map(Answers::risk_class);
        let who = Applicant { features: spec.features().collect(), raw, credit, lang };
        let (mut eligible, mut ineligible) = (vec![], vec![]);
        for p in &self.products {
            match who.assess(p, client, propensities)? {
                Ok(ranked) => eligible.push(ranked),
                Err(reason) => ineligible.push(Exclusion { id: p.id.clone(), name: p.name.get(lang).to_string(), reason }),
            }
        }
        // Products with a learned propensity rank first (by it); then the fallback.
        eligible.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.rank_score.total_cmp(&a.1.rank_score)).then(a.1.id.cmp(&b.1.id)));
        Ok(Recommendations { client_risk_class: client, eligible: eligible.into_iter().map(|(_, r)| r).collect(), ineligible })
    }
}

/// The applicant a recommendation is for: their raw row, credit result and language.
struct Applicant<'a> {
    features: Vec<&'a crate::schema::ColumnSpec>,
    raw: &'a [f32],
    credit: &'a Assessment,
    lang: Lang,
}

/// A product the applicant may have (with whether its rank comes from a learned propensity),
/// or why not.
type Assessed = std::result::Result<(bool, Recommendation), String>;

impl Applicant<'_> {
    /// Whether `p` suits the applicant (questionnaire, rules) and how it ranks.
    fn assess(&self, p: &Product, client: Option<u8>, propensities: &Propensities) -> Result<Assessed> {
        if let Some(why) = self.unsuitable(p, client) {
            return Ok(Err(why));
        }
        let (mut reasons, mut margin) = (vec![], 0.0);
        for r in &p.rules {
            reasons.push(match self.check(r) {
                Ok(reason) => reason,
                Err(why) => return Ok(Err(why)),
            });
            if r.result.as_deref() == Some("score") {
                margin = r.min.map_or(0.0, |lo| self.credit.score - lo);
            }
        }
        if let (Some(class), Some(c)) = (p.risk_class, client) {
            reasons.push(m::RISK_WITHIN.fill(self.lang, &[("class", class.to_string()), ("client", c.to_string())]));
        }
        let learned = match propensities.score(&p.id, self.raw)? {
            Some(v) => {
                let pct = v * 100.0;
                reasons.push(m::INTEREST.fill(self.lang, &[("pct", format!("{pct:.0}"))]));
                Some(v)
            }
            None => p.propensity,
        };
        let (name, summary) = (p.name.get(self.lang).to_string(), p.summary.get(self.lang).to_string());
        let rank_score = learned.unwrap_or(p.priority + margin / 1000.0);
        Ok(Ok((learned.is_some(), Recommendation { id: p.id.clone(), kind: p.kind, name, summary, rank_score, reasons })))
    }

    /// Why an investment product does not suit the applicant's questionnaire, if it does not.
    fn unsuitable(&self, p: &Product, client: Option<u8>) -> Option<String> {
        let class = p.risk_class.filter(|_| p.kind == Kind::InvestmentFund)?;
        match client {
            None => Some(m::NEEDS_QUESTIONNAIRE.get(self.lang).into()),
            Some(c) if class > c => Some(m::RISK_ABOVE.fill(self.lang, &[("class", class.to_string()), ("client", c.to_string())])),
            _ => None,
        }
    }

    /// What the rule is about: its label, the applicant's value, and the value as shown.
    fn subject(&self, r: &Rule) -> (String, f64, String) {
        let (lang, credit) = (self.lang, self.credit);
        match (&r.field, &r.result) {
            (Some(f), _) => {
                let i = self.features.iter().position(|c| &c.name == f).expect("checked against the spec");
                let col = self.features[i];
                (col.label(self.lang).to_string(), self.raw[i] as f64, display_value(col, self.raw[i], self.lang))
            }
            (_, Some(x)) if x == "score" => (m::SCORE.get(lang).into(), credit.score, format!("{:.0}", credit.score)),
            _ => (m::PROBABILITY.get(lang).into(), credit.probability, format!("{:.1}%", credit.probability * 100.0)),
        }
    }

    /// The reason the rule gives for the product, or why it excludes it.
    fn check(&self, r: &Rule) -> std::result::Result<String, String> {
        let lang = self.lang;
        let (label, value, shown) = self.subject(r);
        let fail = |why: String| Err(format!("{label}{}{why}", m::LABEL_SEP.get(lang)));
        let (label_slot, shown_slot) = (("label", label.as_str()), ("shown", shown.as_str()));
        if value.is_nan() {
            return fail(m::NOT_GIVEN.get(lang).into());
        }
        if let Some(allowed) = &r.allowed {
            let col = self.features.iter().find(|c| Some(&c.name) == r.field.as_ref()).expect("checked");
            if !allowed.iter().any(|v| col.category_code(v) == Some(value as usize)) {
                return fail(m::VALUE_NOT_ALLOWED.fill(lang, &[shown_slot]));
            }
            return Ok(m::VALUE_ALLOWED.fill(lang, &[label_slot, shown_slot]));
        }
        let pct = r.result.as_deref() == Some("probability");
        let fmt = |v: f64| if pct { format!("{:.1}%", v * 100.0) } else { format!("{v}") };
        if let Some(lo) = r.min.filter(|&lo| value < lo) {
            return fail(m::BELOW_MIN.fill(lang, &[shown_slot, ("min", &fmt(lo))]));
        }
        if let Some(hi) = r.max.filter(|&hi| value > hi) {
            return fail(m::ABOVE_MAX.fill(lang, &[shown_slot, ("max", &fmt(hi))]));
        }
        Ok(m::MEETS.fill(lang, &[label_slot, shown_slot]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::tests::{cats, col};
    use crate::schema::{ColumnType, Role, SpecParams};
    use crate::score::{Band, Decision};

    fn spec() -> Spec {
        let age = col("age", ColumnType::Numeric, Role::Feature);
        let mut home = col("home", ColumnType::Categorical, Role::Feature);
        home.categories = cats(&["own", "rent"]);
        let mut y = col("y", ColumnType::Binary, Role::Label);
        y.categories = cats(&["0", "1"]);
        y.positive = Some("1".into());
        SpecParams {
            name: "t".into(),
            description: String::new(),
            delimiter: ',',
            decimal: '.',
            columns: vec![age, home, y],
            crosses: vec![],
        }
        .check()
        .unwrap()
    }

    fn report(score: f64, probability: f64) -> Assessment {
        let band = Band { name: "C".into(), display: Default::default(), min_score: 0.0 };
        Assessment { probability, score, band, decision: Decision::Refer }
    }

    fn catalog(json: &str) -> Result<Catalog> {
        CatalogParams::parse(json.as_bytes(), &spec())
    }

    const NAME: &str = r#""name": {"en": "P", "zh-CN": "产品"}"#;

    #[test]
    fn the_questionnaire_keys_are_the_answers_fields() {
        let keys: Vec<&str> = questionnaire().iter().map(|(k, _, _)| *k).collect();
        assert_eq!(keys, Answers::KEYS);
        let json = serde_json::to_value(Answers::default()).unwrap();
        let mut fields: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        let mut sorted = Answers::KEYS.to_vec();
        fields.sort_unstable();
        sorted.sort_unstable();
        assert_eq!(fields, sorted);
    }

    #[test]
    fn rules_hold_at_their_limits_and_fail_just_past_them() {
        let c = catalog(&format!(r#"{{"products": [{{"id": "loan", "kind": "personal_loan", {NAME},
            "rules": [{{"field": "age", "min": 18, "max": 70}}, {{"result": "probability", "max": 0.2}}, {{"field": "home", "in": ["own"]}}]}}]}}"#)).unwrap();
        let run = |age: f32, home: f32, p: f64| {
            c.recommend(&spec(), &[age, home], &report(600.0, p), None, &Propensities::default(), Lang::En).unwrap()
        };
        assert_eq!(run(18.0, 0.0, 0.2).eligible.len(), 1, "exactly at the limits");
        assert_eq!(run(70.0, 0.0, 0.1).eligible.len(), 1);
        // (The test spec has no display names: labels are the field names.)
        assert_eq!(run(17.0, 0.0, 0.1).ineligible[0].reason, "age: 17 is below the minimum 18");
        assert_eq!(run(71.0, 0.0, 0.1).ineligible[0].reason, "age: 71 is above the maximum 70");
        assert_eq!(run(30.0, 0.0, 0.2001).ineligible[0].reason, "Probability of default: 20.0% is above the maximum 20.0%");
        assert_eq!(run(30.0, 1.0, 0.1).ineligible[0].reason, "home: rent does not qualify");
        assert_eq!(run(f32::NAN, 0.0, 0.1).ineligible[0].reason, "age: not given");
    }

    #[test]
    fn investment_products_never_exceed_the_clients_risk_class() {
        let c = catalog(&format!(r#"{{"products": [{{"id": "fund", "kind": "investment_fund", "risk_class": 5, {NAME}}}]}}"#)).unwrap();
        let cautious = Answers { objective: 4, horizon: 4, risk_tolerance: 4, capacity_for_loss: 1, knowledge: 4 };
        assert_eq!(cautious.risk_class(), 3, "capped by capacity for loss");
        let bold = Answers { capacity_for_loss: 4, ..cautious };
        assert_eq!(bold.risk_class(), 7);
        let r =
            |a: Option<&Answers>| c.recommend(&spec(), &[40.0, 0.0], &report(600.0, 0.1), a, &Propensities::default(), Lang::En).unwrap();
        assert!(r(None).eligible.is_empty(), "no questionnaire, no investment product");
        let excluded = r(Some(&cautious));
        assert!(excluded.eligible.is_empty());
        assert_eq!(excluded.ineligible[0].reason, "its risk class 5 is above your risk class 3");
        assert_eq!(r(Some(&bold)).eligible.len(), 1);
        assert!(Answers { knowledge: 5, ..bold }.check().is_err());
    }

    #[test]
    fn propensity_ranks_first_then_priority_then_score_margin() {
        let c = catalog(&format!(
            r#"{{"products": [
            {{"id": "a", "kind": "credit_card", {NAME}, "priority": 1, "rules": [{{"result": "score", "min": 500}}]}},
            {{"id": "b", "kind": "credit_card", {NAME}, "priority": 1, "rules": [{{"result": "score", "min": 550}}]}},
            {{"id": "c", "kind": "savings_account", {NAME}, "priority": 2}},
            {{"id": "d", "kind": "term_deposit", {NAME}, "propensity": 0.3}}]}}"#
        ))
        .unwrap();
        let r = c.recommend(&spec(), &[40.0, 0.0], &report(600.0, 0.1), None, &Propensities::default(), Lang::En).unwrap();
        let ids: Vec<&str> = r.eligible.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["d", "c", "a", "b"]);
        assert_eq!(r.eligible[2].reasons, ["Score: 600 meets the requirement"]);
    }

    #[test]
    fn catalog_errors_name_the_product_and_rule() {
        let e = |json: String| catalog(&json).unwrap_err().to_string();
        assert!(e(format!(r#"{{"products": [{{"id": "x", "kind": "mortgage", {NAME}, "rules": [{{"field": "income", "min": 1}}]}}]}}"#))
            .contains("product `x`: rule 1: `income` is not a field of the model"));
        assert!(e(format!(r#"{{"products": [{{"id": "x", "kind": "mortgage", {NAME}, "rules": [{{"field": "age", "in": ["1"]}}]}}]}}"#))
            .contains("rule 1: `in` needs a categorical field"));
        assert!(e(format!(
            r#"{{"products": [{{"id": "x", "kind": "mortgage", {NAME}, "rules": [{{"result": "score", "min": 9, "max": 1}}]}}]}}"#
        ))
        .contains("rule 1: min 9 > max 1"));
        assert!(e(format!(r#"{{"products": [{{"id": "f", "kind": "investment_fund", {NAME}}}]}}"#)).contains("needs `risk_class`"));
        assert!(e(format!(
            r#"{{"products": [{{"id": "f", "kind": "savings_account", {NAME}}}, {{"id": "f", "kind": "savings_account", {NAME}}}]}}"#
        ))
        .contains("product `f`: listed twice"));
        assert!(e(r#"{"products": [{"id": "n", "kind": "savings_account", "name": {"en": "N", "zh-CN": ""}}]}"#.into()).contains("`zh-CN`"));
        assert!(e(r#"{"products": []}"#.into()).contains("needs 1..="));
        assert!(e(format!(
            r#"{{"products": [{{"id": "t", "kind": "term_deposit", {NAME}, "propensity": 0.1, "propensity_model": "t/manifest.json"}}]}}"#
        ))
        .contains("not both"));
        assert!(e(format!(r#"{{"products": [{{"id": "t", "kind": "term_deposit", {NAME}, "propensity_model": "../x/manifest.json"}}]}}"#))
            .contains("beside or below the catalog"));
    }
}
