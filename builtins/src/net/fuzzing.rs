//! The bodies of the `cargo fuzz` targets in `fuzz/` (kept here so that ordinary unit
//! tests compile and run them too). Each returns `Err` with a description when a
//! property is violated; the fuzz targets turn that into a crash report.

use super::wire::parse;
use super::wire::tree::{encode_tree, TreeBuilder};
use eta_compiler::FileId;

/// `wire_decode`: decoding arbitrary bytes ends in a value or a `WireError`, never a
/// panic; an accepted message re-encodes to exactly its own bytes (the format is
/// canonical); a rejected one has a non-empty message.
pub fn wire_decode(data: &[u8]) -> Result<(), String> {
    match parse(&mut TreeBuilder, data, 0) {
        Ok(tree) => {
            let again = encode_tree(&tree);
            if again != data {
                return Err(format!(
                    "accepted {data:02X?} but it re-encodes as {again:02X?}"
                ));
            }
        }
        Err(e) => {
            if e.message().is_empty() {
                return Err(format!("empty error message for {data:02X?}"));
            }
        }
    }
    Ok(())
}

/// `reader`: reading arbitrary bytes as Eta source ends in data or a read error.
pub fn reader(data: &[u8]) -> Result<(), String> {
    let _ = eta_compiler::read_bytes(data, FileId(0));
    Ok(())
}
