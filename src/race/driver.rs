//! Everything `maprace race` does outside the engine: build the embedded Go instrumenter with
//! the user's `go` (cached by source and `go version`), write the runtime module, instrument the
//! module into a temp directory, run the command with `GOFLAGS=-overlay=...` and read back the
//! traces. The user's tree is only read: the overlay replaces files for the build alone.

use std::fmt;
use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::check::{CheckOptions, check_paths};
use crate::race::findings::SiteTable;
use crate::race::static_paths::{Probed, confirm, predict, probe_lines};
use crate::race::stream::{Collected, Collector, WINDOW, collect_kept};
use crate::race::{gorace, process};
use crate::report::{FileError, Report};

/// The instrumenter's sources (its tests are not shipped). hooks_gen.go is generated from
/// the library models (`race::gotables`).
const INSTRUMENT_FILES: [(&str, &str); 3] = [
    ("main.go", include_str!("../../race/instrument/main.go")),
    ("rewrite.go", include_str!("../../race/instrument/rewrite.go")),
    ("hooks_gen.go", include_str!("../../race/instrument/hooks_gen.go")),
];
const INSTRUMENT_MOD: &str = include_str!("../../race/instrument/go.mod");
const RT_FILES: [(&str, &str); 19] = [
    ("kinds_gen.go", include_str!("../../race/rt/kinds_gen.go")),
    ("ident.go", include_str!("../../race/rt/ident.go")),
    ("ident_go125.go", include_str!("../../race/rt/ident_go125.go")),
    ("ident_go126.go", include_str!("../../race/rt/ident_go126.go")),
    ("rt.go", include_str!("../../race/rt/rt.go")),
    ("trace.go", include_str!("../../race/rt/trace.go")),
    ("map_linux.go", include_str!("../../race/rt/map_linux.go")),
    ("map_other.go", include_str!("../../race/rt/map_other.go")),
    ("mmap_raw.go", include_str!("../../race/rt/mmap_raw.go")),
    ("mmap_std.go", include_str!("../../race/rt/mmap_std.go")),
    ("hooks.go", include_str!("../../race/rt/hooks.go")),
    ("exit.go", include_str!("../../race/rt/exit.go")),
    ("tab.go", include_str!("../../race/rt/tab.go")),
    ("race_on.go", include_str!("../../race/rt/race_on.go")),
    ("race_off.go", include_str!("../../race/rt/race_off.go")),
    ("g_fast.go", include_str!("../../race/rt/g_fast.go")),
    ("g_amd64.s", include_str!("../../race/rt/g_amd64.s")),
    ("g_arm64.s", include_str!("../../race/rt/g_arm64.s")),
    ("g_slow.go", include_str!("../../race/rt/g_slow.go")),
];
// The go line is low so that no main module is older than its dependency (an error since Go
// 1.21); the runtime's files upgrade themselves with `//go:build go1.25`.
const RT_MOD: &str = "module maprace.dev/rt\n\ngo 1.16\n";

#[derive(Clone, Debug, Default)]
pub struct RaceOptions {
    /// Capture the command's stdout/stderr into the outcome instead of passing them through.
    pub capture_output: bool,
    /// Keep instrumented files, sites.json and traces here instead of a removed temp dir.
    pub keep: Option<PathBuf>,
    /// Mark findings `check` also reports as `confirmed`.
    pub confirm: bool,
    /// Send the command's stdout to our stderr (keeps JSON/SARIF on stdout clean).
    pub stdout_to_stderr: bool,
    /// With `capture_output`: kill the command (its whole process group) after this long and
    /// analyse what it recorded; `command_status` is then `None`.
    pub timeout: Option<std::time::Duration>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TraceStats {
    pub traces: usize,
    pub events: u64,
    pub bytes: u64,
    /// CPU time spent reading records and analysing them.
    pub analysis: Duration,
    /// How long the analysis went on after the command ended.
    pub drain: Duration,
    /// The most bytes of trace on disk at once.
    pub peak_disk: u64,
}

impl TraceStats {
    pub fn bytes_per_event(&self) -> f64 {
        if self.events == 0 { 0.0 } else { self.bytes as f64 / self.events as f64 }
    }

