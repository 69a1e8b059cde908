//! Process actors (networking spec §9): `spawn` starts the same executable on a file
//! with `--mailbox ENDPOINT`, the handle listening on an `ipc://` endpoint in a private
//! `0700` directory with unpredictable names; a reaper thread per child waits for it
//! (so no zombie remains) and records its end; `spawn-wait`, `spawn-kill`; at exit,
//! [`shutdown`] terminates the remaining children and removes the directory.

use super::{mark_ended, open_handle, random_u64, Done, Kind};
use crate::args;
use crate::net::nng_error::nng_error;
use crate::net::socket::{socket_arg, socket_value, SocketShared};
use crate::net::Reason;
use eta_vm::{Ctx, Error, NResult, Value};
use std::os::unix::fs::DirBuilderExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use std::time::{Duration, Instant};

/// A child process and what is known about its end.
pub struct Proc {
    pid: libc::pid_t,
    state: Mutex<ProcState>,
    done: Arc<Done>,
}

#[derive(Default)]
struct ProcState {
    /// Reaped: the pid may be reused, never signal it again.
    reaped: bool,
    /// `spawn-kill` was used (the reason becomes `killed`).
    killed: bool,
    /// Exit code, or 128+N for signal N.
    status: Option<i32>,
}

impl Proc {
    fn lock(&self) -> MutexGuard<'_, ProcState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sends `sig` if the child has not been reaped yet; whether it was sent.
    fn signal(&self, sig: libc::c_int) -> bool {
        let st = self.lock();
        if st.reaped {
            return false;
        }
        // SAFETY: plain system call; the pid is still our unreaped child (checked under
        // the lock the reaper takes before reaping), so it cannot name another process.
        unsafe { libc::kill(self.pid, sig) == 0 }
    }
}

/// Process-wide bookkeeping: the private directory and the live children.
#[derive(Default)]
struct Registry {
    dir: Option<PathBuf>,
    children: Vec<Weak<Proc>>,
}

fn registry() -> MutexGuard<'static, Registry> {
    static REG: OnceLock<Mutex<Registry>> = OnceLock::new();
    REG.get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// Per-process counter of spawn endpoints.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A usable directory named by an environment variable.
fn env_dir(var: &str) -> Option<PathBuf> {
    let v = std::env::var_os(var)?;
    let p = PathBuf::from(v);
    (p.is_absolute() && p.is_dir()).then_some(p)
}

