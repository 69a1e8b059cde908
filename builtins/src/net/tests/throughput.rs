//! Prints encode/decode throughput for a 1,000-element list and a 1 MB bytevector
//! (informative only, never a timed assertion). Meaningful in release:
//! `cargo test --release -p eta-builtins --lib net::tests::throughput -- --nocapture`.

use super::vm;
use crate::net::wire::{decode, encode};
use eta_vm::Value;
use std::time::Instant;

fn report(what: &str, bytes: usize, iters: u32, secs: f64) {
    let per = secs / f64::from(iters);
    eprintln!(
        "{what}: {:.2} us per message, {:.0} MB/s",
        per * 1e6,
        bytes as f64 / per / 1e6
    );
}

#[test]
fn throughput() {
    let mut vm = vm();
    let cases: [(&str, u32); 2] = [("1000-element list", 2000), ("1 MB bytevector", 200)];
    for (name, iters) in cases {
        let bytes = vm.with_ctx(|ctx| {
            let v = if name.ends_with("list") {
                Value::list(ctx.mc, (0..1000).map(Value::Int))
            } else {
                Value::bytevector(ctx.mc, vec![0xA5; 1 << 20])
            };
            let bytes = encode(v, 0).unwrap_or_default();
            let t = Instant::now();
            for _ in 0..iters {
                let b = encode(v, 0).unwrap_or_default();
                assert_eq!(b.len(), bytes.len());
            }
            report(
                &format!("encode {name}"),
                bytes.len(),
                iters,
                t.elapsed().as_secs_f64(),
            );
            bytes
        });
        // One decode per mutation, with the collections a running VM would do.
        let t = Instant::now();
        for i in 0..iters {
            vm.with_ctx(|ctx| assert!(decode(ctx, &bytes, 0).is_ok()));
            if i % 50 == 49 {
                vm.collect_all();
            }
        }
        report(
            &format!("decode {name}"),
            bytes.len(),
            iters,
            t.elapsed().as_secs_f64(),
        );
    }
}
