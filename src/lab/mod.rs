//! `maprace lab`: runs the embedded scenario corpus under `go run -race` and under maprace,
//! and reports who catches what (docs/lab.md).
//!
//! Code map: `scenario` parses the corpus headers, `corpus` finds the scenarios, `go` builds
//! and runs them (the only process code), `measure` classifies runs and counts, `render` and
//! `svg` draw the results, `asm` shows the compiled map calls. This file wires them together.

mod asm;
mod corpus;
mod go;
mod measure;
mod render;
mod scenario;
mod svg;

use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::check::{CheckOptions, check_paths};
use go::Toolchain;
use measure::{CheckVerdict, Environment, LabReport, RowResult, RunOutput, Tally, classify};
use scenario::{Row, Scenario};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabFormat {
    Text,
    Md,
    Json,
}

/// What `maprace lab` was asked to do (main.rs maps its flags onto this).
#[derive(Clone, Debug)]
pub struct LabArgs {
    /// Runs of each scenario.
    pub runs: u32,
    /// Only these scenarios; `name/variant` selects one variant.
    pub scenarios: Vec<String>,
    pub format: LabFormat,
    /// Also write the chart (SVG) here.
    pub svg: Option<PathBuf>,
    /// Show the runtime map calls the compiler emits for this scenario.
    pub asm: Option<String>,
    /// Seconds before a run is killed and reported as hung.
    pub timeout: u64,
    /// Parallel builds and runs (default: the number of CPUs).
    pub jobs: Option<u64>,
    /// Run the scenarios in this directory instead of the embedded corpus.
    pub corpus: Option<PathBuf>,
    /// List the scenarios and their expectations, run nothing.
    pub list: bool,
}

/// Exit status when the lab could not do what was asked (like `maprace check`).
const FAILED: i32 = 2;

pub fn run(args: &LabArgs) -> i32 {
    match lab(args) {
        Ok(()) => 0,
        Err(msg) => {
            eprintln!("maprace lab: {msg}");
            FAILED
        }
    }
}

fn lab(args: &LabArgs) -> Result<(), String> {
    let mut scenarios = match &args.corpus {
        Some(dir) => corpus::from_dir(dir)?,
        None => corpus::embedded()?,
    };
    corpus::sort_for_table(&mut scenarios);
    let selected: &[String] = match &args.asm {
        Some(name) => std::slice::from_ref(name),
        None => &args.scenarios,
    };
    let scenarios = corpus::select(scenarios, selected)?;
    if args.list {
        print!("{}", list(&scenarios));
        return Ok(());
    }
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let jobs = args.jobs.map(|j| j as usize).unwrap_or(cpus);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| format!("cannot start {jobs} worker threads: {e}"))?;

    let toolchain = Toolchain::detect()?;
    let work = WorkDir::create()?;
    toolchain.check_race_support(work.path())?;
    let env = Environment {
        go_version: toolchain.version.clone(),
        goos: toolchain.goos.clone(),
        goarch: toolchain.goarch.clone(),
        cpus,
    };

    if let Some(name) = &args.asm {
        let scenario = scenarios.first().ok_or_else(|| format!("unknown scenario {name}"))?;
        print!("{}", show_asm(scenario, &env, work.path())?);
        return Ok(());
    }

    let report = pool.install(|| measure_all(&scenarios, &env, args, work.path()))?;

    match args.format {
        LabFormat::Text => print!("{}", render::text(&report)),
        LabFormat::Md => print!("{}", render::markdown(&report)),
        LabFormat::Json => println!("{}", render::json(&report)),
    }
    if let Some(path) = &args.svg {
        fs::write(path, svg::chart(&report)).map_err(|e| format!("cannot write the chart to {}: {e}", path.display()))?;
    }
    Ok(())
}

fn list(scenarios: &[Scenario]) -> String {
    let mut out = String::new();
    for row in scenarios.iter().flat_map(|s| &s.rows) {
        let rule = row.rule.map(|r| r.to_string()).unwrap_or_else(|| "-".into());
        let race = match (row.expected, row.race_expected) {
            (_, true) => "-race sees it",
            (scenario::Expected::Racy, false) => "-race blind",
            (scenario::Expected::Safe, false) => "-race quiet",
        };
        out.push_str(&format!("{:<28} {} {:<5} {:<14} {}\n", row.name, row.expected.as_str(), rule, race, row.title));
    }
    out
}

/// A scenario written to disk, built with `-race`, and checked by maprace.
struct Built<'a> {
    scenario: &'a Scenario,
    dir: PathBuf,
    bin: PathBuf,
    check: CheckVerdict,
}

