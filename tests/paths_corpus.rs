//! Data-driven check of JSONPath, payload templates and intrinsic functions against
//! executions recorded on real AWS Step Functions.
//!
//! Every recorded case whose definition is a chain of JSONPath Pass states, and Task states
//! that ran once successfully, using only InputPath / Parameters / Result / ResultSelector /
//! ResultPath / OutputPath / Assign is replayed here (InputPath -> Parameters -> Result or
//! the recorded task result -> ResultSelector -> Assign -> ResultPath -> OutputPath). The
//! evaluated task parameters must match what AWS sent, and the output, or error and cause,
//! must match AWS's, using the conformance runner's placeholder-aware comparison, and the
//! output's key order must be AWS's too. The test is a ratchet: it fails when fewer cases pass than
//! `BASELINE`.
//!
//! The corpus lives outside the crate: `$STATELAB_CONFORMANCE` or `../shared/conformance`.

use statelab::dataflow::jsonpath::{set_path, Path, Reference};
use statelab::dataflow::scope::{select_reference, SimpleScope};
use statelab::dataflow::template::Template;
use statelab::json;
use statelab::value::{Map, Value};
use statelab::Failure;

mod common;
use common::{case_files, corpus_dir};

/// Cases that must keep passing (raise it when more pass, never lower it).
const BASELINE: usize = 198;

const PASS_FIELDS: &[&str] =
    &["Type", "Next", "End", "Comment", "InputPath", "Parameters", "Result", "ResultPath", "OutputPath", "Assign"];
/// Extra fields of the Task states replayed from their recorded invocation.
const TASK_FIELDS: &[&str] = &["Resource", "ResultSelector"];

// ------------------------------------------------------------------ placeholder-aware matching

const WORD_PLACEHOLDERS: &[&str] = &[
    "date",
    "timestamp",
    "datetime",
    "start-date",
    "stop-date",
    "RequestId",
    "X-Amzn-Trace-Id",
    "x-amz-crc32",
    "x-amzn-RequestId",
    "x-amzn-requestid",
    "<timestamp>",
];

/// Splits an expected string into literal parts and placeholders (`<token>`, `111111111111`,
/// `snf_role_arn`, `sfn_role_arn`); `None` marks a placeholder.
fn tokens(exp: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let chars: Vec<char> = exp.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '<' {
            let mut j = i + 1;
            while j < chars.len() && !matches!(chars[j], '<' | '>') && !chars[j].is_whitespace() {
                j += 1;
            }
            if j < chars.len() && chars[j] == '>' && j > i + 1 {
                out.push(Some(std::mem::take(&mut lit)));
                out.push(None);
                i = j + 1;
                continue;
            }
        }
        let rest: String = chars[i..].iter().collect();
        if let Some(w) = ["111111111111", "snf_role_arn", "sfn_role_arn"].iter().find(|w| rest.starts_with(**w)) {
            out.push(Some(std::mem::take(&mut lit)));
            out.push(None);
            i += w.chars().count();
            continue;
        }
        lit.push(chars[i]);
        i += 1;
    }
    out.push(Some(lit));
    out.into_iter().filter(|t| !matches!(t, Some(s) if s.is_empty())).collect()
}

/// Does `s` match the token list? Placeholders match one or more characters.
fn glob(toks: &[Option<String>], s: &str) -> bool {
    match toks.split_first() {
        None => s.is_empty(),
        Some((Some(lit), rest)) => s.strip_prefix(lit.as_str()).map(|r| glob(rest, r)).unwrap_or(false),
        Some((None, rest)) => {
            let idx: Vec<usize> = s.char_indices().map(|(i, _)| i).skip(1).chain(std::iter::once(s.len())).collect();
            idx.into_iter().any(|i| glob(rest, &s[i..]))
        }
    }
}

fn str_match(exp: &str, act: &Value) -> bool {
    if act.as_str() == Some(exp) {
        return true;
    }
    if WORD_PLACEHOLDERS.contains(&exp) {
        return !act.is_object() && !act.is_array();
    }
    let toks = tokens(exp);
    let has_placeholder = toks.iter().any(|t| t.is_none());
    match act {
        Value::String(s) => has_placeholder && glob(&toks, s),
        _ => toks.len() == 1 && has_placeholder,
    }
}

