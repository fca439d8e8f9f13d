//! `maprace race` through the binary, for everything around the analysis: `-race` in the
//! user's command (checkptr, Go's own reports merged), fresh `go test` runs, runs that record
//! nothing, programs that panic, exit, are killed or time out, builds that fail, maprace itself
//! interrupted, map identity across address reuse, and the trace's disk budget. Every case
//! checks that the user's files are byte-identical afterwards and that maprace's temporary
//! directory is gone. Needs `go` 1.25+ on PATH.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};


/// A module with `files`, and its own TMPDIR (to see what maprace leaves behind).
struct Module {
    dir: tempfile::TempDir,
    tmp: tempfile::TempDir,
}

impl Module {
    fn new(files: &[(&str, &str)]) -> Module {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("go.mod"), "module scenario\n\ngo 1.22\n").unwrap();
        for (name, text) in files {
            let p = dir.path().join(name);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        Module { dir, tmp: tempfile::tempdir().unwrap() }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// maprace with its own TMPDIR, and its traces there too (instead of /dev/shm), so that
    /// what it leaves behind can be seen.
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_maprace"));
        c.args(args).current_dir(self.path()).env("TMPDIR", self.tmp.path()).env("MAPRACE_MEMORY_DIR", self.tmp.path()).stdin(Stdio::null());
        c
    }

    /// Runs maprace to completion: (exit code, stdout, stderr).
    fn maprace(&self, args: &[&str]) -> (i32, String, String) {
        self.maprace_env(args, &[])
    }

    fn maprace_env(&self, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
        let before = snapshot(self.path());
        let mut c = self.command(args);
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        let r = (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned());
        self.assert_untouched(&before, &r.2);
        r
    }

