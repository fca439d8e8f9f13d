//! The lab's scenario corpus (lab/scenarios/<name>/main.go) as the Go end-to-end tests use it:
//! a scenario's source and what its `// lab:` header says it is.

use std::fs;
use std::path::Path;

/// What a scenario's base `// lab: expected=... rule=...` header line says.
#[derive(Debug, PartialEq, Eq)]
pub struct Expect {
    /// `racy` or `safe`.
    pub expected: String,
    /// `MR004` and the like for a racy scenario; `None` for a safe control.
    pub rule: Option<String>,
}

/// The source of lab/scenarios/`name`/main.go.
pub fn lab_source(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("lab/scenarios").join(name).join("main.go");
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The expectation of the scenario's base row: `expected=` and `rule=` from its `// lab:` lines
/// before `package` that are not variants (variants run with other arguments; the tests run the
/// base program).
pub fn lab_expect(name: &str, source: &str) -> Expect {
    let (mut expected, mut rule) = (None, None);
    for line in source.lines().map(str::trim).take_while(|l| !l.starts_with("package ")) {
        let Some(rest) = line.strip_prefix("// lab:") else { continue };
        if rest.split_whitespace().any(|w| w.starts_with("variant=")) {
            continue;
        }
        for word in rest.split_whitespace() {
            if let Some(v) = word.strip_prefix("expected=") {
                expected = Some(v.to_string());
            } else if let Some(v) = word.strip_prefix("rule=") {
                rule = Some(v.to_string());
            }
        }
    }
    let expected = expected.unwrap_or_else(|| panic!("{name}: no `// lab: expected=...` header"));
    assert!(expected == "racy" || expected == "safe", "{name}: expected={expected}");
    assert_eq!(expected == "racy", rule.is_some(), "{name}: a racy scenario names its rule, a safe one none");
    Expect { expected, rule }
}
