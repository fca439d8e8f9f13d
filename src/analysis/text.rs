//! Normalised source text of expressions: how messages name maps and keys, and how the
//! check-then-act rules recognise "the same key" within one function.

use crate::syntax::ir::{BinaryOp, Expr, ExprKind, UnaryOp};

const MAX_LEN: usize = 80;

pub fn expr_text(e: &Expr) -> String {
    let mut s = String::new();
    write_expr(e, &mut s, 0);
    if s.len() > MAX_LEN {
        let mut cut = MAX_LEN;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

fn write_expr(e: &Expr, out: &mut String, depth: u32) {
    if depth > 12 || out.len() > MAX_LEN {
        out.push('…');
        return;
    }
    let d = depth + 1;
    match &e.kind {
        ExprKind::Ident(n) => out.push_str(n),
        ExprKind::Selector(x, f) => {
            write_expr(x, out, d);
            out.push('.');
            out.push_str(f);
        }
        ExprKind::Index(x, k) => {
            write_expr(x, out, d);
            out.push('[');
            write_expr(k, out, d);
            out.push(']');
        }
        ExprKind::SliceOf(x, _) => {
            write_expr(x, out, d);
            out.push_str("[:]");
        }
        ExprKind::Call { func, args } => {
            write_expr(func, out, d);
            out.push('(');
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expr(a, out, d);
            }
            out.push(')');
        }
        ExprKind::FuncLit(_) => out.push_str("func(){…}"),
        ExprKind::Composite(..) => out.push_str("{…}"),
        ExprKind::Unary(op, x) => {
            out.push_str(match op {
                UnaryOp::Addr => "&",
                UnaryOp::Deref => "*",
                UnaryOp::Not => "!",
                UnaryOp::Recv => "<-",
                UnaryOp::Other => "-",
            });
            write_expr(x, out, d);
        }
        ExprKind::Binary(op, l, r) => {
            write_expr(l, out, d);
            out.push_str(match op {
                BinaryOp::Eq => " == ",
                BinaryOp::Ne => " != ",
                BinaryOp::And => " && ",
                BinaryOp::Or => " || ",
                BinaryOp::Other => " ∘ ",
            });
            write_expr(r, out, d);
        }
        ExprKind::TypeAssert(x, _) => {
            write_expr(x, out, d);
            out.push_str(".(…)");
        }
        ExprKind::Type(_) => out.push('T'),
        ExprKind::StringLit(s) | ExprKind::IntLit(s) => out.push_str(s),
        ExprKind::Nil => out.push_str("nil"),
        ExprKind::Other(_) => out.push('…'),
    }
}
