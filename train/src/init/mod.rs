//! `advisor-train init`: a dataset spec drafted from a CSV file, to check and then `fit`.
//!
//! One streamed pass counts what each column holds ([`profile`]): the delimiter and the header
//! from the first lines ([`sniff`]), then types (numeric, integer, binary, categorical with its
//! categories by frequency), missing markers (`""`, `NA`, `?`, a `-1` below every other value),
//! bounds, identifiers and protected attributes by name ([`draft`], [`names`]); a column with
//! one value on every row, a copy of another column and a numeric column that alone separates
//! the label far better than any other are ignored. A
//! second pass counts the label on pairs of few-valued columns and proposes the crosses that
//! carry an interaction neither column shows alone ([`crosses`]). The draft fits as it is; its
//! `# TODO` comments say what a person must decide. It never writes a value that
//! only one row has: such a category is left out and read as missing, a bound is widened.

mod crosses;
mod draft;
mod names;
mod profile;
mod sniff;
mod write;

use std::path::Path;

use advisor_core::schema::Role;

use crate::error::{Error, Result};
use crate::spec_file::parse_spec;

pub use crosses::Proposal;
pub use draft::ColumnDraft;
pub use profile::MISSING_MARKERS;

/// What `init` needs besides the file.
#[derive(Debug, Clone, Default)]
pub struct InitParams {
    /// The label column's header; guessed from the names when absent.
    pub label: Option<String>,
    /// The spec's name (default: the file's name without its extensions).
    pub name: Option<String>,
}

/// A drafted spec: its TOML text and its columns.
#[derive(Debug)]
pub struct Draft {
    pub toml: String,
    pub columns: Vec<ColumnDraft>,
    /// Crosses proposed, best first.
    pub crosses: Vec<Proposal>,
    pub rows: u64,
    /// TODO notes about the whole table (few rows of the rarer label value a feature).
    pub notes: Vec<String>,
    /// Rows without a label (an empty cell or a missing marker): `fit` needs
    /// `--drop-missing-label` for them.
    pub unlabelled: u64,
}

/// Drafts a spec for the CSV file (plain or gzip) at `path`; the draft is checked as `fit`
/// reads specs before it is returned.
pub fn init(path: &Path, params: &InitParams) -> Result<Draft> {
    let p = profile::profile(path, |header| label_column(path, header, params.label.as_deref()))?;
    check_label(path, &p)?;
    let mut columns: Vec<ColumnDraft> = p.columns.iter().enumerate().map(|(j, c)| draft::column(c, j, j == p.label)).collect();
    if let Some(c) = columns.iter().find(|c| c.header.is_some() && columns.iter().filter(|d| d.name == c.name).count() > 1) {
        return Err(Error::File {
            path: path.into(),
            msg: format!("column `{}` is in the header, and an unnamed column would take its name", c.name),
        });
    }
    draft::flag_copies(&p.columns, &mut columns);
    draft::flag_leaks(&p.columns, &mut columns);
    let positive = columns[p.label].positive.clone().unwrap_or_default();
    let crosses = crosses::propose(path, &p, &columns, &positive)?;
    let name = params.name.clone().unwrap_or_else(|| spec_name(path));
    let source = path.file_name().map_or_else(|| path.display().to_string(), |f| f.to_string_lossy().into_owned());
    let notes: Vec<String> = few_rows_a_feature(&p.columns[p.label], &columns).into_iter().collect();
    let toml = write::spec(&name, &source, p.rows, (p.delimiter, p.decimal), &columns, &crosses, &notes);
    parse_spec(Path::new("(drafted spec)"), &toml)?;
    Ok(Draft { toml, columns, crosses, rows: p.rows, notes, unlabelled: p.columns[p.label].markers.iter().sum() })
}

/// The label's position in the header: the column `named` (its header), or one guessed from
/// the names ([`names::label`]).
fn label_column(path: &Path, header: &[String], named: Option<&str>) -> Result<usize> {
    match named {
        Some(n) => {
            header.iter().position(|h| h == n).ok_or_else(|| Error::Usage(format!("--label {n:?}: no such column in {}", path.display())))
        }
        None => names::label(header)
            .ok_or_else(|| Error::Usage(format!("could not tell the label column of {}: name it with --label COLUMN", path.display()))),
    }
}

/// The label holds two values, each on two rows or more.
fn check_label(path: &Path, p: &profile::Profile) -> Result<()> {
    let c = &p.columns[p.label];
    if !c.too_many_texts && c.texts.len() == 2 && c.texts.values().all(|&n| n >= 2) {
        return Ok(());
    }
    let values = if c.too_many_texts { "many".to_string() } else { c.texts.len().to_string() };
    Err(Error::File {
        path: path.into(),
        msg: format!(
            "the label column `{}` must hold two values (each on two rows or more); it holds {values} (name another with --label)",
            c.header
        ),
    })
}

/// Rows of the rarer label value a feature below which a model learns noise (the "events per
/// variable" rule of thumb of credit and clinical scorecards).
const EVENTS_A_FEATURE: u64 = 10;

/// A note when the rarer label value has fewer than [`EVENTS_A_FEATURE`] rows a feature.
fn few_rows_a_feature(label: &profile::ColumnProfile, columns: &[ColumnDraft]) -> Option<String> {
    let features = columns.iter().filter(|c| c.role == Role::Feature).count() as u64;
    let rarer = label.texts.values().copied().min().unwrap_or(0);
    (features > 0 && rarer < EVENTS_A_FEATURE * features).then(|| {
        format!(
            "{rarer} rows of the rarer label value for {features} features, fewer than {EVENTS_A_FEATURE} a feature: a model will learn noise and remember its rows (`fit` warns when it does); keep the features you have a reason for"
        )
    })
}

/// The file's name without `.gz` and `.csv`, as a spec name.
fn spec_name(path: &Path) -> String {
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = file.trim_end_matches(".gz").trim_end_matches(".csv").trim_end_matches(".tsv").trim_end_matches(".txt");
    let name: String = stem.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    if name.is_empty() {
        "dataset".into()
    } else {
        name
    }
}

/// A one-line account of each column, for the terminal.
pub fn summary(d: &Draft) -> String {
    let count = |r: Role| d.columns.iter().filter(|c| c.role == r).count();
    let todo: usize = d.columns.iter().map(|c| c.notes.len()).sum::<usize>() + d.crosses.len() + d.notes.len();
    let label =
        d.columns.iter().find(|c| c.role == Role::Label).map_or_else(String::new, |c| {
            format!(" (`{}`, positive {})", c.name, toml::Value::String(c.positive.clone().unwrap_or_default()))
        });
    format!(
        "{} rows, {} columns: {} features, 1 label{label}, {} protected, {} id, {} ignored; {} crosses proposed; {todo} TODO notes to check",
        d.rows,
        d.columns.len(),
        count(Role::Feature),
        count(Role::Protected),
        count(Role::Id),
        count(Role::Ignore),
        d.crosses.len()
    )
}
