//! Unit tests of the engine on hand-built traces.

use super::*;
use crate::race::trace::{FLAG_KEY, FLAG_SYNC_MAP};

const M: u64 = 0x1000;
const MU: u64 = 0x2000;
const MU2: u64 = 0x3000;

struct Run(Engine);

fn e(kind: Kind, g: u32, site: u32, flags: u8, a: u64, b: u64) -> Event {
    Event { kind, flags, goroutine: g, site, aux: 0, a, b }
}

impl Run {
    fn new() -> Run {
        Run::with_map_values(&[])
    }
    fn with_map_values(sites: &[u32]) -> Run {
        let mut map_value = vec![false; 64];
        for &s in sites {
            map_value[s as usize] = true;
        }
        let mut r = Run(Engine::new(SiteFacts { map_value }));
        r.0.event(e(Kind::UnknownGoroutine, 1, 0, 0, 0, 0));
        r
    }
    fn go(&mut self, parent: u32, child: u32) -> &mut Self {
        self.0.event(e(Kind::Fork, parent, 0, 0, child as u64, 0));
        self.0.event(e(Kind::Start, child, 0, 0, 0, 0));
        self
    }
    fn lock(&mut self, g: u32, l: u64) -> &mut Self {
        self.0.event(e(Kind::Acquire, g, 0, 0, l, 0));
        self
    }
    fn unlock(&mut self, g: u32, l: u64) -> &mut Self {
        self.0.event(e(Kind::Release, g, 0, 0, l, 0));
        self
    }
    fn rlock(&mut self, g: u32, l: u64) -> &mut Self {
        self.0.event(e(Kind::Acquire, g, 0, FLAG_READ_MODE, l, 0));
        self
    }
    fn runlock(&mut self, g: u32, l: u64) -> &mut Self {
        self.0.event(e(Kind::Release, g, 0, FLAG_READ_MODE, l, 0));
        self
    }
    fn rel(&mut self, g: u32, o: u64) -> &mut Self {
        self.0.event(e(Kind::SyncRelease, g, 0, 0, o, 0));
        self
    }
    fn acq(&mut self, g: u32, o: u64) -> &mut Self {
        self.0.event(e(Kind::SyncAcquire, g, 0, 0, o, 0));
        self
    }
    fn op(&mut self, kind: Kind, g: u32, site: u32, key: u64) -> &mut Self {
        self.0.event(e(kind, g, site, FLAG_KEY, M, key));
        self
    }
    fn read(&mut self, g: u32, site: u32) -> &mut Self {
        self.op(Kind::Read, g, site, 7)
    }
    fn write(&mut self, g: u32, site: u32) -> &mut Self {
        self.op(Kind::Write, g, site, 7)
    }
    fn sm(&mut self, kind: Kind, g: u32, site: u32) -> &mut Self {
        self.0.event(e(kind, g, site, FLAG_KEY | FLAG_SYNC_MAP, M, 7));
        self
    }
    fn rules(&mut self) -> Vec<(RuleId, Evidence)> {
        self.0.finish();
        self.0.issues().iter().map(|i| (i.rule, i.evidence)).collect()
    }
}

#[test]
fn unordered_write_and_read_is_an_observed_race() {
    let mut r = Run::new();
    r.go(1, 2).go(1, 3).write(2, 10).read(3, 11);
    assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Observed)]);
    let i = &r.0.issues()[0];
    assert_eq!((i.at.site, i.other.site), (11, 10));
}

#[test]
fn two_reads_never_race() {
    let mut r = Run::new();
    r.go(1, 2).go(1, 3).read(2, 10).read(3, 11);
    assert!(r.rules().is_empty());
}

#[test]
fn goroutine_start_orders_what_came_before() {
    let mut r = Run::new();
    r.write(1, 10).go(1, 2).read(2, 11);
    assert!(r.rules().is_empty());
}

#[test]
fn a_common_lock_protects() {
    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.lock(2, MU).write(2, 10).unlock(2, MU).lock(3, MU).read(3, 11).unlock(3, MU);
    assert!(r.rules().is_empty());
}

