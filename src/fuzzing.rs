//! The harness functions of the fuzz targets (`fuzz/`, cargo-fuzz) kept in the library, so
//! that `cargo test` runs the very same functions over the seed corpus and deterministic
//! mutations on stable Rust (`tests/fuzz_smoke.rs`), and the fuzz crate stays a thin shell.
//! Each function panics exactly when the property it checks fails: that is the crash a fuzzer
//! reports.

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::check::{CheckOptions, check_paths};
use crate::race::trace::{Reader, Record, Writer};

thread_local! {
    /// One scratch module per thread, reused for every input (fuzzers call millions of times).
    static SCRATCH: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
}

fn scratch_dir() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    SCRATCH.with(|s| {
        s.borrow_mut()
            .get_or_insert_with(|| {
                let n = NEXT.fetch_add(1, Ordering::Relaxed);
                let dir = std::env::temp_dir().join(format!("maprace-fuzz-{}-{n}", std::process::id()));
                let _ = std::fs::create_dir_all(&dir);
                let _ = std::fs::write(dir.join("go.mod"), "module example.com/fuzz\n\ngo 1.26\n");
                dir
            })
            .clone()
    })
}

/// The whole `check` pipeline on one file of arbitrary bytes: loading (size, UTF-8, build
/// constraints, generated-file rule), lowering, the model, the analysis and the rules. The
/// properties: no panic anywhere (a panic inside the analysis thread comes back as an
/// "internal error" entry, which counts as one), and every error names the input file or the
/// scratch module.
pub fn check_bytes(data: &[u8]) {
    let dir = scratch_dir();
    let file = dir.join("f.go");
    if std::fs::write(&file, data).is_err() {
        return;
    }
    let mut opts = CheckOptions::defaults();
    opts.jobs = 1;
    // Build constraints off: an input that names another platform is still analysed.
    opts.load.target = None;
    let outcome = check_paths(&[file.display().to_string()], &opts);
    for e in &outcome.report.errors {
        assert!(!e.message.contains("internal error"), "analysis panicked: {}", e.message);
        assert!(e.file.starts_with(&dir) || e.file == file, "error names neither the file nor its module: {e:?}");
    }
    for f in &outcome.report.findings {
        assert!(f.line >= 1 && f.column >= 1, "finding without a position: {f:?}");
    }
}

/// The race mode's trace reader on arbitrary bytes: raw (bad headers) when the first byte is
/// odd, else a valid header followed by the rest (so the fuzzer spends its time on records).
/// The properties: no panic, the reader ends (it never yields more records than 32-byte
/// blocks), text records lie within the input, and records stay 32-byte aligned.
pub fn read_trace(data: &[u8]) {
    let owned;
    let bytes: &[u8] = match data.split_first() {
        Some((first, rest)) if first % 2 == 0 => {
            let mut w = Writer::new();
            w.bytes.extend_from_slice(rest);
            owned = w.bytes;
            &owned
        }
        _ => data,
    };
    let Ok(mut reader) = Reader::new(bytes) else { return };
    let limit = bytes.len() / 32 + 1;
    let mut n = 0;
    for rec in reader.by_ref() {
        n += 1;
        assert!(n <= limit, "the reader yields more records than the input holds");
        if let Record::Stack(_, text) | Record::Key(_, text) = rec {
            assert!(text.len() <= bytes.len());
        }
    }
    assert!(reader.position().is_multiple_of(32), "the reader lost the record alignment");
}
