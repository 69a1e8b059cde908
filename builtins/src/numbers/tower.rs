//! The numeric tower's kernels (spec §6.1): [`Num`], the unpacked form of a fixnum,
//! bignum or flonum, with exact-result arithmetic that promotes to bignums and back,
//! correctly rounded exact-to-flonum conversion, and comparisons that never round an
//! exact integer.

use eta_vm::{Error, Mutation, Value};
use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::cmp::Ordering;

/// A number unpacked from a value.
#[derive(Clone, Debug, PartialEq)]
pub enum Num {
    /// Fixnum.
    Int(i64),
    /// Bignum (kept normalised: never in the i64 range).
    Big(BigInt),
    /// Flonum.
    Float(f64),
}

impl Num {
    /// Unpacks a number or fails with `who: expected a number, got V`.
    pub fn from_value<'gc>(who: &str, v: Value<'gc>) -> Result<Num, Error<'gc>> {
        Num::expect(who, "number", v)
    }

    /// Unpacks a number, naming `kind` in the type error.
    pub fn expect<'gc>(who: &str, kind: &str, v: Value<'gc>) -> Result<Num, Error<'gc>> {
        match v {
            Value::Int(i) => Ok(Num::Int(i)),
            Value::Big(b) => Ok(Num::Big((*b).clone())),
            Value::Float(f) => Ok(Num::Float(f)),
            _ => Err(Error::type_error(who, kind, v)),
        }
    }

    /// Packs into a value (bignums that fit in an i64 become fixnums).
    pub fn to_value<'gc>(self, mc: &Mutation<'gc>) -> Value<'gc> {
        match self {
            Num::Int(i) => Value::Int(i),
            Num::Big(b) => Value::integer(mc, b),
            Num::Float(f) => Value::Float(f),
        }
    }

    /// The nearest flonum (correctly rounded, ties to even).
    pub fn to_f64(&self) -> f64 {
        match self {
            Num::Int(i) => *i as f64,
            Num::Big(b) => big_to_f64(b),
            Num::Float(f) => *f,
        }
    }

    /// The exact integer value; flonums are truncated (non-finite ones give 0), so
    /// callers use it on exact numbers or integral flonums only.
    pub fn to_big(&self) -> BigInt {
        match self {
            Num::Int(i) => BigInt::from(*i),
            Num::Big(b) => b.clone(),
            Num::Float(f) => float_to_big(*f),
        }
    }

    /// Whether exact.
    pub fn is_exact(&self) -> bool {
        !matches!(self, Num::Float(_))
    }

    /// Whether an exact integer or an integral finite flonum.
    pub fn is_integer(&self) -> bool {
        match self {
            Num::Float(f) => f.is_finite() && f.fract() == 0.0,
            _ => true,
        }
    }

    /// Whether zero (either exactness, either sign).
    pub fn is_zero(&self) -> bool {
        match self {
            Num::Int(i) => *i == 0,
            Num::Big(_) => false,
            Num::Float(f) => *f == 0.0,
        }
    }

    /// Whether a NaN.
    pub fn is_nan(&self) -> bool {
        matches!(self, Num::Float(f) if f.is_nan())
    }

    /// The sign as -1, 0 or 1 (0 for zeros and NaN).
    pub fn signum(&self) -> i32 {
        match self {
            Num::Int(i) => i.signum() as i32,
            Num::Big(b) => match b.sign() {
                Sign::Minus => -1,
                Sign::NoSign => 0,
                Sign::Plus => 1,
            },
            Num::Float(f) if *f > 0.0 => 1,
            Num::Float(f) if *f < 0.0 => -1,
            Num::Float(_) => 0,
        }
    }

    /// The same number as a flonum when `inexact`, unchanged otherwise.
    pub fn inexact_if(self, inexact: bool) -> Num {
        if inexact {
            Num::Float(self.to_f64())
        } else {
            self
        }
    }
}

/// An exact integer as a normalised `Num` (a fixnum when it fits).
pub fn normalise(b: BigInt) -> Num {
    match b.to_i64() {
        Some(i) => Num::Int(i),
        None => Num::Big(b),
    }
}

/// The `Z` error: `who: division by zero`.
pub fn division_by_zero<'gc>(who: &str) -> Error<'gc> {
    Error::msg(format!("{who}: division by zero"))
}

/// `a + b`.
pub fn add(a: &Num, b: &Num) -> Num {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x
            .checked_add(*y)
            .map(Num::Int)
            .unwrap_or_else(|| normalise(BigInt::from(*x) + y)),
        (Num::Float(_), _) | (_, Num::Float(_)) => Num::Float(a.to_f64() + b.to_f64()),
        _ => normalise(a.to_big() + b.to_big()),
    }
}

