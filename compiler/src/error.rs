//! Compile errors: one type for the expander, module linker, resolver and codegen.

use crate::reader::ReadError;
use crate::span::Span;

/// What went wrong while compiling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompileErrorKind {
    /// The reader failed.
    Read,
    /// A malformed special form or other syntax error.
    Syntax,
    /// An identifier bound nowhere.
    UndefinedVariable,
    /// Module resolution (unknown module, import conflict, cycle ...).
    Module,
    /// A limit (nesting, macro expansion depth).
    Limit,
}

/// A compile error with its span.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct CompileError {
    /// The class of error.
    pub kind: CompileErrorKind,
    /// The message (without location).
    pub message: String,
    /// Where.
    pub span: Span,
    /// Whether more input could complete the program (REPL continuation).
    pub incomplete: bool,
}

impl CompileError {
    /// A syntax error.
    pub fn syntax(message: impl Into<String>, span: Span) -> Self {
        CompileError {
            kind: CompileErrorKind::Syntax,
            message: message.into(),
            span,
            incomplete: false,
        }
    }

    /// An error of a given kind.
    pub fn new(kind: CompileErrorKind, message: impl Into<String>, span: Span) -> Self {
        CompileError {
            kind,
            message: message.into(),
            span,
            incomplete: false,
        }
    }
}

impl From<ReadError> for CompileError {
    fn from(e: ReadError) -> Self {
        CompileError {
            kind: CompileErrorKind::Read,
            message: e.to_string(),
            span: e.span,
            incomplete: e.is_incomplete(),
        }
    }
}

/// Result alias for the compiler.
pub type CResult<T> = Result<T, CompileError>;
