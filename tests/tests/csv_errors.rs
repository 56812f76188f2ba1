//! Bad training files stop with the file, line and column; nothing is dropped silently.

use std::path::PathBuf;

use advisor_core::lang::Lang;
use advisor_tests::repo;
use advisor_train::data::{read_csv, read_spec, MissingLabel};
use advisor_train::Error;

fn spec() -> advisor_core::schema::Spec {
    read_spec(&repo().join("tests/fixtures/tiny.toml")).unwrap()
}

fn write(dir: &tempfile::TempDir, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join("data.csv");
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Reads `text` and returns the error's (line, column, message).
fn err(text: &[u8], missing: MissingLabel) -> (u64, Option<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    match read_csv(&write(&dir, text), &spec(), missing) {
        Err(Error::Data { line, column, msg, path }) => {
            assert!(path.ends_with("data.csv"));
            (line, column, msg)
        }
        other => panic!("expected a data error, got {other:?}"),
    }
}

const HEADER: &str = "id,income,colour,y\n";

#[test]
fn a_good_file_reads_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{HEADER}1,100,red,good\n2,,blue,bad\n3,50,red,bad\n");
    let ds = read_csv(&write(&dir, text.as_bytes()), &spec(), MissingLabel::Error).unwrap();
    assert_eq!(ds.raw.rows(), 3);
    assert_eq!(ds.labels, vec![0, 1, 1]);
    assert!(ds.raw.row(1)[0].is_nan(), "an empty cell is missing");
    assert_eq!(ds.raw.row(1)[1], 1.0, "category code");
    assert_eq!(ds.lines, vec![2, 3, 4]);
    assert_eq!(ds.ids, vec!["1", "2", "3"]);
}

#[test]
fn a_ragged_row_names_its_line() {
    let (line, _, msg) = err(format!("{HEADER}1,100,red,good\n2,100,red\n").as_bytes(), MissingLabel::Error);
    assert_eq!(line, 3);
    assert!(msg.contains("3 fields where the header has 4"), "{msg}");
}

#[test]
fn an_unparsable_number_names_line_and_column() {
    let (line, col, msg) = err(format!("{HEADER}1,100,red,good\n2,12x,red,bad\n").as_bytes(), MissingLabel::Error);
    assert_eq!((line, col.as_deref()), (3, Some("income")));
    assert!(msg.contains("expected a number"), "{msg}");
}

#[test]
fn nan_and_inf_strings_are_not_numbers() {
    for bad in ["NaN", "inf", "-Infinity"] {
        let (line, col, msg) = err(format!("{HEADER}1,{bad},red,good\n").as_bytes(), MissingLabel::Error);
        assert_eq!((line, col.as_deref()), (2, Some("income")));
        assert!(msg.contains("not a finite number"), "{bad}: {msg}");
    }
}

#[test]
fn an_out_of_range_value_is_an_error() {
    let (_, col, msg) = err(format!("{HEADER}1,-5,red,good\n").as_bytes(), MissingLabel::Error);
    assert_eq!(col.as_deref(), Some("income"));
    assert!(msg.contains("outside the allowed range"), "{msg}");
}

#[test]
fn a_huge_number_is_shown_short() {
    let (_, col, msg) = err(format!("{HEADER}1,1e300,red,good\n").as_bytes(), MissingLabel::Error);
    assert_eq!(col.as_deref(), Some("income"));
    assert!(msg.contains("1e300 is outside the allowed range 0..=1000000"), "{msg}");
    assert!(msg.len() < 120, "{msg}");
    // With no bounds in the spec, the limit is f32's, also short.
    let text = std::fs::read_to_string(repo().join("tests/fixtures/tiny.toml")).unwrap().replace("max = 1000000", "");
    let unbounded = advisor_train::spec_file::parse_spec(std::path::Path::new("tiny.toml"), &text).unwrap();
    let e = unbounded.columns()[1].parse_cell("1e300").unwrap_err().to_string();
    assert!(e.contains("1e300 is outside the allowed range 0..=3.4028234663852886e38"), "{e}");
}

