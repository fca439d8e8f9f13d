//! The happens-before engine: a pure, deterministic function of an event stream (no I/O), fed
//! one event at a time while the program runs. Vector clocks with FastTrack-style epochs, three
//! clocks per goroutine:
//!
//! - `c`, the full happens-before of the run (every primitive, locks included);
//! - `cnl`, happens-before without lock edges (goroutine start, channels, WaitGroup, Once,
//!   atomics, sync.Map per key, Cond);
//! - `cs`, the structural order: `cnl` without the per-key edges of `sync.Map`, which only
//!   say which of two competing check-then-acts happened to go first.
//!
//! All three share the goroutine's own component, so one epoch `(slot, clock)` is compared
//! against any of them. Two conflicting map accesses unordered by `cnl` and with no lock in common
//! are a race: `observed` when `c` does not order them either, `predicted` when only a lock
//! neither access holds ordered them in this run (the masked race). On top of that, per
//! (map, key): a read then a write of the key by one goroutine outside one critical section,
//! with another goroutine's write of the key that `cnl` lets fall between them, is a
//! check-then-act violation (MR004/MR005/MR007), whether or not it fell between them this time;
//! so is another goroutine running the same check on the key unordered (`cs`) with the pair:
//! in another schedule it misses too and both act.
//!
//! Layout, after ThreadSanitizer's runtime: `clock` (vector clocks, object clocks),
//! `goroutines` (goroutine states and clock slots), `lockset` (locks held), `sync` (mutexes
//! and release/acquire objects), `shadow` (what is remembered per map and key, and when it is
//! dropped), `access` (the checks at each map access), `rules` (which rule an issue is).
//!
//! Memory follows what is alive, not the length of the run: goroutine states go at their end,
//! map states when the runtime reports the map freed, key histories are capped, clocks have at
//! most `goroutines::SLOTS` components, and object clocks share their releaser's copy.
//! What grows with the run: 12 bytes per goroutine ever started (its index, and its creator
//! for reports), an object clock (a 32-byte slot of a table at most half full) per
//! synchronisation object ever released, and the text of distinct stacks and keys.

mod access;
mod clock;
mod goroutines;
mod lockset;
mod rules;
mod shadow;
mod sync;
mod table;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::race::probes::{Probes, Visit};
use crate::race::trace::{Event, FLAG_KEY, FLAG_READ_MODE, Kind, Record};
use crate::report::Evidence;
use crate::rules::RuleId;

pub(crate) use clock::get;
pub use goroutines::{MAX_LIVE_GOROUTINES, SLOTS};
use goroutines::Goroutines;
pub use lockset::{Held, LockSet};
pub use shadow::{Access, MAX_KEYS, MAX_KEYS_PER_MAP};
use shadow::{InnerMap, Maps};
use sync::Locks;
use table::AddrMap;

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

/// A hint that the line at `p` will be read soon; never faults, whatever `p` is.
#[inline(always)]
pub(super) fn prefetch<T>(p: *const T) {
    // SAFETY: SSE is part of x86_64, and a prefetch reads nothing the program sees.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// No index (of a goroutine, map, key or lock state).
const NONE: u32 = u32::MAX;

/// Paths kept per inner map (MR003 needs two).
const INNER_PATHS: usize = 8;

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
    fn map_value(&self, site: u32) -> bool {
        self.map_value.get(site as usize).copied().unwrap_or(false)
    }
}

#[derive(Default)]
pub struct Engine {
    facts: SiteFacts,
    gs: Goroutines,
    locks: Locks,
    /// Release/acquire objects by address (see `sync`).
    syncs: AddrMap<Option<clock::SyncClock>>,
    maps: Maps,
    /// Inner maps by address: the (outer map, key) paths they were fetched under.
    inner: IdMap<u64, InnerMap>,
    pub stacks: IdMap<u32, String>,
    pub keys: IdMap<u64, String>,
    issues: Vec<Issue>,
    seen: IdMap<(RuleId, u32, u32), usize>,
    pub events: u64,
    /// Function-entry probes of static findings (see `probes`).
    pub probes: Probes,
    /// Why the analysis stopped early (later events are ignored); findings before it stand.
    pub stopped: Option<String>,
}

impl Engine {
    pub fn new(facts: SiteFacts) -> Engine {
        Engine { facts, ..Engine::default() }
    }

    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// Call after the last event: settles MR003 for inner maps still alive, and merges issues
    /// that became identical.
    pub fn finish(&mut self) {
        let inner: Vec<u64> = self.inner.keys().copied().collect();
        for map in inner {
            self.settle_inner(map);
        }
        let mut seen = std::collections::HashSet::new();
        self.issues.retain(|i| seen.insert((i.rule, i.at.site, i.other.site, i.intruder.as_ref().map(|w| w.site))));
    }

