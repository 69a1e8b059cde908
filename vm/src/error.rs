//! Errors raised by builtins and the VM before they become Eta conditions.

use crate::value::Value;

/// Tags of runtime errors (spec §9.4).
pub mod tags {
    /// Wrong argument type, range, division by zero, calling a non-procedure.
    pub const TYPE: &str = "runtime.type-error";
    /// Wrong number of arguments.
    pub const ARITY: &str = "runtime.invalid-arity";
    /// `error` and friends.
    pub const USER: &str = "runtime.user-error";
    /// Variable used before its definition.
    pub const UNDEFINED: &str = "runtime.undefined-global";
    /// File operations.
    pub const FILE: &str = "runtime.file-error";
    /// `read`/`load`/`eval` reader errors.
    pub const READ: &str = "runtime.read-error";
    /// Compile errors at run time.
    pub const SYNTAX: &str = "runtime.syntax-error";
    /// Recursion depth and other limits.
    pub const LIMIT: &str = "runtime.limit-error";
    /// Heap limits.
    pub const HEAP: &str = "runtime.heap-error";
    /// Interpreter bugs.
    pub const INTERNAL: &str = "runtime.internal-error";
    /// Networking failures.
    pub const NNG: &str = "nng-error";
    /// Wire encoding/decoding failures.
    pub const WIRE: &str = "wire-error";
}

/// A runtime error described by Rust code; the VM turns it into a condition with the
/// location of the failing call and a stack trace.
pub struct RuntimeError<'gc> {
    /// The tag (one of [`tags`]).
    pub tag: &'static str,
    /// The full message text.
    pub message: String,
    /// The offending values.
    pub irritants: Vec<Value<'gc>>,
    /// For `nng-error`/`wire-error`: the short text that `catch` returns.
    pub short: Option<String>,
    /// True for `(error msg irritant ...)`: the report text appends the irritants.
    pub user: bool,
}

/// What a builtin can fail with.
pub enum Error<'gc> {
    /// A runtime error to be turned into an error object.
    Runtime(Box<RuntimeError<'gc>>),
    /// Raise this value as it is (non-continuable).
    Raise(Value<'gc>),
}

impl<'gc> Error<'gc> {
    /// A runtime error with a tag and message.
    pub fn new(tag: &'static str, message: impl Into<String>) -> Self {
        Error::Runtime(Box::new(RuntimeError {
            tag,
            message: message.into(),
            irritants: Vec::new(),
            short: None,
            user: false,
        }))
    }

    /// Adds irritants.
    pub fn with_irritants(mut self, values: Vec<Value<'gc>>) -> Self {
        if let Error::Runtime(r) = &mut self {
            r.irritants = values;
        }
        self
    }

    /// `NAME: expected KIND, got VALUE`.
    pub fn type_error(name: &str, expected: &str, got: Value<'gc>) -> Self {
        Error::new(
            tags::TYPE,
            format!(
                "{name}: expected {}, got {}",
                article(expected),
                crate::printer::write_truncated(got, 200)
            ),
        )
        .with_irritants(vec![got])
    }

    /// `NAME: index K out of range for length N`.
    pub fn range(name: &str, index: Value<'gc>, len: usize) -> Self {
        Error::new(
            tags::TYPE,
            format!(
                "{name}: index {} out of range for length {len}",
                crate::printer::write_truncated(index, 60)
            ),
        )
        .with_irritants(vec![index])
    }

    /// A generic type error with a message.
    pub fn msg(message: impl Into<String>) -> Self {
        Error::new(tags::TYPE, message)
    }

    /// An arity error.
    pub fn arity(name: &str, expected: &str, got: usize) -> Self {
        Error::new(
            tags::ARITY,
            format!(
                "{name}: expected {expected} argument{}, got {got}",
                plural(expected)
            ),
        )
    }
}

fn plural(expected: &str) -> &'static str {
    if expected.ends_with(" 1") || expected == "1" {
        ""
    } else {
        "s"
    }
}

/// "pair" -> "a pair", "integer" -> "an integer"; phrases already starting with an
/// article are kept.
pub fn article(kind: &str) -> String {
    if kind.starts_with("a ") || kind.starts_with("an ") || kind.starts_with("the ") {
        return kind.to_string();
    }
    let vowel = kind
        .chars()
        .next()
        .map(|c| "aeiou".contains(c))
        .unwrap_or(false);
    if vowel {
        format!("an {kind}")
    } else {
        format!("a {kind}")
    }
}

/// Result type of builtins.
pub type NResult<'gc> = Result<Value<'gc>, Error<'gc>>;
