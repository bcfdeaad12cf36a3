//! The wasm-bindgen exports: the entry point of the wasm build (with the `wasm` feature).
//! See the module above for the shapes handed to JS.

use super::tape::{write_event, write_lanes, write_result, write_spans, Kept, Out};
use crate::asl::{self, Diagnostic, MachineType};
use crate::driver::{self, Host, HostError};
use crate::error::Failure;
use crate::exec::{Execution, Lanes, Options, TaskRequest};
use crate::json;
use crate::mock::Mocks;
#[cfg(feature = "extras")]
use crate::source;
#[cfg(feature = "extras")]
use crate::teststate;
use crate::value::read;
use crate::value::{Map, Value};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The wasm build's allocator: free lists per size class in front of talc (see
/// `support::quick_alloc`). Set here, by the wasm entry point, not by the library.
#[global_allocator]
static ALLOCATOR: crate::support::quick_alloc::QuickAlloc<talc::wasm::WasmDynamicTalc> =
    crate::support::quick_alloc::QuickAlloc::new(talc::wasm::new_wasm_dynamic_allocator());

/// Install the panic hook once: the message goes to `console.error` and to
/// `globalThis.__statelabLastPanic`, where `www/statelab.js` reads it after the trap.
fn hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let _ = js_sys::Reflect::set(
                &js_sys::global(),
                &JsValue::from_str("__statelabLastPanic"),
                &JsValue::from_str(&info.to_string()),
            );
            console_error_panic_hook::hook(info);
        }));
    });
}

// ------------------------------------------------------------------ JS -> Rust

/// A JS `Error` with this message.
fn error(message: impl AsRef<str>) -> JsValue {
    js_sys::Error::new(message.as_ref()).into()
}

/// The text of an argument given as JSON text (a string) or as a JS value; `None` when it is
/// `undefined`. `indent` pretty-prints objects so that line:column in messages mean something.
fn text_of(v: &JsValue, what: &str, indent: bool) -> Result<Option<String>, JsValue> {
    if v.is_undefined() {
        return Ok(None);
    }
    if let Some(s) = v.as_string() {
        return Ok(Some(s));
    }
    let space = if indent { JsValue::from(2) } else { JsValue::UNDEFINED };
    let s = js_sys::JSON::stringify_with_replacer_and_space(v, &JsValue::NULL, &space).map_err(|e| {
        let why = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default();
        error(format!("{what}: cannot be converted to JSON: {why}"))
    })?;
    match s.as_string() {
        Some(s) => Ok(Some(s)),
        None => Err(error(format!("{what}: cannot be converted to JSON (a function or a symbol?)"))),
    }
}

fn parse_json(text: &str, what: &str) -> Result<Value, JsValue> {
    read::parse(text).map_err(|e| {
        error(format!("{what}: invalid JSON at line {}, column {}: {}", e.pos.line, e.pos.column, e.message))
    })
}

/// An argument that is JSON text or a JS value, or `default` when undefined.
fn json_arg(v: &JsValue, what: &str, default: Value) -> Result<Value, JsValue> {
    match text_of(v, what, false)? {
        Some(t) => parse_json(&t, what),
        None => Ok(default),
    }
}

/// The error thrown for an invalid definition: every diagnostic with line:column in the
/// message, and the diagnostics themselves as `error.diagnostics`.
fn definition_error(diags: &[Diagnostic]) -> JsValue {
    let mut msg = String::from("invalid definition:");
    for d in diags {
        msg.push_str("\n  ");
        msg.push_str(&d.to_string());
    }
    let err = error(msg);
    let list = Value::Array(diags.iter().map(Diagnostic::to_json).collect());
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("diagnostics"), &to_js(&list));
    err
}

fn machine_type(v: Option<&Value>) -> Result<MachineType, JsValue> {
    match v.and_then(Value::as_str) {
        None | Some("STANDARD") => Ok(MachineType::Standard),
        Some("EXPRESS") => Ok(MachineType::Express),
        Some(other) => Err(error(format!("options.type must be 'STANDARD' or 'EXPRESS', not '{other}'"))),
    }
}

/// Everything an execution is made from, converted from the JS arguments.
struct Setup {
    machine: Rc<asl::Machine>,
    input: Value,
    mocks: Mocks,
    /// The mocks' `Files` section: what an ItemReader and S3 tasks read.
    files: crate::files::Files,
    opts: Options,
    external: Vec<String>,
    /// Spans of a finished execution get `critical` and `slackMs` (options.criticalPath).
    critical_path: bool,
    /// Hand back the events and spans (options.history, default true).
    history: bool,
    #[cfg(feature = "extras")]
    machines: crate::child::Workspace,
}

