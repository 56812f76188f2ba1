//! The network candidate of `fit`: members trained with burn, selected on the validation part,
//! refitted, averaged, rounded to the stored precision, calibrated, and written as one graph
//! with the preprocessing; tract scores it, and burn must agree.

use advisor_core::calibrate::Platt;
use advisor_core::graph;
use advisor_core::matrix::Matrix;
use advisor_core::metrics::Metrics;
use advisor_core::network::Mlp;
use advisor_core::onnx;
use advisor_core::preprocess::Preprocessor;
use advisor_core::runtime::{Runtime, TractRuntime};

use advisor_core::bundle::PrivacyRecord;

use super::{Candidate, Family, FitOptions, Part, PartModel, Parts};
use crate::dp_counts::{Noise, Private};
use crate::dp_sgd;
use crate::error::Result;
use crate::net::{self, Progress};

/// Trains, calibrates and exports the network; its probabilities come from tract on the graph.
/// A private fit (`private`) trains with DP-SGD, and calibrates from noisy counts.
pub(super) fn candidate(
    opts: &FitOptions,
    d: &Parts,
    pre: &Preprocessor,
    metadata: &[(&str, &str)],
    mut private: Option<&mut Private>,
) -> Result<Candidate> {
    let t0 = std::time::Instant::now();
    let (x_fit, x_val, x_test) = (pre.transform(&d.raw_fit), pre.transform(&d.raw_val), pre.transform(&d.raw_test));
    let (members, privacy) = match &mut private {
        Some(p) => (vec![train_private(opts, &mut p.record, &x_fit, &d.y_fit)?], Some(p.record.clone())),
        None => {
            let x_train = if opts.refit { Some(pre.transform(&d.raw_train)) } else { None };
            (train_members(opts, (&x_fit, &d.y_fit), (&x_val, &d.y_val), x_train.as_ref().map(|x| (x, d.y_train.as_slice())))?, None)
        }
    };
    let noise = private.map(|p| &mut p.noise);
    let Shipped { mlp, validation, calibration, test_uncalibrated, part } =
        ship(opts, &members, (&x_val, &d.y_val), (&x_test, &d.y_test), noise)?;
    let seconds = t0.elapsed().as_secs_f64();
    let graph = onnx::encode(&graph::build(pre, &mlp, opts.weights, metadata));
    let runtime = TractRuntime::load(&graph, pre.inputs.len())?;
    // Parity: the exported graph (tract, raw values) against burn (encoded values), the network
    // as shipped (calibration folded in).
    let p_test = runtime.predict(&d.raw_test)?;
    let burn_test = net::predict(&net::Net::from_mlp(&mlp, &net::device()), &x_test);
    let parity = burn_test.iter().zip(&p_test).map(|(a, b)| (a - b).abs() as f64).fold(0.0, f64::max);
    let first = &members[0].0;
    Ok(Candidate {
        family: Family::Mlp,
        graph,
        input: graph::INPUT.into(),
        output: graph::OUTPUT.into(),
        p_train: runtime.predict(&d.raw_train)?,
        p_test,
        validation,
        calibration,
        test_uncalibrated,
        parity: advisor_core::bundle::Parity { max_abs_diff_burn_vs_tract: Some(parity), max_abs_diff_light_vs_tract: None },
        settings: serde_json::to_value(&opts.train).expect("serialisable"),
        chosen: first.best_epoch,
        // DP-SGD runs its planned epochs as one.
        run: if privacy.is_some() { first.best_epoch } else { first.history.len() },
        member_chosen: if members.len() > 1 { members.iter().map(|(t, _)| t.best_epoch).collect() } else { vec![] },
        rows_per_second: first.history.iter().map(|h| h.rows_per_second).collect(),
        seconds,
        part: Some(part),
        privacy,
    })
}

