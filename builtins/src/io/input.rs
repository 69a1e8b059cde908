//! Input (spec §10.12): characters, lines, strings, bytes and data from input ports,
//! string and bytevector input ports, the eof object. Standard input is read lazily:
//! only when a request cannot be served from what was read before, and only after
//! flushing standard output (spec §8.5).

use super::{closed, port_or_current};
use eta_compiler::{FileId, Reader};
use eta_vm::{
    datum_to_value, natives, tags, BytesIn, Ctx, Error, NResult, Port, PortData, TextIn, Value,
};
use std::io::BufRead;

fn in_port<'gc>(ctx: &Ctx<'_, 'gc>, a: &[Value<'gc>], i: usize) -> Value<'gc> {
    port_or_current(ctx, a, i, "current-input-port")
}

/// Reads what standard input has available (blocking until something is), after
/// flushing standard output. Sets `eof` at end of input.
fn fill_stdin<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    who: &str,
    buf: &mut TextIn,
    eof: &mut bool,
    partial: &mut Vec<u8>,
) -> Result<(), Error<'gc>> {
    ctx.st.host.flush_out();
    let stdin = std::io::stdin();
    let mut lock = stdin.lock();
    let chunk = lock
        .fill_buf()
        .map_err(|e| super::files::file_error(who, "stdin", &e))?;
    let n = chunk.len();
    partial.extend_from_slice(chunk);
    lock.consume(n);
    if n == 0 {
        *eof = true;
    }
    match std::str::from_utf8(partial) {
        Ok(s) => buf.append(s),
        // A multi-byte character cut at the end of the read: keep its first bytes.
        Err(e) if e.error_len().is_none() && !*eof => {
            let valid = e.valid_up_to();
            buf.append(&String::from_utf8_lossy(&partial[..valid]));
            partial.drain(..valid);
            return Ok(());
        }
        Err(_) => buf.append(&String::from_utf8_lossy(partial)),
    }
    partial.clear();
    Ok(())
}

/// Runs `f` on the text of a textual input port. For standard input, reads more first
/// until `enough` holds or the input ends.
fn with_text<'gc, R>(
    ctx: &mut Ctx<'_, 'gc>,
    who: &str,
    port: Value<'gc>,
    enough: impl Fn(&TextIn) -> bool,
    f: impl FnOnce(&mut TextIn) -> R,
) -> Result<R, Error<'gc>> {
    let wrong = || Error::type_error(who, "textual input port", port);
    let p = Port::from_value(&port)
        .filter(|p| p.input && p.textual)
        .ok_or_else(wrong)?;
    let mut data = p.data.borrow_mut();
    match data.as_mut() {
        None => Err(closed(who)),
        Some(PortData::StringIn(t)) => Ok(f(t)),
        Some(PortData::Stdin { buf, eof, partial }) => {
            while !*eof && !enough(buf) {
                fill_stdin(ctx, who, buf, eof, partial)?;
            }
            Ok(f(buf))
        }
        Some(_) => Err(wrong()),
    }
}

/// Runs `f` on the bytes of a binary input port.
fn with_bytes<'gc, R>(
    who: &str,
    port: Value<'gc>,
    f: impl FnOnce(&mut BytesIn) -> R,
) -> Result<R, Error<'gc>> {
    let wrong = || Error::type_error(who, "binary input port", port);
    let p = Port::from_value(&port)
        .filter(|p| p.input && !p.textual)
        .ok_or_else(wrong)?;
    let mut data = p.data.borrow_mut();
    match data.as_mut() {
        None => Err(closed(who)),
        Some(PortData::BytesIn(b)) => Ok(f(b)),
        Some(_) => Err(wrong()),
    }
}

fn char_or_eof<'gc>(c: Option<char>) -> Value<'gc> {
    c.map_or(Value::Eof, Value::Char)
}

fn has_char(t: &TextIn) -> bool {
    !t.rest().is_empty()
}

/// `(read-char [port])` ;; `(read-char (open-input-string "ab"))` => #\a
fn read_char<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let port = in_port(ctx, a, 0);
    let c = with_text(ctx, "read-char", port, has_char, |t| t.read_char())?;
    Ok(char_or_eof(c))
}

/// `(peek-char [port])` ;; `(peek-char (open-input-string "ab"))` => #\a
fn peek_char<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let port = in_port(ctx, a, 0);
    let c = with_text(ctx, "peek-char", port, has_char, |t| t.peek_char())?;
    Ok(char_or_eof(c))
}

/// `(read-line [port])` ;; `(read-line (open-input-string "a\r\nb"))` => "a"
fn read_line<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let port = in_port(ctx, a, 0);
    let has_line = |t: &TextIn| t.rest().contains('\n');
    let line = with_text(ctx, "read-line", port, has_line, |t| t.read_line())?;
    Ok(match line {
        Some(s) => Value::string(ctx.mc, &s),
        None => Value::Eof,
    })
}

