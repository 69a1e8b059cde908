//! Running programs: builds a VM with the builtins, the prelude and the embedded
//! standard library, compiles the entry file and runs it, reporting errors.

use crate::diagnostics;
use eta_compiler::Linker;
use eta_vm::{Outcome, Vm};
use std::path::{Path, PathBuf};

/// Exit status for a compile error (sysexits EX_DATAERR).
pub const EXIT_COMPILE: i32 = 65;
/// Exit status for an internal error (EX_SOFTWARE).
pub const EXIT_INTERNAL: i32 = 70;

/// Creates a VM with the search path and the embedded stdlib.
pub fn make_vm(search: Vec<PathBuf>, program: &str, args: Vec<String>) -> Result<Vm, String> {
    let mut linker = Linker::new();
    linker.search_path = search;
    linker.set_embedded(eta_stdlib::embedded());
    let mut vm = eta_builtins::new_vm(linker)?;
    vm.with_host(|h| {
        h.program = program.to_string();
        h.args = args;
    });
    Ok(vm)
}

/// Reports how a run ended and returns the exit status; runs pending after-thunks
/// after an uncaught error.
pub fn finish(vm: &mut Vm, outcome: Outcome) -> i32 {
    let code = match outcome {
        Outcome::Done => {
            let o = vm.call_builtin("%unwind-all");
            if let Outcome::Exit(n) = o {
                n
            } else {
                0
            }
        }
        Outcome::Exit(n) => n,
        Outcome::Interrupted => {
            vm.flush();
            eprintln!("interrupted");
            130
        }
        Outcome::Uncaught(u) => {
            vm.flush();
            let text = vm.with_host(|h| diagnostics::uncaught(&h.linker.sources, &u));
            eprint!("{text}");
            let after = vm.call_builtin("%unwind-all");
            if let Outcome::Uncaught(u2) = after {
                let text = vm.with_host(|h| diagnostics::uncaught(&h.linker.sources, &u2));
                eprint!("{text}");
            }
            1
        }
    };
    vm.flush();
    code
}

/// `etai FILE ARGS...`
pub fn run_file(script: &str, args: Vec<String>, mut search: Vec<PathBuf>) -> i32 {
    let (text, name, dir) = if script == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut s) {
            eprintln!("etai: cannot read standard input: {e}");
            return 1;
        }
        let cwd = std::env::current_dir().ok();
        (s, "<stdin>".to_string(), cwd)
    } else {
        match std::fs::read(script) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(s) => {
                    let dir = Path::new(script)
                        .parent()
                        .map(|p| {
                            if p.as_os_str().is_empty() {
                                PathBuf::from(".")
                            } else {
                                p.to_path_buf()
                            }
                        })
                        .and_then(|p| std::fs::canonicalize(p).ok());
                    (s, script.to_string(), dir)
                }
                Err(e) => {
                    let off = e.utf8_error().valid_up_to();
                    eprintln!("error: invalid UTF-8 at byte {off}\n  --> {script}");
                    return EXIT_COMPILE;
                }
            },
            Err(e) => {
                eprintln!("etai: cannot read {script}: {}", io_message(&e));
                return 1;
            }
        }
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
    let units = vm.with_host(|h| h.linker.compile_program(&name, &text, dir.clone(), true));
    let units = match units {
        Ok(u) => u,
        Err(e) => {
            let text = vm.with_host(|h| diagnostics::compile_error(&h.linker.sources, &e));
            eprint!("{text}");
            return EXIT_COMPILE;
        }
    };
    let outcome = vm.run_units(&units);
    finish(&mut vm, outcome)
}

/// `etai -e EXPR ...`
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
            let file = h
                .linker
                .add_source("<eval>", src, std::env::current_dir().ok());
            let text = h
                .linker
                .sources
                .get(file)
                .map(|f| f.text.clone())
                .unwrap_or_default();
            let forms =
                eta_compiler::read_all(&text, file).map_err(eta_compiler::CompileError::from)?;
            h.linker.compile_in_scope(forms, &scope)
        });
        let units = match compiled {
            Ok(u) => u,
            Err(e) => {
                let text = vm.with_host(|h| diagnostics::compile_error(&h.linker.sources, &e));
                eprint!("{text}");
                return EXIT_COMPILE;
            }
        };
        let outcome = vm.run_units(&units);
        if !matches!(outcome, Outcome::Done) {
            return finish(&mut vm, outcome);
        }
        if i + 1 == exprs.len() {
            let text = vm.with_result(|v| match v {
                eta_vm::Value::Unspecified => None,
                v => Some(eta_vm::write_string(v)),
            });
            if let Some(t) = text {
                vm.with_host(|h| {
                    h.write_out(&t);
                    h.write_out("\n");
                });
            }
        }
    }
    finish(&mut vm, Outcome::Done)
}

/// The REPL (piped mode until the interactive one lands).
pub fn run_repl(search: Vec<PathBuf>) -> i32 {
    let mut src = String::new();
    if std::io::Read::read_to_string(&mut std::io::stdin(), &mut src).is_err() {
        return 1;
    }
    run_eval(&[src], Vec::new(), search)
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ => e.to_string(),
    }
}
