//! Classifying atoms: deciding whether a maximal run of non-delimiters is a number,
//! `.`, an identifier, `Nil`, or (for `#` tokens) a boolean or prefixed number
//! (spec §2.3–2.5).

use super::error::ReadErrorKind;
use super::number::{parse_number_checked, Number, NumberError};
use crate::datum::DatumKind;
use std::rc::Rc;

/// What an atom turned out to be.
pub(crate) enum AtomKind {
    /// The `.` of a dotted list.
    Dot,
    /// A self-contained datum.
    Datum(DatumKind),
}

/// The datum for a number literal.
pub(crate) fn number_datum(n: Number) -> DatumKind {
    match n {
        Number::Int(i) => DatumKind::Int(i),
        Number::Big(b) => DatumKind::BigInt(Rc::new(b)),
        Number::Float(f) => DatumKind::Float(f),
    }
}

/// Maps a number error on `text` to the read error kind.
fn number_error(e: NumberError, text: &str) -> ReadErrorKind {
    match e {
        NumberError::Invalid => ReadErrorKind::InvalidNumber(text.to_string()),
        NumberError::NoExact => ReadErrorKind::NoExactRepresentation(text.to_string()),
        NumberError::DivisionByZero => ReadErrorKind::DivisionByZero(text.to_string()),
    }
}

/// True when `text` starts like a number (`1...`, `+1...`, `.5...`, `-.5...`), so that
/// failing to parse it is an invalid number rather than an identifier.
fn starts_like_number(text: &str) -> bool {
    let unsigned = text
        .strip_prefix('+')
        .or_else(|| text.strip_prefix('-'))
        .unwrap_or(text);
    let unsigned = unsigned.strip_prefix('.').unwrap_or(unsigned);
    unsigned.starts_with(|c: char| c.is_ascii_digit())
}

/// Classifies an atom that does not start with `#`.
pub(crate) fn classify_atom(text: &str, fold_case: bool) -> Result<AtomKind, ReadErrorKind> {
    if text == "." {
        return Ok(AtomKind::Dot);
    }
    match parse_number_checked(text, 10) {
        Ok(n) => return Ok(AtomKind::Datum(number_datum(n))),
        Err(NumberError::Invalid) if !starts_like_number(text) => {}
        Err(e) => return Err(number_error(e, text)),
    }
    if text.chars().any(|c| c == '\\' || c.is_control()) {
        return Err(ReadErrorKind::InvalidIdentifier(text.to_string()));
    }
    // `Nil` is checked on the text as written: the Eta-ism is about that exact spelling.
    if text == "Nil" {
        return Ok(AtomKind::Datum(DatumKind::Nil));
    }
    let name: Rc<str> = if fold_case {
        Rc::from(text.to_lowercase())
    } else {
        Rc::from(text)
    };
    Ok(AtomKind::Datum(DatumKind::Symbol(name)))
}

/// Classifies a `#` atom other than the structural ones: booleans and prefixed numbers.
pub(crate) fn classify_hash_atom(text: &str) -> Result<DatumKind, ReadErrorKind> {
    let after = text.strip_prefix('#').unwrap_or(text);
    match after.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('t' | 'f') => {
            if after.eq_ignore_ascii_case("t") || after.eq_ignore_ascii_case("true") {
                Ok(DatumKind::Bool(true))
            } else if after.eq_ignore_ascii_case("f") || after.eq_ignore_ascii_case("false") {
                Ok(DatumKind::Bool(false))
            } else {
                Err(ReadErrorKind::InvalidHashSyntax(text.to_string()))
            }
        }
        Some('b' | 'o' | 'd' | 'x' | 'e' | 'i') => parse_number_checked(text, 10)
            .map(number_datum)
            .map_err(|e| number_error(e, text)),
        _ => Err(ReadErrorKind::InvalidHashSyntax(text.to_string())),
    }
}

/// Whether a bare token `name` reads back as the symbol `name` (the printer uses this
/// to decide when a symbol needs `|...|`). Delimiter characters are checked by the caller.
pub fn reads_as_symbol(name: &str) -> bool {
    match classify_atom(name, false) {
        Ok(AtomKind::Datum(DatumKind::Symbol(s))) => &*s == name,
        _ => false,
    }
}
