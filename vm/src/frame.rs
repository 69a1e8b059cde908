//! Call frames: one `(closure, pc, base)` record per active Eta procedure call.

use crate::closure::Closure;
use gc_arena::{Collect, Gc};

/// An active call.
#[derive(Copy, Clone, Collect)]
#[collect(no_drop)]
pub struct Frame<'gc> {
    /// The running closure.
    pub closure: Gc<'gc, Closure<'gc>>,
    /// The next instruction to execute (saved while the frame is not on top).
    pub pc: u32,
    /// Index of local slot 0 in the value stack; the callee sits at `base - 1`.
    pub base: u32,
}
