//! The pair check: which accesses of one analysed function (its own, its callees', and its
//! goroutines') may run at the same time on the same map without a common guard.

use rustc_hash::FxHashMap as HashMap;

use rustc_hash::{FxHashMap, FxHashSet};

use super::{Conflict, WalkId};
use super::path::{Path, Root, Step};
use super::summary::{Access, AccessKind, HeldLock, LockSet, Mode, Site, SyncObj, SyncSet, Thread, Via};

/// Alias classes of map slots that hold one map value (MR003): each entry is the list of
/// slot paths (`m["a"]`, `m["b"]`) that name the same inner map.
pub type AliasClasses = Vec<Vec<Path>>;

/// `entries`: the goroutine sites of entry methods (declared concurrency), whose runs overlap.
/// `seen`: the shapes of the conflicts already found (see `ConflictShapes`); a conflict whose
/// two sides both have a known shape is not returned again. `alternatives`: pairs of call
/// origins that never run on one instance (a type's alternative starts), lower first.
pub fn find_conflicts(
    accesses: &[Access],
    local_scope: &HashMap<u32, u32>,
    aliases: &AliasClasses,
    entries: &HashMap<Site, String>,
    seen: &mut ConflictShapes,
    walk: WalkId,
    test_walk: bool,
    alternatives: &FxHashSet<(u32, u32)>,
) -> Vec<Conflict> {
    // Accesses are compared within a root; roots joined by an alias class share a bucket.
    let mut rep: FxHashMap<Root, Root> = FxHashMap::default();
    let find = |rep: &FxHashMap<Root, Root>, r: &Root| -> Root {
        let mut r = r.clone();
        for _ in 0..16 {
            match rep.get(&r) {
                Some(n) if *n != r => r = n.clone(),
                _ => break,
            }
        }
        r
    };
    for class in aliases {
        let first = find(&rep, &class[0].root);
        for p in &class[1..] {
            let r = find(&rep, &p.root);
            if r != first {
                rep.insert(r, first.clone());
            }
        }
    }
    let mut by_root: FxHashMap<Root, Vec<usize>> = FxHashMap::default();
    for (i, a) in accesses.iter().enumerate() {
        if a.kind != AccessKind::FieldWrite {
            by_root.entry(find(&rep, &a.path.root)).or_default().push(i);
        }
    }
    // The slots of alias classes by root: an access under one may meet another class
    // member's accesses whatever their first steps.
    let mut alias_members: FxHashMap<&Root, Vec<&Path>> = FxHashMap::default();
    for class in aliases {
        for p in class {
            alias_members.entry(&p.root).or_default().push(p);
        }
    }
    let mut out = Vec::new();
    let mut roots: Vec<_> = by_root.into_iter().collect();
    roots.sort_by_key(|(_, v)| v[0]);
    let mut ordering = OrderingMemo::default();
    for (_, idx) in roots {
        if !idx.iter().any(|&i| matches!(accesses[i].thread, Thread::Spawned { .. })) {
            continue;
        }
        // The partners each access can conflict with, in the order of the all-pairs loop
        // (see `PartnerIndex`: by kind, first step and lock set).
        let index = PartnerIndex::new(accesses, &idx, &alias_members);
        let mut partners = Vec::new();
        for (n, &i) in idx.iter().enumerate() {
            let a = &accesses[i];
            index.partners_of(n, a, &mut partners);
            for &m in &partners {
                let b = &accesses[idx[m]];
                if a.origin == b.origin && a.origin != 0 && !(a.respawned || b.respawned) {
                    continue;
                }
                if !alternatives.is_empty() && alternatives.contains(&(a.origin.min(b.origin), a.origin.max(b.origin))) {
                    continue;
                }
                if !parallel(a, b, local_scope) {
                    continue;
                }
                let aliased = match same_map(a, b) {
                    true => false,
                    false if through_alias(a, b, aliases) => true,
                    false => continue,
                };
                if in_once(a) || in_once(b) || guarded(a, b) || ordered(a, b, entries, &mut ordering) {
                    continue;
                }
                if seen.is_new(a, b, aliased, test_walk) {
                    // Guarded only if a flag parameter says "lock": the pair is shown as
                    // unguarded (the locks the flag decides are left out), of lower confidence.
                    let flag_guarded = guarded_if_flags_hold(a, b);
                    let side = |x: &Access| if flag_guarded || x.locks.iter().any(|l| l.try_flag || l.inherited) { without_conditional_locks(x) } else { x.clone() };
                    out.push(Conflict { a: side(a), b: side(b), aliased, walk, flag_guarded });
                }
            }
        }
    }
    out
}

