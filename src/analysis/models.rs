//! Library models: what calls into the standard library and well-known packages do to
//! concurrency, as one declarative table (Infer RacerD's `RacerDModels`). The walk asks this
//! table instead of matching package and method names itself; the Go instrumenter's hook
//! table is generated from it (`race/instrument/hooks_gen.go`, by `race::gotables`), and a
//! test checks that every hook exists in `race/rt/hooks.go` and records what the row says.
//!
//! This file is a leaf: it imports nothing of the crate, so `model/` can ask which named
//! types are sync primitives without depending on the analysis.
//!
//! Adding a model: one row below (and a hook row if `maprace race` should see it), a corpus
//! case, and `cargo test` (which regenerates the Go table and checks the parity).

/// Synchronisation types whose methods are modelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SyncKind {
    Mutex,
    RWMutex,
    WaitGroup,
    Once,
    Map,
    Cond,
    /// `golang.org/x/sync/errgroup.Group`.
    ErrGroup,
    /// `*testing.T`, `*testing.B` (for `t.Run` / `t.Parallel`).
    TestingT,
    /// `*http.ServeMux`.
    ServeMux,
    /// `sync/atomic.Bool`: a flag one goroutine sets after publishing what others read once
    /// they see it set. (Counters and other atomic values are not modelled: nothing acquires
    /// what their stores release, and releasing on every `Add` costs memory for nothing.)
    AtomicBool,
}

impl SyncKind {
    /// Whether the primitive has a method of this name (any the table lists).
    pub fn has_method(self, name: &str) -> bool {
        method(self, name).is_some()
    }
}

/// Which named types of which packages are the primitives above: (import path, type, kind).
/// The first row of a kind names it for the Go instrumenter (`(*sync.Mutex).Lock`).
pub static SYNC_TYPES: &[(&str, &str, SyncKind)] = &[
    ("sync", "Mutex", SyncKind::Mutex),
    ("sync", "RWMutex", SyncKind::RWMutex),
    ("sync", "WaitGroup", SyncKind::WaitGroup),
    ("sync", "Once", SyncKind::Once),
    ("sync", "Map", SyncKind::Map),
    ("sync", "Cond", SyncKind::Cond),
    ("golang.org/x/sync/errgroup", "Group", SyncKind::ErrGroup),
    ("testing", "T", SyncKind::TestingT),
    ("testing", "B", SyncKind::TestingT),
    ("net/http", "ServeMux", SyncKind::ServeMux),
    ("sync/atomic", "Bool", SyncKind::AtomicBool),
];

