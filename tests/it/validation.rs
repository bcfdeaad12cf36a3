//! Definitions that must be accepted or rejected, with the location each diagnostic points at.

use statelab::asl::{validate_text, MachineType};
use statelab::value::Value;

#[test]
fn validation_cases() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/validation/cases.json");
    let cases: Vec<Value> = statelab::value::read::parse(&std::fs::read_to_string(path).unwrap())
        .unwrap()
        .as_array()
        .cloned()
        .expect("a list of cases");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let result = validate_text(case["text"].as_str().unwrap(), MachineType::Standard);
        let want_valid = case["valid"].as_bool().unwrap();
        match (&result, want_valid) {
            (Ok(_), true) => {}
            (Ok(_), false) => failures.push(format!("{name}: accepted, expected a diagnostic")),
            (Err(d), true) => failures.push(format!("{name}: rejected: {d:?}")),
            (Err(diags), false) => {
                let want = &case["diagnostic"];
                let ok = diags.iter().any(|d| {
                    want.get("pointer").is_none_or(|p| p == &d.pointer)
                        && want.get("code").is_none_or(|c| c == d.code)
                        && want.get("line").is_none_or(|l| l.as_u64() == Some(d.pos.line as u64))
                        && want.get("column").is_none_or(|c| c.as_u64() == Some(d.pos.column as u64))
                        && want.get("message").is_none_or(|m| d.message.contains(m.as_str().unwrap()))
                });
                if !ok {
                    failures.push(format!("{name}: no diagnostic like {want}; got {diags:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn express_rejects_callbacks_and_activities() {
    let def = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","End":true}}}"#;
    assert!(validate_text(def, MachineType::Standard).is_ok());
    let diags = validate_text(def, MachineType::Express).unwrap_err();
    assert_eq!(diags[0].pointer, "/States/A/Resource");
}
