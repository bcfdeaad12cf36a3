//! The sans-IO executor.
//!
//! An [`Execution`] is a state machine over virtual time. It never reads a clock, sleeps or
//! does IO: the host calls [`Execution::start`], takes the Task invocations it asks for with
//! [`Execution::poll_effect`], reports their outcomes with [`Execution::complete_task`], and
//! moves time forward with [`Execution::advance`] (to [`Execution::next_timer`] or to when a
//! task it is running finishes). Waits, retry back-offs and timeouts are timers inside.
//!
//! Concurrency: every running chain of states (the top level, each Parallel branch, each Map
//! iteration) is a *frame*. Work that is ready runs in FIFO order, a frame running until it
//! blocks on a task, a timer or its children, so the order of events is deterministic.

pub mod analysis;

pub mod events;

use crate::asl::{self, Io, Kind, Machine, State};
use crate::dataflow::scope::Vars;
use crate::error::Failure;
use crate::fields;
use crate::json;
use crate::support::agenda::Agenda;
pub use crate::support::rng::Rng;
use crate::value::read::to_compact;
use crate::value::Value;
use events::{Event, Field};
use std::collections::VecDeque;
use std::rc::Rc;

/// AWS's payload limit: 256 KiB of UTF-8.
pub const MAX_PAYLOAD_BYTES: usize = 262_144;
/// AWS's history limit for one execution.
pub const MAX_HISTORY_EVENTS: usize = 25_000;

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
        }
    }
}