impl Setup {
    /// A session on the host `host` makes of this setup's machine, input, mocks and options (a
    /// new execution, or a redriven one), given the rest of the setup: its files, its machines
    /// (full engine) and the states JS answers. One place, so that no kind of session misses one.
    fn session(
        self,
        host: impl FnOnce(Rc<asl::Machine>, Value, Mocks, Options) -> Result<Host, JsValue>,
    ) -> Result<Session, JsValue> {
        let mut host = host(self.machine, self.input, self.mocks, self.opts)?;
        host.set_files(self.files);
        #[cfg(feature = "extras")]
        host.set_machines(self.machines);
        host.resolve_externally(self.external);
        Ok(Session {
            host,
            sent: 0,
            critical_path: self.critical_path,
            kept: Kept::default(),
            kept_js: js_sys::Array::new().into(),
        })
    }
}

/// The options of `simulate`, `Session` and `Machine.simulate`, converted.
#[derive(Clone)]
struct RunOptions {
    opts: Options,
    machine_type: MachineType,
    test_case: Option<String>,
    external: Vec<String>,
    critical_path: bool,
    history: bool,
    /// `options.machines`, `{NAME: definition}` or `{NAME: {definition, type}}`: the machines
    /// a Task may start as child executions (full engine only).
    #[cfg(feature = "extras")]
    machines: crate::child::Workspace,
}

impl RunOptions {
    fn from_js(options: &JsValue) -> Result<RunOptions, JsValue> {
        RunOptions::from_text(text_of(options, "options", false)?.as_deref())
    }

    /// From JSON text (`None`: no options).
    fn from_text(text: Option<&str>) -> Result<RunOptions, JsValue> {
        let o = match text {
            Some(t) => parse_json(t, "options")?,
            None => json!({}),
        };
        let o = match o {
            Value::Object(m) => m,
            Value::Null => Map::new(),
            _ => return Err(error("options must be an object")),
        };
        let mut opts = Options::default();
        match o.get("seed") {
            None | Some(Value::Null) => {}
            Some(Value::Number(n)) => match (n.as_u64(), n.as_f64()) {
                (Some(s), _) => opts.seed = s,
                (None, Some(f)) if f >= 0.0 && f.fract() == 0.0 && f <= 9_007_199_254_740_992.0 => opts.seed = f as u64,
                _ => return Err(error(format!("options.seed must be a whole number >= 0, not {n}"))),
            },
            Some(Value::String(s)) => {
                opts.seed =
                    s.parse().map_err(|_| error(format!("options.seed must be a whole number >= 0, not '{s}'")))?
            }
            Some(other) => return Err(error(format!("options.seed must be a whole number >= 0, not {other}"))),
        }
        for (key, field) in
            [("executionName", &mut opts.execution_name), ("stateMachineName", &mut opts.state_machine_name)]
        {
            match o.get(key) {
                None | Some(Value::Null) => {}
                Some(Value::String(s)) if !s.is_empty() => *field = s.as_str().into(),
                Some(_) => return Err(error(format!("options.{key} must be a non-empty string"))),
            }
        }
        let mut critical_path = false;
        let mut history = true;
        for (key, field) in [
            ("sequential", &mut opts.sequential),
            ("recordSteps", &mut opts.record_steps),
            ("criticalPath", &mut critical_path),
            ("history", &mut history),
        ] {
            match o.get(key) {
                None | Some(Value::Null) => {}
                Some(Value::Bool(b)) => *field = *b,
                Some(_) => return Err(error(format!("options.{key} must be true or false"))),
            }
        }
        opts.history = history;
        if let Some(v) = o.get("historyBytes").filter(|v| !v.is_null()) {
            // (Saturating: `usize::MAX`, 4 GiB - 1 in wasm32, and more is no budget.)
            let f = v.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0);
            opts.history_bytes =
                f.ok_or_else(|| error(format!("options.historyBytes must be a whole number >= 0, not {v}")))? as usize;
        }
        let test_case = match o.get("testCase") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.to_string()),
            Some(_) => return Err(error("options.testCase must be a string")),
        };
        let external = match o.get("external") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| v.as_str().map(String::from).ok_or_else(|| error("options.external must list state names")))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(error("options.external must list state names")),
        };
        // The core has no workspace of machines: a run with one goes to the full engine.
        #[cfg(not(feature = "extras"))]
        if o.get("machines").and_then(Value::as_object).is_some_and(|m| !m.is_empty()) {
            return Err(needs_full_engine());
        }
        #[cfg(feature = "extras")]
        let machines = {
            let mut w = crate::child::Workspace::new();
            match o.get("machines") {
                None | Some(Value::Null) => {}
                Some(Value::Object(m)) => {
                    for (name, entry) in m {
                        // A definition, or {definition, type} (a machine of another type).
                        let (def, ty) = match entry.get("definition") {
                            Some(d) if entry.get("States").is_none() => {
                                let ty = machine_type(entry.get("type")).map_err(|_| {
                                    error(format!("options.machines.{name}.type must be 'STANDARD' or 'EXPRESS'"))
                                })?;
                                (d, ty)
                            }
                            _ => (entry, MachineType::Standard),
                        };
                        let text = match def {
                            Value::String(t) => t.to_string(),
                            other => other.to_string(),
                        };
                        let machine = asl::validate_text(&text, ty).map_err(|d| {
                            let first = asl::truncated(d).0.into_iter().next();
                            error(format!(
                                "options.machines.{name}: {}",
                                first.map(|d| d.to_string()).unwrap_or_else(|| "invalid".into())
                            ))
                        })?;
                        w.add(name, machine);
                    }
                }
                Some(_) => return Err(error("options.machines must be an object of definitions by name")),
            }
            w
        };
        Ok(RunOptions {
            opts,
            machine_type: machine_type(o.get("type"))?,
            test_case,
            external,
            critical_path,
            history,
            #[cfg(feature = "extras")]
            machines,
        })
    }
}

