//! How sure a finding is. A conflict is reported with confidence when the code itself shows
//! that the two sides run at once on one map; it is of lower confidence when that rests on an
//! assumption the analysis cannot check. Lower-confidence findings are shown only with
//! `--level all`, each with the assumption it rests on: the default prefers silence to a
//! guess (shared/RULES.md: "where the tool cannot see that two contexts may run at once, it
//! stays silent").

use super::{RuleContext, Side};
use crate::analysis::WalkId;
use crate::analysis::path::{Root, Step};
use crate::analysis::summary::{Access, Thread};
use crate::model::{FuncId, TypeId};
use std::rc::Rc;
use crate::report::Finding;

pub use crate::report::Confidence;

/// Why a conflict is of lower confidence, if it is.
pub(super) fn of_conflict(ctx: &RuleContext, s: &Side) -> Option<String> {
    let walk = s.conflict.walk;
    let test_walk = matches!(walk, WalkId::Function(f) if ctx.prog.is_test_file(ctx.prog.funcs[f as usize].file));
    let test_started = started_by_test_code(ctx, s.at) || started_by_test_code(ctx, s.other);
    if test_walk && !test_started {
        // A test that drives a component: the goroutines are the component's own (its
        // background loops, its workers), and the test decides when it pokes the
        // component's state (after waiting for an event, before any work is requested).
        // That protocol is not in the code the analysis reads; `go test -race` sees what
        // the test really does.
        return Some("only a test runs these two together, and the goroutines are the code under test's own: the test's protocol may keep them apart".to_string());
    }
    let test_driven = test_walk || test_started;
    let in_object = |a: &Access| a.path.steps.iter().any(|s| matches!(s, Step::Field(_)));
    let test_own_state = ctx.prog.is_test_file(s.at.site.file) && ctx.prog.is_test_file(s.other.site.file) && !in_object(s.at);
    if test_driven && !test_own_state {
        // Test code starts the goroutines and one side is the code under test, or the map
        // is an object's field: which instance each goroutine gets, and what the test waits
        // for before it looks (a polled getter, a callback, a channel its mock sends on),
        // is the test's protocol, which the analysis does not follow. A race on the test's
        // own variables (a map local to the test, a package variable) stays confident;
        // `maprace race -- go test` runs the rest.
        return Some("test code starts these goroutines and drives the code under test: which instances they share and what the test waits for is the test's protocol".to_string());
    }
    if s.conflict.flag_guarded {
        return Some("the common lock is taken only under a condition the analysis cannot relate to this access (a flag parameter, `if doLock { mu.Lock() }`, that no caller seen passes as a constant, or a test such as `if addr.IsUnix() { mu.Lock() }` whose branch the access may be on): where the condition holds, the pair is guarded".to_string());
    }
    if let Some(why) = caller_held_lock(ctx, s) {
        return Some(why);
    }
    if let Some(why) = lock_handed_to_callers(ctx, s) {
        return Some(why);
    }
    if let Some(why) = self_pair_of_entry(ctx, s) {
        return Some(why);
    }
    if walk == WalkId::Entries
        && let Some(method) = [s.at, s.other].into_iter().find_map(|a| setup_call(ctx, a))
    {
        if method.rsplit('.').next().is_some_and(crate::analysis::is_config_setter_name) {
            return Some(format!("{method} looks like a configuration setter (it replaces a field whole, with no lock), usually called before the value is shared"));
        }
        if method.ends_with(".Reset") {
            return Some(format!("{method} looks like a reset method, usually called while no one else uses the value (returned to a pool, between runs)"));
        }
        return Some(format!("{method} looks like a setup method, usually called once before the type is shared"));
    }
    None
}

