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

use crate::analysis::summary::Access;
use crate::report::Finding;

use super::context::RuleContext;

pub fn finding(ctx: &RuleContext, x: &Access, y: &Access) -> Finding {
    let msg = format!(
        "{} of {} holds {}, but the {} at {} holds {}: no lock is common to both, so they exclude nothing",
        x.kind.verb(),
        x.shown,
        ctx.locks_of(x),
        y.kind.verb(),
        ctx.short(y.site),
        ctx.locks_of(y)
    );
    Finding::new(DOC.id, ctx.location(x.site), msg, vec![ctx.other_side(y)])
}
