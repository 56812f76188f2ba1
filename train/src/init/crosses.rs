//! Crosses proposed from the data: a pair of few-valued feature columns whose pairs of values
//! tell the label apart far better than the two columns added together (Bank Marketing's
//! contact month × day of month: the campaign calendar, which neither column shows alone).
//!
//! A second streamed pass counts the label on every pair of candidate columns. Each pair's
//! table is tested against the additive model of its two columns (logit = a + b, fitted on the
//! counts by iterative proportional fitting): the likelihood-ratio statistic G of the pairs that
//! `fit` would keep (those on [`MIN_PAIR_ROWS`] rows or more; the rest pooled, as `fit` pools
//! them) must pay for the inputs they add by BIC (G > df · ln N), and add at least
//! [`MIN_GAIN_SHARE`] of what the two columns say added. Neither threshold is fitted to a file.

use std::collections::HashMap;
use std::path::Path;

use advisor_core::schema::{ColumnType, Role};

use crate::data::open_bytes;
use crate::error::Result;

use super::draft::ColumnDraft;
use super::profile::{each_row, number_key, ColumnProfile, Profile, MISSING_MARKERS};

/// A column is a candidate when it has at most this many values (categories or whole numbers).
const MAX_VALUES: usize = 64;
/// At most this many candidate columns (the first in the file): pairs grow as their square.
const MAX_CANDIDATES: usize = 32;
/// Rows a pair of values needs to be an input of its own (`fit --min-cross-count`'s default).
const MIN_PAIR_ROWS: u64 = 25;
/// Share of the two columns' own (additive) information that their pairs must add.
const MIN_GAIN_SHARE: f64 = 0.5;
/// At most this many crosses proposed.
const MAX_PROPOSED: usize = 3;
/// Rounds of iterative proportional fitting.
const IPF_ROUNDS: usize = 100;

/// A proposed cross: two columns (positions in the file) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub columns: [usize; 2],
    /// G of the kept pairs against the additive model, and its degrees of freedom.
    pub g: f64,
    pub df: usize,
    /// G as a share of the additive model's own statistic against no column at all (infinite
    /// where the two columns alone say nothing).
    pub share: f64,
    /// G − df · ln N: what the cross gains by BIC (positive for every proposal).
    pub gain: f64,
}

/// A candidate column: its position and the code of each value (0: missing or unlisted).
struct Candidate {
    j: usize,
    texts: HashMap<String, u32>,
    numbers: HashMap<u64, u32>,
    values: usize,
}

impl Candidate {
    fn of(j: usize, d: &ColumnDraft, p: &ColumnProfile) -> Option<Candidate> {
        if d.role != Role::Feature {
            return None;
        }
        let (texts, numbers) = match d.kind {
            ColumnType::Categorical | ColumnType::Binary => (codes(d.categories.iter().cloned()), HashMap::new()),
            ColumnType::Numeric if d.integer => (HashMap::new(), codes(p.numbers_seen()?.into_iter().map(number_key))),
            ColumnType::Numeric => return None,
        };
        let values = texts.len() + numbers.len();
        (2..=MAX_VALUES).contains(&values).then_some(Candidate { j, texts, numbers, values })
    }

    fn code(&self, cell: &str) -> u32 {
        if MISSING_MARKERS.contains(&cell) {
            return 0;
        }
        if !self.texts.is_empty() {
            return self.texts.get(cell).copied().unwrap_or(0);
        }
        cell.trim().parse::<f64>().ok().and_then(|v| self.numbers.get(&number_key(v)).copied()).unwrap_or(0)
    }
}

/// Codes 1, 2, … for the values in order.
fn codes<K: std::hash::Hash + Eq>(values: impl Iterator<Item = K>) -> HashMap<K, u32> {
    values.zip(1..).collect()
}

