//! `fit`: read → split → fit preprocessing → train each family asked for ([`network`],
//! [`trees`]) → keep the better on validation → export → verify → evaluate.

use std::path::{Path, PathBuf};

mod blend;
pub mod checks;
mod network;
mod trees;

use advisor_core::bundle::{
    Bundle, CandidateRecord, DataInfo, GraphInfo, GraphInput, Manifest, MetricsRecord, ModelRecord, Parity, PrivacyRecord, Record,
    RowsRecord, TrainingRecord, FORMAT, GRAPH_FILE,
};
use advisor_core::calibrate::Platt;
use advisor_core::counts::{weighted_quantile, ScoreCounts, LOGIT_BINS};
use advisor_core::matrix::Matrix;
use advisor_core::metrics::Metrics;
use advisor_core::network::Precision;
use advisor_core::preprocess::{PreprocessParams, Preprocessor};
use advisor_core::schema::Spec;
use advisor_core::score::{Band, Cutoffs, Scaling};
use advisor_core::stability::Baseline;

use crate::data::{self, Dataset, MissingLabel};
use crate::dp_counts::{Noise, Private};
use crate::dp_sgd::DpParams;
use crate::error::{Error, Result};
use crate::gbdt::GbdtParams;
use crate::net::TrainParams;
use crate::{bundle_dir, split};
use checks::class_counts;
pub use checks::{Copies, FEW_CLASS_ROWS, MIN_VALIDATION_CLASS_ROWS};

/// Everything `fit` needs.
#[derive(Debug, Clone)]
pub struct FitOptions {
    pub spec: PathBuf,
    pub data: PathBuf,
    pub out: PathBuf,
    pub preprocess: PreprocessParams,
    pub train: TrainParams,
    /// Share of rows held out for the test part.
    pub test_size: f64,
    /// Share of the training part held out for validation (early stopping, best epoch).
    pub validation_size: f64,
    /// Probability at or above which the decision is "decline" (and accuracy counts positive).
    pub threshold: f64,
    pub scaling: Scaling,
    pub drop_missing_label: bool,
    /// After the best epoch is chosen on the validation part, train again from the same seed
    /// on the whole training part (fit + validation rows) for that many epochs, and ship that
    /// network. The test part is never seen either way.
    pub refit: bool,
    /// Calibrate the probability: Platt scaling fitted on the validation part (the selected
    /// model's logits there), folded into the network's last layer or the trees' leaves.
    pub calibrate: bool,
    /// Networks trained from different seeds (same split) and shipped as one whose logit is
    /// their mean ([`advisor_core::network::Mlp::mean_of`]); 1 = a single network.
    pub members: usize,
    /// How the graph stores the weight matrices (f16 halves the model's bytes; the network is
    /// rounded to it before it is measured).
    pub weights: Precision,
    /// Train on these features only (the spec's others are ignored); `None` = all of them.
    pub features: Option<Vec<String>>,
    /// Show a progress bar per epoch.
    pub progress: bool,
    /// The model family to train (`--model`).
    pub model: ModelChoice,
    /// The trees' settings (`--model gbdt` or `auto`); their seed is `train.seed`.
    pub gbdt: GbdtParams,
    /// Train the network with DP-SGD (`--dp-epsilon`): the network only, no selection on the
    /// validation part; checked against the rows trained on.
    pub dp: Option<DpParams>,
}

/// Most members an ensemble may have.
pub const MAX_MEMBERS: usize = 16;

impl FitOptions {
    /// Defaults for a spec, data file and output directory.
    pub fn new(spec: impl Into<PathBuf>, data: impl Into<PathBuf>, out: impl Into<PathBuf>) -> Self {
        Self {
            spec: spec.into(),
            data: data.into(),
            out: out.into(),
            preprocess: PreprocessParams::default(),
            train: TrainParams::default(),
            test_size: 0.2,
            validation_size: 0.2,
            threshold: 0.5,
            scaling: Scaling::default(),
            drop_missing_label: false,
            refit: true,
            calibrate: true,
            members: 1,
            weights: Precision::default(),
            features: None,
            progress: false,
            model: ModelChoice::Auto,
            gbdt: GbdtParams::default(),
            dp: None,
        }
    }
}

