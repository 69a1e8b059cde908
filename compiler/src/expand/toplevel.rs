//! Top level: script forms, `module` forms, `import` and `export`, module loading and
//! the units a file compiles to (script segments and module bodies, in textual order).

use super::{Classified, Cx};
use crate::codegen;
use crate::datum::{Datum, DatumKind};
use crate::env::{base_name, Binding, Env, Scope, ScopeKind, Special};
use crate::error::{CResult, CompileError, CompileErrorKind};
use crate::ir::Expr;
use crate::linker::{Linker, Module, Unit};
use crate::proto::{Literal, ProtoKind};
use crate::span::Span;
use std::collections::HashMap;
use std::rc::Rc;

/// A top-level item after pass 1.
enum Item {
    Expr(Datum),
    Define {
        slot: u32,
        name: Rc<str>,
        init: Datum,
    },
}

/// A run of items or an already compiled unit.
enum Piece {
    Script(Vec<Item>, Span),
    Unit(Unit),
}

/// Compiles the top-level forms of a file (or REPL input) in `scope`.
/// `entry`: call `main` of modules defined here. `prelude`: definitions become builtins.
pub fn compile_forms(
    linker: &mut Linker,
    forms: Vec<Datum>,
    scope: &Env,
    entry: bool,
    prelude: bool,
) -> CResult<Vec<Unit>> {
    // Modules defined in this file, for "defined later" errors.
    let saved_later = std::mem::take(&mut linker.later_modules);
    for f in &forms {
        if let Some(name) = module_form_name(f) {
            linker.later_modules.push(Rc::from(name));
        }
    }
    let r = compile_forms_inner(linker, forms, scope, entry, prelude);
    linker.later_modules = saved_later;
    r
}

fn module_form_name(f: &Datum) -> Option<&str> {
    match &f.kind {
        DatumKind::List(items, None)
            if items.len() >= 2 && items[0].as_symbol() == Some("module") =>
        {
            items[1].as_symbol()
        }
        _ => None,
    }
}

fn compile_forms_inner(
    linker: &mut Linker,
    forms: Vec<Datum>,
    scope: &Env,
    entry: bool,
    prelude: bool,
) -> CResult<Vec<Unit>> {
    let mut pieces: Vec<Piece> = Vec::new();
    let mut current: Vec<Item> = Vec::new();
    let mut current_span: Option<Span> = None;
    let mut work: Vec<Datum> = forms.into_iter().rev().collect();
    while let Some(f) = work.pop() {
        let span = f.span;
        let classified = {
            let mut cx = Cx::new(linker, ProtoKind::Script, span);
            cx.prelude = prelude;
            cx.classify(&f, scope)?
        };
        match classified {
            Classified::Begin(inner) | Classified::Many(inner) => {
                for d in inner.into_iter().rev() {
                    work.push(d);
                }
            }
            Classified::DefineSyntax(name, spec) => {
                let mut cx = Cx::new(linker, ProtoKind::Script, span);
                cx.define_syntax(&name, &spec, scope)?;
            }
            Classified::Define(name, init, dspan) => {
                let slot = define_global(linker, scope, &name, dspan, false)?;
                current_span.get_or_insert(span);
                current.push(Item::Define { slot, name, init });
            }
            Classified::Expr(d) => {
                let head = match &d.kind {
                    DatumKind::List(items, None) => {
                        let cx = Cx::new(linker, ProtoKind::Script, span);
                        cx.special(scope, &items[0])
                    }
                    _ => None,
                };
                match head {
                    Some(Special::Module) => {
                        if !current.is_empty() {
                            pieces.push(Piece::Script(
                                std::mem::take(&mut current),
                                current_span.take().unwrap_or(span),
                            ));
                        }
                        let unit = compile_module(linker, &d, entry)?;
                        linker
                            .later_modules
                            .retain(|m| Some(&**m) != module_form_name(&d));
                        pieces.push(Piece::Unit(unit));
                    }
                    Some(Special::Import) => {
                        let items = d.as_list().unwrap_or(&[]);
                        import_into(linker, scope, &items[1..], false)?;
                    }
                    Some(Special::Export) => {
                        return Err(CompileError::syntax(
                            "export: only allowed inside a module",
                            d.span,
                        ));
                    }
                    _ => {
                        current_span.get_or_insert(span);
                        current.push(Item::Expr(d));
                    }
                }
            }
        }
    }
    if !current.is_empty() {
        pieces.push(Piece::Script(current, current_span.unwrap_or(Span::DUMMY)));
    }
    let mut units = Vec::new();
    for p in pieces {
        match p {
            Piece::Unit(u) => units.push(u),
            Piece::Script(items, span) => {
                let kind = ProtoKind::Script;
                let proto = compile_items(linker, items, scope, kind, span, prelude)?;
                units.push(Unit { proto, main: None });
            }
        }
    }
    Ok(units)
}

