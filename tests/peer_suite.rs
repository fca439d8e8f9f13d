//! Go's own race-detector tests as a peer's test suite: in
//! `$(go env GOROOT)/src/runtime/race/testdata`, every race on a map object in map_test.go
//! must be found, and no `TestNoRace*` function of any file may be reported.

use std::path::{Path, PathBuf};
use std::process::Command;

use maprace::check::{CheckOptions, check_paths};

fn race_testdata() -> PathBuf {
    let out = Command::new("go").args(["env", "GOROOT"]).output().expect("the Go toolchain must be installed: `go env GOROOT` failed");
    assert!(out.status.success(), "go env GOROOT failed");
    let root = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Path::new(&root).join("src/runtime/race/testdata")
}

/// (name, first line, last line) of each top-level test function.
fn test_functions(file: &Path) -> Vec<(String, u32, u32)> {
    let text = std::fs::read_to_string(file).expect("readable");
    let lines: Vec<&str> = text.lines().collect();
    let starts: Vec<(String, u32)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let rest = l.strip_prefix("func ")?;
            let name = rest.split('(').next()?;
            name.starts_with("Test").then(|| (name.to_string(), i as u32 + 1))
        })
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(n, (name, start))| {
            let end = starts.get(n + 1).map(|s| s.1 - 1).unwrap_or(lines.len() as u32);
            (name.clone(), *start, end)
        })
        .collect()
}

/// Races on key or value variables copied into the map (not the map object): a bonus.
fn is_key_or_value_race(name: &str) -> bool {
    ["PartKey", "PartVal", "BigKey", "BigVal", "AssignMultipleReturn"].iter().any(|p| name.contains(p))
}

#[test]
fn map_races_found_and_no_race_tests_silent() {
    let dir = race_testdata();
    let outcome = check_paths(&[dir.display().to_string()], &CheckOptions::defaults());
    let mut missed = Vec::new();
    let mut false_positives = Vec::new();
    let mut required = 0;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).expect("testdata readable").flatten().map(|e| e.path()).collect();
    files.sort();
    for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "go")) {
        for (name, start, end) in test_functions(file) {
            let hit = outcome.report.findings.iter().any(|f| &f.file == file && (start..=end).contains(&f.line));
            if name.starts_with("TestNoRace") && hit {
                false_positives.push(format!("{}:{name}", file.display()));
            }
            let map_test = file.file_name().is_some_and(|n| n == "map_test.go");
            if map_test && name.starts_with("TestRace") && !is_key_or_value_race(&name) {
                required += 1;
                if !hit {
                    missed.push(name.clone());
                }
            }
        }
    }
    assert!(required >= 10, "map_test.go changed shape: only {required} map-object races");
    assert!(missed.is_empty(), "map-object races not found: {missed:?}");
    assert!(false_positives.is_empty(), "TestNoRace* reported: {false_positives:?}");
}
