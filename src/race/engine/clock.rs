//! Vector clocks (ThreadSanitizer's `tsan_vector_clock.h`) and the clocks synchronisation
//! objects hold (`tsan_sync.h`).
//!
//! A clock has one component per slot (see `goroutines`), at most `SLOTS` of them. Every
//! goroutine has three clocks (the engine's doc says which edges each one follows) sharing the
//! goroutine's own component, so an epoch `(slot, clock)` compares against any of them. The
//! three live in one allocation, `c | cnl | cs`, each as wide as the slots in use (rounded up).
//!
//! An object released by a goroutine holds a [`SyncClock::Snap`]: a shared copy of the
//! goroutine's clocks plus its own component at the release. The goroutine keeps that copy
//! while nothing but its own component changes, so the many objects one goroutine releases
//! between two of its acquisitions (an atomic per request, a sync.Map key per entry) share one
//! copy: 24 bytes each instead of three clocks. Acquiring a goroutine's own snapshot back is
//! free. An object two goroutines released into holds its own join ([`SyncClock::Full`]), which
//! later releases update in place.

use std::rc::Rc;

/// Component `i` of a vector clock (0 past its end).
#[inline]
pub(crate) fn get(vc: &[u32], i: u32) -> u32 {
    vc.get(i as usize).copied().unwrap_or(0)
}

/// `into ⊔= from` (as wide as each other); whether `into` grew, and whether it was ≤ `from`
/// before (it then equals `from`).
#[inline]
fn join(into: &mut [u32], from: &[u32]) -> (bool, bool) {
    // Branch-free so that it vectorises: these are the engine's widest loops.
    let (mut grew, mut below) = (false, true);
    for (a, &b) in into.iter_mut().zip(from) {
        grew |= b > *a;
        below &= *a <= b;
        *a = (*a).max(b);
    }
    (grew, below)
}

/// Clock widths are multiples of this, so that they change rarely and vectorise whole.
const WIDTH_STEP: usize = 16;

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

impl Edge {
    /// How many of `c | cnl | cs` the edge carries.
    fn parts(self) -> usize {
        match self {
            Edge::Lock => 1,
            Edge::Key => 2,
            Edge::Structural => 3,
        }
    }
}

/// A goroutine's three clocks (or an object's copy of them), `c | cnl | cs` in one vector.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Clocks {
    width: usize,
    v: Vec<u32>,
}

impl Clocks {
    /// The same clock three times (a goroutine ordered after everything so far).
    pub(super) fn uniform(c: &[u32]) -> Clocks {
        let mut k = Clocks::default();
        k.widen(c.len());
        for p in 0..3 {
            k.part_mut(p)[..c.len()].copy_from_slice(c);
        }
        k
    }

    /// All happens-before edges.
    #[inline]
    pub(super) fn c(&self) -> &[u32] {
        &self.v[..self.width]
    }

    /// Without lock edges.
    #[inline]
    pub(super) fn cnl(&self) -> &[u32] {
        &self.v[self.width..2 * self.width]
    }

    /// Without lock edges and sync.Map's per-key edges: the structural order.
    #[inline]
    pub(super) fn cs(&self) -> &[u32] {
        &self.v[2 * self.width..]
    }

    #[inline]
    fn part_mut(&mut self, p: usize) -> &mut [u32] {
        &mut self.v[p * self.width..(p + 1) * self.width]
    }

    /// The first `parts` clocks.
    #[inline]
    fn parts(&self, parts: usize) -> &[u32] {
        &self.v[..parts * self.width]
    }

    /// Makes room for components up to `width` (new ones are 0).
    #[inline]
    fn widen(&mut self, width: usize) {
        if width > self.width {
            self.grow(width);
        }
    }

    #[cold]
    fn grow(&mut self, width: usize) {
        let w = width.div_ceil(WIDTH_STEP) * WIDTH_STEP;
        let mut v = vec![0; 3 * w];
        for p in 0..3 {
            v[p * w..p * w + self.width].copy_from_slice(&self.v[p * self.width..(p + 1) * self.width]);
        }
        (self.width, self.v) = (w, v);
    }

    /// `self ⊔= from` over the clocks `edge` carries: (grew, was ≤ `from` on them).
    fn join(&mut self, from: &Clocks, edge: Edge) -> (bool, bool) {
        self.widen(from.width);
        let parts = edge.parts();
        if self.width == from.width {
            return join(&mut self.v[..parts * self.width], from.parts(parts));
        }
        // Wider than `from`: its missing components are 0.
        let (mut grew, mut below) = (false, true);
        for p in 0..parts {
            let w = from.width;
            let into = self.part_mut(p);
            let (g, b) = join(&mut into[..w], &from.v[p * w..(p + 1) * w]);
            grew |= g;
            below &= b && into[w..].iter().all(|&x| x == 0);
        }
        (grew, below)
    }

