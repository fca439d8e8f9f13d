//! What CI pipelines and hooks rely on: `--version` names the git revision, the pre-commit
//! hook definition points at a real command, and the docs show the GitHub Actions steps.

use std::path::Path;
use std::process::Command;

#[test]
fn version_shows_the_package_version_and_git_revision() {
    let out = Command::new(env!("CARGO_BIN_EXE_maprace")).arg("--version").output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let v = String::from_utf8_lossy(&out.stdout);
    assert!(v.starts_with(&format!("maprace {} (", env!("CARGO_PKG_VERSION"))), "{v}");
    let rev = v.trim().rsplit('(').next().unwrap_or("").trim_end_matches(')');
    assert!(rev == "unknown" || (rev.len() >= 7 && rev.chars().all(|c| c.is_ascii_hexdigit())), "{v}");
    let git = Command::new("git").args(["rev-parse", "--short", "HEAD"]).current_dir(env!("CARGO_MANIFEST_DIR")).output();
    if let Ok(g) = git
        && g.status.success()
    {
        let head = String::from_utf8_lossy(&g.stdout).trim().to_string();
        assert_eq!(rev, head, "built from this checkout");
    }
}

#[test]
fn pre_commit_hook_runs_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let hooks = std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).expect(".pre-commit-hooks.yaml");
    assert!(hooks.contains("- id: maprace"), "{hooks}");
    assert!(hooks.contains("entry: maprace check"), "{hooks}");
    assert!(hooks.contains("types: [go]"), "{hooks}");
}

#[test]
fn ci_docs_show_sarif_upload_and_annotations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/ci.md")).expect("docs/ci.md");
    assert!(doc.contains("github/codeql-action/upload-sarif"), "{doc}");
    assert!(doc.contains("--format sarif") && doc.contains("--format github"), "{doc}");
}
