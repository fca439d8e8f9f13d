//! Goroutines and the clock slots they run in (ThreadSanitizer v3's `TidSlot`).
//!
//! Vector clocks have one component per *slot*, not per goroutine, and there are at most
//! [`SLOTS`] slots, so every clock operation costs at most that many components however many
//! goroutines a program starts. A goroutine takes a slot at its first event; the first
//! `SLOTS` goroutines each get one of their own (the analysis is exact). After that a
//! goroutine takes the slot of the goroutine that ended longest ago, or, when more than
//! `SLOTS` goroutines are alive, the slot of the one that has been idle longest (which takes
//! another slot when it runs again). A slot's epochs keep growing across occupants, so an
//! occupant is taken to know what the slot's earlier occupants did: this can hide a race
//! between goroutines that shared a slot, never invent one (Go's `-race`, ThreadSanitizer v3,
//! shares 256 slots the same way).
//!
//! A goroutine's state lives from its `Fork` (or first sight) to its `End`; what it released
//! lives on in the clocks of objects and of the goroutines that acquired it.

use super::clock::{Clocks, ThreadClock};
use super::lockset::LockSet;
use super::*;

/// The most clock slots, hence components of a vector clock.
pub const SLOTS: usize = 256;

/// Goroutine states alive at once (each holds three clocks of up to `SLOTS` components):
/// beyond this the analysis stops with an error instead of exhausting memory.
pub const MAX_LIVE_GOROUTINES: usize = 100_000;

/// `ThreadClock::slot` of a goroutine that holds no slot.
pub(super) const DETACHED: u32 = u32::MAX;

/// Entries of a goroutine's recent-maps cache.
const RECENT: usize = 6;

/// One goroutine alive in the trace: what every event touches (its recent maps, which only
/// map accesses need, are kept apart in `Goroutines::recent`, so that switching between
/// thousands of goroutines touches little memory).
pub(super) struct Goroutine {
    pub(super) gid: u32,
    pub(super) clock: ThreadClock,
    pub(super) held: LockSet,
    /// Locks acquired so far: a check and an act further apart are not one read-modify-write.
    pub(super) sections: u32,
    /// The lock and critical section (`Held::section`) it left last; lock 0 if none.
    pub(super) released: (u64, u32),
    /// The latest lock (address, index in `Engine::locks`; `NONE` if none): a release usually
    /// follows the acquisition of the same lock.
    pub(super) lock: (u64, u32),
}

/// A goroutine's latest access to one map: what the check-then-act rule (is this write the
/// goroutine's next access to the map after its read?) and MR008 (did it touch the map inside
/// the critical section it left?) need, and the map's index (a hit saves a hash lookup). Kept
/// for the goroutine's last `RECENT` maps: a read and a write of one map with accesses to more
/// maps in between are not taken as a check-then-act.
#[derive(Clone, Copy, Default)]
pub(super) struct Recent {
    pub(super) addr: u64,
    /// Index in `Engine::maps` and that state's generation (a freed map's index is reused).
    pub(super) map: u32,
    pub(super) generation: u32,
    /// Event number of the access; 0 for an empty entry.
    pub(super) seq: u64,
    /// The locks held at the goroutine's latest access to the map made under a lock.
    pub(super) locked: LockSet,
}

#[derive(Clone, Copy, Default)]
struct Slot {
    /// The goroutine in it (`NONE` if free).
    occupant: u32,
    /// The highest epoch any occupant used: the next one starts above it.
    epoch: u32,
    /// Event number of the occupant's latest event (the idlest occupant is preempted).
    used_at: u64,
}

/// Goroutines (by trace id) and slots.
#[derive(Default)]
pub(super) struct Goroutines {
    /// Trace goroutine id → index in `live` (`NONE` when not started or ended).
    index: Vec<u32>,
    /// Trace goroutine id → (creator's id, site of its go statement); (0, 0) when unknown.
    /// The one record kept per goroutine ever started (8 bytes): reports name the chain of
    /// go statements that created a goroutine long after it ended.
    creators: Vec<(u32, u32)>,
    pub(super) live: Vec<Goroutine>,
    /// By index in `live`: the goroutine's recent maps.
    pub(super) recent: Vec<[Recent; RECENT]>,
    free_live: Vec<u32>,
    slots: Vec<Slot>,
    /// Slots of ended goroutines, the earliest ended first.
    free_slots: std::collections::VecDeque<u32>,
}

impl Goroutines {
    pub(super) fn live_count(&self) -> usize {
        self.live.len() - self.free_live.len()
    }

    pub(super) fn creator(&self, gid: u32) -> Option<(u32, u32)> {
        self.creators.get(gid as usize).copied().filter(|&(p, _)| p != 0)
    }

