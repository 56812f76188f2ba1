//! `split`: which part of a bundle's own split each row of its training file fell in, so other
//! tools can be compared on the same rows.

use std::path::Path;

use advisor_core::bundle::Bundle;
use advisor_core::schema::Spec;

use crate::data::{self, Dataset, MissingLabel};
use crate::error::{Error, Result};
use crate::{bundle_dir, split};

/// Reads the labelled `data` with the spec at `spec_path` (which must match the bundle's) and
/// re-creates the bundle's split of it, from the seed and shares its manifest records.
pub fn bundle_split(bundle: &Bundle, spec_path: &Path, data: &Path) -> Result<(Spec, Dataset, split::Parts)> {
    let spec = data::read_spec_matching(spec_path, bundle.spec())?;
    let ds = data::read_csv(data, &spec, MissingLabel::Error)?;
    let t = bundle.manifest().training()?;
    let parts = split::protocol(&ds.labels, t.test_size, t.validation_size, t.split_seed);
    Ok((spec, ds, parts))
}

/// Writes which part of the bundle's split each row of `data` fell in — `line,part` with part
/// `fit`, `validation` or `test` — so that other tools can be compared on the same rows.
/// Returns the rows in each part.
pub fn write_parts(model: &Path, spec_path: &Path, data: &Path, out: &Path) -> Result<[usize; 3]> {
    let bundle = bundle_dir::load(model)?;
    let (_, ds, parts) = bundle_split(&bundle, spec_path, data)?;
    let mut part = vec![""; ds.lines.len()];
    for (name, idx) in [("fit", &parts.fit), ("validation", &parts.validation), ("test", &parts.test)] {
        for &i in idx {
            part[i] = name;
        }
    }
    let werr = |e: csv::Error| Error::File { path: out.into(), msg: format!("could not write: {e}") };
    let mut w = csv::Writer::from_path(out).map_err(werr)?;
    w.write_record(["line", "part"]).map_err(werr)?;
    for (line, p) in ds.lines.iter().zip(&part) {
        w.write_record([line.to_string().as_str(), p]).map_err(werr)?;
    }
    w.flush().map_err(Error::io(out))?;
    Ok([parts.fit.len(), parts.validation.len(), parts.test.len()])
}
