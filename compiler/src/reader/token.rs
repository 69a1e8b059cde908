//! The tokens the LALRPOP grammar consumes.
//!
//! By the time a token reaches the parser, atoms are classified, `[`/`]` have been
//! checked against their partners and folded into `(`/`)`, and comments and
//! directives are gone, so the grammar only describes structure.

use crate::datum::DatumKind;

/// A parser token.
#[derive(Clone, Debug)]
pub(crate) enum Tok {
    /// `(` or `[`.
    Open,
    /// `#(`.
    OpenVector,
    /// `#u8(`.
    OpenBytes,
    /// `)` or `]` (already matched against its opener).
    Close,
    /// The `.` of a dotted list.
    Dot,
    /// `#;`.
    DatumComment,
    /// `'`, `` ` ``, `,` or `,@`, carrying the symbol it abbreviates.
    Prefix(&'static str),
    /// `#n=`.
    LabelDef(u32),
    /// `#n#`.
    LabelRef(u32),
    /// A complete simple datum: number, string, character, symbol, boolean, `Nil`.
    Atom(DatumKind),
}
