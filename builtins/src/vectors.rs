//! Vectors (spec §10.6), plus the argument helpers shared by every sequence domain
//! (strings, vectors, bytevectors): element indexes, optional `[start [end]]` ranges
//! and the sizes of `make-*` requests, with the spec's `R` error messages.

use crate::args;
use eta_vm::{natives, tags, Ctx, Error, Gc, Mutation, NResult, Value};
use gc_arena::RefLock;

/// The largest element count one `make-vector`, `make-string`, `make-bytevector` or `make-list`
/// call may request; bigger requests are heap errors rather than allocation aborts.
pub const MAX_ELEMENTS: usize = 1 << 32;

/// An element index `v` into a sequence of length `len`: an exact integer (`T`)
/// with `0 <= v < len` (`R`: `NAME: index 7 out of range for length 3`).
pub fn index<'gc>(who: &str, v: Value<'gc>, len: usize) -> Result<usize, Error<'gc>> {
    match v {
        Value::Int(i) => match usize::try_from(i) {
            Ok(k) if k < len => Ok(k),
            _ => Err(Error::range(who, v, len)),
        },
        Value::Big(_) => Err(Error::range(who, v, len)),
        _ => Err(Error::type_error(who, "exact integer", v)),
    }
}

/// A position `v` in `0..=len` (the `at` of the `copy!` procedures): an exact
/// integer (`T`) within the sequence or just past its end (`R`).
pub fn position<'gc>(who: &str, v: Value<'gc>, len: usize) -> Result<usize, Error<'gc>> {
    match v {
        Value::Int(i) => match usize::try_from(i) {
            Ok(k) if k <= len => Ok(k),
            _ => Err(Error::range(who, v, len)),
        },
        Value::Big(_) => Err(Error::range(who, v, len)),
        _ => Err(Error::type_error(who, "exact integer", v)),
    }
}

/// Resolves optional `[start [end]]` arguments at `a[i]`, `a[i+1]` against `len`:
/// exact integers (`T`) with `0 <= start <= end <= len` (`R`: `NAME: bad range 4..2`).
pub fn range<'gc>(
    who: &str,
    a: &[Value<'gc>],
    i: usize,
    len: usize,
) -> Result<(usize, usize), Error<'gc>> {
    let bound = |v: Option<&Value<'gc>>, default: usize| match v {
        None => Ok(Some(default)),
        Some(Value::Int(n)) => Ok(usize::try_from(*n).ok()),
        Some(Value::Big(_)) => Ok(None),
        Some(other) => Err(Error::type_error(who, "exact integer", *other)),
    };
    let start = bound(a.get(i), 0)?;
    let end = bound(a.get(i + 1), len)?;
    match (start, end) {
        (Some(s), Some(e)) if s <= e && e <= len => Ok((s, e)),
        _ => {
            let show = |v: Option<&Value<'gc>>, default: usize| match v {
                Some(v) => eta_vm::write_truncated(*v, 60),
                None => default.to_string(),
            };
            Err(Error::msg(format!(
                "{who}: bad range {}..{}",
                show(a.get(i), 0),
                show(a.get(i + 1), len)
            ))
            .with_irritants(a.iter().skip(i).take(2).copied().collect()))
        }
    }
}

/// The element count `k` of a `make-*` request: a non-negative exact integer (`T`);
/// counts above [`MAX_ELEMENTS`] are *runtime.heap-error*.
pub fn count<'gc>(who: &str, v: Value<'gc>) -> Result<usize, Error<'gc>> {
    match v {
        Value::Int(i) if i < 0 => Err(Error::type_error(who, "non-negative integer", v)),
        Value::Int(i) => match usize::try_from(i) {
            Ok(n) if n <= MAX_ELEMENTS => Ok(n),
            _ => Err(heap_error(who, &i.to_string())),
        },
        Value::Big(b) if b.sign() == num_bigint::Sign::Minus => {
            Err(Error::type_error(who, "non-negative integer", v))
        }
        Value::Big(b) => Err(heap_error(who, &b.to_string())),
        _ => Err(Error::type_error(who, "exact integer", v)),
    }
}

/// The *runtime.heap-error* of an allocation of `n` elements that cannot be made.
pub fn heap_error<'gc>(who: &str, n: &str) -> Error<'gc> {
    Error::new(tags::HEAP, format!("{who}: cannot allocate {n} elements"))
}

/// A vector of `n` copies of `fill`, or a heap error when the memory is not available
/// (checked before allocating, so a huge request never aborts the process).
pub fn filled<'gc, T: Clone>(who: &str, n: usize, fill: T) -> Result<Vec<T>, Error<'gc>> {
    let mut out = Vec::new();
    out.try_reserve_exact(n)
        .map_err(|_| heap_error(who, &n.to_string()))?;
    out.resize(n, fill);
    Ok(out)
}

type VecRef<'gc> = Gc<'gc, RefLock<eta_vm::Tracked<Vec<Value<'gc>>>>>;

fn vec_arg<'gc>(who: &str, v: Value<'gc>) -> Result<VecRef<'gc>, Error<'gc>> {
    match v {
        Value::Vector(x) => Ok(x),
        _ => Err(Error::type_error(who, "vector", v)),
    }
}

/// `(vector x ...)`: a fresh vector of the arguments.
///
/// `(vector 1 2)` ;; => #(1 2)
fn vector<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::vector(ctx.mc, a.to_vec()))
}

