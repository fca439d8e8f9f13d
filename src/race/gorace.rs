//! The `WARNING: DATA RACE` reports Go's race detector printed during a run (`-race` in the
//! user's command), parsed and merged into maprace's findings, so that one run gives one
//! report: a map race both saw is one finding, other races get rule `GORACE`.
//!
//! The report format is the race runtime's (`runtime/race`, ThreadSanitizer's Go reporter):
//!
//! ```text
//! ==================
//! WARNING: DATA RACE
//! Write at 0x00c000120000 by goroutine 7:
//!   runtime.mapassign_faststr()
//!       /usr/local/go/src/internal/runtime/maps/runtime_faststr.go:263 +0x0
//!   main.main.func1()
//!       /src/main.go:15 +0xa4
//!
//! Previous read at 0x00c000120000 by main goroutine:
//!   ...
//!
//! Goroutine 7 (running) created at:
//!   main.main()
//!       /src/main.go:13 +0xbb
//! ==================
//! ```
//!
//! Parsing is tolerant: access lines are recognised by ` at 0x` and ` by `, whatever the verb
//! ("Read", "Write", "Atomic write", "Previous write"); frame lines by a function line followed
//! by an indented `file:line` line (with or without ` +0x..`); `go test` may prefix lines with
//! spaces; unknown lines are skipped; a report cut off by the end of output is kept as far as it
//! goes.

use std::path::{Path, PathBuf};

use crate::report::{Evidence, Finding, Frame, Location, Related, Stack};
use crate::rules::RuleId;

/// One access of a race report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RaceAccess {
    /// "write", "read", "atomic write", ...
    pub what: String,
    /// 0 for the main goroutine or when the report did not say.
    pub goroutine: u64,
    pub frames: Vec<Frame>,
}

/// One `WARNING: DATA RACE` report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GoRace {
    /// The current access, then the previous one.
    pub accesses: Vec<RaceAccess>,
    /// Creation sites: (goroutine, frames of the `created at` stack).
    pub created: Vec<(u64, Vec<Frame>)>,
}

/// Every race report in `text` (a program's stderr, or `go test`'s stdout, which carries the
/// test binary's stderr).
pub fn parse(text: &str) -> Vec<GoRace> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() != "WARNING: DATA RACE" {
            i += 1;
            continue;
        }
        i += 1;
        let mut race = GoRace::default();
        // What the frames being read belong to: an access (index) or a creation stack.
        enum Target {
            None,
            Access(usize),
            Created(usize),
        }
        let mut target = Target::None;
        while i < lines.len() {
            let t = lines[i].trim();
            if t.starts_with("==================") || t == "WARNING: DATA RACE" {
                break;
            }
            if let Some(a) = access_line(t) {
                race.accesses.push(a);
                target = Target::Access(race.accesses.len() - 1);
            } else if let Some(g) = created_line(t) {
                race.created.push((g, Vec::new()));
                target = Target::Created(race.created.len() - 1);
            } else if let Some(frame) = frame_at(&lines, i) {
                match target {
                    Target::Access(k) => race.accesses[k].frames.push(frame),
                    Target::Created(k) => race.created[k].1.push(frame),
                    Target::None => {}
                }
                i += 1; // the file:line line
            }
            i += 1;
        }
        if !race.accesses.is_empty() {
            out.push(race);
        }
    }
    out
}

/// "Write at 0x00c000120000 by goroutine 7:", "Previous read at 0x... by main goroutine:".
fn access_line(t: &str) -> Option<RaceAccess> {
    let (verb, rest) = t.split_once(" at 0x")?;
    let (_, by) = rest.split_once(" by ")?;
    let by = by.trim_end_matches(':');
    let goroutine = by.strip_prefix("goroutine ").and_then(|n| n.trim().parse().ok()).unwrap_or(0);
    let what = verb.trim().to_lowercase();
    let what = what.strip_prefix("previous ").unwrap_or(&what).to_string();
    Some(RaceAccess { what, goroutine, frames: Vec::new() })
}

