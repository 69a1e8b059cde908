//! Tests of spec §2.8–2.11: lists, dotted lists, brackets, vectors, bytevectors,
//! abbreviations and datum labels.

use super::*;

// ---- 2.8 lists -----------------------------------------------------------------------

#[test]
fn lists_and_brackets() -> Result<(), ReadError> {
    assert_eq!(
        read("() [] (a b c) [a (b [c])]")?,
        "() () (a b c) (a (b (c)))"
    );
    assert!(matches!(one("()")?.kind, DatumKind::Nil));
    assert!(matches!(one("( )")?.kind, DatumKind::Nil));
    Ok(())
}

#[test]
fn dotted_lists_are_normalised() -> Result<(), ReadError> {
    assert_eq!(read("(a . b)")?, "(a . b)");
    assert_eq!(read("(a b . c)")?, "(a b . c)");
    assert_eq!(read("(a . (b c))")?, "(a b c)");
    assert_eq!(read("(a . (b . c))")?, "(a b . c)");
    assert_eq!(read("(a . ())")?, "(a)");
    assert_eq!(read("[a . [b]]")?, "(a b)");
    assert_eq!(read("(a . 'b)")?, "(a quote b)");
    assert_eq!(read("(a . #(b))")?, "(a . #(b))");
    assert_eq!(read("(a .b)")?, "(a .b)");
    match one("(a . (b . c))")?.kind {
        DatumKind::List(items, Some(tail)) => {
            assert_eq!(items.len(), 2);
            assert_eq!(tail.as_symbol(), Some("c"));
        }
        other => panic!("{other:?}"),
    }
    Ok(())
}

#[test]
fn bad_dotted_lists() {
    for bad in [
        "( . a)",
        "(a . b c)",
        "(a . . b)",
        "(a .)",
        ". a",
        "(a . b . c)",
        "#(a . b)",
        "' .",
        "#u8(1 . 2)",
        "(. a)",
    ] {
        let e = error(bad);
        assert_eq!(e.kind, ReadErrorKind::BadDottedList, "{bad}");
        assert_eq!(e.to_string(), "bad dotted list");
    }
    let e = error("(a . b c)");
    assert_eq!((e.span.lo, e.span.hi), (7, 8));
    let e = error("( . a)");
    assert_eq!((e.span.lo, e.span.hi), (2, 3));
}

#[test]
fn bracket_errors() {
    let e = error("[a b)");
    assert_eq!(e.kind, ReadErrorKind::MismatchedBracket { expected: ']' });
    assert_eq!(e.to_string(), "mismatched bracket: expected ]");
    assert_eq!((e.span.lo, e.span.hi), (4, 5));
    assert_eq!(
        err("(a]"),
        ReadErrorKind::MismatchedBracket { expected: ')' }
    );
    assert_eq!(
        err("#(a]"),
        ReadErrorKind::MismatchedBracket { expected: ')' }
    );
    let e = error("a)");
    assert_eq!(e.kind, ReadErrorKind::UnexpectedClose);
    assert_eq!(e.to_string(), "unexpected )");
    assert_eq!((e.span.lo, e.span.hi), (1, 2));
    assert_eq!(err("]"), ReadErrorKind::UnexpectedCloseSquare);
    assert_eq!(error("]").to_string(), "unexpected ]");
    assert_eq!(err("(a))"), ReadErrorKind::UnexpectedClose);
}

#[test]
fn unterminated_lists_point_at_the_outermost_open_bracket() {
    let e = error("(define (f x)\n  (+ x");
    assert_eq!(e.kind, ReadErrorKind::UnterminatedList);
    assert_eq!((e.span.lo, e.span.hi), (0, 1));
    assert!(e.is_incomplete());
    assert_eq!(e.to_string(), "unterminated list");
    assert_eq!(err("(a . "), ReadErrorKind::UnterminatedList);
    assert_eq!(err("#(1 2"), ReadErrorKind::UnterminatedList);
    assert_eq!(err("#u8(1 2"), ReadErrorKind::UnterminatedList);
    assert_eq!(err("['a"), ReadErrorKind::UnterminatedList);
}

// ---- 2.9 vectors and bytevectors --------------------------------------------------------

#[test]
fn vectors() -> Result<(), ReadError> {
    assert_eq!(read("#() #(1 \"a\" (b) #(c))")?, "#() #(1 \"a\" (b) #(c))");
    Ok(())
}

#[test]
fn bytevectors() -> Result<(), ReadError> {
    assert_eq!(
        read("#u8() #u8(0 1 255) #u8(#xff #b11 #o7 #e2.0) #U8(9)")?,
        "#u8() #u8(0 1 255) #u8(255 3 7 2) #u8(9)"
    );
    Ok(())
}

