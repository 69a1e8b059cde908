//! Internal builtins of `std.supervisor` (networking spec §14.3): telling what kind of
//! actor a handle belongs to, and shutting an actor down under a child spec's
//! `shutdown` policy. Their names start with `%`: they are not part of the documented
//! surface.

use super::{actor_info, Kind};
use crate::net::socket::socket_arg;
use eta_vm::{Ctx, Error, NResult, Value};
use std::time::{Duration, Instant};

/// `(%actor-kind obj)` ;; `(%actor-kind (spawn-thread (lambda () 1)))` => thread
///
/// `process` or `thread` for an actor handle (open or closed), `#f` for anything else.
fn actor_kind<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let Some(shared) = crate::net::socket::as_socket(&a[0]) else {
        return Ok(Value::Bool(false));
    };
    Ok(match actor_info(shared) {
        Some((Kind::Process, _)) => ctx.sym("process"),
        Some((Kind::Thread, _)) => ctx.sym("thread"),
        None => Value::Bool(false),
    })
}

/// A `shutdown` value: `brutal-kill` (no grace), a timeout in ms, or `infinity` (`None`).
fn grace<'gc>(who: &str, v: Value<'gc>) -> Result<Option<Duration>, Error<'gc>> {
    match v {
        Value::Int(ms) if ms >= 0 => Ok(Some(Duration::from_millis(ms.unsigned_abs()))),
        Value::Sym(s) if s.name() == "brutal-kill" => Ok(Some(Duration::ZERO)),
        Value::Sym(s) if s.name() == "infinity" => Ok(None),
        _ => Err(Error::type_error(
            who,
            "brutal-kill, infinity or a non-negative exact integer",
            v,
        )),
    }
}

/// `(%actor-shutdown handle shutdown)` ;; `(%actor-shutdown h 5000)` => #t
///
/// Shuts the actor of `handle` down and closes the handle. A process gets SIGTERM,
/// then SIGKILL when the grace time passes (at once for `brutal-kill`, never for
/// `infinity`), and is reaped. A thread cannot be killed: closing the handle makes its
/// mailbox see the parent disconnect, and the thread is given the grace time to end.
/// Returns `#t` once the actor has ended, `#f` if a thread was still running when the
/// grace time was up (it is abandoned).
fn actor_shutdown<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "%actor-shutdown";
    let shared = socket_arg(WHO, a[0])?;
    let grace = grace(WHO, a[1])?;
    ctx.st.host.flush_out();
    if let Some((proc_, _)) = super::process::process_of(&shared) {
        proc_.terminate(grace);
        shared.close();
        return Ok(Value::Bool(true));
    }
    let Some((Kind::Thread, done)) = actor_info(&shared) else {
        return Err(Error::msg(format!("{WHO}: not an actor handle")).with_irritants(vec![a[0]]));
    };
    shared.close();
    let deadline = grace.map(|g| Instant::now() + g);
    Ok(Value::Bool(
        super::await_end_until(ctx, WHO, &done, deadline)?.is_some(),
    ))
}

/// The internal actor builtins of `std.supervisor`.
pub static NATIVES: &[eta_vm::Native] = eta_vm::natives![
    "%actor-kind", 1, Some(1), Simple(actor_kind);
    "%actor-shutdown", 2, Some(2), Simple(actor_shutdown);
];
