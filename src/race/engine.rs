//! The happens-before engine: a pure function of a trace (no I/O). Vector clocks with
//! FastTrack-style epochs, two clocks per goroutine:
//!
//! - `c`, the full happens-before of the run (every primitive, locks included);
//! - `cnl`, happens-before without lock edges (goroutine start, channels, WaitGroup, Once,
//!   atomics, sync.Map per key, Cond).
//!
//! - `cs`, the structural order: `cnl` without the per-key edges of `sync.Map`, which only
//!   say which of two competing check-then-acts happened to go first.
//!
//! All three share the goroutine's own component, so one epoch `(goroutine, clock)` is compared
//! against any of them. Two conflicting map accesses unordered by `cnl` and with no lock in common
//! are a race: `observed` when `c` does not order them either, `predicted` when only a lock
//! neither access holds ordered them in this run (the masked race). On top of that, per
//! (map, key): a read then a write of the key by one goroutine outside one critical section,
//! with another goroutine's write of the key that `cnl` lets fall between them, is a
//! check-then-act violation (MR004/MR005/MR007), whether or not it fell between them this time;
//! so is another goroutine running the same check on the key unordered (`cs`) with the pair:
//! in another schedule it misses too and both act.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::race::trace::{Event, FLAG_KEY, FLAG_READ_MODE, FLAG_SYNC_MAP, Kind, Record};
use crate::race::probes::{Probes, Visit};
use crate::report::Evidence;
use crate::rules::RuleId;

/// Hashes pointers and key hashes, which are already well spread in their high bits.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64)
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// Vector clocks have one entry per clock slot; a goroutine takes a slot when it starts and
/// gives it back when it ends, so slots follow the goroutines alive at once. Past this many,
/// the analysis stops (with an error naming the event) instead of taking quadratic time and
/// memory.
pub const MAX_GOROUTINES: u32 = 20_000;

const NO_SLOT: u32 = u32::MAX;

/// No index (of a map or key state).
const NONE: u32 = u32::MAX;

/// Slots of ended goroutines are reused only once this many exist: below it every goroutine
/// has its own entry and the analysis is exact; above it a goroutine in a reused slot is taken
/// to know its predecessor's past (a race between the two is missed), which keeps programs
/// that start millions of short goroutines analysable.
const REUSE_SLOTS_FROM: usize = 4096;

/// At most this many unordered accesses are kept per map; older ones are forgotten.
const SHADOW_LIMIT: usize = 32;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Held {
    pub lock: u64,
    pub read: bool,
    /// Which acquisition of the lock by this goroutine: "same critical section" is equality.
    pub section: u32,
}

/// The locks a goroutine holds, innermost last; beyond `MAX_HELD` the outermost are forgotten.
/// Inline and packed (a section id, a presence bit and the read bit per lock; 24 bytes) so
/// that remembering an access never allocates and copies little.
#[derive(Clone, Copy, Debug, Default)]
pub struct LockSet {
    locks: [u64; MAX_HELD],
    /// `section << 2 | PRESENT | read`; held locks come first.
    tags: [u32; MAX_HELD],
}

const MAX_HELD: usize = 2;
const PRESENT: u32 = 2;

impl LockSet {
    fn at(&self, i: usize) -> Held {
        Held { lock: self.locks[i], read: self.tags[i] & 1 != 0, section: self.tags[i] >> 2 }
    }

    #[inline]
    fn len(&self) -> usize {
        (self.tags[0] & PRESENT != 0) as usize + (self.tags[1] & PRESENT != 0) as usize
    }

    pub fn iter(&self) -> impl Iterator<Item = Held> + '_ {
        (0..self.len()).map(|i| self.at(i))
    }

    fn push(&mut self, h: Held) {
        let mut len = self.len();
        if len == MAX_HELD {
            self.locks.copy_within(1.., 0);
            self.tags.copy_within(1.., 0);
            len -= 1;
        }
        self.locks[len] = h.lock;
        self.tags[len] = h.section << 2 | PRESENT | h.read as u32;
    }

    /// Removes the innermost hold of `lock` in mode `read`.
    fn remove(&mut self, lock: u64, read: bool) -> Option<Held> {
        let is = |i: usize| self.locks[i] == lock && self.tags[i] & (PRESENT | 1) == PRESENT | read as u32;
        const _: () = assert!(MAX_HELD == 2);
        let i = if is(1) {
            1
        } else if is(0) {
            0
        } else {
            return None;
        };
        let h = self.at(i);
        if i == 0 {
            self.locks[0] = self.locks[1];
            self.tags[0] = self.tags[1];
        }
        self.locks[1] = 0;
        self.tags[1] = 0;
        Some(h)
    }

    #[inline]
    fn is_empty(&self) -> bool {
        self.tags[0] & PRESENT == 0
    }

    /// Holds `lock` (in either mode).
    #[inline]
    fn holds(&self, lock: u64) -> bool {
        let is = |i: usize| self.locks[i] == lock && self.tags[i] & PRESENT != 0;
        is(0) || is(1)
    }

    /// Holds `lock` in write mode.
    #[inline]
    fn holds_write(&self, lock: u64) -> bool {
        let is = |i: usize| self.locks[i] == lock && self.tags[i] & (PRESENT | 1) == PRESENT;
        is(0) || is(1)
    }

    /// A lock held in write mode (the outermost), 0 if none.
    #[inline]
    fn write_lock(&self) -> u64 {
        if self.tags[0] & (PRESENT | 1) == PRESENT {
            self.locks[0]
        } else if self.tags[1] & (PRESENT | 1) == PRESENT {
            self.locks[1]
        } else {
            0
        }
    }

    /// Holds `lock` in the critical section `section`.
    #[inline]
    fn holds_section(&self, lock: u64, section: u32) -> bool {
        let is = |i: usize| self.locks[i] == lock && self.tags[i] & PRESENT != 0 && self.tags[i] >> 2 == section;
        is(0) || is(1)
    }
}

/// One map access as the engine remembers it.
#[derive(Clone, Copy, Debug)]
pub struct Access {
    /// The clock slot of the goroutine (its index in vector clocks).
    pub goroutine: u32,
    /// The goroutine's id in the trace, for reports.
    pub gid: u32,
    pub clock: u32,
    pub seq: u64,
    pub kind: Kind,
    pub site: u32,
    pub stack: u32,
    /// The key's hash; 0 for whole-map operations.
    pub key: u64,
    pub held: LockSet,
    /// How many locks the goroutine had acquired so far: a check and an act further apart
    /// than one critical section are not taken as one read-modify-write.
    pub sections: u32,
    /// The lock of the critical section the goroutine left last before this access, if it
    /// did not access this map inside that section and does not hold the lock now (it may
    /// have obtained the map there: a getter returning the guarded map); 0 otherwise.
    pub left_lock: u64,
}

// Accesses are copied into the shadow and key states on every map operation: keep them small.
const _: () = assert!(std::mem::size_of::<Access>() <= 80);

