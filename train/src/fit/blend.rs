//! The blend candidate of `fit`: the mean of the network's and the trees' logits, in one graph
//! ([`graph::build_blend`]). Its validation figures are the selected models' mean logits
//! there (as each family's are its selected model's); Platt scaling is fitted on those and
//! folded into both halves: the network's last layer and the trees' leaves each take half the
//! scale, the network the shift. Its figures are the light runtime's on the written graph, and
//! tract must agree on the first test rows.

use advisor_core::bundle::Parity;
use advisor_core::calibrate::Platt;
use advisor_core::graph;
use advisor_core::metrics::Metrics;
use advisor_core::network::Mlp;
use advisor_core::onnx;
use advisor_core::preprocess::Preprocessor;
use advisor_core::runtime::{self, Runtime};

use super::{trees, Candidate, Family, FitOptions, PartModel, Parts};
use crate::error::{Error, Result};
use crate::gbdt::{export, Booster};

/// The blend of a network candidate and a trees candidate (each with its [`Part`]).
pub(super) fn candidate(
    opts: &FitOptions,
    d: &Parts,
    pre: &Preprocessor,
    metadata: &[(&str, &str)],
    (net, tree): (&Candidate, &Candidate),
) -> Result<Candidate> {
    let (Some(n_part), Some(t_part)) = (&net.part, &tree.part) else {
        return Err(Error::Usage("a blend needs a network and trees".into()));
    };
    let (PartModel::Network(mlp), PartModel::Trees(booster)) = (&n_part.model, &t_part.model) else {
        return Err(Error::Usage("a blend needs a network and trees".into()));
    };
    let mean_of = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| (x + y) / 2.0).collect::<Vec<f32>>();
    // Selected models: the validation figures and the calibration; shipped ones: the ranking check.
    let (mean, shipped) = (mean_of(&n_part.selected, &t_part.selected), mean_of(&n_part.shipped, &t_part.shipped));
    let validation = Metrics::compute(&d.y_val, &mean.iter().map(|&z| trees::sigmoid(z)).collect::<Vec<_>>(), opts.threshold);
    let n = pre.inputs.len();
    let (calibration, test_uncalibrated) = if opts.calibrate {
        let uncalibrated = scored(opts, pre, metadata, (mlp, booster), Platt { scale: 1.0, shift: 0.0 })?;
        (Some(Platt::fit(&mean, &d.y_val)?), Some(Metrics::compute(&d.y_test, &uncalibrated.predict(&d.raw_test)?, opts.threshold)))
    } else {
        (None, None)
    };
    let platt = calibration.unwrap_or(Platt { scale: 1.0, shift: 0.0 });
    let graph = blend_graph(opts, pre, metadata, (mlp, booster), platt)?;
    let light = runtime::light(&graph, n, Some(graph::OUTPUT), Some(pre), None)?;
    if calibration.is_some() {
        super::check_ranking(&d.y_val, &shipped, &light.predict(&d.raw_val)?)?;
    }
    let p_test = light.predict(&d.raw_test)?;
    let parity = trees::tract_parity(&graph, n, graph::OUTPUT, &d.raw_test, &p_test)?;
    Ok(Candidate {
        family: Family::Blend,
        input: graph::INPUT.into(),
        output: graph::OUTPUT.into(),
        p_train: light.predict(&d.raw_train)?,
        p_test,
        graph,
        validation,
        calibration,
        test_uncalibrated,
        parity: Parity { max_abs_diff_burn_vs_tract: None, max_abs_diff_light_vs_tract: Some(parity) },
        settings: serde_json::json!({ "network": net.settings, "trees": tree.settings }),
        chosen: net.chosen,
        run: net.run,
        member_chosen: net.member_chosen.clone(),
        rows_per_second: net.rows_per_second.clone(),
        seconds: net.seconds + tree.seconds,
        part: None,
        privacy: None,
    })
}

/// The blend's graph with `platt` applied to the mean logit: half its scale into each model,
/// its shift into the network.
fn blend_graph(
    opts: &FitOptions,
    pre: &Preprocessor,
    metadata: &[(&str, &str)],
    (mlp, booster): (&Mlp, &Booster),
    platt: Platt,
) -> Result<Vec<u8>> {
    let (mut mlp, mut booster) = (mlp.clone(), booster.clone());
    Platt { scale: platt.scale / 2.0, shift: platt.shift }.fold_into(&mut mlp)?;
    booster.scale(platt.scale / 2.0, 0.0);
    let node = export::margin_node(&booster, pre.inputs.len());
    Ok(onnx::encode(&graph::build_blend(pre, &mlp, opts.weights, &node, metadata)))
}

/// The blend's graph with `platt`, on the light runtime.
fn scored(
    opts: &FitOptions,
    pre: &Preprocessor,
    metadata: &[(&str, &str)],
    models: (&Mlp, &Booster),
    platt: Platt,
) -> Result<Box<dyn Runtime>> {
    let graph = blend_graph(opts, pre, metadata, models, platt)?;
    Ok(runtime::light(&graph, pre.inputs.len(), Some(graph::OUTPUT), Some(pre), None)?)
}
