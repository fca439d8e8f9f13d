//! `maprace check`: the static pipeline from arguments to a report
//! (load → syntax → model → summaries → rules → report). Library entry point for every
//! caller (CLI, lab, race's `confirmed` marking, tests).

pub mod cache;
mod progress;
mod stats;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use rayon::prelude::*;

use crate::config::{self, Excluder, Level};
use crate::load::{self, LoadOptions};
use crate::report::{Confidence, FileError, Report};
use crate::rules::RuleId;
use crate::triage::suppress::Directive;
use crate::triage::{Sources, fingerprint, suppress};
pub use stats::Stats;

#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub load: LoadOptions,
    /// Only these rules (empty: all).
    pub rules: Vec<RuleId>,
    /// Functions outside the module that run the function values they are given
    /// concurrently: `Name` (any receiver) or `pkg.Name`.
    pub concurrent_apis: Vec<String>,
    /// Functions that run the function values they are given under a lock of their own
    /// (`.maprace.toml` `lock_wrappers`: `db.withLock(func() {...})`).
    pub lock_wrappers: Vec<String>,
    /// Which findings to show: the confident ones (`default`), or also those of lower
    /// confidence (`all`, marked in their message). `--level` and `.maprace.toml` `level`.
    /// `None`: the config's, else `default`.
    pub level: Option<Level>,
    /// Honour `//maprace:ignore` and `//nolint` comments (on unless a caller wants everything).
    pub suppressions: bool,
    /// Scan every analysed file for suppressions that matched nothing.
    pub report_unused_ignores: bool,
    /// Read `.maprace.toml` / `.maprace.json` (off only for callers that pass their own).
    pub read_config: bool,
    /// Threads for reading and lowering files (`--jobs`); 0: one per CPU. Findings do not
    /// depend on it.
    pub jobs: usize,
    /// Draw a progress bar on stderr once the run takes more than a moment (the CLI sets it
    /// when stderr is a terminal).
    pub progress: bool,
    /// Read and write the incremental cache of lowered files (`cache.rs`). Off by default in
    /// the library, so that tests and embedders never write under the user's home; the CLI
    /// turns it on unless `--no-cache`.
    pub cache: bool,
}