/// `(make-vector k [fill])`: `k` copies of `fill` (default: unspecified).
///
/// `(make-vector 2 0)` ;; => #(0 0)
fn make_vector<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let n = count("make-vector", a[0])?;
    let fill = a.get(1).copied().unwrap_or(Value::Unspecified);
    Ok(Value::vector(ctx.mc, filled("make-vector", n, fill)?))
}

/// `(vector-length v)`: the number of elements.
///
/// `(vector-length #(1 2))` ;; => 2
fn vector_length<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let v = vec_arg("vector-length", a[0])?;
    let len = v.borrow().len();
    Ok(Value::Int(len as i64))
}

/// `(vector-ref v k)`: element `k`.
///
/// `(vector-ref #(a b) 1)` ;; => b
fn vector_ref<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let v = vec_arg("vector-ref", a[0])?;
    let items = v.borrow();
    let k = index("vector-ref", a[1], items.len())?;
    Ok(items[k])
}

/// `(vector-set! v k x)`: stores `x` as element `k`.
///
/// `(let ((v (vector 1 2))) (vector-set! v 0 'x) v)` ;; => #(x 2)
fn vector_set<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let v = vec_arg("vector-set!", a[0])?;
    let mut items = v.borrow_mut(ctx.mc);
    let k = index("vector-set!", a[1], items.len())?;
    items[k] = a[2];
    Ok(Value::Unspecified)
}

/// `(vector->list v [start [end]])`: the elements as a fresh list.
///
/// `(vector->list #(1 2 3) 1)` ;; => (2 3)
fn vector_to_list<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let v = vec_arg("vector->list", a[0])?;
    let items = v.borrow();
    let (s, e) = range("vector->list", a, 1, items.len())?;
    Ok(Value::list(ctx.mc, items[s..e].iter().copied()))
}

/// `(list->vector list)`: a fresh vector of the list's elements.
///
/// `(list->vector '(1 2))` ;; => #(1 2)
fn list_to_vector<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::vector(ctx.mc, args::list("list->vector", a[0])?))
}

/// `(vector-fill! v x [start [end]])`: stores `x` in every element of the range.
///
/// `(let ((v (vector 1 2 3))) (vector-fill! v 0 1) v)` ;; => #(1 0 0)
fn vector_fill<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let v = vec_arg("vector-fill!", a[0])?;
    let mut items = v.borrow_mut(ctx.mc);
    let (s, e) = range("vector-fill!", a, 2, items.len())?;
    items[s..e].fill(a[1]);
    Ok(Value::Unspecified)
}

/// The elements of `seq` in the optional `[start [end]]` range at `a[i]`: the shared
/// body of `vector-copy` and `bytevector-copy`.
pub fn copy_range<'gc, T: Copy>(
    who: &str,
    a: &[Value<'gc>],
    i: usize,
    seq: &[T],
) -> Result<Vec<T>, Error<'gc>> {
    let (s, e) = range(who, a, i, seq.len())?;
    Ok(seq[s..e].to_vec())
}

/// `(X-copy! to at from [start [end]])` for vectors and bytevectors: copies
/// `from[start..end]` into `to` at `at`; `to` and `from` may be the same object.
pub fn copy_into<'gc, T: Copy + 'gc>(
    mc: &Mutation<'gc>,
    who: &str,
    a: &[Value<'gc>],
    to: Gc<'gc, RefLock<eta_vm::Tracked<Vec<T>>>>,
    from: Gc<'gc, RefLock<eta_vm::Tracked<Vec<T>>>>,
) -> NResult<'gc> {
    let to_len = to.borrow().len();
    let at = position(who, a[1], to_len)?;
    // Copied out first so that `to` and `from` may be the same object.
    let chunk = copy_range(who, a, 3, &from.borrow())?;
    if chunk.len() > to_len - at {
        return Err(
            Error::msg(format!("{who}: bad range {at}..{}", at + chunk.len()))
                .with_irritants(vec![a[1]]),
        );
    }
    to.borrow_mut(mc)[at..at + chunk.len()].copy_from_slice(&chunk);
    Ok(Value::Unspecified)
}

/// `(vector-copy v [start [end]])`: a fresh vector of the elements in the range.
///
/// `(vector-copy #(1 2 3) 1 2)` ;; => #(2)
fn vector_copy<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let v = vec_arg("vector-copy", a[0])?;
    let copy = copy_range("vector-copy", a, 1, &v.borrow())?;
    Ok(Value::vector(ctx.mc, copy))
}

/// `(vector-copy! to at from [start [end]])`: copies `from[start..end]` into `to`
/// starting at `at`; the two may be the same vector, with overlapping ranges.
///
/// `(let ((v (vector 1 2 3))) (vector-copy! v 0 #(9 8)) v)` ;; => #(9 8 3)
fn vector_copy_to<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "vector-copy!";
    let to = vec_arg(WHO, a[0])?;
    let from = vec_arg(WHO, a[2])?;
    copy_into(ctx.mc, WHO, a, to, from)
}

/// `(vector-append v ...)`: a fresh vector of the elements of every argument.
///
/// `(vector-append #(1) #(2 3))` ;; => #(1 2 3)
fn vector_append<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let mut out = Vec::new();
    for v in a {
        out.extend_from_slice(&vec_arg("vector-append", *v)?.borrow());
    }
    Ok(Value::vector(ctx.mc, out))
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
    "vector-fill!", 2, Some(4), Simple(vector_fill);
    "vector-copy", 1, Some(3), Simple(vector_copy);
    "vector-copy!", 3, Some(5), Simple(vector_copy_to);
    "vector-append", 0, None, Simple(vector_append);
];
