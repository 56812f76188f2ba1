//! The trees candidate of `fit`: gradient boosting ([`crate::gbdt`]) on the raw values binned on
//! the training part, the number of trees chosen on the validation part, refitted on the whole
//! training part, calibrated (Platt scaling folded into the leaves) and written as one
//! `TreeEnsembleClassifier`; its figures are the light runtime's on the written graph, and
//! tract must agree on the first test rows.

use advisor_core::bundle::Parity;
use advisor_core::calibrate::Platt;
use advisor_core::converted::ConvertedRuntime;
use advisor_core::matrix::Matrix;
use advisor_core::metrics::Metrics;
use advisor_core::onnx;
use advisor_core::runtime::{Runtime, TractRuntime};
use advisor_core::schema::{Monotone, Spec};

use super::{Candidate, Family, FitOptions, Part, PartModel, Parts};
use crate::error::{Error, Result};
use crate::gbdt::bins::{self, Binned};
use crate::gbdt::{self, export, Booster, Rows};

/// Test rows tract checks the light runtime on (tract's tree ensemble takes milliseconds a row).
const PARITY_ROWS: usize = 200;

pub(super) fn candidate(opts: &FitOptions, spec: &Spec, d: &Parts, metadata: &[(&str, &str)]) -> Result<Candidate> {
    let t0 = std::time::Instant::now();
    let params = gbdt::GbdtParams { seed: opts.train.seed, ..opts.gbdt.clone() };
    let p = params.clone().check()?;
    let cuts = bins::fit(&d.raw_train, &gbdt::categories(spec), params.max_bins)?;
    let monotone: Vec<i8> = spec.features().map(|c| c.monotone.map_or(0, Monotone::sign)).collect();
    let b_val = Binned::new(&cuts, &d.raw_val);
    let selected = select(opts, &p, (&cuts, &monotone), d, &b_val)?;
    let val_logits: Vec<f32> = selected.booster.logits(&b_val).iter().map(|&z| z as f32).collect();
    let validation = Metrics::compute(&d.y_val, &val_logits.iter().map(|&z| sigmoid(z)).collect::<Vec<_>>(), opts.threshold);
    let mut booster =
        if opts.refit { refit(opts, &params, selected.best_rounds, (&cuts, &monotone), d)? } else { selected.booster.clone() };
    let seconds = t0.elapsed().as_secs_f64();
    let n = spec.n_features();
    // Before calibration: the test metrics as the uncalibrated graph scores them, and the trees'
    // own validation logits (whose ranking the calibrated graph must keep).
    let before: Vec<f32> = booster.logits(&b_val).iter().map(|&z| z as f32).collect();
    let part = Part { model: PartModel::Trees(booster.clone()), selected: val_logits.clone(), shipped: before.clone() };
    let (mut calibration, mut test_uncalibrated) = (None, None);
    if opts.calibrate {
        let uncalibrated = ConvertedRuntime::load(&onnx::encode(&export::model(&booster, n, metadata)), n, export::OUTPUT)?;
        test_uncalibrated = Some(Metrics::compute(&d.y_test, &uncalibrated.predict(&d.raw_test)?, opts.threshold));
        calibration = Some(calibrate_booster(&mut booster, &val_logits, &d.y_val)?);
    }
    let graph = onnx::encode(&export::model(&booster, n, metadata));
    let light = ConvertedRuntime::load(&graph, n, export::OUTPUT)?;
    if calibration.is_some() {
        super::check_ranking(&d.y_val, &before, &light.predict(&d.raw_val)?)?;
    }
    let p_test = light.predict(&d.raw_test)?;
    let leaves: usize = booster.trees.iter().map(|t| t.leaves()).sum();
    Ok(Candidate {
        family: Family::Gbdt,
        input: export::INPUT.into(),
        output: export::OUTPUT.into(),
        p_train: light.predict(&d.raw_train)?,
        parity: Parity {
            max_abs_diff_burn_vs_tract: None,
            max_abs_diff_light_vs_tract: Some(tract_parity(&graph, n, export::OUTPUT, &d.raw_test, &p_test)?),
        },
        p_test,
        graph,
        validation,
        calibration,
        test_uncalibrated,
        settings: serde_json::json!({ "gbdt": params, "trees": booster.trees.len(), "leaves": leaves }),
        chosen: selected.best_rounds,
        run: selected.rounds_run,
        member_chosen: vec![],
        rows_per_second: vec![],
        seconds,
        part: Some(part),
        privacy: None,
    })
}