/// Which accesses of a root an access can meet on the same map, by its path's first step:
/// `same_map` compares paths step by step (and a reassignment meets what starts with the
/// reassigned path), so two paths whose first steps cannot alias never meet, unless both lie
/// under alias-class slots (`through_alias`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Lane {
    /// No step (the root itself), or under an alias-class slot: may meet anything.
    Wild,
    Step(u64),
}

impl Lane {
    fn of(a: &Access, alias_members: &FxHashMap<&Root, Vec<&Path>>) -> Lane {
        use std::hash::{Hash, Hasher};
        let Some(first) = a.path.steps.first() else { return Lane::Wild };
        if alias_members.get(&a.path.root).is_some_and(|ms| ms.iter().any(|m| a.path.starts_with(m))) {
            return Lane::Wild;
        }
        let mut h = rustc_hash::FxHasher::default();
        match first {
            Step::Field(f) => f.hash(&mut h),
            // Keys may alias one another, as may elements and range items.
            Step::Key(_) => 1u8.hash(&mut h),
            Step::Elem | Step::Item(_) => 2u8.hash(&mut h),
        }
        Lane::Step(h.finish())
    }
}

/// A root's accesses indexed for the pair loop. Comparing each access with every later one
/// was quadratic in the root's size: a type's entry methods put every access to any of its
/// fields under one root, and a helper called from a thousand places (a logging package's
/// `V(level)` filling its per-caller cache under its mutex) adds a copy per call; the entry
/// walk of a large module spent 80 of 89 s there. An access's partners are the later ones
/// (itself too for a goroutine that runs many times at once) that
/// - can conflict by kind: two accesses of the calling goroutine never run in parallel and two
///   reads never conflict, so a read of the calling goroutine needs a goroutine's write, ...;
/// - can be the same map by their first step (`Lane`);
/// - are not guarded against it by a common lock: accesses share a few lock sets, and
///   `guarded` is decided once per pair of sets.
/// That is exactly the pairs the all-pairs loop would not skip for these reasons, visited in
/// its order (which decides what `ConflictShapes` keeps).
struct PartnerIndex {
    lanes: Vec<Lane>,
    classes: Vec<usize>,
    /// `guarded` between lock sets i and j, at `i * sets + j`.
    guard: Vec<bool>,
    sets: usize,
    /// Positions by (lane, lock set), per kind category (see `category`).
    lists: Vec<((Lane, usize), [Vec<usize>; 4])>,
}

impl PartnerIndex {
    fn new(accesses: &[Access], idx: &[usize], alias_members: &FxHashMap<&Root, Vec<&Path>>) -> PartnerIndex {
        let mut set_ids: FxHashMap<&LockSet, usize> = FxHashMap::default();
        let mut sets: Vec<&LockSet> = Vec::new();
        let mut classes = Vec::with_capacity(idx.len());
        let mut lanes = Vec::with_capacity(idx.len());
        let mut list_ids: FxHashMap<(Lane, usize), usize> = FxHashMap::default();
        let mut lists: Vec<((Lane, usize), [Vec<usize>; 4])> = Vec::new();
        for (n, &i) in idx.iter().enumerate() {
            let a = &accesses[i];
            let class = *set_ids.entry(&a.locks).or_insert_with(|| {
                sets.push(&a.locks);
                sets.len() - 1
            });
            let lane = Lane::of(a, alias_members);
            classes.push(class);
            lanes.push(lane);
            let l = *list_ids.entry((lane, class)).or_insert_with(|| {
                lists.push(((lane, class), Default::default()));
                lists.len() - 1
            });
            let (spawned, write) = (matches!(a.thread, Thread::Spawned { .. }), a.kind.is_write());
            let by_kind = &mut lists[l].1;
            if spawned && write {
                by_kind[0].push(n);
            }
            if spawned {
                by_kind[1].push(n);
            }
            if write {
                by_kind[2].push(n);
            }
            by_kind[3].push(n);
        }
        let k = sets.len();
        let mut guard = vec![false; k * k];
        for i in 0..k {
            for j in 0..k {
                guard[i * k + j] = guarded_sets(sets[i], sets[j], false);
            }
        }
        PartnerIndex { lanes, classes, guard, sets: k, lists }
    }

