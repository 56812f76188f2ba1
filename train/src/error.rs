//! The one error type of `advisor-train`.

use std::path::PathBuf;

use thiserror::Error;

/// Everything that can stop the trainer; each names the file and, for data, line and column.
#[derive(Debug, Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// A problem in a data file at a line (1-based, header = line 1) and column.
    #[error("{path}:{line}{}: {msg}", column.as_ref().map(|c| format!(", column `{c}`")).unwrap_or_default())]
    Data { path: PathBuf, line: u64, column: Option<String>, msg: String },
    /// A problem in a spec file at a line and column (1-based).
    #[error("{path}:{line}:{column}: {msg}")]
    Spec { path: PathBuf, line: u64, column: u64, msg: String },
    #[error("{path}: {msg}")]
    File { path: PathBuf, msg: String },
    #[error(transparent)]
    Core(#[from] advisor_core::Error),
    #[error("{0}")]
    Usage(String),
    /// A trained model that must not ship (it ranks its own rows no better than chance).
    #[error("the {family} model: {msg}")]
    Model { family: &'static str, msg: String },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }
}

/// `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
