//! Renderings of a lab run: the terminal table, the Markdown table the README shows, the
//! stable JSON (documented in docs/lab.md) and the SVG chart. Pure functions of a `LabReport`.

use std::fmt::Write as _;

use serde::Serialize;

use super::measure::{LabReport, RowResult};
use super::scenario::Expected;

/// One line naming the machine, the Go toolchain and the number of runs.
pub fn header(r: &LabReport) -> String {
    format!(
        "{} {}/{}, {} CPU{}, {} run{} per scenario, GORACE=halt_on_error=0",
        r.env.go_version,
        r.env.goos,
        r.env.goarch,
        r.env.cpus,
        if r.env.cpus == 1 { "" } else { "s" },
        r.runs,
        if r.runs == 1 { "" } else { "s" }
    )
}

fn expected_cell(x: &RowResult) -> String {
    match (x.row.expected, x.row.rule) {
        (Expected::Racy, Some(rule)) => {
            format!("racy {rule}, -race {}", if x.row.race_expected { "sees it" } else { "blind" })
        }
        (Expected::Racy, None) => "racy".into(),
        (Expected::Safe, _) => "safe".into(),
    }
}

fn race_cell(x: &RowResult) -> String {
    let mark = if x.race_as_expected() { "" } else { " †" };
    format!("{}/{}{mark}", x.tally.race_reports, x.tally.runs)
}

fn crashes_cell(x: &RowResult) -> String {
    if x.tally.fatal_crashes == 0 { "-".into() } else { format!("{}/{}", x.tally.fatal_crashes, x.tally.runs) }
}

fn lost_cell(x: &RowResult) -> String {
    let t = &x.tally;
    if t.lost_update_reported == 0 {
        return "-".into();
    }
    format!("{}/{} runs ({} lost)", t.lost_update_runs, t.runs, t.lost_updates_total)
}

fn dynamic_cell(x: &RowResult) -> String {
    match x.maprace_race {
        None => "n/a".into(),
        Some(true) => "reported".into(),
        Some(false) => "quiet".into(),
    }
}

/// Timeouts and broken runs, one line each, so a partial failure is never hidden.
fn notes(r: &LabReport) -> Vec<String> {
    let mut out = Vec::new();
    for x in &r.rows {
        let t = &x.tally;
        if t.timeouts > 0 {
            out.push(format!("{}: {} of {} runs hung and were killed at the timeout", x.row.name, t.timeouts, t.runs));
        }
        if let Some(f) = &t.first_failure {
            out.push(format!("{}: {} of {} runs failed ({f})", x.row.name, t.failures, t.runs));
        }
        if let Some(e) = &x.check.error {
            out.push(format!("{}: maprace check could not analyse it: {e}", x.row.name));
        }
    }
    out
}

fn totals(r: &LabReport) -> String {
    let racy: Vec<&RowResult> = r.rows.iter().filter(|x| x.row.expected == Expected::Racy).collect();
    let safe: Vec<&RowResult> = r.rows.iter().filter(|x| x.row.expected == Expected::Safe).collect();
    let race_missed = racy.iter().filter(|x| x.tally.race_reports == 0).count();
    let check_caught = racy.iter().filter(|x| x.check.flagged()).count();
    let check_fp = safe.iter().filter(|x| x.check.flagged()).count();
    let mut line = format!(
        "racy rows: {}; -race reported nothing in {} of them; maprace check caught {} of {}; safe controls flagged by maprace check: {} of {}",
        racy.len(),
        race_missed,
        check_caught,
        racy.len(),
        check_fp,
        safe.len()
    );
    let ran = |v: &[&RowResult]| v.iter().filter(|x| x.maprace_race.is_some()).count();
    if ran(&racy) + ran(&safe) > 0 {
        let caught = racy.iter().filter(|x| x.maprace_race == Some(true)).count();
        let fp = safe.iter().filter(|x| x.maprace_race == Some(true)).count();
        line.push_str(&format!(
            "; maprace race (one run per row) reported {caught} of {} racy rows and {fp} of {} safe controls",
            ran(&racy),
            ran(&safe)
        ));
    }
    line
}

