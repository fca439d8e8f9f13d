//! The walk's environment: scopes of locals bound to values, declaring and looking up
//! names, the paths locals name read without recording an access, and loop iterations.

use super::*;

impl<'a, 'p> Walk<'a, 'p> {
    pub(super) fn declare(&mut self, name: &str, ty: Type, val: Val<'p>, origin: Option<ReadOrigin>, param: Option<u16>) -> u32 {
        if name == "_" {
            return 0;
        }
        self.forget_cond_locks(name);
        let named = match &val {
            Val::Path(p, _) => p.local(),
            _ => None,
        };
        let id = named.unwrap_or_else(|| self.fresh_id());
        let scope = *self.instance_scopes.last().unwrap_or(&0);
        if named.is_some() {
            // A new name for a local that already has a scope (a closure's parameter bound
            // to the caller's variable) does not move that variable into this scope: a map
            // declared once per goroutine stays one per goroutine when a loop passes it on.
            self.local_scope.entry(id).or_insert(scope);
        }
        let var = Var { id, ty, val, origin, param, fresh: false, typed: None, iteration: None, snapshot: false, owner: self.thread };
        if let Some(s) = self.scopes.last_mut() {
            s.insert(Rc::from(name), var);
        }
        id
    }

    /// The path a local variable names, without recording an access.
    pub(super) fn eval_quiet_path(&self, e: &Expr) -> Option<Path> {
        match &e.kind {
            ExprKind::Ident(n) => match &self.lookup(n)?.val {
                Val::Path(p, _) => Some(p.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    /// `x.f.g` as a path from what the local `x` names, without recording anything.
    pub(super) fn quiet_field_path(&self, e: &Expr) -> Option<Path> {
        match &e.kind {
            ExprKind::Selector(x, f) => Some(self.quiet_field_path(x)?.child(Step::Field(Rc::from(f.as_str())))),
            _ => self.eval_quiet_path(e),
        }
    }

    /// A value that is another one in each iteration of the loop around this point: a loop's
    /// element (`range tasks`) or a local declared in the loop's body.
    pub(super) fn new_each_iteration(&self, p: &Path) -> bool {
        p.iterations().next().is_some()
            || matches!(p.root, Root::Local(id) if self.local_scope.get(&id).is_some_and(|s| *s != 0 && self.instance_scopes.last() == Some(s)))
    }

    pub(super) fn mark_iteration(&mut self, var: &Expr, scope: u32) {
        if let ExprKind::Ident(n) = &var.kind
            && let Some(v) = self.lookup_mut(n)
        {
            v.iteration = Some(scope);
        }
    }

    /// `k` is a loop's own variable: the iteration scope it is different in.
    pub(super) fn iteration_of(&self, k: &Expr) -> Option<u32> {
        match &k.kind {
            ExprKind::Ident(n) => self.lookup(n)?.iteration,
            _ => None,
        }
    }

    pub(super) fn lookup(&self, name: &str) -> Option<&Var<'p>> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    pub(super) fn lookup_mut(&mut self, name: &str) -> Option<&mut Var<'p>> {
        self.scopes.iter_mut().rev().find_map(|s| s.get_mut(name))
    }

    pub(super) fn with_scope<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        self.scopes.push(HashMap::default());
        let r = f(self);
        self.scopes.pop();
        r
    }
}
