//! Shadow state (ThreadSanitizer's `tsan_shadow.h`): per map object, the accesses remembered
//! for the race check; per (map, key), those remembered for check-then-act; how inner maps were
//! reached.

use super::*;
use super::goroutines::*;
use super::lockset::*;
use super::sync::*;

#[derive(Default)]
pub(super) struct KeyState {
    pub(super) last_read: Vec<Access>,
    pub(super) writes: Vec<Access>,
    /// (check, act) pairs of one goroutine not inside one critical section.
    pub(super) pairs: Vec<(Access, Access)>,
}

pub(super) struct MapState {
    pub(super) alloc_site: Option<u32>,
    /// The goroutine that made or first touched the map, until another one touches it.
    pub(super) owner: Option<u32>,
    pub(super) shared: bool,
    /// Each goroutine's latest access to the map.
    pub(super) last_access: Vec<LastAccess>,
    pub(super) shadow: Vec<Access>,
    /// A lock every access in `shadow` holds in write mode, 0 if none known.
    pub(super) guard: u64,
    /// Key-level state: `key_index` maps a key hash to its index in `key_states`.
    pub(super) key_index: IdMap<u64, u32>,
    pub(super) key_states: Vec<KeyState>,
    /// The key of the latest key-level access and its index (`NONE` if none): a write
    /// usually follows a read of the same key.
    pub(super) last_key: (u64, u32),
}

impl Default for MapState {
    fn default() -> MapState {
        MapState {
            alloc_site: None,
            owner: None,
            shared: false,
            last_access: Vec::new(),
            shadow: Vec::new(),
            guard: 0,
            key_index: IdMap::default(),
            key_states: Vec::new(),
            last_key: (0, NONE),
        }
    }
}

impl MapState {
    #[inline]
    pub(super) fn key_state(&mut self, k: u64) -> &mut KeyState {
        let i = if self.last_key.0 == k && self.last_key.1 != NONE {
            self.last_key.1
        } else {
            let i = match self.key_index.get(&k) {
                Some(&i) => i,
                None => {
                    let i = self.key_states.len() as u32;
                    self.key_states.push(KeyState::default());
                    self.key_index.insert(k, i);
                    i
                }
            };
            self.last_key = (k, i);
            i
        };
        &mut self.key_states[i as usize]
    }
}

/// A goroutine's two latest maps (address, index in `Engine::map_states`): accesses alternate
/// between few maps, and a hit saves a hash lookup.
#[derive(Clone, Copy)]
pub(super) struct MapCache([(u64, u32); 2]);

impl Default for MapCache {
    fn default() -> MapCache {
        MapCache([(0, NONE); 2])
    }
}

/// A goroutine's latest access to a map.
pub(super) struct LastAccess {
    pub(super) goroutine: u32,
    /// Its event number.
    pub(super) seq: u64,
    /// The locks it held at its latest access made under a lock.
    pub(super) locked: LockSet,
}

/// How an inner map was reached: (outer map, low bits of the key hash).
#[derive(Default)]
pub(super) struct InnerMap {
    pub(super) paths: Vec<(u64, u32)>,
}

impl Engine {
    /// The index of map `addr`'s state (made if new), through goroutine `g`'s cache.
    #[inline]
    pub(super) fn map_state(&mut self, g: u32, addr: u64) -> usize {
        let cache = &mut self.threads[g as usize].maps.0;
        if cache[0].0 == addr && cache[0].1 != NONE {
            return cache[0].1 as usize;
        }
        if cache[1].0 == addr && cache[1].1 != NONE {
            cache.swap(0, 1);
            return cache[0].1 as usize;
        }
        let i = match self.map_index.get(&addr) {
            Some(&i) => i,
            None => {
                let i = self.map_states.len() as u32;
                self.map_states.push(MapState::default());
                self.map_index.insert(addr, i);
                i
            }
        };
        cache[1] = cache[0];
        cache[0] = (addr, i);
        i as usize
    }
}

/// Conflicts of `acc` with the map's remembered accesses: (earlier access, observed?).
///
/// The shadow keeps, per goroutine, its latest read and its latest write. A write drops the
/// goroutine's own entries and every entry it is `cnl`-ordered after (it subsumes them), and is
/// appended; a read replaces the goroutine's previous read in place, or is appended. When the
/// shadow is full the oldest entry goes. One pass over the shadow does the check and the
/// compaction.
pub(super) fn race_check(t: &Thread, ms: &mut MapState, acc: &Access, found: &mut Vec<(Access, bool)>) {
    let g = acc.goroutine;
    let shadow = &mut ms.shadow;
    // Every remembered access holds `guard` in write mode: an access holding it too is
    // protected against all of them, and only the shadow's upkeep is left to do.
    let guarded = ms.guard != 0 && acc.held.holds(ms.guard);
    if acc.writes() {
        // The new guard: a lock this write holds in write mode that every kept access holds in
        // write mode too (the old guard, if this write holds it so: kept accesses are a subset).
        let (candidate, known) = if ms.guard != 0 && acc.held.holds_write(ms.guard) {
            (ms.guard, true)
        } else {
            (acc.held.write_lock(), false)
        };
        let mut all_hold = candidate != 0;
        let mut kept = 0;
        for i in 0..shadow.len() {
            let prev = &shadow[i];
            if prev.goroutine == g || prev.clock <= get(&t.cnl, prev.goroutine) {
                continue;
            }
            if !guarded && !protected(&prev.held, &acc.held) {
                found.push((*prev, prev.clock > get(&t.c, prev.goroutine)));
            }
            if !known && all_hold {
                all_hold = prev.held.holds_write(candidate);
            }
            if kept != i {
                shadow[kept] = shadow[i];
            }
            kept += 1;
        }
        shadow.truncate(kept);
        if kept >= SHADOW_LIMIT {
            shadow.remove(0);
        }
        shadow.push(*acc);
        ms.guard = if all_hold { candidate } else { 0 };
    } else {
        let mut own = None;
        if guarded {
            own = shadow.iter().position(|p| p.goroutine == g && !p.writes());
        } else {
            for (i, prev) in shadow.iter().enumerate() {
                if prev.goroutine == g {
                    if !prev.writes() {
                        own = Some(i);
                    }
                    continue;
                }
                if !prev.writes() || prev.clock <= get(&t.cnl, prev.goroutine) || protected(&prev.held, &acc.held) {
                    continue;
                }
                found.push((*prev, prev.clock > get(&t.c, prev.goroutine)));
            }
        }
        match own {
            Some(i) => shadow[i] = *acc,
            None => {
                if shadow.len() >= SHADOW_LIMIT {
                    shadow.remove(0);
                }
                shadow.push(*acc);
            }
        }
        if ms.guard != 0 && !acc.held.holds_write(ms.guard) {
            ms.guard = 0;
        }
    }
}
