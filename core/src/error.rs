//! The one error type of `advisor-core`.

use thiserror::Error;

/// Everything that can go wrong in `advisor-core`. Each variant names the field, column,
/// product or file part it is about, so a message can be shown to a person as it is.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum Error {
    /// The dataset spec is inconsistent (duplicate names, no label, …).
    #[error("invalid spec: {0}")]
    Spec(String),
    /// The dataset spec is inconsistent at a place a reader of the file can point at.
    #[error("invalid spec: {msg}")]
    SpecAt { place: SpecPlace, msg: String },
    /// A parameter given to a fitting or scoring routine is out of its domain.
    #[error("invalid parameter `{name}`: {reason}")]
    Param { name: &'static str, reason: String },
    /// An applicant record lacks a field the model needs.
    #[error("field `{field}`: missing")]
    MissingField { field: String },
    /// An applicant record has a field the model does not know.
    #[error("field `{field}`: not a field of this model")]
    UnknownField { field: String },
    /// A field's value has the wrong JSON type.
    #[error("field `{field}`: expected {expected}, got {got}")]
    WrongType { field: String, expected: &'static str, got: String },
    /// A numeric field is NaN or infinite.
    #[error("field `{field}`: {value} is not a finite number")]
    NotFinite { field: String, value: String },
    /// A numeric field is outside the range the spec allows.
    #[error("field `{field}`: {} is outside the allowed range {}..={}", short_number(*value), short_number(*min), short_number(*max))]
    OutOfRange { field: String, value: f64, min: f64, max: f64 },
    /// A categorical field has a value the spec does not list.
    #[error("field `{field}`: unknown category {value:?} (allowed: {allowed})")]
    UnknownCategory { field: String, value: String, allowed: String },
    /// A text field is longer than allowed.
    #[error("field `{field}`: text of {len} bytes is longer than the {max} allowed")]
    TooLong { field: String, len: usize, max: usize },
    /// The input as a whole has the wrong shape (not an object, too large, …).
    #[error("input: {0}")]
    Input(String),
    /// A bundle is corrupt, tampered with, or inconsistent with itself.
    #[error("bundle: {0}")]
    Bundle(String),
    /// The graph uses something the loaded runtime does not run (the light runtime runs
    /// advisor graphs and plain dense MLPs; the general build runs any ONNX graph).
    #[error("unsupported graph: {0}")]
    Unsupported(String),
    /// The model runtime failed to load or run the graph.
    #[error("model runtime: {0}")]
    Runtime(String),
    /// Data handed to fitting is unusable (one class only, no rows, …).
    #[error("data: {0}")]
    Data(String),
}

impl Error {
    /// A stable, machine-readable code for the variant (used by the JS API).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Spec(_) | Error::SpecAt { .. } => "SPEC",
            Error::Param { .. } => "PARAM",
            Error::MissingField { .. } => "MISSING_FIELD",
            Error::UnknownField { .. } => "UNKNOWN_FIELD",
            Error::WrongType { .. } => "WRONG_TYPE",
            Error::NotFinite { .. } => "NOT_FINITE",
            Error::OutOfRange { .. } => "OUT_OF_RANGE",
            Error::UnknownCategory { .. } => "UNKNOWN_CATEGORY",
            Error::TooLong { .. } => "TOO_LONG",
            Error::Input(_) => "BAD_INPUT",
            Error::Bundle(_) => "BAD_BUNDLE",
            Error::Unsupported(_) => "UNSUPPORTED_GRAPH",
            Error::Runtime(_) => "RUNTIME",
            Error::Data(_) => "BAD_DATA",
        }
    }

    /// The field the error is about, where there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::MissingField { field }
            | Error::UnknownField { field }
            | Error::WrongType { field, .. }
            | Error::NotFinite { field, .. }
            | Error::OutOfRange { field, .. }
            | Error::UnknownCategory { field, .. }
            | Error::TooLong { field, .. } => Some(field),
            _ => None,
        }
    }
}

/// A number as a person reads it: plain where that is short (`120`, `0.35`), else in short
/// scientific form (`1e300`, `-3.4e38`), never hundreds of digits.
pub fn short_number(v: f64) -> String {
    let plain = v.to_string();
    if plain.len() <= 16 {
        plain
    } else {
        format!("{v:e}")
    }
}

/// Where in a dataset spec a [`Error::SpecAt`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecPlace {
    /// The spec as a whole (its name, delimiter, number of columns, …).
    Whole,
    /// Column `index` of `columns` (0-based), at `key` where one key is at fault.
    Column { index: usize, key: Option<&'static str> },
    /// Cross `index` of `crosses` (0-based).
    Cross { index: usize },
}

/// `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
