//! The tape: how results cross from the engine to JS. Values are written straight from the
//! engine's records as 32-bit words, floats and the text of every string, which
//! `src/wasm/decode.js` turns into the JS values `JSON.parse` would give (see [`Out`]). This
//! module is plain Rust, built and tested natively; `bindings.rs` hands the tape to JS.

use crate::exec::analysis::critical_path;
use crate::exec::events::{Event, Field};
use crate::exec::{Execution, Lanes, Span, Status};
use crate::support::ordmap::OrdMap;
use crate::value::{Key, Value};
use std::rc::Rc;

/// Values for JS written straight from the engine's records as a tape that `src/wasm/decode.js`
/// turns into JS objects: 32-bit words (tags, small integers, string places), the other
/// numbers, and the text of every string, decoded by JS at once. Results run to megabytes (a
/// Map of 1,000 iterations); neither JSON text nor building objects call by call from Rust
/// comes close: writing and parsing text took a third of a Parallel's `simulate`.
///
/// Tape: `END` (u32::MAX), `NULL` `FALSE` `TRUE`, `INT n` (an i32), `FLOAT i` (`floats[i]`),
/// `STR at len` (the UTF-16 place of the text in all strings' text), `ARR value* END`,
/// `OBJ (key value)* END`, `KEEP value`, `REF i`. A key is its id: ids count up from 0 in the
/// order keys first appear, and a new id is followed by the key's `at len`. JS keeps each
/// key's string by id, so it makes (and V8 internalises) a key's string once, not once per
/// object.
///
/// Payloads the engine shares ([`Value::payload`]: a Map's items that all carry the input,
/// the output of one state that is the input of the next) cross once: the first time such a
/// string, array or object is written it is marked `KEEP` and JS keeps what it decodes, in
/// order; each later time it is `REF i`, the i-th kept value (the same JS object: treat
/// results as read-only). A run whose 25,000 events carry one 100 KB text crosses 100 KB, not
/// 2.5 GB. An `Out` made with [`Out::continuing`] goes on from the kept values of another,
/// for a caller that decodes each tape with the same list (a live session's batches).
pub struct Out {
    words: Vec<u32>,
    floats: Vec<f64>,
    /// Every string's UTF-8 bytes, one after the other.
    text: Vec<u8>,
    /// The length of `text` in UTF-16 code units: where the next string starts for JS.
    utf16: u32,
    /// Keys seen last, by a slot their text picks (`key_id`): (first 8 bytes, byte length,
    /// id, byte start in `text`). A key missed here is looked up in `ids`.
    keys: Vec<(u64, u32, u32, u32)>,
    /// Every key written: its id and byte start in `text`.
    ids: OrdMap<(u32, u32)>,
    next_key: u32,
    /// Object keys of values seen, by a slot their address picks, with their id: the same
    /// shared key (`Key`, which a definition's templates and a parsed document share) is
    /// found again without reading its text. Holding the key keeps its address its own.
    /// Empty for the first keys (a small result costs no table).
    shared: Vec<Option<(Key, u32)>>,
    value_keys: usize,
    kept: Kept,
}

/// Shared payloads written, by address: the value (held, so the address stays its own) and
/// its place among the kept values. Open addressing, linear probing, at most half full.
#[derive(Default)]
pub struct Kept {
    slots: Vec<Option<(usize, Value, u32)>>,
    len: u32,
}

/// Strings shorter than this are written again: cheaper than keeping them.
const KEEP_TEXT: usize = 32;