/// What `fit` produced, for callers and tests.
pub struct FitReport {
    pub test: Metrics,
    pub validation: Metrics,
    pub train: Metrics,
    /// Largest |burn − tract| probability over the test rows (a network), or |light − tract|
    /// over the first test rows (trees).
    pub parity_max_abs_diff: f64,
    /// Rows per second of each epoch (of the first member; a network).
    pub rows_per_second: Vec<f64>,
    /// The epoch (network) or number of trees chosen on the validation part.
    pub best_epoch: usize,
    /// Test metrics of the same model before calibration (when calibrated).
    pub test_uncalibrated: Option<Metrics>,
    /// The 95 % interval of the test AUC (DeLong; not in the manifest).
    pub test_auc_interval: Option<(f64, f64)>,
    /// Features with one value (or none) in the training part: kept, but they carry no
    /// information (a numeric one gets no network input at all).
    pub constant_columns: Vec<String>,
    /// The family shipped, and every candidate's validation figures with its training time in
    /// seconds (not in the manifest: the bundle's bytes do not depend on the machine).
    pub family: Family,
    pub candidates: Vec<(CandidateRecord, f64)>,
    /// Rows of each class (negative, positive) in the training and test parts.
    pub classes: [usize; 2],
    /// Test rows that are exact copies of a training row (every feature and the label), and
    /// how many would be by chance.
    pub test_copies: Copies,
    /// A membership-inference attack on the split: the rows the shipped model was trained on
    /// against the test rows ([`crate::commands::audit`], as `audit` and the report run it).
    pub membership: crate::commands::audit::Attack,
}

/// The features of `spec` whose training values are all the same (missing counts as a value).
pub fn constant_columns(spec: &Spec, raw: &advisor_core::matrix::Matrix) -> Vec<String> {
    spec.features()
        .enumerate()
        .filter(|&(j, _)| {
            let mut values = raw.iter_rows().map(|r| r[j]);
            let first = values.next();
            values.all(|v| Some(v) == first || (v.is_nan() && first.is_some_and(f32::is_nan)))
        })
        .map(|(_, c)| c.name.clone())
        .collect()
}

/// The bands and decision cutoffs, and the stability baseline, from the training part's
/// probabilities `p_train` and labels.
pub(crate) fn cutoffs_and_baseline(scaling: &Scaling, threshold: f64, p_train: &[f32], y_train: &[u8]) -> Result<(Cutoffs, Baseline)> {
    let mut train_scores: Vec<f64> = p_train.iter().map(|&p| scaling.score(p as f64)).collect();
    let stability = Baseline::fit(&train_scores)?;
    let base_rate = y_train.iter().map(|&y| y as f64).sum::<f64>() / y_train.len() as f64;
    train_scores.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| train_scores[((train_scores.len() - 1) as f64 * q).round() as usize];
    Ok((cutoffs(scaling, threshold, base_rate, at), stability))
}

/// [`cutoffs_and_baseline`] from score counts (a private fit's).
/// Each bin's rows sit at its lowest score (the score of one end of its logit span), so that a
/// baseline edge at that score has the whole bin on one side, as the rows scored later will:
/// at the bin's middle, a stable population would read as a shift.
fn cutoffs_and_baseline_from_counts(scaling: &Scaling, threshold: f64, counts: &ScoreCounts) -> Result<(Cutoffs, Baseline)> {
    let (pos, neg) = counts.totals();
    let score = |z: f64| scaling.score(advisor_core::network::sigmoid(z as f32) as f64);
    let lowest = |i: usize| {
        let (a, b) = ScoreCounts::span(i);
        score(a).min(score(b))
    };
    let mut points: Vec<(f64, f64)> = counts.bins().map(|(i, wp, wn)| (lowest(i), wp + wn)).collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let stability = Baseline::fit_weighted(&points)?;
    let at = |q: f64| weighted_quantile(&points, q);
    Ok((cutoffs(scaling, threshold, pos / (pos + neg).max(1.0), at), stability))
}