/// Lines are the file's lines whatever the line endings: CRLF files number their rows as LF
/// ones do, a stray field after a '\r' is counted in its line, and a blank CRLF line is skipped.
#[test]
fn crlf_files_report_the_lines_an_editor_shows() {
    let crlf = HEADER.replace('\n', "\r\n");
    let (line, col, _) = err(format!("{crlf}1,12x,red,good\r\n").as_bytes(), MissingLabel::Error);
    assert_eq!((line, col.as_deref()), (2, Some("income")));
    let (line, _, msg) = err(format!("{crlf}1,100,red,good\r\n2,100,red,bad\r,9\r\n").as_bytes(), MissingLabel::Error);
    assert_eq!(line, 3);
    assert!(msg.contains("5 fields where the header has 4"), "{msg}");
    let (line, _, msg) = err(format!("{crlf}1,100,red,good,extra\r\n").as_bytes(), MissingLabel::Error);
    assert_eq!(line, 2);
    assert!(msg.contains("5 fields where the header has 4"), "{msg}");
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{crlf}1,100,red,good\r\n2,,blue,bad\r\n\r\n");
    let ds = read_csv(&write(&dir, text.as_bytes()), &spec(), MissingLabel::Error).unwrap();
    assert_eq!((ds.lines.clone(), ds.labels.clone()), (vec![2, 3], vec![0, 1]));
    let (line, _, msg) = err(format!("{HEADER}1,100,red,good\n").replace('\n', "\r").as_bytes(), MissingLabel::Error);
    assert_eq!(line, 1);
    assert!(msg.contains("lone"), "{msg}");
}

#[test]
fn an_unknown_label_or_category_is_an_error() {
    let (line, col, msg) = err(format!("{HEADER}1,100,red,good\n2,1,red,maybe\n").as_bytes(), MissingLabel::Error);
    assert_eq!((line, col.as_deref()), (3, Some("y")));
    assert!(msg.contains("unknown category \"maybe\""), "{msg}");
    let (_, col, _) = err(format!("{HEADER}1,100,green,good\n").as_bytes(), MissingLabel::Error);
    assert_eq!(col.as_deref(), Some("colour"));
}

#[test]
fn an_empty_file_and_a_header_only_file_are_errors() {
    assert!(err(b"", MissingLabel::Error).2.contains("empty"));
    assert!(err(HEADER.as_bytes(), MissingLabel::Error).2.contains("no data rows"));
}

#[test]
fn a_wrong_delimiter_is_named() {
    let (line, _, msg) = err(b"id;income;colour;y\n1;100;red;good\n", MissingLabel::Error);
    assert_eq!(line, 1);
    assert!(msg.contains("';'-separated"), "{msg}");
}

#[test]
fn a_missing_or_extra_column_is_named() {
    let (_, col, _) = err(b"id,income,y\n1,100,good\n", MissingLabel::Error);
    assert_eq!(col.as_deref(), Some("colour"));
    let (_, col, msg) = err(b"id,income,colour,y,zip\n1,100,red,good,123\n", MissingLabel::Error);
    assert_eq!(col.as_deref(), Some("zip"));
    assert!(msg.contains("not in the spec"), "{msg}");
}

#[test]
fn a_missing_label_stops_unless_dropping_is_asked_and_counted() {
    let text = format!("{HEADER}1,100,red,good\n2,100,red,\n3,7,blue,bad\n");
    let (line, col, msg) = err(text.as_bytes(), MissingLabel::Error);
    assert_eq!((line, col.as_deref()), (3, Some("y")));
    assert!(msg.contains("--drop-missing-label"), "{msg}");
    let dir = tempfile::tempdir().unwrap();
    let ds = read_csv(&write(&dir, text.as_bytes()), &spec(), MissingLabel::Drop).unwrap();
    assert_eq!((ds.raw.rows(), ds.dropped_missing_label), (2, 1));
    assert_eq!(ds.ids, vec!["1", "3"]);
    assert_eq!(ds.lines, vec![2, 4]);
}

#[test]
fn non_utf8_names_its_line() {
    let mut bytes = format!("{HEADER}1,100,red,good\n").into_bytes();
    bytes.extend_from_slice(b"2,100,r\xffd,good\n");
    let (line, _, msg) = err(&bytes, MissingLabel::Error);
    assert_eq!(line, 3);
    assert!(msg.contains("not UTF-8 text") && msg.contains("Latin-1"), "{msg}");
    // `init` too: a Latin-1 export (`Zürich`) is named for its encoding, not for a delimiter it
    // could not find.
    let dir = tempfile::tempdir().unwrap();
    let mut latin1 = b"city,amount,default\n".to_vec();
    for i in 0..20 {
        latin1.extend_from_slice(if i % 2 == 0 { b"Z\xfcrich," } else { b"Bern," });
        latin1.extend_from_slice(format!("{},{}\n", 100 + i, i % 3 / 2).as_bytes());
    }
    let e = advisor_train::init::init(&write(&dir, &latin1), &Default::default()).unwrap_err().to_string();
    assert!(e.contains(":2: not UTF-8 text") && e.contains("save it as CSV (UTF-8)"), "{e}");
}

#[test]
fn one_class_only_stops_fit() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(&dir, format!("{HEADER}1,100,red,good\n2,100,blue,good\n").as_bytes());
    let opts = advisor_train::fit::FitOptions::new(repo().join("tests/fixtures/tiny.toml"), data, dir.path().join("out"));
    let e = advisor_train::fit::fit(&opts).err().expect("one class cannot be fitted");
    assert!(e.to_string().contains("one class only"), "{e}");
}

