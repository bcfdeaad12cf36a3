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
            exec,
            mocks,
            latency_rng,
            pending: Agenda::new(),
            external: Vec::new(),
            external_states: Vec::new(),
            outbox: Vec::new(),
        }
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
        while let Some(effect) = self.exec.poll_effect() {
            match effect {
                Effect::Invoke(req) => {
                    if self.external_states.iter().any(|s| **s == *req.state) {
                        self.external.push(req.id);
                        self.outbox.push(req);
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
        if self.exec.is_done() {
            return None;
        }
        let task = self.pending.next_at();
        match (task, self.exec.next_timer()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Move to `to` (at most the next deadline) and handle everything due then: mocked
    /// completions first, then timers.
    pub fn step_to(&mut self, to: i64) -> Result<(), HostError> {
        let to = match self.next_deadline() {
            Some(d) => to.min(d).max(self.exec.now()),
            None => to.max(self.exec.now()),
        };
        self.exec.advance_to(to);
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
        self.pending.clear();
        self.external.clear();
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
