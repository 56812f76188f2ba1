//! `fit` refuses feature columns that look like direct identifiers: the model (its inputs, its
//! preprocessing's category lists and edges) ships to every browser, so a column that names a
//! person must be marked `id` or `ignore` in the spec, never learnt from. Refused:
//! - whole numbers of 9 to 19 digits on most rows (phone, card or national-ID numbers);
//! - a distinct whole number on nearly every row that counts up or has a fixed width of 6+
//!   digits (row, customer or account numbers);
//! - categories that are e-mail addresses, or a distinct category on nearly every row (free text).
//!
//! Rules of thumb on the parsed values: a column they miss is not proof of anything, and one
//! they refuse is named with what it looks like.

use advisor_core::schema::{ColumnType, Spec};

use crate::data::Dataset;
use crate::error::{Error, Result};

/// Share of a column's values that must look like long numbers.
const LONG_NUMBER_SHARE: f64 = 0.9;
/// Share of rows with a value of their own that makes a column an identifier.
const DISTINCT_SHARE: f64 = 0.99;
/// Fewer rows than this say nothing about distinctness.
const MIN_ROWS: usize = 50;

/// Checks every feature column of `ds`; the error names the first identifier-like one.
pub fn check(spec: &Spec, ds: &Dataset) -> Result<()> {
    for (j, c) in spec.features().enumerate() {
        let values: Vec<f32> = ds.raw.iter_rows().map(|r| r[j]).filter(|v| !v.is_nan()).collect();
        let looks = match c.kind {
            ColumnType::Numeric => numeric(&values),
            _ => categorical(&values, c.categories.iter().map(|k| k.value.as_str())),
        };
        if let Some(what) = looks {
            return Err(Error::File {
                path: ds.path.clone(),
                msg: format!(
                    "column `{}` looks like a direct identifier ({what}): the model ships to every browser, so mark it `role = \"id\"` or `role = \"ignore\"` in the spec",
                    c.name
                ),
            });
        }
    }
    Ok(())
}

/// Digits of a whole number (`None` for a fraction).
fn digits(v: f64) -> Option<usize> {
    (v.fract() == 0.0).then(|| v.abs().max(1.0).log10().floor() as usize + 1)
}

/// What the identifier rules read of a numeric column's values (built from all of them, or one
/// value at a time by `advisor-train init`, with the distinct count kept apart).
#[derive(Debug, Clone)]
pub struct NumberSummary {
    pub n: usize,
    /// Whole numbers of 9 to 19 digits.
    pub long: usize,
    /// Whole numbers.
    pub whole: usize,
    pub lo: f64,
    pub hi: f64,
    /// The digits of the first whole number, and whether every whole number has as many.
    pub width: Option<(usize, bool)>,
}

impl Default for NumberSummary {
    fn default() -> Self {
        NumberSummary { n: 0, long: 0, whole: 0, lo: f64::INFINITY, hi: f64::NEG_INFINITY, width: None }
    }
}

impl NumberSummary {
    pub fn add(&mut self, v: f64) {
        self.n += 1;
        (self.lo, self.hi) = (self.lo.min(v), self.hi.max(v));
        let Some(d) = digits(v) else { return };
        self.whole += 1;
        self.long += usize::from((9..=19).contains(&d));
        self.width = Some(match self.width {
            None => (d, true),
            Some((w, same)) => (w, same && w == d),
        });
    }
}

fn numeric(values: &[f32]) -> Option<String> {
    let mut s = NumberSummary::default();
    values.iter().for_each(|&v| s.add(v.into()));
    numeric_identifier(&s, distinct(values))
}

/// Why a numeric column with `distinct` distinct values looks like an identifier, if it does.
pub fn numeric_identifier(s: &NumberSummary, distinct: usize) -> Option<String> {
    let n = s.n;
    if n > 0 && s.long as f64 >= LONG_NUMBER_SHARE * n as f64 {
        let long = s.long;
        return Some(format!("{long} of its {n} values are whole numbers of 9 to 19 digits, like phone, card or national-ID numbers"));
    }
    if n < MIN_ROWS || s.whole < n || (distinct as f64) < DISTINCT_SHARE * n as f64 {
        return None;
    }
    let counts_up = s.hi - s.lo < 1.1 * n as f64;
    let fixed_width = s.width.is_some_and(|(w, same)| w >= 6 && same);
    (counts_up || fixed_width).then(|| "a distinct whole number on nearly every row, like a row, customer or account number".into())
}

fn categorical<'a>(codes: &[f32], categories: impl Iterator<Item = &'a str>) -> Option<String> {
    categorical_identifier(codes.len(), distinct(codes), categories)
}

/// Why a categorical column of `n` values, `distinct` of them different, looks like an
/// identifier, if it does.
pub fn categorical_identifier<'a>(n: usize, distinct: usize, mut categories: impl Iterator<Item = &'a str>) -> Option<String> {
    if categories.any(|v| v.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))) {
        return Some("its categories include e-mail addresses".into());
    }
    (n >= MIN_ROWS && distinct as f64 >= DISTINCT_SHARE * n as f64)
        .then(|| "a distinct category on nearly every row, like names or free text".into())
}

/// How many distinct values `values` has.
fn distinct(values: &[f32]) -> usize {
    let mut v = values.to_vec();
    v.sort_by(f32::total_cmp);
    v.dedup();
    v.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_recognised_and_ordinary_features_are_not() {
        let phones: Vec<f32> = (0..100).map(|i| 5_550_000_000.0 + 7919.0 * i as f32).collect();
        assert!(numeric(&phones).unwrap().contains("phone"));
        let row_numbers: Vec<f32> = (1..=200).map(|i| i as f32).collect();
        assert!(numeric(&row_numbers).unwrap().contains("row"));
        let accounts: Vec<f32> = (0..200).map(|i| 400_000.0 + 1_733.0 * i as f32).collect();
        assert!(numeric(&accounts).is_some());
        // Amounts: distinct but neither counting up nor of one width; ages: few values.
        let amounts: Vec<f32> = (0..200).map(|i| 250.0 + (i * i) as f32 * 3.0).collect();
        let ages: Vec<f32> = (0..200).map(|i| 18.0 + (i % 60) as f32).collect();
        assert_eq!((numeric(&amounts), numeric(&ages)), (None, None));
        assert!(categorical(&[0.0], ["a@b.com"].into_iter()).unwrap().contains("e-mail"));
        let free_text: Vec<f32> = (0..100).map(|i| i as f32).collect();
        assert!(categorical(&free_text, ["x"].into_iter()).is_some());
        assert_eq!(categorical(&[0.0, 1.0, 0.0], ["rent", "own"].into_iter()), None);
    }
}
