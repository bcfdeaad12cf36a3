//! The history's data budget (`Options::history_bytes`): shared payloads count once, a run
//! whose payloads are each new keeps its history within the budget by leaving payloads out,
//! and what is left out changes nothing but the history.

use statelab::asl::{validate_text, MachineType};
use statelab::driver::{simulate, Host};
use statelab::exec::events::Field;
use statelab::exec::{Execution, Options, Status, DEFAULT_HISTORY_BYTES};
use statelab::json;
use statelab::mock::Mocks;
use statelab::value::Value;
use std::cell::RefCell;
use std::rc::Rc;

fn run(def: &str, input: Value, opts: Options) -> Execution {
    let machine = validate_text(def, MachineType::Standard).expect("a valid definition");
    simulate(machine, input, Mocks::empty(), opts).expect("runs")
}

/// Every event's and span's payloads are all there.
fn nothing_left_out(x: &Execution, what: &str) {
    assert!(!x.history_elided(), "{what}");
    for e in x.events() {
        assert!(e.fields.iter().flatten().all(|(_, f)| *f != Field::Elided), "{what}: {e:?}");
    }
    assert!(x.spans().iter().all(|s| !s.input_elided && !s.output_elided && !s.cause_elided), "{what}");
}

/// Each iteration makes a new text (`States.Format` of a counter and a shared base): 6,250
/// iterations until the history limit; with a 100 KB base, 625 MB of distinct data.
const NEW_TEXT_LOOP: &str = r#"{"StartAt": "Grow", "States": {
    "Grow": {"Type": "Pass", "Parameters": {"base.$": "$.base", "i.$": "States.MathAdd($.i, 1)",
             "text.$": "States.Format('{}:{}', $.i, $.base)"}, "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericGreaterThanEquals": 1000000, "Next": "Done"}],
              "Default": "Grow"},
    "Done": {"Type": "Succeed"}}}"#;

fn new_text_input(base: usize) -> Value {
    json!({"base": "b".repeat(base), "i": 0})
}

#[test]
fn one_payload_passed_along_counts_once() {
    // r05's shape: one 40 KB object from state to state until the history limit.
    let def = r#"{"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Output": "{% {'s': $pad('', 40000, 'x')} %}", "Next": "A"},
        "A": {"Type": "Pass", "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Condition": "{% $exists($states.input.never) %}", "Next": "Done"}], "Default": "A"},
        "Done": {"Type": "Succeed"}}}"#;
    let x = run(def, json!({}), Options { record_steps: true, ..Options::default() });
    assert_eq!(x.events().len(), 25_000);
    nothing_left_out(&x, "40 KB loop");
    assert!(x.history_bytes() < 2_000_000, "{} bytes", x.history_bytes());
}

