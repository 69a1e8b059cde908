//! Running programs: builds a VM with the builtins, the prelude and the embedded
//! standard library, compiles the entry file (or the `-e` forms) and runs it, then
//! reports how the run ended and picks the exit status (language spec §9.8).

use crate::diagnostics;
use eta_compiler::Linker;
use eta_vm::{Outcome, Value, Vm};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Exit status for an uncaught error or a missing script.
pub const EXIT_ERROR: i32 = 1;
/// Exit status for a read, syntax, compile or module error (sysexits `EX_DATAERR`).
pub const EXIT_COMPILE: i32 = 65;
/// Exit status for an internal error (sysexits `EX_SOFTWARE`).
pub const EXIT_INTERNAL: i32 = 70;

/// After-thunks run after an uncaught error are retried at most this often when they
/// fail themselves (each attempt pops at least the failing one).
const MAX_UNWIND_ATTEMPTS: usize = 10_000;

/// Creates a VM with the search path, the embedded stdlib and the program's name and
/// arguments (`(command-line)`).
pub fn make_vm(search: Vec<PathBuf>, program: &str, args: Vec<String>) -> Result<Vm, String> {
    let mut linker = Linker::new();
    linker.search_path = search;
    linker.set_embedded(eta_stdlib::embedded());
    let mut vm = eta_builtins::new_vm(linker)?;
    vm.with_host(|h| {
        h.program = program.to_string();
        h.args = args;
        h.render_uncaught = Some(|h, u| diagnostics::uncaught(&h.linker.sources, u));
        h.stdlib = Some(eta_stdlib::embedded);
    });
    Ok(vm)
}

/// The last run's value as lines in write form: none for the unspecified value, one
/// line per value for multiple values (`(values)` gives none).
pub fn result_lines(vm: &mut Vm) -> Vec<String> {
    vm.with_result(|v| match v {
        Value::Unspecified | Value::Undefined => Vec::new(),
        Value::Values(vs) => vs.iter().map(|v| eta_vm::write_string(*v)).collect(),
        v => vec![eta_vm::write_string(v)],
    })
}

/// Runs units after forgetting the previous run's value, so that units that leave no
/// value (an `import` of a loaded module compiles to none) do not show a stale one.
pub fn run_units(vm: &mut Vm, units: &[eta_compiler::Unit]) -> Outcome {
    vm.with_ctx(|c| c.st.result = Value::Unspecified);
    vm.run_units(units)
}

/// Writes result lines to the program's standard output, on a fresh line.
pub fn print_results(vm: &mut Vm, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    vm.with_host(|h| {
        if !h.out_line_start {
            h.write_out("\n");
        }
        for l in lines {
            h.write_out(l);
            h.write_out("\n");
        }
    });
}

/// Flushes the program's output and moves it to a fresh line, so that a diagnostic on
/// standard error does not start in the middle of a line on a shared terminal.
pub fn end_output_line(vm: &mut Vm) {
    vm.with_host(|h| {
        if !h.out_line_start {
            h.write_out("\n");
        }
    });
    vm.flush();
}

/// Flushes the program's output before a diagnostic. On a terminal the output is also
/// moved to a fresh line (stdout and stderr share the screen); redirected output is
/// left byte for byte as the program wrote it.
fn before_diagnostic(vm: &mut Vm) {
    if std::io::stdout().is_terminal() {
        end_output_line(vm);
    } else {
        vm.flush();
    }
}

/// Prints the diagnostic of an uncaught raise.
pub fn report_uncaught(vm: &mut Vm, u: &eta_vm::Uncaught) {
    before_diagnostic(vm);
    let text = vm.with_host(|h| diagnostics::uncaught(&h.linker.sources, u));
    eprint!("{text}");
}

/// Prints the diagnostic of a compile error.
pub fn report_compile_error(vm: &mut Vm, e: &eta_compiler::CompileError) {
    before_diagnostic(vm);
    let text = vm.with_host(|h| diagnostics::compile_error(&h.linker.sources, e));
    eprint!("{text}");
}

/// Runs every pending `dynamic-wind` after-thunk (innermost first). Errors inside them
/// are reported and the remaining thunks still run; an `(exit n)` inside one ends the
/// program with `n` (returned). Leaves no winders and no handlers installed.
pub fn unwind_all(vm: &mut Vm) -> Option<i32> {
    let mut exit = None;
    for _ in 0..MAX_UNWIND_ATTEMPTS {
        if vm.with_ctx(|c| matches!(c.st.winders, Value::Nil)) {
            break;
        }
        match vm.call_builtin("%unwind-all") {
            Outcome::Done => break,
            Outcome::Exit(n) => {
                exit = Some(n);
                break;
            }
            Outcome::Uncaught(u) => report_uncaught(vm, &u),
            Outcome::Interrupted => {
                before_diagnostic(vm);
                eprintln!("interrupted");
            }
        }
    }
    vm.with_ctx(|c| {
        c.st.winders = Value::Nil;
        c.st.handlers = Value::Nil;
    });
    exit
}

