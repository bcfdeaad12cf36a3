//! A distributed Map's child executions keep their own histories (full engine), as each is an
//! execution of its own on AWS: ExecutionStarted with the item as input, its states' events,
//! then ExecutionSucceeded, ExecutionFailed or ExecutionAborted, ids from 1; none of it in
//! the parent's history.

use statelab::asl::{validate_text, MachineType};
use statelab::driver::simulate;
use statelab::exec::{Execution, Options};
use statelab::mock::Mocks;
use statelab::value::Value;

fn run(definition: &str, input: &str, mocks: &str) -> Execution {
    let machine = validate_text(definition, MachineType::Standard).expect("a valid definition");
    let mocks = Mocks::from_value(&statelab::value::read::parse(mocks).unwrap(), None).unwrap();
    simulate(machine, statelab::value::read::parse(input).unwrap(), mocks, Options::default()).expect("it runs")
}

fn types(events: &[statelab::exec::events::Event]) -> Vec<&'static str> {
    events.iter().map(|e| e.kind.name()).collect()
}

const DISTRIBUTED: &str = r#"{"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items",
  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Charge",
    "States": {"Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Done"},
               "Done": {"Type": "Pass", "End": true}}},
  "ToleratedFailureCount": 1, "End": true}}}"#;

#[test]
fn each_child_has_its_own_history_with_its_item_as_input() {
    let exec = run(
        DISTRIBUTED,
        r#"{"items": [{"n": 1}, {"n": 2}]}"#,
        r#"{"Charge": [{"result": {"ok": 1}}, {"error": "Card.Declined", "cause": "no"}]}"#,
    );
    let children = exec.child_histories();
    assert_eq!(children.len(), 2);
    let parent_types = types(exec.events());
    assert!(!parent_types.contains(&"TaskScheduled"), "the children's events are not in the parent's history");
    for (i, c) in children.iter().enumerate() {
        assert_eq!(c.index, i);
        assert!(c.complete);
        assert_eq!(c.events.iter().map(|e| e.id).collect::<Vec<_>>(), (1..=c.events.len() as u64).collect::<Vec<_>>());
        let start = &c.events[0];
        assert_eq!(start.kind.name(), "ExecutionStarted");
        assert_eq!(start.previous_event_id, 0);
        assert_eq!(
            start.details().unwrap()["input"],
            statelab::value::read::parse(&format!(r#"{{"n": {}}}"#, i + 1)).unwrap()
        );
    }
    assert_eq!(
        types(&children[0].events),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSucceeded",
            "TaskStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    let failed = &children[1].events;
    assert_eq!(types(failed).last(), Some(&"ExecutionFailed"));
    let end = failed.last().unwrap().details().unwrap();
    assert_eq!(end["error"], Value::from("Card.Declined"));
    assert_eq!(end["cause"], Value::from("no"));
    // The child's ExecutionSucceeded carries its output (the Pass state's, the Task's result).
    assert_eq!(
        children[0].events.last().unwrap().details().unwrap()["output"],
        statelab::value::read::parse(r#"{"ok": 1}"#).unwrap()
    );
}

#[test]
fn children_cancelled_by_a_failed_map_run_end_aborted() {
    // No failure tolerated: the first failure ends the Map Run, and the child still running is aborted.
    let def = DISTRIBUTED.replace(r#""ToleratedFailureCount": 1, "#, "");
    let exec = run(
        &def,
        r#"{"items": [1, 2]}"#,
        r#"{"Charge": [{"error": "Boom", "latency": 1}, {"result": {}, "latency": 5}]}"#,
    );
    let children = exec.child_histories();
    assert_eq!(types(&children[0].events).last(), Some(&"ExecutionFailed"));
    let aborted = types(&children[1].events);
    assert_eq!(aborted.last(), Some(&"ExecutionAborted"), "{aborted:?}");
    assert!(aborted.contains(&"TaskStateAborted"), "{aborted:?}");
}

#[test]
fn an_inline_map_has_no_child_executions() {
    let def = DISTRIBUTED.replace(r#""ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "#, "");
    let exec = run(&def, r#"{"items": [1]}"#, r#"{"Charge": {"result": {}}}"#);
    assert!(exec.child_histories().is_empty());
    assert!(types(exec.events()).contains(&"TaskScheduled"));
}
