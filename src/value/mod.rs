//! JSON values: the tree every payload, definition and event detail is made of.
//!
//! Objects keep their keys in insertion order (AWS prints them so) and are shared: cloning an
//! object is a reference-count increment, and a change to a shared object copies its entries
//! first (copy on write). Workflows copy their input into their output all the time (`"in.$":
//! "$"`, `ResultPath`, Map items, Parallel branches), so a copy must not cost a walk of the
//! tree. The entries are an [`OrdMap`]: small objects are searched linearly, larger ones
//! through a table of positions.
//!
//! The text forms (compact and pretty) are those of `serde_json`, which the recorded AWS
//! outputs and the tests were written against: integers as integers, floats with their
//! shortest digits (`100.0`, `1e+21`), and only `"`, `\` and control characters escaped.

mod intern;
pub mod num;
pub mod read;
mod write;

pub use intern::{key_head_and_slot, Interner};
pub use write::{
    compact_prefix, measure, text_bound, text_longer_than, to_string, to_string_pretty, write_compact, write_pretty,
    write_string, Pretty,
};

use crate::support::ordmap::OrdMap;
use std::fmt;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// A JSON value.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(Str),
    Array(Array),
    Object(Map),
}

// ------------------------------------------------------------------ shared strings and arrays

/// A string payload, shared by every copy of the value: a text copied from state to state,
/// into a Map's items and into the history is one allocation.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Str(Rc<str>);

impl Str {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The shared text itself (JSONata's strings are the same kind).
    pub fn as_rc(&self) -> &Rc<str> {
        &self.0
    }
}

impl std::ops::Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        Str(s.into())
    }
}
impl From<&str> for Str {
    fn from(s: &str) -> Str {
        Str(s.into())
    }
}
impl From<&String> for Str {
    fn from(s: &String) -> Str {
        Str(s.as_str().into())
    }
}
impl From<Rc<str>> for Str {
    fn from(s: Rc<str>) -> Str {
        Str(s)
    }
}
impl From<Str> for String {
    fn from(s: Str) -> String {
        s.0.to_string()
    }
}
impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}
impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}
impl PartialEq<String> for Str {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}
impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}
impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An array payload, shared by every copy of the value and copied on write: a Map whose
/// every item carries the same list (`"all.$": "$"`) holds the list once. Like an object, it
/// remembers its [`measure`] until changed.
#[derive(Clone, Default)]
pub struct Array(Rc<Items>);

#[derive(Default)]
struct Items {
    vec: Vec<Value>,
    /// [`measure`] once computed (length and depth packed), 0 before: the items are only
    /// changed through `DerefMut`, which forgets it.
    measured: AtomicU64,
}

impl Clone for Items {
    fn clone(&self) -> Items {
        Items { vec: self.vec.clone(), measured: AtomicU64::new(self.measured.load(Relaxed)) }
    }
}

impl PartialEq for Array {
    fn eq(&self, other: &Array) -> bool {
        Rc::ptr_eq(&self.0, &other.0) || self.0.vec == other.0.vec
    }
}

impl Array {
    pub fn new() -> Array {
        Array::default()
    }
    /// The elements, copied only when another value shares them.
    pub fn into_vec(self) -> Vec<Value> {
        Rc::try_unwrap(self.0).map_or_else(|rc| rc.vec.clone(), |items| items.vec)
    }
}

impl std::ops::Deref for Array {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.0.vec
    }
}

/// Changing an array copies its elements first if another value shares them, and forgets
/// its measure.
impl std::ops::DerefMut for Array {
    fn deref_mut(&mut self) -> &mut Vec<Value> {
        let items = Rc::make_mut(&mut self.0);
        *items.measured.get_mut() = 0;
        &mut items.vec
    }
}

impl From<Vec<Value>> for Array {
    fn from(vec: Vec<Value>) -> Array {
        Array(Rc::new(Items { vec, measured: AtomicU64::new(0) }))
    }
}
impl FromIterator<Value> for Array {
    fn from_iter<I: IntoIterator<Item = Value>>(items: I) -> Array {
        Array::from(items.into_iter().collect::<Vec<_>>())
    }
}
impl IntoIterator for Array {
    type Item = Value;
    type IntoIter = std::vec::IntoIter<Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}
