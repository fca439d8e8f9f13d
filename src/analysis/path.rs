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

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path {
    pub root: Root,
    pub steps: Vec<Step>,
}

/// Paths longer than this are cut (recursive data structures would otherwise grow them
/// without bound through loops like `n = n.next`).
const MAX_STEPS: usize = 8;

impl Path {
    pub fn new(root: Root) -> Path {
        Path { root, steps: Vec::new() }
    }

    pub fn child(&self, step: Step) -> Path {
        let mut p = self.clone();
        if p.steps.len() < MAX_STEPS {
            p.steps.push(step);
        }
        p
    }

    /// Number of map-element steps: 0 for the outer map, 1 for an inner map, ...
    pub fn map_depth(&self) -> usize {
        self.steps.iter().filter(|s| matches!(s, Step::Key(_))).count()
    }

    /// Could the two paths name the same map at run time? Keys: `*` matches anything,
    /// distinct constants do not.
    pub fn may_alias(&self, other: &Path) -> bool {
        if self.root != other.root || self.steps.len() != other.steps.len() {
            return false;
        }
        self.steps.iter().zip(&other.steps).all(|(a, b)| match (a, b) {
            (Step::Key(Key::Const(x)), Step::Key(Key::Const(y))) => x == y,
            (Step::Key(_), Step::Key(_)) => true,
            (Step::Elem | Step::Item(_), Step::Elem | Step::Item(_)) => true,
            (x, y) => x == y,
        })
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
            && Path { root: self.root.clone(), steps: self.steps[..prefix.steps.len()].to_vec() }.may_alias(prefix)
    }

    /// Replace the prefix `from` by `to`.
    pub fn rebase(&self, from_len: usize, to: &Path) -> Path {
        let mut p = to.clone();
        for s in &self.steps[from_len..] {
            p = p.child(s.clone());
        }
        p
    }

    pub fn is_function_local(&self) -> bool {
        match &self.root {
            Root::Local(_) => true,
            Root::SyncValue(p) | Root::Received(p) => p.is_function_local(),
            _ => false,
        }
    }
}
