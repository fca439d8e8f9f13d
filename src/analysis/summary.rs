//! What one function does to shared state, composed by its callers: accesses with their
//! access paths, locks held, goroutine (thread) context and ordering marks; lock effects at
//! exit; what it returns; function-typed parameters it calls or starts as goroutines.

use std::rc::Rc;

use super::path::Path;
use crate::model::FileId;
use crate::syntax::ir::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Site {
    pub file: FileId,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccessKind {
    Read,
    Range,
    Len,
    Write,
    Delete,
    Clear,
    /// The variable holding the map is assigned a new map.
    Reassign,
    /// A field of a value stored in the map is written (`m[k].n++` with pointer values).
    /// Not a map operation; only MR006 looks at it.
    FieldWrite,
    /// The variable holding the map is read as a value (passed on, assigned, returned): it
    /// meets a reassignment of the variable, not writes into the map.
    Load,
}

impl AccessKind {
    pub fn is_write(self) -> bool {
        matches!(self, AccessKind::Write | AccessKind::Delete | AccessKind::Clear | AccessKind::Reassign)
    }

    pub fn verb(self) -> &'static str {
        match self {
            AccessKind::Read => "read",
            AccessKind::Range => "range",
            AccessKind::Len => "len",
            AccessKind::Write => "write",
            AccessKind::Delete => "delete",
            AccessKind::Clear => "clear",
            AccessKind::Reassign => "reassignment",
            AccessKind::FieldWrite => "field write",
            AccessKind::Load => "read",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Read,
    Write,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HeldLock {
    pub lock: Path,
    pub mode: Mode,
    /// Bumped at every acquire: two accesses in one critical section share it.
    pub section: u32,
    pub site: Site,
    /// The mutex as a field of a named type (`Transport.idleMu`): `pc.t.idleMu` and
    /// `t.idleMu` are the same lock when `pc.t` is `t`, which paths alone cannot tell.
    pub class: Option<(crate::model::TypeId, Rc<str>)>,
    /// Not a mutex: the body of a `sync.Once.Do`, which runs once, before any caller of
    /// `Do` goes on. Code that reads what it set up without calling `Do` relies on program
    /// order the analysis cannot see, so pairs with it are not reported.
    pub once: bool,
    /// Which mutex this is cannot be told from its name: one reached through a pointer
    /// (`vs.mu` set to `&d.mu` elsewhere) or an interface (`sync.Locker`). It may be any
    /// other lock, so no pair is said to hold "different" locks because of it.
    pub aliasable: bool,
    /// Held only when these conditions on the function's parameters hold: the lock was taken
    /// under `if doLock { mu.Lock() }` and the code after the `if` runs either way. A caller
    /// passing constants resolves it (held, or not held at all); where nothing resolves it,
    /// it counts as held, so the analysis stays silent rather than guess.
    pub when: Option<Rc<[ParamCond]>>,
    /// Not a mutex: a compare-and-swap flag this code won (`walk::conds`), held to the end
    /// of the function. It excludes other winners of the same swap; the rules never name it
    /// as a lock a side holds, and callers never see it held.
    pub try_flag: bool,
    /// Held by the goroutine's starter from before the `go` until after it waited for the
    /// goroutine (`walk::flow::inherit_joined_locks`): it excludes other holders, but it is
    /// not a lock this code chose for the map, so the rules never name it either.
    pub inherited: bool,
}

impl HeldLock {
    /// One lock under two names. Elements of one array or map of locks count as one lock
    /// (`locks[hashStripe]` and `locks[refStripe]`): lock striping guards element i of a map
    /// array with element i of a lock array, and which element an index names is beyond the
    /// model; reporting every striped access as unguarded was the largest false-positive class
    /// on real code.
    pub fn same_lock(&self, other: &HeldLock) -> bool {
        self.lock == other.lock
            || (self.class.is_some() && self.class == other.class)
            || self.lock.may_alias(&other.lock)
            || self.aliasable
            || other.aliasable
    }
}

/// The locks held at an access, shared by every access recorded while the same locks are
/// held (and by every copy callers make of them): a copy per access was most of an access's
/// memory. Reads as a slice. A thin pointer (the slice behind a second allocation): an
/// access holds one and there are millions of accesses. Equality and hashing are by value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct LockSet(Option<Rc<Box<[HeldLock]>>>);

impl LockSet {
    pub fn from_vec(v: Vec<HeldLock>) -> LockSet {
        LockSet(if v.is_empty() { None } else { Some(Rc::new(v.into_boxed_slice())) })
    }

    /// A copy with `f` applied to each lock (renaming their paths).
    pub fn map_locks(&self, f: impl FnMut(&mut HeldLock)) -> LockSet {
        let mut v = self.to_vec();
        v.iter_mut().for_each(f);
        LockSet::from_vec(v)
    }

    /// Identity of the shared allocation (0 for the empty set), for memos over sets.
    pub fn identity(&self) -> usize {
        self.0.as_ref().map_or(0, |r| Rc::as_ptr(r) as usize)
    }
}

impl std::ops::Deref for LockSet {
    type Target = [HeldLock];

    fn deref(&self) -> &[HeldLock] {
        self.0.as_deref().map_or(&[], |b| b)
    }
}

/// Something that orders goroutines: a channel, a WaitGroup, an errgroup, a Once, the start of
/// a goroutine, or the end of a test function (parallel subtests start after it).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SyncObj {
    /// Shared: the same object is named in the ordering sets of many accesses.
    Object(Rc<Path>),
    Spawn(Site),
    ParentEnd(Site),
    /// The end of the goroutine started at this site, released as its last act. Code on a
    /// path that never started it (the branch that did returned) acquires it: for pairing,
    /// a goroutine that never started is as good as one that has ended.
    Finished(Site),
}

/// A set of sync objects, shared by every access that has the same one: the objects a
/// function releases after an access are one suffix of its release log, and a callee's sets
/// are substituted once per call, not once per access. A big function used to give each of
/// its 4,000 accesses its own copy of some 150 released objects, and every caller copied
/// them again (nats-server ran out of memory).
#[derive(Clone, Debug, Default)]
pub struct SyncSet(Option<Rc<SetObjects>>);

/// A set's objects with their hash, computed once when first asked: callers hash the sets
/// of every access they instantiate (`Walk::instance_key`), and a set has up to hundreds of
/// objects.
#[derive(Debug)]
struct SetObjects {
    hash: std::cell::OnceCell<u64>,
    objs: Box<[SyncObj]>,
}

impl SetObjects {
    fn hash(&self) -> u64 {
        *self.hash.get_or_init(|| {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            self.objs.hash(&mut h);
            h.finish()
        })
    }
}

impl SyncSet {
    pub fn from_vec(v: Vec<SyncObj>) -> SyncSet {
        if v.is_empty() {
            return SyncSet(None);
        }
        SyncSet(Some(Rc::new(SetObjects { hash: std::cell::OnceCell::new(), objs: v.into_boxed_slice() })))
    }

    pub fn iter(&self) -> std::slice::Iter<'_, SyncObj> {
        self.as_slice().iter()
    }

    pub fn as_slice(&self) -> &[SyncObj] {
        self.0.as_ref().map_or(&[], |s| &s.objs)
    }

    pub fn contains(&self, s: &SyncObj) -> bool {
        self.as_slice().contains(s)
    }

    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// This set plus `more` (in order, without repeats).
    pub fn with<'s>(&self, more: impl IntoIterator<Item = &'s SyncObj>) -> SyncSet {
        let more: Vec<&SyncObj> = more.into_iter().collect();
        let mut v = self.as_slice().to_vec();
        if v.len() * more.len() <= 64 {
            for s in more {
                if !v.contains(s) {
                    v.push(s.clone());
                }
            }
        } else {
            // A big function's sets hold hundreds of objects and meet hundreds more at a call.
            // Sized for both up front: growing the table was a tenth of nats-server's analysis.
            let mut present = rustc_hash::FxHashSet::with_capacity_and_hasher(v.len() + more.len(), Default::default());
            present.extend(self.iter());
            for s in more {
                if present.insert(s) {
                    v.push(s.clone());
                }
            }
        }
        if v.len() == self.len() { self.clone() } else { SyncSet::from_vec(v) }
    }

    /// `self.with(more)` for the many sets that meet the same objects at one call: the
    /// objects are indexed once, not each set.
    pub fn with_appended(&self, more: &Appended<'_>) -> SyncSet {
        let mut present = vec![false; more.objs.len()];
        let mut n = 0;
        for s in self.iter() {
            if let Some(&i) = more.index.get(s)
                && !present[i]
            {
                present[i] = true;
                n += 1;
            }
        }
        if n == more.objs.len() {
            return self.clone();
        }
        let mut v = Vec::with_capacity(self.len() + more.objs.len() - n);
        v.extend_from_slice(self.as_slice());
        v.extend(more.objs.iter().zip(&present).filter(|(_, p)| !**p).map(|(o, _)| (*o).clone()));
        SyncSet::from_vec(v)
    }

    /// A copy with `f` applied to each object (renaming their paths); this set itself when
    /// nothing was renamed, so that the copies callers make stay shared.
    pub fn map_objects(&self, mut f: impl FnMut(&mut SyncObj)) -> SyncSet {
        let mut changed = false;
        let v: Vec<SyncObj> = self
            .iter()
            .map(|o| {
                let mut renamed = o.clone();
                f(&mut renamed);
                changed |= renamed != *o;
                renamed
            })
            .collect();
        if changed { SyncSet::from_vec(v) } else { self.clone() }
    }

    /// Identity of the shared allocation (0 for the empty set), for memos over sets.
    pub fn identity(&self) -> usize {
        self.0.as_ref().map_or(0, |r| Rc::as_ptr(r) as usize)
    }
}

