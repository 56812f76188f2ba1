//! Writing the answer to a recognised question, from the applicant's own figures (never an
//! invented one), and the follow-up questions to offer.

use super::context::{ChangeView, Context, SchemaView};
use super::context::{ProductView, RuleView};
use super::faq::Entry;
use super::intents::Intent;
use super::number;
use super::strings::{self as s, T};

/// Fills `{name}` slots of a text.
fn fill(t: &T, lang: &str, slots: &[(&str, String)]) -> String {
    let mut out = t.get(lang).to_string();
    for (k, v) in slots {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

fn points(v: f64) -> String {
    number::fixed(v, 0)
}

/// The answer text for `intent`.
pub fn compose(intent: Intent, ctx: &Context, lang: &str, product: Option<&ProductView>, entry: Option<&Entry>) -> String {
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

fn reasons(ctx: &Context, lang: &str) -> String {
    let Some(r) = &ctx.report else { return s::NO_RESULT.get(lang).into() };
    let slots = [("score", points(r.score)), ("band", r.band.name.clone())];
    if r.reasons.is_empty() {
        return fill(&s::NO_REASONS, lang, &slots);
    }
    let lines = r.reasons.iter().map(|x| fill(&s::REASON_LINE, lang, &[("text", x.text.clone()), ("points", number::fixed(x.points, 1))]));
    std::iter::once(fill(&s::REASONS_INTRO, lang, &slots)).chain(lines).collect::<Vec<_>>().join("\n")
}

fn change_lines<'a>(changes: &'a [ChangeView], lang: &'a str) -> impl Iterator<Item = String> + 'a {
    changes.iter().map(move |c| {
        fill(
            &s::CHANGE_LINE,
            lang,
            &[("label", c.label.clone()), ("from", c.from.clone()), ("to", c.to.clone()), ("score", points(c.score))],
        )
    })
}

fn improve(ctx: &Context, lang: &str) -> String {
    let (Some(r), Some(w)) = (&ctx.report, &ctx.what_if) else { return s::NO_RESULT.get(lang).into() };
    let Some(target) = &w.target else { return fill(&s::BEST_BAND, lang, &[("band", r.band.name.clone())]) };
    let slots = [("target", target.clone()), ("target_score", w.target_score.map(points).unwrap_or_default())];
    let (intro, list) = if w.changes.is_empty() { (&s::IMPROVE_PARTIAL, &w.improvements) } else { (&s::IMPROVE_INTRO, &w.changes) };
    if list.is_empty() {
        return s::NO_CHANGE.get(lang).into();
    }
    std::iter::once(fill(intro, lang, &slots)).chain(change_lines(list, lang)).collect::<Vec<_>>().join("\n")
}

fn band_list(schema: &SchemaView, lang: &str) -> String {
    let sep = if lang == "zh-CN" { "、" } else { ", " };
    schema.bands.iter().map(|b| format!("{} ({})", b.name, b.label)).collect::<Vec<_>>().join(sep)
}

fn band(ctx: &Context, lang: &str) -> String {
    let mut out = vec![];
    if let Some(r) = &ctx.report {
        out.push(fill(&s::BAND_YOURS, lang, &[("band", r.band.name.clone()), ("label", r.band.label.clone())]));
    }
    if let Some(schema) = ctx.schema.as_ref().filter(|s| !s.bands.is_empty()) {
        out.push(fill(&s::BAND_LIST, lang, &[("bands", band_list(schema, lang))]));
    }
    if ctx.report.is_none() {
        out.push(s::NO_RESULT.get(lang).into());
    }
    out.join("\n")
}

fn decision_text(id: &str, lang: &str) -> &'static str {
    match id {
        "approve" => s::DECISION_APPROVE.get(lang),
        "refer" => s::DECISION_REFER.get(lang),
        _ => s::DECISION_DECLINE.get(lang),
    }
}

fn decision(ctx: &Context, lang: &str) -> String {
    let mut out = vec![];
    if let Some(r) = &ctx.report {
        out.push(fill(&s::DECISION_YOURS, lang, &[("decision", decision_text(&r.decision, lang).into())]));
    }
    out.push(s::DECISION_EXPLAIN.get(lang).into());
    out.join("\n")
}

fn scale(ctx: &Context, lang: &str) -> String {
    let [min, max] = ctx.schema.as_ref().and_then(|s| s.score_range).unwrap_or([300.0, 850.0]);
    let mut out = vec![fill(&s::SCALE, lang, &[("min", points(min)), ("max", points(max))])];
    match &ctx.report {
        Some(r) => out.push(fill(&s::SCALE_YOURS, lang, &[("score", points(r.score))])),
        None => out.push(s::NO_RESULT.get(lang).into()),
    }
    out.join("\n")
}

fn products(ctx: &Context, lang: &str) -> String {
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

fn which_product(ctx: &Context, lang: &str) -> String {
    let names: Vec<String> =
        ctx.recommendations.iter().flat_map(|r| r.eligible.iter().chain(&r.ineligible)).map(|p| p.name.clone()).collect();
    if names.is_empty() {
        return s::NO_CATALOG.get(lang).into();
    }
    fill(&s::WHICH_PRODUCT, lang, &[("names", names.join(s::LIST_SEP.get(lang)))])
}

/// A rule in words, with the schema's labels where it has them.
fn rule_text(rule: &RuleView, schema: Option<&SchemaView>, lang: &str) -> String {
    let zh = lang == "zh-CN";
    let field = rule.field.as_deref().and_then(|f| schema.and_then(|s| s.fields.iter().find(|x| x.name == f)));
    let label = match (field, rule.result.as_deref()) {
        (Some(f), _) => f.label.clone(),
        (None, Some("probability")) => (if zh { "估计风险" } else { "estimated risk" }).into(),
        (None, Some(_)) => (if zh { "分数" } else { "score" }).into(),
        (None, None) => rule.field.clone().unwrap_or_default(),
    };
    let pct = rule.result.as_deref() == Some("probability");
    let num = |v: f64| if pct { format!("{}%", number::fixed(v * 100.0, 0)) } else { number::plain(v) };
    let mut parts = vec![];
    match (rule.min, rule.max) {
        (Some(a), Some(b)) => parts.push(format!(
            "{label} {} {} {}",
            if zh { "在" } else { "from" },
            num(a),
            if zh { format!("至 {}", num(b)) } else { format!("to {}", num(b)) }
        )),
        (Some(a), None) => parts.push(format!("{label} {} {}", if zh { "不低于" } else { "at least" }, num(a))),
        (None, Some(b)) => parts.push(format!("{label} {} {}", if zh { "不高于" } else { "at most" }, num(b))),
        (None, None) => {}
    }
    if let Some(values) = &rule.allowed {
        let shown: Vec<String> = values
            .iter()
            .map(|v| field.and_then(|f| f.categories.iter().find(|c| &c.value == v)).map_or(v.clone(), |c| c.label.clone()))
            .collect();
        parts.push(format!("{label}{}{}", if zh { "：" } else { ": " }, shown.join(if zh { " 或 " } else { " or " })));
    }
    parts.join(if zh { "，" } else { ", " })
}

fn about_product(p: &ProductView, ctx: &Context, lang: &str) -> String {
    let name = p.name.get_or(lang, &p.id).to_string();
    let mut out = vec![fill(&s::PRODUCT_ABOUT, lang, &[("name", name), ("summary", p.summary.get(lang).to_string())])];
    let rules: Vec<String> = p.rules.iter().map(|r| rule_text(r, ctx.schema.as_ref(), lang)).filter(|r| !r.is_empty()).collect();
    out.push(if rules.is_empty() {
        s::PRODUCT_NO_RULES.get(lang).into()
    } else {
        fill(&s::PRODUCT_RULES, lang, &[("rules", rules.join(s::LIST_SEP.get(lang)))])
    });
    if let Some(recs) = &ctx.recommendations {
        if let Some(x) = recs.ineligible.iter().find(|x| x.id == p.id) {
            out.push(fill(&s::PRODUCT_INELIGIBLE, lang, &[("reason", x.reason.clone())]));
        } else if recs.eligible.iter().any(|x| x.id == p.id) {
            out.push(s::PRODUCT_ELIGIBLE.get(lang).into());
        }
    }
    out.join("\n")
}

fn not_eligible(p: &ProductView, ctx: &Context, lang: &str) -> String {
    let name = p.name.get_or(lang, &p.id).to_string();
    let Some(recs) = &ctx.recommendations else { return about_product(p, ctx, lang) + "\n" + s::NO_RESULT.get(lang) };
    match recs.ineligible.iter().find(|x| x.id == p.id) {
        Some(x) => fill(&s::NOT_ELIGIBLE, lang, &[("name", name), ("reason", x.reason.clone())]),
        None if recs.eligible.iter().any(|x| x.id == p.id) => fill(&s::IS_ELIGIBLE, lang, &[("name", name)]),
        None => about_product(p, ctx, lang),
    }
}

fn model(ctx: &Context, lang: &str) -> String {
    match ctx.schema.as_ref().filter(|s| !s.fields.is_empty()) {
        Some(schema) => {
            let sep = if lang == "zh-CN" { "、" } else { ", " };
            let fields = schema.fields.iter().map(|f| f.label.as_str()).collect::<Vec<_>>().join(sep);
            fill(&s::MODEL, lang, &[("fields", fields)])
        }
        None => s::MODEL_NO_SCHEMA.get(lang).into(),
    }
}

/// Two to four follow-up questions for an answer of `intent`.
pub fn suggestions(intent: Intent, lang: &str, has_result: bool) -> Vec<String> {
    let pick: &[&T] = match intent {
        Intent::Reasons => &[&s::ASK_IMPROVE, &s::ASK_BAND, &s::ASK_MODEL],
        Intent::Improve => &[&s::ASK_REASONS, &s::ASK_PRODUCTS, &s::ASK_BAND],
        Intent::Band | Intent::ScoreScale => &[&s::ASK_REASONS, &s::ASK_IMPROVE, &s::ASK_DECISION],
        Intent::Decision => &[&s::ASK_REASONS, &s::ASK_IMPROVE, &s::ASK_HUMAN],
        Intent::Products | Intent::Product | Intent::NotEligible => &[&s::ASK_PRODUCTS, &s::ASK_IMPROVE, &s::ASK_REASONS],
        Intent::Privacy | Intent::Model => &[&s::ASK_PRIVACY, &s::ASK_MODEL, &s::ASK_REASONS],
        Intent::Human | Intent::Faq | Intent::None if has_result => &[&s::ASK_REASONS, &s::ASK_IMPROVE, &s::ASK_PRODUCTS, &s::ASK_HUMAN],
        Intent::Human | Intent::Faq | Intent::None => &[&s::ASK_PRIVACY, &s::ASK_SCALE, &s::ASK_MODEL],
    };
    let own = match intent {
        Intent::Privacy => Some(&s::ASK_PRIVACY),
        Intent::Model => Some(&s::ASK_MODEL),
        Intent::Products => Some(&s::ASK_PRODUCTS),
        _ => None,
    };
    pick.iter().filter(|t| own.is_none_or(|o| t.en != o.en)).map(|t| t.get(lang).to_string()).collect()
}
