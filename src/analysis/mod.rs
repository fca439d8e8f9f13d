//! Package model → summaries → facts. Computes every function's summary once (memoised,
//! callees first, recursion cut), adds the entries no call in the module shows (declared
//! concurrency, `ServeHTTP`), and collects the facts the rules read: conflicting access pairs,
//! racy lazy inits, split read-modify-writes, `sync.Map` sequences, writes under `RLock`.

pub mod budget;
mod callers;
mod intern;
mod pool;
mod roles;
pub use roles::{is_config_setter_name, is_setup_method};
use roles::rpc_shaped;
pub mod models;
mod pairs;
pub mod path;
mod refs;
pub mod summary;
mod text;
mod walk;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::rc::Rc;

use crate::model::{FuncId, PkgId, Program, SyncKind, Type, TypeId};
use crate::syntax::ir::{ExprKind, TypeExpr};
use path::{Path, Root};
use summary::{Access, ReadOrigin, Site, Summary, Thread};
use walk::Walk;

/// How deep summaries may nest before a callee is treated as unknown.
const MAX_CALL_DEPTH: u32 = 48;

/// Two accesses to one map from contexts that may run at once, at least one a write, not
/// ordered and not guarded by a common lock held in write mode by one of them.
#[derive(Clone, Debug)]
pub struct Conflict {
    pub a: Access,
    pub b: Access,
    /// The accesses reach one map through different outer keys or maps (MR003).
    pub aliased: bool,
    /// The walk that saw both sides (whose code they run in): for messages and confidence.
    pub walk: WalkId,
    /// The pair holds a common lock only where a flag parameter says to take it
    /// (`HeldLock::when`), which no caller seen resolves; the sides show no such lock.
    pub flag_guarded: bool,
}

/// Which walk found a conflict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WalkId {
    /// The body of this function, its callees and the goroutines it starts.
    Function(FuncId),
    /// The entry walk: methods that run concurrently though no call shows it (declared
    /// concurrency, handlers, parallel tests), with goroutines on their types' maps.
    Entries,
    /// The pairs re-checked once every alias class was known (MR003).
    AliasRecheck,
}

/// Check-then-create where check and store are not one critical section and at least one
/// of them holds a lock (the unlocked form needs a conflict as evidence; see `Conflict`).
#[derive(Clone, Debug)]
pub struct LazyInit {
    pub store: Access,
    pub check: Site,
    /// The function of the check and the store.
    pub func: Option<FuncId>,
}

