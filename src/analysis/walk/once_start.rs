//! Goroutines started once: `if !s.running.CompareAndSwap(false, true) { return }; go
//! s.loop()`, or under the caller's lock `if !g.managing { g.managing = true; go g.manage() }`.
//! Only the code that wins the flag reaches the `go` statement, so at most one such goroutine
//! runs at a time per flag, however many goroutines run the code that starts it (a metadata
//! loop calling `maybeStart` on every update). Without this, a start from a goroutine that
//! runs many times at once made the started goroutine "many at once" too, and every map it
//! keeps to itself raced with its own other run.
//!
//! The flag forms: a won compare-and-swap or swap (held as a try-lock, `conds::cas_won`,
//! `swaps`), and a plain boolean tested false and set true right there (`if !f { f = true;
//! ... }`, or `if f { return }` and, later in the block, `f = true`). A plain test-and-set
//! is atomic only under a lock the caller holds; unlocked, the flag itself races (which
//! `-race` reports), so the plain form counts only for the goroutine it starts, not as a lock
//! around other code.

use super::*;

impl<'a, 'p> Walk<'a, 'p> {
    /// Whether a `go` statement here is reached only by the winner of a flag.
    pub(super) fn starts_once(&self) -> bool {
        self.single_start > 0 || self.flow.locks.iter().any(|l| l.try_flag)
    }

    /// In the entry walk, two calls of one client (`o`, then `origin`) that both start the
    /// goroutine of one `go` statement: a type's alternative starts (`StartMember` and
    /// `StartClient` both start the watcher). A client starts the type once, by one of them
    /// (a type that allowed both guards the start with a flag, as above): the calls are
    /// recorded as alternatives, whose accesses are not paired (`pairs::find_conflicts`), and
    /// the goroutine is not taken to run twice at once.
    pub(super) fn alternative_starts(&mut self, o: u32, origin: u32) -> bool {
        if self.func.is_some() || !self.client_starts.contains(&o) || !self.client_starts.contains(&origin) {
            return false;
        }
        self.alternatives.insert((o.min(origin), o.max(origin)));
        true
    }

    /// Whether the goroutine started at `site` can run many times at once, given what the
    /// context says (`multi`: in a loop, or started by code that runs many times at once).
    pub(super) fn spawn_multi(&self, site: &Site, multi: bool) -> bool {
        multi && !self.an.once_spawns.contains(site)
    }
}

/// A flag expression: a field or a package variable (`g.managing`, `started`).
fn flag_expr(e: &Expr) -> Option<&Expr> {
    match &e.kind {
        ExprKind::Selector(..) | ExprKind::Ident(_) => Some(e),
        _ => None,
    }
}

/// The flag a statement sets true (`flag = true`).
pub(super) fn set_true(s: &Stmt) -> Option<String> {
    match s {
        Stmt::Assign { lhs, rhs, op: AssignOp::Plain, .. }
            if lhs.len() == 1 && rhs.len() == 1 && matches!(&rhs[0].kind, ExprKind::Ident(n) if n.as_str() == "true") =>
        {
            flag_expr(&lhs[0]).map(expr_text)
        }
        _ => None,
    }
}

/// `if !flag { ...; flag = true; ... }`: the branch sets the flag it tested false.
pub(super) fn test_and_set_branch(cond: &Expr, then: &[Stmt]) -> bool {
    let ExprKind::Unary(UnaryOp::Not, x) = &cond.kind else { return false };
    let Some(flag) = flag_expr(x) else { return false };
    let flag = expr_text(flag);
    then.iter().any(|s| set_true(s).is_some_and(|f| f == flag))
}

/// The flag of `if flag { return }`: what follows runs only while the flag is unset.
pub(super) fn return_guard(guard: &Stmt) -> Option<String> {
    let Stmt::If(i) = guard else { return None };
    let IfStmt { init: None, cond, then, els: None } = &**i else { return None };
    if !matches!(then.last(), Some(Stmt::Return(..))) {
        return None;
    }
    flag_expr(cond).map(expr_text)
}