/// A checked definition (JSON text or a JS value).
fn machine_of(definition: &JsValue, machine_type: MachineType) -> Result<Rc<asl::Machine>, JsValue> {
    let def = text_of(definition, "definition", true)?.ok_or_else(|| error("definition is missing"))?;
    let machine = asl::validate_text(&def, machine_type).map_err(|d| definition_error(&asl::truncated(d).0))?;
    // The core build (without the extras) hands a definition that may use them to the full
    // engine: www/statelab.js calls again there when it sees `needsFullEngine`.
    #[cfg(not(feature = "extras"))]
    if machine.uses_extras {
        return Err(needs_full_engine());
    }
    Ok(machine)
}

/// The core build's answer to a definition that may use the extras.
#[cfg(not(feature = "extras"))]
fn needs_full_engine() -> JsValue {
    let err = error(
        "this definition may use a number picture, parse a date with a picture, hash, $eval or files (ItemReader, \
         ResultWriter, S3 tasks): it runs \
         on the full engine (www/pkg/full/), not the core",
    );
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("needsFullEngine"), &JsValue::TRUE);
    err
}

impl Setup {
    fn from_js(definition: &JsValue, input: &JsValue, mocks: &JsValue, options: &JsValue) -> Result<Setup, JsValue> {
        let o = RunOptions::from_js(options)?;
        let machine = machine_of(definition, o.machine_type)?;
        Setup::with_machine(machine, input, mocks, o)
    }

    fn with_machine(
        machine: Rc<asl::Machine>,
        input: &JsValue,
        mocks: &JsValue,
        o: RunOptions,
    ) -> Result<Setup, JsValue> {
        let text = text_of(mocks, "mocks", false)?;
        let value = text.as_deref().map(|t| parse_json(t, "mocks")).transpose()?;
        let files = files_of(value.as_ref())?;
        let mocks = match value {
            None | Some(Value::Null) => Mocks::empty(),
            Some(v) => Mocks::from_value(&v, o.test_case.as_deref()).map_err(|m| error(format!("mocks: {m}")))?,
        };
        let mut s = Setup::with_mocks(machine, input, mocks, o)?;
        s.files = files;
        Ok(s)
    }

    fn with_mocks(machine: Rc<asl::Machine>, input: &JsValue, mocks: Mocks, o: RunOptions) -> Result<Setup, JsValue> {
        let input = json_arg(input, "input", json!({}))?;
        Ok(Setup {
            machine,
            input,
            mocks,
            files: crate::files::Files::new(),
            opts: o.opts,
            external: o.external,
            critical_path: o.critical_path,
            history: o.history,
            #[cfg(feature = "extras")]
            machines: o.machines,
        })
    }

    /// Run to the end on the virtual clock (every Task from mocks): the result for JS.
    fn simulate(self) -> Result<JsValue, JsValue> {
        if !self.external.is_empty() {
            return Err(error("simulate resolves every Task from mocks: JS functions need run()"));
        }
        #[cfg(feature = "extras")]
        if !self.machines.is_empty() {
            let mut host = Host::new(self.machine, self.input, self.mocks, self.opts);
            host.set_files(self.files);
            host.set_machines(self.machines);
            host.start().map_err(host_error)?;
            driver::drive(&mut host, None).map_err(host_error)?;
            let result = result_js(&host.exec, self.critical_path, self.history);
            let _ = js_sys::Reflect::set(
                &result,
                &JsValue::from_str("children"),
                &children_js(&host, self.critical_path, self.history),
            );
            return Ok(result);
        }
        let exec = driver::simulate_with_files(self.machine, self.input, self.mocks, self.files, self.opts)
            .map_err(host_error)?;
        Ok(result_js(&exec, self.critical_path, self.history))
    }
}