/// Pass 2: compiles items to one prototype.
fn compile_items(
    linker: &mut Linker,
    items: Vec<Item>,
    scope: &Env,
    kind: ProtoKind,
    span: Span,
    hidden: bool,
) -> CResult<std::sync::Arc<crate::proto::Prototype>> {
    let mut cx = Cx::new(linker, kind, span);
    cx.prelude = hidden;
    let mut seq = Vec::new();
    let mut last_is_expr = false;
    for item in items {
        match item {
            Item::Expr(d) => {
                seq.push(cx.expr(&d, scope)?);
                last_is_expr = true;
            }
            Item::Define { slot, name, init } => {
                let e = cx.expr_named(&init, scope, Some(name))?;
                seq.push(Expr::DefGlobal(slot, Box::new(e)));
                last_is_expr = false;
            }
        }
    }
    // The unit's value is that of its last expression (for `-e`, `eval` and the REPL),
    // computed in a non-tail position so the unit's own frame stays in stack traces.
    match seq.pop() {
        Some(last) if last_is_expr => {
            let v = cx.new_var("%result");
            seq.push(Expr::Let(
                vec![v],
                vec![last],
                Box::new(Expr::Local(v, span)),
            ));
        }
        Some(last) => {
            seq.push(last);
            seq.push(Expr::Const(Literal::Unspecified));
        }
        None => seq.push(Expr::Const(Literal::Unspecified)),
    }
    cx.unit.lambdas[0].body = Expr::Seq(seq);
    codegen::generate(&cx.unit, hidden)
}

/// Defines a global `name` in global scope `scope` (or a builtin in the base scope).
fn define_global(
    linker: &mut Linker,
    scope: &Env,
    name: &Rc<str>,
    span: Span,
    module: bool,
) -> CResult<u32> {
    if scope.kind == ScopeKind::Base {
        return Ok(linker.define_builtin(base_name(name)));
    }
    match scope.get_here(name) {
        Some(Binding::Global { slot, .. }) => {
            if module {
                return Err(CompileError::syntax(
                    format!("duplicate definition of {}", base_name(name)),
                    span,
                ));
            }
            Ok(slot)
        }
        Some(Binding::Imported { from, .. }) => Err(CompileError::syntax(
            format!(
                "{} is imported from {from} and cannot be redefined",
                base_name(name)
            ),
            span,
        )),
        _ => {
            let slot = linker.alloc_global(base_name(name));
            let owner: Rc<str> = match &scope.kind {
                ScopeKind::Global(n) => n.clone(),
                _ => Rc::from("<script>"),
            };
            scope.bind(name.clone(), Binding::Global { slot, owner });
            Ok(slot)
        }
    }
}

