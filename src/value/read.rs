//! JSON text with locations: a small parser that builds a `crate::value::Value` and remembers
//! where (line, column) every value and key sits, keyed by JSON Pointer, so that diagnostics
//! about a definition can point at the text the user typed.

use crate::support::ordmap::OrdMap;
use crate::value::{Interner, Map, Number, Value};
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

/// 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// Where each value starts, by JSON Pointer ("" is the root).
#[derive(Debug, Clone, Default)]
pub struct Locations {
    map: OrdMap<Pos>,
}

impl Locations {
    /// Locations another reader recorded (the YAML reader).
    #[cfg(feature = "extras")]
    pub(crate) fn from_map(map: OrdMap<Pos>) -> Locations {
        Locations { map }
    }

    /// Every value at one place (a definition held as text in a template's field).
    pub fn at(pos: Pos) -> Locations {
        let mut map = OrdMap::new();
        map.insert("".into(), pos);
        Locations { map }
    }

    /// The locations of the values under `prefix`, with pointers relative to it.
    pub fn under(&self, prefix: &str) -> Locations {
        let mut map = OrdMap::new();
        for (k, pos) in self.map.iter() {
            if let Some(rest) = k.strip_prefix(prefix) {
                if rest.is_empty() || rest.starts_with('/') {
                    map.insert(rest.into(), *pos);
                }
            }
        }
        Locations { map }
    }

    /// The position of the value at `pointer`, or of its nearest ancestor that has one.
    pub fn find(&self, pointer: &str) -> Pos {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.map.get(p) {
                return *pos;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Pos { line: 1, column: 1 },
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub message: String,
    pub pos: Pos,
    /// The JSON Pointer of the value being read when the error came ("" at the top).
    pub pointer: String,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at line {}, column {}", self.message, self.pos.line, self.pos.column)?;
        if !self.pointer.is_empty() {
            write!(f, " (in {})", self.pointer)?;
        }
        Ok(())
    }
}

impl std::error::Error for JsonError {}

/// Escape one reference token of a JSON Pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The deepest nesting we accept; deeper text is rejected instead of overflowing the stack.
/// The executor holds the values it makes to 512 levels (`error::MAX_VALUE_DEPTH`): this
/// leaves room for what is written around them (history events, results) to read back.
pub const MAX_DEPTH: usize = 640;

/// Parse JSON text, recording the location of every value.
pub fn parse_located(text: &str) -> Result<(Value, Locations), JsonError> {
    let (v, map) = parse_with(text, true)?;
    Ok((v, Locations { map }))
}

/// The locations of the values at `pointers` (and of their ancestors, where `find` falls
/// back), from a parse that records no others: diagnostics need a few positions, not one
/// per value of a large document.
pub fn locate(text: &str, pointers: &[&str]) -> Result<Locations, JsonError> {
    let mut want = OrdMap::new();
    for p in pointers {
        let mut p = *p;
        loop {
            want.insert(p.into(), Pos::default());
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => break,
            }
        }
    }
    let (_, map) = parse_into(text, true, Some(want))?;
    Ok(Locations { map })
}

/// Parse JSON text without recording locations (same errors as [`parse_located`]).
pub fn parse(text: &str) -> Result<Value, JsonError> {
    parse_with(text, false).map(|(v, _)| v)
}

fn parse_with(text: &str, track: bool) -> Result<(Value, OrdMap<Pos>), JsonError> {
    parse_into(text, track, None)
}

fn parse_into(text: &str, track: bool, want: Option<OrdMap<Pos>>) -> Result<(Value, OrdMap<Pos>), JsonError> {
    let mut p = Parser {
        src: text.as_bytes(),
        text,
        i: 0,
        cursor: Cell::new((0, Pos { line: 1, column: 1 })),
        locs: OrdMap::new(),
        track,
        want,
        keys: Interner::default(),
    };
    let mut pointer = String::new();
    let read = (|| {
        p.ws();
        let v = p.value(&mut pointer, 0)?;
        p.ws();
        if p.i < p.src.len() {
            return Err(p.err("unexpected text after the JSON value"));
        }
        Ok(v)
    })();
    match read {
        Ok(v) => Ok((v, p.locs)),
        // A value that fails leaves its pointer behind (the pointer is cut back only after a
        // value is read); without tracking, read again, tracking, to find it.
        Err(mut e) if track => {
            e.pointer = pointer;
            Err(e)
        }
        Err(e) => Err(parse_into(text, true, Some(OrdMap::new())).err().unwrap_or(e)),
    }
}