/// The cutoffs for a base rate, with five bands at the training scores' quintiles (`at(q)` is
/// their `q` quantile), best first. Approve below the base rate, decline at the threshold,
/// refer between (empty when the threshold is below the base rate).
fn cutoffs(scaling: &Scaling, threshold: f64, base_rate: f64, at: impl Fn(f64) -> f64) -> Cutoffs {
    let refer_min_score = scaling.score(threshold);
    let approve_min_score = scaling.score(base_rate).max(refer_min_score);
    let mut bands: Vec<Band> = Vec::new();
    for (i, (name, text)) in advisor_core::lang::messages::BANDS.iter().enumerate() {
        let min_score = if i == 4 { f64::MIN } else { at(1.0 - (i + 1) as f64 / 5.0).round() };
        // Keep strictly decreasing cutoffs even when quintiles coincide.
        if bands.last().is_none_or(|l| min_score < l.min_score) {
            bands.push(Band { name: name.to_string(), display: text.text(), min_score });
        }
    }
    Cutoffs { bands, approve_min_score, refer_min_score }
}

/// A private fit's cutoffs, baseline and metrics: from noisy counts of the shipped model's
/// scores on the fit and validation rows (`noise`) and the test rows (`test_noise`); the
/// validation metrics are the candidate's, from its own noisy counts.
fn private_statistics(
    opts: &FitOptions,
    d: &Parts,
    c: &Candidate,
    (noise, test_noise): (&mut Noise, &mut Noise),
) -> Result<(Cutoffs, Baseline, MetricsRecord)> {
    let pick = |idx: &[usize]| idx.iter().map(|&i| c.p_train[i]).collect::<Vec<f32>>();
    let fit = noise.scores(&pick(&d.fit_in_train), &d.y_fit)?;
    let val = noise.scores(&pick(&d.val_in_train), &d.y_val)?;
    let test = test_noise.scores(&c.p_test, &d.y_test)?;
    let (cutoffs, stability) = cutoffs_and_baseline_from_counts(&opts.scaling, opts.threshold, &fit.merged(&val))?;
    let (class_noise, positives) = (test_noise.sigma() * (LOGIT_BINS as f64).sqrt(), d.y_test.iter().filter(|&&y| y == 1).count());
    let smaller = positives.min(d.y_test.len() - positives);
    if class_noise > 0.1 * smaller as f64 {
        eprintln!(
            "note: the bundle's test metrics come from noisy counts: each class's total has noise of about {class_noise:.0} \
             rows, and the test part's smaller class has {smaller}, so they say little (the figures above are exact, and \
             stay here)"
        );
    }
    let m = |counts: &ScoreCounts| Metrics::from_counts(counts, opts.threshold);
    let metrics = MetricsRecord {
        test: m(&test),
        validation: c.validation,
        train: m(&fit),
        test_uncalibrated: None,
        parity: c.parity,
        threshold: opts.threshold,
    };
    Ok((cutoffs, stability, metrics))
}

pub(crate) fn file_name(path: &Path) -> String {
    path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default()
}

impl FitReport {
    /// What a person should know before shipping the bundle ([`checks`]): too few rows of a
    /// class, a test AUC not shown to beat chance, test rows that copy training rows beyond
    /// chance, and a model that tells its training rows from others
    /// ([`crate::commands::audit::Attack::memorised`]).
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = checks::few_rows(self.classes).into_iter().collect();
        out.extend(checks::chance_on_test(self.test.auc, self.test_auc_interval));
        out.extend(self.test_copies.warning(self.test.rows));
        let a = self.membership;
        if a.memorised() {
            out.push(format!(
                "the model tells its training rows from others (membership attack AUC {:.4}, advantage {:.4}; train AUC {:.4}, test {:.4}). \
                 The bundle ships to every browser: {}, and --dp-epsilon bounds what it reveals (docs/privacy.md)",
                a.auc,
                a.advantage,
                self.train.auc,
                self.test.auc,
                checks::revealing_less(self.family)
            ));
        }
        out
    }
}

/// Checks both classes are present.
pub fn check_labels(ds: &Dataset) -> Result<()> {
    let pos = ds.labels.iter().filter(|&&y| y == 1).count();
    if pos == 0 || pos == ds.labels.len() {
        return Err(Error::File {
            path: ds.path.clone(),
            msg: format!("the label has one class only ({pos} positive of {} rows); a model needs both", ds.labels.len()),
        });
    }
    Ok(())
}

