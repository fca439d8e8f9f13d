//! Baselines: `--write-baseline FILE` records the current findings' fingerprints;
//! `--baseline FILE` keeps only findings whose fingerprint is not recorded. The file is JSON
//! meant to be committed and reviewed: the fingerprint decides, the rest is for people.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::fingerprint::RECIPE;
use crate::report::{Report, display_path};

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    tool: String,
    fingerprint_recipe: String,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    rule: String,
    file: String,
    /// Where it was when recorded; not used for matching.
    line: u32,
    message: String,
}

/// Record `report`'s findings (fingerprints must be assigned). Paths relative to `base`.
pub fn write(report: &Report, path: &Path, base: &Path) -> Result<usize, String> {
    let findings: Vec<Entry> = report
        .findings
        .iter()
        .filter_map(|f| {
            Some(Entry {
                fingerprint: f.fingerprint.clone()?,
                rule: f.rule.to_string(),
                file: display_path(&f.file, base),
                line: f.line,
                message: f.message.clone(),
            })
        })
        .collect();
    let n = findings.len();
    let doc = File { version: VERSION, tool: "maprace".into(), fingerprint_recipe: RECIPE.into(), findings };
    let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("{}: cannot write the baseline: {e}", path.display()))?;
    Ok(n)
}

/// Drop the findings recorded in the baseline at `path`; returns how many were dropped.
pub fn filter(report: &mut Report, path: &Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!("{}: cannot read the baseline: {e}; create it with `maprace check --write-baseline {}`", path.display(), path.display())
    })?;
    let doc: File = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a maprace baseline ({e}); recreate it with --write-baseline", path.display()))?;
    if doc.version != VERSION || doc.fingerprint_recipe != RECIPE {
        return Err(format!(
            "{}: baseline version {} / fingerprints {} is not this maprace's ({VERSION} / {RECIPE}); recreate it with --write-baseline",
            path.display(),
            doc.version,
            doc.fingerprint_recipe
        ));
    }
    let known: HashSet<String> = doc.findings.into_iter().map(|e| e.fingerprint).collect();
    let before = report.findings.len();
    report.findings.retain(|f| f.fingerprint.as_ref().is_none_or(|fp| !known.contains(fp)));
    Ok(before - report.findings.len())
}
