//! Writes the browser parity fixture, scored natively with tract:
//! - `german`: every test row of german_credit (the shipped bundle's own split) as an applicant
//!   object, with its probability, score and band;
//! - `crossed`: a bundle fitted here on bank_marketing (its spec's month × day cross, two
//!   networks as one), its bytes, and test rows as applicants — a third of them moved to a
//!   (month, day) pair the cross did not keep;
//! - `blend`: a blend of the network and the trees fitted here on german_credit
//!   (`--model blend`), its bytes, and its test rows as applicants.
//!
//! `cargo run -p advisor-tests --bin parity-fixture -- OUT.json` (scripts/test.sh runs it before
//! the browser tests, which embed OUT.json at build time via `ADVISOR_PARITY_FIXTURE`).

use advisor_core::bundle::{Bundle, GRAPH_FILE, MANIFEST_FILE};
use advisor_core::matrix::Matrix;
use advisor_core::schema::Spec;
use advisor_tests::{data, repo, spec};
use advisor_train::data::{read_csv, read_spec, MissingLabel};
use advisor_train::fit::{fit, FitOptions};
use advisor_train::split;
use serde_json::{json, Value};

/// The test rows of `dataset` under `bundle`'s own split.
fn test_rows(bundle: &Bundle, dataset: &str) -> (Spec, Matrix) {
    let training = bundle.manifest().training().expect("training record");
    let (seed, test_size) = (training.split_seed, training.test_size);
    let spec = read_spec(&spec(dataset)).expect("spec");
    let ds = read_csv(&data(dataset), &spec, MissingLabel::Error).expect("data");
    let (_, test) = split::stratified(&ds.labels, test_size, seed);
    (spec, ds.raw.select(&test))
}

/// Each row as an applicant object with its native probability, score and band.
fn applicants(bundle: &Bundle, spec: &Spec, rows: &Matrix) -> Vec<Value> {
    let probs = bundle.predict(rows).expect("predict");
    let features: Vec<_> = spec.features().collect();
    rows.iter_rows()
        .zip(&probs)
        .map(|(raw, &p)| {
            let applicant: serde_json::Map<String, Value> =
                features.iter().zip(raw).map(|(c, &v)| (c.name.clone(), advisor_core::applicant::json_value(c, v))).collect();
            let a = bundle.assess(p as f64);
            json!({"applicant": applicant, "probability": p, "score": a.score, "band": a.band.name})
        })
        .collect()
}

fn german() -> Vec<Value> {
    let dir = repo().join("models/german_credit");
    let bundle = Bundle::load_tract(&std::fs::read(dir.join(MANIFEST_FILE)).unwrap(), &std::fs::read(dir.join(GRAPH_FILE)).unwrap())
        .expect("the shipped bundle loads on tract");
    let (spec, rows) = test_rows(&bundle, "german_credit");
    applicants(&bundle, &spec, &rows)
}

fn crossed() -> Value {
    let dir = std::env::temp_dir().join(format!("advisor-parity-crossed-{}", std::process::id()));
    let mut o = FitOptions::new(spec("bank_marketing"), data("bank_marketing"), &dir);
    // The network: the cross and two members as one are what this fixture checks.
    o.model = advisor_train::fit::ModelChoice::Only(advisor_train::fit::Family::Mlp);
    o.train.epochs = 1;
    o.members = 2;
    let (manifest, graph, bundle) = fitted(&o);
    let (spec, test) = test_rows(&bundle, "bank_marketing");
    let cross = &bundle.manifest().preprocessing.crosses[0];
    let [month, day] = cross.inputs;
    let unseen =
        (0..12).flat_map(|m| (1..=31).map(move |d| [m as f32, d as f32])).find(|p| !cross.kept.contains(p)).expect("a pair not kept");
    let mut values = test.select(&(0..test.rows()).step_by(30).collect::<Vec<_>>()).into_vec();
    let cols = test.cols();
    for row in values.chunks_exact_mut(cols).step_by(3) {
        (row[month], row[day]) = (unseen[0], unseen[1]);
    }
    let rows = Matrix::new(values, cols).unwrap();
    bundle_json(manifest, &graph, applicants(&bundle, &spec, &rows))
}

/// A fitted bundle in `dir` (removed after): its bytes, and the bundle on tract.
fn fitted(o: &FitOptions) -> (Vec<u8>, Vec<u8>, Bundle) {
    fit(o).expect("fit");
    let (manifest, graph) = (std::fs::read(o.out.join(MANIFEST_FILE)).unwrap(), std::fs::read(o.out.join(GRAPH_FILE)).unwrap());
    std::fs::remove_dir_all(&o.out).ok();
    let bundle = Bundle::load_tract(&manifest, &graph).expect("loads on tract");
    (manifest, graph, bundle)
}

fn bundle_json(manifest: Vec<u8>, graph: &[u8], rows: Vec<Value>) -> Value {
    let hex: String = graph.iter().map(|b| format!("{b:02x}")).collect();
    json!({"manifest": String::from_utf8(manifest).unwrap(), "graph_hex": hex, "rows": rows})
}

fn blend() -> Value {
    let dir = std::env::temp_dir().join(format!("advisor-parity-blend-{}", std::process::id()));
    let mut o = FitOptions::new(spec("german_credit"), data("german_credit"), &dir);
    o.model = advisor_train::fit::ModelChoice::Only(advisor_train::fit::Family::Blend);
    let (manifest, graph, bundle) = fitted(&o);
    let (spec, test) = test_rows(&bundle, "german_credit");
    bundle_json(manifest, &graph, applicants(&bundle, &spec, &test))
}

fn main() {
    let out = std::env::args().nth(1).expect("usage: parity-fixture OUT.json");
    let fixture = json!({"german": german(), "crossed": crossed(), "blend": blend()});
    std::fs::write(&out, serde_json::to_vec(&fixture).unwrap()).expect("write fixture");
    eprintln!(
        "parity fixture: {} german_credit rows, {} crossed bank_marketing rows, {} blend rows → {out}",
        fixture["german"].as_array().unwrap().len(),
        fixture["crossed"]["rows"].as_array().unwrap().len(),
        fixture["blend"]["rows"].as_array().unwrap().len()
    );
}
