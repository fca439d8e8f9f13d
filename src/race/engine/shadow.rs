//! Shadow state (ThreadSanitizer's `tsan_shadow.h`): what the engine remembers of each live
//! map. Per map object, the accesses kept for the race check (at most `SHADOW_LIMIT`, each
//! subsuming what it is ordered after); per (map, key), those kept for check-then-act (at most
//! `KEY_HISTORY` per list); for a `sync.Map`, each key's clock.
//!
//! Everything here is bounded by what is alive, not by the length of the run: a map's state
//! goes when the runtime reports the map freed (`Kind::Free`) or a new map at its address
//! (`Kind::Alloc`); key histories go when a map has more than `MAX_KEYS_PER_MAP` keys with
//! history, or all maps together more than `MAX_KEYS` (a flush, as ThreadSanitizer's shadow
//! reset: it can hide a check-then-act whose read was flushed, never invent one). Key clocks
//! of a sync.Map are kept as long as the map: dropping one would drop an ordering edge.

use super::clock::{SyncClock, ThreadClock, get};
use super::lockset::{LockSet, protected};
use super::*;
use super::table::{AddrMap, Vacant};

/// Accesses kept per map for the race check; older ones are forgotten.
const SHADOW_LIMIT: usize = 32;

/// Entries kept per list of a key's history (latest reads, latest writes, check-then-act
/// pairs: one per goroutine, the oldest goroutine's dropped first).
const KEY_HISTORY: usize = 4;

/// Keys with history in one map before that map's key history is flushed.
pub const MAX_KEYS_PER_MAP: usize = 1 << 14;

/// Keys with history over all maps before every map's key history is flushed.
pub const MAX_KEYS: usize = 1 << 16;

/// A freed map's key table is kept for the next map up to this many keys.
const REUSED_KEYS: usize = 1024;

/// One map access as the engine remembers it.
#[derive(Clone, Copy, Debug)]
pub struct Access {
    /// The clock slot the goroutine ran in (its component in vector clocks).
    pub goroutine: u32,
    /// The goroutine's id in the trace: its identity, and what reports name.
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
    /// Fills the unused entries of a `Latest` list.
    const UNUSED: Access = Access {
        goroutine: 0,
        gid: 0,
        clock: 0,
        seq: 0,
        kind: Kind::Read,
        site: 0,
        stack: 0,
        key: 0,
        held: LockSet::EMPTY,
        sections: 0,
        left_lock: 0,
    };

    pub(super) fn writes(&self) -> bool {
        matches!(self.kind, Kind::Write | Kind::Delete | Kind::Clear | Kind::Update)
    }

    /// Ordered before whatever has learnt `clock` (a goroutine's `c`, `cnl` or `cs`).
    #[inline]
    pub(super) fn before(&self, clock: &[u32]) -> bool {
        self.clock <= get(clock, self.goroutine)
    }
}

/// A key's history for check-then-act. The histories sit in one array (`Maps::histories`),
/// so the next one handed out is known and fetched ahead (`prefetch`), and each is small: a
/// program touching many new keys (a map per request, each filled once; std expvar's
/// benchmarks) cycles through 65,536 of them (`MAX_KEYS`), and each new key waited on memory
/// for its history. A key's lists keep their first entry inline and the others (a second
/// goroutine on the key) apart: 216 bytes a history instead of 680, 14 MiB for all of them.
#[repr(C)]
pub(super) struct KeyState {
    /// (check, act) pairs of one goroutine not inside one critical section (rare: kept apart).
    pub(super) pairs: Vec<(Access, Access)>,
    pub(super) last_read: Latest<Access>,
    pub(super) writes: Latest<Access>,
}

impl KeyState {
    fn new() -> KeyState {
        KeyState { pairs: Vec::new(), last_read: Latest::new(Access::UNUSED), writes: Latest::new(Access::UNUSED) }
    }

    /// Asks the CPU to fetch the lines of this history, so that they are in the cache when the
    /// next new key arrives.
    #[inline]
    fn prefetch(&self) {
        let at = (self as *const KeyState).cast::<u8>();
        let size = std::mem::size_of::<KeyState>();
        for offset in [0, 64, 128, size - 1] {
            prefetch(at.wrapping_add(offset));
        }
    }

    /// Empties it for reuse.
    fn clear(&mut self) {
        self.last_read.clear();
        self.writes.clear();
        self.pairs.clear();
    }
}

