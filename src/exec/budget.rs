//! The history's data budget (`Options::history_bytes`): how much distinct payload data the
//! kept history (events and spans) may hold.
//!
//! Payloads are shared (`Rc`): the 25,000 events of a loop that passes one 40 KB object hold
//! one object, and so count it once. A new payload is walked; the strings, arrays and objects
//! in it already counted are skipped (found by address in a table that holds a copy of each,
//! so that an address is never reused while it is in the table), and the rest counts its
//! compact JSON length (about: strings' escapes are not counted). A payload that would take
//! the total over the budget is not kept, and nothing of it is counted or held.

use crate::value::Value;
use std::rc::Rc;

/// The default budget: 32 MiB of distinct payload data.
pub const DEFAULT_HISTORY_BYTES: usize = 32 << 20;

/// Strings, arrays and objects smaller than this (as JSON) are counted each time they are
/// kept, not remembered: cheaper than a place in the table.
const TRACK: usize = 64;

/// Texts a history keeps outside payloads (an error's cause) that are longer than this are
/// counted; shorter ones (names, error names) are small and bounded by the definition.
pub const LONG_TEXT: usize = 256;

/// A slot of the table never used, and one whose payload was forgotten (no payload is at
/// address 0 or at the last one).
const FREE: usize = 0;
const GONE: usize = usize::MAX;

pub(super) struct Budget {
    /// `usize::MAX`: no budget (nothing is walked or counted).
    limit: usize,
    used: usize,
    /// The addresses of the payloads counted (or `FREE`, or `GONE` where one was forgotten).
    /// Open addressing, linear probing, at most half full.
    slots: Vec<usize>,
    /// The slots marked `GONE`.
    gone: usize,
    /// 64 - log2(slots.len()): the hash's top bits pick a slot.
    shift: u32,
    /// The payloads counted, in the order they were (so that an address in `slots` is never
    /// another payload's): those of the value being measured last, to be taken out again if
    /// it does not fit.
    held: Vec<Value>,
    /// The bytes the value being measured may still take.
    room: usize,
    /// The value admitted last (held, so that it is never another one at the same place).
    last: Option<Rc<Value>>,
    /// Something was left out of the history (set by the caller that left it out).
    pub elided: bool,
}

impl Budget {
    pub fn new(limit: usize) -> Budget {
        Budget {
            limit,
            used: 0,
            slots: Vec::new(),
            gone: 0,
            shift: 64,
            held: Vec::new(),
            room: 0,
            last: None,
            elided: false,
        }
    }

    /// There is no budget: nothing to count.
    #[inline]
    pub fn unlimited(&self) -> bool {
        self.limit == usize::MAX
    }

    /// Count `v`'s new data, if it fits: true, or false (then nothing of it is counted, and
    /// the caller leaves it out).
    #[inline]
    pub fn admit(&mut self, v: &Rc<Value>) -> bool {
        if self.unlimited() {
            return true;
        }
        // A state's input is kept by its Entered event and then by its span, its output by
        // its Exited event and its span: the same value, counted once and found at once.
        if self.last.as_ref().is_some_and(|last| Rc::ptr_eq(last, v)) {
            return true;
        }
        let fits = self.admit_walk(v);
        if fits {
            self.last = Some(v.clone());
        }
        fits
    }

    /// `v` if it fits (counted), or `None`: the history leaves it out, and says so.
    pub fn keep(&mut self, v: Rc<Value>) -> Option<Rc<Value>> {
        if self.admit(&v) {
            return Some(v);
        }
        self.elided = true;
        None
    }

    /// Whether a text of `len` bytes fits (counted); if not the history leaves it out, and
    /// says so.
    pub fn keep_text(&mut self, len: usize) -> bool {
        let fits = self.admit_text(len);
        self.elided |= !fits;
        fits
    }

    /// Count a text of `len` bytes that is not shared, if it fits.
    #[inline]
    pub fn admit_text(&mut self, len: usize) -> bool {
        if self.unlimited() {
            return true;
        }
        if len > self.limit - self.used {
            return false;
        }
        self.used += len;
        true
    }

