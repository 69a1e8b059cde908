//! Fuzzes the hardened binary wire decoder (networking spec §7.4) with the plain-tree
//! builder: every input must end in a value or a `WireError`, and every accepted input
//! must re-encode to exactly its own bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = eta_builtins::net::fuzzing::wire_decode(data) {
        panic!("{e}");
    }
});
