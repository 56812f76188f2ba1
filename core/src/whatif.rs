//! What-if advice: for each field the spec marks actionable, the smallest change (in the
//! direction the spec allows) that alone lifts the applicant into the next better band.
//!
//! Categories are tried nearest first (in the spec's order). Numbers are scanned on a grid from
//! the current value to the field's bound, then the crossing is narrowed in batched rounds (on
//! whole numbers for integer fields), so the advice is the threshold of the model shipped.

use serde::Serialize;

use crate::applicant::{display_value, json_value};
use crate::bundle::Bundle;
use crate::error::Result;
use crate::explain::Explainer;
use crate::lang::Lang;
use crate::preprocess::InputTransform;
use crate::schema::{ColumnSpec, Direction};

/// Grid points per side when scanning a number.
const GRID: usize = 32;
/// Points scored at once in each round that narrows a crossing after the grid.
const REFINE: usize = 15;
/// Rounds of narrowing for non-integer fields: the crossing to 1/16⁴ of a grid step (integer
/// fields narrow until no whole number is left between).
const ROUNDS: usize = 4;

/// One change that reaches the target band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub field: String,
    pub label: String,
    /// The current value, as displayed.
    pub from: String,
    /// The new value, as displayed.
    pub to: String,
    /// The new value as it would be sent (number or category value).
    pub value: serde_json::Value,
    /// The score with this change.
    pub score: f64,
    /// The band with this change.
    pub band: String,
}

/// The advice for one applicant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIf {
    /// The current band.
    pub band: String,
    /// The band aimed at (the next better one), if the applicant is not in the best band.
    pub target: Option<String>,
    /// The score that band starts at.
    pub target_score: Option<f64>,
    /// Single-field changes that reach the target, smallest relative change first.
    pub changes: Vec<Change>,
    /// When no single change reaches the target: the single changes that raise the score the
    /// most (at least one point), largest gain first, at most [`MAX_IMPROVEMENTS`].
    pub improvements: Vec<Change>,
}

/// Most partial improvements listed.
pub const MAX_IMPROVEMENTS: usize = 3;

struct Eval<'a> {
    bundle: &'a Bundle,
    raw: &'a [f32],
    i: usize,
}

impl Eval<'_> {
    /// Scores of the applicant with feature `i` set to each of `values` (a tree model walks
    /// again only the trees the change can move: [`crate::runtime::Runtime::predict_values`]).
    fn scores(&self, values: &[f32]) -> Result<Vec<f64>> {
        let p = self.bundle.runtime().predict_values(self.raw, self.i, values)?;
        Ok(p.iter().map(|&p| self.bundle.manifest().scaling.score(p as f64)).collect())
    }
}

/// The advice for raw row `raw` (whose score is `score`).
pub fn what_if(bundle: &Bundle, explainer: &Explainer, raw: &[f32], score: f64, lang: Lang) -> Result<WhatIf> {
    let cutoffs = &bundle.manifest().cutoffs;
    let band = cutoffs.band(score);
    let at = cutoffs.bands.iter().position(|b| b.name == band.name).unwrap_or(0);
    let mut out = WhatIf { band: band.name.clone(), target: None, target_score: None, changes: vec![], improvements: vec![] };
    if at == 0 {
        return Ok(out);
    }
    let target = cutoffs.bands[at - 1].min_score;
    out.target = Some(cutoffs.bands[at - 1].name.clone());
    out.target_score = Some(target);

    let pre = &bundle.manifest().preprocessing;
    let change = |col: &ColumnSpec, i: usize, value: f32, score: f64| Change {
        field: col.name.clone(),
        label: col.label(lang).to_string(),
        from: display_value(col, raw[i], lang),
        to: display_value(col, value, lang),
        value: json_value(col, value),
        score: (score * 10.0).round() / 10.0,
        band: cutoffs.band(score).name.clone(),
    };
    let mut found: Vec<(f64, Change)> = vec![];
    let mut partial: Vec<(f64, Change)> = vec![];
    for (i, col) in bundle.spec().features().enumerate() {
        if !col.actionable {
            continue;
        }
        let eval = Eval { bundle, raw, i };
        let dir = col.direction.unwrap_or(Direction::Any);
        let search = match &pre.inputs[i] {
            InputTransform::Categorical { n_codes, .. } => categorical(&eval, col, *n_codes, dir, target)?,
            InputTransform::Numeric { impute, .. } => numeric(&eval, col, explainer.candidates(i), *impute, dir, target)?,
        };
        if let Some((value, s, size)) = search.hit {
            found.push((size, change(col, i, value, s)));
        }
        if let Some((value, s)) = search.best {
            if s >= score + 1.0 {
                partial.push((s, change(col, i, value, s)));
            }
        }
    }
    found.sort_by(|a, b| a.0.total_cmp(&b.0));
    out.changes = found.into_iter().map(|(_, c)| c).collect();
    if out.changes.is_empty() {
        partial.sort_by(|a, b| b.0.total_cmp(&a.0));
        out.improvements = partial.into_iter().take(MAX_IMPROVEMENTS).map(|(_, c)| c).collect();
    }
    Ok(out)
}

