//! Vectors (spec §10.6).

use crate::args;
use eta_vm::{natives, Ctx, Error, NResult, Value};

/// Resolves optional `[start [end]]` arguments at `a[i]`, `a[i+1]` against `len`.
pub fn range<'gc>(
    who: &str,
    a: &[Value<'gc>],
    i: usize,
    len: usize,
) -> Result<(usize, usize), Error<'gc>> {
    let start = match a.get(i) {
        Some(v) => args::index(who, *v)?,
        None => 0,
    };
    let end = match a.get(i + 1) {
        Some(v) => args::index(who, *v)?,
        None => len,
    };
    if start > end || end > len {
        return Err(Error::msg(format!("{who}: bad range {start}..{end}")));
    }
    Ok((start, end))
}

fn vec_arg<'gc>(
    who: &str,
    v: Value<'gc>,
) -> Result<eta_vm::Gc<'gc, gc_arena::RefLock<Vec<Value<'gc>>>>, Error<'gc>> {
    match v {
        Value::Vector(x) => Ok(x),
        _ => Err(Error::type_error(who, "vector", v)),
    }
}

/// `(vector x ...)` ;; `(vector 1 2)` => #(1 2)
fn vector<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::vector(ctx.mc, a.to_vec()))
}

/// `(make-vector k [fill])` ;; `(make-vector 2 0)` => #(0 0)
fn make_vector<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let n = args::index("make-vector", a[0])?;
    if n > (1 << 32) {
        return Err(Error::new(
            eta_vm::tags::HEAP,
            format!("make-vector: cannot allocate {n} elements"),
        ));
    }
    let fill = a.get(1).copied().unwrap_or(Value::Unspecified);
    Ok(Value::vector(ctx.mc, vec![fill; n]))
}

/// `(vector-length v)` ;; `(vector-length #(1 2))` => 2
fn vector_length<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Int(
        vec_arg("vector-length", a[0])?.borrow().len() as i64
    ))
}

/// `(vector-ref v k)` ;; `(vector-ref #(a b) 1)` => b
fn vector_ref<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let v = vec_arg("vector-ref", a[0])?;
    let k = args::index("vector-ref", a[1])?;
    let items = v.borrow();
    items
        .get(k)
        .copied()
        .ok_or_else(|| Error::range("vector-ref", a[1], items.len()))
}

/// `(vector-set! v k x)` ;; `(vector-set! v 0 'x)`
fn vector_set<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let v = vec_arg("vector-set!", a[0])?;
    let k = args::index("vector-set!", a[1])?;
    let mut items = v.borrow_mut(ctx.mc);
    let len = items.len();
    match items.get_mut(k) {
        Some(slot) => {
            *slot = a[2];
            Ok(Value::Unspecified)
        }
        None => Err(Error::range("vector-set!", a[1], len)),
    }
}

/// `(vector->list v [start [end]])` ;; `(vector->list #(1 2))` => (1 2)
fn vector_to_list<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let v = vec_arg("vector->list", a[0])?;
    let items = v.borrow();
    let (s, e) = range("vector->list", a, 1, items.len())?;
    Ok(Value::list(ctx.mc, items[s..e].iter().copied()))
}

/// `(list->vector list)` ;; `(list->vector '(1 2))` => #(1 2)
fn list_to_vector<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::vector(ctx.mc, args::list("list->vector", a[0])?))
}

/// The vector builtins.
pub static NATIVES: &[eta_vm::Native] = natives![
    "vector", 0, None, Simple(vector);
    "make-vector", 1, Some(2), Simple(make_vector);
    "vector-length", 1, Some(1), Simple(vector_length);
    "vector-ref", 2, Some(2), Simple(vector_ref);
    "vector-set!", 3, Some(3), Simple(vector_set);
    "vector->list", 1, Some(3), Simple(vector_to_list);
    "list->vector", 1, Some(1), Simple(list_to_vector);
];