/// "Goroutine 7 (running) created at:"
fn created_line(t: &str) -> Option<u64> {
    let rest = t.strip_prefix("Goroutine ")?;
    if !t.ends_with("created at:") {
        return None;
    }
    rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// A frame: `pkg.Func(...)` on line i, `\t/path/file.go:12 +0x1f` on line i+1.
fn frame_at(lines: &[&str], i: usize) -> Option<Frame> {
    let func = lines[i].trim();
    if func.is_empty() || func.ends_with(':') {
        return None;
    }
    let loc = lines.get(i + 1)?.trim();
    let loc = loc.split(" +0x").next()?.trim();
    let (file, line) = loc.rsplit_once(':')?;
    let line: u32 = line.parse().ok()?;
    if !file.ends_with(".go") && !file.ends_with(".s") {
        return None;
    }
    let function = match func.rfind('(') {
        Some(p) if func.ends_with(')') => &func[..p],
        _ => func,
    };
    Some(Frame { function: function.to_string(), file: PathBuf::from(file), line })
}

/// Frames of the runtime, the race runtime, sync and maprace's own support: where the access
/// happened is the first frame after them.
fn is_support(f: &Frame) -> bool {
    let n = f.function.as_str();
    n.starts_with("runtime.")
        || n.starts_with("internal/")
        || n.starts_with("sync.")
        || n.starts_with("sync/atomic.")
        || n.starts_with("maprace.dev/rt.")
        || n.starts_with("maprace_rt.")
}

/// Is this a race on a map (the access is inside the runtime's map code or maprace's map hooks)?
fn on_map(a: &RaceAccess) -> bool {
    a.frames.iter().take_while(|f| is_support(f)).any(|f| {
        let n = f.function.as_str();
        n.contains("map") && (n.starts_with("runtime.") || n.starts_with("internal/runtime/maps.") || n.starts_with("maprace.dev/rt."))
    }) || a.frames.iter().take_while(|f| is_support(f)).any(|f| {
        let n = f.function.trim_start_matches("maprace.dev/rt.");
        n.len() < f.function.len() && ["R[", "R2[", "RI[", "R2I[", "W[", "D[", "Rg[", "Len[", "Clr["].iter().any(|p| n.starts_with(p))
    })
}

impl RaceAccess {
    /// The access's own frame: the first one in the user's module (`root`), else the first
    /// outside the runtime and maprace's support (a race inside `reflect.Copy` or `os.File.Read`
    /// is reported where the user's code called them).
    pub fn place(&self, root: &Path) -> Option<&Frame> {
        self.frames.iter().find(|f| f.file.starts_with(root)).or_else(|| self.frames.iter().find(|f| !is_support(f))).or(self.frames.first())
    }
}

fn short(f: &Frame) -> String {
    format!("{}:{}", f.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), f.line)
}

/// What the instrumenter's sites say about Go's stacks: which lines hold map operations, and
/// the go statement (its function and line) a goroutine created at a file:line came from.
pub struct SiteLookup<'a> {
    pub map_line: &'a dyn Fn(&Path, u32) -> bool,
    pub go_stmt: &'a dyn Fn(&Path, u32) -> Option<(String, u32)>,
}

impl SiteLookup<'_> {
    pub fn none() -> SiteLookup<'static> {
        SiteLookup { map_line: &|_, _| false, go_stmt: &|_, _| None }
    }
}