/// `a - b`.
pub fn sub(a: &Num, b: &Num) -> Num {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x
            .checked_sub(*y)
            .map(Num::Int)
            .unwrap_or_else(|| normalise(BigInt::from(*x) - y)),
        (Num::Float(_), _) | (_, Num::Float(_)) => Num::Float(a.to_f64() - b.to_f64()),
        _ => normalise(a.to_big() - b.to_big()),
    }
}

/// `a * b`.
pub fn mul(a: &Num, b: &Num) -> Num {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x
            .checked_mul(*y)
            .map(Num::Int)
            .unwrap_or_else(|| normalise(BigInt::from(*x) * y)),
        (Num::Float(_), _) | (_, Num::Float(_)) => Num::Float(a.to_f64() * b.to_f64()),
        _ => normalise(a.to_big() * b.to_big()),
    }
}

/// `a / b` (spec §6.2): exact when both are exact and the division is exact, else the
/// nearest flonum. An exact zero divisor of an exact dividend is an error naming `who`;
/// with a flonum anywhere, division follows IEEE (`(/ 1.0 0)` → `+inf.0`).
pub fn div<'gc>(who: &str, a: &Num, b: &Num) -> Result<Num, Error<'gc>> {
    match (a, b) {
        (Num::Float(_), _) | (_, Num::Float(_)) => Ok(Num::Float(a.to_f64() / b.to_f64())),
        (Num::Int(x), Num::Int(y)) => {
            if *y == 0 {
                return Err(division_by_zero(who));
            }
            match x.checked_rem(*y) {
                Some(0) => Ok(x
                    .checked_div(*y)
                    .map(Num::Int)
                    .unwrap_or_else(|| normalise(BigInt::from(*x) / y))),
                Some(_) => Ok(Num::Float(int_ratio_to_f64(*x, *y))),
                // Only i64::MIN / -1 overflows; it divides exactly.
                None => Ok(normalise(-BigInt::from(*x))),
            }
        }
        _ => {
            let (x, y) = (a.to_big(), b.to_big());
            if y.is_zero() {
                return Err(division_by_zero(who));
            }
            let (q, r) = x.div_rem(&y);
            if r.is_zero() {
                Ok(normalise(q))
            } else {
                Ok(Num::Float(ratio_to_f64(&x, &y)))
            }
        }
    }
}

/// The flonum nearest to `x / y` for fixnums (`y` non-zero).
fn int_ratio_to_f64(x: i64, y: i64) -> f64 {
    const EXACT: u64 = 1 << 53;
    if x.unsigned_abs() <= EXACT && y.unsigned_abs() <= EXACT {
        // Both convert exactly, so IEEE division rounds once, correctly.
        x as f64 / y as f64
    } else {
        ratio_to_f64(&BigInt::from(x), &BigInt::from(y))
    }
}

/// The flonum nearest to the exact integer `b` (ties to even; `±inf.0` beyond range).
pub fn big_to_f64(b: &BigInt) -> f64 {
    ratio_to_f64(b, &BigInt::one())
}