    /// The partners of the access at position `n` (`a`), ascending, into `out`.
    fn partners_of(&self, n: usize, a: &Access, out: &mut Vec<usize>) {
        out.clear();
        // An access of a goroutine that runs many times at once conflicts with itself.
        let self_pair = matches!(a.thread, Thread::Spawned { multi: true, .. });
        let from = if self_pair { n } else { n + 1 };
        let cat = match (matches!(a.thread, Thread::Spawned { .. }), a.kind.is_write()) {
            (false, false) => 0,
            (false, true) => 1,
            (true, false) => 2,
            (true, true) => 3,
        };
        let (lane, class) = (self.lanes[n], self.classes[n]);
        for ((l, c), by_kind) in &self.lists {
            let lane_ok = lane == Lane::Wild || *l == Lane::Wild || *l == lane;
            if !lane_ok || self.guard[class * self.sets + c] {
                continue;
            }
            let list = &by_kind[cat];
            out.extend_from_slice(&list[list.partition_point(|&m| m < from)..]);
        }
        out.sort_unstable();
    }
}

/// What a conflict says about each of its sides: the site, and every property of the two
/// accesses that decides how a side is reported (which rule, whether at all). One pair of
/// sites is met again in every caller of the function where it was found, and once per
/// pair of call sites there; without this, sarama kept 238,571 conflicts (5.5 GiB) for 10
/// findings. A conflict is kept when one of its sides has a shape not seen before, so what
/// the rules report (the first conflict per site and diagnosis) does not change.
#[derive(Default)]
pub struct ConflictShapes(FxHashSet<u64>);

impl ConflictShapes {
    /// `test_walk`: found in a test function's walk, whose pairs are of lower confidence; the
    /// same shape found by the code's own walks (the entry walk) is kept too.
    fn is_new(&mut self, a: &Access, b: &Access, aliased: bool, test_walk: bool) -> bool {
        let x = self.0.insert(side_shape(a, b, aliased) ^ u64::from(test_walk));
        let y = self.0.insert(side_shape(b, a, aliased) ^ u64::from(test_walk));
        x || y
    }
}

fn side_shape(x: &Access, y: &Access, aliased: bool) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let common = x.locks.iter().any(|l| y.locks.iter().any(|m| m.same_lock(l)));
    (x.site, x.kind.is_write(), x.lazy_check.is_some(), x.lazy_covered, x.locks.is_empty(), std::mem::discriminant(&x.via)).hash(&mut h);
    // Whether the partner is another run of the same goroutine: a pair within one entry
    // method is judged apart from one with another method (see `confidence::of_conflict`).
    (x.path.map_depth() >= 1, y.kind.is_write(), y.locks.is_empty(), common, aliased, x.thread == y.thread).hash(&mut h);
    h.finish()
}

fn parallel(a: &Access, b: &Access, local_scope: &HashMap<u32, u32>) -> bool {
    match (a.thread, b.thread) {
        (Thread::Current, Thread::Current) => false,
        (Thread::Spawned { site: s1, multi: m1 }, Thread::Spawned { site: s2, multi: m2 }) if s1 == s2 => {
            if !(m1 || m2) {
                return false;
            }
            // A variable declared inside the loop or goroutine body that starts each
            // instance is a different variable in each instance.
            let per_instance = |scope: u32| a.instance_scopes.contains(&scope) && b.instance_scopes.contains(&scope);
            if let Root::Local(id) = &a.path.root
                && let Some(&scope) = local_scope.get(id)
                && scope != 0
                && per_instance(scope)
            {
                return false;
            }
            // Likewise the element a `range` loop is at, when the loop starts the instances
            // (`for _, s := range servers { go s.Serve() }`): a different element in each.
            !a.path.iterations().any(|(i, scope)| {
                b.path.steps.get(i) == a.path.steps.get(i) && a.path.steps[..i] == b.path.steps[..i] && a.path.root == b.path.root && per_instance(scope)
            })
        }
        _ => true,
    }
}

/// Same map object: may-alias paths; or a reassignment of the variable vs any use of it.
fn same_map(a: &Access, b: &Access) -> bool {
    // A path cut at its length bound names an object on the way, not the map.
    if a.path.cut || b.path.cut {
        return false;
    }
    // A channel delivers each value to one receive: two goroutines (or two runs of one)
    // reaching maps through what they received reach what each received, unless one value
    // is all that is ever sent (then the receives were resolved to it, and share it).
    let received = |x: &Access| x.per_receive || matches!(x.path.root, Root::Received(_));
    if received(a) && received(b) && (a.thread != b.thread || matches!(a.thread, Thread::Spawned { multi: true, .. })) {
        return false;
    }
    // Reassigning a variable does not touch the map a copy of it still holds: a local copy,
    // one bound inside a critical section and used after it, or one a getter returned from
    // inside its own (a map replaced whole under the lock and never written in place is
    // safe to hand out).
    let reassign_vs_copy = |x: &Access, y: &Access| x.kind == AccessKind::Reassign && (y.copied || !matches!(y.via, Via::Direct));
    if reassign_vs_copy(a, b) || reassign_vs_copy(b, a) {
        return false;
    }
    // Reading the variable meets only a reassignment of it.
    if a.kind == AccessKind::Load || b.kind == AccessKind::Load {
        return (a.kind == AccessKind::Reassign || b.kind == AccessKind::Reassign) && a.path.may_alias(&b.path);
    }
    if a.path.may_alias(&b.path) {
        return true;
    }
    let reads_variable = |user: &Access, var: &Path| {
        // `m[k][j]` reads the variable `m` when it runs; `m[k].p.q` reaches other objects.
        user.path.starts_with(var) && user.path.steps[var.steps.len()..].iter().all(|s| matches!(s, Step::Key(_)))
    };
    (a.kind == AccessKind::Reassign && reads_variable(b, &a.path)) || (b.kind == AccessKind::Reassign && reads_variable(a, &b.path))
}

