//! The sans-IO executor.
//!
//! An [`Execution`] is a state machine over virtual time. It never reads a clock, sleeps or
//! does IO: the host calls [`Execution::start`], takes the Task invocations it asks for with
//! [`Execution::poll_effect`], reports their outcomes with [`Execution::complete_task`], and
//! moves time forward with [`Execution::advance_to`] (to [`Execution::next_timer`] or to when
//! a task it is running finishes). Waits, retry back-offs and timeouts are timers inside.
//!
//! Concurrency: every running chain of states (the top level, each Parallel branch, each Map
//! iteration) is a *frame* (`frame.rs`). Work that is ready runs in FIFO order, a frame
//! running until it blocks on a task, a timer or its children, so the order of events is
//! deterministic.
//!
//! Where things are: `frame.rs` runs a frame from state to state; `states/` holds what each
//! state type does, one file each; `group.rs` the branches and iterations of Parallel and
//! Map; `retry.rs` Retry and Catch; `events.rs` the history and `spans.rs` the timeline,
//! `budget.rs` how much payload data they may hold; `analysis.rs` the critical path of a
//! finished run. The data flow inside a state, for both query languages, is
//! `dataflow::pipeline`.

pub mod analysis;
mod budget;
#[cfg(feature = "extras")]
pub mod children;
pub mod events;
mod frame;
mod group;
#[cfg(feature = "extras")]
pub mod redrive;
mod retry;
pub mod spans;
mod states;
#[cfg(feature = "extras")]
pub(crate) mod submitted;

use crate::asl::Machine;
use crate::dataflow::scope::Vars;
use crate::error::Failure;
use crate::fields;
use crate::support::agenda::Agenda;
pub use crate::support::rng::Rng;
use crate::value::Value;
use events::{Event, EventType, Field};
use frame::{Frame, Work};
pub use spans::{Lane, LaneId, Lanes, Span, SpanId, SpanKind, SpanStatus};
use std::collections::VecDeque;
use std::rc::Rc;

pub use budget::DEFAULT_HISTORY_BYTES;

/// A frame's place in `Execution::frames`.
type FrameId = usize;

pub use crate::error::MAX_PAYLOAD_BYTES;
pub(crate) use crate::error::{data_limit_failure, payload_limit, Oversize};
/// AWS's history limit for one execution: its last event included.
pub const MAX_HISTORY_EVENTS: usize = 25_000;
/// statelab's limit on the events of an execution's child executions (a distributed Map's
/// iterations, each within its own 25,000) in all: AWS would run 10,000 children of 25,000
/// events each for hours; here that is minutes of one core, so the execution fails instead.
pub const MAX_CHILD_EVENTS: u64 = 5_000_000;
/// The longest a Standard execution runs (one year), in ms: then it times out.
pub const MAX_STANDARD_MS: i64 = 365 * 24 * 3600 * 1000;
/// The longest an Express execution runs (five minutes), in ms.
pub const MAX_EXPRESS_MS: i64 = 5 * 60 * 1000;