#[test]
fn an_unrelated_lock_masks_a_race_that_is_then_predicted() {
    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.write(2, 10).lock(2, MU).unlock(2, MU).lock(3, MU).unlock(3, MU).read(3, 11);
    assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Predicted)]);
}

#[test]
fn channels_waitgroups_and_atomics_order() {
    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    // send/receive
    r.write(2, 10).rel(2, 0xc1).acq(3, 0xc1).write(3, 11);
    // wg.Done / wg.Wait
    r.write(3, 12).rel(3, 0xc2).acq(1, 0xc2).write(1, 13);
    assert!(r.rules().is_empty());
}

#[test]
fn range_and_len_race_with_a_write_of_any_key() {
    let mut r = Run::new();
    r.go(1, 2).go(1, 3).op(Kind::Write, 2, 10, 1);
    r.0.event(e(Kind::Range, 3, 11, 0, M, 0));
    assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Observed)]);
}

#[test]
fn write_under_read_lock_is_mr006_and_two_locks_mr009() {
    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.rlock(2, MU).write(2, 10).runlock(2, MU).rlock(3, MU).read(3, 11).runlock(3, MU);
    assert_eq!(r.rules(), vec![(RuleId::MR006, Evidence::Observed)]);

    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.lock(2, MU).write(2, 10).unlock(2, MU).lock(3, MU2).read(3, 11).unlock(3, MU2);
    assert_eq!(r.rules(), vec![(RuleId::MR009, Evidence::Observed)]);
}

#[test]
fn split_read_modify_write_is_found_whether_or_not_an_update_was_lost() {
    // g2: get (own critical section), set (another one); g3 writes between: lost update.
    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.lock(2, MU).read(2, 10).unlock(2, MU);
    r.lock(3, MU).write(3, 12).unlock(3, MU);
    r.lock(2, MU).write(2, 11).unlock(2, MU);
    assert_eq!(r.rules(), vec![(RuleId::MR007, Evidence::Observed)]);

    // g3 writes after the pair: no update lost in this run, still a violation.
    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.lock(2, MU).read(2, 10).unlock(2, MU).lock(2, MU).write(2, 11).unlock(2, MU);
    r.lock(3, MU).write(3, 12).unlock(3, MU);
    assert_eq!(r.rules(), vec![(RuleId::MR007, Evidence::Predicted)]);
}

#[test]
fn check_then_create_of_an_inner_map_is_mr004() {
    let mut r = Run::with_map_values(&[11]);
    r.go(1, 2).go(1, 3);
    r.rlock(2, MU).read(2, 10).runlock(2, MU).lock(2, MU).write(2, 11).unlock(2, MU);
    r.rlock(3, MU).read(3, 10).runlock(3, MU);
    assert_eq!(r.rules(), vec![(RuleId::MR004, Evidence::Predicted)]);
}

#[test]
fn re_checking_under_the_write_lock_is_safe() {
    let mut r = Run::with_map_values(&[12]);
    r.go(1, 2).go(1, 3);
    for g in [2, 3] {
        r.rlock(g, MU).read(g, 10).runlock(g, MU);
        r.lock(g, MU).read(g, 11).write(g, 12).unlock(g, MU);
    }
    assert!(r.rules().is_empty());
}

#[test]
fn check_then_act_ordered_by_the_program_is_safe() {
    // g2 does its check-then-act, then hands over to g3 on a channel.
    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.read(2, 10).write(2, 11).rel(2, 0xc1).acq(3, 0xc1).read(3, 10).write(3, 11);
    assert!(r.rules().is_empty());
}

#[test]
fn sync_map_load_then_store_is_mr005_and_load_or_store_is_safe() {
    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.sm(Kind::Read, 2, 10).sm(Kind::Write, 2, 11).sm(Kind::Read, 3, 10);
    assert_eq!(r.rules(), vec![(RuleId::MR005, Evidence::Predicted)]);

    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.sm(Kind::Update, 2, 10).sm(Kind::Update, 3, 10).sm(Kind::Read, 3, 11);
    assert!(r.rules().is_empty());
}

