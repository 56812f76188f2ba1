//! The model bundle: `manifest.json` (spec, fitted preprocessing, scaling, cutoffs, metrics,
//! provenance) plus the ONNX graph, checked before anything large is allocated.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::metrics::Metrics;
use crate::onnx;
use crate::preprocess::{PreprocessParams, Preprocessor};
use crate::runtime::Runtime;
use crate::schema::{Spec, SpecParams};
use crate::score::{Band, Cutoffs, Decision, Scaling};

/// File name of the manifest inside a bundle directory.
pub const MANIFEST_FILE: &str = "manifest.json";
/// File name of the graph inside a bundle directory.
pub const GRAPH_FILE: &str = "model.onnx";
/// The manifest format this build reads and writes.
pub const FORMAT: u32 = 1;
/// Largest manifest accepted.
pub const MAX_MANIFEST_BYTES: usize = 8 << 20;
/// Largest graph accepted.
pub const MAX_GRAPH_BYTES: usize = 64 << 20;
/// Largest tensor (in elements) a graph may declare.
pub const MAX_TENSOR_ELEMENTS: i64 = 1 << 24;

/// Where the graph is and how to check it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GraphInfo {
    pub file: String,
    pub sha256: String,
    pub input: GraphInput,
    pub output: String,
}

/// What the graph takes: one tensor `[batch, features]` (its name; the spec's features in
/// order), or one input per feature bound by name (their names in the graph's order; a JSON
/// list), as skl2onnx writes a pipeline fitted on a DataFrame.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum GraphInput {
    Tensor(String),
    ByName(Vec<String>),
}

/// What the model was trained on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataInfo {
    pub file: String,
    pub sha256: String,
    pub rows: usize,
}

/// The evaluation figures `fit` records (the manifest's `metrics`, and `metrics.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricsRecord {
    pub test: Metrics,
    pub validation: Metrics,
    pub train: Metrics,
    /// The test part before calibration (`null` when the model is not calibrated).
    pub test_uncalibrated: Option<Metrics>,
    pub parity: Parity,
    /// The decline threshold the accuracies use.
    pub threshold: f64,
}

/// How closely two runtimes agree on the written graph, over the test rows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Parity {
    /// Largest |burn − tract| probability (the trainer's own networks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_abs_diff_burn_vs_tract: Option<f64>,
    /// Largest |light − tract| probability (imported graphs tract runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_abs_diff_light_vs_tract: Option<f64>,
}

/// The settings that produced the model (the manifest's `training`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingRecord {
    pub preprocess: PreprocessParams,
    /// The trainer's own settings of the shipped family (the network's; `{"gbdt": …, "trees",
    /// "leaves"}` for trees; `{"network": …, "trees": …}` for a blend), as it wrote them: shown
    /// in the report, which takes the trees' counts from it; nothing else reads them, and
    /// another trainer may write others.
    pub network: serde_json::Value,
    pub test_size: f64,
    pub validation_size: f64,
    pub threshold: f64,
    pub split_seed: u64,
    pub best_epoch: usize,
    pub epochs_run: usize,
    pub refit: bool,
    pub calibrate: bool,
    pub members: usize,
    /// How the graph stores the network's weight matrices (bundles from before f16: f32).
    #[serde(default = "stored_as_f32")]
    pub weights: crate::network::Precision,
    /// Each member's best epoch, when there are several (`best_epoch` is the first's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_best_epochs: Vec<usize>,
    pub rows: RowsRecord,
    /// The model family shipped and the candidates it was chosen from (`fit --model`); absent
    /// in bundles from before the trainer had trees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelRecord>,
    /// The differential privacy the network was trained with (`fit --dp-epsilon`), and what
    /// its guarantee covers; absent when it was trained without.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy: Option<PrivacyRecord>,
}

