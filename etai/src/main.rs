//! `etai`: runs an Eta program (`etai FILE [ARGS...]`), evaluates expressions (`-e`),
//! or starts the REPL.

mod alloc;
mod cli;
mod diagnostics;
mod repl;
mod runner;

// Every Eta heap object is its own allocation and the collector frees each dead one:
// with glibc, malloc and free were a quarter of the instructions of allocation-heavy
// programs. mimalloc's thread-local size-class pages make both much cheaper, and its
// v2 size classes fit a pair (32 bytes plus gc-arena's 16-byte header) in 48 bytes
// where glibc takes 64. See alloc.rs for why not `mimalloc::MiMalloc` itself. It is
// built without transparent huge pages (`no_thp`): with them, every segment it touched
// cost a zero-filled 2 MiB page, so a one-line script was 13 MB resident, not 6 MB.
#[global_allocator]
static GLOBAL: alloc::Mimalloc = alloc::Mimalloc;

/// mimalloc's `mi_option_purge_delay` (its option enum, mimalloc.h, v2).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc's default purge delay in milliseconds (mimalloc.h).
const DEFAULT_PURGE_DELAY_MS: std::ffi::c_long = 10;

/// How long mimalloc keeps freed pages before returning them to the system, given the
/// number of VMs with a large heap (`eta_vm::vm::set_large_heap_hook`): at once while
/// some heap is large (a collector freeing a million pairs at once otherwise saw new
/// allocations go to fresh pages while the freed ones waited: the cons benchmark peaked
/// at 100 MB instead of 82 MB), the default while all are small (purging at once made
/// `deriv`, which collects its small heap often, 25% slower in page faults).
fn tune_allocator(large_heaps: usize) {
    let delay = if large_heaps > 0 {
        0
    } else {
        DEFAULT_PURGE_DELAY_MS
    };
    // SAFETY: mi_option_set only stores an integer in mimalloc's option table (read by
    // mimalloc at each purge decision); the option index is the one of mimalloc.h's enum
    // for the v2 library we link.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, delay);
    }
}

fn main() {
    eta_vm::vm::set_large_heap_hook(tune_allocator);
    // A bug in the interpreter is reported as such, with status 70, never as a Rust
    // panic message and backtrace (language spec §9.8).
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown failure".to_string());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("etai: internal error: {message}{place}");
        eprintln!("etai: this is a bug in etai, not in your program; please report it");
    }));
    // The compiler recurses on expression nesting (bounded at 10,000 levels); give the
    // interpreter thread a stack that comfortably holds that.
    let handle = std::thread::Builder::new()
        .name("etai-main".into())
        .stack_size(512 * 1024 * 1024)
        .spawn(cli::main);
    let code = match handle {
        Ok(h) => h.join().unwrap_or(runner::EXIT_INTERNAL),
        Err(e) => {
            eprintln!("etai: cannot start interpreter thread: {e}");
            runner::EXIT_INTERNAL
        }
    };
    // Children still running are terminated and the private endpoint directory removed
    // (networking spec §9.5).
    eta_builtins::actor::process::shutdown();
    std::process::exit(code);
}
