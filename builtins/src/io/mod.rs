//! Ports and I/O (spec §10.12), by family: [`output`] (display, write, string and
//! bytevector output), [`input`] (reading characters, lines, bytes and data), [`files`]
//! (file ports and the `F` file-error convention). This file holds what they share: the
//! standard ports as parameter objects, argument checks, and the port-wide procedures
//! (predicates, closing, `set-current-*-port!`).

pub mod files;
pub mod input;
pub mod output;

pub use output::port_write;

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
                PortData::Stdin {
                    buf: Default::default(),
                    eof: false,
                    partial: Vec::new(),
                },
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

/// The parameter object behind the port builtin `name` (`current-output-port`, ...).
fn port_parameter<'gc>(ctx: &Ctx<'_, 'gc>, name: &str) -> Option<Gc<'gc, Parameter<'gc>>> {
    match ctx.st.builtin(name)? {
        Value::Parameter(p) => Some(p),
        _ => None,
    }
}

/// The current value of the port parameter `name`.
pub fn current_port<'gc>(ctx: &Ctx<'_, 'gc>, name: &str) -> Value<'gc> {
    match port_parameter(ctx, name) {
        Some(p) => p.value.get(),
        None => Value::Unspecified,
    }
}

/// Argument `i` if given, else the current value of the port parameter `name`.
pub(crate) fn port_or_current<'gc>(
    ctx: &Ctx<'_, 'gc>,
    a: &[Value<'gc>],
    i: usize,
    name: &str,
) -> Value<'gc> {
    a.get(i).copied().unwrap_or_else(|| current_port(ctx, name))
}

/// The port inside `v`, or `NAME: expected a port, got V`.
pub(crate) fn port_arg<'a, 'gc>(who: &str, v: &'a Value<'gc>) -> Result<&'a Port, Error<'gc>> {
    Port::from_value(v).ok_or_else(|| Error::type_error(who, "port", *v))
}

/// `NAME: port is closed`.
pub(crate) fn closed<'gc>(who: &str) -> Error<'gc> {
    Error::msg(format!("{who}: port is closed"))
}

/// `(port? x)` ;; `(port? (current-output-port))` => #t
fn is_port<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(Port::from_value(&a[0]).is_some()))
}

/// `(input-port? x)` ;; `(input-port? (current-input-port))` => #t
fn is_input_port<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(
        Port::from_value(&a[0]).is_some_and(|p| p.input),
    ))
}

/// `(output-port? x)` ;; `(output-port? (open-output-string))` => #t
fn is_output_port<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(
        Port::from_value(&a[0]).is_some_and(|p| !p.input),
    ))
}

/// `(textual-port? x)` ;; `(textual-port? (open-input-string "a"))` => #t
fn is_textual_port<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(
        Port::from_value(&a[0]).is_some_and(|p| p.textual),
    ))
}

/// `(binary-port? x)` ;; `(binary-port? (open-output-bytevector))` => #t
fn is_binary_port<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(
        Port::from_value(&a[0]).is_some_and(|p| !p.textual),
    ))
}

/// `(input-port-open? p)` ;; `(input-port-open? (open-input-string ""))` => #t
fn input_port_open<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let p = port_arg("input-port-open?", &a[0])?;
    Ok(Value::Bool(p.input && p.is_open()))
}

/// `(output-port-open? p)` ;; `(output-port-open? (open-output-string))` => #t
fn output_port_open<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let p = port_arg("output-port-open?", &a[0])?;
    Ok(Value::Bool(!p.input && p.is_open()))
}

/// Closes a port: flushes what it buffers, then drops its data. Closing twice is fine.
fn close<'gc>(ctx: &mut Ctx<'_, 'gc>, who: &str, p: &Port) -> NResult<'gc> {
    let data = p.data.borrow_mut().take();
    match data {
        Some(PortData::Stdout) => ctx.st.host.flush_out(),
        Some(PortData::FileOut(sink)) => {
            use std::io::Write;
            let mut w = sink.lock().unwrap_or_else(|e| e.into_inner());
            w.flush().map_err(|e| files::file_error(who, &p.name, &e))?;
        }
        _ => {}
    }
    Ok(Value::Unspecified)
}

/// `(close-port p)` ;; `(close-port (open-input-string "x"))`
fn close_port<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let p = port_arg("close-port", &a[0])?;
    close(ctx, "close-port", p)
}

/// `(close-input-port p)` ;; `(close-input-port (open-input-string "x"))`
fn close_input_port<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    match Port::from_value(&a[0]) {
        Some(p) if p.input => close(ctx, "close-input-port", p),
        _ => Err(Error::type_error("close-input-port", "input port", a[0])),
    }
}

/// `(close-output-port p)` ;; `(close-output-port (open-output-string))`
fn close_output_port<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    match Port::from_value(&a[0]) {
        Some(p) if !p.input => close(ctx, "close-output-port", p),
        _ => Err(Error::type_error("close-output-port", "output port", a[0])),
    }
}

/// Sets the current value of the port parameter `name` after checking the direction.
fn set_current<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    who: &str,
    name: &str,
    input: bool,
    v: Value<'gc>,
) -> NResult<'gc> {
    match Port::from_value(&v) {
        Some(p) if p.input == input => {}
        _ => {
            let kind = if input { "input port" } else { "output port" };
            return Err(Error::type_error(who, kind, v));
        }
    }
    if let Some(param) = port_parameter(ctx, name) {
        gc_arena::barrier::unlock!(Gc::write(ctx.mc, param), Parameter, value).set(v);
    }
    Ok(Value::Unspecified)
}

/// `(set-current-input-port! p)` ;; `(set-current-input-port! (open-input-string "x"))`
fn set_current_input_port<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    set_current(
        ctx,
        "set-current-input-port!",
        "current-input-port",
        true,
        a[0],
    )
}

/// `(set-current-output-port! p)` ;; `(set-current-output-port! (open-output-string))`
fn set_current_output_port<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    set_current(
        ctx,
        "set-current-output-port!",
        "current-output-port",
        false,
        a[0],
    )
}

/// `(set-current-error-port! p)` ;; `(set-current-error-port! (open-output-string))`
fn set_current_error_port<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    set_current(
        ctx,
        "set-current-error-port!",
        "current-error-port",
        false,
        a[0],
    )
}

/// `(current-output-port)` placeholder until [`install_ports`] runs.
fn placeholder_port<'gc>(_ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Unspecified)
}

/// The port-wide builtins.
pub static NATIVES: &[eta_vm::Native] = natives![
    "current-output-port", 0, Some(0), Simple(placeholder_port);
    "current-error-port", 0, Some(0), Simple(placeholder_port);
    "current-input-port", 0, Some(0), Simple(placeholder_port);
    "port?", 1, Some(1), Simple(is_port);
    "input-port?", 1, Some(1), Simple(is_input_port);
    "output-port?", 1, Some(1), Simple(is_output_port);
    "textual-port?", 1, Some(1), Simple(is_textual_port);
    "binary-port?", 1, Some(1), Simple(is_binary_port);
    "input-port-open?", 1, Some(1), Simple(input_port_open);
    "output-port-open?", 1, Some(1), Simple(output_port_open);
    "close-port", 1, Some(1), Simple(close_port);
    "close-input-port", 1, Some(1), Simple(close_input_port);
    "close-output-port", 1, Some(1), Simple(close_output_port);
    "set-current-input-port!", 1, Some(1), Simple(set_current_input_port);
    "set-current-output-port!", 1, Some(1), Simple(set_current_output_port);
    "set-current-error-port!", 1, Some(1), Simple(set_current_error_port);
];
