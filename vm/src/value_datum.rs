//! Heap values back to datums, for `eval`: the reader's tree is what the compiler
//! accepts, so a runtime value to be evaluated is converted to one (iteratively along
//! list spines; nesting through cars and vectors is bounded).

use crate::printer::write_truncated;
use crate::value::Value;
use eta_compiler::{Datum, DatumKind, Span};
use std::rc::Rc;

/// Maximum nesting accepted (same as the reader).
pub const MAX_NESTING: usize = 10_000;

/// Converts a value to a datum with `span` on every node.
pub fn value_to_datum(v: Value<'_>, span: Span) -> Result<Datum, String> {
    convert(v, span, 0, &mut 0)
}

fn convert(v: Value<'_>, span: Span, depth: usize, budget: &mut usize) -> Result<Datum, String> {
    if depth > MAX_NESTING {
        return Err("nesting too deep".into());
    }
    *budget += 1;
    if *budget > 50_000_000 {
        return Err("expression too large (circular?)".into());
    }
    let kind = match v {
        Value::Nil => DatumKind::Nil,
        Value::Bool(b) => DatumKind::Bool(b),
        Value::Int(i) => DatumKind::Int(i),
        Value::Big(b) => DatumKind::BigInt(Rc::new((*b).clone())),
        Value::Float(f) => DatumKind::Float(f),
        Value::Char(c) => DatumKind::Char(c),
        Value::Str(s) => DatumKind::Str(Rc::from(s.text.borrow().as_str())),
        Value::Sym(s) => DatumKind::Symbol(Rc::from(s.name())),
        Value::Pair(_) => {
            let mut items = Vec::new();
            let mut cur = v;
            let mut steps = 0usize;
            while let Value::Pair(p) = cur {
                items.push(convert(p.car.get(), span, depth + 1, budget)?);
                cur = p.cdr.get();
                steps += 1;
                if steps > 10_000_000 {
                    return Err("list too long (circular?)".into());
                }
            }
            let tail = match cur {
                Value::Nil => None,
                other => Some(Box::new(convert(other, span, depth + 1, budget)?)),
            };
            DatumKind::List(items, tail)
        }
        Value::Vector(items) => {
            let items: Vec<Value<'_>> = items.borrow().clone();
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                out.push(convert(i, span, depth + 1, budget)?);
            }
            DatumKind::Vector(out)
        }
        Value::Bytevector(b) => DatumKind::Bytevector(b.borrow().clone()),
        other => {
            return Err(format!(
                "cannot evaluate a {} ({})",
                other.kind_name(),
                write_truncated(other, 60)
            ))
        }
    };
    Ok(Datum::new(kind, span))
}
