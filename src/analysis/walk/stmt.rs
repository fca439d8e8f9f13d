//! Statements: assignments, declarations, control flow (branches joined by lock-set
//! intersection, early returns excluded), `go`, `defer`, sends, `range`.

use super::*;

impl<'a, 'p> Walk<'a, 'p> {
    // ----- statements ----------------------------------------------------------------

    pub(super) fn block(&mut self, stmts: &'p [Stmt]) {
        self.with_scope(|w| w.block_in_scope(stmts));
    }

    /// A block's statements in the current scope: a function's body, whose locals its
    /// deferred calls still name at exit (`var wg sync.WaitGroup; defer wg.Wait()`).
    pub(super) fn block_in_scope(&mut self, stmts: &'p [Stmt]) {
        // Conditions an early exit establishes (`if m != "GET" { return }`) hold to the end of
        // the block.
        let mark = self.conds.len();
        let single = self.single_start;
        // `if started { return }; ...; started = true`: the rest of the block is the
        // winner's. The flags of the guards seen so far:
        let mut guards: Vec<String> = Vec::new();
        for s in stmts {
            if !guards.is_empty() && once_start::set_true(s).is_some_and(|f| guards.contains(&f)) {
                self.single_start += 1;
            }
            if let Some(flag) = once_start::return_guard(s) {
                guards.push(flag);
            }
            self.stmt(s);
        }
        self.single_start = single;
        self.truncate_conds(mark);
    }

