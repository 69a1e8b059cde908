//! Tests of the number syntax (spec §2.5) through `parse_number` and the reader.

use super::super::number::ratio_to_f64;
use super::*;
use num_bigint::BigInt;

fn int(s: &str) -> Option<i64> {
    match parse_number(s, 10) {
        Some(Number::Int(i)) => Some(i),
        _ => None,
    }
}

fn float(s: &str) -> Option<f64> {
    match parse_number(s, 10) {
        Some(Number::Float(f)) => Some(f),
        _ => None,
    }
}

fn big(s: &str) -> Option<String> {
    match parse_number(s, 10) {
        Some(Number::Big(b)) => Some(b.to_string()),
        _ => None,
    }
}

#[test]
fn integers() {
    assert_eq!(int("0"), Some(0));
    assert_eq!(int("-0"), Some(0));
    assert_eq!(int("+17"), Some(17));
    assert_eq!(int("007"), Some(7));
    assert_eq!(int("9223372036854775807"), Some(i64::MAX));
    assert_eq!(int("-9223372036854775808"), Some(i64::MIN));
    assert_eq!(
        big("9223372036854775808"),
        Some("9223372036854775808".into())
    );
    assert_eq!(
        big("-9223372036854775809"),
        Some("-9223372036854775809".into())
    );
    assert_eq!(
        big("123456789012345678901234567890"),
        Some("123456789012345678901234567890".into())
    );
    assert_eq!(int("00000000000000000000000000000042"), Some(42));
}

#[test]
fn radix_prefixes() {
    assert_eq!(int("#xff"), Some(255));
    assert_eq!(int("#XFF"), Some(255));
    assert_eq!(int("#x-ff"), Some(-255));
    assert_eq!(int("#b101"), Some(5));
    assert_eq!(int("#B-101"), Some(-5));
    assert_eq!(int("#o777"), Some(511));
    assert_eq!(int("#d99"), Some(99));
    assert_eq!(
        big("#xffffffffffffffffff"),
        Some("4722366482869645213695".into())
    );
    assert_eq!(parse_number("#x1/2", 10), Some(Number::Float(0.5)));
    assert_eq!(parse_number("#x10/2", 10), Some(Number::Int(8)));
    assert_eq!(
        parse_number("#x+inf.0", 10),
        Some(Number::Float(f64::INFINITY))
    );
}

#[test]
fn default_radix() {
    assert_eq!(parse_number("ff", 16), Some(Number::Int(255)));
    assert_eq!(parse_number("FF", 16), Some(Number::Int(255)));
    assert_eq!(parse_number("101", 2), Some(Number::Int(5)));
    assert_eq!(parse_number("17", 8), Some(Number::Int(15)));
    assert_eq!(parse_number("#d10", 16), Some(Number::Int(10)));
    assert_eq!(parse_number("#b10", 16), Some(Number::Int(2)));
    assert_eq!(parse_number("102", 2), None);
    assert_eq!(parse_number("ff", 10), None);
    // Decimals are radix 10 only: in radix 16 `1e5` is an integer.
    assert_eq!(parse_number("1e5", 16), Some(Number::Int(0x1e5)));
    assert_eq!(parse_number("1.5", 16), None);
    assert_eq!(parse_number("10", 3), None);
    assert_eq!(parse_number("10", 0), None);
    assert_eq!(parse_number("10", 36), None);
}

