//! `.maprace.toml`, in the style of staticcheck.conf: found by walking up from the target
//! directory to the module root (the nearest file wins), then applied by `check_paths`.
//! Unknown keys and bad values are errors naming the file, the key and the line.
//! The older `.maprace.json` at the module root is still read, with a deprecation note.
//! docs/config.md is the user's description.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::report::FileError;
use crate::rules::RuleId;

pub const FILE_NAME: &str = ".maprace.toml";

/// Which findings are shown: `default` the confident ones; `all` also those of lower
/// confidence (marked in their message; see `rules::confidence`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Level {
    #[default]
    Default,
    All,
}

#[derive(Clone, Debug, Default)]
pub struct Config {
    pub path: PathBuf,
    /// The rules left enabled by `checks`; `None`: every rule.
    pub rules: Option<Vec<RuleId>>,
    pub concurrent: Vec<String>,
    pub lock_wrappers: Vec<String>,
    /// `.gitignore`-style patterns relative to the config file's directory; `dir/...` too.
    pub exclude: Vec<String>,
    /// Unset: the command line's, or `default`.
    pub level: Option<Level>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    checks: Option<Vec<Spanned<String>>>,
    concurrent: Option<Vec<String>>,
    lock_wrappers: Option<Vec<String>>,
    exclude: Option<Vec<Spanned<String>>>,
    level: Option<Spanned<String>>,
}

/// The nearest `.maprace.toml` from `start` up to `root` (inclusive; only `start` when there
/// is no module root).
pub fn find(start: &Path, root: Option<&Path>) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if root.is_none_or(|r| dir == r) {
            break;
        }
    }
    None
}

pub fn read(path: &Path) -> Result<Config, FileError> {
    let err = |message: String| FileError { file: path.to_path_buf(), message };
    let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read config: {e}")))?;
    parse(&text, path).map_err(err)
}

fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Errors read `line N: key `k`: what is wrong; what to write instead`.
pub fn parse(text: &str, path: &Path) -> Result<Config, String> {
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_at(text, s.start)).unwrap_or(1);
        let msg = e.message().trim().replace('\n', " ");
        // The key whose value is wrong is the `key =` that starts the line (values on one line
        // are the style docs/config.md shows).
        let key = text.lines().nth(line - 1).and_then(|l| l.split_once('=')).map(|(k, _)| k.trim()).filter(|k| !k.is_empty());
        let hint = if msg.contains("expected one of") { " (docs/config.md)" } else { "; docs/config.md describes the keys and their values" };
        match key {
            Some(k) => format!("line {line}: key `{k}`: {msg}{hint}"),
            None => format!("line {line}: {msg}{hint}"),
        }
    })?;
    let mut cfg = Config { path: path.to_path_buf(), ..Config::default() };
    if let Some(checks) = raw.checks {
        cfg.rules = Some(rules_from_checks(&checks, text)?);
    }
    cfg.concurrent = raw.concurrent.unwrap_or_default();
    cfg.lock_wrappers = raw.lock_wrappers.unwrap_or_default();
    for pat in raw.exclude.unwrap_or_default() {
        if pat.get_ref().trim().is_empty() {
            return Err(format!("line {}: key `exclude`: an empty pattern excludes nothing; remove it", line_at(text, pat.span().start)));
        }
        cfg.exclude.push(pat.into_inner());
    }
    if let Some(level) = raw.level {
        cfg.level = Some(match level.get_ref().as_str() {
            "default" => Level::Default,
            "all" => Level::All,
            other => {
                return Err(format!(
                    "line {}: key `level`: unknown level {other:?}; use \"default\" or \"all\"",
                    line_at(text, level.span().start)
                ));
            }
        });
    }
    Ok(cfg)
}