/// What a model applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Callee {
    /// A method of a sync primitive: `(*sync.Mutex).Lock`.
    Method(SyncKind, &'static str),
    /// A package function, by import path and name: `time.AfterFunc`.
    Func(&'static str, &'static str),
    /// Package functions whose name starts with a prefix: `fmt.Print*`.
    FuncPrefix(&'static str, &'static str),
    /// A function of any package whose name has this prefix and suffix and takes `arity`
    /// arguments: gRPC's generated `RegisterXServer(srv, impl)`.
    AnyFunc { prefix: &'static str, suffix: &'static str, arity: usize },
    /// A method of this name on any receiver, whatever its type (`x.Lock()` on a wrapper).
    AnyMethod(&'static str),
    /// A method or package function whose name starts with this, on any receiver or package
    /// (`x.CompareAndSwap`, `atomic.CompareAndSwapInt32`).
    AnyNamePrefix(&'static str),
    /// A builtin function: `close`.
    Builtin(&'static str),
}

/// Operations of `sync.Map`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncMapOp {
    Load,
    Store,
    Delete,
    /// One atomic read-modify-write (`LoadOrStore`, `Swap`, `CompareAndSwap`, ...): the code
    /// arbitrated, so no check-then-act follows from it.
    Atomic,
    Range,
    Clear,
}

/// What a call does, as the walk models it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Takes the receiver as a lock (read mode for `RLock`); `TryLock` is taken to succeed.
    Lock { read: bool },
    /// Releases the receiver lock.
    Unlock,
    /// An ordering release on the receiver (`wg.Done()`).
    Release,
    /// Waits for the receiver's releases (`wg.Wait()`, `g.Wait()`).
    Wait,
    /// An atomic load: code on the branch where it saw a flag set (`if ready.Load() { ... }`,
    /// through a method returning it, `if ev.HasFired()`) comes after the store that set it.
    AtomicLoad,
    /// Runs argument `arg` as a goroutine whose end releases the receiver (`wg.Go(f)`,
    /// `g.Go(f)`).
    GoInGroup { arg: usize },
    /// Runs argument `arg` as a goroutine (`time.AfterFunc(d, f)`).
    Go { arg: usize },
    /// `once.Do(f)`: `f` runs once, under the Once, before every `Do` returns.
    OnceDo,
    /// `t.Run(name, f)`: a subtest, parallel with its siblings when `f` calls `t.Parallel()`.
    SubTest,
    /// Registers argument `arg` as an HTTP handler: it runs per request, in parallel with
    /// itself (`http.HandleFunc(pattern, f)`, `mux.Handle(pattern, h)`).
    Handler { arg: usize },
    /// `http.HandlerFunc(f)` is `f`, as a handler.
    HandlerConversion,
    /// Registers its last argument's type as an RPC server: its exported methods run per
    /// request, concurrently (net/rpc, gRPC).
    RegisterRpc,
    /// Reads every map passed to it whole (printing and encoding iterate it).
    ReadsMapArguments,
    /// Returns a new primitive of this kind (`errgroup.WithContext`, `sync.NewCond`).
    New(SyncKind),
    /// `maps.Clone(m)`: ranges `m`, returns a map of the call's own.
    MapsClone,
    /// `maps.Copy(dst, src)`: ranges `src`, writes `dst`.
    MapsCopy,
    /// Ranges its first argument (`maps.Keys(m)`).
    RangesFirstArgument,
    /// A `sync.Map` operation.
    SyncMap(SyncMapOp),
    /// `close(ch)`: releases what a receive of the close acquires.
    CloseChannel,
    /// The goroutine does not continue after the call (`os.Exit`, `t.Fatal`).
    NoReturn,
    /// An atomic compare-and-swap: code that runs only after winning it on a flag holds the
    /// flag like a try-lock (`if !busy.CompareAndSwap(false, true) { return }`).
    CompareAndSwap,
    /// A modelled method with no effect the static walk tracks: listed so that the receiver
    /// type is known to have it (and, for some, so that `maprace race` hooks it).
    Inert,
}

/// Something a runtime hook records in the trace (race/rt/hooks.go; kinds in
/// `race::trace::GO_RECORD_KINDS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Record {
    /// A lock acquired (`kAcquire`), in write or read mode (`fReadMode`).
    LockAcquire,
    LockAcquireRead,
    /// A lock released (`kRelease`).
    LockRelease,
    LockReleaseRead,
    /// An ordering release / acquire on the object (`kSyncRel` / `kSyncAcq`).
    SyncRelease,
    SyncAcquire,
    /// A goroutine started (`kFork`).
    Fork,
    /// Key-level accesses of a `sync.Map` (`kRead`, `kWrite`, `kDelete`, `kUpdate`).
    KeyRead,
    KeyWrite,
    KeyDelete,
    KeyUpdate,
    /// Whole-map accesses (`kRange`, `kClear`).
    WholeRange,
    WholeClear,
}

/// The runtime hook `maprace race` rewrites a call to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hook {
    /// The function in race/rt/hooks.go (`__mr.WLock(&mu)`).
    pub name: &'static str,
    /// Whether the hook takes the call's site id as its last argument.
    pub site: bool,
    /// What it records, in no particular order.
    pub records: &'static [Record],
}

/// One row: what a call does statically and, if dynamic mode sees it, its hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Model {
    pub callee: Callee,
    pub effect: Effect,
    pub hook: Option<Hook>,
}

const fn m(kind: SyncKind, name: &'static str, effect: Effect, hook: Option<Hook>) -> Model {
    Model { callee: Callee::Method(kind, name), effect, hook }
}

