//! Out-of-line payloads: the element storage of vectors, strings and bytevectors lives in
//! Rust heap buffers that gc-arena 0.7 does not see (its pacing counts `Gc` objects, not
//! bytes, and it has no external-allocation hook). [`Tracked`] wraps such a buffer and
//! reports its size to per-thread counters when it is made, resized and dropped; the
//! driver (`vm.rs`) reads them to force a full collection when enough payload has been
//! allocated since the last one, and to check `ETA_HEAP_SOFT_LIMIT`.
//!
//! The counters are per OS thread, which is per arena (design §4: one arena per thread);
//! a `Gc` never crosses a thread, so a payload is dropped on the thread that counted it.

use gc_arena::Collect;
use std::cell::Cell;
use std::ops::{Deref, DerefMut};

thread_local! {
    /// Bytes of payload currently alive on this thread.
    static LIVE: Cell<usize> = const { Cell::new(0) };
    /// Bytes of payload allocated since the driver last took the count.
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
    /// Bytes allocated by builtins in this slice (payloads, and `Gc` objects made in
    /// bulk), which the dispatch loop's fuel does not see.
    static SLICE_BYTES: Cell<usize> = const { Cell::new(0) };
}

/// Bytes of payload currently alive on this thread.
pub fn live_bytes() -> usize {
    LIVE.with(Cell::get)
}

/// Bytes of payload allocated on this thread since the last call (resets the count, and
/// starts a new slice's budget).
pub fn take_allocated() -> usize {
    SLICE_BYTES.with(|b| b.set(0));
    ALLOCATED.with(|a| a.replace(0))
}

/// Records that a builtin allocated `n` `Gc` objects in one go (a chunk of a long
/// `reverse`): past a slice's worth, the dispatch loop ends its slice so that the
/// collector keeps pace, as it does with code that conses one object per instruction.
#[inline]
pub fn note_objects(n: usize) {
    spend(n.saturating_mul(OBJECT_BYTES));
}

/// `Gc` objects made in bulk after which a slice ends: 16,384 (the cons benchmark peaks
/// at 82 MB; at 21,845, i.e. counting each pair's real 48 bytes, it peaked at 87 MB).
const BULK_OBJECTS_PER_SLICE: usize = 16_384;

/// What one bulk object counts against [`SLICE_BUDGET`].
const OBJECT_BYTES: usize = SLICE_BUDGET / BULK_OBJECTS_PER_SLICE;

/// Bytes builtins may allocate in a slice before it ends early so that the driver can
/// collect.
const SLICE_BUDGET: usize = 1 << 20;

/// True when builtins allocated more than a slice's budget since the driver last took
/// the count (the dispatch loop then ends its slice).
#[inline]
pub fn pressure() -> bool {
    SLICE_BYTES.with(Cell::get) > SLICE_BUDGET
}

fn spend(bytes: usize) {
    SLICE_BYTES.with(|b| b.set(b.get().saturating_add(bytes)));
}

fn grow(bytes: usize) {
    LIVE.with(|l| l.set(l.get().wrapping_add(bytes)));
    ALLOCATED.with(|a| a.set(a.get().saturating_add(bytes)));
    spend(bytes);
}

fn shrink(bytes: usize) {
    LIVE.with(|l| l.set(l.get().saturating_sub(bytes)));
}

/// The heap bytes a buffer holds outside its `Gc` box.
pub trait Footprint {
    /// Bytes of out-of-line storage.
    fn footprint(&self) -> usize;
}

impl<T> Footprint for Vec<T> {
    #[inline]
    fn footprint(&self) -> usize {
        self.capacity() * std::mem::size_of::<T>()
    }
}

/// The bytes recorded for one payload; returns them to the counters when dropped.
/// Kept apart from [`Tracked`] so that `Tracked` can derive `Collect` without a `Drop`.
struct Ticket(usize);

impl Drop for Ticket {
    fn drop(&mut self) {
        if self.0 != 0 {
            shrink(self.0);
        }
    }
}

/// A payload buffer whose size is counted (see the module doc). Dereferences to the
/// buffer; code that changes the buffer's size calls [`Tracked::resync`] afterwards
/// (a missed resync only makes the count less precise: drop returns what was recorded).
#[derive(Collect)]
#[collect(no_drop)]
pub struct Tracked<T> {
    value: T,
    #[collect(require_static)]
    ticket: Ticket,
}

impl<T: Footprint> Tracked<T> {
    /// Wraps `value`, counting its footprint.
    #[inline]
    pub fn new(value: T) -> Self {
        let bytes = value.footprint();
        if bytes != 0 {
            grow(bytes);
        }
        Tracked {
            value,
            ticket: Ticket(bytes),
        }
    }

    /// Records a change of the buffer's size.
    pub fn resync(&mut self) {
        let now = self.value.footprint();
        let was = self.ticket.0;
        if now > was {
            grow(now - was);
        } else if now < was {
            shrink(was - now);
        }
        self.ticket.0 = now;
    }

    /// Replaces the whole buffer (and its count).
    pub fn replace(&mut self, value: T) {
        self.value = value;
        self.resync();
    }
}

impl<T> Deref for Tracked<T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Tracked<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}
