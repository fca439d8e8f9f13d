//! Turns engine issues into report findings: site ids become file:line, stack ids become
//! frames, key hashes become the printed key, with the same rule ids and fixes as `check`.

use std::path::PathBuf;

use serde::Deserialize;

use crate::race::engine::{Access, Engine, Issue, SiteFacts};
use crate::race::probes::Visit;
use crate::race::trace::Kind;
use crate::report::{Finding, Frame, Location, Related, Stack};

/// One instrumented operation, as the instrumenter's sites.json describes it.
#[derive(Clone, Debug, Deserialize)]
pub struct Site {
    pub id: u32,
    pub file: PathBuf,
    pub line: u32,
    pub col: u32,
    #[serde(default)]
    pub func: String,
    pub kind: String,
    #[serde(default)]
    pub expr: String,
    #[serde(default)]
    pub map_value: bool,
    /// An "enter" probe: the last line of its function.
    #[serde(default)]
    pub end_line: u32,
}

/// sites.json: the site table and what the instrumenter could not instrument.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SiteTable {
    #[serde(default)]
    pub sites: Vec<Site>,
    #[serde(default)]
    pub skipped: Vec<String>,
    #[serde(default)]
    pub files: usize,
}

impl SiteTable {
    pub fn get(&self, id: u32) -> Option<&Site> {
        let s = self.sites.get((id as usize).wrapping_sub(1))?;
        (s.id == id).then_some(s).or_else(|| self.sites.iter().find(|s| s.id == id))
    }

    pub fn facts(&self) -> SiteFacts {
        let n = self.sites.iter().map(|s| s.id as usize + 1).max().unwrap_or(0);
        let mut map_value = vec![false; n];
        for s in &self.sites {
            map_value[s.id as usize] = s.map_value && s.kind == "write";
        }
        SiteFacts { map_value }
    }
}

fn verb(k: Kind) -> &'static str {
    match k {
        Kind::Read => "read",
        Kind::Write => "write",
        Kind::Delete => "delete",
        Kind::Range => "range",
        Kind::Len => "len",
        Kind::Clear => "clear",
        Kind::Update => "atomic update",
        _ => "access",
    }
}

struct Describe<'a> {
    sites: &'a SiteTable,
    engine: &'a Engine,
}

