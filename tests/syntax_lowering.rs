//! The files of tests/syntax (one per recent language change; scripts/syntax-parity.sh runs
//! them against gofmt with all of GOROOT) parse without error, and Go 1.26 `new(expr)`
//! lowers as a call whose argument is an expression (a type stays a type).

use std::path::Path;

use maprace::load::SourceFile;
use maprace::syntax::ir::{Expr, ExprKind, Stmt};
use maprace::syntax::lower_file;

fn lower(name: &str) -> maprace::syntax::FileFacts {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/syntax").join(name);
    let text = std::fs::read_to_string(&path).expect("read");
    lower_file(&SourceFile { path, text })
}

#[test]
fn every_recent_syntax_file_parses() {
    for name in ["new_expr.go", "range_func.go", "generic_alias.go", "builtins.go", "loopvar.go"] {
        let facts = lower(name);
        assert!(facts.errors.is_empty(), "{name}: {:?}", facts.errors);
        assert_eq!(facts.package, "syntax");
        assert!(!facts.funcs.is_empty(), "{name}");
    }
}

/// The argument of `new(...)` on the right of `name := new(...)` in `newExpr`.
fn new_arg<'f>(body: &'f [Stmt], var: &str) -> &'f Expr {
    for s in body {
        if let Stmt::Assign { lhs, rhs, .. } = s
            && matches!(&lhs.first().map(|e| &e.kind), Some(ExprKind::Ident(n)) if n == var)
            && let Some(ExprKind::Call { func, args }) = rhs.first().map(|e| &e.kind)
        {
            assert!(matches!(&func.kind, ExprKind::Ident(n) if n == "new"), "{var}: {func:?}");
            assert_eq!(args.len(), 1, "{var}: {args:?}");
            return &args[0];
        }
    }
    panic!("no `{var} := new(...)`");
}

#[test]
fn new_of_an_expression_is_a_call_with_an_expression_argument() {
    let facts = lower("new_expr.go");
    let f = facts.funcs.iter().find(|f| f.name == "newExpr").expect("newExpr");
    let body = f.func.body.as_deref().expect("body");
    assert!(matches!(new_arg(body, "p").kind, ExprKind::IntLit(ref s) if s == "42"));
    assert!(matches!(&new_arg(body, "q").kind, ExprKind::Call { func, .. } if matches!(&func.kind, ExprKind::Ident(n) if n == "f")));
    assert!(matches!(new_arg(body, "r").kind, ExprKind::Binary(..)));
    assert!(matches!(new_arg(body, "s").kind, ExprKind::StringLit(_)));
    assert!(matches!(new_arg(body, "t").kind, ExprKind::Composite(..)));
    assert!(matches!(new_arg(body, "y").kind, ExprKind::Unary(..)));
    // A type stays what it was before the grammar patch: a name the model resolves as a type.
    assert!(matches!(new_arg(body, "z").kind, ExprKind::Ident(ref n) if n == "int"), "{:?}", new_arg(body, "z"));
}
