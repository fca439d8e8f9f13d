//! Fingerprints that survive unrelated edits: built from the rule, the package (directory
//! relative to the module root), the enclosing function, the reported line's code with
//! whitespace and comments removed, and an occurrence counter among identical keys — never
//! from line numbers, so lines added above, `gofmt` and comment edits keep them.

use std::collections::HashMap;
use std::path::Path;

use super::Sources;
use super::lexer::{enclosing_function, normalized_code};
use crate::report::{Finding, Report};

/// Bump when the recipe changes: old baselines then stop matching, which is said on stderr
/// by the baseline reader rather than silently reporting everything.
pub const RECIPE: &str = "v1";

/// Fill `fingerprint` on every finding of `report` (sorted, as `Report::normalize` leaves it).
pub fn assign(report: &mut Report, module_root: Option<&Path>, sources: &mut Sources) {
    let mut seen: HashMap<String, u32> = HashMap::new();
    for f in &mut report.findings {
        let key = key_of(f, module_root, sources);
        let n = seen.entry(key.clone()).or_insert(0);
        *n += 1;
        f.fingerprint = Some(format!("{:016x}", fnv1a(&format!("{RECIPE}\0{key}\0{n}"))));
    }
}

fn key_of(f: &Finding, module_root: Option<&Path>, sources: &mut Sources) -> String {
    let dir = f.file.parent().unwrap_or(Path::new(""));
    let abs_dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let package = module_root
        .and_then(|root| abs_dir.strip_prefix(root).ok())
        .map(|rel| rel.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|| dir.to_string_lossy().replace('\\', "/"));
    let file_name = f.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (function, code) = match sources.get(&f.file) {
        Some(text) => (
            enclosing_function(text, f.line),
            super::line_of(text, f.line).map(normalized_code).unwrap_or_default(),
        ),
        // Unreadable now: fall back on the message, which has no line numbers of this line.
        None => (String::new(), f.message.clone()),
    };
    // The file name is kept too: two files of one package often have functions of one name
    // only in tests (`p` and `p_test`), and moving a finding across files is not "unrelated".
    format!("{}\0{package}\0{file_name}\0{function}\0{code}", f.rule)
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms, unlike `DefaultHasher`.
fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