    /// Events analysed per second of the analysing thread's CPU time.
    pub fn events_per_second(&self) -> f64 {
        self.events as f64 / self.analysis.as_secs_f64().max(1e-9)
    }
}

#[derive(Debug, Default)]
pub struct RaceOutcome {
    pub report: Report,
    pub stats: TraceStats,
    /// Exit code of the command (None: killed by a signal).
    pub command_status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Packages or files the instrumenter left alone, and why.
    pub skipped: Vec<String>,
    pub instrumented_files: usize,
    /// `WARNING: DATA RACE` reports Go's race detector printed, and how many of them were
    /// map races maprace had found too (merged into its findings).
    pub go_races: usize,
    pub go_races_merged: usize,
    /// `go test` packages replayed from the test cache (nothing recorded for them).
    pub cached: Vec<String>,
    /// `-count=1` was added to `go test` to make the run fresh.
    pub count_added: bool,
    /// The command was killed at `RaceOptions::timeout`.
    pub timed_out: bool,
}

#[derive(Debug)]
pub enum RaceError {
    EmptyCommand,
    NoModule(PathBuf),
    Go(String),
    Instrument(String),
    Io(PathBuf, std::io::Error),
    /// maprace received this signal before the command started.
    Interrupted(i32),
}

impl fmt::Display for RaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RaceError::EmptyCommand => write!(f, "no command given: maprace race -- go test ./..."),
            RaceError::NoModule(d) => write!(f, "{}: not inside a Go module (no go.mod here or above)", d.display()),
            RaceError::Go(m) => write!(f, "{m}"),
            RaceError::Instrument(m) => write!(f, "instrumenting failed: {m}"),
            RaceError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            RaceError::Interrupted(s) => write!(f, "interrupted (signal {s}) before the command ran"),
        }
    }
}

impl std::error::Error for RaceError {}

fn io(p: &Path) -> impl FnOnce(std::io::Error) -> RaceError + '_ {
    move |e| RaceError::Io(p.to_path_buf(), e)
}

/// Run `command` in `dir` instrumented, and analyse what it did.
pub fn run_command(dir: &Path, command: &[String], opts: &RaceOptions) -> Result<RaceOutcome, RaceError> {
    let (program, args) = command.split_first().ok_or(RaceError::EmptyCommand)?;
    // From here on SIGINT/SIGTERM only set a flag (the command gets them forwarded), so the
    // temporary directory below is always removed. Only when maprace runs on behalf of a user:
    // the handlers are process-wide, and the lab runs commands from several threads.
    let _signals = (!opts.capture_output).then(process::Signals::install);
    let mut phases = Phases::new();
    let root = module_root(dir)?;
    let tools = tools()?;
    phases.mark("go version, tools");
    let dirs = match &opts.keep {
        Some(k) => {
            fs::create_dir_all(k).map_err(io(k))?;
            Dirs { work: k.clone(), traces: k.join("traces") }
        }
        None => {
            let work = temp_dir()?;
            let traces = memory_dir().unwrap_or_else(|| work.join("traces"));
            Dirs { work, traces }
        }
    };
    let result = run_in(&root, dir, program, args, &tools, &dirs, opts, &mut phases);
    if opts.keep.is_none() {
        let _ = fs::remove_dir_all(&dirs.work);
        let _ = fs::remove_dir_all(&dirs.traces);
    }
    phases.mark("clean-up");
    phases.print();
    result
}

/// The wall time of each step of a run, printed on stderr when `MAPRACE_TIMES` is set: where
/// maprace's own cost goes.
struct Phases {
    on: bool,
    last: std::time::Instant,
    steps: Vec<(&'static str, Duration)>,
}

impl Phases {
    fn new() -> Phases {
        Phases { on: std::env::var_os("MAPRACE_TIMES").is_some(), last: std::time::Instant::now(), steps: Vec::new() }
    }

    /// `step` ended now (it began at the previous mark).
    fn mark(&mut self, step: &'static str) {
        let now = std::time::Instant::now();
        self.steps.push((step, now - self.last));
        self.last = now;
    }

    /// A step that ran alongside the others, and how long it took.
    fn alongside(&mut self, step: &'static str, took: Duration) {
        self.steps.push((step, took));
    }

