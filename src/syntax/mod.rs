//! Files → syntax → per-file model. `lower_file` parses with tree-sitter-go and returns a
//! compact `FileFacts` (ir.rs); no tree-sitter value escapes this module.

pub mod ir;
mod lower;

pub use ir::FileFacts;
pub use lower::{MAX_DEPTH, lower_file};
