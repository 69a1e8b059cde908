//! `etai`: runs an Eta program (`etai FILE [ARGS...]`), evaluates expressions (`-e`),
//! or starts the REPL.

mod cli;
mod diagnostics;
mod repl;
mod runner;

fn main() {
    // The compiler recurses on expression nesting (bounded at 10,000 levels); give the
    // interpreter thread a stack that comfortably holds that.
    let handle = std::thread::Builder::new()
        .name("etai-main".into())
        .stack_size(512 * 1024 * 1024)
        .spawn(cli::main);
    let code = match handle {
        Ok(h) => h.join().unwrap_or(70),
        Err(e) => {
            eprintln!("etai: cannot start interpreter thread: {e}");
            70
        }
    };
    std::process::exit(code);
}
