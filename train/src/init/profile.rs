//! One pass over a data file, streamed: what each column holds, as counts (no row is kept, so a
//! file of any size fits).

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use advisor_core::schema::plain_number;

use crate::data::{csv_err, csv_reader, open_bytes};
use crate::error::{Error, Result};
use crate::masking::NumberSummary;

use super::sniff;

/// Cell texts read as "missing" wherever they occur (a fixed list: they say nothing of a row).
pub const MISSING_MARKERS: [&str; 9] = ["", "NA", "N/A", "na", "n/a", "?", "null", "NULL", "NaN"];
/// Distinct texts counted per column; a column with more is not categorical.
const MAX_TEXTS: usize = 10_000;
/// Distinct numbers counted per column; past it, the share of distinct values so far stands in.
const MAX_NUMBERS: usize = 1_000_000;
/// Bytes read to tell the delimiter and the header.
const SAMPLE_BYTES: usize = 1 << 16;

/// What one column holds.
#[derive(Debug, Default)]
pub struct ColumnProfile {
    pub header: String,
    /// Cells equal to each of [`MISSING_MARKERS`].
    pub markers: [u64; MISSING_MARKERS.len()],
    /// The cells that are finite numbers.
    pub numbers: NumberSummary,
    /// How many rows hold the smallest and the largest number.
    pub lo_count: u64,
    pub hi_count: u64,
    /// Cells that are neither a marker nor a finite number.
    pub texts_not_numbers: u64,
    /// Count of each distinct cell text other than the markers, until [`MAX_TEXTS`] texts.
    pub texts: HashMap<String, u64>,
    /// Whether the column had more distinct texts than [`MAX_TEXTS`].
    pub too_many_texts: bool,
    /// Rows of each distinct number by label slot (see [`Profile::label`]), until
    /// [`MAX_NUMBERS`] numbers.
    by_number: HashMap<u64, [u64; 2]>,
    /// (distinct, numbers) when [`MAX_NUMBERS`] was reached.
    numbers_at_cap: Option<(usize, usize)>,
    /// The file's decimal mark (`.` or `,`): how a cell is read as a number.
    pub decimal: char,
    /// A hash of every cell in row order, markers included: two columns with the same
    /// fingerprint hold the same cell on every row ([`ColumnProfile::same_cells`]).
    fingerprint: u64,
}

/// The file's delimiter, decimal mark, rows and columns.
#[derive(Debug)]
pub struct Profile {
    pub delimiter: u8,
    pub decimal: char,
    pub rows: u64,
    pub columns: Vec<ColumnProfile>,
    /// The label's column (its first two values are slots 0 and 1 of the counts by label).
    pub label: usize,
}

impl ColumnProfile {
    /// Cells that are not missing markers.
    pub fn present(&self) -> u64 {
        self.numbers.n as u64 + self.texts_not_numbers
    }
    /// Distinct numbers (estimated from the share at the cap past [`MAX_NUMBERS`]).
    pub fn distinct_numbers(&self) -> usize {
        match self.numbers_at_cap {
            Some((d, n)) => (d as f64 / n as f64 * self.numbers.n as f64).round() as usize,
            None => self.by_number.len(),
        }
    }
    /// How well the column's numbers alone separate the label's two values: the AUC of ranking
    /// by the number, either way round (0.5 to 1); `None` past [`MAX_NUMBERS`] or without both.
    pub fn label_auc(&self) -> Option<f64> {
        if self.numbers_at_cap.is_some() {
            return None;
        }
        let mut values: Vec<(f64, [u64; 2])> = self.by_number.iter().map(|(&b, &n)| (f64::from_bits(b), n)).collect();
        values.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (mut below, mut pairs) = (0u64, 0.0);
        for (_, [zero, one]) in &values {
            pairs += *one as f64 * (below as f64 + *zero as f64 / 2.0);
            below += zero;
        }
        let ones: u64 = values.iter().map(|(_, n)| n[1]).sum();
        let auc = pairs / (below as f64 * ones as f64);
        auc.is_finite().then_some(auc.max(1.0 - auc))
    }
    /// The distinct numbers, ascending (`None` past [`MAX_NUMBERS`]).
    pub fn numbers_seen(&self) -> Option<Vec<f64>> {
        let mut v: Vec<f64> = self.numbers_at_cap.is_none().then(|| self.by_number.keys().map(|&b| f64::from_bits(b)).collect())?;
        v.sort_by(f64::total_cmp);
        Some(v)
    }
    /// `text` as a number, read with the file's decimal mark.
    pub fn number(&self, text: &str) -> Option<f64> {
        number_with(self.decimal, text)
    }
    /// The share of the column's counted texts, by rows, that pass `test` (0 without texts).
    pub fn share(&self, test: impl Fn(&str) -> bool) -> f64 {
        let total: u64 = self.texts.values().sum();
        let passed: u64 = self.texts.iter().filter(|(t, _)| test(t)).map(|(_, n)| n).sum();
        if total == 0 {
            0.0
        } else {
            passed as f64 / total as f64
        }
    }
    /// The share of the column's texts that read as numbers written with a decimal comma (`1,5`;
    /// none with a point).
    fn comma_numbers(&self) -> f64 {
        self.share(|t| t.contains(',') && number_with(',', t).is_some())
    }
    /// How many rows hold `text` (0 when not counted).
    pub fn count(&self, text: &str) -> u64 {
        self.texts.get(text).copied().unwrap_or(0)
    }

