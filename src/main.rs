//! The `maprace` command line: argument parsing (the only clap types), printing, exit codes;
//! all work is in the library, which takes plain option structs.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use maprace::check::{CheckOptions, check_paths};
use maprace::output::{self, Format};
use maprace::report::display_path;
use maprace::rules::RuleId;
use maprace::triage::baseline;

/// `0.1.0 (abc1234)`: the git revision is embedded by build.rs ("unknown" outside a checkout).
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("MAPRACE_GIT_REV"), ")");

#[derive(Parser)]
#[command(name = "maprace", version = VERSION, about = "Finds concurrency bugs on Go maps, including the ones `go test -race` cannot see")]
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
    Lab(LabArgs),
    /// Run a Go command instrumented and report map races it observed or predicts
    Race(RaceArgs),
    /// Language server over stdio: diagnostics on open and save (docs/editors.md)
    Lsp,
}

/// The output formats of `check` and `race`.
#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    /// `file:line:col: MR00X name: message` (go vet style)
    Text,
    /// One JSON object with a schema version: findings and errors (docs/json.md)
    Json,
    /// Findings drawn over their source lines, for reading at a terminal
    Pretty,
    /// SARIF 2.1.0, for code-scanning uploads
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request
    Github,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Pretty => Format::Pretty,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Github => Format::Github,
        }
    }
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files, directories or patterns (`./...`, `dir/...`); default `.`
    patterns: Vec<String>,
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
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
    /// concurrently, as `Name` or `pkg.Name` (repeatable; also `.maprace.toml`)
    #[arg(long = "concurrent", value_name = "FUNC")]
    concurrent: Vec<String>,
    /// Report (and exit 1) only findings not recorded in this baseline file
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    baseline: Option<PathBuf>,
    /// Record the current findings in FILE and exit 0 (2 if the run was incomplete)
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Also list `//maprace:ignore` and `//nolint` comments that silence nothing (exit 1)
    #[arg(long)]
    report_unused_ignores: bool,
    /// Print files, lines, seconds, findings and errors to stderr at the end, then the time
    /// of each phase (load, parse, model, analysis, rules, triage) and the peak memory
    #[arg(long)]
    stats: bool,
    /// Neither read nor write the incremental cache of parsed files (kept under the user's
    /// cache directory, or `$MAPRACE_CACHE_DIR`); findings do not depend on it
    #[arg(long)]
    no_cache: bool,
    /// Threads reading and parsing files (default: one per CPU); findings do not depend on it
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Analyse files for every platform, ignoring build constraints (`_windows.go`, `//go:build`)
    #[arg(long)]
    all_platforms: bool,
    /// Which findings to show: `default` (the confident ones) or `all` (also those of lower
    /// confidence, each marked with the assumption it rests on); overrides `.maprace.toml`
    #[arg(long, value_enum)]
    level: Option<LevelArg>,
}

#[derive(Clone, Copy, ValueEnum)]
enum LevelArg {
    Default,
    All,
}

#[derive(clap::Args)]
struct RaceArgs {
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
    /// Keep the instrumented files, site table and traces in this directory
    #[arg(long, value_name = "DIR")]
    keep: Option<PathBuf>,
    /// Do not run `maprace check` alongside: no `confirmed` marks, and no predictions for
    /// static findings on paths the run did not take
    #[arg(long)]
    no_confirm: bool,
    /// Analyse the traces of a directory kept with `--keep` instead of running a command,
    /// and print the engine's throughput
    #[arg(long, value_name = "DIR", conflicts_with = "keep")]
    analyze: Option<PathBuf>,
    /// The command to run instrumented, after `--`: `go test ./...`, `go run ./cmd/server`
    #[arg(last = true, required_unless_present = "analyze", value_name = "COMMAND")]
    command: Vec<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum LabFormatArg {
    Text,
    Md,
    Json,
}

#[derive(clap::Args)]
struct LabArgs {
    /// Runs of each scenario
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    runs: u32,
    /// Only this scenario (repeatable); `name/variant` selects one variant
    #[arg(long = "scenario", value_name = "NAME")]
    scenarios: Vec<String>,
    /// Output: an aligned table, the Markdown table, or the JSON documented in docs/lab.md
    #[arg(long, value_enum, default_value_t = LabFormatArg::Text)]
    format: LabFormatArg,
    /// Also write the chart (SVG) to FILE
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Show the runtime map calls the compiler emits for scenario NAME, with and without -race
    #[arg(long, value_name = "NAME", conflicts_with_all = ["svg", "list", "scenarios"])]
    asm: Option<String>,
    /// Seconds before a run is killed and reported as hung
    #[arg(long, value_name = "SECS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
    /// Parallel builds and runs (default: the number of CPUs)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=256))]
    jobs: Option<u64>,
    /// Run the scenarios in DIR (`DIR/<name>/main.go`) instead of the embedded corpus
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,
    /// List the scenarios and their expectations, run nothing
    #[arg(long)]
    list: bool,
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
        Command::Lab(a) => maprace::lab::run(&maprace::lab::LabArgs {
            runs: a.runs,
            scenarios: a.scenarios,
            format: match a.format {
                LabFormatArg::Text => maprace::lab::LabFormat::Text,
                LabFormatArg::Md => maprace::lab::LabFormat::Md,
                LabFormatArg::Json => maprace::lab::LabFormat::Json,
            },
            svg: a.svg,
            asm: a.asm,
            timeout: a.timeout,
            jobs: a.jobs,
            corpus: a.corpus,
            list: a.list,
        }),
        Command::Race(a) => maprace::race::run(&maprace::race::RaceArgs {
            format: a.format.into(),
            keep: a.keep,
            no_confirm: a.no_confirm,
            analyze: a.analyze,
            command: a.command,
        }),
        Command::Lsp => maprace::lsp::run(),
    };
    ExitCode::from(code.clamp(0, 255) as u8)
}

