//! The 18 intrinsic functions of JSONPath states (`States.Format`, `States.Array`, ...):
//! parsed once into a [`Call`], evaluated against a [`Scope`].

use crate::support::digest;

use crate::dataflow::jsonpath::Reference;
use crate::dataflow::runtime_errors::{failure, Args, Fault, Field};
use crate::dataflow::scope::{resolve, Scope};
use crate::error::Failure;
use crate::value::{Key, Number, Value};

/// The intrinsic functions AWS knows, with their (min, max) argument counts. The type of an
/// argument is checked at run time only (`States.IntrinsicFailure`), even when it is a
/// literal: no AWS answer shows a definition refused for one, and refusing what AWS takes
/// would keep a user's workflow from running.
const FUNCTIONS: &[(&str, usize, usize)] = &[
    ("States.Format", 1, usize::MAX),
    ("States.StringToJson", 1, 1),
    ("States.JsonToString", 1, 1),
    ("States.Array", 0, usize::MAX),
    ("States.ArrayPartition", 2, 2),
    ("States.ArrayContains", 2, 2),
    ("States.ArrayRange", 3, 3),
    ("States.ArrayGetItem", 2, 2),
    ("States.ArrayLength", 1, 1),
    ("States.ArrayUnique", 1, 1),
    ("States.Base64Encode", 1, 1),
    ("States.Base64Decode", 1, 1),
    ("States.Hash", 2, 2),
    ("States.JsonMerge", 3, 3),
    ("States.MathRandom", 2, 3),
    ("States.MathAdd", 2, 2),
    ("States.StringSplit", 2, 2),
    ("States.UUID", 0, 0),
];

/// The known name closest to an unknown one: the same but for case or the `States.` prefix,
/// or at most two edits away from either.
fn closest(name: &str) -> Option<&'static str> {
    let (mut best, mut least) = (None, 3);
    for f in FUNCTIONS {
        let k = f.0.as_bytes();
        let d = edits(name.as_bytes(), k).min(edits(name.as_bytes(), &k[7..]));
        if d < least {
            (best, least) = (Some(f.0), d);
        }
    }
    best
}

/// The Levenshtein distance of two names, case aside (too many for a name longer than 40).
fn edits(a: &[u8], b: &[u8]) -> usize {
    let mut row = [0usize; 32];
    if a.len() > 40 || b.len() >= row.len() {
        return usize::MAX;
    }
    for (j, r) in row.iter_mut().enumerate() {
        *r = j;
    }
    for (i, x) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (diag + usize::from(!x.eq_ignore_ascii_case(y))).min(up + 1).min(row[j] + 1);
            diag = up;
        }
    }
    row[b.len()]
}

/// Intrinsic calls may nest at most this deep (AWS: "up to 10 intrinsic functions").
pub const MAX_NESTING: usize = 10;
/// Largest array States.ArrayRange may build.
pub const MAX_RANGE_ITEMS: usize = 1000;
/// Longest input string States.Base64Encode/Base64Decode/Hash accept.
pub const MAX_STRING_CHARS: usize = 10_000;

/// One argument of an intrinsic call.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A string literal: its value and its text between the quotes (escapes kept, for
    /// States.Format templates).
    Str {
        value: String,
        raw: String,
    },
    Number(Number),
    Bool(bool),
    Null,
    Ref(Reference),
    Call(Box<Call>),
}

/// A parsed intrinsic function call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: Vec<Arg>,
}

impl Call {
    pub fn parse(text: &str) -> Result<Call, String> {
        let mut p = P { s: text.as_bytes(), i: 0 };
        p.ws();
        let c = p.call(1)?;
        p.ws();
        if p.i != p.s.len() {
            return Err(format!("unexpected text after the intrinsic function call at position {}", p.i));
        }
        Ok(c)
    }

