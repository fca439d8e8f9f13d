//! Goroutines and their clock slots: a goroutine takes a slot when it starts and gives it back
//! when it ends; one the trace did not see start is ordered after everything so far.

use super::*;
use super::lockset::*;
use super::shadow::*;

/// The clocks of one slot: of the goroutine occupying it, or of the last one if it is free.
pub(super) struct Thread {
    pub(super) c: Vec<u32>,
    pub(super) cnl: Vec<u32>,
    pub(super) cs: Vec<u32>,
    pub(super) held: LockSet,
    pub(super) sections: u32,
    /// The lock and critical section (`Held::section`) it left last; lock 0 if none.
    pub(super) released: (u64, u32),
    pub(super) maps: MapCache,
    /// The latest lock (address, index in `Engine::lock_states`; `NONE` if none): a release
    /// usually follows the acquisition of the same lock.
    pub(super) lock: (u64, u32),
    /// Which occupant of the slot this is (unique over the run, from 1; 0 while none): the
    /// lock shortcut's "this goroutine's clock is already ≥ the lock's".
    pub(super) occupant: u64,
    /// The own clock when the last occupant ended; its vector clocks are then freed (what
    /// others learnt from it lives on in their clocks). The next occupant starts after it, so
    /// epochs stay unique; it is taken to know its predecessor's past, which can hide a race
    /// between the two, never invent one.
    pub(super) ended_at: u32,
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
    pub(super) fn tick(&mut self, g: u32) {
        let i = g as usize;
        self.c[i] += 1;
        self.cnl[i] = self.c[i];
        self.cs[i] = self.c[i];
    }
}

impl Engine {
    pub(super) fn exists(&self, g: u32) -> bool {
        self.threads.get(g as usize).is_some_and(|t| !t.c.is_empty())
    }

    /// A goroutine the instrumentation did not see start (the main goroutine, test functions,
    /// goroutines of uninstrumented packages): it is taken to start after everything so far,
    /// which can hide races but never invents one.
    pub(super) fn unknown(&mut self, g: u32) {
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
    pub(super) fn slot(&mut self, gid: u32) -> u32 {
        match self.slots.get(gid as usize) {
            Some(&s) if s != NO_SLOT => s,
            _ => {
                let s = self.take_slot(gid);
                self.unknown(s);
                s
            }
        }
    }

    pub(super) fn take_slot(&mut self, gid: u32) -> u32 {
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

    pub(super) fn make_thread(&mut self, g: u32, clocks: [Vec<u32>; 3]) {
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

    pub(super) fn thread(&mut self, g: u32) -> &mut Thread {
        if !self.exists(g) {
            self.unknown(g);
        }
        &mut self.threads[g as usize]
    }

    pub(super) fn tick(&mut self, g: u32) {
        self.thread(g).tick(g);
    }

}