impl Access {
    fn writes(&self) -> bool {
        matches!(self.kind, Kind::Write | Kind::Delete | Kind::Clear | Kind::Update)
    }
}

/// What the engine found, before sites and stacks are turned into file:line.
#[derive(Clone, Debug)]
pub struct Issue {
    pub rule: RuleId,
    pub evidence: Evidence,
    pub map: u64,
    pub map_alloc_site: Option<u32>,
    /// The access reported (the later one of a race; the write of a check-then-act).
    pub at: Access,
    /// Race: the other access. Check-then-act: the check (same goroutine as `at`).
    pub other: Access,
    /// Check-then-act: the other goroutine's write that can fall between check and act.
    pub intruder: Option<Access>,
    /// How many times the same pair of sites was seen.
    pub count: u64,
}

/// The clocks of one slot: of the goroutine occupying it, or of the last one if it is free.
struct Thread {
    c: Vec<u32>,
    cnl: Vec<u32>,
    cs: Vec<u32>,
    held: LockSet,
    sections: u32,
    /// The lock and critical section (`Held::section`) it left last; lock 0 if none.
    released: (u64, u32),
    maps: MapCache,
    /// The latest lock (address, index in `Engine::lock_states`; `NONE` if none): a release
    /// usually follows the acquisition of the same lock.
    lock: (u64, u32),
    /// Which occupant of the slot this is (unique over the run, from 1; 0 while none): the
    /// lock shortcut's "this goroutine's clock is already ≥ the lock's".
    occupant: u64,
    /// The own clock when the last occupant ended; its vector clocks are then freed (what
    /// others learnt from it lives on in their clocks). The next occupant starts after it, so
    /// epochs stay unique; it is taken to know its predecessor's past, which can hide a race
    /// between the two, never invent one.
    ended_at: u32,
}

impl Default for Thread {
    fn default() -> Thread {
        Thread {
            c: Vec::new(),
            cnl: Vec::new(),
            cs: Vec::new(),
            held: LockSet::default(),
            sections: 0,
            released: (0, 0),
            maps: MapCache::default(),
            lock: (0, NONE),
            occupant: 0,
            ended_at: 0,
        }
    }
}

impl Thread {
    /// A new epoch after a release: what follows is not ordered before what was released.
    fn tick(&mut self, g: u32) {
        let i = g as usize;
        self.c[i] += 1;
        self.cnl[i] = self.c[i];
        self.cs[i] = self.c[i];
    }
}

#[inline]
/// Component `i` of a vector clock (0 past its end).
pub(crate) fn get(vc: &[u32], i: u32) -> u32 {
    vc.get(i as usize).copied().unwrap_or(0)
}

fn join(into: &mut Vec<u32>, from: &[u32]) {
    if into.len() < from.len() {
        into.resize(from.len(), 0);
    }
    for (a, b) in into.iter_mut().zip(from) {
        *a = (*a).max(*b);
    }
}

/// `join(into, from)`; whether `into` was ≤ `from` (so that it now equals `from`).
fn join_was_below(into: &mut Vec<u32>, from: &[u32]) -> bool {
    let mut below = into[from.len().min(into.len())..].iter().all(|&x| x == 0);
    if into.len() < from.len() {
        into.resize(from.len(), 0);
    }
    for (a, &b) in into.iter_mut().zip(from) {
        below &= *a <= b;
        *a = (*a).max(b);
    }
    below
}

#[derive(Default)]
struct LockClock {
    w: Vec<u32>,
    r: Vec<u32>,
    /// A goroutine (its `Thread::occupant`) whose `c` is known to be ≥ `w`, 0 if none: its
    /// acquisitions need not join `w`. `w` only grows at a release, which updates this, and
    /// a goroutine's `c` only grows, so the fact stays true until then.
    w_below: u64,
    /// The same for `r`.
    r_below: u64,
}

#[derive(Default)]
struct SyncClock {
    c: Vec<u32>,
    cnl: Vec<u32>,
    cs: Vec<u32>,
}

#[derive(Default)]
struct KeyState {
    last_read: Vec<Access>,
    writes: Vec<Access>,
    /// (check, act) pairs of one goroutine not inside one critical section.
    pairs: Vec<(Access, Access)>,
}

struct MapState {
    alloc_site: Option<u32>,
    /// The goroutine that made or first touched the map, until another one touches it.
    owner: Option<u32>,
    shared: bool,
    /// Each goroutine's latest access to the map.
    last_access: Vec<LastAccess>,
    shadow: Vec<Access>,
    /// A lock every access in `shadow` holds in write mode, 0 if none known.
    guard: u64,
    /// Key-level state: `key_index` maps a key hash to its index in `key_states`.
    key_index: IdMap<u64, u32>,
    key_states: Vec<KeyState>,
    /// The key of the latest key-level access and its index (`NONE` if none): a write
    /// usually follows a read of the same key.
    last_key: (u64, u32),
}

impl Default for MapState {
    fn default() -> MapState {
        MapState {
            alloc_site: None,
            owner: None,
            shared: false,
            last_access: Vec::new(),
            shadow: Vec::new(),
            guard: 0,
            key_index: IdMap::default(),
            key_states: Vec::new(),
            last_key: (0, NONE),
        }
    }
}

impl MapState {
    #[inline]
    fn key_state(&mut self, k: u64) -> &mut KeyState {
        let i = if self.last_key.0 == k && self.last_key.1 != NONE {
            self.last_key.1
        } else {
            let i = match self.key_index.get(&k) {
                Some(&i) => i,
                None => {
                    let i = self.key_states.len() as u32;
                    self.key_states.push(KeyState::default());
                    self.key_index.insert(k, i);
                    i
                }
            };
            self.last_key = (k, i);
            i
        };
        &mut self.key_states[i as usize]
    }
}

/// A goroutine's two latest maps (address, index in `Engine::map_states`): accesses alternate
/// between few maps, and a hit saves a hash lookup.
#[derive(Clone, Copy)]
struct MapCache([(u64, u32); 2]);

impl Default for MapCache {
    fn default() -> MapCache {
        MapCache([(0, NONE); 2])
    }
}

/// A goroutine's latest access to a map.
struct LastAccess {
    goroutine: u32,
    /// Its event number.
    seq: u64,
    /// The locks it held at its latest access made under a lock.
    locked: LockSet,
}

/// How an inner map was reached: (outer map, low bits of the key hash).
#[derive(Default)]
struct InnerMap {
    paths: Vec<(u64, u32)>,
}

/// Per-site facts the engine needs from the instrumenter's site table.
#[derive(Default, Clone)]
pub struct SiteFacts {
    /// The write stores a map value (check-then-create of an inner map: MR004).
    pub map_value: Vec<bool>,
}

impl SiteFacts {
    fn map_value(&self, site: u32) -> bool {
        self.map_value.get(site as usize).copied().unwrap_or(false)
    }
}

