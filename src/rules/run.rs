//! Facts → findings: every rule's own facts, then each conflict reported once, at the side
//! that breaks it, by the first rule (in registry order) that claims that side; then one
//! finding per line.

use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};

use super::{REGISTRY, Rule, RuleContext, Side, confidence};
use crate::analysis::{Conflict, Facts};
use crate::model::Program;
use crate::report::{Confidence, Finding};

/// How many other sides one finding lists in `related` when several conflicts meet at its
/// line (beyond that, the first ones say enough).
const MAX_RELATED: usize = 6;

pub fn run_all(prog: &Program, facts: &Facts, base: &Path) -> Vec<Finding> {
    let ctx = RuleContext { prog, facts, base };
    let mut all = Vec::new();
    for rule in REGISTRY {
        if let Some(findings) = rule.facts {
            findings(&ctx, &mut all);
        }
    }
    let mut grouped: Vec<(Finding, Cause)> = Vec::new();
    let starts = FunctionStarts::new(prog);
    for c in &facts.conflicts {
        if let Some((f, cause)) = conflict_finding(&ctx, c, &starts) {
            match cause {
                Some(cause) => grouped.push((f, cause)),
                None => all.push(f),
            }
        }
    }
    all.extend(one_per_cause(grouped));
    one_per_line(all)
}

/// What one finding is about beyond its pair of lines (`keys`: findings sharing any key are
/// one cause): for MR009, the object and the locks kept around its maps; for the other
/// conflict rules, one function's run of unguarded accesses to one map against one partner
/// (a setup function filling a table line by line is one mistake, not one per line).
/// `label`: how another access of the cause reads in `related`.
struct Cause {
    keys: Vec<String>,
    label: String,
}

/// Findings with one cause, one finding: a map kept under two locks (MR009) is one mistake
/// however many of its accesses pair up, so the first of them (in file order) is reported
/// with the others' lines in `related`. (Findings on one line are merged by `one_per_line`.)
fn one_per_cause(mut found: Vec<(Finding, Cause)>) -> Vec<Finding> {
    found.sort_by(|(a, _), (b, _)| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    let mut out: Vec<Finding> = Vec::new();
    let mut first: HashMap<(String, Confidence), usize> = HashMap::default();
    for (f, cause) in found {
        let group = cause.keys.iter().find_map(|k| first.get(&(k.clone(), f.confidence)).copied());
        match group {
            Some(i) if out[i].file != f.file || out[i].line != f.line => {
                for k in &cause.keys {
                    first.entry((k.clone(), f.confidence)).or_insert(i);
                }
                let best = &mut out[i];
                if best.related.len() < MAX_RELATED && !best.related.iter().any(|b| b.file == f.file && b.line == f.line) {
                    best.related.push(crate::report::Related { file: f.file, line: f.line, message: cause.label });
                }
            }
            Some(_) => out.push(f),
            None => {
                for k in cause.keys {
                    first.insert((k, f.confidence), out.len());
                }
                out.push(f);
            }
        }
    }
    out
}

/// The first rule that claims this side, unless a rule before it silences the side.
fn classify(side: &Side) -> Option<&'static Rule> {
    for rule in REGISTRY {
        let Some(c) = &rule.conflict else { continue };
        if (c.claims)(side) {
            return Some(rule);
        }
        if c.silences.is_some_and(|s| s(side)) {
            return None;
        }
    }
    None
}