impl<'a> IntoIterator for &'a Array {
    type Item = &'a Value;
    type IntoIter = std::slice::Iter<'a, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.vec.iter()
    }
}
impl fmt::Debug for Array {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0.vec, f)
    }
}

// ------------------------------------------------------------------ numbers

/// A JSON number: an integer (as read or computed) or a finite float. An integer and a float
/// with the same value are different numbers (`1` and `1.0` print differently).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number(N);

#[derive(Clone, Copy, Debug, PartialEq)]
enum N {
    /// Zero or more.
    PosInt(u64),
    /// Less than zero.
    NegInt(i64),
    /// Finite.
    Float(f64),
}

impl Number {
    /// `None` for NaN and the infinities, which JSON cannot write.
    pub fn from_f64(f: f64) -> Option<Number> {
        f.is_finite().then_some(Number(N::Float(f)))
    }
    pub fn as_f64(&self) -> Option<f64> {
        Some(match self.0 {
            N::PosInt(u) => u as f64,
            N::NegInt(i) => i as f64,
            N::Float(f) => f,
        })
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self.0 {
            N::PosInt(u) => i64::try_from(u).ok(),
            N::NegInt(i) => Some(i),
            N::Float(_) => None,
        }
    }
    pub fn as_u64(&self) -> Option<u64> {
        match self.0 {
            N::PosInt(u) => Some(u),
            _ => None,
        }
    }
    pub fn is_i64(&self) -> bool {
        self.as_i64().is_some()
    }
    pub fn is_u64(&self) -> bool {
        matches!(self.0, N::PosInt(_))
    }
    pub fn is_f64(&self) -> bool {
        matches!(self.0, N::Float(_))
    }
}

impl From<u64> for Number {
    fn from(u: u64) -> Number {
        Number(N::PosInt(u))
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Number {
        Number(if i < 0 { N::NegInt(i) } else { N::PosInt(i as u64) })
    }
}

macro_rules! number_from {
    ($($t:ty => $via:ty),*) => {$(
        impl From<$t> for Number {
            fn from(x: $t) -> Number {
                Number::from(x as $via)
            }
        }
        impl From<$t> for Value {
            fn from(x: $t) -> Value {
                Value::Number(Number::from(x as $via))
            }
        }
    )*};
}
number_from!(u8 => u64, u16 => u64, u32 => u64, usize => u64, i8 => i64, i16 => i64, i32 => i64, isize => i64);

impl From<u64> for Value {
    fn from(u: u64) -> Value {
        Value::Number(Number::from(u))
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Number(Number::from(i))
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&to_string(&Value::Number(*self)))
    }
}

// ------------------------------------------------------------------ objects

/// An object's key: shared text, so that copying an object's entries (copy on write) or a
/// template's keys into each output copies a pointer, not the text.
#[derive(Clone, PartialEq, Eq)]
pub struct Key(Rc<str>);

impl Key {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The same shared text (not merely equal text).
    pub fn ptr_eq(a: &Key, b: &Key) -> bool {
        Rc::ptr_eq(&a.0, &b.0)
    }
}

impl std::ops::Deref for Key {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Key {
        Key(Rc::from(s))
    }
}

impl From<String> for Key {
    fn from(s: String) -> Key {
        Key(Rc::from(s))
    }
}

impl From<&String> for Key {
    fn from(s: &String) -> Key {
        Key(Rc::from(s.as_str()))
    }
}

