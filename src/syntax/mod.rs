//! Files → syntax → per-file model. `lower_file` parses with the vendored tree-sitter-go
//! grammar (grammar.rs) the text source.rs prepares, and returns a compact `FileFacts`
//! (ir.rs); no tree-sitter value escapes this module.

mod grammar;
pub mod ir;
mod lower;
mod name;
mod source;

pub use ir::FileFacts;
pub use lower::{MAX_DEPTH, lower_file, lower_file_with};
pub use name::{Interner, Name, decoding_with};
