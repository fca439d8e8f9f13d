//! Which rule an issue is, and de-duplication of repeated issues.

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
