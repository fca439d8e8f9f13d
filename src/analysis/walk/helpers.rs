//! Free helpers of the walk: joins of flows, substitution of callee paths, small syntax tests.

use super::*;


pub(super) fn via_of(ev: &Ev) -> Via {
    match &ev.val {
        Val::Path(_, via) => via.clone(),
        _ => Via::Direct,
    }
}

pub(super) fn key_abs(k: &Expr) -> Key {
    match &k.kind {
        ExprKind::StringLit(s) | ExprKind::IntLit(s) => Key::Const(Rc::from(s.as_str())),
        _ => Key::Any,
    }
}

/// What `close(ch)` releases: receives acquire it, and so does the end of a range over `ch`,
/// but not the iterations of that range (they receive sent values).
pub(super) fn closed(ch: &Path) -> SyncObj {
    SyncObj::Object(Rc::new(ch.child(Step::Field(Rc::from("(closed)")))))
}

/// `make(chan T, 1)`.
pub(super) fn is_binary_semaphore(e: &Expr) -> bool {
    let ExprKind::Call { func, args } = &e.kind else { return false };
    matches!(&func.kind, ExprKind::Ident(n) if n == "make")
        && matches!(args.first().map(|a| &a.kind), Some(ExprKind::Type(t)) if matches!(**t, TypeExpr::Chan(_)))
        && matches!(args.get(1).map(|a| &a.kind), Some(ExprKind::IntLit(n)) if n == "1")
}

/// The value received from channel `ch` (element type `ty`): named after the channel when
/// it can name shared state.
pub(super) fn received<'p>(ch: &Ev<'p>, ty: Type) -> Ev<'p> {
    match ch.path() {
        Some(p) if ty.is_trackable() => Ev { val: Val::Path(Path::new(Root::Received(Rc::new(p.clone()))), Via::Direct), ty, ..Ev::unknown() },
        _ => Ev::of_type(ty),
    }
}

/// `a, b := f()` spreads one multi-valued call; otherwise values pair up.
pub(super) fn spread<'p>(mut evs: Vec<Ev<'p>>, n: usize) -> Vec<Ev<'p>> {
    if evs.len() == n {
        return evs;
    }
    if evs.len() == 1 && n > 1 {
        let first = evs.pop().unwrap_or_else(Ev::unknown);
        let mut out = vec![first];
        out.resize_with(n, Ev::unknown);
        return out;
    }
    evs.resize_with(n, Ev::unknown);
    evs
}

pub(super) fn subst_path(p: &Path, recv: Option<&Path>, args: &[Ev], local_map: &HashMap<u32, u32>) -> Option<Path> {
    let base = match &p.root {
        Root::Recv => recv?.clone(),
        Root::Param(i) => args.get(*i as usize)?.path()?.clone(),
        Root::Local(l) => Path::new(Root::Local(*local_map.get(l)?)),
        Root::SyncValue(inner) => Path::new(Root::SyncValue(Rc::new(subst_path(inner, recv, args, local_map)?))),
        Root::Received(inner) => Path::new(Root::Received(Rc::new(subst_path(inner, recv, args, local_map)?))),
        Root::Global(..) | Root::TypeRoot(_) | Root::FuncLocal(..) => return Some(p.clone()),
    };
    Some(p.rebase(0, &base))
}

/// Substitution of one call's sync objects, each distinct object once: the same channel or
/// WaitGroup is named in the ordering sets of thousands of a callee's accesses. An object the
/// call does not rename keeps its shared path, and a set none of whose objects is renamed is
/// kept as it is.
pub(super) struct ObjSubst<'s, F: Fn(&Path) -> Option<Path>> {
    subst: &'s F,
    done: rustc_hash::FxHashMap<usize, Option<SyncObj>>,
}

impl<'s, F: Fn(&Path) -> Option<Path>> ObjSubst<'s, F> {
    pub(super) fn new(subst: &'s F) -> Self {
        ObjSubst { subst, done: rustc_hash::FxHashMap::default() }
    }

    pub(super) fn obj(&mut self, s: &SyncObj) -> Option<SyncObj> {
        let SyncObj::Object(p) = s else { return Some(s.clone()) };
        // The callee's summary holds `p` for the whole call: its address names it.
        let id = Rc::as_ptr(p) as usize;
        if let Some(r) = self.done.get(&id) {
            return r.clone();
        }
        let r = (self.subst)(p).map(|q| if q == **p { s.clone() } else { SyncObj::Object(Rc::new(q)) });
        self.done.insert(id, r.clone());
        r
    }

    pub(super) fn set(&mut self, set: &SyncSet) -> SyncSet {
        // Most objects keep their name: find the first one that does not before copying
        // anything, so that an unchanged set costs no allocation.
        let objs = set.as_slice();
        let kept = |a: &Option<SyncObj>, b: &SyncObj| match (a, b) {
            (Some(SyncObj::Object(x)), SyncObj::Object(y)) => Rc::ptr_eq(x, y),
            (Some(x), y) => x == y,
            (None, _) => false,
        };
        let mut first_renamed = None;
        for (i, s) in objs.iter().enumerate() {
            let r = self.obj(s);
            if !kept(&r, s) {
                first_renamed = Some((i, r));
                break;
            }
        }
        let Some((i, r)) = first_renamed else { return set.clone() };
        let mut out: Vec<SyncObj> = Vec::with_capacity(objs.len());
        out.extend(objs[..i].iter().cloned());
        out.extend(r);
        out.extend(objs[i + 1..].iter().filter_map(|s| self.obj(s)));
        SyncSet::from_vec(out)
    }
}

pub(super) fn subst_origin(o: &ReadOrigin, subst: &impl Fn(&Path) -> Option<Path>, subst_key: &impl Fn(&KeyText) -> KeyText) -> Option<ReadOrigin> {
    Some(ReadOrigin { path: subst(&o.path)?, key: subst_key(&o.key), ..o.clone() })
}

/// Calls after which the goroutine does not continue: `panic`, and the library's
/// (`models::is_noreturn`: `os.Exit`, `log.Fatal`, `t.FailNow`, ...).
pub(super) fn is_noreturn(func: &Expr) -> bool {
    match &func.kind {
        ExprKind::Ident(n) => n == "panic",
        ExprKind::Selector(x, f) => {
            let qualifier = match &x.kind {
                ExprKind::Ident(p) => Some(p.as_str()),
                _ => None,
            };
            models::is_noreturn(qualifier, f)
        }
        _ => false,
    }
}

/// Does a subtest body call `t.Parallel()` (at its top level)? By name, like the walk's other
/// syntactic checks before types are known.
pub(in crate::analysis) fn calls_parallel(body: &[Stmt]) -> bool {
    body.iter().any(|s| match s {
        Stmt::Expr(Expr { kind: ExprKind::Call { func, .. }, .. }) => {
            matches!(&func.kind, ExprKind::Selector(_, f) if f == "Parallel")
        }
        _ => false,
    })
}

/// The pseudo-variable naming what a map field of a struct the function holds by value (a
/// value receiver or parameter) was set to: `\0` keeps it apart from every Go identifier.
/// It lives in the scope of the block that assigned it, like a variable.
pub(super) fn own_field_name(root: &Root, field: &str) -> String {
    format!("\0{root:?}.{field}")
}
