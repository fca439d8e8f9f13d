//! Synchronisation (ThreadSanitizer's `tsan_rtl_mutex.cpp`): mutexes and read-write mutexes,
//! whose edges only `c` follows, and release/acquire objects (channels, WaitGroups, Once,
//! Cond, atomics), whose edges all three clocks follow. sync.Map's per-key edges live with
//! the key (`shadow`).
//!
//! Object clocks are never reclaimed (the trace does not say when an object dies), but they
//! are small: an object released by one goroutine shares that goroutine's copy of its clocks
//! (`clock::SyncClock`).

use super::clock::{Edge, SyncClock};
use super::lockset::Held;
use super::*;

/// A mutex's clocks: the join of its write-mode releases (`w`) and of its read-mode
/// releases (`r`).
#[derive(Default)]
pub(super) struct LockClock {
    w: Option<SyncClock>,
    r: Option<SyncClock>,
    /// A goroutine (its trace id) whose `c` is known to be ≥ `w`, 0 if none: its acquisitions
    /// need not join `w`. `w` only grows at a release, which updates this, and a goroutine's
    /// `c` only grows, so the fact stays true until then.
    w_below: u32,
    /// The same for `r`.
    r_below: u32,
    /// The goroutine that released `w` (`r`) last, 0 if none.
    w_last: u32,
    r_last: u32,
}

/// Lock clocks by address; a goroutine caches its latest lock's index.
#[derive(Default)]
pub(super) struct Locks {
    index: IdMap<u64, u32>,
    states: Vec<LockClock>,
}

impl Engine {
    /// The index of lock `addr`'s clocks (made if new), through goroutine `g`'s cache.
    #[inline]
    fn lock_index(&mut self, g: usize, addr: u64) -> usize {
        let cache = &mut self.gs.live[g].lock;
        if cache.0 == addr && cache.1 != NONE {
            return cache.1 as usize;
        }
        let locks = &mut self.locks;
        let i = *locks.index.entry(addr).or_insert_with(|| {
            locks.states.push(LockClock::default());
            locks.states.len() as u32 - 1
        });
        *cache = (addr, i);
        i as usize
    }

    pub(super) fn lock_acquire(&mut self, g: usize, addr: u64, read: bool) {
        let li = self.lock_index(g, addr);
        let lock = &mut self.locks.states[li];
        let t = &mut self.gs.live[g];
        // Joining a clock this one already includes changes nothing: skipped.
        if lock.w_below != t.gid {
            if let Some(w) = &lock.w {
                t.clock.acquire(w, Edge::Lock);
            }
            lock.w_below = t.gid;
        }
        if !read && lock.r_below != t.gid {
            if let Some(r) = &lock.r {
                t.clock.acquire(r, Edge::Lock);
            }
            lock.r_below = t.gid;
        }
        t.sections += 1;
        t.held.push(Held { lock: addr, read, section: t.sections });
    }

    pub(super) fn lock_release(&mut self, g: usize, addr: u64, read: bool) {
        let t = &mut self.gs.live[g];
        t.released = t.held.remove(addr, read).map_or((0, 0), |h| (h.lock, h.section));
        let li = self.lock_index(g, addr);
        let lock = &mut self.locks.states[li];
        let t = &mut self.gs.live[g];
        let (clock, below, last) =
            if read { (&mut lock.r, &mut lock.r_below, &mut lock.r_last) } else { (&mut lock.w, &mut lock.w_below, &mut lock.w_last) };
        match clock {
            None => {
                *clock = Some(SyncClock::new(&mut t.clock));
                *below = t.gid;
            }
            // The lock's clock is ≤ this goroutine's: the join is a copy.
            Some(c) if *below == t.gid => c.assign(&mut t.clock, Edge::Lock, *last == t.gid),
            // If the lock's clock was ≤ this goroutine's, it now equals it.
            Some(c) => *below = if c.release(&mut t.clock, Edge::Lock) { t.gid } else { 0 },
        }
        *last = t.gid;
        t.clock.tick();
    }

    pub(super) fn sync_release(&mut self, g: usize, obj: u64) {
        let t = &mut self.gs.live[g].clock;
        match self.syncs.get_mut(obj) {
            Some(Some(s)) => {
                s.release(t, Edge::Structural);
            }
            _ => {
                self.syncs.get_or_insert_with(obj, || Some(SyncClock::new(t)));
            }
        }
        t.tick();
    }

    pub(super) fn sync_acquire(&mut self, g: usize, obj: u64) {
        if let Some(Some(s)) = self.syncs.get(obj) {
            self.gs.live[g].clock.acquire(s, Edge::Structural);
        }
    }
}
