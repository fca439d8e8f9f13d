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
Writes under `Lock`.

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

use crate::report::Finding;

use super::{Rule, RuleContext};

pub const RULE: Rule = Rule { doc: DOC, facts: Some(findings), conflict: None };

fn findings(ctx: &RuleContext, out: &mut Vec<Finding>) {
    out.extend(ctx.facts
        .rlock_writes
        .iter()
        .map(|a| {
            let msg = format!(
                "{} of {} while only a read lock is held ({}); readers run in parallel, so this write races with other holders of the read lock",
                a.kind.verb(),
                a.shown,
                ctx.locks_of(a)
            );
            let related = a.locks.iter().map(|l| ctx.related(l.site, "RLock taken here".into())).collect();
            Finding::new(DOC.id, ctx.location(a.site), msg, related)
        })
    );
}
