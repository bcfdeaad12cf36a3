//! What each state type does when it runs.

use super::*;
use crate::asl::{
    Assign, Catcher, Choice, Comparison, Condition, Fail, FailField, ItemSelector, JTemplate, MapState, NumberField,
    Operand, PathField, Pattern, ResourceKind, Task, Wait,
};
use crate::dataflow::intrinsics::type_name;
use crate::dataflow::jsonpath::{set_path, Reference};
use crate::dataflow::query::{Jsonata, QueryError};
use crate::dataflow::scope::{runtime, select_reference, state_cause, Context, PathScope, Scope, Vars};
use crate::value::Map;

/// What a JSONata state's `$states` holds besides `input` and `context`.
enum Extra<'a> {
    None,
    Result(&'a Value),
    ErrorOutput(&'a Value),
}

impl Execution {
    fn context<'a>(&'a self, fid: FrameId, map_item: Option<(usize, &'a Value)>) -> Context<'a> {
        let f = &self.frames[fid];
        let state = &f.machine.states[f.state];
        let arns = self.arns.get_or_init(|| (self.opts.execution_arn(), self.opts.state_machine_arn()));
        Context {
            execution_id: &arns.0,
            execution_name: &self.opts.execution_name,
            execution_input: &self.input,
            start_time: self.opts.start_time,
            role_arn: &self.opts.role_arn,
            state_machine_id: &arns.1,
            state_machine_name: &self.opts.state_machine_name,
            state_name: &state.name,
            entered_time: f.entered_time,
            retry_count: matches!(state.kind, Kind::Task(_)).then_some(f.retry_count),
            map_item,
            task_token: f.task_token.as_deref(),
        }
    }

    /// Run `f` with a JSONPath scope whose `$` is `input`.
    fn with_scope<R>(
        &self,
        fid: FrameId,
        input: &Value,
        map_item: Option<(usize, &Value)>,
        f: impl FnOnce(&mut PathScope) -> R,
    ) -> R {
        let context = || self.context(fid, map_item).build();
        let mut scope = PathScope::new(input, &self.frames[fid].vars, &context, &self.rng);
        f(&mut scope)
    }

    fn jsonata(&self, fid: FrameId, input: &Value, extra: Extra, map_item: Option<(usize, &Value)>) -> Jsonata<'_> {
        let ctx = self.context(fid, map_item);
        let mut states = Map::new();
        states.insert("input".into(), input.clone());
        states.insert("context".into(), ctx.build());
        match extra {
            Extra::None => {}
            Extra::Result(r) => {
                states.insert("result".into(), r.clone());
            }
            Extra::ErrorOutput(e) => {
                states.insert("errorOutput".into(), e.clone());
            }
        }
        Jsonata::new(&self.frames[fid].vars, Value::Object(states), self.now, &self.rng)
    }

    /// A JSONata failure: the EvaluationFailed event, and the failure to raise.
    fn query_failure(&mut self, fid: FrameId, e: QueryError) -> Failure {
        let (name, entered) = (self.state(fid).name.clone(), self.frames[fid].entered_event);
        let cause = state_cause(&name, entered, &e.detail);
        self.emit(
            fid,
            "EvaluationFailed",
            Some(fields! {"error": "States.QueryEvaluationError", "cause": cause.as_str(), "location": e.location, "state": name}),
        );
        Failure::new("States.QueryEvaluationError", cause)
    }

    fn prefixed(&self, fid: FrameId, f: Failure) -> Failure {
        runtime(&self.state(fid).name, self.frames[fid].entered_event, f)
    }

    fn select(&self, fid: FrameId, input: &Value, r: &Reference) -> Result<Value, Failure> {
        self.with_scope(fid, input, None, |s| select_reference(s, r)).map_err(|f| self.prefixed(fid, f))
    }

    // InputPath, OutputPath and ResultPath: the defaults (most states) are decided here,
    // `null` and a path out of line.

    #[inline(always)]
    fn input_path(&self, fid: FrameId, field: &PathField) -> Result<Rc<Value>, Failure> {
        let raw = &self.frames[fid].input;
        match field {
            PathField::Default => Ok(raw.clone()),
            _ => self.path_at(fid, field, raw),
        }
    }

    #[inline(always)]
    fn output_path(&self, fid: FrameId, field: &PathField, v: Rc<Value>) -> Result<Rc<Value>, Failure> {
        match field {
            PathField::Default => Ok(v),
            _ => self.path_at(fid, field, &v),
        }
    }

    /// What an InputPath or OutputPath of `null` or a path selects from `v`.
    fn path_at(&self, fid: FrameId, field: &PathField, v: &Value) -> Result<Rc<Value>, Failure> {
        match field {
            PathField::Path(r) => self.select(fid, v, r).map(Rc::new),
            _ => Ok(Rc::new(json!({}))),
        }
    }

    #[inline(always)]
    fn result_path(
        &self,
        fid: FrameId,
        field: &PathField,
        raw: &Rc<Value>,
        result: Rc<Value>,
    ) -> Result<Rc<Value>, Failure> {
        match field {
            PathField::Default => Ok(result),
            _ => self.result_path_at(fid, field, raw, result),
        }
    }

    /// Where a ResultPath of `null` or a path puts `result`.
    fn result_path_at(
        &self,
        fid: FrameId,
        field: &PathField,
        raw: &Rc<Value>,
        result: Rc<Value>,
    ) -> Result<Rc<Value>, Failure> {
        match field {
            PathField::Path(r) => set_path(Rc::unwrap_or_clone(raw.clone()), &r.path, Rc::unwrap_or_clone(result))
                .map(Rc::new)
                .map_err(|f| self.prefixed(fid, f)),
            _ => Ok(raw.clone()),
        }
    }

    fn template(
        &self,
        fid: FrameId,
        t: &crate::dataflow::template::Template,
        input: &Value,
        field: &str,
        map_item: Option<(usize, &Value)>,
    ) -> Result<Rc<Value>, Failure> {
        self.with_scope(fid, input, map_item, |s| t.eval(s, field)).map(Rc::new).map_err(|f| self.prefixed(fid, f))
    }

    /// Evaluate an Assign block; `$` (JSONPath) or `$states.*` (JSONata) as given.
    fn eval_assign(
        &mut self,
        fid: FrameId,
        assign: Option<&Assign>,
        input: &Value,
        dollar: &Value,
        extra: Extra,
    ) -> Result<Option<Value>, Failure> {
        let Some(assign) = assign else { return Ok(None) };
        match assign {
            Assign::JsonPath(t) => self.template(fid, t, dollar, "Assign", None).map(|v| Some(Rc::unwrap_or_clone(v))),
            Assign::Jsonata(fields) => {
                let ev = self.jsonata(fid, input, extra, None);
                let mut out = Map::new();
                for (k, t) in fields {
                    match ev.template(t, &format!("Assign/{k}")) {
                        Ok(v) => {
                            out.insert(k.clone(), v);
                        }
                        Err(e) => {
                            drop(ev);
                            return Err(self.query_failure(fid, e));
                        }
                    }
                }
                Ok(Some(Value::Object(out)))
            }
        }
    }

    #[inline(always)]
    fn apply_assign(&mut self, fid: FrameId, assigned: &Option<Value>) {
        if assigned.is_some() {
            self.assign_variables(fid, assigned);
        }
    }

    fn assign_variables(&mut self, fid: FrameId, assigned: &Option<Value>) {
        if let Some(a) = assigned {
            if self.opts.record_steps {
                self.record(fid, "Assign", &Rc::new(a.clone()));
            }
        }
        if let Some(Value::Object(m)) = assigned {
            let vars = Rc::make_mut(&mut self.frames[fid].vars);
            for (k, v) in m {
                vars.local.insert(k.clone(), v.clone());
            }
        }
    }

    /// Keep one data-flow step of the current state (InputPath, Parameters, ...) for the
    /// inspector, when the host asked for them.
    #[inline(always)]
    fn record(&mut self, fid: FrameId, step: &'static str, v: &Rc<Value>) {
        if self.opts.record_steps {
            self.record_step(fid, step, v);
        }
    }

    fn record_step(&mut self, fid: FrameId, step: &'static str, v: &Rc<Value>) {
        let span = self.frames[fid].state_span;
        if let Some(s) = self.spans.get_mut(span) {
            s.steps.push((step, v.clone()));
        }
    }

    /// Evaluate a JSONata template in this state, raising EvaluationFailed on error.
    fn eval_jt(
        &mut self,
        fid: FrameId,
        t: &JTemplate,
        input: &Value,
        extra: Extra,
        location: &str,
        map_item: Option<(usize, &Value)>,
    ) -> Result<Rc<Value>, Failure> {
        let r = self.jsonata(fid, input, extra, map_item).template(t, location);
        r.map(Rc::new).map_err(|e| self.query_failure(fid, e))
    }

    /// The JSONPath end of a state: Assign (with `$` the result), then ResultPath places the
    /// result in the raw input and OutputPath picks the output.
    fn assign_and_place(
        &mut self,
        fid: FrameId,
        state: &State,
        raw: &Rc<Value>,
        result: Rc<Value>,
        result_path: &PathField,
        output_path: &PathField,
    ) -> Result<(Rc<Value>, Option<Value>), Failure> {
        let assigned = match &state.assign {
            Some(assign) => self.eval_assign(fid, Some(assign), raw, &result, Extra::None)?,
            None => None,
        };
        let out = self.result_path(fid, result_path, raw, result)?;
        self.record(fid, "ResultPath", &out);
        let out = self.output_path(fid, output_path, out)?;
        self.record(fid, "OutputPath", &out);
        Ok((out, assigned))
    }

    /// The JSONata end of a state: Assign, then Output, with `$states.result` set when the
    /// state has a result. Without Output, the output is the result, or else the input.
    fn jsonata_output(
        &mut self,
        fid: FrameId,
        state: &State,
        raw: &Rc<Value>,
        output: Option<&JTemplate>,
        result: Option<&Rc<Value>>,
    ) -> Result<(Rc<Value>, Option<Value>), Failure> {
        let extra = || result.map_or(Extra::None, |r| Extra::Result(r));
        let assigned = self.eval_assign(fid, state.assign.as_ref(), raw, raw, extra())?;
        let out = match output {
            Some(t) => self.eval_jt(fid, t, raw, extra(), "Output", None)?,
            None => result.unwrap_or(raw).clone(),
        };
        self.record(fid, "Output", &out);
        Ok((out, assigned))
    }

    /// Leave the state with its output, once its assignments are made; or fail it.
    #[inline(always)]
    fn conclude(&mut self, fid: FrameId, done: Result<(Rc<Value>, Option<Value>), Failure>) -> Flow {
        match done {
            Ok((out, assigned)) => {
                self.apply_assign(fid, &assigned);
                self.exit_state(fid, out, assigned)
            }
            Err(f) => self.fail_state(fid, f),
        }
    }

    /// Output and assignments of a state whose "result" is `result` (Task, Parallel, Map).
    fn finish_with_result(&mut self, fid: FrameId, state: &State, result: Rc<Value>) -> Flow {
        let raw = self.frames[fid].input.clone();
        self.record(fid, "Result", &result);
        let done = match &state.io {
            Io::JsonPath { result_selector, result_path, output_path, .. } => (|| {
                let selected = match result_selector {
                    Some(t) => {
                        let v = self.template(fid, t, &result, "ResultSelector", None)?;
                        self.record(fid, "ResultSelector", &v);
                        v
                    }
                    None => result,
                };
                self.assign_and_place(fid, state, &raw, selected, result_path, output_path)
            })(),
            Io::Jsonata { output, .. } => self.jsonata_output(fid, state, &raw, output.as_ref(), Some(&result)),
        };
        self.conclude(fid, done)
    }

    /// Output of Succeed (and of Choice/Wait before their own work): InputPath then OutputPath,
    /// or JSONata `Output`.
    pub(super) fn plain_output(&mut self, fid: FrameId, state: &State) -> Result<Rc<Value>, Failure> {
        match &state.io {
            Io::JsonPath { input_path, output_path, .. } => {
                let eff = self.input_path(fid, input_path)?;
                self.record(fid, "InputPath", &eff);
                let out = self.output_path(fid, output_path, eff)?;
                self.record(fid, "OutputPath", &out);
                Ok(out)
            }
            Io::Jsonata { output, .. } => {
                let raw = self.frames[fid].input.clone();
                match output {
                    Some(t) => self.eval_jt(fid, t, &raw, Extra::None, "Output", None),
                    None => Ok(raw),
                }
            }
        }
    }

    pub(super) fn run_pass(&mut self, fid: FrameId, state: &State, result: Option<&Value>) -> Flow {
        let raw = self.frames[fid].input.clone();
        let done = match &state.io {
            Io::JsonPath { input_path, parameters, result_path, output_path, .. } => (|| {
                let eff = self.input_path(fid, input_path)?;
                self.record(fid, "InputPath", &eff);
                let res = match (result, parameters) {
                    (Some(r), _) => Rc::new(r.clone()),
                    (None, Some(t)) => self.template(fid, t, &eff, "Parameters", None)?,
                    (None, None) => eff,
                };
                self.record(fid, if result.is_some() { "Result" } else { "Parameters" }, &res);
                self.assign_and_place(fid, state, &raw, res, result_path, output_path)
            })(),
            Io::Jsonata { output, .. } => self.jsonata_output(fid, state, &raw, output.as_ref(), None),
        };
        self.conclude(fid, done)
    }

    /// A number field (timeouts, MaxConcurrency, Wait seconds...).
    fn number(&mut self, fid: FrameId, field: &NumberField, eff: &Value, name: &str) -> Result<Value, Failure> {
        match field {
            NumberField::Literal(n) => Ok(json!(n)),
            NumberField::Path(r) => self.select(fid, eff, r),
            NumberField::Expr(t) => {
                let raw = self.frames[fid].input.clone();
                self.eval_jt(fid, t, &raw, Extra::None, name, None).map(Rc::unwrap_or_clone)
            }
        }
    }

    fn positive_int(
        &mut self,
        fid: FrameId,
        field: &Option<NumberField>,
        eff: &Value,
        name: &str,
    ) -> Result<Option<u64>, Failure> {
        let Some(field) = field else { return Ok(None) };
        let v = self.number(fid, field, eff, name)?;
        match v.as_f64() {
            Some(n) if n >= 1.0 && n.fract() == 0.0 => Ok(Some(n as u64)),
            _ => Err(self.prefixed(
                fid,
                Failure::runtime(format!(
                    "The {name} field refers to value {} which is not a valid positive integer",
                    to_compact(&v)
                )),
            )),
        }
    }

    pub(super) fn run_task(&mut self, fid: FrameId, state: &State, task: &Task) -> Flow {
        let raw = self.frames[fid].input.clone();
        let id = self.next_task;
        self.next_task += 1;
        // `$$.Task.Token` exists for the callback and the job-run (`.sync`) patterns; a recording
        // shows a `.sync` task passing it on.
        let token =
            matches!(task.kind, ResourceKind::Service { pattern: Pattern::WaitForTaskToken | Pattern::Sync, .. })
                .then(|| task_token(&self.opts.execution_name, id));
        self.frames[fid].task_token = token.clone();
        let prepared = (|| -> Result<(Rc<Value>, Option<u64>, Option<u64>), Failure> {
            let (eff, params) = match &state.io {
                Io::JsonPath { input_path, parameters, .. } => {
                    let eff = self.input_path(fid, input_path)?;
                    self.record(fid, "InputPath", &eff);
                    let params = match parameters {
                        Some(t) => self.template(fid, t, &eff, "Parameters", None)?,
                        None => eff.clone(),
                    };
                    self.record(fid, "Parameters", &params);
                    (eff, params)
                }
                Io::Jsonata { arguments, .. } => {
                    let params = match arguments {
                        Some(t) => self.eval_jt(fid, t, &raw, Extra::None, "Arguments", None)?,
                        None => raw.clone(),
                    };
                    self.record(fid, "Arguments", &params);
                    (raw.clone(), params)
                }
            };
            let name_t = if matches!(task.timeout, Some(NumberField::Path(_))) {
                "TimeoutSecondsPath"
            } else {
                "TimeoutSeconds"
            };
            let name_h = if matches!(task.heartbeat, Some(NumberField::Path(_))) {
                "HeartbeatSecondsPath"
            } else {
                "HeartbeatSeconds"
            };
            let timeout = self.positive_int(fid, &task.timeout, &eff, name_t)?;
            let heartbeat = self.positive_int(fid, &task.heartbeat, &eff, name_h)?;
            Ok((params, timeout, heartbeat))
        })();
        let (params, timeout, heartbeat) = match prepared {
            Ok(p) => p,
            Err(f) => return self.fail_state(fid, f),
        };
        if payload_too_large(&params) {
            return self.fail_state(
                fid,
                Failure::new("States.DataLimitExceeded", format!("The state/task '{}' has input with a size exceeding the maximum number of bytes service limit.", state.name)),
            );
        }
        let attempt = self.frames[fid].retry_count;
        // The role is looked up whether or not the events are kept: a service task fails on a
        // path that selects nothing.
        let role = match (&task.credentials, &task.kind) {
            (None, _) => None,
            (Some(c), ResourceKind::Service { .. }) => match self.credentials(fid, c, &raw) {
                Ok(r) => Some(r),
                Err(f) => return self.fail_state(fid, f),
            },
            (Some(c), ResourceKind::LambdaFunction) => self.credentials(fid, c, &raw).ok(),
            (Some(_), ResourceKind::Activity) => None,
        };
        let keep = self.keeps_events(fid);
        match &task.kind {
            ResourceKind::Service { resource_type, resource, .. } => {
                let d = keep.then(|| {
                    let mut d = fields! {"resourceType": resource_type, "resource": resource, "region": &*self.opts.region, "parameters": &params};
                    if let Some(t) = timeout {
                        d.push(("timeoutInSeconds", Field::from(t)));
                    }
                    if let Some(h) = heartbeat {
                        d.push(("heartbeatInSeconds", Field::from(h)));
                    }
                    if let Some(role) = role {
                        d.push(("taskCredentials", Field::from(json!({"roleArn": role}))));
                    }
                    d
                });
                self.emit(fid, "TaskScheduled", d);
                self.emit(
                    fid,
                    "TaskStarted",
                    keep.then(|| fields! {"resourceType": resource_type, "resource": resource}),
                );
            }
            ResourceKind::LambdaFunction => {
                let d = keep.then(|| {
                    let mut d =
                        fields! {"resource": &task.resource, "input": &params, "inputDetails": Field::NotTruncated};
                    if let Some(t) = timeout {
                        d.push(("timeoutInSeconds", Field::from(t)));
                    }
                    if let Some(role) = role {
                        d.push(("taskCredentials", Field::from(json!({"roleArn": role}))));
                    }
                    d
                });
                self.emit(fid, "LambdaFunctionScheduled", d);
                self.emit(fid, "LambdaFunctionStarted", None);
            }
            ResourceKind::Activity => {
                let d = keep.then(|| {
                    let mut d =
                        fields! {"resource": &task.resource, "input": &params, "inputDetails": Field::NotTruncated};
                    if let Some(t) = timeout {
                        d.push(("timeoutInSeconds", Field::from(t)));
                    }
                    if let Some(h) = heartbeat {
                        d.push(("heartbeatInSeconds", Field::from(h)));
                    }
                    d
                });
                self.emit(fid, "ActivityScheduled", d);
                self.emit(fid, "ActivityStarted", keep.then(|| fields! {"workerName": "statelab"}));
            }
        }
        if self.is_done() {
            return Flow::Ended;
        }
        let lane = self.lane(Some(fid));
        self.effects.push_back(Effect::Invoke(TaskRequest {
            id,
            state: state.name.clone(),
            resource: task.resource.clone(),
            input: params.clone(),
            attempt,
            lane,
            token,
        }));
        let span = self.open_span(fid, SpanKind::Attempt, Some(params));
        let gen = {
            let f = &mut self.frames[fid];
            f.gen += 1;
            f.block = Block::Task { id, span };
            f.gen
        };
        let slot = id as usize - 1;
        if self.tasks.len() <= slot {
            self.tasks.resize(slot + 1, None);
        }
        self.tasks[slot] = Some((fid, gen));
        // Task timeout: AWS's default is 99999999 seconds.
        let timeout_ms = timeout.unwrap_or(99_999_999) as i64 * 1000;
        self.schedule(self.now + timeout_ms, Work::TaskTimeout { frame: fid, gen, error: "States.Timeout" });
        if let Some(h) = heartbeat {
            if (h as i64 * 1000) < timeout_ms {
                // AWS reports an expired heartbeat as States.Timeout too.
                self.schedule(
                    self.now + h as i64 * 1000,
                    Work::TaskTimeout { frame: fid, gen, error: "States.Timeout" },
                );
            }
        }
        Flow::Blocked
    }

    fn credentials(&mut self, fid: FrameId, c: &Value, raw: &Value) -> Result<Value, Failure> {
        let role = c.get("RoleArn").cloned();
        if let Some(r) = role {
            return Ok(r);
        }
        match c.get("RoleArn.$").and_then(Value::as_str).map(Reference::parse) {
            Some(Ok(r)) => self.select(fid, raw, &r),
            _ => Ok(Value::Null),
        }
    }

    /// The resource kind of the frame's Task state, which names its events.
    fn task_kind(&self, fid: FrameId) -> &ResourceKind {
        match &self.state(fid).kind {
            Kind::Task(t) => &t.kind,
            _ => &ResourceKind::Activity,
        }
    }

    pub(super) fn task_done(&mut self, fid: FrameId, outcome: Result<Value, Failure>) {
        let Block::Task { span, .. } = self.frames[fid].block else { return };
        self.frames[fid].block = Block::None;
        self.frames[fid].gen += 1;
        let keep = self.keeps_events(fid);
        let outcome = match outcome {
            Ok(v) if payload_too_large(&v) => {
                let who = match &self.state(fid).kind {
                    Kind::Task(Task { kind: ResourceKind::Service { resource_type, .. }, .. }) => resource_type.clone(),
                    Kind::Task(t) => t.resource.clone(),
                    _ => String::new(),
                };
                Err(Failure::new("States.DataLimitExceeded", format!("The state/task '{who}' returned a result with a size exceeding the maximum number of bytes service limit.")))
            }
            o => o,
        };
        let flow = match outcome {
            Ok(result) => {
                let result = Rc::new(result);
                let (name, d) = match self.task_kind(fid) {
                    ResourceKind::Service { resource_type, resource, .. } => (
                        "TaskSucceeded",
                        keep.then(|| fields! {"resourceType": resource_type, "resource": resource, "output": &result, "outputDetails": Field::NotTruncated}),
                    ),
                    ResourceKind::LambdaFunction => ("LambdaFunctionSucceeded", keep.then(|| fields! {"output": &result, "outputDetails": Field::NotTruncated})),
                    ResourceKind::Activity => ("ActivitySucceeded", keep.then(|| fields! {"output": &result, "outputDetails": Field::NotTruncated})),
                };
                self.emit(fid, name, d);
                self.close_span(span, "succeeded", Some(result.clone()), None);
                if self.is_done() {
                    return;
                }
                let machine = self.frames[fid].machine.clone();
                let state = &machine.states[self.frames[fid].state];
                self.finish_with_result(fid, state, result)
            }
            Err(f) => {
                let (name, d) = match self.task_kind(fid) {
                    ResourceKind::Service { resource_type, resource, .. } => (
                        "TaskFailed",
                        keep.then(|| {
                            let mut d = failure_fields(&f);
                            d.push(("resourceType", Field::from(resource_type)));
                            d.push(("resource", Field::from(resource)));
                            d
                        }),
                    ),
                    ResourceKind::LambdaFunction => ("LambdaFunctionFailed", keep.then(|| failure_fields(&f))),
                    ResourceKind::Activity => ("ActivityFailed", keep.then(|| failure_fields(&f))),
                };
                self.emit(fid, name, d);
                self.close_span(span, "failed", None, Some(&f));
                if self.is_done() {
                    return;
                }
                self.fail_state(fid, f)
            }
        };
        if flow == Flow::Next {
            self.run(fid);
        }
    }

    pub(super) fn task_timed_out(&mut self, fid: FrameId, error: &'static str) {
        let Block::Task { id, span } = self.frames[fid].block else { return };
        self.take_task(id);
        self.effects.push_back(Effect::Cancel(id));
        self.frames[fid].block = Block::None;
        self.frames[fid].gen += 1;
        let keep = self.keeps_events(fid);
        let (name, d) = match self.task_kind(fid) {
            ResourceKind::Service { resource_type, resource, .. } => (
                "TaskTimedOut",
                keep.then(|| fields! {"resourceType": resource_type, "resource": resource, "error": error}),
            ),
            ResourceKind::LambdaFunction => ("LambdaFunctionTimedOut", keep.then(|| fields! {"error": error})),
            ResourceKind::Activity => ("ActivityTimedOut", keep.then(|| fields! {"error": error})),
        };
        self.emit(fid, name, d);
        let f = Failure::new(error, "");
        self.close_span(span, "failed", None, Some(&f));
        if self.is_done() {
            return;
        }
        if self.fail_state(fid, f) == Flow::Next {
            self.run(fid);
        }
    }

    pub(super) fn run_choice(&mut self, fid: FrameId, state: &State, choice: &Choice) -> Flow {
        let raw = self.frames[fid].input.clone();
        let decided = (|| -> Result<(Rc<Value>, Option<Value>, usize), Failure> {
            match &state.io {
                Io::JsonPath { input_path, output_path, .. } => {
                    let eff = self.input_path(fid, input_path)?;
                    self.record(fid, "InputPath", &eff);
                    let mut picked = None;
                    for rule in &choice.choices {
                        if self.condition(fid, &rule.condition, &eff)? {
                            picked = Some(rule);
                            break;
                        }
                    }
                    let (next, assign) = match picked {
                        Some(r) => (r.next, r.assign.as_ref()),
                        None => match choice.default {
                            Some(d) => (d, state.assign.as_ref()),
                            None => return Err(self.no_choice(fid)),
                        },
                    };
                    let assigned = self.eval_assign(fid, assign, &raw, &eff, Extra::None)?;
                    let out = self.output_path(fid, output_path, eff)?;
                    self.record(fid, "OutputPath", &out);
                    Ok((out, assigned, next))
                }
                Io::Jsonata { output, .. } => {
                    let mut picked = None;
                    for (i, rule) in choice.choices.iter().enumerate() {
                        if let Condition::Jsonata(t) = &rule.condition {
                            let v = self.eval_jt(fid, t, &raw, Extra::None, &format!("Choices/{i}/Condition"), None)?;
                            match &*v {
                                Value::Bool(true) => {
                                    picked = Some(rule);
                                    break;
                                }
                                Value::Bool(false) => {}
                                other => {
                                    let detail = format!(
                                        "The Condition field of a choice rule returned a non-boolean value: {}",
                                        to_compact(other)
                                    );
                                    return Err(self.query_failure(
                                        fid,
                                        QueryError { location: format!("Choices/{i}/Condition"), detail },
                                    ));
                                }
                            }
                        }
                    }
                    let (next, assign, out_t) = match picked {
                        Some(r) => (r.next, r.assign.as_ref(), r.output.as_ref()),
                        None => match choice.default {
                            Some(d) => (d, state.assign.as_ref(), output.as_ref()),
                            None => return Err(self.no_choice(fid)),
                        },
                    };
                    let assigned = self.eval_assign(fid, assign, &raw, &raw, Extra::None)?;
                    let out = match out_t {
                        Some(t) => self.eval_jt(fid, t, &raw, Extra::None, "Output", None)?,
                        None => raw.clone(),
                    };
                    Ok((out, assigned, next))
                }
            }
        })();
        match decided {
            Ok((out, assigned, next)) => {
                self.apply_assign(fid, &assigned);
                self.exit_to(fid, out, assigned, Some(next))
            }
            Err(f) => self.fail_state(fid, f),
        }
    }

    fn no_choice(&self, fid: FrameId) -> Failure {
        let name = &self.state(fid).name;
        Failure::new("States.NoChoiceMatched", format!("No Matches! in state '{name}'"))
    }

    fn condition(&self, fid: FrameId, c: &Condition, input: &Value) -> Result<bool, Failure> {
        Ok(match c {
            Condition::And(cs) => {
                for c in cs {
                    if !self.condition(fid, c, input)? {
                        return Ok(false);
                    }
                }
                true
            }
            Condition::Or(cs) => {
                for c in cs {
                    if self.condition(fid, c, input)? {
                        return Ok(true);
                    }
                }
                false
            }
            Condition::Not(c) => !self.condition(fid, c, input)?,
            Condition::Compare { variable, op, operand } => {
                let value = self.with_scope(fid, input, None, |s| lookup(s, variable));
                if *op == Comparison::IsPresent {
                    let want = operand_bool(operand);
                    return Ok(value.is_some() == want);
                }
                let Some(value) = value else {
                    let r = variable;
                    return Err(self.prefixed(
                        fid,
                        Failure::runtime(format!(
                            "Invalid path '{}': The choice state's condition path references an invalid value.",
                            r.text()
                        )),
                    ));
                };
                let expected = match operand {
                    Operand::Value(v) => v.clone(),
                    Operand::Path(r) => match self.with_scope(fid, input, None, |s| lookup(s, r)) {
                        Some(v) => v,
                        None => {
                            return Err(self.prefixed(
                                fid,
                                Failure::runtime(format!(
                                    "Invalid path '{}': The choice state's condition path references an invalid value.",
                                    r.text()
                                )),
                            ))
                        }
                    },
                };
                compare(*op, &value, &expected)
            }
            Condition::Jsonata(_) => false,
        })
    }

    pub(super) fn run_wait(&mut self, fid: FrameId, state: &State, wait: &Wait) -> Flow {
        let raw = self.frames[fid].input.clone();
        let planned = (|| -> Result<(i64, Rc<Value>, Option<Value>), Failure> {
            let eff = match &state.io {
                Io::JsonPath { input_path, .. } => self.input_path(fid, input_path)?,
                Io::Jsonata { .. } => raw.clone(),
            };
            let until = match wait {
                Wait::Seconds(n) => {
                    let v = self.number(fid, n, &eff, "Seconds")?;
                    match v.as_f64() {
                        Some(s) if s >= 0.0 && s.fract() == 0.0 => self.now + (s as i64).saturating_mul(1000),
                        _ => {
                            let msg = match n {
                                NumberField::Path(r) => format!(
                                    "The SecondsPath parameter does not reference a valid integer: {} == {}",
                                    r.text(),
                                    to_compact(&v)
                                ),
                                _ => format!("The Seconds field must be a non-negative integer: {}", to_compact(&v)),
                            };
                            return Err(match n {
                                NumberField::Expr(_) => {
                                    self.query_failure(fid, QueryError { location: "Seconds".into(), detail: msg })
                                }
                                _ => self.prefixed(fid, Failure::runtime(msg)),
                            });
                        }
                    }
                }
                Wait::Timestamp(s) => timestamp_ms(s).unwrap_or(self.now),
                Wait::TimestampPath(r) => {
                    let v = self.select(fid, &eff, r)?;
                    match v.as_str().and_then(timestamp_ms) {
                        Some(t) => t,
                        None => {
                            let shown = v.as_str().map(str::to_string).unwrap_or_else(|| to_compact(&v));
                            return Err(self.prefixed(
                                fid,
                                Failure::runtime(format!(
                                    "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {shown}",
                                    r.text()
                                )),
                            ));
                        }
                    }
                }
                Wait::TimestampExpr(t) => {
                    let v = self.eval_jt(fid, t, &raw, Extra::None, "Timestamp", None)?;
                    match v.as_str().and_then(timestamp_ms) {
                        Some(t) => t,
                        None => {
                            let shown = v.as_str().map(str::to_string).unwrap_or_else(|| to_compact(&v));
                            let detail = format!("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {shown}");
                            return Err(self.query_failure(fid, QueryError { location: "Timestamp".into(), detail }));
                        }
                    }
                }
            };
            let (out, assigned) = match &state.io {
                Io::JsonPath { output_path, .. } => {
                    let assigned = self.eval_assign(fid, state.assign.as_ref(), &raw, &eff, Extra::None)?;
                    (self.output_path(fid, output_path, eff)?, assigned)
                }
                Io::Jsonata { output, .. } => self.jsonata_output(fid, state, &raw, output.as_ref(), None)?,
            };
            Ok((until, out, assigned))
        })();
        match planned {
            Err(f) => self.fail_state(fid, f),
            Ok((until, out, assigned)) => {
                self.apply_assign(fid, &assigned);
                if until <= self.now {
                    return self.exit_state(fid, out, assigned);
                }
                let span = self.open_span(fid, SpanKind::Wait, None);
                if let Some(s) = self.spans.get_mut(span) {
                    s.end = Some(until);
                    s.status = "succeeded";
                }
                let gen = {
                    let f = &mut self.frames[fid];
                    f.gen += 1;
                    f.block = Block::Timer;
                    f.stash = Some((out, assigned));
                    f.gen
                };
                self.schedule(until, Work::Resume { frame: fid, gen });
                Flow::Blocked
            }
        }
    }

    pub(super) fn finish_wait(&mut self, fid: FrameId) -> Flow {
        let (out, assigned) = self.frames[fid].stash.take().unwrap_or_else(|| (Rc::new(Value::Null), None));
        self.exit_state(fid, out, assigned)
    }

    pub(super) fn run_fail(&mut self, fid: FrameId, fail: &Fail) -> Flow {
        let raw = self.frames[fid].input.clone();
        let field = |this: &mut Self, f: &Option<FailField>, key: &str, path_key: &str| -> Result<String, Failure> {
            Ok(match f {
                None => String::new(),
                Some(FailField::Literal(s)) => s.clone(),
                Some(FailField::Path(d)) => {
                    let v =
                        this.with_scope(fid, &raw, None, |s| d.eval(s, path_key)).map_err(|f| this.prefixed(fid, f))?;
                    match v {
                        Value::String(s) => s,
                        other => to_compact(&other),
                    }
                }
                Some(FailField::Expr(t)) => match &*this.eval_jt(fid, t, &raw, Extra::None, key, None)? {
                    Value::String(s) => s.clone(),
                    other => to_compact(other),
                },
            })
        };
        let error = field(self, &fail.error, "Error", "ErrorPath");
        let cause = error.and_then(|e| field(self, &fail.cause, "Cause", "CausePath").map(|c| (e, c)));
        let failure = match cause {
            Ok((error, cause)) => Failure::new(error, cause),
            Err(f) => f,
        };
        let span = self.frames[fid].state_span;
        self.close_span(span, "failed", None, Some(&failure));
        self.frame_ended(fid, Err(failure));
        Flow::Ended
    }

    /// InputPath + Parameters (JSONPath) or Arguments (JSONata): the input a Parallel's
    /// branches get, or the effective input of a Map.
    fn state_arguments(&mut self, fid: FrameId, state: &State) -> Result<(Rc<Value>, Rc<Value>), Failure> {
        let raw = self.frames[fid].input.clone();
        match &state.io {
            Io::JsonPath { input_path, parameters, .. } => {
                let eff = self.input_path(fid, input_path)?;
                self.record(fid, "InputPath", &eff);
                let params = match parameters {
                    Some(t) => self.template(fid, t, &eff, "Parameters", None)?,
                    None => eff.clone(),
                };
                self.record(fid, "Parameters", &params);
                Ok((eff, params))
            }
            Io::Jsonata { arguments, .. } => {
                let params = match arguments {
                    Some(t) => self.eval_jt(fid, t, &raw, Extra::None, "Arguments", None)?,
                    None => raw.clone(),
                };
                self.record(fid, "Arguments", &params);
                Ok((raw, params))
            }
        }
    }

    pub(super) fn run_parallel(&mut self, fid: FrameId, state: &State, branches: &[Rc<Machine>]) -> Flow {
        let params = match self.state_arguments(fid, state) {
            Ok((_, p)) => p,
            Err(f) => return self.fail_state(fid, f),
        };
        self.emit(fid, "ParallelStateStarted", None);
        let n = branches.len();
        // One frame per branch: room for them all at once, rather than copying the frames
        // each time the list doubles.
        self.frames.reserve(n);
        self.frames[fid].gen += 1;
        self.frames[fid].block = Block::Children(Box::new(Group {
            is_map: false,
            children: vec![None; n],
            results: vec![None; n],
            queue: (0..n).map(|i| (i, params.clone())).collect(),
            running: 0,
            // The sequential twin runs one branch at a time.
            max_concurrency: if self.opts.sequential { 1 } else { 0 },
            failed: 0,
            tolerated_count: None,
            tolerated_percentage: None,
            total: n,
            done: 0,
            distributed: false,
        }));
        self.start_queued(fid);
        Flow::Blocked
    }

    /// Start branch `index` of the Parallel running in frame `parent`.
    pub(super) fn spawn_branch(&mut self, parent: FrameId, index: usize, input: Rc<Value>) -> FrameId {
        let branch = match &self.state(parent).kind {
            Kind::Parallel(branches) => branches[index].clone(),
            _ => unreachable!("branches belong to Parallel states"),
        };
        let vars = Vars::child(&self.frames[parent].vars);
        let last = self.frames[parent].last_event;
        self.new_frame(branch, Some((parent, index)), vars, input, last)
    }

    pub(super) fn run_map(&mut self, fid: FrameId, state: &State, map: &MapState) -> Flow {
        let (eff, items) = match self.map_items(fid, state, map) {
            Ok(x) => x,
            Err(f) => return self.fail_state(fid, f),
        };
        let n = items.len();
        // AWS reads MaxConcurrency before the Map starts, the failure tolerance after.
        let conc = match self.map_concurrency(fid, map, &eff) {
            Ok(c) => c,
            Err(f) => return self.fail_state(fid, f),
        };
        self.emit(fid, "MapStateStarted", Some(fields! {"length": n}));
        let prepared = self.map_tolerance(fid, map, &eff).and_then(|settings| {
            let mut inputs = Vec::with_capacity(n);
            for (i, item) in items.iter().enumerate() {
                inputs.push(self.item_input(fid, map, &eff, i, item)?);
            }
            if let Some(b) = &map.item_batcher {
                inputs = self.batch(fid, b, &eff, inputs)?;
            }
            Ok((inputs, settings))
        });
        let (inputs, (count, pct)) = match prepared {
            Ok(p) => p,
            Err(f) => return self.fail_state(fid, f),
        };
        // One child per input: items, or batches of them.
        let n = inputs.len();
        if map.distributed {
            let arn = format!(
                "arn:aws:states:{}:{}:mapRun:{}/{}:{}",
                self.opts.region,
                self.opts.account,
                self.opts.state_machine_name,
                map.label.as_deref().unwrap_or(&state.name),
                self.frames[fid].entered_event
            );
            self.emit(fid, "MapRunStarted", Some(fields! {"mapRunArn": arn}));
        }
        // One frame per iteration (see run_parallel).
        self.frames.reserve(n);
        self.frames[fid].gen += 1;
        self.frames[fid].block = Block::Children(Box::new(Group {
            is_map: true,
            children: vec![None; n],
            results: vec![None; n],
            queue: inputs.into_iter().enumerate().collect(),
            running: 0,
            max_concurrency: conc,
            failed: 0,
            tolerated_count: count,
            tolerated_percentage: pct,
            total: n,
            done: 0,
            distributed: map.distributed,
        }));
        if n == 0 {
            self.work.push_back(Work::ChildrenDone(fid));
        } else {
            self.start_queued(fid);
        }
        Flow::Blocked
    }

    /// `ItemBatcher`: group the iteration inputs into `{"BatchInput"?, "Items": [...]}`.
    fn batch(
        &mut self,
        fid: FrameId,
        b: &crate::asl::Batcher,
        eff: &Value,
        inputs: Vec<Rc<Value>>,
    ) -> Result<Vec<Rc<Value>>, Failure> {
        let limit = |this: &mut Self, f: &Option<NumberField>, name: &str| -> Result<Option<usize>, Failure> {
            let Some(f) = f else { return Ok(None) };
            let v = this.number(fid, f, eff, name)?;
            match as_number(&v, true) {
                Some(n) if n >= 1.0 && n.fract() == 0.0 => Ok(Some(n as usize)),
                _ => Err(this.bad_number(fid, f, name, &v, "integer")),
            }
        };
        let max_items = limit(self, &b.max_items, "MaxItemsPerBatch")?.unwrap_or(usize::MAX);
        let max_bytes = limit(self, &b.max_bytes, "MaxInputBytesPerBatch")?.unwrap_or(usize::MAX);
        let batch_input = match &b.batch_input {
            None => None,
            Some(ItemSelector::JsonPath(t)) => Some(self.template(fid, t, eff, "BatchInput", None)?),
            Some(ItemSelector::Jsonata(t)) => {
                let raw = self.frames[fid].input.clone();
                Some(self.eval_jt(fid, t, &raw, Extra::None, "BatchInput", None)?)
            }
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
                let mut o = crate::value::Map::new();
                if let Some(bi) = &batch_input {
                    o.insert("BatchInput".into(), (**bi).clone());
                }
                o.insert("Items".into(), Value::Array(items.into_iter().map(Rc::unwrap_or_clone).collect()));
                Rc::new(Value::Object(o))
            })
            .collect())
    }

    /// The Map's effective input and the items it iterates over.
    fn map_items(&mut self, fid: FrameId, state: &State, map: &MapState) -> Result<(Rc<Value>, Vec<Value>), Failure> {
        if map.item_reader {
            return Err(self.prefixed(
                fid,
                Failure::runtime("ItemReader reads items from Amazon S3, which statelab cannot reach: give the items inline (ItemsPath or Items) to run this Map here."),
            ));
        }
        let raw = self.frames[fid].input.clone();
        let eff = match &state.io {
            Io::JsonPath { input_path, .. } => self.input_path(fid, input_path)?,
            Io::Jsonata { .. } => raw.clone(),
        };
        let items = match (&map.items_path, &map.items) {
            (Some(r), _) => self.select(fid, &eff, r)?,
            (None, Some(t)) => {
                let v = match t {
                    JTemplate::Expr { source, expr } => {
                        let r = self.jsonata(fid, &raw, Extra::None, None).expr(source, expr, "Items");
                        match r {
                            Ok(Some(v)) => v,
                            Ok(None) => {
                                let detail = format!("The JSONata expression '{source}' specified for the field 'Items' returned an unsupported result type.");
                                return Err(self.query_failure(fid, QueryError { location: "Items".into(), detail }));
                            }
                            Err(e) => return Err(self.query_failure(fid, e)),
                        }
                    }
                    other => Rc::unwrap_or_clone(self.eval_jt(fid, other, &raw, Extra::None, "Items", None)?),
                };
                if !v.is_array() {
                    let source = match t {
                        JTemplate::Expr { source, .. } => source.clone(),
                        _ => to_compact(&v),
                    };
                    let detail = format!(
                        "The JSONata expression '{source}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '{}' for value: {}",
                        type_name(&v),
                        to_compact(&v)
                    );
                    return Err(self.query_failure(fid, QueryError { location: "Items".into(), detail }));
                }
                v
            }
            (None, None) => (*eff).clone(),
        };
        self.record(fid, "InputPath", &eff);
        match items {
            Value::Array(items) => Ok((eff, items)),
            other => {
                let path = map.items_path.as_ref().map(|r| r.text()).unwrap_or_else(|| "$".into());
                Err(self.prefixed(
                    fid,
                    Failure::runtime(format!(
                        "Item path {path} evaluated to a non-array value: {}",
                        to_compact(&other)
                    )),
                ))
            }
        }
    }

    /// A Map's MaxConcurrency (0 = unbounded).
    fn map_concurrency(&mut self, fid: FrameId, map: &MapState, eff: &Value) -> Result<usize, Failure> {
        if self.opts.sequential {
            return Ok(1);
        }
        let Some(f) = &map.max_concurrency else { return Ok(0) };
        let v = self.number(fid, f, eff, "MaxConcurrency")?;
        match as_number(&v, true) {
            Some(n) if n >= 0.0 && n.fract() == 0.0 => Ok(n as usize),
            _ => Err(self.bad_number(fid, f, "MaxConcurrency", &v, "integer")),
        }
    }

    /// (tolerated failure count, tolerated failure %) of a Map.
    fn map_tolerance(
        &mut self,
        fid: FrameId,
        map: &MapState,
        eff: &Value,
    ) -> Result<(Option<u64>, Option<f64>), Failure> {
        let count = match &map.tolerated_failure_count {
            None => None,
            Some(f) => {
                let v = self.number(fid, f, eff, "ToleratedFailureCount")?;
                match as_number(&v, true) {
                    Some(n) if n < 0.0 => {
                        return Err(self.prefixed(fid, Failure::runtime("ToleratedFailureCount cannot be negative.")))
                    }
                    Some(n) if n.fract() == 0.0 => Some(n as u64),
                    _ => return Err(self.bad_number(fid, f, "ToleratedFailureCount", &v, "integer")),
                }
            }
        };
        let pct = match &map.tolerated_failure_percentage {
            None => None,
            Some(f) => {
                let v = self.number(fid, f, eff, "ToleratedFailurePercentage")?;
                match as_number(&v, false) {
                    Some(p) if (0.0..=100.0).contains(&p) => Some(p),
                    Some(_) => {
                        return Err(self
                            .prefixed(fid, Failure::runtime("ToleratedFailurePercentage must be between 0 and 100.")))
                    }
                    None => return Err(self.bad_number(fid, f, "ToleratedFailurePercentage", &v, "float")),
                }
            }
        };
        Ok((count, pct))
    }

    /// The input of iteration `i`: the item, or the ItemSelector evaluated with `$$.Map.Item`.
    fn item_input(
        &mut self,
        fid: FrameId,
        map: &MapState,
        eff: &Value,
        i: usize,
        item: &Value,
    ) -> Result<Rc<Value>, Failure> {
        match &map.item_selector {
            None => Ok(Rc::new(item.clone())),
            Some(ItemSelector::JsonPath(t)) => self.template(fid, t, eff, "ItemSelector", Some((i, item))),
            Some(ItemSelector::Jsonata(t)) => {
                let raw = self.frames[fid].input.clone();
                self.eval_jt(fid, t, &raw, Extra::None, "ItemSelector", Some((i, item)))
            }
        }
    }

    fn bad_number(&self, fid: FrameId, f: &NumberField, name: &str, v: &Value, kind: &str) -> Failure {
        match f {
            NumberField::Path(r) => {
                let shown = v.as_str().map(str::to_string).unwrap_or_else(|| to_compact(v));
                self.prefixed(
                    fid,
                    Failure::runtime(format!(
                        "The {name}Path field refers to value \"{shown}\" which is not a valid {kind}: {}",
                        r.text()
                    )),
                )
            }
            _ => self.prefixed(
                fid,
                Failure::runtime(format!("The {name} field has value {} which is not a valid {kind}", to_compact(v))),
            ),
        }
    }

    pub(super) fn spawn_iteration(&mut self, parent: FrameId, index: usize, input: Rc<Value>) -> FrameId {
        let (processor, distributed) = match &self.state(parent).kind {
            Kind::Map(m) => (m.processor.clone(), m.distributed),
            _ => unreachable!("iterations belong to Map states"),
        };
        let vars = Vars::child(&self.frames[parent].vars);
        let last = self.frames[parent].last_event;
        let child = self.new_frame(processor, Some((parent, index)), vars, input, last);
        // MapIterationStarted is written when the iteration actually starts running.
        self.frames[child].iteration_pending = !distributed;
        child
    }

    pub(super) fn children_done(&mut self, fid: FrameId) {
        let block = std::mem::replace(&mut self.frames[fid].block, Block::None);
        let Block::Children(group) = block else { return };
        let mut results: Vec<Value> =
            group.results.into_iter().map(|r| r.map(Rc::unwrap_or_clone).unwrap_or(Value::Null)).collect();
        if let Kind::Map(m) = &self.state(fid).kind {
            if m.flatten_results {
                results = results
                    .into_iter()
                    .flat_map(|r| match r {
                        Value::Array(a) => a,
                        other => vec![other],
                    })
                    .collect();
            }
        }
        if group.is_map {
            if group.distributed {
                self.emit(fid, "MapRunSucceeded", None);
            }
            self.emit(fid, "MapStateSucceeded", None);
        } else {
            self.emit(fid, "ParallelStateSucceeded", None);
        }
        if self.is_done() {
            return;
        }
        let machine = self.frames[fid].machine.clone();
        let state = &machine.states[self.frames[fid].state];
        if self.finish_with_result(fid, state, Rc::new(Value::Array(results))) == Flow::Next {
            self.run(fid);
        }
    }

    /// The output (and assignments) of a state whose error a catcher caught.
    pub(super) fn catch_output(
        &mut self,
        fid: FrameId,
        state: &State,
        c: &Catcher,
        raw: Rc<Value>,
        error_output: Value,
    ) -> Result<(Rc<Value>, Option<Value>), Failure> {
        let error_output = Rc::new(error_output);
        match &state.io {
            Io::JsonPath { .. } => {
                self.record(fid, "Error", &error_output);
                let assigned = self.eval_assign(fid, c.assign.as_ref(), &raw, &error_output, Extra::None)?;
                let out = self.result_path(fid, &c.result_path, &raw, error_output.clone())?;
                self.record(fid, "ResultPath", &out);
                self.apply_assign(fid, &assigned);
                Ok((out, assigned))
            }
            Io::Jsonata { .. } => {
                let assigned =
                    self.eval_assign(fid, c.assign.as_ref(), &raw, &raw, Extra::ErrorOutput(&error_output))?;
                let out = match &c.output {
                    Some(t) => self.eval_jt(fid, t, &raw, Extra::ErrorOutput(&error_output), "Output", None)?,
                    None => error_output.clone(),
                };
                self.apply_assign(fid, &assigned);
                Ok((out, assigned))
            }
        }
    }
}

