//! MR007 split-read-modify-write: a map entry read in one critical section and written back,
//! from that value, in a later one.

use super::{RuleDoc, RuleId};

pub const DOC: RuleDoc = RuleDoc {
    id: RuleId::MR007,
    name: "split-read-modify-write",
    summary: "a map entry is read in one critical section and written back from that value in another, losing concurrent updates",
    fix: "do the read and the write in one critical section; or use an atomic per entry",
    doc: r#"## What it finds
`v := get(k); ...; set(k, v+1)` where `get` and `set` each lock, or `n := m[k]; mu.Unlock();
...; mu.Lock(); m[k] = n + 1`: every access holds the lock, so `go test -race` is silent, yet
an update made by another goroutine between the two critical sections is overwritten.

## Silent on
A read-modify-write inside one critical section; compare-and-swap loops that re-check.

## Example
```go
n := c.Get(k)   // locks and unlocks
c.Set(k, n+1)   // MR007: another goroutine's increment between Get and Set is lost
```

## Fix
Do the read and the write in one critical section (`c.Add(k, 1)`); or keep an atomic per entry."#,
};

use crate::report::Finding;

use super::{Rule, RuleContext, confidence};

pub const RULE: Rule = Rule { doc: DOC, facts: Some(findings), conflict: None };

fn findings(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for f in &ctx.facts.atomicity {
        let msg = format!(
            "{} is written back from a value read at {} in an earlier critical section; an update made by another goroutine in between is lost",
            f.write.shown,
            ctx.short(f.read.site)
        );
        let mut finding = Finding::new(DOC.id, ctx.location(f.at), msg, vec![ctx.related(f.read.site, "the read of the same entry".into())]);
        confidence::check_then_act(ctx, &f.write, f.func, &mut finding);
        out.push(finding);
    }
}