#[derive(Default)]
pub struct Engine {
    facts: SiteFacts,
    threads: Vec<Thread>,
    /// Lock clocks: `lock_index` gives the index in `lock_states`.
    lock_index: IdMap<u64, u32>,
    lock_states: Vec<LockClock>,
    syncs: IdMap<u64, SyncClock>,
    /// Map states, by address: `map_index` gives the index in `map_states` (a map made at
    /// a reused address replaces the state in place, so indexes stay valid).
    map_index: IdMap<u64, u32>,
    map_states: Vec<MapState>,
    inner: IdMap<u64, InnerMap>,
    pub stacks: IdMap<u32, String>,
    pub keys: IdMap<u64, String>,
    issues: Vec<Issue>,
    seen: IdMap<(RuleId, u32, u32), usize>,
    /// Trace goroutine id → clock slot (NO_SLOT when not started or ended).
    slots: Vec<u32>,
    free_slots: Vec<u32>,
    /// Trace goroutine id → (its creator's id, the go statement's site).
    creators: IdMap<u32, (u32, u32)>,
    pub events: u64,
    /// Function-entry probes of static findings (see `probes`).
    pub probes: Probes,
    /// Occupants of slots so far (`Thread::occupant`).
    occupants: u64,
    /// Set when the trace went past MAX_GOROUTINES: later events are ignored.
    pub stopped: Option<String>,
}

impl Engine {
    pub fn new(facts: SiteFacts) -> Engine {
        Engine { facts, ..Engine::default() }
    }

    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// Call after the last event: an inner map found under several outer keys by the end of
    /// the run is a shared inner map (MR003), even if its race was seen before the second key.
    pub fn finish(&mut self) {
        for i in &mut self.issues {
            if i.rule == RuleId::MR002 && self.inner.get(&i.map).is_some_and(|m| m.paths.len() > 1) {
                i.rule = RuleId::MR003;
            }
        }
        let mut seen = std::collections::HashSet::new();
        self.issues.retain(|i| seen.insert((i.rule, i.at.site, i.other.site, i.intruder.as_ref().map(|w| w.site))));
    }

    /// The goroutine that created `g` and the site of its go statement.
    pub fn creator(&self, g: u32) -> Option<(u32, u32)> {
        self.creators.get(&g).copied()
    }

    #[inline]
    pub fn feed(&mut self, rec: Record<'_>) {
        match rec {
            Record::Event(e) => self.event(e),
            Record::Stack(id, text) => {
                self.stacks.insert(id, text.to_string());
            }
            Record::Key(h, text) => {
                self.keys.insert(h, text.to_string());
            }
        }
    }

    fn exists(&self, g: u32) -> bool {
        self.threads.get(g as usize).is_some_and(|t| !t.c.is_empty())
    }

    /// A goroutine the instrumentation did not see start (the main goroutine, test functions,
    /// goroutines of uninstrumented packages): it is taken to start after everything so far,
    /// which can hide races but never invents one.
    fn unknown(&mut self, g: u32) {
        if self.exists(g) {
            return;
        }
        // The join of every clock is each goroutine's own latest component.
        let c: Vec<u32> = self
            .threads
            .iter()
            .enumerate()
            .map(|(i, t)| t.c.get(i).copied().unwrap_or(t.ended_at))
            .collect();
        self.make_thread(g, [c.clone(), c.clone(), c]);
    }

    /// The slot of trace goroutine `gid`; a goroutine not seen starting gets one as unknown.
    fn slot(&mut self, gid: u32) -> u32 {
        match self.slots.get(gid as usize) {
            Some(&s) if s != NO_SLOT => s,
            _ => {
                let s = self.take_slot(gid);
                self.unknown(s);
                s
            }
        }
    }

    fn take_slot(&mut self, gid: u32) -> u32 {
        let reuse = if self.threads.len() >= REUSE_SLOTS_FROM { self.free_slots.pop() } else { None };
        let s = reuse.unwrap_or_else(|| {
            self.threads.push(Thread::default());
            self.threads.len() as u32 - 1
        });
        if self.slots.len() <= gid as usize {
            self.slots.resize(gid as usize + 1, NO_SLOT);
        }
        self.slots[gid as usize] = s;
        s
    }

    fn make_thread(&mut self, g: u32, clocks: [Vec<u32>; 3]) {
        let [mut c, mut cnl, mut cs] = clocks;
        let i = g as usize;
        if self.threads.len() <= i {
            self.threads.resize_with(i + 1, Thread::default);
        }
        if c.len() <= i {
            c.resize(i + 1, 0);
        }
        if cnl.len() <= i {
            cnl.resize(i + 1, 0);
        }
        if cs.len() <= i {
            cs.resize(i + 1, 0);
        }
        c[i] = c[i].max(self.threads[i].ended_at + 1);
        cnl[i] = c[i];
        cs[i] = c[i];
        let ended_at = self.threads[i].ended_at;
        self.occupants += 1;
        let occupant = self.occupants;
        let maps = self.threads[i].maps;
        let lock = self.threads[i].lock;
        self.threads[i] = Thread { c, cnl, cs, held: LockSet::default(), sections: 0, released: (0, 0), maps, lock, occupant, ended_at };
    }

    fn thread(&mut self, g: u32) -> &mut Thread {
        if !self.exists(g) {
            self.unknown(g);
        }
        &mut self.threads[g as usize]
    }

    fn tick(&mut self, g: u32) {
        self.thread(g).tick(g);
    }

