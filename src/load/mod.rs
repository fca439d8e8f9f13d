//! Loading like the go tool: command-line arguments (files, directories, `./...`, `dir/...`)
//! become Go packages (directory + package clause) with the module's import paths, skipping
//! what `go build` skips. The only module besides `check` that touches the file system.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::report::FileError;

mod build_tags;
pub use build_tags::Target;

/// Files larger than this are named in the errors and not analysed: Go sources this size are
/// generated tables, and holding them would cost memory for nothing the rules can use.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct LoadOptions {
    pub include_tests: bool,
    pub include_generated: bool,
    /// Build constraints are applied for this platform; `None` analyses every file.
    pub target: Option<Target>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions { include_tests: true, include_generated: false, target: Some(Target::from_env()) }
    }
}

/// One Go source file, read and decoded.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// The files of one directory, before their package clauses are known (a directory can hold
/// `p` and `p_test`; `model` splits them).
#[derive(Debug)]
pub struct PackageDir {
    pub dir: PathBuf,
    /// Import path of the directory: module path + relative dir, or the directory itself
    /// outside a module.
    pub import_path: String,
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Default)]
pub struct Loaded {
    pub module_root: Option<PathBuf>,
    pub module_path: Option<String>,
    pub dirs: Vec<PackageDir>,
    pub errors: Vec<FileError>,
    /// An argument could not be resolved at all (missing path, no Go files): exit 2.
    pub argument_failed: bool,
}

/// Resolve arguments the way `go vet` does. Relative to the current directory.
pub fn load(args: &[String], opts: &LoadOptions) -> Loaded {
    let mut out = Loaded::default();
    let mut files_by_dir: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let args: Vec<String> = if args.is_empty() { vec![".".to_string()] } else { args.to_vec() };
    for arg in &args {
        let (base, recursive) = match arg.strip_suffix("...") {
            Some(rest) => {
                let rest = rest.trim_end_matches('/');
                (PathBuf::from(if rest.is_empty() { "." } else { rest }), true)
            }
            None => (PathBuf::from(arg), false),
        };
        let meta = match fs::metadata(&base) {
            Ok(m) => m,
            Err(e) => {
                out.errors.push(FileError {
                    file: base.clone(),
                    message: format!("cannot read argument {arg:?}: {e}"),
                });
                out.argument_failed = true;
                continue;
            }
        };
        let before: usize = files_by_dir.values().map(Vec::len).sum();
        if !meta.is_file() && !meta.is_dir() {
            out.errors.push(FileError { file: base.clone(), message: "not a regular file or directory; not read".into() });
            out.argument_failed = true;
            continue;
        }
        if meta.is_file() {
            if base.extension().is_some_and(|e| e == "go") {
                let dir = base.parent().map(Path::to_path_buf).unwrap_or_default();
                let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir };
                files_by_dir.entry(dir).or_default().push(base.clone());
            } else {
                out.errors.push(FileError { file: base.clone(), message: "not a Go source file (.go)".into() });
                out.argument_failed = true;
                continue;
            }
        } else if recursive {
            walk(&base, opts, &mut files_by_dir, &mut out.errors);
        } else {
            collect_dir(&base, opts, &mut files_by_dir, &mut out.errors);
        }
        let after: usize = files_by_dir.values().map(Vec::len).sum();
        if after == before && meta.is_dir() {
            out.errors.push(FileError {
                file: base.clone(),
                message: format!("no Go files matched {arg:?}"),
            });
            out.argument_failed = true;
        }
    }

    let first = files_by_dir.keys().next().cloned();
    if let Some(first) = first
        && let Some((root, path)) = find_module(&first) {
            out.module_root = Some(root);
            out.module_path = Some(path);
        }
    for (dir, mut files) in files_by_dir {
        files.sort();
        files.dedup();
        let import_path = import_path_for(&dir, out.module_root.as_deref(), out.module_path.as_deref());
        out.dirs.push(PackageDir { dir, import_path, files });
    }
    out
}

/// Names the go tool ignores: `_x`, `.x`, and for directories also `testdata` and `vendor`.
fn ignored_name(name: &str, is_dir: bool) -> bool {
    name.starts_with('_') || name.starts_with('.') || (is_dir && (name == "testdata" || name == "vendor"))
}

