//! `import`: a model trained elsewhere (an ONNX graph from onnxmltools or skl2onnx: LightGBM,
//! XGBoost, scikit-learn trees) wrapped into a bundle. The graph ships as it came; on a labelled
//! file, split by the training protocol, `import` computes what `fit` computes for its own
//! models: score scaling, bands and cutoffs, the stability baseline, metrics, and the fitted
//! preprocessing that the form, reasons and what-if take typical and candidate values from.

use std::path::{Path, PathBuf};

use advisor_core::bundle::{
    Bundle, DataInfo, GraphInfo, GraphInput, ImportRecord, Manifest, MetricsRecord, Parity, Record, RowsRecord, TrainingRecord, FORMAT,
    GRAPH_FILE,
};
use advisor_core::converted::{ConvertedRuntime, Features, Inputs};
use advisor_core::matrix::Matrix;
use advisor_core::metrics::Metrics;
use advisor_core::network::Precision;
use advisor_core::onnx::{self, ModelProto};
use advisor_core::preprocess::PreprocessParams;
use advisor_core::runtime::{Runtime, TractRuntime};
use advisor_core::schema::Spec;
use advisor_core::score::Scaling;

use crate::data::{self, MissingLabel};
use crate::error::{Error, Result};
use crate::fit::{check_labels, cutoffs_and_baseline, file_name};
use crate::{bundle_dir, split};

/// Share of the training part the protocol holds out for validation (the split `report` and
/// `split` re-create; an imported model is not trained, so the validation part is only measured).
const VALIDATION_SIZE: f64 = 0.2;

/// Everything `import` needs.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The ONNX graph: one float input `[batch, features]` in the spec's feature order, or one
    /// input per feature named after it.
    pub onnx: PathBuf,
    pub spec: PathBuf,
    /// A labelled file: scaling, bands, baseline and metrics are computed on it.
    pub data: PathBuf,
    pub out: PathBuf,
    /// The graph output giving the probabilities (default: the first that is one).
    pub output: Option<String>,
    pub test_size: f64,
    pub threshold: f64,
    pub scaling: Scaling,
    pub seed: u64,
    pub drop_missing_label: bool,
}

impl ImportOptions {
    /// Defaults for a graph, spec, data file and output directory (the protocol's 80/20 split, seed 42).
    pub fn new(onnx: impl Into<PathBuf>, spec: impl Into<PathBuf>, data: impl Into<PathBuf>, out: impl Into<PathBuf>) -> Self {
        Self {
            onnx: onnx.into(),
            spec: spec.into(),
            data: data.into(),
            out: out.into(),
            output: None,
            test_size: 0.2,
            threshold: 0.5,
            scaling: Scaling::default(),
            seed: 42,
            drop_missing_label: false,
        }
    }
}

/// What `import` measured.
#[derive(Debug, Clone)]
pub struct ImportReport {
    /// The graph output read as the probability.
    pub output: String,
    /// What the graph computes (trees and nodes).
    pub model: String,
    pub test: Metrics,
    pub train: Metrics,
    /// Largest |light − tract| on the test rows, when tract runs the graph.
    pub light_vs_tract: Option<f64>,
    /// The test AUC's 95 % interval (DeLong).
    pub test_auc_interval: Option<(f64, f64)>,
}

impl ImportReport {
    /// What a person should know before shipping the bundle: a test AUC not shown to beat
    /// chance ([`crate::fit::checks::chance_on_test`], as `fit` warns).
    pub fn warnings(&self) -> Vec<String> {
        crate::fit::checks::chance_on_test(self.test.auc, self.test_auc_interval).into_iter().collect()
    }
}