    pub fn event(&mut self, e: Event) {
        if self.stopped.is_some() {
            return;
        }
        if self.threads.len() as u32 > MAX_GOROUTINES {
            self.stopped = Some(format!(
                "analysis stopped at event {}: more than {MAX_GOROUTINES} goroutines alive at once (one vector clock each); findings before it are reported",
                self.events
            ));
            return;
        }
        self.events += 1;
        let gid = e.goroutine;
        let g = self.slot(gid);
        match e.kind {
            Kind::UnknownGoroutine => self.unknown(g),
            Kind::Fork => {
                let child_gid = e.a as u32;
                let child = self.take_slot(child_gid);
                let clocks = {
                    let t = self.thread(g);
                    [t.c.clone(), t.cnl.clone(), t.cs.clone()]
                };
                self.make_thread(child, clocks);
                self.creators.insert(child_gid, (gid, e.site));
                self.tick(g);
            }
            Kind::Start => {
                self.thread(g);
            }
            Kind::End => {
                if self.exists(g) {
                    let t = &mut self.threads[g as usize];
                    t.ended_at = t.c[g as usize];
                    t.c = Vec::new();
                    t.cnl = Vec::new();
                    t.cs = Vec::new();
                    self.slots[gid as usize] = NO_SLOT;
                    self.free_slots.push(g);
                }
            }
            Kind::Acquire => {
                let read = e.flags & FLAG_READ_MODE != 0;
                self.thread(g);
                let li = self.lock_state(g, e.a);
                let lock = &mut self.lock_states[li];
                let t = &mut self.threads[g as usize];
                // Joining a clock this one already includes changes nothing: skipped.
                if lock.w_below != t.occupant {
                    join(&mut t.c, &lock.w);
                    lock.w_below = t.occupant;
                }
                if !read && lock.r_below != t.occupant {
                    join(&mut t.c, &lock.r);
                    lock.r_below = t.occupant;
                }
                t.sections += 1;
                t.held.push(Held { lock: e.a, read, section: t.sections });
            }
            Kind::Release => {
                let read = e.flags & FLAG_READ_MODE != 0;
                self.thread(g);
                let t = &mut self.threads[g as usize];
                t.released = t.held.remove(e.a, read).map_or((0, 0), |h| (h.lock, h.section));
                let li = self.lock_state(g, e.a);
                let lock = &mut self.lock_states[li];
                let t = &mut self.threads[g as usize];
                let (clock, below) = if read { (&mut lock.r, &mut lock.r_below) } else { (&mut lock.w, &mut lock.w_below) };
                if *below == t.occupant {
                    // The lock's clock is ≤ this goroutine's: the join is a copy.
                    clock.clear();
                    clock.extend_from_slice(&t.c);
                } else {
                    // If the lock's clock was ≤ this goroutine's, it now equals it.
                    *below = if join_was_below(clock, &t.c) { t.occupant } else { 0 };
                }
                t.tick(g);
            }
            Kind::SyncRelease => {
                self.release(g, e.a, true);
                self.tick(g);
            }
            Kind::SyncAcquire => self.acquire(g, e.a, true),
            Kind::Alloc => {
                let fresh = MapState { alloc_site: (e.site != 0).then_some(e.site), owner: Some(g), ..MapState::default() };
                match self.map_index.get(&e.a) {
                    Some(&i) => self.map_states[i as usize] = fresh,
                    None => {
                        self.map_index.insert(e.a, self.map_states.len() as u32);
                        self.map_states.push(fresh);
                    }
                }
                self.inner.remove(&e.a);
            }
            Kind::Fetch => {
                let paths = &mut self.inner.entry(e.b).or_default().paths;
                if !paths.contains(&(e.a, e.aux)) && paths.len() < 8 {
                    paths.push((e.a, e.aux));
                }
            }
            Kind::Read | Kind::Write | Kind::Delete | Kind::Range | Kind::Len | Kind::Clear | Kind::Update => {
                self.probes.ran(e.site);
                self.access(Event { goroutine: g, ..e }, gid)
            }
            Kind::Enter => {
                let clock = self.thread(g).c[g as usize];
                let visit = Visit { site: e.site, slot: g, gid, clock, stack: e.aux };
                self.probes.enter(visit, &self.threads[g as usize].cnl);
            }
        }
    }

    /// `structural`: the edge also orders competing check-then-acts (`cs`).
    fn release(&mut self, g: u32, obj: u64, structural: bool) {
        self.thread(g);
        let t = &self.threads[g as usize];
        let s = self.syncs.entry(obj).or_default();
        join(&mut s.c, &t.c);
        join(&mut s.cnl, &t.cnl);
        if structural {
            join(&mut s.cs, &t.cs);
        }
    }

    fn acquire(&mut self, g: u32, obj: u64, structural: bool) {
        self.thread(g);
        let Some(s) = self.syncs.get(&obj) else { return };
        let t = &mut self.threads[g as usize];
        join(&mut t.c, &s.c);
        join(&mut t.cnl, &s.cnl);
        if structural {
            join(&mut t.cs, &s.cs);
        }
    }

    /// `e.goroutine` is the slot; `gid` the trace's goroutine id.
    fn access(&mut self, e: Event, gid: u32) {
        let g = e.goroutine;
        let sync_map = e.flags & FLAG_SYNC_MAP != 0;
        let key = (e.flags & FLAG_KEY != 0).then_some(e.b);
        if sync_map && let Some(k) = key {
            // sync.Map operations on one key synchronise with each other.
            let obj = e.a ^ k.rotate_left(17) ^ 0x5bd1_e995;
            if matches!(e.kind, Kind::Read | Kind::Update) {
                self.acquire(g, obj, false);
            }
            if matches!(e.kind, Kind::Write | Kind::Delete | Kind::Update) {
                self.release(g, obj, false);
                self.tick(g);
            }
        }
        let seq = self.events;
        // `slot()` made the goroutine's thread if it had none.
        let t = &self.threads[g as usize];
        let mut acc = Access {
            goroutine: g,
            gid,
            clock: t.c[g as usize],
            seq,
            kind: e.kind,
            site: e.site,
            stack: e.aux,
            key: key.unwrap_or(0),
            held: t.held,
            sections: t.sections,
            left_lock: 0,
        };
        let mi = self.map_state(g, e.a);
        let t = &self.threads[g as usize];
        let ms = &mut self.map_states[mi];
        let last = match ms.last_access.iter().position(|l| l.goroutine == g) {
            Some(i) => &mut ms.last_access[i],
            None => {
                ms.last_access.push(LastAccess { goroutine: g, seq: 0, locked: LockSet::default() });
                ms.last_access.last_mut().expect("pushed")
            }
        };
        let previous = std::mem::replace(&mut last.seq, seq);
        // The critical section this goroutine left last, if it did not touch the map in it and
        // holds its lock no more: where a getter returning the guarded map would have run.
        let (lock, section) = t.released;
        if lock != 0 && !acc.held.holds(lock) && !last.locked.holds_section(lock, section) {
            acc.left_lock = lock;
        }
        if !acc.held.is_empty() {
            last.locked = acc.held;
        }
        let mut races = Vec::new();
        if !sync_map {
            race_check(t, ms, &acc, &mut races);
        }
        match ms.owner {
            None => ms.owner = Some(g),
            Some(o) => ms.shared |= o != g,
        }
        let mut violations = Vec::new();
        // Key-level state costs a lookup per access: skip it for a map only its own goroutine
        // has touched, without locks. A check-then-act there needs a second goroutine, whose
        // unlocked accesses would be reported as races anyway.
        let track = sync_map || ms.shared || !acc.held.is_empty();
        if let Some(k) = key
            && track
        {
            atomicity(t, ms.key_state(k), acc, previous, &mut violations);
        }
        if races.is_empty() && violations.is_empty() {
            return;
        }
        let alloc = ms.alloc_site;
        for (prev, observed) in races {
            let rule = self.race_rule(e.a, &prev, &acc);
            let evidence = if observed { Evidence::Observed } else { Evidence::Predicted };
            self.push(Issue { rule, evidence, map: e.a, map_alloc_site: alloc, at: acc, other: prev, intruder: None, count: 1 });
        }
        for (check, act, intruder) in violations {
            // A check-then-act on a sync.Map is MR005; on a plain map, creating an inner map
            // (a map value stored) is MR004, any other write-back MR007: whichever comes
            // first in the registry when several fit.
            let creates_inner = self.facts.map_value(act.site) || self.facts.map_value(acc.site);
            let rule = RuleId::first_by_priority(|r| match r {
                RuleId::MR005 => sync_map,
                RuleId::MR004 => !sync_map && creates_inner,
                RuleId::MR007 => !sync_map,
                _ => false,
            })
            .unwrap_or(RuleId::MR007);
            let between = intruder.writes() && check.seq < intruder.seq && intruder.seq < act.seq;
            let evidence = if between { Evidence::Observed } else { Evidence::Predicted };
            self.push(Issue { rule, evidence, map: e.a, map_alloc_site: alloc, at: act, other: check, intruder: Some(intruder), count: 1 });
        }
    }