/// The workspace of files in a short-form mock configuration's `Files` section (as the CLI
/// reads it): the objects an ItemReader and S3 tasks read.
fn files_of(mocks: Option<&Value>) -> Result<crate::files::Files, JsValue> {
    let Some(section) = mocks.and_then(|m| m.get("Files")) else { return Ok(crate::files::Files::new()) };
    if mocks.is_some_and(|m| m.get("StateMachines").is_some() || m.get("MockedResponses").is_some()) {
        return Ok(crate::files::Files::new());
    }
    crate::files::Files::from_value(section)
        .map_err(|(pointer, message)| error(format!("mocks: {message} (at /Files{pointer})")))
}

/// Mocks from JSON text (`None` or `null`: none).
fn mocks_of(text: Option<&str>, test_case: Option<&str>) -> Result<Mocks, JsValue> {
    match text.map(|t| parse_json(t, "mocks")).transpose()? {
        None | Some(Value::Null) => Ok(Mocks::empty()),
        Some(v) => Mocks::from_value(&v, test_case).map_err(|m| error(format!("mocks: {m}"))),
    }
}

fn host_error(e: HostError) -> JsValue {
    error(e.to_string())
}

/// Milliseconds relative to the start, as given by JS, to virtual epoch milliseconds.
fn absolute(start: i64, ms: f64, what: &str) -> Result<i64, JsValue> {
    if !ms.is_finite() || ms.abs() > 1e15 {
        return Err(error(format!(
            "{what} must be a finite number of milliseconds, not {}",
            crate::value::num::display(ms)
        )));
    }
    Ok(start + ms.round() as i64)
}

// ------------------------------------------------------------------ Rust -> JS

/// A JSON value as a plain JS value (objects, arrays, numbers, strings, booleans, null).
fn to_js(v: &Value) -> JsValue {
    let mut o = Out::new();
    o.json(v);
    js(&o)
}

/// The JS value of a tape.
fn js(o: &Out) -> JsValue {
    let (words, floats, text) = o.parts();
    decode(words, floats, text, &JsValue::UNDEFINED)
}

#[wasm_bindgen(module = "/src/wasm/decode.js")]
extern "C" {
    /// `kept`: the JS list of shared values that tapes continuing one another refer to
    /// (undefined for a tape on its own).
    fn decode(words: &[u32], floats: &[f64], text: &[u8], kept: &JsValue) -> JsValue;
}

fn result_js(exec: &Execution, timing: bool, history: bool) -> JsValue {
    let mut o = Out::new();
    write_result(&mut o, exec, timing, history);
    js(&o)
}

/// The child executions of `host`'s run, depth first in the order each was started: each
/// `{executionArn, name, stateMachine, startMs (from the run's start), parent: {executionArn,
/// state, taskId, attempt, lane, span}, result}`, `result` in `simulate`'s shape (its times
/// from the child's own start). `parent.span` is the parent's timeline span of the task
/// attempt that started it (an index into that execution's `spans`, or null), and
/// `parent.executionArn` names the parent (the run's execution, or an earlier child).
#[cfg(feature = "extras")]
fn children_js(host: &Host, timing: bool, history: bool) -> JsValue {
    fn walk(o: &mut Out, host: &Host, root_start: i64, timing: bool, history: bool) {
        let parent_arn = host.exec.options().execution_arn(host.exec.machine_type());
        for c in host.children() {
            o.obj()
                .key("executionArn")
                .str(&c.arn)
                .key("name")
                .str(&c.name)
                .key("stateMachine")
                .str(&c.machine)
                .key("startMs")
                .int(c.start - root_start)
                .key("parent")
                .obj()
                .key("executionArn")
                .str(&parent_arn)
                .key("state")
                .str(&c.parent.state)
                .key("taskId")
                .int(c.parent.task as i64)
                .key("attempt")
                .int(i64::from(c.parent.attempt))
                .key("lane")
                .int(c.parent.lane as i64)
                .key("span");
            match c.parent.span {
                Some(s) => o.int(s as i64),
                None => o.null(),
            };
            o.end().key("result");
            write_result(o, &c.host.exec, timing, history);
            o.end();
            walk(o, &c.host, root_start, timing, history);
        }
    }
    let mut o = Out::new();
    o.arr();
    walk(&mut o, host, host.exec.options().start_time, timing, history);
    o.end();
    js(&o)
}

