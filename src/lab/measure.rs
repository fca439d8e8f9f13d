//! What a run showed and what a row adds up to: classifying one run's output, counting runs,
//! and the verdicts derived from the counts. Pure functions; the process running is in `go`.

use crate::rules::RuleId;

use super::scenario::{Expected, Row};

/// Everything the lab keeps of one run of a scenario binary.
#[derive(Clone, Debug, Default)]
pub struct RunOutput {
    pub stdout: String,
    pub stderr: String,
    /// `None` when the process was killed by a signal (or by the lab's timeout).
    pub exit_code: Option<i32>,
    pub timed_out: bool,
}

/// Exit status the race runtime uses when it reported a race (GORACE exitcode, default 66).
const RACE_EXIT_CODE: i32 = 66;

/// What one run showed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunVerdict {
    /// The race detector printed `WARNING: DATA RACE`.
    pub race_report: bool,
    /// The Go runtime died with `fatal error: concurrent map ...`.
    pub fatal_map_crash: bool,
    /// The `LOST_UPDATES=<n>` the program printed last, if it printed one.
    pub lost_updates: Option<u64>,
    pub timed_out: bool,
    /// Exited non-zero for none of the reasons above: the scenario itself is broken.
    pub failure: Option<String>,
}

pub fn classify(out: &RunOutput) -> RunVerdict {
    let race_report = out.stderr.contains("WARNING: DATA RACE") || out.stdout.contains("WARNING: DATA RACE");
    let fatal_map_crash = out.stderr.contains("fatal error: concurrent map");
    let lost_updates = out
        .stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("LOST_UPDATES="))
        .filter_map(|n| n.trim().parse::<u64>().ok())
        .next_back();
    let explained = out.timed_out
        || fatal_map_crash
        || out.exit_code == Some(0)
        || (race_report && out.exit_code == Some(RACE_EXIT_CODE));
    let failure = (!explained).then(|| {
        let first = out.stderr.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("no output on stderr");
        match out.exit_code {
            Some(c) => format!("exit status {c}: {first}"),
            None => format!("killed by a signal: {first}"),
        }
    });
    RunVerdict { race_report, fatal_map_crash, lost_updates, timed_out: out.timed_out, failure }
}

/// Counts over the runs of one row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub runs: u32,
    pub race_reports: u32,
    pub fatal_crashes: u32,
    /// Runs that printed `LOST_UPDATES` greater than zero.
    pub lost_update_runs: u32,
    /// Runs that printed `LOST_UPDATES` at all (atomicity scenarios).
    pub lost_update_reported: u32,
    /// Sum of `LOST_UPDATES` over all runs.
    pub lost_updates_total: u64,
    pub timeouts: u32,
    pub failures: u32,
    /// The first unexplained failure, to show the user what went wrong.
    pub first_failure: Option<String>,
}

impl Tally {
    pub fn add(&mut self, v: &RunVerdict) {
        self.runs += 1;
        self.race_reports += u32::from(v.race_report);
        self.fatal_crashes += u32::from(v.fatal_map_crash);
        if let Some(n) = v.lost_updates {
            self.lost_update_reported += 1;
            self.lost_updates_total += n;
            self.lost_update_runs += u32::from(n > 0);
        }
        self.timeouts += u32::from(v.timed_out);
        if let Some(f) = &v.failure {
            self.failures += 1;
            if self.first_failure.is_none() {
                self.first_failure = Some(f.clone());
            }
        }
    }
}

/// What `maprace check` said about a scenario's source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckVerdict {
    /// Rules of the findings, sorted, without repeats.
    pub rules: Vec<RuleId>,
    /// Set when check could not analyse the scenario completely.
    pub error: Option<String>,
}

impl CheckVerdict {
    pub fn flagged(&self) -> bool {
        !self.rules.is_empty()
    }
}

