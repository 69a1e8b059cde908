//! The expander: walks datums in a compile-time environment, expands macros and derived
//! forms, resolves every identifier, and produces the core IR of one unit. Capture and
//! mutation of local variables are recorded here so codegen can decide on boxes.

mod derived;
mod forms;
mod quasi;
pub mod toplevel;

use crate::datum::{Datum, DatumKind};
use crate::env::{base_name, Binding, Env, Scope, ScopeKind, Special};
use crate::error::{CResult, CompileError, CompileErrorKind};
use crate::ir::{Expr, IrUnit, LambdaId, LambdaInfo, VarId, VarInfo};
use crate::linker::Linker;
use crate::proto::{Literal, Prim, ProtoKind};
use crate::span::Span;
use crate::syntax_rules::Expansion;
use std::rc::Rc;
use std::sync::Arc;

/// Maximum nesting of expressions and macro expansions.
pub const MAX_DEPTH: usize = 10_000;

/// Per-unit expansion state.
pub struct Cx<'l> {
    /// The linker (globals, modules, aliases).
    pub linker: &'l mut Linker,
    /// The unit being built.
    pub unit: IrUnit,
    /// The lambda whose body is being expanded.
    pub cur: LambdaId,
    /// Current nesting depth.
    depth: usize,
    /// Variables declared in bodies whose definition has not run yet.
    pending: Vec<VarId>,
    /// Define top-level names of this unit as builtins (the prelude).
    pub prelude: bool,
    /// Names defined in each body scope so far (scope address, name).
    defined_in_body: Vec<(usize, Rc<str>)>,
    /// The variable whose definition is the lambda about to be expanded.
    defining: Option<VarId>,
}

impl<'l> Cx<'l> {
    /// A context for a unit whose top-level thunk has the given kind.
    pub fn new(linker: &'l mut Linker, kind: ProtoKind, span: Span) -> Self {
        let mut unit = IrUnit::default();
        unit.lambdas.push(LambdaInfo {
            name: None,
            params: vec![],
            rest: false,
            body: Expr::Const(Literal::Unspecified),
            captures: vec![],
            span,
            kind,
            parent: None,
            transparent: false,
        });
        Cx {
            linker,
            unit,
            cur: 0,
            depth: 0,
            pending: Vec::new(),
            prelude: false,
            defined_in_body: Vec::new(),
            defining: None,
        }
    }

    /// Resolves an identifier.
    pub fn lookup(&self, env: &Env, name: &str) -> Option<Binding> {
        self.linker.aliases.lookup(env, name)
    }

    /// The special form an identifier denotes, if any.
    pub fn special(&self, env: &Env, d: &Datum) -> Option<Special> {
        match d.as_symbol().and_then(|s| self.lookup(env, s)) {
            Some(Binding::Special(s)) => Some(s),
            _ => None,
        }
    }

    /// Whether `d` is the auxiliary keyword `name` (`else`, `=>`) in `env`.
    pub fn is_aux(&self, env: &Env, d: &Datum, name: &str) -> bool {
        matches!(self.special(env, d), Some(Special::Aux(n)) if n == name)
    }

    /// An identifier that refers to the base binding of `name` wherever it is used.
    pub fn core(&mut self, name: &str, span: Span) -> Datum {
        let base = self.linker.base.clone();
        let alias = self.linker.aliases.fresh(&Rc::from(name), &base);
        Datum::new(DatumKind::Symbol(alias), span)
    }

    /// A fresh identifier nobody else can write.
    pub fn gensym(&mut self, hint: &str, span: Span) -> Datum {
        let base = self.linker.base.clone();
        let alias = self.linker.aliases.fresh(&Rc::from(hint), &base);
        Datum::new(DatumKind::Symbol(alias), span)
    }

    /// Declares a new local variable of the current lambda.
    pub fn new_var(&mut self, name: &str) -> VarId {
        self.unit.vars.push(VarInfo {
            name: Rc::from(base_name(name)),
            owner: self.cur,
            captured: false,
            mutated: false,
            checked: false,
            self_lambda: None,
        });
        (self.unit.vars.len() - 1) as VarId
    }

