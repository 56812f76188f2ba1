//! Reading CSV files (plain or gzip) against a spec: every cell is checked, nothing is dropped
//! silently, and every error names the file, line and column.

use std::io::Read;
use std::path::{Path, PathBuf};

use advisor_core::matrix::Matrix;
use advisor_core::schema::{plain_number, Role, Spec};

use crate::error::{Error, Result};
pub use crate::spec_file::read_spec;

/// Reads a spec file to read a bundle's data with: its features (names, types, categories, in
/// order) must be the bundle's, or include them (a bundle fitted with `fit --features`).
pub fn read_spec_matching(path: &Path, bundle_spec: &Spec) -> Result<Spec> {
    let mut s = read_spec(path)?;
    // A bundle fitted on some of the spec's features (`fit --features`) reads the file with
    // only those.
    let names: Vec<String> = bundle_spec.features().map(|c| c.name.clone()).collect();
    if s.n_features() > names.len() {
        if let Ok(kept) = s.params().keep_features(&names).and_then(|p| p.check()) {
            s = kept;
        }
    }
    let features = |s: &Spec| s.features().map(|c| (c.name.clone(), c.kind, c.categories.clone())).collect::<Vec<_>>();
    if features(&s) != features(bundle_spec) {
        return Err(Error::File { path: path.into(), msg: "its features differ from the bundle's spec".into() });
    }
    Ok(s)
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

/// A reader that hashes every byte it passes on (the data file's sha256, while streaming).
struct Hashing<R> {
    inner: R,
    hasher: std::rc::Rc<std::cell::RefCell<sha2::Sha256>>,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        sha2::Digest::update(&mut *self.hasher.borrow_mut(), &buf[..n]);
        Ok(n)
    }
}

/// One data row as read against the spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The spec's features in order: numbers, category codes, NaN for missing.
    pub raw: Vec<f32>,
    /// 0/1 label (None when labels are not read).
    pub label: Option<u8>,
    /// The id column's value, if the spec has one.
    pub id: Option<String>,
    /// Protected columns' raw values, in spec order.
    pub protected: Vec<f32>,
    /// 1-based file line.
    pub line: u64,
}

/// Streams the rows of a CSV source one record at a time (bounded memory, whatever the size of
/// the input). Every cell is checked; errors name the file, line and column.
pub struct Rows<R: Read> {
    rdr: csv::Reader<R>,
    record: csv::StringRecord,
    pos: Vec<usize>,
    spec: Spec,
    path: PathBuf,
    missing_label: MissingLabel,
    dropped_missing_label: usize,
    rows: u64,
    /// Fields in the header (every record must have as many).
    width: usize,
}

fn data_err(path: &Path, line: u64, column: Option<&str>, msg: String) -> Error {
    Error::Data { path: path.into(), line, column: column.map(str::to_string), msg }
}

/// The delimiters a data file may use (a spec's `delimiter`, what `init` tries, in that order on
/// a tie).
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// A CSV reader with a header row. Records end at '\n' only, so that line numbers are the
/// file's lines whatever the line endings (csv's default also ends a record at a lone '\r',
/// which misnumbered the rows of CRLF files and split a line at a stray '\r'); a '\r' before
/// the '\n' stays on the last field for the caller to drop. Flexible: field counts are the
/// caller's to check, after blank lines are skipped.
pub fn csv_reader<R: Read>(reader: R, delimiter: u8) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .flexible(true)
        .from_reader(reader)
}

/// A header cell as the spec names it: no byte-order mark, no '\r' of a CRLF line end.
pub fn header_text(h: &str) -> String {
    h.trim_start_matches('\u{feff}').trim_end_matches('\r').to_string()
}

/// What a line that is not UTF-8 gets told.
pub(crate) const NOT_UTF8: &str =
    "not UTF-8 text: the file is in another encoding, such as Latin-1 or Windows-1252; save it as CSV (UTF-8)";

pub(crate) fn csv_err(path: &Path, e: &csv::Error) -> Error {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    let msg = match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => format!("field {}: {NOT_UTF8}", err.field() + 1),
        csv::ErrorKind::Io(io) => format!("could not read: {io}"),
        _ => e.to_string(),
    };
    data_err(path, line, None, msg)
}

