//! `nng-error` conditions (networking spec §1.5): the `catch` payload is nng's own text
//! (`"Connection refused"`), the full message `BUILTIN: TEXT`, followed by
//! ` (ENDPOINT)` when an endpoint is involved.

use eta_vm::{tags, Error, RuntimeError};

/// An `nng-error` raised by builtin `who` with payload `text`.
pub fn nng_error<'gc>(who: &str, text: impl Into<String>, endpoint: Option<&str>) -> Error<'gc> {
    let text = text.into();
    let message = match endpoint {
        Some(url) => format!("{who}: {text} ({url})"),
        None => format!("{who}: {text}"),
    };
    Error::Runtime(Box::new(RuntimeError {
        tag: tags::NNG,
        message,
        irritants: Vec::new(),
        short: Some(text),
        user: false,
    }))
}

/// The `nng-error` for a failure reported by nng (its `Display` is nng's own text).
pub fn from_nng<'gc>(who: &str, e: nng::Error, endpoint: Option<&str>) -> Error<'gc> {
    nng_error(who, e.to_string(), endpoint)
}

/// `Object closed`, for a socket that was closed.
pub fn closed<'gc>(who: &str) -> Error<'gc> {
    from_nng(who, nng::Error::Closed, None)
}

/// `Interrupted`: a blocking wait ended because an interrupt (Ctrl-C) was requested; the
/// VM stops the program at its next check.
pub fn interrupted<'gc>(who: &str) -> Error<'gc> {
    from_nng(who, nng::Error::Interrupted, None)
}