    fn enter(&mut self, span: Span) -> CResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(CompileError::new(
                CompileErrorKind::Limit,
                "nesting too deep",
                span,
            ));
        }
        Ok(())
    }

    /// Records a reference to local `v` from the current lambda.
    fn touch_local(&mut self, v: VarId) {
        if self.pending.contains(&v) {
            self.unit.vars[v as usize].checked = true;
        }
        self.capture_from(v, self.cur);
    }

    /// Records that lambda `from` (and every lambda between it and the owner of `v`)
    /// captures `v`.
    pub(crate) fn capture_from(&mut self, v: VarId, from: LambdaId) {
        let owner = self.unit.vars[v as usize].owner;
        if owner == from {
            return;
        }
        self.unit.vars[v as usize].captured = true;
        let mut l = from;
        while l != owner {
            let lam = &mut self.unit.lambdas[l as usize];
            if !lam.captures.contains(&v) {
                lam.captures.push(v);
            }
            match lam.parent {
                Some(p) => l = p,
                None => break,
            }
        }
    }

    /// Expands an expression.
    pub fn expr(&mut self, d: &Datum, env: &Env) -> CResult<Expr> {
        self.enter(d.span)?;
        let r = self.expr_inner(d, env);
        self.depth -= 1;
        r
    }

    fn expr_inner(&mut self, d: &Datum, env: &Env) -> CResult<Expr> {
        match &d.kind {
            DatumKind::Symbol(name) => self.variable(name, d.span, env),
            DatumKind::List(items, tail) => {
                let head = &items[0];
                let binding = head.as_symbol().and_then(|name| self.lookup(env, name));
                // A macro use may be an improper list (R7RS 4.3.2); anything else may not.
                if tail.is_some() && !matches!(binding, Some(Binding::Macro(_))) {
                    return Err(CompileError::syntax(
                        "bad syntax: a call cannot be an improper list",
                        d.span,
                    ));
                }
                if head.as_symbol().is_some() {
                    match binding {
                        Some(Binding::Special(s)) => return self.special_form(s, d, items, env),
                        Some(Binding::Macro(m)) => {
                            let expanded = self.expand_macro(&m, d, env)?;
                            return self.expr(&expanded, env);
                        }
                        _ => {}
                    }
                }
                self.application(d, items, env)
            }
            DatumKind::Label(..) | DatumKind::LabelRef(_) => Err(CompileError::syntax(
                "datum labels are only allowed in quoted data",
                d.span,
            )),
            _ => Ok(Expr::Const(self.literal(d))),
        }
    }

    /// Expands one macro use.
    pub fn expand_macro(
        &mut self,
        m: &Rc<crate::syntax_rules::Macro>,
        d: &Datum,
        env: &Env,
    ) -> CResult<Datum> {
        self.enter(d.span).map_err(|e| {
            CompileError::new(CompileErrorKind::Limit, "macro expansion too deep", e.span)
        })?;
        let mut exp = Expansion::new(m, &mut self.linker.aliases, env, d.span);
        let r = exp.expand(d);
        self.depth -= 1;
        r
    }

    fn variable(&mut self, name: &str, span: Span, env: &Env) -> CResult<Expr> {
        match self.lookup(env, name) {
            Some(Binding::Local(v)) => {
                // Inside its own defining lambda the variable is that lambda's running
                // closure: no capture, no box, no undefined check.
                if self.unit.vars[v as usize].self_lambda == Some(self.cur) {
                    return Ok(Expr::SelfRef(v, span));
                }
                self.touch_local(v);
                Ok(Expr::Local(v, span))
            }
            Some(Binding::Global { slot, .. })
            | Some(Binding::Imported { slot, .. })
            | Some(Binding::Builtin(slot)) => Ok(Expr::Global(slot, span)),
            Some(Binding::Special(_)) | Some(Binding::Macro(_)) => Err(CompileError::syntax(
                format!("{}: syntax keyword used as a variable", base_name(name)),
                span,
            )),
            None => Err(self.undefined(name, span, env)),
        }
    }

    /// The "undefined variable" error, with a suggestion when a close name exists.
    pub fn undefined(&self, name: &str, span: Span, env: &Env) -> CompileError {
        let name = base_name(name);
        let mut msg = format!("undefined variable: {name}");
        if let Some(s) = self.suggest(name, env) {
            msg.push_str(&format!(" (did you mean {s}?)"));
        }
        CompileError::new(CompileErrorKind::UndefinedVariable, msg, span)
    }

    fn suggest(&self, name: &str, env: &Env) -> Option<String> {
        let mut best: Option<(usize, String)> = None;
        let mut cur = Some(env.clone());
        while let Some(s) = cur {
            for k in s.vars.borrow().keys() {
                let k = base_name(k);
                if k.starts_with('%') || k == name {
                    continue;
                }
                let d = edit_distance(name, k);
                if d <= 2 && d < name.len() && best.as_ref().is_none_or(|(bd, _)| d < *bd) {
                    best = Some((d, k.to_string()));
                }
            }
            cur = s.parent.clone();
        }
        best.map(|(_, s)| s)
    }

    fn application(&mut self, d: &Datum, items: &[Datum], env: &Env) -> CResult<Expr> {
        // Inline primitives for known builtins with a fixed arity.
        if let Some(name) = items[0].as_symbol() {
            if let Some(Binding::Builtin(slot)) = self.lookup(env, name) {
                let bname = self.linker.global_name(slot).to_string();
                if let Some(e) = self.with_environment(&bname, d, items, env)? {
                    return Ok(e);
                }
                if let Some(p) = prim_for(&bname, items.len() - 1) {
                    let mut args = Vec::with_capacity(items.len() - 1);
                    for a in &items[1..] {
                        args.push(self.expr(a, env)?);
                    }
                    return Ok(Expr::Prim(p, args, d.span));
                }
            }
        }
        let f = self.expr(&items[0], env)?;
        let mut args = Vec::with_capacity(items.len() - 1);
        for a in &items[1..] {
            args.push(self.expr(a, env)?);
        }
        Ok(Expr::Call(Box::new(f), args, d.span))
    }

    /// `(interaction-environment)`, `(eval x)` and `(load p)` refer to the environment of
    /// the calling scope, which only the compiler knows: pass it explicitly.
    fn with_environment(
        &mut self,
        bname: &str,
        d: &Datum,
        items: &[Datum],
        env: &Env,
    ) -> CResult<Option<Expr>> {
        let wanted = match bname {
            "interaction-environment" => 0,
            "eval" | "load" => 1,
            _ => return Ok(None),
        };
        if items.len() - 1 != wanted {
            return Ok(None);
        }
        let Some(scope) = env.global_scope() else {
            return Ok(None);
        };
        let id = self.linker.register_env(&scope);
        let env_expr = Datum::list(
            vec![
                self.core("%environment", d.span),
                Datum::new(DatumKind::Int(id as i64), d.span),
            ],
            d.span,
        );
        if wanted == 0 {
            return self.expr(&env_expr, env).map(Some);
        }
        let call = form(items[0].clone(), vec![items[1].clone(), env_expr], d.span);
        self.expr(&call, env).map(Some)
    }

    /// A datum as a literal constant (aliases stripped from symbols).
    pub fn literal(&self, d: &Datum) -> Literal {
        datum_to_literal(d)
    }

    /// Expands a lambda: `formals` and body forms.
    pub fn lambda(
        &mut self,
        name: Option<Rc<str>>,
        formals: &Datum,
        body: &[Datum],
        span: Span,
        env: &Env,
    ) -> CResult<Expr> {
        self.lambda_with(name, formals, body, span, env, false)
    }

    /// Expands a lambda, optionally transparent in stack traces.
    pub fn lambda_with(
        &mut self,
        name: Option<Rc<str>>,
        formals: &Datum,
        body: &[Datum],
        span: Span,
        env: &Env,
        transparent: bool,
    ) -> CResult<Expr> {
        let id = self.unit.lambdas.len() as LambdaId;
        // Only the lambda that is the definition itself, not lambdas nested in it.
        if let Some(v) = self.defining.take() {
            // An assignment already seen means the value may be something else.
            if !self.unit.vars[v as usize].mutated {
                self.unit.vars[v as usize].self_lambda = Some(id);
            }
        }
        self.unit.lambdas.push(LambdaInfo {
            name: name.map(|n| Rc::from(base_name(&n))),
            params: vec![],
            rest: false,
            body: Expr::Const(Literal::Unspecified),
            captures: vec![],
            span,
            kind: ProtoKind::Lambda,
            parent: Some(self.cur),
            transparent,
        });
        let saved = self.cur;
        self.cur = id;
        let scope = Scope::new(Some(env.clone()), ScopeKind::Local);
        let (req, rest) = parse_formals(formals)?;
        let mut params = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for p in req.iter().chain(rest.iter()) {
            let pname = p.as_symbol().unwrap_or("?");
            if seen.contains(&pname) {
                self.cur = saved;
                return Err(CompileError::syntax(
                    format!("lambda: duplicate parameter {}", base_name(pname)),
                    p.span,
                ));
            }
            seen.push(pname);
            let v = self.new_var(pname);
            scope.bind(Rc::from(pname), Binding::Local(v));
            params.push(v);
        }
        let result = self.body(body, &scope, span);
        self.cur = saved;
        let body = result?;
        let lam = &mut self.unit.lambdas[id as usize];
        lam.params = params;
        lam.rest = rest.is_some();
        lam.body = body;
        Ok(Expr::Lambda(id))
    }

    /// Expands a body (definitions and expressions in any order) in a fresh scope
    /// `scope` that the caller created (parameters may already be bound in it).
    pub fn body(&mut self, forms: &[Datum], scope: &Env, span: Span) -> CResult<Expr> {
        if forms.is_empty() {
            return Err(CompileError::syntax("body has no expression", span));
        }
        // Pass 1: expand head macros, splice `begin`, find definitions.
        let mut items: Vec<BodyItem> = Vec::new();
        let mut work: Vec<Datum> = forms.iter().rev().cloned().collect();
        let mut declared: Vec<VarId> = Vec::new();
        while let Some(f) = work.pop() {
            match self.classify(&f, scope)? {
                Classified::Begin(inner) => {
                    for d in inner.into_iter().rev() {
                        work.push(d);
                    }
                }
                Classified::Define(name, init, dspan) => {
                    let v = self.declare_local(&name, scope, dspan)?;
                    declared.push(v);
                    items.push(BodyItem::Define(v, init, name));
                }
                Classified::DefineSyntax(name, spec) => {
                    self.define_syntax(&name, &spec, scope)?;
                }
                Classified::Many(ds) => {
                    for d in ds.into_iter().rev() {
                        work.push(d);
                    }
                }
                Classified::Expr(d) => items.push(BodyItem::Expr(d)),
            }
        }
        if !matches!(items.last(), Some(BodyItem::Expr(_))) {
            return Err(CompileError::syntax("body has no expression", span));
        }
        self.pending.extend(declared.iter().copied());
        let mut seq = Vec::new();
        for item in items {
            match item {
                BodyItem::Expr(d) => seq.push(self.expr(&d, scope)?),
                BodyItem::Define(v, init, name) => {
                    let e = self.expr_defining(&init, scope, name, v)?;
                    self.pending.retain(|p| *p != v);
                    seq.push(Expr::SetLocal(v, Box::new(e)));
                }
            }
        }
        for v in &declared {
            self.pending.retain(|p| p != v);
        }
        let body = if seq.len() == 1 {
            seq.pop().unwrap_or(Expr::Const(Literal::Unspecified))
        } else {
            Expr::Seq(seq)
        };
        if declared.is_empty() {
            Ok(body)
        } else {
            Ok(Expr::Declare(declared, Box::new(body)))
        }
    }

    fn declare_local(&mut self, name: &str, scope: &Env, span: Span) -> CResult<VarId> {
        if let Some(Binding::Local(_)) = scope.get_here(name) {
            if scope.kind == ScopeKind::Local && self.body_defined(scope, name) {
                return Err(CompileError::syntax(
                    format!("duplicate definition of {}", base_name(name)),
                    span,
                ));
            }
        }
        let v = self.new_var(name);
        scope.bind(Rc::from(name), Binding::Local(v));
        self.defined_in_body
            .push((Rc::as_ptr(scope) as usize, Rc::from(name)));
        Ok(v)
    }

    fn body_defined(&self, scope: &Env, name: &str) -> bool {
        let key = Rc::as_ptr(scope) as usize;
        self.defined_in_body
            .iter()
            .any(|(k, n)| *k == key && &**n == name)
    }

    /// Expands an expression that is the value of a definition named `name` (lambdas get
    /// the name).
    pub fn expr_named(&mut self, d: &Datum, env: &Env, name: Option<Rc<str>>) -> CResult<Expr> {
        if let DatumKind::List(items, None) = &d.kind {
            if items.len() >= 3 && self.special(env, &items[0]) == Some(Special::Lambda) {
                return self.lambda(name, &items[1], &items[2..], d.span, env);
            }
        }
        self.expr(d, env)
    }

    /// Expands the value of local definition `v` named `name`; when it is a lambda
    /// expression, references to `v` from that lambda's own body become
    /// [`Expr::SelfRef`].
    pub fn expr_defining(
        &mut self,
        d: &Datum,
        env: &Env,
        name: Rc<str>,
        v: VarId,
    ) -> CResult<Expr> {
        if let DatumKind::List(items, None) = &d.kind {
            if items.len() >= 3 && self.special(env, &items[0]) == Some(Special::Lambda) {
                self.defining = Some(v);
                let r = self.lambda(Some(name), &items[1], &items[2..], d.span, env);
                self.defining = None;
                return r;
            }
        }
        self.expr(d, env)
    }

    /// Classifies a body or top-level form, expanding macros at its head.
    pub fn classify(&mut self, d: &Datum, env: &Env) -> CResult<Classified> {
        let mut d = d.clone();
        let mut expansions = 0usize;
        loop {
            let DatumKind::List(items, tail) = &d.kind else {
                return Ok(Classified::Expr(d));
            };
            let Some(head) = items[0].as_symbol() else {
                return Ok(Classified::Expr(d));
            };
            match self.lookup(env, head) {
                Some(Binding::Macro(m)) => {
                    expansions += 1;
                    if expansions > MAX_DEPTH {
                        return Err(CompileError::new(
                            CompileErrorKind::Limit,
                            "macro expansion too deep",
                            d.span,
                        ));
                    }
                    d = self.expand_macro(&m, &d, env)?;
                    continue;
                }
                _ if tail.is_some() => return Ok(Classified::Expr(d)),
                Some(Binding::Special(s)) => return self.classify_special(s, &d, items, env),
                _ => return Ok(Classified::Expr(d)),
            }
        }
    }
}

