//! MR005 syncmap-check-then-act: `sync.Map` Load followed by Store/Delete of the same key, and
//! plain maps stored in a `sync.Map` then mutated by callers of Load.

use super::{RuleDoc, RuleId};

pub const DOC: RuleDoc = RuleDoc {
    id: RuleId::MR005,
    name: "syncmap-check-then-act",
    summary: "sync.Map Load then Store of the same key is not atomic; or a plain map stored in a sync.Map is mutated after Load",
    fix: "use LoadOrStore / CompareAndSwap; store an immutable or self-locking value",
    doc: r#"## What it finds
`sync.Map` makes each call atomic, not a sequence of calls. `if _, ok := c.Load(k); !ok {
c.Store(k, newValue()) }` lets two goroutines both miss and both store; one value is lost.
Also reported: a plain `map` stored as a `sync.Map` value and then written by whoever loads it
— the `sync.Map` does not protect what is inside the value.

## Silent on
`LoadOrStore`, `LoadAndDelete`, `CompareAndSwap`, `Swap`; values that are immutable after `Store`.
Lower confidence (`--level all`): a cache fill whose stored value is computed from the key
(a struct of computed fields, an object a constructor built), a presence-only Load before a
Delete, an eviction (Load, then Delete) from a map named as a cache, whose lost entry is
fetched again, a test's own Load-then-Store, and a pair in unexported code that nothing
shows running in two goroutines at once on that map (a connection's own map, filled by that
connection's read loop alone). The package's API (exported functions, exported methods of
exported types) and what it calls count as run from many goroutines.

## Example
```go
if _, ok := cache.Load(k); !ok {
    cache.Store(k, map[string]int{}) // MR005: another goroutine may have stored k meanwhile
}
```

## Fix
`v, _ := cache.LoadOrStore(k, map[string]int{})`, or `CompareAndSwap`; store immutable values
or values with their own lock."#,
};

use crate::analysis::SyncMapForm;
use crate::report::Confidence;
use crate::report::Finding;

use super::{Rule, RuleContext};

pub const RULE: Rule = Rule { doc: DOC, facts: Some(findings), conflict: None };

fn findings(ctx: &RuleContext, out: &mut Vec<Finding>) {
    out.extend(ctx.facts
        .syncmap
        .iter()
        .map(|f| {
            let (msg, related) = match f.form {
                SyncMapForm::LoadThenStore | SyncMapForm::LoadThenDelete => {
                    let op = if f.form == SyncMapForm::LoadThenStore { "Store" } else { "Delete" };
                    (
                        format!(
                            "{op} on {} after a Load of the same key at {}: the pair is not atomic, another goroutine can store between them and its value is lost",
                            f.shown,
                            ctx.short(f.related)
                        ),
                        vec![ctx.related(f.related, "the Load of the same key".into())],
                    )
                }
                SyncMapForm::MutatedValue => (
                    format!("{} is a plain map loaded from a sync.Map and written here; the sync.Map does not guard the values it holds", f.shown),
                    Vec::new(),
                ),
            };
            let mut finding = Finding::new(DOC.id, ctx.location(f.site), msg, related);
            if f.recomputed {
                finding.confidence = Confidence::Low;
                finding.message.push_str(" [lower confidence: the stored value is computed again, not derived from the Load nor a new object: two goroutines racing here store equivalent values (a cache fill)]");
            }
            if ctx.prog.is_test_file(f.site.file) {
                // A test's own Load-then-Store on the code under test's map: whether another
                // goroutine stores the key in between is the test's protocol (see
                // `confidence::of_conflict`), which `race` mode runs for real.
                finding.confidence = Confidence::Low;
                finding.message.push_str(" [lower confidence: test code: whether anything stores the key in between is the test's protocol]");
            }
            // Evicting from a cache (`if expired(v) { cache.Delete(k) }`): an entry stored in
            // between is dropped and fetched again, a lost refill rather than lost data. The
            // map's own name is what says it is a cache (`rmsCache`, `cache`, `dnsCache`).
            let evicts_from_cache = f.form == SyncMapForm::LoadThenDelete
                && f.shown.rsplit('.').next().is_some_and(|name| name.to_ascii_lowercase().contains("cache"));
            if evicts_from_cache && finding.confidence != Confidence::Low {
                finding.confidence = Confidence::Low;
                finding.message.push_str(" [lower confidence: an eviction from a cache: an entry stored in between is dropped and fetched again, not lost]");
            }
            if finding.confidence != Confidence::Low && matches!(f.form, SyncMapForm::LoadThenStore | SyncMapForm::LoadThenDelete) {
                super::confidence::syncmap_check_then_act(ctx, f, &mut finding);
            }
            if f.presence_only {
                finding.confidence = Confidence::Low;
                finding.message.push_str(" [lower confidence: only presence was checked (`_, ok := Load`): the Delete removes whatever is there, as a plain Delete would; racing callers may both act as if they removed it (LoadAndDelete tells which one did)]");
            }
            finding
        })
    );
}