fn through_alias(a: &Access, b: &Access, aliases: &AliasClasses) -> bool {
    aliases.iter().any(|class| {
        class.iter().any(|sa| {
            a.path.starts_with(sa)
                && class.iter().any(|sb| {
                    sb != sa && b.path.starts_with(sb) && {
                        let ra = &a.path.steps[sa.steps.len()..];
                        let rb = &b.path.steps[sb.steps.len()..];
                        super::path::steps_may_alias(ra, rb)
                    }
                })
        })
    })
}

fn in_once(a: &Access) -> bool {
    a.locks.iter().any(|l| l.once)
}

/// Release after one, acquire before the other: happens-before. Not when one side is an
/// entry method (its calls overlap) and the other was started inside one of its calls: its
/// orderings are with that call, while other calls go on at the same time (two concurrent
/// `Add` calls, each arming a timer that deletes what the other one writes).
fn ordered(a: &Access, b: &Access, entries: &HashMap<Site, String>, memo: &mut OrderingMemo) -> bool {
    let run_local = |x: &Access, y: &Access| match x.thread {
        Thread::Spawned { site, multi: true } if entries.contains_key(&site) => {
            y.thread != x.thread && y.acq.contains(&SyncObj::Spawn(site))
        }
        _ => false,
    };
    if run_local(a, b) || run_local(b, a) {
        return false;
    }
    memo.meet(&a.rel, &b.acq) || memo.meet(&b.rel, &a.acq)
}

/// Whether a released-after set meets an acquired-before set, once per pair of shared sets:
/// the sets of one function's accesses are few and shared, its pairs many (a pair check of
/// go-ethereum spent half its time comparing the same two sets again).
#[derive(Default)]
struct OrderingMemo(FxHashMap<(usize, usize), bool>);

impl OrderingMemo {
    fn meet(&mut self, rel: &SyncSet, acq: &SyncSet) -> bool {
        if rel.is_empty() || acq.is_empty() {
            return false;
        }
        // The sets outlive the memo (the pair check borrows their accesses): their
        // addresses name them.
        *self.0.entry((rel.identity(), acq.identity())).or_insert_with(|| rel.iter().any(|s| acq.contains(s)))
    }
}

/// A common lock held by both, in write mode by at least one. A lock held only when a flag
/// parameter of the entry says so (`HeldLock::when`, unresolved) does not count: the entry's
/// callers decide (see `guarded_if_flags_hold`).
pub fn guarded(a: &Access, b: &Access) -> bool {
    guarded_by(a, b, false)
}

/// `guarded`, counting the locks a flag parameter decides as held.
pub fn guarded_if_flags_hold(a: &Access, b: &Access) -> bool {
    guarded_by(a, b, true)
}

/// The side as the rules see it: without locks a flag parameter decides, compare-and-swap
/// flags and locks inherited from a goroutine's starter.
fn without_conditional_locks(x: &Access) -> Access {
    let locks: Vec<HeldLock> = x.locks.iter().filter(|l| l.when.is_none() && !l.try_flag && !l.inherited).cloned().collect();
    Access { locks: super::summary::LockSet::from_vec(locks), ..x.clone() }
}

fn guarded_by(a: &Access, b: &Access, conditional: bool) -> bool {
    guarded_sets(&a.locks, &b.locks, conditional)
}

fn guarded_sets(a: &LockSet, b: &LockSet, conditional: bool) -> bool {
    let held = |l: &&HeldLock| conditional || l.when.is_none();
    a.iter()
        .filter(held)
        .any(|la| b.iter().filter(held).any(|lb| la.same_lock(lb) && (la.mode == Mode::Write || lb.mode == Mode::Write)))
}