    fn print(&self) {
        if self.on {
            let steps: Vec<String> = self.steps.iter().map(|(s, d)| format!("{s} {:.3} s", d.as_secs_f64())).collect();
            eprintln!("maprace race: times: {}", steps.join(", "));
        }
    }
}

/// Where a run keeps its files: the instrumented copies and site table (`work`), and the
/// traces.
struct Dirs {
    work: PathBuf,
    traces: PathBuf,
}

/// A directory for the trace in memory (`MAPRACE_MEMORY_DIR`, by default Linux's `/dev/shm`)
/// when it has room for a few processes' windows: on a file system that allocates disk blocks
/// the program faults on every page of trace it writes (on ext4 that doubled the system time
/// of a whole run).
fn memory_dir() -> Option<PathBuf> {
    let base = std::env::var_os("MAPRACE_MEMORY_DIR").map(PathBuf::from).or_else(|| cfg!(target_os = "linux").then(|| PathBuf::from("/dev/shm")))?;
    if free_bytes(&base)? < 1 << 30 {
        return None;
    }
    let d = base.join(unique("maprace-race"));
    fs::create_dir(&d).ok()?;
    Some(d)
}

/// Bytes free for an unprivileged user in the file system holding `dir`.
fn free_bytes(dir: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        // SAFETY: statvfs only writes into `st`, a plain C struct for which zero is valid;
        // `c` is a NUL-terminated path.
        let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
        // SAFETY: as above.
        if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
            return None;
        }
        Some(st.f_bavail as u64 * st.f_frsize as u64)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

#[allow(clippy::too_many_arguments)]
fn run_in(root: &Path, dir: &Path, program: &str, args: &[String], tools: &Tools, dirs: &Dirs, opts: &RaceOptions, phases: &mut Phases) -> Result<RaceOutcome, RaceError> {
    let work = dirs.work.as_path();
    let ov = work.join("overlay");
    let traces = dirs.traces.clone();
    for d in [&ov, &traces] {
        let _ = fs::remove_dir_all(d);
        fs::create_dir_all(d).map_err(io(d))?;
    }
    // `check`'s findings' lines get entry probes (see static_paths). It runs alongside the
    // instrumenter's `go list` (the slow part of instrumenting, checking Go's build cache for
    // every dependency): the instrumenter reads the probe file only once its stdin is closed.
    let check = opts.confirm.then(|| {
        let root = root.to_path_buf();
        std::thread::spawn(move || {
            let start = std::time::Instant::now();
            (static_findings(&root), start.elapsed())
        })
    });
    let probe_file = work.join("probes.txt");
    let mut instrument = Command::new(&tools.instrument);
    if let Some(pkgs) = built_packages(program, args) {
        instrument.arg("-pkgs").arg(pkgs.join("\n")).arg("-dir").arg(dir);
    }
    let flags = build_flags(program, args);
    if !flags.is_empty() {
        instrument.arg("-buildflags").arg(flags.join("\n"));
    }
    let mut child = instrument
        .arg("-root")
        .arg(root)
        .arg("-out")
        .arg(&ov)
        .arg("-rt")
        .arg(&tools.rt)
        .arg("-probes")
        .arg(&probe_file)
        .arg("-wait-probes")
        .env("GOWORK", "off")
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(io(&tools.instrument))?;
    let statics = match check {
        Some(h) => {
            let (statics, took) = h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            phases.alongside("check (alongside instrument)", took);
            statics
        }
        None => Vec::new(),
    };
    let written = fs::write(&probe_file, probe_lines(&statics)).map_err(io(&probe_file));
    if written.is_err() {
        let _ = child.kill();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().map_err(io(&tools.instrument))?;
    written?;
    phases.mark("instrument");
    if !out.status.success() {
        return Err(RaceError::Instrument(String::from_utf8_lossy(&out.stderr).trim().to_string()));
    }
    let sites_path = ov.join("sites.json");
    let sites: SiteTable = serde_json::from_slice(&fs::read(&sites_path).map_err(io(&sites_path))?)
        .map_err(|e| RaceError::Instrument(format!("{}: {e}", sites_path.display())))?;

    if let Some(sig) = process::interrupted() {
        return Err(RaceError::Interrupted(sig));
    }
    let goflags = std::env::var("GOFLAGS").unwrap_or_default();
    let goflags = format!("{goflags} -overlay={}", ov.join("overlay.json").display()).trim().to_string();
    let (args, count_added) = fresh_test_run(program, args);
    let mut cmd = Command::new(program);
    cmd.args(&args).current_dir(dir).env("GOFLAGS", goflags).env("MAPRACE_TRACE_DIR", &traces).env("GOWORK", "off");
    // The traces are analysed while the command runs; kept ones are kept whole.
    let keep = opts.keep.is_some();
    if !keep && std::env::var_os("MAPRACE_TRACE_WINDOW").is_none() {
        cmd.env("MAPRACE_TRACE_WINDOW", WINDOW.to_string());
    }
    let sites = Arc::new(sites);
    let collector = Collector::start(traces.clone(), Arc::clone(&sites), keep);
    let run_opts = process::RunOpts { passthrough: !opts.capture_output, stdout_to_stderr: opts.stdout_to_stderr, timeout: opts.timeout };
    let ran = process::run(cmd, &run_opts).map_err(|e| RaceError::Go(format!("cannot run {program}: {e}")))?;
    phases.mark("command");
    let (stdout, stderr) = (String::from_utf8_lossy(&ran.stdout).into_owned(), String::from_utf8_lossy(&ran.stderr).into_owned());

    let (mut report, stats, probed) = merge(collector.finish());
    confirm(&statics, &mut report.findings);
    let mut predicted = predict(&statics, &sites, &probed, &report.findings);
    report.findings.append(&mut predicted);
    // Go's own race reports (`-race` in the command): `go test` prints the test binary's
    // output on its stdout, a program run by `go run` on stderr.
    let mut go_races = gorace::parse(&stderr);
    go_races.extend(gorace::parse(&stdout));
    let map_lines: std::collections::HashSet<(&Path, u32)> = sites
        .sites
        .iter()
        .filter(|s| ["read", "write", "delete", "range", "len", "clear"].contains(&s.kind.as_str()))
        .map(|s| (s.file.as_path(), s.line))
        .collect();
    // Go statements by file, to recognise maprace's wrapper closure in Go's stacks: the one
    // whose line is the closest at or before the wrapper's creation line.
    let mut go_stmts: std::collections::HashMap<&Path, Vec<(u32, &str)>> = std::collections::HashMap::new();
    for s in sites.sites.iter().filter(|s| s.kind == "go") {
        go_stmts.entry(s.file.as_path()).or_default().push((s.line, s.func.as_str()));
    }
    let map_line = |f: &Path, l: u32| map_lines.contains(&(f, l));
    let go_stmt = |f: &Path, l: u32| {
        go_stmts.get(f)?.iter().filter(|(gl, _)| *gl <= l && l - *gl < 200).max_by_key(|(gl, _)| *gl).map(|(gl, func)| (func.to_string(), *gl))
    };
    let lookup = gorace::SiteLookup { map_line: &map_line, go_stmt: &go_stmt };
    let merged = gorace::merge(&go_races, &mut report.findings, root, &lookup);
    report.normalize();
    phases.mark("analysis after the command");
    let cached = if is_go_test(program, &args) { cached_packages(&stdout) } else { Vec::new() };
    Ok(RaceOutcome {
        report,
        stats,
        command_status: ran.status.and_then(|s| s.code()),
        stdout: if opts.capture_output { stdout } else { String::new() },
        stderr: if opts.capture_output { stderr } else { String::new() },
        go_races: go_races.len(),
        go_races_merged: merged,
        cached,
        count_added,
        timed_out: ran.timed_out,
        skipped: sites.skipped.clone(),
        instrumented_files: sites.files,
    })
}

/// Flags of `go build`/`go test`/`go run` that take a value as the next argument (the others
/// are booleans or written `-flag=value`).
const VALUE_FLAGS: &[&str] = &[
    "C", "p", "o", "asmflags", "buildmode", "compiler", "covermode", "coverpkg", "gccgoflags", "gcflags", "installsuffix", "ldflags", "mod", "modfile",
    "overlay", "pgo", "pkgdir", "tags", "toolexec", "exec", "bench", "benchtime", "blockprofile", "blockprofilerate", "count", "coverprofile", "cpu",
    "cpuprofile", "fuzz", "fuzzminimizetime", "fuzztime", "list", "memprofile", "memprofilerate", "mutexprofile", "mutexprofilefraction", "outputdir",
    "parallel", "run", "skip", "shuffle", "timeout", "trace", "vet",
];

/// The package patterns a `go build|test|run|vet|install` command builds, to instrument only
/// those and their dependencies; None (instrument the whole module) for other commands, for
/// `.go` file arguments and for flags maprace does not know (their value could be taken for a
/// package).
fn built_packages(program: &str, args: &[String]) -> Option<Vec<String>> {
    if !Path::new(program).file_name().is_some_and(|n| n == "go" || n == "go.exe") {
        return None;
    }
    let (sub, rest) = args.split_first()?;
    if !["build", "test", "run", "vet", "install"].contains(&sub.as_str()) {
        return None;
    }
    let mut pkgs = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let a = &rest[i];
        i += 1;
        if a == "-args" || a == "--" {
            break;
        }
        if let Some(flag) = a.strip_prefix('-') {
            let name = flag.trim_start_matches('-');
            if name == "C" || name.starts_with("C=") {
                // Patterns are relative to -C's directory: instrument the whole module.
                return None;
            }
            if name.contains('=') {
                continue;
            }
            if VALUE_FLAGS.contains(&name) {
                i += 1;
            } else if !is_bool_flag(name) {
                return None;
            }
            continue;
        }
        if a.ends_with(".go") {
            return None;
        }
        pkgs.push(a.clone());
        // `go run pkg args...`: what follows the package is the program's.
        if sub == "run" {
            break;
        }
    }
    if pkgs.is_empty() {
        pkgs.push(".".to_string());
    }
    Some(pkgs)
}

/// The command's build flags that change which files and APIs are compiled (`-race`, `-tags`),
/// for the instrumenter's `go list` and type-check.
fn build_flags(program: &str, args: &[String]) -> Vec<String> {
    if !Path::new(program).file_name().is_some_and(|n| n == "go" || n == "go.exe") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut it = args.iter().take_while(|a| *a != "-args");
    while let Some(a) = it.next() {
        let name = a.trim_start_matches('-');
        if !a.starts_with('-') {
            continue;
        }
        if name == "race" || name == "race=true" {
            out.push("-race".to_string());
        } else if let Some(tags) = name.strip_prefix("tags=") {
            out.push(format!("-tags={tags}"));
        } else if name == "tags"
            && let Some(tags) = it.next()
        {
            out.push(format!("-tags={tags}"));
        }
    }
    out
}

fn is_bool_flag(name: &str) -> bool {
    const BOOL: &[&str] = &[
        "a", "n", "v", "x", "race", "msan", "asan", "cover", "trimpath", "work", "linkshared", "modcacherw", "buildvcs", "json", "short", "failfast",
        "benchmem", "i", "fullpath", "c", "checkptr",
    ];
    BOOL.contains(&name) || name.starts_with("test.")
}

/// Is the command `go test ...`?
fn is_go_test(program: &str, args: &[String]) -> bool {
    Path::new(program).file_name().is_some_and(|n| n == "go" || n == "go.exe") && args.first().is_some_and(|a| a == "test")
}

/// `go test` replays a cached result without running anything, so nothing would be recorded:
/// `-count=1` makes the run fresh, unless the user chose a count (then cached packages are
/// reported, see [`cached_packages`]). Returns the arguments and whether `-count=1` was added.
fn fresh_test_run(program: &str, args: &[String]) -> (Vec<String>, bool) {
    let has_count = args.iter().take_while(|a| *a != "-args").any(|a| {
        let a = a.trim_start_matches('-');
        a == "count" || a.starts_with("count=")
    });
    if !is_go_test(program, args) || has_count {
        return (args.to_vec(), false);
    }
    let mut out = args.to_vec();
    // `-C dir` must stay the first flag.
    let at = match args.get(1).map(String::as_str) {
        Some("-C" | "--C") => 3,
        Some(a) if a.starts_with("-C=") || a.starts_with("--C=") => 2,
        _ => 1,
    }
    .min(out.len());
    out.insert(at, "-count=1".to_string());
    (out, true)
}

/// Packages whose result `go test` replayed from its cache (`ok  \tpkg\t(cached)`): they ran
/// nothing, so they recorded nothing.
pub fn cached_packages(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            (f.next() == Some("ok")).then_some(())?;
            let pkg = f.next()?;
            f.any(|w| w == "(cached)").then(|| pkg.to_string())
        })
        .collect()
}

