//! Raw-nng peers of the messaging benchmarks of `bench/run.py`: the same message
//! patterns as `bench/programs/{pingpong-thread,pingpong-process,pushpull}.eta`,
//! driven by the `nng` crate with no interpreter in between.
//!
//! Every message is a small integer as 8 little-endian bytes (the Eta programs send
//! the integer as an encoded value, 2 to 10 bytes). Each mode prints one line, the
//! sum of the integers that came back, which the runner checks.
//!
//! * `pingpong-thread N` — PAIR over `inproc://`, the echo side on its own thread
//!   (as `spawn-thread`).
//! * `pingpong-process N` — PAIR over `ipc://`, the echo side in a child process
//!   (this executable re-run as `echo URL`, as `spawn` re-runs `etai`); the child's
//!   start-up is inside the measured time, as it is for Eta.
//! * `pushpull N` — PUSH in the main thread to PULL on a consumer thread over
//!   `inproc://`; the consumer sums and hands the sum back.
//!
//! A message of any length other than 8 bytes stops an echo side.

use nng::{Protocol, Socket};
use std::process::Command;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// The stop marker: any message that is not 8 bytes long.
const STOP: [u8; 1] = [b'!'];

fn encode(i: u64) -> [u8; 8] {
    i.to_le_bytes()
}

fn decode(bytes: &[u8]) -> Res<u64> {
    let arr: [u8; 8] = bytes.try_into().map_err(|_| "message is not 8 bytes")?;
    Ok(u64::from_le_bytes(arr))
}

/// Echoes every 8-byte message on `sock` until the stop marker arrives.
fn echo(sock: &Socket) -> Res<()> {
    loop {
        let m = sock.recv()?;
        if m.len() != 8 {
            return Ok(());
        }
        sock.send(m).map_err(|(_, e)| e)?;
    }
}

/// `n` round trips of 0..n on `sock`, checking each echo; returns their sum.
fn ping(sock: &Socket, n: u64) -> Res<u64> {
    let mut sum = 0u64;
    for i in 0..n {
        sock.send(&encode(i)[..]).map_err(|(_, e)| e)?;
        let r = decode(&sock.recv()?)?;
        if r != i {
            return Err(format!("bad pong: sent {i}, got {r}").into());
        }
        sum += r;
    }
    sock.send(&STOP[..]).map_err(|(_, e)| e)?;
    Ok(sum)
}

/// Ping-pong with the echo side on its own thread, PAIR over inproc.
pub fn pingpong_thread(n: u64) -> Res<u64> {
    let url = "inproc://bench-pingpong-thread";
    let parent = Socket::new(Protocol::Pair0)?;
    parent.listen(url)?;
    let child = Socket::new(Protocol::Pair0)?;
    child.dial(url)?;
    let worker = std::thread::spawn(move || echo(&child).map_err(|e| e.to_string()));
    let sum = ping(&parent, n)?;
    worker.join().map_err(|_| "echo thread panicked")??;
    Ok(sum)
}

/// Ping-pong with the echo side in a child process, PAIR over ipc.
pub fn pingpong_process(n: u64) -> Res<u64> {
    let path = std::env::temp_dir().join(format!("eta-bench-pingpong-{}.sock", std::process::id()));
    let url = format!("ipc://{}", path.display());
    let parent = Socket::new(Protocol::Pair0)?;
    parent.listen(&url)?;
    let mut child = Command::new(std::env::current_exe()?)
        .args(["echo", &url])
        .spawn()?;
    let sum = ping(&parent, n);
    let status = child.wait()?;
    let _ = std::fs::remove_file(&path);
    let sum = sum?;
    if !status.success() {
        return Err(format!("echo child failed: {status}").into());
    }
    Ok(sum)
}

/// The child side of [`pingpong_process`]: dial `url` and echo until stopped.
pub fn echo_child(url: &str) -> Res<()> {
    let sock = Socket::new(Protocol::Pair0)?;
    sock.dial(url)?;
    echo(&sock)
}

/// `n` messages PUSH (this thread) -> PULL (a consumer thread), over inproc;
/// returns the consumer's sum.
pub fn pushpull(n: u64) -> Res<u64> {
    let url = "inproc://bench-pushpull";
    let pull = Socket::new(Protocol::Pull0)?;
    pull.listen(url)?;
    let consumer = std::thread::spawn(move || -> Result<u64, String> {
        let mut sum = 0u64;
        for _ in 0..n {
            let m = pull.recv().map_err(|e| e.to_string())?;
            sum += decode(&m).map_err(|e| e.to_string())?;
        }
        Ok(sum)
    });
    let push = Socket::new(Protocol::Push0)?;
    push.dial(url)?;
    for i in 0..n {
        push.send(&encode(i)[..]).map_err(|(_, e)| e)?;
    }
    let sum = consumer.join().map_err(|_| "consumer thread panicked")??;
    Ok(sum)
}
