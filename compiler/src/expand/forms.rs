//! Core special forms: `quote`, `if`, `define`, `set!`, `lambda`, `begin`, the `let`
//! family, macro definitions, records, `include` and `cond-expand`.

use super::{expect_list, form, Classified, Cx};
use crate::datum::{Datum, DatumKind};
use crate::env::{base_name, Binding, Env, Scope, ScopeKind, Special};
use crate::error::{CResult, CompileError};
use crate::ir::{Expr, VarId};
use crate::proto::Literal;
use crate::span::Span;
use crate::syntax_rules;
use std::rc::Rc;

impl<'l> Cx<'l> {
    /// Expands a special form in expression context.
    pub fn special_form(
        &mut self,
        s: Special,
        d: &Datum,
        items: &[Datum],
        env: &Env,
    ) -> CResult<Expr> {
        let span = d.span;
        let name = items[0]
            .as_symbol()
            .map(base_name)
            .unwrap_or("?")
            .to_string();
        match s {
            Special::Quote => {
                if items.len() != 2 {
                    return Err(CompileError::syntax(
                        "quote: expected exactly one operand",
                        span,
                    ));
                }
                Ok(Expr::Const(self.literal(&items[1])))
            }
            Special::Quasiquote => {
                if items.len() != 2 {
                    return Err(CompileError::syntax(
                        "quasiquote: expected exactly one operand",
                        span,
                    ));
                }
                let e = self.quasi(&items[1], 1, env)?;
                self.expr(&e, env)
            }
            Special::Unquote | Special::UnquoteSplicing => Err(CompileError::syntax(
                format!("{name}: not inside a quasiquote"),
                span,
            )),
            Special::If => {
                if items.len() != 3 && items.len() != 4 {
                    return Err(CompileError::syntax("if: expected 2 or 3 operands", span));
                }
                let c = self.expr(&items[1], env)?;
                let t = self.expr(&items[2], env)?;
                let e = match items.get(3) {
                    Some(x) => self.expr(x, env)?,
                    None => Expr::Const(Literal::Unspecified),
                };
                Ok(Expr::If(Box::new(c), Box::new(t), Box::new(e)))
            }
            Special::Define
            | Special::Defun
            | Special::DefineSyntax
            | Special::DefineRecordType => Err(CompileError::syntax(
                format!("{name}: definitions are not allowed in an expression context"),
                span,
            )),
            Special::Set => self.set_form(items, span, env),
            Special::Lambda | Special::TransparentLambda => {
                if items.len() < 3 {
                    return Err(CompileError::syntax(
                        "lambda: expected parameters and a body",
                        span,
                    ));
                }
                let transparent = s == Special::TransparentLambda;
                self.lambda_with(None, &items[1], &items[2..], span, env, transparent)
            }
            Special::Begin => {
                if items.len() == 1 {
                    return Ok(Expr::Const(Literal::Unspecified));
                }
                let mut seq = Vec::new();
                for f in &items[1..] {
                    seq.push(self.expr(f, env)?);
                }
                Ok(if seq.len() == 1 {
                    seq.remove(0)
                } else {
                    Expr::Seq(seq)
                })
            }
            Special::Let => self.let_form(items, span, env),
            Special::LetStar => {
                let e = self.let_star(items, span)?;
                self.expr(&e, env)
            }
            Special::Letrec | Special::LetrecStar => self.letrec_form(&name, items, span, env),
            Special::LetSyntax | Special::LetrecSyntax => {
                if items.len() < 3 {
                    return Err(CompileError::syntax(
                        format!("{name}: expected bindings and a body"),
                        span,
                    ));
                }
                let scope = Scope::new(Some(env.clone()), ScopeKind::Local);
                let def_env = if s == Special::LetrecSyntax {
                    scope.clone()
                } else {
                    env.clone()
                };
                for b in expect_list(&items[1], &name)? {
                    let pair = b
                        .as_list()
                        .filter(|p| p.len() == 2 && p[0].as_symbol().is_some());
                    let Some(pair) = pair else {
                        return Err(CompileError::syntax(format!("{name}: bad binding"), b.span));
                    };
                    let kw: Rc<str> = Rc::from(pair[0].as_symbol().unwrap_or("?"));
                    let m = self.make_macro(kw.clone(), &pair[1], &def_env)?;
                    scope.bind(kw, Binding::Macro(m));
                }
                self.body(&items[2..], &scope, span)
            }
            Special::SyntaxRules => Err(CompileError::syntax(
                "syntax-rules: only allowed as a macro transformer",
                span,
            )),
            Special::Cond => self.cond_form(items, span, env),
            Special::Case => self.case_form(items, span, env),
            Special::And => self.and_form(items, env),
            Special::Or => self.or_form(items, span, env),
            Special::When | Special::Unless => {
                if items.len() < 2 {
                    return Err(CompileError::syntax(
                        format!("{name}: expected a test"),
                        span,
                    ));
                }
                let test = self.expr(&items[1], env)?;
                let body = if items.len() == 2 {
                    Expr::Const(Literal::Unspecified)
                } else {
                    let b = form(self.core("begin", span), items[2..].to_vec(), span);
                    self.expr(&b, env)?
                };
                let none = Expr::Const(Literal::Unspecified);
                Ok(if s == Special::When {
                    Expr::If(Box::new(test), Box::new(body), Box::new(none))
                } else {
                    Expr::If(Box::new(test), Box::new(none), Box::new(body))
                })
            }
            Special::Do => {
                let e = self.do_form(items, span)?;
                self.expr(&e, env)
            }
            Special::CaseLambda => {
                let e = self.case_lambda(items, span)?;
                self.expr(&e, env)
            }
            Special::Module | Special::Import | Special::Export => Err(CompileError::syntax(
                format!("{name}: only allowed at top level"),
                span,
            )),
            Special::Include | Special::IncludeCi => {
                let forms = self.include(s == Special::IncludeCi, items, span)?;
                let b = form(self.core("begin", span), forms, span);
                self.expr(&b, env)
            }
            Special::CondExpand => {
                let forms = self.cond_expand(items, span)?;
                let b = form(self.core("begin", span), forms, span);
                self.expr(&b, env)
            }
            Special::SyntaxError => Err(self.syntax_error(items, span)),
            Special::DefineValues => Err(CompileError::syntax(
                "define-values: definitions are not allowed in an expression context",
                span,
            )),
            Special::LetValues | Special::LetStarValues => {
                let e = self.let_values(s == Special::LetStarValues, items, span)?;
                self.expr(&e, env)
            }
            Special::Parameterize => {
                let e = self.parameterize(items, span)?;
                let e = self.expr(&e, env)?;
                Ok(self.non_tail(e))
            }
            Special::Delay | Special::DelayForce => {
                if items.len() != 2 {
                    return Err(CompileError::syntax(
                        format!("{name}: expected one expression"),
                        span,
                    ));
                }
                let helper = if s == Special::Delay {
                    "%delay"
                } else {
                    "%delay-force"
                };
                let thunk = form(
                    self.core("lambda", span),
                    vec![Datum::new(DatumKind::Nil, span), items[1].clone()],
                    span,
                );
                let e = form(self.core(helper, span), vec![thunk], span);
                self.expr(&e, env)
            }
            Special::Guard => {
                let e = self.guard(items, span, env)?;
                let e = self.expr(&e, env)?;
                Ok(self.non_tail(e))
            }
            Special::Catch => {
                let e = self.catch(items, span)?;
                let e = self.expr(&e, env)?;
                Ok(self.non_tail(e))
            }
            Special::Aux(a) => Err(CompileError::syntax(format!("{a}: bad syntax"), span)),
        }
    }