#[test]
fn exactness_prefixes() {
    assert_eq!(parse_number("#e1.0", 10), Some(Number::Int(1)));
    assert_eq!(parse_number("#e1e3", 10), Some(Number::Int(1000)));
    assert_eq!(parse_number("#e-2.50e1", 10), Some(Number::Int(-25)));
    assert_eq!(parse_number("#e.5e1", 10), Some(Number::Int(5)));
    assert_eq!(parse_number("#e0.0", 10), Some(Number::Int(0)));
    assert_eq!(parse_number("#e1200e-2", 10), Some(Number::Int(12)));
    assert_eq!(parse_number("#e6/3", 10), Some(Number::Int(2)));
    assert_eq!(parse_number("#e42", 10), Some(Number::Int(42)));
    assert_eq!(
        parse_number("#e12345678901234567890.0", 10),
        Some(Number::Big(
            "12345678901234567890".parse::<BigInt>().unwrap_or_default()
        ))
    );
    assert_eq!(
        parse_number("#e1e30", 10),
        Some(Number::Big(num_traits::pow(BigInt::from(10), 30)))
    );
    assert_eq!(parse_number("#e1.5", 10), None);
    assert_eq!(parse_number("#e1/2", 10), None);
    assert_eq!(parse_number("#e+inf.0", 10), None);
    assert_eq!(parse_number("#e+nan.0", 10), None);
    assert_eq!(parse_number("#e1e-1", 10), None);
    assert_eq!(parse_number("#e1e999999", 10), None);
    assert_eq!(parse_number("#i5", 10), Some(Number::Float(5.0)));
    assert_eq!(parse_number("#i6/3", 10), Some(Number::Float(2.0)));
    assert_eq!(parse_number("#i1/3", 10), Some(Number::Float(1.0 / 3.0)));
    assert_eq!(parse_number("#i1.5", 10), Some(Number::Float(1.5)));
    assert_eq!(
        parse_number("#i-inf.0", 10),
        Some(Number::Float(f64::NEG_INFINITY))
    );
    assert_eq!(
        parse_number("#i123456789012345678901234567890", 10),
        Some(Number::Float(1.2345678901234568e29))
    );
    // Prefixes in either order, case-insensitive, at most one of each.
    assert_eq!(parse_number("#x#e10", 10), Some(Number::Int(16)));
    assert_eq!(parse_number("#E#X10", 10), Some(Number::Int(16)));
    assert_eq!(parse_number("#i#xa", 10), Some(Number::Float(10.0)));
    assert_eq!(parse_number("#x#x10", 10), None);
    assert_eq!(parse_number("#e#i10", 10), None);
    assert_eq!(parse_number("#x#b10", 10), None);
}

#[test]
fn decimals() {
    assert_eq!(float("1.5"), Some(1.5));
    assert_eq!(float("1."), Some(1.0));
    assert_eq!(float(".5"), Some(0.5));
    assert_eq!(float("-.5"), Some(-0.5));
    assert_eq!(float("+.5"), Some(0.5));
    assert_eq!(float("1e3"), Some(1000.0));
    assert_eq!(float("1E3"), Some(1000.0));
    assert_eq!(float("2.5E-3"), Some(0.0025));
    assert_eq!(float("1.e2"), Some(100.0));
    assert_eq!(float(".5e1"), Some(5.0));
    assert_eq!(float("1e+2"), Some(100.0));
    assert_eq!(float("0.1"), Some(0.1));
    assert_eq!(float("-0.0").map(|f| f.is_sign_negative()), Some(true));
    assert_eq!(float("1e400"), Some(f64::INFINITY));
    assert_eq!(float("1e-400"), Some(0.0));
    assert_eq!(float("1e99999999999999999999999"), Some(f64::INFINITY));
    assert_eq!(
        float("123456789012345678901234567890.0"),
        Some(1.2345678901234568e29)
    );
}

#[test]
fn specials() {
    assert_eq!(float("+inf.0"), Some(f64::INFINITY));
    assert_eq!(float("-inf.0"), Some(f64::NEG_INFINITY));
    assert_eq!(float("+INF.0"), Some(f64::INFINITY));
    assert!(float("+nan.0").is_some_and(f64::is_nan));
    assert!(float("-nan.0").is_some_and(f64::is_nan));
    assert!(float("+NaN.0").is_some_and(f64::is_nan));
    assert_eq!(parse_number("inf.0", 10), None);
    assert_eq!(parse_number("nan.0", 10), None);
    assert_eq!(parse_number("+inf", 10), None);
    assert_eq!(parse_number("+inf.00", 10), None);
    assert_eq!(parse_number("inf", 10), None);
    assert_eq!(parse_number("infinity", 10), None);
}

