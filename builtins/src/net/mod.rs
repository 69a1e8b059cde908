//! Networking (networking spec; design §6). So far the message codecs: the binary wire
//! format ([`wire`]), the text format ([`text`]), their shared sendability walk, the
//! whole-message dispatch ([`message`]) and the `wire-error` type.

pub mod builtins;
pub mod error;
mod flags;
pub mod fuzzing;
pub mod message;
mod monitor;
pub mod nng_error;
mod options;
mod poll;
mod recv;
mod send;
pub mod socket;
pub mod text;
mod wait;
mod walk;
pub mod wire;

#[cfg(test)]
mod socket_tests;
#[cfg(test)]
mod tests;

pub use builtins::NATIVES;
pub use error::WireError;
pub use message::{decode_message, encode_message, Format, Received};
pub use socket::{Item, PeerEnd, Protocol, Reason, Role, SocketObj, SocketShared, State};
pub use walk::MAX_DEPTH;