/// Compiles `(module NAME clause ...)` and registers the module.
fn compile_module(linker: &mut Linker, d: &Datum, entry: bool) -> CResult<Unit> {
    let items = d.as_list().unwrap_or(&[]);
    let Some(name) = items.get(1).and_then(|n| n.as_symbol()) else {
        return Err(CompileError::syntax("module: expected a name", d.span));
    };
    let name: Rc<str> = Rc::from(name);
    if linker.modules.contains_key(&name) && !linker.repl {
        return Err(CompileError::new(
            CompileErrorKind::Module,
            format!("module {name} is already defined"),
            items[1].span,
        ));
    }
    let scope = Scope::new(Some(linker.base.clone()), ScopeKind::Global(name.clone()));
    let mut exports_specs: Vec<Datum> = Vec::new();
    let mut body: Vec<Datum> = Vec::new();
    for clause in &items[2..] {
        let head = match &clause.kind {
            DatumKind::List(ci, None) => {
                let cx = Cx::new(linker, ProtoKind::Script, clause.span);
                cx.special(&scope, &ci[0])
            }
            _ => None,
        };
        match head {
            Some(Special::Export) => {
                exports_specs.extend(clause.as_list().unwrap_or(&[])[1..].iter().cloned())
            }
            Some(Special::Import) => {
                import_into(linker, &scope, &clause.as_list().unwrap_or(&[])[1..], true)?
            }
            Some(Special::Begin) => {
                body.extend(clause.as_list().unwrap_or(&[])[1..].iter().cloned())
            }
            _ => body.push(clause.clone()),
        }
    }
    // Pass 1 over the body.
    let mut defs: Vec<Item> = Vec::new();
    let mut work: Vec<Datum> = body.into_iter().rev().collect();
    while let Some(f) = work.pop() {
        let classified = {
            let mut cx = Cx::new(
                linker,
                ProtoKind::Module(std::sync::Arc::from(&*name)),
                f.span,
            );
            cx.classify(&f, &scope)?
        };
        match classified {
            Classified::Begin(inner) | Classified::Many(inner) => {
                for x in inner.into_iter().rev() {
                    work.push(x);
                }
            }
            Classified::DefineSyntax(n, spec) => {
                let mut cx = Cx::new(linker, ProtoKind::Script, f.span);
                cx.define_syntax(&n, &spec, &scope)?;
            }
            Classified::Define(n, init, dspan) => {
                let slot = define_global(linker, &scope, &n, dspan, true)?;
                defs.push(Item::Define {
                    slot,
                    name: n,
                    init,
                });
            }
            Classified::Expr(x) => {
                let is_import = match &x.kind {
                    DatumKind::List(xi, None) => {
                        let cx = Cx::new(linker, ProtoKind::Script, x.span);
                        cx.special(&scope, &xi[0])
                    }
                    _ => None,
                };
                match is_import {
                    Some(Special::Import) => {
                        import_into(linker, &scope, &x.as_list().unwrap_or(&[])[1..], true)?
                    }
                    Some(Special::Export) => {
                        exports_specs.extend(x.as_list().unwrap_or(&[])[1..].iter().cloned())
                    }
                    Some(Special::Module) => {
                        return Err(CompileError::syntax(
                            "module: modules cannot be nested",
                            x.span,
                        ));
                    }
                    _ => defs.push(Item::Expr(x)),
                }
            }
        }
    }
    let kind = ProtoKind::Module(std::sync::Arc::from(&*name));
    let proto = compile_items(linker, defs, &scope, kind, d.span, false)?;
    // Exports.
    let mut exports = HashMap::new();
    for e in &exports_specs {
        let (inner, outer) = match &e.kind {
            DatumKind::Symbol(s) => (s.clone(), s.clone()),
            DatumKind::List(p, None) if p.len() == 3 && p[0].as_symbol() == Some("rename") => {
                match (p[1].as_symbol(), p[2].as_symbol()) {
                    (Some(a), Some(b)) => (Rc::from(a), Rc::from(b)),
                    _ => return Err(CompileError::syntax("export: bad rename", e.span)),
                }
            }
            _ => return Err(CompileError::syntax("export: bad export spec", e.span)),
        };
        let b = linker
            .aliases
            .lookup(&scope, &inner)
            .filter(|b| !matches!(b, Binding::Local(_)));
        match b {
            Some(b) => {
                exports.insert(outer, b);
            }
            None => {
                return Err(CompileError::new(
                    CompileErrorKind::Module,
                    format!("export of unknown name {inner} in module {name}"),
                    e.span,
                ))
            }
        }
    }
    let main = if entry {
        match scope.get_here("main") {
            Some(Binding::Global { slot, .. }) => Some(slot),
            _ => None,
        }
    } else {
        None
    };
    linker.modules.insert(
        name.clone(),
        Rc::new(Module {
            name: name.clone(),
            exports,
            scope,
        }),
    );
    Ok(Unit { proto, main })
}

