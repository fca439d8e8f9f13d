//! MR008 map-returned-from-lock: a guarded map (or inner map) returned from inside a critical
//! section and then used by the caller without the lock.

use super::{RuleDoc, RuleId};

pub const DOC: RuleDoc = RuleDoc {
    id: RuleId::MR008,
    name: "map-returned-from-lock",
    summary: "a method returns a guarded map from inside its lock, and the caller uses it unguarded while another goroutine writes it",
    fix: "return a copy (maps.Clone); or expose per-key accessors that lock",
    doc: r#"## What it finds
`func (s *S) Tenant(t string) map[string]int { s.mu.Lock(); defer s.mu.Unlock(); return
s.m[t] }` hands out the map itself: the lock ends with the call, and the caller's reads, ranges
and writes race with every other goroutine that writes the original.

## Silent on
Returning `maps.Clone(m)` or a fresh copy; maps that are never written after publication.

## Example
```go
for k, v := range s.Tenant(t) { // MR008: ranges the guarded map without its lock
    ...
}
```

## Fix
Return a copy (`maps.Clone`); or expose per-key accessors that take the lock."#,
};

use crate::analysis::summary::Via;
use crate::report::Finding;

use super::{ConflictRule, Rule, RuleContext, Side};

pub const RULE: Rule = Rule { doc: DOC, facts: None, conflict: Some(ConflictRule { claims, finding, silences: None }) };

/// An unlocked use of a map a callee returned from inside its critical section.
fn claims(s: &Side) -> bool {
    s.at.locks.is_empty() && matches!(s.at.via, Via::Returned { .. })
}

fn finding(ctx: &RuleContext, s: &Side) -> Finding {
    let (x, y) = (s.at, s.other);
    let (func, ret) = match &x.via {
        Via::Returned { func, site } => (func.to_string(), Some(*site)),
        _ => ("a getter".to_string(), None),
    };
    let msg = format!(
        "{} of {}: {func} returned this map from inside its critical section, so it is used here without the lock while it is accessed in {} ({} at {}; {})",
        x.kind.verb(),
        ctx.map_name(x, s.conflict.walk),
        ctx.context_of(y, s.conflict.walk),
        y.kind.verb(),
        ctx.short(y.site),
        ctx.why_parallel(s)
    );
    let mut related = ctx.other_side(s);
    if let Some(r) = ret {
        related.push(ctx.related(r, format!("{func} returns the guarded map here")));
    }
    Finding::new(DOC.id, ctx.location(x.site), msg, related)
}