/// Objects appended to many sets (`SyncSet::with_appended`), without repeats, in order,
/// with each one's position.
pub struct Appended<'s> {
    objs: Vec<&'s SyncObj>,
    index: rustc_hash::FxHashMap<&'s SyncObj, usize>,
}

impl<'s> Appended<'s> {
    pub fn new(more: impl IntoIterator<Item = &'s SyncObj>) -> Appended<'s> {
        let mut out = Appended { objs: Vec::new(), index: rustc_hash::FxHashMap::default() };
        for o in more {
            if !out.index.contains_key(o) {
                out.index.insert(o, out.objs.len());
                out.objs.push(o);
            }
        }
        out
    }
}

impl Eq for SyncSet {}

impl PartialEq for SyncSet {
    fn eq(&self, other: &SyncSet) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Rc::ptr_eq(a, b) || a.objs == b.objs,
            (a, b) => a.is_none() && b.is_none(),
        }
    }
}

impl std::hash::Hash for SyncSet {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.as_ref().map_or(0, |s| s.hash()).hash(h)
    }
}

/// A value behind one shared allocation (sets, paths), which memos name by its address.
pub trait Shared: Clone {
    /// The allocation's address (0 for a value without one, such as an empty set).
    fn identity(&self) -> usize;
}

impl Shared for SyncSet {
    fn identity(&self) -> usize {
        SyncSet::identity(self)
    }
}

