//! `syntax-rules` macros: pattern matching (literals, `_`, nested ellipses, ellipses
//! followed by more patterns, dotted tails, vectors) and template instantiation with
//! renaming of inserted identifiers (see [`crate::env`] for how renaming gives hygiene).

use crate::datum::{Datum, DatumKind};
use crate::env::{base_name, Aliases, Env};
use crate::error::{CResult, CompileError};
use crate::span::Span;
use std::collections::HashMap;
use std::rc::Rc;

/// A `syntax-rules` transformer.
#[derive(Debug)]
pub struct Macro {
    /// The keyword it was bound to (for messages).
    pub name: Rc<str>,
    /// The environment of its definition (free template identifiers resolve here).
    pub env: Env,
    /// The ellipsis identifier (`...` unless customised).
    pub ellipsis: Rc<str>,
    /// Literal identifiers.
    pub literals: Vec<Rc<str>>,
    /// `(pattern, template)` pairs.
    pub rules: Vec<(Datum, Datum)>,
}

/// What a pattern variable matched.
#[derive(Debug, Clone)]
enum Match {
    One(Datum),
    Many(Vec<Match>),
}

type Bindings = HashMap<Rc<str>, Match>;

/// Parses `(syntax-rules [ellipsis] (literal ...) (pattern template) ...)`.
pub fn parse(name: Rc<str>, spec: &Datum, env: Env) -> CResult<Macro> {
    let bad = || CompileError::syntax("syntax-rules: bad syntax", spec.span);
    let items = spec.as_list().ok_or_else(bad)?;
    if items.len() < 2 {
        return Err(bad());
    }
    let mut i = 1;
    let mut ellipsis: Rc<str> = Rc::from("...");
    if let Some(e) = items[1].as_symbol() {
        ellipsis = Rc::from(e);
        i = 2;
    }
    let lits = items.get(i).and_then(|d| d.as_list()).ok_or_else(bad)?;
    let mut literals = Vec::new();
    for l in lits {
        let s = l.as_symbol().ok_or_else(|| {
            CompileError::syntax("syntax-rules: literals must be identifiers", l.span)
        })?;
        literals.push(Rc::from(s));
    }
    let mut rules = Vec::new();
    for r in &items[i + 1..] {
        let pair = r.as_list().filter(|p| p.len() == 2).ok_or_else(|| {
            CompileError::syntax("syntax-rules: each rule must be (pattern template)", r.span)
        })?;
        rules.push((pair[0].clone(), pair[1].clone()));
    }
    Ok(Macro {
        name,
        env,
        ellipsis,
        literals,
        rules,
    })
}

/// The context of one expansion.
pub struct Expansion<'a> {
    /// The macro.
    pub mac: &'a Macro,
    /// Alias table.
    pub aliases: &'a mut Aliases,
    /// The environment of the macro use.
    pub use_env: &'a Env,
    /// Span of the use (given to inserted identifiers).
    pub span: Span,
    renames: HashMap<Rc<str>, Rc<str>>,
}

impl<'a> Expansion<'a> {
    /// Prepares an expansion.
    pub fn new(mac: &'a Macro, aliases: &'a mut Aliases, use_env: &'a Env, span: Span) -> Self {
        Expansion {
            mac,
            aliases,
            use_env,
            span,
            renames: HashMap::new(),
        }
    }

    /// Expands `form` (the whole macro use) with the first matching rule.
    pub fn expand(&mut self, form: &Datum) -> CResult<Datum> {
        let (items, tail) = list_parts(form);
        for (pat, tmpl) in &self.mac.rules {
            let (pitems, ptail) = list_parts(pat);
            if pitems.is_empty() {
                continue;
            }
            let mut b = Bindings::new();
            // The keyword position is ignored.
            if self.match_list(
                &pitems[1..],
                ptail,
                &items[1.min(items.len())..],
                tail,
                &mut b,
            )? {
                return self.instantiate(tmpl, &b);
            }
        }
        Err(CompileError::syntax(
            format!(
                "no matching syntax-rules clause for {}",
                base_name(&self.mac.name)
            ),
            form.span,
        ))
    }

