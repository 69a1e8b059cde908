//! REPL commands (language spec §14.4): lines starting with `,`.

use super::session::{OnError, Session, Status};
use super::{disasm, expand};
use crate::runner;
use eta_vm::Value;
use std::time::Instant;

/// What the REPL does after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read the next input; the status says whether the command failed.
    Continue(Status),
    /// Leave the REPL with this status.
    Quit(i32),
}

const HELP: &str = "\
Commands:
  ,help              this list
  ,quit  ,q  ,exit   leave the REPL (Ctrl-D on an empty line does too)
  ,load FILE         run the forms of FILE in the session
  ,time EXPR         evaluate EXPR, print its value and the time it took
  ,expand FORM       show the macro expansion of FORM without evaluating it
  ,disasm PROC       list the bytecode of a procedure
  ,module NAME       evaluate inside module NAME (,module alone: back to the session)
  ,reset             discard all definitions, imports and modules
  ,history           list this session's inputs

Input:
  (define (double x) (* x 2))   definitions persist; defining a name again replaces it
  (double 21)                   the value is printed in write form: 42
  (import std.math)             imports stay for the rest of the session
  An open bracket or string continues the input on the next line (...>).
  Tab completes names (and module names after `(import `).
  Ctrl-C discards the line being typed, or interrupts a running evaluation.
";

/// Whether `text` (without leading blanks) is a command.
pub fn is_command(text: &str) -> bool {
    text.trim_start().starts_with(',')
}

/// Splits a command into its name and argument text: `,time (f 1)` -> `("time", "(f 1)")`.
pub fn split(text: &str) -> (&str, &str) {
    let body = text.trim_start();
    let body = body.strip_prefix(',').unwrap_or(body);
    match body.find(char::is_whitespace) {
        Some(i) => (&body[..i], body[i..].trim()),
        None => (body, ""),
    }
}

/// Commands whose argument is Eta code (it may continue over several lines).
pub fn takes_form(name: &str) -> bool {
    matches!(name, "time" | "expand" | "disasm")
}

/// Runs one command. `history` is this session's inputs, the command included.
pub fn run(session: &mut Session, text: &str, history: &[String]) -> Flow {
    let (name, arg) = split(text);
    match name {
        "help" | "h" | "?" => {
            say(session, HELP);
            Flow::Continue(Status::Ok)
        }
        "quit" | "q" | "exit" => Flow::Quit(0),
        "load" => load(session, arg),
        "time" => time(session, arg),
        "expand" => expand_form(session, arg),
        "disasm" => disassemble(session, arg),
        "module" => module(session, arg),
        "reset" => match session.reset() {
            Ok(()) => {
                say(session, "; session reset: all definitions discarded\n");
                Flow::Continue(Status::Ok)
            }
            Err(e) => {
                eprintln!("etai: internal error: {e}");
                Flow::Quit(runner::EXIT_INTERNAL)
            }
        },
        "history" => {
            let mut out = String::new();
            let width = history.len().to_string().len();
            for (i, entry) in history.iter().enumerate() {
                for (j, line) in entry.lines().enumerate() {
                    if j == 0 {
                        out.push_str(&format!("{:>width$}  {line}\n", i + 1));
                    } else {
                        out.push_str(&format!("{:>width$}  {line}\n", ""));
                    }
                }
            }
            say(session, &out);
            Flow::Continue(Status::Ok)
        }
        _ => {
            session.end_output_line();
            eprintln!("unknown command ,{name} (try ,help)");
            Flow::Continue(Status::Failed)
        }
    }
}

/// Writes text to the program's standard output, in order with its other output.
fn say(session: &mut Session, text: &str) {
    session.vm.with_host(|h| h.write_out(text));
}

fn usage(session: &mut Session, text: &str) -> Flow {
    session.end_output_line();
    eprintln!("usage: {text}");
    Flow::Continue(Status::Failed)
}

fn flow(status: Status) -> Flow {
    match status {
        Status::Exit(n) => Flow::Quit(n),
        s => Flow::Continue(s),
    }
}