/// Both sides in two concurrent calls of one exported method, assumed only because its type
/// takes a lock somewhere (`LoadAll`, `Gather`, `Reconfigure`, `Close` against themselves):
/// whether callers run that method twice at once on one value is its contract, which the code
/// does not state; lifecycle and configuration methods are usually called one at a time. Its
/// races with the type's other methods are reported on their own. Not for handlers (an HTTP
/// `ServeHTTP`, an RPC service's methods), which run once per request.
fn self_pair_of_entry(ctx: &RuleContext, s: &Side) -> Option<String> {
    if s.conflict.walk != WalkId::Entries {
        return None;
    }
    let (Thread::Spawned { site: a, .. }, Thread::Spawned { site: b, .. }) = (s.at.thread, s.other.thread) else { return None };
    let f = *ctx.facts.entry_funcs.get(&a).filter(|_| a == b && !ctx.facts.handler_sites.contains(&a))?;
    let func = &ctx.prog.funcs[f as usize];
    Some(format!(
        "only two calls of {} at once race here; whether callers make them on one value is the method's contract, which the code does not state",
        func.display
    ))
}

/// One side runs in concurrent calls of an exported function that every caller in the module
/// calls holding a lock the other side holds (`PersistMetadata` locks `n` and calls
/// `GetMetadata`, which ranges the topics bare): the module treats it as a helper that
/// expects its caller's lock; only callers outside the module could break that.
fn caller_held_lock(ctx: &RuleContext, s: &Side) -> Option<String> {
    let callers_hold = |a: &Access| -> Option<(FuncId, &Vec<(TypeId, Rc<str>)>)> {
        let Thread::Spawned { site, .. } = a.thread else { return None };
        let f = *ctx.facts.entry_funcs.get(&site)?;
        Some((f, ctx.facts.caller_held.get(&f)?))
    };
    let held_by_callers = |mine: &Access, other: &Access| -> Option<String> {
        let (f, classes) = callers_hold(mine)?;
        other.locks.iter().find(|l| l.class.as_ref().is_some_and(|k| classes.contains(k)))?;
        Some(format!(
            "every caller of {} in the module holds the lock the other side takes; only a caller outside the module would run it bare",
            ctx.prog.funcs[f as usize].display
        ))
    };
    // Both sides in such helpers (one helper against its own other run: `Store`, which the
    // module calls only under the store's lock, paired with itself).
    let both_held = || -> Option<String> {
        let ((f, mine), (g, theirs)) = (callers_hold(s.at)?, callers_hold(s.other)?);
        mine.iter().find(|k| theirs.contains(k))?;
        let name = |f: FuncId| ctx.prog.funcs[f as usize].display.clone();
        let who = if f == g { name(f) } else { format!("{} and {}", name(f), name(g)) };
        Some(format!("every caller of {who} in the module holds one lock; only a caller outside the module would run it bare"))
    };
    held_by_callers(s.at, s.other).or_else(|| held_by_callers(s.other, s.at)).or_else(both_held)
}

/// One side runs bare in concurrent calls of a method of a type that hands its lock to its
/// callers (`LockWithVersion` returns holding `l.mut`; the caller calls `Load`, then `Unlock`):
/// such a type's lock-free methods are meant to run under the lock the caller took, which
/// the analysis does not follow across the caller's calls (often made from another module).
fn lock_handed_to_callers(ctx: &RuleContext, s: &Side) -> Option<String> {
    [s.at, s.other].into_iter().find_map(|a| {
        let Thread::Spawned { site, .. } = a.thread else { return None };
        if !a.locks.is_empty() {
            return None;
        }
        let f = *ctx.facts.entry_funcs.get(&site)?;
        let ty = ctx.prog.funcs[f as usize].recv.as_ref()?.ty;
        let handing = *ctx.facts.lock_handing.get(&ty)?;
        Some(format!(
            "{} returns holding the lock of its receiver, for the caller to release: {} may be meant to run under that lock, taken by its caller",
            ctx.prog.funcs[handing as usize].display,
            ctx.prog.funcs[f as usize].display
        ))
    })
}

/// The setup method a client-call access of the entry walk runs in.
fn setup_call<'c>(ctx: &'c RuleContext, a: &Access) -> Option<&'c str> {
    if a.thread != Thread::Current || !ctx.facts.setup_calls.contains(&a.origin) {
        return None;
    }
    ctx.facts.client_calls.get(&a.origin).map(String::as_str)
}

