//! JSON text: compact (as serde_json writes it) and pretty, and an upper bound on its length.

use super::*;
use std::sync::atomic::Ordering::Relaxed;

/// The length of `v`'s compact text, without writing it. Arrays and objects remember it, so a
/// value that shares most of its tree with one already measured (the next state's output, a
/// Map's outputs that each hold the input) costs only its new nodes.
pub fn text_bound(v: &Value) -> usize {
    measure(v).0
}

/// The exact length of `v`'s compact text and its nesting depth (a scalar is 0 deep, `[1]`
/// 1), in one walk that arrays and objects remember (the depth in the top 16 bits,
/// saturating).
pub fn measure(v: &Value) -> (usize, usize) {
    let (cell, n) = match v {
        Value::Null => return (4, 0),
        Value::Bool(b) => return (4 + !b as usize, 0),
        Value::Number(n) => return (number_len(n), 0),
        Value::String(s) => return (string_len(s), 0),
        Value::Array(a) => (&a.0.measured, a.len()),
        Value::Object(m) => (&m.0.bound, m.len()),
    };
    let known = cell.load(Relaxed);
    if known > 0 {
        return ((known & BOUND_MASK) as usize, (known >> DEPTH_SHIFT) as usize);
    }
    // Brackets and the commas between the items.
    let (mut b, mut d) = (2 + n.saturating_sub(1), 1);
    let mut add = |x: &Value, extra: usize| {
        // Numbers, the most common leaves, without a call.
        let (xb, xd) = if let Value::Number(n) = x { (number_len(n), 0) } else { measure(x) };
        b += xb + extra;
        d = d.max(xd + 1);
    };
    match v {
        Value::Array(a) => a.iter().for_each(|x| add(x, 0)),
        Value::Object(m) => m.iter().for_each(|(k, x)| add(x, string_len(k) + 1)),
        _ => {}
    }
    cell.store((b as u64).min(BOUND_MASK) | (d.min(0xffff) as u64) << DEPTH_SHIFT, Relaxed);
    (b, d)
}

/// The length of a number's text, as [`Text::value`] writes it.
fn number_len(n: &Number) -> usize {
    let digits = |u: u64| u.checked_ilog10().unwrap_or(0) as usize + 1;
    match n.0 {
        N::PosInt(u) => digits(u),
        N::NegInt(i) => 1 + digits(i.unsigned_abs()),
        N::Float(f) => zmij::Buffer::new().format_finite(f).len(),
    }
}

/// The length of `s` as a JSON string, as [`Text::string`] writes it.
fn string_len(s: &str) -> usize {
    s.bytes().fold(2 + s.len(), |n, c| match c {
        b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => n + 1,
        0..=0x1f => n + 5,
        _ => n,
    })
}

const DEPTH_SHIFT: u32 = 48;
const BOUND_MASK: u64 = (1 << DEPTH_SHIFT) - 1;

/// Compact JSON text.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&to_string(self))
    }
}

/// Pretty JSON text (two spaces an indent) as `Display`: written as it goes, into the
/// formatter's sink, as the pretty text of a deep value can be many times its size.
pub struct Pretty<'a>(pub &'a Value);

impl fmt::Display for Pretty<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_pretty(f, self.0, 0)
    }
}

/// Append the compact JSON text of `v`.
pub fn write_compact(out: &mut String, v: &Value) {
    out.push_str(&to_string(v));
}

/// JSON text as UTF-8 bytes, written a byte or a slice at a time by index into room made
/// beforehand: for a value, room for its [`text_bound`]. The room is made (zeroed) in doubling
/// steps and kept, so no byte is zeroed twice, and writing costs no call per character, which
/// matters in the size-optimised wasm build.
#[derive(Default)]
struct JsonText {
    /// Text up to `len`, zeroed room after it.
    buf: Vec<u8>,
    len: usize,
}

impl JsonText {
    fn new() -> JsonText {
        JsonText::default()
    }
    fn write(&mut self, room: usize, f: impl FnOnce(&mut Text)) {
        let need = self.len + room;
        if need > self.buf.len() {
            self.buf.resize(need.max(2 * self.buf.len()), 0);
        }
        let mut t = Text { buf: &mut self.buf, at: self.len };
        f(&mut t);
        self.len = t.at;
    }
    /// The compact text of `v`: room for exactly its length.
    fn value(&mut self, v: &Value) {
        self.write(text_bound(v), |t| t.value(v));
    }
    /// `s` as a JSON string.
    fn string(&mut self, s: &str) {
        self.write(2 + 6 * s.len(), |t| t.string(s));
    }
    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
    fn into_bytes(mut self) -> Vec<u8> {
        self.buf.truncate(self.len);
        self.buf
    }
}

/// JSON text written into a buffer with room enough.
struct Text<'a> {
    buf: &'a mut [u8],
    at: usize,
}

