//! `Host`: the part of the VM state that holds no GC pointers — the linker (module
//! registry and global names), limits, well-known slots and the buffered standard output.

use eta_compiler::Linker;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
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
    /// Global slots of the builtins behind each inline primitive (slow paths).
    pub prim_slots: Vec<u32>,
    /// Global slot of `raise` (used for runtime errors).
    pub raise_slot: u32,
    /// Global slot of the prelude's `%continue` (continuation invocation).
    pub continue_slot: u32,
    /// Counter of top-level runs.
    pub run_id: u64,
    /// Buffered standard output.
    pub stdout: Vec<u8>,
    /// Flush standard output at every newline (actors, terminals).
    pub line_flush: bool,
    /// Set from another thread (Ctrl-C) to interrupt the running program.
    pub interrupt: Arc<AtomicBool>,
    /// The program's command-line arguments (after the script).
    pub args: Vec<String>,
    /// The script path or `-e` / `etai` (first element of `command-line`).
    pub program: String,
    /// Output file ports not closed yet (dead entries are pruned), flushed at exit.
    pub open_files: Vec<Weak<Mutex<std::io::BufWriter<std::fs::File>>>>,
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
            prim_slots: Vec::new(),
            raise_slot: 0,
            continue_slot: 0,
            run_id: 0,
            stdout: Vec::with_capacity(8192),
            line_flush: false,
            interrupt: Arc::new(AtomicBool::new(false)),
            args: Vec::new(),
            program: "etai".into(),
            open_files: Vec::new(),
        }
    }

    /// The name of global slot `g`.
    pub fn global_name(&self, g: u32) -> String {
        self.linker.global_name(g).to_string()
    }

    /// Appends program output, flushing when the buffer is large or a line ended in
    /// line-flush mode.
    pub fn write_out(&mut self, s: &str) {
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
        // A closed stdout (broken pipe) must not crash the interpreter.
        let _ = out.write_all(&self.stdout);
        let _ = out.flush();
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
        self.interrupt.swap(false, Ordering::SeqCst)
    }
}
