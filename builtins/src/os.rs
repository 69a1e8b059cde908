//! Operating system and files (spec §10.13): environment variables, the command line,
//! the working directory, files and directories, lexical path operations, temporary
//! files; plus `platform`, `features` and `thread-sleep!` (§10.8). Failures of the
//! operating system raise *runtime.file-error* as `NAME: PATH: OS-MESSAGE`.

use crate::io::files::{file_error, path_arg};
use eta_vm::{natives, Ctx, Error, NResult, Value};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A list of fresh strings.
fn string_list<'gc, S: AsRef<str>>(ctx: &mut Ctx<'_, 'gc>, items: &[S]) -> Value<'gc> {
    let values: Vec<Value<'gc>> = items
        .iter()
        .map(|s| Value::string(ctx.mc, s.as_ref()))
        .collect();
    Value::list(ctx.mc, values.into_iter())
}

/// Names the process environment can hold: non-empty, without `=` or NUL.
fn valid_env_name(name: &str) -> bool {
    !name.is_empty() && !name.contains('=') && !name.contains('\0')
}

fn getenv_as<'gc>(ctx: &mut Ctx<'_, 'gc>, who: &str, v: Value<'gc>) -> NResult<'gc> {
    let name = crate::args::string(who, v)?;
    if !valid_env_name(&name) {
        return Ok(Value::Bool(false));
    }
    Ok(match std::env::var_os(&name) {
        Some(val) => Value::string(ctx.mc, &val.to_string_lossy()),
        None => Value::Bool(false),
    })
}

/// `(getenv name)` ;; `(getenv "HOME")` => "/home/me"
fn getenv<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    getenv_as(ctx, "getenv", a[0])
}

/// `(get-environment-variable name)` ;; `(get-environment-variable "NOPE")` => #f
fn get_environment_variable<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    getenv_as(ctx, "get-environment-variable", a[0])
}

fn env_name_arg<'gc>(who: &str, v: Value<'gc>) -> Result<String, Error<'gc>> {
    let name = crate::args::string(who, v)?;
    if valid_env_name(&name) {
        Ok(name)
    } else {
        Err(Error::type_error(who, "environment variable name", v))
    }
}

/// `(setenv! name value)` ;; `(setenv! "MODE" "fast")`
fn setenv<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let name = env_name_arg("setenv!", a[0])?;
    let value = crate::args::string("setenv!", a[1])?;
    if value.contains('\0') {
        return Err(Error::type_error("setenv!", "string without NUL", a[1]));
    }
    std::env::set_var(name, value);
    Ok(Value::Unspecified)
}

/// `(unsetenv! name)` ;; `(unsetenv! "MODE")`
fn unsetenv<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let name = env_name_arg("unsetenv!", a[0])?;
    std::env::remove_var(name);
    Ok(Value::Unspecified)
}

/// `(environment-variables)` ;; => (("HOME" . "/home/me") ...) sorted by name
fn environment_variables<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    let mut vars: Vec<(String, String)> = std::env::vars_os()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .collect();
    vars.sort();
    let pairs: Vec<Value<'gc>> = vars
        .iter()
        .map(|(k, v)| {
            let k = Value::string(ctx.mc, k);
            let v = Value::string(ctx.mc, v);
            Value::cons(ctx.mc, k, v)
        })
        .collect();
    Ok(Value::list(ctx.mc, pairs.into_iter()))
}

/// `(command-line-arguments)` ;; `etai s.eta a b` => ("a" "b")
fn command_line_arguments<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    let args = ctx.st.host.args.clone();
    Ok(string_list(ctx, &args))
}

/// `(command-line)` ;; `etai s.eta a b` => ("s.eta" "a" "b")
fn command_line<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    let mut all = vec![ctx.st.host.program.clone()];
    all.extend(ctx.st.host.args.iter().cloned());
    Ok(string_list(ctx, &all))
}

/// `(current-directory)` ;; => "/home/me/project"
fn current_directory<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    let dir = std::env::current_dir().map_err(|e| file_error("current-directory", ".", &e))?;
    Ok(Value::string(ctx.mc, &dir.to_string_lossy()))
}

/// `(change-directory! path)` ;; `(change-directory! "/tmp")`
fn change_directory<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let who = "change-directory!";
    let path = path_arg(who, a[0])?;
    std::env::set_current_dir(&path).map_err(|e| file_error(who, &path, &e))?;
    Ok(Value::Unspecified)
}