    /// Wraps `e` so it is never compiled as a tail call: the frame of a procedure whose
    /// body ends in `catch`, `guard` or `parameterize` stays in stack traces (their
    /// bodies are not tail positions anyway).
    fn non_tail(&mut self, e: Expr) -> Expr {
        let v = self.new_var("%value");
        Expr::Let(vec![v], vec![e], Box::new(Expr::Local(v, Span::DUMMY)))
    }

    /// Classifies a special form at body or top level.
    pub fn classify_special(
        &mut self,
        s: Special,
        d: &Datum,
        items: &[Datum],
        env: &Env,
    ) -> CResult<Classified> {
        let span = d.span;
        match s {
            Special::Begin => Ok(Classified::Begin(items[1..].to_vec())),
            Special::Define | Special::Defun => self.parse_define(s, items, span, env),
            Special::DefineSyntax => {
                if items.len() != 3 || items[1].as_symbol().is_none() {
                    return Err(CompileError::syntax(
                        "define-syntax: expected (define-syntax name transformer)",
                        span,
                    ));
                }
                Ok(Classified::DefineSyntax(
                    Rc::from(items[1].as_symbol().unwrap_or("?")),
                    items[2].clone(),
                ))
            }
            Special::DefineRecordType => Ok(Classified::Many(self.record_type(items, span)?)),
            Special::Include | Special::IncludeCi => Ok(Classified::Begin(self.include(
                s == Special::IncludeCi,
                items,
                span,
            )?)),
            Special::CondExpand => Ok(Classified::Begin(self.cond_expand(items, span)?)),
            Special::DefineValues => {
                if items.len() != 3 {
                    return Err(CompileError::syntax(
                        "define-values: expected (define-values formals expression)",
                        span,
                    ));
                }
                Ok(Classified::Many(
                    self.define_values(&items[1], &items[2], span)?,
                ))
            }
            _ => Ok(Classified::Expr(d.clone())),
        }
    }

