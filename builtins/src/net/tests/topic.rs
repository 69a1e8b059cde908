//! §4 topic names and matching, heartbeat frames and the first-byte classifier.

use super::{read, vm};
use crate::net::text::encode_text;
use crate::net::wire::{encode, topic_matches, topic_name, Frame, PING, PONG};

#[test]
fn the_spec_table() {
    let mut vm = vm();
    vm.with_ctx(|ctx| {
        let bin =
            |ctx: &mut eta_vm::Ctx<'_, '_>, s: &str| encode(read(ctx, s), 0).unwrap_or_default();
        let cases: &[(&str, &str, bool)] = &[
            ("prices", "(prices 100.5)", true),
            ("prices", "(prices.eur 1.1)", true),
            ("prices", "\"prices-today\"", true),
            ("prices", "prices", true),
            ("price", "(prices 1)", true),
            ("prices", "(alert \"prices\")", false),
            ("prices", "42", false),
            ("prices", "((prices) 1)", false),
            ("alert", "(\"alert\" high)", true),
            ("", "42", true),
            ("", "((prices) 1)", true),
            ("pricesx", "prices", false),
            ("λ", "(λx 1)", true),
        ];
        for (topic, msg, want) in cases {
            let b = bin(ctx, msg);
            assert_eq!(
                topic_matches(&b, topic.as_bytes()),
                *want,
                "{topic:?} vs {msg}"
            );
        }
        // Text messages match on their raw bytes.
        let t = encode_text(read(ctx, "prices.eur"), 0).unwrap_or_default();
        assert!(topic_matches(&t, b"prices"));
        let t = encode_text(read(ctx, "(prices 1)"), 0).unwrap_or_default();
        assert!(!topic_matches(&t, b"prices"));
        assert!(topic_matches(&t, b"(pri"));
        assert!(topic_matches(&t, b""));
        // Raw foreign bytes likewise.
        assert!(topic_matches(b"weather:sunny", b"weather"));
        assert!(!topic_matches(b"", b"w"));
    });
}

#[test]
fn topic_names() {
    assert_eq!(
        topic_name(&[0xEA, 0x06, 3, 0, 0, 0, b'f', b'o', b'o']),
        Some(&b"foo"[..])
    );
    assert_eq!(
        topic_name(&[0xEA, 0x08, 0x05, 2, 0, 0, 0, b'h', b'i', 0x00]),
        Some(&b"hi"[..])
    );
    assert_eq!(topic_name(&[0xEA, 0x05, 0, 0, 0, 0]), Some(&b""[..]));
    // Truncated or other values have no name.
    assert_eq!(topic_name(&[0xEA, 0x06, 9, 0, 0, 0, b'f']), None);
    assert_eq!(topic_name(&[0xEA, 0x06, 1, 0]), None);
    assert_eq!(topic_name(&[0xEA, 0x08, 0x08, 0x06]), None);
    assert_eq!(topic_name(&[0xEA, 0x02, 1, 0, 0, 0, 0, 0, 0, 0]), None);
    assert_eq!(topic_name(&[0xEA]), None);
    assert_eq!(topic_name(&[]), None);
    assert_eq!(topic_name(b"foo"), None);
}

#[test]
fn frames() {
    assert_eq!(PING, [0xEB, 0x00]);
    assert_eq!(PONG, [0xEB, 0x01]);
    assert_eq!(Frame::of(&PING), Frame::Heartbeat(true));
    assert_eq!(Frame::of(&PONG), Frame::Heartbeat(false));
    assert_eq!(Frame::of(&[0xEA, 0x00]), Frame::Binary);
    assert_eq!(Frame::of(&[0xEA]), Frame::Binary);
    assert_eq!(Frame::of(b"(a)"), Frame::Text);
    assert_eq!(Frame::of(&[]), Frame::Text);
    // EB is a heartbeat only as a 2-byte frame.
    assert_eq!(Frame::of(&[0xEB, 0x00, 0x00]), Frame::Text);
    assert_eq!(Frame::of(&[0xEB]), Frame::Text);
}