#[test]
fn bytevector_errors() {
    let e = error("#u8(1 256)");
    assert_eq!(e.kind, ReadErrorKind::InvalidByte("256".into()));
    assert_eq!(e.to_string(), "invalid byte in bytevector literal: 256");
    assert_eq!((e.span.lo, e.span.hi), (6, 9));
    for (src, bad) in [
        ("#u8(-1)", "-1"),
        ("#u8(1.0)", "1.0"),
        ("#u8(a)", "a"),
        ("#u8(\"x\")", "\"x\""),
        ("#u8((1))", "(1)"),
        ("#u8('1)", "'1"),
        ("#u8(#\\a)", "#\\a"),
    ] {
        assert_eq!(err(src), ReadErrorKind::InvalidByte(bad.into()), "{src}");
    }
}

// ---- 2.10 abbreviations ---------------------------------------------------------------

#[test]
fn abbreviations() -> Result<(), ReadError> {
    assert_eq!(
        read("'a `(a ,b ,@c) ''a")?,
        "(quote a) (quasiquote (a (unquote b) (unquote-splicing c))) (quote (quote a))"
    );
    assert_eq!(read("' a")?, "(quote a)");
    assert_eq!(read(", @a")?, "(unquote @a)");
    let d = one("  '(a b)")?;
    assert_eq!((d.span.lo, d.span.hi), (2, 8));
    let items = d.as_list().unwrap_or(&[]);
    assert_eq!(items.len(), 2);
    assert_eq!((items[0].span.lo, items[0].span.hi), (2, 3));
    assert_eq!((items[1].span.lo, items[1].span.hi), (3, 8));
    let d = one(",@x")?;
    assert_eq!((d.span.lo, d.span.hi), (0, 3));
    assert_eq!(
        d.as_list().map(|l| (l[0].span.lo, l[0].span.hi)),
        Some((0, 2))
    );
    Ok(())
}

#[test]
fn prefix_without_datum() {
    for src in ["'", "(a) `", ",", ",@", "#0=", "' #;a"] {
        let e = error(src);
        assert_eq!(e.kind, ReadErrorKind::MissingDatumAfterPrefix, "{src}");
        assert!(e.is_incomplete());
    }
    assert_eq!(error("'").to_string(), "missing datum after prefix");
    assert_eq!(error("x '").span.lo, 2);
    assert_eq!(err("(a ')"), ReadErrorKind::UnexpectedClose);
    assert_eq!(err("(#0=)"), ReadErrorKind::UnexpectedClose);
}

// ---- 2.11 datum labels -------------------------------------------------------------------

#[test]
fn datum_labels() -> Result<(), ReadError> {
    assert_eq!(read("'#0=(a b . #0#)")?, "(quote #0=(a b . #0#))");
    assert_eq!(read("(#1=(x) #1# #2=y #2#)")?, "(#1=(x) #1# #2=y #2#)");
    assert_eq!(read("#0=#(1 #0#)")?, "#0=#(1 #0#)");
    assert_eq!(read("#0=a #0=b")?, "#0=a #0=b");
    assert_eq!(read("(#0=a #;#0=b #0#)")?, "(#0=a #0#)");
    assert_eq!(read("#0=#1=(#0# #1#)")?, "#0=#1=(#0# #1#)");
    assert_eq!(read("#123=x")?, "#123=x");
    Ok(())
}

#[test]
fn datum_label_errors() {
    let e = error("(a #0#)");
    assert_eq!(e.kind, ReadErrorKind::UndefinedLabel(0));
    assert_eq!(e.to_string(), "undefined datum label #0#");
    assert_eq!((e.span.lo, e.span.hi), (3, 6));
    assert_eq!(err("#0=a #0#"), ReadErrorKind::UndefinedLabel(0));
    assert_eq!(err("(#0# #0=a)"), ReadErrorKind::UndefinedLabel(0));
    assert_eq!(err("(#;#0=a #0#)"), ReadErrorKind::UndefinedLabel(0));
    let e = error("(#12=a #12=b)");
    assert_eq!(e.kind, ReadErrorKind::DuplicateLabel(12));
    assert_eq!(e.to_string(), "duplicate datum label #12=");
    assert_eq!((e.span.lo, e.span.hi), (7, 11));
    assert_eq!((e.span.start, e.span.end), (pos(1, 8), pos(1, 12)));
    assert_eq!(err("#0=#0#"), ReadErrorKind::SelfLabel(0));
    assert_eq!(err("#0=#1=#0#"), ReadErrorKind::SelfLabel(0));
    assert_eq!(
        err("#99999999999=a"),
        ReadErrorKind::LabelTooLarge("#99999999999=".into())
    );
}
