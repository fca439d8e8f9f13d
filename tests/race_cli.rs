//! `maprace race` as a user runs it: formats, exit codes, error messages, kept traces and the
//! reading of a damaged trace. Needs `go` 1.25+ on PATH (fails without it). The Go program is
//! the lab's get-then-set scenario (lab/scenarios/get-then-set).

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{lab_expect, lab_source};

fn maprace(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_maprace")).args(args).current_dir(dir).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A module holding lab/scenarios/get-then-set, whose header must still say racy MR007.
fn get_then_set() -> tempfile::TempDir {
    let src = lab_source("get-then-set");
    let expect = lab_expect("get-then-set", &src);
    assert_eq!((expect.expected.as_str(), expect.rule.as_deref()), ("racy", Some("MR007")), "the lab header changed");
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("go.mod"), "module scenario\n\ngo 1.22\n").unwrap();
    fs::write(dir.path().join("main.go"), src).unwrap();
    dir
}

#[test]
fn sarif_and_json_are_clean_documents_and_exit_1_on_findings() {
    let dir = get_then_set();
    let (code, stdout, stderr) = maprace(dir.path(), &["race", "--no-confirm", "--format", "sarif", "--", "go", "run", "."]);
    assert_eq!(code, 1, "{stderr}");
    let sarif: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "MR007");
    // A race seen in the run is an error; one only predicted for another schedule a warning.
    let level = if result["properties"]["evidence"] == "predicted" { "warning" } else { "error" };
    assert_eq!(result["level"], level, "{result}");
    // The act: the write in Set.
    let line33 = lab_source("get-then-set").lines().nth(32).unwrap_or_default().trim().to_string();
    assert_eq!(line33, "h.n[page] = v", "lab/scenarios/get-then-set moved its write");
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 33);
    assert!(stderr.contains("LOST_UPDATES="), "the program's output goes to stderr: {stderr}");

    let (code, stdout, _) = maprace(dir.path(), &["race", "--no-confirm", "--format", "json", "--", "go", "run", "."]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let f = &json["findings"][0];
    assert_eq!(f["rule"], "MR007");
    assert!(matches!(f["evidence"].as_str(), Some("observed" | "predicted")), "{f}");
    assert!(f["stacks"].as_array().is_some_and(|s| s.len() == 3), "{f}");
}

#[test]
fn outside_a_module_it_says_so_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = maprace(dir.path(), &["race", "--", "go", "run", "."]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not inside a Go module"), "{stderr}");
}

#[test]
fn a_damaged_kept_trace_is_analysed_up_to_the_damage() {
    let dir = get_then_set();
    let kept = dir.path().join("kept");
    let kept_s = kept.to_str().unwrap();
    let (code, _, stderr) = maprace(dir.path(), &["race", "--no-confirm", "--keep", kept_s, "--", "go", "run", "."]);
    assert_eq!(code, 1, "{stderr}");
    let trace = fs::read_dir(kept.join("traces")).unwrap().next().unwrap().unwrap().path();
    let mut bytes = fs::read(&trace).unwrap();
    let end = bytes.len() - bytes.iter().rev().position(|&b| b != 0).unwrap();
    // Corrupt the last record's kind: everything before it is still analysed.
    let last = (end - 1) / 32 * 32;
    bytes[last] = 200;
    fs::write(&trace, &bytes).unwrap();
    let (code, stdout, stderr) = maprace(dir.path(), &["race", "--analyze", kept_s]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("MR007"), "{stdout}");
    assert!(stderr.contains("unknown record kind 200") && stderr.contains("valid prefix was analysed"), "{stderr}");
    assert!(stderr.contains("million events/s"), "{stderr}");

    fs::write(&trace, b"not a trace").unwrap();
    let (_, _, stderr) = maprace(dir.path(), &["race", "--analyze", kept_s]);
    assert!(stderr.contains("bad magic"), "{stderr}");
}
