//! File ports (spec §10.12) and the `F` error convention shared with the OS builtins:
//! *runtime.file-error* with the message `NAME: PATH: OS-MESSAGE`. Input files are read
//! whole when opened; output files are buffered and registered with the host so that
//! `exit` flushes them.

use eta_vm::{natives, tags, BytesIn, Ctx, Error, NResult, Port, PortData, TextIn, Value};
use std::io::BufWriter;
use std::sync::{Arc, Mutex};

/// The operating system's message for an I/O error, without Rust's ` (os error N)`
/// suffix: `No such file or directory`.
pub fn os_message(e: &std::io::Error) -> String {
    let text = e.to_string();
    match (e.raw_os_error(), text.rfind(" (os error ")) {
        (Some(_), Some(i)) => text[..i].to_string(),
        _ => text,
    }
}

/// `NAME: PATH: OS-MESSAGE` with tag *runtime.file-error*.
pub fn file_error<'gc>(who: &str, path: &str, e: &std::io::Error) -> Error<'gc> {
    Error::new(tags::FILE, format!("{who}: {path}: {}", os_message(e)))
}

/// A path argument.
pub fn path_arg<'gc>(who: &str, v: Value<'gc>) -> Result<String, Error<'gc>> {
    crate::args::string(who, v)
}

/// The printed name of a file port: the path as a string literal (`"log.txt"`).
fn port_name(path: &str) -> String {
    let mut out = String::new();
    eta_vm::printer::write_string_literal(&mut out, path);
    out
}

fn read_file<'gc>(who: &str, path: &str) -> Result<Vec<u8>, Error<'gc>> {
    std::fs::read(path).map_err(|e| file_error(who, path, &e))
}

/// `(open-input-file path)` ;; `(read-line (open-input-file "notes.txt"))`
fn open_input_file<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let who = "open-input-file";
    let path = path_arg(who, a[0])?;
    let bytes = read_file(who, &path)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        Error::new(
            tags::FILE,
            format!("{who}: {path}: invalid UTF-8 at byte {offset}"),
        )
    })?;
    let data = PortData::StringIn(TextIn::new(text));
    Ok(Port::new_value(ctx.mc, data, true, true, &port_name(&path)))
}

/// `(open-binary-input-file path)` ;; `(read-u8 (open-binary-input-file "img.png"))`
fn open_binary_input_file<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let who = "open-binary-input-file";
    let path = path_arg(who, a[0])?;
    let data = read_file(who, &path)?;
    let data = PortData::BytesIn(BytesIn { data, pos: 0 });
    Ok(Port::new_value(
        ctx.mc,
        data,
        true,
        false,
        &port_name(&path),
    ))
}

/// Creates (or truncates) `path` and wraps it in an output port.
fn open_output<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    who: &str,
    v: Value<'gc>,
    textual: bool,
) -> NResult<'gc> {
    let path = path_arg(who, v)?;
    let file = std::fs::File::create(&path).map_err(|e| file_error(who, &path, &e))?;
    let sink = Arc::new(Mutex::new(BufWriter::new(file)));
    ctx.st.host.register_file(&sink);
    let data = PortData::FileOut(sink);
    Ok(Port::new_value(
        ctx.mc,
        data,
        false,
        textual,
        &port_name(&path),
    ))
}

/// `(open-output-file path)` ;; `(display "hi" (open-output-file "out.txt"))`
fn open_output_file<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    open_output(ctx, "open-output-file", a[0], true)
}

/// `(open-binary-output-file path)` ;; `(write-u8 1 (open-binary-output-file "b.bin"))`
fn open_binary_output_file<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    open_output(ctx, "open-binary-output-file", a[0], false)
}

/// The file port builtins.
pub static NATIVES: &[eta_vm::Native] = natives![
    "open-input-file", 1, Some(1), Simple(open_input_file);
    "open-binary-input-file", 1, Some(1), Simple(open_binary_input_file);
    "open-output-file", 1, Some(1), Simple(open_output_file);
    "open-binary-output-file", 1, Some(1), Simple(open_binary_output_file);
];
