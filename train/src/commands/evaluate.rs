//! `evaluate`: a bundle's metrics on a labelled file, and the metrics table as printed.

use std::path::Path;

use advisor_core::metrics::{self, Metrics};

use crate::bundle_dir;
use crate::data::{self, MissingLabel};
use crate::error::Result;

/// A bundle's metrics on a labelled file, with the 95 % interval of its AUC.
pub struct Evaluation {
    pub metrics: Metrics,
    pub auc_interval: Option<(f64, f64)>,
}

/// Loads a bundle and scores a labelled file against it.
pub fn evaluate(model: &Path, spec: Option<&Path>, data: &Path, threshold: Option<f64>) -> Result<Evaluation> {
    let bundle = bundle_dir::load(model)?;
    let spec = match spec {
        Some(path) => data::read_spec_matching(path, bundle.spec())?,
        None => bundle.spec().clone(),
    };
    let ds = data::read_csv(data, &spec, MissingLabel::Error)?;
    let probs = bundle.predict(&ds.raw)?;
    let threshold = match threshold {
        Some(t) => t,
        None => bundle.manifest().metrics()?.threshold,
    };
    Ok(Evaluation { metrics: Metrics::compute(&ds.labels, &probs, threshold), auc_interval: metrics::auc_interval(&ds.labels, &probs) })
}

/// The line printed under the table: the AUC of `part` with its 95 % interval.
pub fn interval_line(part: &str, m: &Metrics, interval: Option<(f64, f64)>) -> String {
    match interval {
        Some((lo, hi)) => format!(
            "{part} AUC {:.4}, 95% interval {lo:.4}–{hi:.4} (DeLong; {} rows, {} positive): how far the luck of these rows alone can move it\n",
            m.auc, m.rows, m.positives
        ),
        None => String::new(),
    }
}

/// The metrics table as printed.
pub fn table(rows: &[(&str, &Metrics)]) -> String {
    let mut s = format!(
        "{:<11}{:>8}{:>8}{:>8}{:>8}{:>9}{:>9}{:>10}{:>8}\n",
        "part", "rows", "AUC", "KS", "Gini", "Brier", "logloss", "accuracy", "ECE"
    );
    for (name, m) in rows {
        s += &format!(
            "{:<11}{:>8}{:>8.4}{:>8.4}{:>8.4}{:>9.4}{:>9.4}{:>10.4}{:>8.4}\n",
            name, m.rows, m.auc, m.ks, m.gini, m.brier, m.log_loss, m.accuracy, m.ece
        );
    }
    s
}
