//! Network round-trip benchmark: a 1-byte payload going back and forth between two nng
//! sockets (req/rep and pair, over inproc:// and ipc://), driven by raw `nng` from Rust
//! and by Eta (`eta/roundtrip.eta` run by `etai`), printed side by side.
//!
//! Raw nng is measured two ways: both sockets driven by one thread (the same shape as
//! the Eta script, which holds both ends in one VM) and with the server on its own
//! thread. Eta is measured with `'raw` (the byte goes on the wire as it is) and with an
//! encoded value (the integer 7, 10 bytes in the binary format).
//!
//! Each figure is the best of `--repeat` runs (default 5): on a shared machine the
//! best run is the least disturbed one.
//!
//! Usage: `cargo run --release -- [--etai PATH] [--n ROUND-TRIPS] [--repeat R]`
//!
//! The same binary is also the raw-nng peer of the messaging benchmarks of
//! `bench/run.py` (module [`peer`]): `pingpong-thread N`, `pingpong-process N` and
//! `pushpull N` each run one pattern and print one result line.

mod peer;

use nng::{Protocol, Socket};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[derive(Clone, Copy, Debug)]
enum Pattern {
    ReqRep,
    Pair,
}

#[derive(Clone, Copy, Debug)]
enum Transport {
    Inproc,
    Ipc,
}

impl Pattern {
    fn name(self) -> &'static str {
        match self {
            Pattern::ReqRep => "reqrep",
            Pattern::Pair => "pair",
        }
    }
}

impl Transport {
    fn name(self) -> &'static str {
        match self {
            Transport::Inproc => "inproc",
            Transport::Ipc => "ipc",
        }
    }
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn endpoint(t: Transport, tag: &str) -> String {
    match t {
        Transport::Inproc => format!("inproc://bench-{tag}"),
        Transport::Ipc => {
            let dir = std::env::temp_dir();
            let path = dir.join(format!("eta-bench-net-{}-{tag}.sock", std::process::id()));
            format!("ipc://{}", path.display())
        }
    }
}

/// A connected (server, client) pair of sockets.
fn sockets(p: Pattern, t: Transport, tag: &str) -> Res<(Socket, Socket)> {
    let (sp, cp) = match p {
        Pattern::ReqRep => (Protocol::Rep0, Protocol::Req0),
        Pattern::Pair => (Protocol::Pair0, Protocol::Pair0),
    };
    let server = Socket::new(sp)?;
    let client = Socket::new(cp)?;
    let url = endpoint(t, tag);
    server.listen(&url)?;
    client.dial(&url)?;
    Ok((server, client))
}

/// Round trips per second with both sockets driven by the calling thread.
fn one_thread(p: Pattern, t: Transport, n: u64) -> Res<f64> {
    let (server, client) = sockets(p, t, &format!("1-{}-{}", p.name(), t.name()))?;
    let payload = [7u8];
    let round_trip = || -> Res<()> {
        client.send(&payload[..]).map_err(|(_, e)| e)?;
        let m = server.recv()?;
        server.send(m).map_err(|(_, e)| e)?;
        client.recv()?;
        Ok(())
    };
    for _ in 0..n / 10 {
        round_trip()?;
    }
    let start = Instant::now();
    for _ in 0..n {
        round_trip()?;
    }
    Ok(n as f64 / start.elapsed().as_secs_f64())
}

