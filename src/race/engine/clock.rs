//! Vector clocks (ThreadSanitizer's `tsan_vector_clock.h`) and the clocks synchronisation
//! objects hold (`tsan_sync.h`).
//!
//! A clock has one component per slot (see `goroutines`), at most `SLOTS` of them. Every
//! goroutine has three clocks (the engine's doc says which edges each one follows) sharing the
//! goroutine's own component, so an epoch `(slot, clock)` compares against any of them.
//!
//! An object released by a goroutine holds a [`SyncClock::Snap`]: a shared copy of the
//! goroutine's clocks plus its own component at the release. The goroutine keeps that copy
//! while nothing but its own component changes, so the many objects one goroutine releases
//! between two of its acquisitions (an atomic per request, a sync.Map key per entry) share one
//! copy: 24 bytes each instead of three clocks. Acquiring a goroutine's own snapshot back is
//! free.

use std::rc::Rc;

/// Component `i` of a vector clock (0 past its end).
#[inline]
pub(crate) fn get(vc: &[u32], i: u32) -> u32 {
    vc.get(i as usize).copied().unwrap_or(0)
}

/// `into ⊔= from`; whether `into` grew.
#[inline]
pub(super) fn join(into: &mut Vec<u32>, from: &[u32]) -> bool {
    if into.len() < from.len() {
        into.resize(from.len(), 0);
    }
    // Branch-free so that it vectorises: these are the engine's widest loops.
    let mut grew = false;
    for (a, &b) in into.iter_mut().zip(from) {
        grew |= b > *a;
        *a = (*a).max(b);
    }
    grew
}

/// `a ≤ b` component-wise.
#[inline]
pub(super) fn leq(a: &[u32], b: &[u32]) -> bool {
    let n = a.len().min(b.len());
    let mut ok = true;
    for (&x, &y) in a[..n].iter().zip(&b[..n]) {
        ok &= x <= y;
    }
    ok && a[n..].iter().all(|&x| x == 0)
}

/// Raises component `i` of `vc` to `v`; whether it grew.
#[inline]
fn raise(vc: &mut Vec<u32>, i: u32, v: u32) -> bool {
    let i = i as usize;
    if vc.len() <= i {
        vc.resize(i + 1, 0);
    }
    let grew = v > vc[i];
    vc[i] = vc[i].max(v);
    grew
}

/// A goroutine's three clocks (or an object's copy of them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Clocks {
    /// All happens-before edges.
    pub(super) c: Vec<u32>,
    /// Without lock edges.
    pub(super) cnl: Vec<u32>,
    /// Without lock edges and sync.Map's per-key edges: the structural order.
    pub(super) cs: Vec<u32>,
}

impl Clocks {
    /// The same clock three times (a goroutine ordered after everything so far).
    pub(super) fn uniform(c: Vec<u32>) -> Clocks {
        Clocks { cnl: c.clone(), cs: c.clone(), c }
    }

    fn join(&mut self, from: &Clocks, edge: Edge) -> bool {
        let mut grew = join(&mut self.c, &from.c);
        if edge != Edge::Lock {
            grew |= join(&mut self.cnl, &from.cnl);
        }
        if edge == Edge::Structural {
            grew |= join(&mut self.cs, &from.cs);
        }
        grew
    }

    fn raise(&mut self, slot: u32, epoch: u32, edge: Edge) -> bool {
        let mut grew = raise(&mut self.c, slot, epoch);
        if edge != Edge::Lock {
            grew |= raise(&mut self.cnl, slot, epoch);
        }
        if edge == Edge::Structural {
            grew |= raise(&mut self.cs, slot, epoch);
        }
        grew
    }

    fn leq(&self, other: &Clocks, edge: Edge) -> bool {
        leq(&self.c, &other.c) && (edge == Edge::Lock || leq(&self.cnl, &other.cnl)) && (edge != Edge::Structural || leq(&self.cs, &other.cs))
    }

    fn copy_from(&mut self, from: &Clocks, edge: Edge) {
        self.c.clone_from(&from.c);
        if edge != Edge::Lock {
            self.cnl.clone_from(&from.cnl);
        }
        if edge == Edge::Structural {
            self.cs.clone_from(&from.cs);
        }
    }
}