const fn f(path: &'static str, name: &'static str, effect: Effect) -> Model {
    Model { callee: Callee::Func(path, name), effect, hook: None }
}

const fn prefix(path: &'static str, name: &'static str, effect: Effect) -> Model {
    Model { callee: Callee::FuncPrefix(path, name), effect, hook: None }
}

const fn any_method(name: &'static str, effect: Effect) -> Model {
    Model { callee: Callee::AnyMethod(name), effect, hook: None }
}

const fn hook(name: &'static str, site: bool, records: &'static [Record]) -> Option<Hook> {
    Some(Hook { name, site, records })
}

use Effect::*;
use Record::*;
use SyncKind::*;

const WRITE: Effect = Lock { read: false };
const READ: Effect = Lock { read: true };

/// The table. Lookups take the first matching row, so order matters only where two rows
/// could match one call (none do today).
pub static MODELS: &[Model] = &[
    // Locks.
    m(Mutex, "Lock", WRITE, hook("Lock", false, &[LockAcquire])),
    m(Mutex, "Unlock", Unlock, hook("Unlock", false, &[LockRelease])),
    m(Mutex, "TryLock", WRITE, hook("TryLock", false, &[LockAcquire])),
    m(RWMutex, "Lock", WRITE, hook("WLock", false, &[LockAcquire])),
    m(RWMutex, "Unlock", Unlock, hook("WUnlock", false, &[LockRelease])),
    m(RWMutex, "TryLock", WRITE, hook("WTryLock", false, &[LockAcquire])),
    m(RWMutex, "RLock", READ, hook("RLock", false, &[LockAcquireRead])),
    m(RWMutex, "RUnlock", Unlock, hook("RUnlock", false, &[LockReleaseRead])),
    m(RWMutex, "TryRLock", READ, hook("RTryLock", false, &[LockAcquireRead])),
    m(RWMutex, "RLocker", Inert, None),
    // Any value whose Lock/RLock/Unlock/RUnlock is called is a lock (a wrapper type, a
    // sync.Locker, a channel-backed mutex): when the call itself shows no effect on the locks
    // held, the receiver is taken and released as the lock.
    any_method("Lock", WRITE),
    any_method("RLock", READ),
    any_method("Unlock", Unlock),
    any_method("RUnlock", Unlock),
    // Waits and group spawns.
    m(WaitGroup, "Add", Inert, None),
    m(WaitGroup, "Done", Release, hook("WGDone", false, &[SyncRelease])),
    m(WaitGroup, "Wait", Wait, hook("WGWait", false, &[SyncAcquire])),
    m(WaitGroup, "Go", GoInGroup { arg: 0 }, hook("WGGo", true, &[Fork, SyncRelease])),
    m(ErrGroup, "Go", GoInGroup { arg: 0 }, None),
    m(ErrGroup, "TryGo", GoInGroup { arg: 0 }, None),
    m(ErrGroup, "Wait", Wait, None),
    m(ErrGroup, "SetLimit", Inert, None),
    m(Once, "Do", OnceDo, hook("OnceDo", false, &[SyncRelease, SyncAcquire])),
    // A Cond's Wait pairs with whichever Signal wakes it, which the static walk cannot
    // match; the run records the pairing it saw (and the drop and retake of c.L).
    m(Cond, "Wait", Inert, hook("CondWait", false, &[LockRelease, LockAcquire, SyncAcquire])),
    m(Cond, "Signal", Inert, hook("CondSignal", false, &[SyncRelease])),
    m(Cond, "Broadcast", Inert, hook("CondBroadcast", false, &[SyncRelease])),
    // sync.Map: key-level accesses, for check-then-act (MR005).
    m(Map, "Load", SyncMap(SyncMapOp::Load), hook("SMLoad", true, &[KeyRead])),
    m(Map, "Store", SyncMap(SyncMapOp::Store), hook("SMStore", true, &[KeyWrite])),
    m(Map, "Delete", SyncMap(SyncMapOp::Delete), hook("SMDelete", true, &[KeyDelete])),
    m(Map, "LoadOrStore", SyncMap(SyncMapOp::Atomic), hook("SMLoadOrStore", true, &[KeyUpdate])),
    m(Map, "LoadAndDelete", SyncMap(SyncMapOp::Atomic), hook("SMLoadAndDelete", true, &[KeyUpdate])),
    m(Map, "Swap", SyncMap(SyncMapOp::Atomic), hook("SMSwap", true, &[KeyUpdate])),
    m(Map, "CompareAndSwap", SyncMap(SyncMapOp::Atomic), hook("SMCompareAndSwap", true, &[KeyUpdate])),
    m(Map, "CompareAndDelete", SyncMap(SyncMapOp::Atomic), hook("SMCompareAndDelete", true, &[KeyUpdate])),
    m(Map, "Range", SyncMap(SyncMapOp::Range), hook("SMRange", true, &[WholeRange])),
    m(Map, "Clear", SyncMap(SyncMapOp::Clear), hook("SMClear", true, &[WholeClear])),
    // atomic.Bool: a store releases, a load that saw the flag set acquires (on the branch
    // where it was seen set, `walk::conds::saw_atomic_flag`).
    m(AtomicBool, "Store", Release, None),
    m(AtomicBool, "Swap", Release, None),
    m(AtomicBool, "CompareAndSwap", Release, None),
    m(AtomicBool, "Load", AtomicLoad, None),
    // Tests.
    m(TestingT, "Run", SubTest, None),
    m(TestingT, "Parallel", Inert, None),
    // Spawns: functions the library runs in goroutines of its own.
    f("time", "AfterFunc", Go { arg: 1 }),
    f("net/http", "HandleFunc", Handler { arg: 1 }),
    f("net/http", "Handle", Handler { arg: 1 }),
    m(ServeMux, "HandleFunc", Handler { arg: 1 }, None),
    m(ServeMux, "Handle", Handler { arg: 1 }, None),
    f("net/rpc", "Register", RegisterRpc),
    f("net/rpc", "RegisterName", RegisterRpc),
    Model { callee: Callee::AnyFunc { prefix: "Register", suffix: "Server", arity: 2 }, effect: RegisterRpc, hook: None },
    // Printing and encoding read every entry of a map handed to them.
    prefix("fmt", "Print", ReadsMapArguments),
    prefix("fmt", "Sprint", ReadsMapArguments),
    prefix("fmt", "Fprint", ReadsMapArguments),
    prefix("fmt", "Append", ReadsMapArguments),
    prefix("fmt", "Errorf", ReadsMapArguments),
    prefix("log", "Print", ReadsMapArguments),
    prefix("log", "Fatal", ReadsMapArguments),
    prefix("log", "Panic", ReadsMapArguments),
    f("encoding/json", "Marshal", ReadsMapArguments),
    f("encoding/json", "MarshalIndent", ReadsMapArguments),
    f("encoding/xml", "Marshal", ReadsMapArguments),
    f("encoding/xml", "MarshalIndent", ReadsMapArguments),
    f("reflect", "DeepEqual", ReadsMapArguments),
    f("net/http", "HandlerFunc", HandlerConversion),
    // Constructors of primitives: `g, ctx := errgroup.WithContext(ctx); g.Go(f)` spawns like
    // a declared `var g errgroup.Group`.
    f("golang.org/x/sync/errgroup", "WithContext", New(ErrGroup)),
    f("sync", "NewCond", New(Cond)),
    f("net/http", "NewServeMux", New(ServeMux)),
    // maps.
    f("maps", "Clone", MapsClone),
    f("maps", "Copy", MapsCopy),
    f("maps", "Keys", RangesFirstArgument),
    f("maps", "Values", RangesFirstArgument),
    f("maps", "All", RangesFirstArgument),
    // Channels: a close releases what receives and the end of a range acquire.
    Model { callee: Callee::Builtin("close"), effect: CloseChannel, hook: hook("Close", false, &[SyncRelease]) },
    // Calls after which the goroutine does not continue. `os`/`log` are matched by the
    // package name the call is written with (the walk asks before resolving imports).
    f("os", "Exit", NoReturn),
    f("log", "Fatal", NoReturn),
    f("log", "Fatalf", NoReturn),
    f("log", "Fatalln", NoReturn),
    f("log", "Panic", NoReturn),
    f("log", "Panicf", NoReturn),
    f("log", "Panicln", NoReturn),
    // testify: `require.Fail` and the `FailNow`s end the test goroutine (`t.FailNow`).
    f("require", "Fail", NoReturn),
    f("require", "Failf", NoReturn),
    f("require", "FailNow", NoReturn),
    f("require", "FailNowf", NoReturn),
    f("assert", "FailNow", NoReturn),
    f("assert", "FailNowf", NoReturn),
    any_method("Fatal", NoReturn),
    any_method("Fatalf", NoReturn),
    any_method("FailNow", NoReturn),
    any_method("Skip", NoReturn),
    any_method("Skipf", NoReturn),
    any_method("SkipNow", NoReturn),
    // sync/atomic's compare-and-swap, as a method of atomic.Bool/Int32/... or a function.
    Model { callee: Callee::AnyNamePrefix("CompareAndSwap"), effect: CompareAndSwap, hook: None },
];

