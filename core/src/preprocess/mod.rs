//! Preprocessing fitted on the training part only: imputation with missing indicators, a
//! robust numeric encoding, and one-hot with an unknown bucket.
//!
//! The fitted [`Preprocessor`] is plain data stored in the bundle. [`crate::graph`] writes the
//! same computation as ONNX nodes, op for op, so that the graph, this code and the wasm build
//! give the same numbers.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::schema::Spec;

mod summary;
pub use summary::{ColumnSummary, NumericSummary, Summary};

/// How numeric inputs are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum NumericEncoding {
    /// Piecewise-linear encoding over training quantile bins (Gorishniy et al., 2022):
    /// one output per bin, 0 below it, 1 above it, linear inside.
    Ple,
    /// Clip to the training quantiles `clip_quantile` and `1 - clip_quantile`, then standardise.
    Standard,
    /// Both: the clipped standardised value followed by the piecewise-linear bins. The
    /// default: it measured best of the three (BENCHMARKS.md).
    #[default]
    Hybrid,
}

/// Preprocessing settings; check them with [`PreprocessParams::check`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreprocessParams {
    pub numeric: NumericEncoding,
    /// Number of quantile bins for [`NumericEncoding::Ple`].
    pub bins: usize,
    /// Tail share clipped by [`NumericEncoding::Standard`].
    pub clip_quantile: f32,
    /// Categories seen fewer times than this in training go to the unknown bucket.
    pub min_category_count: usize,
    /// Value pairs of a cross seen fewer times than this in training go to its unknown bucket.
    #[serde(default = "default_min_cross_count")]
    pub min_cross_count: usize,
}

fn default_min_cross_count() -> usize {
    25
}

impl Default for PreprocessParams {
    fn default() -> Self {
        Self {
            numeric: NumericEncoding::Hybrid,
            bins: 16,
            clip_quantile: 0.01,
            min_category_count: 1,
            min_cross_count: default_min_cross_count(),
        }
    }
}

/// Checked [`PreprocessParams`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValidPreprocessParams(PreprocessParams);

impl PreprocessParams {
    pub fn check(self) -> Result<ValidPreprocessParams> {
        if !(2..=256).contains(&self.bins) {
            return Err(Error::Param { name: "bins", reason: format!("{} is not in 2..=256", self.bins) });
        }
        if !(0.0..0.5).contains(&self.clip_quantile) {
            return Err(Error::Param { name: "clip_quantile", reason: format!("{} is not in [0, 0.5)", self.clip_quantile) });
        }
        Ok(ValidPreprocessParams(self))
    }
}

/// One encoded output of a numeric input: `clamp((x - shift) * scale, lo, hi)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Piece {
    pub shift: f32,
    pub scale: f32,
    pub lo: f32,
    pub hi: f32,
}

impl Piece {
    /// The encoded value; the graph computes `Min(Max((x - shift) * scale, lo), hi)`. (As
    /// `f32::max` then `f32::min`, NaN reading as `lo`, written as two compares: wasm has no
    /// instruction for Rust's NaN-ignoring max and min, and their longer sequences made a
    /// quarter of the browser batch's encoding, BENCHMARKS.md.)
    #[inline]
    pub fn apply(&self, x: f32) -> f32 {
        let y = (x - self.shift) * self.scale;
        let y = if y >= self.lo { y } else { self.lo };
        if y <= self.hi {
            y
        } else {
            self.hi
        }
    }

    /// The raw values where the piece bends (starts and stops clamping), `None` for a flat
    /// piece (scale 0).
    pub fn ends(&self) -> Option<[f32; 2]> {
        (self.scale != 0.0).then(|| [self.shift + self.lo / self.scale, self.shift + self.hi / self.scale])
    }
}

/// The fitted transform of one model input.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum InputTransform {
    Numeric {
        name: String,
        /// Value used where the input is missing (training median).
        impute: f32,
        /// Whether a 0/1 "was missing" output is added (the training part had missing values).
        missing_indicator: bool,
        pieces: Vec<Piece>,
    },
    Categorical {
        name: String,
        /// Number of codes the spec declares (codes are `0..n_codes`).
        n_codes: u32,
        /// Codes with an output of their own; every other code, and missing, is "unknown".
        kept: Vec<u32>,
    },
}

