//! Datums to heap values, for `read` (and anything else that turns reader output into
//! data at run time): every container is allocated before its elements are converted,
//! so datum labels can refer to an enclosing list or vector and circular data comes out
//! circular. The walk uses an explicit work list, never the native stack.

use crate::interp::Ctx;
use crate::value::{Pair, Value};
use eta_compiler::{Datum, DatumKind};
use gc_arena::{Gc, RefLock};
use std::collections::HashMap;

/// Where a converted value goes.
enum Slot<'gc> {
    /// The result of the whole conversion.
    Root,
    /// The car of a pair allocated earlier.
    Car(Gc<'gc, Pair<'gc>>),
    /// The cdr of a pair allocated earlier.
    Cdr(Gc<'gc, Pair<'gc>>),
    /// An element of a vector allocated earlier.
    Elem(
        Gc<'gc, RefLock<crate::payload::Tracked<Vec<Value<'gc>>>>>,
        usize,
    ),
}

/// Converts a datum into a fresh heap value: strings are mutable, symbols interned,
/// `#n=` / `#n#` labels rebuilt as shared (possibly circular) structure.
///
/// `(read (open-input-string "#0=(a . #0#)"))` ;; => a circular list
pub fn datum_to_value<'gc>(ctx: &mut Ctx<'_, 'gc>, datum: &Datum) -> Value<'gc> {
    let mut labels: HashMap<u32, Value<'gc>> = HashMap::new();
    let mut root = Value::Nil;
    // Popped last-in first-out; children are pushed in reverse so they are converted in
    // textual order, which guarantees a label is defined before any reference to it.
    let mut work: Vec<(&Datum, Slot<'gc>)> = vec![(datum, Slot::Root)];
    while let Some((d, slot)) = work.pop() {
        let mut here = Vec::new();
        let mut cur = d;
        while let DatumKind::Label(n, inner) = &cur.kind {
            here.push(*n);
            cur = inner;
        }
        let v = match &cur.kind {
            DatumKind::Nil => Value::Nil,
            DatumKind::Bool(b) => Value::Bool(*b),
            DatumKind::Int(i) => Value::Int(*i),
            DatumKind::BigInt(b) => Value::integer(ctx.mc, (**b).clone()),
            DatumKind::Float(f) => Value::Float(*f),
            DatumKind::Char(c) => Value::Char(*c),
            DatumKind::Str(s) => Value::string(ctx.mc, s),
            DatumKind::Symbol(s) => ctx.sym(s),
            DatumKind::Bytevector(b) => Value::bytevector(ctx.mc, b.clone()),
            // The reader rejects undefined labels; unspecified is a safe fallback.
            DatumKind::LabelRef(n) => labels.get(n).copied().unwrap_or(Value::Unspecified),
            DatumKind::Label(..) => Value::Unspecified,
            DatumKind::List(items, tail) => {
                let mut pairs = Vec::with_capacity(items.len());
                let mut next = Value::Nil;
                for _ in items {
                    let p = Gc::new(
                        ctx.mc,
                        Pair {
                            car: gc_arena::Lock::new(Value::Unspecified),
                            cdr: gc_arena::Lock::new(next),
                        },
                    );
                    pairs.push(p);
                    next = Value::Pair(p);
                }
                pairs.reverse();
                if let (Some(t), Some(last)) = (tail, pairs.last()) {
                    work.push((t, Slot::Cdr(*last)));
                }
                for (item, p) in items.iter().zip(&pairs).rev() {
                    work.push((item, Slot::Car(*p)));
                }
                next
            }
            DatumKind::Vector(items) => {
                let g = Gc::new(
                    ctx.mc,
                    RefLock::new(crate::payload::Tracked::new(vec![
                        Value::Unspecified;
                        items.len()
                    ])),
                );
                for (i, item) in items.iter().enumerate().rev() {
                    work.push((item, Slot::Elem(g, i)));
                }
                Value::Vector(g)
            }
        };
        for n in here {
            labels.insert(n, v);
        }
        match slot {
            Slot::Root => root = v,
            Slot::Car(p) => Pair::set_car(ctx.mc, p, v),
            Slot::Cdr(p) => Pair::set_cdr(ctx.mc, p, v),
            Slot::Elem(g, i) => {
                if let Some(e) = g.borrow_mut(ctx.mc).get_mut(i) {
                    *e = v;
                }
            }
        }
    }
    root
}
