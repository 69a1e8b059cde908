//! Fuzzes the decoding of a whole received message as `recv!` does it
//! (`eta_builtins::net::decode_message`, networking spec §7.4 and §8.2): the binary
//! format built into a real VM heap, heartbeat frames, and the text format through the
//! reader. Every input must end in a value or a `WireError`, never a panic; a decoded
//! value that can be sent again (no cycle from datum labels, within the depth limit)
//! has a binary encoding that decodes to a value with exactly the same encoding (a
//! fixed point: comparing values instead would trip over NaN payloads, which are
//! canonicalised on sending).
#![no_main]

use eta_builtins::net::{decode_message, encode_message, Format, Received};
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

/// The default `max-message-size` (64 MiB).
const MAX: usize = 64 << 20;

/// Inputs between two full collections.
const COLLECT_EVERY: u32 = 256;

thread_local! {
    /// One VM for the whole run (building one per input would dominate the time).
    static VM: RefCell<Option<eta_vm::Vm>> = RefCell::new(
        eta_builtins::new_vm(eta_compiler::Linker::new()).ok()
    );
    static RUNS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

fuzz_target!(|data: &[u8]| {
    VM.with(|cell| {
        let mut slot = cell.borrow_mut();
        let Some(vm) = slot.as_mut() else {
            panic!("cannot build a VM");
        };
        vm.with_ctx(|ctx| {
            let Ok(Received::Value(v)) = decode_message(ctx, data, MAX) else {
                return;
            };
            let Ok(bytes) = encode_message(v, Format::Binary, MAX) else {
                return;
            };
            let again = match decode_message(ctx, &bytes, MAX) {
                Ok(Received::Value(back)) => encode_message(back, Format::Binary, MAX),
                Ok(_) => panic!("{data:02X?} re-encodes as a heartbeat"),
                Err(e) => panic!("{data:02X?} re-encodes undecodably: {e}"),
            };
            match again {
                Ok(b) if b == bytes => {}
                Ok(b) => panic!("{data:02X?}: encodings differ: {bytes:02X?} then {b:02X?}"),
                Err(e) => panic!("{data:02X?}: the decoded copy cannot be encoded: {e}"),
            }
        });
        let runs = RUNS.with(|r| {
            r.set(r.get().wrapping_add(1));
            r.get()
        });
        if runs % COLLECT_EVERY == 0 {
            vm.collect_all();
        }
    });
});
