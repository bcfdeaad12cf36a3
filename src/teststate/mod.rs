//! The TestState API: one state run alone (a state's definition, or the state `stateName`
//! of a whole definition) over a given input, variables and context, with its Task, Map or
//! Parallel result mocked, answered as AWS's `TestState` answers.
//!
//! A request is checked once into a [`Request`] ([`parse_request`]), which either holds a
//! typed machine and everything the run needs, or is refused with AWS's error code and
//! message ([`Refusal`]). [`run`] then takes the state's data flow through the one pipeline
//! ([`crate::dataflow::pipeline`], recording the value after each step), and answers what the
//! state would do next: SUCCEEDED (with `nextState`), FAILED, RETRIABLE (a retrier of the
//! state would try again: `stateConfiguration.retrierRetryCount` says how many times it
//! did) or CAUGHT_ERROR (a catcher takes the error to `nextState`). Nothing here reads a clock:
//! the host gives the time the context object shows.
//!
//! The rules, from AWS's answers and the API reference:
//! - the tested state is called `StateName` (the context's `State.Name`, definition errors);
//! - a mock replaces the call of a Task, or the whole of a Map or Parallel; Pass, Wait,
//!   Choice, Succeed and Fail take none; a Map or Parallel state needs one, as does an
//!   activity, a `.sync` or a `.waitForTaskToken` Task; a Parallel's mocked result is an
//!   array with one item per branch; statelab, which calls no service, needs one for any Task;
//! - a Map's iterations fail as `stateConfiguration.mapIterationFailureCount` says: more
//!   than its tolerated count (or percentage of its items) fails it with
//!   `States.ExceedToleratedFailureThreshold`;
//! - inspection data (DEBUG and TRACE) holds the values AWS shows for the state's type and
//!   query language, up to the step that failed; INFO holds none;
//! - causes are the step's own, without the "An error occurred while executing the state"
//!   prefix an execution's history puts before them.

mod shapes;

use crate::asl::{self, Kind, Machine, MachineType, Pattern, QueryLanguage, ResourceKind, State};
use crate::dataflow::pipeline::{ContextFn, Pipeline, StepError};
use crate::dataflow::scope::Vars;
use crate::error::{Failure, MAX_CAUSE_CHARS, MAX_ERROR_CHARS, MAX_PAYLOAD_BYTES};
use crate::json;
use crate::support::rng::Rng;
use crate::support::time::format_millis;
use crate::value::read::{parse, to_compact};
use crate::value::{Map, Value};
use std::rc::Rc;

/// The name AWS gives the tested state.
pub const STATE_NAME: &str = "StateName";

/// A request the API refuses: AWS's error code (`ValidationException`, `InvalidDefinition`)
/// and message.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    fn validation(message: impl Into<String>) -> Refusal {
        Refusal { code: "ValidationException", message: message.into() }
    }
    fn definition(message: impl Into<String>) -> Refusal {
        Refusal { code: "InvalidDefinition", message: message.into() }
    }
    /// `{"Error": {"Code", "Message"}}`, as the CLI prints it.
    pub fn to_json(&self) -> Value {
        json!({"Error": {"Code": self.code, "Message": self.message.as_str()}})
    }
}

/// How much of the state's data flow the answer shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Debug,
    Trace,
}

/// `mock.fieldValidationMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValidation {
    Strict,
    Present,
    None,
}

#[derive(Debug, Clone)]
pub enum Mock {
    /// `mock.result`, parsed.
    Result(Value),
    /// `mock.errorOutput`.
    Error(Failure),
}

/// A checked TestState request.
#[derive(Debug)]
pub struct Request {
    /// The definition (a lone state is wrapped in a machine of its own).
    pub machine: Rc<Machine>,
    /// The tested state, in `machine.states`.
    pub state: usize,
    pub input: Value,
    pub level: Level,
    pub variables: Map,
    /// The context object given; `None`: one is made up.
    pub context: Option<Value>,
    pub role_arn: Option<String>,
    pub mock: Option<Mock>,
    pub retrier_retry_count: u32,
    pub map_iteration_failures: u64,
}

