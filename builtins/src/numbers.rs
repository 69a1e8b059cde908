//! Numbers (spec §6, §10.2): the numeric tower of fixnums that promote to bignums and
//! flonums, with exact comparisons across exactness.

use eta_vm::{natives, Ctx, Error, Mutation, NResult, Value};
use num_bigint::BigInt;
use num_traits::{ToPrimitive, Zero};
use std::cmp::Ordering;

/// A number unpacked from a value.
#[derive(Clone, Debug)]
pub enum Num {
    /// Fixnum.
    Int(i64),
    /// Bignum.
    Big(BigInt),
    /// Flonum.
    Float(f64),
}

impl Num {
    /// Unpacks a number or fails with a type error naming `who`.
    pub fn from_value<'gc>(who: &str, v: Value<'gc>) -> Result<Num, Error<'gc>> {
        match v {
            Value::Int(i) => Ok(Num::Int(i)),
            Value::Big(b) => Ok(Num::Big((*b).clone())),
            Value::Float(f) => Ok(Num::Float(f)),
            _ => Err(Error::type_error(who, "number", v)),
        }
    }

    /// Packs into a value (bignums normalised).
    pub fn to_value<'gc>(self, mc: &Mutation<'gc>) -> Value<'gc> {
        match self {
            Num::Int(i) => Value::Int(i),
            Num::Big(b) => Value::integer(mc, b),
            Num::Float(f) => Value::Float(f),
        }
    }

    /// As a flonum.
    pub fn to_f64(&self) -> f64 {
        match self {
            Num::Int(i) => *i as f64,
            Num::Big(b) => b.to_f64().unwrap_or(f64::NAN),
            Num::Float(f) => *f,
        }
    }

    fn to_big(&self) -> BigInt {
        match self {
            Num::Int(i) => BigInt::from(*i),
            Num::Big(b) => b.clone(),
            Num::Float(f) => BigInt::from(*f as i64),
        }
    }

    /// Whether exact.
    pub fn is_exact(&self) -> bool {
        !matches!(self, Num::Float(_))
    }
}

/// `a + b`.
pub fn add(a: &Num, b: &Num) -> Num {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x
            .checked_add(*y)
            .map(Num::Int)
            .unwrap_or_else(|| Num::Big(BigInt::from(*x) + y)),
        (Num::Float(_), _) | (_, Num::Float(_)) => Num::Float(a.to_f64() + b.to_f64()),
        _ => Num::Big(a.to_big() + b.to_big()),
    }
}

/// `a - b`.
pub fn sub(a: &Num, b: &Num) -> Num {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x
            .checked_sub(*y)
            .map(Num::Int)
            .unwrap_or_else(|| Num::Big(BigInt::from(*x) - y)),
        (Num::Float(_), _) | (_, Num::Float(_)) => Num::Float(a.to_f64() - b.to_f64()),
        _ => Num::Big(a.to_big() - b.to_big()),
    }
}

/// `a * b`.
pub fn mul(a: &Num, b: &Num) -> Num {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x
            .checked_mul(*y)
            .map(Num::Int)
            .unwrap_or_else(|| Num::Big(BigInt::from(*x) * y)),
        (Num::Float(_), _) | (_, Num::Float(_)) => Num::Float(a.to_f64() * b.to_f64()),
        _ => Num::Big(a.to_big() * b.to_big()),
    }
}

/// `a / b`: exact when the division is exact, else the nearest flonum.
pub fn div<'gc>(a: &Num, b: &Num) -> Result<Num, Error<'gc>> {
    match (a, b) {
        (Num::Float(_), _) | (_, Num::Float(_)) => Ok(Num::Float(a.to_f64() / b.to_f64())),
        _ => {
            let (x, y) = (a.to_big(), b.to_big());
            if y.is_zero() {
                return Err(Error::msg("/: division by zero"));
            }
            if (&x % &y).is_zero() {
                Ok(normalise(x / y))
            } else {
                Ok(Num::Float(ratio_to_f64(&x, &y)))
            }
        }
    }
}

/// The flonum nearest to `x / y` for exact integers.
pub fn ratio_to_f64(x: &BigInt, y: &BigInt) -> f64 {
    match (x.to_f64(), y.to_f64()) {
        (Some(a), Some(b)) if a.abs() < 9.0e15 && b.abs() < 9.0e15 => a / b,
        _ => {
            // Scale so that the quotient has about 64 significant bits, then divide.
            let shift = (x.bits() as i64 - y.bits() as i64 - 64).max(-2000);
            let (num, den) = if shift >= 0 {
                (x.clone(), y << (shift as usize))
            } else {
                (x << ((-shift) as usize), y.clone())
            };
            let q = (num / den).to_f64().unwrap_or(f64::NAN);
            q * 2f64.powi(shift as i32)
        }
    }
}

fn normalise(b: BigInt) -> Num {
    match b.to_i64() {
        Some(i) => Num::Int(i),
        None => Num::Big(b),
    }
}

/// Exact comparison of two numbers (`None` when a NaN is involved).
pub fn compare(a: &Num, b: &Num) -> Option<Ordering> {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Some(x.cmp(y)),
        (Num::Float(x), Num::Float(y)) => x.partial_cmp(y),
        (Num::Float(x), other) => cmp_float_exact(*x, other),
        (other, Num::Float(y)) => cmp_float_exact(*y, other).map(Ordering::reverse),
        _ => Some(a.to_big().cmp(&b.to_big())),
    }
}