/// Names are shared text: a host that runs many executions with the same options copies
/// pointers, not text.
#[derive(Debug, Clone)]
pub struct Options {
    pub execution_name: Rc<str>,
    pub state_machine_name: Rc<str>,
    pub region: Rc<str>,
    pub account: Rc<str>,
    pub role_arn: Rc<str>,
    /// Virtual start time, milliseconds since the epoch.
    pub start_time: i64,
    pub seed: u64,
    pub max_events: usize,
    /// Keep each state's data-flow steps in its timeline span (for an inspector).
    pub record_steps: bool,
    /// The sequential twin: every Parallel runs its branches one after another and every
    /// Map one iteration at a time (to show what concurrency saves).
    pub sequential: bool,
    /// Keep the history events and the timeline spans. Off, the execution only counts its
    /// events (for the history limit) and keeps no spans: for hosts that want the outcome
    /// alone, which then costs neither the memory nor the time of the records.
    pub history: bool,
    /// With `history`, keep the timeline spans too (a host that only writes the events out,
    /// as `statelab run --json` does, keeps none).
    pub spans: bool,
    /// The most distinct payload data (bytes of JSON, about) the kept history may hold: its
    /// events' and spans' inputs, outputs, data-flow steps and long causes. A payload shared
    /// with one already kept costs only its new parts. Past it, an event keeps the field
    /// without its data (`"inputDetails": {"truncated": true}`) and a span drops the value
    /// (see [`Execution::history_elided`]); the execution itself is the same. Events handed
    /// to a stream ([`Execution::stream_events`]) are not kept and not counted.
    /// `usize::MAX`: no budget.
    pub history_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            execution_name: "statelab-execution".into(),
            state_machine_name: "statelab".into(),
            region: "us-east-1".into(),
            account: "123456789012".into(),
            role_arn: "arn:aws:iam::123456789012:role/statelab".into(),
            start_time: 1_735_689_600_000, // 2025-01-01T00:00:00Z
            seed: 0,
            max_events: MAX_HISTORY_EVENTS,
            record_steps: false,
            sequential: false,
            history: true,
            spans: true,
            history_bytes: DEFAULT_HISTORY_BYTES,
        }
    }
}

impl Options {
    pub fn state_machine_arn(&self) -> String {
        format!("arn:aws:states:{}:{}:stateMachine:{}", self.region, self.account, self.state_machine_name)
    }
    /// A Standard execution's ARN (`...:execution:MACHINE:NAME`), or an Express one's
    /// (`...:express:MACHINE:NAME:ID`, the ID a UUID made from the seed and the names, so the
    /// same run gives the same ARN).
    pub fn execution_arn(&self, ty: crate::asl::MachineType) -> String {
        let (region, account, machine, name) =
            (&self.region, &self.account, &self.state_machine_name, &self.execution_name);
        match ty {
            crate::asl::MachineType::Standard => {
                format!("arn:aws:states:{region}:{account}:execution:{machine}:{name}")
            }
            crate::asl::MachineType::Express => {
                // FNV-1a over the seed and the names, reseeded per 8 hexadecimal digits.
                let text = format!("{}:{machine}:{name}", self.seed);
                let mut hex = String::new();
                for part in 0u32..4 {
                    let mut h = 0x811c_9dc5u32 ^ part;
                    for b in text.bytes() {
                        h ^= u32::from(b);
                        h = h.wrapping_mul(0x0100_0193);
                    }
                    hex.push_str(&format!("{h:08x}"));
                }
                let id = format!("{}-{}-4{}-a{}-{}", &hex[..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32]);
                format!("arn:aws:states:{region}:{account}:express:{machine}:{name}:{id}")
            }
        }
    }
}

/// Where an execution stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Running,
    Succeeded(Value),
    Failed(Failure),
    TimedOut(Failure),
    Aborted(Failure),
}

impl Status {
    pub fn name(&self) -> &'static str {
        match self {
            Status::Running => "RUNNING",
            Status::Succeeded(_) => "SUCCEEDED",
            Status::Failed(_) => "FAILED",
            Status::TimedOut(_) => "TIMED_OUT",
            Status::Aborted(_) => "ABORTED",
        }
    }
}

/// A Task invocation the host must resolve.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRequest {
    pub id: u64,
    pub state: Rc<str>,
    pub resource: Rc<str>,
    /// The effective parameters (the request payload).
    pub input: Rc<Value>,
    /// 0 for the first attempt, then 1, 2, ... for retries.
    pub attempt: u32,
    /// The branch or iteration it runs in (see [`Execution::lanes`]).
    pub lane: LaneId,
    /// `$$.Task.Token` for `.waitForTaskToken` and `.sync` integrations.
    pub token: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Start this task; report with [`Execution::complete_task`].
    Invoke(TaskRequest),
    /// The task is no longer wanted (timed out, or its branch was cancelled).
    Cancel(u64),
}

