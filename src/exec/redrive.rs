//! Redrive (full engine only): an execution that ended FAILED, TIMED_OUT or ABORTED goes on
//! as AWS's RedriveExecution continues it. The same execution (ARN, input, start time, event
//! ids after the previous ones) enters its unsuccessful states again: the state a frame
//! failed or was stopped in, with the input and variables it had then. A Parallel or Map
//! state runs again only the branches and iterations that did not succeed (each again from
//! its own unsuccessful state); the others keep their results. The state machine's timeout
//! starts again at the redrive, and the 25,000 events of the history count across attempts.
//!
//! While an execution runs, the [`Tracker`] notes how each frame that ends unsuccessfully
//! (failed or aborted) stood ([`Resume`]); [`Execution::redrive_state`] writes the root's as
//! JSON (with the redrive count, the events written, the status and end time), and
//! [`Execution::redriven`] reads it back, against the definition, into the next attempt.
//!
//! The events of the redriven attempt: `ExecutionRedriven` (`redriveCount`), then each
//! unsuccessful state entered again with its `<Type>StateEntered`. (AWS's guide says which
//! states are rerun; the shape of the events after `ExecutionRedriven` is statelab's
//! reading of it, not a recording.)

use super::events::EventType;
use super::frame::{Block, Group};
use super::{Execution, FrameId, Options, MAX_STANDARD_MS};
use crate::asl::{Kind, Machine, MachineType};
use crate::dataflow::scope::Vars;
use crate::fields;
use crate::json;
use crate::value::{Map, Value};
use std::rc::Rc;

/// How long after it ended an execution may be redriven (AWS: 14 days), in ms.
pub const REDRIVABLE_MS: i64 = 14 * 24 * 3600 * 1000;
/// The most times one execution is redriven.
pub const MAX_REDRIVES: u32 = 1000;

/// Where a frame that ended unsuccessfully stood.
#[derive(Debug, Clone)]
pub(super) struct Resume {
    /// The state it failed or was stopped in (in the frame's machine).
    state: usize,
    input: Rc<Value>,
    /// The frame's own variables (those of the scopes around it are their frames').
    vars: Map,
    /// The state is a Parallel or Map whose branches or iterations had started: how each
    /// ended.
    children: Option<Children>,
}

/// How the branches or iterations of an unsuccessful Parallel or Map ended: of `total`, the
/// ones that had started, by index (one that had not starts when redriven). Only those are
/// kept, so a Map of 100,000 items that failed at its third holds three.
#[derive(Debug, Clone)]
struct Children {
    total: usize,
    started: Vec<(usize, Child)>,
}

/// How a branch or iteration of an unsuccessful Parallel or Map that had started ended.
#[derive(Debug, Clone)]
enum Child {
    /// It succeeded (or its failure was tolerated): its result is kept.
    Kept(Rc<Value>),
    /// It failed or was aborted: it runs again from there.
    Again(Resume),
}

/// What an execution knows of redrives (see the module docs).
#[derive(Debug, Default)]
pub(super) struct Tracker {
    /// How many times this execution has been redriven (0: its first attempt).
    pub count: u32,
    /// When this attempt was redriven (virtual ms).
    at: i64,
    /// Events the attempts before this one wrote.
    pub prior_events: u64,
    /// The root frame's resumption: for a redriven attempt's start, and once the root ended
    /// unsuccessfully, where it stood.
    root: Option<Resume>,
    /// The frames that hold something for redrives (few at a time: a frame's is let go when
    /// it ends, and a frame costs no more for it).
    notes: Vec<(FrameId, FrameNote)>,
}

/// What a frame holds for redrives. The resumptions of the
/// children of a running group are in the group (`Group::notes`), and go with it.
#[derive(Debug, Default)]
pub(super) struct FrameNote {
    /// The children of its Parallel or Map whose group failed, with the id of the state's
    /// entered event (a later state's group is another).
    failed_group: Option<(u64, Children)>,
    /// The children its current state resumes (the state's index), until its group starts.
    plan: Option<(usize, Children)>,
    /// The children of its running group still to be resumed when they start.
    starting: Vec<Option<Resume>>,
}

/// An ISO-8601 time as the history writes it, in ms since the epoch.
pub fn parse_time(s: &str) -> Option<i64> {
    let (secs, ns) = crate::support::time::parse_timestamp(s)?;
    Some(secs * 1000 + i64::from(ns / 1_000_000))
}

impl Tracker {
    /// The note of frame `fid`, made when first needed.
    fn note(&mut self, fid: FrameId) -> &mut FrameNote {
        let i = match self.notes.iter().position(|(f, _)| *f == fid) {
            Some(i) => i,
            None => {
                self.notes.push((fid, FrameNote::default()));
                self.notes.len() - 1
            }
        };
        &mut self.notes[i].1
    }

