//! Fuzzes the Eta reader (`eta_compiler::read_bytes`), which also reads text messages:
//! every input must end in data or a read error, never a panic or a stack overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = eta_builtins::net::fuzzing::reader(data) {
        panic!("{e}");
    }
});