// The helpers are inlined by hand: the wasm build optimises for size, which otherwise leaves
// a call per byte (and per step of an iterator).
impl Text<'_> {
    #[inline(always)]
    fn byte(&mut self, b: u8) {
        self.buf[self.at] = b;
        self.at += 1;
    }
    #[inline(always)]
    fn bytes(&mut self, s: &[u8]) {
        self.buf[self.at..self.at + s.len()].copy_from_slice(s);
        self.at += s.len();
    }
    fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.bytes(b"null"),
            Value::Bool(b) => self.bytes(if *b { b"true" } else { b"false" }),
            Value::Number(n) => match n.0 {
                N::PosInt(u) => self.digits(u, false),
                N::NegInt(i) => self.digits(i.unsigned_abs(), true),
                N::Float(f) => self.bytes(zmij::Buffer::new().format_finite(f).as_bytes()),
            },
            Value::String(s) => self.string(s),
            Value::Array(a) => {
                self.byte(b'[');
                for x in a.iter() {
                    self.value(x);
                    self.byte(b',');
                }
                self.close(b']');
            }
            Value::Object(m) => {
                self.byte(b'{');
                for (k, x) in m.iter() {
                    self.string(k);
                    self.byte(b':');
                    self.value(x);
                    self.byte(b',');
                }
                self.close(b'}');
            }
        }
    }
    /// End an array or object: `bracket` replaces the comma after the last item, or follows the
    /// opening bracket when there is none.
    #[inline(always)]
    fn close(&mut self, bracket: u8) {
        if self.buf[self.at - 1] == b',' {
            self.at -= 1;
        }
        self.byte(bracket);
    }
    fn digits(&mut self, mut u: u64, negative: bool) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (u % 10) as u8;
            u /= 10;
            if u == 0 {
                break;
            }
        }
        if negative {
            self.byte(b'-');
        }
        self.bytes(&digits[i..]);
    }
    /// `"` and `\` escaped, control characters as `\n`, `\t`... or `\u00XX`; everything else
    /// as it is.
    fn string(&mut self, s: &str) {
        self.byte(b'"');
        let b = s.as_bytes();
        let mut start = 0;
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            i += 1;
            let escape: &[u8] = match c {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0x08 => b"\\b",
                0x0c => b"\\f",
                0..=0x1f => b"",
                _ => continue,
            };
            self.bytes(&b[start..i - 1]);
            if escape.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                self.bytes(&[b'\\', b'u', b'0', b'0', HEX[(c >> 4) as usize], HEX[(c & 15) as usize]]);
            } else {
                self.bytes(escape);
            }
            start = i;
        }
        self.bytes(&b[start..]);
        self.byte(b'"');
    }
}

/// Write the pretty JSON text of `v` (two spaces an indent; `[]` and `{}` when empty).
pub fn write_pretty(out: &mut impl fmt::Write, v: &Value, depth: usize) -> fmt::Result {
    let newline = |out: &mut dyn fmt::Write, depth: usize| {
        const SPACES: &str = concat!("\n", "                                                              ");
        let mut n = 1 + 2 * depth;
        let mut line = SPACES;
        while n > 0 {
            let part = n.min(line.len());
            out.write_str(&line[..part])?;
            n -= part;
            line = &SPACES[1..];
        }
        Ok(())
    };
    match v {
        Value::Array(a) if !a.is_empty() => {
            out.write_char('[')?;
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.write_char(',')?;
                }
                newline(out, depth + 1)?;
                write_pretty(out, x, depth + 1)?;
            }
            newline(out, depth)?;
            out.write_char(']')
        }
        Value::Object(m) if !m.is_empty() => {
            out.write_char('{')?;
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.write_char(',')?;
                }
                newline(out, depth + 1)?;
                let mut key = JsonText::new();
                key.string(k);
                out.write_str(std::str::from_utf8(key.as_bytes()).unwrap_or_default())?;
                out.write_str(": ")?;
                write_pretty(out, x, depth + 1)?;
            }
            newline(out, depth)?;
            out.write_char('}')
        }
        other => out.write_str(&to_string(other)),
    }
}

/// Append `s` as a JSON string: `"` and `\` escaped, control characters as `\n`, `\t`... or
/// `\u00XX`; everything else as it is.
pub fn write_string(out: &mut String, s: &str) {
    let mut text = JsonText::new();
    text.string(s);
    out.push_str(&String::from_utf8_lossy(text.as_bytes()));
}

/// Whether the compact text of `v` is longer than `limit` bytes, found without writing it
/// ([`measure`], remembered by arrays and objects). (A Map whose 4,000 items each carry a
/// 46 KB input has a 184 MB text.)
pub fn text_longer_than(v: &Value, limit: usize) -> bool {
    text_bound(v) > limit
}

/// The compact text of `v` as far as its first `limit` bytes: all of it when it is no
/// longer, else a start of it a little over `limit` bytes long (whole leaves and keys; a
/// leaf can take it far over). The rest is never written, so a value that shares one large
/// part many times costs no more than `limit` and that part.
pub fn compact_prefix(v: &Value, limit: usize) -> String {
    fn walk(t: &mut JsonText, v: &Value, limit: usize) -> bool {
        let punct = |t: &mut JsonText, b: u8| t.write(1, |w| w.byte(b));
        match v {
            Value::Array(a) => {
                punct(t, b'[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        punct(t, b',');
                    }
                    if t.len > limit || walk(t, x, limit) {
                        return true;
                    }
                }
                punct(t, b']');
            }
            Value::Object(m) => {
                punct(t, b'{');
                for (i, (k, x)) in m.iter().enumerate() {
                    if i > 0 {
                        punct(t, b',');
                    }
                    t.string(k);
                    punct(t, b':');
                    if t.len > limit || walk(t, x, limit) {
                        return true;
                    }
                }
                punct(t, b'}');
            }
            leaf => t.value(leaf),
        }
        t.len > limit
    }
    let mut text = JsonText::new();
    walk(&mut text, v, limit);
    // Cut only between whole leaves, keys and punctuation: always UTF-8.
    String::from_utf8(text.into_bytes()).unwrap_or_default()
}

/// The compact JSON text of `v`.
pub fn to_string(v: &Value) -> String {
    let mut text = JsonText::new();
    text.value(v);
    String::from_utf8(text.into_bytes()).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The pretty JSON text of `v`.
pub fn to_string_pretty(v: &Value) -> String {
    Pretty(v).to_string()
}