/// A check-then-act (MR004's locked form, MR007) loses an update only when another run of the
/// same code falls between the check and the act. Confident when the analysis saw the code
/// run twice at once (in a goroutine started many times, from two goroutines, or by such
/// code); otherwise (a `Write` method that one goroutine calls per object, an entry owned by
/// one writer) the message says what it rests on.
pub(super) fn check_then_act(ctx: &RuleContext, write: &Access, func: Option<FuncId>, f: &mut Finding) {
    let twice = matches!(write.thread, Thread::Spawned { multi: true, .. }) || func.is_none_or(|id| ctx.facts.concurrent_funcs.contains(&id));
    if !twice {
        f.confidence = Confidence::Low;
        f.message.push_str(" [lower confidence: nothing shows two goroutines running this code at once]");
    }
}

/// MR005's Load-then-Store loses an update only when another run stores the same key in
/// between. A map the receiver owns (`c.interest`, `c.gw.outsim`) is reached by another run
/// only when the method runs twice at once on one receiver (`shared_concurrent_funcs`): a
/// connection's read loop runs once per connection, on that connection's maps. A map behind
/// an object that is itself used concurrently (`c.srv.seen`, a back-pointer to the server)
/// is shared by every receiver's run.
pub(super) fn syncmap_check_then_act(ctx: &RuleContext, f: &crate::analysis::SyncMapFact, out: &mut Finding) {
    let Some(id) = f.func else { return };
    let func = &ctx.prog.funcs[id as usize];
    // An API other packages call (an exported function, an exported method of an exported
    // type), and what it calls, may run in many goroutines at once: a sync.Map says as much.
    let owned = owned_by_receiver(ctx, id, &f.map);
    let (runs, api) = if owned {
        (&ctx.facts.shared_concurrent_funcs, &ctx.facts.api_shared_funcs)
    } else {
        (&ctx.facts.concurrent_funcs, &ctx.facts.api_funcs)
    };
    if runs.contains(&id) {
        out.message.push_str(&format!(" ({} runs in two goroutines at once)", func.display));
    } else if api.contains(&id) {
        out.message.push_str(&format!(" ({} is reached from the package's API: callers may run it in two goroutines at once)", func.display));
    } else {
        out.confidence = Confidence::Low;
        out.message.push_str(" [lower confidence: nothing shows two goroutines running this code at once on this map]");
    }
}

/// `map` is a field of `func`'s receiver, or of objects only it leads to: no object on the
/// way is of a type whose methods run concurrently on a shared instance.
fn owned_by_receiver(ctx: &RuleContext, func: FuncId, map: &crate::analysis::path::Path) -> bool {
    use crate::model::Type;
    let Some(recv) = ctx.prog.funcs[func as usize].recv.as_ref() else { return false };
    if map.root != Root::Recv {
        return false;
    }
    let mut ty = Type::Named(recv.ty);
    let fields: Vec<&str> = map.steps.iter().map_while(|s| match s {
        Step::Field(name) => Some(&**name),
        _ => None,
    }).collect();
    if fields.len() != map.steps.len() {
        return false;
    }
    for name in fields.iter().take(fields.len().saturating_sub(1)) {
        let Some((_, next)) = ctx.prog.field(&ty, name) else { return false };
        let shared = ctx.prog.named_of(&next).is_some_and(|t| {
            ctx.prog.types[t as usize].methods.values().any(|m| ctx.facts.shared_concurrent_funcs.contains(m))
        });
        if shared {
            return false;
        }
        ty = next;
    }
    true
}

/// A goroutine started in a `_test.go` file: the test itself runs things concurrently.
fn started_by_test_code(ctx: &RuleContext, a: &Access) -> bool {
    match a.thread {
        Thread::Spawned { site, .. } => ctx.prog.is_test_file(site.file),
        Thread::Current => false,
    }
}
