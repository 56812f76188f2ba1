//! The customer-service assistant: answers questions typed in English or Chinese from the
//! applicant's own result, the model's schema, the product catalog and the lender's FAQ, all on
//! the device. No I/O; the browser runs it in its own small module, loaded when the customer
//! first opens the assistant (docs/assistant.md).
//!
//! Matching: a BM25 index ([`index`]) over the intents' example wordings ([`intents`]) and the
//! FAQ's questions, on stemmed words, word trigrams (typos) and Chinese characters and pairs
//! ([`text`]); products are found by their catalog names, their kind's common names and the
//! FAQ's synonyms. The answer ([`answer`]) quotes the applicant's figures, never invents one.

mod answer;
pub mod context;
pub mod faq;
mod index;
pub mod intents;
mod number;
mod products;
pub mod text;

use serde::Serialize;

pub use context::Context;
pub use faq::{Faq, FaqParams};
pub use intents::Intent;

use context::ProductView;
use index::{Hit, Index};
use products::ProductNames;

/// The answer to one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    pub intent: Intent,
    /// The catalog product the question is about, where the intent has one.
    pub product: Option<String>,
    /// The FAQ entry answered, for `faq` (and `human` when the FAQ has a `contact` entry).
    pub faq: Option<String>,
    /// The answer, ready to show, in the asked language (plain text, one item per line).
    pub answer: String,
    /// How sure the match is, 0–1.
    pub confidence: f64,
    /// Two to four follow-up questions, in the asked language.
    pub suggestions: Vec<String>,
}

impl Answer {
    /// The answer as JSON text (`{"intent", "product", "faq", "answer", "confidence",
    /// "suggestions"}`), as the browser module hands it to JS.
    pub fn to_json(&self) -> String {
        use crate::json::write_str;
        let mut out = String::with_capacity(self.answer.len() + 256);
        let opt = |out: &mut String, v: &Option<String>| match v {
            Some(v) => write_str(out, v),
            None => out.push_str("null"),
        };
        out.push_str("{\"intent\":");
        write_str(&mut out, self.intent.id());
        out.push_str(",\"product\":");
        opt(&mut out, &self.product);
        out.push_str(",\"faq\":");
        opt(&mut out, &self.faq);
        out.push_str(",\"answer\":");
        write_str(&mut out, &self.answer);
        out.push_str(",\"confidence\":");
        out.push_str(&number::fixed(self.confidence, 2));
        out.push_str(",\"suggestions\":[");
        for (i, s) in self.suggestions.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_str(&mut out, s);
        }
        out.push_str("]}");
        out
    }
}

/// What an example in the index stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Label {
    Intent(Intent),
    Faq(usize),
}

/// Below this similarity to its closest example, a question is not understood.
const MIN_SIMILARITY: f32 = 0.2;
/// An FAQ entry this similar wins over a product named in passing.
const STRONG_FAQ: f32 = 0.35;
/// A product named in full wins over any FAQ entry less similar than this.
const FULL_NAME_FAQ: f32 = 0.7;

/// The assistant: the intents' index, and the lender's catalog and FAQ once given.
pub struct Assistant {
    index: Index<Label>,
    faq: Faq,
    products: Vec<ProductView>,
    names: ProductNames,
}

impl Default for Assistant {
    fn default() -> Self {
        Self::new()
    }
}

impl Assistant {
    /// An assistant with the built-in intents and no catalog or FAQ.
    pub fn new() -> Self {
        let mut a = Assistant { index: Index::new([]), faq: Faq::default(), products: vec![], names: ProductNames::default() };
        a.reindex();
        a
    }

    /// Gives the lender's FAQ (replacing any earlier one).
    pub fn set_faq(&mut self, faq: Faq) {
        self.faq = faq;
        self.reindex();
    }

    /// Gives the product catalog's products (as checked by the credit model's catalog).
    pub fn set_products(&mut self, products: Vec<ProductView>) {
        self.products = products;
        self.reindex();
    }