/// The method `ServeHTTP` of `http.Handler`: a type that has it serves requests, one
/// goroutine per request.
pub const HTTP_HANDLER_METHOD: &str = "ServeHTTP";

/// `http.Server{Handler: h}`: the server runs `h` per request (import path, type, field).
pub const HTTP_SERVER_HANDLER_FIELD: (&str, &str, &str) = ("net/http", "Server", "Handler");

/// `cond.L`: the Locker a `sync.Cond` waits with, a lock of its own.
pub const COND_LOCKER_FIELD: &str = "L";

/// The primitive an (import path, type name) names, if any.
pub fn sync_type(import_path: &str, name: &str) -> Option<SyncKind> {
    SYNC_TYPES.iter().find(|(p, n, _)| *p == import_path && *n == name).map(|(_, _, k)| *k)
}

/// The model of method `name` of primitive `kind`. Every method the table lists counts as a
/// method of the type (so `mu.Lock` is resolved to the primitive, not looked up elsewhere).
pub fn method(kind: SyncKind, name: &str) -> Option<&'static Model> {
    MODELS.iter().find(|row| matches!(row.callee, Callee::Method(k, n) if k == kind && n == name))
}

/// The effect of the package function `path.name` called with `arity` arguments.
pub fn function(path: &str, name: &str, arity: usize) -> Option<Effect> {
    MODELS
        .iter()
        .find(|row| match row.callee {
            Callee::Func(p, n) => p == path && n == name,
            Callee::FuncPrefix(p, n) => p == path && name.starts_with(n),
            Callee::AnyFunc { prefix, suffix, arity: a } => a == arity && name.starts_with(prefix) && name.ends_with(suffix),
            _ => false,
        })
        .map(|row| row.effect)
}