    /// The user's tree is byte-identical and maprace's temporary directories are gone.
    fn assert_untouched(&self, before: &BTreeMap<PathBuf, Vec<u8>>, stderr: &str) {
        assert_eq!(&snapshot(self.path()), before, "the user's files changed; stderr:\n{stderr}");
        let left: Vec<String> = fs::read_dir(self.tmp.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("maprace"))
            .collect();
        assert!(left.is_empty(), "temporary directories left behind: {left:?}; stderr:\n{stderr}");
    }
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Two goroutines write one map (a map race both maprace and -race see), and a struct field
/// (a race only -race reports: maprace records maps). `tail` runs at the end of main.
/// Two goroutines write one map with no happens-before between them (a race for the
/// engine), the second 20 ms after the first: never at the same instant, so Go's runtime
/// does not abort the program with "concurrent map writes" before the test's own ending.
fn racy_main(tail: &str, imports: &str) -> String {
    format!(
        r#"package main

import (
	"fmt"
	"sync"
	"time"
	{imports}
)

type counter struct{{ n int }}

func main() {{
	m := map[int]int{{}}
	c := &counter{{}}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {{
		wg.Add(1)
		go func() {{
			defer wg.Done()
			time.Sleep(time.Duration(i) * 20 * time.Millisecond)
			m[i] = i
			c.n++
		}}()
	}}
	wg.Wait()
	fmt.Println("LEN", len(m), c.n)
	{tail}
}}
"#
    )
}

fn racy_test() -> &'static str {
    "package main\n\nimport \"testing\"\n\nfunc TestRacy(t *testing.T) { main() }\n"
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn rules(report: &serde_json::Value) -> Vec<String> {
    report["findings"].as_array().map(|a| a.iter().map(|f| f["rule"].as_str().unwrap_or("").to_string()).collect()).unwrap_or_default()
}

#[test]
fn go_run_race_is_checkptr_clean_and_reports_are_merged() {
    let m = Module::new(&[("main.go", &racy_main("", ""))]);
    let (code, stdout, stderr) = m.maprace(&["race", "--no-confirm", "--format", "json", "--", "go", "run", "-race", "."]);
    assert!(!stderr.contains("checkptr"), "{stderr}");
    assert_eq!(code, 1, "{stderr}");
    // The program's own output, Go's report included, still reaches the user.
    assert!(stderr.contains("WARNING: DATA RACE") && stderr.contains("LEN 2"), "{stderr}");
    // No report is about maprace's own support code.
    assert!(!stderr.contains("maprace.dev/rt.emit") && !stderr.contains("maprace.dev/rt.cur"), "{stderr}");
    let report = json(&stdout);
    let rules = rules(&report);
    // The map race is one finding, seen by both; the field race is GORACE.
    assert_eq!(rules.iter().filter(|r| *r == "MR001").count(), 1, "{report}");
    assert_eq!(rules.iter().filter(|r| *r == "GORACE").count(), 1, "{report}");
    let mr001 = report["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "MR001").unwrap();
    assert!(mr001["message"].as_str().unwrap().contains("also reported by Go's race detector"), "{mr001}");
    let gorace = report["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "GORACE").unwrap();
    let main_go = racy_main("", "");
    let line_of = |text: &str| main_go.lines().position(|l| l.contains(text)).map(|i| i as u64 + 1);
    assert_eq!(gorace["line"].as_u64(), line_of("c.n++"), "the c.n++ line: {gorace}");
    assert_eq!(gorace["stacks"].as_array().map(|s| s.len()), Some(2), "{gorace}");
    // Go's stacks without maprace's wrapper closure, created at the go statement's line.
    let frames = gorace["stacks"][0]["frames"].as_array().unwrap();
    assert_eq!(frames.len(), 2, "{gorace}");
    assert_eq!(frames[0]["line"].as_u64(), line_of("c.n++"), "{gorace}");
    assert!(frames[1]["function"].as_str().unwrap().starts_with("created by main.main"), "{gorace}");
    assert_eq!(frames[1]["line"].as_u64(), line_of("go func()"), "{gorace}");
}

#[test]
fn go_test_race_twice_reports_both_times_and_sarif_has_gorace() {
    let m = Module::new(&[("main.go", &racy_main("", "")), ("main_test.go", racy_test())]);
    for _ in 0..2 {
        let (code, stdout, stderr) = m.maprace(&["race", "--no-confirm", "--format", "sarif", "--", "go", "test", "-race", "."]);
        assert_eq!(code, 1, "{stderr}");
        assert!(!stderr.contains("(cached)"), "{stderr}");
        let sarif = json(&stdout);
        let ids: Vec<&str> = sarif["runs"][0]["results"].as_array().unwrap().iter().filter_map(|r| r["ruleId"].as_str()).collect();
        assert!(ids.contains(&"MR001") && ids.contains(&"GORACE"), "{ids:?}");
    }
    // The same without -race: maprace alone, fresh each time.
    for _ in 0..2 {
        let (code, stdout, stderr) = m.maprace(&["race", "--no-confirm", "--", "go", "test", "."]);
        assert_eq!(code, 1, "{stderr}");
        assert!(stdout.contains("MR001"), "{stdout}");
    }
}

/// A test leaves a janitor running (recording every millisecond, forever) and two goroutines
/// that race on a map 300 ms after the test has returned. Under -race the test binary's exit
/// already sleeps atexit_sleep_ms with the goroutines running, so maprace's own exit wait
/// (MAPRACE_ATEXIT_MS) must not come on top of it: it once did, which cost go-cache's one-package
/// suite a second (1.65x of `go test -race`). The late race is still recorded. A failing run
/// exits with code 1, for which the race runtime does not sleep: maprace waits while the two
/// goroutines have recorded nothing yet, then stops once the trace shows nothing new for a
/// moment. The janitor repeating the same accesses does not hold it for the whole limit: that
/// held every go-cache run a full second (1.07x of `go test -race`).
#[test]
fn under_race_the_exit_wait_is_the_race_runtimes_sleep_not_both() {
    let leak = r#"package leak

import (
	"os"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestLeak(t *testing.T) {
	os.WriteFile("t0", []byte(strconv.FormatInt(time.Now().UnixNano(), 10)), 0o644)
	var mu sync.Mutex
	tick := map[int]int{}
	go func() {
		for i := 0; ; i++ {
			mu.Lock()
			tick[i%8] = i
			mu.Unlock()
			time.Sleep(time.Millisecond)
		}
	}()
	m := map[int]int{}
	go func() { time.Sleep(300 * time.Millisecond); m[1] = 1 }()
	go func() { time.Sleep(300 * time.Millisecond); _ = m[1] }()
	if os.Getenv("LEAK_FAIL") != "" {
		t.Fail()
	}
}
"#;
    // Both waits 3 s: the old double wait took over 6 s from the test's start to maprace's end.
    let env = [("MAPRACE_ATEXIT_MS", "3000"), ("GORACE", "atexit_sleep_ms=3000"), ("MAPRACE_TIMES", "1")];
    for fail in [false, true] {
        let m = Module::new(&[("leak_test.go", leak)]);
        let mut env = env.to_vec();
        if fail {
            env.push(("LEAK_FAIL", "1"));
        }
        let before = snapshot(m.path());
        let mut c = m.command(&["race", "--no-confirm", "--format", "json", "--", "go", "test", "-race", "."]);
        c.envs(env);
        let out = c.output().unwrap();
        let end = std::time::SystemTime::now();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        let t0 = fs::read_to_string(m.path().join("t0")).unwrap_or_else(|e| panic!("{e}: {stderr}"));
        fs::remove_file(m.path().join("t0")).unwrap();
        m.assert_untouched(&before, &stderr);
        let t0 = std::time::UNIX_EPOCH + Duration::from_nanos(t0.trim().parse().unwrap());
        let waited = end.duration_since(t0).unwrap();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(rules(&json(&stdout)).contains(&"MR001".to_string()), "fail={fail}: {stdout}\n{stderr}");
        if fail {
            assert!(waited >= Duration::from_millis(300), "{waited:?}: the exit wait did not wait for the late goroutines\n{stderr}");
            assert!(waited < Duration::from_millis(2000), "{waited:?}: the janitor's repeated records held the exit wait\n{stderr}");
        } else {
            assert!(waited >= Duration::from_millis(2900), "{waited:?}: the race runtime's exit sleep was skipped\n{stderr}");
            assert!(waited < Duration::from_millis(5000), "{waited:?}: maprace's exit wait came on top of the race runtime's\n{stderr}");
        }
        // MAPRACE_TIMES: where maprace's own time went.
        assert!(stderr.contains("maprace race: times: go version, tools ") && stderr.contains(", command "), "{stderr}");
    }
}

/// Under -race the trace lock is invisible to the detector (RaceDisable), so whatever the
/// runtime support does under it must share nothing the detector checks. Opening a trace
/// segment once went through syscall.Mmap, whose package-level table of mappings (guarded by a
/// mutex the detector then ignored) was reported as a data race between two goroutines that
/// each mapped something: gin's suite failed under `maprace race -- go test -race` and not
/// under `go test -race`. Here a goroutine fills a map just past the first 4 MiB segment (131,072
/// records), so it opens the next one, and the test goroutine then maps a file itself, ordered
/// after it only by a marker file (no synchronisation the detector sees).
#[test]
fn go_test_race_sees_no_race_in_the_runtime_supports_segment_mapping() {
    let test = r#"package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestMapAfterRotation(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "done")
	go func() {
		m := map[string]int{}
		for i := 0; i < 131100; i++ {
			m["k"] = i
		}
		os.WriteFile(marker, nil, 0o644)
	}()
	for start := time.Now(); time.Since(start) < time.Minute; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(marker); err == nil {
			break
		}
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "region"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Truncate(4096)
	b, err := syscall.Mmap(int(f.Fd()), 0, 4096, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	syscall.Munmap(b)
}
"#;
    let m = Module::new(&[("map_test.go", test)]);
    let (code, stdout, stderr) =
        m.maprace_env(&["race", "--no-confirm", "--", "go", "test", "-race", "."], &[("GORACE", "history_size=7")]);
    // The command's output (go test's stdout) reaches stdout in the text format.
    let all = format!("{stdout}{stderr}");
    assert!(!all.contains("WARNING: DATA RACE") && !all.contains("mmapper"), "{all}");
    assert!(all.contains("ok  \tscenario"), "{all}");
    // The goroutine did open a second segment.
    let bytes: u64 = stderr.split(" bytes").next().and_then(|s| s.rsplit(' ').next()).and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(bytes > 4 << 20, "{stderr}");
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[test]
fn a_command_that_records_nothing_says_so_and_exits_2() {
    let m = Module::new(&[("main.go", &racy_main("", ""))]);
    let (code, _, stderr) = m.maprace(&["race", "--no-confirm", "--", "ls"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("nothing was recorded"), "{stderr}");
}

#[test]
fn a_build_that_fails_leaves_everything_as_it_was() {
    let m = Module::new(&[("main.go", &racy_main("", "")), ("broken/b.go", "package broken\n\nfunc F() int { return \"x\" }\n")]);
    let (code, _, stderr) = m.maprace(&["race", "--no-confirm", "--", "go", "build", "./broken"]);
    assert_eq!(code, 2, "{stderr}");
    let m = Module::new(&[("main.go", &racy_main("", "")), ("syntax/b.go", "package syntax\n\nfunc F( {\n")]);
    let (code, _, stderr) = m.maprace(&["race", "--no-confirm", "--", "go", "build", "./syntax"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn a_panicking_or_exiting_or_self_killed_program_is_still_analysed() {
    for (tail, imports) in [
        ("panic(\"boom\")", ""),
        ("os.Exit(3)", "\"os\""),
        ("syscall.Kill(os.Getpid(), syscall.SIGKILL)", "\"os\"\n\t\"syscall\""),
    ] {
        let m = Module::new(&[("main.go", &racy_main(tail, imports))]);
        let (code, stdout, stderr) = m.maprace(&["race", "--no-confirm", "--", "go", "run", "."]);
        assert_eq!(code, 1, "{tail}: {stderr}");
        assert!(stdout.contains("MR001"), "{tail}: {stdout}\n{stderr}");
    }
}

#[test]
fn a_test_that_runs_out_of_time_is_still_analysed() {
    let hang = "package main\n\nimport (\n\t\"testing\"\n\t\"time\"\n)\n\nfunc TestHang(t *testing.T) { main(); time.Sleep(time.Minute) }\n";
    let m = Module::new(&[("main.go", &racy_main("", "")), ("main_test.go", hang)]);
    let start = Instant::now();
    let (code, stdout, stderr) = m.maprace(&["race", "--no-confirm", "--", "go", "test", "-timeout", "2s", "."]);
    assert!(start.elapsed() < Duration::from_secs(60));
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("MR001"), "{stdout}\n{stderr}");
}

/// maprace is sent `sig` while the program (which raced, then waits forever) runs: the signal
/// reaches the program, the trace is analysed, the temp directory removed, exit 128+sig.
fn interrupted(sig: libc::c_int) {
    let forever = racy_main("fmt.Println(\"WAITING\"); time.Sleep(time.Hour)", "");
    let m = Module::new(&[("main.go", &forever)]);
    let before = snapshot(m.path());
    let child = m.command(&["race", "--no-confirm", "--", "go", "run", "."]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let stderr_pipe = child.stderr.unwrap();
    let stdout_pipe = child.stdout.unwrap();
    // The program's stdout reaches maprace's: wait for WAITING there.
    let out_reader = std::thread::spawn(move || {
        use std::io::{BufRead, BufReader};
        let mut lines = BufReader::new(stdout_pipe).lines();
        let mut all = String::new();
        let mut signalled = false;
        while let Some(Ok(l)) = lines.next() {
            all.push_str(&l);
            all.push('\n');
            if l.contains("WAITING") && !signalled {
                // SAFETY: signals the maprace process this test started.
                unsafe { libc::kill(pid, sig) };
                signalled = true;
            }
        }
        all
    });
    let err_reader = std::thread::spawn(move || {
        use std::io::Read;
        let mut s = String::new();
        let mut p = stderr_pipe;
        let _ = p.read_to_string(&mut s);
        s
    });
    let stdout = out_reader.join().unwrap();
    let stderr = err_reader.join().unwrap();
    let mut status = 0;
    // SAFETY: waits for the child this test started.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    assert!(libc::WIFEXITED(status), "maprace did not exit normally: {status}; {stderr}");
    assert_eq!(libc::WEXITSTATUS(status), 128 + sig, "{stderr}");
    assert!(stdout.contains("MR001"), "the trace was not analysed: {stdout}\n{stderr}");
    m.assert_untouched(&before, &stderr);
}

#[test]
fn sigint_to_maprace_is_forwarded_analysed_and_cleaned_up() {
    interrupted(libc::SIGINT);
}

#[test]
fn sigterm_to_maprace_is_forwarded_analysed_and_cleaned_up() {
    interrupted(libc::SIGTERM);
}

#[test]
fn maps_freed_and_reused_are_new_maps() {
    // 200 goroutines each decode their own map (made by encoding/json, outside instrumented
    // code) and collect garbage: addresses are reused by other goroutines' maps.
    let src = r#"package main

import (
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
)

func work() int {
	var m map[string]int
	if err := json.Unmarshal([]byte(`{"a":1,"b":2}`), &m); err != nil {
		panic(err)
	}
	m["c"] = m["a"] + m["b"]
	return len(m)
}

func main() {
	var wg sync.WaitGroup
	results := make(chan int, 200)
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- work()
			runtime.GC()
		}()
	}
	wg.Wait()
	close(results)
	total := 0
	for n := range results {
		total += n
	}
	fmt.Println(total)
}
"#;
    let m = Module::new(&[("main.go", src)]);
    for _ in 0..3 {
        let (code, stdout, stderr) = m.maprace(&["race", "--no-confirm", "--", "go", "run", "."]);
        assert_eq!(code, 0, "{stdout}\n{stderr}");
    }
}

#[test]
fn the_trace_stays_within_its_disk_budget_and_says_so() {
    let src = r#"package main

import "fmt"

func main() {
	m := map[int]int{}
	for i := 0; i < 2000000; i++ {
		m[i&1023]++
	}
	fmt.Println(len(m))
}
"#;
    let m = Module::new(&[("main.go", src)]);
    let kept = m.tmp.path().join("kept-trace");
    let kept_s = kept.to_str().unwrap().to_string();
    let (code, _, stderr) = m.maprace_env(&["race", "--no-confirm", "--keep", &kept_s, "--", "go", "run", "."], &[("MAPRACE_TRACE_BUDGET_MB", "8")]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("reached its budget of 8 MiB"), "the program says so: {stderr}");
    assert!(stderr.contains("recording stopped at the trace's disk budget of 8 MiB"), "maprace says so: {stderr}");
    let size: u64 = fs::read_dir(kept.join("traces")).unwrap().flatten().map(|e| e.metadata().unwrap().len()).sum();
    assert!(size <= 8 << 20, "trace of {size} bytes");
}

#[test]
fn a_long_run_is_analysed_as_it_runs_within_its_disk_window() {
    // 2 million records (64 MB of trace) through a window of 2 segments (8 MiB): the program
    // waits for the analysis whenever it gets two segments ahead, and the race at the end is
    // still found.
    let src = r#"package main

import (
	"fmt"
	"time"
)

func main() {
	m := map[int]int{}
	for i := 0; i < 2000000; i++ {
		m[i&1023]++
	}
	done := make(chan bool)
	go func() { m[1] = 1; done <- true }()
	time.Sleep(20 * time.Millisecond)
	m[2] = 2
	<-done
	fmt.Println(len(m))
}
"#;
    let m = Module::new(&[("main.go", src)]);
    let (code, stdout, stderr) = m.maprace_env(&["race", "--no-confirm", "--", "go", "run", "."], &[("MAPRACE_TRACE_WINDOW", "2")]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stdout.contains("MR001"), "{stdout}\n{stderr}");
    let events: u64 = stderr.split("; ").nth(1).and_then(|s| s.split(' ').next()).and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(events > 2_000_000, "{stderr}");
    let disk: u64 = stderr
        .split("trace files at most ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no trace size: {stderr}"));
    assert!(disk <= 8, "{disk} MiB of trace files: {stderr}");
}

#[test]
fn the_runtime_support_vets_and_builds_for_arm64_and_race() {
    let rt = Path::new(env!("CARGO_MANIFEST_DIR")).join("race/rt");
    let dir = tempfile::tempdir().unwrap();
    for e in fs::read_dir(&rt).unwrap().flatten() {
        fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    fs::write(dir.path().join("go.mod"), "module maprace.dev/rt\n\ngo 1.16\n").unwrap();
    for (goarch, args) in [("amd64", &["vet", "."][..]), ("arm64", &["vet", "."]), ("arm64", &["build", "."]), ("riscv64", &["vet", "."]), ("amd64", &["build", "-race", "."])] {
        let out = Command::new("go").args(args).current_dir(dir.path()).env("GOARCH", goarch).env("GOFLAGS", "").output().unwrap();
        assert!(out.status.success(), "GOARCH={goarch} go {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn only_the_packages_the_command_builds_are_instrumented() {
    let other = "package other\n\nfunc F() map[int]int { m := map[int]int{}; m[1] = 1; return m }\n";
    let m = Module::new(&[("a/a.go", &racy_main("", "").replace("package main", "package a").replace("func main()", "func Run()")), ("a/a_test.go", "package a\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) { Run() }\n"), ("other/other.go", other)]);
    let kept = m.tmp.path().join("kept-pkgs");
    let kept_s = kept.to_str().unwrap().to_string();
    let (code, stdout, stderr) = m.maprace(&["race", "--no-confirm", "--keep", &kept_s, "--", "go", "test", "./a"]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let sites = fs::read_to_string(kept.join("overlay/sites.json")).unwrap();
    assert!(sites.contains("a.go") && !sites.contains("other.go"), "{sites}");
}
