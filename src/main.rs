//! The `maprace` command line: argument parsing and output only; all work is in the library.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use maprace::check::{CheckOptions, check_paths};
use maprace::rules::RuleId;

#[derive(Parser)]
#[command(name = "maprace", version, about = "Finds concurrency bugs on Go maps, including the ones `go test -race` cannot see")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Static analysis of Go source: `maprace check ./...`
    Check(CheckArgs),
    /// Print a rule's documentation: `maprace explain MR004`
    Explain {
        /// Rule id (MR004) or name (racy-lazy-init); omit to list all rules
        rule: Option<String>,
    },
    /// Run the scenario corpus under `go run -race` and under maprace
    Lab(maprace::lab::LabArgs),
    /// Run a Go command instrumented and report map races it observed or predicts
    Race(maprace::race::RaceArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// `file:line:col: MR00X name: message` (go vet style)
    Text,
    /// One JSON object: findings and errors
    Json,
    /// Findings drawn over their source lines, for reading at a terminal
    Pretty,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files, directories or patterns (`./...`, `dir/...`); default `.`
    patterns: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Leave out `_test.go` files
    #[arg(long)]
    no_tests: bool,
    /// Also analyse generated files (`// Code generated ... DO NOT EDIT.`)
    #[arg(long)]
    include_generated: bool,
    /// Report only these rules (repeatable): MR004 or racy-lazy-init
    #[arg(long = "rule", value_name = "RULE")]
    rules: Vec<String>,
    /// A function outside the module that runs the function values it is given
    /// concurrently, as `Name` or `pkg.Name` (repeatable; also `.maprace.json`)
    #[arg(long = "concurrent", value_name = "FUNC")]
    concurrent: Vec<String>,
    /// Print files, lines, seconds, findings and errors to stderr at the end
    #[arg(long)]
    stats: bool,
    /// Threads reading and parsing files (default: one per CPU); findings do not depend on it
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Analyse files for every platform, ignoring build constraints (`_windows.go`, `//go:build`)
    #[arg(long)]
    all_platforms: bool,
}

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Explain { rule } => explain(rule.as_deref()),
        Command::Lab(args) => maprace::lab::run(&args),
        Command::Race(args) => maprace::race::run(&args),
    };
    ExitCode::from(code.clamp(0, 255) as u8)
}

fn run_check(args: CheckArgs) -> i32 {
    let mut opts = CheckOptions::defaults();
    opts.load.include_tests = !args.no_tests;
    opts.load.include_generated = args.include_generated;
    opts.concurrent_apis = args.concurrent;
    opts.jobs = args.jobs.unwrap_or(0);
    if args.all_platforms {
        opts.load.target = None;
    }
    for r in &args.rules {
        match RuleId::parse(r) {
            Some(id) => opts.rules.push(id),
            None => {
                eprintln!("maprace: unknown rule {r:?}; `maprace explain` lists the rules");
                return 2;
            }
        }
    }
    let started = std::time::Instant::now();
    let outcome = check_paths(&args.patterns, &opts);
    if args.stats {
        eprintln!(
            "maprace: {} files, {} lines, {:.2} s, {} findings, {} errors",
            outcome.files,
            outcome.lines,
            started.elapsed().as_secs_f64(),
            outcome.report.findings.len(),
            outcome.report.errors.len()
        );
    }
    let base = std::env::current_dir().unwrap_or_default();
    let mut stdout = std::io::stdout().lock();
    match args.format {
        Format::Text => {
            let _ = stdout.write_all(outcome.report.render_text(&base).as_bytes());
            eprint!("{}", outcome.report.render_errors(&base));
        }
        Format::Json => {
            let _ = writeln!(stdout, "{}", outcome.report.render_json());
        }
        Format::Pretty => {
            use std::io::IsTerminal;
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let _ = stdout.write_all(maprace::pretty::render(&outcome.report, &base, color).as_bytes());
            eprint!("{}", outcome.report.render_errors(&base));
        }
    }
    if outcome.incomplete { 2 } else { outcome.report.exit_code() }
}

/// Rust ignores SIGPIPE, which turns `maprace explain | head -1` into a panic on the closed
/// pipe (exit 101). Unix tools end quietly there: take the default action back, for every
/// command's printing. Children get the default action anyway (std resets it on exec).
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is a valid action.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn explain(rule: Option<&str>) -> i32 {
    match rule {
        None => {
            for id in RuleId::ALL {
                let d = id.doc();
                println!("{id} {:<26} {}", d.name, d.summary);
            }
            0
        }
        Some(r) => match RuleId::parse(r) {
            Some(id) => {
                let d = id.doc();
                println!("# {id} {}\n\n{}\n\n{}", d.name, d.summary, d.doc);
                0
            }
            None => {
                eprintln!("maprace: unknown rule {r:?}; `maprace explain` lists the rules");
                2
            }
        },
    }
}