/// A map entry read in one critical section and written back from it in another.
#[derive(Clone, Debug)]
pub struct AtomicityFact {
    pub write: Access,
    pub read: ReadOrigin,
    /// Where to report it: the write, or the call through which a callee writes.
    pub at: Site,
    /// The function whose walk saw the read and the write (none: the entry walk).
    pub func: Option<FuncId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncMapForm {
    LoadThenStore,
    LoadThenDelete,
    MutatedValue,
}

#[derive(Clone, Debug)]
pub struct SyncMapFact {
    pub site: Site,
    pub related: Site,
    pub shown: Rc<str>,
    pub form: SyncMapForm,
    /// For a Store: the value stored is neither derived from what the Load returned nor a
    /// new object (`v := compute(k); m.Store(k, v)` after a miss): a cache fill, where two
    /// goroutines racing store equivalent values.
    pub recomputed: bool,
    /// For a Delete: the Load checked presence only (`_, ok := m.Load(k)`).
    pub presence_only: bool,
    /// The function whose walk saw the pair (none: the entry walk), and the map as it names
    /// it: whether another run can store between them depends on who else reaches that map.
    pub func: Option<FuncId>,
    pub map: Path,
}

#[derive(Default)]
pub struct Facts {
    /// Budgets that fired (see `budget`): where the analysis took a cheaper abstraction.
    pub budgets: budget::BudgetReport,
    pub conflicts: Vec<Conflict>,
    pub lazy_inits: Vec<LazyInit>,
    pub atomicity: Vec<AtomicityFact>,
    pub syncmap: Vec<SyncMapFact>,
    /// Writes under a read lock only, each with the function whose walk saw it (`None`: the
    /// entry walk): a walk per caller up the chain, so one write comes with every caller.
    pub rlock_writes: Vec<(Access, Option<FuncId>)>,
    /// Entry methods (declared concurrency, ServeHTTP) by their goroutine site, for messages.
    pub entry_names: HashMap<Site, String>,
    /// What started a goroutine, when not a `go` statement ("HTTP handlers registered at").
    pub spawn_labels: HashMap<Site, &'static str>,
    /// Types registered with an RPC framework (`rpc.Register(s)`, generated gRPC
    /// `RegisterXServer(srv, s)`), which calls their exported methods per request, concurrently.
    pub registered: HashSet<TypeId>,
    /// In the entry walk, the call (origin) of each method run by one client at a time, by
    /// the method's name: how messages name the entry of the calling goroutine.
    pub client_calls: HashMap<u32, String>,
    /// In the entry walk, the calls (origins) of setup methods (see `is_setup_method`).
    pub setup_calls: HashSet<u32>,
    /// Functions some run of the program can have running twice at once: called (or
    /// started) in a goroutine that runs many times at once, from two goroutines of one walk,
    /// or called by such a function. What a check-then-act needs to lose an update (MR004,
    /// MR007): a second run of the same code.
    pub concurrent_funcs: HashSet<FuncId>,
    /// The part of `concurrent_funcs` that runs twice at once on one receiver: not reached
    /// only through calls on an object the caller made for itself (`c := &conn{}; go
    /// c.readLoop()` runs once per connection, on that connection's maps).
    pub shared_concurrent_funcs: HashSet<FuncId>,
    /// Functions an API of the module reaches by calls (an exported function, or an
    /// exported method of an exported type, outside tests): other packages may call them from
    /// many goroutines. `api_shared_funcs`: over the calls of `shared_concurrent_funcs`.
    pub api_funcs: HashSet<FuncId>,
    pub api_shared_funcs: HashSet<FuncId>,
    /// Exported functions every caller in the module (outside tests) calls holding these
    /// lock classes: a helper that expects its caller's lock, as far as the module shows.
    pub caller_held: HashMap<FuncId, Vec<(TypeId, Rc<str>)>>,
    /// The exported function whose concurrent calls an entry-walk goroutine site stands for.
    pub entry_funcs: HashMap<Site, FuncId>,
    /// Entry-walk goroutine sites of request handlers (`ServeHTTP`, a registered RPC type's
    /// handler-shaped methods): they run once per request, concurrently with themselves.
    pub handler_sites: HashSet<Site>,
    /// Types with a method that returns holding a lock of the receiver (`LockWithVersion`
    /// locks `l.mut` and leaves it to the caller's `Unlock`), by that method: the type hands
    /// its lock to callers, who hold it across calls of its other methods.
    pub lock_handing: HashMap<TypeId, FuncId>,
}

pub struct Analyzer<'p> {
    pub prog: &'p Program,
    summaries: HashMap<FuncId, Rc<Summary>>,
    in_progress: HashSet<FuncId>,
    global_types: HashMap<(PkgId, String), Type>,
    /// Map slots of package variables or of every instance of a type that hold one map
    /// value, wherever the stores happened (`init`, constructors): MR003 across functions.
    global_aliases: Vec<Vec<Path>>,
    /// Types that declare concurrency: a mutex field next to a map field.
    declared: HashSet<TypeId>,
    /// Accesses of goroutines on maps named for every instance, met by the entries.
    pool: pool::Pool,
    /// Per lock-declaring type, the fields its methods touch under its lock; the entry walk
    /// compares only accesses to those (other fields are left to other evidence).
    guarded_fields: HashMap<TypeId, HashSet<Vec<Rc<str>>>>,
    /// `Name` or `pkg.Name` of functions and methods outside the module that run the
    /// function values they are given concurrently (from the user's config).
    concurrent_apis: Vec<String>,
    /// Functions that run the function values they are given while holding a lock of their
    /// own (`db.withLock(func() {...})`), from the user's config (`lock_wrappers`).
    lock_wrappers: Vec<String>,
    /// Shapes of the conflicts found so far: each is recorded once (see `ConflictShapes`).
    conflict_shapes: pairs::ConflictShapes,
    /// Roots whose summaries were cut to what later passes read (see `compact_root`).
    compacted: HashSet<FuncId>,
    /// What the entry walk saw, for `recheck_aliased`.
    entry_accesses: Vec<Access>,
    /// Accesses kept in all summaries (the memory budget, see `budget`).
    kept_accesses: usize,
    /// The canonical lock and ordering sets of the summaries kept whole (see `intern`).
    interner: intern::Interner,
    /// Functions no code names (see `is_root`): their summaries are cut, then interned.
    roots: HashSet<FuncId>,
    /// The last `range` loop scope handed out (see `loop_scope`).
    last_loop_scope: u32,
    /// Every call instantiated: caller (none: the entry walk), callee, and the locks (by
    /// class, write mode) the caller holds there (see `entry_locks`).
    call_locks: Vec<(Option<FuncId>, FuncId, Vec<(TypeId, Rc<str>)>)>,
    /// Calls seen (caller → callee; the entry walk has no caller), and the callees some call
    /// runs twice at once: `Facts::concurrent_funcs` is their closure over the calls.
    calls: HashSet<(Option<FuncId>, FuncId)>,
    concurrent_calls: HashSet<FuncId>,
    /// Callees some call runs in the calling goroutine itself (not on a goroutine it
    /// starts): a method called only on goroutines (`g.Go(func() { r.load(ids) })`) locks
    /// against those goroutines, not against its type's callers (see `run_entries`).
    called_inline: HashSet<FuncId>,
    called_on_goroutine: HashSet<FuncId>,
    /// The calls and concurrent callees of `calls` and `concurrent_calls` whose receiver is
    /// not an object the caller made (see `Facts::shared_concurrent_funcs`).
    shared_calls: HashSet<(Option<FuncId>, FuncId)>,
    shared_concurrent_calls: HashSet<FuncId>,
    /// `go` statements only the winner of a flag reaches: one goroutine at a time (see
    /// `walk::once_start`).
    once_spawns: HashSet<Site>,
    pub facts: Facts,
    /// Told (functions done, functions) as summaries are computed: the progress bar.
    progress: Option<&'p dyn Fn(usize, usize)>,
}

