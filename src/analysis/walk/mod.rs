//! The per-function walk: abstract interpretation of one function body over access paths,
//! flow-sensitive lock sets and ordering marks, composing callees' summaries at call sites
//! and walking goroutine closures inline as spawned threads. Produces the function's
//! `Summary` and, at its end, the pair checks whose both sides it can see.
//!
//! This file owns the walk's state (environment of locals, flow, the summary being built),
//! its entry points and `finish`; the rest is one file per concern, each an `impl Walk`:
//! `stmt` (statements), `goroutines` (go targets, closures, function values), `calls`
//! (builtins, configured APIs, callee summaries), `library` (the library models' effects),
//! `flow` (locks, orderings, recording accesses), `expr` (expressions), `conds` (conditions),
//! `helpers` (free functions).

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::models::{self, Effect, SyncMapOp};
use super::path::{Key, Path, Root, Step};
use super::summary::*;
use super::text::{self, expr_text};
use super::{Analyzer, AtomicityFact, LazyInit, SyncMapFact, SyncMapForm};
use crate::model::{FileId, FuncId, MethodTarget, PkgId, SyncKind, Type};
use crate::syntax::ir::*;

mod calls;
mod conds;
mod expr;
mod flow;
mod goroutines;
mod helpers;
mod library;
mod stmt;

use helpers::*;
use conds::keep_param_cond_locks;
pub(super) use helpers::calls_parallel;

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
    /// The value is this constant (a literal, `true`, `pkg.Name`): see `ParamCond`.
    pub konst: Option<Rc<str>>,
    /// The value is a loop's own variable (see `Var::iteration`): a goroutine parameter
    /// bound to it (`go func(i int) { xs[i] }(i)`) names that iteration's element too.
    pub iteration: Option<u32>,
}

impl<'p> Ev<'p> {
    fn unknown() -> Ev<'p> {
        Ev { val: Val::Unknown, ty: Type::Unknown, origin: None, fresh: false, param: None, key: KeyText::Unknown, typed: None, stored: None, konst: None, iteration: None }
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
    /// The goroutine that declared it (a closure walked as a goroutine shares the variable).
    owner: Thread,
}

/// See `Walk::held_locks`.
#[derive(Default)]
struct SharedState {
    locks: LockSet,
    instance_scopes: Rc<[u32]>,
}

#[derive(Clone, Debug)]
struct Flow {
    locks: Vec<HeldLock>,
    acq: SyncSet,
    live: bool,
    /// Not live because of `break`, `continue` or `goto`: the path goes on elsewhere.
    jumped: bool,
    /// Goroutines this path has started so far, in order (their start sites).
    spawned: Rc<Vec<Site>>,
    /// Locks held whenever a condition holds: (condition text, its value, the lock).
    cond_locks: Rc<Vec<(Rc<str>, bool, HeldLock)>>,
    /// Locks the caller holds that this path released and has not taken again. A path that
    /// never touched the caller's lock still holds it: joined with one that released and
    /// re-took it (`if cb != nil { mu.Unlock(); cb(); mu.Lock() }`), the lock is held.
    released: Rc<Vec<Path>>,
}

