//! Replays every saved fuzz input (the seeds and every crash ever found, in
//! fuzz/regressions/TARGET/) through the same checks the fuzz targets run.

#[path = "../../fuzz/src/lib.rs"]
mod fuzz;

use advisor_tests::{repo, shipped};

#[test]
fn saved_fuzz_inputs_replay_without_panics() {
    let mut replayed = 0;
    for (name, check) in fuzz::TARGETS {
        for dir in ["seeds", "regressions"] {
            let Ok(entries) = std::fs::read_dir(repo().join("fuzz").join(dir).join(name)) else { continue };
            for e in entries {
                let path = e.unwrap().path();
                check(&std::fs::read(&path).unwrap());
                replayed += 1;
            }
        }
    }
    // The shipped bundle and spec through the byte-level targets, too.
    let (manifest, graph) = shipped();
    fuzz::manifest(&manifest);
    fuzz::graph(&graph);
    let mut bundle = (manifest.len() as u32).to_le_bytes().to_vec();
    bundle.extend_from_slice(&manifest);
    bundle.extend_from_slice(&graph);
    fuzz::bundle(&bundle);
    fuzz::catalog(&std::fs::read(repo().join("web/catalogs/german_credit.json")).unwrap());
    fuzz::ask(&std::fs::read(repo().join("web/faqs/german_credit.json")).unwrap());
    for e in std::fs::read_dir(repo().join("tests/fixtures/trees")).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "onnx") {
            fuzz::trees(&std::fs::read(&path).unwrap());
            replayed += 1;
        }
    }
    assert!(replayed >= 3, "only {replayed} saved inputs");
}