/// A JSON field the API takes as text (`input`, `context`, `variables`, `mock.result`):
/// text is parsed; statelab also takes the value itself.
fn json_field(req: &Map, key: &str) -> Result<Option<Value>, Refusal> {
    match req.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => parse(s)
            .map(Some)
            .map_err(|e| Refusal::validation(format!("Invalid {key}: the text is not JSON ({})", e.message))),
        Some(v) => Ok(Some(v.clone())),
    }
}

fn count_field(cfg: Option<&Map>, key: &str) -> Result<u64, Refusal> {
    match cfg.and_then(|c| c.get(key)) {
        None | Some(Value::Null) => Ok(0),
        Some(v) => match v.as_f64() {
            Some(n) if n >= 0.0 && n.fract() == 0.0 => Ok(n as u64),
            _ => Err(Refusal::validation(format!(
                "1 validation error detected: Value at 'stateConfiguration.{key}' failed to satisfy constraint: Member must have value greater than or equal to 0"
            ))),
        },
    }
}

/// The names a lone state sends its executions to, which the wrapper machine must hold.
fn targets(state: &Map) -> Vec<String> {
    let mut out = Vec::new();
    let mut add = |v: Option<&Value>| {
        if let Some(s) = v.and_then(Value::as_str) {
            if s != STATE_NAME && !out.iter().any(|o| o == s) {
                out.push(s.to_string());
            }
        }
    };
    add(state.get("Next"));
    add(state.get("Default"));
    for list in ["Choices", "Catch"] {
        for rule in state.get(list).and_then(Value::as_array).map(|a| &a[..]).unwrap_or(&[]) {
            add(rule.get("Next"));
        }
    }
    out
}

/// AWS's message for a definition it cannot take.
fn invalid_definition(diags: &[asl::Diagnostic]) -> Refusal {
    let list: Vec<String> = diags
        .iter()
        .map(|d| {
            if d.pointer.is_empty() {
                format!("{}: {}", d.code, d.message)
            } else {
                format!("{}: {} at {}", d.code, d.message, d.pointer)
            }
        })
        .collect();
    Refusal::definition(format!("Invalid State Machine Definition: '{}'", list.join(", ")))
}

fn type_name(t: asl::StateType) -> &'static str {
    use asl::StateType::*;
    match t {
        Pass => "Pass",
        Task => "Task",
        Choice => "Choice",
        Wait => "Wait",
        Succeed => "Succeed",
        Fail => "Fail",
        Parallel => "Parallel",
        Map => "Map",
    }
}

/// The API's length limits on the request's members (characters of their text), as its
/// reference gives them: a definition up to 1 MiB, each JSON payload up to 256 KiB, a mocked
/// error's name and cause as an event holds them. Checked before anything is read deeply.
const LENGTHS: [(&str, Option<&str>, usize); 7] = [
    ("definition", None, 1_048_576),
    ("input", None, MAX_PAYLOAD_BYTES),
    ("variables", None, MAX_PAYLOAD_BYTES),
    ("context", None, MAX_PAYLOAD_BYTES),
    ("mock", Some("result"), MAX_PAYLOAD_BYTES),
    ("mock", Some("errorOutput.error"), MAX_ERROR_CHARS),
    ("mock", Some("errorOutput.cause"), MAX_CAUSE_CHARS),
];

/// AWS's refusal of the members over their [`LENGTHS`]: one "validation error" each, joined
/// as its request validation joins them. These members are sensitive, so the message names
/// them without their value (inferred from the form of AWS's other validation messages: no
/// recording shows a too long member). A member statelab takes as a value rather than text
/// counts as its compact JSON text.
fn over_length(req: &Map) -> Option<Refusal> {
    let mut errors = Vec::new();
    for (key, sub, max) in LENGTHS {
        let mut v = req.get(key);
        for part in sub.into_iter().flat_map(|p| p.split('.')) {
            v = v.and_then(|v| v.get(part));
        }
        let long = match v {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) => s.len() > max && s.chars().count() > max,
            Some(other) => crate::value::text_longer_than(other, max),
        };
        if long {
            let at = sub.map_or_else(|| key.to_string(), |p| format!("{key}.{p}"));
            errors.push(format!(
                "Value at '{at}' failed to satisfy constraint: Member must have length less than or equal to {max}"
            ));
        }
    }
    let n = errors.len();
    (n > 0).then(|| {
        let s = if n == 1 { "" } else { "s" };
        Refusal::validation(format!("{n} validation error{s} detected: {}", errors.join("; ")))
    })
}

