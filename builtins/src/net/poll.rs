//! `nng-poll` (networking spec §5): waits in `poll(2)` until at least one of several
//! sockets is ready to receive or to send, and returns the ready ones in item order.
//! Messages it has to read (to apply a subscription filter) stay queued.

use super::flags::Limit;
use super::nng_error::{closed, interrupted};
use super::socket::{as_socket, Protocol, Role, SocketShared};
use super::wait::FdSet;
use eta_vm::{write_truncated, Ctx, Error, NResult, Value};
use std::sync::Arc;
use std::time::Instant;

/// One polled socket and the events asked for.
struct Entry<'gc> {
    value: Value<'gc>,
    shared: Arc<SocketShared>,
    recv: bool,
    send: bool,
}

fn bad_item<'gc>(item: Value<'gc>) -> Error<'gc> {
    Error::msg(format!("nng-poll: bad item {}", write_truncated(item, 60)))
        .with_irritants(vec![item])
}

/// The events of an item: `'recv`, `'send`, a list of those, or `0` (= `'recv`).
fn events<'gc>(item: Value<'gc>, ev: Value<'gc>) -> Result<(bool, bool), Error<'gc>> {
    let one = |v: Value<'gc>| match v.as_symbol() {
        Some("recv") => Ok((true, false)),
        Some("send") => Ok((false, true)),
        _ => Err(bad_item(item)),
    };
    match ev {
        Value::Int(0) => Ok((true, false)),
        Value::Pair(_) => {
            let list = ev.list_to_vec().ok_or_else(|| bad_item(item))?;
            let mut acc = (false, false);
            for v in list {
                let (r, s) = one(v)?;
                acc = (acc.0 || r, acc.1 || s);
            }
            Ok(acc)
        }
        v => one(v),
    }
}

fn entry<'gc>(item: Value<'gc>) -> Result<Entry<'gc>, Error<'gc>> {
    if let Some(shared) = as_socket(&item) {
        return Ok(Entry {
            value: item,
            shared: shared.clone(),
            recv: true,
            send: false,
        });
    }
    let (sock, ev) = item.as_pair().ok_or_else(|| bad_item(item))?;
    let shared = as_socket(&sock).ok_or_else(|| bad_item(item))?.clone();
    let (recv, send) = events(item, ev)?;
    Ok(Entry {
        value: sock,
        shared,
        recv,
        send,
    })
}

/// `(nng-poll items timeout-ms)` ;; `(nng-poll (list a (cons b 'send)) 100)` => (a)
pub(crate) fn nng_poll<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "nng-poll";
    let items = a[0]
        .list_to_vec()
        .ok_or_else(|| Error::type_error(WHO, "list", a[0]))?;
    let limit = match a[1] {
        Value::Int(ms) if ms < 0 => Limit::Never,
        Value::Int(ms) => Limit::after(ms.unsigned_abs()),
        v => return Err(Error::type_error(WHO, "exact integer", v)),
    };
    let entries = items
        .into_iter()
        .map(entry)
        .collect::<Result<Vec<_>, _>>()?;
    if entries.is_empty() {
        return Ok(Value::Nil);
    }
    let mut fds = FdSet::new();
    let mut send_slots = vec![None; entries.len()];
    let mut wake_slots = vec![None; entries.len()];
    loop {
        let mut ready = vec![false; entries.len()];
        fds.clear();
        for (i, e) in entries.iter().enumerate() {
            let mut st = e.shared.lock();
            if st.is_closed() {
                return Err(closed(WHO));
            }
            let peer_gone = st.peer_end.is_some() && st.role != Role::Plain;
            // After its deadline a survey delivers nothing (recv! returns #f).
            let survey_over = e.shared.protocol == Protocol::Surveyor
                && st.survey_deadline.is_some_and(|d| Instant::now() >= d);
            if e.recv && !survey_over {
                match st.has_item(e.shared.protocol) {
                    Ok(true) => ready[i] = true,
                    Err(nng::Error::Closed) => return Err(closed(WHO)),
                    // Protocol states in which `recv!` raises or reports the end of a
                    // survey: not "a message is ready".
                    Ok(false) | Err(_) => {}
                }
                ready[i] |= peer_gone;
                fds.add(st.recv_fd());
            }
            send_slots[i] = None;
            if e.send {
                ready[i] |= peer_gone;
                send_slots[i] = fds.add(st.send_fd());
            }
            wake_slots[i] = fds.add(Some(e.shared.wake.fd()));
        }
        // With a socket ready, only look whether the send descriptors are ready too.
        let deadline = if ready.contains(&true) {
            Limit::Now.deadline()
        } else {
            limit.deadline()
        };
        fds.wait(&mut ctx.st.host, deadline)
            .map_err(|_| interrupted(WHO))?;
        for (i, slot) in send_slots.iter().enumerate() {
            ready[i] |= fds.ready(*slot);
            // Re-checked on the next round: the wake-up can be consumed.
            if fds.ready(wake_slots[i]) {
                entries[i].shared.wake.drain();
            }
        }
        if ready.contains(&true) {
            let mut out: Vec<Value<'gc>> = Vec::new();
            let mut seen: Vec<&Arc<SocketShared>> = Vec::new();
            for (e, _) in entries.iter().zip(&ready).filter(|(_, r)| **r) {
                if !seen.iter().any(|s| Arc::ptr_eq(s, &e.shared)) {
                    seen.push(&e.shared);
                    out.push(e.value);
                }
            }
            return Ok(Value::list(ctx.mc, out.into_iter()));
        }
        if limit.expired() {
            return Ok(Value::Nil);
        }
    }
}
