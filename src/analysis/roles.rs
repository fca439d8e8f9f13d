//! What part a method plays in how its type is used, read by the entry walk: setup and
//! lifecycle methods (one client's calls), RPC-shaped handlers of a registered type, and the
//! helpers only the type's own methods (or only goroutines) call.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::Analyzer;
use super::path::Root;
use super::summary::AccessKind;
use crate::model::FuncId;

impl Analyzer<'_> {
    /// A setup method (`is_setup_method`); a `Reset` only when it takes no lock: one that
    /// locks is written to run alongside the other methods, one that does not reinitialises
    /// a value no one else is using. Also a lock-free configuration setter (`SetDefaultTags`,
    /// `SetLogger`): a `Set…` method whose only map accesses replace fields of the receiver
    /// whole (`p.tags = tags`); one that writes keys (`Set(k, v)`) is an ordinary method.
    pub(super) fn is_lifecycle_method(&self, id: FuncId) -> bool {
        let name = &self.prog.funcs[id as usize].name;
        let setter = is_config_setter_name(name);
        if !setter && !is_setup_method(name) {
            return false;
        }
        if !setter && name != "Reset" {
            return true;
        }
        let Some(s) = self.summaries.get(&id) else { return false };
        let lock_free = s.locks_released.is_empty() && s.accesses.iter().all(|a| a.locks.is_empty());
        if !setter {
            return lock_free;
        }
        let whole_field = |a: &&super::summary::Access| a.kind == AccessKind::Reassign && matches!(a.path.root, Root::Recv) && a.path.steps.len() == 1;
        let writes: Vec<_> = s.accesses.iter().filter(|a| a.kind.is_write()).collect();
        lock_free && !writes.is_empty() && writes.iter().all(whole_field)
    }

    /// Unexported methods that methods of their own type call, and no other code but tests.
    pub(super) fn internal_helpers(&self) -> HashSet<FuncId> {
        let prog = self.prog;
        let recv_type = |f: FuncId| prog.funcs[f as usize].recv.as_ref().map(|r| r.ty);
        let is_test = |f: FuncId| prog.is_test_file(prog.funcs[f as usize].file);
        let mut verdict: HashMap<FuncId, bool> = HashMap::default();
        for (caller, callee) in &self.calls {
            let callee_fn = &prog.funcs[*callee as usize];
            if callee_fn.exported() || callee_fn.recv.is_none() {
                continue;
            }
            let ok = match caller {
                Some(c) if is_test(*c) => continue,
                Some(c) => recv_type(*c) == recv_type(*callee),
                None => false,
            };
            let v = verdict.entry(*callee).or_insert(true);
            *v &= ok;
        }
        verdict.into_iter().filter(|(_, ok)| *ok).map(|(f, _)| f).collect()
    }

    /// An unexported function the module's code (tests aside: they call helpers bare) calls,
    /// every time on a goroutine of its own.
    pub(super) fn only_on_goroutines(&self, id: FuncId) -> bool {
        !self.prog.funcs[id as usize].exported() && self.called_on_goroutine.contains(&id) && !self.called_inline.contains(&id)
    }

}

/// Could a method with this signature be an RPC handler? gRPC and Twirp unary handlers take
/// a `context.Context` first, gRPC streaming handlers a `…Server` stream last, net/rpc methods
/// `(args T, reply *R)`; all return an `error` last.
pub(super) fn rpc_shaped(sig: &crate::syntax::ir::Signature) -> bool {
    use crate::syntax::ir::TypeExpr;
    let returns_error = matches!(sig.results.last().map(|r| &r.ty), Some(TypeExpr::Name(n)) if n.as_ref() == "error");
    let context_first = matches!(sig.params.first().map(|p| &p.ty), Some(TypeExpr::Qualified(_, n)) if n.as_ref() == "Context");
    let stream_last = match sig.params.last().map(|p| &p.ty) {
        Some(TypeExpr::Name(n) | TypeExpr::Qualified(_, n)) => n.ends_with("Server") || n.ends_with("Stream"),
        _ => false,
    };
    let net_rpc = sig.params.len() == 2 && matches!(sig.params[1].ty, TypeExpr::Pointer(_));
    returns_error && (context_first || stream_last || net_rpc)
}

/// The names Go code gives to methods that set a value up once before it is shared
/// (caddy's `Provision`/`Validate`, `Init`, `Start`, `Open`, gRPC's `RegisterService`,
/// `UnmarshalJSON`-style decoding into the value): called by one client, once, not alongside
/// the value's concurrent methods.
pub fn is_setup_method(name: &str) -> bool {
    // `Reset` too: by Go convention (`bytes.Buffer`, pooled request contexts, a build's
    // per-run state) it reinitialises a value no one else is using.
    // `Use` registers middleware (gin, echo, chi, fiber): the router is built before it serves.
    const EXACT: [&str; 18] = [
        "Init", "Initialize", "Setup", "SetUp", "Provision", "Validate", "Configure", "Prepare", "Start", "Startup", "StartUp", "Open", "Bootstrap", "Boot", "Mount",
        "Unmarshal", "Reset", "Use",
    ];
    const PREFIX: [&str; 4] = ["Register", "Unmarshal", "Init", "Setup"];
    EXACT.contains(&name) || PREFIX.iter().any(|p| name.starts_with(p) && name[p.len()..].starts_with(|c: char| c.is_uppercase()))
}

/// `SetDefaultTags`, `SetState`: a setter by name (`Set` and an upper-case letter; not `Set`
/// itself, the usual key-value store method).
pub fn is_config_setter_name(name: &str) -> bool {
    name.strip_prefix("Set").is_some_and(|rest| rest.starts_with(|c: char| c.is_uppercase()))
}