/// The flonum nearest to `n / d` for exact integers, rounding once, ties to even,
/// including subnormal results and overflow to infinity. A zero `d` gives an infinity
/// (or NaN for `0/0`), as flonum division would.
pub fn ratio_to_f64(n: &BigInt, d: &BigInt) -> f64 {
    if d.is_zero() {
        return match n.sign() {
            Sign::Plus => f64::INFINITY,
            Sign::Minus => f64::NEG_INFINITY,
            Sign::NoSign => f64::NAN,
        };
    }
    if n.is_zero() {
        return 0.0;
    }
    let negative = (n.sign() == Sign::Minus) != (d.sign() == Sign::Minus);
    let magnitude = ratio_magnitude(n.magnitude(), d.magnitude());
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

/// `n / d` for positive integers, correctly rounded. Finds the exponent `k` for which
/// `q = floor(n / (d·2^k))` is a 53-bit significand (fewer bits only when `k` is pinned
/// at the subnormal exponent −1074), rounds `q` with the remainder, and assembles the
/// IEEE bits directly, so there is exactly one rounding step.
fn ratio_magnitude(n: &BigUint, d: &BigUint) -> f64 {
    const MIN_EXP: i64 = -1074;
    const MAX_EXP: i64 = 971;
    const HIDDEN: u64 = 1 << 52;
    let n_bits = i64::try_from(n.bits()).unwrap_or(i64::MAX);
    let d_bits = i64::try_from(d.bits()).unwrap_or(i64::MAX);
    // n/d lies in [2^(e-1), 2^(e+1)).
    let e = n_bits.saturating_sub(d_bits);
    if e > MAX_EXP + 54 {
        return f64::INFINITY;
    }
    if e < MIN_EXP - 2 {
        // Below half the smallest subnormal.
        return 0.0;
    }
    let mut k = (e - 53).max(MIN_EXP);
    let (mut q, mut r, mut den) = scaled_div_rem(n, d, k);
    if q.bits() > 53 {
        k += 1;
        (q, r, den) = scaled_div_rem(n, d, k);
    }
    let mut m = q.to_u64().unwrap_or(u64::MAX);
    let twice = r << 1u8;
    let round_up = match twice.cmp(&den) {
        Ordering::Greater => true,
        Ordering::Equal => m & 1 == 1,
        Ordering::Less => false,
    };
    if round_up {
        m += 1;
        if m == 1 << 53 {
            m = HIDDEN;
            k += 1;
        }
    }
    if k > MAX_EXP {
        return f64::INFINITY;
    }
    if m >= HIDDEN {
        // Normal: value = 1.f × 2^(k+52); the biased exponent is k + 52 + 1023 ≥ 1.
        let biased = u64::try_from(k + 52 + 1023).unwrap_or(0);
        f64::from_bits((biased << 52) | (m - HIDDEN))
    } else {
        // Subnormal (k is −1074 here): the significand is the bit pattern itself.
        f64::from_bits(m)
    }
}

/// `(floor(n / (d·2^k)), remainder, divisor)` with the scaling applied to whichever side
/// keeps everything integral.
fn scaled_div_rem(n: &BigUint, d: &BigUint, k: i64) -> (BigUint, BigUint, BigUint) {
    let shift = usize::try_from(k.unsigned_abs()).unwrap_or(usize::MAX);
    if k >= 0 {
        let den = d << shift;
        let (q, r) = n.div_rem(&den);
        (q, r, den)
    } else {
        let num = n << shift;
        let (q, r) = num.div_rem(d);
        (q, r, d.clone())
    }
}

/// The exact integer value of a flonum, truncated toward zero; 0 for NaN and infinities.
pub fn float_to_big(x: f64) -> BigInt {
    if !x.is_finite() {
        return BigInt::zero();
    }
    let x = x.trunc();
    if x.abs() < 9.0e18 {
        return BigInt::from(x as i64);
    }
    let bits = x.to_bits();
    // |x| ≥ 9e18 > 2^62, so the unbiased exponent exceeds the 52 fraction bits.
    let exp = ((bits >> 52) & 0x7ff) as usize - 1075;
    let mant = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
    let v = BigInt::from(mant) << exp;
    if x < 0.0 {
        -v
    } else {
        v
    }
}

/// Exact comparison of two numbers (`None` when a NaN is involved).
pub fn compare(a: &Num, b: &Num) -> Option<Ordering> {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Some(x.cmp(y)),
        (Num::Float(x), Num::Float(y)) => x.partial_cmp(y),
        (Num::Float(x), exact) => cmp_float_exact(*x, exact),
        (exact, Num::Float(y)) => cmp_float_exact(*y, exact).map(Ordering::reverse),
        (Num::Big(x), Num::Big(y)) => Some(x.cmp(y)),
        // A normalised bignum is outside the fixnum range on one side or the other.
        (Num::Big(x), Num::Int(_)) => Some(if x.is_negative() {
            Ordering::Less
        } else {
            Ordering::Greater
        }),
        (Num::Int(_), Num::Big(y)) => Some(if y.is_negative() {
            Ordering::Greater
        } else {
            Ordering::Less
        }),
    }
}

/// Compares a flonum with an exact integer without rounding the integer: the flonum's
/// integral part is compared exactly, then its fraction breaks a tie.
fn cmp_float_exact(x: f64, e: &Num) -> Option<Ordering> {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
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
    let tie = if x > fl {
        Ordering::Greater
    } else {
        Ordering::Equal
    };
    let ord = match e {
        Num::Int(i) if (-TWO_63..TWO_63).contains(&fl) => (fl as i64).cmp(i),
        Num::Int(_) => {
            if fl > 0.0 {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        Num::Big(b) => float_to_big(fl).cmp(b),
        Num::Float(y) => return x.partial_cmp(y),
    };
    Some(ord.then(tie))
}
