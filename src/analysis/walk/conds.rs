//! Path conditions. On parameters (`ParamCond`): which branches of `if method == "GET"` and
//! `switch method { case ... }` an access is on, so that a caller passing a constant drops
//! the branches it cannot take. A helper that reads the config for GET and writes it for the
//! other methods, called with GET under a read lock, does not write under that read lock.
//! On local conditions: a lock taken under `if canCache { mu.Lock(); defer mu.Unlock() }` is
//! held again in a later `if canCache { ... }` (conditional locks, `Flow::cond_locks`).
//! A lock taken under a condition on a parameter (`if doLock { mu.Lock() }`) is held after
//! the `if` under that condition (`HeldLock::when`), resolved by callers passing constants.
//! Code that runs only after winning a compare-and-swap on a flag (`if !x.CompareAndSwap(
//! false, true) { return }`, `if atomic.CompareAndSwapInt32(&busy, 0, 1) { ... }`) runs in
//! one goroutine at a time: the flag is a try-lock (`HeldLock::try_flag`). A condition the
//! package's boolean constants make false (`if debugGetPut`) is dead code (`const_false`).

use super::*;

impl<'a, 'p> Walk<'a, 'p> {
    /// A condition a package's boolean constants make false (`debugGetPut`, `!traceOn`,
    /// `debug && x`), unless a local shadows the name.
    pub(super) fn const_false(&self, cond: &Expr) -> bool {
        let value = |n: &str| -> Option<bool> {
            if self.lookup(n).is_some() {
                return None;
            }
            let pkg = self.an.prog.files[self.file as usize].pkg;
            self.an.prog.packages[pkg as usize].bool_consts.get(n).copied()
        };
        match &cond.kind {
            ExprKind::Ident(n) => value(n) == Some(false),
            ExprKind::Unary(UnaryOp::Not, x) => matches!(&x.kind, ExprKind::Ident(n) if value(n) == Some(true)),
            ExprKind::Binary(BinaryOp::And, a, b) => self.const_false(a) || self.const_false(b),
            _ => false,
        }
    }

    /// The constant an expression is, as conditions compare it: a literal, `true`/`false`/
    /// `nil`, or a qualified name `pkg.Name` (by import path, so that two files importing the
    /// package under different names agree). A local variable is never a constant here.
    pub(super) fn constant_text(&self, e: &Expr) -> Option<Rc<str>> {
        match &e.kind {
            ExprKind::StringLit(s) | ExprKind::IntLit(s) => Some(Rc::from(s.as_str())),
            ExprKind::Nil => Some(Rc::from("nil")),
            ExprKind::Ident(n) if matches!(n.as_str(), "true" | "false") && self.lookup(n).is_none() => Some(Rc::from(n.as_str())),
            ExprKind::Selector(x, name) => {
                let path = self.qualifier_path(x)?;
                Some(Rc::from(format!("{path}.{name}")))
            }
            _ => None,
        }
    }

    /// The parameter a plain identifier names (not the receiver).
    fn param_named(&self, e: &Expr) -> Option<u16> {
        match &e.kind {
            ExprKind::Ident(n) => self.lookup(n)?.param.filter(|p| *p != u16::MAX),
            _ => None,
        }
    }

