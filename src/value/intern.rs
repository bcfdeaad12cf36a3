//! One shared [`Key`] per key text.

use super::Key;

/// Hands out one shared [`Key`] for the same text, from a small table of the keys seen last:
/// a document's many objects with the same keys then share them (one allocation each, not
/// one per object), and code that meets a key again finds it by its address (`Key::ptr_eq`).
#[derive(Default)]
pub struct Interner {
    /// Empty until `FIRST_KEYS` keys were made: a small document (an input, options) costs
    /// no table.
    slots: Vec<Option<Key>>,
    made: usize,
}

const INTERNER_SLOTS: usize = 64;
const FIRST_KEYS: usize = 8;

impl Interner {
    pub fn key(&mut self, text: &str) -> Key {
        if self.slots.is_empty() {
            if self.made < FIRST_KEYS {
                self.made += 1;
                return Key::from(text);
            }
            self.slots = vec![None; INTERNER_SLOTS];
        }
        let (_, slot) = key_head_and_slot(text, INTERNER_SLOTS);
        match &self.slots[slot] {
            Some(k) if k.as_str() == text => k.clone(),
            _ => {
                let k = Key::from(text);
                self.slots[slot] = Some(k.clone());
                k
            }
        }
    }
}

/// The first eight bytes of `text` (little-endian, zero-padded), and a slot of `slots` (a
/// power of two up to 2^64) that they and the length pick.
pub fn key_head_and_slot(text: &str, slots: usize) -> (u64, usize) {
    let b = text.as_bytes();
    let mut head = 0u64;
    for (i, &x) in b.iter().take(8).enumerate() {
        head |= (x as u64) << (8 * i);
    }
    // Folded first: keys often differ only in a late byte (`name1`, `name2`), which the
    // multiplication alone would hardly carry into the top bits.
    let x = head ^ b.len() as u64;
    let slot = ((x ^ (x >> 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - slots.trailing_zeros())) as usize;
    (head, slot)
}
