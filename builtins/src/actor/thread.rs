//! Thread actors (networking spec §10): `spawn-thread` validates and captures the thunk
//! (closure transfer image, bincode), opens the handle listening on a fresh
//! `inproc://etai-thread-N-RANDOM` endpoint and starts an OS thread that builds a fresh
//! VM, dials its mailbox, calls the thunk and reports how it ended; `thread-join` and
//! `thread-alive?` observe the end.

use super::{actor_info, drain_and_close, mark_ended, open_handle, random_u64, Done, Kind};
use crate::net::nng_error::nng_error;
use crate::net::socket::{socket_arg, socket_value, SocketShared};
use crate::net::Reason;
use eta_compiler::Linker;
use eta_vm::{transfer, Ctx, Error, Host, NResult, Outcome, Uncaught, Value};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Native stack of an actor thread: the compiler and the VM's slow paths recurse, so
/// the same size as the main thread.
const STACK_SIZE: usize = 256 * 1024 * 1024;

/// Process-wide number of thread actors started (for endpoint names and headers).
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// What the thread runs.
enum Job {
    /// `spawn-thread`: the image is the thunk.
    Thunk,
    /// `spawn-thread-with`: load `file`, call `name`; the image is a vector of the
    /// arguments.
    With { file: PathBuf, name: String },
}

/// What the new thread needs from its parent (plain data only).
struct Start {
    number: u64,
    job: Job,
    image: Vec<u8>,
    endpoint: String,
    search_path: Vec<PathBuf>,
    render: Option<fn(&Host, &Uncaught) -> String>,
    stdlib: Option<fn() -> std::collections::HashMap<String, &'static str>>,
    handle: Arc<SocketShared>,
    done: Arc<Done>,
}

/// `(spawn-thread thunk)` ;; `(spawn-thread (lambda () (send! (current-mailbox) 42)))`
pub(crate) fn spawn_thread<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "spawn-thread";
    let Value::Closure(c) = a[0] else {
        return Err(Error::msg(format!(
            "{WHO}: argument must be a 0-argument closure (thunk)"
        ))
        .with_irritants(vec![a[0]]));
    };
    let proto = c.proto.proto.clone();
    if proto.nreq > 0 {
        return Err(Error::msg(format!(
            "{WHO}: thunk must accept 0 arguments (it requires {})",
            proto.nreq
        ))
        .with_irritants(vec![a[0]]));
    }
    let label = |i: usize| match proto.capture_names.get(i) {
        Some(name) => format!("upvalue[{i}] (variable {name})"),
        None => format!("upvalue[{i}]"),
    };
    let image = transfer::capture(ctx, a[0], &label).map_err(|e| {
        Error::msg(format!("{WHO}: capture is not serializable: {e}")).with_irritants(vec![a[0]])
    })?;
    let image = transfer::encode(&image).map_err(|e| nng_error(WHO, e, None))?;
    start_thread(ctx, WHO, Job::Thunk, image)
}

/// `(spawn-thread-with module-path function arg ...)`
/// ;; `(spawn-thread-with "worker.eta" 'run 1 "x")` => #<nng-socket pair>
pub(crate) fn spawn_thread_with<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "spawn-thread-with";
    let Value::Str(_) = a[0] else {
        return Err(Error::msg(format!(
            "{WHO}: first argument must be a module-path string"
        ))
        .with_irritants(vec![a[0]]));
    };
    let path = crate::args::string(WHO, a[0])?;
    let Some(name) = a[1].as_symbol() else {
        return Err(Error::msg(format!(
            "{WHO}: second argument must be a symbol (function name)"
        ))
        .with_irritants(vec![a[1]]));
    };
    let name = name.to_string();
    let Some(file) = super::process::resolve(&path, &ctx.st.host.program) else {
        return Err(nng_error(WHO, format!("no such file: {path}"), None));
    };
    let args = Value::vector(ctx.mc, a[2..].to_vec());
    let label = |_: usize| "argument".to_string();
    let image = transfer::capture(ctx, args, &label).map_err(|e| {
        Error::msg(format!("{WHO}: capture is not serializable: {e}")).with_irritants(vec![args])
    })?;
    let image = transfer::encode(&image).map_err(|e| nng_error(WHO, e, None))?;
    start_thread(ctx, WHO, Job::With { file, name }, image)
}

