//! Builtins that need the VM's internals: `apply`, `values`, continuations, the dynamic
//! state used by `dynamic-wind` and the exception system, conditions, `error`, `exit`,
//! parameters and promises. The prelude (Eta code in the builtins crate) builds the
//! user-facing procedures on top of the `%`-prefixed ones.

use crate::closure::{Native, Parameter, Promise};
use crate::condition::{tag_matches, Condition, ErrorInfo};
use crate::error::{tags, Error, NResult, RuntimeError};
use crate::interp::{tagged_condition, Action, Ctx};
use crate::value::Value;
use gc_arena::{Gc, Lock};

type CResult<'gc> = Result<Action<'gc>, Error<'gc>>;

/// Collects a proper list argument or fails with a type error naming `who`.
pub fn list_arg<'gc>(who: &str, v: Value<'gc>) -> Result<Vec<Value<'gc>>, Error<'gc>> {
    v.list_to_vec()
        .ok_or_else(|| Error::type_error(who, "proper list", v))
}

/// `(apply proc arg ... list)` ;; `(apply + 1 '(2 3))` => 6
fn apply<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> CResult<'gc> {
    let f = args[0];
    if !f.is_procedure() {
        return Err(Error::type_error("apply", "procedure", f));
    }
    let mut all: Vec<Value<'gc>> = args[1..args.len() - 1].to_vec();
    all.extend(list_arg("apply", args[args.len() - 1])?);
    Ok(Action::TailCall(f, all))
}

/// `(values obj ...)` ;; `(call-with-values (lambda () (values 1 2)) +)` => 3
fn values<'gc>(ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    if args.len() == 1 {
        Ok(args[0])
    } else {
        Ok(Value::Values(Gc::new(ctx.mc, args.to_vec())))
    }
}

/// `(%apply-values consumer v)`: calls `consumer` with the values in `v`.
fn apply_values<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> CResult<'gc> {
    let f = args[0];
    if !f.is_procedure() {
        return Err(Error::type_error("call-with-values", "procedure", f));
    }
    let vals = match args[1] {
        Value::Values(vs) => vs.to_vec(),
        v => vec![v],
    };
    Ok(Action::TailCall(f, vals))
}

/// `(%call/cc proc)`: calls `proc` with the raw current continuation.
fn call_cc<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> CResult<'gc> {
    if !args[0].is_procedure() {
        return Err(Error::type_error("call/cc", "procedure", args[0]));
    }
    Ok(Action::CallCC(args[0]))
}

/// `(%call/ec proc)`: calls `proc` with an escape-only continuation (cheap: no copy).
fn call_ec<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> CResult<'gc> {
    if !args[0].is_procedure() {
        return Err(Error::type_error("call/ec", "procedure", args[0]));
    }
    Ok(Action::CallEC(args[0]))
}

/// `(%throw k vals)`: restores continuation `k` with the values in list `vals`.
fn throw<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> CResult<'gc> {
    match args[0] {
        Value::Continuation(k) => Ok(Action::Throw(k, list_arg("%throw", args[1])?)),
        v => Err(Error::type_error("%throw", "continuation", v)),
    }
}

/// `(%continuation-winders k)`.
fn continuation_winders<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    match args[0] {
        Value::Continuation(k) => Ok(k.winders),
        v => Err(Error::type_error(
            "%continuation-winders",
            "continuation",
            v,
        )),
    }
}

fn winders<'gc>(ctx: &mut Ctx<'_, 'gc>, _args: &[Value<'gc>]) -> NResult<'gc> {
    Ok(ctx.st.winders)
}

fn set_winders<'gc>(ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    ctx.st.winders = args[0];
    Ok(Value::Unspecified)
}

fn handlers<'gc>(ctx: &mut Ctx<'_, 'gc>, _args: &[Value<'gc>]) -> NResult<'gc> {
    Ok(ctx.st.handlers)
}