    pub(super) fn stmt(&mut self, s: &'p Stmt) {
        if !self.flow.live {
            // Unreachable code after return/panic: still walked for accesses, but from a
            // fresh unlocked state would invent lock facts, so it is skipped.
            return;
        }
        match s {
            Stmt::Expr(e) => self.expr_stmt(e),
            Stmt::Assign { lhs, rhs, op, span } => self.assign(lhs, rhs, *op, *span),
            Stmt::IncDec(e) => self.assign_target(e, None, true),
            Stmt::VarDecl(v) => {
                let VarSpec { names, ty, values } = &**v;
                let declared = ty.as_ref().map(|t| self.an.prog.resolve(self.file, t));
                let evs: Vec<Ev<'p>> = values
                    .iter()
                    .map(|v| {
                        let ev = self.eval(v);
                        self.load_variable(v, &ev);
                        ev
                    })
                    .collect();
                let evs = spread(evs, names.len());
                for ((name, _), ev) in names.iter().zip(evs) {
                    let mut ev = ev;
                    if let Some(t) = &declared
                        && (matches!(ev.ty, Type::Unknown | Type::Opaque) || values.is_empty()) {
                            ev.ty = t.clone();
                        }
                    self.define(name, ev);
                }
            }
            Stmt::Go(call) => self.go_stmt(call),
            Stmt::Defer(call) => {
                // The function value and the arguments are evaluated now; the call runs at exit.
                if let ExprKind::Call { args, func } = &call.kind
                    && !matches!(func.kind, ExprKind::FuncLit(_)) {
                        for a in args {
                            if !matches!(a.kind, ExprKind::FuncLit(_)) {
                                self.eval(a);
                            }
                        }
                        // `defer closeDone()()`: `closeDone()` runs here, under the locks held
                        // here; only the function it returns runs at exit (not followed).
                        if matches!(func.kind, ExprKind::Call { .. }) {
                            self.eval(func);
                            return;
                        }
                    }
                let held = self.flow.locks.clone();
                self.deferred.push((call, held));
            }
            Stmt::Return(vals, span) => {
                let evs: Vec<Ev<'p>> = vals
                    .iter()
                    .map(|v| {
                        let ev = self.eval(v);
                        self.load_variable(v, &ev);
                        ev
                    })
                    .collect();
                let under_lock = !self.flow.locks.is_empty();
                let site = self.site(*span);
                for (i, ev) in evs.into_iter().enumerate() {
                    if self.sum.returns.len() <= i {
                        self.sum.returns.push(Returned::default());
                    }
                    // A container the callee filled itself (`out := &spec{m: make(...)}; for ...
                    // { out.set(tag, f) }; return out`, a per-type metadata cache's entry) is a
                    // finished value computed from the arguments, not one callers go on to fill.
                    let filled = || {
                        ev.path().is_some_and(|p| {
                            matches!(p.root, Root::Local(_)) && self.sum.accesses.iter().any(|a| a.kind.is_write() && a.path.starts_with(p) && a.path.steps.len() > p.steps.len())
                        })
                    };
                    let container = ev.fresh && self.holds_map(&ev.ty) && !filled();
                    let r = &mut self.sum.returns[i];
                    // A map, or a struct made in this call (a constructor's instance, whose
                    // maps goroutines it started may still be using).
                    let named = |p: &Path| matches!(p.root, Root::Local(_)) && self.an.prog.named_of(&ev.ty).is_some();
                    // A channel made here, or one a field holds (`func (e *Event) Done() <-chan
                    // struct{} { return e.c }`): the caller's receives meet what this call's
                    // goroutines, or the field's closer, send or close.
                    let is_channel = matches!(self.an.prog.underlying(&ev.ty), Type::Chan(_));
                    let channel = |_: &Path| is_channel;
                    if let Some(p) = ev.path()
                        && (matches!(ev.ty, Type::Map(..)) || named(p) || channel(p))
                        && r.path.is_none() {
                            r.path = Some(p.clone());
                            // A map made in this call is the caller's alone.
                            r.under_lock = under_lock && !matches!(p.root, Root::Local(_)) && !is_channel;
                            r.site = Some(site);
                        }
                    if r.read_origin.is_none() {
                        r.read_origin = ev.origin.clone();
                    }
                    if r.typed.is_none() {
                        r.typed = ev.typed.clone();
                    }
                    if r.observes.is_none() {
                        r.observes = ev.observes.clone();
                    }
                    if r.swapped.is_none() {
                        r.swapped = ev.swapped.clone();
                    }
                    // What a constructor returns is fresh to its callers when it is a container
                    // they go on to fill (a map, a struct holding one); an object the callee built
                    // and filled itself (`caps := &Caps{}; caps.Types = ...; return caps`, or its
                    // map filled above) is a finished value, like one computed from the key.
                    r.fresh |= container;
                }
                self.exits.push(self.flow.clone());
                self.flow.live = false;
            }
            Stmt::Send(send) => {
                let SendStmt { chan, value, span } = &**send;
                let v = self.eval(value);
                let ch = self.eval(chan);
                self.tick();
                if let Some(p) = ch.path()
                    && self.semaphores.contains(p)
                {
                    // `sem <- x` on a channel of capacity one takes it like a mutex.
                    let site = self.site(*span);
                    self.lock(p.clone(), Mode::Write, site, None);
                }
                // Also a message, on a channel of capacity one too: `errc := make(chan error,
                // 1); go func() { errc <- do() }(); err := <-errc` orders the goroutine's
                // work before the receive.
                if let Some(p) = ch.path() {
                    if let Some(vp) = v.path() {
                        let each_time = self.loop_depth > 0 && self.new_each_iteration(vp);
                        let (values, varies) = self.sent.entry(p.clone()).or_default();
                        *varies |= each_time;
                        if !values.contains(vp) {
                            values.push(vp.clone());
                        }
                    }
                    self.release(SyncObj::Object(Rc::new(p.clone())));
                }
            }
            Stmt::If(i) if self.const_false(&i.cond) => {
                // `if debugX { ... }` with `const debugX = false`: only the else-branch runs.
                self.with_scope(|w| {
                    if let Some(init) = &i.init {
                        w.stmt(init);
                    }
                    if let Some(e) = &i.els {
                        w.stmt(e);
                    }
                });
            }
            Stmt::If(i) => {
                let IfStmt { init, cond, then, els } = &**i;
                let mut after_else_only = Vec::new();
                self.with_scope(|w| {
                    if let Some(i) = init {
                        w.stmt(i);
                    }
                    let reads_before = w.sum.accesses.len();
                    let cond_ev = w.eval(cond);
                    let (observed, swap_won) = (cond_ev.observes, cond_ev.swap_won);
                    let won = |truth: bool| swap_won.as_ref().filter(|(_, t)| *t == truth).map(|(flag, _)| (**flag).clone());
                    w.note_tested_reads(cond, reads_before);
                    let (when_true, when_false) = (w.conds_of(cond, true), w.conds_of(cond, false));
                    let (atoms_true, atoms_false) = (w.atoms_of(cond, true), w.atoms_of(cond, false));
                    let entry = w.flow.clone();
                    let entry_flow = entry.clone();
                    w.take_cond_locks(&atoms_true);
                    w.apply_conds_to_locks(&when_true);
                    // On the branch itself only when it returns what the flag published (`if
                    // ev.HasFired() { return s.trailers }`): a long branch run when a mode flag
                    // is on (`if s.clustered.Load() { ... }`) is no read of published state,
                    // and its ordering sets would multiply for nothing.
                    if matches!(then.last(), Some(Stmt::Return(..))) {
                        w.saw_atomic_flag(observed.as_ref(), true);
                    }
                    let cas_site = w.site(cond.span);
                    if let Some(flag) = w.cas_won(cond, true).or_else(|| won(true)) {
                        w.hold_flag(flag, cas_site);
                    }
                    let once = els.is_none() && once_start::test_and_set_branch(cond, then);
                    w.single_start += once as u32;
                    w.under_conds(when_true.clone(), |w| w.block(then));
                    w.single_start -= once as u32;
                    let after_then = std::mem::replace(&mut w.flow, entry);
                    w.take_cond_locks(&atoms_false);
                    w.apply_conds_to_locks(&when_false);
                    w.saw_atomic_flag(observed.as_ref(), false);
                    match els {
                        Some(e) => {
                            let first = (w.sum.accesses.len(), w.sum.param_calls.len());
                            w.under_conds(when_false.clone(), |w| w.stmt(e));
                            w.before_sibling_spawns(&entry_flow, &after_then, first);
                        }
                        // `if cond { return }`: what follows runs only when cond is false.
                        None if !after_then.live => {
                            after_else_only = when_false.clone();
                            if let Some(flag) = w.cas_won(cond, false).or_else(|| won(false)) {
                                w.hold_flag(flag, cas_site);
                            }
                        }
                        None => {}
                    }
                    let after_else = w.flow.clone();
                    let mut joined = w.join_live(&after_then, &after_else);
                    w.note_cond_locks(&mut joined, &entry_flow, &after_then, &after_else, &atoms_true);
                    w.note_cond_locks(&mut joined, &entry_flow, &after_else, &after_then, &atoms_false);
                    w.note_cond_acqs(&mut joined, &entry_flow, &after_then, &after_else, &atoms_true);
                    w.note_cond_acqs(&mut joined, &entry_flow, &after_else, &after_then, &atoms_false);
                    if after_then.live && after_else.live {
                        keep_param_cond_locks(&mut joined, &entry_flow, &after_then, &after_else, &when_true);
                        keep_param_cond_locks(&mut joined, &entry_flow, &after_else, &after_then, &when_false);
                    }
                    w.hold_under_opaque_cond(&mut joined, &entry_flow, &after_then, &after_else, &atoms_true);
                    w.hold_under_opaque_cond(&mut joined, &entry_flow, &after_else, &after_then, &atoms_false);
                    w.flow = joined;
                });
                self.assume(after_else_only);
            }
            Stmt::For(f) => {
                let ForStmt { init, cond, post, range, body } = &**f;
                self.with_scope(|w| {
                if let Some(i) = init {
                    w.stmt(i);
                }
                // A loop's scope also names its elements in paths (`Key::Each`, `Step::Item`),
                // which reach callers through summaries: unique program-wide.
                let scope = w.an.loop_scope();
                if let Some(init) = init
                    && let Stmt::Assign { lhs, op: AssignOp::Define, .. } = init.as_ref()
                {
                    for l in lhs {
                        w.mark_iteration(l, scope);
                    }
                }
                // The range expression is evaluated once, before the first iteration.
                let ranged = range.as_ref().map(|r| w.eval(&r.expr));
                w.instance_scopes.push(scope);
                w.loop_depth += 1;
                w.loop_spawn_marks.push(w.flow.spawned.len());
                w.breaks.push(Vec::new());
                if let Some(c) = cond {
                    w.eval(c);
                }
                let entry = w.flow.clone();
                let mut channel = None;
                w.with_scope(|w| {
                    if let (Some(r), Some(ev)) = (range, ranged) {
                        channel = w.range_clause(r, ev);
                    }
                    w.block(body);
                    if let Some(p) = post {
                        w.stmt(p);
                    }
                });
                w.loop_depth -= 1;
                w.instance_scopes.pop();
                w.loop_spawn_marks.pop();
                let breaks = w.breaks.pop().unwrap_or_default();
                let infinite = cond.is_none() && range.is_none();
                let body_acq = (!infinite && w.flow.live).then(|| w.flow.acq.clone());
                w.flow = if infinite && !breaks.is_empty() {
                    // `for { ...; if !ok { break } }`: only a break leaves it, with what was
                    // done before the break (a receive that saw the channel closed).
                    w.join_all(breaks)
                } else {
                    let out = if infinite && !w.flow.live { Flow { live: true, ..entry.clone() } } else { w.join_live(&entry, &w.flow) };
                    breaks.iter().fold(out, |o, b| w.join_live(&o, b))
                };
                if let Some(body_acq) = body_acq {
                    w.keep_fan_in(&entry, &body_acq);
                }
                if let Some(ch) = channel {
                    // A range over a channel ends when it is closed: after the loop, not in
                    // its body, comes what the closer did before `close`.
                    w.acquire(closed(&ch));
                }
                })
            }
            Stmt::Switch(sw) => {
                let SwitchStmt { init, tag, type_bind, cases } = &**sw;
                self.with_scope(|w| {
                if let Some(i) = init {
                    w.stmt(i);
                }
                let tag_ev = tag.as_ref().map(|t| w.eval(t));
                let case_conds = w.case_conds(tag.as_ref(), cases);
                let entry = w.flow.clone();
                let mut out: Option<Flow> = None;
                w.breaks.push(Vec::new());
                for (i, case) in cases.iter().enumerate() {
                    w.flow = entry.clone();
                    for v in &case.values {
                        w.eval(v);
                    }
                    let conds = case_conds.as_ref().map(|c| vec![c[i].clone()]).unwrap_or_default();
                    w.under_conds(conds, |w| {
                        w.with_scope(|w| {
                            if let (Some(b), Some(ev)) = (type_bind, &tag_ev) {
                                w.define(b, ev.clone());
                            }
                            for s in &case.body {
                                w.stmt(s);
                            }
                        })
                    });
                    out = Some(match out {
                        Some(o) => w.join_live(&o, &w.flow),
                        None => w.flow.clone(),
                    });
                }
                let breaks = w.breaks.pop().unwrap_or_default();
                let out = match out {
                    Some(o) => w.join_live(&o, &entry),
                    None => entry,
                };
                w.flow = breaks.iter().fold(out, |o, b| w.join_live(&o, b));
                })
            }
            Stmt::Select { cases } => {
                let entry = self.flow.clone();
                let mut out: Option<Flow> = None;
                self.breaks.push(Vec::new());
                for (comm, body) in cases {
                    self.flow = entry.clone();
                    self.with_scope(|w| {
                        if let Some(c) = comm {
                            w.stmt(c);
                        }
                        for s in body {
                            w.stmt(s);
                        }
                    });
                    out = Some(match out {
                        Some(o) => self.join_live(&o, &self.flow),
                        None => self.flow.clone(),
                    });
                }
                let breaks = self.breaks.pop().unwrap_or_default();
                let out = out.unwrap_or(entry);
                self.flow = breaks.iter().fold(out, |o, b| self.join_live(&o, b));
            }
            Stmt::Block(b) => self.block(b),
            Stmt::Labeled(s) => self.stmt(s),
            Stmt::Break => {
                // The path goes on after the innermost breakable statement, which joins it.
                if let Some(out) = self.breaks.last_mut() {
                    out.push(self.flow.clone());
                }
                self.flow.live = false;
                self.flow.jumped = true;
            }
            Stmt::Jump => {
                // continue/goto leave the straight line; the loop join keeps the entry state.
                self.flow.live = false;
                self.flow.jumped = true;
            }
            Stmt::Empty => {}
        }
    }

