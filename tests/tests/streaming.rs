//! Input larger than memory: `Rows` and `score_stream` read a generated stream of any length with
//! bounded memory (a counting allocator measures the peak).

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use advisor_core::lang::Lang;

use advisor_tests::{data, repo};
use advisor_train::bundle_dir;
use advisor_train::commands::score::score_stream;
use advisor_train::data::{MissingLabel, Rows};

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(l.size(), Relaxed) + l.size();
        PEAK.fetch_max(now, Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        if new > l.size() {
            let now = LIVE.fetch_add(new - l.size(), Relaxed) + new - l.size();
            PEAK.fetch_max(now, Relaxed);
        } else {
            LIVE.fetch_sub(l.size() - new, Relaxed);
        }
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The german_credit header, then `rows` copies of its first data row, generated on the fly.
struct Generated {
    header: Vec<u8>,
    line: Vec<u8>,
    rows: usize,
    at: usize,
    buf: Vec<u8>,
    off: usize,
}

impl Generated {
    fn new(rows: usize) -> Self {
        let text = std::fs::read_to_string(data("german_credit")).unwrap();
        let mut lines = text.lines();
        let header = format!("{}\n", lines.next().unwrap()).into_bytes();
        let line = format!("{}\n", lines.next().unwrap()).into_bytes();
        Self { buf: header.clone(), header, line, rows, at: 0, off: 0 }
    }
    fn total_bytes(&self) -> usize {
        self.header.len() + self.rows * self.line.len()
    }
}

impl Read for Generated {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.off == self.buf.len() {
            if self.at == self.rows {
                return Ok(0);
            }
            self.buf = self.line.clone();
            self.off = 0;
            self.at += 1;
        }
        let n = out.len().min(self.buf.len() - self.off);
        out[..n].copy_from_slice(&self.buf[self.off..self.off + n]);
        self.off += n;
        Ok(n)
    }
}

#[test]
fn a_stream_larger_than_the_memory_budget_is_scored_in_bounded_memory() {
    let bundle = bundle_dir::load(&repo().join("models/german_credit")).unwrap();
    let rows = 1_400_000;
    let input = Generated::new(rows);
    let size = input.total_bytes();
    let spec = bundle.spec().clone();
    let stream = Rows::new(input, std::path::Path::new("<generated>"), &spec, MissingLabel::NotRead).unwrap();
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let mut out = CountingSink(0);
    let n = score_stream(&bundle, stream, &mut out, &Default::default()).unwrap();
    let peak = PEAK.load(Relaxed) - base;
    assert_eq!(n, rows);
    assert!(out.0 > rows * 20, "wrote {} bytes", out.0);
    // The input is 100+ MB; the scorer holds one chunk of rows at a time.
    assert!(size > 100 << 20, "input is {size} bytes");
    assert!(peak < 16 << 20, "peak memory while streaming {size} bytes: {peak} bytes");
    eprintln!("streamed {size} bytes ({rows} rows), peak extra memory {peak} bytes");
}

/// `score --reasons`: each row's adverse-action reasons, still one chunk in memory at a time.
#[test]
fn reasons_are_streamed_in_bounded_memory() {
    let bundle = bundle_dir::load(&repo().join("models/german_credit")).unwrap();
    let rows = 200_000;
    let spec = bundle.spec().clone();
    let stream = Rows::new(Generated::new(rows), std::path::Path::new("<generated>"), &spec, MissingLabel::NotRead).unwrap();
    let opts = advisor_train::commands::score::ScoreOptions { reasons: true, lang: Lang::ZhCn };
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let mut out = CountingSink(0);
    assert_eq!(score_stream(&bundle, stream, &mut out, &opts).unwrap(), rows);
    let peak = PEAK.load(Relaxed) - base;
    assert!(peak < 32 << 20, "peak memory while streaming with reasons: {peak} bytes");
    // The same rows, kept: the reasons match the single-applicant path (what the browser shows).
    let mut text = Vec::new();
    Generated::new(3).read_to_end(&mut text).unwrap();
    let mut csv_out = Vec::new();
    let stream = Rows::new(&text[..], std::path::Path::new("<generated>"), &spec, MissingLabel::NotRead).unwrap();
    score_stream(&bundle, stream, &mut csv_out, &opts).unwrap();
    let written = String::from_utf8(csv_out).unwrap();
    let header = written.lines().next().unwrap();
    assert!(header.ends_with("reason_4,reason_4_text,reason_4_points"), "{header}");
    let mut rows = Rows::new(&text[..], std::path::Path::new("<generated>"), &spec, MissingLabel::NotRead).unwrap();
    let first = rows.next_row().unwrap().unwrap();
    let explainer = advisor_core::explain::Explainer::new(&bundle).unwrap();
    let (_, reasons) = explainer.explain(&bundle, &first.raw, Lang::ZhCn).unwrap();
    assert!(!reasons.is_empty());
    let line = written.lines().nth(1).unwrap();
    for r in &reasons {
        assert!(line.contains(&r.field) && line.contains(&r.text), "{line} lacks {r:?}");
    }
}

#[test]
fn a_bad_row_deep_in_a_stream_names_its_line() {
    let bundle = bundle_dir::load(&repo().join("models/german_credit")).unwrap();
    let mut input = Generated::new(50_000);
    let mut text = Vec::new();
    input.read_to_end(&mut text).unwrap();
    // Break the duration (second field) on data row 40,000 = line 40,001.
    let line_len = input.line.len();
    let at = input.header.len() + 39_999 * line_len;
    let comma = text[at..].iter().position(|&b| b == b',').unwrap();
    text.insert(at + comma + 1, b'x');
    let stream = Rows::new(&text[..], std::path::Path::new("<generated>"), bundle.spec(), MissingLabel::NotRead).unwrap();
    let e = score_stream(&bundle, stream, std::io::sink(), &Default::default()).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("<generated>:40001") && msg.contains("`duration`"), "{msg}");
}

struct CountingSink(usize);
impl std::io::Write for CountingSink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0 += b.len();
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
