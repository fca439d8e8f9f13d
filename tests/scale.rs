//! Summaries stay bounded: generated modules whose analysis blew up when callee summaries
//! were copied into every caller (time exponential in a method chain's length, memory
//! multiplied by call depth and fan-in). A blow-up fails here, within a time limit, instead
//! of hanging CI. Timing is not measured here (scripts/bench-scale.sh does): the limits are
//! generous ceilings, orders of magnitude above a healthy run.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CEILING: Duration = Duration::from_secs(60);

/// Runs `maprace check ./...` in `dir`; returns (exit code, stdout, wall time), killing the
/// process at the ceiling.
fn check(dir: &Path) -> (Option<i32>, String, Duration) {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_maprace"))
        .args(["check", "./..."])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("maprace starts");
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > CEILING {
            let _ = child.kill();
            panic!("maprace check did not finish within {CEILING:?} on {}", dir.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), start.elapsed())
}

/// Peak resident memory of the children this test process has waited for, in MiB. Each test
/// file is its own process and this one only runs maprace.
fn children_peak_mib() -> u64 {
    // SAFETY: getrusage writes into the struct we pass and reads nothing else.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    assert_eq!(rc, 0, "getrusage");
    ru.ru_maxrss as u64 / 1024
}

fn module(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("go.mod"), "module example.com/gen\n\ngo 1.22\n").expect("go.mod");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

/// Depth 60, fan-out 4: every function of level i calls the four of level i+1, each level
/// touching its map under the lock. 244 functions, 4^60 call paths.
fn deep_fan_out() -> String {
    let mut out = String::from("package gen\n\nimport \"sync\"\n\ntype S struct {\n\tmu sync.Mutex\n\tm  [61]map[string]int\n}\n\n");
    for level in 0..=60 {
        for j in 0..4 {
            let mut body = format!("\ts.mu.Lock()\n\ts.m[{level}][\"k{j}\"]++\n\ts.mu.Unlock()\n");
            if level < 60 {
                for k in 0..4 {
                    body.push_str(&format!("\ts.F{}_{k}()\n", level + 1));
                }
            }
            out.push_str(&format!("func (s *S) F{level}_{j}() {{\n{body}}}\n\n"));
        }
    }
    // Two goroutines run the whole tree: locked everywhere, so no finding.
    out.push_str("func Run(s *S) {\n\tgo s.F0_0()\n\ts.F0_1()\n}\n");
    out
}

#[test]
fn a_deep_call_tree_with_fan_out_is_analysed_in_bounded_time_and_memory() {
    let dir = module(&[("tree.go", deep_fan_out())]);
    let (code, stdout, _) = check(dir.path());
    assert_eq!(code, Some(0), "every access holds the lock: no finding expected, got:\n{stdout}");
    let peak = children_peak_mib();
    assert!(peak < 300, "peak memory {peak} MiB on a 250-function module: summaries are not bounded");
}

/// `x.F().F()...`: each call's receiver is the previous call. The receiver used to be
/// evaluated twice per level (2^n walks); 24 calls took 31 s.
fn method_chain(n: usize) -> String {
    let chain = ".F()".repeat(n);
    format!(
        "package gen\n\nimport \"sync\"\n\ntype X struct {{\n\tmu sync.Mutex\n\tm  map[string]int\n}}\n\n\
         func (x *X) F() *X {{\n\tx.mu.Lock()\n\tx.m[\"a\"]++\n\tx.mu.Unlock()\n\treturn x\n}}\n\n\
         func Use(x *X) {{\n\tgo x.F()\n\tx{chain}\n}}\n"
    )
}

/// The longest chain the lowering follows: each `.F()` nests two syntax levels (a call of a
/// selector), so 199 calls are 398 levels; 200 would pass `syntax::MAX_DEPTH` (400), which
/// cuts the expression off and names the file (exit 2) instead of analysing it.
const LONGEST_CHAIN: usize = 199;

