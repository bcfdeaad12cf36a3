//! The data flow of one state, for both query languages: the one place that knows JSONPath's
//! InputPath → Parameters → ResultSelector → ResultPath → OutputPath from JSONata's Arguments
//! and Output, and Assign in each. The executor asks for a stage (`effective_input`,
//! `arguments`, `output`, ...) and never looks at the query language itself.
//!
//! A stage fails with a [`StepError`]: a JSONPath failure (`States.Runtime`, or the error of
//! an intrinsic function) or a JSONata one (`States.QueryEvaluationError`, which AWS reports
//! with an `EvaluationFailed` event first). The executor adds the state's prefix to the cause
//! and writes the event: this module writes no events and reads no clock.

use crate::asl::parse::{MAX_READER_ITEMS, MAX_SECONDS};
use crate::asl::{
    Assign, Batcher, Catcher, Choice, Condition, Fail, FailField, Io, ItemReader, ItemSelector, JTemplate, MapState,
    NumberField, PathField, State, Wait,
};
use crate::dataflow::condition;
use crate::dataflow::intrinsics::type_name;
use crate::dataflow::jsonpath::{set_path, Reference};
use crate::dataflow::query::{Jsonata, QueryError};
use crate::dataflow::scope::{select_reference, PathScope, Vars};
use crate::dataflow::template::Template;
use crate::error::{data_limit_failure, payload_limit, Failure, MAX_CAUSE_CHARS, MAX_ERROR_CHARS};
use crate::json;
use crate::jsonata::{bounded, MAX_QUOTE};
use crate::support::rng::Rng;
use crate::value::read::to_compact;
use crate::value::{compact_prefix, Map, Value};
use std::rc::Rc;

/// A value as a cause quotes it: compact JSON, cut after [`MAX_QUOTE`] bytes.
fn quote(v: &Value) -> String {
    bounded(&to_compact(v), MAX_QUOTE).into_owned()
}

/// Why a stage failed, before the state's prefix is added to the cause.
#[derive(Debug)]
pub enum StepError {
    /// A JSONPath path, template or intrinsic, or a value of the wrong kind.
    Path(Failure),
    /// A JSONata expression: AWS writes an `EvaluationFailed` event, then fails the state
    /// with `States.QueryEvaluationError`.
    Query(QueryError),
    /// A data limit: the failure as it is, its cause names the state.
    Limit(Failure),
}

impl From<Failure> for StepError {
    fn from(f: Failure) -> StepError {
        StepError::Path(f)
    }
}

type Step<T> = Result<T, StepError>;

/// A value and the variables it assigns (`None`: the state assigns none).
pub type Assigned = (Rc<Value>, Option<Value>);

