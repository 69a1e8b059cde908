//! The loader: turns GC-free compiler output (prototypes, literals) into heap objects.

use crate::closure::ProtoObj;
use crate::interp::Ctx;
use crate::value::{Pair, Value};
use eta_compiler::proto::{Literal, Prototype};
use eta_compiler::verify::{verify_tree, VerifiedTree, VerifyError};
use gc_arena::Gc;
use std::collections::HashMap;
use std::sync::Arc;

/// Verifies a prototype tree (the dispatch loop runs it without bounds checks, see
/// `eta_compiler::verify`) and loads it with all its children.
pub fn load_proto<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    proto: &Arc<Prototype>,
) -> Result<Gc<'gc, ProtoObj<'gc>>, VerifyError> {
    let verified = verify_tree(proto)?;
    Ok(load_verified(ctx, proto, &verified))
}

/// Loads a verified prototype and its children (the recursion is bounded by the
/// verifier's nesting limit).
fn load_verified<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    proto: &Arc<Prototype>,
    verified: &VerifiedTree,
) -> Gc<'gc, ProtoObj<'gc>> {
    let consts: Vec<Value<'gc>> = proto.consts.iter().map(|l| literal(ctx, l)).collect();
    let children: Vec<Gc<'gc, ProtoObj<'gc>>> = proto
        .children
        .iter()
        .zip(&verified.children)
        .map(|(c, v)| load_verified(ctx, c, v))
        .collect();
    Gc::new(
        ctx.mc,
        ProtoObj::new(
            proto.clone(),
            consts.into_boxed_slice(),
            children.into_boxed_slice(),
            verified.proto.max_temps,
        ),
    )
}

/// Converts a literal to a heap value (string literals are immutable).
pub fn literal<'gc>(ctx: &mut Ctx<'_, 'gc>, lit: &Literal) -> Value<'gc> {
    let mut labels = HashMap::new();
    convert(ctx, lit, &mut labels)
}

fn convert<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    lit: &Literal,
    labels: &mut HashMap<u32, Value<'gc>>,
) -> Value<'gc> {
    match lit {
        Literal::Nil => Value::Nil,
        Literal::Unspecified => Value::Unspecified,
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Int(i) => Value::Int(*i),
        Literal::Big(b) => Value::integer(ctx.mc, b.0.clone()),
        Literal::Float(f) => Value::Float(*f),
        Literal::Char(c) => Value::Char(*c),
        Literal::Str(s) => Value::immutable_string(ctx.mc, s),
        Literal::Sym(s) => ctx.sym(s),
        Literal::Bytevector(b) => Value::bytevector(ctx.mc, b.clone()),
        Literal::LabelRef(n) => labels.get(n).copied().unwrap_or(Value::Unspecified),
        Literal::Label(n, inner) => match &**inner {
            Literal::List(items, tail) => {
                let first = Value::cons(ctx.mc, Value::Unspecified, Value::Nil);
                labels.insert(*n, first);
                fill_list(ctx, first, items, tail.as_deref(), labels);
                first
            }
            Literal::Vector(items) => {
                let v = Value::vector(ctx.mc, Vec::new());
                labels.insert(*n, v);
                let elems: Vec<Value<'gc>> =
                    items.iter().map(|i| convert(ctx, i, labels)).collect();
                if let Value::Vector(g) = v {
                    g.borrow_mut(ctx.mc).replace(elems);
                }
                v
            }
            other => {
                let v = convert(ctx, other, labels);
                labels.insert(*n, v);
                v
            }
        },
        Literal::List(items, tail) => {
            let first = Value::cons(ctx.mc, Value::Unspecified, Value::Nil);
            fill_list(ctx, first, items, tail.as_deref(), labels);
            first
        }
        Literal::Vector(items) => {
            let elems: Vec<Value<'gc>> = items.iter().map(|i| convert(ctx, i, labels)).collect();
            Value::vector(ctx.mc, elems)
        }
    }
}

/// Fills a chain of pairs starting at the already-allocated `first`.
fn fill_list<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    first: Value<'gc>,
    items: &[Literal],
    tail: Option<&Literal>,
    labels: &mut HashMap<u32, Value<'gc>>,
) {
    let mut cur = first;
    for (i, item) in items.iter().enumerate() {
        let car = convert(ctx, item, labels);
        let next = if i + 1 < items.len() {
            Value::cons(ctx.mc, Value::Unspecified, Value::Nil)
        } else {
            match tail {
                Some(t) => convert(ctx, t, labels),
                None => Value::Nil,
            }
        };
        if let Value::Pair(p) = cur {
            set_pair(ctx, p, car, next);
        }
        cur = next;
    }
}

fn set_pair<'gc>(ctx: &mut Ctx<'_, 'gc>, p: Gc<'gc, Pair<'gc>>, car: Value<'gc>, cdr: Value<'gc>) {
    Pair::set_car(ctx.mc, p, car);
    Pair::set_cdr(ctx.mc, p, cdr);
}