/// DP-SGD's guarantee as `fit` recorded it: (ε, δ) from the accountant for the noise, clipping
/// norm, sampling rate and steps used, and exactly what it covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrivacyRecord {
    /// ε reached with the noise used (at or below the one asked).
    pub epsilon: f64,
    pub epsilon_asked: f64,
    pub delta: f64,
    pub accountant: String,
    pub noise_multiplier: f64,
    /// The L2 norm each example's gradient was clipped to.
    pub clip: f64,
    /// Each row's probability of being in a step's batch (Poisson sampling).
    pub sampling_rate: f64,
    pub steps: u64,
    pub epochs: usize,
    /// Rows trained on.
    pub rows: usize,
    /// Standard deviation (in rows) of the Gaussian noise on each count the bundle's other
    /// statistics come from (preprocessing, calibration, cutoffs, baseline, metrics), and how
    /// many such counts any one row is in (both 0 in bundles that predate them).
    #[serde(default)]
    pub count_noise: f64,
    #[serde(default)]
    pub count_releases: usize,
    /// The noise on the test part's score counts: a test row is in that release only, so
    /// its noise is the least that keeps that one release within (ε, δ).
    #[serde(default)]
    pub test_count_noise: f64,
    pub covers: String,
    pub not_covered: Vec<String>,
}

/// Which model family `fit` shipped, as asked (`mlp`, `gbdt` or `auto`), and every candidate's
/// validation figures (the choice is made on the validation part only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelRecord {
    pub asked: String,
    pub shipped: String,
    pub candidates: Vec<CandidateRecord>,
}

/// One candidate model of a `fit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateRecord {
    /// `mlp` or `gbdt`.
    pub family: String,
    pub validation_auc: f64,
    pub validation_log_loss: f64,
    /// Epochs (network) or trees (gbdt) chosen on the validation part, and how many were run.
    pub chosen: usize,
    pub run: usize,
}

fn stored_as_f32() -> crate::network::Precision {
    crate::network::Precision::F32
}

/// Rows in each part of the split.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RowsRecord {
    pub train: usize,
    pub validation: usize,
    pub test: usize,
    pub dropped_missing_label: usize,
}

/// A record the trainer writes into the manifest, kept as the JSON it was written as and read
/// with its type on demand ([`Record::read`]). The browser module loads manifests without
/// compiling the records' types in (typed, they cost it 7 KB gzip; BENCHMARKS.md). Written
/// through a JSON value, its keys are sorted at every level, as manifests always had them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Record<T> {
    value: serde_json::Value,
    #[serde(skip)]
    kind: std::marker::PhantomData<T>,
}

impl<T: Serialize + serde::de::DeserializeOwned> Record<T> {
    pub fn new(record: &T) -> Self {
        Record { value: serde_json::to_value(record).expect("records serialise"), kind: std::marker::PhantomData }
    }
    /// The record, typed; an error names the manifest field and what does not fit.
    pub fn read(&self, field: &str) -> Result<T> {
        T::deserialize(&self.value).map_err(|e| Error::Bundle(format!("{MANIFEST_FILE}: {field}: {e}")))
    }
    /// The JSON as written, to pass on unread (the browser's `info()`).
    pub fn json(&self) -> &serde_json::Value {
        &self.value
    }
}

/// Everything about a model except its graph.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest {
    pub format: u32,
    /// Tool and version that wrote the bundle.
    pub producer: String,
    pub spec: SpecParams,
    pub preprocessing: Preprocessor,
    pub scaling: Scaling,
    pub cutoffs: Cutoffs,
    pub graph: GraphInfo,
    pub data: DataInfo,
    pub metrics: Record<MetricsRecord>,
    pub training: Record<TrainingRecord>,
    /// The Platt scaling folded into the graph's last layer, if the model was calibrated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<crate::calibrate::Platt>,
    /// The training part's score distribution, the baseline for the stability index (PSI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stability: Option<crate::stability::Baseline>,
    /// Where the graph came from when `advisor-train import` wrapped a model trained elsewhere
    /// (absent for the trainer's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported: Option<Record<ImportRecord>>,
}

