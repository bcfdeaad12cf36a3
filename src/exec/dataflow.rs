//! Data flow inside a state: variables, the context object, JSONPath scopes and JSONata
//! templates.

use super::Rng;
use crate::asl::JTemplate;
use crate::error::Failure;
use crate::json;
use crate::jsonata;
use crate::payload::Scope;
use crate::value::{Map, Value};
use std::cell::OnceCell;
use std::rc::Rc;

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
    pub map_item: Option<(usize, &'a Value)>,
    pub task_token: Option<&'a str>,
}

impl Context<'_> {
    pub fn build(&self) -> Value {
        let mut ctx = json!({
            "Execution": {
                "Id": self.execution_id,
                "Input": self.execution_input,
                "Name": self.execution_name,
                "RoleArn": self.role_arn,
                "StartTime": crate::time::format_millis(self.start_time),
                "RedriveCount": 0,
            },
            "State": {
                "EnteredTime": crate::time::format_millis(self.entered_time),
                "Name": self.state_name,
            },
            "StateMachine": { "Id": self.state_machine_id, "Name": self.state_machine_name },
        });
        if let Some(n) = self.retry_count {
            ctx["State"]["RetryCount"] = json!(n);
        }
        if let Some(token) = self.task_token {
            ctx["Task"] = json!({ "Token": token });
        }
        if let Some((index, value)) = self.map_item {
            ctx["Map"] = json!({ "Item": { "Index": index, "Value": value } });
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

struct Host<'a> {
    now: i64,
    rng: &'a Rng,
}

impl jsonata::Host for Host<'_> {
    fn now_millis(&self) -> f64 {
        self.now as f64
    }
    fn random(&mut self) -> f64 {
        self.rng.next_f64()
    }
}

/// Evaluates JSONata templates for one state: `$states` and the variables as bindings.
pub struct Jsonata<'a> {
    pub bindings: Map,
    pub now: i64,
    pub rng: &'a Rng,
}

/// A JSONata evaluation failure, before the state prefix is added to its cause.
pub struct QueryError {
    pub location: String,
    pub detail: String,
}

impl<'a> Jsonata<'a> {
    pub fn new(vars: &Vars, states: Value, now: i64, rng: &'a Rng) -> Self {
        let mut bindings = Map::new();
        vars.flatten_into(&mut bindings);
        bindings.insert("states".into(), states);
        Jsonata { bindings, now, rng }
    }

    /// Evaluate one expression; `None` is JSONata's undefined.
    pub fn expr(&self, source: &str, expr: &jsonata::Expr, location: &str) -> Result<Option<Value>, QueryError> {
        let mut host = Host { now: self.now, rng: self.rng };
        let opts = jsonata::Options { asl_functions: true, ..Default::default() };
        let input = self.bindings.get("states").and_then(|s| s.get("input"));
        expr.evaluate(input, &self.bindings, &mut host, &opts).map_err(|e| QueryError {
            location: location.to_string(),
            detail: if e.code == jsonata::FUNCTION_RESULT {
                format!("The JSONata expression '{source}' specified for the field '{location}' returned an unsupported result type.")
            } else {
                format!("The JSONata expression '{source}' specified for the field '{location}' threw an error during evaluation. {}: {}", e.code, e.message)
            },
        })
    }

    /// Evaluate a template; an expression that yields undefined is an error.
    pub fn template(&self, t: &JTemplate, location: &str) -> Result<Value, QueryError> {
        match t {
            JTemplate::Literal(v) => Ok(v.clone()),
            JTemplate::Expr { source, expr } => match self.expr(source, expr, location)? {
                Some(v) => Ok(v),
                None => Err(QueryError {
                    location: location.to_string(),
                    detail: format!("The JSONata expression '{source}' specified for the field '{location}' returned nothing (undefined)."),
                }),
            },
            JTemplate::Object(fields) => {
                let mut m = Map::new();
                for (k, v) in fields {
                    m.insert(k.clone(), self.template(v, &format!("{location}/{k}"))?);
                }
                Ok(Value::Object(m))
            }
            JTemplate::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, v) in items.iter().enumerate() {
                    out.push(self.template(v, &format!("{location}/{i}"))?);
                }
                Ok(Value::Array(out))
            }
        }
    }
}

pub use crate::intrinsics::type_name;

/// The "An error occurred while executing the state ..." prefix AWS puts before runtime causes.
pub fn state_cause(state: &str, entered_event: u64, detail: &str) -> String {
    format!(
        "An error occurred while executing the state '{state}' (entered at the event id #{entered_event}). {detail}"
    )
}

pub fn runtime(state: &str, entered_event: u64, f: Failure) -> Failure {
    Failure::new(f.error, state_cause(state, entered_event, &f.cause))
}
