//! What happens to findings after the analysis, over source text only: `//maprace:ignore` and
//! `//nolint` suppressions ([`suppress`]), stable fingerprints ([`fingerprint`]) and baselines
//! ([`baseline`]). Re-reads only the files it needs (those with findings; every analysed file
//! only when unused suppressions are asked for).

pub mod baseline;
pub mod fingerprint;
pub mod lexer;
pub mod suppress;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Files read once per run, shared by the passes. `None`: unreadable now (changed or removed
/// since the analysis); the passes then leave that file's findings as they are.
#[derive(Default)]
pub struct Sources {
    files: HashMap<PathBuf, Option<String>>,
}

impl Sources {
    pub fn get(&mut self, path: &Path) -> Option<&str> {
        self.files.entry(path.to_path_buf()).or_insert_with(|| std::fs::read_to_string(path).ok()).as_deref()
    }
}

/// 1-based line `n` of `text`, without its line ending.
pub fn line_of(text: &str, n: u32) -> Option<&str> {
    text.lines().nth((n as usize).checked_sub(1)?)
}
