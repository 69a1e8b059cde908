//! Derived forms rewritten into core forms: `cond`, `case`, `and`, `or`, `do`,
//! `case-lambda`, `let-values`, `define-values`, `parameterize`, `guard` and `catch`.
//! Rewrites refer to base bindings through [`Cx::core`], so user shadowing of `if`,
//! `let` or `cons` never changes what a derived form means.

use super::{form, parse_formals, Cx};
use crate::datum::{Datum, DatumKind};
use crate::env::{base_name, Env};
use crate::error::{CResult, CompileError};
use crate::ir::Expr;
use crate::proto::Literal;
use crate::span::Span;

fn nil(span: Span) -> Datum {
    Datum::new(DatumKind::Nil, span)
}

fn boolean(b: bool, span: Span) -> Datum {
    Datum::new(DatumKind::Bool(b), span)
}

impl<'l> Cx<'l> {
    fn begin_of(&mut self, body: &[Datum], span: Span) -> Datum {
        form(self.core("begin", span), body.to_vec(), span)
    }

    /// `(cond clause ...)`.
    pub fn cond_form(&mut self, items: &[Datum], span: Span, env: &Env) -> CResult<Expr> {
        let d = self.cond_rewrite(&items[1..], span, env)?;
        match d {
            Some(d) => self.expr(&d, env),
            None => Ok(Expr::Const(Literal::Unspecified)),
        }
    }

    fn cond_rewrite(&mut self, clauses: &[Datum], span: Span, env: &Env) -> CResult<Option<Datum>> {
        let mut acc: Option<Datum> = None;
        for (i, c) in clauses.iter().enumerate().rev() {
            let parts = c
                .as_list()
                .filter(|p| !p.is_empty())
                .ok_or_else(|| CompileError::syntax("cond: bad clause", c.span))?;
            let rest = acc.take().unwrap_or_else(|| {
                form(
                    self.core("if", span),
                    vec![boolean(false, span), boolean(false, span)],
                    span,
                )
            });
            if self.is_aux(env, &parts[0], "else") {
                if i + 1 != clauses.len() {
                    return Err(CompileError::syntax(
                        "cond: else clause must be last",
                        c.span,
                    ));
                }
                if parts.len() < 2 {
                    return Err(CompileError::syntax(
                        "cond: else clause needs a body",
                        c.span,
                    ));
                }
                acc = Some(self.begin_of(&parts[1..], c.span));
                continue;
            }
            if parts.len() >= 2 && self.is_aux(env, &parts[1], "=>") {
                if parts.len() != 3 {
                    return Err(CompileError::syntax(
                        "cond: expected (test => procedure)",
                        c.span,
                    ));
                }
                let t = self.gensym("t", c.span);
                let call = Datum::list(vec![parts[2].clone(), t.clone()], c.span);
                let iff = form(self.core("if", span), vec![t.clone(), call, rest], c.span);
                let binding =
                    Datum::list(vec![Datum::list(vec![t, parts[0].clone()], c.span)], c.span);
                acc = Some(form(self.core("let", span), vec![binding, iff], c.span));
                continue;
            }
            if parts.len() == 1 {
                acc = Some(form(
                    self.core("or", span),
                    vec![parts[0].clone(), rest],
                    c.span,
                ));
                continue;
            }
            let body = self.begin_of(&parts[1..], c.span);
            acc = Some(form(
                self.core("if", span),
                vec![parts[0].clone(), body, rest],
                c.span,
            ));
        }
        Ok(acc)
    }

    /// `(case key clause ...)`.
    pub fn case_form(&mut self, items: &[Datum], span: Span, env: &Env) -> CResult<Expr> {
        if items.len() < 2 {
            return Err(CompileError::syntax("case: expected a key", span));
        }
        let k = self.gensym("key", span);
        let mut clauses = Vec::new();
        for (i, c) in items[2..].iter().enumerate() {
            let parts = c
                .as_list()
                .filter(|p| p.len() >= 2)
                .ok_or_else(|| CompileError::syntax("case: bad clause", c.span))?;
            let is_else = self.is_aux(env, &parts[0], "else");
            if is_else && i + 3 != items.len() {
                return Err(CompileError::syntax(
                    "case: else clause must be last",
                    c.span,
                ));
            }
            let test = if is_else {
                parts[0].clone()
            } else {
                let data = parts[0].as_list().ok_or_else(|| {
                    CompileError::syntax("case: clause data must be a list", parts[0].span)
                })?;
                let tests: Vec<Datum> = data
                    .iter()
                    .map(|d| {
                        let q = form(self.core("quote", span), vec![d.clone()], d.span);
                        form(self.core("eqv?", span), vec![k.clone(), q], d.span)
                    })
                    .collect();
                form(self.core("or", span), tests, parts[0].span)
            };
            let body = if self.is_aux(env, &parts[1], "=>") {
                if parts.len() != 3 {
                    return Err(CompileError::syntax(
                        "case: expected (data => procedure)",
                        c.span,
                    ));
                }
                vec![Datum::list(vec![parts[2].clone(), k.clone()], c.span)]
            } else {
                parts[1..].to_vec()
            };
            let mut clause = vec![test];
            clause.extend(body);
            clauses.push(Datum::list(clause, c.span));
        }
        let cond = form(self.core("cond", span), clauses, span);
        let binding = Datum::list(vec![Datum::list(vec![k, items[1].clone()], span)], span);
        let e = form(self.core("let", span), vec![binding, cond], span);
        self.expr(&e, env)
    }

