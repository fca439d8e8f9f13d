//! `AddrMap`, the engine's hash table from addresses and key hashes to states: open
//! addressing with linear probing over one array of `(key, value)` slots. Unlike `HashMap`,
//! the slot a key starts at is known without touching the table, so the engine can ask for it
//! ahead (`prefetch`) while the reader is still a few records behind. On std expvar's
//! benchmarks (54,000 sync objects, a new one every few records at an address Go's allocator
//! reused), a release waited about 350 cycles for its object's slot in a `HashMap`.
//!
//! A slot is empty when its value says so (`Vacant`), not through an `Option` around the
//! pair: a map's key table holds two indices per key, 16-byte slots instead of 40, so that
//! a map's keys take fewer cache lines to look up, fill and empty.

use std::hash::Hasher;

use super::IdHasher;

/// A value type with one value that marks an empty slot (never stored as a value).
pub(super) trait Vacant {
    const VACANT: Self;
    fn is_vacant(&self) -> bool;
}

impl<T> Vacant for Option<T> {
    const VACANT: Self = None;
    #[inline]
    fn is_vacant(&self) -> bool {
        self.is_none()
    }
}

pub(super) struct AddrMap<V: Vacant> {
    /// A slot whose value is vacant is empty; the length is 0 or a power of two.
    slots: Vec<(u64, V)>,
    len: usize,
}

impl<V: Vacant> Default for AddrMap<V> {
    fn default() -> Self {
        AddrMap { slots: Vec::new(), len: 0 }
    }
}

#[inline]
fn hash(k: u64) -> usize {
    let mut h = IdHasher::default();
    h.write_u64(k);
    h.finish() as usize
}

impl<V: Vacant> AddrMap<V> {
    #[inline]
    fn mask(&self) -> usize {
        self.slots.len().wrapping_sub(1)
    }

    /// The slot holding `k`, or the empty slot where it would go; None if the table is empty.
    #[inline]
    fn find(&self, k: u64) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.mask();
        let mut i = hash(k) & mask;
        loop {
            let (key, v) = &self.slots[i];
            if *key == k || v.is_vacant() {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    #[inline]
    pub(super) fn get(&self, k: u64) -> Option<&V> {
        let i = self.find(k)?;
        let v = &self.slots[i].1;
        (!v.is_vacant()).then_some(v)
    }

    #[inline]
    pub(super) fn get_mut(&mut self, k: u64) -> Option<&mut V> {
        let i = self.find(k)?;
        let v = &mut self.slots[i].1;
        (!v.is_vacant()).then_some(v)
    }

    /// `k`'s value, made by `make` (never vacant) if absent.
    #[inline]
    pub(super) fn get_or_insert_with(&mut self, k: u64, make: impl FnOnce() -> V) -> &mut V {
        let i = self.index_or_insert(k, make);
        self.at(i)
    }

    /// The slot of `k`'s value, made by `make` if absent: valid for `at` until the next
    /// insertion or `retain`.
    #[inline]
    pub(super) fn index_or_insert(&mut self, k: u64, make: impl FnOnce() -> V) -> usize {
        match self.find(k) {
            Some(i) if !self.slots[i].1.is_vacant() => i,
            _ => self.insert_new(k, make()),
        }
    }

    /// The value in slot `i` (from `index_or_insert`).
    #[inline]
    pub(super) fn at(&mut self, i: usize) -> &mut V {
        let v = &mut self.slots[i].1;
        debug_assert!(!v.is_vacant(), "a slot index_or_insert gave");
        v
    }

    /// Inserts `k` (absent) with `v` (not vacant); its slot.
    fn insert_new(&mut self, k: u64, v: V) -> usize {
        debug_assert!(!v.is_vacant());
        // At most half full: probes stay short.
        if 2 * (self.len + 1) > self.slots.len() {
            self.grow();
        }
        let i = self.find(k).expect("not empty after grow");
        self.slots[i] = (k, v);
        self.len += 1;
        i
    }

    #[cold]
    fn grow(&mut self) {
        let n = (2 * self.slots.len()).max(8);
        self.rebuild(n);
    }

    /// Moves every entry into a table of `n` slots.
    fn rebuild(&mut self, n: usize) {
        let old = std::mem::replace(&mut self.slots, std::iter::repeat_with(|| (0, V::VACANT)).take(n).collect());
        for (k, v) in old {
            if !v.is_vacant() {
                let i = self.find(k).expect("not empty");
                self.slots[i] = (k, v);
            }
        }
    }

    /// Fetches the line `k`'s probe starts at (a hint: reads nothing).
    #[inline]
    pub(super) fn prefetch(&self, k: u64) {
        if !self.slots.is_empty() {
            super::prefetch(self.slots.as_ptr().wrapping_add(hash(k) & self.mask()));
        }
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Entries it holds before it grows.
    pub(super) fn capacity(&self) -> usize {
        self.slots.len() / 2
    }

    /// Empties it (keeping its allocation) without reading it: values need no dropping.
    pub(super) fn clear(&mut self)
    where
        V: Copy,
    {
        if self.len > 0 {
            self.slots.fill((0, V::VACANT));
        }
        self.len = 0;
    }

    pub(super) fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.slots.iter_mut().filter(|(_, v)| !v.is_vacant()).map(|(_, v)| v)
    }

    #[cfg(test)]
    pub(super) fn keys(&self) -> impl Iterator<Item = u64> + '_ {
        self.slots.iter().filter(|(_, v)| !v.is_vacant()).map(|(k, _)| *k)
    }

    /// Keeps the entries `keep` accepts.
    pub(super) fn retain(&mut self, mut keep: impl FnMut(&mut V) -> bool) {
        let before = self.len;
        for (_, v) in &mut self.slots {
            if !v.is_vacant() && !keep(v) {
                *v = V::VACANT;
                self.len -= 1;
            }
        }
        // Emptied slots break probe sequences: the survivors are placed again.
        if self.len != before {
            self.rebuild(self.slots.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_as_a_map() {
        let mut m: AddrMap<Option<u64>> = AddrMap::default();
        let mut reference = std::collections::HashMap::new();
        // Keys that collide in the low bits, 0 included.
        for i in 0..2000u64 {
            let k = (i % 700) << 20;
            *m.get_or_insert_with(k, || Some(0)).as_mut().unwrap() += i;
            *reference.entry(k).or_insert(0) += i;
        }
        assert_eq!(m.len(), reference.len());
        m.retain(|v| v.unwrap() % 3 != 0);
        reference.retain(|_, v| *v % 3 != 0);
        assert_eq!(m.len(), reference.len());
        for k in 0..800u64 {
            assert_eq!(m.get(k << 20).map(|v| v.unwrap()), reference.get(&(k << 20)).copied());
        }
        *m.get_mut(reference.keys().next().copied().unwrap()).unwrap().as_mut().unwrap() += 1;
        assert_eq!(m.keys().count(), reference.len());
        m.clear();
        assert_eq!((m.len(), m.get(0), m.keys().count()), (0, None, 0));
    }
}
