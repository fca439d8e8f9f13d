//! The report model shared by every mode (`check`, `race`, `lab`, `lsp`): findings and file
//! errors. Owns nothing about how findings are found; `output/` owns how they are printed.

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

impl Evidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::Static => "static",
            Evidence::Observed => "observed",
            Evidence::Predicted => "predicted",
            Evidence::Confirmed => "confirmed",
        }
    }
}

/// How sure a finding is (see `rules::confidence`): lower-confidence findings rest on an
/// assumption the analysis cannot check, and are shown only with `--level all`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    #[default]
    High,
    Low,
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
    pub confidence: Confidence,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stacks: Vec<Stack>,
    /// Stable identity across unrelated edits (no line numbers), for baselines and SARIF's
    /// `partialFingerprints`; filled by [`crate::fingerprint::assign`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
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
            confidence: Confidence::High,
            stacks: Vec::new(),
            fingerprint: None,
        }
    }
}

/// A file (or path argument) the tool could not fully process. The run goes on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
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

    /// The go-vet text (`output::text`); kept here for the callers that only want text.
    pub fn render_text(&self, base: &Path) -> String {
        crate::output::text::findings(self, base)
    }

    /// File errors, one line each (`output::text`).
    pub fn render_errors(&self, base: &Path) -> String {
        crate::output::text::errors(self, base)
    }

    /// The versioned JSON document (`output::json`, docs/json.md).
    pub fn render_json(&self) -> String {
        crate::output::json::render(self)
    }
}

pub fn display_path(p: &Path, base: &Path) -> String {
    p.strip_prefix(base).unwrap_or(p).display().to_string()
}