/// A body form after pass 1.
enum BodyItem {
    Expr(Datum),
    Define(VarId, Datum, Rc<str>),
}

/// What a body or top-level form is.
pub enum Classified {
    /// An expression (or a form compiled as one).
    Expr(Datum),
    /// `(begin ...)`: spliced.
    Begin(Vec<Datum>),
    /// A definition: name, initialiser, span.
    Define(Rc<str>, Datum, Span),
    /// `(define-syntax name spec)`.
    DefineSyntax(Rc<str>, Datum),
    /// Several forms produced by one (e.g. `define-record-type`), spliced.
    Many(Vec<Datum>),
}

/// Splits formals into required parameters and an optional rest parameter.
pub fn parse_formals(formals: &Datum) -> CResult<(Vec<Datum>, Option<Datum>)> {
    let check = |d: &Datum| -> CResult<()> {
        if d.as_symbol().is_some() {
            Ok(())
        } else {
            Err(CompileError::syntax(
                "lambda: parameters must be identifiers",
                d.span,
            ))
        }
    };
    match &formals.kind {
        DatumKind::Symbol(_) => Ok((vec![], Some(formals.clone()))),
        DatumKind::Nil => Ok((vec![], None)),
        DatumKind::List(items, tail) => {
            for i in items {
                check(i)?;
            }
            if let Some(t) = tail {
                check(t)?;
            }
            Ok((items.clone(), tail.as_deref().cloned()))
        }
        _ => Err(CompileError::syntax(
            "lambda: bad parameter list",
            formals.span,
        )),
    }
}

