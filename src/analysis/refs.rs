//! Which functions some code can call: every name the module's code mentions, as an
//! identifier or a selector (`f`, `x.f`, `pkg.F`, a method value). A function whose name
//! appears nowhere but in its own declaration is a root (a test, `main`, an exported API
//! the module does not use itself): no caller instantiates its summary, so the analysis can
//! keep only the part that later passes read (see `Analyzer::compact_root`).
//!
//! Over-approximate on purpose: a name mentioned anywhere (a field with the same name, a
//! string-free shadowing local) keeps a function's summary whole.

use rustc_hash::FxHashSet as HashSet;

use crate::model::Program;
use crate::syntax::ir::{Expr, ExprKind, ForStmt, FuncBody, IfStmt, RangeClause, Stmt, SwitchStmt};

/// Every identifier and selector name used in function bodies and package variable
/// initialisers.
pub fn referenced_names(prog: &Program) -> HashSet<&str> {
    let mut names = HashSet::default();
    for f in &prog.funcs {
        body(&f.body, &mut names);
    }
    for p in &prog.packages {
        for g in p.vars.values() {
            if let Some(e) = &g.init {
                expr(e, &mut names);
            }
        }
    }
    names
}

fn body<'p>(b: &'p FuncBody, out: &mut HashSet<&'p str>) {
    if let Some(stmts) = &b.body {
        stmts.iter().for_each(|s| stmt(s, out));
    }
}

fn stmt<'p>(s: &'p Stmt, out: &mut HashSet<&'p str>) {
    match s {
        Stmt::Expr(e) | Stmt::IncDec(e) | Stmt::Go(e) | Stmt::Defer(e) => expr(e, out),
        Stmt::Assign { lhs, rhs, .. } => lhs.iter().chain(rhs).for_each(|e| expr(e, out)),
        Stmt::VarDecl(v) => v.values.iter().for_each(|e| expr(e, out)),
        Stmt::Return(es, _) => es.iter().for_each(|e| expr(e, out)),
        Stmt::Send(send) => {
            expr(&send.chan, out);
            expr(&send.value, out);
        }
        Stmt::If(i) => {
            let IfStmt { init, cond, then, els } = &**i;
            init.iter().for_each(|s| stmt(s, out));
            expr(cond, out);
            then.iter().for_each(|s| stmt(s, out));
            els.iter().for_each(|s| stmt(s, out));
        }
        Stmt::For(f) => {
            let ForStmt { init, cond, post, range, body } = &**f;
            init.iter().chain(post).for_each(|s| stmt(s, out));
            cond.iter().for_each(|e| expr(e, out));
            if let Some(RangeClause { key, value, expr: x, .. }) = range {
                key.iter().chain(value).chain(std::iter::once(x)).for_each(|e| expr(e, out));
            }
            body.iter().for_each(|s| stmt(s, out));
        }
        Stmt::Switch(sw) => {
            let SwitchStmt { init, tag, cases, .. } = &**sw;
            init.iter().for_each(|s| stmt(s, out));
            tag.iter().for_each(|e| expr(e, out));
            for case in cases {
                case.values.iter().for_each(|e| expr(e, out));
                case.body.iter().for_each(|s| stmt(s, out));
            }
        }
        Stmt::Select { cases } => {
            for (comm, body) in cases {
                comm.iter().for_each(|s| stmt(s, out));
                body.iter().for_each(|s| stmt(s, out));
            }
        }
        Stmt::Block(b) => b.iter().for_each(|s| stmt(s, out)),
        Stmt::Labeled(s) => stmt(s, out),
        Stmt::Break | Stmt::Jump | Stmt::Empty => {}
    }
}

fn expr<'p>(e: &'p Expr, out: &mut HashSet<&'p str>) {
    match &e.kind {
        ExprKind::Ident(n) => {
            out.insert(n);
        }
        ExprKind::Selector(x, f) => {
            out.insert(f);
            expr(x, out);
        }
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            expr(a, out);
            expr(b, out);
        }
        ExprKind::SliceOf(x, es) => {
            expr(x, out);
            es.iter().for_each(|e| expr(e, out));
        }
        ExprKind::Call { func, args } => {
            expr(func, out);
            args.iter().for_each(|e| expr(e, out));
        }
        ExprKind::FuncLit(b) => body(b, out),
        ExprKind::Composite(_, elems) => {
            for el in elems {
                el.key.iter().for_each(|e| expr(e, out));
                expr(&el.value, out);
            }
        }
        ExprKind::Unary(_, x) | ExprKind::TypeAssert(x, _) => expr(x, out),
        ExprKind::Other(es) => es.iter().for_each(|e| expr(e, out)),
        ExprKind::Type(_) | ExprKind::StringLit(_) | ExprKind::IntLit(_) | ExprKind::Nil => {}
    }
}
