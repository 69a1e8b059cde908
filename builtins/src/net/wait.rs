//! Blocking waits of the networking builtins (networking spec §1.3): one `poll(2)` on
//! nng's notification descriptors, the sockets' wake-up descriptors and the VM's
//! interrupt descriptor, with the remaining time until a deadline. Never a busy wait,
//! never a sleep in fixed steps; every wait flushes standard output first.

use eta_vm::Host;
use std::os::fd::RawFd;
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
