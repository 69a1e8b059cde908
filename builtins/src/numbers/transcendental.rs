//! Powers, roots and transcendental functions (spec §6.2): `sqrt` (exact for perfect
//! squares), `expt` (exact for exact bases and non-negative exponents, with a size
//! guard), `exp`, `log`, the trigonometric functions and Eta's flonum `pow`.

use super::integer::exact_sqrt;
use super::tower::{compare, normalise, ratio_to_f64, Num};
use eta_vm::{tags, Ctx, Error, NResult, Value};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::cmp::Ordering;

/// Largest exact `expt` result, in bits (32 MiB), for bases that are powers of two:
/// those are a single shift, so only memory bounds them.
pub const MAX_EXPT_BITS: u64 = 1 << 28;

/// Largest exact `expt` result, in bits (4 MiB, about ten million decimal digits), for
/// other bases: repeated squaring at that size already takes seconds, and beyond it
/// `expt` raises a heap error rather than appearing to hang.
pub const MAX_EXPT_MUL_BITS: u64 = 1 << 25;

/// A number argument as a flonum.
fn flo<'gc>(who: &str, v: Value<'gc>) -> Result<f64, Error<'gc>> {
    Ok(Num::from_value(who, v)?.to_f64())
}

/// The correctly rounded square root of a positive exact integer that is not a perfect
/// square. The integer square root is taken at 110 or more bits of precision with a
/// sticky bit for the discarded fraction, so the final conversion rounds only once.
pub fn sqrt_to_f64(n: &BigInt) -> f64 {
    const EXACT: u64 = 1 << 53;
    if let Some(small) = n.to_u64().filter(|v| *v <= EXACT) {
        // Converts exactly, and IEEE sqrt rounds correctly.
        return (small as f64).sqrt();
    }
    let bits = n.bits();
    let k = if bits < 220 {
        (220 - bits).div_ceil(2)
    } else {
        0
    };
    let scaled: BigInt = n << (2 * k);
    let mut s = scaled.sqrt();
    if &s * &s != scaled && s.is_even() {
        // The true root lies strictly between s and s+1: an odd stand-in keeps it off
        // every rounding boundary (those are even at this precision).
        s += 1;
    }
    ratio_to_f64(&s, &(BigInt::one() << k))
}

/// `(sqrt z)` ;; `(sqrt 16)` => 4, `(sqrt 2)` => 1.4142135623730951
pub fn sqrt<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let n = Num::from_value("sqrt", a[0])?;
    let r = match n {
        Num::Float(f) => Num::Float(f.sqrt()),
        exact => {
            let b = exact.to_big();
            if b.is_negative() {
                // No complex numbers.
                Num::Float(f64::NAN)
            } else {
                match exact_sqrt(&b) {
                    Some(s) => normalise(s),
                    None => Num::Float(sqrt_to_f64(&b)),
                }
            }
        }
    };
    Ok(r.to_value(ctx.mc))
}

/// The `expt` size guard's error.
fn too_large<'gc>() -> Error<'gc> {
    Error::new(tags::HEAP, "expt: result too large")
}

/// `base ^ e` per §6.2: exact for an exact base and a non-negative exact exponent,
/// flonum otherwise (exact bases 1 and -1 stay exact for any exponent).
pub fn power<'gc>(base: &Num, e: &Num) -> Result<Num, Error<'gc>> {
    if !base.is_exact() || !e.is_exact() {
        return Ok(Num::Float(base.to_f64().powf(e.to_f64())));
    }
    let (b, n) = (base.to_big(), e.to_big());
    if n.is_zero() {
        return Ok(Num::Int(1));
    }
    if b.is_zero() {
        return Ok(if n.is_positive() {
            Num::Int(0)
        } else {
            Num::Float(0f64.powf(n.to_f64().unwrap_or(f64::NEG_INFINITY)))
        });
    }
    if b.is_one() {
        return Ok(Num::Int(1));
    }
    if b == -BigInt::one() {
        return Ok(Num::Int(if n.is_even() { 1 } else { -1 }));
    }
    if n.is_negative() {
        return Ok(Num::Float(reciprocal_power(&b, &-n)));
    }
    // |b| ≥ 2, so the result has at least (bits(b) - 1)·n + 1 bits.
    let exp = n.to_u32().ok_or_else(too_large)?;
    let at_least = (b.bits() - 1).saturating_mul(u64::from(exp));
    let zeros = b.trailing_zeros().unwrap_or(0);
    if b.magnitude().bits() == zeros + 1 {
        // ±2^zeros: a shift.
        if at_least >= MAX_EXPT_BITS {
            return Err(too_large());
        }
        let magnitude = BigInt::one() << at_least;
        let negative = b.is_negative() && exp % 2 == 1;
        return Ok(normalise(if negative { -magnitude } else { magnitude }));
    }
    if at_least >= MAX_EXPT_MUL_BITS {
        return Err(too_large());
    }
    Ok(normalise(b.pow(exp)))
}

