//! The Go grammar: tree-sitter-go 0.25.0 vendored under `grammar/tree-sitter-go` and patched
//! for syntax upstream does not parse yet (Go 1.26 `new(expr)`; see its PATCHES.md). build.rs
//! compiles its `src/parser.c`.
//!
//! Also what the lowering asks of every node, made cheap: its kind's name and its fields by
//! id. `Node::kind` measures the C string and checks its UTF-8 on every call, and a field by
//! name is a `strncmp` over the grammar's field names: together 5% of a check of GOROOT/src.
//! Both are looked up once here instead.

use std::num::NonZeroU16;
use std::sync::{LazyLock, Once};

use tree_sitter::{Language, Node, Parser};
use tree_sitter_language::LanguageFn;

unsafe extern "C" {
    fn tree_sitter_go() -> *const ();
}

/// The tree-sitter language of the vendored grammar.
const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_go) };

pub fn language() -> tree_sitter::Language {
    LANGUAGE.into()
}

/// A parser of the grammar. tree-sitter allocates with mimalloc, set before the first parser
/// exists (every tree-sitter value comes from here, so none is freed by the other allocator):
/// a parse allocates a node per token and frees the tree right after lowering, glibc's worst
/// pattern, a tenth of a check of GOROOT/src (malloc_consolidate, _int_free). Only
/// tree-sitter's allocations: Rust's stay with the system allocator, whose peak on the
/// analysis' many small values is lower (mimalloc as the global allocator put nats-server's
/// peak at 1026 MiB instead of 977 MiB).
pub fn parser() -> Option<Parser> {
    static ALLOCATOR: Once = Once::new();
    ALLOCATOR.call_once(|| {
        use libmimalloc_sys::{mi_free, mi_malloc, mi_realloc, mi_zalloc};
        use std::ffi::c_void;
        unsafe extern "C" fn calloc(n: usize, size: usize) -> *mut c_void {
            // calloc's contract: NULL when n * size overflows.
            match n.checked_mul(size) {
                Some(total) => unsafe { mi_zalloc(total) },
                None => std::ptr::null_mut(),
            }
        }
        // SAFETY: before any tree-sitter allocation (see above); mi_* follow malloc's contract.
        unsafe { tree_sitter::set_allocator(Some(mi_malloc), Some(calloc), Some(mi_realloc), Some(mi_free)) };
    });
    let mut p = Parser::new();
    p.set_language(&language()).ok()?;
    Some(p)
}

/// Text this large leaves a tree of tens of MB freed to this thread's mimalloc heap, which
/// returns pages to the OS only a second later or on its next use: after the last files, the
/// analysis ran beside it (GOROOT/src re-checked after its largest file changed: 381 MiB
/// instead of 348 MiB).
pub const LARGE_TEXT: usize = 256 * 1024;

/// Return the pages of trees freed on this thread to the OS now.
pub fn release_freed_trees() {
    unsafe extern "C" {
        // mimalloc.h; libmimalloc-sys binds it only with its `extended` feature.
        fn mi_collect(force: bool);
    }
    // SAFETY: takes no pointers; frees only pages mimalloc holds empty.
    unsafe { mi_collect(true) }
}

struct Grammar {
    /// Kind names by kind id (`Node::kind_id`, aliases included).
    kinds: Box<[&'static str]>,
    fields: Fields,
}

static GRAMMAR: LazyLock<Grammar> = LazyLock::new(|| {
    let lang = language();
    let kinds = (0..lang.node_kind_count()).map(|id| u16::try_from(id).ok().and_then(|id| lang.node_kind_for_id(id)).unwrap_or("")).collect();
    Grammar { kinds, fields: Fields::resolve(&lang) }
});

/// `n.kind()`, read from the table.
pub fn kind(n: Node) -> &'static str {
    match GRAMMAR.kinds.get(usize::from(n.kind_id())) {
        Some(k) => k,
        // `ERROR` has an id outside the table.
        None => n.kind(),
    }
}

/// The grammar's field ids, by name (`fields().body`); for `Node::child_by_field_id`.
pub fn fields() -> &'static Fields {
    &GRAMMAR.fields
}

/// The children of `n` in field `id` (`Node::children_by_field_name` without the name).
pub fn field_children(n: Node, id: u16) -> Vec<Node> {
    let Some(id) = NonZeroU16::new(id) else { return Vec::new() };
    let mut cur = n.walk();
    n.children_by_field_id(id, &mut cur).collect()
}

macro_rules! fields {
    ($($f:ident),* $(,)?) => {
        /// The ids of the fields the lowering reads; 0 (no such field: every lookup finds
        /// nothing) only if the grammar lost one, which a unit test rules out.
        pub struct Fields {
            $(pub $f: u16,)*
        }

        impl Fields {
            fn resolve(lang: &Language) -> Fields {
                Fields { $($f: lang.field_id_for_name(stringify!($f).trim_start_matches("r#")).map_or(0, |id| id.get()),)* }
            }

            #[cfg(test)]
            fn all(&self) -> Vec<(&'static str, u16)> {
                vec![$((stringify!($f), self.$f),)*]
            }
        }
    };
}

fields!(
    alias, alternative, arguments, body, capacity, channel, communication, condition, consequence, element, end, field, function,
    index, initializer, key, left, name, operand, operator, package, parameters, path, receiver, result, right, start, r#type,
    update, value,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_and_kind_is_the_grammars() {
        for (name, id) in fields().all() {
            assert_ne!(id, 0, "field {name} is not in the grammar");
        }
        let lang = language();
        for id in 0..lang.node_kind_count() as u16 {
            assert_eq!(GRAMMAR.kinds[usize::from(id)], lang.node_kind_for_id(id).unwrap_or(""));
        }
        let mut p = parser().unwrap();
        let tree = p.parse("package p\nfunc f() { x := m[k]; go g(x) }\n", None).unwrap();
        let mut stack = vec![tree.root_node()];
        while let Some(n) = stack.pop() {
            assert_eq!(kind(n), n.kind());
            let mut cur = n.walk();
            stack.extend(n.children(&mut cur));
        }
    }
}
