//! JSON text read exactly as `serde_json::from_str::<Value>` reads it: the same values (its
//! numbers included: integers as u64 or i64, other numbers by its own float arithmetic),
//! the same nesting limit and the same errors, with their line and column. This is for the
//! places whose behaviour was defined by serde_json (`States.StringToJson`, `$parse` and its
//! error messages, JSONPath filter literals, numbers in intrinsic calls), without linking
//! serde_json's deserializer (about 8 KB of wasm after gzip). Definitions and inputs are
//! read by [`crate::json`]. The tests compare both on many texts, valid and broken.

use serde_json::{Map, Number, Value};
use std::fmt;

/// A syntax error: serde_json's message and position (1-based line, 0-based byte column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub message: &'static str,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at line {} column {}", self.message, self.line, self.column)
    }
}

const EOF_LIST: &str = "EOF while parsing a list";
const EOF_OBJECT: &str = "EOF while parsing an object";
const EOF_STRING: &str = "EOF while parsing a string";
const EOF_VALUE: &str = "EOF while parsing a value";
const EXPECTED_COLON: &str = "expected `:`";
const EXPECTED_LIST: &str = "expected `,` or `]`";
const EXPECTED_OBJECT: &str = "expected `,` or `}`";
const EXPECTED_IDENT: &str = "expected ident";
const EXPECTED_VALUE: &str = "expected value";
const INVALID_ESCAPE: &str = "invalid escape";
const INVALID_NUMBER: &str = "invalid number";
const OUT_OF_RANGE: &str = "number out of range";
const CONTROL: &str = "control character (\\u0000-\\u001F) found while parsing a string";
const KEY_STRING: &str = "key must be a string";
const LONE_SURROGATE: &str = "lone leading surrogate in hex escape";
const TRAILING_COMMA: &str = "trailing comma";
const TRAILING: &str = "trailing characters";
const END_OF_HEX: &str = "unexpected end of hex escape";
const TOO_DEEP: &str = "recursion limit exceeded";

/// `serde_json::from_str::<Value>(s)`.
pub fn from_str(s: &str) -> Result<Value, Error> {
    let mut r = Reader { b: s.as_bytes(), i: 0, depth: 128 };
    let v = r.value()?;
    match r.ws() {
        Some(_) => Err(r.peek_err(TRAILING)),
        None => Ok(v),
    }
}

/// `serde_json::from_str::<Number>(s).ok()`.
pub fn number(s: &str) -> Option<Number> {
    match from_str(s) {
        Ok(Value::Number(n)) => Some(n),
        _ => None,
    }
}

