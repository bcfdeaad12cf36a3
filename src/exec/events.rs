//! Execution history events in the shape of AWS `GetExecutionHistory`.
//!
//! An event keeps its details as a short list of fields whose payloads are shared
//! (`Rc`) with the execution, so writing 25,000 events costs no deep copies; the JSON form
//! is built only when asked for.

use super::budget::LONG_TEXT;
use super::frame::Work;
use super::spans::{LaneId, MAIN_LANE};
use super::Status;
use super::{Execution, FrameId};
pub use crate::asl::StateType;
use crate::error::Failure;
use crate::json;
use crate::value::{Key, Map, Value};
use std::rc::Rc;

/// One field of an event's details.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Str(Rc<str>),
    Int(i64),
    Json(Rc<Value>),
    /// `{"truncated": false}`: the payload (in the field before) is all there.
    NotTruncated,
    /// `{"truncated": true}`: a payload left out of the kept history
    /// (`Options::history_bytes`). It stands in for the payload's field and its details:
    /// `"inputDetails": {"truncated": true}` and no `input` (AWS's `...Details` of a payload
    /// not included; `parametersDetails` and `causeDetails` name the fields AWS gives none).
    Elided,
}

impl Field {
    pub fn to_json(&self) -> Value {
        match self {
            Field::Str(s) => Value::String(s.to_string().into()),
            Field::Int(n) => json!(n),
            Field::Json(v) => (**v).clone(),
            Field::NotTruncated => json!({"truncated": false}),
            Field::Elided => json!({"truncated": true}),
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

/// The type of a history event, as AWS names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    ExecutionStarted,
    ExecutionSucceeded,
    ExecutionFailed,
    ExecutionAborted,
    ExecutionTimedOut,
    /// A redrive of the execution began (`redriveCount`).
    ExecutionRedriven,
    /// A `.sync` or `.waitForTaskToken` service task's request was accepted: the service's
    /// immediate response (written by the full engine only: `submitted.rs`).
    TaskSubmitted,
    /// `PassStateEntered`, `TaskStateEntered`, ...
    StateEntered(StateType),
    StateExited(StateType),
    StateAborted(StateType),
    /// A Task's resource at work: `Task*` (service integrations), `LambdaFunction*`, `Activity*`.
    Task(TaskFamily, TaskPhase),
    ParallelStateStarted,
    ParallelStateSucceeded,
    ParallelStateFailed,
    MapStateStarted,
    MapStateSucceeded,
    MapStateFailed,
    MapIterationStarted,
    MapIterationSucceeded,
    MapIterationFailed,
    MapIterationAborted,
    MapRunStarted,
    MapRunSucceeded,
    EvaluationFailed,
}

/// Which events a Task's resource writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskFamily {
    /// `arn:aws:states:::service:action`: `TaskScheduled`, `TaskSucceeded`, ...
    Service,
    /// A Lambda function's ARN: `LambdaFunctionScheduled`, ...
    Lambda,
    /// An activity's ARN: `ActivityScheduled`, ...
    Activity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskPhase {
    Scheduled,
    Started,
    Succeeded,
    Failed,
    TimedOut,
}

/// Every type's name, in [`EventType::index`] order.
const NAMES: [&str; 59] = [
    "ExecutionStarted",
    "ExecutionSucceeded",
    "ExecutionFailed",
    "ExecutionAborted",
    "ExecutionTimedOut",
    "ParallelStateStarted",
    "ParallelStateSucceeded",
    "ParallelStateFailed",
    "MapStateStarted",
    "MapStateSucceeded",
    "MapStateFailed",
    "MapIterationStarted",
    "MapIterationSucceeded",
    "MapIterationFailed",
    "MapIterationAborted",
    "MapRunStarted",
    "MapRunSucceeded",
    "EvaluationFailed",
    "PassStateEntered",
    "PassStateExited",
    "PassStateAborted",
    "TaskStateEntered",
    "TaskStateExited",
    "TaskStateAborted",
    "ChoiceStateEntered",
    "ChoiceStateExited",
    "ChoiceStateAborted",
    "WaitStateEntered",
    "WaitStateExited",
    "WaitStateAborted",
    "SucceedStateEntered",
    "SucceedStateExited",
    "SucceedStateAborted",
    "FailStateEntered",
    "FailStateExited",
    "FailStateAborted",
    "ParallelStateEntered",
    "ParallelStateExited",
    "ParallelStateAborted",
    "MapStateEntered",
    "MapStateExited",
    "MapStateAborted",
    "TaskScheduled",
    "TaskStarted",
    "TaskSucceeded",
    "TaskFailed",
    "TaskTimedOut",
    "LambdaFunctionScheduled",
    "LambdaFunctionStarted",
    "LambdaFunctionSucceeded",
    "LambdaFunctionFailed",
    "LambdaFunctionTimedOut",
    "ActivityScheduled",
    "ActivityStarted",
    "ActivitySucceeded",
    "ActivityFailed",
    "ActivityTimedOut",
    "ExecutionRedriven",
    "TaskSubmitted",
];

impl EventType {
    /// The type's place in `NAMES`.
    fn index(self) -> usize {
        use EventType::*;
        match self {
            ExecutionStarted => 0,
            ExecutionSucceeded => 1,
            ExecutionFailed => 2,
            ExecutionAborted => 3,
            ExecutionTimedOut => 4,
            ParallelStateStarted => 5,
            ParallelStateSucceeded => 6,
            ParallelStateFailed => 7,
            MapStateStarted => 8,
            MapStateSucceeded => 9,
            MapStateFailed => 10,
            MapIterationStarted => 11,
            MapIterationSucceeded => 12,
            MapIterationFailed => 13,
            MapIterationAborted => 14,
            MapRunStarted => 15,
            MapRunSucceeded => 16,
            EvaluationFailed => 17,
            StateEntered(s) => 18 + 3 * s as usize,
            StateExited(s) => 19 + 3 * s as usize,
            StateAborted(s) => 20 + 3 * s as usize,
            Task(f, p) => 42 + 5 * f as usize + p as usize,
            ExecutionRedriven => 57,
            TaskSubmitted => 58,
        }
    }

    /// The execution's own last event (it succeeded, failed, timed out or was stopped).
    pub fn ends_execution(self) -> bool {
        matches!(
            self,
            EventType::ExecutionSucceeded
                | EventType::ExecutionFailed
                | EventType::ExecutionTimedOut
                | EventType::ExecutionAborted
        )
    }

    /// AWS's name of the type (`TaskStateEntered`).
    pub fn name(self) -> &'static str {
        NAMES[self.index()]
    }

    /// The key of the `...EventDetails` object, as AWS names it, written into `buf`:
    /// `stateEnteredEventDetails` for every `<Type>StateEntered` (and so for Exited and
    /// Aborted), else the type with a lower-case first letter.
    pub fn details_key(self, buf: &mut [u8; 40]) -> &str {
        let name = match self {
            EventType::StateEntered(_) => "StateEntered",
            EventType::StateExited(_) => "StateExited",
            EventType::StateAborted(_) => "StateAborted",
            other => other.name(),
        };
        let b = name.as_bytes();
        buf[..b.len()].copy_from_slice(b);
        buf[0] = buf[0].to_ascii_lowercase();
        buf[b.len()..b.len() + 12].copy_from_slice(b"EventDetails");
        // ASCII throughout.
        std::str::from_utf8(&buf[..b.len() + 12]).unwrap_or("")
    }
}

/// The `...Details` field that stands for payload field `key` when it is left out.
fn details_of(key: &str) -> Option<&'static str> {
    const DETAILS: [(&str, &str); 5] = [
        ("input", "inputDetails"),
        ("output", "outputDetails"),
        ("assignedVariables", "assignedVariablesDetails"),
        ("parameters", "parametersDetails"),
        ("cause", "causeDetails"),
    ];
    DETAILS.iter().find(|(k, _)| *k == key).map(|(_, d)| *d)
}