/// What one field's search found.
struct Search {
    /// The smallest change reaching the target: (value, score, relative size of the change).
    hit: Option<(f32, f64, f64)>,
    /// The allowed value with the highest score seen: (value, score).
    best: Option<(f32, f64)>,
}

fn best_of(values: &[f32], scores: &[f64]) -> Option<(f32, f64)> {
    values.iter().copied().zip(scores.iter().copied()).max_by(|a, b| a.1.total_cmp(&b.1))
}

/// The nearest allowed category reaching `target`: one the spec lets advice suggest, and in
/// the field's direction along the categories' order (from a value outside that order —
/// missing, or itself not advisable like "no account" — any advisable one).
fn categorical(eval: &Eval, col: &ColumnSpec, n_codes: u32, dir: Direction, target: f64) -> Result<Search> {
    let cur = eval.raw[eval.i];
    let free = cur.is_nan() || !col.advisable(cur) || matches!(dir, Direction::Any);
    let mut codes: Vec<f32> = (0..n_codes)
        .map(|c| c as f32)
        .filter(|&c| c != cur && col.advisable(c))
        .filter(|&c| free || (dir == Direction::Increase) == (c > cur))
        .collect();
    codes.sort_by(|a, b| (a - cur).abs().total_cmp(&(b - cur).abs()).then(a.total_cmp(b)));
    let scores = eval.scores(&codes)?;
    let hit = codes
        .iter()
        .zip(&scores)
        .find(|(_, &s)| s >= target)
        .map(|(&c, &s)| (c, s, if cur.is_nan() { 1.0 } else { (c - cur).abs() as f64 / n_codes.max(1) as f64 }));
    Ok(Search { hit, best: best_of(&codes, &scores) })
}

/// The crossing between `fail` (below `target`) and `pass` (reaching it), narrowed towards
/// `fail` in rounds of [`REFINE`] points scored in one batch (a round costs about what one
/// bisection step did, and narrows 16 times instead of 2): the value nearest `fail` that
/// reaches the target, and its score.
fn narrow(eval: &Eval, col: &ColumnSpec, target: f64, mut fail: f32, mut pass: (f32, f64)) -> Result<(f32, f64)> {
    // Whole numbers stop when none is left between (64 rounds bound even a 2^64 range).
    for _ in 0..if col.integer { 64 } else { ROUNDS } {
        let step = (pass.0 - fail) / (REFINE + 1) as f32;
        let mut points: Vec<f32> = (1..=REFINE).map(|k| snap(col, fail + step * k as f32)).collect();
        points.dedup();
        points.retain(|&v| v != fail && v != pass.0);
        if points.is_empty() {
            break;
        }
        let scores = eval.scores(&points)?;
        match scores.iter().position(|&s| s >= target) {
            Some(k) => {
                pass = (points[k], scores[k]);
                fail = if k == 0 { fail } else { points[k - 1] };
            }
            None => fail = *points.last().expect("not empty"),
        }
    }
    Ok(pass)
}

/// A value a number field can take: whole for integer fields.
fn snap(col: &ColumnSpec, v: f32) -> f32 {
    if col.integer {
        v.round()
    } else {
        v
    }
}

/// The smallest move of a number reaching `target`.
fn numeric(eval: &Eval, col: &ColumnSpec, cands: &[f32], impute: f32, dir: Direction, target: f64) -> Result<Search> {
    let cur = if eval.raw[eval.i].is_nan() { impute } else { eval.raw[eval.i] };
    let lo = col.min.map(|v| v as f32).unwrap_or_else(|| cands.first().copied().unwrap_or(cur).min(cur));
    let hi = col.max.map(|v| v as f32).unwrap_or_else(|| cands.last().copied().unwrap_or(cur).max(cur));
    let span = (hi - lo).max(f32::MIN_POSITIVE);
    let mut best: Option<(f32, f64, f64)> = None;
    let mut top: Option<(f32, f64)> = None;
    let sides: &[f32] = match dir {
        Direction::Increase => &[hi],
        Direction::Decrease => &[lo],
        Direction::Any => &[hi, lo],
    };
    for &end in sides {
        if end == cur {
            continue;
        }
        let grid: Vec<f32> = (1..=GRID).map(|j| snap(col, cur + (end - cur) * j as f32 / GRID as f32)).collect();
        let scores = eval.scores(&grid)?;
        if let Some(b) = best_of(&grid, &scores) {
            if top.is_none_or(|t| b.1 > t.1) {
                top = Some(b);
            }
        }
        let Some(j) = scores.iter().position(|&s| s >= target) else { continue };
        let fail = if j == 0 { cur } else { grid[j - 1] };
        let (pass, pass_score) = narrow(eval, col, target, fail, (grid[j], scores[j]))?;
        let size = ((pass - cur).abs() / span) as f64;
        if best.is_none_or(|b| size < b.2) {
            best = Some((pass, pass_score, size));
        }
    }
    Ok(Search { hit: best, best: top })
}