/// Round trips per second with the server echoing on its own thread.
fn two_threads(p: Pattern, t: Transport, n: u64) -> Res<f64> {
    let (server, client) = sockets(p, t, &format!("2-{}-{}", p.name(), t.name()))?;
    let total = n + n / 10;
    let echo = std::thread::spawn(move || -> Result<(), nng::Error> {
        for _ in 0..total {
            let m = server.recv()?;
            server.send(m).map_err(|(_, e)| e)?;
        }
        Ok(())
    });
    let payload = [7u8];
    for _ in 0..n / 10 {
        client.send(&payload[..]).map_err(|(_, e)| e)?;
        client.recv()?;
    }
    let start = Instant::now();
    for _ in 0..n {
        client.send(&payload[..]).map_err(|(_, e)| e)?;
        client.recv()?;
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    echo.join().map_err(|_| "echo thread panicked")??;
    Ok(rate)
}

/// Round trips per second of the Eta script.
fn eta(etai: &Path, script: &Path, p: Pattern, t: Transport, n: u64, mode: &str) -> Res<f64> {
    let out = Command::new(etai)
        .arg(script)
        .args([p.name(), t.name(), &n.to_string(), mode])
        .output()?;
    if !out.status.success() {
        return Err(format!("etai failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut words = text.split_whitespace();
    let count: f64 = words.next().ok_or("no output")?.parse()?;
    let secs: f64 = words.next().ok_or("no time")?.parse()?;
    Ok(count / secs)
}

/// The highest rate of `times` runs.
fn best(times: u32, mut run: impl FnMut() -> Res<f64>) -> Res<f64> {
    let mut top = 0.0f64;
    for _ in 0..times.max(1) {
        top = top.max(run()?);
    }
    Ok(top)
}

/// The count argument of a peer mode.
fn count(arg: Option<String>) -> Res<u64> {
    Ok(arg.ok_or("expected a message count")?.parse()?)
}

fn main() -> Res<()> {
    let mut args = std::env::args().skip(1);
    match args.next() {
        Some(mode) if mode == "pingpong-thread" => {
            println!("{}", peer::pingpong_thread(count(args.next())?)?)
        }
        Some(mode) if mode == "pingpong-process" => {
            println!("{}", peer::pingpong_process(count(args.next())?)?)
        }
        Some(mode) if mode == "pushpull" => println!("{}", peer::pushpull(count(args.next())?)?),
        Some(mode) if mode == "echo" => peer::echo_child(&args.next().ok_or("echo needs a URL")?)?,
        _ => round_trip_table()?,
    }
    Ok(())
}

/// The round-trip table: raw nng beside `eta/roundtrip.eta`.
fn round_trip_table() -> Res<()> {
    let mut etai = std::env::var_os("ETAI").map(PathBuf::from);
    let mut n: u64 = 100_000;
    let mut repeat: u32 = 5;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--etai" => etai = args.next().map(PathBuf::from),
            "--n" => n = args.next().ok_or("--n needs a number")?.parse()?,
            "--repeat" => repeat = args.next().ok_or("--repeat needs a number")?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let etai = etai.unwrap_or_else(|| here.join("../../target/release/etai"));
    let script = here.join("eta/roundtrip.eta");
    println!(
        "round trips per second (1 round trip = 2 messages), {n} round trips, \
         1-byte payload, best of {repeat}"
    );
    println!(
        "{:<8} {:<7} {:>14} {:>14} {:>14} {:>14} {:>10}",
        "pattern", "transp.", "nng 1 thread", "nng 2 threads", "Eta 'raw", "Eta value", "nng1/Eta"
    );
    for p in [Pattern::ReqRep, Pattern::Pair] {
        for t in [Transport::Inproc, Transport::Ipc] {
            let raw1 = best(repeat, || one_thread(p, t, n))?;
            let raw2 = best(repeat, || two_threads(p, t, n))?;
            let (eta_raw, eta_value) = if etai.exists() {
                (
                    best(repeat, || eta(&etai, &script, p, t, n, "raw"))?,
                    best(repeat, || eta(&etai, &script, p, t, n, "value"))?,
                )
            } else {
                (f64::NAN, f64::NAN)
            };
            println!(
                "{:<8} {:<7} {:>14.0} {:>14.0} {:>14.0} {:>14.0} {:>10.2}",
                p.name(),
                t.name(),
                raw1,
                raw2,
                eta_raw,
                eta_value,
                raw1 / eta_raw
            );
        }
    }
    if !etai.exists() {
        println!(
            "(no etai at {}: build it with `cargo build --release -p etai` or pass --etai)",
            etai.display()
        );
    }
    Ok(())
}
