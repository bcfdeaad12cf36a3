//! Child executions (full engine only): a Task on `states:startExecution` (fire-and-forget),
//! `states:startExecution.sync` or `.sync:2`, or `aws-sdk:sfn:startExecution`, whose
//! `StateMachineArn` names a machine of the run's workspace ([`Workspace`]), runs that
//! machine as an execution of its own, on the same virtual clock, hosted by the parent's
//! [`Host`](crate::driver::Host) (`Host::children`).
//!
//! What AWS answers, from the developer guide ("Start workflow executions from a task
//! state", "Run a Job (.sync)") and the recorded cases (`test_start_execution_sync*`,
//! `test_sfn_start_execution*` of the conformance corpus):
//! - fire-and-forget answers at once with StartExecution's response, `ExecutionArn` and
//!   `StartDate` (the optimized integration with the SDK's metadata, `aws-sdk:sfn` bare);
//!   the child runs on after the parent's task, and after the parent itself;
//! - `.sync` waits for the child and answers DescribeExecution's fields (`ExecutionArn`,
//!   `Input`, `InputDetails`, `Name`, `Output`, `OutputDetails`, `StartDate`,
//!   `StateMachineArn`, `Status`, `StopDate`, in that order) with `Input` and `Output` as
//!   JSON text; `.sync:2` the same with them as JSON;
//! - a child that does not succeed fails the task with `States.TaskFailed`, whose cause is
//!   the same description as JSON text, with the child's `Error` and `Cause` and without
//!   `Output` (recorded for a FAILED child; a TIMED_OUT or ABORTED one is described alike
//!   with its own status: inferred);
//! - a STANDARD machine's execution names are unique: a start with the name of an execution
//!   of the run answers with it when it is open and the input is the same (idempotent), else
//!   fails with ExecutionAlreadyExists (the API reference's StartExecution; see
//!   [`Launch`]'s rule for what is inferred);
//! - `Input` absent or null starts the child with `{}`; a string is the input's JSON text; any
//!   other value is the input itself (the recorded `implicit_json_serialisation` case).
//!
//! A parent that stops, times out, or no longer wants the task (its TimeoutSeconds or
//! HeartbeatSeconds passed, a sibling branch failed) stops a `.sync` child (ExecutionAborted
//! in the child's history); a fire-and-forget child runs on. (No recording shows the
//! child's side of this; its ExecutionAborted has no error or cause.)
//!
//! Bounds: AWS documents no limit on how deep executions start executions (a machine that
//! starts itself would go on until the account's quota of open executions); here one run
//! starts at most [`MAX_CHILD_EXECUTIONS`] child executions at every depth together, and a
//! start past that fails its task (see [`limit_failure`]).

use crate::asl::{parse::resource_kind, Machine, ResourceKind};
use crate::driver::Host;
use crate::error::Failure;
use crate::exec::{LaneId, Options, Rng, SpanId, Status, TaskRequest};
use crate::json;
use crate::value::{Map, Value};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// statelab's bound on the child executions one run starts, at every depth together.
pub const MAX_CHILD_EXECUTIONS: u32 = 100;

/// The named state machines a run may start as child executions.
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    machines: Vec<(Rc<str>, Rc<Machine>)>,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace::default()
    }
    /// Add (or replace) the machine `name`.
    pub fn add(&mut self, name: &str, machine: Rc<Machine>) {
        self.machines.retain(|(n, _)| &**n != name);
        self.machines.push((name.into(), machine));
    }
    pub fn is_empty(&self) -> bool {
        self.machines.is_empty()
    }
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.machines.iter().map(|(n, _)| &**n)
    }
    /// The machine a `StateMachineArn` names: by the ARN's `stateMachine:NAME` (a version or
    /// alias after it is ignored), or by the name itself.
    pub fn find(&self, arn: &str) -> Option<&(Rc<str>, Rc<Machine>)> {
        let name = match arn.split_once(":stateMachine:") {
            Some((_, rest)) => rest.split(':').next().unwrap_or(rest),
            None => arn,
        };
        self.machines.iter().find(|(n, _)| &**n == name)
    }
}

