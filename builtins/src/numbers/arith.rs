//! Arithmetic, comparison and classification builtins (spec §10.2): `+ - * /`, the
//! chained comparisons, the type and sign predicates, `abs`, `min`/`max`, `square` and
//! the rounding family `floor ceiling truncate round`.

use super::tower::{add, compare, div, mul, sub, Num};
use eta_vm::{Ctx, Error, NResult, Value};
use num_integer::Integer;
use num_traits::Signed;
use std::cmp::Ordering;

/// Unpacks every argument as a number, naming `kind` in a type error.
fn all<'gc>(who: &str, kind: &str, a: &[Value<'gc>]) -> Result<Vec<Num>, Error<'gc>> {
    a.iter().map(|v| Num::expect(who, kind, *v)).collect()
}

/// Folds `op` over the arguments, starting from the first one (so `(+ -0.0)` keeps its
/// sign) or from `unit` when there are none.
fn fold<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    who: &str,
    a: &[Value<'gc>],
    unit: Num,
    op: fn(&Num, &Num) -> Num,
) -> NResult<'gc> {
    let Some((first, rest)) = a.split_first() else {
        return Ok(unit.to_value(ctx.mc));
    };
    let mut acc = Num::from_value(who, *first)?;
    for v in rest {
        acc = op(&acc, &Num::from_value(who, *v)?);
    }
    Ok(acc.to_value(ctx.mc))
}

/// `(+ z ...)` ;; `(+ 1 2)` => 3
pub fn plus<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    fold(ctx, "+", a, Num::Int(0), add)
}

/// `(* z ...)` ;; `(* 2 3)` => 6
pub fn times<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    fold(ctx, "*", a, Num::Int(1), mul)
}

/// Negation: exact `0 - x`, or the flonum with its sign flipped (`(- 0.0)` is `-0.0`).
fn negate(n: Num) -> Num {
    match n {
        Num::Float(f) => Num::Float(-f),
        exact => sub(&Num::Int(0), &exact),
    }
}

/// `(- z w ...)` ;; `(- 5 2)` => 3
pub fn minus<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let first = Num::from_value("-", a[0])?;
    if a.len() == 1 {
        return Ok(negate(first).to_value(ctx.mc));
    }
    let mut acc = first;
    for v in &a[1..] {
        acc = sub(&acc, &Num::from_value("-", *v)?);
    }
    Ok(acc.to_value(ctx.mc))
}

/// `(/ z w ...)` ;; `(/ 6 3)` => 2
pub fn divide<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let first = Num::from_value("/", a[0])?;
    if a.len() == 1 {
        return Ok(div("/", &Num::Int(1), &first)?.to_value(ctx.mc));
    }
    // Type-check every argument before dividing, so `(/ 1 0 'x)` reports the symbol.
    let rest = all("/", "number", &a[1..])?;
    let mut acc = first;
    for d in &rest {
        acc = div("/", &acc, d)?;
    }
    Ok(acc.to_value(ctx.mc))
}

/// A chained comparison: every argument is type-checked, then each adjacent pair must
/// satisfy `ok` (a NaN satisfies nothing).
fn chain<'gc>(who: &str, kind: &str, a: &[Value<'gc>], ok: fn(Ordering) -> bool) -> NResult<'gc> {
    if let Some(bad) = a.iter().find(|v| !numeric(**v)) {
        return Err(Error::type_error(who, kind, *bad));
    }
    let mut prev = Num::expect(who, kind, a[0])?;
    for v in &a[1..] {
        let cur = Num::expect(who, kind, *v)?;
        if !compare(&prev, &cur).is_some_and(ok) {
            return Ok(Value::Bool(false));
        }
        prev = cur;
    }
    Ok(Value::Bool(true))
}

/// `(= a b ...)` ;; `(= 1 1.0)` => #t
pub fn num_eq<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    chain("=", "number", a, |o| o == Ordering::Equal)
}

