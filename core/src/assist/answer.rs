//! Writing the answer to a recognised question, from the applicant's own figures (never an
//! invented one), and the follow-up questions to offer.

use super::context::{ChangeView, Context, SchemaView};
use super::context::{ProductView, RuleView};
use super::faq::Entry;
use super::intents::Intent;
use super::number;
use crate::lang::assistant as s;
use crate::lang::{messages as m, Lang, Msg};

fn points(v: f64) -> String {
    number::fixed(v, 0)
}

/// The answer text for `intent`.
pub fn compose(intent: Intent, ctx: &Context, lang: Lang, product: Option<&ProductView>, entry: Option<&Entry>) -> String {
    if let Some(e) = entry {
        return e.answer.get(lang).clone();
    }
    match intent {
        Intent::Reasons => reasons(ctx, lang),
        Intent::Improve => improve(ctx, lang),
        Intent::Band => band(ctx, lang),
        Intent::Decision => decision(ctx, lang),
        Intent::ScoreScale => scale(ctx, lang),
        Intent::Products => products(ctx, lang),
        Intent::Product => product.map_or_else(|| which_product(ctx, lang), |p| about_product(p, ctx, lang)),
        Intent::NotEligible => product.map_or_else(|| which_product(ctx, lang), |p| not_eligible(p, ctx, lang)),
        Intent::Privacy => s::PRIVACY.get(lang).into(),
        Intent::Model => model(ctx, lang),
        Intent::Human | Intent::Faq => s::HUMAN.get(lang).into(),
        Intent::None => s::NONE.get(lang).into(),
    }
}

fn reasons(ctx: &Context, lang: Lang) -> String {
    let Some(r) = &ctx.report else { return s::NO_RESULT.get(lang).into() };
    let slots = [("score", points(r.score)), ("band", r.band.name.clone())];
    if r.reasons.is_empty() {
        return s::NO_REASONS.fill(lang, &slots);
    }
    let lines = r.reasons.iter().map(|x| s::REASON_LINE.fill(lang, &[("text", x.text.clone()), ("points", number::fixed(x.points, 1))]));
    std::iter::once(s::REASONS_INTRO.fill(lang, &slots)).chain(lines).collect::<Vec<_>>().join("\n")
}

fn change_lines<'a>(changes: &'a [ChangeView], lang: Lang) -> impl Iterator<Item = String> + 'a {
    changes.iter().map(move |c| {
        s::CHANGE_LINE.fill(lang, &[("label", c.label.clone()), ("from", c.from.clone()), ("to", c.to.clone()), ("score", points(c.score))])
    })
}

fn improve(ctx: &Context, lang: Lang) -> String {
    let (Some(r), Some(w)) = (&ctx.report, &ctx.what_if) else { return s::NO_RESULT.get(lang).into() };
    let Some(target) = &w.target else { return s::BEST_BAND.fill(lang, &[("band", r.band.name.clone())]) };
    let slots = [("target", target.clone()), ("target_score", w.target_score.map(points).unwrap_or_default())];
    let (intro, list) = if w.changes.is_empty() { (s::IMPROVE_PARTIAL, &w.improvements) } else { (s::IMPROVE_INTRO, &w.changes) };
    if list.is_empty() {
        return s::NO_CHANGE.get(lang).into();
    }
    std::iter::once(intro.fill(lang, &slots)).chain(change_lines(list, lang)).collect::<Vec<_>>().join("\n")
}

fn band_list(schema: &SchemaView, lang: Lang) -> String {
    schema.bands.iter().map(|b| format!("{} ({})", b.name, b.label)).collect::<Vec<_>>().join(m::ENUM_SEP.get(lang))
}

fn band(ctx: &Context, lang: Lang) -> String {
    let mut out = vec![];
    if let Some(r) = &ctx.report {
        out.push(s::BAND_YOURS.fill(lang, &[("band", r.band.name.clone()), ("label", r.band.label.clone())]));
    }
    if let Some(schema) = ctx.schema.as_ref().filter(|s| !s.bands.is_empty()) {
        out.push(s::BAND_LIST.fill(lang, &[("bands", band_list(schema, lang))]));
    }
    if ctx.report.is_none() {
        out.push(s::NO_RESULT.get(lang).into());
    }
    out.join("\n")
}

