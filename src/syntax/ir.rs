//! The compact per-file model: what the rules need of a Go file, and nothing of the syntax
//! tree. A `FileFacts` is about 1/10 of the tree it came from and owns no tree-sitter data,
//! so the tree can be dropped right after lowering. Sizes matter (GOROOT/src lowers to millions
//! of nodes, all held until the analysis ends): names are shared `Name`s, lists are boxed
//! slices (no spare capacity), and rare or large variants are boxed so that an `Expr` is 40
//! bytes and a `Stmt` 48 (`tests` in this file pin both).

use crate::report::FileError;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

pub use super::name::Name;

/// 1-based line and column (bytes), as `go vet` prints them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub line: u32,
    pub col: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TypeExpr {
    /// A type name of this package or a predeclared one (`int`, `any`, `error`).
    Name(Name),
    /// `pkg.Name`, with the import's local name.
    Qualified(Name, Name),
    Pointer(Box<TypeExpr>),
    Map(Box<TypeExpr>, Box<TypeExpr>),
    /// Slices and arrays: both index to their element.
    Slice(Box<TypeExpr>),
    Struct(Box<[FieldDecl]>),
    Func(Box<Signature>),
    Chan(Box<TypeExpr>),
    /// The names of the methods it declares (embedded interfaces and constraints are not
    /// listed).
    Interface(Box<[Name]>),
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldDecl {
    /// `None` for an embedded field; its name is the type's name.
    pub name: Option<Name>,
    pub ty: TypeExpr,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Signature {
    pub params: Box<[Param]>,
    pub results: Box<[Param]>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Param {
    pub name: Option<Name>,
    pub ty: TypeExpr,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum ExprKind {
    Ident(Name),
    Selector(Box<Expr>, Name),
    /// `x[i]`; also a generic instantiation `F[int]`, which the model tells apart.
    Index(Box<Expr>, Box<Expr>),
    /// `x[a:b]`: reads `x`.
    SliceOf(Box<Expr>, Box<[Expr]>),
    Call { func: Box<Expr>, args: Box<[Expr]> },
    FuncLit(Box<FuncBody>),
    /// `T{k: v, ...}`; a nested `{...}` without a type is a `Composite` of `Unknown`.
    Composite(Box<TypeExpr>, Box<[Element]>),
    /// `&x`, `*x`, `!x`, `-x`, `<-x` (receive).
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    TypeAssert(Box<Expr>, Box<TypeExpr>),
    /// A type used as an expression: `make(map[K]V)`'s first argument, conversions.
    Type(Box<TypeExpr>),
    StringLit(Name),
    IntLit(Name),
    Nil,
    /// Anything else (other literals, `true`); its sub-expressions are kept for walking.
    Other(Box<[Expr]>),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Element {
    pub key: Option<Expr>,
    pub value: Expr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnaryOp {
    Addr,
    Deref,
    Not,
    Recv,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BinaryOp {
    Eq,
    Ne,
    And,
    Or,
    Other,
}

/// One `case` (or `default`) of a switch: the values it compares the tag with (evaluated,
/// so their reads count) and its body.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SwitchCase {
    pub values: Box<[Expr]>,
    pub default: bool,
    pub body: Box<[Stmt]>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssignOp {
    /// `:=`
    Define,
    /// `=`
    Plain,
    /// `+=`, `|=`, ...: reads and writes the left side.
    Compound,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Stmt {
    Expr(Expr),
    Assign { lhs: Box<[Expr]>, rhs: Box<[Expr]>, op: AssignOp, span: Span },
    /// `x++` / `x--`: reads and writes `x`.
    IncDec(Expr),
    VarDecl(Box<VarSpec>),
    Go(Expr),
    Defer(Expr),
    Return(Box<[Expr]>, Span),
    Send(Box<SendStmt>),
    If(Box<IfStmt>),
    For(Box<ForStmt>),
    Switch(Box<SwitchStmt>),
    Select { cases: Box<[(Option<Box<Stmt>>, Box<[Stmt]>)]> },
    Block(Box<[Stmt]>),
    Labeled(Box<Stmt>),
    /// An unlabeled `break`: the path goes on after the innermost `for`, `switch` or
    /// `select` (an infinite loop's only way out).
    Break,
    /// `continue`, `goto`, `fallthrough`, a labeled `break`: ends the straight-line path.
    Jump,
    /// A call that never returns (`panic`, `os.Exit`, `log.Fatal`, `t.Fatal`) is an `Expr`;
    /// the analysis recognises it. Unknown statements lower to nothing.
    Empty,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SendStmt {
    pub chan: Expr,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct IfStmt {
    pub init: Option<Box<Stmt>>,
    pub cond: Expr,
    pub then: Box<[Stmt]>,
    pub els: Option<Box<Stmt>>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ForStmt {
    pub init: Option<Box<Stmt>>,
    pub cond: Option<Expr>,
    pub post: Option<Box<Stmt>>,
    pub range: Option<RangeClause>,
    pub body: Box<[Stmt]>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SwitchStmt {
    pub init: Option<Box<Stmt>>,
    pub tag: Option<Expr>,
    pub type_bind: Option<Name>,
    pub cases: Box<[SwitchCase]>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RangeClause {
    pub key: Option<Expr>,
    pub value: Option<Expr>,
    pub define: bool,
    pub expr: Expr,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FuncBody {
    pub sig: Signature,
    pub body: Option<Box<[Stmt]>>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Receiver {
    pub name: Option<Name>,
    pub type_name: Name,
    pub pointer: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FuncDecl {
    pub name: Name,
    pub recv: Option<Receiver>,
    pub func: FuncBody,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TypeDecl {
    pub name: Name,
    pub ty: TypeExpr,
    /// Its doc comment says values are not safe for concurrent use ("X is not safe for
    /// concurrent use"): the documented contract, which callers are held to.
    pub single_goroutine: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VarSpec {
    pub names: Box<[(Name, Span)]>,
    pub ty: Option<TypeExpr>,
    pub values: Box<[Expr]>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Import {
    /// The name the file uses: the alias, or the last path element.
    pub name: String,
    pub path: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct FileFacts {
    pub path: PathBuf,
    pub package: String,
    pub imports: Vec<Import>,
    pub types: Vec<TypeDecl>,
    pub vars: Vec<VarSpec>,
    pub funcs: Vec<FuncDecl>,
    pub lines: u32,
    /// Names of the flags this file sets to true atomically (`x.ready.Store(true)`,
    /// `done.CompareAndSwap(false, true)`, `x.f.Swap(true)`): the field or variable name.
    /// Only a load of a flag somebody sets orders anything (`walk::conds::saw_atomic_flag`).
    pub published_flags: Vec<String>,
    /// Package-level boolean constants (`const debugGetPut = false`): code under `if
    /// debugGetPut { ... }` never runs.
    pub bool_consts: Vec<(String, bool)>,
    /// Syntax errors tree-sitter recovered from, and nesting cut off: named, not fatal.
    pub errors: Vec<FileError>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Millions of these are alive at once on a large tree: a growing node is a memory
    /// regression (box the new variant's payload instead).
    #[test]
    fn node_sizes() {
        assert!(std::mem::size_of::<Expr>() <= 40, "Expr is {} bytes", std::mem::size_of::<Expr>());
        assert!(std::mem::size_of::<Stmt>() <= 48, "Stmt is {} bytes", std::mem::size_of::<Stmt>());
        assert!(std::mem::size_of::<TypeExpr>() <= 40, "TypeExpr is {} bytes", std::mem::size_of::<TypeExpr>());
    }
}