type R<T> = Result<T, Error>;

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
    /// Arrays and objects that may still open (serde_json allows 127 levels).
    depth: u8,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    fn at(&self, i: usize, message: &'static str) -> Error {
        let start = self.b[..i].iter().rposition(|&c| c == b'\n').map_or(0, |p| p + 1);
        let line = 1 + self.b[..start].iter().filter(|&&c| c == b'\n').count();
        Error { message, line, column: i - start }
    }

    /// An error about the byte just read (serde_json's `error`).
    fn err(&self, message: &'static str) -> Error {
        self.at(self.i, message)
    }

    /// An error about the byte about to be read (serde_json's `peek_error`).
    fn peek_err(&self, message: &'static str) -> Error {
        self.at((self.i + 1).min(self.b.len()), message)
    }

    fn ws(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.i += 1;
        }
        self.peek()
    }

    fn value(&mut self) -> R<Value> {
        let Some(c) = self.ws() else { return Err(self.peek_err(EOF_VALUE)) };
        match c {
            b'n' => self.ident(b"null", Value::Null),
            b't' => self.ident(b"true", Value::Bool(true)),
            b'f' => self.ident(b"false", Value::Bool(false)),
            b'-' => {
                self.i += 1;
                self.number(false)
            }
            b'0'..=b'9' => self.number(true),
            b'"' => {
                self.i += 1;
                self.string().map(Value::String)
            }
            b'[' | b'{' => {
                self.depth -= 1;
                if self.depth == 0 {
                    return Err(self.peek_err(TOO_DEEP));
                }
                self.i += 1;
                let v = if c == b'[' { self.array() } else { self.object() };
                self.depth += 1;
                v
            }
            _ => Err(self.peek_err(EXPECTED_VALUE)),
        }
    }

    fn ident(&mut self, word: &[u8], v: Value) -> R<Value> {
        self.i += 1;
        for &want in &word[1..] {
            match self.next() {
                None => return Err(self.err(EOF_VALUE)),
                Some(c) if c != want => return Err(self.err(EXPECTED_IDENT)),
                _ => {}
            }
        }
        Ok(v)
    }

    fn array(&mut self) -> R<Value> {
        let mut items = Vec::new();
        loop {
            match self.ws() {
                None => return Err(self.peek_err(EOF_LIST)),
                Some(b']') => break,
                Some(_) if items.is_empty() => {}
                Some(b',') => {
                    self.i += 1;
                    match self.ws() {
                        Some(b']') => return Err(self.peek_err(TRAILING_COMMA)),
                        Some(_) => {}
                        None => return Err(self.peek_err(EOF_VALUE)),
                    }
                }
                Some(_) => return Err(self.peek_err(EXPECTED_LIST)),
            }
            items.push(self.value()?);
        }
        self.i += 1;
        Ok(Value::Array(items))
    }

    fn object(&mut self) -> R<Value> {
        let mut map = Map::new();
        let mut first = true;
        loop {
            match self.ws() {
                None => return Err(self.peek_err(EOF_OBJECT)),
                Some(b'}') => break,
                Some(c) if first => {
                    if c != b'"' {
                        return Err(self.peek_err(KEY_STRING));
                    }
                }
                Some(b',') => {
                    self.i += 1;
                    match self.ws() {
                        Some(b'"') => {}
                        Some(b'}') => return Err(self.peek_err(TRAILING_COMMA)),
                        Some(_) => return Err(self.peek_err(KEY_STRING)),
                        None => return Err(self.peek_err(EOF_VALUE)),
                    }
                }
                Some(_) => return Err(self.peek_err(EXPECTED_OBJECT)),
            }
            first = false;
            self.i += 1;
            let key = self.string()?;
            match self.ws() {
                Some(b':') => self.i += 1,
                Some(_) => return Err(self.peek_err(EXPECTED_COLON)),
                None => return Err(self.peek_err(EOF_OBJECT)),
            }
            let v = self.value()?;
            map.insert(key, v);
        }
        self.i += 1;
        Ok(Value::Object(map))
    }

    /// The rest of a string whose opening quote was read.
    fn string(&mut self) -> R<String> {
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(c) = self.next() else { return Err(self.err(EOF_STRING)) };
            match c {
                b'"' => return Ok(String::from_utf8(out).unwrap_or_default()),
                b'\\' => self.escape(&mut out)?,
                0..=0x1f => return Err(self.err(CONTROL)),
                _ => out.push(c),
            }
        }
    }

    fn next_in_string(&mut self) -> R<u8> {
        self.next().ok_or_else(|| self.err(EOF_STRING))
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> R<()> {
        let c = match self.next_in_string()? {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 8,
            b'f' => 12,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => return self.unicode_escape(out),
            _ => return Err(self.err(INVALID_ESCAPE)),
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> R<u32> {
        let mut n = 0;
        let mut ok = true;
        for _ in 0..4 {
            let c = self.next_in_string()?;
            match (c as char).to_digit(16) {
                Some(d) => n = n * 16 + d,
                None => ok = false,
            }
        }
        if ok {
            Ok(n)
        } else {
            Err(self.err(INVALID_ESCAPE))
        }
    }

    /// After `\u`: a character, or a surrogate pair as two escapes.
    fn unicode_escape(&mut self, out: &mut Vec<u8>) -> R<()> {
        let n = self.hex4()?;
        let c = match n {
            0xDC00..=0xDFFF => return Err(self.err(LONE_SURROGATE)),
            0xD800..=0xDBFF => {
                for want in [b'\\', b'u'] {
                    match self.peek() {
                        None => return Err(self.err(EOF_STRING)),
                        Some(c) => {
                            self.i += 1;
                            if c != want {
                                return Err(self.err(END_OF_HEX));
                            }
                        }
                    }
                }
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.err(LONE_SURROGATE));
                }
                0x10000 + ((n - 0xD800) << 10) + (low - 0xDC00)
            }
            n => n,
        };
        let c = char::from_u32(c).unwrap_or('\u{fffd}');
        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        Ok(())
    }

    // ------------------------------------------------------------ numbers, as serde_json reads them

    fn peek_or_null(&self) -> u8 {
        self.peek().unwrap_or(0)
    }

    /// After an optional minus sign.
    fn number(&mut self, positive: bool) -> R<Value> {
        let Some(c) = self.next() else { return Err(self.err(EOF_VALUE)) };
        let mut m: u64 = match c {
            b'0' => {
                if self.peek_or_null().is_ascii_digit() {
                    return Err(self.peek_err(INVALID_NUMBER));
                }
                0
            }
            b'1'..=b'9' => (c - b'0') as u64,
            _ => return Err(self.err(INVALID_NUMBER)),
        };
        if c != b'0' {
            while let c @ b'0'..=b'9' = self.peek_or_null() {
                let d = (c - b'0') as u64;
                if overflows(m, d, u64::MAX) {
                    // More digits than a u64 holds: the rest only count towards the exponent.
                    let mut e = 0i32;
                    while self.peek_or_null().is_ascii_digit() {
                        self.i += 1;
                        e += 1;
                    }
                    return self.fraction_or_exponent(positive, m, e).map(float);
                }
                self.i += 1;
                m = m * 10 + d;
            }
        }
        if matches!(self.peek_or_null(), b'.' | b'e' | b'E') {
            return self.fraction_or_exponent(positive, m, 0).map(float);
        }
        Ok(if positive {
            Value::Number(m.into())
        } else {
            let neg = (m as i64).wrapping_neg();
            // -0 and integers below i64::MIN are floats.
            if neg >= 0 {
                float(-(m as f64))
            } else {
                Value::Number(neg.into())
            }
        })
    }

    fn fraction_or_exponent(&mut self, positive: bool, m: u64, e: i32) -> R<f64> {
        match self.peek_or_null() {
            b'.' => self.fraction(positive, m, e),
            b'e' | b'E' => self.exponent(positive, m, e),
            _ => self.float_from_parts(positive, m, e),
        }
    }

    fn fraction(&mut self, positive: bool, mut m: u64, e: i32) -> R<f64> {
        self.i += 1;
        let mut after = 0i32;
        while let c @ b'0'..=b'9' = self.peek_or_null() {
            let d = (c - b'0') as u64;
            if overflows(m, d, u64::MAX) {
                // Further digits are dropped.
                while self.peek_or_null().is_ascii_digit() {
                    self.i += 1;
                }
                return match self.peek_or_null() {
                    b'e' | b'E' => self.exponent(positive, m, e + after),
                    _ => self.float_from_parts(positive, m, e + after),
                };
            }
            self.i += 1;
            m = m * 10 + d;
            after -= 1;
        }
        if after == 0 {
            return Err(self.peek_err(if self.peek().is_some() { INVALID_NUMBER } else { EOF_VALUE }));
        }
        match self.peek_or_null() {
            b'e' | b'E' => self.exponent(positive, m, e + after),
            _ => self.float_from_parts(positive, m, e + after),
        }
    }

    fn exponent(&mut self, positive: bool, m: u64, start: i32) -> R<f64> {
        self.i += 1;
        let positive_exp = match self.peek_or_null() {
            b'+' => {
                self.i += 1;
                true
            }
            b'-' => {
                self.i += 1;
                false
            }
            _ => true,
        };
        let mut exp = match self.next() {
            None => return Err(self.err(EOF_VALUE)),
            Some(c @ b'0'..=b'9') => (c - b'0') as i32,
            Some(_) => return Err(self.err(INVALID_NUMBER)),
        };
        while let c @ b'0'..=b'9' = self.peek_or_null() {
            self.i += 1;
            let d = (c - b'0') as i32;
            if overflows(exp as u64, d as u64, i32::MAX as u64) {
                if m != 0 && positive_exp {
                    return Err(self.err(OUT_OF_RANGE));
                }
                while self.peek_or_null().is_ascii_digit() {
                    self.i += 1;
                }
                return Ok(if positive { 0.0 } else { -0.0 });
            }
            exp = exp * 10 + d;
        }
        let e = if positive_exp { start.saturating_add(exp) } else { start.saturating_sub(exp) };
        self.float_from_parts(positive, m, e)
    }

    /// m × 10^e by serde_json's arithmetic: m rounded to f64, then one multiplication or
    /// division by a power of ten (several divisions by 1e308 first below 1e-308).
    fn float_from_parts(&self, positive: bool, m: u64, mut e: i32) -> R<f64> {
        let mut f = m as f64;
        loop {
            let k = e.unsigned_abs();
            if k <= 308 {
                let pow = pow10(k);
                if e >= 0 {
                    f *= pow;
                    if f.is_infinite() {
                        return Err(self.err(OUT_OF_RANGE));
                    }
                } else {
                    f /= pow;
                }
                break;
            }
            if f == 0.0 {
                break;
            }
            if e >= 0 {
                return Err(self.err(OUT_OF_RANGE));
            }
            f /= 1e308;
            e += 308;
        }
        Ok(if positive { f } else { -f })
    }
}

