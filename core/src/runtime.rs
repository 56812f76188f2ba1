//! Model runtimes: something that maps raw rows to probabilities.
//!
//! Two implement [`Runtime`]: [`crate::dense::DenseRuntime`], the light runtime the browser
//! build ships (advisor graphs and plain dense MLPs), and [`TractRuntime`] (feature `tract`),
//! the general one for any ONNX graph with one `[batch, n]` input and one `[batch, 1]` output.

use crate::error::{Error, Result};
use crate::matrix::Matrix;

/// Runs a model graph on raw rows (numbers, category codes, NaN = missing).
pub trait Runtime: Send + Sync {
    /// A short name for reports (`light`, `tract`).
    fn name(&self) -> &'static str;
    /// Values per row.
    fn n_inputs(&self) -> usize;
    /// Probabilities of the rows in `raw` (row-major, `n_inputs()` values each) into `out`,
    /// which holds one value per row.
    fn predict_into(&self, raw: &[f32], out: &mut [f32]) -> Result<()>;
    /// Probabilities of the rows of `raw`, then of variants of them: `(row, input, value)` is
    /// row `row` with input `input` set to `value` (reason codes score one such variant per
    /// feature). The default scores the rows and the variants as whole rows in one batch; a
    /// runtime may do less work.
    fn predict_variants(&self, raw: &Matrix, variants: &[Variant]) -> Result<Vec<f32>> {
        check_variants(raw, variants, self.n_inputs())?;
        self.predict(&variant_rows(raw, variants))
    }
    /// Probabilities of `row` with input `input` set to each of `values` (what-if's search),
    /// without `row` itself. The default scores them as whole rows; a runtime whose variants
    /// cost less than rows answers through [`Runtime::predict_variants`].
    fn predict_values(&self, row: &[f32], input: usize, values: &[f32]) -> Result<Vec<f32>> {
        self.predict(&value_rows(row, input, values)?)
    }
    /// `row` ready for many [`RowScorer::predict_values`] calls (what-if's search), with what
    /// they share computed once. The default answers each through [`Runtime::predict_values`].
    fn prepare<'a>(&'a self, row: &'a [f32]) -> Result<Box<dyn RowScorer + 'a>> {
        Ok(Box::new(EachCall { runtime: self, row }))
    }
    /// Whether the probabilities depend on the raw inputs only through the bundle's
    /// preprocessing, so that values it encodes alike score alike (what-if then leaves out
    /// values beyond [`crate::preprocess::Preprocessor::varying_range`]). False unless the
    /// runtime knows it: trees and imported graphs read raw values.
    fn reads_encoding_only(&self) -> bool {
        false
    }
    /// Whether [`Runtime::predict_values`] gives exactly what whole rows give (else the same to
    /// float rounding: what-if then scores its advice again as whole rows).
    fn values_exact(&self) -> bool {
        true
    }
    /// One probability per row of `raw`, flat and row-major (as the browser passes rows).
    fn predict_flat(&self, raw: &[f32]) -> Result<Vec<f32>> {
        let n = self.n_inputs();
        let mut out = vec![0.0; raw.len().checked_div(n).unwrap_or(0)];
        check_rows(raw, n, &out)?;
        self.predict_into(raw, &mut out)?;
        Ok(out)
    }
    /// One probability per row.
    fn predict(&self, raw: &Matrix) -> Result<Vec<f32>> {
        let mut out = vec![0.0; raw.rows()];
        check_width(raw.cols(), self.n_inputs())?;
        self.predict_into(raw.as_slice(), &mut out)?;
        Ok(out)
    }
}

