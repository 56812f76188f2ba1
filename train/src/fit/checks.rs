//! What a person should know of the data and the model before shipping — few rows of a class,
//! a test AUC not shown to beat chance, test rows that copy training rows, what makes a model
//! reveal less of its rows — said once here for the warnings of `fit` and `import` and the
//! report's data checks; and what `fit` refuses: too few rows to choose and calibrate on, and
//! a model that ranks its own rows no better than chance.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use advisor_core::matrix::Matrix;
use rand::seq::SliceRandom;
use rand::SeedableRng;

use super::Family;
use crate::error::{Error, Result};

/// Fewest rows of either class below which `fit` warns that a model can learn little from them
/// and its figures mean little (the test part then holds a fifth of them).
pub const FEW_CLASS_ROWS: usize = 100;

/// Fewest rows of either class in the validation part: below it, its AUC cannot choose an
/// epoch, a number of trees or a family, nor calibration fit (German credit's first 40 rows
/// leave 2 bad loans there).
pub const MIN_VALIDATION_CLASS_ROWS: usize = 5;

/// Refuses a split whose validation part (`y_val`, out of `train_rows`) has fewer than
/// [`MIN_VALIDATION_CLASS_ROWS`] of a class: too few to choose and calibrate on.
pub fn enough_to_validate(path: &Path, y_val: &[u8], train_rows: usize) -> Result<()> {
    let [neg, pos] = class_counts(y_val.iter());
    if neg.min(pos) >= MIN_VALIDATION_CLASS_ROWS {
        return Ok(());
    }
    Err(Error::File {
        path: path.to_path_buf(),
        msg: format!(
            "too few rows to fit: the validation part (epochs, trees and calibration are chosen on it) has {pos} positive and {neg} negative rows, fewer than {MIN_VALIDATION_CLASS_ROWS} of a class; it holds {} of the {train_rows} training rows, so more rows are needed (a few hundred of each class is the least), or a larger --validation-size",
            y_val.len()
        ),
    })
}

/// Refuses a model whose probabilities on the rows it was fitted on (`y_fit`, `p_fit`) rank
/// them no better than chance: a network whose hidden units all went dark (`--hidden 1`), or
/// trees that never split, gives every applicant one probability. Such a model must not ship
/// under any option `--help` offers.
pub fn ranks_its_rows(family: Family, private: bool, y_fit: &[u8], p_fit: &[f32]) -> Result<()> {
    let Some(auc) = no_better_than_chance(y_fit, p_fit) else { return Ok(()) };
    let what = match (family, private) {
        (_, true) => "a larger --dp-epsilon, or more rows",
        (Family::Mlp, false) => "more --hidden units, a lower --lr or more --epochs",
        (Family::Gbdt | Family::Blend, false) => "more --rounds, a lower --min-rows or more rows",
    };
    Err(Error::Model {
        family: family.name(),
        msg: format!(
            "it ranks the {} fit rows, which it was trained on, no better than chance (AUC {auc:.4}): its scores would mean nothing to applicants; train differently ({what})",
            y_fit.len()
        ),
    })
}

/// The AUC of `p` on `y` when it is 0.5 or less: the rows are ranked no better than chance.
/// A model that so ranks the rows it was trained on must not ship (`fit` and `import`).
pub fn no_better_than_chance(y: &[u8], p: &[f32]) -> Option<f64> {
    let auc = advisor_core::metrics::auc(y, p);
    (auc <= 0.5).then_some(auc)
}

/// Rows of each label value (0, 1).
pub fn class_counts<'a>(labels: impl Iterator<Item = &'a u8>) -> [usize; 2] {
    labels.fold([0, 0], |mut n, &y| {
        n[usize::from(y == 1)] += 1;
        n
    })
}

