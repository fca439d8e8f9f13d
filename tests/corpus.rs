//! The corpus contract, in the style of Go's analysistest: every `// want "MR00X"` line of
//! corpus/ is reported with that rule, and nothing else anywhere is reported.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use maprace::check::{CheckOptions, check_paths};

type Expectation = (PathBuf, u32, String);

fn go_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("corpus dir readable").flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            go_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "go") {
            out.push(p);
        }
    }
}

/// `// want "MR004"` (several ids may follow: `// want "MR002" "MR001"` is not used: one
/// finding per line is the convention).
fn wants(file: &Path) -> Vec<Expectation> {
    let text = std::fs::read_to_string(file).expect("corpus file readable");
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(idx) = line.find("// want ") {
            for part in line[idx + 8..].split('"').skip(1).step_by(2) {
                out.push((file.to_path_buf(), i as u32 + 1, part.to_string()));
            }
        }
    }
    out
}

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

#[test]
fn corpus_reports_exactly_the_want_lines() {
    let root = corpus_root();
    let mut files = Vec::new();
    go_files(&root, &mut files);
    assert!(files.len() >= 10, "corpus has only {} Go files", files.len());
    let expected: BTreeSet<Expectation> = files.iter().flat_map(|f| wants(f)).collect();
    let outcome = check_paths(&[format!("{}/...", root.display())], &CheckOptions::defaults());
    assert!(outcome.report.errors.is_empty(), "corpus files must parse: {:?}", outcome.report.errors);
    let got: BTreeSet<Expectation> =
        outcome.report.findings.iter().map(|f| (f.file.clone(), f.line, f.rule.to_string())).collect();
    let missing: Vec<_> = expected.difference(&got).collect();
    let extra: Vec<_> = got.difference(&expected).collect();
    let show = |v: &[&Expectation]| {
        v.iter()
            .map(|(f, l, r)| format!("  {}:{l}: {r}", f.strip_prefix(&root).unwrap_or(f).display()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        missing.is_empty() && extra.is_empty(),
        "\nmissing (want without report):\n{}\nunexpected (report without want):\n{}\n",
        show(&missing),
        show(&extra)
    );
}

#[test]
fn every_rule_has_positive_and_negative_cases() {
    let root = corpus_root();
    // GORACE is not a static rule: it carries Go's race detector's reports in `maprace race`.
    for id in maprace::rules::RuleId::ALL.into_iter().filter(|id| *id != maprace::rules::RuleId::GORACE) {
        let dir = root.join(id.to_string().to_lowercase());
        let mut files = Vec::new();
        go_files(&dir, &mut files);
        let positives = files.iter().flat_map(|f| wants(f)).filter(|(_, _, r)| *r == id.to_string()).count();
        assert!(positives >= 4, "{id}: only {positives} positive cases in {}", dir.display());
        let text: String = files.iter().map(|f| std::fs::read_to_string(f).unwrap_or_default()).collect();
        let negatives = text.matches("// Negative:").count() + text.matches("// Safe:").count();
        assert!(negatives >= 2, "{id}: only {negatives} negative cases (`// Negative:`) in {}", dir.display());
    }
}
