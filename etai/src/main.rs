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
// where glibc takes 64. See alloc.rs for why not `mimalloc::MiMalloc` itself.
#[global_allocator]
static GLOBAL: alloc::Mimalloc = alloc::Mimalloc;

fn main() {
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
