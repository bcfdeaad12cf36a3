//! TestState API answers recorded from AWS (`aws/test_state/`): for a single JSONPath Pass
//! state, or a Task state with a mocked result, the inspection data AWS returned
//! (afterInputPath, afterParameters, afterResultSelector, afterResultPath) and the output
//! must equal what our paths and templates compute, key order included.

use statelab::dataflow::jsonpath::{set_path, Path, Reference};
use statelab::dataflow::scope::{select_reference, SimpleScope};
use statelab::dataflow::template::Template;
use statelab::json;
use statelab::value::{Map, Value};

mod common;
use common::{case_files, corpus_dir};

/// Placeholder-aware equality for the few anonymised strings (`<region>`, `111111111111`).
fn same(exp: &Value, act: &Value) -> bool {
    match (exp, act) {
        (Value::Object(e), Value::Object(a)) => e.keys().eq(a.keys()) && e.iter().all(|(k, v)| same(v, &a[k])),
        (Value::Array(e), Value::Array(a)) => e.len() == a.len() && e.iter().zip(a).all(|(x, y)| same(x, y)),
        (Value::String(e), Value::String(a)) if e.contains('<') => {
            // Literal prefix and suffix around the first placeholder must match.
            let (pre, rest) = e.split_once('<').unwrap();
            let post = rest.split_once('>').map(|(_, p)| p).unwrap_or("");
            a.starts_with(pre) && a.ends_with(post) && !post.contains('<')
        }
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => exp == act,
    }
}

struct Trace {
    after_input_path: Value,
    after_parameters: Value,
    after_result_selector: Value,
    after_result_path: Value,
    output: Value,
}

fn run(def: &Map, input: Value, context: Value, mock: Option<Value>) -> Result<Trace, String> {
    let scope = |v: &Value| SimpleScope::new(v.clone(), context.clone());
    let reference = |k: &str| -> Result<Option<Option<Reference>>, String> {
        match def.get(k) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(Value::String(s)) => Reference::parse(s).map(|r| Some(Some(r))),
            Some(v) => Err(format!("{k}: {v}")),
        }
    };
    let after_input_path = match reference("InputPath")? {
        None => input.clone(),
        Some(None) => json!({}),
        Some(Some(r)) => select_reference(&scope(&input), &r).map_err(|f| f.cause)?,
    };
    let after_parameters = match def.get("Parameters") {
        Some(t) => Template::parse(t)
            .map_err(|e| format!("{e:?}"))?
            .eval(&mut scope(&after_input_path), "Parameters")
            .map_err(|f| f.cause)?,
        None => after_input_path.clone(),
    };
    let result = match (&mock, def.get("Result")) {
        (Some(m), _) => m.clone(),
        (None, Some(r)) => r.clone(),
        (None, None) => after_parameters.clone(),
    };
    let after_result_selector = match def.get("ResultSelector") {
        Some(t) => Template::parse(t)
            .map_err(|e| format!("{e:?}"))?
            .eval(&mut scope(&result), "ResultSelector")
            .map_err(|f| f.cause)?,
        None => result,
    };
    let after_result_path = match def.get("ResultPath") {
        None => after_result_selector.clone(),
        Some(Value::Null) => input.clone(),
        Some(Value::String(p)) => {
            set_path(input.clone(), &Path::parse(p)?, after_result_selector.clone()).map_err(|f| f.cause)?
        }
        Some(v) => return Err(format!("ResultPath: {v}")),
    };
    let output = match reference("OutputPath")? {
        None => after_result_path.clone(),
        Some(None) => json!({}),
        Some(Some(r)) => select_reference(&scope(&after_result_path), &r).map_err(|f| f.cause)?,
    };
    Ok(Trace { after_input_path, after_parameters, after_result_selector, after_result_path, output })
}

#[test]
fn recorded_test_state_inspection_data() {
    let dir = corpus_dir("aws/test_state");
    let files = case_files(&dir);
    let (mut checked, mut compared, mut failures) = (0, 0, Vec::new());
    for f in files {
        let Some(case) = std::fs::read_to_string(&f).ok().and_then(|s| statelab::value::read::parse(&s).ok()) else {
            continue;
        };
        let req = &case["request"];
        let Some(def) = req["definition"].as_object() else {
            continue;
        };
        let ty = def.get("Type").and_then(|t| t.as_str()).unwrap_or("");
        if def.contains_key("QueryLanguage") || !matches!(ty, "Pass" | "Task") {
            continue;
        }
        let exp = &case["expected"];
        if exp["status"] != json!("SUCCEEDED") {
            continue;
        }
        let mock = match req.pointer("/mock/result") {
            Some(Value::String(s)) => Some(statelab::value::read::parse(s).unwrap_or(Value::String(s.clone()))),
            Some(v) => Some(v.clone()),
            None if ty == "Task" => match exp.pointer("/inspectionData/result") {
                // An unmocked Task: the recorded raw result stands in for the call.
                Some(r) => Some(r.clone()),
                None => continue,
            },
            None => None,
        };
        checked += 1;
        let input = req.get("input").cloned().unwrap_or(json!({}));
        let mut context = req.get("context").cloned().unwrap_or_else(|| json!({"Execution": {"Input": input.clone()}}));
        if ty == "Task" && context.get("Task").is_none() {
            context["Task"] = json!({"Token": "abcd123"});
        }
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let trace = match run(def, input, context, mock) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let mut pairs = vec![("output", &exp["output"], &trace.output)];
        if let Some(insp) = exp.get("inspectionData") {
            for (k, ours) in [
                ("afterInputPath", &trace.after_input_path),
                ("afterParameters", &trace.after_parameters),
                ("afterResultSelector", &trace.after_result_selector),
                ("afterResultPath", &trace.after_result_path),
            ] {
                if let Some(v) = insp.get(k) {
                    pairs.push((k, v, ours));
                }
            }
        }
        for (k, e, a) in pairs {
            compared += 1;
            if !same(e, a) {
                failures.push(format!("{name} {k}: expected {e} got {a}"));
            }
        }
    }
    eprintln!("test_state: {checked} cases, {compared} values compared, {} mismatches", failures.len());
    for m in &failures {
        eprintln!("  {m}");
    }
    assert!(checked >= 15, "too few TestState cases: {checked}");
    assert!(failures.is_empty());
}
