//! The wasm build's allocator: talc (smaller in the wasm than Rust's default, dlmalloc), with a
//! free list per size class in front of it for small blocks.
//!
//! An execution allocates and frees a few small blocks for each state it runs (an object's
//! shared entries and their list, a state's result, a lane or a variable scope). A freed
//! small block goes on the list of its size class and the next allocation of that class takes
//! it back: a few instructions, where the general allocator searches its bins. Only a miss
//! reaches talc. Small blocks are never handed back to talc for other sizes, so the memory
//! they hold is at most the most small blocks ever alive at once (and a wasm memory never
//! shrinks anyway).
//!
//! Measured side by side (Parallel 100 x 10, loop, Map, week of `bench/compare.mjs`): as fast
//! as dlmalloc, 2.3 KB smaller (gzip); talc alone is 2.8 KB smaller but 5-10% slower on the
//! Parallel.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;

/// Blocks of up to this many bytes (aligned to at most `STEP`) are kept on free lists: the
/// entries of an object of up to five keys fit.
const SMALL: usize = 128;
const STEP: usize = 8;
const CLASSES: usize = SMALL / STEP;

pub struct QuickAlloc<A> {
    /// The first free block of each class (`null` when none); a free block holds the address
    /// of the next one.
    free: [Cell<*mut u8>; CLASSES],
    inner: A,
}

// SAFETY: wasm32-unknown-unknown without the atomics feature runs a single thread, so the
// cells are never used from two threads.
unsafe impl<A> Sync for QuickAlloc<A> {}

impl<A> QuickAlloc<A> {
    pub const fn new(inner: A) -> QuickAlloc<A> {
        QuickAlloc { free: [const { Cell::new(std::ptr::null_mut()) }; CLASSES], inner }
    }
}

/// The class of a small layout (blocks of `(class + 1) * STEP` bytes), `None` for the others.
#[inline(always)]
fn class(layout: Layout) -> Option<usize> {
    (layout.size() <= SMALL && layout.align() <= STEP).then(|| layout.size().saturating_sub(1) / STEP)
}

// SAFETY: a block handed out for class `c` has room for `(c + 1) * STEP` bytes aligned to
// `STEP` (talc made it so, or it was such a block before being freed), which serves any
// layout of class `c`; a block is on a free list only between its dealloc and its next alloc,
// and the free list's link is written into a block no one owns then. Blocks of other layouts
// go to talc as they are.
unsafe impl<A: GlobalAlloc> GlobalAlloc for QuickAlloc<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match class(layout) {
            Some(c) => {
                let head = self.free[c].get();
                if head.is_null() {
                    self.inner.alloc(Layout::from_size_align_unchecked((c + 1) * STEP, STEP))
                } else {
                    self.free[c].set(*(head as *mut *mut u8));
                    head
                }
            }
            None => self.inner.alloc(layout),
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        match class(layout) {
            Some(c) => {
                *(ptr as *mut *mut u8) = self.free[c].get();
                self.free[c].set(ptr);
            }
            None => self.inner.dealloc(ptr, layout),
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = Layout::from_size_align_unchecked(new_size, layout.align());
        match (class(layout), class(new)) {
            (None, None) => self.inner.realloc(ptr, layout, new_size),
            // The block already has room for any size of its class.
            (Some(a), Some(b)) if a == b => ptr,
            _ => {
                let p = self.alloc(new);
                if !p.is_null() {
                    std::ptr::copy_nonoverlapping(ptr, p, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
                p
            }
        }
    }
}
