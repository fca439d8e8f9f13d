//! The per-function walk: abstract interpretation of one function body over access paths,
//! flow-sensitive lock sets and ordering marks, composing callees' summaries at call sites
//! and walking goroutine closures inline as spawned threads. Produces the function's
//! `Summary` and, at its end, the pair checks whose both sides it can see.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::path::{Key, Path, Root, Step};
use super::summary::*;
use super::text::expr_text;
use super::{Analyzer, AtomicityFact, LazyInit, SyncMapFact, SyncMapForm};
use crate::model::{FileId, FuncId, MethodTarget, PkgId, SyncKind, Type};
use crate::syntax::ir::*;

/// Summaries larger than this keep their first accesses only: bounded work on huge
/// generated-looking functions, at the cost of recall there.
const MAX_ACCESSES: usize = 4000;

#[derive(Clone, Debug)]
pub(super) enum FuncTarget<'p> {
    Func(FuncId, Option<Path>),
    Closure(&'p FuncBody),
    Param(u16),
    /// A method called through a module interface: each implementation it can reach.
    Dispatch(&'p [FuncId], Option<Path>),
}

/// A call through an interface with more implementations than this stays unknown: the
/// union of many unrelated bodies says more about the program's plugins than this call.
/// (Plain calls follow one implementation only; see `run_target`.)
const MAX_DISPATCH: usize = 4;

#[derive(Clone, Debug)]
pub(super) enum Val<'p> {
    Path(Path, Via),
    Func(FuncTarget<'p>),
    Unknown,
}

#[derive(Clone, Debug)]
pub(super) struct Ev<'p> {
    pub val: Val<'p>,
    pub ty: Type,
    pub origin: Option<ReadOrigin>,
    pub fresh: bool,
    /// The value is exactly parameter `i` of the walked function.
    pub param: Option<u16>,
    pub key: KeyText,
    /// The value named for every instance of a concurrency-declaring owner type, or as a
    /// package variable (see `Access::typed`).
    pub typed: Option<Path>,
    /// A map literal's map-valued elements by key, until the literal gets a name (MR003).
    pub stored: Option<Rc<[(Key, Path)]>>,
    /// A local holding a snapshot of a field's map taken under a lock (see `Access::copied`).
    pub snapshot: bool,
}

