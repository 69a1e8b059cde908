//! Number syntax (language spec §2.5): prefixes, integers of any size, `n/d`
//! quotients, decimals, IEEE specials and `#e` / `#i` conversions.
//!
//! [`parse_number`] is shared by the reader and `string->number`, so it accepts exactly
//! the §2.5 grammar with no surrounding whitespace.

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{ToPrimitive, Zero};

/// A number literal's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Number {
    /// An exact integer that fits in an i64.
    Int(i64),
    /// An exact integer outside the i64 range.
    Big(BigInt),
    /// A flonum.
    Float(f64),
}

/// Why a token is not a number literal.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum NumberError {
    /// Not the §2.5 syntax.
    Invalid,
    /// `#e` on a value with no exact integer (`#e1.5`, `#e+inf.0`).
    NoExact,
    /// `n/0`.
    DivisionByZero,
}

/// Largest power of ten `#e` will expand a decimal exponent to; beyond it the literal
/// is refused rather than building a gigantic bignum from a few characters.
const MAX_EXACT_EXPONENT: i64 = 100_000;

/// Parses `text` as a number literal (§2.5), `default_radix` (2, 8, 10 or 16) applying
/// when there is no radix prefix. Returns `None` for anything else, including `n/0`,
/// `#e1.5` and surrounding whitespace.
///
/// ```
/// use eta_compiler::{parse_number, Number};
/// assert_eq!(parse_number("#xff", 10), Some(Number::Int(255)));
/// assert_eq!(parse_number("1/2", 10), Some(Number::Float(0.5)));
/// assert_eq!(parse_number("1/0", 10), None);
/// ```
pub fn parse_number(text: &str, default_radix: u32) -> Option<Number> {
    parse_number_checked(text, default_radix).ok()
}

/// Exactness prefix.
#[derive(Copy, Clone, PartialEq, Eq)]
enum Exactness {
    Exact,
    Inexact,
}

/// A parsed number body before the exactness prefix is applied.
enum Body<'t> {
    Integer(Number),
    Ratio(Number, Number),
    Decimal(Decimal<'t>),
    Special(f64),
}

/// The parts of a decimal literal (radix 10 only).
struct Decimal<'t> {
    negative: bool,
    int: &'t str,
    frac: &'t str,
    exp_negative: bool,
    exp: &'t str,
}

/// Like [`parse_number`], but says why a token is not a number.
pub(crate) fn parse_number_checked(text: &str, default_radix: u32) -> Result<Number, NumberError> {
    if !matches!(default_radix, 2 | 8 | 10 | 16) {
        return Err(NumberError::Invalid);
    }
    let mut radix = None;
    let mut exactness = None;
    let mut rest = text;
    while let Some(after_hash) = rest.strip_prefix('#') {
        let mut chars = after_hash.chars();
        let letter = chars.next().ok_or(NumberError::Invalid)?;
        match letter.to_ascii_lowercase() {
            'b' => set_once(&mut radix, 2)?,
            'o' => set_once(&mut radix, 8)?,
            'd' => set_once(&mut radix, 10)?,
            'x' => set_once(&mut radix, 16)?,
            'e' => set_once(&mut exactness, Exactness::Exact)?,
            'i' => set_once(&mut exactness, Exactness::Inexact)?,
            _ => return Err(NumberError::Invalid),
        }
        rest = chars.as_str();
    }
    let body = parse_body(rest, radix.unwrap_or(default_radix))?;
    apply_exactness(body, exactness)
}

/// Records a prefix, refusing a second one of the same family (`#x#x1`).
fn set_once<T>(slot: &mut Option<T>, value: T) -> Result<(), NumberError> {
    if slot.is_some() {
        return Err(NumberError::Invalid);
    }
    *slot = Some(value);
    Ok(())
}

/// True when `s` is a non-empty run of digits of `radix`.
fn all_digits(s: &str, radix: u32) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_digit(radix))
}

/// Parses `sign? ureal` or `(+|-)(inf.0|nan.0)`.
fn parse_body(s: &str, radix: u32) -> Result<Body<'_>, NumberError> {
    let (negative, signed, unsigned) = if let Some(r) = s.strip_prefix('+') {
        (false, true, r)
    } else if let Some(r) = s.strip_prefix('-') {
        (true, true, r)
    } else {
        (false, false, s)
    };
    if signed {
        if unsigned.eq_ignore_ascii_case("inf.0") {
            return Ok(Body::Special(if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }));
        }
        if unsigned.eq_ignore_ascii_case("nan.0") {
            return Ok(Body::Special(f64::NAN));
        }
    }
    if let Some((n, d)) = unsigned.split_once('/') {
        if all_digits(n, radix) && all_digits(d, radix) {
            return Ok(Body::Ratio(
                parse_integer(negative, n, radix)?,
                parse_integer(false, d, radix)?,
            ));
        }
        return Err(NumberError::Invalid);
    }
    if all_digits(unsigned, radix) {
        return Ok(Body::Integer(parse_integer(negative, unsigned, radix)?));
    }
    if radix == 10 {
        return parse_decimal(negative, unsigned).map(Body::Decimal);
    }
    Err(NumberError::Invalid)
}