fn stack(race: &GoRace, a: &RaceAccess, sites: &SiteLookup) -> Stack {
    let mut frames: Vec<Frame> = a.frames.iter().filter(|f| !is_support(f)).cloned().collect();
    if let Some((_, created)) = race.created.iter().find(|(g, _)| *g == a.goroutine && a.goroutine != 0)
        && let Some(f) = created.iter().find(|f| !is_support(f))
    {
        let mut line = f.line;
        // An instrumented go statement runs the user's call in a wrapper closure, created at
        // the end of the statement: drop the wrapper, and name the statement's own line.
        if let Some((holder, go_line)) = (sites.go_stmt)(&f.file, f.line) {
            line = go_line;
            if frames.len() > 1 && frames.last().is_some_and(|w| w.function.starts_with(&format!("{holder}.func"))) {
                frames.pop();
            }
        }
        frames.push(Frame { function: format!("created by {}", f.function), file: f.file.clone(), line });
    }
    Stack { label: format!("{}, as Go's race detector reported it", a.what), goroutine: a.goroutine, frames }
}

/// Is `f` the file:line of a finding's location or one of its related locations?
fn touches(finding: &Finding, f: &Frame) -> bool {
    (finding.file == f.file && finding.line == f.line) || finding.related.iter().any(|r| r.file == f.file && r.line == f.line)
}

/// Merge the races Go's detector reported into `findings`: a map race at a place one of
/// maprace's findings already names is marked there as seen by both; every other race becomes
/// a `GORACE` finding (one per pair of places). Returns how many reports were merged into
/// existing findings.
///
/// `sites.map_line(file, line)` says whether a line holds an instrumented map operation: a race Go
/// reports without a runtime map frame (a `range` loop reads the map's slots inline) is still a
/// map race when both its places are such lines.
pub fn merge(races: &[GoRace], findings: &mut Vec<Finding>, root: &Path, sites: &SiteLookup) -> usize {
    let mut merged = 0;
    for race in races {
        let Some(cur) = race.accesses.first() else { continue };
        let Some(at) = cur.place(root).cloned() else { continue };
        let prev = race.accesses.get(1);
        let prev_at = prev.and_then(|p| p.place(root).cloned());
        let sides: Vec<&Frame> = std::iter::once(&at).chain(prev_at.as_ref()).collect();
        let is_map = race.accesses.iter().any(on_map) || (sides.len() == 2 && sides.iter().all(|s| (sites.map_line)(&s.file, s.line)));
        // The same race: a map race at a place a maprace finding names.
        if is_map && let Some(f) = findings.iter_mut().find(|f| f.rule != RuleId::GORACE && sides.iter().any(|s| touches(f, s))) {
            if !f.message.contains(SEEN_BY_BOTH) {
                f.message.push_str(SEEN_BY_BOTH);
                f.related.push(Related {
                    file: at.file.clone(),
                    line: at.line,
                    message: format!("Go's race detector: {} in {}", cur.what, goroutine_name(cur.goroutine)),
                });
            }
            merged += 1;
            continue;
        }
        // One GORACE finding per pair of places, whichever side Go printed first.
        if findings.iter().any(|f| {
            f.rule == RuleId::GORACE
                && ((f.file == at.file && f.line == at.line && prev_at.as_ref().is_none_or(|p| touches(f, p)))
                    || prev_at.as_ref().is_some_and(|p| f.file == p.file && f.line == p.line && touches(f, &at)))
        }) {
            continue;
        }
        let mut message = format!("data race reported by Go's race detector: {} in {}", cur.what, goroutine_name(cur.goroutine));
        let mut related = Vec::new();
        let mut stacks = vec![stack(race, cur, sites)];
        if let (Some(p), Some(pat)) = (prev, &prev_at) {
            message.push_str(&format!(" races with a previous {} in {} at {}", p.what, goroutine_name(p.goroutine), short(pat)));
            related.push(Related { file: pat.file.clone(), line: pat.line, message: format!("previous {} in {}", p.what, goroutine_name(p.goroutine)) });
            stacks.push(stack(race, p, sites));
        }
        if is_map {
            message.push_str(" (a map access maprace did not record: a map outside the instrumented packages?)");
        }
        // Go's reports have no column; 1 keeps SARIF's startColumn valid.
        let mut f = Finding::new(RuleId::GORACE, Location { file: at.file.clone(), line: at.line, column: 1 }, message, related);
        f.evidence = Evidence::Observed;
        f.stacks = stacks;
        findings.push(f);
    }
    merged
}