/// Check a request (the TestState API's JSON, with `definition` as text or as an object).
pub fn parse_request(request: &Value) -> Result<Request, Refusal> {
    let Some(req) = request.as_object() else { return Err(Refusal::validation("The request must be a JSON object")) };
    if let Some(refusal) = over_length(req) {
        return Err(refusal);
    }
    let definition = match json_field(req, "definition")? {
        Some(Value::Object(d)) => d,
        Some(_) => return Err(Refusal::definition("Invalid State Machine Definition: 'Definition must be a JSON object'")),
        None => return Err(Refusal::validation("1 validation error detected: Value null at 'definition' failed to satisfy constraint: Member must not be null")),
    };
    let state_name = req.get("stateName").and_then(Value::as_str);
    let whole = definition.contains_key("States") || definition.contains_key("StartAt");
    let (machine_def, name) = match (whole, state_name) {
        (true, Some(n)) => (Value::Object(definition.clone()), n.to_string()),
        (true, None) => {
            return Err(Refusal::validation("The definition is a state machine: give stateName, the state to test"))
        }
        (false, Some(_)) => {
            return Err(Refusal::validation(
                "stateName is given: the definition must be a whole state machine (StartAt, States)",
            ))
        }
        (false, None) => {
            let mut states = Map::new();
            states.insert(STATE_NAME.into(), Value::Object(definition.clone()));
            for t in targets(&definition) {
                states.insert(t.into(), json!({"Type": "Succeed"}));
            }
            (json!({"StartAt": STATE_NAME, "States": Value::Object(states)}), STATE_NAME.to_string())
        }
    };
    let machine = asl::validate_text(&to_compact(&machine_def), MachineType::Express)
        .or_else(|_| asl::validate_text(&to_compact(&machine_def), MachineType::Standard))
        .map_err(|d| invalid_definition(&d))?;
    let Some(index) = machine.state_index(&name) else {
        return Err(Refusal::validation(format!("State '{name}' is not a state of the definition's top level")));
    };
    let state = &machine.states[index];

    let level = match req.get("inspectionLevel").and_then(Value::as_str) {
        None | Some("INFO") => Level::Info,
        Some("DEBUG") => Level::Debug,
        Some("TRACE") => Level::Trace,
        Some(other) => return Err(Refusal::validation(format!(
            "1 validation error detected: Value '{other}' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]"
        ))),
    };
    let input = json_field(req, "input")?.unwrap_or_else(|| json!({}));
    let variables = match json_field(req, "variables")? {
        None => Map::new(),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(Refusal::validation("variables must be a JSON object")),
    };
    let context = json_field(req, "context")?;
    if context.as_ref().is_some_and(|c| !c.is_object()) {
        return Err(Refusal::validation("context must be a JSON object"));
    }
    let role_arn = req.get("roleArn").and_then(Value::as_str).map(str::to_string);
    let cfg = req.get("stateConfiguration").and_then(Value::as_object);
    let retrier_retry_count = count_field(cfg, "retrierRetryCount")?.min(u32::MAX as u64) as u32;
    let map_iteration_failures = count_field(cfg, "mapIterationFailureCount")?;

    let mock = match req.get("mock").and_then(Value::as_object) {
        None => None,
        Some(m) => {
            let mode = match m.get("fieldValidationMode").and_then(Value::as_str) {
                None | Some("STRICT") => FieldValidation::Strict,
                Some("PRESENT") => FieldValidation::Present,
                Some("NONE") => FieldValidation::None,
                Some(other) => return Err(Refusal::validation(format!(
                    "1 validation error detected: Value '{other}' at 'mock.fieldValidationMode' failed to satisfy constraint: Member must satisfy enum value set: [STRICT, PRESENT, NONE]"
                ))),
            };
            match (json_field(m, "result")?, m.get("errorOutput").and_then(Value::as_object)) {
                (Some(_), Some(_)) => {
                    return Err(Refusal::validation("A mock holds either a result or an errorOutput, not both"))
                }
                (Some(r), None) => Some((Mock::Result(r), mode)),
                (None, Some(e)) => {
                    let text = |k: &str| e.get(k).and_then(Value::as_str).map(str::to_string);
                    Some((Mock::Error(Failure::reported(text("error"), text("cause"))), mode))
                }
                (None, None) => return Err(Refusal::validation("A mock needs a result or an errorOutput")),
            }
        }
    };
    check_mock(state, mock.as_ref())?;
    Ok(Request {
        machine: machine.clone(),
        state: index,
        input,
        level,
        variables,
        context,
        role_arn,
        mock: mock.map(|(m, _)| m),
        retrier_retry_count,
        map_iteration_failures,
    })
}