    fn is_ellipsis(&self, d: &Datum) -> bool {
        // Compare base names: an ellipsis emitted by another macro's `(... ...)` is a
        // renamed `...`.
        d.as_symbol().map(base_name) == Some(base_name(&self.mac.ellipsis))
    }

    fn is_literal(&self, name: &str) -> bool {
        self.mac.literals.iter().any(|l| &**l == name)
    }

    /// Whether the input identifier `input` means the same as the literal `lit`.
    fn literal_matches(&self, input: &str, lit: &str) -> bool {
        let a = self.aliases.lookup(self.use_env, input);
        let b = self.aliases.lookup(&self.mac.env, lit);
        match (a, b) {
            (None, None) => base_name(input) == base_name(lit),
            (Some(x), Some(y)) => x == y,
            _ => false,
        }
    }

    fn match_one(&self, pat: &Datum, input: &Datum, b: &mut Bindings) -> CResult<bool> {
        match &pat.kind {
            DatumKind::Symbol(s) => {
                if base_name(s) == "_" && !self.is_literal(s) {
                    return Ok(true);
                }
                if self.is_literal(s) {
                    return Ok(match input.as_symbol() {
                        Some(i) => self.literal_matches(i, s),
                        None => false,
                    });
                }
                b.insert(s.clone(), Match::One(input.clone()));
                Ok(true)
            }
            DatumKind::Nil => Ok(matches!(input.kind, DatumKind::Nil)),
            DatumKind::List(pitems, ptail) => match &input.kind {
                DatumKind::List(items, tail) => {
                    self.match_list(pitems, ptail.as_deref(), items, tail.as_deref(), b)
                }
                DatumKind::Nil => self.match_list(pitems, ptail.as_deref(), &[], None, b),
                _ => Ok(false),
            },
            DatumKind::Vector(pitems) => match &input.kind {
                DatumKind::Vector(items) => self.match_list(pitems, None, items, None, b),
                _ => Ok(false),
            },
            _ => Ok(datum_equal(pat, input)),
        }
    }

    fn match_list(
        &self,
        pats: &[Datum],
        ptail: Option<&Datum>,
        items: &[Datum],
        itail: Option<&Datum>,
        b: &mut Bindings,
    ) -> CResult<bool> {
        let epos = pats
            .iter()
            .enumerate()
            .position(|(i, _)| i + 1 < pats.len() && self.is_ellipsis(&pats[i + 1]));
        let Some(e) = epos else {
            if items.len() < pats.len() {
                return Ok(false);
            }
            for (p, i) in pats.iter().zip(items) {
                if !self.match_one(p, i, b)? {
                    return Ok(false);
                }
            }
            let rest = &items[pats.len()..];
            return match ptail {
                None => Ok(rest.is_empty() && itail.is_none()),
                Some(pt) => {
                    let d = rebuild(rest, itail, pt.span);
                    self.match_one(pt, &d, b)
                }
            };
        };
        let before = &pats[..e];
        let rep = &pats[e];
        let after = &pats[e + 2..];
        if after.iter().any(|p| self.is_ellipsis(p)) {
            return Err(CompileError::syntax(
                "syntax-rules: more than one ellipsis in a list pattern",
                rep.span,
            ));
        }
        if ptail.is_none() && itail.is_some() {
            return Ok(false);
        }
        if items.len() < before.len() + after.len() {
            return Ok(false);
        }
        let nrep = items.len() - before.len() - after.len();
        for (p, i) in before.iter().zip(items) {
            if !self.match_one(p, i, b)? {
                return Ok(false);
            }
        }
        let mut reps: Vec<Bindings> = Vec::with_capacity(nrep);
        for i in &items[before.len()..before.len() + nrep] {
            let mut rb = Bindings::new();
            if !self.match_one(rep, i, &mut rb)? {
                return Ok(false);
            }
            reps.push(rb);
        }
        let mut vars = Vec::new();
        self.pattern_vars(rep, &mut vars);
        for v in vars {
            let seq = reps
                .iter()
                .map(|r| r.get(&v).cloned().unwrap_or(Match::Many(vec![])))
                .collect();
            b.insert(v, Match::Many(seq));
        }
        for (p, i) in after.iter().zip(&items[before.len() + nrep..]) {
            if !self.match_one(p, i, b)? {
                return Ok(false);
            }
        }
        match ptail {
            None => Ok(true),
            Some(pt) => {
                let d = match itail {
                    Some(t) => t.clone(),
                    None => Datum::new(DatumKind::Nil, pt.span),
                };
                self.match_one(pt, &d, b)
            }
        }
    }