#[test]
fn a_long_method_chain_is_linear() {
    let dir = module(&[("chain.go", method_chain(LONGEST_CHAIN))]);
    let (code, stdout, _) = check(dir.path());
    assert_eq!(code, Some(0), "locked accesses: no finding expected, got:\n{stdout}");
}

#[test]
fn a_race_at_the_end_of_a_long_chain_is_still_found() {
    // The same chain, but the goroutine writes the map without the lock.
    let text = method_chain(100).replace("func Use(x *X) {\n\tgo x.F()", "func Use(x *X) {\n\tgo func() { x.m[\"b\"] = 1 }()");
    let dir = module(&[("chain.go", text)]);
    let (code, stdout, _) = check(dir.path());
    assert_eq!(code, Some(1), "expected the unlocked write to be reported, got:\n{stdout}");
    assert!(stdout.contains("MR001"), "{stdout}");
}

/// A function whose summary holds 2,000 accesses, called 60 times from one function: the
/// caller's walk copies more callee accesses than its budget allows.
fn over_budget() -> String {
    let mut out = String::from("package gen\n\nvar m = map[int]int{}\n\nfunc Big() {\n");
    for i in 0..1000 {
        out.push_str(&format!("\tm[{i}]++\n"));
    }
    out.push_str("}\n\nfunc Caller() {\n");
    for _ in 0..60 {
        out.push_str("\tBig()\n");
    }
    out.push_str("}\n\nfunc Run() {\n\tgo Caller()\n\tCaller()\n}\n");
    out
}

#[test]
fn a_walk_over_its_budget_is_named_in_stats_and_the_run_goes_on() {
    let dir = module(&[("big.go", over_budget())]);
    let out = Command::new(env!("CARGO_BIN_EXE_maprace")).args(["check", "--stats", "./..."]).current_dir(dir.path()).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{stderr}");
    assert!(stderr.contains("budgets: 1 walk(s) over the per-function budget"), "{stderr}");
    assert!(stderr.contains("budget: Caller (./big.go)"), "{stderr}");
    // What the caller copied before its budget ran out is still analysed: the goroutine's
    // unguarded writes race with the calling goroutine's.
    assert!(String::from_utf8_lossy(&out.stdout).contains("MR001"), "{}", String::from_utf8_lossy(&out.stdout));
}

/// A type whose concurrent methods each copy a large helper's summary: the entry walk kept
/// its first 4,000 accesses in all, so the methods walked last (`Y`, `Z`) were silently left
/// out. Each entry now has a bound of its own.
fn entries_past_the_first_ones() -> String {
    let mut out = String::from("package gen\n\nimport \"sync\"\n\ntype S struct {\n\tmu sync.Mutex\n\tm  map[int]int\n\tn  map[int]int\n}\n\n");
    out.push_str("func (s *S) fill() {\n\ts.mu.Lock()\n");
    for i in 0..1500 {
        out.push_str(&format!("\ts.m[{i}]++\n"));
    }
    out.push_str("\ts.mu.Unlock()\n}\n\n");
    for name in ["A1", "A2", "A3"] {
        out.push_str(&format!("func (s *S) {name}() {{\n\ts.fill()\n}}\n\n"));
    }
    out.push_str("func (s *S) Y() int {\n\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\treturn s.n[1]\n}\n\n");
    out.push_str("func (s *S) Z() {\n\ts.n[1] = 1\n}\n");
    out
}

#[test]
fn the_entry_walk_does_not_drop_the_entries_walked_last() {
    let dir = module(&[("gen.go", entries_past_the_first_ones())]);
    let (code, stdout, _) = check(dir.path());
    assert_eq!(code, Some(1), "expected Z's unlocked write to race with Y's read, got:\n{stdout}");
    assert!(stdout.contains("write of s.n in concurrent calls of S.Z"), "{stdout}");
}

