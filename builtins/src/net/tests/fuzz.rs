//! Fuzz-style loops with a fixed seed: random and mutated buffers never panic the
//! decoders; random values round-trip through both formats; the fuzz target bodies run
//! as ordinary code.

use super::vm;
use crate::net::fuzzing;
use crate::net::text::{decode_text, encode_text};
use crate::net::wire::tree::{encode_tree, Tree, TreeBuilder};
use crate::net::wire::{decode, encode, parse, CANONICAL_NAN};
use eta_vm::{Ctx, Value};
use num_bigint::{BigInt, Sign};

/// xorshift64: a tiny deterministic generator.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const CHARS: &[char] = &[
    'a', 'z', 'A', '0', '9', ' ', '.', '#', '|', '\\', '"', ';', '(', ')', '\'', '\n', '\t', '\0',
    '\u{7f}', '\u{85}', 'é', 'λ', '変', '😀', '\u{200b}', '+', '-', 'e',
];

fn gen_char(r: &mut Rng) -> char {
    if r.chance(70) {
        CHARS[r.below(CHARS.len() as u64) as usize]
    } else {
        loop {
            if let Some(c) = char::from_u32(r.below(0x11_0000) as u32) {
                return c;
            }
        }
    }
}

fn gen_text(r: &mut Rng) -> String {
    let n = r.below(8);
    (0..n).map(|_| gen_char(r)).collect()
}

fn gen_big(r: &mut Rng) -> Tree {
    let negative = r.chance(50);
    let len = 8 + r.below(9) as usize;
    let mut magnitude: Vec<u8> = (0..len).map(|_| r.next() as u8).collect();
    if let Some(last) = magnitude.last_mut() {
        if len == 8 {
            *last |= 0x80;
        } else if *last == 0 {
            *last = 1;
        }
    }
    if len == 8 && negative && magnitude[..7].iter().all(|b| *b == 0) && magnitude[7] == 0x80 {
        magnitude[0] = 1;
    }
    Tree::Big {
        negative,
        magnitude,
    }
}

pub(crate) fn gen_tree(r: &mut Rng, depth: u32) -> Tree {
    let kinds = if depth >= 4 { 9 } else { 12 };
    match r.below(kinds) {
        0 => Tree::Nil,
        1 => Tree::Bool(r.chance(50)),
        2 => Tree::Int(match r.below(4) {
            0 => r.below(256) as i64 - 128,
            1 => i64::MIN,
            2 => i64::MAX,
            _ => r.next() as i64,
        }),
        3 => gen_big(r),
        4 => {
            let x = match r.below(6) {
                0 => -0.0,
                1 => f64::from_bits(r.below(1 << 52)),
                2 => f64::INFINITY,
                3 => 0.1,
                _ => f64::from_bits(r.next()),
            };
            Tree::Float(if x.is_nan() {
                f64::from_bits(CANONICAL_NAN)
            } else {
                x
            })
        }
        5 => Tree::Char(gen_char(r)),
        6 => Tree::Str(gen_text(r)),
        7 => Tree::Sym(gen_text(r)),
        8 => Tree::Bytevector((0..r.below(6)).map(|_| r.next() as u8).collect()),
        9 | 11 => {
            let n = 1 + r.below(5);
            let items = (0..n).map(|_| gen_tree(r, depth + 1)).collect();
            let tail = if r.chance(25) {
                match gen_tree(r, depth + 1) {
                    Tree::Nil | Tree::List { .. } => None,
                    t => Some(Box::new(t)),
                }
            } else {
                None
            };
            Tree::List { items, tail }
        }
        _ => Tree::Vector((0..r.below(5)).map(|_| gen_tree(r, depth + 1)).collect()),
    }
}

/// A heap value equal to a (small) tree.
pub(crate) fn to_value<'gc>(ctx: &mut Ctx<'_, 'gc>, t: &Tree) -> Value<'gc> {
    match t {
        Tree::Nil => Value::Nil,
        Tree::Bool(b) => Value::Bool(*b),
        Tree::Int(i) => Value::Int(*i),
        Tree::Big {
            negative,
            magnitude,
        } => {
            let sign = if *negative { Sign::Minus } else { Sign::Plus };
            Value::integer(ctx.mc, BigInt::from_bytes_le(sign, magnitude))
        }
        Tree::Float(x) => Value::Float(*x),
        Tree::Char(c) => Value::Char(*c),
        Tree::Str(s) => Value::string(ctx.mc, s),
        Tree::Sym(s) => ctx.sym(s),
        Tree::Bytevector(b) => Value::bytevector(ctx.mc, b.clone()),
        Tree::List { items, tail } => {
            let tail = match tail {
                Some(t) => to_value(ctx, t),
                None => Value::Nil,
            };
            let items: Vec<Value<'gc>> = items.iter().map(|i| to_value(ctx, i)).collect();
            Value::list_with_tail(ctx.mc, items.into_iter(), tail)
        }
        Tree::Vector(items) => {
            let items = items.iter().map(|i| to_value(ctx, i)).collect();
            Value::vector(ctx.mc, items)
        }
    }
}

const TAGS: &[u8] = &[
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x08, 0x09, 0x0C, 0x0D, 0x10, 0x07, 0xFF,
];

fn random_buffer(r: &mut Rng) -> Vec<u8> {
    let len = r.below(48) as usize;
    let mut b = Vec::with_capacity(len + 1);
    if r.chance(92) {
        b.push(0xEA);
    }
    while b.len() < len {
        match r.below(6) {
            0 | 1 => b.push(TAGS[r.below(TAGS.len() as u64) as usize]),
            2 => b.extend((r.below(5) as u32).to_le_bytes()),
            3 => b.extend([0xFF, 0xFF, 0xFF, 0xFF]),
            _ => b.push(r.next() as u8),
        }
    }
    b
}

