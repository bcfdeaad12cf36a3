//! Mocked Task responses: the Step Functions Local mock configuration file (with the
//! `LatencySeconds` extension) and a short form keyed by state name for hand-written mocks.
//!
//! Short form: `{"StateName": ENTRY | [ENTRY, ...]}` where ENTRY is
//! `{"Return": value}` or `{"result": value}`, or `{"Throw": {"Error", "Cause"}}` or
//! `{"error": "...", "cause": "..."}`, with an optional latency: `"LatencySeconds"` or
//! `"latency"`, a number of seconds or a `[min, max]` range drawn from the seeded source.
//! A list gives successive invocations; the last entry repeats.
//!
//! Either form may have a top-level `Files` section, the workspace of files
//! (`crate::files::Files::from_value`), which is not a state's mocks.

use crate::error::Failure;
use crate::exec::{Rng, TaskRequest};
use crate::value::Value;
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq)]
pub enum Latency {
    Fixed(f64),
    Range(f64, f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub outcome: Result<Value, Failure>,
    pub latency: Latency,
}

/// Which responses answer a state's invocations: (first, last) invocation index → response.
#[derive(Debug, Default)]
struct Plan {
    entries: Vec<(u32, u32, Response)>,
    repeat_last: bool,
}

/// Mock responses for one execution, with one invocation counter per state. The responses
/// are shared: a clone (for the next execution) copies only the counters.
#[derive(Debug, Clone, Default)]
pub struct Mocks {
    config: Rc<Config>,
    /// Invocations so far, by the place of the state's plan (empty before the first).
    invocations: Vec<u32>,
}

#[derive(Debug, Default)]
struct Config {
    /// By state name (a handful, so a list).
    plans: Vec<(String, Plan)>,
    test_case: Option<String>,
}

/// What the host does with one Task invocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    pub latency_ms: i64,
    pub outcome: Result<Value, Failure>,
}

/// What is wrong with a mock configuration, and where: a JSON Pointer into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockError {
    pub pointer: String,
    pub message: String,
}

impl std::fmt::Display for MockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if !self.pointer.is_empty() {
            write!(f, " (at {})", self.pointer)?;
        }
        Ok(())
    }
}

fn at(pointer: String, message: impl Into<String>) -> MockError {
    MockError { pointer, message: message.into() }
}

/// `/a/b`: the pointer of key `k` below `base` (`base` itself when `k` is "").
fn ptr(base: &str, k: &str) -> String {
    if k.is_empty() {
        return base.to_string();
    }
    format!("{base}/{}", crate::value::read::escape_token(k))
}

impl Mocks {
    pub fn empty() -> Mocks {
        Mocks::default()
    }

    /// Read a mock file: the Step Functions Local format when it has `MockedResponses`, else
    /// the short form. `test_case` picks the Step Functions Local test case.
    pub fn from_value(v: &Value, test_case: Option<&str>) -> Result<Mocks, MockError> {
        let Some(obj) = v.as_object() else {
            return Err(at(String::new(), "the mock configuration must be a JSON object"));
        };
        if obj.contains_key("MockedResponses") || obj.contains_key("StateMachines") {
            return Mocks::step_functions_local(obj, test_case);
        }
        let mut plans = Vec::new();
        for (state, spec) in obj {
            // The workspace of files the run reads and writes (see `crate::files`), not a state.
            if state == "Files" {
                continue;
            }
            let (list, listed): (&[Value], bool) = match spec {
                Value::Array(items) => (items, true),
                other => (std::slice::from_ref(other), false),
            };
            if list.is_empty() {
                return Err(at(ptr("", state), format!("mocks for state '{state}': the list of responses is empty")));
            }
            let mut entries = Vec::new();
            for (i, e) in list.iter().enumerate() {
                let r = response(e).map_err(|(field, m)| {
                    let mut p = ptr("", state);
                    if listed {
                        p = format!("{p}/{i}");
                    }
                    at(ptr(&p, field), format!("mocks for state '{state}', response {i}: {m}"))
                })?;
                entries.push((i as u32, i as u32, r));
            }
            plans.push((state.to_string(), Plan { entries, repeat_last: true }));
        }
        Ok(Mocks::new(Config { plans, test_case: None }))
    }

