//! `quasiquote` at any nesting depth, with dotted tails and vector templates, expanded
//! into calls of the base `cons`, `append` and `list->vector`.

use super::{form, Cx};
use crate::datum::{Datum, DatumKind};
use crate::env::{base_name, Env, Special};
use crate::error::{CResult, CompileError};
use crate::span::Span;

impl<'l> Cx<'l> {
    fn qq_keyword(&self, d: &Datum, env: &Env) -> Option<Special> {
        match self.special(env, d) {
            Some(s @ (Special::Unquote | Special::UnquoteSplicing | Special::Quasiquote)) => {
                Some(s)
            }
            _ => None,
        }
    }

    fn quoted(&mut self, d: &Datum) -> Datum {
        form(self.core("quote", d.span), vec![d.clone()], d.span)
    }

    /// The construction expression for template `d` at quasiquote depth `depth`.
    pub fn quasi(&mut self, d: &Datum, depth: usize, env: &Env) -> CResult<Datum> {
        if !self.has_unquote(d, env) {
            return Ok(self.quoted(d));
        }
        match &d.kind {
            DatumKind::List(items, tail) => {
                // (unquote x) / (quasiquote x) / (unquote-splicing x) as the whole template.
                if items.len() == 2 && tail.is_none() {
                    if let Some(k) = self.qq_keyword(&items[0], env) {
                        return self.qq_special(k, &items[0], &items[1], depth, d.span, env);
                    }
                }
                // Find a dotted `. ,x` that the reader flattened into `... unquote x`.
                let mut n = items.len();
                let mut tail_expr: Option<Datum> = None;
                if tail.is_none() && n >= 3 {
                    if let Some(k) = self.qq_keyword(&items[n - 2], env) {
                        if k != Special::UnquoteSplicing {
                            let t = Datum::list(
                                vec![items[n - 2].clone(), items[n - 1].clone()],
                                d.span,
                            );
                            tail_expr = Some(self.quasi(&t, depth, env)?);
                            n -= 2;
                        } else if depth == 1 {
                            return Err(CompileError::syntax(
                                "unquote-splicing: not allowed in a dotted tail",
                                items[n - 2].span,
                            ));
                        }
                    }
                }
                let mut acc = match (tail_expr, tail) {
                    (Some(t), _) => t,
                    (None, Some(t)) => self.quasi(t, depth, env)?,
                    (None, None) => Datum::new(DatumKind::Nil, d.span),
                };
                for item in items[..n].iter().rev() {
                    if let DatumKind::List(parts, None) = &item.kind {
                        if parts.len() == 2
                            && self.qq_keyword(&parts[0], env) == Some(Special::UnquoteSplicing)
                            && depth == 1
                        {
                            acc = form(
                                self.core("%qq-append", item.span),
                                vec![parts[1].clone(), acc],
                                item.span,
                            );
                            continue;
                        }
                    }
                    let x = self.quasi(item, depth, env)?;
                    acc = form(self.core("cons", item.span), vec![x, acc], item.span);
                }
                Ok(acc)
            }
            DatumKind::Vector(items) => {
                let as_list = Datum::list(items.clone(), d.span);
                let l = self.quasi(&as_list, depth, env)?;
                Ok(form(self.core("list->vector", d.span), vec![l], d.span))
            }
            _ => Ok(self.quoted(d)),
        }
    }

    fn qq_special(
        &mut self,
        k: Special,
        kw: &Datum,
        x: &Datum,
        depth: usize,
        span: Span,
        env: &Env,
    ) -> CResult<Datum> {
        match k {
            Special::Unquote if depth == 1 => Ok(x.clone()),
            Special::UnquoteSplicing if depth == 1 => Err(CompileError::syntax(
                "unquote-splicing: not inside a list",
                span,
            )),
            Special::Quasiquote => {
                let inner = self.quasi(x, depth + 1, env)?;
                let q = self.quoted(&Datum::sym(
                    base_name(kw.as_symbol().unwrap_or("quasiquote")),
                    span,
                ));
                Ok(form(self.core("list", span), vec![q, inner], span))
            }
            _ => {
                let inner = self.quasi(x, depth - 1, env)?;
                let q = self.quoted(&Datum::sym(
                    base_name(kw.as_symbol().unwrap_or("unquote")),
                    span,
                ));
                Ok(form(self.core("list", span), vec![q, inner], span))
            }
        }
    }

    fn has_unquote(&self, d: &Datum, env: &Env) -> bool {
        match &d.kind {
            DatumKind::List(items, tail) => {
                items
                    .iter()
                    .any(|i| self.qq_keyword(i, env).is_some() || self.has_unquote(i, env))
                    || tail.as_ref().is_some_and(|t| self.has_unquote(t, env))
            }
            DatumKind::Vector(items) => items.iter().any(|i| self.has_unquote(i, env)),
            _ => false,
        }
    }
}

/// A short text form of a datum for error messages.
pub fn show(d: &Datum) -> String {
    let mut out = String::new();
    show_into(d, &mut out, 0);
    out
}

fn show_into(d: &Datum, out: &mut String, depth: usize) {
    if depth > 50 || out.len() > 200 {
        out.push_str("...");
        return;
    }
    match &d.kind {
        DatumKind::Nil => out.push_str("()"),
        DatumKind::Bool(b) => out.push_str(if *b { "#t" } else { "#f" }),
        DatumKind::Int(i) => out.push_str(&i.to_string()),
        DatumKind::BigInt(b) => out.push_str(&b.to_string()),
        DatumKind::Float(f) => out.push_str(&format!("{f:?}")),
        DatumKind::Char(c) => out.push_str(&format!("#\\{c}")),
        DatumKind::Str(s) => out.push_str(&format!("{s:?}")),
        DatumKind::Symbol(s) => out.push_str(base_name(s)),
        DatumKind::List(items, tail) => {
            out.push('(');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                show_into(x, out, depth + 1);
            }
            if let Some(t) = tail {
                out.push_str(" . ");
                show_into(t, out, depth + 1);
            }
            out.push(')');
        }
        DatumKind::Vector(items) => {
            out.push_str("#(");
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                show_into(x, out, depth + 1);
            }
            out.push(')');
        }
        DatumKind::Bytevector(b) => out.push_str(&format!("#u8{b:?}")),
        DatumKind::Label(n, x) => {
            out.push_str(&format!("#{n}="));
            show_into(x, out, depth + 1);
        }
        DatumKind::LabelRef(n) => out.push_str(&format!("#{n}#")),
    }
}