/// `1 / b^n` as the nearest flonum, for |b| ≥ 2 and n > 0. Powers too large to matter
/// (the result underflows to zero) are not computed.
fn reciprocal_power(b: &BigInt, n: &BigInt) -> f64 {
    let negative = b.is_negative() && n.is_odd();
    let small = n
        .to_u32()
        .filter(|e| (b.bits() - 1).saturating_mul(u64::from(*e)) <= 1100);
    match small {
        Some(e) => ratio_to_f64(&BigInt::one(), &b.pow(e)),
        None if negative => -0.0,
        None => 0.0,
    }
}

/// `(expt z1 z2)` ;; `(expt 2 100)` => 1267650600228229401496703205376
pub fn expt<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let base = Num::from_value("expt", a[0])?;
    let e = Num::from_value("expt", a[1])?;
    Ok(power(&base, &e)?.to_value(ctx.mc))
}

/// `(pow base exp)` ;; `(pow 2 10)` => 1024.0
pub fn pow<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Float(flo("pow", a[0])?.powf(flo("pow", a[1])?)))
}

/// `(exp z)` ;; `(exp 0)` => 1.0
pub fn exp<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Float(flo("exp", a[0])?.exp()))
}

/// A logarithm: the function, and log(2) in that base split into a head with trailing
/// zero bits (so `k·head` is exact for any bignum's bit count) and the remainder.
type Logarithm = (fn(f64) -> f64, f64, f64);

/// Natural logarithm, with fdlibm's split of ln 2 (`ln2_hi`, `ln2_lo`).
const LN: Logarithm = (
    f64::ln,
    f64::from_bits(0x3FE6_2E42_FEE0_0000),
    f64::from_bits(0x3DEA_39EF_3579_3C76),
);
/// Base-2 logarithm.
const LOG2: Logarithm = (f64::log2, 1.0, 0.0);
/// Base-10 logarithm, with fdlibm's split of log10 2 (`log10_2hi`, `log10_2lo`).
const LOG10: Logarithm = (
    f64::log10,
    f64::from_bits(0x3FD3_4413_509F_6000),
    f64::from_bits(0x3D59_FEF3_11F1_2B36),
);

/// A logarithm of a number. Bignums beyond the flonum range are split as `m·2^k` with
/// `m` in [1, 2), so `log(b) = k·log(2) + log(m)` stays finite and accurate:
/// `(log (expt 10 400))` is `921.0340371976183`.
fn log_with(z: &Num, (f, hi, lo): Logarithm) -> f64 {
    match z {
        Num::Big(b) if b.is_positive() && b.bits() > 1000 => {
            let k = b.bits() - 1;
            let m = ratio_to_f64(b, &(BigInt::one() << k));
            let k = k as f64;
            k * hi + (k * lo + f(m))
        }
        _ => f(z.to_f64()),
    }
}

/// `(log z [base])` ;; `(log 8 2)` => 3.0
pub fn log<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let z = Num::from_value("log", a[0])?;
    let Some(base) = a.get(1) else {
        return Ok(Value::Float(log_with(&z, LN)));
    };
    let base = Num::from_value("log", *base)?;
    // Bases 2 and 10 use the dedicated functions: `(log 1000 10)` is exactly 3.0.
    let r = if compare(&base, &Num::Int(2)) == Some(Ordering::Equal) {
        log_with(&z, LOG2)
    } else if compare(&base, &Num::Int(10)) == Some(Ordering::Equal) {
        log_with(&z, LOG10)
    } else {
        log_with(&z, LN) / log_with(&base, LN)
    };
    Ok(Value::Float(r))
}

/// `(sin z)` ;; `(sin 0)` => 0.0
pub fn sin<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Float(flo("sin", a[0])?.sin()))
}

/// `(cos z)` ;; `(cos 0)` => 1.0
pub fn cos<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Float(flo("cos", a[0])?.cos()))
}

/// `(tan z)` ;; `(tan 0)` => 0.0
pub fn tan<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Float(flo("tan", a[0])?.tan()))
}

/// `(asin z)` ;; `(asin 1)` => 1.5707963267948966
pub fn asin<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Float(flo("asin", a[0])?.asin()))
}

/// `(acos z)` ;; `(acos 1)` => 0.0
pub fn acos<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Float(flo("acos", a[0])?.acos()))
}

/// `(atan y [x])` ;; `(atan 1 1)` => 0.7853981633974483
pub fn atan<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let y = flo("atan", a[0])?;
    Ok(Value::Float(match a.get(1) {
        Some(x) => y.atan2(flo("atan", *x)?),
        None => y.atan(),
    }))
}
