//! Features as small bin indices: each numeric feature cut at up to 254 thresholds fitted on
//! the training part, each category its own bin, and one bin for "missing".
//!
//! A numeric value `v` falls in bin `i` exactly when `t[i-1] < v <= t[i]`, so a split "bin ≤ i"
//! is the graph's `BRANCH_LEQ` at `t[i]` (an f32, compared as the runtimes compare): the trees
//! trained on bins and the exported graph send every row the same way.

use advisor_core::matrix::Matrix;

use crate::error::{Error, Result};

/// Most bins a feature has, the missing bin included (bin indices are `u8`).
pub const MAX_BINS: usize = 256;

/// How one feature is cut into bins.
#[derive(Debug, Clone, PartialEq)]
pub enum Cuts {
    /// Bin `i` holds `t[i-1] < v <= t[i]`; the last regular bin everything above the last
    /// threshold.
    Numeric { thresholds: Vec<f32> },
    /// Bin = category code (`0..n`).
    Categorical { n: usize },
}

impl Cuts {
    /// Regular bins (the missing bin is the next index).
    pub fn regular(&self) -> usize {
        match self {
            Cuts::Numeric { thresholds } => thresholds.len() + 1,
            Cuts::Categorical { n } => *n,
        }
    }

    /// The bin of the missing value.
    pub fn missing(&self) -> u8 {
        self.regular() as u8
    }

    pub fn is_categorical(&self) -> bool {
        matches!(self, Cuts::Categorical { .. })
    }

    /// The bin of `v` (NaN: the missing bin). A category code outside `0..n` (the graph cannot
    /// see the training's categories) is refused by the caller's data reader before this.
    pub fn bin(&self, v: f32) -> u8 {
        if v.is_nan() {
            return self.missing();
        }
        match self {
            Cuts::Numeric { thresholds } => thresholds.partition_point(|&t| t < v) as u8,
            Cuts::Categorical { n } => (v as usize).min(*n) as u8,
        }
    }
}

/// Cuts for each column of `raw` (`categories[j]`: the number of categories of a categorical
/// feature, `None` for a numeric one), at most `max_bins` regular bins a numeric feature.
pub fn fit(raw: &Matrix, categories: &[Option<usize>], max_bins: usize) -> Result<Vec<Cuts>> {
    let max_bins = max_bins.clamp(2, MAX_BINS - 1);
    categories
        .iter()
        .enumerate()
        .map(|(j, cats)| match *cats {
            Some(n) if n < MAX_BINS => Ok(Cuts::Categorical { n }),
            Some(n) => Err(Error::Usage(format!("feature {j} has {n} categories; the trees take at most {}", MAX_BINS - 1))),
            None => {
                let mut values: Vec<f32> = raw.iter_rows().map(|r| r[j]).filter(|v| !v.is_nan()).collect();
                values.sort_by(f32::total_cmp);
                Ok(Cuts::Numeric { thresholds: thresholds(&values, max_bins) })
            }
        })
        .collect()
}

/// Up to `max_bins - 1` thresholds between the sorted `values`, each bin holding about the same
/// number of rows; a value never shares a bin with a different value when there are fewer
/// distinct values than bins.
fn thresholds(sorted: &[f32], max_bins: usize) -> Vec<f32> {
    // Distinct values and how many rows hold each.
    let mut distinct: Vec<(f32, usize)> = Vec::new();
    for &v in sorted {
        match distinct.last_mut() {
            Some((last, n)) if *last == v => *n += 1,
            _ => distinct.push((v, 1)),
        }
    }
    if distinct.len() <= 1 {
        return vec![];
    }
    let (mut cuts, mut in_bin, mut rows_left) = (Vec::new(), 0usize, sorted.len());
    for w in distinct.windows(2) {
        in_bin += w[0].1;
        // A bin closes once it holds its share of the rows still to place.
        let share = rows_left as f64 / (max_bins - cuts.len()) as f64;
        if (distinct.len() <= max_bins || in_bin as f64 >= share) && cuts.len() + 1 < max_bins {
            cuts.push(between(w[0].0, w[1].0));
            rows_left -= in_bin;
            in_bin = 0;
        }
    }
    cuts
}

/// A threshold `t` with `lo <= t < hi`: their midpoint as an f32 when it separates them.
fn between(lo: f32, hi: f32) -> f32 {
    let mid = ((lo as f64 + hi as f64) / 2.0) as f32;
    if mid >= lo && mid < hi {
        mid
    } else {
        lo
    }
}

/// The bins of every row, feature by feature (column-major: a split scans one column).
#[derive(Debug, Clone)]
pub struct Binned {
    pub columns: Vec<Vec<u8>>,
    pub rows: usize,
}

impl Binned {
    pub fn new(cuts: &[Cuts], raw: &Matrix) -> Binned {
        let columns = cuts.iter().enumerate().map(|(j, c)| raw.iter_rows().map(|r| c.bin(r[j])).collect()).collect();
        Binned { columns, rows: raw.rows() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_lands_left_of_its_threshold_exactly_as_the_graph_compares() {
        let values: Vec<f32> = (0..1000).map(|i| (i % 97) as f32 * 0.37).collect();
        let raw = Matrix::new(values.clone(), 1).unwrap();
        let cuts = &fit(&raw, &[None], 16).unwrap()[0];
        let Cuts::Numeric { thresholds } = cuts else { panic!() };
        assert!((13..=15).contains(&thresholds.len()), "{} thresholds", thresholds.len());
        for &v in &values {
            let b = cuts.bin(v) as usize;
            for (i, &t) in thresholds.iter().enumerate() {
                assert_eq!(b <= i, v <= t, "v {v} bin {b} threshold {i} = {t}");
            }
        }
        assert_eq!(cuts.bin(f32::NAN), 16);
    }

    #[test]
    fn few_distinct_values_each_get_a_bin_and_adjacent_floats_separate() {
        let lo = 1.0f32;
        let hi = f32::from_bits(lo.to_bits() + 1);
        let raw = Matrix::new(vec![lo, hi, lo, 5.0], 1).unwrap();
        let cuts = &fit(&raw, &[None], 255).unwrap()[0];
        assert_eq!((cuts.bin(lo), cuts.bin(hi), cuts.bin(5.0)), (0, 1, 2));
        let constant = Matrix::new(vec![3.0; 4], 1).unwrap();
        assert_eq!(fit(&constant, &[None], 255).unwrap()[0].regular(), 1);
    }

    #[test]
    fn categories_are_their_own_bins_and_too_many_are_refused() {
        let raw = Matrix::new(vec![0.0, 2.0, f32::NAN], 1).unwrap();
        let cuts = &fit(&raw, &[Some(3)], 255).unwrap()[0];
        assert_eq!((cuts.bin(0.0), cuts.bin(2.0), cuts.bin(f32::NAN)), (0, 2, 3));
        assert!(fit(&raw, &[Some(300)], 255).is_err());
    }
}