/// Re-analyse a directory kept with `--keep` (overlay/sites.json and traces/): the report and
/// its stats (`analysis` is the time spent reading and in the engine).
pub fn analyze_dir(kept: &Path) -> Result<(Report, TraceStats), RaceError> {
    let sites_path = kept.join("overlay").join("sites.json");
    let sites: SiteTable = serde_json::from_slice(&fs::read(&sites_path).map_err(io(&sites_path))?)
        .map_err(|e| RaceError::Instrument(format!("{}: {e}", sites_path.display())))?;
    let traces = kept.join("traces");
    fs::read_dir(&traces).map_err(io(&traces))?;
    let (mut report, stats, _) = merge(collect_kept(&traces, &sites));
    report.normalize();
    Ok((report, stats))
}

/// Every trace's findings, errors and probes together.
fn merge(collected: Collected) -> (Report, TraceStats, Probed) {
    let mut report = Report::default();
    let mut stats = TraceStats { analysis: collected.busy, drain: collected.drain, peak_disk: collected.peak_disk, ..TraceStats::default() };
    let mut probed = Probed::default();
    for mut one in collected.traces {
        stats.traces += 1;
        stats.events += one.stats.events;
        stats.bytes += one.stats.bytes;
        report.findings.append(&mut one.findings);
        if let Some(e) = one.error {
            report.errors.push(FileError { file: one.path, message: e });
        }
        for (pair, s) in one.probed.stacks {
            probed.stacks.entry(pair).or_insert(s);
        }
        probed.probes.merge(one.probed.probes);
    }
    (report, stats, probed)
}

