//! Model runtimes: something that maps raw rows to probabilities.

#[cfg(feature = "tract")]
use crate::error::Error;
use crate::error::Result;
use crate::matrix::Matrix;

/// Runs a model graph on raw rows (numbers, category codes, NaN = missing).
pub trait Runtime: Send + Sync {
    /// One probability per row.
    fn predict(&self, raw: &Matrix) -> Result<Vec<f32>>;
}

/// The general runtime: tract runs any ONNX graph with one `[batch, n]` float input and one
/// `[batch, 1]` float output.
#[cfg(feature = "tract")]
pub struct TractRuntime {
    plan: std::sync::Arc<tract_onnx::prelude::TypedRunnableModel>,
    n_inputs: usize,
}

#[cfg(feature = "tract")]
impl TractRuntime {
    /// Loads and optimises an ONNX graph.
    pub fn load(graph: &[u8], n_inputs: usize) -> Result<Self> {
        use tract_onnx::prelude::*;
        let rt = |e: TractError| Error::Runtime(format!("{e:#}"));
        let plan = tract_onnx::onnx()
            .model_for_read(&mut &graph[..])
            .map_err(rt)?
            .into_optimized()
            .map_err(rt)?
            .into_runnable()
            .map_err(rt)?;
        Ok(Self { plan, n_inputs })
    }
}

#[cfg(feature = "tract")]
impl Runtime for TractRuntime {
    fn predict(&self, raw: &Matrix) -> Result<Vec<f32>> {
        use tract_onnx::prelude::*;
        if raw.cols() != self.n_inputs {
            return Err(Error::Input(format!("rows have {} values, the model takes {}", raw.cols(), self.n_inputs)));
        }
        if raw.rows() == 0 {
            return Ok(vec![]);
        }
        let rt = |e: TractError| Error::Runtime(format!("{e:#}"));
        let input = Tensor::from_shape(&[raw.rows(), raw.cols()], raw.as_slice()).map_err(rt)?;
        let out = self.plan.run(tvec!(input.into_tvalue())).map_err(rt)?;
        let view = out[0].to_plain_array_view::<f32>().map_err(rt)?;
        if view.len() != raw.rows() {
            return Err(Error::Runtime(format!("graph returned {} values for {} rows", view.len(), raw.rows())));
        }
        Ok(view.iter().copied().collect())
    }
}
