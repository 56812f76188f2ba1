//! What-if advice: for each field the spec marks actionable, the smallest change (in the
//! direction the spec allows) that alone lifts the applicant into the next better band.
//!
//! Categories are tried nearest first (in the spec's order). Numbers are scanned on a grid from
//! the current value to the field's bound, over the part of it where the score can change
//! (each whole number once for integer fields; nearest points first, stopping at the first
//! that reaches), then the crossing is narrowed in batched rounds (on whole numbers for
//! integer fields), so the advice is the threshold of the model shipped. The applicant is
//! prepared once ([`crate::runtime::Runtime::prepare`]) for all of it.

use serde::Serialize;

use crate::applicant::{display_value, json_value};
use crate::bundle::Bundle;
use crate::error::Result;
use crate::explain::Explainer;
use crate::lang::Lang;
use crate::preprocess::InputTransform;
use crate::runtime::RowScorer;
use crate::schema::{ColumnSpec, Direction};

/// Grid points per side when scanning a number.
const GRID: usize = 32;
/// Grid points scored at once, nearest first, until one reaches the target: two register
/// blocks of the dense kernel.
const GRID_PART: usize = 2 * advisor_kernel::ROWS;
/// Points scored at once in each round that narrows a crossing after the grid: one register
/// block of the dense kernel ([`advisor_kernel::ROWS`] rows share each weight load; fewer rows
/// go one by one at about a third of the rate).
const REFINE: usize = advisor_kernel::ROWS;
/// Points above the band's start a number's search aims at where its scores are whole rows'
/// only to float rounding (≤ 1e-6 in a probability, a few thousandths of a point at most): a
/// crossing narrowed to the start itself could then miss the band as a whole row by rounding
/// and be dropped. The value just short of the aim is scored as a whole row too, and advised
/// when it reaches ([`exact_hits`]), so the advice stays the smallest change.
const ROUNDING_MARGIN: f64 = 0.01;
/// Rounds of narrowing for non-integer fields: the crossing to 1/5⁷ (1/78,125) of a grid step
/// (integer fields narrow until no whole number is left between).
const ROUNDS: usize = 7;

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
    /// The applicant, prepared once for the searches of all fields.
    rows: &'a dyn RowScorer,
    i: usize,
}

impl Eval<'_> {
    /// Scores of the applicant with feature `i` set to each of `values`, to float rounding (a
    /// tree model walks again only the trees the change can move, a network adds the change to
    /// its first layer: [`crate::runtime::Runtime::predict_values`]).
    fn scores(&self, values: &[f32]) -> Result<Vec<f64>> {
        Ok(scores_of(self.bundle, &self.rows.predict_values(self.i, values)?))
    }

    /// The values of feature `i` between which its score can change: where the model reads
    /// only the encoding, the encoding's [`varying_range`](crate::preprocess::Preprocessor::varying_range)
    /// (`None`: no value changes it), else every value.
    fn varying(&self) -> Option<(f32, f32)> {
        if !self.bundle.runtime().reads_encoding_only() {
            return Some((f32::NEG_INFINITY, f32::INFINITY));
        }
        self.bundle.manifest().preprocessing.varying_range(self.i)
    }
}

/// `v` moved into `range`, where a number's encoding varies: to its nearest end (for a
/// whole-number field, the nearest whole number at or beyond that end, which encodes as the
/// end does), or `v` itself inside it.
fn into_range(col: &ColumnSpec, v: f32, (lo, hi): (f32, f32)) -> f32 {
    match (v > hi, v < lo, col.integer) {
        (true, _, true) => hi.ceil().min(v),
        (true, _, false) => hi,
        (_, true, true) => lo.floor().max(v),
        (_, true, false) => lo,
        _ => v,
    }
}