/// Opens the handle, listens on a fresh inproc endpoint and starts the thread.
fn start_thread<'gc>(ctx: &mut Ctx<'_, 'gc>, who: &str, job: Job, image: Vec<u8>) -> NResult<'gc> {
    let number = COUNTER.fetch_add(1, Ordering::Relaxed) + 1;
    let endpoint = format!("inproc://etai-thread-{number}-{:016x}", random_u64());
    let (handle, done) = open_handle(who, Kind::Thread, &endpoint)?;
    let start = Start {
        number,
        job,
        image,
        endpoint,
        search_path: ctx.st.host.linker.search_path.clone(),
        render: ctx.st.host.render_uncaught,
        stdlib: ctx.st.host.stdlib,
        handle: handle.clone(),
        done,
    };
    super::become_parent(&mut ctx.st.host);
    let spawned = std::thread::Builder::new()
        .name(format!("etai-thread-{number}"))
        .stack_size(STACK_SIZE)
        .spawn(move || run(start));
    if let Err(e) = spawned {
        handle.close();
        return Err(nng_error(who, e.to_string(), None));
    }
    Ok(socket_value(ctx, handle))
}

/// The body of an actor thread: runs the thunk and records how it ended.
fn run(start: Start) {
    let what = match &start.job {
        Job::Thunk => "spawn-thread".to_string(),
        Job::With { file, name } => format!("spawn-thread-with {} {name}", file.display()),
    };
    let header = format!("etai: thread actor #{} ({what}) failed:", start.number);
    let reason = run_thunk(&start, &header);
    mark_ended(&start.handle, &start.done, reason);
}

/// Tells the mailbox when the parent closes its handle. The pipe between them usually
/// says so, but when the handle is closed while the inproc connection is being set up,
/// nng can leave the mailbox's end connected to nothing; the handle is in this process,
/// so its close is observed directly.
fn watch_parent(handle: &SocketShared, mailbox: &Arc<SocketShared>) {
    let gone = |mailbox: &SocketShared| {
        let changed = mailbox.lock().parent_gone();
        if changed {
            mailbox.notify();
        }
    };
    let mut st = handle.lock();
    if st.is_closed() {
        drop(st);
        gone(mailbox);
    } else {
        let weak = Arc::downgrade(mailbox);
        st.on_close.push(Box::new(move || {
            if let Some(m) = weak.upgrade() {
                gone(&m);
            }
        }));
    }
}