impl PartialEq<str> for Key {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

/// A JSON object: keys in insertion order, shared until changed.
#[derive(Clone, Default)]
pub struct Map(Rc<Entries>);

#[derive(Default)]
struct Entries {
    map: OrdMap<Value, Key>,
    /// [`measure`] of the object once computed (bound and depth packed), 0 before: entries are only changed
    /// through [`Map::entries_mut`], which forgets it. (An atomic rather than a `Cell` keeps
    /// values unwind-safe; nothing here is shared between threads.)
    bound: AtomicU64,
}

impl Clone for Entries {
    fn clone(&self) -> Entries {
        Entries { map: self.map.clone(), bound: AtomicU64::new(self.bound.load(Relaxed)) }
    }
}

impl Map {
    /// The entries, to change them: copied first if shared.
    fn entries_mut(&mut self) -> &mut OrdMap<Value, Key> {
        let entries = Rc::make_mut(&mut self.0);
        *entries.bound.get_mut() = 0;
        &mut entries.map
    }
    pub fn new() -> Map {
        Map::default()
    }
    /// An object of these entries, in this order; no key may be there twice.
    pub fn from_distinct(entries: Vec<(Key, Value)>) -> Map {
        Map(Rc::new(Entries { map: OrdMap::from_distinct(entries), ..Entries::default() }))
    }
    pub fn len(&self) -> usize {
        self.0.map.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.map.is_empty()
    }
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.map.get(key)
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.0.map.contains_key(key)
    }
    /// Where `key` is in the order of the keys.
    pub fn position(&self, key: &str) -> Option<usize> {
        self.0.map.position(key)
    }
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.0.map.position(key)?;
        self.entries_mut().get_mut(key)
    }
    /// Set `key`; a key already there keeps its place. The value it had, if any.
    pub fn insert(&mut self, key: Key, value: Value) -> Option<Value> {
        self.entries_mut().insert(key, value)
    }
    /// The value at `key`, inserted with `make` first if the key is not there.
    pub fn get_or_insert_with(&mut self, key: &str, make: impl FnOnce() -> Value) -> &mut Value {
        self.entries_mut().get_or_insert_with(key, make)
    }
    /// Take `key` out; the keys after it keep their order.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.0.map.position(key)?;
        self.entries_mut().remove(key)
    }
    pub fn iter(&self) -> Iter<'_> {
        self.0.map.iter()
    }
    pub fn iter_mut(&mut self) -> IterMut<'_> {
        self.entries_mut().iter_mut()
    }
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Key> + ExactSizeIterator {
        self.0.map.keys()
    }
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.0.map.values()
    }
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.entries_mut().values_mut()
    }
    /// The same entries (not merely equal ones): a cheap test before a deep comparison.
    pub fn ptr_eq(a: &Map, b: &Map) -> bool {
        Rc::ptr_eq(&a.0, &b.0)
    }
}

/// Equal when they have the same keys with equal values, in whatever order.
impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        Map::ptr_eq(self, other) || (self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v)))
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl std::ops::Index<&str> for Map {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or_else(|| panic!("no key '{key}' in the object"))
    }
}

pub type Iter<'a> = crate::support::ordmap::Iter<'a, Value, Key>;
pub type IterMut<'a> = crate::support::ordmap::IterMut<'a, Value, Key>;

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a Key, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Map {
    type Item = (&'a Key, &'a mut Value);
    type IntoIter = IterMut<'a>;
    fn into_iter(self) -> IterMut<'a> {
        self.iter_mut()
    }
}

impl IntoIterator for Map {
    type Item = (Key, Value);
    type IntoIter = std::vec::IntoIter<(Key, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        Rc::unwrap_or_clone(self.0).map.into_iter()
    }
}

impl<K: Into<Key>> FromIterator<(K, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(items: I) -> Map {
        let mut m = Map::new();
        m.extend(items);
        m
    }
}

impl<K: Into<Key>> Extend<(K, Value)> for Map {
    fn extend<I: IntoIterator<Item = (K, Value)>>(&mut self, items: I) {
        for (k, v) in items {
            self.insert(k.into(), v);
        }
    }
}

// ------------------------------------------------------------------ values

impl Value {
    /// Where a string's, an array's or an object's payload lives, and how many values share
    /// it: a writer that meets the same payload twice may write it once.
    pub fn payload(&self) -> Option<(usize, usize)> {
        match self {
            Value::String(s) => Some((Rc::as_ptr(&s.0) as *const u8 as usize, Rc::strong_count(&s.0))),
            Value::Array(a) => Some((Rc::as_ptr(&a.0) as usize, Rc::strong_count(&a.0))),
            Value::Object(m) => Some((Rc::as_ptr(&m.0) as usize, Rc::strong_count(&m.0))),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(a) => Some(&mut *a),
            _ => None,
        }
    }
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    pub fn is_boolean(&self) -> bool {
        matches!(self, Value::Bool(_))
    }
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }
    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }
    pub fn is_f64(&self) -> bool {
        matches!(self, Value::Number(n) if n.is_f64())
    }
    pub fn is_i64(&self) -> bool {
        matches!(self, Value::Number(n) if n.is_i64())
    }
    pub fn is_u64(&self) -> bool {
        matches!(self, Value::Number(n) if n.is_u64())
    }
    /// A member of an object (a `&str` key) or an element of an array (a `usize`).
    pub fn get<I: Lookup>(&self, at: I) -> Option<&Value> {
        at.lookup(self)
    }
    pub fn get_mut<I: Lookup>(&mut self, at: I) -> Option<&mut Value> {
        at.lookup_mut(self)
    }
    /// The value at a JSON Pointer (RFC 6901): "" is the value itself.
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        let mut at = self;
        for token in pointer_tokens(pointer)? {
            at = match at {
                Value::Object(m) => m.get(&token)?,
                Value::Array(a) => a.get(array_position(&token)?)?,
                _ => return None,
            };
        }
        Some(at)
    }
    pub fn pointer_mut(&mut self, pointer: &str) -> Option<&mut Value> {
        let mut at = self;
        for token in pointer_tokens(pointer)? {
            at = match at {
                Value::Object(m) => m.get_mut(&token)?,
                Value::Array(a) => a.get_mut(array_position(&token)?)?,
                _ => return None,
            };
        }
        Some(at)
    }
    /// The value, leaving `null` in its place.
    pub fn take(&mut self) -> Value {
        std::mem::take(self)
    }
}

