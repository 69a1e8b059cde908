//! The token stream between the logos lexer and the LALRPOP parser.
//!
//! It drops comments and directives, classifies atoms, checks brackets, enforces the
//! nesting limit and ends the stream as soon as one top-level datum is complete, so
//! the parser reads exactly one datum per call (the `read` builtin must not consume
//! past it). All of this is done with an explicit stack of open [`Frame`]s, never by
//! recursion, so no input can overflow the native stack.

use super::atom::{classify_atom, classify_hash_atom, AtomKind};
use super::error::{ReadError, ReadErrorKind};
use super::lexer::{is_delimiter, LexError, LexState, RawTok};
use super::positions::{LineCursor, Loc};
use super::token::Tok;
use crate::datum::DatumKind;
use crate::span::{FileId, Span};
use logos::Logos;
use std::rc::Rc;

/// The most frames (open brackets, quote prefixes, labels and `#;`) that may be open
/// at once; one more is a "nesting too deep" error (spec §2.13).
pub const MAX_NESTING: usize = 10_000;

/// A token as the parser sees it: start location, token, end location.
pub(crate) type Spanned = (Loc, Tok, Loc);

/// Something opened and still waiting for its datum or its closing bracket.
#[derive(Clone, Debug)]
enum Frame {
    /// An open bracket, with the bracket that closes it.
    Bracket { close: char, span: Span },
    /// `'`, `` ` ``, `,`, `,@` or `#n=`: completed by the next datum.
    Prefix { span: Span },
    /// `#;`: the next datum is dropped.
    Comment { span: Span },
}

/// Feeds tokens of one top-level datum at a time to the parser.
pub(crate) struct TokenStream<'a> {
    text: &'a str,
    file: FileId,
    lexer: logos::Lexer<'a, RawTok>,
    cursor: LineCursor<'a>,
    frames: Vec<Frame>,
    unit_done: bool,
    saw_label: bool,
    last_end: usize,
}

impl<'a> TokenStream<'a> {
    /// A stream over `text` whose first line/column is at byte `origin` and whose
    /// lexing starts at byte `start` (after a byte-order mark and a shebang line).
    pub fn new(text: &'a str, file: FileId, origin: usize, start: usize) -> Self {
        let mut lexer = RawTok::lexer_with_extras(text, LexState::default());
        let start = if text.is_char_boundary(start) {
            start
        } else {
            0
        };
        lexer.bump(start);
        TokenStream {
            text,
            file,
            lexer,
            cursor: LineCursor::new(text, origin),
            frames: Vec::new(),
            unit_done: false,
            saw_label: false,
            last_end: start,
        }
    }

    /// Prepares to read the next top-level datum.
    pub fn begin_unit(&mut self) {
        self.frames.clear();
        self.unit_done = false;
        self.saw_label = false;
    }

    /// True when the current datum contained `#n=` or `#n#`.
    pub fn saw_label(&self) -> bool {
        self.saw_label
    }

    /// Byte offset just after the last token handed to the parser.
    pub fn last_end(&self) -> usize {
        self.last_end
    }

    /// The span of bytes `lo..hi`.
    fn span(&mut self, lo: usize, hi: usize) -> Span {
        self.cursor.span(lo, hi, self.file)
    }

    /// A read error of `kind` over bytes `lo..hi`.
    fn error(&mut self, kind: ReadErrorKind, lo: usize, hi: usize) -> ReadError {
        let span = self.span(lo, hi);
        ReadError::new(kind, span)
    }

    /// Converts a lexer error, naming the whole bad token when no pattern matched.
    fn lex_error(&mut self, e: LexError) -> ReadError {
        match e.kind {
            Some(kind) => self.error(kind, e.lo, e.hi),
            None => {
                let rest = self.text.get(e.lo..).unwrap_or("");
                let mut end = 0;
                for (i, c) in rest.char_indices() {
                    if i > 0 && is_delimiter(c) {
                        break;
                    }
                    end = i + c.len_utf8();
                }
                let bad = rest.get(..end).unwrap_or("#").to_string();
                self.error(ReadErrorKind::InvalidHashSyntax(bad), e.lo, e.lo + end)
            }
        }
    }

