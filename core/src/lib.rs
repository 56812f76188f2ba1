//! advisor-core: the credit advisor's shared logic — data schema, preprocessing, the model
//! runtime, scoring, metrics. No I/O and no JS: it compiles natively and to wasm32.

pub mod bundle;
pub mod error;
pub mod graph;
pub mod matrix;
pub mod metrics;
pub mod network;
pub mod onnx;
pub mod preprocess;
pub mod runtime;
pub mod schema;
pub mod score;

pub use error::{Error, Result};