/// The model families `fit` trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// The network (burn).
    Mlp,
    /// Gradient-boosted trees ([`crate::gbdt`]).
    Gbdt,
    /// The mean of the network's and the trees' logits, in one graph ([`blend`]).
    Blend,
}

impl Family {
    /// The family of a manifest's `training.model.shipped` name.
    pub fn by_name(name: &str) -> Option<Family> {
        [Family::Mlp, Family::Gbdt, Family::Blend].into_iter().find(|f| f.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Family::Mlp => "mlp",
            Family::Gbdt => "gbdt",
            Family::Blend => "blend",
        }
    }
}

/// What `fit --model` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelChoice {
    /// That family (a blend trains both families, and ships their blend).
    Only(Family),
    /// Both families and their blend; the one with the best validation AUC ships.
    Auto,
}

impl ModelChoice {
    pub fn name(self) -> &'static str {
        match self {
            ModelChoice::Only(f) => f.name(),
            ModelChoice::Auto => "auto",
        }
    }
}

/// The protocol's parts of the data: raw values and labels of the training part (fit +
/// validation rows), its fit and validation rows, and the test part.
pub(crate) struct Parts {
    pub raw_train: Matrix,
    pub raw_fit: Matrix,
    pub raw_val: Matrix,
    pub raw_test: Matrix,
    pub y_train: Vec<u8>,
    pub y_fit: Vec<u8>,
    pub y_val: Vec<u8>,
    pub y_test: Vec<u8>,
    /// Positions of the fit and validation rows within the training part.
    pub fit_in_train: Vec<usize>,
    pub val_in_train: Vec<usize>,
    pub rows: RowsRecord,
}

impl Parts {
    fn new(ds: &Dataset, opts: &FitOptions) -> Parts {
        let p = split::protocol(&ds.labels, opts.test_size, opts.validation_size, opts.train.seed);
        let labels = |idx: &[usize]| idx.iter().map(|&i| ds.labels[i]).collect::<Vec<u8>>();
        let rows = RowsRecord {
            train: p.fit.len(),
            validation: p.validation.len(),
            test: p.test.len(),
            dropped_missing_label: ds.dropped_missing_label,
        };
        Parts {
            raw_train: ds.raw.select(&p.train),
            raw_fit: ds.raw.select(&p.fit),
            raw_val: ds.raw.select(&p.validation),
            raw_test: ds.raw.select(&p.test),
            y_train: labels(&p.train),
            y_fit: labels(&p.fit),
            y_val: labels(&p.validation),
            y_test: labels(&p.test),
            fit_in_train: p.fit_in_train,
            val_in_train: p.validation_in_train,
            rows,
        }
    }
}

impl Parts {
    /// The fit rows' values of `of_train` (one value a row of the training part).
    fn fit_rows(&self, of_train: &[f32]) -> Vec<f32> {
        self.fit_in_train.iter().map(|&i| of_train[i]).collect()
    }
}

/// A trained model of one family, exported and scored, ready to be written.
pub(crate) struct Candidate {
    pub family: Family,
    pub graph: Vec<u8>,
    pub input: String,
    pub output: String,
    /// Probabilities of the training part and the test part, as the graph computes them.
    pub p_train: Vec<f32>,
    pub p_test: Vec<f32>,
    /// Validation metrics of the model selected there (before any refit).
    pub validation: Metrics,
    pub calibration: Option<Platt>,
    pub test_uncalibrated: Option<Metrics>,
    pub parity: Parity,
    /// The family's own settings, for the manifest.
    pub settings: serde_json::Value,
    /// Epochs or trees chosen on the validation part, and how many were run.
    pub chosen: usize,
    pub run: usize,
    pub member_chosen: Vec<usize>,
    pub rows_per_second: Vec<f64>,
    pub seconds: f64,
    /// The model before calibration, for a blend (a network or trees).
    pub part: Option<Part>,
    /// DP-SGD's guarantee, for a network trained with it.
    pub privacy: Option<PrivacyRecord>,
}

/// A family's model before calibration, with the validation logits of the model selected
/// there (`selected`) and of this model (`shipped`: after a refit, the validation rows were
/// trained on): what a blend is made of.
#[derive(Clone)]
pub(crate) struct Part {
    pub model: PartModel,
    pub selected: Vec<f32>,
    pub shipped: Vec<f32>,
}