#[test]
fn sync_map_publishes_its_values() {
    // g2 fills an inner map and stores it; g3 loads it and reads the inner map.
    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.0.event(e(Kind::Write, 2, 10, FLAG_KEY, 0x9000, 1));
    r.sm(Kind::Write, 2, 11).sm(Kind::Read, 3, 12);
    r.0.event(e(Kind::Read, 3, 13, FLAG_KEY, 0x9000, 1));
    assert!(r.rules().is_empty());
}

#[test]
fn inner_maps_reached_through_one_or_two_outer_keys() {
    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.0.event(e(Kind::Fetch, 2, 20, 0, 0x5000, M));
    r.write(2, 10).read(3, 11);
    assert_eq!(r.rules(), vec![(RuleId::MR002, Evidence::Observed)]);

    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.0.event(Event { aux: 1, ..e(Kind::Fetch, 2, 20, 0, 0x5000, M) });
    r.write(2, 10).read(3, 11);
    r.0.event(Event { aux: 2, ..e(Kind::Fetch, 3, 21, 0, 0x5000, M) });
    assert_eq!(r.rules(), vec![(RuleId::MR003, Evidence::Observed)]);
}

#[test]
fn race_rules_follow_the_registry_order_like_check() {
    // A write under a read lock into an inner map has the shape of MR006 and of MR002: the
    // registry puts MR006 first (as check reports it), whatever the engine asks first.
    assert!(RuleId::MR006.priority() < RuleId::MR002.priority());
    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.0.event(e(Kind::Fetch, 2, 20, 0, 0x5000, M));
    r.rlock(2, MU).write(2, 10).runlock(2, MU);
    r.rlock(3, MU).read(3, 11).runlock(3, MU);
    assert_eq!(r.rules(), vec![(RuleId::MR006, Evidence::Observed)]);
}

#[test]
fn a_goroutine_seen_without_its_start_is_ordered_after_everything_so_far() {
    let mut r = Run::new();
    r.write(1, 10);
    r.0.event(e(Kind::UnknownGoroutine, 9, 0, 0, 0, 0));
    r.read(9, 11);
    assert!(r.rules().is_empty());
}

#[test]
fn an_ended_goroutine_frees_its_clocks_and_what_it_released_still_orders() {
    let mut r = Run::new();
    r.go(1, 2).write(2, 10).rel(2, 0xc2);
    r.0.event(e(Kind::End, 2, 0, 0, 0, 0));
    assert_eq!(r.0.live_goroutines(), 1, "the ended goroutine's state is gone");
    r.acq(1, 0xc2).read(1, 11);
    r.0.event(e(Kind::UnknownGoroutine, 3, 0, 0, 0, 0));
    r.write(3, 12);
    assert!(r.rules().is_empty());
}

#[test]
fn few_goroutines_get_their_own_slots_and_an_ended_ones_race_is_still_seen() {
    // The article's delayed start: the second goroutine starts after the first ended.
    let mut r = Run::new();
    r.go(1, 2).read(2, 9);
    r.0.event(e(Kind::End, 2, 0, 0, 0, 0));
    r.go(1, 3).write(3, 8);
    assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Observed)]);
}

/// Starts goroutines 100, 101, ... until every clock slot is taken (goroutine 1 holds one).
fn fill_slots(r: &mut Run) {
    for g in 0..SLOTS as u32 - 1 {
        r.go(1, 100 + g);
    }
}

#[test]
fn past_the_slots_ended_ones_are_reused_then_idle_ones_preempted_and_races_still_found() {
    let mut r = Run::new();
    fill_slots(&mut r);
    let freed = r.0.gs.slot_of(100);
    r.0.event(e(Kind::End, 100, 0, 0, 0, 0));
    r.go(1, 3);
    assert_eq!(r.0.gs.slot_of(3), freed, "goroutine 3 took the ended goroutine's slot");
    let idle = r.0.gs.slot_of(101);
    r.go(1, 4);
    assert_eq!(r.0.gs.slot_of(4), idle, "goroutine 4 preempted the idlest goroutine");
    assert_eq!(r.0.gs.slot_of(101), None);
    r.write(3, 10).read(4, 11);
    assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Observed)]);
    let i = &r.0.issues()[0];
    assert_eq!((i.at.gid, i.other.gid), (4, 3));
    assert_eq!(r.0.creator(4), Some((1, 0)));
    // The preempted goroutine runs again in another slot; its race with goroutine 3 is found.
    r.write(101, 12);
    assert!(r.0.issues().iter().any(|i| i.at.gid == 101 && i.other.gid == 4), "{:?}", r.0.issues());
}

