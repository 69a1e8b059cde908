//! Messages and synchronous operations at nng's C interface: [`Msg`], an owned
//! `nng_msg`, and [`SyncAio`], an `nng_aio` without a completion callback that a socket
//! allocates once and reuses for every send and receive.
//!
//! Why not `nng::Socket::try_recv`/`try_send`: each of those allocates and frees an
//! aio, and nng 1.4 draws a random number (a `getrandom(2)` system call with current
//! glibc) for every aio it initialises, so every message paid a system call or two
//! before it moved. A callback-less aio also completes on the thread that finishes the
//! operation, which wakes the waiter through nng's condition variable directly: no
//! hand-off to nng's task threads as with the crate's `Aio` callbacks.

use nng::ffi as sys;
use std::num::NonZeroU32;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::time::Instant;

/// An owned nng message (freed on drop unless handed to nng).
pub struct Msg(NonNull<sys::nng_msg>);

// SAFETY: an nng message is a plain heap buffer owned by exactly one holder at a time;
// nng allows it to be used and freed from any thread.
unsafe impl Send for Msg {}

impl Msg {
    /// A message holding a copy of `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Msg, nng::Error> {
        let mut p: *mut sys::nng_msg = std::ptr::null_mut();
        // SAFETY: `p` is a valid out-pointer; on success nng stores a message with a body
        // of `bytes.len()` bytes, which we fill before anyone else sees it.
        unsafe {
            check(sys::nng_msg_alloc(&mut p, bytes.len()))?;
            let p = NonNull::new(p).ok_or(nng::Error::OutOfMemory)?;
            if !bytes.is_empty() {
                std::ptr::copy_nonoverlapping(
                    bytes.as_ptr(),
                    sys::nng_msg_body(p.as_ptr()).cast::<u8>(),
                    bytes.len(),
                );
            }
            Ok(Msg(p))
        }
    }

    /// The message body.
    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: the message is alive while `self` is; nng's body pointer is valid for
        // `nng_msg_len` bytes and is not changed while we hold the message.
        unsafe {
            let len = sys::nng_msg_len(self.0.as_ptr());
            if len == 0 {
                return &[];
            }
            std::slice::from_raw_parts(sys::nng_msg_body(self.0.as_ptr()).cast::<u8>(), len)
        }
    }

    /// Gives up ownership (nng takes the message).
    fn into_raw(self) -> *mut sys::nng_msg {
        let p = self.0.as_ptr();
        std::mem::forget(self);
        p
    }
}

impl Drop for Msg {
    fn drop(&mut self) {
        // SAFETY: we own the message and nobody else refers to it.
        unsafe { sys::nng_msg_free(self.0.as_ptr()) }
    }
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Msg({} bytes)", self.as_slice().len())
    }
}

/// nng's result code as a `Result`.
fn check(rv: std::os::raw::c_int) -> Result<(), nng::Error> {
    match NonZeroU32::new(rv.unsigned_abs()) {
        None => Ok(()),
        Some(e) => Err(nng::Error::from(e)),
    }
}

/// How long an operation may wait, in nng's terms.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Complete at once or fail with `TimedOut` (nng's non-blocking mode).
    Zero,
    /// Until this instant.
    Until(Instant),
    /// Without limit.
    Forever,
}

impl Wait {
    fn duration(self) -> sys::nng_duration {
        match self {
            Wait::Zero => 0,
            Wait::Forever => sys::NNG_DURATION_INFINITE,
            Wait::Until(d) => {
                // Rounded up (never ends before the deadline) and at least 1 ms (0 would
                // mean "do not wait"); callers check an expired deadline themselves.
                let ms = d
                    .saturating_duration_since(Instant::now())
                    .as_nanos()
                    .div_ceil(1_000_000)
                    .max(1);
                sys::nng_duration::try_from(ms).unwrap_or(sys::nng_duration::MAX)
            }
        }
    }
}

/// A reusable nng aio without a callback. At most one operation runs on it at a time;
/// its owner makes sure of that (a lock, or a single thread), and always waits for an
/// operation to finish before starting the next one.
pub struct SyncAio {
    aio: NonNull<sys::nng_aio>,
    /// The message of the running send: nng owns it once the send succeeds, the
    /// caller again if it fails (as with `nng_sendmsg`).
    sending: AtomicPtr<sys::nng_msg>,
}

// SAFETY: nng's aio functions may be called from any thread; `cancel` and `wait` are
// explicitly safe to call concurrently with a running operation, and the owner
// serialises starting operations (see the type's documentation).
unsafe impl Send for SyncAio {}
// SAFETY: as above.
unsafe impl Sync for SyncAio {}

