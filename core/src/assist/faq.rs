//! The lender's FAQ: a JSON file the product team writes, checked on load with errors naming
//! the entry. Format (docs/assistant.md):
//!
//! ```json
//! { "entries": [ { "id": "repay-early",
//!     "questions": { "en": ["Can I repay my loan early?"], "zh-CN": ["可以提前还款吗？"] },
//!     "answer": { "en": "Yes. …", "zh-CN": "可以。…" } } ],
//!   "synonyms": { "term-deposit": { "en": ["fixed deposit"], "zh-CN": ["定存"] } } }
//! ```
//! An entry with id `contact` is also the answer to "speak to a person" (the `human` intent).
//! `synonyms` (optional) gives catalog products more names the assistant recognises.

use crate::error::{Error, Result};
use crate::json::{self, FromJson, Json, JsonResult, Keyed};
use crate::lang::ByLang;

/// Most entries an FAQ may have.
pub const MAX_ENTRIES: usize = 500;
/// Most example questions per entry and language.
pub const MAX_QUESTIONS: usize = 20;
/// Longest question, id or synonym (characters), and longest answer.
pub const MAX_QUESTION_CHARS: usize = 500;
pub const MAX_ANSWER_CHARS: usize = 4000;

/// One FAQ entry as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: String,
    pub questions: ByLang<Vec<String>>,
    pub answer: ByLang<String>,
}

impl FromJson for Entry {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        let mut f = json::Fields::of(v, at)?;
        let entry = Entry { id: f.req("id")?, questions: f.req("questions")?, answer: f.req("answer")? };
        f.deny_unknown()?;
        Ok(entry)
    }
}

/// An FAQ as written; check it with [`FaqParams::check`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FaqParams {
    pub entries: Vec<Entry>,
    /// More names for catalog products, by product id (optional).
    pub synonyms: Keyed<ByLang<Vec<String>>>,
}

impl FromJson for FaqParams {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        let mut f = json::Fields::of(v, at)?;
        let faq = FaqParams { entries: f.req("entries")?, synonyms: f.or_default("synonyms")? };
        f.deny_unknown()?;
        Ok(faq)
    }
}

/// A checked FAQ.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Faq {
    params: FaqParams,
}

impl FaqParams {
    /// Parses an FAQ file's JSON and checks it.
    pub fn parse(json: &[u8]) -> Result<Faq> {
        if json.len() > 4 << 20 {
            return Err(Error::Spec("faq: more than 4 MiB".into()));
        }
        json::read::<FaqParams>(json).map_err(|e| Error::Spec(format!("faq: {e}")))?.check()
    }

    /// Checks every entry: a unique, short id; at least one question; an answer in both
    /// languages; sizes within bounds. Errors name the entry.
    pub fn check(self) -> Result<Faq> {
        if self.entries.len() > MAX_ENTRIES {
            return Err(Error::Spec(format!("faq: {} entries, at most {MAX_ENTRIES}", self.entries.len())));
        }
        for (i, e) in self.entries.iter().enumerate() {
            let err = |m: String| Error::Spec(format!("faq: entry {} (`{}`): {m}", i + 1, e.id.chars().take(64).collect::<String>()));
            if e.id.trim().is_empty()
                || e.id.chars().count() > 64
                || !e.id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            {
                return Err(err("the id must be 1–64 letters, digits, '-', '_' or '.'".into()));
            }
            if self.entries[..i].iter().any(|o| o.id == e.id) {
                return Err(err("the id is used twice".into()));
            }
            let questions = &e.questions.0;
            if questions.iter().all(|q| q.iter().all(|s| s.trim().is_empty())) {
                return Err(err("needs at least one example question".into()));
            }
            if questions.iter().any(|q| q.len() > MAX_QUESTIONS || q.iter().any(|s| s.chars().count() > MAX_QUESTION_CHARS)) {
                return Err(err(format!("at most {MAX_QUESTIONS} questions per language, each at most {MAX_QUESTION_CHARS} characters")));
            }
            for (lang, answer) in e.answer.iter() {
                if answer.trim().is_empty() && lang.required() {
                    return Err(err(format!("the answer in {lang} is missing")));
                }
                if answer.chars().count() > MAX_ANSWER_CHARS {
                    return Err(err(format!("the answer in {lang} is longer than {MAX_ANSWER_CHARS} characters")));
                }
            }
        }
        for (id, names) in &self.synonyms.0 {
            let all = names.0.iter().flatten();
            if all.clone().count() > MAX_QUESTIONS || all.clone().any(|s| s.chars().count() > 100 || s.trim().is_empty()) {
                return Err(Error::Spec(format!(
                    "faq: synonyms of `{id}`: at most {MAX_QUESTIONS} non-empty names of up to 100 characters"
                )));
            }
        }
        Ok(Faq { params: self })
    }
}

impl Faq {
    /// The entries, as written.
    pub fn entries(&self) -> &[Entry] {
        &self.params.entries
    }
    /// The entry with this id.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.params.entries.iter().find(|e| e.id == id)
    }
    /// Extra names of catalog products, by product id.
    pub fn synonyms(&self) -> &Keyed<ByLang<Vec<String>>> {
        &self.params.synonyms
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    const GOOD: &str = r#"{ "entries": [ { "id": "repay-early",
        "questions": { "en": ["Can I repay my loan early?"], "zh-CN": ["可以提前还款吗？"] },
        "answer": { "en": "Yes.", "zh-CN": "可以。" } } ] }"#;

    #[test]
    fn a_good_faq_checks_and_bad_entries_are_named() {
        let faq = FaqParams::parse(GOOD.as_bytes()).unwrap();
        assert_eq!(faq.entry("repay-early").unwrap().answer.get(Lang::ZhCn), "可以。");
        for (bad, needle) in [
            (GOOD.replace("\"zh-CN\": \"可以。\"", "\"zh-CN\": \"\""), "entry 1 (`repay-early`): the answer in zh-CN is missing"),
            (GOOD.replace("repay-early", "repay early"), "the id must be"),
            (GOOD.replace("\"Can I repay my loan early?\"", "").replace("\"可以提前还款吗？\"", ""), "at least one example question"),
            (GOOD.replace("\"answer\"", "\"answers\""), "faq: entries[0]: missing field `answer`"),
            (GOOD.replace("\"zh-CN\": [", "\"zh\": ["), "faq: entries[0].questions: unknown field `zh`"),
            (GOOD.replace("\"Yes.\"", "\"Yes.\", \"extra\": 1"), "faq: entries[0].answer: unknown field `extra`"),
            ("[]".to_string(), "faq:"),
        ] {
            let e = FaqParams::parse(bad.as_bytes()).unwrap_err().to_string();
            assert!(e.contains(needle), "{e}");
        }
        let mut twice: FaqParams = json::read(GOOD.as_bytes()).unwrap();
        twice.entries.push(twice.entries[0].clone());
        assert!(twice.check().unwrap_err().to_string().contains("entry 2 (`repay-early`): the id is used twice"));
    }
}