    fn parse_define(
        &mut self,
        s: Special,
        items: &[Datum],
        span: Span,
        _env: &Env,
    ) -> CResult<Classified> {
        let kw = items[0]
            .as_symbol()
            .map(base_name)
            .unwrap_or("define")
            .to_string();
        if s == Special::Defun {
            // (defun name formals body ...)
            if items.len() < 4 || items[1].as_symbol().is_none() {
                return Err(CompileError::syntax(
                    "defun: expected (defun name (params) body ...)",
                    span,
                ));
            }
            let name: Rc<str> = Rc::from(items[1].as_symbol().unwrap_or("?"));
            let lam = form(self.core("lambda", span), items[2..].to_vec(), span);
            return Ok(Classified::Define(name, lam, span));
        }
        if items.len() < 2 {
            return Err(CompileError::syntax(format!("{kw}: expected a name"), span));
        }
        match &items[1].kind {
            DatumKind::Symbol(n) => {
                if items.len() == 2 {
                    return Err(CompileError::syntax(
                        format!("{kw}: expected one expression after {}", base_name(n)),
                        span,
                    ));
                }
                if items.len() > 3 {
                    return Err(CompileError::syntax(
                        format!(
                            "{kw}: expected one expression after {}, got {}",
                            base_name(n),
                            items.len() - 2
                        ),
                        span,
                    ));
                }
                Ok(Classified::Define(n.clone(), items[2].clone(), span))
            }
            DatumKind::List(head, tail) => {
                let Some(name) = head[0].as_symbol() else {
                    return Err(CompileError::syntax(
                        format!("{kw}: curried definitions are not supported"),
                        span,
                    ));
                };
                if items.len() < 3 {
                    return Err(CompileError::syntax(
                        format!("{kw}: body has no expression"),
                        span,
                    ));
                }
                let formals = super::super::syntax_rules::rebuild_owned(
                    head[1..].to_vec(),
                    tail.as_deref().cloned(),
                    items[1].span,
                );
                let lam = form(
                    self.core("lambda", span),
                    std::iter::once(formals)
                        .chain(items[2..].iter().cloned())
                        .collect(),
                    span,
                );
                Ok(Classified::Define(Rc::from(name), lam, span))
            }
            _ => Err(CompileError::syntax(format!("{kw}: expected a name"), span)),
        }
    }

    /// Builds a macro from a transformer spec `(syntax-rules ...)` evaluated in `env`.
    pub fn make_macro(
        &mut self,
        name: Rc<str>,
        spec: &Datum,
        env: &Env,
    ) -> CResult<Rc<syntax_rules::Macro>> {
        let ok = match &spec.kind {
            DatumKind::List(items, None) => {
                self.special(env, &items[0]) == Some(Special::SyntaxRules)
            }
            _ => false,
        };
        if !ok {
            return Err(CompileError::syntax(
                format!(
                    "define-syntax: {} must be bound to a syntax-rules transformer",
                    base_name(&name)
                ),
                spec.span,
            ));
        }
        Ok(Rc::new(syntax_rules::parse(name, spec, env.clone())?))
    }

