//! A free list per size class for small blocks, in front of a general allocator: the wasm
//! build's (in front of talc, smaller in the wasm than Rust's default, dlmalloc) and the CLI's
//! (in front of the system allocator).
//!
//! An execution allocates and frees a few small blocks for each state it runs (an object's
//! shared entries and their list, a state's result, a lane or a variable scope). A freed
//! small block goes on the list of its size class and the next allocation of that class takes
//! it back: a few instructions, where a general allocator searches its bins. Only a miss
//! reaches the general allocator, for a 4 KB slab that the class's next blocks are carved
//! from. Small blocks are never handed back to it, so the memory they hold is at most the
//! most small blocks ever alive at once, and a slab per class (and a wasm memory never
//! shrinks anyway). The lists are per thread (the wasm has one): a thread's blocks freed on
//! another thread serve that one, and a thread that ends leaves its free blocks unused.
//!
//! Measured side by side (Parallel 100 x 10, loop, Map, week of `bench/compare.mjs`): in the
//! wasm, as fast as dlmalloc and 2.3 KB smaller (gzip), where talc alone is 2.8 KB smaller but
//! 5-10% slower on the Parallel.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;

/// Blocks of up to this many bytes (aligned to at most `STEP`) are kept on free lists: the
/// entries of an object of up to five keys fit (24 bytes a key and value in the wasm, 48
/// natively).
const SMALL: usize = 32 * std::mem::size_of::<usize>();
const STEP: usize = 8;
const CLASSES: usize = SMALL / STEP;

pub struct QuickAlloc<A> {
    inner: A,
}

impl<A> QuickAlloc<A> {
    pub const fn new(inner: A) -> QuickAlloc<A> {
        QuickAlloc { inner }
    }
}

/// The first free block of each class (`null` when none); a free block holds the address of
/// the next one.
type Lists = [Cell<*mut u8>; CLASSES];

/// This thread's lists.
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
fn with_lists<R>(f: impl FnOnce(&Lists) -> R) -> R {
    // Made without allocating and never dropped, so the allocator may use them at any time.
    thread_local! {
        static LISTS: Lists = const { [const { Cell::new(std::ptr::null_mut()) }; CLASSES] };
    }
    LISTS.with(f)
}

#[cfg(target_arch = "wasm32")]
struct WasmLists(Lists);

// SAFETY: wasm32-unknown-unknown without the atomics feature runs a single thread, so the
// cells are never used from two threads.
#[cfg(target_arch = "wasm32")]
unsafe impl Sync for WasmLists {}

#[cfg(target_arch = "wasm32")]
static WASM_LISTS: WasmLists = WasmLists([const { Cell::new(std::ptr::null_mut()) }; CLASSES]);

#[cfg(target_arch = "wasm32")]
#[inline(always)]
fn with_lists<R>(f: impl FnOnce(&Lists) -> R) -> R {
    f(&WASM_LISTS.0)
}

/// The class of a small layout (blocks of `(class + 1) * STEP` bytes), `None` for the others.
#[inline(always)]
fn class(layout: Layout) -> Option<usize> {
    (layout.size() <= SMALL && layout.align() <= STEP).then(|| layout.size().saturating_sub(1) / STEP)
}

/// Small blocks are carved from slabs of this many bytes: blocks that live on (an event's
/// fields) sit together, not one by one in the holes that large blocks (a text made and let
/// go again and again) leave, where they would keep the next large block from fitting.
const SLAB: usize = 4096;

impl<A: GlobalAlloc> QuickAlloc<A> {
    /// A block of class `c` from a new slab, whose other blocks go on the class's list.
    #[cold]
    #[inline(never)]
    unsafe fn refill(&self, c: usize) -> *mut u8 {
        let size = (c + 1) * STEP;
        let slab = self.inner.alloc(Layout::from_size_align_unchecked(SLAB, STEP));
        if slab.is_null() {
            return slab;
        }
        with_lists(|lists| {
            let mut head = lists[c].get();
            let mut at = (SLAB / size - 1) * size;
            while at > 0 {
                let p = slab.add(at);
                *(p as *mut *mut u8) = head;
                head = p;
                at -= size;
            }
            lists[c].set(head);
        });
        slab
    }
}

