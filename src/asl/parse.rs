//! From JSON text to a typed [`Machine`], with AWS's validation rules and diagnostics that
//! carry a JSON Pointer and a line:column.

use super::*;
use crate::value::read::{self, escape_token, Locations, Pos};
use crate::value::{Interner, Map, Value};

/// One problem found in a definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// `INVALID_JSON_DESCRIPTION` or `SCHEMA_VALIDATION_FAILED`, as AWS's ValidateStateMachineDefinition,
    /// or `ValidationException` for a definition the API refuses before checking it (too long).
    pub code: &'static str,
    /// JSON Pointer of the offending value ("" = the whole definition).
    pub pointer: String,
    pub pos: Pos,
    pub message: String,
}

impl Diagnostic {
    pub fn to_json(&self) -> Value {
        crate::json!({
            "code": self.code,
            "severity": "ERROR",
            "location": if self.pointer.is_empty() { "/".to_string() } else { self.pointer.clone() },
            "line": self.pos.line,
            "column": self.pos.column,
            "message": self.message,
        })
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let loc = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, "{}:{}: {} (at {})", self.pos.line, self.pos.column, self.message, loc)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MachineType {
    Standard,
    Express,
}

/// The largest number of seconds AWS accepts in Seconds, TimeoutSeconds, HeartbeatSeconds and
/// a retrier's IntervalSeconds and MaxAttempts (its schema's maximum).
pub const MAX_SECONDS: f64 = 99_999_999.0;
/// The bound of a field that takes an integer and has no maximum (MaxConcurrency,
/// ToleratedFailureCount, MaxItemsPerBatch, MaxInputBytesPerBatch): a fraction is refused as
/// the bounded integer fields' is ("Expected value of type Integer"). Inferred from the ASL
/// spec (non-negative or positive integers), no recording.
const INTEGER: Option<f64> = Some(f64::INFINITY);

/// The most diagnostics a validation reports (AWS's ValidateStateMachineDefinition returns
/// at most 100); a list of `MAX_DIAGNOSTICS + 1` means there were more (see [`truncated`]).
pub const MAX_DIAGNOSTICS: usize = 100;

/// The diagnostics to report, and whether there were more.
pub fn truncated(mut diags: Vec<Diagnostic>) -> (Vec<Diagnostic>, bool) {
    let more = diags.len() > MAX_DIAGNOSTICS;
    diags.truncate(MAX_DIAGNOSTICS);
    (diags, more)
}

/// AWS's limit on a definition's length: 1,048,576 characters (the `definition` member of
/// CreateStateMachine and ValidateStateMachineDefinition; the quotas page's 1 MB hard quota).
pub const MAX_DEFINITION_CHARS: usize = 1_048_576;

/// A definition over [`MAX_DEFINITION_CHARS`] refused as AWS's request validation refuses
/// it (`ValidationException`, in its wording for a member over its length), located at the
/// first character past the limit; `None` within it. Linear in the text, and nothing is
/// parsed.
pub fn over_length(text: &str) -> Option<Diagnostic> {
    if text.len() <= MAX_DEFINITION_CHARS {
        return None;
    }
    let mut pos = Pos { line: 1, column: 1 };
    for (n, c) in text.chars().enumerate() {
        if n == MAX_DEFINITION_CHARS {
            return Some(Diagnostic {
                code: "ValidationException",
                pointer: String::new(),
                pos,
                message: format!(
                    "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to {MAX_DEFINITION_CHARS}"
                ),
            });
        }
        if c == '\n' {
            pos = Pos { line: pos.line + 1, column: 1 };
        } else {
            pos.column += 1;
        }
    }
    None
}

/// Parse and validate definition text. Returns the machine, or every diagnostic found; a
/// text over AWS's length limit is refused before it is read ([`over_length`]).
///
/// The text is parsed once without positions (the common, valid case); only when there are
/// diagnostics is it parsed again to find the line and column of each.
pub fn validate_text(text: &str, machine_type: MachineType) -> Result<Rc<Machine>, Vec<Diagnostic>> {
    if let Some(d) = over_length(text) {
        return Err(vec![d]);
    }
    let value = read::parse(text).map_err(|e| {
        vec![Diagnostic { code: "INVALID_JSON_DESCRIPTION", pointer: String::new(), pos: e.pos, message: e.message }]
    })?;
    check(&value, None, machine_type).map_err(|mut diags| {
        let pointers: Vec<&str> = diags.iter().map(|d| d.pointer.as_str()).collect();
        if let Ok(locs) = read::locate(text, &pointers) {
            for d in &mut diags {
                d.pos = locs.find(&d.pointer);
            }
        }
        diags
    })
}

/// Validate a parsed definition into a typed machine; `locs` gives diagnostics their positions.
pub fn parse_definition(
    value: &Value,
    locs: &Locations,
    machine_type: MachineType,
) -> Result<Rc<Machine>, Vec<Diagnostic>> {
    // A template's definition, as the compact text a deployment sends.
    if crate::value::text_bound(value) > MAX_DEFINITION_CHARS {
        if let Some(mut d) = over_length(&crate::value::to_string(value)) {
            d.pos = locs.find("");
            return Err(vec![d]);
        }
    }
    check(value, Some(locs), machine_type)
}

fn check(value: &Value, locs: Option<&Locations>, machine_type: MachineType) -> Result<Rc<Machine>, Vec<Diagnostic>> {
    let mut cx = Cx { locs, diags: Vec::new(), machine_type, keys: Interner::default(), extras: false };
    crate::dataflow::jsonpath::take_extras_seen();
    let Some(obj) = value.as_object() else {
        cx.error("", "Definition must be a valid JSON object");
        return Err(cx.diags);
    };
    let mut ql = QueryLanguage::JsonPath;
    if let Some(v) = obj.get("QueryLanguage") {
        match v.as_str() {
            Some("JSONPath") => {}
            Some("JSONata") => ql = QueryLanguage::Jsonata,
            _ => cx.error("/QueryLanguage", "QueryLanguage must be 'JSONPath' or 'JSONata'"),
        }
    }
    let machine = cx.machine(obj, "", ql, true);
    match machine {
        Some(mut m) if cx.diags.is_empty() => {
            m.uses_extras = cx.extras | crate::dataflow::jsonpath::take_extras_seen();
            Ok(Rc::new(m))
        }
        _ => {
            if cx.diags.is_empty() {
                cx.error("", "Invalid definition");
            }
            Err(cx.diags)
        }
    }
}

struct Cx<'a> {
    locs: Option<&'a Locations>,
    diags: Vec<Diagnostic>,
    machine_type: MachineType,
    /// Shares the output keys of the templates' `.$` fields.
    keys: Interner,
    /// An expression or an intrinsic call may use the extras (see `Machine::uses_extras`).
    extras: bool,
}

const TOP_FIELDS: &[&str] = &["StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"];
const BRANCH_FIELDS: &[&str] = &["StartAt", "States", "Comment", "ProcessorConfig", "QueryLanguage"];

fn ptr(base: &str, key: &str) -> String {
    format!("{}/{}", base, escape_token(key))
}

