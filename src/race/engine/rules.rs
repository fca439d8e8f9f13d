//! Which rule an issue is, and de-duplication of repeated issues: a pair of sites is one
//! issue, counted, however often the run repeats it (so issues are bounded by the code, not
//! by the run).

use super::*;

impl Engine {
    /// The rule of a race: of the rules whose shape it has, the first in the rule registry
    /// (the order `check` uses), so both modes name one bug the same way.
    pub(super) fn race_rule(&self, map: u64, a: &Access, b: &Access) -> RuleId {
        let outer_keys = self.inner.get(&map).map(|inner| inner.paths.len());
        let under_read_lock = |x: &Access| x.writes() && !x.held.is_empty() && x.held.iter().all(|h| h.read);
        // One side left a critical section of a lock the other side holds, and had not touched
        // the map inside it: it obtained the map under the lock and uses it outside.
        let returned_from = |x: &Access, y: &Access| x.left_lock != 0 && y.held.holds(x.left_lock);
        RuleId::first_by_priority(|r| match r {
            RuleId::MR003 => outer_keys.is_some_and(|n| n > 1),
            RuleId::MR002 => outer_keys.is_some_and(|n| n <= 1),
            RuleId::MR006 => under_read_lock(a) || under_read_lock(b),
            RuleId::MR008 => returned_from(a, b) || returned_from(b, a),
            RuleId::MR009 => !a.held.is_empty() && !b.held.is_empty(),
            RuleId::MR001 => true,
            // Check-then-act rules come from the atomicity check; GORACE is Go's detector.
            _ => false,
        })
        .unwrap_or(RuleId::MR001)
    }

    /// A check-then-act on a `sync.Map` is MR005; on a plain map, one that stores a map value
    /// is the lazy init of an inner map (MR004), any other a split read-modify-write (MR007):
    /// the first in the registry of those that fit.
    pub(super) fn check_then_act_rule(&self, sync_map: bool, act: &Access, acc: &Access) -> RuleId {
        let creates_inner = self.facts.map_value(act.site) || self.facts.map_value(acc.site);
        RuleId::first_by_priority(|r| match r {
            RuleId::MR005 => sync_map,
            RuleId::MR004 => !sync_map && creates_inner,
            RuleId::MR007 => !sync_map,
            _ => false,
        })
        .unwrap_or(RuleId::MR007)
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
