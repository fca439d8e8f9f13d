//! `Name`: an identifier or literal text of the IR, shared instead of copied.
//!
//! GOROOT/src has about four million identifier occurrences but only a few hundred thousand
//! distinct names; a `String` per occurrence (24 bytes plus a heap block) was a third of the
//! lowered model. A `Name` is one pointer-sized handle to a shared `str`, and an `Interner`
//! that lives for one run's lowering hands out the same allocation for the same text, across
//! files and threads. It reads like a `&str` (`Deref`, comparisons with `str` and `String`), so
//! code that matches on the IR does not care.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Mutex};

use rustc_hash::{FxBuildHasher, FxHashSet};
use std::hash::BuildHasher;

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(Arc<str>);

impl Name {
    pub fn new(s: &str) -> Name {
        Name(Arc::from(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Name {
    fn default() -> Name {
        Name::new("")
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

// `Arc<str>` hashes and compares as its `str`, so maps keyed by `Name` can be looked up by `&str`.
impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name::new(s)
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name(Arc::from(s))
    }
}

impl From<&Name> for String {
    fn from(n: &Name) -> String {
        n.0.to_string()
    }
}

impl From<Name> for String {
    fn from(n: Name) -> String {
        n.0.to_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        // Facts read back from the cache share names like freshly lowered ones do.
        Ok(DECODING.with(|i| match &*i.borrow() {
            Some(interner) => interner.intern(&s),
            None => Name::new(&s),
        }))
    }
}

thread_local! {
    static DECODING: std::cell::RefCell<Option<Arc<Interner>>> = const { std::cell::RefCell::new(None) };
}

/// Run `f` (a decode of cached facts) with the `Name`s it deserializes taken from `interner`.
pub fn decoding_with<T>(interner: &Arc<Interner>, f: impl FnOnce() -> T) -> T {
    struct Reset(Option<Arc<Interner>>);
    impl Drop for Reset {
        fn drop(&mut self) {
            let old = self.0.take();
            DECODING.with(|i| *i.borrow_mut() = old);
        }
    }
    let _reset = Reset(DECODING.with(|i| i.borrow_mut().replace(interner.clone())));
    f()
}

/// Hands out one `Name` per distinct text. Shared by the threads that lower files (sharded so
/// they rarely wait on each other); dropped when lowering ends, while the names live on in the IR.
pub struct Interner {
    shards: Vec<Mutex<FxHashSet<Arc<str>>>>,
}

const SHARDS: usize = 16;

impl Default for Interner {
    fn default() -> Interner {
        Interner { shards: (0..SHARDS).map(|_| Mutex::new(FxHashSet::default())).collect() }
    }
}

impl Interner {
    pub fn intern(&self, s: &str) -> Name {
        let shard = FxBuildHasher.hash_one(s) as usize % SHARDS;
        // A poisoned shard (a panic while lowering another file) still holds valid names.
        let mut set = match self.shards[shard].lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        if let Some(a) = set.get(s) {
            return Name(a.clone());
        }
        let a: Arc<str> = Arc::from(s);
        set.insert(a.clone());
        Name(a)
    }
}
