//! The core intermediate representation the expander produces and codegen consumes:
//! fully expanded expressions over resolved variables.

use crate::proto::{Literal, Prim, ProtoKind};
use crate::span::Span;
use std::rc::Rc;

/// Index of a local variable in [`IrUnit::vars`].
pub type VarId = u32;
/// Index of a lambda in [`IrUnit::lambdas`].
pub type LambdaId = u32;

/// A core expression.
#[derive(Debug, Clone)]
pub enum Expr {
    /// A constant.
    Const(Literal),
    /// Read a local variable.
    Local(VarId, Span),
    /// Read a local variable from inside the lambda that is its own definition
    /// (`(define (f) ... f ...)`, named `let`): the running closure itself, unless the
    /// variable turns out to be assigned with `set!`, when it is an ordinary read.
    SelfRef(VarId, Span),
    /// Assign a local variable.
    SetLocal(VarId, Box<Expr>),
    /// Read a global slot.
    Global(u32, Span),
    /// Assign a global slot (must be defined).
    SetGlobal(u32, Box<Expr>, Span),
    /// Define a global slot.
    DefGlobal(u32, Box<Expr>),
    /// Conditional.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// Sequence (non-empty).
    Seq(Vec<Expr>),
    /// A closure.
    Lambda(LambdaId),
    /// A call.
    Call(Box<Expr>, Vec<Expr>, Span),
    /// An inline primitive.
    Prim(Prim, Vec<Expr>, Span),
    /// Bind fresh locals to values (evaluated left to right, then bound), then the body.
    Let(Vec<VarId>, Vec<Expr>, Box<Expr>),
    /// Declare locals as undefined (letrec / internal definitions), then the body.
    Declare(Vec<VarId>, Box<Expr>),
}

/// What the analysis knows about a local variable.
#[derive(Debug, Clone)]
pub struct VarInfo {
    /// Its name (aliases stripped).
    pub name: Rc<str>,
    /// The lambda whose frame holds it.
    pub owner: LambdaId,
    /// Captured by an inner lambda.
    pub captured: bool,
    /// Assigned after initialisation (`set!`, or a letrec-style definition).
    pub mutated: bool,
    /// May be read before its definition has run (needs the undefined check).
    pub checked: bool,
    /// The lambda whose closure is this variable's value: set when a body definition
    /// or `letrec` binding is a lambda expression (references from inside that lambda's
    /// own body are [`Expr::SelfRef`]).
    pub self_lambda: Option<LambdaId>,
}

impl VarInfo {
    /// Whether the variable lives in a box: assigned after creation, or possibly read
    /// before its definition (the box then holds the undefined marker until it runs).
    pub fn boxed(&self) -> bool {
        // Every assigned variable is boxed, captured or not: a continuation copies the
        // value stack, and re-entering it must not undo later assignments (variables
        // are locations).
        self.checked || self.mutated
    }
}

/// A lambda after analysis.
#[derive(Debug, Clone)]
pub struct LambdaInfo {
    /// Name for printing and traces.
    pub name: Option<Rc<str>>,
    /// Required parameters, then the rest parameter if `rest`.
    pub params: Vec<VarId>,
    /// Whether the last parameter collects the rest.
    pub rest: bool,
    /// The body.
    pub body: Expr,
    /// Captured variables in upvalue order.
    pub captures: Vec<VarId>,
    /// Where it was written.
    pub span: Span,
    /// Role for traces.
    pub kind: ProtoKind,
    /// The enclosing lambda.
    pub parent: Option<LambdaId>,
    /// Written by a derived form; hidden from stack traces.
    pub transparent: bool,
}

/// Everything codegen needs for one compilation unit.
#[derive(Debug, Default)]
pub struct IrUnit {
    /// All variables.
    pub vars: Vec<VarInfo>,
    /// All lambdas; index 0 is the unit's top-level thunk.
    pub lambdas: Vec<LambdaInfo>,
}