#[test]
fn gzip_files_read_like_plain_ones() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("data.csv.gz");
    let mut gz = flate2_writer(std::fs::File::create(&p).unwrap());
    gz.write_all(format!("{HEADER}1,100,red,good\n").as_bytes()).unwrap();
    drop(gz);
    assert_eq!(read_csv(&p, &spec(), MissingLabel::Error).unwrap().raw.rows(), 1);
}

fn flate2_writer(f: std::fs::File) -> impl std::io::Write {
    flate2::write::GzEncoder::new(f, flate2::Compression::default())
}

#[test]
fn a_constant_column_is_kept_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(HEADER);
    for i in 0..200 {
        let colour = if i % 3 == 0 { "red" } else { "blue" };
        // The colour carries the signal (so calibration has a ranking to keep), with noise.
        let y = if (colour == "red") != (i % 7 == 0) { "bad" } else { "good" };
        text += &format!("{i},500,{colour},{y}\n");
    }
    let data = write(&dir, text.as_bytes());
    let mut opts = advisor_train::fit::FitOptions::new(repo().join("tests/fixtures/tiny.toml"), data, dir.path().join("out"));
    opts.train.epochs = 1;
    opts.progress = false;
    let r = advisor_train::fit::fit(&opts).expect("a constant column does not stop training");
    assert_eq!(r.constant_columns, vec!["income".to_string()]);
}

/// A spec error names the spec file, its line and column: a language left out is fine, a
/// misspelt one is an error at its line.
#[test]
fn spec_errors_name_file_line_and_column() {
    let path = repo().join("tests/fixtures/tiny.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let only_en = text.replace("name = \"income\"\n", "name = \"income\"\ndisplay = { en = \"Income\" }\n");
    let s = advisor_train::spec_file::parse_spec(&path, &only_en).unwrap();
    assert_eq!(s.columns()[1].label(Lang::ZhCn), "Income");
    let typo = text.replace("name = \"income\"\n", "name = \"income\"\ndisplay = { en = \"Income\", zh = \"收入\" }\n");
    let e = advisor_train::spec_file::parse_spec(&path, &typo).unwrap_err().to_string();
    assert!(e.starts_with(&format!("{}:11:", path.display())) && e.contains("unknown field `zh`"), "{e}");
    let bounds = text.replace("min = 0\n", "min = 5000000\n");
    let e = advisor_train::spec_file::parse_spec(&path, &bounds).unwrap_err().to_string();
    assert_eq!(e, format!("{}:14:1: column `income`: min 5000000 > max 1000000", path.display()));
}

#[test]
fn a_workbook_or_utf16_text_is_named_for_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    for (bytes, says) in [
        (&b"PK\x03\x04\x14\x00\x06\x00"[..], "zip file, such as an Excel (.xlsx)"),
        (&[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1][..], "old Excel (.xls) workbook"),
        (&[0xff, 0xfe, b'i', 0, b'd', 0][..], "UTF-16"),
        (&b"id,income\x00,colour"[..], "NUL bytes"),
    ] {
        let path = write(&dir, bytes);
        for e in
            [read_csv(&path, &spec(), MissingLabel::Error).unwrap_err(), advisor_train::init::init(&path, &Default::default()).unwrap_err()]
        {
            let text = e.to_string();
            assert!(text.contains(says) && text.contains("save it as CSV (UTF-8"), "{text}");
        }
    }
}

#[test]
fn a_file_with_a_decimal_comma_reads_as_its_spec_says() {
    let dir = tempfile::tempdir().unwrap();
    let toml = std::fs::read_to_string(repo().join("tests/fixtures/tiny.toml")).unwrap();
    let toml = toml.replacen("\n[[columns]]", "\ndelimiter = \";\"\ndecimal = \",\"\n\n[[columns]]", 1);
    let spec = advisor_train::spec_file::parse_spec(std::path::Path::new("tiny.toml"), &toml).unwrap();
    let ds =
        read_csv(&write(&dir, b"id;income;colour;y\n1;100,5;red;good\n2;;blue;bad\n3;50;red;bad\n"), &spec, MissingLabel::Error).unwrap();
    assert_eq!(ds.raw.row(0)[0], 100.5);
    assert_eq!((ds.raw.row(2)[0], ds.raw.row(1)[0].is_nan()), (50.0, true));
    // A point where the decimal mark is a comma: a thousands separator, or another file's number.
    match read_csv(&write(&dir, b"id;income;colour;y\n1;1.234,5;red;good\n"), &spec, MissingLabel::Error) {
        Err(Error::Data { line: 2, column: Some(c), msg, .. }) => {
            assert!(c == "income" && msg.contains("decimal mark is a comma"), "{msg}")
        }
        other => panic!("{other:?}"),
    }
}
