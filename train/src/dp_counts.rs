//! The noisy counts a private fit (`fit --dp-epsilon`) computes everything but the network
//! from: per feature, rows per bin between the bounds the spec declares (or per declared
//! category); per cross, rows per pair of declared values; per part, rows per score bin and
//! label. Each row is in one count of each release, so each release is a Gaussian mechanism of
//! L2 sensitivity 1, which the accountant composes with DP-SGD ([`crate::dp_sgd`]). What
//! `advisor_core` computes from the counts ([`advisor_core::counts`]) is post-processing.

use advisor_core::counts::{Binned, ScoreCounts};
use advisor_core::matrix::Matrix;
use advisor_core::preprocess::{ColumnSummary, NumericSummary, Summary};
use advisor_core::schema::{ColumnSpec, Spec};
use rand::SeedableRng;

use advisor_core::bundle::PrivacyRecord;

use crate::dp_sgd::{gaussian, DpParams};
use crate::error::{Error, Result};

/// Bins of a numeric feature that is not a whole number with at most this many values.
pub const GRID_BINS: usize = 1024;
/// A noisy count below this many standard deviations of its noise is taken as zero (a
/// category, pair or missing value that no row may have).
const ZERO_BELOW_SIGMAS: f64 = 3.0;

/// How many count releases any row of the training part is in, for a spec: one per feature and
/// per cross (the preprocessing), and two score counts (a validation row is in the
/// calibration's and its part's; a fit row in its part's only). A test row is in one release:
/// its part's score counts.
pub fn releases(spec: &Spec) -> usize {
    spec.n_features() + spec.crosses().len() + 2
}

/// A private fit's plan (the guarantee, and the noise it sets) and the noise it draws: on the
/// training part's counts, and on the test part's (whose rows are in that release only).
pub struct Private {
    pub record: PrivacyRecord,
    pub noise: Noise,
    pub test_noise: Noise,
}

impl Private {
    /// Plans DP-SGD over `rows` fit rows composed with the count releases of `spec`.
    pub fn plan(dp: &DpParams, spec: &Spec, rows: usize) -> Result<Private> {
        let record = dp.clone().check(rows)?.plan(releases(spec))?;
        Ok(Private { noise: Noise::new(record.count_noise)?, test_noise: Noise::new(record.test_count_noise)?, record })
    }
}

/// Gaussian noise of a fixed standard deviation, drawn from the operating system's random
/// source (never from the seed the manifest records).
pub struct Noise {
    sigma: f64,
    rng: rand::rngs::StdRng,
}

impl Noise {
    pub fn new(sigma: f64) -> Result<Noise> {
        let rng = rand::rngs::StdRng::try_from_os_rng().map_err(|e| {
            Error::Usage(format!("a private fit draws its noise from the operating system's random source, which failed: {e}"))
        })?;
        Ok(Noise { sigma, rng })
    }

    /// The noise's standard deviation, in rows.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    fn add(&mut self, count: f64) -> f64 {
        count + self.sigma * gaussian(&mut self.rng)
    }

    /// A noisy count, or zero below [`ZERO_BELOW_SIGMAS`] of the noise.
    fn add_or_zero(&mut self, count: f64) -> f64 {
        Some(self.add(count)).filter(|&c| c >= ZERO_BELOW_SIGMAS * self.sigma).unwrap_or(0.0)
    }

    /// The preprocessing's summary of the training part `raw`, from noisy counts only.
    pub fn summary(&mut self, spec: &Spec, raw: &Matrix) -> Result<Summary> {
        let exact = Summary::of(spec, raw)?; // also checks every category code
        let mut columns = Vec::with_capacity(spec.n_features());
        for (col, s) in spec.features().zip(&exact.columns) {
            columns.push(match s {
                ColumnSummary::Categorical(counts) => ColumnSummary::Categorical(counts.iter().map(|&c| self.add_or_zero(c)).collect()),
                ColumnSummary::Numeric(NumericSummary::Sorted { values, missing }) => {
                    ColumnSummary::Numeric(self.numeric(col, values, *missing)?)
                }
                // Summary::of sorts every numeric column; counts here would already be released.
                ColumnSummary::Numeric(NumericSummary::Binned(_)) => {
                    return Err(Error::Usage(format!("`{}`: a private fit bins the rows' own values", col.name)))
                }
            });
        }
        let mut crosses = Vec::new();
        for ([a, b], exact) in spec.crosses().into_iter().zip(&exact.crosses) {
            let cols: Vec<&ColumnSpec> = spec.features().collect();
            let (va, vb) = (domain(cols[a], cols[b])?, domain(cols[b], cols[a])?);
            if va.len() * vb.len() > 1 << 16 {
                return Err(Error::Usage(format!(
                    "--dp-epsilon: the cross {} × {} has more than 65,536 pairs",
                    cols[a].name, cols[b].name
                )));
            }
            let seen: std::collections::HashMap<[u32; 2], f64> = exact.iter().map(|(k, n)| (k.map(f32::to_bits), *n)).collect();
            let pairs = va.iter().flat_map(|&x| vb.iter().map(move |&y| [x, y]));
            crosses.push(pairs.map(|k| (k, self.add_or_zero(seen.get(&k.map(f32::to_bits)).copied().unwrap_or(0.0)))).collect());
        }
        Ok(Summary { columns, crosses })
    }

    /// Noisy counts of a numeric feature's present `values` over its [`grid`], and of its
    /// `missing` ones.
    fn numeric(&mut self, col: &ColumnSpec, values: &[f32], missing: usize) -> Result<NumericSummary> {
        let (edges, discrete) = grid(col)?;
        let bins = edges.len() - 1;
        let mut counts = vec![0.0; bins];
        for &v in values {
            counts[edges.partition_point(|&e| e <= v as f64).clamp(1, bins) - 1] += 1.0;
        }
        let noisy: Vec<f64> = counts.iter().map(|&c| self.add(c)).collect();
        let binned = Binned::new(edges, &noisy, self.add_or_zero(missing as f64))?;
        Ok(NumericSummary::Binned(if discrete { binned.discrete() } else { binned }))
    }

    /// Noisy counts of `probs` (a model's probabilities on some rows) per logit bin and label.
    pub fn scores(&mut self, probs: &[f32], labels: &[u8]) -> Result<ScoreCounts> {
        let (pos, neg) = ScoreCounts::count(probs, labels);
        let mut noisy = |c: Vec<f64>| c.into_iter().map(|c| self.add(c)).collect::<Vec<f64>>();
        Ok(ScoreCounts::new(&noisy(pos), &noisy(neg))?)
    }
}