/// A task token: opaque, unique within the execution, the same for the same run.
fn task_token(execution: &str, id: u64) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in execution.bytes().chain(id.to_le_bytes()) {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    format!("AQB{h:016x}{id:08x}")
}

/// A number, or a string holding one (AWS accepts `"3"` for a ...Path count).
fn as_number(v: &Value, int: bool) -> Option<f64> {
    v.as_f64().or_else(|| {
        v.as_str()
            .and_then(|s| if int { s.parse::<i64>().ok().map(|n| n as f64) } else { crate::value::num::parse_f64(s) })
    })
}

/// Milliseconds since the epoch, rounded toward zero.
fn timestamp_ms(s: &str) -> Option<i64> {
    let (secs, nanos) = crate::support::time::parse_timestamp(s)?;
    let ms = secs * 1000 + i64::from(nanos / 1_000_000);
    Some(if secs < 0 && nanos % 1_000_000 != 0 { ms + 1 } else { ms })
}

fn lookup(scope: &mut PathScope, r: &Reference) -> Option<Value> {
    let base = match &r.root {
        crate::dataflow::jsonpath::Root::Input => scope.input(),
        crate::dataflow::jsonpath::Root::Context => scope.context(),
        crate::dataflow::jsonpath::Root::Variable(n) => scope.variable(n)?,
    };
    r.path.select(base)
}

