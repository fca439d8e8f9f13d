//! MR006 write-under-rlock: a map write while only the read lock of an RWMutex is held.

use super::{RuleDoc, RuleId};

pub const DOC: RuleDoc = RuleDoc {
    id: RuleId::MR006,
    name: "write-under-rlock",
    summary: "a map is written while only RLock is held; readers run in parallel, so writes race",
    fix: "take Lock (not RLock) for writes",
    doc: r#"## What it finds
A map write — assign, `delete`, `clear`, a write into an inner map, or a field write on a value
reached through the map — while the only lock held on the map's guard is `RLock`. Many readers
hold `RLock` at once, so two of them writing is a data race.

## Silent on
Writes under `Lock`. Lower confidence (`--level all`) when nothing shows two goroutines
holding the read lock there at once: a run loop's own read lock, taken by one goroutine,
excludes no one (the write is confident in an exported function or a goroutine started
many times).

## Example
```go
s.mu.RLock()
defer s.mu.RUnlock()
if _, ok := s.hits[k]; !ok {
    s.hits[k] = 0 // MR006: written under RLock
}
```

## Fix
Take `Lock` (not `RLock`) for writes."#,
};

use rustc_hash::FxHashMap as HashMap;

use crate::analysis::summary::{Access, Thread};
use crate::model::FuncId;
use crate::report::{Confidence, Finding};

use super::{Rule, RuleContext};

pub const RULE: Rule = Rule { doc: DOC, facts: Some(findings), conflict: None };

fn findings(ctx: &RuleContext, out: &mut Vec<Finding>) {
    // One write is seen by the walk of every function up its call chain: it races when any
    // of them shows the code running twice at once.
    let mut by_site: HashMap<_, (&Access, bool)> = HashMap::default();
    let mut order = Vec::new();
    let debug = std::env::var_os("MAPRACE_DEBUG").is_some();
    for (a, func) in &ctx.facts.rlock_writes {
        let twice = runs_twice(ctx, a, *func);
        if debug && twice {
            let walk = func.map_or("the entry walk".to_string(), |f| ctx.prog.funcs[f as usize].display.clone());
            eprintln!("[debug: MR006 at {} runs twice in the walk of {walk} ({:?})]", ctx.short(a.site), a.thread);
        }
        let e = by_site.entry(a.site).or_insert_with(|| {
            order.push(a.site);
            (a, twice)
        });
        e.1 |= twice;
    }
    out.extend(order.into_iter().map(|site| {
        let (a, twice) = by_site[&site];
        let msg = format!(
            "{} of {} while only a read lock is held ({}); readers run in parallel, so this write races with other holders of the read lock",
            a.kind.verb(),
            a.shown,
            ctx.locks_of(a)
        );
        let related = a.locks.iter().map(|l| ctx.related(l.site, "RLock taken here".into())).collect();
        let mut f = Finding::new(DOC.id, ctx.location(a.site), msg, related);
        if !twice {
            // A read lock taken by one goroutine (a run loop that also guards other state
            // with it) excludes no one from this write: it races only with another holder.
            f.confidence = Confidence::Low;
            f.message.push_str(" [lower confidence: nothing shows two goroutines running this code at once]");
        }
        f
    }));
}

/// In a goroutine started many times (in that walk), or under an API function (exported,
/// outside an `internal` package): an API that takes a read lock is there to be called by
/// many goroutines at once, while the callers of an unexported helper (a run loop) or of an
/// internal package's code (an interface's implementation driven by one event loop) are all
/// in view. Not "some call runs it twice" (`concurrent_funcs`): that counts runs on
/// different instances, which hold different read locks on different maps (a constructor's
/// loop, started once per instance).
fn runs_twice(ctx: &RuleContext, a: &Access, func: Option<FuncId>) -> bool {
    let api = |f: FuncId| {
        let func = &ctx.prog.funcs[f as usize];
        let path = &ctx.prog.packages[func.pkg as usize].import_path;
        func.exported() && !path.split('/').any(|elem| elem == "internal")
    };
    let many = match a.thread {
        // Concurrent calls the entry walk assumed count as the API's: not inside an internal
        // package.
        Thread::Spawned { site, multi: true } => ctx.facts.entry_funcs.get(&site).is_none_or(|f| api(*f)),
        _ => false,
    };
    many || func.is_some_and(api)
}
