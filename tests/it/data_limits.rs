//! The data limits of values the executor makes (issue #15): AWS's 256 KiB on results,
//! inputs, Catch outputs and the variables one Assign sets, and statelab's nesting limit
//! (512 levels, the depth the JSON reader takes) on the same values, so that no walk over a
//! value (writing it, dropping it, the wasm tape) can be driven past the stack by a loop
//! that wraps its own output. Both fail the state with `States.DataLimitExceeded`.

use statelab::asl::{validate_text, MachineType};
use statelab::driver::{result_json, simulate};
use statelab::exec::Options;
use statelab::json;
use statelab::mock::Mocks;
use statelab::value::Value;

/// A loop: `state` (named A) then a Choice that never leaves, so only a limit ends it
/// (first, `$v` is set to 0).
fn nesting_loop(jsonata: bool, state: Value) -> String {
    let mut a = state;
    a["Next"] = json!("C");
    let rule = if jsonata {
        json!({"Condition": "{% $exists($states.input.never) %}", "Next": "D"})
    } else {
        json!({"Variable": "$.never", "IsPresent": true, "Next": "D"})
    };
    let mut def = json!({"StartAt": "I", "States": {"I": {"Type": "Pass", "Assign": {"v": 0}, "Next": "A"}, "A": a, "C": {"Type": "Choice", "Choices": [rule], "Default": "A"}, "D": {"Type": "Succeed"}}});
    if jsonata {
        def["QueryLanguage"] = json!("JSONata");
    }
    def.to_string()
}

/// Run on a thread of 1 MiB of stack (the wasm engine's is about as big), history kept.
fn run_small_stack(def: String) -> Value {
    let text = std::thread::Builder::new()
        .stack_size(1024 * 1024 * if cfg!(debug_assertions) { 8 } else { 1 })
        .spawn(move || {
            let machine = validate_text(&def, MachineType::Standard).expect("valid");
            let exec = simulate(machine, json!({}), Mocks::default(), Options::default()).unwrap();
            result_json(&exec).to_string()
        })
        .unwrap()
        .join()
        .unwrap();
    statelab::value::read::parse(&text).unwrap()
}

fn error_and_cause(result: &Value) -> (String, String) {
    let s = |k: &str| result[k].as_str().unwrap_or_default().to_string();
    (s("error"), s("cause"))
}

#[test]
fn a_loop_that_wraps_its_output_ends_at_512_levels_with_data_limit_exceeded() {
    let loops = [
        ("Parameters", false, json!({"Type": "Pass", "Parameters": {"a.$": "$"}}), "returned a result"),
        ("ResultPath", false, json!({"Type": "Pass", "ResultPath": "$.a"}), "returned a result"),
        ("JSONata Output", true, json!({"Type": "Pass", "Output": {"a": "{% $states.input %}"}}), "returned a result"),
        (
            "JSONata Assign",
            true,
            json!({"Type": "Pass", "Assign": {"v": "{% {'a': $exists($v) ? $v : 0} %}"}}),
            "assigned variables",
        ),
        (
            "JSONPath Assign",
            false,
            json!({"Type": "Pass", "Assign": {"v.$": "States.Array($v)"}}),
            "assigned variables",
        ),
        ("intrinsic", false, json!({"Type": "Pass", "Parameters": {"x.$": "States.Array($)"}}), "returned a result"),
    ];
    for (name, jsonata, state, what) in loops {
        let result = run_small_stack(nesting_loop(jsonata, state));
        let (error, cause) = error_and_cause(&result);
        assert_eq!(error, "States.DataLimitExceeded", "{name}: {cause}");
        assert_eq!(
            cause,
            format!("The state/task 'A' {what} nested more than 512 levels deep, statelab's limit."),
            "{name}"
        );
        // Far from the history limit: the loop ended at the nesting limit.
        let events = result["events"].as_array().unwrap().len();
        assert!((1_000..5_000).contains(&events), "{name}: {events} events");
    }
}

#[test]
fn states_all_catches_the_nesting_limit() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Parallel", "Parameters": {"a.$": "$"}, "Next": "A",
              "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": null, "Next": "Caught"}]},
        "Caught": {"Type": "Pass", "Result": "caught", "End": true}}});
    let result = run_small_stack(def.to_string());
    assert_eq!(result["status"], json!("SUCCEEDED"), "{}", result["cause"]);
    assert_eq!(result["output"], json!("caught"));
}

fn assign(fields: Value) -> Value {
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": fields, "End": true}}});
    run_small_stack(def.to_string())
}

#[test]
fn the_variables_of_one_assign_are_within_256_kib_in_all() {
    let big = |n: usize| format!("{{% $pad('', {n}, 'x') %}}");
    assert_eq!(assign(json!({"v": big(200_000)}))["status"], json!("SUCCEEDED"));
    for fields in [json!({"v": big(270_000)}), json!({"v": big(140_000), "w": big(140_000)})] {
        let (error, cause) = error_and_cause(&assign(fields));
        assert_eq!(error, "States.DataLimitExceeded");
        assert_eq!(
            cause,
            "The state/task 'A' assigned variables with a size exceeding the maximum number of bytes service limit."
        );
    }
}
