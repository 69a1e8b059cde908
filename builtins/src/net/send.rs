//! Sending (networking spec §3.1): `send!` with its format and timing flags. The value
//! is encoded completely before anything is sent; the send itself waits in `poll(2)`
//! on nng's send descriptor until nng accepts the message or the time is up.

use super::error::too_big;
use super::flags::{unknown_flag, Timing};
use super::message::{encode_message, Format};
use super::nng_error::{closed, from_nng, interrupted, nng_error};
use super::socket::{socket_arg, Protocol, Role, SocketShared, State};
use super::wait::{deadline_after, FdSet};
use eta_vm::{write_truncated, Ctx, Error, Host, NResult, Value};

/// How the value becomes the message body.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Body {
    /// An encoded value (§7 or §8).
    Encoded(Format),
    /// `'raw`: the bytes of a bytevector, unchanged.
    Raw,
}

struct SendFlags {
    body: Body,
    timing: Timing,
}

fn send_flags<'gc>(who: &str, flags: &[Value<'gc>]) -> Result<SendFlags, Error<'gc>> {
    let expected = "text, binary, raw, noblock, wait or a timeout in ms";
    let mut timing = Timing::parser(who);
    let mut body: Option<(Body, Value<'gc>)> = None;
    for &f in flags {
        if timing.take(f)? {
            continue;
        }
        let b = match f.as_symbol() {
            Some("text") => Body::Encoded(Format::Text),
            Some("binary") => Body::Encoded(Format::Binary),
            Some("raw") => Body::Raw,
            _ => return Err(unknown_flag(who, f, expected)),
        };
        if let Some((_, prev)) = body {
            return Err(Error::msg(format!(
                "{who}: conflicting flags {} and {} (at most one of text, binary and raw)",
                write_truncated(prev, 60),
                write_truncated(f, 60)
            ))
            .with_irritants(vec![f]));
        }
        body = Some((b, f));
    }
    Ok(SendFlags {
        body: body.map_or(Body::Encoded(Format::Binary), |(b, _)| b),
        timing: timing.finish(),
    })
}

/// Step 1 of §3.1: the socket must be open, and the peer of an actor socket alive.
fn check_can_send<'gc>(st: &State, who: &str) -> Result<(), Error<'gc>> {
    if st.is_closed() {
        return Err(closed(who));
    }
    if st.peer_end.is_some() {
        match st.role {
            Role::Handle => return Err(nng_error(who, "actor terminated", None)),
            Role::Mailbox => return Err(nng_error(who, "parent disconnected", None)),
            Role::Plain => {}
        }
    }
    Ok(())
}

/// Sends one message, waiting as `timing` says (the socket's `send-timeout` by
/// default). `Ok(false)` only for [`Timing::NoBlock`] when nng would have had to wait;
/// a timeout that expires raises `"Timed out"`.
pub(crate) fn send_message<'gc>(
    host: &mut Host,
    shared: &SocketShared,
    msg: nng::Message,
    timing: Timing,
    who: &str,
) -> Result<bool, Error<'gc>> {
    let mut msg = msg;
    let mut limit = None;
    let mut fds = FdSet::new();
    loop {
        shared.wake.drain();
        let (send_fd, lim) = {
            let mut st = shared.lock();
            check_can_send(&st, who)?;
            let lim = *limit.get_or_insert_with(|| timing.limit(st.options.send_timeout));
            let Some(sock) = st.socket() else {
                return Err(closed(who));
            };
            match sock.try_send(msg) {
                Ok(()) => {
                    if shared.protocol == Protocol::Surveyor {
                        let ms = st.options.survey_time.max(0).unsigned_abs();
                        st.survey_deadline = deadline_after(ms);
                    }
                    return Ok(true);
                }
                Err((m, nng::Error::TryAgain)) => msg = m,
                Err((_, e)) => return Err(from_nng(who, e, None)),
            }
            (st.send_fd(), lim)
        };
        if timing == Timing::NoBlock {
            return Ok(false);
        }
        if lim.expired() {
            return Err(from_nng(who, nng::Error::TimedOut, None));
        }
        fds.clear();
        fds.add(send_fd);
        fds.add(Some(shared.wake.fd()));
        fds.wait(host, lim.deadline())
            .map_err(|_| interrupted(who))?;
    }
}

/// `(send! sock value [flag ...])` ;; `(send! s '(task 7))` => #t
pub(crate) fn send<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "send!";
    let shared = socket_arg(WHO, a[0])?;
    let flags = send_flags(WHO, &a[2..])?;
    let max = {
        let st = shared.lock();
        check_can_send(&st, WHO)?;
        st.options.max_message_size
    };
    let bytes = match flags.body {
        Body::Encoded(format) => {
            encode_message(a[1], format, max).map_err(|e| e.into_error(WHO))?
        }
        Body::Raw => match a[1] {
            Value::Bytevector(b) => {
                let bytes = b.borrow().clone();
                if max != 0 && bytes.len() > max {
                    return Err(too_big(bytes.len() as u64, true, max).into_error(WHO));
                }
                bytes
            }
            v => return Err(Error::type_error(WHO, "bytevector", v)),
        },
    };
    let sent = send_message(
        &mut ctx.st.host,
        &shared,
        nng::Message::from(&bytes[..]),
        flags.timing,
        WHO,
    )?;
    Ok(Value::Bool(sent))
}
