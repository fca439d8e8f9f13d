//! End to end: real Go programs run under `maprace race` (needs `go` 1.25+ on PATH; these tests
//! fail, not skip, without it). Scenarios come from the lab's corpus, lab/scenarios; each one's
//! `// lab: expected=... rule=...` header says what is expected, and each test checks that the
//! header still says what the test asserts.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{lab_expect, lab_source};
use maprace::race::{RaceOptions, RaceOutcome, run_command};
use maprace::report::Evidence;
use maprace::rules::RuleId;

fn module(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("go.mod"), "module scenario\n\ngo 1.22\n").unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}

fn run(dir: &Path, cmd: &[&str]) -> RaceOutcome {
    let cmd: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
    let opts = RaceOptions { capture_output: true, ..RaceOptions::default() };
    run_command(dir, &cmd, &opts).unwrap_or_else(|e| panic!("maprace race failed: {e}"))
}

/// Runs the scenario's base program (no variant arguments) under `maprace race -- go run .`
/// after checking that its header says `expected` (and `rule`).
fn scenario(name: &str, expected: &str, rule: Option<RuleId>) -> Vec<(RuleId, Evidence)> {
    scenario_with(name, expected, rule, &[])
}

/// `scenario`, running the program with these arguments.
fn scenario_with(name: &str, expected: &str, rule: Option<RuleId>, args: &[&str]) -> Vec<(RuleId, Evidence)> {
    let src = lab_source(name);
    let expect = lab_expect(name, &src);
    assert_eq!(expect.expected, expected, "{name}: the lab header says expected={}", expect.expected);
    assert_eq!(expect.rule, rule.map(|r| r.to_string()), "{name}: the lab header names another rule");
    let dir = module(&[("main.go", &src)]);
    let cmd: Vec<&str> = ["go", "run", "."].iter().copied().chain(args.iter().copied()).collect();
    let out = run(dir.path(), &cmd);
    assert!(out.stats.events > 0, "{name}: no events recorded; stderr:\n{}", out.stderr);
    out.report.findings.iter().map(|f| (f.rule, f.evidence)).collect()
}

fn assert_reports(name: &str, rule: RuleId) {
    let found = scenario(name, "racy", Some(rule));
    assert!(found.iter().any(|(r, _)| *r == rule), "{name}: expected {rule}, got {found:?}");
}

fn assert_safe(name: &str) {
    let found = scenario(name, "safe", None);
    assert!(found.is_empty(), "{name}: expected no report, got {found:?}");
}

#[test]
fn split_lock_lazy_init_is_mr004() {
    assert_reports("s3-split-lock", RuleId::MR004);
}

#[test]
fn sync_map_load_then_store_is_mr005() {
    assert_reports("syncmap-load-store", RuleId::MR005);
}

#[test]
fn get_then_set_is_mr007() {
    assert_reports("get-then-set", RuleId::MR007);
}

#[test]
fn race_masked_by_an_unrelated_mutex_is_predicted() {
    // The second request 200 ms after the first (the scenario's default is 1 ms): on a loaded
    // 2-core CI machine the first handler was sometimes still running when the second
    // started, the race was observed rather than masked, and the test failed. With the
    // wider gap the logger's mutex orders the two writes, which is what this test is about.
    let found = scenario_with("masked-by-logger", "racy", Some(RuleId::MR001), &["-stagger=200ms"]);
    assert!(found.contains(&(RuleId::MR001, Evidence::Predicted)), "{found:?}");
}

#[test]
fn outer_read_inner_write_is_mr002() {
    assert_reports("s1-waitgroup", RuleId::MR002);
}

#[test]
fn safe_controls_are_silent() {
    for name in ["safe-recheck", "safe-cow-atomic", "safe-channel-handoff", "safe-loadorstore", "safe-once", "safe-locked-get-set"] {
        assert_safe(name);
    }
}

fn read_tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(read_tree(&p));
        } else {
            out.insert(p.clone(), fs::read(&p).unwrap());
        }
    }
    out
}

const CACHE_GO: &str = r#"package cache

import "sync"

type Cache struct {
	mu sync.Mutex
	m  map[string]int
}

func New() *Cache { return &Cache{m: map[string]int{}} }

func (c *Cache) Get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

func (c *Cache) Set(k string, v int) {
	c.mu.Lock()
	c.m[k] = v
	c.mu.Unlock()
}

func (c *Cache) Incr(k string) { c.Set(k, c.Get(k)+1) }
"#;