/// How an entry method runs in the entry walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Entry {
    /// Many at once, with the other entries and itself (declared by a lock, `ServeHTTP`, an
    /// RPC registration, a parallel test).
    Concurrent,
    /// Called by one client at a time, alongside the type's background goroutines.
    OneClient,
    /// Only the goroutines it starts run (a `Start` method that launches a loop).
    SpawnOnly,
}

/// `range` loop scopes start here; a walk's own ids stay far below.
const LOOP_SCOPES_FROM: u32 = 1 << 30;

impl<'p> Analyzer<'p> {
    pub fn new(prog: &'p Program) -> Self {
        Analyzer {
            prog,
            summaries: HashMap::default(),
            in_progress: HashSet::default(),
            global_types: HashMap::default(),
            global_aliases: Vec::new(),
            declared: declared_types(prog),
            pool: Default::default(),
            entry_accesses: Vec::new(),
            compacted: HashSet::default(),
            conflict_shapes: pairs::ConflictShapes::default(),
            last_loop_scope: LOOP_SCOPES_FROM,
            kept_accesses: 0,
            interner: intern::Interner::default(),
            roots: HashSet::default(),
            calls: HashSet::default(),
            concurrent_calls: HashSet::default(),
            called_inline: HashSet::default(),
            called_on_goroutine: HashSet::default(),
            shared_calls: HashSet::default(),
            shared_concurrent_calls: HashSet::default(),
            once_spawns: HashSet::default(),
            call_locks: Vec::new(),
            guarded_fields: HashMap::default(),
            concurrent_apis: Vec::new(),
            lock_wrappers: Vec::new(),
            facts: Facts::default(),
            progress: None,
        }
    }

    /// A scope id no walk's own counter reaches, for a `range` loop.
    fn loop_scope(&mut self) -> u32 {
        self.last_loop_scope += 1;
        self.last_loop_scope
    }

    fn add_global_alias(&mut self, class: Vec<Path>) {
        if !self.global_aliases.contains(&class) {
            self.global_aliases.push(class);
        }
    }

    /// A function no code in the module names (a test, `main`, an exported function the module
    /// does not use): no caller will instantiate its summary. Methods are entries of declared
    /// concurrency, constructors are read by the entry walk, and parallel tests are entries:
    /// those are not roots here.
    fn is_root(&self, id: FuncId, referenced: &HashSet<&str>) -> bool {
        let f = &self.prog.funcs[id as usize];
        f.recv.is_none()
            && !referenced.contains(f.name.as_str())
            && f.results.first().and_then(|t| self.prog.named_of(t)).is_none()
            && !f.body.body.as_ref().is_some_and(|b| walk::calls_parallel(b))
    }

    /// Keep of a root's summary only what later passes read: accesses to package variables
    /// and to maps named for every instance of a type (the alias re-check pairs those). Test
    /// functions of a large module each kept thousands of accesses nobody would read again.
    fn compact_root(&mut self, id: FuncId) {
        let Some(s) = self.summaries.get_mut(&id) else { return };
        // In place: nothing else holds a root's summary (no caller names it).
        let compact = Rc::make_mut(s);
        if compact.accesses.iter().all(|a| matches!(a.path.root, Root::Global(..) | Root::TypeRoot(_))) {
            self.interner.accesses(&mut compact.accesses);
            return;
        }
        let before = compact.accesses.len();
        compact.accesses.retain(|a| matches!(a.path.root, Root::Global(..) | Root::TypeRoot(_)));
        self.kept_accesses -= before - compact.accesses.len();
        compact.accesses.shrink_to_fit();
        self.interner.accesses(&mut compact.accesses);
        self.compacted.insert(id);
    }

