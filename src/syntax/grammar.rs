//! The Go grammar: tree-sitter-go 0.25.0 vendored under `grammar/tree-sitter-go` and patched
//! for syntax upstream does not parse yet (Go 1.26 `new(expr)`; see its PATCHES.md). build.rs
//! compiles its `src/parser.c`.

use tree_sitter_language::LanguageFn;

unsafe extern "C" {
    fn tree_sitter_go() -> *const ();
}

/// The tree-sitter language of the vendored grammar.
const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_go) };

pub fn language() -> tree_sitter::Language {
    LANGUAGE.into()
}
