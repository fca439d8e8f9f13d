//! MR009 inconsistent-lock: one shared map accessed under different locks, none common to a
//! conflicting pair.

use super::{RuleDoc, RuleId};

pub const DOC: RuleDoc = RuleDoc {
    id: RuleId::MR009,
    name: "inconsistent-lock",
    summary: "the same map is accessed under different locks, with no lock common to a writer and another access",
    fix: "pick one lock that owns the map and hold it at every access",
    doc: r#"## What it finds
Every access holds a lock, but not the same one: a writer under `a.mu` and a reader under
`b.mu` exclude nobody. The race detector sees this only when the two goroutines actually run
unordered in the test.

## Silent on
One lock held at every access.

## Example
```go
func (s *S) Put(k string)  { s.writeMu.Lock(); s.m[k] = 1; s.writeMu.Unlock() }
func (s *S) Get(k string) int { s.readMu.Lock(); defer s.readMu.Unlock(); return s.m[k] } // MR009
```

## Fix
Pick one lock that owns the map and hold it at every access."#,
};

use crate::report::Finding;

use super::{ConflictRule, Rule, RuleContext, Side};

pub const RULE: Rule = Rule { doc: DOC, facts: None, conflict: Some(ConflictRule { claims, finding, silences: None }) };

/// Both sides hold locks, none of them common to both.
fn claims(s: &Side) -> bool {
    !s.at.locks.is_empty() && !s.other.locks.is_empty() && !s.common_lock()
}

fn finding(ctx: &RuleContext, s: &Side) -> Finding {
    let (x, y) = (s.at, s.other);
    let msg = format!(
        "{} of {} holds {}, but {} holds {}: no lock is common to both, so they exclude nothing ({})",
        x.kind.verb(),
        ctx.map_name(x, s.conflict.walk),
        ctx.locks_of(x),
        ctx.other_access(s),
        ctx.locks_of(y),
        ctx.why_parallel(s)
    );
    Finding::new(DOC.id, ctx.location(x.site), msg, ctx.other_side(s))
}