/// Processes import specs into `scope`.
pub fn import_into(linker: &mut Linker, scope: &Env, specs: &[Datum], module: bool) -> CResult<()> {
    for spec in specs {
        let set = import_set(linker, spec)?;
        for (local, (b, from)) in set {
            if let Some(existing) = scope.get_here(&local) {
                match &existing {
                    Binding::Imported { .. } if existing == b => continue,
                    Binding::Imported { from: other, .. } if existing != b => {
                        return Err(CompileError::new(
                            CompileErrorKind::Module,
                            format!("import conflict: {local} from {other} and from {from}"),
                            spec.span,
                        ));
                    }
                    Binding::Global { .. } if module => {
                        return Err(CompileError::syntax(
                            format!("{local} is imported from {from} and cannot be redefined"),
                            spec.span,
                        ));
                    }
                    _ => {}
                }
            }
            let binding = match b {
                Binding::Global { slot, .. } => Binding::Imported {
                    slot,
                    from: from.clone(),
                },
                other => other,
            };
            scope.bind(local, binding);
        }
    }
    Ok(())
}

type ImportSet = Vec<(Rc<str>, (Binding, Rc<str>))>;

const R7RS_LIBS: &[&str] = &[
    "base",
    "case-lambda",
    "char",
    "complex",
    "cxr",
    "eval",
    "file",
    "inexact",
    "lazy",
    "load",
    "process-context",
    "read",
    "repl",
    "time",
    "write",
    "r5rs",
];

/// Resolves one import spec to `(local name, (binding, module))` pairs.
fn import_set(linker: &mut Linker, spec: &Datum) -> CResult<ImportSet> {
    match &spec.kind {
        DatumKind::Symbol(name) => module_exports(linker, name, spec.span),
        DatumKind::List(items, None) => {
            let head = items[0].as_symbol().unwrap_or("");
            let combinator =
                matches!(head, "only" | "except" | "rename" | "prefix") && items.len() >= 2;
            if head == "scheme" && items.len() == 2 {
                let lib = items[1].as_symbol().unwrap_or("");
                if R7RS_LIBS.contains(&lib) {
                    return Ok(Vec::new());
                }
                return Err(CompileError::new(
                    CompileErrorKind::Module,
                    format!("unknown library {}", super::quasi::show(spec)),
                    spec.span,
                ));
            }
            if !combinator {
                if items.len() == 1 {
                    if let Some(n) = items[0].as_symbol() {
                        return module_exports(linker, n, spec.span);
                    }
                }
                return Err(CompileError::new(
                    CompileErrorKind::Module,
                    format!("unknown library {}", super::quasi::show(spec)),
                    spec.span,
                ));
            }
            if is_scheme_lib(&items[1]) {
                return Err(CompileError::new(
                    CompileErrorKind::Module,
                    "cannot restrict a builtin library",
                    spec.span,
                ));
            }
            let inner = import_set(linker, &items[1])?;
            let sym = |d: &Datum| -> CResult<Rc<str>> {
                d.as_symbol().map(Rc::from).ok_or_else(|| {
                    CompileError::syntax(format!("{head}: expected identifiers"), d.span)
                })
            };
            let not_exported = |n: &str, d: &Datum| {
                CompileError::new(
                    CompileErrorKind::Module,
                    format!("{n} is not exported by {}", super::quasi::show(&items[1])),
                    d.span,
                )
            };
            match head {
                "only" => {
                    let mut out = Vec::new();
                    for d in &items[2..] {
                        let n = sym(d)?;
                        match inner.iter().find(|(k, _)| *k == n) {
                            Some(e) => out.push(e.clone()),
                            None => return Err(not_exported(&n, d)),
                        }
                    }
                    Ok(out)
                }
                "except" => {
                    let mut names = Vec::new();
                    for d in &items[2..] {
                        let n = sym(d)?;
                        if !inner.iter().any(|(k, _)| *k == n) {
                            return Err(not_exported(&n, d));
                        }
                        names.push(n);
                    }
                    Ok(inner
                        .into_iter()
                        .filter(|(k, _)| !names.contains(k))
                        .collect())
                }
                "rename" => {
                    let mut out = inner;
                    for d in &items[2..] {
                        let pair = d.as_list().filter(|p| p.len() == 2).ok_or_else(|| {
                            CompileError::syntax("rename: expected (old new)", d.span)
                        })?;
                        let old = sym(&pair[0])?;
                        let new = sym(&pair[1])?;
                        let Some(e) = out.iter_mut().find(|(k, _)| *k == old) else {
                            return Err(not_exported(&old, d));
                        };
                        e.0 = new;
                    }
                    Ok(out)
                }
                _ => {
                    if items.len() != 3 {
                        return Err(CompileError::syntax(
                            "prefix: expected (prefix spec prefix)",
                            spec.span,
                        ));
                    }
                    let p = sym(&items[2])?;
                    Ok(inner
                        .into_iter()
                        .map(|(k, v)| (Rc::from(format!("{p}{k}")), v))
                        .collect())
                }
            }
        }
        _ => Err(CompileError::syntax("import: bad import spec", spec.span)),
    }
}

