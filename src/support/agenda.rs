//! Things due at virtual times: the executor's timers and the host's mocked completions.
//!
//! The earliest comes out first, and of things due at the same instant the one put in first,
//! which is what keeps the order of events deterministic. A binary heap keyed by (time, order
//! put in): a few hundred bytes of wasm, where an ordered map costs several kilobytes.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

pub struct Agenda<T> {
    heap: BinaryHeap<Entry<T>>,
    order: u64,
}

struct Entry<T> {
    at: i64,
    order: u64,
    item: T,
}

impl<T> Entry<T> {
    fn key(&self) -> (i64, u64) {
        (self.at, self.order)
    }
}

// Reversed, so that the max-heap gives the earliest first. Orders are unique, so no two
// entries compare equal.
impl<T> Ord for Entry<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}
impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl<T> Eq for Entry<T> {}

impl<T> Default for Agenda<T> {
    fn default() -> Self {
        Agenda { heap: BinaryHeap::new(), order: 0 }
    }
}

impl<T> Agenda<T> {
    pub fn new() -> Agenda<T> {
        Agenda::default()
    }

    /// `item` is due at `at`, after everything already due then.
    pub fn push(&mut self, at: i64, item: T) {
        self.order += 1;
        self.heap.push(Entry { at, order: self.order, item });
    }

    /// When the earliest thing is due.
    pub fn next_at(&self) -> Option<i64> {
        self.heap.peek().map(|e| e.at)
    }

    /// The earliest thing, if it is due at or before `until`, with its time.
    pub fn pop_due(&mut self, until: i64) -> Option<(i64, T)> {
        if self.next_at()? > until {
            return None;
        }
        self.heap.pop().map(|e| (e.at, e.item))
    }

    /// Keep only what `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.heap.retain(|e| keep(&e.item));
    }

    pub fn clear(&mut self) {
        self.heap.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_then_in_the_order_put_in() {
        let mut a = Agenda::new();
        for (at, what) in [(5, "e"), (1, "a"), (5, "f"), (3, "c"), (1, "b"), (3, "d")] {
            a.push(at, what);
        }
        assert_eq!(a.next_at(), Some(1));
        assert_eq!(a.pop_due(0), None);
        let mut out = vec![];
        while let Some((at, what)) = a.pop_due(4) {
            out.push((at, what));
        }
        assert_eq!(out, [(1, "a"), (1, "b"), (3, "c"), (3, "d")]);
        a.retain(|w| *w != "e");
        assert_eq!(a.pop_due(i64::MAX), Some((5, "f")));
        assert_eq!(a.next_at(), None);
    }
}