impl Shared for LockSet {
    fn identity(&self) -> usize {
        LockSet::identity(self)
    }
}

impl Shared for Path {
    fn identity(&self) -> usize {
        Path::identity(self)
    }
}

impl Shared for Rc<[u32]> {
    fn identity(&self) -> usize {
        Rc::as_ptr(self) as *const u32 as usize
    }
}

/// Computes a function of each distinct shared value once (per extra key `K`). Keeps its
/// inputs alive, so an allocation's address cannot be reused for another value while the
/// memo lives.
pub struct Memo<S, K, V> {
    done: rustc_hash::FxHashMap<(usize, K), (S, V)>,
}

/// The memo of a function from ordering sets to ordering sets.
pub type SetMemo<K> = Memo<SyncSet, K, SyncSet>;

impl<S, K, V> Default for Memo<S, K, V> {
    fn default() -> Self {
        Memo { done: rustc_hash::FxHashMap::default() }
    }
}

impl<S, K, V> Memo<S, K, V> {
    /// A memo that will see up to `n` distinct inputs: a call instantiating a callee of
    /// thousands of accesses grew its memos by rehashing, a sixth of nats-server's analysis.
    pub fn with_capacity(n: usize) -> Self {
        Memo { done: rustc_hash::FxHashMap::with_capacity_and_hasher(n, Default::default()) }
    }
}