    /// `(and e ...)`.
    pub fn and_form(&mut self, items: &[Datum], env: &Env) -> CResult<Expr> {
        let args = &items[1..];
        if args.is_empty() {
            return Ok(Expr::Const(Literal::Bool(true)));
        }
        let mut acc = self.expr(&args[args.len() - 1], env)?;
        for a in args[..args.len() - 1].iter().rev() {
            let t = self.expr(a, env)?;
            acc = Expr::If(
                Box::new(t),
                Box::new(acc),
                Box::new(Expr::Const(Literal::Bool(false))),
            );
        }
        Ok(acc)
    }

    /// `(or e ...)`.
    pub fn or_form(&mut self, items: &[Datum], span: Span, env: &Env) -> CResult<Expr> {
        let args = &items[1..];
        match args.len() {
            0 => Ok(Expr::Const(Literal::Bool(false))),
            1 => self.expr(&args[0], env),
            _ => {
                let t = self.gensym("t", span);
                let rest = form(self.core("or", span), args[1..].to_vec(), span);
                let iff = form(
                    self.core("if", span),
                    vec![t.clone(), t.clone(), rest],
                    span,
                );
                let binding = Datum::list(vec![Datum::list(vec![t, args[0].clone()], span)], span);
                let e = form(self.core("let", span), vec![binding, iff], span);
                self.expr(&e, env)
            }
        }
    }

    /// `(do ((var init [step]) ...) (test result ...) command ...)`.
    pub fn do_form(&mut self, items: &[Datum], span: Span) -> CResult<Datum> {
        if items.len() < 3 {
            return Err(CompileError::syntax(
                "do: expected bindings and a test clause",
                span,
            ));
        }
        let specs = items[1]
            .as_list()
            .ok_or_else(|| CompileError::syntax("do: bad binding list", items[1].span))?;
        let mut bindings = Vec::new();
        let mut steps = Vec::new();
        for s in specs {
            let p = s
                .as_list()
                .filter(|p| (p.len() == 2 || p.len() == 3) && p[0].as_symbol().is_some())
                .ok_or_else(|| CompileError::syntax("do: bad binding", s.span))?;
            bindings.push(Datum::list(vec![p[0].clone(), p[1].clone()], s.span));
            steps.push(p.get(2).cloned().unwrap_or_else(|| p[0].clone()));
        }
        let test = items[2]
            .as_list()
            .filter(|p| !p.is_empty())
            .ok_or_else(|| CompileError::syntax("do: bad test clause", items[2].span))?;
        let lp = self.gensym("do-loop", span);
        let result = if test.len() == 1 {
            form(
                self.core("if", span),
                vec![boolean(false, span), boolean(false, span)],
                span,
            )
        } else {
            self.begin_of(&test[1..], span)
        };
        let mut body = items[3..].to_vec();
        body.push(form(lp.clone(), steps, span));
        let again = self.begin_of(&body, span);
        let iff = form(
            self.core("if", span),
            vec![test[0].clone(), result, again],
            span,
        );
        Ok(form(
            self.core("let", span),
            vec![lp, Datum::list(bindings, span), iff],
            span,
        ))
    }

    /// `(case-lambda (formals body ...) ...)`.
    pub fn case_lambda(&mut self, items: &[Datum], span: Span) -> CResult<Datum> {
        let mut lambdas = Vec::new();
        for c in &items[1..] {
            let parts = c
                .as_list()
                .filter(|p| p.len() >= 2)
                .ok_or_else(|| CompileError::syntax("case-lambda: bad clause", c.span))?;
            lambdas.push(form(self.core("lambda", span), parts.to_vec(), c.span));
        }
        Ok(form(self.core("%case-lambda", span), lambdas, span))
    }

