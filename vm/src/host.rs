//! `Host`: the part of the VM state that holds no GC pointers — the linker (module
//! registry and global names), limits, well-known slots and the buffered standard output.

use eta_compiler::Linker;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// Default maximum number of active frames (spec §12).
pub const DEFAULT_MAX_DEPTH: usize = 10_000_000;

/// Non-GC VM state.
pub struct Host {
    /// Module registry, global slot names, sources.
    pub linker: Linker,
    /// The configured depth limit.
    pub max_depth: usize,
    /// The limit in force right now (raised temporarily while a limit error is handled).
    pub depth_limit: usize,
    /// The handlers of a depth-limit error went past the extended limit too: the next
    /// raise ends the program (or the REPL evaluation) instead of running handlers.
    pub depth_fatal: bool,
    /// Global slots of the builtins behind each inline primitive (slow paths).
    pub prim_slots: Vec<u32>,
    /// Global slot of `raise` (used for runtime errors).
    pub raise_slot: u32,
    /// Global slot of the prelude's `%continue` (continuation invocation).
    pub continue_slot: u32,
    /// Counter of top-level runs.
    pub run_id: u64,
    /// Full (re-enterable) continuations captured so far. `map` reads it before and
    /// after its loop: when it did not change, nothing can re-enter the loop and the
    /// result list it built may be reversed in place.
    pub captures: u64,
    /// Buffered standard output.
    pub stdout: Vec<u8>,
    /// Why standard output can no longer be written (a closed pipe, a full disk): set by
    /// [`Host::flush_out`], reported to the program by the output builtins.
    pub stdout_failed: Option<std::io::Error>,
    /// Flush standard output at every newline (actors, terminals).
    pub line_flush: bool,
    /// Whether everything written to standard output so far ends with a newline (the
    /// REPL starts results and prompts on a fresh line).
    pub out_line_start: bool,
    /// Set from another thread (Ctrl-C) to interrupt the running program.
    pub interrupt: Arc<AtomicBool>,
    /// Becomes readable when an interrupt is requested through [`InterruptHandle::request`]
    /// or [`Host::request_interrupt`], so that blocking waits in `poll(2)` wake up (see
    /// [`Host::interrupt_fd`]); `None` if the descriptor could not be created.
    pub interrupt_wake: Option<Arc<WakeFd>>,
    /// Ends a wait that does not watch [`Host::interrupt_fd`] (a wait for an nng
    /// operation): set for the duration of such a wait, called by
    /// [`InterruptHandle::request`] after it sets the flag.
    pub interrupt_waker: Arc<Mutex<Option<InterruptWaker>>>,
    /// The program's command-line arguments (after the script).
    pub args: Vec<String>,
    /// The script path or `-e` / `etai` (first element of `command-line`).
    pub program: String,
    /// Output file ports not closed yet (dead entries are pruned), flushed at exit.
    pub open_files: Vec<Weak<Mutex<std::io::BufWriter<std::fs::File>>>>,
    /// Renders the diagnostic of an uncaught error (set by the executable, which owns
    /// the renderer; thread actors use it for their failure reports).
    pub render_uncaught: Option<fn(&Host, &crate::Uncaught) -> String>,
    /// The embedded standard library (set by the executable), for the VMs of thread
    /// actors.
    pub stdlib: Option<fn() -> std::collections::HashMap<String, &'static str>>,
}

impl Host {
    /// A host around a linker.
    pub fn new(linker: Linker) -> Self {
        let max_depth = std::env::var("ETA_MAX_DEPTH")
            .ok()
            .and_then(|s| s.trim().parse::<usize>().ok())
            .filter(|n| *n > 0)
            .unwrap_or(DEFAULT_MAX_DEPTH);
        Host {
            linker,
            max_depth,
            depth_limit: max_depth,
            depth_fatal: false,
            prim_slots: Vec::new(),
            raise_slot: 0,
            continue_slot: 0,
            run_id: 0,
            captures: 0,
            stdout: Vec::with_capacity(8192),
            stdout_failed: None,
            line_flush: false,
            out_line_start: true,
            interrupt: Arc::new(AtomicBool::new(false)),
            interrupt_wake: WakeFd::new().ok().map(Arc::new),
            interrupt_waker: Arc::new(Mutex::new(None)),
            args: Vec::new(),
            program: "etai".into(),
            open_files: Vec::new(),
            render_uncaught: None,
            stdlib: None,
        }
    }