/// `,load FILE`: the forms of FILE run in the session, as `(load "FILE")` would.
fn load(session: &mut Session, arg: &str) -> Flow {
    let path = arg.trim_matches('"');
    if path.is_empty() {
        return usage(session, ",load FILE");
    }
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            session.end_output_line();
            eprintln!("etai: cannot read {path}: {}", runner::io_message(&e));
            return Flow::Continue(Status::Failed);
        }
    };
    let dir = runner::directory_of(path);
    let forms = match session.read(path, &text, dir) {
        Ok(f) => f,
        Err(e) => {
            session.report_compile_error(&e);
            return Flow::Continue(Status::Failed);
        }
    };
    for form in forms {
        match session.eval_form(form, false) {
            Status::Ok | Status::Empty => {}
            other => return flow(other),
        }
    }
    Flow::Continue(Status::Ok)
}

/// `,time EXPR`: the value(s), then `; elapsed: 12.3 ms`.
fn time(session: &mut Session, arg: &str) -> Flow {
    if arg.is_empty() {
        return usage(session, ",time EXPR");
    }
    let start = Instant::now();
    let status = session.eval_input("<repl>", arg, true, OnError::Stop);
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    if let Status::Exit(n) = status {
        return Flow::Quit(n);
    }
    session.vm.with_host(|h| {
        if !h.out_line_start {
            h.write_out("\n");
        }
        h.write_out(&format!("; elapsed: {ms:.1} ms\n"));
    });
    Flow::Continue(status)
}

/// `,expand FORM`: each form's macro expansion in write form.
fn expand_form(session: &mut Session, arg: &str) -> Flow {
    if arg.is_empty() {
        return usage(session, ",expand FORM");
    }
    let forms = match session.read("<repl>", arg, None) {
        Ok(f) => f,
        Err(e) => {
            session.report_compile_error(&e);
            return Flow::Continue(Status::Failed);
        }
    };
    let scope = session.scope();
    for form in forms {
        let expanded = session
            .vm
            .with_host(|h| expand::expand(&mut h.linker, &scope, form));
        match expanded {
            Ok(d) => {
                let text = expand::write_datum(&d);
                say(session, &format!("{text}\n"));
            }
            Err(e) => {
                session.report_compile_error(&e);
                return Flow::Continue(Status::Failed);
            }
        }
    }
    Flow::Continue(Status::Ok)
}

/// What `,disasm` found as the value of its expression.
enum Target {
    Code(std::sync::Arc<eta_compiler::Prototype>),
    Builtin(&'static str),
    Other(String),
}

/// `,disasm PROC`: evaluates PROC and lists its bytecode.
fn disassemble(session: &mut Session, arg: &str) -> Flow {
    if arg.is_empty() {
        return usage(session, ",disasm PROC");
    }
    let mut forms = match session.read("<repl>", arg, None) {
        Ok(f) => f,
        Err(e) => {
            session.report_compile_error(&e);
            return Flow::Continue(Status::Failed);
        }
    };
    if forms.len() != 1 {
        return usage(session, ",disasm PROC  (one expression)");
    }
    let form = forms.remove(0);
    match session.eval_form(form, false) {
        Status::Ok => {}
        other => return flow(other),
    }
    let target = session.vm.with_result(|v| match v {
        Value::Closure(c) => Target::Code(c.proto.proto.clone()),
        Value::Native(n) => Target::Builtin(n.name),
        other => Target::Other(eta_vm::write_truncated(other, 60)),
    });
    match target {
        Target::Code(proto) => {
            let text = session.vm.with_host(|h| {
                let linker = &h.linker;
                disasm::render(&proto, &linker.sources, &|g| {
                    linker.global_name(g).to_string()
                })
            });
            say(session, &text);
            Flow::Continue(Status::Ok)
        }
        Target::Builtin(name) => {
            say(
                session,
                &format!("; {name} is a builtin written in Rust: no bytecode\n"),
            );
            Flow::Continue(Status::Ok)
        }
        Target::Other(text) => {
            session.end_output_line();
            eprintln!("etai: ,disasm: not a procedure: {text}");
            Flow::Continue(Status::Failed)
        }
    }
}

/// `,module NAME` / `,module`.
fn module(session: &mut Session, arg: &str) -> Flow {
    let name = if arg.is_empty() { None } else { Some(arg) };
    match session.enter_module(name) {
        Ok(()) => Flow::Continue(Status::Ok),
        Err(e) => {
            session.end_output_line();
            eprintln!("etai: ,module: {e}");
            Flow::Continue(Status::Failed)
        }
    }
}