    /// Opens a frame, refusing to go past [`MAX_NESTING`].
    fn push(&mut self, frame: Frame, span: Span) -> Result<(), ReadError> {
        if self.frames.len() >= MAX_NESTING {
            return Err(ReadError::new(ReadErrorKind::NestingTooDeep, span));
        }
        self.frames.push(frame);
        Ok(())
    }

    /// A datum has just been completed: it satisfies the prefixes waiting for it (and
    /// the datum they form satisfies the ones before), or is swallowed by a `#;`. Marks
    /// the unit done when nothing is left open.
    fn complete(&mut self) {
        loop {
            match self.frames.last() {
                None => {
                    self.unit_done = true;
                    return;
                }
                Some(Frame::Bracket { .. }) => return,
                Some(Frame::Prefix { .. }) => {
                    self.frames.pop();
                }
                Some(Frame::Comment { .. }) => {
                    self.frames.pop();
                    return;
                }
            }
        }
    }

    /// Checks a closing bracket against the innermost open frame.
    fn close(&mut self, c: char, span: Span) -> Result<(), ReadError> {
        match self.frames.last() {
            Some(Frame::Bracket { close, .. }) if *close == c => {
                self.frames.pop();
                self.complete();
                Ok(())
            }
            Some(Frame::Bracket { close, .. }) => Err(ReadError::new(
                ReadErrorKind::MismatchedBracket { expected: *close },
                span,
            )),
            _ if c == ']' => Err(ReadError::new(ReadErrorKind::UnexpectedCloseSquare, span)),
            _ => Err(ReadError::new(ReadErrorKind::UnexpectedClose, span)),
        }
    }

    /// End of input: fine between data, an error with anything still open.
    fn end_of_input(&mut self) -> Result<Option<Spanned>, ReadError> {
        // Report the outermost open bracket: in a long file it names the broken form.
        let outermost = self.frames.iter().find_map(|f| match f {
            Frame::Bracket { span, .. } => Some(*span),
            _ => None,
        });
        if let Some(span) = outermost {
            return Err(ReadError::new(ReadErrorKind::UnterminatedList, span));
        }
        match self.frames.last() {
            Some(Frame::Prefix { span }) => Err(ReadError::new(
                ReadErrorKind::MissingDatumAfterPrefix,
                *span,
            )),
            Some(Frame::Comment { span }) => Err(ReadError::new(
                ReadErrorKind::MissingDatumAfterComment,
                *span,
            )),
            _ => Ok(None),
        }
    }

    /// Handles `#!name`.
    fn directive(&mut self, lo: usize, hi: usize) -> Result<(), ReadError> {
        let name = self.text.get(lo..hi).unwrap_or("").trim_start_matches("#!");
        match name {
            "fold-case" => self.lexer.extras.fold_case = true,
            "no-fold-case" => self.lexer.extras.fold_case = false,
            other => {
                let kind = ReadErrorKind::UnknownDirective(other.to_string());
                return Err(self.error(kind, lo, hi));
            }
        }
        Ok(())
    }

    /// The number in `#n=` / `#n#`.
    fn label_number(&self, slice: &str, span: Span) -> Result<u32, ReadError> {
        let digits = slice.get(1..slice.len().saturating_sub(1)).unwrap_or("");
        digits
            .parse()
            .map_err(|_| ReadError::new(ReadErrorKind::LabelTooLarge(slice.to_string()), span))
    }

