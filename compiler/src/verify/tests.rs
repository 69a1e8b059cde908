//! Tests of the verifier: hand-built prototypes for each fault it catches and the
//! `max_temps` it computes (`code`, `header`), random prototypes run with every access
//! checked (`random`), and every prototype the compiler produces for the prelude, the
//! standard library and the script suites (`compiled`). This file holds the helpers.

mod code;
mod compiled;
mod header;
mod random;

pub(super) use super::*;
pub(super) use crate::proto::{Literal, Prim, ProtoKind};
pub(super) use std::sync::Arc;

pub(super) type TestResult = Result<(), String>;

/// A prototype named `t` with `nreq` parameters and `nlocals` slots running `code`.
pub(super) fn proto(nreq: u16, nlocals: u16, code: Vec<Op>) -> Prototype {
    Prototype::with_code("t", nreq, nlocals, code)
}

/// `verify`'s `max_temps`, or the error as text.
pub(super) fn temps(p: &Prototype) -> Result<u32, String> {
    verify(p).map(|v| v.max_temps).map_err(|e| e.to_string())
}

/// The error `verify` reports; an `Err` when verification passes.
pub(super) fn fault(p: &Prototype) -> Result<VerifyError, String> {
    match verify(p) {
        Ok(v) => Err(format!(
            "verified ({v:?}) but should not have: {:?}",
            p.code
        )),
        Err(e) => Ok(e),
    }
}

/// Asserts that `p` fails at `pc` with `kind`.
pub(super) fn fails_with(p: &Prototype, pc: Option<usize>, kind: VerifyErrorKind) -> TestResult {
    let e = fault(p)?;
    assert_eq!((e.pc, &e.kind), (pc, &kind), "{e}");
    Ok(())
}
