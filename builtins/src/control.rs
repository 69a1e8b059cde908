//! Control helpers used by the prelude and derived forms: error helpers for Eta-written
//! builtins, arity tests for `case-lambda`, `void`-like helpers.

use eta_vm::{natives, Ctx, Error, NResult, Value};

/// `(%type-error who kind value)`: raises `WHO: expected KIND, got VALUE`.
fn type_error<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let who = eta_vm::display_string(a[0]);
    let kind = eta_vm::display_string(a[1]);
    Err(Error::type_error(&who, &kind, a[2]))
}

/// `(%arity-error who n)`: raises an arity error for a call with `n` arguments.
fn arity_error<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let who = eta_vm::display_string(a[0]);
    let n = match a[1] {
        Value::Int(n) => n.max(0) as usize,
        _ => 0,
    };
    Err(Error::new(
        eta_vm::tags::ARITY,
        format!(
            "{who}: no clause accepts {n} argument{}",
            if n == 1 { "" } else { "s" }
        ),
    ))
}

/// `(%accepts? proc n)`: whether `proc` accepts `n` arguments.
fn accepts<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let n = match a[1] {
        Value::Int(n) if n >= 0 => n as usize,
        _ => return Ok(Value::Bool(false)),
    };
    Ok(Value::Bool(match a[0] {
        Value::Closure(c) => {
            let p = &c.proto.proto;
            n >= p.nreq as usize && (p.rest || n == p.nreq as usize)
        }
        Value::Native(f) => n >= f.min as usize && f.max.is_none_or(|m| n <= m as usize),
        _ => true,
    }))
}

/// The control helpers.
pub static NATIVES: &[eta_vm::Native] = natives![
    "%type-error", 3, Some(3), Simple(type_error);
    "%arity-error", 2, Some(2), Simple(arity_error);
    "%accepts?", 2, Some(2), Simple(accepts);
];