impl<S: Shared, K: std::hash::Hash + Eq, V: Clone> Memo<S, K, V> {
    pub fn get_or(&mut self, input: &S, key: K, f: impl FnOnce(&S) -> V) -> V {
        let id = (input.identity(), key);
        if let Some((_, out)) = self.done.get(&id) {
            return out.clone();
        }
        let out = f(input);
        self.done.insert(id, (input.clone(), out.clone()));
        out
    }
}

/// The goroutine context of an access within one analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Thread {
    /// The goroutine running the function being analysed.
    Current,
    /// A goroutine started at `site` (a `go` statement or a concurrent API call).
    /// `multi`: more than one instance may run at once (started in a loop, per request).
    Spawned { site: Site, multi: bool },
}

/// How the accessed map was reached, for telling the conflict rules apart.
#[derive(Clone, Debug, PartialEq)]
pub enum Via {
    Direct,
    /// Through a local bound while a lock was held (`inner := m[k]` under `mu`), used after.
    Escaped { lock_site: Site, sections: Rc<[u32]> },
    /// Through the result of a call that returned it from inside its critical section.
    Returned { func: Rc<str>, site: Site },
}

/// Where a value came from when it was read out of a map: for MR007 (split read-modify-write).
#[derive(Clone, Debug, PartialEq)]
pub struct ReadOrigin {
    pub path: Path,
    pub key: KeyText,
    pub sections: Vec<u32>,
    pub site: Site,
    /// Read with `v, ok := m[k]`: a lookup, which only counts as read-modify-write once
    /// the value is modified (`v.n++`, `v + 1`), not when it is recomputed and stored.
    pub checked: bool,
    pub modified: bool,
}

/// The key expression of an access: its normalised source text within one function, or a
/// parameter (substituted by callers, compared by index; the name is for messages), or unknown.
#[derive(Clone, Debug)]
pub enum KeyText {
    Text(Rc<str>),
    Param(u16, Rc<str>),
    Unknown,
}

impl PartialEq for KeyText {
    fn eq(&self, other: &KeyText) -> bool {
        match (self, other) {
            (KeyText::Text(a), KeyText::Text(b)) => a == b,
            (KeyText::Param(a, _), KeyText::Param(b, _)) => a == b,
            (KeyText::Unknown, KeyText::Unknown) => true,
            _ => false,
        }
    }
}

impl Eq for KeyText {}

impl std::hash::Hash for KeyText {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        match self {
            KeyText::Text(t) => (0u8, t).hash(h),
            KeyText::Param(i, _) => (1u8, i).hash(h),
            KeyText::Unknown => 2u8.hash(h),
        }
    }
}

impl KeyText {
    pub fn same_as(&self, other: &KeyText) -> bool {
        !matches!(self, KeyText::Unknown) && self == other
    }

    /// How the key reads in a message.
    pub fn shown(&self) -> Option<&str> {
        match self {
            KeyText::Text(t) | KeyText::Param(_, t) => Some(t),
            KeyText::Unknown => None,
        }
    }
}