/// The inline primitive for builtin `name` called with `argc` arguments.
pub fn prim_for(name: &str, argc: usize) -> Option<Prim> {
    Some(match (name, argc) {
        ("+", 2) => Prim::Add,
        ("-", 2) => Prim::Sub,
        ("*", 2) => Prim::Mul,
        ("=", 2) => Prim::NumEq,
        ("<", 2) => Prim::Lt,
        (">", 2) => Prim::Gt,
        ("<=", 2) => Prim::Le,
        (">=", 2) => Prim::Ge,
        ("car", 1) => Prim::Car,
        ("cdr", 1) => Prim::Cdr,
        ("cons", 2) => Prim::Cons,
        ("null?", 1) => Prim::IsNull,
        ("pair?", 1) => Prim::IsPair,
        ("not", 1) => Prim::Not,
        ("eq?", 2) => Prim::Eq,
        ("eqv?", 2) => Prim::Eqv,
        ("vector-ref", 2) => Prim::VectorRef,
        ("vector-set!", 3) => Prim::VectorSet,
        ("zero?", 1) => Prim::IsZero,
        ("list", 1..=255) => Prim::List,
        ("%map-begin", 1) => Prim::MapBegin,
        ("%map-end", 2) => Prim::MapEnd,
        _ => return None,
    })
}

