//! Characters (spec §7, §10.4): code-point conversions, comparisons, the Unicode
//! property predicates, `digit-value` and the simple (one-to-one) case mappings. Also
//! the full case folding that `string-foldcase` and the `string-ci` comparisons use.
//!
//! Rust's `char` methods give the Unicode properties (Alphabetic, White_Space,
//! Uppercase, Lowercase) and the *full* case mappings. The simple mappings and case
//! folding are derived from them, with small tables for the few code points where the
//! derivation differs from UnicodeData.txt / CaseFolding.txt; `digit-value` and
//! `char-numeric?` (Numeric_Type=Decimal) use the table of decimal digit runs below.

use eta_vm::{natives, Ctx, Error, NResult, Value};
use std::cmp::Ordering;

/// The zero of every run of ten decimal digits (general category Nd) in Unicode 17.
/// Every Nd character belongs to exactly one such run, in order 0 to 9.
const DECIMAL_ZEROS: [u32; 77] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x10D40, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0,
    0x11650, 0x116C0, 0x116D0, 0x116DA, 0x11730, 0x118E0, 0x11950, 0x11BF0, 0x11C50, 0x11D50,
    0x11DA0, 0x11DE0, 0x11F50, 0x16130, 0x16A60, 0x16AC0, 0x16B50, 0x16D70, 0x1CCF0, 0x1D7CE,
    0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E5F1, 0x1E950, 0x1FBF0,
];

/// The value 0–9 of a decimal digit of any script, or `None`.
pub fn digit_value(c: char) -> Option<u32> {
    let cp = c as u32;
    let run = DECIMAL_ZEROS.partition_point(|&zero| zero <= cp);
    let zero = DECIMAL_ZEROS.get(run.checked_sub(1)?)?;
    let d = cp - zero;
    (d < 10).then_some(d)
}

/// The only character of a case mapping, if it has exactly one.
fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

/// The simple uppercase mapping (UnicodeData.txt): `c` itself when there is none.
pub fn simple_upcase(c: char) -> char {
    match c as u32 {
        // Greek letters with ypogegrammeni: their full uppercase is two characters
        // (SpecialCasing), their simple uppercase the letter with prosgegrammeni.
        0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => {
            char::from_u32(c as u32 + 8).unwrap_or(c)
        }
        0x1FB3 => '\u{1FBC}',
        0x1FC3 => '\u{1FCC}',
        0x1FF3 => '\u{1FFC}',
        _ => single(c.to_uppercase()).unwrap_or(c),
    }
}

/// The simple lowercase mapping (UnicodeData.txt): `c` itself when there is none.
pub fn simple_downcase(c: char) -> char {
    // U+0130's full lowercase is "i\u{307}"; its simple one is plain i.
    if c == '\u{130}' {
        return 'i';
    }
    single(c.to_lowercase()).unwrap_or(c)
}

/// Folding of the code points where lowercase-uppercase-lowercase gives another answer
/// than CaseFolding.txt: dotless i is its own folding, and Cherokee folds to uppercase.
fn fold_exception(c: char) -> Option<char> {
    let cp = c as u32;
    match cp {
        0x131 => Some(c),
        0x13A0..=0x13F5 => Some(c),
        0x13F8..=0x13FD => char::from_u32(cp - 8),
        0xAB70..=0xABBF => char::from_u32(cp - 0xAB70 + 0x13A0),
        _ => None,
    }
}

/// Simple case folding (CaseFolding.txt statuses C and S).
pub fn simple_foldcase(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if let Some(f) = fold_exception(c) {
        return f;
    }
    if c == '\u{FB05}' {
        return '\u{FB06}';
    }
    let lower = single(c.to_lowercase()).unwrap_or(c);
    let upper = single(lower.to_uppercase()).unwrap_or(lower);
    single(upper.to_lowercase()).unwrap_or(upper)
}

/// Appends the full case folding of `c` (CaseFolding.txt statuses C and F) to `out`.
pub fn full_foldcase(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if let Some(f) = fold_exception(c) {
        out.push(f);
    } else {
        // Lowercasing first sends capital sharp s to ß, whose uppercase is SS; the
        // last step maps every case variant (final sigma, symbol forms) to one form.
        for lower in c.to_lowercase() {
            for upper in lower.to_uppercase() {
                out.extend(upper.to_lowercase());
            }
        }
    }
}

/// A character argument.
pub fn char_arg<'gc>(who: &str, v: Value<'gc>) -> Result<char, Error<'gc>> {
    match v {
        Value::Char(c) => Ok(c),
        _ => Err(Error::type_error(who, "char", v)),
    }
}