/// Per-goroutine entries of a key's history, at most `KEY_HISTORY`: a `Vec`'s operations (in
/// order, `swap_remove` included) on the first entry, inline, and the others, allocated when
/// a second one comes.
pub(super) struct Latest<T: Copy> {
    first: T,
    rest: Option<Box<[T; KEY_HISTORY - 1]>>,
    len: u8,
}

impl<T: Copy> Latest<T> {
    fn new(unused: T) -> Latest<T> {
        Latest { first: unused, rest: None, len: 0 }
    }

    #[inline]
    pub(super) fn iter(&self) -> std::iter::Chain<std::slice::Iter<'_, T>, std::slice::Iter<'_, T>> {
        let n = self.len as usize;
        let rest: &[T] = match &self.rest {
            Some(r) if n > 1 => &r[..n - 1],
            _ => &[],
        };
        std::slice::from_ref(&self.first)[..n.min(1)].iter().chain(rest)
    }

    /// Empties it; the entries kept apart go too, so that memory follows the histories that
    /// need them (a box kept for reuse would spread, history by history, to all of them).
    fn clear(&mut self) {
        self.len = 0;
        self.rest = None;
    }

    /// The index of the first entry `f` accepts (`iter().position(f)`, without the chain).
    #[inline]
    pub(super) fn position(&self, f: impl Fn(&T) -> bool) -> Option<usize> {
        match self.len {
            0 => None,
            _ if f(&self.first) => Some(0),
            1 => None,
            n => self.rest.as_ref().and_then(|r| r[..n as usize - 1].iter().position(f)).map(|i| i + 1),
        }
    }

    /// Entry `i` (below `len`).
    pub(super) fn get(&self, i: usize) -> T {
        match i {
            0 => self.first,
            _ => self.rest.as_ref().expect("entries past the first are kept apart")[i - 1],
        }
    }

    /// Entry `i` (at most `len`), for writing.
    fn slot(&mut self, i: usize) -> &mut T {
        match i {
            0 => &mut self.first,
            _ => {
                let first = self.first;
                &mut self.rest.get_or_insert_with(|| Box::new([first; KEY_HISTORY - 1]))[i - 1]
            }
        }
    }

    /// Entry `i` (below `len`), by reference.
    #[inline]
    pub(super) fn at(&self, i: usize) -> &T {
        match i {
            0 => &self.first,
            _ => &self.rest.as_ref().expect("entries past the first are kept apart")[i - 1],
        }
    }

    /// Removes entry `i`, the last entry taking its place.
    #[inline]
    pub(super) fn remove(&mut self, i: usize) {
        let last = self.len as usize - 1;
        if i != last {
            *self.slot(i) = self.get(last);
        }
        self.len -= 1;
    }

    /// Removes entry `i` and returns it, the last entry taking its place.
    #[cfg(test)]
    pub(super) fn swap_remove(&mut self, i: usize) -> T {
        let x = self.get(i);
        self.remove(i);
        x
    }

    /// Replaces goroutine `gid`'s entry, or adds one (dropping the oldest at the limit).
    #[inline]
    pub(super) fn remember(&mut self, gid: u32, of: impl Fn(&T) -> u32, item: T) {
        let len = self.len as usize;
        match self.position(|x| of(x) == gid) {
            Some(i) => *self.slot(i) = item,
            None if len >= KEY_HISTORY => {
                let rest = self.rest.as_mut().expect("full");
                self.first = rest[0];
                rest.copy_within(1.., 0);
                rest[KEY_HISTORY - 2] = item;
            }
            None => {
                *self.slot(len) = item;
                self.len += 1;
            }
        }
    }
}

/// Replaces goroutine `gid`'s entry of `list`, or adds one (dropping the oldest at the limit).
pub(super) fn remember<T>(list: &mut Vec<T>, gid: u32, of: impl Fn(&T) -> u32, item: T) {
    match list.iter_mut().find(|x| of(x) == gid) {
        Some(slot) => *slot = item,
        None => {
            if list.len() >= KEY_HISTORY {
                list.remove(0);
            }
            list.push(item);
        }
    }
}

/// One key of a map: where its state is (two indices, so that a key table's slot takes 16
/// bytes).
#[derive(Clone, Copy)]
pub(super) struct Key {
    /// sync.Map: the per-key order of its operations (kept as long as the map), an index in
    /// `MapState::clocks`; `NONE` if none.
    pub(super) clock: u32,
    /// Its history: an index in `Maps::histories`, `NONE` if none.
    history: u32,
}