    /// The name of global slot `g`.
    pub fn global_name(&self, g: u32) -> String {
        self.linker.global_name(g).to_string()
    }

    /// Appends program output, flushing when the buffer is large or a line ended in
    /// line-flush mode.
    pub fn write_out(&mut self, s: &str) {
        if let Some(&last) = s.as_bytes().last() {
            self.out_line_start = last == b'\n';
        }
        self.stdout.extend_from_slice(s.as_bytes());
        if self.stdout.len() >= 64 * 1024 || (self.line_flush && s.contains('\n')) {
            self.flush_out();
        }
    }

    /// Writes buffered output to the process's standard output.
    pub fn flush_out(&mut self) {
        if self.stdout.is_empty() {
            return;
        }
        let mut out = std::io::stdout().lock();
        // A closed stdout (`etai prog | head`) must not crash the interpreter; the output
        // builtins raise the error (`stdout_failed`) so that the program stops writing.
        if let Err(e) = out.write_all(&self.stdout).and_then(|()| out.flush()) {
            self.stdout_failed.get_or_insert(e);
        }
        self.stdout.clear();
    }

    /// Remembers an output file so that [`Host::flush_all`] flushes it.
    pub fn register_file(&mut self, file: &crate::port::FileSink) {
        self.open_files.retain(|w| w.strong_count() > 0);
        self.open_files.push(Arc::downgrade(file));
    }

    /// Flushes standard output and every open output file port (at exit).
    pub fn flush_all(&mut self) {
        self.flush_out();
        self.open_files.retain(|file| match file.upgrade() {
            Some(f) => {
                let mut w = f.lock().unwrap_or_else(|e| e.into_inner());
                // Nobody is left to report a failure to at exit.
                let _ = w.flush();
                true
            }
            None => false,
        });
    }

    /// Whether an interrupt was requested (and clears the request).
    pub fn take_interrupt(&self) -> bool {
        let requested = self.interrupt.swap(false, Ordering::SeqCst);
        if requested {
            if let Some(w) = &self.interrupt_wake {
                w.drain();
            }
        }
        requested
    }

    /// Whether an interrupt is pending (the request stays in place).
    pub fn interrupt_pending(&self) -> bool {
        self.interrupt.load(Ordering::SeqCst)
    }

    /// The descriptor a blocking wait adds to its `poll(2)` set to notice an interrupt
    /// requested from another thread: it is readable while a request made through
    /// [`InterruptHandle::request`] is pending. A readable descriptor with the flag clear
    /// is stale (the flag was reset directly): drain it with [`Host::drain_interrupt_fd`].
    pub fn interrupt_fd(&self) -> Option<RawFd> {
        self.interrupt_wake.as_ref().map(|w| w.fd())
    }

    /// Empties the interrupt descriptor (after a stale wake-up).
    pub fn drain_interrupt_fd(&self) {
        if let Some(w) = &self.interrupt_wake {
            w.drain();
        }
    }

    /// Installs (or, with `None`, removes) the waker of a wait that does not watch the
    /// interrupt descriptor. Install it before checking [`Host::interrupt_pending`] and
    /// starting the wait: a request made after the check then reaches the waker.
    pub fn set_interrupt_waker(&self, waker: Option<InterruptWaker>) {
        *self
            .interrupt_waker
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = waker;
    }

    /// Requests an interrupt from the VM's own thread (sets the flag, wakes waits).
    pub fn request_interrupt(&self) {
        self.interrupt_handle().request();
    }