    /// The summary of `id`, computed on first use. `None` inside a recursive cycle or past
    /// the depth limit: the call is then treated as unknown.
    fn summary(&mut self, id: FuncId, depth: u32) -> Option<Rc<Summary>> {
        if self.compacted.remove(&id) {
            // A root after all (a call the name scan could not see): walk it again, whole.
            if let Some(old) = self.summaries.remove(&id) {
                self.kept_accesses -= old.accesses.len();
            }
        }
        if let Some(s) = self.summaries.get(&id) {
            return Some(s.clone());
        }
        if depth > MAX_CALL_DEPTH || self.in_progress.contains(&id) {
            return None;
        }
        let f = &self.prog.funcs[id as usize];
        f.body.body.as_ref()?;
        self.in_progress.insert(id);
        let mut w = Walk::new(self, Some(id), f.file, f.pkg, depth);
        w.run_function(id);
        let mut sum = w.finish();
        self.in_progress.remove(&id);
        if self.kept_accesses > budget::MAX_KEPT_ACCESSES {
            let merged = budget::merge_accesses(&mut sum.accesses);
            if merged > 0 {
                self.facts.budgets.summaries_merged += 1;
                self.facts.budgets.accesses_merged += merged;
            }
        }
        self.kept_accesses += sum.accesses.len();
        // A root's summary is interned once it is cut (`compact_root`): most of it goes.
        if !self.roots.contains(&id) {
            self.interner.accesses(&mut sum.accesses);
        }
        let rc = Rc::new(sum);
        self.summaries.insert(id, rc.clone());
        Some(rc)
    }

    /// The type of a package-level variable declared without one (`var m = map[K]V{}`).
    fn global_type(&mut self, pkg: PkgId, name: &str) -> Type {
        if let Some(t) = self.global_types.get(&(pkg, name.to_string())) {
            return t.clone();
        }
        let g = &self.prog.packages[pkg as usize].vars[name];
        let file = g.file;
        let ty = match g.init.as_ref().map(|e| &e.kind) {
            Some(ExprKind::Composite(te, _)) => self.prog.resolve(file, te),
            Some(ExprKind::Unary(_, inner)) => match &inner.kind {
                ExprKind::Composite(te, _) => Type::Pointer(Box::new(self.prog.resolve(file, te))),
                _ => Type::Unknown,
            },
            Some(ExprKind::Call { func, args }) => match (&func.kind, args.first().map(|a| &a.kind)) {
                (ExprKind::Ident(n), Some(ExprKind::Type(te))) if n == "make" => self.prog.resolve(file, te),
                (ExprKind::Ident(n), Some(ExprKind::Ident(t))) if n == "make" || n == "new" => {
                    let t = self.prog.resolve(file, &TypeExpr::Name(t.clone()));
                    if n == "new" { Type::Pointer(Box::new(t)) } else { t }
                }
                (ExprKind::Ident(n), _) => match self.prog.packages[pkg as usize].funcs.get(n.as_str()) {
                    Some(f) => self.prog.funcs[*f as usize].results.first().cloned().unwrap_or(Type::Unknown),
                    None => Type::Unknown,
                },
                _ => Type::Unknown,
            },
            _ => Type::Unknown,
        };
        self.global_types.insert((pkg, name.to_string()), ty.clone());
        ty
    }

    /// Summaries for every function, then the synthetic entries.
    pub fn run(&mut self) {
        let referenced = refs::referenced_names(self.prog);
        let total = self.prog.funcs.len();
        self.roots = (0..total as FuncId).filter(|id| self.is_root(*id, &referenced)).collect();
        for id in 0..total as FuncId {
            if let Some(progress) = self.progress {
                progress(id as usize, total);
            }
            self.summary(id, 0);
            if self.roots.contains(&id) {
                self.compact_root(id);
            }
        }
        self.run_entries();
        if std::env::var_os("MAPRACE_DEBUG").is_some() {
            let total: usize = self.summaries.values().map(|s| s.accesses.len()).sum();
            let max = self.summaries.values().map(|s| s.accesses.len()).max().unwrap_or(0);
            eprintln!("pass 1 done: {} global alias classes, {} summaries, {} accesses kept (max {}), {} conflicts", self.global_aliases.len(), self.summaries.len(), total, max, self.facts.conflicts.len());
        }
        if !self.global_aliases.is_empty() {
            self.recheck_aliased();
        }
        self.close_concurrent_funcs();
        self.drop_guarded_by_callers();
        let exported = |f: &FuncId| self.prog.funcs[*f as usize].name.chars().next().is_some_and(char::is_uppercase);
        self.facts.caller_held = self.caller_locks(true).into_iter().filter(|(f, _)| exported(f)).collect();
    }