    fn reindex(&mut self) {
        // Each comma-separated phrase of an example is an example of its own.
        let intents = intents::EXAMPLES.iter().flat_map(|&(i, t)| t.split([',', '，']).map(move |p| (Label::Intent(i), text::features(p))));
        let faq = self
            .faq
            .entries()
            .iter()
            .enumerate()
            .flat_map(|(k, e)| e.questions.0.iter().flatten().map(move |q| (Label::Faq(k), text::features(q))));
        self.index = Index::new(intents.chain(faq).collect::<Vec<_>>());
        self.names = ProductNames::new(&self.products, &self.faq);
    }

    /// Answers `question` in `ctx.lang` from what `ctx` knows of the applicant.
    pub fn ask(&self, question: &str, ctx: &Context) -> Answer {
        let lang = ctx.lang;
        let features = text::features(question);
        let hits = self.index.search(&features);
        let product = self.names.find(question, ctx.recommendations.as_ref());
        let (intent, faq, confidence) = self.classify(question, &hits, product.as_ref());
        let product_id = product.filter(|_| matches!(intent, Intent::Product | Intent::NotEligible)).map(|p| p.id);
        let contact = self.faq.entries().iter().position(|e| e.id == "contact");
        let faq = faq.or(if intent == Intent::Human { contact } else { None });
        let answer = answer::compose(intent, ctx, lang, self.product(product_id.as_deref()), faq.map(|k| &self.faq.entries()[k]));
        Answer {
            intent,
            product: product_id,
            faq: faq.map(|k| self.faq.entries()[k].id.clone()),
            answer,
            confidence: (confidence as f64 * 100.0).round() / 100.0,
            suggestions: answer::suggestions(intent, lang, ctx.report.is_some()),
        }
    }

    fn product(&self, id: Option<&str>) -> Option<&ProductView> {
        id.and_then(|id| self.products.iter().find(|p| p.id == id))
    }

    /// The intent (and FAQ entry) of a question, from its best matches and any product named.
    fn classify(&self, question: &str, hits: &[Hit<Label>], product: Option<&products::Found>) -> (Intent, Option<usize>, f32) {
        let best = hits.first().filter(|h| h.score >= MIN_SIMILARITY);
        let faq_score = best.filter(|h| matches!(h.label, Label::Faq(_))).map_or(0.0, |h| h.score);
        let full_name = product.is_some_and(|p| p.by_name && p.score >= 0.9);
        let strong_faq = faq_score >= if full_name { FULL_NAME_FAQ } else { STRONG_FAQ };
        if let Some(p) = product.filter(|_| !strong_faq) {
            let reasons = best.is_some_and(|h| h.label == Label::Intent(Intent::Reasons));
            let q = text::normalise(question);
            let why_not = intents::NOT_ELIGIBLE_CUES.iter().any(|c| crate::substr::find(&q, c).is_some()) || (p.ineligible && reasons);
            let intent = match best.map(|h| h.label) {
                _ if why_not => Intent::NotEligible,
                _ if p.by_name => Intent::Product,
                Some(Label::Intent(Intent::Products)) => Intent::Products,
                None | Some(Label::Intent(Intent::None)) => Intent::Product,
                Some(Label::Intent(other)) => other,
                Some(Label::Faq(_)) => Intent::Faq, // a product named only by its kind ("loan") loses to the FAQ
            };
            if matches!(intent, Intent::Product | Intent::NotEligible) {
                return (intent, None, p.score.max(best.map_or(0.0, |h| h.score)));
            }
        }
        match best {
            Some(h) => match h.label {
                Label::Intent(i) => (i, None, h.score),
                Label::Faq(k) => (Intent::Faq, Some(k), h.score),
            },
            None => (Intent::None, None, hits.first().map_or(0.0, |h| h.score)),
        }
    }
}
