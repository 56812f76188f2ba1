//! `fit`: read → split → fit preprocessing → train → export → verify → evaluate.

use std::path::{Path, PathBuf};

use advisor_core::bundle::{
    Bundle, DataInfo, GraphInfo, Manifest, MetricsRecord, Parity, Record, RowsRecord, TrainingRecord, FORMAT, GRAPH_FILE,
};
use advisor_core::calibrate::Platt;
use advisor_core::graph;
use advisor_core::matrix::Matrix;
use advisor_core::metrics::Metrics;
use advisor_core::network::{Mlp, Precision};
use advisor_core::onnx;
use advisor_core::preprocess::PreprocessParams;
use advisor_core::runtime::{Runtime, TractRuntime};
use advisor_core::schema::Spec;
use advisor_core::score::{Band, Cutoffs, Scaling};
use advisor_core::stability::Baseline;

use crate::data::{self, Dataset, MissingLabel};
use crate::error::{Error, Result};
use crate::net::{self, Progress, TrainParams};
use crate::{bundle_dir, split};

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
    /// network's logits there), folded into the last layer.
    pub calibrate: bool,
    /// Networks trained from different seeds (same split) and shipped as one whose logit is
    /// their mean ([`Mlp::mean_of`]); 1 = a single network.
    pub members: usize,
    /// How the graph stores the weight matrices (f16 halves the model's bytes; the network is
    /// rounded to it before it is measured).
    pub weights: Precision,
    /// Train on these features only (the spec's others are ignored); `None` = all of them.
    pub features: Option<Vec<String>>,
    /// Show a progress bar per epoch.
    pub progress: bool,
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
        }
    }
}