/// An event's details: its fields, in AWS's order.
pub type Details = Vec<(&'static str, Field)>;

/// One history event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: u64,
    pub previous_event_id: u64,
    /// Virtual time, milliseconds since the epoch.
    pub timestamp: i64,
    pub kind: EventType,
    /// The fields of the `...EventDetails` object (`None` for types that have none).
    pub fields: Option<Details>,
    /// The branch or iteration the event belongs to (see [`super::spans::Lanes`]).
    pub lane: LaneId,
    /// The state the event belongs to (`None` for the execution's own events). A Map's
    /// iteration events belong to the Map state, in the Map's lane.
    pub state: Option<Rc<str>>,
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
        m.insert("type".into(), json!(self.kind.name()));
        if let Some(d) = self.details() {
            m.insert(self.kind.details_key(&mut [0; 40]).into(), d);
        }
        Value::Object(m)
    }
}

impl Execution {
    /// Append an event of frame `fid` (in its lane, for its current state), chained to the
    /// frame's previous event. `details` are built only when the event is kept.
    pub(super) fn emit(&mut self, fid: FrameId, ty: EventType, details: impl FnOnce(&Execution) -> Details) -> u64 {
        let f = &self.frames[fid];
        if f.silent {
            #[cfg(feature = "extras")]
            if self.child_keeps(fid) {
                let details = details(self);
                self.child_state_event(fid, ty, Some(details));
            }
            return self.child_event(fid);
        }
        let prev = f.last_event;
        let details = self.opts.history.then(|| details(self));
        self.frames[fid].last_event = self.event_count + 1;
        self.push_event(prev, Some(fid), ty, details)
    }

