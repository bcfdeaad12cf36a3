//! Bad input never panics: every case definition, mutated in many small ways (a field
//! dropped, a value replaced by one of another type), is validated and, when accepted, run
//! with its mocks and a handful of inputs. Each run must end, with a status, within the
//! history limit.

use statelab::asl::{validate_text, MachineType};
use statelab::driver::simulate;
use statelab::exec::{Options, Rng};
use statelab::json;
use statelab::mock::Mocks;
use statelab::value::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Every JSON Pointer in a value.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            m.iter().for_each(|(k, c)| pointers(c, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out))
        }
        Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| pointers(c, format!("{at}/{i}"), out)),
        _ => {}
    }
}

fn mutate(def: &Value, pointer: &str, how: u64) -> Value {
    let mut d = def.clone();
    let replacement = match how % 7 {
        0 => Value::Null,
        1 => json!(-1),
        2 => json!("$.nope"),
        3 => json!([]),
        4 => json!({}),
        5 => json!("{% $states.input.x %}"),
        _ => json!(1.5),
    };
    if how % 11 == 10 {
        // Drop the field instead.
        if let Some((parent, key)) = pointer.rsplit_once('/') {
            if let Some(Value::Object(m)) = d.pointer_mut(parent) {
                m.remove(&key.replace("~1", "/").replace("~0", "~"));
            }
        }
    } else if let Some(slot) = d.pointer_mut(pointer) {
        *slot = replacement;
    }
    d
}

#[test]
fn mutated_definitions_never_panic() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases");
    let rng = Rng::new(1);
    let mut runs = 0;
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for path in files {
        let case: Value = statelab::value::read::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let def = &case["definition"];
        let mut ptrs = Vec::new();
        pointers(def, String::new(), &mut ptrs);
        for p in ptrs.iter().skip(1) {
            let mutant = mutate(def, p, rng.next_u64());
            let text = mutant.to_string();
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let Ok(machine) = validate_text(&text, MachineType::Standard) else { return };
                for input in [case["input"].clone(), json!({}), json!(null), json!([1, "a"])] {
                    let mocks = case.get("mocks").and_then(|m| Mocks::from_value(m, None).ok()).unwrap_or_default();
                    if let Ok(exec) = simulate(machine.clone(), input, mocks, Options::default()) {
                        assert!(exec.is_done(), "{}: mutant at {p} did not finish", path.display());
                        assert!(exec.events().len() <= statelab::exec::MAX_HISTORY_EVENTS + 1);
                    }
                }
            }));
            assert!(outcome.is_ok(), "{}: mutant at {p} panicked: {text}", path.display());
            runs += 1;
        }
        // Truncated text at every 7th byte: always a located JSON error, never a panic.
        let full = def.to_string();
        for cut in (0..full.len()).step_by(7) {
            if !full.is_char_boundary(cut) {
                continue;
            }
            let r = catch_unwind(|| validate_text(&full[..cut], MachineType::Standard).map(|_| ()));
            assert!(matches!(r, Ok(Err(_))), "{}: truncated at {cut} was not rejected cleanly", path.display());
        }
    }
    assert!(runs > 200, "only {runs} mutants");
}