/// The trees boosted again on the whole training part, `rounds` of them.
fn refit(
    opts: &FitOptions,
    params: &gbdt::GbdtParams,
    rounds: usize,
    (cuts, monotone): (&[bins::Cuts], &[i8]),
    d: &Parts,
) -> Result<Booster> {
    let q = gbdt::GbdtParams { rounds, ..params.clone() }.check()?;
    if !opts.progress {
        eprintln!("trees: refit on the whole training part ({} rows) for {rounds} trees", d.y_train.len());
    }
    let train = Rows { binned: &Binned::new(cuts, &d.raw_train), labels: &d.y_train };
    Ok(gbdt::train(&q, cuts, monotone, train, None, |_| {})?.booster)
}

/// Boosts on the fit rows, the number of trees chosen on the validation rows (`b_val`), with a
/// progress bar, or without one (no terminal, or --quiet) a line every 100 trees as the network
/// prints its epochs.
fn select(
    opts: &FitOptions,
    p: &gbdt::ValidGbdtParams,
    (cuts, monotone): (&[bins::Cuts], &[i8]),
    d: &Parts,
    b_val: &Binned,
) -> Result<gbdt::Boosted> {
    let bar = super::progress_bar(opts, "trees [{bar:30}] {pos}/{len} {msg}");
    bar.set_length(p.get().rounds as u64);
    let report = |r: gbdt::Round| {
        bar.set_position(r.round as u64);
        bar.set_message(format!("val AUC {:.4}  log loss {:.4}", r.val_auc, r.val_log_loss));
        if !opts.progress && (r.round == 1 || r.round.is_multiple_of(100)) {
            eprintln!("trees {:>5}  val AUC {:.4}  log loss {:.4}  leaves {}", r.round, r.val_auc, r.val_log_loss, r.leaves);
        }
    };
    let (fit, validation) = (Rows { binned: &Binned::new(cuts, &d.raw_fit), labels: &d.y_fit }, Rows { binned: b_val, labels: &d.y_val });
    let selected = gbdt::train(p, cuts, monotone, fit, Some(validation), report)?;
    bar.finish_and_clear();
    Ok(selected)
}

/// The probability of a logit, as the trees' and the blend's validation figures are computed.
pub(super) fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Platt scaling fitted on the selected trees' validation logits, folded into `booster`.
fn calibrate_booster(booster: &mut Booster, val_logits: &[f32], y_val: &[u8]) -> Result<Platt> {
    let platt = Platt::fit(val_logits, y_val)?;
    booster.scale(platt.scale, platt.shift);
    Ok(platt)
}

/// Largest |light − tract| over the first [`PARITY_ROWS`] test rows of `output`; tract refusing
/// the graph is an error (every runtime the bundle names must run it).
pub(super) fn tract_parity(graph: &[u8], n: usize, output: &str, raw_test: &Matrix, p_test: &[f32]) -> Result<f64> {
    let rows: Vec<usize> = (0..raw_test.rows().min(PARITY_ROWS)).collect();
    let tract = TractRuntime::load_output(graph, n, Some(output))?.predict(&raw_test.select(&rows))?;
    let worst = tract.iter().zip(p_test).map(|(a, b)| f64::from((a - b).abs())).fold(0.0, f64::max);
    if worst > 1e-5 {
        return Err(Error::Usage(format!("the graph scores differently on tract and the light runtime (up to {worst:e})")));
    }
    Ok(worst)
}