fn set_handlers<'gc>(ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    ctx.st.handlers = args[0];
    Ok(Value::Unspecified)
}

/// `(%uncaught obj)`: ends the run with an unhandled raise.
fn uncaught<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> CResult<'gc> {
    Ok(Action::Uncaught(args[0]))
}

/// `(%make-tagged tag payload)`: the condition of `(raise 'tag payload)`.
fn make_tagged<'gc>(ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    match args[0] {
        Value::Sym(s) => {
            let name = s.name().to_string();
            Ok(tagged_condition(ctx, &name, args[1]))
        }
        v => Err(Error::type_error("raise", "symbol", v)),
    }
}

/// `(raise obj)` / `(raise 'tag payload)` ;; `(catch 'oops (raise 'oops 42))` => 42
/// Calls the prelude's `%raise-in` with the current handlers, keeping the caller's frame
/// (a tagged raise reports the location of the `raise` call).
fn raise<'gc>(ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> CResult<'gc> {
    let obj = if args.len() == 2 {
        match args[0] {
            Value::Sym(s) => {
                let name = s.name().to_string();
                tagged_condition(ctx, &name, args[1])
            }
            v => return Err(Error::type_error("raise", "symbol", v)),
        }
    } else {
        args[0]
    };
    match ctx.st.builtin("%raise-in") {
        Some(f @ Value::Closure(_)) => Ok(Action::Call(
            f,
            vec![ctx.st.handlers, obj, Value::Bool(false)],
        )),
        _ => Ok(Action::Uncaught(obj)),
    }
}

/// `(%secondary-error)`: the error raised when a handler returns from `raise`.
fn secondary_error<'gc>(_ctx: &mut Ctx<'_, 'gc>, _args: &[Value<'gc>]) -> NResult<'gc> {
    Err(Error::new(
        tags::USER,
        "exception handler returned from a non-continuable raise",
    ))
}

/// `(error message irritant ...)` ;; `(error "boom" 1)` raises "boom 1"
fn error<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    let message = match args[0] {
        Value::Str(s) => s.text.borrow().as_str().to_string(),
        v => crate::printer::write_string(v),
    };
    Err(Error::Runtime(Box::new(RuntimeError {
        tag: tags::USER,
        message,
        irritants: args[1..].to_vec(),
        short: None,
        user: true,
    })))
}

/// `(%catch-match? tag obj)`: does a `catch` with `tag` (or `#f` for tagless) catch `obj`?
fn catch_match<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    let tag = match args[0] {
        Value::Bool(false) => return Ok(Value::Bool(true)),
        Value::Sym(s) => s,
        v => return Err(Error::type_error("catch", "symbol", v)),
    };
    Ok(Value::Bool(match args[1] {
        Value::Condition(c) => tag_matches(tag.name(), c.tag.name()),
        _ => false,
    }))
}

/// `(%catch-payload obj)`: what `catch` returns for a raised object.
fn catch_payload<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    Ok(match args[0] {
        Value::Condition(c) => c.payload,
        v => v,
    })
}

fn condition_arg<'gc>(who: &str, v: Value<'gc>) -> Result<Gc<'gc, Condition<'gc>>, Error<'gc>> {
    match v {
        Value::Condition(c) => Ok(c),
        v => Err(Error::type_error(who, "condition", v)),
    }
}

fn error_info<'a, 'gc>(who: &str, v: &'a Value<'gc>) -> Result<&'a ErrorInfo<'gc>, Error<'gc>> {
    match v {
        Value::Condition(c) => match &c.error {
            Some(i) => Ok(i),
            None => Err(Error::type_error(who, "error object", *v)),
        },
        v => Err(Error::type_error(who, "error object", *v)),
    }
}

/// `(condition? x)`
fn is_condition<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(matches!(args[0], Value::Condition(_))))
}

/// `(condition-tag c)` ;; => runtime.type-error
fn condition_tag<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Sym(condition_arg("condition-tag", args[0])?.tag))
}