    /// `(let-values (((formals) expr) ...) body ...)` and `let*-values`.
    pub fn let_values(&mut self, star: bool, items: &[Datum], span: Span) -> CResult<Datum> {
        let kw = if star { "let*-values" } else { "let-values" };
        if items.len() < 3 {
            return Err(CompileError::syntax(
                format!("{kw}: expected bindings and a body"),
                span,
            ));
        }
        let bs = items[1].as_list().ok_or_else(|| {
            CompileError::syntax(format!("{kw}: bad binding list"), items[1].span)
        })?;
        let mut parsed = Vec::new();
        for b in bs {
            let p = b
                .as_list()
                .filter(|p| p.len() == 2)
                .ok_or_else(|| CompileError::syntax(format!("{kw}: bad binding"), b.span))?;
            parsed.push((p[0].clone(), p[1].clone()));
        }
        let inner_body = form(
            self.core("let", span),
            std::iter::once(nil(span))
                .chain(items[2..].iter().cloned())
                .collect(),
            span,
        );
        if star {
            let mut acc = inner_body;
            for (formals, e) in parsed.into_iter().rev() {
                let lam = form(
                    self.core("%transparent-lambda", span),
                    vec![formals, acc],
                    span,
                );
                let thunk = form(
                    self.core("%transparent-lambda", span),
                    vec![nil(span), e],
                    span,
                );
                acc = form(self.core("call-with-values", span), vec![thunk, lam], span);
            }
            return Ok(acc);
        }
        // Evaluate every expression in the outer scope into temporaries, then bind.
        let mut final_bindings = Vec::new();
        let mut stages = Vec::new();
        for (formals, e) in parsed {
            let (req, rest) = parse_formals(&formals)?;
            let mut tmp_req = Vec::new();
            for r in &req {
                let t = self.gensym(base_name(r.as_symbol().unwrap_or("t")), r.span);
                final_bindings.push(Datum::list(vec![r.clone(), t.clone()], r.span));
                tmp_req.push(t);
            }
            let tmp_rest = rest.map(|r| {
                let t = self.gensym(base_name(r.as_symbol().unwrap_or("t")), r.span);
                final_bindings.push(Datum::list(vec![r.clone(), t.clone()], r.span));
                t
            });
            let tformals =
                super::super::syntax_rules::rebuild_owned(tmp_req, tmp_rest, formals.span);
            stages.push((tformals, e));
        }
        let mut acc = form(
            self.core("let", span),
            std::iter::once(Datum::list(final_bindings, span))
                .chain(items[2..].iter().cloned())
                .collect(),
            span,
        );
        for (tformals, e) in stages.into_iter().rev() {
            let lam = form(
                self.core("%transparent-lambda", span),
                vec![tformals, acc],
                span,
            );
            let thunk = form(
                self.core("%transparent-lambda", span),
                vec![nil(span), e],
                span,
            );
            acc = form(self.core("call-with-values", span), vec![thunk, lam], span);
        }
        Ok(acc)
    }

    /// `(define-values formals expr)` as a sequence of definitions.
    pub fn define_values(&mut self, formals: &Datum, e: &Datum, span: Span) -> CResult<Vec<Datum>> {
        let (req, rest) = parse_formals(formals)?;
        let all: Vec<Datum> = req.iter().chain(rest.iter()).cloned().collect();
        let t = self.gensym("values", span);
        let thunk = form(
            self.core("%transparent-lambda", span),
            vec![nil(span), e.clone()],
            span,
        );
        let collect = form(
            self.core("%transparent-lambda", span),
            vec![
                formals.clone(),
                form(self.core("list", span), all.clone(), span),
            ],
            span,
        );
        let mut out = vec![form(
            self.core("define", span),
            vec![
                t.clone(),
                form(
                    self.core("call-with-values", span),
                    vec![thunk, collect],
                    span,
                ),
            ],
            span,
        )];
        let mut cur = t;
        for v in all {
            let car = form(self.core("car", span), vec![cur.clone()], span);
            out.push(form(self.core("define", span), vec![v, car], span));
            cur = form(self.core("cdr", span), vec![cur], span);
        }
        Ok(out)
    }

