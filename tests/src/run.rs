//! Running one script: `etai NAME.eta` in the script's own directory, with
//! no standard input, `NO_COLOR=1`, and a deadline after which it is killed.

use std::fs;
use std::io::{self, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Environment variables that change how `etai` behaves; they are removed so
/// a developer's shell cannot change a test's outcome.
const SCRUBBED_ENV: [&str; 4] = [
    "ETA_MODULE_PATH",
    "ETA_MAX_DEPTH",
    "ETA_HEAP_SOFT_LIMIT",
    "ETAI_HISTORY",
];

/// What one run of a script produced.
#[derive(Clone, Debug)]
pub struct Output {
    /// The exit status; `None` when killed by a signal or on timeout.
    pub status: Option<i32>,
    /// A description of an abnormal end ("killed by signal 11", "timed out
    /// after 60 s"), `None` for a normal exit.
    pub abnormal: Option<String>,
    /// Standard output, lossily decoded as UTF-8.
    pub stdout: String,
    /// Standard error, lossily decoded as UTF-8.
    pub stderr: String,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

/// Runs `etai SCRIPT-FILE-NAME` with the script's directory as working
/// directory, so diagnostics name the file exactly as the golden files do,
/// with the extra environment variables `env` (see [`script_env`]), killed
/// after `timeout`.
pub fn execute(
    etai: &Path,
    script: &Path,
    env: &[(String, String)],
    timeout: Duration,
) -> io::Result<Output> {
    let dir = script.parent().unwrap_or(Path::new("."));
    let file = script.file_name().unwrap_or(script.as_os_str());
    let mut command = Command::new(etai);
    command
        .arg(file)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in SCRUBBED_ENV {
        command.env_remove(var);
    }
    command.envs(env.iter().map(|(k, v)| (k, v)));
    let started = Instant::now();
    let mut child = command.spawn()?;
    // Drain both pipes on their own threads so a chatty script cannot block
    // on a full pipe while we wait for it.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let (status, abnormal) = match wait_until(&mut child, started + timeout)? {
        Some(status) => (status.code(), describe_signal(status)),
        None => {
            // Kill and reap it; the error of killing an already-exited child is moot.
            let _ = child.kill();
            child.wait()?;
            (
                None,
                Some(format!("timed out after {} s", timeout.as_secs())),
            )
        }
    };
    let elapsed = started.elapsed();
    // A grandchild that inherited the pipes could keep them open; do not let
    // that hang the harness.
    let grace = Duration::from_secs(5);
    Ok(Output {
        status,
        abnormal,
        stdout: stdout.recv_timeout(grace).unwrap_or_default(),
        stderr: stderr.recv_timeout(grace).unwrap_or_default(),
        elapsed,
    })
}

/// The variables of `NAME.env` next to the script: one `KEY=VALUE` a line;
/// blank lines and lines starting with `#` are ignored. A test uses it to
/// tighten a limit (`ETA_MAX_DEPTH=10000` makes a tail-call test both
/// strict and fast) or, with `ETA_TEST_TIMEOUT=SECONDS`, to shorten its own
/// timeout (a wishlist test that is known to hang).
pub fn script_env(script: &Path) -> io::Result<Vec<(String, String)>> {
    let path = script.with_extension("env");
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut vars = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once('=').ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: expected KEY=VALUE, got {line:?}", path.display()),
            )
        })?;
        vars.push((key.trim().to_string(), value.trim().to_string()));
    }
    Ok(vars)
}

/// Polls the child until it exits or the deadline passes (`Ok(None)`). The
/// poll interval grows from 1 ms to 50 ms so short scripts finish fast
/// without a busy loop on long ones.
fn wait_until(child: &mut Child, deadline: Instant) -> io::Result<Option<ExitStatus>> {
    let mut interval = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        thread::sleep(interval.min(deadline - now));
        interval = (interval * 2).min(Duration::from_millis(50));
    }
}

/// Reads a pipe to the end on a new thread; the text arrives on the channel.
fn drain(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        let _ = tx.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    rx
}

#[cfg(unix)]
fn describe_signal(status: ExitStatus) -> Option<String> {
    use std::os::unix::process::ExitStatusExt;
    status.signal().map(|s| format!("killed by signal {s}"))
}

#[cfg(not(unix))]
fn describe_signal(status: ExitStatus) -> Option<String> {
    status
        .code()
        .is_none()
        .then(|| "terminated abnormally".to_string())
}
