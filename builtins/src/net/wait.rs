//! Blocking waits of the networking builtins (networking spec §1.3). Waits on several
//! sockets (`nng-poll`, dial back-off) are one `poll(2)` on nng's notification
//! descriptors, the sockets' wake-up descriptors and the VM's interrupt descriptor, with
//! the remaining time until a deadline ([`FdSet`]). A send or receive on one socket
//! waits for its nng operation in nng's condition variable instead ([`Waiter`]): a
//! message then wakes the VM directly, without a descriptor written, polled and drained
//! for it. Never a busy wait, never a sleep in fixed steps; every wait flushes standard
//! output first.

use super::aio::{Msg, SyncAio, Wait};
use eta_vm::host::InterruptWaker;
use eta_vm::Host;
use std::os::fd::RawFd;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

/// A blocking wait ended because an interrupt (Ctrl-C) was requested.
#[derive(Debug)]
pub struct Interrupted;

/// A set of descriptors to wait on for readability (nng signals both receive and send
/// readiness by making its descriptors readable).
#[derive(Default)]
pub struct FdSet {
    fds: Vec<libc::pollfd>,
}

impl FdSet {
    /// An empty set.
    pub fn new() -> Self {
        FdSet::default()
    }

    /// Adds a descriptor; returns its index for [`FdSet::ready`]. `None` is ignored.
    pub fn add(&mut self, fd: Option<RawFd>) -> Option<usize> {
        let fd = fd?;
        self.fds.push(libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        });
        Some(self.fds.len() - 1)
    }

    /// Whether the descriptor at `index` was readable (or in error) after the last wait.
    pub fn ready(&self, index: Option<usize>) -> bool {
        index
            .and_then(|i| self.fds.get(i))
            .is_some_and(|p| p.revents != 0)
    }

    /// Empties the set.
    pub fn clear(&mut self) {
        self.fds.clear();
    }

    /// Waits until a descriptor is readable, `deadline` passes (`None` = no limit; a past
    /// deadline checks once), or an interrupt is requested. Spurious returns are
    /// possible: callers re-check their condition and their deadline. Flushes the VM's
    /// standard output first.
    pub fn wait(&mut self, host: &mut Host, deadline: Option<Instant>) -> Result<(), Interrupted> {
        host.flush_out();
        let own = self.fds.len();
        if let Some(fd) = host.interrupt_fd() {
            self.fds.push(libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            });
        }
        let result = self.wait_inner(host, own, deadline);
        self.fds.truncate(own);
        result
    }

    fn wait_inner(
        &mut self,
        host: &Host,
        own: usize,
        deadline: Option<Instant>,
    ) -> Result<(), Interrupted> {
        loop {
            if host.interrupt_pending() {
                return Err(Interrupted);
            }
            for p in &mut self.fds {
                p.revents = 0;
            }
            let timeout = timeout_ms(deadline);
            // SAFETY: `fds` is a valid, exclusively borrowed array of `pollfd` of the given
            // length for the duration of the call; poll(2) only writes `revents`.
            let rc = unsafe {
                libc::poll(
                    self.fds.as_mut_ptr(),
                    self.fds.len() as libc::nfds_t,
                    timeout,
                )
            };
            if rc < 0 {
                if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                // Cannot happen with valid arguments; let the caller re-check.
                return Ok(());
            }
            let interrupt_fired = self.fds.get(own).is_some_and(|p| p.revents != 0);
            if interrupt_fired {
                if host.interrupt_pending() {
                    return Err(Interrupted);
                }
                // A stale wake-up (the flag was cleared directly): drop it and go on
                // waiting unless something else is ready too.
                host.drain_interrupt_fd();
                if rc == 1 {
                    continue;
                }
            }
            return Ok(());
        }
    }
}

/// The poll(2) timeout for a deadline: `-1` without one, else the remaining time in ms,
/// rounded up so that the wait never ends just before the deadline.
fn timeout_ms(deadline: Option<Instant>) -> libc::c_int {
    match deadline {
        None => -1,
        Some(d) => {
            let left = d.saturating_duration_since(Instant::now());
            let ms = left.as_nanos().div_ceil(1_000_000);
            libc::c_int::try_from(ms).unwrap_or(libc::c_int::MAX)
        }
    }
}

/// A deadline `ms` milliseconds from now (`None` when it cannot be represented).
pub fn deadline_after(ms: u64) -> Option<Instant> {
    Instant::now().checked_add(std::time::Duration::from_millis(ms))
}

/// Sleeps until `deadline` (a back-off between dial attempts), interruptibly.
pub fn sleep_until(host: &mut Host, deadline: Instant) -> Result<(), Interrupted> {
    let mut set = FdSet::new();
    while Instant::now() < deadline {
        set.wait(host, Some(deadline))?;
    }
    Ok(())
}

