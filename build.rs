//! Embeds the lab's scenario corpus: every `lab/scenarios/<name>/main.go` becomes an entry of
//! `$OUT_DIR/lab_scenarios.rs`, so adding a scenario is adding a directory.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs, io};

fn main() -> io::Result<()> {
    let root = env::var("CARGO_MANIFEST_DIR").map_err(io::Error::other)?;
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
