//! maprace: finds concurrency bugs on Go maps, above all nested maps, statically (`check`),
//! dynamically (`race`), and measures both against `go run -race` (`lab`).
//! ARCHITECTURE.md has the code map and the invariants.

pub mod analysis;
pub mod check;
pub mod config;
pub mod fuzzing;
pub mod lab;
pub mod load;
pub mod model;
pub mod lsp;
pub mod output;
pub mod race;
pub mod report;
pub mod rules;
pub mod syntax;
pub mod triage;