/// What a [`Waiter`] operation may be ended by besides its own completion or timeout.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Cancel {
    /// Socket events ([`Waiter::poke`]) and interrupts.
    OnEvent,
    /// Interrupts only: a cancelled send loses the request state of `rep` and
    /// `respondent` sockets, so a send on a plain socket does not stop for events; a
    /// cancelled receive abandons the request of a `req` socket and the survey of a
    /// `surveyor`, so their receives do not stop for events either.
    OnInterrupt,
}

/// The blocking operations of one socket's VM: a receive and a send, each on its own
/// reusable [`SyncAio`], waited for in nng's condition variable. A message that arrives
/// while the receive is pending completes it directly on the thread that delivered it,
/// with no descriptor written or polled. Events queued on the socket and interrupts end
/// a pending operation early by cancelling it ([`Waiter::poke`], [`Waiter::interrupt`]);
/// the caller then re-checks its state and starts again.
pub(crate) struct Waiter {
    recv: SyncAio,
    send: SyncAio,
    slot: Mutex<Slot>,
}

/// Which operations are pending, and whether an event came since [`Waiter::arm`].
#[derive(Default)]
struct Slot {
    poked: bool,
    recv: Option<Cancel>,
    send: Option<Cancel>,
}

impl Waiter {
    /// A waiter with its two aios.
    pub(crate) fn new() -> Result<Waiter, nng::Error> {
        Ok(Waiter {
            recv: SyncAio::new()?,
            send: SyncAio::new()?,
            slot: Mutex::new(Slot::default()),
        })
    }

    fn slot(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Forgets earlier events: call before checking the socket's state, so that an event
    /// queued after the check stops the operation started after it.
    pub(crate) fn arm(&self) {
        self.slot().poked = false;
    }

    /// Starts a receive; `false` (nothing started) if an event came since [`Waiter::arm`].
    pub(crate) fn start_recv(
        &self,
        socket: nng::ffi::nng_socket,
        wait: Wait,
        cancel: Cancel,
    ) -> bool {
        let mut slot = self.slot();
        if slot.poked {
            return false;
        }
        slot.recv = Some(cancel);
        self.recv.start_recv(socket, wait);
        true
    }

    /// Waits for the receive started by [`Waiter::start_recv`] to end.
    pub(crate) fn finish_recv(&self) -> Result<Option<Msg>, (Option<Msg>, nng::Error)> {
        let r = self.recv.finish();
        self.slot().recv = None;
        r
    }

    /// Starts a send; gives the message back if an event came since [`Waiter::arm`]
    /// and `cancel` is [`Cancel::OnEvent`].
    pub(crate) fn start_send(
        &self,
        socket: nng::ffi::nng_socket,
        msg: Msg,
        wait: Wait,
        cancel: Cancel,
    ) -> Result<(), Msg> {
        let mut slot = self.slot();
        if slot.poked && cancel == Cancel::OnEvent {
            return Err(msg);
        }
        slot.send = Some(cancel);
        self.send.start_send(socket, msg, wait);
        Ok(())
    }

    /// Cancels the running send at once.
    pub(crate) fn cancel_send(&self) {
        self.send.cancel();
    }

    /// Waits for the send started by [`Waiter::start_send`] to end.
    pub(crate) fn finish_send(&self) -> Result<Option<Msg>, (Option<Msg>, nng::Error)> {
        let r = self.send.finish();
        self.slot().send = None;
        r
    }

    /// Something was queued on the socket or its peer ended: a pending receive (and a
    /// send that stops for events) ends now, and one about to start does not start.
    pub(crate) fn poke(&self) {
        let mut slot = self.slot();
        slot.poked = true;
        if slot.recv == Some(Cancel::OnEvent) {
            self.recv.cancel();
        }
        if slot.send == Some(Cancel::OnEvent) {
            self.send.cancel();
        }
    }

    /// An interrupt was requested: every pending operation ends now.
    pub(crate) fn interrupt(&self) {
        let mut slot = self.slot();
        slot.poked = true;
        if slot.recv.is_some() {
            self.recv.cancel();
        }
        if slot.send.is_some() {
            self.send.cancel();
        }
    }
}

/// Makes `waker` end the calling VM's wait on interrupt, and checks for an interrupt
/// requested before: the guard removes the waker when the wait is over.
pub(crate) fn watch_interrupt<'h>(
    host: &'h mut Host,
    waker: &InterruptWaker,
) -> Result<InterruptGuard<'h>, Interrupted> {
    host.flush_out();
    host.set_interrupt_waker(Some(waker.clone()));
    let guard = InterruptGuard { host };
    if guard.host.interrupt_pending() {
        return Err(Interrupted);
    }
    Ok(guard)
}

/// Removes the interrupt waker installed by [`watch_interrupt`] when dropped.
pub(crate) struct InterruptGuard<'h> {
    host: &'h Host,
}

impl InterruptGuard<'_> {
    /// Whether an interrupt is pending now.
    pub(crate) fn pending(&self) -> bool {
        self.host.interrupt_pending()
    }
}

impl Drop for InterruptGuard<'_> {
    fn drop(&mut self) {
        self.host.set_interrupt_waker(None);
    }
}