/// `(< a b ...)` ;; `(< 1 2 3)` => #t
pub fn lt<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    chain("<", "real", a, |o| o == Ordering::Less)
}

/// `(> a b ...)` ;; `(> 3 2)` => #t
pub fn gt<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    chain(">", "real", a, |o| o == Ordering::Greater)
}

/// `(<= a b ...)` ;; `(<= 1 1)` => #t
pub fn le<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    chain("<=", "real", a, |o| o != Ordering::Greater)
}

/// `(>= a b ...)` ;; `(>= 2 1)` => #t
pub fn ge<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    chain(">=", "real", a, |o| o != Ordering::Less)
}

/// True for fixnums, bignums and flonums.
fn numeric(v: Value<'_>) -> bool {
    matches!(v, Value::Int(_) | Value::Big(_) | Value::Float(_))
}

/// `(number? x)` ;; `(number? 1.5)` => #t
pub fn is_number<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(numeric(a[0])))
}

/// `(complex? x)` ;; `(complex? 2)` => #t (every number; there are no non-real ones)
pub fn is_complex<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(numeric(a[0])))
}

/// `(real? x)` ;; `(real? +inf.0)` => #t
pub fn is_real<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(numeric(a[0])))
}

/// `(integer? x)` ;; `(integer? 2.0)` => #t
pub fn is_integer<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(match a[0] {
        Value::Int(_) | Value::Big(_) => true,
        Value::Float(f) => f.is_finite() && f.fract() == 0.0,
        _ => false,
    }))
}

/// `(rational? x)` ;; `(rational? 0.5)` => #t, `(rational? +inf.0)` => #f
pub fn is_rational<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(match a[0] {
        Value::Int(_) | Value::Big(_) => true,
        Value::Float(f) => f.is_finite(),
        _ => false,
    }))
}

/// `(exact? z)` ;; `(exact? 1)` => #t
pub fn is_exact<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(Num::from_value("exact?", a[0])?.is_exact()))
}

/// `(inexact? z)` ;; `(inexact? 1.0)` => #t
pub fn is_inexact<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(!Num::from_value("inexact?", a[0])?.is_exact()))
}

/// `(exact-integer? x)` ;; `(exact-integer? 5)` => #t, `(exact-integer? 5.0)` => #f
pub fn is_exact_integer<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(matches!(a[0], Value::Int(_) | Value::Big(_))))
}

/// Applies a flonum test to a number argument; exact numbers are finite and not NaN.
fn float_test<'gc>(who: &str, v: Value<'gc>, exact: bool, test: fn(f64) -> bool) -> NResult<'gc> {
    Ok(Value::Bool(match Num::from_value(who, v)? {
        Num::Float(f) => test(f),
        _ => exact,
    }))
}

/// `(nan? z)` ;; `(nan? +nan.0)` => #t
pub fn is_nan<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    float_test("nan?", a[0], false, f64::is_nan)
}

/// `(infinite? z)` ;; `(infinite? -inf.0)` => #t
pub fn is_infinite<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    float_test("infinite?", a[0], false, f64::is_infinite)
}

/// `(finite? z)` ;; `(finite? 1e308)` => #t
pub fn is_finite<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    float_test("finite?", a[0], true, f64::is_finite)
}

/// `(zero? z)` ;; `(zero? 0)` => #t
pub fn is_zero<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(Num::from_value("zero?", a[0])?.is_zero()))
}

/// `(positive? x)` ;; `(positive? 3)` => #t
pub fn is_positive<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(
        Num::expect("positive?", "real", a[0])?.signum() > 0,
    ))
}

/// `(negative? x)` ;; `(negative? -0.0)` => #f
pub fn is_negative<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(
        Num::expect("negative?", "real", a[0])?.signum() < 0,
    ))
}

