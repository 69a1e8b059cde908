//! Helpers shared by the reliability suites (`hostile.rs`, `churn.rs`, `soak.rs`,
//! `interrupt.rs`): running `etai` on a script with its output read line by line, waits
//! with deadlines, temporary directories, and what `/proc` says about a process
//! (memory, descriptors, threads, zombie children).
//!
//! Included by each suite with `#[path = "reliability/support.rs"] mod support;`; not
//! every suite uses every helper.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The error type of the suites.
pub type BoxError = Box<dyn std::error::Error>;
/// What a test returns.
pub type TestResult = Result<(), BoxError>;

/// Whether the long (full-count) variants run: `ETAI_LONG_TESTS=1`.
pub fn long_tests() -> bool {
    std::env::var("ETAI_LONG_TESTS").is_ok_and(|v| v == "1")
}

/// A script of `etai/tests/reliability/`.
pub fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("reliability")
        .join(name)
}

/// The `etai` command with the environment variables that change its behaviour removed.
pub fn etai() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_etai"));
    for var in [
        "ETA_MODULE_PATH",
        "ETA_MAX_DEPTH",
        "ETA_HEAP_SOFT_LIMIT",
        "ETAI_HISTORY",
    ] {
        c.env_remove(var);
    }
    c.env("NO_COLOR", "1");
    c
}

/// A directory under the system temporary directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A fresh, empty directory whose name contains `tag`.
    pub fn new(tag: &str) -> Result<TempDir, BoxError> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let d = std::env::temp_dir().join(format!("etai-rel-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&d)?;
        Ok(TempDir(d))
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `etai` whose standard output arrives line by line and whose standard
/// error is collected; killed and reaped when dropped.
pub struct Running {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    stderr: Receiver<String>,
    /// Every line received so far, for error messages.
    pub seen: Vec<String>,
}

impl Running {
    /// Starts `command` with piped standard input, output and error.
    pub fn start(mut command: Command) -> Result<Running, BoxError> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut stderr_pipe = child.stderr.take().ok_or("no stderr")?;
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let (etx, stderr) = mpsc::channel();
        thread::spawn(move || {
            let mut text = Vec::new();
            let _ = stderr_pipe.read_to_end(&mut text);
            let _ = etx.send(String::from_utf8_lossy(&text).into_owned());
        });
        Ok(Running {
            stdin: child.stdin.take(),
            child,
            lines,
            stderr,
            seen: Vec::new(),
        })
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The next line of standard output, waiting at most `timeout`.
    pub fn line(&mut self, what: &str, timeout: Duration) -> Result<String, BoxError> {
        match self.lines.recv_timeout(timeout) {
            Ok(line) => {
                self.seen.push(line.clone());
                Ok(line)
            }
            Err(RecvTimeoutError::Timeout) => Err(format!(
                "no line for {what} within {timeout:?}; last lines: {:?}",
                self.tail()
            )
            .into()),
            Err(RecvTimeoutError::Disconnected) => Err(format!(
                "etai ended before {what}; last lines: {:?}; stderr:\n{}",
                self.tail(),
                self.stderr_text()
            )
            .into()),
        }
    }

    /// The next line for which `keep` holds (others are skipped), within `timeout`.
    pub fn line_where(
        &mut self,
        what: &str,
        timeout: Duration,
        keep: impl Fn(&str) -> bool,
    ) -> Result<String, BoxError> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self.line(what, left)?;
            if keep(&line) {
                return Ok(line);
            }
        }
    }

    /// A line that may or may not come within `timeout` (`None` if it does not).
    pub fn try_line(&mut self, timeout: Duration) -> Option<String> {
        let line = self.lines.recv_timeout(timeout).ok()?;
        self.seen.push(line.clone());
        Some(line)
    }

    /// Writes one line to standard input.
    pub fn send_line(&mut self, text: &str) -> TestResult {
        let stdin = self.stdin.as_mut().ok_or("stdin closed")?;
        stdin.write_all(text.as_bytes())?;
        stdin.write_all(b"\n")?;
        stdin.flush()?;
        Ok(())
    }

    /// Closes standard input.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits at most `timeout` for the process to end.
    pub fn wait(&mut self, timeout: Duration) -> Result<ExitStatus, BoxError> {
        let deadline = Instant::now() + timeout;
        let mut interval = Duration::from_millis(1);
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(format!(
                    "etai did not end within {timeout:?}; last lines: {:?}",
                    self.tail()
                )
                .into());
            }
            thread::sleep(interval.min(deadline - now));
            interval = (interval * 2).min(Duration::from_millis(50));
        }
    }

    /// Standard error, once the process has ended (empty if it is not available soon).
    pub fn stderr_text(&self) -> String {
        self.stderr
            .recv_timeout(Duration::from_secs(5))
            .unwrap_or_default()
    }

    fn tail(&self) -> &[String] {
        &self.seen[self.seen.len().saturating_sub(5)..]
    }

    /// Sends `signal` to the process.
    pub fn signal(&self, signal: libc::c_int) -> TestResult {
        let pid = libc::pid_t::try_from(self.child.id())?;
        // SAFETY: a plain system call on our own, not yet reaped, child.
        if unsafe { libc::kill(pid, signal) } != 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        Ok(())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A field of `/proc/PID/status` in kB (`VmRSS`, `VmHWM`, ...).
pub fn status_kb(pid: u32, field: &str) -> Result<u64, BoxError> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = text
        .lines()
        .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))
        .ok_or_else(|| format!("no {field} in /proc/{pid}/status"))?;
    let value = line[field.len() + 1..]
        .split_whitespace()
        .next()
        .ok_or("empty field")?;
    Ok(value.parse()?)
}

