//! The datum tree produced by the reader: Scheme data with a source span on every node.
//! It is GC-free; the VM converts quoted data into heap values when it loads code.

use crate::span::Span;
use num_bigint::BigInt;
use std::rc::Rc;

/// A datum with its source span.
#[derive(Clone, Debug)]
pub struct Datum {
    /// What the datum is.
    pub kind: DatumKind,
    /// Where it was read from.
    pub span: Span,
}

/// The kinds of datum the reader produces.
#[derive(Clone, Debug)]
pub enum DatumKind {
    /// `()` (also `Nil`).
    Nil,
    /// `#t` / `#f`.
    Bool(bool),
    /// An exact integer that fits in an i64.
    Int(i64),
    /// An exact integer outside the i64 range.
    BigInt(Rc<BigInt>),
    /// A flonum.
    Float(f64),
    /// A character.
    Char(char),
    /// A string literal.
    Str(Rc<str>),
    /// A symbol.
    Symbol(Rc<str>),
    /// A non-empty list. `tail` is `None` for a proper list and the final cdr otherwise;
    /// the reader normalises `(a . (b))` to `List([a, b], None)` and never puts `Nil` or a
    /// `List` in `tail`.
    List(Vec<Datum>, Option<Box<Datum>>),
    /// `#( ... )`.
    Vector(Vec<Datum>),
    /// `#u8( ... )`.
    Bytevector(Vec<u8>),
    /// `#n=datum`: labels `datum` with `n`.
    Label(u32, Box<Datum>),
    /// `#n#`: a reference to the datum labelled `n`.
    LabelRef(u32),
}

impl Datum {
    /// Builds a datum.
    pub fn new(kind: DatumKind, span: Span) -> Self {
        Datum { kind, span }
    }

    /// A symbol datum.
    pub fn sym(name: &str, span: Span) -> Self {
        Datum::new(DatumKind::Symbol(Rc::from(name)), span)
    }

    /// A proper list datum (`()` when `items` is empty).
    pub fn list(items: Vec<Datum>, span: Span) -> Self {
        if items.is_empty() {
            Datum::new(DatumKind::Nil, span)
        } else {
            Datum::new(DatumKind::List(items, None), span)
        }
    }

    /// The symbol name, if this is a symbol.
    pub fn as_symbol(&self) -> Option<&str> {
        match &self.kind {
            DatumKind::Symbol(s) => Some(s),
            _ => None,
        }
    }

    /// The elements, if this is a proper list (including `()`).
    pub fn as_list(&self) -> Option<&[Datum]> {
        match &self.kind {
            DatumKind::Nil => Some(&[]),
            DatumKind::List(items, None) => Some(items),
            _ => None,
        }
    }

    /// True if this is a proper, non-empty list whose head is the symbol `name`.
    pub fn is_form(&self, name: &str) -> bool {
        match &self.kind {
            DatumKind::List(items, None) => items[0].as_symbol() == Some(name),
            _ => false,
        }
    }
}
