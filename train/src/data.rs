//! Reading CSV files (plain or gzip) against a spec: every cell is checked, nothing is dropped
//! silently, and every error names the file, line and column.

use std::io::Read;
use std::path::{Path, PathBuf};

use advisor_core::bundle::sha256_hex;
use advisor_core::matrix::Matrix;
use advisor_core::schema::{Role, Spec, SpecParams};

use crate::error::{Error, Result};

/// Reads a spec file (TOML) and checks it.
pub fn read_spec(path: &Path) -> Result<Spec> {
    let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
    let params: SpecParams = toml::from_str(&text).map_err(|e| Error::File { path: path.into(), msg: e.to_string() })?;
    params.check().map_err(|e| Error::File { path: path.into(), msg: e.to_string() })
}

/// What to do with rows whose label is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingLabel {
    /// Stop with an error naming the line.
    Error,
    /// Drop the row and count it.
    Drop,
    /// The file has no labels to read (batch scoring).
    NotRead,
}

/// A data file read against a spec.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub path: PathBuf,
    /// sha256 of the file's bytes as stored.
    pub sha256: String,
    /// The spec's features in order: numbers, category codes, NaN for missing.
    pub raw: Matrix,
    /// 0/1 labels (empty when labels were not read).
    pub labels: Vec<u8>,
    /// The id column's values, if the spec has one.
    pub ids: Vec<String>,
    /// Protected columns' raw values (same encoding as features), by column name.
    pub protected: Vec<(String, Vec<f32>)>,
    /// 1-based file line of each row kept.
    pub lines: Vec<u64>,
    /// Rows dropped because their label was missing (only with [`MissingLabel::Drop`]).
    pub dropped_missing_label: usize,
}

fn read_bytes(path: &Path) -> Result<(Vec<u8>, String)> {
    let stored = std::fs::read(path).map_err(Error::io(path))?;
    let sha = sha256_hex(&stored);
    if stored.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&stored[..])
            .read_to_end(&mut out)
            .map_err(|e| Error::File { path: path.into(), msg: format!("not a valid gzip file: {e}") })?;
        Ok((out, sha))
    } else {
        Ok((stored, sha))
    }
}

/// Reads `path` (CSV, or gzip-compressed CSV) with the spec's delimiter.
pub fn read_csv(path: &Path, spec: &Spec, missing_label: MissingLabel) -> Result<Dataset> {
    let (bytes, sha256) = read_bytes(path)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        Error::Data { path: path.into(), line, column: None, msg: format!("not valid UTF-8 (byte {})", e.valid_up_to()) }
    })?;
    let data_err = |line: u64, column: Option<&str>, msg: String| Error::Data {
        path: path.into(),
        line,
        column: column.map(str::to_string),
        msg,
    };
    if text.trim().is_empty() {
        return Err(data_err(1, None, "the file is empty".into()));
    }
    let delim = spec.params().delimiter;
    let mut rdr = csv::ReaderBuilder::new().delimiter(delim as u8).has_headers(true).from_reader(text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| data_err(1, None, e.to_string()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    if header.len() == 1 && spec.columns().len() > 1 {
        let guess = [',', ';', '\t', '|'].into_iter().find(|&d| d != delim && header[0].contains(d));
        let hint = guess.map(|d| format!(" — it looks {d:?}-separated; set `delimiter` in the spec")).unwrap_or_default();
        return Err(data_err(1, None, format!("the header has one column with delimiter {delim:?}{hint}")));
    }
    // Map every spec column to its header position; every header column must be in the spec.
    let mut pos = Vec::new();
    for c in spec.columns() {
        let Some(i) = header.iter().position(|h| h == c.header()) else {
            if c.role == Role::Label && missing_label == MissingLabel::NotRead {
                pos.push(usize::MAX);
                continue;
            }
            return Err(data_err(1, Some(c.header()), "the spec's column is not in the header".into()));
        };
        pos.push(i);
    }
    if let Some(extra) = header.iter().find(|h| !spec.columns().iter().any(|c| c.header() == h.as_str())) {
        return Err(data_err(1, Some(extra), "column not in the spec (declare it, with role = \"ignore\" to skip it)".into()));
    }
    let n_feat = spec.n_features();
    let label = spec.label();
    let positive = label.positive.as_deref().unwrap_or_default();
    let mut ds = Dataset {
        path: path.into(),
        sha256,
        raw: Matrix::with_capacity(0, n_feat),
        labels: vec![],
        ids: vec![],
        protected: spec.protected().map(|c| (c.name.clone(), vec![])).collect(),
        lines: vec![],
        dropped_missing_label: 0,
    };
    let mut row = vec![0f32; n_feat];
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                let msg = match e.kind() {
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!("{len} fields where the header has {expected_len}")
                    }
                    _ => e.to_string(),
                };
                return Err(data_err(line, None, msg));
            }
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let (mut f, mut p) = (0, 0);
        let mut y: Option<u8> = None;
        for (c, &i) in spec.columns().iter().zip(&pos) {
            if i == usize::MAX {
                continue;
            }
            let cell = record.get(i).unwrap_or("");
            match c.role {
                Role::Feature => {
                    row[f] = c.parse_cell(cell).map_err(|e| data_err(line, Some(c.header()), e.to_string()))?;
                    f += 1;
                }
                Role::Protected => {
                    let v = c.parse_cell(cell).map_err(|e| data_err(line, Some(c.header()), e.to_string()))?;
                    ds.protected[p].1.push(v);
                    p += 1;
                }
                Role::Label if missing_label != MissingLabel::NotRead => {
                    if c.is_missing_token(cell) {
                        if missing_label == MissingLabel::Error {
                            return Err(data_err(line, Some(c.header()), "the label is missing (pass --drop-missing-label to drop such rows)".into()));
                        }
                    } else if cell == positive {
                        y = Some(1);
                    } else if c.categories.is_empty() || c.category_code(cell).is_some() {
                        y = Some(0);
                    } else {
                        return Err(data_err(line, Some(c.header()), c.unknown_category(cell).to_string()));
                    }
                }
                Role::Id => ds.ids.push(cell.to_string()),
                Role::Label | Role::Ignore => {}
            }
        }
        if missing_label != MissingLabel::NotRead {
            match y {
                Some(y) => ds.labels.push(y),
                None => {
                    ds.dropped_missing_label += 1;
                    for (_, v) in ds.protected.iter_mut() {
                        v.pop();
                    }
                    if !ds.ids.is_empty() && spec.columns().iter().any(|c| c.role == Role::Id) {
                        ds.ids.pop();
                    }
                    continue;
                }
            }
        }
        ds.raw.push_row(&row);
        ds.lines.push(line);
    }
    if ds.raw.rows() == 0 {
        return Err(data_err(2, None, "the file has a header but no data rows".into()));
    }
    Ok(ds)
}