impl Flow {
    fn start() -> Flow {
        Flow { locks: Vec::new(), acq: SyncSet::default(), live: true, jumped: false, spawned: Rc::default(), cond_locks: Rc::default(), released: Rc::default() }
    }
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
    /// Deferred calls, with the locks held when each was deferred (see `run_deferred`).
    deferred: Vec<(&'p Expr, Vec<HeldLock>)>,
    /// Flags held as try-locks after a won compare-and-swap (see `conds`), dropped at the
    /// function's end.
    flag_locks: Vec<Path>,
    exits: Vec<Flow>,
    /// Instance scopes enclosing the current point (loop bodies and goroutine bodies).
    instance_scopes: Vec<u32>,
    /// Per enclosing loop, how many goroutines the path had started when its body began.
    loop_spawn_marks: Vec<usize>,
    loop_depth: u32,
    calls: u32,
    syncmap_loads: Vec<SyncMapLoad>,
    /// Locals whose map value was stored into map slots: local id → slots.
    local_stores: HashMap<Path, Vec<(Path, Option<Path>)>>,
    /// Per channel, the values sent on it (for `Root::Received`), and whether a send in a
    /// loop sends another value each time (`for _, t := range tasks { ch <- t }`).
    sent: HashMap<Path, (Vec<Path>, bool)>,
    /// Local channels made with capacity one: sending takes them, receiving gives them back
    /// (the channel-as-mutex idiom).
    semaphores: HashSet<Path>,
    /// Spawn sites instantiated from callees: site → first origin.
    spawn_origins: HashMap<Site, u32>,
    /// Locals naming an object a call returned fresh (a constructor's instance): one per call.
    call_instances: HashSet<u32>,
    /// In the entry walk, the calls (origins) of constructors: each makes its own instance.
    constructor_calls: HashSet<u32>,
    /// The goroutine each callee was first called in here (see `Facts::concurrent_funcs`).
    callee_threads: HashMap<FuncId, Thread>,
    /// Declaration scope of each local with storage of its own (see `pairs::parallel`).
    local_scope: HashMap<u32, u32>,
    /// Alias classes of map slots established by callees (MR003).
    inherited_aliases: Vec<Vec<Path>>,
    /// Outer maps of racy lazy inits in this body: their reads are covered by MR004.
    lazy_paths: Vec<(Path, Thread)>,
    /// The last lock set and instance scopes handed to an access, shared by the next ones.
    shared: SharedState,
    /// Instantiated callee accesses already present (see `instance_key`).
    seen: rustc_hash::FxHashSet<u64>,
    /// Conditions on parameters that hold at the current point (see `ParamCond`), and the
    /// shared copy accesses take of them.
    conds: Vec<ParamCond>,
    conds_shared: Option<Rc<[ParamCond]>>,
    depth: u32,
    /// Accesses copied from callees so far (the per-function budget, see `budget`).
    work: u64,
}

impl<'a, 'p> Walk<'a, 'p> {
    pub(super) fn new(an: &'a mut Analyzer<'p>, func: Option<FuncId>, file: FileId, pkg: PkgId, depth: u32) -> Self {
        Walk {
            an,
            func,
            file,
            pkg,
            scopes: vec![HashMap::new()],
            flow: Flow::start(),
            thread: Thread::Current,
            pos: 0,
            next_id: 0,
            releases: Vec::new(),
            sum: Summary::default(),
            deferred: Vec::new(),
            flag_locks: Vec::new(),
            exits: Vec::new(),
            instance_scopes: vec![0],
            loop_spawn_marks: Vec::new(),
            loop_depth: 0,
            calls: 0,
            syncmap_loads: Vec::new(),
            local_stores: HashMap::new(),
            sent: HashMap::new(),
            semaphores: HashSet::new(),
            spawn_origins: HashMap::new(),
            call_instances: HashSet::new(),
            constructor_calls: HashSet::new(),
            callee_threads: HashMap::new(),
            local_scope: HashMap::new(),
            lazy_paths: Vec::new(),
            inherited_aliases: Vec::new(),
            shared: SharedState::default(),
            seen: rustc_hash::FxHashSet::default(),
            conds: Vec::new(),
            conds_shared: None,
            depth,
            work: 0,
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
            Some((first, rest)) => rest.iter().fold(first.clone(), |a, b| self.join(&a, b)),
            None => Flow { locks: Vec::new(), acq: self.flow.acq.clone(), live: false, jumped: false, spawned: self.flow.spawned.clone(), cond_locks: Rc::default(), released: Rc::default() },
        };
        exit.live = true;
        self.flow = exit;
        self.pos = u32::MAX - 1;
        let deferred = std::mem::take(&mut self.deferred);
        self.run_deferred(deferred);
        let flags = std::mem::take(&mut self.flag_locks);
        self.flow.locks.retain(|l| !flags.contains(&l.lock));
        self.sum.locks_acquired = self.flow.locks.clone();
    }