    /// The index of lock `addr`'s clocks (made if new), through goroutine `g`'s cache.
    #[inline]
    fn lock_state(&mut self, g: u32, addr: u64) -> usize {
        let cache = &mut self.threads[g as usize].lock;
        if cache.0 == addr && cache.1 != NONE {
            return cache.1 as usize;
        }
        let i = match self.lock_index.get(&addr) {
            Some(&i) => i,
            None => {
                let i = self.lock_states.len() as u32;
                self.lock_states.push(LockClock::default());
                self.lock_index.insert(addr, i);
                i
            }
        };
        *cache = (addr, i);
        i as usize
    }

    /// The index of map `addr`'s state (made if new), through goroutine `g`'s cache.
    #[inline]
    fn map_state(&mut self, g: u32, addr: u64) -> usize {
        let cache = &mut self.threads[g as usize].maps.0;
        if cache[0].0 == addr && cache[0].1 != NONE {
            return cache[0].1 as usize;
        }
        if cache[1].0 == addr && cache[1].1 != NONE {
            cache.swap(0, 1);
            return cache[0].1 as usize;
        }
        let i = match self.map_index.get(&addr) {
            Some(&i) => i,
            None => {
                let i = self.map_states.len() as u32;
                self.map_states.push(MapState::default());
                self.map_index.insert(addr, i);
                i
            }
        };
        cache[1] = cache[0];
        cache[0] = (addr, i);
        i as usize
    }

    /// The rule of a race: of the rules whose shape it has, the first in the registry (the
    /// order `check` uses), so both modes name one bug the same way.
    fn race_rule(&self, map: u64, a: &Access, b: &Access) -> RuleId {
        let outer_keys = self.inner.get(&map).map(|inner| inner.paths.len());
        let under_read_lock = |x: &Access| x.writes() && !x.held.is_empty() && x.held.iter().all(|h| h.read);
        // One side left a critical section of a lock the other side holds, and had not touched
        // the map inside it: it obtained the map under the lock and uses it outside.
        let returned_from = |x: &Access, y: &Access| x.left_lock != 0 && y.held.holds(x.left_lock);
        RuleId::first_by_priority(|r| match r {
            RuleId::MR003 => outer_keys.is_some_and(|n| n > 1),
            RuleId::MR002 => outer_keys.is_some_and(|n| n <= 1),
            RuleId::MR006 => under_read_lock(a) || under_read_lock(b),
            RuleId::MR008 => returned_from(a, b) || returned_from(b, a),
            RuleId::MR009 => !a.held.is_empty() && !b.held.is_empty(),
            RuleId::MR001 => true,
            // Check-then-act rules come from the atomicity check; GORACE is Go's detector.
            _ => false,
        })
        .unwrap_or(RuleId::MR001)
    }

    fn push(&mut self, issue: Issue) {
        let a = issue.at.site;
        let b = issue.intruder.as_ref().map_or(issue.other.site, |w| w.site);
        let key = (issue.rule, a.min(b), a.max(b));
        match self.seen.get(&key) {
            Some(&i) => {
                let old = &mut self.issues[i];
                old.count += 1;
                if old.evidence == Evidence::Predicted && issue.evidence == Evidence::Observed {
                    let count = old.count;
                    *old = Issue { count, ..issue };
                }
            }
            None => {
                self.seen.insert(key, self.issues.len());
                self.issues.push(issue);
            }
        }
    }
}

/// Conflicts of `acc` with the map's remembered accesses: (earlier access, observed?).
///
/// The shadow keeps, per goroutine, its latest read and its latest write. A write drops the
/// goroutine's own entries and every entry it is `cnl`-ordered after (it subsumes them), and is
/// appended; a read replaces the goroutine's previous read in place, or is appended. When the
/// shadow is full the oldest entry goes. One pass over the shadow does the check and the
/// compaction.
fn race_check(t: &Thread, ms: &mut MapState, acc: &Access, found: &mut Vec<(Access, bool)>) {
    let g = acc.goroutine;
    let shadow = &mut ms.shadow;
    // Every remembered access holds `guard` in write mode: an access holding it too is
    // protected against all of them, and only the shadow's upkeep is left to do.
    let guarded = ms.guard != 0 && acc.held.holds(ms.guard);
    if acc.writes() {
        // The new guard: a lock this write holds in write mode that every kept access holds in
        // write mode too (the old guard, if this write holds it so: kept accesses are a subset).
        let (candidate, known) = if ms.guard != 0 && acc.held.holds_write(ms.guard) {
            (ms.guard, true)
        } else {
            (acc.held.write_lock(), false)
        };
        let mut all_hold = candidate != 0;
        let mut kept = 0;
        for i in 0..shadow.len() {
            let prev = &shadow[i];
            if prev.goroutine == g || prev.clock <= get(&t.cnl, prev.goroutine) {
                continue;
            }
            if !guarded && !protected(&prev.held, &acc.held) {
                found.push((*prev, prev.clock > get(&t.c, prev.goroutine)));
            }
            if !known && all_hold {
                all_hold = prev.held.holds_write(candidate);
            }
            if kept != i {
                shadow[kept] = shadow[i];
            }
            kept += 1;
        }
        shadow.truncate(kept);
        if kept >= SHADOW_LIMIT {
            shadow.remove(0);
        }
        shadow.push(*acc);
        ms.guard = if all_hold { candidate } else { 0 };
    } else {
        let mut own = None;
        if guarded {
            own = shadow.iter().position(|p| p.goroutine == g && !p.writes());
        } else {
            for (i, prev) in shadow.iter().enumerate() {
                if prev.goroutine == g {
                    if !prev.writes() {
                        own = Some(i);
                    }
                    continue;
                }
                if !prev.writes() || prev.clock <= get(&t.cnl, prev.goroutine) || protected(&prev.held, &acc.held) {
                    continue;
                }
                found.push((*prev, prev.clock > get(&t.c, prev.goroutine)));
            }
        }
        match own {
            Some(i) => shadow[i] = *acc,
            None => {
                if shadow.len() >= SHADOW_LIMIT {
                    shadow.remove(0);
                }
                shadow.push(*acc);
            }
        }
        if ms.guard != 0 && !acc.held.holds_write(ms.guard) {
            ms.guard = 0;
        }
    }
}