fn walk(base: &Path, opts: &LoadOptions, acc: &mut BTreeMap<PathBuf, Vec<PathBuf>>, errors: &mut Vec<FileError>) {
    let walker = ignore::WalkBuilder::new(base)
        .standard_filters(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|e| {
            // The root itself is always walked, even when named `testdata` (the user asked for it).
            if e.depth() == 0 {
                return true;
            }
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            !ignored_name(&e.file_name().to_string_lossy(), is_dir)
        })
        .build();
    for entry in walker {
        match entry {
            Ok(e) => {
                if e.depth() > 0 {
                    consider_entry(e.path(), e.file_type(), opts, acc, errors);
                }
            }
            Err(err) => {
                let file = err_path(&err).unwrap_or_else(|| base.to_path_buf());
                errors.push(FileError { file, message: format!("cannot read: {}", root_cause(&err)) });
            }
        }
    }
}

fn collect_dir(dir: &Path, opts: &LoadOptions, acc: &mut BTreeMap<PathBuf, Vec<PathBuf>>, errors: &mut Vec<FileError>) {
    match fs::read_dir(dir) {
        Ok(rd) => {
            let mut entries: Vec<(PathBuf, Option<fs::FileType>)> = Vec::new();
            for e in rd {
                match e {
                    Ok(e) => entries.push((e.path(), e.file_type().ok())),
                    Err(e) => errors.push(FileError { file: dir.to_path_buf(), message: format!("cannot list directory: {e}") }),
                }
            }
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            for (p, t) in entries {
                consider_entry(&p, t, opts, acc, errors);
            }
        }
        Err(e) => errors.push(FileError { file: dir.to_path_buf(), message: format!("cannot read directory: {e}") }),
    }
}

/// One directory entry found while walking: regular `.go` files are considered; a `.go` symlink
/// is followed (the go tool reads symlinked files) and named in the errors when it leads
/// nowhere (dangling, a loop); a `.go` FIFO, socket or device is named and never opened
/// (reading a FIFO would hang the run). Directories are the walker's business.
fn consider_entry(
    path: &Path,
    file_type: Option<fs::FileType>,
    opts: &LoadOptions,
    acc: &mut BTreeMap<PathBuf, Vec<PathBuf>>,
    errors: &mut Vec<FileError>,
) {
    let Some(t) = file_type else { return };
    if t.is_dir() {
        return;
    }
    if !wanted_name(path, opts) {
        return;
    }
    if t.is_file() {
        consider_file(path, opts, acc);
        return;
    }
    if t.is_symlink() {
        match fs::metadata(path) {
            Ok(m) if m.is_file() => consider_file(path, opts, acc),
            Ok(m) if m.is_dir() => {}
            Ok(_) => errors.push(FileError { file: path.to_path_buf(), message: "symlink to something that is not a regular file; not analysed".into() }),
            Err(e) => errors.push(FileError { file: path.to_path_buf(), message: format!("cannot follow symlink: {e}; fix or remove the link") }),
        }
        return;
    }
    errors.push(FileError {
        file: path.to_path_buf(),
        message: "not a regular file (FIFO, socket or device); not read, not analysed".into(),
    });
}

/// A file name the go tool would build: `.go`, not ignored, a test only if tests are wanted,
/// for the target platform.
fn wanted_name(path: &Path, opts: &LoadOptions) -> bool {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else { return false };
    name.ends_with(".go")
        && !ignored_name(&name, false)
        && (opts.include_tests || !name.ends_with("_test.go"))
        && !opts.target.as_ref().is_some_and(|t| !t.matches_file_name(&name))
}

fn consider_file(path: &Path, opts: &LoadOptions, acc: &mut BTreeMap<PathBuf, Vec<PathBuf>>) {
    if !wanted_name(path, opts) {
        return;
    }
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir };
    acc.entry(dir).or_default().push(path.to_path_buf());
}

fn err_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => err_path(err),
        _ => None,
    }
}

fn root_cause(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => root_cause(err),
        other => other.to_string(),
    }
}

