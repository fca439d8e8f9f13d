//! Per-file models → the module's package model: packages, named types with their resolved
//! underlying types and methods, package-level variables, functions. Type expressions are
//! resolved across the module's packages through each file's imports. `Unknown` is a normal
//! answer: the analysis skips what it cannot type rather than guess.

mod types;

use rustc_hash::FxHashMap as HashMap;
use std::path::PathBuf;

use crate::load::PackageDir;
use crate::syntax::FileFacts;
use crate::syntax::ir::{Expr, FuncBody, Import, Span, TypeExpr};

pub use types::{SyncKind, Type};

pub type PkgId = u32;
pub type FileId = u32;
pub type FuncId = u32;
pub type TypeId = u32;

pub struct Package {
    pub import_path: String,
    pub name: String,
    pub dir: PathBuf,
    pub files: Vec<FileId>,
    pub types: HashMap<String, TypeId>,
    pub vars: HashMap<String, GlobalVar>,
    pub funcs: HashMap<String, FuncId>,
    /// Package-level `const x = true/false` (`FileFacts::bool_consts`).
    pub bool_consts: HashMap<String, bool>,
}

pub struct GlobalVar {
    pub ty: Type,
    pub init: Option<Expr>,
    pub file: FileId,
    pub span: Span,
}

pub struct SourceInfo {
    pub path: PathBuf,
    pub pkg: PkgId,
    pub imports: Vec<Import>,
    /// A `_test.go` file (`Program::is_test_file`, asked per call in hot loops).
    pub test: bool,
}

pub struct NamedType {
    pub pkg: PkgId,
    pub name: String,
    pub underlying: Type,
    pub methods: HashMap<String, FuncId>,
    /// Documented as not safe for concurrent use (`TypeDecl::single_goroutine`).
    pub single_goroutine: bool,
}

pub struct Func {
    pub pkg: PkgId,
    pub file: FileId,
    /// `Store.Get` for methods, `handle` for functions: how messages name it.
    pub display: String,
    pub name: String,
    pub recv: Option<RecvInfo>,
    pub body: FuncBody,
    pub params: Vec<Type>,
    pub results: Vec<Type>,
}

pub struct RecvInfo {
    pub name: Option<String>,
    pub ty: TypeId,
    pub pointer: bool,
}

impl Func {
    pub fn exported(&self) -> bool {
        self.name.chars().next().is_some_and(char::is_uppercase)
    }
}

#[derive(Default)]
pub struct Program {
    pub packages: Vec<Package>,
    pub files: Vec<SourceInfo>,
    pub types: Vec<NamedType>,
    pub funcs: Vec<Func>,
    pub by_import_path: HashMap<String, PkgId>,
    /// Per named interface type and method name, the module methods a call through the
    /// interface can reach: those of the module's types that have every method the
    /// interface declares (class hierarchy analysis, by name).
    pub implementations: HashMap<(TypeId, String), Vec<FuncId>>,
    /// The methods each interface type of the module declares (embedded interfaces not
    /// followed): what a value of that type can be asked, whoever implements it.
    pub interface_methods: HashMap<TypeId, Vec<String>>,
    /// Names of the flags some file sets to true atomically (`FileFacts::published_flags`).
    pub published_flags: rustc_hash::FxHashSet<String>,
}

