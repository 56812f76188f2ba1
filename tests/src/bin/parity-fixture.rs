//! Writes the browser parity fixture: every test row of german_credit (the bundle's own split)
//! as an applicant object, with the native (tract) probability and score.
//!
//! `cargo run -p advisor-tests --bin parity-fixture -- OUT.json` (scripts/test.sh runs it before
//! the browser tests, which embed OUT.json at build time via `ADVISOR_PARITY_FIXTURE`).

use advisor_core::bundle::Bundle;
use advisor_tests::{data, repo, spec};
use advisor_train::data::{read_csv, read_spec, MissingLabel};
use advisor_train::split;

fn main() {
    let out = std::env::args().nth(1).expect("usage: parity-fixture OUT.json");
    let dir = repo().join("models/german_credit");
    let manifest = std::fs::read(dir.join("manifest.json")).expect("manifest");
    let graph = std::fs::read(dir.join("model.onnx")).expect("graph");
    let bundle = Bundle::load_tract(&manifest, &graph).expect("bundle loads on tract");
    let training = &bundle.manifest().training;
    let seed = training["split_seed"].as_u64().expect("split_seed");
    let test_size = training["test_size"].as_f64().expect("test_size");
    let spec = read_spec(&spec("german_credit")).expect("spec");
    let ds = read_csv(&data("german_credit"), &spec, MissingLabel::Error).expect("data");
    let (_, test) = split::stratified(&ds.labels, test_size, seed);
    let rows = ds.raw.select(&test);
    let probs = bundle.predict(&rows).expect("predict");
    let features: Vec<_> = spec.features().collect();
    let fixture: Vec<serde_json::Value> = rows
        .iter_rows()
        .zip(&probs)
        .map(|(raw, &p)| {
            let applicant: serde_json::Map<String, serde_json::Value> = features
                .iter()
                .zip(raw)
                .map(|(c, &v)| (c.name.clone(), advisor_core::applicant::json_value(c, v)))
                .collect();
            let a = bundle.assess(p as f64);
            serde_json::json!({"applicant": applicant, "probability": p, "score": a.score, "band": a.band.name})
        })
        .collect();
    std::fs::write(&out, serde_json::to_vec(&fixture).unwrap()).expect("write fixture");
    eprintln!("parity fixture: {} rows → {out}", fixture.len());
}
