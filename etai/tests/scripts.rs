//! Runs every Eta script suite (`tests/lang`, `tests/errors`, `tests/limits`,
//! `tests/wishlist`, cookbook goldens) against the freshly built `etai` binary.
//! The harness itself lives in the `eta-tests` crate; Cargo only tells this
//! package's integration tests where the binary is.

fn main() {
    eta_tests::run(env!("CARGO_BIN_EXE_etai"))
}