#[test]
fn a_shared_text_in_new_items_counts_once() {
    // r08's shape: 10 x 1,000 iterations, each item `{'s': $big, 'n': i}` with one 100 KB text.
    // (P reads the small field: $length of the text 10,000 times is over the step budget.)
    let def = r#"{"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Assign": {"big": "{% $pad('', 100000, 'x') %}"}, "Next": "Outer"},
        "Outer": {"Type": "Map", "Items": "{% [1..10] %}", "End": true, "ItemProcessor": {"StartAt": "Inner", "States": {
            "Inner": {"Type": "Map", "Items": "{% [1..1000] %}", "End": true,
                "ItemSelector": "{% {'s': $big, 'n': $states.context.Map.Item.Value} %}",
                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Output": "{% $states.input.n %}", "End": true}}}}}}}}}"#;
    let x = run(def, json!({}), Options { record_steps: true, ..Options::default() });
    assert!(matches!(x.status(), Status::Failed(f) if f.cause.contains("maximum number of history events")));
    nothing_left_out(&x, "shared 100 KB text");
    assert!(x.history_bytes() < 4_000_000, "{} bytes", x.history_bytes());
}

#[test]
fn new_payloads_past_the_budget_are_left_out_of_the_history_only() {
    // 10 KB texts (62 MB in all, kept whole without a budget).
    let budget = 300_000;
    let full = run(NEW_TEXT_LOOP, new_text_input(10_000), Options { history_bytes: usize::MAX, ..Options::default() });
    let cut = run(NEW_TEXT_LOOP, new_text_input(10_000), Options { history_bytes: budget, ..Options::default() });
    nothing_left_out(&full, "no budget");
    assert!(full.history_bytes() == 0);
    assert!(cut.history_elided());
    assert!(cut.history_bytes() <= budget);
    // The execution is the same: its outcome, its events (but for the payloads), its spans.
    assert_eq!(cut.status(), full.status());
    assert_eq!(cut.events().len(), full.events().len());
    assert_eq!(cut.events().len(), 25_000);
    let mut elided = 0;
    for (c, f) in cut.events().iter().zip(full.events()) {
        assert_eq!(
            (c.id, c.previous_event_id, c.kind, c.timestamp, c.lane),
            (f.id, f.previous_event_id, f.kind, f.timestamp, f.lane)
        );
        if c.fields != f.fields {
            elided += 1;
            let (cd, fd) = (c.details().unwrap(), f.details().unwrap());
            // The payload field is gone and its details say so; the rest is as it was.
            let key = if fd.get("input").is_some() { "input" } else { "output" };
            assert!(cd.get(key).is_none());
            assert_eq!(cd[format!("{key}Details").as_str()], json!({"truncated": true}));
            let mut same = fd.clone();
            same.as_object_mut().unwrap().remove(key);
            same[format!("{key}Details").as_str()] = json!({"truncated": true});
            assert_eq!(cd, same);
        }
    }
    // About 300 KB of 20 KB outputs are kept (each a new 10 KB text, the base shared).
    assert!(elided > 20_000, "{elided} events left out");
    let kept_outputs = cut.events().iter().filter(|e| matches!(e.field("output"), Some(Field::Json(_)))).count();
    assert!((40..80).contains(&kept_outputs), "{kept_outputs}");
    assert_eq!(cut.spans().len(), full.spans().len());
    assert!(cut.spans().iter().any(|s| s.input_elided && s.input.is_none()));
    assert!(cut.spans().iter().any(|s| s.output_elided && s.output.is_none()));
}

#[test]
fn an_elided_event_keeps_its_field_without_the_data() {
    let x = run(NEW_TEXT_LOOP, new_text_input(10_000), Options { history_bytes: 1_000_000, ..Options::default() });
    let e = x.events().iter().rev().find(|e| e.kind.name() == "PassStateEntered").unwrap();
    assert_eq!(e.to_json()["stateEnteredEventDetails"], json!({"name": "Grow", "inputDetails": {"truncated": true}}));
    assert_eq!((e.field("input"), e.field("inputDetails")), (None, Some(&Field::Elided)));
    let e = x.events().iter().rev().find(|e| e.kind.name() == "PassStateExited").unwrap();
    assert_eq!(e.to_json()["stateExitedEventDetails"], json!({"name": "Grow", "outputDetails": {"truncated": true}}));
    // A payload field AWS gives no details field gets one when it is left out.
    let fields = statelab::fields! {"parametersDetails": Field::Elided, "resource": "r"};
    let ev = statelab::exec::events::Event { fields: Some(fields), ..e.clone() };
    assert_eq!(ev.details(), Some(json!({"parametersDetails": {"truncated": true}, "resource": "r"})));
}

#[test]
fn steps_and_causes_count_too() {
    // Each loop fails with a new 30 KB cause, caught: the Fail state's span and the Catch's
    // span keep the cause, the steps (recordSteps) each value.
    let def = r#"{"QueryLanguage": "JSONata", "StartAt": "Par", "States": {
        "Par": {"Type": "Parallel", "End": true,
            "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E",
                "Cause": "{% $pad($string($states.input.n), 30000, '.') %}"}}}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Par", "Output": "{% {'n': $states.input.n + 1} %}"}]}}}"#;
    let x = run(def, json!({"n": 0}), Options { record_steps: true, history_bytes: 2_000_000, ..Options::default() });
    assert!(x.history_elided());
    assert!(x.history_bytes() <= 2_000_000);
    let failed: Vec<_> = x.spans().iter().filter(|s| &*s.state == "F").collect();
    assert!(failed.len() > 1000);
    let kept = failed.iter().filter(|s| s.error.as_ref().unwrap().cause.len() == 30_000).count();
    assert!((10..100).contains(&kept), "{kept} causes kept");
    let left = failed.iter().filter(|s| s.cause_elided).count();
    assert_eq!(left + kept, failed.len());
    assert!(failed.iter().filter(|s| s.cause_elided).all(|s| s.error.as_ref().unwrap().error == "E"));
    let steps_left = x.spans().iter().flat_map(|s| &s.steps).filter(|(_, v)| v.is_none()).count();
    assert!(steps_left > 0);
}

#[test]
fn events_written_out_as_they_come_are_not_counted() {
    // `statelab run --json` hands every event to a stream: none is kept, none is cut.
    let machine = validate_text(NEW_TEXT_LOOP, MachineType::Standard).unwrap();
    let opts = Options { history_bytes: 0, spans: false, ..Options::default() };
    let mut host = Host::new(machine, new_text_input(10_000), Mocks::empty(), opts);
    let seen = Rc::new(RefCell::new((0, 0)));
    let s = seen.clone();
    host.exec.stream_events(move |e| {
        let mut s = s.borrow_mut();
        s.0 += 1;
        if e.fields.iter().flatten().any(|(_, f)| *f == Field::Elided) {
            s.1 += 1;
        }
    });
    host.start().unwrap();
    while host.step().unwrap() {}
    assert_eq!(*seen.borrow(), (25_000, 0));
    assert!(!host.exec.history_elided());
}

#[test]
fn the_default_budget_is_32_mib() {
    assert_eq!(Options::default().history_bytes, 32 << 20);
    assert_eq!(DEFAULT_HISTORY_BYTES, 33_554_432);
    // The distinct-text loop (10 KB texts) keeps about 32 MiB of its 62 MB.
    let x = run(NEW_TEXT_LOOP, new_text_input(10_000), Options::default());
    assert!(x.history_elided());
    assert!(x.history_bytes() > 30 << 20 && x.history_bytes() <= 32 << 20, "{}", x.history_bytes());
}