impl InputTransform {
    pub fn name(&self) -> &str {
        match self {
            InputTransform::Numeric { name, .. } | InputTransform::Categorical { name, .. } => name,
        }
    }
    /// The value substituted for NaN before encoding (categoricals: -1, matching no code).
    pub fn fill(&self) -> f32 {
        match self {
            InputTransform::Numeric { impute, .. } => *impute,
            InputTransform::Categorical { .. } => -1.0,
        }
    }
}

/// A fitted cross of two inputs (a spec's `[[crosses]]`): one output per value pair seen at
/// least `min_cross_count` times in training, then an unknown bucket for every other pair and
/// for a missing value on either side. Values are compared raw, as the graph's `Equal` does.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cross {
    /// The two feature names, as in the spec.
    pub columns: [String; 2],
    /// Their positions among the spec's features.
    pub inputs: [usize; 2],
    /// The value pairs with an output of their own, sorted.
    pub kept: Vec<[f32; 2]>,
}

/// Largest encoded width a bundle may declare.
pub const MAX_WIDTH: usize = 1 << 16;

/// A fitted preprocessing: raw row (numbers, category codes, NaN = missing) → encoded features.
///
/// Output layout, in six blocks: every numeric piece (inputs in order), the missing
/// indicators, the kept category one-hots, one unknown bucket per categorical input, the kept
/// pairs of every cross, then one unknown bucket per cross.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preprocessor {
    pub encoding: NumericEncoding,
    pub inputs: Vec<InputTransform>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crosses: Vec<Cross>,
}

/// Where each block of the encoded vector starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub pieces: usize,
    pub indicators: usize,
    pub onehots: usize,
    pub unknowns: usize,
    pub pairs: usize,
    pub cross_unknowns: usize,
}

impl Layout {
    /// Total encoded width.
    pub fn width(&self) -> usize {
        self.pieces + self.indicators + self.onehots + self.unknowns + self.pairs + self.cross_unknowns
    }
}

impl ValidPreprocessParams {
    /// Fits on `raw` (the training part only): rows of the spec's features in order.
    pub fn fit(&self, spec: &Spec, raw: &Matrix) -> Result<Preprocessor> {
        self.fit_summary(spec, &Summary::of(spec, raw)?)
    }

    /// Fits on a summary of the training part (exact, or counts over bins: [`Summary`]).
    pub fn fit_summary(&self, spec: &Spec, summary: &Summary) -> Result<Preprocessor> {
        let p = &self.0;
        if summary.columns.len() != spec.n_features() || summary.crosses.len() != spec.crosses().len() {
            return Err(Error::Data(format!(
                "a summary of {} columns, the spec has {} features",
                summary.columns.len(),
                spec.n_features()
            )));
        }
        let inputs: Vec<InputTransform> = spec
            .features()
            .zip(&summary.columns)
            .map(|(col, s)| match s {
                ColumnSummary::Categorical(counts) => {
                    let kept = (0..counts.len() as u32).filter(|&c| counts[c as usize] >= p.min_category_count.max(1) as f64).collect();
                    InputTransform::Categorical { name: col.name.clone(), n_codes: counts.len() as u32, kept }
                }
                ColumnSummary::Numeric(s) => {
                    let impute = if s.is_empty() { 0.0 } else { s.quantile(0.5) };
                    let pieces = match p.numeric {
                        NumericEncoding::Ple => ple_pieces(s, p.bins),
                        NumericEncoding::Standard => standard_piece(s, p.clip_quantile),
                        NumericEncoding::Hybrid => [standard_piece(s, p.clip_quantile), ple_pieces(s, p.bins)].concat(),
                    };
                    InputTransform::Numeric { name: col.name.clone(), impute, missing_indicator: s.has_missing(), pieces }
                }
            })
            .collect();
        let crosses = spec
            .crosses()
            .into_iter()
            .zip(&summary.crosses)
            .map(|([a, b], counts)| {
                let mut kept: Vec<[f32; 2]> =
                    counts.iter().filter(|&&(_, n)| n >= p.min_cross_count.max(1) as f64).map(|&(k, _)| k).collect();
                kept.sort_by(|x, y| x[0].total_cmp(&y[0]).then(x[1].total_cmp(&y[1])));
                let name = |j: usize| inputs[j].name().to_string();
                Cross { columns: [name(a), name(b)], inputs: [a, b], kept }
            })
            .collect();
        Ok(Preprocessor { encoding: p.numeric, inputs, crosses })
    }
}