#[test]
fn quotients() {
    assert_eq!(parse_number("6/3", 10), Some(Number::Int(2)));
    assert_eq!(parse_number("-6/3", 10), Some(Number::Int(-2)));
    assert_eq!(parse_number("1/2", 10), Some(Number::Float(0.5)));
    assert_eq!(parse_number("-1/3", 10), Some(Number::Float(-1.0 / 3.0)));
    assert_eq!(parse_number("0/5", 10), Some(Number::Int(0)));
    assert_eq!(parse_number("1/0", 10), None);
    assert_eq!(parse_number("0/0", 10), None);
    assert_eq!(parse_number("1/-2", 10), None);
    assert_eq!(parse_number("1/", 10), None);
    assert_eq!(parse_number("/2", 10), None);
    assert_eq!(parse_number("1.5/2", 10), None);
    assert_eq!(parse_number("-9223372036854775808/-1", 10), None);
    assert_eq!(
        parse_number("9223372036854775808/1", 10),
        Some(Number::Big(
            "9223372036854775808".parse::<BigInt>().unwrap_or_default()
        ))
    );
    assert_eq!(
        parse_number("18446744073709551616/2", 10),
        Some(Number::Big(BigInt::from(1u64 << 63)))
    );
    assert_eq!(
        parse_number("18446744073709551614/2", 10),
        Some(Number::Big(BigInt::from(i64::MAX as u64))).map(|_| Number::Int(i64::MAX))
    );
    // Nearest flonum even when the operands do not fit in 53 bits.
    assert_eq!(
        parse_number("9007199254740993/1", 10),
        Some(Number::Int(9_007_199_254_740_993))
    );
    assert_eq!(
        parse_number("9007199254740993/2", 10),
        Some(Number::Float(4503599627370496.5))
    );
    assert_eq!(
        parse_number(
            "100000000000000000000000000001/100000000000000000000000000000",
            10
        ),
        Some(Number::Float(1.0))
    );
}

#[test]
fn ratio_rounding_is_correct() {
    let r = |n: i128, d: i128| ratio_to_f64(&BigInt::from(n), &BigInt::from(d));
    assert_eq!(r(1, 3), 1.0 / 3.0);
    assert_eq!(r(-2, 3), -2.0 / 3.0);
    assert_eq!(r(2, -3), -2.0 / 3.0);
    assert_eq!(r(0, 7), 0.0);
    // 2^53 + 1 is a tie between 2^53 and 2^53 + 2: ties go to even.
    assert_eq!(r((1 << 53) + 1, 1), 9007199254740992.0);
    assert_eq!(r((1 << 53) + 3, 1), 9007199254740996.0);
    // Slightly above the tie rounds up.
    assert_eq!(r((1 << 54) + 3, 2), 9007199254740994.0);
    let huge = num_traits::pow(BigInt::from(10), 400);
    assert_eq!(ratio_to_f64(&huge, &BigInt::from(1)), f64::INFINITY);
    assert_eq!(ratio_to_f64(&BigInt::from(1), &huge), 0.0);
    assert_eq!(ratio_to_f64(&huge, &(huge.clone() * 4)), 0.25);
    let tiny = ratio_to_f64(&BigInt::from(1), &num_traits::pow(BigInt::from(2), 1074));
    assert_eq!(tiny, f64::from_bits(1));
}

#[test]
fn not_numbers() {
    for s in [
        "", "+", "-", ".", "..", "...", "a", "1a", "12abc", "1.2.3", "1+", "1-", "--1", "+-1",
        "1e", "1e+", "e1", ".e1", "1..", " 1", "1 ", "1_000", "0x10", "#", "#x", "#e", "#q1",
        "#xg", "١٢", "1/2/3", "½", "+.", "-.e1", "1/2e3", "#t",
    ] {
        assert_eq!(parse_number(s, 10), None, "{s:?}");
    }
}
