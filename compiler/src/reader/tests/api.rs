//! Tests of spans (§2.12), the remaining §2.13 errors, `read_bytes`, the nesting
//! limit, the one-datum-at-a-time `Reader` and a pseudo-random no-panic sweep.

use super::*;

// ---- 2.12 source locations -------------------------------------------------------------

#[test]
fn spans_count_characters_on_multi_line_input() -> Result<(), ReadError> {
    let src = "; λ comment\n(défine (f x)\n  \"→λ\" 'ü)\n#(α β)";
    let data = read_all(src, F)?;
    assert_eq!(data.len(), 2);
    let list = &data[0];
    assert_eq!(list.span.file, F);
    assert_eq!((list.span.start, list.span.end), (pos(2, 1), pos(3, 11)));
    let lo = src.find("(défine").unwrap_or(0);
    assert_eq!(
        (list.span.lo as usize, list.span.hi as usize),
        (lo, src.find("\n#(").unwrap_or(0))
    );
    let items = list.as_list().unwrap_or(&[]);
    assert_eq!(items.len(), 4);
    assert_eq!(
        (items[0].span.start, items[0].span.end),
        (pos(2, 2), pos(2, 8))
    );
    assert_eq!(
        (items[1].span.start, items[1].span.end),
        (pos(2, 9), pos(2, 14))
    );
    assert_eq!(
        (items[2].span.start, items[2].span.end),
        (pos(3, 3), pos(3, 7))
    );
    assert_eq!(
        (items[3].span.start, items[3].span.end),
        (pos(3, 8), pos(3, 10))
    );
    let quoted = items[3].as_list().unwrap_or(&[]);
    assert_eq!(
        (quoted[0].span.start, quoted[0].span.end),
        (pos(3, 8), pos(3, 9))
    );
    assert_eq!(
        (quoted[1].span.start, quoted[1].span.end),
        (pos(3, 9), pos(3, 10))
    );
    let text = src.get(items[2].span.lo as usize..items[2].span.hi as usize);
    assert_eq!(text, Some("\"→λ\""));
    let vector = &data[1];
    assert_eq!((vector.span.start, vector.span.end), (pos(4, 1), pos(4, 7)));
    Ok(())
}

#[test]
fn every_datum_has_a_span() -> Result<(), ReadError> {
    let src = "(a #(b #u8(1)) \"s\" #\\c 1.5 #t #0=(x . #0#) . y)";
    let d = one(src)?;
    let mut stack = vec![&d];
    let mut count = 0;
    while let Some(d) = stack.pop() {
        count += 1;
        assert!(!d.span.is_dummy());
        assert!(d.span.lo < d.span.hi);
        assert_eq!(d.span.file, F);
        match &d.kind {
            DatumKind::List(items, tail) => {
                stack.extend(items.iter());
                stack.extend(tail.iter().map(|t| &**t));
            }
            DatumKind::Vector(items) => stack.extend(items.iter()),
            DatumKind::Label(_, inner) => stack.push(inner),
            _ => {}
        }
    }
    assert_eq!(count, 14);
    Ok(())
}

#[test]
fn error_spans_have_lines_and_columns() {
    let e = error("(a\n  λ \"b\\q\")");
    assert_eq!(e.kind, ReadErrorKind::UnknownStringEscape('q'));
    assert_eq!((e.span.start, e.span.end), (pos(2, 7), pos(2, 9)));
    assert_eq!(e.span.file, F);
    let e = error("(a\n  (b c)\n  ]");
    assert_eq!((e.span.start, e.span.end), (pos(3, 3), pos(3, 4)));
}

// ---- 2.13 errors not covered above -----------------------------------------------------------