// SAFETY: a block handed out for class `c` has room for `(c + 1) * STEP` bytes aligned to
// `STEP` (carved so from a slab the general allocator made, at a multiple of the block size
// no block of which overlaps another, or it was such a block before being freed), which
// serves any layout of class `c`; a block is on a free list only between its dealloc and its
// next alloc, and the free list's link is written into a block no one owns then; each list is
// used by one thread only. Blocks of other layouts go to the general allocator as they are.
unsafe impl<A: GlobalAlloc> GlobalAlloc for QuickAlloc<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match class(layout) {
            Some(c) => {
                let head = with_lists(|lists| {
                    let head = lists[c].get();
                    if !head.is_null() {
                        lists[c].set(*(head as *mut *mut u8));
                    }
                    head
                });
                if head.is_null() {
                    self.refill(c)
                } else {
                    head
                }
            }
            None => self.inner.alloc(layout),
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        match class(layout) {
            Some(c) => with_lists(|lists| {
                *(ptr as *mut *mut u8) = lists[c].get();
                lists[c].set(ptr);
            }),
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::System;

    static A: QuickAlloc<System> = QuickAlloc::new(System);

    /// A block of `n` bytes from `A`, filled with `fill`.
    unsafe fn block(n: usize, fill: u8) -> *mut u8 {
        let p = A.alloc(Layout::from_size_align(n, 1).unwrap());
        assert!(!p.is_null());
        std::ptr::write_bytes(p, fill, n);
        p
    }

    unsafe fn holds(p: *const u8, n: usize, fill: u8) -> bool {
        std::slice::from_raw_parts(p, n).iter().all(|&b| b == fill)
    }

    #[test]
    fn blocks_keep_their_contents_through_classes_and_threads() {
        unsafe {
            // Growing one byte at a time through every small class into the system's blocks,
            // then shrinking back: the contents move along.
            let mut p = block(1, 0);
            for n in 1..300usize {
                let q = A.realloc(p, Layout::from_size_align(n, 1).unwrap(), n + 1);
                assert!(!q.is_null());
                *q.add(n) = n as u8;
                p = q;
            }
            for n in (1..300usize).rev() {
                p = A.realloc(p, Layout::from_size_align(n + 1, 1).unwrap(), n);
                assert!((1..n).all(|i| *p.add(i) == i as u8), "{n}");
            }
            A.dealloc(p, Layout::from_size_align(1, 1).unwrap());
            // A freed block is taken again by its class, and never handed out twice.
            let a = block(40, 1);
            let b = block(40, 2);
            A.dealloc(a, Layout::from_size_align(40, 1).unwrap());
            let c = block(33, 3);
            assert_eq!(c, a, "the freed block of the same class");
            assert!(holds(b, 40, 2));
            // Blocks freed on another thread serve that thread; this one's are untouched.
            let (b_addr, c_addr) = (b as usize, c as usize);
            std::thread::spawn(move || {
                A.dealloc(b_addr as *mut u8, Layout::from_size_align(40, 1).unwrap());
                let d = block(40, 4);
                assert_eq!(d as usize, b_addr);
                A.dealloc(d, Layout::from_size_align(40, 1).unwrap());
            })
            .join()
            .unwrap();
            assert!(holds(c_addr as *const u8, 33, 3));
            A.dealloc(c, Layout::from_size_align(33, 1).unwrap());
            // Blocks carved from slabs, many at once: none overlaps another.
            let many: Vec<*mut u8> = (0..300).map(|i| block(24 + i % 3 * 8, i as u8)).collect();
            for (i, &p) in many.iter().enumerate() {
                assert!(holds(p, 24 + i % 3 * 8, i as u8), "{i}");
                assert_eq!(p as usize % STEP, 0);
            }
            for (i, p) in many.into_iter().enumerate() {
                A.dealloc(p, Layout::from_size_align(24 + i % 3 * 8, 1).unwrap());
            }
            // Over-aligned and large layouts go to the system allocator as they are.
            let wide = Layout::from_size_align(16, 64).unwrap();
            let w = A.alloc(wide);
            assert_eq!(w as usize % 64, 0);
            A.dealloc(w, wide);
        }
    }
}
