//! Hand-assembled bytecode for the prelude's loops over one list, `map`'s `%map1-into`
//! and `for-each`'s `%for-each1`. Written in Eta they take ten instructions and a tail
//! call per element; here each element is a test, `MapArgs` (push the procedure and the
//! next item), the call, and `MapCollect` or `Pop` plus a jump back: a quarter of the
//! work on `map`-heavy programs (deriv). The code goes through the verifier like any
//! other when it is loaded.

use eta_compiler::proto::{Op, Prim, Prototype};
use eta_vm::loader::load_proto;
use eta_vm::{natives, tags, Closure, Ctx, Error, Gc, NResult, Value};
use std::sync::Arc;

/// A hidden prototype (left out of stack traces, like the prelude's) named `name` with
/// `nreq` parameters as its only locals.
fn proto(name: &str, nreq: u16, code: Vec<Op>) -> Prototype {
    Prototype {
        hidden: true,
        ..Prototype::with_code(name, nreq, nreq, code)
    }
}

/// Loads `p` and makes a closure of it.
fn closure<'gc>(ctx: &mut Ctx<'_, 'gc>, p: Prototype) -> NResult<'gc> {
    let po = load_proto(ctx, &Arc::new(p))
        .map_err(|e| Error::new(tags::INTERNAL, format!("invalid bytecode: {e}")))?;
    Ok(Value::Closure(Gc::new(
        ctx.mc,
        Closure {
            proto: po,
            upvals: Box::new([]),
        },
    )))
}

/// The code of `(%map1-into f l acc mark)`, the same procedure as
///
/// ```scheme
/// (define (%map1-into f l acc mark)
///   (if (pair? l)
///       (%map1-into f (cdr l) (cons (f (car l)) acc) mark)
///       (%map-end acc mark)))
/// ```
pub fn map1_into_code() -> Vec<Op> {
    // Locals: f 0, l 1, acc 2, mark 3.
    vec![
        Op::JumpIfFalseL(Prim::IsPair, 1, 3), // -> 4
        Op::MapArgs(0, 1),
        Op::Call(1),
        Op::MapCollect(2, -4), // -> 0
        Op::PrimLL(Prim::MapEnd, 2, 3),
        Op::Return,
    ]
}

/// The code of `(%for-each1 f l)`, the same procedure as
///
/// ```scheme
/// (define (%for-each1 f l)
///   (if (pair? l)
///       (begin (f (car l)) (%for-each1 f (cdr l)))))
/// ```
pub fn for_each1_code() -> Vec<Op> {
    // Locals: f 0, l 1.
    vec![
        Op::JumpIfFalseL(Prim::IsPair, 1, 4), // -> 5
        Op::MapArgs(0, 1),
        Op::Call(1),
        Op::Pop,
        Op::Jump(-5), // -> 0
        Op::Unspec,
        Op::Return,
    ]
}

/// `(%map1-loop)`: the procedure `%map1-into` (see [`map1_into_code`]); the prelude
/// defines `%map1-into` with it.
fn map1_loop<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    closure(ctx, proto("%map1-into", 4, map1_into_code()))
}

/// `(%for-each1-loop)`: the procedure `%for-each1` (see [`for_each1_code`]).
fn for_each1_loop<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    closure(ctx, proto("%for-each1", 2, for_each1_code()))
}

/// The builtins of this file.
pub static NATIVES: &[eta_vm::Native] = natives![
    "%map1-loop", 0, Some(0), Simple(map1_loop);
    "%for-each1-loop", 0, Some(0), Simple(for_each1_loop);
];

#[cfg(test)]
mod tests {
    use super::*;
    use eta_compiler::verify::verify;

    #[test]
    fn the_loops_verify_with_two_temporaries() {
        for (name, nreq, code) in [
            ("%map1-into", 4, map1_into_code()),
            ("%for-each1", 2, for_each1_code()),
        ] {
            let v = verify(&proto(name, nreq, code));
            assert_eq!(v.map(|v| v.max_temps).map_err(|e| e.to_string()), Ok(2));
        }
    }
}
