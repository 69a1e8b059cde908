//! Tests of spec §2.1–2.5 in source: whitespace, comments, directives, delimiters,
//! identifiers, booleans and numbers as the reader sees them.

use super::*;

// ---- 2.1 whitespace and comments -------------------------------------------------

#[test]
fn whitespace_of_every_kind_separates_tokens() -> Result<(), ReadError> {
    let src = "a\tb\nc\rd\u{c}e\u{b}f\u{a0}g\u{3000}h\u{2028}i";
    assert_eq!(read(src)?, "a b c d e f g h i");
    Ok(())
}

#[test]
fn line_comments_run_to_end_of_line() -> Result<(), ReadError> {
    assert_eq!(read("a ; comment (\nb;c\n;last")?, "a b");
    Ok(())
}

#[test]
fn block_comments_nest() -> Result<(), ReadError> {
    assert_eq!(read("a #| x #| y |# z |# b")?, "a b");
    assert_eq!(read("(a #|c|#b)")?, "(a b)");
    assert_eq!(read("#||# x")?, "x");
    assert_eq!(read("a#b|c|")?, "a#b c");
    Ok(())
}

#[test]
fn unterminated_block_comment() {
    let e = error("a #| x #| y |# z");
    assert_eq!(e.kind, ReadErrorKind::UnterminatedBlockComment);
    assert_eq!((e.span.lo, e.span.hi), (2, 4));
    assert!(e.is_incomplete());
    assert_eq!(e.to_string(), "unterminated block comment");
}

#[test]
fn datum_comments_drop_one_datum_and_nest() -> Result<(), ReadError> {
    assert_eq!(read("#;a b")?, "b");
    assert_eq!(read("#; (x (y)) b")?, "b");
    assert_eq!(read("#; #; a b c")?, "c");
    assert_eq!(read("(1 #;2 3)")?, "(1 3)");
    assert_eq!(read("(1 #;#;2 3)")?, "(1)");
    assert_eq!(read("'#;a b")?, "(quote b)");
    assert_eq!(read("(a . #;b c)")?, "(a . c)");
    assert_eq!(read("(a . c #;d)")?, "(a . c)");
    assert_eq!(read("#(1 #;2)")?, "#(1)");
    assert_eq!(read("#;a")?, "");
    Ok(())
}

#[test]
fn datum_comment_without_datum() {
    let e = error("a #;");
    assert_eq!(e.kind, ReadErrorKind::MissingDatumAfterComment);
    assert!(e.is_incomplete());
    assert_eq!((e.span.lo, e.span.hi), (2, 4));
    assert_eq!(e.to_string(), "missing datum after #;");
    let e = error("(a #;)");
    assert_eq!(e.kind, ReadErrorKind::UnexpectedClose);
    assert!(!e.is_incomplete());
    assert_eq!(err("[a #;]"), ReadErrorKind::UnexpectedCloseSquare);
}

#[test]
fn shebang_line_is_skipped_in_files() -> Result<(), ReadError> {
    assert_eq!(read("#!/usr/bin/env etai\n(a)")?, "(a)");
    assert_eq!(read("#! etai\nb")?, "b");
    assert_eq!(read("\u{feff}#!/usr/bin/etai\nb")?, "b");
    assert_eq!(read("#!/only-a-shebang")?, "");
    let d = one("#!/usr/bin/env etai\n  x")?;
    assert_eq!((d.span.start, d.span.end), (pos(2, 3), pos(2, 4)));
    // Not at the start of the file, or not followed by `/` or a space: a directive.
    assert_eq!(
        err("x\n#!/usr/bin/env"),
        ReadErrorKind::UnknownDirective("/usr/bin/env".into())
    );
    Ok(())
}

#[test]
fn byte_order_mark_is_skipped_and_takes_no_column() -> Result<(), ReadError> {
    let d = one("\u{feff}abc")?;
    assert_eq!(d.as_symbol(), Some("abc"));
    assert_eq!((d.span.lo, d.span.hi), (3, 6));
    assert_eq!((d.span.start, d.span.end), (pos(1, 1), pos(1, 4)));
    Ok(())
}

#[test]
fn fold_case_directive() -> Result<(), ReadError> {
    assert_eq!(
        read("ABC #!fold-case ABC Straße |ABC| #!no-fold-case ABC")?,
        "ABC abc straße ABC ABC"
    );
    assert_eq!(
        read("#!fold-case #\\NEWLINE #\\A #\\X41")?,
        "#\\\n #\\A #\\A"
    );
    assert_eq!(
        read("#!fold-case (Define X \"Str\")")?,
        "(define x \"Str\")"
    );
    assert_eq!(read("#!fold-case ÀÉ")?, "àé");
    Ok(())
}

