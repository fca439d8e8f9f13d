//! The rule catalogue: stable ids, names, fixes and documentation (from shared/RULES.md),
//! and the rule functions themselves, one module per rule.

use std::fmt;

use serde::{Serialize, Serializer};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleId {
    MR001,
    MR002,
    MR003,
    MR004,
    MR005,
    MR006,
    MR007,
    MR008,
    MR009,
    /// A data race Go's own race detector reported (`-race` in `maprace race`'s command).
    GORACE,
}

/// What `maprace explain` prints and docs/rules/ is generated from.
pub struct RuleDoc {
    pub id: RuleId,
    pub name: &'static str,
    pub summary: &'static str,
    pub fix: &'static str,
    /// What it finds, what it stays silent on, an example and the fix, as Markdown.
    pub doc: &'static str,
}

impl RuleId {
    pub const ALL: [RuleId; 10] = [
        RuleId::MR001,
        RuleId::MR002,
        RuleId::MR003,
        RuleId::MR004,
        RuleId::MR005,
        RuleId::MR006,
        RuleId::MR007,
        RuleId::MR008,
        RuleId::MR009,
        RuleId::GORACE,
    ];

    pub fn doc(self) -> &'static RuleDoc {
        match self {
            RuleId::MR001 => &unguarded_map_access::DOC,
            RuleId::MR002 => &inner_map_escapes_lock::DOC,
            RuleId::MR003 => &shared_inner_map::DOC,
            RuleId::MR004 => &racy_lazy_init::DOC,
            RuleId::MR005 => &syncmap_check_then_act::DOC,
            RuleId::MR006 => &write_under_rlock::DOC,
            RuleId::MR007 => &split_read_modify_write::DOC,
            RuleId::MR008 => &map_returned_from_lock::DOC,
            RuleId::MR009 => &inconsistent_lock::DOC,
            RuleId::GORACE => &go_race::DOC,
        }
    }

    pub fn name(self) -> &'static str {
        self.doc().name
    }

    pub fn fix(self) -> &'static str {
        self.doc().fix
    }

    /// Accepts `MR004`, `mr004` or the rule's name (`racy-lazy-init`).
    pub fn parse(s: &str) -> Option<RuleId> {
        RuleId::ALL
            .into_iter()
            .find(|r| r.to_string().eq_ignore_ascii_case(s) || r.name() == s)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

impl Serialize for RuleId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

mod context;
pub use context::run_all;

pub mod go_race;
pub mod inconsistent_lock;
pub mod inner_map_escapes_lock;
pub mod map_returned_from_lock;
pub mod racy_lazy_init;
pub mod shared_inner_map;
pub mod split_read_modify_write;
pub mod syncmap_check_then_act;
pub mod unguarded_map_access;
pub mod write_under_rlock;
