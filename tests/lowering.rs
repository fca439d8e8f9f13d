//! Snapshot tests of the lowering (issue #10): each Go file of tests/lowering is lowered and
//! its `FileFacts` pinned as an insta snapshot (tests/snapshots/lowering__<file>.snap), so a
//! change of what the analysis sees of the syntax shows as a reviewable diff.
//!
//! `FileFacts`' `Debug` output runs to thousands of lines per file, so the snapshot is a
//! compact rendering instead: Go-like, one statement per line prefixed with its line:column
//! (`[l:c]`; `[-]` where the IR keeps no span), types written as Go writes them, and the IR's
//! own node kinds named where Go syntax would hide them (`slice(...)`, `type(...)`,
//! `other(...)`, `?{...}` for a composite of unknown type). Index expressions and function
//! literals carry their span (`@l:c`): they are the sites the analysis reports.
//!
//! After an intended change of the lowering: `INSTA_UPDATE=always cargo test --test lowering`,
//! then review the .snap diff.

use std::fmt::Write;
use std::path::Path;

use maprace::load::SourceFile;
use maprace::syntax::FileFacts;
use maprace::syntax::Name;
use maprace::syntax::ir::{ForStmt, SwitchStmt, 
    AssignOp, BinaryOp, Element, Expr, ExprKind, FuncBody, Param, Signature, Span, Stmt, TypeExpr, UnaryOp,
};
use maprace::syntax::lower_file;

fn lower(name: &str) -> FileFacts {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lowering").join(name);
    let text = std::fs::read_to_string(&path).expect("read");
    lower_file(&SourceFile { path, text })
}

fn span(s: Span) -> String {
    format!("{}:{}", s.line, s.col)
}

fn ty(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Name(n) => n.to_string(),
        TypeExpr::Qualified(p, n) => format!("{p}.{n}"),
        TypeExpr::Pointer(t) => format!("*{}", ty(t)),
        TypeExpr::Map(k, v) => format!("map[{}]{}", ty(k), ty(v)),
        TypeExpr::Slice(t) => format!("[]{}", ty(t)),
        TypeExpr::Struct(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|f| match &f.name {
                    Some(n) => format!("{n} {}", ty(&f.ty)),
                    None => format!("embedded {}", ty(&f.ty)),
                })
                .collect();
            format!("struct{{{}}}", fields.join("; "))
        }
        TypeExpr::Func(sig) => format!("func{}", signature(sig)),
        TypeExpr::Chan(t) => format!("chan {}", ty(t)),
        TypeExpr::Interface(methods) => format!("interface{{{}}}", methods.join("; ")),
        TypeExpr::Unknown => "?".to_string(),
    }
}

fn params(ps: &[Param]) -> String {
    let ps: Vec<String> = ps
        .iter()
        .map(|p| match &p.name {
            Some(n) => format!("{n} {}", ty(&p.ty)),
            None => ty(&p.ty),
        })
        .collect();
    ps.join(", ")
}

fn signature(sig: &Signature) -> String {
    if sig.results.is_empty() {
        format!("({})", params(&sig.params))
    } else {
        format!("({}) ({})", params(&sig.params), params(&sig.results))
    }
}

/// Renders statements and expressions into `out`; nested bodies (blocks, function literals)
/// are indented two spaces per level.
struct Render {
    out: String,
    indent: usize,
}

impl Render {
    fn line(&mut self, at: Option<Span>, text: &str) {
        let at = at.map_or("[-]".to_string(), |s| format!("[{}]", span(s)));
        writeln!(self.out, "{:w$}{at} {text}", "", w = self.indent * 2).unwrap();
    }

    /// A closing line (`}`, `} else`), without a span.
    fn close(&mut self, text: &str) {
        writeln!(self.out, "{:w$}{text}", "", w = self.indent * 2).unwrap();
    }

    fn exprs(&mut self, es: &[Expr]) -> String {
        let es: Vec<String> = es.iter().map(|e| self.expr(e)).collect();
        es.join(", ")
    }

