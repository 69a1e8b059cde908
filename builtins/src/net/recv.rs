//! Receiving (networking spec §3.2–§3.4): the socket's receive stream — queued items
//! first, then nng — with heartbeat frames answered and skipped and `sub` messages
//! filtered before decoding; the timing flags; `recv!` and `recv-result!`.

use super::aio::{Msg, Wait};
use super::flags::{Limit, Timing};
use super::message::{decode_message, Received};
use super::nng_error::{closed, from_nng, interrupted, nng_error};
use super::socket::{socket_arg, Item, PeerEnd, Protocol, Reason, Role, SocketShared, State};
use super::wait::{watch_interrupt, Cancel};
use super::wire::{topic_matches, Frame, PONG};
use eta_vm::{write_string, Ctx, Error, Host, NResult, Value};
use std::time::Instant;

impl State {
    /// The next deliverable item of the socket's own queue: heartbeat frames are handled
    /// and messages that fail the subscription filter are dropped on the way.
    fn next_queued(&mut self, protocol: Protocol) -> Option<Item> {
        while let Some(item) = self.queue.pop_front() {
            match item {
                Item::Message(m) => {
                    if self.accept(protocol, &m) {
                        return Some(Item::Message(m));
                    }
                }
                down @ Item::Down(_) => return Some(down),
            }
        }
        None
    }

    /// The next deliverable item of the receive stream: queued items first, then nng
    /// (without waiting). `Ok(None)`: nothing right now.
    pub(crate) fn next_item(&mut self, protocol: Protocol) -> Result<Option<Item>, nng::Error> {
        if let Some(item) = self.next_queued(protocol) {
            return Ok(Some(item));
        }
        while let Some(m) = self.try_recv()? {
            if self.accept(protocol, &m) {
                return Ok(Some(Item::Message(m)));
            }
        }
        Ok(None)
    }

    /// Whether a deliverable item is available now; it stays at the front of the queue
    /// (`nng-poll` does not consume messages).
    pub(crate) fn has_item(&mut self, protocol: Protocol) -> Result<bool, nng::Error> {
        match self.next_item(protocol)? {
            Some(item) => {
                self.queue.push_front(item);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Whether a received message is delivered: pings are answered with a pong, pongs
    /// recorded, and on a `sub` socket the topic filter of §4 applies.
    fn accept(&mut self, protocol: Protocol, m: &Msg) -> bool {
        match Frame::of(m.as_slice()) {
            Frame::Heartbeat(true) => {
                // Best effort, like the ping itself; a lost pong counts as missed.
                if let Ok(pong) = Msg::from_bytes(&PONG) {
                    let _ = self.try_send(pong);
                }
                false
            }
            Frame::Heartbeat(false) => {
                self.pong();
                false
            }
            _ if protocol == Protocol::Sub => {
                let bytes = m.as_slice();
                self.subscriptions.iter().any(|t| topic_matches(bytes, t))
            }
            _ => true,
        }
    }
}

/// What one step of the receive stream produced.
pub(crate) enum Got {
    /// A message (already past heartbeat handling and filtering).
    Message(Msg),
    /// A `down` notification.
    Down(Reason),
    /// Nothing in time (or the survey is over).
    Timeout,
    /// The actor or parent at the other end is gone and nothing remains.
    Ended(PeerEnd),
}

/// The nng wait of a receive limited by `limit`.
fn wait_of(limit: Limit) -> Wait {
    match limit {
        Limit::Now => Wait::Zero,
        Limit::At(d) => Wait::Until(d),
        Limit::Never => Wait::Forever,
    }
}

/// Takes the next item of the receive stream, waiting as `timing` says (the socket's
/// `recv-timeout` by default).
///
/// Queued items come first. Then one nng receive is started with the remaining time: a
/// message nng holds completes it at once, otherwise the VM sleeps in nng's condition
/// variable until a message arrives (delivered straight to this receive), the time is
/// up, or an event or interrupt cancels it ([`super::wait::Waiter`]).
pub(crate) fn receive<'gc>(
    host: &mut Host,
    shared: &SocketShared,
    timing: Timing,
    who: &str,
) -> Result<Got, Error<'gc>> {
    let mut limit: Option<Limit> = None;
    let mut tried = false;
    let waiter = &shared.waiter;
    loop {
        waiter.arm();
        let (lim, cancel) = {
            let mut st = shared.lock();
            if st.is_closed() {
                return Err(closed(who));
            }
            let mut lim = *limit.get_or_insert_with(|| timing.limit(st.options.recv_timeout));
            // A survey is over at its deadline, even for replies nng still holds.
            if shared.protocol == Protocol::Surveyor {
                if let Some(end) = st.survey_deadline {
                    if Instant::now() >= end {
                        return Ok(Got::Timeout);
                    }
                    lim = lim.at_most(end);
                }
            }
            match st.next_queued(shared.protocol) {
                Some(Item::Message(m)) => return Ok(Got::Message(m)),
                Some(Item::Down(r)) => {
                    if st.role == Role::Handle {
                        if let Some(end) = st.peer_end.as_mut().filter(|e| e.reason == r) {
                            end.reported = true;
                        }
                    }
                    return Ok(Got::Down(r));
                }
                None => {}
            }
            // Whatever the peer sent before it ended was moved to the queue first.
            if let Some(end) = &st.peer_end {
                return Ok(Got::Ended(end.clone()));
            }
            let cancel = if st.role == Role::Plain
                && matches!(shared.protocol, Protocol::Req | Protocol::Surveyor)
            {
                // A cancelled receive would abandon the request or the survey: events
                // (monitor notifications) wait until this receive ends.
                Cancel::OnInterrupt
            } else {
                Cancel::OnEvent
            };
            (lim, cancel)
        };
        // Once an nng receive was made, an expired limit ends the call; the first one is
        // always made (`'noblock` looks at nng once).
        if tried && lim.expired() {
            return Ok(Got::Timeout);
        }
        let wait = wait_of(lim);
        let outcome = if wait == Wait::Zero {
            if !waiter.start_recv(shared.id, wait, cancel) {
                continue;
            }
            tried = true;
            waiter.finish_recv()
        } else {
            let guard =
                watch_interrupt(host, &shared.interrupt_waker).map_err(|_| interrupted(who))?;
            if !waiter.start_recv(shared.id, wait, cancel) {
                continue;
            }
            tried = true;
            let outcome = waiter.finish_recv();
            if guard.pending() && !matches!(outcome, Ok(Some(_))) {
                return Err(interrupted(who));
            }
            outcome
        };
        match outcome {
            Ok(Some(m)) => {
                if shared.lock().accept(shared.protocol, &m) {
                    return Ok(Got::Message(m));
                }
            }
            Ok(None) => {}
            // nng waited the whole remaining time: the limit is reached (asking nng
            // again could fail instead, e.g. "Incorrect state" on a `req` whose request
            // ended with the timeout).
            Err((_, nng::Error::TimedOut)) => return Ok(Got::Timeout),
            // An event to look at: the loop checks again.
            Err((_, nng::Error::Canceled)) => {}
            Err((_, nng::Error::Closed)) => return Err(closed(who)),
            // nng ends a survey with "Timed out" and then refuses to receive with
            // "Incorrect state": both mean the survey is over (§3.2).
            Err((_, nng::Error::IncorrectState))
                if shared.protocol == Protocol::Surveyor
                    && shared.lock().survey_deadline.is_some() =>
            {
                return Ok(Got::Timeout)
            }
            Err((_, e)) => return Err(from_nng(who, e, None)),
        }
    }
}

/// The flags of `recv!` / `recv-result!`: timing and `'raw`.
struct RecvFlags {
    timing: Timing,
    raw: bool,
}

fn recv_flags<'gc>(who: &str, flags: &[Value<'gc>]) -> Result<RecvFlags, Error<'gc>> {
    let expected = "noblock, wait, raw or a timeout in ms";
    let mut timing = Timing::parser(who);
    let mut raw = false;
    for &f in flags {
        if timing.take(f)? {
            continue;
        }
        match f.as_symbol() {
            Some("raw") => raw = true,
            _ => return Err(super::flags::unknown_flag(who, f, expected)),
        }
    }
    Ok(RecvFlags {
        timing: timing.finish(),
        raw,
    })
}