/// Which states take a mock, which need one, and what a mocked result must look like.
fn check_mock(state: &State, mock: Option<&(Mock, FieldValidation)>) -> Result<(), Refusal> {
    let ty = type_name(state.state_type());
    match (&state.kind, mock) {
        (Kind::Pass { .. } | Kind::Wait(_) | Kind::Choice(_) | Kind::Succeed | Kind::Fail(_), Some(_)) => {
            Err(Refusal::validation(format!("State type '{ty}' is not supported when a mock is specified")))
        }
        (Kind::Map(_) | Kind::Parallel(_), None) => Err(Refusal::definition(
            "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]",
        )),
        (Kind::Task(t), None) => {
            let why = match &t.kind {
                ResourceKind::Activity => "an activity Task",
                ResourceKind::Service { pattern: Pattern::Sync, .. } => "a .sync Task",
                ResourceKind::Service { pattern: Pattern::WaitForTaskToken, .. } => "a .waitForTaskToken Task",
                _ => "a Task (statelab calls no AWS service)",
            };
            Err(Refusal::validation(format!("A mock (result or errorOutput) is required to test {why}")))
        }
        (Kind::Parallel(branches), Some((Mock::Result(r), _))) => match r.as_array() {
            None => Err(Refusal::validation("Mocked result must be an array.")),
            Some(a) if a.len() != branches.len() => Err(Refusal::validation(
                "Mocked result must contain the same number of items as number of Parallel branches.",
            )),
            Some(_) => Ok(()),
        },
        (Kind::Map(_), Some((Mock::Result(r), _))) if !r.is_array() => {
            Err(Refusal::validation("Mocked result must be an array."))
        }
        (Kind::Task(t), Some((Mock::Result(r), mode))) if *mode != FieldValidation::None => {
            match shapes::for_resource(&t.resource) {
                Some(shape) => shapes::check(shape, r, "", *mode == FieldValidation::Strict)
                    .map_err(|m| Refusal::validation(format!("Mock result schema validation error: {m}"))),
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// What the state did.
enum Outcome {
    Done { output: Rc<Value>, next: Option<usize>, assigned: Option<Value> },
    Failed(Failure),
}

/// A step's failure as TestState reports it: the step's own cause.
fn step_failure(e: StepError) -> Failure {
    match e {
        StepError::Path(f) | StepError::Limit(f) => f,
        StepError::Query(q) => Failure::new("States.QueryEvaluationError", q.detail),
    }
}

/// The inspection data, as it is gathered.
#[derive(Default)]
struct Inspection {
    fields: Vec<(&'static str, Value)>,
}

impl Inspection {
    fn set(&mut self, key: &'static str, v: Value) {
        match self.fields.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = v,
            None => self.fields.push((key, v)),
        }
    }
    fn has(&self, key: &str) -> bool {
        self.fields.iter().any(|(k, _)| *k == key)
    }
}

/// The inspection fields AWS shows for a state of this type and query language (besides
/// `variables` and `errorDetails`).
fn shown(state: &State) -> &'static [&'static str] {
    let jsonata = state.query_language == QueryLanguage::Jsonata;
    match (&state.kind, jsonata) {
        (Kind::Pass { result: Some(_) }, false) => &["input", "result", "afterResultSelector", "afterResultPath"],
        (Kind::Pass { .. }, false) => {
            &["input", "afterInputPath", "afterParameters", "afterResultSelector", "afterResultPath"]
        }
        (Kind::Task(_), false) => {
            &["input", "afterInputPath", "afterParameters", "result", "afterResultSelector", "afterResultPath"]
        }
        (Kind::Task(_), true) => &["input", "afterArguments", "result"],
        (Kind::Parallel(_), false) => &["input", "afterResultSelector", "afterResultPath"],
        (Kind::Map(_), false) => &[
            "input",
            "afterInputPath",
            "afterItemsPath",
            "afterItemSelector",
            "afterResultSelector",
            "afterResultPath",
            "maxConcurrency",
            "toleratedFailureCount",
            "toleratedFailurePercentage",
        ],
        (Kind::Map(_), true) => {
            &["input", "afterItemSelector", "maxConcurrency", "toleratedFailureCount", "toleratedFailurePercentage"]
        }
        (Kind::Choice(_) | Kind::Wait(_) | Kind::Succeed | Kind::Fail(_), false) => &["input", "afterInputPath"],
        _ => &["input"],
    }
}

/// The context object a request without one gets: an Express execution of a machine
/// holding the state, started `now`; `RetryCount` for the states that retry.
fn default_context(req: &Request, state: &State, now: i64) -> Value {
    let role = match (&req.role_arn, &state.kind) {
        (Some(r), _) => Value::from(r.as_str()),
        // AWS requires a role to call a service; statelab's stands in for the one not given.
        (None, Kind::Task(_) | Kind::Map(_) | Kind::Parallel(_)) => {
            Value::from("arn:aws:iam::123456789012:role/StatelabTestState")
        }
        (None, _) => Value::Null,
    };
    let (machine, execution) = ("StatelabTestState", "statelab-test-state");
    let mut ctx = json!({
        "Execution": {
            "Id": format!("arn:aws:states:us-east-1:123456789012:express:{machine}:{execution}"),
            "Input": req.input.clone(),
            "Name": execution,
            "RoleArn": role,
            "StartTime": format_millis(now),
        },
        "StateMachine": {
            "Id": format!("arn:aws:states:us-east-1:123456789012:stateMachine:{machine}"),
            "Name": machine,
        },
        "State": {"Name": STATE_NAME, "EnteredTime": format_millis(now)},
    });
    if matches!(state.kind, Kind::Task(_) | Kind::Map(_) | Kind::Parallel(_)) {
        ctx["State"]["RetryCount"] = json!(req.retrier_retry_count);
    }
    if let Kind::Task(t) = &state.kind {
        if matches!(t.kind, ResourceKind::Service { pattern: Pattern::WaitForTaskToken, .. }) {
            ctx["Task"] = json!({"Token": "statelab-test-state-task-token"});
        }
    }
    ctx
}

/// Run a checked request; `now` (ms since the epoch) is the time its context shows.
pub fn run(req: &Request, now: i64) -> Value {
    let state = &req.machine.states[req.state];
    let raw = Rc::new(req.input.clone());
    let vars = Vars { local: req.variables.clone(), outer: None };
    let rng = Rng::new(0x5eed);
    let ctx = req.context.clone().unwrap_or_else(|| default_context(req, state, now));
    let context = |item: Option<crate::dataflow::pipeline::MapItem>| {
        let mut c = ctx.clone();
        if let Some((index, value, _)) = item {
            c["Map"] = json!({"Item": {"Index": index, "Value": value}});
        }
        c
    };
    let mut insp = Inspection::default();
    insp.set("input", req.input.clone());
    let (outcome, steps) = {
        let mut p = Pipeline::new(state, &raw, &vars, &context, &rng, now, true);
        let outcome = match step(req, state, &mut p, &mut insp) {
            Ok(o) => o,
            Err(e) => Outcome::Failed(step_failure(e)),
        };
        (outcome, p.into_steps())
    };
    let mut result_seen = insp.fields.iter().find(|(k, _)| *k == "result").map(|(_, v)| v.clone());
    for (name, v) in steps {
        let key = match name {
            "InputPath" => "afterInputPath",
            "Parameters" => "afterParameters",
            "Arguments" => "afterArguments",
            "Result" => "result",
            "ResultSelector" => "afterResultSelector",
            "ResultPath" => "afterResultPath",
            _ => continue,
        };
        if matches!(name, "Result" | "Parameters") && matches!(state.kind, Kind::Pass { .. }) {
            result_seen = Some((*v).clone());
        }
        insp.set(key, (*v).clone());
    }
    // Without a ResultSelector, the value after it is the result itself.
    if state.query_language == QueryLanguage::JsonPath
        && insp.has("afterResultPath")
        && !insp.has("afterResultSelector")
    {
        if let Some(r) = result_seen {
            insp.set("afterResultSelector", r);
        }
    }

    let mut resp = Map::new();
    let mut details = Map::new();
    let mut variables = Map::new();
    vars.flatten_into(&mut variables);
    let names = |i: usize| Value::from(&*req.machine.states[i].name);
    match outcome {
        Outcome::Done { output, next, assigned } => {
            if let Some(Value::Object(a)) = assigned {
                for (k, v) in a.iter() {
                    variables.insert(k.clone(), v.clone());
                }
            }
            resp.insert("status".into(), "SUCCEEDED".into());
            resp.insert("output".into(), (*output).clone());
            if let Some(n) = next {
                resp.insert("nextState".into(), names(n));
            }
        }
        Outcome::Failed(failure) => {
            let handled = handle_error(req, state, &raw, &vars, &context, &rng, now, &failure, &mut details);
            let status = match &handled {
                Handled::Retriable => "RETRIABLE",
                Handled::Caught { .. } => "CAUGHT_ERROR",
                Handled::Failed(_) => "FAILED",
            };
            resp.insert("status".into(), status.into());
            let shown_failure = match &handled {
                Handled::Failed(f) => f,
                _ => &failure,
            };
            // A Fail state without Error or Cause, a mock without them: no field.
            if !shown_failure.error.is_empty() {
                resp.insert("error".into(), shown_failure.error.as_str().into());
            }
            if !shown_failure.cause.is_empty() {
                resp.insert("cause".into(), shown_failure.cause.as_str().into());
            }
            if let Handled::Caught { next, output, assigned } = handled {
                if let Some(Value::Object(a)) = assigned {
                    for (k, v) in a.iter() {
                        variables.insert(k.clone(), v.clone());
                    }
                }
                resp.insert("output".into(), (*output).clone());
                resp.insert("nextState".into(), names(next));
            }
        }
    }
    if req.level != Level::Info {
        let mut data = Map::new();
        let allowed = shown(state);
        for key in allowed {
            if let Some((_, v)) = insp.fields.iter().find(|(k, _)| k == key) {
                data.insert((*key).into(), v.clone());
            }
        }
        if !variables.is_empty() {
            data.insert("variables".into(), Value::Object(variables));
        }
        if !details.is_empty() {
            data.insert("errorDetails".into(), Value::Object(details));
        }
        resp.insert("inspectionData".into(), Value::Object(data));
    }
    Value::Object(resp)
}

/// The mocked result of a state that has one (checked: a Map's or Parallel's is an array).
fn mocked(req: &Request, insp: &mut Inspection) -> Result<Rc<Value>, Failure> {
    match &req.mock {
        Some(Mock::Result(r)) => {
            insp.set("result", r.clone());
            Ok(Rc::new(r.clone()))
        }
        Some(Mock::Error(f)) => Err(f.clone()),
        None => Err(Failure::new("States.Runtime", "No mock for the state")),
    }
}

/// The state's data flow, as far as it goes.
fn step(req: &Request, state: &State, p: &mut Pipeline, insp: &mut Inspection) -> Result<Outcome, StepError> {
    let done =
        |(output, assigned): (Rc<Value>, Option<Value>), next: Option<usize>| Outcome::Done { output, next, assigned };
    let assign = state.assign.as_ref();
    Ok(match &state.kind {
        Kind::Pass { result } => done(p.pass(result.as_ref(), assign)?, state.next),
        Kind::Succeed => {
            let eff = p.effective_input()?;
            done(p.plain_output(eff, assign)?, None)
        }
        Kind::Wait(w) => {
            let eff = p.effective_input()?;
            p.wait_until(w, &eff)?;
            done(p.plain_output(eff, assign)?, state.next)
        }
        Kind::Fail(f) => {
            p.effective_input()?;
            Outcome::Failed(p.fail(f)?)
        }
        Kind::Choice(c) => match p.choose(c, assign)? {
            Some(chosen) => Outcome::Done { output: chosen.output, next: Some(chosen.next), assigned: chosen.assigned },
            None => Outcome::Failed(Failure::new(
                "States.NoChoiceMatched",
                format!("No Matches! in state '{}'", state.name),
            )),
        },
        Kind::Task(_) | Kind::Parallel(_) => {
            let eff = p.effective_input()?;
            p.arguments(&eff)?;
            match mocked(req, insp) {
                Ok(r) => done(p.output(Some(r), assign)?, state.next),
                Err(f) => Outcome::Failed(f),
            }
        }
        Kind::Map(map) => {
            let eff = p.effective_input()?;
            let items = p.map_items(map, &eff)?;
            if state.query_language == QueryLanguage::JsonPath {
                insp.set("afterItemsPath", Value::from(items.clone()));
            }
            if map.item_selector.is_some() {
                let mut selected = Vec::with_capacity(items.len());
                let state_data = Value::from("STATE_DATA");
                for (i, item) in items.iter().enumerate() {
                    selected.push((*p.item_input(map, &eff, i, item, &state_data)?).clone());
                }
                insp.set("afterItemSelector", Value::from(selected));
            }
            insp.set("maxConcurrency", json!(p.max_concurrency(map, &eff)?));
            let (count, pct) = p.tolerance(map, &eff)?;
            if let Some(c) = count {
                insp.set("toleratedFailureCount", json!(c));
            }
            if let Some(x) = pct {
                insp.set("toleratedFailurePercentage", json!(x));
            }
            let failed = req.map_iteration_failures;
            let over_count = failed > count.unwrap_or(0) && (count.is_some() || pct.is_none());
            let over_pct = pct.is_some_and(|x| !items.is_empty() && failed as f64 * 100.0 / items.len() as f64 > x);
            if over_count || over_pct {
                return Ok(Outcome::Failed(Failure::new(
                    "States.ExceedToleratedFailureThreshold",
                    "The specified tolerated failure threshold was exceeded",
                )));
            }
            match mocked(req, insp) {
                Ok(r) => done(p.output(Some(r), assign)?, state.next),
                Err(f) => Outcome::Failed(f),
            }
        }
    })
}

enum Handled {
    Retriable,
    Caught { next: usize, output: Rc<Value>, assigned: Option<Value> },
    Failed(Failure),
}

/// A failed state: would a retrier try again (after `retrierRetryCount` retries), would a
/// catcher take it, or does it fail? `details` gets the retrier's and catcher's indexes.
#[allow(clippy::too_many_arguments)]
fn handle_error(
    req: &Request,
    state: &State,
    raw: &Rc<Value>,
    vars: &Vars,
    context: ContextFn,
    rng: &Rng,
    now: i64,
    failure: &Failure,
    details: &mut Map,
) -> Handled {
    if let Some(ri) = state.retry.iter().position(|r| asl::error_matches(&r.error_equals, &failure.error)) {
        let r = &state.retry[ri];
        details.insert("retryIndex".into(), json!(ri));
        let done = req.retrier_retry_count;
        if done < r.max_attempts {
            let mut delay = r.interval_seconds * r.backoff_rate.powi(done as i32);
            if let Some(max) = r.max_delay_seconds {
                delay = delay.min(max);
            }
            // An integer in the API (InspectionErrorDetails).
            details.insert("retryBackoffIntervalSeconds".into(), json!(delay.round() as i64));
            return Handled::Retriable;
        }
    }
    if failure.error == "States.Runtime" {
        return Handled::Failed(failure.clone());
    }
    let Some(ci) = state.catch.iter().position(|c| asl::error_matches(&c.error_equals, &failure.error)) else {
        return Handled::Failed(failure.clone());
    };
    details.insert("catchIndex".into(), json!(ci));
    let c = &state.catch[ci];
    let error_output = json!({"Error": failure.error.as_str(), "Cause": failure.cause.as_str()});
    let mut p = Pipeline::new(state, raw, vars, context, rng, now, false);
    match p.catch_output(c, error_output) {
        Ok((output, assigned)) => Handled::Caught { next: c.next, output, assigned },
        Err(e) => Handled::Failed(step_failure(e)),
    }
}

/// Check and run a request: the TestState answer, or the API's refusal.
pub fn test_state(request: &Value, now: i64) -> Result<Value, Refusal> {
    let req = parse_request(request)?;
    Ok(run(&req, now))
}
