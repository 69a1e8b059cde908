//! Evaluation and loading (spec §10.11): `eval`, `environment`,
//! `interaction-environment` and `load`. Compilation happens inside the running VM; the
//! compiled units are then run by the prelude's `%run-thunks` as an ordinary tail call.

use crate::args;
use eta_compiler::{CompileError, CompileErrorKind, Span, Unit};
use eta_vm::loader::load_proto;
use eta_vm::value_datum::value_to_datum;
use eta_vm::{natives, tags, Action, Closure, Ctx, Error, ForeignObj, Gc, NResult, Value};

type CResult<'gc> = Result<Action<'gc>, Error<'gc>>;

/// A runtime environment: a global scope registered with the linker.
pub struct EnvObj(pub u32);

impl eta_vm::Foreign for EnvObj {
    fn kind_name(&self) -> &'static str {
        "environment"
    }
    fn print(&self) -> String {
        "#<environment>".into()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn env_value<'gc>(ctx: &mut Ctx<'_, 'gc>, id: u32) -> Value<'gc> {
    Value::Foreign(Gc::new(ctx.mc, ForeignObj(Box::new(EnvObj(id)))))
}

fn env_id<'gc>(who: &str, v: Value<'gc>) -> Result<u32, Error<'gc>> {
    match v {
        Value::Foreign(f) => match f.0.as_any().downcast_ref::<EnvObj>() {
            Some(e) => Ok(e.0),
            None => Err(Error::type_error(who, "environment", v)),
        },
        _ => Err(Error::type_error(who, "environment", v)),
    }
}

/// Turns a compile error into the runtime error `eval`/`load` raise.
fn compile_error<'gc>(who: &str, e: CompileError) -> Error<'gc> {
    let tag = if e.kind == CompileErrorKind::Read {
        tags::READ
    } else {
        tags::SYNTAX
    };
    Error::new(tag, format!("{who}: {}", e.message))
}

/// Loads compiled units and asks the VM to run them in order; the value is the last
/// unit's value, or `then` when given.
fn run_units<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    units: Vec<Unit>,
    then: Option<Value<'gc>>,
) -> CResult<'gc> {
    let n = ctx.st.host.linker.global_count();
    if ctx.st.globals.len() < n {
        ctx.st.globals.resize(n, Value::Undefined);
    }
    if units.is_empty() {
        return Ok(Action::Return(then.unwrap_or(Value::Unspecified)));
    }
    let mut thunks = Vec::with_capacity(units.len());
    for u in &units {
        let po = load_proto(ctx, &u.proto)
            .map_err(|e| Error::new(tags::INTERNAL, format!("invalid bytecode: {e}")))?;
        thunks.push(Value::Closure(Gc::new(
            ctx.mc,
            Closure {
                proto: po,
                upvals: Box::new([]),
            },
        )));
    }
    let list = Value::list(ctx.mc, thunks.into_iter());
    let name = if then.is_some() {
        "%run-thunks-then"
    } else {
        "%run-thunks"
    };
    let runner = ctx
        .st
        .builtin(name)
        .ok_or_else(|| Error::new(tags::INTERNAL, format!("{name} is missing")))?;
    let mut args = vec![list];
    args.extend(then);
    Ok(Action::TailCall(runner, args))
}

/// `(%environment id)`: the environment object of a registered scope.
fn environment_ref<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let id = args::index("interaction-environment", a[0])? as u32;
    Ok(env_value(ctx, id))
}

/// `(interaction-environment)` when called without a known caller (e.g. through `apply`):
/// the environment of the entry program.
fn interaction_environment<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    let scope = ctx.st.host.linker.new_script_scope();
    let id = ctx.st.host.linker.register_env(&scope);
    Ok(env_value(ctx, id))
}

/// `(eval expr [env])` ;; `(eval '(+ 1 2) (environment))` => 3
fn eval<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> CResult<'gc> {
    let id = match a.get(1) {
        Some(v) => env_id("eval", *v)?,
        None => {
            let scope = ctx.st.host.linker.new_script_scope();
            ctx.st.host.linker.register_env(&scope)
        }
    };
    let datum = value_to_datum(a[0], Span::DUMMY)
        .map_err(|m| Error::new(tags::SYNTAX, format!("eval: {m}")))?;
    let scope = ctx
        .st
        .host
        .linker
        .env(id)
        .ok_or_else(|| Error::new(tags::INTERNAL, "eval: unknown environment"))?;
    let units = ctx
        .st
        .host
        .linker
        .compile_in_scope(vec![datum], &scope)
        .map_err(|e| compile_error("eval", e))?;
    run_units(ctx, units, None)
}

/// `(environment spec ...)` ;; `(environment '(only std.math pi))`
fn environment<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> CResult<'gc> {
    let mut specs = Vec::new();
    for v in a {
        specs.push(
            value_to_datum(*v, Span::DUMMY)
                .map_err(|m| Error::new(tags::SYNTAX, format!("environment: {m}")))?,
        );
    }
    let linker = &mut ctx.st.host.linker;
    let scope = linker.new_script_scope();
    linker.pending.clear();
    eta_compiler::expand::toplevel::import_into(linker, &scope, &specs, false)
        .map_err(|e| compile_error("environment", e))?;
    // Modules loaded for the imports run before the environment is returned.
    let pending = std::mem::take(&mut linker.pending);
    let id = linker.register_env(&scope);
    let env = env_value(ctx, id);
    run_units(ctx, pending, Some(env))
}

/// `(load path [env])` ;; `(load "helpers.eta")`
fn load<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> CResult<'gc> {
    let path = args::string("load", a[0])?;
    let id = match a.get(1) {
        Some(v) => env_id("load", *v)?,
        None => {
            let scope = ctx.st.host.linker.new_script_scope();
            ctx.st.host.linker.register_env(&scope)
        }
    };
    let text = std::fs::read(&path)
        .map_err(|e| Error::new(tags::FILE, format!("load: {path}: {}", os_message(&e))))?;
    let text = String::from_utf8(text).map_err(|e| {
        Error::new(
            tags::READ,
            format!(
                "load: {path}: invalid UTF-8 at byte {}",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    let linker = &mut ctx.st.host.linker;
    let dir = std::path::Path::new(&path)
        .parent()
        .map(|p| p.to_path_buf());
    let file = linker.add_source(&path, &text, dir);
    let text = linker
        .sources
        .get(file)
        .map(|f| f.text.clone())
        .unwrap_or_default();
    let forms = eta_compiler::read_all(&text, file).map_err(|e| compile_error("load", e.into()))?;
    let scope = linker
        .env(id)
        .ok_or_else(|| Error::new(tags::INTERNAL, "load: unknown environment"))?;
    let units = linker
        .compile_in_scope(forms, &scope)
        .map_err(|e| compile_error("load", e))?;
    run_units(ctx, units, None)
}

/// The OS error text without Rust's "(os error N)" suffix.
pub fn os_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// The evaluation builtins.
pub static NATIVES: &[eta_vm::Native] = natives![
    "%environment", 1, Some(1), Simple(environment_ref);
    "interaction-environment", 0, Some(0), Simple(interaction_environment);
    "eval", 1, Some(2), Control(eval);
    "environment", 0, None, Control(environment);
    "load", 1, Some(2), Control(load);
];
