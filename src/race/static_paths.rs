//! What `maprace check` adds to a run: `confirmed` marks, and predictions for static findings
//! on paths the run did not take.
//!
//! Before the command runs, `check` analyses the module; the lines of its findings become
//! entry probes (see [`probes`](crate::race::probes)). After the run:
//! - a dynamic finding `check` also reports (same file:line) is `confirmed`;
//! - a static finding whose sites did not all run, but whose two sides' functions were
//!   entered by two goroutines unordered (locks aside), is reported `predicted`: the run shows
//!   the code runs concurrently, the source shows the path. When both sites ran, the engine
//!   saw them and its verdict stands: the static finding is not repeated.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::race::findings::SiteTable;
use crate::race::probes::Probes;
use crate::report::{Evidence, Finding, Location, Stack};

fn canon(p: &Path) -> PathBuf {
    fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The two places a static finding is about: where it is reported and its first related
/// location (the conflicting access, the check of a check-then-act), or the same place twice.
fn sides(f: &Finding) -> [(PathBuf, u32); 2] {
    let a = (canon(&f.file), f.line);
    let b = f.related.first().map(|r| (canon(&r.file), r.line)).unwrap_or_else(|| a.clone());
    [a, b]
}

/// The instrumenter's probe file: `path<TAB>line` for both sides of every static finding.
pub fn probe_lines(statics: &[Finding]) -> String {
    let mut seen = HashSet::new();
    let mut out = String::new();
    for f in statics {
        for (file, line) in sides(f) {
            if seen.insert((file.clone(), line)) {
                out.push_str(&format!("{}\t{line}\n", file.display()));
            }
        }
    }
    out
}

/// What the traces showed about the probes: which map sites ran and which probed functions
/// ran concurrently, with the entries' stacks.
#[derive(Default)]
pub struct Probed {
    pub probes: Probes,
    pub stacks: HashMap<(u32, u32), [Stack; 2]>,
}

/// A dynamic finding at a line a static finding is about (where `check` reports it, or its
/// other side: `check` reports each race once, at the side to fix) becomes `confirmed`.
pub fn confirm(statics: &[Finding], dynamic: &mut [Finding]) {
    let at: HashSet<(PathBuf, u32)> = statics.iter().flat_map(sides).collect();
    for f in dynamic {
        if at.contains(&(canon(&f.file), f.line)) {
            f.evidence = Evidence::Confirmed;
        }
    }
}

/// Static findings on paths this run did not take but showed to run concurrently.
pub fn predict(statics: &[Finding], sites: &SiteTable, probed: &Probed, dynamic: &[Finding]) -> Vec<Finding> {
    if statics.is_empty() {
        return Vec::new();
    }
    // One pass over the site table: the lines whose map operations ran, and the probes
    // (function spans) per file.
    let mut canonical: HashMap<&Path, PathBuf> = HashMap::new();
    let mut ran_lines: HashSet<(PathBuf, u32)> = HashSet::new();
    let mut probes: HashMap<PathBuf, Vec<(u32, u32, u32)>> = HashMap::new();
    for s in &sites.sites {
        let file = canonical.entry(s.file.as_path()).or_insert_with(|| canon(&s.file)).clone();
        if s.kind == "enter" {
            probes.entry(file).or_default().push((s.line, s.end_line, s.id));
        } else if probed.probes.has_run(s.id) {
            ran_lines.insert((file, s.line));
        }
    }
    let ran = |file: &Path, line: u32| ran_lines.contains(&(file.to_path_buf(), line));
    // The innermost probed function around a line.
    let probe_at = |file: &Path, line: u32| {
        probes
            .get(file)?
            .iter()
            .filter(|(start, end, _)| *start <= line && line <= *end)
            .max_by_key(|(start, end, _)| (*start, std::cmp::Reverse(*end)))
            .map(|(_, _, id)| *id)
    };
    let reported: HashSet<(PathBuf, u32)> = dynamic.iter().map(|f| (canon(&f.file), f.line)).collect();
    let mut out = Vec::new();
    for f in statics {
        let [a, b] = sides(f);
        if reported.contains(&a) || (ran(&a.0, a.1) && ran(&b.0, b.1)) {
            continue;
        }
        let (Some(pa), Some(pb)) = (probe_at(&a.0, a.1), probe_at(&b.0, b.1)) else { continue };
        let Some((va, vb)) = probed.probes.concurrent(pa, pb) else { continue };
        let stacks = probed.stacks.get(&(pa.min(pb), pa.max(pb))).cloned().map(Vec::from).unwrap_or_default();
        let name = |id: u32| sites.get(id).map(|s| s.func.clone()).unwrap_or_default();
        let not_run: Vec<String> = [&a, &b]
            .into_iter()
            .filter(|(file, line)| !ran(file, *line))
            .map(|(file, line)| format!("{}:{line}", file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let entered = if va.site == vb.site {
            format!("both entered {}", name(va.site))
        } else {
            format!("entered {} and {}", name(va.site), name(vb.site))
        };
        let message = format!(
            "{}; this run did not execute {}, but goroutines {} and {} {entered} with nothing ordering the entries except locks: another input takes the path concurrently",
            f.message,
            not_run.join(" and "),
            va.gid,
            vb.gid,
        );
        let mut p = Finding::new(f.rule, Location { file: f.file.clone(), line: f.line, column: f.column }, message, f.related.clone());
        p.evidence = Evidence::Predicted;
        p.stacks = stacks;
        out.push(p);
    }
    out
}