/// A graph on the light runtime: an advisor blend behind `pre` on [`crate::dense::DenseRuntime`];
/// a converted graph (ONNX-ML nodes) on [`crate::converted::ConvertedRuntime`], read up to
/// `output` (default: its first probability output), its inputs bound by name to `features`
/// when it has one per column; else an advisor graph behind `pre` or a dense MLP on
/// [`crate::dense::DenseRuntime`].
/// [`Error::Unsupported`] when neither runs it.
pub fn light(
    graph: &[u8],
    n_inputs: usize,
    output: Option<&str>,
    pre: Option<&crate::preprocess::Preprocessor>,
    features: Option<&crate::converted::Features>,
) -> Result<Box<dyn Runtime>> {
    use crate::converted::{is_ml_graph, ConvertedRuntime, Inputs};
    let model = crate::onnx::decode(graph).map_err(|e| Error::Bundle(format!("not an ONNX model: {e}")))?;
    // An advisor blend has ONNX-ML nodes but runs on the dense runtime.
    if let Some(pre) = pre.filter(|_| output.is_none_or(|o| o == crate::graph::OUTPUT)) {
        if let Some(blend) = crate::dense::DenseRuntime::blend(&model, graph, n_inputs, pre)? {
            return Ok(Box::new(blend));
        }
    }
    if let Some(g) = model.graph.as_ref().filter(|g| is_ml_graph(g)) {
        let inputs = features.map_or(Inputs::Matrix(n_inputs), Inputs::Features);
        return Ok(Box::new(match output {
            Some(o) => ConvertedRuntime::from_graph(g, inputs, o)?,
            None => ConvertedRuntime::probability_of(g, inputs)?.0,
        }));
    }
    Ok(Box::new(crate::dense::DenseRuntime::from_model(&model, graph, n_inputs, pre)?.0))
}

/// One row whose variants are scored again and again ([`Runtime::prepare`]).
pub trait RowScorer {
    /// Probabilities of the row with input `input` set to each of `values`, as
    /// [`Runtime::predict_values`] gives them.
    fn predict_values(&self, input: usize, values: &[f32]) -> Result<Vec<f32>>;
}

/// [`Runtime::prepare`]'s default: each call through [`Runtime::predict_values`].
pub struct EachCall<'a, R: ?Sized> {
    pub runtime: &'a R,
    pub row: &'a [f32],
}

impl<R: Runtime + ?Sized> RowScorer for EachCall<'_, R> {
    fn predict_values(&self, input: usize, values: &[f32]) -> Result<Vec<f32>> {
        self.runtime.predict_values(self.row, input, values)
    }
}

/// A row of a batch with one input changed: `(row, input, value)`.
pub type Variant = (usize, usize, f32);

/// The rows of `raw`, then the variants as whole rows (checked with [`check_variants`] first).
pub fn variant_rows(raw: &Matrix, variants: &[Variant]) -> Matrix {
    let mut rows = Matrix::with_capacity(raw.rows() + variants.len(), raw.cols());
    raw.iter_rows().for_each(|r| rows.push_row(r));
    for (k, &(r, i, v)) in variants.iter().enumerate() {
        rows.push_row(raw.row(r));
        rows.row_mut(raw.rows() + k)[i] = v;
    }
    rows
}

/// Checks that rows of `width` values are what a model of `n_inputs` takes.
pub fn check_width(width: usize, n_inputs: usize) -> Result<()> {
    match width == n_inputs {
        true => Ok(()),
        false => Err(Error::Input(format!("rows have {width} values, the model takes {n_inputs}"))),
    }
}

/// Checks that `input` is one of a row's `n_inputs` inputs.
pub fn check_input(input: usize, n_inputs: usize) -> Result<()> {
    match input < n_inputs {
        true => Ok(()),
        false => Err(Error::Input(format!("input {input} of a row of {n_inputs}"))),
    }
}

/// `row` with input `input` set to each of `values`, one row per value.
pub fn value_rows(row: &[f32], input: usize, values: &[f32]) -> Result<Matrix> {
    check_input(input, row.len())?;
    let mut rows = Matrix::with_capacity(values.len(), row.len());
    for (k, &v) in values.iter().enumerate() {
        rows.push_row(row);
        rows.row_mut(k)[input] = v;
    }
    Ok(rows)
}

/// Checks that every variant names a row of `raw` and one of its `n_inputs` inputs.
pub fn check_variants(raw: &Matrix, variants: &[Variant], n_inputs: usize) -> Result<()> {
    check_width(raw.cols(), n_inputs)?;
    match variants.iter().find(|&&(r, i, _)| r >= raw.rows() || i >= n_inputs) {
        Some(&(r, i, _)) => Err(Error::Input(format!("variant of row {r}, input {i}: no such row or input"))),
        None => Ok(()),
    }
}