/// `(file-exists? path)` ;; `(file-exists? "/")` => #t
fn file_exists<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let path = path_arg("file-exists?", a[0])?;
    Ok(Value::Bool(Path::new(&path).exists()))
}

/// `(directory? path)` ;; `(directory? "/")` => #t
fn is_directory<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let path = path_arg("directory?", a[0])?;
    Ok(Value::Bool(Path::new(&path).is_dir()))
}

/// `(delete-file path)` ;; `(delete-file "old.txt")`
fn delete_file<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let who = "delete-file";
    let path = path_arg(who, a[0])?;
    std::fs::remove_file(&path).map_err(|e| file_error(who, &path, &e))?;
    Ok(Value::Unspecified)
}

/// `(make-directory path)` ;; `(make-directory "out/logs")` creates missing parents too
fn make_directory<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let who = "make-directory";
    let path = path_arg(who, a[0])?;
    std::fs::create_dir_all(&path).map_err(|e| file_error(who, &path, &e))?;
    Ok(Value::Unspecified)
}

/// `(list-directory path)` ;; `(list-directory "src")` => ("lib.rs" "main.rs")
fn list_directory<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let who = "list-directory";
    let path = path_arg(who, a[0])?;
    let fail = |e: std::io::Error| file_error(who, &path, &e);
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&path).map_err(fail)? {
        let entry = entry.map_err(fail)?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(string_list(ctx, &names))
}

/// `(path-join part ...)` ;; `(path-join "a" "b/" "c")` => "a/b/c"
///
/// Parts are joined with single `/` separators; empty parts are skipped and an
/// absolute part (starting with `/`) starts the path afresh, as in C++'s
/// `std::filesystem::path::operator/`: `(path-join "a" "/b")` => "/b".
fn path_join<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let mut out = String::new();
    for v in a {
        let part = path_arg("path-join", *v)?;
        if part.is_empty() {
            continue;
        }
        if part.starts_with('/') {
            out.clear();
        } else if !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.push_str(&part);
    }
    Ok(Value::string(ctx.mc, &out))
}

/// `(path-split path)` ;; `(path-split "/usr/local/bin")` => ("/" "usr" "local" "bin")
fn path_split<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let path = path_arg("path-split", a[0])?;
    let mut parts: Vec<&str> = Vec::new();
    if path.starts_with('/') {
        parts.push("/");
    }
    parts.extend(path.split('/').filter(|s| !s.is_empty()));
    Ok(string_list(ctx, &parts))
}

/// Lexical normalisation: drops `.` and empty components, resolves `..` against the
/// preceding component (above the root it vanishes; at the start of a relative path it
/// stays); an empty relative result is `.`.
fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if absolute => {}
                _ => parts.push(".."),
            },
            c => parts.push(c),
        }
    }
    let body = parts.join("/");
    if absolute {
        format!("/{body}")
    } else if body.is_empty() {
        ".".to_string()
    } else {
        body
    }
}

/// `(path-normalize path)` ;; `(path-normalize "a/./b/../c")` => "a/c"
fn path_normalize<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let path = path_arg("path-normalize", a[0])?;
    Ok(Value::string(ctx.mc, &normalize(&path)))
}

/// A name no other call in this process has produced: pid, time and a counter.
fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("eta-{}-{nanos:x}-{n}", std::process::id())
}

/// Creates a fresh entry under the temporary directory with `create`, retrying on name
/// clashes with other processes.
fn make_temp<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    who: &str,
    create: impl Fn(&Path) -> std::io::Result<()>,
) -> NResult<'gc> {
    let dir = std::env::temp_dir();
    let mut attempts = 0;
    loop {
        let path = dir.join(unique_name());
        match create(&path) {
            Ok(()) => return Ok(Value::string(ctx.mc, &path.to_string_lossy())),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempts < 100 => {
                attempts += 1;
            }
            Err(e) => return Err(file_error(who, &dir.to_string_lossy(), &e)),
        }
    }
}

/// `(temp-file)` ;; => "/tmp/eta-4242-1f3a-0", a new empty file
fn temp_file<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    make_temp(ctx, "temp-file", |p| {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(p)
            .map(drop)
    })
}

/// `(temp-directory)` ;; => "/tmp/eta-4242-1f3a-1", a new empty directory
fn temp_directory<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    make_temp(ctx, "temp-directory", |p| std::fs::create_dir(p))
}

/// The path argument and its metadata (symbolic links followed).
fn metadata<'gc>(who: &str, v: Value<'gc>) -> Result<(String, std::fs::Metadata), Error<'gc>> {
    let path = path_arg(who, v)?;
    let meta = std::fs::metadata(&path).map_err(|e| file_error(who, &path, &e))?;
    Ok((path, meta))
}

