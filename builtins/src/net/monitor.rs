//! Monitors and heartbeats (networking spec §12) for plain sockets: `monitor`,
//! `demonitor` and `enable-heartbeat`. A monitored socket gets `(down SOCK
//! disconnected)` queued each time a connected peer goes away (queued by the pipe
//! callback in `socket.rs`); a heartbeat thread pings a `pair` peer every interval and
//! queues `(down SOCK heartbeat-timeout)` after three intervals without a pong.

use super::aio::Msg;
use super::nng_error::{closed, nng_error};
use super::socket::{socket_arg, Heartbeat, Item, Protocol, Reason, Role, SocketShared};
use super::wire::PING;
use eta_vm::{Ctx, Error, NResult, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `(monitor sock)` ;; `(monitor s)` => #t
pub(crate) fn monitor<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "monitor";
    let shared = socket_arg(WHO, a[0])?;
    let mut st = shared.lock();
    if st.is_closed() {
        return Err(closed(WHO));
    }
    if !st.monitored {
        st.monitored = true;
        // An actor that has already terminated is reported at once (§12.1).
        let pending = match (&st.peer_end, st.role) {
            (Some(end), Role::Handle) if !end.reported => Some(end.reason.clone()),
            _ => None,
        };
        if let Some(reason) = pending {
            let queued = st
                .queue
                .iter()
                .any(|i| matches!(i, Item::Down(r) if *r == reason));
            if !queued {
                st.push_down(reason);
                drop(st);
                shared.notify();
            }
        }
    }
    Ok(Value::Bool(true))
}

/// `(demonitor sock)` ;; `(demonitor s)` => #t — also drops queued `down`s
pub(crate) fn demonitor<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let shared = socket_arg("demonitor", a[0])?;
    let mut st = shared.lock();
    st.monitored = false;
    st.queue.retain(|i| !matches!(i, Item::Down(_)));
    Ok(Value::Bool(true))
}

/// Distinguishes successive heartbeat threads (a new `enable-heartbeat` replaces one).
static GENERATION: AtomicU64 = AtomicU64::new(1);

/// `(enable-heartbeat sock interval-ms)` ;; `(enable-heartbeat h 500)` => #t
pub(crate) fn enable_heartbeat<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "enable-heartbeat";
    let shared = socket_arg(WHO, a[0])?;
    if shared.protocol != Protocol::Pair {
        return Err(Error::msg(format!(
            "{WHO}: only pair sockets support heartbeats"
        )));
    }
    let interval = match a[1] {
        // Longer than 30 years is the same as "never": keep instants representable.
        Value::Int(ms) if ms > 0 => Duration::from_millis(ms.unsigned_abs().min(1 << 40)),
        Value::Int(_) | Value::Big(_) => {
            return Err(Error::msg(format!("{WHO}: interval-ms must be positive"))
                .with_irritants(vec![a[1]]))
        }
        v => return Err(Error::type_error(WHO, "exact integer", v)),
    };
    let generation = GENERATION.fetch_add(1, Ordering::Relaxed);
    {
        let mut st = shared.lock();
        if st.is_closed() {
            return Err(closed(WHO));
        }
        st.heartbeat = Some(Heartbeat {
            generation,
            interval,
            pong_seen: false,
            missed: 0,
        });
    }
    // A previous heartbeat thread notices that it was replaced and ends.
    shared.heartbeat_cv.notify_all();
    let worker = shared.clone();
    let spawned = std::thread::Builder::new()
        .name("etai-heartbeat".into())
        .spawn(move || heartbeat_loop(&worker, generation));
    if let Err(e) = spawned {
        let mut st = shared.lock();
        if st
            .heartbeat
            .as_ref()
            .is_some_and(|h| h.generation == generation)
        {
            st.heartbeat = None;
        }
        return Err(nng_error(WHO, e.to_string(), None));
    }
    Ok(Value::Bool(true))
}

/// The heartbeat of one socket: a ping at once and then every interval; after three
/// consecutive intervals without a recorded pong, `(down SOCK heartbeat-timeout)` is
/// queued and the heartbeat stops. Ends when the socket is closed or the heartbeat
/// replaced.
fn heartbeat_loop(shared: &Arc<SocketShared>, generation: u64) {
    let mut next = Instant::now();
    let mut first = true;
    let mut st = shared.lock();
    loop {
        loop {
            let current = st
                .heartbeat
                .as_ref()
                .is_some_and(|h| h.generation == generation);
            if !current || st.is_closed() {
                return;
            }
            let now = Instant::now();
            if now >= next {
                break;
            }
            st = match shared.heartbeat_cv.wait_timeout(st, next - now) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        let Some(hb) = st.heartbeat.as_mut() else {
            return;
        };
        let interval = hb.interval;
        if !first {
            if hb.pong_seen {
                hb.missed = 0;
            } else {
                hb.missed += 1;
            }
            hb.pong_seen = false;
            if hb.missed >= 3 {
                st.heartbeat = None;
                st.push_down(Reason::HeartbeatTimeout);
                drop(st);
                shared.notify();
                return;
            }
        }
        first = false;
        // Never waits; a ping that cannot be sent simply stays unanswered.
        if let Ok(ping) = Msg::from_bytes(&PING) {
            let _ = st.try_send(ping);
        }
        let now = Instant::now();
        next += interval;
        if next <= now {
            next = now + interval;
        }
    }
}