impl Options {
    pub fn state_machine_arn(&self) -> String {
        format!("arn:aws:states:{}:{}:stateMachine:{}", self.region, self.account, self.state_machine_name)
    }
    pub fn execution_arn(&self) -> String {
        format!(
            "arn:aws:states:{}:{}:execution:{}:{}",
            self.region, self.account, self.state_machine_name, self.execution_name
        )
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
    pub resource: String,
    /// The effective parameters (the request payload).
    pub input: Rc<Value>,
    /// 0 for the first attempt, then 1, 2, ... for retries.
    pub attempt: u32,
    pub lane: Rc<str>,
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

/// One bar of the timeline: a state execution, a Task attempt, a retry back-off or a wait.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub lane: Rc<str>,
    pub state: Rc<str>,
    pub kind: SpanKind,
    pub start: i64,
    pub end: Option<i64>,
    pub input: Option<Rc<Value>>,
    pub output: Option<Rc<Value>>,
    /// "running", "succeeded", "failed", "caught", "cancelled".
    pub status: &'static str,
    pub error: Option<Failure>,
    /// For state spans: the value after each data-flow step, in order (InputPath,
    /// Parameters, Result, ResultSelector, ResultPath, OutputPath; Arguments and Output for
    /// JSONata), when `Options::record_steps` is on.
    pub steps: Vec<(&'static str, Rc<Value>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanKind {
    State,
    Attempt,
    Backoff,
    Wait,
}

impl SpanKind {
    pub fn name(self) -> &'static str {
        match self {
            SpanKind::State => "state",
            SpanKind::Attempt => "attempt",
            SpanKind::Backoff => "backoff",
            SpanKind::Wait => "wait",
        }
    }
}

type FrameId = usize;

#[derive(Debug)]
enum Block {
    None,
    Task { id: u64, span: usize },
    Timer,
    Children(Box<Group>),
}

#[derive(Debug)]
struct Group {
    is_map: bool,
    children: Vec<Option<FrameId>>,
    results: Vec<Option<Rc<Value>>>,
    /// Map items not started yet (index, input).
    queue: VecDeque<(usize, Rc<Value>)>,
    running: usize,
    max_concurrency: usize,
    failed: usize,
    tolerated_count: Option<u64>,
    tolerated_percentage: Option<f64>,
    total: usize,
    done: usize,
    distributed: bool,
}

#[derive(Debug)]
struct Frame {
    machine: Rc<Machine>,
    parent: Option<(FrameId, usize)>,
    vars: Rc<Vars>,
    state: usize,
    input: Rc<Value>,
    entered_event: u64,
    entered_time: i64,
    last_event: u64,
    attempts: Vec<u32>,
    retry_count: u32,
    block: Block,
    gen: u64,
    /// The frame's lane (`""` at the top, `Parallel/0`, `Map/3/Inner/1`, ... below), made when
    /// it is first needed: at once when events are kept, else only for a Task request.
    lane: Option<Rc<str>>,
    state_span: usize,
    alive: bool,
    /// A Wait state's output and assignments, computed before it started waiting.
    stash: Option<(Rc<Value>, Option<Value>)>,
    /// Inside a distributed Map: its iterations run as child executions, whose events are not
    /// part of this execution's history.
    silent: bool,
    /// The token of the callback (`.waitForTaskToken`) or job-run (`.sync`) task this frame is
    /// running (`$$.Task.Token`).
    task_token: Option<String>,
    /// A Map iteration whose MapIterationStarted event is still to be written.
    iteration_pending: bool,
}

#[derive(Debug)]
enum Work {
    Run(FrameId),
    TaskDone { frame: FrameId, gen: u64, outcome: Result<Value, Failure> },
    Resume { frame: FrameId, gen: u64 },
    TaskTimeout { frame: FrameId, gen: u64, error: &'static str },
    ChildrenDone(FrameId),
    ExecutionTimeout,
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
    /// Events written so far (also when they are not kept: `Options::history` off).
    event_count: u64,
    spans: Vec<Span>,
    status: Status,
    rng: Rng,
    started: bool,
    /// The execution's and the state machine's ARNs (`$$.Execution.Id`, `$$.StateMachine.Id`).
    /// Made the first time the context object needs them.
    arns: std::cell::OnceCell<(String, String)>,
}

impl Execution {
    pub fn new(machine: Rc<Machine>, input: Value, opts: Options) -> Execution {
        let now = opts.start_time;
        let rng = Rng::new(opts.seed);
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
            event_count: 0,
            spans: Vec::new(),
            status: Status::Running,
            rng,
            started: false,
            arns: std::cell::OnceCell::new(),
        }
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
    /// How many events the execution has written, kept or not.
    pub fn event_count(&self) -> u64 {
        self.event_count
    }
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// Start the execution: ExecutionStarted, then every state that can run at time zero.
    pub fn start(&mut self) {
        if self.started {
            return;
        }
        self.started = true;
        let input = self.input.clone();
        let details = self
            .opts
            .history
            .then(|| fields! {"input": input, "inputDetails": Field::NotTruncated, "roleArn": &*self.opts.role_arn});
        self.emit_raw(0, "ExecutionStarted", details);
        if payload_too_large(&self.input) {
            self.finish(Status::Failed(Failure::new(
                "States.DataLimitExceeded",
                "The input exceeds the maximum number of bytes service limit.",
            )));
            return;
        }
        if let Some(t) = self.root.timeout_seconds {
            self.schedule(self.now + t as i64 * 1000, Work::ExecutionTimeout);
        }
        let fid = self.new_frame(self.root.clone(), None, Rc::new(Vars::default()), self.input.clone(), 1);
        self.work.push_back(Work::Run(fid));
        self.drain();
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
        if self.is_done() {
            return;
        }
        for fid in 0..self.frames.len() {
            if self.frames[fid].alive {
                self.abort_frame(fid, false);
            }
        }
        self.emit_raw(0, "ExecutionAborted", None);
        self.status = Status::Aborted(Failure::new("", ""));
        self.timers.clear();
    }

    // ------------------------------------------------------------------ internals

    fn new_frame(
        &mut self,
        machine: Rc<Machine>,
        parent: Option<(FrameId, usize)>,
        vars: Rc<Vars>,
        input: Rc<Value>,
        last_event: u64,
    ) -> FrameId {
        let state = machine.start_at;
        let silent = parent.is_some_and(|(p, _)| {
            self.frames[p].silent || matches!(&self.state(p).kind, Kind::Map(m) if m.distributed)
        });
        self.frames.push(Frame {
            machine,
            parent,
            vars,
            state,
            input,
            entered_event: 0,
            entered_time: self.now,
            last_event,
            attempts: Vec::new(),
            retry_count: 0,
            block: Block::None,
            gen: 0,
            lane: None,
            state_span: usize::MAX,
            alive: true,
            stash: None,
            silent,
            task_token: None,
            iteration_pending: false,
        });
        let fid = self.frames.len() - 1;
        if self.opts.history {
            // Made now, while the parent still runs the state that started this frame.
            self.lane(Some(fid));
        }
        fid
    }