/// The builtin name of a primitive (for the VM's slow path).
pub fn prim_name(p: Prim) -> &'static str {
    match p {
        Prim::Add => "+",
        Prim::Sub => "-",
        Prim::Mul => "*",
        Prim::Div => "/",
        Prim::NumEq => "=",
        Prim::Lt => "<",
        Prim::Gt => ">",
        Prim::Le => "<=",
        Prim::Ge => ">=",
        Prim::Car => "car",
        Prim::Cdr => "cdr",
        Prim::Cons => "cons",
        Prim::IsNull => "null?",
        Prim::IsPair => "pair?",
        Prim::Not => "not",
        Prim::Eq => "eq?",
        Prim::Eqv => "eqv?",
        Prim::VectorRef => "vector-ref",
        Prim::VectorSet => "vector-set!",
        Prim::IsZero => "zero?",
        Prim::List => "list",
        Prim::MapBegin => "%map-begin",
        Prim::MapEnd => "%map-end",
    }
}

/// Converts a datum to a literal, stripping aliases from symbols.
pub fn datum_to_literal(d: &Datum) -> Literal {
    match &d.kind {
        DatumKind::Nil => Literal::Nil,
        DatumKind::Bool(b) => Literal::Bool(*b),
        DatumKind::Int(i) => Literal::Int(*i),
        DatumKind::BigInt(b) => Literal::Big(crate::proto::BigLit((**b).clone())),
        DatumKind::Float(f) => Literal::Float(*f),
        DatumKind::Char(c) => Literal::Char(*c),
        DatumKind::Str(s) => Literal::Str(Arc::from(&**s)),
        DatumKind::Symbol(s) => Literal::Sym(Arc::from(base_name(s))),
        DatumKind::List(items, tail) => Literal::List(
            items.iter().map(datum_to_literal).collect(),
            tail.as_ref().map(|t| Box::new(datum_to_literal(t))),
        ),
        DatumKind::Vector(items) => Literal::Vector(items.iter().map(datum_to_literal).collect()),
        DatumKind::Bytevector(b) => Literal::Bytevector(b.clone()),
        DatumKind::Label(n, inner) => Literal::Label(*n, Box::new(datum_to_literal(inner))),
        DatumKind::LabelRef(n) => Literal::LabelRef(*n),
    }
}

/// Levenshtein distance (for "did you mean" hints).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Helper: the items of a proper list datum or a syntax error naming `what`.
pub fn expect_list<'d>(d: &'d Datum, what: &str) -> CResult<&'d [Datum]> {
    d.as_list()
        .ok_or_else(|| CompileError::syntax(format!("{what}: expected a list"), d.span))
}

/// Builds `(head args...)`.
pub fn form(head: Datum, args: Vec<Datum>, span: Span) -> Datum {
    let mut items = vec![head];
    items.extend(args);
    Datum::new(DatumKind::List(items, None), span)
}
