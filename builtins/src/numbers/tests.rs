//! Unit tests of the numeric kernels: correctly rounded exact-to-flonum conversion,
//! exact comparison of flonums with bignums, half-to-even rounding, integer division,
//! square roots and the `expt` guard.

use super::integer::{divide, float_fraction, Rounding};
use super::transcendental::{power, sqrt_to_f64};
use super::*;
use num_bigint::BigInt;
use num_traits::{One, Zero};
use std::cmp::Ordering;

fn big(text: &str) -> Result<BigInt, String> {
    BigInt::parse_bytes(text.as_bytes(), 10).ok_or_else(|| format!("bad bignum {text}"))
}

fn pow2(k: u32) -> BigInt {
    BigInt::one() << k
}

#[test]
fn ratio_small_matches_ieee_division() {
    for (n, d) in [(1i64, 3i64), (2, 3), (-7, 9), (1, 10), (22, 7), (355, -113)] {
        let got = ratio_to_f64(&BigInt::from(n), &BigInt::from(d));
        assert_eq!(got, n as f64 / d as f64, "{n}/{d}");
    }
}

#[test]
fn ratio_matches_the_decimal_parser() -> Result<(), String> {
    // Rust's float parser is correctly rounded: n / 10^k must agree with "n e-k".
    let cases = [
        ("123456789012345678901234567890", 20u32),
        ("98765432109876543210987654321", 45),
        ("1", 310),
        ("4940656458412465441765687928682213723651", 363),
        ("17976931348623157", 0),
        ("7205759403792794", 17),
        ("9007199254740993", 0),
    ];
    for (digits, k) in cases {
        let n = big(digits)?;
        let d = num_traits::pow(BigInt::from(10), k as usize);
        let want: f64 = format!("{digits}e-{k}")
            .parse()
            .map_err(|e| format!("{e}"))?;
        assert_eq!(
            ratio_to_f64(&n, &d).to_bits(),
            want.to_bits(),
            "{digits}e-{k}"
        );
    }
    Ok(())
}

#[test]
fn ratio_rounds_ties_to_even() {
    // 2^53 + 1 is halfway between 2^53 and 2^53 + 2: ties go to the even 2^53.
    let tie = pow2(53) + 1;
    assert_eq!(big_to_f64(&tie), 9007199254740992.0);
    // 2^53 + 3 is halfway between 2^53 + 2 and 2^53 + 4: the even one is 2^53 + 4.
    let tie = pow2(53) + 3;
    assert_eq!(big_to_f64(&tie), 9007199254740996.0);
    // Just above a tie rounds up.
    let above = (pow2(53) + 1) * pow2(10) + 1;
    assert_eq!(
        ratio_to_f64(&above, &pow2(10)),
        9007199254740994.0,
        "sticky bits must count"
    );
}

#[test]
fn ratio_handles_subnormals_and_overflow() {
    let min_sub = f64::from_bits(1);
    assert_eq!(ratio_to_f64(&BigInt::one(), &pow2(1074)), min_sub);
    // Exactly half the smallest subnormal ties to even: zero.
    assert_eq!(ratio_to_f64(&BigInt::one(), &pow2(1075)), 0.0);
    // Three quarters of it rounds up.
    assert_eq!(ratio_to_f64(&BigInt::from(3), &pow2(1076)), min_sub);
    assert_eq!(ratio_to_f64(&BigInt::from(-3), &pow2(1076)), -min_sub);
    // Far below: zero.
    assert_eq!(ratio_to_f64(&BigInt::one(), &pow2(5000)), 0.0);
    // The largest finite value and the first power of two past it.
    let max = (pow2(53) - 1) * pow2(971);
    assert_eq!(big_to_f64(&max), f64::MAX);
    assert_eq!(big_to_f64(&pow2(1024)), f64::INFINITY);
    assert_eq!(big_to_f64(&-pow2(1024)), f64::NEG_INFINITY);
    // A hair above MAX still rounds down to it.
    let just_below_half = max.clone() * 2 + 1;
    assert_eq!(ratio_to_f64(&just_below_half, &BigInt::from(2)), f64::MAX);
    // Smallest normal.
    assert_eq!(ratio_to_f64(&BigInt::one(), &pow2(1022)), f64::MIN_POSITIVE);
    assert_eq!(ratio_to_f64(&BigInt::zero(), &BigInt::from(5)), 0.0);
}