    /// The lane of frame `fid` (`None`: the execution's own, `""`). A child's lane names the
    /// state its parent runs, so it is made while that state runs (see `Frame::lane`).
    fn lane(&mut self, fid: Option<FrameId>) -> Rc<str> {
        let Some(fid) = fid else { return Rc::from("") };
        if let Some(lane) = &self.frames[fid].lane {
            return lane.clone();
        }
        let lane: Rc<str> = match self.frames[fid].parent {
            None => Rc::from(""),
            Some((parent, index)) => {
                let above = self.lane(Some(parent));
                let sep = if above.is_empty() { "" } else { "/" };
                format!("{above}{sep}{}/{index}", self.state(parent).name).into()
            }
        };
        self.frames[fid].lane = Some(lane.clone());
        lane
    }

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
                return;
            }
            match w {
                Work::Run(fid) => self.run(fid),
                Work::TaskDone { frame, gen, outcome } => {
                    if self.frames[frame].alive && self.frames[frame].gen == gen {
                        self.task_done(frame, outcome);
                    }
                }
                Work::Resume { frame, gen } => {
                    if self.frames[frame].alive && self.frames[frame].gen == gen {
                        self.resume(frame);
                    }
                }
                Work::TaskTimeout { frame, gen, error } => {
                    if self.frames[frame].alive && self.frames[frame].gen == gen {
                        self.task_timed_out(frame, error);
                    }
                }
                Work::ChildrenDone(fid) => {
                    if self.frames[fid].alive {
                        self.children_done(fid);
                    }
                }
                Work::ExecutionTimeout => {
                    for fid in 0..self.frames.len() {
                        if self.frames[fid].alive {
                            self.abort_frame(fid, false);
                        }
                    }
                    let f = Failure::new("States.Timeout", "");
                    self.emit_raw(0, "ExecutionTimedOut", Some(fields! {"error": "States.Timeout"}));
                    self.status = Status::TimedOut(f);
                }
            }
        }
    }

    fn state(&self, fid: FrameId) -> &State {
        let f = &self.frames[fid];
        &f.machine.states[f.state]
    }

    /// Append an event in frame `fid`, chained to the frame's previous event.
    fn emit(&mut self, fid: FrameId, kind: &'static str, details: Option<Vec<(&'static str, Field)>>) -> u64 {
        let f = &mut self.frames[fid];
        let prev = f.last_event;
        if f.silent {
            return prev;
        }
        f.last_event = self.event_count + 1;
        self.push_event(prev, Some(fid), kind, details)
    }

    /// Events of this frame are kept (not only counted): build their details then.
    #[inline(always)]
    fn keeps_events(&self, fid: FrameId) -> bool {
        self.keeps_events_of(&self.frames[fid])
    }

    /// As `keeps_events`, for a frame already at hand.
    #[inline(always)]
    fn keeps_events_of(&self, f: &Frame) -> bool {
        self.opts.history && !f.silent
    }

    fn emit_raw(&mut self, prev: u64, kind: &'static str, details: Option<Vec<(&'static str, Field)>>) -> u64 {
        let prev = if prev == 0 { self.event_count } else { prev };
        self.push_event(prev, None, kind, details)
    }

    /// Append an event (in frame `fid`'s lane, or the execution's).
    #[inline(always)]
    fn push_event(
        &mut self,
        prev: u64,
        fid: Option<FrameId>,
        kind: &'static str,
        details: Option<Vec<(&'static str, Field)>>,
    ) -> u64 {
        self.event_count += 1;
        let id = self.event_count;
        match (self.opts.history, details) {
            (true, details) => self.keep_event(id, prev, fid, kind, details),
            (false, Some(details)) => drop(details),
            (false, None) => {}
        }
        if id as usize >= self.opts.max_events {
            self.history_full(id);
        }
        id
    }

    fn keep_event(
        &mut self,
        id: u64,
        prev: u64,
        fid: Option<FrameId>,
        kind: &'static str,
        details: Option<Vec<(&'static str, Field)>>,
    ) {
        let lane = self.lane(fid);
        self.events.push(Event { id, previous_event_id: prev, timestamp: self.now, kind, fields: details, lane });
    }

    /// Event `id` reached the history limit: the execution fails (once).
    fn history_full(&mut self, id: u64) {
        if !self.is_done() {
            let cause =
                format!("The execution reached the maximum number of history events ({}).", self.opts.max_events);
            self.status = Status::Failed(Failure::new("States.Runtime", cause.clone()));
            self.event_count += 1;
            if self.opts.history {
                self.events.push(Event {
                    id: id + 1,
                    previous_event_id: id,
                    timestamp: self.now,
                    kind: "ExecutionFailed",
                    fields: Some(fields! {"error": "States.Runtime", "cause": cause}),
                    lane: Rc::from(""),
                });
            }
            self.timers.clear();
            self.effects.clear();
        }
    }

    fn finish(&mut self, status: Status) {
        if self.is_done() {
            return;
        }
        match &status {
            Status::Succeeded(out) => {
                let details =
                    self.opts.history.then(|| fields! {"output": out.clone(), "outputDetails": Field::NotTruncated});
                self.emit_raw(0, "ExecutionSucceeded", details);
            }
            Status::Failed(f) => {
                let details = self.opts.history.then(|| failure_fields(f));
                self.emit_raw(0, "ExecutionFailed", details);
            }
            _ => {}
        }
        if !self.is_done() {
            self.status = status;
        }
        self.timers.clear();
    }

    /// A new timeline span, by index (`usize::MAX`, which no span has, when spans are not kept).
    fn open_span(&mut self, fid: FrameId, kind: SpanKind, input: Option<Rc<Value>>) -> usize {
        if !self.opts.history {
            return usize::MAX;
        }
        let state = self.state(fid).name.clone();
        let lane = self.lane(Some(fid));
        self.spans.push(Span {
            lane,
            state,
            kind,
            start: self.now,
            end: None,
            input,
            output: None,
            status: "running",
            error: None,
            steps: Vec::new(),
        });
        self.spans.len() - 1
    }

    fn close_span(&mut self, span: usize, status: &'static str, output: Option<Rc<Value>>, error: Option<&Failure>) {
        if let Some(s) = self.spans.get_mut(span) {
            if s.end.is_none() {
                s.end = Some(self.now);
                s.status = status;
                s.output = output;
                s.error = error.cloned();
            }
        }
    }

    /// Run frame `fid` from its current state until it blocks or ends.
    fn run(&mut self, fid: FrameId) {
        if std::mem::take(&mut self.frames[fid].iteration_pending) {
            if let Some((parent, index)) = self.frames[fid].parent {
                let name = self.state(parent).name.clone();
                let details = self.keeps_events(parent).then(|| fields! {"name": name, "index": index});
                let id = self.emit(parent, "MapIterationStarted", details);
                self.frames[fid].last_event = id;
            }
        }
        while self.frames[fid].alive && !self.is_done() {
            match self.enter(fid) {
                Flow::Next => continue,
                Flow::Blocked | Flow::Ended => return,
            }
        }
    }

    /// Enter the frame's current state and do what can be done now.
    fn enter(&mut self, fid: FrameId) -> Flow {
        let f = &self.frames[fid];
        let s = &f.machine.states[f.state];
        let details = self
            .keeps_events_of(f)
            .then(|| fields! {"name": s.name.clone(), "input": f.input.clone(), "inputDetails": Field::NotTruncated});
        let id = self.emit(fid, s.event(0), details);
        if self.is_done() {
            return Flow::Ended;
        }
        {
            let f = &mut self.frames[fid];
            f.entered_event = id;
            f.entered_time = self.now;
            f.attempts.clear();
            f.retry_count = 0;
            f.gen += 1;
        }
        if self.opts.history {
            let input = self.frames[fid].input.clone();
            self.frames[fid].state_span = self.open_span(fid, SpanKind::State, Some(input));
        }
        self.execute(fid)
    }

    /// Execute (or re-execute, on retry) the frame's current state.
    fn execute(&mut self, fid: FrameId) -> Flow {
        if self.opts.record_steps {
            if let Some(s) = self.spans.get_mut(self.frames[fid].state_span) {
                s.steps.clear();
            }
        }
        let frame_machine = self.frames[fid].machine.clone();
        let state = &frame_machine.states[self.frames[fid].state];
        match &state.kind {
            Kind::Pass { result } => self.run_pass(fid, state, result.as_ref()),
            Kind::Task(task) => self.run_task(fid, state, task),
            Kind::Choice(choice) => self.run_choice(fid, state, choice),
            Kind::Wait(wait) => self.run_wait(fid, state, wait),
            Kind::Succeed => {
                let out = match self.plain_output(fid, state) {
                    Ok(v) => v,
                    Err(f) => return self.fail_state(fid, f),
                };
                self.exit_state(fid, out, None)
            }
            Kind::Fail(fail) => self.run_fail(fid, fail),
            Kind::Parallel(branches) => self.run_parallel(fid, state, branches),
            Kind::Map(map) => self.run_map(fid, state, map),
        }
    }

    /// The state's output has been computed: emit the Exited event, and move on.
    fn exit_state(&mut self, fid: FrameId, output: Rc<Value>, assigned: Option<Value>) -> Flow {
        if payload_too_large(&output) {
            let name = self.state(fid).name.clone();
            return self.fail_state(
                fid,
                Failure::new("States.DataLimitExceeded", format!("The state/task '{name}' returned a result with a size exceeding the maximum number of bytes service limit.")),
            );
        }
        let next = self.state(fid).next;
        self.exit_to(fid, output, assigned, next)
    }

    /// The details of the frame's `<Type>StateExited` event, if events are kept.
    fn exited_details(
        &self,
        fid: FrameId,
        output: &Rc<Value>,
        assigned: Option<Value>,
    ) -> Option<Vec<(&'static str, Field)>> {
        self.keeps_events(fid).then(|| {
            let mut details =
                fields! {"name": self.state(fid).name.clone(), "output": output, "outputDetails": Field::NotTruncated};
            if let Some(a) = assigned {
                details.push(("assignedVariables", Field::from(a)));
                details.push(("assignedVariablesDetails", Field::NotTruncated));
            }
            details
        })
    }

    /// Leave the frame's current state with `output` for state `next` (`None`: the frame ends).
    fn exit_to(&mut self, fid: FrameId, output: Rc<Value>, assigned: Option<Value>, next: Option<usize>) -> Flow {
        let f = &self.frames[fid];
        let state = &f.machine.states[f.state];
        let (kind, span, keeps) = (state.event(1), f.state_span, self.keeps_events_of(f));
        let is_end = matches!(state.kind, Kind::Succeed) || next.is_none();
        let details = match assigned {
            None if !keeps => None,
            assigned => self.exited_details(fid, &output, assigned),
        };
        self.emit(fid, kind, details);
        if span != usize::MAX {
            self.close_span(span, "succeeded", Some(output.clone()), None);
        }
        match next {
            Some(n) if !is_end => {
                let f = &mut self.frames[fid];
                f.state = n;
                f.input = output;
                if !matches!(f.block, Block::None) {
                    f.block = Block::None;
                }
                Flow::Next
            }
            _ => {
                self.frame_ended(fid, Ok(output));
                Flow::Ended
            }
        }
    }

    /// A state failed with `failure`: retry it, catch it, or fail the frame.
    fn fail_state(&mut self, fid: FrameId, failure: Failure) -> Flow {
        let machine = self.frames[fid].machine.clone();
        let state = &machine.states[self.frames[fid].state];
        let span = self.frames[fid].state_span;
        // Retry.
        if let Some(ri) = state.retry.iter().position(|r| asl::error_matches(&r.error_equals, &failure.error)) {
            let r = &state.retry[ri];
            let f = &mut self.frames[fid];
            if f.attempts.len() < state.retry.len() {
                f.attempts.resize(state.retry.len(), 0);
            }
            let done = f.attempts[ri];
            if done < r.max_attempts {
                f.attempts[ri] += 1;
                f.retry_count += 1;
                let mut delay = r.interval_seconds * r.backoff_rate.powi(done as i32);
                if let Some(max) = r.max_delay_seconds {
                    delay = delay.min(max);
                }
                if r.full_jitter {
                    delay *= self.rng.next_f64();
                }
                let ms = (delay * 1000.0).round() as i64;
                let gen = {
                    let f = &mut self.frames[fid];
                    f.gen += 1;
                    f.block = Block::Timer;
                    f.gen
                };
                let b = self.open_span(fid, SpanKind::Backoff, None);
                if let Some(s) = self.spans.get_mut(b) {
                    s.end = Some(self.now + ms);
                    s.status = "succeeded";
                    s.error = Some(failure);
                }
                self.schedule(self.now + ms, Work::Resume { frame: fid, gen });
                return Flow::Blocked;
            }
        }
        // No retry: a Map or Parallel state reports that it failed (AWS does not for the
        // runtime errors of its own fields).
        if failure.error != "States.Runtime" {
            match state.kind {
                Kind::Map(_) => {
                    self.emit(fid, "MapStateFailed", None);
                }
                Kind::Parallel(_) => {
                    self.emit(fid, "ParallelStateFailed", None);
                }
                _ => {}
            }
        }
        // Catch.
        if failure.error != "States.Runtime" {
            if let Some(c) = state.catch.iter().find(|c| asl::error_matches(&c.error_equals, &failure.error)) {
                let error_output = error_output(&failure);
                let raw_input = self.frames[fid].input.clone();
                let result = self.catch_output(fid, state, c, raw_input, error_output);
                return match result {
                    Ok((output, assigned)) => {
                        let details = self.exited_details(fid, &output, assigned);
                        self.emit(fid, state.event(1), details);
                        self.close_span(span, "caught", Some(output.clone()), Some(&failure));
                        let f = &mut self.frames[fid];
                        f.state = c.next;
                        f.input = output;
                        f.block = Block::None;
                        Flow::Next
                    }
                    Err(f2) => {
                        self.close_span(span, "failed", None, Some(&f2));
                        self.frame_ended(fid, Err(f2));
                        Flow::Ended
                    }
                };
            }
        }
        self.close_span(span, "failed", None, Some(&failure));
        self.frame_ended(fid, Err(failure));
        Flow::Ended
    }

    /// A frame finished: tell its parent group, or finish the execution.
    fn frame_ended(&mut self, fid: FrameId, result: Result<Rc<Value>, Failure>) {
        self.frames[fid].alive = false;
        self.frames[fid].block = Block::None;
        let Some((parent, index)) = self.frames[fid].parent else {
            match result {
                Ok(v) => self.finish(Status::Succeeded(Rc::try_unwrap(v).unwrap_or_else(|rc| (*rc).clone()))),
                Err(f) => self.finish(Status::Failed(f)),
            }
            return;
        };
        let (name, is_map, distributed) = {
            let pstate = self.state(parent);
            let (is_map, distributed) = match &pstate.kind {
                Kind::Map(m) => (true, m.distributed),
                _ => (false, false),
            };
            (pstate.name.clone(), is_map, distributed)
        };
        let Block::Children(group) = &mut self.frames[parent].block else { return };
        group.children[index] = None;
        group.running -= 1;
        group.done += 1;
        match result {
            Ok(v) => {
                group.results[index] = Some(v);
                if is_map && !distributed {
                    let details = self.keeps_events(parent).then(|| fields! {"name": name, "index": index});
                    self.emit(parent, "MapIterationSucceeded", details);
                }
                self.start_queued(parent);
                self.check_group_done(parent);
            }
            Err(f) => {
                if is_map && !distributed {
                    self.emit(parent, "MapIterationFailed", Some(fields! {"name": name, "index": index}));
                }
                let Block::Children(group) = &mut self.frames[parent].block else { return };
                group.failed += 1;
                let tolerated = group.is_map && {
                    let by_count = group.tolerated_count.is_some_and(|c| group.failed as u64 <= c);
                    let by_pct = group
                        .tolerated_percentage
                        .is_some_and(|p| (group.failed as f64) * 100.0 / (group.total.max(1) as f64) <= p);
                    by_count || by_pct
                };
                if tolerated {
                    group.results[index] = Some(Rc::new(error_output(&f)));
                    self.start_queued(parent);
                    self.check_group_done(parent);
                    return;
                }
                let failure = if group.tolerated_count.is_some() || group.tolerated_percentage.is_some() {
                    Failure::new(
                        "States.ExceedToleratedFailureThreshold",
                        "The specified tolerated failure threshold was exceeded",
                    )
                } else {
                    f
                };
                self.cancel_children(parent);
                if self.is_done() {
                    return;
                }
                // The parent state fails; its Retry/Catch apply. Run it through the work queue so
                // that a caught failure continues the parent frame.
                self.frames[parent].block = Block::None;
                match self.fail_state(parent, failure) {
                    Flow::Next => self.work.push_back(Work::Run(parent)),
                    Flow::Blocked | Flow::Ended => {}
                }
            }
        }
    }

    fn start_queued(&mut self, parent: FrameId) {
        loop {
            let Block::Children(group) = &mut self.frames[parent].block else { return };
            if group.queue.is_empty() || (group.max_concurrency > 0 && group.running >= group.max_concurrency) {
                return;
            }
            let (index, item) = group.queue.pop_front().expect("queue not empty");
            group.running += 1;
            let child = if group.is_map {
                self.spawn_iteration(parent, index, item)
            } else {
                self.spawn_branch(parent, index, item)
            };
            if let Block::Children(group) = &mut self.frames[parent].block {
                group.children[index] = Some(child);
            }
            self.work.push_back(Work::Run(child));
        }
    }

    fn check_group_done(&mut self, parent: FrameId) {
        let Block::Children(group) = &self.frames[parent].block else { return };
        if group.done == group.total {
            self.work.push_back(Work::ChildrenDone(parent));
        }
    }

    fn cancel_children(&mut self, parent: FrameId) {
        let children: Vec<FrameId> = match &mut self.frames[parent].block {
            Block::Children(g) => {
                g.queue.clear();
                g.children.iter().flatten().copied().collect()
            }
            _ => Vec::new(),
        };
        for c in children {
            self.abort_frame(c, true);
        }
    }

    /// Abort a frame and everything below it (a sibling failed, the execution stopped).
    fn abort_frame(&mut self, fid: FrameId, emit_events: bool) {
        if !self.frames[fid].alive {
            return;
        }
        self.cancel_children(fid);
        let f = &mut self.frames[fid];
        f.alive = false;
        f.gen += 1;
        let block = std::mem::replace(&mut f.block, Block::None);
        if let Block::Task { id, span } = block {
            self.take_task(id);
            self.effects.push_back(Effect::Cancel(id));
            self.close_span(span, "cancelled", None, None);
        }
        let span = self.frames[fid].state_span;
        self.close_span(span, "cancelled", None, None);
        if emit_events {
            let kind = self.state(fid).event(2);
            self.emit(fid, kind, None);
            if let Some((parent, index)) = self.frames[fid].parent {
                if let Kind::Map(m) = &self.state(parent).kind {
                    if !m.distributed {
                        let name = self.state(parent).name.clone();
                        self.emit(parent, "MapIterationAborted", Some(fields! {"name": name, "index": index}));
                    }
                }
            }
        }
    }

    fn resume(&mut self, fid: FrameId) {
        // A wait or a retry back-off finished.
        let was_wait = matches!(self.state(fid).kind, Kind::Wait(_)) && matches!(self.frames[fid].block, Block::Timer);
        self.frames[fid].block = Block::None;
        if was_wait {
            let flow = self.finish_wait(fid);
            if let Flow::Next = flow {
                self.run(fid);
            }
            return;
        }
        if let Flow::Next = self.execute(fid) {
            self.run(fid);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Next,
    Blocked,
    Ended,
}

/// What a Catch (or a tolerated Map iteration) gets for a failure: `{"Error", "Cause"}`, each
/// null when the failure has none at all (recorded: a task failed through SendTaskFailure
/// without them), and "" when it is empty (recorded: a timeout's cause).
fn error_output(f: &Failure) -> Value {
    let text = |s: &str, absent: bool| if absent { Value::Null } else { Value::from(s) };
    json!({"Error": text(&f.error, f.unnamed), "Cause": text(&f.cause, f.no_cause)})
}

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

/// More than AWS's 256 KiB as compact JSON? Only a value whose upper bound is over the limit
/// is written out to count its bytes exactly.
#[inline(always)]
pub(crate) fn payload_too_large(v: &Value) -> bool {
    crate::value::text_bound(v) > MAX_PAYLOAD_BYTES && crate::value::to_string(v).len() > MAX_PAYLOAD_BYTES
}

// The per-state behaviour lives in `states.rs`.
mod states;