impl<'a> Cx<'a> {
    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.push_error(pointer.to_string(), message.into());
    }

    /// An error about `key` of the object at `at`.
    fn error_at(&mut self, at: &str, key: &str, message: impl Into<String>) {
        self.push_error(ptr(at, key), message.into());
    }

    fn push_error(&mut self, pointer: String, message: String) {
        // AWS reports at most 100 diagnostics; one more tells that there were more.
        if self.diags.len() > MAX_DIAGNOSTICS {
            return;
        }
        let pos = self.locs.map(|l| l.find(&pointer)).unwrap_or_default();
        self.diags.push(Diagnostic { code: "SCHEMA_VALIDATION_FAILED", pointer, pos, message });
    }

    fn machine(&mut self, obj: &Map, at: &str, ql: QueryLanguage, top: bool) -> Option<Machine> {
        let allowed = if top { TOP_FIELDS } else { BRANCH_FIELDS };
        for k in obj.keys() {
            if !allowed.contains(&k.as_str()) {
                self.error_at(at, k, format!("Field '{k}' is not supported"));
            }
        }
        let mut missing = Vec::new();
        if !obj.contains_key("States") {
            missing.push("States");
        }
        if !obj.contains_key("StartAt") {
            missing.push("StartAt");
        }
        if !missing.is_empty() {
            self.error(at, format!("These fields are required: [{}]", missing.join(", ")));
            return None;
        }
        let ql = match obj.get("QueryLanguage") {
            Some(v) if !top => match v.as_str() {
                Some("JSONata") => QueryLanguage::Jsonata,
                Some("JSONPath") if ql == QueryLanguage::JsonPath => QueryLanguage::JsonPath,
                Some("JSONPath") => {
                    self.error_at(
                        at,
                        "QueryLanguage",
                        "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
                    );
                    ql
                }
                _ => {
                    self.error_at(at, "QueryLanguage", "QueryLanguage must be 'JSONPath' or 'JSONata'");
                    ql
                }
            },
            _ => ql,
        };
        let timeout_seconds = match obj.get("TimeoutSeconds") {
            None => None,
            Some(v) => match v.as_u64() {
                Some(n) if n > 0 && n <= 99_999_999 => Some(n),
                _ => {
                    self.error_at(at, "TimeoutSeconds", "TimeoutSeconds must be a positive integer");
                    None
                }
            },
        };
        if let Some(v) = obj.get("Version") {
            if v.as_str() != Some("1.0") {
                self.error_at(at, "Version", "Version must be '1.0'");
            }
        }
        if let Some(c) = obj.get("Comment") {
            if !c.is_string() {
                self.error_at(at, "Comment", "Comment must be a string");
            }
        }
        let states_ptr = ptr(at, "States");
        let Some(states) = obj.get("States").and_then(Value::as_object) else {
            self.error(&states_ptr, "States must be an object");
            return None;
        };
        if states.is_empty() {
            self.error(&states_ptr, "States must not be empty");
            return None;
        }
        let start_ptr = ptr(at, "StartAt");
        let start_at = match obj.get("StartAt").and_then(Value::as_str) {
            Some(s) => match states.position(s) {
                Some(i) => i,
                None => {
                    self.error(&start_ptr, format!("MISSING_TRANSITION_TARGET: Missing 'Next' target: {s}"));
                    0
                }
            },
            None => {
                self.error(&start_ptr, "StartAt must be a string");
                0
            }
        };
        let mut out = Vec::with_capacity(states.len());
        for (name, sv) in states {
            let sp = ptr(&states_ptr, name);
            if name.is_empty() || name.chars().count() > 80 {
                self.error(&sp, "State names must be 1 to 80 characters long");
            }
            if let Some(s) = self.state(name, sv, &sp, ql, states) {
                out.push(s);
            }
        }
        if out.len() != states.len() {
            return None;
        }
        // Every state must be reachable from StartAt.
        let mut seen = vec![false; out.len()];
        let mut stack = vec![start_at];
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            let s = &out[i];
            stack.extend(s.next);
            stack.extend(s.catch.iter().map(|c| c.next));
            if let Kind::Choice(c) = &s.kind {
                stack.extend(c.choices.iter().map(|r| r.next));
                stack.extend(c.default);
            }
        }
        for (i, s) in out.iter().enumerate() {
            if !seen[i] {
                self.error(&s.pointer, format!("MISSING_TRANSITION_TARGET: State \"{}\" is not reachable.", s.name));
            }
        }
        // A machine must be able to end.
        let terminal = out.iter().any(|s| {
            matches!(s.kind, Kind::Succeed | Kind::Fail(_)) || (s.next.is_none() && !matches!(s.kind, Kind::Choice(_)))
        });
        if !terminal {
            self.error(&states_ptr, "No terminal state found in the machine");
        }
        Some(Machine {
            start_at,
            states: out,
            timeout_seconds,
            query_language: ql,
            machine_type: self.machine_type,
            pointer: at.to_string(),
            uses_extras: false,
        })
    }

    fn state(&mut self, name: &str, v: &Value, at: &str, machine_ql: QueryLanguage, names: &Map) -> Option<State> {
        let Some(obj) = v.as_object() else {
            self.error(at, "A state must be an object");
            return None;
        };
        let ty = match obj.get("Type").and_then(Value::as_str) {
            Some(t) => t,
            None => {
                self.error(at, "These fields are required: [Type]");
                return None;
            }
        };
        let ql = match obj.get("QueryLanguage").map(|v| v.as_str()) {
            None => machine_ql,
            Some(Some("JSONata")) => QueryLanguage::Jsonata,
            Some(Some("JSONPath")) if machine_ql == QueryLanguage::JsonPath => QueryLanguage::JsonPath,
            Some(Some("JSONPath")) => {
                self.error_at(
                    at,
                    "QueryLanguage",
                    "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
                );
                return None;
            }
            Some(_) => {
                self.error_at(at, "QueryLanguage", "QueryLanguage must be 'JSONPath' or 'JSONata'");
                return None;
            }
        };
        let jsonata = ql == QueryLanguage::Jsonata;
        let allowed: &[&str] = match (ty, jsonata) {
            ("Pass", false) => {
                &["Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result", "Assign"]
            }
            ("Pass", true) => &["Next", "End", "Output", "Assign"],
            ("Task", false) => &[
                "Next",
                "End",
                "Resource",
                "InputPath",
                "OutputPath",
                "ResultPath",
                "Parameters",
                "ResultSelector",
                "Retry",
                "Catch",
                "TimeoutSeconds",
                "TimeoutSecondsPath",
                "HeartbeatSeconds",
                "HeartbeatSecondsPath",
                "Credentials",
                "Assign",
            ],
            ("Task", true) => &[
                "Next",
                "End",
                "Resource",
                "Arguments",
                "Output",
                "Retry",
                "Catch",
                "TimeoutSeconds",
                "HeartbeatSeconds",
                "Credentials",
                "Assign",
            ],
            ("Choice", false) => &["Choices", "Default", "InputPath", "OutputPath", "Assign"],
            ("Choice", true) => &["Choices", "Default", "Output", "Assign"],
            ("Wait", false) => &[
                "Next",
                "End",
                "InputPath",
                "OutputPath",
                "Seconds",
                "Timestamp",
                "SecondsPath",
                "TimestampPath",
                "Assign",
            ],
            ("Wait", true) => &["Next", "End", "Seconds", "Timestamp", "Output", "Assign"],
            ("Succeed", false) => &["InputPath", "OutputPath"],
            ("Succeed", true) => &["Output"],
            ("Fail", false) => &["Error", "ErrorPath", "Cause", "CausePath"],
            ("Fail", true) => &["Error", "Cause"],
            ("Parallel", false) => &[
                "Next",
                "End",
                "Branches",
                "InputPath",
                "OutputPath",
                "ResultPath",
                "Parameters",
                "ResultSelector",
                "Retry",
                "Catch",
                "Assign",
            ],
            ("Parallel", true) => &["Next", "End", "Branches", "Arguments", "Output", "Retry", "Catch", "Assign"],
            ("Map", false) => &[
                "Next",
                "End",
                "Iterator",
                "ItemProcessor",
                "ItemsPath",
                "ItemReader",
                "ItemSelector",
                "Parameters",
                "ItemBatcher",
                "ResultWriter",
                "MaxConcurrency",
                "MaxConcurrencyPath",
                "ToleratedFailurePercentage",
                "ToleratedFailurePercentagePath",
                "ToleratedFailureCount",
                "ToleratedFailureCountPath",
                "Label",
                "InputPath",
                "OutputPath",
                "ResultPath",
                "ResultSelector",
                "Retry",
                "Catch",
                "Assign",
            ],
            ("Map", true) => &[
                "Next",
                "End",
                "Iterator",
                "ItemProcessor",
                "Items",
                "ItemReader",
                "ItemSelector",
                "ItemBatcher",
                "ResultWriter",
                "MaxConcurrency",
                "ToleratedFailurePercentage",
                "ToleratedFailureCount",
                "Label",
                "Output",
                "Retry",
                "Catch",
                "Assign",
            ],
            _ => {
                self.error_at(at, "Type", format!("Unknown state type '{ty}'"));
                return None;
            }
        };
        let before = self.diags.len();
        for k in obj.keys() {
            if !matches!(k.as_str(), "Type" | "Comment" | "QueryLanguage") && !allowed.contains(&k.as_str()) {
                let lang = if jsonata { "JSONata" } else { "JSONPath" };
                self.error_at(
                    at,
                    k,
                    format!("The field '{k}' is not supported for {ty} states using the {lang} query language"),
                );
            }
        }
        if let Some(c) = obj.get("Comment") {
            if !c.is_string() {
                self.error_at(at, "Comment", "Comment must be a string");
            }
        }
        // Transitions.
        let has_transition = !matches!(ty, "Choice" | "Succeed" | "Fail");
        let next = if has_transition {
            match (obj.get("Next"), obj.get("End")) {
                (Some(_), Some(_)) => {
                    self.error(at, "A state may not have both 'Next' and 'End'");
                    None
                }
                (Some(n), None) => self.target(n, &ptr(at, "Next"), names),
                (None, Some(Value::Bool(true))) => None,
                (None, Some(_)) => {
                    self.error_at(at, "End", "End must be true");
                    None
                }
                (None, None) => {
                    self.error(at, "A state must have either 'Next' or 'End': true");
                    None
                }
            }
        } else {
            None
        };
        let io = if jsonata {
            Io::Jsonata {
                arguments: self.opt_jtemplate(obj, at, "Arguments"),
                output: self.opt_jtemplate(obj, at, "Output"),
            }
        } else {
            Io::JsonPath {
                input_path: self.path_field(obj, at, "InputPath"),
                parameters: if ty == "Map" { None } else { self.opt_template(obj, at, "Parameters") },
                result_selector: self.opt_template(obj, at, "ResultSelector"),
                result_path: self.path_field(obj, at, "ResultPath"),
                output_path: self.path_field(obj, at, "OutputPath"),
            }
        };
        if jsonata {
            if let Some(Value::String(_)) = obj.get("Arguments") {
                if !is_jsonata_string(obj.get("Arguments").and_then(Value::as_str).unwrap_or("")) {
                    self.error_at(at, "Arguments", "Arguments must be an object, an array, or a JSONata expression");
                }
            }
        }
        let assign = self.assign(obj.get("Assign"), &ptr(at, "Assign"), ql);
        let retry =
            if obj.contains_key("Retry") { self.retriers(&obj["Retry"], &ptr(at, "Retry")) } else { Vec::new() };
        let catch = if obj.contains_key("Catch") {
            self.catchers(&obj["Catch"], &ptr(at, "Catch"), ql, names)
        } else {
            Vec::new()
        };
        let kind = match ty {
            "Pass" => Kind::Pass { result: obj.get("Result").cloned() },
            "Task" => Kind::Task(self.task(obj, at, ql)?),
            "Choice" => Kind::Choice(self.choice(obj, at, ql, names)?),
            "Wait" => Kind::Wait(self.wait(obj, at, ql)?),
            "Succeed" => Kind::Succeed,
            "Fail" => Kind::Fail(self.fail(obj, at, ql)),
            "Parallel" => Kind::Parallel(self.branches(obj, at, ql)?),
            "Map" => Kind::Map(Box::new(self.map(obj, at, ql)?)),
            _ => unreachable!("state types were checked above"),
        };
        if self.diags.len() > before {
            return None;
        }
        Some(State {
            name: name.into(),
            pointer: at.to_string(),
            query_language: ql,
            kind,
            next,
            io,
            assign,
            retry,
            catch,
        })
    }

    /// The state `v` names: its index, which is its place in the machine's `States` (`names`).
    fn target(&mut self, v: &Value, at: &str, names: &Map) -> Option<usize> {
        match v.as_str() {
            Some(s) => match names.position(s) {
                Some(i) => Some(i),
                None => {
                    self.error(at, format!("MISSING_TRANSITION_TARGET: Missing 'Next' target: {s}"));
                    None
                }
            },
            None => {
                self.error(at, "A transition target must be a state name");
                None
            }
        }
    }

    fn path_field(&mut self, obj: &Map, at: &str, key: &str) -> PathField {
        match obj.get(key) {
            None => PathField::Default,
            Some(Value::Null) => PathField::Null,
            Some(Value::String(s)) => match Reference::parse(s) {
                Ok(r) => {
                    if key == "ResultPath" && !matches!(r.root, crate::dataflow::jsonpath::Root::Input) {
                        self.error_at(at, key, format!("ResultPath must be a reference path starting with '$': {s}"));
                    } else if key == "ResultPath" && !r.path.is_reference_path() {
                        self.error_at(at, key, format!("ResultPath must be a reference path: {s}"));
                    }
                    PathField::Path(r)
                }
                Err(e) => {
                    self.error_at(at, key, format!("The value for the field '{key}' must be a valid JSONPath: {e}"));
                    PathField::Default
                }
            },
            Some(_) => {
                self.error_at(at, key, format!("The value for the field '{key}' must be a string or null"));
                PathField::Default
            }
        }
    }

    fn reference(&mut self, v: &Value, at: &str, key: &str) -> Option<Reference> {
        match v.as_str().map(Reference::parse) {
            Some(Ok(r)) => Some(r),
            Some(Err(e)) => {
                self.error(at, format!("The value for the field '{key}' must be a valid JSONPath: {e}"));
                None
            }
            None => {
                self.error(at, format!("The value for the field '{key}' must be a string"));
                None
            }
        }
    }

    fn template(&mut self, v: &Value, at: &str) -> Option<Template> {
        match Template::parse_with(v, &mut self.keys) {
            Ok(t) => {
                self.extras |= t.calls("States.Hash");
                Some(t)
            }
            Err(errs) => {
                for (p, m) in errs {
                    self.error(&format!("{at}{p}"), m);
                }
                None
            }
        }
    }

    fn opt_template(&mut self, obj: &Map, at: &str, key: &str) -> Option<Template> {
        obj.get(key).and_then(|v| self.template(v, &ptr(at, key)))
    }

    fn jtemplate(&mut self, v: &Value, at: &str) -> JTemplate {
        match v {
            Value::String(s) if is_jsonata_string(s) => {
                let src = s[2..s.len() - 2].trim().to_string();
                match jsonata::parse(&src) {
                    Ok(expr) => {
                        self.extras |= expr.uses_extras();
                        JTemplate::Expr { source: src, expr: Rc::new(expr) }
                    }
                    Err(e) => {
                        self.error(at, format!("The JSONata expression '{src}' is invalid: {}", e.message));
                        JTemplate::Literal(Value::Null)
                    }
                }
            }
            // A part with no expression in it is one literal: evaluated, it is itself, with no
            // bindings built (a Map's ItemSelector is evaluated for every item).
            Value::Object(m) => {
                let fields: Vec<_> = m.iter().map(|(k, v)| (k.clone(), self.jtemplate(v, &ptr(at, k)))).collect();
                if fields.iter().all(|(_, t)| matches!(t, JTemplate::Literal(_))) {
                    JTemplate::Literal(v.clone())
                } else {
                    JTemplate::Object(fields)
                }
            }
            Value::Array(a) => {
                let items: Vec<_> =
                    a.iter().enumerate().map(|(i, v)| self.jtemplate(v, &format!("{at}/{i}"))).collect();
                if items.iter().all(|t| matches!(t, JTemplate::Literal(_))) {
                    JTemplate::Literal(v.clone())
                } else {
                    JTemplate::Array(items)
                }
            }
            other => JTemplate::Literal(other.clone()),
        }
    }

    fn opt_jtemplate(&mut self, obj: &Map, at: &str, key: &str) -> Option<JTemplate> {
        obj.get(key).map(|v| self.jtemplate(v, &ptr(at, key)))
    }

    fn assign(&mut self, v: Option<&Value>, at: &str, ql: QueryLanguage) -> Option<Assign> {
        let v = v?;
        let Some(obj) = v.as_object() else {
            self.error(at, "Assign must be an object");
            return None;
        };
        for k in obj.keys() {
            let name = if ql == QueryLanguage::JsonPath { k.strip_suffix(".$").unwrap_or(k) } else { k.as_str() };
            if !valid_variable_name(name) {
                self.error_at(at, k, format!("The variable name '{name}' is invalid"));
            }
        }
        match ql {
            QueryLanguage::JsonPath => self.template(v, at).map(Assign::JsonPath),
            QueryLanguage::Jsonata => {
                Some(Assign::Jsonata(obj.iter().map(|(k, v)| (k.clone(), self.jtemplate(v, &ptr(at, k)))).collect()))
            }
        }
    }

    fn number_field(
        &mut self,
        obj: &Map,
        at: &str,
        key: &str,
        path_key: Option<&str>,
        ql: QueryLanguage,
        (min, max): (f64, Option<f64>),
    ) -> Option<NumberField> {
        let path_key = path_key.filter(|_| ql == QueryLanguage::JsonPath);
        if let (Some(pk), true) = (path_key, obj.contains_key(key)) {
            if obj.contains_key(pk) {
                self.error(at, format!("The fields '{key}' and '{pk}' cannot both be set"));
                return None;
            }
        }
        if let Some(v) = obj.get(key) {
            let p = ptr(at, key);
            return match v {
                Value::Number(n) => {
                    let f = n.as_f64().unwrap_or(f64::NAN);
                    if f < min || !f.is_finite() {
                        self.error(
                            &p,
                            format!("The value of '{key}' must be at least {}", crate::value::num::display(min)),
                        );
                        None
                    } else if let Some(max) = max.filter(|&m| f > m || f.fract() != 0.0) {
                        // (AWS's schema: an integer up to 99999999.)
                        let what = if f.fract() != 0.0 {
                            "Expected value of type Integer".to_string()
                        } else {
                            format!("Maximum value is {}", crate::value::num::display(max))
                        };
                        self.error(&p, format!("The value of '{key}' is not valid: {what}"));
                        None
                    } else {
                        Some(NumberField::Literal(f))
                    }
                }
                Value::String(s) if ql == QueryLanguage::Jsonata && is_jsonata_string(s) => {
                    Some(NumberField::Expr(self.jtemplate(v, &p)))
                }
                _ => {
                    self.error(&p, format!("The value of '{key}' must be a number"));
                    None
                }
            };
        }
        if let Some(pk) = path_key {
            if let Some(v) = obj.get(pk) {
                return self.reference(v, &ptr(at, pk), pk).map(NumberField::Path);
            }
        }
        None
    }

    fn task(&mut self, obj: &Map, at: &str, ql: QueryLanguage) -> Option<Task> {
        let rp = ptr(at, "Resource");
        let Some(resource) = obj.get("Resource").and_then(Value::as_str) else {
            self.error(at, "These fields are required: [Resource]");
            return None;
        };
        let kind = match resource_kind(resource) {
            Some(k) => k,
            None => {
                self.error(&rp, format!("Resource '{resource}' is not a valid ARN"));
                return None;
            }
        };
        if self.machine_type == MachineType::Express {
            match &kind {
                ResourceKind::Activity => self.error(&rp, "Express state machine does not support Activity ARN"),
                ResourceKind::Service { pattern: Pattern::Sync, .. } => {
                    self.error(&rp, "Express state machine does not support '.sync' service integration")
                }
                ResourceKind::Service { pattern: Pattern::WaitForTaskToken, .. } => {
                    self.error(&rp, "Express state machine does not support '.waitForTaskToken' service integration ")
                }
                _ => {}
            }
        }
        // An S3 object task without a mock reads and writes the workspace of files, which is in
        // the full build only.
        // So does a task that waits (`.sync`, `.waitForTaskToken`): its `TaskSubmitted` event
        // holds the service's response, which the full build makes (`exec/submitted.rs`).
        if let ResourceKind::Service { resource_type, resource, pattern } = &kind {
            self.extras |=
                crate::files::s3_task_action(resource_type, resource).is_some() || *pattern != Pattern::RequestResponse;
        }
        let timeout =
            self.number_field(obj, at, "TimeoutSeconds", Some("TimeoutSecondsPath"), ql, (1.0, Some(MAX_SECONDS)));
        let heartbeat =
            self.number_field(obj, at, "HeartbeatSeconds", Some("HeartbeatSecondsPath"), ql, (1.0, Some(MAX_SECONDS)));
        if let (Some(NumberField::Literal(t)), Some(NumberField::Literal(h))) = (&timeout, &heartbeat) {
            if h >= t {
                self.error_at(at, "HeartbeatSeconds", "HeartbeatSeconds must be smaller than TimeoutSeconds");
            }
        }
        let credentials = obj.get("Credentials").cloned();
        if let Some(c) = &credentials {
            let cp = ptr(at, "Credentials");
            match c.as_object() {
                Some(m) if m.contains_key("RoleArn") || m.contains_key("RoleArn.$") => {}
                _ => self.error(&cp, format!("The field 'RoleArn' is required but was missing at {cp}")),
            }
        }
        Some(Task { resource: resource.into(), kind, timeout, heartbeat, credentials })
    }

    fn choice(&mut self, obj: &Map, at: &str, ql: QueryLanguage, names: &Map) -> Option<Choice> {
        let cp = ptr(at, "Choices");
        let Some(rules) = obj.get("Choices").and_then(Value::as_array) else {
            self.error(at, "These fields are required: [Choices]");
            return None;
        };
        if rules.is_empty() {
            self.error(&cp, "Choices must not be empty");
        }
        let mut choices = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            let rp = format!("{cp}/{i}");
            let Some(ro) = r.as_object() else {
                self.error(&rp, "A choice rule must be an object");
                continue;
            };
            let next = match ro.get("Next") {
                Some(n) => self.target(n, &ptr(&rp, "Next"), names),
                None => {
                    self.error(&rp, "These fields are required: [Next]");
                    None
                }
            };
            let condition = if ql == QueryLanguage::Jsonata {
                for k in ro.keys() {
                    if !matches!(k.as_str(), "Condition" | "Next" | "Comment" | "Assign" | "Output") {
                        self.error(&ptr(&rp, k), format!("The field '{k}' is not supported in a JSONata choice rule"));
                    }
                }
                match ro.get("Condition") {
                    Some(Value::Bool(b)) => Some(Condition::Jsonata(JTemplate::Literal(Value::Bool(*b)))),
                    Some(v @ Value::String(s)) if is_jsonata_string(s) => {
                        Some(Condition::Jsonata(self.jtemplate(v, &ptr(&rp, "Condition"))))
                    }
                    Some(_) => {
                        self.error(&ptr(&rp, "Condition"), "Condition must be a boolean or a JSONata expression");
                        None
                    }
                    None => {
                        self.error(&rp, "These fields are required: [Condition]");
                        None
                    }
                }
            } else {
                self.condition(ro, &rp, true)
            };
            let assign = self.assign(ro.get("Assign"), &ptr(&rp, "Assign"), ql);
            let output = if ql == QueryLanguage::Jsonata { self.opt_jtemplate(ro, &rp, "Output") } else { None };
            if let (Some(condition), Some(next)) = (condition, next) {
                choices.push(ChoiceRule { condition, next, assign, output, pointer: rp });
            }
        }
        let default = match obj.get("Default") {
            Some(d) => self.target(d, &ptr(at, "Default"), names),
            None => None,
        };
        Some(Choice { choices, default })
    }

    fn condition(&mut self, ro: &Map, at: &str, top: bool) -> Option<Condition> {
        for k in ["And", "Or"] {
            if let Some(v) = ro.get(k) {
                let Some(items) = v.as_array().filter(|a| !a.is_empty()) else {
                    self.error_at(at, k, format!("{k} must be a non-empty array of rules"));
                    return None;
                };
                let mut subs = Vec::new();
                for (i, it) in items.iter().enumerate() {
                    let ip = format!("{}/{i}", ptr(at, k));
                    match it.as_object() {
                        Some(o) => subs.push(self.nested(o, &ip)?),
                        None => {
                            self.error(&ip, "A choice rule must be an object");
                            return None;
                        }
                    }
                }
                self.check_rule_keys(ro, at, top, &[k]);
                return Some(if k == "And" { Condition::And(subs) } else { Condition::Or(subs) });
            }
        }
        if let Some(v) = ro.get("Not") {
            let Some(o) = v.as_object() else {
                self.error_at(at, "Not", "Not must be a choice rule object");
                return None;
            };
            let inner = self.nested(o, &ptr(at, "Not"))?;
            self.check_rule_keys(ro, at, top, &["Not"]);
            return Some(Condition::Not(Box::new(inner)));
        }
        let ops: Vec<(&Key, Comparison, bool)> =
            ro.keys().filter_map(|k| comparison(k).map(|(c, p)| (k, c, p))).collect();
        if ops.len() != 1 {
            self.error(
                at,
                if ops.is_empty() {
                    "A choice rule must have exactly one comparison operator".to_string()
                } else {
                    "A choice rule may have only one comparison operator".to_string()
                },
            );
            return None;
        }
        let (key, op, is_path) = ops[0];
        let Some(var) = ro.get("Variable") else {
            self.error(at, "These fields are required: [Variable]");
            return None;
        };
        let variable = self.reference(var, &ptr(at, "Variable"), "Variable")?;
        let vp = ptr(at, key);
        let val = &ro[key];
        let operand = if is_path {
            Operand::Path(self.reference(val, &vp, key)?)
        } else {
            let ok = match op {
                Comparison::StringEquals
                | Comparison::StringLessThan
                | Comparison::StringGreaterThan
                | Comparison::StringLessThanEquals
                | Comparison::StringGreaterThanEquals
                | Comparison::StringMatches => val.is_string(),
                Comparison::TimestampEquals
                | Comparison::TimestampLessThan
                | Comparison::TimestampGreaterThan
                | Comparison::TimestampLessThanEquals
                | Comparison::TimestampGreaterThanEquals => {
                    val.as_str().is_some_and(|s| crate::support::time::parse_timestamp(s).is_some())
                }
                Comparison::NumericEquals
                | Comparison::NumericLessThan
                | Comparison::NumericGreaterThan
                | Comparison::NumericLessThanEquals
                | Comparison::NumericGreaterThanEquals => val.is_number(),
                _ => val.is_boolean(),
            };
            if !ok {
                self.error(&vp, format!("The value of '{key}' has the wrong type"));
                return None;
            }
            Operand::Value(val.clone())
        };
        self.check_rule_keys(ro, at, top, &[key.as_str(), "Variable"]);
        Some(Condition::Compare { variable, op, operand })
    }

    fn nested(&mut self, o: &Map, at: &str) -> Option<Condition> {
        if o.contains_key("Next") {
            self.error_at(at, "Next", "Nested choice rules may not have 'Next'");
        }
        self.condition(o, at, false)
    }

    fn check_rule_keys(&mut self, ro: &Map, at: &str, top: bool, used: &[&str]) {
        for k in ro.keys() {
            let fine = used.contains(&k.as_str()) || k == "Comment" || (top && matches!(k.as_str(), "Next" | "Assign"));
            if !fine {
                self.error_at(at, k, format!("The field '{k}' is not supported in this choice rule"));
            }
        }
    }

    fn wait(&mut self, obj: &Map, at: &str, ql: QueryLanguage) -> Option<Wait> {
        let keys: Vec<&str> = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"]
            .into_iter()
            .filter(|k| obj.contains_key(k))
            .collect();
        if keys.len() != 1 {
            self.error(
                at,
                "A Wait state must have exactly one of 'Seconds', 'Timestamp', 'SecondsPath' or 'TimestampPath'",
            );
            return None;
        }
        let key = keys[0];
        let p = ptr(at, key);
        let v = &obj[key];
        match key {
            "Seconds" => self.number_field(obj, at, "Seconds", None, ql, (0.0, Some(MAX_SECONDS))).map(Wait::Seconds),
            "SecondsPath" => self.reference(v, &p, key).map(|r| Wait::Seconds(NumberField::Path(r))),
            "TimestampPath" => self.reference(v, &p, key).map(Wait::TimestampPath),
            _ => match v.as_str() {
                Some(s) if ql == QueryLanguage::Jsonata && is_jsonata_string(s) => {
                    Some(Wait::TimestampExpr(self.jtemplate(v, &p)))
                }
                Some(s) if crate::support::time::parse_timestamp(s).is_some() => Some(Wait::Timestamp(s.to_string())),
                _ => {
                    self.error(&p, "Timestamp must be an ISO-8601 extended offset date-time string");
                    None
                }
            },
        }
    }

    fn fail(&mut self, obj: &Map, at: &str, ql: QueryLanguage) -> Fail {
        let field = |cx: &mut Self, key: &str, path_key: &str| -> Option<FailField> {
            if obj.contains_key(key) && obj.contains_key(path_key) {
                cx.error(at, format!("The fields '{key}' and '{path_key}' cannot both be set"));
                return None;
            }
            if let Some(v) = obj.get(key) {
                return match v.as_str() {
                    Some(s) if ql == QueryLanguage::Jsonata && is_jsonata_string(s) => {
                        Some(FailField::Expr(cx.jtemplate(v, &ptr(at, key))))
                    }
                    Some(s) => Some(FailField::Literal(s.to_string())),
                    None => {
                        cx.error(&ptr(at, key), format!("{key} must be a string"));
                        None
                    }
                };
            }
            let v = obj.get(path_key)?;
            match v.as_str().map(Dynamic::parse) {
                Some(Ok(d)) => Some(FailField::Path(d)),
                Some(Err(why)) => {
                    cx.error(
                        &ptr(at, path_key),
                        format!("{path_key} must be a valid JSONPath or intrinsic function: {why}"),
                    );
                    None
                }
                None => {
                    cx.error(&ptr(at, path_key), format!("{path_key} must be a valid JSONPath or intrinsic function"));
                    None
                }
            }
        };
        let error = field(self, "Error", "ErrorPath");
        let cause = field(self, "Cause", "CausePath");
        Fail { error, cause }
    }

    fn branches(&mut self, obj: &Map, at: &str, ql: QueryLanguage) -> Option<Vec<Rc<Machine>>> {
        let bp = ptr(at, "Branches");
        let Some(bs) = obj.get("Branches").and_then(Value::as_array) else {
            self.error(at, "These fields are required: [Branches] (a non-empty array)");
            return None;
        };
        if bs.is_empty() {
            // AWS's text (a TestState refusal).
            self.error(&bp, "Value cannot be empty");
            return None;
        }
        let mut out = Vec::new();
        for (i, b) in bs.iter().enumerate() {
            let p = format!("{bp}/{i}");
            match b.as_object() {
                Some(o) => out.push(Rc::new(self.machine(o, &p, ql, false)?)),
                None => {
                    self.error(&p, "A branch must be an object");
                    return None;
                }
            }
        }
        Some(out)
    }

    fn map(&mut self, obj: &Map, at: &str, ql: QueryLanguage) -> Option<MapState> {
        let (key, proc_obj) = match (obj.get("ItemProcessor"), obj.get("Iterator")) {
            (Some(_), Some(_)) => {
                self.error(at, "A Map state may not have both 'ItemProcessor' and 'Iterator'");
                return None;
            }
            (Some(p), None) => ("ItemProcessor", p),
            (None, Some(p)) => ("Iterator", p),
            (None, None) => {
                self.error(at, "These fields are required: [ItemProcessor]");
                return None;
            }
        };
        let pp = ptr(at, key);
        let Some(po) = proc_obj.as_object() else {
            self.error(&pp, format!("{key} must be an object"));
            return None;
        };
        let mut distributed = false;
        if let Some(cfg) = po.get("ProcessorConfig") {
            let cp = ptr(&pp, "ProcessorConfig");
            match cfg.get("Mode").and_then(Value::as_str) {
                None | Some("INLINE") => {}
                Some("DISTRIBUTED") => distributed = true,
                Some(m) => self.error(&ptr(&cp, "Mode"), format!("Unknown processor mode '{m}'")),
            }
            match cfg.get("ExecutionType").and_then(Value::as_str) {
                Some("STANDARD" | "EXPRESS") => {}
                Some(t) => self.error(&ptr(&cp, "ExecutionType"), format!("Unknown execution type '{t}'")),
                // The guide: a DISTRIBUTED processor must say its child executions' type
                // (worded as the recorded `The field 'RoleArn' is required but was missing`).
                None if distributed => self.error(&cp, "The field 'ExecutionType' is required but was missing"),
                None => {}
            }
        }
        let processor = Rc::new(self.machine(po, &pp, ql, false)?);
        let label = match obj.get("Label") {
            None => None,
            Some(Value::String(l)) => {
                let lp = ptr(at, "Label");
                if l.is_empty() {
                    self.error(&lp, "Label cannot be empty");
                } else if l.chars().count() > 40 {
                    self.error(&lp, "Label cannot exceed 40 characters");
                } else if let Some(c) = l.chars().find(|c| label_char_invalid(*c)) {
                    self.error(&lp, format!("Label contains invalid character: {}", label_char_debug(c)));
                }
                Some(l.to_string())
            }
            Some(_) => {
                self.error_at(at, "Label", "Label must be a string");
                None
            }
        };
        let items_path = match obj.get("ItemsPath") {
            Some(v) => Some(self.reference(v, &ptr(at, "ItemsPath"), "ItemsPath")?),
            None => None,
        };
        let items = if ql == QueryLanguage::Jsonata { self.opt_jtemplate(obj, at, "Items") } else { None };
        let item_selector = match (obj.get("ItemSelector"), obj.get("Parameters")) {
            (Some(_), Some(_)) => {
                self.error(at, "A Map state may not have both 'ItemSelector' and 'Parameters'");
                None
            }
            (Some(v), None) => Some(if ql == QueryLanguage::Jsonata {
                ItemSelector::Jsonata(self.jtemplate(v, &ptr(at, "ItemSelector")))
            } else {
                ItemSelector::JsonPath(self.template(v, &ptr(at, "ItemSelector"))?)
            }),
            (None, Some(v)) => Some(ItemSelector::JsonPath(self.template(v, &ptr(at, "Parameters"))?)),
            (None, None) => None,
        };
        let max_concurrency =
            self.number_field(obj, at, "MaxConcurrency", Some("MaxConcurrencyPath"), ql, (0.0, INTEGER));
        let tolerated_failure_count =
            self.number_field(obj, at, "ToleratedFailureCount", Some("ToleratedFailureCountPath"), ql, (0.0, INTEGER));
        let tolerated_failure_percentage = self.number_field(
            obj,
            at,
            "ToleratedFailurePercentage",
            Some("ToleratedFailurePercentagePath"),
            ql,
            (0.0, None),
        );
        if let Some(NumberField::Literal(p)) = tolerated_failure_percentage {
            if p > 100.0 {
                self.error_at(at, "ToleratedFailurePercentage", "ToleratedFailurePercentage must be between 0 and 100");
            }
        }
        for k in ["ItemReader", "ResultWriter", "ItemBatcher"] {
            if obj.contains_key(k) && !distributed {
                self.error_at(at, k, format!("The field '{k}' is only supported in DISTRIBUTED mode"));
            }
        }
        let item_batcher = match obj.get("ItemBatcher") {
            None => None,
            Some(Value::Object(b)) => {
                let bp = ptr(at, "ItemBatcher");
                let max_items =
                    self.number_field(b, &bp, "MaxItemsPerBatch", Some("MaxItemsPerBatchPath"), ql, (1.0, INTEGER));
                let max_bytes = self.number_field(
                    b,
                    &bp,
                    "MaxInputBytesPerBatch",
                    Some("MaxInputBytesPerBatchPath"),
                    ql,
                    (1.0, INTEGER),
                );
                let batch_input = match b.get("BatchInput") {
                    None => None,
                    Some(v) if ql == QueryLanguage::Jsonata => {
                        Some(ItemSelector::Jsonata(self.jtemplate(v, &ptr(&bp, "BatchInput"))))
                    }
                    Some(v) => self.template(v, &ptr(&bp, "BatchInput")).map(ItemSelector::JsonPath),
                };
                if max_items.is_none() && max_bytes.is_none() {
                    self.error(&bp, "ItemBatcher needs MaxItemsPerBatch or MaxInputBytesPerBatch");
                }
                Some(Batcher { max_items, max_bytes, batch_input })
            }
            Some(_) => {
                self.error_at(at, "ItemBatcher", "ItemBatcher must be an object");
                None
            }
        };
        // Reading items from files and writing results are in the full build only, and so is
        // the checking of their fields: the wasm core hands a definition that has them to the
        // full engine, to validate as to run (`src/wasm/bindings.rs`). So is any distributed
        // Map: only the full engine keeps its child executions' own histories
        // (`exec/children.rs`), which the page's Map Runs tab opens.
        self.extras |= distributed;
        let (item_reader, result_writer) = self.reader_and_writer(obj, at, ql, distributed);
        Some(MapState {
            processor,
            items_path,
            items,
            item_selector,
            max_concurrency,
            tolerated_failure_count,
            tolerated_failure_percentage,
            distributed,
            label,
            item_batcher,
            item_reader,
            result_writer,
        })
    }

    #[cfg(feature = "extras")]
    fn reader_and_writer(
        &mut self,
        obj: &Map,
        at: &str,
        ql: QueryLanguage,
        distributed: bool,
    ) -> (Option<Box<ItemReader>>, Option<Box<ResultWriter>>) {
        let item_reader = match obj.get("ItemReader") {
            Some(v) if distributed => self.item_reader(v, &ptr(at, "ItemReader"), ql).map(Box::new),
            _ => None,
        };
        let result_writer = match obj.get("ResultWriter") {
            Some(v) if distributed => self.result_writer(v, &ptr(at, "ResultWriter"), ql).map(Box::new),
            _ => None,
        };
        (item_reader, result_writer)
    }

    #[cfg(not(feature = "extras"))]
    fn reader_and_writer(
        &mut self,
        _: &Map,
        _: &str,
        _: QueryLanguage,
        _: bool,
    ) -> (Option<Box<ItemReader>>, Option<Box<ResultWriter>>) {
        (None, None)
    }

    #[cfg(feature = "extras")]
    /// The unknown fields of an object, each an error.
    fn known_fields(&mut self, obj: &Map, at: &str, what: &str, known: &[&str]) {
        for k in obj.keys() {
            if !known.contains(&k.as_str()) {
                self.error_at(at, k, format!("The field '{k}' is not supported in {what}"));
            }
        }
    }

    #[cfg(feature = "extras")]
    /// `Parameters` (JSONPath) or `Arguments` (JSONata) of an ItemReader or a ResultWriter:
    /// the object naming the bucket and the key or prefix.
    fn s3_arguments(&mut self, obj: &Map, at: &str, ql: QueryLanguage) -> Option<ItemSelector> {
        let (key, other) = match ql {
            QueryLanguage::JsonPath => ("Parameters", "Arguments"),
            QueryLanguage::Jsonata => ("Arguments", "Parameters"),
        };
        if obj.contains_key(other) {
            let lang = if ql == QueryLanguage::Jsonata { "JSONata" } else { "JSONPath" };
            self.error_at(
                at,
                other,
                format!("The field '{other}' is not supported with the {lang} query language: use '{key}'"),
            );
        }
        let v = obj.get(key)?;
        let p = ptr(at, key);
        match (ql, v) {
            (QueryLanguage::JsonPath, Value::Object(_)) => self.template(v, &p).map(ItemSelector::JsonPath),
            (QueryLanguage::Jsonata, Value::Object(_)) => Some(ItemSelector::Jsonata(self.jtemplate(v, &p))),
            (QueryLanguage::Jsonata, Value::String(s)) if is_jsonata_string(s) => {
                Some(ItemSelector::Jsonata(self.jtemplate(v, &p)))
            }
            _ => {
                self.error(&p, format!("{key} must be an object"));
                None
            }
        }
    }

    #[cfg(feature = "extras")]
    /// An `s3:ACTION` resource (`arn:aws:states:::s3:getObject`, in any partition and with or
    /// without a region and an account): the action.
    fn s3_action<'v>(&mut self, obj: &'v Map, at: &str, allowed: &[&str]) -> Option<&'v str> {
        let Some(resource) = obj.get("Resource").and_then(Value::as_str) else {
            self.error(at, "These fields are required: [Resource]");
            return None;
        };
        match resource_kind(resource) {
            Some(ResourceKind::Service { resource_type, resource: action, .. })
                if resource_type == "s3" && allowed.contains(&action.as_str()) =>
            {
                let i = resource.rfind(':').map_or(0, |i| i + 1);
                Some(&resource[i..])
            }
            _ => {
                let list: Vec<String> = allowed.iter().map(|a| format!("arn:aws:states:::s3:{a}")).collect();
                self.error_at(
                    at,
                    "Resource",
                    format!("The Resource '{resource}' is not supported here: use {}", list.join(" or ")),
                );
                None
            }
        }
    }

    #[cfg(feature = "extras")]
    fn item_reader(&mut self, v: &Value, at: &str, ql: QueryLanguage) -> Option<ItemReader> {
        let Some(obj) = v.as_object() else {
            self.error(at, "ItemReader must be an object");
            return None;
        };
        self.known_fields(obj, at, "an ItemReader", &["Resource", "Parameters", "Arguments", "ReaderConfig"]);
        let action = self.s3_action(obj, at, &["getObject", "listObjectsV2"]);
        let arguments = self.s3_arguments(obj, at, ql);
        let list = action == Some("listObjectsV2");
        let cp = ptr(at, "ReaderConfig");
        let empty = Map::new();
        let rc = match obj.get("ReaderConfig") {
            None => &empty,
            Some(Value::Object(m)) => m,
            Some(_) => {
                self.error(&cp, "ReaderConfig must be an object");
                return None;
            }
        };
        self.known_fields(
            rc,
            &cp,
            "ReaderConfig",
            &[
                "InputType",
                "Transformation",
                "ManifestType",
                "CSVDelimiter",
                "CSVHeaderLocation",
                "CSVHeaders",
                "MaxItems",
                "MaxItemsPath",
                "ItemsPointer",
            ],
        );
        let word = |cx: &mut Self, key: &str, allowed: &[&str]| -> Option<String> {
            let v = rc.get(key)?;
            match v.as_str() {
                Some(s) if allowed.contains(&s) => Some(s.to_string()),
                _ => {
                    cx.error(&ptr(&cp, key), format!("{key} must be one of: {}", allowed.join(", ")));
                    None
                }
            }
        };
        let input_type =
            word(self, "InputType", &["CSV", "JSON", "JSONL", "PARQUET", "MANIFEST"]).map(|t| match t.as_str() {
                "CSV" => InputType::Csv,
                "JSON" => InputType::Json,
                "JSONL" => InputType::Jsonl,
                "PARQUET" => InputType::Parquet,
                _ => InputType::Manifest,
            });
        let load_and_flatten =
            word(self, "Transformation", &["NONE", "LOAD_AND_FLATTEN"]).as_deref() == Some("LOAD_AND_FLATTEN");
        let manifest_type = word(self, "ManifestType", &["ATHENA_DATA", "S3_INVENTORY"]).map(|t| {
            if t == "ATHENA_DATA" {
                ManifestType::AthenaData
            } else {
                ManifestType::S3Inventory
            }
        });
        let delimiter = match word(self, "CSVDelimiter", &["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"]).as_deref() {
            Some("PIPE") => b'|',
            Some("SEMICOLON") => b';',
            Some("SPACE") => b' ',
            Some("TAB") => b'\t',
            _ => b',',
        };
        let given = word(self, "CSVHeaderLocation", &["FIRST_ROW", "GIVEN"]).as_deref() == Some("GIVEN");
        let headers = match (given, rc.get("CSVHeaders")) {
            (true, Some(Value::Array(h))) if !h.is_empty() && h.iter().all(Value::is_string) => {
                Some(h.iter().filter_map(Value::as_str).map(str::to_string).collect())
            }
            (true, None) => {
                self.error(&cp, "CSVHeaders is required when CSVHeaderLocation is GIVEN");
                None
            }
            (_, Some(Value::Array(h))) if !h.is_empty() && h.iter().all(Value::is_string) => None,
            (_, Some(_)) => {
                self.error(&ptr(&cp, "CSVHeaders"), "CSVHeaders must be a non-empty array of strings");
                None
            }
            (false, None) => None,
        };
        let max_items = self.number_field(rc, &cp, "MaxItems", Some("MaxItemsPath"), ql, (0.0, Some(MAX_READER_ITEMS)));
        let items_pointer = match rc.get("ItemsPointer") {
            None => None,
            Some(Value::String(s)) if s.is_empty() || (s.starts_with('/') && valid_pointer_escapes(s)) => {
                Some(s.to_string())
            }
            Some(_) => {
                self.error(
                    &ptr(&cp, "ItemsPointer"),
                    "ItemsPointer must be a JSON Pointer, such as '/inventory/products'",
                );
                None
            }
        };
        // The combinations AWS documents.
        let read_as = if list && !load_and_flatten { None } else { input_type };
        if load_and_flatten && !list {
            self.error(
                &ptr(&cp, "Transformation"),
                "Transformation LOAD_AND_FLATTEN is only supported with the Resource arn:aws:states:::s3:listObjectsV2",
            );
        }
        if load_and_flatten && input_type.is_none() {
            self.error(&cp, "InputType is required when Transformation is LOAD_AND_FLATTEN");
        }
        if load_and_flatten && input_type == Some(InputType::Manifest) {
            self.error(
                &ptr(&cp, "InputType"),
                "InputType MANIFEST cannot be used with Transformation LOAD_AND_FLATTEN",
            );
        }
        match manifest_type {
            Some(ManifestType::S3Inventory) if input_type.is_some() => self.error(
                &ptr(&cp, "InputType"),
                "InputType must not be given when ManifestType is S3_INVENTORY (the inventory is read as CSV)",
            ),
            Some(ManifestType::AthenaData)
                if !matches!(input_type, Some(InputType::Csv | InputType::Jsonl | InputType::Parquet)) =>
            {
                self.error(&cp, "ManifestType ATHENA_DATA needs InputType CSV, JSONL or PARQUET")
            }
            Some(_) if list => self.error(
                &ptr(&cp, "ManifestType"),
                "ManifestType is only supported with the Resource arn:aws:states:::s3:getObject",
            ),
            _ => {}
        }
        if !list && action.is_some() && input_type.is_none() && manifest_type.is_none() {
            let at = if obj.contains_key("ReaderConfig") { cp.as_str() } else { at };
            self.error(
                at,
                "ReaderConfig.InputType is required with s3:getObject: CSV, JSON, JSONL, PARQUET or MANIFEST",
            );
        }
        let csv = matches!(read_as, Some(InputType::Csv | InputType::Manifest))
            || manifest_type == Some(ManifestType::S3Inventory);
        for k in ["CSVDelimiter", "CSVHeaderLocation", "CSVHeaders"] {
            if rc.contains_key(k) && !csv {
                self.error_at(
                    &cp,
                    k,
                    format!("{k} is only supported when the items are read from CSV (InputType CSV or MANIFEST)"),
                );
            }
        }
        if items_pointer.is_some() && read_as != Some(InputType::Json) {
            self.error_at(&cp, "ItemsPointer", "ItemsPointer is only supported with InputType JSON");
        }
        Some(ItemReader {
            list,
            arguments,
            reader: ReaderConfig {
                input_type,
                load_and_flatten,
                manifest_type,
                delimiter,
                headers,
                max_items,
                items_pointer,
            },
        })
    }

    #[cfg(feature = "extras")]
    fn result_writer(&mut self, v: &Value, at: &str, ql: QueryLanguage) -> Option<ResultWriter> {
        let Some(obj) = v.as_object() else {
            self.error(at, "ResultWriter must be an object");
            return None;
        };
        self.known_fields(obj, at, "a ResultWriter", &["Resource", "Parameters", "Arguments", "WriterConfig"]);
        let args_key = if ql == QueryLanguage::Jsonata { "Arguments" } else { "Parameters" };
        let (resource, args) = (obj.contains_key("Resource"), obj.contains_key(args_key));
        if resource != args || (!resource && !obj.contains_key("WriterConfig")) {
            self.error(at, format!("A ResultWriter needs WriterConfig, or Resource and {args_key}, or all three"));
        }
        if resource {
            self.s3_action(obj, at, &["putObject"]);
        }
        let arguments = if resource { self.s3_arguments(obj, at, ql) } else { None };
        let wp = ptr(at, "WriterConfig");
        let (mut transformation, mut jsonl) = (None, false);
        match obj.get("WriterConfig") {
            None => {}
            Some(Value::Object(wc)) => {
                self.known_fields(wc, &wp, "WriterConfig", &["Transformation", "OutputType"]);
                match wc.get("Transformation").map(Value::as_str) {
                    None => {}
                    Some(Some("NONE")) => transformation = Some(Transformation::None),
                    Some(Some("COMPACT")) => transformation = Some(Transformation::Compact),
                    Some(Some("FLATTEN")) => transformation = Some(Transformation::Flatten),
                    Some(_) => {
                        self.error(&ptr(&wp, "Transformation"), "Transformation must be one of: NONE, COMPACT, FLATTEN")
                    }
                }
                match wc.get("OutputType").map(Value::as_str) {
                    None | Some(Some("JSON")) => {}
                    Some(Some("JSONL")) => jsonl = true,
                    Some(_) => self.error(&ptr(&wp, "OutputType"), "OutputType must be one of: JSON, JSONL"),
                }
            }
            Some(_) => self.error(&wp, "WriterConfig must be an object"),
        }
        Some(ResultWriter { arguments, transformation, jsonl })
    }

    fn retriers(&mut self, v: &Value, at: &str) -> Vec<Retrier> {
        let Some(items) = v.as_array() else {
            self.error(at, "Retry must be an array");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, r) in items.iter().enumerate() {
            let rp = format!("{at}/{i}");
            let Some(o) = r.as_object() else {
                self.error(&rp, "A retrier must be an object");
                continue;
            };
            for k in o.keys() {
                if !matches!(
                    k.as_str(),
                    "ErrorEquals"
                        | "IntervalSeconds"
                        | "MaxAttempts"
                        | "BackoffRate"
                        | "MaxDelaySeconds"
                        | "JitterStrategy"
                        | "Comment"
                ) {
                    self.error(&ptr(&rp, k), format!("The field '{k}' is not supported in a retrier"));
                }
            }
            let Some(error_equals) = self.error_equals(o, &rp, i + 1 == items.len()) else { continue };
            let num = |cx: &mut Self, key: &str, default: f64, min: f64, max: f64, int: bool| -> f64 {
                match o.get(key) {
                    None => default,
                    Some(v) => match v.as_f64() {
                        Some(f) if f >= min && f <= max && (!int || f.fract() == 0.0) => f,
                        _ => {
                            cx.error(&ptr(&rp, key), format!("{key} has an invalid value"));
                            default
                        }
                    },
                }
            };
            // AWS's ranges: IntervalSeconds and MaxAttempts up to 99999999, MaxDelaySeconds
            // below 31622401 (a year and a day).
            let interval_seconds = num(self, "IntervalSeconds", 1.0, 1.0, MAX_SECONDS, true);
            let max_attempts = num(self, "MaxAttempts", 3.0, 0.0, MAX_SECONDS, true);
            let backoff_rate = num(self, "BackoffRate", 2.0, 1.0, f64::MAX, false);
            let max_delay_seconds =
                o.get("MaxDelaySeconds").map(|_| num(self, "MaxDelaySeconds", 0.0, 1.0, 31_622_400.0, true));
            let full_jitter = match o.get("JitterStrategy").map(Value::as_str) {
                None | Some(Some("NONE")) => false,
                Some(Some("FULL")) => true,
                Some(_) => {
                    self.error(&ptr(&rp, "JitterStrategy"), "JitterStrategy must be 'FULL' or 'NONE'");
                    false
                }
            };
            out.push(Retrier {
                error_equals,
                interval_seconds,
                max_attempts: max_attempts as u32,
                backoff_rate,
                max_delay_seconds,
                full_jitter,
            });
        }
        out
    }

    fn error_equals(&mut self, o: &Map, at: &str, last: bool) -> Option<Vec<String>> {
        let ep = ptr(at, "ErrorEquals");
        let Some(list) = o.get("ErrorEquals").and_then(Value::as_array).filter(|l| !l.is_empty()) else {
            self.error(at, "These fields are required: [ErrorEquals] (a non-empty array of error names)");
            return None;
        };
        let mut out = Vec::new();
        for (i, e) in list.iter().enumerate() {
            match e.as_str() {
                Some(s) => out.push(s.to_string()),
                None => self.error(&format!("{ep}/{i}"), "Error names must be strings"),
            }
        }
        if out.iter().any(|e| e == "States.ALL") && (out.len() > 1 || !last) {
            self.error(&ep, "States.ALL must appear alone in the last retrier or catcher");
        }
        Some(out)
    }

    fn catchers(&mut self, v: &Value, at: &str, ql: QueryLanguage, names: &Map) -> Vec<Catcher> {
        let Some(items) = v.as_array() else {
            self.error(at, "Catch must be an array");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, c) in items.iter().enumerate() {
            let cp = format!("{at}/{i}");
            let Some(o) = c.as_object() else {
                self.error(&cp, "A catcher must be an object");
                continue;
            };
            let allowed: &[&str] = if ql == QueryLanguage::Jsonata {
                &["ErrorEquals", "Next", "Output", "Assign", "Comment"]
            } else {
                &["ErrorEquals", "Next", "ResultPath", "Assign", "Comment"]
            };
            for k in o.keys() {
                if !allowed.contains(&k.as_str()) {
                    self.error(&ptr(&cp, k), format!("The field '{k}' is not supported in a catcher"));
                }
            }
            let Some(error_equals) = self.error_equals(o, &cp, i + 1 == items.len()) else { continue };
            let next = match o.get("Next") {
                Some(n) => self.target(n, &ptr(&cp, "Next"), names),
                None => {
                    self.error(&cp, "These fields are required: [Next]");
                    None
                }
            };
            let result_path = self.path_field(o, &cp, "ResultPath");
            let output = if ql == QueryLanguage::Jsonata { self.opt_jtemplate(o, &cp, "Output") } else { None };
            let assign = self.assign(o.get("Assign"), &ptr(&cp, "Assign"), ql);
            if let Some(next) = next {
                out.push(Catcher { error_equals, next, result_path, output, assign });
            }
        }
        out
    }
}