/// Reading a manifest ([`crate::json`], numbers exact): one small parser and one reader per
/// type instead of serde's derived visitors, which were a fifth of the browser module
/// (BENCHMARKS.md, "The manifest without serde_json, and the scorer module").
mod from_json {
    use super::*;
    use crate::json::{Fields, FromJson, Json, JsonResult};

    impl FromJson for GraphInfo {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            let mut f = Fields::of(v, at)?;
            Ok(GraphInfo { file: f.req("file")?, sha256: f.req("sha256")?, input: f.req("input")?, output: f.req("output")? })
        }
    }

    impl FromJson for GraphInput {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            match v {
                Json::Str(s) => Ok(GraphInput::Tensor(s.clone())),
                Json::Arr(_) => Vec::from_json(v, at).map(GraphInput::ByName),
                _ => crate::json::expected(at, "an input's name, or a list of names"),
            }
        }
    }

    impl FromJson for DataInfo {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            let mut f = Fields::of(v, at)?;
            Ok(DataInfo { file: f.req("file")?, sha256: f.req("sha256")?, rows: f.req("rows")? })
        }
    }

    /// The JSON as serde_json holds it (whole numbers as integers, the rest as f64), so that
    /// written again it is the same text.
    fn serde_value(v: &Json) -> serde_json::Value {
        use serde_json::Value as V;
        match v {
            Json::Null => V::Null,
            Json::Bool(b) => V::Bool(*b),
            Json::Int(i) => {
                u64::try_from(*i).map(V::from).or_else(|_| i64::try_from(*i).map(V::from)).unwrap_or_else(|_| V::from(*i as f64))
            }
            Json::Num(n) => serde_json::Number::from_f64(*n).map_or(V::Null, V::Number),
            Json::Str(s) => V::String(s.clone()),
            Json::Arr(a) => V::Array(a.iter().map(serde_value).collect()),
            Json::Obj(o) => V::Object(o.iter().map(|(k, v)| (k.clone(), serde_value(v))).collect()),
        }
    }

    impl<T> FromJson for Record<T> {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            match v {
                Json::Obj(_) => Ok(Record { value: serde_value(v), kind: std::marker::PhantomData }),
                _ => crate::json::expected(at, "an object"),
            }
        }
    }

    impl FromJson for Manifest {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            let mut f = Fields::of(v, at)?;
            let m = Manifest {
                format: f.req("format")?,
                producer: f.req("producer")?,
                spec: f.req("spec")?,
                preprocessing: f.req("preprocessing")?,
                scaling: f.req("scaling")?,
                cutoffs: f.req("cutoffs")?,
                graph: f.req("graph")?,
                data: f.req("data")?,
                metrics: f.req("metrics")?,
                training: f.req("training")?,
                calibration: f.opt("calibration")?,
                stability: f.opt("stability")?,
                imported: f.opt("imported")?,
            };
            f.deny_unknown()?;
            Ok(m)
        }
    }
}

/// A model trained elsewhere and imported (the manifest's `imported`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRecord {
    /// The ONNX file given to `import` (shipped as it came: its sha256 is the graph's).
    pub file: String,
    /// The ONNX model's `producer_name` and `producer_version` (e.g. `OnnxMLTools 1.16.0`).
    pub producer: String,
    /// What the graph computes, e.g. `TreeEnsembleClassifier: 40 trees, 586 nodes`.
    pub model: String,
}

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// One applicant's result before explanations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub probability: f64,
    pub score: f64,
    pub band: Band,
    pub decision: Decision,
}

/// A loaded, verified bundle ready to score.
pub struct Bundle {
    manifest: Manifest,
    spec: Spec,
    runtime: Box<dyn Runtime>,
}

impl std::fmt::Debug for Bundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bundle").field("spec", &self.spec.name()).finish_non_exhaustive()
    }
}