/// Turns a received message into the value `recv!` returns: its bytes with `'raw`,
/// otherwise the decoded value (a malformed message is consumed and reported).
fn deliver<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    shared: &SocketShared,
    m: &Msg,
    raw: bool,
    who: &str,
) -> NResult<'gc> {
    if raw {
        return Ok(Value::bytevector(ctx.mc, m.as_slice().to_vec()));
    }
    let max = shared.lock().options.max_message_size;
    match decode_message(ctx, m.as_slice(), max) {
        Ok(Received::Value(v)) => Ok(v),
        // Heartbeat frames never get this far (`accept` consumes them).
        Ok(Received::Ping | Received::Pong) => Ok(Value::Bool(false)),
        Err(e) => Err(e.into_error(who)),
    }
}

/// `(down SOCK REASON)`.
fn down_value<'gc>(ctx: &mut Ctx<'_, 'gc>, sock: Value<'gc>, r: &Reason) -> Value<'gc> {
    let down = ctx.sym("down");
    let reason = r.to_value(ctx);
    Value::list(ctx.mc, [down, sock, reason].into_iter())
}

/// `(recv! sock [flag ...])` ;; `(recv! s 'wait)` => (task 7), or #f on timeout
pub(crate) fn recv<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "recv!";
    let shared = socket_arg(WHO, a[0])?;
    let flags = recv_flags(WHO, &a[1..])?;
    match receive(&mut ctx.st.host, &shared, flags.timing, WHO)? {
        Got::Message(m) => deliver(ctx, &shared, &m, flags.raw, WHO),
        Got::Down(r) => Ok(down_value(ctx, a[0], &r)),
        Got::Timeout => Ok(Value::Bool(false)),
        Got::Ended(end) => {
            if end.reported || end.reason.is_normal() || shared.lock().role != Role::Handle {
                Ok(Value::Bool(false))
            } else {
                let reason = end.reason.to_value(ctx);
                Err(nng_error(
                    WHO,
                    format!("actor crashed: {}", write_string(reason)),
                    None,
                ))
            }
        }
    }
}

/// `(recv-result! sock [flag ...])` ;; => (ok . VALUE), timeout or (terminated . REASON)
pub(crate) fn recv_result<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "recv-result!";
    let shared = socket_arg(WHO, a[0])?;
    let flags = recv_flags(WHO, &a[1..])?;
    let tagged = |ctx: &mut Ctx<'_, 'gc>, tag: &str, v: Value<'gc>| {
        let t = ctx.sym(tag);
        Value::cons(ctx.mc, t, v)
    };
    match receive(&mut ctx.st.host, &shared, flags.timing, WHO)? {
        Got::Message(m) => {
            let v = deliver(ctx, &shared, &m, flags.raw, WHO)?;
            Ok(tagged(ctx, "ok", v))
        }
        Got::Down(r) => {
            let v = down_value(ctx, a[0], &r);
            Ok(tagged(ctx, "ok", v))
        }
        Got::Timeout => Ok(ctx.sym("timeout")),
        Got::Ended(end) => {
            let reason = end.reason.to_value(ctx);
            Ok(tagged(ctx, "terminated", reason))
        }
    }
}
