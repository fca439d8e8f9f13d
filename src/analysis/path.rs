//! Access paths: how code names a map (`s.users`, `s.users[*]`, `cfg.byNS["a"][*]`), and the
//! locks and sync objects that are paths too. Substitution maps a callee's parameter roots to
//! the caller's argument paths.

use std::rc::Rc;

use crate::model::{PkgId, TypeId};

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Root {
    Global(PkgId, Rc<str>),
    /// A variable of the function being analysed (unique id within that analysis).
    Local(u32),
    /// Parameter `i` of the function whose summary this is.
    Param(u16),
    Recv,
    /// A local of a callee that its callers cannot name but that still orders or guards
    /// the goroutines it started (a local WaitGroup, channel or mutex).
    FuncLocal(u32, u32),
    /// Every instance of a named type, for the entry methods of declared concurrency.
    TypeRoot(TypeId),
    /// The value a `sync.Map` `Load` returned (MR005's second form).
    SyncValue(Rc<Path>),
    /// A value received from this channel: at the end of the walk, the value sent on it when
    /// exactly one is (a map handed over on a channel is the same map on both sides).
    Received(Rc<Path>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// A literal key: `m["users"]`, `m[3]`.
    Const(Rc<str>),
    Any,
    /// The entry one iteration of a `range` loop is at (the loop's scope id): any key, but a
    /// different one in each iteration, so goroutines started once per iteration on it touch
    /// different entries.
    Each(u32),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    Field(Rc<str>),
    /// The element of a map under a key.
    Key(Key),
    /// Slice/array element or pointer target: not a map, but paths go through it.
    Elem,
    /// The slice or array element one iteration of a `range` loop is at (the loop's scope
    /// id): any element, but a different one in each iteration.
    Item(u32),
}

/// A path is shared, not copied: the same path is named by many accesses, their locks and
/// their callers' copies of them (an access used to carry its own copies of every path it
/// names, most of its two kilobytes). Equality, hashing and order are by value; the hash is
/// computed once, when the path is made: ordering sets of hundreds of objects are hashed at
/// every call that instantiates them, and rehashing each path's steps was a sixth of the
/// analysis time on nats-server.
#[derive(Clone)]
pub struct Path(Rc<Hashed>);

struct Hashed {
    hash: u64,
    data: PathData,
}

impl Hashed {
    fn new(data: PathData) -> Hashed {
        use std::hash::{BuildHasher, Hash, Hasher};
        let mut h = rustc_hash::FxBuildHasher.build_hasher();
        data.hash(&mut h);
        Hashed { hash: h.finish(), data }
    }
}

impl PartialEq for Path {
    fn eq(&self, other: &Path) -> bool {
        Rc::ptr_eq(&self.0, &other.0) || (self.0.hash == other.0.hash && self.0.data == other.0.data)
    }
}

impl Eq for Path {}

impl std::hash::Hash for Path {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.hash.hash(h)
    }
}

impl PartialOrd for Path {
    fn partial_cmp(&self, other: &Path) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Path {
    fn cmp(&self, other: &Path) -> std::cmp::Ordering {
        self.0.data.cmp(&other.0.data)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PathData {
    pub root: Root,
    pub steps: Vec<Step>,
    /// Steps past `MAX_STEPS` were cut off: the path names some object on the way to the map,
    /// not the map, and two cut paths with the same first steps may lead to different maps
    /// (`node.metrics.codes` and `node.hub.sessions`, both cut at `node`). Never paired.
    pub cut: bool,
}

impl std::ops::Deref for Path {
    type Target = PathData;

    fn deref(&self) -> &PathData {
        &self.0.data
    }
}

impl std::fmt::Debug for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Path").field("root", &self.root).field("steps", &self.steps).finish()
    }
}

/// Paths longer than this are cut (recursive data structures would otherwise grow them
/// without bound through loops like `n = n.next`).
const MAX_STEPS: usize = 8;

impl Path {
    pub fn new(root: Root) -> Path {
        Path(Rc::new(Hashed::new(PathData { root, steps: Vec::new(), cut: false })))
    }

