//! The `advisor-train` binary: help on every subcommand, evaluate and score on the shipped
//! bundle, and clear errors with a failing exit code.

use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_advisor-train"))
}

fn repo() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from).join("..")
}

fn german_csv() -> PathBuf {
    std::env::var_os("ADVISOR_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"))
        .join("data/german_credit/german_credit.csv")
}

#[test]
fn every_subcommand_has_help() {
    for sub in [vec!["--help"], vec!["fit", "--help"], vec!["evaluate", "--help"], vec!["score", "--help"]] {
        let out = bin().args(&sub).output().unwrap();
        assert!(out.status.success(), "{sub:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("Usage:"), "{sub:?}: {text}");
    }
    let fit = String::from_utf8(bin().args(["fit", "--help"]).output().unwrap().stdout).unwrap();
    for flag in ["--seed", "--epochs", "--hidden", "--lr", "--pos-weight", "--patience", "--drop-missing-label"] {
        assert!(fit.contains(flag), "fit --help lacks {flag}");
    }
}

#[test]
fn evaluate_prints_the_metrics_table_and_writes_json() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("m.json");
    let out = bin()
        .args(["evaluate", "--model"])
        .arg(repo().join("models/german_credit"))
        .arg("--data")
        .arg(german_csv())
        .arg("--out")
        .arg(&json)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("AUC") && text.contains("1000"), "{text}");
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap();
    let auc = m["data"]["auc"].as_f64().unwrap();
    assert!(auc > 0.5 && auc < 1.0, "{auc}");
    // Under the table, the AUC with its 95 % interval around it.
    let line = text.lines().find(|l| l.starts_with("data AUC")).unwrap_or_else(|| panic!("no interval line: {text}"));
    let bounds: Vec<f64> =
        line.split("interval ").nth(1).unwrap().split(' ').next().unwrap().split('–').map(|b| b.parse().unwrap()).collect();
    assert!(bounds[0] < auc && auc < bounds[1] && line.contains("(DeLong; 1000 rows, 300 positive)"), "{line}");
}

#[test]
fn score_writes_one_row_per_input_row() {
    let dir = tempfile::tempdir().unwrap();
    let out_csv = dir.path().join("scores.csv");
    let out = bin()
        .args(["score", "--model"])
        .arg(repo().join("models/german_credit"))
        .arg("--data")
        .arg(german_csv())
        .arg("--out")
        .arg(&out_csv)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(out_csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("line,probability,score,band,decision"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 1000);
    assert!(rows[0].starts_with("2,"), "{}", rows[0]);
}

/// `advisor-train score … --out /dev/stdout | head -1`: once the reader has gone, the process
/// ends as Unix tools do (SIGPIPE), without a panic's message.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_process_quietly() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;
    let mut child = bin()
        .args(["score", "--reasons", "--out", "/dev/stdout", "--model"])
        .arg(repo().join("models/german_credit"))
        .arg("--data")
        .arg(german_csv())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take()); // the reader goes away after 16 bytes of about 150 KB
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(&first[..5], b"line,");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.signal(), Some(13), "ended by SIGPIPE: {status:?}, {stderr}");
}

#[test]
fn a_bad_file_fails_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    let good = std::fs::read_to_string(german_csv()).unwrap();
    let mut lines: Vec<String> = good.lines().take(5).map(str::to_string).collect();
    lines[3] = lines[3].replacen(",", ",abc_", 1);
    std::fs::write(&bad, lines.join("\n")).unwrap();
    let out = bin()
        .args(["fit", "--spec"])
        .arg(repo().join("specs/german_credit.toml"))
        .arg("--data")
        .arg(&bad)
        .arg("--out")
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad.csv:4, column `duration`"), "{err}");
}
