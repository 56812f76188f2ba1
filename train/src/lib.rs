//! advisor-train: reads CSV files against a spec, trains the network with burn, evaluates it
//! and exports a model bundle (ONNX graph + manifest) that `advisor-core` runs.

pub mod accountant;
pub mod bundle_dir;
#[cfg(feature = "fit")]
pub mod commands;
pub mod data;
#[cfg(feature = "fit")]
pub mod denormals;
#[cfg(feature = "fit")]
pub mod dp_counts;
#[cfg(feature = "fit")]
pub mod dp_sgd;
pub mod error;
#[cfg(feature = "fit")]
pub mod fit;
pub mod gbdt;
#[cfg(feature = "fit")]
pub mod import;
pub mod init;
pub mod masking;
#[cfg(feature = "fit")]
pub mod net;
pub mod spec_file;
pub mod split;

pub use error::{Error, Result};
#[cfg(feature = "fit")]
pub mod report;
