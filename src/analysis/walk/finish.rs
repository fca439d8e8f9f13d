//! Closing a walk: the exit state (returns joined, deferred calls run, lock effects
//! recorded), channel values resolved, ordering marks completed, the pair check and the
//! writes under `RLock` recorded as facts, and the summary trimmed to what callers can name.

use super::*;

impl<'a, 'p> Walk<'a, 'p> {
    /// The exit state (join of returns), deferred calls run on it, lock effects recorded.
    pub(super) fn finish_exit(&mut self) {
        let mut exit = match self.exits.split_first() {
            Some((first, rest)) => rest.iter().fold(first.clone(), |a, b| self.join(&a, b)),
            None => Flow { locks: Vec::new(), acq: self.flow.acq.clone(), live: false, jumped: false, spawned: self.flow.spawned.clone(), cond_locks: Rc::default(), cond_acqs: Rc::default(), released: Rc::default() },
        };
        exit.live = true;
        self.flow = exit;
        self.pos = u32::MAX - 1;
        let mut deferred = std::mem::take(&mut self.deferred);
        // A deferred call of a closure the function keeps in a local (`defer fsUnlock()`) is
        // left out: such helpers wrap conditional locking on the function's flags
        // (`if needLock { mu.Unlock() }`), which the walk of the closure cannot resolve
        // against the caller's arguments, so running it would invent an unconditional unlock.
        deferred.retain(|(call, _)| !self.calls_local_closure(call));
        self.run_deferred(deferred);
        self.flow.locks.retain(|l| !l.try_flag);
        self.sum.locks_acquired = self.flow.locks.clone();
    }

    /// `f()` where `f` is a local variable holding a function literal.
    fn calls_local_closure(&self, call: &Expr) -> bool {
        let ExprKind::Call { func, .. } = &call.kind else { return false };
        let ExprKind::Ident(n) = &func.kind else { return false };
        self.lookup(n).is_some_and(|v| matches!(v.val, Val::Func(FuncTarget::Closure(_))))
    }

