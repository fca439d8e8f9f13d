//! Parse one Go file with tree-sitter-go and lower it into `FileFacts`. The tree lives only
//! inside `lower_file`. Lowering is total: unknown or broken syntax becomes `Other`/`Empty`,
//! never a panic, and nesting deeper than `MAX_DEPTH` is cut off with an error naming the file.

use rustc_hash::FxHashMap;
use tree_sitter::Node;

use super::grammar::{field_children, fields, kind};
use super::ir::*;
use crate::load::SourceFile;
use crate::report::FileError;
use super::name::{Interner, Name};

/// Deeper expressions than this are not lowered (real Go code stays far below; generated
/// or hostile input does not). Keeps every recursive pass of the analysis within its stack.
pub const MAX_DEPTH: u32 = 400;

struct Lowerer<'a> {
    src: &'a str,
    depth: u32,
    too_deep: Option<Span>,
    interner: &'a Interner,
    /// This file's names: most repeat within a file, so the shared interner (a lock) is asked
    /// once per distinct text.
    names: FxHashMap<&'a str, Name>,
    /// See `FileFacts::published_flags`.
    published_flags: Vec<String>,
}

/// Lower one file with names of its own (tests, the fuzz harness).
pub fn lower_file(file: &SourceFile) -> FileFacts {
    lower_file_with(file, &Interner::default())
}

/// Lower one file, sharing names with every other file lowered through `interner`.
pub fn lower_file_with(file: &SourceFile, interner: &Interner) -> FileFacts {
    let facts = lower(file, interner);
    if file.text.len() >= super::grammar::LARGE_TEXT {
        super::grammar::release_freed_trees();
    }
    facts
}

fn lower(file: &SourceFile, interner: &Interner) -> FileFacts {
    let lines = file.text.lines().count() as u32;
    let mut facts = FileFacts {
        path: file.path.clone(),
        package: String::new(),
        imports: Vec::new(),
        types: Vec::new(),
        vars: Vec::new(),
        funcs: Vec::new(),
        lines,
        published_flags: Vec::new(),
        bool_consts: Vec::new(),
        errors: Vec::new(),
    };
    let text = super::source::parse_text(&file.text, &file.path, &mut facts.errors);
    let Some(mut parser) = super::grammar::parser() else {
        facts.errors.push(FileError { file: file.path.clone(), message: "internal: Go grammar failed to load".into() });
        return facts;
    };
    let Some(tree) = parser.parse(text.as_bytes(), None) else {
        facts.errors.push(FileError { file: file.path.clone(), message: "could not be parsed".into() });
        return facts;
    };
    let root = tree.root_node();
    if root.has_error()
        && let Some(at) = first_error(root) {
            facts.errors.push(FileError {
                file: file.path.clone(),
                message: format!("syntax error at {}:{}; analysed the parts that parsed", at.line, at.col),
            });
        }
    let mut lw = Lowerer { src: &text, depth: 0, too_deep: None, interner, names: FxHashMap::default(), published_flags: Vec::new() };
    let mut cur = root.walk();
    for item in root.named_children(&mut cur) {
        match kind(item) {
            "package_clause" => {
                if let Some(n) = named_child_of_kind(item, "package_identifier") {
                    facts.package = lw.text(n).to_string();
                }
            }
            "import_declaration" => lw.imports(item, &mut facts.imports),
            "type_declaration" => lw.type_decls(item, &mut facts.types),
            "var_declaration" => lw.var_decl(item, &mut facts.vars),
            "const_declaration" => lw.bool_consts(item, &mut facts.bool_consts),
            "function_declaration" | "method_declaration" => {
                if let Some(f) = lw.func_decl(item) {
                    facts.funcs.push(f);
                }
            }
            _ => {}
        }
    }
    facts.published_flags = std::mem::take(&mut lw.published_flags);
    facts.published_flags.sort_unstable();
    facts.published_flags.dedup();
    if facts.package.is_empty() {
        // Go rejects a file without a package clause: nothing of it joins any package.
        if !root.has_error() {
            facts.errors.push(FileError {
                file: file.path.clone(),
                message: "no package clause (Go requires `package name` first); file not analysed".into(),
            });
        }
        facts.imports.clear();
        facts.types.clear();
        facts.vars.clear();
        facts.funcs.clear();
    }
    if let Some(at) = lw.too_deep {
        facts.errors.push(FileError {
            file: file.path.clone(),
            message: format!("nesting deeper than {MAX_DEPTH} levels at {}:{}; that part not analysed", at.line, at.col),
        });
    }
    facts
}

