//! Constants and data in write form for the REPL's `,disasm` (a prototype's constants)
//! and `,expand` (an expanded form, converted with `datum_to_literal`, so hygienic
//! renames show their original names). Numbers, characters, strings and symbols are
//! written by the VM's printer rules; `(quote x)` and its kin are shown as `'x`.

use eta_compiler::Literal;
use eta_vm::printer::{format_flonum, write_char_literal, write_string_literal, write_symbol};
use std::fmt::Write;

/// `lit` in write form; once `out` holds more than `budget` bytes the rest is `...`.
pub fn write_literal(out: &mut String, lit: &Literal, budget: usize) {
    if out.len() > budget {
        out.push_str("...");
        return;
    }
    match lit {
        Literal::Nil => out.push_str("()"),
        Literal::Bool(true) => out.push_str("#t"),
        Literal::Bool(false) => out.push_str("#f"),
        Literal::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Literal::Big(n) => {
            let _ = write!(out, "{}", n.0);
        }
        Literal::Float(f) => out.push_str(&format_flonum(*f)),
        Literal::Char(c) => write_char_literal(out, *c),
        Literal::Str(s) => write_string_literal(out, s),
        Literal::Sym(s) => write_symbol(out, s),
        Literal::List(items, tail) => {
            if let (Some(prefix), [_, quoted], None) = (quote_prefix(items), &items[..], tail) {
                out.push_str(prefix);
                write_literal(out, quoted, budget);
                return;
            }
            out.push('(');
            write_items(out, items, budget);
            if let Some(t) = tail {
                out.push_str(" . ");
                write_literal(out, t, budget);
            }
            out.push(')');
        }
        Literal::Vector(items) => {
            out.push_str("#(");
            write_items(out, items, budget);
            out.push(')');
        }
        Literal::Bytevector(bytes) => {
            out.push_str("#u8(");
            let parts: Vec<String> = bytes.iter().map(|b| b.to_string()).collect();
            out.push_str(&parts.join(" "));
            out.push(')');
        }
        Literal::Label(n, d) => {
            let _ = write!(out, "#{n}=");
            write_literal(out, d, budget);
        }
        Literal::LabelRef(n) => {
            let _ = write!(out, "#{n}#");
        }
        Literal::Unspecified => out.push_str("#<unspecified>"),
    }
}

fn write_items(out: &mut String, items: &[Literal], budget: usize) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write_literal(out, item, budget);
    }
}

/// The reader abbreviation of a two-element list headed by `quote` and its kin.
fn quote_prefix(items: &[Literal]) -> Option<&'static str> {
    match items.first()? {
        Literal::Sym(s) => match &**s {
            "quote" => Some("'"),
            "quasiquote" => Some("`"),
            "unquote" => Some(","),
            "unquote-splicing" => Some(",@"),
            _ => None,
        },
        _ => None,
    }
}
