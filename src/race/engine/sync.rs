//! Vector clocks and the synchronisation objects they flow through (ThreadSanitizer's
//! `tsan_vector_clock.h`, `tsan_rtl_mutex.cpp`): locks, and release/acquire objects (channels,
//! WaitGroups, Once, Cond, atomics, sync.Map keys).

use super::*;

#[inline]
/// Component `i` of a vector clock (0 past its end).
pub(crate) fn get(vc: &[u32], i: u32) -> u32 {
    vc.get(i as usize).copied().unwrap_or(0)
}

pub(super) fn join(into: &mut Vec<u32>, from: &[u32]) {
    if into.len() < from.len() {
        into.resize(from.len(), 0);
    }
    for (a, b) in into.iter_mut().zip(from) {
        *a = (*a).max(*b);
    }
}

/// `join(into, from)`; whether `into` was ≤ `from` (so that it now equals `from`).
pub(super) fn join_was_below(into: &mut Vec<u32>, from: &[u32]) -> bool {
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
pub(super) struct LockClock {
    pub(super) w: Vec<u32>,
    pub(super) r: Vec<u32>,
    /// A goroutine (its `Thread::occupant`) whose `c` is known to be ≥ `w`, 0 if none: its
    /// acquisitions need not join `w`. `w` only grows at a release, which updates this, and
    /// a goroutine's `c` only grows, so the fact stays true until then.
    pub(super) w_below: u64,
    /// The same for `r`.
    pub(super) r_below: u64,
}

#[derive(Default)]
pub(super) struct SyncClock {
    pub(super) c: Vec<u32>,
    pub(super) cnl: Vec<u32>,
    pub(super) cs: Vec<u32>,
}

impl Engine {
    /// `structural`: the edge also orders competing check-then-acts (`cs`).
    pub(super) fn release(&mut self, g: u32, obj: u64, structural: bool) {
        self.thread(g);
        let t = &self.threads[g as usize];
        let s = self.syncs.entry(obj).or_default();
        join(&mut s.c, &t.c);
        join(&mut s.cnl, &t.cnl);
        if structural {
            join(&mut s.cs, &t.cs);
        }
    }

    pub(super) fn acquire(&mut self, g: u32, obj: u64, structural: bool) {
        self.thread(g);
        let Some(s) = self.syncs.get(&obj) else { return };
        let t = &mut self.threads[g as usize];
        join(&mut t.c, &s.c);
        join(&mut t.cnl, &s.cnl);
        if structural {
            join(&mut t.cs, &s.cs);
        }
    }
    /// The index of lock `addr`'s clocks (made if new), through goroutine `g`'s cache.
    #[inline]
    pub(super) fn lock_state(&mut self, g: u32, addr: u64) -> usize {
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

}