fn matches(exp: &Value, act: &Value) -> bool {
    match (exp, act) {
        (Value::String(e), a) => str_match(e, a),
        (Value::Object(e), Value::Object(a)) => {
            e.len() == a.len() && e.iter().all(|(k, v)| a.get(k).map(|w| matches(v, w)).unwrap_or(false))
        }
        (Value::Array(e), Value::Array(a)) => e.len() == a.len() && e.iter().zip(a).all(|(x, y)| matches(x, y)),
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => exp == act,
    }
}

/// As the runner does: strings holding a JSON object or array become that value.
fn parse_json_strings(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, parse_json_strings(v))).collect()),
        Value::Array(a) => Value::Array(a.into_iter().map(parse_json_strings).collect()),
        Value::String(s) => {
            let t = s.trim();
            if t.starts_with('{') || t.starts_with('[') {
                if let Ok(v) = statelab::value::read::parse(t) {
                    return parse_json_strings(v);
                }
            }
            Value::String(s)
        }
        other => other,
    }
}

/// Same key order at every level (values already known to match).
fn same_order(e: &Value, a: &Value) -> bool {
    match (e, a) {
        (Value::Object(x), Value::Object(y)) => {
            x.keys().eq(y.keys()) && x.iter().all(|(k, v)| y.get(k).map(|w| same_order(v, w)).unwrap_or(false))
        }
        (Value::Array(x), Value::Array(y)) => x.iter().zip(y).all(|(p, q)| same_order(p, q)),
        _ => true,
    }
}

// ------------------------------------------------------------------ Pass-chain interpreter

struct Outcome {
    output: Option<Value>,
    failure: Option<Failure>,
}

fn context(input: &Value, state: &str) -> Value {
    json!({
        "Execution": {
            "Id": "arn:aws:states:us-east-1:111111111111:execution:Machine-abc:exec-0001",
            "Input": input,
            "StartTime": "2024-01-01T00:00:00.000Z",
            "Name": "exec-0001",
            "RoleArn": "arn:aws:iam::111111111111:role/sfn_role_arn",
            "RedriveCount": 0
        },
        "StateMachine": {
            "Id": "arn:aws:states:us-east-1:111111111111:stateMachine:Machine-abc",
            "Name": "Machine-abc"
        },
        "State": {"Name": state, "EnteredTime": "2024-01-01T00:00:00.000Z"}
    })
}

fn path_field(state: &Map, key: &str) -> Result<Option<Option<Path>>, String> {
    match state.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) => Path::parse(s).map(|p| Some(Some(p))),
        Some(other) => Err(format!("{} is not a string: {}", key, other)),
    }
}

/// InputPath / OutputPath: reference paths (`$`, `$$`, `$var`), evaluated in a scope.
fn ref_field(state: &Map, key: &str) -> Result<Option<Option<Reference>>, String> {
    match state.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) => Reference::parse(s).map(|p| Some(Some(p))),
        Some(other) => Err(format!("{} is not a string: {}", key, other)),
    }
}

fn scope_of(input: &Value, ctx: &Value, vars: &Map) -> SimpleScope {
    let mut scope = SimpleScope::new(input.clone(), ctx.clone());
    scope.variables = vars.clone();
    scope
}

/// A recorded Task invocation: the raw result the service returned.
struct Invocation {
    result: Value,
}