/// The warning for a class with fewer than [`FEW_CLASS_ROWS`] rows (`classes`: rows of label
/// 0 and 1 in the whole file), if one has.
pub fn few_rows(classes: [usize; 2]) -> Option<String> {
    let rarer = classes[0].min(classes[1]);
    let which = if classes[1] <= classes[0] { "positive" } else { "negative" };
    (rarer < FEW_CLASS_ROWS).then(|| {
        format!("only {rarer} {which} rows: too few for a model to learn much from, or for its test figures to mean much (see the AUC's interval); a few hundred of each class is the least")
    })
}

/// The warning for a test AUC whose 95 % interval (`interval`) reaches 0.5: on these rows the
/// model is not shown to rank new applicants better than chance (its features carry little, or
/// the test part is too small to tell).
pub fn chance_on_test(auc: f64, interval: Option<(f64, f64)>) -> Option<String> {
    let (lo, hi) = interval?;
    (lo <= 0.5).then(|| {
        format!("the test AUC {auc:.4} has 0.5 inside its 95 % interval ({lo:.4}–{hi:.4}): the model is not shown to rank new applicants better than chance; its features may carry little about the label, or the test part is too small to tell")
    })
}

/// Test rows that copy a training row: found, and expected by chance.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Copies {
    pub found: usize,
    pub by_chance: f64,
}

impl Copies {
    /// At least 1 % of the `test_rows`, and clearly more than chance gives (twice it, and
    /// three of its standard deviations above it): duplicate records, not a few-valued table.
    pub fn duplicated(&self, test_rows: usize) -> bool {
        self.found * 100 >= test_rows.max(1) && self.found as f64 > 2.0 * self.by_chance + 3.0 * self.by_chance.sqrt()
    }

    /// The warning for duplicated records, if [`Copies::duplicated`].
    pub fn warning(&self, test_rows: usize) -> Option<String> {
        self.duplicated(test_rows).then(|| {
            format!(
                "{} of the {test_rows} test rows ({:.1} %) are exact copies of training rows (every feature and the label; about {:.0} would be by chance): the test figures overstate how the model does on new applicants; remove duplicate records before fitting",
                self.found,
                100.0 * self.found as f64 / test_rows as f64,
                self.by_chance
            )
        })
    }
}

/// Shuffled copies of the training part that [`test_copies`] counts chance copies in.
const CHANCE_DRAWS: usize = 3;

/// Test rows whose features and label are a training row's (by a 64-bit hash of the values'
/// bits and the label), and how many would be if values met by chance: the mean over
/// [`CHANCE_DRAWS`] copies of the training part with each column and the label shuffled on its
/// own (each column's values kept, the rows they formed broken). A table of a few categories
/// has many copies by chance, and then its copies are no sign of duplicate records.
pub fn test_copies(train: (&Matrix, &[u8]), test: (&Matrix, &[u8]), seed: u64) -> Copies {
    let key = |row: &[f32], y: u8| {
        let mut h = DefaultHasher::new();
        row.iter().for_each(|v| v.to_bits().hash(&mut h));
        y.hash(&mut h);
        h.finish()
    };
    let count = |seen: &HashSet<u64>| test.0.iter_rows().zip(test.1).filter(|&(r, &y)| seen.contains(&key(r, y))).count();
    let found = count(&train.0.iter_rows().zip(train.1).map(|(r, &y)| key(r, y)).collect());
    let (n, cols) = (train.0.rows(), train.0.cols());
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut by_chance = 0;
    for _ in 0..CHANCE_DRAWS {
        // Row i of the shuffled copy takes column j from row order[i], a column at a time: a
        // hasher a row and one order in memory (not an order a column: 8 bytes a cell).
        let mut rows = vec![DefaultHasher::new(); n];
        let mut order: Vec<usize> = (0..n).collect();
        for j in 0..cols {
            order.shuffle(&mut rng);
            rows.iter_mut().zip(&order).for_each(|(h, &from)| train.0.row(from)[j].to_bits().hash(h));
        }
        order.shuffle(&mut rng);
        let shuffled = rows.into_iter().zip(&order).map(|(mut h, &from)| {
            train.1[from].hash(&mut h);
            h.finish()
        });
        by_chance += count(&shuffled.collect());
    }
    Copies { found, by_chance: by_chance as f64 / CHANCE_DRAWS as f64 }
}