    /// The conditions on parameters that `cond` being `truth` implies (a part of them: what
    /// cannot be said as a conjunction of `ParamCond`s is left out).
    pub(super) fn conds_of(&self, cond: &Expr, truth: bool) -> Vec<ParamCond> {
        let one = |param: u16, value: Rc<str>, equal: bool| vec![ParamCond { param, values: Rc::from(vec![value]), equal }];
        match &cond.kind {
            ExprKind::Binary(op @ (BinaryOp::Eq | BinaryOp::Ne), l, r) => {
                let eq = (*op == BinaryOp::Eq) == truth;
                match (self.param_named(l), self.param_named(r)) {
                    (Some(p), None) => self.constant_text(r).map(|k| one(p, k, eq)).unwrap_or_default(),
                    (None, Some(p)) => self.constant_text(l).map(|k| one(p, k, eq)).unwrap_or_default(),
                    _ => Vec::new(),
                }
            }
            ExprKind::Binary(BinaryOp::And, l, r) if truth => [self.conds_of(l, true), self.conds_of(r, true)].concat(),
            ExprKind::Binary(BinaryOp::Or, l, r) if !truth => [self.conds_of(l, false), self.conds_of(r, false)].concat(),
            ExprKind::Unary(UnaryOp::Not, x) => self.conds_of(x, !truth),
            // `if p {`: only a bool parameter compiles there.
            ExprKind::Ident(_) => self.param_named(cond).map(|p| one(p, Rc::from("true"), truth)).unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The condition each case of `switch tag` puts on the tag when it is a parameter and
    /// every case value is a constant: `case A, B:` is "one of A, B"; `default:` "none of
    /// the cases' values".
    pub(super) fn case_conds(&self, tag: Option<&Expr>, cases: &[SwitchCase]) -> Option<Vec<ParamCond>> {
        let param = self.param_named(tag?)?;
        let mut all = Vec::new();
        let mut per_case = Vec::new();
        for c in cases {
            let values: Option<Vec<Rc<str>>> = c.values.iter().map(|v| self.constant_text(v)).collect();
            let values = values?;
            all.extend(values.iter().cloned());
            per_case.push(values);
        }
        Some(
            cases
                .iter()
                .zip(per_case)
                .map(|(c, values)| {
                    if c.default {
                        ParamCond { param, values: Rc::from(all.clone()), equal: false }
                    } else {
                        ParamCond { param, values: Rc::from(values), equal: true }
                    }
                })
                .collect(),
        )
    }

    /// Run `f` with `more` conditions holding; they end with it.
    pub(super) fn under_conds<R>(&mut self, more: Vec<ParamCond>, f: impl FnOnce(&mut Self) -> R) -> R {
        let mark = self.conds.len();
        self.assume(more);
        let r = f(self);
        self.truncate_conds(mark);
        r
    }

    /// `more` holds from here on (until the enclosing block truncates the conditions).
    pub(super) fn assume(&mut self, more: Vec<ParamCond>) {
        if !more.is_empty() {
            self.conds.extend(more);
            self.conds_shared = None;
        }
    }

    pub(super) fn truncate_conds(&mut self, mark: usize) {
        if self.conds.len() > mark {
            self.conds.truncate(mark);
            self.conds_shared = None;
        }
    }

    /// The conditions holding now, shared by every access recorded under them.
    pub(super) fn current_conds(&mut self) -> Option<Rc<[ParamCond]>> {
        if self.conds.is_empty() {
            return None;
        }
        if self.conds_shared.is_none() {
            self.conds_shared = Some(Rc::from(self.conds.clone()));
        }
        self.conds_shared.clone()
    }

    /// A callee access's conditions seen from this call: `None` when the arguments falsify
    /// one (the access cannot run in this call); else the conditions on this function's own
    /// parameters it still depends on, plus the conditions holding at the call.
    pub(super) fn instantiate_conds(&mut self, conds: Option<&Rc<[ParamCond]>>, args: &[Ev<'p>]) -> Option<Option<Rc<[ParamCond]>>> {
        // An argument the analysis cannot know drops the condition: the access may run.
        let mut kept = resolve_conds(conds.map_or(&[][..], |c| &c[..]), args, Unknown::Drop)?;
        if kept.is_empty() {
            return Some(self.current_conds());
        }
        for c in &self.conds {
            if !kept.contains(c) {
                kept.push(c.clone());
            }
        }
        Some(Some(Rc::from(kept)))
    }
}

/// One fact a condition states: an expression (its normalised text) and the value it has.
pub(super) type Atom = (Rc<str>, bool);

impl<'a, 'p> Walk<'a, 'p> {
    /// The plain facts `cond` being `truth` implies: `ok`, `!ok`, `x == nil`, conjunctions of
    /// them (`a && b` true, `a || b` false).
    pub(super) fn atoms_of(&self, cond: &Expr, truth: bool) -> Vec<Atom> {
        match &cond.kind {
            ExprKind::Binary(BinaryOp::And, l, r) if truth => [self.atoms_of(l, true), self.atoms_of(r, true)].concat(),
            ExprKind::Binary(BinaryOp::Or, l, r) if !truth => [self.atoms_of(l, false), self.atoms_of(r, false)].concat(),
            ExprKind::Binary(BinaryOp::And | BinaryOp::Or, ..) => Vec::new(),
            ExprKind::Unary(UnaryOp::Not, x) => self.atoms_of(x, !truth),
            // `x != y` is `x == y` false: one atom for both spellings.
            ExprKind::Binary(BinaryOp::Ne, l, r) => {
                let eq = Expr { kind: ExprKind::Binary(BinaryOp::Eq, l.clone(), r.clone()), span: cond.span };
                vec![(Rc::from(text::expr_text(&eq)), !truth)]
            }
            ExprKind::Ident(_) | ExprKind::Selector(..) | ExprKind::Binary(BinaryOp::Eq, ..) | ExprKind::Call { .. } => {
                vec![(Rc::from(text::expr_text(cond)), truth)]
            }
            _ => Vec::new(),
        }
    }

    /// At the join after `if cond`: a lock the branch where `cond` is `truth` took (and still
    /// holds) while the other did not is held whenever `cond` is `truth` again, until a
    /// variable of the condition is assigned (`forget_cond_locks`).
    pub(super) fn note_cond_locks(&self, joined: &mut Flow, entry: &Flow, branch: &Flow, other: &Flow, atoms: &[Atom]) {
        if atoms.is_empty() || !branch.live || !other.live {
            return;
        }
        for l in &branch.locks {
            // Not one the function runs under and a callee released and took again (a relock
            // helper): the caller held it on both paths.
            let callers = self.sum.locks_released.iter().any(|p| p.may_alias(&l.lock));
            // Held on the other path in another mode (`if cacheEnabled { mu.Lock() } else {
            // mu.RLock() }`): which mode depends on the condition too.
            if callers || other.locks.iter().any(|m| m.lock == l.lock && m.mode == l.mode) || entry.locks.iter().any(|m| m.lock == l.lock) {
                continue;
            }
            for (text, truth) in atoms {
                let fact = (text.clone(), *truth, l.clone());
                if !joined.cond_locks.contains(&fact) {
                    Rc::make_mut(&mut joined.cond_locks).push(fact);
                }
            }
        }
    }

    /// At the join after `if cond`, once the conditions on parameters have been kept: a lock
    /// the `truth` branch took and still holds, held on no other path, is held after the
    /// join under a condition nobody resolves. Code that does not test `cond` again (a callee
    /// reached on the locked path: `if na.IsUnix() { mu.Lock(); defer mu.Unlock() }` then
    /// `listen()` touching the socket table on its unix branch) may or may not run under the
    /// lock, and the analysis cannot tell which branch correlates with the condition. A pair
    /// the lock would guard is then of lower confidence (`pairs::guarded_if_flags_hold`).
    pub(super) fn hold_under_opaque_cond(&self, joined: &mut Flow, entry: &Flow, branch: &Flow, other: &Flow, atoms: &[Atom]) {
        let Some((text, truth)) = atoms.first() else { return };
        if !branch.live || !other.live {
            return;
        }
        for l in &branch.locks {
            let callers = self.sum.locks_released.iter().any(|p| p.may_alias(&l.lock));
            let elsewhere = |f: &Flow| f.locks.iter().any(|m| m.lock == l.lock);
            if callers || elsewhere(other) || elsewhere(entry) || elsewhere(joined) {
                continue;
            }
            let opaque = ParamCond { param: ParamCond::OPAQUE, values: Rc::from(vec![text.clone()]), equal: *truth };
            let mut when: Vec<ParamCond> = vec![opaque];
            when.extend(l.when.iter().flat_map(|w| w.iter().cloned()));
            joined.locks.push(HeldLock { when: Some(Rc::from(when)), ..l.clone() });
        }
    }

    /// `name` is assigned: conditions that mention it may mean something else now.
    pub(super) fn forget_cond_locks(&mut self, name: &str) {
        let mentions = |text: &str| text.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|w| w == name);
        if self.flow.cond_locks.iter().any(|(t, _, _)| mentions(t)) {
            Rc::make_mut(&mut self.flow.cond_locks).retain(|(t, _, _)| !mentions(t));
        }
        if self.flow.cond_acqs.iter().any(|(t, _, _)| mentions(t)) {
            Rc::make_mut(&mut self.flow.cond_acqs).retain(|(t, _, _)| !mentions(t));
        }
    }

    /// At the join after `if cond`: what the branch where `cond` is `truth` waited for
    /// (`if len(out) == 0 { close(jobs); wg.Wait() }`) and the other path did not is
    /// waited for whenever `cond` is `truth` again, until a variable of it is assigned.
    pub(super) fn note_cond_acqs(&self, joined: &mut Flow, entry: &Flow, branch: &Flow, other: &Flow, atoms: &[Atom]) {
        if atoms.is_empty() || !branch.live || !other.live || branch.acq == joined.acq {
            return;
        }
        for s in branch.acq.iter() {
            if joined.acq.contains(s) || entry.acq.contains(s) {
                continue;
            }
            for (text, truth) in atoms {
                let fact = (text.clone(), *truth, s.clone());
                if !joined.cond_acqs.contains(&fact) {
                    Rc::make_mut(&mut joined.cond_acqs).push(fact);
                }
            }
        }
    }

    /// Entering a branch where `atoms` hold: the locks taken under the same condition before
    /// are held here, and what was waited for under it has been waited for.
    pub(super) fn take_cond_locks(&mut self, atoms: &[Atom]) {
        let held: Vec<HeldLock> = self
            .flow
            .cond_locks
            .iter()
            .filter(|(text, truth, l)| {
                // Not already held, or held only in read mode where the condition says write.
                // (One held only under an unresolved condition is taken for sure now.)
                atoms.iter().any(|(t, v)| t == text && v == truth)
                    && !self.flow.locks.iter().any(|m| m.lock == l.lock && m.when.is_none() && (m.mode == Mode::Write || l.mode == Mode::Read))
            })
            .map(|(_, _, l)| l.clone())
            .collect();
        for l in &held {
            self.flow.locks.retain(|m| m.lock != l.lock);
        }
        self.flow.locks.extend(held);
        let waited: Vec<SyncObj> =
            self.flow.cond_acqs.iter().filter(|(text, truth, _)| atoms.iter().any(|(t, v)| t == text && v == truth)).map(|(_, _, s)| s.clone()).collect();
        for s in waited {
            self.acquire(s);
        }
    }
}

impl<'a, 'p> Walk<'a, 'p> {
    /// Entering a branch where `conds` hold: a lock held only under a condition they
    /// contradict is not held here (`if doLock { mu.Unlock() }` has nothing to release on
    /// its other path); one held under a condition they include is held for sure.
    pub(super) fn apply_conds_to_locks(&mut self, conds: &[ParamCond]) {
        if conds.is_empty() {
            return;
        }
        let contradicted = |l: &HeldLock| l.when.as_ref().is_some_and(|w| w.iter().any(|c| conds.iter().any(|d| c.contradicts(d))));
        let implied = |l: &HeldLock| l.when.as_ref().is_some_and(|w| w.iter().all(|c| c.param != ParamCond::OPAQUE && conds.contains(c)));
        if self.flow.locks.iter().any(|l| contradicted(l) || implied(l)) {
            self.flow.locks.retain(|l| !contradicted(l));
            for l in self.flow.locks.iter_mut().filter(|l| implied(l)) {
                l.when = None;
            }
        }
        if self.flow.cond_locks.iter().any(|(_, _, l)| contradicted(l)) {
            Rc::make_mut(&mut self.flow.cond_locks).retain(|(_, _, l)| !contradicted(l));
        }
    }
}

/// At the join after `if cond`: a lock (or conditional lock) the branch where `cond` holds
/// took and still holds, which the other path does not hold, is held after the join when
/// `conds` (what `cond` says about parameters) hold.
pub(super) fn keep_param_cond_locks(joined: &mut Flow, entry: &Flow, branch: &Flow, other: &Flow, conds: &[ParamCond]) {
    if conds.is_empty() {
        return;
    }
    let with_conds = |l: &HeldLock| {
        let mut when: Vec<ParamCond> = conds.to_vec();
        when.extend(l.when.iter().flat_map(|w| w.iter().cloned()));
        HeldLock { when: Some(Rc::from(when)), ..l.clone() }
    };
    for l in &branch.locks {
        let elsewhere = |f: &Flow| f.locks.iter().any(|m| m.lock == l.lock);
        if !elsewhere(other) && !elsewhere(entry) && !elsewhere(joined) {
            joined.locks.push(with_conds(l));
        }
    }
    for (text, truth, l) in branch.cond_locks.iter() {
        let elsewhere = |f: &Flow| f.cond_locks.iter().any(|(t, v, m)| t == text && v == truth && m.lock == l.lock);
        if !elsewhere(other) && !elsewhere(entry) && !elsewhere(joined) {
            Rc::make_mut(&mut joined.cond_locks).push((text.clone(), *truth, with_conds(l)));
        }
    }
}

/// A callee's conditional lock seen from a call: `None` when the arguments falsify its
/// condition (not held in this call); `Some(None)` when they satisfy it; `Some(Some(c))`
/// when it still depends on something: the caller's own parameters (which its callers may
/// resolve), or a value the analysis cannot know (an opaque condition, `ParamCond::OPAQUE`,
/// that nothing resolves: the pair it would guard is reported with lower confidence).
pub(super) fn resolve_when(when: &[ParamCond], args: &[Ev<'_>]) -> Option<Option<Rc<[ParamCond]>>> {
    let kept = resolve_conds(when, args, Unknown::Opaque)?;
    Some(if kept.is_empty() { None } else { Some(Rc::from(kept)) })
}

/// What a condition on an argument the analysis cannot know becomes.
#[derive(Clone, Copy, PartialEq)]
enum Unknown {
    /// Forgotten (an access's branch condition: the access may run).
    Drop,
    /// Kept as `ParamCond::OPAQUE` (a lock's condition: held or not, nobody can tell).
    Opaque,
}

/// Conditions on a callee's parameters seen from a call: `None` when a constant argument
/// falsifies one; otherwise the ones still open, renamed to the caller's parameters.
fn resolve_conds(conds: &[ParamCond], args: &[Ev<'_>], unknown: Unknown) -> Option<Vec<ParamCond>> {
    let mut kept = Vec::new();
    for c in conds {
        let arg = args.get(c.param as usize).filter(|_| c.param != ParamCond::OPAQUE);
        if let Some(k) = arg.and_then(|a| a.konst.as_deref()) {
            if !c.holds(k) {
                return None;
            }
        } else if let Some(p) = arg.and_then(|a| a.param).filter(|p| *p != u16::MAX) {
            kept.push(ParamCond { param: p, ..c.clone() });
        } else if unknown == Unknown::Opaque {
            kept.push(ParamCond { param: ParamCond::OPAQUE, ..c.clone() });
        }
    }
    Some(kept)
}

impl<'a, 'p> Walk<'a, 'p> {
    /// The flag whose compare-and-swap `cond` being `truth` says this goroutine won
    /// (`x.CompareAndSwap(a, b)`, `atomic.CompareAndSwapInt32(&x, a, b)`, under `!`, `&&`
    /// when true and `||` when false).
    pub(super) fn cas_won(&self, cond: &Expr, truth: bool) -> Option<Path> {
        match &cond.kind {
            ExprKind::Unary(UnaryOp::Not, x) => self.cas_won(x, !truth),
            ExprKind::Binary(BinaryOp::And, l, r) if truth => self.cas_won(l, true).or_else(|| self.cas_won(r, true)),
            ExprKind::Binary(BinaryOp::Or, l, r) if !truth => self.cas_won(l, false).or_else(|| self.cas_won(r, false)),
            ExprKind::Call { func, args } if truth => match &func.kind {
                ExprKind::Selector(recv, name) if models::name_prefix_effect(name) == Some(Effect::CompareAndSwap) => {
                    let (flag, old) = match (args.len(), args.first().map(|a| &a.kind)) {
                        // atomic.CompareAndSwapInt32(&x, old, new)
                        (3, Some(ExprKind::Unary(UnaryOp::Addr, x))) => (self.quiet_field_path(x)?, &args[1]),
                        // x.CompareAndSwap(old, new) on an atomic.Bool/Int32/...
                        (2, _) => (self.quiet_field_path(recv)?, &args[0]),
                        _ => return None,
                    };
                    // Named with the value it swaps from: winners of one transition exclude
                    // each other; a state machine's other transitions are other locks.
                    let old = self.constant_text(old)?;
                    Some(flag.child(Step::Field(Rc::from(format!("<cas from {old}>")))))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// On the branch where the condition is `truth`: when the condition is an atomic load that
    /// saw its flag set there (`if ready.Load() {`, `if !ev.HasFired() { return }` and what
    /// follows), the branch comes after the store that set it (the Go memory model's
    /// synchronized-before edge from an atomic store to the load that observes it).
    pub(super) fn saw_atomic_flag(&mut self, observed: Option<&(Rc<Path>, bool)>, truth: bool) {
        // Only a flag some code sets orders anything: acquiring every checked flag (`if
        // !s.running.Load() { return }`) splits ordering sets for nothing (+15% memory on a
        // large server).
        let published = |flag: &Path| {
            let name = match flag.steps.last() {
                Some(Step::Field(f)) => Some(&**f),
                None => match &flag.root {
                    Root::Global(_, n) => Some(&**n),
                    _ => None,
                },
                _ => None,
            };
            name.is_some_and(|n| self.an.prog.published_flags.contains(n))
        };
        if let Some((flag, set_when)) = observed
            && *set_when == truth
            && published(flag)
        {
            self.tick();
            self.acquire(SyncObj::Object(flag.clone()));
        }
    }

    /// Hold the flag `flag` as a write lock until the function ends (`finish_exit` drops it,
    /// so callers never see it held).
    pub(super) fn hold_flag(&mut self, flag: Path, site: Site) {
        if !self.flow.locks.iter().any(|l| l.lock == flag) {
            self.lock(flag, Mode::Write, site, None);
            if let Some(l) = self.flow.locks.last_mut() {
                l.try_flag = true;
            }
        }
    }
}
