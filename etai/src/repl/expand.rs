//! `,expand FORM`: the macro expansion of a form, without evaluating it. Every
//! `syntax-rules` macro use is expanded — the form itself until its head is no longer
//! a macro, then its subforms — except inside quoted data and macro definitions.
//! Built-in derived forms (`cond`, `let`, `do`, ...) are special forms of the expander
//! and are shown as written. Local bindings that shadow a macro name are not tracked.
//! Hygienic renames are printed with their original names.

use eta_compiler::env::{Binding, Env, Special};
use eta_compiler::expand::{datum_to_literal, Cx};
use eta_compiler::{CompileError, CompileErrorKind, Datum, DatumKind, Linker, ProtoKind};

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
    super::literal::write_literal(&mut out, &datum_to_literal(d), usize::MAX);
    out
}