/// `v`, or, when exactly one of the sorted values is `v`, the midpoint between it and the next
/// distinct value (the previous one at the top): the bundle ships every fitted statistic to
/// every browser, and none may be a value only one training row has.
pub fn shared(sorted: &[f32], v: f32) -> f32 {
    let (lo, hi) = (sorted.partition_point(|&x| x < v), sorted.partition_point(|&x| x <= v));
    if hi - lo != 1 {
        return v;
    }
    let neighbour = if hi < sorted.len() {
        sorted[hi]
    } else if lo > 0 {
        sorted[lo - 1]
    } else {
        return if v == 0.0 { 1.0 } else { 0.0 }; // the only value
    };
    let mid = ((v as f64 + neighbour as f64) / 2.0) as f32;
    // Adjacent floats have no midpoint: the neighbour is then the nearest value that is not v's.
    if mid == v {
        neighbour
    } else {
        mid
    }
}

/// The `q` quantile of sorted values, linear between order statistics.
pub fn quantile(sorted: &[f32], q: f64) -> f32 {
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (i, frac) = (pos.floor() as usize, pos.fract());
    if i + 1 >= sorted.len() {
        return sorted[sorted.len() - 1];
    }
    (sorted[i] as f64 * (1.0 - frac) + sorted[i + 1] as f64 * frac) as f32
}

fn ple_pieces(s: &NumericSummary, bins: usize) -> Vec<Piece> {
    if s.is_empty() {
        return vec![];
    }
    let mut edges: Vec<f32> = (0..=bins).map(|b| s.quantile(b as f64 / bins as f64)).collect();
    edges.sort_by(f32::total_cmp);
    edges.dedup();
    edges.windows(2).map(|w| Piece { shift: w[0], scale: 1.0 / (w[1] - w[0]), lo: 0.0, hi: 1.0 }).filter(|p| p.scale.is_finite()).collect()
}

fn standard_piece(s: &NumericSummary, clip: f32) -> Vec<Piece> {
    if s.is_empty() {
        return vec![];
    }
    let (lo, hi) = (s.quantile(clip as f64), s.quantile(1.0 - clip as f64));
    let (mean, var) = s.clipped_mean_var(lo, hi);
    if var <= 0.0 || !var.is_finite() {
        return vec![];
    }
    let scale = (1.0 / var.sqrt()) as f32;
    let mean = mean as f32;
    vec![Piece { shift: mean, scale, lo: (lo - mean) * scale, hi: (hi - mean) * scale }]
}

impl Preprocessor {
    /// Checks a (possibly untrusted) preprocessor against the spec it claims to serve.
    pub fn check(&self, spec: &Spec) -> Result<()> {
        let bad = |m: String| Err(Error::Bundle(format!("preprocessing: {m}")));
        if self.inputs.len() != spec.n_features() {
            return bad(format!("{} inputs, the spec has {} features", self.inputs.len(), spec.n_features()));
        }
        for (t, col) in self.inputs.iter().zip(spec.features()) {
            if t.name() != col.name {
                return bad(format!("input `{}` where the spec has `{}`", t.name(), col.name));
            }
            match t {
                InputTransform::Numeric { impute, pieces, .. } => {
                    if col.is_categorical() {
                        return bad(format!("`{}` is categorical in the spec", col.name));
                    }
                    let finite = |p: &Piece| [p.shift, p.scale, p.lo, p.hi].iter().all(|v| v.is_finite()) && p.lo <= p.hi;
                    if !impute.is_finite() || !pieces.iter().all(finite) {
                        return bad(format!("`{}` has a non-finite or inverted piece", col.name));
                    }
                }
                InputTransform::Categorical { n_codes, kept, .. } => {
                    if !col.is_categorical() || *n_codes as usize != col.categories.len() {
                        return bad(format!("`{}` declares {n_codes} codes, the spec {}", col.name, col.categories.len()));
                    }
                    if !kept.windows(2).all(|w| w[0] < w[1]) || kept.iter().any(|&k| k >= *n_codes) {
                        return bad(format!("`{}` keeps codes out of order or out of range", col.name));
                    }
                }
            }
        }
        let declared = spec.crosses();
        if self.crosses.len() != declared.len() {
            return bad(format!("{} crosses, the spec has {}", self.crosses.len(), declared.len()));
        }
        for (x, want) in self.crosses.iter().zip(declared) {
            let names = want.map(|j| self.inputs[j].name());
            if x.inputs != want || x.columns != names {
                return bad(format!("cross {} × {} where the spec has {} × {}", x.columns[0], x.columns[1], names[0], names[1]));
            }
            let sorted = x.kept.windows(2).all(|w| w[0][0].total_cmp(&w[1][0]).then(w[0][1].total_cmp(&w[1][1])).is_lt());
            if !sorted || x.kept.iter().flatten().any(|v| !v.is_finite() || (*v == 0.0 && v.is_sign_negative())) {
                return bad(format!("cross {} × {} keeps pairs out of order or not finite", names[0], names[1]));
            }
        }
        let w = self.layout().width();
        if w == 0 || w > MAX_WIDTH {
            return bad(format!("encoded width {w} is not in 1..={MAX_WIDTH}"));
        }
        Ok(())
    }