    /// Whether the two columns hold the same cell on every row (by their fingerprints: 64-bit
    /// FNV-1a over every cell, each closed by a byte no UTF-8 text holds).
    pub fn same_cells(&self, other: &ColumnProfile) -> bool {
        self.fingerprint == other.fingerprint && self.markers == other.markers && self.texts_not_numbers == other.texts_not_numbers
    }
    /// Whether one value is on every row (no cell missing).
    pub fn is_constant(&self) -> bool {
        self.texts.len() == 1 && !self.too_many_texts && self.markers.iter().all(|&n| n == 0)
    }

    /// Counts `cell`, on a row whose label is in `slot` (`None`: missing or a third value).
    fn add(&mut self, cell: &str, slot: Option<usize>) {
        self.fingerprint = fnv1a(fnv1a(self.fingerprint, cell.as_bytes()), &[0xff]);
        if let Some(i) = MISSING_MARKERS.iter().position(|m| *m == cell) {
            self.markers[i] += 1;
            return;
        }
        match self.number(cell) {
            Some(v) if v.is_finite() => self.add_number(v, slot),
            _ => self.texts_not_numbers += 1,
        }
        if let Some(n) = self.texts.get_mut(cell) {
            *n += 1;
        } else if self.texts.len() < MAX_TEXTS {
            self.texts.insert(cell.to_string(), 1);
        } else {
            self.too_many_texts = true;
        }
    }

    fn add_number(&mut self, v: f64, slot: Option<usize>) {
        let s = &self.numbers;
        self.lo_count = if s.n == 0 || v < s.lo { 1 } else { self.lo_count + u64::from(v == s.lo) };
        self.hi_count = if s.n == 0 || v > s.hi { 1 } else { self.hi_count + u64::from(v == s.hi) };
        self.numbers.add(v);
        if self.numbers_at_cap.is_none() {
            let counts = self.by_number.entry(number_key(v)).or_default();
            if let Some(k) = slot {
                counts[k] += 1;
            }
            if self.by_number.len() >= MAX_NUMBERS {
                self.numbers_at_cap = Some((self.by_number.len(), self.numbers.n));
                self.by_number = HashMap::new();
            }
        }
    }
}

/// `text` as a number written with the decimal mark `decimal`.
fn number_with(decimal: char, text: &str) -> Option<f64> {
    plain_number(decimal, text).ok()?.trim().parse::<f64>().ok()
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// 64-bit FNV-1a of `bytes`, continued from `hash`.
fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The key a number is counted under: its bits, with −0 and 0 alike.
pub fn number_key(v: f64) -> u64 {
    (v + 0.0).to_bits()
}

/// Reads the whole file at `path` (plain or gzip); `label` finds the label's column in the
/// header. Where the delimiter is not `,`, the file has numbers written with a decimal comma
/// ([`decimal_comma`]) and none with a point, it is read again with `,` as its decimal mark.
pub fn profile(path: &Path, label: impl Fn(&[String]) -> Result<usize>) -> Result<Profile> {
    let p = profile_with(path, &label, '.')?;
    if p.delimiter != b',' && decimal_comma(&p.columns) {
        return profile_with(path, &label, ',');
    }
    Ok(p)
}

/// Share of a column's text cells past which they are numbers written with a decimal comma.
const COMMA_SHARE: f64 = 0.95;

/// Whether the columns show a decimal comma: one column's texts are nearly all numbers written
/// with one (`0,345`), and no column has a number with a fractional part written with a point.
fn decimal_comma(columns: &[ColumnProfile]) -> bool {
    let comma = columns.iter().any(|c| c.texts_not_numbers > 0 && !c.too_many_texts && c.comma_numbers() >= COMMA_SHARE);
    comma && columns.iter().all(|c| c.numbers.whole == c.numbers.n)
}

/// One pass over the file, numbers read with the decimal mark `decimal`.
fn profile_with(path: &Path, label: &impl Fn(&[String]) -> Result<usize>, decimal: char) -> Result<Profile> {
    let (mut reader, _) = open_bytes(path)?;
    let mut sample = Vec::with_capacity(SAMPLE_BYTES);
    (&mut reader).take(SAMPLE_BYTES as u64).read_to_end(&mut sample).map_err(Error::io(path))?;
    let delimiter = sniff::delimiter(path, &sample)?;
    let header = sniff::check_header(path, &sample, delimiter)?;
    let label = label(&header)?;
    let mut label_values: Vec<String> = vec![];
    let mut columns: Vec<ColumnProfile> =
        header.into_iter().map(|header| ColumnProfile { header, decimal, fingerprint: FNV_OFFSET, ..Default::default() }).collect();
    let rows = each_row(path, std::io::Cursor::new(sample).chain(reader), delimiter, columns.len(), |row| {
        let slot = label_slot(&mut label_values, row.cell(label));
        for (j, column) in columns.iter_mut().enumerate() {
            column.add(row.cell(j), slot);
        }
    })?;
    if rows == 0 {
        return Err(Error::Data { path: path.into(), line: 2, column: None, msg: "the file has a header but no data rows".into() });
    }
    Ok(Profile { delimiter, decimal, rows, columns, label })
}

/// One data row of a CSV file.
pub struct Row<'a>(&'a csv::StringRecord);