    /// Run deferred calls, last deferred first. A call deferred while a lock was held whose
    /// `Unlock` was deferred before it runs before that `Unlock`, so with the lock held, also
    /// when the exit state lost the lock on another path (`if cacheable { mu.Lock(); defer
    /// mu.Unlock(); defer func() { observe(len(m)) }() }`).
    pub(super) fn run_deferred(&mut self, deferred: Vec<(&'p Expr, Vec<HeldLock>)>) {
        let unlocks: Vec<Vec<Path>> = deferred.iter().map(|(call, _)| self.deferred_unlocks(call)).collect();
        for (i, (call, held)) in deferred.iter().enumerate().rev() {
            for l in held {
                // Released by this call itself (`defer func() { delete(m, k); mu.Unlock() }()`)
                // or by one deferred before it: every return after the `defer` holds the lock,
                // or the unlock would be fatal.
                let released_later = unlocks[..=i].iter().flatten().any(|p| *p == l.lock);
                if released_later && !self.flow.locks.iter().any(|m| m.lock == l.lock) {
                    self.flow.locks.push(l.clone());
                }
            }
            self.expr_stmt(call);
        }
    }

    /// The mutexes a deferred call releases: `x.Unlock()` itself, or a closure whose body
    /// unlocks at its top level.
    fn deferred_unlocks(&self, call: &Expr) -> Vec<Path> {
        if let ExprKind::Call { func, args } = &call.kind
            && args.is_empty()
            && let ExprKind::FuncLit(lit) = &func.kind
        {
            let stmts = lit.body.as_deref().unwrap_or_default();
            return stmts
                .iter()
                .filter_map(|st| match st {
                    Stmt::Expr(e) | Stmt::Defer(e) => self.unlocked_by(e),
                    _ => None,
                })
                .collect();
        }
        self.unlocked_by(call).into_iter().collect()
    }

    /// The mutex a call `x.Unlock()` / `x.RUnlock()` releases.
    pub(super) fn unlocked_by(&self, call: &Expr) -> Option<Path> {
        let ExprKind::Call { func, .. } = &call.kind else { return None };
        match &func.kind {
            ExprKind::Selector(recv, name) if models::lock_method(name) == Some(None) => self.quiet_field_path(recv),
            _ => None,
        }
    }

    /// What was received from a channel on which exactly one value was sent is that value:
    /// the receiver's accesses meet the sender's (a handed-over map the sender still uses).
    /// When the send is another value each time (a loop's element, a local made in the
    /// loop), each receive gets one of them: receivers do not share what they received.
    fn resolve_received(&mut self) {
        let sent = std::mem::take(&mut self.sent);
        let resolve = |p: &mut Path| -> Option<bool> {
            if let Root::Received(ch) = &p.root
                && let Some(([v], varies)) = sent.get(ch.as_ref()).map(|(v, varies)| (v.as_slice(), *varies))
            {
                *p = p.rebase(0, v);
                return Some(varies);
            }
            None
        };
        let mut resolved_locks = Memo::default();
        for a in &mut self.sum.accesses {
            if let Some(varies) = resolve(&mut a.path) {
                a.per_receive |= varies;
            }
            a.locks = resolved_locks.get_or(&a.locks, (), |set: &LockSet| {
                set.map_locks(|l| {
                    resolve(&mut l.lock);
                })
            });
        }
    }

    /// Close the walk: ordering marks completed, pairs checked, writes under RLock noted, and
    /// the summary trimmed to what callers can name.
    pub(in crate::analysis) fn finish(mut self) -> Summary {
        self.resolve_received();
        let releases = std::mem::take(&mut self.releases);
        // Per thread, the positions of its releases in order: the releases after an access
        // are named by how many of them come at or before it.
        let mut positions: rustc_hash::FxHashMap<Thread, Vec<u32>> = rustc_hash::FxHashMap::default();
        for (t, p, _) in &releases {
            positions.entry(*t).or_default().push(*p);
        }
        positions.values_mut().for_each(|v| v.sort_unstable());
        let mut with_later = SetMemo::default();
        for a in &mut self.sum.accesses {
            let Some(ps) = positions.get(&a.thread) else { continue };
            let before = ps.partition_point(|p| *p <= a.pos);
            if before == ps.len() {
                continue;
            }
            let (thread, pos) = (a.thread, a.pos);
            a.rel = with_later.get_or(&a.rel, (thread, before), |set| {
                set.with(releases.iter().filter(|(t, p, _)| *t == thread && *p > pos).map(|(_, _, s)| s))
            });
        }
        self.relay_orderings(&releases);
        self.inherit_joined_locks();
        for pc in &mut self.sum.param_calls {
            for (t, p, s) in &releases {
                if *t == pc.thread && *p > pc.pos && !pc.rel.contains(s) {
                    pc.rel.push(s.clone());
                }
            }
            // Joined when what its goroutine releases at its end (the group's, its own
            // `Finished`) is acquired on the way out (`g.Wait()`), also through the group's
            // local, which callers cannot name.
            pc.joined = pc.spawn.is_some() && pc.rel.iter().any(|s| self.flow.acq.contains(s) || self.sum.acquires.contains(s));
        }
        let mut aliases: crate::analysis::pairs::AliasClasses = self.an.global_aliases.clone();
        let stores = std::mem::take(&mut self.local_stores);
        for (value, slots) in stores {
            let mut class: Vec<Path> = vec![value];
            let mut typed: Vec<Path> = Vec::new();
            for (slot, t) in slots {
                if !class.contains(&slot) {
                    class.push(slot);
                }
                if let Some(t) = t
                    && !typed.contains(&t) {
                        typed.push(t);
                    }
            }
            if class.len() > 2 || (class.len() == 2 && !class[0].is_function_local()) {
                let shared: Vec<Path> = class.iter().filter(|p| !p.is_function_local()).cloned().collect();
                if shared.len() > 1 {
                    self.sum.alias_classes.push(shared.clone());
                    self.an.add_global_alias(shared);
                }
                aliases.push(class);
            }
            if typed.len() > 1 {
                self.an.add_global_alias(typed);
            }
        }
        for class in std::mem::take(&mut self.inherited_aliases) {
            if class.iter().all(|p| !p.is_function_local()) {
                self.sum.alias_classes.push(class.clone());
            }
            aliases.push(class);
        }
        for (p, t) in &self.lazy_paths {
            for a in self.sum.accesses.iter_mut() {
                if a.origin == 0 && a.thread == *t && a.path.may_alias(p) && !a.kind.is_write() {
                    a.lazy_covered = true;
                }
            }
        }
        if self.func.is_some() {
            // Goroutines anywhere meet the entry methods on maps named for every instance.
            for a in &self.sum.accesses {
                if let (Thread::Spawned { .. }, Some(t)) = (a.thread, &a.typed) {
                    self.an.pool.offer(Access { path: t.clone(), ..a.clone() });
                }
            }
        } else {
            for mut a in self.an.pool.take() {
                a.origin = u32::MAX;
                a.respawned = false;
                self.sum.accesses.push(a);
            }
            let an = &*self.an;
            self.sum.accesses.retain(|a| an.declared_shared(a));
        }
        let walk = match self.func {
            Some(f) => crate::analysis::WalkId::Function(f),
            None => crate::analysis::WalkId::Entries,
        };
        let test_walk = self.func.is_some_and(|f| self.an.prog.is_test_file(self.an.prog.funcs[f as usize].file));
        let conflicts = crate::analysis::pairs::find_conflicts(&self.sum.accesses, &self.local_scope, &aliases, &self.an.facts.entry_names, &mut self.an.conflict_shapes, walk, test_walk, &self.alternatives);
        self.an.facts.conflicts.extend(conflicts);
        for a in &self.sum.accesses {
            let write = a.kind.is_write() || a.kind == AccessKind::FieldWrite;
            // A read lock a goroutine inherits from its starter (held around its whole run)
            // excludes writers; it is not this goroutine taking a read lock to write under.
            if write
                && !a.path.is_function_local()
                && a.locks.iter().any(|l| !l.inherited)
                && a.locks.iter().all(|l| l.mode == Mode::Read)
                && a.locks.iter().any(|l| crate::analysis::path::may_guard(&l.lock, &a.path) || (l.aliasable && l.lock.steps.is_empty()))
            {
                self.an.facts.rlock_writes.push((a.clone(), self.func));
            }
        }

        let returned: Vec<u32> = self
            .sum
            .returns
            .iter()
            .filter_map(|r| match r.path.as_ref().map(|p| &p.root) {
                Some(Root::Local(l)) => Some(*l),
                _ => None,
            })
            .collect();
        let keep = |p: &Path| -> bool {
            match &p.root {
                Root::Local(l) => returned.contains(l),
                Root::SyncValue(inner) | Root::Received(inner) => !inner.is_function_local(),
                _ => true,
            }
        };
        // Before dropping accesses callers cannot name: the entry walk's pool has copies.
        // The function's own acquires count too: they join its goroutines for its callers.
        // Each shared set once: thousands of accesses name the same few.
        let mut sets = rustc_hash::FxHashSet::default();
        let acquired: rustc_hash::FxHashSet<SyncObj> = self
            .sum
            .accesses
            .iter()
            .filter(|a| sets.insert(a.acq.identity()))
            .flat_map(|a| a.acq.iter())
            .chain(&self.sum.acquires)
            .cloned()
            .collect();
        self.sum.accesses.retain(|a| keep(&a.path));
        // Kept until the analysis ends: the slack of the growing vector would be up to half.
        self.sum.accesses.shrink_to_fit();
        // A local mutex, channel or WaitGroup still orders and guards the goroutines this
        // function started after it returns: callers see it under a name of its own.
        let func = self.func.unwrap_or(u32::MAX);
        let global = |p: &mut Path| {
            if let Root::Local(l) = p.root
                && !returned.contains(&l) {
                    *p = p.with_root(Root::FuncLocal(func, l));
                }
        };
        let global_sync = |s: &mut SyncObj| {
            if let SyncObj::Object(p) = s
                && matches!(p.root, Root::Local(_))
            {
                global(Rc::make_mut(p));
            }
        };
        // A release only orders an access before another that acquires the object. Accesses
        // that acquire a goroutine's start or a local channel of this function or its callees
        // are all walked here (callers only copy them): the other such objects in `rel` can
        // never order anything, and dropping them keeps the sets callers copy small.
        let useful = |s: &SyncObj| match s {
            SyncObj::Spawn(_) => acquired.contains(s),
            SyncObj::Object(p) => match p.root {
                Root::Local(l) if !returned.contains(&l) => acquired.contains(s),
                Root::FuncLocal(..) => acquired.contains(s),
                _ => true,
            },
            SyncObj::ParentEnd(_) | SyncObj::Finished(_) => true,
        };
        let mut named_rel = SetMemo::default();
        let mut named_acq = SetMemo::default();
        let mut named_locks = Memo::default();
        // Each local object is renamed once, and the sets naming it share the renamed one: a
        // copy per set was a path allocation per (object, set), 200 MiB on nats-server.
        let mut renamed: rustc_hash::FxHashMap<usize, SyncObj> = rustc_hash::FxHashMap::default();
        let mut rename = |s: &SyncObj| -> SyncObj {
            let SyncObj::Object(p) = s else { return s.clone() };
            if !matches!(p.root, Root::Local(_)) {
                return s.clone();
            }
            renamed
                .entry(Rc::as_ptr(p) as usize)
                .or_insert_with(|| {
                    let mut r = s.clone();
                    global_sync(&mut r);
                    // A returned local keeps its name: keep sharing its path.
                    if r == *s { s.clone() } else { r }
                })
                .clone()
        };
        let same_objs = |a: &[SyncObj], b: &[SyncObj]| {
            a.len() == b.len()
                && a.iter().zip(b).all(|(x, y)| match (x, y) {
                    (SyncObj::Object(x), SyncObj::Object(y)) => Rc::ptr_eq(x, y),
                    (x, y) => x == y,
                })
        };
        for a in &mut self.sum.accesses {
            a.locks = named_locks.get_or(&a.locks, (), |set: &LockSet| {
                // Unchanged (no lock on a local): the set stays shared.
                if set.iter().all(|l| !matches!(l.lock.root, Root::Local(_))) {
                    return set.clone();
                }
                set.map_locks(|l| global(&mut l.lock))
            });
            a.acq = named_acq.get_or(&a.acq, (), |set| {
                let objs: Vec<SyncObj> = set.iter().map(&mut rename).collect();
                if same_objs(&objs, set.as_slice()) { set.clone() } else { SyncSet::from_vec(objs) }
            });
            a.rel = named_rel.get_or(&a.rel, (), |set| {
                let objs: Vec<SyncObj> = set.iter().filter(|s| useful(s)).map(&mut rename).collect();
                if same_objs(&objs, set.as_slice()) { set.clone() } else { SyncSet::from_vec(objs) }
            });
        }
        self.sum.releases.iter_mut().for_each(global_sync);
        self.sum.acquires.iter_mut().for_each(global_sync);
        self.sum.locks_acquired.iter_mut().for_each(|h| global(&mut h.lock));
        self.sum.locks_released.iter_mut().for_each(global);
        self.sum.param_calls.iter_mut().flat_map(|pc| pc.locks.iter_mut()).for_each(|h| global(&mut h.lock));
        self.sum
    }
}