/// How the parent waits for a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `states:startExecution`: StartExecution's response with the SDK's metadata, at once.
    Start,
    /// `aws-sdk:sfn:startExecution`: StartExecution's response, bare, at once.
    SdkStart,
    /// `.sync`: the child's description, Input and Output as JSON text.
    Sync,
    /// `.sync:2`: the child's description, Input and Output as JSON.
    Sync2,
}

impl Call {
    /// The call a Task's resource makes, if it starts an execution.
    pub fn of(resource: &str) -> Option<Call> {
        let ResourceKind::Service { resource_type, resource, .. } = resource_kind(resource)? else { return None };
        match (resource_type.as_str(), resource.as_str()) {
            ("states", "startExecution") => Some(Call::Start),
            ("states", "startExecution.sync") => Some(Call::Sync),
            ("states", "startExecution.sync:2") => Some(Call::Sync2),
            ("aws-sdk:sfn", "startExecution") => Some(Call::SdkStart),
            _ => None,
        }
    }
    pub fn waits(self) -> bool {
        matches!(self, Call::Sync | Call::Sync2)
    }
}

/// Where a child execution was started from: the parent's task.
#[derive(Debug, Clone)]
pub struct ParentLink {
    /// The parent's task id ([`TaskRequest::id`]).
    pub task: u64,
    pub state: Rc<str>,
    pub lane: LaneId,
    pub attempt: u32,
    /// The parent's timeline span of that task attempt.
    pub span: Option<SpanId>,
}

/// A child execution and its own host (which holds its children in turn).
pub struct Child {
    pub host: Box<Host>,
    /// The workspace's name of the machine it runs.
    pub machine: Rc<str>,
    pub name: String,
    pub arn: String,
    pub state_machine_arn: String,
    pub parent: ParentLink,
    pub call: Call,
    pub start: i64,
    /// When it ended (set when the parent learns of it).
    pub stop: Option<i64>,
    /// StartExecution's immediate response (`ExecutionArn`, `StartDate`, with the SDK's
    /// metadata for the optimized integration): the task's result when it does not wait,
    /// and for `.sync` what the service answered when the job was submitted.
    pub started_response: Value,
    /// The parent's `.sync` tasks waiting for it to end (the task that started it, and any
    /// later start that StartExecution answered with it): task id and call.
    pub waiters: Vec<(u64, Call)>,
}

/// What a run's hosts share: the workspace, how many children were started, and the
/// executions of STANDARD machines by name ([`Named`]).
#[derive(Clone, Default)]
pub struct Tree {
    pub workspace: Rc<Workspace>,
    pub started: Rc<Cell<u32>>,
    named: Rc<RefCell<Vec<Named>>>,
}

/// A child execution of a STANDARD machine, as StartExecution's rule on names sees it.
struct Named {
    machine: Rc<str>,
    name: String,
    input: Value,
    arn: String,
    start: i64,
    /// Set by the child's host when the execution has ended.
    closed: Rc<Cell<bool>>,
}

impl Tree {
    fn named(&self, machine: &str, name: &str) -> Option<(bool, Value, String, i64)> {
        let named = self.named.borrow();
        let e = named.iter().find(|e| &*e.machine == machine && e.name == name)?;
        Some((e.closed.get(), e.input.clone(), e.arn.clone(), e.start))
    }
}

/// The request's fields, or the failure of the task.
struct Request {
    input: Value,
    name: Option<String>,
}

