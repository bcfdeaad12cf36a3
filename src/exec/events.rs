//! Execution history events in the shape of AWS `GetExecutionHistory`.
//!
//! An event keeps its details as a short list of fields whose payloads are shared
//! (`Rc`) with the execution, so writing 25,000 events costs no deep copies; the JSON form
//! is built only when asked for.

use crate::json;
use crate::value::{Key, Map, Value};
use std::rc::Rc;

/// One field of an event's details.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Str(Rc<str>),
    Int(i64),
    Json(Rc<Value>),
    /// `{"truncated": false}`: payloads are never truncated (they are bounded by 256 KiB).
    NotTruncated,
}

impl Field {
    pub fn to_json(&self) -> Value {
        match self {
            Field::Str(s) => Value::String(s.to_string()),
            Field::Int(n) => json!(n),
            Field::Json(v) => (**v).clone(),
            Field::NotTruncated => json!({"truncated": false}),
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Field::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl From<&str> for Field {
    fn from(s: &str) -> Field {
        Field::Str(s.into())
    }
}
impl From<String> for Field {
    fn from(s: String) -> Field {
        Field::Str(s.into())
    }
}
impl From<&String> for Field {
    fn from(s: &String) -> Field {
        Field::Str(s.as_str().into())
    }
}
impl From<Rc<str>> for Field {
    fn from(s: Rc<str>) -> Field {
        Field::Str(s)
    }
}
impl From<&Rc<str>> for Field {
    fn from(s: &Rc<str>) -> Field {
        Field::Str(s.clone())
    }
}
impl From<i64> for Field {
    fn from(n: i64) -> Field {
        Field::Int(n)
    }
}
impl From<u64> for Field {
    fn from(n: u64) -> Field {
        Field::Int(n as i64)
    }
}
impl From<usize> for Field {
    fn from(n: usize) -> Field {
        Field::Int(n as i64)
    }
}
impl From<Value> for Field {
    fn from(v: Value) -> Field {
        Field::Json(Rc::new(v))
    }
}
impl From<Rc<Value>> for Field {
    fn from(v: Rc<Value>) -> Field {
        Field::Json(v)
    }
}
impl From<&Rc<Value>> for Field {
    fn from(v: &Rc<Value>) -> Field {
        Field::Json(v.clone())
    }
}

/// `fields!{"name": name, "input": input}`: an event's details.
#[macro_export]
macro_rules! fields {
    ($($k:literal : $v:expr),* $(,)?) => {
        vec![$(($k, $crate::exec::events::Field::from($v))),*]
    };
}

/// One history event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: u64,
    pub previous_event_id: u64,
    /// Virtual time, milliseconds since the epoch.
    pub timestamp: i64,
    pub kind: &'static str,
    /// The fields of the `...EventDetails` object (`None` for types that have none).
    pub fields: Option<Vec<(&'static str, Field)>>,
    /// The branch or iteration the event belongs to ("" for the top level), e.g. `Par/1/Map/3`.
    pub lane: Rc<str>,
}

impl Event {
    /// The `...EventDetails` object.
    pub fn details(&self) -> Option<Value> {
        let fields = self.fields.as_ref()?;
        let mut m = Map::new();
        for (k, v) in fields {
            m.insert(Key::from(*k), v.to_json());
        }
        Some(Value::Object(m))
    }

    /// One field of the details, by name.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.as_ref()?.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The JSON form `statelab run --json` prints: AWS's field names.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("previousEventId".into(), json!(self.previous_event_id));
        m.insert("timestamp".into(), json!(crate::support::time::format_millis(self.timestamp)));
        m.insert("type".into(), json!(self.kind));
        if let Some(d) = self.details() {
            m.insert(details_key(self.kind).into(), d);
        }
        Value::Object(m)
    }
}

/// `TaskStateEntered` → `stateEnteredEventDetails`, `MapIterationStarted` →
/// `mapIterationStartedEventDetails`, and so on, as AWS names them.
pub fn details_key(kind: &str) -> String {
    for (suffix, key) in [("StateEntered", "stateEntered"), ("StateExited", "stateExited")] {
        if kind.ends_with(suffix) {
            return format!("{key}EventDetails");
        }
    }
    // Event types are ASCII (`char::to_lowercase` would bring Unicode's tables into the wasm).
    let mut s = String::with_capacity(kind.len() + 12);
    let mut chars = kind.chars();
    if let Some(c) = chars.next() {
        s.push(c.to_ascii_lowercase());
    }
    s.extend(chars);
    s.push_str("EventDetails");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detail_keys_follow_aws() {
        assert_eq!(details_key("TaskStateEntered"), "stateEnteredEventDetails");
        assert_eq!(details_key("MapStateExited"), "stateExitedEventDetails");
        assert_eq!(details_key("MapIterationStarted"), "mapIterationStartedEventDetails");
        assert_eq!(details_key("MapStateStarted"), "mapStateStartedEventDetails");
        assert_eq!(details_key("LambdaFunctionScheduled"), "lambdaFunctionScheduledEventDetails");
        assert_eq!(details_key("ExecutionSucceeded"), "executionSucceededEventDetails");
    }

    #[test]
    fn fields_become_aws_json() {
        let e = Event {
            id: 2,
            previous_event_id: 1,
            timestamp: 0,
            kind: "PassStateEntered",
            fields: Some(crate::fields! {"name": "A", "input": json!({"x": 1}), "inputDetails": Field::NotTruncated}),
            lane: "".into(),
        };
        assert_eq!(
            e.to_json()["stateEnteredEventDetails"],
            json!({"name": "A", "input": {"x": 1}, "inputDetails": {"truncated": false}})
        );
        assert_eq!(e.field("name").and_then(Field::as_str), Some("A"));
    }
}