/// Check-then-act violations `acc` completes or intrudes on: (check, act, intruder).
/// `previous`: the goroutine's access to the map before `acc`; an act must follow its check
/// directly (a write after other work on the map is not taken to depend on an old read).
fn atomicity(t: &Thread, ks: &mut KeyState, acc: Access, previous: u64, found: &mut Vec<(Access, Access, Access)>) {
    let g = acc.goroutine;
    match acc.kind {
        Kind::Read => {
            // The same check by another goroutine, unordered with a check-then-act pair.
            for (check, act) in &ks.pairs {
                if check.goroutine != g && check.site == acc.site && act.clock > get(&t.cs, act.goroutine) {
                    found.push((*check, *act, acc));
                }
            }
            match ks.last_read.iter_mut().find(|r| r.goroutine == g) {
                Some(slot) => *slot = acc,
                None => ks.last_read.push(acc),
            }
        }
        Kind::Write | Kind::Delete | Kind::Update => {
            // This write may fall between another goroutine's check and act.
            for (check, act) in &ks.pairs {
                if check.goroutine != g && check.clock > get(&t.cs, check.goroutine) {
                    found.push((*check, *act, acc));
                }
            }
            let check = ks.last_read.iter().position(|r| r.goroutine == g).map(|i| ks.last_read.swap_remove(i));
            if let Some(check) = check
                && acc.kind != Kind::Update
                && check.seq == previous
                && !same_section(&check.held, &acc.held)
                && acc.sections - check.sections <= 2
            {
                for w in &ks.writes {
                    if w.goroutine != g && w.clock > get(&t.cs, w.goroutine) {
                        found.push((check, acc, *w));
                    }
                }
                match ks.pairs.iter_mut().find(|(c, _)| c.goroutine == g) {
                    Some(slot) => *slot = (check, acc),
                    None => ks.pairs.push((check, acc)),
                }
            }
            match ks.writes.iter_mut().find(|w| w.goroutine == g) {
                Some(slot) => *slot = acc,
                None => ks.writes.push(acc),
            }
        }
        _ => {}
    }
}

/// Two accesses are guarded against each other by a lock both hold, not both in read mode.
#[inline]
fn protected(a: &LockSet, b: &LockSet) -> bool {
    // Both present, not both read.
    let guards = |i: usize, j: usize| a.locks[i] == b.locks[j] && a.tags[i] & b.tags[j] & (PRESENT | 1) == PRESENT;
    const _: () = assert!(MAX_HELD == 2);
    guards(0, 0) || guards(0, 1) || guards(1, 0) || guards(1, 1)
}

