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
pub mod sarif;
pub mod trace;

use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

pub use driver::{RaceError, RaceOptions, RaceOutcome, TraceStats, analyze_trace, run_command};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RaceFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Args, Debug)]
pub struct RaceArgs {
    #[arg(long, value_enum, default_value_t = RaceFormat::Text)]
    pub format: RaceFormat,
    /// Keep the instrumented files, site table and traces in this directory
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// Skip marking findings that `maprace check` also reports as `confirmed`
    #[arg(long)]
    pub no_confirm: bool,
    /// The command to run instrumented, after `--`: `go test ./...`, `go run ./cmd/server`
    #[arg(last = true, required = true, value_name = "COMMAND")]
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
    let opts = RaceOptions { capture_output: false, keep: args.keep.clone(), confirm: !args.no_confirm };
    let outcome = match run_command(&dir, &args.command, &opts) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("maprace race: {e}");
            return 2;
        }
    };
    let mut stdout = std::io::stdout().lock();
    match args.format {
        RaceFormat::Text => {
            let _ = stdout.write_all(outcome.report.render_text(&dir).as_bytes());
            eprint!("{}", outcome.report.render_errors(&dir));
            let s = &outcome.stats;
            eprintln!(
                "maprace race: {} finding(s); {} events in {} trace(s), {} bytes ({:.1} bytes/event)",
                outcome.report.findings.len(),
                s.events,
                s.traces,
                s.bytes,
                s.bytes_per_event()
            );
        }
        RaceFormat::Json => {
            let _ = writeln!(stdout, "{}", outcome.report.render_json());
        }
        RaceFormat::Sarif => {
            let _ = writeln!(stdout, "{}", sarif::render(&outcome.report, &dir));
        }
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
