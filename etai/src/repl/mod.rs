//! The REPL (language spec §14). With a terminal on standard input it is interactive
//! (rustyline: prompt, line editing, history, completion, bracket highlighting, Ctrl-C
//! to interrupt); otherwise forms are read from standard input one after another with
//! their results echoed, so the REPL can be scripted.

mod commands;
mod disasm;
mod expand;
mod helper;
mod interactive;
mod literal;
mod piped;
mod session;

use crate::runner;
use eta_compiler::FileId;
use session::Session;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Runs the REPL; returns the exit status.
pub fn run(search: Vec<PathBuf>) -> i32 {
    let interactive = std::io::stdin().is_terminal();
    let session = match Session::new(search, interactive) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("etai: internal error: {e}");
            return runner::EXIT_INTERNAL;
        }
    };
    if interactive {
        interactive::run(session)
    } else {
        piped::run(session)
    }
}

/// Whether the text typed so far is a whole input, or needs more lines. Decided by the
/// real reader (open lists, strings, block comments, `#;` and quote prefixes at the
/// end); for commands, by their Eta argument.
pub fn is_complete(text: &str) -> bool {
    if commands::is_command(text) {
        let (name, arg) = commands::split(text);
        if !commands::takes_form(name) || arg.is_empty() {
            return true;
        }
        return reads_completely(arg);
    }
    reads_completely(text)
}

/// False only when the reader says more input could complete the text; other read
/// errors count as complete so that they are reported at once.
fn reads_completely(text: &str) -> bool {
    match eta_compiler::read_all(text, FileId(0)) {
        Ok(_) => true,
        Err(e) => !e.is_incomplete(),
    }
}

/// Module names to complete after `(import `: the embedded library and every module
/// the session knows.
fn module_names(session: &mut Session) -> Vec<String> {
    session.vm.with_host(|h| {
        let mut names = h.linker.embedded_names();
        names.extend(h.linker.modules.keys().map(|k| k.to_string()));
        names.sort();
        names.dedup();
        names
    })
}

/// Makes SIGINT (Ctrl-C) interrupt the evaluation running in `session` instead of
/// ending the process (language spec §14.3).
fn catch_interrupts(session: &Session) -> Result<(), ctrlc::Error> {
    let handle = session.interrupt_handle();
    ctrlc::set_handler(move || handle.request())
}

/// Runs one complete input of a session: a `,command` or forms to evaluate (their
/// errors handled as `on_error` says). `inputs` is the session's history so far.
fn run_input(
    session: &mut Session,
    text: &str,
    inputs: &[String],
    on_error: session::OnError,
) -> session::Status {
    if commands::is_command(text) {
        match commands::run(session, text, inputs) {
            commands::Flow::Continue(s) => s,
            commands::Flow::Quit(n) => session::Status::Exit(n),
        }
    } else {
        session.eval_input("<repl>", text, true, on_error)
    }
}

#[cfg(test)]
mod tests {
    use super::is_complete;

    #[test]
    fn incompleteness_comes_from_the_reader() {
        assert!(is_complete("(+ 1 2)"));
        assert!(!is_complete("(define (f x)"));
        assert!(!is_complete("(display \"a)"));
        assert!(is_complete("(display #\\()"));
        assert!(!is_complete("'"));
        assert!(!is_complete("#| open"));
        assert!(is_complete("(a))"));
        assert!(is_complete(",help"));
        assert!(!is_complete(",time (f"));
        assert!(is_complete(",load (f"));
    }
}
