//! Strings and characters (spec §7, §10.4, §10.5).

use crate::args;
use eta_vm::{natives, Ctx, Error, NResult, Value};

/// `(string-length s)` ;; `(string-length "héllo")` => 5
fn string_length<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    match a[0] {
        Value::Str(s) => Ok(Value::Int(s.text.borrow().len() as i64)),
        v => Err(Error::type_error("string-length", "string", v)),
    }
}

/// `(string->list s [start [end]])` ;; `(string->list "ab")` => (#\a #\b)
fn string_to_list<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let Value::Str(s) = a[0] else {
        return Err(Error::type_error("string->list", "string", a[0]));
    };
    let t = s.text.borrow();
    let (st, en) = crate::vectors::range("string->list", a, 1, t.len())?;
    let chars: Vec<Value<'gc>> = t.substring(st, en).chars().map(Value::Char).collect();
    Ok(Value::list(ctx.mc, chars.into_iter()))
}

/// `(list->string list)` ;; `(list->string '(#\a))` => "a"
fn list_to_string<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let mut out = String::new();
    for v in args::list("list->string", a[0])? {
        match v {
            Value::Char(c) => out.push(c),
            other => return Err(Error::type_error("list->string", "char", other)),
        }
    }
    Ok(Value::string(ctx.mc, &out))
}

/// `(string-append s ...)` ;; `(string-append "a" "b")` => "ab"
fn string_append<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let mut out = String::new();
    for v in a {
        match v {
            Value::Str(s) => out.push_str(s.text.borrow().as_str()),
            other => return Err(Error::type_error("string-append", "string", *other)),
        }
    }
    Ok(Value::string(ctx.mc, &out))
}

/// The string builtins.
pub static NATIVES: &[eta_vm::Native] = natives![
    "string-length", 1, Some(1), Simple(string_length);
    "string->list", 1, Some(3), Simple(string_to_list);
    "list->string", 1, Some(1), Simple(list_to_string);
    "string-append", 0, None, Simple(string_append);
];
