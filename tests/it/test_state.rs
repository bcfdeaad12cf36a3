//! TestState (`statelab::teststate`) on the rows no AWS recording shows: JSONPath catchers,
//! retriers that run out or wait at most MaxDelaySeconds, Map tolerances by percentage and
//! ItemSelector, Wait and Choice states, assignments, the context it makes up, and refusals.

use statelab::json;
use statelab::teststate::test_state;
use statelab::value::Value;

fn answer(request: Value) -> Value {
    test_state(&request, 1_700_000_000_000).unwrap_or_else(|r| panic!("refused: {r:?}"))
}

fn refusal(request: Value) -> (&'static str, String) {
    match test_state(&request, 0) {
        Ok(a) => panic!("answered {a}"),
        Err(r) => (r.code, r.message),
    }
}

const LAMBDA: &str = "arn:aws:states:::lambda:invoke";

#[test]
fn a_jsonpath_catcher_places_the_error_output_with_its_result_path() {
    let a = answer(json!({
        "definition": {"Type": "Task", "Resource": LAMBDA, "End": true,
            "Catch": [{"ErrorEquals": ["Other"], "Next": "A"}, {"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "B"}]},
        "input": {"k": 1},
        "inspectionLevel": "DEBUG",
        "mock": {"errorOutput": {"error": "Boom", "cause": "bad"}}
    }));
    assert_eq!(a["status"], "CAUGHT_ERROR");
    assert_eq!(a["nextState"], "B");
    assert_eq!(a["output"], json!({"k": 1, "err": {"Error": "Boom", "Cause": "bad"}}));
    assert_eq!((a["error"].clone(), a["cause"].clone()), (json!("Boom"), json!("bad")));
    assert_eq!(a["inspectionData"]["errorDetails"], json!({"catchIndex": 1}));
    // The call's arguments were made; there is no result.
    assert_eq!(a["inspectionData"]["afterParameters"], json!({"k": 1}));
    assert!(a["inspectionData"].get("result").is_none());
}

#[test]
fn a_retrier_that_ran_out_hands_the_error_to_a_catcher() {
    let def = json!({"Type": "Task", "Resource": LAMBDA, "End": true,
        "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 2, "IntervalSeconds": 3, "BackoffRate": 3, "MaxDelaySeconds": 5}],
        "Catch": [{"ErrorEquals": ["Boom"], "Next": "Handler"}]});
    let ask = |count: u32| {
        answer(json!({
            "definition": def.clone(), "inspectionLevel": "TRACE",
            "mock": {"errorOutput": {"error": "Boom", "cause": "c"}},
            "stateConfiguration": {"retrierRetryCount": count}
        }))
    };
    let first = ask(0);
    assert_eq!(first["status"], "RETRIABLE");
    assert_eq!(first["inspectionData"]["errorDetails"], json!({"retryIndex": 0, "retryBackoffIntervalSeconds": 3}));
    assert!(first.get("nextState").is_none() && first.get("output").is_none());
    // 3 x 3^1 = 9 s, held to MaxDelaySeconds.
    assert_eq!(ask(1)["inspectionData"]["errorDetails"]["retryBackoffIntervalSeconds"], json!(5));
    let out = ask(2);
    assert_eq!(out["status"], "CAUGHT_ERROR");
    assert_eq!(out["nextState"], "Handler");
    assert_eq!(out["output"], json!({"Error": "Boom", "Cause": "c"}));
    assert_eq!(out["inspectionData"]["errorDetails"], json!({"retryIndex": 0, "catchIndex": 0}));
}

#[test]
fn a_runtime_error_is_neither_retried_nor_caught_by_states_all() {
    let a = answer(json!({
        "definition": {"Type": "Task", "Resource": LAMBDA, "End": true, "InputPath": "$.missing",
            "Retry": [{"ErrorEquals": ["States.ALL"]}], "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "X"}]},
        "input": {"a": 1}, "inspectionLevel": "DEBUG", "mock": {"result": "{}"}
    }));
    assert_eq!(a["status"], "FAILED");
    assert_eq!(a["error"], "States.Runtime");
    assert!(a["cause"].as_str().unwrap().starts_with("Invalid path '$.missing'"), "{a}");
    assert_eq!(a["inspectionData"], json!({"input": {"a": 1}}));
}

#[test]
fn map_tolerance_by_percentage_and_item_selector() {
    let def = json!({"Type": "Map", "End": true, "ItemsPath": "$.items", "ToleratedFailurePercentage": 50,
        "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value"},
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}});
    let ask = |failures: u32| {
        answer(json!({"definition": def.clone(), "input": {"items": ["a", "b", "c"]}, "inspectionLevel": "DEBUG",
            "mock": {"result": "[1, 2, 3]"}, "stateConfiguration": {"mapIterationFailureCount": failures}}))
    };
    let ok = ask(1);
    assert_eq!(ok["status"], "SUCCEEDED");
    assert_eq!(ok["output"], json!([1, 2, 3]));
    let insp = &ok["inspectionData"];
    assert_eq!(insp["afterItemsPath"], json!(["a", "b", "c"]));
    assert_eq!(insp["afterItemSelector"], json!([{"i": 0, "v": "a"}, {"i": 1, "v": "b"}, {"i": 2, "v": "c"}]));
    assert_eq!((insp["maxConcurrency"].clone(), insp["toleratedFailurePercentage"].clone()), (json!(0), json!(50.0)));
    assert!(insp.get("toleratedFailureCount").is_none());
    let over = ask(2);
    assert_eq!(over["status"], "FAILED");
    assert_eq!(over["error"], "States.ExceedToleratedFailureThreshold");
}

#[test]
fn wait_and_choice_states() {
    let wait = answer(json!({"definition": {"Type": "Wait", "Seconds": 86400, "Next": "Later", "OutputPath": "$.a"},
        "input": {"a": [1]}, "inspectionLevel": "DEBUG"}));
    assert_eq!(wait["status"], "SUCCEEDED");
    assert_eq!(wait["nextState"], "Later");
    assert_eq!(wait["output"], json!([1]));
    assert_eq!(wait["inspectionData"], json!({"input": {"a": [1]}, "afterInputPath": {"a": [1]}}));

    let choice = answer(json!({"definition": {"Type": "Choice",
        "Choices": [{"Variable": "$.n", "NumericGreaterThan": 5, "Next": "Big"}]},
        "input": {"n": 1}, "inspectionLevel": "INFO"}));
    assert_eq!(
        choice,
        json!({"status": "FAILED", "error": "States.NoChoiceMatched", "cause": "No Matches! in state 'StateName'"})
    );
}

#[test]
fn assignments_show_in_the_variables() {
    let a = answer(json!({
        "definition": {"Type": "Pass", "Next": "N", "Result": {"x": 2}, "Assign": {"doubled.$": "States.MathAdd($.x, $.x)"}},
        "variables": "{\"kept\": true}", "inspectionLevel": "DEBUG"
    }));
    assert_eq!(a["inspectionData"]["variables"], json!({"kept": true, "doubled": 4}));
    let info =
        answer(json!({"definition": {"Type": "Pass", "End": true, "Assign": {"v": 1}}, "inspectionLevel": "INFO"}));
    assert!(info.get("inspectionData").is_none());
}

#[test]
fn a_jsonata_task_shows_its_arguments_and_result() {
    let a = answer(json!({
        "definition": {"Type": "Task", "QueryLanguage": "JSONata", "Resource": LAMBDA, "End": true,
            "Arguments": {"FunctionName": "f", "Payload": "{% $states.input.p %}"},
            "Output": "{% $states.result.Payload & '/' & $states.context.State.Name & '/' & $string($states.context.State.RetryCount) %}"},
        "input": {"p": "in"}, "inspectionLevel": "TRACE",
        "mock": {"result": "{\"Payload\": \"out\", \"StatusCode\": 200}"},
        "stateConfiguration": {"retrierRetryCount": 2}
    }));
    assert_eq!(a["output"], "out/StateName/2");
    assert_eq!(
        a["inspectionData"],
        json!({"input": {"p": "in"}, "afterArguments": {"FunctionName": "f", "Payload": "in"},
            "result": {"Payload": "out", "StatusCode": 200}})
    );
}

#[test]
fn refusals() {
    let (code, msg) = refusal(json!({"definition": {"Type": "Task", "Resource": LAMBDA, "End": true}}));
    assert_eq!(code, "ValidationException");
    assert!(msg.contains("mock"), "{msg}");
    let (code, msg) = refusal(
        json!({"definition": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "A"}]},
        "mock": {"result": "{}"}}),
    );
    assert_eq!(
        (code, msg.as_str()),
        ("ValidationException", "State type 'Choice' is not supported when a mock is specified")
    );
    let (code, _) = refusal(json!({"definition": {"Type": "Pass", "End": true}, "inspectionLevel": "LOUD"}));
    assert_eq!(code, "ValidationException");
    let (code, _) = refusal(
        json!({"definition": {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}, "stateName": "B"}),
    );
    assert_eq!(code, "ValidationException");
    let (code, msg) = refusal(json!({"definition": {"Type": "Pass", "Next": 3}}));
    assert_eq!(code, "InvalidDefinition");
    assert!(msg.starts_with("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: "), "{msg}");
    let (code, msg) = refusal(
        json!({"definition": {"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Succeed"}}}, "End": true},
        "mock": {"result": "{\"not\": \"a list\"}"}}),
    );
    assert_eq!((code, msg.as_str()), ("ValidationException", "Mocked result must be an array."));
    // STRICT by default, PRESENT on request.
    let start = json!({"Type": "Task", "Resource": "arn:aws:states:::states:startExecution", "End": true});
    let (_, msg) = refusal(json!({"definition": start.clone(), "mock": {"result": "{\"ExecutionArn\": \"a\"}"}}));
    assert_eq!(msg, "Mock result schema validation error: Required field 'StartDate' is missing");
    let ok = answer(
        json!({"definition": start, "mock": {"result": "{\"ExecutionArn\": \"a\"}", "fieldValidationMode": "PRESENT"}}),
    );
    assert_eq!(ok["output"], json!({"ExecutionArn": "a"}));
}