/// Compares a flonum with an exact integer without rounding the integer.
fn cmp_float_exact(x: f64, e: &Num) -> Option<Ordering> {
    if x.is_nan() {
        return None;
    }
    if x.is_infinite() {
        return Some(if x > 0.0 {
            Ordering::Greater
        } else {
            Ordering::Less
        });
    }
    let fl = x.floor();
    let fb = BigInt::from(fl as i128);
    let fb = if fl.abs() < 1.0e38 {
        fb
    } else {
        float_to_big(fl)
    };
    match fb.cmp(&e.to_big()) {
        Ordering::Equal => Some(if x > fl {
            Ordering::Greater
        } else {
            Ordering::Equal
        }),
        o => Some(o),
    }
}

/// The exact integer value of an integral finite flonum.
pub fn float_to_big(x: f64) -> BigInt {
    if x.abs() < 9.0e18 {
        return BigInt::from(x as i64);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64 - 1075;
    let mant = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
    let m = BigInt::from(mant);
    let v = if exp >= 0 {
        m << (exp as usize)
    } else {
        m >> ((-exp) as usize)
    };
    if x < 0.0 {
        -v
    } else {
        v
    }
}

fn fold<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    who: &str,
    a: &[Value<'gc>],
    unit: Num,
    op: fn(&Num, &Num) -> Num,
) -> NResult<'gc> {
    let mut acc = unit;
    for v in a {
        acc = op(&acc, &Num::from_value(who, *v)?);
    }
    Ok(acc.to_value(ctx.mc))
}

/// `(+ z ...)` ;; `(+ 1 2)` => 3
fn plus<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    fold(ctx, "+", a, Num::Int(0), add)
}

/// `(* z ...)` ;; `(* 2 3)` => 6
fn times<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    fold(ctx, "*", a, Num::Int(1), mul)
}

/// `(- z w ...)` ;; `(- 5 2)` => 3
fn minus<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let first = Num::from_value("-", a[0])?;
    if a.len() == 1 {
        return Ok(sub(&Num::Int(0), &first).to_value(ctx.mc));
    }
    let mut acc = first;
    for v in &a[1..] {
        acc = sub(&acc, &Num::from_value("-", *v)?);
    }
    Ok(acc.to_value(ctx.mc))
}

/// `(/ z w ...)` ;; `(/ 6 3)` => 2
fn divide<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let first = Num::from_value("/", a[0])?;
    if a.len() == 1 {
        return Ok(div(&Num::Int(1), &first)?.to_value(ctx.mc));
    }
    let mut acc = first;
    for v in &a[1..] {
        acc = div(&acc, &Num::from_value("/", *v)?)?;
    }
    Ok(acc.to_value(ctx.mc))
}

fn chain<'gc>(who: &str, a: &[Value<'gc>], ok: fn(Ordering) -> bool) -> NResult<'gc> {
    let nums = a
        .iter()
        .map(|v| Num::from_value(who, *v))
        .collect::<Result<Vec<_>, _>>()?;
    let mut all = true;
    for w in nums.windows(2) {
        match compare(&w[0], &w[1]) {
            Some(o) if ok(o) => {}
            _ => all = false,
        }
    }
    Ok(Value::Bool(all))
}

/// `(= a b ...)` ;; `(= 1 1.0)` => #t
fn num_eq<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    chain("=", a, |o| o == Ordering::Equal)
}

/// `(< a b ...)` ;; `(< 1 2 3)` => #t
fn lt<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    chain("<", a, |o| o == Ordering::Less)
}

/// `(> a b ...)` ;; `(> 3 2)` => #t
fn gt<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    chain(">", a, |o| o == Ordering::Greater)
}

/// `(<= a b ...)` ;; `(<= 1 1)` => #t
fn le<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    chain("<=", a, |o| o != Ordering::Greater)
}

/// `(>= a b ...)` ;; `(>= 2 1)` => #t
fn ge<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    chain(">=", a, |o| o != Ordering::Less)
}

/// `(zero? z)` ;; `(zero? 0)` => #t
fn is_zero<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(match Num::from_value("zero?", a[0])? {
        Num::Int(i) => i == 0,
        Num::Big(_) => false,
        Num::Float(f) => f == 0.0,
    }))
}

/// `(number? x)` ;; `(number? 1.5)` => #t
fn is_number<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(matches!(
        a[0],
        Value::Int(_) | Value::Big(_) | Value::Float(_)
    )))
}

/// The numeric builtins.
pub static NATIVES: &[eta_vm::Native] = natives![
    "+", 0, None, Simple(plus);
    "*", 0, None, Simple(times);
    "-", 1, None, Simple(minus);
    "/", 1, None, Simple(divide);
    "=", 1, None, Simple(num_eq);
    "<", 1, None, Simple(lt);
    ">", 1, None, Simple(gt);
    "<=", 1, None, Simple(le);
    ">=", 1, None, Simple(ge);
    "zero?", 1, Some(1), Simple(is_zero);
    "number?", 1, Some(1), Simple(is_number);
];