fn decision_text(id: &str, lang: Lang) -> &'static str {
    match id {
        "approve" => s::DECISION_APPROVE.get(lang),
        "refer" => s::DECISION_REFER.get(lang),
        _ => s::DECISION_DECLINE.get(lang),
    }
}

fn decision(ctx: &Context, lang: Lang) -> String {
    let mut out = vec![];
    if let Some(r) = &ctx.report {
        out.push(s::DECISION_YOURS.fill(lang, &[("decision", decision_text(&r.decision, lang))]));
    }
    out.push(s::DECISION_EXPLAIN.get(lang).into());
    out.join("\n")
}

fn scale(ctx: &Context, lang: Lang) -> String {
    let [min, max] = ctx.schema.as_ref().and_then(|s| s.score_range).unwrap_or([300.0, 850.0]);
    let mut out = vec![s::SCALE.fill(lang, &[("min", points(min)), ("max", points(max))])];
    match &ctx.report {
        Some(r) => out.push(s::SCALE_YOURS.fill(lang, &[("score", points(r.score))])),
        None => out.push(s::NO_RESULT.get(lang).into()),
    }
    out.join("\n")
}

fn products(ctx: &Context, lang: Lang) -> String {
    let Some(recs) = &ctx.recommendations else {
        return if ctx.report.is_some() { s::NO_CATALOG.get(lang).into() } else { s::NO_RESULT.get(lang).into() };
    };
    if recs.eligible.is_empty() {
        return s::PRODUCTS_NONE.get(lang).into();
    }
    std::iter::once(s::PRODUCTS_INTRO.get(lang).to_string())
        .chain(recs.eligible.iter().map(|p| p.name.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn which_product(ctx: &Context, lang: Lang) -> String {
    let names: Vec<String> =
        ctx.recommendations.iter().flat_map(|r| r.eligible.iter().chain(&r.ineligible)).map(|p| p.name.clone()).collect();
    if names.is_empty() {
        return s::NO_CATALOG.get(lang).into();
    }
    s::WHICH_PRODUCT.fill(lang, &[("names", names.join(m::LIST_SEP.get(lang)))])
}

/// A rule in words, with the schema's labels where it has them.
fn rule_text(rule: &RuleView, schema: Option<&SchemaView>, lang: Lang) -> String {
    let field = rule.field.as_deref().and_then(|f| schema.and_then(|s| s.fields.iter().find(|x| x.name == f)));
    let label = match (field, rule.result.as_deref()) {
        (Some(f), _) => f.label.clone(),
        (None, Some("probability")) => s::ESTIMATED_RISK.get(lang).into(),
        (None, Some(_)) => s::SCORE.get(lang).into(),
        (None, None) => rule.field.clone().unwrap_or_default(),
    };
    let pct = rule.result.as_deref() == Some("probability");
    let num = |v: f64| if pct { format!("{}%", number::fixed(v * 100.0, 0)) } else { number::plain(v) };
    let mut parts = vec![];
    match (rule.min, rule.max) {
        (Some(a), Some(b)) => parts.push(s::RULE_RANGE.fill(lang, &[("label", label.clone()), ("min", num(a)), ("max", num(b))])),
        (Some(a), None) => parts.push(s::RULE_MIN.fill(lang, &[("label", label.clone()), ("min", num(a))])),
        (None, Some(b)) => parts.push(s::RULE_MAX.fill(lang, &[("label", label.clone()), ("max", num(b))])),
        (None, None) => {}
    }
    if let Some(values) = &rule.allowed {
        let shown: Vec<String> = values
            .iter()
            .map(|v| field.and_then(|f| f.categories.iter().find(|c| &c.value == v)).map_or(v.clone(), |c| c.label.clone()))
            .collect();
        parts.push(format!("{label}{}{}", m::LABEL_SEP.get(lang), shown.join(m::OR.get(lang))));
    }
    parts.join(m::CLAUSE_SEP.get(lang))
}

fn about_product(p: &ProductView, ctx: &Context, lang: Lang) -> String {
    let name = p.name.get_or(lang, &p.id).to_string();
    let mut out = vec![s::PRODUCT_ABOUT.fill(lang, &[("name", name), ("summary", p.summary.get(lang).to_string())])];
    let rules: Vec<String> = p.rules.iter().map(|r| rule_text(r, ctx.schema.as_ref(), lang)).filter(|r| !r.is_empty()).collect();
    out.push(if rules.is_empty() {
        s::PRODUCT_NO_RULES.get(lang).into()
    } else {
        s::PRODUCT_RULES.fill(lang, &[("rules", rules.join(m::LIST_SEP.get(lang)))])
    });
    if let Some(recs) = &ctx.recommendations {
        if let Some(x) = recs.ineligible.iter().find(|x| x.id == p.id) {
            out.push(s::PRODUCT_INELIGIBLE.fill(lang, &[("reason", x.reason.clone())]));
        } else if recs.eligible.iter().any(|x| x.id == p.id) {
            out.push(s::PRODUCT_ELIGIBLE.get(lang).into());
        }
    }
    out.join("\n")
}

fn not_eligible(p: &ProductView, ctx: &Context, lang: Lang) -> String {
    let name = p.name.get_or(lang, &p.id).to_string();
    let Some(recs) = &ctx.recommendations else { return about_product(p, ctx, lang) + "\n" + s::NO_RESULT.get(lang) };
    match recs.ineligible.iter().find(|x| x.id == p.id) {
        Some(x) => s::NOT_ELIGIBLE.fill(lang, &[("name", name), ("reason", x.reason.clone())]),
        None if recs.eligible.iter().any(|x| x.id == p.id) => s::IS_ELIGIBLE.fill(lang, &[("name", name)]),
        None => about_product(p, ctx, lang),
    }
}

fn model(ctx: &Context, lang: Lang) -> String {
    match ctx.schema.as_ref().filter(|s| !s.fields.is_empty()) {
        Some(schema) => {
            let fields = schema.fields.iter().map(|f| f.label.clone()).collect::<Vec<_>>().join(m::ENUM_SEP.get(lang));
            s::MODEL.fill(lang, &[("fields", fields)])
        }
        None => s::MODEL_NO_SCHEMA.get(lang).into(),
    }
}

/// Two to four follow-up questions for an answer of `intent`.
pub fn suggestions(intent: Intent, lang: Lang, has_result: bool) -> Vec<String> {
    let pick: &[Msg] = match intent {
        Intent::Reasons => &[s::ASK_IMPROVE, s::ASK_BAND, s::ASK_MODEL],
        Intent::Improve => &[s::ASK_REASONS, s::ASK_PRODUCTS, s::ASK_BAND],
        Intent::Band | Intent::ScoreScale => &[s::ASK_REASONS, s::ASK_IMPROVE, s::ASK_DECISION],
        Intent::Decision => &[s::ASK_REASONS, s::ASK_IMPROVE, s::ASK_HUMAN],
        Intent::Products | Intent::Product | Intent::NotEligible => &[s::ASK_PRODUCTS, s::ASK_IMPROVE, s::ASK_REASONS],
        Intent::Privacy | Intent::Model => &[s::ASK_PRIVACY, s::ASK_MODEL, s::ASK_REASONS],
        Intent::Human | Intent::Faq | Intent::None if has_result => &[s::ASK_REASONS, s::ASK_IMPROVE, s::ASK_PRODUCTS, s::ASK_HUMAN],
        Intent::Human | Intent::Faq | Intent::None => &[s::ASK_PRIVACY, s::ASK_SCALE, s::ASK_MODEL],
    };
    let own = match intent {
        Intent::Privacy => Some(s::ASK_PRIVACY),
        Intent::Model => Some(s::ASK_MODEL),
        Intent::Products => Some(s::ASK_PRODUCTS),
        _ => None,
    };
    pick.iter().filter(|t| own.is_none_or(|o| **t != o)).map(|t| t.get(lang).to_string()).collect()
}