const COLUMNS: [&str; 8] =
    ["scenario", "expected", "-race reports", "map crashes", "lost updates", "what -race shows", "maprace check", "maprace race"];

fn cells(x: &RowResult, name: String) -> [String; 8] {
    [
        name,
        expected_cell(x),
        race_cell(x),
        crashes_cell(x),
        lost_cell(x),
        x.race_summary(),
        x.check_summary(),
        dynamic_cell(x),
    ]
}

/// Aligned plain-text table for a terminal.
pub fn text(r: &LabReport) -> String {
    let rows: Vec<[String; 8]> =
        r.rows.iter().map(|x| cells(x, x.row.name.clone()).map(|c| c.replace("**", ""))).collect();
    let mut widths = COLUMNS.map(str::len);
    for row in &rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", header(r));
    let line = |cols: &[String]| {
        let mut s = String::new();
        for (i, c) in cols.iter().enumerate() {
            let pad = widths[i].saturating_sub(c.chars().count());
            s.push_str(c);
            if i + 1 < cols.len() {
                s.push_str(&" ".repeat(pad + 2));
            }
        }
        s
    };
    let _ = writeln!(out, "{}", line(&COLUMNS.map(String::from)));
    for row in &rows {
        let _ = writeln!(out, "{}", line(row));
    }
    let _ = writeln!(out, "\n{}", totals(r));
    if r.rows.iter().any(|x| !x.race_as_expected()) {
        let _ = writeln!(out, "† -race did not do what the scenario expects");
    }
    for n in notes(r) {
        let _ = writeln!(out, "note: {n}");
    }
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The Markdown table (docs/lab.md, the README).
pub fn markdown(r: &LabReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Measured with `maprace lab --runs {}`: {}.\n", r.runs, header(r));
    let _ = writeln!(out, "| {} |", COLUMNS.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(COLUMNS.len()));
    for x in &r.rows {
        let name = format!("{} (`{}`)", md_escape(&x.row.title), x.row.name);
        let c = cells(x, name);
        let c: Vec<String> = c.iter().enumerate().map(|(i, s)| if i == 0 { s.clone() } else { md_escape(s) }).collect();
        let _ = writeln!(out, "| {} |", c.join(" | "));
    }
    let _ = writeln!(out, "\n{}.", totals(r));
    if r.rows.iter().any(|x| !x.race_as_expected()) {
        let _ = writeln!(out, "\n† -race did not do what the scenario expects.");
    }
    for n in notes(r) {
        let _ = writeln!(out, "\n- {}", md_escape(&n));
    }
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    go_version: &'a str,
    goos: &'a str,
    goarch: &'a str,
    cpus: usize,
    runs: u32,
    scenarios: Vec<JsonRow<'a>>,
}

#[derive(Serialize)]
struct JsonRow<'a> {
    name: &'a str,
    title: &'a str,
    expected: &'static str,
    rule: Option<String>,
    race_expected: bool,
    race_reports: u32,
    fatal_crashes: u32,
    lost_update_runs: u32,
    lost_updates_total: u64,
    timeouts: u32,
    failed_runs: u32,
    maprace_check: bool,
    maprace_check_rules: Vec<String>,
    maprace_race: Option<bool>,
}

