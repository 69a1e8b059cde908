//! Interrupting a runaway evaluation in the REPL (language spec §14.3: "Ctrl-C while
//! a form runs interrupts it ... and reports `interrupted`"). The interactive REPL in
//! a real terminal is covered by `cli.rs` (`repl_in_a_real_terminal`, through tmux);
//! this covers the REPL reading from a pipe, interrupted by SIGINT.

#[path = "reliability/support.rs"]
mod support;

use std::time::Duration;
use support::{Running, TestResult};

#[test]
fn sigint_interrupts_a_loop_in_the_piped_repl() -> TestResult {
    let patience = Duration::from_secs(30);
    let mut etai = Running::start(support::etai())?;
    etai.send_line("(define (square x) (* x x))")?;
    etai.send_line(
        "(begin (display \"looping\") (newline) (flush-output-port (current-output-port)) \
         (let loop () (loop)))",
    )?;
    assert_eq!(etai.line("the loop to start", patience)?, "looping");
    etai.signal(libc::SIGINT)?;
    etai.send_line("(square 12)")?;
    let answer = etai.line("the next answer", patience);
    etai.close_stdin();
    let status = etai.wait(patience)?;
    let stderr = etai.stderr_text();
    assert_eq!(answer?, "144", "stderr:\n{stderr}");
    assert!(stderr.contains("interrupted"), "stderr:\n{stderr}");
    assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");
    Ok(())
}