/// The effect a method of this name has on any receiver (`Lock`, `Fatal`).
pub fn any_method_effect(name: &str) -> Option<Effect> {
    MODELS.iter().find(|row| matches!(row.callee, Callee::AnyMethod(n) if n == name)).map(|row| row.effect)
}

/// The effect of a call named `name` that the table models by name prefix alone, whatever
/// its receiver or package (`CompareAndSwapInt32`).
pub fn name_prefix_effect(name: &str) -> Option<Effect> {
    MODELS.iter().find(|row| matches!(row.callee, Callee::AnyNamePrefix(p) if name.starts_with(p))).map(|row| row.effect)
}

/// The effect of a builtin the table models (`close`).
pub fn builtin(name: &str) -> Option<Effect> {
    MODELS.iter().find(|row| matches!(row.callee, Callee::Builtin(n) if n == name)).map(|row| row.effect)
}

/// Whether a call of `qualifier.name` (a package name as written, or any receiver when
/// `qualifier` is None or not a package function) ends the goroutine.
pub fn is_noreturn(qualifier: Option<&str>, name: &str) -> bool {
    let func = qualifier.is_some_and(|q| MODELS.iter().any(|row| matches!(row.callee, Callee::Func(p, n) if p == q && n == name) && row.effect == NoReturn));
    func || any_method_effect(name) == Some(NoReturn)
}