/// Builds the VM, connects the mailbox, calls the thunk; returns the reason.
fn run_thunk(start: &Start, header: &str) -> Reason {
    let fail = |text: String| {
        eprintln!("{header}\nerror: {text}");
        Reason::Error(text)
    };
    let mut linker = Linker::new();
    linker.search_path = start.search_path.clone();
    if let Some(lib) = start.stdlib {
        linker.set_embedded(lib());
    }
    let mut vm = match crate::new_vm(linker) {
        Ok(vm) => vm,
        Err(e) => return fail(e),
    };
    vm.with_host(|h| {
        h.line_flush = true;
        h.render_uncaught = start.render;
        h.stdlib = start.stdlib;
        h.program = "spawn-thread".into();
    });
    let mailbox = match super::connect_mailbox(&start.endpoint) {
        Ok(m) => m,
        // The parent closed the handle before the thread got going: nothing to run.
        Err(_) if start.handle.is_closed() => return Reason::Killed,
        Err(e) => {
            return fail(format!(
                "cannot connect to parent mailbox {}: {e}",
                start.endpoint
            ))
        }
    };
    watch_parent(&start.handle, &mailbox);
    let image = match transfer::decode(&start.image) {
        Ok(i) => i,
        Err(e) => {
            mailbox.close();
            return fail(e);
        }
    };
    let mb = mailbox.clone();
    let rebuilt = vm.with_ctx(move |ctx| -> Result<(), String> {
        ctx.st.mailbox = socket_value(ctx, mb);
        let value = transfer::rebuild(ctx, image)?;
        ctx.st.result = value;
        Ok(())
    });
    let rebuilt = match (rebuilt, &start.job) {
        (Ok(()), Job::With { file, name }) => prepare_call(&mut vm, file, name),
        (r, _) => r,
    };
    let reason = match rebuilt {
        Err(e) => fail(e),
        Ok(()) => match vm.call_result() {
            Outcome::Done | Outcome::Exit(0) => Reason::Normal,
            Outcome::Exit(n) => Reason::Exit(n),
            Outcome::Interrupted => {
                vm.flush();
                fail("interrupted".into())
            }
            Outcome::Uncaught(u) => {
                vm.flush();
                let text = vm.with_host(|h| match h.render_uncaught {
                    Some(render) => render(h, &u),
                    None => format!("error: {}\n", u.message),
                });
                eprint!("{header}\n{text}");
                run_after_thunks(&mut vm, header);
                Reason::Error(u.message)
            }
        },
    };
    vm.flush();
    drain_and_close(&mailbox);
    // The VM (and its heap) is freed here, on this thread.
    drop(vm);
    reason
}

/// After an uncaught error, runs the pending `dynamic-wind` after-thunks (as the main
/// program does); their own errors are reported too, never swallowed.
fn run_after_thunks(vm: &mut eta_vm::Vm, header: &str) {
    for _ in 0..1000 {
        if vm.with_ctx(|c| matches!(c.st.winders, Value::Nil)) {
            break;
        }
        match vm.call_builtin("%unwind-all") {
            Outcome::Uncaught(u) => {
                let text = vm.with_host(|h| match h.render_uncaught {
                    Some(render) => render(h, &u),
                    None => format!("error: {}\n", u.message),
                });
                eprint!("{header}\n{text}");
            }
            _ => break,
        }
    }
    vm.with_ctx(|c| {
        c.st.winders = Value::Nil;
        c.st.handlers = Value::Nil;
    });
}

/// Runs compiled units; how they failed as text.
fn run_units(vm: &mut eta_vm::Vm, units: &[eta_compiler::Unit]) -> Result<(), String> {
    match vm.run_units(units) {
        Outcome::Done => Ok(()),
        Outcome::Exit(n) => Err(format!("exit {n} while loading")),
        Outcome::Interrupted => Err("interrupted".into()),
        Outcome::Uncaught(u) => Err(u.message),
    }
}

