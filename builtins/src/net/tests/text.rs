//! §8: the text writer's adjustments, lossless round trips, C++-style input and the
//! reader's error texts.

use super::{read, same, vm};
use crate::net::text::{decode_text, encode_text};
use crate::net::wire::encode;
use eta_vm::{Ctx, Value};

fn text_of(v: Value<'_>) -> String {
    match encode_text(v, 0) {
        Ok(b) => String::from_utf8(b).unwrap_or_else(|_| panic!("not UTF-8")),
        Err(e) => panic!("{e}"),
    }
}

fn decode_err(ctx: &mut Ctx<'_, '_>, bytes: &[u8]) -> String {
    match decode_text(ctx, bytes) {
        Ok(v) => panic!("{bytes:?} decoded as {}", eta_vm::write_string(v)),
        Err(e) => e.message().to_string(),
    }
}

#[test]
fn writer_forms() {
    let mut vm = vm();
    vm.with_ctx(|ctx| {
        let cases: &[(Value<'_>, &str)] = &[
            (Value::Float(0.1), "0.1"),
            (Value::Float(1e300), "1e300"),
            (Value::Float(-0.0), "-0.0"),
            (Value::Float(f64::INFINITY), "+inf.0"),
            (Value::Float(f64::NEG_INFINITY), "-inf.0"),
            (Value::Float(f64::NAN), "+nan.0"),
            (Value::Float(5e-324), "5e-324"),
            (Value::Float(std::f64::consts::PI), "3.141592653589793"),
            (Value::Char('λ'), "#\\x3bb;"),
            (Value::Char('a'), "#\\a"),
            (Value::Char('('), "#\\("),
            (Value::Char(' '), "#\\space"),
            (Value::Char('\n'), "#\\xa;"),
            (Value::Char('\0'), "#\\x0;"),
            (Value::Char('\u{7f}'), "#\\x7f;"),
            (Value::Char('😀'), "#\\x1f600;"),
            (Value::Int(-42), "-42"),
            (Value::Nil, "()"),
            (Value::Bool(true), "#t"),
        ];
        for (v, want) in cases {
            assert_eq!(text_of(*v), *want);
        }
        let from_text: &[(&str, &str)] = &[
            ("|hello world|", "|hello world|"),
            ("λ", "|λ|"),
            ("|a\\|b|", "|a\\|b|"),
            ("|42|", "|42|"),
            ("|Nil|", "|Nil|"),
            ("||", "||"),
            ("abc", "abc"),
            ("\"héllo\\n\"", "\"héllo\\n\""),
            ("(quote x)", "(quote x)"),
            ("'x", "(quote x)"),
            ("(1 2 . 3)", "(1 2 . 3)"),
            ("(1 . #(2 3))", "(1 . #(2 3))"),
            ("#(1 #u8(1 255) \"s\" ())", "#(1 #u8(1 255) \"s\" ())"),
            ("#()", "#()"),
            ("#u8()", "#u8()"),
            (
                "123456789012345678901234567890",
                "123456789012345678901234567890",
            ),
            ("(a (b (c)) #\\λ)", "(a (b (c)) #\\x3bb;)"),
        ];
        for (src, want) in from_text {
            let v = read(ctx, src);
            assert_eq!(text_of(v), *want, "{src}");
        }
    });
}

#[test]
fn round_trips() {
    let mut vm = vm();
    vm.with_ctx(|ctx| {
        let sources = [
            "0.1",
            "1e300",
            "-0.0",
            "+inf.0",
            "-inf.0",
            "+nan.0",
            "5e-324",
            "1.7976931348623157e308",
            "#\\λ",
            "#\\x0",
            "#\\space",
            "#\\newline",
            "#\\x85",
            "λ",
            "|hello world|",
            "|a\\|b|",
            "|λ x|",
            "|with\\nnewline|",
            "\"tab\\there\\x85;\"",
            "(1 2 . 3)",
            "(prices 100.5)",
            "#(\"hé\" #\\λ -1.5)",
            "-123456789012345678901234567890",
            "(a (b) #() #u8(0 255) \"\" ||)",
        ];
        for src in sources {
            let v = read(ctx, src);
            let text = encode_text(v, 0).unwrap_or_default();
            let back = decode_text(ctx, &text)
                .unwrap_or_else(|e| panic!("{src} as {}: {e}", String::from_utf8_lossy(&text)));
            assert!(same(v, back), "{src}");
            // Bit for bit, as the binary encodings show.
            assert_eq!(encode(v, 0).ok(), encode(back, 0).ok(), "{src}");
        }
    });
}

#[test]
fn cpp_style_text_is_read_as_written() {
    let mut vm = vm();
    vm.with_ctx(|ctx| {
        let v = decode_text(ctx, b"#\\x3BB").ok();
        assert!(matches!(v, Some(Value::Char('λ'))));
        let v = decode_text(ctx, b"3.14159").ok();
        assert!(matches!(v, Some(Value::Float(x)) if Ok(x) == "3.14159".parse::<f64>()));
        let v = decode_text(ctx, b"(task 7 \"x\" #\\x41)").ok();
        let want = read(ctx, "(task 7 \"x\" #\\A)");
        assert!(v.is_some_and(|v| same(v, want)));
        // `inf` is a symbol; `#<unknown>` fails.
        let v = decode_text(ctx, b"inf").ok();
        assert!(v.is_some_and(|v| v.as_symbol() == Some("inf")));
        assert!(decode_text(ctx, b"#<unknown>").is_err());
        // Quote abbreviations, labels, whitespace and comments.
        let v = decode_text(ctx, b"  ; hi\n 'x #| c |# ").ok();
        let want = read(ctx, "(quote x)");
        assert!(v.is_some_and(|v| same(v, want)));
        let v = decode_text(ctx, b"#0=(a . #0#)").ok();
        match v {
            Some(Value::Pair(p)) => assert!(p.cdr.get().is_eq(Value::Pair(p))),
            _ => panic!("not a circular list"),
        }
        // Nothing is evaluated: a module form is just a list.
        let v = decode_text(ctx, b"(module m (begin (exit 3)))").ok();
        assert!(v.is_some_and(|v| v.list_to_vec().map(|l| l.len()) == Some(3)));
    });
}

#[test]
fn reader_errors() {
    let mut vm = vm();
    vm.with_ctx(|ctx| {
        assert_eq!(decode_err(ctx, b""), "empty message");
        assert_eq!(decode_err(ctx, b"   \n\t"), "empty message");
        assert_eq!(decode_err(ctx, b"; only a comment"), "empty message");
        assert_eq!(
            decode_err(ctx, b"1 2"),
            "more than one datum in text message"
        );
        assert_eq!(
            decode_err(ctx, b"(a) (b)"),
            "more than one datum in text message"
        );
        assert_eq!(
            decode_err(ctx, b"(1 2"),
            "text message: unterminated list at line 1 column 1"
        );
        assert_eq!(
            decode_err(ctx, b"(a\n  #\\foo)"),
            "text message: unknown character name: foo at line 2 column 3"
        );
        assert_eq!(
            decode_err(ctx, b")"),
            "text message: unexpected ) at line 1 column 1"
        );
        assert_eq!(
            decode_err(ctx, &[b'(', b'a', 0xFF, b')']),
            "text message: invalid UTF-8 at byte 2 at line 1 column 3"
        );
        assert_eq!(
            decode_err(ctx, b"42 )"),
            "text message: unexpected ) at line 1 column 4"
        );
    });
}

#[test]
fn text_encoder_rules_match_binary() {
    let mut vm = vm();
    vm.with_ctx(|ctx| {
        let c = read(ctx, "#0=(1 . #0#)");
        let e = encode_text(c, 0).err().map(|e| e.message().to_string());
        assert_eq!(
            e.as_deref(),
            Some("cannot send a circular structure (at message[1])")
        );
        let v = Value::list(ctx.mc, [Value::Int(1), Value::Eof].into_iter());
        let e = encode_text(v, 0).err().map(|e| e.message().to_string());
        assert_eq!(e.as_deref(), Some("cannot send an eof (at message[1])"));
        let s = Value::string(ctx.mc, &"x".repeat(100));
        let e = encode_text(s, 50).err().map(|e| e.message().to_string());
        assert_eq!(
            e.as_deref(),
            Some("message of 102 bytes exceeds max-message-size 50")
        );
        assert_eq!(encode_text(s, 102).map(|b| b.len()).ok(), Some(102));
    });
}
