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

#[test]
fn a_definition_over_aws_length_limit_is_refused_before_it_is_read() {
    use statelab::asl::{over_length, validate_text, MAX_DEFINITION_CHARS};
    let base = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}, "Comment": ""#;
    // The limit counts characters: two bytes each here.
    let exact = format!("{base}{}\"}}", "é".repeat(MAX_DEFINITION_CHARS - base.len() - 2));
    assert!(over_length(&exact).is_none());
    assert!(validate_text(&exact, MachineType::Standard).is_ok());
    // One more, after a line break, in a text the reader would take hundreds of MB for.
    let over = format!("{base}\n{}\"}}", "[[".repeat(600_000));
    let diags = validate_text(&over, MachineType::Standard).unwrap_err();
    assert_eq!(diags.len(), 1);
    let d = &diags[0];
    assert_eq!(d.code, "ValidationException");
    assert_eq!(
        d.message,
        "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to 1048576"
    );
    assert_eq!((d.pos.line, d.pos.column as usize, d.pointer.as_str()), (2, MAX_DEFINITION_CHARS - base.len(), ""));
}
