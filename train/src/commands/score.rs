//! `score` and `psi`: a bundle over a (large) file, streamed in chunks: each row's probability,
//! score, band, decision and reasons; or the population stability index of its scores.

use std::path::Path;

use advisor_core::bundle::Bundle;
use advisor_core::lang::Lang;
use advisor_core::matrix::Matrix;

use crate::bundle_dir;
use crate::data::{self, MissingLabel};
use crate::error::{Error, Result};
use advisor_core::explain::Explained;

/// What a batch score writes beside each row's probability, score, band and decision.
#[derive(Debug, Clone, Default)]
pub struct ScoreOptions {
    /// Add the up-to-four adverse-action reasons (field, text, points) of each row.
    pub reasons: bool,
    /// Language of the reasons' texts (`en` or `zh-CN`).
    pub lang: Lang,
}

/// Scores every row of `data` and writes `line,[id,]probability,score,band,decision[,reasons]`
/// to `out`, streaming: memory stays bounded (one chunk of rows) whatever the size of the file.
pub fn score_file(model: &Path, data: &Path, out: &Path, opts: &ScoreOptions) -> Result<usize> {
    let bundle = bundle_dir::load(model)?;
    let (rows, _) = data::open(data, bundle.spec(), MissingLabel::NotRead)?;
    let file = std::fs::File::create(out).map_err(Error::io(out))?;
    score_stream(&bundle, rows, std::io::BufWriter::new(file), opts).map_err(|e| match e {
        Error::Io { .. } | Error::Data { .. } => e,
        other => Error::File { path: out.into(), msg: other.to_string() },
    })
}

/// Rows scored per chunk when streaming.
pub const SCORE_CHUNK: usize = 4096;

/// Reads `rows` in chunks of [`SCORE_CHUNK`] and hands each to `each` (the rows, and their
/// raw values as one matrix): memory stays bounded by one chunk. Returns the number of rows.
fn for_chunks<R: std::io::Read>(
    bundle: &Bundle,
    rows: &mut data::Rows<R>,
    mut each: impl FnMut(&[data::Row], &Matrix) -> Result<()>,
) -> Result<usize> {
    let mut total = 0;
    let mut chunk: Vec<data::Row> = Vec::with_capacity(SCORE_CHUNK);
    let mut raw = Matrix::with_capacity(SCORE_CHUNK, bundle.spec().n_features());
    loop {
        chunk.clear();
        while chunk.len() < SCORE_CHUNK {
            match rows.next_row()? {
                Some(r) => chunk.push(r),
                None => break,
            }
        }
        if chunk.is_empty() {
            return Ok(total);
        }
        raw.clear();
        for r in &chunk {
            raw.push_row(&r.raw);
        }
        each(&chunk, &raw)?;
        total += chunk.len();
        if chunk.len() < SCORE_CHUNK {
            return Ok(total);
        }
    }
}

/// Reasons for a chunk of rows, its parts explained on every core at once (each row's
/// reasons depend on that row only, so the output is the same whatever the threads).
fn explain_parallel(x: &advisor_core::explain::Explainer, bundle: &Bundle, raw: &Matrix, lang: Lang) -> Result<Vec<Explained>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let per = raw.rows().div_ceil(threads).max(1);
    let parts: Vec<Matrix> =
        (0..raw.rows()).step_by(per).map(|s| raw.select(&(s..(s + per).min(raw.rows())).collect::<Vec<_>>())).collect();
    let results: Vec<advisor_core::Result<Vec<Explained>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = parts.iter().map(|part| scope.spawn(move || x.explain_rows(bundle, part, lang))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(advisor_core::Error::Runtime("a scoring thread panicked".into()))))
            .collect()
    });
    let mut out = Vec::with_capacity(raw.rows());
    for r in results {
        out.extend(r?);
    }
    Ok(out)
}

/// The header of a batch score file.
fn score_header(has_id: bool, reasons: bool) -> Vec<String> {
    let mut header = vec!["line".to_string()];
    if has_id {
        header.push("id".into());
    }
    header.extend(["probability", "score", "band", "decision"].map(String::from));
    if reasons {
        for k in 1..=advisor_core::explain::MAX_REASONS {
            header.extend([format!("reason_{k}"), format!("reason_{k}_text"), format!("reason_{k}_points")]);
        }
    }
    header
}

/// Scores a stream of rows into CSV (`line,[id,]probability,score,band,decision`, then with
/// `opts.reasons` each reason's field, text and points), one chunk at a time. Returns the
/// number of rows scored.
pub fn score_stream<R: std::io::Read, W: std::io::Write>(
    bundle: &Bundle,
    mut rows: data::Rows<R>,
    out: W,
    opts: &ScoreOptions,
) -> Result<usize> {
    let has_id = bundle.spec().columns().iter().any(|c| c.role == advisor_core::schema::Role::Id);
    let explainer = if opts.reasons { Some(advisor_core::explain::Explainer::new(bundle)?) } else { None };
    let mut w = csv::Writer::from_writer(out);
    let werr = |e: csv::Error| Error::Usage(format!("could not write the scores: {e}"));
    w.write_record(score_header(has_id, opts.reasons)).map_err(werr)?;
    let total = for_chunks(bundle, &mut rows, |chunk, raw| {
        let scored: Vec<Explained> = match &explainer {
            Some(x) => explain_parallel(x, bundle, raw, opts.lang)?,
            None => bundle.predict(raw)?.into_iter().map(|p| (p as f64, vec![])).collect(),
        };
        for (r, (p, reasons)) in chunk.iter().zip(scored) {
            let a = bundle.assess(p);
            let mut rec = vec![r.line.to_string()];
            if has_id {
                rec.push(r.id.clone().unwrap_or_default());
            }
            rec.extend([format!("{p:.6}"), format!("{:.0}", a.score), a.band.name.clone(), a.decision.as_str().to_string()]);
            if opts.reasons {
                for k in 0..advisor_core::explain::MAX_REASONS {
                    match reasons.get(k) {
                        Some(x) => rec.extend([x.field.clone(), x.text.clone(), format!("{:.1}", x.points)]),
                        None => rec.extend([String::new(), String::new(), String::new()]),
                    }
                }
            }
            w.write_record(&rec).map_err(werr)?;
        }
        Ok(())
    })?;
    w.flush().map_err(|e| Error::Usage(format!("could not write the scores: {e}")))?;
    Ok(total)
}

/// The population stability index of `data`'s scores against the bundle's training baseline,
/// streaming the file.
pub fn psi(model: &Path, data: &Path) -> Result<(f64, usize)> {
    let bundle = bundle_dir::load(model)?;
    let baseline = bundle.manifest().stability.clone().ok_or_else(|| Error::File {
        path: model.into(),
        msg: "the bundle has no stability baseline (refit it with this version of advisor-train)".into(),
    })?;
    let (mut rows, _) = data::open(data, bundle.spec(), MissingLabel::NotRead)?;
    let mut scores = vec![];
    for_chunks(&bundle, &mut rows, |_, raw| {
        scores.extend(bundle.predict(raw)?.iter().map(|&p| bundle.manifest().scaling.score(p as f64)));
        Ok(())
    })?;
    Ok((baseline.psi(&scores), scores.len()))
}
