//! §7.4: every decoding rule with its exact message and byte offset.

use super::{hex, vm};
use crate::net::wire::parse;
use crate::net::wire::tree::{Tree, TreeBuilder};
use crate::net::{decode_message, Received};

fn err(bytes: &[u8]) -> String {
    err_max(bytes, 0)
}

fn err_max(bytes: &[u8], max: usize) -> String {
    match parse(&mut TreeBuilder, bytes, max) {
        Ok(t) => panic!("{bytes:02X?} was accepted as {t:?}"),
        Err(e) => e.message().to_string(),
    }
}

fn ok(bytes: &[u8]) -> Tree {
    match parse(&mut TreeBuilder, bytes, 0) {
        Ok(t) => t,
        Err(e) => panic!("{bytes:02X?} rejected: {e}"),
    }
}

#[test]
fn rule1_size_limit_before_decoding() {
    let b = hex("EA 02 2A 00 00 00 00 00 00 00");
    assert_eq!(
        err_max(&b, 9),
        "message of 10 bytes exceeds max-message-size 9"
    );
    assert_eq!(parse(&mut TreeBuilder, &b, 10).ok(), Some(Tree::Int(42)));
    // Even a broken message is rejected by size first.
    assert_eq!(
        err_max(&hex("EA 07 00"), 2),
        "message of 3 bytes exceeds max-message-size 2"
    );
}

#[test]
fn rule2_empty_message() {
    assert_eq!(err(&[]), "empty message");
}

#[test]
fn rule3_first_byte() {
    assert_eq!(err(&hex("41")), "not a binary message (first byte 0x41)");
    let mut vm = vm();
    vm.with_ctx(|ctx| {
        assert!(matches!(
            decode_message(ctx, &hex("EB 00"), 0),
            Ok(Received::Ping)
        ));
        assert!(matches!(
            decode_message(ctx, &hex("EB 01"), 0),
            Ok(Received::Pong)
        ));
        assert!(matches!(
            decode_message(ctx, b"(a b)", 0),
            Ok(Received::Value(eta_vm::Value::Pair(_)))
        ));
        assert!(matches!(
            decode_message(ctx, &hex("EA 01"), 0),
            Ok(Received::Value(eta_vm::Value::Bool(true)))
        ));
        let e = decode_message(ctx, &[], 0)
            .err()
            .map(|e| e.message().to_string());
        assert_eq!(e.as_deref(), Some("empty message"));
        let e = decode_message(ctx, b"(1 2 3)", 4)
            .err()
            .map(|e| e.message().to_string());
        assert_eq!(
            e.as_deref(),
            Some("message of 7 bytes exceeds max-message-size 4")
        );
    });
}

#[test]
fn rule4_unknown_tags() {
    assert_eq!(err(&hex("EA 07")), "unknown tag 0x07 at byte 1");
    assert_eq!(err(&hex("EA 0A")), "unknown tag 0x0A at byte 1");
    assert_eq!(err(&hex("EA 0B")), "unknown tag 0x0B at byte 1");
    assert_eq!(err(&hex("EA 08 01 FF")), "unknown tag 0xFF at byte 3");
    assert_eq!(err(&hex("EA EA")), "unknown tag 0xEA at byte 1");
}

#[test]
fn rule5_truncated_fields() {
    assert_eq!(
        err(&hex("EA 02 2A 00")),
        "truncated integer at byte 2 (8 bytes needed, 2 left)"
    );
    assert_eq!(
        err(&hex("EA 02 2A 00 00")),
        "truncated integer at byte 2 (8 bytes needed, 3 left)"
    );
    assert_eq!(
        err(&hex("EA 03 00")),
        "truncated flonum at byte 2 (8 bytes needed, 1 left)"
    );
    assert_eq!(
        err(&hex("EA 04 61")),
        "truncated character at byte 2 (4 bytes needed, 1 left)"
    );
    assert_eq!(
        err(&hex("EA 05 01 00")),
        "truncated string length at byte 2 (4 bytes needed, 2 left)"
    );
    assert_eq!(
        err(&hex("EA 06 01")),
        "truncated symbol length at byte 2 (4 bytes needed, 1 left)"
    );
    assert_eq!(
        err(&hex("EA 09 01 00 00")),
        "truncated vector count at byte 2 (4 bytes needed, 3 left)"
    );
    assert_eq!(
        err(&hex("EA 0D")),
        "truncated bytevector length at byte 2 (4 bytes needed, 0 left)"
    );
    assert_eq!(
        err(&hex("EA 10")),
        "truncated bignum sign at byte 2 (1 byte needed, 0 left)"
    );
    assert_eq!(
        err(&hex("EA 10 00 09")),
        "truncated bignum length at byte 3 (4 bytes needed, 1 left)"
    );
    assert_eq!(
        err(&hex("EA")),
        "truncated tag at byte 1 (1 byte needed, 0 left)"
    );
    assert_eq!(
        err(&hex("EA 08 01")),
        "truncated tag at byte 3 (1 byte needed, 0 left)"
    );
    assert_eq!(
        err(&hex("EA 09 02 00 00 00 08 01")),
        "truncated tag at byte 8 (1 byte needed, 0 left)"
    );
}

