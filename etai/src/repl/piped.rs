//! The REPL without a terminal: no banner, no prompt, no line editing. Lines are read
//! from standard input until the reader says the forms so far are complete; those forms
//! run one after another with their results echoed, errors are reported and reading
//! continues. End of input ends the session: status 0, or 1 if the last form failed.

use super::session::{OnError, Session, Status};
use std::io::BufRead;

/// Runs the piped REPL; returns the exit status.
pub fn run(mut session: Session) -> i32 {
    // SIGINT interrupts the running form here too (the handler may already be set when
    // the interactive REPL fell back to this one).
    let _ = super::catch_interrupts(&session);
    let stdin = std::io::stdin();
    let mut pending = String::new();
    let mut inputs: Vec<String> = Vec::new();
    let mut last = Status::Empty;
    loop {
        // Results reach whoever drives the pipe before we wait for its next line.
        session.flush();
        let mut bytes = Vec::new();
        let read = stdin.lock().read_until(b'\n', &mut bytes);
        let at_end = match read {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => {
                session.end_output_line();
                eprintln!("etai: cannot read standard input: {e}");
                true
            }
        };
        match String::from_utf8(bytes) {
            Ok(line) => pending.push_str(&line),
            Err(_) => {
                session.end_output_line();
                eprintln!("error: invalid UTF-8 in standard input (line discarded)");
                last = Status::Failed;
                continue;
            }
        }
        if !at_end && !super::is_complete(&pending) {
            continue;
        }
        let text = std::mem::take(&mut pending);
        if !text.trim().is_empty() {
            inputs.push(text.trim_end().to_string());
            let status = super::run_input(&mut session, &text, &inputs, OnError::Continue);
            match status {
                Status::Exit(n) => {
                    session.flush();
                    return n;
                }
                Status::Empty => {}
                s => last = s,
            }
        }
        if at_end {
            break;
        }
    }
    session.end_output_line();
    match last {
        Status::Failed => 1,
        _ => 0,
    }
}