/// `(char->integer c)`: the code point of `c`.
///
/// `(char->integer #\λ)` ;; => 955
fn char_to_integer<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Int(i64::from(u32::from(char_arg(
        "char->integer",
        a[0],
    )?))))
}

/// `(integer->char n)`: the character with code point `n`.
///
/// `(integer->char 955)` ;; => #\λ
fn integer_to_char<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let c = match a[0] {
        Value::Int(n) => u32::try_from(n).ok().and_then(char::from_u32),
        Value::Big(_) => None,
        v => return Err(Error::type_error("integer->char", "exact integer", v)),
    };
    c.map(Value::Char).ok_or_else(|| {
        Error::msg(format!(
            "integer->char: {} is not a Unicode scalar value",
            eta_vm::write_truncated(a[0], 60)
        ))
        .with_irritants(vec![a[0]])
    })
}

/// Checks every argument, then whether each adjacent pair (after `key`) is ordered
/// as `ok` requires.
fn compare<'gc>(
    who: &str,
    a: &[Value<'gc>],
    key: fn(char) -> char,
    ok: fn(Ordering) -> bool,
) -> NResult<'gc> {
    let cs = a
        .iter()
        .map(|v| char_arg(who, *v).map(key))
        .collect::<Result<Vec<char>, _>>()?;
    Ok(Value::Bool(cs.windows(2).all(|w| ok(w[0].cmp(&w[1])))))
}

fn same(c: char) -> char {
    c
}

macro_rules! comparisons {
    ($($f:ident $name:literal $key:ident $ok:expr, $example:literal;)*) => {
        $(
            #[doc = concat!("`(", $name, " c1 c2 ...)`: code-point comparison of adjacent arguments",
                " (the `-ci` forms after `char-foldcase`).\n\n", $example)]
            fn $f<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
                compare($name, a, $key, $ok)
            }
        )*
    };
}

comparisons! {
    char_eq "char=?" same Ordering::is_eq, "`(char=? #\\a #\\a)` ;; => #t";
    char_lt "char<?" same Ordering::is_lt, "`(char<? #\\a #\\b #\\c)` ;; => #t";
    char_gt "char>?" same Ordering::is_gt, "`(char>? #\\b #\\a)` ;; => #t";
    char_le "char<=?" same Ordering::is_le, "`(char<=? #\\a #\\a #\\b)` ;; => #t";
    char_ge "char>=?" same Ordering::is_ge, "`(char>=? #\\b #\\b #\\a)` ;; => #t";
    char_ci_eq "char-ci=?" simple_foldcase Ordering::is_eq, "`(char-ci=? #\\a #\\A)` ;; => #t";
    char_ci_lt "char-ci<?" simple_foldcase Ordering::is_lt, "`(char-ci<? #\\a #\\B)` ;; => #t";
    char_ci_gt "char-ci>?" simple_foldcase Ordering::is_gt, "`(char-ci>? #\\b #\\A)` ;; => #t";
    char_ci_le "char-ci<=?" simple_foldcase Ordering::is_le, "`(char-ci<=? #\\a #\\A)` ;; => #t";
    char_ci_ge "char-ci>=?" simple_foldcase Ordering::is_ge, "`(char-ci>=? #\\B #\\a)` ;; => #t";
}

macro_rules! predicates {
    ($($f:ident $name:literal $test:expr, $what:literal, $example:literal;)*) => {
        $(
            #[doc = concat!("`(", $name, " c)`: whether `c` has the Unicode property ", $what,
                ".\n\n", $example)]
            fn $f<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
                let test: fn(char) -> bool = $test;
                Ok(Value::Bool(test(char_arg($name, a[0])?)))
            }
        )*
    };
}

predicates! {
    is_alphabetic "char-alphabetic?" char::is_alphabetic, "Alphabetic",
        "`(char-alphabetic? #\\λ)` ;; => #t";
    is_numeric "char-numeric?" |c| digit_value(c).is_some(), "Numeric_Type=Decimal",
        "`(char-numeric? #\\٣)` ;; => #t";
    is_whitespace "char-whitespace?" char::is_whitespace, "White_Space",
        "`(char-whitespace? #\\tab)` ;; => #t";
    is_upper_case "char-upper-case?" char::is_uppercase, "Uppercase",
        "`(char-upper-case? #\\Ä)` ;; => #t";
    is_lower_case "char-lower-case?" char::is_lowercase, "Lowercase",
        "`(char-lower-case? #\\ß)` ;; => #t";
}

