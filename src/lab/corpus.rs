//! Where scenarios come from: the corpus embedded at build time (lab/scenarios, see build.rs)
//! or a directory of `<name>/main.go` given with `--corpus`.

use std::fs;
use std::path::Path;

use super::scenario::Scenario;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/lab_scenarios.rs"));
}

/// The scenarios shipped in the binary.
pub fn embedded() -> Result<Vec<Scenario>, String> {
    embedded::EMBEDDED.iter().map(|(name, source)| Scenario::parse(name, source)).collect()
}

/// Every `<dir>/<name>/main.go`, sorted by name.
pub fn from_dir(dir: &Path) -> Result<Vec<Scenario>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read corpus directory {}: {e}", dir.display()))?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read corpus directory {}: {e}", dir.display()))?;
        let main = entry.path().join("main.go");
        if !main.is_file() {
            continue;
        }
        let source = fs::read_to_string(&main).map_err(|e| format!("cannot read {}: {e}", main.display()))?;
        found.push((entry.file_name().to_string_lossy().into_owned(), source));
    }
    if found.is_empty() {
        return Err(format!("no scenarios (<name>/main.go) in {}", dir.display()));
    }
    found.sort();
    found.iter().map(|(name, source)| Scenario::parse(name, source)).collect()
}

/// Order rows for the table: racy scenarios first, then the safe controls, each by name, a
/// variant right after its scenario.
pub fn sort_for_table(scenarios: &mut [Scenario]) {
    use super::scenario::Expected;
    scenarios.sort_by(|a, b| {
        let key = |s: &Scenario| (s.rows.first().map(|r| r.expected == Expected::Safe).unwrap_or(true), s.name.clone());
        key(a).cmp(&key(b))
    });
}

/// Keep the scenarios and rows `names` select: a scenario name selects all its rows, a row
/// name (`s1-verbatim/atexit0`) only that row. Unknown names are an error listing them.
pub fn select(scenarios: Vec<Scenario>, names: &[String]) -> Result<Vec<Scenario>, String> {
    if names.is_empty() {
        return Ok(scenarios);
    }
    let unknown: Vec<&String> = names
        .iter()
        .filter(|n| !scenarios.iter().any(|s| &s.name == *n || s.rows.iter().any(|r| &r.name == *n)))
        .collect();
    if !unknown.is_empty() {
        let list: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
        return Err(format!("unknown scenario {}; `maprace lab --list` shows them", list.join(", ")));
    }
    Ok(scenarios
        .into_iter()
        .filter_map(|mut s| {
            if names.contains(&s.name) {
                return Some(s);
            }
            s.rows.retain(|r| names.contains(&r.name));
            (!s.rows.is_empty()).then_some(s)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::scenario::Expected;

    #[test]
    fn embedded_corpus_parses_and_covers_the_issue() {
        let all = embedded().expect("every embedded scenario header parses");
        let rows: Vec<_> = all.iter().flat_map(|s| &s.rows).collect();
        assert!(all.len() >= 20, "at least 20 scenario programs, found {}", all.len());
        let safe = all.iter().filter(|s| s.rows[0].expected == Expected::Safe).count();
        assert!(safe >= 6, "at least 6 safe controls, found {safe}");
        for s in &all {
            assert!(s.source.contains("\npackage main\n"), "{} is a main package", s.name);
            assert!(s.source.lines().any(|l| l.trim_start().starts_with("go ")), "{} starts goroutines", s.name);
        }
        for wanted in ["s1-verbatim/atexit0", "s3-split-lock", "syncmap-load-store", "get-then-set", "masked-by-logger", "rare-path"] {
            assert!(rows.iter().any(|r| r.name == wanted), "row {wanted} exists");
        }
    }

    #[test]
    fn racy_atomicity_scenarios_print_lost_updates() {
        for s in embedded().expect("parses") {
            let row = &s.rows[0];
            if row.expected == Expected::Racy && !row.race_expected && s.name != "rare-path" && !s.name.starts_with("masked") {
                assert!(s.source.contains("LOST_UPDATES="), "{} prints LOST_UPDATES", s.name);
            }
        }
    }

    #[test]
    fn select_by_scenario_or_row_and_reject_unknown() {
        let all = embedded().expect("parses");
        let picked = select(all.clone(), &["s1-verbatim".into()]).expect("known");
        assert_eq!(picked.len(), 1);
        assert_eq!(picked[0].rows.len(), 2);
        let picked = select(all.clone(), &["s1-verbatim/atexit0".into()]).expect("known");
        assert_eq!(picked[0].rows.len(), 1);
        assert_eq!(picked[0].rows[0].name, "s1-verbatim/atexit0");
        let err = select(all, &["nope".into()]).expect_err("unknown");
        assert!(err.contains("unknown scenario nope"), "{err}");
    }
}
