//! Tests of spec §2.6–2.7: characters and strings.

use super::*;

// ---- 2.6 characters ------------------------------------------------------------------

#[test]
fn characters() -> Result<(), ReadError> {
    let cases: &[(&str, char)] = &[
        ("#\\a", 'a'),
        ("#\\A", 'A'),
        ("#\\λ", 'λ'),
        ("#\\(", '('),
        ("#\\)", ')'),
        ("#\\;", ';'),
        ("#\\\"", '"'),
        ("#\\ ", ' '),
        ("#\\x", 'x'),
        ("#\\X", 'X'),
        ("#\\x41", 'A'),
        ("#\\x41;", 'A'),
        ("#\\x3bb", 'λ'),
        ("#\\x10FFFF", '\u{10ffff}'),
        ("#\\x0", '\0'),
        ("#\\alarm", '\u{7}'),
        ("#\\backspace", '\u{8}'),
        ("#\\delete", '\u{7f}'),
        ("#\\escape", '\u{1b}'),
        ("#\\newline", '\n'),
        ("#\\null", '\0'),
        ("#\\return", '\r'),
        ("#\\space", ' '),
        ("#\\tab", '\t'),
        ("#\\linefeed", '\n'),
        ("#\\nul", '\0'),
        ("#\\vtab", '\u{b}'),
        ("#\\page", '\u{c}'),
        ("#\\del", '\u{7f}'),
        ("#\\SPACE", ' '),
        ("#\\NewLine", '\n'),
        ("#\\{", '{'),
        ("#\\|", '|'),
        ("#\\#", '#'),
        ("#\\\\", '\\'),
    ];
    for (src, want) in cases {
        let d = one(src)?;
        assert!(matches!(d.kind, DatumKind::Char(c) if c == *want), "{src}");
    }
    Ok(())
}

#[test]
fn characters_end_at_delimiters() -> Result<(), ReadError> {
    assert_eq!(read("(#\\a)")?, "(#\\a)");
    assert_eq!(read("(#\\))")?, "(#\\))");
    assert_eq!(read("#\\( (a)")?, "#\\( (a)");
    assert_eq!(read("#\\x41;b")?, "#\\A b");
    assert_eq!(read("#\\x41 ;comment\nb")?, "#\\A b");
    assert_eq!(read("#\\x;c\nb")?, "#\\x b");
    assert_eq!(read("#\\a;c\nb")?, "#\\a b");
    assert_eq!(read("(#\\space)")?, "(#\\ )");
    Ok(())
}

#[test]
fn character_errors() {
    let e = error("#\\foo");
    assert_eq!(e.kind, ReadErrorKind::UnknownCharName("foo".into()));
    assert_eq!(e.to_string(), "unknown character name: foo");
    assert_eq!((e.span.lo, e.span.hi), (0, 5));
    assert_eq!(err("#\\λx"), ReadErrorKind::UnknownCharName("λx".into()));
    assert_eq!(err("#\\(a"), ReadErrorKind::UnknownCharName("(a".into()));
    assert_eq!(
        err("#\\x1234567"),
        ReadErrorKind::UnknownCharName("x1234567".into())
    );
    assert_eq!(err("#\\xD800"), ReadErrorKind::InvalidCodePoint(0xD800));
    assert_eq!(err("#\\xDFFF"), ReadErrorKind::InvalidCodePoint(0xDFFF));
    assert_eq!(err("#\\x110000"), ReadErrorKind::InvalidCodePoint(0x110000));
    assert_eq!(error("#\\xd800").to_string(), "invalid code point #xD800");
    assert_eq!(err("#\\X41"), ReadErrorKind::UnknownCharName("X41".into()));
    assert_eq!(err("#\\"), ReadErrorKind::UnknownCharName(String::new()));
}

// ---- 2.7 strings ---------------------------------------------------------------------

fn string_of(src: &str) -> Result<String, ReadError> {
    match one(src)?.kind {
        DatumKind::Str(s) => Ok(s.to_string()),
        other => panic!("not a string: {other:?}"),
    }
}

#[test]
fn string_escapes() -> Result<(), ReadError> {
    assert_eq!(
        string_of(r#""a\ab\bc\td\ne\rf\"g\\h\|i""#)?,
        "a\u{7}b\u{8}c\td\ne\rf\"g\\h|i"
    );
    assert_eq!(string_of(r#""\x41;\x3bb;\x1F600;""#)?, "Aλ😀");
    assert_eq!(string_of("\"\"")?, "");
    assert_eq!(string_of("\"λ→\"")?, "λ→");
    assert_eq!(string_of("\"a;b #|c|#\"")?, "a;b #|c|#");
    Ok(())
}

#[test]
fn strings_span_lines_and_continue() -> Result<(), ReadError> {
    assert_eq!(string_of("\"a\nb\"")?, "a\nb");
    assert_eq!(string_of("\"a\\\n   b\"")?, "ab");
    assert_eq!(string_of("\"a\\  \t\n\t  b\"")?, "ab");
    assert_eq!(string_of("\"a\\\r\n  b\"")?, "ab");
    assert_eq!(string_of("\"a\\\n\nb\"")?, "a\nb");
    Ok(())
}

#[test]
fn string_errors() {
    let e = error(r#"(a "x\qy")"#);
    assert_eq!(e.kind, ReadErrorKind::UnknownStringEscape('q'));
    assert_eq!(e.to_string(), "unknown string escape \\q");
    assert_eq!((e.span.lo, e.span.hi), (5, 7));
    assert_eq!(err("\"a\\  b\""), ReadErrorKind::UnknownStringEscape(' '));
    assert_eq!(
        err(r#""\x41""#),
        ReadErrorKind::InvalidHexEscape(r#"\x41""#.into())
    );
    assert_eq!(
        err(r#""\x;""#),
        ReadErrorKind::InvalidHexEscape(r"\x;".into())
    );
    assert_eq!(err(r#""\xD800;""#), ReadErrorKind::InvalidCodePoint(0xD800));
    assert_eq!(
        err(r#""\x110000;""#),
        ReadErrorKind::InvalidCodePoint(0x110000)
    );
    let e = error("(a \"abc");
    assert_eq!(e.kind, ReadErrorKind::UnterminatedString);
    assert_eq!((e.span.lo, e.span.hi), (3, 4));
    assert!(e.is_incomplete());
    assert_eq!(e.to_string(), "unterminated string");
    assert_eq!(err("\"abc\\"), ReadErrorKind::UnterminatedString);
    assert_eq!(err("\"abc\\x41"), ReadErrorKind::UnterminatedString);
    assert_eq!(err("\"abc\\  "), ReadErrorKind::UnterminatedString);
}
