//! Facts → findings: which rule each fact belongs to, the shared wording of contexts and
//! sites, and the one-finding-per-line priority.

use std::collections::{HashMap, HashSet};
use std::path::Path as FsPath;

use super::RuleId;
use crate::analysis::summary::{Access, Site, Thread, Via};
use crate::analysis::{Conflict, Facts};
use crate::model::Program;
use crate::report::{Finding, Location, Related};

pub struct RuleContext<'a> {
    pub prog: &'a Program,
    pub facts: &'a Facts,
}

impl RuleContext<'_> {
    pub fn location(&self, site: Site) -> Location {
        Location { file: self.prog.file_path(site.file).clone(), line: site.span.line, column: site.span.col }
    }

    /// `store.go:41`, for messages.
    pub fn short(&self, site: Site) -> String {
        let p = self.prog.file_path(site.file);
        let name = FsPath::new(p).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        format!("{name}:{}", site.span.line)
    }

    pub fn related(&self, site: Site, message: String) -> Related {
        Related { file: self.prog.file_path(site.file).clone(), line: site.span.line, message }
    }

    /// Where an access runs: "the goroutine started at main.go:12".
    pub fn context_of(&self, a: &Access) -> String {
        match a.thread {
            Thread::Current => "the calling goroutine".to_string(),
            Thread::Spawned { site, .. } if self.facts.entry_names.contains_key(&site) => {
                format!("{} ({})", self.facts.entry_names[&site], self.short(site))
            }
            Thread::Spawned { site, multi } => match self.facts.spawn_labels.get(&site) {
                Some(label) => format!("{label} {}", self.short(site)),
                None => {
                    let many = if multi { "goroutines" } else { "the goroutine" };
                    format!("{many} started at {}", self.short(site))
                }
            },
        }
    }

    pub fn locks_of(&self, a: &Access) -> String {
        if a.locks.is_empty() {
            "no lock".to_string()
        } else {
            let mut v: Vec<String> = a.locks.iter().map(|l| format!("{} at {}", if l.mode == crate::analysis::summary::Mode::Read { "RLock" } else { "Lock" }, self.short(l.site))).collect();
            v.dedup();
            v.join(", ")
        }
    }

    /// Where the other side runs, relative to this one: "another run of ..." when it is the
    /// same goroutine (or entry) started many times.
    pub fn other_context(&self, x: &Access, y: &Access) -> String {
        if x.thread == y.thread {
            format!("another run of {}", self.context_of(y))
        } else {
            self.context_of(y)
        }
    }

    /// The other side of a conflict, for `related`.
    pub fn other_side(&self, other: &Access) -> Related {
        self.related(
            other.site,
            format!("conflicting {} of {} in {} ({})", other.kind.verb(), other.shown, self.context_of(other), self.locks_of(other)),
        )
    }
}

/// Which conflict rule reports side `x` of a conflict with `y`, if any.
fn classify_side(x: &Access, y: &Access, aliased: bool) -> Option<RuleId> {
    // The unlocked form of a lazy init, against another store that can overwrite the entry;
    // a locked check-and-create is one critical section, and its conflict is the other
    // side's to report.
    if x.lazy_check.is_some() && x.locks.is_empty() && y.kind.is_write() {
        return Some(RuleId::MR004);
    }
    if x.lazy_covered {
        return None;
    }
    if !x.locks.is_empty() {
        let common = x.locks.iter().any(|l| y.locks.iter().any(|m| m.same_lock(l)));
        return (!y.locks.is_empty() && !common).then_some(RuleId::MR009);
    }
    Some(match x.via {
        Via::Returned { .. } => RuleId::MR008,
        _ if aliased => RuleId::MR003,
        Via::Escaped { .. } => RuleId::MR002,
        _ if x.path.map_depth() >= 1 => RuleId::MR002,
        _ => RuleId::MR001,
    })
}

/// Findings at the write sides (`writes`) or the read sides of a conflict.
fn conflict_findings(ctx: &RuleContext, c: &Conflict, writes: bool, out: &mut Vec<Finding>) {
    for (x, y) in [(&c.a, &c.b), (&c.b, &c.a)] {
        if x.kind.is_write() != writes {
            continue;
        }
        let Some(rule) = classify_side(x, y, c.aliased) else { continue };
        let f = match rule {
            RuleId::MR001 => super::unguarded_map_access::finding(ctx, x, y),
            RuleId::MR002 => super::inner_map_escapes_lock::finding(ctx, x, y),
            RuleId::MR003 => super::shared_inner_map::finding(ctx, x, y),
            RuleId::MR004 => super::racy_lazy_init::from_conflict(ctx, x, y),
            RuleId::MR008 => super::map_returned_from_lock::finding(ctx, x, y),
            RuleId::MR009 => super::inconsistent_lock::finding(ctx, x, y),
            _ => continue,
        };
        out.push(f);
    }
}

/// Priority when several rules would report one line: the most specific diagnosis wins.
const PRIORITY: [RuleId; 9] = [
    RuleId::MR004,
    RuleId::MR005,
    RuleId::MR007,
    RuleId::MR006,
    RuleId::MR003,
    RuleId::MR008,
    RuleId::MR002,
    RuleId::MR009,
    RuleId::MR001,
];

pub fn run_all(prog: &Program, facts: &Facts) -> Vec<Finding> {
    let ctx = RuleContext { prog, facts };
    let mut all = Vec::new();
    // Writes first: on a line that both reads and writes (`m[k]++`), the write is the story.
    for writes in [true, false] {
        for c in &facts.conflicts {
            conflict_findings(&ctx, c, writes, &mut all);
        }
    }
    all.extend(super::racy_lazy_init::findings(&ctx));
    all.extend(super::syncmap_check_then_act::findings(&ctx));
    all.extend(super::write_under_rlock::findings(&ctx));
    all.extend(super::split_read_modify_write::findings(&ctx));

    let rank = |r: RuleId| PRIORITY.iter().position(|p| *p == r).unwrap_or(PRIORITY.len());
    let mut best: HashMap<(std::path::PathBuf, u32), Finding> = HashMap::new();
    for f in all {
        let key = (f.file.clone(), f.line);
        match best.get(&key) {
            Some(b) if rank(b.rule) <= rank(f.rule) => {}
            _ => {
                best.insert(key, f);
            }
        }
    }
    let mut seen = HashSet::new();
    let mut out: Vec<Finding> = best.into_values().filter(|f| seen.insert((f.file.clone(), f.line))).collect();
    out.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    out
}
