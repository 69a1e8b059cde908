//! Tests of the message codecs: the spec's worked examples byte for byte, every
//! decoding rule, encoder errors, fuzz-style loops, deep and long data on a small
//! stack, the text format and topic filtering.

mod decode_rules;
mod deep;
mod encode_errors;
mod examples;
mod fuzz;
mod text;
mod throughput;
mod topic;

use eta_compiler::{FileId, Linker, Reader};
use eta_vm::{datum_to_value, Ctx, Value, Vm};

/// Bytes from hex text such as `"EA 02 2A"`.
pub(crate) fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|h| u8::from_str_radix(h, 16).unwrap_or_else(|_| panic!("bad hex {h}")))
        .collect()
}

/// Hex text of bytes, upper case, space separated.
pub(crate) fn to_hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A VM with every builtin.
pub(crate) fn vm() -> Vm {
    match crate::new_vm(Linker::new()) {
        Ok(vm) => vm,
        Err(e) => panic!("new_vm: {e}"),
    }
}

/// Reads one datum from Scheme text as a heap value.
pub(crate) fn read<'gc>(ctx: &mut Ctx<'_, 'gc>, text: &str) -> Value<'gc> {
    let mut r = Reader::new(text, FileId(0));
    match r.next_datum() {
        Ok(Some(d)) => datum_to_value(ctx, &d),
        other => panic!("cannot read {text:?}: {other:?}"),
    }
}

/// `equal?` (flonums compare by bits, so `-0.0` and `0.0` differ).
pub(crate) fn same<'gc>(a: Value<'gc>, b: Value<'gc>) -> bool {
    eta_vm::equal(a, b)
}