/// The crosses proposed for the drafted `columns` of the file at `path` (read once more), best
/// first; the label counts as positive where it equals `positive`.
pub fn propose(path: &Path, p: &Profile, columns: &[ColumnDraft], positive: &str) -> Result<Vec<Proposal>> {
    let cands: Vec<Candidate> =
        columns.iter().enumerate().filter_map(|(j, d)| Candidate::of(j, d, &p.columns[j])).take(MAX_CANDIDATES).collect();
    if cands.len() < 2 {
        return Ok(vec![]);
    }
    let pairs: Vec<(usize, usize)> = (0..cands.len()).flat_map(|a| (a + 1..cands.len()).map(move |b| (a, b))).collect();
    let mut tables: Vec<Table> = pairs.iter().map(|&(a, b)| Table::new(cands[a].values + 1, cands[b].values + 1)).collect();
    let (reader, _) = open_bytes(path)?;
    let mut code = vec![0u32; cands.len()];
    let rows = each_row(path, reader, p.delimiter, p.columns.len(), |row| {
        let label = row.cell(p.label);
        if MISSING_MARKERS.contains(&label) {
            return;
        }
        let y = usize::from(label == positive);
        for (k, c) in cands.iter().enumerate() {
            code[k] = c.code(row.cell(c.j));
        }
        for (t, &(a, b)) in tables.iter_mut().zip(&pairs) {
            t.add(code[a], code[b], y);
        }
    })?;
    let ln_n = (rows as f64).ln();
    let mut found: Vec<Proposal> = tables
        .iter()
        .zip(&pairs)
        .filter_map(|(t, &(a, b))| {
            let (g, df, share) = t.test(rows)?;
            Some(Proposal { columns: [cands[a].j, cands[b].j], g, df, share, gain: g - df as f64 * ln_n })
        })
        .filter(|q| q.gain > 0.0 && q.share >= MIN_GAIN_SHARE)
        .collect();
    found.sort_by(|x, y| y.gain.total_cmp(&x.gain));
    found.truncate(MAX_PROPOSED);
    Ok(found)
}

/// Label counts on the pairs of values of two columns (`rows` × `cols` codes).
#[derive(Debug, Clone)]
struct Table {
    rows: usize,
    cols: usize,
    n: Vec<[f64; 2]>,
}

impl Table {
    fn new(rows: usize, cols: usize) -> Table {
        Table { rows, cols, n: vec![[0.0; 2]; rows * cols] }
    }

    fn add(&mut self, a: u32, b: u32, y: usize) {
        self.n[a as usize * self.cols + b as usize][y] += 1.0;
    }

    /// (G, df, share): the kept pairs against the additive model; `None` without both labels.
    fn test(&self, rows: u64) -> Option<(f64, usize, f64)> {
        let total = [self.n.iter().map(|c| c[0]).sum::<f64>(), self.n.iter().map(|c| c[1]).sum::<f64>()];
        if total[0] == 0.0 || total[1] == 0.0 || rows == 0 {
            return None;
        }
        let m = self.additive();
        let (mut g, mut kept) = (0.0, 0usize);
        let (mut pooled, mut pooled_m) = ([0.0; 2], [0.0; 2]);
        for (n, m) in self.n.iter().zip(&m) {
            if n[0] + n[1] >= MIN_PAIR_ROWS as f64 {
                kept += 1;
                g += deviance(n, m);
            } else {
                for c in 0..2 {
                    pooled[c] += n[c];
                    pooled_m[c] += m[c];
                }
            }
        }
        g += deviance(&pooled, &pooled_m);
        let cells = kept + usize::from(pooled[0] + pooled[1] > 0.0);
        let df = cells.saturating_sub(self.levels() - 1).max(1);
        let p = total[1] / (total[0] + total[1]);
        let own: f64 = self.n.iter().zip(&m).map(|(n, m)| deviance(m, &[(n[0] + n[1]) * (1.0 - p), (n[0] + n[1]) * p])).sum();
        let share = if own > 0.0 {
            g / own
        } else if g > 0.0 {
            f64::INFINITY
        } else {
            0.0
        };
        Some((g, df, share))
    }

    /// Values seen of the first column plus values seen of the second.
    fn levels(&self) -> usize {
        let (mut a, mut b) = (vec![false; self.rows], vec![false; self.cols]);
        for (i, c) in self.n.iter().enumerate() {
            if c[0] + c[1] > 0.0 {
                (a[i / self.cols], b[i % self.cols]) = (true, true);
            }
        }
        a.iter().chain(&b).filter(|&&seen| seen).count()
    }