/// A running (or finished) execution.
pub struct Execution {
    opts: Options,
    root: Rc<Machine>,
    input: Rc<Value>,
    now: i64,
    frames: Vec<Frame>,
    work: VecDeque<Work>,
    timers: Agenda<Work>,
    effects: VecDeque<Effect>,
    /// The frame and generation of each task in flight, by task id - 1 (ids count up from 1).
    tasks: Vec<Option<(FrameId, u64)>>,
    next_task: u64,
    events: Vec<Event>,
    /// Where kept events go instead of `events`, when the host streams them.
    sink: Option<Box<dyn FnMut(Event)>>,
    /// Events written so far (also when they are not kept: `Options::history` off).
    event_count: u64,
    /// The events of child executions (a distributed Map's iterations), all together: they
    /// are not part of the history, but are counted against [`MAX_CHILD_EVENTS`].
    child_events: u64,
    spans: Vec<Span>,
    lanes: Lanes,
    /// What an ended frame holds instead of its input and variables.
    nothing: (Rc<Value>, Rc<Vars>),
    status: Status,
    rng: Rng,
    started: bool,
    /// The execution's and the state machine's ARNs (`$$.Execution.Id`, `$$.StateMachine.Id`).
    /// Made the first time the context object needs them.
    arns: std::cell::OnceCell<(String, String)>,
    /// What the kept history holds, against `Options::history_bytes`.
    budget: budget::Budget,
    /// The workspace of files: what an ItemReader reads and a ResultWriter writes.
    files: crate::files::Files,
    /// What a redrive needs of this attempt, and what this attempt resumes from (full engine
    /// only: `redrive.rs`).
    #[cfg(feature = "extras")]
    redrive: redrive::Tracker,
    /// The own histories of the distributed Maps' child executions (`children.rs`).
    #[cfg(feature = "extras")]
    children: children::Children,
    /// Each task in flight with a heartbeat, by task id: its timeout's time and its
    /// heartbeat interval (ms), for [`Execution::heartbeat`]. Full engine only.
    #[cfg(feature = "extras")]
    beats: Vec<(u64, i64, i64)>,
    /// The host's response to a waiting task's request, for its `TaskSubmitted` event
    /// ([`Execution::on_submit`]). Full engine only.
    #[cfg(feature = "extras")]
    submitter: Option<Submitter>,
}

/// See [`Execution::on_submit`].
#[cfg(feature = "extras")]
pub type Submitter = Box<dyn FnMut(&TaskRequest) -> Option<Value>>;

impl Execution {
    pub fn new(machine: Rc<Machine>, input: Value, opts: Options) -> Execution {
        let now = opts.start_time;
        let rng = Rng::new(opts.seed);
        let budget = budget::Budget::new(opts.history_bytes);
        Execution {
            opts,
            root: machine,
            input: Rc::new(input),
            now,
            frames: Vec::new(),
            work: VecDeque::new(),
            timers: Agenda::new(),
            effects: VecDeque::new(),
            tasks: Vec::new(),
            next_task: 1,
            events: Vec::new(),
            sink: None,
            event_count: 0,
            child_events: 0,
            spans: Vec::new(),
            lanes: Lanes::default(),
            nothing: (Rc::new(Value::Null), Rc::new(Vars::default())),
            status: Status::Running,
            rng,
            started: false,
            arns: std::cell::OnceCell::new(),
            budget,
            files: crate::files::Files::new(),
            #[cfg(feature = "extras")]
            redrive: redrive::Tracker::default(),
            #[cfg(feature = "extras")]
            children: children::Children::default(),
            #[cfg(feature = "extras")]
            beats: Vec::new(),
            #[cfg(feature = "extras")]
            submitter: None,
        }
    }

    /// The type of the machine it runs. Full engine only (a child execution's link).
    #[cfg(feature = "extras")]
    pub fn machine_type(&self) -> crate::asl::MachineType {
        self.root.machine_type
    }

    /// The execution's input. Full engine only (a child execution's description).
    #[cfg(feature = "extras")]
    pub fn input(&self) -> &Value {
        &self.input
    }

