//! First-class continuations: a copy of the frame stack and value stack, plus the dynamic
//! state (wind list, handler stack) in force where it was captured.

use crate::frame::Frame;
use crate::value::Value;
use gc_arena::Collect;

/// A captured continuation. Invoking it restores copies, so it is re-entrant.
#[derive(Collect)]
#[collect(no_drop)]
pub struct Continuation<'gc> {
    /// The frames, outermost first.
    pub frames: Vec<Frame<'gc>>,
    /// The value stack below the point of capture.
    pub stack: Vec<Value<'gc>>,
    /// The dynamic-wind list at capture.
    pub winders: Value<'gc>,
    /// The exception handler stack at capture.
    pub handlers: Value<'gc>,
    /// The run (top-level evaluation) this continuation belongs to.
    pub run_id: u64,
}
