//! The incremental cache (src/check/cache.rs) through the binary: a warm run prints exactly
//! what a cold one does, an edited file is parsed again and the others are not, damaged
//! entries are ignored and rewritten, and `--no-cache` neither reads nor writes. Every test
//! has a cache directory of its own (`MAPRACE_CACHE_DIR`), never the user's.

use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, cache: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["check", "--stats", "--level", "all", "--format", "json"];
    args.extend_from_slice(extra);
    args.push("./...");
    Command::new(env!("CARGO_BIN_EXE_maprace"))
        .args(&args)
        .current_dir(dir)
        .env("MAPRACE_CACHE_DIR", cache)
        .output()
        .expect("maprace runs")
}

/// `(hits, files)` from `--stats`' "cache H of N files".
fn cache_line(out: &Output) -> Option<(usize, usize)> {
    let err = String::from_utf8_lossy(&out.stderr);
    let at = err.find("cache ")?;
    let mut words = err[at + 6..].split_whitespace();
    let hits = words.next()?.parse().ok()?;
    words.next()?;
    let files = words.next()?.parse().ok()?;
    Some((hits, files))
}

fn entries(cache: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![cache.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() { stack.push(p) } else { out.push(p) }
        }
    }
    out
}

/// A copy of the corpus (real findings in many packages) to edit.
fn corpus_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut stack = vec![from.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let to = dir.path().join(p.strip_prefix(&from).unwrap());
            if p.is_dir() {
                std::fs::create_dir_all(&to).unwrap();
                stack.push(p);
            } else {
                std::fs::copy(&p, &to).unwrap();
            }
        }
    }
    dir
}

#[test]
fn warm_run_is_identical_and_reparses_only_an_edited_file() {
    let src = corpus_copy();
    let cache = tempfile::tempdir().unwrap();
    let cold = run(src.path(), cache.path(), &[]);
    assert_eq!(cold.status.code(), Some(1), "{}", String::from_utf8_lossy(&cold.stderr));
    let (hits, files) = cache_line(&cold).expect("--stats names the cache");
    assert_eq!(hits, 0);
    assert!(files > 20, "{files} files");
    let warm = run(src.path(), cache.path(), &[]);
    assert_eq!(warm.stdout, cold.stdout, "a warm run prints what the cold one did");
    assert_eq!(warm.status.code(), cold.status.code());
    assert_eq!(cache_line(&warm), Some((files, files)));

    // Edit one file: only it is parsed again, and the findings follow the edit.
    let edited = src.path().join("mr001").join("edited.go");
    std::fs::write(&edited, "package mr001\n\nvar editedM = map[string]int{}\n\nfunc EditedRace() {\n\tgo func() { editedM[\"a\"] = 1 }()\n\teditedM[\"b\"] = 2\n}\n").unwrap();
    let after = run(src.path(), cache.path(), &[]);
    assert_eq!(cache_line(&after), Some((files, files + 1)));
    let fresh = run(src.path(), tempfile::tempdir().unwrap().path(), &[]);
    assert_eq!(after.stdout, fresh.stdout, "after an edit, warm and cold agree");
    assert!(String::from_utf8_lossy(&after.stdout).contains("edited.go"));
}

#[test]
fn damaged_entries_are_ignored_and_rewritten() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let cache = tempfile::tempdir().unwrap();
    let cold = run(&src, cache.path(), &[]);
    let (_, files) = cache_line(&cold).unwrap();
    let stored = entries(cache.path());
    assert_eq!(stored.len(), files, "one entry per file");
    // Truncate some, flip bytes in others, empty the rest: every one is a miss.
    for (i, e) in stored.iter().enumerate() {
        let mut bytes = std::fs::read(e).unwrap();
        match i % 3 {
            0 => bytes.truncate(bytes.len() / 2),
            1 => {
                let n = bytes.len();
                bytes[n - 1] ^= 0xff;
                bytes[n / 2] ^= 0x55;
            }
            _ => bytes.clear(),
        }
        std::fs::write(e, bytes).unwrap();
    }
    let damaged = run(&src, cache.path(), &[]);
    assert_eq!(damaged.stdout, cold.stdout);
    assert_eq!(damaged.status.code(), cold.status.code());
    assert_eq!(cache_line(&damaged), Some((0, files)));
    let healed = run(&src, cache.path(), &[]);
    assert_eq!(healed.stdout, cold.stdout);
    assert_eq!(cache_line(&healed), Some((files, files)), "damaged entries were rewritten");
}

#[test]
fn entries_of_another_version_are_not_read() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join("mr001");
    let cache = tempfile::tempdir().unwrap();
    let cold = run(&src, cache.path(), &[]);
    // What an older maprace left: a directory of its own, and garbage where ours would be.
    let ours = entries(cache.path());
    let old = cache.path().join("facts-0.0.1-f0-0000000000000000");
    std::fs::create_dir_all(&old).unwrap();
    for e in &ours {
        std::fs::write(e, b"MRCF\x00\x00\x00\x00not an entry").unwrap();
        std::fs::write(old.join(e.file_name().unwrap()), b"old").unwrap();
    }
    let again = run(&src, cache.path(), &[]);
    assert_eq!(again.stdout, cold.stdout);
    assert_eq!(again.status.code(), cold.status.code());
}

#[test]
fn no_cache_neither_reads_nor_writes() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join("mr001");
    let cache = tempfile::tempdir().unwrap();
    let out = run(&src, cache.path(), &["--no-cache"]);
    assert!(out.status.code() == Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(entries(cache.path()).is_empty(), "--no-cache wrote entries");
    assert_eq!(cache_line(&out), None, "--stats names no cache");
    // Nor does it read: entries written by a run with the cache are not needed.
    let with = run(&src, cache.path(), &[]);
    let without = run(&src, cache.path(), &["--no-cache"]);
    assert_eq!(with.stdout, without.stdout);
    assert_eq!(cache_line(&without), None);
}