/// Which of the three clocks an edge carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Edge {
    /// A lock: `c` only.
    Lock,
    /// sync.Map's per-key order: `c` and `cnl`.
    Key,
    /// Goroutine start, channels, WaitGroup, Once, Cond, atomics: all three.
    Structural,
}

/// A goroutine's clocks, its own slot, and the shared copy it hands out at releases.
#[derive(Debug, Default)]
pub(super) struct ThreadClock {
    pub(super) clocks: Clocks,
    /// The slot whose component is this goroutine's own (`goroutines::DETACHED` when none).
    pub(super) slot: u32,
    /// Equal to `clocks` but for the own component (which only grows): valid until an
    /// acquisition or a change of slot changes another component.
    snap: Option<Rc<Clocks>>,
}

impl ThreadClock {
    pub(super) fn new(clocks: Clocks, slot: u32) -> ThreadClock {
        ThreadClock { clocks, slot, snap: None }
    }

    /// The own component: the epoch of this goroutine's next access.
    #[inline]
    pub(super) fn own(&self) -> u32 {
        get(&self.clocks.c, self.slot)
    }

    /// A new epoch after a release: what follows is not ordered before what was released.
    #[inline]
    pub(super) fn tick(&mut self) {
        let i = self.slot as usize;
        let next = self.clocks.c[i] + 1;
        self.clocks.c[i] = next;
        self.clocks.cnl[i] = next;
        self.clocks.cs[i] = next;
    }

    /// Takes `slot` as own component, starting at `epoch`.
    pub(super) fn attach(&mut self, slot: u32, epoch: u32) {
        self.slot = slot;
        self.clocks.raise(slot, epoch, Edge::Structural);
        self.snap = None;
    }

    fn snapshot(&mut self) -> Rc<Clocks> {
        Rc::clone(self.snap.get_or_insert_with(|| Rc::new(self.clocks.clone())))
    }

    fn is_snapshot(&self, base: &Rc<Clocks>) -> bool {
        self.snap.as_ref().is_some_and(|s| Rc::ptr_eq(s, base))
    }

    /// `self ⊔= s` over the clocks `edge` carries.
    pub(super) fn acquire(&mut self, s: &SyncClock, edge: Edge) {
        let grew = match s {
            // Released by this goroutine since its clocks last changed: already included.
            SyncClock::Snap { base, .. } if self.is_snapshot(base) => false,
            SyncClock::Snap { base, slot, epoch } => self.clocks.join(base, edge) | self.clocks.raise(*slot, *epoch, edge),
            SyncClock::Full(f) => self.clocks.join(f, edge),
        };
        if grew {
            self.snap = None;
        }
    }

    fn released(&mut self) -> SyncClock {
        SyncClock::Snap { base: self.snapshot(), slot: self.slot, epoch: self.own() }
    }
}

/// What a synchronisation object knows: the join of the clocks released into it.
#[derive(Debug)]
pub(super) enum SyncClock {
    /// One goroutine's clocks at its release: `base` with component `slot` raised to `epoch`.
    Snap { base: Rc<Clocks>, slot: u32, epoch: u32 },
    /// A join of several goroutines' releases, owned by the object.
    Full(Box<Clocks>),
}

impl SyncClock {
    /// A new object's clock after `t` released into it.
    pub(super) fn new(t: &mut ThreadClock) -> SyncClock {
        t.released()
    }

