//! Expressions: what an expression names (a path, a function, a value read out of a map)
//! and the accesses evaluating it makes.

use super::*;

impl<'a, 'p> Walk<'a, 'p> {
    // ----- expressions ---------------------------------------------------------------

    /// `pkg.Name` where `pkg` is an import of the module: `Some(Some((path, type)))` for a
    /// variable, `Some(None)` for anything else of that package, `None` if not a package.
    pub(super) fn package_member(&self, x: &Expr, name: &str) -> Option<Option<(Path, Type)>> {
        let ExprKind::Ident(pkg) = &x.kind else { return None };
        if self.lookup(pkg).is_some() {
            return None;
        }
        let pid = self.an.prog.imported_package(self.file, pkg);
        if pid.is_none() && self.an.prog.import_path(self.file, pkg).is_none() {
            return None;
        }
        let Some(pid) = pid else { return Some(None) };
        Some(self.an.prog.packages[pid as usize].vars.get(name).map(|g| (Path::new(Root::Global(pid, Rc::from(name))), g.ty.clone())))
    }

    /// `x.f` for every instance: rooted at the owner type when it declares concurrency,
    /// else extending what `x` already was for every instance.
    pub(super) fn typed_field(&self, base: &Ev<'p>, f: &str) -> Option<Path> {
        let (fields, _) = self.an.prog.field(&base.ty, f)?;
        let owner = self.an.prog.named_of(&base.ty).filter(|t| self.an.declared.contains(t));
        let mut p = match owner {
            Some(t) => Path::type_root(t),
            None => base.typed.clone()?,
        };
        for n in fields {
            p = p.child(Step::Field(Rc::from(n.as_str())));
        }
        Some(p)
    }

    pub(super) fn field_of(&self, base: &Ev<'p>, f: &str) -> Option<(Path, Type)> {
        let bp = base.path()?;
        let (fields, ty) = self.an.prog.field(&base.ty, f)?;
        let mut p = bp.clone();
        for name in fields {
            p = p.child(Step::Field(Rc::from(name.as_str())));
        }
        Some((p, ty))
    }

