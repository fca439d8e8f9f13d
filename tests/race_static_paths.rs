//! End to end (needs `go` 1.25+ on PATH; fails, not skips, without it): what `maprace race`
//! adds with `check` alongside — static findings on paths the run did not take, reported as
//! `predicted` when the run shows their functions running concurrently — and the wait at the
//! end of `main` (and of a test binary's tests) that lets goroutines nobody waited for be
//! recorded.

use std::fs;
use std::path::Path;

use maprace::race::{RaceOptions, RaceOutcome, run_command};
use maprace::report::Evidence;
use maprace::rules::RuleId;

fn module(main_go: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("go.mod"), "module scenario\n\ngo 1.22\n").unwrap();
    fs::write(dir.path().join("main.go"), main_go).unwrap();
    dir
}

fn run(dir: &Path, args: &[&str], confirm: bool) -> RaceOutcome {
    let mut cmd: Vec<String> = ["go", "run", "."].iter().map(|s| s.to_string()).collect();
    cmd.extend(args.iter().map(|s| s.to_string()));
    let opts = RaceOptions { capture_output: true, confirm, ..RaceOptions::default() };
    let out = run_command(dir, &cmd, &opts).unwrap_or_else(|e| panic!("maprace race failed: {e}"));
    assert!(out.stats.events > 0, "no events recorded; stderr:\n{}", out.stderr);
    out
}

/// `record` writes `failures` without the lock only when its argument says the request
/// failed, which no request of this run does. With an argument, main calls it from two
/// goroutines; without, twice from main itself.
const RARE_PATH: &str = r#"package main

import (
	"fmt"
	"os"
	"sync"
)

type Stats struct {
	mu       sync.Mutex
	served   map[string]int
	failures map[string]int
}

func (s *Stats) record(kind string, failed bool) {
	if failed {
		s.failures[kind]++
		return
	}
	s.mu.Lock()
	s.served[kind]++
	s.mu.Unlock()
}

func main() {
	s := &Stats{served: map[string]int{}, failures: map[string]int{}}
	failed := len(os.Args) > 5
	if len(os.Args) > 1 {
		var wg sync.WaitGroup
		for _, kind := range []string{"get", "put"} {
			wg.Add(1)
			go func() { defer wg.Done(); s.record(kind, failed) }()
		}
		wg.Wait()
	} else {
		s.record("get", failed)
		s.record("put", failed)
	}
	fmt.Println(len(s.served), len(s.failures))
}
"#;

#[test]
fn a_static_finding_on_a_path_not_taken_is_predicted_when_its_function_runs_concurrently() {
    let dir = module(RARE_PATH);
    let out = run(dir.path(), &["concurrent"], true);
    let f = out
        .report
        .findings
        .iter()
        .find(|f| f.line == 17)
        .unwrap_or_else(|| panic!("no finding at main.go:17: {:#?}", out.report.findings));
    assert_eq!((f.rule, f.evidence), (RuleId::MR001, Evidence::Predicted), "{f:#?}");
    assert!(f.message.contains("did not execute main.go:17"), "{}", f.message);
    assert_eq!(f.stacks.len(), 2, "{:#?}", f.stacks);
    assert!(f.stacks.iter().all(|s| s.frames.first().is_some_and(|fr| fr.function.ends_with("record"))), "{:#?}", f.stacks);
    assert_ne!(f.stacks[0].goroutine, f.stacks[1].goroutine);
}

#[test]
fn a_static_finding_whose_functions_ran_in_one_goroutine_is_not_predicted() {
    let dir = module(RARE_PATH);
    let out = run(dir.path(), &[], true);
    assert!(out.report.findings.is_empty(), "{:#?}", out.report.findings);
}

#[test]
fn without_check_nothing_is_predicted_from_the_source() {
    let dir = module(RARE_PATH);
    let out = run(dir.path(), &["concurrent"], false);
    assert!(out.report.findings.is_empty(), "{:#?}", out.report.findings);
}

#[test]
fn goroutines_main_did_not_wait_for_are_recorded_before_the_program_exits() {
    // The article's scenario 1 as published: main returns without waiting, and the goroutines
    // start their map work only after it has.
    let src = r#"package main

import (
	"fmt"
	"time"
)

func main() {
	m := map[string]map[int]string{"users": {}}
	go func() {
		time.Sleep(20 * time.Millisecond)
		fmt.Println(m["users"][123])
	}()
	go func() {
		time.Sleep(20 * time.Millisecond)
		m["users"][123] = "alice"
	}()
	fmt.Println("main returns")
}
"#;
    let dir = module(src);
    let out = run(dir.path(), &[], false);
    assert!(out.report.findings.iter().any(|f| f.rule == RuleId::MR002), "{:#?}\n{}", out.report.findings, out.stderr);
}

fn go_test(files: &[(&str, &str)]) -> RaceOutcome {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("go.mod"), "module leak\n\ngo 1.24\n").unwrap();
    for (name, text) in files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    let cmd: Vec<String> = ["go", "test", "-count=1", "."].iter().map(|s| s.to_string()).collect();
    let opts = RaceOptions { capture_output: true, ..RaceOptions::default() };
    let out = run_command(dir.path(), &cmd, &opts).unwrap_or_else(|e| panic!("maprace race failed: {e}"));
    assert_eq!(out.command_status, Some(0), "go test failed:\n{}{}", out.stdout, out.stderr);
    out
}

/// The goroutines race 20 ms after the only test has returned: a test binary that exits
/// right after its tests would record nothing.
const LEAKY_TEST: &str = r#"package leak

import (
	"testing"
	"time"
)

func TestLeak(t *testing.T) {
	m := map[int]int{}
	go func() { time.Sleep(20 * time.Millisecond); m[1] = 1 }()
	go func() { time.Sleep(20 * time.Millisecond); _ = m[1] }()
}
"#;

#[test]
fn goroutines_a_test_leaves_running_are_recorded_before_the_test_binary_exits() {
    let out = go_test(&[("leak_test.go", LEAKY_TEST)]);
    // Reported at the later of the two accesses: either goroutine may run first.
    assert!(out.report.findings.iter().any(|f| f.rule == RuleId::MR001 && (f.line == 10 || f.line == 11)), "{:#?}", out.report.findings);
}

#[test]
fn a_users_test_main_gets_the_same_wait() {
    let main = "package leak\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\nfunc TestMain(m *testing.M) {\n\tcode := m.Run()\n\tos.Exit(code)\n}\n";
    let out = go_test(&[("leak_test.go", LEAKY_TEST), ("main_test.go", main)]);
    // Reported at the later of the two accesses: either goroutine may run first.
    assert!(out.report.findings.iter().any(|f| f.rule == RuleId::MR001 && (f.line == 10 || f.line == 11)), "{:#?}", out.report.findings);
}