/// A condition on a parameter of the function an access is in, under which the access runs:
/// `method == "GET"` (`equal`, one value), `method != "GET"`, a `case "PUT", "PATCH":`
/// (`equal`, several values) or the `default:` of such a switch (not `equal`). Values are
/// constant texts (literals, `pkg.Name` by import path). A caller that passes a constant
/// drops the accesses whose conditions it falsifies.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ParamCond {
    pub param: u16,
    pub values: Rc<[Rc<str>]>,
    pub equal: bool,
}

impl ParamCond {
    /// Not a parameter: a condition on a value the analysis cannot know (a caller passed a
    /// variable). Never resolved, never contradicted.
    pub const OPAQUE: u16 = u16::MAX;

    /// Does the condition hold when the parameter is the constant `k`?
    pub fn holds(&self, k: &str) -> bool {
        self.values.iter().any(|v| &**v == k) == self.equal
    }

    /// Can `self` and `other` never hold together (one parameter, no value satisfying both)?
    pub fn contradicts(&self, other: &ParamCond) -> bool {
        if self.param != other.param || self.param == Self::OPAQUE {
            return false;
        }
        let within = |a: &ParamCond, b: &ParamCond| a.values.iter().all(|v| b.values.contains(v));
        match (self.equal, other.equal) {
            (true, true) => !self.values.iter().any(|v| other.values.contains(v)),
            (true, false) => within(self, other),
            (false, true) => within(other, self),
            (false, false) => false,
        }
    }
}

/// One map access: what it is at its site (`AccessSite`, shared by the copies callers make)
/// and the context this copy runs in (path, goroutine, locks, ordering, call).
#[derive(Clone, Debug)]
pub struct Access {
    pub path: Path,
    pub thread: Thread,
    pub locks: LockSet,
    /// Position in the function's straight-line order (for ordering against releases).
    pub pos: u32,
    /// Call-site index in the analysed function this access was instantiated from (0: its
    /// own body). Pairs from one callee were already checked in the callee.
    pub origin: u32,
    /// Sync objects acquired before this access in its goroutine.
    pub acq: SyncSet,
    /// Sync objects released after this access in its goroutine.
    pub rel: SyncSet,
    /// For writes: the value written derives from an earlier read of a map entry.
    pub value_from: Option<Rc<ReadOrigin>>,
    /// Locals declared per goroutine instance are not shared between instances: the
    /// instance scopes (loop bodies, goroutine bodies) enclosing this access's spawn.
    pub instance_scopes: Rc<[u32]>,
    /// Conditions on the function's parameters under which the access runs (none: always).
    pub conds: Option<Rc<[ParamCond]>>,
    /// For writes: the value written is parameter `i` (a setter), resolved by callers.
    pub value_param: Option<u16>,
    /// Reached through a local variable holding a snapshot, taken under a lock, of a field's
    /// or package variable's map (`conns := cc.conns` under `cc.mu`): a later reassignment
    /// of the field does not change it.
    pub copied: bool,
    /// Instantiated here as a (new or more parallel) goroutine than in its callee: pairs
    /// with its siblings were not checked there.
    pub respawned: bool,
    /// Read through `Deref` (`a.site`, `a.kind`); written through `DerefMut`, which copies
    /// it first when other accesses share it.
    pub at: Rc<AccessSite>,
}