impl Key {
    const NEW: Key = Key { clock: NONE, history: NONE };
}

impl Vacant for Key {
    /// No index is ever this large.
    const VACANT: Key = Key { clock: NONE - 1, history: NONE - 1 };
    #[inline]
    fn is_vacant(&self) -> bool {
        self.history == NONE - 1
    }
}

pub(super) struct MapState {
    /// Unique per map state over the run (0 while this entry is free): a goroutine's cached
    /// index is valid while it matches.
    pub(super) generation: u32,
    pub(super) alloc_site: Option<u32>,
    /// The goroutine (trace id) that made or first touched the map, until another one does.
    pub(super) owner: Option<u32>,
    pub(super) shared: bool,
    pub(super) shadow: Vec<Access>,
    /// A lock every access in `shadow` holds, the writes in write mode (a map behind a
    /// read-write mutex), 0 if none known.
    pub(super) guard: u64,
    /// Keys with a clock or a history.
    pub(super) keys: AddrMap<Key>,
    /// sync.Map: the keys' clocks, in the order the keys were first released (`Key::clock`).
    pub(super) clocks: Vec<SyncClock>,
    /// The histories its keys hold (indices in `Maps::histories`): freeing the map returns
    /// them without going through the key table.
    histories: Vec<u32>,
    /// The key of the latest key-level access and its history (`NONE` if none): a write
    /// usually follows a read of the same key.
    last_key: (u64, u32),
}

impl MapState {
    fn new(generation: u32) -> MapState {
        MapState {
            generation,
            alloc_site: None,
            owner: None,
            shared: false,
            shadow: Vec::new(),
            guard: 0,
            keys: AddrMap::default(),
            clocks: Vec::new(),
            histories: Vec::new(),
            last_key: (0, NONE),
        }
    }

    /// Key `k`'s entry, made if new.
    pub(super) fn key(&mut self, k: u64) -> &mut Key {
        let i = self.key_slot(k);
        self.keys.at(i)
    }

    /// The slot of key `k`'s entry in `keys`, made if new (see `AddrMap::index_or_insert`).
    #[inline]
    pub(super) fn key_slot(&mut self, k: u64) -> usize {
        self.keys.index_or_insert(k, || Key::NEW)
    }
}

/// The live maps' states, and the key histories they use.
#[derive(Default)]
pub(super) struct Maps {
    index: IdMap<u64, u32>,
    pub(super) states: Vec<MapState>,
    free: Vec<u32>,
    generations: u32,
    /// Key histories, reused once their key is flushed or its map freed: a program cycling
    /// through keys allocates nothing in the steady state. `histories[..next]` have been
    /// handed out since every history was last flushed (those of freed maps since then are in
    /// `free_histories`); `histories[next..]` are free, and are handed out in order.
    histories: Vec<KeyState>,
    next: usize,
    free_histories: Vec<u32>,
    /// How many times key histories were flushed to stay within the limits.
    pub(super) flushes: u64,
    /// The map `prefetch` looked up last and its index (a hint: maybe stale).
    ahead: std::cell::Cell<(u64, u32)>,
}

impl Maps {
    /// The index of map `addr`'s state, made if new.
    pub(super) fn get_or_make(&mut self, addr: u64) -> usize {
        match self.index.get(&addr) {
            Some(&i) => i as usize,
            None => self.make(addr),
        }
    }

    fn make(&mut self, addr: u64) -> usize {
        self.generations += 1;
        let i = match self.free.pop() {
            Some(i) => {
                let s = &mut self.states[i as usize];
                s.generation = self.generations;
                i as usize
            }
            None => {
                self.states.push(MapState::new(self.generations));
                self.states.len() - 1
            }
        };
        self.index.insert(addr, i as u32);
        i
    }

    /// A new map at `addr` (made at `site`, 0 if unknown, by goroutine `owner`): whatever was
    /// there before is gone.
    pub(super) fn alloc(&mut self, addr: u64, site: u32, owner: u32) {
        self.free(addr);
        let i = self.make(addr);
        let s = &mut self.states[i];
        s.alloc_site = (site != 0).then_some(site);
        s.owner = Some(owner);
    }

