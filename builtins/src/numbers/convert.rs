//! Exactness and text conversions (spec §6.2, §6.3): `exact`, `inexact` and their R5RS
//! names, `number->string` (flonums print as `display` shows them) and
//! `string->number` (the reader's own number parser).

use super::tower::{float_to_big, normalise, Num};
use crate::args;
use eta_compiler::{parse_number, Number};
use eta_vm::printer::format_flonum;
use eta_vm::{Ctx, Error, NResult, Value};

/// The exact integer equal to `v`, or the "no exact representation" error naming `who`.
fn to_exact<'gc>(ctx: &mut Ctx<'_, 'gc>, who: &str, v: Value<'gc>) -> NResult<'gc> {
    match Num::from_value(who, v)? {
        Num::Float(f) if f.is_finite() && f.fract() == 0.0 => {
            Ok(normalise(float_to_big(f)).to_value(ctx.mc))
        }
        Num::Float(f) => Err(Error::msg(format!(
            "{who}: {} has no exact representation",
            format_flonum(f)
        ))
        .with_irritants(vec![v])),
        exact => Ok(exact.to_value(ctx.mc)),
    }
}

/// The nearest flonum to `v`.
fn to_inexact<'gc>(who: &str, v: Value<'gc>) -> NResult<'gc> {
    Ok(Value::Float(Num::from_value(who, v)?.to_f64()))
}

/// `(exact z)` ;; `(exact 2.0)` => 2
pub fn exact<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    to_exact(ctx, "exact", a[0])
}

/// `(inexact->exact z)` ;; `(inexact->exact 1e20)` => 100000000000000000000
pub fn inexact_to_exact<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    to_exact(ctx, "inexact->exact", a[0])
}

/// `(inexact z)` ;; `(inexact 1)` => 1.0
pub fn inexact<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    to_inexact("inexact", a[0])
}

/// `(exact->inexact z)` ;; `(exact->inexact 7)` => 7.0
pub fn exact_to_inexact<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    to_inexact("exact->inexact", a[0])
}

/// An optional radix argument: 2, 8, 10 or 16 (default 10).
fn radix<'gc>(who: &str, v: Option<&Value<'gc>>) -> Result<u32, Error<'gc>> {
    match v {
        None => Ok(10),
        Some(Value::Int(r @ (2 | 8 | 10 | 16))) => Ok(*r as u32),
        Some(v @ (Value::Int(_) | Value::Big(_))) => Err(Error::msg(format!(
            "{who}: radix {} out of range (expected 2, 8, 10 or 16)",
            eta_vm::write_truncated(*v, 60)
        ))
        .with_irritants(vec![*v])),
        Some(v) => Err(Error::type_error(who, "exact integer", *v)),
    }
}

/// The text of a number in `radix` (flonums in radix 10 only).
pub fn number_text(n: &Num, radix: u32) -> Option<String> {
    match n {
        Num::Float(f) => (radix == 10).then(|| format_flonum(*f)),
        Num::Int(i) if radix == 10 => Some(i.to_string()),
        Num::Int(i) => {
            let sign = if *i < 0 { "-" } else { "" };
            let m = i.unsigned_abs();
            Some(match radix {
                2 => format!("{sign}{m:b}"),
                8 => format!("{sign}{m:o}"),
                _ => format!("{sign}{m:x}"),
            })
        }
        Num::Big(b) => Some(b.to_str_radix(radix)),
    }
}

/// `(number->string z [radix])` ;; `(number->string 255 16)` => "ff"
pub fn number_to_string<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "number->string";
    let n = Num::from_value(WHO, a[0])?;
    let r = radix(WHO, a.get(1))?;
    match number_text(&n, r) {
        Some(text) => Ok(Value::string(ctx.mc, &text)),
        None => Err(
            Error::msg(format!("{WHO}: radix {r} requires an exact integer"))
                .with_irritants(vec![a[0]]),
        ),
    }
}

/// `(string->number str [radix])` ;; `(string->number "ff" 16)` => 255
pub fn string_to_number<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "string->number";
    let text = args::string(WHO, a[0])?;
    let r = radix(WHO, a.get(1))?;
    Ok(match parse_number(&text, r) {
        Some(Number::Int(i)) => Value::Int(i),
        Some(Number::Big(b)) => Value::integer(ctx.mc, b),
        Some(Number::Float(f)) => Value::Float(f),
        None => Value::Bool(false),
    })
}
