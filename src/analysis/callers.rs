//! The locks a function's callers hold: `caller_locks`, a greatest fixpoint over the calls
//! the walks noted (`Analyzer::note_entry_locks`), read by `drop_guarded_by_callers` (conflicts
//! and sync.Map check-then-acts in helpers every caller locks around) and
//! for the rules' `Facts::caller_held`.

use std::rc::Rc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::summary::{Access, Thread};
use super::{Analyzer, WalkId};
use crate::model::{FuncId, TypeId};

impl Analyzer<'_> {
    /// The locks (by class) an unexported function always runs under: at every call outside
    /// tests, those the caller holds there or itself always runs under (a greatest fixpoint
    /// over the calls; exported functions and functions called from the entry walk run under
    /// none).
    pub(super) fn entry_locks(&self) -> HashMap<FuncId, Vec<(TypeId, Rc<str>)>> {
        self.caller_locks(false)
    }

    /// `entry_locks`, for exported functions too when `exported` (their callers outside the
    /// module are unknown, so what this says is only what the module shows).
    pub(super) fn caller_locks(&self, with_exported: bool) -> HashMap<FuncId, Vec<(TypeId, Rc<str>)>> {
        let exported = |f: FuncId| self.prog.funcs[f as usize].name.chars().next().is_some_and(char::is_uppercase);
        // The fixpoint runs over dense numbers: functions by slot, lock classes by id (equal
        // classes, equal ids), and only the calls that constrain anything, each read once. It
        // was most of the analysis of a warm run of GOROOT/src, copying and hashing the
        // (type, name) pairs of every call in every round.
        let mut slot_of: HashMap<FuncId, usize> = HashMap::default();
        let mut funcs: Vec<FuncId> = Vec::new();
        for (_, callee, _) in &self.call_locks {
            if with_exported || !exported(*callee) {
                slot_of.entry(*callee).or_insert_with(|| {
                    funcs.push(*callee);
                    funcs.len() - 1
                });
            }
        }
        // Functions the module's own code (not tests, not the entry walk) calls.
        let module_called: HashSet<FuncId> = self
            .call_locks
            .iter()
            .filter(|(caller, _, _)| caller.is_some_and(|c| !self.prog.is_test_file(self.prog.funcs[c as usize].file)))
            .map(|(_, callee, _)| *callee)
            .collect();
        let mut class_id: HashMap<&(TypeId, Rc<str>), u32> = HashMap::default();
        let mut classes: Vec<&(TypeId, Rc<str>)> = Vec::new();
        // (callee's slot, the caller's slot when what it runs under counts, classes held).
        let mut calls: Vec<(usize, Option<usize>, Vec<u32>)> = Vec::new();
        for (caller, callee, held) in &self.call_locks {
            let Some(&slot) = slot_of.get(callee) else { continue };
            // Tests call such helpers bare, on objects nothing else touches then (their
            // own races are judged in the tests' walks); the entry walk calls unexported
            // methods only for the goroutines they start.
            let Some(c) = caller else { continue };
            if self.prog.is_test_file(self.prog.funcs[*c as usize].file) {
                continue;
            }
            // An exported caller may run bare: only what it holds at the call counts; unless
            // exported functions are judged by what the module shows, where an exported
            // caller the module itself calls runs under what its own callers hold.
            let outer = if exported(*c) && !(with_exported && module_called.contains(c)) { None } else { slot_of.get(c).copied() };
            let held = held
                .iter()
                .map(|k| {
                    *class_id.entry(k).or_insert_with(|| {
                        classes.push(k);
                        classes.len() as u32 - 1
                    })
                })
                .collect();
            calls.push((slot, outer, held));
        }
        // None: not yet constrained (top).
        let mut entry: Vec<Option<Vec<u32>>> = vec![None; funcs.len()];
        for _ in 0..64 {
            let mut next: Vec<Option<Vec<u32>>> = vec![None; funcs.len()];
            for (callee, outer, held) in &calls {
                // What the callee runs under at this call: None (top) when the caller is
                // itself still unconstrained.
                let here: Option<Vec<u32>> = match outer.map(|c| &entry[c]) {
                    Some(None) => None,
                    Some(Some(outer)) => Some(held.iter().chain(outer).copied().collect()),
                    None => Some(held.clone()),
                };
                let slot = &mut next[*callee];
                *slot = match (slot.take(), here) {
                    (None, h) => h,
                    (s, None) => s,
                    (Some(a), Some(b)) => Some(a.into_iter().filter(|c| b.contains(c)).collect()),
                };
            }
            if next == entry {
                break;
            }
            entry = next;
        }
        funcs
            .into_iter()
            .zip(entry)
            .filter_map(|(f, v)| v.filter(|v| !v.is_empty()).map(|v| (f, v.into_iter().map(|k| classes[k as usize].clone()).collect())))
            .collect()
    }

    /// An unexported function runs under the locks all its callers hold (a helper documented
    /// "c.mu must be held"): its own walk did not know them. A conflict found there between
    /// its own code (the caller's goroutine) and another access that holds one of those locks
    /// is guarded after all (RacerD judges private methods in their callers' context alike).
    pub(super) fn drop_guarded_by_callers(&mut self) {
        let entry = self.entry_locks();
        self.facts.conflicts.retain(|c| {
            let WalkId::Function(f) = c.walk else { return true };
            let Some(classes) = entry.get(&f) else { return true };
            let covered = |mine: &Access, other: &Access| {
                mine.thread == Thread::Current && other.locks.iter().any(|l| l.class.as_ref().is_some_and(|k| classes.contains(k)))
            };
            !(covered(&c.a, &c.b) || covered(&c.b, &c.a))
        });
        // A sync.Map Load then Store in a helper every caller runs under one lock (`...Locked`
        // helpers): the pair is atomic against every other run of it.
        self.facts.syncmap.retain(|f| !f.func.is_some_and(|id| entry.get(&id).is_some_and(|classes| !classes.is_empty())));
    }
}
