//! Hosting an [`Execution`]: Task invocations resolved from [`Mocks`] (or by the host itself),
//! and time moved from one thing that happens to the next.
//!
//! [`Host`] holds everything a driver needs; the two drivers differ only in how they wait:
//! [`simulate`] jumps straight to [`Host::next_deadline`], the browser's JS driver sleeps
//! until it with a real timer. Both then call [`Host::step`], so the same definition, input,
//! mocks and seed give the same events in the same order.

use crate::asl::Machine;
use crate::error::Failure;
use crate::exec::{Effect, Execution, Options, Rng, TaskRequest};
use crate::json;
use crate::mock::Mocks;
use crate::support::agenda::Agenda;
use crate::value::{Map, Value};
use std::rc::Rc;

/// Why the host could not carry an execution on.
#[derive(Debug, Clone, PartialEq)]
pub enum HostError {
    /// A Task had no mocked response: the message names the state.
    Unmocked(String),
}

impl std::fmt::Display for HostError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HostError::Unmocked(m) => f.write_str(m),
        }
    }
}

/// An execution with its host side: mocks, and the tasks in flight.
pub struct Host {
    pub exec: Execution,
    mocks: Mocks,
    latency_rng: Rng,
    /// Mocked task completions, by virtual time: (task id, outcome).
    pending: Agenda<(u64, Result<Value, Failure>)>,
    /// The ids of the tasks in flight that the caller resolves itself (a user's JS function).
    external: Vec<u64>,
    /// States whose tasks the caller resolves itself.
    external_states: Vec<String>,
    /// Invocations handed to the caller and not yet taken.
    outbox: Vec<TaskRequest>,
    /// The workspace of machines and the count of children, shared by the run's hosts.
    #[cfg(feature = "extras")]
    tree: crate::child::Tree,
    /// The child executions this execution started, in the order it started them.
    #[cfg(feature = "extras")]
    children: Vec<crate::child::Child>,
    /// Names, seeds and request ids of children draw from their own seeded source.
    #[cfg(feature = "extras")]
    child_rng: Rng,
    /// Set when the execution has ended (a child's, for StartExecution's rule on names).
    #[cfg(feature = "extras")]
    ended: Option<Rc<std::cell::Cell<bool>>>,
}

impl Host {
    pub fn new(machine: Rc<Machine>, input: Value, mocks: Mocks, opts: Options) -> Host {
        Host::of(Execution::new(machine, input, opts), mocks)
    }

    /// A host for an execution made elsewhere (a redriven one: [`Execution::redriven`]).
    pub fn of(exec: Execution, mocks: Mocks) -> Host {
        // Latency ranges draw from their own seeded source, so that mocks do not shift the
        // engine's own draws (jitter, UUIDs).
        let latency_rng = Rng::new(exec.options().seed.wrapping_add(1));
        Host {
            external_states: Vec::new(),
            outbox: Vec::new(),
            #[cfg(feature = "extras")]
            child_rng: Rng::new(exec.options().seed.wrapping_add(2)),
            exec,
            mocks,
            latency_rng,
            pending: Agenda::new(),
            external: Vec::new(),
            #[cfg(feature = "extras")]
            tree: crate::child::Tree::default(),
            #[cfg(feature = "extras")]
            children: Vec::new(),
            #[cfg(feature = "extras")]
            ended: None,
        }
    }

    /// The host of a child execution: the run's mocks are the parent's (with counters of its
    /// own), its workspace the parent's.
    #[cfg(feature = "extras")]
    pub(crate) fn child(
        machine: Rc<Machine>,
        input: Value,
        mocks: Mocks,
        opts: Options,
        tree: crate::child::Tree,
    ) -> Host {
        let mut h = Host::new(machine, input, mocks, opts);
        h.tree = tree;
        h
    }

    /// Set `ended` whenever the execution has ended.
    #[cfg(feature = "extras")]
    pub(crate) fn on_end(&mut self, ended: Rc<std::cell::Cell<bool>>) {
        self.ended = Some(ended);
    }

    fn note_end(&self) {
        #[cfg(feature = "extras")]
        if let Some(e) = &self.ended {
            e.set(self.exec.is_done());
        }
    }

    /// Hand the run its workspace of named state machines (before [`Host::start`]): a Task
    /// that starts an execution of one of them runs it as a child execution
    /// ([`crate::child`]), unless a mock of the task's own state answers it.
    #[cfg(feature = "extras")]
    pub fn set_machines(&mut self, workspace: crate::child::Workspace) {
        self.tree.workspace = Rc::new(workspace);
    }