impl Row<'_> {
    /// The cell of column `j` (the last without the `\r` of a CRLF line end).
    pub fn cell(&self, j: usize) -> &str {
        if j + 1 == self.0.len() {
            self.0[j].trim_end_matches('\r')
        } else {
            &self.0[j]
        }
    }
}

/// Calls `f` on each data row of `reader`, a CSV file (after its header) whose rows must hold
/// `width` fields; blank lines are skipped. Returns how many rows it read.
pub fn each_row(path: &Path, reader: impl Read, delimiter: u8, width: usize, mut f: impl FnMut(&Row)) -> Result<u64> {
    let mut rdr = csv_reader(reader, delimiter);
    let mut record = csv::StringRecord::new();
    let mut rows = 0;
    while rdr.read_record(&mut record).map_err(|e| csv_err(path, &e))? {
        if record.len() == 1 && record[0].trim_end_matches('\r').is_empty() {
            continue; // a blank line
        }
        if record.len() != width {
            let line = record.position().map_or(0, |p| p.line());
            let msg = format!("{} fields where the header has {width}", record.len());
            return Err(Error::Data { path: path.into(), line, column: None, msg });
        }
        f(&Row(&record));
        rows += 1;
    }
    Ok(rows)
}

/// The slot of a label value: its place among the first two values seen (`None` for a missing
/// marker or a third value).
fn label_slot(values: &mut Vec<String>, cell: &str) -> Option<usize> {
    if MISSING_MARKERS.contains(&cell) {
        return None;
    }
    match values.iter().position(|v| v == cell) {
        Some(k) => Some(k),
        None if values.len() < 2 => {
            values.push(cell.to_string());
            Some(values.len() - 1)
        }
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_is_counted_not_kept() {
        let mut c = ColumnProfile::default();
        for (cell, slot) in [("3", 0), ("1", 0), ("NA", 1), ("1", 0), ("x", 1), ("7", 1), ("7", 1), ("", 0)] {
            c.add(cell, Some(slot));
        }
        assert_eq!((c.numbers.n, c.texts_not_numbers, c.present()), (5, 1, 6));
        assert_eq!((c.numbers.lo, c.lo_count, c.numbers.hi, c.hi_count), (1.0, 2, 7.0, 2));
        assert_eq!((c.markers[0], c.markers[1]), (1, 1));
        assert_eq!((c.count("7"), c.count("3"), c.count("NA"), c.distinct_numbers()), (2, 1, 0, 3));
        // Numbers 1, 1, 3 on label 0 and 7, 7 on label 1: ranked apart.
        assert_eq!(c.label_auc(), Some(1.0));
    }

    #[test]
    fn same_cells_follow_the_rows_and_constants_have_no_missing_cell() {
        let column = |cells: &[&str]| {
            let mut c = ColumnProfile { fingerprint: FNV_OFFSET, ..Default::default() };
            cells.iter().for_each(|t| c.add(t, None));
            c
        };
        let a = column(&["1", "2", "", "x"]);
        assert!(a.same_cells(&column(&["1", "2", "", "x"])));
        // The same cells in another order, or split differently between cells, are not.
        assert!(!a.same_cells(&column(&["2", "1", "", "x"])));
        assert!(!column(&["12", "3"]).same_cells(&column(&["1", "23"])));
        assert!(column(&["NL", "NL"]).is_constant());
        assert!(!column(&["NL", ""]).is_constant());
        assert!(!column(&["NL", "BE"]).is_constant());
    }
}