/// The most items an ItemReader's `MaxItems` may ask for (AWS's limit).
pub const MAX_READER_ITEMS: f64 = 100_000_000.0;

/// `~` in a JSON Pointer is followed by `0` or `1`.
#[cfg(feature = "extras")]
fn valid_pointer_escapes(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().all(|(i, &c)| c != b'~' || matches!(b.get(i + 1), Some(b'0' | b'1')))
}

/// `{% ... %}`: a whole-string JSONata expression.
/// Only a string that starts with `{%` and ends with `%}` is an expression: `" {% x %} "`,
/// with spaces around, is a plain string to AWS.
pub fn is_jsonata_string(s: &str) -> bool {
    s.len() >= 4 && s.starts_with("{%") && s.ends_with("%}")
}

fn valid_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    name.chars().count() <= 80 && chars.all(|c| c.is_alphanumeric() || c == '_')
}

fn label_char_invalid(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || ('\u{7f}'..='\u{9f}').contains(&c)
        || matches!(
            c,
            '<' | '>'
                | '{'
                | '}'
                | '['
                | ']'
                | '?'
                | '*'
                | '"'
                | '#'
                | '%'
                | '\\'
                | '^'
                | '|'
                | '~'
                | '`'
                | '$'
                | '&'
                | ','
                | ';'
                | ':'
                | '/'
        )
}