#[test]
fn flonum_and_bignum_compare_exactly() -> Result<(), String> {
    // 2^63 as a flonum equals the bignum 2^63 and exceeds i64::MAX.
    let two63 = 9223372036854775808.0;
    let b = Num::Big(pow2(63));
    assert_eq!(compare(&Num::Float(two63), &b), Some(Ordering::Equal));
    assert_eq!(
        compare(&Num::Float(two63), &Num::Int(i64::MAX)),
        Some(Ordering::Greater)
    );
    // 2^53 + 1 rounds to 2^53 as a flonum, but the comparison must not round.
    let n = Num::Int((1 << 53) + 1);
    assert_eq!(
        compare(&Num::Float(9007199254740992.0), &n),
        Some(Ordering::Less)
    );
    // A bignum one above a huge flonum.
    let x = 1e300;
    let above = Num::Big(float_to_big(x) + 1);
    assert_eq!(compare(&Num::Float(x), &above), Some(Ordering::Less));
    assert_eq!(compare(&above, &Num::Float(x)), Some(Ordering::Greater));
    // Fractions break ties toward the flonum side.
    assert_eq!(
        compare(&Num::Float(-0.5), &Num::Int(0)),
        Some(Ordering::Less)
    );
    assert_eq!(
        compare(&Num::Float(-0.5), &Num::Int(-1)),
        Some(Ordering::Greater)
    );
    let huge_neg = Num::Big(-big("1000000000000000000000000")?);
    assert_eq!(
        compare(&Num::Float(-1e24 - 1e9), &huge_neg),
        Some(Ordering::Less)
    );
    assert_eq!(compare(&Num::Float(f64::NAN), &Num::Int(1)), None);
    assert_eq!(
        compare(&Num::Float(f64::INFINITY), &Num::Big(pow2(5000))),
        Some(Ordering::Greater)
    );
    assert_eq!(
        compare(&Num::Int(i64::MIN), &Num::Float(-9223372036854775808.0)),
        Some(Ordering::Equal)
    );
    Ok(())
}

#[test]
fn rounding_halves_go_to_even() {
    let cases = [
        (0.5f64, 0.0f64),
        (1.5, 2.0),
        (2.5, 2.0),
        (3.5, 4.0),
        (-2.5, -2.0),
        (-3.5, -4.0),
        (2.4999999999999996, 2.0),
        (4503599627370497.0, 4503599627370497.0),
        (-0.4, -0.0),
    ];
    for (x, want) in cases {
        let got = round_half_even(x);
        assert_eq!(got.to_bits(), want.to_bits(), "round {x}");
    }
}

#[test]
fn integer_division_signs() -> Result<(), String> {
    let cases = [
        (7i64, 2i64, Rounding::Floor, 3i64, 1i64),
        (-7, 2, Rounding::Floor, -4, 1),
        (7, -2, Rounding::Floor, -4, -1),
        (-7, -2, Rounding::Floor, 3, -1),
        (-7, 2, Rounding::Truncate, -3, -1),
        (7, -2, Rounding::Truncate, -3, 1),
    ];
    for (n, m, mode, q, r) in cases {
        let (gq, gr) = divide("t", &Num::Int(n), &Num::Int(m), mode).map_err(|_| "error")?;
        assert_eq!((gq, gr), (Num::Int(q), Num::Int(r)), "{n} {m} {mode:?}");
    }
    let (q, r) =
        divide("t", &Num::Int(i64::MIN), &Num::Int(-1), Rounding::Floor).map_err(|_| "error")?;
    assert_eq!(q, Num::Big(pow2(63)));
    assert_eq!(r, Num::Int(0));
    assert!(divide("t", &Num::Int(1), &Num::Int(0), Rounding::Floor).is_err());
    let (q, r) =
        divide("t", &Num::Float(-7.0), &Num::Int(2), Rounding::Floor).map_err(|_| "error")?;
    assert_eq!((q, r), (Num::Float(-4.0), Num::Float(1.0)));
    let (_, r) =
        divide("t", &Num::Float(-5.5), &Num::Int(2), Rounding::Floor).map_err(|_| "error")?;
    assert_eq!(r, Num::Float(0.5));
    let (_, r) =
        divide("t", &Num::Float(-4.0), &Num::Int(2), Rounding::Truncate).map_err(|_| "error")?;
    assert_eq!(r.to_f64().to_bits(), 0.0f64.to_bits());
    Ok(())
}

#[test]
fn bignum_arithmetic_normalises() -> Result<(), String> {
    let a = add(&Num::Int(i64::MAX), &Num::Int(1));
    assert_eq!(a, Num::Big(pow2(63)));
    assert_eq!(sub(&a, &Num::Int(1)), Num::Int(i64::MAX));
    let q = div("/", &Num::Big(pow2(100)), &Num::Big(pow2(98))).map_err(|_| "error")?;
    assert_eq!(q, Num::Int(4));
    let p = mul(&Num::Int(99999999999), &Num::Int(99999999999));
    assert_eq!(p, Num::Big(big("9999999999800000000001")?));
    assert!(div("/", &Num::Int(1), &Num::Int(0)).is_err());
    assert_eq!(
        div("/", &Num::Int(1), &Num::Int(3)).map_err(|_| "error")?,
        Num::Float(1.0 / 3.0)
    );
    Ok(())
}