/// The private endpoint directory, created on first use (mode 0700, random name).
fn private_dir() -> std::io::Result<PathBuf> {
    let mut reg = registry();
    if let Some(d) = &reg.dir {
        return Ok(d.clone());
    }
    let mut candidates = Vec::new();
    if let Some(d) = env_dir("XDG_RUNTIME_DIR") {
        candidates.push(d.join(format!("etai-{:016x}", random_u64())));
    }
    let tmp = env_dir("TMPDIR").unwrap_or_else(|| PathBuf::from("/tmp"));
    candidates.push(tmp.join(format!("etai-{}-{:016x}", std::process::id(), random_u64())));
    let mut last = None;
    for c in candidates {
        match std::fs::DirBuilder::new().mode(0o700).create(&c) {
            Ok(()) => {
                reg.dir = Some(c.clone());
                return Ok(c);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no usable directory")))
}

/// Resolves a module path (§9.1 step 1): absolute as is; relative against the current
/// directory when the file exists there, else against the entry file's directory.
pub fn resolve(path: &str, program: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    if p.is_absolute() {
        return p.is_file().then(|| p.to_path_buf());
    }
    if let Ok(cwd) = std::env::current_dir() {
        let c = cwd.join(p);
        if c.is_file() {
            return Some(c);
        }
    }
    let entry_dir = Path::new(program).parent().and_then(|d| {
        std::fs::canonicalize(if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        })
        .ok()
    })?;
    let c = entry_dir.join(p);
    c.is_file().then_some(c)
}

/// `(spawn module-path [arg ...])` ;; `(spawn "worker.eta" "7")` => #<nng-socket pair>
pub(crate) fn spawn<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "spawn";
    let Value::Str(_) = a[0] else {
        return Err(Error::msg(format!(
            "{WHO}: expected a string module path, got {}",
            eta_vm::write_truncated(a[0], 60)
        ))
        .with_irritants(vec![a[0]]));
    };
    let path = args::string(WHO, a[0])?;
    let mut extra = Vec::with_capacity(a.len() - 1);
    for &v in &a[1..] {
        extra.push(args::string(WHO, v)?);
    }
    let Some(file) = resolve(&path, &ctx.st.host.program) else {
        return Err(nng_error(WHO, format!("no such file: {path}"), None));
    };
    let dir = private_dir().map_err(|e| nng_error(WHO, e.to_string(), None))?;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed) + 1;
    let sock_path = dir.join(format!("a{n}-{:016x}.sock", random_u64()));
    let endpoint = format!("ipc://{}", sock_path.display());
    let (handle, done) = open_handle(WHO, Kind::Process, &endpoint)?;
    {
        let p = sock_path.clone();
        handle.lock().on_close.push(Box::new(move || {
            let _ = std::fs::remove_file(&p);
        }));
    }
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            handle.close();
            return Err(nng_error(WHO, e.to_string(), None));
        }
    };
    let search: Vec<String> = ctx
        .st
        .host
        .linker
        .search_path
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    super::become_parent(&mut ctx.st.host);
    ctx.st.host.flush_all();
    let child = Command::new(exe)
        .arg("--mailbox")
        .arg(&endpoint)
        .arg("--")
        .arg(&file)
        .args(&extra)
        .env("ETA_MODULE_PATH", search.join(":"))
        .spawn();
    let child = match child {
        Ok(c) => c,
        Err(e) => {
            handle.close();
            return Err(nng_error(WHO, e.to_string(), None));
        }
    };
    let proc_ = Arc::new(Proc {
        pid: child.id() as libc::pid_t,
        state: Mutex::new(ProcState::default()),
        done: done.clone(),
    });
    {
        let mut reg = registry();
        reg.children.retain(|w| w.strong_count() > 0);
        reg.children.push(Arc::downgrade(&proc_));
    }
    {
        let mut st = handle.lock();
        if let Some(info) = st
            .ext
            .as_mut()
            .and_then(|e| e.downcast_mut::<super::ActorInfo>())
        {
            info.process = Some(proc_.clone());
        }
    }
    let reaper_handle = handle.clone();
    let reaper_proc = proc_.clone();
    let spawned = std::thread::Builder::new()
        .name("etai-reaper".into())
        .stack_size(64 * 1024)
        .spawn(move || reap(child, &reaper_proc, &reaper_handle, &done));
    if let Err(e) = spawned {
        // Without a reaper the child would become a zombie: stop it now.
        proc_.signal(libc::SIGKILL);
        handle.close();
        return Err(nng_error(WHO, e.to_string(), None));
    }
    Ok(socket_value(ctx, handle))
}

/// The reaper of one child: waits for its end without reaping it, then, under the
/// child's lock (so `spawn-kill` never signals a reused pid), reaps it and records the
/// status and reason.
fn reap(mut child: Child, proc_: &Proc, handle: &SocketShared, done: &Done) {
    loop {
        // SAFETY: `siginfo_t` is a plain C struct for which all-zero bytes are valid.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: plain system call on our own child with a valid siginfo pointer.
        let r = unsafe {
            libc::waitid(
                libc::P_PID,
                proc_.pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            )
        };
        if r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            break;
        }
    }
    let reason = {
        let mut st = proc_.lock();
        let status = child.wait();
        st.reaped = true;
        let (code, reason) = match status {
            Ok(s) => match (s.code(), s.signal()) {
                (Some(0), _) => (0, Reason::Normal),
                (Some(c), _) => (c, Reason::Exit(c)),
                (None, Some(sig)) => (128 + sig, Reason::Signal(sig)),
                (None, None) => (1, Reason::Exit(1)),
            },
            Err(_) => (1, Reason::Exit(1)),
        };
        st.status = Some(code);
        if st.killed {
            Reason::Killed
        } else {
            reason
        }
    };
    mark_ended(handle, done, reason);
}