    fn step_functions_local(obj: &crate::value::Map, test_case: Option<&str>) -> Result<Mocks, MockError> {
        let object = |key: &str| {
            obj.get(key)
                .and_then(Value::as_object)
                .ok_or_else(|| at(format!("/{key}"), format!("the mock configuration has no '{key}' object")))
        };
        let (responses, machines) = (object("MockedResponses")?, object("StateMachines")?);
        let mut cases = Vec::new();
        for (m, machine) in machines {
            if let Some(tc) = machine.get("TestCases").and_then(Value::as_object) {
                for (name, states) in tc {
                    cases.push((name.clone(), states, m));
                }
            }
        }
        let no_case = |m: String| at("/StateMachines".into(), m);
        let (case_name, states, machine) = match test_case {
            Some(t) => cases
                .into_iter()
                .find(|(n, _, _)| n == t)
                .ok_or_else(|| no_case(format!("the mock configuration has no test case '{t}'")))?,
            None if cases.len() == 1 => cases.pop().expect("one case"),
            None => {
                return Err(no_case("the mock configuration has several test cases: pick one with --test-case".into()))
            }
        };
        let case_ptr = || ptr(&ptr(&ptr("/StateMachines", machine), "TestCases"), &case_name);
        let states = states.as_object().ok_or_else(|| {
            at(case_ptr(), format!("test case '{case_name}' must map state names to mocked response names"))
        })?;
        let mut plans = Vec::new();
        for (state, resp_name) in states {
            let in_case =
                |m: String| at(ptr(&case_ptr(), state), format!("test case '{case_name}', state '{state}': {m}"));
            let resp_name = resp_name.as_str().ok_or_else(|| in_case("the response name must be a string".into()))?;
            let resp = responses
                .get(resp_name)
                .and_then(Value::as_object)
                .ok_or_else(|| in_case(format!("no mocked response '{resp_name}'")))?;
            let mut entries = Vec::new();
            for (range, e) in resp {
                let bad = |field: &str, m: String| {
                    let p = ptr(&ptr(&ptr("/MockedResponses", resp_name), range), field);
                    at(p, format!("mocked response '{resp_name}', invocation {range}: {m}"))
                };
                let (lo, hi) = parse_range(range)
                    .ok_or_else(|| bad("", "not an invocation index or range such as \"0\" or \"1-2\"".into()))?;
                let r = response(e).map_err(|(field, m)| bad(field, m.into()))?;
                entries.push((lo, hi, r));
            }
            // By first invocation, stably (an insertion sort: the lists are short).
            for i in 1..entries.len() {
                let mut j = i;
                while j > 0 && entries[j - 1].0 > entries[j].0 {
                    entries.swap(j - 1, j);
                    j -= 1;
                }
            }
            plans.push((state.to_string(), Plan { entries, repeat_last: false }));
        }
        Ok(Mocks::new(Config { plans, test_case: Some(case_name.to_string()) }))
    }

    fn new(config: Config) -> Mocks {
        Mocks { config: Rc::new(config), invocations: Vec::new() }
    }

    /// The same responses with no invocations counted: a child execution's mocks.
    pub fn fresh(&self) -> Mocks {
        Mocks { config: self.config.clone(), invocations: Vec::new() }
    }

    /// Whether a response is planned for `state`: its own, or (short form) the `"*"` entry
    /// that answers every Task it does not name.
    pub fn has(&self, state: &str) -> bool {
        self.plan_of(state).is_some()
    }

    /// Whether `state` has responses of its own (not the `"*"` entry's).
    pub fn names(&self, state: &str) -> bool {
        self.config.plans.iter().any(|(s, _)| s == state)
    }

    fn plan_of(&self, state: &str) -> Option<usize> {
        let plans = &self.config.plans;
        plans.iter().position(|(s, _)| s == state).or_else(|| match self.config.test_case {
            None => plans.iter().position(|(s, _)| s == "*"),
            Some(_) => None,
        })
    }

    /// The Task states of `machine` (at every depth) that no response is planned for, each
    /// with its JSON Pointer in the definition.
    pub fn missing<'m>(&self, machine: &'m crate::asl::Machine) -> Vec<&'m crate::asl::State> {
        let mut out = Vec::new();
        let mut todo = vec![machine];
        while let Some(m) = todo.pop() {
            for s in &m.states {
                match &s.kind {
                    crate::asl::Kind::Task(_) if !self.has(&s.name) => out.push(s),
                    crate::asl::Kind::Parallel(branches) => todo.extend(branches.iter().map(|b| &**b)),
                    crate::asl::Kind::Map(map) => todo.push(&map.processor),
                    _ => {}
                }
            }
        }
        out.sort_by(|a, b| a.pointer.cmp(&b.pointer));
        out
    }

    /// The response to the next invocation of `req.state`, or why there is none.
    pub fn resolve(&mut self, req: &TaskRequest, rng: &Rng) -> Result<Resolution, String> {
        let Some(at) = self.plan_of(&req.state) else {
            return Err(match &self.config.test_case {
                Some(tc) => format!("Task state '{}' has no mocked response in test case '{tc}'", req.state),
                None => format!("Task state '{}' has no mocked response", req.state),
            });
        };
        let plan = &self.config.plans[at].1;
        if self.invocations.is_empty() {
            self.invocations = vec![0; self.config.plans.len()];
        }
        let index = self.invocations[at];
        self.invocations[at] += 1;
        let found = plan.entries.iter().find(|(lo, hi, _)| (*lo..=*hi).contains(&index)).or_else(|| {
            if plan.repeat_last {
                plan.entries.last()
            } else {
                None
            }
        });
        let Some((_, _, r)) = found else {
            return Err(format!("Task state '{}' has no mocked response for invocation {index}", req.state));
        };
        let seconds = match r.latency {
            Latency::Fixed(s) => s,
            Latency::Range(a, b) => a + (b - a) * rng.next_f64(),
        };
        Ok(Resolution { latency_ms: (seconds * 1000.0).round() as i64, outcome: r.outcome.clone() })
    }
}