    /// Expected counts under the additive model (no three-way term), by iterative proportional
    /// fitting of the (a, label), (b, label) and (a, b) margins.
    fn additive(&self) -> Vec<[f64; 2]> {
        let want = [self.margins(&self.n, true), self.margins(&self.n, false)];
        let mut m: Vec<[f64; 2]> = self.n.iter().map(|c| [(c[0] + c[1]) / 2.0; 2]).collect();
        for _ in 0..IPF_ROUNDS {
            for (by_row, want) in [(true, &want[0]), (false, &want[1])] {
                let have = self.margins(&m, by_row);
                for (i, cell) in m.iter_mut().enumerate() {
                    let (w, h) = (want[self.line(i, by_row)], have[self.line(i, by_row)]);
                    (0..2).for_each(|c| cell[c] *= if h[c] > 0.0 { w[c] / h[c] } else { 0.0 });
                }
            }
            for (cell, n) in m.iter_mut().zip(&self.n) {
                let (now, want) = (cell[0] + cell[1], n[0] + n[1]);
                let s = if now > 0.0 { want / now } else { 0.0 };
                *cell = [cell[0] * s, cell[1] * s];
            }
        }
        m
    }

    /// The row (`by_row`) or column of cell `i`.
    fn line(&self, i: usize, by_row: bool) -> usize {
        if by_row {
            i / self.cols
        } else {
            i % self.cols
        }
    }

    /// Counts by label summed over each row (`by_row`) or each column of `cells`.
    fn margins(&self, cells: &[[f64; 2]], by_row: bool) -> Vec<[f64; 2]> {
        let mut out = vec![[0.0; 2]; if by_row { self.rows } else { self.cols }];
        for (i, c) in cells.iter().enumerate() {
            let at = &mut out[self.line(i, by_row)];
            (at[0], at[1]) = (at[0] + c[0], at[1] + c[1]);
        }
        out
    }
}

/// 2 Σ n ln(n / m) over the two labels.
fn deviance(n: &[f64; 2], m: &[f64; 2]) -> f64 {
    (0..2).filter(|&c| n[c] > 0.0 && m[c] > 0.0).map(|c| 2.0 * n[c] * (n[c] / m[c]).ln()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(cells: &[(u32, u32, [u64; 2])], rows: usize, cols: usize) -> Table {
        let mut t = Table::new(rows, cols);
        for &(a, b, [n0, n1]) in cells {
            (0..n0).for_each(|_| t.add(a, b, 0));
            (0..n1).for_each(|_| t.add(a, b, 1));
        }
        t
    }

    #[test]
    fn an_additive_table_has_no_gain_and_an_exclusive_or_has_all() {
        // Odds 1, 3 by a times 1, 2 by b: exactly additive in the logit.
        let add = table(&[(1, 1, [400, 400]), (1, 2, [300, 600]), (2, 1, [200, 600]), (2, 2, [100, 600])], 3, 3);
        let (g, df, share) = add.test(4000).unwrap();
        assert!(g < 1e-6, "G {g}");
        assert_eq!(df, 1);
        assert!(share < 1e-6);
        // The label is a XOR b: neither column alone says anything.
        let xor = table(&[(1, 1, [500, 0]), (1, 2, [0, 500]), (2, 1, [0, 500]), (2, 2, [500, 0])], 3, 3);
        let (g, _, share) = xor.test(2000).unwrap();
        assert!(g > 2000.0 && share > 100.0, "G {g}, share {share}");
    }

    #[test]
    fn rare_pairs_are_pooled_as_fit_pools_them() {
        // Each pair on 10 rows (under 25): all pooled, so nothing is kept and G is 0.
        let rare = table(&[(1, 1, [10, 0]), (1, 2, [0, 10]), (2, 1, [0, 10]), (2, 2, [10, 0])], 3, 3);
        let (g, _, _) = rare.test(40).unwrap();
        assert!(g.abs() < 1e-9, "G {g}");
    }
}