    /// A handle another thread (a Ctrl-C handler) uses to interrupt this VM: it sets the
    /// flag and wakes a blocked wait.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle {
            flag: self.interrupt.clone(),
            wake: self.interrupt_wake.clone(),
            waker: self.interrupt_waker.clone(),
        }
    }

    /// Makes this host use the flag and descriptor of `h` (the REPL keeps one handle for
    /// its Ctrl-C handler across VM resets).
    pub fn share_interrupt(&mut self, h: &InterruptHandle) {
        self.interrupt = h.flag.clone();
        self.interrupt_wake = h.wake.clone();
        self.interrupt_waker = h.waker.clone();
    }
}

/// Ends one wait of a VM from another thread (see [`Host::set_interrupt_waker`]).
pub type InterruptWaker = Arc<dyn Fn() + Send + Sync>;

/// Requests an interrupt of one VM from any thread; see [`Host::interrupt_handle`].
#[derive(Clone)]
pub struct InterruptHandle {
    flag: Arc<AtomicBool>,
    wake: Option<Arc<WakeFd>>,
    waker: Arc<Mutex<Option<InterruptWaker>>>,
}

impl InterruptHandle {
    /// Sets the VM's interrupt flag and wakes a wait blocked in `poll(2)`.
    pub fn request(&self) {
        self.flag.store(true, Ordering::SeqCst);
        if let Some(w) = &self.wake {
            w.wake();
        }
        // Called outside the lock: the waker takes locks of its own.
        let waker = self.waker.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(waker) = waker {
            waker();
        }
    }

    /// The interrupt flag itself.
    pub fn flag(&self) -> &Arc<AtomicBool> {
        &self.flag
    }
}

/// A wake-up descriptor: a connected pair of Unix stream sockets whose reading end
/// becomes readable when any thread calls [`WakeFd::wake`], for waits in `poll(2)` that
/// another thread must be able to end. Both ends are non-blocking; wake-ups coalesce.
/// [`WakeFd::close`] releases the descriptors at once (a closed socket must not hold
/// them until the GC frees it); waking a closed one does nothing.
#[derive(Debug)]
pub struct WakeFd {
    /// `(reading end, writing end)`; `None` once closed. Wakers from other threads go
    /// through the lock, so a closed descriptor number is never written to.
    ends: Mutex<Option<(UnixStream, UnixStream)>>,
    /// The reading end's number, `-1` once closed (poll(2) ignores negative ones).
    raw: AtomicI32,
}

impl WakeFd {
    /// A new, non-signalled descriptor pair.
    pub fn new() -> std::io::Result<WakeFd> {
        let (rx, tx) = UnixStream::pair()?;
        rx.set_nonblocking(true)?;
        tx.set_nonblocking(true)?;
        let raw = AtomicI32::new(rx.as_raw_fd());
        Ok(WakeFd {
            ends: Mutex::new(Some((rx, tx))),
            raw,
        })
    }

    fn ends(&self) -> std::sync::MutexGuard<'_, Option<(UnixStream, UnixStream)>> {
        self.ends.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes [`WakeFd::fd`] readable (until [`WakeFd::drain`]).
    pub fn wake(&self) {
        if let Some((_, tx)) = self.ends().as_ref() {
            // A full buffer (WouldBlock) means the descriptor is readable already.
            let _ = (&*tx).write(&[1]);
        }
    }

    /// Consumes every pending wake-up.
    pub fn drain(&self) {
        if let Some((rx, _)) = self.ends().as_ref() {
            let mut buf = [0u8; 64];
            while let Ok(n) = (&*rx).read(&mut buf) {
                if n < buf.len() {
                    break;
                }
            }
        }
    }

    /// Releases both descriptors; later wake-ups are ignored.
    pub fn close(&self) {
        let ends = self.ends().take();
        self.raw.store(-1, Ordering::SeqCst);
        drop(ends);
    }

    /// The descriptor to poll for readability (`-1` once closed).
    pub fn fd(&self) -> RawFd {
        self.raw.load(Ordering::SeqCst)
    }
}