impl CheckOptions {
    /// What `maprace check` does by default: tests included, generated files skipped,
    /// config and suppressions honoured.
    pub fn defaults() -> CheckOptions {
        CheckOptions {
            load: LoadOptions::default(),
            rules: Vec::new(),
            concurrent_apis: Vec::new(),
            lock_wrappers: Vec::new(),
            level: None,
            suppressions: true,
            report_unused_ignores: false,
            read_config: true,
            jobs: 0,
            progress: false,
            cache: false,
        }
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
    /// The `.maprace.toml` applied, if any.
    pub config: Option<PathBuf>,
    /// Warnings for stderr that do not change the exit code (deprecated config, a
    /// suppression without a reason).
    pub notes: Vec<String>,
    /// Findings silenced by suppression comments.
    pub suppressed: usize,
    /// With `report_unused_ignores`: suppression comments that matched no finding.
    pub unused_ignores: Vec<Directive>,
    /// Findings of lower confidence the analysis made (left out unless the level is `all`).
    pub lower_confidence: usize,
    /// The level in force was `all`: they are in the report.
    pub level_all: bool,
    /// Time per phase and peak memory (`--stats`).
    pub stats: Stats,
}

/// Run the static analysis over `args` (files, directories, `./...` patterns).
pub fn check_paths(args: &[String], opts: &CheckOptions) -> CheckOutcome {
    let mut stats = Stats::default();
    let started = Instant::now();
    let progress = progress::Progress::new(opts.progress);
    let pool = lowering_pool(opts.jobs);
    let loaded = load::load(args, &opts.load);
    let t = stats.phase("load", started);
    let mut errors: Vec<FileError> = loaded.errors;
    let mut incomplete = loaded.argument_failed;

    let jobs: Vec<(usize, &PathBuf)> =
        loaded.dirs.iter().enumerate().flat_map(|(i, d)| d.files.iter().map(move |f| (i, f))).collect();
    progress.phase("parsing", jobs.len());
    // One interner for the run: every file's `err`, `mu` and `Lock` share one allocation.
    let interner = Arc::new(crate::syntax::Interner::default());
    let cache = if opts.cache { cache::Cache::open() } else { None };
    let lower_one = |(i, path): &(usize, &PathBuf)| {
        let r = load::read_source(path, &opts.load).map(|src| src.map(|s| lower_cached(&s, cache.as_ref(), &interner)));
        progress.inc();
        (*i, r)
    };
    let parsed: Vec<(usize, Result<Option<crate::syntax::FileFacts>, FileError>)> = match &pool {
        Some(pool) => pool.install(|| jobs.par_iter().map(lower_one).collect()),
        // No threads to be had: the global pool still lowers the files.
        None => jobs.par_iter().map(lower_one).collect(),
    };
    drop(interner);
    stats.cache = cache.map(|c| (c.hits.into_inner(), c.misses.into_inner()));
    let t = stats.phase("parse", t);

    let mut files_by_dir: Vec<Vec<crate::syntax::FileFacts>> = loaded.dirs.iter().map(|_| Vec::new()).collect();
    let mut files = 0;
    let mut lines = 0;
    let mut analysed_paths: Vec<PathBuf> = Vec::new();
    for ((i, r), (_, path)) in parsed.into_iter().zip(&jobs) {
        match r {
            Ok(Some(facts)) => {
                analysed_paths.push((*path).clone());
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
    let mut opts = opts.clone();
    let configured = if opts.read_config { configure(args, loaded.module_root.as_deref(), &mut opts) } else { Configured::default() };
    if !configured.errors.is_empty() {
        incomplete = true;
        errors.extend(configured.errors);
    }
    let mut notes = configured.notes;
    let config_path = configured.path;
    let excluder = configured.excluder;
    let no_rule_enabled = configured.no_rule_enabled;
    let concurrent_apis = opts.concurrent_apis.clone();
    let lock_wrappers = opts.lock_wrappers.clone();
    let program = crate::model::Program::build(&loaded.dirs, files_by_dir, loaded.module_path.as_deref());
    stats.phase("model", t);
    // The analysis recurses through call chains and nested syntax: give it a stack that the
    // depth limits (syntax::MAX_DEPTH, analysis::MAX_CALL_DEPTH) are sized for.
    // Messages name files as the output does: relative to the working directory.
    let base = std::env::current_dir().unwrap_or_default();
    let analysed = std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(512 * 1024 * 1024)
            .spawn_scoped(s, || {
                let started = Instant::now();
                progress.phase("analysing", program.funcs.len());
                let tick = |done: usize, _: usize| progress.set(done);
                let facts = crate::analysis::analyze_with_progress(&program, &concurrent_apis, &lock_wrappers, Some(&tick));
                progress.finish();
                let analysed = Instant::now();
                let findings = crate::rules::run_all(&program, &facts, &base);
                (findings, facts.budgets.clone(), analysed - started, analysed.elapsed())
            })
            .map_err(|e| e.to_string())
            .and_then(|h| h.join().map_err(|p| panic_text(&p)))
    });
    // Freeing the model (every file's IR) takes a tenth of a second on GOROOT/src: another
    // thread does it while this one applies the config and prints; a CLI run exits without
    // waiting for it.
    std::thread::spawn(move || drop(program));
    let t = Instant::now();
    let analysed = analysed.map(|(findings, budgets, analysis, rules)| {
        stats.budgets = budgets;
        stats.phases.push(("analysis", analysis));
        stats.phases.push(("rules", rules));
        findings
    });
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
    let lower_confidence = findings.iter().filter(|f| f.confidence == Confidence::Low).count();
    if opts.level.unwrap_or_default() == Level::Default {
        findings.retain(|f| f.confidence == Confidence::High);
    }
    if no_rule_enabled {
        findings.clear();
    }
    if let Some(ex) = &excluder {
        findings.retain(|f| !ex.excludes(&f.file));
    }
    // Every error entry is something not analysed: no error may leave the exit code at 0/1.
    incomplete |= !errors.is_empty();
    let mut report = Report { findings, errors };
    report.normalize();
    let mut sources = Sources::default();
    let mut suppressed = 0;
    let mut unused_ignores = Vec::new();
    if opts.suppressions {
        let enabled: Vec<RuleId> = if opts.rules.is_empty() { RuleId::all().to_vec() } else { opts.rules.clone() };
        let all = opts.report_unused_ignores.then_some(analysed_paths.as_slice());
        let s = suppress::apply(&mut report, &mut sources, all, &enabled);
        suppressed = s.suppressed;
        notes.extend(s.warnings);
        unused_ignores = s.unused;
    }
    fingerprint::assign(&mut report, loaded.module_root.as_deref(), &mut sources);
    stats.phase("triage", t);
    stats.peak_rss_mib = stats::peak_rss_mib();
    CheckOutcome {
        report,
        incomplete,
        files,
        lines,
        module_root: loaded.module_root,
        config: config_path,
        notes,
        suppressed,
        unused_ignores,
        lower_confidence,
        level_all: opts.level == Some(Level::All),
        stats,
    }
}

/// What reading `.maprace.toml` (and the deprecated `.maprace.json`) did to the options.
#[derive(Default)]
struct Configured {
    path: Option<PathBuf>,
    excluder: Option<Excluder>,
    /// `checks` (with `--rule`) left no rule enabled.
    no_rule_enabled: bool,
    notes: Vec<String>,
    errors: Vec<FileError>,
}

fn configure(args: &[String], module_root: Option<&std::path::Path>, opts: &mut CheckOptions) -> Configured {
    let mut out = Configured::default();
    if let Some(path) = config::find(&config_start(args), module_root) {
        match config::read(&path).and_then(|cfg| Excluder::new(&cfg).map(|ex| (cfg, ex))) {
            Ok((cfg, ex)) => {
                out.no_rule_enabled = apply_config(opts, &cfg);
                out.excluder = Some(ex);
                out.path = Some(path);
            }
            Err(e) => out.errors.push(e),
        }
    }
    if let Some(root) = module_root {
        let legacy = root.join(load::CONFIG_FILE);
        if legacy.is_file() {
            out.notes.push(format!(
                "{}: .maprace.json is deprecated; move its list to .maprace.toml as `concurrent = [...]` (docs/config.md)",
                legacy.display()
            ));
        }
        match load::read_config(root) {
            Ok(mut apis) => opts.concurrent_apis.append(&mut apis),
            Err(e) => out.errors.push(e),
        }
    }
    out
}

/// The directory the config search starts from: the first argument's (a file's parent,
/// `dir/...`'s `dir`), or the current directory.
fn config_start(args: &[String]) -> PathBuf {
    let Some(first) = args.first() else { return PathBuf::from(".") };
    let base = first.strip_suffix("...").map(|b| b.trim_end_matches('/')).unwrap_or(first);
    let base = PathBuf::from(if base.is_empty() { "." } else { base });
    if !base.is_file() {
        return base;
    }
    match base.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `.maprace.toml` narrows the rules (the command line's `--rule` narrows further) and adds to
/// the lists.
fn apply_config(opts: &mut CheckOptions, cfg: &config::Config) -> bool {
    if let Some(enabled) = &cfg.rules {
        opts.rules = if opts.rules.is_empty() {
            enabled.clone()
        } else {
            opts.rules.iter().copied().filter(|r| enabled.contains(r)).collect()
        };
    }
    opts.concurrent_apis.extend(cfg.concurrent.iter().cloned());
    opts.lock_wrappers.extend(cfg.lock_wrappers.iter().cloned());
    // The command line wins over the file.
    opts.level = opts.level.or(cfg.level);
    // An empty list means "every rule" in `CheckOptions`; here it means none is left.
    cfg.rules.is_some() && opts.rules.is_empty()
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

/// A file's facts: from the cache when an entry for its path and text is there, else lowered
/// (and stored for the next run).
fn lower_cached(src: &load::SourceFile, cache: Option<&cache::Cache>, interner: &Arc<crate::syntax::Interner>) -> crate::syntax::FileFacts {
    let Some(cache) = cache else { return crate::syntax::lower_file_with(src, interner) };
    let key = cache::Cache::key(&src.path, &src.text);
    if let Some(facts) = cache.load(key, interner) {
        return facts;
    }
    let facts = crate::syntax::lower_file_with(src, interner);
    cache.store(key, &facts);
    facts
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_else(|| "panic".into())
}