impl<R: Read> Rows<R> {
    /// Reads and checks the header. `path` names the source in errors.
    pub fn new(reader: R, path: &Path, spec: &Spec, missing_label: MissingLabel) -> Result<Self> {
        let delim = spec.params().delimiter;
        let mut rdr = csv_reader(reader, delim as u8);
        let header: Vec<String> = rdr.headers().map_err(|e| csv_err(path, &e))?.iter().map(header_text).collect();
        if header.iter().any(|h| h.contains('\r')) {
            return Err(data_err(
                path,
                1,
                None,
                "lines end with a lone '\\r' (old Mac line endings); convert the file to '\\n' or '\\r\\n'".into(),
            ));
        }
        if header.iter().all(|h| h.trim().is_empty()) {
            return Err(data_err(path, 1, None, "the file is empty".into()));
        }
        if header.len() == 1 && spec.columns().len() > 1 {
            let guess = DELIMITERS.into_iter().map(char::from).find(|&d| d != delim && header[0].contains(d));
            let hint = guess.map(|d| format!(" — it looks {d:?}-separated; set `delimiter` in the spec")).unwrap_or_default();
            return Err(data_err(path, 1, None, format!("the header has one column with delimiter {delim:?}{hint}")));
        }
        // Map every spec column to its header position; every header column must be in the spec.
        let mut pos = Vec::new();
        for c in spec.columns() {
            let Some(i) = header.iter().position(|h| h == c.header()) else {
                if c.role == Role::Label && missing_label == MissingLabel::NotRead {
                    pos.push(usize::MAX);
                    continue;
                }
                return Err(data_err(path, 1, Some(c.header()), "the spec's column is not in the header".into()));
            };
            pos.push(i);
        }
        if let Some(extra) = header.iter().find(|h| !spec.columns().iter().any(|c| c.header() == h.as_str())) {
            return Err(data_err(path, 1, Some(extra), "column not in the spec (declare it, with role = \"ignore\" to skip it)".into()));
        }
        Ok(Self {
            rdr,
            record: csv::StringRecord::new(),
            pos,
            spec: spec.clone(),
            path: path.into(),
            missing_label,
            dropped_missing_label: 0,
            rows: 0,
            width: header.len(),
        })
    }

    /// Rows dropped so far because their label was missing ([`MissingLabel::Drop`]).
    pub fn dropped_missing_label(&self) -> usize {
        self.dropped_missing_label
    }

    /// The next row, or `None` at the end (an error if the file had no data row at all).
    pub fn next_row(&mut self) -> Result<Option<Row>> {
        loop {
            if !self.rdr.read_record(&mut self.record).map_err(|e| csv_err(&self.path, &e))? {
                if self.rows == 0 && self.dropped_missing_label == 0 {
                    return Err(data_err(&self.path, 2, None, "the file has a header but no data rows".into()));
                }
                return Ok(None);
            }
            if self.record.len() == 1 && self.record[0].trim_end_matches('\r').is_empty() {
                continue; // a blank line (with '\r\n' endings, csv does not skip it itself)
            }
            if self.record.len() != self.width {
                let (len, line) = (self.record.len(), self.record.position().map_or(0, |p| p.line()));
                let s = if len == 1 { "" } else { "s" };
                return Err(data_err(&self.path, line, None, format!("{len} field{s} where the header has {}", self.width)));
            }
            if let Some(row) = self.parse()? {
                self.rows += 1;
                return Ok(Some(row));
            }
            self.dropped_missing_label += 1;
        }
    }

    /// The current record as a row; `None` when it is dropped for a missing label.
    fn parse(&self) -> Result<Option<Row>> {
        let line = self.record.position().map(|p| p.line()).unwrap_or(0);
        let err = |column: &str, msg: String| data_err(&self.path, line, Some(column), msg);
        let positive = self.spec.label().positive.as_deref().unwrap_or_default();
        let mut row = Row { raw: Vec::with_capacity(self.spec.n_features()), label: None, id: None, protected: vec![], line };
        let mut has_label = self.missing_label == MissingLabel::NotRead;
        for (c, &i) in self.spec.columns().iter().zip(&self.pos) {
            if i == usize::MAX {
                continue;
            }
            let cell = self.record.get(i).unwrap_or("");
            let cell = if i + 1 == self.record.len() { cell.strip_suffix('\r').unwrap_or(cell) } else { cell };
            let value = || {
                let text = if c.is_categorical() || c.is_missing_token(cell) {
                    cell.into()
                } else {
                    plain_number(self.spec.params().decimal, cell).map_err(|m| err(c.header(), m))?
                };
                c.parse_cell(&text).map_err(|e| err(c.header(), e.to_string()))
            };
            match c.role {
                Role::Feature => row.raw.push(value()?),
                Role::Protected => row.protected.push(value()?),
                Role::Label if self.missing_label != MissingLabel::NotRead => {
                    if c.is_missing_token(cell) {
                        if self.missing_label == MissingLabel::Error {
                            return Err(err(c.header(), "the label is missing (pass --drop-missing-label to drop such rows)".into()));
                        }
                    } else if cell == positive {
                        row.label = Some(1);
                    } else if c.categories.is_empty() || c.category_code(cell).is_some() {
                        row.label = Some(0);
                    } else {
                        return Err(err(c.header(), c.unknown_category(cell).to_string()));
                    }
                    has_label = row.label.is_some();
                }
                Role::Id => row.id = Some(cell.to_string()),
                Role::Label | Role::Ignore => {}
            }
        }
        Ok(has_label.then_some(row))
    }
}