/// One measured row of the table.
#[derive(Clone, Debug)]
pub struct RowResult {
    pub row: Row,
    pub tally: Tally,
    pub check: CheckVerdict,
    /// `maprace race`'s verdict; `None` until dynamic mode exists.
    pub maprace_race: Option<bool>,
}

impl RowResult {
    /// The detector's column, judged against the row's expectation.
    pub fn race_summary(&self) -> String {
        let t = &self.tally;
        let seen = t.race_reports > 0 || t.fatal_crashes > 0;
        match self.row.expected {
            Expected::Safe if seen => "**unexpected: reported on a safe control**".into(),
            Expected::Safe => "quiet, as it should be".into(),
            Expected::Racy if t.race_reports == t.runs && t.runs > 0 => "-race catches it".into(),
            Expected::Racy if t.race_reports == 0 && t.fatal_crashes > 0 => {
                "no -race report, the runtime's map check crashes it".into()
            }
            Expected::Racy if t.race_reports == 0 => "**-race blind spot**".into(),
            Expected::Racy => format!("-race catches it in {} of {} runs", t.race_reports, t.runs),
        }
    }

    /// Does the detector's behaviour match the scenario's `race_expected`? Rows where it did
    /// in some runs only count as matching either way.
    pub fn race_as_expected(&self) -> bool {
        let t = &self.tally;
        if t.race_reports > 0 && t.race_reports < t.runs {
            return true;
        }
        (t.race_reports > 0) == self.row.race_expected
    }

    /// `maprace check`'s column: caught/missed for racy rows, quiet/false positive for safe.
    pub fn check_summary(&self) -> String {
        let rules = |rs: &[RuleId]| rs.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", ");
        let c = &self.check;
        if let Some(e) = &c.error {
            return format!("error: {e}");
        }
        match (self.row.expected, self.row.rule) {
            (Expected::Racy, _) if !c.flagged() => "missed".into(),
            (Expected::Racy, Some(r)) if c.rules.contains(&r) => format!("caught ({r})"),
            (Expected::Racy, Some(r)) => format!("caught ({}; expected {r})", rules(&c.rules)),
            (Expected::Racy, None) => format!("caught ({})", rules(&c.rules)),
            (Expected::Safe, _) if c.flagged() => format!("**false positive ({})**", rules(&c.rules)),
            (Expected::Safe, _) => "quiet".into(),
        }
    }
}

/// The machine the lab ran on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Environment {
    /// `go1.26.8`
    pub go_version: String,
    pub goos: String,
    pub goarch: String,
    pub cpus: usize,
}

/// A whole lab run: the machine, runs per row, and every row's result in table order.
#[derive(Clone, Debug)]
pub struct LabReport {
    pub env: Environment,
    pub runs: u32,
    pub rows: Vec<RowResult>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(stdout: &str, stderr: &str, exit: Option<i32>) -> RunOutput {
        RunOutput { stdout: stdout.into(), stderr: stderr.into(), exit_code: exit, timed_out: false }
    }

    const RACE: &str = "==================\nWARNING: DATA RACE\nWrite at 0x00c000 by goroutine 7:\n  runtime.mapassign_fast64()\n==================\nFound 1 data race(s)\n";
    const CRASH: &str = "fatal error: concurrent map read and map write\n\ngoroutine 26 [running]:\ninternal/runtime/maps.fatal(...)\n";

    #[test]
    fn race_report_with_exit_66_is_a_report_not_a_failure() {
        let v = classify(&out("done\n", RACE, Some(66)));
        assert!(v.race_report);
        assert!(!v.fatal_map_crash);
        assert_eq!(v.lost_updates, None);
        assert_eq!(v.failure, None);
    }

    #[test]
    fn concurrent_map_crash_is_counted_as_crash_not_failure() {
        let stderr = format!("{RACE}{CRASH}");
        let v = classify(&out("", &stderr, Some(2)));
        assert!(v.race_report);
        assert!(v.fatal_map_crash);
        assert_eq!(v.failure, None);
    }