/// What a `$states` of JSONata holds besides `input` and `context`.
#[derive(Clone, Copy)]
enum Extra<'a> {
    None,
    Result(&'a Value),
    ErrorOutput(&'a Value),
}

/// The rule a Choice state took: where it goes, its output and its assignments.
pub struct Chosen {
    pub next: usize,
    pub output: Rc<Value>,
    pub assigned: Option<Value>,
}

/// Builds a state's context object (`$$`, `$states.context`), with `$$.Map.Item` when given.
pub type ContextFn<'a> = &'a dyn Fn(Option<MapItem>) -> Value;

/// `$$.Map.Item` of an ItemSelector: the index, the item and its source (`Source`).
pub type MapItem<'a> = (usize, &'a Value, &'a Value);

/// One state's data flow: its fields (`io`), what its expressions see, and, when asked for,
/// the value after each step (for the inspector).
pub struct Pipeline<'a> {
    io: &'a Io,
    /// The state's name (for the causes of data limits).
    name: &'a str,
    /// The state's raw input: `$states.input`, and where ResultPath puts a result.
    raw: &'a Rc<Value>,
    vars: &'a Vars,
    context: ContextFn<'a>,
    rng: &'a Rng,
    now: i64,
    steps: Option<Vec<(&'static str, Rc<Value>)>>,
}

impl<'a> Pipeline<'a> {
    #[inline(always)]
    pub fn new(
        state: &'a State,
        raw: &'a Rc<Value>,
        vars: &'a Vars,
        context: ContextFn<'a>,
        rng: &'a Rng,
        now: i64,
        record: bool,
    ) -> Pipeline<'a> {
        Pipeline { io: &state.io, name: &state.name, raw, vars, context, rng, now, steps: record.then(Vec::new) }
    }

    /// The values recorded after each step, in order (empty unless asked for).
    pub fn into_steps(self) -> Vec<(&'static str, Rc<Value>)> {
        self.steps.unwrap_or_default()
    }

    /// Keep the value after a step, when asked for.
    #[inline(always)]
    pub fn record(&mut self, step: &'static str, v: &Rc<Value>) {
        if let Some(s) = &mut self.steps {
            s.push((step, v.clone()));
        }
    }

    // ------------------------------------------------------------------ stages

    /// The effective input: InputPath (JSONPath), the raw input (JSONata).
    pub fn effective_input(&mut self) -> Step<Rc<Value>> {
        match self.io {
            Io::JsonPath { input_path, .. } => {
                let eff = self.path_field(input_path, self.raw)?;
                self.record("InputPath", &eff);
                Ok(eff)
            }
            Io::Jsonata { .. } => Ok(self.raw.clone()),
        }
    }

    /// What a Task sends, a Parallel gives its branches, a Map reads its settings from:
    /// Parameters over the effective input (JSONPath), Arguments (JSONata); the input itself
    /// when there are none.
    pub fn arguments(&mut self, eff: &Rc<Value>) -> Step<Rc<Value>> {
        match self.io {
            Io::JsonPath { parameters, .. } => {
                let params = match parameters {
                    Some(t) => self.template(t, eff, "Parameters", None)?,
                    None => eff.clone(),
                };
                self.record("Parameters", &params);
                Ok(params)
            }
            Io::Jsonata { arguments, .. } => {
                let args = match arguments {
                    Some(t) => self.jsonata_template(t, Extra::None, "Arguments", None)?,
                    None => self.raw.clone(),
                };
                self.record("Arguments", &args);
                Ok(args)
            }
        }
    }

    /// A Pass state's output and assignments. JSONPath: its result (`Result`, else
    /// Parameters over the effective input, else the effective input) placed as any
    /// result is (see [`Pipeline::output`]). JSONata: Output (the input without it).
    pub fn pass(&mut self, result: Option<&Value>, assign: Option<&Assign>) -> Step<Assigned> {
        let res = match self.io {
            Io::JsonPath { parameters, .. } => {
                let eff = self.effective_input()?;
                let res = match (result, parameters) {
                    (Some(r), _) => Rc::new(r.clone()),
                    (None, Some(t)) => self.template(t, &eff, "Parameters", None)?,
                    (None, None) => eff,
                };
                self.record(if result.is_some() { "Result" } else { "Parameters" }, &res);
                Some(res)
            }
            Io::Jsonata { .. } => None,
        };
        self.output(res, assign)
    }

    /// The output of a state with a result (Task, Parallel, Map, Pass) and its assignments.
    /// JSONPath: ResultSelector, Assign (`$` is the selected result), ResultPath into the raw
    /// input, OutputPath. JSONata: Assign and Output with `$states.result`; without Output,
    /// the result (or the input, when there is none).
    pub fn output(&mut self, result: Option<Rc<Value>>, assign: Option<&Assign>) -> Step<Assigned> {
        match self.io {
            // Most states: the result is the output.
            Io::JsonPath {
                result_selector: None,
                result_path: PathField::Default,
                output_path: PathField::Default,
                ..
            } if assign.is_none() && self.steps.is_none() => Ok((result.unwrap_or_else(|| self.raw.clone()), None)),
            Io::JsonPath { result_selector, result_path, output_path, .. } => {
                let result = result.unwrap_or_else(|| self.raw.clone());
                let selected = match result_selector {
                    Some(t) => {
                        let v = self.template(t, &result, "ResultSelector", None)?;
                        self.record("ResultSelector", &v);
                        v
                    }
                    None => result,
                };
                let assigned = self.assign(assign, &selected, Extra::None)?;
                let placed = self.result_path(result_path, selected)?;
                self.record("ResultPath", &placed);
                let out = self.path_field(output_path, &placed)?;
                self.record("OutputPath", &out);
                Ok((out, assigned))
            }
            Io::Jsonata { output, .. } => {
                let extra = result.as_deref().map_or(Extra::None, Extra::Result);
                let assigned = self.assign(assign, self.raw, extra)?;
                let out = match output {
                    Some(t) => self.jsonata_template(t, extra, "Output", None)?,
                    None => result.clone().unwrap_or_else(|| self.raw.clone()),
                };
                self.record("Output", &out);
                Ok((out, assigned))
            }
        }
    }

    /// The output of a state without a result (Wait, Succeed) from its effective input, and
    /// its assignments. JSONPath: Assign (`$` is the effective input), OutputPath. JSONata:
    /// Assign and Output (the input without Output).
    pub fn plain_output(&mut self, eff: Rc<Value>, assign: Option<&Assign>) -> Step<Assigned> {
        match self.io {
            Io::JsonPath { output_path, .. } => {
                let assigned = self.assign(assign, &eff, Extra::None)?;
                let out = self.path_field(output_path, &eff)?;
                self.record("OutputPath", &out);
                Ok((out, assigned))
            }
            Io::Jsonata { .. } => self.output(None, assign),
        }
    }

    /// The output of a state whose failure a catcher caught, and the catcher's assignments.
    /// JSONPath: Assign (`$` is the error output), ResultPath into the raw input. JSONata:
    /// Assign and Output with `$states.errorOutput` (the error output without Output).
    pub fn catch_output(&mut self, c: &Catcher, error_output: Value) -> Step<Assigned> {
        let error_output = Rc::new(error_output);
        match self.io {
            Io::JsonPath { .. } => {
                self.record("Error", &error_output);
                let assigned = self.assign(c.assign.as_ref(), &error_output, Extra::None)?;
                let out = self.result_path(&c.result_path, error_output)?;
                self.record("ResultPath", &out);
                Ok((out, assigned))
            }
            Io::Jsonata { .. } => {
                let extra = Extra::ErrorOutput(&error_output);
                let assigned = self.assign(c.assign.as_ref(), self.raw, extra)?;
                let out = match &c.output {
                    Some(t) => self.jsonata_template(t, extra, "Output", None)?,
                    None => error_output.clone(),
                };
                Ok((out, assigned))
            }
        }
    }

    /// The first Choice rule that holds (or the default), with the state's output and
    /// assignments; `None` when no rule holds and there is no default. JSONPath rules compare
    /// values of the effective input; JSONata rules are boolean expressions, and a rule may
    /// carry its own Output and Assign.
    pub fn choose(&mut self, choice: &Choice, state_assign: Option<&Assign>) -> Step<Option<Chosen>> {
        match self.io {
            Io::JsonPath { output_path, .. } => {
                let eff = self.effective_input()?;
                let picked = {
                    let context = || (self.context)(None);
                    let scope = PathScope::new(&eff, self.vars, &context, self.rng);
                    let mut picked = None;
                    for rule in &choice.choices {
                        if condition::holds(&rule.condition, &scope)? {
                            picked = Some(rule);
                            break;
                        }
                    }
                    picked
                };
                let (next, assign) = match picked {
                    Some(r) => (r.next, r.assign.as_ref()),
                    None => match choice.default {
                        Some(d) => (d, state_assign),
                        None => return Ok(None),
                    },
                };
                let assigned = self.assign(assign, &eff, Extra::None)?;
                let output = self.path_field(output_path, &eff)?;
                self.record("OutputPath", &output);
                Ok(Some(Chosen { next, output, assigned }))
            }
            Io::Jsonata { output, .. } => {
                let mut picked = None;
                for (i, rule) in choice.choices.iter().enumerate() {
                    let Condition::Jsonata(t) = &rule.condition else { continue };
                    let location = format!("Choices/{i}/Condition");
                    match &*self.jsonata_template(t, Extra::None, &location, None)? {
                        Value::Bool(true) => {
                            picked = Some(rule);
                            break;
                        }
                        Value::Bool(false) => {}
                        other => {
                            let detail = format!(
                                "The Condition field of a choice rule returned a non-boolean value: {}",
                                quote(other)
                            );
                            return Err(StepError::Query(QueryError { location, detail }));
                        }
                    }
                }
                let (next, assign, out_t) = match picked {
                    Some(r) => (r.next, r.assign.as_ref(), r.output.as_ref()),
                    None => match choice.default {
                        Some(d) => (d, state_assign, output.as_ref()),
                        None => return Ok(None),
                    },
                };
                let assigned = self.assign(assign, self.raw, Extra::None)?;
                let output = match out_t {
                    Some(t) => self.jsonata_template(t, Extra::None, "Output", None)?,
                    None => self.raw.clone(),
                };
                Ok(Some(Chosen { next, output, assigned }))
            }
        }
    }

    /// When a Wait state ends (ms since the epoch), reading its fields from the effective
    /// input. A time already past means no wait.
    pub fn wait_until(&mut self, wait: &Wait, eff: &Value) -> Step<i64> {
        Ok(match wait {
            Wait::Seconds(n) => {
                let v = self.number(n, eff, "Seconds")?;
                match v.as_f64() {
                    Some(s) if (0.0..=MAX_SECONDS).contains(&s) && s.fract() == 0.0 => self.now + s as i64 * 1000,
                    _ => {
                        let msg = match n {
                            NumberField::Path(r) => format!(
                                "The SecondsPath parameter does not reference a valid integer: {} == {}",
                                r.text(),
                                quote(&v)
                            ),
                            _ => format!("The Seconds field must be a non-negative integer: {}", quote(&v)),
                        };
                        return Err(match n {
                            NumberField::Expr(_) => {
                                StepError::Query(QueryError { location: "Seconds".into(), detail: msg })
                            }
                            _ => StepError::Path(Failure::runtime(msg)),
                        });
                    }
                }
            }
            Wait::Timestamp(s) => timestamp_ms(s).unwrap_or(self.now),
            Wait::TimestampPath(r) => {
                let v = self.select(eff, r)?;
                match v.as_str().and_then(timestamp_ms) {
                    Some(t) => t,
                    None => {
                        let shown = v.as_str().map(|s| bounded(s, MAX_QUOTE).into_owned()).unwrap_or_else(|| quote(&v));
                        return Err(StepError::Path(Failure::runtime(format!(
                            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {shown}",
                            r.text()
                        ))));
                    }
                }
            }
            Wait::TimestampExpr(t) => {
                let v = self.jsonata_template(t, Extra::None, "Timestamp", None)?;
                match v.as_str().and_then(timestamp_ms) {
                    Some(t) => t,
                    None => {
                        let shown = v.as_str().map(|s| bounded(s, MAX_QUOTE).into_owned()).unwrap_or_else(|| quote(&v));
                        let detail = format!("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {shown}");
                        return Err(StepError::Query(QueryError { location: "Timestamp".into(), detail }));
                    }
                }
            }
        })
    }

    /// A Fail state's error and cause.
    /// A Fail state's error and cause, cut to what an event holds ([`Failure::bounded`]).
    pub fn fail(&mut self, fail: &Fail) -> Step<Failure> {
        let error = self.fail_field(&fail.error, "Error", "ErrorPath", MAX_ERROR_CHARS)?;
        let cause = self.fail_field(&fail.cause, "Cause", "CausePath", MAX_CAUSE_CHARS)?;
        Ok(Failure::new(error, cause).bounded())
    }

    /// The text of a Fail state's field: a value that is not a string as its compact JSON,
    /// of which only the first `max` characters are written (at most 4 bytes each), however
    /// large the value.
    fn fail_field(&mut self, f: &Option<FailField>, key: &str, path_key: &str, max: usize) -> Step<String> {
        let text = |v: &Value| match v {
            Value::String(s) => s.char_indices().nth(max).map_or_else(|| s.to_string(), |(at, _)| s[..at].to_string()),
            other => compact_prefix(other, 4 * max),
        };
        Ok(match f {
            None => String::new(),
            Some(FailField::Literal(s)) => s.clone(),
            Some(FailField::Path(d)) => {
                let context = || (self.context)(None);
                let mut scope = PathScope::new(self.raw, self.vars, &context, self.rng);
                text(&d.eval(&mut scope, path_key)?)
            }
            Some(FailField::Expr(t)) => text(&*self.jsonata_template(t, Extra::None, key, None)?),
        })
    }

    /// A Task's `TimeoutSeconds` or `HeartbeatSeconds` (`name`), or its `...Path`: a positive
    /// integer.
    pub fn positive_int(&mut self, field: &Option<NumberField>, eff: &Value, name: &str) -> Step<Option<u64>> {
        let Some(field) = field else { return Ok(None) };
        let name = match field {
            NumberField::Path(_) => format!("{name}Path"),
            _ => name.to_string(),
        };
        let v = self.number(field, eff, &name)?;
        match v.as_f64() {
            Some(n) if (1.0..=MAX_SECONDS).contains(&n) && n.fract() == 0.0 => Ok(Some(n as u64)),
            _ => Err(StepError::Path(Failure::runtime(format!(
                "The {name} field refers to value {} which is not a valid positive integer",
                quote(&v)
            )))),
        }
    }

    /// A Task's `Credentials.RoleArn`: given, or selected from the raw input.
    pub fn credentials(&mut self, c: &Value) -> Step<Value> {
        if let Some(r) = c.get("RoleArn") {
            return Ok(r.clone());
        }
        match c.get("RoleArn.$").and_then(Value::as_str).map(Reference::parse) {
            Some(Ok(r)) => self.select(self.raw, &r),
            _ => Ok(Value::Null),
        }
    }

    // ------------------------------------------------------------------ Map

    /// A Map's items: ItemsPath over the effective input (JSONPath), Items (JSONata), or
    /// the effective input itself; an array.
    pub fn map_items(&mut self, map: &MapState, eff: &Rc<Value>) -> Step<Vec<Value>> {
        if map.item_reader.is_some() {
            // (The executor reads an ItemReader's items: see `reader_request`.)
            return Err(StepError::Path(Failure::runtime(
                "statelab's TestState does not read an ItemReader's items: give the items inline (ItemsPath or Items) to test this Map.",
            )));
        }
        let items = match (&map.items_path, &map.items) {
            (Some(r), _) => self.select(eff, r)?,
            (None, Some(t)) => {
                let v = match t {
                    JTemplate::Expr { source, expr } => {
                        match self.jsonata(Extra::None, None).expr(source, expr, "Items") {
                            Ok(Some(v)) => v,
                            Ok(None) => {
                                let detail = format!("The JSONata expression '{source}' specified for the field 'Items' returned an unsupported result type.");
                                return Err(StepError::Query(QueryError { location: "Items".into(), detail }));
                            }
                            Err(e) => return Err(StepError::Query(e)),
                        }
                    }
                    other => Rc::unwrap_or_clone(self.jsonata_template(other, Extra::None, "Items", None)?),
                };
                if !v.is_array() {
                    let source = match t {
                        JTemplate::Expr { source, .. } => source.clone(),
                        _ => to_compact(&v),
                    };
                    let detail = format!(
                        "The JSONata expression '{source}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '{}' for value: {}",
                        type_name(&v),
                        quote(&v)
                    );
                    return Err(StepError::Query(QueryError { location: "Items".into(), detail }));
                }
                v
            }
            (None, None) => (**eff).clone(),
        };
        match items {
            Value::Array(items) => Ok(items.into_vec()),
            _ => {
                // AWS's text (a TestState answer): the path as Jayway shows it (`$$.a` as `$.a`).
                let path = map.items_path.as_ref().map(|r| r.display_path()).unwrap_or_else(|| "$".into());
                Err(StepError::Path(Failure::runtime(format!("Reference path \"{path}\" must point to array."))))
            }
        }
    }

    /// An ItemReader's request: its `Parameters` (JSONPath, over the effective input) or
    /// `Arguments` (JSONata), and its `MaxItems` (0: every item).
    pub fn reader_request(&mut self, reader: &ItemReader, eff: &Value) -> Step<(Rc<Value>, usize)> {
        let args = match &reader.arguments {
            Some(s) => self.selector(s, eff, "ItemReader", None)?,
            None => Rc::new(json!({})),
        };
        let max = match &reader.reader.max_items {
            None => 0,
            Some(f) => {
                let v = self.number(f, eff, "MaxItems")?;
                match as_number(&v, true) {
                    Some(n) if (0.0..=MAX_READER_ITEMS).contains(&n) && n.fract() == 0.0 => n as usize,
                    _ => return Err(bad_number(f, "MaxItems", &v, "integer between 0 and 100000000")),
                }
            }
        };
        Ok((args, max))
    }

    /// A ResultWriter's `Parameters` (JSONPath, over the effective input) or `Arguments`
    /// (JSONata): where the results are exported, when they are.
    pub fn writer_arguments(&mut self, map: &MapState, eff: &Value) -> Step<Option<Rc<Value>>> {
        match map.result_writer.as_ref().and_then(|w| w.arguments.as_ref()) {
            Some(s) => Ok(Some(self.selector(s, eff, "ResultWriter", None)?)),
            None => Ok(None),
        }
    }

    /// The input of iteration `i`: the item, or the ItemSelector evaluated with
    /// `$$.Map.Item` (JSONPath: over the effective input).
    pub fn item_input(
        &mut self,
        map: &MapState,
        eff: &Value,
        i: usize,
        item: &Value,
        source: &Value,
    ) -> Step<Rc<Value>> {
        match &map.item_selector {
            None => Ok(Rc::new(item.clone())),
            Some(s) => self.selector(s, eff, "ItemSelector", Some((i, item, source))),
        }
    }

    fn selector(&mut self, s: &ItemSelector, eff: &Value, field: &str, item: Option<MapItem>) -> Step<Rc<Value>> {
        match s {
            ItemSelector::JsonPath(t) => self.template(t, eff, field, item),
            ItemSelector::Jsonata(t) => self.jsonata_template(t, Extra::None, field, item),
        }
    }

    /// A Map's MaxConcurrency (0: no limit).
    pub fn max_concurrency(&mut self, map: &MapState, eff: &Value) -> Step<usize> {
        let Some(f) = &map.max_concurrency else { return Ok(0) };
        let v = self.number(f, eff, "MaxConcurrency")?;
        match as_number(&v, true) {
            Some(n) if n >= 0.0 && n.fract() == 0.0 => Ok(n as usize),
            _ => Err(bad_number(f, "MaxConcurrency", &v, "integer")),
        }
    }

    /// A Map's tolerated failure count and percentage.
    pub fn tolerance(&mut self, map: &MapState, eff: &Value) -> Step<(Option<u64>, Option<f64>)> {
        let count = match &map.tolerated_failure_count {
            None => None,
            Some(f) => {
                let v = self.number(f, eff, "ToleratedFailureCount")?;
                match as_number(&v, true) {
                    Some(n) if n < 0.0 => {
                        return Err(StepError::Path(Failure::runtime("ToleratedFailureCount cannot be negative.")))
                    }
                    Some(n) if n.fract() == 0.0 => Some(n as u64),
                    _ => return Err(bad_number(f, "ToleratedFailureCount", &v, "integer")),
                }
            }
        };
        let pct = match &map.tolerated_failure_percentage {
            None => None,
            Some(f) => {
                let v = self.number(f, eff, "ToleratedFailurePercentage")?;
                match as_number(&v, false) {
                    Some(p) if (0.0..=100.0).contains(&p) => Some(p),
                    Some(_) => {
                        return Err(StepError::Path(Failure::runtime(
                            "ToleratedFailurePercentage must be between 0 and 100.",
                        )))
                    }
                    None => return Err(bad_number(f, "ToleratedFailurePercentage", &v, "float")),
                }
            }
        };
        Ok((count, pct))
    }

    /// `ItemBatcher`: the iteration inputs grouped into `{"BatchInput"?, "Items": [...]}`.
    pub fn batch(&mut self, b: &Batcher, eff: &Value, inputs: Vec<Rc<Value>>) -> Step<Vec<Rc<Value>>> {
        let limit = |this: &mut Self, f: &Option<NumberField>, name: &str| -> Step<Option<usize>> {
            let Some(f) = f else { return Ok(None) };
            let v = this.number(f, eff, name)?;
            match as_number(&v, true) {
                Some(n) if n >= 1.0 && n.fract() == 0.0 => Ok(Some(n as usize)),
                _ => Err(bad_number(f, name, &v, "integer")),
            }
        };
        let max_items = limit(self, &b.max_items, "MaxItemsPerBatch")?.unwrap_or(usize::MAX);
        let max_bytes = limit(self, &b.max_bytes, "MaxInputBytesPerBatch")?.unwrap_or(usize::MAX);
        let batch_input = match &b.batch_input {
            None => None,
            Some(s) => Some(self.selector(s, eff, "BatchInput", None)?),
        };
        let mut batches = Vec::new();
        let mut current: Vec<Rc<Value>> = Vec::new();
        let mut bytes = 0;
        for item in inputs {
            let size = to_compact(&item).len();
            if !current.is_empty() && (current.len() >= max_items || bytes + size > max_bytes) {
                batches.push(std::mem::take(&mut current));
                bytes = 0;
            }
            bytes += size;
            current.push(item);
        }
        if !current.is_empty() {
            batches.push(current);
        }
        Ok(batches
            .into_iter()
            .map(|items| {
                let mut o = Map::new();
                if let Some(bi) = &batch_input {
                    o.insert("BatchInput".into(), (**bi).clone());
                }
                o.insert("Items".into(), Value::Array(items.into_iter().map(Rc::unwrap_or_clone).collect()));
                Rc::new(Value::Object(o))
            })
            .collect())
    }

    // ------------------------------------------------------------------ the parts

    /// A number field: given, selected by a path from `eff`, or a JSONata expression.
    fn number(&mut self, field: &NumberField, eff: &Value, name: &str) -> Step<Value> {
        match field {
            NumberField::Literal(n) => Ok(json!(n)),
            NumberField::Path(r) => self.select(eff, r),
            NumberField::Expr(t) => self.jsonata_template(t, Extra::None, name, None).map(Rc::unwrap_or_clone),
        }
    }

    /// What an InputPath or OutputPath selects from `v` (`null`: `{}`).
    #[inline(always)]
    fn path_field(&self, field: &PathField, v: &Rc<Value>) -> Step<Rc<Value>> {
        match field {
            PathField::Default => Ok(v.clone()),
            PathField::Path(r) => self.select(v, r).map(Rc::new),
            PathField::Null => Ok(Rc::new(json!({}))),
        }
    }

    /// Where a ResultPath puts `result` in the raw input (`null`: the raw input as it was).
    #[inline(always)]
    fn result_path(&self, field: &PathField, result: Rc<Value>) -> Step<Rc<Value>> {
        match field {
            PathField::Default => Ok(result),
            PathField::Path(r) => {
                Ok(Rc::new(set_path(Rc::unwrap_or_clone(self.raw.clone()), &r.path, Rc::unwrap_or_clone(result))?))
            }
            PathField::Null => Ok(self.raw.clone()),
        }
    }

    /// A reference path selected from `input` as the `...Path` fields select.
    fn select(&self, input: &Value, r: &Reference) -> Step<Value> {
        let context = || (self.context)(None);
        let scope = PathScope::new(input, self.vars, &context, self.rng);
        Ok(select_reference(&scope, r)?)
    }

    /// A payload template over `input` (`$$.Map.Item` set for an ItemSelector).
    fn template(&self, t: &Template, input: &Value, field: &str, item: Option<MapItem>) -> Step<Rc<Value>> {
        let build = || (self.context)(item);
        let mut scope = PathScope::new(input, self.vars, &build, self.rng);
        Ok(Rc::new(t.eval(&mut scope, field)?))
    }

    /// An Assign block: JSONPath with `$` as given, JSONata with `$states` as given.
    fn assign(&mut self, assign: Option<&Assign>, dollar: &Value, extra: Extra) -> Step<Option<Value>> {
        let Some(assign) = assign else { return Ok(None) };
        let assigned = match assign {
            Assign::JsonPath(t) => Rc::unwrap_or_clone(self.template(t, dollar, "Assign", None)?),
            Assign::Jsonata(fields) => {
                let ev = self.jsonata(extra, None);
                let mut out = Map::new();
                for (k, t) in fields {
                    out.insert(k.clone(), ev.template(t, &format!("Assign/{k}")).map_err(StepError::Query)?);
                }
                Value::Object(out)
            }
        };
        // AWS limits the variables one Assign sets to 256 KiB in all (and so each of them).
        if let Some(over) = payload_limit(&assigned) {
            return Err(StepError::Limit(data_limit_failure(over, self.name, "assigned variables")));
        }
        Ok(Some(assigned))
    }

    /// The JSONata evaluator of this state: `$states.input` is the raw input.
    fn jsonata(&self, extra: Extra, item: Option<MapItem>) -> Jsonata<'a> {
        let mut states = Map::new();
        states.insert("input".into(), (**self.raw).clone());
        states.insert("context".into(), (self.context)(item));
        match extra {
            Extra::None => {}
            Extra::Result(r) => {
                states.insert("result".into(), r.clone());
            }
            Extra::ErrorOutput(e) => {
                states.insert("errorOutput".into(), e.clone());
            }
        }
        Jsonata::new(self.vars, Value::Object(states), self.now, self.rng)
    }

    fn jsonata_template(&self, t: &JTemplate, extra: Extra, location: &str, item: Option<MapItem>) -> Step<Rc<Value>> {
        self.jsonata(extra, item).template(t, location).map(Rc::new).map_err(StepError::Query)
    }
}

/// A number, or a string holding one (AWS accepts `"3"` for a ...Path count).
fn as_number(v: &Value, int: bool) -> Option<f64> {
    v.as_f64().or_else(|| {
        v.as_str().and_then(
            |s| {
                if int {
                    s.parse::<i64>().ok().map(|n| n as f64)
                } else {
                    crate::value::num::parse_f64(s)
                }
            },
        )
    })
}

fn bad_number(f: &NumberField, name: &str, v: &Value, kind: &str) -> StepError {
    StepError::Path(Failure::runtime(match f {
        NumberField::Path(r) => {
            let shown = v.as_str().map(str::to_string).unwrap_or_else(|| to_compact(v));
            format!("The {name}Path field refers to value \"{shown}\" which is not a valid {kind}: {}", r.text())
        }
        _ => format!("The {name} field has value {} which is not a valid {kind}", to_compact(v)),
    }))
}

/// Milliseconds since the epoch, rounded toward zero.
fn timestamp_ms(s: &str) -> Option<i64> {
    let (secs, nanos) = crate::support::time::parse_timestamp(s)?;
    let ms = secs * 1000 + i64::from(nanos / 1_000_000);
    Some(if secs < 0 && nanos % 1_000_000 != 0 { ms + 1 } else { ms })
}
