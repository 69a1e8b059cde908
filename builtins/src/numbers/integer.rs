//! Integer operations (spec §6.2): the truncating and flooring division families
//! (`quotient remainder modulo floor/ truncate/ ...`), `gcd`/`lcm`,
//! `numerator`/`denominator` and `exact-integer-sqrt`. Integral flonums are accepted
//! and give flonum results.

use super::tower::{division_by_zero, normalise, Num};
use eta_vm::{Ctx, Error, Gc, NResult, Value};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, Zero};

/// How an integer division rounds its quotient.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Rounding {
    /// Toward negative infinity (`floor/`, `modulo`): the remainder has the divisor's sign.
    Floor,
    /// Toward zero (`truncate/`, `quotient`, `remainder`): the remainder has the
    /// dividend's sign.
    Truncate,
}

/// An integer argument: an exact integer or an integral finite flonum.
pub fn integer<'gc>(who: &str, v: Value<'gc>) -> Result<Num, Error<'gc>> {
    let n = Num::expect(who, "integer", v)?;
    if n.is_integer() {
        Ok(n)
    } else {
        Err(Error::type_error(who, "integer", v))
    }
}

/// `n` divided by `m` rounding as `mode`: `(quotient, remainder)`. Exact operands give
/// exact results; a flonum operand gives flonum results (also for non-integral
/// flonums, where the remainder is `n - m*floor(n/m)` or `n - m*truncate(n/m)`). An
/// exact zero divisor is an error naming `who`.
pub fn divide<'gc>(who: &str, n: &Num, m: &Num, mode: Rounding) -> Result<(Num, Num), Error<'gc>> {
    if m.is_exact() && m.is_zero() {
        return Err(division_by_zero(who));
    }
    match (n, m) {
        (Num::Float(_), _) | (_, Num::Float(_)) => {
            let (q, r) = float_divide(n.to_f64(), m.to_f64(), mode);
            Ok((Num::Float(q), Num::Float(r)))
        }
        (Num::Int(x), Num::Int(y)) => Ok(match (x.checked_div(*y), x.checked_rem(*y)) {
            (Some(mut q), Some(mut r)) => {
                if mode == Rounding::Floor && r != 0 && ((r < 0) != (*y < 0)) {
                    // q > i64::MIN here and r, y have opposite signs: no overflow.
                    q -= 1;
                    r += y;
                }
                (Num::Int(q), Num::Int(r))
            }
            // i64::MIN / -1.
            _ => (normalise(-BigInt::from(*x)), Num::Int(0)),
        }),
        _ => {
            let (x, y) = (n.to_big(), m.to_big());
            let (q, r) = match mode {
                Rounding::Floor => x.div_mod_floor(&y),
                Rounding::Truncate => x.div_rem(&y),
            };
            Ok((normalise(q), normalise(r)))
        }
    }
}

/// Flonum division with remainder. `%` is the exact IEEE remainder of truncation, so
/// the remainder is computed without rounding; a zero remainder is `+0.0`, as the
/// defining formula gives.
fn float_divide(x: f64, y: f64, mode: Rounding) -> (f64, f64) {
    let mut r = x % y;
    if mode == Rounding::Floor && r != 0.0 && ((r < 0.0) != (y < 0.0)) {
        r += y;
    }
    if r == 0.0 {
        r = 0.0;
    }
    // x - r is a multiple of y, so the quotient is integral up to rounding.
    let q = ((x - r) / y).round();
    (q, r)
}

/// Shared body of the two-argument division builtins; `any_real` admits non-integral
/// flonums (the remainder extension of §6.2).
fn div_op<'gc>(
    who: &str,
    a: &[Value<'gc>],
    mode: Rounding,
    any_real: bool,
) -> Result<(Num, Num), Error<'gc>> {
    let (n, m) = if any_real {
        (
            Num::expect(who, "real", a[0])?,
            Num::expect(who, "real", a[1])?,
        )
    } else {
        (integer(who, a[0])?, integer(who, a[1])?)
    };
    divide(who, &n, &m, mode)
}

/// `(quotient n m)` ;; `(quotient 7 2)` => 3
pub fn quotient<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(div_op("quotient", a, Rounding::Truncate, false)?
        .0
        .to_value(ctx.mc))
}

/// `(remainder n m)` ;; `(remainder -7 2)` => -1
pub fn remainder<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(div_op("remainder", a, Rounding::Truncate, true)?
        .1
        .to_value(ctx.mc))
}

/// `(modulo n m)` ;; `(modulo -7 2)` => 1
pub fn modulo<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(div_op("modulo", a, Rounding::Floor, true)?
        .1
        .to_value(ctx.mc))
}

/// `(floor-quotient n m)` ;; `(floor-quotient -7 2)` => -4
pub fn floor_quotient<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(div_op("floor-quotient", a, Rounding::Floor, false)?
        .0
        .to_value(ctx.mc))
}

/// `(floor-remainder n m)` ;; `(floor-remainder -7 2)` => 1
pub fn floor_remainder<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(div_op("floor-remainder", a, Rounding::Floor, true)?
        .1
        .to_value(ctx.mc))
}

