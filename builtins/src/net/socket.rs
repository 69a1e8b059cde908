//! The socket object (networking spec §1.1): an nng socket of one of the ten protocols
//! plus its Eta-side state, shared between the VM that owns the socket value and the
//! threads that nng (pipe events) and we (heartbeats, later the actor reaper) run.
//!
//! [`SocketObj`] is the heap object (a [`Foreign`]); it holds an `Arc<SocketShared>`.
//! Everything another thread may touch lives in [`SocketShared`]: the [`State`] behind a
//! mutex (the nng socket itself, subscriptions, the queue of received-but-undelivered
//! [`Item`]s, monitor and heartbeat state, cached options, the peer's end for actor
//! sockets), the [`Waiter`] of the owning VM's blocking sends and receives, and a
//! wake-up descriptor. Anyone who queues an event calls [`SocketShared::notify`], which
//! ends a send or receive the VM is waiting for and makes the descriptor readable for a
//! VM blocked in `nng-poll`. No GC pointer is ever stored here.
//!
//! Lock discipline: the state mutex is held only around non-blocking nng calls
//! ([`State::try_recv`], [`State::try_send`], options). It is never held across
//! `nng_dial`, `nng_listen` or `nng_close`, because those wait for pipe callbacks, which
//! take the mutex, nor across a blocking wait of the [`Waiter`].

use super::aio::{Msg, SyncAio};
use super::nng_error::closed;
use super::wait::Waiter;
use eta_vm::host::{InterruptWaker, WakeFd};
use eta_vm::{Ctx, Error, Foreign, ForeignObj, Gc, Value};
use nng::options::protocol::survey::SurveyTime;
use nng::options::{Options as _, RecvFd, RecvMaxSize, SendFd};
use nng::{Pipe, PipeEvent};
use std::collections::{HashSet, VecDeque};
use std::os::fd::RawFd;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

/// The ten scalability protocols (always version 0, spec §1.1).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// `pair` (pair0).
    Pair,
    /// `req` (req0).
    Req,
    /// `rep` (rep0).
    Rep,
    /// `pub` (pub0).
    Pub,
    /// `sub` (sub0).
    Sub,
    /// `push` (push0).
    Push,
    /// `pull` (pull0).
    Pull,
    /// `surveyor` (surveyor0).
    Surveyor,
    /// `respondent` (respondent0).
    Respondent,
    /// `bus` (bus0).
    Bus,
}

impl Protocol {
    /// Every protocol, in the order of the spec's table.
    pub const ALL: [Protocol; 10] = [
        Protocol::Pair,
        Protocol::Req,
        Protocol::Rep,
        Protocol::Pub,
        Protocol::Sub,
        Protocol::Push,
        Protocol::Pull,
        Protocol::Surveyor,
        Protocol::Respondent,
        Protocol::Bus,
    ];

    /// The Eta symbol naming the protocol.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Pair => "pair",
            Protocol::Req => "req",
            Protocol::Rep => "rep",
            Protocol::Pub => "pub",
            Protocol::Sub => "sub",
            Protocol::Push => "push",
            Protocol::Pull => "pull",
            Protocol::Surveyor => "surveyor",
            Protocol::Respondent => "respondent",
            Protocol::Bus => "bus",
        }
    }

    /// The protocol named by an Eta symbol.
    pub fn from_name(name: &str) -> Option<Protocol> {
        Protocol::ALL.into_iter().find(|p| p.name() == name)
    }

    fn nng(self) -> nng::Protocol {
        match self {
            Protocol::Pair => nng::Protocol::Pair0,
            Protocol::Req => nng::Protocol::Req0,
            Protocol::Rep => nng::Protocol::Rep0,
            Protocol::Pub => nng::Protocol::Pub0,
            Protocol::Sub => nng::Protocol::Sub0,
            Protocol::Push => nng::Protocol::Push0,
            Protocol::Pull => nng::Protocol::Pull0,
            Protocol::Surveyor => nng::Protocol::Surveyor0,
            Protocol::Respondent => nng::Protocol::Respondent0,
            Protocol::Bus => nng::Protocol::Bus0,
        }
    }

    /// Whether sockets of this protocol receive messages (all but `pub` and `push`).
    pub fn receives(self) -> bool {
        !matches!(self, Protocol::Pub | Protocol::Push)
    }

    /// Whether sockets of this protocol send messages (all but `sub` and `pull`).
    pub fn sends(self) -> bool {
        !matches!(self, Protocol::Sub | Protocol::Pull)
    }
}