    /// Binds the loop variables; returns the channel when ranging over one.
    pub(super) fn range_clause(&mut self, r: &'p RangeClause, ev: Ev<'p>) -> Option<Path> {
        let (kt, vt) = match self.an.prog.underlying(&ev.ty).clone() {
            Type::Map(k, v) => {
                if let Some(p) = ev.path() {
                    self.access(p.clone(), AccessKind::Range, KeyText::Unknown, r.expr.span, &r.expr, &ev);
                }
                (*k, *v)
            }
            Type::Slice(e) => (Type::Opaque, *e),
            Type::Chan(e) => {
                // Each iteration receives a sent value (the close ends the loop instead).
                if let Some(p) = ev.path() {
                    self.acquire(SyncObj::Object(Rc::new(p.clone())));
                }
                let value = received(&ev, *e);
                if let Some(k) = &r.key {
                    if r.define {
                        if let ExprKind::Ident(n) = &k.kind {
                            self.define(n, value);
                        }
                    } else {
                        self.assign_target(k, Some(value), false);
                    }
                }
                return ev.path().cloned();
            }
            _ => (Type::Opaque, Type::Unknown),
        };
        let scope = *self.instance_scopes.last().unwrap_or(&0);
        let each = match self.an.prog.underlying(&ev.ty) {
            Type::Map(..) => Step::Key(Key::Each(scope)),
            _ => Step::Item(scope),
        };
        let elem_path = ev.path().map(|p| p.child(each));
        let value_ev = Ev {
            val: match (&elem_path, &vt) {
                (Some(p), t) if t.is_trackable() => Val::Path(p.clone(), via_of(&ev)),
                _ => Val::Unknown,
            },
            ty: vt,
            ..Ev::unknown()
        };
        let key_ev = Ev::of_type(kt);
        if r.define {
            if let Some(k) = &r.key
                && let ExprKind::Ident(n) = &k.kind {
                    self.define(n, key_ev);
                    self.mark_iteration(k, scope);
                }
            if let Some(v) = &r.value
                && let ExprKind::Ident(n) = &v.kind {
                    self.define(n, value_ev);
                }
        } else {
            if let Some(k) = &r.key {
                self.assign_target(k, Some(key_ev), false);
            }
            if let Some(v) = &r.value {
                self.assign_target(v, Some(value_ev), false);
            }
        }
        None
    }

