//! Cross-host check (issue 7): the cookbook's distributed compute server runs in one
//! network namespace and a client in another, joined by a veth pair, and the client's
//! answers are checked. It needs root and iproute2 (`ip netns`); without them the test
//! passes with a visible "skipped" line, as on developer machines.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

/// Runs `ip ARGS`; the error text on failure.
fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Two namespaces and the veth pair between them; removed on drop.
struct Hosts {
    server: String,
    client: String,
}

impl Hosts {
    fn create() -> Result<Hosts, String> {
        let id = std::process::id();
        let hosts = Hosts {
            server: format!("etai-{id}-srv"),
            client: format!("etai-{id}-cli"),
        };
        ip(&["netns", "add", &hosts.server])?;
        ip(&["netns", "add", &hosts.client])?;
        let (vs, vc) = (format!("evs{id}"), format!("evc{id}"));
        ip(&["link", "add", &vs, "type", "veth", "peer", "name", &vc])?;
        ip(&["link", "set", &vs, "netns", &hosts.server])?;
        ip(&["link", "set", &vc, "netns", &hosts.client])?;
        for (ns, dev, addr) in [
            (&hosts.server, &vs, "10.231.7.1/24"),
            (&hosts.client, &vc, "10.231.7.2/24"),
        ] {
            ip(&["-n", ns, "addr", "add", addr, "dev", dev])?;
            ip(&["-n", ns, "link", "set", dev, "up"])?;
            ip(&["-n", ns, "link", "set", "lo", "up"])?;
        }
        Ok(hosts)
    }
}

impl Drop for Hosts {
    fn drop(&mut self) {
        // Deleting a namespace also deletes the veth end inside it.
        let _ = ip(&["netns", "del", &self.server]);
        let _ = ip(&["netns", "del", &self.client]);
    }
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Why the test cannot run here, if it cannot.
fn unavailable() -> Option<String> {
    // SAFETY: plain system call without arguments.
    if unsafe { libc::geteuid() } != 0 {
        return Some("not running as root".into());
    }
    match Command::new("ip").arg("netns").arg("list").output() {
        Ok(o) if o.status.success() => None,
        Ok(o) => Some(format!(
            "`ip netns` unusable: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Some(format!("no `ip` command (iproute2): {e}")),
    }
}

#[test]
fn compute_server_across_network_namespaces() -> Result<(), String> {
    if let Some(why) = unavailable() {
        eprintln!("skipped: cross-host test needs ip netns: {why}");
        return Ok(());
    }
    let hosts = match Hosts::create() {
        Ok(h) => h,
        Err(e) => {
            eprintln!("skipped: cannot create network namespaces: {e}");
            return Ok(());
        }
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let etai = env!("CARGO_BIN_EXE_etai");
    let server_file = root.join("../cookbook/concurrency/distributed-compute-server.eta");
    let mut server = Server(
        Command::new("ip")
            .args(["netns", "exec", &hosts.server, etai])
            .arg(&server_file)
            .arg("tcp://10.231.7.1:0")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| e.to_string())?,
    );
    // "compute-server: listening on ENDPOINT port PORT"
    let stdout = server.0.stdout.take().ok_or("no stdout")?;
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(30))
        .map_err(|_| "the server did not report its port")?;
    let port = line
        .trim()
        .rsplit(' ')
        .next()
        .and_then(|p| p.parse::<u16>().ok())
        .ok_or_else(|| format!("no port in {line:?}"))?;

    let endpoint = format!("tcp://10.231.7.1:{port}");
    let mut client = Command::new("ip")
        .args(["netns", "exec", &hosts.client, etai])
        .arg(root.join("tests/netns/compute-client.eta"))
        .arg(&endpoint)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let deadline = Instant::now() + Duration::from_secs(60);
    while client.try_wait().map_err(|e| e.to_string())?.is_none() {
        if Instant::now() > deadline {
            let _ = client.kill();
            return Err("the client did not finish within 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = client.wait_with_output().map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected = "(add 2 3) => 5\n\
                    (mul 6 7) => 42\n\
                    (fib 90) => 2880067194370816120\n\
                    (sqrt 2) => (error unknown-op)\n";
    if !out.status.success() || stdout != expected {
        return Err(format!(
            "client exited {}; stdout:\n{stdout}\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    eprintln!("cross-host: 4 answers from {endpoint} across a veth pair");
    Ok(())
}
