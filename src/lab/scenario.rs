//! The scenario corpus: `package main` programs whose header comments state what each one is
//! expected to show. Owns parsing those headers into the rows the lab measures; no I/O.
//!
//! Header syntax, one or more lines before `package main`:
//!
//! ```text
//! // lab: expected=racy rule=MR004 race_expected=false
//! // lab: title="S3 split lock: RLock check, Lock store, no re-check"
//! // lab: variant=atexit0 gorace=atexit_sleep_ms=0 race_expected=false title="..."
//! ```
//!
//! Lines without `variant=` describe the scenario's own row; a line with `variant=` adds a row
//! that runs the same binary with other `GORACE` options or arguments, inheriting the rest.

use crate::rules::RuleId;

/// What the program's author says it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    Racy,
    Safe,
}

impl Expected {
    pub fn as_str(self) -> &'static str {
        match self {
            Expected::Racy => "racy",
            Expected::Safe => "safe",
        }
    }
}

/// One line of the lab's table: a scenario program run in one configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// `s1-verbatim`, or `s1-verbatim/atexit0` for a variant.
    pub name: String,
    /// The scenario (directory) this row runs.
    pub scenario: String,
    pub title: String,
    pub expected: Expected,
    /// The rule that should report a racy scenario; `None` for safe controls.
    pub rule: Option<RuleId>,
    /// Whether `go run -race` is expected to report it.
    pub race_expected: bool,
    /// `GORACE` options added after `halt_on_error=0`.
    pub gorace: Vec<String>,
    /// Command-line arguments of the run.
    pub args: Vec<String>,
}

/// A scenario program and the rows it is measured in.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub source: String,
    pub rows: Vec<Row>,
}

impl Scenario {
    /// Parse the `// lab:` header of `source`. The error names the scenario and what is wrong.
    pub fn parse(name: &str, source: &str) -> Result<Scenario, String> {
        let fail = |msg: String| format!("scenario {name}: {msg}");
        let mut base: Vec<(String, String)> = Vec::new();
        let mut variants: Vec<Vec<(String, String)>> = Vec::new();
        for line in source.lines() {
            let line = line.trim();
            if line.starts_with("package ") {
                break;
            }
            let Some(rest) = line.strip_prefix("// lab:") else { continue };
            let pairs = tokens(rest).map_err(fail)?;
            if pairs.iter().any(|(k, _)| k == "variant") {
                variants.push(pairs);
            } else {
                base.extend(pairs);
            }
        }
        if base.is_empty() {
            return Err(fail("no `// lab: expected=... race_expected=...` header before `package`".into()));
        }
        let template = Template { name: name.to_string(), ..Template::default() };
        let base_row = template.apply(&base).map_err(fail)?;
        let mut rows = vec![base_row.finish(name).map_err(fail)?];
        for pairs in &variants {
            let v = base_row.apply(pairs).map_err(fail)?;
            let row = v.finish(name).map_err(fail)?;
            if rows.iter().any(|r| r.name == row.name) {
                return Err(fail(format!("variant {} declared twice", row.name)));
            }
            rows.push(row);
        }
        Ok(Scenario { name: name.to_string(), source: source.to_string(), rows })
    }
}

/// A row while its header lines are being applied.
#[derive(Clone, Debug, Default)]
struct Template {
    name: String,
    variant: Option<String>,
    title: Option<String>,
    expected: Option<Expected>,
    rule: Option<RuleId>,
    race_expected: Option<bool>,
    gorace: Vec<String>,
    args: Vec<String>,
}

impl Template {
    fn apply(&self, pairs: &[(String, String)]) -> Result<Template, String> {
        let mut t = self.clone();
        if pairs.iter().any(|(k, _)| k == "variant") {
            // A variant's title and options are its own, not the base row's.
            t.title = None;
        }
        for (key, value) in pairs {
            match key.as_str() {
                "variant" => {
                    if value.is_empty() || value.contains(['/', ' ']) {
                        return Err(format!("variant name {value:?} must be a non-empty word"));
                    }
                    t.variant = Some(value.clone());
                }
                "title" => t.title = Some(value.clone()),
                "expected" => {
                    t.expected = Some(match value.as_str() {
                        "racy" => Expected::Racy,
                        "safe" => Expected::Safe,
                        _ => return Err(format!("expected={value:?}: use racy or safe")),
                    })
                }
                "rule" => {
                    t.rule = Some(RuleId::parse(value).ok_or_else(|| format!("unknown rule {value:?}"))?)
                }
                "race_expected" => {
                    t.race_expected = Some(match value.as_str() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(format!("race_expected={value:?}: use true or false")),
                    })
                }
                "gorace" => t.gorace.extend(value.split_whitespace().map(str::to_string)),
                "args" => t.args.extend(value.split_whitespace().map(str::to_string)),
                _ => {
                    return Err(format!(
                        "unknown key {key:?} in `// lab:` header (known: expected, rule, race_expected, title, variant, gorace, args)"
                    ));
                }
            }
        }
        Ok(t)
    }

    fn finish(&self, scenario: &str) -> Result<Row, String> {
        let expected = self.expected.ok_or("the header does not say expected=racy or expected=safe")?;
        let race_expected = self.race_expected.ok_or("the header does not say race_expected=true or false")?;
        match (expected, self.rule) {
            (Expected::Racy, None) => return Err("a racy scenario needs rule=MRxxx".into()),
            (Expected::Safe, Some(r)) => return Err(format!("a safe scenario cannot name rule {r}")),
            _ => {}
        }
        let name = match &self.variant {
            Some(v) => format!("{}/{v}", self.name),
            None => self.name.clone(),
        };
        Ok(Row {
            title: self.title.clone().unwrap_or_else(|| name.clone()),
            name,
            scenario: scenario.to_string(),
            expected,
            rule: self.rule,
            race_expected,
            gorace: self.gorace.clone(),
            args: self.args.clone(),
        })
    }
}

