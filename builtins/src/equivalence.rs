//! Equivalence predicates, booleans, symbols and type predicates (spec §10.1).
//! `equal?` (in the VM crate, `eta_vm::equal`) is iterative and terminates on circular
//! structure.

use crate::args;
use eta_vm::{natives, Ctx, Error, NResult, Value};

/// Structural equality (`equal?`), shared with the VM (hash map keys use it too).
pub use eta_vm::equal;

/// `(eq? a b)` ;; `(eq? 'a 'a)` => #t
fn is_eq<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(a[0].is_eq(a[1])))
}

/// `(eqv? a b)` ;; `(eqv? 2.0 2)` => #f
fn is_eqv<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(a[0].is_eqv(a[1])))
}

/// `(equal? a b)` ;; `(equal? '(1 "a") (list 1 "a"))` => #t
fn is_equal<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(equal(a[0], a[1])))
}

/// `(not x)` ;; `(not #f)` => #t
fn not<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(matches!(a[0], Value::Bool(false))))
}

/// `(boolean? x)` ;; `(boolean? #f)` => #t
fn is_boolean<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(matches!(a[0], Value::Bool(_))))
}

/// `(boolean=? a b c ...)` ;; `(boolean=? #t #t)` => #t
fn boolean_eq<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let mut first = None;
    let mut all = true;
    for v in a {
        let Value::Bool(b) = v else {
            return Err(Error::type_error("boolean=?", "boolean", *v));
        };
        match first {
            None => first = Some(*b),
            Some(f) => all &= f == *b,
        }
    }
    Ok(Value::Bool(all))
}

/// `(symbol? x)` ;; `(symbol? 'a)` => #t
fn is_symbol<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(matches!(a[0], Value::Sym(_))))
}

/// `(symbol=? a b c ...)` ;; `(symbol=? 'a 'a)` => #t
fn symbol_eq<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let first = args::symbol("symbol=?", a[0])?;
    let mut all = true;
    for v in &a[1..] {
        all &= args::symbol("symbol=?", *v)? == first;
    }
    Ok(Value::Bool(all))
}

/// `(string? x)` ;; `(string? "a")` => #t
fn is_string<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(matches!(a[0], Value::Str(_))))
}

/// `(char? x)` ;; `(char? #\a)` => #t
fn is_char<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(matches!(a[0], Value::Char(_))))
}

/// `(vector? x)` ;; `(vector? #(1))` => #t
fn is_vector<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(matches!(a[0], Value::Vector(_))))
}

/// `(bytevector? x)` ;; `(bytevector? #u8(1))` => #t
fn is_bytevector<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(matches!(a[0], Value::Bytevector(_))))
}

/// `(symbol->string sym)` ;; `(symbol->string 'ab)` => "ab"
fn symbol_to_string<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let s = args::symbol("symbol->string", a[0])?;
    Ok(Value::immutable_string(ctx.mc, s))
}

/// `(string->symbol str)` ;; `(string->symbol "ab")` => ab
fn string_to_symbol<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let s = args::string("string->symbol", a[0])?;
    Ok(ctx.sym(&s))
}

/// The equivalence and type-predicate builtins.
pub static NATIVES: &[eta_vm::Native] = natives![
    "eq?", 2, Some(2), Simple(is_eq);
    "eqv?", 2, Some(2), Simple(is_eqv);
    "equal?", 2, Some(2), Simple(is_equal);
    "not", 1, Some(1), Simple(not);
    "boolean?", 1, Some(1), Simple(is_boolean);
    "boolean=?", 2, None, Simple(boolean_eq);
    "symbol?", 1, Some(1), Simple(is_symbol);
    "symbol=?", 2, None, Simple(symbol_eq);
    "string?", 1, Some(1), Simple(is_string);
    "char?", 1, Some(1), Simple(is_char);
    "vector?", 1, Some(1), Simple(is_vector);
    "bytevector?", 1, Some(1), Simple(is_bytevector);
    "symbol->string", 1, Some(1), Simple(symbol_to_string);
    "string->symbol", 1, Some(1), Simple(string_to_symbol);
];
