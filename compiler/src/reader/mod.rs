//! The reader: Eta text -> [`Datum`] trees with spans (language spec §2).
//!
//! The pipeline is `lexer` (logos raw tokens, with `literal` callbacks for strings,
//! characters and block comments) -> `stream` (drops comments, classifies atoms via
//! `atom`/`number`, matches brackets, limits nesting, cuts after one datum) ->
//! `grammar.lalrpop` (an LR parser building data through `assemble`) -> `labels`
//! (datum label checks). Nothing here recurses on the native stack in proportion to
//! the input's nesting.

mod assemble;
mod atom;
pub use atom::reads_as_symbol;
mod error;
mod labels;
mod lexer;
mod literal;
mod number;
mod positions;
mod stream;
mod token;

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused_qualifications)]
    grammar,
    "/reader/grammar.rs"
);

#[cfg(test)]
mod tests;

pub use error::{ReadError, ReadErrorKind};
pub use number::{parse_number, Number};
pub use stream::MAX_NESTING;

use crate::datum::Datum;
use crate::span::{FileId, Span};
use lalrpop_util::ParseError;
use positions::{LineCursor, Loc};
use stream::TokenStream;
use token::Tok;

/// Reads every datum of a whole source file. A leading byte-order mark and a shebang
/// line (`#!` followed by `/` or a space) are skipped.
///
/// ```
/// use eta_compiler::{read_all, FileId};
/// let data = read_all("(define x 1) x", FileId(1)).unwrap();
/// assert_eq!(data.len(), 2);
/// ```
pub fn read_all(text: &str, file: FileId) -> Result<Vec<Datum>, ReadError> {
    let mut reader = Reader::for_source(text, file);
    let mut data = Vec::new();
    while let Some(d) = reader.next_datum()? {
        data.push(d);
    }
    Ok(data)
}

/// Like [`read_all`] for raw bytes: invalid UTF-8 is an error naming the byte offset.
pub fn read_bytes(bytes: &[u8], file: FileId) -> Result<Vec<Datum>, ReadError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => read_all(text, file),
        Err(e) => {
            let offset = e.valid_up_to();
            let valid = bytes.get(..offset).unwrap_or(&[]);
            // The prefix is valid by construction; fall back to "" rather than panic.
            let prefix = std::str::from_utf8(valid).unwrap_or("");
            let origin = if prefix.starts_with('\u{feff}') { 3 } else { 0 };
            let mut cursor = LineCursor::new(prefix, origin);
            let lo = cursor.loc(prefix.len());
            let len = e.error_len().unwrap_or(1);
            let hi = Loc {
                off: lo.off.saturating_add(u32::try_from(len).unwrap_or(1)),
                pos: crate::span::Pos {
                    line: lo.pos.line,
                    col: lo.pos.col.saturating_add(1),
                },
            };
            Err(ReadError::new(
                ReadErrorKind::InvalidUtf8 { offset },
                lo.span_to(hi, file),
            ))
        }
    }
}

/// Reads data one at a time from a text, e.g. for the `read` builtin or the REPL.
pub struct Reader<'a> {
    text: &'a str,
    file: FileId,
    stream: TokenStream<'a>,
    offset: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `text` from its first byte (no BOM or shebang handling).
    pub fn new(text: &'a str, file: FileId) -> Self {
        Reader {
            text,
            file,
            stream: TokenStream::new(text, file, 0, 0),
            offset: 0,
        }
    }

    /// A reader over a whole source file: skips a leading byte-order mark (which then
    /// takes no column) and a shebang line (`#!` followed by `/` or a space).
    pub fn for_source(text: &'a str, file: FileId) -> Self {
        let origin = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let body = text.get(origin..).unwrap_or("");
        let start = if body.starts_with("#!/") || body.starts_with("#! ") {
            match body.find('\n') {
                Some(nl) => origin + nl + 1,
                None => text.len(),
            }
        } else {
            origin
        };
        Reader {
            text,
            file,
            stream: TokenStream::new(text, file, origin, start),
            offset: start,
        }
    }

    /// Reads the next datum; `Ok(None)` when only whitespace and comments are left.
    /// After an error the reader is positioned somewhere inside the bad datum; callers
    /// normally stop there.
    pub fn next_datum(&mut self) -> Result<Option<Datum>, ReadError> {
        self.stream.begin_unit();
        let parsed = grammar::TopParser::new().parse(self.text, self.file, &mut self.stream);
        match parsed {
            Ok(Some(datum)) => {
                if self.stream.saw_label() {
                    labels::check_labels(&datum)?;
                }
                self.offset = self.stream.last_end();
                Ok(Some(datum))
            }
            Ok(None) => Ok(None),
            Err(e) => Err(self.parse_error(e)),
        }
    }

    /// Byte offset just after the last datum returned by [`Reader::next_datum`] (the
    /// start of the text, or of the code after a BOM/shebang, before the first one).
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Maps a parser error to a read error. Bracket, prefix and comment problems are
    /// caught by the token stream, so what the grammar itself rejects is a misplaced `.`.
    fn parse_error(&self, e: ParseError<Loc, Tok, ReadError>) -> ReadError {
        let span = |lo: Loc, hi: Loc| -> Span { lo.span_to(hi, self.file) };
        match e {
            ParseError::User { error } => error,
            ParseError::UnrecognizedToken {
                token: (lo, _, hi), ..
            }
            | ParseError::ExtraToken { token: (lo, _, hi) } => {
                ReadError::new(ReadErrorKind::BadDottedList, span(lo, hi))
            }
            ParseError::UnrecognizedEof { location, .. } => {
                ReadError::new(ReadErrorKind::UnterminatedList, span(location, location))
            }
            ParseError::InvalidToken { location } => {
                ReadError::new(ReadErrorKind::BadDottedList, span(location, location))
            }
        }
    }
}
