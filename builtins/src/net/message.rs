//! One received or sent message as a whole (networking spec §7.4 rules 1–3): the size
//! check, the empty-message check and the dispatch on the first byte between the binary
//! format, heartbeat frames and the text format.

use super::error::{too_big, WireError};
use super::text::{decode_text, encode_text};
use super::wire::{decode, encode, Frame};
use eta_vm::{Ctx, Value};

/// The format `send!` encodes with.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Format {
    /// §7, the default.
    Binary,
    /// §8 (`'text`).
    Text,
}

/// What a received message turned out to be.
pub enum Received<'gc> {
    /// A value (binary or text message).
    Value(Value<'gc>),
    /// A heartbeat ping (`EB 00`): answer with a pong.
    Ping,
    /// A heartbeat pong (`EB 01`).
    Pong,
}

/// Encodes `v` in `format`, within `max_size` bytes (`0` = unlimited).
pub fn encode_message(v: Value<'_>, format: Format, max_size: usize) -> Result<Vec<u8>, WireError> {
    match format {
        Format::Binary => encode(v, max_size),
        Format::Text => encode_text(v, max_size),
    }
}

/// Decodes a received message of any kind: rule 1 (size), rule 2 (empty), rule 3
/// (binary, heartbeat or text by the first bytes).
pub fn decode_message<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    bytes: &[u8],
    max_size: usize,
) -> Result<Received<'gc>, WireError> {
    if max_size != 0 && bytes.len() > max_size {
        return Err(too_big(bytes.len() as u64, true, max_size));
    }
    if bytes.is_empty() {
        return Err(WireError::new("empty message"));
    }
    match Frame::of(bytes) {
        Frame::Binary => decode(ctx, bytes, max_size).map(Received::Value),
        Frame::Heartbeat(true) => Ok(Received::Ping),
        Frame::Heartbeat(false) => Ok(Received::Pong),
        Frame::Text => decode_text(ctx, bytes).map(Received::Value),
    }
}