    /// `self ⊔= t` over the clocks `edge` carries; whether `self` was already ≤ `t` (it then
    /// equals `t` on those clocks).
    pub(super) fn release(&mut self, t: &mut ThreadClock, edge: Edge) -> bool {
        match self {
            SyncClock::Snap { base, .. } if t.is_snapshot(base) => {
                *self = t.released();
                true
            }
            SyncClock::Full(f) if f.leq(&t.clocks, edge) => {
                // Overwritten in place: an object synchronising goroutines in turn (a mutex, a
                // channel between two goroutines) keeps its allocation.
                f.copy_from(&t.clocks, edge);
                true
            }
            SyncClock::Full(f) => {
                f.join(&t.clocks, edge);
                false
            }
            SyncClock::Snap { base, slot, epoch } => {
                let below = get(&t.clocks.c, *slot) >= *epoch && base.leq(&t.clocks, edge);
                if below {
                    *self = t.released();
                } else {
                    let mut full = Clocks::clone(base);
                    full.raise(*slot, *epoch, edge);
                    full.join(&t.clocks, edge);
                    *self = SyncClock::Full(Box::new(full));
                }
                below
            }
        }
    }

    /// Overwrites `self` with `t`'s clocks (the caller knows `self ≤ t`).
    pub(super) fn assign(&mut self, t: &mut ThreadClock, edge: Edge) {
        match self {
            SyncClock::Full(f) => f.copy_from(&t.clocks, edge),
            SyncClock::Snap { .. } => *self = t.released(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread(c: &[u32], slot: u32) -> ThreadClock {
        ThreadClock::new(Clocks::uniform(c.to_vec()), slot)
    }

    #[test]
    fn releases_share_the_goroutine_copy_until_it_acquires() {
        let mut a = thread(&[3, 0], 0);
        let s1 = SyncClock::new(&mut a);
        a.tick();
        let s2 = SyncClock::new(&mut a);
        let (SyncClock::Snap { base: b1, epoch: e1, .. }, SyncClock::Snap { base: b2, epoch: e2, .. }) = (&s1, &s2) else { panic!("snapshots") };
        assert!(Rc::ptr_eq(b1, b2) && (*e1, *e2) == (3, 4));
        // Its own releases add nothing back.
        a.acquire(&s1, Edge::Structural);
        assert!(a.is_snapshot(b1));
        // Another goroutine learns the epoch of the release, not of later events.
        let mut b = thread(&[0, 5], 1);
        b.acquire(&s1, Edge::Structural);
        assert_eq!(b.clocks.c, vec![3, 5]);
        let from_b = SyncClock::new(&mut b);
        a.acquire(&from_b, Edge::Structural);
        assert_eq!(a.clocks.c, vec![4, 5]);
        assert!(a.snap.is_none(), "an acquisition that adds something drops the copy");
    }

    #[test]
    fn joins_of_two_goroutines_and_partial_edges() {
        let mut a = thread(&[2, 0, 0], 0);
        let mut b = thread(&[0, 7, 0], 1);
        let mut s = SyncClock::new(&mut a);
        assert!(!s.release(&mut b, Edge::Structural), "a's release is not below b");
        let mut c = thread(&[0, 0, 1], 2);
        c.acquire(&s, Edge::Structural);
        assert_eq!(c.clocks.cs, vec![2, 7, 1]);
        // A lock edge reaches `c` only; a key edge `c` and `cnl`.
        let mut d = thread(&[0, 0, 0, 1], 3);
        d.acquire(&s, Edge::Lock);
        assert_eq!((d.clocks.c.as_slice(), d.clocks.cnl.as_slice()), (&[2, 7, 0, 1][..], &[0, 0, 0, 1][..]));
        d.acquire(&s, Edge::Key);
        assert_eq!((d.clocks.cnl.as_slice(), d.clocks.cs.as_slice()), (&[2, 7, 0, 1][..], &[0, 0, 0, 1][..]));
        // c has learnt everything in s: its release replaces s.
        c.tick();
        assert!(s.release(&mut c, Edge::Structural));
        assert!(leq(&[2, 7, 2], &c.clocks.c) && c.clocks.c == vec![2, 7, 2]);
    }

    #[test]
    fn clock_helpers() {
        let mut v = vec![1, 5];
        assert!(join(&mut v, &[2, 3, 4]));
        assert_eq!(v, vec![2, 5, 4]);
        assert!(!join(&mut v, &[1]));
        assert!(leq(&[1, 2], &[1, 2, 3]) && !leq(&[1, 2, 1], &[1, 2]) && leq(&[1, 0, 0], &[1]));
        assert_eq!(get(&v, 9), 0);
    }
}