    /// Run deferred calls, last deferred first. A call deferred while a lock was held whose
    /// `Unlock` was deferred before it runs before that `Unlock`, so with the lock held, also
    /// when the exit state lost the lock on another path (`if cacheable { mu.Lock(); defer
    /// mu.Unlock(); defer func() { observe(len(m)) }() }`).
    pub(super) fn run_deferred(&mut self, deferred: Vec<(&'p Expr, Vec<HeldLock>)>) {
        let unlocks: Vec<Option<Path>> = deferred.iter().map(|(call, _)| self.unlocked_by(call)).collect();
        for (i, (call, held)) in deferred.iter().enumerate().rev() {
            for l in held {
                let released_later = unlocks[..i].iter().flatten().any(|p| *p == l.lock);
                if released_later && !self.flow.locks.iter().any(|m| m.lock == l.lock) {
                    self.flow.locks.push(l.clone());
                }
            }
            self.expr_stmt(call);
        }
    }

    /// The mutex a call `x.Unlock()` / `x.RUnlock()` releases.
    fn unlocked_by(&self, call: &Expr) -> Option<Path> {
        let ExprKind::Call { func, .. } = &call.kind else { return None };
        match &func.kind {
            ExprKind::Selector(recv, name) if models::lock_method(name) == Some(None) => self.quiet_field_path(recv),
            _ => None,
        }
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
            let saved = std::mem::replace(&mut self.flow, Flow::start());
            // `call_summary` numbers this call `calls + 1`: the origin of its accesses.
            self.an.facts.client_calls.insert(self.calls + 1, f.display.clone());
            if super::is_setup_method(&f.name) {
                self.an.facts.setup_calls.insert(self.calls + 1);
            }
            let before = self.sum.accesses.len();
            self.call_summary(id, Some(recv), Vec::new(), None, f.body.span);
            // A client's calls come one after another: a goroutine the call waits for, or
            // whose end it hands to the client (a returned channel), is not running during
            // the client's other calls. The method's own walk paired it with the call.
            let after = self.flow.acq.clone();
            let mut added = self.sum.accesses.split_off(before);
            added.retain(|a| {
                a.thread == Thread::Current
                    || !a.rel.iter().any(|o| after.contains(o) || matches!(o, SyncObj::Object(p) if matches!(p.root, Root::Local(_))))
            });
            self.sum.accesses.append(&mut added);
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

    /// A constructor that leaves goroutines running on the instance it returns: those
    /// goroutines, on "any instance" of `ty`, run alongside the entries (its own body is
    /// setup, before the instance is shared, and is left out).
    pub(super) fn enter_constructor(&mut self, id: FuncId, ty: crate::model::TypeId) {
        let f = &self.an.prog.funcs[id as usize];
        let before = self.sum.accesses.len();
        // `call_summary` numbers this call `calls + 1`.
        self.constructor_calls.insert(self.calls + 1);
        let results = self.call_summary(id, None, Vec::new(), None, f.body.span);
        let mut added = self.sum.accesses.split_off(before);
        let Some(instance) = results.first().and_then(|r| r.path()).map(|p| p.root.clone()) else { return };
        let any = Root::TypeRoot(ty);
        let rebase = |p: &mut Path| {
            if p.root == instance {
                *p = p.with_root(any.clone());
            }
        };
        added.retain(|a| a.thread != Thread::Current);
        let mut rebased_rel = SetMemo::default();
        let mut rebased_acq = SetMemo::default();
        let mut rebased_locks = Memo::default();
        for a in &mut added {
            // Each call makes its own instance: on "every instance", a goroutine of one call
            // does not meet the same goroutine of another call (several goroutines of one
            // call on one instance were paired in the constructor's own walk).
            if let Thread::Spawned { multi, .. } = &mut a.thread {
                *multi = false;
            }
            rebase(&mut a.path);
            a.locks = rebased_locks.get_or(&a.locks, (), |set: &LockSet| set.map_locks(|l| rebase(&mut l.lock)));
            let rebase_obj = |o: &mut SyncObj| {
                if let SyncObj::Object(p) = o {
                    rebase(Rc::make_mut(p));
                }
            };
            a.acq = rebased_acq.get_or(&a.acq, (), |set| set.map_objects(rebase_obj));
            a.rel = rebased_rel.get_or(&a.rel, (), |set| set.map_objects(rebase_obj));
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
        let walk = match self.func {
            Some(f) => super::WalkId::Function(f),
            None => super::WalkId::Entries,
        };
        let conflicts = super::pairs::find_conflicts(&self.sum.accesses, &self.local_scope, &aliases, &self.an.facts.entry_names, &mut self.an.conflict_shapes, walk);
        self.an.facts.conflicts.extend(conflicts);
        for a in &self.sum.accesses {
            let write = a.kind.is_write() || a.kind == AccessKind::FieldWrite;
            if write
                && !a.path.is_function_local()
                && !a.locks.is_empty()
                && a.locks.iter().all(|l| l.mode == Mode::Read)
                && a.locks.iter().any(|l| l.aliasable || may_guard(&l.lock, &a.path))
            {
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
        self.sum
    }

    // ----- scopes --------------------------------------------------------------------

    fn declare(&mut self, name: &str, ty: Type, val: Val<'p>, origin: Option<ReadOrigin>, param: Option<u16>) -> u32 {
        if name == "_" {
            return 0;
        }
        self.forget_cond_locks(name);
        let named = match &val {
            Val::Path(p, _) => p.local(),
            _ => None,
        };
        let id = named.unwrap_or_else(|| self.fresh_id());
        let scope = *self.instance_scopes.last().unwrap_or(&0);
        if named.is_some() {
            self.local_scope.insert(id, scope);
        }
        let var = Var { id, ty, val, origin, param, fresh: false, typed: None, iteration: None, snapshot: false, owner: self.thread };
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

    /// A value that is another one in each iteration of the loop around this point: a loop's
    /// element (`range tasks`) or a local declared in the loop's body.
    fn new_each_iteration(&self, p: &Path) -> bool {
        p.iterations().next().is_some()
            || matches!(p.root, Root::Local(id) if self.local_scope.get(&id).is_some_and(|s| *s != 0 && self.instance_scopes.last() == Some(s)))
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
}

/// Could the mutex at `lock` be the guard of the map at `map`? Go code keeps a mutex next to
/// what it guards: in the struct that holds the map (`s.mu` and `s.hits`, `s.mu.m` beside
/// an embedded mutex, a field or two further down), or a package-level mutex beside
/// package-level maps. A read lock of another object held around a call that reaches deep
/// into unrelated state (`p.stateLock.RLock(); p.state.GetNonce()` filling a cache three
/// objects away) is not the map's guard, and a write under it is no MR006.
fn may_guard(lock: &Path, map: &Path) -> bool {
    if let (Root::Global(lp, _), Root::Global(mp, _)) = (&lock.root, &map.root)
        && lock.steps.len() <= 1
    {
        return lp == mp;
    }
    if lock.root != map.root {
        return false;
    }
    // The struct the mutex is a field of, or the mutex's own struct when it embeds one.
    let owners = [lock.steps.len().saturating_sub(1), lock.steps.len()];
    owners.into_iter().any(|n| {
        map.steps.len() >= n
            && map.steps[..n] == lock.steps[..n]
            && map.steps[n..].iter().take_while(|s| !matches!(s, Step::Key(_))).filter(|s| matches!(s, Step::Field(_))).count() <= 2
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(root: Root, fields: &[&str]) -> Path {
        fields.iter().fold(Path::new(root), |p, f| p.child(Step::Field(Rc::from(*f))))
    }

    #[test]
    fn a_mutex_guards_maps_beside_it_not_deep_in_other_objects() {
        // s.mu beside s.hits; s.mu.m beside an embedded mutex; s with the mutex embedded.
        assert!(may_guard(&path(Root::Recv, &["mu"]), &path(Root::Recv, &["hits"])));
        assert!(may_guard(&path(Root::Recv, &["mu"]), &path(Root::Recv, &["mu", "m"])));
        assert!(may_guard(&path(Root::Recv, &[]), &path(Root::Recv, &["cache"])));
        assert!(may_guard(&path(Root::Recv, &["mu"]), &path(Root::Recv, &["inner", "m"]).child(Step::Key(crate::analysis::path::Key::Any))));
        // A package-level mutex beside a package-level map.
        let g = |n: &str| path(Root::Global(0, Rc::from(n)), &[]);
        assert!(may_guard(&g("mu"), &g("registry")));
        // p.stateLock held around a call that fills a cache three objects away.
        assert!(!may_guard(&path(Root::Recv, &["stateLock"]), &path(Root::Recv, &["state", "prefetcher", "fetchers"])));
        // Another object's lock.
        assert!(!may_guard(&path(Root::Param(0), &["mu"]), &path(Root::Recv, &["hits"])));
    }
}

/// A `sync.Map` `Load` the walk saw, for MR005's check-then-act on the same key.
pub(super) struct SyncMapLoad {
    pub map: Path,
    pub key: KeyText,
    pub site: Site,
    /// Critical sections held at the Load: a Store in the same one is atomic with it.
    pub sections: Vec<u32>,
    /// `_, ok := m.Load(k)`: only presence is checked. A `Delete` after it removes whatever
    /// is there, as a plain `Delete` would (`SyncMapFact::presence_only`).
    pub value_unused: bool,
}
