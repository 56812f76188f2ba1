//! The light runtime against tract, and the reasons and what-if advice it serves.

use advisor_core::advisor::Advisor;
use advisor_core::bundle::{sha256_hex, Bundle, GRAPH_FILE, MANIFEST_FILE};
use advisor_core::lang::Lang;
use advisor_core::matrix::Matrix;
use advisor_core::network::Precision;
use advisor_core::onnx;
use advisor_tests::{checks, data, shipped, spec};
use advisor_train::data::{read_csv, read_spec, MissingLabel};
use advisor_train::fit::{fit, Family, FitOptions, ModelChoice};

fn rows(name: &str) -> Matrix {
    read_csv(&data(name), &read_spec(&spec(name)).unwrap(), MissingLabel::Drop).unwrap().raw
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

#[test]
fn light_and_tract_agree_on_every_german_row() {
    let (m, g) = shipped();
    let light = Bundle::load(&m, &g).unwrap();
    let tract = Bundle::load_tract(&m, &g).unwrap();
    assert_eq!(light.runtime().name(), "light");
    assert_eq!(tract.runtime().name(), "tract");
    let raw = rows("german_credit");
    let d = max_diff(&light.predict(&raw).unwrap(), &tract.predict(&raw).unwrap());
    eprintln!("german_credit, 1000 rows: max |light − tract| = {d:e}");
    assert!(d <= 1e-6, "max |light − tract| = {d}");
    // Row by row (the single-row path) gives the same numbers as the batch.
    let batch = light.predict(&raw).unwrap();
    for (i, r) in raw.iter_rows().enumerate().step_by(37) {
        let one = light.predict(&Matrix::new(r.to_vec(), r.len()).unwrap()).unwrap()[0];
        assert_eq!(one, batch[i], "row {i}");
    }
}

/// Fits `dataset` for one epoch with `members` networks; the bundle loaded by the light
/// runtime and by tract, and its graph bytes.
fn fit_one_epoch(dataset: &str, members: usize) -> (Bundle, Bundle, Vec<u8>) {
    fit_one_epoch_with(dataset, members, Precision::default())
}

fn fit_one_epoch_with(dataset: &str, members: usize, weights: Precision) -> (Bundle, Bundle, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let mut o = FitOptions::new(spec(dataset), data(dataset), dir.path());
    o.model = ModelChoice::Only(Family::Mlp);
    o.train.epochs = 1;
    o.members = members;
    o.weights = weights;
    o.progress = false;
    fit(&o).unwrap();
    let m = std::fs::read(dir.path().join(MANIFEST_FILE)).unwrap();
    let g = std::fs::read(dir.path().join(GRAPH_FILE)).unwrap();
    let light = Bundle::load(&m, &g).unwrap();
    assert_eq!(light.runtime().name(), "light");
    (light, Bundle::load_tract(&m, &g).unwrap(), g)
}

/// The weights are stored as asked: f16 is the f32 network rounded, in half the
/// bytes, and every runtime scores exactly what is stored; the manifest records which.
#[test]
fn f16_weights_are_the_f32_network_rounded_and_every_runtime_agrees() {
    let (light16, tract16, g16) = fit_one_epoch_with("german_credit", 1, Precision::F16);
    let (light32, tract32, g32) = fit_one_epoch_with("german_credit", 1, Precision::F32);
    let weights = |g: &[u8]| {
        onnx::decode(g).unwrap().graph.unwrap().initializer.into_iter().filter(|t| t.name.ends_with("_weight")).collect::<Vec<_>>()
    };
    let (w16, w32) = (weights(&g16), weights(&g32));
    assert_eq!(w16.len(), w32.len());
    let (last16, last32) = (w16.last().unwrap(), w32.last().unwrap());
    assert_eq!((last16.data_type, last32.data_type), (onnx::FLOAT, onnx::FLOAT), "the last layer (calibration folded in) stays f32");
    for (a, b) in w16.iter().zip(&w32).take(w16.len() - 1) {
        assert_eq!((a.data_type, b.data_type), (onnx::FLOAT16, onnx::FLOAT), "{}", a.name);
        assert_eq!(a.raw_data.len() * 2, b.raw_data.len(), "{}", a.name);
        let rounded: Vec<f32> = b.to_f32().unwrap().iter().map(|&w| Precision::F16.round(w)).collect();
        assert_eq!(a.half_values().unwrap(), rounded, "{}: the f16 weights are the f32 network's, rounded", a.name);
    }
    assert!(g16.len() * 10 < g32.len() * 6, "f16 graph {} B vs f32 {} B", g16.len(), g32.len());
    let raw = rows("german_credit");
    for (light, tract, w) in [(&light16, &tract16, Precision::F16), (&light32, &tract32, Precision::F32)] {
        assert_eq!(light.runtime().name(), "light", "{w:?}: the light runtime reads its own graphs in either precision");
        assert_eq!(light.manifest().training().unwrap().weights, w);
        let d = max_diff(&light.predict(&raw).unwrap(), &tract.predict(&raw).unwrap());
        assert!(d <= 1e-6, "{w:?}: max |light − tract| = {d}");
    }
    let d = max_diff(&light16.predict(&raw).unwrap(), &light32.predict(&raw).unwrap());
    eprintln!("german_credit, one epoch: max |p(f16) − p(f32)| = {d:e}");
    assert!(d > 0.0 && d < 1e-2, "rounding moves probabilities a little: {d}");
}

/// int8 weights: steps with a power-of-two scale per column, the f32 network rounded per column
/// (every weight within half a step of it), a quarter of the bytes, and every runtime scores
/// exactly what is stored.
#[test]
fn int8_weights_are_the_f32_network_rounded_per_column_and_every_runtime_agrees() {
    let (light8, tract8, g8) = fit_one_epoch_with("german_credit", 1, Precision::Int8);
    let (_, _, g32) = fit_one_epoch_with("german_credit", 1, Precision::F32);
    let inits = |g: &[u8]| onnx::decode(g).unwrap().graph.unwrap().initializer;
    let (i8s, i32s) = (inits(&g8), inits(&g32));
    let find = |v: &[onnx::TensorProto], n: &str| v.iter().find(|t| t.name == n).cloned().unwrap();
    for layer in 0..2 {
        let (steps, f32w) = (find(&i8s, &format!("dense{layer}_weight")), find(&i32s, &format!("dense{layer}_weight")));
        assert_eq!(steps.data_type, onnx::INT8);
        let (q, scales, w) =
            (steps.int8_values().unwrap(), find(&i8s, &format!("dense{layer}_scale")).to_f32().unwrap(), f32w.to_f32().unwrap());
        let n = scales.len();
        assert!(scales.iter().all(|s| s.log2().fract() == 0.0), "power-of-two scales");
        for (k, (&q, &w)) in q.iter().zip(&w).enumerate() {
            assert!((q as f32 * scales[k % n] - w).abs() <= scales[k % n] / 2.0 + 1e-12, "layer {layer} weight {k}");
        }
    }
    assert_eq!(find(&i8s, "dense2_weight").data_type, onnx::FLOAT, "the last layer stays f32");
    assert!(g8.len() * 10 < g32.len() * 4, "int8 graph {} B vs f32 {} B", g8.len(), g32.len());
    assert_eq!(light8.runtime().name(), "light", "the light runtime reads its own int8 graphs");
    assert_eq!(light8.manifest().training().unwrap().weights, Precision::Int8);
    let raw = rows("german_credit");
    let d = max_diff(&light8.predict(&raw).unwrap(), &tract8.predict(&raw).unwrap());
    assert!(d <= 1e-6, "int8: max |light − tract| = {d}");
}

/// give_me_some_credit has missing values: the NaN paths (impute, indicators) agree too.
#[test]
fn light_and_tract_agree_with_missing_values() {
    let (light, tract, _) = fit_one_epoch("give_me_some_credit", 1);
    let raw = rows("give_me_some_credit");
    assert!(raw.as_slice().iter().any(|v| v.is_nan()));
    let d = max_diff(&light.predict(&raw).unwrap(), &tract.predict(&raw).unwrap());
    eprintln!("give_me_some_credit, {} rows: max |light − tract| = {d:e}", raw.rows());
    assert!(d <= 1e-6, "max |light − tract| over {} rows = {d}", raw.rows());
}

/// bank_marketing's spec crosses month × day; fitted as an ensemble of two networks. The graph
/// (tract), the light runtime and the encoding agree, with missing values, a pair never seen in
/// training and a non-integer day among the rows.
#[test]
fn crosses_and_ensembles_agree_across_runtimes() {
    let (light, tract, g) = fit_one_epoch("bank_marketing", 2);
    let pre = &light.manifest().preprocessing;
    assert_eq!(pre.crosses.len(), 1);
    assert_eq!(pre.crosses[0].columns, ["month".to_string(), "day".to_string()]);
    let kept = &pre.crosses[0].kept;
    assert!(kept.len() > 50 && kept.len() < 31 * 12, "{} month × day pairs kept", kept.len());
    // Two members of 128 and 64 units side by side.
    let width = pre.layout().width();
    let graph = onnx::decode(&g).unwrap().graph.unwrap();
    let dims = |name: &str| graph.initializer.iter().find(|t| t.name == name).unwrap().dims.clone();
    assert_eq!((dims("dense0_weight"), dims("dense1_weight")), (vec![width as i64, 256], vec![256, 128]));
    assert_eq!(light.manifest().training().unwrap().members, 2);

    let spec = light.spec().clone();
    let [month, day] = spec.crosses()[0];
    let sample = rows("bank_marketing").select(&(0..45_211).step_by(9).collect::<Vec<_>>());
    let cols = sample.cols();
    let mut values = sample.as_slice().to_vec();
    let unseen = (0..12).flat_map(|mo| (1..=31).map(move |d| [mo as f32, d as f32])).find(|p| !kept.contains(p)).unwrap();
    for (r, row) in values.chunks_exact_mut(cols).enumerate() {
        match r % 5 {
            0 => row[month] = f32::NAN,
            1 => row[day] = f32::NAN,
            2 => (row[month], row[day]) = (unseen[0], unseen[1]),
            3 => row[day] = 15.5,
            _ => {}
        }
    }
    let raw = Matrix::new(values, cols).unwrap();
    let d = max_diff(&light.predict(&raw).unwrap(), &tract.predict(&raw).unwrap());
    eprintln!("bank_marketing with a cross, {} rows: max |light − tract| = {d:e}", raw.rows());
    assert!(d <= 1e-6, "max |light − tract| = {d}");
    // Every row but the kept pairs lands in the cross's unknown bucket (the last output).
    let mut out = vec![0.0; width];
    for row in raw.iter_rows().take(10) {
        pre.transform_row(row, &mut out);
        let pair = [row[month], row[day]];
        assert_eq!(out[width - 1], if kept.contains(&pair) { 0.0 } else { 1.0 }, "{pair:?}");
    }
}

/// A graph that is not exactly what the manifest's preprocessing and its weights rebuild is never
/// run by the light runtime: it goes to tract, which runs what the graph says.
#[test]
fn an_altered_graph_is_left_to_tract() {
    let (m, g) = shipped();
    let mut model = onnx::decode(&g).unwrap();
    let graph = model.graph.as_mut().unwrap();
    let fill = graph.initializer.iter_mut().find(|t| t.name == "fill").unwrap();
    let mut v = fill.to_f32().unwrap();
    v[1] += 5.0;
    *fill = onnx::TensorProto::floats("fill", &[v.len()], &v);
    let altered = onnx::encode(&model);
    let mut manifest: serde_json::Value = serde_json::from_slice(&m).unwrap();
    manifest["graph"]["sha256"] = sha256_hex(&altered).into();
    let b = Bundle::load(&serde_json::to_vec(&manifest).unwrap(), &altered).unwrap();
    assert_eq!(b.runtime().name(), "tract");
}

#[test]
fn reasons_are_the_costliest_scored_factors() {
    let (m, g) = shipped();
    let with_reasons = checks::reasons_are_the_costliest_scored_factors(&Advisor::load(&m, &g).unwrap(), &rows("german_credit"));
    assert!(with_reasons > 500, "only {with_reasons} of 1000 rows have reasons");
}

#[test]
fn what_if_changes_reach_the_next_band_and_respect_directions() {
    let (m, g) = shipped();
    let advised = checks::what_if_changes_reach_the_target_and_respect_directions(&Advisor::load(&m, &g).unwrap(), &rows("german_credit"));
    assert!(advised > 20, "only {advised} applicants got advice");
}

/// Values beyond where a number's encoding varies score as its end, so what-if searches only
/// between the ends: an applicant far outside the training range (numbers at 80 % of the
/// spec's bounds, a loan of 800,000 DM) gets advice at the range's own resolution, and no
/// advice is a value beyond it (which scores as the end, a smaller change, does).
#[test]
fn what_if_searches_only_where_the_encoding_varies() {
    let (m, g) = shipped();
    let adv = Advisor::load(&m, &g).unwrap();
    let cols: Vec<_> = adv.bundle().spec().features().cloned().collect();
    let pre = &adv.bundle().manifest().preprocessing;
    let mut far = rows("german_credit");
    for r in 0..far.rows() {
        for (j, c) in cols.iter().enumerate().filter(|(_, c)| !c.is_categorical()) {
            let (lo, hi) = (c.min.unwrap() as f32, c.max.unwrap() as f32);
            far.row_mut(r)[j] = (lo + (hi - lo) * 0.8).round();
        }
    }
    assert!(checks::what_if_changes_reach_the_target_and_respect_directions(&adv, &far) > 70);
    let mut numbers = 0;
    for r in far.iter_rows().step_by(5) {
        let w = adv.what_if(r, Lang::En).unwrap();
        for c in w.changes.iter().chain(&w.improvements) {
            let j = cols.iter().position(|col| col.name == c.field).unwrap();
            let Some((lo, hi)) = pre.varying_range(j) else { continue };
            let v = c.value.as_f64().unwrap() as f32;
            assert!(v >= lo.floor() && v <= hi.ceil(), "{}: {v} outside {lo}..{hi}", c.field);
            numbers += 1;
        }
    }
    assert!(numbers > 50, "{numbers} numbers advised");
}

/// Reason codes score each row with one feature changed: the light runtime does only the
/// changed inputs' share of the first layer; its answers are the whole rows' (and tract's).
#[test]
fn variants_of_rows_score_as_the_whole_rows() {
    let (m, g) = shipped();
    let light = Bundle::load(&m, &g).unwrap();
    let tract = Bundle::load_tract(&m, &g).unwrap();
    let raw = rows("german_credit");
    let n = raw.cols();
    let variants: Vec<(usize, usize, f32)> =
        (0..raw.rows()).flat_map(|r| (0..n).map(move |i| (r, i, if i % 2 == 0 { f32::NAN } else { ((r * 7 + i) % 4) as f32 }))).collect();
    let fast = light.runtime().predict_variants(&raw, &variants).unwrap();
    let mut whole = Matrix::with_capacity(raw.rows() + variants.len(), n);
    raw.iter_rows().for_each(|r| whole.push_row(r));
    for (k, &(r, i, v)) in variants.iter().enumerate() {
        whole.push_row(raw.row(r));
        whole.row_mut(raw.rows() + k)[i] = v;
    }
    assert_eq!(fast.len(), raw.rows() + variants.len());
    assert!(max_diff(&fast, &light.predict(&whole).unwrap()) < 1e-6);
    // The rows themselves come from their prepared first layer: predict's figures to the bit,
    // and those of rows without variants too.
    let plain = light.predict(&raw).unwrap();
    assert_eq!(fast[..raw.rows()], plain[..]);
    let some: Vec<(usize, usize, f32)> = variants.iter().copied().filter(|v| v.0 % 3 == 1).collect();
    let partly = light.runtime().predict_variants(&raw, &some).unwrap();
    assert_eq!(partly[..raw.rows()], plain[..]);
    assert_eq!(partly.len(), raw.rows() + some.len());
    assert!(max_diff(&fast, &tract.runtime().predict_variants(&raw, &variants).unwrap()) < 1e-5);
    assert!(light.runtime().predict_variants(&raw, &[(raw.rows(), 0, 1.0)]).is_err(), "a row out of range is an error");
    // What-if's values of one input go the same way.
    let values = [f32::NAN, 0.0, 1.0, 2.0, 3.0, 250.0];
    for (r, i) in [(0, 0), (3, 4), (10, n - 1)] {
        let fast = light.runtime().predict_values(raw.row(r), i, &values).unwrap();
        let whole = light.predict(&advisor_core::runtime::value_rows(raw.row(r), i, &values).unwrap()).unwrap();
        assert!(max_diff(&fast, &whole) < 1e-6, "row {r}, input {i}");
    }
    assert!(light.runtime().predict_values(raw.row(0), n, &values).is_err(), "an input out of range is an error");
}

/// Over every German row (the test rows among them): every change and partial improvement the
/// what-if suggests is one the spec allows — never "no checking account" or "unknown savings".
#[test]
fn every_suggestion_over_the_german_rows_is_one_the_spec_allows() {
    let (m, g) = shipped();
    let adv = Advisor::load(&m, &g).unwrap();
    let cols: Vec<_> = adv.bundle().spec().features().cloned().collect();
    let raw = rows("german_credit");
    let mut checked = 0;
    for (i, r) in raw.iter_rows().enumerate() {
        let w = adv.what_if(r, Lang::En).unwrap();
        for c in w.changes.iter().chain(&w.improvements) {
            let f = cols.iter().position(|col| col.name == c.field).unwrap();
            let to = match &c.value {
                serde_json::Value::String(s) => cols[f].category_code(s).unwrap() as f32,
                v => v.as_f64().unwrap() as f32,
            };
            checks::assert_allowed(&cols[f], r[f], to, &format!("row {i}"));
            assert!(!matches!(c.value.as_str(), Some("A14" | "A65")), "row {i}: {c:?}");
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} suggestions over {} rows", raw.rows());
    eprintln!("{checked} suggestions over {} rows, all allowed", raw.rows());
}
