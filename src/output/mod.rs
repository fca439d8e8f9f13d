//! The one output layer every mode uses (`check`, `race`, `lsp` reuses the model): a report
//! becomes text for stdout and stderr in one of the [`Format`]s, one file per format. Nothing
//! here analyses; only `pretty` reads files (the source lines it draws).

use std::path::Path;

use crate::report::{Report, display_path};

pub mod github;
pub mod json;
pub mod pretty;
pub mod sarif;
pub mod text;

/// Every format `check` and `race` print. The CLI maps its flag onto this enum; the library
/// knows nothing about clap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `file:line:col: MR00X name: message` (go vet style); file errors on stderr.
    Text,
    /// One JSON object, versioned (docs/json.md).
    Json,
    /// Findings drawn over their source lines, for reading at a terminal.
    Pretty,
    /// SARIF 2.1.0, for code-scanning uploads.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::`), shown as annotations.
    Github,
}

impl Format {
    /// Whether stdout carries a machine-read document, so a run's own output must go elsewhere.
    pub fn is_document(self) -> bool {
        matches!(self, Format::Json | Format::Sarif | Format::Github)
    }
}

/// What to print where. File errors go to stderr in the human formats and into the document
/// in the others.
#[derive(Debug, Default)]
pub struct Rendered {
    pub stdout: String,
    pub stderr: String,
}

/// `base` is the directory paths are shown relative to (the current directory); `color` only
/// matters for `pretty`.
pub fn render(report: &Report, format: Format, base: &Path, color: bool) -> Rendered {
    match format {
        Format::Text => Rendered { stdout: text::findings(report, base), stderr: text::errors(report, base) },
        Format::Pretty => Rendered { stdout: pretty::render(report, base, color), stderr: text::errors(report, base) },
        Format::Json => Rendered { stdout: json::render(report) + "\n", stderr: String::new() },
        Format::Sarif => Rendered { stdout: sarif::render(report, base) + "\n", stderr: String::new() },
        // Errors are also workflow commands (they make the run exit 2, so they must be seen),
        // and plain lines on stderr for the log.
        Format::Github => Rendered { stdout: github::render(report, base), stderr: text::errors(report, base) },
    }
}

/// A path for tools that resolve it against the repository root (SARIF, GitHub): relative to
/// `base` like the text output, without the `./` that relative patterns leave, `/`-separated.
pub fn repo_path(p: &Path, base: &Path) -> String {
    let s = display_path(p, base).replace('\\', "/");
    let mut t = s.as_str();
    while let Some(rest) = t.strip_prefix("./") {
        t = rest;
    }
    t.to_string()
}
