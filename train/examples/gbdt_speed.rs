//! Time to boost a fixed number of trees on a file's fit rows (the protocol's split, seed 42),
//! one thread, without early stopping: the figure `scripts/bench-gbdt.sh` sets beside LightGBM's
//! on the same rows with the same settings (`benches/reference/lightgbm_speed.py`); and the
//! bytes of those trees as the bundle's `model.onnx` (raw and gzip -9).
//!
//!     cargo run --release -p advisor-train --example gbdt_speed -- SPEC DATA TREES

use std::path::Path;
use std::time::Instant;

use advisor_train::data::{read_csv, read_spec, MissingLabel};
use advisor_train::gbdt::{self, bins, GbdtParams, Rows};

fn main() -> advisor_train::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec, data, trees] = &args[..] else {
        eprintln!("usage: gbdt_speed SPEC DATA TREES");
        std::process::exit(2);
    };
    let spec = read_spec(Path::new(spec))?;
    let ds = read_csv(Path::new(data), &spec, MissingLabel::Error)?;
    let parts = advisor_train::split::protocol(&ds.labels, 0.2, 0.2, 42);
    let raw = ds.raw.select(&parts.fit);
    let y: Vec<u8> = parts.fit.iter().map(|&i| ds.labels[i]).collect();
    let rounds: usize = trees.parse().map_err(|_| advisor_train::Error::Usage(format!("TREES `{trees}` is not a number")))?;
    let p = GbdtParams { rounds, ..GbdtParams::default() }.check()?;
    let t0 = Instant::now();
    let cuts = bins::fit(&raw, &gbdt::categories(&spec), p.get().max_bins)?;
    let binned = bins::Binned::new(&cuts, &raw);
    let binning = t0.elapsed().as_secs_f64();
    let boosted = gbdt::train(&p, &cuts, &vec![0; cuts.len()], Rows { binned: &binned, labels: &y }, None, |_| {})?;
    let total = t0.elapsed().as_secs_f64();
    let leaves: usize = boosted.booster.trees.iter().map(|t| t.leaves()).sum();
    println!(
        "advisor gbdt, 1 thread: {} rows, {} trees, {leaves} leaves: {total:.3} s (binning {binning:.3} s)",
        y.len(),
        boosted.booster.trees.len()
    );
    let graph = advisor_core::onnx::encode(&gbdt::export::model(&boosted.booster, spec.n_features(), &[]));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let gzip_error = |e: std::io::Error| advisor_train::Error::Usage(format!("gzip: {e}"));
    std::io::Write::write_all(&mut gz, &graph).map_err(gzip_error)?;
    let gzipped = gz.finish().map_err(gzip_error)?.len();
    println!("model.onnx of {} trees, {leaves} leaves: {} B raw, {gzipped} B gzip -9", boosted.booster.trees.len(), graph.len());
    Ok(())
}