/// A task request for JS: `lane` is the lane's label (the branch or iteration, for a
/// function that wants to know where it runs).
fn request_value(r: &TaskRequest, lanes: &Lanes) -> Value {
    let lane = &*lanes.get(r.lane).label;
    json!({"id": r.id, "state": &*r.state, "resource": r.resource, "input": *r.input, "attempt": r.attempt, "lane": lane, "token": r.token})
}

// ------------------------------------------------------------------ exports

/// Validate a definition (JSON text or object): the list of diagnostics, empty when valid.
/// `options.type` is `STANDARD` (default) or `EXPRESS`.
#[wasm_bindgen]
pub fn validate(definition: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    hook();
    let o = json_arg(&options, "options", json!({}))?;
    let text = text_of(&definition, "definition", true)?.ok_or_else(|| error("definition is missing"))?;
    // The core leaves the fields of an ItemReader and a ResultWriter to the full engine, which
    // checks them: a definition that may have one is validated there.
    #[cfg(not(feature = "extras"))]
    if text.contains("\"ItemReader\"") || text.contains("\"ResultWriter\"") {
        return Err(needs_full_engine());
    }
    let diags = match asl::validate_text(&text, machine_type(o.get("type"))?) {
        Ok(_) => Vec::new(),
        Err(d) => asl::truncated(d).0,
    };
    Ok(to_js(&Value::Array(diags.iter().map(Diagnostic::to_json).collect())))
}

/// Run an execution on the virtual clock to its end, with mocked Tasks.
#[wasm_bindgen]
pub fn simulate(definition: JsValue, input: JsValue, mocks: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    hook();
    Setup::from_js(&definition, &input, &mocks, &options)?.simulate()
}

/// Run one state as AWS's TestState API does (the request as JSON text or a JS value):
/// the answer, or the API's refusal `{"Error": {"Code", "Message"}}`. `now_ms` is the time
/// the context object shows. In the full engine only (Cargo feature `extras`): it would
/// take the core over its size budget (about 11 KB gzip).
#[cfg(feature = "extras")]
#[wasm_bindgen(js_name = "testState")]
pub fn test_state(request: JsValue, now_ms: f64) -> Result<JsValue, JsValue> {
    hook();
    let request = json_arg(&request, "request", Value::Null)?;
    let req = match teststate::parse_request(&request) {
        Ok(r) => r,
        Err(refusal) => return Ok(to_js(&refusal.to_json())),
    };
    let now = if now_ms.is_finite() && now_ms.abs() < 1e15 { now_ms as i64 } else { 0 };
    Ok(to_js(&teststate::run(&req, now)))
}

/// An object of strings (`undefined`: empty) as name, value pairs.
#[cfg(feature = "extras")]
fn string_pairs(v: &JsValue, what: &str) -> Result<Vec<(String, String)>, JsValue> {
    match json_arg(v, what, json!({}))? {
        Value::Null => Ok(Vec::new()),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| match v.as_str() {
                Some(s) => Ok((k.to_string(), s.to_string())),
                None => Err(error(format!("{what}.{k} must be a string"))),
            })
            .collect(),
        _ => Err(error(format!("{what} must be an object of strings"))),
    }
}

/// Read a source text (ASL as JSON or YAML, a CloudFormation or SAM template, a Serverless
/// configuration): its form and each state machine resolved, with its substitutions and its
/// diagnostics placed in the text (`source::report` gives the shape). `overrides`:
/// {NAME: value} replacing substitutions; `files`: {uri: text} of `DefinitionUri` files. In
/// the full engine only (Cargo feature `extras`).
#[cfg(feature = "extras")]
#[wasm_bindgen(js_name = "loadSource")]
pub fn load_source(text: &str, overrides: JsValue, files: JsValue) -> Result<JsValue, JsValue> {
    hook();
    let overrides = string_pairs(&overrides, "overrides")?;
    let files = string_pairs(&files, "files")?;
    let file = |uri: &str| files.iter().find(|(k, _)| k == uri).map(|(_, v)| v.clone());
    Ok(to_js(&source::report(text, &overrides, &file, None)))
}

