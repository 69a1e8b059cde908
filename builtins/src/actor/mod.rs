//! Actors (networking spec §9–§11; design §7): thread actors (`spawn-thread`,
//! `thread-join`, `thread-alive?`) and `current-mailbox`. An actor handle is a PAIR
//! socket with [`Role::Handle`] whose `ext` holds the actor's bookkeeping; the actor's
//! end is recorded with [`mark_ended`], which the socket layer turns into the handle's
//! final state once every message the actor sent has been delivered.

pub mod process;
pub mod shutdown;
pub mod thread;

use crate::net::nng_error::from_nng;
use crate::net::socket::Protocol;
use crate::net::socket::{as_socket, SocketShared, ACTOR_END_GRACE};
use crate::net::{Reason, Role};
use eta_vm::{Ctx, NResult, Value};
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The end of an actor, shared between the actor's runner (thread or reaper) and the
/// builtins that wait for it.
#[derive(Default)]
pub struct Done {
    reason: Mutex<Option<Reason>>,
    cv: Condvar,
}

impl Done {
    /// The reason, once the actor has ended.
    pub fn reason(&self) -> Option<Reason> {
        self.reason
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn set(&self, reason: Reason) {
        let mut r = self.reason.lock().unwrap_or_else(|e| e.into_inner());
        if r.is_none() {
            *r = Some(reason);
        }
        self.cv.notify_all();
    }

    /// Waits until the actor ends or `deadline` passes (`None`: no limit) or `stop`
    /// says to give up; waits in slices so an interrupt is noticed.
    pub fn wait(&self, deadline: Option<Instant>, stop: &dyn Fn() -> bool) -> Option<Reason> {
        let mut r = self.reason.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(reason) = r.as_ref() {
                return Some(reason.clone());
            }
            if stop() {
                return None;
            }
            let now = Instant::now();
            let slice = Duration::from_millis(100);
            let step = match deadline {
                Some(d) if d <= now => return None,
                Some(d) => (d - now).min(slice),
                None => slice,
            };
            r = match self.cv.wait_timeout(r, step) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
    }
}

/// What kind of actor a handle belongs to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `spawn-thread` / `spawn-thread-with`.
    Thread,
    /// `spawn`.
    Process,
}

/// A VM that starts an actor flushes its standard output at every newline from then on
/// (language spec §8.5), so its lines and its actors' lines appear in the order they
/// were written; what it printed so far is flushed now.
pub fn become_parent(host: &mut eta_vm::Host) {
    host.line_flush = true;
    host.flush_out();
}

/// Waits for an actor to end, at most `timeout` (an optional non-negative ms value):
/// the shared body of `thread-join` and `spawn-wait`. `Ok(None)` when the time is up;
/// an interrupt (Ctrl-C) raises.
pub fn await_end<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    who: &str,
    done: &Done,
    timeout: Option<Value<'gc>>,
) -> Result<Option<Reason>, eta_vm::Error<'gc>> {
    let deadline = match timeout {
        None => None,
        Some(Value::Int(ms)) if ms >= 0 => {
            Some(Instant::now() + Duration::from_millis(ms.unsigned_abs().min(1 << 40)))
        }
        Some(v) => {
            return Err(eta_vm::Error::type_error(
                who,
                "non-negative exact integer",
                v,
            ))
        }
    };
    await_end_until(ctx, who, done, deadline)
}

/// [`await_end`] with the deadline already computed (`None`: no limit).
pub fn await_end_until<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    who: &str,
    done: &Done,
    deadline: Option<Instant>,
) -> Result<Option<Reason>, eta_vm::Error<'gc>> {
    ctx.st.host.flush_out();
    let interrupt = ctx.st.host.interrupt.clone();
    let stop = move || interrupt.load(Ordering::Relaxed);
    match done.wait(deadline, &stop) {
        Some(r) => Ok(Some(r)),
        None if stop() => Err(crate::net::nng_error::interrupted(who)),
        None => Ok(None),
    }
}

/// The bookkeeping of an actor handle (kept in the socket's `ext`).
pub struct ActorInfo {
    /// Thread or process.
    pub kind: Kind,
    /// The actor's end.
    pub done: Arc<Done>,
    /// The child process of a process actor.
    pub process: Option<Arc<process::Proc>>,
}

/// The actor bookkeeping of a socket, if it is an actor handle.
pub fn actor_info(shared: &SocketShared) -> Option<(Kind, Arc<Done>)> {
    let st = shared.lock();
    st.ext
        .as_ref()
        .and_then(|e| e.downcast_ref::<ActorInfo>())
        .map(|i| (i.kind, i.done.clone()))
}

/// How long an ended actor's end waits for its pipe to go before joiners are woken:
/// `thread-join`/`spawn-wait` returning means a `monitor` set afterwards gets its `down`
/// at once. nng can leave an inproc pipe dangling; then joiners are woken anyway.
const SETTLE_WAIT: std::time::Duration = std::time::Duration::from_millis(250);