    /// The child executions this execution started (each holds its own in turn).
    #[cfg(feature = "extras")]
    pub fn children(&self) -> &[crate::child::Child] {
        &self.children
    }

    /// The execution and every child execution of the run have ended.
    pub fn all_done(&self) -> bool {
        #[cfg(feature = "extras")]
        if !self.children.iter().all(|c| c.all_done()) {
            return false;
        }
        self.exec.is_done()
    }

    /// Tasks of these states are handed to the caller ([`Host::take_external`]) instead of mocks.
    pub fn resolve_externally(&mut self, states: Vec<String>) {
        self.external_states = states;
    }

    pub fn start(&mut self) -> Result<(), HostError> {
        self.exec.start();
        self.collect()
    }

    /// Take the effects the execution asked for: schedule mocked completions.
    fn collect(&mut self) -> Result<(), HostError> {
        self.note_end();
        while let Some(effect) = self.exec.poll_effect() {
            match effect {
                Effect::Invoke(req) => {
                    if self.external_states.iter().any(|s| **s == *req.state) {
                        self.external.push(req.id);
                        self.outbox.push(req);
                        continue;
                    }
                    if self.start_child(&req)? {
                        continue;
                    }
                    if let Some(outcome) = self.answer_from_files(&req) {
                        self.pending.push(self.exec.now(), (req.id, outcome));
                        continue;
                    }
                    let r = self.mocks.resolve(&req, &self.latency_rng).map_err(HostError::Unmocked)?;
                    self.pending.push(self.exec.now() + r.latency_ms.max(0), (req.id, r.outcome));
                }
                Effect::Cancel(id) => {
                    self.pending.retain(|(tid, _)| *tid != id);
                    self.external.retain(|&e| e != id);
                    self.cancel_child(id);
                }
            }
        }
        Ok(())
    }

    /// Hand the execution its workspace of files (before [`Host::start`]): what an ItemReader
    /// reads, a ResultWriter writes, and S3 tasks without a mock read and write.
    pub fn set_files(&mut self, files: crate::files::Files) {
        self.exec.set_files(files);
    }

    /// An `s3:getObject`, `s3:putObject` or `s3:listObjectsV2` task (optimized or AWS SDK)
    /// without mocks of its own, when there is a workspace of files: its outcome, at once
    /// (the files answer it before a `"*"` entry would).
    #[cfg(feature = "extras")]
    fn answer_from_files(&mut self, req: &TaskRequest) -> Option<Result<Value, Failure>> {
        if self.mocks.names(&req.state) || self.exec.files().is_empty() {
            return None;
        }
        let crate::asl::ResourceKind::Service { resource_type, resource, .. } =
            crate::asl::parse::resource_kind(&req.resource)?
        else {
            return None;
        };
        let action = crate::files::s3_task_action(&resource_type, &resource)?;
        let (now, start) = (self.exec.now(), self.exec.options().start_time);
        Some(crate::files::tasks::answer(action, &req.input, self.exec.files_mut(), now, start))
    }

    /// A task that starts an execution of a machine of the workspace, without mocks of its
    /// own: the child starts now; its outcome is scheduled at once when the task does not
    /// wait for it, or when the child ends. True when the task was taken so.
    #[cfg(feature = "extras")]
    fn start_child(&mut self, req: &TaskRequest) -> Result<bool, HostError> {
        if self.tree.workspace.is_empty() || self.mocks.names(&req.state) {
            return Ok(false);
        }
        let span = self.exec.task_span(req.id);
        let now = self.exec.now();
        let launch = crate::child::Launch {
            task: req,
            span,
            parent: self.exec.options(),
            now,
            rng: &self.child_rng,
            mocks: self.mocks.fresh(),
        };
        let mut child = match crate::child::start(&self.tree, launch) {
            None => return Ok(false),
            Some(Err(f)) => {
                self.pending.push(now, (req.id, Err(f)));
                return Ok(true);
            }
            Some(Ok(crate::child::Started::New(c))) => c,
            Some(Ok(crate::child::Started::Existing { arn, response })) => {
                self.answer_with_existing(req, &arn, response);
                return Ok(true);
            }
        };
        child.host.start()?;
        if !child.call.waits() {
            self.pending.push(now, (req.id, Ok(child.started_response.clone())));
        }
        for (task, outcome) in child.take_outcomes(now) {
            self.pending.push(now, (task, outcome));
        }
        self.children.push(child);
        Ok(true)
    }