/// One finding per conflict, at the side to fix: the side a more specific rule claims (the
/// unguarded one, the escaped inner map, the unlocked lazy init); between equals, the write;
/// between two writes, the later one.
fn conflict_finding(ctx: &RuleContext, c: &Conflict, starts: &FunctionStarts) -> Option<(Finding, Option<Cause>)> {
    let a = Side { at: &c.a, other: &c.b, conflict: c };
    let b = Side { at: &c.b, other: &c.a, conflict: c };
    let (side, rule) = match (classify(&a), classify(&b)) {
        (None, None) => return None,
        (Some(r), None) => (a, r),
        (None, Some(r)) => (b, r),
        (Some(ra), Some(rb)) => {
            let key = |s: &Side, r: &Rule| {
                let site = s.at.site;
                (std::cmp::Reverse(r.doc.id.priority()), s.at.kind.is_write(), (ctx.prog.file_path(site.file).clone(), site.span.line, site.span.col))
            };
            if key(&a, ra) >= key(&b, rb) { (a, ra) } else { (b, rb) }
        }
    };
    let report = rule.conflict.as_ref()?.finding;
    let mut f = report(ctx, &side);
    if let Some(why) = confidence::of_conflict(ctx, &side) {
        f.confidence = Confidence::Low;
        f.message.push_str(&format!(" [lower confidence: {why}]"));
    }
    if std::env::var_os("MAPRACE_DEBUG").is_some() {
        f.message.push_str(&format!(" [debug: {}]", debug_sides(ctx, &side)));
    }
    // MR009's cause is the object and the locks kept around its maps, not the pair of lines
    // nor the map: two maps of one object each written under one lock and read under the
    // other are one lock protocol to fix (pick the lock that owns them).
    let cause = (rule.doc.id == super::RuleId::MR009).then(|| {
        // By the lock's identity (its type and field when known), not where it was taken.
        let lock_ids = |sides: &[&crate::analysis::summary::Access]| {
            let mut locks: Vec<String> = sides
                .iter()
                .flat_map(|a| a.locks.iter().map(|l| match &l.class {
                    Some((ty, field)) => format!("{ty}.{field}"),
                    None => format!("{:?}", l.lock),
                }))
                .collect();
            locks.sort();
            locks.dedup();
            locks.join(",")
        };
        let map = ctx.map_name(side.at, c.walk);
        let path = &side.at.path;
        let owner = match path.steps.last() {
            Some(crate::analysis::path::Step::Field(_)) => format!("{:?}", path.parent()),
            _ => map.to_string(),
        };
        // One object's maps under the same pair of locks; or read (or written) under one lock
        // that none of their other accesses take (`flush()` reading every map under the
        // exit lock): either way one lock protocol to fix.
        let keys = vec![format!("{owner}|{}", lock_ids(&[side.at, side.other])), format!("{owner}|against {}", lock_ids(&[side.other]))];
        Cause { keys, label: format!("{} of {map}: the same lock mismatch", side.at.kind.verb()) }
    });
    let cause = cause.or_else(|| {
        let func = starts.enclosing(side.at.site)?;
        let thread = |a: &crate::analysis::summary::Access| match a.thread {
            crate::analysis::summary::Thread::Current => format!("{:?}", c.walk),
            crate::analysis::summary::Thread::Spawned { site, .. } => ctx.short(site),
        };
        let map = ctx.map_name(side.at, c.walk);
        let key = format!("{}|{func}|{map}|{}|{}|{}", rule.doc.id as u8, side.at.locks.is_empty(), thread(side.at), thread(side.other));
        Some(Cause { keys: vec![key], label: format!("{} of {map}: the same race, in the same function", side.at.kind.verb()) })
    });
    Some((f, cause))
}

/// Where each declared function's body starts, per file in position order: the function
/// holding a site is the last one starting before it (declarations do not nest; a closure's
/// body counts as the function it is written in). Built once per run.
struct FunctionStarts(HashMap<u32, Vec<((u32, u32), u32)>>);

impl FunctionStarts {
    fn new(prog: &Program) -> FunctionStarts {
        let mut by_file: HashMap<u32, Vec<((u32, u32), u32)>> = HashMap::default();
        for (i, f) in prog.funcs.iter().enumerate() {
            by_file.entry(f.file).or_default().push(((f.body.span.line, f.body.span.col), i as u32));
        }
        by_file.values_mut().for_each(|v| v.sort_unstable());
        FunctionStarts(by_file)
    }

    fn enclosing(&self, site: crate::analysis::summary::Site) -> Option<u32> {
        let starts = self.0.get(&site.file)?;
        let n = starts.partition_point(|(at, _)| *at <= (site.span.line, site.span.col));
        n.checked_sub(1).map(|i| starts[i].1)
    }
}

/// For triage (`MAPRACE_DEBUG=1`): which walk paired the sides, and how each was reached.
fn debug_sides(ctx: &RuleContext, s: &Side) -> String {
    use crate::analysis::summary::{Access, Thread};
    let side = |a: &Access| {
        let thread = match a.thread {
            Thread::Current => "current".to_string(),
            Thread::Spawned { site, multi } => format!("spawned{} at {}", if multi { "*" } else { "" }, ctx.short(site)),
        };
        let origin = match a.origin {
            u32::MAX => "pooled".to_string(),
            0 => "own body".to_string(),
            n => format!("call #{n}"),
        };
        format!("{thread}, {origin}, root {:?}{}", a.path.root, if a.respawned { ", respawned" } else { "" })
    };
    let walk = match s.conflict.walk {
        crate::analysis::WalkId::Function(f) => ctx.prog.funcs[f as usize].display.clone(),
        w => format!("{w:?}"),
    };
    format!("walk {walk}; this: {}; other: {}", side(s.at), side(s.other))
}

/// The finding to show for each line: a confident one before a lower-confidence one, then
/// the most specific rule. Others of the same rule there add their other sides to `related`.
fn one_per_line(all: Vec<Finding>) -> Vec<Finding> {
    let mut by_line: HashMap<(PathBuf, u32), Vec<Finding>> = HashMap::default();
    for f in all {
        by_line.entry((f.file.clone(), f.line)).or_default().push(f);
    }
    let mut out: Vec<Finding> = by_line
        .into_values()
        .map(|mut fs| {
            // Stable: among equals the first produced wins, as the rules produced them.
            fs.sort_by_key(|f| (f.confidence, f.rule.priority()));
            let mut it = fs.into_iter();
            let mut best = it.next().expect("a line has a finding");
            for other in it {
                if other.rule != best.rule || other.confidence != best.confidence {
                    continue;
                }
                for r in other.related {
                    if best.related.len() >= MAX_RELATED {
                        break;
                    }
                    if !best.related.iter().any(|b| b.file == r.file && b.line == r.line) {
                        best.related.push(r);
                    }
                }
            }
            best
        })
        .collect();
    out.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    out
}