/// Records that the actor of `handle` ended with `reason`: lets the socket layer report
/// it after the actor's last message, then wakes joiners.
///
/// Joiners are woken once the end is settled (the actor's pipe is gone, so every message
/// it sent is queued and a monitor set after the join sees the `down` at once), or after
/// [`SETTLE_WAIT`]. An actor that ended before nng added its pipe may still have
/// messages on the way: its end is reported once that pipe has come and gone, or after
/// [`ACTOR_END_GRACE`] (this thread waits that long, after waking joiners).
pub fn mark_ended(handle: &SocketShared, done: &Done, reason: Reason) {
    {
        let mut st = handle.lock();
        if st.actor_end.is_none() {
            st.actor_end = Some(reason.clone());
        }
        st.settle_actor_end(false);
    }
    handle.notify();
    let settled = handle.wait_actor_settled(SETTLE_WAIT);
    let never_connected = !handle.lock().ever_connected;
    done.set(reason);
    if !settled && never_connected {
        std::thread::sleep(ACTOR_END_GRACE.saturating_sub(SETTLE_WAIT));
        handle.lock().settle_actor_end(true);
        handle.notify();
    }
}

/// Opens a PAIR socket as an actor handle of the given kind and listens on `endpoint`:
/// the shared start of `spawn` and `spawn-thread`.
pub fn open_handle<'gc>(
    who: &str,
    kind: Kind,
    endpoint: &str,
) -> Result<(Arc<SocketShared>, Arc<Done>), eta_vm::Error<'gc>> {
    let handle = SocketShared::open(Protocol::Pair).map_err(|e| from_nng(who, e, None))?;
    let done = Arc::new(Done::default());
    {
        let mut st = handle.lock();
        st.role = Role::Handle;
        st.ext = Some(Box::new(ActorInfo {
            kind,
            done: done.clone(),
            process: None,
        }));
    }
    let listened = handle
        .nng_socket()
        .ok_or(nng::Error::Closed)
        .and_then(|s| nng::Listener::new(&s, endpoint).map(|_| ()));
    if let Err(e) = listened {
        handle.close();
        return Err(from_nng(who, e, Some(endpoint)));
    }
    Ok((handle, done))
}

/// 64 bits from the OS random source (falling back to time and a counter, which still
/// keeps in-process names unique).
pub fn random_u64() -> u64 {
    let mut buf = [0u8; 8];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        if f.read_exact(&mut buf).is_ok() {
            return u64::from_le_bytes(buf);
        }
    }
    static FALLBACK: AtomicU64 = AtomicU64::new(0x9e37_79b9_7f4a_7c15);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    t ^ FALLBACK.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)
}

/// Waits (at most 5 s) until every message sent on a mailbox has been handed to the
/// transport (§3.4), then closes it.
pub fn drain_and_close(mailbox: &SocketShared) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let fd = {
            let mut st = mailbox.lock();
            if st.is_closed() || st.peer_count() == 0 || st.peer_end.is_some() {
                None
            } else {
                st.send_fd()
            }
        };
        let Some(fd) = fd else { break };
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        let ms = (deadline - now).as_millis().min(100) as libc::c_int;
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: `p` is a valid pollfd for the duration of the call and the count is 1.
        let n = unsafe { libc::poll(&mut p, 1, ms) };
        if n > 0 {
            // nng's send descriptor is readable when the socket can take a message at
            // once, that is when the previous one left the socket.
            break;
        }
    }
    mailbox.close();
}

/// Opens a mailbox (a PAIR socket with the mailbox role) and dials `endpoint`
/// synchronously (the child side of `spawn`, §9.2).
pub fn connect_mailbox(endpoint: &str) -> Result<Arc<SocketShared>, String> {
    let mailbox = SocketShared::open(crate::net::Protocol::Pair).map_err(|e| e.to_string())?;
    mailbox.lock().role = Role::Mailbox;
    let dialed = mailbox
        .nng_socket()
        .ok_or(nng::Error::Closed)
        .and_then(|s| nng::Dialer::new(&s, endpoint, false).map(|_| ()));
    if let Err(e) = dialed {
        mailbox.close();
        return Err(e.to_string());
    }
    Ok(mailbox)
}

/// Installs `mailbox` as the VM's `(current-mailbox)`.
pub fn install_mailbox(vm: &mut eta_vm::Vm, mailbox: Arc<SocketShared>) {
    vm.with_ctx(move |ctx| {
        ctx.st.mailbox = crate::net::socket::socket_value(ctx, mailbox);
    });
}

/// `(current-mailbox)` ;; inside an actor => #<nng-socket pair>, elsewhere => ()
fn current_mailbox<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    let mb = ctx.st.mailbox;
    Ok(if as_socket(&mb).is_some() {
        mb
    } else {
        Value::Nil
    })
}

/// The actor builtins.
pub static NATIVES: &[eta_vm::Native] = eta_vm::natives![
    "current-mailbox", 0, Some(0), Simple(current_mailbox);
    "spawn", 1, None, Simple(process::spawn);
    "spawn-wait", 1, Some(2), Simple(process::spawn_wait);
    "spawn-kill", 1, Some(1), Simple(process::spawn_kill);
    "spawn-thread", 1, Some(1), Simple(thread::spawn_thread);
    "spawn-thread-with", 2, None, Simple(thread::spawn_thread_with);
    "thread-join", 1, Some(2), Simple(thread::thread_join);
    "thread-alive?", 1, Some(1), Simple(thread::thread_alive);
];
