//! Lexer callbacks for the constructs a regular expression cannot express well:
//! strings and `|symbols|` with escapes (§2.3, §2.7), characters (§2.6) and nested
//! block comments (§2.1).
//!
//! Each callback scans `lex.remainder()` by hand and bumps the lexer past what it
//! consumed; errors carry absolute byte ranges so they point at the offending escape.

use super::error::ReadErrorKind;
use super::lexer::{is_delimiter, LexError, RawTok};
use logos::Lexer;

/// Skips a `#| ... |#` block comment whose `#|` was just matched; comments nest.
pub(crate) fn block_comment(lex: &mut Lexer<'_, RawTok>) -> Result<(), LexError> {
    let start = lex.span().start;
    let bytes = lex.remainder().as_bytes();
    let mut depth = 1usize;
    let mut i = 0;
    while let (Some(&a), Some(&b)) = (bytes.get(i), bytes.get(i + 1)) {
        if a == b'|' && b == b'#' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                lex.bump(i);
                return Ok(());
            }
        } else if a == b'#' && b == b'|' {
            depth += 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    Err(LexError::new(
        ReadErrorKind::UnterminatedBlockComment,
        start,
        start + 2,
    ))
}

/// Scans a string literal whose opening `"` was just matched.
pub(crate) fn string(lex: &mut Lexer<'_, RawTok>) -> Result<String, LexError> {
    scan_escaped(lex, '"', ReadErrorKind::UnterminatedString)
}

/// Scans a `|symbol|` whose opening `|` was just matched.
pub(crate) fn bar_symbol(lex: &mut Lexer<'_, RawTok>) -> Result<String, LexError> {
    scan_escaped(lex, '|', ReadErrorKind::UnterminatedSymbol)
}

/// Scans up to the unescaped `close`, processing escapes, and bumps the lexer past it.
fn scan_escaped(
    lex: &mut Lexer<'_, RawTok>,
    close: char,
    unterminated: ReadErrorKind,
) -> Result<String, LexError> {
    let start = lex.span().start;
    let base = lex.span().end;
    let rest = lex.remainder();
    let in_string = close == '"';
    let mut out = String::new();
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == close {
            lex.bump(i + c.len_utf8());
            return Ok(out);
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((j, e)) = chars.next() else {
            break;
        };
        let simple = match e {
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            't' => Some('\t'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            '"' | '\\' | '|' => Some(e),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            continue;
        }
        if e == 'x' || e == 'X' {
            let mut value: u32 = 0;
            let mut digits = 0usize;
            let mut end = j + 1;
            let mut terminated = false;
            let mut stopped = false;
            for (k, h) in chars.by_ref() {
                end = k + h.len_utf8();
                if h == ';' {
                    terminated = true;
                    break;
                }
                let Some(d) = h.to_digit(16) else {
                    stopped = true;
                    break;
                };
                digits += 1;
                // Saturate: anything above U+10FFFF is invalid whatever its size.
                value = value.saturating_mul(16).saturating_add(d).min(0x11_0000);
            }
            if !terminated && !stopped {
                // End of input inside the escape.
                break;
            }
            let lo = base + i;
            let hi = base + end;
            if !terminated || digits == 0 {
                let text = rest.get(i..end).unwrap_or("\\x").to_string();
                return Err(LexError::new(ReadErrorKind::InvalidHexEscape(text), lo, hi));
            }
            match char::from_u32(value) {
                Some(ch) => out.push(ch),
                None => {
                    return Err(LexError::new(
                        ReadErrorKind::InvalidCodePoint(value),
                        lo,
                        hi,
                    ))
                }
            }
            continue;
        }
        if in_string && (e == ' ' || e == '\t' || e == '\n' || e == '\r') {
            // Line continuation: \ spaces* line-break spaces*.
            let mut line_break = if e == '\n' || e == '\r' {
                Some(e)
            } else {
                None
            };
            let mut bad = false;
            while line_break.is_none() {
                match chars.peek() {
                    Some(&(_, ' ' | '\t')) => {
                        chars.next();
                    }
                    Some(&(_, h @ ('\n' | '\r'))) => {
                        chars.next();
                        line_break = Some(h);
                    }
                    Some(_) => {
                        bad = true;
                        break;
                    }
                    None => break,
                }
            }
            match line_break {
                None if bad => {
                    return Err(LexError::new(
                        ReadErrorKind::UnknownStringEscape(e),
                        base + i,
                        base + j + e.len_utf8(),
                    ))
                }
                // End of input right after the backslash and spaces.
                None => break,
                Some(_) => {}
            }
            if line_break == Some('\r') {
                // `\r\n` is one line break.
                if let Some(&(_, '\n')) = chars.peek() {
                    chars.next();
                }
            }
            while let Some(&(_, ' ' | '\t')) = chars.peek() {
                chars.next();
            }
            continue;
        }
        return Err(LexError::new(
            ReadErrorKind::UnknownStringEscape(e),
            base + i,
            base + j + e.len_utf8(),
        ));
    }
    Err(LexError::new(unterminated, start, start + 1))
}

/// Character names (spec §2.6), matched case-insensitively.
const CHAR_NAMES: &[(&str, char)] = &[
    ("alarm", '\u{7}'),
    ("backspace", '\u{8}'),
    ("delete", '\u{7f}'),
    ("escape", '\u{1b}'),
    ("newline", '\n'),
    ("null", '\0'),
    ("return", '\r'),
    ("space", ' '),
    ("tab", '\t'),
    ("linefeed", '\n'),
    ("nul", '\0'),
    ("vtab", '\u{b}'),
    ("page", '\u{c}'),
    ("del", '\u{7f}'),
];

/// Scans a character literal whose `#\` was just matched.
pub(crate) fn character(lex: &mut Lexer<'_, RawTok>) -> Result<char, LexError> {
    let start = lex.span().start;
    let rest = lex.remainder();
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else {
        return Err(LexError::new(
            ReadErrorKind::UnknownCharName(String::new()),
            start,
            start + 2,
        ));
    };
    let mut end = first.len_utf8();
    for (i, c) in chars {
        if is_delimiter(c) {
            break;
        }
        end = i + c.len_utf8();
    }
    let token = rest.get(..end).unwrap_or("");
    if end == first.len_utf8() {
        lex.bump(end);
        return Ok(first);
    }
    let name = if lex.extras.fold_case {
        token.to_lowercase()
    } else {
        token.to_string()
    };
    let lo = start;
    let hi = start + 2 + end;
    if let Some(&(_, ch)) = CHAR_NAMES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(&name))
    {
        lex.bump(end);
        return Ok(ch);
    }
    if let Some(hex) = name.strip_prefix('x') {
        if !hex.is_empty() && hex.len() <= 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            let value = u32::from_str_radix(hex, 16).unwrap_or(u32::MAX);
            let Some(ch) = char::from_u32(value) else {
                return Err(LexError::new(
                    ReadErrorKind::InvalidCodePoint(value),
                    lo,
                    hi,
                ));
            };
            // A `;` right after the digits belongs to the token (compatibility).
            let consumed = if rest.get(end..).is_some_and(|r| r.starts_with(';')) {
                end + 1
            } else {
                end
            };
            lex.bump(consumed);
            return Ok(ch);
        }
    }
    Err(LexError::new(
        ReadErrorKind::UnknownCharName(token.to_string()),
        lo,
        hi,
    ))
}
