//! The rules: what each finding means, its documentation, its message, and which facts of the
//! analysis it reports. One file per rule owns all of that (its `RULE`); the registry below is
//! the single list of rules, in priority order. The analysis knows nothing of rules: it returns
//! rule-neutral facts (`analysis::Facts`), and `run_all` turns them into findings.
//!
//! Adding a rule: a new file with its `DOC` and `RULE`, one line in `registry!`, a corpus
//! directory (ARCHITECTURE.md, "Add a rule").

use std::fmt;

use serde::{Serialize, Serializer};

use crate::report::Finding;

mod confidence;
mod context;
mod run;

pub use confidence::Confidence;
pub use context::{RuleContext, Side};
pub use run::run_all;

/// What `maprace explain` prints and docs/rules/ is generated from.
pub struct RuleDoc {
    pub id: RuleId,
    pub name: &'static str,
    pub summary: &'static str,
    pub fix: &'static str,
    /// What it finds, what it stays silent on, an example and the fix, as Markdown.
    pub doc: &'static str,
}

/// One rule: its documentation and what it reports.
pub struct Rule {
    pub doc: RuleDoc,
    /// Findings from the facts this rule owns (lazy inits, `sync.Map` sequences, ...).
    pub facts: Option<fn(&RuleContext, &mut Vec<Finding>)>,
    /// The sides of conflicting access pairs this rule diagnoses.
    pub conflict: Option<ConflictRule>,
}

/// How a rule reports conflicts (two accesses that may run at once, one a write, unordered
/// and unguarded): each side is offered to the rules in priority order; the first that claims
/// it reports it, unless a rule before it silences the side.
pub struct ConflictRule {
    pub claims: fn(&Side) -> bool,
    pub finding: fn(&RuleContext, &Side) -> Finding,
    /// Sides this rule's own reports already cover (the reads of a racy lazy init): no other
    /// rule reports them.
    pub silences: Option<fn(&Side) -> bool>,
}

/// The registry: every rule, most specific diagnosis first. When several rules would report
/// one line, or both sides of one conflict, the first in this list wins. The enum `RuleId`,
/// the rule modules and the lookups are generated from it.
macro_rules! registry {
    ($($id:ident => $module:ident),+ $(,)?) => {
        /// Stable rule ids (`MR004`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum RuleId {
            $($id),+
        }

        $(pub mod $module;)+

        /// Every rule, in priority order.
        pub static REGISTRY: &[&Rule] = &[$(&$module::RULE),+];

        impl RuleId {
            pub fn rule(self) -> &'static Rule {
                match self {
                    $(RuleId::$id => &$module::RULE),+
                }
            }
        }
    };
}

registry! {
    MR004 => racy_lazy_init,
    MR005 => syncmap_check_then_act,
    MR007 => split_read_modify_write,
    MR006 => write_under_rlock,
    MR003 => shared_inner_map,
    MR008 => map_returned_from_lock,
    MR002 => inner_map_escapes_lock,
    MR009 => inconsistent_lock,
    MR001 => unguarded_map_access,
    GORACE => go_race,
}

impl RuleId {
    /// Every rule id in catalogue order (MR001 … MR009, then GORACE): for listings.
    pub fn all() -> &'static [RuleId] {
        static ALL: std::sync::LazyLock<Vec<RuleId>> = std::sync::LazyLock::new(|| {
            let mut v: Vec<RuleId> = REGISTRY.iter().map(|r| r.doc.id).collect();
            v.sort();
            v
        });
        &ALL
    }

    pub fn doc(self) -> &'static RuleDoc {
        &self.rule().doc
    }

    pub fn name(self) -> &'static str {
        self.doc().name
    }

    pub fn fix(self) -> &'static str {
        self.doc().fix
    }

    /// Position in the registry: lower wins.
    pub fn priority(self) -> usize {
        REGISTRY.iter().position(|r| r.doc.id == self).unwrap_or(REGISTRY.len())
    }

    /// The most specific rule, in registry order, of those `applies` accepts: how a mode that
    /// finds several rules fitting one report (the dynamic engine) chooses, like `check`.
    pub fn first_by_priority(applies: impl Fn(RuleId) -> bool) -> Option<RuleId> {
        REGISTRY.iter().map(|r| r.doc.id).find(|id| applies(*id))
    }

    /// Accepts `MR004`, `mr004` or the rule's name (`racy-lazy-init`).
    pub fn parse(s: &str) -> Option<RuleId> {
        RuleId::all().iter().copied().find(|r| r.to_string().eq_ignore_ascii_case(s) || r.name() == s)
    }

    /// Catalogue order: MR rules by number, then the ids of other tools' reports.
    fn catalogue_key(self) -> (bool, String) {
        (self == RuleId::GORACE, self.to_string())
    }
}

impl PartialOrd for RuleId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for RuleId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.catalogue_key().cmp(&other.catalogue_key())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_registered_once_under_its_own_id() {
        let mut seen = std::collections::HashSet::new();
        for r in REGISTRY {
            assert!(seen.insert(r.doc.id), "{} registered twice", r.doc.id);
            assert_eq!(r.doc.id.rule().doc.id, r.doc.id);
        }
        assert_eq!(RuleId::all().len(), REGISTRY.len());
        assert_eq!(RuleId::all().first(), Some(&RuleId::MR001));
        assert_eq!(RuleId::all().last(), Some(&RuleId::GORACE));
    }

    #[test]
    fn names_parse_back() {
        for id in RuleId::all() {
            assert_eq!(RuleId::parse(id.name()), Some(*id));
            assert_eq!(RuleId::parse(&id.to_string().to_lowercase()), Some(*id));
        }
    }
}