    /// `(parameterize ((param value) ...) body ...)`.
    pub fn parameterize(&mut self, items: &[Datum], span: Span) -> CResult<Datum> {
        if items.len() < 3 {
            return Err(CompileError::syntax(
                "parameterize: expected bindings and a body",
                span,
            ));
        }
        let bs = items[1]
            .as_list()
            .ok_or_else(|| CompileError::syntax("parameterize: bad binding list", items[1].span))?;
        let mut ps = Vec::new();
        let mut vs = Vec::new();
        for b in bs {
            let p = b
                .as_list()
                .filter(|p| p.len() == 2)
                .ok_or_else(|| CompileError::syntax("parameterize: bad binding", b.span))?;
            ps.push(p[0].clone());
            vs.push(p[1].clone());
        }
        let thunk = form(
            self.core("%transparent-lambda", span),
            std::iter::once(nil(span))
                .chain(items[2..].iter().cloned())
                .collect(),
            span,
        );
        let pl = form(self.core("list", span), ps, span);
        let vl = form(self.core("list", span), vs, span);
        Ok(form(
            self.core("%parameterize", span),
            vec![pl, vl, thunk],
            span,
        ))
    }

    /// `(guard (var clause ...) body ...)`: the clause tests are compiled into a
    /// selector returning a thunk for the chosen clause body, or `#f` (re-raise).
    pub fn guard(&mut self, items: &[Datum], span: Span, env: &Env) -> CResult<Datum> {
        if items.len() < 3 {
            return Err(CompileError::syntax(
                "guard: expected (guard (var clause ...) body ...)",
                span,
            ));
        }
        let spec = items[1]
            .as_list()
            .filter(|p| !p.is_empty() && p[0].as_symbol().is_some())
            .ok_or_else(|| {
                CompileError::syntax("guard: expected (var clause ...)", items[1].span)
            })?;
        let var = spec[0].clone();
        let mut clauses = Vec::new();
        let mut has_else = false;
        for c in &spec[1..] {
            let parts = c
                .as_list()
                .filter(|p| !p.is_empty())
                .ok_or_else(|| CompileError::syntax("guard: bad clause", c.span))?;
            let thunk_of = |cx: &mut Self, body: Vec<Datum>| {
                form(
                    cx.core("%transparent-lambda", c.span),
                    std::iter::once(nil(c.span)).chain(body).collect(),
                    c.span,
                )
            };
            let clause = if self.is_aux(env, &parts[0], "else") {
                has_else = true;
                let t = thunk_of(self, parts[1..].to_vec());
                vec![parts[0].clone(), t]
            } else if parts.len() >= 2 && self.is_aux(env, &parts[1], "=>") {
                if parts.len() != 3 {
                    return Err(CompileError::syntax(
                        "guard: expected (test => procedure)",
                        c.span,
                    ));
                }
                let t = self.gensym("t", c.span);
                let call = Datum::list(vec![parts[2].clone(), t.clone()], c.span);
                let thunk = thunk_of(self, vec![call]);
                let recv = form(
                    self.core("%transparent-lambda", c.span),
                    vec![Datum::list(vec![t], c.span), thunk],
                    c.span,
                );
                vec![parts[0].clone(), parts[1].clone(), recv]
            } else if parts.len() == 1 {
                let t = self.gensym("t", c.span);
                let thunk = thunk_of(self, vec![t.clone()]);
                let recv = form(
                    self.core("%transparent-lambda", c.span),
                    vec![Datum::list(vec![t], c.span), thunk],
                    c.span,
                );
                vec![parts[0].clone(), self.core("=>", c.span), recv]
            } else {
                let t = thunk_of(self, parts[1..].to_vec());
                vec![parts[0].clone(), t]
            };
            clauses.push(Datum::list(clause, c.span));
        }
        if !has_else {
            let els = self.core("else", span);
            clauses.push(Datum::list(vec![els, boolean(false, span)], span));
        }
        let cond = form(self.core("cond", span), clauses, span);
        let select = form(
            self.core("%transparent-lambda", span),
            vec![Datum::list(vec![var], span), cond],
            span,
        );
        let body = form(
            self.core("%transparent-lambda", span),
            std::iter::once(nil(span))
                .chain(items[2..].iter().cloned())
                .collect(),
            span,
        );
        Ok(form(self.core("%guard", span), vec![select, body], span))
    }

    /// `(catch 'tag expr)` / `(catch expr)`.
    pub fn catch(&mut self, items: &[Datum], span: Span) -> CResult<Datum> {
        let (tag, e) = match items.len() {
            2 => (boolean(false, span), items[1].clone()),
            3 => (items[1].clone(), items[2].clone()),
            _ => {
                return Err(CompileError::syntax(
                    "catch: expected (catch 'tag expr) or (catch expr)",
                    span,
                ))
            }
        };
        let thunk = form(
            self.core("%transparent-lambda", span),
            vec![nil(span), e],
            span,
        );
        Ok(form(self.core("%catch", span), vec![tag, thunk], span))
    }
}
