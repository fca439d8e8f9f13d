//! The Go instrumenter's own tests (race/instrument/main_test.go: golden overlays, reported
//! overlapping edits and unwritable copies), run through `go test` so that `cargo test` covers
//! the Go half of dynamic mode too. Needs `go` on PATH, like the other race tests. The module
//! has no dependencies; GOPROXY=off and GOTOOLCHAIN=local keep the network out.

use std::path::Path;
use std::process::Command;

#[test]
fn instrumenter_go_tests_pass() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("race/instrument");
    let out = Command::new("go")
        .args(["test", "-count=1", "./..."])
        .current_dir(&dir)
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod")
        .env_remove("GOOS")
        .env_remove("GOARCH")
        .output()
        .expect("go runs (the race tests need Go on PATH)");
    assert!(
        out.status.success(),
        "go test in race/instrument failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