fn first_error(n: Node) -> Option<Span> {
    let mut cur = n.walk();
    // Iterative pre-order walk: error trees can be as deep as the input.
    loop {
        let node = cur.node();
        if node.is_error() || node.is_missing() {
            return Some(span(node));
        }
        if node.has_error() && cur.goto_first_child() {
            continue;
        }
        loop {
            if cur.goto_next_sibling() {
                break;
            }
            if !cur.goto_parent() {
                return None;
            }
        }
    }
}

fn span(n: Node) -> Span {
    let p = n.start_position();
    Span { line: p.row as u32 + 1, col: p.column as u32 + 1 }
}

fn named_child_of_kind<'t>(n: Node<'t>, k: &str) -> Option<Node<'t>> {
    let mut cur = n.walk();
    n.named_children(&mut cur).find(|c| kind(*c) == k)
}

fn named_children(n: Node) -> Vec<Node> {
    let mut cur = n.walk();
    n.named_children(&mut cur).filter(|c| kind(*c) != "comment").collect()
}

impl<'a> Lowerer<'a> {
    /// `x.ready.Store(true)`, `x.ready.Swap(true)`, `x.ready.CompareAndSwap(false, true)`:
    /// remember `ready` as a flag this program sets.
    fn note_published_flag(&mut self, func: &Expr, args: &[Expr]) {
        let is = |e: &Expr, v: &str| matches!(&e.kind, ExprKind::Ident(n) if n.as_str() == v);
        let ExprKind::Selector(flag, method) = &func.kind else { return };
        let sets_true = match (method.as_str(), args) {
            ("Store" | "Swap", [v]) => is(v, "true"),
            ("CompareAndSwap", [old, new]) => is(old, "false") && is(new, "true"),
            _ => false,
        };
        if !sets_true {
            return;
        }
        let name = match &flag.kind {
            ExprKind::Selector(_, f) => f.as_str(),
            ExprKind::Ident(n) => n.as_str(),
            _ => return,
        };
        self.published_flags.push(name.to_string());
    }