/// `format!("{c:?}")` for the characters [`label_char_invalid`] finds, without `char`'s
/// `Debug` (and the Unicode tables it consults).
fn label_char_debug(c: char) -> String {
    match c {
        '\0' => "'\\0'".into(),
        '\t' => "'\\t'".into(),
        '\n' => "'\\n'".into(),
        '\r' => "'\\r'".into(),
        '\\' => "'\\\\'".into(),
        ' '..='~' => format!("'{c}'"),
        _ => format!("'\\u{{{:x}}}'", c as u32),
    }
}

fn comparison(key: &str) -> Option<(Comparison, bool)> {
    use Comparison::*;
    let (base, path) = match key.strip_suffix("Path") {
        Some(b) if b != "Is" => (b, true),
        _ => (key, false),
    };
    let c = match base {
        "StringEquals" => StringEquals,
        "StringLessThan" => StringLessThan,
        "StringGreaterThan" => StringGreaterThan,
        "StringLessThanEquals" => StringLessThanEquals,
        "StringGreaterThanEquals" => StringGreaterThanEquals,
        "StringMatches" if !path => StringMatches,
        "NumericEquals" => NumericEquals,
        "NumericLessThan" => NumericLessThan,
        "NumericGreaterThan" => NumericGreaterThan,
        "NumericLessThanEquals" => NumericLessThanEquals,
        "NumericGreaterThanEquals" => NumericGreaterThanEquals,
        "BooleanEquals" => BooleanEquals,
        "TimestampEquals" => TimestampEquals,
        "TimestampLessThan" => TimestampLessThan,
        "TimestampGreaterThan" => TimestampGreaterThan,
        "TimestampLessThanEquals" => TimestampLessThanEquals,
        "TimestampGreaterThanEquals" => TimestampGreaterThanEquals,
        "IsNull" if !path => IsNull,
        "IsPresent" if !path => IsPresent,
        "IsNumeric" if !path => IsNumeric,
        "IsString" if !path => IsString,
        "IsBoolean" if !path => IsBoolean,
        "IsTimestamp" if !path => IsTimestamp,
        _ => return None,
    };
    Some((c, path))
}