/// Wraps `opts.onnx` into a bundle in `opts.out`.
pub fn import(opts: &ImportOptions) -> Result<ImportReport> {
    bundle_dir::check_writable(&opts.out)?;
    for (name, share) in [("--test-size", opts.test_size), ("--threshold", opts.threshold)] {
        if !(share > 0.0 && share < 1.0) {
            return Err(Error::Usage(format!("{name} {share} is not in (0, 1)")));
        }
    }
    let spec = data::read_spec(&opts.spec)?;
    let graph = std::fs::read(&opts.onnx).map_err(Error::io(&opts.onnx))?;
    let model = onnx::decode(&graph).map_err(|e| graph_error(&opts.onnx, format!("not an ONNX model: {e}")))?;
    let input = check_input(&opts.onnx, &model, &spec)?;
    let (runtime, output) = load(&opts.onnx, &model, &spec, &input, opts.output.as_deref())?;
    let missing = if opts.drop_missing_label { MissingLabel::Drop } else { MissingLabel::Error };
    let ds = data::read_csv(&opts.data, &spec, missing)?;
    check_labels(&ds)?;

    let parts = split::protocol(&ds.labels, opts.test_size, VALIDATION_SIZE, opts.seed);
    let labels = |idx: &[usize]| idx.iter().map(|&i| ds.labels[i]).collect::<Vec<u8>>();
    let (raw_train, raw_test) = (ds.raw.select(&parts.train), ds.raw.select(&parts.test));
    let (y_train, y_test) = (labels(&parts.train), labels(&parts.test));
    let probabilities = |raw: &Matrix| runtime.predict(raw).map_err(|e| graph_error(&opts.onnx, e));
    let (p_train, p_test) = (probabilities(&raw_train)?, probabilities(&raw_test)?);
    let light_vs_tract = tract_parity(&graph, spec.n_features(), &output, &raw_test, &p_test);

    ranks_its_rows(&opts.onnx, &y_train, &p_train)?;
    let metrics = metrics_record(opts.threshold, (&p_train, &y_train), (&p_test, &y_test), &parts, light_vs_tract);
    let preprocess = PreprocessParams::default();
    let pre = preprocess.clone().check()?.fit(&spec, &raw_train)?;
    let (cutoffs, stability) = cutoffs_and_baseline(&opts.scaling, opts.threshold, &p_train, &y_train)?;
    let described = runtime.summary();
    let record = training_record(opts, preprocess, &parts, ds.dropped_missing_label);
    let producer = format!("{} {}", model.producer_name, model.producer_version).trim().to_string();
    let manifest = Manifest {
        format: FORMAT,
        producer: format!("advisor-train {} import", env!("CARGO_PKG_VERSION")),
        spec: spec.params().clone(),
        preprocessing: pre,
        scaling: opts.scaling.clone(),
        cutoffs,
        graph: GraphInfo { file: GRAPH_FILE.into(), sha256: advisor_core::bundle::sha256_hex(&graph), input, output: output.clone() },
        data: DataInfo { file: file_name(&opts.data), sha256: ds.sha256.clone(), rows: ds.raw.rows() },
        metrics: Record::new(&metrics),
        training: Record::new(&record),
        calibration: None,
        stability: Some(stability),
        imported: Some(Record::new(&ImportRecord { file: file_name(&opts.onnx), producer, model: described.clone() })),
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).expect("serialisable");
    let metrics_bytes = serde_json::to_vec_pretty(manifest.metrics.json()).expect("serialisable");
    bundle_dir::write(&opts.out, &manifest_bytes, &graph, &metrics_bytes)?;
    verify_written(&opts.out, &raw_test, &p_test)?;
    let test_auc_interval = advisor_core::metrics::auc_interval(&y_test, &p_test);
    Ok(ImportReport { output, model: described, test: metrics.test, train: metrics.train, light_vs_tract, test_auc_interval })
}

/// Refuses a model that ranks the training part's rows no better than chance: on a lender's
/// own data a model that was sound ranks them, so its inputs are bound wrongly or the output
/// read is the other class's probability; wrapped as it is, it would score every applicant
/// wrongly and say nothing.
fn ranks_its_rows(onnx: &Path, y_train: &[u8], p_train: &[f32]) -> Result<()> {
    let Some(auc) = crate::fit::checks::no_better_than_chance(y_train, p_train) else { return Ok(()) };
    Err(graph_error(
        onnx,
        format!(
            "it ranks the {} training rows no better than chance (AUC {auc:.4}): check that the spec's columns are the model's inputs in its order, units and category codes, that `positive` is the class the model predicts, and that --output reads that class's probability",
            y_train.len()
        ),
    ))
}

/// Metrics of each part: the test part, and the training part's fit and validation rows.
fn metrics_record(
    threshold: f64,
    (p_train, y_train): (&[f32], &[u8]),
    (p_test, y_test): (&[f32], &[u8]),
    parts: &split::Parts,
    light_vs_tract: Option<f64>,
) -> MetricsRecord {
    let within = |rel: &[usize]| {
        let (p, y): (Vec<f32>, Vec<u8>) = rel.iter().map(|&i| (p_train[i], y_train[i])).unzip();
        Metrics::compute(&y, &p, threshold)
    };
    MetricsRecord {
        test: Metrics::compute(y_test, p_test, threshold),
        validation: within(&parts.validation_in_train),
        train: within(&parts.fit_in_train),
        test_uncalibrated: None,
        parity: Parity { max_abs_diff_burn_vs_tract: None, max_abs_diff_light_vs_tract: light_vs_tract },
        threshold,
    }
}

