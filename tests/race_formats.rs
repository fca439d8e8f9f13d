//! `maprace race` through the shared output layer and triage passes: GitHub annotations and
//! SARIF from a real run, and a `//maprace:ignore` on the reported line silencing a dynamic
//! finding as it silences a static one. Needs `go` on PATH, like tests/race_cli.rs. The Go
//! program is the lab's get-then-set scenario (racy, MR007 at line 33).

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{lab_expect, lab_source};

fn maprace(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_maprace")).args(args).current_dir(dir).output().expect("maprace runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn get_then_set(source: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("go.mod"), "module scenario\n\ngo 1.22\n").expect("go.mod");
    fs::write(dir.path().join("main.go"), source).expect("main.go");
    dir
}

#[test]
fn race_prints_github_annotations_and_honours_ignore_comments() {
    let src = lab_source("get-then-set");
    let expect = lab_expect("get-then-set", &src);
    assert_eq!((expect.expected.as_str(), expect.rule.as_deref()), ("racy", Some("MR007")), "the lab header changed");
    let line33 = src.lines().nth(32).unwrap_or_default().to_string();
    assert_eq!(line33.trim(), "h.n[page] = v", "lab/scenarios/get-then-set moved its write");
    let dir = get_then_set(&src);
    let (code, stdout, stderr) = maprace(dir.path(), &["race", "--no-confirm", "--format", "github", "--", "go", "run", "."]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.lines().all(|l| l.starts_with("::error ")), "only workflow commands on stdout: {stdout}");
    assert!(stdout.contains("::error file=main.go,line=33,") && stdout.contains("title=MR007::"), "{stdout}");

    let ignored: String = src
        .lines()
        .enumerate()
        .map(|(i, l)| if i == 32 { format!("{l} //maprace:ignore MR007 demo: the lost updates are the point\n") } else { format!("{l}\n") })
        .collect();
    let dir = get_then_set(&ignored);
    let (code, stdout, stderr) = maprace(dir.path(), &["race", "--no-confirm", "--format", "github", "--", "go", "run", "."]);
    assert!(!stdout.contains("line=33"), "{stdout}");
    assert_eq!(code, 0, "stdout: {stdout}\nstderr: {stderr}");
}
