//! Detection at each map access (ThreadSanitizer's `tsan_rtl_access.cpp`): the race check
//! against the map's shadow, and the check-then-act check against the key's state.

use super::*;
use super::goroutines::*;
use super::lockset::*;
use super::shadow::*;
use super::sync::*;
use crate::race::trace::{FLAG_KEY, FLAG_SYNC_MAP};

impl Engine {
    /// `e.goroutine` is the slot; `gid` the trace's goroutine id.
    pub(super) fn access(&mut self, e: Event, gid: u32) {
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
            let rule = if sync_map {
                RuleId::MR005
            } else if self.facts.map_value(act.site) || self.facts.map_value(acc.site) {
                RuleId::MR004
            } else {
                RuleId::MR007
            };
            let between = intruder.writes() && check.seq < intruder.seq && intruder.seq < act.seq;
            let evidence = if between { Evidence::Observed } else { Evidence::Predicted };
            self.push(Issue { rule, evidence, map: e.a, map_alloc_site: alloc, at: act, other: check, intruder: Some(intruder), count: 1 });
        }
    }

}

/// Check-then-act violations `acc` completes or intrudes on: (check, act, intruder).
/// `previous`: the goroutine's access to the map before `acc`; an act must follow its check
/// directly (a write after other work on the map is not taken to depend on an old read).
pub(super) fn atomicity(t: &Thread, ks: &mut KeyState, acc: Access, previous: u64, found: &mut Vec<(Access, Access, Access)>) {
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