    /// Processes `(define-syntax name spec)` in `scope`.
    pub fn define_syntax(&mut self, name: &Rc<str>, spec: &Datum, scope: &Env) -> CResult<()> {
        let m = self.make_macro(name.clone(), spec, scope)?;
        scope.bind(name.clone(), Binding::Macro(m));
        Ok(())
    }

    fn set_form(&mut self, items: &[Datum], span: Span, env: &Env) -> CResult<Expr> {
        if items.len() != 3 || items[1].as_symbol().is_none() {
            return Err(CompileError::syntax(
                "set!: expected (set! variable expression)",
                span,
            ));
        }
        let name = items[1].as_symbol().unwrap_or("?");
        let value = self.expr(&items[2], env)?;
        match self.lookup(env, name) {
            Some(Binding::Local(v)) => {
                self.touch_local(v);
                self.unit.vars[v as usize].mutated = true;
                // References inside the defining lambda fall back to ordinary reads
                // (see `Expr::SelfRef`), which need the variable captured there.
                if let Some(l) = self.unit.vars[v as usize].self_lambda {
                    self.capture_from(v, l);
                }
                Ok(Expr::SetLocal(v, Box::new(value)))
            }
            Some(Binding::Global { slot, .. }) => Ok(Expr::SetGlobal(slot, Box::new(value), span)),
            Some(Binding::Imported { .. }) => Err(CompileError::syntax(
                format!("cannot assign to imported variable {}", base_name(name)),
                items[1].span,
            )),
            Some(Binding::Builtin(_)) => Err(CompileError::syntax(
                format!("cannot assign to builtin {}", base_name(name)),
                items[1].span,
            )),
            Some(_) => Err(CompileError::syntax(
                format!("set!: {} is a syntax keyword", base_name(name)),
                items[1].span,
            )),
            None => Err(self.undefined(name, items[1].span, env)),
        }
    }