impl Program {
    /// Build the package model. `files_by_dir[i]` are the lowered files of `dirs[i]`.
    pub fn build(dirs: &[PackageDir], files_by_dir: Vec<Vec<FileFacts>>, _module: Option<&str>) -> Program {
        let mut prog = Program::default();
        let mut pending_types: Vec<(TypeId, FileId, TypeExpr)> = Vec::new();
        let mut pending_vars: Vec<(PkgId, FileId, String, Option<TypeExpr>, Option<Expr>, Span)> = Vec::new();
        let mut pending_funcs = Vec::new();

        for (dir, files) in dirs.iter().zip(files_by_dir) {
            // A directory holds `p` and possibly the external test package `p_test`.
            let mut by_name: Vec<(String, Vec<FileFacts>)> = Vec::new();
            for f in files {
                match by_name.iter_mut().find(|(n, _)| *n == f.package) {
                    Some((_, v)) => v.push(f),
                    None => by_name.push((f.package.clone(), vec![f])),
                }
            }
            for (name, files) in by_name {
                let pkg_id = prog.packages.len() as PkgId;
                let import_path =
                    if name.ends_with("_test") { format!("{}_test", dir.import_path) } else { dir.import_path.clone() };
                prog.by_import_path.entry(import_path.clone()).or_insert(pkg_id);
                let mut pkg = Package {
                    import_path,
                    name,
                    dir: dir.dir.clone(),
                    files: Vec::new(),
                    types: HashMap::default(),
                    vars: HashMap::default(),
                    funcs: HashMap::default(),
                    bool_consts: HashMap::default(),
                };
                for f in files {
                    prog.published_flags.extend(f.published_flags);
                    pkg.bool_consts.extend(f.bool_consts);
                    let file_id = prog.files.len() as FileId;
                    pkg.files.push(file_id);
                    let test = f.path.file_name().is_some_and(|n| n.to_string_lossy().ends_with("_test.go"));
                    prog.files.push(SourceInfo { path: f.path, pkg: pkg_id, imports: f.imports, test });
                    for t in f.types {
                        let tid = prog.types.len() as TypeId;
                        prog.types.push(NamedType { pkg: pkg_id, name: t.name.to_string(), underlying: Type::Unknown, methods: HashMap::default(), single_goroutine: t.single_goroutine });
                        pkg.types.insert(t.name.to_string(), tid);
                        pending_types.push((tid, file_id, t.ty));
                    }
                    for v in f.vars {
                        let single = v.names.len() == v.values.len();
                        for (i, (name, span)) in v.names.into_iter().enumerate() {
                            let init = if single { v.values.get(i).cloned() } else { None };
                            pending_vars.push((pkg_id, file_id, name.to_string(), v.ty.clone(), init, span));
                        }
                    }
                    for func in f.funcs {
                        pending_funcs.push((pkg_id, file_id, func));
                    }
                }
                prog.packages.push(pkg);
            }
        }

        let mut interfaces: Vec<(TypeId, Vec<String>)> = Vec::new();
        for (tid, file, te) in pending_types {
            if let TypeExpr::Interface(methods) = &te
                && !methods.is_empty()
            {
                interfaces.push((tid, methods.iter().map(|m| m.to_string()).collect()));
            }
            prog.types[tid as usize].underlying = prog.resolve(file, &te);
        }
        for (pkg, file, func) in pending_funcs {
            let fid = prog.funcs.len() as FuncId;
            let recv = func.recv.as_ref().and_then(|r| {
                let ty = *prog.packages[pkg as usize].types.get(r.type_name.as_str())?;
                Some(RecvInfo { name: r.name.as_ref().map(|n| n.to_string()), ty, pointer: r.pointer })
            });
            let display = match &recv {
                Some(r) => format!("{}.{}", prog.types[r.ty as usize].name, func.name),
                None => func.name.to_string(),
            };
            match &recv {
                Some(r) => {
                    prog.types[r.ty as usize].methods.insert(func.name.to_string(), fid);
                }
                None if func.recv.is_none() && func.name != "init" && func.name != "_" => {
                    prog.packages[pkg as usize].funcs.insert(func.name.to_string(), fid);
                }
                None => {}
            }
            let params = func.func.sig.params.iter().map(|p| prog.resolve(file, &p.ty)).collect();
            let results = func.func.sig.results.iter().map(|p| prog.resolve(file, &p.ty)).collect();
            prog.funcs.push(Func { pkg, file, display, name: func.name.to_string(), recv, body: func.func, params, results });
        }
        prog.implementations = prog.implementations_of(&interfaces);
        prog.interface_methods = interfaces.into_iter().collect();
        for (pkg, file, name, te, init, span) in pending_vars {
            let ty = match &te {
                Some(te) => prog.resolve(file, te),
                None => Type::Unknown,
            };
            prog.packages[pkg as usize].vars.insert(name, GlobalVar { ty, init, file, span });
        }
        prog
    }

    fn implementations_of(&self, interfaces: &[(TypeId, Vec<String>)]) -> HashMap<(TypeId, String), Vec<FuncId>> {
        // Types by the name of a method they declare (promoted methods are not followed).
        let mut by_method: HashMap<&str, Vec<TypeId>> = HashMap::default();
        for (tid, t) in self.types.iter().enumerate() {
            for name in t.methods.keys() {
                by_method.entry(name.as_str()).or_default().push(tid as TypeId);
            }
        }
        let mut out = HashMap::default();
        for (iface, methods) in interfaces {
            let Some(first) = by_method.get(methods[0].as_str()) else { continue };
            for &tid in first {
                let t = &self.types[tid as usize];
                let found: Option<Vec<FuncId>> = methods.iter().map(|m| t.methods.get(m).copied()).collect();
                let Some(found) = found else { continue };
                for (m, f) in methods.iter().zip(found) {
                    let v: &mut Vec<FuncId> = out.entry((*iface, m.clone())).or_default();
                    if !v.contains(&f) {
                        v.push(f);
                    }
                }
            }
        }
        out
    }