    /// Raises component `slot` of the clocks `edge` carries to `epoch`; whether it grew.
    fn raise(&mut self, slot: u32, epoch: u32, edge: Edge) -> bool {
        self.widen(slot as usize + 1);
        let mut grew = false;
        for p in 0..edge.parts() {
            let x = &mut self.part_mut(p)[slot as usize];
            grew |= epoch > *x;
            *x = (*x).max(epoch);
        }
        grew
    }

    /// Raises component `slot` of the clocks `edge` carries to `from`'s.
    fn join_at(&mut self, from: &Clocks, slot: u32, edge: Edge) {
        let s = slot as usize;
        if s >= from.width {
            return;
        }
        self.widen(s + 1);
        for p in 0..edge.parts() {
            let x = &mut self.v[p * self.width + s];
            *x = (*x).max(from.v[p * from.width + s]);
        }
    }

    /// Whether `self ≤ other` on the clocks `edge` carries.
    fn leq(&self, other: &Clocks, edge: Edge) -> bool {
        (0..edge.parts()).all(|p| {
            let (a, b) = (&self.v[p * self.width..(p + 1) * self.width], &other.v[p * other.width..(p + 1) * other.width]);
            let n = a.len().min(b.len());
            a[..n].iter().zip(&b[..n]).fold(true, |ok, (x, y)| ok & (x <= y)) && a[n..].iter().all(|&x| x == 0)
        })
    }

    /// Overwrites the clocks `edge` carries with `from`'s.
    fn copy_from(&mut self, from: &Clocks, edge: Edge) {
        if self.width != from.width || edge == Edge::Structural {
            self.clone_from(from);
        } else {
            let n = edge.parts() * self.width;
            self.v[..n].copy_from_slice(&from.v[..n]);
        }
    }
}

/// The slots where a goroutine's clocks may exceed the copy it knows (`ThreadClock::known`):
/// a few, or unknown. A goroutine started by another knows its parent's copy and differs from
/// it in its own slot and the few it learns of afterwards, so joining it into an object that
/// knows the same copy touches those few components only.
#[derive(Clone, Copy, Debug, Default)]
struct Delta {
    slots: [u16; DELTA],
    /// How many of `slots` are used; `UNKNOWN` when too many or not tracked.
    len: u8,
}

const DELTA: usize = 4;
const UNKNOWN: u8 = u8::MAX;

impl Delta {
    fn unknown() -> Delta {
        Delta { slots: [0; DELTA], len: UNKNOWN }
    }

    fn slots(&self) -> Option<&[u16]> {
        (self.len != UNKNOWN).then(|| &self.slots[..self.len as usize])
    }

    fn add(&mut self, slot: u32) {
        let Some(have) = self.slots() else { return };
        if have.contains(&(slot as u16)) {
            return;
        }
        if (self.len as usize) < DELTA {
            self.slots[self.len as usize] = slot as u16;
            self.len += 1;
        } else {
            self.len = UNKNOWN;
        }
    }
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
    /// A copy `clocks` are known to be ≥ (forever: clocks only grow): the parent's at a fork,
    /// so that a goroutine acquiring what its parent released before starting it (the
    /// parent's mutex, its channel) joins nothing.
    known: Option<Rc<Clocks>>,
    /// Where `clocks` may differ from `known`.
    delta: Delta,
}

impl ThreadClock {
    pub(super) fn new(clocks: Clocks, slot: u32) -> ThreadClock {
        ThreadClock { clocks, slot, snap: None, known: None, delta: Delta::unknown() }
    }

    /// A goroutine started by this one: its clocks are this one's.
    pub(super) fn child(&mut self) -> ThreadClock {
        let (known, mut delta) = match &self.snap {
            // The copy equals these clocks but for the own component.
            Some(s) => (Some(Rc::clone(s)), Delta::default()),
            None => (self.known.clone(), self.delta),
        };
        delta.add(self.slot);
        ThreadClock { clocks: self.clocks.clone(), slot: super::goroutines::DETACHED, snap: None, known, delta }
    }

    /// The own component: the epoch of this goroutine's next access.
    #[inline]
    pub(super) fn own(&self) -> u32 {
        get(self.clocks.c(), self.slot)
    }

    /// A new epoch after a release: what follows is not ordered before what was released.
    #[inline]
    pub(super) fn tick(&mut self) {
        let (w, i) = (self.clocks.width, self.slot as usize);
        let next = self.clocks.v[i] + 1;
        for p in 0..3 {
            self.clocks.v[p * w + i] = next;
        }
    }