    fn pattern_vars(&self, pat: &Datum, out: &mut Vec<Rc<str>>) {
        match &pat.kind {
            DatumKind::Symbol(s)
                if !self.is_ellipsis(pat) && !self.is_literal(s) && base_name(s) != "_" =>
            {
                out.push(s.clone());
            }
            DatumKind::List(items, tail) => {
                for i in items {
                    self.pattern_vars(i, out);
                }
                if let Some(t) = tail {
                    self.pattern_vars(t, out);
                }
            }
            DatumKind::Vector(items) => {
                for i in items {
                    self.pattern_vars(i, out);
                }
            }
            _ => {}
        }
    }

    fn rename(&mut self, name: &Rc<str>) -> Rc<str> {
        if let Some(a) = self.renames.get(name) {
            return a.clone();
        }
        let a = self.aliases.fresh(name, &self.mac.env);
        self.renames.insert(name.clone(), a.clone());
        a
    }

    fn instantiate(&mut self, t: &Datum, b: &Bindings) -> CResult<Datum> {
        self.inst(t, b, false)
    }

    fn inst(&mut self, t: &Datum, b: &Bindings, escaped: bool) -> CResult<Datum> {
        match &t.kind {
            DatumKind::Symbol(s) => match b.get(s) {
                Some(Match::One(d)) => Ok(d.clone()),
                Some(Match::Many(_)) => Err(CompileError::syntax(
                    format!(
                        "syntax-rules: pattern variable {} used without ellipsis",
                        base_name(s)
                    ),
                    t.span,
                )),
                None => {
                    if !escaped && self.is_ellipsis(t) {
                        return Err(CompileError::syntax(
                            "syntax-rules: misplaced ellipsis in template",
                            t.span,
                        ));
                    }
                    let a = self.rename(s);
                    Ok(Datum::new(DatumKind::Symbol(a), self.span))
                }
            },
            DatumKind::List(items, tail) => {
                // (... ...) and (... template): escape the ellipsis.
                if !escaped && items.len() == 2 && tail.is_none() && self.is_ellipsis(&items[0]) {
                    return self.inst(&items[1], b, true);
                }
                let out = self.inst_seq(items, b, escaped)?;
                let tail = match tail {
                    Some(t) => Some(self.inst(t, b, escaped)?),
                    None => None,
                };
                Ok(rebuild_owned(out, tail, t.span))
            }
            DatumKind::Vector(items) => {
                let out = self.inst_seq(items, b, escaped)?;
                Ok(Datum::new(DatumKind::Vector(out), t.span))
            }
            _ => Ok(t.clone()),
        }
    }

    fn inst_seq(&mut self, items: &[Datum], b: &Bindings, escaped: bool) -> CResult<Vec<Datum>> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < items.len() {
            let t = &items[i];
            let mut depth = 0;
            while !escaped && i + 1 + depth < items.len() && self.is_ellipsis(&items[i + 1 + depth])
            {
                depth += 1;
            }
            if depth == 0 {
                out.push(self.inst(t, b, escaped)?);
                i += 1;
                continue;
            }
            let mut results = vec![];
            self.inst_repeat(t, b, depth, &mut results)?;
            out.extend(results);
            i += 1 + depth;
        }
        Ok(out)
    }

    fn inst_repeat(
        &mut self,
        t: &Datum,
        b: &Bindings,
        depth: usize,
        out: &mut Vec<Datum>,
    ) -> CResult<()> {
        let mut vars = Vec::new();
        template_vars(t, b, &mut vars);
        let seq_vars: Vec<Rc<str>> = vars
            .into_iter()
            .filter(|v| matches!(b.get(v), Some(Match::Many(_))))
            .collect();
        if seq_vars.is_empty() {
            return Err(CompileError::syntax(
                "syntax-rules: no pattern variable with ellipsis depth in template before ...",
                t.span,
            ));
        }
        let mut len: Option<usize> = None;
        for v in &seq_vars {
            if let Some(Match::Many(items)) = b.get(v) {
                match len {
                    None => len = Some(items.len()),
                    Some(n) if n != items.len() => {
                        return Err(CompileError::syntax("ellipsis length mismatch", t.span));
                    }
                    _ => {}
                }
            }
        }
        for k in 0..len.unwrap_or(0) {
            let mut nb = b.clone();
            for v in &seq_vars {
                if let Some(Match::Many(items)) = b.get(v) {
                    nb.insert(v.clone(), items[k].clone());
                }
            }
            if depth > 1 {
                self.inst_repeat(t, &nb, depth - 1, out)?;
            } else {
                out.push(self.inst(t, &nb, false)?);
            }
        }
        Ok(())
    }
}