#[test]
fn more_goroutines_alive_than_slots_cost_no_more_than_slots() {
    let mut r = Run::new();
    for g in 0..4 * SLOTS as u32 {
        r.go(1, 100 + g).write(100 + g, 10);
    }
    assert!(r.0.gs.live.iter().all(|g| g.clock.clocks.c().len() <= SLOTS));
    assert_eq!(r.0.live_goroutines(), 4 * SLOTS + 1);
    assert!(!r.rules().is_empty(), "unordered writes of goroutines that never shared a slot race");
}

#[test]
fn a_new_map_at_a_reused_address_starts_clean() {
    let mut r = Run::new();
    r.go(1, 2).go(1, 3).write(2, 10);
    r.0.event(e(Kind::Alloc, 3, 30, 0, M, 0));
    r.write(3, 11);
    assert!(r.rules().is_empty());
}

#[test]
fn a_map_obtained_under_a_lock_and_used_after_it_is_mr008() {
    // g2: `for range c.Labels()`, the getter returning the map from inside RLock/RUnlock;
    // g3: `c.mu.Lock(); c.labels[k] = v; c.mu.Unlock()`. Either order.
    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.rlock(2, MU).runlock(2, MU);
    r.0.event(e(Kind::Range, 2, 11, 0, M, 0));
    r.lock(3, MU).write(3, 10).unlock(3, MU);
    assert_eq!(r.rules(), vec![(RuleId::MR008, Evidence::Observed)]);
    let i = &r.0.issues()[0];
    assert_eq!((i.at.site, i.other.site), (10, 11));

    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.lock(3, MU).write(3, 10).unlock(3, MU);
    r.rlock(2, MU).runlock(2, MU);
    r.0.event(e(Kind::Range, 2, 11, 0, M, 0));
    assert_eq!(r.rules(), vec![(RuleId::MR008, Evidence::Predicted)]);
}

#[test]
fn a_map_also_accessed_inside_the_section_left_is_not_mr008() {
    // g2: `mu.Lock(); m[a]++; mu.Unlock(); m[b]++`: the map was used under the lock, then
    // outside it: an unguarded access (MR001), not a map returned from a lock.
    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.lock(2, MU).op(Kind::Read, 2, 10, 1).op(Kind::Write, 2, 10, 1).unlock(2, MU);
    r.op(Kind::Write, 2, 12, 2);
    r.lock(3, MU).write(3, 11).unlock(3, MU);
    assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Observed)]);

    // The other side holds another lock than the one left: MR001 too.
    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.rlock(2, MU).runlock(2, MU);
    r.0.event(e(Kind::Range, 2, 11, 0, M, 0));
    r.lock(3, MU2).write(3, 10).unlock(3, MU2);
    assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Observed)]);

    // Another lock left since: only the section left last counts.
    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.rlock(2, MU).runlock(2, MU).lock(2, MU2).unlock(2, MU2);
    r.0.event(e(Kind::Range, 2, 11, 0, M, 0));
    r.lock(3, MU).write(3, 10).unlock(3, MU);
    assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Observed)]);
}

