//! advisor-core: the credit advisor's shared logic — data schema, preprocessing, the model
//! runtime, scoring, reasons, what-if advice, metrics. No I/O and no JS: it compiles natively and to wasm32.

pub mod advisor;
pub mod applicant;
pub mod assist;
pub mod bundle;
pub mod calibrate;
pub mod converted;
pub mod counts;
pub mod dense;
pub mod error;
pub mod explain;
pub mod graph;
pub mod json;
pub mod lang;
pub mod linear;
pub mod matrix;
pub mod metrics;
pub mod network;
pub mod onnx;
pub mod preprocess;
pub mod recommend;
pub mod runtime;
pub mod schema;
pub mod score;
pub(crate) mod sort;
pub mod stability;
pub mod substr;
pub mod trees;
pub mod whatif;

pub use error::{Error, Result};