    pub fn child(&self, step: Step) -> Path {
        if self.steps.len() >= MAX_STEPS {
            if self.cut {
                return self.clone();
            }
            return Path(Rc::new(Hashed::new(PathData { cut: true, ..self.0.data.clone() })));
        }
        let mut steps = Vec::with_capacity(self.steps.len() + 1);
        steps.extend_from_slice(&self.steps);
        steps.push(step);
        Path(Rc::new(Hashed::new(PathData { root: self.root.clone(), steps, cut: self.cut })))
    }

    /// The path without its last step (`m[k]` → `m`).
    pub fn parent(&self) -> Path {
        let mut d = self.0.data.clone();
        d.steps.pop();
        Path(Rc::new(Hashed::new(d)))
    }

    /// The same steps from another root.
    pub fn with_root(&self, root: Root) -> Path {
        Path(Rc::new(Hashed::new(PathData { root, steps: self.steps.clone(), cut: self.cut })))
    }

    /// Identity of the shared path, for memos over paths.
    pub fn identity(&self) -> usize {
        Rc::as_ptr(&self.0) as usize
    }

    /// The local variable this path is, without steps.
    pub fn local(&self) -> Option<u32> {
        match self.root {
            Root::Local(id) if self.steps.is_empty() => Some(id),
            _ => None,
        }
    }

    /// Number of map-element steps: 0 for the outer map, 1 for an inner map, ...
    pub fn map_depth(&self) -> usize {
        self.steps.iter().filter(|s| matches!(s, Step::Key(_))).count()
    }

    /// Could the two paths name the same map at run time? Keys: `*` matches anything,
    /// distinct constants do not.
    pub fn may_alias(&self, other: &Path) -> bool {
        self.root == other.root && steps_may_alias(&self.steps, &other.steps)
    }

    /// The iteration scopes of the `range` elements this path goes through.
    pub fn iterations(&self) -> impl Iterator<Item = (usize, u32)> + '_ {
        self.steps.iter().enumerate().filter_map(|(i, s)| match s {
            Step::Key(Key::Each(scope)) | Step::Item(scope) => Some((i, *scope)),
            _ => None,
        })
    }

    pub fn starts_with(&self, prefix: &Path) -> bool {
        prefix.steps.len() <= self.steps.len()
            && self.root == prefix.root
            && steps_may_alias(&self.steps[..prefix.steps.len()], &prefix.steps)
    }

    /// Replace the prefix `from` by `to`.
    pub fn rebase(&self, from_len: usize, to: &Path) -> Path {
        let rest = &self.steps[from_len..];
        if rest.is_empty() && (to.cut || !self.cut) {
            return to.clone();
        }
        let mut steps = to.steps.clone();
        let room = MAX_STEPS.saturating_sub(steps.len());
        steps.extend(rest.iter().take(room).cloned());
        let cut = self.cut || to.cut || rest.len() > room;
        Path(Rc::new(Hashed::new(PathData { root: to.root.clone(), steps, cut })))
    }

    pub fn is_function_local(&self) -> bool {
        match &self.root {
            Root::Local(_) => true,
            Root::SyncValue(p) | Root::Received(p) => p.is_function_local(),
            _ => false,
        }
    }
}

/// Step lists that may name the same element (see `Path::may_alias`).
pub fn steps_may_alias(a: &[Step], b: &[Step]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| match (a, b) {
            (Step::Key(Key::Const(x)), Step::Key(Key::Const(y))) => x == y,
            (Step::Key(_), Step::Key(_)) => true,
            (Step::Elem | Step::Item(_), Step::Elem | Step::Item(_)) => true,
            (x, y) => x == y,
        })
}