    /// The next parser token of the current unit, `None` at its end.
    fn next_token(&mut self) -> Result<Option<Spanned>, ReadError> {
        loop {
            let Some(raw) = self.lexer.next() else {
                return self.end_of_input();
            };
            let raw = raw.map_err(|e| self.lex_error(e))?;
            let range = self.lexer.span();
            let (lo, hi) = (range.start, range.end);
            if matches!(raw, RawTok::BlockComment) {
                continue;
            }
            if matches!(raw, RawTok::Directive) {
                self.directive(lo, hi)?;
                continue;
            }
            let lo_loc = self.cursor.loc(lo);
            let hi_loc = self.cursor.loc(hi);
            let span = lo_loc.span_to(hi_loc, self.file);
            let slice = self.text.get(lo..hi).unwrap_or("");
            let tok = match raw {
                RawTok::Open => {
                    self.push(Frame::Bracket { close: ')', span }, span)?;
                    Tok::Open
                }
                RawTok::OpenSquare => {
                    self.push(Frame::Bracket { close: ']', span }, span)?;
                    Tok::Open
                }
                RawTok::OpenVector => {
                    self.push(Frame::Bracket { close: ')', span }, span)?;
                    Tok::OpenVector
                }
                RawTok::OpenBytes => {
                    self.push(Frame::Bracket { close: ')', span }, span)?;
                    Tok::OpenBytes
                }
                RawTok::Close => {
                    self.close(')', span)?;
                    Tok::Close
                }
                RawTok::CloseSquare => {
                    self.close(']', span)?;
                    Tok::Close
                }
                RawTok::Quote => self.prefix("quote", span)?,
                RawTok::Quasiquote => self.prefix("quasiquote", span)?,
                RawTok::Unquote => self.prefix("unquote", span)?,
                RawTok::UnquoteSplicing => self.prefix("unquote-splicing", span)?,
                RawTok::DatumComment => {
                    self.push(Frame::Comment { span }, span)?;
                    Tok::DatumComment
                }
                RawTok::LabelDef => {
                    let n = self.label_number(slice, span)?;
                    self.push(Frame::Prefix { span }, span)?;
                    self.saw_label = true;
                    Tok::LabelDef(n)
                }
                RawTok::LabelRef => {
                    let n = self.label_number(slice, span)?;
                    self.saw_label = true;
                    self.complete();
                    Tok::LabelRef(n)
                }
                RawTok::Reserved => {
                    let c = slice.chars().next().unwrap_or('{');
                    return Err(ReadError::new(ReadErrorKind::ReservedChar(c), span));
                }
                RawTok::Str(s) => self.atom(DatumKind::Str(Rc::from(s))),
                RawTok::BarSymbol(s) => self.atom(DatumKind::Symbol(Rc::from(s))),
                RawTok::Char(c) => self.atom(DatumKind::Char(c)),
                RawTok::HashAtom => {
                    let kind = classify_hash_atom(slice).map_err(|k| ReadError::new(k, span))?;
                    self.atom(kind)
                }
                RawTok::Atom => {
                    match classify_atom(slice, self.lexer.extras.fold_case)
                        .map_err(|k| ReadError::new(k, span))?
                    {
                        AtomKind::Dot => Tok::Dot,
                        AtomKind::Datum(kind) => self.atom(kind),
                    }
                }
                // Handled above.
                RawTok::BlockComment | RawTok::Directive => continue,
            };
            self.last_end = hi;
            return Ok(Some((lo_loc, tok, hi_loc)));
        }
    }

    /// A quote-like prefix token.
    fn prefix(&mut self, name: &'static str, span: Span) -> Result<Tok, ReadError> {
        self.push(Frame::Prefix { span }, span)?;
        Ok(Tok::Prefix(name))
    }

    /// A simple datum token; it completes whatever was waiting for a datum.
    fn atom(&mut self, kind: DatumKind) -> Tok {
        self.complete();
        Tok::Atom(kind)
    }
}

impl Iterator for TokenStream<'_> {
    type Item = Result<Spanned, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.unit_done {
            return None;
        }
        match self.next_token() {
            Ok(Some(t)) => Some(Ok(t)),
            Ok(None) => None,
            Err(e) => {
                self.unit_done = true;
                Some(Err(e))
            }
        }
    }
}