/// Classify a Task's `Resource` ARN.
pub fn resource_kind(arn: &str) -> Option<ResourceKind> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() < 6 || parts[0] != "arn" {
        return None;
    }
    // Names of the states service's own resources, which no integration is called.
    const NOT_INTEGRATIONS: [&str; 5] = ["activity:", "stateMachine:", "execution:", "express:", "mapRun:"];
    match (parts[2], parts[5]) {
        ("states", rest) if rest.starts_with("activity:") => Some(ResourceKind::Activity),
        // An integration, `arn:aws:states:::service:action`; AWS also accepts it with a region
        // and an account (a deployed definition calls `arn:aws:states:us-east-1:...:aws-sdk:s3:getObject`).
        ("states", rest)
            if (parts[3].is_empty() && parts[4].is_empty())
                || !NOT_INTEGRATIONS.iter().any(|p| rest.starts_with(p)) =>
        {
            // rest = "service:action[.pattern]", "aws-sdk:service:action" or "states:startExecution.sync:2"
            let mut segs: Vec<&str> = rest.split(':').collect();
            let mut action = segs.pop()?.to_string();
            if action.chars().all(|c| c.is_ascii_digit()) && segs.last().is_some_and(|s| s.ends_with(".sync")) {
                action = format!("{}:{action}", segs.pop()?);
            }
            let service = segs.join(":");
            if service.is_empty() || action.is_empty() {
                return None;
            }
            let pattern = if action.ends_with(".sync") || action.contains(".sync:") {
                Pattern::Sync
            } else if action.ends_with(".waitForTaskToken") {
                Pattern::WaitForTaskToken
            } else {
                Pattern::RequestResponse
            };
            Some(ResourceKind::Service { resource_type: service, resource: action, pattern })
        }
        ("lambda", rest) if rest.starts_with("function:") => Some(ResourceKind::LambdaFunction),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_char_debug_is_debug() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32).filter(|&c| label_char_invalid(c)) {
            assert_eq!(label_char_debug(c), format!("{c:?}"));
        }
    }
}