    /// The timeline span of task `id` while it is in flight. Full engine only (the link
    /// from a task to the child execution it started).
    #[cfg(feature = "extras")]
    pub fn task_span(&self, id: u64) -> Option<SpanId> {
        let (fid, _) = (*self.tasks.get((id as usize).wrapping_sub(1))?)?;
        match self.frames[fid].block {
            frame::Block::Task { id: t, span } if t == id => Some(span),
            _ => None,
        }
    }

    /// Is task `id` in flight (not answered, timed out or cancelled)? Full engine only.
    #[cfg(feature = "extras")]
    pub fn task_in_flight(&self, id: u64) -> bool {
        matches!(self.tasks.get((id as usize).wrapping_sub(1)), Some(Some((fid, gen))) if self.is_current(*fid, *gen))
    }

    /// SendTaskHeartbeat for task `id` (in flight, resolved by the host), now: its heartbeat
    /// clock starts again (its timeout stays where it was). Writes no event, as on AWS.
    /// False when the task is not in flight or has no heartbeat. Full engine only.
    #[cfg(feature = "extras")]
    pub fn heartbeat(&mut self, id: u64) -> bool {
        let tasks = &self.tasks;
        self.beats.retain(|b| tasks.get(b.0 as usize - 1).is_some_and(Option::is_some));
        let Some(&(_, timeout_at, every)) = self.beats.iter().find(|b| b.0 == id) else { return false };
        let Some(Some((fid, gen))) = self.tasks.get(id as usize - 1).copied() else { return false };
        if !self.is_current(fid, gen) {
            return false;
        }
        // A new generation: the timers set for the old one (timeout, heartbeat) lapse.
        let gen = {
            let f = &mut self.frames[fid];
            f.gen += 1;
            f.gen
        };
        self.tasks[id as usize - 1] = Some((fid, gen));
        self.schedule(timeout_at, Work::TaskTimeout { frame: fid, gen, error: "States.Timeout" });
        let beat = self.now.saturating_add(every);
        if beat < timeout_at {
            self.schedule(beat, Work::TaskTimeout { frame: fid, gen, error: "States.Timeout" });
        }
        true
    }

    /// The host's answer to the request that starts a waiting task's work (`.sync`,
    /// `.sync:2`, `.waitForTaskToken`): called when the task starts, with the request that
    /// [`Effect::Invoke`] then hands out; the value it gives is the `output` of the task's
    /// `TaskSubmitted` event (a host that runs a child execution gives the child's
    /// `{"ExecutionArn", "StartDate"}`). `None`, or no hook: a response in the service's
    /// shape is made up (`submitted.rs`). Full engine only.
    #[cfg(feature = "extras")]
    pub fn on_submit(&mut self, f: impl FnMut(&TaskRequest) -> Option<Value> + 'static) {
        self.submitter = Some(Box::new(f));
    }