/// What `fit` produced, for callers and tests.
pub struct FitReport {
    pub test: Metrics,
    pub validation: Metrics,
    pub train: Metrics,
    /// Largest |burn − tract| probability over the test rows.
    pub parity_max_abs_diff: f64,
    /// Rows per second of each epoch (of the first member).
    pub rows_per_second: Vec<f64>,
    /// The epoch chosen on the validation part (of the first member).
    pub best_epoch: usize,
    /// Test metrics of the same network before calibration (when calibrated).
    pub test_uncalibrated: Option<Metrics>,
    /// Features with one value (or none) in the training part: kept, but they carry no
    /// information (a numeric one gets no network input at all).
    pub constant_columns: Vec<String>,
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

fn metrics_record(report: &FitReport, threshold: f64) -> MetricsRecord {
    MetricsRecord {
        test: report.test,
        validation: report.validation,
        train: report.train,
        test_uncalibrated: report.test_uncalibrated,
        parity: Parity { max_abs_diff_burn_vs_tract: Some(report.parity_max_abs_diff), max_abs_diff_light_vs_tract: None },
        threshold,
    }
}

/// The bands and decision cutoffs, and the stability baseline, from the training part's
/// probabilities `p_train` and labels.
pub(crate) fn cutoffs_and_baseline(scaling: &Scaling, threshold: f64, p_train: &[f32], y_train: &[u8]) -> Result<(Cutoffs, Baseline)> {
    let mut train_scores: Vec<f64> = p_train.iter().map(|&p| scaling.score(p as f64)).collect();
    let stability = Baseline::fit(&train_scores)?;
    let base_rate = y_train.iter().map(|&y| y as f64).sum::<f64>() / y_train.len() as f64;
    // Approve below the base rate, decline at the threshold, refer between (empty when the
    // threshold is below the base rate).
    let refer_min_score = scaling.score(threshold);
    let approve_min_score = scaling.score(base_rate).max(refer_min_score);
    Ok((Cutoffs { bands: bands(&mut train_scores), approve_min_score, refer_min_score }, stability))
}

/// Five bands at the training scores' quintiles, best first.
fn bands(scores: &mut [f64]) -> Vec<Band> {
    scores.sort_by(|a, b| a.total_cmp(b));
    let mut out: Vec<Band> = Vec::new();
    for (i, (name, text)) in advisor_core::lang::messages::BANDS.iter().enumerate() {
        let q = 1.0 - (i + 1) as f64 / 5.0;
        let min_score = if i == 4 { f64::MIN } else { scores[((scores.len() - 1) as f64 * q).round() as usize].round() };
        // Keep strictly decreasing cutoffs even when quintiles coincide.
        if out.last().is_none_or(|l| min_score < l.min_score) {
            out.push(Band { name: name.to_string(), display: text.text(), min_score });
        }
    }
    out
}

pub(crate) fn file_name(path: &Path) -> String {
    path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default()
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

/// Calibration must not change the ranking of the network it calibrates: the shipped
/// network's validation logits and its calibrated probabilities (as the graph computes them,
/// in f32) must give the same AUC, or `fit` stops before writing anything.
fn check_calibration_ranking(uncalibrated: &net::Net, calibrated: &Mlp, x_val: &Matrix, y_val: &[u8]) -> Result<()> {
    let calibrated = net::predict(&net::Net::from_mlp(calibrated, &net::device()), x_val);
    advisor_core::calibrate::check_same_ranking(y_val, &net::logits(uncalibrated, x_val), &calibrated)
        .map_err(|e| Error::Usage(format!("on the validation part: {e}")))
}

/// Fits a model and writes its bundle to `opts.out`.
pub fn fit(opts: &FitOptions) -> Result<FitReport> {
    let (spec, ds) = read_checked(opts)?;
    let seed = opts.train.seed;

    // The protocol: stratified 80/20 train/test; validation comes out of the training part.
    let parts = split::protocol(&ds.labels, opts.test_size, opts.validation_size, seed);
    let split::Parts { train: train_idx, fit: fit_idx, validation: val_idx, test: test_idx, fit_in_train: fit_rel, .. } = parts;
    let labels = |idx: &[usize]| idx.iter().map(|&i| ds.labels[i]).collect::<Vec<u8>>();
    let (raw_train, raw_fit, raw_val, raw_test) =
        (ds.raw.select(&train_idx), ds.raw.select(&fit_idx), ds.raw.select(&val_idx), ds.raw.select(&test_idx));
    let (y_train, y_fit, y_val, y_test) = (labels(&train_idx), labels(&fit_idx), labels(&val_idx), labels(&test_idx));

    let pre = opts.preprocess.clone().check()?.fit(&spec, &raw_train)?;
    let (x_fit, x_val, x_test) = (pre.transform(&raw_fit), pre.transform(&raw_val), pre.transform(&raw_test));
    let x_train = if opts.refit { Some(pre.transform(&raw_train)) } else { None };
    let members = train_members(opts, (&x_fit, &y_fit), (&x_val, &y_val), x_train.as_ref().map(|x| (x, y_train.as_slice())))?;
    let Shipped { mlp, validation, calibration, test_uncalibrated } = ship(opts, &members, (&x_val, &y_val), (&x_test, &y_test))?;
    let trained = &members[0].0;
    // The network as shipped (calibration folded in), for the burn side of the parity check.
    let shipped = net::Net::from_mlp(&mlp, &net::device());

    let data_name = file_name(&opts.data);
    let model = graph::build(&pre, &mlp, opts.weights, &[("advisor.spec", spec.name()), ("advisor.data_sha256", &ds.sha256)]);
    let graph_bytes = onnx::encode(&model);
    let runtime = TractRuntime::load(&graph_bytes, spec.n_features())?;

    // Parity: the exported graph (tract, raw values) against burn (encoded values).
    let burn_test = net::predict(&shipped, &x_test);
    let tract_test = runtime.predict(&raw_test)?;
    let parity = burn_test.iter().zip(&tract_test).map(|(a, b)| (a - b).abs() as f64).fold(0.0, f64::max);

    // One prediction over the training part serves its fit and validation rows and the bands.
    let p_train = runtime.predict(&raw_train)?;
    let part = |rel: &[usize]| rel.iter().map(|&i| p_train[i]).collect::<Vec<f32>>();
    let m = |y: &[u8], p: &[f32]| Metrics::compute(y, p, opts.threshold);
    let report = FitReport {
        test: m(&y_test, &tract_test),
        validation,
        train: m(&y_fit, &part(&fit_rel)),
        parity_max_abs_diff: parity,
        rows_per_second: trained.history.iter().map(|h| h.rows_per_second).collect(),
        best_epoch: trained.best_epoch,
        test_uncalibrated,
        constant_columns: constant_columns(&spec, &raw_train),
    };

    let (cutoffs, stability) = cutoffs_and_baseline(&opts.scaling, opts.threshold, &p_train, &y_train)?;
    let metrics = metrics_record(&report, opts.threshold);
    let record = training_record(opts, &members, [fit_idx.len(), val_idx.len(), test_idx.len()], ds.dropped_missing_label);
    let manifest = Manifest {
        format: FORMAT,
        producer: format!("advisor-train {}", env!("CARGO_PKG_VERSION")),
        spec: spec.params().clone(),
        preprocessing: pre,
        scaling: opts.scaling.clone(),
        cutoffs,
        graph: GraphInfo {
            file: GRAPH_FILE.into(),
            sha256: advisor_core::bundle::sha256_hex(&graph_bytes),
            input: graph::INPUT.into(),
            output: graph::OUTPUT.into(),
        },
        data: DataInfo { file: data_name, sha256: ds.sha256.clone(), rows: ds.raw.rows() },
        metrics: Record::new(&metrics),
        training: Record::new(&record),
        calibration,
        stability: Some(stability),
        imported: None,
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).expect("serialisable");
    // Keys sorted, as in the manifest.
    let metrics_bytes = serde_json::to_vec_pretty(manifest.metrics.json()).expect("serialisable");
    bundle_dir::write(&opts.out, &manifest_bytes, &graph_bytes, &metrics_bytes)?;
    verify_written(&opts.out, &raw_test, &tract_test)?;
    Ok(report)
}

/// The settings that produced the model, for the manifest; `rows` in the fit, validation and
/// test parts.
fn training_record(opts: &FitOptions, members: &[(net::Trained, Mlp)], rows: [usize; 3], dropped: usize) -> TrainingRecord {
    let first = &members[0].0;
    TrainingRecord {
        preprocess: opts.preprocess.clone(),
        network: serde_json::to_value(&opts.train).expect("serialisable"),
        test_size: opts.test_size,
        validation_size: opts.validation_size,
        threshold: opts.threshold,
        split_seed: opts.train.seed,
        best_epoch: first.best_epoch,
        epochs_run: first.history.len(),
        refit: opts.refit,
        calibrate: opts.calibrate,
        members: opts.members,
        weights: opts.weights,
        member_best_epochs: if members.len() > 1 { members.iter().map(|(t, _)| t.best_epoch).collect() } else { vec![] },
        rows: RowsRecord { train: rows[0], validation: rows[1], test: rows[2], dropped_missing_label: dropped },
    }
}

/// The network to ship: the members' mean, calibrated when asked.
struct Shipped {
    mlp: Mlp,
    /// Validation metrics of the selected networks.
    validation: Metrics,
    calibration: Option<Platt>,
    test_uncalibrated: Option<Metrics>,
}

/// The members as one network, with Platt scaling fitted on the validation rows and folded in.
fn ship(
    opts: &FitOptions,
    members: &[(net::Trained, Mlp)],
    (x_val, y_val): (&Matrix, &[u8]),
    (x_test, y_test): (&Matrix, &[u8]),
) -> Result<Shipped> {
    // The selected networks (before any refit) as one: validation metrics and calibration come
    // from them (after a refit, the validation rows are training rows).
    let selected = net::Net::from_mlp(&Mlp::mean_of(&members.iter().map(|(t, _)| t.net.to_mlp()).collect::<Vec<_>>())?, &net::device());
    let validation = Metrics::compute(y_val, &net::predict(&selected, x_val), opts.threshold);
    let mut mlp = Mlp::mean_of(&members.iter().map(|(_, s)| s.clone()).collect::<Vec<_>>())?;
    // Rounded to the precision the graph stores before it is calibrated or measured.
    mlp.round_weights(opts.weights)?;
    if !opts.calibrate {
        return Ok(Shipped { mlp, validation, calibration: None, test_uncalibrated: None });
    }
    let uncalibrated = net::Net::from_mlp(&mlp, &net::device());
    let platt = Platt::fit(&net::logits(&selected, x_val), y_val)?;
    platt.fold_into(&mut mlp)?;
    check_calibration_ranking(&uncalibrated, &mlp, x_val, y_val)?;
    let test_uncalibrated = Some(Metrics::compute(y_test, &net::predict(&uncalibrated, x_test), opts.threshold));
    Ok(Shipped { mlp, validation, calibration: Some(platt), test_uncalibrated })
}

/// Reads back the bundle just written, exactly as a user of it would: its records read with
/// their types, tract scores the test rows as in memory, and the light runtime (what the
/// browser runs) agrees with tract.
fn verify_written(out: &Path, raw_test: &Matrix, tract_test: &[f32]) -> Result<()> {
    let loaded = bundle_dir::load_with(out, Bundle::load_tract)?;
    loaded.manifest().metrics()?;
    loaded.manifest().training()?;
    if loaded.predict(raw_test)? != tract_test {
        return Err(Error::File { path: out.into(), msg: "the written bundle scores differently from the one in memory".into() });
    }
    let light = bundle_dir::load(out)?;
    let light_test = light.predict(raw_test)?;
    let worst = light_test.iter().zip(tract_test).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    if worst > 1e-5 {
        return Err(Error::File {
            path: out.into(),
            msg: format!("the {} runtime differs from tract by up to {worst:e} on the test rows", light.runtime().name()),
        });
    }
    Ok(())
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
    for (name, share) in [("--test-size", opts.test_size), ("--validation-size", opts.validation_size), ("--threshold", opts.threshold)] {
        if !(share > 0.0 && share < 1.0) {
            return Err(Error::Usage(format!("{name} {share} is not in (0, 1)")));
        }
    }
    opts.train.clone().check()?;
    if opts.members == 0 || opts.members > MAX_MEMBERS {
        return Err(Error::Usage(format!("--members {} is not in 1..={MAX_MEMBERS}", opts.members)));
    }
    Ok((spec, ds))
}

/// The progress bar of the epochs (drawn only when `opts.progress`).
fn progress_bar(opts: &FitOptions) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::hidden();
    if opts.progress {
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    }
    bar.set_style(
        indicatif::ProgressStyle::with_template("epoch {prefix:>3} [{bar:30}] {pos}/{len} {msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar
}

/// Trains `opts.members` networks on the fit rows, each selected on the validation rows, and
/// (with a refit) retrained on the whole training part for its chosen number of epochs. Each
/// member's training and the network it ships.
fn train_members(
    opts: &FitOptions,
    (x_fit, y_fit): (&Matrix, &[u8]),
    (x_val, y_val): (&Matrix, &[u8]),
    refit_on: Option<(&Matrix, &[u8])>,
) -> Result<Vec<(net::Trained, Mlp)>> {
    let (bar, seed) = (progress_bar(opts), opts.train.seed);
    let mut members = Vec::with_capacity(opts.members);
    for k in 0..opts.members {
        // Member 0 trains from the seed itself, so one member is the plain network.
        let mut p = opts.train.clone();
        p.seed = seed.wrapping_add(k as u64 * 0x9E37_79B9_7F4A_7C15);
        let tag = if opts.members > 1 { format!("{}/{} ", k + 1, opts.members) } else { String::new() };
        let trained = net::train(&p.clone().check()?, x_fit, y_fit, x_val, y_val, |pr| match pr {
            Progress::EpochStart { epoch, batches } => {
                bar.reset();
                bar.set_length(batches as u64);
                bar.set_prefix(format!("{tag}{epoch}"));
            }
            Progress::Batch => bar.inc(1),
            Progress::EpochEnd(s) => {
                bar.set_message(format!("loss {:.4}  val AUC {:.4}", s.loss, s.val_auc));
                bar.finish();
                if !opts.progress {
                    eprintln!("{tag}epoch {:>3}  loss {:.4}  val AUC {:.4}  {:.0} rows/s", s.epoch, s.loss, s.val_auc, s.rows_per_second);
                }
            }
        })?;
        let shipped = match refit_on {
            Some((x_train, y_train)) => {
                p.epochs = trained.best_epoch.max(1);
                p.patience = None;
                p.restore_best = false;
                if !opts.progress {
                    eprintln!("{tag}refit on the whole training part ({} rows) for {} epochs", x_train.rows(), p.epochs);
                }
                net::train(&p.check()?, x_train, y_train, x_val, y_val, |_| {})?.net.to_mlp()
            }
            None => trained.net.to_mlp(),
        };
        members.push((trained, shipped));
    }
    Ok(members)
}