const CACHE_TEST_GO: &str = r#"package cache

import (
	"sync"
	"testing"
)

func TestIncr(t *testing.T) {
	c := New()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				c.Incr("hits")
			}
		}()
	}
	wg.Wait()
}
"#;

#[test]
fn go_test_runs_instrumented_and_leaves_user_files_untouched() {
    let dir = module(&[("internal/cache/cache.go", CACHE_GO), ("internal/cache/cache_test.go", CACHE_TEST_GO)]);
    let before = read_tree(dir.path());
    let out = run(dir.path(), &["go", "test", "-count=1", "./..."]);
    assert_eq!(out.command_status, Some(0), "go test failed:\n{}{}", out.stdout, out.stderr);
    let f = out
        .report
        .findings
        .iter()
        .find(|f| f.rule == RuleId::MR007 && f.file.ends_with("internal/cache/cache.go") && f.line == 20)
        .unwrap_or_else(|| panic!("no MR007 at cache.go:20 (the act of Incr): {:#?}", out.report.findings));
    assert!(f.stacks.len() >= 2 && f.stacks.iter().all(|s| !s.frames.is_empty()), "{:#?}", f.stacks);
    assert!(f.stacks[0].frames.iter().any(|fr| fr.function.ends_with("Incr") && fr.line == 24), "{:#?}", f.stacks);
    assert_eq!(before, read_tree(dir.path()), "the user's tree changed");
}

#[test]
fn the_trace_survives_os_exit() {
    let src = r#"package main

import (
	"os"
	"sync"
)

func main() {
	m := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Add(2)
	for g := 0; g < 2; g++ {
		go func() {
			defer wg.Done()
			mu.Lock()
			n := len(m)
			mu.Unlock()
			if n < 100 {
				m[n] = n
			}
		}()
	}
	wg.Wait()
	os.Exit(3)
}
"#;
    let dir = module(&[("main.go", src)]);
    let out = run(dir.path(), &["go", "run", "."]);
    assert_ne!(out.command_status, Some(0));
    assert!(out.report.findings.iter().any(|f| f.line == 20), "{:#?}", out.report.findings);
}

#[test]
fn the_trace_survives_a_process_killed_without_any_cleanup() {
    // SIGKILL: no deferred calls, no exit hooks, no buffers flushed; what Go's fatal
    // "concurrent map writes" leaves behind is no better.
    let src = r#"package main

import (
	"os"
	"sync"
	"syscall"
)

func main() {
	m := map[int]int{}
	var wg sync.WaitGroup
	wg.Add(2)
	for g := 0; g < 2; g++ {
		go func() {
			defer wg.Done()
			m[g] = g
		}()
	}
	wg.Wait()
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
}
"#;
    let dir = module(&[("main.go", src)]);
    let out = run(dir.path(), &["go", "run", "."]);
    assert_ne!(out.command_status, Some(0));
    assert!(out.report.findings.iter().any(|f| f.rule == RuleId::MR001 && f.line == 16), "{:#?}", out.report.findings);
}

/// Constructs the rewriting must keep compiling and meaning the same, all correctly
/// synchronised: the run must succeed, print what the plain program prints, and report nothing.
const TRICKY_GO: &str = r#"package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

type Box struct {
	sync.Mutex
	m map[string]int
}

type Names map[string]int

type ID string

func sum(base int64, xs ...int) int64 {
	for _, x := range xs {
		base += int64(x)
	}
	return base
}