    /// The map at `addr` was freed: its state goes. Its allocations are kept for the next map
    /// when small (the shadow holds at most `SHADOW_LIMIT` accesses; a key table of up to
    /// `REUSED_KEYS` keys): programs that make a map per request then neither allocate nor
    /// grow a table per map.
    pub(super) fn free(&mut self, addr: u64) {
        let Some(i) = self.index.remove(&addr) else { return };
        let old = &mut self.states[i as usize];
        let mut shadow = std::mem::take(&mut old.shadow);
        shadow.clear();
        let mut keys = std::mem::take(&mut old.keys);
        let mut clocks = std::mem::take(&mut old.clocks);
        let mut histories = std::mem::take(&mut old.histories);
        clocks.clear();
        // The key histories go back to the pool; the key table is emptied without being read
        // (a freed map's table is usually cold: reading it cost a miss per line).
        self.free_histories.extend_from_slice(&histories);
        histories.clear();
        if keys.capacity() > REUSED_KEYS {
            keys = AddrMap::default();
        } else {
            keys.clear();
        }
        if clocks.capacity() > REUSED_KEYS {
            clocks = Vec::new();
        }
        if histories.capacity() > REUSED_KEYS {
            histories = Vec::new();
        }
        self.states[i as usize] = MapState { shadow, keys, clocks, histories, ..MapState::new(0) };
        self.free.push(i);
    }

    /// Forgets the history of every key of map `mi` (their sync.Map clocks stay); `recycle`:
    /// its histories are free again (not when every map is flushed: they all are then).
    fn flush_keys(&mut self, mi: usize, recycle: bool) {
        let ms = &mut self.states[mi];
        if ms.histories.is_empty() {
            return;
        }
        for key in ms.keys.values_mut() {
            key.history = NONE;
        }
        if recycle {
            self.free_histories.extend_from_slice(&ms.histories);
        }
        ms.histories.clear();
        ms.keys.retain(|k| k.clock != NONE);
        ms.last_key = (0, NONE);
    }

    /// A free history, emptied. Histories are emptied when handed out rather than when
    /// flushed: a flush then touches only the maps' key tables, not every history.
    fn new_history(&mut self) -> u32 {
        let h = match self.free_histories.pop() {
            Some(h) => h as usize,
            None if self.next < self.histories.len() => {
                self.next += 1;
                self.next - 1
            }
            None => {
                self.histories.push(KeyState::new());
                self.next = self.histories.len();
                return self.next as u32 - 1;
            }
        };
        self.histories[h].clear();
        // The next history handed out, fetched while this one is used.
        let next = self.free_histories.last().map_or(self.next, |&h| h as usize);
        if let Some(ks) = self.histories.get(next) {
            ks.prefetch();
        }
        h as u32
    }

    /// About how many bytes the maps' states and key histories take.
    pub(super) fn bytes(&self) -> usize {
        self.states.len() * std::mem::size_of::<MapState>() + self.histories.len() * std::mem::size_of::<KeyState>()
    }

    /// See `Engine::prefetch`: key `k` of map `addr`.
    #[inline]
    pub(super) fn prefetch(&self, addr: u64, k: u64) {
        let (last, at) = self.ahead.get();
        let mi = if last == addr {
            at
        } else {
            let Some(&mi) = self.index.get(&addr) else { return };
            self.ahead.set((addr, mi));
            mi
        };
        if let Some(ms) = self.states.get(mi as usize) {
            ms.keys.prefetch(k);
        }
    }

    /// The history of key `k` of map `mi`, made if new (flushing histories at the limits).
    #[inline]
    /// `slot`: the slot of `k`'s entry in the map's key table, if the caller has it.
    pub(super) fn key_state(&mut self, mi: usize, k: u64, mut slot: Option<usize>) -> &mut KeyState {
        let ms = &mut self.states[mi];
        if ms.last_key.0 == k && ms.last_key.1 != NONE {
            return &mut self.histories[ms.last_key.1 as usize];
        }
        let known = match slot {
            Some(i) => ms.keys.at(i).history,
            None => ms.keys.get(k).map_or(NONE, |key| key.history),
        };
        let h = if known != NONE {
            known
        } else {
            // A flush rebuilds key tables: `slot` is then stale.
            if ms.histories.len() >= MAX_KEYS_PER_MAP {
                self.flush_keys(mi, true);
                self.flushes += 1;
                slot = None;
            }
            if self.next - self.free_histories.len() >= MAX_KEYS {
                for m in 0..self.states.len() {
                    self.flush_keys(m, false);
                }
                self.free_histories.clear();
                self.next = 0;
                self.flushes += 1;
                slot = None;
            }
            let h = self.new_history();
            let ms = &mut self.states[mi];
            match slot {
                Some(i) => ms.keys.at(i).history = h,
                None => ms.key(k).history = h,
            }
            ms.histories.push(h);
            h
        };
        self.states[mi].last_key = (k, h);
        &mut self.histories[h as usize]
    }
}