    /// A call of `id` made holding these locks (by class, write mode).
    fn note_entry_locks(&mut self, caller: Option<FuncId>, id: FuncId, held: Vec<(TypeId, Rc<str>)>) {
        self.call_locks.push((caller, id, held));
    }

    /// Everything a function that runs twice at once calls runs twice at once too.
    fn close_concurrent_funcs(&mut self) {
        self.facts.concurrent_funcs = closure(&self.calls, &self.concurrent_calls);
        self.facts.shared_concurrent_funcs = closure(&self.shared_calls, &self.shared_concurrent_calls);
        let prog = self.prog;
        let apis: HashSet<FuncId> = (0..prog.funcs.len() as FuncId)
            .filter(|&id| {
                let f = &prog.funcs[id as usize];
                f.exported()
                    && !prog.is_test_file(f.file)
                    && f.recv.as_ref().is_none_or(|r| prog.types[r.ty as usize].name.starts_with(char::is_uppercase))
            })
            .collect();
        self.facts.api_funcs = closure(&self.calls, &apis);
        self.facts.api_shared_funcs = closure(&self.shared_calls, &apis);
    }

    /// Aliasing found anywhere applies everywhere, also to functions walked before it was
    /// found. Summaries do not depend on it, only pair checks do, and only for the roots the
    /// classes name (package variables and per-type fields survive in summaries), so those
    /// pairs are checked again with every class known.
    fn recheck_aliased(&mut self) {
        let roots: HashSet<&Root> = self.global_aliases.iter().flatten().map(|p| &p.root).collect();
        let no_scopes = HashMap::default();
        let mut found = Vec::new();
        let mut ids: Vec<&FuncId> = self.summaries.keys().collect();
        ids.sort();
        let sums = ids.into_iter().map(|id| &self.summaries[id].accesses).chain(std::iter::once(&self.entry_accesses));
        for accesses in sums {
            if accesses.iter().any(|a| roots.contains(&a.path.root)) {
                let conflicts = pairs::find_conflicts(accesses, &no_scopes, &self.global_aliases, &self.facts.entry_names, &mut self.conflict_shapes, WalkId::AliasRecheck, false, &Default::default());
                found.extend(conflicts.into_iter().filter(|c| c.aliased));
            }
        }
        self.facts.conflicts.extend(found);
    }

