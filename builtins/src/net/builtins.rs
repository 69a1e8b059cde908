//! The socket builtins of networking spec §2: `nng-socket`, `nng-listen`, `nng-dial`,
//! `nng-close`, `nng-socket?`, `nng-subscribe`, `nng-unsubscribe` and
//! `nng-peer-count`, and the table of every networking builtin.

use super::flags::Limit;
use super::nng_error::{closed, from_nng, interrupted};
use super::socket::{as_socket, socket_arg, socket_value, Protocol, SocketShared, State};
use super::wait::sleep_until;
use super::{monitor, options, poll, recv, send};
use crate::args;
use eta_vm::{write_truncated, Ctx, Error, NResult, Native, Value};
use nng::options::protocol::pubsub::{Subscribe, Unsubscribe};
use nng::options::transport::tcp::BoundPort;
use nng::options::Options as _;
use std::time::{Duration, Instant};

/// `(nng-socket protocol)` ;; `(nng-socket 'pair)` => #<nng-socket pair>
fn nng_socket<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "nng-socket";
    let name = args::symbol(WHO, a[0])?;
    let protocol = Protocol::from_name(name).ok_or_else(|| {
        Error::msg(format!(
            "{WHO}: unknown protocol {} (expected pair, req, rep, pub, sub, push, pull, \
             surveyor, respondent or bus)",
            write_truncated(a[0], 60)
        ))
        .with_irritants(vec![a[0]])
    })?;
    let shared = SocketShared::open(protocol).map_err(|e| from_nng(WHO, e, None))?;
    Ok(socket_value(ctx, shared))
}

/// The transports Eta offers (spec §1.2); nng may have more compiled in.
const SCHEMES: [&str; 5] = ["tcp", "tcp4", "tcp6", "ipc", "inproc"];

/// An endpoint argument: a URL without a scheme is "Invalid argument", one with any
/// other scheme than those of [`SCHEMES`] "Not supported".
fn endpoint_arg<'gc>(who: &str, v: Value<'gc>) -> Result<String, Error<'gc>> {
    let url = args::string(who, v)?;
    let Some((scheme, _)) = url.split_once("://") else {
        return Err(from_nng(who, nng::Error::InvalidInput, Some(&url)));
    };
    if !SCHEMES.contains(&scheme) {
        return Err(from_nng(who, nng::Error::NotSupported, Some(&url)));
    }
    Ok(url)
}

/// `(nng-listen sock endpoint)` ;; `(nng-listen s "tcp://127.0.0.1:0")` => s
fn nng_listen<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "nng-listen";
    let shared = socket_arg(WHO, a[0])?;
    args::string(WHO, a[1])?;
    let sock = shared.nng_socket().ok_or_else(|| closed(WHO))?;
    let url = endpoint_arg(WHO, a[1])?;
    let listener = nng::Listener::new(&sock, &url).map_err(|e| from_nng(WHO, e, Some(&url)))?;
    if url.starts_with("tcp") {
        if let Ok(port) = listener.get_opt::<BoundPort>() {
            shared.lock().bound_port = Some(port);
        }
    }
    Ok(a[0])
}

/// Dial failures that a listener appearing later can fix: keep retrying those.
fn retryable(e: nng::Error) -> bool {
    matches!(
        e,
        nng::Error::ConnectionRefused
            | nng::Error::ConnectionReset
            | nng::Error::ConnectionAborted
            | nng::Error::ConnectionShutdown
            | nng::Error::TimedOut
    )
}

/// `(nng-dial sock endpoint [mode])` ;; `(nng-dial s "ipc:///tmp/x.sock")` => s
///
/// Without a mode (or with `'wait`), retries with back-off until connected, for at most
/// the socket's `dial-timeout`; `'async` dials in the background.
fn nng_dial<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "nng-dial";
    let shared = socket_arg(WHO, a[0])?;
    args::string(WHO, a[1])?;
    let asynchronous = match a.get(2) {
        None => false,
        Some(&m) => match m.as_symbol() {
            Some("wait") => false,
            Some("async") => true,
            _ => {
                return Err(Error::msg(format!(
                    "{WHO}: unknown mode {} (expected wait or async)",
                    write_truncated(m, 60)
                ))
                .with_irritants(vec![m]))
            }
        },
    };
    let sock = shared.nng_socket().ok_or_else(|| closed(WHO))?;
    let url = endpoint_arg(WHO, a[1])?;
    if asynchronous {
        sock.dial_async(&url)
            .map_err(|e| from_nng(WHO, e, Some(&url)))?;
        return Ok(a[0]);
    }
    let (timeout, min, max) = {
        let st = shared.lock();
        let o = &st.options;
        (o.dial_timeout, o.reconnect_min, o.reconnect_max)
    };
    let limit = if timeout < 0 {
        Limit::Never
    } else {
        Limit::after(timeout.unsigned_abs())
    };
    // Our own retry loop must not spin even with a zero minimum.
    let min = Duration::from_millis(min.max(10).unsigned_abs());
    let max = Duration::from_millis(max.max(0).unsigned_abs()).max(min);
    let mut backoff = min;
    ctx.st.host.flush_out();
    loop {
        let last = match nng::Dialer::new(&sock, &url, false) {
            Ok(_) => return Ok(a[0]),
            Err(e) if retryable(e) => e,
            Err(e) => return Err(from_nng(WHO, e, Some(&url))),
        };
        if limit.expired() {
            return Err(from_nng(WHO, last, Some(&url)));
        }
        let next = Instant::now() + backoff;
        let until = limit.deadline().map_or(next, |d| d.min(next));
        sleep_until(&mut ctx.st.host, until).map_err(|_| interrupted(WHO))?;
        backoff = (backoff * 2).min(max);
    }
}