/// The model of a [`Part`].
#[derive(Clone)]
pub(crate) enum PartModel {
    Network(advisor_core::network::Mlp),
    Trees(crate::gbdt::Booster),
}

impl Candidate {
    fn record(&self) -> CandidateRecord {
        CandidateRecord {
            family: self.family.name().into(),
            validation_auc: self.validation.auc,
            validation_log_loss: self.validation.log_loss,
            chosen: self.chosen,
            run: self.run,
        }
    }
}

/// Fits a model and writes its bundle to `opts.out`.
pub fn fit(opts: &FitOptions) -> Result<FitReport> {
    let (spec, ds) = read_checked(opts)?;
    // The protocol: stratified 80/20 train/test; validation comes out of the training part.
    let d = Parts::new(&ds, opts);
    checks::enough_to_validate(&ds.path, &d.y_val, d.y_train.len())?;
    let params = opts.preprocess.clone().check()?;
    // A private fit plans its noise first: the preprocessing comes from noisy counts.
    let mut private = opts.dp.as_ref().map(|dp| Private::plan(dp, &spec, d.y_fit.len())).transpose()?;
    let pre = match &mut private {
        Some(p) => params.fit_summary(&spec, &p.noise.summary(&spec, &d.raw_train)?)?,
        None => params.fit(&spec, &d.raw_train)?,
    };
    let metadata = [("advisor.spec", spec.name()), ("advisor.data_sha256", ds.sha256.as_str())];
    let mut candidates = match &mut private {
        Some(p) => vec![ranks_its_rows(&d, network::candidate(opts, &d, &pre, &metadata, Some(p))?)?],
        None => train_candidates(opts, &spec, &d, &pre, &metadata)?,
    };
    let records: Vec<CandidateRecord> = candidates.iter().map(Candidate::record).collect();
    let seconds: Vec<f64> = candidates.iter().map(|c| c.seconds).collect();
    // The best validation AUC ships (the first on a tie); `--model blend` ships the blend.
    let best = match opts.model {
        ModelChoice::Only(f) => candidates.iter().position(|c| c.family == f).unwrap_or(0),
        ModelChoice::Auto => {
            (0..candidates.len()).fold(0, |b, i| if candidates[i].validation.auc > candidates[b].validation.auc { i } else { b })
        }
    };
    let c = candidates.swap_remove(best);
    let m = |y: &[u8], p: &[f32]| Metrics::compute(y, p, opts.threshold);
    let report = FitReport {
        test: m(&d.y_test, &c.p_test),
        validation: c.validation,
        train: m(&d.y_fit, &d.fit_rows(&c.p_train)),
        parity_max_abs_diff: c.parity.max_abs_diff_burn_vs_tract.or(c.parity.max_abs_diff_light_vs_tract).unwrap_or(0.0),
        rows_per_second: c.rows_per_second.clone(),
        best_epoch: c.chosen,
        test_uncalibrated: c.test_uncalibrated,
        test_auc_interval: advisor_core::metrics::auc_interval(&d.y_test, &c.p_test),
        constant_columns: constant_columns(&spec, &d.raw_train),
        family: c.family,
        candidates: records.iter().cloned().zip(seconds).collect(),
        membership: membership(opts, &d, &c),
        classes: class_counts(d.y_train.iter().chain(&d.y_test)),
        test_copies: checks::test_copies((&d.raw_train, &d.y_train), (&d.raw_test, &d.y_test), opts.train.seed),
    };
    let model = ModelRecord { asked: opts.model.name().into(), shipped: c.family.name().into(), candidates: records };
    write_bundle(opts, (&spec, &ds, &d), pre, (&c, private.as_mut()), (&report, model))?;
    Ok(report)
}

/// The loss-threshold attack on the shipped model: the rows it was trained on (the training
/// part after a refit, else the fit rows) against the test rows.
fn membership(opts: &FitOptions, d: &Parts, c: &Candidate) -> crate::commands::audit::Attack {
    let trained_on: Vec<usize> = if refitted(opts, c) { (0..d.y_train.len()).collect() } else { d.fit_in_train.clone() };
    let members: Vec<(f32, u8)> = trained_on.iter().map(|&i| (c.p_train[i], d.y_train[i])).collect();
    let non_members: Vec<(f32, u8)> = c.p_test.iter().copied().zip(d.y_test.iter().copied()).collect();
    crate::commands::audit::loss_attack(&members, &non_members)
}