fn operand_bool(o: &Operand) -> bool {
    matches!(o, Operand::Value(Value::Bool(true)))
}

/// One comparison of a Choice rule, with AWS's type rules: a value of the wrong type never matches.
fn compare(op: Comparison, value: &Value, expected: &Value) -> bool {
    use std::cmp::Ordering::*;
    use Comparison::*;
    let ord = |o: Option<std::cmp::Ordering>, want: &[std::cmp::Ordering]| o.is_some_and(|o| want.contains(&o));
    match op {
        IsNull => (value.is_null()) == (expected == &Value::Bool(true)),
        IsPresent => true,
        IsNumeric => value.is_number() == (expected == &Value::Bool(true)),
        IsString => value.is_string() == (expected == &Value::Bool(true)),
        IsBoolean => value.is_boolean() == (expected == &Value::Bool(true)),
        IsTimestamp => {
            value.as_str().is_some_and(|s| crate::support::time::parse_timestamp(s).is_some())
                == (expected == &Value::Bool(true))
        }
        BooleanEquals => value.is_boolean() && value == expected,
        StringMatches => match (value.as_str(), expected.as_str()) {
            (Some(v), Some(p)) => string_matches(v, p),
            _ => false,
        },
        StringEquals | StringLessThan | StringGreaterThan | StringLessThanEquals | StringGreaterThanEquals => {
            let o = match (value.as_str(), expected.as_str()) {
                (Some(a), Some(b)) => Some(a.cmp(b)),
                _ => None,
            };
            match op {
                StringEquals => ord(o, &[Equal]),
                StringLessThan => ord(o, &[Less]),
                StringGreaterThan => ord(o, &[Greater]),
                StringLessThanEquals => ord(o, &[Less, Equal]),
                _ => ord(o, &[Greater, Equal]),
            }
        }
        NumericEquals | NumericLessThan | NumericGreaterThan | NumericLessThanEquals | NumericGreaterThanEquals => {
            let o = match (value.as_f64(), expected.as_f64()) {
                (Some(a), Some(b)) if value.is_number() && expected.is_number() => a.partial_cmp(&b),
                _ => None,
            };
            match op {
                NumericEquals => ord(o, &[Equal]),
                NumericLessThan => ord(o, &[Less]),
                NumericGreaterThan => ord(o, &[Greater]),
                NumericLessThanEquals => ord(o, &[Less, Equal]),
                _ => ord(o, &[Greater, Equal]),
            }
        }
        TimestampEquals
        | TimestampLessThan
        | TimestampGreaterThan
        | TimestampLessThanEquals
        | TimestampGreaterThanEquals => {
            let t = |v: &Value| v.as_str().and_then(crate::support::time::parse_timestamp);
            let o = match (t(value), t(expected)) {
                (Some(a), Some(b)) => Some(a.cmp(&b)),
                _ => None,
            };
            match op {
                TimestampEquals => ord(o, &[Equal]),
                TimestampLessThan => ord(o, &[Less]),
                TimestampGreaterThan => ord(o, &[Greater]),
                TimestampLessThanEquals => ord(o, &[Less, Equal]),
                _ => ord(o, &[Greater, Equal]),
            }
        }
    }
}