/// The hits as whole rows score them, each beside its near neighbour `below` if it has one
/// (a number's, which the search scored short of `target`): the neighbour when it reaches the
/// target after all, else the hit when it does; a hit neither reaches is not advised. (Float
/// rounding apart, the hit reaches and the neighbour does not.)
fn exact_hits(bundle: &Bundle, raw: &[f32], hits: &[Hit], below: &[Option<f32>], target: f64) -> Result<Vec<Hit>> {
    let neighbours: Vec<(usize, usize, f32)> = hits.iter().zip(below).enumerate().filter_map(|(k, (h, b))| Some((k, h.1, (*b)?))).collect();
    let changes: Vec<(usize, f32)> = hits.iter().map(|h| (h.1, h.2)).chain(neighbours.iter().map(|&(_, i, b)| (i, b))).collect();
    let exact = exact_scores(bundle, raw, &changes)?;
    let mut near: Vec<Option<(f32, f64)>> = vec![None; hits.len()];
    for (j, &(k, _, b)) in neighbours.iter().enumerate() {
        near[k] = Some((b, exact[hits.len() + j]));
    }
    let pick = |(k, &(size, i, v, _)): (usize, &Hit)| match near[k].filter(|&(_, s)| s >= target) {
        Some((b, s)) => Some((size, i, b, s)),
        None => (exact[k] >= target).then_some((size, i, v, exact[k])),
    };
    Ok(hits.iter().enumerate().filter_map(pick).collect())
}

/// The scores of `raw` with each `(feature, value)` change, as whole rows: what `score` gives
/// the changed applicant.
fn exact_scores(bundle: &Bundle, raw: &[f32], changes: &[(usize, f32)]) -> Result<Vec<f64>> {
    if changes.is_empty() {
        return Ok(vec![]);
    }
    let mut rows = crate::matrix::Matrix::with_capacity(changes.len(), raw.len());
    for (k, &(i, v)) in changes.iter().enumerate() {
        rows.push_row(raw);
        rows.row_mut(k)[i] = v;
    }
    Ok(scores_of(bundle, &bundle.runtime().predict(&rows)?))
}

/// Probabilities as the bundle's scores.
fn scores_of(bundle: &Bundle, p: &[f32]) -> Vec<f64> {
    p.iter().map(|&p| bundle.manifest().scaling.score(p as f64)).collect()
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

    let cols: Vec<&ColumnSpec> = bundle.spec().features().collect();
    let change = |i: usize, value: f32, score: f64| Change {
        field: cols[i].name.clone(),
        label: cols[i].label(lang).to_string(),
        from: display_value(cols[i], raw[i], lang),
        to: display_value(cols[i], value, lang),
        value: json_value(cols[i], value),
        score: (score * 10.0).round() / 10.0,
        band: cutoffs.band(score).name.clone(),
    };
    let found = search_fields(bundle, explainer, raw, target, score)?;
    // What is shown is what `score` gives the changed applicant: where the search's scores are
    // whole rows' only to float rounding, the hits (which sit right at the band's start) and
    // the improvements are scored again as whole rows.
    let exact = bundle.runtime().values_exact();
    let mut hits = if exact { found.hits } else { exact_hits(bundle, raw, &found.hits, &found.below, target)? };
    if !hits.is_empty() {
        hits.sort_by(|a, b| a.0.total_cmp(&b.0));
        out.changes = hits.into_iter().map(|(_, i, v, s)| change(i, v, s)).collect();
        return Ok(out);
    }
    let mut partial = found.partial;
    partial.sort_by(|a, b| b.0.total_cmp(&a.0));
    partial.truncate(MAX_IMPROVEMENTS);
    if !exact {
        let scores = exact_scores(bundle, raw, &partial.iter().map(|&(_, i, v)| (i, v)).collect::<Vec<_>>())?;
        partial.iter_mut().zip(scores).for_each(|(p, s)| p.0 = s);
    }
    out.improvements = partial.into_iter().filter(|p| p.0 >= score + 1.0).map(|(s, i, v)| change(i, v, s)).collect();
    Ok(out)
}

/// A field's smallest change reaching the target: (relative size, feature, value, score).
type Hit = (f64, usize, f32, f64);

/// What the searches of the actionable fields found.
struct Found {
    hits: Vec<Hit>,
    /// Each hit's neighbour on the near side, which the search scored short of the target
    /// (a number's; a category has none).
    below: Vec<Option<f32>>,
    /// Each field's best value when it raises the score by a point: (score, feature, value).
    partial: Vec<(f64, usize, f32)>,
}

