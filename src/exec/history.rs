//! Execution history events in the shape of AWS `GetExecutionHistory`.

use serde_json::{json, Map, Value};

/// One history event. `details` is the `...EventDetails` object (absent for types that have none).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: u64,
    pub previous_event_id: u64,
    /// Virtual time, milliseconds since the epoch.
    pub timestamp: i64,
    pub kind: &'static str,
    pub details: Option<Value>,
    /// The branch or iteration the event belongs to ("" for the top level), e.g. `Par/1/Map/3`.
    pub lane: String,
}

impl Event {
    /// The JSON form `statelab run --json` prints: AWS's field names.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("previousEventId".into(), json!(self.previous_event_id));
        m.insert("timestamp".into(), json!(crate::time::format_millis(self.timestamp)));
        m.insert("type".into(), json!(self.kind));
        if let Some(d) = &self.details {
            m.insert(details_key(self.kind), d.clone());
        }
        Value::Object(m)
    }
}

/// `TaskStateEntered` → `stateEnteredEventDetails`, `MapIterationStarted` →
/// `mapIterationStartedEventDetails`, and so on, as AWS names them.
pub fn details_key(kind: &str) -> String {
    const STATE_SUFFIXES: [(&str, &str); 3] = [("StateEntered", "stateEntered"), ("StateExited", "stateExited"), ("StateAborted", "stateAborted")];
    for (suffix, key) in STATE_SUFFIXES {
        if kind.ends_with(suffix) && !kind.starts_with("Map") || kind.ends_with(suffix) && kind.len() == suffix.len() + 3 {
            return format!("{key}EventDetails");
        }
    }
    let mut s = String::with_capacity(kind.len() + 12);
    let mut chars = kind.chars();
    if let Some(c) = chars.next() {
        s.extend(c.to_lowercase());
    }
    s.extend(chars);
    s.push_str("EventDetails");
    s
}

/// `{"truncated": false}`: payloads are never truncated (they are bounded by 256 KiB).
pub fn not_truncated() -> Value {
    json!({"truncated": false})
}

#[cfg(test)]
mod tests {
    use super::details_key;

    #[test]
    fn detail_keys_follow_aws() {
        assert_eq!(details_key("TaskStateEntered"), "stateEnteredEventDetails");
        assert_eq!(details_key("MapStateExited"), "stateExitedEventDetails");
        assert_eq!(details_key("MapIterationStarted"), "mapIterationStartedEventDetails");
        assert_eq!(details_key("MapStateStarted"), "mapStateStartedEventDetails");
        assert_eq!(details_key("LambdaFunctionScheduled"), "lambdaFunctionScheduledEventDetails");
        assert_eq!(details_key("ExecutionSucceeded"), "executionSucceededEventDetails");
    }
}
