//! Actor churn (networking spec §9.5, §10.4, §15 items 6 and 7): many spawn/exit
//! cycles of process actors and of thread actors leave nothing behind — no zombie or
//! other child process, no socket file in the private endpoint directory, and the
//! open descriptors and threads of `etai` back at their count before the churn.
//!
//! `reliability/churn.eta` prints `start` (after one warm-up cycle of each kind) and
//! `ready` (after the churn) and waits for a line on standard input at each, while
//! this test inspects `/proc`. CI runs 100 process and 500 thread cycles;
//! `ETAI_LONG_TESTS=1` runs 1,000 and 5,000.

#[path = "reliability/support.rs"]
mod support;

use std::time::{Duration, Instant};
use support::{
    children, fd_count, fd_targets, poll_until, script, thread_count, thread_names, BoxError,
    Running, TempDir, TestResult,
};

/// The private endpoint directories (`etai-PID-RANDOM`) `pid` made under `tmp`.
fn private_dirs(
    tmp: &std::path::Path,
    pid: u32,
) -> Result<Vec<std::path::PathBuf>, std::io::Error> {
    let prefix = format!("etai-{pid}-");
    let mut found = Vec::new();
    for e in std::fs::read_dir(tmp)? {
        let e = e?;
        if e.file_name().to_string_lossy().starts_with(&prefix) {
            found.push(e.path());
        }
    }
    Ok(found)
}

fn entries(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The `etai` running the churn, with its descriptors and threads at the start.
struct Churn {
    pid: u32,
    fds: usize,
    fds_before: Vec<String>,
    tasks: usize,
    tasks_before: Vec<String>,
}

/// A thread actor's OS thread, a reaper and nng's pipe teardown end just after they
/// report: the counts get this long (polled) to go back to where they started.
const SETTLE: Duration = Duration::from_secs(10);

/// Runs `churn.eta` with the CI or long counts in a fresh TMPDIR (without
/// XDG_RUNTIME_DIR, so the private endpoint directory is `TMPDIR/etai-PID-RANDOM`).
/// Checks on the way: no child process is left, zombie or otherwise; the private
/// directory holds no socket file; `etai` ends with status 0 and removes it. `inspect`
/// runs at the `ready` point.
fn churn(inspect: impl FnOnce(&Churn) -> TestResult) -> TestResult {
    let (processes, threads) = if support::long_tests() {
        (1000, 5000)
    } else {
        (100, 500)
    };
    let tmp = TempDir::new("churn")?;
    let mut cmd = support::etai();
    cmd.arg(script("churn.eta"))
        .arg(processes.to_string())
        .arg(threads.to_string())
        .env("TMPDIR", tmp.path())
        .env_remove("XDG_RUNTIME_DIR");
    let mut etai = Running::start(cmd)?;
    let pid = etai.pid();

    assert_eq!(etai.line("start", Duration::from_secs(60))?, "start");
    let fds = fd_count(pid)?;
    let fds_before = fd_targets(pid);
    let tasks = thread_count(pid)?;
    let tasks_before = thread_names(pid);
    let started = Instant::now();
    etai.send_line("")?;

    let churn_time = Duration::from_secs(if support::long_tests() { 1800 } else { 300 });
    assert_eq!(etai.line("ready", churn_time)?, "ready");
    let elapsed = started.elapsed();

    // Every child was reaped when its handle reported the end: none is left, zombie
    // or otherwise.
    let left = children(pid);
    assert!(left.is_empty(), "children left (pid, state): {left:?}");

    // The private endpoint directory exists (the warm-up spawned) and is empty: each
    // handle's socket file went away when the handle was closed.
    let dirs = private_dirs(tmp.path(), pid)?;
    assert_eq!(dirs.len(), 1, "private directories: {dirs:?}");
    let files = entries(&dirs[0]);
    assert!(files.is_empty(), "socket files left: {files:?}");

    let result = Churn {
        fds,
        fds_before,
        tasks,
        tasks_before,
        pid,
    };
    eprintln!(
        "churn: {processes} process and {threads} thread cycles in {:.1} s; \
         descriptors {fds} -> {}, threads {tasks} -> {}",
        elapsed.as_secs_f64(),
        fd_count(pid)?,
        thread_count(pid)?
    );
    inspect(&result)?;

    etai.send_line("")?;
    let status = etai.wait(Duration::from_secs(60))?;
    let stderr = etai.stderr_text();
    assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");
    assert!(stderr.is_empty(), "stderr:\n{stderr}");
    // At exit the private directory itself is removed.
    let left = entries(tmp.path());
    assert!(left.is_empty(), "left in TMPDIR after exit: {left:?}");
    Ok(())
}

/// Waits (at most [`SETTLE`]) for `count` to come back to `start`; the error shows what
/// was listed at the start and what is listed now.
fn back_to_start(
    what: &str,
    start: usize,
    before: &[String],
    count: impl Fn() -> Result<usize, BoxError>,
    now: impl Fn() -> Vec<String>,
) -> TestResult {
    poll_until(
        &format!("the {what} to be back to their count"),
        SETTLE,
        || Ok((count()? <= start).then_some(())),
    )
    .map_err(|e| {
        format!(
            "{e}: {} {what}, {start} at the start\nbefore: {before:?}\nnow: {:?}",
            count().unwrap_or(0),
            now()
        )
        .into()
    })
}

#[test]
fn actor_churn_leaves_no_zombies_socket_files_descriptors_or_threads() -> TestResult {
    churn(|c| {
        back_to_start(
            "threads",
            c.tasks,
            &c.tasks_before,
            || thread_count(c.pid),
            || thread_names(c.pid),
        )?;
        back_to_start(
            "descriptors",
            c.fds,
            &c.fds_before,
            || fd_count(c.pid),
            || fd_targets(c.pid),
        )
    })
}