#[test]
fn rule6_lengths_checked_before_allocating() {
    // Six bytes asking for four billion elements: rejected before any allocation.
    assert_eq!(
        err(&hex("EA 09 FF FF FF FF")),
        "vector count 4294967295 at byte 2 exceeds the 0 bytes that follow"
    );
    assert_eq!(
        err(&hex("EA 05 05 00 00 00 68 69")),
        "string length 5 at byte 2 exceeds the 2 bytes that follow"
    );
    assert_eq!(
        err(&hex("EA 06 FF FF FF FF 61")),
        "symbol length 4294967295 at byte 2 exceeds the 1 bytes that follow"
    );
    assert_eq!(
        err(&hex("EA 0D 03 00 00 00 01 02")),
        "bytevector length 3 at byte 2 exceeds the 2 bytes that follow"
    );
    assert_eq!(
        err(&hex("EA 10 00 09 00 00 00 01")),
        "bignum length 9 at byte 3 exceeds the 1 bytes that follow"
    );
    // A nested count is checked against what is left of the whole message.
    assert_eq!(
        err(&hex("EA 09 02 00 00 00 09 03 00 00 00 01")),
        "vector count 3 at byte 7 exceeds the 1 bytes that follow"
    );
    // A count that fits the bytes but whose elements run out is a truncation.
    assert_eq!(
        err(&hex("EA 09 02 00 00 00 02 01")),
        "truncated integer at byte 7 (8 bytes needed, 1 left)"
    );
}

#[test]
fn rule7_utf8_and_characters() {
    assert_eq!(
        err(&hex("EA 05 02 00 00 00 68 FF")),
        "invalid UTF-8 in string at byte 7"
    );
    assert_eq!(
        err(&hex("EA 06 03 00 00 00 61 C3 28")),
        "invalid UTF-8 in symbol at byte 7"
    );
    // An encoded surrogate is not UTF-8 either.
    assert_eq!(
        err(&hex("EA 05 03 00 00 00 ED A0 80")),
        "invalid UTF-8 in string at byte 6"
    );
    assert_eq!(
        err(&hex("EA 04 00 D8 00 00")),
        "invalid character U+D800 at byte 2"
    );
    assert_eq!(
        err(&hex("EA 04 FF DF 00 00")),
        "invalid character U+DFFF at byte 2"
    );
    assert_eq!(
        err(&hex("EA 04 00 00 11 00")),
        "invalid character U+110000 at byte 2"
    );
    assert_eq!(
        err(&hex("EA 04 FF FF FF FF")),
        "invalid character U+FFFFFFFF at byte 2"
    );
    assert_eq!(ok(&hex("EA 04 FF FF 10 00")), Tree::Char('\u{10FFFF}'));
}

