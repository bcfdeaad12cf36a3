//! The fuzz binary's global allocator: the CLI's (free lists in front of the system's), with a
//! count of live bytes, their peak since the last reset (per case), and a cap: in a worker, an
//! allocation past the cap fails, which aborts the worker with "memory allocation of N bytes
//! failed" (the supervisor records an `oom` finding and starts a new worker).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

pub struct Counting;

static INNER: statelab::QuickAlloc<System> = statelab::QuickAlloc::new(System);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// 0: no cap.
static CAP: AtomicUsize = AtomicUsize::new(0);

pub fn set_cap(bytes: usize) {
    CAP.store(bytes, Relaxed);
}

/// Start measuring a case: the live bytes now.
pub fn reset_peak() -> usize {
    let now = LIVE.load(Relaxed);
    PEAK.store(now, Relaxed);
    now
}

pub fn peak() -> usize {
    PEAK.load(Relaxed)
}

fn grow(size: usize) -> bool {
    let now = LIVE.fetch_add(size, Relaxed) + size;
    let cap = CAP.load(Relaxed);
    if cap != 0 && now > cap {
        LIVE.fetch_sub(size, Relaxed);
        return false;
    }
    PEAK.fetch_max(now, Relaxed);
    true
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !grow(layout.size()) {
            return std::ptr::null_mut();
        }
        let p = INNER.alloc(layout);
        if p.is_null() {
            LIVE.fetch_sub(layout.size(), Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        INNER.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() && !grow(new_size - layout.size()) {
            return std::ptr::null_mut();
        }
        let p = INNER.realloc(ptr, layout, new_size);
        if p.is_null() {
            if new_size > layout.size() {
                LIVE.fetch_sub(new_size - layout.size(), Relaxed);
            }
        } else if new_size < layout.size() {
            LIVE.fetch_sub(layout.size() - new_size, Relaxed);
        }
        p
    }
}