#[test]
fn unknown_directive() {
    let e = error("a #!optional b");
    assert_eq!(e.kind, ReadErrorKind::UnknownDirective("optional".into()));
    assert_eq!(e.to_string(), "unknown directive #!optional");
    assert_eq!((e.span.lo, e.span.hi), (2, 12));
    assert_eq!(err("#!"), ReadErrorKind::UnknownDirective(String::new()));
}

// ---- 2.2 delimiters --------------------------------------------------------------

#[test]
fn delimiters_end_tokens() -> Result<(), ReadError> {
    assert_eq!(read("a(b)c")?, "a (b) c");
    assert_eq!(read("a\"s\"b")?, "a \"s\" b");
    assert_eq!(read("a'b")?, "a (quote b)");
    assert_eq!(read("a;c\nb")?, "a b");
    assert_eq!(read("a|b|c")?, "a b c");
    assert_eq!(
        read("a`b,c,@d")?,
        "a (quasiquote b) (unquote c) (unquote-splicing d)"
    );
    assert_eq!(read("[a]b")?, "(a) b");
    Ok(())
}

#[test]
fn braces_are_reserved() {
    let e = error("(a {b})");
    assert_eq!(e.kind, ReadErrorKind::ReservedChar('{'));
    assert_eq!(e.to_string(), "reserved character {");
    assert_eq!((e.span.lo, e.span.hi), (3, 4));
    assert_eq!(err("a}"), ReadErrorKind::ReservedChar('}'));
    assert_eq!(err("x{"), ReadErrorKind::ReservedChar('{'));
}

#[test]
fn braces_are_fine_in_strings_comments_chars_and_bars() -> Result<(), ReadError> {
    assert_eq!(
        read("\"{}\" ; {\n#| } |# #\\{ #\\} |a{b}|")?,
        "\"{}\" #\\{ #\\} a{b}"
    );
    Ok(())
}

// ---- 2.3 identifiers and symbols -------------------------------------------------

#[test]
fn identifiers_of_the_spec() -> Result<(), ReadError> {
    let names = [
        "+",
        "-",
        "...",
        "->x",
        ".foo",
        ":key",
        "a.b.c",
        "std.io",
        "os:getenv",
        "%time-now-ms",
        "set-car!",
        "<point>",
        "λ",
        "переменная",
        "変数",
        "a#b",
        "x1",
        "inf.0",
        "+i",
        "-a",
        "+.a",
        "..",
        "+inf.0x",
        "-nan.0a",
    ];
    for name in names {
        let d = one(name)?;
        assert_eq!(d.as_symbol(), Some(name), "{name}");
    }
    Ok(())
}

#[test]
fn identifiers_are_case_sensitive() -> Result<(), ReadError> {
    assert_eq!(read("Foo foo FOO")?, "Foo foo FOO");
    Ok(())
}

#[test]
fn bar_symbols() -> Result<(), ReadError> {
    assert_eq!(one("|hello world|")?.as_symbol(), Some("hello world"));
    assert_eq!(one("||")?.as_symbol(), Some(""));
    assert_eq!(one(r"|a\|b|")?.as_symbol(), Some("a|b"));
    assert_eq!(one(r"|a\\b|")?.as_symbol(), Some("a\\b"));
    assert_eq!(one(r"|\a\b\t\n\r|")?.as_symbol(), Some("\u{7}\u{8}\t\n\r"));
    assert_eq!(one(r"|\x41;\x3bb;|")?.as_symbol(), Some("Aλ"));
    assert_eq!(one("|42|")?.as_symbol(), Some("42"));
    assert_eq!(one("|(a)|")?.as_symbol(), Some("(a)"));
    assert_eq!(one("|#foo|")?.as_symbol(), Some("#foo"));
    Ok(())
}

#[test]
fn bar_symbol_errors() {
    assert_eq!(err(r"|a\qb|"), ReadErrorKind::UnknownStringEscape('q'));
    let e = error("|abc");
    assert_eq!(e.kind, ReadErrorKind::UnterminatedSymbol);
    assert!(e.is_incomplete());
    assert_eq!((e.span.lo, e.span.hi), (0, 1));
}