fn measure_all(scenarios: &[Scenario], env: &Environment, args: &LabArgs, work: &Path) -> Result<LabReport, String> {
    let rows: Vec<&Row> = scenarios.iter().flat_map(|s| &s.rows).collect();
    let total_runs = rows.len() as u64 * u64::from(args.runs);
    let progress = progress_bar(scenarios.len() as u64 + total_runs);

    progress.set_message("building with -race");
    let built: Vec<Result<Built, String>> = scenarios
        .par_iter()
        .map(|s| {
            let b = build_scenario(s, work);
            progress.inc(1);
            b
        })
        .collect();
    let mut failures = Vec::new();
    let mut ok = Vec::new();
    for b in built {
        match b {
            Ok(b) => ok.push(b),
            Err(e) => failures.push(e),
        }
    }
    if !failures.is_empty() {
        progress.finish_and_clear();
        return Err(failures.join("\nmaprace lab: "));
    }

    progress.set_message("running");
    let timeout = Duration::from_secs(args.timeout);
    let jobs: Vec<(usize, usize, u32)> = ok
        .iter()
        .enumerate()
        .flat_map(|(b, built)| (0..built.scenario.rows.len()).flat_map(move |r| (0..args.runs).map(move |i| (b, r, i))))
        .collect();
    let outputs: Vec<((usize, usize), RunOutput)> = jobs
        .par_iter()
        .map(|&(b, r, i)| {
            let built = &ok[b];
            let row = &built.scenario.rows[r];
            let log = built.dir.join(format!("run-{r}-{i}"));
            let out = go::run(&built.bin, &gorace(row), &row.args, timeout, &log).unwrap_or_else(|e| RunOutput {
                stderr: format!("cannot run {}: {e}", built.bin.display()),
                exit_code: Some(-1),
                ..RunOutput::default()
            });
            progress.inc(1);
            ((b, r), out)
        })
        .collect();
    progress.finish_and_clear();

    let mut results = Vec::new();
    for (b, built) in ok.iter().enumerate() {
        for (r, row) in built.scenario.rows.iter().enumerate() {
            let mut tally = Tally::default();
            for (_, out) in outputs.iter().filter(|(k, _)| *k == (b, r)) {
                tally.add(&classify(out));
            }
            results.push(RowResult {
                row: row.clone(),
                tally,
                check: built.check.clone(),
                maprace_race: dynamic_verdict(&built.dir, row, timeout),
            });
        }
    }
    Ok(LabReport { env: env.clone(), runs: args.runs, rows: results })
}

/// The `GORACE` of a row's runs: never stop at the first report, plus the row's options.
fn gorace(row: &Row) -> String {
    std::iter::once("halt_on_error=0".to_string()).chain(row.gorace.iter().cloned()).collect::<Vec<_>>().join(" ")
}

fn build_scenario<'a>(s: &'a Scenario, work: &Path) -> Result<Built<'a>, String> {
    let dir = work.join(&s.name);
    go::write_package(&dir, &s.source).map_err(|e| format!("cannot write scenario {} to {}: {e}", s.name, dir.display()))?;
    let (bin, _) = go::build(&dir, &["-race"]).map_err(|e| format!("scenario {} does not build: {e}", s.name))?;
    Ok(Built { scenario: s, check: static_verdict(&dir), dir, bin })
}

/// What `maprace check` reports on the scenario's directory. A panic in the analysis becomes
/// this scenario's error instead of ending the whole lab.
fn static_verdict(dir: &Path) -> CheckVerdict {
    let args = [dir.display().to_string()];
    let outcome = match std::panic::catch_unwind(|| check_paths(&args, &CheckOptions::defaults())) {
        Ok(o) => o,
        Err(_) => return CheckVerdict { rules: Vec::new(), error: Some("maprace check panicked".into()) },
    };
    let mut rules: Vec<_> = outcome.report.findings.iter().map(|f| f.rule).collect();
    rules.sort();
    rules.dedup();
    let error = outcome.incomplete.then(|| {
        outcome.report.errors.first().map(|e| e.message.clone()).unwrap_or_else(|| "incomplete analysis".into())
    });
    CheckVerdict { rules, error }
}

/// What `maprace race` reports on the scenario: whether it saw the row's bug. `None` until
/// dynamic mode exists; this is the one place to fill it in.
/// One run of the row under `maprace race -- go run . ARGS`: reported or quiet; `None` if
/// dynamic mode could not run (the reason goes to stderr).
fn dynamic_verdict(dir: &Path, row: &Row, timeout: Duration) -> Option<bool> {
    let mut command: Vec<String> = ["go", "run", "."].iter().map(|s| s.to_string()).collect();
    command.extend(row.args.iter().cloned());
    let opts = crate::race::RaceOptions { capture_output: true, timeout: Some(timeout), confirm: true, ..crate::race::RaceOptions::default() };
    match crate::race::run_command(dir, &command, &opts) {
        Ok(out) => Some(!out.report.findings.is_empty()),
        Err(e) => {
            eprintln!("maprace lab: {}: maprace race: {e}", row.name);
            None
        }
    }
}

fn progress_bar(len: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} {elapsed}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn show_asm(s: &Scenario, env: &Environment, work: &Path) -> Result<String, String> {
    let dir = work.join(&s.name);
    go::write_package(&dir, &s.source).map_err(|e| format!("cannot write scenario {} to {}: {e}", s.name, dir.display()))?;
    let (_, plain) = go::build(&dir, &["-gcflags=-S"]).map_err(|e| format!("scenario {} does not build: {e}", s.name))?;
    let (race_bin, race) =
        go::build(&dir, &["-race", "-gcflags=-S"]).map_err(|e| format!("scenario {} does not build with -race: {e}", s.name))?;
    let plain = asm::parse_listing(&plain);
    let race = asm::parse_listing(&race);
    let map_fns = asm::runtime_map_functions(&race);
    let inside = if map_fns.is_empty() {
        Ok(Default::default())
    } else {
        go::objdump(&race_bin, &asm::symbol_regexp(&map_fns)).map(|d| asm::parse_objdump(&d))
    };
    let header = format!("{} {}/{}", env.go_version, env.goos, env.goarch);
    Ok(asm::render(&s.name, &header, &plain, &race, &inside))
}

/// The lab's scratch directory under the system temp dir, removed when the lab ends.
struct WorkDir(PathBuf);

impl WorkDir {
    fn create() -> Result<WorkDir, String> {
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let name = format!("maprace-lab-{}-{nanos}-{}", std::process::id(), SEQ.fetch_add(1, Ordering::Relaxed));
        let path = std::env::temp_dir().join(name);
        fs::create_dir_all(&path).map_err(|e| format!("cannot create a work directory {}: {e}", path.display()))?;
        Ok(WorkDir(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