    /// The sizes of the six output blocks.
    pub fn layout(&self) -> Layout {
        let mut l = Layout { pieces: 0, indicators: 0, onehots: 0, unknowns: 0, pairs: 0, cross_unknowns: 0 };
        for t in &self.inputs {
            match t {
                InputTransform::Numeric { missing_indicator, pieces, .. } => {
                    l.pieces += pieces.len();
                    l.indicators += *missing_indicator as usize;
                }
                InputTransform::Categorical { kept, .. } => {
                    l.onehots += kept.len();
                    l.unknowns += 1;
                }
            }
        }
        for x in &self.crosses {
            l.pairs += x.kept.len();
            l.cross_unknowns += 1;
        }
        l
    }

    /// Encodes one raw row into `out` (length [`Layout::width`]).
    pub fn transform_row(&self, raw: &[f32], out: &mut [f32]) {
        out.fill(0.0);
        self.each_output::<false>(&self.layout(), raw, None, &mut |c, v| out[c] = v);
    }

    /// Encodes rows of `raw` (each as long as [`Self::inputs`]) into `out`, one row of
    /// [`Layout::width`] each, as [`Self::transform_row`] does.
    pub fn transform_rows(&self, raw: &[f32], out: &mut [f32]) {
        let l = self.layout();
        out.fill(0.0);
        for (row, o) in raw.chunks_exact(self.inputs.len().max(1)).zip(out.chunks_exact_mut(l.width())) {
            self.each_output::<false>(&l, row, None, &mut |c, v| o[c] = v);
        }
    }

    /// The values of input `input` outside which its encoding is constant: every value at or
    /// beyond an end encodes as that end does. The ends are a number's piece ends (where its
    /// pieces clamp) and, just outside them, the values its crosses keep (a kept value is a
    /// point of its own); an end is infinite where a piece is unbounded. `None` for a
    /// category, or a number whose encoding never changes.
    pub fn varying_range(&self, input: usize) -> Option<(f32, f32)> {
        let InputTransform::Numeric { pieces, .. } = self.inputs.get(input)? else { return None };
        let bends = pieces.iter().filter_map(Piece::ends).flatten();
        let ends = bends.map(|v| (v, v)).chain(self.crosses.iter().flat_map(|x| {
            let side = x.inputs.iter().position(|&i| i == input);
            side.into_iter().flat_map(move |s| x.kept.iter().map(move |k| (k[s].next_down(), k[s].next_up())))
        }));
        ends.filter(|(a, b)| !a.is_nan() && !b.is_nan())
            .fold(None, |r, (lo, hi)| Some(r.map_or((lo, hi), |(a, b): (f32, f32)| (a.min(lo), b.max(hi)))))
    }

    /// The outputs that input `input` of `raw` moves (its own, and its crosses'), each as
    /// `(position, value)` to `sink`: what [`Self::transform_row`] writes there. A variant of a
    /// row that changes one input differs from the row's encoding only in these.
    /// `layout` is [`Self::layout`]'s (a caller asking for many variants works it out once).
    pub fn transform_input(&self, layout: &Layout, raw: &[f32], input: usize, sink: &mut impl FnMut(usize, f32)) {
        self.each_output::<true>(layout, raw, Some(input), sink);
    }

