//! Conditions: raised error objects (with message, irritants, location and trace) and
//! tagged raises `(raise 'tag payload)`.

use crate::symbol::Symbol;
use crate::value::Value;
use eta_compiler::Span;
use gc_arena::{Collect, Gc};

/// One line of an Eta stack trace.
#[derive(Clone, Debug)]
pub struct TraceFrame {
    /// Procedure name (`<lambda>`, `<script>`, `<module m>` ...).
    pub name: String,
    /// Span of the call being executed.
    pub span: Span,
    /// How many identical consecutive frames this line stands for.
    pub repeat: u64,
}

/// Error-object details.
#[derive(Collect)]
#[collect(no_drop)]
pub struct ErrorInfo<'gc> {
    /// The message without irritants (`error-object-message`).
    #[collect(require_static)]
    pub message: String,
    /// The full report text: for `error`, the message followed by the written irritants.
    #[collect(require_static)]
    pub report: String,
    /// Irritants as a list.
    pub irritants: Value<'gc>,
    /// Where the failing call is.
    #[collect(require_static)]
    pub span: Option<Span>,
    /// Active frames, innermost first (consecutive repeats folded).
    #[collect(require_static)]
    pub trace: Vec<TraceFrame>,
    /// Number of active frames not kept in `trace` (very deep stacks).
    pub omitted: u64,
}

/// A condition object.
#[derive(Collect)]
#[collect(no_drop)]
pub struct Condition<'gc> {
    /// What `catch` matches on.
    pub tag: Gc<'gc, Symbol>,
    /// What `catch` returns.
    pub payload: Value<'gc>,
    /// Present for error objects (`error-object?` is true).
    pub error: Option<ErrorInfo<'gc>>,
}

/// Whether a `catch` tag matches a condition tag (same symbol, or a super-tag).
pub fn tag_matches(catch_tag: &str, tag: &str) -> bool {
    catch_tag == tag
        || (catch_tag == "runtime.error" && tag.starts_with("runtime."))
        || (catch_tag == "nng-error" && tag == "wire-error")
}
