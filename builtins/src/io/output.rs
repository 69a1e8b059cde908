//! Output (spec §8, §10.12): `display`, `write` and friends, characters, strings and
//! bytes to output ports, string and bytevector output ports, `flush-output-port`.

use super::{closed, port_arg, port_or_current};
use eta_vm::printer::{print, Mode};
use eta_vm::{natives, Ctx, Error, NResult, Port, PortData, Value};
use std::io::Write;

/// Writes text to a textual output port value.
pub fn port_write<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    who: &str,
    port: Value<'gc>,
    text: &str,
) -> Result<(), Error<'gc>> {
    let p = match Port::from_value(&port) {
        Some(p) if !p.input && p.textual => p,
        _ => return Err(Error::type_error(who, "textual output port", port)),
    };
    let mut data = p.data.borrow_mut();
    match data.as_mut() {
        None => Err(closed(who)),
        Some(PortData::Stdout) => {
            ctx.st.host.write_out(text);
            stdout_status(ctx, who)
        }
        Some(PortData::Stderr) => {
            ctx.st.host.flush_out();
            let _ = std::io::stderr().write_all(text.as_bytes());
            Ok(())
        }
        Some(PortData::StringOut(s)) => {
            s.push_str(text);
            Ok(())
        }
        Some(PortData::FileOut(sink)) => {
            let mut w = sink.lock().unwrap_or_else(|e| e.into_inner());
            w.write_all(text.as_bytes())
                .map_err(|e| super::files::file_error(who, &p.name, &e))
        }
        Some(_) => Err(Error::type_error(who, "textual output port", port)),
    }
}

/// The error to raise once standard output cannot be written any more (a closed pipe,
/// `etai prog | head`): every later write raises it too, so a program that prints
/// forever stops instead of running on with its output going nowhere.
pub fn stdout_status<'gc>(ctx: &Ctx<'_, 'gc>, who: &str) -> Result<(), Error<'gc>> {
    match &ctx.st.host.stdout_failed {
        Some(e) => Err(super::files::file_error(who, "standard output", e)),
        None => Ok(()),
    }
}

/// Writes bytes to a binary output port value.
fn port_write_bytes<'gc>(who: &str, port: Value<'gc>, bytes: &[u8]) -> Result<(), Error<'gc>> {
    let p = match Port::from_value(&port) {
        Some(p) if !p.input && !p.textual => p,
        _ => return Err(Error::type_error(who, "binary output port", port)),
    };
    let mut data = p.data.borrow_mut();
    match data.as_mut() {
        None => Err(closed(who)),
        Some(PortData::BytesOut(b)) => {
            b.extend_from_slice(bytes);
            Ok(())
        }
        Some(PortData::FileOut(sink)) => {
            let mut w = sink.lock().unwrap_or_else(|e| e.into_inner());
            w.write_all(bytes)
                .map_err(|e| super::files::file_error(who, &p.name, &e))
        }
        Some(_) => Err(Error::type_error(who, "binary output port", port)),
    }
}

fn out_port<'gc>(ctx: &Ctx<'_, 'gc>, a: &[Value<'gc>], i: usize) -> Value<'gc> {
    port_or_current(ctx, a, i, "current-output-port")
}

/// Optional `[start [end]]` arguments at `a[i]`, `a[i + 1]` checked against `len`.
fn range_args<'gc>(
    who: &str,
    a: &[Value<'gc>],
    i: usize,
    len: usize,
) -> Result<(usize, usize), Error<'gc>> {
    let start = match a.get(i) {
        Some(v) => crate::args::index(who, *v)?,
        None => 0,
    };
    let end = match a.get(i + 1) {
        Some(v) => crate::args::index(who, *v)?,
        None => len,
    };
    if start > end || end > len {
        return Err(Error::msg(format!("{who}: bad range {start}..{end}")));
    }
    Ok((start, end))
}

/// `(display x [port])` ;; `(display "hi")` prints hi
fn display<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let port = out_port(ctx, a, 1);
    let text = print(a[0], Mode::Display, usize::MAX);
    port_write(ctx, "display", port, &text)?;
    Ok(Value::Unspecified)
}

/// `(write x [port])` ;; `(write "hi")` prints "hi"
fn write<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let port = out_port(ctx, a, 1);
    let text = print(a[0], Mode::Write, usize::MAX);
    port_write(ctx, "write", port, &text)?;
    Ok(Value::Unspecified)
}

/// `(write-shared x [port])` ;; labels shared structure
fn write_shared<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let port = out_port(ctx, a, 1);
    let text = print(a[0], Mode::Shared, usize::MAX);
    port_write(ctx, "write-shared", port, &text)?;
    Ok(Value::Unspecified)
}

/// `(write-simple x [port])` ;; never uses labels
fn write_simple<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let port = out_port(ctx, a, 1);
    let text = print(a[0], Mode::Simple, usize::MAX);
    port_write(ctx, "write-simple", port, &text)?;
    Ok(Value::Unspecified)
}

/// `(newline [port])` ;; prints a line break
fn newline<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let port = out_port(ctx, a, 0);
    port_write(ctx, "newline", port, "\n")?;
    Ok(Value::Unspecified)
}