/// Why a peer went away (spec §11.1): the REASON of `(down SOCK REASON)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// `normal`: exit status 0, or the thread's thunk returned.
    Normal,
    /// `killed`: ended by `spawn-kill` or a supervisor's shutdown.
    Killed,
    /// `(exit N)`.
    Exit(i32),
    /// `(signal N)`.
    Signal(i32),
    /// `(error "MESSAGE")`.
    Error(String),
    /// `disconnected`: a peer of a plain socket, or a mailbox's parent, went away.
    Disconnected,
    /// `heartbeat-timeout`: no pong for three heartbeat intervals (§12.3).
    HeartbeatTimeout,
}

impl Reason {
    /// The reason as an Eta value (`normal`, `(exit 3)`, `(error "boom")`, ...).
    pub fn to_value<'gc>(&self, ctx: &mut Ctx<'_, 'gc>) -> Value<'gc> {
        let tagged = |ctx: &mut Ctx<'_, 'gc>, tag: &str, v: Value<'gc>| {
            let t = ctx.sym(tag);
            let tail = Value::cons(ctx.mc, v, Value::Nil);
            Value::cons(ctx.mc, t, tail)
        };
        match self {
            Reason::Normal => ctx.sym("normal"),
            Reason::Killed => ctx.sym("killed"),
            Reason::Disconnected => ctx.sym("disconnected"),
            Reason::HeartbeatTimeout => ctx.sym("heartbeat-timeout"),
            Reason::Exit(n) => tagged(ctx, "exit", Value::Int(i64::from(*n))),
            Reason::Signal(n) => tagged(ctx, "signal", Value::Int(i64::from(*n))),
            Reason::Error(m) => {
                let s = Value::string(ctx.mc, m);
                tagged(ctx, "error", s)
            }
        }
    }

    /// Whether `recv!` treats the termination as normal (`normal`, `killed`).
    pub fn is_normal(&self) -> bool {
        matches!(self, Reason::Normal | Reason::Killed)
    }
}

/// One element of a socket's receive stream that was taken out of nng but not yet
/// delivered to the program.
pub enum Item {
    /// A message read from nng (by `nng-poll`, or drained before a notification). It is
    /// classified again on delivery (heartbeat frames, subscription filter).
    Message(Msg),
    /// A `(down SOCK REASON)` notification.
    Down(Reason),
}

/// What a socket is to the runtime (spec §1.4).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// A socket opened by `nng-socket`: a missing peer is "not connected yet".
    Plain,
    /// The parent's end of an actor pair (`spawn`, `spawn-thread*`).
    Handle,
    /// The actor's own end (`current-mailbox`).
    Mailbox,
}

/// The final end of the peer of an actor handle or a mailbox.
#[derive(Clone, Debug)]
pub struct PeerEnd {
    /// Why it ended.
    pub reason: Reason,
    /// Whether a monitor notification already reported it (then `recv!` returns `#f`).
    pub reported: bool,
}

/// Heartbeat state of a `pair` socket (§12.3).
#[derive(Debug)]
pub struct Heartbeat {
    /// Distinguishes the current heartbeat thread from replaced ones.
    pub(crate) generation: u64,
    /// The ping interval.
    pub(crate) interval: Duration,
    /// A pong was received since the last tick.
    pub(crate) pong_seen: bool,
    /// Consecutive intervals without a pong.
    pub(crate) missed: u32,
}