/// `(condition-payload c)`
fn condition_payload<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    Ok(condition_arg("condition-payload", args[0])?.payload)
}

/// `(condition-location c)` ;; => ("file.eta" 3 7) or #f
fn condition_location<'gc>(ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    let c = condition_arg("condition-location", args[0])?;
    let Some(span) = c.error.as_ref().and_then(|i| i.span) else {
        return Ok(Value::Bool(false));
    };
    if span.is_dummy() {
        return Ok(Value::Bool(false));
    }
    let name = ctx.st.host.linker.sources.name(span.file).to_string();
    let file = Value::string(ctx.mc, &name);
    Ok(Value::list(
        ctx.mc,
        [
            file,
            Value::Int(span.start.line as i64),
            Value::Int(span.start.col as i64),
        ]
        .into_iter(),
    ))
}

/// `(error-object? x)`
fn is_error_object<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(
        matches!(args[0], Value::Condition(c) if c.error.is_some()),
    ))
}

/// `(error-object-message e)` ;; => "boom"
fn error_object_message<'gc>(ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    let info = error_info("error-object-message", &args[0])?;
    let m = info.message.clone();
    Ok(Value::string(ctx.mc, &m))
}

/// `(error-object-irritants e)` ;; => (1 2)
fn error_object_irritants<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    Ok(error_info("error-object-irritants", &args[0])?.irritants)
}

fn has_tag(v: Value<'_>, tag: &str) -> bool {
    matches!(v, Value::Condition(c) if c.error.is_some() && c.tag.name() == tag)
}

/// `(read-error? x)`
fn is_read_error<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(has_tag(args[0], tags::READ)))
}

/// `(file-error? x)`
fn is_file_error<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(has_tag(args[0], tags::FILE)))
}

/// Exit status for `(exit obj)` per spec §9.6.
pub fn exit_status(v: Option<Value<'_>>) -> i32 {
    match v {
        None | Some(Value::Bool(true)) => 0,
        Some(Value::Bool(false)) => 1,
        Some(Value::Int(n)) => n.rem_euclid(256) as i32,
        Some(Value::Big(b)) => {
            use num_traits::ToPrimitive;
            (&*b % 256u32)
                .to_i32()
                .map(|n| n.rem_euclid(256))
                .unwrap_or(0)
        }
        Some(_) => 0,
    }
}

/// `(%exit [obj])`: ends the program (after-thunks are run by the prelude's `exit`).
fn exit<'gc>(ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> CResult<'gc> {
    ctx.st.host.flush_all();
    Ok(Action::Exit(exit_status(args.first().copied())))
}

/// `(procedure? x)`
fn is_procedure<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(args[0].is_procedure()))
}

/// `(%make-parameter value converter)`: the converter has already been applied.
fn make_parameter<'gc>(ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Parameter(Gc::new(
        ctx.mc,
        Parameter {
            value: Lock::new(args[0]),
            converter: args[1],
            name: None,
        },
    )))
}

fn param_arg<'gc>(who: &str, v: Value<'gc>) -> Result<Gc<'gc, Parameter<'gc>>, Error<'gc>> {
    match v {
        Value::Parameter(p) => Ok(p),
        v => Err(Error::type_error(who, "parameter", v)),
    }
}

/// `(%parameter-converter p)`
fn parameter_converter<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    Ok(param_arg("parameterize", args[0])?.converter)
}

/// `(%parameter-set! p v)`
fn parameter_set<'gc>(ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    let p = param_arg("parameterize", args[0])?;
    gc_arena::barrier::unlock!(Gc::write(ctx.mc, p), Parameter, value).set(args[1]);
    Ok(Value::Unspecified)
}

/// `(%make-promise done? value)`
fn make_promise_raw<'gc>(ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    let state = Value::cons(ctx.mc, args[0], args[1]);
    Ok(Value::Promise(Gc::new(
        ctx.mc,
        Promise {
            state: Lock::new(state),
        },
    )))
}