    /// The goroutine that created `g` and the site of its go statement.
    pub fn creator(&self, g: u32) -> Option<(u32, u32)> {
        self.gs.creator(g)
    }

    /// Goroutines whose state the engine holds now (started and not ended).
    pub fn live_goroutines(&self) -> usize {
        self.gs.live_count()
    }

    /// How many times key histories were dropped to stay within `MAX_KEYS_PER_MAP`/`MAX_KEYS`.
    pub fn key_flushes(&self) -> u64 {
        self.maps.flushes
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

    /// Whether the state the engine looks up by address (sync objects, maps and their keys)
    /// has outgrown the CPU's caches, so that fetching it ahead (`prefetch`) pays.
    pub fn outgrew_cache(&self) -> bool {
        const CACHE: usize = 1 << 20;
        self.syncs.capacity() * std::mem::size_of::<(u64, clock::SyncClock)>() + self.maps.bytes() > CACHE
    }

    /// Whether a record of kind byte `kind` with `flags` looks up state `prefetch` can fetch
    /// ahead: sync objects and keys (most records are not: one test, no jump).
    #[inline]
    pub fn worth_prefetching(kind: u8, flags: u8) -> bool {
        kind >= Kind::SyncRelease as u8 || flags & FLAG_KEY != 0
    }

    /// A hint that a record of kind byte `kind` with operands `a` and `b` comes soon (the
    /// reader looks a few records ahead): fetches what it will touch into the cache. Looks
    /// up, never makes or changes, so any record (even a misread one) is harmless.
    #[inline]
    pub fn prefetch(&self, kind: u8, a: u64, b: u64) {
        if kind == Kind::SyncRelease as u8 || kind == Kind::SyncAcquire as u8 {
            self.syncs.prefetch(a);
        } else if matches!(Kind::from_u8(kind), Some(Kind::Read | Kind::Write | Kind::Delete | Kind::Update)) {
            self.maps.prefetch(a, b);
        }
    }

    fn stop(&mut self, why: String) {
        self.stopped = Some(format!("analysis stopped at event {}: {why}; findings before it are reported", self.events + 1));
    }

    pub fn event(&mut self, e: Event) {
        if self.stopped.is_some() {
            return;
        }
        let gid = e.goroutine;
        if !self.gs.valid_id(gid) || (e.kind == Kind::Fork && !self.gs.valid_id(e.a as u32)) {
            return self.stop(format!("goroutine id {} out of sequence (a corrupt trace)", if e.kind == Kind::Fork { e.a } else { gid as u64 }));
        }
        if self.gs.live_count() >= MAX_LIVE_GOROUTINES {
            return self.stop(format!("more than {MAX_LIVE_GOROUTINES} goroutines alive at once"));
        }
        self.events += 1;
        if e.kind == Kind::End {
            return self.gs.end(gid);
        }
        let g = self.gs.running(gid, self.events);
        match e.kind {
            // `running` made the goroutine: one not seen starting is ordered after everything.
            Kind::UnknownGoroutine | Kind::Start | Kind::End => {}
            Kind::Fork => self.gs.fork(g, e.a as u32, e.site),
            Kind::Acquire => self.lock_acquire(g, e.a, e.flags & FLAG_READ_MODE != 0),
            Kind::Release => self.lock_release(g, e.a, e.flags & FLAG_READ_MODE != 0),
            Kind::SyncRelease => self.sync_release(g, e.a),
            Kind::SyncAcquire => self.sync_acquire(g, e.a),
            Kind::Alloc => {
                self.settle_inner(e.a);
                self.maps.alloc(e.a, e.site, gid);
            }
            Kind::Free => {
                self.settle_inner(e.a);
                self.maps.free(e.a);
            }
            Kind::Fetch => {
                let paths = &mut self.inner.entry(e.b).or_default().paths;
                if !paths.contains(&(e.a, e.aux)) && paths.len() < INNER_PATHS {
                    paths.push((e.a, e.aux));
                }
            }
            Kind::Read | Kind::Write | Kind::Delete | Kind::Range | Kind::Len | Kind::Clear | Kind::Update => {
                self.probes.ran(e.site);
                self.access(g, e)
            }
            Kind::Enter => {
                let t = &self.gs.live[g];
                let visit = Visit { site: e.site, slot: t.clock.slot, gid, clock: t.clock.own(), stack: e.aux };
                self.probes.enter(visit, t.clock.clocks.cnl());
            }
        }
    }
}
