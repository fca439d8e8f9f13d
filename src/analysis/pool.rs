//! The entry walk's pool: accesses of goroutines, from any walk, on maps named for every
//! instance of a type (`Access::typed`). The entry methods meet them there: a constructor's
//! refresh loop runs alongside every later call of the type's methods.
//!
//! Bounded (memory: the entry walk holds the whole pool), fairly: each abstract access once
//! (the same goroutine access is offered again by every walk that instantiates its function,
//! each caller up the chain), and a share per type, so that the types whose goroutines are
//! walked first do not crowd out the others. One module's goroutines offered 390k distinct
//! accesses; the types walked last were silently missing before the shares.

use rustc_hash::{FxHashMap, FxHashSet};

use super::budget;
use super::path::Root;
use super::summary::Access;

const MAX_POOL: usize = 20_000;
const MAX_POOL_PER_TYPE: usize = 2_000;

#[derive(Default)]
pub(super) struct Pool {
    accesses: Vec<Access>,
    /// `budget::pool_key` of every pooled access.
    seen: FxHashSet<u64>,
    per_type: FxHashMap<Root, usize>,
    /// Offers past the bounds, copies included (reported as a budget).
    dropped: usize,
}

impl Pool {
    pub(super) fn offer(&mut self, a: Access) {
        let per_type = self.per_type.entry(a.path.root.clone()).or_default();
        if self.accesses.len() >= MAX_POOL || *per_type >= MAX_POOL_PER_TYPE {
            self.dropped += 1;
            return;
        }
        if self.seen.insert(budget::pool_key(&a)) {
            *per_type += 1;
            self.accesses.push(a);
        }
    }

    /// The pooled accesses, for the entry walk (the pool is empty after).
    pub(super) fn take(&mut self) -> Vec<Access> {
        std::mem::take(&mut self.accesses)
    }

    pub(super) fn clear(&mut self) {
        self.accesses.clear();
    }

    pub(super) fn dropped(&self) -> usize {
        self.dropped
    }
}