/// Whether an integer argument (exact or integral flonum) is odd.
fn odd<'gc>(who: &str, v: Value<'gc>) -> Result<bool, Error<'gc>> {
    match Num::expect(who, "integer", v)? {
        Num::Int(i) => Ok(i & 1 == 1),
        Num::Big(b) => Ok(b.is_odd()),
        Num::Float(f) if f.is_finite() && f.fract() == 0.0 => Ok(f % 2.0 != 0.0),
        Num::Float(_) => Err(Error::type_error(who, "integer", v)),
    }
}

/// `(odd? n)` ;; `(odd? 7)` => #t
pub fn is_odd<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(odd("odd?", a[0])?))
}

/// `(even? n)` ;; `(even? 10.0)` => #t
pub fn is_even<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(!odd("even?", a[0])?))
}

/// The absolute value (`|i64::MIN|` becomes a bignum).
fn absolute(n: Num) -> Num {
    match n {
        Num::Int(i) => i
            .checked_abs()
            .map(Num::Int)
            .unwrap_or_else(|| Num::Big(num_bigint::BigInt::from(i).abs())),
        Num::Big(b) => Num::Big(b.abs()),
        Num::Float(f) => Num::Float(f.abs()),
    }
}

/// `(abs x)` ;; `(abs -7)` => 7
pub fn abs<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(absolute(Num::expect("abs", "real", a[0])?).to_value(ctx.mc))
}

/// `(magnitude z)` ;; `(magnitude -2.5)` => 2.5
pub fn magnitude<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(absolute(Num::from_value("magnitude", a[0])?).to_value(ctx.mc))
}

/// The argument that compares as `want` against all others (exactly), made inexact if
/// any argument is; a NaN anywhere gives NaN.
fn extremum<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    who: &str,
    a: &[Value<'gc>],
    want: Ordering,
) -> NResult<'gc> {
    let nums = all(who, "real", a)?;
    if nums.iter().any(Num::is_nan) {
        return Ok(Value::Float(f64::NAN));
    }
    let inexact = nums.iter().any(|n| !n.is_exact());
    let mut best = &nums[0];
    for n in &nums[1..] {
        if compare(n, best) == Some(want) {
            best = n;
        }
    }
    Ok(best.clone().inexact_if(inexact).to_value(ctx.mc))
}

/// `(min x y ...)` ;; `(min 1 2.0)` => 1.0
pub fn min<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    extremum(ctx, "min", a, Ordering::Less)
}

/// `(max x y ...)` ;; `(max 1 5 3)` => 5
pub fn max<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    extremum(ctx, "max", a, Ordering::Greater)
}

/// `(square z)` ;; `(square 12)` => 144
pub fn square<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let n = Num::from_value("square", a[0])?;
    Ok(mul(&n, &n).to_value(ctx.mc))
}

/// Exact integers unchanged; flonums through `f`.
fn rounding<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    who: &str,
    v: Value<'gc>,
    f: fn(f64) -> f64,
) -> NResult<'gc> {
    Ok(match Num::expect(who, "real", v)? {
        Num::Float(x) => Value::Float(f(x)),
        exact => exact.to_value(ctx.mc),
    })
}

/// `(floor x)` ;; `(floor -2.5)` => -3.0
pub fn floor<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    rounding(ctx, "floor", a[0], f64::floor)
}

/// `(ceiling x)` ;; `(ceiling 2.1)` => 3.0
pub fn ceiling<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    rounding(ctx, "ceiling", a[0], f64::ceil)
}

/// `(truncate x)` ;; `(truncate -2.7)` => -2.0
pub fn truncate<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    rounding(ctx, "truncate", a[0], f64::trunc)
}

/// Rounds to the nearest integer, halves to even (`2.5` → `2.0`, `3.5` → `4.0`).
pub fn round_half_even(x: f64) -> f64 {
    x.round_ties_even()
}

/// `(round x)` ;; `(round 2.5)` => 2.0
pub fn round<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    rounding(ctx, "round", a[0], round_half_even)
}