    fn expr(&mut self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Ident(n) => n.to_string(),
            ExprKind::Selector(x, f) => format!("{}.{f}", self.expr(x)),
            ExprKind::Index(x, i) => format!("{}[{}]@{}", self.expr(x), self.expr(i), span(e.span)),
            ExprKind::SliceOf(x, bounds) => format!("slice({}; {})", self.expr(x), self.exprs(bounds)),
            ExprKind::Call { func, args } => format!("{}({})", self.expr(func), self.exprs(args)),
            ExprKind::FuncLit(f) => self.func_lit(f, e.span),
            ExprKind::Composite(t, elems) => {
                let t = match &**t {
                    TypeExpr::Unknown => "?".to_string(),
                    t => ty(t),
                };
                format!("{t}{{{}}}", self.elements(elems))
            }
            ExprKind::Unary(op, x) => {
                let op = match op {
                    UnaryOp::Addr => "&",
                    UnaryOp::Deref => "*",
                    UnaryOp::Not => "!",
                    UnaryOp::Recv => "<-",
                    UnaryOp::Other => "unary?",
                };
                format!("{op}{}", self.expr(x))
            }
            ExprKind::Binary(op, a, b) => {
                let op = match op {
                    BinaryOp::Eq => "==",
                    BinaryOp::Ne => "!=",
                    BinaryOp::And => "&&",
                    BinaryOp::Or => "||",
                    BinaryOp::Other => "op?",
                };
                format!("({} {op} {})", self.expr(a), self.expr(b))
            }
            ExprKind::TypeAssert(x, t) => format!("{}.({})", self.expr(x), ty(t)),
            ExprKind::Type(t) => format!("type({})", ty(t)),
            ExprKind::StringLit(s) => format!("str({s})"),
            ExprKind::IntLit(s) => s.to_string(),
            ExprKind::Nil => "nil".to_string(),
            ExprKind::Other(subs) => format!("other({})", self.exprs(subs)),
        }
    }

    fn elements(&mut self, elems: &[Element]) -> String {
        let elems: Vec<String> = elems
            .iter()
            .map(|el| match &el.key {
                Some(k) => format!("{}: {}", self.expr(k), self.expr(&el.value)),
                None => self.expr(&el.value),
            })
            .collect();
        elems.join(", ")
    }

    /// A function literal: its body is rendered on lines of its own, one level deeper.
    fn func_lit(&mut self, f: &FuncBody, at: Span) -> String {
        let mut inner = Render { out: String::new(), indent: self.indent + 1 };
        inner.body(f.body.as_deref());
        format!("func@{}{} {{\n{}{:w$}}}", span(at), signature(&f.sig), inner.out, "", w = self.indent * 2)
    }

    fn body(&mut self, body: Option<&[Stmt]>) {
        match body {
            Some(stmts) => self.stmts(stmts),
            None => self.line(None, "(no body)"),
        }
    }

    fn stmts(&mut self, stmts: &[Stmt]) {
        for s in stmts {
            self.stmt(s);
        }
    }

    fn block(&mut self, stmts: &[Stmt]) {
        self.indent += 1;
        self.stmts(stmts);
        self.indent -= 1;
    }

    /// A statement in a header (`if x := ...;`), on one line.
    fn simple(&mut self, s: &Stmt) -> String {
        let mut inner = Render { out: String::new(), indent: 0 };
        inner.stmt(s);
        inner.out.trim_end().to_string()
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Expr(e) => {
                let t = self.expr(e);
                self.line(Some(e.span), &format!("expr {t}"));
            }
            Stmt::Assign { lhs, rhs, op, span } => {
                let op = match op {
                    AssignOp::Define => ":=",
                    AssignOp::Plain => "=",
                    AssignOp::Compound => "op=",
                };
                let t = format!("assign {} {op} {}", self.exprs(lhs), self.exprs(rhs));
                self.line(Some(*span), &t);
            }
            Stmt::IncDec(e) => {
                let t = self.expr(e);
                self.line(Some(e.span), &format!("incdec {t}"));
            }
            Stmt::VarDecl(v) => {
                let t = var_spec(self, &v.names, v.ty.as_ref(), &v.values);
                self.line(v.names.first().map(|n| n.1), &format!("var {t}"));
            }
            Stmt::Go(e) => {
                let t = self.expr(e);
                self.line(Some(e.span), &format!("go {t}"));
            }
            Stmt::Defer(e) => {
                let t = self.expr(e);
                self.line(Some(e.span), &format!("defer {t}"));
            }
            Stmt::Return(es, span) => {
                let t = self.exprs(es);
                self.line(Some(*span), &format!("return {t}").trim_end().to_string());
            }
            Stmt::Send(send) => {
                let t = format!("send {} <- {}", self.expr(&send.chan), self.expr(&send.value));
                self.line(Some(send.span), &t);
            }
            Stmt::If(i) => self.if_stmt(i.init.as_deref(), &i.cond, &i.then, i.els.as_deref(), "if"),
            Stmt::For(f) => {
                let ForStmt { init, cond, post, range, body } = &**f;
                let head = match range {
                    Some(r) => {
                        let vars: Vec<String> = [&r.key, &r.value].into_iter().flatten().map(|e| self.expr(e)).collect();
                        let op = if r.define { ":=" } else { "=" };
                        let x = self.expr(&r.expr);
                        if vars.is_empty() { format!("for range {x} {{") } else { format!("for {} {op} range {x} {{", vars.join(", ")) }
                    }
                    None => {
                        let init = init.as_deref().map(|s| self.simple(s)).unwrap_or_default();
                        let cond = cond.as_ref().map(|c| self.expr(c)).unwrap_or_default();
                        let post = post.as_deref().map(|s| self.simple(s)).unwrap_or_default();
                        format!("for {{{init}}}; {cond}; {{{post}}} {{")
                    }
                };
                self.line(None, &head);
                self.block(body);
                self.close("}");
            }
            Stmt::Switch(sw) => {
                let SwitchStmt { init, tag, type_bind, cases } = &**sw;
                let mut head = "switch".to_string();
                if let Some(init) = init.as_deref() {
                    head += &format!(" {{{}}};", self.simple(init));
                }
                if let Some(b) = type_bind {
                    head += &format!(" bind {b}");
                }
                if let Some(tag) = tag {
                    head += &format!(" {}", self.expr(tag));
                }
                self.line(tag.as_ref().map(|t| t.span), &format!("{head} {{"));
                for c in cases {
                    let label = if c.default {
                        "default:".to_string()
                    } else if c.values.is_empty() {
                        // A type switch's case: the IR keeps no types.
                        "case (no values):".to_string()
                    } else {
                        format!("case {}:", self.exprs(&c.values))
                    };
                    self.close(&label);
                    self.block(&c.body);
                }
                self.close("}");
            }
            Stmt::Select { cases } => {
                self.line(None, "select {");
                for (comm, body) in cases {
                    let label = match comm.as_deref() {
                        Some(s) => format!("case {}:", self.simple(s)),
                        None => "default:".to_string(),
                    };
                    self.close(&label);
                    self.block(body);
                }
                self.close("}");
            }
            Stmt::Block(stmts) => {
                self.line(None, "{");
                self.block(stmts);
                self.close("}");
            }
            Stmt::Labeled(s) => {
                self.line(None, "label:");
                self.stmt(s);
            }
            Stmt::Break => self.line(None, "break"),
            Stmt::Jump => self.line(None, "jump"),
            Stmt::Empty => self.line(None, "empty"),
        }
    }

    fn if_stmt(&mut self, init: Option<&Stmt>, cond: &Expr, then: &[Stmt], els: Option<&Stmt>, kw: &str) {
        let init = init.map(|s| format!(" {{{}}};", self.simple(s))).unwrap_or_default();
        let c = self.expr(cond);
        self.line(Some(cond.span), &format!("{kw}{init} {c} {{"));
        self.block(then);
        match els {
            None => self.close("}"),
            Some(Stmt::If(i)) => self.if_stmt(i.init.as_deref(), &i.cond, &i.then, i.els.as_deref(), "} else if"),
            Some(Stmt::Block(stmts)) => {
                self.close("} else {");
                self.block(stmts);
                self.close("}");
            }
            Some(other) => {
                self.close("} else {");
                self.block(std::slice::from_ref(other));
                self.close("}");
            }
        }
    }
}