func main() {
	m := map[string]int{}
	var wg sync.WaitGroup
	wg.Go(func() { m["a"] = 1 })
	wg.Wait()

	var mu sync.Mutex
	c := sync.NewCond(&mu)
	ready := false
	go func() {
		m["b"] = 2
		mu.Lock()
		ready = true
		c.Broadcast()
		mu.Unlock()
	}()
	mu.Lock()
	for !ready {
		c.Wait()
	}
	mu.Unlock()

	ch := make(chan int)
	go func() { m["c"] = 3; ch <- 1 }()
	select {
	case v := <-ch:
		_ = v
	case <-time.After(10 * time.Second):
	}

	var flag int32
	go func() { m["d"] = 4; atomic.StoreInt32(&flag, 1) }()
	for atomic.LoadInt32(&flag) == 0 {
		time.Sleep(time.Millisecond)
	}

	var ok atomic.Bool
	b := &Box{m: map[string]int{}}
	out := make(chan int)
	go func() {
		b.Lock()
		b.m["x"]++
		b.Unlock()
		ok.Store(true)
		for i := 0; i < 3; i++ {
			out <- i
		}
		close(out)
	}()
	for v := range out {
		_ = v
	}

	results := make(chan int64, 1)
	xs := []int{1, 2}
	go func(r chan<- int64) { r <- sum(40, xs...) }(results)
	const base = 1
	go func(n int64, r chan<- int64) { r <- n }(base+1, results)
	total := <-results + <-results

	byAny := map[any]int{}
	var id ID = "q"
	byAny[id] = 5
	names := Names{"n": 6}
	if v, found := names["n"]; found {
		names["n"] = v + byAny[id]
	}
	delete(names, "missing")

	done := make(chan bool, 1)
L:
	for i := 0; i < 3; i++ {
	S:
		select {
		case done <- true:
			if i == 0 {
				break S
			}
		case <-done:
			continue L
		}
	}
	var once sync.Once
	for i := 0; i < 2; i++ {
		once.Do(func() { m["e"] = 7 })
	}
	b.Lock()
	fmt.Println(len(m), m["e"], b.m["x"], ok.Load(), total, names["n"], len(byAny))
	b.Unlock()
}
"#;

#[test]
fn tricky_constructs_compile_behave_the_same_and_stay_silent() {
    let dir = module(&[("main.go", TRICKY_GO)]);
    let out = run(dir.path(), &["go", "run", "."]);
    assert_eq!(out.command_status, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout.trim(), "5 7 1 true 45 11 1", "the plain program prints this");
    assert!(out.report.findings.is_empty(), "{:#?}", out.report.findings);
    assert!(out.skipped.is_empty(), "{:?}", out.skipped);
}

/// `-race` in the command: Go's race detector runs alongside maprace's instrumentation. Racy
/// scenarios keep maprace's rule (Go's reports merged into it or added as GORACE); safe
/// controls stay silent on both sides: maprace's runtime support (its trace mutex, its tables,
/// key formatting) is invisible to the detector and checkptr-clean.
#[test]
fn lab_scenarios_under_go_run_race() {
    for (name, rule) in [("s1-waitgroup", Some(RuleId::MR002)), ("get-then-set", Some(RuleId::MR007)), ("two-locks", Some(RuleId::MR009))] {
        let src = lab_source(name);
        let expect = lab_expect(name, &src);
        assert_eq!(expect.rule, rule.map(|r| r.to_string()), "{name}: the lab header changed");
        let dir = module(&[("main.go", &src)]);
        let out = run(dir.path(), &["go", "run", "-race", "."]);
        assert!(!out.stderr.contains("checkptr"), "{name}: {}", out.stderr);
        let rules: Vec<RuleId> = out.report.findings.iter().map(|f| f.rule).collect();
        assert!(rules.contains(&rule.unwrap()), "{name}: {rules:?}\n{}", out.stderr);
        // Go's reports on the map are merged, never a second finding for the same race.
        assert!(!rules.contains(&RuleId::GORACE), "{name}: {rules:?}\n{}", out.stderr);
    }
    for name in ["safe-recheck", "safe-channel-handoff", "safe-once", "safe-locked-get-set", "safe-after-wait"] {
        let src = lab_source(name);
        assert_eq!(lab_expect(name, &src).expected, "safe", "{name}");
        let dir = module(&[("main.go", &src)]);
        let out = run(dir.path(), &["go", "run", "-race", "."]);
        assert!(!out.stderr.contains("DATA RACE") && !out.stderr.contains("checkptr"), "{name}: {}", out.stderr);
        assert!(out.report.findings.is_empty(), "{name}: {:?}", out.report.findings);
        assert!(out.stats.events > 0, "{name}");
    }
}

/// A test package under `go test -race`: a race in a test is one finding, and a test package
/// without races gives nothing, with or without -race.
#[test]
fn a_test_package_under_go_test_race() {
    let dir = module(&[("cache/cache.go", CACHE_GO), ("cache/cache_test.go", CACHE_TEST_GO)]);
    let out = run(dir.path(), &["go", "test", "-race", "./cache"]);
    assert!(!out.stdout.contains("checkptr") && !out.stdout.contains("(cached)"), "{}", out.stdout);
    assert!(out.report.findings.iter().any(|f| f.rule == RuleId::MR007), "{:?}\n{}", out.report.findings, out.stdout);
    assert!(!out.report.findings.iter().any(|f| f.rule == RuleId::GORACE), "{:?}\n{}", out.report.findings, out.stdout);
}