    /// Takes `slot` as own component, starting at `epoch`.
    pub(super) fn attach(&mut self, slot: u32, epoch: u32) {
        self.slot = slot;
        self.clocks.raise(slot, epoch, Edge::Structural);
        self.delta.add(slot);
        self.snap = None;
    }

    fn knows(&self, base: &Rc<Clocks>) -> bool {
        self.known.as_ref().is_some_and(|k| Rc::ptr_eq(k, base))
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
            // A copy these clocks are ≥: only the releaser's own component can be new.
            SyncClock::Snap { base, slot, epoch } if self.knows(base) => {
                let grew = self.clocks.raise(*slot, *epoch, edge);
                if grew {
                    self.delta.add(*slot);
                }
                grew
            }
            SyncClock::Snap { base, slot, epoch } => {
                let grew = self.clocks.join(base, edge).0 | self.clocks.raise(*slot, *epoch, edge);
                self.untracked(grew)
            }
            SyncClock::Full(f) => {
                let grew = self.clocks.join(&f.clocks, edge).0;
                self.untracked(grew)
            }
        };
        if grew {
            self.snap = None;
        }
    }

    /// After a join: if it grew, where the clocks differ from `known` is not tracked any more.
    fn untracked(&mut self, grew: bool) -> bool {
        if grew {
            self.delta = Delta::unknown();
        }
        grew
    }

    /// An object clock of its own, equal to these clocks.
    fn owned(&self) -> SyncClock {
        SyncClock::Full(Box::new(Owned { clocks: self.clocks.clone(), known: self.known.clone() }))
    }

    fn released(&mut self) -> SyncClock {
        SyncClock::Snap { base: self.snapshot(), slot: self.slot, epoch: self.own() }
    }

    /// Makes the object clock `s` equal to these clocks (on the clocks `edge` carries): sharing
    /// this goroutine's copy if it has one; else overwriting the object's copy if nobody shares
    /// it; else giving the object a copy of its own. So an object that goroutines pass back and
    /// forth (a mutex, a contended key or counter) allocates once, then is overwritten in place.
    /// `adopt`: the goroutine released `s` last too (a lock it takes again and again): an
    /// overwritten copy becomes the goroutine's, so that its next releases only share it.
    fn assign_to(&mut self, s: &mut SyncClock, edge: Edge, adopt: bool) {
        if self.snap.is_some() {
            *s = self.released();
            return;
        }
        match s {
            SyncClock::Snap { base, slot, epoch } if Rc::strong_count(base) == 1 && Rc::weak_count(base) == 0 => {
                let b = Rc::get_mut(base).expect("checked");
                if adopt {
                    b.clone_from(&self.clocks);
                    self.snap = Some(Rc::clone(base));
                } else {
                    b.copy_from(&self.clocks, edge);
                }
                (*slot, *epoch) = (self.slot, self.own());
            }
            SyncClock::Snap { .. } => *s = self.owned(),
            SyncClock::Full(f) => f.assign(self, edge),
        }
    }
}

/// What a synchronisation object knows: the join of the clocks released into it. An object is
/// always released and acquired with the same `Edge`; the clocks that edge does not carry are
/// meaningless in it.
#[derive(Debug)]
pub(super) enum SyncClock {
    /// One goroutine's clocks at its release: `base` with component `slot` raised to `epoch`.
    Snap { base: Rc<Clocks>, slot: u32, epoch: u32 },
    /// A join of several goroutines' releases, owned by the object.
    Full(Box<Owned>),
}

/// An object's own clocks, and a copy they are known to be ≥ (a goroutine that knows the same
/// copy releases into them by its few differing components).
#[derive(Debug)]
pub(super) struct Owned {
    clocks: Clocks,
    known: Option<Rc<Clocks>>,
}

impl Owned {
    /// `self ⊔= t`: (whether `self` was ≤ `t` before, when that was worked out).
    fn join(&mut self, t: &ThreadClock, edge: Edge) -> bool {
        if let (Some(k), Some(slots)) = (&self.known, t.delta.slots())
            && t.knows(k)
        {
            for &s in slots {
                self.clocks.join_at(&t.clocks, s as u32, edge);
            }
            return false;
        }
        self.clocks.join(&t.clocks, edge).1
    }