    fn admit_walk(&mut self, v: &Value) -> bool {
        self.room = self.limit - self.used;
        let mark = self.held.len();
        match self.walk(v) {
            Some(n) => {
                // `walk` stops once the payload is over the room.
                self.used += n;
                true
            }
            None => {
                while self.held.len() > mark {
                    self.forget_last();
                }
                false
            }
        }
    }

    /// The JSON length of `v` not counted yet; `None` once it is over `room`.
    fn walk(&mut self, v: &Value) -> Option<usize> {
        let n = match v {
            Value::Null => 4,
            Value::Bool(_) => 5,
            // Other numbers (negative, fractional) at their longest, about.
            Value::Number(n) => n.as_u64().map_or(24, digits),
            Value::String(s) if s.len() + 2 < TRACK => s.len() + 2,
            _ => {
                let (addr, holders) = v.payload().unwrap_or((0, 1));
                // The table holds what it counted: a payload with one holder is not in it.
                if holders > 1 && self.get(addr) {
                    return Some(0);
                }
                let n = match v {
                    Value::Array(a) => {
                        let mut n = 1 + a.len().max(1);
                        for x in a.iter() {
                            n += self.walk(x)?;
                        }
                        n
                    }
                    Value::Object(m) => {
                        let mut n = 1 + m.len().max(1);
                        for (k, x) in m.iter() {
                            n += k.len() + 3 + self.walk(x)?;
                        }
                        n
                    }
                    Value::String(s) => s.len() + 2,
                    _ => 0,
                };
                if n >= TRACK && n <= self.room {
                    self.insert(addr, v);
                }
                n
            }
        };
        // Over the room: stop walking.
        (n <= self.room).then_some(n)
    }