impl Kept {
    fn slot(&self, addr: usize) -> usize {
        // Payloads are at least 8-byte aligned; Fibonacci hashing spreads the rest.
        ((addr >> 3).wrapping_mul(0x9E37_79B9_7F4A_7C15_u64 as usize) >> 7) & (self.slots.len() - 1)
    }
    fn get(&self, addr: usize) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mut i = self.slot(addr);
        loop {
            match &self.slots[i] {
                None => return None,
                Some((a, _, n)) if *a == addr => return Some(*n),
                _ => i = (i + 1) & (self.slots.len() - 1),
            }
        }
    }
    /// Keep `v` (at `addr`, not kept yet); its place.
    fn insert(&mut self, addr: usize, v: &Value) -> u32 {
        if (self.len as usize + 1) * 2 > self.slots.len() {
            let size = (self.slots.len() * 2).max(64);
            let old = std::mem::replace(&mut self.slots, vec![None; size]);
            for (a, v, n) in old.into_iter().flatten() {
                let mut i = self.slot(a);
                while self.slots[i].is_some() {
                    i = (i + 1) & (self.slots.len() - 1);
                }
                self.slots[i] = Some((a, v, n));
            }
        }
        let mut i = self.slot(addr);
        while self.slots[i].is_some() {
            i = (i + 1) & (self.slots.len() - 1);
        }
        let n = self.len;
        self.slots[i] = Some((addr, v.clone(), n));
        self.len += 1;
        n
    }
}

const KEY_SLOTS: usize = 64;

/// Not a tag: never the place of a key, which may be 0.
const END: u32 = u32::MAX;
const NULL: u32 = 1;
const FALSE: u32 = 2;
const TRUE: u32 = 3;
const INT: u32 = 4;
const FLOAT: u32 = 5;
const STR: u32 = 6;
const ARR: u32 = 7;
const OBJ: u32 = 8;
const KEEP: u32 = 9;
const REF: u32 = 10;

impl Default for Out {
    fn default() -> Out {
        Out::new()
    }
}