fn run_state(
    state: &Map,
    input: Value,
    exec_input: &Value,
    name: &str,
    vars: &mut Map,
    task: Option<&Invocation>,
) -> Result<Value, Failure> {
    let bad = |m: String| Failure::new("Harness.Unsupported", m);
    let mut ctx = context(exec_input, name);
    if task.is_some() {
        ctx["Task"] = json!({"Token": "AQCEAAAAKgAAAAMAAAAAAAAAAY-task-token"});
    }
    // InputPath
    let effective = match ref_field(state, "InputPath").map_err(bad)? {
        None => input.clone(),
        Some(None) => json!({}),
        Some(Some(r)) => select_reference(&scope_of(&input, &ctx, vars), &r)?,
    };
    // Parameters
    let parameters = match state.get("Parameters") {
        Some(params) => {
            let t = Template::parse(params).map_err(|e| bad(format!("{:?}", e)))?;
            t.eval(&mut scope_of(&effective, &ctx, vars), "Parameters")?
        }
        None => effective.clone(),
    };
    // The state's result: Result (Pass), the recorded task result (Task), or the parameters.
    // (The recorded task parameters are anonymised differently from the inputs, so they are
    // not compared; the task's recorded result stands in for the service call.)
    let mut result = match task {
        Some(inv) => inv.result.clone(),
        None => state.get("Result").cloned().unwrap_or(parameters),
    };
    if let Some(sel) = state.get("ResultSelector") {
        let t = Template::parse(sel).map_err(|e| bad(format!("{:?}", e)))?;
        result = t.eval(&mut scope_of(&result, &ctx, vars), "ResultSelector")?;
    }
    // Assign sees the state's result as `$` and the variables as they were before the state.
    let mut assigned = None;
    if let Some(a) = state.get("Assign") {
        let t = Template::parse(a).map_err(|e| bad(format!("{:?}", e)))?;
        assigned = Some(t.eval(&mut scope_of(&result, &ctx, vars), "Assign")?);
    }
    // ResultPath
    let out = match path_field(state, "ResultPath").map_err(bad)? {
        None => result,
        Some(None) => input,
        Some(Some(p)) => set_path(input, &p, result)?,
    };
    // OutputPath
    let out = match ref_field(state, "OutputPath").map_err(bad)? {
        None => out,
        Some(None) => json!({}),
        Some(Some(r)) => select_reference(&scope_of(&out, &ctx, vars), &r)?,
    };
    if let Some(Value::Object(m)) = assigned {
        for (k, v) in m {
            vars.insert(k, v);
        }
    }
    Ok(out)
}

/// The recorded invocation of a Task state, when it ran once and succeeded.
fn invocation(case: &Value, state: &str) -> Option<Invocation> {
    let calls = case.get("mocks")?.get(state)?.as_array()?;
    if calls.len() != 1 {
        return None;
    }
    let res = calls[0].get("result")?;
    if !res.get("event")?.as_str()?.ends_with("Succeeded") {
        return None;
    }
    Some(Invocation { result: parse_json_strings(res.get("output").cloned().unwrap_or(Value::Null)) })
}

/// Event id at which the n-th entry into `state` happened, from the recorded history.
fn entered_event_id(case: &Value, state: &str, nth: usize) -> Option<i64> {
    case.get("expected_history")?
        .as_array()?
        .iter()
        .filter(|e| e.get("type").and_then(|t| t.as_str()).map(|t| t.ends_with("StateEntered")).unwrap_or(false))
        .filter(|e| e.pointer("/stateEnteredEventDetails/name").and_then(|n| n.as_str()) == Some(state))
        .nth(nth)?
        .get("id")?
        .as_i64()
}

fn run_chain(case: &Value, def: &Value, input: &Value) -> Option<Outcome> {
    if def.get("QueryLanguage").and_then(|q| q.as_str()) == Some("JSONata") {
        return None;
    }
    let states = def.get("States")?.as_object()?;
    let mut tasks = Map::new();
    for (name, s) in states {
        let s = s.as_object()?;
        let fields_ok = s.keys().all(|k| PASS_FIELDS.contains(&k.as_str()) || TASK_FIELDS.contains(&k.as_str()));
        if !fields_ok || s.get("QueryLanguage").is_some() {
            return None;
        }
        match s.get("Type")?.as_str()? {
            "Pass" if !s.contains_key("ResultSelector") && !s.contains_key("Resource") => {}
            "Task" if !s.contains_key("Result") => {
                invocation(case, name)?;
                tasks.insert(name.clone(), Value::Null);
            }
            _ => return None,
        }
    }
    let mut name = def.get("StartAt")?.as_str()?.to_string();
    let mut data = input.clone();
    let mut vars = Map::new();
    let mut event_id = 2;
    let mut visits: Map = Map::new();
    for _ in 0..1000 {
        let state = states.get(&name)?.as_object()?;
        let nth = visits.get(&name).and_then(|v| v.as_u64()).unwrap_or(0) as usize;
        visits.insert(name.as_str().into(), json!(nth + 1));
        let entered = entered_event_id(case, &name, nth).unwrap_or(event_id);
        let inv = if tasks.contains_key(&name) { invocation(case, &name) } else { None };
        match run_state(state, data, input, &name, &mut vars, inv.as_ref()) {
            Ok(out) => data = out,
            Err(f) => {
                let cause = format!(
                    "An error occurred while executing the state '{}' (entered at the event id #{}). {}",
                    name, entered, f.cause
                );
                return Some(Outcome { output: None, failure: Some(Failure::new(f.error, cause)) });
            }
        }
        if state.get("End").and_then(|e| e.as_bool()) == Some(true) {
            return Some(Outcome { output: Some(data), failure: None });
        }
        name = state.get("Next")?.as_str()?.to_string();
        event_id += 2;
    }
    None
}