    fn slot(&self, addr: usize) -> usize {
        // Fibonacci hashing: the product's top bits, which every bit of the address moves.
        (addr as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_shr(self.shift) as usize
    }

    fn get(&self, addr: usize) -> bool {
        if self.slots.is_empty() {
            return false;
        }
        let mut i = self.slot(addr);
        loop {
            match self.slots[i] {
                FREE => return false,
                a if a == addr => return true,
                _ => i = (i + 1) & (self.slots.len() - 1),
            }
        }
    }

    /// Remember `v` (at `addr`, not in the table).
    fn insert(&mut self, addr: usize, v: &Value) {
        if (self.held.len() + self.gone + 1) * 2 > self.slots.len() {
            // Twice the room (or as much, if forgotten payloads took half of it).
            let size =
                if self.held.len() * 4 > self.slots.len() { self.slots.len() * 2 } else { self.slots.len() }.max(64);
            let old = std::mem::replace(&mut self.slots, vec![FREE; size]);
            self.shift = 64 - size.trailing_zeros();
            self.gone = 0;
            for a in old.into_iter().filter(|&a| a != FREE && a != GONE) {
                self.place(a);
            }
        }
        self.place(addr);
        self.held.push(v.clone());
    }

    fn place(&mut self, addr: usize) {
        let mut i = self.slot(addr);
        while self.slots[i] != FREE && self.slots[i] != GONE {
            i = (i + 1) & (self.slots.len() - 1);
        }
        if self.slots[i] == GONE {
            self.gone -= 1;
        }
        self.slots[i] = addr;
    }

    /// Forget the payload remembered last: its slot is marked `GONE`, which lookups pass.
    fn forget_last(&mut self) {
        let Some(v) = self.held.pop() else { return };
        let addr = v.payload().map_or(0, |(a, _)| a);
        let mut i = self.slot(addr);
        while self.slots[i] != addr {
            i = (i + 1) & (self.slots.len() - 1);
        }
        self.slots[i] = GONE;
        self.gone += 1;
    }

    /// The bytes counted so far (0 without a budget).
    pub fn used(&self) -> usize {
        self.used
    }
}

fn digits(mut u: u64) -> usize {
    let mut n = 1;
    while u >= 10 {
        u /= 10;
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::value::read::parse;

    #[test]
    fn a_payload_counts_about_its_json_length() {
        for text in [
            r#"{"a": 1, "b": [true, null, -12, 1.5], "c": "text"}"#,
            r#"[]"#,
            r#"{}"#,
            r#"{"s": "0123456789012345678901234567890123456789012345678901234567890123456789", "n": [1, 22, 333]}"#,
            r#"[{"k": "v"}, {"k": "w"}, [[], {}]]"#,
        ] {
            let v = parse(text).unwrap();
            let mut b = Budget::new(1 << 20);
            assert!(b.admit(&Rc::new(v.clone())));
            let exact = crate::value::to_string(&v).len();
            // Negative and fractional numbers are counted at their longest (two here).
            assert!(b.used() >= exact && b.used() <= exact + 48, "{text}: {} for {exact}", b.used());
        }
    }

    #[test]
    fn shared_data_counts_once() {
        let big = Value::String("x".repeat(100_000).into());
        let mut b = Budget::new(1 << 20);
        // One object kept again and again; new small objects around one big string.
        let obj = json!({"s": big.clone()});
        for _ in 0..1000 {
            assert!(b.admit(&Rc::new(obj.clone())));
        }
        let once = b.used();
        assert!((100_000..100_100).contains(&once), "{once}");
        for i in 0..10_000 {
            assert!(b.admit(&Rc::new(json!({"s": big.clone(), "n": i}))));
        }
        assert!(b.used() < once + 10_000 * 30, "{}", b.used());
        // Within one payload too: an array holding the same object many times.
        let mut b = Budget::new(1 << 20);
        assert!(b.admit(&Rc::new(Value::Array(vec![obj.clone(); 1000].into()))));
        assert!(b.used() < 100_000 + 2000, "{}", b.used());
    }

    #[test]
    fn what_does_not_fit_is_left_out_and_not_counted() {
        let mut b = Budget::new(250_000);
        let text = |c: &str| Value::String(c.repeat(100_000).into());
        let (a, c, d) = (text("a"), text("c"), text("d"));
        assert!(b.admit(&Rc::new(json!([a.clone()]))));
        assert!(b.admit(&Rc::new(json!({"c": c.clone()}))));
        let used = b.used();
        // d and a: 100 KB new, over the room; nothing of it is counted or held.
        let both = Rc::new(json!({"d": d.clone(), "a": a.clone()}));
        assert!(!b.admit(&both));
        assert_eq!(b.used(), used);
        assert_eq!(d.payload().unwrap().1, 2, "d is not held: `both` and `d` only");
        // What was counted still is: a and c again cost nothing, d still does not fit.
        assert!(b.admit(&Rc::new(json!({"again": [a.clone(), c.clone()]}))));
        assert!(!b.admit(&Rc::new(d.clone())));
        assert!(b.admit(&Rc::new(json!(1))));
        assert!(!b.admit_text(250_000));
        // The table finds every entry left after the removals.
        for i in 0..2000 {
            let s = Value::String(format!("{i:0100}").into());
            if b.admit(&Rc::new(s.clone())) {
                assert!(b.get(s.payload().unwrap().0));
            }
        }
    }

    #[test]
    fn removal_keeps_every_other_entry_reachable() {
        let mut b = Budget::new(usize::MAX - 1);
        let values: Vec<Value> = (0..500).map(|i| Value::String(format!("{i:080}").into())).collect();
        for v in &values {
            b.insert(v.payload().unwrap().0, v);
        }
        for _ in 0..200 {
            b.forget_last();
        }
        for (i, v) in values.iter().enumerate() {
            assert_eq!(b.get(v.payload().unwrap().0), i < 300, "{i}");
        }
    }

    #[test]
    fn no_budget_walks_nothing() {
        let mut b = Budget::new(usize::MAX);
        assert!(b.admit(&Rc::new(Value::String("x".repeat(1000).into()))));
        assert!(b.admit_text(usize::MAX));
        assert_eq!((b.used(), b.held.len()), (0, 0));
    }
}