impl Manifest {
    /// The spec's features, for a graph whose inputs are bound to them by name (none for a
    /// graph of one input tensor).
    pub fn features(&self) -> Option<crate::converted::Features> {
        matches!(self.graph.input, GraphInput::ByName(_)).then(|| crate::converted::Features::of(self.spec.features()))
    }
    /// The evaluation figures, typed.
    pub fn metrics(&self) -> Result<MetricsRecord> {
        self.metrics.read("metrics")
    }
    /// The training settings, typed.
    pub fn training(&self) -> Result<TrainingRecord> {
        self.training.read("training")
    }

    /// Where an imported model came from, typed (`None` for the trainer's own).
    pub fn imported(&self) -> Result<Option<ImportRecord>> {
        self.imported.as_ref().map(|r| r.read("imported")).transpose()
    }

    /// Parses and checks a manifest on its own (sizes, spec, preprocessing, scaling, cutoffs).
    pub fn parse(bytes: &[u8]) -> Result<(Manifest, Spec)> {
        if bytes.len() > MAX_MANIFEST_BYTES {
            return Err(Error::Bundle(format!("manifest is {} bytes, more than {MAX_MANIFEST_BYTES}", bytes.len())));
        }
        let m: Manifest = crate::json::read_exact(bytes).map_err(|e| Error::Bundle(format!("{MANIFEST_FILE}: {e}")))?;
        if m.format != FORMAT {
            return Err(Error::Bundle(format!("manifest format {} is not {FORMAT}", m.format)));
        }
        let spec = m.spec.clone().check().map_err(|e| Error::Bundle(e.to_string()))?;
        m.preprocessing.check(&spec)?;
        m.scaling.check()?;
        m.cutoffs.check()?;
        if let Some(b) = &m.stability {
            b.check()?;
        }
        if m.calibration.is_some_and(|c| !(c.scale.is_finite() && c.shift.is_finite())) {
            return Err(Error::Bundle("calibration: scale and shift must be finite".into()));
        }
        Ok((m, spec))
    }
}

/// Checks a graph's bytes against the manifest before a runtime sees them: hash, one input
/// `[batch, n_features]` or the inputs the manifest lists by name, its output, and no tensor
/// larger than [`MAX_TENSOR_ELEMENTS`].
pub fn check_graph(graph: &[u8], manifest: &Manifest, n_features: usize) -> Result<()> {
    if graph.len() > MAX_GRAPH_BYTES {
        return Err(Error::Bundle(format!("graph is {} bytes, more than {MAX_GRAPH_BYTES}", graph.len())));
    }
    let got = sha256_hex(graph);
    if got != manifest.graph.sha256 {
        return Err(Error::Bundle(format!(
            "{}: sha256 {got} does not match the manifest's {}",
            manifest.graph.file, manifest.graph.sha256
        )));
    }
    let model = onnx::decode(graph).map_err(|e| Error::Bundle(format!("{}: not an ONNX model: {e}", manifest.graph.file)))?;
    let g = model.graph.as_ref().ok_or_else(|| Error::Bundle("the ONNX model has no graph".into()))?;
    check_inputs(&g.data_inputs(), &manifest.graph.input, n_features)?;
    if !g.output.iter().any(|o| o.name == manifest.graph.output) {
        return Err(Error::Bundle(format!("the graph has no output `{}`", manifest.graph.output)));
    }
    for t in &g.initializer {
        let n = t.dims.iter().try_fold(1i64, |acc, &d| if d < 0 { None } else { acc.checked_mul(d) });
        match n {
            Some(n) if n <= MAX_TENSOR_ELEMENTS => {}
            _ => return Err(Error::Bundle(format!("tensor `{}` declares shape {:?}, too large", t.name, t.dims))),
        }
    }
    Ok(())
}