/// What a run needs and the user did not give, derived from a definition (`statelab run
/// --auto`, `derive::derive`): `{input?, mocks}`, the input when `input` is true (an object
/// with every field the workflow reads) and a short-form mock (`{"result", "latency"}`) for
/// each Task state not named in `mocked` (an array of state names). `definition` is the ASL
/// definition as JSON text or a JS value (a YAML or template source resolved first, by
/// `loadSource`); it is not checked. In the full engine only (Cargo feature `extras`).
#[cfg(feature = "extras")]
#[wasm_bindgen(js_name = "derive")]
pub fn derive_missing(definition: JsValue, input: bool, mocked: JsValue) -> Result<JsValue, JsValue> {
    hook();
    let def = json_arg(&definition, "definition", Value::Null)?;
    let mocked: Vec<String> = match json_arg(&mocked, "mocked", json!([]))? {
        Value::Null => Vec::new(),
        Value::Array(a) => a
            .iter()
            .map(|v| v.as_str().map(String::from).ok_or_else(|| error("mocked must list state names")))
            .collect::<Result<_, _>>()?,
        _ => return Err(error("mocked must list state names")),
    };
    let d = crate::derive::derive(&def, input, &mocked);
    let mut out = Map::new();
    if let Some(v) = d.input {
        out.insert("input".into(), v);
    }
    out.insert("mocks".into(), Value::Object(d.mocks));
    Ok(to_js(&Value::Object(out)))
}

/// A definition checked once, to run many times (`simulate` without converting and checking
/// the definition again on each call).
/// Mocks as text (`None`: not given) with the test case, and what they converted to.
type ConvertedMocks = ((Option<String>, Option<String>), Mocks);

#[wasm_bindgen(js_name = "Machine")]
pub struct CompiledMachine {
    machine: Rc<asl::Machine>,
    /// The options and the mocks (with the test case) of the last call, as text, and what
    /// they converted to: a host that simulates again with the same ones converts them once.
    options: RefCell<Option<(Option<String>, RunOptions)>>,
    mocks: RefCell<Option<ConvertedMocks>>,
    /// The last mocks given as text, as JS has it: the same string again (`===`) is not
    /// copied into the wasm to be compared.
    mocks_text: RefCell<JsValue>,
}

/// `make(key)`, or a copy of what it made last time for the same key.
fn cached<K: PartialEq, V: Clone>(
    cell: &RefCell<Option<(K, V)>>,
    key: K,
    make: impl FnOnce(&K) -> Result<V, JsValue>,
) -> Result<V, JsValue> {
    let mut last = cell.borrow_mut();
    match &*last {
        Some((k, v)) if *k == key => Ok(v.clone()),
        _ => {
            let v = make(&key)?;
            *last = Some((key, v.clone()));
            Ok(v)
        }
    }
}

#[wasm_bindgen(js_class = "Machine")]
impl CompiledMachine {
    /// Check `definition` (JSON text or a JS value); `options.type` as for `validate`. Throws
    /// the invalid-definition error of `simulate`.
    #[wasm_bindgen(constructor)]
    pub fn new(definition: JsValue, options: JsValue) -> Result<CompiledMachine, JsValue> {
        hook();
        let o = RunOptions::from_js(&options)?;
        Ok(CompiledMachine {
            machine: machine_of(&definition, o.machine_type)?,
            options: RefCell::new(None),
            mocks: RefCell::new(None),
            mocks_text: RefCell::new(JsValue::UNDEFINED),
        })
    }

    /// `simulate` of this definition.
    pub fn simulate(&self, input: JsValue, mocks: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        hook();
        let o = cached(&self.options, text_of(&options, "options", false)?, |t| RunOptions::from_text(t.as_deref()))?;
        let parsed = self.mocks_for(&mocks, &o.test_case)?;
        let mut s = Setup::with_mocks(self.machine.clone(), &input, parsed, o)?;
        // The files of a `Files` section (read again: few mocks have one).
        if let Some(t) = text_of(&mocks, "mocks", false)?.filter(|t| t.contains("\"Files\"")) {
            s.files = files_of(Some(&parse_json(&t, "mocks")?))?;
        }
        s.simulate()
    }
}

impl CompiledMachine {
    /// The mocks of `js` with `test_case`: the last ones converted, if they are the same string
    /// again or the same text.
    fn mocks_for(&self, js: &JsValue, test_case: &Option<String>) -> Result<Mocks, JsValue> {
        if js.is_string() && *self.mocks_text.borrow() == *js {
            if let Some(((_, tc), m)) = &*self.mocks.borrow() {
                if tc == test_case {
                    return Ok(m.clone());
                }
            }
        }
        let key = (text_of(js, "mocks", false)?, test_case.clone());
        let m = cached(&self.mocks, key, |(t, tc)| mocks_of(t.as_deref(), tc.as_deref()))?;
        *self.mocks_text.borrow_mut() = if js.is_string() { js.clone() } else { JsValue::UNDEFINED };
        Ok(m)
    }
}

/// The crate version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").into()
}

