//! §7.2: every worked example, encoded and decoded byte for byte.

use super::{hex, read, same, to_hex, vm};
use crate::net::wire::tree::{encode_tree, TreeBuilder};
use crate::net::wire::{decode, encode, parse};

/// (value as Scheme text, bytes) from the §7.2 table and breakdowns, plus edge cases.
const EXAMPLES: &[(&str, &str)] = &[
    ("42", "EA 02 2A 00 00 00 00 00 00 00"),
    ("-1", "EA 02 FF FF FF FF FF FF FF FF"),
    ("3.5", "EA 03 00 00 00 00 00 00 0C 40"),
    ("-0.0", "EA 03 00 00 00 00 00 00 00 80"),
    ("+inf.0", "EA 03 00 00 00 00 00 00 F0 7F"),
    ("+nan.0", "EA 03 00 00 00 00 00 00 F8 7F"),
    ("#\\a", "EA 04 61 00 00 00"),
    ("#\\λ", "EA 04 BB 03 00 00"),
    ("\"hi\"", "EA 05 02 00 00 00 68 69"),
    ("\"\"", "EA 05 00 00 00 00"),
    ("\"héllo\"", "EA 05 06 00 00 00 68 C3 A9 6C 6C 6F"),
    ("foo", "EA 06 03 00 00 00 66 6F 6F"),
    ("()", "EA 00"),
    ("#t", "EA 01"),
    ("#f", "EA 0C"),
    ("(ok . #f)", "EA 08 06 02 00 00 00 6F 6B 0C"),
    (
        "(1 2 . 3)",
        "EA 08 02 01 00 00 00 00 00 00 00 08 02 02 00 00 00 00 00 00 00 02 03 00 00 00 00 00 00 00",
    ),
    ("#(1 #t)", "EA 09 02 00 00 00 02 01 00 00 00 00 00 00 00 01"),
    ("#u8(1 2)", "EA 0D 02 00 00 00 01 02"),
    (
        "(prices 100.5)",
        "EA 08 06 06 00 00 00 70 72 69 63 65 73 08 03 00 00 00 00 00 20 59 40 00",
    ),
    (
        "(a (b) #())",
        "EA 08 06 01 00 00 00 61 08 08 06 01 00 00 00 62 00 08 09 00 00 00 00 00",
    ),
    (
        "18446744073709551616",
        "EA 10 00 09 00 00 00 00 00 00 00 00 00 00 00 01",
    ),
    (
        "-18446744073709551616",
        "EA 10 01 09 00 00 00 00 00 00 00 00 00 00 00 01",
    ),
    (
        "-9223372036854775809",
        "EA 10 01 08 00 00 00 01 00 00 00 00 00 00 80",
    ),
    (
        "9223372036854775808",
        "EA 10 00 08 00 00 00 00 00 00 00 00 00 00 80",
    ),
    ("-9223372036854775808", "EA 02 00 00 00 00 00 00 00 80"),
    ("9223372036854775807", "EA 02 FF FF FF FF FF FF FF 7F"),
    // Byte by byte: the list (task 7), 22 bytes.
    (
        "(task 7)",
        "EA 08 06 04 00 00 00 74 61 73 6B 08 02 07 00 00 00 00 00 00 00 00",
    ),
    // Byte by byte: the vector #("hé" #\λ -1.5), 28 bytes.
    (
        "#(\"hé\" #\\λ -1.5)",
        "EA 09 03 00 00 00 05 03 00 00 00 68 C3 A9 04 BB 03 00 00 03 00 00 00 00 00 00 F8 BF",
    ),
    // Subnormals are sent bit-exact.
    ("5e-324", "EA 03 01 00 00 00 00 00 00 00"),
    ("-2.225073858507201e-308", "EA 03 FF FF FF FF FF FF 0F 80"),
    ("-inf.0", "EA 03 00 00 00 00 00 00 F0 FF"),
    // A vector in the tail of an improper list.
    (
        "(1 . #(2))",
        "EA 08 02 01 00 00 00 00 00 00 00 09 01 00 00 00 02 02 00 00 00 00 00 00 00",
    ),
];

#[test]
fn worked_examples_encode_byte_for_byte() {
    let mut vm = vm();
    vm.with_ctx(|ctx| {
        for (text, bytes) in EXAMPLES {
            let v = read(ctx, text);
            let got = encode(v, 0).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(to_hex(&got), to_hex(&hex(bytes)), "encoding {text}");
        }
    });
}

#[test]
fn worked_examples_decode_byte_for_byte() {
    let mut vm = vm();
    vm.with_ctx(|ctx| {
        for (text, bytes) in EXAMPLES {
            let bytes = hex(bytes);
            let want = read(ctx, text);
            let got = decode(ctx, &bytes, 0).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert!(same(got, want), "decoding {text}");
            if let (eta_vm::Value::Float(a), eta_vm::Value::Float(b)) = (got, want) {
                assert_eq!(a.to_bits(), b.to_bits(), "{text}");
            }
            // The plain-tree builder agrees and re-encodes to the same bytes.
            let tree = parse(&mut TreeBuilder, &bytes, 0).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(encode_tree(&tree), bytes, "{text}");
        }
    });
}

#[test]
fn lengths_of_the_examples() {
    assert_eq!(hex(EXAMPLES[0].1).len(), 10);
    let task = EXAMPLES
        .iter()
        .find(|(t, _)| *t == "(task 7)")
        .map(|e| hex(e.1));
    assert_eq!(task.map(|b| b.len()), Some(22));
    let vec = EXAMPLES
        .iter()
        .find(|(t, _)| t.starts_with("#(\"h"))
        .map(|e| hex(e.1));
    assert_eq!(vec.map(|b| b.len()), Some(28));
}

#[test]
fn every_nan_is_sent_canonical() {
    let mut vm = vm();
    vm.with_ctx(|ctx| {
        for bits in [
            0x7FF0_0000_0000_0001u64,
            0xFFF8_0000_0000_0000,
            0x7FFF_FFFF_FFFF_FFFF,
        ] {
            let v = eta_vm::Value::Float(f64::from_bits(bits));
            let got = encode(v, 0).unwrap_or_default();
            assert_eq!(to_hex(&got), "EA 03 00 00 00 00 00 00 F8 7F");
        }
        let _ = ctx;
    });
}

#[test]
fn decoded_strings_are_mutable_and_symbols_interned() {
    let mut vm = vm();
    vm.with_ctx(|ctx| {
        let v = decode(ctx, &hex("EA 05 02 00 00 00 68 69"), 0).unwrap_or(eta_vm::Value::Nil);
        match v {
            eta_vm::Value::Str(s) => assert!(s.mutable),
            _ => panic!("not a string"),
        }
        let a = decode(ctx, &hex("EA 06 03 00 00 00 66 6F 6F"), 0).unwrap_or(eta_vm::Value::Nil);
        let b = ctx.sym("foo");
        assert!(a.is_eq(b));
    });
}