    /// As [`Execution::emit`], for an event type without details.
    pub(super) fn emit_bare(&mut self, fid: FrameId, ty: EventType) -> u64 {
        let f = &self.frames[fid];
        if f.silent {
            #[cfg(feature = "extras")]
            if self.child_keeps(fid) {
                self.child_state_event(fid, ty, None);
            }
            return self.child_event(fid);
        }
        let prev = f.last_event;
        self.frames[fid].last_event = self.event_count + 1;
        self.push_event(prev, Some(fid), ty, None)
    }

    /// Count an event of a child execution (not part of this history): against its own
    /// history limit, and against [`super::MAX_CHILD_EVENTS`] for all of them.
    fn child_event(&mut self, fid: FrameId) -> u64 {
        self.child_events += 1;
        if self.child_events > super::MAX_CHILD_EVENTS && !self.is_done() {
            let cause = format!(
                "The execution's child executions (its distributed Maps' iterations) wrote more than {} history events in all, statelab's limit.",
                super::MAX_CHILD_EVENTS
            );
            self.finish(Status::Failed(Failure::new("States.Runtime", cause)));
            self.effects.clear();
        }
        let root = self.frames[fid].child_root;
        let r = &mut self.frames[root];
        r.child_events += 1;
        if r.child_events as usize == self.opts.max_events {
            self.work.push_back(Work::ChildHistoryFull(root));
        }
        self.frames[fid].last_event
    }

    /// Append an event of the execution itself, chained to the last event.
    pub(super) fn emit_execution(&mut self, ty: EventType, details: impl FnOnce(&Execution) -> Details) -> u64 {
        let details = self.opts.history.then(|| details(self));
        self.push_event(self.event_count, None, ty, details)
    }

    /// Count an event, and keep it when events are kept. The history's last place (event
    /// 25,000) is for the event that ends the execution: any other event there ends it with
    /// the history limit's failure instead.
    #[inline(always)]
    fn push_event(&mut self, prev: u64, fid: Option<FrameId>, kind: EventType, fields: Option<Details>) -> u64 {
        let id = self.event_count + 1;
        if id as usize >= self.opts.max_events && !kind.ends_execution() {
            self.history_full();
            return self.event_count;
        }
        self.event_count = id;
        if self.opts.history {
            let (lane, state) = match fid {
                Some(fid) => (self.lane(fid), Some(self.state(fid).name.clone())),
                None => (MAIN_LANE, None),
            };
            self.keep(Event { id, previous_event_id: prev, timestamp: self.now, kind, fields, lane, state });
        }
        id
    }

    /// Keep an event (or hand it to the stream): past the history's budget, without the
    /// payloads that do not fit (see [`Field::Elided`]).
    fn keep(&mut self, mut e: Event) {
        if let Some(sink) = &mut self.sink {
            return sink(e);
        }
        if let (Some(fields), false) = (&mut e.fields, self.budget.unlimited()) {
            let mut i = 0;
            while i < fields.len() {
                let fits = match &fields[i].1 {
                    Field::Json(v) => self.budget.admit(v),
                    Field::Str(s) if s.len() > LONG_TEXT => self.budget.admit_text(s.len()),
                    _ => true,
                };
                // (A field that is never left out, small in practice, is kept uncounted.)
                if let Some(details) = details_of(fields[i].0).filter(|_| !fits) {
                    self.budget.elided = true;
                    fields[i] = (details, Field::Elided);
                    if matches!(fields.get(i + 1), Some((_, Field::NotTruncated))) {
                        fields.remove(i + 1);
                    }
                }
                i += 1;
            }
        }
        self.events.push(e);
    }