/// Checks the graph's inputs against the manifest's: one tensor `[batch, n_features]` of that
/// name, or exactly the inputs it lists by name.
fn check_inputs(inputs: &[&crate::onnx::ValueInfoProto], expected: &GraphInput, n_features: usize) -> Result<()> {
    let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
    match (expected, inputs) {
        (GraphInput::Tensor(name), [input]) => {
            if &input.name != name {
                return Err(Error::Bundle(format!("graph input `{}` is not the manifest's `{name}`", input.name)));
            }
            let dims = input.dims();
            if dims.len() != 2 || dims[1] != Some(n_features as i64) {
                return Err(Error::Bundle(format!(
                    "graph input `{}` has shape {dims:?}; [batch, {n_features}] is expected from the spec",
                    input.name
                )));
            }
            Ok(())
        }
        (GraphInput::Tensor(_), _) => Err(Error::Bundle(format!("the graph has {} inputs; one is expected", inputs.len()))),
        (GraphInput::ByName(listed), _) if listed.iter().map(String::as_str).eq(names.iter().copied()) => Ok(()),
        (GraphInput::ByName(listed), _) => {
            Err(Error::Bundle(format!("the graph's inputs ({}) are not the manifest's ({})", names.join(", "), listed.join(", "))))
        }
    }
}

impl Bundle {
    /// Verifies and loads a bundle on the light runtime when it runs the graph (advisor graphs,
    /// plain dense MLPs, converted tree ensembles), else on tract when this build has it.
    pub fn load(manifest: &[u8], graph: &[u8]) -> Result<Bundle> {
        Self::load_with(manifest, graph, |g, n, m| {
            match crate::runtime::light(g, n, Some(&m.graph.output), Some(&m.preprocessing), m.features().as_ref()) {
                #[cfg(feature = "tract")]
                Err(Error::Unsupported(_)) => Ok(Box::new(crate::runtime::TractRuntime::load(g, n)?)),
                other => other,
            }
        })
    }

    /// Verifies and loads a bundle whose graph is the trainer's own network
    /// ([`crate::dense::DenseRuntime::network`]); [`Error::Unsupported`] for any other.
    pub fn load_network(manifest: &[u8], graph: &[u8]) -> Result<Bundle> {
        Self::load_with(manifest, graph, |g, n, m| Ok(Box::new(crate::dense::DenseRuntime::network(g, n, &m.preprocessing)?)))
    }

    /// Verifies and loads a bundle on tract, whatever the graph.
    #[cfg(feature = "tract")]
    pub fn load_tract(manifest: &[u8], graph: &[u8]) -> Result<Bundle> {
        Self::load_with(manifest, graph, |g, n, _| Ok(Box::new(crate::runtime::TractRuntime::load(g, n)?)))
    }

    /// Verifies a bundle, then hands the checked graph to `runtime` (`graph bytes, n inputs,
    /// the manifest`).
    pub fn load_with(
        manifest: &[u8],
        graph: &[u8],
        runtime: impl FnOnce(&[u8], usize, &Manifest) -> Result<Box<dyn Runtime>>,
    ) -> Result<Bundle> {
        let (manifest, spec) = Manifest::parse(manifest)?;
        check_graph(graph, &manifest, spec.n_features())?;
        let runtime = runtime(graph, spec.n_features(), &manifest)?;
        Ok(Bundle { manifest, spec, runtime })
    }

    /// The runtime scoring this bundle.
    pub fn runtime(&self) -> &dyn Runtime {
        self.runtime.as_ref()
    }
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }
    pub fn spec(&self) -> &Spec {
        &self.spec
    }
    /// Probabilities for raw rows (the spec's features in order).
    pub fn predict(&self, raw: &Matrix) -> Result<Vec<f32>> {
        self.runtime.predict(raw)
    }
    /// Score, band and decision for a probability.
    pub fn assess(&self, probability: f64) -> Assessment {
        let score = self.manifest.scaling.score(probability);
        Assessment { probability, score, band: self.manifest.cutoffs.band(score).clone(), decision: self.manifest.cutoffs.decision(score) }
    }
}
