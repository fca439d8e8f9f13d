//! MR003 shared-inner-map: one inner map value stored under several outer keys (or in several
//! outer maps), written through one path while accessed through another in parallel.

use super::{RuleDoc, RuleId};

pub const DOC: RuleDoc = RuleDoc {
    id: RuleId::MR003,
    name: "shared-inner-map",
    summary: "one inner map instance is stored under several outer keys and written through one while accessed through another",
    fix: "give each key its own inner map (maps.Clone), or guard the shared one",
    doc: r#"## What it finds
`inner := make(map[int]string); m["a"] = inner; m["b"] = inner` makes `m["a"]` and `m["b"]`
the same map. Goroutines that touch "different" keys of the outer map then race on one inner
map: a write through `m["a"]` and a read through `m["b"]` in parallel.

## Silent on
Aliasing where nothing writes after publication.

## Example
```go
shared := map[int]string{}
m["a"], m["b"] = shared, shared
go func() { m["a"][1] = "x" }()
_ = m["b"][1] // MR003: m["b"] is the same map as m["a"]
```

## Fix
Give each key its own inner map (`maps.Clone(shared)`), or guard the shared one with a lock."#,
};

use crate::analysis::summary::Via;
use crate::report::Finding;

use super::{ConflictRule, Rule, RuleContext, Side};

pub const RULE: Rule = Rule { doc: DOC, facts: None, conflict: Some(ConflictRule { claims, finding, silences: None }) };

/// An unlocked access to one inner map through a different slot than the other side's (a
/// returned map is MR008's, whatever slot it came from).
fn claims(s: &Side) -> bool {
    s.at.locks.is_empty() && s.aliased() && !matches!(s.at.via, Via::Returned { .. })
}

fn finding(ctx: &RuleContext, s: &Side) -> Finding {
    let (x, y) = (s.at, s.other);
    let msg = format!(
        "{} and {} ({}) are one inner map stored under two outer keys: this {} races with the {} in {} ({})",
        x.shown,
        y.shown,
        ctx.short(y.site),
        x.kind.verb(),
        y.kind.verb(),
        ctx.context_of(y, s.conflict.walk),
        ctx.why_parallel(s)
    );
    Finding::new(DOC.id, ctx.location(x.site), msg, ctx.other_side(s))
}