    /// Methods no call in the module shows running concurrently, but that do: the exported
    /// methods of types that lock their own mutex around a map field (declared concurrency),
    /// and every `ServeHTTP`. Each runs as a goroutine that may run many times at once, on
    /// "any instance" of its type.
    fn run_entries(&mut self) {
        let prog = self.prog;
        let mut entries: Vec<(FuncId, Entry)> = Vec::new();
        self.guarded_fields.clear();
        let constructors = self.background_constructors();
        let mut spawning_constructors: Vec<(FuncId, TypeId)> = Vec::new();
        let mut all_spawners: HashSet<FuncId> = HashSet::default();
        let internal = self.internal_helpers();
        for (tid, t) in prog.types.iter().enumerate() {
            // The maps some method touches while holding a lock of the receiver, named by their
            // field chain (`s.cfg.byName`): the type declares that those are shared (GCatch's
            // "locked in some uses"). The whole chain, not its first field: a lock around
            // `h.Headers.counts` says nothing about `h.Headers.replace`, which setup methods
            // fill before the type is used concurrently.
            let mut guarded: HashSet<Vec<Rc<str>>> = HashSet::default();
            let fields: Vec<&str> = match &t.underlying {
                crate::model::Type::Struct(fs) => fs.iter().map(|f| f.name.as_str()).collect(),
                _ => Vec::new(),
            };
            for m in t.methods.values() {
                let Some(s) = self.summaries.get(m) else { continue };
                // An unexported method the module calls only on goroutines (a fan-out's
                // workers) locks against those workers: its lock says nothing of how the
                // type's callers run its exported methods.
                if self.only_on_goroutines(*m) {
                    continue;
                }
                for a in &s.accesses {
                    let Some(path::Step::Field(field)) = a.path.steps.first() else { continue };
                    let guards_it = |l: &summary::HeldLock| match (&l.lock.root, l.lock.steps.as_slice()) {
                        (Root::Recv, [path::Step::Field(name)]) => !path::lock_named_for_other_field(name, field, &fields),
                        _ => false,
                    };
                    if a.thread == Thread::Current && matches!(a.path.root, Root::Recv) && a.locks.iter().any(guards_it) {
                        guarded.insert(field_chain(&a.path));
                    }
                }
            }
            // Maps of the receiver that goroutines started by its own methods touch: those
            // goroutines run while callers go on calling the exported methods.
            let mut spawned: HashSet<Rc<str>> = HashSet::default();
            let mut spawners: HashSet<FuncId> = HashSet::default();
            for m in t.methods.values() {
                let Some(s) = self.summaries.get(m) else { continue };
                // A helper only the type's own methods call (`startWorkers`, joined by the
                // caller's `stopWorkers`) starts goroutines for them: their summaries carry
                // those goroutines, and say whether they outlive the call.
                if internal.contains(m) {
                    continue;
                }
                for a in &s.accesses {
                    // A goroutine the method waits for (`<-done`, `wg.Wait`) is over when the
                    // method returns, and one whose end the method's caller gets to wait for
                    // (a returned channel it closes) is the caller's to join: only background
                    // goroutines outlive it.
                    let joined = a.rel.iter().any(|r| s.acquires.contains(r)) || joined_by_caller(s, a);
                    if matches!(a.thread, Thread::Spawned { .. }) && matches!(a.path.root, Root::Recv) && !joined
                        && let Some(path::Step::Field(f)) = a.path.steps.first() {
                            spawned.insert(f.clone());
                            spawners.insert(*m);
                        }
                }
            }
            // Constructors that return a new instance with goroutines still running on its
            // maps (a refresh loop, a ticker): those run alongside the instance's methods too.
            for (id, ty, fields) in &constructors {
                if *ty == tid as TypeId {
                    spawned.extend(fields.iter().cloned());
                    spawning_constructors.push((*id, *ty));
                }
            }
            // A lock around a map field says the methods run concurrently with each other; a
            // background goroutine alone says only that they run alongside it.
            all_spawners.extend(spawners.iter().copied());
            // A type documented as not safe for concurrent use is used by one goroutine at a
            // time whatever locks it keeps (for its background goroutines): its methods are
            // one client's calls, not concurrent entries.
            let locked = !guarded.is_empty() && !t.single_goroutine;
            let declares = locked || !spawned.is_empty();
            if declares {
                guarded.extend(spawned.into_iter().map(|f| vec![f]));
                self.guarded_fields.insert(tid as TypeId, guarded);
            }
            let mut ms: Vec<(&String, &FuncId)> = t.methods.iter().collect();
            ms.sort();
            // Exported only: an unexported lock helper (`c.lock()`) is the type's own business.
            if let Some((_, id)) = ms.iter().find(|(name, id)| {
                name.starts_with(|c: char| c.is_uppercase())
                    && self.summaries.get(id).is_some_and(|s| s.locks_acquired.iter().any(|l| matches!(l.lock.root, Root::Recv) && !l.lock.steps.is_empty()))
            }) {
                self.facts.lock_handing.insert(tid as TypeId, **id);
            }
            let mut has_entry = false;
            for (name, id) in &ms {
                let exported = name.chars().next().is_some_and(char::is_uppercase);
                // Of a type registered with an RPC framework, the methods shaped like handlers
                // run per request; its other methods (`Start(acc)`, `Close()`) are the type's
                // own, as if it were not registered.
                let registered = self.facts.registered.contains(&(tid as TypeId)) && !t.single_goroutine && rpc_shaped(&prog.funcs[**id as usize].body.sig);
                // A spawning method of a type whose methods run concurrently is one of them
                // (an `Add` arming a timer); otherwise it is setup (`Start`): its goroutines
                // run alongside the entries, its body is left out (below).
                if spawners.contains(*id) && !(locked || registered) && *name != models::HTTP_HANDLER_METHOD {
                    continue;
                }
                // Setup methods (`Provision`, `Start`, `RegisterX`) run once, before the type is
                // used concurrently: one client's calls, not concurrent with themselves.
                if locked && !registered && exported && self.is_lifecycle_method(**id) {
                    entries.push((**id, Entry::OneClient));
                    has_entry = true;
                    continue;
                }
                if ((locked || registered) && exported) || *name == models::HTTP_HANDLER_METHOD {
                    entries.push((**id, Entry::Concurrent));
                    has_entry = true;
                    if registered || *name == models::HTTP_HANDLER_METHOD {
                        let f = &prog.funcs[**id as usize];
                        self.facts.handler_sites.insert(Site { file: f.file, span: f.body.span });
                    }
                } else if declares && exported {
                    entries.push((**id, Entry::OneClient));
                    has_entry = true;
                }
            }
            if !has_entry {
                spawning_constructors.retain(|(_, ty)| *ty != tid as TypeId);
            }
            if has_entry {
                // Methods that start goroutines on the receiver (watchers, loops) run those
                // alongside the entries; the bodies of setup methods are left out.
                for (_, id) in &ms {
                    let spawns = self.summaries.get(id).is_some_and(|s| {
                        s.accesses.iter().any(|a| matches!(a.thread, Thread::Spawned { .. }) && matches!(a.path.root, Root::Recv))
                    });
                    if spawns && !entries.iter().any(|(e, mode)| e == *id && *mode != Entry::SpawnOnly) {
                        entries.push((**id, Entry::SpawnOnly));
                    }
                }
            }
        }
        // Test functions that call t.Parallel() run alongside each other.
        for (id, f) in prog.funcs.iter().enumerate() {
            let is_test = f.recv.is_none()
                && f.name.starts_with("Test")
                && prog.is_test_file(f.file)
                && f.body.body.as_ref().is_some_and(|b| walk::calls_parallel(b));
            if is_test {
                entries.push((id as FuncId, Entry::Concurrent));
            }
        }
        self.facts.budgets.unpooled = self.pool.dropped();
        if entries.is_empty() {
            self.pool.clear();
            return;
        }
        let first = &prog.funcs[entries[0].0 as usize];
        let mut w = Walk::new(self, None, first.file, first.pkg, 0);
        // One-client calls go last: nothing the entry walk's own goroutine did before them
        // (the go statements of spawning methods) is taken to come before them. Among them
        // the spawning ones go first, so that their go statements order only their own
        // earlier accesses, not the other clients' calls.
        entries.sort_by_key(|(id, mode)| (*mode == Entry::OneClient, !all_spawners.contains(id)));
        for (id, ty) in spawning_constructors {
            w.enter_constructor(id, ty);
        }
        for (id, mode) in entries {
            w.enter_method(id, mode);
        }
        let sum = w.finish();
        self.entry_accesses = sum.accesses;
    }
}