/// Walk up from `dir` to the nearest `go.mod` and read its `module` line.
pub fn find_module(dir: &Path) -> Option<(PathBuf, String)> {
    let abs = fs::canonicalize(dir).ok()?;
    for anc in abs.ancestors() {
        let gomod = anc.join("go.mod");
        if let Ok(text) = fs::read_to_string(&gomod) {
            let path = text.lines().find_map(|l| {
                let l = l.trim();
                l.strip_prefix("module").filter(|r| r.starts_with([' ', '\t'])).map(|r| r.trim().trim_matches('"').to_string())
            })?;
            return Some((anc.to_path_buf(), path));
        }
    }
    None
}

fn import_path_for(dir: &Path, root: Option<&Path>, module: Option<&str>) -> String {
    if let (Some(root), Some(module)) = (root, module)
        && let Ok(abs) = fs::canonicalize(dir)
            && let Ok(rel) = abs.strip_prefix(root) {
                let rel = rel.to_string_lossy().replace('\\', "/");
                return if rel.is_empty() { module.to_string() } else { format!("{module}/{rel}") };
            }
    dir.to_string_lossy().into_owned()
}

/// Read one file: size cap, UTF-8, generated-file skip. `Ok(None)` means skipped on purpose.
pub fn read_source(path: &Path, opts: &LoadOptions) -> Result<Option<SourceFile>, FileError> {
    let err = |message: String| FileError { file: path.to_path_buf(), message };
    let meta = fs::metadata(path).map_err(|e| err(format!("cannot read: {e}; file not analysed")))?;
    if !meta.is_file() {
        return Err(err("not a regular file; not read, not analysed".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        // A generated table this size is skipped like any generated file; only its head is
        // read to know.
        if !opts.include_generated && head_is_generated(path) {
            return Ok(None);
        }
        return Err(err(format!(
            "file is {} MiB, over the {} MiB limit; not analysed (split it, or leave it out of the arguments)",
            meta.len() / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let bytes = fs::read(path).map_err(|e| err(format!("cannot read: {e}; file not analysed")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let (line, col) = line_col(e.as_bytes(), at);
        err(format!("not valid UTF-8 at {line}:{col} (byte {at}); Go source must be UTF-8, file not analysed"))
    })?;
    if !opts.include_generated && is_generated(&text) {
        return Ok(None);
    }
    if opts.target.as_ref().is_some_and(|t| !t.matches_content(&text)) {
        return Ok(None);
    }
    Ok(Some(SourceFile { path: path.to_path_buf(), text }))
}

/// 1-based line and byte column of byte offset `at`.
fn line_col(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = bytes.get(..at).unwrap_or(bytes);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

/// `is_generated` on the first 64 KiB of a file too large to read whole.
fn head_is_generated(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    match fs::File::open(path) {
        Ok(f) => {
            if f.take(64 * 1024).read_to_end(&mut head).is_err() {
                return false;
            }
        }
        Err(_) => return false,
    }
    is_generated(&String::from_utf8_lossy(&head))
}

/// The convention of https://go.dev/s/generatedcode: a line `// Code generated ... DO NOT EDIT.`
/// before the package clause.
pub fn is_generated(text: &str) -> bool {
    for line in text.lines() {
        let l = line.trim_end();
        if l.starts_with("package ") {
            return false;
        }
        if l.starts_with("// Code generated ") && l.ends_with(" DO NOT EDIT.") {
            return true;
        }
    }
    false
}

/// `.maprace.json` at the module root: `{"concurrent": ["ForEachMaster", "workerpool.Submit"]}`
/// names APIs outside the module that run the functions they are given concurrently.
pub const CONFIG_FILE: &str = ".maprace.json";

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    #[serde(default)]
    concurrent: Vec<String>,
}

pub fn read_config(root: &std::path::Path) -> Result<Vec<String>, FileError> {
    let path = root.join(CONFIG_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(FileError { file: path, message: format!("cannot read config: {e}") }),
    };
    serde_json::from_str::<Config>(&text)
        .map(|c| c.concurrent)
        .map_err(|e| FileError { file: path, message: format!("invalid config ({e}); expected {{\"concurrent\": [\"pkg.Func\", ...]}}") })
}
