//! A REPL session (language spec §14.3): one VM and one script-semantics environment
//! that lives across inputs. Each input is registered as a `<repl>` source, read with
//! the real reader, and its forms are compiled and run one at a time so that every
//! result is echoed and a macro defined by one form is visible to the next.

use crate::runner;
use eta_compiler::env::Env;
use eta_compiler::{CompileError, Datum, Unit};
use eta_vm::host::InterruptHandle;
use eta_vm::{Outcome, Vm};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// How an input (or one form) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything ran.
    Ok,
    /// The input held no forms (blank lines, comments).
    Empty,
    /// An error was reported (read, compile, uncaught raise or interruption).
    Failed,
    /// `(exit n)`: leave the REPL with this status.
    Exit(i32),
}

/// What to do after an error inside a multi-form input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnError {
    /// Skip the remaining forms of the input (interactive use).
    Stop,
    /// Go on with the next form (piped input: "reading continues").
    Continue,
}

/// One REPL session.
pub struct Session {
    /// The virtual machine.
    pub vm: Vm,
    search: Vec<PathBuf>,
    interactive: bool,
    /// The session's own (script) scope.
    top: Env,
    /// The module entered with `,module NAME`, if any, and its scope.
    module: Option<(String, Env)>,
    /// Shared with the Ctrl-C handler.
    interrupt: Arc<AtomicBool>,
    /// Sets `interrupt` and wakes a wait blocked in a socket or sleep.
    handle: InterruptHandle,
}

impl Session {
    /// A fresh session; `interactive` sets line-flushed output.
    pub fn new(search: Vec<PathBuf>, interactive: bool) -> Result<Session, String> {
        let (vm, top, handle) = fresh_vm(&search, interactive, None)?;
        let interrupt = handle.flag().clone();
        Ok(Session {
            vm,
            search,
            interactive,
            top,
            module: None,
            interrupt,
            handle,
        })
    }

    /// What a Ctrl-C handler calls to interrupt the running evaluation (also wakes a
    /// blocked network wait).
    pub fn interrupt_handle(&self) -> InterruptHandle {
        self.handle.clone()
    }

    /// The scope new input is compiled in: the entered module's, or the session's.
    pub fn scope(&self) -> Env {
        match &self.module {
            Some((_, env)) => env.clone(),
            None => self.top.clone(),
        }
    }

    /// The name of the module entered with `,module`, if any.
    pub fn module_name(&self) -> Option<&str> {
        self.module.as_ref().map(|(n, _)| n.as_str())
    }

    /// Enters module `name`'s scope (loading the module first if needed), or goes back
    /// to the session's own scope with `None`.
    pub fn enter_module(&mut self, name: Option<&str>) -> Result<(), String> {
        let Some(name) = name else {
            self.module = None;
            return Ok(());
        };
        if self.find_module(name).is_none() {
            // Load it through an import in a throwaway scope: the session's names stay
            // as they are.
            let scratch = self.vm.with_host(|h| h.linker.new_script_scope());
            let text = format!("(import {name})");
            let file = self
                .vm
                .with_host(|h| h.linker.add_source("<repl>", &text, cwd()));
            let compiled = self.vm.with_host(|h| {
                let forms = eta_compiler::read_all(&text, file).map_err(CompileError::from)?;
                h.linker.compile_in_scope(forms, &scratch)
            });
            match compiled {
                Ok(units) => {
                    if self.run(&units, false) != Status::Ok {
                        return Err(format!("module {name} could not be loaded"));
                    }
                }
                Err(e) => return Err(e.message),
            }
        }
        match self.find_module(name) {
            Some(env) => {
                self.module = Some((name.to_string(), env));
                Ok(())
            }
            None => Err(format!("unknown module {name}")),
        }
    }

    fn find_module(&mut self, name: &str) -> Option<Env> {
        self.vm
            .with_host(|h| h.linker.modules.get(name).map(|m| m.scope.clone()))
    }

    /// Discards all definitions, imports and modules: a brand new VM (the interrupt
    /// flag stays the same, so the Ctrl-C handler keeps working).
    pub fn reset(&mut self) -> Result<(), String> {
        let (vm, top, _) = fresh_vm(&self.search, self.interactive, Some(&self.handle))?;
        self.vm = vm;
        self.top = top;
        self.module = None;
        Ok(())
    }