/// `(read-string k [port])` ;; `(read-string 2 (open-input-string "abc"))` => "ab"
fn read_string<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let k = crate::args::index("read-string", a[0])?;
    let port = in_port(ctx, a, 1);
    let enough = |t: &TextIn| t.chars_left(k) >= k;
    let s = with_text(ctx, "read-string", port, enough, |t| t.read_chars(k))?;
    Ok(match s {
        Some(s) => Value::string(ctx.mc, &s),
        None => Value::Eof,
    })
}

/// Whether standard input can be read without blocking (data or end of file waiting).
#[cfg(unix)]
fn stdin_ready() -> bool {
    let mut fds = libc::pollfd {
        fd: 0,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: `fds` is one valid, initialised pollfd that outlives the call; a zero
    // timeout makes poll return at once. Needed because std has no readiness test.
    let n = unsafe { libc::poll(&mut fds, 1, 0) };
    n > 0
}

/// Without `poll`, standard input is assumed ready.
#[cfg(not(unix))]
fn stdin_ready() -> bool {
    true
}

/// `(char-ready? [port])` ;; `(char-ready? (open-input-string ""))` => #t
fn char_ready<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let who = "char-ready?";
    let port = in_port(ctx, a, 0);
    let wrong = || Error::type_error(who, "textual input port", port);
    let p = Port::from_value(&port)
        .filter(|p| p.input && p.textual)
        .ok_or_else(wrong)?;
    let ready = match p.data.borrow().as_ref() {
        None => return Err(closed(who)),
        Some(PortData::Stdin { buf, eof, .. }) => *eof || has_char(buf) || stdin_ready(),
        Some(_) => true,
    };
    Ok(Value::Bool(ready))
}

/// `(read-u8 [port])` ;; `(read-u8 (open-input-bytevector #u8(7)))` => 7
fn read_u8<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let port = in_port(ctx, a, 0);
    with_bytes("read-u8", port, |b| match b.rest().first() {
        Some(&x) => {
            b.pos += 1;
            Value::Int(i64::from(x))
        }
        None => Value::Eof,
    })
}

/// `(peek-u8 [port])` ;; `(peek-u8 (open-input-bytevector #u8(7)))` => 7
fn peek_u8<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let port = in_port(ctx, a, 0);
    with_bytes("peek-u8", port, |b| {
        b.rest()
            .first()
            .map_or(Value::Eof, |&x| Value::Int(i64::from(x)))
    })
}

/// `(u8-ready? [port])` ;; `(u8-ready? (open-input-bytevector #u8()))` => #t
fn u8_ready<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let port = in_port(ctx, a, 0);
    with_bytes("u8-ready?", port, |_| Value::Bool(true))
}

/// `(read-bytevector k [port])` ;; `(read-bytevector 2 (open-input-bytevector #u8(1 2 3)))` => #u8(1 2)
fn read_bytevector<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let k = crate::args::index("read-bytevector", a[0])?;
    let port = in_port(ctx, a, 1);
    let bytes = with_bytes("read-bytevector", port, |b| {
        let rest = b.rest();
        if rest.is_empty() && k > 0 {
            return None;
        }
        let n = k.min(rest.len());
        let out = rest[..n].to_vec();
        b.pos += n;
        Some(out)
    })?;
    Ok(match bytes {
        Some(v) => Value::bytevector(ctx.mc, v),
        None => Value::Eof,
    })
}

/// `(read-bytevector! bv [port [start [end]]])` ;; bytes read into `bv`, or eof
fn read_bytevector_into<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let who = "read-bytevector!";
    let Value::Bytevector(bv) = a[0] else {
        return Err(Error::type_error(who, "bytevector", a[0]));
    };
    let port = in_port(ctx, a, 1);
    let len = bv.borrow().len();
    let start = match a.get(2) {
        Some(v) => crate::args::index(who, *v)?,
        None => 0,
    };
    let end = match a.get(3) {
        Some(v) => crate::args::index(who, *v)?,
        None => len,
    };
    if start > end || end > len {
        return Err(Error::msg(format!("{who}: bad range {start}..{end}")));
    }
    let chunk = with_bytes(who, port, |b| {
        let rest = b.rest();
        let n = (end - start).min(rest.len());
        let out = rest[..n].to_vec();
        b.pos += n;
        out
    })?;
    if chunk.is_empty() && end > start {
        return Ok(Value::Eof);
    }
    let n = chunk.len();
    bv.borrow_mut(ctx.mc)[start..start + n].copy_from_slice(&chunk);
    Ok(Value::Int(n as i64))
}

