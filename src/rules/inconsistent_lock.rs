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
One lock held at every access. Lower confidence (`--level all`) when neither side's lock
sits beside the map (two objects' own locks held around calls that reach a third's map).
A map kept under the same two locks at several accesses is one finding, the other
accesses in `related`.

## Example
```go
func (s *S) Put(k string)  { s.writeMu.Lock(); s.m[k] = 1; s.writeMu.Unlock() }
func (s *S) Get(k string) int { s.readMu.Lock(); defer s.readMu.Unlock(); return s.m[k] } // MR009
```

## Fix
Pick one lock that owns the map and hold it at every access."#,
};

use crate::analysis::path::may_guard;
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
    let mut f = Finding::new(DOC.id, ctx.location(x.site), msg, ctx.other_side(s));
    // Locks held far up the callers' chains (two clients' locks around calls that reach a
    // logger's registry) say nothing about this map: when neither side holds a lock that
    // sits beside the map, they are not two guards of it, only unrelated locks, and whether
    // the sides meet is what an unlocked pair would need shown. One side under the map's
    // own lock and the other under a lock beside something else is the bug itself.
    let guarded = |a: &crate::analysis::summary::Access| a.locks.iter().any(|l| l.aliasable || may_guard(&l.lock, &a.path));
    if !(guarded(x) || guarded(y)) {
        f.confidence = crate::report::Confidence::Low;
        f.message.push_str(" [lower confidence: a side's locks are not beside the map (another object's or package's), so they may not be meant to guard it]");
    }
    f
}
