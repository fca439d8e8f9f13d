//! Detection at each map access (ThreadSanitizer's `tsan_rtl_access.cpp`): the race check
//! against the map's shadow, and the check-then-act check against the key's history.

use super::clock::{Edge, SyncClock, ThreadClock};
use super::goroutines::Recent;
use super::lockset::same_section;
use super::shadow::{KeyState, race_check, remember};
use super::*;
use crate::race::trace::{FLAG_KEY, FLAG_SYNC_MAP};

impl Engine {
    /// The index of map `addr`'s state and of its entry in goroutine `g`'s recent maps (made,
    /// replacing the least recent, if absent).
    #[inline]
    fn recent_map(&mut self, g: usize, addr: u64) -> (usize, usize) {
        let recent = &mut self.gs.recent[g];
        let states = &self.maps.states;
        if let Some(r) = recent.iter().position(|r| r.addr == addr && r.map != NONE && states[r.map as usize].generation == r.generation) {
            return (recent[r].map as usize, r);
        }
        let mi = self.maps.get_or_make(addr);
        let recent = &mut self.gs.recent[g];
        let r = (0..recent.len()).min_by_key(|&i| recent[i].seq).expect("not empty");
        recent[r] = Recent { addr, map: mi as u32, generation: self.maps.states[mi].generation, seq: 0, locked: LockSet::default() };
        (mi, r)
    }

    /// Map access `e` by goroutine `g` (an index in `gs.live`).
    pub(super) fn access(&mut self, g: usize, e: Event) {
        let sync_map = e.flags & FLAG_SYNC_MAP != 0;
        let key = (e.flags & FLAG_KEY != 0).then_some(e.b);
        let (mi, ri) = self.recent_map(g, e.a);
        // The key's slot in the map's key table, when looked up here.
        let mut slot = None;
        if sync_map && let Some(k) = key {
            // sync.Map operations on one key synchronise with each other.
            let t = &mut self.gs.live[g].clock;
            let ms = &mut self.maps.states[mi];
            let i = ms.key_slot(k);
            slot = Some(i);
            let key = ms.keys.at(i);
            let c = key.clock as usize;
            if matches!(e.kind, Kind::Read | Kind::Update) && c != NONE as usize {
                t.acquire(&ms.clocks[c], Edge::Key);
            }
            if matches!(e.kind, Kind::Write | Kind::Delete | Kind::Update) {
                if c != NONE as usize {
                    ms.clocks[c].release(t, Edge::Key);
                } else {
                    key.clock = ms.clocks.len() as u32;
                    ms.clocks.push(SyncClock::new(t));
                }
                t.tick();
            }
        }
        let seq = self.events;
        let t = &mut self.gs.live[g];
        let gid = t.gid;
        let mut acc = Access {
            goroutine: t.clock.slot,
            gid,
            clock: t.clock.own(),
            seq,
            kind: e.kind,
            site: e.site,
            stack: e.aux,
            key: key.unwrap_or(0),
            held: t.held,
            sections: t.sections,
            left_lock: 0,
        };
        let last = &mut self.gs.recent[g][ri];
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
        let t = &self.gs.live[g].clock;
        let ms = &mut self.maps.states[mi];
        let mut races = Vec::new();
        if !sync_map {
            race_check(t, ms, &acc, &mut races);
        }
        match ms.owner {
            None => ms.owner = Some(gid),
            Some(o) => ms.shared |= o != gid,
        }
        let alloc = ms.alloc_site;
        let mut violations = Vec::new();
        // Key-level state costs a lookup per access: skip it for a map only its own goroutine
        // has touched, without locks. A check-then-act there needs a second goroutine, whose
        // unlocked accesses would be reported as races anyway.
        let track = sync_map || ms.shared || !acc.held.is_empty();
        if let Some(k) = key
            && track
        {
            atomicity(t, self.maps.key_state(mi, k, slot), &acc, previous, &mut violations);
        }
        for (prev, observed) in races {
            let rule = self.race_rule(e.a, &prev, &acc);
            let evidence = if observed { Evidence::Observed } else { Evidence::Predicted };
            self.push(Issue { rule, evidence, map: e.a, map_alloc_site: alloc, at: acc, other: prev, intruder: None, count: 1 });
        }
        for (check, act, intruder) in violations {
            let rule = self.check_then_act_rule(sync_map, &act, &acc);
            let between = intruder.writes() && check.seq < intruder.seq && intruder.seq < act.seq;
            let evidence = if between { Evidence::Observed } else { Evidence::Predicted };
            self.push(Issue { rule, evidence, map: e.a, map_alloc_site: alloc, at: act, other: check, intruder: Some(intruder), count: 1 });
        }
    }
}

/// Check-then-act violations `acc` completes or intrudes on: (check, act, intruder). `t` is
/// the accessing goroutine's clock; `previous`: the event number of its access to the map
/// before `acc`: an act must follow its check directly (a write after other work on the map
/// is not taken to depend on an old read).
fn atomicity(t: &ThreadClock, ks: &mut KeyState, acc: &Access, previous: u64, found: &mut Vec<(Access, Access, Access)>) {
    let cs = t.clocks.cs();
    let g = acc.gid;
    match acc.kind {
        Kind::Read => {
            // The same check by another goroutine, unordered with a check-then-act pair.
            for (check, act) in &ks.pairs {
                if check.gid != g && check.site == acc.site && !act.before(cs) {
                    found.push((*check, *act, *acc));
                }
            }
            ks.last_read.remember(g, |r| r.gid, *acc);
        }
        Kind::Write | Kind::Delete | Kind::Update => {
            // This write may fall between another goroutine's check and act.
            for (check, act) in &ks.pairs {
                if check.gid != g && !check.before(cs) {
                    found.push((*check, *act, *acc));
                }
            }
            // This goroutine's read of the key goes; it is the check of a check-then-act if it
            // came right before this write, not in the same critical section.
            let check = ks.last_read.position(|r| r.gid == g).and_then(|i| {
                let c = ks.last_read.at(i);
                let pairs = acc.kind != Kind::Update && c.seq == previous && !same_section(&c.held, &acc.held) && acc.sections - c.sections <= 2;
                let check = pairs.then_some(*c);
                ks.last_read.remove(i);
                check
            });
            if let Some(check) = check {
                for w in ks.writes.iter() {
                    if w.gid != g && !w.before(cs) {
                        found.push((check, *acc, *w));
                    }
                }
                remember(&mut ks.pairs, g, |(c, _)| c.gid, (check, *acc));
            }
            ks.writes.remember(g, |w| w.gid, *acc);
        }
        _ => {}
    }
}