#[test]
fn float_to_big_is_exact() -> Result<(), String> {
    assert_eq!(float_to_big(1e20), big("100000000000000000000")?);
    assert_eq!(float_to_big(-2.5), BigInt::from(-2));
    assert_eq!(float_to_big(f64::NAN), BigInt::zero());
    assert_eq!(float_to_big(2f64.powi(100)), pow2(100));
    Ok(())
}

#[test]
fn square_roots_round_correctly() -> Result<(), String> {
    assert_eq!(sqrt_to_f64(&BigInt::from(2)), 2f64.sqrt());
    // 10^401 has no flonum, but its root 10^200.5 does.
    let n = num_traits::pow(BigInt::from(10), 401);
    let want: f64 = "3.1622776601683794e200".parse().map_err(|_| "parse")?;
    assert_eq!(sqrt_to_f64(&n), want);
    // (2^53 + 1)^2 + 1 is just above a perfect square whose root is not a flonum:
    // the root rounds to 2^53 + 2 (the tie at 2^53 + 1 is broken by the extra part).
    let s = pow2(53) + 1;
    assert_eq!(sqrt_to_f64(&(&s * &s + 1)), 9007199254740994.0);
    Ok(())
}

#[test]
fn expt_guard_and_exactness() -> Result<(), String> {
    let r = power(&Num::Int(2), &Num::Int(100)).map_err(|_| "error")?;
    assert_eq!(r, Num::Big(pow2(100)));
    assert!(power(&Num::Int(2), &Num::Big(pow2(70))).is_err());
    assert!(power(&Num::Int(3), &Num::Int(1 << 29)).is_err());
    let r = power(&Num::Int(-1), &Num::Big(pow2(70) + 1)).map_err(|_| "error")?;
    assert_eq!(r, Num::Int(-1));
    let r = power(&Num::Int(2), &Num::Int(-2)).map_err(|_| "error")?;
    assert_eq!(r, Num::Float(0.25));
    let r = power(&Num::Int(-10), &Num::Int(-100001)).map_err(|_| "error")?;
    assert_eq!(r.to_f64().to_bits(), (-0.0f64).to_bits());
    let r = power(&Num::Int(0), &Num::Int(0)).map_err(|_| "error")?;
    assert_eq!(r, Num::Int(1));
    let r = power(&Num::Int(-2), &Num::Int(63)).map_err(|_| "error")?;
    assert_eq!(r, Num::Int(i64::MIN));
    let r = power(&Num::Int(-8), &Num::Int(2)).map_err(|_| "error")?;
    assert_eq!(r, Num::Int(64));
    let r = power(&Num::Int(-3), &Num::Int(3)).map_err(|_| "error")?;
    assert_eq!(r, Num::Int(-27));
    assert!(power(&Num::Int(2), &Num::Int(1 << 28)).is_err());
    assert!(power(&Num::Int(3), &Num::Int(1 << 25)).is_err());
    let r = power(&Num::Float(2.0), &Num::Int(-1)).map_err(|_| "error")?;
    assert_eq!(r, Num::Float(0.5));
    Ok(())
}

#[test]
fn float_fractions_are_binary() {
    assert_eq!(float_fraction(0.75), (3.0, 4.0));
    assert_eq!(float_fraction(-0.125), (-1.0, 8.0));
    assert_eq!(float_fraction(6.0), (6.0, 1.0));
    assert_eq!(
        float_fraction(0.1),
        (3602879701896397.0, 36028797018963968.0)
    );
}

#[test]
fn ratio_agrees_with_the_parser_on_many_values() -> Result<(), String> {
    // A fixed linear congruential sequence: deterministic, yet covers many digit
    // patterns and exponents, including subnormal and near-overflow ones.
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 11
    };
    for _ in 0..3000 {
        let digits = format!("{}{}{}", next(), next(), next() % 1000);
        let k = (next() % 700) as i64 - 350;
        let n = big(&digits)?;
        let (num, den) = if k >= 0 {
            (n, num_traits::pow(BigInt::from(10), k as usize))
        } else {
            (
                n * num_traits::pow(BigInt::from(10), (-k) as usize),
                BigInt::one(),
            )
        };
        let want: f64 = format!("{digits}e{}", -k).parse().map_err(|_| "parse")?;
        assert_eq!(
            ratio_to_f64(&num, &den).to_bits(),
            want.to_bits(),
            "{digits}e{}",
            -k
        );
    }
    Ok(())
}