/// Option values the runtime needs itself (spec §6); the others are read from nng.
#[derive(Clone, Debug)]
pub struct CachedOptions {
    /// `recv-timeout` in ms, `-1` = no limit.
    pub recv_timeout: i64,
    /// `send-timeout` in ms, `-1` = no limit.
    pub send_timeout: i64,
    /// `max-message-size` in bytes, `0` = unlimited.
    pub max_message_size: usize,
    /// `survey-time` in ms.
    pub survey_time: i64,
    /// `resend-time` in ms, `-1` = never.
    pub resend_time: i64,
    /// `reconnect-min-time` in ms.
    pub reconnect_min: i64,
    /// `reconnect-max-time` in ms, `0` = same as the minimum.
    pub reconnect_max: i64,
    /// `dial-timeout` in ms, `-1` = no limit.
    pub dial_timeout: i64,
    /// `tcp-nodelay`.
    pub tcp_nodelay: bool,
    /// `tcp-keepalive`.
    pub tcp_keepalive: bool,
}

/// The default `max-message-size`: 64 MiB.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 64 * 1024 * 1024;

impl Default for CachedOptions {
    fn default() -> Self {
        CachedOptions {
            recv_timeout: 1000,
            send_timeout: -1,
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            survey_time: 1000,
            resend_time: 60_000,
            reconnect_min: 100,
            reconnect_max: 0,
            dial_timeout: 5000,
            tcp_nodelay: true,
            tcp_keepalive: false,
        }
    }
}

/// The mutable state of a socket, behind [`SocketShared`]'s mutex.
pub struct State {
    /// The nng socket; `None` once closed.
    pub(crate) socket: Option<nng::Socket>,
    /// Set by `nng-close` before nng closes the pipes: our own close produces no `down`.
    pub(crate) closing: bool,
    /// Eta topic subscriptions of a `sub` socket (UTF-8 bytes of each topic's text).
    pub subscriptions: Vec<Vec<u8>>,
    /// Received-but-undelivered items, in arrival order.
    pub queue: VecDeque<Item>,
    /// Whether `monitor` is on.
    pub monitored: bool,
    /// Pipes currently connected (added and not yet removed).
    pub(crate) pipes: HashSet<Pipe>,
    /// Whether a pipe was ever added. An actor handle whose actor ended before nng
    /// added its pipe waits for the pipe (and the messages on it) before reporting the
    /// end, for [`ACTOR_END_GRACE`] at most.
    pub(crate) ever_connected: bool,
    /// Heartbeat state, if enabled.
    pub(crate) heartbeat: Option<Heartbeat>,
    /// Cached option values.
    pub options: CachedOptions,
    /// On a `surveyor`: when the current survey ends (set by each send).
    pub survey_deadline: Option<Instant>,
    /// Port of the most recent tcp listener.
    pub bound_port: Option<u16>,
    /// Plain socket, actor handle or mailbox.
    pub role: Role,
    /// On an actor handle or mailbox: the peer's final end, once known.
    pub peer_end: Option<PeerEnd>,
    /// On an actor handle: the actor's termination reason once the actor has ended; it
    /// becomes [`State::peer_end`] when no pipe to the actor remains (so every message
    /// the actor sent is delivered first).
    pub actor_end: Option<Reason>,
    /// Run once when the socket is closed (for example removing a socket file).
    pub on_close: Vec<Box<dyn FnOnce() + Send>>,
    /// Runtime bookkeeping of other layers (actors), owned by the socket.
    pub ext: Option<Box<dyn std::any::Any + Send>>,
    recv_fd: Option<Option<RawFd>>,
    send_fd: Option<Option<RawFd>>,
    /// The aios of the non-blocking receives and sends made under the lock (from any
    /// thread: the VM, pipe callbacks, the heartbeat).
    nb_recv: SyncAio,
    nb_send: SyncAio,
}

impl State {
    /// The open nng socket.
    pub fn socket(&self) -> Option<&nng::Socket> {
        self.socket.as_ref()
    }