/// A process actor handle argument.
pub(crate) fn process_handle<'gc>(
    who: &str,
    v: Value<'gc>,
) -> Result<(Arc<Proc>, Arc<Done>), Error<'gc>> {
    process_of(&*socket_arg(who, v)?).ok_or_else(|| {
        Error::msg(format!("{who}: not a process actor handle")).with_irritants(vec![v])
    })
}

/// The child process of a process actor handle, with its end.
pub(crate) fn process_of(shared: &SocketShared) -> Option<(Arc<Proc>, Arc<Done>)> {
    let st = shared.lock();
    let info = st.ext.as_ref()?.downcast_ref::<super::ActorInfo>()?;
    Some((info.process.clone()?, info.done.clone()))
}

/// `(spawn-wait handle [timeout-ms])` ;; => exit status, or #f on timeout
pub(crate) fn spawn_wait<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "spawn-wait";
    let (proc_, done) = process_handle(WHO, a[0])?;
    match super::await_end(ctx, WHO, &done, a.get(1).copied())? {
        Some(_) => Ok(Value::Int(i64::from(proc_.lock().status.unwrap_or(1)))),
        None => Ok(Value::Bool(false)),
    }
}

/// `(spawn-kill handle)` ;; => #t if it was running (SIGTERM, 2 s, SIGKILL), else #f
pub(crate) fn spawn_kill<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let (proc_, _) = process_handle("spawn-kill", a[0])?;
    ctx.st.host.flush_out();
    Ok(Value::Bool(proc_.terminate(Some(Duration::from_secs(2)))))
}

impl Proc {
    /// Ends the child with reason `killed`: SIGTERM, then SIGKILL once `grace` has
    /// passed (at once for a zero grace; never, waiting as long as it takes, for `None`),
    /// and waits until it is reaped. Whether it was still running.
    pub(crate) fn terminate(&self, grace: Option<Duration>) -> bool {
        {
            let mut st = self.lock();
            if st.reaped {
                return false;
            }
            st.killed = true;
        }
        let never = || false;
        if grace == Some(Duration::ZERO) {
            self.signal(libc::SIGKILL);
        } else {
            self.signal(libc::SIGTERM);
            let deadline = grace.map(|g| Instant::now() + g);
            if self.done.wait(deadline, &never).is_none() {
                self.signal(libc::SIGKILL);
            }
        }
        self.done.wait(None, &never);
        true
    }
}

/// At process exit: children still running get SIGTERM, then SIGKILL after 1 s; the
/// private directory and its socket files are removed.
pub fn shutdown() {
    let (children, dir) = {
        let mut reg = registry();
        let children: Vec<Arc<Proc>> = reg.children.drain(..).filter_map(|w| w.upgrade()).collect();
        (children, reg.dir.take())
    };
    let running: Vec<&Arc<Proc>> = children
        .iter()
        .filter(|p| p.signal(libc::SIGTERM))
        .collect();
    let never = || false;
    let deadline = Instant::now() + Duration::from_secs(1);
    for p in &running {
        if p.done.wait(Some(deadline), &never).is_none() {
            p.signal(libc::SIGKILL);
        }
    }
    // The reapers record the ends (bounded: a SIGKILLed child ends promptly).
    let end = Instant::now() + Duration::from_secs(1);
    for p in &running {
        p.done.wait(Some(end), &never);
    }
    if let Some(d) = dir {
        let _ = std::fs::remove_dir_all(d);
    }
}