/// staticcheck's `checks`: `"all"` (or `"*"`) enables every rule, `"MR004"` or a rule name
/// enables one, `"-MR004"` disables one, applied in order. A list starting with a
/// disable starts from every rule; otherwise from none.
fn rules_from_checks(checks: &[Spanned<String>], text: &str) -> Result<Vec<RuleId>, String> {
    let starts_with_disable = checks.first().is_some_and(|c| c.get_ref().starts_with('-'));
    let mut on: Vec<RuleId> = if starts_with_disable { RuleId::all().to_vec() } else { Vec::new() };
    for c in checks {
        let s = c.get_ref().trim();
        let (enable, name) = match s.strip_prefix('-') {
            Some(rest) => (false, rest),
            None => (true, s),
        };
        let ids: Vec<RuleId> = if name == "all" || name == "*" {
            RuleId::all().to_vec()
        } else {
            match RuleId::parse(name) {
                Some(id) => vec![id],
                None => {
                    return Err(format!(
                        "line {}: key `checks`: unknown rule {name:?}; use an id (MR004), a name (racy-lazy-init) or \"all\"; `maprace explain` lists them",
                        line_at(text, c.span().start)
                    ));
                }
            }
        };
        for id in ids {
            on.retain(|r| *r != id);
            if enable {
                on.push(id);
            }
        }
    }
    on.sort();
    Ok(on)
}

/// Whether `file` falls under one of `cfg.exclude`'s patterns.
pub struct Excluder {
    matcher: Option<ignore::gitignore::Gitignore>,
    base: PathBuf,
}

impl Excluder {
    pub fn new(cfg: &Config) -> Result<Excluder, FileError> {
        let base = cfg.path.parent().map(Path::to_path_buf).unwrap_or_default();
        if cfg.exclude.is_empty() {
            return Ok(Excluder { matcher: None, base });
        }
        let mut b = ignore::gitignore::GitignoreBuilder::new(&base);
        for pat in &cfg.exclude {
            // Go's `dir/...` means the directory and everything below it.
            let pat = match pat.strip_suffix("...") {
                Some(dir) => format!("{}/", dir.trim_end_matches('/')),
                None => pat.clone(),
            };
            b.add_line(None, &pat).map_err(|e| FileError {
                file: cfg.path.clone(),
                message: format!("key `exclude`: bad pattern {pat:?}: {e}"),
            })?;
        }
        let matcher = b.build().map_err(|e| FileError { file: cfg.path.clone(), message: format!("key `exclude`: {e}") })?;
        Ok(Excluder { matcher: Some(matcher), base })
    }

    pub fn excludes(&self, file: &Path) -> bool {
        let Some(m) = &self.matcher else { return false };
        let abs = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
        match abs.strip_prefix(&self.base) {
            Ok(rel) => m.matched_path_or_any_parents(rel, false).is_ignore(),
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_in_order() {
        let c = parse("checks = [\"-MR009\"]\n", Path::new("x")).unwrap();
        assert_eq!(c.rules.as_ref().map(Vec::len), Some(RuleId::all().len() - 1));
        let c = parse("checks = [\"MR004\", \"racy-lazy-init\", \"MR001\"]\n", Path::new("x")).unwrap();
        assert_eq!(c.rules, Some(vec![RuleId::MR001, RuleId::MR004]));
    }

    #[test]
    fn errors_name_key_and_line() {
        let e = parse("level = \"default\"\n\nfoo = 1\n", Path::new("x")).unwrap_err();
        assert!(e.contains("line 3") && e.contains("foo"), "{e}");
        let e = parse("\nchecks = [\"MR999\"]\n", Path::new("x")).unwrap_err();
        assert!(e.contains("line 2") && e.contains("checks") && e.contains("MR999"), "{e}");
        let e = parse("level = \"max\"\n", Path::new("x")).unwrap_err();
        assert!(e.contains("line 1") && e.contains("level"), "{e}");
        let e = parse("concurrent = \"x\"\n", Path::new("x")).unwrap_err();
        assert!(e.contains("line 1") && e.contains("concurrent"), "{e}");
    }
}