fn var_spec(r: &mut Render, names: &[(Name, Span)], t: Option<&TypeExpr>, values: &[Expr]) -> String {
    let names: Vec<String> = names.iter().map(|(n, s)| format!("{n}@{}", span(*s))).collect();
    let mut out = names.join(", ");
    if let Some(t) = t {
        out += &format!(" {}", ty(t));
    }
    if !values.is_empty() {
        out += &format!(" = {}", r.exprs(values));
    }
    out
}

fn render(f: &FileFacts) -> String {
    let mut r = Render { out: String::new(), indent: 0 };
    writeln!(r.out, "package {} ({} lines)", f.package, f.lines).unwrap();
    for i in &f.imports {
        writeln!(r.out, "import {} {:?}", i.name, i.path).unwrap();
    }
    for e in &f.errors {
        writeln!(r.out, "error: {}", e.message).unwrap();
    }
    for t in &f.types {
        writeln!(r.out, "type {} {}", t.name, ty(&t.ty)).unwrap();
    }
    for v in &f.vars {
        let t = var_spec(&mut r, &v.names, v.ty.as_ref(), &v.values);
        writeln!(r.out, "var {t}").unwrap();
    }
    for func in &f.funcs {
        let recv = match &func.recv {
            Some(rv) => format!(
                "({}{}{}) ",
                rv.name.as_deref().map(|n| format!("{n} ")).unwrap_or_default(),
                if rv.pointer { "*" } else { "" },
                rv.type_name
            ),
            None => String::new(),
        };
        writeln!(r.out, "\nfunc {recv}{}{} @{}", func.name, signature(&func.func.sig), span(func.func.span)).unwrap();
        r.indent = 1;
        r.body(func.func.body.as_deref());
        r.indent = 0;
    }
    r.out
}

fn check(name: &str) {
    let facts = lower(name);
    insta::assert_snapshot!(name.trim_end_matches(".go"), render(&facts));
}

#[test]
fn locks_and_maps() {
    check("locks_maps.go");
}

#[test]
fn goroutines_and_closures() {
    check("goroutines.go");
}

#[test]
fn switch_select_range() {
    check("control.go");
}

#[test]
fn generics() {
    check("generics.go");
}

/// The syntax error is named, and the functions around it still lower.
#[test]
fn syntax_error() {
    let facts = lower("syntax_error.go");
    assert!(!facts.errors.is_empty(), "no error named");
    assert!(facts.funcs.iter().any(|f| f.name == "Fine"), "the function after the error is lost");
    check("syntax_error.go");
}

/// Every file here but syntax_error.go lowers without error.
#[test]
fn good_files_have_no_errors() {
    for name in ["locks_maps.go", "goroutines.go", "control.go", "generics.go"] {
        let facts = lower(name);
        assert!(facts.errors.is_empty(), "{name}: {:?}", facts.errors);
    }
}