#[test]
fn rule8_canonical_bignums() {
    let nc = "non-canonical integer at byte 1";
    assert_eq!(err(&hex("EA 10 00 00 00 00 00")), nc, "empty magnitude");
    assert_eq!(err(&hex("EA 10 00 01 00 00 00 05")), nc, "fits in i64");
    assert_eq!(
        err(&hex("EA 10 01 01 00 00 00 05")),
        nc,
        "fits in i64 (negative)"
    );
    assert_eq!(
        err(&hex("EA 10 00 0A 00 00 00 00 00 00 00 00 00 00 00 01 00")),
        nc,
        "most significant byte zero"
    );
    assert_eq!(
        err(&hex("EA 10 02 09 00 00 00 00 00 00 00 00 00 00 00 01")),
        nc,
        "bad sign byte"
    );
    assert_eq!(
        err(&hex("EA 10 01 08 00 00 00 00 00 00 00 00 00 00 80")),
        nc,
        "-2^63 is an i64"
    );
    assert_eq!(
        err(&hex("EA 10 00 08 00 00 00 FF FF FF FF FF FF FF 7F")),
        nc,
        "i64::MAX"
    );
    assert_eq!(
        err(&hex("EA 08 10 00 00 00 00 00 00")),
        "non-canonical integer at byte 2"
    );
    // The smallest canonical ones.
    assert!(matches!(
        ok(&hex("EA 10 00 08 00 00 00 00 00 00 00 00 00 00 80")),
        Tree::Big {
            negative: false,
            ..
        }
    ));
    assert!(matches!(
        ok(&hex("EA 10 01 08 00 00 00 01 00 00 00 00 00 00 80")),
        Tree::Big { negative: true, .. }
    ));
}

#[test]
fn rule9_nesting_limit() {
    // 10,000 nested one-element lists are accepted...
    let mut b = vec![0xEA];
    b.extend(std::iter::repeat_n(0x08, 10_000));
    b.push(0x00);
    b.extend(std::iter::repeat_n(0x00, 10_000));
    assert!(parse(&mut TreeBuilder, &b, 0).is_ok());
    // ... 10,001 are not; the offending pair tag is at byte 10001.
    let mut b = vec![0xEA];
    b.extend(std::iter::repeat_n(0x08, 10_001));
    b.push(0x00);
    b.extend(std::iter::repeat_n(0x00, 10_001));
    assert_eq!(err(&b), "nesting deeper than 10000 levels at byte 10001");
    // Vectors count too.
    let mut b = vec![0xEA];
    for _ in 0..10_001 {
        b.extend([0x09, 0x01, 0x00, 0x00, 0x00]);
    }
    b.push(0x00);
    assert_eq!(err(&b), "nesting deeper than 10000 levels at byte 50001");
    // A long flat list costs no depth.
    let mut b = vec![0xEA];
    for _ in 0..50_000 {
        b.extend([0x08, 0x01]);
    }
    b.push(0x00);
    assert!(parse(&mut TreeBuilder, &b, 0).is_ok());
    // Nor does a vector in the tail of an improper list: 10,000 levels of
    // (x . #((x . #(...)))) alternate list and tail vector, each pair costing one level.
    let mut b = vec![0xEA];
    for _ in 0..10_000 {
        b.extend([0x08, 0x01, 0x09, 0x01, 0x00, 0x00, 0x00]);
    }
    b.push(0x00);
    assert!(parse(&mut TreeBuilder, &b, 0).is_ok());
}

#[test]
fn rule10_trailing_bytes() {
    assert_eq!(
        err(&hex("EA 00 00")),
        "1 trailing byte after the value at byte 2"
    );
    assert_eq!(
        err(&hex("EA 01 01 01")),
        "2 trailing bytes after the value at byte 2"
    );
    assert_eq!(
        err(&hex("EA 08 01 00 EA")),
        "1 trailing byte after the value at byte 4"
    );
}

#[test]
fn wire_error_becomes_a_wire_error_condition() {
    let e = crate::net::WireError::new("unknown tag 0x07 at byte 1");
    match e.clone().into_error("recv!") {
        eta_vm::Error::Runtime(r) => {
            assert_eq!(r.tag, eta_vm::tags::WIRE);
            assert_eq!(r.message, "recv!: unknown tag 0x07 at byte 1");
            assert_eq!(r.short.as_deref(), Some("unknown tag 0x07 at byte 1"));
        }
        eta_vm::Error::Raise(_) => panic!("not a runtime error"),
    }
    match eta_vm::Error::from(e) {
        eta_vm::Error::Runtime(r) => {
            assert_eq!(r.tag, "wire-error");
            assert_eq!(r.short.as_deref(), Some("unknown tag 0x07 at byte 1"));
        }
        eta_vm::Error::Raise(_) => panic!("not a runtime error"),
    }
}