    pub(super) fn assign(&mut self, lhs: &'p [Expr], rhs: &'p [Expr], op: AssignOp, _span: Span) {
        if op == AssignOp::Compound {
            for (l, r) in lhs.iter().zip(rhs) {
                let ev = self.eval(r);
                self.assign_target(l, Some(ev), true);
            }
            return;
        }
        let mut ok_of: Option<Site> = None;
        let evs: Vec<Ev<'p>> = if rhs.len() == 1 && lhs.len() == 2 {
            // `v, ok := m[k]` / `v, ok := <-ch` / `v, ok := x.(T)`: the first is the value.
            let loads_before = self.syncmap_loads.len();
            let mut ev = self.eval(&rhs[0]);
            // `_, ok := m.Load(k)`: only presence is checked (see `SyncMapLoad::value_unused`).
            if matches!(&lhs[0].kind, ExprKind::Ident(n) if n == "_") {
                self.syncmap_loads.iter_mut().skip(loads_before).for_each(|l| l.value_unused = true);
            }
            if matches!(rhs[0].kind, ExprKind::Index(..))
                && let Some(o) = &mut ev.origin {
                    o.checked = true;
                }
            ok_of = ev.origin.as_ref().filter(|_| matches!(rhs[0].kind, ExprKind::Index(..))).map(|o| o.site);
            // The second value (`ok`, `err`) names nothing the rules follow.
            vec![ev, Ev::of_type(Type::Opaque)]
        } else {
            let evs: Vec<Ev<'p>> = rhs
                .iter()
                .map(|r| {
                    let ev = self.eval(r);
                    self.load_variable(r, &ev);
                    ev
                })
                .collect();
            spread(evs, lhs.len())
        };
        for (l, ev) in lhs.iter().zip(evs) {
            if op == AssignOp::Define
                && let ExprKind::Ident(n) = &l.kind {
                    let exists_here = self.scopes.last().is_some_and(|s| s.contains_key(n.as_str()));
                    if !exists_here {
                        self.define(n, ev);
                        continue;
                    }
                }
            self.assign_target(l, Some(ev), false);
        }
        if let (Some(site), Some(Expr { kind: ExprKind::Ident(n), .. })) = (ok_of, lhs.get(1))
            && let Some(id) = self.lookup(n).map(|v| v.id)
        {
            self.ok_vars.insert(id, site);
        }
        if lhs.len() == rhs.len() {
            for (l, r) in lhs.iter().zip(rhs) {
                if is_binary_semaphore(r)
                    && let Some(p) = self.eval_quiet_path(l)
                {
                    self.semaphores.insert(p);
                }
            }
        }
    }

    /// Declare a new local bound to `ev`: map, struct and pointer values that name shared
    /// state keep their path (the local aliases it); fresh values get a path of their own.
    pub(super) fn define(&mut self, name: &str, ev: Ev<'p>) {
        let val = match ev.val {
            Val::Path(p, via) if ev.ty.is_trackable() || matches!(ev.ty, Type::Unknown) => Val::Path(p, via),
            Val::Func(f) => Val::Func(f),
            _ => {
                let id = self.fresh_id();
                Val::Path(Path::new(Root::Local(id)), Via::Direct)
            }
        };
        let locked = !self.flow.locks.is_empty();
        let id = self.declare(name, ev.ty.clone(), val, ev.origin.clone(), ev.param);
        if let Some(v) = self.lookup_mut(name) {
            v.fresh = ev.fresh && v.id == id;
            v.typed = ev.typed.clone();
            // A field of a local struct (`m := &Manager{}` shared with `go m.Run()`) is as
            // shared as one of a parameter's: `actual := m.targets` copies it too.
            v.snapshot = locked && matches!(&v.val, Val::Path(p, _) if !p.is_function_local() || !p.steps.is_empty());
        }
        if let Some(stored) = &ev.stored {
            let dest = Path::new(Root::Local(id));
            for (k, value) in stored.iter() {
                self.local_stores.entry(value.clone()).or_default().push((dest.child(Step::Key(k.clone())), None));
            }
        }
    }

    /// Assign to an lvalue. `rmw`: the old value is read too (`+=`, `++`).
    pub(super) fn assign_target(&mut self, l: &'p Expr, ev: Option<Ev<'p>>, rmw: bool) {
        let ev = ev.unwrap_or_else(Ev::unknown);
        match &l.kind {
            ExprKind::Ident(n) if n == "_" => {}
            ExprKind::Ident(n) => {
                self.forget_cond_locks(n);
                let Some(var) = self.lookup(n).cloned() else {
                    self.publish_local(&ev);
                    // A package-level variable.
                    if let Some(g) = self.an.prog.packages[self.pkg as usize].vars.get(n.as_str())
                        && self.an.prog.underlying(&g.ty).is_map() {
                            let p = Path::new(Root::Global(self.pkg, Rc::from(n.as_str())));
                            let gty = g.ty.clone();
                            self.access(p, AccessKind::Reassign, KeyText::Unknown, l.span, l, &Ev::of_type(gty));
                        }
                    return;
                };
                let owns_storage = matches!(&var.val, Val::Path(p, _) if p.local() == Some(var.id));
                if owns_storage {
                    let is_map = self.an.prog.underlying(&var.ty).is_map();
                    if is_map {
                        let p = Path::new(Root::Local(var.id));
                        self.access(p, AccessKind::Reassign, KeyText::Unknown, l.span, l, &Ev::of_type(var.ty.clone()));
                    }
                    // `pending = make(map...)` after handing the old map to a goroutine: from
                    // here on the variable names another map. (Not in a goroutine sharing the
                    // variable with its parent: there the variable itself is what both touch.)
                    // So does a pointer local set to a fresh object or to nil after handing its
                    // object over (`go runReorg(dirty); dirty = nil`, later `dirty = req`):
                    // what it points to from here on is not what the goroutine got.
                    let is_pointer = matches!(var.ty, Type::Pointer(_));
                    let nil = ev.konst.as_deref() == Some("nil");
                    let replaced = (is_map && ev.fresh) || (is_pointer && (ev.fresh || nil));
                    let renamed = (replaced && var.owner == self.thread).then(|| {
                        let id = self.fresh_id();
                        let scope = self.local_scope.get(&var.id).copied().unwrap_or(0);
                        self.local_scope.insert(id, scope);
                        // In a loop, after starting a goroutine on this iteration's path: each
                        // goroutine got the map of its own iteration (a batcher's flushes).
                        if self.loop_depth > 0
                            && self.loop_spawn_marks.last().is_some_and(|m| self.flow.spawned.len() > *m)
                            && let Some(&loop_scope) = self.instance_scopes.last()
                        {
                            self.local_scope.insert(var.id, loop_scope);
                        }
                        id
                    });
                    if let Some(v) = self.lookup_mut(n) {
                        v.origin = ev.origin.clone();
                        v.fresh = ev.fresh;
                        if let Some(id) = renamed {
                            v.id = id;
                            v.val = Val::Path(Path::new(Root::Local(id)), Via::Direct);
                        }
                    }
                } else if let Some(v) = self.lookup_mut(n) {
                    // An alias local rebinds to another shared path; assigned a fresh map it
                    // keeps naming the shared one, because the lazy-init idiom
                    // (`inner = make(...); m[k] = inner`) puts it right back there.
                    match ev.val {
                        Val::Path(p, via) => v.val = Val::Path(p, via),
                        Val::Func(f) => v.val = Val::Func(f),
                        Val::Unknown => {}
                    }
                    v.origin = ev.origin.clone();
                    v.fresh = ev.fresh;
                }
            }
            ExprKind::Selector(x, f) => {
                if let ExprKind::Ident(n) = &x.kind
                    && let Some(v) = self.lookup_mut(n)
                        && let Some(o) = &mut v.origin {
                            o.modified = true;
                        }
                if let Some(g) = self.package_member(x, f) {
                    if let Some((p, ty)) = g
                        && self.an.prog.underlying(&ty).is_map() {
                            self.access(p, AccessKind::Reassign, KeyText::Unknown, l.span, l, &Ev::of_type(ty));
                        }
                    return;
                }
                let base = self.eval(x);
                if base.path().is_some_and(|p| !matches!(p.root, Root::Local(_))) {
                    self.publish_local(&ev);
                }
                // `o.m = ...` on a struct the function received by value (a value receiver or
                // parameter) sets a field of its own copy.
                let own_copy = base.path().is_some_and(|p| matches!(p.root, Root::Recv | Root::Param(_)) && p.steps.is_empty())
                    && matches!(base.ty, Type::Named(_))
                    && matches!(self.an.prog.underlying(&base.ty), Type::Struct(_));
                if own_copy {
                    // From here to the end of the block, the copy's field names what was
                    // assigned (`opts.headers = maps.Clone(opts.headers)`: its own map).
                    if let Some((_, ty)) = self.field_of(&base, f)
                        && self.an.prog.underlying(&ty).is_map()
                        && let Some(root) = base.path().map(|p| p.root.clone())
                    {
                        let name = own_field_name(&root, f);
                        self.define(&name, Ev { ty, ..ev });
                        self.bound_own_field = true;
                    }
                    return;
                }
                if let Some((p, ty)) = self.field_of(&base, f) {
                    if self.an.prog.underlying(&ty).is_map() {
                        let fev = Ev { val: Val::Path(p.clone(), via_of(&base)), ty, ..Ev::unknown() };
                        self.access(p.clone(), AccessKind::Reassign, KeyText::Unknown, l.span, l, &fev);
                        self.detach_aliases(&p);
                    } else if let Some(bp) = base.path() {
                        // A field write on a value reached through a map (`m[k].n = 1`), through
                        // a pointer: a struct held by value is a copy (`cp := *entry`, `v :=
                        // m[k]` of a struct-valued map) and writing it touches no shared memory.
                        let by_value = matches!(base.ty, Type::Named(_) | Type::Struct(_)) && matches!(self.an.prog.underlying(&base.ty), Type::Struct(_));
                        if !by_value && bp.steps.last().is_some_and(|s| matches!(s, Step::Key(_))) {
                            let container = bp.parent();
                            self.access(container, AccessKind::FieldWrite, KeyText::Unknown, l.span, x, &base);
                        }
                    }
                }
            }
            ExprKind::Index(m, k) => {
                let mev = self.eval(m);
                let kev = self.eval(k);
                if !self.an.prog.underlying(&mev.ty).is_map() {
                    return;
                }
                let Some(p) = mev.path().cloned() else { return };
                let key = self.key_text(k, &kev);
                if rmw {
                    self.access(p.clone(), AccessKind::Read, key.clone(), l.span, m, &mev);
                }
                let idx = self.access(p.clone(), AccessKind::Write, key, l.span, m, &mev);
                if let Some(i) = idx {
                    let a = &mut self.sum.accesses[i];
                    a.fresh_value = ev.fresh;
                    a.value_from = if rmw { None } else { ev.origin.clone().map(Rc::new) };
                    a.value_param = ev.param.filter(|p| *p != u16::MAX);
                    self.after_write(i);
                }
                // One map value stored into map slots (MR003's aliasing). The slot is also
                // named by type (`Router.routes["GET"]`) so that methods see it.
                if let Val::Path(v, _) = &ev.val
                    && self.an.prog.underlying(&ev.ty).is_map() {
                        let slot = p.child(Step::Key(key_abs(k)));
                        let typed = self.type_rooted(m).map(|t| t.child(Step::Key(key_abs(k))));
                        self.local_stores.entry(v.clone()).or_default().push((slot, typed));
                    }
            }
            ExprKind::Unary(UnaryOp::Deref, x) => {
                self.eval(x);
            }
            _ => {
                self.eval(l);
            }
        }
    }

    /// `m := s.items; s.items = make(...)`: the locals that held the old map now own it
    /// alone (the swap idiom), so their accesses no longer name `s.items`.
    pub(super) fn detach_aliases(&mut self, p: &Path) {
        let mut fresh = Vec::new();
        for scope in &self.scopes {
            for (name, v) in scope {
                if matches!(&v.val, Val::Path(q, _) if q == p) {
                    fresh.push(name.clone());
                }
            }
        }
        for name in fresh {
            let id = self.fresh_id();
            let scope = *self.instance_scopes.last().unwrap_or(&0);
            self.local_scope.insert(id, scope);
            if let Some(v) = self.lookup_mut(&name) {
                v.id = id;
                v.val = Val::Path(Path::new(Root::Local(id)), Via::Direct);
                v.typed = None;
            }
        }
    }

    pub(super) fn expr_stmt(&mut self, e: &'p Expr) {
        if let ExprKind::Call { func, args } = &e.kind
            && is_noreturn(func) {
                for a in args {
                    self.eval(a);
                }
                self.flow.live = false;
                return;
            }
        self.eval(e);
        self.waiter_protocol(e);
    }

    /// A waiter of another package whose methods the analysis cannot see (a closer, a
    /// countdown): `c.Done()` as a statement (also deferred) releases it, `c.Wait()` and
    /// `c.SignalAndWait()` wait for those releases: sync.WaitGroup's protocol, by name.
    /// `ctx.Done()` is an expression, never a statement, so it is not taken for one.
    fn waiter_protocol(&mut self, e: &Expr) {
        let ExprKind::Call { func, args } = &e.kind else { return };
        let ExprKind::Selector(recv, name) = &func.kind else { return };
        if !args.is_empty() || !matches!(name.as_str(), "Done" | "Wait" | "SignalAndWait") || self.qualifier_path(recv).is_some() {
            return;
        }
        // Only where nothing else says what the method does: not a module type's method, not
        // a modelled primitive.
        let ty = self.static_type(recv).unwrap_or(Type::Unknown);
        if self.an.prog.method(&ty, name).is_some() || self.an.prog.named_of(&ty).is_some() {
            return;
        }
        let Some(p) = self.quiet_field_path(recv) else { return };
        self.tick();
        let obj = SyncObj::Object(Rc::new(p.child(Step::Field(Rc::from("(waiter)")))));
        if name.as_str() == "Done" {
            self.release(obj);
        } else {
            self.acquire(obj);
        }
    }

    /// A map, or a struct (or pointer to one) with a map field.
    fn holds_map(&self, ty: &Type) -> bool {
        let prog = self.an.prog;
        let ty = match prog.underlying(ty) {
            Type::Pointer(t) => prog.underlying(&t),
            t => t,
        };
        match ty {
            Type::Map(..) => true,
            Type::Struct(fields) => fields.iter().any(|f| prog.underlying(&f.ty).is_map()),
            _ => false,
        }
    }
}