/// DP-SGD trains one network: not trees, not a blend, not several members, and not a spec whose
/// monotone features only trees can hold.
fn check_dp(opts: &FitOptions, spec: &Spec) -> Result<()> {
    let why = if !matches!(opts.model, ModelChoice::Auto | ModelChoice::Only(Family::Mlp)) {
        "trains the network only (use --model mlp or auto)"
    } else if opts.members > 1 {
        "trains one network (--members 1)"
    } else if opts.train.pos_weight != 1.0 || opts.train.balance_classes {
        "trains on the unweighted loss (no --pos-weight)"
    } else if spec.features().any(|c| c.monotone.is_some()) {
        "trains a network, which cannot promise the spec's monotone features"
    } else {
        return Ok(());
    };
    Err(Error::Usage(format!("--dp-epsilon {why}")))
}

/// Trains a candidate of each family `opts.model` asks for. With `auto`, a family that cannot
/// fit the table is reported and leaves the choice to the other.
fn train_candidates(opts: &FitOptions, spec: &Spec, d: &Parts, pre: &Preprocessor, metadata: &[(&str, &str)]) -> Result<Vec<Candidate>> {
    let families = match opts.model {
        ModelChoice::Only(Family::Blend) => vec![Family::Mlp, Family::Gbdt],
        ModelChoice::Only(f) => vec![f],
        // A network cannot promise the spec's monotone features: only trees can be chosen then.
        ModelChoice::Auto if spec.features().any(|c| c.monotone.is_some()) => vec![Family::Gbdt],
        ModelChoice::Auto => vec![Family::Mlp, Family::Gbdt],
    };
    let (mut candidates, mut failed) = (Vec::new(), None);
    for f in families {
        let trained = match f {
            Family::Mlp => network::candidate(opts, d, pre, metadata, None),
            // `families` holds the two trained families; a blend is made from them below.
            Family::Gbdt | Family::Blend => trees::candidate(opts, spec, d, metadata),
        };
        match trained.and_then(|c| ranks_its_rows(d, c)) {
            Ok(c) => candidates.push(c),
            Err(e) if opts.model == ModelChoice::Auto => {
                eprintln!("note: the {} candidate was not trained: {e}", f.name());
                failed.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    if let [net, trees] = &candidates[..] {
        let blended = blend::candidate(opts, d, pre, metadata, (net, trees)).and_then(|c| ranks_its_rows(d, c));
        match blended {
            Ok(c) => candidates.push(c),
            Err(e) if opts.model == ModelChoice::Auto => eprintln!("note: the blend candidate was not made: {e}"),
            Err(e) => return Err(e),
        }
    }
    match failed {
        Some(e) if candidates.is_empty() => Err(e),
        _ => Ok(candidates),
    }
}

/// The candidate, if the model it ships ranks its fit rows ([`checks::ranks_its_rows`]).
fn ranks_its_rows(d: &Parts, c: Candidate) -> Result<Candidate> {
    checks::ranks_its_rows(c.family, c.privacy.is_some(), &d.y_fit, &d.fit_rows(&c.p_train))?;
    Ok(c)
}

/// Writes the chosen candidate's bundle (manifest, graph, metrics) and reads it back.
fn write_bundle(
    opts: &FitOptions,
    (spec, ds, d): (&Spec, &Dataset, &Parts),
    pre: Preprocessor,
    (c, private): (&Candidate, Option<&mut Private>),
    (report, model): (&FitReport, ModelRecord),
) -> Result<()> {
    let (cutoffs, stability, metrics) = match private {
        Some(p) => private_statistics(opts, d, c, (&mut p.noise, &mut p.test_noise))?,
        None => {
            let (cutoffs, stability) = cutoffs_and_baseline(&opts.scaling, opts.threshold, &c.p_train, &d.y_train)?;
            let metrics = MetricsRecord {
                test: report.test,
                validation: report.validation,
                train: report.train,
                test_uncalibrated: report.test_uncalibrated,
                parity: c.parity,
                threshold: opts.threshold,
            };
            (cutoffs, stability, metrics)
        }
    };
    let record = training_record(opts, c, d.rows, model);
    let graph = GraphInfo {
        file: GRAPH_FILE.into(),
        sha256: advisor_core::bundle::sha256_hex(&c.graph),
        input: GraphInput::Tensor(c.input.clone()),
        output: c.output.clone(),
    };
    let manifest = Manifest {
        format: FORMAT,
        producer: format!("advisor-train {}", env!("CARGO_PKG_VERSION")),
        spec: spec.params().clone(),
        preprocessing: pre,
        scaling: opts.scaling.clone(),
        cutoffs,
        graph,
        data: DataInfo { file: file_name(&opts.data), sha256: ds.sha256.clone(), rows: ds.raw.rows() },
        metrics: Record::new(&metrics),
        training: Record::new(&record),
        calibration: c.calibration,
        stability: Some(stability),
        imported: None,
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).expect("serialisable");
    // Keys sorted, as in the manifest.
    let metrics_bytes = serde_json::to_vec_pretty(manifest.metrics.json()).expect("serialisable");
    bundle_dir::write(&opts.out, &manifest_bytes, &c.graph, &metrics_bytes)?;
    verify_written(&opts.out, c.family, &d.raw_test, &c.p_test)
}

/// Whether the shipped model was refitted on the whole training part: DP-SGD trains on the fit
/// rows only (what `audit` and the membership check take as the rows trained on).
fn refitted(opts: &FitOptions, c: &Candidate) -> bool {
    opts.refit && c.privacy.is_none()
}

/// The settings that produced the model, for the manifest.
fn training_record(opts: &FitOptions, c: &Candidate, rows: RowsRecord, model: ModelRecord) -> TrainingRecord {
    // A blend's network is recorded as a network's.
    let mlp = c.family != Family::Gbdt;
    TrainingRecord {
        preprocess: opts.preprocess.clone(),
        network: c.settings.clone(),
        test_size: opts.test_size,
        validation_size: opts.validation_size,
        threshold: opts.threshold,
        split_seed: opts.train.seed,
        best_epoch: if mlp { c.chosen } else { 0 },
        epochs_run: if mlp { c.run } else { 0 },
        refit: refitted(opts, c),
        calibrate: opts.calibrate,
        members: if mlp { opts.members } else { 1 },
        weights: if mlp { opts.weights } else { Precision::F32 },
        member_best_epochs: c.member_chosen.clone(),
        rows,
        model: Some(model),
        privacy: c.privacy.clone(),
    }
}
/// Reads back the bundle just written, exactly as a user of it would: its records read with
/// their types, the light runtime (what the browser runs) scores the test rows as in memory
/// (within 1e-5 of tract's for a network; exactly for trees, whose figures are the light
/// runtime's), and a network's bundle scores on tract exactly as in memory.
fn verify_written(out: &Path, family: Family, raw_test: &Matrix, p_test: &[f32]) -> Result<()> {
    let differs = || Error::File { path: out.into(), msg: "the written bundle scores differently from the one in memory".into() };
    if family == Family::Mlp {
        let loaded = bundle_dir::load_with(out, Bundle::load_tract)?;
        if loaded.predict(raw_test)? != p_test {
            return Err(differs());
        }
    }
    let light = bundle_dir::load(out)?;
    light.manifest().metrics()?;
    light.manifest().training()?;
    let light_test = light.predict(raw_test)?;
    let worst = light_test.iter().zip(p_test).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    if family != Family::Mlp && worst > 0.0 {
        return Err(differs());
    }
    if worst > 1e-5 {
        return Err(Error::File {
            path: out.into(),
            msg: format!("the {} runtime differs from tract by up to {worst:e} on the test rows", light.runtime().name()),
        });
    }
    Ok(())
}

/// Calibration must not change the ranking of the model it calibrates: the shipped model's
/// validation `logits` and its calibrated probabilities (as the graph computes them) must give
/// the same AUC, or `fit` stops before writing anything.
fn check_ranking(y_val: &[u8], logits: &[f32], calibrated: &[f32]) -> Result<()> {
    advisor_core::calibrate::check_same_ranking(y_val, logits, calibrated).map_err(|e| Error::Usage(format!("on the validation part: {e}")))
}

/// A progress bar drawn with `template` (only when `opts.progress`).
fn progress_bar(opts: &FitOptions, template: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::hidden();
    if opts.progress {
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    }
    bar.set_style(indicatif::ProgressStyle::with_template(template).expect("valid template").progress_chars("=> "));
    bar
}

/// Reads the spec and the data and checks the options, before any training.
fn read_checked(opts: &FitOptions) -> Result<(Spec, Dataset)> {
    bundle_dir::check_writable(&opts.out)?;
    let mut spec: Spec = data::read_spec(&opts.spec)?;
    if let Some(names) = &opts.features {
        let bad = |e: advisor_core::Error| Error::Usage(format!("--features: {e}"));
        spec = spec.params().keep_features(names).and_then(|p| p.check()).map_err(bad)?;
    }
    let missing = if opts.drop_missing_label { MissingLabel::Drop } else { MissingLabel::Error };
    let ds = data::read_csv(&opts.data, &spec, missing)?;
    if ds.dropped_missing_label > 0 {
        eprintln!("dropped {} rows with a missing label", ds.dropped_missing_label);
    }
    check_labels(&ds)?;
    crate::masking::check(&spec, &ds)?;
    for (name, share) in [("--test-size", opts.test_size), ("--validation-size", opts.validation_size), ("--threshold", opts.threshold)] {
        if !(share > 0.0 && share < 1.0) {
            return Err(Error::Usage(format!("{name} {share} is not in (0, 1)")));
        }
    }
    opts.train.clone().check()?;
    if opts.members == 0 || opts.members > MAX_MEMBERS {
        return Err(Error::Usage(format!("--members {} is not in 1..={MAX_MEMBERS}", opts.members)));
    }
    if opts.model == ModelChoice::Only(Family::Blend) && spec.features().any(|c| c.monotone.is_some()) {
        return Err(Error::Usage("--model blend: a blend has a network, which cannot promise the spec's monotone features".into()));
    }
    if opts.members > 1 && opts.model == ModelChoice::Only(Family::Gbdt) {
        return Err(Error::Usage("--members averages networks; --model gbdt trains none (use --model mlp or auto)".into()));
    }
    if opts.dp.is_some() {
        check_dp(opts, &spec)?;
        if crate::spec_file::is_drafted(&opts.spec)? {
            return Err(Error::Usage(format!(
                "--dp-epsilon: {} was drafted from the data by `advisor-train init` (its first line says so): its bounds and \
                 categories come from the rows, which a private fit takes as public. Review them (bounds and categories \
                 anyone could know), then delete that line",
                opts.spec.display()
            )));
        }
    } else if opts.model != ModelChoice::Only(Family::Mlp) {
        GbdtParams { seed: opts.train.seed, ..opts.gbdt.clone() }.check()?;
    }
    Ok((spec, ds))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A private fit's baseline, from counts without noise, reads its own rows as stable: each
    /// bin's rows on one side of every edge (at the bins' middles they read as a shift).
    #[test]
    fn a_baseline_from_counts_finds_no_shift_in_its_own_rows() {
        let probs: Vec<f32> =
            (0..20_000).map(|i| advisor_core::network::sigmoid(-6.0 + 8.0 * ((i * 7919) % 20_000) as f32 / 20_000.0)).collect();
        let labels: Vec<u8> = (0..probs.len()).map(|i| (i % 9 == 0) as u8).collect();
        let (pos, neg) = ScoreCounts::count(&probs, &labels);
        let scaling = Scaling::default();
        let (cutoffs, baseline) = cutoffs_and_baseline_from_counts(&scaling, 0.5, &ScoreCounts::new(&pos, &neg).unwrap()).unwrap();
        baseline.check().unwrap();
        assert!(baseline.edges.len() >= 8, "{baseline:?}");
        let scores: Vec<f64> = probs.iter().map(|&p| scaling.score(p as f64)).collect();
        let psi = baseline.psi(&scores);
        assert!(psi < 1e-4, "PSI {psi} of the rows the baseline was counted from");
        assert!(cutoffs.bands.len() == 5 && cutoffs.check().is_ok(), "{cutoffs:?}");
    }
}
