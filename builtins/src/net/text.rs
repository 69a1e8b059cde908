//! The text wire format (networking spec §8): the `write` form of a value in UTF-8 with
//! two adjustments for the C++ reader — characters other than printable ASCII as
//! `#\x<hex>;`, symbols with non-ASCII names in `|...|` — and the same sendability,
//! cycle, depth and size rules as the binary format (no datum labels are ever written).
//! Received text is read by the language reader and never evaluated.

use super::error::WireError;
use super::walk::{walk, Emit};
use eta_compiler::{FileId, Reader};
use eta_vm::printer::{format_flonum, write_barred_symbol, write_string_literal, write_symbol};
use eta_vm::{datum_to_value, Ctx, Value};
use std::fmt::Write as _;

/// The text emitter: appends to `out` until the size limit is passed, then only counts.
struct Text {
    out: String,
    size: u64,
    limit: u64,
    over: bool,
    scratch: String,
}

impl Text {
    fn put(&mut self, s: &str) {
        self.size += s.len() as u64;
        if self.over {
            return;
        }
        if self.limit != 0 && self.size > self.limit {
            self.over = true;
            self.out = String::new();
        } else {
            self.out.push_str(s);
        }
    }

    /// Emits what `f` writes into the scratch buffer.
    fn with_scratch(&mut self, f: impl FnOnce(&mut String)) {
        let mut s = std::mem::take(&mut self.scratch);
        s.clear();
        f(&mut s);
        self.put(&s);
        self.scratch = s;
    }
}

/// `#\c` for printable ASCII, `#\space`, and `#\x<hex>;` for everything else.
pub fn write_text_char(out: &mut String, c: char) {
    match c {
        ' ' => out.push_str("#\\space"),
        '!'..='~' => {
            out.push_str("#\\");
            out.push(c);
        }
        _ => {
            let _ = write!(out, "#\\x{:x};", u32::from(c));
        }
    }
}

/// A symbol as `write` prints it, but always in `|...|` form when the name has
/// non-ASCII characters (so the first byte of a text message stays ASCII and the C++
/// reader, which takes only ASCII identifiers, can read it).
pub fn write_text_symbol(out: &mut String, name: &str) {
    if name.is_ascii() {
        write_symbol(out, name);
    } else {
        write_barred_symbol(out, name);
    }
}

impl Emit for Text {
    const NIL_NESTS: bool = true;

    fn atom(&mut self, v: Value<'_>) -> Result<(), String> {
        match v {
            Value::Nil => self.put("()"),
            Value::Bool(true) => self.put("#t"),
            Value::Bool(false) => self.put("#f"),
            Value::Int(i) => self.with_scratch(|s| {
                let _ = write!(s, "{i}");
            }),
            Value::Big(b) => self.with_scratch(|s| {
                let _ = write!(s, "{}", *b);
            }),
            Value::Float(x) => self.put(&format_flonum(x)),
            Value::Char(c) => self.with_scratch(|s| write_text_char(s, c)),
            Value::Str(st) => {
                let text = st.text.borrow();
                self.with_scratch(|s| write_string_literal(s, text.as_str()));
            }
            Value::Sym(sym) => self.with_scratch(|s| write_text_symbol(s, sym.name())),
            Value::Bytevector(b) => {
                let b = b.borrow();
                self.with_scratch(|s| {
                    s.push_str("#u8(");
                    for (i, x) in b.iter().enumerate() {
                        if i > 0 {
                            s.push(' ');
                        }
                        let _ = write!(s, "{x}");
                    }
                    s.push(')');
                });
            }
            // The walker only passes atoms.
            _ => return Err(format!("cannot send a {}", v.kind_name())),
        }
        Ok(())
    }

    fn pair(&mut self, first: bool) {
        self.put(if first { "(" } else { " " });
    }

    fn list_end(&mut self) {
        self.put(")");
    }

    fn tail_start(&mut self) {
        self.put(" . ");
    }

    fn tail_end(&mut self) {
        self.put(")");
    }

    fn vector_start(&mut self, _len: usize) -> Result<(), String> {
        self.put("#(");
        Ok(())
    }

    fn vector_elem(&mut self, index: usize) {
        if index > 0 {
            self.put(" ");
        }
    }

    fn vector_end(&mut self) {
        self.put(")");
    }

    fn size(&self) -> u64 {
        self.size
    }

    fn over(&self) -> bool {
        self.over
    }
}

/// Encodes `v` as a text message (§8.1). `max_size` is the socket's
/// `max-message-size` in bytes (`0` = unlimited).
///
/// `(send! sock '(λ #\λ 0.1) 'text)` sends `(|λ| #\x3bb; 0.1)`.
pub fn encode_text(v: Value<'_>, max_size: usize) -> Result<Vec<u8>, WireError> {
    let mut e = Text {
        out: String::new(),
        size: 0,
        limit: max_size as u64,
        over: false,
        scratch: String::new(),
    };
    walk(v, &mut e, max_size)?;
    Ok(e.out.into_bytes())
}

/// Decodes a text message (§8.2): valid UTF-8 holding exactly one datum, read by the
/// language reader (quote abbreviations, datum labels, `#\x3BB`, ... all accepted) and
/// converted to a fresh heap value; nothing is evaluated.
pub fn decode_text<'gc>(ctx: &mut Ctx<'_, 'gc>, bytes: &[u8]) -> Result<Value<'gc>, WireError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            return Err(match eta_compiler::read_bytes(bytes, FileId(0)) {
                Err(e) => read_error(&e),
                Ok(_) => WireError::new("text message: invalid UTF-8"),
            })
        }
    };
    let mut reader = Reader::new(text, FileId(0));
    let datum = match reader.next_datum() {
        Ok(Some(d)) => d,
        Ok(None) => return Err(WireError::new("empty message")),
        Err(e) => return Err(read_error(&e)),
    };
    match reader.next_datum() {
        Ok(None) => {}
        Ok(Some(_)) => return Err(WireError::new("more than one datum in text message")),
        Err(e) => return Err(read_error(&e)),
    }
    Ok(datum_to_value(ctx, &datum))
}

fn read_error(e: &eta_compiler::ReadError) -> WireError {
    WireError::new(format!(
        "text message: {} at line {} column {}",
        e.kind, e.span.start.line, e.span.start.col
    ))
}