/// How an inner map was reached: (outer map, low bits of the key hash).
#[derive(Default)]
pub(super) struct InnerMap {
    pub(super) paths: Vec<(u64, u32)>,
}

/// Conflicts of `acc` with the map's remembered accesses: (earlier access, observed?). `t` is
/// the accessing goroutine's clock.
///
/// The shadow keeps, per goroutine, its latest read and its latest write. A write drops the
/// goroutine's own entries and every entry it is `cnl`-ordered after (it subsumes them), and is
/// appended; a read replaces the goroutine's previous read in place, or is appended. When the
/// shadow is full the oldest entry goes. One pass over the shadow does the check and the
/// compaction.
#[inline]
pub(super) fn race_check(t: &ThreadClock, ms: &mut MapState, acc: &Access, found: &mut Vec<(Access, bool)>) {
    let (c, cnl) = (t.clocks.c(), t.clocks.cnl());
    let g = acc.gid;
    let shadow = &mut ms.shadow;
    // Every remembered access holds `guard`, the writes in write mode: a read holding it, or a
    // write holding it in write mode, is protected against all of them, and only the shadow's
    // upkeep is left to do.
    let guarded = ms.guard != 0 && if acc.writes() { acc.held.holds_write(ms.guard) } else { acc.held.holds(ms.guard) };
    if acc.writes() {
        // The new guard: a lock this write holds in write mode that every kept access holds
        // too, the writes in write mode (the old guard, if this write holds it so: kept
        // accesses are a subset).
        let (candidate, known) = if ms.guard != 0 && acc.held.holds_write(ms.guard) {
            (ms.guard, true)
        } else {
            (acc.held.write_lock(), false)
        };
        let mut all_hold = candidate != 0;
        let mut kept = 0;
        for i in 0..shadow.len() {
            let prev = &shadow[i];
            if prev.gid == g || prev.before(cnl) {
                continue;
            }
            if !guarded && !protected(&prev.held, &acc.held) {
                found.push((*prev, !prev.before(c)));
            }
            if !known && all_hold {
                all_hold = if prev.writes() { prev.held.holds_write(candidate) } else { prev.held.holds(candidate) };
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
            own = shadow.iter().position(|p| p.gid == g && !p.writes());
        } else {
            for (i, prev) in shadow.iter().enumerate() {
                if prev.gid == g {
                    if !prev.writes() {
                        own = Some(i);
                    }
                    continue;
                }
                if !prev.writes() || prev.before(cnl) || protected(&prev.held, &acc.held) {
                    continue;
                }
                found.push((*prev, !prev.before(c)));
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
        if ms.guard != 0 && !acc.held.holds(ms.guard) {
            ms.guard = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Latest` does what the `Vec` it replaces did, in the same order.
    #[test]
    fn latest_behaves_as_a_bounded_vec() {
        let mut latest = Latest::new((0u32, 0u32));
        let mut model: Vec<(u32, u32)> = Vec::new();
        let mut seed = 12345u64;
        for step in 0..20_000u32 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let gid = (seed >> 33) as u32 % 7;
            match (seed >> 40) % 8 {
                0 => {
                    let i = model.iter().position(|x| x.0 == gid);
                    assert_eq!(latest.iter().position(|x| x.0 == gid), i);
                    assert_eq!(latest.position(|x| x.0 == gid), i);
                    if let Some(i) = i {
                        assert_eq!(latest.swap_remove(i), model.swap_remove(i));
                    }
                }
                1 if step % 5 == 0 => {
                    latest.clear();
                    model.clear();
                }
                _ => {
                    latest.remember(gid, |x| x.0, (gid, step));
                    match model.iter_mut().find(|x| x.0 == gid) {
                        Some(x) => *x = (gid, step),
                        None => {
                            if model.len() >= KEY_HISTORY {
                                model.remove(0);
                            }
                            model.push((gid, step));
                        }
                    }
                }
            }
            assert_eq!(latest.iter().copied().collect::<Vec<_>>(), model);
        }
    }
}