fn same_section(a: &LockSet, b: &LockSet) -> bool {
    a.iter().any(|x| b.iter().any(|y| x.lock == y.lock && x.section == y.section))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::race::trace::FLAG_KEY;

    const M: u64 = 0x1000;
    const MU: u64 = 0x2000;
    const MU2: u64 = 0x3000;

    struct Run(Engine);

    fn e(kind: Kind, g: u32, site: u32, flags: u8, a: u64, b: u64) -> Event {
        Event { kind, flags, goroutine: g, site, aux: 0, a, b }
    }

    impl Run {
        fn new() -> Run {
            Run::with_map_values(&[])
        }
        fn with_map_values(sites: &[u32]) -> Run {
            let mut map_value = vec![false; 64];
            for &s in sites {
                map_value[s as usize] = true;
            }
            let mut r = Run(Engine::new(SiteFacts { map_value }));
            r.0.event(e(Kind::UnknownGoroutine, 1, 0, 0, 0, 0));
            r
        }
        fn go(&mut self, parent: u32, child: u32) -> &mut Self {
            self.0.event(e(Kind::Fork, parent, 0, 0, child as u64, 0));
            self.0.event(e(Kind::Start, child, 0, 0, 0, 0));
            self
        }
        fn lock(&mut self, g: u32, l: u64) -> &mut Self {
            self.0.event(e(Kind::Acquire, g, 0, 0, l, 0));
            self
        }
        fn unlock(&mut self, g: u32, l: u64) -> &mut Self {
            self.0.event(e(Kind::Release, g, 0, 0, l, 0));
            self
        }
        fn rlock(&mut self, g: u32, l: u64) -> &mut Self {
            self.0.event(e(Kind::Acquire, g, 0, FLAG_READ_MODE, l, 0));
            self
        }
        fn runlock(&mut self, g: u32, l: u64) -> &mut Self {
            self.0.event(e(Kind::Release, g, 0, FLAG_READ_MODE, l, 0));
            self
        }
        fn rel(&mut self, g: u32, o: u64) -> &mut Self {
            self.0.event(e(Kind::SyncRelease, g, 0, 0, o, 0));
            self
        }
        fn acq(&mut self, g: u32, o: u64) -> &mut Self {
            self.0.event(e(Kind::SyncAcquire, g, 0, 0, o, 0));
            self
        }
        fn op(&mut self, kind: Kind, g: u32, site: u32, key: u64) -> &mut Self {
            self.0.event(e(kind, g, site, FLAG_KEY, M, key));
            self
        }
        fn read(&mut self, g: u32, site: u32) -> &mut Self {
            self.op(Kind::Read, g, site, 7)
        }
        fn write(&mut self, g: u32, site: u32) -> &mut Self {
            self.op(Kind::Write, g, site, 7)
        }
        fn sm(&mut self, kind: Kind, g: u32, site: u32) -> &mut Self {
            self.0.event(e(kind, g, site, FLAG_KEY | FLAG_SYNC_MAP, M, 7));
            self
        }
        fn rules(&mut self) -> Vec<(RuleId, Evidence)> {
            self.0.finish();
            self.0.issues().iter().map(|i| (i.rule, i.evidence)).collect()
        }
    }

    #[test]
    fn unordered_write_and_read_is_an_observed_race() {
        let mut r = Run::new();
        r.go(1, 2).go(1, 3).write(2, 10).read(3, 11);
        assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Observed)]);
        let i = &r.0.issues()[0];
        assert_eq!((i.at.site, i.other.site), (11, 10));
    }

    #[test]
    fn two_reads_never_race() {
        let mut r = Run::new();
        r.go(1, 2).go(1, 3).read(2, 10).read(3, 11);
        assert!(r.rules().is_empty());
    }

    #[test]
    fn goroutine_start_orders_what_came_before() {
        let mut r = Run::new();
        r.write(1, 10).go(1, 2).read(2, 11);
        assert!(r.rules().is_empty());
    }

    #[test]
    fn a_common_lock_protects() {
        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.lock(2, MU).write(2, 10).unlock(2, MU).lock(3, MU).read(3, 11).unlock(3, MU);
        assert!(r.rules().is_empty());
    }

    #[test]
    fn an_unrelated_lock_masks_a_race_that_is_then_predicted() {
        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.write(2, 10).lock(2, MU).unlock(2, MU).lock(3, MU).unlock(3, MU).read(3, 11);
        assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Predicted)]);
    }

    #[test]
    fn channels_waitgroups_and_atomics_order() {
        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        // send/receive
        r.write(2, 10).rel(2, 0xc1).acq(3, 0xc1).write(3, 11);
        // wg.Done / wg.Wait
        r.write(3, 12).rel(3, 0xc2).acq(1, 0xc2).write(1, 13);
        assert!(r.rules().is_empty());
    }

    #[test]
    fn range_and_len_race_with_a_write_of_any_key() {
        let mut r = Run::new();
        r.go(1, 2).go(1, 3).op(Kind::Write, 2, 10, 1);
        r.0.event(e(Kind::Range, 3, 11, 0, M, 0));
        assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Observed)]);
    }

    #[test]
    fn write_under_read_lock_is_mr006_and_two_locks_mr009() {
        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.rlock(2, MU).write(2, 10).runlock(2, MU).rlock(3, MU).read(3, 11).runlock(3, MU);
        assert_eq!(r.rules(), vec![(RuleId::MR006, Evidence::Observed)]);

        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.lock(2, MU).write(2, 10).unlock(2, MU).lock(3, MU2).read(3, 11).unlock(3, MU2);
        assert_eq!(r.rules(), vec![(RuleId::MR009, Evidence::Observed)]);
    }

    #[test]
    fn split_read_modify_write_is_found_whether_or_not_an_update_was_lost() {
        // g2: get (own critical section), set (another one); g3 writes between: lost update.
        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.lock(2, MU).read(2, 10).unlock(2, MU);
        r.lock(3, MU).write(3, 12).unlock(3, MU);
        r.lock(2, MU).write(2, 11).unlock(2, MU);
        assert_eq!(r.rules(), vec![(RuleId::MR007, Evidence::Observed)]);

        // g3 writes after the pair: no update lost in this run, still a violation.
        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.lock(2, MU).read(2, 10).unlock(2, MU).lock(2, MU).write(2, 11).unlock(2, MU);
        r.lock(3, MU).write(3, 12).unlock(3, MU);
        assert_eq!(r.rules(), vec![(RuleId::MR007, Evidence::Predicted)]);
    }

    #[test]
    fn check_then_create_of_an_inner_map_is_mr004() {
        let mut r = Run::with_map_values(&[11]);
        r.go(1, 2).go(1, 3);
        r.rlock(2, MU).read(2, 10).runlock(2, MU).lock(2, MU).write(2, 11).unlock(2, MU);
        r.rlock(3, MU).read(3, 10).runlock(3, MU);
        assert_eq!(r.rules(), vec![(RuleId::MR004, Evidence::Predicted)]);
    }

    #[test]
    fn re_checking_under_the_write_lock_is_safe() {
        let mut r = Run::with_map_values(&[12]);
        r.go(1, 2).go(1, 3);
        for g in [2, 3] {
            r.rlock(g, MU).read(g, 10).runlock(g, MU);
            r.lock(g, MU).read(g, 11).write(g, 12).unlock(g, MU);
        }
        assert!(r.rules().is_empty());
    }

    #[test]
    fn check_then_act_ordered_by_the_program_is_safe() {
        // g2 does its check-then-act, then hands over to g3 on a channel.
        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.read(2, 10).write(2, 11).rel(2, 0xc1).acq(3, 0xc1).read(3, 10).write(3, 11);
        assert!(r.rules().is_empty());
    }

    #[test]
    fn sync_map_load_then_store_is_mr005_and_load_or_store_is_safe() {
        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.sm(Kind::Read, 2, 10).sm(Kind::Write, 2, 11).sm(Kind::Read, 3, 10);
        assert_eq!(r.rules(), vec![(RuleId::MR005, Evidence::Predicted)]);

        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.sm(Kind::Update, 2, 10).sm(Kind::Update, 3, 10).sm(Kind::Read, 3, 11);
        assert!(r.rules().is_empty());
    }

    #[test]
    fn sync_map_publishes_its_values() {
        // g2 fills an inner map and stores it; g3 loads it and reads the inner map.
        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.0.event(e(Kind::Write, 2, 10, FLAG_KEY, 0x9000, 1));
        r.sm(Kind::Write, 2, 11).sm(Kind::Read, 3, 12);
        r.0.event(e(Kind::Read, 3, 13, FLAG_KEY, 0x9000, 1));
        assert!(r.rules().is_empty());
    }

    #[test]
    fn inner_maps_reached_through_one_or_two_outer_keys() {
        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.0.event(e(Kind::Fetch, 2, 20, 0, 0x5000, M));
        r.write(2, 10).read(3, 11);
        assert_eq!(r.rules(), vec![(RuleId::MR002, Evidence::Observed)]);

        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.0.event(Event { aux: 1, ..e(Kind::Fetch, 2, 20, 0, 0x5000, M) });
        r.write(2, 10).read(3, 11);
        r.0.event(Event { aux: 2, ..e(Kind::Fetch, 3, 21, 0, 0x5000, M) });
        assert_eq!(r.rules(), vec![(RuleId::MR003, Evidence::Observed)]);
    }

    #[test]
    fn race_rules_follow_the_registry_order_like_check() {
        // A write under a read lock into an inner map has the shape of MR006 and of MR002:
        // the registry puts MR006 first (as check reports it), whatever the engine asks first.
        assert!(RuleId::MR006.priority() < RuleId::MR002.priority());
        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.0.event(e(Kind::Fetch, 2, 20, 0, 0x5000, M));
        r.rlock(2, MU).write(2, 10).runlock(2, MU);
        r.rlock(3, MU).read(3, 11).runlock(3, MU);
        assert_eq!(r.rules(), vec![(RuleId::MR006, Evidence::Observed)]);
        // Every rule the engine can choose is a registered one.
        for id in [RuleId::MR001, RuleId::MR002, RuleId::MR003, RuleId::MR004, RuleId::MR005, RuleId::MR006, RuleId::MR007, RuleId::MR008, RuleId::MR009] {
            assert!(id.priority() < crate::rules::REGISTRY.len(), "{id}");
        }
    }

    #[test]
    fn a_goroutine_seen_without_its_start_is_ordered_after_everything_so_far() {
        let mut r = Run::new();
        r.write(1, 10);
        r.0.event(e(Kind::UnknownGoroutine, 9, 0, 0, 0, 0));
        r.read(9, 11);
        assert!(r.rules().is_empty());
    }

    #[test]
    fn an_ended_goroutine_frees_its_clocks_and_what_it_released_still_orders() {
        let mut r = Run::new();
        r.go(1, 2).write(2, 10).rel(2, 0xc2);
        r.0.event(e(Kind::End, 2, 0, 0, 0, 0));
        assert_eq!(r.0.free_slots.len(), 1, "the ended goroutine's slot is free");
        r.acq(1, 0xc2).read(1, 11);
        r.0.event(e(Kind::UnknownGoroutine, 3, 0, 0, 0, 0));
        r.write(3, 12);
        assert!(r.rules().is_empty());
    }

    #[test]
    fn few_goroutines_get_their_own_slots_and_an_ended_ones_race_is_still_seen() {
        // The article's delayed start: the second goroutine starts after the first ended.
        let mut r = Run::new();
        r.go(1, 2).read(2, 9);
        r.0.event(e(Kind::End, 2, 0, 0, 0, 0));
        r.go(1, 3).write(3, 8);
        assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Observed)]);
    }

    #[test]
    fn past_the_threshold_slots_are_reused_and_races_still_found() {
        let mut r = Run::new();
        for g in 0..REUSE_SLOTS_FROM as u32 {
            r.go(1, 100 + g);
        }
        r.go(1, 2);
        r.0.event(e(Kind::End, 2, 0, 0, 0, 0));
        let before = r.0.threads.len();
        r.go(1, 3).go(1, 4);
        assert_eq!(r.0.threads.len(), before + 1, "goroutine 3 took goroutine 2's slot");
        r.write(3, 10).read(4, 11);
        assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Observed)]);
        let i = &r.0.issues()[0];
        assert_eq!((i.at.gid, i.other.gid), (4, 3));
        assert_eq!(r.0.creator(4), Some((1, 0)));
    }

    #[test]
    fn a_new_map_at_a_reused_address_starts_clean() {
        let mut r = Run::new();
        r.go(1, 2).go(1, 3).write(2, 10);
        r.0.event(e(Kind::Alloc, 3, 30, 0, M, 0));
        r.write(3, 11);
        assert!(r.rules().is_empty());
    }

    #[test]
    fn a_map_obtained_under_a_lock_and_used_after_it_is_mr008() {
        // g2: `for range c.Labels()`, the getter returning the map from inside RLock/RUnlock;
        // g3: `c.mu.Lock(); c.labels[k] = v; c.mu.Unlock()`. Either order.
        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.rlock(2, MU).runlock(2, MU);
        r.0.event(e(Kind::Range, 2, 11, 0, M, 0));
        r.lock(3, MU).write(3, 10).unlock(3, MU);
        assert_eq!(r.rules(), vec![(RuleId::MR008, Evidence::Observed)]);
        let i = &r.0.issues()[0];
        assert_eq!((i.at.site, i.other.site), (10, 11));

        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.lock(3, MU).write(3, 10).unlock(3, MU);
        r.rlock(2, MU).runlock(2, MU);
        r.0.event(e(Kind::Range, 2, 11, 0, M, 0));
        assert_eq!(r.rules(), vec![(RuleId::MR008, Evidence::Predicted)]);
    }

    #[test]
    fn a_map_also_accessed_inside_the_section_left_is_not_mr008() {
        // g2: `mu.Lock(); m[a]++; mu.Unlock(); m[b]++`: the map was used under the lock, then
        // outside it: an unguarded access (MR001), not a map returned from a lock.
        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.lock(2, MU).op(Kind::Read, 2, 10, 1).op(Kind::Write, 2, 10, 1).unlock(2, MU);
        r.op(Kind::Write, 2, 12, 2);
        r.lock(3, MU).write(3, 11).unlock(3, MU);
        assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Observed)]);

        // The other side holds another lock than the one left: MR001 too.
        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.rlock(2, MU).runlock(2, MU);
        r.0.event(e(Kind::Range, 2, 11, 0, M, 0));
        r.lock(3, MU2).write(3, 10).unlock(3, MU2);
        assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Observed)]);

        // Another lock left since: only the section left last counts.
        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.rlock(2, MU).runlock(2, MU).lock(2, MU2).unlock(2, MU2);
        r.0.event(e(Kind::Range, 2, 11, 0, M, 0));
        r.lock(3, MU).write(3, 10).unlock(3, MU);
        assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Observed)]);
    }

    #[test]
    fn a_lock_join_is_skipped_only_for_the_goroutine_that_already_has_it() {
        // g4's write reaches the lock's clock through g2; g2 ends and g3 takes its slot: g3's
        // acquisition must still join the lock's clock (the lock remembers g2, an occupant of
        // the slot, not the slot), so that the race is predicted (ordered through the lock),
        // not observed.
        let mut r = Run::new();
        for g in 0..REUSE_SLOTS_FROM as u32 {
            r.go(1, 100 + g);
        }
        r.go(1, 2).go(1, 4);
        r.write(4, 10).rel(4, 0xc1).acq(2, 0xc1).lock(2, MU).unlock(2, MU);
        r.0.event(e(Kind::End, 2, 0, 0, 0, 0));
        let before = r.0.threads.len();
        r.go(1, 3);
        assert_eq!(r.0.threads.len(), before, "goroutine 3 took goroutine 2's slot");
        r.lock(3, MU).unlock(3, MU).read(3, 11);
        assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Predicted)]);

        // The same goroutine re-acquiring skips the join and still sees what others released.
        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        r.lock(2, MU).unlock(2, MU).lock(2, MU).unlock(2, MU);
        r.write(3, 10).lock(3, MU).unlock(3, MU);
        r.lock(2, MU).unlock(2, MU).read(2, 11);
        assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Predicted)]);
    }

    #[test]
    fn a_map_guarded_by_one_lock_so_far_still_races_with_an_unlocked_access() {
        // Every access so far holds MU in write mode (the shadow's guard): accesses under MU
        // skip the checks; one without MU, or under MU2 only, is checked against all of them.
        let mut r = Run::new();
        r.go(1, 2).go(1, 3).go(1, 4);
        for g in [2, 3, 2, 3] {
            r.lock(g, MU).read(g, 10).write(g, 11).unlock(g, MU);
        }
        r.rlock(4, MU).read(4, 12).runlock(4, MU);
        assert!(r.rules().is_empty());
        r.lock(4, MU2).read(4, 13).unlock(4, MU2);
        r.read(4, 14);
        r.lock(2, MU).write(2, 15).unlock(2, MU);
        let mut found: Vec<_> = r.0.issues().iter().map(|i| (i.rule, i.at.site, i.other.site)).collect();
        found.sort();
        // (g4's unlocked read replaced its read under MU2: one read per goroutine is kept.)
        assert_eq!(found, vec![(RuleId::MR001, 14, 11), (RuleId::MR001, 15, 14), (RuleId::MR009, 13, 11)]);

        // A write under the read lock of the guarding lock: protected against the writers,
        // racing with the other reader under the read lock (MR006).
        let mut r = Run::new();
        r.go(1, 2).go(1, 3).go(1, 4);
        r.lock(2, MU).write(2, 10).unlock(2, MU);
        r.rlock(3, MU).read(3, 11).runlock(3, MU);
        r.rlock(4, MU).write(4, 12).runlock(4, MU);
        assert_eq!(r.rules(), vec![(RuleId::MR006, Evidence::Observed)]);
        assert_eq!((r.0.issues()[0].at.site, r.0.issues()[0].other.site), (12, 11));
    }

    #[test]
    fn repeated_races_are_reported_once_with_a_count() {
        let mut r = Run::new();
        r.go(1, 2).go(1, 3);
        for _ in 0..5 {
            r.write(2, 10).write(3, 11);
        }
        assert_eq!(r.rules().len(), 1);
        assert!(r.0.issues()[0].count > 1);
    }
}
