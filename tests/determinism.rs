//! `check`'s whole output (every finding with its message and related sides, every error) is
//! the same for any `--jobs` and any order of the arguments naming the files: the analysis
//! must not depend on which thread lowered a file first or on the order files are named.

use std::path::Path;

mod binary;
use binary::{maprace, text};

/// The corpus's packages, each named by its own argument.
fn corpus_dirs() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs: Vec<String> = std::fs::read_dir(root.join("corpus"))
        .expect("corpus")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| format!("corpus/{}/...", e.file_name().to_string_lossy()))
        .collect();
    dirs.sort();
    dirs
}

fn json(args: &[String], jobs: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all: Vec<&str> = vec!["check", "--format", "json", "--jobs", jobs];
    all.extend(args.iter().map(String::as_str));
    let out = maprace(root, &all);
    assert_eq!(out.status.code(), Some(1), "the corpus has findings; stderr: {}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn output_is_identical_for_any_jobs_and_argument_order() {
    let dirs = corpus_dirs();
    assert!(dirs.len() > 3, "corpus packages: {dirs:?}");
    let reference = json(&dirs, "1");
    assert!(reference.matches("\"rule\"").count() > 50, "{reference}");
    let mut reversed = dirs.clone();
    reversed.reverse();
    // A rotation as well: not only the mirror image of the sorted order.
    let mut rotated = dirs.clone();
    rotated.rotate_left(dirs.len() / 2);
    for (args, jobs) in [(&dirs, "2"), (&dirs, "4"), (&reversed, "1"), (&reversed, "3"), (&rotated, "2")] {
        assert!(json(args, jobs) == reference, "output differs with --jobs {jobs} and arguments {args:?}");
    }
}