/// `(write-string s [port [start [end]]])` ;; `(write-string "abc")` prints abc
fn write_string<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let Value::Str(s) = a[0] else {
        return Err(Error::type_error("write-string", "string", a[0]));
    };
    let port = out_port(ctx, a, 1);
    let text = {
        let t = s.text.borrow();
        let (start, end) = range_args("write-string", a, 2, t.len())?;
        t.substring(start, end).to_string()
    };
    port_write(ctx, "write-string", port, &text)?;
    Ok(Value::Unspecified)
}

/// `(write-char c [port])` ;; `(write-char #\a)` prints a
fn write_char<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let Value::Char(c) = a[0] else {
        return Err(Error::type_error("write-char", "char", a[0]));
    };
    let port = out_port(ctx, a, 1);
    port_write(ctx, "write-char", port, c.encode_utf8(&mut [0u8; 4]))?;
    Ok(Value::Unspecified)
}

/// `(write-u8 byte [port])` ;; `(write-u8 255 (open-output-bytevector))`
fn write_u8<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let byte = match a[0] {
        Value::Int(b @ 0..=255) => b as u8,
        v => return Err(Error::type_error("write-u8", "byte", v)),
    };
    let port = out_port(ctx, a, 1);
    port_write_bytes("write-u8", port, &[byte])?;
    Ok(Value::Unspecified)
}

/// `(write-bytevector bv [port [start [end]]])` ;; `(write-bytevector #u8(1 2) p)`
fn write_bytevector<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let Value::Bytevector(bv) = a[0] else {
        return Err(Error::type_error("write-bytevector", "bytevector", a[0]));
    };
    let port = out_port(ctx, a, 1);
    let bytes = {
        let b = bv.borrow();
        let (start, end) = range_args("write-bytevector", a, 2, b.len())?;
        b[start..end].to_vec()
    };
    port_write_bytes("write-bytevector", port, &bytes)?;
    Ok(Value::Unspecified)
}

/// `(open-output-string)` ;; a port collecting text
fn open_output_string<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Port::new_value(
        ctx.mc,
        PortData::StringOut(String::new()),
        false,
        true,
        "string",
    ))
}

/// `(get-output-string port)` ;; the text written so far (the port is not reset)
fn get_output_string<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let who = "get-output-string";
    let wrong = || Error::type_error(who, "string output port", a[0]);
    let p = Port::from_value(&a[0])
        .filter(|p| !p.input && p.textual)
        .ok_or_else(wrong)?;
    let text = match p.data.borrow().as_ref() {
        Some(PortData::StringOut(s)) => s.clone(),
        None => return Err(closed(who)),
        Some(_) => return Err(wrong()),
    };
    Ok(Value::string(ctx.mc, &text))
}

/// `(open-output-bytevector)` ;; a port collecting bytes
fn open_output_bytevector<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Port::new_value(
        ctx.mc,
        PortData::BytesOut(Vec::new()),
        false,
        false,
        "bytevector",
    ))
}

/// `(get-output-bytevector port)` ;; the bytes written so far (the port is not reset)
fn get_output_bytevector<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let who = "get-output-bytevector";
    let wrong = || Error::type_error(who, "bytevector output port", a[0]);
    let p = Port::from_value(&a[0])
        .filter(|p| !p.input && !p.textual)
        .ok_or_else(wrong)?;
    let bytes = match p.data.borrow().as_ref() {
        Some(PortData::BytesOut(b)) => b.clone(),
        None => return Err(closed(who)),
        Some(_) => return Err(wrong()),
    };
    Ok(Value::bytevector(ctx.mc, bytes))
}

/// `(flush-output-port [port])` ;; writes out what the port buffers
fn flush_output_port<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let who = "flush-output-port";
    let port = out_port(ctx, a, 0);
    let p = port_arg(who, &port)?;
    if p.input {
        return Err(Error::type_error(who, "output port", port));
    }
    match p.data.borrow().as_ref() {
        None => return Err(closed(who)),
        Some(PortData::Stdout) => {
            ctx.st.host.flush_out();
            stdout_status(ctx, who)?;
        }
        Some(PortData::FileOut(sink)) => {
            let mut w = sink.lock().unwrap_or_else(|e| e.into_inner());
            w.flush()
                .map_err(|e| super::files::file_error(who, &p.name, &e))?;
        }
        Some(_) => {}
    }
    Ok(Value::Unspecified)
}

/// The output builtins.
pub static NATIVES: &[eta_vm::Native] = natives![
    "display", 1, Some(2), Simple(display);
    "write", 1, Some(2), Simple(write);
    "write-shared", 1, Some(2), Simple(write_shared);
    "write-simple", 1, Some(2), Simple(write_simple);
    "newline", 0, Some(1), Simple(newline);
    "write-string", 1, Some(4), Simple(write_string);
    "write-char", 1, Some(2), Simple(write_char);
    "write-u8", 1, Some(2), Simple(write_u8);
    "write-bytevector", 1, Some(4), Simple(write_bytevector);
    "open-output-string", 0, Some(0), Simple(open_output_string);
    "get-output-string", 1, Some(1), Simple(get_output_string);
    "open-output-bytevector", 0, Some(0), Simple(open_output_bytevector);
    "get-output-bytevector", 1, Some(1), Simple(get_output_bytevector);
    "flush-output-port", 0, Some(1), Simple(flush_output_port);
];