fn parse_range(s: &str) -> Option<(u32, u32)> {
    match s.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (a <= b).then_some((a, b))
        }
        None => s.trim().parse().ok().map(|n| (n, n)),
    }
}

/// One response; an error names the field at fault ("" for the response itself).
fn response(e: &Value) -> Result<Response, (&'static str, &'static str)> {
    let obj = e.as_object().ok_or(("", "a response must be an object"))?;
    let field = if obj.contains_key("LatencySeconds") { "LatencySeconds" } else { "latency" };
    let latency = match obj.get(field) {
        None => Latency::Fixed(0.0),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(s) if s >= 0.0 && s.is_finite() => Latency::Fixed(s),
            _ => return Err((field, "the latency must be a non-negative number of seconds")),
        },
        Some(Value::Array(r)) if r.len() == 2 => match (r[0].as_f64(), r[1].as_f64()) {
            (Some(a), Some(b)) if 0.0 <= a && a <= b => Latency::Range(a, b),
            _ => return Err((field, "a latency range must be [min, max] seconds with 0 <= min <= max")),
        },
        Some(_) => return Err((field, "the latency must be seconds, or a [min, max] range")),
    };
    let text = |v: Option<&Value>| match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.to_string()),
        Some(other) => Some(other.to_string()),
    };
    let outcome = if let Some(v) = obj.get("Return").or_else(|| obj.get("result")) {
        Ok(v.clone())
    } else if let Some(t) = obj.get("Throw") {
        let t = t.as_object().ok_or(("Throw", "'Throw' must be an object with 'Error' and 'Cause'"))?;
        Err(Failure::reported(text(t.get("Error")), text(t.get("Cause"))))
    } else if obj.contains_key("error") {
        Err(Failure::reported(text(obj.get("error")), text(obj.get("cause"))))
    } else {
        return Err(("", "a response needs 'Return' (or 'result'), or 'Throw' (or 'error')"));
    };
    Ok(Response { outcome, latency })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn req(state: &str) -> TaskRequest {
        TaskRequest {
            id: 1,
            state: state.into(),
            resource: "".into(),
            input: std::rc::Rc::new(Value::Null),
            attempt: 0,
            lane: 0,
            token: None,
        }
    }

    #[test]
    fn step_functions_local_ranges_and_counters() {
        let cfg = json!({
            "StateMachines": {"M": {"TestCases": {"Happy": {"A": "R"}}}},
            "MockedResponses": {"R": {"0": {"Throw": {"Error": "E", "Cause": "c"}}, "1-2": {"Return": 7, "LatencySeconds": 1.5}}}
        });
        let mut m = Mocks::from_value(&cfg, Some("Happy")).unwrap();
        let rng = Rng::new(0);
        assert_eq!(m.resolve(&req("A"), &rng).unwrap().outcome, Err(Failure::new("E", "c")));
        let r = m.resolve(&req("A"), &rng).unwrap();
        assert_eq!((r.latency_ms, r.outcome), (1500, Ok(json!(7))));
        assert!(m.resolve(&req("A"), &rng).is_ok());
        assert!(m.resolve(&req("A"), &rng).unwrap_err().contains("invocation 3"));
        assert!(m.resolve(&req("B"), &rng).unwrap_err().contains("'B'"));
        assert!(Mocks::from_value(&cfg, Some("Nope")).is_err());
    }

    #[test]
    fn short_form_repeats_last_and_draws_ranges() {
        let cfg = json!({"A": [{"error": "Flaky"}, {"result": {"ok": true}, "latency": [1, 2]}]});
        let mut m = Mocks::from_value(&cfg, None).unwrap();
        let rng = Rng::new(42);
        assert!(m.resolve(&req("A"), &rng).unwrap().outcome.is_err());
        for _ in 0..5 {
            let r = m.resolve(&req("A"), &rng).unwrap();
            assert!((1000..=2000).contains(&r.latency_ms));
            assert_eq!(r.outcome, Ok(json!({"ok": true})));
        }
        assert!(Mocks::from_value(&json!({"A": {"latency": 1}}), None).is_err());
    }
}
