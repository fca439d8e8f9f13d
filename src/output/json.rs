//! `--format json`: the report as one object with a schema `version` (docs/json.md). Bump
//! [`VERSION`] when a field is removed or changes meaning; adding a field does not.

use serde::Serialize;

use crate::report::{FileError, Finding, Report};

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: &'static str,
    tool_version: &'static str,
    findings: &'a [Finding],
    errors: &'a [FileError],
}

pub fn render(report: &Report) -> String {
    let doc = Document {
        version: VERSION,
        tool: "maprace",
        tool_version: env!("CARGO_PKG_VERSION"),
        findings: &report.findings,
        errors: &report.errors,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