/// The reference tokens of a JSON Pointer, unescaped; `None` when it is not one.
fn pointer_tokens(pointer: &str) -> Option<impl Iterator<Item = String> + '_> {
    let rest = if pointer.is_empty() { None } else { Some(pointer.strip_prefix('/')?) };
    Some(rest.into_iter().flat_map(|r| r.split('/')).map(|t| t.replace("~1", "/").replace("~0", "~")))
}

/// An array position in a JSON Pointer: digits, without leading zeros.
fn array_position(token: &str) -> Option<usize> {
    if token.len() > 1 && token.starts_with('0') {
        return None;
    }
    token.parse().ok()
}

/// What indexes a [`Value`]: an object key or an array position.
pub trait Lookup {
    fn lookup<'v>(&self, v: &'v Value) -> Option<&'v Value>;
    fn lookup_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value>;
}

impl Lookup for usize {
    fn lookup<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        v.as_array()?.get(*self)
    }
    fn lookup_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        v.as_array_mut()?.get_mut(*self)
    }
}

impl Lookup for str {
    fn lookup<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        v.as_object()?.get(self)
    }
    fn lookup_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        v.as_object_mut()?.get_mut(self)
    }
}

impl Lookup for String {
    fn lookup<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        self.as_str().lookup(v)
    }
    fn lookup_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        self.as_str().lookup_mut(v)
    }
}

impl<T: Lookup + ?Sized> Lookup for &T {
    fn lookup<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        (**self).lookup(v)
    }
    fn lookup_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        (**self).lookup_mut(v)
    }
}

/// `v["key"]` and `v[0]`: `null` when there is no such member or element.
impl<I: Lookup> std::ops::Index<I> for Value {
    type Output = Value;
    fn index(&self, at: I) -> &Value {
        at.lookup(self).unwrap_or(&Value::Null)
    }
}

/// `v["key"] = ...` makes `null` an object and adds a missing key; other values panic, as
/// there is no member to set.
impl std::ops::IndexMut<&str> for Value {
    fn index_mut(&mut self, key: &str) -> &mut Value {
        if self.is_null() {
            *self = Value::Object(Map::new());
        }
        match self {
            Value::Object(m) => m.get_or_insert_with(key, || Value::Null),
            other => panic!("cannot set the key '{key}' of {}", kind(other)),
        }
    }
}