    pub(in crate::analysis) fn eval(&mut self, e: &'p Expr) -> Ev<'p> {
        match &e.kind {
            ExprKind::Ident(n) => self.eval_ident(n),
            ExprKind::Selector(x, f) => {
                if let Some(member) = self.package_member(x, f) {
                    if let Some((p, ty)) = member {
                        return Ev { val: Val::Path(p.clone(), Via::Direct), ty, typed: Some(p), ..Ev::unknown() };
                    }
                    if let ExprKind::Ident(pkg) = &x.kind
                        && let Some(pid) = self.an.prog.imported_package(self.file, pkg)
                            && let Some(fid) = self.an.prog.packages[pid as usize].funcs.get(f.as_str()) {
                                return Ev { val: Val::Func(FuncTarget::Func(*fid, None)), ..Ev::unknown() };
                            }
                    // Anything else a package exports by name (`http.MethodGet`) compares as a
                    // constant.
                    return Ev { konst: self.constant_text(e), ..Ev::unknown() };
                }
                let base = self.eval(x);
                self.select(base, f)
            }
            ExprKind::Index(m, k) => {
                let mev = self.eval(m);
                let kev = self.eval(k);
                match self.an.prog.underlying(&mev.ty).clone() {
                    Type::Map(_, v) => {
                        let key = self.key_text(k, &kev);
                        let mut origin = None;
                        if let Some(p) = mev.path().cloned() {
                            self.access(p.clone(), AccessKind::Read, key.clone(), e.span, m, &mev);
                            origin = Some(ReadOrigin {
                                path: p.clone(),
                                key: key.clone(),
                                sections: self.flow.locks.iter().map(|l| l.section).collect(),
                                site: self.site(e.span),
                                checked: false,
                                modified: false,
                            });
                            let elem = p.child(Step::Key(self.iteration_of(k).map_or_else(|| key_abs(k), Key::Each)));
                            let via = match via_of(&mev) {
                                Via::Direct if !self.flow.locks.is_empty() => Via::Escaped {
                                    lock_site: self.flow.locks[0].site,
                                    sections: self.flow.locks.iter().map(|l| l.section).collect(),
                                },
                                other => other,
                            };
                            let typed = mev.typed.as_ref().map(|t| t.child(Step::Key(key_abs(k))));
                            return Ev { val: Val::Path(elem, via), ty: *v, origin, typed, ..Ev::unknown() };
                        }
                        Ev { origin, ..Ev::of_type(*v) }
                    }
                    Type::Slice(el) => {
                        let step = self.iteration_of(k).map_or(Step::Elem, Step::Item);
                        let val = match mev.path() {
                            Some(p) if el.is_trackable() => Val::Path(p.child(step), via_of(&mev)),
                            _ => Val::Unknown,
                        };
                        Ev { val, ty: *el, origin: mev.origin, ..Ev::unknown() }
                    }
                    _ => {
                        // A generic instantiation `F[T]` keeps the function value.
                        if matches!(mev.val, Val::Func(_)) { mev } else { Ev::unknown() }
                    }
                }
            }
            ExprKind::SliceOf(x, bounds) => {
                let ev = self.eval(x);
                for b in bounds {
                    self.eval(b);
                }
                ev
            }
            ExprKind::Call { func, args } => self.call(e, func, args),
            ExprKind::FuncLit(body) => Ev { val: Val::Func(FuncTarget::Closure(body)), ..Ev::unknown() },
            ExprKind::Composite(te, elems) => {
                let ty = self.an.prog.resolve(self.file, te);
                let is_map = self.an.prog.underlying(&ty).is_map();
                let mut stored = Vec::new();
                // A struct literal holding a fresh container (`&entry{m: map[..]..{}}`).
                let mut fills = false;
                // `http.Server{Handler: h}`: the server runs `h` per request, concurrently.
                let (server_pkg, server_type, handler_field) = models::HTTP_SERVER_HANDLER_FIELD;
                if let TypeExpr::Qualified(pkg, name) = &**te
                    && name == server_type
                    && self.an.prog.import_path(self.file, pkg) == Some(server_pkg)
                    && let Some(h) = elems.iter().find(|el| matches!(&el.key, Some(Expr { kind: ExprKind::Ident(k), .. }) if k == handler_field))
                {
                    let site = self.site(h.value.span);
                    self.spawn_handler(&h.value, site);
                }
                for el in elems {
                    if let ExprKind::FuncLit(_) = el.value.kind {
                        continue;
                    }
                    // Struct literal keys are field names, not expressions.
                    if is_map
                        && let Some(k) = &el.key {
                            self.eval(k);
                        }
                    let v = self.eval(&el.value);
                    fills |= v.fresh;
                    // `map[K]map[..]..{"a": shared, "b": shared}`: one map under two keys.
                    if let (true, Some(k), Some(p)) = (is_map, &el.key, v.path())
                        && self.an.prog.underlying(&v.ty).is_map() {
                            stored.push((key_abs(k), p.clone()));
                        }
                }
                // Only containers that callers go on to fill make a lost creation lose data: a
                // map, a struct literal around one, or an empty object (`&counter{}`) that is
                // there to be filled. A struct of computed values (`&info{addr: a}`) built from
                // the key is what another goroutine would build too (a cache fill).
                // (`&counter{}` is fresh at the `&`.)
                Ev { fresh: is_map || fills, stored: (!stored.is_empty()).then(|| Rc::from(stored)), ..Ev::of_type(ty) }
            }
            ExprKind::Unary(op, x) => match op {
                UnaryOp::Not => {
                    let ev = self.eval(x);
                    let swap_won = ev.swap_won.map(|(p, truth)| (p, !truth));
                    Ev { origin: ev.origin, observes: ev.observes.map(|(p, truth)| (p, !truth)), swap_won, ..Ev::of_type(Type::Opaque) }
                }
                UnaryOp::Addr => {
                    let ev = self.eval(x);
                    let ty = Type::Pointer(Box::new(ev.ty.clone()));
                    let fresh = ev.fresh || matches!(&x.kind, ExprKind::Composite(_, elems) if elems.is_empty());
                    Ev { ty, fresh, ..ev }
                }
                UnaryOp::Deref => {
                    let ev = self.eval(x);
                    let ty = match &ev.ty {
                        Type::Pointer(t) => (**t).clone(),
                        t => t.clone(),
                    };
                    Ev { ty, ..ev }
                }
                UnaryOp::Recv => {
                    let ev = self.eval(x);
                    self.tick();
                    if let Some(p) = ev.path() {
                        if self.semaphores.contains(p) {
                            self.unlock(&p.clone());
                        }
                        // A receive returns a sent value or the zero value of a closed channel.
                        self.acquire(SyncObj::Object(Rc::new(p.clone())));
                        self.acquire(closed(p));
                    }
                    let ty = match self.an.prog.underlying(&ev.ty) {
                        Type::Chan(t) => (**t).clone(),
                        _ => Type::Unknown,
                    };
                    received(&ev, ty)
                }
                _ => {
                    let ev = self.eval(x);
                    Ev { origin: ev.origin, ..Ev::of_type(Type::Opaque) }
                }
            },
            ExprKind::Binary(op, l, r) => {
                let le = self.eval(l);
                if matches!(op, BinaryOp::And | BinaryOp::Or) {
                    // The right side may not run; its lock effects are rare enough to ignore.
                    let re = self.eval(r);
                    return Ev { origin: le.origin.or(re.origin), ..Ev::of_type(Type::Opaque) };
                }
                let re = self.eval(r);
                // `swap(&x, v) == v` (either way round) decides a swap guard.
                let swap_won = match op {
                    BinaryOp::Eq | BinaryOp::Ne => {
                        let equal = *op == BinaryOp::Eq;
                        Self::swap_won(le.swapped.as_ref(), self.swap_value(r).as_ref(), equal)
                            .or_else(|| Self::swap_won(re.swapped.as_ref(), self.swap_value(l).as_ref(), equal))
                    }
                    _ => None,
                };
                let origin = le.origin.or(re.origin).map(|o| ReadOrigin { modified: true, ..o });
                Ev { origin, swap_won, ..Ev::of_type(Type::Opaque) }
            }
            ExprKind::TypeAssert(x, te) => {
                let ev = self.eval(x);
                let ty = self.an.prog.resolve(self.file, te);
                Ev { ty, ..ev }
            }
            ExprKind::Type(te) => Ev::of_type(self.an.prog.resolve(self.file, te)),
            ExprKind::StringLit(_) | ExprKind::IntLit(_) | ExprKind::Nil => Ev { konst: self.constant_text(e), ..Ev::of_type(Type::Opaque) },
            ExprKind::Other(children) => {
                for c in children {
                    self.eval(c);
                }
                Ev::unknown()
            }
        }
    }

    /// `base.f` for an already evaluated `base`: a field, a method value, or an interface
    /// method's implementations. A call that also inspects its receiver evaluates it once and
    /// comes here, so a chain `x.F().F()...` is walked once per call, not twice per level.
    pub(super) fn select(&mut self, base: Ev<'p>, f: &str) -> Ev<'p> {
        // `cond.L`, the Locker a sync.Cond waits with: a lock of its own.
        let is_cond = |t: &Type| matches!(t, Type::Sync(SyncKind::Cond));
        let cond = is_cond(self.an.prog.underlying(&base.ty)) || matches!(&base.ty, Type::Pointer(t) if is_cond(t));
        if f == models::COND_LOCKER_FIELD
            && cond
            && let Some(bp) = base.path()
        {
            return Ev { val: Val::Path(bp.child(Step::Field(Rc::from(models::COND_LOCKER_FIELD))), Via::Direct), ..Ev::unknown() };
        }
        if let Some(bp) = base.path()
            && bp.steps.is_empty()
            && matches!(bp.root, Root::Recv | Root::Param(_))
            && let Some(own) = self.lookup(&own_field_name(&bp.root, f))
        {
            return Ev { val: own.val.clone(), ty: own.ty.clone(), ..Ev::unknown() };
        }
        if let Some((p, ty)) = self.field_of(&base, f) {
            let origin = base.origin.clone();
            let typed = self.typed_field(&base, f);
            return Ev { val: Val::Path(p, via_of(&base)), ty, origin, typed, ..Ev::unknown() };
        }
        if let Some((prefix, MethodTarget::Func(fid))) = self.an.prog.method(&base.ty, f) {
            let recv = base.path().map(|bp| {
                let mut p = bp.clone();
                for n in prefix {
                    p = p.child(Step::Field(Rc::from(n.as_str())));
                }
                p
            });
            return Ev { val: Val::Func(FuncTarget::Func(fid, recv)), ..Ev::unknown() };
        }
        if let Some(ids) = self.an.prog.dispatch(&base.ty, f)
            && ids.len() <= MAX_DISPATCH
        {
            return Ev { val: Val::Func(FuncTarget::Dispatch(ids, base.path().cloned())), ..Ev::unknown() };
        }
        Ev { origin: base.origin, ..Ev::unknown() }
    }

    pub(super) fn eval_ident(&mut self, n: &str) -> Ev<'p> {
        if let Some(v) = self.lookup(n) {
            let key = match v.param {
                Some(p) if p != u16::MAX => KeyText::Param(p, Rc::from(n)),
                _ => KeyText::Unknown,
            };
            return Ev {
                val: v.val.clone(),
                ty: v.ty.clone(),
                origin: v.origin.clone(),
                fresh: v.fresh,
                param: v.param,
                key,
                typed: v.typed.clone(),
                stored: None,
                konst: None,
                iteration: v.iteration,
                observes: None,
                swapped: None,
                swap_won: None,
            };
        }
        let prog = self.an.prog;
        let pkg = &prog.packages[self.pkg as usize];
        if let Some(g) = pkg.vars.get(n) {
            let mut ty = g.ty.clone();
            if matches!(ty, Type::Unknown) {
                ty = self.an.global_type(self.pkg, n);
            }
            let p = Path::new(Root::Global(self.pkg, Rc::from(n)));
            return Ev { val: Val::Path(p.clone(), Via::Direct), ty, typed: Some(p), ..Ev::unknown() };
        }
        if let Some(f) = pkg.funcs.get(n) {
            return Ev { val: Val::Func(FuncTarget::Func(*f, None)), ..Ev::unknown() };
        }
        if matches!(n, "true" | "false") {
            return Ev { konst: Some(Rc::from(n)), ..Ev::of_type(Type::Opaque) };
        }
        Ev::unknown()
    }
}
