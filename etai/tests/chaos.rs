//! Chaos (issue 9): a supervision tree under `one-for-one` (three process workers and a
//! thread-actor sub-supervisor with two thread workers, `etai/tests/chaos/`) whose
//! workers are killed at random — SIGKILL for processes, a requested error for threads.
//! Every kill within the intensity must be followed by a restart of that worker (a new
//! generation announces itself), the surviving workers keep their counters, and the
//! kill beyond the intensity stops the tree with `reached-max-restart-intensity` and
//! ends the program. Nothing may hang: every wait has a deadline.
//!
//! CI runs 12 process kills (and thread kills in between); `ETAI_LONG_TESTS=1` runs 200.

#[path = "reliability/support.rs"]
mod support;

use nng::options::Options as _;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use support::{Running, TestResult};

/// A worker's announcement: `(started KIND ID GENERATION PID PORT)`.
#[derive(Clone, Debug)]
struct Started {
    kind: String,
    id: String,
    generation: u64,
    pid: i32,
    port: u16,
}

fn parse_started(line: &str) -> Option<Started> {
    let inner = line.trim().strip_prefix('(')?.strip_suffix(')')?;
    let f: Vec<&str> = inner.split_whitespace().collect();
    if f.len() != 6 || f[0] != "started" {
        return None;
    }
    Some(Started {
        kind: f[1].to_string(),
        id: f[2].to_string(),
        generation: f[3].parse().ok()?,
        pid: f[4].parse().ok()?,
        port: f[5].parse().ok()?,
    })
}

/// A small xorshift generator: the test prints its seed, so a failing run can be
/// replayed with `ETAI_CHAOS_SEED`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One text request to a worker's rep socket.
fn request(port: u16, what: &str) -> Result<String, String> {
    let s = nng::Socket::new(nng::Protocol::Req0).map_err(|e| e.to_string())?;
    s.set_opt::<nng::options::RecvTimeout>(Some(Duration::from_secs(20)))
        .map_err(|e| e.to_string())?;
    s.dial(&format!("tcp://127.0.0.1:{port}"))
        .map_err(|e| format!("dial {port}: {e}"))?;
    s.send(what.as_bytes()).map_err(|(_, e)| e.to_string())?;
    let reply = s.recv().map_err(|e| format!("recv from {port}: {e}"))?;
    Ok(String::from_utf8_lossy(&reply).into_owned())
}

/// Waits for the next `started` line of worker `id` (other lines are recorded too).
fn await_start(
    tree: &mut Running,
    live: &mut HashMap<String, Started>,
    id: &str,
    deadline: Duration,
) -> Result<Started, String> {
    let end = Instant::now() + deadline;
    loop {
        let left = end.saturating_duration_since(Instant::now());
        let line = tree
            .line("a restart", left)
            .map_err(|e| format!("no restart of {id}: {e}"))?;
        if let Some(s) = parse_started(&line) {
            live.insert(s.id.clone(), s.clone());
            if s.id == id {
                return Ok(s);
            }
        } else if line.contains("supervisor-result") {
            return Err(format!("the tree stopped early: {line}"));
        }
    }
}

#[test]
fn chaos_supervision_tree() -> TestResult {
    let process_kills: u64 = if support::long_tests() { 200 } else { 12 };
    let seed = std::env::var("ETAI_CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    eprintln!("chaos: seed {seed} (replay with ETAI_CHAOS_SEED={seed})");
    let mut rng = Rng(seed);

    let mut command = support::etai();
    command
        .arg("chaos-tree.eta")
        // The last process kill is the one beyond the intensity.
        .arg((process_kills - 1).to_string())
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/chaos"));
    let mut tree = Running::start(command)?;

    let mut live: HashMap<String, Started> = HashMap::new();
    for id in ["p1", "p2", "p3", "t1", "t2"] {
        if !live.contains_key(id) {
            await_start(&mut tree, &mut live, id, Duration::from_secs(30))?;
        }
    }
    // Expected counter of each worker's current generation.
    let mut counters: HashMap<String, u64> = HashMap::new();
    let ids = ["p1", "p2", "p3", "t1", "t2"];
    let (mut kills, mut thread_kills, mut restarts) = (0u64, 0u64, 0u64);
    while kills < process_kills {
        // A survivor keeps its state: tick one and check its counter went on.
        let survivor = ids[rng.below(ids.len())];
        let port = live[survivor].port;
        let reply = request(port, "tick")?;
        let expected = counters.entry(survivor.to_string()).or_insert(0);
        *expected += 1;
        if reply != expected.to_string() {
            return Err(format!(
                "{survivor} lost its state: tick replied {reply}, expected {expected}"
            )
            .into());
        }
        // Then kill someone at random.
        let victim = ids[rng.below(ids.len())].to_string();
        let before = live[&victim].clone();
        if before.kind == "process" {
            // SAFETY: plain system call; the pid was announced by our own worker, which
            // is alive until we kill it (its supervisor only replaces it after that).
            unsafe { libc::kill(before.pid, libc::SIGKILL) };
            kills += 1;
        } else {
            let reply = request(before.port, "crash")?;
            if reply != "crashing" {
                return Err(format!("{victim} answered {reply} to crash").into());
            }
            thread_kills += 1;
        }
        if before.kind == "process" && kills == process_kills {
            break; // this kill exceeds the intensity
        }
        let after = await_start(&mut tree, &mut live, &victim, Duration::from_secs(30))?;
        if after.generation != before.generation + 1 {
            return Err(format!(
                "{victim}: generation {} after {}",
                after.generation, before.generation
            )
            .into());
        }
        counters.insert(victim, 0);
        restarts += 1;
    }

    // The last kill exceeds the intensity: the tree stops and the program ends.
    let patience = Duration::from_secs(60);
    let result = tree.line_where("the supervisor's result", patience, |l| {
        l.contains("supervisor-result")
    })?;
    if !result.contains("reached-max-restart-intensity") {
        return Err(format!("unexpected end: {result}").into());
    }
    let status = tree.wait(patience)?;
    if !status.success() {
        return Err(format!("etai exited with {status}").into());
    }
    // No worker process outlives the tree.
    for s in live.values().filter(|s| s.kind == "process") {
        // SAFETY: signal 0 only checks whether the pid exists.
        let alive = unsafe { libc::kill(s.pid, 0) } == 0;
        let zombie_or_gone = std::fs::read_to_string(format!("/proc/{}/stat", s.pid))
            .map(|st| st.contains(") Z "))
            .unwrap_or(true);
        if alive && !zombie_or_gone {
            return Err(format!("worker {} (pid {}) outlived the tree", s.id, s.pid).into());
        }
    }
    eprintln!(
        "chaos: {kills} process kills, {thread_kills} thread crashes, {restarts} restarts; \
         stopped with {result}"
    );
    Ok(())
}
