//! Engine throughput: state transitions per second on the virtual clock.
//!
//!     cargo run --release --example bench
//!
//! Workloads: a Pass/Choice loop of 10,000 transitions over a 1 KB payload, a Map of
//! 10,000 items (an inner Pass and Choice each), and a Parallel of 100 branches of 10 states.

use statelab::asl::{validate_text, MachineType};
use statelab::driver::simulate;
use statelab::exec::{Options, Status};
use statelab::json;
use statelab::mock::Mocks;
use statelab::value::Value;
use std::time::Instant;

fn loop_definition() -> (Value, Value) {
    let def = json!({
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.i", "Next": "Check"},
            "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericGreaterThanEquals": 5000, "Next": "Done"}], "Default": "Step"},
            "Step": {"Type": "Pass", "Parameters": {"payload.$": "$.payload", "i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
            "Done": {"Type": "Succeed"}
        }
    });
    let input = json!({"payload": "x".repeat(1000), "i": 0});
    (def, input)
}

fn map_definition() -> (Value, Value) {
    let def = json!({
        "StartAt": "Each",
        "States": {"Each": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "Tag", "States": {
            "Tag": {"Type": "Pass", "Parameters": {"n.$": "$"}, "Next": "Big"},
            "Big": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 5000, "Next": "Yes"}], "Default": "No"},
            "Yes": {"Type": "Pass", "Result": true, "End": true},
            "No": {"Type": "Pass", "Result": false, "End": true}
        }}, "End": true}}
    });
    let items: Vec<Value> = (0..10_000).map(|i| json!(i)).collect();
    (def, json!({"items": items}))
}

fn parallel_definition() -> (Value, Value) {
    let branch = |b: usize| {
        let mut states = statelab::value::Map::new();
        for s in 0..10 {
            let name = format!("B{b}S{s}");
            let mut st = json!({"Type": "Pass", "Parameters": {"branch": b, "step": s, "in.$": "$"}});
            if s == 9 {
                st["End"] = json!(true);
            } else {
                st["Next"] = json!(format!("B{b}S{}", s + 1));
            }
            states.insert(name.into(), st);
        }
        json!({"StartAt": format!("B{b}S0"), "States": states})
    };
    let branches: Vec<Value> = (0..100).map(branch).collect();
    (
        json!({"StartAt": "Fan", "States": {"Fan": {"Type": "Parallel", "Branches": branches, "End": true}}}),
        json!({"k": 1}),
    )
}

fn measure(name: &str, (def, input): (Value, Value), runs: usize) {
    let machine = validate_text(&def.to_string(), MachineType::Standard).expect("benchmark definitions are valid");
    let mut best = f64::MAX;
    let mut transitions = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let exec = simulate(
            machine.clone(),
            input.clone(),
            Mocks::empty(),
            Options { max_events: usize::MAX, ..Options::default() },
        )
        .unwrap();
        let secs = t.elapsed().as_secs_f64();
        assert!(matches!(exec.status(), Status::Succeeded(_)), "{name}: {:?}", exec.status());
        transitions = exec
            .events()
            .iter()
            .filter(|e| matches!(e.kind, statelab::exec::events::EventType::StateEntered(_)))
            .count();
        best = best.min(secs);
    }
    let exec = simulate(
        machine.clone(),
        input.clone(),
        Mocks::empty(),
        Options { max_events: usize::MAX, ..Options::default() },
    )
    .unwrap();
    let t = Instant::now();
    let timings = statelab::exec::analysis::critical_path(exec.spans(), exec.now());
    let analysis_ms = t.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(timings.len(), exec.spans().len());
    println!(
        "{name:<40} {transitions:>7} transitions  {:>9.2} ms  {:>12.0} transitions/s   critical path {analysis_ms:.2} ms",
        best * 1000.0,
        transitions as f64 / best
    );
}

fn main() {
    println!("best of 5 runs, release build");
    measure("Pass/Choice loop, 1 KB payload", loop_definition(), 5);
    measure("Map of 10,000 items (Pass + Choice)", map_definition(), 5);
    measure("Parallel of 100 branches x 10 states", parallel_definition(), 5);
}
