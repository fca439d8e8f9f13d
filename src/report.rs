//! The report model shared by every mode (`check`, `race`, `lab`): findings, file errors,
//! and their renderings (go-vet text, JSON, SARIF). Owns nothing about how findings are found.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::rules::RuleId;

/// How a finding was established.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Evidence {
    /// Found by `maprace check` from the source alone.
    Static,
    /// Seen in a real run by `maprace race`.
    Observed,
    /// Inferred by `maprace race` for a schedule the run did not take.
    Predicted,
    /// Seen in a run and also reported by `check` at the same site.
    Confirmed,
}

/// A place in a source file, 1-based like `go vet`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub file: PathBuf,
    pub line: u32,
    pub column: u32,
}

/// The other side of a finding (the conflicting access, the check of a check-then-act).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    pub file: PathBuf,
    pub line: u32,
    pub message: String,
}

/// One frame of a goroutine stack, as recorded by dynamic mode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Frame {
    pub function: String,
    pub file: PathBuf,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stack {
    /// What this goroutine did ("write of m[k]", "read of m[k]").
    pub label: String,
    pub goroutine: u64,
    pub frames: Vec<Frame>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: RuleId,
    pub name: &'static str,
    pub file: PathBuf,
    pub line: u32,
    pub column: u32,
    pub message: String,
    pub related: Vec<Related>,
    pub fix: &'static str,
    pub evidence: Evidence,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stacks: Vec<Stack>,
}

impl Finding {
    /// A static finding with the rule's catalogue name and fix filled in.
    pub fn new(rule: RuleId, at: Location, message: String, related: Vec<Related>) -> Finding {
        Finding {
            rule,
            name: rule.name(),
            file: at.file,
            line: at.line,
            column: at.column,
            message,
            related,
            fix: rule.fix(),
            evidence: Evidence::Static,
            stacks: Vec::new(),
        }
    }
}

/// A file (or path argument) the tool could not fully process. The run goes on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileError {
    pub file: PathBuf,
    pub message: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub errors: Vec<FileError>,
}

impl Report {
    /// Sort by file, line, column, rule and drop exact repeats, so output is deterministic
    /// whatever order the parallel stages produced.
    pub fn normalize(&mut self) {
        self.findings.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.rule).cmp(&(&b.file, b.line, b.column, b.rule))
        });
        self.findings
            .dedup_by(|a, b| a.file == b.file && a.line == b.line && a.rule == b.rule);
        self.errors.sort_by(|a, b| (&a.file, &a.message).cmp(&(&b.file, &b.message)));
        self.errors.dedup();
    }

    /// 1 when there is something to fix, else 0. Callers use 2 for "could not do what was asked".
    pub fn exit_code(&self) -> i32 {
        if self.findings.is_empty() { 0 } else { 1 }
    }

    /// Paths are printed relative to `base` when they lie below it, as `go vet` does.
    pub fn render_text(&self, base: &Path) -> String {
        let mut out = String::new();
        for f in &self.findings {
            let _ = write!(
                out,
                "{}:{}:{}: {} {}: {}",
                display_path(&f.file, base),
                f.line,
                f.column,
                f.rule,
                f.name,
                f.message
            );
            if f.evidence != Evidence::Static {
                let _ = write!(out, " [{}]", serde_json::to_value(f.evidence).unwrap_or_default().as_str().unwrap_or(""));
            }
            let _ = writeln!(out, "\n\tfix: {}", f.fix);
            for r in &f.related {
                let _ = writeln!(out, "\t{}:{}: {}", display_path(&r.file, base), r.line, r.message);
            }
            for s in &f.stacks {
                let _ = writeln!(out, "\tgoroutine {} ({}):", s.goroutine, s.label);
                for fr in &s.frames {
                    let _ = writeln!(out, "\t    {} {}:{}", fr.function, display_path(&fr.file, base), fr.line);
                }
            }
        }
        out
    }

    /// Errors go to stderr in text mode, one line each, naming the file.
    pub fn render_errors(&self, base: &Path) -> String {
        let mut out = String::new();
        for e in &self.errors {
            let _ = writeln!(out, "maprace: {}: {}", display_path(&e.file, base), e.message);
        }
        out
    }

    pub fn render_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

pub fn display_path(p: &Path, base: &Path) -> String {
    p.strip_prefix(base).unwrap_or(p).display().to_string()
}