fn grade(case: &Value) -> Option<Result<(), String>> {
    let def = match case.get("definition")? {
        Value::String(s) => statelab::value::read::parse(s).ok()?,
        v => v.clone(),
    };
    let input = case.get("input").cloned().unwrap_or(json!({}));
    let outcome = run_chain(case, &def, &input)?;
    let exp = case.get("expected")?;
    let status = exp.get("status")?.as_str()?;
    Some(match (&outcome.output, &outcome.failure, status) {
        (Some(out), None, "SUCCEEDED") => {
            let e = parse_json_strings(exp.get("output").cloned().unwrap_or(Value::Null));
            let a = parse_json_strings(out.clone());
            // Key order counts too: AWS's output text has a definite order.
            if matches(&e, &a) && same_order(&e, &a) {
                Ok(())
            } else if matches(&e, &a) {
                Err(format!("key order\n   expected {}\n     actual {}", e, a))
            } else {
                Err(format!("output\n   expected {}\n     actual {}", e, a))
            }
        }
        (None, Some(f), "FAILED") => {
            let ee = exp.get("error").cloned().unwrap_or(Value::Null);
            let ec = parse_json_strings(exp.get("cause").cloned().unwrap_or(Value::Null));
            let ac = parse_json_strings(Value::String(f.cause.clone()));
            if ee == Value::String(f.error.clone()) && matches(&ec, &ac) {
                Ok(())
            } else {
                Err(format!("failure\n   expected {} {}\n     actual {} {}", ee, ec, f.error, ac))
            }
        }
        _ => Err(format!(
            "status: expected {} ({}), got {}",
            status,
            exp.get("cause").map(|c| c.to_string()).unwrap_or_default(),
            match &outcome.failure {
                Some(f) => format!("FAILED {}: {}", f.error, f.cause),
                None => format!("SUCCEEDED {}", outcome.output.clone().unwrap_or(Value::Null)),
            }
        )),
    })
}

#[test]
fn recorded_pass_chains() {
    let dir = corpus_dir("aws/executions");
    let files = case_files(&dir);
    let (mut total, mut passed) = (0, 0);
    let mut failures = Vec::new();
    for f in &files {
        let case: Value = match std::fs::read_to_string(f).ok().and_then(|t| statelab::value::read::parse(&t).ok()) {
            Some(c) => c,
            None => continue,
        };
        if let Some(r) = grade(&case) {
            total += 1;
            match r {
                Ok(()) => passed += 1,
                Err(msg) => failures.push(format!("{}: {}", f.file_name().unwrap().to_string_lossy(), msg)),
            }
        }
    }
    for f in &failures {
        let short: String = f.chars().take(1500).collect();
        eprintln!("FAIL {}", short);
    }
    eprintln!("paths corpus: {} of {} Pass/Task-chain cases pass", passed, total);
    assert!(total > 0, "no Pass-chain cases found in {}", dir.display());
    assert!(passed >= BASELINE, "regression: {} of {} pass, baseline {}", passed, total, BASELINE);
}

#[test]
fn matcher_sanity() {
    assert!(str_match("<uuid:1>", &json!("0f1e")));
    assert!(str_match(
        "arn:<partition>:states:<region>:111111111111:x",
        &json!("arn:aws:states:us-east-1:123456789012:x")
    ));
    assert!(!str_match("arn:<partition>:y", &json!("arn:aws:x")));
    assert!(!str_match("plain", &json!("other")));
    assert!(matches(&json!({"a": [1, "date"]}), &json!({"a": [1.0, "2024"]})));
    assert!(!matches(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
}