#[test]
fn the_context_made_up_for_a_state() {
    let pass =
        answer(json!({"definition": {"Type": "Pass", "End": true, "Parameters": {"c.$": "$$"}}, "input": {"i": 1}}));
    let ctx = &pass["output"]["c"];
    assert_eq!(ctx["State"]["Name"], "StateName");
    assert!(ctx["State"].get("RetryCount").is_none());
    assert_eq!(ctx["Execution"]["Input"], json!({"i": 1}));
    assert_eq!(ctx["Execution"]["RoleArn"], Value::Null);
    assert_eq!(ctx["Execution"]["StartTime"], "2023-11-14T22:13:20.000Z");
    // A given context is the context.
    let given = answer(
        json!({"definition": {"Type": "Pass", "End": true, "Parameters": {"c.$": "$$"}}, "context": "{\"Mine\": 1}"}),
    );
    assert_eq!(given["output"], json!({"c": {"Mine": 1}}));
}

#[test]
fn members_over_the_api_length_limits_are_refused_before_they_are_read() {
    let big = format!("{{\"k\":\"{}\"}}", "x".repeat(262_144));
    let (code, message) = refusal(json!({"definition": {"Type": "Pass", "End": true}, "input": big.clone()}));
    assert_eq!(code, "ValidationException");
    assert_eq!(
        message,
        "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144"
    );
    // Several at once, each named; a member given as a value counts as its compact text.
    let (_, message) = refusal(json!({
        "definition": {"Type": "Pass", "End": true},
        "variables": {"v": "x".repeat(262_144)},
        "mock": {"errorOutput": {"error": "E".repeat(257), "cause": "c"}}
    }));
    assert!(message.starts_with("2 validation errors detected: Value at 'variables' failed"), "{message}");
    assert!(message.contains("; Value at 'mock.errorOutput.error' failed to satisfy constraint: Member must have length less than or equal to 256"), "{message}");
    // At the limit (in characters, not bytes) it is taken.
    let at = format!("\"{}\"", "é".repeat(262_142));
    assert_eq!(answer(json!({"definition": {"Type": "Pass", "End": true}, "input": at}))["status"], "SUCCEEDED");
}

#[test]
fn a_fail_state_error_and_cause_are_cut_to_what_an_event_holds() {
    // A JSONata Error that makes a 16 MB text of 64 references to one input: only its start is
    // written.
    let a = answer(json!({
        "definition": {"Type": "Fail", "QueryLanguage": "JSONata",
            "Error": "{% $map([1,2,3,4,5,6,7,8], function($i){ $map([1,2,3,4,5,6,7,8], function($j){ $states.input }) }) %}",
            "Cause": "{% $states.input.k & $states.input.k %}"},
        "input": {"k": "x".repeat(250_000)}
    }));
    assert_eq!(a["status"], "FAILED");
    let error = a["error"].as_str().unwrap();
    assert_eq!(error.chars().count(), 256);
    assert!(error.starts_with("[[{\"k\":\"xxx"), "{error}");
    assert_eq!(a["cause"].as_str().unwrap().chars().count(), 32_768);
}