fn run_check(args: CheckArgs) -> i32 {
    let mut opts = CheckOptions::defaults();
    opts.load.include_tests = !args.no_tests;
    opts.load.include_generated = args.include_generated;
    opts.concurrent_apis = args.concurrent;
    opts.report_unused_ignores = args.report_unused_ignores;
    opts.jobs = args.jobs.unwrap_or(0);
    opts.cache = !args.no_cache;
    opts.progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
    if args.all_platforms {
        opts.load.target = None;
    }
    opts.level = args.level.map(|l| match l {
        LevelArg::Default => maprace::config::Level::Default,
        LevelArg::All => maprace::config::Level::All,
    });
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
    let mut outcome = check_paths(&args.patterns, &opts);
    let base = std::env::current_dir().unwrap_or_default();
    for note in &outcome.notes {
        eprintln!("maprace: {note}");
    }
    if args.stats {
        eprintln!(
            "maprace: {} files, {} lines, {:.2} s, {} findings, {} errors, {} suppressed, {} of lower confidence{}",
            outcome.files,
            outcome.lines,
            started.elapsed().as_secs_f64(),
            outcome.report.findings.len(),
            outcome.report.errors.len(),
            outcome.suppressed,
            outcome.lower_confidence,
            if outcome.level_all { "" } else { " (shown with --level all)" }
        );
        eprintln!("maprace: {}", outcome.stats.describe());
        for line in outcome.stats.budget_lines() {
            eprintln!("maprace: {line}");
        }
    }
    if let Some(path) = &args.write_baseline {
        return match baseline::write(&outcome.report, path, &base) {
            Ok(n) => {
                eprintln!("maprace: recorded {n} finding(s) in {}", path.display());
                eprint!("{}", output::text::errors(&outcome.report, &base));
                if outcome.incomplete { 2 } else { 0 }
            }
            Err(e) => {
                eprintln!("maprace: {e}");
                2
            }
        };
    }
    if let Some(path) = &args.baseline {
        match baseline::filter(&mut outcome.report, path) {
            Ok(n) if n > 0 => eprintln!("maprace: {n} finding(s) recorded in {} not shown", path.display()),
            Ok(_) => {}
            Err(e) => {
                eprintln!("maprace: {e}");
                return 2;
            }
        }
    }
    let format: Format = args.format.into();
    use std::io::IsTerminal;
    let color = format == Format::Pretty && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let rendered = output::render(&outcome.report, format, &base, color);
    let _ = std::io::stdout().lock().write_all(rendered.stdout.as_bytes());
    eprint!("{}", rendered.stderr);
    for d in &outcome.unused_ignores {
        let what = format!("{} matches no finding; remove it", d.describe());
        eprintln!("{}:{}: {what}", display_path(&d.file, &base), d.line);
        if format == Format::Github {
            print!("{}", output::github::warning(&output::repo_path(&d.file, &base), d.line, &what));
        }
    }
    if outcome.incomplete {
        2
    } else if !outcome.report.findings.is_empty() || !outcome.unused_ignores.is_empty() {
        1
    } else {
        0
    }
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
            for &id in RuleId::all() {
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
