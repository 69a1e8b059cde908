//! Argument checking helpers shared by every builtin domain.

use eta_vm::{Error, Value};

/// An exact integer argument that fits in an i64.
pub fn int<'gc>(who: &str, v: Value<'gc>) -> Result<i64, Error<'gc>> {
    match v {
        Value::Int(i) => Ok(i),
        _ => Err(Error::type_error(who, "integer", v)),
    }
}

/// A non-negative index argument.
pub fn index<'gc>(who: &str, v: Value<'gc>) -> Result<usize, Error<'gc>> {
    match v {
        Value::Int(i) if i >= 0 => Ok(i as usize),
        Value::Int(_) => Err(Error::type_error(who, "non-negative integer", v)),
        _ => Err(Error::type_error(who, "exact integer", v)),
    }
}

/// A proper list argument, collected.
pub fn list<'gc>(who: &str, v: Value<'gc>) -> Result<Vec<Value<'gc>>, Error<'gc>> {
    v.list_to_vec()
        .ok_or_else(|| Error::type_error(who, "proper list", v))
}

/// A symbol argument's name.
pub fn symbol<'gc>(who: &str, v: Value<'gc>) -> Result<&'gc str, Error<'gc>> {
    v.as_symbol()
        .ok_or_else(|| Error::type_error(who, "symbol", v))
}

/// A string argument's text (copied).
pub fn string<'gc>(who: &str, v: Value<'gc>) -> Result<String, Error<'gc>> {
    match v {
        Value::Str(s) => Ok(s.text.borrow().as_str().to_string()),
        _ => Err(Error::type_error(who, "string", v)),
    }
}
