//! Networking (networking spec; design §6): the message codecs — the binary wire
//! format ([`wire`]), the text format ([`text`]), their shared sendability walk, the
//! whole-message dispatch ([`message`]) and the `wire-error` type — and the socket
//! layer: the socket object and its shared state ([`socket`]), sending, receiving,
//! `nng-poll`, options, monitors and heartbeats, all waiting in `poll(2)` (`wait`), and
//! the table of networking builtins ([`builtins`]).

pub(crate) mod aio;
pub mod builtins;
pub mod error;
pub(crate) mod flags;
pub mod fuzzing;
pub mod message;
mod monitor;
pub mod nng_error;
mod options;
mod poll;
pub(crate) mod recv;
pub(crate) mod send;
pub mod socket;
pub mod support;
pub mod text;
pub(crate) mod wait;
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