impl std::ops::IndexMut<usize> for Value {
    fn index_mut(&mut self, i: usize) -> &mut Value {
        match self {
            Value::Array(a) => {
                let n = a.len();
                a.get_mut(i).unwrap_or_else(|| panic!("index {i} out of an array of {n}"))
            }
            other => panic!("cannot index {} with {i}", kind(other)),
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
/// `null` for NaN and the infinities.
impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}
impl From<f32> for Value {
    fn from(f: f32) -> Value {
        Value::from(f as f64)
    }
}
impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::Number(n)
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s.into())
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string().into())
    }
}
impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Object(m)
    }
}
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Value {
        Value::Array(items.into_iter().map(Into::into).collect())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(x: Option<T>) -> Value {
        x.map_or(Value::Null, Into::into)
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, s: &str) -> bool {
        self.as_str() == Some(s)
    }
}
impl PartialEq<&str> for Value {
    fn eq(&self, s: &&str) -> bool {
        self.as_str() == Some(*s)
    }
}
impl PartialEq<String> for Value {
    fn eq(&self, s: &String) -> bool {
        self.as_str() == Some(s.as_str())
    }
}
impl PartialEq<bool> for Value {
    fn eq(&self, b: &bool) -> bool {
        self.as_bool() == Some(*b)
    }
}
impl PartialEq<i64> for Value {
    fn eq(&self, i: &i64) -> bool {
        self.as_i64() == Some(*i)
    }
}
impl PartialEq<i32> for Value {
    fn eq(&self, i: &i32) -> bool {
        self.as_i64() == Some(*i as i64)
    }
}
impl PartialEq<u64> for Value {
    fn eq(&self, u: &u64) -> bool {
        self.as_u64() == Some(*u)
    }
}
impl PartialEq<f64> for Value {
    fn eq(&self, f: &f64) -> bool {
        self.as_f64() == Some(*f)
    }
}

/// What `json!` accepts in a value position, taken by reference (the macro never moves).
pub trait ToJson {
    fn to_json(&self) -> Value;
}

impl ToJson for Value {
    fn to_json(&self) -> Value {
        self.clone()
    }
}
impl ToJson for Map {
    fn to_json(&self) -> Value {
        Value::Object(self.clone())
    }
}
impl ToJson for str {
    fn to_json(&self) -> Value {
        Value::String(self.to_string().into())
    }
}
impl ToJson for String {
    fn to_json(&self) -> Value {
        Value::String(self.clone().into())
    }
}
impl ToJson for bool {
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
}
impl ToJson for f64 {
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
}
impl ToJson for Number {
    fn to_json(&self) -> Value {
        Value::Number(*self)
    }
}
macro_rules! to_json_int {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn to_json(&self) -> Value {
                Value::from(*self)
            }
        }
    )*};
}
to_json_int!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl<T: ToJson + ?Sized> ToJson for &T {
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}
impl<T: ToJson + ?Sized> ToJson for Rc<T> {
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}
impl<T: ToJson + ?Sized> ToJson for Box<T> {
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}
impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToJson::to_json)
    }
}
impl<T: ToJson> ToJson for [T] {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(ToJson::to_json).collect())
    }
}
impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Value {
        self.as_slice().to_json()
    }
}

/// For `json!`: the value of an expression, by reference.
pub fn to_value<T: ToJson + ?Sized>(x: &T) -> Value {
    x.to_json()
}

/// A JSON value written as JSON: `json!({"a": [1, x, null], "b": {"c": y}})`. Keys are
/// expressions that a `String` can be made from; other values are expressions of a type
/// that [`ToJson`] knows, taken by reference.
#[macro_export]
macro_rules! json {
    (null) => { $crate::value::Value::Null };
    ([]) => { $crate::value::Value::Array(::std::vec::Vec::new().into()) };
    ([ $($tt:tt)+ ]) => { $crate::value::Value::Array($crate::json_items!([] () $($tt)+).into()) };
    ({}) => { $crate::value::Value::Object($crate::value::Map::new()) };
    ({ $($tt:tt)+ }) => {{
        let mut object = $crate::value::Map::new();
        $crate::json_members!(object () $($tt)+);
        $crate::value::Value::Object(object)
    }};
    ($e:expr) => { $crate::value::to_value(&$e) };
}

/// `json!`'s array elements: tokens gathered up to each comma at the top level.
#[doc(hidden)]
#[macro_export]
macro_rules! json_items {
    ([$($done:expr,)*] ()) => { ::std::vec![$($done),*] };
    ([$($done:expr,)*] ($($item:tt)+)) => { ::std::vec![$($done,)* $crate::json!($($item)+)] };
    ([$($done:expr,)*] ($($item:tt)+) , $($rest:tt)*) => {
        $crate::json_items!([$($done,)* $crate::json!($($item)+),] () $($rest)*)
    };
    ([$($done:expr,)*] ($($item:tt)*) $next:tt $($rest:tt)*) => {
        $crate::json_items!([$($done,)*] ($($item)* $next) $($rest)*)
    };
}

