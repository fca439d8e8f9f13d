//! Library calls: the effects the library models (`analysis/models.rs`) give calls of sync
//! primitives, `sync.Map`, package functions of the standard library and well-known
//! packages, and `Lock`/`Unlock` on any receiver. The models say what a call does; this file
//! says what each effect does to the walk's state.

use super::*;

impl<'a, 'p> Walk<'a, 'p> {
    /// sync primitives, sync.Map, WaitGroup/errgroup, Once, testing.T, net/http, time.
    /// The import path `recv` names when it is a package qualifier (`http` in `http.Get`).
    pub(super) fn qualifier_path(&self, recv: &Expr) -> Option<String> {
        match &recv.kind {
            ExprKind::Ident(pkg) if self.lookup(pkg).is_none() => self.an.prog.import_path(self.file, pkg).map(str::to_string),
            _ => None,
        }
    }

    /// Methods of sync primitives (`mu.Lock`, `wg.Wait`, `once.Do`, `m.Load`, `t.Run`) on an
    /// already evaluated receiver.
    pub(super) fn sync_method(&mut self, e: &'p Expr, recv: &'p Expr, rev: &Ev<'p>, name: &str, args: &'p [Expr]) -> Option<Ev<'p>> {
        let (prefix, target) = self.an.prog.method(&rev.ty, name)?;
        let MethodTarget::Sync(kind) = target else { return None };
        let class = self.lock_class(recv, &prefix);
        let mut obj = rev.path()?.clone();
        for f in prefix {
            obj = obj.child(Step::Field(Rc::from(f.as_str())));
        }
        let site = self.site(e.span);
        // A mutex held by pointer (`mu *sync.Mutex`, set to another object's mutex).
        let by_pointer = self.is_mutex_pointer(&rev.ty);
        let effect = models::method(kind, name).map_or(Effect::Inert, |m| m.effect);
        match effect {
            Effect::Lock { read } => {
                let mode = if read { Mode::Read } else { Mode::Write };
                if by_pointer {
                    self.lock_aliasable(obj, mode, site, class)
                } else {
                    self.lock(obj, mode, site, class)
                }
            }
            Effect::Unlock => self.unlock(&obj),
            Effect::Release => {
                self.tick();
                self.release(SyncObj::Object(Rc::new(obj)));
            }
            Effect::Wait => {
                self.tick();
                self.acquire(SyncObj::Object(Rc::new(obj)));
            }
            Effect::AtomicLoad => return Some(Ev { observes: Some((Rc::new(obj), true)), ..Ev::unknown() }),
            Effect::GoInGroup { arg } => {
                let f = args.get(arg)?;
                self.spawn_value(f, site, Some(SyncObj::Object(Rc::new(obj))));
            }
            Effect::OnceDo => {
                // The body runs once, before every `Do` returns: a lock for exclusion (its
                // accesses are never paired, `l.once`), and no ordering edge. Only the call that
                // runs the body synchronises with the others' returns, and which call that is
                // is not known: a release at every `Do` ordered each goroutine's accesses before
                // its `Do` with every other goroutine's after theirs (a logging package's
                // `once.Do(createLogDirs)` on every log call hid a real race between a balance
                // loop and the methods it raced with).
                let f = args.first()?;
                self.lock(obj.clone(), Mode::Write, site, None);
                if let Some(l) = self.flow.locks.last_mut() {
                    l.once = true;
                }
                self.call_value(f, Vec::new());
                self.unlock(&obj);
            }
            Effect::SyncMap(op) => return Some(self.sync_map_call(e, obj, op, args)),
            Effect::SubTest => {
                let f = args.get(1)?;
                for a in &args[..1] {
                    self.eval(a);
                }
                let parallel = match &f.kind {
                    ExprKind::FuncLit(body) => body.body.as_ref().is_some_and(|b| calls_parallel(b)),
                    _ => false,
                };
                if parallel {
                    // Parallel subtests start when the parent test function returns.
                    let end = SyncObj::ParentEnd(self.site(Span::default()));
                    self.tick();
                    self.releases.push((self.thread, u32::MAX, end.clone()));
                    if let ExprKind::FuncLit(body) = &f.kind {
                        let multi = true;
                        self.an.facts.spawn_labels.insert(site, "parallel subtests started at");
                        self.run_closure(body, vec![Ev::of_type(rev.ty.clone())], Some((site, multi, end, None)));
                    }
                } else {
                    self.call_value(f, vec![Ev::of_type(rev.ty.clone())]);
                }
            }
            Effect::Handler { arg } => {
                for a in &args[..arg.min(args.len())] {
                    self.eval(a);
                }
                let h = args.get(arg)?;
                self.spawn_handler(h, site);
            }
            _ => {
                for a in args {
                    self.eval(a);
                }
            }
        }
        Some(Ev::unknown())
    }

    /// A package function the library models know (`analysis/models.rs`): spawns, handler
    /// and RPC registration, map reads through printing and encoding, constructors of
    /// primitives, `maps`.
    pub(super) fn stdlib_call(&mut self, e: &'p Expr, path: &str, name: &str, args: &'p [Expr]) -> Option<Ev<'p>> {
        let site = self.site(e.span);
        match models::function(path, name, args.len())? {
            Effect::Go { arg } => {
                for a in &args[..arg.min(args.len())] {
                    self.eval(a);
                }
                self.spawn_value(args.get(arg)?, site, None);
                Some(Ev::unknown())
            }
            Effect::Handler { arg } => {
                for a in &args[..arg.min(args.len())] {
                    self.eval(a);
                }
                self.spawn_handler(args.get(arg)?, site);
                Some(Ev::unknown())
            }
            // RPC servers: the framework calls the registered value's exported methods per
            // request, concurrently.
            Effect::RegisterRpc => {
                let evs: Vec<Ev<'p>> = args.iter().map(|a| self.eval(a)).collect();
                if let Some(t) = evs.last().and_then(|ev| self.an.prog.named_of(&ev.ty)) {
                    self.an.facts.registered.insert(t);
                }
                Some(Ev::unknown())
            }
            // Printing and encoding read every entry of a map handed to them: a range.
            Effect::ReadsMapArguments => {
                let evs: Vec<Ev<'p>> = args.iter().map(|a| self.eval(a)).collect();
                for (a, ev) in args.iter().zip(&evs) {
                    if let Some(path) = ev.path()
                        && self.an.prog.underlying(&ev.ty).is_map()
                    {
                        self.access(path.clone(), AccessKind::Range, KeyText::Unknown, a.span, a, ev);
                    }
                }
                Some(Ev::of_type(Type::Opaque))
            }
            Effect::HandlerConversion if args.len() == 1 => Some(self.eval(&args[0])),
            // A fresh primitive, so that `g, ctx := errgroup.WithContext(ctx); g.Go(f)` spawns
            // like a declared `var g errgroup.Group`.
            Effect::New(kind) => {
                for a in args {
                    self.eval(a);
                }
                Some(Ev { fresh: true, ..Ev::of_type(Type::Pointer(Box::new(Type::Sync(kind)))) })
            }
            effect @ (Effect::MapsClone | Effect::MapsCopy) => {
                let copy = effect == Effect::MapsCopy;
                let evs: Vec<Ev<'p>> = args.iter().map(|a| self.eval(a)).collect();
                for (a, ev) in args.iter().zip(&evs).take(if copy { 2 } else { 1 }).skip(if copy { 1 } else { 0 }) {
                    if let Some(p) = ev.path() {
                        self.access(p.clone(), AccessKind::Range, KeyText::Unknown, a.span, a, ev);
                    }
                }
                if copy
                    && let Some(ev) = evs.first()
                        && let Some(p) = ev.path() {
                            self.access(p.clone(), AccessKind::Write, KeyText::Unknown, args[0].span, &args[0], ev);
                        }
                let ty = evs.first().map(|e| e.ty.clone()).unwrap_or(Type::Unknown);
                if !copy {
                    // A map of this call's own: `opts = maps.Clone(opts)` rebinds `opts` to it,
                    // so what follows writes the copy, not the map the caller may share.
                    let id = self.fresh_id();
                    self.local_scope.insert(id, *self.instance_scopes.last().unwrap_or(&0));
                    return Some(Ev { val: Val::Path(Path::new(Root::Local(id)), Via::Direct), fresh: true, ..Ev::of_type(ty) });
                }
                Some(Ev::of_type(ty))
            }
            Effect::RangesFirstArgument => {
                let ev = self.eval(args.first()?);
                if let Some(p) = ev.path() {
                    self.access(p.clone(), AccessKind::Range, KeyText::Unknown, args[0].span, &args[0], &ev);
                }
                Some(Ev::unknown())
            }
            _ => None,
        }
    }

    /// `http.HandleFunc(p, f)` / `mux.Handle(p, h)`: the handler runs per request, in parallel
    /// with itself. For a `Handler` value, its `ServeHTTP` method is the entry.
    pub(super) fn spawn_handler(&mut self, h: &'p Expr, site: Site) {
        self.an.facts.spawn_labels.insert(site, "HTTP handlers registered at");
        let ev = match &h.kind {
            ExprKind::FuncLit(body) => Ev { val: Val::Func(FuncTarget::Closure(body)), ..Ev::unknown() },
            _ => self.eval(h),
        };
        let target = match ev.val {
            Val::Func(t) => Some(t),
            Val::Path(p, _) => self
                .an
                .prog
                .method(&ev.ty, models::HTTP_HANDLER_METHOD)
                .and_then(|(_, t)| match t {
                    MethodTarget::Func(id) => Some(FuncTarget::Func(id, Some(p))),
                    MethodTarget::Sync(_) => None,
                }),
            Val::Unknown => None,
        };
        if let Some(t) = target {
            self.tick();
            self.release(SyncObj::Spawn(site));
            self.run_target(t, vec![Ev::unknown(), Ev::unknown()], Some((site, true, SyncObj::Spawn(site), None)), h.span);
        }
    }

    /// Start the function value `f` as a goroutine that releases `end` when it returns.
    pub(super) fn spawn_value(&mut self, f: &'p Expr, site: Site, end: Option<SyncObj>) {
        let ev = match &f.kind {
            ExprKind::FuncLit(body) => Ev { val: Val::Func(FuncTarget::Closure(body)), ..Ev::unknown() },
            _ => self.eval(f),
        };
        if let Val::Func(t) = ev.val {
            self.tick();
            self.release(SyncObj::Spawn(site));
            let multi = self.loop_depth > 0;
            self.run_target(t, Vec::new(), Some((site, multi, SyncObj::Spawn(site), end)), f.span);
        }
    }

    pub(super) fn call_value(&mut self, f: &'p Expr, args: Vec<Ev<'p>>) {
        let ev = match &f.kind {
            ExprKind::FuncLit(body) => Ev { val: Val::Func(FuncTarget::Closure(body)), ..Ev::unknown() },
            _ => self.eval(f),
        };
        if let Val::Func(t) = ev.val {
            self.run_target(t, args, None, f.span);
        }
    }

    pub(super) fn sync_map_call(&mut self, e: &'p Expr, obj: Path, op: SyncMapOp, args: &'p [Expr]) -> Ev<'p> {
        let evs: Vec<Ev<'p>> = args.iter().map(|a| self.eval(a)).collect();
        let key = match (args.first(), evs.first()) {
            (Some(k), Some(kev)) => self.key_text(k, kev),
            _ => KeyText::Unknown,
        };
        let site = self.site(e.span);
        match op {
            SyncMapOp::Load => {
                let sections = self.flow.locks.iter().map(|l| l.section).collect();
                self.syncmap_loads.push(SyncMapLoad { map: obj.clone(), key: key.clone(), site, sections, value_unused: false });
                let origin = Some(ReadOrigin { path: obj.clone(), key, sections: Vec::new(), site, checked: false, modified: false });
                let v = Path::new(Root::SyncValue(Rc::new(obj)));
                Ev { val: Val::Path(v, Via::Direct), ty: Type::Unknown, origin, ..Ev::unknown() }
            }
            SyncMapOp::Store | SyncMapOp::Delete => {
                let load = self
                    .syncmap_loads
                    .iter()
                    .rev()
                    .find(|l| l.map.may_alias(&obj) && l.key.same_as(&key))
                    // Load and Store inside one critical section of an outer lock are atomic.
                    .filter(|l| !self.flow.locks.iter().any(|h| l.sections.contains(&h.section)))
                    .map(|l| (l.site, op == SyncMapOp::Delete && l.value_unused));
                if let Some((load_site, presence_only)) = load {
                    let shown = match &e.kind {
                        ExprKind::Call { func, .. } => match &func.kind {
                            ExprKind::Selector(r, _) => expr_text(r),
                            _ => expr_text(func),
                        },
                        _ => expr_text(e),
                    };
                    let recomputed = op == SyncMapOp::Store
                        && evs.get(1).is_some_and(|v| !v.fresh && !v.origin.as_ref().is_some_and(|o| o.path.may_alias(&obj) && o.key.same_as(&key)));
                    self.an.facts.syncmap.push(SyncMapFact {
                        site,
                        related: load_site,
                        shown: Rc::from(shown),
                        form: if op == SyncMapOp::Store { SyncMapForm::LoadThenStore } else { SyncMapForm::LoadThenDelete },
                        recomputed,
                        presence_only,
                        func: self.func,
                        map: obj.clone(),
                    });
                }
                Ev::unknown()
            }
            SyncMapOp::Atomic => {
                // The code arbitrated through an atomic operation: a Store that follows is a
                // deliberate overwrite of what it won, not a check-then-act on the Load.
                self.syncmap_loads.retain(|l| !(l.map.may_alias(&obj) && l.key.same_as(&key)));
                let v = Path::new(Root::SyncValue(Rc::new(obj)));
                Ev { val: Val::Path(v, Via::Direct), ..Ev::unknown() }
            }
            SyncMapOp::Range => {
                if let Some(ExprKind::FuncLit(body)) = args.first().map(|a| &a.kind) {
                    let v = Path::new(Root::SyncValue(Rc::new(obj)));
                    let vev = Ev { val: Val::Path(v, Via::Direct), ..Ev::unknown() };
                    self.run_closure(body, vec![Ev::unknown(), vev], None);
                }
                Ev::unknown()
            }
            SyncMapOp::Clear => Ev::unknown(),
        }
    }

    /// `x.Lock()` on a value that is no sync primitive (a mutex wrapper type, a
    /// `sync.Locker`, `cond.L`): whatever the method does, it is a lock. When the call showed
    /// no effect of its own on the locks held (a callee that locks a mutex field already did),
    /// the receiver itself is taken and released as the lock.
    pub(super) fn any_locker(&mut self, e: &Expr, lock: Path, recv: &Expr, name: &str, before: &[Path]) {
        let Some(mode) = lock_mode(name) else { return };
        let unchanged = self.flow.locks.len() == before.len() && self.flow.locks.iter().all(|l| before.contains(&l.lock));
        if !unchanged {
            return;
        }
        match mode {
            Some(mode) => {
                let site = self.site(e.span);
                let class = self.lock_class(recv, &[]);
                // A Locker interface value can be any lock.
                if self.static_type(recv).is_none_or(|t| matches!(self.an.prog.underlying(&t), Type::Unknown | Type::Opaque)) {
                    self.lock_aliasable(lock, mode, site, class);
                } else {
                    self.lock(lock, mode, site, class);
                }
            }
            None => self.unlock(&lock),
        }
    }

    /// An interface with `Add`, `Done` and `Wait` (a wrapper package's `sync.WaitGroup` that
    /// logs slow waits): `Done` releases and `Wait` acquires the value, as on a WaitGroup,
    /// whichever implementation is behind it.
    pub(super) fn is_wait_group_interface(&self, ty: &Type) -> bool {
        let prog = self.an.prog;
        prog.named_of(ty).is_some_and(|id| prog.interface_methods.contains_key(&id)) && prog.has_methods(ty, &["Add", "Done", "Wait"])
    }

    /// `*sync.Mutex` / `*sync.RWMutex`: a mutex this value does not own.
    fn is_mutex_pointer(&self, ty: &Type) -> bool {
        matches!(ty, Type::Pointer(t) if matches!(**t, Type::Sync(SyncKind::Mutex | SyncKind::RWMutex)))
    }
}

/// What a method of this name does to a lock on any receiver (`models::lock_method`):
/// `Some(Some(mode))` acquires, `Some(None)` releases, `None` is no lock method.
pub(super) fn lock_mode(name: &str) -> Option<Option<Mode>> {
    models::lock_method(name).map(|m| m.map(|read| if read { Mode::Read } else { Mode::Write }))
}