    /// Reads and evaluates one complete input registered as source `name`, echoing
    /// each result when `echo`.
    pub fn eval_input(&mut self, name: &str, text: &str, echo: bool, on_error: OnError) -> Status {
        let forms = match self.read(name, text, None) {
            Ok(f) => f,
            Err(e) => {
                self.report_compile_error(&e);
                return Status::Failed;
            }
        };
        let mut last = Status::Empty;
        for form in forms {
            last = self.eval_form(form, echo);
            match last {
                Status::Ok | Status::Empty => {}
                Status::Exit(_) => return last,
                Status::Failed if on_error == OnError::Stop => return last,
                Status::Failed => {}
            }
        }
        last
    }

    /// Registers `text` as a source file (in directory `dir`, default the current one)
    /// and reads all its forms.
    pub fn read(
        &mut self,
        name: &str,
        text: &str,
        dir: Option<PathBuf>,
    ) -> Result<Vec<Datum>, CompileError> {
        self.vm.with_host(|h| {
            let file = h.linker.add_source(name, text, dir.or_else(cwd));
            eta_compiler::read_all(text, file).map_err(CompileError::from)
        })
    }

    /// Compiles and runs one form in the current scope.
    pub fn eval_form(&mut self, form: Datum, echo: bool) -> Status {
        match self.compile(form) {
            Ok(units) => self.run(&units, echo),
            Err(e) => {
                self.report_compile_error(&e);
                Status::Failed
            }
        }
    }

    /// Compiles one form in the current scope.
    pub fn compile(&mut self, form: Datum) -> Result<Vec<Unit>, CompileError> {
        let scope = self.scope();
        self.vm
            .with_host(|h| h.linker.compile_in_scope(vec![form], &scope))
    }

    /// Runs compiled units; reports errors and interruptions; echoes the value(s) of
    /// the last unit when `echo`.
    pub fn run(&mut self, units: &[Unit], echo: bool) -> Status {
        // A Ctrl-C pressed while nothing ran must not stop this evaluation.
        self.interrupt.store(false, Ordering::SeqCst);
        let outcome = runner::run_units(&mut self.vm, units);
        let status = match outcome {
            Outcome::Done => {
                if echo {
                    let lines = runner::result_lines(&mut self.vm);
                    runner::print_results(&mut self.vm, &lines);
                }
                Status::Ok
            }
            Outcome::Exit(n) => Status::Exit(n),
            Outcome::Uncaught(u) => {
                self.report_uncaught(&u);
                self.unwind()
            }
            Outcome::Interrupted => {
                runner::end_output_line(&mut self.vm);
                eprintln!("interrupted");
                self.unwind()
            }
        };
        self.interrupt.store(false, Ordering::SeqCst);
        status
    }

    /// Runs the after-thunks of an aborted computation.
    fn unwind(&mut self) -> Status {
        self.interrupt.store(false, Ordering::SeqCst);
        match runner::unwind_all(&mut self.vm) {
            Some(n) => Status::Exit(n),
            None => Status::Failed,
        }
    }

    /// Reports a compile error, on a fresh line after the program's output.
    pub fn report_compile_error(&mut self, e: &CompileError) {
        self.end_output_line();
        runner::report_compile_error(&mut self.vm, e);
    }

    /// Reports an uncaught raise, on a fresh line after the program's output.
    pub fn report_uncaught(&mut self, u: &eta_vm::Uncaught) {
        self.end_output_line();
        runner::report_uncaught(&mut self.vm, u);
    }

    /// Flushes program output, ending a partial line, before a prompt.
    pub fn end_output_line(&mut self) {
        runner::end_output_line(&mut self.vm);
    }

    /// Flushes program output as it is.
    pub fn flush(&mut self) {
        self.vm.flush();
    }
}

fn cwd() -> Option<PathBuf> {
    std::env::current_dir().ok()
}

/// A VM in REPL mode (modules may be redefined) and a fresh script scope.
fn fresh_vm(
    search: &[PathBuf],
    interactive: bool,
    handle: Option<&InterruptHandle>,
) -> Result<(Vm, Env, InterruptHandle), String> {
    let mut search = search.to_vec();
    if let Some(d) = cwd() {
        search.push(d);
    }
    let mut vm = runner::make_vm(search, "etai", Vec::new())?;
    let (top, handle) = vm.with_host(|h| {
        h.linker.repl = true;
        h.line_flush = interactive;
        if let Some(handle) = handle {
            h.share_interrupt(handle);
        }
        (h.linker.new_script_scope(), h.interrupt_handle())
    });
    Ok((vm, top, handle))
}
