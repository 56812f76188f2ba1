//! The shape of a CSV file from its first lines: the delimiter, and whether the first line is a
//! header (a spec names columns by their header, so a file without one is refused).

use std::path::Path;

use crate::data::{csv_err, csv_reader, header_text, DELIMITERS, NOT_UTF8};
use crate::error::{Error, Result};

/// Lines of the sample read.
const SAMPLE_LINES: usize = 200;

/// The delimiter that splits every line of `sample` into the same number of fields (more than
/// one), the most fields on a tie.
pub fn delimiter(path: &Path, sample: &[u8]) -> Result<u8> {
    check_utf8(path, sample)?;
    let mut best: Option<(usize, u8)> = None;
    for d in DELIMITERS {
        let Some(width) = consistent_width(sample, d) else { continue };
        if width > 1 && best.is_none_or(|(w, _)| width > w) {
            best = Some((width, d));
        }
    }
    best.map(|(_, d)| d).ok_or_else(|| Error::File {
        path: path.into(),
        msg: "could not tell the delimiter: no one of `,` `;` tab `|` splits the first lines into the same number of fields".into(),
    })
}

/// The sample is UTF-8 text (but for a character cut at its end), else an error naming the
/// line: no delimiter would split text in another encoding into fields.
fn check_utf8(path: &Path, sample: &[u8]) -> Result<()> {
    match std::str::from_utf8(sample) {
        Err(e) if e.error_len().is_some() => {
            let line = 1 + sample[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() as u64;
            Err(Error::Data { path: path.into(), line, column: None, msg: NOT_UTF8.into() })
        }
        _ => Ok(()),
    }
}

/// The number of fields every complete line of `sample` has with delimiter `d`, if they agree.
fn consistent_width(sample: &[u8], d: u8) -> Option<usize> {
    // The sample's last line may be cut short: leave it out when there is more than one.
    let end = sample.iter().rposition(|&b| b == b'\n').filter(|&i| i > 0).map_or(sample.len(), |i| i + 1);
    let mut rdr = csv_reader(&sample[..end], d);
    let width = rdr.headers().ok()?.len();
    let mut record = csv::StringRecord::new();
    for _ in 0..SAMPLE_LINES {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) if record.len() == 1 && record[0].trim_end_matches('\r').is_empty() => {}
            Ok(true) if record.len() == width => {}
            _ => return None,
        }
    }
    Some(width)
}

/// Checks that the first line of `sample` is a header: its cells are distinct, and none is a
/// number in a column whose sampled values are numbers, nor occurs again in its column.
pub fn check_header(path: &Path, sample: &[u8], delimiter: u8) -> Result<Vec<String>> {
    let mut rdr = csv_reader(sample, delimiter);
    let header: Vec<String> = rdr.headers().map_err(|e| csv_err(path, &e))?.iter().map(header_text).collect();
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = header.iter().find(|h| !seen.insert(h.as_str())) {
        return Err(Error::Data {
            path: path.into(),
            line: 1,
            column: None,
            msg: format!(
                "`{twice}` is in the first line twice: if it is the header, give each column a name of its own; if it is data, add a header line naming the columns"
            ),
        });
    }
    let rows: Vec<csv::StringRecord> = rdr.records().take(SAMPLE_LINES).filter_map(|r| r.ok()).collect();
    for (j, h) in header.iter().enumerate() {
        let cells = || rows.iter().filter_map(|r| r.get(j)).map(|c| c.trim_end_matches('\r'));
        let numbers = cells().filter(|c| c.trim().parse::<f64>().is_ok()).count();
        let h_number = h.trim().parse::<f64>().is_ok();
        if (h_number && numbers * 2 > rows.len()) || (!h.is_empty() && cells().any(|c| c == h)) {
            return Err(no_header(path, &format!("column {}'s first cell {h:?} looks like data", j + 1)));
        }
    }
    Ok(header)
}

fn no_header(path: &Path, why: &str) -> Error {
    Error::Data {
        path: path.into(),
        line: 1,
        column: None,
        msg: format!("the first line does not look like a header ({why}); add a header line naming the columns"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_the_one_that_splits_every_line_alike() {
        let p = Path::new("t.csv");
        assert_eq!(delimiter(p, b"a;b;c\n1;2,5;3\n4;5;6\n").unwrap(), b';');
        assert_eq!(delimiter(p, b"a,b\n1,2\n3,4\n5,").unwrap(), b','); // the last line cut short
        assert_eq!(delimiter(p, b"a\tb\tc\n\"x,y\"\t2\t3\n").unwrap(), b'\t');
        assert!(delimiter(p, b"single\n1\n2\n").unwrap_err().to_string().contains("could not tell the delimiter"));
    }

    #[test]
    fn a_first_line_of_data_is_not_taken_for_a_header() {
        let p = Path::new("t.csv");
        assert_eq!(check_header(p, b"age,job\n30,x\n40,y\n", b',').unwrap(), ["age", "job"]);
        assert_eq!(check_header(p, b"\xef\xbb\xbf,a\r\n1,2\r\n", b',').unwrap(), ["", "a"]);
        let e = check_header(p, b"30,x\n40,y\n50,x\n", b',').unwrap_err().to_string();
        assert!(e.contains("t.csv:1") && e.contains("add a header line"), "{e}");
        assert!(check_header(p, b"yes,b\nno,1\nyes,2\n", b',').is_err());
        let e = check_header(p, b"a,b,a,y\n1,2,3,0\n", b',').unwrap_err().to_string();
        assert!(e.contains("`a` is in the first line twice: if it is the header, give each column a name of its own"), "{e}");
    }
}
