//! Goroutines and function values: `go` targets, closures walked inline (as spawned threads
//! or synchronous calls), handlers and function values handed to concurrent APIs.

use super::*;

impl<'a, 'p> Walk<'a, 'p> {
    // ----- goroutines ----------------------------------------------------------------

    pub(super) fn go_stmt(&mut self, call: &'p Expr) {
        let site = self.site(call.span);
        if self.starts_once() {
            self.an.once_spawns.insert(site);
        }
        let multi = self.spawn_multi(&site, self.loop_depth > 0);
        if self.loop_depth > 0 {
            self.loop_spawns.insert(site);
        }
        let ExprKind::Call { func, args } = &call.kind else {
            self.eval(call);
            return;
        };
        // Arguments and the function value are evaluated in the current goroutine.
        let arg_evs = self.eval_args(args);
        let target = self.callee(func);
        self.tick();
        self.release(SyncObj::Spawn(site));
        if let Some(t) = target {
            self.run_target(t, arg_evs, Some((site, multi, SyncObj::Spawn(site), None)), call.span);
        }
    }

    /// Arguments, evaluated in order, each with its key text (for keys passed on to callees).
    pub(super) fn eval_args(&mut self, args: &'p [Expr]) -> Vec<Ev<'p>> {
        args.iter()
            .map(|a| {
                let mut ev = self.eval(a);
                ev.key = self.key_text(a, &ev);
                self.load_variable(a, &ev);
                ev
            })
            .collect()
    }

    /// What a call's function expression names, if the analysis can follow it.
    pub(super) fn callee(&mut self, func: &'p Expr) -> Option<FuncTarget<'p>> {
        match &func.kind {
            ExprKind::FuncLit(body) => Some(FuncTarget::Closure(body)),
            _ => match self.eval(func).val {
                Val::Func(t) => Some(t),
                _ => None,
            },
        }
    }

    /// Call or start `target`. `spawn`: (site, multi, the sync object the goroutine acquires
    /// at start, the one it releases at its end).
    pub(super) fn run_target(&mut self, target: FuncTarget<'p>, args: Vec<Ev<'p>>, spawn: Option<(Site, bool, SyncObj, Option<SyncObj>)>, span: Span) -> Vec<Ev<'p>> {
        match target {
            FuncTarget::Closure(body) => {
                self.run_closure(body, args, spawn);
                Vec::new()
            }
            FuncTarget::Func(id, recv) => self.call_summary(id, recv, args, spawn, span),
            // A plain call through an interface with several implementations stays unknown:
            // following each of them at every call multiplies summaries (grpc-go: 9x the
            // accesses, 12x the time) for calls whose goroutine context is already known.
            FuncTarget::Dispatch(ids, _) if spawn.is_none() && ids.len() > 1 => Vec::new(),
            FuncTarget::Dispatch(ids, recv) => {
                // Any of them may run: their effects are joined as if each was called.
                let mut results = Vec::new();
                for &id in ids {
                    let r = self.call_summary(id, recv.clone(), args.clone(), spawn.clone(), span);
                    if results.is_empty() {
                        results = r;
                    }
                }
                results
            }
            FuncTarget::Param(i) => {
                if self.func.is_some() {
                    let pos = self.tick();
                    // A plain call runs under the locks held here, also inside a goroutine
                    // this function started (`go func() { mu.Lock(); f(x); mu.Unlock() }()`);
                    // a `go f()` runs under none of them.
                    let locks = if spawn.is_none() { self.flow.locks.clone() } else { Vec::new() };
                    let sp = match (spawn, self.thread) {
                        (Some((s, m, _, _)), _) => Some((s, m || self.loop_depth > 0)),
                        (None, Thread::Spawned { site, multi }) => Some((site, multi)),
                        (None, Thread::Current) => None,
                    };
                    let thread = self.thread;
                    self.sum.param_calls.push(ParamCall { param: i, spawn: sp, thread, pos, rel: Vec::new(), locks, joined: false });
                }
                Vec::new()
            }
        }
    }

    /// Walk a function literal inline: in a new goroutine when `spawn` is set.
    pub(super) fn run_closure(&mut self, body: &'p FuncBody, args: Vec<Ev<'p>>, spawn: Option<(Site, bool, SyncObj, Option<SyncObj>)>) {
        if self.depth > 24 {
            return;
        }
        self.depth += 1;
        let saved_flow = self.flow.clone();
        let saved_thread = self.thread;
        let saved_exits = std::mem::take(&mut self.exits);
        let saved_deferred = std::mem::take(&mut self.deferred);
        let saved_pos = self.pos;
        let scope = self.fresh_id();
        if let Some((site, multi, start, _)) = &spawn {
            // Read locks too: a goroutine joined inside its starter's read-locked section
            // (`mu.RLock(); defer mu.RUnlock(); for ... { go collect(r) }; wg.Wait()`) runs
            // while no writer can hold the lock.
            if self.thread == Thread::Current && self.flow.locks.iter().any(|l| !l.once && !l.try_flag) {
                let held = self.flow.locks.iter().filter(|l| !l.once && !l.try_flag).cloned().collect();
                self.spawn_locks.insert(*site, held);
            }
            let multi = self.spawn_multi(site, *multi || self.loop_depth > 0 || matches!(self.thread, Thread::Spawned { multi: true, .. }));
            self.thread = Thread::Spawned { site: *site, multi };
            // A goroutine that unlocks (deferred) a lock its parent held when starting it runs
            // under that lock: the parent handed it over (`mu.Lock(); go func() { defer
            // mu.Unlock(); ... }()`).
            let handed = self.handed_over_locks(body);
            self.flow.locks.retain(|l| handed.iter().any(|p| l.lock == *p || l.lock.starts_with(p)));
            self.flow.acq = self.flow.acq.with([start]);
            self.instance_scopes.push(scope);
        }
        let saved_loop = self.loop_depth;
        let saved_single = self.single_start;
        if spawn.is_some() {
            // The goroutine's own `go` statements are not behind its starter's flag.
            self.loop_depth = 0;
            self.single_start = 0;
        }
        self.scopes.push(HashMap::default());
        for (i, p) in body.sig.params.iter().enumerate() {
            if let Some(n) = &p.name {
                let mut ev = args.get(i).cloned().unwrap_or_else(Ev::unknown);
                if matches!(ev.ty, Type::Unknown) {
                    ev.ty = self.an.prog.resolve(self.file, &p.ty);
                }
                let iteration = ev.iteration;
                self.define(n, ev);
                // `go func(index int) { tries[index] ... }(i)`: each goroutine's parameter is
                // its own iteration's value, so `tries[index]` is its own element.
                if spawn.is_some()
                    && let Some(v) = self.lookup_mut(n)
                {
                    v.iteration = iteration;
                }
            }
        }
        let conds_mark = self.conds.len();
        if let Some(b) = &body.body {
            for s in b {
                self.stmt(s);
            }
        }
        self.truncate_conds(conds_mark);
        if self.flow.live {
            self.exits.push(self.flow.clone());
        }
        let exits = std::mem::replace(&mut self.exits, saved_exits);
        let mut exit = match exits.split_first() {
            Some((f, rest)) => rest.iter().fold(f.clone(), |a, b| self.join(&a, b)),
            None => self.flow.clone(),
        };
        exit.live = true;
        self.flow = exit;
        let deferred = std::mem::replace(&mut self.deferred, saved_deferred);
        let inner_pos = self.pos;
        self.pos = u32::MAX - 2;
        self.run_deferred(deferred);
        if let Some((_, _, _, Some(end))) = &spawn {
            self.release(end.clone());
        }
        if let Some((site, ..)) = &spawn {
            self.release(SyncObj::Finished(*site));
        }
        self.scopes.pop();
        self.loop_depth = saved_loop;
        self.single_start = saved_single;
        if spawn.is_some() {
            self.instance_scopes.pop();
            self.thread = saved_thread;
            self.flow = saved_flow;
            self.pos = saved_pos.max(inner_pos);
        } else {
            // A synchronous closure call: its lock and ordering effects carry on.
            let live = saved_flow.live;
            self.flow.live = live;
            self.pos = inner_pos;
        }
        self.depth -= 1;
    }

    /// Paths of the mutexes a function literal's body unlocks with a top-level `defer`.
    pub(super) fn handed_over_locks(&self, body: &FuncBody) -> Vec<Path> {
        let Some(stmts) = &body.body else { return Vec::new() };
        stmts
            .iter()
            .filter_map(|s| match s {
                Stmt::Defer(call) => self.unlocked_by(call),
                _ => None,
            })
            .collect()
    }
}