    /// Whether the socket was closed.
    pub fn is_closed(&self) -> bool {
        self.socket.is_none()
    }

    /// Number of connected peers.
    pub fn peer_count(&self) -> usize {
        self.pipes.len()
    }

    /// Takes a message nng holds for this socket without waiting (`Ok(None)`: none).
    pub(crate) fn try_recv(&mut self) -> Result<Option<Msg>, nng::Error> {
        let Some(sock) = self.socket.as_ref() else {
            return Err(nng::Error::Closed);
        };
        self.nb_recv.try_recv(sock.nng_socket())
    }

    /// Sends a message if nng can take it at once (`TryAgain` otherwise).
    pub(crate) fn try_send(&mut self, msg: Msg) -> Result<(), nng::Error> {
        let Some(sock) = self.socket.as_ref() else {
            return Err(nng::Error::Closed);
        };
        self.nb_send
            .try_send(sock.nng_socket(), msg)
            .map_err(|(_, e)| e)
    }

    /// Moves every message nng holds for this socket into the queue, so that an event
    /// queued right after comes after every message that arrived before it.
    pub fn drain_nng(&mut self) {
        while let Ok(Some(m)) = self.try_recv() {
            self.queue.push_back(Item::Message(m));
        }
    }

    /// Queues `(down SOCK REASON)` after every message received so far. The caller
    /// wakes waiters with [`SocketShared::notify`] once the lock is released.
    pub fn push_down(&mut self, reason: Reason) {
        self.drain_nng();
        self.queue.push_back(Item::Down(reason));
    }

    /// On an actor handle whose actor has ended and has no pipe left: records the end
    /// (after every message received so far) and queues the monitor's `down`. Returns
    /// whether something changed (the caller then wakes waiters). An actor that ended
    /// before nng added its pipe (the child dialed, sent and exited before the parent's
    /// side accepted the connection) is not settled until that pipe has come and gone,
    /// unless `give_up_on_pipe` (once [`ACTOR_END_GRACE`] has passed).
    pub fn settle_actor_end(&mut self, give_up_on_pipe: bool) -> bool {
        if self.role != Role::Handle
            || self.peer_end.is_some()
            || !self.pipes.is_empty()
            || !(self.ever_connected || give_up_on_pipe)
        {
            return false;
        }
        let Some(reason) = self.actor_end.clone() else {
            return false;
        };
        self.drain_nng();
        if self.monitored {
            self.push_down(reason.clone());
        }
        self.peer_end = Some(PeerEnd {
            reason,
            reported: false,
        });
        true
    }

    /// On a mailbox: the parent is gone for good (its pipe was removed, or, for a thread
    /// actor, its handle was closed); what it sent is still delivered (nng drops a
    /// message held by a stopped pipe, so take it now). The caller wakes waiters.
    /// Whether this changed anything (the first time only).
    pub fn parent_gone(&mut self) -> bool {
        self.drain_nng();
        if self.peer_end.is_some() {
            return false;
        }
        self.peer_end = Some(PeerEnd {
            reason: Reason::Disconnected,
            reported: false,
        });
        if self.monitored {
            self.push_down(Reason::Disconnected);
        }
        true
    }

    /// nng's receive-notification descriptor (`None` for protocols that never receive).
    pub(crate) fn recv_fd(&mut self) -> Option<RawFd> {
        if self.recv_fd.is_none() {
            let fd = self
                .socket
                .as_ref()
                .and_then(|s| s.get_opt::<RecvFd>().ok());
            self.recv_fd = Some(fd);
        }
        self.recv_fd.flatten()
    }

    /// nng's send-readiness descriptor (`None` for protocols that never send).
    pub(crate) fn send_fd(&mut self) -> Option<RawFd> {
        if self.send_fd.is_none() {
            let fd = self
                .socket
                .as_ref()
                .and_then(|s| s.get_opt::<SendFd>().ok());
            self.send_fd = Some(fd);
        }
        self.send_fd.flatten()
    }

