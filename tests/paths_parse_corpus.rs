//! Every JSONPath, reference path and intrinsic call in a definition that real AWS ran must
//! parse: `.$` fields (Dynamic), `...Path` fields and Choice `Variable`s (Reference), and
//! every payload template (Parameters, ResultSelector, ItemSelector, Assign).

use statelab::dataflow::jsonpath::Reference;
use statelab::dataflow::template::{Dynamic, Template};
use statelab::value::Value;

mod common;
use common::{case_files, corpus_dir};

const TEMPLATE_FIELDS: &[&str] = &["Parameters", "ResultSelector", "ItemSelector", "Assign"];

/// Path fields whose value must be a reference path (intrinsics allowed in Error/CausePath).
fn is_path_field(k: &str) -> bool {
    k == "Variable" || k.ends_with("Path")
}

struct Tally {
    checked: usize,
    errors: Vec<String>,
}

fn walk_states(states: &statelab::value::Map, jsonata_default: bool, file: &str, t: &mut Tally) {
    for (name, st) in states {
        let Some(st) = st.as_object() else { continue };
        let jsonata = match st.get("QueryLanguage").and_then(|q| q.as_str()) {
            Some(q) => q == "JSONata",
            None => jsonata_default,
        };
        if !jsonata {
            check_state(st, file, name, t);
        }
        // Nested machines: Parallel branches, Map Iterator / ItemProcessor.
        if let Some(branches) = st.get("Branches").and_then(|b| b.as_array()) {
            for b in branches {
                if let Some(s) = b.get("States").and_then(|s| s.as_object()) {
                    walk_states(s, jsonata_default, file, t);
                }
            }
        }
        for key in ["Iterator", "ItemProcessor"] {
            if let Some(s) = st.get(key).and_then(|p| p.get("States")).and_then(|s| s.as_object()) {
                walk_states(s, jsonata_default, file, t);
            }
        }
    }
}

fn check_paths(v: &Value, file: &str, where_: &str, t: &mut Tally) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if let Value::String(s) = x {
                    if is_path_field(k) {
                        t.checked += 1;
                        let ok = if k == "ErrorPath" || k == "CausePath" {
                            Dynamic::parse(s).is_ok()
                        } else {
                            Reference::parse(s).is_ok()
                        };
                        if !ok {
                            t.errors.push(format!("{} {} {}: {:?}", file, where_, k, s));
                        }
                    }
                } else if !TEMPLATE_FIELDS.contains(&k.as_str())
                    && !matches!(k.as_str(), "Branches" | "Iterator" | "ItemProcessor" | "Result")
                {
                    check_paths(x, file, &format!("{}/{}", where_, k), t);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| check_paths(x, file, where_, t)),
        _ => {}
    }
}

fn check_state(st: &statelab::value::Map, file: &str, name: &str, t: &mut Tally) {
    for f in TEMPLATE_FIELDS {
        if let Some(tpl) = st.get(f) {
            t.checked += 1;
            if let Err(e) = Template::parse(tpl) {
                t.errors.push(format!("{} {}/{}: {:?}", file, name, f, e));
            }
        }
    }
    // Catchers carry Assign too.
    if let Some(catchers) = st.get("Catch").and_then(|c| c.as_array()) {
        for c in catchers {
            if let Some(tpl) = c.get("Assign") {
                t.checked += 1;
                if let Err(e) = Template::parse(tpl) {
                    t.errors.push(format!("{} {}/Catch/Assign: {:?}", file, name, e));
                }
            }
        }
    }
    check_paths(&Value::Object(st.clone()), file, name, t);
}

#[test]
fn every_recorded_path_and_template_parses() {
    let dir = corpus_dir("aws/executions");
    let mut t = Tally { checked: 0, errors: Vec::new() };
    let files = case_files(&dir);
    for f in files {
        let Some(case) = std::fs::read_to_string(&f).ok().and_then(|s| statelab::value::read::parse(&s).ok()) else {
            continue;
        };
        let def = match case.get("definition") {
            Some(Value::String(s)) => match statelab::value::read::parse(s) {
                Ok(v) => v,
                Err(_) => continue,
            },
            Some(v) => v.clone(),
            None => continue,
        };
        let jsonata = def.get("QueryLanguage").and_then(|q| q.as_str()) == Some("JSONata");
        if let Some(states) = def.get("States").and_then(|s| s.as_object()) {
            walk_states(states, jsonata, &f.file_name().unwrap().to_string_lossy(), &mut t);
        }
    }
    eprintln!("checked {} paths and templates, {} failed to parse", t.checked, t.errors.len());
    for e in &t.errors {
        eprintln!("  {}", e);
    }
    assert!(t.checked > 500, "too few paths found: {}", t.checked);
    assert!(t.errors.is_empty(), "{} recorded paths/templates failed to parse", t.errors.len());
}