/// Appended to a maprace finding that Go's race detector reported too.
pub const SEEN_BY_BOTH: &str = " [also reported by Go's race detector]";

fn goroutine_name(g: u64) -> String {
    if g == 0 { "the main goroutine".to_string() } else { format!("goroutine {g}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "==================
WARNING: DATA RACE
Write at 0x00c00007c090 by goroutine 10:
  runtime.mapassign_fast64()
      /usr/local/go/src/internal/runtime/maps/runtime_fast64.go:217 +0x0
  maprace.dev/rt.W[go.shape.map[int]int,go.shape.int,go.shape.int]()
      /cache/rt/hooks.go:80 +0x1
  main.main.func1()
      /tmp/mr1/main.go:15 +0xa4
  main.main.func2()
      /tmp/mr1/main.go:16 +0x50

Previous read at 0x00c00007c090 by main goroutine:
  main.main()
      /tmp/mr1/main.go:20 +0xbb

Goroutine 10 (running) created at:
  main.main()
      /tmp/mr1/main.go:13 +0xbb
==================
";

    #[test]
    fn parses_both_accesses_and_the_creation_site() {
        let r = parse(&format!("hello\n{REPORT}Found 1 data race(s)\n"));
        assert_eq!(r.len(), 1);
        let a = &r[0].accesses;
        assert_eq!((a[0].what.as_str(), a[0].goroutine), ("write", 10));
        assert_eq!((a[1].what.as_str(), a[1].goroutine), ("read", 0));
        assert_eq!(a[0].place(Path::new("/nowhere")).map(|f| f.line), Some(15));
        assert_eq!(a[1].place(Path::new("/tmp/mr1")).map(|f| f.line), Some(20));
        assert_eq!(r[0].created, vec![(10, vec![Frame { function: "main.main".into(), file: "/tmp/mr1/main.go".into(), line: 13 }])]);
        assert!(on_map(&a[0]));
    }

    #[test]
    fn tolerates_prefixes_missing_offsets_and_a_cut_report() {
        let text = REPORT.lines().map(|l| format!("    {}", l.replace(" +0xa4", ""))).collect::<Vec<_>>().join("\n");
        let cut = &text[..text.find("Goroutine 10").unwrap_or(text.len())];
        let r = parse(cut);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].accesses.len(), 2);
        assert_eq!(r[0].accesses[0].place(Path::new("/tmp/mr1")).map(|f| f.line), Some(15));
    }

    #[test]
    fn a_map_race_maprace_found_is_one_finding_and_others_are_gorace() {
        let mut findings = vec![Finding::new(
            RuleId::MR001,
            crate::report::Location { file: "/tmp/mr1/main.go".into(), line: 15, column: 4 },
            "write races".into(),
            vec![],
        )];
        let races = parse(REPORT);
        assert_eq!(merge(&races, &mut findings, Path::new("/tmp/mr1"), &SiteLookup::none()), 1);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.ends_with(SEEN_BY_BOTH));
        // Twice: still one mark.
        merge(&races, &mut findings, Path::new("/tmp/mr1"), &SiteLookup::none());
        assert_eq!(findings[0].message.matches(SEEN_BY_BOTH).count(), 1);

        let plain = REPORT.replace("runtime.mapassign_fast64", "main.set").replace("maprace.dev/rt.W[go.shape.map[int]int,go.shape.int,go.shape.int]", "main.set2");
        let mut none = Vec::new();
        merge(&parse(&plain), &mut none, Path::new("/tmp/mr1"), &SiteLookup::none());
        merge(&parse(&plain), &mut none, Path::new("/tmp/mr1"), &SiteLookup::none());
        assert_eq!(none.len(), 1, "{none:?}");
        assert_eq!(none[0].rule, RuleId::GORACE);
        assert_eq!(none[0].related.len(), 1);
        assert_eq!(none[0].stacks.len(), 2);
    }
}
