//! Calls: builtins, the user's configured APIs, and callee summaries instantiated at the
//! call site. What library calls do is applied in `library.rs`.

use super::*;
use super::library::lock_mode;

impl<'a, 'p> Walk<'a, 'p> {
    // ----- calls ---------------------------------------------------------------------

    pub(super) fn call(&mut self, e: &'p Expr, func: &'p Expr, args: &'p [Expr]) -> Ev<'p> {
        let swapped = self.direct_swap(e);
        let mut ev = self.call_inner(e, func, args);
        if swapped.is_some() {
            ev.swapped = swapped;
        }
        // `if x.Swap(true) { return }`: true where the swap lost.
        if ev.swap_won.is_none() {
            ev.swap_won = Self::swap_won(ev.swapped.as_ref(), None, true);
        }
        ev
    }

    fn call_inner(&mut self, e: &'p Expr, func: &'p Expr, args: &'p [Expr]) -> Ev<'p> {
        // Builtins and conversions.
        if let ExprKind::Ident(name) = &func.kind
            && self.lookup(name).is_none() && !self.an.prog.packages[self.pkg as usize].funcs.contains_key(name.as_str())
                && let Some(ev) = self.builtin(name, e, args) {
                    return ev;
                }
        if let ExprKind::Type(te) = &func.kind {
            for a in args {
                self.eval(a);
            }
            return Ev::of_type(self.an.prog.resolve(self.file, te));
        }
        // A lock wrapper from the user's config runs the function values it is given under
        // a lock of its own: one lock per wrapper, whichever instance it is called on.
        let (wrapper_recv, wrapper_name) = match &func.kind {
            ExprKind::Selector(recv, name) => (Some(&**recv), name.as_str()),
            ExprKind::Ident(name) => (None, name.as_str()),
            _ => (None, ""),
        };
        if let Some(wrapper) = self.an.lock_wrapper(wrapper_recv, wrapper_name) {
            let lock = Path::new(Root::Global(PkgId::MAX, Rc::from(format!("{wrapper} (lock wrapper)"))));
            if let Some(recv) = wrapper_recv {
                self.eval(recv);
            }
            let site = self.site(e.span);
            self.lock(lock.clone(), Mode::Write, site, None);
            for a in args {
                match &a.kind {
                    ExprKind::FuncLit(_) => self.call_value(a, Vec::new()),
                    _ => {
                        let ev = self.eval(a);
                        if let Val::Func(t) = ev.val {
                            self.run_target(t, Vec::new(), None, a.span);
                        }
                    }
                }
            }
            self.unlock(&lock);
            return Ev::unknown();
        }
        // Package functions of the standard library, methods of sync primitives, known
        // concurrent APIs. The receiver is evaluated once, here, and its method resolved from
        // that value.
        let mut resolved = None;
        // A lock method of a value that is no sync primitive: (receiver, its expression, the
        // method, the locks held before the call).
        let mut lock_call: Option<(Path, &Expr, &str, Vec<Path>)> = None;
        // `wg.Wait()` / `wg.Done()` on an interface shaped like a WaitGroup: (receiver, wait).
        let mut group_call: Option<(Path, bool)> = None;
        if let ExprKind::Selector(recv, name) = &func.kind {
            let rev = match self.qualifier_path(recv) {
                Some(path) => {
                    if let Some(ev) = self.stdlib_call(e, &path, name, args) {
                        return ev;
                    }
                    None
                }
                None => {
                    let rev = self.eval(recv);
                    if let Some(ev) = self.sync_method(e, recv, &rev, name, args) {
                        return ev;
                    }
                    Some(rev)
                }
            };
            if self.an.is_configured_concurrent(recv, name) {
                // The user's config says this API runs the functions it is given
                // concurrently (a library's ForEach, a framework's callback).
                for a in args {
                    match &a.kind {
                        ExprKind::FuncLit(_) | ExprKind::Ident(_) | ExprKind::Selector(..) => {
                            let before = self.sum.accesses.len();
                            let multi_site = self.site(a.span);
                            self.spawn_value(a, multi_site, None);
                            for acc in &mut self.sum.accesses[before..] {
                                if let Thread::Spawned { multi, .. } = &mut acc.thread {
                                    *multi = true;
                                }
                            }
                        }
                        _ => {
                            self.eval(a);
                        }
                    }
                }
                return Ev::unknown();
            }
            if let Some(rev) = rev {
                if args.is_empty() && lock_mode(name).is_some() {
                    lock_call = rev.path().map(|p| (p.clone(), &**recv, name.as_str(), self.flow.locks.iter().map(|l| l.lock.clone()).collect()));
                }
                if args.is_empty() && matches!(name.as_str(), "Wait" | "Done") && self.is_wait_group_interface(&rev.ty) {
                    group_call = rev.path().map(|p| (p.clone(), name.as_str() == "Wait"));
                }
                resolved = Some(match self.select(rev, name).val {
                    Val::Func(t) => Some(t),
                    _ => None,
                });
            }
        }
        let target = match resolved {
            Some(t) => t,
            None => self.callee(func),
        };
        let ev = self.call_target(e, target, args);
        if let Some((lock, recv, name, before)) = lock_call {
            self.any_locker(e, lock, recv, name, &before);
        }
        if let Some((group, wait)) = group_call {
            self.tick();
            let obj = SyncObj::Object(Rc::new(group));
            if wait { self.acquire(obj) } else { self.release(obj) }
        }
        ev
    }

    fn call_target(&mut self, e: &'p Expr, target: Option<FuncTarget<'p>>, args: &'p [Expr]) -> Ev<'p> {
        let arg_evs = self.eval_args(args);
        match target {
            Some(t) => {
                let arg_origin = arg_evs.iter().find_map(|e| e.origin.clone());
                let results = self.run_target(t.clone(), arg_evs, None, e.span);
                let mut ev = results.into_iter().next().unwrap_or_else(Ev::unknown);
                if ev.origin.is_none() && matches!(t, FuncTarget::Param(_)) {
                    // A function value's result is computed from its arguments.
                    ev.origin = arg_origin.map(|o| ReadOrigin { modified: true, ..o });
                }
                if let (FuncTarget::Func(id, _), Type::Unknown) = (&t, &ev.ty) {
                    ev.ty = self.an.prog.funcs[*id as usize].results.first().cloned().unwrap_or(Type::Unknown);
                }
                // A method that swaps in its parameter stores what this call passes.
                if let Some((var, SwapValue::Param(i))) = &ev.swapped {
                    let value = args.get(*i as usize).and_then(|a| self.swap_value(a));
                    ev.swapped = value.map(|v| (var.clone(), v));
                }
                ev
            }
            None => {
                // An unknown callee: function literals handed to it are taken as called here
                // (callbacks such as sort.Slice, strings.Map); its result is taken to be
                // computed from its arguments.
                let origin = arg_evs.iter().find_map(|e| e.origin.clone());
                for ev in arg_evs {
                    if let Val::Func(FuncTarget::Closure(body)) = ev.val {
                        self.run_closure(body, Vec::new(), None);
                    }
                }
                Ev { origin, ..Ev::unknown() }
            }
        }
    }

    pub(super) fn builtin(&mut self, name: &str, e: &'p Expr, args: &'p [Expr]) -> Option<Ev<'p>> {
        match name {
            "len" | "cap" => {
                let ev = self.eval(args.first()?);
                if name == "len" && self.an.prog.underlying(&ev.ty).is_map()
                    && let Some(p) = ev.path() {
                        self.access(p.clone(), AccessKind::Len, KeyText::Unknown, e.span, &args[0], &ev);
                    }
                Some(Ev::of_type(Type::Opaque))
            }
            "delete" => {
                let ev = self.eval(args.first()?);
                let key = args.get(1).map(|k| {
                    let kev = self.eval(k);
                    self.key_text(k, &kev)
                });
                if let Some(p) = ev.path()
                    && self.an.prog.underlying(&ev.ty).is_map() {
                        self.access(p.clone(), AccessKind::Delete, key.unwrap_or(KeyText::Unknown), e.span, &args[0], &ev);
                    }
                Some(Ev::unknown())
            }
            "clear" => {
                let ev = self.eval(args.first()?);
                if let Some(p) = ev.path()
                    && self.an.prog.underlying(&ev.ty).is_map() {
                        self.access(p.clone(), AccessKind::Clear, KeyText::Unknown, e.span, &args[0], &ev);
                    }
                Some(Ev::unknown())
            }
            "make" | "new" => {
                let ty = match args.first().map(|a| &a.kind) {
                    Some(ExprKind::Type(te)) => self.an.prog.resolve(self.file, te),
                    Some(ExprKind::Ident(n)) => self.an.prog.resolve(self.file, &TypeExpr::Name(n.clone())),
                    Some(ExprKind::Selector(p, n)) => match &p.kind {
                        ExprKind::Ident(pk) => self.an.prog.resolve(self.file, &TypeExpr::Qualified(pk.clone(), n.clone())),
                        _ => Type::Unknown,
                    },
                    _ => Type::Unknown,
                };
                for a in args.iter().skip(1) {
                    self.eval(a);
                }
                let ty = if name == "new" { Type::Pointer(Box::new(ty)) } else { ty };
                let fresh = name == "new" || self.an.prog.underlying(&ty).is_map();
                Some(Ev { fresh, ..Ev::of_type(ty) })
            }
            "append" => {
                let mut evs: Vec<Ev<'p>> = args.iter().map(|a| self.eval(a)).collect();
                if evs.is_empty() {
                    return Some(Ev::unknown());
                }
                let first = evs.remove(0);
                let origin = first.origin.clone().or_else(|| evs.iter().find_map(|e| e.origin.clone())).map(|o| ReadOrigin { modified: true, ..o });
                Some(Ev { origin, ..Ev::of_type(first.ty) })
            }
            "panic" | "print" | "println" | "copy" | "min" | "max" | "complex" | "real" | "imag" | "close" => {
                let evs: Vec<Ev<'p>> = args.iter().map(|a| self.eval(a)).collect();
                if models::builtin(name) == Some(Effect::CloseChannel) {
                    self.tick();
                    if let Some(p) = evs.first().and_then(|e| e.path()) {
                        self.release(closed(p));
                    }
                }
                let origin = if matches!(name, "min" | "max") { evs.iter().find_map(|e| e.origin.clone()) } else { None };
                Some(Ev { origin, ..Ev::of_type(Type::Opaque) })
            }
            _ => None,
        }
    }

    /// An access on an object one call made for itself (the instance a constructor returns),
    /// or made by a constructor of the entry walk: another call makes another instance, so
    /// the same goroutine started by two calls does not run twice on one object.
    fn on_own_instance(&self, a: &Access) -> bool {
        matches!(a.path.root, Root::Local(l) if self.call_instances.contains(&l)) || self.constructor_calls.contains(&a.origin)
    }

    /// A call of `id` running in `thread`: one that runs many times at once, or a second
    /// goroutine calling it here, has the callee running twice at once.
    fn note_call(&mut self, id: FuncId, thread: Thread, recv: Option<&Path>) {
        self.an.calls.insert((self.func, id));
        let from_test = self.func.is_some_and(|f| self.an.prog.is_test_file(self.an.prog.funcs[f as usize].file));
        if thread == Thread::Current {
            if !from_test {
                self.an.called_inline.insert(id);
            }
        } else {
            self.an.called_on_goroutine.insert(id);
        }
        // A method called on an object this function made (a local: `c := &conn{}`, a
        // range element) runs on that object; running this function twice makes two.
        let shared = !recv.is_some_and(|r| matches!(r.root, Root::Local(_)));
        if shared {
            self.an.shared_calls.insert((self.func, id));
        }
        let twice = match thread {
            Thread::Spawned { multi: true, .. } => true,
            _ => *self.callee_threads.entry(id).or_insert(thread) != thread,
        };
        // A test that runs the code under test twice at once (parallel subtests, a loop of
        // `go`) usually gives each run its own instance; it shows nothing about how the
        // code's own callers run it (`race` mode runs the test itself).
        let test_drives_code = |an: &Analyzer| {
            let is_test = |f: FuncId| an.prog.is_test_file(an.prog.funcs[f as usize].file);
            self.func.is_some_and(is_test) && !is_test(id)
        };
        if twice && !test_drives_code(self.an) {
            self.an.concurrent_calls.insert(id);
            if shared {
                self.an.shared_concurrent_calls.insert(id);
            }
        }
    }

    /// Count `n` accesses copied from a callee; false once the walk's budget is spent (then
    /// the function is named in the budget report, once).
    fn within_budget(&mut self, n: usize) -> bool {
        use super::super::budget::{MAX_ENTRY_WALK_WORK, MAX_WALK_WORK};
        let budget = if self.func.is_some() { MAX_WALK_WORK } else { MAX_ENTRY_WALK_WORK };
        if self.work > budget {
            return false;
        }
        self.work += n as u64;
        if self.work > budget {
            let name = match self.func {
                Some(f) => {
                    let f = &self.an.prog.funcs[f as usize];
                    format!("{} ({})", f.display, self.an.prog.file_path(f.file).display())
                }
                None => "the entry walk (methods that run concurrently)".to_string(),
            };
            self.an.facts.budgets.walks_cut.push(name);
            return false;
        }
        true
    }

    /// Instantiate a callee's summary here. Returns what the call evaluates to.
    pub(super) fn call_summary(&mut self, id: FuncId, recv: Option<Path>, args: Vec<Ev<'p>>, spawn: Option<(Site, bool, SyncObj, Option<SyncObj>)>, span: Span) -> Vec<Ev<'p>> {
        // What the callee runs under: the caller's locks, unless the call starts a goroutine.
        let held: Vec<(crate::model::TypeId, Rc<str>)> =
            if spawn.is_some() { Vec::new() } else { self.flow.locks.iter().filter(|l| l.mode == Mode::Write).filter_map(|l| l.class.clone()).collect() };
        self.an.note_entry_locks(self.func, id, held);
        let value_recv = self.an.prog.funcs[id as usize].recv.as_ref().is_some_and(|r| !r.pointer);
        let Some(sum) = self.an.summary(id, self.depth + 1) else {
            return Vec::new();
        };
        self.calls += 1;
        let origin = self.calls;
        if let Some(want) = debug_calls()
            && self.func.is_some_and(|f| self.an.prog.funcs[f as usize].display == want)
        {
            let locks: Vec<String> = self.flow.locks.iter().map(|l| format!("{:?}/{:?}", l.lock, l.mode)).collect();
            eprintln!("call #{origin} at line {}: {} holding {:?}; callee accesses {}", span.line, self.an.prog.funcs[id as usize].display, locks, sum.accesses.len());
        }
        let call_pos = self.tick();
        let caller_locks = self.flow.locks.clone();
        let caller_acq = self.flow.acq.clone();
        let caller_thread = self.thread;
        let in_loop = self.loop_depth > 0 || matches!(self.thread, Thread::Spawned { multi: true, .. });
        let mut local_map: HashMap<u32, u32> = HashMap::default();
        // Locals a spawned callee returns belong to each of its instances.
        let scope = if spawn.is_some() { self.fresh_id() } else { *self.instance_scopes.last().unwrap_or(&0) };
        let spawn_scopes: Rc<[u32]> = scope_set(self.instance_scopes.iter().chain([&scope]));
        for r in &sum.returns {
            if let Some(Root::Local(l)) = r.path.as_ref().map(|p| &p.root) {
                let fresh = self.fresh_id();
                local_map.insert(*l, fresh);
                self.local_scope.insert(fresh, scope);
                self.call_instances.insert(fresh);
            }
        }
        // Map fields of structs this function holds by value, set to maps of their own: a
        // callee given the struct's address (`opts.SetRange(...)`) writes those.
        // Scanned only in walks that bound one: every call of every walk passes here.
        let own_fields: Vec<(String, Path)> = if !self.bound_own_field {
            Vec::new()
        } else {
            self.scopes
                .iter()
                .flat_map(|s| s.iter())
                .filter(|(n, _)| n.starts_with('\0'))
                .filter_map(|(n, v)| match &v.val {
                    Val::Path(p, _) => Some((n.to_string(), p.clone())),
                    _ => None,
                })
                .collect()
        };
        let subst = |p: &Path| -> Option<Path> {
            let q = subst_path(p, recv.as_ref(), &args, &local_map)?;
            if !own_fields.is_empty()
                && matches!(q.root, Root::Recv | Root::Param(_))
                && let Some(Step::Field(f)) = q.steps.first()
                && let Some((_, own)) = own_fields.iter().rev().find(|(n, _)| *n == own_field_name(&q.root, f))
            {
                return Some(q.rebase(1, own));
            }
            Some(q)
        };
        let subst_key = |k: &KeyText| -> KeyText {
            match k {
                KeyText::Param(i, _) => args.get(*i as usize).map(|a| a.key.clone()).unwrap_or(KeyText::Unknown),
                other => other.clone(),
            }
        };
        let spawn_info = spawn.as_ref().map(|(s, m, start, _)| (*s, self.spawn_multi(s, *m || in_loop), start.clone()));
        self.note_call(id, spawn_info.as_ref().map(|(s, m, _)| Thread::Spawned { site: *s, multi: *m }).unwrap_or(caller_thread), recv.as_ref());
        let caller_site = match caller_thread {
            Thread::Spawned { site, .. } => Some(site),
            Thread::Current => None,
        };
        let mut new_accesses = Vec::new();
        // Sized for the callee: at most one entry per access (see `Memo::with_capacity`).
        let n = sum.accesses.len();
        let mut substituted_rel = SetMemo::with_capacity(n);
        let mut substituted_acq = SetMemo::with_capacity(n);
        let mut objs = ObjSubst::new(&subst);
        // What every copied access acquired before the call, indexed on first use.
        let mut appended: Option<Appended> = None;
        // The callee's paths, lock sets and scope lists are shared by many of its accesses:
        // each is substituted once per call, and the copies share the result.
        let mut substituted_paths = Memo::with_capacity(n);
        let mut substituted_locks = Memo::default();
        let mut substituted_scopes = Memo::default();
        let mut substituted_sites: rustc_hash::FxHashMap<usize, Rc<AccessSite>> = rustc_hash::FxHashMap::default();
        // Past the walk's budget, calls keep their effects below but copy no accesses.
        let copied = if self.within_budget(sum.accesses.len()) { sum.accesses.as_slice() } else { &[] };
        let mut callee_acquires: Option<rustc_hash::FxHashSet<&SyncObj>> = None;
        let mut joined_rel: rustc_hash::FxHashMap<usize, bool> = rustc_hash::FxHashMap::default();
        for a in copied {
            let Some(path) = substituted_paths.get_or(&a.path, (), |p: &Path| subst(p)) else { continue };
            // A branch this call's constant arguments rule out does not run.
            let Some(conds) = self.instantiate_conds(a.conds.as_ref(), &args) else { continue };
            // The caller's locks hold around what the callee does in the caller's goroutine.
            let with_caller_locks = a.thread == Thread::Current && spawn_info.is_none();
            let locks = substituted_locks.get_or(&a.locks, with_caller_locks, |set: &LockSet| {
                let mut locks: Vec<HeldLock> =
                    set.iter()
                        .filter_map(|l| {
                            let when = match &l.when {
                                Some(w) => conds::resolve_when(w, &args)?,
                                None => None,
                            };
                            Some(HeldLock { lock: subst(&l.lock)?, when, ..l.clone() })
                        })
                        .collect();
                if with_caller_locks {
                    for l in &caller_locks {
                        if !locks.iter().any(|m| m.lock == l.lock) {
                            locks.push(l.clone());
                        }
                    }
                }
                // Unchanged (locks on globals or every instance of a type, no caller locks):
                // keep sharing the callee's set, as every caller's copies of it then do.
                if locks.len() == set.len() && locks.iter().zip(set.iter()).all(|(x, y)| x == y) {
                    return set.clone();
                }
                LockSet::from_vec(locks)
            });
            let rel = substituted_rel.get_or(&a.rel, (), |set| objs.set(set));
            // What the callee acquired before the access, then what the caller had acquired
            // before the call, then the goroutine's start when the call starts one: also for
            // the goroutines that goroutine starts in turn, which start after it did.
            let acq = substituted_acq.get_or(&a.acq, (), |set| {
                let appended = appended.get_or_insert_with(|| Appended::new(caller_acq.iter().chain(spawn_info.as_ref().map(|(_, _, start)| start))));
                objs.set(set).with_appended(appended)
            });
            let thread = match (a.thread, &spawn_info) {
                (Thread::Current, Some((site, multi, _))) => {
                    Thread::Spawned { site: *site, multi: *multi }
                }
                (Thread::Current, None) => caller_thread,
                (Thread::Spawned { site, multi }, _) => {
                    // A goroutine the callee waits for before it returns is over when the call
                    // is: calls one after another (a caller's loop) do not overlap their
                    // goroutines, nor do concurrent calls made under a caller's write lock.
                    // Asked only where it matters (the call repeats), once per shared `rel`.
                    let repeated = !multi && in_loop && {
                        let acquires = callee_acquires.get_or_insert_with(|| sum.acquires.iter().collect::<rustc_hash::FxHashSet<_>>());
                        let joined = *joined_rel.entry(a.rel.identity()).or_insert_with(|| a.rel.iter().any(|r| acquires.contains(r)));
                        let caller_multi = matches!(caller_thread, Thread::Spawned { multi: true, .. });
                        if joined { caller_multi && !caller_locks.iter().any(|l| l.mode == Mode::Write) } else { true }
                    };
                    Thread::Spawned { site, multi: self.spawn_multi(&site, multi || repeated || spawn_info.as_ref().is_some_and(|s| s.1)) }
                }
            };
            let value_from = match a.value_param {
                Some(j) => args.get(j as usize).and_then(|ev| ev.origin.clone()),
                None => a.value_from.as_ref().and_then(|o| subst_origin(o, &subst, &subst_key)),
            };
            let value_param = a.value_param.and_then(|j| args.get(j as usize).and_then(|ev| ev.param)).filter(|p| *p != u16::MAX);
            // The site part is shared with the callee's access, unless a parameter key is
            // substituted (once per distinct site part and call).
            let at = if matches!(a.key, KeyText::Param(..)) {
                substituted_sites.entry(Rc::as_ptr(&a.at) as usize).or_insert_with(|| Rc::new(AccessSite { key: subst_key(&a.key), ..(*a.at).clone() })).clone()
            } else {
                a.at.clone()
            };
            let acc = Access {
                path,
                thread,
                locks,
                pos: if a.thread == Thread::Current && spawn_info.is_none() { call_pos } else { a.pos },
                acq,
                rel,
                value_from: value_from.map(Rc::new),
                value_param,
                origin,
                // A goroutine the callee starts belongs to this call's instance scopes too
                // (the caller's loop iteration, the goroutine running the caller).
                instance_scopes: if a.thread == Thread::Current {
                    spawn_scopes.clone()
                } else {
                    substituted_scopes.get_or(&a.instance_scopes, (), |own: &Rc<[u32]>| scope_set(spawn_scopes.iter().chain(own.iter())))
                },
                // A callee's access to a map passed as a parameter reaches the map value the
                // caller passed: reassigning the variable it was read from does not touch it
                // (the read of that variable, in the caller, is what meets the reassignment).
                // So does a method's on a map-typed value receiver (`func (md MD) Copy()`).
                copied: a.copied || (a.path.steps.is_empty() && (matches!(a.path.root, Root::Param(_)) || (a.path.root == Root::Recv && value_recv))),
                conds,
                respawned: match (a.thread, thread) {
                    (Thread::Current, Thread::Spawned { .. }) => true,
                    (Thread::Spawned { multi: false, .. }, Thread::Spawned { multi: true, .. }) => true,
                    _ => false,
                },
                at,
            };
            new_accesses.push((acc, a.value_param.is_some()));
        }
        // Spawn sites reached through two calls run as two goroutines at once: goroutines
        // this call starts (the callee's, or the call itself with `go`), not the goroutine the
        // caller runs in, which makes every call from it.
        let mut multi_sites = Vec::new();
        for (acc, _) in &new_accesses {
            if let Thread::Spawned { site, .. } = acc.thread
                && (spawn_info.is_some() || Some(site) != caller_site)
                && !self.on_own_instance(acc)
                && self.spawn_multi(&site, true)
            {
                match self.spawn_origins.get(&site).copied() {
                    Some(o) if o != origin && self.alternative_starts(o, origin) => {}
                    Some(o) if o != origin => multi_sites.push(site),
                    Some(_) => {}
                    None => {
                        self.spawn_origins.insert(site, origin);
                    }
                }
            }
        }
        for (acc, value_from_caller) in new_accesses {
            if !self.has_room() {
                break;
            }
            if acc.value_from.is_some() && acc.kind == AccessKind::Write {
                let i = self.sum.accesses.len();
                self.sum.accesses.push(acc);
                // A setter writing a value this caller read (`set(k, get(k)+1)`): the
                // read-modify-write meets here. A value the callee itself read was checked
                // in the callee, and is not reported again at each call.
                if value_from_caller {
                    let at = self.site(span);
                    self.check_split_rmw(i, Some(at));
                }
                continue;
            }
            // The same callee access instantiated again with nothing that could tell the
            // copies apart (same guards, same ordering so far) adds nothing to any pair.
            if self.seen.insert(self.instance_key(&acc)) {
                self.sum.accesses.push(acc);
            }
        }
        if !multi_sites.is_empty() {
            for i in 0..self.sum.accesses.len() {
                if self.on_own_instance(&self.sum.accesses[i]) {
                    continue;
                }
                if let Thread::Spawned { site, multi } = &mut self.sum.accesses[i].thread
                    && multi_sites.contains(site) {
                        *multi = true;
                    }
            }
        }
        // Ordering effects of the callee in the caller's goroutine.
        if spawn.is_none() {
            for r in &sum.releases {
                if let Some(s) = objs.obj(r) {
                    self.release(s);
                }
            }
            for a in &sum.acquires {
                if let Some(s) = objs.obj(a) {
                    self.acquire(s);
                }
            }
            // Releases first: a helper that unlocks the caller's lock and takes it again (to
            // let others in during a long critical section) returns with the lock held.
            for l in &sum.locks_released {
                if let Some(l) = subst(l) {
                    self.unlock(&l);
                }
            }
            for h in &sum.locks_acquired {
                if let Some(l) = subst(&h.lock) {
                    self.lock(l, h.mode, h.site, h.class.clone());
                }
            }
        }
        for class in &sum.alias_classes {
            let c: Vec<Path> = class.iter().filter_map(&subst).collect();
            if c.len() > 1 {
                self.inherited_aliases.push(c);
            }
        }
        // Function-typed parameters the callee calls or starts.
        for pc in &sum.param_calls {
            let Some(arg) = args.get(pc.param as usize) else { continue };
            let Val::Func(t) = arg.val.clone() else { continue };
            // A function value run on a goroutine the callee starts: each call here starts
            // its own goroutine, named by this call site.
            let here = self.site(span);
            let sp = match (pc.spawn, &spawn) {
                // One goroutine the callee waits for before it returns (a wrapper that runs
                // `f` on a locked OS thread and receives its result): the value runs as if
                // called here, in this goroutine, under this goroutine's locks.
                (Some((_, false)), None) if pc.joined => None,
                (Some((_, multi)), _) => Some((here, multi || in_loop, SyncObj::Spawn(here), None)),
                (None, Some((site, multi, start, end))) => Some((*site, *multi, start.clone(), end.clone())),
                (None, None) => None,
            };
            if let Some((site, ..)) = &sp {
                self.tick();
                self.release(SyncObj::Spawn(*site));
            }
            // The callee's locks around the call hold while the value runs in this goroutine.
            let mut taken = Vec::new();
            if sp.is_none() {
                for h in &pc.locks {
                    if let Some(l) = subst(&h.lock)
                        && !self.flow.locks.iter().any(|m| m.lock == l)
                    {
                        self.lock(l.clone(), h.mode, h.site, h.class.clone());
                        taken.push(l);
                    }
                }
            }
            let before = self.sum.accesses.len();
            let joined_site = sp.as_ref().filter(|_| pc.joined).map(|(site, ..)| *site);
            let spawned_site = sp.as_ref().map(|(site, ..)| *site);
            let param_calls_before = self.sum.param_calls.len();
            self.run_target(t, Vec::new(), sp, span);
            for l in &taken {
                self.unlock(l);
            }
            // The callee waited for the goroutines running the value before returning.
            if let Some(site) = joined_site {
                self.acquire(SyncObj::Finished(site));
            }
            let rel: Vec<SyncObj> = pc.rel.iter().filter_map(|s| objs.obj(s)).collect();
            // On a goroutine, the callee's locks around the call hold in that goroutine: what
            // the value does there (not in goroutines it starts in turn) runs under them.
            if let Some(site) = spawned_site {
                let held: Vec<HeldLock> = pc.locks.iter().filter_map(|h| Some(HeldLock { lock: subst(&h.lock)?, ..h.clone() })).collect();
                // A value that is this function's own parameter, passed on: its callers run
                // it under the same locks, and after the same releases (the callee's join).
                let mut ends = rel.clone();
                if joined_site.is_some() {
                    ends.push(SyncObj::Finished(site));
                }
                for fwd in &mut self.sum.param_calls[param_calls_before..] {
                    if fwd.spawn.is_some_and(|(s, _)| s == site) {
                        let new: Vec<HeldLock> = held.iter().filter(|h| !fwd.locks.iter().any(|l| l.lock == h.lock)).cloned().collect();
                        fwd.locks.extend(new);
                        let new: Vec<SyncObj> = ends.iter().filter(|s| !fwd.rel.contains(s)).cloned().collect();
                        fwd.rel.extend(new);
                    }
                }
                if !held.is_empty() {
                    let mut with_held = Memo::default();
                    for a in &mut self.sum.accesses[before..] {
                        if matches!(a.thread, Thread::Spawned { site: s, .. } if s == site) {
                            a.locks = with_held.get_or(&a.locks, (), |set: &LockSet| {
                                let mut v: Vec<HeldLock> = set.iter().cloned().collect();
                                v.extend(held.iter().filter(|h| !set.iter().any(|l| l.lock == h.lock)).cloned());
                                LockSet::from_vec(v)
                            });
                        }
                    }
                }
            }
            let mut with_rel = SetMemo::default();
            for a in &mut self.sum.accesses[before..] {
                a.rel = with_rel.get_or(&a.rel, (), |set| set.with(&rel));
            }
        }
        if let Some((site, _, _, end)) = &spawn {
            // The goroutine's end releases its own `Finished` and, for errgroup.Go / wg.Go of
            // a module function, the group.
            let mut ends = vec![SyncObj::Finished(*site)];
            ends.extend(end.clone());
            let mut with_end = SetMemo::default();
            for a in self.sum.accesses.iter_mut().filter(|a| a.origin == origin && matches!(a.thread, Thread::Spawned { site: s, .. } if s == *site)) {
                a.rel = with_end.get_or(&a.rel, (), |set| set.with(&ends));
            }
        }
        sum.returns
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let ty = self.an.prog.funcs[id as usize].results.get(i).cloned().unwrap_or(Type::Unknown);
                let val = match r.path.as_ref().and_then(&subst) {
                    Some(p) => {
                        let via = if r.under_lock {
                            Via::Returned { func: Rc::from(self.an.prog.funcs[id as usize].display.as_str()), site: r.site.unwrap_or(self.site(span)) }
                        } else {
                            Via::Direct
                        };
                        Val::Path(p, via)
                    }
                    None => Val::Unknown,
                };
                let origin = r.read_origin.as_ref().and_then(|o| subst_origin(o, &subst, &subst_key));
                let observes = r.observes.as_ref().and_then(|(p, truth)| Some((Rc::new(subst(p)?), *truth)));
                let swapped = r.swapped.as_ref().and_then(|(p, v)| Some((Rc::new(subst(p)?), v.clone())));
                Ev { val, ty, origin, fresh: r.fresh, param: None, key: KeyText::Unknown, typed: r.typed.clone(), stored: None, konst: None, iteration: None, observes, swapped, swap_won: None }
            })
            .collect()
    }
}

/// Instance scopes without repeats: only membership is asked of them (`pairs::parallel`),
/// and each level of calls used to add the caller's list again (nats-server's lists took
/// 300 MiB).
fn scope_set<'s>(scopes: impl Iterator<Item = &'s u32>) -> Rc<[u32]> {
    let mut v: Vec<u32> = Vec::new();
    for s in scopes {
        if !v.contains(s) {
            v.push(*s);
        }
    }
    Rc::from(v)
}

/// `MAPRACE_DEBUG_CALLS=<function>`: print each call of that function's walk with the locks
/// held (a triage aid). Read once: `call_summary` runs millions of times on large modules.
fn debug_calls() -> Option<&'static str> {
    static WANT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    WANT.get_or_init(|| std::env::var("MAPRACE_DEBUG_CALLS").ok()).as_deref()
}
