//! Ports and output (spec §10.12, the part the core language needs): the standard
//! ports as parameter objects, `display`, `write`, `newline`, `write-string`,
//! `write-char`, string output ports.

use eta_vm::printer::{print, Mode};
use eta_vm::{natives, Ctx, Error, Gc, NResult, Parameter, Port, PortData, Value, Vm};
use gc_arena::Lock;

/// Replaces the placeholder `current-*-port` builtins with parameter objects holding the
/// standard ports.
pub fn install_ports(vm: &mut Vm) {
    vm.with_ctx(|ctx| {
        let ports = [
            ("current-output-port", PortData::Stdout, false, "stdout"),
            ("current-error-port", PortData::Stderr, false, "stderr"),
            (
                "current-input-port",
                PortData::Stdin(String::new()),
                true,
                "stdin",
            ),
        ];
        for (name, data, input, pname) in ports {
            let port = Port::new_value(ctx.mc, data, input, true, pname);
            let param = Value::Parameter(Gc::new(
                ctx.mc,
                Parameter {
                    value: Lock::new(port),
                    converter: Value::Bool(false),
                    name: Some(name.into()),
                },
            ));
            if let Some(slot) = ctx.st.host.linker.builtin_slot(name) {
                ctx.st.globals[slot as usize] = param;
            }
        }
    });
}

/// The current value of the port parameter `name`.
pub fn current_port<'gc>(ctx: &Ctx<'_, 'gc>, name: &str) -> Value<'gc> {
    let slot = ctx.st.host.linker.builtin_slot(name);
    match slot.and_then(|s| ctx.st.globals.get(s as usize).copied()) {
        Some(Value::Parameter(p)) => p.value.get(),
        _ => Value::Unspecified,
    }
}

/// Writes text to an output port value.
pub fn port_write<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    who: &str,
    port: Value<'gc>,
    text: &str,
) -> Result<(), Error<'gc>> {
    let Some(p) = Port::from_value(&port) else {
        return Err(Error::type_error(who, "output port", port));
    };
    if p.input {
        return Err(Error::type_error(who, "output port", port));
    }
    let mut data = p.data.borrow_mut();
    match data.as_mut() {
        None => Err(Error::msg(format!("{who}: port is closed"))),
        Some(PortData::Stdout) => {
            ctx.st.host.write_out(text);
            Ok(())
        }
        Some(PortData::Stderr) => {
            ctx.st.host.flush_out();
            use std::io::Write;
            let _ = std::io::stderr().write_all(text.as_bytes());
            Ok(())
        }
        Some(PortData::StringOut(s)) => {
            s.push_str(text);
            Ok(())
        }
        Some(PortData::BytesOut(b)) => {
            b.extend_from_slice(text.as_bytes());
            Ok(())
        }
        Some(PortData::FileOut(w)) => {
            use std::io::Write;
            w.write_all(text.as_bytes())
                .map_err(|e| Error::new(eta_vm::tags::FILE, format!("{who}: {e}")))
        }
        Some(_) => Err(Error::type_error(who, "output port", port)),
    }
}

fn out_port<'gc>(ctx: &Ctx<'_, 'gc>, a: &[Value<'gc>], i: usize) -> Value<'gc> {
    a.get(i)
        .copied()
        .unwrap_or_else(|| current_port(ctx, "current-output-port"))
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
        let len = t.len();
        let start = match a.get(2) {
            Some(v) => crate::args::index("write-string", *v)?,
            None => 0,
        };
        let end = match a.get(3) {
            Some(v) => crate::args::index("write-string", *v)?,
            None => len,
        };
        if start > end || end > len {
            return Err(Error::msg(format!(
                "write-string: bad range {start}..{end}"
            )));
        }
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

/// `(get-output-string port)` ;; the text written so far
fn get_output_string<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let text = match Port::from_value(&a[0]).map(|p| p.data.borrow()) {
        Some(d) => match d.as_ref() {
            Some(PortData::StringOut(s)) => s.clone(),
            _ => {
                return Err(Error::type_error(
                    "get-output-string",
                    "string output port",
                    a[0],
                ))
            }
        },
        None => {
            return Err(Error::type_error(
                "get-output-string",
                "string output port",
                a[0],
            ))
        }
    };
    Ok(Value::string(ctx.mc, &text))
}

/// `(flush-output-port [port])`
fn flush_output_port<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    ctx.st.host.flush_out();
    Ok(Value::Unspecified)
}

/// `(current-output-port)` placeholder until [`install_ports`] runs.
fn placeholder_port<'gc>(_ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
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
    "open-output-string", 0, Some(0), Simple(open_output_string);
    "get-output-string", 1, Some(1), Simple(get_output_string);
    "flush-output-port", 0, Some(1), Simple(flush_output_port);
    "current-output-port", 0, Some(0), Simple(placeholder_port);
    "current-error-port", 0, Some(0), Simple(placeholder_port);
    "current-input-port", 0, Some(0), Simple(placeholder_port);
];
