//! JSONata in a state: `$states` and the variables as bindings, time and randomness from the
//! execution, and AWS's texts for an expression that fails.

use crate::asl::JTemplate;
use crate::dataflow::runtime_errors::{query, Args, Fault};
use crate::dataflow::scope::Vars;
use crate::jsonata;
use crate::support::rng::Rng;
use crate::value::{Map, Value};

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
    fn steps_left(&self) -> u64 {
        self.rng.steps_left()
    }
    fn spent(&mut self, steps: u64) {
        self.rng.spend(steps)
    }
}

/// The evaluation depth of a state's expressions: the wasm build evaluates them in a Web
/// Worker, whose JS stack holds about 940 depth units on the costliest path measured in
/// Chromium, and about 480 once V8 has optimised the evaluator in a Node worker of 0.5 MB
/// (see `jsonata`'s module documentation); natively 300 units take about 400 KB. The CLI
/// and wasm builds use the same, so that they give the same answers.
pub const MAX_DEPTH: usize = 300;

/// What building the bindings of one evaluation costs in JSONata steps, besides a step per
/// variable: `$states` (its input, context and result) and its context object.
pub const SETUP_STEPS: u64 = 16;

/// Evaluates JSONata templates for one state: `$states` and the variables as bindings.
pub struct Jsonata<'a> {
    pub bindings: Map,
    pub now: i64,
    pub rng: &'a Rng,
}

/// A JSONata evaluation failure, before the state prefix is added to its cause.
#[derive(Debug)]
pub struct QueryError {
    pub location: String,
    pub detail: String,
}

impl<'a> Jsonata<'a> {
    /// The bindings of a state's expressions (`$states` and the variables in scope), built
    /// for each evaluation (a Map's `ItemSelector`: for each item): charged to the execution's
    /// step budget, [`SETUP_STEPS`] and a step per variable, as the evaluator charges work of
    /// that size (about 2.5 µs natively).
    pub fn new(vars: &Vars, states: Value, now: i64, rng: &'a Rng) -> Self {
        let mut bindings = Map::new();
        vars.flatten_into(&mut bindings);
        rng.spend(SETUP_STEPS + bindings.len() as u64);
        bindings.insert("states".into(), states);
        Jsonata { bindings, now, rng }
    }

    /// Evaluate one expression; `None` is JSONata's undefined.
    pub fn expr(&self, source: &str, expr: &jsonata::Expr, location: &str) -> Result<Option<Value>, QueryError> {
        let mut host = Host { now: self.now, rng: self.rng };
        let opts = jsonata::Options { asl_functions: true, max_depth: MAX_DEPTH, ..Default::default() };
        let input = self.bindings.get("states").and_then(|s| s.get("input"));
        expr.evaluate(input, &self.bindings, &mut host, &opts).map_err(|e| {
            let a = Args { field: location, source, ..Args::default() };
            if e.code == jsonata::FUNCTION_RESULT {
                query(Fault::Function, &a)
            } else {
                query(Fault::Threw, &Args { detail: &format!("{}: {}", e.code, e.message), ..a })
            }
        })
    }

    /// Evaluate a template; an expression that yields undefined is an error.
    pub fn template(&self, t: &JTemplate, location: &str) -> Result<Value, QueryError> {
        match t {
            JTemplate::Literal(v) => Ok(v.clone()),
            JTemplate::Expr { source, expr } => match self.expr(source, expr, location)? {
                Some(v) => Ok(v),
                None => Err(query(Fault::Undefined, &Args { field: location, source, ..Args::default() })),
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
                Ok(Value::Array(out.into()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn building_the_bindings_is_charged_to_the_execution() {
        let rng = Rng::new(1);
        let mut vars = Vars::default();
        for k in ["a", "b", "c"] {
            vars.local.insert(k.into(), Value::Null);
        }
        let before = rng.steps_left();
        let j = Jsonata::new(&vars, Value::Null, 0, &rng);
        assert_eq!(before - rng.steps_left(), SETUP_STEPS + 3);
        assert_eq!(j.bindings.len(), 4);
    }
}
