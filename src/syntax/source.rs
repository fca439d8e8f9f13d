//! The bytes tree-sitter parses, derived from a file's text without moving any line:column:
//! what Go skips or rejects but tree-sitter would stumble on is replaced by spaces of the same
//! byte length, and named in the errors when Go rejects it.

use std::borrow::Cow;
use std::path::Path;

use crate::report::FileError;

/// The text handed to tree-sitter: the file with a leading byte order mark and NUL bytes
/// replaced by spaces of the same byte length, so every line:column stays the file's own. Go
/// skips a leading BOM; it rejects NUL and a BOM anywhere else, which are named as errors here
/// (the rest of the file is still analysed).
pub(super) fn parse_text<'t>(src: &'t str, path: &Path, errors: &mut Vec<FileError>) -> Cow<'t, str> {
    const BOM: char = '\u{feff}';
    let body = src.strip_prefix(BOM);
    let rest = body.unwrap_or(src);
    let nul = rest.find('\0');
    let inner_bom = rest.find(BOM);
    if body.is_none() && nul.is_none() && inner_bom.is_none() {
        return Cow::Borrowed(src);
    }
    let offset = src.len() - rest.len();
    for (what, at) in [("a NUL byte", nul), ("a byte order mark after the start", inner_bom)] {
        if let Some(at) = at {
            let (line, col) = line_col(src, offset + at);
            errors.push(FileError {
                file: path.to_path_buf(),
                message: format!("{what} at {line}:{col}; Go rejects it (read as a space, the rest analysed)"),
            });
        }
    }
    let mut out = String::with_capacity(src.len());
    if body.is_some() {
        out.push_str("   ");
    }
    for c in rest.chars() {
        match c {
            '\0' => out.push(' '),
            BOM => out.push_str("   "),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn line_col(src: &str, at: usize) -> (usize, usize) {
    let before = src.as_bytes().get(..at).unwrap_or(src.as_bytes());
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_length_and_named() {
        let mut errors = Vec::new();
        let src = "\u{feff}package p\n// a\0b\nvar x = 1 \u{feff}\n";
        let out = parse_text(src, Path::new("f.go"), &mut errors);
        assert_eq!(out.len(), src.len());
        assert!(out.starts_with("   package p\n// a b\n"));
        let msgs: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[0].starts_with("a NUL byte at 2:5"), "{msgs:?}");
        assert!(msgs[1].starts_with("a byte order mark after the start at 3:11"), "{msgs:?}");
        let mut none = Vec::new();
        assert!(matches!(parse_text("package p\n", Path::new("f.go"), &mut none), Cow::Borrowed(_)));
        assert!(none.is_empty());
    }
}