impl Out {
    pub fn new() -> Out {
        Out {
            words: Vec::new(),
            floats: Vec::new(),
            text: Vec::new(),
            utf16: 0,
            keys: vec![(0, 0, u32::MAX, 0); KEY_SLOTS],
            ids: OrdMap::new(),
            next_key: 0,
            shared: Vec::new(),
            value_keys: 0,
            kept: Kept::default(),
        }
    }
    /// A new tape that goes on from the values `kept` by earlier ones (see [`Out::kept`]):
    /// for a reader that decodes it with the list it kept from those.
    pub fn continuing(kept: Kept) -> Out {
        Out { kept, ..Out::new() }
    }
    /// The shared values this tape and those it continued kept.
    pub fn kept(self) -> Kept {
        self.kept
    }
    /// Where the text of `s` will be for JS: its UTF-16 start and length.
    fn place(&mut self, s: &str) {
        let n = if s.is_ascii() { s.len() } else { s.encode_utf16().count() } as u32;
        self.words.extend_from_slice(&[self.utf16, n]);
        self.text.extend_from_slice(s.as_bytes());
        self.utf16 += n;
    }
    pub fn obj(&mut self) -> &mut Self {
        self.words.push(OBJ);
        self
    }
    pub fn arr(&mut self) -> &mut Self {
        self.words.push(ARR);
        self
    }
    /// Close the innermost object or array.
    pub fn end(&mut self) -> &mut Self {
        self.words.push(END);
        self
    }
    /// An object's key; its value comes next.
    pub fn key(&mut self, k: &str) -> &mut Self {
        self.key_id(k);
        self
    }
    /// Write key `k` (its id, and its text if it is new); its id.
    fn key_id(&mut self, k: &str) -> u32 {
        // The first eight bytes and the length pick a slot and, for most keys (eight bytes or
        // fewer), are the whole comparison; a longer key's text is compared as well. A key
        // not in its slot is looked up among all the keys written (`ids`): two keys taking
        // turns in one slot (an event's `ms` and `lane`) cost a lookup, not new ids.
        let b = k.as_bytes();
        let (head, slot) = crate::value::key_head_and_slot(k, KEY_SLOTS);
        let (h, len, id, at) = self.keys[slot];
        if id != u32::MAX
            && h == head
            && len as usize == b.len()
            && (b.len() <= 8 || self.text.get(at as usize..at as usize + b.len()) == Some(b))
        {
            self.words.push(id);
            return id;
        }
        let (id, at) = match self.ids.get(k) {
            Some(&(id, at)) => {
                self.words.push(id);
                (id, at)
            }
            None => {
                let (id, at) = (self.next_key, self.text.len() as u32);
                self.next_key += 1;
                self.ids.insert(k.into(), (id, at));
                self.words.push(id);
                self.place(k);
                (id, at)
            }
        };
        self.keys[slot] = (head, b.len() as u32, id, at);
        id
    }
    /// An object key of a value: found by its address when it was seen before.
    fn value_key(&mut self, k: &Key) -> &mut Self {
        if self.shared.is_empty() {
            if self.value_keys < 16 {
                self.value_keys += 1;
                self.key_id(k);
                return self;
            }
            self.shared = vec![None; KEY_SLOTS];
        }
        let slot = (k.as_str().as_ptr() as usize >> 3) % KEY_SLOTS;
        match &self.shared[slot] {
            Some((seen, id)) if Key::ptr_eq(seen, k) => {
                let id = *id;
                self.words.push(id);
            }
            _ => {
                let id = self.key_id(k);
                self.shared[slot] = Some((k.clone(), id));
            }
        }
        self
    }
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.words.push(STR);
        self.place(s);
        self
    }
    pub fn null(&mut self) -> &mut Self {
        self.words.push(NULL);
        self
    }
    pub fn bool(&mut self, b: bool) -> &mut Self {
        self.words.push(if b { TRUE } else { FALSE });
        self
    }
    pub fn int(&mut self, n: i64) -> &mut Self {
        match i32::try_from(n) {
            Ok(i) => self.words.extend_from_slice(&[INT, i as u32]),
            Err(_) => self.float(n as f64),
        }
        self
    }
    fn float(&mut self, f: f64) {
        self.words.extend_from_slice(&[FLOAT, self.floats.len() as u32]);
        self.floats.push(f);
    }
    pub fn json(&mut self, v: &Value) -> &mut Self {
        self.json_held(v, false)
    }
    /// A value the engine holds behind an `Rc` (events' and spans' payloads), which may
    /// share it with others: the `Rc` is the value's holder then, not its payload's.
    pub fn shared_json(&mut self, v: &Rc<Value>) -> &mut Self {
        self.json_held(v, Rc::strong_count(v) > 1)
    }
    /// `v`, written once if it is shared (`held_elsewhere`: by the holder of `v`).
    fn json_held(&mut self, v: &Value, held_elsewhere: bool) -> &mut Self {
        if let Some((addr, holders)) = v.payload() {
            if let Some(n) = self.kept.get(addr) {
                self.words.extend_from_slice(&[REF, n]);
                return self;
            }
            let worth = (holders > 1 || held_elsewhere)
                && match v {
                    Value::String(s) => s.len() >= KEEP_TEXT,
                    Value::Array(a) => !a.is_empty(),
                    Value::Object(m) => !m.is_empty(),
                    _ => false,
                };
            if worth {
                self.kept.insert(addr, v);
                self.words.push(KEEP);
            }
        }
        match v {
            Value::Null => self.null(),
            Value::Bool(b) => self.bool(*b),
            Value::Number(n) => {
                match n.as_i64() {
                    Some(i) => {
                        self.int(i);
                    }
                    // Floats, and integers above i64 (as JSON.parse reads their digits).
                    None => self.float(n.as_f64().unwrap_or(0.0)),
                }
                self
            }
            Value::String(s) => self.str(s),
            Value::Array(a) => {
                self.arr();
                for x in a {
                    self.json(x);
                }
                self.end()
            }
            Value::Object(m) => {
                self.obj();
                for (k, x) in m.iter() {
                    self.value_key(k).json(x);
                }
                self.end()
            }
        }
    }
    pub fn list<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Out, &T)) -> &mut Self {
        self.arr();
        for item in items {
            each(self, item);
        }
        self.end()
    }
    /// The tape: its words, its floats and the UTF-8 text of all its strings.
    pub fn parts(&self) -> (&[u32], &[f64], &[u8]) {
        (&self.words, &self.floats, &self.text)
    }
}

