//! `,expand FORM`: the macro expansion of a form, without evaluating it. Every
//! `syntax-rules` macro use is expanded — the form itself until its head is no longer
//! a macro, then its subforms — except inside quoted data and macro definitions.
//! Built-in derived forms (`cond`, `let`, `do`, ...) are special forms of the expander
//! and are shown as written. Local bindings that shadow a macro name are not tracked.
//! Hygienic renames are printed with their original names.

use eta_compiler::env::{base_name, Binding, Env, Special};
use eta_compiler::expand::Cx;
use eta_compiler::{CompileError, CompileErrorKind, Datum, DatumKind, Linker, ProtoKind};
use std::fmt::Write;

/// Bound on nested expansion steps (as the compiler's own nesting limit).
const MAX_STEPS: usize = 10_000;

/// Expands the macros in `form` as seen from `scope`.
pub fn expand(linker: &mut Linker, scope: &Env, form: Datum) -> Result<Datum, CompileError> {
    let mut steps = 0;
    expand_all(linker, scope, form, &mut steps)
}

fn too_deep(d: &Datum) -> CompileError {
    CompileError::new(CompileErrorKind::Limit, "macro expansion too deep", d.span)
}

fn expand_all(
    linker: &mut Linker,
    env: &Env,
    d: Datum,
    steps: &mut usize,
) -> Result<Datum, CompileError> {
    // Recursion follows the nesting of the form, which the reader bounds.
    let d = expand_head(linker, env, d, steps)?;
    let DatumKind::List(items, tail) = d.kind else {
        return Ok(d);
    };
    if items
        .first()
        .is_some_and(|h| keeps_body_unexpanded(linker, env, h))
    {
        return Ok(Datum::new(DatumKind::List(items, tail), d.span));
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(expand_all(linker, env, item, steps)?);
    }
    Ok(Datum::new(DatumKind::List(out, tail), d.span))
}

/// Expands `d` while its head names a macro.
fn expand_head(
    linker: &mut Linker,
    env: &Env,
    mut d: Datum,
    steps: &mut usize,
) -> Result<Datum, CompileError> {
    loop {
        let Some(m) = macro_of(linker, env, &d) else {
            return Ok(d);
        };
        *steps += 1;
        if *steps > MAX_STEPS {
            return Err(too_deep(&d));
        }
        let mut cx = Cx::new(linker, ProtoKind::Script, d.span);
        d = cx.expand_macro(&m, &d, env)?;
    }
}

fn macro_of(
    linker: &Linker,
    env: &Env,
    d: &Datum,
) -> Option<std::rc::Rc<eta_compiler::syntax_rules::Macro>> {
    let DatumKind::List(items, None) = &d.kind else {
        return None;
    };
    let name = items.first()?.as_symbol()?;
    match linker.aliases.lookup(env, name) {
        Some(Binding::Macro(m)) => Some(m),
        _ => None,
    }
}

/// Forms whose operands are data or templates, not code.
fn keeps_body_unexpanded(linker: &Linker, env: &Env, head: &Datum) -> bool {
    let Some(name) = head.as_symbol() else {
        return false;
    };
    matches!(
        linker.aliases.lookup(env, name),
        Some(Binding::Special(
            Special::Quote
                | Special::Quasiquote
                | Special::SyntaxRules
                | Special::DefineSyntax
                | Special::LetSyntax
                | Special::LetrecSyntax
        ))
    )
}

/// A datum in write form, hygienic renames shown by their original names.
pub fn write_datum(d: &Datum) -> String {
    let mut out = String::new();
    write_into(&mut out, d);
    out
}

fn write_into(out: &mut String, d: &Datum) {
    match &d.kind {
        DatumKind::Nil => out.push_str("()"),
        DatumKind::Bool(true) => out.push_str("#t"),
        DatumKind::Bool(false) => out.push_str("#f"),
        DatumKind::Int(n) => {
            let _ = write!(out, "{n}");
        }
        DatumKind::BigInt(n) => {
            let _ = write!(out, "{n}");
        }
        DatumKind::Float(f) => out.push_str(&float_text(*f)),
        DatumKind::Char(c) => {
            out.push_str("#\\");
            match c {
                ' ' => out.push_str("space"),
                '\n' => out.push_str("newline"),
                '\t' => out.push_str("tab"),
                '\r' => out.push_str("return"),
                '\0' => out.push_str("null"),
                c => out.push(*c),
            }
        }
        DatumKind::Str(s) => eta_vm::printer::write_string_literal(out, s),
        DatumKind::Symbol(s) => out.push_str(base_name(s)),
        DatumKind::List(items, tail) => {
            if let (Some(prefix), [_, quoted]) = (quote_prefix(items), items.as_slice()) {
                if tail.is_none() {
                    out.push_str(prefix);
                    write_into(out, quoted);
                    return;
                }
            }
            out.push('(');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_into(out, item);
            }
            if let Some(t) = tail {
                out.push_str(" . ");
                write_into(out, t);
            }
            out.push(')');
        }
        DatumKind::Vector(items) => {
            out.push_str("#(");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_into(out, item);
            }
            out.push(')');
        }
        DatumKind::Bytevector(bytes) => {
            out.push_str("#u8(");
            let parts: Vec<String> = bytes.iter().map(|b| b.to_string()).collect();
            out.push_str(&parts.join(" "));
            out.push(')');
        }
        DatumKind::Label(n, inner) => {
            let _ = write!(out, "#{n}=");
            write_into(out, inner);
        }
        DatumKind::LabelRef(n) => {
            let _ = write!(out, "#{n}#");
        }
    }
}

/// `'x` for `(quote x)` and the other abbreviations.
fn quote_prefix(items: &[Datum]) -> Option<&'static str> {
    match items.first()?.as_symbol().map(base_name)? {
        "quote" => Some("'"),
        "quasiquote" => Some("`"),
        "unquote" => Some(","),
        "unquote-splicing" => Some(",@"),
        _ => None,
    }
}

fn float_text(f: f64) -> String {
    if f.is_nan() {
        "+nan.0".into()
    } else if f.is_infinite() {
        if f > 0.0 { "+inf.0" } else { "-inf.0" }.into()
    } else {
        format!("{f:?}")
    }
}
