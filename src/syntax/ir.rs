//! The compact per-file model: what the rules need of a Go file, and nothing of the syntax
//! tree. A `FileFacts` is about 1/10 of the tree it came from and owns no tree-sitter data,
//! so the tree can be dropped right after lowering.

use crate::report::FileError;
use std::path::PathBuf;

/// 1-based line and column (bytes), as `go vet` prints them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub line: u32,
    pub col: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeExpr {
    /// A type name of this package or a predeclared one (`int`, `any`, `error`).
    Name(String),
    /// `pkg.Name`, with the import's local name.
    Qualified(String, String),
    Pointer(Box<TypeExpr>),
    Map(Box<TypeExpr>, Box<TypeExpr>),
    /// Slices and arrays: both index to their element.
    Slice(Box<TypeExpr>),
    Struct(Vec<FieldDecl>),
    Func(Box<Signature>),
    Chan(Box<TypeExpr>),
    /// The names of the methods it declares (embedded interfaces and constraints are not
    /// listed).
    Interface(Vec<String>),
    Unknown,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    /// `None` for an embedded field; its name is the type's name.
    pub name: Option<String>,
    pub ty: TypeExpr,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Signature {
    pub params: Vec<Param>,
    pub results: Vec<Param>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Option<String>,
    pub ty: TypeExpr,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Ident(String),
    Selector(Box<Expr>, String),
    /// `x[i]`; also a generic instantiation `F[int]`, which the model tells apart.
    Index(Box<Expr>, Box<Expr>),
    /// `x[a:b]`: reads `x`.
    SliceOf(Box<Expr>, Vec<Expr>),
    Call { func: Box<Expr>, args: Vec<Expr> },
    FuncLit(Box<FuncBody>),
    /// `T{k: v, ...}`; a nested `{...}` without a type is a `Composite` of `Unknown`.
    Composite(TypeExpr, Vec<Element>),
    /// `&x`, `*x`, `!x`, `-x`, `<-x` (receive).
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    TypeAssert(Box<Expr>, TypeExpr),
    /// A type used as an expression: `make(map[K]V)`'s first argument, conversions.
    Type(TypeExpr),
    StringLit(String),
    IntLit(String),
    Nil,
    /// Anything else (other literals, `true`); its sub-expressions are kept for walking.
    Other(Vec<Expr>),
}

#[derive(Clone, Debug)]
pub struct Element {
    pub key: Option<Expr>,
    pub value: Expr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Addr,
    Deref,
    Not,
    Recv,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    Ne,
    And,
    Or,
    Other,
}

/// One `case` (or `default`) of a switch: the values it compares the tag with (evaluated,
/// so their reads count) and its body.
#[derive(Clone, Debug)]
pub struct SwitchCase {
    pub values: Vec<Expr>,
    pub default: bool,
    pub body: Vec<Stmt>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    /// `:=`
    Define,
    /// `=`
    Plain,
    /// `+=`, `|=`, ...: reads and writes the left side.
    Compound,
}

#[derive(Clone, Debug)]
pub enum Stmt {
    Expr(Expr),
    Assign { lhs: Vec<Expr>, rhs: Vec<Expr>, op: AssignOp, span: Span },
    /// `x++` / `x--`: reads and writes `x`.
    IncDec(Expr),
    VarDecl { names: Vec<(String, Span)>, ty: Option<TypeExpr>, values: Vec<Expr> },
    Go(Expr),
    Defer(Expr),
    Return(Vec<Expr>, Span),
    Send { chan: Expr, value: Expr, span: Span },
    If { init: Option<Box<Stmt>>, cond: Expr, then: Vec<Stmt>, els: Option<Box<Stmt>> },
    For { init: Option<Box<Stmt>>, cond: Option<Expr>, post: Option<Box<Stmt>>, range: Option<RangeClause>, body: Vec<Stmt> },
    Switch { init: Option<Box<Stmt>>, tag: Option<Expr>, type_bind: Option<String>, cases: Vec<SwitchCase> },
    Select { cases: Vec<(Option<Box<Stmt>>, Vec<Stmt>)> },
    Block(Vec<Stmt>),
    Labeled(Box<Stmt>),
    /// `break`, `continue`, `goto`, `fallthrough`: ends the straight-line path.
    Jump,
    /// A call that never returns (`panic`, `os.Exit`, `log.Fatal`, `t.Fatal`) is an `Expr`;
    /// the analysis recognises it. Unknown statements lower to nothing.
    Empty,
}

#[derive(Clone, Debug)]
pub struct RangeClause {
    pub key: Option<Expr>,
    pub value: Option<Expr>,
    pub define: bool,
    pub expr: Expr,
}

#[derive(Clone, Debug)]
pub struct FuncBody {
    pub sig: Signature,
    pub body: Option<Vec<Stmt>>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Receiver {
    pub name: Option<String>,
    pub type_name: String,
    pub pointer: bool,
}

#[derive(Clone, Debug)]
pub struct FuncDecl {
    pub name: String,
    pub recv: Option<Receiver>,
    pub func: FuncBody,
}

#[derive(Clone, Debug)]
pub struct TypeDecl {
    pub name: String,
    pub ty: TypeExpr,
}

#[derive(Clone, Debug)]
pub struct VarSpec {
    pub names: Vec<(String, Span)>,
    pub ty: Option<TypeExpr>,
    pub values: Vec<Expr>,
}

#[derive(Clone, Debug)]
pub struct Import {
    /// The name the file uses: the alias, or the last path element.
    pub name: String,
    pub path: String,
}

#[derive(Debug)]
pub struct FileFacts {
    pub path: PathBuf,
    pub package: String,
    pub imports: Vec<Import>,
    pub types: Vec<TypeDecl>,
    pub vars: Vec<VarSpec>,
    pub funcs: Vec<FuncDecl>,
    pub lines: u32,
    /// Syntax errors tree-sitter recovered from, and nesting cut off: named, not fatal.
    pub errors: Vec<FileError>,
}
