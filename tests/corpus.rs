//! The corpus contract, in the style of Go's analysistest. A line ending in
//!
//! ```text
//! // want "MR004"                              reported with that rule
//! // want "MR004" `^m\[k\] is checked at`      ... and its message matches every regexp
//! // want-low "MR005" `lower confidence`       a lower-confidence finding (--level all only)
//! ```
//!
//! must be reported exactly so, and nothing else anywhere may be reported. Strings are Go
//! literals: `"..."` (with `\"` and `\\` escapes) or raw `` `...` `` (handy for regexps). The
//! first string is the rule id, every further one a regexp the finding's message must match.
//!
//! Each corpus directory (one Go package) is checked on its own, and its whole text output is
//! pinned as an insta snapshot (tests/snapshots/corpus__<dir>.snap): a message change shows
//! as a reviewable diff. A new corpus directory is picked up without editing this file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use maprace::check::{CheckOptions, check_paths};
use maprace::config::Level;
use maprace::report::Finding;
use maprace::rules::RuleId;
use regex::Regex;

/// One `// want` annotation.
#[derive(Debug)]
struct Want {
    file: PathBuf,
    line: u32,
    rule: String,
    /// Regexps the message must match (all of them).
    message: Vec<Regex>,
    /// `want-low`: reported only with `--level all`.
    low: bool,
}

/// The strings after `// want` or `// want-low`, or None when the line carries no annotation.
/// An annotation that does not parse (an unclosed string, a bad regexp) fails the test with
/// its place: a typo must not silently turn a case into "nothing expected".
fn parse_want(line: &str, place: &str) -> Option<(bool, Vec<String>)> {
    let (low, rest) = if let Some(i) = line.find("// want-low ") {
        (true, &line[i + "// want-low ".len()..])
    } else if let Some(i) = line.find("// want ") {
        (false, &line[i + "// want ".len()..])
    } else {
        return None;
    };
    let mut strings = Vec::new();
    let mut chars = rest.trim().chars().peekable();
    while let Some(open) = chars.next() {
        let mut s = String::new();
        match open {
            '`' => loop {
                match chars.next() {
                    Some('`') => break,
                    Some(c) => s.push(c),
                    None => panic!("{place}: unclosed ` in want"),
                }
            },
            '"' => loop {
                match chars.next() {
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some(c @ ('"' | '\\')) => s.push(c),
                        other => panic!("{place}: only \\\" and \\\\ escape in a \"...\" want string (got {other:?}); use `...` for regexps"),
                    },
                    Some(c) => s.push(c),
                    None => panic!("{place}: unclosed \" in want"),
                }
            },
            c if c.is_whitespace() => continue,
            c => panic!("{place}: want expects \"...\" or `...` strings, found {c:?}"),
        }
        strings.push(s);
    }
    assert!(!strings.is_empty(), "{place}: want without a rule id");
    Some((low, strings))
}

fn wants_in(file: &Path) -> Vec<Want> {
    let text = std::fs::read_to_string(file).expect("corpus file readable");
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let place = format!("{}:{}", file.display(), i + 1);
        let Some((low, strings)) = parse_want(line, &place) else { continue };
        let message = strings[1..]
            .iter()
            .map(|re| Regex::new(re).unwrap_or_else(|e| panic!("{place}: bad regexp {re:?}: {e}")))
            .collect();
        out.push(Want { file: file.to_path_buf(), line: i as u32 + 1, rule: strings[0].clone(), message, low });
    }
    out
}

fn go_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus dir readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "go"))
        .collect();
    files.sort();
    files
}

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every package directory of the corpus, sorted.
fn corpus_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(repo_root().join("corpus")).expect("corpus/").flatten().map(|e| e.path())
            // `_deps/` holds stand-ins for packages of other modules (the go tool skips `_` too).
            .filter(|p| p.is_dir() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('_')))
            .collect();
    dirs.sort();
    assert!(dirs.len() >= 10, "corpus has only {} packages", dirs.len());
    dirs
}

fn check_dir(dir: &Path, level: Option<Level>) -> Vec<Finding> {
    let mut opts = CheckOptions::defaults();
    opts.level = level;
    let outcome = check_paths(&[dir.display().to_string()], &opts);
    assert!(outcome.report.errors.is_empty(), "corpus files must parse: {:?}", outcome.report.errors);
    outcome.report.findings
}

/// What is wrong with one directory's findings against its wants, one line per problem.
fn mismatches(dir: &Path, findings: &[Finding], wants: &[&Want]) -> Vec<String> {
    let rel = |f: &Path| f.strip_prefix(repo_root()).unwrap_or(f).display().to_string();
    let expected: BTreeMap<(PathBuf, u32), &Want> = wants.iter().map(|w| ((w.file.clone(), w.line), *w)).collect();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for f in findings {
        let key = (f.file.clone(), f.line);
        match expected.get(&key) {
            None => problems.push(format!("unexpected: {}:{}: {} {}", rel(&f.file), f.line, f.rule, f.message)),
            Some(w) if w.rule != f.rule.to_string() => {
                problems.push(format!("wrong rule: {}:{}: want {}, got {} {}", rel(&f.file), f.line, w.rule, f.rule, f.message))
            }
            Some(w) => {
                for re in w.message.iter().filter(|re| !re.is_match(&f.message)) {
                    problems.push(format!("message: {}:{}: {} does not match `{}`:\n      {}", rel(&f.file), f.line, f.rule, re, f.message));
                }
            }
        }
        seen.insert(key);
    }
    for (key, w) in &expected {
        if !seen.contains(key) {
            problems.push(format!("missing: {}:{}: want {}", rel(&w.file), w.line, w.rule));
        }
    }
    if !problems.is_empty() {
        problems.insert(0, format!("{}:", rel(dir)));
    }
    problems
}

