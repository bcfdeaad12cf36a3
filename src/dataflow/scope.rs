//! What expressions see: the [`Scope`] of JSONPath paths, templates and intrinsics, the
//! workflow variables, the context object (`$$`), and the path failures AWS reports.

use crate::dataflow::jsonpath::{Reference, Root};
use crate::dataflow::runtime_errors::{failure, Args, Fault, Field};
use crate::error::Failure;
use crate::json;
use crate::support::rng::Rng;
use crate::value::{Map, Value};
use std::cell::OnceCell;
use std::rc::Rc;

/// What a payload template or intrinsic function can see while it is evaluated.
pub trait Scope {
    /// `$`: the state's effective input (or, for ResultSelector, the raw result).
    fn input(&self) -> &Value;
    /// `$$`: the context object.
    fn context(&self) -> &Value;
    /// `$name`: a workflow variable, `None` when it is not defined.
    fn variable(&self, name: &str) -> Option<&Value>;
    /// A uniformly distributed number in `[0, 1)` (States.UUID, States.MathRandom).
    fn random(&mut self) -> f64;
}

/// Compact JSON text of a value, as AWS prints inputs in causes.
pub fn compact(v: &Value) -> String {
    crate::value::to_string(v)
}

/// The value a reference starts from: `$`, `$$` or a variable (`None` when it is not defined).
fn base<'a>(scope: &'a dyn Scope, r: &Reference) -> Option<&'a Value> {
    match &r.root {
        Root::Input => Some(scope.input()),
        Root::Context => Some(scope.context()),
        Root::Variable(name) => scope.variable(name),
    }
}

fn undefined_variable(r: &Reference) -> &str {
    match &r.root {
        Root::Variable(name) => name,
        _ => "",
    }
}

/// Resolves a reference path in `scope` as a `.$` field (`field`: its key as written) does,
/// failing with the causes of [`Field::Dynamic`].
pub fn resolve(scope: &dyn Scope, r: &Reference, field: &str) -> Result<Value, Failure> {
    let Some(base) = base(scope, r) else {
        let a = Args { field, path: &r.text(), name: undefined_variable(r), ..Args::default() };
        return Err(failure(Field::Dynamic, Fault::UndefinedVariable, &a));
    };
    match r.path.select(base) {
        Some(v) => Ok(v),
        None => {
            let a = Args { field, path: &r.display_path(), value: &compact(base), ..Args::default() };
            Err(failure(Field::Dynamic, Fault::Missing, &a))
        }
    }
}

/// Selects a reference path the way InputPath, OutputPath and the `...Path` fields do,
/// failing with the causes of [`Field::Path`] (`Invalid path '<path>' : <Jayway message>`).
pub fn select_reference(scope: &dyn Scope, r: &Reference) -> Result<Value, Failure> {
    let Some(base) = base(scope, r) else {
        let a = Args { path: &r.text(), name: undefined_variable(r), ..Args::default() };
        return Err(failure(Field::Path, Fault::UndefinedVariable, &a));
    };
    r.path.evaluate(base).map_err(|m| {
        failure(Field::Path, Fault::Missing, &Args { path: &r.display_path(), detail: &m, ..Args::default() })
    })
}

/// Workflow variables: the ones a frame assigned, over the ones of the scope it runs in
/// (a Parallel branch or Map iteration sees the variables of the state that started it).
#[derive(Debug, Default, Clone)]
pub struct Vars {
    pub local: Map,
    pub outer: Option<Rc<Vars>>,
}

impl Vars {
    pub fn child(parent: &Rc<Vars>) -> Rc<Vars> {
        Rc::new(Vars { local: Map::new(), outer: Some(parent.clone()) })
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        match self.local.get(name) {
            Some(v) => Some(v),
            None => self.outer.as_ref().and_then(|o| o.get(name)),
        }
    }

    /// Every visible variable, inner ones over outer ones.
    pub fn flatten_into(&self, out: &mut Map) {
        if let Some(o) = &self.outer {
            o.flatten_into(out);
        }
        for (k, v) in &self.local {
            out.insert(k.clone(), v.clone());
        }
    }
}