/// Splits `s` into its leading ASCII decimal digits and the rest.
fn split_digits(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s.split_at(end)
}

/// Parses `digits . digits? exp? | . digits exp? | digits exp` (the unsigned part).
fn parse_decimal(negative: bool, s: &str) -> Result<Decimal<'_>, NumberError> {
    let (int, rest) = split_digits(s);
    let (has_dot, frac, rest) = match rest.strip_prefix('.') {
        Some(after) => {
            let (frac, rest) = split_digits(after);
            (true, frac, rest)
        }
        None => (false, "", rest),
    };
    if int.is_empty() && frac.is_empty() {
        return Err(NumberError::Invalid);
    }
    let (has_exp, exp_negative, exp) = match rest.strip_prefix(['e', 'E']) {
        Some(after) => {
            let (neg, digits) = if let Some(d) = after.strip_prefix('+') {
                (false, d)
            } else if let Some(d) = after.strip_prefix('-') {
                (true, d)
            } else {
                (false, after)
            };
            if !all_digits(digits, 10) {
                return Err(NumberError::Invalid);
            }
            (true, neg, digits)
        }
        None if rest.is_empty() => (false, false, ""),
        None => return Err(NumberError::Invalid),
    };
    if !has_dot && !has_exp {
        return Err(NumberError::Invalid);
    }
    Ok(Decimal {
        negative,
        int,
        frac,
        exp_negative,
        exp,
    })
}

/// Parses a run of digits (already validated) as an exact integer.
fn parse_integer(negative: bool, digits: &str, radix: u32) -> Result<Number, NumberError> {
    if let Ok(magnitude) = u64::from_str_radix(digits, radix) {
        let value = if negative {
            -i128::from(magnitude)
        } else {
            i128::from(magnitude)
        };
        return Ok(match i64::try_from(value) {
            Ok(small) => Number::Int(small),
            Err(_) => Number::Big(BigInt::from(value)),
        });
    }
    let magnitude = BigInt::parse_bytes(digits.as_bytes(), radix).ok_or(NumberError::Invalid)?;
    Ok(normalize(if negative { -magnitude } else { magnitude }))
}

/// A bignum that fits in an i64 becomes a fixnum.
fn normalize(n: BigInt) -> Number {
    match n.to_i64() {
        Some(small) => Number::Int(small),
        None => Number::Big(n),
    }
}

/// An exact number as a bignum.
fn to_big(n: &Number) -> BigInt {
    match n {
        Number::Int(i) => BigInt::from(*i),
        Number::Big(b) => b.clone(),
        // Exact bodies never hold flonums.
        Number::Float(_) => BigInt::zero(),
    }
}

/// An exact number as the nearest flonum.
fn exact_to_f64(n: &Number) -> f64 {
    match n {
        Number::Int(i) => {
            if i.unsigned_abs() <= 1 << 53 {
                *i as f64
            } else {
                ratio_to_f64(&BigInt::from(*i), &BigInt::from(1))
            }
        }
        Number::Big(b) => ratio_to_f64(b, &BigInt::from(1)),
        Number::Float(f) => *f,
    }
}

/// Applies `#e` / `#i` (or the defaults) to a parsed body.
fn apply_exactness(body: Body<'_>, exactness: Option<Exactness>) -> Result<Number, NumberError> {
    match body {
        Body::Integer(n) => Ok(match exactness {
            Some(Exactness::Inexact) => Number::Float(exact_to_f64(&n)),
            _ => n,
        }),
        Body::Special(f) => match exactness {
            Some(Exactness::Exact) => Err(NumberError::NoExact),
            _ => Ok(Number::Float(f)),
        },
        Body::Ratio(n, d) => {
            let (n, d) = (to_big(&n), to_big(&d));
            if d.is_zero() {
                return Err(NumberError::DivisionByZero);
            }
            let (q, r) = n.div_rem(&d);
            match exactness {
                Some(Exactness::Inexact) => Ok(Number::Float(ratio_to_f64(&n, &d))),
                _ if r.is_zero() => Ok(normalize(q)),
                Some(Exactness::Exact) => Err(NumberError::NoExact),
                None => Ok(Number::Float(ratio_to_f64(&n, &d))),
            }
        }
        Body::Decimal(dec) => match exactness {
            Some(Exactness::Exact) => exact_decimal(&dec),
            _ => Ok(Number::Float(decimal_to_f64(&dec))),
        },
    }
}