/// `(truncate-quotient n m)` ;; `(truncate-quotient -7 2)` => -3
pub fn truncate_quotient<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(div_op("truncate-quotient", a, Rounding::Truncate, false)?
        .0
        .to_value(ctx.mc))
}

/// `(truncate-remainder n m)` ;; `(truncate-remainder -7 2)` => -1
pub fn truncate_remainder<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(div_op("truncate-remainder", a, Rounding::Truncate, true)?
        .1
        .to_value(ctx.mc))
}

/// Two results as multiple values.
fn two<'gc>(ctx: &mut Ctx<'_, 'gc>, (a, b): (Num, Num)) -> Value<'gc> {
    let pair = vec![a.to_value(ctx.mc), b.to_value(ctx.mc)];
    Value::Values(Gc::new(ctx.mc, pair))
}

/// `(floor/ n m)` ;; `(floor/ -7 2)` => -4 1
pub fn floor_div<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let qr = div_op("floor/", a, Rounding::Floor, false)?;
    Ok(two(ctx, qr))
}

/// `(truncate/ n m)` ;; `(truncate/ -7 2)` => -3 -1
pub fn truncate_div<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let qr = div_op("truncate/", a, Rounding::Truncate, false)?;
    Ok(two(ctx, qr))
}

/// The integer arguments of `gcd`/`lcm` as magnitudes, and whether any was inexact.
fn magnitudes<'gc>(who: &str, a: &[Value<'gc>]) -> Result<(Vec<BigInt>, bool), Error<'gc>> {
    let mut inexact = false;
    let mut out = Vec::with_capacity(a.len());
    for v in a {
        let n = integer(who, *v)?;
        inexact |= !n.is_exact();
        out.push(n.to_big().abs());
    }
    Ok((out, inexact))
}

/// `(gcd n ...)` ;; `(gcd 12 -18)` => 6
pub fn gcd<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    if let [Value::Int(x), Value::Int(y)] = a {
        // The common case stays in machine words; |i64::MIN| fits a u64.
        let g = x.unsigned_abs().gcd(&y.unsigned_abs());
        return Ok(normalise(BigInt::from(g)).to_value(ctx.mc));
    }
    let (ns, inexact) = magnitudes("gcd", a)?;
    let g = ns.iter().fold(BigInt::zero(), |acc, n| acc.gcd(n));
    Ok(normalise(g).inexact_if(inexact).to_value(ctx.mc))
}

/// `(lcm n ...)` ;; `(lcm 4 6)` => 12
pub fn lcm<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let (ns, inexact) = magnitudes("lcm", a)?;
    let l = ns.iter().fold(BigInt::from(1), |acc, n| {
        if acc.is_zero() || n.is_zero() {
            BigInt::zero()
        } else {
            acc.lcm(n)
        }
    });
    Ok(normalise(l).inexact_if(inexact).to_value(ctx.mc))
}

/// A finite flonum as the exact binary fraction `num / 2^shift` in lowest terms.
pub fn float_fraction(x: f64) -> (f64, f64) {
    if x == 0.0 || x.fract() == 0.0 {
        return (x, 1.0);
    }
    // Non-integral, so |x| < 2^52 and the exponent is negative: x = m·2^-s.
    let mut s = 0u32;
    let mut m = x;
    while m.fract() != 0.0 {
        // Doubling is exact for finite values far below the overflow threshold.
        m *= 2.0;
        s += 1;
    }
    (m, 2f64.powi(s as i32))
}

/// A rational argument (exact integer or finite flonum).
fn rational<'gc>(who: &str, v: Value<'gc>) -> Result<Num, Error<'gc>> {
    match Num::expect(who, "rational number", v)? {
        Num::Float(f) if !f.is_finite() => Err(Error::type_error(who, "rational number", v)),
        n => Ok(n),
    }
}

/// `(numerator q)` ;; `(numerator 0.75)` => 3.0
pub fn numerator<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(match rational("numerator", a[0])? {
        Num::Float(f) => Value::Float(float_fraction(f).0),
        exact => exact.to_value(ctx.mc),
    })
}

/// `(denominator q)` ;; `(denominator 0.75)` => 4.0
pub fn denominator<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(match rational("denominator", a[0])? {
        Num::Float(f) => Value::Float(float_fraction(f).1),
        _ => Value::Int(1),
    })
}

/// `(exact-integer-sqrt k)` ;; `(exact-integer-sqrt 17)` => 4 1
pub fn exact_integer_sqrt<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "exact-integer-sqrt";
    let k = match a[0] {
        Value::Int(i) => BigInt::from(i),
        Value::Big(b) => (*b).clone(),
        v => return Err(Error::type_error(WHO, "exact integer", v)),
    };
    if k.is_negative() {
        return Err(
            Error::msg(format!("{WHO}: {k} out of range (must be non-negative)"))
                .with_irritants(vec![a[0]]),
        );
    }
    let s = k.sqrt();
    let r = &k - &s * &s;
    Ok(two(ctx, (normalise(s), normalise(r))))
}

/// The exact square root of a non-negative exact integer, if it is a perfect square.
pub fn exact_sqrt(n: &BigInt) -> Option<BigInt> {
    if n.is_negative() {
        return None;
    }
    let s = n.sqrt();
    (&s * &s == *n).then_some(s)
}