struct Parser<'a> {
    src: &'a [u8],
    text: &'a str,
    i: usize,
    /// A byte offset and its line:column, from which the next position is counted: positions
    /// are asked for (locations, errors) far less often than bytes are read, and mostly in
    /// increasing order.
    cursor: Cell<(usize, Pos)>,
    locs: OrdMap<Pos>,
    track: bool,
    /// With `track`: record only these pointers.
    want: Option<OrdMap<Pos>>,
    /// Objects with the same keys share them.
    keys: Interner,
}

impl<'a> Parser<'a> {
    fn pos(&self) -> Pos {
        let (mut at, mut pos) = self.cursor.get();
        if at > self.i {
            (at, pos) = (0, Pos { line: 1, column: 1 });
        }
        for &b in &self.src[at..self.i] {
            if b == b'\n' {
                pos.line += 1;
                pos.column = 1;
            } else if b & 0xC0 != 0x80 {
                pos.column += 1;
            }
        }
        self.cursor.set((self.i, pos));
        pos
    }

    fn err(&self, msg: &str) -> JsonError {
        JsonError { message: msg.to_string(), pos: self.pos(), pointer: String::new() }
    }

    // Called for every byte: inlined even where the wasm build optimises for size.
    #[inline(always)]
    fn bump(&mut self) -> Option<u8> {
        let b = *self.src.get(self.i)?;
        self.i += 1;
        Some(b)
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.src.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.bump();
        }
    }

    fn expect(&mut self, b: u8, what: &str) -> Result<(), JsonError> {
        if self.peek() == Some(b) {
            self.bump();
            Ok(())
        } else {
            Err(self.err(&format!("expected {what}")))
        }
    }

    fn value(&mut self, pointer: &mut String, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.err("JSON nested too deeply"));
        }
        if self.track && self.want.as_ref().is_none_or(|w| w.get(pointer).is_some()) {
            self.locs.insert(pointer.clone(), self.pos());
        }
        match self.peek() {
            None => Err(self.err("unexpected end of input, expected a JSON value")),
            Some(b'{') => self.object(pointer, depth),
            Some(b'[') => self.array(pointer, depth),
            Some(b'"') => Ok(Value::String(self.string()?.into_owned().into())),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("unexpected character, expected a JSON value")),
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, JsonError> {
        if self.src[self.i..].starts_with(word.as_bytes()) {
            for _ in 0..word.len() {
                self.bump();
            }
            Ok(v)
        } else {
            Err(self.err("unexpected word, expected a JSON value"))
        }
    }

    fn object(&mut self, pointer: &mut String, depth: usize) -> Result<Value, JsonError> {
        self.bump();
        let mut map = Map::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.bump();
            return Ok(Value::Object(map));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.err("expected a string key in the object"));
            }
            let key = self.string()?;
            self.ws();
            self.expect(b':', "':' after the object key")?;
            self.ws();
            let len = pointer.len();
            if self.track {
                pointer.push('/');
                pointer.push_str(&escape_token(&key));
            }
            let v = self.value(pointer, depth + 1)?;
            pointer.truncate(len);
            map.insert(self.keys.key(&key), v);
            self.ws();
            match self.bump() {
                Some(b',') => continue,
                Some(b'}') => return Ok(Value::Object(map)),
                _ => return Err(self.err("expected ',' or '}' in the object")),
            }
        }
    }

    fn array(&mut self, pointer: &mut String, depth: usize) -> Result<Value, JsonError> {
        self.bump();
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.bump();
            return Ok(Value::Array(items.into()));
        }
        loop {
            self.ws();
            let len = pointer.len();
            if self.track {
                pointer.push('/');
                pointer.push_str(&items.len().to_string());
            }
            let v = self.value(pointer, depth + 1)?;
            pointer.truncate(len);
            items.push(v);
            self.ws();
            match self.bump() {
                Some(b',') => continue,
                Some(b']') => return Ok(Value::Array(items.into())),
                _ => return Err(self.err("expected ',' or ']' in the array")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut n = 0u32;
        for _ in 0..4 {
            let d = match self.bump() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err(self.err("invalid \\u escape")),
            };
            n = n * 16 + d as u32;
        }
        Ok(n)
    }

    /// A string's text: borrowed from the input when it has no escapes.
    fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        self.bump();
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.bump();
            }
            if out.is_empty() && self.peek() == Some(b'"') {
                self.bump();
                return Ok(Cow::Borrowed(&self.text[start..self.i - 1]));
            }
            out.push_str(&self.text[start..self.i]);
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.bump();
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    self.bump();
                    let c = match self.bump() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi) && self.src[self.i..].starts_with(b"\\u") {
                                self.bump();
                                self.bump();
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                        .unwrap_or('\u{FFFD}')
                                } else {
                                    out.push('\u{FFFD}');
                                    char::from_u32(lo).unwrap_or('\u{FFFD}')
                                }
                            } else {
                                char::from_u32(hi).unwrap_or('\u{FFFD}')
                            }
                        }
                        _ => return Err(self.err("invalid escape in string")),
                    };
                    out.push(c);
                }
                Some(_) => return Err(self.err("control character in string")),
            }
        }
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.i;
        let start_pos = self.pos();
        if self.peek() == Some(b'-') {
            self.bump();
        }
        let digits = |p: &mut Self| {
            let s = p.i;
            while let Some(b'0'..=b'9') = p.peek() {
                p.bump();
            }
            p.i - s
        };
        let int_start = self.i;
        if digits(self) == 0 {
            return Err(self.err("invalid number"));
        }
        if self.src[int_start] == b'0' && self.i - int_start > 1 {
            return Err(JsonError {
                message: "invalid number: leading zeros are not allowed".into(),
                pos: start_pos,
                pointer: String::new(),
            });
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            float = true;
            self.bump();
            if digits(self) == 0 {
                return Err(self.err("invalid number: digits expected after '.'"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            float = true;
            self.bump();
            if let Some(b'+' | b'-') = self.peek() {
                self.bump();
            }
            if digits(self) == 0 {
                return Err(self.err("invalid number: digits expected in the exponent"));
            }
        }
        let s = &self.text[start..self.i];
        let bad = || JsonError { message: format!("number out of range: {s}"), pos: start_pos, pointer: String::new() };
        if !float {
            if let Ok(n) = s.parse::<i64>() {
                return Ok(Value::Number(n.into()));
            }
            if let Ok(n) = s.parse::<u64>() {
                return Ok(Value::Number(n.into()));
            }
        }
        let f = crate::value::num::parse_f64(s).ok_or_else(bad)?;
        Number::from_f64(f).map(Value::Number).ok_or_else(bad)
    }
}

/// The compact JSON text of a value, as AWS prints payloads.
pub fn to_compact(v: &Value) -> String {
    crate::value::to_string(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_point_at_values() {
        let (v, locs) = parse_located("{\n  \"a\": [1,\n    {\"b~/\": true}]\n}").unwrap();
        assert_eq!(v["a"][1]["b~/"], Value::Bool(true));
        assert_eq!(locs.find(""), Pos { line: 1, column: 1 });
        assert_eq!(locs.find("/a"), Pos { line: 2, column: 8 });
        assert_eq!(locs.find("/a/1/b~0~1"), Pos { line: 3, column: 13 });
        assert_eq!(locs.find("/a/1/missing"), Pos { line: 3, column: 5 });
    }

    #[test]
    fn errors_carry_line_and_column() {
        let e = parse_located("{\n  \"a\": 1,\n  }").unwrap_err();
        assert_eq!(e.pos, Pos { line: 3, column: 3 });
        assert!(parse("[1,2").is_err());
        assert!(parse("01x").is_err());
        assert!(parse("01").is_err() && parse("-00.5").is_err() && parse("[0, -0, 0.5, 10]").is_ok());
        assert!(parse(&"[".repeat(10_000)).is_err());
    }

    #[test]
    fn numbers_keep_integers() {
        assert_eq!(
            to_compact(&parse("[1, -2, 1.5, 1e2, 18446744073709551615]").unwrap()),
            "[1,-2,1.5,100.0,18446744073709551615]"
        );
        assert_eq!(parse("\"\\ud83d\\ude00\"").unwrap(), Value::String("😀".into()));
    }
}