    fn note_of(&mut self, fid: FrameId) -> Option<&mut FrameNote> {
        self.notes.iter_mut().find(|(f, _)| *f == fid).map(|(_, n)| n)
    }

    /// Frame `fid` has ended: what it held goes.
    pub fn forget(&mut self, fid: FrameId) {
        if let Some(i) = self.notes.iter().position(|(f, _)| *f == fid) {
            self.notes.swap_remove(i);
        }
    }
}

impl Tracker {
    /// `$$.Execution.RedriveCount` and `RedriveTime` of a redriven attempt.
    pub fn context(&self) -> Option<(u32, i64)> {
        (self.count > 0).then_some((self.count, self.at))
    }
}

/// Why an execution cannot be redriven: AWS's `ExecutionNotRedrivable` and its reason, or
/// a previous state that does not fit the definition (`ValidationException`).
#[derive(Debug, Clone, PartialEq)]
pub struct NotRedrivable {
    pub error: &'static str,
    pub message: String,
}

impl std::fmt::Display for NotRedrivable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.message)
    }
}

fn not_redrivable(message: impl Into<String>) -> NotRedrivable {
    NotRedrivable { error: "ExecutionNotRedrivable", message: message.into() }
}

fn invalid(message: impl Into<String>) -> NotRedrivable {
    NotRedrivable { error: "ValidationException", message: message.into() }
}

impl Execution {
    /// What a redrive of this execution needs, as JSON (`statelab run --json` prints it as
    /// `redrive`, the page keeps it): `{"redriveCount", "events", "status", "endTime",
    /// "resume"}`, `resume` being where the execution stopped (`null` when no state had
    /// started). `None` while it runs, and when it cannot be resumed: its history is full, or
    /// it ended at one of statelab's own limits with its states still running.
    pub fn redrive_state(&self) -> Option<Value> {
        let root = self.redrive.root.as_ref();
        let unsuccessful = !matches!(self.status, super::Status::Succeeded(_));
        if !self.is_done()
            || (unsuccessful && self.event_count as usize >= self.opts.max_events)
            || (unsuccessful && root.is_none() && !self.frames.is_empty())
        {
            return None;
        }
        let machine = &self.root;
        Some(json!({
            "redriveCount": self.redrive.count,
            "events": self.event_count,
            "status": self.status.name(),
            "startTime": crate::support::time::format_millis(self.opts.start_time),
            "endTime": crate::support::time::format_millis(self.now),
            "resume": root.map_or(Value::Null, |r| r.to_json(machine)),
        }))
    }