/// `{id, previousEventId, timestamp, type, ms, lane, state?, <xxx>EventDetails?}`: the CLI's
/// `Event::to_json` fields in its order, with `ms`, `lane` (an id) and `state` after `type`.
/// `stamp` remembers the last timestamp formatted: events come in time order, many at once.
pub fn write_event(o: &mut Out, e: &Event, start: i64, stamp: &mut (i64, String)) {
    if stamp.1.is_empty() || stamp.0 != e.timestamp {
        *stamp = (e.timestamp, crate::support::time::format_millis(e.timestamp));
    }
    o.obj();
    o.key("id").int(e.id as i64).key("previousEventId").int(e.previous_event_id as i64);
    o.key("timestamp").str(&stamp.1).key("type").str(e.kind.name());
    o.key("ms").int(e.timestamp - start).key("lane").int(e.lane as i64);
    if let Some(s) = &e.state {
        o.key("state").str(s);
    }
    if let Some(fields) = &e.fields {
        o.key(e.kind.details_key(&mut [0; 40])).obj();
        for (k, v) in fields {
            o.key(k);
            match v {
                // A long text the engine shares (a Task's `Resource`, in each of a retry
                // storm's events) crosses once, as a shared string value does.
                Field::Str(s) if s.len() >= KEEP_TEXT && Rc::strong_count(s) > 1 => {
                    o.json(&Value::String(s.clone().into()))
                }
                Field::Str(s) => o.str(s),
                Field::Int(n) => o.int(*n),
                Field::Json(v) => o.shared_json(v),
                Field::NotTruncated => o.obj().key("truncated").bool(false).end(),
                Field::Elided => o.obj().key("truncated").bool(true).end(),
            };
        }
        o.end();
    }
    o.end();
}

/// `timing`: (on the critical path, slack in ms), for the spans of a finished execution.
pub fn write_span(o: &mut Out, id: usize, s: &Span, start: i64, timing: Option<(bool, i64)>) {
    let opt = |o: &mut Out, v: Option<u32>| {
        match v {
            Some(n) => o.int(n as i64),
            None => o.null(),
        };
    };
    o.obj().key("id").int(id as i64).key("lane").int(s.lane as i64).key("parent");
    opt(o, s.parent);
    o.key("index");
    opt(o, s.index);
    o.key("state").str(&s.state).key("kind").str(s.kind.name());
    o.key("startMs").int(s.start - start).key("endMs");
    match s.end {
        Some(e) => o.int(e - start),
        None => o.null(),
    };
    o.key("status").str(s.status.name());
    // A value left out of the history (`Options::history_bytes`): `<name>Elided: true`.
    if let Some(v) = &s.input {
        o.key("input").shared_json(v);
    } else if s.input_elided {
        o.key("inputElided").bool(true);
    }
    if let Some(v) = &s.output {
        o.key("output").shared_json(v);
    } else if s.output_elided {
        o.key("outputElided").bool(true);
    }
    if let Some(f) = &s.error {
        o.key("error").str(&f.error);
        if s.cause_elided {
            o.key("causeElided").bool(true);
        } else {
            o.key("cause").str(&f.cause);
        }
    }
    if let Some((critical, slack)) = timing {
        o.key("critical").bool(critical).key("slackMs").int(slack);
    }
    if !s.steps.is_empty() {
        o.key("steps").list(&s.steps, |o, (step, v)| {
            o.obj().key("step").str(step);
            match v {
                Some(v) => o.key("value").shared_json(v),
                None => o.key("elided").bool(true),
            };
            o.end();
        });
    }
    o.end();
}

/// Every span; with the critical path and slack once the execution has ended, if asked for.
pub fn write_spans(o: &mut Out, exec: &Execution, timing: bool) {
    let start = exec.options().start_time;
    let timings = if timing && exec.is_done() { critical_path(exec.spans(), exec.now()) } else { Vec::new() };
    o.arr();
    for (i, s) in exec.spans().iter().enumerate() {
        write_span(o, i, s, start, timings.get(i).map(|t| (t.critical, t.slack_ms)));
    }
    o.end();
}