/// The number of entries of `/proc/PID/DIR`.
fn proc_count(pid: u32, dir: &str) -> Result<usize, BoxError> {
    Ok(std::fs::read_dir(format!("/proc/{pid}/{dir}"))?.count())
}

/// `describe` of each entry of `/proc/PID/DIR`, sorted (empty if it cannot be read).
fn proc_listing(
    pid: u32,
    dir: &str,
    describe: impl Fn(&std::fs::DirEntry) -> Option<String>,
) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(format!("/proc/{pid}/{dir}")) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries.flatten().filter_map(|e| describe(&e)).collect();
    out.sort();
    out
}

/// The number of open file descriptors of `pid`.
pub fn fd_count(pid: u32) -> Result<usize, BoxError> {
    proc_count(pid, "fd")
}

/// What the open file descriptors of `pid` point at (for error messages).
pub fn fd_targets(pid: u32) -> Vec<String> {
    proc_listing(pid, "fd", |e| {
        let target = std::fs::read_link(e.path())
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        Some(format!("{}->{target}", e.file_name().to_string_lossy()))
    })
}

/// The number of threads of `pid`.
pub fn thread_count(pid: u32) -> Result<usize, BoxError> {
    proc_count(pid, "task")
}

/// The names of the threads of `pid` (for error messages).
pub fn thread_names(pid: u32) -> Vec<String> {
    proc_listing(pid, "task", |e| {
        std::fs::read_to_string(e.path().join("comm"))
            .ok()
            .map(|s| s.trim().to_string())
    })
}

/// The child processes of `ppid` as (pid, state letter), from `/proc/*/stat`.
pub fn children(ppid: u32) -> Vec<(u32, char)> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return found;
    };
    for e in entries.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        // `PID (COMM) STATE PPID ...`; COMM may contain spaces and parentheses.
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        let mut rest = stat[close + 1..].split_whitespace();
        let state = rest.next().and_then(|s| s.chars().next()).unwrap_or('?');
        let parent = rest.next().and_then(|p| p.parse::<u32>().ok());
        if parent == Some(ppid) {
            found.push((pid, state));
        }
    }
    found
}

/// Polls `check` until it returns `Some`, or fails with `what` after `timeout`.
pub fn poll_until<T>(
    what: &str,
    timeout: Duration,
    mut check: impl FnMut() -> Result<Option<T>, BoxError>,
) -> Result<T, BoxError> {
    let deadline = Instant::now() + timeout;
    let mut interval = Duration::from_millis(1);
    loop {
        if let Some(v) = check()? {
            return Ok(v);
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(format!("timed out after {timeout:?} waiting for {what}").into());
        }
        thread::sleep(interval.min(deadline - now));
        interval = (interval * 2).min(Duration::from_millis(50));
    }
}