impl SyncAio {
    /// Allocates the aio.
    pub fn new() -> Result<SyncAio, nng::Error> {
        let mut p: *mut sys::nng_aio = std::ptr::null_mut();
        // SAFETY: a valid out-pointer and no callback (a synchronous aio).
        unsafe { check(sys::nng_aio_alloc(&mut p, None, std::ptr::null_mut()))? };
        let aio = NonNull::new(p).ok_or(nng::Error::OutOfMemory)?;
        Ok(SyncAio {
            aio,
            sending: AtomicPtr::new(std::ptr::null_mut()),
        })
    }

    /// Starts receiving a message on `socket`.
    pub fn start_recv(&self, socket: sys::nng_socket, wait: Wait) {
        // SAFETY: the aio is idle (type invariant); nng looks the socket id up and reports
        // a closed socket as an error through the aio.
        unsafe {
            sys::nng_aio_set_timeout(self.aio.as_ptr(), wait.duration());
            sys::nng_recv_aio(socket, self.aio.as_ptr());
        }
    }

    /// Starts sending `msg` on `socket`; nng owns the message until the operation ends
    /// (a failed send gives it back through [`SyncAio::finish`]).
    pub fn start_send(&self, socket: sys::nng_socket, msg: Msg, wait: Wait) {
        // SAFETY: as in `start_recv`; the message's ownership passes to the aio.
        unsafe {
            let msg = msg.into_raw();
            self.sending.store(msg, Ordering::Relaxed);
            sys::nng_aio_set_timeout(self.aio.as_ptr(), wait.duration());
            sys::nng_aio_set_msg(self.aio.as_ptr(), msg);
            sys::nng_send_aio(socket, self.aio.as_ptr());
        }
    }

    /// Waits until the running operation (if any) has ended, and returns its outcome:
    /// `Ok(Some(message))` for a completed receive, `Ok(None)` for a completed send,
    /// `Err((message, error))` for a failure (the message of a failed send comes back).
    pub fn finish(&self) -> Result<Option<Msg>, (Option<Msg>, nng::Error)> {
        // SAFETY: the aio is alive; after `nng_aio_wait` no operation runs. A completed
        // receive leaves its message in the aio, which becomes ours; a send's message is
        // nng's once it succeeded (the aio may still point to it: never freed here) and
        // ours again when it failed.
        unsafe {
            sys::nng_aio_wait(self.aio.as_ptr());
            let rv = sys::nng_aio_result(self.aio.as_ptr());
            let got = sys::nng_aio_get_msg(self.aio.as_ptr());
            sys::nng_aio_set_msg(self.aio.as_ptr(), std::ptr::null_mut());
            let sent = NonNull::new(self.sending.swap(std::ptr::null_mut(), Ordering::Relaxed));
            match (check(rv), sent) {
                (Ok(()), Some(_)) => Ok(None),
                (Err(e), Some(m)) => Err((Some(Msg(m)), e)),
                (Ok(()), None) => Ok(NonNull::new(got).map(Msg)),
                (Err(e), None) => Err((None, e)),
            }
        }
    }

    /// Cancels the running operation (no effect when none runs or it already ended);
    /// it then ends with `Canceled` unless it completed first. Any thread may call it.
    pub fn cancel(&self) {
        // SAFETY: the aio is alive; cancelling is safe at any time.
        unsafe { sys::nng_aio_cancel(self.aio.as_ptr()) }
    }

    /// One receive that does not wait: `Ok(None)` when nothing is queued.
    pub fn try_recv(&self, socket: sys::nng_socket) -> Result<Option<Msg>, nng::Error> {
        self.start_recv(socket, Wait::Zero);
        match self.finish() {
            Ok(m) => Ok(m),
            Err((_, nng::Error::TimedOut)) => Ok(None),
            Err((_, e)) => Err(e),
        }
    }

    /// One send that does not wait: the message comes back with `TryAgain` when nng
    /// cannot take it at once.
    pub fn try_send(
        &self,
        socket: sys::nng_socket,
        msg: Msg,
    ) -> Result<(), (Option<Msg>, nng::Error)> {
        self.start_send(socket, msg, Wait::Zero);
        match self.finish() {
            Ok(_) => Ok(()),
            Err((m, nng::Error::TimedOut)) => Err((m, nng::Error::TryAgain)),
            Err(e) => Err(e),
        }
    }
}

impl Drop for SyncAio {
    fn drop(&mut self) {
        // Nothing runs here normally; a message still held is freed with its `Msg`.
        self.cancel();
        let _ = self.finish();
        // SAFETY: we own the aio and no operation runs on it.
        unsafe { sys::nng_aio_free(self.aio.as_ptr()) }
    }
}