fn is_scheme_lib(d: &Datum) -> bool {
    d.as_list()
        .is_some_and(|l| l.len() == 2 && l[0].as_symbol() == Some("scheme"))
}

fn module_exports(linker: &mut Linker, name: &str, span: Span) -> CResult<ImportSet> {
    let m = ensure_module(linker, name, span)?;
    let from = m.name.clone();
    let mut out: ImportSet = m
        .exports
        .iter()
        .map(|(k, b)| (k.clone(), (b.clone(), from.clone())))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Finds, compiles and registers module `name` if it is not defined yet.
pub fn ensure_module(linker: &mut Linker, name: &str, span: Span) -> CResult<Rc<Module>> {
    if let Some(m) = linker.modules.get(name) {
        return Ok(m.clone());
    }
    if linker.later_modules.iter().any(|m| &**m == name) {
        return Err(CompileError::new(
            CompileErrorKind::Module,
            format!("module {name} is defined later in this file"),
            span,
        ));
    }
    if linker.loading.iter().any(|m| &**m == name) {
        let mut chain: Vec<String> = linker.loading.iter().map(|m| m.to_string()).collect();
        chain.push(name.to_string());
        return Err(CompileError::new(
            CompileErrorKind::Module,
            format!("circular import: {}", chain.join(" -> ")),
            span,
        ));
    }
    let importer_dir = if span.is_dummy() {
        None
    } else {
        Some(linker.dir_of(span.file))
    };
    let Some((display, text, dir)) = linker.find_module_source(name, importer_dir.as_deref())
    else {
        return Err(linker.unknown_module(name, span));
    };
    linker.loading.push(Rc::from(name));
    let file = linker.add_source(&display, &text, dir);
    let text = linker
        .sources
        .get(file)
        .map(|f| f.text.clone())
        .unwrap_or_default();
    let result = (|| -> CResult<Vec<Unit>> {
        let forms = crate::reader::read_all(&text, file)?;
        let scope = Scope::new(
            Some(linker.base.clone()),
            ScopeKind::Global(Rc::from("<script>")),
        );
        let saved_pending = std::mem::take(&mut linker.pending);
        let units = compile_forms(linker, forms, &scope, false, false);
        let inner_pending = std::mem::replace(&mut linker.pending, saved_pending);
        let units = units?;
        let mut all = inner_pending;
        all.extend(units);
        Ok(all)
    })();
    linker.loading.pop();
    let units = result?;
    linker.pending.extend(units);
    match linker.modules.get(name) {
        Some(m) => Ok(m.clone()),
        None => Err(CompileError::new(
            CompileErrorKind::Module,
            format!("{display} does not define module {name}"),
            span,
        )),
    }
}