/// The settings, for the manifest: the split and the preprocessing fitted for the form,
/// reasons and what-if; nothing was trained here (no epochs, no calibration).
fn training_record(opts: &ImportOptions, preprocess: PreprocessParams, parts: &split::Parts, dropped: usize) -> TrainingRecord {
    TrainingRecord {
        preprocess,
        network: serde_json::json!({ "imported": file_name(&opts.onnx) }),
        test_size: opts.test_size,
        validation_size: VALIDATION_SIZE,
        threshold: opts.threshold,
        split_seed: opts.seed,
        best_epoch: 0,
        epochs_run: 0,
        refit: false,
        calibrate: false,
        members: 1,
        weights: Precision::F32,
        member_best_epochs: vec![],
        rows: RowsRecord {
            train: parts.fit.len(),
            validation: parts.validation.len(),
            test: parts.test.len(),
            dropped_missing_label: dropped,
        },
        model: None,
        privacy: None,
    }
}

fn graph_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::File { path: path.into(), msg: e.to_string() }
}

/// What the graph takes: one float tensor `[batch, n]` (`n` the spec's features, in order), or
/// one input per feature, named after it (checked input by input when the runtime binds them).
fn check_input(path: &Path, model: &ModelProto, spec: &Spec) -> Result<GraphInput> {
    let g = model.graph.as_ref().ok_or_else(|| graph_error(path, "the ONNX model has no graph"))?;
    let inputs = g.data_inputs();
    let n = spec.n_features();
    let order = || spec.features().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ");
    let is_feature = |name: &str| spec.features().any(|c| c.name == name);
    let input = match inputs[..] {
        [input] if !is_feature(&input.name) => input,
        [] => return Err(graph_error(path, "the graph has no input")),
        _ => return Ok(GraphInput::ByName(inputs.iter().map(|i| i.name.clone()).collect())),
    };
    let (elem, dims) = (input.elem_type(), input.dims());
    if elem != onnx::FLOAT || dims.len() != 2 || dims[1] != Some(n as i64) {
        return Err(graph_error(
            path,
            format!(
                "input `{}` is {}; import takes float [batch, {n}], the spec's features in order ({}), or one input per feature named after it",
                input.name,
                describe_input(elem, &dims),
                order()
            ),
        ));
    }
    Ok(GraphInput::Tensor(input.name.clone()))
}

fn describe_input(elem: i32, dims: &[Option<i64>]) -> String {
    let dims: Vec<String> = dims.iter().map(|d| d.map_or("?".into(), |v| v.to_string())).collect();
    let kind = if elem == onnx::FLOAT { "float".to_string() } else { format!("of element type {elem}") };
    format!("{kind} [{}]", dims.join(", "))
}

/// The light runtime on the graph, read up to `output` (or its first probability output), its
/// inputs bound to the spec's features by name when `input` says so.
fn load(path: &Path, model: &ModelProto, spec: &Spec, input: &GraphInput, output: Option<&str>) -> Result<(ConvertedRuntime, String)> {
    let features = Features::of(spec.features());
    let inputs = match input {
        GraphInput::Tensor(_) => Inputs::Matrix(spec.n_features()),
        GraphInput::ByName(_) => Inputs::Features(&features),
    };
    let g = model.graph.as_ref().ok_or_else(|| graph_error(path, "the ONNX model has no graph"))?;
    let loaded = match output {
        Some(o) => ConvertedRuntime::from_graph(g, inputs, o).map(|rt| (rt, o.to_string())),
        None => ConvertedRuntime::probability_of(g, inputs),
    };
    loaded.map_err(|e| graph_error(path, e))
}

/// Test rows tract checks the light runtime on (its tree ensemble is slow: about 20 ms a row for
/// 500 trees).
const PARITY_ROWS: usize = 200;

/// |light − tract| on the first [`PARITY_ROWS`] test rows, when tract runs the graph (it does not
/// run every converter's).
fn tract_parity(graph: &[u8], n: usize, output: &str, raw: &Matrix, light: &[f32]) -> Option<f64> {
    let rows: Vec<usize> = (0..raw.rows().min(PARITY_ROWS)).collect();
    let tract = TractRuntime::load_output(graph, n, Some(output)).and_then(|t| t.predict(&raw.select(&rows))).ok()?;
    Some(light.iter().zip(&tract).map(|(a, b)| f64::from((a - b).abs())).fold(0.0, f64::max))
}

/// Reads back the bundle just written as a user would: it loads on the light runtime, its
/// records read with their types, and it scores the test rows as in memory.
fn verify_written(out: &Path, raw_test: &Matrix, p_test: &[f32]) -> Result<()> {
    let loaded: Bundle = bundle_dir::load(out)?;
    loaded.manifest().metrics()?;
    loaded.manifest().training()?;
    if loaded.runtime().name() != "light" || loaded.predict(raw_test)? != p_test {
        return Err(Error::File { path: out.into(), msg: "the written bundle scores differently from the graph in memory".into() });
    }
    Ok(())
}