    fn text(&self, n: Node) -> &'a str {
        self.src.get(n.byte_range()).unwrap_or("")
    }

    fn name(&mut self, n: Node) -> Name {
        let t = self.text(n);
        self.intern(t)
    }

    fn intern(&mut self, t: &'a str) -> Name {
        if let Some(n) = self.names.get(t) {
            return n.clone();
        }
        let n = self.interner.intern(t);
        self.names.insert(t, n.clone());
        n
    }

    fn enter(&mut self, n: Node) -> bool {
        if self.depth >= MAX_DEPTH {
            self.too_deep.get_or_insert(span(n));
            return false;
        }
        self.depth += 1;
        true
    }

    fn imports(&mut self, decl: Node, out: &mut Vec<Import>) {
        let mut specs = Vec::new();
        for c in named_children(decl) {
            match kind(c) {
                "import_spec" => specs.push(c),
                "import_spec_list" => specs.extend(named_children(c).into_iter().filter(|s| kind(*s) == "import_spec")),
                _ => {}
            }
        }
        for s in specs {
            let Some(p) = s.child_by_field_id(fields().path) else { continue };
            let path = self.text(p).trim_matches(|c| c == '"' || c == '`');
            let name = match s.child_by_field_id(fields().name) {
                Some(n) => self.text(n).to_string(),
                None => path.rsplit('/').next().unwrap_or(path).to_string(),
            };
            let path = path.to_string();
            out.push(Import { name, path });
        }
    }

    fn type_decls(&mut self, decl: Node, out: &mut Vec<TypeDecl>) {
        let specs: Vec<Node> = named_children(decl).into_iter().filter(|s| matches!(kind(*s), "type_spec" | "type_alias")).collect();
        let alone = specs.len() == 1;
        for spec in specs {
            let (Some(name), Some(ty)) = (spec.child_by_field_id(fields().name), spec.child_by_field_id(fields().r#type)) else {
                continue;
            };
            // `// T is ...` above `type T` (or above the spec inside a group).
            let doc = if alone { self.doc_comment(decl) } else { self.doc_comment(spec) };
            let single_goroutine = says_not_concurrency_safe(&doc);
            out.push(TypeDecl { name: self.name(name), ty: self.type_expr(ty), single_goroutine });
        }
    }

    /// The `//` comment lines directly above a declaration, joined.
    fn doc_comment(&self, n: Node) -> String {
        let mut lines = Vec::new();
        let mut next_row = n.start_position().row;
        let mut cur = n.prev_sibling();
        while let Some(c) = cur {
            if kind(c) != "comment" || c.end_position().row + 1 != next_row {
                break;
            }
            lines.push(self.text(c).trim_start_matches("//").trim().to_string());
            next_row = c.start_position().row;
            cur = c.prev_sibling();
        }
        lines.reverse();
        lines.join(" ")
    }

    fn var_specs(&mut self, decl: Node) -> Vec<VarSpec> {
        let mut specs = Vec::new();
        for c in named_children(decl) {
            match kind(c) {
                "var_spec" => specs.push(c),
                "var_spec_list" => specs.extend(named_children(c).into_iter().filter(|s| kind(*s) == "var_spec")),
                _ => {}
            }
        }
        specs
            .into_iter()
            .map(|s| VarSpec {
                names: field_children(s, fields().name).into_iter().map(|n| (self.name(n), span(n))).collect(),
                ty: s.child_by_field_id(fields().r#type).map(|t| self.type_expr(t)),
                values: s.child_by_field_id(fields().value).map(|v| self.expr_list(v)).unwrap_or_default(),
            })
            .collect()
    }

    fn var_decl(&mut self, decl: Node, out: &mut Vec<VarSpec>) {
        out.extend(self.var_specs(decl));
    }

    /// `const name = true` / `false` (also typed `bool`), one name per spec: the only
    /// constants the walk evaluates (dead `if debug { ... }` branches).
    fn bool_consts(&mut self, decl: Node, out: &mut Vec<(String, bool)>) {
        for spec in named_children(decl).into_iter().filter(|c| kind(*c) == "const_spec") {
            let names = field_children(spec, fields().name);
            let Some(values) = spec.child_by_field_id(fields().value) else { continue };
            let values = named_children(values);
            if let ([name], [value]) = (names.as_slice(), values.as_slice()) {
                match kind(*value) {
                    "true" => out.push((self.text(*name).to_string(), true)),
                    "false" => out.push((self.text(*name).to_string(), false)),
                    _ => {}
                }
            }
        }
    }

    fn func_decl(&mut self, n: Node) -> Option<FuncDecl> {
        let name = self.name(n.child_by_field_id(fields().name)?);
        let recv = n.child_by_field_id(fields().receiver).and_then(|r| {
            let p = named_children(r).into_iter().find(|c| kind(*c) == "parameter_declaration")?;
            let name = p.child_by_field_id(fields().name).map(|x| self.name(x));
            let mut ty = p.child_by_field_id(fields().r#type)?;
            let mut pointer = false;
            if kind(ty) == "pointer_type" {
                pointer = true;
                ty = named_children(ty).into_iter().next()?;
            }
            if kind(ty) == "generic_type" {
                ty = ty.child_by_field_id(fields().r#type)?;
            }
            Some(Receiver { name, type_name: self.name(ty), pointer })
        });
        let func = self.func_body(n);
        Some(FuncDecl { name, recv, func })
    }

    fn func_body(&mut self, n: Node) -> FuncBody {
        let sig = self.signature(n);
        let body = n.child_by_field_id(fields().body).map(|b| self.block(b));
        FuncBody { sig, body, span: span(n) }
    }

    fn signature(&mut self, n: Node) -> Signature {
        let params = n.child_by_field_id(fields().parameters).map(|p| self.params(p)).unwrap_or_default();
        let results = match n.child_by_field_id(fields().result) {
            Some(r) if kind(r) == "parameter_list" => self.params(r),
            Some(r) => Box::new([Param { name: None, ty: self.type_expr(r) }]),
            None => Box::default(),
        };
        Signature { params, results }
    }

    fn params(&mut self, list: Node) -> Box<[Param]> {
        let mut out = Vec::new();
        for p in named_children(list) {
            let variadic = kind(p) == "variadic_parameter_declaration";
            if !variadic && kind(p) != "parameter_declaration" {
                continue;
            }
            let mut ty = p.child_by_field_id(fields().r#type).map(|t| self.type_expr(t)).unwrap_or(TypeExpr::Unknown);
            if variadic {
                ty = TypeExpr::Slice(Box::new(ty));
            }
            let names = field_children(p, fields().name);
            if names.is_empty() {
                out.push(Param { name: None, ty });
            } else {
                for nm in names {
                    out.push(Param { name: Some(self.name(nm)), ty: ty.clone() });
                }
            }
        }
        out.into_boxed_slice()
    }

    fn type_expr(&mut self, n: Node) -> TypeExpr {
        if !self.enter(n) {
            return TypeExpr::Unknown;
        }
        let t = self.type_expr_inner(n);
        self.depth -= 1;
        t
    }

    fn type_expr_inner(&mut self, n: Node) -> TypeExpr {
        let first = || named_children(n).into_iter().next();
        match kind(n) {
            "type_identifier" | "identifier" => TypeExpr::Name(self.name(n)),
            "qualified_type" => match (n.child_by_field_id(fields().package), n.child_by_field_id(fields().name)) {
                (Some(p), Some(nm)) => TypeExpr::Qualified(self.name(p), self.name(nm)),
                _ => TypeExpr::Unknown,
            },
            "pointer_type" => first().map(|c| TypeExpr::Pointer(Box::new(self.type_expr(c)))).unwrap_or(TypeExpr::Unknown),
            "map_type" => match (n.child_by_field_id(fields().key), n.child_by_field_id(fields().value)) {
                (Some(k), Some(v)) => TypeExpr::Map(Box::new(self.type_expr(k)), Box::new(self.type_expr(v))),
                _ => TypeExpr::Unknown,
            },
            "slice_type" | "array_type" | "implicit_length_array_type" => n
                .child_by_field_id(fields().element)
                .map(|e| TypeExpr::Slice(Box::new(self.type_expr(e))))
                .unwrap_or(TypeExpr::Unknown),
            "channel_type" => n
                .child_by_field_id(fields().value)
                .map(|e| TypeExpr::Chan(Box::new(self.type_expr(e))))
                .unwrap_or(TypeExpr::Unknown),
            "struct_type" => {
                let mut decls = Vec::new();
                if let Some(list) = named_child_of_kind(n, "field_declaration_list") {
                    for fd in named_children(list) {
                        if kind(fd) != "field_declaration" {
                            continue;
                        }
                        let Some(ty) = fd.child_by_field_id(fields().r#type) else { continue };
                        let ty = self.type_expr(ty);
                        let names = field_children(fd, fields().name);
                        if names.is_empty() {
                            decls.push(FieldDecl { name: None, ty });
                        } else {
                            for nm in names {
                                decls.push(FieldDecl { name: Some(self.name(nm)), ty: ty.clone() });
                            }
                        }
                    }
                }
                TypeExpr::Struct(decls.into_boxed_slice())
            }
            "function_type" => TypeExpr::Func(Box::new(self.signature(n))),
            "interface_type" => {
                let mut cursor = n.walk();
                let methods = n
                    .named_children(&mut cursor)
                    .filter(|c| kind(*c) == "method_elem")
                    .filter_map(|c| c.child_by_field_id(fields().name))
                    .map(|name| self.name(name))
                    .collect();
                TypeExpr::Interface(methods)
            }
            "generic_type" => n.child_by_field_id(fields().r#type).map(|t| self.type_expr(t)).unwrap_or(TypeExpr::Unknown),
            "parenthesized_type" => first().map(|c| self.type_expr(c)).unwrap_or(TypeExpr::Unknown),
            "type_constraint" | "negated_type" => TypeExpr::Unknown,
            _ => TypeExpr::Unknown,
        }
    }

    fn block(&mut self, n: Node) -> Box<[Stmt]> {
        let mut out = Vec::new();
        for c in named_children(n) {
            if kind(c) == "statement_list" {
                for s in named_children(c) {
                    self.stmt_into(s, &mut out);
                }
            } else {
                self.stmt_into(c, &mut out);
            }
        }
        out.into_boxed_slice()
    }

    fn stmt_into(&mut self, n: Node, out: &mut Vec<Stmt>) {
        if kind(n) == "var_declaration" {
            // `var ( a T; b U )` declares in the enclosing block, not a block of its own.
            for s in self.var_specs(n) {
                out.push(Stmt::VarDecl(Box::new(s)));
            }
            return;
        }
        let s = self.stmt(n);
        if !matches!(s, Stmt::Empty) {
            out.push(s);
        }
    }

    fn stmt(&mut self, n: Node) -> Stmt {
        if !self.enter(n) {
            return Stmt::Empty;
        }
        let s = self.stmt_inner(n);
        self.depth -= 1;
        s
    }

    fn opt_stmt(&mut self, n: Option<Node>) -> Option<Box<Stmt>> {
        n.map(|n| self.stmt(n)).filter(|s| !matches!(s, Stmt::Empty)).map(Box::new)
    }

    fn stmt_inner(&mut self, n: Node) -> Stmt {
        match kind(n) {
            "expression_statement" => match named_children(n).into_iter().next() {
                Some(e) => Stmt::Expr(self.expr(e)),
                None => Stmt::Empty,
            },
            "assignment_statement" | "short_var_declaration" => {
                let lhs = n.child_by_field_id(fields().left).map(|l| self.expr_list(l)).unwrap_or_default();
                let rhs = n.child_by_field_id(fields().right).map(|r| self.expr_list(r)).unwrap_or_default();
                let op = if kind(n) == "short_var_declaration" {
                    AssignOp::Define
                } else {
                    match n.child_by_field_id(fields().operator).map(|o| self.text(o)) {
                        Some("=") | None => AssignOp::Plain,
                        Some(_) => AssignOp::Compound,
                    }
                };
                Stmt::Assign { lhs, rhs, op, span: span(n) }
            }
            "inc_statement" | "dec_statement" => match named_children(n).into_iter().next() {
                Some(e) => Stmt::IncDec(self.expr(e)),
                None => Stmt::Empty,
            },
            "var_declaration" => {
                let specs = self.var_specs(n);
                let mut stmts: Vec<Stmt> = specs.into_iter().map(|s| Stmt::VarDecl(Box::new(s))).collect();
                if stmts.len() == 1 { stmts.pop().unwrap_or(Stmt::Empty) } else { Stmt::Block(stmts.into_boxed_slice()) }
            }
            "go_statement" | "defer_statement" => match named_children(n).into_iter().next() {
                Some(e) => {
                    let e = self.expr(e);
                    if kind(n) == "go_statement" { Stmt::Go(e) } else { Stmt::Defer(e) }
                }
                None => Stmt::Empty,
            },
            "return_statement" => {
                let vals = named_children(n).into_iter().next().map(|l| self.expr_list(l)).unwrap_or_default();
                Stmt::Return(vals, span(n))
            }
            "send_statement" => match (n.child_by_field_id(fields().channel), n.child_by_field_id(fields().value)) {
                (Some(c), Some(v)) => Stmt::Send(Box::new(SendStmt { chan: self.expr(c), value: self.expr(v), span: span(n) })),
                _ => Stmt::Empty,
            },
            "if_statement" => {
                let init = self.opt_stmt(n.child_by_field_id(fields().initializer));
                let cond = n.child_by_field_id(fields().condition).map(|c| self.expr(c)).unwrap_or(Expr { kind: ExprKind::Other(Box::default()), span: span(n) });
                let then = n.child_by_field_id(fields().consequence).map(|b| self.block(b)).unwrap_or_default();
                let els = n.child_by_field_id(fields().alternative).map(|a| {
                    Box::new(if kind(a) == "block" { Stmt::Block(self.block(a)) } else { self.stmt(a) })
                });
                Stmt::If(Box::new(IfStmt { init, cond, then, els }))
            }
            "for_statement" => {
                let body = n.child_by_field_id(fields().body).map(|b| self.block(b)).unwrap_or_default();
                let mut init = None;
                let mut cond = None;
                let mut post = None;
                let mut range = None;
                for c in named_children(n) {
                    match kind(c) {
                        "for_clause" => {
                            init = self.opt_stmt(c.child_by_field_id(fields().initializer));
                            cond = c.child_by_field_id(fields().condition).map(|e| self.expr(e));
                            post = self.opt_stmt(c.child_by_field_id(fields().update));
                        }
                        "range_clause" => {
                            let left = c.child_by_field_id(fields().left).map(|l| self.expr_list(l)).unwrap_or_default();
                            let define = {
                                let mut cur = c.walk();
                                c.children(&mut cur).any(|t| kind(t) == ":=")
                            };
                            if let Some(r) = c.child_by_field_id(fields().right) {
                                let mut left = left.into_iter();
                                range = Some(RangeClause { key: left.next(), value: left.next(), define, expr: self.expr(r) });
                            }
                        }
                        "block" => {}
                        _ if cond.is_none() && range.is_none() => cond = Some(self.expr(c)),
                        _ => {}
                    }
                }
                Stmt::For(Box::new(ForStmt { init, cond, post, range, body }))
            }
            "expression_switch_statement" | "type_switch_statement" => {
                let init = self.opt_stmt(n.child_by_field_id(fields().initializer));
                let tag = n.child_by_field_id(fields().value).map(|v| self.expr(v));
                let type_bind = n
                    .child_by_field_id(fields().alias)
                    .and_then(|a| named_children(a).into_iter().next())
                    .map(|a| self.name(a));
                let mut cases = Vec::new();
                for c in named_children(n) {
                    if matches!(kind(c), "expression_case" | "default_case" | "type_case") {
                        let values = c.child_by_field_id(fields().value).map(|v| self.expr_list(v)).unwrap_or_default();
                        let mut body = Vec::new();
                        if let Some(list) = named_child_of_kind(c, "statement_list") {
                            for s in named_children(list) {
                                self.stmt_into(s, &mut body);
                            }
                        }
                        cases.push(SwitchCase { values, default: kind(c) == "default_case", body: body.into_boxed_slice() });
                    }
                }
                Stmt::Switch(Box::new(SwitchStmt { init, tag, type_bind, cases: cases.into_boxed_slice() }))
            }
            "select_statement" => {
                let mut cases = Vec::new();
                for c in named_children(n) {
                    if matches!(kind(c), "communication_case" | "default_case") {
                        let comm = self.opt_stmt(c.child_by_field_id(fields().communication));
                        let body = named_child_of_kind(c, "statement_list").map(|l| self.block(l)).unwrap_or_default();
                        cases.push((comm, body));
                    }
                }
                Stmt::Select { cases: cases.into_boxed_slice() }
            }
            "receive_statement" => {
                let lhs = n.child_by_field_id(fields().left).map(|l| self.expr_list(l)).unwrap_or_default();
                let Some(r) = n.child_by_field_id(fields().right) else { return Stmt::Empty };
                let rhs = self.expr(r);
                if lhs.is_empty() {
                    return Stmt::Expr(rhs);
                }
                let rhs: Box<[Expr]> = Box::new([rhs]);
                let define = {
                    let mut cur = n.walk();
                    n.children(&mut cur).any(|t| kind(t) == ":=")
                };
                Stmt::Assign { lhs, rhs, op: if define { AssignOp::Define } else { AssignOp::Plain }, span: span(n) }
            }
            "block" => Stmt::Block(self.block(n)),
            "labeled_statement" => match named_children(n).into_iter().find(|c| kind(*c) != "label_name") {
                Some(s) => Stmt::Labeled(Box::new(self.stmt(s))),
                None => Stmt::Empty,
            },
            "break_statement" if named_child_of_kind(n, "label_name").is_none() => Stmt::Break,
            "break_statement" | "continue_statement" | "goto_statement" | "fallthrough_statement" => Stmt::Jump,
            _ => Stmt::Empty,
        }
    }

    fn expr_list(&mut self, n: Node) -> Box<[Expr]> {
        if kind(n) == "expression_list" {
            named_children(n).into_iter().map(|e| self.expr(e)).collect()
        } else {
            Box::new([self.expr(n)])
        }
    }

    fn expr(&mut self, n: Node) -> Expr {
        let sp = span(n);
        if !self.enter(n) {
            return Expr { kind: ExprKind::Other(Box::default()), span: sp };
        }
        let kind = self.expr_kind(n);
        self.depth -= 1;
        Expr { kind, span: sp }
    }

    fn boxed(&mut self, n: Option<Node>, at: Node) -> Box<Expr> {
        Box::new(match n {
            Some(n) => self.expr(n),
            None => Expr { kind: ExprKind::Other(Box::default()), span: span(at) },
        })
    }

    fn expr_kind(&mut self, n: Node) -> ExprKind {
        match kind(n) {
            "identifier" | "field_identifier" | "package_identifier" | "type_identifier" => {
                ExprKind::Ident(self.name(n))
            }
            "nil" => ExprKind::Nil,
            // The predeclared constants, named like the identifiers they are in Go's spec.
            "true" | "false" => ExprKind::Ident(self.name(n)),
            "selector_expression" => {
                let operand = self.boxed(n.child_by_field_id(fields().operand), n);
                let field = match n.child_by_field_id(fields().field) {
                    Some(f) => self.name(f),
                    None => self.intern(""),
                };
                ExprKind::Selector(operand, field)
            }
            "index_expression" => {
                let operand = self.boxed(n.child_by_field_id(fields().operand), n);
                let index = self.boxed(n.child_by_field_id(fields().index), n);
                ExprKind::Index(operand, index)
            }
            "generic_type" => {
                // `F[int]` parsed as a type in expression position: the function itself.
                match n.child_by_field_id(fields().r#type) {
                    Some(t) => self.expr(t).kind,
                    None => ExprKind::Other(Box::default()),
                }
            }
            "slice_expression" => {
                let operand = self.boxed(n.child_by_field_id(fields().operand), n);
                let f = fields();
                let bounds = [f.start, f.end, f.capacity]
                    .into_iter()
                    .filter_map(|f| n.child_by_field_id(f))
                    .map(|b| self.expr(b))
                    .collect();
                ExprKind::SliceOf(operand, bounds)
            }
            "call_expression" => {
                let func = self.boxed(n.child_by_field_id(fields().function), n);
                let args: Vec<Expr> = n
                    .child_by_field_id(fields().arguments)
                    .map(|a| {
                        named_children(a)
                            .into_iter()
                            .map(|x| if is_type_node(kind(x)) { Expr { kind: ExprKind::Type(Box::new(self.type_expr(x))), span: span(x) } } else { self.expr(x) })
                            .collect()
                    })
                    .unwrap_or_default();
                self.note_published_flag(&func, args.as_slice());
                ExprKind::Call { func, args: args.into_boxed_slice() }
            }
            "func_literal" => ExprKind::FuncLit(Box::new(self.func_body(n))),
            "composite_literal" => {
                let ty = n.child_by_field_id(fields().r#type).map(|t| self.type_expr(t)).unwrap_or(TypeExpr::Unknown);
                let mut elems = Vec::new();
                if let Some(body) = n.child_by_field_id(fields().body) {
                    self.literal_elems(body, &mut elems);
                }
                ExprKind::Composite(Box::new(ty), elems.into_boxed_slice())
            }
            "unary_expression" => {
                let op = match n.child_by_field_id(fields().operator).map(|o| self.text(o)) {
                    Some("&") => UnaryOp::Addr,
                    Some("*") => UnaryOp::Deref,
                    Some("!") => UnaryOp::Not,
                    Some("<-") => UnaryOp::Recv,
                    _ => UnaryOp::Other,
                };
                ExprKind::Unary(op, self.boxed(n.child_by_field_id(fields().operand), n))
            }
            "binary_expression" => {
                let op = match n.child_by_field_id(fields().operator).map(|o| self.text(o)) {
                    Some("==") => BinaryOp::Eq,
                    Some("!=") => BinaryOp::Ne,
                    Some("&&") => BinaryOp::And,
                    Some("||") => BinaryOp::Or,
                    _ => BinaryOp::Other,
                };
                let l = self.boxed(n.child_by_field_id(fields().left), n);
                let r = self.boxed(n.child_by_field_id(fields().right), n);
                ExprKind::Binary(op, l, r)
            }
            "type_assertion_expression" => {
                let operand = self.boxed(n.child_by_field_id(fields().operand), n);
                let ty = n.child_by_field_id(fields().r#type).map(|t| self.type_expr(t)).unwrap_or(TypeExpr::Unknown);
                ExprKind::TypeAssert(operand, Box::new(ty))
            }
            "type_conversion_expression" => {
                let operand = n.child_by_field_id(fields().operand).map(|o| self.expr(o));
                ExprKind::Other(operand.into_iter().collect())
            }
            "parenthesized_expression" => {
                // Unwrapped in a loop, not by recursion: `((((x))))` 100,000 deep is one level.
                let mut inner = n;
                while kind(inner) == "parenthesized_expression" {
                    match named_children(inner).into_iter().next() {
                        Some(c) => inner = c,
                        None => return ExprKind::Other(Box::default()),
                    }
                }
                self.expr(inner).kind
            }
            "interpreted_string_literal" | "raw_string_literal" => ExprKind::StringLit(self.name(n)),
            "int_literal" | "rune_literal" => ExprKind::IntLit(self.name(n)),
            k if is_type_node(k) => ExprKind::Type(Box::new(self.type_expr(n))),
            _ => ExprKind::Other(named_children(n).into_iter().map(|c| self.expr(c)).collect()),
        }
    }

    /// Elements of `{...}`, keyed or not; a nested `{...}` becomes an untyped composite.
    fn literal_elems(&mut self, body: Node, out: &mut Vec<Element>) {
        if !self.enter(body) {
            return;
        }
        for el in named_children(body) {
            match kind(el) {
                "keyed_element" => {
                    let parts = named_children(el);
                    if let (Some(k), Some(v)) = (parts.first(), parts.get(1)) {
                        let key = self.literal_element(*k);
                        if let Some(value) = self.literal_element(*v) {
                            out.push(Element { key, value });
                        }
                    }
                }
                _ => {
                    if let Some(value) = self.literal_element(el) {
                        out.push(Element { key: None, value });
                    }
                }
            }
        }
        self.depth -= 1;
    }

    fn literal_element(&mut self, el: Node) -> Option<Expr> {
        let inner = if kind(el) == "literal_element" { named_children(el).into_iter().next() } else { Some(el) }?;
        if kind(inner) == "literal_value" {
            let mut elems = Vec::new();
            self.literal_elems(inner, &mut elems);
            return Some(Expr { kind: ExprKind::Composite(Box::new(TypeExpr::Unknown), elems.into_boxed_slice()), span: span(inner) });
        }
        Some(self.expr(inner))
    }
}

fn is_type_node(kind: &str) -> bool {
    matches!(
        kind,
        "map_type" | "slice_type" | "array_type" | "pointer_type" | "channel_type" | "struct_type" | "function_type" | "interface_type" | "qualified_type"
    )
}

/// Does a type's doc comment put it outside concurrent use? Go's convention: "X is not safe
/// for concurrent use", "... not safe for use by multiple goroutines", "must not be used
/// concurrently", "not thread-safe" / "not goroutine-safe".
pub fn says_not_concurrency_safe(doc: &str) -> bool {
    let d = doc.to_ascii_lowercase().replace('-', " ");
    let d = d.split_whitespace().collect::<Vec<_>>().join(" ");
    ["not safe for concurrent", "not safe to use concurrently", "not safe to be used concurrently", "not safe for use by multiple goroutines", "not safe for use from multiple goroutines",
     "must not be used concurrently", "should not be used concurrently", "not thread safe", "not goroutine safe", "not concurrency safe", "not safe for simultaneous use"]
        .iter()
        .any(|p| d.contains(p))
}

#[cfg(test)]
mod doc_tests {
    use super::says_not_concurrency_safe;

    #[test]
    fn reads_the_usual_phrasings_of_a_single_goroutine_contract() {
        assert!(says_not_concurrency_safe("PgConn is a low-level connection handle. It is not safe for concurrent usage."));
        assert!(says_not_concurrency_safe("A Builder is not thread-safe."));
        assert!(says_not_concurrency_safe("Decoder must not be used concurrently from multiple goroutines"));
        assert!(!says_not_concurrency_safe("Cache is safe for concurrent use by multiple goroutines."));
        assert!(!says_not_concurrency_safe(""));
    }
}