/// `(promise? x)`
fn is_promise<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(matches!(args[0], Value::Promise(_))))
}

/// `(%promise-state p)`: the shared `(done . value)` cell.
fn promise_state<'gc>(_ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    match args[0] {
        Value::Promise(p) => Ok(p.state.get()),
        v => Err(Error::type_error("force", "promise", v)),
    }
}

/// `(%promise-set-state! p cell)`
fn promise_set_state<'gc>(ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    match args[0] {
        Value::Promise(p) => {
            gc_arena::barrier::unlock!(Gc::write(ctx.mc, p), Promise, state).set(args[1]);
            Ok(Value::Unspecified)
        }
        v => Err(Error::type_error("force", "promise", v)),
    }
}

/// `(%values->list v)`: the values of a multiple-values object as a list.
fn values_to_list<'gc>(ctx: &mut Ctx<'_, 'gc>, args: &[Value<'gc>]) -> NResult<'gc> {
    Ok(match args[0] {
        Value::Values(vs) => Value::list(ctx.mc, vs.iter().copied()),
        v => Value::list(ctx.mc, std::iter::once(v)),
    })
}

#[macro_export]
/// Declares a static table of builtins: `"name", min, max, Simple(f);` per line.
macro_rules! natives {
    ($($name:literal, $min:expr, $max:expr, $kind:ident($f:expr);)*) => {
        &[$($crate::closure::Native { name: $name, min: $min, max: $max, func: $crate::closure::NativeFn::$kind($f) },)*]
    };
}

/// The VM's own builtins.
pub static VM_NATIVES: &[Native] = natives![
    "apply", 2, None, Control(apply);
    "values", 0, None, Simple(values);
    "%apply-values", 2, Some(2), Control(apply_values);
    "%call/cc", 1, Some(1), Control(call_cc);
    "%call/ec", 1, Some(1), Control(call_ec);
    "%throw", 2, Some(2), Control(throw);
    "%continuation-winders", 1, Some(1), Simple(continuation_winders);
    "%winders", 0, Some(0), Simple(winders);
    "%set-winders!", 1, Some(1), Simple(set_winders);
    "%handlers", 0, Some(0), Simple(handlers);
    "%set-handlers!", 1, Some(1), Simple(set_handlers);
    "%uncaught", 1, Some(1), Control(uncaught);
    "%make-tagged", 2, Some(2), Simple(make_tagged);
    "raise", 1, Some(2), Control(raise);
    "%secondary-error", 0, Some(0), Simple(secondary_error);
    "error", 1, None, Simple(error);
    "%catch-match?", 2, Some(2), Simple(catch_match);
    "%catch-payload", 1, Some(1), Simple(catch_payload);
    "condition?", 1, Some(1), Simple(is_condition);
    "condition-tag", 1, Some(1), Simple(condition_tag);
    "condition-payload", 1, Some(1), Simple(condition_payload);
    "condition-location", 1, Some(1), Simple(condition_location);
    "error-object?", 1, Some(1), Simple(is_error_object);
    "error-object-message", 1, Some(1), Simple(error_object_message);
    "error-object-irritants", 1, Some(1), Simple(error_object_irritants);
    "read-error?", 1, Some(1), Simple(is_read_error);
    "file-error?", 1, Some(1), Simple(is_file_error);
    "%exit", 0, Some(1), Control(exit);
    "procedure?", 1, Some(1), Simple(is_procedure);
    "%make-parameter", 2, Some(2), Simple(make_parameter);
    "%parameter-converter", 1, Some(1), Simple(parameter_converter);
    "%parameter-set!", 2, Some(2), Simple(parameter_set);
    "%make-promise", 2, Some(2), Simple(make_promise_raw);
    "promise?", 1, Some(1), Simple(is_promise);
    "%promise-state", 1, Some(1), Simple(promise_state);
    "%promise-set-state!", 2, Some(2), Simple(promise_set_state);
    "%values->list", 1, Some(1), Simple(values_to_list);
];