    /// A start that StartExecution answered with an open execution (same name and input):
    /// a task that does not wait has the response at once; a `.sync` one waits for that
    /// execution, when this host runs it.
    #[cfg(feature = "extras")]
    fn answer_with_existing(&mut self, req: &TaskRequest, arn: &str, response: Value) {
        let now = self.exec.now();
        let call = crate::child::Call::of(&req.resource).filter(|c| c.waits());
        let Some(call) = call else {
            self.pending.push(now, (req.id, Ok(response)));
            return;
        };
        match self.children.iter_mut().find(|c| c.arn == arn) {
            Some(c) => c.waiters.push((req.id, call)),
            None => {
                // Started by another execution of the run: its end is that host's to tell.
                let cause = format!(
                    "statelab follows a .sync start of an open execution only from the execution that started it; '{arn}' was started by another execution of the run"
                );
                self.pending.push(now, (req.id, Err(Failure::new("States.Runtime", cause))));
            }
        }
    }

    #[cfg(not(feature = "extras"))]
    fn start_child(&mut self, _: &TaskRequest) -> Result<bool, HostError> {
        Ok(false)
    }

    /// The parent no longer wants task `id`: a `.sync` child it waits for stops (its other
    /// waiting tasks then see it aborted).
    #[cfg(feature = "extras")]
    fn cancel_child(&mut self, id: u64) {
        let now = self.exec.now();
        for c in &mut self.children {
            let Some(i) = c.waiters.iter().position(|(task, _)| *task == id) else { continue };
            c.waiters.remove(i);
            if !c.host.exec.is_done() {
                // The child has moved with the parent: nothing of its is due before now.
                c.host.exec.advance_to(now);
                c.host.stop();
                c.stop = Some(c.host.exec.now());
            }
        }
    }

    #[cfg(not(feature = "extras"))]
    fn cancel_child(&mut self, _: u64) {}

    /// Move the children to `to` and take what they have to tell: the outcome of each
    /// `.sync` child that ended, for the parent's task.
    #[cfg(feature = "extras")]
    fn step_children(&mut self, to: i64) -> Result<(), HostError> {
        for c in &mut self.children {
            if !c.all_done() {
                c.host.step_to(to)?;
            }
            for (task, outcome) in c.take_outcomes(to) {
                self.pending.push(to, (task, outcome));
            }
        }
        Ok(())
    }

    #[cfg(not(feature = "extras"))]
    fn step_children(&mut self, _: i64) -> Result<(), HostError> {
        Ok(())
    }

    #[cfg(not(feature = "extras"))]
    fn answer_from_files(&mut self, _: &TaskRequest) -> Option<Result<Value, Failure>> {
        None
    }

    /// Invocations the caller must resolve with [`Host::complete_external`].
    pub fn take_external(&mut self) -> Vec<TaskRequest> {
        std::mem::take(&mut self.outbox)
    }

    pub fn is_done(&self) -> bool {
        self.exec.is_done()
    }

