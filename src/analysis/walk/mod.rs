//! The per-function walk: abstract interpretation of one function body over access paths,
//! flow-sensitive lock sets and ordering marks, composing callees' summaries at call sites
//! and walking goroutine closures inline as spawned threads. Produces the function's
//! `Summary` and, at its end, the pair checks whose both sides it can see.
//!
//! This file owns the walk's state (environment of locals, flow, the summary being built)
//! and its entry points; the rest is one file per concern, each an `impl Walk`: `env`
//! (scopes, declaring and looking up locals, quiet paths), `finish` (the exit state, deferred
//! calls, the pair check and facts recorded at the end, the summary trimmed), `stmt`
//! (statements), `goroutines` (go targets, closures, function values), `calls` (builtins,
//! configured APIs, callee summaries), `library` (the library models' effects), `flow`
//! (locks, orderings, recording accesses), `expr` (expressions), `conds` (conditions),
//! `helpers` (free functions).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
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
mod env;
mod expr;
mod finish;
mod flow;
mod goroutines;
mod helpers;
mod library;
mod once_start;
mod stmt;
mod swaps;

use helpers::*;
use conds::keep_param_cond_locks;
pub(super) use helpers::calls_parallel;

/// Summaries larger than this keep their first accesses only: bounded work on huge
/// generated-looking functions, at the cost of recall there. In the entry walk the bound is
/// per entry (each concurrent method, constructor or parallel test gets its own), so that
/// the entries walked last are not starved by the first ones; `MAX_ENTRY_ACCESSES` bounds
/// the whole. Either firing is named in the budget report.
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
    /// The value is an atomic load of this variable (`ready.Load()`, or a method returning
    /// one): where it is `true` (the flag's value when it equals the bool), the code comes
    /// after the store that set it.
    pub observes: Option<(Rc<Path>, bool)>,
    /// The value is the result of an atomic swap (see `walk::swaps`).
    pub swapped: Option<(Rc<Path>, SwapValue)>,
    /// The value decides a swap guard: the flag the winner holds, and the truth of the
    /// value on the winner's branch.
    pub swap_won: Option<(Rc<Path>, bool)>,
}

impl<'p> Ev<'p> {
    fn unknown() -> Ev<'p> {
        Ev { val: Val::Unknown, ty: Type::Unknown, origin: None, fresh: false, param: None, key: KeyText::Unknown, typed: None, stored: None, konst: None, iteration: None, observes: None, swapped: None, swap_won: None }
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
    /// Orderings acquired whenever a condition holds: `if len(out) == 0 { close(jobs);
    /// wg.Wait() }` then, later, `if len(out) == 0 { for _, s := range shards { ... } }`.
    cond_acqs: Rc<Vec<(Rc<str>, bool, SyncObj)>>,
    /// Locks the caller holds that this path released and has not taken again. A path that
    /// never touched the caller's lock still holds it: joined with one that released and
    /// re-took it (`if cb != nil { mu.Unlock(); cb(); mu.Lock() }`), the lock is held.
    released: Rc<Vec<Path>>,
}

