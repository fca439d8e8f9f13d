//! Placeholder replaced by the lowering.
use crate::load::SourceFile;
use crate::report::FileError;
pub struct FileFacts { pub lines: u32, pub errors: Vec<FileError> }
pub fn lower_file(s: &SourceFile) -> FileFacts { FileFacts { lines: s.text.lines().count() as u32, errors: vec![] } }
