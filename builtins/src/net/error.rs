//! `WireError`: why a value could not be encoded or a received message could not be
//! decoded (networking spec §7.3, §7.4, §8). It becomes a `wire-error` condition whose
//! `catch` payload is the message text.

use eta_vm::{tags, Error, RuntimeError};
use std::fmt;

/// An encoding or decoding failure of the wire formats, holding the exact message text of
/// the networking spec (`cannot send a procedure (at message[2][0])`,
/// `unknown tag 0x07 at byte 1`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError {
    message: String,
}

impl WireError {
    /// A wire error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        WireError {
            message: message.into(),
        }
    }

    /// The message text (the `catch` payload).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The Eta error raised by builtin `who`: tag `wire-error`, full message
    /// `WHO: MESSAGE`, `catch` payload `MESSAGE`.
    pub fn into_error<'gc>(self, who: &str) -> Error<'gc> {
        Error::Runtime(Box::new(RuntimeError {
            tag: tags::WIRE,
            message: format!("{who}: {}", self.message),
            irritants: Vec::new(),
            short: Some(self.message),
            user: false,
        }))
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for WireError {}

/// Tag `wire-error`, message and `catch` payload both the bare text; builtins that want
/// the `send!: ` prefix use [`WireError::into_error`].
impl<'gc> From<WireError> for Error<'gc> {
    fn from(e: WireError) -> Self {
        Error::Runtime(Box::new(RuntimeError {
            tag: tags::WIRE,
            message: e.message.clone(),
            irritants: Vec::new(),
            short: Some(e.message),
            user: false,
        }))
    }
}

/// `message of N bytes exceeds max-message-size M` (with `more than N` when the exact
/// size was not worth computing).
pub(crate) fn too_big(size: u64, exact: bool, max: usize) -> WireError {
    let more = if exact { "" } else { "more than " };
    WireError::new(format!(
        "message of {more}{size} bytes exceeds max-message-size {max}"
    ))
}