impl Analyzer<'_> {
    /// Functions that return a new instance of a module type (`*T` or `T`, made in the call)
    /// and leave goroutines running on its map fields, with those fields: `NewCache()` that
    /// starts an expiry loop on the cache it returns.
    fn background_constructors(&self) -> Vec<(FuncId, TypeId, Vec<Rc<str>>)> {
        let mut out = Vec::new();
        for (id, f) in self.prog.funcs.iter().enumerate() {
            if f.recv.is_some() {
                continue;
            }
            let Some(ty) = f.results.first().and_then(|t| self.prog.named_of(t)) else { continue };
            if self.declared.contains(&ty) {
                // Goroutines on maps of a lock-declaring type are pooled from every walk
                // already (`Access::typed`), the constructor's included.
                continue;
            }
            let Some(s) = self.summaries.get(&(id as FuncId)) else { continue };
            let Some(Root::Local(l)) = s.returns.first().and_then(|r| r.path.as_ref()).map(|p| &p.root) else { continue };
            let mut fields: Vec<Rc<str>> = Vec::new();
            for a in &s.accesses {
                let joined = a.rel.iter().any(|r| s.acquires.contains(r));
                if matches!(a.thread, Thread::Spawned { .. })
                    && !joined
                    && a.path.root == Root::Local(*l)
                    && let Some(path::Step::Field(name)) = a.path.steps.first()
                    && !fields.contains(name)
                {
                    fields.push(name.clone());
                }
            }
            if !fields.is_empty() {
                out.push((id as FuncId, ty, fields));
            }
        }
        out
    }
}

/// Run the static analysis: the rule-neutral facts the rules read.
pub fn analyze(prog: &Program, concurrent_apis: &[String], lock_wrappers: &[String]) -> Facts {
    analyze_with_progress(prog, concurrent_apis, lock_wrappers, None)
}

/// `analyze`, telling `progress` (functions done, functions) as it goes.
pub fn analyze_with_progress<'p>(prog: &'p Program, concurrent_apis: &[String], lock_wrappers: &[String], progress: Option<&'p dyn Fn(usize, usize)>) -> Facts {
    let mut an = Analyzer::new(prog);
    an.concurrent_apis = concurrent_apis.to_vec();
    an.lock_wrappers = lock_wrappers.to_vec();
    an.progress = progress;
    an.run();
    an.facts
}

impl Path {
    pub fn type_root(t: crate::model::TypeId) -> Path {
        Path::new(Root::TypeRoot(t))
    }
}


