//! Entry probes: which functions holding a static finding ran concurrently in this run.
//!
//! `maprace check` sees paths a run may never take (an error branch taken once in a thousand
//! requests). For each static finding the instrumenter puts a probe at the entry of the
//! innermost function around each of its two sites. When two goroutines enter those functions
//! with no happens-before between the entries other than through locks, the run has shown
//! that the finding's two sides execute concurrently; if the run did not execute the sites
//! themselves (else the engine's own verdict stands), the driver reports the static finding as
//! `predicted`, with the two entries' stacks as evidence.

use std::collections::HashMap;

use crate::race::engine::get as clock_of;

/// One goroutine's latest entry into one probed function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Visit {
    /// The enter probe's site id.
    pub site: u32,
    /// Clock slot, trace goroutine id (its identity), own clock at the entry.
    pub slot: u32,
    pub gid: u32,
    pub clock: u32,
    /// Stack id of the entry (its text is in the engine's stack table).
    pub stack: u32,
}

/// Entries kept per probed function (the latest per goroutine).
const VISITS: usize = 64;

#[derive(Default)]
pub struct Probes {
    visits: HashMap<u32, Vec<Visit>>,
    /// (lower site, higher site) → the first two entries seen unordered (earlier one first).
    concurrent: HashMap<(u32, u32), (Visit, Visit)>,
    /// Sites of map operations that ran, as a bit set indexed by site id.
    ran: Vec<u64>,
}

impl Probes {
    /// A map operation at `site` ran.
    #[inline]
    pub fn ran(&mut self, site: u32) {
        let (w, b) = ((site >> 6) as usize, site & 63);
        if w >= self.ran.len() {
            self.ran.resize(w + 1, 0);
        }
        self.ran[w] |= 1 << b;
    }

    pub fn has_run(&self, site: u32) -> bool {
        self.ran.get((site >> 6) as usize).is_some_and(|w| w & (1 << (site & 63)) != 0)
    }

    /// A goroutine entered a probed function; `cnl` is its vector clock without lock edges
    /// (a lock orders two entries in this run only, not in every schedule).
    pub fn enter(&mut self, v: Visit, cnl: &[u32]) {
        for (&other, visits) in &self.visits {
            let pair = (other.min(v.site), other.max(v.site));
            if self.concurrent.contains_key(&pair) {
                continue;
            }
            if let Some(w) = visits.iter().find(|w| w.gid != v.gid && w.clock > clock_of(cnl, w.slot)) {
                self.concurrent.insert(pair, (*w, v));
            }
        }
        let visits = self.visits.entry(v.site).or_default();
        match visits.iter_mut().find(|w| w.gid == v.gid) {
            Some(w) => *w = v,
            None => {
                if visits.len() == VISITS {
                    visits.remove(0);
                }
                visits.push(v);
            }
        }
    }

    /// The two entries that show probes `a` and `b` running concurrently, if the run did.
    pub fn concurrent(&self, a: u32, b: u32) -> Option<(Visit, Visit)> {
        self.concurrent.get(&(a.min(b), a.max(b))).copied()
    }

    /// Every pair of probes seen running concurrently, with its two entries.
    pub fn pairs(&self) -> impl Iterator<Item = ((u32, u32), (Visit, Visit))> + '_ {
        self.concurrent.iter().map(|(k, v)| (*k, *v))
    }

    /// Merge another trace's probes (one trace per process; sites are shared).
    pub fn merge(&mut self, other: Probes) {
        for (i, w) in other.ran.iter().enumerate() {
            if i >= self.ran.len() {
                self.ran.resize(i + 1, 0);
            }
            self.ran[i] |= w;
        }
        for (k, v) in other.concurrent {
            self.concurrent.entry(k).or_insert(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visit(site: u32, slot: u32, clock: u32) -> Visit {
        Visit { site, slot, gid: slot + 1, clock, stack: 0 }
    }

    #[test]
    fn unordered_entries_of_two_goroutines_are_concurrent() {
        let mut p = Probes::default();
        p.enter(visit(7, 1, 1), &[1, 1, 0]);
        // Slot 2 knows slot 1 only up to clock 0: the entry at clock 1 is unordered with it.
        p.enter(visit(7, 2, 1), &[1, 0, 1]);
        assert_eq!(p.concurrent(7, 7).map(|(a, b)| (a.slot, b.slot)), Some((1, 2)));
    }

    #[test]
    fn an_entry_ordered_before_the_other_is_not_concurrent() {
        let mut p = Probes::default();
        p.enter(visit(7, 1, 3), &[1, 3, 0]);
        p.enter(visit(8, 2, 1), &[1, 3, 1]);
        assert_eq!(p.concurrent(7, 8), None);
        // Its own earlier entry proves nothing; slot 2's entry, which it has learnt of, neither.
        p.enter(visit(8, 1, 4), &[1, 4, 1]);
        assert_eq!(p.concurrent(8, 8), None);
    }

    #[test]
    fn ran_sites_and_merge() {
        let mut a = Probes::default();
        a.ran(3);
        let mut b = Probes::default();
        b.ran(130);
        b.enter(visit(1, 1, 1), &[0, 1]);
        b.enter(visit(1, 2, 1), &[0, 0, 1]);
        a.merge(b);
        assert!(a.has_run(3) && a.has_run(130) && !a.has_run(4));
        assert!(a.concurrent(1, 1).is_some());
    }
}