    /// Whether `ty` (or what it points to) has every method in `names`: declared, promoted
    /// from an embedded field, a sync primitive's, or declared by an interface.
    pub fn has_methods(&self, ty: &Type, names: &[&str]) -> bool {
        let base = match ty {
            Type::Pointer(inner) => inner.as_ref(),
            other => other,
        };
        if let Some(declared) = self.named_of(base).and_then(|id| self.interface_methods.get(&id)) {
            return names.iter().all(|n| declared.iter().any(|d| d == n));
        }
        names.iter().all(|n| self.method(ty, n).is_some())
    }

    /// The methods a call of `name` on a value of interface type `ty` can reach.
    pub fn dispatch(&self, ty: &Type, name: &str) -> Option<&[FuncId]> {
        let id = self.named_of(ty)?;
        self.implementations.get(&(id, name.to_string())).map(Vec::as_slice)
    }

    pub fn file_path(&self, f: FileId) -> &PathBuf {
        &self.files[f as usize].path
    }

    /// A `_test.go` file: test code, whose concurrency the analysis weighs apart.
    pub fn is_test_file(&self, f: FileId) -> bool {
        self.files[f as usize].test
    }

    /// The module package a file imports under `name`, if it is part of the analysed module.
    pub fn imported_package(&self, file: FileId, name: &str) -> Option<PkgId> {
        let imp = self.files[file as usize].imports.iter().find(|i| i.name == name)?;
        self.by_import_path.get(&imp.path).copied()
    }

    /// The import path a file imports under `name` (module or not).
    pub fn import_path(&self, file: FileId, name: &str) -> Option<&str> {
        self.files[file as usize].imports.iter().find(|i| i.name == name).map(|i| i.path.as_str())
    }

    /// Resolve a type expression written in `file`.
    pub fn resolve(&self, file: FileId, te: &TypeExpr) -> Type {
        types::resolve(self, file, te)
    }

    /// The struct fields of `ty` after following names and pointers.
    pub fn underlying<'a>(&'a self, ty: &'a Type) -> &'a Type {
        let mut t = ty;
        for _ in 0..16 {
            match t {
                Type::Named(id) => t = &self.types[*id as usize].underlying,
                Type::Pointer(inner) => t = inner,
                _ => return t,
            }
        }
        t
    }

    /// The named type behind `ty` (through one pointer), for method lookup.
    pub fn named_of(&self, ty: &Type) -> Option<TypeId> {
        match ty {
            Type::Named(id) => Some(*id),
            Type::Pointer(inner) => match inner.as_ref() {
                Type::Named(id) => Some(*id),
                _ => None,
            },
            _ => None,
        }
    }

    /// Field `name` of the struct behind `ty`, searching embedded fields breadth-first as Go
    /// does. Returns the path of field names to take (embedded ones first) and the type.
    pub fn field(&self, ty: &Type, name: &str) -> Option<(Vec<String>, Type)> {
        self.search_embedded(ty, |prefix, t| {
            let Type::Struct(fields) = self.underlying(t) else { return None };
            let f = fields.iter().find(|f| f.name == name)?;
            let mut p = prefix.to_vec();
            p.push(f.name.clone());
            Some((p, f.ty.clone()))
        })
    }

    /// Method `name` of `ty` or of a type embedded in it: the embedded-field path to the
    /// receiver, and either a module method or a sync primitive kind.
    pub fn method(&self, ty: &Type, name: &str) -> Option<(Vec<String>, MethodTarget)> {
        self.search_embedded(ty, |prefix, t| {
            if let Some(f) = self.named_of(t).and_then(|id| self.types[id as usize].methods.get(name)) {
                return Some((prefix.to_vec(), MethodTarget::Func(*f)));
            }
            let base = match t {
                Type::Pointer(inner) => inner.as_ref(),
                other => other,
            };
            match base {
                Type::Sync(kind) if kind.has_method(name) => Some((prefix.to_vec(), MethodTarget::Sync(*kind))),
                _ => None,
            }
        })
    }

    /// Go's selector rule: look at `ty`, then at its embedded fields, depth by depth (the
    /// shallowest match wins; four levels are plenty for real code).
    fn search_embedded<R>(&self, ty: &Type, mut found: impl FnMut(&[String], &Type) -> Option<R>) -> Option<R> {
        let mut frontier: Vec<(Vec<String>, Type)> = vec![(Vec::new(), ty.clone())];
        for _depth in 0..4 {
            let mut next = Vec::new();
            for (prefix, t) in &frontier {
                if let Some(r) = found(prefix, t) {
                    return Some(r);
                }
                if let Type::Struct(fields) = self.underlying(t) {
                    for f in fields.iter().filter(|f| f.embedded) {
                        let mut p = prefix.clone();
                        p.push(f.name.clone());
                        next.push((p, f.ty.clone()));
                    }
                }
            }
            if next.is_empty() {
                return None;
            }
            frontier = next;
        }
        None
    }
}

#[derive(Clone, Copy, Debug)]
pub enum MethodTarget {
    Func(FuncId),
    Sync(SyncKind),
}
