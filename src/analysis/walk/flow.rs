//! Locks, orderings and accesses: acquiring and releasing locks and sync objects, and
//! recording an access with the guards and orderings in force.

use super::*;
use rustc_hash::FxHashSet;

impl<'a, 'p> Walk<'a, 'p> {
    // ----- locks and ordering --------------------------------------------------------

    /// A lock whose identity its name does not tell (see `HeldLock::aliasable`).
    pub(super) fn lock_aliasable(&mut self, lock: Path, mode: Mode, site: Site, class: Option<(crate::model::TypeId, Rc<str>)>) {
        self.lock(lock, mode, site, class);
        if let Some(l) = self.flow.locks.last_mut() {
            l.aliasable = true;
        }
    }

    pub(super) fn lock(&mut self, lock: Path, mode: Mode, site: Site, class: Option<(crate::model::TypeId, Rc<str>)>) {
        let section = self.fresh_id();
        self.flow.locks.retain(|l| l.lock != lock);
        if self.flow.released.contains(&lock) {
            Rc::make_mut(&mut self.flow.released).retain(|p| *p != lock);
        }
        self.flow.locks.push(HeldLock { lock, mode, section, site, class, once: false, aliasable: false, when: None, try_flag: false, inherited: false });
    }

    /// The named type and field a mutex expression names (`s.mu` → (S, mu); `s` with an
    /// embedded mutex → (S, Mutex)), without evaluating anything.
    pub(super) fn lock_class(&self, recv: &Expr, prefix: &[String]) -> Option<(crate::model::TypeId, Rc<str>)> {
        // A mutex promoted from an embedded field of a named type: that type and field.
        if let Some(first) = prefix.first()
            && let Some(t) = self.static_type(recv)
            && let Some(named) = self.an.prog.named_of(&t)
        {
            return Some((named, Rc::from(first.as_str())));
        }
        // `x.f.Lock()`: field `f` of `x`'s type, also when `f` is an anonymous struct that
        // embeds the mutex next to the maps it guards (`mu struct { sync.Mutex; m map[K]V }`).
        match &recv.kind {
            ExprKind::Selector(x, f) => {
                let t = self.static_type(x)?;
                Some((self.an.prog.named_of(&t)?, Rc::from(f.as_str())))
            }
            _ => None,
        }
    }

    /// `x.f` with `x` of named type T → `T.f` for every instance; a package variable → itself.
    pub(super) fn type_rooted(&self, m: &Expr) -> Option<Path> {
        match &m.kind {
            ExprKind::Selector(x, f) => {
                let t = self.static_type(x)?;
                let (fields, _) = self.an.prog.field(&t, f)?;
                let mut p = Path::type_root(self.an.prog.named_of(&t)?);
                for n in fields {
                    p = p.child(Step::Field(Rc::from(n.as_str())));
                }
                Some(p)
            }
            ExprKind::Ident(n) if self.lookup(n).is_none() => {
                self.an.prog.packages[self.pkg as usize].vars.get(n.as_str())?;
                Some(Path::new(Root::Global(self.pkg, Rc::from(n.as_str()))))
            }
            _ => None,
        }
    }

    pub(super) fn static_type(&self, e: &Expr) -> Option<Type> {
        match &e.kind {
            ExprKind::Ident(n) => match self.lookup(n) {
                Some(v) => Some(v.ty.clone()),
                None => self.an.prog.packages[self.pkg as usize].vars.get(n.as_str()).map(|g| g.ty.clone()),
            },
            ExprKind::Selector(x, f) => {
                let t = self.static_type(x)?;
                self.an.prog.field(&t, f).map(|(_, t)| t)
            }
            ExprKind::Unary(_, x) => self.static_type(x),
            _ => None,
        }
    }

    pub(super) fn unlock(&mut self, lock: &Path) {
        let before = self.flow.locks.len();
        self.flow.locks.retain(|l| &l.lock != lock);
        if self.flow.cond_locks.iter().any(|(_, _, l)| &l.lock == lock) {
            Rc::make_mut(&mut self.flow.cond_locks).retain(|(_, _, l)| &l.lock != lock);
        }
        if before == self.flow.locks.len() && self.thread == Thread::Current {
            if !self.sum.locks_released.contains(lock) {
                self.sum.locks_released.push(lock.clone());
            }
            if !self.flow.released.contains(lock) {
                Rc::make_mut(&mut self.flow.released).push(lock.clone());
            }
        }
    }

