//! Tests of the socket layer's internals: wake-up descriptors, pipe notifications and
//! the monitor queue, closing, and interrupting blocking waits from another thread.

use super::socket::{Item, Protocol, Reason, SocketShared};
use eta_compiler::Linker;
use eta_vm::host::WakeFd;
use eta_vm::{Outcome, Vm};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn vm() -> Vm {
    match crate::new_vm(Linker::new()) {
        Ok(vm) => vm,
        Err(e) => panic!("new_vm: {e}"),
    }
}

fn eval(vm: &mut Vm, src: &str) -> Outcome {
    let units = vm.with_host(|h| {
        h.linker
            .compile_program("<test>", src, None, false)
            .map_err(|e| e.to_string())
    });
    match units {
        Ok(units) => vm.run_units(&units),
        Err(e) => panic!("compile: {e}"),
    }
}

/// Waits (polling with a deadline) until `f` holds.
fn eventually(what: &str, f: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn readable(fd: std::os::fd::RawFd) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, timeout 0.
    let rc = unsafe { libc::poll(&mut p, 1, 0) };
    rc == 1
}

#[test]
fn wake_fd_coalesces_and_drains() -> Result<(), std::io::Error> {
    let w = WakeFd::new()?;
    assert!(!readable(w.fd()));
    for _ in 0..100_000 {
        w.wake();
    }
    assert!(readable(w.fd()));
    w.drain();
    assert!(!readable(w.fd()));
    Ok(())
}

#[test]
fn protocol_names_round_trip() {
    for p in Protocol::ALL {
        assert_eq!(Protocol::from_name(p.name()), Some(p));
    }
    assert_eq!(Protocol::from_name("pair1"), None);
    assert!(!Protocol::Pub.receives() && !Protocol::Sub.sends());
}

#[test]
fn pipe_events_count_peers_and_queue_downs() -> Result<(), nng::Error> {
    let a = SocketShared::open(Protocol::Pair)?;
    let b = SocketShared::open(Protocol::Pair)?;
    let (sa, sb) = match (a.nng_socket(), b.nng_socket()) {
        (Some(x), Some(y)) => (x, y),
        _ => panic!("sockets closed"),
    };
    sa.listen("inproc://socket-tests-pipes")?;
    sb.dial("inproc://socket-tests-pipes")?;
    drop((sa, sb));
    eventually("peer counted", || a.lock().peer_count() == 1);
    a.lock().monitored = true;
    a.wake.drain();
    b.close();
    eventually("down queued", || !a.lock().queue.is_empty());
    assert!(readable(a.wake.fd()), "the event woke the socket");
    let st = a.lock();
    assert_eq!(st.peer_count(), 0);
    assert!(matches!(
        st.queue.front(),
        Some(Item::Down(Reason::Disconnected))
    ));
    drop(st);
    // Our own close produces nothing and is idempotent.
    a.close();
    a.close();
    assert!(a.lock().queue.is_empty());
    assert!(a.is_closed());
    Ok(())
}

#[test]
fn closing_our_side_queues_no_down() -> Result<(), nng::Error> {
    let a = SocketShared::open(Protocol::Bus)?;
    let b = SocketShared::open(Protocol::Bus)?;
    if let (Some(x), Some(y)) = (a.nng_socket(), b.nng_socket()) {
        x.listen("inproc://socket-tests-own-close")?;
        y.dial("inproc://socket-tests-own-close")?;
    }
    eventually("connected", || a.lock().peer_count() == 1);
    a.lock().monitored = true;
    let weak = Arc::downgrade(&a);
    a.close();
    assert!(a.lock().queue.is_empty());
    drop(a);
    assert!(
        weak.upgrade().is_none(),
        "callbacks keep no strong reference"
    );
    b.close();
    Ok(())
}

/// Runs `src` in a VM whose interrupt another thread requests after `after`; returns
/// the outcome and how long the run took.
fn interrupted_run(src: &str, after: Duration) -> (Outcome, Duration) {
    let mut vm = vm();
    let handle = vm.with_host(|h| h.interrupt_handle());
    let start = Instant::now();
    let t = std::thread::spawn(move || {
        std::thread::sleep(after);
        handle.request();
    });
    let outcome = eval(&mut vm, src);
    let _ = t.join();
    (outcome, start.elapsed())
}

fn assert_interrupted(src: &str) {
    let (outcome, took) = interrupted_run(src, Duration::from_millis(150));
    match outcome {
        Outcome::Uncaught(u) => assert!(
            u.message.contains("Interrupted"),
            "unexpected error: {}",
            u.message
        ),
        Outcome::Interrupted => {}
        other => panic!("not interrupted: {other:?}"),
    }
    assert!(
        took >= Duration::from_millis(100),
        "returned before the interrupt"
    );
    assert!(
        took < Duration::from_secs(10),
        "the interrupt did not wake the wait"
    );
}

#[test]
fn interrupt_wakes_blocking_recv() {
    assert_interrupted("(recv! (nng-socket 'pair) 'wait)");
}

#[test]
fn interrupt_wakes_blocking_send() {
    assert_interrupted("(send! (nng-socket 'pair) 'x 'wait)");
}

#[test]
fn interrupt_wakes_nng_poll_without_limit() {
    assert_interrupted("(nng-poll (list (nng-socket 'pull)) -1)");
}

#[test]
fn interrupt_wakes_dial_retries() {
    assert_interrupted(
        "(define s (nng-socket 'req)) (nng-set-option s 'dial-timeout -1) \
         (nng-dial s \"inproc://socket-tests-nobody\")",
    );
}

#[test]
fn stale_interrupt_wakeup_is_ignored() {
    let mut vm = vm();
    let handle = vm.with_host(|h| h.interrupt_handle());
    handle.request();
    // Cleared directly, as the REPL does before each evaluation: the descriptor still
    // holds the wake-up, which must neither interrupt nor make the wait spin.
    handle
        .flag()
        .store(false, std::sync::atomic::Ordering::SeqCst);
    let start = Instant::now();
    let outcome = eval(
        &mut vm,
        "(if (recv! (nng-socket 'pair) 100) (error \"message?\"))",
    );
    assert!(matches!(outcome, Outcome::Done), "{outcome:?}");
    assert!(start.elapsed() >= Duration::from_millis(90));
}
