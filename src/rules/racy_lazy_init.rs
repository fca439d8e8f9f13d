//! MR004 racy-lazy-init: check-then-create of an inner map where the check and the store are
//! not in one critical section.

use super::{RuleDoc, RuleId};

pub const DOC: RuleDoc = RuleDoc {
    id: RuleId::MR004,
    name: "racy-lazy-init",
    summary: "an inner map is checked and created in different critical sections (or with no lock), so two goroutines can both create it",
    fix: "hold Lock across the check and the store; or re-check after Lock; or sync.Once per key; or sync.Map.LoadOrStore; or compare-and-swap an atomic.Pointer to a copied map",
    doc: r#"## What it finds
`if m[k] == nil { m[k] = make(map[K2]V) }` (or `if _, ok := m[k]; !ok {...}`) where the check
and the store are not one critical section: no lock at all, or the check under `RLock` and the
store under `Lock` without checking again. Two goroutines both see the entry missing, both
create an inner map, and the second store throws away whatever the first goroutine put in its
map. Every access may hold a lock, so `go test -race` cannot see this: it is an atomicity
violation, not a data race.

## Silent on
Double-checked locking that re-checks after `Lock`; `sync.Once`; `LoadOrStore`; a read
whose value or presence no condition tests (`snap := m[v]` fetched to work on, then replaced
by a copy of another entry before the store): only a tested read is a check.

## Example
```go
s.mu.RLock()
inner := s.m[k]
s.mu.RUnlock()
if inner == nil {
    s.mu.Lock()
    s.m[k] = map[int]string{} // MR004: another goroutine may have created it meanwhile
    s.mu.Unlock()
}
```

## Fix
Hold `Lock` across the check and the store; or re-check after `Lock`; or `sync.Once` per key;
or `sync.Map.LoadOrStore`; or compare-and-swap an `atomic.Pointer` to a copied map."#,
};

use crate::analysis::summary::Access;
use crate::report::Finding;

use super::{ConflictRule, Rule, RuleContext, Side, confidence};

pub const RULE: Rule = Rule {
    doc: DOC,
    facts: Some(findings),
    conflict: Some(ConflictRule { claims, finding: from_conflict, silences: Some(covered) }),
};

/// The unlocked form of a lazy init, against another store that can overwrite the entry; a
/// locked check-and-create is one critical section, and its conflict is the other side's.
fn claims(s: &Side) -> bool {
    s.at.lazy_check.is_some() && s.at.locks.is_empty() && s.other.kind.is_write()
}

/// The check of a racy lazy init: reported at the store, not again.
fn covered(s: &Side) -> bool {
    s.at.lazy_covered
}

/// The locked forms: check and store in different critical sections.
fn findings(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for l in &ctx.facts.lazy_inits {
        let msg = format!(
            "{} is created here under {} but was checked at {} outside this critical section, without a re-check; two goroutines can both create it and one's entries are lost",
            entry(&l.store),
            ctx.locks_of(&l.store),
            ctx.short(l.check)
        );
        let mut f = Finding::new(DOC.id, ctx.location(l.store.site), msg, vec![ctx.related(l.check, "the check of the same entry".into())]);
        confidence::check_then_act(ctx, &l.store, l.func, &mut f);
        out.push(f);
    }
}

/// The unlocked form, reported when another goroutine can run the same store.
fn from_conflict(ctx: &RuleContext, s: &Side) -> Finding {
    let (x, y) = (s.at, s.other);
    let check = x.lazy_check.unwrap_or(x.site);
    let store = if y.site == x.site { "this store".to_string() } else { format!("the store at {}", ctx.short(y.site)) };
    let msg = format!(
        "{} is checked at {} and created here with no lock, and {} runs {store}; both can see the entry missing and one creation overwrites the other ({})",
        entry(x),
        ctx.short(check),
        ctx.other_context(s),
        ctx.why_parallel(s)
    );
    let mut related = vec![ctx.related(check, "the check of the same entry".into())];
    related.extend(ctx.other_side(s));
    Finding::new(DOC.id, ctx.location(x.site), msg, related)
}

/// `m[k]`: the entry, not just the map.
fn entry(a: &Access) -> String {
    match a.key.shown() {
        Some(k) => format!("{}[{k}]", a.shown),
        None => format!("an entry of {}", a.shown),
    }
}