/// Every lane: `{parent, state, index, label}` (`parent` a lane id; all but `label` null for
/// the top level), by id.
pub fn write_lanes(o: &mut Out, lanes: &Lanes) {
    o.list(lanes.all(), |o, l| {
        o.obj();
        match &l.parent {
            Some((parent, state, index)) => {
                o.key("parent").int(*parent as i64).key("state").str(state).key("index").int(*index as i64);
            }
            None => {
                o.key("parent").null().key("state").null().key("index").null();
            }
        }
        o.key("label").str(&l.label).end();
    });
}

pub fn write_result(o: &mut Out, exec: &Execution, timing: bool, history: bool) {
    let start = exec.options().start_time;
    o.obj().key("status").str(exec.status().name());
    match exec.status() {
        Status::Succeeded(v) => {
            o.key("output").json(v);
        }
        Status::Failed(f) | Status::TimedOut(f) | Status::Aborted(f) => {
            if !f.error.is_empty() {
                o.key("error").str(&f.error);
            }
            if !f.cause.is_empty() {
                o.key("cause").str(&f.cause);
            }
        }
        Status::Running => {}
    }
    o.key("durationMs").int(exec.now() - start);
    // What a redrive of an unsuccessful execution needs (the full engine only).
    #[cfg(feature = "extras")]
    if let Some(state) = exec.redrive_state().filter(|_| !matches!(exec.status(), Status::Succeeded(_))) {
        o.key("redrive").json(&state);
    }
    // The objects the run wrote (a ResultWriter's export, S3 tasks): only the full engine
    // writes any.
    #[cfg(feature = "extras")]
    if !exec.files().written().is_empty() {
        o.key("files").json(&exec.files().written_json());
    }
    if exec.history_elided() {
        // Some payloads are not in the events and spans: they passed the history's budget.
        o.key("historyTruncated").bool(true);
    }
    if history {
        // The text of the payloads is about what the history's budget counted: room for it
        // at once, not a buffer doubled (and copied) up to twice its size.
        o.text.reserve(exec.history_bytes() + 64 * exec.events().len() + 32 * exec.spans().len());
        let mut stamp = (0, String::new());
        o.key("events").list(exec.events(), |o, e| write_event(o, e, start, &mut stamp));
        o.key("spans");
        write_spans(o, exec, timing);
        o.key("lanes");
        write_lanes(o, exec.lanes());
        // The distributed Maps' child executions, each with its own history (full engine).
        #[cfg(feature = "extras")]
        if !exec.child_histories().is_empty() {
            o.key("mapRunChildren").list(exec.child_histories(), |o, c| {
                o.obj().key("mapSpan").int(c.map_span as i64).key("index").int(c.index as i64);
                o.key("complete").bool(c.complete);
                o.key("events").list(&c.events, |o, e| write_event(o, e, start, &mut stamp));
                o.end();
            });
        }
    }
    o.end();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::value::read::parse;

    /// What `decode.js` does with a tape, in Rust: the value JS gets (numbers as f64, as JS
    /// has them; strings placed by UTF-16 code units in the text of all strings), with the
    /// values kept by earlier tapes in `kept`.
    fn decode_with(o: &Out, kept: &mut Vec<Option<Value>>) -> Value {
        struct Reader<'a> {
            words: &'a [u32],
            floats: &'a [f64],
            all: Vec<u16>,
            p: usize,
            keys: Vec<Option<String>>,
            kept: &'a mut Vec<Option<Value>>,
        }
        impl Reader<'_> {
            fn next(&mut self) -> u32 {
                self.p += 1;
                self.words[self.p - 1]
            }
            fn text(&mut self) -> String {
                let (at, len) = (self.next() as usize, self.next() as usize);
                String::from_utf16(&self.all[at..at + len]).expect("UTF-16")
            }
            fn value(&mut self, tag: u32) -> Value {
                match tag {
                    NULL => Value::Null,
                    FALSE => Value::Bool(false),
                    TRUE => Value::Bool(true),
                    INT => json!(self.next() as i32 as f64),
                    FLOAT => json!(self.floats[self.next() as usize]),
                    STR => Value::String(self.text().into()),
                    ARR => {
                        let mut a = Vec::new();
                        loop {
                            let t = self.next();
                            if t == END {
                                return Value::Array(a.into());
                            }
                            a.push(self.value(t));
                        }
                    }
                    OBJ => {
                        let mut m = crate::value::Map::new();
                        loop {
                            let id = self.next() as usize;
                            if id == END as usize {
                                return Value::Object(m);
                            }
                            if self.keys.len() <= id {
                                self.keys.resize(id + 1, None);
                            }
                            if self.keys[id].is_none() {
                                self.keys[id] = Some(self.text());
                            }
                            let t = self.next();
                            let v = self.value(t);
                            m.insert(self.keys[id].clone().unwrap().as_str().into(), v);
                        }
                    }
                    KEEP => {
                        let i = self.kept.len();
                        self.kept.push(None);
                        let t = self.next();
                        let v = self.value(t);
                        assert!(matches!(v, Value::String(_) | Value::Array(_) | Value::Object(_)), "{v}");
                        self.kept[i] = Some(v.clone());
                        v
                    }
                    REF => {
                        let i = self.next() as usize;
                        self.kept[i].clone().expect("a value kept before, not one being read")
                    }
                    other => panic!("tag {other} at word {}", self.p - 1),
                }
            }
        }
        let (words, floats, text) = o.parts();
        let all = std::str::from_utf8(text).expect("UTF-8 text").encode_utf16().collect();
        let mut r = Reader { words, floats, all, p: 0, keys: Vec::new(), kept };
        let tag = r.next();
        let v = r.value(tag);
        assert_eq!(r.p, words.len(), "the whole tape is one value");
        v
    }

    fn decode(o: &Out) -> Value {
        decode_with(o, &mut Vec::new())
    }

    /// Numbers as JS has them (every number a float), to compare with `decode`.
    fn as_js(v: &Value) -> Value {
        match v {
            Value::Number(n) => json!(n.as_f64().unwrap()),
            Value::Array(a) => Value::Array(a.iter().map(as_js).collect()),
            Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), as_js(v))).collect()),
            other => other.clone(),
        }
    }

    #[test]
    fn values_cross_as_json_parse_gives_them() {
        let texts = [
            r#"null"#,
            r#"[true, false, 0, -0.5, 2147483647, 2147483648, -2147483649, 1e300, 18446744073709551615]"#,
            r#"{"a": 1, "b": {"a": [1, 2, {"c": "x"}]}, "": "", "__proto__": {"x": 1}}"#,
            r#"["\u00e9t\u00e9", "\ud83d\ude00 astral", "\ufeffbom", "plain", "", "日本語"]"#,
            r#"[{"k": 1}, {"k": 2}, {"k": 3}, {"j": 4, "k": 5}]"#,
        ];
        for t in texts {
            let v = parse(t).unwrap();
            let mut o = Out::new();
            o.json(&v);
            assert_eq!(decode(&o), as_js(&v), "{t}");
        }
    }

    #[test]
    fn shared_payloads_cross_once() {
        let big = Value::String("x".repeat(1000).into());
        let list = json!([1, 2, {"deep": [3]}]);
        let item = json!({"s": big.clone(), "l": list.clone(), "n": 1});
        // Equal but not shared: written each time.
        let twin = || json!({"s": "x".repeat(1000), "l": [1, 2, {"deep": [3]}], "n": 1});
        let v = Value::Array(vec![item.clone(), item.clone(), big.clone(), list.clone(), twin(), twin()].into());
        let mut o = Out::new();
        o.json(&v);
        assert_eq!(decode(&o), as_js(&v));
        let text = std::str::from_utf8(o.parts().2).unwrap();
        assert_eq!(text.matches(&"x".repeat(1000)).count(), 3, "once shared, once per unshared copy");
        assert_eq!(o.parts().0.iter().filter(|w| **w == REF).count(), 3, "item, big and list again");

        // One value behind an Rc that two events hold: its payload has one holder, the Rc.
        let held = Rc::new(json!({"s": "y".repeat(100)}));
        let other_holder = held.clone();
        let mut o = Out::new();
        o.arr().shared_json(&held).shared_json(&other_holder).end();
        assert_eq!(decode(&o), json!([*held, *held]));
        assert_eq!(std::str::from_utf8(o.parts().2).unwrap().matches('y').count(), 100);

        // A tape that continues another refers to what the first kept.
        let mut kept = Vec::new();
        let mut first = Out::new();
        first.json(&item);
        let a = decode_with(&first, &mut kept);
        let mut second = Out::continuing(first.kept());
        second.json(&Value::Array(vec![item.clone(), list.clone()].into()));
        assert_eq!(second.parts().2, b"", "no text crosses again");
        assert_eq!(decode_with(&second, &mut kept), json!([a, as_js(&list)]));
    }

    #[test]
    fn keys_are_written_once_then_by_id() {
        // Many objects with the same keys, and more keys than the slots (64): each key's text
        // is in the tape once.
        let mut items: Vec<Value> = (0..200).map(|i| json!({"id": i, "name": "n", "tags": ["a"]})).collect();
        for i in 0..100 {
            let mut m = crate::value::Map::new();
            m.insert(format!("key{i}").as_str().into(), json!(i));
            items.push(Value::Object(m));
        }
        let v = Value::Array(items.into());
        let mut o = Out::new();
        o.json(&v);
        assert_eq!(decode(&o), as_js(&v));
        let text = std::str::from_utf8(o.parts().2).unwrap();
        assert_eq!(text.matches("name").count(), 1, "a repeated key is written once");
        assert_eq!(text.matches("key99").count(), 1);
    }

    #[test]
    fn a_long_resource_crosses_once_in_a_retry_storm() {
        use crate::asl::{validate_text, MachineType};
        use crate::driver::simulate;
        use crate::exec::Options;
        use crate::mock::Mocks;
        let resource = format!("arn:aws:lambda:us-east-1:123456789012:function:f:{}", "a".repeat(12_000));
        let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": &resource, "End": true,
            "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 200, "IntervalSeconds": 1, "BackoffRate": 1}]}}});
        let machine = validate_text(&def.to_string(), MachineType::Standard).unwrap();
        let mocks = Mocks::from_value(&json!({"T": {"error": "E", "cause": "c"}}), None).unwrap();
        let exec = simulate(machine, json!({}), mocks, Options::default()).unwrap();
        let mut o = Out::new();
        write_result(&mut o, &exec, false, true);
        let r = decode(&o);
        let events = r["events"].as_array().unwrap();
        let scheduled: Vec<_> = events.iter().filter(|e| e["type"] == json!("LambdaFunctionScheduled")).collect();
        assert_eq!(scheduled.len(), 201);
        for e in &scheduled {
            assert_eq!(e["lambdaFunctionScheduledEventDetails"]["resource"], json!(&resource));
        }
        let text = std::str::from_utf8(o.parts().2).unwrap();
        assert_eq!(text.matches(&resource).count(), 1, "the resource crosses once");
    }

    #[test]
    fn an_execution_crosses_with_its_events_spans_and_lanes() {
        use crate::asl::{validate_text, MachineType};
        use crate::driver::simulate;
        use crate::exec::Options;
        use crate::mock::Mocks;
        let def = r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:a", "End": true}}},
            {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}]}}}"#;
        let machine = validate_text(def, MachineType::Standard).unwrap();
        let mocks = Mocks::from_value(&json!({"A": {"result": {"ok": "é"}, "latency": 2}}), None).unwrap();
        let exec = simulate(machine, json!({"in": 1}), mocks, Options::default()).unwrap();
        let mut o = Out::new();
        write_result(&mut o, &exec, true, true);
        let r = decode(&o);
        assert_eq!(r["status"], json!("SUCCEEDED"));
        assert_eq!(r["output"], json!([{"ok": "é"}, {"in": 1.0}]));
        assert_eq!(r["durationMs"], json!(2000.0));
        let events = r["events"].as_array().unwrap();
        assert_eq!(events.len(), exec.events().len());
        // The CLI's fields, then `ms`, `lane` and `state` after `type`.
        for (e, x) in events.iter().zip(exec.events()) {
            let mut cli = as_js(&x.to_json());
            cli["ms"] = json!((x.timestamp - exec.options().start_time) as f64);
            cli["lane"] = json!(x.lane as f64);
            if let Some(s) = &x.state {
                cli["state"] = json!(&**s);
            }
            let keys = |v: &Value| v.as_object().unwrap().keys().map(|k| k.to_string()).collect::<Vec<_>>();
            assert_eq!(e, &cli);
            let want: Vec<String> = ["id", "previousEventId", "timestamp", "type", "ms", "lane"]
                .iter()
                .map(|s| s.to_string())
                .chain(x.state.iter().map(|_| "state".to_string()))
                .chain(x.fields.iter().map(|_| x.kind.details_key(&mut [0; 40]).to_string()))
                .collect();
            assert_eq!(keys(e), want);
        }
        let spans = r["spans"].as_array().unwrap();
        let a = spans.iter().find(|s| s["state"] == "A" && s["kind"] == "attempt").unwrap();
        let a_state = &spans[a["parent"].as_f64().unwrap() as usize];
        assert_eq!((a_state["state"].as_str(), a_state["index"].as_f64()), (Some("A"), Some(0.0)));
        assert_eq!(a["critical"], json!(true));
        assert_eq!(
            r["lanes"],
            json!([
                {"parent": null, "state": null, "index": null, "label": ""},
                {"parent": 0.0, "state": "P", "index": 0.0, "label": "P/0"},
                {"parent": 0.0, "state": "P", "index": 1.0, "label": "P/1"},
            ])
        );
        // Past the history's budget: the events as the CLI writes them, the spans without
        // the values left out, and the result says so.
        let def = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"s.$": "States.Format('{}{}', $.s, $.s)"}, "Next": "B"},
            "B": {"Type": "Pass", "Parameters": {"s.$": "States.Format('{}{}', $.s, $.s)"}, "End": true}}}"#;
        let machine = validate_text(def, MachineType::Standard).unwrap();
        let opts = Options { history_bytes: 3000, record_steps: true, ..Options::default() };
        let cut = simulate(machine, json!({"s": "x".repeat(500)}), Mocks::empty(), opts).unwrap();
        let mut o = Out::new();
        write_result(&mut o, &cut, false, true);
        let r = decode(&o);
        assert_eq!(r["historyTruncated"], json!(true));
        assert_eq!(r["output"]["s"].as_str().map(str::len), Some(2000));
        let events = r["events"].as_array().unwrap();
        let last = events.iter().rfind(|e| e["type"] == json!("PassStateExited")).unwrap();
        assert_eq!(last["stateExitedEventDetails"], json!({"name": "B", "outputDetails": {"truncated": true}}));
        for (e, x) in events.iter().zip(cut.events()) {
            assert_eq!(e["stateExitedEventDetails"], as_js(&x.to_json()["stateExitedEventDetails"]));
        }
        let b = &r["spans"][1];
        assert_eq!((b.get("output"), &b["outputElided"]), (None, &json!(true)));
        assert!(b["steps"].as_array().unwrap().iter().any(|s| s["elided"] == json!(true)));
        assert_eq!(r["spans"][0].get("outputElided"), None);

        // Without history: the outcome alone.
        let mut o = Out::new();
        write_result(&mut o, &exec, false, false);
        let keys: Vec<String> = decode(&o).as_object().unwrap().keys().map(|k| k.to_string()).collect();
        assert_eq!(keys, ["status", "output", "durationMs"]);
    }
}