fn template_vars(t: &Datum, b: &Bindings, out: &mut Vec<Rc<str>>) {
    match &t.kind {
        DatumKind::Symbol(s) if b.contains_key(s) && !out.contains(s) => {
            out.push(s.clone());
        }
        DatumKind::List(items, tail) => {
            for i in items {
                template_vars(i, b, out);
            }
            if let Some(t) = tail {
                template_vars(t, b, out);
            }
        }
        DatumKind::Vector(items) => {
            for i in items {
                template_vars(i, b, out);
            }
        }
        _ => {}
    }
}

/// The items and improper tail of a list datum (`()` gives no items).
pub fn list_parts(d: &Datum) -> (&[Datum], Option<&Datum>) {
    match &d.kind {
        DatumKind::List(items, tail) => (items, tail.as_deref()),
        DatumKind::Nil => (&[], None),
        _ => (&[], Some(d)),
    }
}

/// Rebuilds a datum from list items and a tail, normalised.
fn rebuild(items: &[Datum], tail: Option<&Datum>, span: Span) -> Datum {
    rebuild_owned(items.to_vec(), tail.cloned(), span)
}

/// Builds a normalised list datum from items and an optional tail.
pub fn rebuild_owned(mut items: Vec<Datum>, tail: Option<Datum>, span: Span) -> Datum {
    let tail = match tail {
        None => None,
        Some(t) => match t.kind {
            DatumKind::Nil => None,
            DatumKind::List(more, t2) => {
                items.extend(more);
                t2.map(|b| *b)
            }
            _ => Some(t),
        },
    };
    if items.is_empty() {
        return tail.unwrap_or(Datum::new(DatumKind::Nil, span));
    }
    Datum::new(DatumKind::List(items, tail.map(Box::new)), span)
}

/// `equal?` on literal data (used for non-identifier pattern elements).
pub fn datum_equal(a: &Datum, b: &Datum) -> bool {
    match (&a.kind, &b.kind) {
        (DatumKind::Nil, DatumKind::Nil) => true,
        (DatumKind::Bool(x), DatumKind::Bool(y)) => x == y,
        (DatumKind::Int(x), DatumKind::Int(y)) => x == y,
        (DatumKind::BigInt(x), DatumKind::BigInt(y)) => x == y,
        (DatumKind::Float(x), DatumKind::Float(y)) => x.to_bits() == y.to_bits(),
        (DatumKind::Char(x), DatumKind::Char(y)) => x == y,
        (DatumKind::Str(x), DatumKind::Str(y)) => x == y,
        (DatumKind::Symbol(x), DatumKind::Symbol(y)) => base_name(x) == base_name(y),
        (DatumKind::List(xs, xt), DatumKind::List(ys, yt)) => {
            xs.len() == ys.len()
                && xs.iter().zip(ys).all(|(x, y)| datum_equal(x, y))
                && match (xt, yt) {
                    (None, None) => true,
                    (Some(x), Some(y)) => datum_equal(x, y),
                    _ => false,
                }
        }
        (DatumKind::Vector(xs), DatumKind::Vector(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| datum_equal(x, y))
        }
        (DatumKind::Bytevector(x), DatumKind::Bytevector(y)) => x == y,
        _ => false,
    }
}