    /// Records a received pong for the heartbeat.
    pub(crate) fn pong(&mut self) {
        if let Some(hb) = self.heartbeat.as_mut() {
            hb.pong_seen = true;
        }
    }
}

/// The thread-safe part of a socket.
pub struct SocketShared {
    /// The protocol.
    pub protocol: Protocol,
    /// Readable when an event was queued (pipe removal, heartbeat timeout, actor end),
    /// for `nng-poll`.
    pub wake: Arc<WakeFd>,
    /// The nng socket's id, for operations started outside the lock (nng reports a
    /// closed socket through the operation).
    pub(crate) id: nng::ffi::nng_socket,
    state: Mutex<State>,
    /// The owning VM's blocking sends and receives.
    pub(crate) waiter: Arc<Waiter>,
    /// Ends the VM's send or receive on this socket when an interrupt is requested.
    pub(crate) interrupt_waker: InterruptWaker,
    /// Signalled when the heartbeat is replaced or the socket closed.
    pub(crate) heartbeat_cv: Condvar,
    /// Signalled when a pipe is added or removed (an ended actor's handle waits on it for
    /// its last pipe to go, [`SocketShared::wait_actor_settled`]).
    pipes_cv: Condvar,
}

impl SocketShared {
    /// Opens an nng socket with Eta's defaults (§1.1: receive timeout 1000 ms, send
    /// timeout infinite, `max-message-size` 64 MiB) and pipe notifications.
    pub fn open(protocol: Protocol) -> Result<Arc<SocketShared>, nng::Error> {
        let wake = WakeFd::new()
            .map_err(|e| nng::Error::SystemErr(e.raw_os_error().unwrap_or(libc::EMFILE) as u32))?;
        let socket = nng::Socket::new(protocol.nng())?;
        socket.set_opt::<RecvMaxSize>(DEFAULT_MAX_MESSAGE_SIZE)?;
        if protocol == Protocol::Surveyor {
            // nng 1.4 can deadlock when a survey is sent while the previous survey's
            // timer fires (surv0_ctx_send waits for the timer under the lock the timer
            // callback needs). Our `survey-time` deadline is kept by `send!`/`recv!`
            // (`State::survey_deadline`), so nng's own timer is set never to fire.
            socket.set_opt::<SurveyTime>(Some(NNG_SURVEY_TIME))?;
        }
        let waiter = Arc::new(Waiter::new()?);
        let interrupted = waiter.clone();
        let shared = Arc::new(SocketShared {
            protocol,
            wake: Arc::new(wake),
            id: socket.nng_socket(),
            waiter,
            interrupt_waker: Arc::new(move || interrupted.interrupt()),
            state: Mutex::new(State {
                socket: None,
                closing: false,
                subscriptions: Vec::new(),
                queue: VecDeque::new(),
                monitored: false,
                pipes: HashSet::new(),
                ever_connected: false,
                heartbeat: None,
                options: CachedOptions::default(),
                survey_deadline: None,
                bound_port: None,
                role: Role::Plain,
                peer_end: None,
                actor_end: None,
                on_close: Vec::new(),
                ext: None,
                recv_fd: None,
                send_fd: None,
                nb_recv: SyncAio::new()?,
                nb_send: SyncAio::new()?,
            }),
            heartbeat_cv: Condvar::new(),
            pipes_cv: Condvar::new(),
        });
        let weak = Arc::downgrade(&shared);
        socket.pipe_notify(move |pipe, ev| on_pipe_event(&weak, pipe, ev))?;
        shared.lock().socket = Some(socket);
        Ok(shared)
    }