    /// Every output of `raw` (or those `only` moves) to `sink`, in the [`Layout`]'s blocks; with
    /// `ZEROS` false, the one-hot blocks' and the missing indicators' zeros are left out (for a
    /// caller whose outputs start at 0: a row has one 1 in each one-hot block, so most of its
    /// outputs are 0).
    #[inline(always)]
    fn each_output<const ZEROS: bool>(&self, l: &Layout, raw: &[f32], only: Option<usize>, sink: &mut impl FnMut(usize, f32)) {
        let (mut a, mut b, mut c, mut d) = (0, l.pieces, l.pieces + l.indicators, l.pieces + l.indicators + l.onehots);
        for (j, (t, &x)) in self.inputs.iter().zip(raw).enumerate() {
            let emit = only.is_none_or(|i| i == j);
            let v = if x.is_nan() { t.fill() } else { x };
            match t {
                InputTransform::Numeric { missing_indicator, pieces, .. } => {
                    if emit {
                        pieces.iter().enumerate().for_each(|(k, p)| sink(a + k, p.apply(v)));
                        if *missing_indicator && (ZEROS || x.is_nan()) {
                            sink(b, if x.is_nan() { 1.0 } else { 0.0 });
                        }
                    }
                    a += pieces.len();
                    b += *missing_indicator as usize;
                }
                InputTransform::Categorical { kept, .. } => {
                    if emit {
                        one_of::<ZEROS>(sink, (c, kept.len(), d), kept.iter().position(|&k| v == k as f32));
                    }
                    c += kept.len();
                    d += 1;
                }
            }
        }
        let (mut e, mut g) = (d, d + l.pairs);
        for x in &self.crosses {
            if only.is_none_or(|i| x.inputs.contains(&i)) {
                let (va, vb) = (raw[x.inputs[0]], raw[x.inputs[1]]);
                one_of::<ZEROS>(sink, (e, x.kept.len(), g), x.kept.iter().position(|k| va == k[0] && vb == k[1]));
            }
            e += x.kept.len();
            g += 1;
        }
    }

    /// Encodes every row.
    pub fn transform(&self, raw: &Matrix) -> Matrix {
        let w = self.layout().width();
        let mut out = vec![0.0; raw.rows() * w];
        for (r, o) in raw.iter_rows().zip(out.chunks_exact_mut(w)) {
            self.transform_row(r, o);
        }
        Matrix::new(out, w).expect("width > 0")
    }
}

/// A one-hot block of `n` outputs from `start` and its unknown bucket at `unknown`, `hit` the
/// output that is 1 (none: the unknown bucket is), to `sink` (with `ZEROS` false, only the 1).
#[inline(always)]
fn one_of<const ZEROS: bool>(sink: &mut impl FnMut(usize, f32), (start, n, unknown): (usize, usize, usize), hit: Option<usize>) {
    if ZEROS {
        (0..n).for_each(|k| sink(start + k, if hit == Some(k) { 1.0 } else { 0.0 }));
        sink(unknown, if hit.is_some() { 0.0 } else { 1.0 });
    } else {
        sink(hit.map_or(unknown, |k| start + k), 1.0);
    }
}

/// Reading a fitted preprocessing from a bundle's manifest ([`crate::json`]).
mod from_json {
    use super::*;
    use crate::json::{variant, Fields, FromJson, Json, JsonResult};