/// What an access is at its site, the same in every copy callers instantiate (except a
/// parameter key, which a call substitutes): one shared allocation, so that an access is
/// 112 bytes, not 224 (nats-server keeps four million of them).
#[derive(Clone, Debug)]
pub struct AccessSite {
    pub kind: AccessKind,
    pub key: KeyText,
    pub site: Site,
    /// The map expression as written at the site (`s.byTenant[t]`).
    pub shown: Rc<str>,
    pub via: Via,
    /// For writes: the value written was made fresh here (`make`, literal, `&T{}`).
    pub fresh_value: bool,
    /// For a store of a fresh value: the check of the same entry made outside the store's
    /// critical section (MR004).
    pub lazy_check: Option<Site>,
    /// A read that is the check (or part) of a racy lazy init reported at the store.
    pub lazy_covered: bool,
    /// The map named for every instance of its owner type (`Store.byTenant`), when that
    /// type declares concurrency or the map is a package variable: how goroutines anywhere
    /// meet the entry methods.
    pub typed: Option<Path>,
    /// Reached through a value received from a channel on which another value is sent each
    /// time (`for _, t := range tasks { ch <- t }`): two receives get two values.
    pub per_receive: bool,
}

impl std::ops::Deref for Access {
    type Target = AccessSite;

    fn deref(&self) -> &AccessSite {
        &self.at
    }
}

impl std::ops::DerefMut for Access {
    fn deref_mut(&mut self) -> &mut AccessSite {
        Rc::make_mut(&mut self.at)
    }
}

/// A function-typed parameter called (or started as a goroutine) by the function.
#[derive(Clone, Debug)]
pub struct ParamCall {
    pub param: u16,
    /// Started as a goroutine here, or called inside one this function started.
    pub spawn: Option<(Site, bool)>,
    pub thread: Thread,
    pub pos: u32,
    /// Sync objects released after the call in its goroutine (`defer wg.Done()` around it).
    pub rel: Vec<SyncObj>,
    /// Locks the function holds around a synchronous call of the function value (a wrapper
    /// `withLock(f)` that locks, calls `f`, unlocks), also in a goroutine it started (a
    /// parallel walk's workers calling `visit` under a local mutex): the value runs under
    /// them.
    pub locks: Vec<HeldLock>,
    /// Run on a goroutine the function waits for before it returns (`g.Go(func() { f(i) })`
    /// then `g.Wait()`): the caller's code after the call comes after the value's runs.
    pub joined: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Returned {
    pub path: Option<Path>,
    /// Returned while a lock was held: the caller gets the map without its guard.
    pub under_lock: bool,
    /// The value was read out of a map entry (a getter): for MR007 through calls.
    pub read_origin: Option<ReadOrigin>,
    pub site: Option<Site>,
    pub typed: Option<Path>,
    /// A map or pointer made in the call (a constructor): the caller owns a fresh value.
    pub fresh: bool,
    /// An atomic load of this variable (`func (e *Event) HasFired() bool { return
    /// e.fired.Load() }`), and the value it is compared with (see `Ev::observes`).
    pub observes: Option<(Rc<Path>, bool)>,
    /// The result of an atomic swap of this variable, and what it stored (see `walk::swaps`).
    pub swapped: Option<(Rc<Path>, SwapValue)>,
}

/// What a swap stores: a constant (by its text), or the walked function's parameter,
/// resolved by each caller (`func (s *Stream) swapState(st state) state`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SwapValue {
    Const(Rc<str>),
    Param(u16),
}

#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub accesses: Vec<Access>,
    /// Sync objects the function releases / acquires in its own goroutine.
    pub releases: Vec<SyncObj>,
    pub acquires: Vec<SyncObj>,
    /// Locks still held at exit that the function acquired (lock helpers).
    pub locks_acquired: Vec<HeldLock>,
    /// Locks released that the function did not acquire (unlock helpers).
    pub locks_released: Vec<Path>,
    pub param_calls: Vec<ParamCall>,
    pub returns: Vec<Returned>,
    /// Map slots that hold one map value (`m["a"] = v; m["b"] = v`): for MR003.
    pub alias_classes: Vec<Vec<Path>>,
}

#[cfg(test)]
mod tests {
    /// Millions of accesses are kept on large modules (see `AccessSite`).
    #[test]
    fn an_access_stays_small() {
        let n = std::mem::size_of::<super::Access>();
        assert!(n <= 112, "Access is {n} bytes");
    }
}