    /// Evaluates the call; `field` is the `.$` key it sits in (for path failure causes).
    pub fn eval(&self, scope: &mut dyn Scope, field: &str) -> Result<Value, Failure> {
        let mut vals = Vec::with_capacity(self.args.len());
        for a in &self.args {
            vals.push(match a {
                Arg::Str { value, .. } => Value::String(value.clone().into()),
                Arg::Number(n) => Value::Number(*n),
                Arg::Bool(b) => Value::Bool(*b),
                Arg::Null => Value::Null,
                Arg::Ref(r) => resolve(scope, r, field)?,
                Arg::Call(c) => c.eval(scope, field)?,
            });
        }
        apply(self, vals, scope)
    }
}

// ------------------------------------------------------------------------------- parser

struct P<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> P<'a> {
    fn ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ') | Some(b'\t') | Some(b'\n') | Some(b'\r')) {
            self.i += 1;
        }
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn call(&mut self, depth: usize) -> Result<Call, String> {
        if depth > MAX_NESTING {
            return Err(format!("intrinsic functions can be nested at most {} deep", MAX_NESTING));
        }
        let start = self.i;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'.' || c == b'_') {
            self.i += 1;
        }
        let name = String::from_utf8_lossy(&self.s[start..self.i]).into_owned();
        let Some(&(_, min, max)) = FUNCTIONS.iter().find(|f| f.0 == name) else {
            let hint = closest(&name).map(|n| format!(" (did you mean {n}?)")).unwrap_or_default();
            return Err(format!("'{name}' at position {start} is not an intrinsic function{hint}"));
        };
        self.ws();
        if self.peek() != Some(b'(') {
            return Err(format!("'(' expected after {name} at position {}", self.i));
        }
        self.i += 1;
        let mut args = Vec::new();
        self.ws();
        if self.peek() == Some(b')') {
            self.i += 1;
        } else {
            loop {
                self.ws();
                args.push(self.arg(depth)?);
                self.ws();
                match self.peek() {
                    Some(b',') => self.i += 1,
                    Some(b')') => {
                        self.i += 1;
                        break;
                    }
                    _ => return Err(format!("',' or ')' expected at position {}", self.i)),
                }
            }
        }
        if args.len() < min || args.len() > max {
            let (want, n) = (arity_text(min, max), args.len());
            let s = if want.ends_with(" 1") || want == "1" { "" } else { "s" };
            let were = if n == 1 { "was" } else { "were" };
            return Err(format!("{name} takes {want} argument{s}, but {n} {were} given (at position {start})"));
        }
        if name == "States.JsonToString" && !matches!(args[0], Arg::Ref(_)) {
            return Err(format!("the argument of States.JsonToString must be a path (at position {start})"));
        }
        Ok(Call { name, args })
    }

    fn arg(&mut self, depth: usize) -> Result<Arg, String> {
        match self.peek() {
            Some(b'\'') => {
                self.i += 1;
                let mut value = Vec::new();
                let start = self.i;
                loop {
                    match self.peek() {
                        None => return Err(format!("unterminated string literal at position {}", start - 1)),
                        Some(b'\\') => {
                            let c = *self
                                .s
                                .get(self.i + 1)
                                .ok_or_else(|| format!("unterminated string literal at position {}", start - 1))?;
                            value.push(c);
                            self.i += 2;
                        }
                        Some(b'\'') => break,
                        Some(c) => {
                            value.push(c);
                            self.i += 1;
                        }
                    }
                }
                let raw = String::from_utf8_lossy(&self.s[start..self.i]).into_owned();
                self.i += 1;
                Ok(Arg::Str { value: String::from_utf8_lossy(&value).into_owned(), raw })
            }
            Some(b'$') => {
                // A reference path ends at a ',' or ')' outside brackets, parentheses and quotes.
                let start = self.i;
                let mut depth_b = 0i32;
                let mut quote: Option<u8> = None;
                while let Some(c) = self.peek() {
                    if let Some(q) = quote {
                        if c == b'\\' {
                            self.i += 1;
                        } else if c == q {
                            quote = None;
                        }
                        self.i += 1;
                        continue;
                    }
                    match c {
                        b'\'' | b'"' if depth_b > 0 => quote = Some(c),
                        b'[' | b'(' => depth_b += 1,
                        b']' => depth_b -= 1,
                        b')' if depth_b == 0 => break,
                        b')' => depth_b -= 1,
                        b',' if depth_b == 0 => break,
                        _ => {}
                    }
                    self.i += 1;
                }
                let text = std::str::from_utf8(&self.s[start..self.i]).map_err(|e| e.to_string())?.trim_end();
                Reference::parse(text).map(Arg::Ref).map_err(|e| format!("{e} (in the argument at position {start})"))
            }
            Some(c) if c == b'-' || c.is_ascii_digit() => {
                let start = self.i;
                while matches!(self.peek(), Some(c) if c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
                {
                    self.i += 1;
                }
                let t = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
                match crate::value::read::parse(t) {
                    Ok(Value::Number(n)) => Ok(Arg::Number(n)),
                    _ => Err(format!("invalid number '{t}' at position {start}")),
                }
            }
            Some(c) if c.is_ascii_alphabetic() => {
                for (kw, a) in [("true", Arg::Bool(true)), ("false", Arg::Bool(false)), ("null", Arg::Null)] {
                    if self.s[self.i..].starts_with(kw.as_bytes())
                        && !matches!(self.s.get(self.i + kw.len()), Some(c) if c.is_ascii_alphanumeric() || *c == b'.')
                    {
                        self.i += kw.len();
                        return Ok(a);
                    }
                }
                self.call(depth + 1).map(|c| Arg::Call(Box::new(c)))
            }
            _ => Err(format!("argument expected at position {}", self.i)),
        }
    }
}

