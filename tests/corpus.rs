//! The corpus contract, in the style of Go's analysistest: every `// want "MR00X"` line of
//! corpus/ is reported with that rule, and nothing else anywhere is reported. A
//! `// want-low "MR00X"` line is a finding of lower confidence: silent by default, reported
//! with `--level all` (and then nothing else besides the `want` lines).

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
/// finding per line is the convention); `marker` is `// want ` or `// want-low `.
fn marked(file: &Path, marker: &str) -> Vec<Expectation> {
    let text = std::fs::read_to_string(file).expect("corpus file readable");
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(idx) = line.find(marker) {
            for part in line[idx + marker.len()..].split('"').skip(1).step_by(2) {
                out.push((file.to_path_buf(), i as u32 + 1, part.to_string()));
            }
        }
    }
    out
}

fn wants(file: &Path) -> Vec<Expectation> {
    marked(file, "// want ")
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
    compare(&root, &expected, CheckOptions::defaults());
}

#[test]
fn level_all_adds_exactly_the_want_low_lines() {
    let root = corpus_root();
    let mut files = Vec::new();
    go_files(&root, &mut files);
    let low: BTreeSet<Expectation> = files.iter().flat_map(|f| marked(f, "// want-low ")).collect();
    assert!(low.len() >= 3, "only {} lower-confidence cases in the corpus", low.len());
    let expected: BTreeSet<Expectation> = files.iter().flat_map(|f| wants(f)).chain(low).collect();
    let mut opts = CheckOptions::defaults();
    opts.level = Some(maprace::config::Level::All);
    compare(&root, &expected, opts);
}

fn compare(root: &Path, expected: &BTreeSet<Expectation>, opts: CheckOptions) {
    let outcome = check_paths(&[format!("{}/...", root.display())], &opts);
    assert!(outcome.report.errors.is_empty(), "corpus files must parse: {:?}", outcome.report.errors);
    let got: BTreeSet<Expectation> =
        outcome.report.findings.iter().map(|f| (f.file.clone(), f.line, f.rule.to_string())).collect();
    let missing: Vec<_> = expected.difference(&got).collect();
    let extra: Vec<_> = got.difference(expected).collect();
    let show = |v: &[&Expectation]| {
        v.iter()
            .map(|(f, l, r)| format!("  {}:{l}: {r}", f.strip_prefix(root).unwrap_or(f).display()))
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
    for id in maprace::rules::RuleId::all().iter().copied().filter(|id| *id != maprace::rules::RuleId::GORACE) {
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