/// `maprace check` over the whole module.
fn static_findings(root: &Path) -> Vec<crate::report::Finding> {
    check_paths(&[format!("{}/...", root.display())], &CheckOptions::defaults()).report.findings
}

fn module_root(dir: &Path) -> Result<PathBuf, RaceError> {
    let abs = fs::canonicalize(dir).map_err(io(dir))?;
    abs.ancestors().find(|d| d.join("go.mod").is_file()).map(Path::to_path_buf).ok_or(RaceError::NoModule(abs.clone()))
}

/// A name no other maprace process or thread uses at the same time.
fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{prefix}-{}-{nanos}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

fn temp_dir() -> Result<PathBuf, RaceError> {
    let d = std::env::temp_dir().join(unique("maprace-race"));
    fs::create_dir_all(&d).map_err(io(&d))?;
    Ok(d)
}

struct Tools {
    instrument: PathBuf,
    rt: PathBuf,
}

fn go_version() -> Result<String, RaceError> {
    let out = Command::new("go")
        .arg("version")
        .output()
        .map_err(|e| RaceError::Go(format!("cannot run `go version` ({e}): maprace race needs Go 1.25 or later on PATH")))?;
    let v = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let minor = v
        .split_whitespace()
        .nth(2)
        .and_then(|s| s.strip_prefix("go1."))
        .and_then(|s| s.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|s| s.parse::<u32>().ok());
    match minor {
        Some(m) if m >= 25 => Ok(v),
        Some(_) => Err(RaceError::Go(format!("{v}: maprace race needs Go 1.25 or later"))),
        None => Ok(v), // a development toolchain: try it
    }
}