    fn assign(&mut self, t: &ThreadClock, edge: Edge) {
        self.clocks.copy_from(&t.clocks, edge);
        self.known.clone_from(&t.known);
    }
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
            // Joined in place: an object synchronising goroutines in turn (a mutex, a channel
            // between two goroutines) keeps its allocation. But one found below a goroutine
            // that has a copy of its clocks now equals that copy: it shares it and frees its
            // own, so that the goroutine's next releases into it compare one pointer instead of
            // joining a cold clock (the address of an object several goroutines released,
            // reused by Go's allocator for an object only one goroutine uses: std expvar's
            // benchmarks, a new Int per key of a new Map).
            SyncClock::Full(f) => {
                let below = f.join(t, edge);
                if below && t.snap.is_some() {
                    *self = t.released();
                }
                below
            }
            SyncClock::Snap { base, slot, epoch } => {
                let below = get(t.clocks.c(), *slot) >= *epoch && base.leq(&t.clocks, edge);
                if below {
                    t.assign_to(self, edge, false);
                } else {
                    let mut full = Clocks::clone(base);
                    full.raise(*slot, *epoch, edge);
                    full.join(&t.clocks, edge);
                    *self = SyncClock::Full(Box::new(Owned { clocks: full, known: t.known.clone() }));
                }
                below
            }
        }
    }

    /// Overwrites `self` with `t`'s clocks (the caller knows `self ≤ t`); `adopt`: `t`
    /// released `self` last too (see `ThreadClock::assign_to`).
    pub(super) fn assign(&mut self, t: &mut ThreadClock, edge: Edge, adopt: bool) {
        match self {
            SyncClock::Full(f) => f.assign(t, edge),
            SyncClock::Snap { .. } => t.assign_to(self, edge, adopt),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread(c: &[u32], slot: u32) -> ThreadClock {
        ThreadClock::new(Clocks::uniform(c), slot)
    }

    /// The first `n` components of a clock.
    fn first(c: &[u32], n: usize) -> Vec<u32> {
        c[..n].to_vec()
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
        assert_eq!(first(b.clocks.c(), 2), vec![3, 5]);
        let from_b = SyncClock::new(&mut b);
        a.acquire(&from_b, Edge::Structural);
        assert_eq!(first(a.clocks.c(), 2), vec![4, 5]);
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
        assert_eq!(first(c.clocks.cs(), 3), vec![2, 7, 1]);
        // A lock edge reaches `c` only; a key edge `c` and `cnl`.
        let mut d = thread(&[0, 0, 0, 1], 3);
        d.acquire(&s, Edge::Lock);
        assert_eq!((first(d.clocks.c(), 4), first(d.clocks.cnl(), 4)), (vec![2, 7, 0, 1], vec![0, 0, 0, 1]));
        d.acquire(&s, Edge::Key);
        assert_eq!((first(d.clocks.cnl(), 4), first(d.clocks.cs(), 4)), (vec![2, 7, 0, 1], vec![0, 0, 0, 1]));
        // c has learnt everything in s: its release finds s below it, and s now equals c.
        c.tick();
        assert!(s.release(&mut c, Edge::Structural));
        let mut e = thread(&[0, 0, 0, 0, 1], 4);
        e.acquire(&s, Edge::Structural);
        assert_eq!(first(e.clocks.c(), 5), vec![2, 7, 2, 0, 1]);
    }

    #[test]
    fn children_join_objects_that_know_their_parent_by_their_few_new_components() {
        // The parent releases a lock; two children (started after) take it in turn, each
        // joining into a shared object: the object must end up as the full join.
        let mut parent = thread(&[5, 0, 0, 0, 9], 0);
        let lock = SyncClock::new(&mut parent);
        let mut kids: Vec<ThreadClock> = (1..3).map(|s| {
            let mut k = parent.child();
            k.attach(s, 1);
            parent.tick();
            k
        }).collect();
        let mut obj = SyncClock::new(&mut kids[0]);
        obj.release(&mut kids[1], Edge::Structural);
        for k in &mut kids {
            k.acquire(&lock, Edge::Structural);
            k.tick();
            obj.release(k, Edge::Structural);
        }
        let SyncClock::Full(f) = &obj else { panic!("two releasers make an object clock of its own") };
        let mut naive = kids[0].clocks.clone();
        naive.join(&kids[1].clocks, Edge::Structural);
        assert_eq!(first(f.clocks.c(), 5), first(naive.c(), 5));
        assert_eq!(first(f.clocks.cs(), 5), vec![6, 2, 2, 0, 9]);
    }

    #[test]
    fn clocks_widen_as_slots_are_used() {
        let mut a = Clocks::uniform(&[1, 2]);
        let b = Clocks::uniform(&[0; 40].iter().enumerate().map(|(i, _)| i as u32).collect::<Vec<_>>());
        assert_eq!(a.join(&b, Edge::Structural), (true, false), "a[0] = 1 > b[0]");
        assert_eq!((get(a.c(), 1), get(a.cs(), 39), get(a.cnl(), 0)), (2, 39, 1));
        assert_eq!(a.c().len() % WIDTH_STEP, 0);
        assert!(Clocks::uniform(&[1]).leq(&a, Edge::Structural) && !a.leq(&Clocks::uniform(&[1]), Edge::Lock));
        assert_eq!(get(a.c(), 900), 0);
    }
}