#[test]
fn nil_is_the_empty_list() -> Result<(), ReadError> {
    assert!(matches!(one("Nil")?.kind, DatumKind::Nil));
    assert_eq!(read("'Nil")?, "(quote ())");
    assert_eq!(read("(a Nil)")?, "(a ())");
    assert_eq!(read("(a . Nil)")?, "(a)");
    assert_eq!(one("|Nil|")?.as_symbol(), Some("Nil"));
    assert_eq!(one("nil")?.as_symbol(), Some("nil"));
    assert_eq!(one("NIL")?.as_symbol(), Some("NIL"));
    Ok(())
}

#[test]
fn invalid_identifiers() {
    assert_eq!(err(r"a\b"), ReadErrorKind::InvalidIdentifier(r"a\b".into()));
    assert_eq!(
        err("a\u{1}b"),
        ReadErrorKind::InvalidIdentifier("a\u{1}b".into())
    );
}

// ---- 2.4 booleans ------------------------------------------------------------------

#[test]
fn booleans() -> Result<(), ReadError> {
    assert_eq!(
        read("#t #true #f #false #T #TRUE #F #FaLsE")?,
        "#t #t #f #f #t #t #f #f"
    );
    assert_eq!(read("(#t)#f")?, "(#t) #f");
    Ok(())
}

#[test]
fn booleans_need_a_delimiter() {
    assert_eq!(err("#tru"), ReadErrorKind::InvalidHashSyntax("#tru".into()));
    assert_eq!(err("#tx"), ReadErrorKind::InvalidHashSyntax("#tx".into()));
    assert_eq!(
        err("#falsey"),
        ReadErrorKind::InvalidHashSyntax("#falsey".into())
    );
    assert_eq!(error("#tru").to_string(), "invalid syntax: #tru");
}

#[test]
fn other_hash_syntax_is_an_error() {
    assert_eq!(err("#"), ReadErrorKind::InvalidHashSyntax("#".into()));
    assert_eq!(err("# a"), ReadErrorKind::InvalidHashSyntax("#".into()));
    assert_eq!(err("#12"), ReadErrorKind::InvalidHashSyntax("#12".into()));
    assert_eq!(
        err("#12abc)"),
        ReadErrorKind::InvalidHashSyntax("#12abc".into())
    );
    assert_eq!(err("#abc"), ReadErrorKind::InvalidHashSyntax("#abc".into()));
    assert_eq!(
        err("#u8 (1)"),
        ReadErrorKind::InvalidHashSyntax("#u8".into())
    );
}

// ---- 2.5 numbers (more in tests/numbers.rs) -----------------------------------------

#[test]
fn numbers_in_source() -> Result<(), ReadError> {
    assert_eq!(
        read("1 -2 +3 1.5 .5 -.5 1. 1e3 2.5E-3 #xff #b101 #o17 #d10")?,
        "1 -2 3 1.5 0.5 -0.5 1.0 1000.0 0.0025 255 5 15 10"
    );
    assert_eq!(
        read("6/3 1/2 #e1.0 #e1e3 #i5 +inf.0 -inf.0")?,
        "2 0.5 1 1000 5.0 inf -inf"
    );
    assert_eq!(
        read("123456789012345678901234567890")?,
        "big:123456789012345678901234567890"
    );
    assert!(matches!(one("+nan.0")?.kind, DatumKind::Float(f) if f.is_nan()));
    Ok(())
}

#[test]
fn invalid_numbers() {
    for bad in [
        "12abc", "1.2.3", "1+", "#xZZ", "1e", "1/x", "+5x", ".5.", "-1a", "1/2/3", "#x1.5",
        "#e#e1", "#b102", "#x", "#e",
    ] {
        assert_eq!(err(bad), ReadErrorKind::InvalidNumber(bad.into()), "{bad}");
    }
    assert_eq!(error("12abc").to_string(), "invalid number: 12abc");
}

#[test]
fn number_errors() {
    let e = error("(x 1/0)");
    assert_eq!(e.kind, ReadErrorKind::DivisionByZero("1/0".into()));
    assert_eq!((e.span.lo, e.span.hi), (3, 6));
    assert_eq!(e.to_string(), "division by zero in number: 1/0");
    assert_eq!(
        err("#e1.5"),
        ReadErrorKind::NoExactRepresentation("#e1.5".into())
    );
    assert_eq!(
        err("#e+inf.0"),
        ReadErrorKind::NoExactRepresentation("#e+inf.0".into())
    );
    assert_eq!(error("#e1.5").to_string(), "no exact representation: #e1.5");
}
