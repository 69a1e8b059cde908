//! Sending (networking spec §3.1): `send!` with its format and timing flags. The value
//! is encoded completely before anything is sent; the send itself is one nng operation
//! that the VM waits for in nng's condition variable until nng accepts the message, the
//! time is up, or an interrupt ends it.

use super::aio::{Msg, Wait};
use super::error::too_big;
use super::flags::{unknown_flag, Limit, Timing};
use super::message::{encode_message, Format};
use super::nng_error::{closed, from_nng, interrupted, nng_error};
use super::socket::{socket_arg, Item, Protocol, Role, SocketShared, State};
use super::wait::{deadline_after, watch_interrupt, Cancel};
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

/// Whether a failed non-blocking send leaves the protocol's state intact. nng 1.4's
/// rep0 and respondent0 refuse every non-blocking send they cannot finish at once and
/// forget the pending request when they do, so those always start a waiting send (and
/// cancel it at once for `'noblock`).
fn nonblocking_send_is_safe(p: Protocol) -> bool {
    !matches!(p, Protocol::Rep | Protocol::Respondent)
}

/// A successful send: a surveyor's survey starts now, and replies to the previous one
/// that `nng-poll` had queued are dropped (as nng drops those it holds).
fn sent(shared: &SocketShared) -> bool {
    if shared.protocol == Protocol::Surveyor {
        let mut st = shared.lock();
        let ms = st.options.survey_time.max(0).unsigned_abs();
        st.survey_deadline = deadline_after(ms);
        st.queue.retain(|i| matches!(i, Item::Down(_)));
    }
    true
}

/// Sends one message, waiting as `timing` says (the socket's `send-timeout` by
/// default). `Ok(false)` only for [`Timing::NoBlock`] when nng would have had to wait;
/// a timeout that expires raises `"Timed out"`.
///
/// One nng send is started with the remaining time; nng completes it at once when it
/// can take the message, otherwise the VM sleeps in nng's condition variable until it
/// does, the time is up, or an interrupt — or, on an actor handle or mailbox, the end
/// of the peer — cancels it ([`super::wait::Waiter`]).
pub(crate) fn send_message<'gc>(
    host: &mut Host,
    shared: &SocketShared,
    msg: Msg,
    timing: Timing,
    who: &str,
) -> Result<bool, Error<'gc>> {
    let waiter = &shared.waiter;
    // Before the state is checked: an event after the check stops the send.
    waiter.arm();
    let (limit, cancel) = {
        let st = shared.lock();
        check_can_send(&st, who)?;
        // Only an actor socket's peer can end for good while we wait (§3.1 step 3).
        let cancel = if st.role == Role::Plain {
            Cancel::OnInterrupt
        } else {
            Cancel::OnEvent
        };
        (timing.limit(st.options.send_timeout), cancel)
    };
    let safe = nonblocking_send_is_safe(shared.protocol);
    let mut msg = msg;
    // Whether an nng send was started (and cancelled by an event) already.
    let mut tried = false;
    let mut first = true;
    loop {
        if !first {
            waiter.arm();
            check_can_send(&shared.lock(), who)?;
        }
        first = false;
        if tried && limit.expired() {
            return Err(from_nng(who, nng::Error::TimedOut, None));
        }
        let wait = match limit {
            Limit::Now if safe => Wait::Zero,
            // Started without a limit and cancelled at once: whatever nng cannot finish
            // immediately is not sent.
            Limit::Now | Limit::Never => Wait::Forever,
            Limit::At(d) => Wait::Until(d),
        };
        let outcome = if wait == Wait::Zero {
            if let Err(m) = waiter.start_send(shared.id, msg, wait, cancel) {
                msg = m;
                continue;
            }
            tried = true;
            waiter.finish_send()
        } else {
            let guard =
                watch_interrupt(host, &shared.interrupt_waker).map_err(|_| interrupted(who))?;
            if let Err(m) = waiter.start_send(shared.id, msg, wait, cancel) {
                msg = m;
                continue;
            }
            tried = true;
            if matches!(limit, Limit::Now) {
                waiter.cancel_send();
            }
            let outcome = waiter.finish_send();
            if outcome.is_err() && guard.pending() {
                return Err(interrupted(who));
            }
            outcome
        };
        match outcome {
            Ok(_) => return Ok(sent(shared)),
            Err((_, nng::Error::TimedOut | nng::Error::Canceled))
                if matches!(limit, Limit::Now) =>
            {
                return if timing == Timing::NoBlock {
                    Ok(false)
                } else {
                    Err(from_nng(who, nng::Error::TimedOut, None))
                };
            }
            Err((_, nng::Error::TimedOut)) => {
                return Err(from_nng(who, nng::Error::TimedOut, None))
            }
            // An event on an actor socket: the loop checks whether the peer is gone.
            Err((Some(m), nng::Error::Canceled)) => msg = m,
            Err((_, e)) => return Err(from_nng(who, e, None)),
        }
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
    let msg = match flags.body {
        Body::Encoded(format) => {
            let bytes = encode_message(a[1], format, max).map_err(|e| e.into_error(WHO))?;
            Msg::from_bytes(&bytes)
        }
        // Copied once, straight into the nng message.
        Body::Raw => match a[1] {
            Value::Bytevector(b) => {
                let bytes = b.borrow();
                if max != 0 && bytes.len() > max {
                    return Err(too_big(bytes.len() as u64, true, max).into_error(WHO));
                }
                Msg::from_bytes(&bytes)
            }
            v => return Err(Error::type_error(WHO, "bytevector", v)),
        },
    }
    .map_err(|e| from_nng(WHO, e, None))?;
    let sent = send_message(&mut ctx.st.host, &shared, msg, flags.timing, WHO)?;
    Ok(Value::Bool(sent))
}
