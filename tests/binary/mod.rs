//! Running the built `maprace` binary as a user would, for the tests that drive the CLI.

use std::path::Path;
use std::process::{Command, Output};

/// `maprace ARGS...` in `dir`.
pub fn maprace(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maprace")).args(args).current_dir(dir).output().expect("maprace runs")
}

/// Output bytes as text (lossy: the tests look for ASCII markers).
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