#[test]
fn random_buffers_never_panic() {
    let mut r = Rng::new(0x5EED_0001);
    let mut vm = vm();
    let mut accepted = 0;
    for round in 0..100 {
        vm.with_ctx(|ctx| {
            for i in 0..1000 {
                let b = random_buffer(&mut r);
                if let Err(e) = fuzzing::wire_decode(&b) {
                    panic!("round {round} buffer {i}: {e}");
                }
                if parse(&mut TreeBuilder, &b, 0).is_ok() {
                    accepted += 1;
                }
                if i % 4 == 0 {
                    let _ = decode(ctx, &b, 0);
                    let _ = crate::net::decode_message(ctx, &b, 64);
                }
            }
        });
    }
    // The generator is good at reaching valid messages too.
    assert!(accepted > 200, "only {accepted} accepted");
}

#[test]
fn mutated_encodings_never_panic() {
    let mut r = Rng::new(0x5EED_0002);
    for _ in 0..3000 {
        let t = gen_tree(&mut r, 0);
        let good = encode_tree(&t);
        if let Err(e) = fuzzing::wire_decode(&good) {
            panic!("{e}");
        }
        // Every proper prefix of a message is rejected (the format is prefix-free).
        for cut in 0..good.len() {
            assert!(
                parse(&mut TreeBuilder, &good[..cut], 0).is_err(),
                "prefix {cut} of {good:02X?}"
            );
        }
        // One more byte is always a trailing byte.
        let mut longer = good.clone();
        longer.push(0);
        assert!(parse(&mut TreeBuilder, &longer, 0).is_err());
        // Flipped bytes and huge lengths end in Ok or an error.
        for _ in 0..8 {
            let mut m = good.clone();
            let at = r.below(m.len() as u64) as usize;
            match r.below(3) {
                0 => m[at] ^= 1 << r.below(8),
                1 => m[at] = r.next() as u8,
                _ => {
                    for (k, byte) in [0xFF, 0xFF, 0xFF, 0x7F].iter().enumerate() {
                        if let Some(x) = m.get_mut(at + k) {
                            *x = *byte;
                        }
                    }
                }
            }
            if let Err(e) = fuzzing::wire_decode(&m) {
                panic!("{e}");
            }
        }
    }
}

#[test]
fn random_values_round_trip_in_both_formats() {
    let mut r = Rng::new(0x5EED_0003);
    let mut vm = vm();
    for _ in 0..20 {
        vm.with_ctx(|ctx| {
            for _ in 0..500 {
                let t = gen_tree(&mut r, 0);
                let bytes = encode_tree(&t);
                let v = to_value(ctx, &t);
                // The value encoder and the tree encoder agree byte for byte.
                let got = encode(v, 0).unwrap_or_else(|e| panic!("{t:?}: {e}"));
                assert_eq!(got, bytes, "{t:?}");
                // Decoding gives the same tree and an equal value.
                let back = parse(&mut TreeBuilder, &bytes, 0).unwrap_or_else(|e| panic!("{e}"));
                assert!(back == t, "{t:?}");
                let v2 = decode(ctx, &bytes, 0).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(encode(v2, 0).ok().as_ref(), Some(&bytes));
                // The text format is lossless too.
                let text = encode_text(v, 0).unwrap_or_else(|e| panic!("{t:?}: {e}"));
                let v3 = decode_text(ctx, &text).unwrap_or_else(|e| {
                    panic!("{t:?} as {:?}: {e}", String::from_utf8_lossy(&text))
                });
                assert_eq!(
                    encode(v3, 0).ok().as_ref(),
                    Some(&bytes),
                    "text {:?}",
                    String::from_utf8_lossy(&text)
                );
                // The first byte of a text message is ASCII, never EA or EB.
                assert!(text.first().is_some_and(|b| b.is_ascii()));
            }
        });
    }
}

#[test]
fn random_text_never_panics() {
    let mut r = Rng::new(0x5EED_0004);
    let pieces: &[&str] = &[
        "(",
        ")",
        "[",
        "]",
        "#(",
        "#u8(",
        "'",
        "`",
        ",",
        ",@",
        "\"",
        "|",
        "#\\",
        "#\\x",
        ";",
        "#|",
        "|#",
        "#;",
        "#0=",
        "#0#",
        ".",
        " ",
        "\n",
        "1",
        "-2.5e3",
        "+inf.0",
        "abc",
        "λ",
        "#t",
        "#f",
        "#x1F",
        "1/2",
        "{",
        "#!fold-case",
        "\\",
        "x3bb;",
    ];
    let mut vm = vm();
    for _ in 0..20 {
        vm.with_ctx(|ctx| {
            for _ in 0..1000 {
                let n = r.below(12);
                let mut s = String::new();
                for _ in 0..n {
                    s.push_str(pieces[r.below(pieces.len() as u64) as usize]);
                }
                let mut b = s.into_bytes();
                if r.chance(5) {
                    b.push(0xFF);
                }
                let _ = decode_text(ctx, &b);
                let _ = fuzzing::reader(&b);
            }
        });
    }
}

#[test]
fn fuzz_target_bodies_accept_the_corpus_seeds() {
    for seed in [
        &[][..],
        &[0xEA],
        &[0xEA, 0x00],
        &[0xEA, 0x09, 0xFF, 0xFF, 0xFF, 0xFF],
    ] {
        assert_eq!(fuzzing::wire_decode(seed), Ok(()));
        assert_eq!(fuzzing::reader(seed), Ok(()));
    }
    assert_eq!(fuzzing::reader(b"(a #(1 2) \"s\" . c)"), Ok(()));
}