impl<'p> Ev<'p> {
    fn unknown() -> Ev<'p> {
        Ev { val: Val::Unknown, ty: Type::Unknown, origin: None, fresh: false, param: None, key: KeyText::Unknown, typed: None, stored: None, snapshot: false }
    }
    fn of_type(ty: Type) -> Ev<'p> {
        Ev { ty, ..Ev::unknown() }
    }
    fn path(&self) -> Option<&Path> {
        match &self.val {
            Val::Path(p, _) => Some(p),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
struct Var<'p> {
    id: u32,
    ty: Type,
    val: Val<'p>,
    origin: Option<ReadOrigin>,
    param: Option<u16>,
    /// Holds a map made fresh in this function (`inner := make(...)`), for MR003/MR004.
    fresh: bool,
    typed: Option<Path>,
    /// A loop's own variable (`for i := ...`, `for k := range`), different in each
    /// iteration of the loop with this scope: `xs[i]` is then that iteration's element.
    iteration: Option<u32>,
    /// Holds, since a lock was held, the map of a field or package variable
    /// (`conns := cc.conns` under `cc.mu`): a later reassignment of that variable does not
    /// change what this one holds.
    snapshot: bool,
}

#[derive(Clone, Debug)]
struct Flow {
    locks: Vec<HeldLock>,
    acq: SyncSet,
    live: bool,
}

pub(super) struct Walk<'a, 'p> {
    an: &'a mut Analyzer<'p>,
    func: Option<FuncId>,
    file: FileId,
    pkg: PkgId,
    scopes: Vec<HashMap<Rc<str>, Var<'p>>>,
    flow: Flow,
    thread: Thread,
    pos: u32,
    next_id: u32,
    releases: Vec<(Thread, u32, SyncObj)>,
    pub(super) sum: Summary,
    deferred: Vec<&'p Expr>,
    exits: Vec<Flow>,
    /// Instance scopes enclosing the current point (loop bodies and goroutine bodies).
    instance_scopes: Vec<u32>,
    loop_depth: u32,
    calls: u32,
    syncmap_loads: Vec<(Path, KeyText, Site, Vec<u32>)>,
    /// Locals whose map value was stored into map slots: local id → slots.
    local_stores: HashMap<Path, Vec<(Path, Option<Path>)>>,
    /// Per channel, the values sent on it (for `Root::Received`).
    sent: HashMap<Path, Vec<Path>>,
    /// Local channels made with capacity one: sending takes them, receiving gives them back
    /// (the channel-as-mutex idiom).
    semaphores: HashSet<Path>,
    /// Spawn sites instantiated from callees: site → first origin.
    spawn_origins: HashMap<Site, u32>,
    /// Declaration scope of each local with storage of its own (see `pairs::parallel`).
    local_scope: HashMap<u32, u32>,
    /// Alias classes of map slots established by callees (MR003).
    inherited_aliases: Vec<Vec<Path>>,
    /// Outer maps of racy lazy inits in this body: their reads are covered by MR004.
    lazy_paths: Vec<(Path, Thread)>,
    /// Instantiated callee accesses already present (see `instance_key`).
    seen: std::collections::HashSet<u64>,
    depth: u32,
}

impl<'a, 'p> Walk<'a, 'p> {
    pub(super) fn new(an: &'a mut Analyzer<'p>, func: Option<FuncId>, file: FileId, pkg: PkgId, depth: u32) -> Self {
        Walk {
            an,
            func,
            file,
            pkg,
            scopes: vec![HashMap::new()],
            flow: Flow { locks: Vec::new(), acq: SyncSet::default(), live: true },
            thread: Thread::Current,
            pos: 0,
            next_id: 0,
            releases: Vec::new(),
            sum: Summary::default(),
            deferred: Vec::new(),
            exits: Vec::new(),
            instance_scopes: vec![0],
            loop_depth: 0,
            calls: 0,
            syncmap_loads: Vec::new(),
            local_stores: HashMap::new(),
            sent: HashMap::new(),
            semaphores: HashSet::new(),
            spawn_origins: HashMap::new(),
            local_scope: HashMap::new(),
            lazy_paths: Vec::new(),
            inherited_aliases: Vec::new(),
            seen: std::collections::HashSet::new(),
            depth,
        }
    }

    fn site(&self, span: Span) -> Site {
        Site { file: self.file, span }
    }

    fn fresh_id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    fn tick(&mut self) -> u32 {
        self.pos += 1;
        self.pos
    }

    // ----- entry points -------------------------------------------------------------

    /// Walk a declared function: receiver and parameters become the summary's roots.
    pub(super) fn run_function(&mut self, id: FuncId) {
        let prog = self.an.prog;
        let f = &prog.funcs[id as usize];
        if let Some(r) = &f.recv
            && let Some(name) = &r.name {
                let base = Type::Named(r.ty);
                let ty = if r.pointer { Type::Pointer(Box::new(base)) } else { base };
                self.declare(name, ty, Val::Path(Path::new(Root::Recv), Via::Direct), None, Some(u16::MAX));
            }
        for (i, p) in f.body.sig.params.iter().enumerate() {
            let Some(name) = &p.name else { continue };
            let ty = f.params.get(i).cloned().unwrap_or(Type::Unknown);
            let val = match &ty {
                Type::Func(_) => Val::Func(FuncTarget::Param(i as u16)),
                _ => Val::Path(Path::new(Root::Param(i as u16)), Via::Direct),
            };
            self.declare(name, ty, val, None, Some(i as u16));
        }
        for (i, r) in f.body.sig.results.iter().enumerate() {
            if let Some(name) = &r.name {
                let ty = f.results.get(i).cloned().unwrap_or(Type::Unknown);
                let id = self.fresh_id();
                self.declare(name, ty, Val::Path(Path::new(Root::Local(id)), Via::Direct), None, None);
            }
        }
        if let Some(body) = &f.body.body {
            self.block(body);
        }
        if self.flow.live {
            self.exits.push(self.flow.clone());
        }
        self.finish_exit();
    }

    /// The exit state (join of returns), deferred calls run on it, lock effects recorded.
    fn finish_exit(&mut self) {
        let mut exit = match self.exits.split_first() {
            Some((first, rest)) => rest.iter().fold(first.clone(), |a, b| join(&a, b)),
            None => Flow { locks: Vec::new(), acq: self.flow.acq.clone(), live: false },
        };
        exit.live = true;
        self.flow = exit;
        self.pos = u32::MAX - 1;
        let deferred = std::mem::take(&mut self.deferred);
        for call in deferred.into_iter().rev() {
            self.expr_stmt(call);
        }
        self.sum.locks_acquired = self.flow.locks.clone();
    }

    /// Run an entry method as a goroutine that may run many times at once, on every
    /// instance of its type (declared concurrency, `ServeHTTP`).
    pub(super) fn enter_method(&mut self, id: FuncId, mode: super::Entry) {
        let prog = self.an.prog;
        let f = &prog.funcs[id as usize];
        let site = Site { file: f.file, span: f.body.span };
        let Some(r) = &f.recv else {
            // A parallel test function: runs alongside the other parallel tests, once.
            self.an.facts.entry_names.insert(site, format!("the parallel test {}", f.display));
            self.call_summary(id, None, Vec::new(), Some((site, false, SyncObj::Spawn(site), None)), f.body.span);
            return;
        };
        let recv = Path::type_root(r.ty);
        if mode == super::Entry::OneClient {
            // In the calling goroutine, with nothing carried over from the other entries.
            let saved = std::mem::replace(&mut self.flow, Flow { locks: Vec::new(), acq: SyncSet::default(), live: true });
            self.call_summary(id, Some(recv), Vec::new(), None, f.body.span);
            self.flow = saved;
            return;
        }
        if mode == super::Entry::SpawnOnly {
            let before = self.sum.accesses.len();
            self.call_summary(id, Some(recv), Vec::new(), None, f.body.span);
            let mut added = self.sum.accesses.split_off(before);
            added.retain(|a| a.thread != Thread::Current);
            self.sum.accesses.append(&mut added);
            return;
        }
        self.an.facts.entry_names.insert(site, format!("concurrent calls of {}", f.display));
        self.call_summary(id, Some(recv), Vec::new(), Some((site, true, SyncObj::Spawn(site), None)), f.body.span);
    }

    /// What was received from a channel on which exactly one value was sent is that value:
    /// the receiver's accesses meet the sender's (a handed-over map the sender still uses).
    fn resolve_received(&mut self) {
        let sent = std::mem::take(&mut self.sent);
        let resolve = |p: &mut Path| {
            if let Root::Received(ch) = &p.root
                && let Some([v]) = sent.get(ch.as_ref()).map(Vec::as_slice)
            {
                *p = p.rebase(0, v);
            }
        };
        for a in &mut self.sum.accesses {
            resolve(&mut a.path);
            for l in &mut a.locks {
                resolve(&mut l.lock);
            }
        }
    }

    /// A constructor that leaves goroutines running on the instance it returns: those
    /// goroutines, on "any instance" of `ty`, run alongside the entries (its own body is
    /// setup, before the instance is shared, and is left out).
    pub(super) fn enter_constructor(&mut self, id: FuncId, ty: crate::model::TypeId) {
        let f = &self.an.prog.funcs[id as usize];
        let before = self.sum.accesses.len();
        let results = self.call_summary(id, None, Vec::new(), None, f.body.span);
        let mut added = self.sum.accesses.split_off(before);
        let Some(instance) = results.first().and_then(|r| r.path()).map(|p| p.root.clone()) else { return };
        let any = Root::TypeRoot(ty);
        let rebase = |p: &mut Path| {
            if p.root == instance {
                p.root = any.clone();
            }
        };
        added.retain(|a| a.thread != Thread::Current);
        let mut rebased_rel = SetMemo::default();
        let mut rebased_acq = SetMemo::default();
        for a in &mut added {
            // Each call makes its own instance: on "every instance", a goroutine of one call
            // does not meet the same goroutine of another call (several goroutines of one
            // call on one instance were paired in the constructor's own walk).
            if let Thread::Spawned { multi, .. } = &mut a.thread {
                *multi = false;
            }
            rebase(&mut a.path);
            for l in &mut a.locks {
                rebase(&mut l.lock);
            }
            a.acq = rebased_acq.get_or(&a.acq, (), |set| {
                SyncSet::from_vec(
                    set.iter()
                        .map(|o| {
                            let mut o = o.clone();
                            if let SyncObj::Object(p) = &mut o {
                                rebase(Rc::make_mut(p));
                            }
                            o
                        })
                        .collect(),
                )
            });
            a.rel = rebased_rel.get_or(&a.rel, (), |set| {
                SyncSet::from_vec(
                    set.iter()
                        .map(|o| {
                            let mut o = o.clone();
                            if let SyncObj::Object(p) = &mut o {
                                rebase(Rc::make_mut(p));
                            }
                            o
                        })
                        .collect(),
                )
            });
        }
        self.sum.accesses.append(&mut added);
    }

    /// Close the walk: ordering marks completed, pairs checked, writes under RLock noted, and
    /// the summary trimmed to what callers can name.
    pub(super) fn finish(mut self) -> Summary {
        self.resolve_received();
        let releases = std::mem::take(&mut self.releases);
        // Per thread, the positions of its releases in order: the releases after an access
        // are named by how many of them come at or before it.
        let mut positions: HashMap<Thread, Vec<u32>> = HashMap::new();
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
        for pc in &mut self.sum.param_calls {
            for (t, p, s) in &releases {
                if *t == pc.thread && *p > pc.pos && !pc.rel.contains(s) {
                    pc.rel.push(s.clone());
                }
            }
        }
        let mut aliases: super::pairs::AliasClasses = self.an.global_aliases.clone();
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
                    self.an.pool_access(Access { path: t.clone(), ..a.clone() });
                }
            }
        } else {
            for mut a in std::mem::take(&mut self.an.pool) {
                a.origin = u32::MAX;
                a.respawned = false;
                self.sum.accesses.push(a);
            }
            let an = &*self.an;
            self.sum.accesses.retain(|a| an.declared_shared(a));
        }
        let conflicts = super::pairs::find_conflicts(&self.sum.accesses, &self.local_scope, &aliases, &self.an.facts.entry_names, &mut self.an.conflict_shapes);
        self.an.facts.conflicts.extend(conflicts);
        for a in &self.sum.accesses {
            let write = a.kind.is_write() || a.kind == AccessKind::FieldWrite;
            if write && !a.path.is_function_local() && !a.locks.is_empty() && a.locks.iter().all(|l| l.mode == Mode::Read) {
                self.an.facts.rlock_writes.push(a.clone());
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
        let acquired: HashSet<SyncObj> =
            self.sum.accesses.iter().flat_map(|a| a.acq.iter()).chain(&self.sum.acquires).cloned().collect();
        self.sum.accesses.retain(|a| keep(&a.path));
        // A local mutex, channel or WaitGroup still orders and guards the goroutines this
        // function started after it returns: callers see it under a name of its own.
        let func = self.func.unwrap_or(u32::MAX);
        let global = |p: &mut Path| {
            if let Root::Local(l) = p.root
                && !returned.contains(&l) {
                    p.root = Root::FuncLocal(func, l);
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
            SyncObj::ParentEnd(_) => true,
        };
        let mut named_rel = SetMemo::default();
        let mut named_acq = SetMemo::default();
        for a in &mut self.sum.accesses {
            a.locks.iter_mut().for_each(|l| global(&mut l.lock));
            a.acq = named_acq.get_or(&a.acq, (), |set| {
                SyncSet::from_vec(
                    set.iter()
                        .map(|s| {
                            let mut s = s.clone();
                            global_sync(&mut s);
                            s
                        })
                        .collect(),
                )
            });
            a.rel = named_rel.get_or(&a.rel, (), |set| {
                SyncSet::from_vec(
                    set.iter()
                        .filter(|s| useful(s))
                        .map(|s| {
                            let mut s = s.clone();
                            global_sync(&mut s);
                            s
                        })
                        .collect(),
                )
            });
        }
        self.sum.releases.iter_mut().for_each(global_sync);
        self.sum.acquires.iter_mut().for_each(global_sync);
        self.sum.locks_acquired.iter_mut().for_each(|h| global(&mut h.lock));
        self.sum.locks_released.iter_mut().for_each(global);
        self.sum
    }

    // ----- scopes --------------------------------------------------------------------

    fn declare(&mut self, name: &str, ty: Type, val: Val<'p>, origin: Option<ReadOrigin>, param: Option<u16>) -> u32 {
        if name == "_" {
            return 0;
        }
        let id = match &val {
            Val::Path(Path { root: Root::Local(id), steps }, _) if steps.is_empty() => *id,
            _ => self.fresh_id(),
        };
        let scope = *self.instance_scopes.last().unwrap_or(&0);
        if matches!(&val, Val::Path(Path { root: Root::Local(l), steps }, _) if *l == id && steps.is_empty()) {
            self.local_scope.insert(id, scope);
        }
        let var = Var { id, ty, val, origin, param, fresh: false, typed: None, iteration: None, snapshot: false };
        if let Some(s) = self.scopes.last_mut() {
            s.insert(Rc::from(name), var);
        }
        id
    }

    /// The path a local variable names, without recording an access.
    fn eval_quiet_path(&self, e: &Expr) -> Option<Path> {
        match &e.kind {
            ExprKind::Ident(n) => match &self.lookup(n)?.val {
                Val::Path(p, _) => Some(p.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    /// `x.f.g` as a path from what the local `x` names, without recording anything.
    fn quiet_field_path(&self, e: &Expr) -> Option<Path> {
        match &e.kind {
            ExprKind::Selector(x, f) => Some(self.quiet_field_path(x)?.child(Step::Field(Rc::from(f.as_str())))),
            _ => self.eval_quiet_path(e),
        }
    }

    fn mark_iteration(&mut self, var: &Expr, scope: u32) {
        if let ExprKind::Ident(n) = &var.kind
            && let Some(v) = self.lookup_mut(n)
        {
            v.iteration = Some(scope);
        }
    }

    /// `k` is a loop's own variable: the iteration scope it is different in.
    fn iteration_of(&self, k: &Expr) -> Option<u32> {
        match &k.kind {
            ExprKind::Ident(n) => self.lookup(n)?.iteration,
            _ => None,
        }
    }

    fn lookup(&self, name: &str) -> Option<&Var<'p>> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    fn lookup_mut(&mut self, name: &str) -> Option<&mut Var<'p>> {
        self.scopes.iter_mut().rev().find_map(|s| s.get_mut(name))
    }

    fn with_scope<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        self.scopes.push(HashMap::new());
        let r = f(self);
        self.scopes.pop();
        r
    }

    // ----- statements ----------------------------------------------------------------

    fn block(&mut self, stmts: &'p [Stmt]) {
        self.with_scope(|w| {
            for s in stmts {
                w.stmt(s);
            }
        });
    }

    fn stmt(&mut self, s: &'p Stmt) {
        if !self.flow.live {
            // Unreachable code after return/panic: still walked for accesses, but from a
            // fresh unlocked state would invent lock facts, so it is skipped.
            return;
        }
        match s {
            Stmt::Expr(e) => self.expr_stmt(e),
            Stmt::Assign { lhs, rhs, op, span } => self.assign(lhs, rhs, *op, *span),
            Stmt::IncDec(e) => self.assign_target(e, None, true),
            Stmt::VarDecl { names, ty, values } => {
                let declared = ty.as_ref().map(|t| self.an.prog.resolve(self.file, t));
                let evs: Vec<Ev<'p>> = values.iter().map(|v| self.eval(v)).collect();
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
                // Arguments are evaluated now; the call runs at exit.
                if let ExprKind::Call { args, func } = &call.kind
                    && !matches!(func.kind, ExprKind::FuncLit(_)) {
                        for a in args {
                            if !matches!(a.kind, ExprKind::FuncLit(_)) {
                                self.eval(a);
                            }
                        }
                    }
                self.deferred.push(call);
            }
            Stmt::Return(vals, span) => {
                let evs: Vec<Ev<'p>> = vals.iter().map(|v| self.eval(v)).collect();
                let under_lock = !self.flow.locks.is_empty();
                let site = self.site(*span);
                for (i, ev) in evs.into_iter().enumerate() {
                    if self.sum.returns.len() <= i {
                        self.sum.returns.push(Returned::default());
                    }
                    let r = &mut self.sum.returns[i];
                    // A map, or a struct made in this call (a constructor's instance, whose
                    // maps goroutines it started may still be using).
                    let named = |p: &Path| matches!(p.root, Root::Local(_)) && self.an.prog.named_of(&ev.ty).is_some();
                    if let Some(p) = ev.path()
                        && (matches!(ev.ty, Type::Map(..)) || named(p))
                        && r.path.is_none() {
                            r.path = Some(p.clone());
                            // A map made in this call is the caller's alone.
                            r.under_lock = under_lock && !matches!(p.root, Root::Local(_));
                            r.site = Some(site);
                        }
                    if r.read_origin.is_none() {
                        r.read_origin = ev.origin.clone();
                    }
                    if r.typed.is_none() {
                        r.typed = ev.typed.clone();
                    }
                    r.fresh |= ev.fresh;
                }
                self.exits.push(self.flow.clone());
                self.flow.live = false;
            }
            Stmt::Send { chan, value, span } => {
                let v = self.eval(value);
                let ch = self.eval(chan);
                self.tick();
                if let Some(p) = ch.path()
                    && self.semaphores.contains(p)
                {
                    // `sem <- x` on a channel of capacity one takes it like a mutex.
                    let site = self.site(*span);
                    self.lock(p.clone(), Mode::Write, site, None);
                } else if let Some(p) = ch.path() {
                    if let Some(vp) = v.path() {
                        let sent = self.sent.entry(p.clone()).or_default();
                        if !sent.contains(vp) {
                            sent.push(vp.clone());
                        }
                    }
                    self.release(SyncObj::Object(Rc::new(p.clone())));
                }
            }
            Stmt::If { init, cond, then, els } => self.with_scope(|w| {
                if let Some(i) = init {
                    w.stmt(i);
                }
                w.eval(cond);
                let entry = w.flow.clone();
                w.block(then);
                let after_then = std::mem::replace(&mut w.flow, entry);
                if let Some(e) = els {
                    w.stmt(e);
                }
                w.flow = join_live(&after_then, &w.flow);
            }),
            Stmt::For { init, cond, post, range, body } => self.with_scope(|w| {
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
                w.instance_scopes.push(scope);
                w.loop_depth += 1;
                if let Some(c) = cond {
                    w.eval(c);
                }
                let entry = w.flow.clone();
                let mut channel = None;
                w.with_scope(|w| {
                    if let Some(r) = range {
                        channel = w.range_clause(r);
                    }
                    w.block(body);
                    if let Some(p) = post {
                        w.stmt(p);
                    }
                });
                w.loop_depth -= 1;
                w.instance_scopes.pop();
                let infinite = cond.is_none() && range.is_none();
                w.flow = if infinite && !w.flow.live { Flow { live: true, ..entry } } else { join_live(&entry, &w.flow) };
                if let Some(ch) = channel {
                    // A range over a channel ends when it is closed: after the loop, not in
                    // its body, comes what the closer did before `close`.
                    w.acquire(closed(&ch));
                }
            }),
            Stmt::Switch { init, tag, type_bind, cases } => self.with_scope(|w| {
                if let Some(i) = init {
                    w.stmt(i);
                }
                let tag_ev = tag.as_ref().map(|t| w.eval(t));
                let entry = w.flow.clone();
                let mut out: Option<Flow> = None;
                for case in cases {
                    w.flow = entry.clone();
                    w.with_scope(|w| {
                        if let (Some(b), Some(ev)) = (type_bind, &tag_ev) {
                            w.define(b, ev.clone());
                        }
                        for s in case {
                            w.stmt(s);
                        }
                    });
                    out = Some(match out {
                        Some(o) => join_live(&o, &w.flow),
                        None => w.flow.clone(),
                    });
                }
                w.flow = match out {
                    Some(o) => join_live(&o, &entry),
                    None => entry,
                };
            }),
            Stmt::Select { cases } => {
                let entry = self.flow.clone();
                let mut out: Option<Flow> = None;
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
                        Some(o) => join_live(&o, &self.flow),
                        None => self.flow.clone(),
                    });
                }
                self.flow = out.unwrap_or(entry);
            }
            Stmt::Block(b) => self.block(b),
            Stmt::Labeled(s) => self.stmt(s),
            Stmt::Jump => {
                // break/continue leave the straight line; the loop join keeps the entry state.
                self.flow.live = false;
            }
            Stmt::Empty => {}
        }
    }

    /// Binds the loop variables; returns the channel when ranging over one.
    fn range_clause(&mut self, r: &'p RangeClause) -> Option<Path> {
        let ev = self.eval(&r.expr);
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

    fn assign(&mut self, lhs: &'p [Expr], rhs: &'p [Expr], op: AssignOp, _span: Span) {
        if op == AssignOp::Compound {
            for (l, r) in lhs.iter().zip(rhs) {
                let ev = self.eval(r);
                self.assign_target(l, Some(ev), true);
            }
            return;
        }
        let evs: Vec<Ev<'p>> = if rhs.len() == 1 && lhs.len() == 2 {
            // `v, ok := m[k]` / `v, ok := <-ch` / `v, ok := x.(T)`: the first is the value.
            let mut ev = self.eval(&rhs[0]);
            if matches!(rhs[0].kind, ExprKind::Index(..))
                && let Some(o) = &mut ev.origin {
                    o.checked = true;
                }
            // The second value (`ok`, `err`) names nothing the rules follow.
            vec![ev, Ev::of_type(Type::Opaque)]
        } else {
            let evs: Vec<Ev<'p>> = rhs.iter().map(|r| self.eval(r)).collect();
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
    fn define(&mut self, name: &str, ev: Ev<'p>) {
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
            v.snapshot = locked && matches!(&v.val, Val::Path(p, _) if !p.is_function_local());
        }
        if let Some(stored) = &ev.stored {
            let dest = Path::new(Root::Local(id));
            for (k, value) in stored.iter() {
                self.local_stores.entry(value.clone()).or_default().push((dest.child(Step::Key(k.clone())), None));
            }
        }
    }

    /// Assign to an lvalue. `rmw`: the old value is read too (`+=`, `++`).
    fn assign_target(&mut self, l: &'p Expr, ev: Option<Ev<'p>>, rmw: bool) {
        let ev = ev.unwrap_or_else(Ev::unknown);
        match &l.kind {
            ExprKind::Ident(n) if n == "_" => {}
            ExprKind::Ident(n) => {
                let Some(var) = self.lookup(n).cloned() else {
                    // A package-level variable.
                    if let Some(g) = self.an.prog.packages[self.pkg as usize].vars.get(n.as_str())
                        && self.an.prog.underlying(&g.ty).is_map() {
                            let p = Path::new(Root::Global(self.pkg, Rc::from(n.as_str())));
                            let gty = g.ty.clone();
                            self.access(p, AccessKind::Reassign, KeyText::Unknown, l.span, l, &Ev::of_type(gty));
                        }
                    return;
                };
                let owns_storage = matches!(&var.val, Val::Path(Path { root: Root::Local(id), steps }, _) if *id == var.id && steps.is_empty());
                if owns_storage {
                    if self.an.prog.underlying(&var.ty).is_map() {
                        let p = Path::new(Root::Local(var.id));
                        self.access(p, AccessKind::Reassign, KeyText::Unknown, l.span, l, &Ev::of_type(var.ty.clone()));
                    }
                    if let Some(v) = self.lookup_mut(n) {
                        v.origin = ev.origin.clone();
                        v.fresh = ev.fresh;
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
                if let Some((p, ty)) = self.field_of(&base, f) {
                    if self.an.prog.underlying(&ty).is_map() {
                        let fev = Ev { val: Val::Path(p.clone(), via_of(&base)), ty, ..Ev::unknown() };
                        self.access(p.clone(), AccessKind::Reassign, KeyText::Unknown, l.span, l, &fev);
                        self.detach_aliases(&p);
                    } else if let Some(bp) = base.path() {
                        // A field write on a value reached through a map (`m[k].n = 1`).
                        if bp.steps.last().is_some_and(|s| matches!(s, Step::Key(_))) {
                            let mut container = bp.clone();
                            container.steps.pop();
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
                    a.value_from = if rmw { None } else { ev.origin.clone() };
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
    fn detach_aliases(&mut self, p: &Path) {
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

    fn expr_stmt(&mut self, e: &'p Expr) {
        if let ExprKind::Call { func, args } = &e.kind
            && is_noreturn(func) {
                for a in args {
                    self.eval(a);
                }
                self.flow.live = false;
                return;
            }
        self.eval(e);
    }

    // ----- goroutines ----------------------------------------------------------------

    fn go_stmt(&mut self, call: &'p Expr) {
        let site = self.site(call.span);
        let multi = self.loop_depth > 0;
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
    fn eval_args(&mut self, args: &'p [Expr]) -> Vec<Ev<'p>> {
        args.iter()
            .map(|a| {
                let mut ev = self.eval(a);
                ev.key = self.key_text(a, &ev);
                ev
            })
            .collect()
    }

    /// What a call's function expression names, if the analysis can follow it.
    fn callee(&mut self, func: &'p Expr) -> Option<FuncTarget<'p>> {
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
    fn run_target(&mut self, target: FuncTarget<'p>, args: Vec<Ev<'p>>, spawn: Option<(Site, bool, SyncObj, Option<SyncObj>)>, span: Span) -> Vec<Ev<'p>> {
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
                    let sp = match (spawn, self.thread) {
                        (Some((s, m, _, _)), _) => Some((s, m || self.loop_depth > 0)),
                        (None, Thread::Spawned { site, multi }) => Some((site, multi)),
                        (None, Thread::Current) => None,
                    };
                    let thread = self.thread;
                    let locks = if sp.is_none() { self.flow.locks.clone() } else { Vec::new() };
                    self.sum.param_calls.push(ParamCall { param: i, spawn: sp, thread, pos, rel: Vec::new(), locks });
                }
                Vec::new()
            }
        }
    }

    /// Walk a function literal inline: in a new goroutine when `spawn` is set.
    fn run_closure(&mut self, body: &'p FuncBody, args: Vec<Ev<'p>>, spawn: Option<(Site, bool, SyncObj, Option<SyncObj>)>) {
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
            let multi = *multi || self.loop_depth > 0 || matches!(self.thread, Thread::Spawned { multi: true, .. });
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
        if spawn.is_some() {
            self.loop_depth = 0;
        }
        self.scopes.push(HashMap::new());
        for (i, p) in body.sig.params.iter().enumerate() {
            if let Some(n) = &p.name {
                let mut ev = args.get(i).cloned().unwrap_or_else(Ev::unknown);
                if matches!(ev.ty, Type::Unknown) {
                    ev.ty = self.an.prog.resolve(self.file, &p.ty);
                }
                self.define(n, ev);
            }
        }
        if let Some(b) = &body.body {
            for s in b {
                self.stmt(s);
            }
        }
        if self.flow.live {
            self.exits.push(self.flow.clone());
        }
        let exits = std::mem::replace(&mut self.exits, saved_exits);
        let mut exit = match exits.split_first() {
            Some((f, rest)) => rest.iter().fold(f.clone(), |a, b| join(&a, b)),
            None => self.flow.clone(),
        };
        exit.live = true;
        self.flow = exit;
        let deferred = std::mem::replace(&mut self.deferred, saved_deferred);
        let inner_pos = self.pos;
        self.pos = u32::MAX - 2;
        for d in deferred.into_iter().rev() {
            self.expr_stmt(d);
        }
        if let Some((_, _, _, Some(end))) = &spawn {
            self.release(end.clone());
        }
        self.scopes.pop();
        self.loop_depth = saved_loop;
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
    fn handed_over_locks(&self, body: &FuncBody) -> Vec<Path> {
        let Some(stmts) = &body.body else { return Vec::new() };
        stmts
            .iter()
            .filter_map(|s| match s {
                Stmt::Defer(Expr { kind: ExprKind::Call { func, .. }, .. }) => match &func.kind {
                    ExprKind::Selector(recv, name) if name == "Unlock" || name == "RUnlock" => self.quiet_field_path(recv),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    // ----- calls ---------------------------------------------------------------------

    fn call(&mut self, e: &'p Expr, func: &'p Expr, args: &'p [Expr]) -> Ev<'p> {
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

    fn builtin(&mut self, name: &str, e: &'p Expr, args: &'p [Expr]) -> Option<Ev<'p>> {
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
                if name == "close" {
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

    /// sync primitives, sync.Map, WaitGroup/errgroup, Once, testing.T, net/http, time.
    /// The import path `recv` names when it is a package qualifier (`http` in `http.Get`).
    fn qualifier_path(&self, recv: &Expr) -> Option<String> {
        match &recv.kind {
            ExprKind::Ident(pkg) if self.lookup(pkg).is_none() => self.an.prog.import_path(self.file, pkg).map(str::to_string),
            _ => None,
        }
    }

    /// Methods of sync primitives (`mu.Lock`, `wg.Wait`, `once.Do`, `m.Load`, `t.Run`) on an
    /// already evaluated receiver.
    fn sync_method(&mut self, e: &'p Expr, recv: &'p Expr, rev: &Ev<'p>, name: &str, args: &'p [Expr]) -> Option<Ev<'p>> {
        let (prefix, target) = self.an.prog.method(&rev.ty, name)?;
        let MethodTarget::Sync(kind) = target else { return None };
        let class = self.lock_class(recv, &prefix);
        let mut obj = rev.path()?.clone();
        for f in prefix {
            obj = obj.child(Step::Field(Rc::from(f.as_str())));
        }
        let site = self.site(e.span);
        match (kind, name) {
            (SyncKind::Mutex | SyncKind::RWMutex, "Lock" | "TryLock") => self.lock(obj, Mode::Write, site, class),
            (SyncKind::RWMutex, "RLock" | "TryRLock") => self.lock(obj, Mode::Read, site, class),
            (SyncKind::Mutex | SyncKind::RWMutex, "Unlock") | (SyncKind::RWMutex, "RUnlock") => self.unlock(&obj),
            (SyncKind::WaitGroup, "Done") => {
                self.tick();
                self.release(SyncObj::Object(Rc::new(obj)));
            }
            (SyncKind::WaitGroup | SyncKind::ErrGroup, "Wait") => {
                self.tick();
                self.acquire(SyncObj::Object(Rc::new(obj)));
            }
            (SyncKind::WaitGroup | SyncKind::ErrGroup, "Go" | "TryGo") => {
                let f = args.first()?;
                self.spawn_value(f, site, Some(SyncObj::Object(Rc::new(obj))));
            }
            (SyncKind::Once, "Do") => {
                // The body runs once, before every `Do` returns: a lock for exclusion, and an
                // ordering edge to whatever follows `Do` in any goroutine.
                let f = args.first()?;
                let once = SyncObj::Object(Rc::new(obj.clone()));
                self.lock(obj.clone(), Mode::Write, site, None);
                if let Some(l) = self.flow.locks.last_mut() {
                    l.once = true;
                }
                self.call_value(f, Vec::new());
                self.unlock(&obj);
                self.tick();
                self.release(once.clone());
                self.acquire(once);
            }
            (SyncKind::Map, _) => return Some(self.sync_map_call(e, obj, name, args)),
            (SyncKind::TestingT, "Run") => {
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
            (SyncKind::ServeMux, "HandleFunc" | "Handle") => {
                self.eval(args.first()?);
                let h = args.get(1)?;
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

    fn stdlib_call(&mut self, e: &'p Expr, path: &str, name: &str, args: &'p [Expr]) -> Option<Ev<'p>> {
        let site = self.site(e.span);
        match (path, name) {
            ("time", "AfterFunc") => {
                self.eval(args.first()?);
                self.spawn_value(args.get(1)?, site, None);
                Some(Ev::unknown())
            }
            ("net/http", "HandleFunc" | "Handle") => {
                self.eval(args.first()?);
                self.spawn_handler(args.get(1)?, site);
                Some(Ev::unknown())
            }
            // RPC servers: the framework calls the registered value's exported methods per
            // request, concurrently (net/rpc; gRPC's generated `RegisterXServer`).
            (p, n) if (p == "net/rpc" && matches!(n, "Register" | "RegisterName")) || (n.starts_with("Register") && n.ends_with("Server") && args.len() == 2) => {
                let evs: Vec<Ev<'p>> = args.iter().map(|a| self.eval(a)).collect();
                if let Some(t) = evs.last().and_then(|ev| self.an.prog.named_of(&ev.ty)) {
                    self.an.facts.registered.insert(t);
                }
                Some(Ev::unknown())
            }
            // Printing and encoding read every entry of a map handed to them: a range.
            (p, n) if reads_map_arguments(p, n) => {
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
            // `http.HandlerFunc(f)` is `f`, as a handler.
            ("net/http", "HandlerFunc") if args.len() == 1 => Some(self.eval(&args[0])),
            // Constructors of the primitives above: a fresh one, so that `g, ctx :=
            // errgroup.WithContext(ctx); g.Go(f)` spawns like a declared `var g errgroup.Group`.
            ("golang.org/x/sync/errgroup", "WithContext") | ("sync", "NewCond") | ("net/http", "NewServeMux") => {
                for a in args {
                    self.eval(a);
                }
                let kind = match name {
                    "WithContext" => SyncKind::ErrGroup,
                    "NewCond" => SyncKind::Cond,
                    _ => SyncKind::ServeMux,
                };
                Some(Ev { fresh: true, ..Ev::of_type(Type::Pointer(Box::new(Type::Sync(kind)))) })
            }
            ("maps", "Clone") | ("maps", "Copy") => {
                let evs: Vec<Ev<'p>> = args.iter().map(|a| self.eval(a)).collect();
                for (a, ev) in args.iter().zip(&evs).take(if name == "Copy" { 2 } else { 1 }).skip(if name == "Copy" { 1 } else { 0 }) {
                    if let Some(p) = ev.path() {
                        self.access(p.clone(), AccessKind::Range, KeyText::Unknown, a.span, a, ev);
                    }
                }
                if name == "Copy"
                    && let Some(ev) = evs.first()
                        && let Some(p) = ev.path() {
                            self.access(p.clone(), AccessKind::Write, KeyText::Unknown, args[0].span, &args[0], ev);
                        }
                let ty = evs.first().map(|e| e.ty.clone()).unwrap_or(Type::Unknown);
                if name == "Clone" {
                    // A map of this call's own: `opts = maps.Clone(opts)` rebinds `opts` to it,
                    // so what follows writes the copy, not the map the caller may share.
                    let id = self.fresh_id();
                    self.local_scope.insert(id, *self.instance_scopes.last().unwrap_or(&0));
                    return Some(Ev { val: Val::Path(Path::new(Root::Local(id)), Via::Direct), fresh: true, ..Ev::of_type(ty) });
                }
                Some(Ev::of_type(ty))
            }
            ("maps", "Keys" | "Values" | "All") => {
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
    fn spawn_handler(&mut self, h: &'p Expr, site: Site) {
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
                .method(&ev.ty, "ServeHTTP")
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
    fn spawn_value(&mut self, f: &'p Expr, site: Site, end: Option<SyncObj>) {
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

    fn call_value(&mut self, f: &'p Expr, args: Vec<Ev<'p>>) {
        let ev = match &f.kind {
            ExprKind::FuncLit(body) => Ev { val: Val::Func(FuncTarget::Closure(body)), ..Ev::unknown() },
            _ => self.eval(f),
        };
        if let Val::Func(t) = ev.val {
            self.run_target(t, args, None, f.span);
        }
    }

    fn sync_map_call(&mut self, e: &'p Expr, obj: Path, name: &str, args: &'p [Expr]) -> Ev<'p> {
        let evs: Vec<Ev<'p>> = args.iter().map(|a| self.eval(a)).collect();
        let key = match (args.first(), evs.first()) {
            (Some(k), Some(kev)) => self.key_text(k, kev),
            _ => KeyText::Unknown,
        };
        let site = self.site(e.span);
        match name {
            "Load" => {
                let sections = self.flow.locks.iter().map(|l| l.section).collect();
                self.syncmap_loads.push((obj.clone(), key.clone(), site, sections));
                let origin = Some(ReadOrigin { path: obj.clone(), key, sections: Vec::new(), site, checked: false, modified: false });
                let v = Path::new(Root::SyncValue(Rc::new(obj)));
                Ev { val: Val::Path(v, Via::Direct), ty: Type::Unknown, origin, ..Ev::unknown() }
            }
            "Store" | "Delete" => {
                let load = self
                    .syncmap_loads
                    .iter()
                    .rev()
                    .find(|(p, k, _, _)| p.may_alias(&obj) && k.same_as(&key))
                    // Load and Store inside one critical section of an outer lock are atomic.
                    .filter(|(_, _, _, sections)| !self.flow.locks.iter().any(|l| sections.contains(&l.section)))
                    .map(|(_, _, s, _)| *s);
                if let Some(load_site) = load {
                    let shown = match &e.kind {
                        ExprKind::Call { func, .. } => match &func.kind {
                            ExprKind::Selector(r, _) => expr_text(r),
                            _ => expr_text(func),
                        },
                        _ => expr_text(e),
                    };
                    self.an.facts.syncmap.push(SyncMapFact {
                        site,
                        related: load_site,
                        shown: Rc::from(shown),
                        form: if name == "Store" { SyncMapForm::LoadThenStore } else { SyncMapForm::LoadThenDelete },
                    });
                }
                Ev::unknown()
            }
            "LoadOrStore" | "Swap" | "LoadAndDelete" | "CompareAndSwap" | "CompareAndDelete" => {
                // The code arbitrated through an atomic operation: a Store that follows is a
                // deliberate overwrite of what it won, not a check-then-act on the Load.
                self.syncmap_loads.retain(|(p, k, _, _)| !(p.may_alias(&obj) && k.same_as(&key)));
                let v = Path::new(Root::SyncValue(Rc::new(obj)));
                Ev { val: Val::Path(v, Via::Direct), ..Ev::unknown() }
            }
            "Range" => {
                if let Some(ExprKind::FuncLit(body)) = args.first().map(|a| &a.kind) {
                    let v = Path::new(Root::SyncValue(Rc::new(obj)));
                    let vev = Ev { val: Val::Path(v, Via::Direct), ..Ev::unknown() };
                    self.run_closure(body, vec![Ev::unknown(), vev], None);
                }
                Ev::unknown()
            }
            _ => Ev::unknown(),
        }
    }

    /// Instantiate a callee's summary here. Returns what the call evaluates to.
    fn call_summary(&mut self, id: FuncId, recv: Option<Path>, args: Vec<Ev<'p>>, spawn: Option<(Site, bool, SyncObj, Option<SyncObj>)>, span: Span) -> Vec<Ev<'p>> {
        let Some(sum) = self.an.summary(id, self.depth + 1) else {
            return Vec::new();
        };
        self.calls += 1;
        let origin = self.calls;
        let call_pos = self.tick();
        let caller_locks = self.flow.locks.clone();
        let caller_acq = self.flow.acq.clone();
        let caller_thread = self.thread;
        let in_loop = self.loop_depth > 0 || matches!(self.thread, Thread::Spawned { multi: true, .. });
        let mut local_map: HashMap<u32, u32> = HashMap::new();
        // Locals a spawned callee returns belong to each of its instances.
        let scope = if spawn.is_some() { self.fresh_id() } else { *self.instance_scopes.last().unwrap_or(&0) };
        let spawn_scopes: Rc<[u32]> = {
            let mut v = self.instance_scopes.clone();
            v.push(scope);
            Rc::from(v)
        };
        for r in &sum.returns {
            if let Some(Path { root: Root::Local(l), .. }) = &r.path {
                let fresh = self.fresh_id();
                local_map.insert(*l, fresh);
                self.local_scope.insert(fresh, scope);
            }
        }
        let subst = |p: &Path| -> Option<Path> { subst_path(p, recv.as_ref(), &args, &local_map) };
        let subst_key = |k: &KeyText| -> KeyText {
            match k {
                KeyText::Param(i, _) => args.get(*i as usize).map(|a| a.key.clone()).unwrap_or(KeyText::Unknown),
                other => other.clone(),
            }
        };
        let spawn_info = spawn.as_ref().map(|(s, m, start, _)| (*s, *m || in_loop, start.clone()));
        let caller_site = match caller_thread {
            Thread::Spawned { site, .. } => Some(site),
            Thread::Current => None,
        };
        let mut new_accesses = Vec::new();
        let mut substituted_rel = SetMemo::default();
        let mut substituted_acq = SetMemo::default();
        let mut objs = ObjSubst::new(&subst);
        for a in &sum.accesses {
            let Some(path) = subst(&a.path) else { continue };
            let mut locks: Vec<HeldLock> =
                a.locks.iter().filter_map(|l| Some(HeldLock { lock: subst(&l.lock)?, ..l.clone() })).collect();
            let rel = substituted_rel.get_or(&a.rel, (), |set| objs.set(set));
            // What the callee acquired before the access, then what the caller had acquired
            // before the call, then the goroutine's start when the call starts one.
            let start = match (a.thread, &spawn_info) {
                (Thread::Current, Some((_, _, start))) => Some(start),
                _ => None,
            };
            let acq = substituted_acq.get_or(&a.acq, start.is_some(), |set| {
                objs.set(set).with(caller_acq.iter().chain(start))
            });
            let thread = match (a.thread, &spawn_info) {
                (Thread::Current, Some((site, multi, _))) => {
                    Thread::Spawned { site: *site, multi: *multi }
                }
                (Thread::Current, None) => {
                    for l in &caller_locks {
                        if !locks.iter().any(|m| m.lock == l.lock) {
                            locks.push(l.clone());
                        }
                    }
                    caller_thread
                }
                (Thread::Spawned { site, multi }, _) => Thread::Spawned { site, multi: multi || in_loop || spawn_info.as_ref().is_some_and(|s| s.1) },
            };
            let value_from = match a.value_param {
                Some(j) => args.get(j as usize).and_then(|ev| ev.origin.clone()),
                None => a.value_from.as_ref().and_then(|o| subst_origin(o, &subst, &subst_key)),
            };
            let value_param = a.value_param.and_then(|j| args.get(j as usize).and_then(|ev| ev.param)).filter(|p| *p != u16::MAX);
            let acc = Access {
                path,
                kind: a.kind,
                key: subst_key(&a.key),
                site: a.site,
                shown: a.shown.clone(),
                thread,
                locks,
                pos: if a.thread == Thread::Current && spawn_info.is_none() { call_pos } else { a.pos },
                acq,
                rel,
                via: a.via.clone(),
                fresh_value: a.fresh_value,
                value_from,
                value_param,
                origin,
                // A goroutine the callee starts belongs to this call's instance scopes too
                // (the caller's loop iteration, the goroutine running the caller).
                instance_scopes: if a.thread == Thread::Current {
                    spawn_scopes.clone()
                } else {
                    spawn_scopes.iter().chain(a.instance_scopes.iter()).copied().collect()
                },
                lazy_check: a.lazy_check,
                lazy_covered: a.lazy_covered,
                typed: a.typed.clone(),
                // A callee's access to a map parameter reaches the snapshot the caller passed.
                copied: a.copied || matches!(a.path.root, Root::Param(i) if args.get(i as usize).is_some_and(|ev| ev.snapshot)),
                respawned: match (a.thread, thread) {
                    (Thread::Current, Thread::Spawned { .. }) => true,
                    (Thread::Spawned { multi: false, .. }, Thread::Spawned { multi: true, .. }) => true,
                    _ => false,
                },
            };
            new_accesses.push(acc);
        }
        // Spawn sites reached through two calls run as two goroutines at once: goroutines
        // this call starts (the callee's, or the call itself with `go`), not the goroutine the
        // caller runs in, which makes every call from it.
        let mut multi_sites = Vec::new();
        for acc in &new_accesses {
            if let Thread::Spawned { site, .. } = acc.thread
                && (spawn_info.is_some() || Some(site) != caller_site)
            {
                match self.spawn_origins.get(&site) {
                    Some(o) if *o != origin => multi_sites.push(site),
                    Some(_) => {}
                    None => {
                        self.spawn_origins.insert(site, origin);
                    }
                }
            }
        }
        for acc in new_accesses {
            if self.sum.accesses.len() >= MAX_ACCESSES {
                break;
            }
            if acc.value_from.is_some() && acc.kind == AccessKind::Write {
                let i = self.sum.accesses.len();
                self.sum.accesses.push(acc);
                let at = self.site(span);
                self.check_split_rmw(i, Some(at));
                continue;
            }
            // The same callee access instantiated again with nothing that could tell the
            // copies apart (same guards, same ordering so far) adds nothing to any pair.
            if self.seen.insert(self.instance_key(&acc)) {
                self.sum.accesses.push(acc);
            }
        }
        if !multi_sites.is_empty() {
            for a in &mut self.sum.accesses {
                if let Thread::Spawned { site, multi } = &mut a.thread
                    && multi_sites.contains(site) {
                        *multi = true;
                    }
            }
        }
        // Ordering effects of the callee in the caller's goroutine.
        if spawn.is_none() {
            for r in &sum.releases {
                if let Some(s) = subst_sync(r, &subst) {
                    self.release(s);
                }
            }
            for a in &sum.acquires {
                if let Some(s) = subst_sync(a, &subst) {
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
            self.run_target(t, Vec::new(), sp, span);
            for l in &taken {
                self.unlock(l);
            }
            let rel: Vec<SyncObj> = pc.rel.iter().filter_map(|s| subst_sync(s, &subst)).collect();
            let mut with_rel = SetMemo::default();
            for a in &mut self.sum.accesses[before..] {
                a.rel = with_rel.get_or(&a.rel, (), |set| set.with(&rel));
            }
        }
        if let Some((_, _, _, Some(end))) = &spawn {
            // errgroup.Go / wg.Go of a module function: its end releases the group.
            let end = end.clone();
            if let Some(si) = spawn_info.as_ref() {
                for a in self.sum.accesses.iter_mut().filter(|a| a.origin == origin && matches!(a.thread, Thread::Spawned{site, ..} if site == si.0)) {
                    a.rel = a.rel.with([&end]);
                }
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
                Ev { val, ty, origin, fresh: r.fresh, param: None, key: KeyText::Unknown, typed: r.typed.clone(), stored: None, snapshot: false }
            })
            .collect()
    }

    // ----- locks and ordering --------------------------------------------------------

    fn lock(&mut self, lock: Path, mode: Mode, site: Site, class: Option<(crate::model::TypeId, Rc<str>)>) {
        let section = self.fresh_id();
        self.flow.locks.retain(|l| l.lock != lock);
        self.flow.locks.push(HeldLock { lock, mode, section, site, class, once: false });
    }

    /// The named type and field a mutex expression names (`s.mu` → (S, mu); `s` with an
    /// embedded mutex → (S, Mutex)), without evaluating anything.
    fn lock_class(&self, recv: &Expr, prefix: &[String]) -> Option<(crate::model::TypeId, Rc<str>)> {
        // A mutex promoted from an embedded field of a named type: that type and field.
        if let Some(first) = prefix.first()
            && let Some(t) = self.static_type(recv)
            && let Some(named) = self.an.prog.named_of(&t)
        {
            return Some((named, Rc::from(first.as_str())));
        }
        // `x.f.Lock()`: field `f` of `x`'s type, also when `f` is an anonymous struct that
        // embeds the mutex next to the maps it guards (`mu struct { sync.Mutex; m map[K]V }`).
        match &recv.kind {
            ExprKind::Selector(x, f) => {
                let t = self.static_type(x)?;
                Some((self.an.prog.named_of(&t)?, Rc::from(f.as_str())))
            }
            _ => None,
        }
    }

    /// `x.f` with `x` of named type T → `T.f` for every instance; a package variable → itself.
    fn type_rooted(&self, m: &Expr) -> Option<Path> {
        match &m.kind {
            ExprKind::Selector(x, f) => {
                let t = self.static_type(x)?;
                let (fields, _) = self.an.prog.field(&t, f)?;
                let mut p = Path::type_root(self.an.prog.named_of(&t)?);
                for n in fields {
                    p = p.child(Step::Field(Rc::from(n.as_str())));
                }
                Some(p)
            }
            ExprKind::Ident(n) if self.lookup(n).is_none() => {
                self.an.prog.packages[self.pkg as usize].vars.get(n.as_str())?;
                Some(Path::new(Root::Global(self.pkg, Rc::from(n.as_str()))))
            }
            _ => None,
        }
    }

    fn static_type(&self, e: &Expr) -> Option<Type> {
        match &e.kind {
            ExprKind::Ident(n) => match self.lookup(n) {
                Some(v) => Some(v.ty.clone()),
                None => self.an.prog.packages[self.pkg as usize].vars.get(n.as_str()).map(|g| g.ty.clone()),
            },
            ExprKind::Selector(x, f) => {
                let t = self.static_type(x)?;
                self.an.prog.field(&t, f).map(|(_, t)| t)
            }
            ExprKind::Unary(_, x) => self.static_type(x),
            _ => None,
        }
    }

    fn unlock(&mut self, lock: &Path) {
        let before = self.flow.locks.len();
        self.flow.locks.retain(|l| &l.lock != lock);
        if before == self.flow.locks.len() && self.thread == Thread::Current && !self.sum.locks_released.contains(lock) {
            self.sum.locks_released.push(lock.clone());
        }
    }

    fn release(&mut self, s: SyncObj) {
        self.releases.push((self.thread, self.pos, s.clone()));
        if self.thread == Thread::Current && !self.sum.releases.contains(&s) {
            self.sum.releases.push(s);
        }
    }

    fn acquire(&mut self, s: SyncObj) {
        if !self.flow.acq.contains(&s) {
            self.flow.acq = self.flow.acq.with([&s]);
        }
        if self.thread == Thread::Current && !self.sum.acquires.contains(&s) {
            self.sum.acquires.push(s);
        }
    }

    // ----- accesses ------------------------------------------------------------------

    /// Record an access to the map at `path`. Returns its index in the summary.
    fn access(&mut self, path: Path, kind: AccessKind, key: KeyText, span: Span, map_expr: &Expr, ev: &Ev<'p>) -> Option<usize> {
        if self.sum.accesses.len() >= MAX_ACCESSES {
            return None;
        }
        let pos = self.tick();
        let mut via = via_of(ev);
        if let Via::Escaped { sections, .. } = &via {
            // Still inside the critical section it was fetched in: not escaped.
            if self.flow.locks.iter().any(|l| sections.contains(&l.section)) {
                via = Via::Direct;
            }
        }
        let site = self.site(span);
        if kind.is_write() && matches!(path.root, Root::SyncValue(_)) && path.steps.is_empty() && self.flow.locks.is_empty() {
            self.an.facts.syncmap.push(SyncMapFact {
                site,
                related: site,
                shown: Rc::from(expr_text(map_expr)),
                form: SyncMapForm::MutatedValue,
            });
        }
        let copied = match &map_expr.kind {
            ExprKind::Ident(n) => self.lookup(n).is_some_and(|v| v.snapshot),
            _ => false,
        };
        let a = Access {
            copied,
            path,
            kind,
            key,
            site,
            shown: Rc::from(expr_text(map_expr)),
            thread: self.thread,
            locks: self.flow.locks.clone(),
            pos,
            acq: self.flow.acq.clone(),
            rel: SyncSet::default(),
            via,
            fresh_value: false,
            value_from: None,
            value_param: None,
            origin: 0,
            instance_scopes: Rc::from(self.instance_scopes.clone()),
            lazy_check: None,
            lazy_covered: false,
            respawned: false,
            typed: ev.typed.clone(),
        };
        self.sum.accesses.push(a);
        Some(self.sum.accesses.len() - 1)
    }

    /// After a map write in this body: recognise check-then-create (MR004) and split
    /// read-modify-write (MR007).
    fn after_write(&mut self, i: usize) {
        let w = self.sum.accesses[i].clone();
        if w.fresh_value && !matches!(w.key, KeyText::Unknown) {
            let check = self.sum.accesses[..i].iter().rposition(|r| {
                r.origin == 0
                    && r.thread == w.thread
                    && matches!(r.kind, AccessKind::Read)
                    && r.path.may_alias(&w.path)
                    && r.key.same_as(&w.key)
            });
            if let Some(ci) = check {
                let r = &self.sum.accesses[ci];
                let one_section = r.locks.iter().any(|l| {
                    w.locks.iter().any(|m| m.section == l.section && m.lock == l.lock && (m.mode == Mode::Write))
                });
                if !one_section {
                    let check_site = r.site;
                    let locked = !r.locks.is_empty() || !w.locks.is_empty();
                    let path = w.path.clone();
                    for a in self.sum.accesses[..i].iter_mut() {
                        if a.origin == 0 && a.thread == w.thread && a.path.may_alias(&path) && !a.kind.is_write() {
                            a.lazy_covered = true;
                        }
                    }
                    self.sum.accesses[i].lazy_check = Some(check_site);
                    self.lazy_paths.push((path.clone(), w.thread));
                    if locked {
                        let store = self.sum.accesses[i].clone();
                        self.an.facts.lazy_inits.push(LazyInit { store, check: check_site });
                    }
                }
            }
        }
        if w.value_from.is_some() {
            self.check_split_rmw(i, None);
        }
    }

    /// `report_at`: the call through which the write happens, when it is in a callee.
    fn check_split_rmw(&mut self, i: usize, report_at: Option<Site>) {
        let w = &self.sum.accesses[i];
        let Some(o) = &w.value_from else { return };
        if o.checked && !o.modified {
            return;
        }
        if w.locks.is_empty() || o.sections.is_empty() || !o.path.may_alias(&w.path) || !o.key.same_as(&w.key) {
            return;
        }
        if w.locks.iter().any(|l| o.sections.contains(&l.section)) {
            return;
        }
        // A re-read of the entry in the write's critical section makes it a checked update.
        let reread = self.sum.accesses[..i].iter().any(|r| {
            r.kind == AccessKind::Read
                && r.thread == w.thread
                && r.path.may_alias(&w.path)
                && r.key.same_as(&w.key)
                && r.locks.iter().any(|l| w.locks.iter().any(|m| m.section == l.section && m.lock == l.lock))
        });
        if reread {
            return;
        }
        let mut write = w.clone();
        if let Some(at) = report_at {
            write.site = at;
        }
        self.an.facts.atomicity.push(AtomicityFact { write, read: o.clone() });
    }

    fn instance_key(&self, a: &Access) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (a.site, a.kind, &a.path, a.thread, &a.key, &a.acq, &a.rel, self.releases.len()).hash(&mut h);
        for l in &a.locks {
            (&l.lock, l.mode).hash(&mut h);
        }
        (a.lazy_check, a.lazy_covered, a.fresh_value, a.respawned, &a.typed, std::mem::discriminant(&a.via)).hash(&mut h);
        h.finish()
    }

    fn key_text(&self, k: &Expr, kev: &Ev<'p>) -> KeyText {
        if let Some(p) = kev.param
            && p != u16::MAX {
                return KeyText::Param(p, Rc::from(expr_text(k)));
            }
        KeyText::Text(Rc::from(expr_text(k)))
    }

    // ----- expressions ---------------------------------------------------------------

    /// `pkg.Name` where `pkg` is an import of the module: `Some(Some((path, type)))` for a
    /// variable, `Some(None)` for anything else of that package, `None` if not a package.
    fn package_member(&self, x: &Expr, name: &str) -> Option<Option<(Path, Type)>> {
        let ExprKind::Ident(pkg) = &x.kind else { return None };
        if self.lookup(pkg).is_some() {
            return None;
        }
        let pid = self.an.prog.imported_package(self.file, pkg);
        if pid.is_none() && self.an.prog.import_path(self.file, pkg).is_none() {
            return None;
        }
        let Some(pid) = pid else { return Some(None) };
        Some(self.an.prog.packages[pid as usize].vars.get(name).map(|g| (Path::new(Root::Global(pid, Rc::from(name))), g.ty.clone())))
    }

    /// `x.f` for every instance: rooted at the owner type when it declares concurrency,
    /// else extending what `x` already was for every instance.
    fn typed_field(&self, base: &Ev<'p>, f: &str) -> Option<Path> {
        let (fields, _) = self.an.prog.field(&base.ty, f)?;
        let owner = self.an.prog.named_of(&base.ty).filter(|t| self.an.declared.contains(t));
        let mut p = match owner {
            Some(t) => Path::type_root(t),
            None => base.typed.clone()?,
        };
        for n in fields {
            p = p.child(Step::Field(Rc::from(n.as_str())));
        }
        Some(p)
    }

    fn field_of(&self, base: &Ev<'p>, f: &str) -> Option<(Path, Type)> {
        let bp = base.path()?;
        let (fields, ty) = self.an.prog.field(&base.ty, f)?;
        let mut p = bp.clone();
        for name in fields {
            p = p.child(Step::Field(Rc::from(name.as_str())));
        }
        Some((p, ty))
    }

    pub(super) fn eval(&mut self, e: &'p Expr) -> Ev<'p> {
        match &e.kind {
            ExprKind::Ident(n) => self.eval_ident(n),
            ExprKind::Selector(x, f) => {
                if let Some(member) = self.package_member(x, f) {
                    if let Some((p, ty)) = member {
                        return Ev { val: Val::Path(p.clone(), Via::Direct), ty, typed: Some(p), ..Ev::unknown() };
                    }
                    if let ExprKind::Ident(pkg) = &x.kind
                        && let Some(pid) = self.an.prog.imported_package(self.file, pkg)
                            && let Some(fid) = self.an.prog.packages[pid as usize].funcs.get(f.as_str()) {
                                return Ev { val: Val::Func(FuncTarget::Func(*fid, None)), ..Ev::unknown() };
                            }
                    return Ev::unknown();
                }
                let base = self.eval(x);
                self.select(base, f)
            }
            ExprKind::Index(m, k) => {
                let mev = self.eval(m);
                let kev = self.eval(k);
                match self.an.prog.underlying(&mev.ty).clone() {
                    Type::Map(_, v) => {
                        let key = self.key_text(k, &kev);
                        let mut origin = None;
                        if let Some(p) = mev.path().cloned() {
                            self.access(p.clone(), AccessKind::Read, key.clone(), e.span, m, &mev);
                            origin = Some(ReadOrigin {
                                path: p.clone(),
                                key: key.clone(),
                                sections: self.flow.locks.iter().map(|l| l.section).collect(),
                                site: self.site(e.span),
                                checked: false,
                                modified: false,
                            });
                            let elem = p.child(Step::Key(self.iteration_of(k).map_or_else(|| key_abs(k), Key::Each)));
                            let via = match via_of(&mev) {
                                Via::Direct if !self.flow.locks.is_empty() => Via::Escaped {
                                    lock_site: self.flow.locks[0].site,
                                    sections: self.flow.locks.iter().map(|l| l.section).collect(),
                                },
                                other => other,
                            };
                            let typed = mev.typed.as_ref().map(|t| t.child(Step::Key(key_abs(k))));
                            return Ev { val: Val::Path(elem, via), ty: *v, origin, typed, ..Ev::unknown() };
                        }
                        Ev { origin, ..Ev::of_type(*v) }
                    }
                    Type::Slice(el) => {
                        let step = self.iteration_of(k).map_or(Step::Elem, Step::Item);
                        let val = match mev.path() {
                            Some(p) if el.is_trackable() => Val::Path(p.child(step), via_of(&mev)),
                            _ => Val::Unknown,
                        };
                        Ev { val, ty: *el, origin: mev.origin, ..Ev::unknown() }
                    }
                    _ => {
                        // A generic instantiation `F[T]` keeps the function value.
                        if matches!(mev.val, Val::Func(_)) { mev } else { Ev::unknown() }
                    }
                }
            }
            ExprKind::SliceOf(x, bounds) => {
                let ev = self.eval(x);
                for b in bounds {
                    self.eval(b);
                }
                ev
            }
            ExprKind::Call { func, args } => self.call(e, func, args),
            ExprKind::FuncLit(body) => Ev { val: Val::Func(FuncTarget::Closure(body)), ..Ev::unknown() },
            ExprKind::Composite(te, elems) => {
                let ty = self.an.prog.resolve(self.file, te);
                let is_map = self.an.prog.underlying(&ty).is_map();
                let mut stored = Vec::new();
                // `http.Server{Handler: h}`: the server runs `h` per request, concurrently.
                if let TypeExpr::Qualified(pkg, name) = te
                    && name == "Server"
                    && self.an.prog.import_path(self.file, pkg) == Some("net/http")
                    && let Some(h) = elems.iter().find(|el| matches!(&el.key, Some(Expr { kind: ExprKind::Ident(k), .. }) if k == "Handler"))
                {
                    let site = self.site(h.value.span);
                    self.spawn_handler(&h.value, site);
                }
                for el in elems {
                    if let ExprKind::FuncLit(_) = el.value.kind {
                        continue;
                    }
                    // Struct literal keys are field names, not expressions.
                    if is_map
                        && let Some(k) = &el.key {
                            self.eval(k);
                        }
                    let v = self.eval(&el.value);
                    // `map[K]map[..]..{"a": shared, "b": shared}`: one map under two keys.
                    if let (true, Some(k), Some(p)) = (is_map, &el.key, v.path())
                        && self.an.prog.underlying(&v.ty).is_map() {
                            stored.push((key_abs(k), p.clone()));
                        }
                }
                // Only containers that callers go on to fill make a lost creation lose data.
                Ev { fresh: is_map, stored: (!stored.is_empty()).then(|| Rc::from(stored)), ..Ev::of_type(ty) }
            }
            ExprKind::Unary(op, x) => match op {
                UnaryOp::Addr => {
                    let ev = self.eval(x);
                    let ty = Type::Pointer(Box::new(ev.ty.clone()));
                    let fresh = ev.fresh || matches!(x.kind, ExprKind::Composite(..));
                    Ev { ty, fresh, ..ev }
                }
                UnaryOp::Deref => {
                    let ev = self.eval(x);
                    let ty = match &ev.ty {
                        Type::Pointer(t) => (**t).clone(),
                        t => t.clone(),
                    };
                    Ev { ty, ..ev }
                }
                UnaryOp::Recv => {
                    let ev = self.eval(x);
                    self.tick();
                    if let Some(p) = ev.path() {
                        if self.semaphores.contains(p) {
                            self.unlock(&p.clone());
                        }
                        // A receive returns a sent value or the zero value of a closed channel.
                        self.acquire(SyncObj::Object(Rc::new(p.clone())));
                        self.acquire(closed(p));
                    }
                    let ty = match self.an.prog.underlying(&ev.ty) {
                        Type::Chan(t) => (**t).clone(),
                        _ => Type::Unknown,
                    };
                    received(&ev, ty)
                }
                _ => {
                    let ev = self.eval(x);
                    Ev { origin: ev.origin, ..Ev::of_type(Type::Opaque) }
                }
            },
            ExprKind::Binary(op, l, r) => {
                let le = self.eval(l);
                if matches!(op, BinaryOp::And | BinaryOp::Or) {
                    // The right side may not run; its lock effects are rare enough to ignore.
                    let re = self.eval(r);
                    return Ev { origin: le.origin.or(re.origin), ..Ev::of_type(Type::Opaque) };
                }
                let re = self.eval(r);
                let origin = le.origin.or(re.origin).map(|o| ReadOrigin { modified: true, ..o });
                Ev { origin, ..Ev::of_type(Type::Opaque) }
            }
            ExprKind::TypeAssert(x, te) => {
                let ev = self.eval(x);
                let ty = self.an.prog.resolve(self.file, te);
                Ev { ty, ..ev }
            }
            ExprKind::Type(te) => Ev::of_type(self.an.prog.resolve(self.file, te)),
            ExprKind::StringLit(_) | ExprKind::IntLit(_) | ExprKind::Nil => Ev::of_type(Type::Opaque),
            ExprKind::Other(children) => {
                for c in children {
                    self.eval(c);
                }
                Ev::unknown()
            }
        }
    }

    /// `base.f` for an already evaluated `base`: a field, a method value, or an interface
    /// method's implementations. A call that also inspects its receiver evaluates it once and
    /// comes here, so a chain `x.F().F()...` is walked once per call, not twice per level.
    fn select(&mut self, base: Ev<'p>, f: &str) -> Ev<'p> {
        if let Some((p, ty)) = self.field_of(&base, f) {
            let origin = base.origin.clone();
            let typed = self.typed_field(&base, f);
            return Ev { val: Val::Path(p, via_of(&base)), ty, origin, typed, ..Ev::unknown() };
        }
        if let Some((prefix, MethodTarget::Func(fid))) = self.an.prog.method(&base.ty, f) {
            let recv = base.path().map(|bp| {
                let mut p = bp.clone();
                for n in prefix {
                    p = p.child(Step::Field(Rc::from(n.as_str())));
                }
                p
            });
            return Ev { val: Val::Func(FuncTarget::Func(fid, recv)), ..Ev::unknown() };
        }
        if let Some(ids) = self.an.prog.dispatch(&base.ty, f)
            && ids.len() <= MAX_DISPATCH
        {
            return Ev { val: Val::Func(FuncTarget::Dispatch(ids, base.path().cloned())), ..Ev::unknown() };
        }
        Ev { origin: base.origin, ..Ev::unknown() }
    }

    fn eval_ident(&mut self, n: &str) -> Ev<'p> {
        if let Some(v) = self.lookup(n) {
            let key = match v.param {
                Some(p) if p != u16::MAX => KeyText::Param(p, Rc::from(n)),
                _ => KeyText::Unknown,
            };
            return Ev {
                val: v.val.clone(),
                ty: v.ty.clone(),
                origin: v.origin.clone(),
                fresh: v.fresh,
                param: v.param,
                key,
                typed: v.typed.clone(),
                stored: None,
                snapshot: v.snapshot,
            };
        }
        let prog = self.an.prog;
        let pkg = &prog.packages[self.pkg as usize];
        if let Some(g) = pkg.vars.get(n) {
            let mut ty = g.ty.clone();
            if matches!(ty, Type::Unknown) {
                ty = self.an.global_type(self.pkg, n);
            }
            let p = Path::new(Root::Global(self.pkg, Rc::from(n)));
            return Ev { val: Val::Path(p.clone(), Via::Direct), ty, typed: Some(p), ..Ev::unknown() };
        }
        if let Some(f) = pkg.funcs.get(n) {
            return Ev { val: Val::Func(FuncTarget::Func(*f, None)), ..Ev::unknown() };
        }
        Ev::unknown()
    }
}

// ----- helpers ---------------------------------------------------------------------

fn via_of(ev: &Ev) -> Via {
    match &ev.val {
        Val::Path(_, via) => via.clone(),
        _ => Via::Direct,
    }
}

fn key_abs(k: &Expr) -> Key {
    match &k.kind {
        ExprKind::StringLit(s) | ExprKind::IntLit(s) => Key::Const(Rc::from(s.as_str())),
        _ => Key::Any,
    }
}

/// What `close(ch)` releases: receives acquire it, and so does the end of a range over `ch`,
/// but not the iterations of that range (they receive sent values).
fn closed(ch: &Path) -> SyncObj {
    SyncObj::Object(Rc::new(ch.child(Step::Field(Rc::from("(closed)")))))
}

/// `make(chan T, 1)`.
fn is_binary_semaphore(e: &Expr) -> bool {
    let ExprKind::Call { func, args } = &e.kind else { return false };
    matches!(&func.kind, ExprKind::Ident(n) if n == "make")
        && matches!(args.first().map(|a| &a.kind), Some(ExprKind::Type(TypeExpr::Chan(_))))
        && matches!(args.get(1).map(|a| &a.kind), Some(ExprKind::IntLit(n)) if n == "1")
}

/// The value received from channel `ch` (element type `ty`): named after the channel when
/// it can name shared state.
fn received<'p>(ch: &Ev<'p>, ty: Type) -> Ev<'p> {
    match ch.path() {
        Some(p) if ty.is_trackable() => Ev { val: Val::Path(Path::new(Root::Received(Rc::new(p.clone()))), Via::Direct), ty, ..Ev::unknown() },
        _ => Ev::of_type(ty),
    }
}

/// Standard-library functions that walk a map passed to them (formatting iterates it, as
/// does encoding), so a map argument is read whole.
fn reads_map_arguments(path: &str, name: &str) -> bool {
    match path {
        "fmt" => ["Print", "Sprint", "Fprint", "Append", "Errorf"].iter().any(|p| name.starts_with(p)),
        "log" => ["Print", "Fatal", "Panic"].iter().any(|p| name.starts_with(p)),
        "encoding/json" => matches!(name, "Marshal" | "MarshalIndent"),
        "encoding/xml" => matches!(name, "Marshal" | "MarshalIndent"),
        "reflect" => name == "DeepEqual",
        _ => false,
    }
}

/// `a, b := f()` spreads one multi-valued call; otherwise values pair up.
fn spread<'p>(mut evs: Vec<Ev<'p>>, n: usize) -> Vec<Ev<'p>> {
    if evs.len() == n {
        return evs;
    }
    if evs.len() == 1 && n > 1 {
        let first = evs.pop().unwrap_or_else(Ev::unknown);
        let mut out = vec![first];
        out.resize_with(n, Ev::unknown);
        return out;
    }
    evs.resize_with(n, Ev::unknown);
    evs
}

/// Locks held on every path, ordering marks acquired on every path.
fn join(a: &Flow, b: &Flow) -> Flow {
    let locks = a
        .locks
        .iter()
        .filter_map(|l| {
            let m = b.locks.iter().find(|m| m.lock == l.lock && m.mode == l.mode)?;
            Some(if m.section == l.section { l.clone() } else { HeldLock { section: l.section.min(m.section), ..l.clone() } })
        })
        .collect();
    let acq = SyncSet::from_vec(a.acq.iter().filter(|s| b.acq.contains(s)).cloned().collect());
    Flow { locks, acq, live: a.live || b.live }
}

/// Join where a path that ended (return, panic) does not constrain the other.
fn join_live(a: &Flow, b: &Flow) -> Flow {
    match (a.live, b.live) {
        (true, false) => a.clone(),
        (false, true) => b.clone(),
        (false, false) => Flow { live: false, ..join(a, b) },
        (true, true) => join(a, b),
    }
}

fn subst_path(p: &Path, recv: Option<&Path>, args: &[Ev], local_map: &HashMap<u32, u32>) -> Option<Path> {
    let base = match &p.root {
        Root::Recv => recv?.clone(),
        Root::Param(i) => args.get(*i as usize)?.path()?.clone(),
        Root::Local(l) => Path::new(Root::Local(*local_map.get(l)?)),
        Root::SyncValue(inner) => Path::new(Root::SyncValue(Rc::new(subst_path(inner, recv, args, local_map)?))),
        Root::Received(inner) => Path::new(Root::Received(Rc::new(subst_path(inner, recv, args, local_map)?))),
        Root::Global(..) | Root::TypeRoot(_) | Root::FuncLocal(..) => return Some(p.clone()),
    };
    Some(p.rebase(0, &base))
}

/// Substitution of one call's sync objects, each distinct object once: the same channel or
/// WaitGroup is named in the ordering sets of thousands of a callee's accesses. An object the
/// call does not rename keeps its shared path, and a set none of whose objects is renamed is
/// kept as it is.
struct ObjSubst<'s, F: Fn(&Path) -> Option<Path>> {
    subst: &'s F,
    done: HashMap<usize, Option<SyncObj>>,
}

impl<'s, F: Fn(&Path) -> Option<Path>> ObjSubst<'s, F> {
    fn new(subst: &'s F) -> Self {
        ObjSubst { subst, done: HashMap::new() }
    }

    fn obj(&mut self, s: &SyncObj) -> Option<SyncObj> {
        let SyncObj::Object(p) = s else { return Some(s.clone()) };
        // The callee's summary holds `p` for the whole call: its address names it.
        let id = Rc::as_ptr(p) as usize;
        if let Some(r) = self.done.get(&id) {
            return r.clone();
        }
        let r = (self.subst)(p).map(|q| if q == **p { s.clone() } else { SyncObj::Object(Rc::new(q)) });
        self.done.insert(id, r.clone());
        r
    }

    fn set(&mut self, set: &SyncSet) -> SyncSet {
        let out: Vec<SyncObj> = set.iter().filter_map(|s| self.obj(s)).collect();
        let same = out.len() == set.len()
            && out.iter().zip(set.iter()).all(|(a, b)| match (a, b) {
                (SyncObj::Object(x), SyncObj::Object(y)) => Rc::ptr_eq(x, y),
                (x, y) => x == y,
            });
        if same { set.clone() } else { SyncSet::from_vec(out) }
    }
}

fn subst_sync(s: &SyncObj, subst: &impl Fn(&Path) -> Option<Path>) -> Option<SyncObj> {
    match s {
        SyncObj::Object(p) => subst(p).map(|p| SyncObj::Object(Rc::new(p))),
        other => Some(other.clone()),
    }
}

fn subst_origin(o: &ReadOrigin, subst: &impl Fn(&Path) -> Option<Path>, subst_key: &impl Fn(&KeyText) -> KeyText) -> Option<ReadOrigin> {
    Some(ReadOrigin { path: subst(&o.path)?, key: subst_key(&o.key), ..o.clone() })
}

/// Calls after which the goroutine does not continue.
fn is_noreturn(func: &Expr) -> bool {
    match &func.kind {
        ExprKind::Ident(n) => n == "panic",
        ExprKind::Selector(x, f) => match (&x.kind, f.as_str()) {
            (ExprKind::Ident(p), "Exit") if p == "os" => true,
            (ExprKind::Ident(p), "Fatal" | "Fatalf" | "Fatalln" | "Panic" | "Panicf" | "Panicln") if p == "log" => true,
            (_, "Fatal" | "Fatalf" | "FailNow" | "Skip" | "Skipf" | "SkipNow") => true,
            _ => false,
        },
        _ => false,
    }
}

/// Does a subtest body call `t.Parallel()` (at its top level)?
pub(super) fn calls_parallel(body: &[Stmt]) -> bool {
    body.iter().any(|s| match s {
        Stmt::Expr(Expr { kind: ExprKind::Call { func, .. }, .. }) => {
            matches!(&func.kind, ExprKind::Selector(_, f) if f == "Parallel")
        }
        _ => false,
    })
}