/// `json!`'s object members: a key's tokens up to `:`, then the value's up to `,`.
#[doc(hidden)]
#[macro_export]
macro_rules! json_members {
    ($object:ident ()) => {};
    ($object:ident ($($key:tt)+) : $($rest:tt)*) => { $crate::json_members!(@value $object ($($key)+) () $($rest)*) };
    ($object:ident ($($key:tt)*) $next:tt $($rest:tt)*) => { $crate::json_members!($object ($($key)* $next) $($rest)*) };
    (@value $object:ident ($($key:tt)+) ($($v:tt)+) , $($rest:tt)*) => {
        $object.insert($crate::value::Key::from($($key)+), $crate::json!($($v)+));
        $crate::json_members!($object () $($rest)*);
    };
    (@value $object:ident ($($key:tt)+) ($($v:tt)+)) => {
        $object.insert($crate::value::Key::from($($key)+), $crate::json!($($v)+));
    };
    (@value $object:ident ($($key:tt)+) ($($v:tt)*) $next:tt $($rest:tt)*) => {
        $crate::json_members!(@value $object ($($key)+) ($($v)* $next) $($rest)*)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interner_shares_keys_of_the_same_text_only() {
        let mut keys = Interner::default();
        let names: Vec<String> = (0..500)
            .map(|i| format!("name{}", i % 20))
            .chain(["".into(), "a\0".into(), "a".into(), "abcdefgh1".into(), "abcdefgh2".into()])
            .collect();
        let made: Vec<Key> = names.iter().map(|n| keys.key(n)).collect();
        for (n, k) in names.iter().zip(&made) {
            assert_eq!(k.as_str(), n);
        }
        // The keys seen last are shared; a key pushed out of the table is made again.
        assert!(Key::ptr_eq(&keys.key("abcdefgh2"), &made[504]));
        assert!(!Key::ptr_eq(&keys.key("a"), &keys.key("a\0")));
        let shared = (1..names.len())
            .filter(|&i| {
                names[..i].contains(&names[i])
                    && names[..i].iter().zip(&made).any(|(n, k)| n == &names[i] && Key::ptr_eq(k, &made[i]))
            })
            .count();
        assert!(shared > 240, "{shared} of 480 repeated keys shared");
        // Parsed documents share them (after their first few keys, which a small document
        // does not repeat).
        let v = crate::value::read::parse(&format!("[{}]", [r#"{"id": 1, "name": "x"}"#; 10].join(","))).unwrap();
        let ks: Vec<&Key> =
            v.as_array().unwrap().iter().map(|o| o.as_object().unwrap().keys().next().unwrap()).collect();
        assert!(Key::ptr_eq(ks[8], ks[9]));
    }

    #[test]
    fn text_forms() {
        let v = json!({"a": [1, -2, 1.5, 100.0, null, true], "b": {}, "c": [], "s": "q\"\\\n\u{1}é/"});
        assert_eq!(to_string(&v), r#"{"a":[1,-2,1.5,100.0,null,true],"b":{},"c":[],"s":"q\"\\\n\u0001é/"}"#);
        assert_eq!(
            to_string_pretty(&json!({"a": [1, {"b": 2}], "e": {}})),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": 2\n    }\n  ],\n  \"e\": {}\n}"
        );
        assert_eq!(to_string(&json!(1e21)), "1e+21");
        assert_eq!(to_string(&json!(u64::MAX)), "18446744073709551615");
        assert_eq!(to_string(&json!(i64::MIN)), "-9223372036854775808");
    }

    #[test]
    fn text_longer_than_agrees_with_the_text_at_every_limit() {
        let values = [
            json!(null),
            json!([]),
            json!({}),
            json!([1, 2.5, -0.0, 1e21, true, "x"]),
            json!({"a\"\u{1}é\u{2028}": [{"": null}, "tab\tquote\"", {"n": [[], {}]}], "b": 18446744073709551615u64}),
        ];
        for v in &values {
            let n = to_string(v).len();
            assert_eq!(text_bound(v), n, "{v}");
            for limit in 0..n + 3 {
                assert_eq!(text_longer_than(v, limit), n > limit, "{v} at {limit}");
                let prefix = compact_prefix(v, limit);
                assert!(to_string(v).starts_with(&prefix), "{v} at {limit}: {prefix}");
                assert!(prefix.len() == n || prefix.len() > limit, "{v} at {limit}: {prefix}");
            }
        }
    }

    #[test]
    fn arrays_remember_their_length_until_changed() {
        let mut a = json!([1, "a\"b", [2.5, null], {"k\n": false}]);
        let n = to_string(&a).len();
        assert_eq!(measure(&a), (n, 2));
        assert_eq!(measure(&a), (n, 2));
        let shared = a.clone();
        a.as_array_mut().unwrap().push(json!([[-7]]));
        assert_eq!(measure(&a), (to_string(&a).len(), 3));
        assert_eq!(measure(&shared), (n, 2));
        a[4][0][0] = json!("\u{1}");
        assert_eq!(measure(&a), (to_string(&a).len(), 3));
    }

    #[test]
    fn compact_prefix_writes_no_more_than_it_keeps() {
        // 1,000 references to one 10 KB string: 10 MB of text, of which 25 KB are written.
        let part = Value::String("x".repeat(10_000).into());
        let v = Value::Array(vec![part; 1_000].into());
        let p = compact_prefix(&v, 20_000);
        assert!(p.len() > 20_000 && p.len() < 40_000, "{}", p.len());
    }

    #[test]
    fn measure_gives_the_depth_and_objects_remember_it_until_changed() {
        assert_eq!(measure(&json!(1)).1, 0);
        assert_eq!(measure(&json!([])).1, 1);
        assert_eq!(measure(&json!({"a": [1, {"b": [[]]}], "c": 2})).1, 5);
        let mut deep = json!(0);
        for _ in 0..600 {
            let mut m = Map::new();
            m.insert("a".into(), deep);
            deep = Value::Object(m);
        }
        assert_eq!(measure(&deep).1, 600);
        // Remembered: the same answer from the object's cache.
        assert_eq!(measure(&deep), measure(&deep));
        let Value::Object(mut top) = deep else { unreachable!() };
        top.insert("a".into(), json!([[1]]));
        assert_eq!(measure(&Value::Object(top.clone())).1, 3);
        assert!(measure(&Value::Object(top)).0 >= 10);
    }

    #[test]
    fn objects_keep_order_share_and_copy_on_write() {
        let mut a = Map::new();
        for i in (0..40).rev() {
            a.insert(format!("k{i}").into(), json!(i));
        }
        assert_eq!(a.keys().next().map(|k| k.as_str()), Some("k39"));
        assert_eq!(a.get("k7"), Some(&json!(7)));
        assert_eq!(a.insert("k7".into(), json!("x")), Some(json!(7)));
        assert_eq!(a.keys().nth(32).map(|k| k.as_str()), Some("k7"));
        let b = a.clone();
        assert!(Map::ptr_eq(&a, &b));
        a.remove("k39");
        assert_eq!((a.len(), b.len()), (39, 40));
        assert_eq!(a.get("k0"), Some(&json!(0)));
        let (before, shared) = (text_bound(&Value::Object(a.clone())), text_bound(&Value::Object(b.clone())));
        assert!(
            before >= to_string(&Value::Object(a.clone())).len()
                && shared >= to_string(&Value::Object(b.clone())).len()
        );
        a.insert("long".into(), json!("x".repeat(100)));
        assert_eq!(text_bound(&Value::Object(a.clone())), before + 110);
        assert_eq!(text_bound(&Value::Object(b.clone())), shared);
        assert!(a.get("k39").is_none() && b.get("k39").is_some());
        let mut c: Map = b.iter().rev().map(|(k, v)| (k.clone(), v.clone())).collect();
        assert_eq!(c, b);
        c.insert("new".into(), json!(null));
        assert_ne!(c, b);
    }

    #[test]
    fn numbers_keep_their_kind() {
        assert_ne!(json!(1), json!(1.0));
        assert_eq!(json!(-0).as_u64(), Some(0));
        assert_eq!(json!(f64::NAN), Value::Null);
        assert!(json!(2.5).is_f64() && json!(3).is_u64() && json!(-3).is_i64());
    }

    #[test]
    fn index_and_pointer() {
        let mut v = json!({"a": [{"b~/": 1}]});
        assert_eq!(v["a"][0]["b~/"], json!(1));
        assert_eq!(v["missing"][3], Value::Null);
        assert_eq!(v.pointer("/a/0/b~0~1"), Some(&json!(1)));
        v["c"] = json!("x");
        assert_eq!(v.get("c").and_then(Value::as_str), Some("x"));
    }
}