/// Opens a data file for streaming (gzip is recognised by its magic bytes); the returned handle
/// gives the sha256 of the bytes as stored once the file has been read to the end.
pub fn open(path: &Path, spec: &Spec, missing_label: MissingLabel) -> Result<(Rows<Box<dyn Read>>, FileHash)> {
    let (reader, hash) = open_bytes(path)?;
    Ok((Rows::new(reader, path, spec, missing_label)?, hash))
}

/// The text of a data file, plain or gzip (recognised by its magic bytes), and the sha256 of
/// its bytes as stored (complete once read to the end).
pub fn open_bytes(path: &Path) -> Result<(Box<dyn Read>, FileHash)> {
    use std::io::BufRead;
    let file = std::fs::File::open(path).map_err(Error::io(path))?;
    let hasher = std::rc::Rc::new(std::cell::RefCell::new(<sha2::Sha256 as sha2::Digest>::new()));
    let mut buffered = std::io::BufReader::with_capacity(1 << 16, Hashing { inner: file, hasher: hasher.clone() });
    let head = buffered.fill_buf().map_err(Error::io(path))?;
    let gzip = head.starts_with(&[0x1f, 0x8b]);
    if let Some(what) = (!gzip).then(|| not_csv(head)).flatten() {
        return Err(Error::File { path: path.into(), msg: format!("{what}: save it as CSV (UTF-8, comma- or semicolon-separated)") });
    }
    let reader: Box<dyn Read> = if gzip { Box::new(GzipErrors(flate2::read::MultiGzDecoder::new(buffered))) } else { Box::new(buffered) };
    Ok((reader, FileHash(hasher)))
}

/// What a file's first bytes say it is when that is not CSV text: a spreadsheet workbook, text
/// in UTF-16, or binary data.
fn not_csv(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"PK\x03\x04") {
        Some("this is a zip file, such as an Excel (.xlsx) or OpenDocument workbook, not CSV text")
    } else if head.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]) {
        Some("this is an old Excel (.xls) workbook, not CSV text")
    } else if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
        Some("this text is in UTF-16 (a spreadsheet's \"Unicode text\"), not UTF-8")
    } else if head.contains(&0) {
        Some("this is not a text file (it holds NUL bytes)")
    } else {
        None
    }
}

/// Turns a gzip decoding failure into a clear message.
struct GzipErrors<R>(R);

impl<R: Read> Read for GzipErrors<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf).map_err(|e| std::io::Error::new(e.kind(), format!("not a valid gzip file: {e}")))
    }
}

/// The sha256 of a file being streamed (complete once the file has been read to the end).
pub struct FileHash(std::rc::Rc<std::cell::RefCell<sha2::Sha256>>);

impl FileHash {
    /// Lower-case hex sha256 of the bytes read so far.
    pub fn hex(&self) -> String {
        sha2::Digest::finalize(self.0.borrow().clone()).iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Reads `path` (CSV, or gzip-compressed CSV) with the spec's delimiter, keeping every row in
/// memory (training and evaluation need them all).
pub fn read_csv(path: &Path, spec: &Spec, missing_label: MissingLabel) -> Result<Dataset> {
    let (mut rows, hash) = open(path, spec, missing_label)?;
    let mut ds = Dataset {
        path: path.into(),
        sha256: String::new(),
        raw: Matrix::with_capacity(0, spec.n_features()),
        labels: vec![],
        ids: vec![],
        protected: spec.protected().map(|c| (c.name.clone(), vec![])).collect(),
        lines: vec![],
        dropped_missing_label: 0,
    };
    while let Some(row) = rows.next_row()? {
        ds.raw.push_row(&row.raw);
        if let Some(y) = row.label {
            ds.labels.push(y);
        }
        if let Some(id) = row.id {
            ds.ids.push(id);
        }
        for ((_, v), x) in ds.protected.iter_mut().zip(row.protected) {
            v.push(x);
        }
        ds.lines.push(row.line);
    }
    // Read to the very end so the hash covers the whole file.
    std::io::copy(rows.rdr.get_mut(), &mut std::io::sink()).map_err(Error::io(path))?;
    ds.sha256 = hash.hex();
    ds.dropped_missing_label = rows.dropped_missing_label();
    Ok(ds)
}
