//! The swap guard: `if atomic.SwapUint32(&s.state, done) == done { return }` lets one caller
//! through per transition to `done`; every later swapper sees `done` and leaves. Code after
//! the guard runs in one goroutine at a time, like code after a won compare-and-swap
//! (`conds::cas_won`), so the winner holds the swap as a try-lock (`hold_flag`).
//!
//! The swap is seen directly (`atomic.SwapInt32(&x, v)`, `x.Swap(v)` on a typed atomic),
//! through conversions (`streamState(atomic.SwapUint32((*uint32)(&s.state), uint32(st)))`),
//! and through a method that returns it (`s.swapState(done)`: `Returned::swapped`, with the
//! value resolved from the caller's argument).

use super::*;

/// Basic types a conversion may name (`uint32(st)`).
const BASIC_TYPES: &[&str] = &[
    "bool", "byte", "rune", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "string",
];

impl<'a, 'p> Walk<'a, 'p> {
    /// `e` without the type conversions around it (`uint32(x)`, `(*uint32)(&x)`, `state(x)`).
    fn peel_conversions<'e>(&self, mut e: &'e Expr) -> &'e Expr {
        loop {
            match &e.kind {
                ExprKind::Call { func, args } if args.len() == 1 && self.is_conversion(func) => e = &args[0],
                // A conversion the grammar parses as such (`(*uint32)(p)` in some forms).
                ExprKind::Other(children) if children.len() == 1 => e = &children[0],
                _ => return e,
            }
        }
    }

    fn is_conversion(&self, func: &Expr) -> bool {
        match &func.kind {
            ExprKind::Type(_) => true,
            // `(*uint32)(p)`: the parenthesised type parses as a dereference.
            ExprKind::Unary(UnaryOp::Deref, t) => self.is_conversion(t),
            ExprKind::Ident(n) => {
                self.lookup(n).is_none()
                    && (BASIC_TYPES.contains(&n.as_str()) || self.an.prog.packages[self.pkg as usize].types.contains_key(n.as_str()))
            }
            _ => false,
        }
    }

    /// The value an expression stores or compares with, for swaps: a constant (a literal,
    /// `pkg.Name`, or a name of this package that is no variable or function: a constant),
    /// or a parameter of the walked function.
    pub(super) fn swap_value(&self, e: &Expr) -> Option<SwapValue> {
        let e = self.peel_conversions(e);
        if let Some(k) = self.constant_text(e) {
            return Some(SwapValue::Const(k));
        }
        let ExprKind::Ident(n) = &e.kind else { return None };
        if let Some(v) = self.lookup(n) {
            return v.param.filter(|p| *p != u16::MAX).map(SwapValue::Param);
        }
        let pkg = &self.an.prog.packages[self.pkg as usize];
        if pkg.vars.contains_key(n.as_str()) || pkg.funcs.contains_key(n.as_str()) {
            return None;
        }
        Some(SwapValue::Const(Rc::from(format!("{}.{n}", pkg.import_path))))
    }

    /// The atomic variable a call swaps and the value it stores (`atomic.SwapUint32(&x, v)`,
    /// `x.Swap(v)`), seen through conversions.
    pub(super) fn direct_swap(&self, call: &Expr) -> Option<(Rc<Path>, SwapValue)> {
        let ExprKind::Call { func, args } = &self.peel_conversions(call).kind else { return None };
        let ExprKind::Selector(recv, name) = &func.kind else { return None };
        if !name.starts_with("Swap") {
            return None;
        }
        let (var, value) = match (self.qualifier_path(recv).as_deref(), &args[..]) {
            (Some("sync/atomic"), [addr, value]) => match &self.peel_conversions(addr).kind {
                ExprKind::Unary(UnaryOp::Addr, x) => (self.quiet_field_path(x)?, value),
                _ => return None,
            },
            // A typed atomic's method (`atomic.Uint32`, `atomic.Bool`): one argument, unlike a
            // sync.Map's Swap(key, value) or a sort interface's Swap(i, j).
            (None, [value]) if name.as_str() == "Swap" => (self.quiet_field_path(recv)?, value),
            _ => return None,
        };
        Some((Rc::new(var), self.swap_value(value)?))
    }

    /// The branch a swap's result decides: `swap(x, v) == v` is true where the swap lost (it
    /// found the value already there); `x.Swap(true)` alone is true where it lost. Returns
    /// the flag the winner holds, and the truth of the condition on the winner's branch.
    pub(super) fn swap_won(swapped: Option<&(Rc<Path>, SwapValue)>, compared: Option<&SwapValue>, equal: bool) -> Option<(Rc<Path>, bool)> {
        let (var, SwapValue::Const(stored)) = swapped? else { return None };
        let flag = |v: &Rc<Path>| Rc::new(v.child(Step::Field(Rc::from(format!("<swap to {stored}>")))));
        match compared {
            Some(SwapValue::Const(c)) if c == stored => Some((flag(var), !equal)),
            None if &**stored == "true" => Some((flag(var), false)),
            _ => None,
        }
    }
}