    /// Hand the execution its workspace of files (before [`Execution::start`]): what a
    /// distributed Map's ItemReader reads and its ResultWriter writes.
    pub fn set_files(&mut self, files: crate::files::Files) {
        self.files = files;
    }
    /// The workspace of files, with what the run wrote ([`crate::files::Files::written`]).
    pub fn files(&self) -> &crate::files::Files {
        &self.files
    }
    /// The workspace of files, for the host's S3 tasks.
    pub fn files_mut(&mut self) -> &mut crate::files::Files {
        &mut self.files
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }
    pub fn now(&self) -> i64 {
        self.now
    }
    pub fn status(&self) -> &Status {
        &self.status
    }
    pub fn is_done(&self) -> bool {
        !matches!(self.status, Status::Running)
    }
    /// The history (empty when `Options::history` is off).
    pub fn events(&self) -> &[Event] {
        &self.events
    }
    /// The events kept since the last call, handed over.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// Hand every event to `sink` as it is written, instead of keeping it (with
    /// `Options::history`): a host that writes the history out as it goes (`statelab run
    /// --json`) holds one event at a time, not the whole history, whatever a step writes.
    pub fn stream_events(&mut self, sink: impl FnMut(Event) + 'static) {
        self.sink = Some(Box::new(sink));
    }
    /// How many events the execution has written, kept or not.
    pub fn event_count(&self) -> u64 {
        self.event_count
    }
    /// The timeline (empty when `Options::history` or `Options::spans` is off).
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }
    /// The kept history left some data out: it passed `Options::history_bytes`.
    pub fn history_elided(&self) -> bool {
        self.budget.elided
    }
    /// The distinct payload data the kept history holds, as counted against
    /// `Options::history_bytes` (bytes of JSON, about; 0 when there is no budget).
    pub fn history_bytes(&self) -> usize {
        self.budget.used()
    }
    /// The lanes events, spans and task requests name.
    pub fn lanes(&self) -> &Lanes {
        &self.lanes
    }

    /// Start the execution: ExecutionStarted, then every state that can run at time zero.
    pub fn start(&mut self) {
        if self.started {
            return;
        }
        self.started = true;
        #[cfg(feature = "extras")]
        if self.redrive.count > 0 {
            return self.start_redriven();
        }
        let input = self.input.clone();
        self.emit_execution(EventType::ExecutionStarted, |x| {
            fields! {"input": input, "inputDetails": Field::NotTruncated, "roleArn": &*x.opts.role_arn}
        });
        if let Some(over) = payload_limit(&self.input) {
            let cause = match over {
                Oversize::Bytes => "The input exceeds the maximum number of bytes service limit.",
                Oversize::Depth => "The input is nested more than 512 levels deep, statelab's limit.",
            };
            self.finish(Status::Failed(Failure::new("States.DataLimitExceeded", cause)));
            return;
        }
        self.schedule_timeout();
        let fid = self.new_frame(self.root.clone(), None, Rc::new(Vars::default()), self.input.clone(), 1);
        self.work.push_back(Work::Run(fid));
        self.drain();
    }

    /// The execution times out after the state machine's TimeoutSeconds from now, or the
    /// longest an execution of its type runs.
    fn schedule_timeout(&mut self) {
        let most = match self.root.machine_type {
            crate::asl::MachineType::Standard => MAX_STANDARD_MS,
            crate::asl::MachineType::Express => MAX_EXPRESS_MS,
        };
        let limit = self.root.timeout_seconds.map_or(most, |t| (t as i64 * 1000).min(most));
        self.schedule(self.now.saturating_add(limit), Work::ExecutionTimeout);
    }

    /// The next Task invocation or cancellation for the host.
    pub fn poll_effect(&mut self) -> Option<Effect> {
        self.effects.pop_front()
    }

    /// When the next internal timer (wait, back-off, timeout) fires.
    pub fn next_timer(&self) -> Option<i64> {
        if self.is_done() {
            return None;
        }
        self.timers.next_at()
    }

    /// Move virtual time forward to `to`: every timer due strictly before `to` fires, in order.
    /// Timers due exactly at `to` are left for [`Execution::fire_timers`], so that the host can
    /// first deliver task outcomes that arrive at that same instant.
    pub fn advance_to(&mut self, to: i64) {
        while !self.is_done() {
            let Some((at, work)) = self.timers.pop_due(to.saturating_sub(1)) else { break };
            self.fire(at, work);
        }
        self.now = self.now.max(to);
    }

    /// Fire every timer due at or before the current time.
    pub fn fire_timers(&mut self) {
        while !self.is_done() {
            let Some((at, work)) = self.timers.pop_due(self.now) else { break };
            self.fire(at, work);
        }
    }

    fn fire(&mut self, at: i64, work: Work) {
        self.now = self.now.max(at);
        self.work.push_back(work);
        self.drain();
    }

    /// Report a task's outcome at the current virtual time. Unknown or cancelled ids are ignored.
    pub fn complete_task(&mut self, id: u64, outcome: Result<Value, Failure>) {
        if let Some((frame, gen)) = self.take_task(id) {
            self.work.push_back(Work::TaskDone { frame, gen, outcome });
            self.drain();
        }
    }

    /// Stop the execution (the user pressed Stop): ExecutionAborted.
    pub fn stop(&mut self) {
        self.stop_with(Failure::new("", ""));
    }

    /// Stop the execution as AWS's StopExecution does, with its optional error and cause
    /// (empty: not given): the states in flight end without events of their own, and
    /// ExecutionAborted says the error and cause.
    pub fn stop_with(&mut self, f: Failure) {
        if self.is_done() {
            return;
        }
        self.abort_all();
        self.emit_execution(EventType::ExecutionAborted, |_| failure_fields(&f));
        self.status = Status::Aborted(f);
        self.timers.clear();
        self.close_running_spans();
    }

    // ------------------------------------------------------------------ internals

    fn schedule(&mut self, at: i64, work: Work) {
        self.timers.push(at, work);
    }

    /// The frame and generation of task `id`, no longer in flight.
    fn take_task(&mut self, id: u64) -> Option<(FrameId, u64)> {
        self.tasks.get_mut((id as usize).wrapping_sub(1))?.take()
    }

    fn drain(&mut self) {
        while let Some(w) = self.work.pop_front() {
            if self.is_done() {
                self.work.clear();
                break;
            }
            match w {
                Work::Run(fid) => self.run(fid),
                Work::TaskDone { frame, gen, outcome } => {
                    if self.is_current(frame, gen) {
                        self.task_done(frame, outcome);
                    }
                }
                Work::Resume { frame, gen } => {
                    if self.is_current(frame, gen) {
                        self.resume(frame);
                    }
                }
                Work::TaskTimeout { frame, gen, error } => {
                    if self.is_current(frame, gen) {
                        self.task_timed_out(frame, error);
                    }
                }
                Work::ChildHistoryFull(root) => {
                    if self.frames[root].alive {
                        self.abort_frame(root, false);
                        let cause = format!(
                            "The execution reached the maximum number of history events ({}).",
                            self.opts.max_events
                        );
                        self.frame_ended(root, Err(Failure::new("States.Runtime", cause)));
                    }
                }
                Work::ChildrenDone(fid) => {
                    if self.frames[fid].alive {
                        self.children_done(fid);
                    }
                }
                Work::ExecutionTimeout => {
                    self.abort_all();
                    self.emit_execution(EventType::ExecutionTimedOut, |_| fields! {"error": "States.Timeout"});
                    self.status = Status::TimedOut(Failure::new("States.Timeout", ""));
                }
            }
        }
        if self.is_done() {
            self.close_running_spans();
        }
    }

    /// Work for frame `fid` made at generation `gen` still applies.
    fn is_current(&self, fid: FrameId, gen: u64) -> bool {
        self.frames[fid].alive && self.frames[fid].gen == gen
    }

    /// Abort every frame still running (the execution stops or times out).
    fn abort_all(&mut self) {
        for fid in 0..self.frames.len() {
            if self.frames[fid].alive {
                self.abort_frame(fid, false);
            }
        }
    }

    /// The execution ends with `status` (once), with its last event.
    fn finish(&mut self, status: Status) {
        if self.is_done() {
            return;
        }
        match &status {
            Status::Succeeded(out) => {
                self.emit_execution(EventType::ExecutionSucceeded, |_| {
                    fields! {"output": out.clone(), "outputDetails": Field::NotTruncated}
                });
            }
            Status::Failed(f) => {
                self.emit_execution(EventType::ExecutionFailed, |_| failure_fields(f));
            }
            _ => {}
        }
        if !self.is_done() {
            self.status = status;
        }
        self.timers.clear();
    }
}

/// An event's `error` and `cause` fields, each when it is not empty.
fn failure_fields(f: &Failure) -> Vec<(&'static str, Field)> {
    let mut d = Vec::with_capacity(2);
    if !f.error.is_empty() {
        d.push(("error", Field::from(f.error.as_str())));
    }
    if !f.cause.is_empty() {
        d.push(("cause", Field::from(f.cause.as_str())));
    }
    d
}