/// Panics on purpose, so that tests can check that a panic leaves the JS API usable.
#[doc(hidden)]
#[wasm_bindgen(js_name = "__panicForTests")]
pub fn panic_for_tests() {
    hook();
    panic!("statelab: deliberate panic (__panicForTests)");
}

/// Stop and redrive, in the full engine only (Cargo feature `extras`).
#[cfg(feature = "extras")]
#[wasm_bindgen]
impl Session {
    /// The next attempt of an execution that ended FAILED, TIMED_OUT or ABORTED, as AWS's
    /// RedriveExecution continues it: the same arguments as the constructor (the same
    /// definition, input and options as the execution; the mocks may be new), `prior` what
    /// `redriveState()` gave at its end, and `afterMs` how long after its end it is redriven.
    /// Its events continue the previous ones' ids, from `ExecutionRedriven`; its times stay
    /// relative to the execution's start. A refusal throws `ExecutionNotRedrivable: reason`.
    pub fn redrive(
        definition: JsValue,
        input: JsValue,
        mocks: JsValue,
        options: JsValue,
        prior: JsValue,
        after_ms: f64,
    ) -> Result<Session, JsValue> {
        hook();
        let s = Setup::from_js(&definition, &input, &mocks, &options)?;
        let prior = json_arg(&prior, "prior", Value::Null)?;
        let end = prior["endTime"]
            .as_str()
            .and_then(crate::exec::redrive::parse_time)
            .ok_or_else(|| error("redrive: prior has no endTime (give what redriveState() returned)"))?;
        if !(after_ms.is_finite() && after_ms >= 0.0) {
            return Err(error("redrive: afterMs must be a time of 0 or more"));
        }
        let at = end.saturating_add(after_ms as i64);
        s.session(|machine, input, mocks, opts| {
            let exec =
                crate::exec::Execution::redriven(machine, input, opts, &prior, at).map_err(|e| error(e.to_string()))?;
            Ok(Host::of(exec, mocks))
        })
    }

    /// What a redrive of this execution needs (`{redriveCount, events, status, startTime,
    /// endTime, resume}`), once it has ended; undefined while it runs or when it cannot be
    /// resumed (its history is full).
    #[wasm_bindgen(js_name = redriveState)]
    pub fn redrive_state(&self) -> JsValue {
        self.host.exec.redrive_state().map_or(JsValue::UNDEFINED, |v| to_js(&v))
    }

    /// Stop the execution as AWS's StopExecution does, with its error and cause (empty
    /// strings: not given): ExecutionAborted says them.
    #[wasm_bindgen(js_name = stopWith)]
    pub fn stop_with(&mut self, error: &str, cause: &str) {
        self.host.stop_with(Failure::new(error, cause));
    }
}

#[cfg(feature = "extras")]
#[wasm_bindgen]
impl Session {
    /// SendTaskHeartbeat for an external task at `atMs`: its heartbeat clock starts again
    /// (no event). False when it is no longer in flight or has no heartbeat. Full engine only.
    #[wasm_bindgen(js_name = heartbeatExternal)]
    pub fn heartbeat_external(&mut self, id: f64, at_ms: f64) -> Result<bool, JsValue> {
        let at = absolute(self.start_time(), at_ms, "heartbeatExternal's time")?;
        self.host.heartbeat_external(id as u64, at).map_err(host_error)
    }

    /// Is the external task `id` still waiting for its answer (not timed out, not
    /// cancelled)? Full engine only.
    #[wasm_bindgen(js_name = externalInFlight)]
    pub fn external_in_flight(&self, id: f64) -> bool {
        self.host.exec.task_in_flight(id as u64)
    }
}

/// An execution driven from JS (the `run` driver of `www/statelab.js`): a [`Host`] whose
/// times are milliseconds relative to the execution start.
#[wasm_bindgen]
pub struct Session {
    host: Host,
    /// Events already handed out by `takeEvents`.
    sent: usize,
    critical_path: bool,
    /// The shared values handed out so far, in Rust and as JS decoded them: each batch of
    /// events, the spans and the result refer to those instead of sending them again.
    kept: Kept,
    kept_js: JsValue,
}

#[wasm_bindgen]
impl Session {
    /// Same arguments as `simulate`; `options.external` lists the states whose Tasks the
    /// caller resolves (`takeExternal`, `completeExternal`, `failExternal`).
    #[wasm_bindgen(constructor)]
    pub fn new(definition: JsValue, input: JsValue, mocks: JsValue, options: JsValue) -> Result<Session, JsValue> {
        hook();
        let s = Setup::from_js(&definition, &input, &mocks, &options)?;
        s.session(|machine, input, mocks, opts| Ok(Host::new(machine, input, mocks, opts)))
    }