/// What makes a model of `family` reveal less of its training rows. Weight decay acts on the
/// network only; where trees are shipped, they memorise most (a 500-row table with 80 columns:
/// attack AUC 0.75 for the trees alone, 0.70 for the blend, 0.61 for the network with
/// `--weight-decay 0.1`, whose test AUC was the higher there and 0.067 lower on German credit:
/// BENCHMARKS.md, so the advice asks for the comparison).
pub fn revealing_less(family: Family) -> &'static str {
    match family {
        Family::Mlp => "fewer features (--features) or --weight-decay 0.1 make it reveal less (compare the test AUC they give)",
        Family::Gbdt | Family::Blend => {
            "its trees memorise most: the network alone (--model mlp --weight-decay 0.1) or fewer features (--features) make it reveal less (compare the test AUC they give)"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_of_rows_stand_out_from_copies_of_few_values() {
        // 200 rows of two coins: every test row has its values in training by chance.
        let coins: Vec<f32> = (0..400).map(|i| ((i * 7 + i / 3) % 2) as f32).collect();
        let m = Matrix::new(coins, 2).unwrap();
        let y: Vec<u8> = (0..200).map(|i| (i % 3 == 0) as u8).collect();
        let few = test_copies((&m, &y), (&m, &y), 1);
        assert_eq!(few.found, 200);
        assert!(few.by_chance > 150.0 && !few.duplicated(200) && few.warning(200).is_none(), "{few:?}");
        // 200 rows of distinct values, given again as the test part: all copies, and by chance
        // only where a shuffle takes both columns from the same row (about one row a draw).
        let distinct = Matrix::new((0..400).map(|i| i as f32 * 0.37).collect(), 2).unwrap();
        let twins = test_copies((&distinct, &y), (&distinct, &y), 1);
        assert!(twins.found == 200 && twins.by_chance < 3.0, "{twins:?}");
        assert!(twins.warning(200).unwrap().starts_with("200 of the 200 test rows (100.0 %) are exact copies"));
    }

    #[test]
    fn a_model_that_ranks_nothing_is_refused_with_what_to_change() {
        let y = [0, 1, 0, 1, 1, 0];
        assert!(ranks_its_rows(Family::Mlp, false, &y, &[0.1, 0.9, 0.2, 0.8, 0.6, 0.3]).is_ok());
        let dead = ranks_its_rows(Family::Mlp, false, &y, &[0.3; 6]).unwrap_err().to_string();
        assert!(
            dead.starts_with("the mlp model: it ranks the 6 fit rows") && dead.contains("(AUC 0.5000)") && dead.contains("--hidden"),
            "{dead}"
        );
        let backwards = ranks_its_rows(Family::Gbdt, false, &y, &[0.9, 0.1, 0.8, 0.2, 0.3, 0.7]).unwrap_err().to_string();
        assert!(backwards.contains("--rounds"), "{backwards}");
        assert!(ranks_its_rows(Family::Mlp, true, &y, &[0.3; 6]).unwrap_err().to_string().contains("--dp-epsilon"));
    }

    #[test]
    fn a_test_auc_whose_interval_reaches_chance_is_said() {
        assert!(chance_on_test(0.49, Some((0.46, 0.52))).unwrap().contains("0.5 inside its 95 % interval (0.4600–0.5200)"));
        assert_eq!(chance_on_test(0.81, Some((0.75, 0.87))), None);
        assert_eq!(chance_on_test(0.5, None), None);
    }

    #[test]
    fn few_rows_name_the_rarer_class() {
        assert!(few_rows([700, 40]).unwrap().starts_with("only 40 positive rows"));
        assert!(few_rows([40, 700]).unwrap().starts_with("only 40 negative rows"));
        assert_eq!(few_rows([700, 300]), None);
    }
}