    impl FromJson for NumericEncoding {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            variant(v, at, &[("ple", Self::Ple), ("standard", Self::Standard), ("hybrid", Self::Hybrid)])
        }
    }

    impl FromJson for Piece {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            let mut f = Fields::of(v, at)?;
            Ok(Piece { shift: f.req("shift")?, scale: f.req("scale")?, lo: f.req("lo")?, hi: f.req("hi")? })
        }
    }

    impl FromJson for InputTransform {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            let mut f = Fields::of(v, at)?;
            let kind = variant(&f.req::<Json>("kind")?, &f.path("kind"), &[("numeric", true), ("categorical", false)])?;
            Ok(if kind {
                InputTransform::Numeric {
                    name: f.req("name")?,
                    impute: f.req("impute")?,
                    missing_indicator: f.req("missing_indicator")?,
                    pieces: f.req("pieces")?,
                }
            } else {
                InputTransform::Categorical { name: f.req("name")?, n_codes: f.req("n_codes")?, kept: f.req("kept")? }
            })
        }
    }

    impl FromJson for Cross {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            let mut f = Fields::of(v, at)?;
            Ok(Cross { columns: f.req("columns")?, inputs: f.req("inputs")?, kept: f.req("kept")? })
        }
    }

    impl FromJson for Preprocessor {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            let mut f = Fields::of(v, at)?;
            Ok(Preprocessor { encoding: f.req("encoding")?, inputs: f.req("inputs")?, crosses: f.or_default("crosses")? })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::tests::{cats, col};
    use crate::schema::{ColumnType, Role, SpecParams};

    fn spec() -> Spec {
        let mut c = col("c", ColumnType::Categorical, Role::Feature);
        c.categories = cats(&["a", "b", "rare"]);
        let mut y = col("y", ColumnType::Binary, Role::Label);
        y.categories = cats(&["0", "1"]);
        y.positive = Some("1".into());
        let columns = vec![col("x", ColumnType::Numeric, Role::Feature), c, y];
        SpecParams { name: "t".into(), description: String::new(), delimiter: ',', decimal: '.', columns, crosses: vec![] }.check().unwrap()
    }

    fn raw() -> Matrix {
        let rows = [[1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [f32::NAN, 1.0], [5.0, f32::NAN]];
        Matrix::new(rows.concat(), 2).unwrap()
    }

    #[test]
    fn no_fitted_statistic_is_a_value_only_one_row_has() {
        let v = [1.0f32, 2.0, 2.0, 5.0, 9.0];
        assert_eq!((shared(&v, 2.0), shared(&v, 1.0), shared(&v, 5.0), shared(&v, 9.0), shared(&v, 3.0)), (2.0, 1.5, 7.0, 7.0, 3.0));
        assert_eq!((shared(&[4.0], 4.0), shared(&[0.0], 0.0)), (0.0, 1.0));
        let mut sorted: Vec<f32> = (0..200).map(|i| (i * i) as f32).collect(); // every value on one row
        sorted.sort_by(f32::total_cmp);
        let summary = NumericSummary::Sorted { values: sorted.clone(), missing: 0 };
        let std = standard_piece(&summary, 0.01)[0];
        // The clip bounds as the piece stores them, scaled: recovered, they are no row's value.
        let bounds = [std.lo / std.scale + std.shift, std.hi / std.scale + std.shift];
        let edges = ple_pieces(&summary, 16).into_iter().flat_map(|p| [p.shift, p.shift + 1.0 / p.scale]);
        let stats: Vec<f32> = edges.chain(bounds).chain([shared(&sorted, quantile(&sorted, 0.5))]).collect();
        for s in stats {
            let nearest = sorted.iter().map(|x| (x - s).abs()).fold(f32::INFINITY, f32::min);
            assert!(nearest > 0.01, "{s} is (within float error) a row's value");
        }
    }

    #[test]
    fn ple_is_a_thermometer_over_quantile_bins() {
        let params = PreprocessParams { numeric: NumericEncoding::Ple, bins: 4, ..Default::default() }.check().unwrap();
        let pre = params.fit(&spec(), &raw()).unwrap();
        pre.check(&spec()).unwrap();
        let l = pre.layout();
        // 4 present values → edges at 1, 1.75, 2.5, 3.5, 5 → 4 pieces; one indicator;
        // codes a and b kept (rare unseen); one unknown bucket.
        assert_eq!((l.pieces, l.indicators, l.onehots, l.unknowns), (4, 1, 2, 1));
        let mut out = vec![0.0; l.width()];
        pre.transform_row(&[5.0, 2.0], &mut out);
        assert_eq!(out, vec![1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0]);
        pre.transform_row(&[f32::NAN, 0.0], &mut out);
        // NaN → median 2.5: first two bins full, then zero; indicator on; code a.
        assert_eq!(out, vec![1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0]);
    }

    /// [`spec`] with `x` whole and the cross `c × x`.
    fn crossed_spec() -> Spec {
        let mut params = spec().params().clone();
        params.columns[0].integer = true;
        params.crosses = vec![crate::schema::CrossSpec { columns: ["c".into(), "x".into()] }];
        params.check().unwrap()
    }

    #[test]
    fn a_piece_is_max_then_min_nan_reading_as_lo() {
        let pieces = [Piece { shift: 1.0, scale: 2.0, lo: 0.0, hi: 1.0 }, Piece { shift: -3.0, scale: 0.0, lo: -1.0, hi: 2.0 }];
        for p in pieces {
            for x in [f32::NAN, f32::NEG_INFINITY, -5.0, 0.0, 1.0, 1.25, 1.5, 3.0, f32::INFINITY] {
                let want = ((x - p.shift) * p.scale).max(p.lo).min(p.hi);
                assert_eq!(p.apply(x), want, "{p:?} at {x}");
            }
        }
    }

    #[test]
    fn one_input_moves_exactly_the_outputs_transform_input_names() {
        let spec = crossed_spec();
        let rows = [[1.0, 0.0], [1.0, 0.0], [2.0, 1.0], [2.0, 1.0], [3.0, 0.0], [f32::NAN, 1.0]];
        let raw = Matrix::new(rows.concat(), 2).unwrap();
        let pre = PreprocessParams { min_cross_count: 2, ..Default::default() }.check().unwrap().fit(&spec, &raw).unwrap();
        let w = pre.layout().width();
        let (mut base, mut changed) = (vec![0.0; w], vec![0.0; w]);
        let values = [f32::NAN, -1.0, 0.0, 1.0, 1.5, 2.0, 3.0, 9.0];
        for row in rows.iter().map(|r| r.to_vec()) {
            pre.transform_row(&row, &mut base);
            for (i, &v) in (0..2).flat_map(|i| values.iter().map(move |v| (i, v))) {
                let mut variant = row.clone();
                variant[i] = v;
                pre.transform_row(&variant, &mut changed);
                // What transform_input names, with its values; every other output is the row's.
                let mut named = base.clone();
                let mut seen = vec![];
                pre.transform_input(&pre.layout(), &variant, i, &mut |c, x| {
                    named[c] = x;
                    seen.push(c);
                });
                assert_eq!(
                    named.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                    changed.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                    "input {i} = {v}"
                );
                // Each output once, the cross's among them (its unknown bucket is the last).
                let mut once = seen.clone();
                once.sort();
                once.dedup();
                assert_eq!(once.len(), seen.len());
                assert!(seen.contains(&(w - 1)), "input {i}: the cross's outputs");
            }
        }
    }

    #[test]
    fn beyond_its_varying_range_a_number_encodes_as_the_nearest_end() {
        let spec = crossed_spec();
        let rows = [[1.0, 0.0], [1.0, 0.0], [2.0, 1.0], [2.0, 1.0], [3.0, 0.0], [7.0, 1.0], [f32::NAN, 1.0]];
        let raw = Matrix::new(rows.concat(), 2).unwrap();
        for numeric in [NumericEncoding::Ple, NumericEncoding::Standard, NumericEncoding::Hybrid] {
            let params = PreprocessParams { numeric, min_cross_count: 1, clip_quantile: 0.2, ..Default::default() };
            let pre = params.check().unwrap().fit(&spec, &raw).unwrap();
            assert_eq!(pre.varying_range(1), None, "a category");
            let (lo, hi) = pre.varying_range(0).unwrap();
            // The cross keeps (·, 7), beyond the clipped pieces: the range reaches past it.
            assert_eq!(hi, 7.0f32.next_up(), "{numeric:?}");
            let encode = |x: f32| {
                let mut out = vec![0.0; pre.layout().width()];
                pre.transform_row(&[x, 0.0], &mut out);
                out.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
            };
            for d in [0.5, 1.0, 1e6, f32::INFINITY] {
                assert_eq!(encode(hi + d), encode(hi), "{numeric:?}: {} above", d);
                assert_eq!(encode(lo - d), encode(lo), "{numeric:?}: {} below", d);
            }
            assert_ne!(encode(lo), encode(hi));
        }
    }

    #[test]
    fn crosses_one_hot_the_frequent_pairs() {
        let spec = crossed_spec();
        // Pairs (c, x): (a, 1) three times, (b, 2) twice, (b, 0) twice (-0 is 0), (a, 2) once.
        let rows = [[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [2.0, 1.0], [2.0, 1.0], [2.0, 0.0], [0.0, 1.0], [-0.0, 1.0], [f32::NAN, 0.0]];
        let raw = Matrix::new(rows.concat(), 2).unwrap();
        let p = PreprocessParams { min_cross_count: 2, ..Default::default() }.check().unwrap();
        let pre = p.fit(&spec, &raw).unwrap();
        pre.check(&spec).unwrap();
        assert_eq!(pre.crosses[0].inputs, [1, 0]);
        assert_eq!(pre.crosses[0].kept, vec![[0.0, 1.0], [1.0, 0.0], [1.0, 2.0]]);
        let l = pre.layout();
        assert_eq!((l.pairs, l.cross_unknowns), (3, 1));
        let mut out = vec![f32::NAN; l.width()];
        let tail = |row: [f32; 2], out: &mut Vec<f32>| {
            pre.transform_row(&row, out);
            out[l.width() - 4..].to_vec()
        };
        // Rows are (x, c); pairs are (c, x).
        assert_eq!(tail([1.0, 0.0], &mut out), vec![1.0, 0.0, 0.0, 0.0]);
        assert_eq!(tail([-0.0, 1.0], &mut out), vec![0.0, 1.0, 0.0, 0.0]);
        // Rare pair, missing value, non-integer value: unknown.
        assert_eq!(tail([2.0, 0.0], &mut out), vec![0.0, 0.0, 0.0, 1.0]);
        assert_eq!(tail([f32::NAN, 0.0], &mut out), vec![0.0, 0.0, 0.0, 1.0]);
        assert_eq!(tail([1.5, 0.0], &mut out), vec![0.0, 0.0, 0.0, 1.0]);

        // A tampered cross is refused.
        let mut bad = pre.clone();
        bad.crosses[0].kept.swap(0, 1);
        assert!(matches!(bad.check(&spec), Err(Error::Bundle(m)) if m.contains("out of order")));
        let mut bad = pre.clone();
        bad.crosses[0].kept[0] = [-0.0, 1.0];
        assert!(bad.check(&spec).is_err());
        let mut bad = pre.clone();
        bad.crosses[0].inputs = [0, 1];
        assert!(matches!(bad.check(&spec), Err(Error::Bundle(m)) if m.contains("where the spec has c × x")));
        let mut bad = pre;
        bad.crosses.clear();
        assert!(matches!(bad.check(&spec), Err(Error::Bundle(m)) if m.contains("0 crosses")));
    }

    #[test]
    fn standard_clips_and_scales() {
        let params = PreprocessParams { numeric: NumericEncoding::Standard, clip_quantile: 0.0, ..Default::default() };
        let pre = params.check().unwrap().fit(&spec(), &raw()).unwrap();
        let mut out = vec![0.0; pre.layout().width()];
        pre.transform_row(&[100.0, 0.0], &mut out);
        let InputTransform::Numeric { pieces, .. } = &pre.inputs[0] else { panic!() };
        assert_eq!(out[0], pieces[0].hi, "values beyond the training range are clipped");
        assert!(out.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn invalid_category_codes_are_errors_not_panics() {
        let params = PreprocessParams::default().check().unwrap();
        for bad in [7.0, -1.0, 0.5] {
            let raw = Matrix::new(vec![1.0, bad], 2).unwrap();
            let e = params.fit(&spec(), &raw).unwrap_err();
            assert!(matches!(&e, Error::Data(m) if m.contains("`c`")), "{e}");
        }
    }

    #[test]
    fn bad_params_and_tampered_transforms_are_rejected() {
        assert!(PreprocessParams { bins: 1, ..Default::default() }.check().is_err());
        let mut pre = PreprocessParams::default().check().unwrap().fit(&spec(), &raw()).unwrap();
        if let InputTransform::Categorical { kept, .. } = &mut pre.inputs[1] {
            kept.push(7);
        }
        assert!(matches!(pre.check(&spec()), Err(Error::Bundle(m)) if m.contains("out of range")));
    }
}