/// What one attempt to read a datum from buffered text gave.
enum Parse {
    /// A datum and the number of bytes it used.
    Datum(eta_compiler::Datum, usize),
    /// Only whitespace and comments are left.
    Empty,
    /// A read error and the number of bytes to skip past it.
    Error(eta_compiler::ReadError, usize),
}

fn parse_one(text: &str) -> Parse {
    let mut reader = Reader::new(text, FileId(0));
    match reader.next_datum() {
        Ok(Some(d)) => Parse::Datum(d, reader.offset()),
        Ok(None) => Parse::Empty,
        Err(e) => {
            let skip = if e.is_incomplete() || e.span.hi == 0 {
                text.len()
            } else {
                e.span.hi as usize
            };
            Parse::Error(e, skip)
        }
    }
}

/// `(read [port])` ;; `(read (open-input-string "(a . b) c"))` => (a . b)
fn read<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let who = "read";
    let port = in_port(ctx, a, 0);
    let wrong = || Error::type_error(who, "textual input port", port);
    let p = Port::from_value(&port)
        .filter(|p| p.input && p.textual)
        .ok_or_else(wrong)?;
    let mut data = p.data.borrow_mut();
    let parsed = match data.as_mut() {
        None => return Err(closed(who)),
        Some(PortData::StringIn(t)) => {
            let parsed = parse_one(t.rest());
            t.advance(match &parsed {
                Parse::Datum(_, used) | Parse::Error(_, used) => *used,
                Parse::Empty => usize::MAX,
            });
            parsed
        }
        Some(PortData::Stdin { buf, eof, partial }) => loop {
            let rest = buf.rest();
            let parsed = parse_one(rest);
            // A datum running up to the end of what has arrived may continue (`ab`
            // then `c`): it is complete only once more text or the end of input follows.
            let more = match &parsed {
                Parse::Empty => true,
                Parse::Error(e, _) => e.is_incomplete(),
                Parse::Datum(_, used) => *used >= rest.len(),
            };
            if more && !*eof {
                fill_stdin(ctx, who, buf, eof, partial)?;
                continue;
            }
            buf.advance(match &parsed {
                Parse::Datum(_, used) | Parse::Error(_, used) => *used,
                Parse::Empty => usize::MAX,
            });
            break parsed;
        },
        Some(_) => return Err(wrong()),
    };
    drop(data);
    match parsed {
        Parse::Datum(d, _) => Ok(datum_to_value(ctx, &d)),
        Parse::Empty => Ok(Value::Eof),
        Parse::Error(e, _) => Err(Error::new(tags::READ, format!("{who}: {e}"))),
    }
}

/// `(open-input-string s)` ;; `(read-char (open-input-string "a"))` => #\a
fn open_input_string<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let text = crate::args::string("open-input-string", a[0])?;
    let data = PortData::StringIn(TextIn::new(text));
    Ok(Port::new_value(ctx.mc, data, true, true, "string"))
}

/// `(open-input-bytevector bv)` ;; `(read-u8 (open-input-bytevector #u8(1)))` => 1
fn open_input_bytevector<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let Value::Bytevector(bv) = a[0] else {
        return Err(Error::type_error(
            "open-input-bytevector",
            "bytevector",
            a[0],
        ));
    };
    let data = PortData::BytesIn(BytesIn {
        data: bv.borrow().clone(),
        pos: 0,
    });
    Ok(Port::new_value(ctx.mc, data, true, false, "bytevector"))
}

/// `(eof-object)` ;; => #<eof>
fn eof_object<'gc>(_ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Eof)
}

/// `(eof-object? x)` ;; `(eof-object? (read-char (open-input-string "")))` => #t
fn is_eof_object<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(matches!(a[0], Value::Eof)))
}

/// The input builtins.
pub static NATIVES: &[eta_vm::Native] = natives![
    "read-char", 0, Some(1), Simple(read_char);
    "peek-char", 0, Some(1), Simple(peek_char);
    "read-line", 0, Some(1), Simple(read_line);
    "read-string", 1, Some(2), Simple(read_string);
    "char-ready?", 0, Some(1), Simple(char_ready);
    "read-u8", 0, Some(1), Simple(read_u8);
    "peek-u8", 0, Some(1), Simple(peek_u8);
    "u8-ready?", 0, Some(1), Simple(u8_ready);
    "read-bytevector", 1, Some(2), Simple(read_bytevector);
    "read-bytevector!", 1, Some(4), Simple(read_bytevector_into);
    "read", 0, Some(1), Simple(read);
    "open-input-string", 1, Some(1), Simple(open_input_string);
    "open-input-bytevector", 1, Some(1), Simple(open_input_bytevector);
    "eof-object", 0, Some(0), Simple(eof_object);
    "eof-object?", 1, Some(1), Simple(is_eof_object);
];
