//! Internal builtins that the Eta-written `std.net` and `std.supervisor` stand on
//! (networking spec §13, §14): raising an `nng-error` worded like the builtins' own,
//! telling a socket's protocol, and waiting — in `poll(2)`, never in fixed sleeps — until
//! a socket has a number of connected peers (`survey` connects its respondents before
//! asking). Their names start with `%`: they are not part of the documented surface.

use super::nng_error::{closed, interrupted, nng_error};
use super::socket::socket_arg;
use super::wait::{deadline_after, FdSet};
use crate::args;
use eta_vm::{Ctx, Error, NResult, Value};
use std::time::{Duration, Instant};

/// `(%nng-error who text [endpoint])` ;; `(%nng-error 'request-reply "Timed out")` raises
///
/// Raises the `nng-error` whose catch payload is `text` and whose message is
/// `WHO: TEXT`, followed by ` (ENDPOINT)` when given — the form every networking builtin
/// uses (spec §1.5). With `who` = `#f` the message is the text itself (for errors whose
/// documented payload already names the procedure).
fn raise_nng_error<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "%nng-error";
    let text = args::string(WHO, a[1])?;
    let endpoint = match a.get(2) {
        Some(v) => Some(args::string(WHO, *v)?),
        None => None,
    };
    match a[0] {
        Value::Bool(false) => {
            let mut e = nng_error(WHO, text.clone(), endpoint.as_deref());
            if let Error::Runtime(r) = &mut e {
                r.message = match endpoint {
                    Some(url) => format!("{text} ({url})"),
                    None => text,
                };
            }
            Err(e)
        }
        v => Err(nng_error(args::symbol(WHO, v)?, text, endpoint.as_deref())),
    }
}

/// `(%nng-protocol sock)` ;; `(%nng-protocol (nng-socket 'surveyor))` => surveyor
fn nng_protocol<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let shared = socket_arg("%nng-protocol", a[0])?;
    Ok(ctx.sym(shared.protocol.name()))
}

/// `(%nng-await-peers sock count timeout-ms [settle-ms])` ;; => number of peers connected
///
/// Waits until `sock` has at least `count` connected peers, at most `timeout-ms`. With
/// `settle-ms`, once `count` peers are connected it waits that much longer (still within
/// `timeout-ms`) so that peers connecting at the same moment are counted too. Returns
/// the number of peers connected when it stops. Pipe events wake the socket's wake-up
/// descriptor, so this sleeps in `poll(2)` until a peer arrives.
fn await_peers<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "%nng-await-peers";
    let shared = socket_arg(WHO, a[0])?;
    let count = args::index(WHO, a[1])?;
    let timeout = args::index(WHO, a[2])?;
    let settle = match a.get(3) {
        Some(v) => Some(args::index(WHO, *v)?),
        None => None,
    };
    let deadline = deadline_after(timeout as u64);
    let mut settle_until: Option<Instant> = None;
    let mut fds = FdSet::new();
    loop {
        let peers = {
            let st = shared.lock();
            if st.is_closed() {
                return Err(closed(WHO));
            }
            st.peer_count()
        };
        let now = Instant::now();
        let timed_out = deadline.is_none_or(|d| now >= d);
        if peers >= count {
            match settle {
                None => return Ok(Value::Int(peers as i64)),
                Some(ms) => {
                    let until =
                        *settle_until.get_or_insert_with(|| now + Duration::from_millis(ms as u64));
                    if now >= until || timed_out {
                        return Ok(Value::Int(peers as i64));
                    }
                }
            }
        } else if timed_out {
            return Ok(Value::Int(peers as i64));
        }
        let wait_until = match (deadline, settle_until) {
            (Some(d), Some(s)) => Some(d.min(s)),
            (d, None) => d,
            (None, s) => s,
        };
        fds.clear();
        fds.add(Some(shared.wake.fd()));
        fds.wait(&mut ctx.st.host, wait_until)
            .map_err(|_| interrupted(WHO))?;
        shared.wake.drain();
    }
}

/// The internal networking builtins of `std.net` and `std.supervisor`.
pub static NATIVES: &[eta_vm::Native] = eta_vm::natives![
    "%nng-error", 2, Some(3), Simple(raise_nng_error);
    "%nng-protocol", 1, Some(1), Simple(nng_protocol);
    "%nng-await-peers", 3, Some(4), Simple(await_peers);
];
