//! Embeds the lab's scenario corpus: every `lab/scenarios/<name>/main.go` becomes an entry of
//! `$OUT_DIR/lab_scenarios.rs`, so adding a scenario is adding a directory. Also sets
//! `MAPRACE_GIT_REV` for `maprace --version`: `git rev-parse --short HEAD`, or "unknown"
//! outside a checkout or without git (a crates.io build, a source tarball).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::{env, fs, io};

fn main() -> io::Result<()> {
    let root = env::var("CARGO_MANIFEST_DIR").map_err(io::Error::other)?;
    git_revision(Path::new(&root));
    let scenarios = Path::new(&root).join("lab").join("scenarios");
    println!("cargo::rerun-if-changed={}", scenarios.display());

    let mut names = Vec::new();
    if scenarios.is_dir() {
        for entry in fs::read_dir(&scenarios)? {
            let entry = entry?;
            if entry.path().join("main.go").is_file() {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
    }
    names.sort();

    let mut out = String::from("/// `(name, main.go source)` of every scenario under lab/scenarios, sorted by name.\n");
    out.push_str("pub static EMBEDDED: &[(&str, &str)] = &[\n");
    for name in &names {
        let file = scenarios.join(name).join("main.go");
        println!("cargo::rerun-if-changed={}", file.display());
        let _ = writeln!(out, "    ({name:?}, include_str!({:?})),", file.display().to_string());
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").map_err(io::Error::other)?).join("lab_scenarios.rs");
    fs::write(dest, out)
}

/// Never fails the build: any problem gives "unknown".
fn git_revision(root: &Path) {
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git").args(args).current_dir(root).output().ok()?;
        if !out.status.success() {
            return None;
        }
        let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
        if s.is_empty() { None } else { Some(s) }
    };
    let rev = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".to_string());
    println!("cargo::rustc-env=MAPRACE_GIT_REV={rev}");
    // Rebuild when HEAD moves: the worktree's HEAD (a branch switch) and its reflog (a commit).
    if let Some(git_dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        for f in ["HEAD", "logs/HEAD"] {
            let p = Path::new(&git_dir).join(f);
            if p.exists() {
                println!("cargo::rerun-if-changed={}", p.display());
            }
        }
    }
}