    /// Parses `((var init) ...)`, checking shape and duplicates.
    fn bindings<'d>(&self, kw: &str, d: &'d Datum) -> CResult<Vec<(&'d Datum, &'d Datum)>> {
        let list = d
            .as_list()
            .ok_or_else(|| CompileError::syntax(format!("{kw}: bad binding list"), d.span))?;
        let mut out = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for b in list {
            let ok = b
                .as_list()
                .filter(|p| p.len() == 2 && p[0].as_symbol().is_some());
            let Some(pair) = ok else {
                return Err(CompileError::syntax(
                    format!("{kw}: bad binding {}", crate::expand::quasi::show(b)),
                    b.span,
                ));
            };
            let name = pair[0].as_symbol().unwrap_or("?");
            if seen.contains(&name) && kw != "let*" {
                return Err(CompileError::syntax(
                    format!("{kw}: duplicate variable {}", base_name(name)),
                    pair[0].span,
                ));
            }
            seen.push(name);
            out.push((&pair[0], &pair[1]));
        }
        Ok(out)
    }

    fn let_form(&mut self, items: &[Datum], span: Span, env: &Env) -> CResult<Expr> {
        if items.len() >= 2 && items[1].as_symbol().is_some() {
            return self.named_let(items, span, env);
        }
        if items.len() < 3 {
            return Err(CompileError::syntax(
                "let: expected bindings and a body",
                span,
            ));
        }
        let bs = self.bindings("let", &items[1])?;
        let mut inits = Vec::new();
        for (n, init) in &bs {
            inits.push(self.expr_named(init, env, n.as_symbol().map(Rc::from))?);
        }
        let scope = Scope::new(Some(env.clone()), ScopeKind::Local);
        let mut vars = Vec::new();
        for (n, _) in &bs {
            let name = n.as_symbol().unwrap_or("?");
            let v = self.new_var(name);
            scope.bind(Rc::from(name), Binding::Local(v));
            vars.push(v);
        }
        let body = self.body(&items[2..], &scope, span)?;
        Ok(Expr::Let(vars, inits, Box::new(body)))
    }

    fn named_let(&mut self, items: &[Datum], span: Span, env: &Env) -> CResult<Expr> {
        if items.len() < 4 {
            return Err(CompileError::syntax(
                "let: expected a name, bindings and a body",
                span,
            ));
        }
        let bs = self.bindings("let", &items[2])?;
        // ((letrec ((name (lambda (var ...) body ...))) name) init ...)
        let formals = Datum::list(
            bs.iter().map(|(n, _)| (*n).clone()).collect(),
            items[2].span,
        );
        let lam = form(
            self.core("lambda", span),
            std::iter::once(formals)
                .chain(items[3..].iter().cloned())
                .collect(),
            span,
        );
        let name_d = items[1].clone();
        let binding = Datum::list(vec![name_d.clone(), lam], span);
        let letrec = form(
            self.core("letrec", span),
            vec![Datum::list(vec![binding], span), name_d],
            span,
        );
        let call = form(letrec, bs.iter().map(|(_, i)| (*i).clone()).collect(), span);
        self.expr(&call, env)
    }

    fn let_star(&mut self, items: &[Datum], span: Span) -> CResult<Datum> {
        if items.len() < 3 {
            return Err(CompileError::syntax(
                "let*: expected bindings and a body",
                span,
            ));
        }
        let bs = self.bindings("let*", &items[1])?;
        let mut body = form(
            self.core("let", span),
            std::iter::once(Datum::new(DatumKind::Nil, span))
                .chain(items[2..].iter().cloned())
                .collect(),
            span,
        );
        for (n, i) in bs.iter().rev() {
            let b = Datum::list(
                vec![Datum::list(vec![(*n).clone(), (*i).clone()], span)],
                span,
            );
            body = form(self.core("let", span), vec![b, body], span);
        }
        Ok(body)
    }

    fn letrec_form(&mut self, kw: &str, items: &[Datum], span: Span, env: &Env) -> CResult<Expr> {
        if items.len() < 3 {
            return Err(CompileError::syntax(
                format!("{kw}: expected bindings and a body"),
                span,
            ));
        }
        let bs = self.bindings(kw, &items[1])?;
        let scope = Scope::new(Some(env.clone()), ScopeKind::Local);
        let mut vars: Vec<VarId> = Vec::new();
        for (n, _) in &bs {
            let name = n.as_symbol().unwrap_or("?");
            let v = self.new_var(name);
            scope.bind(Rc::from(name), Binding::Local(v));
            vars.push(v);
        }
        self.pending.extend(vars.iter().copied());
        let mut seq = Vec::new();
        for ((n, init), v) in bs.iter().zip(&vars) {
            let e = match n.as_symbol() {
                Some(name) => self.expr_defining(init, &scope, Rc::from(name), *v),
                None => self.expr_named(init, &scope, None),
            };
            let e = match e {
                Ok(e) => e,
                Err(err) => {
                    self.pending.retain(|p| !vars.contains(p));
                    return Err(err);
                }
            };
            self.pending.retain(|p| p != v);
            seq.push(Expr::SetLocal(*v, Box::new(e)));
        }
        let body = self.body(&items[2..], &scope, span)?;
        seq.push(body);
        Ok(Expr::Declare(vars, Box::new(Expr::Seq(seq))))
    }

    fn record_type(&mut self, items: &[Datum], span: Span) -> CResult<Vec<Datum>> {
        let bad = |m: &str, s: Span| CompileError::syntax(format!("define-record-type: {m}"), s);
        if items.len() < 3 {
            return Err(bad(
                "expected a type name, a constructor and a predicate",
                span,
            ));
        }
        let tname = items[1]
            .as_symbol()
            .ok_or_else(|| bad("type name must be an identifier", items[1].span))?;
        let mut fields: Vec<(Datum, Option<Datum>, Option<Datum>)> = Vec::new();
        for f in &items[4..] {
            match &f.kind {
                DatumKind::Symbol(_) => fields.push((f.clone(), None, None)),
                DatumKind::List(parts, None) if !parts.is_empty() && parts.len() <= 3 => {
                    if parts.iter().any(|p| p.as_symbol().is_none()) {
                        return Err(bad(
                            "field specs must be (field accessor [modifier])",
                            f.span,
                        ));
                    }
                    fields.push((
                        parts[0].clone(),
                        parts.get(1).cloned(),
                        parts.get(2).cloned(),
                    ));
                }
                _ => {
                    return Err(bad(
                        "field specs must be (field accessor [modifier])",
                        f.span,
                    ))
                }
            }
        }
        let field_names: Vec<String> = fields
            .iter()
            .map(|f| base_name(f.0.as_symbol().unwrap_or("?")).to_string())
            .collect();
        let q = |cx: &mut Self, d: Datum| form(cx.core("quote", span), vec![d], span);
        let mut out = Vec::new();
        let tdatum = items[1].clone();
        let qname = q(self, Datum::sym(base_name(tname), span));
        let qfields = q(
            self,
            Datum::list(
                field_names.iter().map(|n| Datum::sym(n, span)).collect(),
                span,
            ),
        );
        out.push(form(
            self.core("define", span),
            vec![
                tdatum.clone(),
                form(
                    self.core("%make-record-type", span),
                    vec![qname, qfields],
                    span,
                ),
            ],
            span,
        ));
        // Constructor.
        match &items[2].kind {
            DatumKind::Bool(false) => {}
            DatumKind::Symbol(_) | DatumKind::List(_, None) => {
                let (cname, cfields): (Datum, Vec<Datum>) = match &items[2].kind {
                    DatumKind::List(p, _) => (p[0].clone(), p[1..].to_vec()),
                    _ => (
                        items[2].clone(),
                        field_names.iter().map(|n| Datum::sym(n, span)).collect(),
                    ),
                };
                let mut args = vec![tdatum.clone()];
                for fname in &field_names {
                    let pos = cfields
                        .iter()
                        .find(|c| c.as_symbol().map(base_name) == Some(fname.as_str()));
                    args.push(match pos {
                        Some(p) => p.clone(),
                        None => form(
                            self.core("if", span),
                            vec![
                                Datum::new(DatumKind::Bool(false), span),
                                Datum::new(DatumKind::Bool(false), span),
                            ],
                            span,
                        ),
                    });
                }
                for c in &cfields {
                    let n = c.as_symbol().map(base_name).unwrap_or("");
                    if !field_names.iter().any(|f| f == n) {
                        return Err(bad(
                            &format!("constructor field {n} is not a field"),
                            c.span,
                        ));
                    }
                }
                let lam = form(
                    self.core("lambda", span),
                    vec![
                        Datum::list(cfields.clone(), span),
                        form(self.core("%make-record", span), args, span),
                    ],
                    span,
                );
                out.push(form(self.core("define", span), vec![cname, lam], span));
            }
            _ => return Err(bad("bad constructor spec", items[2].span)),
        }
        self.record_procs(out, items, &fields, tdatum, span)
    }

    fn record_procs(
        &mut self,
        mut out: Vec<Datum>,
        items: &[Datum],
        fields: &[(Datum, Option<Datum>, Option<Datum>)],
        tdatum: Datum,
        span: Span,
    ) -> CResult<Vec<Datum>> {
        // items: (define-record-type T ctor pred field ...)
        if items.len() < 4 {
            return Err(CompileError::syntax(
                "define-record-type: expected a predicate",
                span,
            ));
        }
        let pred_name = items[3].clone();
        if pred_name.as_symbol().is_none() {
            return Err(CompileError::syntax(
                "define-record-type: predicate must be an identifier",
                pred_name.span,
            ));
        }
        let obj = self.gensym("obj", span);
        let val = self.gensym("value", span);
        out.push(form(
            self.core("define", span),
            vec![
                pred_name,
                form(
                    self.core("lambda", span),
                    vec![
                        Datum::list(vec![obj.clone()], span),
                        form(
                            self.core("%record-is?", span),
                            vec![obj.clone(), tdatum.clone()],
                            span,
                        ),
                    ],
                    span,
                ),
            ],
            span,
        ));
        for (i, (_f, acc, modi)) in fields.iter().enumerate() {
            if let Some(a) = acc {
                let qa = form(
                    self.core("quote", span),
                    vec![Datum::sym(base_name(a.as_symbol().unwrap_or("?")), span)],
                    span,
                );
                let body = form(
                    self.core("%record-ref", span),
                    vec![
                        obj.clone(),
                        tdatum.clone(),
                        Datum::new(DatumKind::Int(i as i64), span),
                        qa,
                    ],
                    span,
                );
                out.push(form(
                    self.core("define", span),
                    vec![
                        a.clone(),
                        form(
                            self.core("lambda", span),
                            vec![Datum::list(vec![obj.clone()], span), body],
                            span,
                        ),
                    ],
                    span,
                ));
            }
            if let Some(m) = modi {
                let qm = form(
                    self.core("quote", span),
                    vec![Datum::sym(base_name(m.as_symbol().unwrap_or("?")), span)],
                    span,
                );
                let body = form(
                    self.core("%record-set!", span),
                    vec![
                        obj.clone(),
                        tdatum.clone(),
                        Datum::new(DatumKind::Int(i as i64), span),
                        val.clone(),
                        qm,
                    ],
                    span,
                );
                out.push(form(
                    self.core("define", span),
                    vec![
                        m.clone(),
                        form(
                            self.core("lambda", span),
                            vec![Datum::list(vec![obj.clone(), val.clone()], span), body],
                            span,
                        ),
                    ],
                    span,
                ));
            }
        }
        Ok(out)
    }

    /// Reads the files of an `include` form.
    fn include(&mut self, fold: bool, items: &[Datum], span: Span) -> CResult<Vec<Datum>> {
        let mut out = Vec::new();
        for f in &items[1..] {
            let DatumKind::Str(path) = &f.kind else {
                return Err(CompileError::syntax(
                    "include: expected file names as strings",
                    f.span,
                ));
            };
            let base = self.linker.dir_of(span.file);
            let full = base.join(&**path);
            let text = std::fs::read_to_string(&full).map_err(|e| {
                CompileError::syntax(
                    format!("include: cannot read {}: {e}", full.display()),
                    f.span,
                )
            })?;
            let text = if fold {
                format!("#!fold-case\n{text}")
            } else {
                text
            };
            let id = self
                .linker
                .sources
                .add(full.display().to_string(), text.as_str());
            let file_text = self
                .linker
                .sources
                .get(id)
                .map(|s| s.text.clone())
                .unwrap_or_default();
            out.extend(crate::reader::read_all(&file_text, id)?);
        }
        Ok(out)
    }

    fn cond_expand(&mut self, items: &[Datum], span: Span) -> CResult<Vec<Datum>> {
        for clause in &items[1..] {
            let parts = clause
                .as_list()
                .filter(|p| !p.is_empty())
                .ok_or_else(|| CompileError::syntax("cond-expand: bad clause", clause.span))?;
            if parts[0].as_symbol().map(base_name) == Some("else")
                || self.feature_true(&parts[0])?
            {
                return Ok(parts[1..].to_vec());
            }
        }
        Err(CompileError::syntax("cond-expand: no clause matches", span))
    }

    fn feature_true(&mut self, req: &Datum) -> CResult<bool> {
        match &req.kind {
            DatumKind::Symbol(s) => Ok(FEATURES.contains(&base_name(s))),
            DatumKind::List(items, None) => {
                let head = items[0].as_symbol().map(base_name).unwrap_or("");
                match head {
                    "and" => {
                        for r in &items[1..] {
                            if !self.feature_true(r)? {
                                return Ok(false);
                            }
                        }
                        Ok(true)
                    }
                    "or" => {
                        for r in &items[1..] {
                            if self.feature_true(r)? {
                                return Ok(true);
                            }
                        }
                        Ok(false)
                    }
                    "not" if items.len() == 2 => Ok(!self.feature_true(&items[1])?),
                    "library" if items.len() == 2 => Ok(self.linker.library_exists(&items[1])),
                    _ => Err(CompileError::syntax(
                        "cond-expand: bad requirement",
                        req.span,
                    )),
                }
            }
            _ => Err(CompileError::syntax(
                "cond-expand: bad requirement",
                req.span,
            )),
        }
    }

    fn syntax_error(&self, items: &[Datum], span: Span) -> CompileError {
        let msg = match items.get(1).map(|d| &d.kind) {
            Some(DatumKind::Str(s)) => s.to_string(),
            _ => "syntax error".to_string(),
        };
        let mut full = msg;
        for d in items.iter().skip(2) {
            full.push(' ');
            full.push_str(&super::quasi::show(d));
        }
        CompileError::syntax(full, span)
    }
}

/// Feature identifiers for `cond-expand` and `(features)`.
pub const FEATURES: &[&str] = &[
    "r7rs",
    "ieee-float",
    "full-unicode",
    "posix",
    "unix",
    "linux",
    "x86-64",
    "little-endian",
    "etai",
    "eta",
    "nng",
];