    /// The history is full: the execution fails (once), its ExecutionFailed the last event.
    fn history_full(&mut self) {
        if self.is_done() {
            return;
        }
        let cause = format!("The execution reached the maximum number of history events ({}).", self.opts.max_events);
        self.status = Status::Failed(Failure::new("States.Runtime", cause.clone()));
        self.event_count += 1;
        if self.opts.history {
            self.keep(Event {
                id: self.event_count,
                previous_event_id: self.event_count - 1,
                timestamp: self.now,
                kind: EventType::ExecutionFailed,
                fields: Some(crate::fields! {"error": "States.Runtime", "cause": cause}),
                lane: MAIN_LANE,
                state: None,
            });
        }
        self.timers.clear();
        self.effects.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventType::*;

    /// Every type, to check the tables against the rule they follow.
    fn all() -> Vec<EventType> {
        let states = [
            StateType::Pass,
            StateType::Task,
            StateType::Choice,
            StateType::Wait,
            StateType::Succeed,
            StateType::Fail,
            StateType::Parallel,
            StateType::Map,
        ];
        let mut all = vec![
            ExecutionStarted,
            ExecutionSucceeded,
            ExecutionFailed,
            ExecutionAborted,
            ExecutionTimedOut,
            ExecutionRedriven,
            ParallelStateStarted,
            ParallelStateSucceeded,
            ParallelStateFailed,
            MapStateStarted,
            MapStateSucceeded,
            MapStateFailed,
            MapIterationStarted,
            MapIterationSucceeded,
            MapIterationFailed,
            MapIterationAborted,
            MapRunStarted,
            MapRunSucceeded,
            EvaluationFailed,
            TaskSubmitted,
        ];
        for s in states {
            all.extend([StateEntered(s), StateExited(s), StateAborted(s)]);
        }
        for f in [TaskFamily::Service, TaskFamily::Lambda, TaskFamily::Activity] {
            for p in
                [TaskPhase::Scheduled, TaskPhase::Started, TaskPhase::Succeeded, TaskPhase::Failed, TaskPhase::TimedOut]
            {
                all.push(Task(f, p));
            }
        }
        all
    }

    #[test]
    fn detail_keys_follow_aws() {
        for e in all() {
            let name = e.name();
            let want = match e {
                StateEntered(_) => "stateEnteredEventDetails".to_string(),
                StateExited(_) => "stateExitedEventDetails".to_string(),
                StateAborted(_) => "stateAbortedEventDetails".to_string(),
                _ => format!("{}{}EventDetails", name[..1].to_ascii_lowercase(), &name[1..]),
            };
            assert_eq!(e.details_key(&mut [0; 40]), want, "{name}");
        }
        assert_eq!(StateEntered(StateType::Task).name(), "TaskStateEntered");
        assert_eq!(StateExited(StateType::Map).name(), "MapStateExited");
        assert_eq!(Task(TaskFamily::Lambda, TaskPhase::Scheduled).name(), "LambdaFunctionScheduled");
        assert_eq!(
            Task(TaskFamily::Service, TaskPhase::TimedOut).details_key(&mut [0; 40]),
            "taskTimedOutEventDetails"
        );
        // Every type has its own name.
        let mut names: Vec<&str> = all().into_iter().map(EventType::name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all().len());
        assert_eq!(all().len(), NAMES.len());
    }

    #[test]
    fn fields_become_aws_json() {
        let e = Event {
            id: 2,
            previous_event_id: 1,
            timestamp: 0,
            kind: StateEntered(StateType::Pass),
            fields: Some(crate::fields! {"name": "A", "input": json!({"x": 1}), "inputDetails": Field::NotTruncated}),
            lane: 0,
            state: Some("A".into()),
        };
        let j = e.to_json();
        assert_eq!(j["type"], json!("PassStateEntered"));
        assert_eq!(
            j["stateEnteredEventDetails"],
            json!({"name": "A", "input": {"x": 1}, "inputDetails": {"truncated": false}})
        );
        assert_eq!(e.field("name").and_then(Field::as_str), Some("A"));
    }
}