/// Whether a × 10 + b exceeds `max`.
fn overflows(a: u64, b: u64, max: u64) -> bool {
    a >= max / 10 && (a > max / 10 || b > max % 10)
}

/// 10^k as the nearest f64 (k <= 308).
fn pow10(k: u32) -> f64 {
    if k <= 22 {
        (0..k).fold(1.0, |p, _| p * 10.0)
    } else {
        crate::num::parse_f64(&format!("1e{k}")).unwrap_or(f64::INFINITY)
    }
}

fn float(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(s: &str) {
        let ours = from_str(s).map_err(|e| e.to_string());
        let theirs = serde_json::from_str::<Value>(s).map_err(|e| e.to_string());
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => assert!(identical(a, b), "{s:?}: {a:?} vs {b:?}"),
            _ => assert_eq!(ours, theirs, "{s:?}"),
        }
        assert_eq!(number(s), serde_json::from_str::<Number>(s).ok(), "{s:?}");
    }

    /// Equal, with numbers of the same kind and the same bits.
    fn identical(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => {
                (x.as_u64(), x.as_i64(), x.as_f64().map(f64::to_bits)) == (y.as_u64(), y.as_i64(), y.as_f64().map(f64::to_bits))
                    && x.is_f64() == y.is_f64()
            }
            (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| identical(p, q)),
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|((k, p), (l, q))| k == l && identical(p, q))
            }
            _ => a == b,
        }
    }

    #[test]
    fn same_as_serde_json() {
        let texts = [
            "", " ", "null", "nul", "nulx", "true", "tru", "false", "fals", "x", "-", "--1", "-a", "0", "-0", "00", "01", "-01", "0.",
            "0.x", "1.5", "1.", "1.e5", "1e", "1e+", "1e-", "1ex", "1E5", "1e-5", "1e+5", "-0.0", "1e309", "-1e309", "1e-400",
            "0e99999999999", "1e99999999999", "1e-99999999999", "18446744073709551615", "18446744073709551616",
            "18446744073709551616.0", "18446744073709551616.5e3", "-9223372036854775808", "-9223372036854775809",
            "123456789012345678901234567890", "0.1234567890123456789012345", "1.7976931348623157e308", "4.9e-324", "2.5e-324",
            "1e-320", "123.456e-310", "\"\"", "\"abc", "\"a\\", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\uD800\"",
            "\"\\uD800x\"", "\"\\uD800\\x\"", "\"\\uD800\\u0041\"", "\"\\uDC00\"", "\"\\uD83D\\uDE00\"", "\"\\u00e9\\n\\t\\/\"",
            "\"a\u{1}b\"", "\"é\"", "[", "[1", "[1,", "[1,]", "[1 2]", "[,1]", "[]", "[ ]", "{", "{\"a\"", "{\"a\":", "{\"a\":1",
            "{\"a\":1,", "{\"a\":1,}", "{\"a\" 1}", "{1:2}", "{,}", "{\"a\":1 \"b\":2}", "{\"a\":1,\"a\":2,\"b\":3}",
            "{\"a\":1,2}", "{}", " { } ", "[1] x", "1 2", "\n\n  [1,\n  x]", "{\"a\":[{\"b\":null}]}", "[true,false,null]",
        ];
        for t in texts {
            same(t);
        }
        same(&"[".repeat(126));
        same(&format!("{}{}", "[".repeat(127), "]".repeat(127)));
        same(&format!("{}{}", "[".repeat(128), "]".repeat(128)));
        same(&format!("{}1{}", "{\"a\":".repeat(130), "}".repeat(130)));
        // Random texts built from JSON's pieces, and every prefix of some.
        let pieces = [
            "{", "}", "[", "]", ",", ":", " ", "\n", "\"k\"", "\"\\u00", "\\", "1", "0", "-", ".", "e", "E", "+", "12345678901234567890",
            "9", "null", "tru", "true", "\"x\"", "\"\\ud83d\\ude00\"", "\"\\uD800\"", "1e400", "0.5", "\t",
        ];
        let mut s = 0x853C_49E6_748F_EA9Bu64;
        let mut rnd = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        for _ in 0..60_000 {
            let n = (rnd() % 12) as usize;
            let text: String = (0..n).map(|_| pieces[(rnd() % pieces.len() as u64) as usize]).collect();
            same(&text);
        }
        for _ in 0..3000 {
            let text = format!(
                "{{\"a\": [1, -2.5e-3, {}, \"s\\n\"], \"b\": {{\"c\": {}}}}}",
                (rnd() % 1000) as f64 / 7.0,
                f64::from_bits(rnd() >> 2)
            );
            for k in 0..=text.len() {
                if text.is_char_boundary(k) {
                    same(&text[..k]);
                }
            }
        }
        // Numbers of every length and exponent.
        for _ in 0..30_000 {
            let digits: String = (0..(rnd() % 30 + 1)).map(|_| char::from(b'0' + (rnd() % 10) as u8)).collect();
            let frac: String = (0..(rnd() % 25)).map(|_| char::from(b'0' + (rnd() % 10) as u8)).collect();
            let e = rnd() as i64 % 700;
            for t in [digits.clone(), format!("{digits}.{frac}"), format!("-{digits}e{e}"), format!("{digits}.{frac}E-{e}")] {
                same(t.trim_start_matches('0'));
                same(&t);
            }
        }
    }
}
