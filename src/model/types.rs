//! The small semantic type the rules need, and resolution of syntactic type expressions
//! against the module's packages and the standard library's sync primitives.

use super::{FileId, Program, TypeId};
use crate::syntax::ir::TypeExpr;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Map(Box<Type>, Box<Type>),
    /// A type declared in the module.
    Named(TypeId),
    Pointer(Box<Type>),
    Slice(Box<Type>),
    Struct(Vec<Field>),
    Func(Box<FuncType>),
    Chan(Box<Type>),
    Sync(SyncKind),
    /// Predeclared or foreign types the rules do not look into (`int`, `string`, `time.Time`).
    Opaque,
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    pub name: String,
    pub ty: Type,
    pub embedded: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct FuncType {
    pub params: Vec<Type>,
    pub results: Vec<Type>,
}

/// The sync primitives are defined with the library models (`analysis/models.rs`, a leaf
/// module), the one table of what the standard library does.
pub use crate::analysis::models::SyncKind;

impl Type {
    pub fn is_map(&self) -> bool {
        matches!(self, Type::Map(..))
    }

    /// Whether values of this type can name shared state worth a path (maps, structs,
    /// pointers, sync primitives, channels).
    pub fn is_trackable(&self) -> bool {
        !matches!(self, Type::Opaque | Type::Unknown | Type::Func(_))
    }
}

pub(super) fn resolve(prog: &Program, file: FileId, te: &TypeExpr) -> Type {
    resolve_depth(prog, file, te, 0)
}

fn resolve_depth(prog: &Program, file: FileId, te: &TypeExpr, depth: u32) -> Type {
    if depth > 64 {
        return Type::Unknown;
    }
    let r = |t: &TypeExpr| resolve_depth(prog, file, t, depth + 1);
    match te {
        TypeExpr::Name(n) => {
            let pkg = prog.files[file as usize].pkg;
            match prog.packages.get(pkg as usize).and_then(|p| p.types.get(n.as_str())) {
                Some(id) => Type::Named(*id),
                None => Type::Opaque,
            }
        }
        TypeExpr::Qualified(pkg_name, name) => {
            if let Some(pkg) = prog.imported_package(file, pkg_name) {
                return match prog.packages[pkg as usize].types.get(name.as_str()) {
                    Some(id) => Type::Named(*id),
                    None => Type::Unknown,
                };
            }
            match prog.import_path(file, pkg_name).and_then(|p| crate::analysis::models::sync_type(p, name)) {
                Some(k) => Type::Sync(k),
                None => Type::Opaque,
            }
        }
        TypeExpr::Pointer(t) => Type::Pointer(Box::new(r(t))),
        TypeExpr::Map(k, v) => Type::Map(Box::new(r(k)), Box::new(r(v))),
        TypeExpr::Slice(t) => Type::Slice(Box::new(r(t))),
        TypeExpr::Chan(t) => Type::Chan(Box::new(r(t))),
        TypeExpr::Struct(fields) => Type::Struct(
            fields
                .iter()
                .map(|f| {
                    let ty = r(&f.ty);
                    let (name, embedded) = match &f.name {
                        Some(n) => (n.to_string(), false),
                        None => (embedded_name(&f.ty), true),
                    };
                    Field { name, ty, embedded }
                })
                .collect(),
        ),
        TypeExpr::Func(sig) => Type::Func(Box::new(FuncType {
            params: sig.params.iter().map(|p| r(&p.ty)).collect(),
            results: sig.results.iter().map(|p| r(&p.ty)).collect(),
        })),
        TypeExpr::Interface(_) => Type::Opaque,
        TypeExpr::Unknown => Type::Unknown,
    }
}

/// An embedded field is named after its type: `sync.Mutex` → `Mutex`, `*Base` → `Base`.
fn embedded_name(te: &TypeExpr) -> String {
    match te {
        TypeExpr::Name(n) => n.to_string(),
        TypeExpr::Qualified(_, n) => n.to_string(),
        TypeExpr::Pointer(t) => embedded_name(t),
        _ => "?".to_string(),
    }
}
