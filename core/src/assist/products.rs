//! Finding the catalog product a question is about: by its own names (the catalog's, in both
//! languages, and the FAQ's synonyms) or by its kind's common names ("fixed deposit", "定期存款"
//! for a term deposit).

use super::context::ProductView;
use super::context::RecommendationsView;
use super::faq::Faq;
use super::text::{self, Feature};
use crate::recommend::Kind;

/// Common names of each kind of product, English then Chinese.
fn kind_names(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::CreditCard => &["credit card", "card", "信用卡", "卡"],
        Kind::PersonalLoan => &["personal loan", "loan", "borrow", "个人贷款", "贷款", "借款", "借钱"],
        Kind::Mortgage => &["mortgage", "home loan", "房贷", "按揭", "房屋贷款"],
        Kind::SavingsAccount => &["savings account", "savings", "储蓄账户", "储蓄", "存钱"],
        Kind::TermDeposit => &["term deposit", "fixed deposit", "time deposit", "certificate of deposit", "定期存款", "定期", "定存"],
        Kind::InvestmentFund => &["fund", "investment", "基金", "投资"],
        Kind::Other => &[],
    }
}

/// A name's features with their total weight.
struct Name {
    features: Vec<Feature>,
    total: f32,
}

impl Name {
    fn new(text: &str) -> Option<Name> {
        // Whole words and Chinese characters only: a shared trigram does not name a product
        // (typos are corrected toward the names' words first).
        let features: Vec<Feature> = text::features(text).into_iter().filter(|f| !f.key.starts_with('~')).collect();
        let total = features.iter().map(|f| f.weight).sum();
        (total > 0.0).then_some(Name { features, total })
    }
    /// The share of the name's weight found in the question.
    fn score(&self, query: &[Feature]) -> f32 {
        self.features.iter().filter(|f| query.iter().any(|q| q.key == f.key)).map(|f| f.weight).sum::<f32>() / self.total
    }
}

/// Each product's own names and kind names.
#[derive(Default)]
pub struct ProductNames {
    products: Vec<(String, Vec<Name>, Vec<Name>)>,
    /// Every English word of every name, for typo correction.
    words: Vec<String>,
}

/// A product found in a question.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub id: String,
    /// How much of its best name the question holds, 0–1.
    pub score: f32,
    /// Named by its own name (not only by its kind's).
    pub by_name: bool,
    /// The applicant's recommendations exclude it.
    pub ineligible: bool,
}

/// A product's index with its best own-name and kind-name scores.
type Scored = (usize, f32, f32);

/// A name counts as said when more than half of it is in the question.
const NAMED: f32 = 0.6;

impl ProductNames {
    pub fn new(products: &[ProductView], faq: &Faq) -> Self {
        let products: Vec<(String, Vec<Name>, Vec<Name>)> = products
            .iter()
            .map(|p| {
                let extra = faq.synonyms().get(&p.id);
                let own = p
                    .name
                    .0
                    .iter()
                    .chain(extra.into_iter().flat_map(|s| s.0.iter().flatten()))
                    .map(String::as_str)
                    .filter_map(Name::new)
                    .collect();
                let kind = kind_names(p.kind).iter().filter_map(|n| Name::new(n)).collect();
                (p.id.clone(), own, kind)
            })
            .collect();
        let mut words: Vec<String> = products
            .iter()
            .flat_map(|(_, own, kind)| own.iter().chain(kind).flat_map(|n| n.features.iter().map(|f| f.key.clone())))
            .filter(|k| super::index::is_word(k))
            .collect();
        crate::sort::sort_by(&mut words, |a, b| a < b);
        words.dedup();
        ProductNames { products, words }
    }

    /// The product `question` is about, if any: the best own-name match, else the best
    /// kind-name match, partial own-name matches breaking ties (then an excluded product, then
    /// catalog order).
    pub fn find(&self, question: &str, recs: Option<&RecommendationsView>) -> Option<Found> {
        let features =
            super::index::correct(&text::features(question), &self.words, |k| self.words.binary_search_by(|w| w.as_str().cmp(k)).is_ok());
        let ineligible = |id: &str| recs.is_some_and(|r| r.ineligible.iter().any(|p| p.id == id));
        let top = |names: &[Name]| names.iter().map(|n| n.score(&features)).fold(0.0, f32::max);
        let scored: Vec<Scored> = self.products.iter().enumerate().map(|(i, p)| (i, top(&p.1), top(&p.2))).collect();
        let pick = |key: &dyn Fn(&Scored) -> Option<f32>, by_name: bool| {
            let mut found: Option<(f32, Found)> = None;
            for s in &scored {
                let Some(k) = key(s) else { continue };
                let id = &self.products[s.0].0;
                let better = |(best, f): &(f32, Found)| k > best + 1e-6 || (k > best - 1e-6 && ineligible(id) && !f.ineligible);
                if found.as_ref().is_none_or(better) {
                    found = Some((k, Found { id: id.clone(), score: s.1.max(s.2).min(1.0), by_name, ineligible: ineligible(id) }));
                }
            }
            found.map(|(_, f)| f)
        };
        pick(&|&(_, own, _)| (own >= NAMED).then_some(own), true)
            .or_else(|| pick(&|&(_, own, kind)| (kind >= NAMED).then_some(kind + own), false))
    }
}
