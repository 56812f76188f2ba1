//! A third language shows through the whole API once it is added in `src/lang` and given in the
//! spec: the pseudo-locale `en-XA` (feature `test-lang`; every text `core` writes is the English
//! one in ⟦brackets⟧) with the shipped bundle, catalog and FAQ given `en-XA` texts the same way.
//! Every customer text of the schema, a report, what-if, recommendations, the questionnaire and
//! the assistant's answers must then be bracketed: a word left outside the brackets is a text
//! that bypassed the language module. Run by `scripts/test.sh` with `--features test-lang`.

use advisor_core::advisor::Advisor;
use advisor_core::applicant::Value;
use advisor_core::assist::{Assistant, Context, FaqParams};
use advisor_core::lang::{Lang, CODES};
use advisor_core::recommend::{questionnaire, Answers, CatalogParams, Propensities};
use serde_json::{json, Value as Json};

const LANG: Lang = Lang::Pseudo;

fn repo(path: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Gives every `{ "en": …, "zh-CN": … }` text of a JSON file an `en-XA` text, bracketed.
fn pseudo_localise(v: &mut Json) {
    let bracket = |s: &Json| s.as_str().map(|s| json!(format!("⟦{s}⟧")));
    match v {
        Json::Object(m) if m.contains_key("en") && m.keys().all(|k| CODES.contains(&k.as_str())) => {
            let xa = match &m["en"] {
                Json::Array(a) => Json::Array(a.iter().filter_map(bracket).collect()),
                s => bracket(s).expect("a text"),
            };
            m.insert(LANG.code().into(), xa);
        }
        Json::Object(m) => m.values_mut().for_each(pseudo_localise),
        Json::Array(a) => a.iter_mut().for_each(pseudo_localise),
        _ => {}
    }
}

fn localised(path: &str) -> Vec<u8> {
    let mut v: Json = serde_json::from_slice(&repo(path)).unwrap();
    pseudo_localise(&mut v);
    serde_json::to_vec(&v).unwrap()
}

/// The customer texts of an API result: the strings under these keys, anywhere in it.
const KEYS: [&str; 13] =
    ["text", "label", "message", "from", "to", "summary", "reasons", "reason", "hint", "answer", "suggestions", "question", "options"];

fn texts(v: &Json, keys: &[&str], out: &mut Vec<String>) {
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                match x {
                    Json::String(s) if keys.contains(&k.as_str()) => out.push(s.clone()),
                    Json::Array(a) if keys.contains(&k.as_str()) && a.iter().all(Json::is_string) => {
                        out.extend(a.iter().map(|s| s.as_str().unwrap().to_string()))
                    }
                    _ => texts(x, keys, out),
                }
            }
        }
        Json::Array(a) => a.iter().for_each(|x| texts(x, keys, out)),
        _ => {}
    }
}

/// What of `s` is outside ⟦brackets⟧ and is a word (two letters or more, or any CJK character).
fn leak(s: &str) -> Option<String> {
    let mut outside = String::new();
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '⟦' => depth += 1,
            '⟧' => depth -= 1,
            _ if depth == 0 => outside.push(c),
            _ => {}
        }
    }
    let words = outside.split(|c: char| !(c.is_alphabetic()));
    words.filter(|w| w.chars().count() >= 2 || w.chars().any(|c| c > '\u{2e80}')).map(String::from).next()
}

/// Checks the texts of `v` (and, with `names`, its `name`s: a product's, not a field's id).
fn check(what: &str, v: &Json, names: bool) -> usize {
    let mut all = vec![];
    let keys = [&KEYS[..], if names { &["name"] } else { &[] }].concat();
    texts(v, &keys, &mut all);
    for t in &all {
        assert!(leak(t).is_none(), "{what}: `{}` of {t:?} is not in {LANG}", leak(t).unwrap());
    }
    all.len()
}

#[test]
fn a_third_language_shows_through_the_whole_api() {
    assert_eq!(Lang::parse("en-xa"), Some(LANG));
    let adv = Advisor::load(&localised("models/german_credit/manifest.json"), &repo("models/german_credit/model.onnx")).unwrap();
    let schema = adv.schema(LANG);
    assert!(schema.languages.contains(&"en-XA"));
    let mut n = check("schema", &serde_json::to_value(&schema).unwrap(), false);

    // The tests' applicant (tests/fixtures/applicant.json: band E, reasons and exclusions), with
    // two fields not given and a loan outside the training range (warnings of both kinds).
    let fixture: serde_json::Map<String, Json> = serde_json::from_slice(&repo("tests/fixtures/applicant.json")).unwrap();
    let value = |k: &str, v: &Json| match (k, v.as_str().unwrap()) {
        ("checking_status" | "residence_since", _) => Value::Null,
        ("credit_amount", _) => Value::Number(90000.0),
        (_, v) => v.parse::<f64>().map_or(Value::Text(v.into()), Value::Number),
    };
    let raw = adv.read(fixture.iter().map(|(k, v)| (k.as_str(), value(k, v)))).unwrap();
    let report = adv.report(&raw, LANG).unwrap();
    assert!(!report.reasons.is_empty() && !report.warnings.is_empty(), "reasons and warnings to check: {report:?}");
    n += check("report", &serde_json::to_value(&report).unwrap(), false);
    let what_if = adv.what_if(&raw, LANG).unwrap();
    n += check("what-if", &serde_json::to_value(&what_if).unwrap(), false);

    let catalog = CatalogParams::parse(&localised("web/catalogs/german_credit.json"), adv.bundle().spec()).unwrap();
    let answers = Answers { objective: 2, horizon: 2, risk_tolerance: 2, capacity_for_loss: 1, knowledge: 1 };
    let recs = adv.recommend(&catalog, &raw, Some(&answers), &Propensities::default(), LANG).unwrap();
    assert!(!recs.eligible.is_empty() && !recs.ineligible.is_empty(), "products of both kinds to check");
    n += check("recommendations", &serde_json::to_value(&recs).unwrap(), true);
    let q: Vec<Json> = questionnaire()
        .iter()
        .map(|(_, q, o)| json!({"question": q.get(LANG), "options": o.iter().map(|o| o.get(LANG)).collect::<Vec<_>>()}))
        .collect();
    n += check("questionnaire", &Json::Array(q), false);

    let mut assistant = Assistant::new();
    assistant.set_products(catalog.products().iter().map(Into::into).collect());
    assistant.set_faq(FaqParams::parse(&localised("web/faqs/german_credit.json")).unwrap());
    let ctx = Context {
        lang: LANG,
        schema: Some((&schema).into()),
        report: Some((&report).into()),
        what_if: Some((&what_if).into()),
        recommendations: Some((&recs).into()),
    };
    for question in [
        "Why is my score so low?",
        "How can I improve my score?",
        "What does my band mean?",
        "What does refer mean?",
        "What does the number mean?",
        "Which products can I get?",
        "Why can't I get the premium credit card?",
        "Is my data sent anywhere?",
        "How is the score computed?",
        "Can I speak to a person?",
        "Can I repay my loan early?",
        "asdf qwerty",
    ] {
        let a = assistant.ask(question, &ctx);
        n += check(&format!("answer to {question:?} ({})", a.intent.id()), &serde_json::to_value(&a).unwrap(), false);
    }
    assert!(n > 100, "only {n} texts checked");
}
