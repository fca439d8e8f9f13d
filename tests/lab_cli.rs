//! `maprace lab` end to end: the runner's counting on tiny scenarios with known outcomes, the
//! embedded corpus from another directory, and the one-line failures. Needs `go` with race
//! support on PATH; without it these tests fail rather than skip.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn maprace(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maprace"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the maprace binary runs")
}

fn scenario(corpus: &Path, name: &str, source: &str) {
    let dir = corpus.join(name);
    fs::create_dir_all(&dir).expect("create scenario dir");
    fs::write(dir.join("main.go"), source).expect("write scenario");
}

fn json(out: &Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "maprace lab failed (is `go` with -race support on PATH?)\nstderr: {}\nstdout: {stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).expect("lab prints JSON")
}

fn row<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["scenarios"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["name"] == name))
        .unwrap_or_else(|| panic!("row {name} in {report}"))
}

const ALWAYS_RACE: &str = r#"// lab: expected=racy rule=MR001 race_expected=true
package main

import "sync"

func main() {
	m := map[int]int{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); m[1] = 1 }()
	go func() { defer wg.Done(); _ = m[1] }()
	wg.Wait()
}
"#;

const LOSES_THREE: &str = r#"// lab: expected=racy rule=MR007 race_expected=false
// lab: variant=none args="0" title="loses nothing"
package main

import (
	"fmt"
	"os"
)

func main() {
	n := "3"
	if len(os.Args) > 1 {
		n = os.Args[1]
	}
	fmt.Println("LOST_UPDATES=" + n)
}
"#;

const HANGS: &str = r#"// lab: expected=safe race_expected=false
package main

import "time"

func main() {
	for {
		time.Sleep(time.Millisecond)
	}
}
"#;

const QUIET: &str = r#"// lab: expected=safe race_expected=false
package main

import "fmt"

func main() {
	done := make(chan map[string]int)
	go func() { done <- map[string]int{"a": 1} }()
	m := <-done
	m["b"] = 2
	fmt.Println(len(m))
}
"#;

#[test]
fn lab_counts_races_lost_updates_and_hung_runs_per_row() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = tmp.path().join("corpus");
    scenario(&corpus, "always-race", ALWAYS_RACE);
    scenario(&corpus, "loses-three", LOSES_THREE);
    scenario(&corpus, "hangs", HANGS);
    scenario(&corpus, "quiet", QUIET);
    let corpus = corpus.display().to_string();
    let out = maprace(
        &["lab", "--corpus", &corpus, "--runs", "2", "--timeout", "2", "--format", "json"],
        tmp.path(),
    );
    let report = json(&out);
    assert!(report["go_version"].as_str().is_some_and(|v| v.starts_with("go")), "{report}");
    assert_eq!(report["runs"], 2);
    assert!(report["cpus"].as_u64().is_some_and(|n| n >= 1));

    let r = row(&report, "always-race");
    assert_eq!((r["race_reports"].as_u64(), r["lost_update_runs"].as_u64()), (Some(2), Some(0)), "{r}");
    assert_eq!(r["expected"], "racy");
    assert_eq!(r["rule"], "MR001");
    assert_eq!(r["maprace_race"], true, "maprace race reports it too: {r}");

    let r = row(&report, "loses-three");
    assert_eq!((r["race_reports"].as_u64(), r["lost_update_runs"].as_u64()), (Some(0), Some(2)), "{r}");
    assert_eq!(r["lost_updates_total"], 6);
    let r = row(&report, "loses-three/none");
    assert_eq!(r["lost_update_runs"], 0, "{r}");
    assert_eq!(r["title"], "loses nothing");

    let r = row(&report, "hangs");
    assert_eq!(r["timeouts"], 2, "{r}");
    assert_eq!(r["failed_runs"], 0, "{r}");

    let r = row(&report, "quiet");
    assert_eq!(
        (r["race_reports"].as_u64(), r["fatal_crashes"].as_u64(), r["timeouts"].as_u64(), r["failed_runs"].as_u64()),
        (Some(0), Some(0), Some(0), Some(0)),
        "{r}"
    );
    assert_eq!(r["expected"], "safe");
    assert!(r["rule"].is_null());
    assert_eq!(r["maprace_check"], false, "a safe control must not be flagged");
}

#[test]
fn lab_runs_the_embedded_corpus_from_any_directory_and_writes_the_chart() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let svg = tmp.path().join("lab.svg");
    let svg_arg = svg.display().to_string();
    let out = maprace(&["lab", "--runs", "1", "--scenario", "s1-waitgroup", "--format", "md", "--svg", &svg_arg], tmp.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let line = stdout.lines().find(|l| l.contains("(`s1-waitgroup`)")).expect("a table row for s1-waitgroup");
    assert!(line.contains("| 1/1 |"), "-race reports the WaitGroup version of S1: {line}");
    let chart = fs::read_to_string(&svg).expect("chart written");
    assert!(chart.contains("<svg") && chart.contains("s1-waitgroup"));
}

#[test]
fn lab_without_go_on_path_says_so_in_one_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_maprace"))
        .args(["lab", "--runs", "1", "--scenario", "s1-waitgroup"])
        .env("PATH", tmp.path())
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("maprace lab: `go` is not on PATH"), "{stderr}");
}

#[test]
fn lab_reports_a_scenario_that_does_not_build_in_one_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = tmp.path().join("corpus");
    scenario(&corpus, "broken", "// lab: expected=safe race_expected=false\npackage main\n\nfunc main() { undefinedThing() }\n");
    let corpus = corpus.display().to_string();
    let out = maprace(&["lab", "--corpus", &corpus, "--runs", "1"], tmp.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("scenario broken does not build"), "{stderr}");
    assert!(stderr.contains("undefined: undefinedThing"), "{stderr}");
}

#[test]
fn lab_rejects_unknown_scenarios_and_lists_known_ones() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = maprace(&["lab", "--scenario", "no-such-thing"], tmp.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr.trim(), "maprace lab: unknown scenario no-such-thing; `maprace lab --list` shows them");

    let out = maprace(&["lab", "--list"], tmp.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(stdout.lines().any(|l| l.starts_with("s3-split-lock ") && l.contains("racy MR004")), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("safe-recheck ") && l.contains(" safe ")), "{stdout}");
}

/// On linux `-race` needs cgo, so `CGO_ENABLED=0` stands in for a Go without race support.
#[cfg(target_os = "linux")]
#[test]
fn lab_without_race_support_says_so_in_one_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_maprace"))
        .args(["lab", "--runs", "1", "--scenario", "s1-waitgroup"])
        .env("CGO_ENABLED", "0")
        .current_dir(tmp.path())
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("cannot build with -race: go: -race requires cgo"), "{stderr}");
}
