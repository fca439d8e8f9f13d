//! Hash-consing of the lock sets, ordering sets and instance scope lists that summaries keep: each distinct value
//! once per run. A walk shares a set among the accesses it records under the same locks or
//! ordering, and a call among the copies it makes, but walks and calls make the same
//! values again and again (nats-server kept 1.9 million lock sets of which most repeat,
//! and four times as many ordering-set objects as distinct ones). Values only, never
//! meaning: a set is replaced by an equal one, so nothing an analysis reads changes.

use std::rc::Rc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::summary::{Access, LockSet, Shared, SyncSet};

#[derive(Default)]
pub struct Interner {
    locks: FxHashSet<LockSet>,
    sets: FxHashSet<SyncSet>,
    scopes: FxHashSet<Rc<[u32]>>,
}

impl Interner {
    /// Make the accesses' lock and ordering sets the run's canonical copies. Only for
    /// summaries kept to the end of the run: the table keeps every value it saw alive.
    pub fn accesses(&mut self, accesses: &mut [Access]) {
        // By allocation first: a summary's accesses share a few allocations, each looked
        // up (hashed, compared) once.
        let mut locks = FxHashMap::default();
        let mut sets = FxHashMap::default();
        let mut scopes = FxHashMap::default();
        for a in accesses {
            a.instance_scopes = canonical(&mut scopes, &mut self.scopes, &a.instance_scopes);
            a.locks = canonical(&mut locks, &mut self.locks, &a.locks);
            a.acq = canonical(&mut sets, &mut self.sets, &a.acq);
            a.rel = canonical(&mut sets, &mut self.sets, &a.rel);
        }
    }
}

/// The table's copy of `v`'s value (`v` itself, entered, when new). `seen` holds each input
/// alive, so that its address names it while the summary is interned.
fn canonical<T>(seen: &mut FxHashMap<usize, (T, T)>, table: &mut FxHashSet<T>, v: &T) -> T
where
    T: Shared + Eq + std::hash::Hash,
{
    let id = v.identity();
    if id == 0 {
        return v.clone();
    }
    if let Some((_, c)) = seen.get(&id) {
        return c.clone();
    }
    let c = match table.get(v) {
        Some(c) => c.clone(),
        None => {
            table.insert(v.clone());
            v.clone()
        }
    };
    seen.insert(id, (v.clone(), c.clone()));
    c
}
