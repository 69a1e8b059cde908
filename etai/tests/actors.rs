//! Process actors seen from outside (networking spec §9.5, §15 items 6 and 7): when
//! the parent ends, its still-running children are terminated and reaped, and the
//! private endpoint directory with its socket files is removed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fresh_dir(tag: &str) -> Result<PathBuf, std::io::Error> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let d = std::env::temp_dir().join(format!("etai-test-{tag}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&d)?;
    Ok(d)
}

/// Processes whose command line mentions `needle`.
fn processes_mentioning(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return found;
    };
    for e in entries.flatten() {
        let Ok(bytes) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        let line = String::from_utf8_lossy(&bytes).replace('\0', " ");
        if line.contains(needle) {
            found.push(format!("{}: {line}", e.file_name().to_string_lossy()));
        }
    }
    found
}

fn is_empty_dir(d: &Path) -> Result<bool, std::io::Error> {
    Ok(std::fs::read_dir(d)?.next().is_none())
}

/// A fresh directory (`DIR`, with the private endpoint directory going to `DIR/run`)
/// holding `sleeper.eta` (reports `ready`, then waits until killed) and `parent.eta`
/// with `parent`; returns them with the command that runs the parent there.
fn sleeper_setup(tag: &str, parent: &str) -> Result<(PathBuf, PathBuf, Command), std::io::Error> {
    let dir = fresh_dir(tag)?;
    let run = dir.join("run");
    std::fs::create_dir_all(&run)?;
    std::fs::write(
        dir.join("sleeper.eta"),
        "(send! (current-mailbox) 'ready)\n(let loop () (recv! (current-mailbox) 'wait) (loop))\n",
    )?;
    std::fs::write(dir.join("parent.eta"), parent)?;
    let mut command = Command::new(env!("CARGO_BIN_EXE_etai"));
    command
        .arg("parent.eta")
        .current_dir(&dir)
        .env("TMPDIR", &run)
        .env_remove("XDG_RUNTIME_DIR")
        .env_remove("ETA_MODULE_PATH");
    Ok((dir, run, command))
}

#[test]
fn children_and_socket_files_are_cleaned_up_at_exit() -> TestResult {
    let (dir, run, mut command) = sleeper_setup(
        "cleanup",
        "(define a (spawn \"sleeper.eta\"))\n(define b (spawn \"sleeper.eta\"))\n\
         (display (list (recv! a 20000) (recv! b 20000)))\n",
    )?;
    let out = command.output()?;
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "(ready ready)",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(is_empty_dir(&run)?, "leftover files in {}", run.display());
    let needle = run.display().to_string();
    let left = processes_mentioning(&needle);
    assert!(left.is_empty(), "children still running: {left:?}");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn a_child_killed_from_outside_reports_its_signal() -> TestResult {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let (dir, run, mut command) = sleeper_setup(
        "signal",
        "(define h (spawn \"sleeper.eta\"))\n(monitor h)\n\
         (display (recv! h 20000))\n(newline)\n\
         (define d (recv! h 30000))\n\
         (write (list (eq? (cadr d) h) (caddr d) (spawn-wait h 10000)))\n(newline)\n",
    )?;
    let mut child = command.stdout(Stdio::piped()).spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    assert_eq!(lines.next().transpose()?.as_deref(), Some("ready"));
    let needle = run.display().to_string();
    let pids: Vec<String> = processes_mentioning(&needle)
        .iter()
        .filter_map(|l| l.split(':').next().map(str::to_string))
        .collect();
    assert_eq!(pids.len(), 1, "{pids:?}");
    let killed = Command::new("kill").args(["-9", &pids[0]]).status()?;
    assert!(killed.success());
    assert_eq!(
        lines.next().transpose()?.as_deref(),
        Some("(#t (signal 9) 137)")
    );
    assert_eq!(child.wait()?.code(), Some(0));
    assert!(is_empty_dir(&run)?);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