    #[test]
    fn lost_updates_take_the_last_value_printed() {
        let v = classify(&out("warming up\nLOST_UPDATES=3\nLOST_UPDATES=17\n", "", Some(0)));
        assert_eq!(v.lost_updates, Some(17));
        assert!(!v.race_report);
        let v = classify(&out("LOST_UPDATES=0\n", "", Some(0)));
        assert_eq!(v.lost_updates, Some(0));
        let v = classify(&out("LOST_UPDATES=lots\n", "", Some(0)));
        assert_eq!(v.lost_updates, None);
    }

    #[test]
    fn unexplained_non_zero_exit_is_a_failure_with_the_first_stderr_line() {
        let v = classify(&out("", "\npanic: boom\n\ngoroutine 1 [running]:\n", Some(2)));
        assert_eq!(v.failure.as_deref(), Some("exit status 2: panic: boom"));
        let v = classify(&RunOutput { timed_out: true, ..Default::default() });
        assert!(v.timed_out);
        assert_eq!(v.failure, None);
    }

    #[test]
    fn tally_counts_runs_reports_crashes_and_lost_update_runs() {
        let runs = [
            out("LOST_UPDATES=0\n", "", Some(0)),
            out("LOST_UPDATES=5\n", "", Some(0)),
            out("LOST_UPDATES=2\n", RACE, Some(66)),
            out("", &format!("{RACE}{CRASH}"), Some(2)),
            RunOutput { timed_out: true, ..Default::default() },
            out("", "panic: boom\n", Some(2)),
        ];
        let mut t = Tally::default();
        for r in &runs {
            t.add(&classify(r));
        }
        assert_eq!(t.runs, 6);
        assert_eq!(t.race_reports, 2);
        assert_eq!(t.fatal_crashes, 1);
        assert_eq!(t.lost_update_runs, 2);
        assert_eq!(t.lost_update_reported, 3);
        assert_eq!(t.lost_updates_total, 7);
        assert_eq!(t.timeouts, 1);
        assert_eq!(t.failures, 1);
        assert_eq!(t.first_failure.as_deref(), Some("exit status 2: panic: boom"));
    }

    fn result(expected: Expected, race_reports: u32, rules: Vec<RuleId>) -> RowResult {
        let rule = (expected == Expected::Racy).then_some(RuleId::MR004);
        RowResult {
            row: Row {
                name: "x".into(),
                scenario: "x".into(),
                title: "x".into(),
                expected,
                rule,
                race_expected: false,
                gorace: vec![],
                args: vec![],
            },
            tally: Tally { runs: 5, race_reports, ..Default::default() },
            check: CheckVerdict { rules, error: None },
            maprace_race: None,
        }
    }

    #[test]
    fn summaries_judge_against_the_expectation() {
        let r = result(Expected::Racy, 0, vec![]);
        assert_eq!(r.race_summary(), "**-race blind spot**");
        assert_eq!(r.check_summary(), "missed");
        assert!(r.race_as_expected());
        let r = result(Expected::Racy, 5, vec![RuleId::MR004]);
        assert_eq!(r.race_summary(), "-race catches it");
        assert_eq!(r.check_summary(), "caught (MR004)");
        assert!(!r.race_as_expected());
        let r = result(Expected::Racy, 2, vec![RuleId::MR001]);
        assert_eq!(r.race_summary(), "-race catches it in 2 of 5 runs");
        assert_eq!(r.check_summary(), "caught (MR001; expected MR004)");
        let r = result(Expected::Safe, 0, vec![RuleId::MR001]);
        assert_eq!(r.race_summary(), "quiet, as it should be");
        assert_eq!(r.check_summary(), "**false positive (MR001)**");
        let r = result(Expected::Safe, 1, vec![]);
        assert_eq!(r.race_summary(), "**unexpected: reported on a safe control**");
        assert_eq!(r.check_summary(), "quiet");
    }
}
