//! Stratified, seeded splits.

use rand::seq::SliceRandom;
use rand::SeedableRng;

/// Splits row indices into (kept, held out) with `held_out` share of each class held out,
/// shuffled with `seed`. Both parts are returned in ascending row order. The larger class is
/// drawn first, so the rows do not depend on which value a spec calls positive (but for two
/// classes of one size).
pub fn stratified(labels: &[u8], held_out: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (mut keep, mut out) = (Vec::new(), Vec::new());
    let ones = labels.iter().filter(|&&y| y == 1).count();
    let first = u8::from(2 * ones > labels.len());
    for class in [first, 1 - first] {
        let mut idx: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        idx.shuffle(&mut rng);
        let n_out = (idx.len() as f64 * held_out).round() as usize;
        out.extend_from_slice(&idx[..n_out]);
        keep.extend_from_slice(&idx[n_out..]);
    }
    keep.sort_unstable();
    out.sort_unstable();
    (keep, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rows_do_not_depend_on_which_class_is_positive() {
        let labels: Vec<u8> = (0..300).map(|i| u8::from(i % 7 < 3)).collect();
        let flipped: Vec<u8> = labels.iter().map(|y| 1 - y).collect();
        assert_eq!(stratified(&labels, 0.2, 42), stratified(&flipped, 0.2, 42));
    }

    #[test]
    fn keeps_class_shares_and_is_seeded() {
        let labels: Vec<u8> = (0..1000).map(|i| (i % 10 == 0) as u8).collect();
        let (a, b) = stratified(&labels, 0.2, 7);
        assert_eq!((a.len(), b.len()), (800, 200));
        assert_eq!(b.iter().filter(|&&i| labels[i] == 1).count(), 20);
        assert_eq!(stratified(&labels, 0.2, 7), (a.clone(), b));
        assert_ne!(stratified(&labels, 0.2, 8).0, a);
    }
}

/// The evaluation protocol's parts, as row indices into the data file (each ascending).
#[derive(Debug, Clone, PartialEq)]
pub struct Parts {
    /// The training part (fit + validation).
    pub train: Vec<usize>,
    /// Rows the network is fitted on.
    pub fit: Vec<usize>,
    /// Rows for best-epoch selection and calibration.
    pub validation: Vec<usize>,
    /// The held-out test part.
    pub test: Vec<usize>,
    /// Positions of `fit` and `validation` rows within `train`.
    pub fit_in_train: Vec<usize>,
    pub validation_in_train: Vec<usize>,
}

/// Stratified train/test split with `seed`, then validation out of the training part with
/// `seed + 1`: the one protocol `fit` and `report` both use.
pub fn protocol(labels: &[u8], test_size: f64, validation_size: f64, seed: u64) -> Parts {
    let (train, test) = stratified(labels, test_size, seed);
    let train_labels: Vec<u8> = train.iter().map(|&i| labels[i]).collect();
    let (fit_in_train, validation_in_train) = stratified(&train_labels, validation_size, seed.wrapping_add(1));
    let fit = fit_in_train.iter().map(|&i| train[i]).collect();
    let validation = validation_in_train.iter().map(|&i| train[i]).collect();
    Parts { train, fit, validation, test, fit_in_train, validation_in_train }
}
