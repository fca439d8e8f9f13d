//! Suppression comments, read from source text after the analysis:
//!
//! - `//maprace:ignore MR004 reason`, `//maprace:ignore MR004,MR001 reason`, or
//!   `//maprace:ignore reason` (every rule). A reason is expected: without one the
//!   suppression still works and a warning names it.
//! - `//nolint`, `//nolint:maprace`, `//nolint:errcheck,maprace` for golangci-lint users.
//!
//! A directive covers findings on its own line, and on the next line when it stands alone on
//! a comment-only line. docs/suppressions.md is the user's description.

use std::path::{Path, PathBuf};

use super::Sources;
use super::lexer::comment_start;
use crate::report::Report;
use crate::rules::RuleId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Ignore,
    Nolint,
}

#[derive(Clone, Debug)]
pub struct Directive {
    pub file: PathBuf,
    pub line: u32,
    pub kind: Kind,
    /// `None`: every rule.
    pub rules: Option<Vec<RuleId>>,
    pub reason: String,
    /// Stands alone on its line, so it also covers the next line.
    pub own_line: bool,
    pub used: bool,
}

impl Directive {
    fn covers(&self, rule: RuleId, line: u32) -> bool {
        let here = line == self.line || (self.own_line && line == self.line + 1);
        here && self.rules.as_ref().is_none_or(|r| r.contains(&rule))
    }

    pub fn describe(&self) -> String {
        match (&self.kind, &self.rules) {
            (Kind::Nolint, _) => "//nolint".to_string(),
            (Kind::Ignore, None) => "//maprace:ignore".to_string(),
            (Kind::Ignore, Some(r)) => {
                format!("//maprace:ignore {}", r.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(","))
            }
        }
    }
}

/// Every directive in one file's text.
pub fn directives(file: &Path, text: &str) -> Vec<Directive> {
    let mut out = Vec::new();
    for (idx, line) in text.lines().enumerate() {
        let Some(start) = comment_start(line) else { continue };
        let comment = &line[start + 2..];
        let own_line = line[..start].trim().is_empty();
        if let Some(d) = parse(comment) {
            out.push(Directive { file: file.to_path_buf(), line: idx as u32 + 1, own_line, used: false, ..d });
        }
    }
    out
}

/// `comment` is the text after `//`. Directives have no space after `//`, as Go's do.
fn parse(comment: &str) -> Option<Directive> {
    let blank = |kind, rules, reason: &str| Directive {
        file: PathBuf::new(),
        line: 0,
        kind,
        rules,
        reason: reason.trim().to_string(),
        own_line: false,
        used: false,
    };
    if let Some(rest) = comment.strip_prefix("maprace:ignore") {
        if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
            return None;
        }
        let rest = rest.trim_start();
        let first = rest.split_whitespace().next().unwrap_or("");
        let ids: Option<Vec<RuleId>> =
            if first.is_empty() { None } else { first.split(',').map(RuleId::parse).collect::<Option<Vec<_>>>() };
        return Some(match ids {
            Some(ids) => blank(Kind::Ignore, Some(ids), &rest[first.len()..]),
            None => blank(Kind::Ignore, None, rest),
        });
    }
    if let Some(rest) = comment.strip_prefix("nolint") {
        if rest.is_empty() || rest.starts_with(char::is_whitespace) {
            return Some(blank(Kind::Nolint, None, rest.trim_start().trim_start_matches("//")));
        }
        let list = rest.strip_prefix(':')?;
        let names = list.split_whitespace().next().unwrap_or("");
        let reason = list[names.len()..].trim_start().trim_start_matches("//");
        if names.split(',').any(|n| n.eq_ignore_ascii_case("maprace")) {
            return Some(blank(Kind::Nolint, None, reason));
        }
    }
    None
}

/// What the suppression pass did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub suppressed: usize,
    /// `file:line: ...` warnings: `//maprace:ignore` without a reason.
    pub warnings: Vec<String>,
    /// With `unused` asked for: directives that matched no finding.
    pub unused: Vec<Directive>,
}

/// Drop the findings a directive covers. `all_files`: every analysed file, scanned for unused
/// directives when given (otherwise only files with findings are read). `enabled`: the rules
/// that ran; a directive only about rules that did not run is not called unused.
pub fn apply(report: &mut Report, sources: &mut Sources, all_files: Option<&[PathBuf]>, enabled: &[RuleId]) -> Outcome {
    let mut files: Vec<PathBuf> = report.findings.iter().map(|f| f.file.clone()).collect();
    if let Some(all) = all_files {
        files.extend(all.iter().cloned());
    }
    files.sort();
    files.dedup();
    let mut dirs: Vec<Directive> = Vec::new();
    for f in &files {
        if let Some(text) = sources.get(f) {
            dirs.extend(directives(f, text));
        }
    }
    let before = report.findings.len();
    report.findings.retain(|f| {
        let mut covered = false;
        for d in dirs.iter_mut().filter(|d| d.file == f.file && d.covers(f.rule, f.line)) {
            d.used = true;
            covered = true;
        }
        !covered
    });
    let mut out = Outcome { suppressed: before - report.findings.len(), ..Outcome::default() };
    for d in &dirs {
        if d.kind == Kind::Ignore && d.reason.is_empty() && d.used {
            out.warnings.push(format!(
                "{}:{}: {} has no reason; say why the finding is safe after the rule ids",
                d.file.display(),
                d.line,
                d.describe()
            ));
        }
    }
    if all_files.is_some() {
        let ran = |d: &Directive| d.rules.as_ref().is_none_or(|r| r.iter().any(|id| enabled.contains(id)));
        out.unused = dirs.into_iter().filter(|d| !d.used && ran(d)).collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directive_forms() {
        let d = parse("maprace:ignore MR004,MR001 guarded by the caller").unwrap();
        assert_eq!(d.rules, Some(vec![RuleId::MR004, RuleId::MR001]));
        assert_eq!(d.reason, "guarded by the caller");
        let d = parse("maprace:ignore only one goroutine writes").unwrap();
        assert_eq!((d.rules, d.reason.as_str()), (None, "only one goroutine writes"));
        assert!(parse("nolint").is_some());
        assert!(parse("nolint:errcheck,maprace // reason").is_some());
        assert!(parse("nolint:errcheck").is_none());
        assert!(parse("nolintx").is_none());
        assert!(parse(" maprace:ignore MR001").is_none());
    }
}