/// `(digit-value c)`: the value of a decimal digit of any script, else `#f`.
///
/// `(digit-value #\٣)` ;; => 3
fn digit_value_of<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(match digit_value(char_arg("digit-value", a[0])?) {
        Some(d) => Value::Int(i64::from(d)),
        None => Value::Bool(false),
    })
}

/// `(char-upcase c)`: the simple uppercase mapping.
///
/// `(char-upcase #\ä)` ;; => #\Ä
fn char_upcase<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Char(simple_upcase(char_arg("char-upcase", a[0])?)))
}

/// `(char-downcase c)`: the simple lowercase mapping.
///
/// `(char-downcase #\Σ)` ;; => #\σ
fn char_downcase<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Char(simple_downcase(char_arg(
        "char-downcase",
        a[0],
    )?)))
}

/// `(char-foldcase c)`: the simple case folding.
///
/// `(char-foldcase #\ς)` ;; => #\σ
fn char_foldcase<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Char(simple_foldcase(char_arg(
        "char-foldcase",
        a[0],
    )?)))
}

/// The character builtins.
pub static NATIVES: &[eta_vm::Native] = natives![
    "char->integer", 1, Some(1), Simple(char_to_integer);
    "integer->char", 1, Some(1), Simple(integer_to_char);
    "char=?", 1, None, Simple(char_eq);
    "char<?", 1, None, Simple(char_lt);
    "char>?", 1, None, Simple(char_gt);
    "char<=?", 1, None, Simple(char_le);
    "char>=?", 1, None, Simple(char_ge);
    "char-ci=?", 1, None, Simple(char_ci_eq);
    "char-ci<?", 1, None, Simple(char_ci_lt);
    "char-ci>?", 1, None, Simple(char_ci_gt);
    "char-ci<=?", 1, None, Simple(char_ci_le);
    "char-ci>=?", 1, None, Simple(char_ci_ge);
    "char-alphabetic?", 1, Some(1), Simple(is_alphabetic);
    "char-numeric?", 1, Some(1), Simple(is_numeric);
    "char-whitespace?", 1, Some(1), Simple(is_whitespace);
    "char-upper-case?", 1, Some(1), Simple(is_upper_case);
    "char-lower-case?", 1, Some(1), Simple(is_lower_case);
    "digit-value", 1, Some(1), Simple(digit_value_of);
    "char-upcase", 1, Some(1), Simple(char_upcase);
    "char-downcase", 1, Some(1), Simple(char_downcase);
    "char-foldcase", 1, Some(1), Simple(char_foldcase);
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_runs_are_sorted_numeric_and_disjoint() -> Result<(), &'static str> {
        assert!(DECIMAL_ZEROS.windows(2).all(|w| w[0] + 10 <= w[1]));
        for zero in DECIMAL_ZEROS {
            for d in 0..10 {
                let c = char::from_u32(zero + d).ok_or("not a char")?;
                assert!(c.is_numeric(), "U+{:X} is not numeric", zero + d);
                assert_eq!(digit_value(c), Some(d));
            }
        }
        assert_eq!(digit_value('/'), None);
        assert_eq!(digit_value('\u{10FFFF}'), None);
        assert_eq!(digit_value('\u{B2}'), None);
        Ok(())
    }

    #[test]
    fn folding_matches_case_folding_txt_on_known_cases() {
        let fold = |s: &str| -> String {
            let mut out = String::new();
            s.chars().for_each(|c| full_foldcase(c, &mut out));
            out
        };
        assert_eq!(fold("Straße ẞ"), "strasse ss");
        assert_eq!(fold("ΟΔΟΣ ς"), "οδοσ σ");
        assert_eq!(fold("\u{130}\u{131}"), "i\u{307}\u{131}");
        assert_eq!(fold("\u{AB70}\u{13F8}\u{13A0}"), "\u{13A0}\u{13F0}\u{13A0}");
        assert_eq!(simple_foldcase('\u{1E9E}'), 'ß');
        assert_eq!(simple_foldcase('\u{1F88}'), '\u{1F80}');
        assert_eq!(simple_foldcase('\u{130}'), '\u{130}');
        assert_eq!(simple_upcase('\u{1FB3}'), '\u{1FBC}');
        assert_eq!(simple_upcase('ß'), 'ß');
        assert_eq!(simple_downcase('\u{130}'), 'i');
    }
}
