//! `--format text`: go-vet style lines, the default for people and for editors that parse
//! `file:line:col:`.

use std::fmt::Write as _;
use std::path::Path;

use crate::report::{Evidence, Report, display_path};

/// Paths are printed relative to `base` when they lie below it, as `go vet` does.
pub fn findings(report: &Report, base: &Path) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let _ = write!(out, "{}:{}:{}: {} {}: {}", display_path(&f.file, base), f.line, f.column, f.rule, f.name, f.message);
        if f.evidence != Evidence::Static {
            let _ = write!(out, " [{}]", f.evidence.as_str());
        }
        let _ = writeln!(out, "\n\tfix: {}", f.fix);
        for r in &f.related {
            let _ = writeln!(out, "\t{}:{}: {}", display_path(&r.file, base), r.line, r.message);
        }
        for s in &f.stacks {
            let _ = writeln!(out, "\tgoroutine {} ({}):", s.goroutine, s.label);
            for fr in &s.frames {
                let _ = writeln!(out, "\t    {} {}:{}", fr.function, display_path(&fr.file, base), fr.line);
            }
        }
    }
    out
}

/// File errors, one line each naming the file; stderr in the human formats.
pub fn errors(report: &Report, base: &Path) -> String {
    let mut out = String::new();
    for e in &report.errors {
        let _ = writeln!(out, "maprace: {}: {}", display_path(&e.file, base), e.message);
    }
    out
}
