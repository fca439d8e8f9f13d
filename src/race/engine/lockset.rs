//! Lock sets (ThreadSanitizer's `tsan_mutexset.h`): the locks a goroutine holds at an access,
//! with their mode and critical section, packed so that an access carries them without
//! allocating.

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

pub(super) const MAX_HELD: usize = 2;
pub(super) const PRESENT: u32 = 2;

impl LockSet {
    /// No lock (`Default`, usable in constants).
    pub(super) const EMPTY: LockSet = LockSet { locks: [0; MAX_HELD], tags: [0; MAX_HELD] };

    pub(super) fn at(&self, i: usize) -> Held {
        Held { lock: self.locks[i], read: self.tags[i] & 1 != 0, section: self.tags[i] >> 2 }
    }

    #[inline]
    pub(super) fn len(&self) -> usize {
        (self.tags[0] & PRESENT != 0) as usize + (self.tags[1] & PRESENT != 0) as usize
    }

    pub fn iter(&self) -> impl Iterator<Item = Held> + '_ {
        (0..self.len()).map(|i| self.at(i))
    }

    pub(super) fn push(&mut self, h: Held) {
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
    pub(super) fn remove(&mut self, lock: u64, read: bool) -> Option<Held> {
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
    pub(super) fn is_empty(&self) -> bool {
        self.tags[0] & PRESENT == 0
    }

    /// Holds `lock` (in either mode).
    #[inline]
    pub(super) fn holds(&self, lock: u64) -> bool {
        let is = |i: usize| self.locks[i] == lock && self.tags[i] & PRESENT != 0;
        is(0) || is(1)
    }

    /// Holds `lock` in write mode.
    #[inline]
    pub(super) fn holds_write(&self, lock: u64) -> bool {
        let is = |i: usize| self.locks[i] == lock && self.tags[i] & (PRESENT | 1) == PRESENT;
        is(0) || is(1)
    }

    /// A lock held in write mode (the outermost), 0 if none.
    #[inline]
    pub(super) fn write_lock(&self) -> u64 {
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
    pub(super) fn holds_section(&self, lock: u64, section: u32) -> bool {
        let is = |i: usize| self.locks[i] == lock && self.tags[i] & PRESENT != 0 && self.tags[i] >> 2 == section;
        is(0) || is(1)
    }
}

/// Two accesses are guarded against each other by a lock both hold, not both in read mode.
#[inline]
pub(super) fn protected(a: &LockSet, b: &LockSet) -> bool {
    // Both present, not both read.
    let guards = |i: usize, j: usize| a.locks[i] == b.locks[j] && a.tags[i] & b.tags[j] & (PRESENT | 1) == PRESENT;
    const _: () = assert!(MAX_HELD == 2);
    guards(0, 0) || guards(0, 1) || guards(1, 0) || guards(1, 1)
}

pub(super) fn same_section(a: &LockSet, b: &LockSet) -> bool {
    a.iter().any(|x| b.iter().any(|y| x.lock == y.lock && x.section == y.section))
}
