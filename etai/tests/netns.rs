//! Cross-host check (issue 7): the cookbook's distributed compute server runs in one
//! network namespace and a client in another, joined by a veth pair, and the client's
//! answers are checked. It needs root and iproute2 (`ip netns`); without them the test
//! passes with a visible "skipped" line, as on developer machines.

#[path = "reliability/support.rs"]
mod support;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;
use support::{Running, TestResult};

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
fn compute_server_across_network_namespaces() -> TestResult {
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
    let in_namespace = |ns: &str| {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", ns, env!("CARGO_BIN_EXE_etai")]);
        c
    };
    let patience = Duration::from_secs(60);
    let mut server = in_namespace(&hosts.server);
    server
        .arg(root.join("../cookbook/concurrency/distributed-compute-server.eta"))
        .arg("tcp://10.231.7.1:0");
    let mut server = Running::start(server)?;
    // "compute-server: listening on ENDPOINT port PORT"
    let line = server.line("the server's port", patience)?;
    let port = line
        .trim()
        .rsplit(' ')
        .next()
        .and_then(|p| p.parse::<u16>().ok())
        .ok_or_else(|| format!("no port in {line:?}"))?;

    let endpoint = format!("tcp://10.231.7.1:{port}");
    let mut client = in_namespace(&hosts.client);
    client
        .arg(root.join("tests/netns/compute-client.eta"))
        .arg(&endpoint);
    let mut client = Running::start(client)?;
    let mut answers = String::new();
    for _ in 0..4 {
        answers.push_str(&client.line("an answer", patience)?);
        answers.push('\n');
    }
    let status = client.wait(patience)?;
    // Nothing beyond the four answers.
    while let Some(extra) = client.try_line(Duration::from_millis(100)) {
        answers.push_str(&extra);
        answers.push('\n');
    }
    let expected = "(add 2 3) => 5\n\
                    (mul 6 7) => 42\n\
                    (fib 90) => 2880067194370816120\n\
                    (sqrt 2) => (error unknown-op)\n";
    if !status.success() || answers != expected {
        return Err(format!(
            "client exited {status}; stdout:\n{answers}\nstderr:\n{}",
            client.stderr_text()
        )
        .into());
    }
    eprintln!("cross-host: 4 answers from {endpoint} across a veth pair");
    Ok(())
}