    /// The virtual time of the next thing that will happen by itself (a mocked task finishing
    /// or a timer), if any. `None` with the execution still running means it waits for
    /// external tasks.
    pub fn next_deadline(&self) -> Option<i64> {
        let own = if self.exec.is_done() {
            None
        } else {
            match (self.pending.next_at(), self.exec.next_timer()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        };
        // Child executions (full engine) keep their own deadlines, after the parent's end too.
        #[cfg(feature = "extras")]
        let own = match (own, self.children.iter().filter_map(|c| c.host.next_deadline()).min()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        own
    }

    /// Move to `to` (at most the next deadline) and handle everything due then: mocked
    /// completions first, then timers.
    pub fn step_to(&mut self, to: i64) -> Result<(), HostError> {
        let to = match self.next_deadline() {
            Some(d) => to.min(d).max(self.exec.now()),
            None => to.max(self.exec.now()),
        };
        // An ended execution's clock stays at its end while its children run on.
        if !(cfg!(feature = "extras") && self.exec.is_done()) {
            self.exec.advance_to(to);
        }
        self.step_children(to)?;
        while let Some((_, (id, outcome))) = self.pending.pop_due(to) {
            self.exec.complete_task(id, outcome);
            self.collect()?;
        }
        self.exec.fire_timers();
        self.collect()
    }

    /// Handle the next deadline; false when there is none.
    pub fn step(&mut self) -> Result<bool, HostError> {
        match self.next_deadline() {
            Some(d) => self.step_to(d).map(|_| true),
            None => Ok(false),
        }
    }

    /// A task the caller ran has finished, at virtual time `at` (not before now; deadlines
    /// before it are handled first).
    pub fn complete_external(&mut self, id: u64, at: i64, outcome: Result<Value, Failure>) -> Result<(), HostError> {
        while let Some(d) = self.next_deadline() {
            if d >= at {
                break;
            }
            self.step_to(d)?;
        }
        self.exec.advance_to(at.max(self.exec.now()));
        if let Some(i) = self.external.iter().position(|&e| e == id) {
            self.external.swap_remove(i);
            self.exec.complete_task(id, outcome);
        }
        self.collect()
    }

    /// SendTaskHeartbeat for a task the caller runs, at virtual time `at` (not before now;
    /// deadlines before it are handled first): its heartbeat clock starts again. False when
    /// it is no longer in flight or has no HeartbeatSeconds. Full engine only.
    #[cfg(feature = "extras")]
    pub fn heartbeat_external(&mut self, id: u64, at: i64) -> Result<bool, HostError> {
        while let Some(d) = self.next_deadline() {
            if d >= at {
                break;
            }
            self.step_to(d)?;
        }
        self.exec.advance_to(at.max(self.exec.now()));
        Ok(self.external.contains(&id) && self.exec.heartbeat(id))
    }

    /// Stop the execution (ExecutionAborted).
    pub fn stop(&mut self) {
        self.stop_with(Failure::new("", ""));
    }

    /// Stop the execution with StopExecution's error and cause (empty: not given).
    pub fn stop_with(&mut self, f: Failure) {
        self.exec.stop_with(f);
        self.note_end();
        self.pending.clear();
        self.external.clear();
        // The tasks the stop cancelled: `.sync` children stop too.
        #[cfg(feature = "extras")]
        while let Some(effect) = self.exec.poll_effect() {
            if let Effect::Cancel(id) = effect {
                self.cancel_child(id);
            }
        }
    }
}

/// Run an execution on the virtual clock until it ends.
pub fn simulate(machine: Rc<Machine>, input: Value, mocks: Mocks, opts: Options) -> Result<Execution, HostError> {
    simulate_with_files(machine, input, mocks, crate::files::Files::new(), opts)
}

/// [`simulate`] with a workspace of files; the execution returned holds it, with what the run
/// wrote ([`Execution::files`]).
pub fn simulate_with_files(
    machine: Rc<Machine>,
    input: Value,
    mocks: Mocks,
    files: crate::files::Files,
    opts: Options,
) -> Result<Execution, HostError> {
    let mut host = Host::new(machine, input, mocks, opts);
    host.set_files(files);
    host.start()?;
    while host.step()? {}
    Ok(host.exec)
}

/// Run the host's execution on the virtual clock until it ends, or until `stop` (a virtual
/// time in ms, and StopExecution's error and cause): what is due before that time happens,
/// then the execution is stopped (ExecutionAborted).
#[cfg(feature = "extras")]
pub fn drive(host: &mut Host, stop: Option<(i64, Failure)>) -> Result<(), HostError> {
    let Some((at, f)) = stop else {
        while host.step()? {}
        return Ok(());
    };
    while let Some(d) = host.next_deadline().filter(|d| *d < at) {
        host.step_to(d)?;
    }
    if !host.is_done() {
        host.exec.advance_to(at);
        host.stop_with(f);
    }
    // Child executions the parent does not wait for run on.
    while host.step()? {}
    Ok(())
}

/// How the execution ended: `status`, and `output` or `error` and `cause` (each when not
/// empty), as `statelab run --json` prints them.
pub fn outcome_json(exec: &Execution) -> Map {
    use crate::exec::Status;
    let mut out = Map::new();
    out.insert("status".into(), json!(exec.status().name()));
    match exec.status() {
        Status::Succeeded(v) => {
            out.insert("output".into(), v.clone());
        }
        Status::Failed(f) | Status::TimedOut(f) | Status::Aborted(f) => {
            if !f.error.is_empty() {
                out.insert("error".into(), json!(f.error));
            }
            if !f.cause.is_empty() {
                out.insert("cause".into(), json!(f.cause));
            }
        }
        Status::Running => {}
    }
    out
}

/// The JSON result `statelab run --json` prints: the history (`events`, in AWS's shape) and
/// the outcome. (The CLI writes the events as they happen rather than building this.)
pub fn result_json(exec: &Execution) -> Value {
    let mut out = Map::new();
    out.insert("events".into(), Value::Array(exec.events().iter().map(|e| e.to_json()).collect()));
    for (k, v) in outcome_json(exec) {
        out.insert(k, v);
    }
    Value::Object(out)
}
