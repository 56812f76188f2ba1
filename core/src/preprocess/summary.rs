//! What preprocessing is fitted from: per feature, its sorted training values (exact) or counts
//! over bins ([`crate::counts::Binned`]: what a differentially private fit releases), category
//! counts, and the counts of each cross's value pairs.

use std::collections::BTreeMap;

use super::{quantile, shared};
use crate::counts::Binned;
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::schema::Spec;

/// A numeric feature's training values.
#[derive(Debug, Clone, PartialEq)]
pub enum NumericSummary {
    /// The present values, sorted, and how many were missing. Quantiles are exact, moved off a
    /// value only one row has ([`shared`]).
    Sorted { values: Vec<f32>, missing: usize },
    /// Counts over bins.
    Binned(Binned),
}

impl NumericSummary {
    pub fn is_empty(&self) -> bool {
        match self {
            NumericSummary::Sorted { values, .. } => values.is_empty(),
            NumericSummary::Binned(b) => b.is_empty(),
        }
    }

    pub fn has_missing(&self) -> bool {
        match self {
            NumericSummary::Sorted { missing, .. } => *missing > 0,
            NumericSummary::Binned(b) => b.has_missing(),
        }
    }

    /// The `q` quantile (of a non-empty summary).
    pub fn quantile(&self, q: f64) -> f32 {
        match self {
            NumericSummary::Sorted { values, .. } => shared(values, quantile(values, q)),
            NumericSummary::Binned(b) => b.quantile(q) as f32,
        }
    }

    /// Mean and variance of the values clipped to `[lo, hi]`.
    pub fn clipped_mean_var(&self, lo: f32, hi: f32) -> (f64, f64) {
        match self {
            NumericSummary::Sorted { values, .. } => {
                let clipped = values.iter().map(|&v| v.clamp(lo, hi) as f64);
                let n = values.len().max(1) as f64;
                let mean = clipped.clone().sum::<f64>() / n;
                (mean, clipped.map(|v| (v - mean).powi(2)).sum::<f64>() / n)
            }
            NumericSummary::Binned(b) => b.clipped_mean_var(lo as f64, hi as f64),
        }
    }
}

/// One feature's summary.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnSummary {
    Numeric(NumericSummary),
    /// Rows per category code (`0..n_codes`).
    Categorical(Vec<f64>),
}

/// Everything preprocessing is fitted from: one summary per feature (the spec's order), and per
/// cross the value pairs with their counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub columns: Vec<ColumnSummary>,
    pub crosses: Vec<Vec<([f32; 2], f64)>>,
}

impl Summary {
    /// The exact summary of `raw` (rows of the spec's features in order).
    pub fn of(spec: &Spec, raw: &Matrix) -> Result<Summary> {
        if raw.cols() != spec.n_features() {
            return Err(Error::Data(format!("{} columns given, the spec has {} features", raw.cols(), spec.n_features())));
        }
        if raw.rows() == 0 {
            return Err(Error::Data("no training rows".into()));
        }
        let mut columns = Vec::with_capacity(raw.cols());
        for (j, col) in spec.features().enumerate() {
            let values = raw.iter_rows().map(|r| r[j]);
            columns.push(if col.is_categorical() {
                let n_codes = col.categories.len();
                let mut counts = vec![0.0; n_codes];
                for v in values.filter(|v| !v.is_nan()) {
                    counts[category_code(&col.name, v, n_codes)?] += 1.0;
                }
                ColumnSummary::Categorical(counts)
            } else {
                let mut present: Vec<f32> = values.filter(|v| !v.is_nan()).collect();
                present.sort_by(|a, b| a.total_cmp(b));
                ColumnSummary::Numeric(NumericSummary::Sorted { missing: raw.rows() - present.len(), values: present })
            });
        }
        let crosses = spec.crosses().into_iter().map(|pair| pair_counts(raw, pair)).collect();
        Ok(Summary { columns, crosses })
    }
}

/// The code of a categorical value, or an error naming the column.
pub fn category_code(column: &str, v: f32, n_codes: usize) -> Result<usize> {
    let code = (v >= 0.0 && v.fract() == 0.0).then_some(v as usize).filter(|&c| c < n_codes);
    code.ok_or_else(|| Error::Data(format!("`{column}`: {v} is not a category code (0..{n_codes})")))
}

/// Rows per value pair of two columns (rows missing either are not counted).
fn pair_counts(raw: &Matrix, [a, b]: [usize; 2]) -> Vec<([f32; 2], f64)> {
    let mut counts: BTreeMap<[u32; 2], f64> = BTreeMap::new();
    for r in raw.iter_rows().filter(|r| !r[a].is_nan() && !r[b].is_nan()) {
        // `+ 0.0` turns -0 into 0: the two compare equal and must share one output.
        *counts.entry([(r[a] + 0.0).to_bits(), (r[b] + 0.0).to_bits()]).or_default() += 1.0;
    }
    counts.into_iter().map(|(k, n)| ([f32::from_bits(k[0]), f32::from_bits(k[1])], n)).collect()
}