fn arity_text(min: usize, max: usize) -> String {
    if min == max {
        min.to_string()
    } else if max == usize::MAX {
        format!("at least {}", min)
    } else {
        format!("{} to {}", min, max)
    }
}

// ------------------------------------------------------------------------------- helpers

fn fail(name: &str, detail: impl AsRef<str>) -> Failure {
    failure(Field::Intrinsic, Fault::WrongType, &Args { field: name, detail: detail.as_ref(), ..Args::default() })
}

/// AWS's name for a JSON value's type in messages.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn want_str<'v>(name: &str, v: &'v Value, what: &str) -> Result<&'v str, Failure> {
    v.as_str().ok_or_else(|| fail(name, format!("{} must be a string, but was {}", what, type_name(v))))
}

fn want_array<'v>(name: &str, v: &'v Value, what: &str) -> Result<&'v Vec<Value>, Failure> {
    v.as_array().ok_or_else(|| fail(name, format!("{} must be an array, but was {}", what, type_name(v))))
}

/// An integer argument: integral JSON numbers (including `3.0`).
fn want_int(name: &str, v: &Value, what: &str) -> Result<i64, Failure> {
    match v {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                return Ok(i);
            }
            match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
                _ => Err(fail(name, format!("{} must be an integer, but was {}", what, n))),
            }
        }
        other => Err(fail(name, format!("{} must be an integer, but was {}", what, type_name(other)))),
    }
}

/// Java's `Math.round`: half up, toward positive infinity.
fn java_round(f: f64) -> i64 {
    (f + 0.5).floor() as i64
}

fn want_rounded(name: &str, v: &Value, what: &str) -> Result<i64, Failure> {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => Ok(i),
            None => Ok(java_round(n.as_f64().unwrap_or(0.0))),
        },
        other => Err(fail(name, format!("{} must be a number, but was {}", what, type_name(other)))),
    }
}

/// How States.Format prints a value: strings bare, containers like Java's `toString`.
pub fn format_value(v: &Value) -> String {
    crate::dataflow::jsonpath::java_text(v)
}

fn json_eq(a: &Value, b: &Value) -> bool {
    crate::dataflow::jsonpath::deep_eq(a, b, |x, y| match (x.as_i64(), y.as_i64()) {
        (Some(p), Some(q)) => p == q,
        _ => x.as_f64() == y.as_f64(),
    })
}

fn random_u32(scope: &mut dyn Scope) -> u32 {
    let r = scope.random();
    let r = if (0.0..1.0).contains(&r) { r } else { 0.0 };
    (r * 4_294_967_296.0) as u32
}

