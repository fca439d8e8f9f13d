//! `maprace check`: the static pipeline from arguments to a report
//! (load → syntax → model → summaries → rules → report). Library entry point for every
//! caller (CLI, lab, race's `confirmed` marking, tests).

use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;

use crate::load::{self, LoadOptions};
use crate::report::{FileError, Report};
use crate::rules::RuleId;

#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub load: LoadOptions,
    /// Only these rules (empty: all).
    pub rules: Vec<RuleId>,
    /// Functions outside the module that run the function values they are given
    /// concurrently: `Name` (any receiver) or `pkg.Name`.
    pub concurrent_apis: Vec<String>,
    /// Threads for reading and lowering files (`--jobs`); 0: one per CPU. Findings do not
    /// depend on it.
    pub jobs: usize,
}

impl CheckOptions {
    /// What `maprace check` does by default: tests included, generated files skipped.
    pub fn defaults() -> CheckOptions {
        CheckOptions { load: LoadOptions::default(), rules: Vec::new(), concurrent_apis: Vec::new(), jobs: 0 }
    }
}

/// The result of a check, plus what the caller needs for exit codes and messages.
#[derive(Debug, Default)]
pub struct CheckOutcome {
    pub report: Report,
    /// Something asked for was not analysed completely: an argument could not be resolved, a
    /// file could not be read or decoded, had a syntax error or no package clause, or the
    /// analysis failed. Every such case is named in `report.errors`; the CLI exits 2.
    pub incomplete: bool,
    pub files: usize,
    pub lines: usize,
    pub module_root: Option<PathBuf>,
}

/// Run the static analysis over `args` (files, directories, `./...` patterns).
pub fn check_paths(args: &[String], opts: &CheckOptions) -> CheckOutcome {
    let pool = lowering_pool(opts.jobs);
    let loaded = load::load(args, &opts.load);
    let mut errors: Vec<FileError> = loaded.errors;
    let mut incomplete = loaded.argument_failed;

    let jobs: Vec<(usize, &PathBuf)> =
        loaded.dirs.iter().enumerate().flat_map(|(i, d)| d.files.iter().map(move |f| (i, f))).collect();
    let lower_one = |(i, path): &(usize, &PathBuf)| {
        let r = load::read_source(path, &opts.load).map(|src| src.map(|s| crate::syntax::lower_file(&s)));
        (*i, r)
    };
    let parsed: Vec<(usize, Result<Option<crate::syntax::FileFacts>, FileError>)> = match &pool {
        Some(pool) => pool.install(|| jobs.par_iter().map(lower_one).collect()),
        // No threads to be had: the global pool still lowers the files.
        None => jobs.par_iter().map(lower_one).collect(),
    };

    let mut files_by_dir: Vec<Vec<crate::syntax::FileFacts>> = loaded.dirs.iter().map(|_| Vec::new()).collect();
    let mut files = 0;
    let mut lines = 0;
    for (i, r) in parsed {
        match r {
            Ok(Some(facts)) => {
                files += 1;
                lines += facts.lines as usize;
                // A syntax error, NUL byte, missing package clause or cut-off nesting: part of
                // the file was not analysed.
                incomplete |= !facts.errors.is_empty();
                errors.extend(facts.errors.iter().cloned());
                if let Some(dir) = files_by_dir.get_mut(i) {
                    dir.push(facts);
                }
            }
            Ok(None) => {}
            Err(e) => {
                incomplete = true;
                errors.push(e);
            }
        }
    }
    let debug = std::env::var_os("MAPRACE_DEBUG").is_some();
    let mut concurrent_apis = opts.concurrent_apis.clone();
    if let Some(root) = &loaded.module_root {
        match load::read_config(root) {
            Ok(mut apis) => concurrent_apis.append(&mut apis),
            Err(e) => {
                incomplete = true;
                errors.push(e);
            }
        }
    }
    let t0 = std::time::Instant::now();
    let program = crate::model::Program::build(&loaded.dirs, files_by_dir, loaded.module_path.as_deref());
    // The analysis recurses through call chains and nested syntax: give it a stack that the
    // depth limits (syntax::MAX_DEPTH, analysis::MAX_CALL_DEPTH) are sized for.
    let analysed = std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(512 * 1024 * 1024)
            .spawn_scoped(s, || crate::analysis::analyze(&program, &concurrent_apis))
            .map_err(|e| e.to_string())
            .and_then(|h| h.join().map_err(|p| panic_text(&p)))
    });
    if debug {
        eprintln!("maprace debug: model+analysis {:.2} s", t0.elapsed().as_secs_f64());
    }
    let mut findings = match analysed {
        Ok(f) => f,
        Err(why) => {
            incomplete = true;
            errors.push(FileError {
                file: loaded.module_root.clone().unwrap_or_default(),
                message: format!("internal error in the analysis, no findings reported: {why}; please report it with the input"),
            });
            Vec::new()
        }
    };
    if !opts.rules.is_empty() {
        findings.retain(|f| opts.rules.contains(&f.rule));
    }
    // Every error entry is something not analysed: no error may leave the exit code at 0/1.
    incomplete |= !errors.is_empty();
    let mut report = Report { findings, errors };
    report.normalize();
    CheckOutcome { report, incomplete, files, lines, module_root: loaded.module_root }
}

/// The rayon pool that reads and lowers files with `jobs` threads (0: one per CPU). Lowering
/// recurses over syntax, and deep (generated or hostile) files need more stack than rayon's
/// default. Pools are our own, so that `jobs` holds whatever pool the caller set up, and kept
/// for the process: callers that check many times (the lab, the fuzz harness, property tests)
/// do not start threads per call, and no thread outlives its pool still holding memory.
fn lowering_pool(jobs: usize) -> Option<Arc<rayon::ThreadPool>> {
    static POOLS: OnceLock<Mutex<Vec<(usize, Arc<rayon::ThreadPool>)>>> = OnceLock::new();
    let mut pools = POOLS.get_or_init(Default::default).lock().ok()?;
    if let Some((_, p)) = pools.iter().find(|(j, _)| *j == jobs) {
        return Some(p.clone());
    }
    let pool = Arc::new(rayon::ThreadPoolBuilder::new().num_threads(jobs).stack_size(64 * 1024 * 1024).build().ok()?);
    pools.push((jobs, pool.clone()));
    Some(pool)
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_else(|| "panic".into())
}