/// `spawn-thread-with` in the thread: the result register holds the vector of
/// arguments; loads `file` like a library file, finds the procedure `name` (a script
/// global of the file, else an export of a module defined in it, else a top-level
/// definition of such a module) and leaves in the result register a thunk applying
/// it to the arguments.
fn prepare_call(vm: &mut eta_vm::Vm, file: &std::path::Path, name: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let shown = file.display().to_string();
    // Running code replaces the result register: keep the arguments alive meanwhile.
    vm.with_ctx(|ctx| {
        let v = ctx.st.result;
        ctx.st.keep.push(v);
    });
    let dir = file.parent().map(std::path::Path::to_path_buf);
    let before: std::collections::HashSet<std::rc::Rc<str>> =
        vm.with_host(|h| h.linker.modules.keys().cloned().collect());
    let scope = vm.with_host(|h| h.linker.new_script_scope());
    let units = vm
        .with_host(|h| {
            let forms = h.linker.read_source(&shown, &text, dir)?;
            h.linker.compile_in_scope(forms, &scope)
        })
        .map_err(|e| e.message.to_string())?;
    run_units(vm, &units)?;
    let slot_of = |b: Option<eta_compiler::env::Binding>| match b {
        Some(eta_compiler::env::Binding::Global { slot, .. })
        | Some(eta_compiler::env::Binding::Imported { slot, .. }) => Some(slot),
        _ => None,
    };
    let slot = vm.with_host(|h| {
        if let Some(s) = slot_of(scope.get_here(name)) {
            return Some(s);
        }
        let mut new: Vec<_> = h
            .linker
            .modules
            .iter()
            .filter(|(k, _)| !before.contains(*k))
            .map(|(_, m)| m.clone())
            .collect();
        new.sort_by(|a, b| a.name.cmp(&b.name));
        new.iter()
            .find_map(|m| slot_of(m.exports.get(name).cloned()))
            .or_else(|| new.iter().find_map(|m| slot_of(m.scope.get_here(name))))
    });
    let missing = format!("spawn-thread-with: {shown} defines no procedure {name}");
    let slot = slot.ok_or_else(|| missing.clone())?;
    // Two helper globals carry the procedure and the arguments into a small thunk.
    let helper = vm.with_host(|h| h.linker.new_script_scope());
    let units = vm
        .with_host(|h| {
            let forms = h.linker.read_source(
                "<spawn-thread-with>",
                "(define %actor-proc #f) (define %actor-args '()) \
                 (lambda () (apply %actor-proc %actor-args))",
                None,
            )?;
            h.linker.compile_in_scope(forms, &helper)
        })
        .map_err(|e| e.message.to_string())?;
    run_units(vm, &units)?;
    let proc_slot = slot_of(helper.get_here("%actor-proc"));
    let args_slot = slot_of(helper.get_here("%actor-args"));
    let (Some(ps), Some(as_)) = (proc_slot, args_slot) else {
        return Err(missing);
    };
    vm.with_ctx(|ctx| -> Result<(), String> {
        let f = ctx.st.global(slot);
        if !matches!(f, Value::Closure(_) | Value::Native(_)) {
            return Err(missing.clone());
        }
        let args = ctx.st.keep.pop().unwrap_or(Value::Nil);
        let list = match args {
            Value::Vector(v) => {
                let items: Vec<Value<'_>> = v.borrow().iter().copied().collect();
                Value::list(ctx.mc, items.into_iter())
            }
            _ => Value::Nil,
        };
        if let Some(g) = ctx.st.globals.get_mut(ps as usize) {
            *g = f;
        }
        if let Some(g) = ctx.st.globals.get_mut(as_ as usize) {
            *g = list;
        }
        Ok(())
    })
}

/// A thread actor handle argument: `T` for non-sockets, the spec's error otherwise.
fn thread_handle<'gc>(who: &str, v: Value<'gc>) -> Result<Arc<Done>, Error<'gc>> {
    let shared = socket_arg(who, v)?;
    match actor_info(&shared) {
        Some((Kind::Thread, done)) => Ok(done),
        _ => Err(Error::msg(format!("{who}: not a thread actor handle")).with_irritants(vec![v])),
    }
}

/// `(thread-join handle [timeout-ms])` ;; => 0 (normal), 1 (otherwise), #f (timeout)
pub(crate) fn thread_join<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "thread-join";
    let done = thread_handle(WHO, a[0])?;
    match super::await_end(ctx, WHO, &done, a.get(1).copied())? {
        Some(r) => Ok(Value::Int(if r == Reason::Normal { 0 } else { 1 })),
        None => Ok(Value::Bool(false)),
    }
}

/// `(thread-alive? handle)` ;; => #t while the thread runs
pub(crate) fn thread_alive<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let done = thread_handle("thread-alive?", a[0])?;
    Ok(Value::Bool(done.reason().is_none()))
}