/// The instrumenter binary and the runtime module, in a cache directory keyed by their sources
/// and the Go version; built once, then reused.
fn tools() -> Result<Tools, RaceError> {
    let version = go_version()?;
    let mut h = DefaultHasher::new();
    (INSTRUMENT_FILES, INSTRUMENT_MOD, RT_FILES, RT_MOD, &version).hash(&mut h);
    let base = cache_base().join(format!("{:016x}", h.finish()));
    let instrument = base.join("instrument");
    let rt = base.join("rt");
    if !instrument.is_file() || !rt.join("go.mod").is_file() {
        let staging = base.with_file_name(unique("staging"));
        let _ = fs::remove_dir_all(&staging);
        let src = staging.join("src");
        let rt_staging = staging.join("rt");
        for d in [&src, &rt_staging] {
            fs::create_dir_all(d).map_err(io(d))?;
        }
        for (name, text) in INSTRUMENT_FILES {
            write(&src.join(name), text)?;
        }
        write(&src.join("go.mod"), INSTRUMENT_MOD)?;
        for (name, text) in RT_FILES {
            write(&rt_staging.join(name), text)?;
        }
        write(&rt_staging.join("go.mod"), RT_MOD)?;
        let out = Command::new("go")
            .args(["build", "-o"])
            .arg(staging.join("instrument"))
            .arg(".")
            .current_dir(&src)
            .env("GOFLAGS", "")
            .env("GOWORK", "off")
            .output()
            .map_err(|e| RaceError::Go(format!("cannot run go build: {e}")))?;
        if !out.status.success() {
            return Err(RaceError::Go(format!("building the instrumenter failed: {}", String::from_utf8_lossy(&out.stderr).trim())));
        }
        // Another maprace may have won the race to fill the cache: theirs is as good.
        if fs::rename(&staging, &base).is_err() && !instrument.is_file() {
            return Err(RaceError::Io(base.clone(), std::io::Error::other("cannot fill the cache")));
        }
        let _ = fs::remove_dir_all(&staging);
    }
    Ok(Tools { instrument, rt })
}