/// `StringMatches`: `*` matches any run of characters; `\*` and `\\` are literal.
fn string_matches(value: &str, pattern: &str) -> bool {
    enum Tok {
        Lit(char),
        Star,
    }
    let mut toks = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n) => toks.push(Tok::Lit(n)),
                None => toks.push(Tok::Lit('\\')),
            },
            '*' => toks.push(Tok::Star),
            c => toks.push(Tok::Lit(c)),
        }
    }
    let v: Vec<char> = value.chars().collect();
    // Iterative wildcard matching with backtracking to the last star.
    let (mut i, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < v.len() {
        match toks.get(t) {
            Some(Tok::Lit(c)) if *c == v[i] => {
                i += 1;
                t += 1;
            }
            Some(Tok::Star) => {
                star = Some((t, i));
                t += 1;
            }
            _ => match star {
                Some((st, si)) => {
                    t = st + 1;
                    i = si + 1;
                    star = Some((st, si + 1));
                }
                None => return false,
            },
        }
    }
    toks[t..].iter().all(|t| matches!(t, Tok::Star))
}

#[cfg(test)]
mod tests {
    use super::string_matches;

    #[test]
    fn wildcards() {
        assert!(string_matches("log-2024.txt", "log-*.txt"));
        assert!(string_matches("abc", "*"));
        assert!(string_matches("a*c", "a\\*c"));
        assert!(!string_matches("abc", "a\\*c"));
        assert!(!string_matches("log.csv", "*.txt"));
        assert!(string_matches("", "*"));
    }
}