/// The nearest flonum to a decimal literal.
fn decimal_to_f64(dec: &Decimal<'_>) -> f64 {
    let text = format!(
        "{}{}.{}e{}{}",
        if dec.negative { "-" } else { "" },
        if dec.int.is_empty() { "0" } else { dec.int },
        if dec.frac.is_empty() { "0" } else { dec.frac },
        if dec.exp_negative { "-" } else { "" },
        if dec.exp.is_empty() { "0" } else { dec.exp },
    );
    text.parse::<f64>().unwrap_or(f64::NAN)
}

/// The exact integer a decimal literal denotes, if it is integral (`#e1.0`, `#e1e3`).
fn exact_decimal(dec: &Decimal<'_>) -> Result<Number, NumberError> {
    let mantissa = format!("{}{}", dec.int, dec.frac);
    let significant = mantissa.trim_start_matches('0');
    if significant.is_empty() {
        return Ok(Number::Int(0));
    }
    let trimmed = significant.trim_end_matches('0');
    let trailing_zeros = significant.len() - trimmed.len();
    let exp_digits = dec.exp.trim_start_matches('0');
    // An exponent too long for i64 is far beyond MAX_EXACT_EXPONENT either way.
    let exp_magnitude: i64 = if exp_digits.is_empty() {
        0
    } else {
        exp_digits.parse().unwrap_or(i64::MAX)
    };
    let exp = if dec.exp_negative {
        -exp_magnitude
    } else {
        exp_magnitude
    };
    let frac_len = i64::try_from(dec.frac.len()).unwrap_or(i64::MAX);
    let trailing = i64::try_from(trailing_zeros).unwrap_or(i64::MAX);
    let scale = exp.saturating_sub(frac_len).saturating_add(trailing);
    if scale < 0 {
        return Err(NumberError::NoExact);
    }
    if scale > MAX_EXACT_EXPONENT {
        return Err(NumberError::NoExact);
    }
    let digits = BigInt::parse_bytes(trimmed.as_bytes(), 10).ok_or(NumberError::Invalid)?;
    let power = num_traits::pow(BigInt::from(10), usize::try_from(scale).unwrap_or(0));
    let value = digits * power;
    Ok(normalize(if dec.negative { -value } else { value }))
}

/// `n / d` rounded to the nearest flonum (ties to even); `d` must not be zero.
pub(crate) fn ratio_to_f64(n: &BigInt, d: &BigInt) -> f64 {
    if n.is_zero() || d.is_zero() {
        return 0.0;
    }
    let negative = (n.sign() == Sign::Minus) != (d.sign() == Sign::Minus);
    let (n, d) = (n.magnitude(), d.magnitude());
    let n_bits = i64::try_from(n.bits()).unwrap_or(i64::MAX);
    let d_bits = i64::try_from(d.bits()).unwrap_or(i64::MAX);
    // Scale so the integer quotient has 65 or 66 bits: enough for the 53-bit mantissa,
    // the rounding bit and a sticky bit, so the final conversion rounds only once.
    let shift = 65 - (n_bits - d_bits);
    let (num, den) = if shift >= 0 {
        (n << usize::try_from(shift).unwrap_or(0), d.clone())
    } else {
        (n.clone(), d << usize::try_from(-shift).unwrap_or(0))
    };
    let (q, r) = num.div_rem(&den);
    let mut q = q.to_u128().unwrap_or(u128::MAX);
    if !r.is_zero() {
        q |= 1;
    }
    let magnitude = scale_by_power_of_two(q as f64, -shift);
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

/// `x * 2^exp` without intermediate overflow of the power itself.
fn scale_by_power_of_two(mut x: f64, mut exp: i64) -> f64 {
    const STEP: i32 = 1000;
    let step = 2f64.powi(STEP);
    let inv_step = 2f64.powi(-STEP);
    while exp > i64::from(STEP) && x.is_finite() && x != 0.0 {
        x *= step;
        exp -= i64::from(STEP);
    }
    while exp < -i64::from(STEP) && x != 0.0 {
        x *= inv_step;
        exp += i64::from(STEP);
    }
    x * 2f64.powi(i32::try_from(exp).unwrap_or(0))
}