#[test]
fn invalid_utf8() {
    let e = match read_bytes(b"(a \xff b)", F) {
        Err(e) => e,
        Ok(_) => panic!("invalid UTF-8 accepted"),
    };
    assert_eq!(e.kind, ReadErrorKind::InvalidUtf8 { offset: 3 });
    assert_eq!(e.to_string(), "invalid UTF-8 at byte 3");
    assert_eq!((e.span.lo, e.span.start), (3, pos(1, 4)));
    let e = read_bytes(
        "λ\n\u{3bb}\u{3bb}"
            .as_bytes()
            .iter()
            .copied()
            .chain([0xc3])
            .collect::<Vec<_>>()
            .as_slice(),
        F,
    );
    assert!(
        matches!(e, Err(ReadError { kind: ReadErrorKind::InvalidUtf8 { offset: 7 }, span }) if span.start == pos(2, 3))
    );
}

#[test]
fn read_bytes_reads_valid_utf8() -> Result<(), ReadError> {
    let data = read_bytes("\u{feff}(λ 1)".as_bytes(), F)?;
    assert_eq!(data.iter().map(show).collect::<Vec<_>>(), ["(λ 1)"]);
    Ok(())
}

#[test]
fn nesting_limit() -> Result<(), ReadError> {
    let deep = format!("{}{}", "(".repeat(9_000), ")".repeat(9_000));
    let data = read_all(&deep, F)?;
    assert_eq!(data.len(), 1);
    let mut depth = 0;
    let mut d = &data[0];
    while let Some(items) = d.as_list() {
        depth += 1;
        match items.first() {
            Some(inner) => d = inner,
            None => break,
        }
    }
    assert_eq!(depth, 9_000);
    let exact = format!("{}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
    assert_eq!(read_all(&exact, F)?.len(), 1);
    let too_deep = "(".repeat(MAX_NESTING + 1);
    let e = error(&too_deep);
    assert_eq!(e.kind, ReadErrorKind::NestingTooDeep);
    assert_eq!(e.to_string(), "nesting too deep");
    assert_eq!(e.span.lo as usize, MAX_NESTING);
    assert_eq!(
        err(&"'".repeat(MAX_NESTING + 1)),
        ReadErrorKind::NestingTooDeep
    );
    assert_eq!(err(&"#(".repeat(50_000)), ReadErrorKind::NestingTooDeep);
    // Deep quoting within the limit reads fine.
    let quotes = format!("{}x", "'".repeat(5_000));
    assert_eq!(read_all(&quotes, F)?.len(), 1);
    Ok(())
}

// ---- Reader: one datum at a time ---------------------------------------------------------------

#[test]
fn reader_reads_one_datum_at_a_time() -> Result<(), ReadError> {
    let text = "  (a b) 'c ; comment\n #;skip \"s\"  #| tail |# ";
    let mut r = Reader::new(text, F);
    assert_eq!(r.offset(), 0);
    let d = r.next_datum()?.map(|d| show(&d));
    assert_eq!(d.as_deref(), Some("(a b)"));
    assert_eq!(r.offset(), 7);
    let d = r.next_datum()?.map(|d| show(&d));
    assert_eq!(d.as_deref(), Some("(quote c)"));
    assert_eq!(r.offset(), 10);
    let d = r.next_datum()?.map(|d| show(&d));
    assert_eq!(d.as_deref(), Some("\"s\""));
    assert_eq!(r.offset(), text.find("\"s\"").unwrap_or(0) + 3);
    assert!(r.next_datum()?.is_none());
    assert!(r.next_datum()?.is_none());
    Ok(())
}

#[test]
fn reader_stops_right_after_the_datum() -> Result<(), ReadError> {
    // The rest of the text is never looked at, not even a bad token right after.
    let mut r = Reader::new("abc)", F);
    assert_eq!(
        r.next_datum()?
            .and_then(|d| d.as_symbol().map(String::from))
            .as_deref(),
        Some("abc")
    );
    assert_eq!(r.offset(), 3);
    assert_eq!(
        r.next_datum().err().map(|e| e.kind),
        Some(ReadErrorKind::UnexpectedClose)
    );
    let mut r = Reader::new("(x)#tru", F);
    assert!(r.next_datum()?.is_some());
    assert_eq!(r.offset(), 3);
    let mut r = Reader::new("'#;a b c", F);
    assert_eq!(
        r.next_datum()?.map(|d| show(&d)).as_deref(),
        Some("(quote b)")
    );
    assert_eq!(r.offset(), 6);
    Ok(())
}

#[test]
fn reader_new_does_not_skip_shebangs() {
    let mut r = Reader::new("#!/bin/etai\nx", F);
    assert!(matches!(
        r.next_datum(),
        Err(ReadError {
            kind: ReadErrorKind::UnknownDirective(_),
            ..
        })
    ));
}

#[test]
fn reader_for_source_offset_starts_after_shebang() -> Result<(), ReadError> {
    let text = "#!/bin/etai\n1 2";
    let mut r = Reader::for_source(text, F);
    assert_eq!(r.offset(), 12);
    assert!(r.next_datum()?.is_some());
    assert_eq!(r.offset(), 13);
    Ok(())
}

#[test]
fn fold_case_persists_across_next_datum() -> Result<(), ReadError> {
    let mut r = Reader::new("#!fold-case A B", F);
    assert_eq!(r.next_datum()?.map(|d| show(&d)).as_deref(), Some("a"));
    assert_eq!(r.next_datum()?.map(|d| show(&d)).as_deref(), Some("b"));
    Ok(())
}

#[test]
fn incomplete_errors_for_the_repl() {
    for src in ["(a", "\"abc", "#| x", "'", "#;", "|ab", "[1 (2"] {
        assert!(error(src).is_incomplete(), "{src}");
    }
    for src in [
        "a)", "(a]", "#tru", "1/0", "#u8(300)", "#\\foo", "(. a)", "{",
    ] {
        assert!(!error(src).is_incomplete(), "{src}");
    }
}

// ---- no panics on arbitrary input ---------------------------------------------------------------

/// A fixed-seed xorshift generator.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

#[test]
fn random_inputs_never_panic() {
    const PIECES: &[&str] = &[
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "#(",
        "#u8(",
        "'",
        "`",
        ",",
        ",@",
        ".",
        " ",
        "\n",
        "\t",
        "\"",
        "\\",
        "|",
        ";",
        "#|",
        "|#",
        "#;",
        "#!",
        "#!fold-case",
        "#\\",
        "#\\x",
        "#\\x41;",
        "#\\space",
        "#t",
        "#f",
        "#true",
        "#e",
        "#i",
        "#x",
        "#b",
        "#o",
        "#d",
        "#0=",
        "#0#",
        "#1=",
        "#1#",
        "1",
        "0",
        "12",
        "-",
        "+",
        "/",
        "e",
        "E",
        "inf.0",
        "nan.0",
        "1.5",
        "1/0",
        "ff",
        "a",
        "Nil",
        "λ",
        "é",
        "\u{feff}",
        "x41;",
        "\\x",
        "\\n",
        "\r",
        "\u{3000}",
        "99999999999999999999",
        "\u{0}",
        "\u{7f}",
        "🙂",
        "#",
        "#e1e400",
        "1e99999",
    ];
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut ok = 0;
    for _ in 0..20_000 {
        let len = (rng.next() % 24) as usize;
        let mut bytes = Vec::new();
        for _ in 0..len {
            let r = rng.next();
            match r % 17 {
                // An arbitrary byte, usually invalid UTF-8 on its own.
                0 => bytes.push((r >> 8) as u8),
                _ => {
                    let piece = PIECES[(r >> 8) as usize % PIECES.len()];
                    bytes.extend_from_slice(piece.as_bytes());
                }
            }
        }
        if read_bytes(&bytes, F).is_ok() {
            ok += 1;
        }
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let mut reader = Reader::new(text, F);
            for _ in 0..64 {
                match reader.next_datum() {
                    Ok(Some(_)) => {
                        assert!(reader.offset() <= text.len());
                        assert!(text.is_char_boundary(reader.offset()));
                    }
                    _ => break,
                }
            }
            let _ = parse_number(text, 16);
        }
    }
    // The sweep must exercise both outcomes.
    assert!(ok > 100 && ok < 19_900, "ok = {ok}");
}