/// A goroutine of `s` that releases (sends on, closes) a channel `s` returns: whoever calls
/// the function decides when it is over.
fn joined_by_caller(s: &Summary, a: &Access) -> bool {
    let returned: Vec<&Root> = s.returns.iter().filter_map(|r| r.path.as_ref().map(|p| &p.root)).filter(|r| matches!(r, Root::Local(_))).collect();
    !returned.is_empty() && a.rel.iter().any(|o| matches!(o, summary::SyncObj::Object(p) if returned.contains(&&p.root)))
}

/// The fields a path goes through before its first map key or element: which map field of
/// its root it names.
fn field_chain(p: &Path) -> Vec<Rc<str>> {
    p.steps
        .iter()
        .map_while(|s| match s {
            path::Step::Field(f) => Some(f.clone()),
            _ => None,
        })
        .collect()
}

/// Types with a mutex (direct or embedded) and a map field: their methods are meant to run
/// concurrently, so goroutines that reach their maps meet every exported method.
fn declared_types(prog: &Program) -> HashSet<TypeId> {
    let mut out = HashSet::default();
    for (id, t) in prog.types.iter().enumerate() {
        if let Type::Struct(fields) = &t.underlying {
            let lock = fields.iter().any(|f| matches!(f.ty, Type::Sync(SyncKind::Mutex | SyncKind::RWMutex)));
            let map = fields.iter().any(|f| prog.underlying(&f.ty).is_map());
            if lock && map {
                out.insert(id as TypeId);
            }
        }
    }
    out
}

impl Analyzer<'_> {
    /// In the entry walk: is this access on state its type declares shared? Handlers (every
    /// `ServeHTTP`, RPC methods) run per request whatever the type declares: all they touch
    /// is shared. The other methods of a lock-declaring type meet them and each other only
    /// on the maps the type guards somewhere.
    fn declared_shared(&self, a: &Access) -> bool {
        if let Thread::Spawned { site, .. } = a.thread
            && self.facts.handler_sites.contains(&site)
        {
            return true;
        }
        let p = &a.path;
        match (&p.root, p.steps.first()) {
            (Root::TypeRoot(t), Some(path::Step::Field(_))) => {
                let chain = field_chain(p);
                self.guarded_fields.get(t).is_none_or(|g| g.iter().any(|f| chain.starts_with(f)))
            }
            _ => true,
        }
    }
}

impl Analyzer<'_> {
    /// `x.Name(...)` or `pkg.Name(...)` named in the user's concurrent APIs.
    fn is_configured_concurrent(&self, recv: &crate::syntax::ir::Expr, name: &str) -> bool {
        self.concurrent_apis.iter().any(|api| config_names(api, Some(recv), name))
    }

    /// `x.Name(...)`, `pkg.Name(...)` or `Name(...)` named in the user's lock wrappers.
    pub(super) fn lock_wrapper(&self, recv: Option<&crate::syntax::ir::Expr>, name: &str) -> Option<&str> {
        self.lock_wrappers.iter().find(|api| config_names(api, recv, name)).map(String::as_str)
    }
}

/// Does a config entry name this call? `Name` names any function or method so called;
/// `pkg.Name` a function of the package imported as (or ending in) `pkg`; `pkg.(*T).Name` or
/// `pkg.T.Name` a method, matched by its name on any receiver (receiver types are not tracked
/// through every call).
fn config_names(api: &str, recv: Option<&crate::syntax::ir::Expr>, name: &str) -> bool {
    use crate::syntax::ir::ExprKind;
    match api.rsplit_once('.') {
        Some((qual, n)) if n == name => match recv.map(|r| &r.kind) {
            _ if qual.contains('(') || qual.rsplit('/').next().is_some_and(|last| last.contains('.')) => recv.is_some(),
            Some(ExprKind::Ident(p)) => p == qual || qual.ends_with(&format!("/{p}")),
            _ => false,
        },
        Some(_) => false,
        None => api == name,
    }
}

/// The functions `seeds` reach over `calls` (caller → callee; the entry walk has no caller).
fn closure(calls: &HashSet<(Option<FuncId>, FuncId)>, seeds: &HashSet<FuncId>) -> HashSet<FuncId> {
    let mut callees: HashMap<FuncId, Vec<FuncId>> = HashMap::default();
    for (caller, callee) in calls {
        if let Some(c) = caller {
            callees.entry(*c).or_default().push(*callee);
        }
    }
    let mut stack: Vec<FuncId> = seeds.iter().copied().collect();
    let mut out = HashSet::default();
    while let Some(f) = stack.pop() {
        if out.insert(f) {
            stack.extend(callees.get(&f).into_iter().flatten().copied());
        }
    }
    out
}