/// A version 4 UUID from four draws of the scope's generator.
pub fn uuid_v4(scope: &mut dyn Scope) -> String {
    let mut b = [0u8; 16];
    for k in 0..4 {
        b[k * 4..k * 4 + 4].copy_from_slice(&random_u32(scope).to_be_bytes());
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = digest::hex(&b);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// java.util.Random, for States.MathRandom with a seed.
struct JavaRandom(u64);

impl JavaRandom {
    fn new(seed: i64) -> JavaRandom {
        JavaRandom((seed as u64 ^ 0x5DEECE66D) & ((1 << 48) - 1))
    }
    fn next(&mut self, bits: u32) -> i32 {
        self.0 = (self.0.wrapping_mul(0x5DEECE66D).wrapping_add(0xB)) & ((1 << 48) - 1);
        (self.0 >> (48 - bits)) as i32
    }
    fn next_int(&mut self, bound: i32) -> i32 {
        if bound & (-bound) == bound {
            return ((bound as i64 * self.next(31) as i64) >> 31) as i32;
        }
        loop {
            let bits = self.next(31);
            let val = bits % bound;
            if bits.wrapping_sub(val).wrapping_add(bound - 1) >= 0 {
                return val;
            }
        }
    }
}

fn int_value(i: i64) -> Value {
    Value::Number(Number::from(i))
}

/// The States.Format template: `{}` placeholders, `\{` `\}` `\\` `\'` escapes.
fn format_template(name: &str, template: &str, args: &[Value]) -> Result<String, Failure> {
    let mut out = String::new();
    let mut next = 0usize;
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) => out.push(e),
                None => out.push('\\'),
            },
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                let v = args.get(next).ok_or_else(|| {
                    fail(name, format!("the template has more placeholders than the {} arguments given", args.len()))
                })?;
                out.push_str(&format_value(v));
                next += 1;
            }
            c => out.push(c),
        }
    }
    if next != args.len() {
        return Err(fail(
            name,
            format!("the template has {} placeholders but {} arguments were given", next, args.len()),
        ));
    }
    Ok(out)
}

// ------------------------------------------------------------------------------- evaluation