/// Searches each actionable field of `raw` (scored `score`) for its smallest change reaching
/// `target`, and for its best value.
fn search_fields(bundle: &Bundle, explainer: &Explainer, raw: &[f32], target: f64, score: f64) -> Result<Found> {
    let pre = &bundle.manifest().preprocessing;
    let mut found = Found { hits: vec![], below: vec![], partial: vec![] };
    let rows = bundle.runtime().prepare(raw)?;
    let aim = if bundle.runtime().values_exact() { target } else { target + ROUNDING_MARGIN };
    for (i, col) in bundle.spec().features().enumerate() {
        if !col.actionable {
            continue;
        }
        let eval = Eval { bundle, raw, rows: rows.as_ref(), i };
        let dir = col.direction.unwrap_or(Direction::Any);
        let search = match &pre.inputs[i] {
            InputTransform::Categorical { n_codes, .. } => categorical(&eval, col, *n_codes, dir, target)?,
            InputTransform::Numeric { impute, .. } => numeric(&eval, col, explainer.candidates(i), *impute, dir, aim)?,
        };
        if let Some((value, s, size)) = search.hit {
            found.hits.push((size, i, value, s));
            found.below.push(search.below);
        }
        if let Some((value, s)) = search.best.filter(|&(_, s)| s >= score + 1.0) {
            found.partial.push((s, i, value));
        }
    }
    Ok(found)
}

/// What one field's search found.
struct Search {
    /// The smallest change reaching the target: (value, score, relative size of the change).
    hit: Option<(f32, f64, f64)>,
    /// The allowed value with the highest score seen: (value, score).
    best: Option<(f32, f64)>,
    /// A number's value next to the hit on the near side, scored short of the target.
    below: Option<f32>,
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
    Ok(Search { hit, best: best_of(&codes, &scores), below: None })
}

/// The crossing between `fail` (below `target`) and `pass` (reaching it), narrowed towards
/// `fail` in rounds of [`REFINE`] points scored in one batch (a round costs about what one
/// bisection step does, and narrows 5 times instead of 2): the value nearest `fail` that
/// reaches the target with its score, and the last value short of it.
fn narrow(eval: &Eval, col: &ColumnSpec, target: f64, mut fail: f32, mut pass: (f32, f64)) -> Result<((f32, f64), f32)> {
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
    Ok((pass, fail))
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
    let (mut top, mut below): (Option<(f32, f64)>, Option<f32>) = (None, None);
    let sides: &[f32] = match dir {
        Direction::Increase => &[hi],
        Direction::Decrease => &[lo],
        Direction::Any => &[hi, lo],
    };
    // Values beyond where the encoding varies score as its ends: the grid spans only the part
    // of each side where the score can change (from the current value or, outside that part,
    // the end it encodes as).
    let Some(range) = eval.varying() else { return Ok(Search { hit: None, best: None, below: None }) };
    let from = into_range(col, cur, range);
    for &end in sides {
        let end = into_range(col, end, range);
        if end == from {
            continue;
        }
        let mut grid: Vec<f32> = (1..=GRID).map(|j| snap(col, from + (end - from) * j as f32 / GRID as f32)).collect();
        // A whole-number field's grid repeats values where it spans fewer than GRID of them
        // (and may start at the current value): each other value is scored once, the first
        // crossing and its near neighbour are the same values.
        grid.dedup();
        grid.retain(|&v| v != cur && v != from);
        if grid.is_empty() {
            continue;
        }
        // Near points first, a few register blocks at a time, up to the first crossing: past
        // it only the field's best value would be learnt, which is advised only when no
        // field reaches the band.
        let mut scores = Vec::with_capacity(grid.len());
        let mut crossing = None;
        for part in grid.chunks(GRID_PART) {
            scores.extend(eval.scores(part)?);
            crossing = scores.iter().position(|&s| s >= target);
            if crossing.is_some() {
                break;
            }
        }
        if let Some(b) = best_of(&grid, &scores) {
            if top.is_none_or(|t| b.1 > t.1) {
                top = Some(b);
            }
        }
        let Some(j) = crossing else { continue };
        let fail = if j == 0 { from } else { grid[j - 1] };
        let ((pass, pass_score), fail) = narrow(eval, col, target, fail, (grid[j], scores[j]))?;
        let size = ((pass - cur).abs() / span) as f64;
        if best.is_none_or(|b| size < b.2) {
            (best, below) = (Some((pass, pass_score, size)), Some(fail));
        }
    }
    Ok(Search { hit: best, best: top, below })
}
