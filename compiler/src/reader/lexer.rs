//! The logos lexer: raw tokens of the Eta lexical syntax (spec §2.1–2.11).
//!
//! Logos splits the text into delimiters, prefixes, `#` forms and maximal atoms; the
//! irregular constructs (strings, `|symbols|`, characters, nested block comments) are
//! scanned by callbacks in [`super::literal`]. Deciding what an atom *is* (number,
//! identifier, boolean) is left to [`super::atom`], because that depends on the
//! number grammar rather than on a regular language.

use super::error::ReadErrorKind;
use super::literal;
use logos::Logos;

/// State the lexer callbacks can see: whether `#!fold-case` is active.
#[derive(Clone, Debug, Default)]
pub(crate) struct LexState {
    /// True between `#!fold-case` and `#!no-fold-case`.
    pub fold_case: bool,
}

/// A lexer error: a kind (`None` when no token matched at all) and absolute byte range.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct LexError {
    /// What went wrong; `None` means "no token pattern matched here".
    pub kind: Option<ReadErrorKind>,
    /// Byte range of the offending text.
    pub lo: usize,
    /// End of the offending text.
    pub hi: usize,
}

impl LexError {
    /// An error of `kind` covering bytes `lo..hi`.
    pub fn new(kind: ReadErrorKind, lo: usize, hi: usize) -> Self {
        LexError {
            kind: Some(kind),
            lo,
            hi,
        }
    }

    /// The error logos produces when no pattern matches.
    fn unmatched(lex: &mut logos::Lexer<'_, RawTok>) -> Self {
        let span = lex.span();
        LexError {
            kind: None,
            lo: span.start,
            hi: span.end,
        }
    }
}

/// True for characters that end a token (spec §2.2), counting the reserved `{` `}`.
pub(crate) fn is_delimiter(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '(' | ')' | '[' | ']' | '"' | ';' | '\'' | '`' | ',' | '|' | '{' | '}'
        )
}

/// Raw tokens, before atoms are classified and brackets are checked.
#[derive(Logos, Clone, Debug, PartialEq)]
#[logos(extras = LexState)]
#[logos(error(LexError, LexError::unmatched))]
#[logos(skip r"\p{White_Space}+")]
#[logos(skip(r";[^\n]*", allow_greedy = true))]
pub(crate) enum RawTok {
    /// `(`.
    #[token("(")]
    Open,
    /// `[`.
    #[token("[")]
    OpenSquare,
    /// `)`.
    #[token(")")]
    Close,
    /// `]`.
    #[token("]")]
    CloseSquare,
    /// `#(`.
    #[token("#(")]
    OpenVector,
    /// `#u8(`.
    #[token("#u8(")]
    #[token("#U8(")]
    OpenBytes,
    /// `'`.
    #[token("'")]
    Quote,
    /// `` ` ``.
    #[token("`")]
    Quasiquote,
    /// `,`.
    #[token(",")]
    Unquote,
    /// `,@`.
    #[token(",@")]
    UnquoteSplicing,
    /// `#;`.
    #[token("#;")]
    DatumComment,
    /// `#| ... |#`, nesting; the callback consumes the whole comment.
    #[token("#|", literal::block_comment)]
    BlockComment,
    /// `"..."` with its escapes already processed.
    #[token("\"", literal::string)]
    Str(String),
    /// `|...|` with its escapes already processed.
    #[token("|", literal::bar_symbol)]
    BarSymbol(String),
    /// `#\c`, `#\name`, `#\x41`.
    #[token("#\\", literal::character)]
    Char(char),
    /// `#!name` (the shebang line is skipped before lexing starts).
    #[regex(r#"#![^\p{White_Space}()\[\]";'`,|{}]*"#)]
    Directive,
    /// `#n=`.
    #[regex(r"#[0-9]+=")]
    LabelDef,
    /// `#n#`.
    #[regex(r"#[0-9]+#")]
    LabelRef,
    /// `{` or `}`.
    #[regex(r"[{}]")]
    Reserved,
    /// Any other `#` token: booleans and prefixed numbers (or errors).
    #[regex(r#"#[^\p{White_Space}()\[\]";'`,|{}0-9\\!][^\p{White_Space}()\[\]";'`,|{}]*"#)]
    HashAtom,
    /// A maximal run of non-delimiters not starting with `#`: numbers, identifiers, `.`.
    #[regex(r#"[^\p{White_Space}()\[\]";'`,|{}#][^\p{White_Space}()\[\]";'`,|{}]*"#)]
    Atom,
}
