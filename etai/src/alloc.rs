//! The global allocator: mimalloc, entered through its plain `malloc` family whenever the
//! requested alignment is one mimalloc gives every block of that size anyway.
//!
//! `mimalloc::MiMalloc` sends every request through `mi_malloc_aligned`, which checks
//! the alignment and looks the size class up again before it reaches the same fast path
//! as `mi_malloc`: about 48 instructions per allocation instead of about 20. Every Eta
//! heap object is one allocation, so on allocation-heavy programs (deriv) that was 3% of
//! all instructions.

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// The largest alignment mimalloc guarantees for any block at least that large
/// (`MI_MAX_ALIGN_SIZE`; its own `mi_malloc_aligned` takes the plain path below it).
const NATURAL_ALIGN: usize = 16;

/// mimalloc, as the process's global allocator.
pub struct Mimalloc;

/// Whether `mi_malloc(size)` already returns memory aligned to `align`: mimalloc's rule
/// (`mi_malloc_is_naturally_aligned`) for alignments up to 16 bytes.
#[inline(always)]
fn natural(align: usize, size: usize) -> bool {
    align <= NATURAL_ALIGN && align <= size
}

/// A block for `layout` from mimalloc's `plain` function when its result is aligned
/// enough anyway, else from the `aligned` variant (`mi_malloc`/`mi_malloc_aligned`,
/// `mi_zalloc`/`mi_zalloc_aligned`).
///
/// # Safety
/// As for the FFI functions passed.
#[inline(always)]
unsafe fn allocate(
    layout: Layout,
    plain: unsafe extern "C" fn(usize) -> *mut c_void,
    aligned: unsafe extern "C" fn(usize, usize) -> *mut c_void,
) -> *mut u8 {
    // SAFETY: the caller's contract.
    unsafe {
        if natural(layout.align(), layout.size()) {
            plain(layout.size()) as *mut u8
        } else {
            aligned(layout.size(), layout.align()) as *mut u8
        }
    }
}

// SAFETY: every method forwards to the mimalloc function for the same operation, picking
// the plain variant only when mimalloc guarantees that its result has the layout's
// alignment (see `natural`); blocks from either variant are freed with `mi_free` and
// resized with `mi_realloc`/`mi_realloc_aligned`, which accept both.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: plain FFI calls; mimalloc returns null on failure, as `alloc` must.
        unsafe { allocate(layout, mi::mi_malloc, mi::mi_malloc_aligned) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        unsafe { allocate(layout, mi::mi_zalloc, mi::mi_zalloc_aligned) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator (the caller's contract), i.e. from mimalloc.
        unsafe { mi::mi_free(ptr as *mut c_void) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout` (the caller's contract).
        unsafe {
            if natural(layout.align(), new_size) {
                mi::mi_realloc(ptr as *mut c_void, new_size) as *mut u8
            } else {
                mi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8
            }
        }
    }
}