    /// The slot goroutine `gid` holds, if any.
    #[cfg(test)]
    pub(super) fn slot_of(&self, gid: u32) -> Option<u32> {
        self.index_of(gid).map(|i| self.live[i].clock.slot).filter(|&s| s != DETACHED)
    }

    fn index_of(&self, gid: u32) -> Option<usize> {
        self.index.get(gid as usize).copied().filter(|&i| i != NONE).map(|i| i as usize)
    }

    /// Whether `gid` is plausible: the runtime numbers goroutines from 1 in the order it sees
    /// them, so a larger jump means a corrupt trace (and would make the tables huge).
    pub(super) fn valid_id(&self, gid: u32) -> bool {
        gid != 0 && (gid as usize) <= self.index.len() + 4096
    }

    fn add(&mut self, gid: u32, clock: ThreadClock) -> usize {
        let g = Goroutine {
            gid,
            clock,
            held: LockSet::default(),
            sections: 0,
            released: (0, 0),
            lock: (0, NONE),
        };
        let recent = [Recent { map: NONE, ..Recent::default() }; RECENT];
        let i = match self.free_live.pop() {
            Some(i) => {
                self.live[i as usize] = g;
                self.recent[i as usize] = recent;
                i as usize
            }
            None => {
                self.live.push(g);
                self.recent.push(recent);
                self.live.len() - 1
            }
        };
        let at = gid as usize;
        if self.index.len() <= at {
            self.index.resize(at + 1, NONE);
            self.creators.resize(at + 1, (0, 0));
        }
        self.index[at] = i as u32;
        i
    }

    /// The latest epoch of every slot: the clock of a goroutine ordered after everything so far.
    fn latest(&self) -> Vec<u32> {
        self.slots
            .iter()
            .map(|s| match s.occupant {
                NONE => s.epoch,
                g => self.live[g as usize].clock.own(),
            })
            .collect()
    }

    /// The index in `live` of goroutine `gid`, holding a slot, with `now` as its latest event.
    /// A goroutine not seen starting (the main goroutine, test functions, goroutines started
    /// by uninstrumented code) is taken to start after everything so far: that can hide
    /// races, never invent one.
    #[inline]
    pub(super) fn running(&mut self, gid: u32, now: u64) -> usize {
        let i = match self.index_of(gid) {
            Some(i) => i,
            None => self.unknown(gid),
        };
        let slot = self.live[i].clock.slot;
        if slot == DETACHED {
            self.attach(i, now);
        } else {
            self.slots[slot as usize].used_at = now;
        }
        i
    }

    /// A goroutine not seen starting, added.
    #[cold]
    fn unknown(&mut self, gid: u32) -> usize {
        self.add(gid, ThreadClock::new(Clocks::uniform(&self.latest()), DETACHED))
    }

    #[cold]
    fn attach(&mut self, i: usize, now: u64) {
        let s = if self.slots.len() < SLOTS {
            self.slots.push(Slot { occupant: NONE, epoch: 0, used_at: 0 });
            self.slots.len() - 1
        } else if let Some(s) = self.free_slots.pop_front() {
            s as usize
        } else {
            // Every slot is held: preempt the idlest goroutine (never `i`, which holds none).
            let s = (0..self.slots.len()).min_by_key(|&s| self.slots[s].used_at).expect("SLOTS > 0");
            let victim = self.slots[s].occupant as usize;
            self.slots[s].epoch = self.live[victim].clock.own();
            self.live[victim].clock.slot = DETACHED;
            s
        };
        let slot = &mut self.slots[s];
        let t = &mut self.live[i].clock;
        let epoch = slot.epoch.max(super::clock::get(t.clocks.c(), s as u32)) + 1;
        t.attach(s as u32, epoch);
        *slot = Slot { occupant: i as u32, epoch, used_at: now };
    }

    /// `parent` starts goroutine `child` at `site`: the child's clocks are the parent's.
    pub(super) fn fork(&mut self, parent: usize, child: u32, site: u32) {
        if self.index_of(child).is_some() {
            // Only a corrupt trace forks a live goroutine again: it keeps its clocks.
            return;
        }
        let clock = self.live[parent].clock.child();
        let pgid = self.live[parent].gid;
        self.add(child, clock);
        self.creators[child as usize] = (pgid, site);
        self.live[parent].clock.tick();
    }

    /// Goroutine `gid` ended: its slot is free (its epochs stay in the slot), its state gone.
    pub(super) fn end(&mut self, gid: u32) {
        let Some(i) = self.index_of(gid) else { return };
        let t = &self.live[i].clock;
        if t.slot != DETACHED {
            let s = t.slot as usize;
            self.slots[s].epoch = t.own();
            self.slots[s].occupant = NONE;
            self.free_slots.push_back(s as u32);
        }
        self.index[gid as usize] = NONE;
        // Frees its clocks now; the entry is reused by the next goroutine.
        self.live[i].clock = ThreadClock::default();
        self.free_live.push(i as u32);
    }
}
