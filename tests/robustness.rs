//! Bad input never crashes the analysis: every corpus file cut short at many points, and with
//! bytes swapped, still yields a report (findings and/or named errors), never a panic.

use std::fs;
use std::path::Path;

use maprace::check::{CheckOptions, check_paths};

fn corpus_files() -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("readable").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "go") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn truncated_and_scrambled_sources_do_not_crash() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("go.mod"), "module example.com/fuzz\n\ngo 1.22\n").expect("go.mod");
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut written = 0;
    for (i, f) in corpus_files().iter().enumerate() {
        let text = fs::read_to_string(f).expect("corpus is UTF-8");
        // A scrambled `//go:build` line can name a tag that excludes the file (rightly): keep
        // constraints out, so that every file written is one the analysis must read.
        let text: String = text.lines().filter(|l| !l.starts_with("//go:build")).map(|l| format!("{l}\n")).collect();
        let bytes = text.as_bytes();
        for cut in 1..6 {
            let mut end = bytes.len() * cut / 6;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let mut mutated = bytes[..end].to_vec();
            for _ in 0..4 {
                if mutated.is_empty() {
                    break;
                }
                let a = (next() as usize) % mutated.len();
                let b = (next() as usize) % mutated.len();
                if mutated[a].is_ascii() && mutated[b].is_ascii() {
                    mutated.swap(a, b);
                }
            }
            let pkg = dir.path().join(format!("p{i}_{cut}"));
            fs::create_dir_all(&pkg).expect("mkdir");
            fs::write(pkg.join("f.go"), &mutated).expect("write");
            written += 1;
        }
    }
    assert!(written > 100);
    let outcome = check_paths(&[format!("{}/...", dir.path().display())], &CheckOptions::defaults());
    assert!(
        !outcome.report.errors.iter().any(|e| e.message.contains("internal error")),
        "the analysis panicked: {:?}",
        outcome.report.errors.iter().filter(|e| e.message.contains("internal error")).collect::<Vec<_>>()
    );
    assert_eq!(outcome.files, written);
}
