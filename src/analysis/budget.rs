//! Budgets: bounded work and memory on any input, never a hang. Both are counted in work
//! units (accesses), not in seconds, so a run's findings do not depend on the machine or its
//! load. When a budget is exceeded the analysis says where, takes a cheaper abstraction there,
//! and goes on; `--stats` lists what fired.
//!
//! - Per function: the accesses a walk copies from its callees' summaries. Past
//!   `MAX_WALK_WORK`, the walk's remaining calls apply their callees' lock, ordering and
//!   return effects but not their accesses (the callees' own pair checks still ran).
//! - Per run: the accesses kept in summaries. Past `MAX_KEPT_ACCESSES`, each further summary
//!   keeps one access per abstract access (site, kind, path, goroutine, key, locks and how it
//!   was reached): the copies that differed only in their ordering context or call are merged
//!   into the first.
//! - Per summary: the accesses it keeps (`walk::MAX_ACCESSES`), the first ones. The entry
//!   walk gives each entry that bound of its own, under `MAX_ENTRY_ACCESSES` in all: with one
//!   bound for the whole walk, the types walked last were silently left out of large modules.
//! - The entry walk's pool of goroutine accesses on every instance of a type: each abstract
//!   access once (`pool_key`), a share per type, a bound in all (`analysis/pool.rs`).
//!
//! The work limits sit above what every module of the evaluation set needs (eval/realworld),
//! so they fire only where the exact analysis would not fit: go-ethereum copies at most 18k
//! accesses in one function's walk and keeps about 2M. The summary and pool bounds do fire
//! on the largest modules (nats-server, seaweedfs); `--stats` names each summary cut and
//! counts the pool's overflow. They are set by peak memory: with 200k accesses in its entry
//! walk nats-server peaked at 1.2 GiB (50k: 1000 MiB; the budget is 1 GiB).

use std::hash::{Hash, Hasher};

use super::summary::Access;

/// Accesses one walk may copy from its callees' summaries.
pub const MAX_WALK_WORK: u64 = 100_000;

/// The same for the entry walk, which copies the summaries of every method that runs
/// concurrently in the module (go-ethereum's copies more than 100k).
pub const MAX_ENTRY_WALK_WORK: u64 = 1_000_000;

/// Accesses the entry walk may keep over all its entries (each entry gets up to the
/// per-function bound of its own).
pub const MAX_ENTRY_ACCESSES: usize = 50_000;

/// Accesses all summaries together may keep before new summaries are merged.
pub const MAX_KEPT_ACCESSES: usize = 3_000_000;

/// What fired, for `--stats`.
#[derive(Clone, Debug, Default)]
pub struct BudgetReport {
    /// Functions whose walk stopped copying callee accesses (display name, file).
    pub walks_cut: Vec<String>,
    /// Functions (or entries of the entry walk) whose summary reached its size bound and
    /// kept its first accesses only.
    pub summaries_capped: Vec<String>,
    /// Goroutine accesses on maps of every instance of a type past the pool's bound, which
    /// the entry methods did not meet.
    pub unpooled: usize,
    /// Summaries merged under the memory budget.
    pub summaries_merged: usize,
    /// Accesses those merges removed.
    pub accesses_merged: usize,
}

impl BudgetReport {
    pub fn fired(&self) -> bool {
        !self.walks_cut.is_empty() || !self.summaries_capped.is_empty() || self.unpooled > 0 || self.summaries_merged > 0
    }
}

/// Keep the first access of each abstract access (see the module documentation); returns
/// how many were removed.
pub fn merge_accesses(accesses: &mut Vec<Access>) -> usize {
    let before = accesses.len();
    let mut seen = rustc_hash::FxHashSet::default();
    accesses.retain(|a| seen.insert(abstract_key(a)));
    accesses.shrink_to_fit();
    before - accesses.len()
}

/// Everything the entry walk reads of a pooled goroutine access (its origin is reset there):
/// the same goroutine access is pooled again from every walk that instantiates its function,
/// each caller up the chain, and one module's pool held 90k accesses, mostly such copies.
pub fn pool_key(a: &Access) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (abstract_key(a), &a.rel, &a.acq, &a.instance_scopes).hash(&mut h);
    h.finish()
}

/// Everything the rules read of one side, except its ordering sets and which call it came
/// through.
fn abstract_key(a: &Access) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (a.site, a.kind, &a.path, a.thread, &a.key, a.lazy_check, a.lazy_covered, a.fresh_value, a.copied, a.respawned).hash(&mut h);
    (&a.typed, std::mem::discriminant(&a.via), a.value_from.is_some(), a.value_param, &a.conds, a.per_receive).hash(&mut h);
    for l in a.locks.iter() {
        (&l.lock, l.mode, &l.class, l.once).hash(&mut h);
    }
    h.finish()
}
