//! Soak (networking spec §3.4, §7, §10): messages of mixed kinds — fixnums, strings,
//! lists, vectors, bytevectors, flonums, bignums — go through the PAIR of a thread
//! actor and of a process actor, each one checked and echoed by the actor and checked
//! again by the parent against its sequence number (`reliability/soak.eta`): nothing
//! may be lost, duplicated, reordered or corrupted. Memory is sampled along the way
//! and must not grow once warmed up.
//!
//! CI sends 100,000 messages through the thread actor and 10,000 through the process
//! actor; `ETAI_LONG_TESTS=1` sends 1,000,000 and 100,000.

#[path = "reliability/support.rs"]
mod support;

use std::time::Duration;
use support::{script, Running, TestResult};

/// Memory samples per phase.
const SAMPLES: usize = 20;

/// The samples taken before the heap, nng's buffers and the allocator reach their
/// working size (the first fifth of the run) are not judged.
const WARM_UP: usize = SAMPLES / 5;

/// How far the last sample may be from the first one after the warm-up, as a
/// fraction of the latter. The working set is about 9 MB and moves by a few hundred
/// kB between collections, so ±10% separates that noise from a leak: a leak of even
/// 16 bytes per message would add 1.6 MB over the CI run (and 16 MB over the long
/// one).
const TOLERANCE: f64 = 0.10;

/// A series of (messages so far, resident kB) samples.
type Series = Vec<(u64, u64)>;

/// Parses `(KIND I KB ...)` lines into one series per column after `I`.
fn parse(lines: &[String], kind: &str, columns: usize) -> Result<Vec<Series>, String> {
    let mut series = vec![Series::new(); columns];
    let prefix = format!("({kind} ");
    for line in lines.iter().filter(|l| l.starts_with(&prefix)) {
        let fields: Vec<u64> = line[prefix.len()..line.len() - 1]
            .split(' ')
            .map(|f| f.parse::<u64>().map_err(|e| format!("{line:?}: {e}")))
            .collect::<Result<_, _>>()?;
        if fields.len() != columns + 1 {
            return Err(format!("unexpected sample {line:?}"));
        }
        for (c, s) in series.iter_mut().enumerate() {
            s.push((fields[0], fields[c + 1]));
        }
    }
    Ok(series)
}

/// Checks that `series` stays within the tolerance after the warm-up; returns a line
/// describing it.
fn judge(name: &str, series: &Series) -> Result<String, String> {
    if series.len() != SAMPLES {
        return Err(format!(
            "{name}: {} samples, expected {SAMPLES}",
            series.len()
        ));
    }
    let (at_first, first) = series[WARM_UP];
    let (at_last, last) = series[SAMPLES - 1];
    let (at_start, start) = series[0];
    let change = (last as f64 - first as f64) / first as f64;
    let report = format!(
        "{name}: {start} kB after {at_start} messages, {first} kB after {at_first} \
         (first judged), {last} kB after {at_last} ({:+.1}%)",
        change * 100.0
    );
    if change.abs() > TOLERANCE {
        return Err(format!(
            "{report}: beyond ±{:.0}%; samples {series:?}",
            TOLERANCE * 100.0
        ));
    }
    Ok(report)
}

#[test]
fn mixed_messages_through_thread_and_process_actors() -> TestResult {
    let (threads, processes, limit) = if support::long_tests() {
        (1_000_000, 100_000, 3600)
    } else {
        (100_000, 10_000, 300)
    };
    let mut cmd = support::etai();
    cmd.arg(script("soak.eta"))
        .arg(threads.to_string())
        .arg(processes.to_string())
        .arg(SAMPLES.to_string());
    let mut etai = Running::start(cmd)?;
    let done = format!("(done {threads} {processes})");
    let timeout = Duration::from_secs(limit);
    etai.line_where("the end of the soak", timeout, |l| {
        l == done || !(l.starts_with("(thread ") || l.starts_with("(process "))
    })?;
    let status = etai.wait(Duration::from_secs(60))?;
    let stderr = etai.stderr_text();
    assert_eq!(
        etai.seen.last(),
        Some(&done),
        "unexpected output; stderr:\n{stderr}"
    );
    assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");
    assert!(stderr.is_empty(), "stderr:\n{stderr}");

    let thread = parse(&etai.seen, "thread", 1)?;
    let process = parse(&etai.seen, "process", 2)?;
    let mut reports = Vec::new();
    let mut failures = Vec::new();
    for (name, series) in [
        ("thread actor (whole process)", &thread[0]),
        ("process actor, parent", &process[0]),
        ("process actor, child", &process[1]),
    ] {
        match judge(name, series) {
            Ok(r) => reports.push(r),
            Err(e) => failures.push(e),
        }
    }
    eprintln!("soak, {threads} + {processes} messages:");
    for r in &reports {
        eprintln!("  {r}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    Ok(())
}
