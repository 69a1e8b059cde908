//! Building composite data from parsed parts: abbreviations, dotted lists (normalised
//! as `datum.rs` documents) and bytevectors. Called from the grammar's actions.

use super::error::{ReadError, ReadErrorKind};
use crate::datum::{Datum, DatumKind};
use crate::span::Span;

/// `'d` and friends: `(name d)`, the symbol spanning the prefix.
pub(crate) fn abbreviation(name: &str, prefix_span: Span, datum: Datum, span: Span) -> Datum {
    Datum::new(
        DatumKind::List(vec![Datum::sym(name, prefix_span), datum], None),
        span,
    )
}

/// `(items . tail)`, normalised: a `()` tail gives a proper list and a list tail is
/// spliced in, so `tail` is never `Nil` or a `List`. A dot with nothing before it is
/// a bad dotted list.
pub(crate) fn dotted(
    mut items: Vec<Datum>,
    tail: Datum,
    dot_span: Span,
    span: Span,
) -> Result<Datum, ReadError> {
    if items.is_empty() {
        return Err(ReadError::new(ReadErrorKind::BadDottedList, dot_span));
    }
    let kind = match tail.kind {
        DatumKind::Nil => DatumKind::List(items, None),
        DatumKind::List(more, rest) => {
            // `more`/`rest` are already normalised, so one splice suffices.
            items.extend(more);
            DatumKind::List(items, rest)
        }
        other => DatumKind::List(items, Some(Box::new(Datum::new(other, tail.span)))),
    };
    Ok(Datum::new(kind, span))
}

/// `#u8( ... )`: every element must be an exact integer literal 0–255.
pub(crate) fn bytevector(text: &str, items: Vec<Datum>, span: Span) -> Result<Datum, ReadError> {
    let mut bytes = Vec::with_capacity(items.len());
    for item in &items {
        match item.kind {
            DatumKind::Int(n) if (0..=255).contains(&n) => bytes.push(n as u8),
            _ => {
                let source = text
                    .get(item.span.lo as usize..item.span.hi as usize)
                    .unwrap_or("?");
                return Err(ReadError::new(
                    ReadErrorKind::InvalidByte(source.to_string()),
                    item.span,
                ));
            }
        }
    }
    Ok(Datum::new(DatumKind::Bytevector(bytes), span))
}