/// The number of rows in `raw`, after checking it holds whole rows of `n_inputs` and that `out`
/// has one slot per row.
pub fn check_rows(raw: &[f32], n_inputs: usize, out: &[f32]) -> Result<usize> {
    if n_inputs == 0 || !raw.len().is_multiple_of(n_inputs) {
        return Err(Error::Input(format!("{} values do not form rows of {n_inputs}", raw.len())));
    }
    let rows = raw.len() / n_inputs;
    if out.len() != rows {
        return Err(Error::Input(format!("{rows} rows but room for {} results", out.len())));
    }
    Ok(rows)
}

/// The general runtime: tract runs any ONNX graph with one `[batch, n]` float input and a
/// `[batch, 1]` or `[batch, 2]` float output (the positive class's probability last).
#[cfg(feature = "tract")]
pub struct TractRuntime {
    plan: std::sync::Arc<tract_onnx::prelude::TypedRunnableModel>,
    n_inputs: usize,
}

#[cfg(feature = "tract")]
impl TractRuntime {
    /// Loads and optimises an ONNX graph (its first output).
    pub fn load(graph: &[u8], n_inputs: usize) -> Result<Self> {
        Self::load_output(graph, n_inputs, None)
    }

    /// Loads and optimises an ONNX graph, computing `output` (a `ZipMap`'s stands for the
    /// probability tensor it maps; tract does not run `ZipMap`).
    pub fn load_output(graph: &[u8], n_inputs: usize, output: Option<&str>) -> Result<Self> {
        use tract_onnx::prelude::*;
        let rt = |e: TractError| Error::Runtime(format!("{e:#}"));
        let mut model = tract_onnx::onnx().model_for_read(&mut &graph[..]).map_err(rt)?;
        // The input as the runtime feeds it (converters may leave its batch dimension unnamed).
        let batch = model.symbols.sym("batch");
        let fact = InferenceFact::dt_shape(f32::datum_type(), tvec!(batch.to_dim(), n_inputs.to_dim()));
        model = model.with_input_fact(0, fact).map_err(rt)?;
        if let Some(output) = output {
            let decoded = crate::onnx::decode(graph).map_err(|e| Error::Bundle(format!("not an ONNX model: {e}")))?;
            let g = decoded.graph.as_ref().ok_or_else(|| Error::Bundle("the ONNX model has no graph".into()))?;
            model = model.with_outputs_by_name([crate::converted::probability_tensor(g, output)?]).map_err(rt)?;
        }
        let plan = model.into_optimized().map_err(rt)?.into_runnable().map_err(rt)?;
        Ok(Self { plan, n_inputs })
    }
}

#[cfg(feature = "tract")]
impl Runtime for TractRuntime {
    fn name(&self) -> &'static str {
        "tract"
    }
    fn n_inputs(&self) -> usize {
        self.n_inputs
    }

    fn predict_into(&self, raw: &[f32], out: &mut [f32]) -> Result<()> {
        use tract_onnx::prelude::*;
        let rows = check_rows(raw, self.n_inputs, out)?;
        if rows == 0 {
            return Ok(());
        }
        let rt = |e: TractError| Error::Runtime(format!("{e:#}"));
        let input = Tensor::from_shape(&[rows, self.n_inputs], raw).map_err(rt)?;
        let result = self.plan.run(tvec!(input.into_tvalue())).map_err(rt)?;
        let view = result[0].to_plain_array_view::<f32>().map_err(rt)?;
        // One value per row, or a row of class scores whose last is the positive class's.
        let cols = view.len() / rows;
        if cols == 0 || cols > 2 || view.len() != rows * cols {
            return Err(Error::Runtime(format!("graph returned {} values for {rows} rows", view.len())));
        }
        out.iter_mut().zip(view.iter().skip(cols - 1).step_by(cols)).for_each(|(o, v)| *o = *v);
        Ok(())
    }
}
