//! The incremental cache (issue #9): a file's lowered facts (`FileFacts`), stored under the
//! user's cache directory and found again by a hash of the file's path and text, so that a
//! re-run parses only the files that changed. Parsing is most of a run on large trees
//! (tree-sitter at ~7 MB/s per core); decoding cached facts is many times faster.
//!
//! Where: `$MAPRACE_CACHE_DIR` if set (tests point it at a temporary directory), else
//! `maprace/` in the platform's cache directory (`$XDG_CACHE_HOME` or `~/.cache` on Linux).
//! Entries live in a directory named for the maprace version, the entry format and a
//! fingerprint of the lowering code (`MAPRACE_LOWERING`, build.rs): a build that lowers
//! differently never reads another's entries. Each entry carries a header (magic, format, the
//! key it was written for, payload length and checksum); an entry that is truncated, corrupt,
//! foreign or undecodable is ignored and rewritten, never trusted. Every I/O error only makes
//! the file a miss: the cache can make a run faster, never wrong or failed.
//!
//! Writes go to a temporary file renamed into place, so concurrent runs (an editor's LSP and
//! a terminal) never read half an entry.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::syntax::{FileFacts, Interner};

/// Bumped when the header or the encoding (not the IR: the lowering fingerprint covers that)
/// changes.
const FORMAT: u32 = 1;
const MAGIC: &[u8; 4] = b"MRCF";
/// magic, format, key (16), payload length (8), payload checksum (8).
const HEADER: usize = 4 + 4 + 16 + 8 + 8;

/// The environment variable that overrides where the cache lives.
pub const DIR_VAR: &str = "MAPRACE_CACHE_DIR";

pub struct Cache {
    dir: PathBuf,
    pub hits: AtomicUsize,
    pub misses: AtomicUsize,
}

impl Cache {
    /// The cache of this build, created if needed; `None` when there is no cache directory
    /// or it cannot be created (the run goes on without).
    pub fn open() -> Option<Cache> {
        let base = match std::env::var_os(DIR_VAR) {
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => dirs::cache_dir()?.join("maprace"),
        };
        Cache::open_in(&base)
    }

    pub fn open_in(base: &Path) -> Option<Cache> {
        let dir = base.join(format!("facts-{}-f{FORMAT}-{}", env!("CARGO_PKG_VERSION"), env!("MAPRACE_LOWERING")));
        fs::create_dir_all(&dir).ok()?;
        Some(Cache { dir, hits: AtomicUsize::new(0), misses: AtomicUsize::new(0) })
    }

    /// Where entries of this build are kept.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of a file: its path (facts and their errors name it) and its text.
    pub fn key(path: &Path, text: &str) -> u128 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        let p = path.as_os_str().as_encoded_bytes();
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p);
        h.update(text.as_bytes());
        h.digest128()
    }

    fn entry(&self, key: u128) -> PathBuf {
        let hex = format!("{key:032x}");
        self.dir.join(&hex[..2]).join(&hex[2..])
    }

    /// The facts stored for `key`, if a sound entry is there.
    pub fn load(&self, key: u128, interner: &Arc<Interner>) -> Option<FileFacts> {
        let got = fs::read(self.entry(key)).ok().and_then(|bytes| decode(&bytes, key, interner));
        let counter = if got.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        got
    }

    /// Store the facts of `key` (best effort).
    pub fn store(&self, key: u128, facts: &FileFacts) {
        let Ok(payload) = postcard::to_stdvec(facts) else { return };
        let mut bytes = Vec::with_capacity(HEADER + payload.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&FORMAT.to_le_bytes());
        bytes.extend_from_slice(&key.to_le_bytes());
        bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&payload).to_le_bytes());
        bytes.extend_from_slice(&payload);
        let path = self.entry(key);
        let Some(parent) = path.parent() else { return };
        if fs::create_dir_all(parent).is_err() {
            return;
        }
        // Unique per process and thread: two writers of one entry each rename a whole file.
        let tmp = parent.join(format!(".{}.{}.{:?}.tmp", path.file_name().and_then(|n| n.to_str()).unwrap_or("x"), std::process::id(), std::thread::current().id()));
        let written = fs::File::create(&tmp).and_then(|mut f| f.write_all(&bytes));
        if written.is_err() || fs::rename(&tmp, &path).is_err() {
            let _ = fs::remove_file(&tmp);
        }
    }
}

fn decode(bytes: &[u8], key: u128, interner: &Arc<Interner>) -> Option<FileFacts> {
    let header = bytes.get(..HEADER)?;
    let payload = &bytes[HEADER..];
    let word = |at: usize, n: usize| header.get(at..at + n);
    if word(0, 4)? != MAGIC
        || u32::from_le_bytes(word(4, 4)?.try_into().ok()?) != FORMAT
        || u128::from_le_bytes(word(8, 16)?.try_into().ok()?) != key
        || u64::from_le_bytes(word(24, 8)?.try_into().ok()?) != payload.len() as u64
        || u64::from_le_bytes(word(32, 8)?.try_into().ok()?) != xxhash_rust::xxh3::xxh3_64(payload)
    {
        return None;
    }
    crate::syntax::decoding_with(interner, || postcard::from_bytes(payload).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::SourceFile;

    fn facts(text: &str) -> FileFacts {
        crate::syntax::lower_file(&SourceFile { path: PathBuf::from("a.go"), text: text.into() })
    }

    #[test]
    fn round_trip_and_damage() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open_in(dir.path()).unwrap();
        let interner = Arc::new(Interner::default());
        let text = "package a\nvar m = map[string]int{}\nfunc F() { go func() { m[\"a\"] = 1 }(); _ = m[\"b\"] }\n";
        let key = Cache::key(Path::new("a.go"), text);
        assert!(cache.load(key, &interner).is_none());
        cache.store(key, &facts(text));
        let back = cache.load(key, &interner).expect("stored entry reads back");
        assert_eq!(format!("{back:?}"), format!("{:?}", facts(text)));
        // Every kind of damage is a miss, never a panic or wrong facts.
        let entry = cache.entry(key);
        let good = fs::read(&entry).unwrap();
        for cut in [0, 3, HEADER - 1, HEADER, good.len() - 1] {
            fs::write(&entry, &good[..cut]).unwrap();
            assert!(cache.load(key, &interner).is_none(), "truncated at {cut}");
        }
        for at in [0, 5, 10, 30, HEADER + 3, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x5a;
            fs::write(&entry, &bad).unwrap();
            assert!(cache.load(key, &interner).is_none(), "byte {at} flipped");
        }
        // Another file's entry under this key (a hash collision, a copied directory).
        let other = Cache::key(Path::new("b.go"), text);
        let foreign = cache.entry(other);
        fs::create_dir_all(foreign.parent().unwrap()).unwrap();
        fs::write(&foreign, &good).unwrap();
        assert!(cache.load(other, &interner).is_none());
    }
}
