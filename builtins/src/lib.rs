//! eta-builtins: the builtin procedures of Eta, one file per domain (each with a
//! `NATIVES` table naming every builtin with its arity and Rust function), plus the
//! prelude — builtins written in Eta — compiled into every VM at start-up.

pub mod actor;
pub mod args;
pub mod bytevectors;
pub mod chars;
pub mod control;
pub mod equivalence;
pub mod eval;
pub mod hashmaps;
pub mod io;
pub mod loops;
pub mod net;
pub mod numbers;
pub mod os;
pub mod pairs;
pub mod records;
pub mod strings;
pub mod time;
pub mod vectors;

use eta_compiler::Linker;
use eta_vm::{Outcome, Vm};

/// The prelude source.
pub const PRELUDE: &str = include_str!("prelude.eta");

/// Every native table, in registration order.
pub fn all_natives() -> Vec<&'static [eta_vm::Native]> {
    vec![
        control::NATIVES,
        equivalence::NATIVES,
        eval::NATIVES,
        pairs::NATIVES,
        loops::NATIVES,
        numbers::NATIVES,
        io::NATIVES,
        io::output::NATIVES,
        io::input::NATIVES,
        io::files::NATIVES,
        os::NATIVES,
        time::NATIVES,
        records::NATIVES,
        strings::NATIVES,
        vectors::NATIVES,
        hashmaps::NATIVES,
        chars::NATIVES,
        bytevectors::NATIVES,
        net::NATIVES,
        net::support::NATIVES,
        actor::NATIVES,
        actor::shutdown::NATIVES,
    ]
}

/// Builds a VM with every builtin registered and the prelude loaded.
pub fn new_vm(linker: Linker) -> Result<Vm, String> {
    let mut vm = Vm::new(linker);
    for t in all_natives() {
        vm.register(t);
    }
    let units = vm
        .with_host(|h| h.linker.compile_prelude("<prelude>", PRELUDE))
        .map_err(|e| {
            format!(
                "prelude: {} at {}:{}",
                e.message, e.span.start.line, e.span.start.col
            )
        })?;
    vm.bind_well_known();
    match vm.run_units(&units) {
        Outcome::Done => {}
        other => return Err(format!("prelude failed: {other:?}")),
    }
    vm.bind_well_known();
    io::install_ports(&mut vm);
    Ok(vm)
}