    /// The next attempt of the execution that `prior` ([`Execution::redrive_state`]) describes,
    /// redriven at virtual time `at` (ms): the same machine, input and options (name, start
    /// time) as that execution. Start it with [`Execution::start`]; its first event is
    /// `ExecutionRedriven`. Refused as AWS refuses it (`ExecutionNotRedrivable`): an Express
    /// machine, an execution that succeeded or is still running, one whose history is full,
    /// one started more than a year or ended more than 14 days before `at`, or one redriven
    /// 1,000 times already.
    pub fn redriven(
        machine: Rc<Machine>,
        input: Value,
        mut opts: Options,
        prior: &Value,
        at: i64,
    ) -> Result<Execution, NotRedrivable> {
        if machine.machine_type == MachineType::Express {
            return Err(not_redrivable("Executions of EXPRESS state machines cannot be redriven."));
        }
        let status = prior["status"].as_str().unwrap_or("");
        match status {
            "FAILED" | "TIMED_OUT" | "ABORTED" => {}
            "SUCCEEDED" | "RUNNING" => {
                return Err(not_redrivable(format!("Execution is {status} and cannot be redriven")))
            }
            _ => return Err(invalid("the previous execution's redrive state has no status")),
        }
        let number = |key: &str| prior[key].as_f64().filter(|n| *n >= 0.0 && n.fract() == 0.0);
        let (Some(events), Some(count)) = (number("events"), number("redriveCount")) else {
            return Err(invalid("the previous execution's redrive state has no events or redriveCount"));
        };
        let time = |key: &str| prior[key].as_str().and_then(parse_time);
        let (Some(start), Some(end)) = (time("startTime"), time("endTime")) else {
            return Err(invalid("the previous execution's redrive state has no startTime or endTime"));
        };
        let (events, count) = (events as u64, count as u32);
        if events as usize >= opts.max_events {
            return Err(not_redrivable("Execution history event limit exceeded."));
        }
        if at < end {
            return Err(invalid("an execution is redriven after it ended"));
        }
        if at.saturating_sub(start) >= MAX_STANDARD_MS {
            return Err(not_redrivable("Execution has exceeded the max execution time."));
        }
        if at - end > REDRIVABLE_MS {
            return Err(not_redrivable("Execution redrivable period exceeded."));
        }
        if count >= MAX_REDRIVES {
            return Err(not_redrivable(format!(
                "Execution has been redriven {MAX_REDRIVES} times, the most an execution is."
            )));
        }
        let root = match &prior["resume"] {
            Value::Null => None,
            r => Some(Resume::from_json(r, &machine, "/resume")?),
        };
        // The same start time (`$$.Execution.StartTime`), other random draws than before.
        opts.start_time = start;
        opts.seed = opts.seed.wrapping_add(u64::from(count + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut exec = Execution::new(machine, input, opts);
        exec.now = at;
        exec.redrive.count = count + 1;
        exec.redrive.at = at;
        exec.redrive.prior_events = events;
        exec.redrive.root = root;
        Ok(exec)
    }

    /// A redriven attempt starts: ExecutionRedriven, the timeout again, and the root frame
    /// at its unsuccessful state (or the first state, when none had started).
    pub(super) fn start_redriven(&mut self) {
        self.event_count = self.redrive.prior_events;
        let count = self.redrive.count;
        let id = self.emit_execution(EventType::ExecutionRedriven, |_| fields! {"redriveCount": u64::from(count)});
        self.schedule_timeout();
        let fid = self.new_frame(self.root.clone(), None, Rc::new(Vars::default()), self.input.clone(), id);
        if let Some(r) = self.redrive.root.take() {
            self.resume_frame(fid, r, None);
        }
        self.work.push_back(super::frame::Work::Run(fid));
        self.drain();
    }

    /// Frame `fid` takes up where `r` stood; its variables' outer scope is `outer`'s.
    fn resume_frame(&mut self, fid: FrameId, r: Resume, outer: Option<Rc<Vars>>) {
        let f = &mut self.frames[fid];
        f.state = r.state;
        f.input = r.input;
        f.vars = Rc::new(Vars { local: r.vars, outer });
        if let Some(children) = r.children {
            self.redrive.note(fid).plan = Some((r.state, children));
        }
    }

    /// Branch or iteration `index` of `parent` starts as frame `child`: where it stood, if
    /// it is one to resume.
    pub(super) fn resume_child(&mut self, parent: FrameId, index: usize, child: FrameId) {
        let Some(n) = self.redrive.note_of(parent) else { return };
        let Some(r) = n.starting.get_mut(index).and_then(Option::take) else { return };
        let outer = self.frames[child].vars.outer.clone();
        self.resume_frame(child, r, outer);
    }

    /// The group of frame `fid` starts: a resumed Parallel or Map keeps the results of the
    /// children that succeeded and resumes the others.
    pub(super) fn resume_group(&mut self, fid: FrameId, group: &mut Group) {
        let state = self.frames[fid].state;
        let Some(n) = self.redrive.note_of(fid) else { return };
        n.starting = Vec::new();
        let Some((at, children)) = n.plan.take() else { return };
        if at != state || children.total != group.total {
            return;
        }
        n.starting.resize_with(children.total, || None);
        for (i, c) in children.started {
            match c {
                Child::Kept(v) => {
                    group.results[i] = Some(v);
                    group.done += 1;
                }
                Child::Again(r) => n.starting[i] = Some(r),
            }
        }
        group.queue.retain(|(i, _)| group.results[*i].is_none());
    }

    /// Frame `fid` ends unsuccessfully (it failed, or is aborted): note where it stands, in
    /// its parent's group (or as the root's).
    pub(super) fn note_unsuccessful(&mut self, fid: FrameId) {
        let entered = self.frames[fid].entered_event;
        let children = match &mut self.frames[fid].block {
            Block::Children(g) => Some(children_of(g)),
            _ => self
                .redrive
                .note_of(fid)
                .and_then(|n| n.failed_group.take())
                .filter(|(e, _)| *e == entered)
                .map(|(_, c)| c),
        };
        let f = &self.frames[fid];
        let r = Resume { state: f.state, input: f.input.clone(), vars: f.vars.local.clone(), children };
        match f.parent {
            None => self.redrive.root = Some(r),
            Some((parent, index)) => {
                if let Block::Children(g) = &mut self.frames[parent].block {
                    if g.notes.len() <= index {
                        g.notes.resize_with(index + 1, || None);
                    }
                    g.notes[index] = Some(r);
                }
            }
        }
    }

    /// The group of frame `fid` failed (its state fails next, and may be retried or caught):
    /// note how its children ended.
    pub(super) fn note_group_failed(&mut self, fid: FrameId) {
        let Block::Children(g) = &mut self.frames[fid].block else { return };
        let children = children_of(g);
        let entered = self.frames[fid].entered_event;
        self.redrive.note(fid).failed_group = Some((entered, children));
    }
}

/// How each child of a group that had started ended (its notes taken).
fn children_of(g: &mut Group) -> Children {
    let started = (0..g.total)
        .filter_map(|i| match (g.notes.get_mut(i).and_then(Option::take), &g.results[i]) {
            (Some(r), _) => Some((i, Child::Again(r))),
            (None, Some(v)) => Some((i, Child::Kept(v.clone()))),
            (None, None) => None,
        })
        .collect();
    Children { total: g.total, started }
}

impl Resume {
    fn to_json(&self, machine: &Machine) -> Value {
        let state = &machine.states[self.state];
        let mut m = Map::new();
        m.insert("state".into(), json!(&*state.name));
        m.insert("input".into(), (*self.input).clone());
        m.insert("variables".into(), Value::Object(self.vars.clone()));
        if let Some(children) = &self.children {
            // `{"count": N, "started": [{"index": i, "result" or "resume"}...]}`: the children
            // that had not started are not written.
            let list = children
                .started
                .iter()
                .filter_map(|(i, c)| match c {
                    Child::Kept(v) => Some(json!({"index": *i, "result": (**v).clone()})),
                    Child::Again(r) => {
                        child_machine(machine, self.state, *i).map(|m| json!({"index": *i, "resume": r.to_json(&m)}))
                    }
                })
                .collect();
            m.insert("children".into(), json!({"count": children.total, "started": Value::Array(list)}));
        }
        Value::Object(m)
    }

    /// A resumption read back against `machine` (`at`: its JSON Pointer, for errors).
    fn from_json(v: &Value, machine: &Machine, at: &str) -> Result<Resume, NotRedrivable> {
        let name = v["state"].as_str().ok_or_else(|| invalid(format!("{at}/state: a state name is expected")))?;
        let state = machine
            .state_index(name)
            .ok_or_else(|| invalid(format!("{at}/state: the definition has no state '{name}' here")))?;
        let vars = match &v["variables"] {
            Value::Object(m) => m.clone(),
            Value::Null => Map::new(),
            _ => return Err(invalid(format!("{at}/variables: an object is expected"))),
        };
        let children = match &v["children"] {
            Value::Null => None,
            Value::Object(c) => {
                let n = match &machine.states[state].kind {
                    Kind::Parallel(b) => Some(b.len()),
                    Kind::Map(_) => None,
                    _ => return Err(invalid(format!("{at}/children: '{name}' is not a Parallel or Map state"))),
                };
                let count = c.get("count").and_then(Value::as_f64).filter(|n| *n >= 0.0 && n.fract() == 0.0);
                let (Some(total), Some(Value::Array(list))) = (count.map(|n| n as usize), c.get("started")) else {
                    return Err(invalid(format!("{at}/children: {{\"count\", \"started\"}} is expected")));
                };
                if n.is_some_and(|n| n != total) {
                    return Err(invalid(format!("{at}/children: '{name}' has another number of branches")));
                }
                let mut started: Vec<(usize, Child)> = Vec::with_capacity(list.len());
                for (k, c) in list.iter().enumerate() {
                    let here = format!("{at}/children/started/{k}");
                    let index = c.get("index").and_then(Value::as_f64).filter(|i| *i >= 0.0 && i.fract() == 0.0);
                    let Some(i) = index.map(|i| i as usize).filter(|i| *i < total) else {
                        return Err(invalid(format!("{here}/index: an index under {total} is expected")));
                    };
                    if started.last().is_some_and(|(j, _)| *j >= i) {
                        return Err(invalid(format!("{here}/index: the indexes must increase")));
                    }
                    let child = if let Some(r) = c.get("result") {
                        Child::Kept(Rc::new(r.clone()))
                    } else if let Some(r) = c.get("resume") {
                        let m = child_machine(machine, state, i).expect("a Parallel or Map state");
                        Child::Again(Resume::from_json(r, &m, &format!("{here}/resume"))?)
                    } else {
                        return Err(invalid(format!("{here}: {{\"result\"}} or {{\"resume\"}} is expected")));
                    };
                    started.push((i, child));
                }
                Some(Children { total, started })
            }
            _ => return Err(invalid(format!("{at}/children: an object is expected"))),
        };
        let input = Rc::new(v["input"].clone());
        Ok(Resume { state, input, vars, children })
    }
}

/// The machine branch or iteration `index` of state `state` runs.
fn child_machine(machine: &Machine, state: usize, index: usize) -> Option<Rc<Machine>> {
    match &machine.states[state].kind {
        Kind::Parallel(b) => b.get(index).cloned(),
        Kind::Map(m) => Some(m.processor.clone()),
        _ => None,
    }
}
