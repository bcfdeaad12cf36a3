//! Key order of evaluated payload templates against AWS: every TaskScheduled event recorded
//! from AWS carries the effective `parameters` as JSON text, whose key order is AWS's. The
//! template of the state that scheduled it must produce the same key order at every level.

use statelab::dataflow::scope::SimpleScope;
use statelab::dataflow::template::Template;
use statelab::json;
use statelab::value::{Map, Value};

mod common;
use common::{case_files, corpus_dir};

/// The template with every `.$` value replaced by `$`, so it evaluates against any input
/// while keeping its field structure.
fn neutralise(t: &Value) -> Value {
    match t {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| if k.ends_with(".$") { (k.clone(), json!("$")) } else { (k.clone(), neutralise(v)) })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(neutralise).collect()),
        v => v.clone(),
    }
}

/// Compares key order of `ours` with `aws` wherever both are objects with the same keys,
/// descending only into literal (non-`.$`) fields. Returns (objects compared, mismatches).
fn compare(template: &Value, ours: &Value, aws: &Value, out: &mut (usize, Vec<String>)) {
    match (template, ours, aws) {
        (Value::Object(t), Value::Object(o), Value::Object(a)) => {
            let ok: Vec<&str> = o.keys().map(|k| k.as_str()).collect();
            let ak: Vec<&str> = a.keys().map(|k| k.as_str()).collect();
            let mut os = ok.clone();
            let mut as_ = ak.clone();
            os.sort();
            as_.sort();
            if os == as_ && ok.len() >= 2 {
                out.0 += 1;
                if ok != ak {
                    out.1.push(format!("ours {:?} aws {:?}", ok, ak));
                }
            }
            for (k, tv) in t {
                if !k.ends_with(".$") {
                    if let (Some(ov), Some(av)) = (o.get(k), a.get(k)) {
                        compare(tv, ov, av, out);
                    }
                }
            }
        }
        (Value::Array(t), Value::Array(o), Value::Array(a)) => {
            for ((tv, ov), av) in t.iter().zip(o).zip(a) {
                compare(tv, ov, av, out);
            }
        }
        _ => {}
    }
}

fn collect_states<'a>(states: &'a Map, out: &mut Vec<(&'a str, &'a Value)>) {
    for (n, s) in states {
        out.push((n.as_str(), s));
        if let Some(bs) = s.get("Branches").and_then(|b| b.as_array()) {
            for b in bs {
                if let Some(st) = b.get("States").and_then(|x| x.as_object()) {
                    collect_states(st, out);
                }
            }
        }
        for k in ["Iterator", "ItemProcessor"] {
            if let Some(st) = s.get(k).and_then(|p| p.get("States")).and_then(|x| x.as_object()) {
                collect_states(st, out);
            }
        }
    }
}

#[test]
fn parameters_key_order_matches_recorded_task_scheduled_events() {
    let dir = corpus_dir("aws/executions");
    let files = case_files(&dir);
    let mut tally = (0usize, Vec::new());
    for f in files {
        let Some(case) = std::fs::read_to_string(&f).ok().and_then(|s| statelab::value::read::parse(&s).ok()) else {
            continue;
        };
        let def = match case.get("definition") {
            Some(Value::String(s)) => statelab::value::read::parse(s).unwrap_or(Value::Null),
            Some(v) => v.clone(),
            None => continue,
        };
        let Some(states) = def.get("States").and_then(|s| s.as_object()) else {
            continue;
        };
        let mut all = Vec::new();
        collect_states(states, &mut all);
        let Some(history) = case.get("expected_history").and_then(|h| h.as_array()) else {
            continue;
        };
        let mut last: Option<String> = None;
        for e in history {
            if let Some(n) = e.pointer("/stateEnteredEventDetails/name").and_then(|n| n.as_str()) {
                last = Some(n.to_string());
            }
            let Some(p) = e.pointer("/taskScheduledEventDetails/parameters") else {
                continue;
            };
            let aws: Value = match p {
                Value::String(s) => match statelab::value::read::parse(s) {
                    Ok(v) => v,
                    Err(_) => continue,
                },
                v => v.clone(),
            };
            let Some(name) = &last else { continue };
            let Some((_, st)) = all.iter().find(|(n, _)| *n == name) else {
                continue;
            };
            let Some(tpl) = st.get("Parameters") else {
                continue;
            };
            if !tpl.is_object() {
                continue;
            }
            let t = Template::parse(&neutralise(tpl)).expect("recorded template parses");
            let mut scope = SimpleScope::new(json!({}), json!({}));
            let ours = t.eval(&mut scope, "Parameters").expect("neutral template evaluates");
            compare(tpl, &ours, &aws, &mut tally);
        }
    }
    eprintln!("compared {} recorded parameter objects, {} with a different key order", tally.0, tally.1.len());
    for m in &tally.1 {
        eprintln!("  {}", m);
    }
    assert!(tally.0 >= 100, "too few recorded parameter objects compared: {}", tally.0);
    assert!(tally.1.is_empty());
}