/// The stable machine-readable form; fields are documented in docs/lab.md.
pub fn json(r: &LabReport) -> String {
    let doc = JsonReport {
        go_version: &r.env.go_version,
        goos: &r.env.goos,
        goarch: &r.env.goarch,
        cpus: r.env.cpus,
        runs: r.runs,
        scenarios: r
            .rows
            .iter()
            .map(|x| JsonRow {
                name: &x.row.name,
                title: &x.row.title,
                expected: x.row.expected.as_str(),
                rule: x.row.rule.map(|r| r.to_string()),
                race_expected: x.row.race_expected,
                race_reports: x.tally.race_reports,
                fatal_crashes: x.tally.fatal_crashes,
                lost_update_runs: x.tally.lost_update_runs,
                lost_updates_total: x.tally.lost_updates_total,
                timeouts: x.tally.timeouts,
                failed_runs: x.tally.failures,
                maprace_check: x.check.flagged(),
                maprace_check_rules: x.check.rules.iter().map(|r| r.to_string()).collect(),
                maprace_race: x.maprace_race,
            })
            .collect(),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::lab::measure::{CheckVerdict, Environment, Tally};
    use crate::lab::scenario::Row;
    use crate::rules::RuleId;

    pub(crate) fn sample() -> LabReport {
        let row = |name: &str, expected, rule, race_expected| Row {
            name: name.into(),
            scenario: name.into(),
            title: format!("title of {name} | piped"),
            expected,
            rule,
            race_expected,
            gorace: vec![],
            args: vec![],
        };
        LabReport {
            env: Environment { go_version: "go1.26.8".into(), goos: "linux".into(), goarch: "amd64".into(), cpus: 2 },
            runs: 5,
            rows: vec![
                RowResult {
                    row: row("s3-split-lock", Expected::Racy, Some(RuleId::MR004), false),
                    tally: Tally { runs: 5, lost_update_runs: 4, lost_update_reported: 5, lost_updates_total: 123, ..Default::default() },
                    check: CheckVerdict { rules: vec![RuleId::MR004], error: None },
                    maprace_race: None,
                },
                RowResult {
                    row: row("s1-waitgroup", Expected::Racy, Some(RuleId::MR002), true),
                    tally: Tally { runs: 5, race_reports: 5, fatal_crashes: 1, ..Default::default() },
                    check: CheckVerdict::default(),
                    maprace_race: None,
                },
                RowResult {
                    row: row("safe-once", Expected::Safe, None, false),
                    tally: Tally { runs: 5, timeouts: 1, ..Default::default() },
                    check: CheckVerdict::default(),
                    maprace_race: None,
                },
            ],
        }
    }

    #[test]
    fn json_has_the_documented_fields() {
        let v: serde_json::Value = serde_json::from_str(&json(&sample())).expect("valid JSON");
        assert_eq!(v["go_version"], "go1.26.8");
        assert_eq!(v["cpus"], 2);
        assert_eq!(v["runs"], 5);
        let s = &v["scenarios"][0];
        assert_eq!(s["name"], "s3-split-lock");
        assert_eq!(s["expected"], "racy");
        assert_eq!(s["rule"], "MR004");
        assert_eq!(s["race_expected"], false);
        assert_eq!(s["race_reports"], 0);
        assert_eq!(s["fatal_crashes"], 0);
        assert_eq!(s["lost_update_runs"], 4);
        assert_eq!(s["maprace_check"], true);
        assert_eq!(s["maprace_check_rules"][0], "MR004");
        assert!(s["maprace_race"].is_null());
        assert!(v["scenarios"][2]["rule"].is_null());
        assert_eq!(v["scenarios"][2]["timeouts"], 1);
    }

    #[test]
    fn markdown_table_has_one_line_per_row_and_escapes_pipes() {
        let md = markdown(&sample());
        assert!(md.starts_with("Measured with `maprace lab --runs 5`: go1.26.8 linux/amd64, 2 CPUs, 5 runs"));
        let table: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
        assert_eq!(table.len(), 2 + 3);
        assert!(table[2].contains("title of s3-split-lock \\| piped (`s3-split-lock`)"));
        assert!(table[2].contains("| 0/5 | - | 4/5 runs (123 lost) | **-race blind spot** | caught (MR004) | n/a |"), "{}", table[2]);
        assert!(table[3].contains("| 5/5 | 1/5 | - | -race catches it | missed | n/a |"), "{}", table[3]);
        assert!(md.contains("maprace check caught 1 of 2"));
        assert!(md.contains("safe-once: 1 of 5 runs hung"));
    }

    #[test]
    fn text_table_is_aligned_and_plain() {
        let t = text(&sample());
        assert!(!t.contains("**"));
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "go1.26.8 linux/amd64, 2 CPUs, 5 runs per scenario, GORACE=halt_on_error=0");
        let header = lines[2];
        let col = header.find("-race reports").expect("column");
        assert_eq!(&lines[3][col..col + 3], "0/5");
        assert_eq!(&lines[4][col..col + 3], "5/5");
        assert!(t.contains("note: safe-once: 1 of 5 runs hung and were killed at the timeout"));
    }
}
