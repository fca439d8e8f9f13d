//! MR002 inner-map-escapes-lock: an inner map of a nested map used outside the critical
//! section that fetched it (or with no lock at all) while another context writes it.

use super::{RuleDoc, RuleId};

pub const DOC: RuleDoc = RuleDoc {
    id: RuleId::MR002,
    name: "inner-map-escapes-lock",
    summary: "an inner map is read or written outside the lock that guards its outer map while another goroutine writes it",
    fix: "keep the whole m[k][i] access inside the critical section, or give each inner map its own lock",
    doc: r#"## What it finds
In a nested map `map[K]map[K2]V`, the lock on the outer map does not protect the inner maps once
they are fetched: `inner := m[k]` under the lock, then `inner[i] = v` after `Unlock`, races
with any other goroutine that writes `m[k][j]`. Also reported: an inner map reached with no lock
at all while another goroutine writes it (reading `m["users"][123]` in one goroutine while
another assigns `m["users"][123] = "alice"`).

## Silent on
Inner maps that are never written after they are published.

## Example
```go
mu.Lock()
inner := byTenant[t]
mu.Unlock()
inner[id] = v // MR002: the inner map escaped the lock
```

## Fix
Keep the whole `m[k][i]` access inside the critical section, or give each inner map its own lock."#,
};

use crate::analysis::summary::Via;
use crate::report::Finding;

use super::{ConflictRule, Rule, RuleContext, Side};

pub const RULE: Rule = Rule { doc: DOC, facts: None, conflict: Some(ConflictRule { claims, finding, silences: None }) };

/// An unlocked access to an inner map: fetched under a lock and used after it, or reached
/// through its outer map with no lock.
fn claims(s: &Side) -> bool {
    // An inner map is an element of a map (`m[k]`); a map field of a value found in a map
    // (`m[k].fields`) is not nested, whatever reached it.
    let inner = matches!(s.at.path.steps.last(), Some(crate::analysis::path::Step::Key(_)));
    s.at.locks.is_empty() && inner && (matches!(s.at.via, Via::Escaped { .. }) || s.at.path.map_depth() >= 1)
}

fn finding(ctx: &RuleContext, s: &Side) -> Finding {
    let (x, y) = (s.at, s.other);
    let how = match &x.via {
        Via::Escaped { lock_site, .. } => {
            format!("the inner map {} was fetched under the lock taken at {} and is used after it was released", ctx.map_name(x, s.conflict.walk), ctx.short(*lock_site))
        }
        _ => format!("the inner map {} is used with no lock", ctx.map_name(x, s.conflict.walk)),
    };
    let msg = format!(
        "{how}, while it is accessed in {} ({} at {}; {})",
        ctx.other_context(s),
        y.kind.verb(),
        ctx.short(y.site),
        ctx.why_parallel(s)
    );
    Finding::new(DOC.id, ctx.location(x.site), msg, ctx.other_side(s))
}
