//! SARIF 2.1.0 rendering of a report, for code-scanning uploads.

use std::path::Path;

use serde_json::{Value, json};

use crate::report::{Report, display_path};
use crate::rules::RuleId;

pub fn render(report: &Report, base: &Path) -> String {
    let rules: Vec<Value> = RuleId::ALL
        .iter()
        .map(|r| json!({"id": r.to_string(), "name": r.name(), "shortDescription": {"text": r.doc().summary}, "help": {"text": r.fix()}}))
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let loc = |file: &Path, line: u32| json!({"physicalLocation": {"artifactLocation": {"uri": display_path(file, base)}, "region": {"startLine": line}}});
            let related: Vec<Value> = f
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut l = loc(&r.file, r.line);
                    l["id"] = json!(i);
                    l["message"] = json!({"text": r.message});
                    l
                })
                .collect();
            let stacks: Vec<Value> = f
                .stacks
                .iter()
                .map(|s| {
                    json!({"message": {"text": format!("goroutine {} ({})", s.goroutine, s.label)},
                        "frames": s.frames.iter().map(|fr| json!({"location": {"physicalLocation": {"artifactLocation": {"uri": display_path(&fr.file, base)}, "region": {"startLine": fr.line}}, "logicalLocations": [{"fullyQualifiedName": fr.function}]}})).collect::<Vec<_>>()})
                })
                .collect();
            json!({
                "ruleId": f.rule.to_string(),
                "level": "warning",
                "message": {"text": format!("{} Fix: {}", f.message, f.fix)},
                "locations": [loc(&f.file, f.line)],
                "relatedLocations": related,
                "stacks": stacks,
                "properties": {"evidence": f.evidence},
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "maprace", "version": env!("CARGO_PKG_VERSION"), "rules": rules}}, "results": results}],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