/// `(file-modification-time path)` ;; => 1700000000000 (ms since the epoch)
fn file_modification_time<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let who = "file-modification-time";
    let (path, meta) = metadata(who, a[0])?;
    let modified = meta.modified().map_err(|e| file_error(who, &path, &e))?;
    let ms = match modified.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    };
    Ok(Value::Int(ms))
}

/// `(file-size path)` ;; `(file-size "empty.txt")` => 0
fn file_size<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let (_, meta) = metadata("file-size", a[0])?;
    Ok(Value::integer(ctx.mc, meta.len().into()))
}

/// `(platform)` ;; => Linux
fn platform<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    let name = if cfg!(target_os = "linux") {
        "Linux"
    } else if cfg!(target_os = "macos") {
        "Darwin"
    } else if cfg!(windows) {
        "Win32"
    } else {
        "Unknown"
    };
    Ok(ctx.sym(name))
}

/// The feature identifiers of this build (spec §10.8).
pub fn feature_names() -> Vec<&'static str> {
    let mut f = vec!["r7rs", "ieee-float", "full-unicode"];
    if cfg!(unix) {
        f.extend(["posix", "unix"]);
    }
    if cfg!(target_os = "linux") {
        f.push("linux");
    } else if cfg!(target_os = "macos") {
        f.push("darwin");
    }
    if cfg!(target_arch = "x86_64") {
        f.push("x86-64");
    } else if cfg!(target_arch = "aarch64") {
        f.push("aarch64");
    }
    f.push(if cfg!(target_endian = "little") {
        "little-endian"
    } else {
        "big-endian"
    });
    f.extend(["etai", "eta", "nng"]);
    f
}

/// `(features)` ;; => (r7rs ieee-float full-unicode posix unix linux x86-64 ...)
fn features<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    let syms: Vec<Value<'gc>> = feature_names().into_iter().map(|f| ctx.sym(f)).collect();
    Ok(Value::list(ctx.mc, syms.into_iter()))
}

/// `(thread-sleep! ms)` ;; `(thread-sleep! 10)` sleeps 10 milliseconds
fn thread_sleep<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let who = "thread-sleep!";
    let ms = match a[0] {
        Value::Int(n) if n >= 0 => n as f64,
        Value::Float(x) if x >= 0.0 && x.is_finite() => x,
        v @ (Value::Int(_) | Value::Float(_) | Value::Big(_)) => {
            return Err(crate::time::out_of_range(who, v))
        }
        v => return Err(Error::type_error(who, "non-negative real", v)),
    };
    crate::time::sleep_ms(ctx, ms);
    Ok(Value::Unspecified)
}

/// The OS and file builtins.
pub static NATIVES: &[eta_vm::Native] = natives![
    "getenv", 1, Some(1), Simple(getenv);
    "get-environment-variable", 1, Some(1), Simple(get_environment_variable);
    "setenv!", 2, Some(2), Simple(setenv);
    "unsetenv!", 1, Some(1), Simple(unsetenv);
    "environment-variables", 0, Some(0), Simple(environment_variables);
    "get-environment-variables", 0, Some(0), Simple(environment_variables);
    "command-line-arguments", 0, Some(0), Simple(command_line_arguments);
    "command-line", 0, Some(0), Simple(command_line);
    "current-directory", 0, Some(0), Simple(current_directory);
    "change-directory!", 1, Some(1), Simple(change_directory);
    "file-exists?", 1, Some(1), Simple(file_exists);
    "directory?", 1, Some(1), Simple(is_directory);
    "delete-file", 1, Some(1), Simple(delete_file);
    "make-directory", 1, Some(1), Simple(make_directory);
    "list-directory", 1, Some(1), Simple(list_directory);
    "path-join", 0, None, Simple(path_join);
    "path-split", 1, Some(1), Simple(path_split);
    "path-normalize", 1, Some(1), Simple(path_normalize);
    "temp-file", 0, Some(0), Simple(temp_file);
    "temp-directory", 0, Some(0), Simple(temp_directory);
    "file-modification-time", 1, Some(1), Simple(file_modification_time);
    "file-size", 1, Some(1), Simple(file_size);
    "platform", 0, Some(0), Simple(platform);
    "features", 0, Some(0), Simple(features);
    "thread-sleep!", 1, Some(1), Simple(thread_sleep);
];
