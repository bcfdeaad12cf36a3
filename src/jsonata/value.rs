//! The runtime value type of the evaluator: JSON plus `undefined`, functions and the
//! sequence flags jsonata-js keeps on its arrays.

use std::rc::Rc;

use super::ast::Node;
use super::env::Env;
use super::functions::Builtin;
use super::regex::Regex;

/// An object's entries, in insertion order.
pub type ObjMap = crate::support::ordmap::OrdMap<Value>;

/// Array flags (jsonata-js stores these as hidden properties on its arrays).
pub const SEQ: u8 = 1;
pub const KEEP: u8 = 2;
pub const OUTER: u8 = 4;
pub const CONS: u8 = 8;
pub const TUPLES: u8 = 16;
/// A list `functions::append_into` is building (never seen outside it).
pub const ACC: u8 = 32;

#[derive(Clone, Debug)]
pub struct Arr {
    pub items: Vec<Value>,
    pub flags: u8,
}

/// An object's entries (a newtype so that dropping deep structures is iterative).
#[derive(Clone, Debug, Default)]
pub struct Obj(pub ObjMap);

impl std::ops::Deref for Obj {
    type Target = ObjMap;
    fn deref(&self) -> &ObjMap {
        &self.0
    }
}

impl std::ops::DerefMut for Obj {
    fn deref_mut(&mut self) -> &mut ObjMap {
        &mut self.0
    }
}

/// Move the children of uniquely-owned containers onto an explicit stack, so that
/// dropping a deeply nested value does not recurse (and cannot overflow the stack).
fn drop_iteratively(mut stack: Vec<Value>) {
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(rc) => {
                if let Ok(mut arr) = Rc::try_unwrap(rc) {
                    stack.append(&mut arr.items);
                }
            }
            Value::Object(rc) => {
                if let Ok(mut obj) = Rc::try_unwrap(rc) {
                    stack.extend(obj.0.take_values());
                }
            }
            _ => {}
        }
    }
}

impl Drop for Arr {
    fn drop(&mut self) {
        if self.items.iter().any(|v| matches!(v, Value::Array(_) | Value::Object(_))) {
            drop_iteratively(std::mem::take(&mut self.items));
        }
    }
}

impl Drop for Obj {
    fn drop(&mut self) {
        if self.0.values().any(|v| matches!(v, Value::Array(_) | Value::Object(_))) {
            drop_iteratively(self.0.take_values().collect());
        }
    }
}

#[derive(Clone, Debug, Default)]
pub enum Value {
    #[default]
    Undefined,
    Null,
    Bool(bool),
    Num(f64),
    Str(Rc<str>),
    Array(Rc<Arr>),
    Object(Rc<Obj>),
    Func(Rc<Func>),
}

/// Every kind of callable value.
pub enum Func {
    Lambda {
        params: Vec<String>,
        body: Rc<Node>,
        env: Rc<Env>,
        input: Value,
        signature: Option<Rc<super::signature::Signature>>,
        thunk: bool,
    },
    Builtin(&'static Builtin),
    /// Partial application: `None` marks a `?` placeholder.
    Partial {
        func: Value,
        args: Vec<Option<Value>>,
    },
    /// `f ~> g` where both are functions.
    Chain(Value, Value),
    Regex(Rc<Regex>),
    /// A transform expression `| pattern | update, delete |`.
    Transform {
        node: Rc<Node>,
        env: Rc<Env>,
    },
}

impl std::fmt::Debug for Func {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<function>")
    }
}