/// Runs `per_dir` on every corpus directory and reports every failing one at once.
fn for_each_dir(per_dir: impl Fn(&Path, &[Want]) -> Vec<String>) {
    let mut problems = Vec::new();
    for dir in corpus_dirs() {
        let wants: Vec<Want> = go_files(&dir).iter().flat_map(|f| wants_in(f)).collect();
        problems.extend(per_dir(&dir, &wants));
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn default_level_reports_exactly_the_want_lines() {
    for_each_dir(|dir, wants| {
        let high: Vec<&Want> = wants.iter().filter(|w| !w.low).collect();
        mismatches(dir, &check_dir(dir, None), &high)
    });
}

#[test]
fn level_all_adds_exactly_the_want_low_lines() {
    let mut low = 0;
    for dir in corpus_dirs() {
        low += go_files(&dir).iter().flat_map(|f| wants_in(f)).filter(|w| w.low).count();
    }
    assert!(low >= 3, "only {low} lower-confidence cases in the corpus");
    for_each_dir(|dir, wants| {
        let all: Vec<&Want> = wants.iter().collect();
        mismatches(dir, &check_dir(dir, Some(Level::All)), &all)
    });
}

/// The text a user reads, per package, at `--level all` (lower-confidence findings show their
/// assumption). Paths are relative to the repository root, as `cargo test` runs there.
#[test]
fn text_output_per_package_is_pinned() {
    let mut failed = Vec::new();
    for dir in corpus_dirs() {
        let name = dir.file_name().expect("dir name").to_string_lossy().into_owned();
        let mut opts = CheckOptions::defaults();
        opts.level = Some(Level::All);
        let outcome = check_paths(&[dir.display().to_string()], &opts);
        let text = outcome.report.render_text(repo_root()) + &outcome.report.render_errors(repo_root());
        // insta panics on the first mismatch; catch it so that every changed package gets its
        // .snap.new in one run.
        let result = std::panic::catch_unwind(|| {
            insta::with_settings!({ prepend_module_to_snapshot => true, omit_expression => true }, {
                insta::assert_snapshot!(name.as_str(), text);
            });
        });
        if result.is_err() {
            failed.push(name);
        }
    }
    assert!(failed.is_empty(), "text output changed for corpus/{{{}}} (review with `cargo insta review`)", failed.join(","));
}

#[test]
fn every_rule_has_positive_negative_and_message_cases() {
    let root = repo_root().join("corpus");
    // GORACE is not a static rule: it carries Go's race detector's reports in `maprace race`.
    for id in RuleId::all().iter().copied().filter(|id| *id != RuleId::GORACE) {
        let dir = root.join(id.to_string().to_lowercase());
        let files = go_files(&dir);
        let wants: Vec<Want> = files.iter().flat_map(|f| wants_in(f)).filter(|w| w.rule == id.to_string()).collect();
        assert!(wants.len() >= 4, "{id}: only {} positive cases in {}", wants.len(), dir.display());
        let with_message = wants.iter().filter(|w| !w.message.is_empty()).count();
        assert!(with_message * 2 >= wants.len(), "{id}: only {with_message} of {} want lines check the message", wants.len());
        let text: String = files.iter().map(|f| std::fs::read_to_string(f).unwrap_or_default()).collect();
        let negatives = text.matches("// Negative:").count() + text.matches("// Safe:").count();
        assert!(negatives >= 2, "{id}: only {negatives} negative cases (`// Negative:`) in {}", dir.display());
    }
}

#[test]
fn want_annotations_parse_in_both_string_forms() {
    let p = "t.go:1";
    assert_eq!(parse_want("m[k] = 1 // want \"MR001\"", p), Some((false, vec!["MR001".into()])));
    assert_eq!(parse_want("m[k] = 1 // want-low \"MR005\"", p), Some((true, vec!["MR005".into()])));
    assert_eq!(
        parse_want(r#"x // want "MR004" `^m\[k\] is` "say \"hi\" \\d""#, p),
        Some((false, vec!["MR004".into(), r"^m\[k\] is".into(), r#"say "hi" \d"#.into()]))
    );
    assert_eq!(parse_want("m[k] = 1 // wanted", p), None);
    assert!(std::panic::catch_unwind(|| parse_want("x // want \"MR001", p)).is_err(), "unclosed string");
    assert!(std::panic::catch_unwind(|| parse_want("x // want MR001", p)).is_err(), "bare word");
}