/// `(nng-close sock)` ;; `(nng-close s)` — idempotent
fn nng_close<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    socket_arg("nng-close", a[0])?.close();
    Ok(Value::Unspecified)
}

/// `(nng-socket? x)` ;; `(nng-socket? (nng-socket 'pub))` => #t
fn is_nng_socket<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(as_socket(&a[0]).is_some()))
}

/// A `sub` socket argument (`T` for other sockets) and a topic (string or symbol).
fn sub_args<'gc>(
    who: &str,
    a: &[Value<'gc>],
) -> Result<(std::sync::Arc<SocketShared>, Vec<u8>), Error<'gc>> {
    let shared = socket_arg(who, a[0])?;
    if shared.protocol != Protocol::Sub {
        return Err(Error::msg(format!(
            "{who}: expected a sub socket, got {}",
            write_truncated(a[0], 60)
        ))
        .with_irritants(vec![a[0]]));
    }
    let topic = match a[1] {
        Value::Str(s) => s.text.borrow().as_str().as_bytes().to_vec(),
        v => match v.as_symbol() {
            Some(name) => name.as_bytes().to_vec(),
            None => return Err(Error::type_error(who, "string or symbol", v)),
        },
    };
    Ok((shared, topic))
}

/// Sets nng's own subscription: everything while there is at least one Eta topic.
fn sync_nng_subscription(st: &State, had_any: bool) -> Result<(), nng::Error> {
    let Some(sock) = st.socket() else {
        return Err(nng::Error::Closed);
    };
    match (had_any, st.subscriptions.is_empty()) {
        (false, false) => sock.set_opt::<Subscribe>(Vec::new()),
        (true, true) => sock.set_opt::<Unsubscribe>(Vec::new()),
        _ => Ok(()),
    }
}

/// `(nng-subscribe sock topic)` ;; `(nng-subscribe sub "prices")`
fn nng_subscribe<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "nng-subscribe";
    let (shared, topic) = sub_args(WHO, a)?;
    let mut st = shared.lock();
    if st.is_closed() {
        return Err(closed(WHO));
    }
    if !st.subscriptions.contains(&topic) {
        let had_any = !st.subscriptions.is_empty();
        st.subscriptions.push(topic);
        if let Err(e) = sync_nng_subscription(&st, had_any) {
            st.subscriptions.pop();
            return Err(from_nng(WHO, e, None));
        }
    }
    Ok(Value::Unspecified)
}

/// `(nng-unsubscribe sock topic)` ;; `(nng-unsubscribe sub "prices")`
fn nng_unsubscribe<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "nng-unsubscribe";
    let (shared, topic) = sub_args(WHO, a)?;
    let mut st = shared.lock();
    if st.is_closed() {
        return Err(closed(WHO));
    }
    let Some(i) = st.subscriptions.iter().position(|t| *t == topic) else {
        return Err(from_nng(WHO, nng::Error::EntryNotFound, None));
    };
    st.subscriptions.remove(i);
    sync_nng_subscription(&st, true).map_err(|e| from_nng(WHO, e, None))?;
    Ok(Value::Unspecified)
}

/// `(nng-peer-count sock)` ;; `(nng-peer-count pub)` => 2
fn nng_peer_count<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "nng-peer-count";
    let shared = socket_arg(WHO, a[0])?;
    let st = shared.lock();
    if st.is_closed() {
        return Err(closed(WHO));
    }
    Ok(Value::Int(
        i64::try_from(st.peer_count()).unwrap_or(i64::MAX),
    ))
}

/// Every networking builtin (networking spec §2, §3, §5, §6, §12).
pub static NATIVES: &[Native] = eta_vm::natives![
    "nng-socket", 1, Some(1), Simple(nng_socket);
    "nng-listen", 2, Some(2), Simple(nng_listen);
    "nng-dial", 2, Some(3), Simple(nng_dial);
    "nng-close", 1, Some(1), Simple(nng_close);
    "nng-socket?", 1, Some(1), Simple(is_nng_socket);
    "nng-subscribe", 2, Some(2), Simple(nng_subscribe);
    "nng-unsubscribe", 2, Some(2), Simple(nng_unsubscribe);
    "nng-peer-count", 1, Some(1), Simple(nng_peer_count);
    "nng-set-option", 3, Some(3), Simple(options::nng_set_option);
    "nng-get-option", 2, Some(2), Simple(options::nng_get_option);
    "nng-poll", 2, Some(2), Simple(poll::nng_poll);
    "send!", 2, None, Simple(send::send);
    "recv!", 1, None, Simple(recv::recv);
    "recv-result!", 1, None, Simple(recv::recv_result);
    "monitor", 1, Some(1), Simple(monitor::monitor);
    "demonitor", 1, Some(1), Simple(monitor::demonitor);
    "enable-heartbeat", 2, Some(2), Simple(monitor::enable_heartbeat);
];