thread_local! {
    /// Bytes of the values built (by the constructors below) that no evaluation has been
    /// charged for yet: [`take_built`] moves them into the evaluation's budget at its next
    /// step. A counter, not a cache: evaluations stay deterministic.
    static BUILT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The memory a value built stands for in the step budget: a step per this many bytes
/// (10 million steps: about 124 MiB of values an evaluation).
pub const BYTES_PER_STEP: u64 = 13;

/// Count `bytes` of a value (or a frame, a function) just built.
pub fn built(bytes: usize) {
    BUILT.with(|b| b.set(b.get() + bytes as u64));
}

/// The steps the values built since the last call stand for (the bytes short of a step stay).
pub fn take_built() -> u64 {
    BUILT.with(|b| {
        let n = b.get();
        b.set(n % BYTES_PER_STEP);
        n / BYTES_PER_STEP
    })
}

/// What a list of `n` items takes (its reference counts, header and items, and the
/// allocator's own share of its two allocations).
pub const fn list_bytes(n: usize) -> usize {
    n.saturating_mul(std::mem::size_of::<Value>()).saturating_add(80)
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::string(s.into())
    }
    pub fn string(s: String) -> Value {
        built(32 + s.len());
        Value::Str(Rc::from(s))
    }
    pub fn array(items: Vec<Value>) -> Value {
        Value::array_flags(items, 0)
    }
    pub fn seq(items: Vec<Value>) -> Value {
        Value::array_flags(items, SEQ)
    }
    pub fn array_flags(items: Vec<Value>, flags: u8) -> Value {
        built(list_bytes(items.capacity()));
        Value::Array(Rc::new(Arr { items, flags }))
    }
    pub fn object(m: ObjMap) -> Value {
        // an entry: its key's header (its text was counted as the value it came from), its
        // value and its place in the index
        built(128 + m.len() * 96);
        Value::Object(Rc::new(Obj(m)))
    }
    pub fn is_undef(&self) -> bool {
        matches!(self, Value::Undefined)
    }
    pub fn is_func(&self) -> bool {
        matches!(self, Value::Func(_))
    }
    pub fn flags(&self) -> u8 {
        match self {
            Value::Array(a) => a.flags,
            _ => 0,
        }
    }
    pub fn has_flag(&self, f: u8) -> bool {
        self.flags() & f != 0
    }
    pub fn as_num(&self) -> Option<f64> {
        match self {
            Value::Num(n) => Some(*n),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn items(&self) -> &[Value] {
        match self {
            Value::Array(a) => &a.items,
            _ => &[],
        }
    }
    /// The value as a list: arrays give their items, undefined gives nothing, anything else itself.
    pub fn to_list(&self) -> Vec<Value> {
        match self {
            Value::Array(a) => a.items.clone(),
            Value::Undefined => vec![],
            v => vec![v.clone()],
        }
    }
    pub fn with_flags(self, set: u8) -> Value {
        match self {
            Value::Array(mut a) => {
                if a.flags & set != set {
                    Rc::make_mut(&mut a).flags |= set;
                }
                Value::Array(a)
            }
            v => v,
        }
    }
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Undefined => "undefined",
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Num(_) => "number",
            Value::Str(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Func(_) => "function",
        }
    }
    /// Signature symbol (see `signature.rs`).
    pub fn sig_symbol(&self) -> char {
        match self {
            Value::Undefined => 'm',
            Value::Null => 'l',
            Value::Bool(_) => 'b',
            Value::Num(_) => 'n',
            Value::Str(_) => 's',
            Value::Array(_) => 'a',
            Value::Object(_) => 'o',
            Value::Func(_) => 'f',
        }
    }
    pub fn from_json(v: &crate::value::Value) -> Value {
        if let Some(converted) = converted::get(v) {
            return converted;
        }
        match v {
            crate::value::Value::Null => Value::Null,
            crate::value::Value::Bool(b) => Value::Bool(*b),
            crate::value::Value::Number(n) => Value::Num(n.as_f64().unwrap_or(0.0)),
            crate::value::Value::String(s) => Value::Str(s.as_rc().clone()),
            // the input is not counted as built: its size is the payload's
            crate::value::Value::Array(a) => {
                let out = Value::Array(Rc::new(Arr { items: a.iter().map(Value::from_json).collect(), flags: 0 }));
                converted::keep(v, &out);
                out
            }
            crate::value::Value::Object(o) => {
                let mut m = ObjMap::with_capacity(o.len());
                for (k, v) in o {
                    m.insert(k.to_string(), Value::from_json(v));
                }
                let out = Value::Object(Rc::new(Obj(m)));
                converted::keep(v, &out);
                out
            }
        }
    }
    /// Convert to JSON; `None` for undefined. Functions become `""`.
    pub fn to_json(&self) -> Result<Option<crate::value::Value>, JsonError> {
        let mut budget = MAX_JSON_SIZE;
        self.to_json_at(0, &mut budget)
    }

    /// `budget`: what is left of [`MAX_JSON_SIZE`].
    fn to_json_at(&self, depth: usize, budget: &mut usize) -> Result<Option<crate::value::Value>, JsonError> {
        let size = NODE_SIZE + if let Value::Str(s) = self { s.len() } else { 0 };
        if depth > MAX_JSON_DEPTH || *budget < size {
            return Err(JsonError::TooLarge);
        }
        *budget -= size;
        Ok(Some(match self {
            Value::Undefined => return Ok(None),
            Value::Null => crate::value::Value::Null,
            Value::Bool(b) => crate::value::Value::Bool(*b),
            Value::Num(n) => num_to_json(*n).map_err(JsonError::NonFinite)?,
            Value::Str(s) => crate::value::Value::String(s.clone().into()),
            Value::Array(a) => {
                let mut out = Vec::with_capacity(a.items.len());
                for v in &a.items {
                    if let Some(j) = v.to_json_at(depth + 1, budget)? {
                        out.push(j);
                    }
                }
                crate::value::Value::Array(out.into())
            }
            Value::Object(o) => {
                let mut m = crate::value::Map::new();
                for (k, v) in o.iter() {
                    *budget = budget.checked_sub(k.len()).ok_or(JsonError::TooLarge)?;
                    if let Some(j) = v.to_json_at(depth + 1, budget)? {
                        m.insert(k.as_str().into(), j);
                    }
                }
                crate::value::Value::Object(m)
            }
            Value::Func(_) => crate::value::Value::String(String::new().into()),
        }))
    }
}

/// Deepest value structure the recursive helpers descend into.
pub const MAX_NESTING: usize = 1000;

/// Why a value cannot be converted to JSON.
#[derive(Debug, Clone, Copy)]
pub enum JsonError {
    /// A non-finite number (D1001).
    NonFinite(f64),
    /// Too deeply nested or too large.
    TooLarge,
}

/// Deepest structure converted back to JSON.
const MAX_JSON_DEPTH: usize = 2000;
/// Largest result converted back to JSON, in bytes of its JSON text (about: a node counts
/// as [`NODE_SIZE`], plus the characters of a text or a key). A result shares the values it
/// repeats: a few megabytes of values can stand for a document exponentially larger, or a
/// text thousands of times larger (an input of 134 KB listed 1,000 times: 134 MB), which
/// whoever prints or sends the result would hold. At most 2 million nodes, 32 MiB of text;
/// the same natively and in wasm (in a state machine a result over 256 KiB fails its state
/// anyway, `States.DataLimitExceeded`).
const MAX_JSON_SIZE: usize = 32 << 20;
const NODE_SIZE: usize = 16;

pub fn num_to_json(n: f64) -> Result<crate::value::Value, f64> {
    if !n.is_finite() {
        return Err(n);
    }
    if n.fract() == 0.0 && n.abs() <= 9007199254740992.0 {
        if n == 0.0 {
            return Ok(crate::value::Value::from(0));
        }
        return Ok(crate::value::Value::from(n as i64));
    }
    Ok(crate::value::Number::from_f64(n).map(crate::value::Value::Number).unwrap_or(crate::value::Value::Null))
}

/// JavaScript's `Number.prototype.toString()` for finite and non-finite numbers.
pub fn js_num_str(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if x == 0.0 {
        return "0".into();
    }
    let (digits, n) = crate::value::num::shortest(x);
    let digits = String::from_utf8(digits).unwrap_or_default();
    let k = digits.len() as i32;
    let mut s = String::new();
    if x < 0.0 {
        s.push('-');
    }
    if k <= n && n <= 21 {
        s.push_str(&digits);
        for _ in 0..(n - k) {
            s.push('0');
        }
    } else if 0 < n && n <= 21 {
        s.push_str(&digits[..n as usize]);
        s.push('.');
        s.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        s.push_str("0.");
        for _ in 0..(-n) {
            s.push('0');
        }
        s.push_str(&digits);
    } else {
        s.push_str(&digits[..1]);
        if k > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        s.push('e');
        s.push(if n > 0 { '+' } else { '-' });
        s.push_str(&(n - 1).abs().to_string());
    }
    s
}

/// `Number(x.toPrecision(15))`, used by `$string` to hide binary noise.
pub fn precision15(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    crate::value::num::parse_f64(&crate::value::num::scientific(x, 14)).unwrap_or(x)
}

/// A text two values share exactly when [`deep_equal`] holds for them: numbers by value,
/// arrays in order, objects whatever their key order, functions by identity (down to
/// [`MAX_NESTING`] levels, as the other walks of values).
pub fn canonical(v: &Value) -> String {
    let mut out = String::new();
    canonical_at(v, &mut out, 0);
    out
}

fn canonical_at(v: &Value, out: &mut String, depth: usize) {
    let esc = super::functions::json_escape;
    match v {
        Value::Array(a) if depth < MAX_NESTING => {
            out.push('[');
            for x in &a.items {
                canonical_at(x, out, depth + 1);
                out.push(',');
            }
            out.push(']');
        }
        Value::Object(o) if depth < MAX_NESTING => {
            out.push('{');
            for (k, x) in crate::support::sort::sorted_by_key(o.iter().collect(), |e| e.0.as_str()) {
                esc(k, out);
                out.push(':');
                canonical_at(x, out, depth + 1);
                out.push(',');
            }
            out.push('}');
        }
        Value::Str(s) => esc(s, out),
        // numbers by their shortest text (-0 is "0"), functions by their address
        Value::Num(n) => out.push_str(&js_num_str(*n)),
        Value::Func(f) => out.push_str(&js_num_str(Rc::as_ptr(f) as *const u8 as usize as f64)),
        Value::Bool(b) => out.push(if *b { 't' } else { 'f' }),
        other => out.push(other.sig_symbol()),
    }
}

/// Deep equality as jsonata-js's `isDeepEqual`.
/// `visited` counts the values compared (work the evaluation is charged for).
pub fn deep_equal(a: &Value, b: &Value, visited: &mut usize) -> bool {
    deep_equal_at(a, b, 0, visited)
}

fn deep_equal_at(a: &Value, b: &Value, depth: usize, visited: &mut usize) -> bool {
    if depth > MAX_NESTING {
        return false;
    }
    *visited += 1;
    match (a, b) {
        (Value::Undefined, Value::Undefined) => true,
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Num(x), Value::Num(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            Rc::ptr_eq(x, y)
                || x.items.len() == y.items.len()
                    && x.items.iter().zip(y.items.iter()).all(|(p, q)| deep_equal_at(p, q, depth + 1, visited))
        }
        (Value::Object(x), Value::Object(y)) => {
            Rc::ptr_eq(x, y)
                || x.len() == y.len()
                    && x.iter().all(|(k, v)| y.get(k).map(|w| deep_equal_at(v, w, depth + 1, visited)).unwrap_or(false))
        }
        (Value::Func(x), Value::Func(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

/// JavaScript truthiness (used where jsonata-js relies on it, e.g. sort comparators).
pub fn js_truthy(v: &Value) -> bool {
    match v {
        Value::Undefined | Value::Null => false,
        Value::Bool(b) => *b,
        Value::Num(n) => *n != 0.0 && !n.is_nan(),
        Value::Str(s) => !s.is_empty(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn number_strings() {
        assert_eq!(js_num_str(1.0), "1");
        assert_eq!(js_num_str(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(js_num_str(1e21), "1e+21");
        assert_eq!(js_num_str(1e-7), "1e-7");
        assert_eq!(js_num_str(123456.789), "123456.789");
        assert_eq!(js_num_str(-0.000001), "-0.000001");
        assert_eq!(precision15(0.1 + 0.2), 0.3);
    }
}

/// Large payloads converted lately, kept with their source. Every
/// evaluation converts its bindings, and a payload many evaluations share (a Map's input,
/// which each item's JSONata `ItemSelector` reads as `$states.input`) would be converted
/// once per item: quadratic in the items. A source is known by where its payload lives;
/// holding it keeps that place from being reused by another value while it is here, and
/// a shared payload is not changed in place (a change copies it), so a hit is the same value.
mod converted {
    use super::Value;
    use crate::value::Value as Json;
    use std::cell::RefCell;

    /// Containers with fewer items are converted again (cheaper than remembering them).
    const LARGE: usize = 64;
    /// How many are kept: the last ones converted.
    const KEPT: usize = 4;

    thread_local! {
        static KEPT_VALUES: RefCell<Vec<(Json, Value)>> = const { RefCell::new(Vec::new()) };
    }

    fn large(v: &Json) -> bool {
        match v {
            Json::Array(a) => a.len() >= LARGE,
            Json::Object(o) => o.len() >= LARGE,
            _ => false,
        }
    }

    pub(super) fn get(v: &Json) -> Option<Value> {
        if !large(v) {
            return None;
        }
        let at = v.payload()?.0;
        KEPT_VALUES
            .with(|k| k.borrow().iter().find(|(s, _)| s.payload().is_some_and(|p| p.0 == at)).map(|(_, c)| c.clone()))
    }

    pub(super) fn keep(v: &Json, converted: &Value) {
        if !large(v) {
            return;
        }
        KEPT_VALUES.with(|k| {
            let mut k = k.borrow_mut();
            if k.len() == KEPT {
                k.remove(0);
            }
            k.push((v.clone(), converted.clone()));
        });
    }
}