/// A locked helper called from 500 places in each of 200 concurrent methods (a logging
/// package's `V(level)` caching per caller): 100,000 instances of one locked write under one
/// root. Comparing each with every other was quadratic (80 s on one real module); the pair
/// check only visits partners no common lock guards.
fn a_hot_locked_helper() -> String {
    let mut out = String::from(
        "package gen\n\nimport \"sync\"\n\nvar (\n\tlogMu  sync.Mutex\n\tlevels = map[int]int{}\n)\n\n\
         func logV(pc int) {\n\tlogMu.Lock()\n\tlevels[pc] = 1\n\tlogMu.Unlock()\n}\n\n\
         type S struct {\n\tmu sync.Mutex\n\tm  map[int]int\n}\n\n",
    );
    for method in 0..200 {
        out.push_str(&format!("func (s *S) M{method}() {{\n"));
        for pc in 0..500 {
            out.push_str(&format!("\tlogV({pc})\n"));
        }
        out.push_str("\ts.mu.Lock()\n\ts.m[1]++\n\ts.mu.Unlock()\n}\n\n");
    }
    out
}

#[test]
fn many_instances_of_one_locked_access_are_not_compared_pairwise() {
    let dir = module(&[("gen.go", a_hot_locked_helper())]);
    let (code, stdout, _) = check(dir.path());
    assert_eq!(code, Some(0), "every access holds its lock: no finding expected, got:\n{stdout}");
}

/// Six types whose constructors leave goroutines writing 8,000 distinct map sites each, then
/// one small type whose background loop races with its own locked method. The entry walk's
/// pool of goroutine accesses filled in walk order, so the heavy types crowded the last one
/// out; each type now has a share of its own, and the overflow is counted in `--stats`.
fn heavy_goroutines_then_a_small_race() -> String {
    let mut out = String::from("package gen\n\nimport \"sync\"\n\n");
    for t in 0..6 {
        out.push_str(&format!("type Heavy{t} struct {{\n\tmu sync.Mutex\n\tm  map[int]int\n}}\n\n"));
        for part in 0..4 {
            out.push_str(&format!("func (h *Heavy{t}) loop{part}() {{\n"));
            for i in 0..2000 {
                out.push_str(&format!("\th.m[{}] = {i}\n", part * 2000 + i));
            }
            out.push_str("}\n\n");
        }
        out.push_str(&format!("func NewHeavy{t}() *Heavy{t} {{\n\th := &Heavy{t}{{m: map[int]int{{}}}}\n"));
        for part in 0..4 {
            out.push_str(&format!("\tgo h.loop{part}()\n"));
        }
        out.push_str(&format!("\treturn h\n}}\n\nfunc (h *Heavy{t}) Get(k int) int {{\n\th.mu.Lock()\n\tdefer h.mu.Unlock()\n\treturn h.m[k]\n}}\n\n"));
    }
    out.push_str(
        "type Zeta struct {\n\tmu    sync.Mutex\n\tpeers map[string]int\n}\n\n\
         func NewZeta() *Zeta {\n\tz := &Zeta{peers: map[string]int{}}\n\tgo z.balance()\n\treturn z\n}\n\n\
         func (z *Zeta) balance() {\n\tfor k := range z.peers {\n\t\t_ = k\n\t}\n}\n\n\
         func (z *Zeta) Add(id string) {\n\tz.mu.Lock()\n\tz.peers[id]++\n\tz.mu.Unlock()\n}\n",
    );
    out
}

#[test]
fn goroutines_of_heavy_types_do_not_crowd_out_the_others() {
    let dir = module(&[("gen.go", heavy_goroutines_then_a_small_race())]);
    let out = Command::new(env!("CARGO_BIN_EXE_maprace")).args(["check", "--stats", "./..."]).current_dir(dir.path()).output().expect("runs");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("range of z.peers in the goroutine started at"), "the balance loop's race was not found:\n{stdout}\n{stderr}");
    assert!(stderr.contains("goroutine accesses offered past the entry walk's pool bound"), "{stderr}");
    assert!(!stderr.contains(" 0 goroutine accesses offered past"), "the pool bound should fire here:\n{stderr}");
}