/// The network trained with DP-SGD on the fit rows for the planned steps (no refit: the
/// validation rows are not trained on, and choose nothing).
fn train_private(opts: &FitOptions, record: &mut PrivacyRecord, x_fit: &Matrix, y_fit: &[u8]) -> Result<(net::Trained, Mlp)> {
    // Always said (DP-SGD draws no progress bar): the guarantee, before the wait.
    eprintln!(
        "DP-SGD: ε {:.3} (asked {}), δ {:.1e}, noise multiplier {:.3}, clip {}, sampling rate {:.5}, {} steps over {} rows; \
         {} noisy counts per row, noise σ {:.1} rows",
        record.epsilon,
        record.epsilon_asked,
        record.delta,
        record.noise_multiplier,
        record.clip,
        record.sampling_rate,
        record.steps,
        record.rows,
        record.count_releases,
        record.count_noise
    );
    let t0 = std::time::Instant::now();
    let mlp = dp_sgd::train(&opts.train, record, x_fit, y_fit)?;
    let seconds = t0.elapsed().as_secs_f64();
    let stats = net::EpochStats {
        epoch: record.epochs,
        loss: f64::NAN,
        val_auc: f64::NAN,
        seconds,
        rows_per_second: (record.epochs * x_fit.rows()) as f64 / seconds,
    };
    let trained = net::Trained { net: net::Net::from_mlp(&mlp, &net::device()), history: vec![stats], best_epoch: record.epochs };
    Ok((trained, mlp))
}

/// Calibration must not change the ranking of the network it calibrates: the shipped
/// network's validation logits and its calibrated probabilities (as the graph computes them,
/// in f32) must give the same AUC, or `fit` stops before writing anything.
fn check_calibration_ranking(uncalibrated: &net::Net, calibrated: &Mlp, x_val: &Matrix, y_val: &[u8]) -> Result<()> {
    let calibrated = net::predict(&net::Net::from_mlp(calibrated, &net::device()), x_val);
    super::check_ranking(y_val, &net::logits(uncalibrated, x_val), &calibrated)
}

/// The network to ship: the members' mean, calibrated when asked.
struct Shipped {
    mlp: Mlp,
    /// Validation metrics of the selected networks.
    validation: Metrics,
    calibration: Option<Platt>,
    test_uncalibrated: Option<Metrics>,
    /// The network before calibration, for a blend.
    part: Part,
}

/// The members as one network, with Platt scaling fitted on the validation rows and folded in
/// (a private fit's: validation metrics and calibration from noisy counts of them, `noise`).
fn ship(
    opts: &FitOptions,
    members: &[(net::Trained, Mlp)],
    (x_val, y_val): (&Matrix, &[u8]),
    (x_test, y_test): (&Matrix, &[u8]),
    noise: Option<&mut Noise>,
) -> Result<Shipped> {
    // The selected networks (before any refit) as one: validation metrics and calibration come
    // from them (after a refit, the validation rows are training rows).
    let selected = net::Net::from_mlp(&Mlp::mean_of(&members.iter().map(|(t, _)| t.net.to_mlp()).collect::<Vec<_>>())?, &net::device());
    let p_val = net::predict(&selected, x_val);
    let counts = noise.map(|n| n.scores(&p_val, y_val)).transpose()?;
    let validation = match &counts {
        Some(c) => Metrics::from_counts(c, opts.threshold),
        None => Metrics::compute(y_val, &p_val, opts.threshold),
    };
    let mut mlp = Mlp::mean_of(&members.iter().map(|(_, s)| s.clone()).collect::<Vec<_>>())?;
    // Rounded to the precision the graph stores before it is calibrated or measured.
    mlp.round_weights(opts.weights)?;
    let val_logits = net::logits(&selected, x_val);
    let uncalibrated = net::Net::from_mlp(&mlp, &net::device());
    let part = Part { model: PartModel::Network(mlp.clone()), selected: val_logits.clone(), shipped: net::logits(&uncalibrated, x_val) };
    if !opts.calibrate {
        return Ok(Shipped { mlp, validation, calibration: None, test_uncalibrated: None, part });
    }
    let platt = match &counts {
        Some(c) => Platt::fit_counts(c).map_err(|e| {
            crate::error::Error::Usage(format!(
                "--dp-epsilon: calibration on the noisy counts of {} held-out rows failed, too few for this budget (fit on more rows, with a larger --dp-epsilon, or with --no-calibrate): {e}",
                y_val.len()
            ))
        })?,
        None => Platt::fit(&val_logits, y_val)?,
    };
    platt.fold_into(&mut mlp)?;
    check_calibration_ranking(&uncalibrated, &mlp, x_val, y_val)?;
    // A private fit ships no figure it has not counted with noise.
    let test_uncalibrated = counts.is_none().then(|| Metrics::compute(y_test, &net::predict(&uncalibrated, x_test), opts.threshold));
    Ok(Shipped { mlp, validation, calibration: Some(platt), test_uncalibrated, part })
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
    let (bar, seed) = (super::progress_bar(opts, "epoch {prefix:>3} [{bar:30}] {pos}/{len} {msg}"), opts.train.seed);
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
