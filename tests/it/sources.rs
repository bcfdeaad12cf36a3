//! Any source form runs (issue #16): ASL as JSON or YAML, CloudFormation and SAM templates
//! (JSON or YAML with short tags, CDK's `DefinitionString` of `Fn::Join`), Serverless
//! Framework configurations; several machines picked by name; `${Name}` placeholders and
//! intrinsics filled with plausible values, said on standard error and overridable. The
//! fixtures are in `tests/sources/` (written for these tests).

use statelab::value::read::parse;
use statelab::value::Value;
use std::process::Command;

fn statelab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_statelab"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sources"))
        .output()
        .expect("the statelab binary runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

/// `run FILE --json` (and more arguments): the result's output, and standard error.
fn output(args: &[&str]) -> (Value, String) {
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    all.push("--json");
    let (code, stdout, stderr) = statelab(&all);
    assert_eq!(code, 0, "{args:?}: {stdout}{stderr}");
    let v = parse(stdout.trim()).unwrap();
    assert_eq!(v["status"], "SUCCEEDED", "{v}");
    (v["output"].clone(), stderr)
}

#[test]
fn a_sam_template_in_yaml_validates_with_its_substitutions_resolved() {
    let (code, stdout, stderr) = statelab(&["validate", "sam-order.yaml"]);
    assert_eq!((code, stdout.trim()), (0, "sam-order.yaml: valid"), "{stderr}");
    // What the template left open is said, with how to set it.
    assert!(stderr.contains("Fn::GetAtt OrderFunction.Arn = arn:aws:lambda:us-east-1:123456789012:function:OrderFunction (made up by statelab; --sub 'Fn::GetAtt OrderFunction.Arn=VALUE' sets it)"), "{stderr}");
    assert!(stderr.contains("Ref OrdersTable = OrdersTable"), "{stderr}");
    // A parameter's default and the pseudo parameters are not made up: not said.
    assert!(!stderr.contains("Stage") && !stderr.contains("AWS::Region"), "{stderr}");
}

#[test]
fn a_cdk_template_joins_its_definition_string_and_takes_its_type() {
    // The definition waits 400 s: past the five minutes an EXPRESS execution may run.
    let (out, stderr) = output(&["cdk.template.json", "--type", "STANDARD"]);
    assert_eq!(out["fn"], "arn:aws:lambda:us-east-1:123456789012:function:greeter", "{stderr}");
    assert_eq!(out["region"], "us-east-1");
    // EXPRESS from the template's StateMachineType.
    let (code, stdout, _) = statelab(&["run", "cdk.template.json", "--json"]);
    assert_eq!(code, 1);
    assert_eq!(parse(stdout.trim()).unwrap()["status"], "TIMED_OUT", "{stdout}");
}

#[test]
fn a_serverless_configuration_resolves_its_variables() {
    let (out, _) = output(&["serverless.yml", "--state-machine", "greet"]);
    assert_eq!(out["table"], "orders-dev");
    assert_eq!(out["region"], "eu-west-1");
    assert_eq!(out["fn"], "arn:aws:lambda:us-east-1:123456789012:function:hello");
}

#[test]
fn several_machines_are_picked_by_name() {
    let (code, _, stderr) = statelab(&["run", "two-machines.yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("holds 2 state machines: pick one (--state-machine NAME) of: First, Second"), "{stderr}");
    let (out, _) = output(&["two-machines.yaml", "--state-machine", "First"]);
    assert_eq!(out, Value::from("first"));
    let (code, _, stderr) = statelab(&["run", "two-machines.yaml", "--state-machine", "Third"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no state machine 'Third' (it has: First, Second)"), "{stderr}");
}

#[test]
fn a_definition_in_a_template_is_located_in_the_yaml() {
    let (code, stdout, _) = statelab(&["validate", "two-machines.yaml", "--state-machine", "Second"]);
    assert_eq!(code, 2);
    assert!(stdout.contains("two-machines.yaml:18:20: The field 'Nextt' is not supported for Pass states"), "{stdout}");
    let (code, stdout, _) = statelab(&["validate", "broken.asl.yaml", "--json"]);
    assert_eq!(code, 2);
    let v = parse(stdout.trim()).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!((d["line"].as_f64(), d["column"].as_f64()), (Some(6.0), Some(5.0)), "{v}");
    assert!(d["message"].as_str().unwrap().starts_with("invalid YAML: "), "{v}");
}

#[test]
fn placeholders_in_a_pasted_definition_are_filled_and_overridable() {
    let (out, stderr) = output(&["placeholders.asl.json"]);
    assert_eq!(out["fn"], "arn:aws:lambda:us-east-1:123456789012:function:ProcessFunction");
    assert_eq!(out["queue"], "https://sqs.us-east-1.amazonaws.com/123456789012/JobsQueue");
    assert_eq!(out["table"], "OrdersTable");
    assert_eq!(stderr.lines().count(), 3, "{stderr}");
    let (out, stderr) = output(&["placeholders.asl.json", "--sub", "OrdersTableName=live-orders"]);
    assert_eq!(out["table"], "live-orders");
    assert!(!stderr.contains("OrdersTableName"), "{stderr}");
}

#[test]
fn a_sam_definition_uri_is_read_beside_the_template() {
    let (out, stderr) = output(&["uri.yaml"]);
    assert_eq!(out["text"], "hello from the template");
    assert_eq!(out["other"], "NotGiven");
    assert!(stderr.contains("NotGiven = NotGiven (made up by statelab"), "{stderr}");
}

#[test]
fn auto_derives_an_input_and_responses_that_reach_the_end() {
    let run = || statelab(&["run", "polling.asl.json", "--auto", "--json"]);
    let (code, stdout, stderr) = run();
    assert_eq!(code, 0, "{stdout}{stderr}");
    let v = parse(stdout.trim()).unwrap();
    assert_eq!(v["status"], "SUCCEEDED", "{stderr}");
    let input = &v["events"][0]["executionStartedEventDetails"]["input"];
    // The Choice's first rule matches; the Map reads an array of items with their fields;
    // the context object's reads of the input count too.
    assert_eq!(input["order"]["priority"], 6);
    assert!(input["order"]["id"].is_string(), "{input}");
    assert_eq!(input["order"]["files"].as_array().map(|a| a.len()), Some(3), "{input}");
    assert!(
        input["order"]["files"][0]["key"].is_string() && input["order"]["files"][0]["width"].is_number(),
        "{input}"
    );
    assert!(input["region"].is_string(), "{input}");
    // Responses in AWS's shape, with what later states read: the poll ends at once.
    let succeeded: Vec<&Value> =
        v["events"].as_array().unwrap().iter().filter(|e| e["type"] == "TaskSucceeded").collect();
    let start = &succeeded[0]["taskSucceededEventDetails"]["output"];
    assert_eq!(start["StatusCode"], 200);
    assert_eq!(start["SdkHttpMetadata"]["HttpStatusCode"], 200);
    assert!(start["Payload"]["jobId"].is_string(), "{start}");
    let status = &succeeded[1]["taskSucceededEventDetails"]["output"];
    assert_eq!(status["Item"]["state"]["S"], "COMPLETE", "{status}");
    assert_eq!(v["events"].as_array().unwrap().iter().filter(|e| e["type"] == "WaitStateEntered").count(), 0);
    // Said on standard error, and the same every time.
    assert!(
        stderr.contains("input made up by statelab") && stderr.contains("Get status: response made up by statelab"),
        "{stderr}"
    );
    assert_eq!(run().1, stdout);
    // Without --auto, nothing is made up: the first Task has no response.
    let (code, _, stderr) = statelab(&["run", "polling.asl.json"]);
    assert_ne!(code, 0, "{stderr}");
}

#[test]
fn auto_takes_the_way_out_of_loops_whichever_rule_it_is() {
    // "More?" goes on when a token is present (the token comes from the Task's response);
    // "Job done?" loops while NOT succeeded, and leaves by its Default.
    let (code, stdout, stderr) = statelab(&["run", "pagination.asl.json", "--auto", "--json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let v = parse(stdout.trim()).unwrap();
    assert_eq!(v["status"], "SUCCEEDED");
    let scheduled = v["events"].as_array().unwrap().iter().filter(|e| e["type"] == "TaskScheduled").count();
    assert_eq!(scheduled, 2, "each Task once: {stderr}");
    assert!(stderr.contains(r#""state":"SUCCEEDED""#), "{stderr}");
}