    pub(super) fn release(&mut self, s: SyncObj) {
        if let SyncObj::Spawn(site) = &s {
            Rc::make_mut(&mut self.flow.spawned).push(*site);
        }
        self.releases.push((self.thread, self.pos, s.clone()));
        if self.thread == Thread::Current && self.own_effects.insert((true, s.clone())) {
            self.sum.releases.push(s);
        }
    }

    pub(super) fn acquire(&mut self, s: SyncObj) {
        if !self.flow.acq.contains(&s) {
            self.flow.acq = self.flow.acq.with([&s]);
        }
        if matches!(self.thread, Thread::Spawned { .. }) && self.acquired_at.len() < MAX_RELAYS {
            self.acquired_at.push((self.thread, self.pos, s.clone()));
        }
        if self.thread == Thread::Current && !self.spawn_locks.is_empty() && !self.flow.locks.is_empty() && self.joins_at.len() < MAX_RELAYS {
            self.joins_at.push((s.clone(), self.flow.locks.iter().map(|l| l.section).collect()));
        }
        if self.thread == Thread::Current && self.own_effects.insert((false, s.clone())) {
            self.sum.acquires.push(s);
        }
    }

    /// Ordering passed on by a goroutine: an access released `x`, goroutine T acquired `x`
    /// (waited for the goroutines it started) and then released `y` (its own end, a send):
    /// the access comes before whatever acquires `y` too (errgroups inside errgroups).
    /// `rel` sets only name their own goroutine's later releases; this adds the relayed
    /// ones, a few rounds deep.
    pub(super) fn relay_orderings(&mut self, releases: &[(Thread, u32, SyncObj)]) {
        let acquired = std::mem::take(&mut self.acquired_at);
        if acquired.is_empty() || releases.is_empty() {
            return;
        }
        // Each thread's releases in position order, found by binary search: scanning every
        // release per relay, and a large set linearly per object, made this quadratic on
        // functions with thousands of both (VictoriaMetrics: minutes).
        let mut by_thread: rustc_hash::FxHashMap<Thread, Vec<(u32, &SyncObj)>> = rustc_hash::FxHashMap::default();
        for (t, p, s) in releases {
            by_thread.entry(*t).or_default().push((*p, s));
        }
        by_thread.values_mut().for_each(|v| v.sort_by_key(|(p, _)| *p));
        for _ in 0..3 {
            let mut changed = false;
            let mut memo = SetMemo::default();
            for a in &mut self.sum.accesses {
                let thread = a.thread;
                let new = memo.get_or(&a.rel, thread, |set: &SyncSet| {
                    let index: Option<FxHashSet<&SyncObj>> = (set.len() > 16).then(|| set.iter().collect());
                    let has = |x: &SyncObj| index.as_ref().map_or_else(|| set.contains(x), |i| i.contains(x));
                    let mut seen: FxHashSet<&SyncObj> = FxHashSet::default();
                    let mut extra: Vec<&SyncObj> = Vec::new();
                    for (t, p, x) in &acquired {
                        if *t == thread || !has(x) {
                            continue;
                        }
                        let Some(later) = by_thread.get(t) else { continue };
                        let from = later.partition_point(|(p2, _)| p2 <= p);
                        for (_, s) in &later[from..] {
                            if !has(s) && seen.insert(*s) {
                                extra.push(*s);
                            }
                        }
                    }
                    if extra.is_empty() { set.clone() } else { set.with(extra) }
                });
                if new.identity() != a.rel.identity() {
                    a.rel = new;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// A goroutine started while this function held a lock (either mode) and waited for
    /// before that critical section ended (`mu.Lock(); defer mu.Unlock(); ...; go work(); wg.Wait()`)
    /// runs entirely inside it: its accesses hold the lock, so other holders of it (another
    /// call of the same function) are excluded, as the starter itself is by the start and
    /// the wait.
    pub(super) fn inherit_joined_locks(&mut self) {
        if self.spawn_locks.is_empty() || self.joins_at.is_empty() {
            return;
        }
        let spawn_locks = std::mem::take(&mut self.spawn_locks);
        let joins = std::mem::take(&mut self.joins_at);
        let mut memo: rustc_hash::FxHashMap<(Site, usize), LockSet> = Default::default();
        for a in &mut self.sum.accesses {
            let Thread::Spawned { site, .. } = a.thread else { continue };
            let Some(held) = spawn_locks.get(&site) else { continue };
            let inside: Vec<&HeldLock> = held
                .iter()
                .filter(|l| joins.iter().any(|(obj, sections)| a.rel.contains(obj) && sections.contains(&l.section)))
                .filter(|l| !a.locks.iter().any(|m| m.lock == l.lock))
                .collect();
            if inside.is_empty() {
                continue;
            }
            let key = (site, a.locks.identity());
            let locks = memo.entry(key).or_insert_with(|| LockSet::from_vec(a.locks.iter().cloned().chain(inside.into_iter().map(|l| HeldLock { inherited: true, ..l.clone() })).collect()));
            a.locks = locks.clone();
        }
    }

    // ----- joins -----------------------------------------------------------------------

    /// Locks held on every path; ordering marks acquired on every path that needs them.
    pub(super) fn join(&self, a: &Flow, b: &Flow) -> Flow {
        // A caller's lock re-taken on one path and never released on the other is held.
        let kept_by_caller = |l: &HeldLock, other: &Flow| {
            self.sum.locks_released.contains(&l.lock) && !other.released.contains(&l.lock) && !other.locks.iter().any(|m| m.lock == l.lock)
        };
        let mut locks: Vec<HeldLock> = a
            .locks
            .iter()
            .filter(|l| kept_by_caller(l, b))
            .chain(b.locks.iter().filter(|l| kept_by_caller(l, a)))
            .cloned()
            .collect();
        let both = a
            .locks
            .iter()
            .filter_map(|l| {
                let m = b.locks.iter().find(|m| m.lock == l.lock)?;
                let mut j = if m.section == l.section { l.clone() } else { HeldLock { section: l.section.min(m.section), ..l.clone() } };
                // Write on one path, read on the other (`if cacheEnabled { mu.Lock() } else
                // { mu.RLock() }`): held in read mode at least.
                if m.mode != l.mode {
                    j.mode = Mode::Read;
                }
                // Held on one path only under a condition: held under it after the join.
                if j.when.is_none() {
                    j.when = m.when.clone();
                }
                Some(j)
            });
        locks.extend(both);
        let acq = if a.acq == b.acq {
            a.acq.clone()
        } else {
            // What the goroutines of each path release, computed once per join and only when
            // some object is acquired on one path only.
            let (rel_a, rel_b) = (std::cell::OnceCell::new(), std::cell::OnceCell::new());
            let keep = |s: &SyncObj, mine: &Flow, other: &Flow, rel_mine: &std::cell::OnceCell<_>, rel_other: &std::cell::OnceCell<_>| {
                if other.acq.contains(s) || self.not_needed_on(other, mine, s) {
                    return true;
                }
                // Goroutines on both paths: kept only what this path's goroutines release
                // and the other's do not (what is not released by any is no ordering).
                let mine_releases = rel_mine.get_or_init(|| self.released_by(&mine.spawned)).as_ref().is_some_and(|set: &FxHashSet<SyncObj>| set.contains(s));
                mine_releases && rel_other.get_or_init(|| self.released_by(&other.spawned)).as_ref().is_some_and(|set: &FxHashSet<SyncObj>| !set.contains(s))
            };
            let mut v: Vec<SyncObj> = a.acq.iter().filter(|s| keep(s, a, b, &rel_a, &rel_b)).cloned().collect();
            // What both paths acquired is in `v` already: only `b`'s own objects remain.
            let in_a: FxHashSet<&SyncObj> = a.acq.iter().collect();
            let only_b: Vec<SyncObj> = b.acq.iter().filter(|s| !in_a.contains(s) && keep(s, b, a, &rel_b, &rel_a)).cloned().collect();
            v.extend(only_b);
            SyncSet::from_vec(v)
        };
        let spawned = if a.spawned.len() >= b.spawned.len() { a.spawned.clone() } else { b.spawned.clone() };
        // A conditional lock holds after the join only if it held on both paths.
        let cond_locks = if Rc::ptr_eq(&a.cond_locks, &b.cond_locks) {
            a.cond_locks.clone()
        } else {
            Rc::new(a.cond_locks.iter().filter(|c| b.cond_locks.contains(c)).cloned().collect())
        };
        let cond_acqs = if Rc::ptr_eq(&a.cond_acqs, &b.cond_acqs) {
            a.cond_acqs.clone()
        } else {
            Rc::new(a.cond_acqs.iter().filter(|c| b.cond_acqs.contains(c)).cloned().collect())
        };
        let released = if Rc::ptr_eq(&a.released, &b.released) || b.released.is_empty() {
            a.released.clone()
        } else if a.released.is_empty() {
            b.released.clone()
        } else {
            let mut v = (*a.released).clone();
            v.extend(b.released.iter().filter(|p| !a.released.contains(p)).cloned());
            Rc::new(v)
        };
        Flow { locks, acq, live: a.live || b.live, jumped: a.jumped || b.jumped, spawned, cond_locks, cond_acqs, released }
    }

    /// `if async { go run(job) } else { run(job); out = job.Output }`: the goroutines the
    /// then-branch started do not exist on the else-branch, so what the else-branch did comes
    /// before them, as if they started after it. (Walk order puts the else-branch after the
    /// `go`; program order never runs both.) Not inside a loop: there an earlier iteration's
    /// goroutine may still run when a later one takes the other branch.
    pub(super) fn before_sibling_spawns(&mut self, entry: &Flow, after_then: &Flow, first: (usize, usize)) {
        if self.loop_depth > 0 || after_then.spawned.len() <= entry.spawned.len() || !after_then.spawned.starts_with(&entry.spawned) {
            return;
        }
        let sites: Vec<SyncObj> = after_then.spawned[entry.spawned.len()..].iter().map(|s| SyncObj::Spawn(*s)).collect();
        let thread = self.thread;
        let mut memo = SetMemo::default();
        for a in &mut self.sum.accesses[first.0..] {
            if a.thread == thread {
                a.rel = memo.get_or(&a.rel, (), |set: &SyncSet| set.with(sites.iter()));
            }
        }
        for pc in &mut self.sum.param_calls[first.1..] {
            if pc.thread == thread {
                for s in &sites {
                    if !pc.rel.contains(s) {
                        pc.rel.push(s.clone());
                    }
                }
            }
        }
    }

    /// Join where a path that ended (return, panic) does not constrain the other. Goroutines
    /// that only the ended path started do not exist on the other (`if async { go work(m);
    /// return }; m[k] = 1`): what follows acquires their end.
    /// The join of several paths (at least one).
    pub(super) fn join_all(&self, flows: Vec<Flow>) -> Flow {
        let mut it = flows.into_iter();
        let first = it.next().unwrap_or_else(|| Flow { live: false, ..Flow::start() });
        it.fold(first, |o, f| self.join_live(&o, &f))
    }

    pub(super) fn join_live(&self, a: &Flow, b: &Flow) -> Flow {
        match (a.live, b.live) {
            (true, false) => never_started(a, b),
            (false, true) => never_started(b, a),
            (false, false) => Flow { live: false, ..self.join(a, b) },
            (true, true) => self.join(a, b),
        }
    }

    /// Acquiring `s` (a `wg.Wait()`, a receive) on one path only still orders the code after
    /// the join when the other path never had to: none of the goroutines on it (started
    /// before the paths split or on it since) releases `s`. (`if parallel { start workers;
    /// wg.Wait() } else { work inline }`: what follows is ordered after the workers on the
    /// path that started them, and there are none on the other; goroutines the inline work
    /// starts and joins itself release other objects.) This is what the goroutines `spawned`
    /// release, in one pass over what was recorded; none (keep nothing one-sided) past a
    /// bound on their number.
    fn released_by(&self, spawned: &[Site]) -> Option<FxHashSet<SyncObj>> {
        let mut out = FxHashSet::default();
        if spawned.is_empty() {
            return Some(out);
        }
        if spawned.len() > 16 {
            return None;
        }
        let of = |t: &Thread| matches!(t, Thread::Spawned { site, .. } if spawned.contains(site));
        out.extend(self.releases.iter().filter(|(t, _, _)| of(t)).map(|(_, _, r)| r.clone()));
        let mut seen = FxHashSet::default();
        for a in &self.sum.accesses {
            if of(&a.thread) && seen.insert(a.rel.identity()) {
                out.extend(a.rel.iter().cloned());
            }
        }
        for pc in &self.sum.param_calls {
            if pc.spawn.is_some_and(|(st, _)| spawned.contains(&st)) {
                out.extend(pc.rel.iter().cloned());
            }
        }
        Some(out)
    }

    /// The cheap test first: the other path started no goroutine since the paths split, and
    /// none of the (few) goroutines started before releases `s`.
    fn not_needed_on(&self, other: &Flow, mine: &Flow, s: &SyncObj) -> bool {
        let common = other.spawned.iter().zip(mine.spawned.iter()).take_while(|(x, y)| x == y).count();
        if other.spawned.len() > common || common > 8 {
            return false;
        }
        let releasing = self.sites_releasing(s);
        !other.spawned[..common].iter().any(|site| releasing.contains(site))
    }

    /// Fan-in: a loop whose every iteration receives what goroutines started in an earlier
    /// loop send (`for i := 0; i < workers; i++ { <-results }`, or `wg.Wait()` per batch)
    /// orders what follows it after them, although the loop may run zero times: assumed to
    /// run zero times only when zero such goroutines were started (the two loops count the
    /// same work, which the analysis does not check). Kept after the loop: what each
    /// iteration acquires that only goroutines started in loops release.
    pub(super) fn keep_fan_in(&mut self, entry: &Flow, body_acq: &SyncSet) {
        let gained: Vec<SyncObj> = body_acq.iter().filter(|s| !entry.acq.contains(s) && !self.flow.acq.contains(s)).cloned().collect();
        for s in gained {
            let releasing = self.sites_releasing(&s);
            let mut releasers = entry.spawned.iter().filter(|site| releasing.contains(*site)).peekable();
            if releasers.peek().is_some() && releasers.all(|site| self.loop_spawns.contains(site)) {
                self.flow.acq = self.flow.acq.with([&s]);
            }
        }
    }

    /// The goroutines (by start site, walked so far) that release `s`: one pass over what was
    /// recorded, each shared ordering set looked at once. (Asking per site rescanned every
    /// access for every goroutine a loop had started: half of VictoriaMetrics' analysis.)
    fn sites_releasing(&self, s: &SyncObj) -> FxHashSet<Site> {
        let mut out = FxHashSet::default();
        for (t, _, r) in &self.releases {
            if let Thread::Spawned { site, .. } = t
                && r == s
            {
                out.insert(*site);
            }
        }
        let mut looked: rustc_hash::FxHashMap<usize, bool> = rustc_hash::FxHashMap::default();
        for a in &self.sum.accesses {
            if let Thread::Spawned { site, .. } = a.thread
                && !out.contains(&site)
                && *looked.entry(a.rel.identity()).or_insert_with(|| a.rel.contains(s))
            {
                out.insert(site);
            }
        }
        for pc in &self.sum.param_calls {
            if let Some((site, _)) = pc.spawn
                && pc.rel.contains(s)
            {
                out.insert(site);
            }
        }
        out
    }

    // ----- accesses ------------------------------------------------------------------

    /// Record an access to the map at `path`. Returns its index in the summary.
    pub(super) fn access(&mut self, path: Path, kind: AccessKind, key: KeyText, span: Span, map_expr: &Expr, ev: &Ev<'p>) -> Option<usize> {
        if !self.has_room() {
            return None;
        }
        let pos = self.tick();
        let mut via = via_of(ev);
        if let Via::Escaped { sections, .. } = &via {
            // Still inside the critical section it was fetched in: not escaped.
            if self.flow.locks.iter().any(|l| sections.contains(&l.section)) {
                via = Via::Direct;
            }
        }
        let site = self.site(span);
        if kind.is_write() && matches!(path.root, Root::SyncValue(_)) && path.steps.is_empty() && self.flow.locks.is_empty() {
            self.an.facts.syncmap.push(SyncMapFact {
                site,
                related: site,
                shown: Rc::from(expr_text(map_expr)),
                form: SyncMapForm::MutatedValue,
                recomputed: false,
                presence_only: false,
                func: self.func,
                map: path.clone(),
            });
        }
        let copied = match &map_expr.kind {
            ExprKind::Ident(n) => self.lookup(n).is_some_and(|v| v.snapshot),
            _ => false,
        };
        let conds = self.current_conds();
        let a = Access {
            conds,
            copied,
            path,
            thread: self.thread,
            locks: self.held_locks(),
            pos,
            acq: self.flow.acq.clone(),
            rel: SyncSet::default(),
            value_from: None,
            value_param: None,
            origin: 0,
            instance_scopes: self.current_instance_scopes(),
            respawned: false,
            at: Rc::new(AccessSite {
                kind,
                key,
                site,
                shown: Rc::from(expr_text(map_expr)),
                via,
                fresh_value: false,
                lazy_check: None,
                lazy_covered: false,
                typed: ev.typed.clone(),
                per_receive: false,
            }),
        };
        self.sum.accesses.push(a);
        Some(self.sum.accesses.len() - 1)
    }

    /// The locks held now, as one shared set for every access recorded while they are.
    fn held_locks(&mut self) -> LockSet {
        if self.shared.locks[..] != self.flow.locks[..] {
            self.shared.locks = LockSet::from_vec(self.flow.locks.clone());
        }
        self.shared.locks.clone()
    }

    /// The instance scopes enclosing this point, shared likewise.
    fn current_instance_scopes(&mut self) -> Rc<[u32]> {
        if self.shared.instance_scopes[..] != self.instance_scopes[..] {
            self.shared.instance_scopes = Rc::from(self.instance_scopes.as_slice());
        }
        self.shared.instance_scopes.clone()
    }

    /// `f(s.m)`, `x := s.m`, `return s.m`: the field or package variable holding a map is read
    /// as a value. What the value is used for later reaches that map, which a reassignment
    /// of the variable does not touch; this read of the variable is what meets it.
    pub(super) fn load_variable(&mut self, e: &Expr, ev: &Ev<'p>) {
        if !matches!(e.kind, ExprKind::Selector(..) | ExprKind::Ident(_)) || !self.an.prog.underlying(&ev.ty).is_map() {
            return;
        }
        let Some(p) = ev.path() else { return };
        let names_variable = match p.steps.last() {
            Some(Step::Field(_)) => true,
            None => matches!(p.root, Root::Global(..)),
            _ => false,
        };
        if names_variable {
            self.access(p.clone(), AccessKind::Load, KeyText::Unknown, e.span, e, ev);
        }
    }

    /// An `if` condition was evaluated from access `before` on: the map reads it made, and the
    /// reads whose value (`inner == nil`) or presence (`!ok`) it tests through a local, are
    /// checks (`tested_reads`).
    pub(super) fn note_tested_reads(&mut self, cond: &Expr, before: usize) {
        for a in &self.sum.accesses[before..] {
            if a.origin == 0 && matches!(a.kind, AccessKind::Read) {
                self.tested_reads.insert(a.site);
            }
        }
        let text = text::expr_text(cond);
        for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()) {
            let Some(v) = self.lookup(word) else { continue };
            let site = v.origin.as_ref().map(|o| o.site).or_else(|| self.ok_vars.get(&v.id).copied());
            if let Some(site) = site {
                self.tested_reads.insert(site);
            }
        }
    }

    /// After a map write in this body: recognise check-then-create (MR004) and split
    /// read-modify-write (MR007).
    pub(super) fn after_write(&mut self, i: usize) {
        let w = self.sum.accesses[i].clone();
        if w.fresh_value && !matches!(w.key, KeyText::Unknown) {
            let check = self.sum.accesses[..i].iter().rposition(|r| {
                r.origin == 0
                    && r.thread == w.thread
                    && matches!(r.kind, AccessKind::Read)
                    && r.path.may_alias(&w.path)
                    && r.key.same_as(&w.key)
            });
            // Only a read whose value or presence a condition tested is the check.
            if let Some(ci) = check.filter(|&ci| self.tested_reads.contains(&self.sum.accesses[ci].site)) {
                let r = &self.sum.accesses[ci];
                let one_section = r.locks.iter().any(|l| {
                    w.locks.iter().any(|m| m.section == l.section && m.lock == l.lock && (m.mode == Mode::Write))
                });
                if !one_section {
                    let check_site = r.site;
                    let locked = !r.locks.is_empty() || !w.locks.is_empty();
                    let path = w.path.clone();
                    for a in self.sum.accesses[..i].iter_mut() {
                        if a.origin == 0 && a.thread == w.thread && a.path.may_alias(&path) && !a.kind.is_write() {
                            a.lazy_covered = true;
                        }
                    }
                    self.sum.accesses[i].lazy_check = Some(check_site);
                    self.lazy_paths.push((path.clone(), w.thread));
                    // A map this run of the function made itself (`counts := make(...)`)
                    // under some lock taken for other state: no other goroutine creates its
                    // entries (a goroutine sharing it runs in a thread of its own).
                    let own_map = path.is_function_local() && w.thread == Thread::Current;
                    if locked && !own_map {
                        let store = self.sum.accesses[i].clone();
                        let func = self.func;
                        self.an.facts.lazy_inits.push(LazyInit { store, check: check_site, func });
                    }
                }
            }
        }
        if w.value_from.is_some() {
            self.check_split_rmw(i, None);
        }
    }

    /// `report_at`: the call through which the write happens, when it is in a callee.
    pub(super) fn check_split_rmw(&mut self, i: usize, report_at: Option<Site>) {
        let w = &self.sum.accesses[i];
        let Some(o) = &w.value_from else { return };
        if o.checked && !o.modified {
            return;
        }
        if w.locks.is_empty() || o.sections.is_empty() || !o.path.may_alias(&w.path) || !o.key.same_as(&w.key) {
            return;
        }
        if w.locks.iter().any(|l| o.sections.contains(&l.section)) {
            return;
        }
        // A re-read of the entry in the write's critical section makes it a checked update.
        let reread = self.sum.accesses[..i].iter().any(|r| {
            r.kind == AccessKind::Read
                && r.thread == w.thread
                && r.path.may_alias(&w.path)
                && r.key.same_as(&w.key)
                && r.locks.iter().any(|l| w.locks.iter().any(|m| m.section == l.section && m.lock == l.lock))
        });
        if reread {
            return;
        }
        let at = report_at.unwrap_or(w.site);
        let func = self.func;
        self.an.facts.atomicity.push(AtomicityFact { write: w.clone(), read: (**o).clone(), at, func });
    }

    pub(super) fn instance_key(&self, a: &Access) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (a.site, a.kind, &a.path, a.thread, &a.key, &a.acq, &a.rel, self.releases.len()).hash(&mut h);
        for l in a.locks.iter() {
            (&l.lock, l.mode).hash(&mut h);
        }
        (a.lazy_check, a.lazy_covered, a.fresh_value, a.respawned, a.per_receive, &a.typed, std::mem::discriminant(&a.via)).hash(&mut h);
        h.finish()
    }

    pub(super) fn key_text(&self, k: &Expr, kev: &Ev<'p>) -> KeyText {
        if let Some(p) = kev.param
            && p != u16::MAX {
                return KeyText::Param(p, Rc::from(expr_text(k)));
            }
        KeyText::Text(Rc::from(expr_text(k)))
    }
}

/// `live` goes on where `ended` stopped (a return or panic, not a jump, which goes on
/// elsewhere): the goroutines `ended` started since the two paths split never run on `live`.
fn never_started(live: &Flow, ended: &Flow) -> Flow {
    let mut out = live.clone();
    if ended.jumped {
        return out;
    }
    let common = live.spawned.iter().zip(ended.spawned.iter()).take_while(|(x, y)| x == y).count();
    let gone: Vec<SyncObj> = ended.spawned[common..].iter().map(|s| SyncObj::Finished(*s)).collect();
    if !gone.is_empty() {
        out.acq = out.acq.with(&gone);
    }
    out
}

/// Bound on recorded goroutine acquisitions per walk (`Walk::relay_orderings`).
const MAX_RELAYS: usize = 4096;

impl<'a, 'p> Walk<'a, 'p> {
    /// `m.groups = groups`: the first store of an object this function made (a local) where
    /// other goroutines can reach it. What a goroutine did to it before releasing something
    /// this goroutine has acquired since (`go func(g) { g.fill(); wg.Done() }(g)` and then
    /// `wg.Wait(); m.groups = groups`) ran while no one else could reach the object: those
    /// accesses no longer name every instance of their type, so the type's methods, which
    /// reach only published instances, do not meet them. (A callee that stored the object
    /// earlier is not seen: only this function's own stores publish it here.)
    pub(super) fn publish_local(&mut self, ev: &Ev<'p>) {
        let Some(p) = ev.path() else { return };
        let Root::Local(local) = p.root else { return };
        if !p.steps.is_empty() || !self.published.insert(local) {
            return;
        }
        let joined: Vec<(Thread, u32)> = self
            .releases
            .iter()
            .filter(|(t, _, s)| *t != self.thread && self.flow.acq.contains(s))
            .map(|(t, pos, _)| (*t, *pos))
            .collect();
        if joined.is_empty() {
            return;
        }
        for a in &mut self.sum.accesses {
            if a.path.root == Root::Local(local)
                && a.typed.is_some()
                && a.thread != self.thread
                && joined.iter().any(|(t, pos)| *t == a.thread && *pos > a.pos)
            {
                a.typed = None;
            }
        }
    }
}
