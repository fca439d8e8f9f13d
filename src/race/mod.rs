//! `maprace race`: instruments a Go build through `-overlay`, records map and sync events, and
//! runs the happens-before engine over the trace.
//!
//! Pipeline: [`driver`] builds the Go instrumenter (race/instrument, embedded) and writes the
//! runtime module (race/rt, embedded) into a cache directory, instruments the module into a
//! temp directory, runs the user's command with `GOFLAGS=-overlay=...`; [`trace`] reads the
//! trace files the instrumented processes wrote; [`engine`] (pure, no I/O) finds the issues;
//! [`findings`] turns them into the shared [`Report`](crate::report::Report).

pub mod driver;
pub mod engine;
pub mod findings;
pub mod gorace;
pub mod gotables;
pub mod process;
pub mod probes;
pub mod static_paths;
pub mod stream;
pub mod trace;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::output::{self, Format};
use crate::report::Report;

pub use driver::{RaceError, RaceOptions, RaceOutcome, TraceStats, run_command};

/// What `maprace race` was asked to do (main.rs maps its flags onto this).
#[derive(Clone, Debug)]
pub struct RaceArgs {
    pub format: Format,
    /// Keep the instrumented files, site table and traces in this directory.
    pub keep: Option<PathBuf>,
    /// Do not run `maprace check` alongside.
    pub no_confirm: bool,
    /// Analyse the traces of a directory kept with `--keep` instead of running a command.
    pub analyze: Option<PathBuf>,
    /// The command to run instrumented: `go test ./...`, `go run ./cmd/server`.
    pub command: Vec<String>,
}

/// Exit codes: 0 nothing found, 1 findings, 2 maprace could not do its job, 3 the command
/// failed and nothing was found.
pub fn run(args: &RaceArgs) -> i32 {
    let dir = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("maprace race: cannot read the current directory: {e}");
            return 2;
        }
    };
    if let Some(kept) = &args.analyze {
        return analyze_kept(kept, &dir, args.format);
    }
    let opts = RaceOptions {
        capture_output: false,
        keep: args.keep.clone(),
        confirm: !args.no_confirm,
        stdout_to_stderr: args.format.is_document(),
        timeout: None,
    };
    let outcome = match run_command(&dir, &args.command, &opts) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("maprace race: {e}");
            return process::interrupted().map_or(2, |s| 128 + s);
        }
    };
    for s in &outcome.skipped {
        eprintln!("maprace race: not instrumented: {s}");
    }
    let mut outcome = outcome;
    print(&mut outcome.report, &dir, args.format);
    if !args.format.is_document() {
        let s = &outcome.stats;
        let go = if outcome.go_races > 0 {
            format!("; {} report(s) of Go's race detector, {} of them on a map race maprace found too", outcome.go_races, outcome.go_races_merged)
        } else {
            String::new()
        };
        eprintln!(
            "maprace race: {} finding(s); {} events in {} trace(s), {} bytes ({:.1} bytes/event){go}; analysed as the command ran at {:.1} million events/s of one core, done {:.2} s after it ended; trace files at most {} MiB{}",
            outcome.report.findings.len(),
            s.events,
            s.traces,
            s.bytes,
            s.bytes_per_event(),
            s.events_per_second() / 1e6,
            s.drain.as_secs_f64(),
            s.peak_disk.div_ceil(1 << 20),
            peak_memory().map(|m| format!("; maprace's peak memory {} MiB", m >> 20)).unwrap_or_default(),
        );
    }
    exit_code(&outcome)
}

/// This process's peak resident memory (Linux: `VmHWM`).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb << 10)
}

/// 128+signal when maprace was interrupted; 2 when the run could not record what was asked
/// (cached test results, nothing recorded); 1 findings; 3 the command failed; 0.
fn exit_code(outcome: &RaceOutcome) -> i32 {
    if let Some(sig) = process::interrupted() {
        eprintln!("maprace race: interrupted (signal {sig}): the command was stopped; what it recorded was analysed");
        return 128 + sig;
    }
    if !outcome.cached.is_empty() {
        eprintln!(
            "maprace race: go test replayed cached results for {}: nothing ran there, so nothing was recorded; run without -count or with -count=1",
            outcome.cached.join(", ")
        );
        return 2;
    }
    if outcome.stats.events == 0 {
        let why = match outcome.command_status {
            Some(0) => "the command ran no instrumented code of this module (is it a `go` command building this module's packages?)".to_string(),
            Some(c) => format!("the command failed (exit {c}) and no instrumented code ran"),
            None => "the command was killed and no instrumented code ran".to_string(),
        };
        eprintln!("maprace race: nothing was recorded: {why}");
        return 2;
    }
    if !outcome.report.findings.is_empty() {
        1
    } else if outcome.command_status != Some(0) {
        eprintln!("maprace race: the command failed ({})", outcome.command_status.map_or("killed".to_string(), |c| format!("exit {c}")));
        3
    } else {
        0
    }
}

fn print(report: &mut Report, dir: &Path, format: Format) {
    // The same suppression comments and fingerprints as `check` (src/triage/).
    let root = crate::load::find_module(dir).map(|(root, _)| root);
    let mut sources = crate::triage::Sources::default();
    let suppressed = crate::triage::suppress::apply(report, &mut sources, None, crate::rules::RuleId::all());
    for w in &suppressed.warnings {
        eprintln!("maprace race: {w}");
    }
    crate::triage::fingerprint::assign(report, root.as_deref(), &mut sources);
    let color = format == Format::Pretty && std::io::IsTerminal::is_terminal(&std::io::stdout()) && std::env::var_os("NO_COLOR").is_none();
    let rendered = output::render(report, format, dir, color);
    let _ = std::io::stdout().lock().write_all(rendered.stdout.as_bytes());
    eprint!("{}", rendered.stderr);
}

fn analyze_kept(kept: &Path, dir: &Path, format: Format) -> i32 {
    match driver::analyze_dir(kept) {
        Ok((mut report, stats)) => {
            print(&mut report, dir, format);
            eprintln!(
                "maprace race: analysed {} events ({} bytes, {:.1} bytes/event) in {:.3} s of one core: {:.1} million events/s{}",
                stats.events,
                stats.bytes,
                stats.bytes_per_event(),
                stats.analysis.as_secs_f64(),
                stats.events_per_second() / 1e6,
                peak_memory().map(|m| format!("; peak memory {} MiB", m >> 20)).unwrap_or_default(),
            );
            report.exit_code()
        }
        Err(e) => {
            eprintln!("maprace race: {e}");
            2
        }
    }
}
