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
    /// For an escape-only continuation (`catch`, `guard`): the frame and value stack
    /// heights to cut back to, and the closure and base of the frame it returns to (to
    /// detect a frame that no longer exists). `frames` and `stack` are then empty.
    #[collect(require_static)]
    pub escape: Option<Escape>,
}

/// Where an escape-only continuation returns.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Escape {
    /// Number of frames to keep.
    pub frames: u32,
    /// Value stack height to cut back to.
    pub stack: u32,
    /// Base of the top kept frame.
    pub base: u32,
    /// Address of the top kept frame's closure.
    pub closure: usize,
}