    /// A tape written by `write` that continues the ones handed out before, as JS.
    fn continued(&mut self, write: impl FnOnce(&mut Out, &Host)) -> JsValue {
        let mut o = Out::continuing(std::mem::take(&mut self.kept));
        write(&mut o, &self.host);
        let (words, floats, text) = o.parts();
        let v = decode(words, floats, text, &self.kept_js);
        self.kept = o.kept();
        v
    }

    fn start_time(&self) -> i64 {
        self.host.exec.options().start_time
    }

    /// ExecutionStarted and everything that runs at time zero.
    pub fn start(&mut self) -> Result<(), JsValue> {
        self.host.start().map_err(host_error)
    }

    /// When the next thing happens by itself (ms), or undefined: finished, or waiting for
    /// external tasks only.
    #[wasm_bindgen(js_name = nextDeadline)]
    pub fn next_deadline(&self) -> Option<f64> {
        self.host.next_deadline().map(|d| (d - self.start_time()) as f64)
    }

    /// Move to `ms` (at most the next deadline) and handle what is due then.
    #[wasm_bindgen(js_name = stepTo)]
    pub fn step_to(&mut self, ms: f64) -> Result<(), JsValue> {
        let to = absolute(self.start_time(), ms, "stepTo's time")?;
        self.host.step_to(to).map_err(host_error)
    }

    /// Handle the next deadline; false when there is none.
    pub fn step(&mut self) -> Result<bool, JsValue> {
        self.host.step().map_err(host_error)
    }

    /// Task invocations for the caller: `[{id, state, resource, input, attempt, lane, token}]`.
    #[wasm_bindgen(js_name = takeExternal)]
    pub fn take_external(&mut self) -> JsValue {
        let requests = self.host.take_external();
        let lanes = self.host.exec.lanes();
        to_js(&Value::Array(requests.iter().map(|r| request_value(r, lanes)).collect()))
    }

    /// An external task succeeded at `atMs` with this output (JSON text).
    #[wasm_bindgen(js_name = completeExternal)]
    pub fn complete_external(&mut self, id: f64, at_ms: f64, output_json: &str) -> Result<(), JsValue> {
        let at = absolute(self.start_time(), at_ms, "completeExternal's time")?;
        let output = parse_json(output_json, "the task's output")?;
        self.host.complete_external(id as u64, at, Ok(output)).map_err(host_error)
    }

    /// An external task failed at `atMs` with this error name and cause.
    #[wasm_bindgen(js_name = failExternal)]
    pub fn fail_external(&mut self, id: f64, at_ms: f64, error_name: &str, cause: &str) -> Result<(), JsValue> {
        let at = absolute(self.start_time(), at_ms, "failExternal's time")?;
        self.host.complete_external(id as u64, at, Err(Failure::new(error_name, cause))).map_err(host_error)
    }

    /// Stop the execution (ExecutionAborted).
    pub fn stop(&mut self) {
        self.host.stop();
    }

    /// The events not handed out yet, in order.
    #[wasm_bindgen(js_name = takeEvents)]
    pub fn take_events(&mut self) -> JsValue {
        let start = self.start_time();
        let sent = self.sent;
        self.sent = self.host.exec.events().len();
        self.continued(|o, host| {
            let new = host.exec.events().get(sent..).unwrap_or(&[]);
            let mut stamp = (0, String::new());
            o.list(new, |o, e| write_event(o, e, start, &mut stamp));
        })
    }

    /// Every span so far.
    pub fn spans(&mut self) -> JsValue {
        let critical_path = self.critical_path;
        self.continued(|o, host| write_spans(o, &host.exec, critical_path))
    }

    /// Every lane so far (see `simulate`'s `lanes`).
    pub fn lanes(&self) -> JsValue {
        let mut o = Out::new();
        write_lanes(&mut o, self.host.exec.lanes());
        js(&o)
    }

    /// The result so far, in the shape `simulate` returns.
    pub fn result(&mut self) -> JsValue {
        let critical_path = self.critical_path;
        self.continued(|o, host| write_result(o, &host.exec, critical_path, true))
    }

    /// The child executions so far, as `simulate` gives them (`children`). Full engine only.
    #[cfg(feature = "extras")]
    pub fn children(&self) -> JsValue {
        children_js(&self.host, self.critical_path, true)
    }

    /// The virtual time (ms since the start).
    #[wasm_bindgen(getter, js_name = nowMs)]
    pub fn now_ms(&self) -> f64 {
        (self.host.exec.now() - self.start_time()) as f64
    }

    /// The execution has ended (and every child execution it started).
    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.host.all_done()
    }

    /// RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED.
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> String {
        self.host.exec.status().name().into()
    }
}