/// Reports how a program run ended and returns the exit status; runs pending
/// after-thunks.
pub fn finish(vm: &mut Vm, outcome: Outcome) -> i32 {
    let code = match outcome {
        Outcome::Done => unwind_all(vm).unwrap_or(0),
        Outcome::Exit(n) => n,
        Outcome::Interrupted => {
            before_diagnostic(vm);
            eprintln!("interrupted");
            unwind_all(vm).unwrap_or(130)
        }
        Outcome::Uncaught(u) => {
            report_uncaught(vm, &u);
            unwind_all(vm).unwrap_or(EXIT_ERROR)
        }
    };
    vm.flush();
    code
}

/// Reads a script: its text, the name diagnostics use and its directory (searched for
/// modules). `Err` carries the exit status after the problem was reported.
fn read_script(script: &str) -> Result<(String, String, Option<PathBuf>), i32> {
    if script == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut s) {
            eprintln!("etai: cannot read standard input: {}", io_message(&e));
            return Err(EXIT_ERROR);
        }
        return Ok((s, "<stdin>".to_string(), std::env::current_dir().ok()));
    }
    let bytes = match std::fs::read(script) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("etai: cannot read {script}: {}", io_message(&e));
            return Err(EXIT_ERROR);
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let off = e.utf8_error().valid_up_to();
            eprintln!("error: invalid UTF-8 at byte {off}\n  --> {script}");
            return Err(EXIT_COMPILE);
        }
    };
    Ok((text, script.to_string(), directory_of(script)))
}

/// The canonical directory containing `path` (the current directory for a bare name).
pub fn directory_of(path: &str) -> Option<PathBuf> {
    Path::new(path)
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                p.to_path_buf()
            }
        })
        .and_then(|p| std::fs::canonicalize(p).ok())
}

/// `etai FILE ARGS...` and `etai - ARGS...`.
pub fn run_file(script: &str, args: Vec<String>, search: Vec<PathBuf>) -> i32 {
    run_file_with(script, args, search, None)
}

/// `etai --mailbox ENDPOINT FILE ARGS...` (networking spec §9.2): dials the parent's
/// endpoint before running the file, which sees the socket as `(current-mailbox)`;
/// standard output is flushed at every newline; at the end the mailbox is drained
/// and closed.
pub fn run_actor_file(
    endpoint: &str,
    script: &str,
    args: Vec<String>,
    search: Vec<PathBuf>,
) -> i32 {
    let mailbox = match eta_builtins::actor::connect_mailbox(endpoint) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("etai: cannot connect to parent mailbox {endpoint}: {e}");
            return EXIT_ERROR;
        }
    };
    let code = run_file_with(script, args, search, Some(mailbox.clone()));
    eta_builtins::actor::drain_and_close(&mailbox);
    code
}

fn run_file_with(
    script: &str,
    args: Vec<String>,
    mut search: Vec<PathBuf>,
    mailbox: Option<std::sync::Arc<eta_builtins::net::SocketShared>>,
) -> i32 {
    let (text, name, dir) = match read_script(script) {
        Ok(t) => t,
        Err(code) => return code,
    };
    if let Some(d) = &dir {
        search.push(d.clone());
    }
    let mut vm = match make_vm(search, script, args) {
        Ok(vm) => vm,
        Err(e) => {
            eprintln!("etai: internal error: {e}");
            return EXIT_INTERNAL;
        }
    };
    if let Some(mb) = mailbox {
        vm.with_host(|h| h.line_flush = true);
        eta_builtins::actor::install_mailbox(&mut vm, mb);
    }
    let units = vm.with_host(|h| h.linker.compile_program(&name, &text, dir.clone(), true));
    let units = match units {
        Ok(u) => u,
        Err(e) => {
            report_compile_error(&mut vm, &e);
            return EXIT_COMPILE;
        }
    };
    let outcome = vm.run_units(&units);
    finish(&mut vm, outcome)
}

/// `etai -e EXPR ... ARGS...`: the forms of every `-e` in one environment; the value
/// of the last form of the last `-e` is printed unless it is unspecified.
pub fn run_eval(exprs: &[String], args: Vec<String>, mut search: Vec<PathBuf>) -> i32 {
    if let Ok(cwd) = std::env::current_dir() {
        search.push(cwd);
    }
    let mut vm = match make_vm(search, "-e", args) {
        Ok(vm) => vm,
        Err(e) => {
            eprintln!("etai: internal error: {e}");
            return EXIT_INTERNAL;
        }
    };
    let scope = vm.with_host(|h| h.linker.new_script_scope());
    for (i, src) in exprs.iter().enumerate() {
        let compiled = vm.with_host(|h| {
            let forms = h
                .linker
                .read_source("<eval>", src, std::env::current_dir().ok())?;
            h.linker.compile_in_scope(forms, &scope)
        });
        let units = match compiled {
            Ok(u) => u,
            Err(e) => {
                report_compile_error(&mut vm, &e);
                return EXIT_COMPILE;
            }
        };
        let outcome = run_units(&mut vm, &units);
        if !matches!(outcome, Outcome::Done) {
            return finish(&mut vm, outcome);
        }
        if i + 1 == exprs.len() {
            let lines = result_lines(&mut vm);
            print_results(&mut vm, &lines);
        }
    }
    finish(&mut vm, Outcome::Done)
}

/// The message of an I/O error without Rust's `(os error N)` suffix.
pub fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        std::io::ErrorKind::IsADirectory => "Is a directory".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}
