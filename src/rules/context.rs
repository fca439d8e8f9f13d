//! What every rule reads and how findings are worded: the facts and the program, sides of
//! conflicts, and the shared phrases for places, goroutine contexts, locks and the reason two
//! accesses can run at once.

use std::path::{Path as FsPath, PathBuf};

use crate::analysis::summary::{Access, Mode, Site, Thread};
use crate::analysis::{Conflict, Facts, WalkId};
use crate::model::Program;
use crate::report::{Location, Related};

pub struct RuleContext<'a> {
    pub prog: &'a Program,
    pub facts: &'a Facts,
    /// The directory paths in messages are relative to (the user's working directory), as
    /// the output layer shows finding paths.
    pub base: &'a FsPath,
}

/// One side of a conflict: the access a finding would be reported at, and the other.
pub struct Side<'c> {
    pub at: &'c Access,
    pub other: &'c Access,
    pub conflict: &'c Conflict,
}

impl Side<'_> {
    pub fn aliased(&self) -> bool {
        self.conflict.aliased
    }

    /// Both sides hold a lock, and one is common to both.
    pub fn common_lock(&self) -> bool {
        self.at.locks.iter().any(|l| self.other.locks.iter().any(|m| m.same_lock(l)))
    }
}

impl RuleContext<'_> {
    pub fn location(&self, site: Site) -> Location {
        Location { file: self.prog.file_path(site.file).clone(), line: site.span.line, column: site.span.col }
    }

    /// A file as the user sees it: relative to the working directory, like finding paths.
    pub fn file(&self, site: Site) -> String {
        let p = self.prog.file_path(site.file);
        let shown: PathBuf = p.strip_prefix(self.base).map(FsPath::to_path_buf).unwrap_or_else(|_| p.clone());
        let s = shown.display().to_string();
        s.strip_prefix("./").map(str::to_string).unwrap_or(s)
    }

    /// `internal/cache/store.go:41`, for messages: the path relative to the working
    /// directory (two packages often have a `store.go`).
    pub fn short(&self, site: Site) -> String {
        format!("{}:{}", self.file(site), site.span.line)
    }

    pub fn related(&self, site: Site, message: String) -> Related {
        Related { file: self.prog.file_path(site.file).clone(), line: site.span.line, message }
    }

    fn func_name(&self, walk: WalkId) -> Option<&str> {
        match walk {
            WalkId::Function(f) => Some(self.prog.funcs[f as usize].display.as_str()),
            _ => None,
        }
    }

    /// Where an access runs, named by its entry: "TestAdd", "concurrent calls of Store.Get
    /// (store.go:12)", "the goroutine started at main.go:12".
    pub fn context_of(&self, a: &Access, walk: WalkId) -> String {
        match a.thread {
            Thread::Current => match (walk, self.facts.client_calls.get(&a.origin)) {
                (WalkId::Entries, Some(method)) => format!("a call of {method} by the type's user"),
                (WalkId::Entries, None) => "a caller of the type's methods".to_string(),
                _ => match self.func_name(walk) {
                    Some(f) => format!("{f} (the goroutine that calls it)"),
                    None => "the calling goroutine".to_string(),
                },
            },
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

    /// How a message names the map an access touches: the expression at the site, and, when
    /// that is a local or parameter name, the field or variable it is (`m (v.kvstore)`).
    pub fn map_name(&self, a: &Access, walk: WalkId) -> String {
        let shown = a.shown.to_string();
        match self.path_text(&a.path, walk) {
            Some(p) if p != shown && !shown.ends_with(&format!(".{}", p.rsplit('.').next().unwrap_or(""))) => format!("{shown} ({p})"),
            _ => shown,
        }
    }

    /// A path as Go code would name it from the walked function: `s.members`,
    /// `Server.conns` for every instance of a type, `pkg.table`; none for locals.
    fn path_text(&self, p: &crate::analysis::path::Path, walk: WalkId) -> Option<String> {
        use crate::analysis::path::{Key, Root, Step};
        let func = match walk {
            WalkId::Function(f) => Some(&self.prog.funcs[f as usize]),
            _ => None,
        };
        let mut out = match &p.root {
            Root::Recv => func?.recv.as_ref()?.name.clone()?,
            Root::Param(i) => func?.body.sig.params.get(*i as usize)?.name.as_ref()?.to_string(),
            Root::Global(pkg, name) => {
                let pk = self.prog.packages.get(*pkg as usize)?;
                match func {
                    Some(f) if f.pkg == *pkg => name.to_string(),
                    _ => format!("{}.{name}", pk.name),
                }
            }
            Root::TypeRoot(t) => self.prog.types.get(*t as usize)?.name.clone(),
            _ => return None,
        };
        for s in p.steps.iter() {
            match s {
                Step::Field(f) => {
                    out.push('.');
                    out.push_str(f);
                }
                Step::Key(Key::Const(k)) => out.push_str(&format!("[{k}]")),
                Step::Key(_) | Step::Elem | Step::Item(_) => out.push_str("[…]"),
            }
        }
        Some(out)
    }

    pub fn locks_of(&self, a: &Access) -> String {
        if a.locks.is_empty() {
            "no lock".to_string()
        } else {
            let mut v: Vec<String> =
                a.locks.iter().map(|l| format!("{} at {}", if l.mode == Mode::Read { "RLock" } else { "Lock" }, self.short(l.site))).collect();
            v.dedup();
            v.join(", ")
        }
    }

    /// Where the other side runs, relative to this one: "another run of ..." when it is the
    /// same goroutine (or entry) started many times.
    pub fn other_context(&self, s: &Side) -> String {
        let walk = s.conflict.walk;
        if s.at.thread == s.other.thread {
            format!("another run of {}", self.context_of(s.other, walk))
        } else {
            self.context_of(s.other, walk)
        }
    }

    /// The other access, as a message fragment: "the write at store.go:12" or, when a run of
    /// the same line in another goroutine is the other side, "the same line".
    pub fn other_access(&self, s: &Side) -> String {
        if s.at.site == s.other.site {
            "the same line".to_string()
        } else {
            format!("the {} at {}", s.other.kind.verb(), self.short(s.other.site))
        }
    }

    /// The other side of a conflict, for `related`; none when it is this very line (two
    /// runs of one goroutine): a finding never cites its own line.
    pub fn other_side(&self, s: &Side) -> Vec<Related> {
        let o = s.other;
        if o.site == s.at.site {
            return Vec::new();
        }
        vec![self.related(
            o.site,
            format!("conflicting {} of {} in {} ({})", o.kind.verb(), self.map_name(o, s.conflict.walk), self.context_of(o, s.conflict.walk), self.locks_of(o)),
        )]
    }

    /// Why the two sides can run at once, as the analysis saw it.
    pub fn why_parallel(&self, s: &Side) -> String {
        let walk = s.conflict.walk;
        let (x, y) = (s.at, s.other);
        let spawner = self.func_name(walk).unwrap_or("the caller");
        match (x.thread, y.thread) {
            (Thread::Spawned { site: a, .. }, Thread::Spawned { site: b, .. }) if a == b => {
                if self.facts.entry_names.contains_key(&a) {
                    format!("{} run many at once", self.facts.entry_names[&a])
                } else {
                    format!("goroutines started at {} run many at once (started in a loop, per call or per request)", self.short(a))
                }
            }
            (Thread::Current, Thread::Spawned { site, .. }) | (Thread::Spawned { site, .. }, Thread::Current) => {
                if walk == WalkId::Entries {
                    format!("the type's methods can be called while the goroutine started at {} runs", self.short(site))
                } else {
                    format!("{spawner} starts the goroutine at {} and goes on without waiting for it", self.short(site))
                }
            }
            (Thread::Spawned { .. }, Thread::Spawned { .. }) => match walk {
                WalkId::Function(_) => format!("{spawner} starts both goroutines and nothing orders them"),
                _ => "both run concurrently and nothing orders them".to_string(),
            },
            (Thread::Current, Thread::Current) => "both run concurrently".to_string(),
        }
    }
}