impl Describe<'_> {
    fn place(&self, site: u32) -> (PathBuf, u32, u32) {
        match self.sites.get(site) {
            Some(s) => (s.file.clone(), s.line, s.col),
            None => (PathBuf::from(format!("<site {site}>")), 0, 0),
        }
    }

    /// "write of s.users["a"]"
    fn what(&self, a: &Access) -> String {
        let expr = self.sites.get(a.site).map(|s| s.expr.as_str()).filter(|e| !e.is_empty()).unwrap_or("the map");
        let expr = if expr.contains('\n') { "the map" } else { expr };
        match self.engine.keys.get(&a.key).filter(|_| a.key != 0) {
            Some(key) if !expr.ends_with(']') && !expr.contains(key.as_str()) => format!("{} of {expr} (key {key})", verb(a.kind)),
            Some(key) if !expr.contains(key.as_str()) => format!("{} of {expr} with key {key}", verb(a.kind)),
            _ => format!("{} of {expr}", verb(a.kind)),
        }
    }

    fn at(&self, a: &Access) -> String {
        self.at_site(a.site)
    }

    /// "main.go:12"
    fn at_site(&self, site: u32) -> String {
        let (f, l, _) = self.place(site);
        format!("{}:{l}", f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
    }

    fn stack(&self, a: &Access, label: String) -> Stack {
        self.stack_at(a.gid, a.stack, a.site, label)
    }

    /// The stack of goroutine `gid` at a site, with the chain of goroutines that created it.
    fn stack_at(&self, gid: u32, stack: u32, site: u32, label: String) -> Stack {
        let mut frames: Vec<Frame> = self
            .engine
            .stacks
            .get(&stack)
            .map(|text| {
                text.lines()
                    .filter_map(|l| {
                        let mut p = l.split('\t');
                        let function = p.next()?.to_string();
                        let file = PathBuf::from(p.next()?);
                        let line = p.next()?.parse().ok()?;
                        Some(Frame { function, file, line })
                    })
                    .collect()
            })
            .unwrap_or_default();
        if frames.is_empty() {
            let (file, line, _) = self.place(site);
            let function = self.sites.get(site).map(|s| s.func.clone()).unwrap_or_default();
            frames.push(Frame { function, file, line });
        }
        // A goroutine started by instrumented code runs in a wrapper closure (see Fork in
        // race/rt): its outermost frame, named after the function holding the go statement.
        if let Some((_, go_site)) = self.engine.creator(gid)
            && frames.len() > 1
            && let Some(holder) = self.sites.get(go_site).map(|s| format!("{}.func", s.func))
            && frames.last().is_some_and(|f| f.function.starts_with(&holder))
        {
            frames.pop();
        }
        let mut g = gid;
        for _ in 0..8 {
            let Some((parent, site)) = self.engine.creator(g) else { break };
            let (file, line, _) = self.place(site);
            let func = self.sites.get(site).map(|s| s.func.clone()).unwrap_or_default();
            frames.push(Frame { function: format!("created by goroutine {parent} in {func}"), file, line });
            g = parent;
        }
        Stack { label, goroutine: gid as u64, frames }
    }

    fn related(&self, a: &Access, message: String) -> Related {
        let (file, line, _) = self.place(a.site);
        Related { file, line, message }
    }

    fn finding(&self, i: &Issue) -> Finding {
        let (file, line, column) = self.place(i.at.site);
        let alloc = i
            .map_alloc_site
            .map(|s| format!("; map made at {}", self.at_site(s)))
            .unwrap_or_default();
        let seen = if i.count > 1 { format!(" (seen {} times)", i.count) } else { String::new() };
        let (message, related, stacks) = match &i.intruder {
            None => {
                let how = match i.evidence {
                    crate::report::Evidence::Predicted => {
                        "ordered in this run only through a lock neither access holds, so another schedule races"
                    }
                    _ => "no lock in common and no happens-before between them",
                };
                let message = format!(
                    "{} in goroutine {} races with {} in goroutine {} at {}: {how}{alloc}{seen}",
                    self.what(&i.at),
                    i.at.gid,
                    self.what(&i.other),
                    i.other.gid,
                    self.at(&i.other)
                );
                let related = vec![self.related(&i.other, format!("{} in goroutine {}", self.what(&i.other), i.other.gid))];
                let stacks = vec![self.stack(&i.at, self.what(&i.at)), self.stack(&i.other, self.what(&i.other))];
                (message, related, stacks)
            }
            Some(w) => {
                let how = match i.evidence {
                    crate::report::Evidence::Observed => "it did, losing an update in this run",
                    _ if w.kind == Kind::Read => "it ran the same check unordered with the pair, so in another schedule both miss and both act",
                    _ => "nothing orders it outside the pair, so another schedule loses an update",
                };
                let message = format!(
                    "check-then-act: goroutine {} did {} at {} and then {} in another critical section; {} in goroutine {} at {} can fall between them: {how}{alloc}{seen}",
                    i.at.gid,
                    self.what(&i.other),
                    self.at(&i.other),
                    self.what(&i.at),
                    self.what(w),
                    w.gid,
                    self.at(w)
                );
                let related = vec![
                    self.related(&i.other, format!("the check: {} in goroutine {}", self.what(&i.other), i.other.gid)),
                    self.related(w, format!("the competing {} in goroutine {}", self.what(w), w.gid)),
                ];
                let stacks = vec![
                    self.stack(&i.other, format!("check: {}", self.what(&i.other))),
                    self.stack(&i.at, format!("act: {}", self.what(&i.at))),
                    self.stack(w, self.what(w)),
                ];
                (message, related, stacks)
            }
        };
        let mut f = Finding::new(i.rule, Location { file, line, column }, message, related);
        f.evidence = i.evidence;
        f.stacks = stacks;
        f
    }
}

/// The stack of a probe's entry: "goroutine 3 enters main.(*Stats).handle".
pub fn entry_stack(engine: &Engine, sites: &SiteTable, v: &Visit) -> Stack {
    let d = Describe { sites, engine };
    let func = sites.get(v.site).map(|s| s.func.as_str()).unwrap_or("a function");
    d.stack_at(v.gid, v.stack, v.site, format!("goroutine {} enters {func}", v.gid))
}

pub fn findings(engine: &Engine, sites: &SiteTable) -> Vec<Finding> {
    let d = Describe { sites, engine };
    engine.issues().iter().map(|i| d.finding(i)).collect()
}