/// What `x.name()` does to a lock, for any receiver: `Some(Some(read))` takes it (in read
/// mode when `read`), `Some(None)` releases it, `None` is no lock method.
pub fn lock_method(name: &str) -> Option<Option<bool>> {
    match any_method_effect(name)? {
        Lock { read } => Some(Some(read)),
        Unlock => Some(None),
        _ => None,
    }
}

/// The Go name of a primitive (`sync.Mutex`), for the instrumenter's table.
pub fn go_type_name(kind: SyncKind) -> Option<(&'static str, &'static str)> {
    SYNC_TYPES.iter().find(|(_, _, k)| *k == kind).map(|(p, n, _)| (*p, *n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_reachable_by_its_lookup() {
        for row in MODELS {
            let found = match row.callee {
                Callee::Method(kind, name) => method(kind, name).map(|r| r.effect),
                Callee::Func(path, name) => function(path, name, 1).or_else(|| function(path, name, 2)),
                Callee::FuncPrefix(path, name) => function(path, &format!("{name}ln"), 1),
                Callee::AnyFunc { prefix, suffix, arity } => function("example.com/pb", &format!("{prefix}X{suffix}"), arity),
                Callee::AnyMethod(name) => any_method_effect(name),
                Callee::AnyNamePrefix(name) => name_prefix_effect(&format!("{name}Int32")),
                Callee::Builtin(name) => builtin(name),
            };
            // `log.Fatal` is both a printing function (a prefix row, first) and a no-return
            // call (asked through `is_noreturn`).
            if row.effect == NoReturn {
                let (q, n) = match row.callee {
                    Callee::Func(p, n) => (Some(p), n),
                    Callee::AnyMethod(n) => (None, n),
                    _ => unreachable!("no-return rows are functions or methods"),
                };
                assert!(is_noreturn(q, n), "{row:?}");
            } else {
                assert_eq!(found, Some(row.effect), "{row:?} is shadowed by an earlier row");
            }
        }
    }

    #[test]
    fn hooks_are_on_methods_of_types_with_a_go_name_or_on_builtins() {
        for row in MODELS.iter().filter(|r| r.hook.is_some()) {
            match row.callee {
                Callee::Method(kind, _) => assert!(go_type_name(kind).is_some(), "{row:?}"),
                Callee::Builtin(_) => {}
                _ => panic!("{row:?}: only methods and builtins are rewritten to hooks"),
            }
        }
    }

    #[test]
    fn lookups_answer_like_the_names_they_model() {
        assert_eq!(sync_type("sync", "RWMutex"), Some(RWMutex));
        assert_eq!(sync_type("testing", "B"), Some(TestingT));
        assert_eq!(sync_type("sync", "Pool"), None);
        assert_eq!(method(RWMutex, "RLock").map(|r| r.effect), Some(READ));
        assert!(method(Mutex, "RLock").is_none(), "a Mutex has no RLock");
        assert_eq!(function("fmt", "Sprintf", 2), Some(ReadsMapArguments));
        assert_eq!(function("fmt", "Sscan", 2), None);
        assert_eq!(function("example.com/pb", "RegisterGreeterServer", 2), Some(RegisterRpc));
        assert_eq!(function("example.com/pb", "RegisterGreeterServer", 3), None);
        assert!(is_noreturn(Some("os"), "Exit") && is_noreturn(None, "FailNow") && !is_noreturn(Some("os"), "Getenv"));
        // testify's require.Fail ends the test; assert.Fail only marks it failed.
        assert!(is_noreturn(Some("require"), "Fail") && !is_noreturn(Some("assert"), "Fail"));
        assert_eq!(lock_method("RUnlock"), Some(None));
        assert_eq!(lock_method("RLock"), Some(Some(true)));
        assert_eq!(lock_method("Fatal"), None);
        assert_eq!(name_prefix_effect("CompareAndSwapUint64"), Some(CompareAndSwap));
        assert_eq!(name_prefix_effect("Swap"), None);
    }
}
