//! docs/rules/ is generated from the rule modules (scripts/gen-rule-docs.sh); stale docs fail.

use std::process::Command;

#[test]
fn rule_docs_match_explain() {
    for &id in maprace::rules::RuleId::all() {
        let out = Command::new(env!("CARGO_BIN_EXE_maprace")).args(["explain", &id.to_string()]).output().expect("runs");
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("docs/rules/{id}.md"));
        let file = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(file, String::from_utf8_lossy(&out.stdout), "{} is stale: run scripts/gen-rule-docs.sh", path.display());
    }
}