/// Does a struct's mutex field say by its name that it guards one other field? Go code names
/// a mutex for what it covers (`cacheMu` beside `cache`, `peersLock` beside `peers`); such a
/// lock held around a write to another field (`m.items[k], m.cache = v, nil` under `cacheMu`)
/// is there for its namesake, and says nothing about the other field being shared. `mu`,
/// `lock` and names that match no field guard whatever they are held around.
pub fn lock_named_for_other_field(lock: &str, map_field: &str, fields: &[&str]) -> bool {
    const SUFFIXES: [&str; 6] = ["rwmutex", "mutex", "mtx", "mu", "lock", "lk"];
    let lower = lock.to_ascii_lowercase();
    let Some(stem) = SUFFIXES.iter().find_map(|s| lower.strip_suffix(s)) else { return false };
    let stem = stem.trim_end_matches('_');
    if stem.is_empty() || stem.eq_ignore_ascii_case(map_field) {
        return false;
    }
    // The lock names a field of the struct, and that field is not the map.
    fields.iter().any(|f| f.eq_ignore_ascii_case(stem)) && !map_field.to_ascii_lowercase().starts_with(stem)
}

/// Could the mutex at `lock` be the guard of the map at `map`? Go code keeps a mutex next to
/// what it guards: in the struct that holds the map (`s.mu` and `s.hits`, `s.mu.m` beside
/// an embedded mutex, a field or two further down), or a package-level mutex beside
/// package-level maps. A read lock of another object held around a call that reaches deep
/// into unrelated state (`p.stateLock.RLock(); p.state.GetNonce()` filling a cache three
/// objects away) is not the map's guard, and a write under it is no MR006.
pub fn may_guard(lock: &Path, map: &Path) -> bool {
    if let (Root::Global(lp, _), Root::Global(mp, _)) = (&lock.root, &map.root)
        && lock.steps.len() <= 1
    {
        return lp == mp;
    }
    // A function's own mutex beside its own map (`var mu sync.Mutex; m := map[..]..{}`).
    if let (Root::Local(_), Root::Local(_)) = (&lock.root, &map.root)
        && lock.steps.is_empty()
    {
        return true;
    }
    if lock.root != map.root {
        return false;
    }
    // The struct the mutex is a field of, or the mutex's own struct when it embeds one.
    let owners = [lock.steps.len().saturating_sub(1), lock.steps.len()];
    owners.into_iter().any(|n| {
        map.steps.len() >= n
            && map.steps[..n] == lock.steps[..n]
            && map.steps[n..].iter().take_while(|s| !matches!(s, Step::Key(_))).filter(|s| matches!(s, Step::Field(_))).count() <= 2
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(root: Root, fields: &[&str]) -> Path {
        fields.iter().fold(Path::new(root), |p, f| p.child(Step::Field(Rc::from(*f))))
    }

    #[test]
    fn a_mutex_guards_maps_beside_it_not_deep_in_other_objects() {
        // s.mu beside s.hits; s.mu.m beside an embedded mutex; s with the mutex embedded.
        assert!(may_guard(&path(Root::Recv, &["mu"]), &path(Root::Recv, &["hits"])));
        assert!(may_guard(&path(Root::Recv, &["mu"]), &path(Root::Recv, &["mu", "m"])));
        assert!(may_guard(&path(Root::Recv, &[]), &path(Root::Recv, &["cache"])));
        assert!(may_guard(&path(Root::Recv, &["mu"]), &path(Root::Recv, &["inner", "m"]).child(Step::Key(Key::Any))));
        // A package-level mutex beside a package-level map.
        let g = |n: &str| path(Root::Global(0, Rc::from(n)), &[]);
        assert!(may_guard(&g("mu"), &g("registry")));
        // p.stateLock held around a call that fills a cache three objects away.
        assert!(!may_guard(&path(Root::Recv, &["stateLock"]), &path(Root::Recv, &["state", "prefetcher", "fetchers"])));
        // A function's own mutex and map.
        assert!(may_guard(&path(Root::Local(1), &[]), &path(Root::Local(2), &[])));
        // Another object's lock.
        assert!(!may_guard(&path(Root::Param(0), &["mu"]), &path(Root::Recv, &["hits"])));
    }
}