    /// Locks the state (a poisoned lock is still usable: the state stays consistent
    /// between statements).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// On an actor handle whose actor has ended: waits at most `limit` for the end to be
    /// settled (the actor's pipe gone, every message it sent queued). Whether it was
    /// (a closed socket counts as settled).
    pub fn wait_actor_settled(&self, limit: std::time::Duration) -> bool {
        let deadline = Instant::now() + limit;
        let mut st = self.lock();
        loop {
            if st.peer_end.is_some() || st.is_closed() {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            st = match self.pipes_cv.wait_timeout(st, deadline - now) {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            };
        }
    }

    /// Wakes a VM waiting on this socket (call after queueing an event, without holding
    /// the state lock).
    pub fn notify(&self) {
        self.waiter.poke();
        self.wake.wake();
    }

    /// Wakes only the waits in `poll(2)` (`nng-poll`, peer counting): a peer came or
    /// went without anything a pending `recv!`/`send!` must look at, so their nng
    /// operations go on (cancelling one would also abandon a `req` request or a
    /// `surveyor` survey).
    pub fn wake_pollers(&self) {
        self.wake.wake();
    }

    /// Whether the socket was closed.
    pub fn is_closed(&self) -> bool {
        self.lock().is_closed()
    }

    /// A handle on the nng socket for a call that may wait for pipe callbacks (dial,
    /// listen): the state lock must not be held across such calls.
    pub(crate) fn nng_socket(&self) -> Option<nng::Socket> {
        self.lock().socket.clone()
    }

    /// Closes the socket (idempotent, spec §2 `nng-close`): discards queued items, stops
    /// the heartbeat and the monitor, then closes the nng socket; our own close produces
    /// no `down` notification.
    pub fn close(&self) {
        let (socket, hooks, pollables) = {
            let mut st = self.lock();
            let Some(socket) = st.socket.take() else {
                return;
            };
            st.closing = true;
            st.queue.clear();
            st.heartbeat = None;
            st.monitored = false;
            st.pipes.clear();
            let pollables = [st.recv_fd.take().flatten(), st.send_fd.take().flatten()];
            st.recv_fd = Some(None);
            st.send_fd = Some(None);
            (socket, std::mem::take(&mut st.on_close), pollables)
        };
        self.heartbeat_cv.notify_all();
        // Identify nng's pair0 readiness pipes while they are surely nng's.
        let leaked: Vec<(RawFd, (u64, u64))> = if self.protocol == Protocol::Pair {
            pollables
                .iter()
                .flatten()
                .filter_map(|&fd| pipe_inode(fd).map(|inode| (fd, inode)))
                .collect()
        } else {
            Vec::new()
        };
        socket.close();
        drop(socket);
        release_pair0_pollables(&leaked);
        for hook in hooks {
            hook();
        }
        self.notify();
        self.wake.close();
    }
}

/// nng 1.4's pair0 protocol never closes the pipes behind its readiness descriptors
/// (`pair0_sock_fini` lacks the `nni_pollable_fini` calls the other protocols make), so
/// every actor handle and mailbox would keep two descriptors per readiness pipe forever.
/// Once `nng_close` has returned, the socket is destroyed and nothing uses them again:
/// close both ends of each pipe here. `read_ends` pairs each reading end with its pipe
/// inode taken before the close; only descriptors still on that very pipe are closed
/// (so a descriptor number that was released and reused meanwhile is left alone).
fn release_pair0_pollables(read_ends: &[(RawFd, (u64, u64))]) {
    for &(fd, inode) in read_ends {
        if pipe_inode(fd) != Some(inode) {
            continue;
        }
        let mut ends = vec![fd];
        if let Ok(dir) = std::fs::read_dir("/proc/self/fd") {
            for entry in dir.flatten() {
                let other: Option<RawFd> = entry.file_name().to_str().and_then(|n| n.parse().ok());
                if let Some(other) = other.filter(|&o| o != fd) {
                    if pipe_inode(other) == Some(inode) {
                        ends.push(other);
                    }
                }
            }
        }
        for end in ends {
            // SAFETY: `end` is an end of the pipe nng created for the destroyed socket's
            // readiness descriptor (checked by inode just above); nng no longer refers to
            // it and no one else holds it, so closing it cannot affect other code.
            unsafe { libc::close(end) };
        }
    }
}

/// The inode of the pipe open as `fd`, if `fd` is a pipe.
fn pipe_inode(fd: RawFd) -> Option<(u64, u64)> {
    // SAFETY: `stat` is a plain C struct for which all-zero bytes are valid, and
    // fstat(2) only writes into it; an invalid descriptor just fails.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: as above: a valid pointer to a `stat` buffer.
    if unsafe { libc::fstat(fd, &mut st) } != 0 || (st.st_mode & libc::S_IFMT) != libc::S_IFIFO {
        return None;
    }
    Some((st.st_dev as u64, st.st_ino as u64))
}

/// The pipe-event callback, run on nng's threads: it only updates the shared state and
/// wakes the VM, and never panics.
fn on_pipe_event(weak: &Weak<SocketShared>, pipe: Pipe, ev: PipeEvent) {
    let Some(shared) = weak.upgrade() else {
        return;
    };
    let mut st = shared.lock();
    if st.closing {
        return;
    }
    match ev {
        PipeEvent::AddPost => {
            st.pipes.insert(pipe);
            st.ever_connected = true;
            drop(st);
            shared.pipes_cv.notify_all();
            shared.wake_pollers();
        }
        PipeEvent::RemovePost => {
            // A pipe nng rejected (a second peer on a pair socket) was never added.
            let queued = st.pipes.remove(&pipe)
                && match st.role {
                    Role::Plain => {
                        if st.monitored {
                            st.push_down(Reason::Disconnected);
                        }
                        st.monitored
                    }
                    Role::Mailbox => st.parent_gone(),
                    Role::Handle => {
                        st.drain_nng();
                        st.settle_actor_end(false)
                    }
                };
            drop(st);
            shared.pipes_cv.notify_all();
            if queued {
                shared.notify();
            } else {
                shared.wake_pollers();
            }
        }
        _ => {}
    }
}

/// How long an actor handle whose actor ended before its pipe was added waits for
/// that pipe before reporting the end anyway (an actor killed before it dialed).
pub const ACTOR_END_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

/// nng's own survey time on every surveyor: a day, far beyond any `survey-time`.
const NNG_SURVEY_TIME: std::time::Duration = std::time::Duration::from_secs(86_400);

/// The heap object of a socket.
pub struct SocketObj {
    /// The shared state.
    pub shared: Arc<SocketShared>,
}

impl Foreign for SocketObj {
    fn kind_name(&self) -> &'static str {
        "nng-socket"
    }
    fn print(&self) -> String {
        let closed = if self.shared.is_closed() {
            " closed"
        } else {
            ""
        };
        format!("#<nng-socket {}{closed}>", self.shared.protocol.name())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The GC freed the socket: it was unreachable, so close it.
impl Drop for SocketObj {
    fn drop(&mut self) {
        self.shared.close();
    }
}

/// A new socket value around shared state.
pub fn socket_value<'gc>(ctx: &mut Ctx<'_, 'gc>, shared: Arc<SocketShared>) -> Value<'gc> {
    Value::Foreign(Gc::new(ctx.mc, ForeignObj(Box::new(SocketObj { shared }))))
}

/// The socket inside a value, if it is one.
pub fn as_socket<'a>(v: &'a Value<'_>) -> Option<&'a Arc<SocketShared>> {
    match v {
        Value::Foreign(f) => f.0.as_any().downcast_ref::<SocketObj>().map(|s| &s.shared),
        _ => None,
    }
}

/// A socket argument (open or closed); `T` otherwise.
pub fn socket_arg<'gc>(who: &str, v: Value<'gc>) -> Result<Arc<SocketShared>, Error<'gc>> {
    as_socket(&v)
        .cloned()
        .ok_or_else(|| Error::type_error(who, "nng-socket", v))
}

/// An open socket argument: `T` for a non-socket, `"Object closed"` for a closed one.
pub fn open_socket_arg<'gc>(who: &str, v: Value<'gc>) -> Result<Arc<SocketShared>, Error<'gc>> {
    let s = socket_arg(who, v)?;
    if s.is_closed() {
        return Err(closed(who));
    }
    Ok(s)
}
