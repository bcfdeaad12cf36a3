//! JSONata evaluator: interface placeholder until the evaluator lands (see branch `jsonata`).

use serde_json::{Map, Value};

#[derive(Debug, Clone)]
pub struct Error {
    pub code: String,
    pub message: String,
    pub position: Option<usize>,
}

#[derive(Debug)]
pub struct Expr {
    _source: String,
}

pub fn parse(src: &str) -> Result<Expr, Error> {
    Ok(Expr { _source: src.to_string() })
}

pub trait Host {
    fn now_millis(&self) -> f64;
    fn random(&mut self) -> f64;
}

#[derive(Debug, Clone)]
pub struct Options {
    pub asl_functions: bool,
    pub max_depth: usize,
    pub max_steps: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options { asl_functions: false, max_depth: 500, max_steps: 1_000_000 }
    }
}

impl Expr {
    pub fn evaluate(&self, _input: Option<&Value>, _bindings: &Map<String, Value>, _host: &mut dyn Host, _opts: &Options) -> Result<Option<Value>, Error> {
        Err(Error { code: "S0000".into(), message: "JSONata is not available yet".into(), position: None })
    }
}
