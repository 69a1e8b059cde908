//! eta-compiler: turns Eta source text into GC-free bytecode prototypes.
//!
//! Pipeline: [`reader`] (logos lexer + lalrpop grammar) -> [`expand`] (macros, derived
//! forms, modules; produces the core [`ir`] with variables resolved and captures
//! recorded) -> [`codegen`] ([`Prototype`]s with a line table); [`mod@verify`] checks
//! prototypes before a VM runs them without bounds checks. The [`Linker`] owns the
//! compile-time world of one VM: base environment, global slots, modules, search path.
#![forbid(unsafe_code)]

pub mod codegen;
pub mod datum;
pub mod env;
pub mod error;
pub mod expand;
pub mod ir;
pub mod linker;
pub mod proto;
pub mod reader;
pub mod span;
pub mod syntax_rules;
pub mod verify;

pub use datum::{Datum, DatumKind};
pub use error::{CompileError, CompileErrorKind};
pub use expand::prim_name;
pub use linker::{Linker, Module, Unit};
pub use proto::{Capture, Literal, Op, Prim, ProtoKind, Prototype};
pub use reader::{
    parse_number, read_all, read_bytes, reads_as_symbol, Number, ReadError, ReadErrorKind, Reader,
};
pub use span::{FileId, Pos, SourceFile, SourceMap, Span};
pub use verify::{verify, verify_tree, Verified, VerifiedTree, VerifyError, VerifyErrorKind};
