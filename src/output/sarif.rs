//! `--format sarif`: SARIF 2.1.0 for code-scanning uploads (GitHub's upload-sarif, IDE SARIF
//! viewers). Validated against the OASIS schema in tests/output_formats.rs. The rule table
//! comes from the rule registry, so a new rule appears here without edits.

use std::path::Path;

use serde_json::{Value, json};

use crate::report::{Confidence, Evidence, Finding, Report};
use crate::rules::RuleId;

/// Where users learn about the tool; SARIF's `informationUri` (from Cargo.toml `homepage`).
pub const INFORMATION_URI: &str = env!("CARGO_PKG_HOMEPAGE");

pub fn render(report: &Report, base: &Path) -> String {
    let rules: Vec<Value> = RuleId::all().iter().map(|r| rule(*r)).collect();
    let results: Vec<Value> = report.findings.iter().map(|f| result(f, base)).collect();
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            json!({"level": "error", "message": {"text": e.message},
                   "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&super::repo_path(&e.file, base))}}}]})
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "maprace",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

fn rule(r: RuleId) -> Value {
    let d = r.doc();
    json!({
        "id": r.to_string(),
        "name": d.name,
        "shortDescription": {"text": d.summary},
        "fullDescription": {"text": what_it_finds(d.doc).unwrap_or(d.summary)},
        "help": {"text": format!("Fix: {}", d.fix), "markdown": d.doc},
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": ["concurrency", "go", "maps"]},
    })
}

/// The "## What it finds" section of a rule's documentation, as one paragraph.
fn what_it_finds(doc: &str) -> Option<&str> {
    let start = doc.find("## What it finds")? + "## What it finds".len();
    let rest = &doc[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    let text = rest[..end].trim();
    if text.is_empty() { None } else { Some(text) }
}

fn result(f: &Finding, base: &Path) -> Value {
    let related: Vec<Value> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut l = location(&super::repo_path(&r.file, base), r.line, None);
            l["id"] = json!(i);
            l["message"] = json!({"text": r.message});
            l
        })
        .collect();
    let stacks: Vec<Value> = f
        .stacks
        .iter()
        .map(|s| {
            let frames: Vec<Value> = s
                .frames
                .iter()
                .map(|fr| {
                    let mut l = location(&super::repo_path(&fr.file, base), fr.line, None);
                    l["logicalLocations"] = json!([{"fullyQualifiedName": fr.function}]);
                    json!({"location": l})
                })
                .collect();
            json!({"message": {"text": format!("goroutine {} ({})", s.goroutine, s.label)}, "frames": frames})
        })
        .collect();
    let mut v = json!({
        "ruleId": f.rule.to_string(),
        "ruleIndex": RuleId::all().iter().position(|r| *r == f.rule).unwrap_or(0),
        "level": level(f),
        "message": {"text": format!("{} Fix: {}", f.message, f.fix)},
        "locations": [location(&super::repo_path(&f.file, base), f.line, Some(f.column))],
        "relatedLocations": related,
        "properties": {"evidence": f.evidence.as_str(), "confidence": f.confidence},
    });
    if !stacks.is_empty() {
        v["stacks"] = json!(stacks);
    }
    if let Some(fp) = &f.fingerprint {
        // GitHub code scanning deduplicates alerts across commits by this key.
        v["partialFingerprints"] = json!({"maprace/v1": fp});
    }
    v
}

/// SARIF's `level` from how sure the finding is: a race seen in a run (`race`) is an `error`;
/// one inferred from the source is a `warning` (the rule's default level); a lower-confidence
/// one (`--level all`) rests on an assumption the analysis cannot check, so it is a `note`,
/// which code scanning shows without failing a quality gate.
fn level(f: &Finding) -> &'static str {
    match (f.confidence, f.evidence) {
        (Confidence::Low, _) => "note",
        (Confidence::High, Evidence::Observed | Evidence::Confirmed) => "error",
        (Confidence::High, Evidence::Static | Evidence::Predicted) => "warning",
    }
}

fn location(path: &str, line: u32, column: Option<u32>) -> Value {
    let mut region = json!({"startLine": line.max(1)});
    if let Some(c) = column {
        region["startColumn"] = json!(c.max(1));
    }
    json!({"physicalLocation": {"artifactLocation": {"uri": uri(path)}, "region": region}})
}

/// A relative reference as SARIF wants it: forward slashes, spaces and `%` percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '\\' => out.push('/'),
            '%' => out.push_str("%25"),
            ' ' => out.push_str("%20"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            c => out.push(c),
        }
    }
    out
}
