//! Bytevectors (spec §10.7): construction, byte access, copying and appending.
//! Bytes are exact integers 0–255; indexes and ranges follow the shared helpers in
//! [`crate::vectors`].

use crate::vectors::{copy_into, copy_range, count, filled, index};
use eta_vm::{natives, Ctx, Error, Gc, NResult, Value};
use gc_arena::RefLock;

type BytesRef<'gc> = Gc<'gc, RefLock<eta_vm::Tracked<Vec<u8>>>>;

fn bytes_arg<'gc>(who: &str, v: Value<'gc>) -> Result<BytesRef<'gc>, Error<'gc>> {
    match v {
        Value::Bytevector(b) => Ok(b),
        _ => Err(Error::type_error(who, "bytevector", v)),
    }
}

/// A byte argument: an exact integer 0–255 (`NAME: expected a byte, got 256`).
pub fn byte<'gc>(who: &str, v: Value<'gc>) -> Result<u8, Error<'gc>> {
    match v {
        Value::Int(i) => u8::try_from(i).map_err(|_| Error::type_error(who, "byte", v)),
        _ => Err(Error::type_error(who, "byte", v)),
    }
}

/// `(make-bytevector k [byte])`: `k` copies of `byte` (default 0).
///
/// `(make-bytevector 2 7)` ;; => #u8(7 7)
fn make_bytevector<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "make-bytevector";
    let n = count(WHO, a[0])?;
    let fill = match a.get(1) {
        Some(v) => byte(WHO, *v)?,
        None => 0,
    };
    Ok(Value::bytevector(ctx.mc, filled(WHO, n, fill)?))
}

/// `(bytevector byte ...)`: a fresh bytevector of the arguments.
///
/// `(bytevector 1 2)` ;; => #u8(1 2)
fn bytevector<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let bytes = a
        .iter()
        .map(|v| byte("bytevector", *v))
        .collect::<Result<Vec<u8>, _>>()?;
    Ok(Value::bytevector(ctx.mc, bytes))
}

/// `(bytevector-length bv)`: the number of bytes.
///
/// `(bytevector-length #u8(1 2))` ;; => 2
fn bytevector_length<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let b = bytes_arg("bytevector-length", a[0])?;
    let len = b.borrow().len();
    Ok(Value::Int(len as i64))
}

/// `(bytevector-u8-ref bv k)`: byte `k`.
///
/// `(bytevector-u8-ref #u8(5 6) 1)` ;; => 6
fn bytevector_u8_ref<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "bytevector-u8-ref";
    let b = bytes_arg(WHO, a[0])?;
    let bytes = b.borrow();
    let k = index(WHO, a[1], bytes.len())?;
    Ok(Value::Int(i64::from(bytes[k])))
}

/// `(bytevector-u8-set! bv k byte)`: stores `byte` at `k`.
///
/// `(let ((b (bytevector 1 2))) (bytevector-u8-set! b 0 9) b)` ;; => #u8(9 2)
fn bytevector_u8_set<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "bytevector-u8-set!";
    let b = bytes_arg(WHO, a[0])?;
    let len = b.borrow().len();
    let k = index(WHO, a[1], len)?;
    let v = byte(WHO, a[2])?;
    b.borrow_mut(ctx.mc)[k] = v;
    Ok(Value::Unspecified)
}

/// `(bytevector-copy bv [start [end]])`: a fresh bytevector of the bytes in the range.
///
/// `(bytevector-copy #u8(1 2 3) 1)` ;; => #u8(2 3)
fn bytevector_copy<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let b = bytes_arg("bytevector-copy", a[0])?;
    let copy = copy_range("bytevector-copy", a, 1, &b.borrow())?;
    Ok(Value::bytevector(ctx.mc, copy))
}

/// `(bytevector-copy! to at from [start [end]])`: copies `from[start..end]` into `to`
/// starting at `at`; the two may be the same bytevector, with overlapping ranges.
///
/// `(let ((b (bytevector 1 2 3))) (bytevector-copy! b 1 #u8(9)) b)` ;; => #u8(1 9 3)
fn bytevector_copy_to<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "bytevector-copy!";
    let to = bytes_arg(WHO, a[0])?;
    let from = bytes_arg(WHO, a[2])?;
    copy_into(ctx.mc, WHO, a, to, from)
}

/// `(bytevector-append bv ...)`: a fresh bytevector of the bytes of every argument.
///
/// `(bytevector-append #u8(1) #u8(2 3))` ;; => #u8(1 2 3)
fn bytevector_append<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let mut out = Vec::new();
    for v in a {
        out.extend_from_slice(&bytes_arg("bytevector-append", *v)?.borrow());
    }
    Ok(Value::bytevector(ctx.mc, out))
}

/// The bytevector builtins.
pub static NATIVES: &[eta_vm::Native] = natives![
    "make-bytevector", 1, Some(2), Simple(make_bytevector);
    "bytevector", 0, None, Simple(bytevector);
    "bytevector-length", 1, Some(1), Simple(bytevector_length);
    "bytevector-u8-ref", 2, Some(2), Simple(bytevector_u8_ref);
    "bytevector-u8-set!", 3, Some(3), Simple(bytevector_u8_set);
    "bytevector-copy", 1, Some(3), Simple(bytevector_copy);
    "bytevector-copy!", 3, Some(5), Simple(bytevector_copy_to);
    "bytevector-append", 0, None, Simple(bytevector_append);
];