#[test]
fn a_lock_join_is_skipped_only_for_the_goroutine_that_already_has_it() {
    // g4's write reaches the lock's clock through g2; g2 ends and g3 takes its slot: g3's
    // acquisition must still join the lock's clock (the lock remembers goroutine 2, not its
    // slot), so that the race is predicted (ordered through the lock), not observed.
    let mut r = Run::new();
    fill_slots(&mut r);
    r.0.event(e(Kind::End, 100, 0, 0, 0, 0));
    r.0.event(e(Kind::End, 101, 0, 0, 0, 0));
    r.go(1, 2).go(1, 4);
    r.write(4, 10).rel(4, 0xc1).acq(2, 0xc1).lock(2, MU).unlock(2, MU);
    let slot = r.0.gs.slot_of(2);
    r.0.event(e(Kind::End, 2, 0, 0, 0, 0));
    r.0.event(e(Kind::End, 102, 0, 0, 0, 0));
    r.go(1, 3);
    assert_eq!(r.0.gs.slot_of(3), slot, "goroutine 3 took goroutine 2's slot");
    r.lock(3, MU).unlock(3, MU).read(3, 11);
    assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Predicted)]);

    // The same goroutine re-acquiring skips the join and still sees what others released.
    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    r.lock(2, MU).unlock(2, MU).lock(2, MU).unlock(2, MU);
    r.write(3, 10).lock(3, MU).unlock(3, MU);
    r.lock(2, MU).unlock(2, MU).read(2, 11);
    assert_eq!(r.rules(), vec![(RuleId::MR001, Evidence::Predicted)]);
}

#[test]
fn a_map_guarded_by_one_lock_so_far_still_races_with_an_unlocked_access() {
    // Every access so far holds MU in write mode (the shadow's guard): accesses under MU
    // skip the checks; one without MU, or under MU2 only, is checked against all of them.
    let mut r = Run::new();
    r.go(1, 2).go(1, 3).go(1, 4);
    for g in [2, 3, 2, 3] {
        r.lock(g, MU).read(g, 10).write(g, 11).unlock(g, MU);
    }
    r.rlock(4, MU).read(4, 12).runlock(4, MU);
    assert!(r.rules().is_empty());
    r.lock(4, MU2).read(4, 13).unlock(4, MU2);
    r.read(4, 14);
    r.lock(2, MU).write(2, 15).unlock(2, MU);
    let mut found: Vec<_> = r.0.issues().iter().map(|i| (i.rule, i.at.site, i.other.site)).collect();
    found.sort();
    // (g4's unlocked read replaced its read under MU2: one read per goroutine is kept.)
    assert_eq!(found, vec![(RuleId::MR001, 14, 11), (RuleId::MR001, 15, 14), (RuleId::MR009, 13, 11)]);

    // A write under the read lock of the guarding lock: protected against the writers,
    // racing with the other reader under the read lock (MR006).
    let mut r = Run::new();
    r.go(1, 2).go(1, 3).go(1, 4);
    r.lock(2, MU).write(2, 10).unlock(2, MU);
    r.rlock(3, MU).read(3, 11).runlock(3, MU);
    r.rlock(4, MU).write(4, 12).runlock(4, MU);
    assert_eq!(r.rules(), vec![(RuleId::MR006, Evidence::Observed)]);
    assert_eq!((r.0.issues()[0].at.site, r.0.issues()[0].other.site), (12, 11));
}

#[test]
fn repeated_races_are_reported_once_with_a_count() {
    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    for _ in 0..5 {
        r.write(2, 10).write(3, 11);
    }
    assert_eq!(r.rules().len(), 1);
    assert!(r.0.issues()[0].count > 1);
}

#[test]
fn a_freed_map_is_forgotten() {
    let mut r = Run::new();
    r.go(1, 2).go(1, 3).write(2, 10);
    r.0.event(e(Kind::Free, 2, 0, 0, M, 0));
    r.write(3, 11);
    assert!(r.rules().is_empty());
}

#[test]
fn key_histories_are_capped_per_map() {
    let mut r = Run::new();
    r.go(1, 2).go(1, 3);
    for k in 0..=MAX_KEYS_PER_MAP as u64 {
        r.lock(2, MU).op(Kind::Read, 2, 10, k).unlock(2, MU);
    }
    assert_eq!(r.0.key_flushes(), 1);
    // A check-then-act after the flush is still found.
    r.lock(2, MU).read(2, 10).unlock(2, MU).lock(2, MU).write(2, 11).unlock(2, MU);
    r.lock(3, MU).write(3, 12).unlock(3, MU);
    assert_eq!(r.rules(), vec![(RuleId::MR007, Evidence::Predicted)]);
}