/// Split `key=value key="value with spaces"` into pairs.
fn tokens(s: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let eq = rest.find('=').ok_or_else(|| format!("expected key=value in `// lab:{s}`"))?;
        let key = &rest[..eq];
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Err(format!("expected key=value, found {:?}", rest.split_whitespace().next().unwrap_or(rest)));
        }
        let after = &rest[eq + 1..];
        let (value, next) = if let Some(quoted) = after.strip_prefix('"') {
            let end = quoted.find('"').ok_or_else(|| format!("unterminated quote after {key}="))?;
            (&quoted[..end], &quoted[end + 1..])
        } else {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        out.push((key.to_string(), value.to_string()));
        rest = next.trim_start();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S1: &str = r#"// Scenario text.
//
// lab: expected=racy rule=MR002 race_expected=true
// lab: title="S1 verbatim (no wait)"
// lab: variant=atexit0 gorace=atexit_sleep_ms=0 race_expected=false title="S1, atexit_sleep_ms=0"
package main

// lab: expected=safe is ignored after the package clause
func main() {}
"#;

    #[test]
    fn header_gives_base_row_and_variant_rows() {
        let s = Scenario::parse("s1-verbatim", S1).expect("parses");
        assert_eq!(s.rows.len(), 2);
        let base = &s.rows[0];
        assert_eq!(base.name, "s1-verbatim");
        assert_eq!(base.title, "S1 verbatim (no wait)");
        assert_eq!(base.expected, Expected::Racy);
        assert_eq!(base.rule, Some(RuleId::MR002));
        assert!(base.race_expected);
        assert!(base.gorace.is_empty());
        let v = &s.rows[1];
        assert_eq!(v.name, "s1-verbatim/atexit0");
        assert_eq!(v.scenario, "s1-verbatim");
        assert_eq!(v.title, "S1, atexit_sleep_ms=0");
        assert_eq!(v.rule, Some(RuleId::MR002));
        assert!(!v.race_expected);
        assert_eq!(v.gorace, vec!["atexit_sleep_ms=0".to_string()]);
    }

    #[test]
    fn variant_args_are_split_on_spaces() {
        let src = "// lab: expected=racy rule=MR001 race_expected=false\n// lab: variant=late args=\"-stagger=1ms -v\"\npackage main\n";
        let s = Scenario::parse("m", src).expect("parses");
        assert_eq!(s.rows[1].args, vec!["-stagger=1ms", "-v"]);
        assert_eq!(s.rows[1].title, "m/late");
    }

    #[test]
    fn header_errors_name_the_scenario_and_the_problem() {
        let cases = [
            ("package main\n", "no `// lab:"),
            ("// lab: expected=racy race_expected=true\npackage main\n", "needs rule="),
            ("// lab: expected=safe rule=MR001 race_expected=false\npackage main\n", "cannot name rule MR001"),
            ("// lab: expected=racy rule=MR042 race_expected=true\npackage main\n", "unknown rule \"MR042\""),
            ("// lab: expected=maybe race_expected=true\npackage main\n", "use racy or safe"),
            ("// lab: expected=safe\npackage main\n", "race_expected"),
            ("// lab: expected=safe race_expected=false colour=blue\npackage main\n", "unknown key \"colour\""),
            ("// lab: expected=safe race_expected=false title=\"open\npackage main\n", "unterminated quote"),
            ("// lab: expected=safe race_expected=false oops\npackage main\n", "key=value"),
        ];
        for (src, want) in cases {
            let err = Scenario::parse("x", src).expect_err(src);
            assert!(err.starts_with("scenario x: "), "{err}");
            assert!(err.contains(want), "{err:?} should contain {want:?}");
        }
    }
}