fn write(p: &Path, text: &str) -> Result<(), RaceError> {
    fs::write(p, text).map_err(io(p))
}

fn cache_base() -> PathBuf {
    if let Some(d) = std::env::var_os("MAPRACE_CACHE_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(d).join("maprace");
    }
    if let Some(h) = std::env::var_os("HOME") {
        return PathBuf::from(h).join(".cache").join("maprace");
    }
    std::env::temp_dir().join("maprace-cache")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn packages_the_command_builds() {
        let p = |a: &[&str]| built_packages("go", &strings(a));
        assert_eq!(p(&["test", "-race", "-run", "TestX", "./internal/x", "-v"]), Some(strings(&["./internal/x"])));
        assert_eq!(p(&["test"]), Some(strings(&["."])));
        assert_eq!(p(&["run", "-race", "./cmd/server", "-listen", ":80"]), Some(strings(&["./cmd/server"])));
        assert_eq!(p(&["test", "./...", "-args", "x"]), Some(strings(&["./..."])));
        assert_eq!(p(&["run", "main.go"]), None);
        assert_eq!(p(&["test", "-weird", "x"]), None);
        assert_eq!(p(&["mod", "tidy"]), None);
        assert_eq!(p(&["test", "-C", "sub", "./x"]), None);
        assert_eq!(built_packages("make", &strings(&["test"])), None);
        assert_eq!(build_flags("go", &strings(&["test", "-race", "-tags", "a,b", "./...", "-args", "-race"])), strings(&["-race", "-tags=a,b"]));
    }

    #[test]
    fn go_test_is_made_fresh_unless_the_user_chose_a_count() {
        assert_eq!(fresh_test_run("go", &strings(&["test", "./..."])), (strings(&["test", "-count=1", "./..."]), true));
        assert_eq!(fresh_test_run("go", &strings(&["test", "-count", "3", "."])).1, false);
        assert_eq!(fresh_test_run("go", &strings(&["test", "--count=2", "."])).1, false);
        assert_eq!(fresh_test_run("go", &strings(&["run", "."])).1, false);
        assert_eq!(fresh_test_run("go", &strings(&["test", "-C", "sub", "."])).0, strings(&["test", "-C", "sub", "-count=1", "."]));
        assert_eq!(cached_packages("ok  \tscenario/a\t(cached)\nok  \tscenario/b\t0.01s\n"), strings(&["scenario/a"]));
    }
}