fn request(params: &Value, call: Call, rng: &Rng) -> Result<Request, Failure> {
    let input = match params.get("Input") {
        None | Some(Value::Null) => json!({}),
        Some(Value::String(text)) => crate::value::read::parse(text).map_err(|e| {
            // StartExecution refuses input that is not JSON (InvalidExecutionInput).
            service_error(call, "InvalidExecutionInput", &format!("Invalid State Machine Execution Input: '{e}'"), rng)
        })?,
        Some(v) => v.clone(),
    };
    let name = match params.get("Name") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.to_string()),
        Some(v) => Some(v.to_string()),
    };
    Ok(Request { input, name })
}

/// StartExecution's error `code` (`ExecutionAlreadyExists`, `InvalidExecutionInput`) as the
/// task's failure. `aws-sdk:sfn` names it `Sfn.<code>Exception` with the AWS SDK for Java
/// 2's cause, as the recorded `Sfn.InvalidTokenException` of `aws-sdk:sfn:sendTaskSuccess`
/// shows; the optimized integration `StepFunctions.<code>Exception` with the SDK 1's cause
/// (inferred: the name deployed state machines retry on, no recording shows it).
fn service_error(call: Call, code: &str, message: &str, rng: &Rng) -> Failure {
    let request = uuid(rng);
    match call {
        Call::SdkStart => Failure::new(
            format!("Sfn.{code}Exception"),
            format!("{message} (Service: Sfn, Status Code: 400, Request ID: {request}) (SDK Attempt Count: 1)"),
        ),
        _ => Failure::new(
            format!("StepFunctions.{code}Exception"),
            format!(
                "{message} (Service: AWSStepFunctions; Status Code: 400; Error Code: {code}; Request ID: {request}; Proxy: null)"
            ),
        ),
    }
}

/// The failure of a start past [`MAX_CHILD_EXECUTIONS`]: the error the developer guide's
/// nested-workflow example retries on (`StepFunctions.ExecutionLimitExceeded`), AWS's quota of
/// open executions.
pub fn limit_failure() -> Failure {
    Failure::new(
        "StepFunctions.ExecutionLimitExceeded",
        format!(
            "statelab runs at most {MAX_CHILD_EXECUTIONS} child executions in one run (AWS documents no such limit: \
             a machine that starts itself would go on until the account's quota of open executions)"
        ),
    )
}

