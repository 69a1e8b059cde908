//! Read errors: what went wrong while turning text into data, and where.
//!
//! Every error carries the span of the offending token. The messages follow the
//! wording of language spec §2.13; [`ReadError::is_incomplete`] tells a REPL whether
//! more input could still complete the datum.

use crate::span::Span;

/// A read error: a [`ReadErrorKind`] and the span of the offending token.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{kind}")]
pub struct ReadError {
    /// What went wrong.
    pub kind: ReadErrorKind,
    /// Where: the offending token (for unterminated constructs, their opening token).
    pub span: Span,
}

impl ReadError {
    /// Builds a read error.
    pub fn new(kind: ReadErrorKind, span: Span) -> Self {
        ReadError { kind, span }
    }

    /// True when more input could complete the datum: an unterminated list, string,
    /// `|symbol|` or block comment, or a `#;`, quote prefix or datum label at end of
    /// input. The REPL shows a continuation prompt for these.
    pub fn is_incomplete(&self) -> bool {
        matches!(
            self.kind,
            ReadErrorKind::UnterminatedList
                | ReadErrorKind::UnterminatedString
                | ReadErrorKind::UnterminatedSymbol
                | ReadErrorKind::UnterminatedBlockComment
                | ReadErrorKind::MissingDatumAfterComment
                | ReadErrorKind::MissingDatumAfterPrefix
        )
    }
}

/// The kinds of read error, with stable names a caller can match on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadErrorKind {
    /// End of input inside `(`, `[`, `#(` or `#u8(`.
    #[error("unterminated list")]
    UnterminatedList,
    /// End of input inside a string literal.
    #[error("unterminated string")]
    UnterminatedString,
    /// End of input inside a `|...|` symbol.
    #[error("unterminated |symbol|")]
    UnterminatedSymbol,
    /// End of input inside `#| ... |#`.
    #[error("unterminated block comment")]
    UnterminatedBlockComment,
    /// A `)` with no open list, or where a datum was required (after `'`, `#;`, `#n=`).
    #[error("unexpected )")]
    UnexpectedClose,
    /// A `]` with no open list, or where a datum was required.
    #[error("unexpected ]")]
    UnexpectedCloseSquare,
    /// A list closed with the other kind of bracket (`[a b)`).
    #[error("mismatched bracket: expected {expected}")]
    MismatchedBracket {
        /// The closing bracket that would have matched.
        expected: char,
    },
    /// A misplaced `.`: at the start of a list, twice, or followed by more than one datum.
    #[error("bad dotted list")]
    BadDottedList,
    /// A token that starts like a number but is not one (`12abc`, `1.2.3`, `#xZZ`).
    #[error("invalid number: {0}")]
    InvalidNumber(String),
    /// `#\foo`.
    #[error("unknown character name: {0}")]
    UnknownCharName(String),
    /// A backslash escape not in §2.7 inside a string or `|symbol|`.
    #[error("unknown string escape \\{0}")]
    UnknownStringEscape(char),
    /// `\x<hex>` without its closing `;` (or without digits) in a string or `|symbol|`.
    #[error("invalid hex escape {0} (expected \\x<hex>;)")]
    InvalidHexEscape(String),
    /// A surrogate or a code point above U+10FFFF in `#\x...` or `\x...;`.
    #[error("invalid code point #x{0:X}")]
    InvalidCodePoint(u32),
    /// A bytevector element that is not an exact integer literal 0–255.
    #[error("invalid byte in bytevector literal: {0}")]
    InvalidByte(String),
    /// `#!name` other than `#!fold-case` / `#!no-fold-case`.
    #[error("unknown directive #!{0}")]
    UnknownDirective(String),
    /// `{` or `}` outside strings, comments, characters and `|...|` symbols.
    #[error("reserved character {0}")]
    ReservedChar(char),
    /// `#n#` without an earlier `#n=` in the same top-level datum.
    #[error("undefined datum label #{0}#")]
    UndefinedLabel(u32),
    /// `#n=` twice in one top-level datum.
    #[error("duplicate datum label #{0}=")]
    DuplicateLabel(u32),
    /// `#n=#n#`: a label whose datum is nothing but a reference to itself.
    #[error("datum label #{0}= labels only a reference to itself")]
    SelfLabel(u32),
    /// The bytes are not UTF-8 (`read_bytes`).
    #[error("invalid UTF-8 at byte {offset}")]
    InvalidUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// More than 10,000 nested open brackets, quote prefixes and labels.
    #[error("nesting too deep")]
    NestingTooDeep,
    /// `#;` at end of input.
    #[error("missing datum after #;")]
    MissingDatumAfterComment,
    /// `'`, `` ` ``, `,`, `,@` or `#n=` at end of input.
    #[error("missing datum after prefix")]
    MissingDatumAfterPrefix,
    /// `#e` on a number with no exact integer value (`#e1.5`, `#e+inf.0`).
    #[error("no exact representation: {0}")]
    NoExactRepresentation(String),
    /// `n/0` in a number literal.
    #[error("division by zero in number: {0}")]
    DivisionByZero(String),
    /// A `#` token that is none of the forms of §2 (`#tru`, `#5`, `#`).
    #[error("invalid syntax: {0}")]
    InvalidHashSyntax(String),
    /// An identifier containing a backslash or a control character.
    #[error("invalid identifier: {0}")]
    InvalidIdentifier(String),
    /// A datum label number too large for 32 bits.
    #[error("datum label too large: {0}")]
    LabelTooLarge(String),
}