/// What the context object (`$$`) of a state is made of.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub execution_id: &'a str,
    pub execution_name: &'a str,
    pub execution_input: &'a Value,
    pub start_time: i64,
    pub role_arn: &'a str,
    pub state_machine_id: &'a str,
    pub state_machine_name: &'a str,
    pub state_name: &'a str,
    pub entered_time: i64,
    /// `$$.State.RetryCount`, which AWS gives Task states only.
    pub retry_count: Option<u32>,
    pub task_token: Option<&'a str>,
    /// A redriven execution's `$$.Execution.RedriveCount` and `RedriveTime` (ms).
    #[cfg(feature = "extras")]
    pub redrive: Option<(u32, i64)>,
}

impl Context<'_> {
    /// The context object; `map_item` (index, value, source) for an ItemSelector's
    /// `$$.Map.Item`. The source is `STATE_DATA` for items from the state's input, else the
    /// S3 URI they were read from.
    pub fn build(&self, map_item: Option<(usize, &Value, &Value)>) -> Value {
        let mut ctx = json!({
            "Execution": {
                "Id": self.execution_id,
                "Input": self.execution_input,
                "Name": self.execution_name,
                "RoleArn": self.role_arn,
                "StartTime": crate::support::time::format_millis(self.start_time),
                "RedriveCount": 0,
            },
            "State": {
                "EnteredTime": crate::support::time::format_millis(self.entered_time),
                "Name": self.state_name,
            },
            "StateMachine": { "Id": self.state_machine_id, "Name": self.state_machine_name },
        });
        #[cfg(feature = "extras")]
        if let Some((count, at)) = self.redrive {
            ctx["Execution"]["RedriveCount"] = json!(count);
            ctx["Execution"]["RedriveTime"] = json!(crate::support::time::format_millis(at));
        }
        if let Some(n) = self.retry_count {
            ctx["State"]["RetryCount"] = json!(n);
        }
        if let Some(token) = self.task_token {
            ctx["Task"] = json!({ "Token": token });
        }
        if let Some((index, value, source)) = map_item {
            ctx["Map"] = json!({ "Item": { "Index": index, "Value": value, "Source": source } });
        }
        ctx
    }
}

/// The scope a JSONPath payload template or reference is evaluated in.
pub struct PathScope<'a> {
    pub input: &'a Value,
    pub vars: &'a Vars,
    /// Builds the context object, the first time a path reads `$$`.
    pub context: &'a dyn Fn() -> Value,
    pub built: OnceCell<Value>,
    pub rng: &'a Rng,
}

impl<'a> PathScope<'a> {
    pub fn new(input: &'a Value, vars: &'a Vars, context: &'a dyn Fn() -> Value, rng: &'a Rng) -> Self {
        PathScope { input, vars, context, built: OnceCell::new(), rng }
    }
}

impl Scope for PathScope<'_> {
    fn input(&self) -> &Value {
        self.input
    }
    fn context(&self) -> &Value {
        self.built.get_or_init(self.context)
    }
    fn variable(&self, name: &str) -> Option<&Value> {
        self.vars.get(name)
    }
    fn random(&mut self) -> f64 {
        self.rng.next_f64()
    }
}

/// A simple [`Scope`] over owned values, with a deterministic generator for `random`.
/// The "An error occurred while executing the state ..." prefix AWS puts before runtime causes.
pub fn state_cause(state: &str, entered_event: u64, detail: &str) -> String {
    format!(
        "An error occurred while executing the state '{state}' (entered at the event id #{entered_event}). {detail}"
    )
}

pub fn runtime(state: &str, entered_event: u64, f: Failure) -> Failure {
    Failure::new(f.error, state_cause(state, entered_event, &f.cause))
}

#[derive(Debug, Clone)]
pub struct SimpleScope {
    pub input: Value,
    pub context: Value,
    pub variables: Map,
    pub seed: u64,
}

impl SimpleScope {
    pub fn new(input: Value, context: Value) -> SimpleScope {
        SimpleScope { input, context, variables: Map::new(), seed: 0x9E37_79B9_7F4A_7C15 }
    }
}

impl Scope for SimpleScope {
    fn input(&self) -> &Value {
        &self.input
    }
    fn context(&self) -> &Value {
        &self.context
    }
    fn variable(&self, name: &str) -> Option<&Value> {
        self.variables.get(name)
    }
    fn random(&mut self) -> f64 {
        // splitmix64
        self.seed = self.seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}