fn uuid(rng: &Rng) -> String {
    let h = format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64());
    format!("{}-{}-4{}-a{}-{}", &h[..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

/// What a parent's host hands over to start a child: the Task's request and where the
/// parent stands.
pub struct Launch<'a> {
    /// The Task's request (its resource and parameters, id, state, lane, attempt).
    pub task: &'a TaskRequest,
    /// The parent's timeline span of the task attempt.
    pub span: Option<SpanId>,
    /// The parent's options (the child's are made from them).
    pub parent: &'a Options,
    /// The parent's virtual time: the child's start.
    pub now: i64,
    /// The source of the child's seed and request ids.
    pub rng: &'a Rng,
    /// The run's mocks, with counters of the child's own.
    pub mocks: crate::mock::Mocks,
}

/// What a start did.
pub enum Started {
    /// A new child execution.
    New(Child),
    /// StartExecution was idempotent: an open execution of the STANDARD machine has the
    /// name and the same input, and answers for the new call with its `ExecutionArn` and
    /// `StartDate` (`response`, shaped for the call); `arn` names it for a `.sync` task.
    Existing { arn: String, response: Value },
}

/// The outcome of a Task that starts a child, if `launch.task` is one whose machine is in
/// the workspace: `Some(Ok(started))`, `Some(Err(failure))` when StartExecution refused (the
/// task fails at once).
pub fn start(tree: &Tree, launch: Launch) -> Option<Result<Started, Failure>> {
    let call = Call::of(&launch.task.resource)?;
    let target = launch.task.input.get("StateMachineArn")?.as_str()?;
    let (machine_name, machine) = tree.workspace.find(target)?.clone();
    Some(launch.child(tree, call, machine_name, machine))
}

/// StartExecution's immediate response: `ExecutionArn` and `StartDate`, with the SDK's
/// metadata for the optimized integration (a request id drawn from `rng`).
fn started_response(call: Call, arn: &str, start: i64, rng: &Rng) -> Value {
    match call {
        Call::SdkStart => json!({"ExecutionArn": arn, "StartDate": date(start)}),
        _ => {
            let request = uuid(rng);
            json!({"ExecutionArn": arn,
                   "SdkHttpMetadata": {"AllHttpHeaders": {"Content-Type": ["application/x-amz-json-1.0"], "x-amzn-RequestId": [request.as_str()]},
                                       "HttpHeaders": {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": request.as_str()},
                                       "HttpStatusCode": 200},
                   "SdkResponseMetadata": {"RequestId": request.as_str()},
                   "StartDate": date(start)})
        }
    }
}

impl Launch<'_> {
    fn child(self, tree: &Tree, call: Call, machine_name: Rc<str>, machine: Rc<Machine>) -> Result<Started, Failure> {
        let Launch { task: req, span, parent: parent_opts, now, rng, mocks } = self;
        let Request { input, name } = request(&req.input, call, rng)?;
        // Named as its parent's TaskSubmitted names it.
        let name = name.unwrap_or_else(|| {
            crate::exec::submitted::child_execution_name(parent_opts.seed, &parent_opts.execution_name, req.id)
        });
        // StartExecution's rule on names (the API reference): for a STANDARD machine, a name
        // an execution of the machine already has starts nothing; that execution answers if
        // it is open and the input is the same (compared as JSON values: inferred), else
        // ExecutionAlreadyExists (closed, whatever the input). It is not idempotent for an
        // EXPRESS machine, whose executions are told apart by more than their name: a new
        // one starts (inferred). Only the run's own executions are known.
        let express = machine.machine_type == crate::asl::MachineType::Express;
        if let Some((closed, first_input, arn, start)) = tree.named(&machine_name, &name).filter(|_| !express) {
            if closed || first_input != input {
                return Err(service_error(
                    call,
                    "ExecutionAlreadyExists",
                    &format!("Execution Already Exists: '{arn}'"),
                    rng,
                ));
            }
            let response = started_response(call, &arn, start, rng);
            return Ok(Started::Existing { arn, response });
        }
        if tree.started.get() >= MAX_CHILD_EXECUTIONS {
            return Err(limit_failure());
        }
        tree.started.set(tree.started.get() + 1);
        let opts = Options {
            execution_name: name.as_str().into(),
            state_machine_name: machine_name.clone(),
            start_time: now,
            seed: rng.next_u64(),
            ..parent_opts.clone()
        };
        let arn = opts.execution_arn(machine.machine_type);
        let state_machine_arn = opts.state_machine_arn();
        let started_response = started_response(call, &arn, now, rng);
        let mut host = Host::child(machine, input.clone(), mocks, opts, tree.clone());
        if !express {
            let closed = Rc::new(Cell::new(false));
            host.on_end(closed.clone());
            let entry = Named {
                machine: machine_name.clone(),
                name: name.clone(),
                input,
                arn: arn.clone(),
                start: now,
                closed,
            };
            tree.named.borrow_mut().push(entry);
        }
        Ok(Started::New(Child {
            host: Box::new(host),
            machine: machine_name,
            name,
            arn,
            state_machine_arn,
            parent: ParentLink { task: req.id, state: req.state.clone(), lane: req.lane, attempt: req.attempt, span },
            call,
            start: now,
            stop: None,
            started_response,
            waiters: if call.waits() { vec![(req.id, call)] } else { Vec::new() },
        }))
    }
}

fn date(ms: i64) -> Value {
    json!(crate::support::time::format_millis(ms))
}

impl Child {
    /// The child and every execution it started have ended.
    pub fn all_done(&self) -> bool {
        self.host.all_done()
    }

    /// The outcome of each of the parent's tasks waiting for the child, once it has ended
    /// (its time is `now`, if not known before); none before, or with no task waiting.
    pub fn take_outcomes(&mut self, now: i64) -> Vec<(u64, Result<Value, Failure>)> {
        if self.waiters.is_empty() || !self.host.exec.is_done() {
            return Vec::new();
        }
        self.stop.get_or_insert(now);
        std::mem::take(&mut self.waiters).into_iter().map(|(task, call)| (task, self.describe(call))).collect()
    }

    /// DescribeExecution's fields, as the parent's `.sync` task sees them.
    fn describe(&self, call: Call) -> Result<Value, Failure> {
        let as_json = call == Call::Sync2;
        let data = |v: &Value| if as_json { v.clone() } else { Value::from(v.to_string()) };
        let mut m = Map::new();
        let failure = match self.host.exec.status() {
            Status::Failed(f) | Status::TimedOut(f) | Status::Aborted(f) => Some(f.clone()),
            _ => None,
        };
        if let Some(f) = &failure {
            if !f.cause.is_empty() {
                m.insert("Cause".into(), json!(f.cause.as_str()));
            }
            if !f.error.is_empty() {
                m.insert("Error".into(), json!(f.error.as_str()));
            }
        }
        m.insert("ExecutionArn".into(), json!(self.arn.as_str()));
        m.insert("Input".into(), data(self.host.exec.input()));
        m.insert("InputDetails".into(), json!({"Included": true}));
        m.insert("Name".into(), json!(self.name.as_str()));
        if let Status::Succeeded(out) = self.host.exec.status() {
            m.insert("Output".into(), data(out));
            m.insert("OutputDetails".into(), json!({"Included": true}));
        }
        m.insert("StartDate".into(), date(self.start));
        m.insert("StateMachineArn".into(), json!(self.state_machine_arn.as_str()));
        m.insert("Status".into(), json!(self.host.exec.status().name()));
        m.insert("StopDate".into(), date(self.stop.unwrap_or(self.start)));
        let v = Value::Object(m);
        match failure {
            None => Ok(v),
            Some(_) => Err(Failure::new("States.TaskFailed", v.to_string()).bounded()),
        }
    }
}

/// The child executions of `host`'s run, depth first in the order each was started, as
/// `statelab run --json` prints them (`children`): each with its ARN, name, the workspace's
/// name of its machine, where it was started from (`parent`: the execution's ARN, the task's
/// state, id and attempt), its times, status and outcome, and its history (`events`).
pub fn children_json(host: &Host) -> Value {
    fn walk(host: &Host, out: &mut Vec<Value>) {
        let parent_arn = host.exec.options().execution_arn(host.exec.machine_type());
        for c in host.children() {
            let mut m = Map::new();
            m.insert("executionArn".into(), json!(c.arn.as_str()));
            m.insert("name".into(), json!(c.name.as_str()));
            m.insert("stateMachine".into(), json!(&*c.machine));
            m.insert("stateMachineArn".into(), json!(c.state_machine_arn.as_str()));
            m.insert(
                "parent".into(),
                json!({"executionArn": parent_arn.as_str(), "state": &*c.parent.state, "taskId": c.parent.task,
                       "attempt": c.parent.attempt}),
            );
            m.insert("startDate".into(), date(c.start));
            if c.host.exec.is_done() {
                m.insert("stopDate".into(), date(c.host.exec.now()));
            }
            for (k, v) in crate::driver::outcome_json(&c.host.exec) {
                m.insert(k, v);
            }
            m.insert("events".into(), Value::Array(c.host.exec.events().iter().map(|e| e.to_json()).collect()));
            out.push(Value::Object(m));
            walk(&c.host, out);
        }
    }
    let mut out = Vec::new();
    walk(host, &mut out);
    Value::Array(out.into_iter().collect())
}
