//! Sending (networking spec §3.1): `send!` with its format and timing flags. The value
//! is encoded completely before anything is sent; the send itself waits in `poll(2)`
//! on nng's send descriptor until nng accepts the message or the time is up.

use super::error::too_big;
use super::flags::Limit;
use super::flags::{unknown_flag, Timing};
use super::message::{encode_message, Format};
use super::nng_error::{closed, from_nng, interrupted, nng_error};
use super::socket::{socket_arg, Item, Protocol, Role, SocketShared, State};
use super::wait::{deadline_after, FdSet};
use eta_vm::host::WakeFd;
use eta_vm::{write_truncated, Ctx, Error, Host, NResult, Value};
use std::sync::{Arc, Mutex};
use std::time::Instant;

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

/// How an asynchronous send ended (the message comes back on failure).
type SendOutcome = Result<(), (nng::Message, nng::Error)>;

/// The reusable asynchronous send of a socket: an nng aio whose completion callback
/// (run on an nng thread) stores the result and wakes the socket's wake-up descriptor.
pub(crate) struct SendOp {
    aio: nng::Aio,
    done: Arc<Mutex<Option<SendOutcome>>>,
}

impl SendOp {
    fn new(wake: Arc<WakeFd>) -> Result<SendOp, nng::Error> {
        let done: Arc<Mutex<Option<SendOutcome>>> = Arc::new(Mutex::new(None));
        let slot = done.clone();
        let aio = nng::Aio::new(move |_aio, result| {
            if let nng::AioResult::Send(r) = result {
                *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
            }
            wake.wake();
        })?;
        Ok(SendOp { aio, done })
    }

    fn take(&self) -> Option<SendOutcome> {
        self.done.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// Cancels the send and waits for its completion callback.
    fn cancel(&self) -> Option<SendOutcome> {
        self.aio.cancel();
        self.aio.wait();
        self.take()
    }
}

/// Whether a failed non-blocking send leaves the protocol's state intact. nng 1.4's
/// rep0 and respondent0 refuse every non-blocking send they cannot finish at once and
/// forget the pending request when they do, so those always send asynchronously.
fn nonblocking_send_is_safe(p: Protocol) -> bool {
    !matches!(p, Protocol::Rep | Protocol::Respondent)
}

/// A successful send: a surveyor's survey starts now, and replies to the previous one
/// that `nng-poll` had queued are dropped (as nng drops those it holds).
fn sent(st: &mut State, protocol: Protocol) -> bool {
    if protocol == Protocol::Surveyor {
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
/// The fast path is one non-blocking send. When it would block, the send is handed to
/// nng asynchronously (with the remaining time as its timeout) and the VM waits in
/// `poll(2)` on the socket's wake-up descriptor, which the completion signals, and on
/// the interrupt descriptor.
pub(crate) fn send_message<'gc>(
    host: &mut Host,
    shared: &SocketShared,
    msg: nng::Message,
    timing: Timing,
    who: &str,
) -> Result<bool, Error<'gc>> {
    let mut msg = msg;
    let limit = {
        let mut st = shared.lock();
        check_can_send(&st, who)?;
        let limit = timing.limit(st.options.send_timeout);
        if nonblocking_send_is_safe(shared.protocol) {
            let Some(sock) = st.socket() else {
                return Err(closed(who));
            };
            match sock.try_send(msg) {
                Ok(()) => return Ok(sent(&mut st, shared.protocol)),
                Err((m, nng::Error::TryAgain)) => msg = m,
                Err((_, e)) => return Err(from_nng(who, e, None)),
            }
            if timing == Timing::NoBlock {
                return Ok(false);
            }
            if limit.expired() {
                return Err(from_nng(who, nng::Error::TimedOut, None));
            }
        }
        limit
    };
    let mut op_slot = shared.send_op.lock().unwrap_or_else(|e| e.into_inner());
    if op_slot.is_none() {
        *op_slot = Some(SendOp::new(shared.wake.clone()).map_err(|e| from_nng(who, e, None))?);
    }
    let Some(op) = op_slot.as_ref() else {
        return Err(closed(who));
    };
    op.take();
    let timeout = match limit {
        // Started without a limit and cancelled at once: whatever nng cannot finish
        // immediately is not sent.
        Limit::Now | Limit::Never => None,
        Limit::At(d) => Some(d.saturating_duration_since(Instant::now())),
    };
    op.aio
        .set_timeout(timeout)
        .map_err(|e| from_nng(who, e, None))?;
    {
        let st = shared.lock();
        check_can_send(&st, who)?;
        let Some(sock) = st.socket() else {
            return Err(closed(who));
        };
        sock.send_async(&op.aio, msg)
            .map_err(|(_, e)| from_nng(who, e, None))?;
    }
    let result = if matches!(limit, Limit::Now) {
        op.cancel()
    } else {
        let mut fds = FdSet::new();
        loop {
            shared.wake.drain();
            if let Some(r) = op.take() {
                break Some(r);
            }
            let gone = {
                let st = shared.lock();
                check_can_send(&st, who).err()
            };
            if let Some(e) = gone {
                // The actor or parent at the other end is gone: stop waiting.
                return match op.cancel() {
                    Some(Ok(())) => Ok(sent(&mut shared.lock(), shared.protocol)),
                    _ => Err(e),
                };
            }
            fds.clear();
            fds.add(Some(shared.wake.fd()));
            if fds.wait(host, None).is_err() {
                return match op.cancel() {
                    Some(Ok(())) => Ok(sent(&mut shared.lock(), shared.protocol)),
                    _ => Err(interrupted(who)),
                };
            }
        }
    };
    match result {
        Some(Ok(())) => Ok(sent(&mut shared.lock(), shared.protocol)),
        Some(Err((_, nng::Error::Canceled))) | None if timing == Timing::NoBlock => Ok(false),
        Some(Err((_, nng::Error::Canceled))) | None => {
            Err(from_nng(who, nng::Error::TimedOut, None))
        }
        Some(Err((_, e))) => Err(from_nng(who, e, None)),
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
