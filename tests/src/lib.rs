//! Helpers shared by the cross-crate tests: where the repo and the shared datasets are.

use std::path::PathBuf;

pub mod checks;

/// The workspace root: from cargo's run-time `CARGO_MANIFEST_DIR` (the checkout being tested),
/// else the one this crate was compiled in. (Clones that share one target dir may share this
/// crate's build, and with it a compiled-in path to another checkout.)
pub fn repo() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from).join("..")
}

/// The shipped default bundle (`models/german_credit`): its manifest and graph bytes.
pub fn shipped() -> (Vec<u8>, Vec<u8>) {
    let dir = repo().join("models/german_credit");
    let read = |f: &str| std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(f).display()));
    (read(advisor_core::bundle::MANIFEST_FILE), read(advisor_core::bundle::GRAPH_FILE))
}

/// `../shared/data` beside the repo (override with `ADVISOR_SHARED`).
pub fn shared_data() -> PathBuf {
    std::env::var_os("ADVISOR_SHARED").map(PathBuf::from).unwrap_or_else(|| repo().join("../shared")).join("data")
}

/// The spec file of a dataset in `specs/`.
pub fn spec(name: &str) -> PathBuf {
    repo().join("specs").join(format!("{name}.toml"))
}

/// The data file of a shared dataset.
pub fn data(name: &str) -> PathBuf {
    let d = shared_data();
    match name {
        "german_credit" => d.join("german_credit/german_credit.csv"),
        "give_me_some_credit" => d.join("give_me_some_credit/cs-training.csv.gz"),
        "bank_marketing" => d.join("bank_marketing/bank-full.csv"),
        "australian_credit" => d.join("australian_credit/australian.csv"),
        "bank_marketing_additional" => d.join("bank_marketing_additional/bank-additional-full.csv.gz"),
        other => panic!("no data file known for {other}"),
    }
}

/// Every cell text of every column of a data file (plain or gzip), by header, with its count:
/// read with the trainer's CSV reader, apart from what the code under test computes.
pub fn cell_counts(path: &std::path::Path, delimiter: u8) -> std::collections::HashMap<String, std::collections::HashMap<String, u64>> {
    use advisor_train::data::{csv_reader, header_text, open_bytes};
    let (reader, _) = open_bytes(path).unwrap();
    let mut rdr = csv_reader(reader, delimiter);
    let header: Vec<String> = rdr.headers().unwrap().iter().map(header_text).collect();
    let mut counts: Vec<std::collections::HashMap<String, u64>> = vec![Default::default(); header.len()];
    for record in rdr.records() {
        for (j, cell) in record.unwrap().iter().enumerate() {
            *counts[j].entry(cell.trim_end_matches('\r').to_string()).or_default() += 1;
        }
    }
    header.into_iter().zip(counts).collect()
}