/// The bounds a private fit bins a numeric feature between: the spec's, or an error naming it.
fn bounds(col: &ColumnSpec) -> Result<(f64, f64)> {
    match (col.min, col.max) {
        (Some(lo), Some(hi)) if lo < hi => Ok((lo, hi)),
        _ => Err(Error::Usage(format!(
            "--dp-epsilon: the numeric feature `{}` needs `min` and `max` in the spec (min < max): a private fit bins it \
             between bounds taken as public, never between the rows' own extremes",
            col.name
        ))),
    }
}

/// A whole-number feature's values, when it has at most [`GRID_BINS`] of them.
fn whole_numbers(col: &ColumnSpec) -> Result<Option<Vec<f64>>> {
    let (lo, hi) = bounds(col)?;
    let (lo, hi) = (lo.ceil(), hi.floor());
    Ok((col.integer && hi >= lo && hi - lo < GRID_BINS as f64).then(|| (0..=(hi - lo) as usize).map(|k| lo + k as f64).collect()))
}

/// The bin edges of a numeric feature, and whether they are unit bins around whole numbers
/// (whose quantiles are those numbers). Otherwise [`GRID_BINS`] bins even in
/// `sign(x)·ln(1 + |x|)` between the bounds: fine near zero, and still fine over the long tail of
/// an amount.
pub fn grid(col: &ColumnSpec) -> Result<(Vec<f64>, bool)> {
    if let Some(values) = whole_numbers(col)? {
        let mut edges: Vec<f64> = values.iter().map(|v| v - 0.5).collect();
        edges.push(values[values.len() - 1] + 0.5);
        return Ok((edges, true));
    }
    let (lo, hi) = bounds(col)?;
    let t = |x: f64| x.signum() * x.abs().ln_1p();
    let inv = |t: f64| t.signum() * t.abs().exp_m1();
    let (a, b) = (t(lo), t(hi));
    let mut edges: Vec<f64> = (0..=GRID_BINS).map(|i| inv(a + (b - a) * i as f64 / GRID_BINS as f64)).collect();
    (edges[0], edges[GRID_BINS]) = (lo, hi);
    edges.dedup();
    Ok((edges, false))
}

/// The values one side of a cross can take, from the spec alone: category codes, or whole
/// numbers between declared bounds.
fn domain(col: &ColumnSpec, other: &ColumnSpec) -> Result<Vec<f32>> {
    if col.is_categorical() {
        return Ok((0..col.categories.len()).map(|c| c as f32).collect());
    }
    match whole_numbers(col) {
        Ok(Some(values)) => Ok(values.into_iter().map(|v| v as f32).collect()),
        _ => Err(Error::Usage(format!(
            "--dp-epsilon: the cross {} × {} needs `{}` to be categorical or a whole number (`integer = true`) with at most \
             {GRID_BINS} values between its `min` and `max`: a private fit counts pairs of values the spec declares",
            col.name, other.name, col.name
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(toml: &str) -> ColumnSpec {
        toml::from_str(&format!("name = \"x\"\ntype = \"numeric\"\nrole = \"feature\"\n{toml}")).unwrap()
    }

    #[test]
    fn grids_come_from_the_spec_bounds() {
        let (edges, discrete) = grid(&column("min = 0\nmax = 10\ninteger = true")).unwrap();
        assert!(discrete && edges.len() == 12 && edges[0] == -0.5 && edges[11] == 10.5);
        let (edges, discrete) = grid(&column("min = 0\nmax = 50000")).unwrap();
        assert!(!discrete && edges.len() == GRID_BINS + 1 && edges[0] == 0.0 && edges[GRID_BINS] == 50000.0);
        assert!(edges.windows(2).all(|w| w[0] < w[1]));
        // Fine near zero, wide in the tail.
        assert!(edges[1] < 0.02 && edges[GRID_BINS] - edges[GRID_BINS - 1] > 100.0);
        let err = grid(&column("min = 0")).unwrap_err().to_string();
        assert!(err.contains("`x`") && err.contains("min") && err.contains("max"), "{err}");
    }

    #[test]
    fn noise_of_zero_gives_the_exact_counts() {
        let mut n = Noise::new(0.0).unwrap();
        let counts = n.scores(&[0.1, 0.9, 0.9], &[0, 1, 0]).unwrap();
        assert_eq!(counts.totals(), (1.0, 2.0));
    }
}