impl Flow {
    fn start() -> Flow {
        Flow { locks: Vec::new(), acq: SyncSet::default(), live: true, jumped: false, spawned: Rc::default(), cond_locks: Rc::default(), cond_acqs: Rc::default(), released: Rc::default() }
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
    /// Locals (objects this function made) already stored where others can reach them
    /// (see `publish_local`).
    published: HashSet<u32>,
    /// Objects goroutines of this walk acquired, with where (`finish` relays ordering
    /// through them: a goroutine that waits for its own workers passes their end on).
    acquired_at: Vec<(Thread, u32, SyncObj)>,
    /// Write locks the walked function's goroutine held when it started a goroutine here,
    /// and the critical sections it held at each of its later acquires: a goroutine started
    /// and waited for inside one critical section runs under that lock (`finish`).
    spawn_locks: HashMap<Site, Vec<HeldLock>>,
    joins_at: Vec<(SyncObj, Vec<u32>)>,
    pub(super) sum: Summary,
    /// Deferred calls, with the locks held when each was deferred (see `run_deferred`).
    deferred: Vec<(&'p Expr, Vec<HeldLock>)>,
    exits: Vec<Flow>,
    /// Instance scopes enclosing the current point (loop bodies and goroutine bodies).
    instance_scopes: Vec<u32>,
    /// Per enclosing loop, how many goroutines the path had started when its body began.
    loop_spawn_marks: Vec<usize>,
    /// The flows at each unlabeled `break` of the `for`/`switch`/`select` statements being
    /// walked, innermost last: where those paths rejoin.
    breaks: Vec<Vec<Flow>>,
    loop_depth: u32,
    /// Inside code only the winner of a plain boolean flag reaches (see `once_start`).
    single_start: u32,
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
    /// In the entry walk, pairs of one client's calls (origins) that start the same
    /// goroutine: alternative ways to start the type (`StartMember` / `StartClient`), not
    /// calls one client makes on one instance (see `alternative_starts`).
    alternatives: rustc_hash::FxHashSet<(u32, u32)>,
    /// In the entry walk, the calls (origins) of methods one client calls: its one-client
    /// calls and the spawning methods whose goroutines run alongside the entries.
    client_starts: HashSet<u32>,
    /// `go` statements met inside a loop of this walk (see `keep_fan_in`).
    loop_spawns: HashSet<Site>,
    /// Whether this walk bound a by-value struct's map field (`helpers::own_field_name`).
    bound_own_field: bool,
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
    /// Map reads whose value (or presence) a condition tested: only such a read is the
    /// check of a check-then-create (MR004). A value fetched to copy is no check.
    tested_reads: rustc_hash::FxHashSet<Site>,
    /// `v, ok := m[k]`: the `ok` variable's id and the read it tells about.
    ok_vars: rustc_hash::FxHashMap<u32, Site>,
    /// The last lock set and instance scopes handed to an access, shared by the next ones.
    shared: SharedState,
    /// What `sum.releases` (true) and `sum.acquires` (false) hold: a function with hundreds
    /// of releases searched its list at each one.
    own_effects: rustc_hash::FxHashSet<(bool, SyncObj)>,
    /// Instantiated callee accesses already present (see `instance_key`).
    seen: rustc_hash::FxHashSet<u64>,
    /// Conditions on parameters that hold at the current point (see `ParamCond`), and the
    /// shared copy accesses take of them.
    conds: Vec<ParamCond>,
    conds_shared: Option<Rc<[ParamCond]>>,
    depth: u32,
    /// Accesses copied from callees so far (the per-function budget, see `budget`).
    work: u64,
    /// The summary's size bound (see `MAX_ACCESSES`), and whether reaching it was reported.
    cap: usize,
    capped: bool,
    /// In the entry walk, the entry being walked (for the budget report).
    entry_label: Option<String>,
}

impl<'a, 'p> Walk<'a, 'p> {
    pub(super) fn new(an: &'a mut Analyzer<'p>, func: Option<FuncId>, file: FileId, pkg: PkgId, depth: u32) -> Self {
        Walk {
            an,
            func,
            file,
            pkg,
            scopes: vec![HashMap::default()],
            flow: Flow::start(),
            thread: Thread::Current,
            pos: 0,
            next_id: 0,
            releases: Vec::new(),
            published: HashSet::default(),
            acquired_at: Vec::new(),
            spawn_locks: HashMap::default(),
            joins_at: Vec::new(),
            sum: Summary::default(),
            deferred: Vec::new(),
            exits: Vec::new(),
            instance_scopes: vec![0],
            loop_spawn_marks: Vec::new(),
            breaks: Vec::new(),
            loop_depth: 0,
            single_start: 0,
            calls: 0,
            syncmap_loads: Vec::new(),
            local_stores: HashMap::default(),
            sent: HashMap::default(),
            semaphores: HashSet::default(),
            spawn_origins: HashMap::default(),
            alternatives: Default::default(),
            client_starts: HashSet::default(),
            loop_spawns: HashSet::default(),
            bound_own_field: false,
            call_instances: HashSet::default(),
            constructor_calls: HashSet::default(),
            callee_threads: HashMap::default(),
            local_scope: HashMap::default(),
            lazy_paths: Vec::new(),
            tested_reads: Default::default(),
            ok_vars: Default::default(),
            inherited_aliases: Vec::new(),
            shared: SharedState::default(),
            seen: rustc_hash::FxHashSet::default(),
            own_effects: rustc_hash::FxHashSet::default(),
            conds: Vec::new(),
            conds_shared: None,
            depth,
            work: 0,
            cap: MAX_ACCESSES,
            capped: false,
            entry_label: None,
        }
    }

    /// Room for one more access in the summary; the first time there is none, the walk (or,
    /// in the entry walk, the entry) is named in the budget report.
    pub(super) fn has_room(&mut self) -> bool {
        if self.sum.accesses.len() < self.cap {
            return true;
        }
        if !self.capped {
            self.capped = true;
            let name = match (self.func, &self.entry_label) {
                (Some(f), _) => {
                    let f = &self.an.prog.funcs[f as usize];
                    format!("{} ({})", f.display, self.an.prog.file_path(f.file).display())
                }
                (None, Some(e)) => format!("the entry walk at {e}"),
                (None, None) => "the entry walk".to_string(),
            };
            self.an.facts.budgets.summaries_capped.push(name);
        }
        false
    }

    /// In the entry walk: give the next entry its own share of the bound.
    fn open_entry_budget(&mut self, label: String) {
        self.cap = (self.sum.accesses.len() + MAX_ACCESSES).min(super::budget::MAX_ENTRY_ACCESSES);
        self.capped = false;
        self.entry_label = Some(label);
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
            // A parameter of a named function type (`type Paced func() (bool, error)`) stays a
            // value: running the closures passed as such (visitors, builtins tables) at every
            // call blew up the walks of large modules (OPA: 5 s to over a minute).
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
        // The body's scope stays open through the deferred calls run at exit.
        self.scopes.push(HashMap::default());
        if let Some(body) = &f.body.body {
            self.block_in_scope(body);
        }
        if self.flow.live {
            self.exits.push(self.flow.clone());
        }
        self.finish_exit();
        self.scopes.pop();
    }

    /// Run an entry method as a goroutine that may run many times at once, on every
    /// instance of its type (declared concurrency, `ServeHTTP`).
    pub(super) fn enter_method(&mut self, id: FuncId, mode: super::Entry) {
        let prog = self.an.prog;
        let f = &prog.funcs[id as usize];
        let site = Site { file: f.file, span: f.body.span };
        let label = format!("{} ({})", f.display, prog.file_path(f.file).display());
        self.open_entry_budget(label);
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
            self.client_starts.insert(self.calls + 1);
            if self.an.is_lifecycle_method(id) {
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
            self.client_starts.insert(self.calls + 1);
            let before = self.sum.accesses.len();
            self.call_summary(id, Some(recv), Vec::new(), None, f.body.span);
            let mut added = self.sum.accesses.split_off(before);
            added.retain(|a| a.thread != Thread::Current);
            self.sum.accesses.append(&mut added);
            return;
        }
        self.an.facts.entry_names.insert(site, format!("concurrent calls of {}", f.display));
        self.an.facts.entry_funcs.insert(site, id);
        self.call_summary(id, Some(recv), Vec::new(), Some((site, true, SyncObj::Spawn(site), None)), f.body.span);
    }

    /// A constructor that leaves goroutines running on the instance it returns: those
    /// goroutines, on "any instance" of `ty`, run alongside the entries (its own body is
    /// setup, before the instance is shared, and is left out).
    pub(super) fn enter_constructor(&mut self, id: FuncId, ty: crate::model::TypeId) {
        let f = &self.an.prog.funcs[id as usize];
        let label = format!("{} ({})", f.display, self.an.prog.file_path(f.file).display());
        self.open_entry_budget(label);
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