fn apply(call: &Call, args: Vec<Value>, scope: &mut dyn Scope) -> Result<Value, Failure> {
    let name = call.name.as_str();
    match name {
        "States.Format" => {
            let template = match (&call.args[0], &args[0]) {
                (Arg::Str { raw, .. }, _) => raw.clone(),
                // A template read from the input has no escapes: its backslashes are literal.
                (_, v) => want_str(name, v, "the format string")?.replace('\\', "\\\\"),
            };
            format_template(name, &template, &args[1..]).map(|x| Value::String(x.into()))
        }
        "States.StringToJson" => {
            let s = want_str(name, &args[0], "the argument")?;
            if s.trim().is_empty() {
                return Ok(Value::Null);
            }
            crate::value::read::parse(s)
                .map(|v| match v {
                    // Jackson reads -0 as the integer 0.
                    Value::Number(n) if n.as_f64() == Some(0.0) && n.is_f64() && s.trim() == "-0" => int_value(0),
                    v => v,
                })
                .map_err(|_| fail(name, format!("the string '{}' is not valid JSON", s)))
        }
        "States.JsonToString" => Ok(Value::String(crate::value::to_string(&args[0]).into())),
        "States.Array" => Ok(Value::Array(args.into())),
        "States.ArrayPartition" => {
            let a = want_array(name, &args[0], "the first argument")?;
            let n = want_int(name, &args[1], "the chunk size")?;
            if n <= 0 {
                return Err(fail(name, "the chunk size must be greater than 0"));
            }
            Ok(Value::Array(a.chunks(n as usize).map(|c| Value::Array(c.to_vec().into())).collect::<Vec<_>>().into()))
        }
        "States.ArrayContains" => {
            let a = want_array(name, &args[0], "the first argument")?;
            Ok(Value::Bool(a.iter().any(|x| json_eq(x, &args[1]))))
        }
        "States.ArrayRange" => {
            let first = want_int(name, &args[0], "the start")?;
            let last = want_int(name, &args[1], "the end")?;
            let step = want_int(name, &args[2], "the step")?;
            if step == 0 {
                return Err(fail(name, "the step must not be 0"));
            }
            // (last - first) / step + 1 in 64 bits: None stands for 2^64 (the whole i64 range
            // by ±1), which 128-bit arithmetic and its printing would cost to represent.
            let count = if (step > 0 && first > last) || (step < 0 && first < last) {
                Some(0)
            } else {
                (last.abs_diff(first) / step.unsigned_abs()).checked_add(1)
            };
            let count = match count {
                Some(c) if c <= MAX_RANGE_ITEMS as u64 => c,
                _ => {
                    let n = count.map_or_else(|| "18446744073709551616".to_string(), |c| c.to_string());
                    return Err(fail(
                        name,
                        format!("the range has {} items, more than the {} allowed", n, MAX_RANGE_ITEMS),
                    ));
                }
            };
            Ok(Value::Array((0..count as i64).map(|k| int_value(first + k * step)).collect()))
        }
        "States.ArrayGetItem" => {
            let a = want_array(name, &args[0], "the first argument")?;
            let i = want_int(name, &args[1], "the index")?;
            if i < 0 || i as usize >= a.len() {
                return Err(fail(name, format!("the index {} is out of bounds for an array of length {}", i, a.len())));
            }
            Ok(a[i as usize].clone())
        }
        "States.ArrayLength" => Ok(int_value(want_array(name, &args[0], "the argument")?.len() as i64)),
        "States.ArrayUnique" => {
            let a = want_array(name, &args[0], "the argument")?;
            // equal values have the same canonical text (integers beyond 2^53 compare as doubles there)
            let keys: Vec<String> = a.iter().map(crate::jsonata::canonical_json).collect();
            let first = crate::support::sort::firsts(&keys);
            Ok(Value::Array(a.iter().zip(first).filter(|(_, f)| *f).map(|(x, _)| x.clone()).collect()))
        }
        "States.Base64Encode" => {
            let s = want_str(name, &args[0], "the argument")?;
            if s.chars().count() > MAX_STRING_CHARS {
                return Err(fail(name, format!("the input must be at most {} characters", MAX_STRING_CHARS)));
            }
            Ok(Value::String(digest::base64_encode(s.as_bytes()).into()))
        }
        "States.Base64Decode" => {
            let s = want_str(name, &args[0], "the argument")?;
            if s.chars().count() > MAX_STRING_CHARS {
                return Err(fail(name, format!("the input must be at most {} characters", MAX_STRING_CHARS)));
            }
            let bytes = digest::base64_decode(s).ok_or_else(|| fail(name, "the input is not valid Base64"))?;
            Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned().into()))
        }
        "States.Hash" => {
            let data = match &args[0] {
                Value::String(s) => s.to_string(),
                Value::Null => return Err(fail(name, "the data to hash must not be null")),
                other => crate::value::to_string(other),
            };
            if data.chars().count() > MAX_STRING_CHARS {
                return Err(fail(name, format!("the input must be at most {} characters", MAX_STRING_CHARS)));
            }
            let alg = want_str(name, &args[1], "the algorithm")?;
            match digest::hash_hex(alg, data.as_bytes()) {
                Some(h) => Ok(Value::String(h.into())),
                None => Err(fail(
                    name,
                    format!("the hash algorithm '{}' is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512", alg),
                )),
            }
        }
        "States.JsonMerge" => {
            let a = args[0].as_object().ok_or_else(|| {
                fail(name, format!("the first argument must be an object, but was {}", type_name(&args[0])))
            })?;
            let b = args[1].as_object().ok_or_else(|| {
                fail(name, format!("the second argument must be an object, but was {}", type_name(&args[1])))
            })?;
            let deep = args[2].as_bool().ok_or_else(|| {
                fail(name, format!("the third argument must be a boolean, but was {}", type_name(&args[2])))
            })?;
            if deep {
                // AWS documents only the shallow mode: the flag must be false.
                return Err(fail(name, "the deep merge mode is not supported; the third argument must be false"));
            }
            let mut merged = a.clone();
            for (k, v) in b {
                merged.insert(k.clone(), v.clone());
            }
            // AWS returns the merged object in Java HashMap order (recorded: merging
            // {a,b,d} with {a,c,d} gives {a,b,c,d}).
            let entries: Vec<(Key, Value)> = merged.into_iter().collect();
            let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
            let order = crate::dataflow::java::java_hashmap_order(&keys);
            let mut out = crate::value::Map::new();
            for i in order {
                out.insert(entries[i].0.clone(), entries[i].1.clone());
            }
            Ok(Value::Object(out))
        }
        "States.MathRandom" => {
            let start = want_rounded(name, &args[0], "the start")?;
            let end = want_rounded(name, &args[1], "the end")?;
            if end <= start {
                return Err(fail(name, "the end must be greater than the start"));
            }
            let span = end as i128 - start as i128;
            if span > i32::MAX as i128 {
                return Err(fail(name, "the range is too large"));
            }
            let v = match args.get(2) {
                Some(seed) => {
                    let seed = want_rounded(name, seed, "the seed")?;
                    start + JavaRandom::new(seed).next_int(span as i32) as i64
                }
                None => {
                    let r = scope.random();
                    let r = if (0.0..1.0).contains(&r) { r } else { 0.0 };
                    start + (r * span as f64).floor() as i64
                }
            };
            Ok(int_value(v))
        }
        "States.MathAdd" => {
            let a = want_rounded(name, &args[0], "the first argument")?;
            let b = want_rounded(name, &args[1], "the second argument")?;
            let lim = |x: i64| x >= i32::MIN as i64 && x <= i32::MAX as i64;
            if !lim(a) || !lim(b) {
                return Err(fail(name, "the arguments must be between -2147483648 and 2147483647"));
            }
            Ok(int_value(a + b))
        }
        "States.StringSplit" => {
            let s = want_str(name, &args[0], "the first argument")?;
            let d = want_str(name, &args[1], "the delimiter")?;
            let parts: Vec<Value> = if d.is_empty() {
                vec![Value::String(s.to_string().into())]
            } else {
                s.split(|c: char| d.contains(c))
                    .filter(|p| !p.is_empty())
                    .map(|p| Value::String(p.to_string().into()))
                    .collect()
            };
            Ok(Value::Array(parts.into()))
        }
        "States.UUID" => Ok(Value::String(uuid_v4(scope).into())),
        // (The parser knows every name.)
        other => Err(fail(other, "unknown intrinsic function")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataflow::scope::SimpleScope;
    use crate::json;

    fn ev(expr: &str, input: Value) -> Result<Value, Failure> {
        let mut s = SimpleScope::new(input, json!({"Execution": {"Name": "exec"}}));
        Call::parse(expr).unwrap().eval(&mut s, "x.$")
    }

    #[test]
    fn parsing() {
        let c = Call::parse("States.Format('a\\'b{}', $.x, 1, -2.5, true, null, States.Array())").unwrap();
        assert_eq!(c.args.len(), 7);
        assert_eq!(c.args[0], Arg::Str { value: "a'b{}".into(), raw: "a\\'b{}".into() });
        assert!(matches!(c.args[6], Arg::Call(_)));
        assert!(Call::parse("States.Nope()").is_err());
        assert!(Call::parse("States.UUID(1)").is_err());
        assert!(Call::parse("States.Array(1").is_err());
        assert!(Call::parse("States.Array(1) x").is_err());
        assert!(Call::parse("States.JsonToString('x')").is_err());
        let c = Call::parse("States.Array($.a[?(@.b == 'x,y')], $$.c)").unwrap();
        assert_eq!(c.args.len(), 2);
    }

    #[test]
    fn parse_errors_say_why_and_where() {
        assert_eq!(closest("States.Formatt"), Some("States.Format"));
        assert_eq!(closest("states.arraylength"), Some("States.ArrayLength"));
        assert_eq!(closest("MathAdd"), Some("States.MathAdd"));
        assert_eq!(closest("States.Frobnicate"), None);
        assert_eq!(edits(b"kitten", b"sitting"), 3);
        let e = Call::parse("States.Array(States.Lenght($.a))").unwrap_err();
        assert_eq!(e, "'States.Lenght' at position 13 is not an intrinsic function");
        let e = Call::parse("States.ArrayGetItem(States.ArayLength($.a))").unwrap_err();
        assert!(e.contains("position 20") && e.ends_with("(did you mean States.ArrayLength?)"), "{e}");
        let e = Call::parse("States.MathRandom(1)").unwrap_err();
        assert_eq!(e, "States.MathRandom takes 2 to 3 arguments, but 1 was given (at position 0)");
        // Argument types are known at run time only, literal or not.
        assert!(Call::parse("States.MathAdd(1, true)").is_ok());
        assert!(Call::parse("States.MathAdd($.a, States.ArrayLength($.b))").is_ok());
        assert!(Call::parse("States.Hash(null, 'MD5')").is_ok());
        let e = Call::parse("States.Format('{}', $.a[?(@.b ==)]").unwrap_err();
        assert!(e.ends_with("(in the argument at position 20)"), "{e}");
    }

    #[test]
    fn format_and_json() {
        assert_eq!(
            ev("States.Format('{} and {}', $.a, $.b)", json!({"a": 1.5, "b": {"k": [1, "s"]}})).unwrap(),
            json!("1.5 and {k=[1, s]}")
        );
        assert_eq!(ev("States.Format('\\{\\} {}', 'x')", json!({})).unwrap(), json!("{} x"));
        assert_eq!(ev("States.Format('{}', null)", json!({})).unwrap(), json!("null"));
        assert_eq!(ev("States.Format('{} {}', 1)", json!({})).unwrap_err().error, "States.IntrinsicFailure");
        assert_eq!(ev("States.JsonToString($.a)", json!({"a": {"x": [1, 2.5]}})).unwrap(), json!("{\"x\":[1,2.5]}"));
        assert_eq!(ev("States.StringToJson($.s)", json!({"s": "{\"a\": [1]}"})).unwrap(), json!({"a": [1]}));
        assert_eq!(ev("States.StringToJson(' ')", json!({})).unwrap(), Value::Null);
    }

    #[test]
    fn arrays() {
        assert_eq!(
            ev("States.ArrayPartition(States.Array(1,2,3,4,5), 2)", json!({})).unwrap(),
            json!([[1, 2], [3, 4], [5]])
        );
        assert_eq!(ev("States.ArrayRange(1, 9, 2)", json!({})).unwrap(), json!([1, 3, 5, 7, 9]));
        assert_eq!(ev("States.ArrayRange(5, 1, -2)", json!({})).unwrap(), json!([5, 3, 1]));
        assert_eq!(ev("States.ArrayRange(1, 2, -1)", json!({})).unwrap(), json!([]));
        assert!(ev("States.ArrayRange(1, 1001, 1)", json!({})).is_err());
        let extreme = json!({"lo": i64::MIN, "hi": i64::MAX});
        assert!(ev("States.ArrayRange($.lo, $.hi, 1)", extreme.clone())
            .unwrap_err()
            .cause
            .contains("has 18446744073709551616 items"));
        assert!(ev("States.ArrayRange($.hi, $.lo, -1)", extreme.clone())
            .unwrap_err()
            .cause
            .contains("has 18446744073709551616 items"));
        assert!(ev("States.ArrayRange($.lo, $.hi, 2)", extreme.clone())
            .unwrap_err()
            .cause
            .contains("has 9223372036854775808 items"));
        assert!(ev("States.ArrayRange(1, 1001, 1)", json!({}))
            .unwrap_err()
            .cause
            .contains("has 1001 items, more than the 1000 allowed"));
        assert!(ev("States.MathRandom($.lo, $.hi)", extreme.clone()).is_err());
        assert!(ev("States.MathAdd($.lo, $.hi)", extreme).is_err());
        assert_eq!(ev("States.ArrayRange(1, 1000, 1)", json!({})).unwrap().as_array().unwrap().len(), 1000);
        assert_eq!(ev("States.ArrayGetItem($.a, 1)", json!({"a": [1, 2]})).unwrap(), json!(2));
        assert!(ev("States.ArrayGetItem($.a, 2)", json!({"a": [1, 2]})).is_err());
        assert_eq!(
            ev("States.ArrayUnique($.a)", json!({"a": [1, 1.0, 2, {"a": 1}, {"a": 1}]})).unwrap(),
            json!([1, 2, {"a": 1}])
        );
        assert_eq!(ev("States.ArrayContains($.a, $.b)", json!({"a": [[1, 2]], "b": [1, 2]})).unwrap(), json!(true));
        assert_eq!(ev("States.ArrayLength($.a)", json!({"a": []})).unwrap(), json!(0));
    }

    #[test]
    fn math_and_strings() {
        assert_eq!(ev("States.MathAdd(-1.5, 0)", json!({})).unwrap(), json!(-1));
        assert_eq!(ev("States.MathAdd(2.5, -0.5)", json!({})).unwrap(), json!(3));
        assert_eq!(ev("States.StringSplit('a.b+c,,d', '.+,')", json!({})).unwrap(), json!(["a", "b", "c", "d"]));
        let r = ev("States.MathRandom(10, 20)", json!({})).unwrap().as_i64().unwrap();
        assert!((10..20).contains(&r));
        let a = ev("States.MathRandom(0, 1000, 7)", json!({})).unwrap();
        assert_eq!(a, ev("States.MathRandom(0, 1000, 7)", json!({})).unwrap());
        let u = ev("States.UUID()", json!({})).unwrap();
        let u = u.as_str().unwrap();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn encodings_and_hashes() {
        assert_eq!(ev("States.Base64Encode('Data to encode')", json!({})).unwrap(), json!("RGF0YSB0byBlbmNvZGU="));
        assert_eq!(ev("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", json!({})).unwrap(), json!("Data to encode"));
        assert_eq!(ev("States.Base64Decode(States.Base64Encode('ab'))", json!({})).unwrap(), json!("ab"));
        assert!(ev("States.Base64Decode('%%%')", json!({})).is_err());
        // Digests are in the full build only.
        if cfg!(feature = "extras") {
            assert_eq!(ev("States.Hash('abc', 'MD5')", json!({})).unwrap(), json!("900150983cd24fb0d6963f7d28e17f72"));
            assert_eq!(
                ev("States.Hash('abc', 'SHA-1')", json!({})).unwrap(),
                json!("a9993e364706816aba3e25717850c26c9cd0d89d")
            );
            assert_eq!(
                ev("States.Hash('abc', 'SHA-256')", json!({})).unwrap(),
                json!("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
            );
            assert_eq!(
                ev("States.Hash('abc', 'SHA-384')", json!({})).unwrap(),
                json!(
                    "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
                )
            );
            assert!(ev("States.Hash('abc', 'SHA-3')", json!({})).is_err());
        }
    }

    #[test]
    fn json_merge() {
        let input = json!({"a": {"x": {"p": 1}, "y": 1}, "b": {"x": {"q": 2}, "z": 3}});
        assert_eq!(
            ev("States.JsonMerge($.a, $.b, false)", input.clone()).unwrap(),
            json!({"x": {"q": 2}, "y": 1, "z": 3})
        );
        let out = ev(
            "States.JsonMerge($.p, $.q, false)",
            json!({"p": {"a": 1, "b": 2, "d": 3}, "q": {"a": 0, "c": 3, "d": 4}}),
        )
        .unwrap();
        let keys: Vec<&str> = out.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c", "d"]);
        assert_eq!(ev("States.JsonMerge($.a, $.b, true)", input.clone()).unwrap_err().error, "States.IntrinsicFailure");
        assert_eq!(
            ev("States.JsonMerge($.a, $.a.y, false)", input.clone()).unwrap_err().error,
            "States.IntrinsicFailure"
        );
        assert_eq!(ev("States.JsonMerge($.a, 1, false)", input).unwrap_err().error, "States.IntrinsicFailure");
    }

    #[test]
    fn missing_reference_in_argument() {
        let e = ev("States.Format('{}', $.nope)", json!({"a": 1})).unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(
            e.cause,
            "The JSONPath '$.nope' specified for the field 'x.$' could not be found in the input '{\"a\":1}'"
        );
    }
}
