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

mod access;
mod goroutines;
mod lockset;
mod rules;
mod shadow;
mod sync;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::race::probes::{Probes, Visit};
use crate::race::trace::{Event, FLAG_READ_MODE, Kind, Record};
use crate::report::Evidence;
use crate::rules::RuleId;

use goroutines::Thread;
pub use lockset::{Held, LockSet};
use shadow::{InnerMap, MapState};
use sync::{LockClock, SyncClock};
pub(crate) use sync::get;
use sync::{join, join_was_below};

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

pub(super) const NO_SLOT: u32 = u32::MAX;

/// No index (of a map or key state).
pub(super) const NONE: u32 = u32::MAX;

/// Slots of ended goroutines are reused only once this many exist: below it every goroutine
/// has its own entry and the analysis is exact; above it a goroutine in a reused slot is taken
/// to know its predecessor's past (a race between the two is missed), which keeps programs
/// that start millions of short goroutines analysable.
pub(super) const REUSE_SLOTS_FROM: usize = 4096;

/// At most this many unordered accesses are kept per map; older ones are forgotten.
pub(super) const SHADOW_LIMIT: usize = 32;

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
    pub(super) fn writes(&self) -> bool {
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

/// Per-site facts the engine needs from the instrumenter's site table.
#[derive(Default, Clone)]
pub struct SiteFacts {
    /// The write stores a map value (check-then-create of an inner map: MR004).
    pub map_value: Vec<bool>,
}

impl SiteFacts {
    pub(super) fn map_value(&self, site: u32) -> bool {
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

}
