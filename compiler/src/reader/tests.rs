//! Unit tests for the reader: every bullet of language spec §2, every §2.13 error,
//! spans, the one-datum-at-a-time API, `parse_number`, deep nesting and a
//! pseudo-random no-panic sweep, split by spec section under `tests/`. This file
//! holds the shared helpers.

mod api;
mod lexical;
mod literals;
mod numbers;
mod structure;

pub(super) use super::*;
pub(super) use crate::datum::DatumKind;
pub(super) use crate::span::Pos;

/// The file id used throughout.
pub(super) const F: FileId = FileId(7);

/// A compact external form of a datum, for comparing whole trees.
pub(super) fn show(d: &Datum) -> String {
    let mut out = String::new();
    write_datum(d, &mut out);
    out
}

fn write_seq(items: &[Datum], out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write_datum(item, out);
    }
}

fn write_datum(d: &Datum, out: &mut String) {
    match &d.kind {
        DatumKind::Nil => out.push_str("()"),
        DatumKind::Bool(b) => out.push_str(if *b { "#t" } else { "#f" }),
        DatumKind::Int(i) => out.push_str(&i.to_string()),
        DatumKind::BigInt(b) => out.push_str(&format!("big:{b}")),
        DatumKind::Float(f) => out.push_str(&format!("{f:?}")),
        DatumKind::Char(c) => out.push_str(&format!("#\\{c}")),
        DatumKind::Str(s) => out.push_str(&format!("{:?}", &**s)),
        DatumKind::Symbol(s) => {
            if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c == '|') {
                out.push_str(&format!("|{s}|"));
            } else {
                out.push_str(s);
            }
        }
        DatumKind::List(items, tail) => {
            out.push('(');
            write_seq(items, out);
            if let Some(t) = tail {
                out.push_str(" . ");
                write_datum(t, out);
            }
            out.push(')');
        }
        DatumKind::Vector(items) => {
            out.push_str("#(");
            write_seq(items, out);
            out.push(')');
        }
        DatumKind::Bytevector(bytes) => {
            let parts: Vec<String> = bytes.iter().map(|b| b.to_string()).collect();
            out.push_str(&format!("#u8({})", parts.join(" ")));
        }
        DatumKind::Label(n, inner) => {
            out.push_str(&format!("#{n}="));
            write_datum(inner, out);
        }
        DatumKind::LabelRef(n) => out.push_str(&format!("#{n}#")),
    }
}

/// Reads `src` and shows all its data separated by spaces.
pub(super) fn read(src: &str) -> Result<String, ReadError> {
    let data = read_all(src, F)?;
    let shown: Vec<String> = data.iter().map(show).collect();
    Ok(shown.join(" "))
}

/// Reads exactly one datum.
pub(super) fn one(src: &str) -> Result<Datum, ReadError> {
    let mut data = read_all(src, F)?;
    assert_eq!(data.len(), 1, "expected one datum in {src:?}");
    Ok(data.remove(0))
}

/// The error kind `src` produces (panics in the test if it reads fine).
pub(super) fn err(src: &str) -> ReadErrorKind {
    match read_all(src, F) {
        Ok(data) => panic!(
            "{src:?} should not read, got {:?}",
            data.iter().map(show).collect::<Vec<_>>()
        ),
        Err(e) => e.kind,
    }
}

/// The full error for `src`.
pub(super) fn error(src: &str) -> ReadError {
    match read_all(src, F) {
        Ok(_) => panic!("{src:?} should not read"),
        Err(e) => e,
    }
}

pub(super) fn pos(line: u32, col: u32) -> Pos {
    Pos { line, col }
}
