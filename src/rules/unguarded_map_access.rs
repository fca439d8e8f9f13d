//! MR001 unguarded-map-access: a shared map written in one goroutine context and accessed in
//! another with no common lock and no happens-before ordering.

use super::{RuleDoc, RuleId};

pub const DOC: RuleDoc = RuleDoc {
    id: RuleId::MR001,
    name: "unguarded-map-access",
    summary: "a shared map is written in one goroutine and accessed in another with no common lock and no ordering",
    fix: "guard every access with one sync.Mutex/RWMutex; or use sync.Map for disjoint-key caches; or shard the map with a lock per shard",
    doc: r#"## What it finds
A map reachable from two contexts that may run at the same time (a package-level variable, a
field of a type whose methods run concurrently, a variable captured by a goroutine closure, a
map passed to a goroutine) that is written (assign, `delete`, `clear`, reassignment) in one and
read, ranged, `len`-ed or written in the other, with no lock common to both accesses and no
ordering between them (`go` statement, `wg.Wait()`, channel send/receive, `sync.Once`).
This includes a map field that its type's own mutex guards in some methods and that another
method touches without the lock.

## Why it is bad
Go maps are not safe for concurrent use. The runtime may crash with
`fatal error: concurrent map writes`, or silently corrupt the map.

## Silent on
Maps built before the goroutines start and only read after; maps written only after
`wg.Wait()`; maps confined to one goroutine; maps handed over on a channel.

## Example
```go
m := map[string]int{}
go func() { m["a"] = 1 }()
fmt.Println(m["a"]) // MR001: races with the write in the goroutine
```

## Fix
Guard every access with one `sync.Mutex`/`sync.RWMutex`; or use `sync.Map` for caches whose
goroutines touch disjoint keys; or shard the map with a lock per shard."#,
};

use crate::report::Finding;

use super::{ConflictRule, Rule, RuleContext, Side};

pub const RULE: Rule = Rule { doc: DOC, facts: None, conflict: Some(ConflictRule { claims, finding, silences: None }) };

/// An access with no lock at all (the more specific rules before this one took the inner
/// maps, aliases, returned maps and lazy inits).
fn claims(s: &Side) -> bool {
    s.at.locks.is_empty()
}

fn finding(ctx: &RuleContext, s: &Side) -> Finding {
    let x = s.at;
    let msg = format!(
        "{} of {} in {} races with {} in {}: no common lock and no ordering ({})",
        x.kind.verb(),
        ctx.map_name(x, s.conflict.walk),
        ctx.context_of(x, s.conflict.walk),
        ctx.other_access(s),
        ctx.other_context(s),
        ctx.why_parallel(s)
    );
    Finding::new(DOC.id, ctx.location(x.site), msg, ctx.other_side(s))
}
