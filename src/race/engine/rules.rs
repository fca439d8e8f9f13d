//! Which rule an issue is, and de-duplication of repeated issues: a pair of sites is one
//! issue, counted, however often the run repeats it (so issues are bounded by the code, not
//! by the run).

use super::*;

impl Engine {
    pub(super) fn race_rule(&self, map: u64, a: &Access, b: &Access) -> RuleId {
        if let Some(inner) = self.inner.get(&map) {
            return if inner.paths.len() > 1 { RuleId::MR003 } else { RuleId::MR002 };
        }
        let under_read_lock = |x: &Access| x.writes() && !x.held.is_empty() && x.held.iter().all(|h| h.read);
        // One side left a critical section of a lock the other side holds, and had not touched
        // the map inside it: it obtained the map under the lock and uses it outside.
        let returned_from = |x: &Access, y: &Access| x.left_lock != 0 && y.held.holds(x.left_lock);
        if under_read_lock(a) || under_read_lock(b) {
            RuleId::MR006
        } else if returned_from(a, b) || returned_from(b, a) {
            RuleId::MR008
        } else if !a.held.is_empty() && !b.held.is_empty() {
            RuleId::MR009
        } else {
            RuleId::MR001
        }
    }

    /// A check-then-act on a `sync.Map` is MR005; one that stores a map value is the lazy init
    /// of an inner map (MR004); any other is a split read-modify-write (MR007).
    pub(super) fn check_then_act_rule(&self, sync_map: bool, act: &Access, acc: &Access) -> RuleId {
        if sync_map {
            RuleId::MR005
        } else if self.facts.map_value(act.site) || self.facts.map_value(acc.site) {
            RuleId::MR004
        } else {
            RuleId::MR007
        }
    }

    /// An inner map found under several outer keys is a shared inner map (MR003), even if its
    /// race was seen before the second key: applied when the map's state goes and at the end.
    pub(super) fn settle_inner(&mut self, map: u64) {
        let Some(inner) = self.inner.remove(&map) else { return };
        if inner.paths.len() > 1 {
            for i in self.issues.iter_mut().filter(|i| i.map == map && i.rule == RuleId::MR002) {
                i.rule = RuleId::MR003;
            }
        }
    }

    pub(super) fn push(&mut self, issue: Issue) {
        let a = issue.at.site;
        let b = issue.intruder.as_ref().map_or(issue.other.site, |w| w.site);
        let key = (issue.rule, a.min(b), a.max(b));
        match self.seen.get(&key) {
            Some(&i) => {
                let old = &mut self.issues[i];
                old.count += 1;
                if old.evidence == Evidence::Predicted && issue.evidence == Evidence::Observed {
                    let count = old.count;
                    *old = Issue { count, ..issue };
                }
            }
            None => {
                self.seen.insert(key, self.issues.len());
                self.issues.push(issue);
            }
        }
    }
}
