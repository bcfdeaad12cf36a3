//! The `statelab` binary itself: commands whose output no corpus checks.

use statelab::value::Value;
use std::process::Command;

fn statelab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_statelab"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the statelab binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const EXAMPLE: [&str; 5] = [
    "examples/image-pipeline/definition.json",
    "--input",
    "examples/image-pipeline/input.json",
    "--mock-config",
    "examples/image-pipeline/mocks.json",
];

#[test]
fn bench_times_executions_of_a_definition_checked_once() {
    for history in [true, false] {
        let mut args = vec!["bench"];
        args.extend(EXAMPLE);
        args.extend(["--runs", "5", "--json"]);
        if !history {
            args.push("--no-history");
        }
        let (code, stdout, stderr) = statelab(&args);
        assert_eq!(code, 0, "{stdout}{stderr}");
        let v: Value = statelab::value::read::parse(stdout.trim()).expect("bench --json prints one JSON object");
        assert_eq!(v["status"], "SUCCEEDED");
        assert_eq!(v["runs"], 5);
        let (median, min) = (v["medianMs"].as_f64().unwrap(), v["minMs"].as_f64().unwrap());
        assert!(min > 0.0 && min <= median, "{v}");
    }
}

#[test]
fn bench_reports_bad_arguments_and_invalid_definitions() {
    let mut args = vec!["bench"];
    args.extend(EXAMPLE);
    args.extend(["--runs", "0"]);
    let (code, _, stderr) = statelab(&args);
    assert_eq!(code, 2);
    assert!(stderr.contains("--runs takes a whole number above 0"), "{stderr}");
    let dir = std::env::temp_dir().join(format!("statelab-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        "{\n  \"StartAt\": \"Nowhere\",\n  \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}\n}",
    )
    .unwrap();
    let (code, _, stderr) = statelab(&["bench", bad.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 2);
    assert!(stderr.contains("bad.json:2:"), "diagnostics carry line:column: {stderr}");
}

/// A file the CLI cannot use is named with the line and column (and, for JSON, the JSON
/// Pointer) of the problem, whatever the file: definition, input or mocks.
#[test]
fn bad_files_are_located() {
    let dir = std::env::temp_dir().join(format!("statelab-cli-located-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_string_lossy().into_owned()
    };
    let def = "examples/image-pipeline/definition.json";
    // JSON that breaks inside a nested value: its pointer.
    let input = file("input.json", b"{\n  \"a\": {\"b\": [1, 2, ]}}");
    let (code, _, err) = statelab(&["run", def, "--input", &input]);
    assert_eq!(code, 2);
    assert!(
        err.contains("input.json:2:21: invalid JSON: unexpected character, expected a JSON value (at /a/b/2)"),
        "{err}"
    );
    // Text that is not UTF-8: where it stops being UTF-8.
    let bad = file("def.json", b"{\n  \"StartAt\": \"A\xff\"}");
    let (code, _, err) = statelab(&["validate", &bad]);
    assert_eq!(code, 2);
    assert!(err.contains("def.json:2:16: the file is not UTF-8 text (byte 18 of it is not)"), "{err}");
    // A mock file that is JSON but not mocks: the value at fault.
    let mocks =
        file("mocks.json", b"{\n  \"Resize\": [{\"result\": {}},\n             {\"result\": {}, \"latency\": -1}]\n}");
    let (code, _, err) = statelab(&["run", def, "--mock-config", &mocks]);
    assert_eq!(code, 2);
    assert!(
        err.contains("mocks.json:3:40: mocks for state 'Resize', response 1: the latency must be a non-negative number of seconds (at /Resize/1/latency)"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The CLI's timeline draws a lane per branch by its place, whatever the state names look
/// like, and marks the critical path through them.
#[test]
fn timeline_lanes_of_states_named_like_paths() {
    let dir = std::env::temp_dir().join(format!("statelab-cli-timeline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let task = r#"{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": true}"#;
    let def = format!(
        r#"{{"StartAt": "P/1", "States": {{"P/1": {{"Type": "Parallel", "End": true, "Branches": [
            {{"StartAt": "a/b", "States": {{"a/b": {task}}}}},
            {{"StartAt": "x[0]", "States": {{"x[0]": {task}}}}}]}}}}}}"#
    );
    std::fs::write(dir.join("d.json"), def).unwrap();
    std::fs::write(dir.join("m.json"), r#"{"a/b": {"result": 1, "latency": 1}, "x[0]": {"result": 2, "latency": 3}}"#)
        .unwrap();
    let (d, m) = (dir.join("d.json"), dir.join("m.json"));
    let (code, out, err) = statelab(&["run", d.to_str().unwrap(), "--mock-config", m.to_str().unwrap(), "--timeline"]);
    assert_eq!(code, 0, "{err}");
    let row = |lane: &str, state: &str, kind: &str| {
        out.lines()
            .find(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                f.len() > 3 && f[0] == lane && f[1] == state && f[2] == kind
            })
            .unwrap_or_else(|| panic!("no row {lane} {state} {kind} in\n{out}"))
            .to_string()
    };
    assert!(row("main", "P/1", "state").ends_with('*'));
    assert!(row("P/1/1", "x[0]", "attempt").ends_with('*'), "{out}");
    assert!(row("P/1/0", "a/b", "attempt").ends_with("slack 2.000s"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn test_state_prints_the_answer_or_the_refusal() {
    let dir = std::env::temp_dir().join(format!("statelab-test-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let ok = write("ok.json", r#"{"definition": "{\"Type\": \"Pass\", \"Next\": \"B\"}", "input": "{\"a\": 1}"}"#);
    let (code, out, _) = statelab(&["test-state", &ok, "--json"]);
    assert_eq!((code, out.trim()), (0, r#"{"status":"SUCCEEDED","output":{"a":1},"nextState":"B"}"#));
    let failed = write("failed.json", r#"{"definition": {"Type": "Fail", "Error": "E"}}"#);
    let (code, out, _) = statelab(&["test-state", &failed, "--json"]);
    assert_eq!((code, out.trim()), (1, r#"{"status":"FAILED","error":"E"}"#));
    let refused = write("refused.json", r#"{"definition": {"Type": "Succeed"}, "mock": {"result": "1"}}"#);
    let (code, out, _) = statelab(&["test-state", &refused, "--json"]);
    assert_eq!(code, 2);
    assert!(out.contains(r#""Code":"ValidationException""#), "{out}");
    // The state configuration's mapItemReaderData and errorCausedByState, and revealSecrets.
    let reader = write(
        "reader.json",
        r#"{"definition": {"Type": "Map", "End": true,
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL"},
                           "Parameters": {"Bucket": "b", "Key": "k.jsonl"}},
            "ItemSelector": {"v.$": "$$.Map.Item.Value.v"},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                              "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}},
            "inspectionLevel": "DEBUG", "mock": {"result": "[]"},
            "stateConfiguration": {"mapItemReaderData": "{\"v\": 1}\n{\"v\": 2}\n"}}"#,
    );
    let (code, out, _) = statelab(&["test-state", &reader, "--json"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(r#""afterItemSelector":[{"v":1},{"v":2}]"#), "{out}");
    let caused = write(
        "caused.json",
        r#"{"definition": {"Type": "Parallel", "End": true,
            "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}]},
            "mock": {"errorOutput": {"error": "E", "cause": "c"}},
            "stateConfiguration": {"errorCausedByState": "B"}}"#,
    );
    let (code, out, _) = statelab(&["test-state", &caused, "--json"]);
    assert_eq!(code, 2);
    assert!(out.contains("errorCausedByState 'B' is not a state"), "{out}");
    let http = write(
        "http.json",
        r#"{"definition": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "End": true,
            "Parameters": {"ApiEndpoint": "https://e.example", "Method": "GET"}},
            "inspectionLevel": "TRACE", "revealSecrets": true, "mock": {"result": "{\"StatusCode\": 200}"}}"#,
    );
    let (code, out, _) = statelab(&["test-state", &http, "--json"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(r#""request":{"protocol":"https","method":"GET","url":"https://e.example""#), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

/// `--files DIR` is the workspace of files (one folder per bucket), the mock configuration's
/// `Files` section adds to it, `--json` prints what the run wrote and `--write-files DIR`
/// writes it out; bad buckets are named where they are.
#[test]
fn files_in_and_out() {
    let dir = std::env::temp_dir().join(format!("statelab-cli-files-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("ws/data/nested")).unwrap();
    std::fs::create_dir_all(dir.join("ws/out")).unwrap();
    std::fs::write(dir.join("ws/data/nested/rows.csv"), "id,qty\na,1\nb,2\n").unwrap();
    let path = |p: &str| dir.join(p).to_string_lossy().into_owned();
    let def = r#"{"StartAt": "M", "States": {"M": {"Type": "Map",
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV"},
                       "Parameters": {"Bucket": "data", "Key": "nested/rows.csv"}},
        "ItemSelector": {"id.$": "$$.Map.Item.Value.id", "extra.$": "$.extra"},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
        "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "out", "Prefix": "results"},
                         "WriterConfig": {"Transformation": "COMPACT"}},
        "Next": "Read"},
        "Read": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                 "Parameters": {"Bucket": "more", "Key": "x.json"}, "OutputPath": "$.Body", "End": true}}}"#;
    std::fs::write(dir.join("def.json"), def).unwrap();
    std::fs::write(dir.join("input.json"), r#"{"extra": 7}"#).unwrap();
    std::fs::write(dir.join("mocks.json"), r#"{"Files": {"more": {"x.json": [1, 2]}}}"#).unwrap();
    let base = ["run", &path("def.json"), "--input", &path("input.json"), "--files", &path("ws")];
    let mut args = base.to_vec();
    let (mocks, out) = (path("mocks.json"), path("written"));
    args.extend(["--mock-config", &mocks, "--write-files", &out, "--json"]);
    let (code, stdout, stderr) = statelab(&args);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(!stderr.contains("no mocked response"), "the files answer the S3 task: {stderr}");
    let v: Value = statelab::value::read::parse(stdout.trim()).expect("run --json prints one JSON object");
    assert_eq!(v["output"], "[1,2]");
    let written = &v["files"]["out"];
    let succeeded = written["results/2/SUCCEEDED_0.json"].as_str().expect("the results file");
    // (An ItemSelector builds its object in the key order of AWS's Java maps.)
    assert_eq!(succeeded, r#"[{"extra":7,"id":"a"},{"extra":7,"id":"b"}]"#);
    assert!(written["results/2/manifest.json"].as_str().is_some_and(|m| m.contains("\"DestinationBucket\":\"out\"")));
    assert_eq!(std::fs::read_to_string(dir.join("written/out/results/2/SUCCEEDED_0.json")).unwrap(), succeeded);
    assert!(dir.join("written/out/results/2/manifest.json").is_file());
    // Text mode says what was written.
    let (code, stdout, _) = statelab(&[&base[..], &["--mock-config", &mocks]].concat());
    assert_eq!(code, 0);
    assert!(stdout.contains("wrote s3://out/results/2/SUCCEEDED_0.json (43 bytes)"), "{stdout}");
    // Without the mock configuration's Files, the last task's bucket is missing.
    let (code, stdout, _) = statelab(&base);
    assert_eq!(code, 1);
    assert!(stdout.contains("error: S3.NoSuchBucketException"), "{stdout}");
    // A bucket name S3 refuses, in the mock configuration or as a folder.
    std::fs::write(dir.join("mocks.json"), "{\n  \"Files\": {\"Bad_Name\": {}}}").unwrap();
    let (code, _, err) = statelab(&[&base[..], &["--mock-config", &mocks]].concat());
    assert_eq!(code, 2);
    assert!(err.contains("mocks.json:2:25: 'Bad_Name' is not a bucket name"), "{err}");
    assert!(err.contains("(at /Files/Bad_Name)"), "{err}");
    std::fs::create_dir_all(dir.join("ws/UPPER")).unwrap();
    let (code, _, err) = statelab(&base);
    assert_eq!(code, 2);
    assert!(err.contains("the folder 'UPPER' is not a bucket name"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A workflow of three Tasks, one inside a Parallel branch (written for these tests).
fn three_tasks(name: &str) -> (tempfile_path::Dir, String) {
    let dir = tempfile_path::Dir::new(name);
    let def = r#"{"StartAt": "Get", "States": {
        "Get": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Fan"},
        "Fan": {"Type": "Parallel", "Branches": [{"StartAt": "Put", "States": {
            "Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "End": true}}}], "Next": "Tell"},
        "Tell": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": true}}}"#;
    let path = dir.write("def.json", def);
    (dir, path)
}

mod tempfile_path {
    /// A scratch folder in the system's temporary directory, removed when dropped.
    pub struct Dir(std::path::PathBuf);
    impl Dir {
        pub fn new(name: &str) -> Dir {
            let p = std::env::temp_dir().join(format!("statelab-cli-{name}-{}", std::process::id()));
            std::fs::create_dir_all(&p).unwrap();
            Dir(p)
        }
        pub fn write(&self, name: &str, text: &str) -> String {
            let p = self.0.join(name);
            std::fs::write(&p, text).unwrap();
            p.to_string_lossy().into_owned()
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[test]
fn every_task_without_a_mock_is_named_at_once_with_where_it_is() {
    let (dir, def) = three_tasks("missing");
    let mocks = dir.write("mocks.json", r#"{"Tell": {"result": {}}}"#);
    let (code, _, stderr) = statelab(&["run", &def, "--mock-config", &mocks]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("2 Task states have no mocked response"), "{stderr}");
    assert!(stderr.contains("  Get at /States/Get"), "{stderr}");
    assert!(stderr.contains("  Put at /States/Fan/Branches/0/States/Put"), "{stderr}");
    assert!(!stderr.contains("Tell at"), "{stderr}");
}

#[test]
fn a_star_entry_answers_every_task_it_does_not_name() {
    let (dir, def) = three_tasks("star");
    let mocks = dir.write("mocks.json", r#"{"*": {"result": {"any": 1}}, "Tell": {"result": "told"}}"#);
    let (code, stdout, stderr) = statelab(&["run", &def, "--mock-config", &mocks, "--json"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("no mocked response"), "{stderr}");
    let v: Value = statelab::value::read::parse(stdout.trim()).unwrap();
    assert_eq!(v["output"], Value::from("told"), "the named mock wins over '*'");
    assert!(stdout.contains(r#"{"any":1}"#), "the others get '*': {stdout}");
}

#[test]
fn an_express_execution_has_an_express_arn_the_same_for_the_same_seed() {
    let dir = tempfile_path::Dir::new("express");
    let def = dir.write("def.json", r#"{"StartAt": "Who", "States": {"Who": {"Type": "Pass", "Parameters": {"id.$": "$$.Execution.Id"}, "End": true}}}"#);
    let id = |args: &[&str]| {
        let mut all = vec!["run", def.as_str(), "--json"];
        all.extend_from_slice(args);
        let (code, stdout, stderr) = statelab(&all);
        assert_eq!(code, 0, "{stderr}");
        statelab::value::read::parse(stdout.trim()).unwrap()["output"]["id"].as_str().unwrap().to_string()
    };
    let express = id(&["--type", "EXPRESS", "--seed", "4"]);
    let parts: Vec<&str> = express.split(':').collect();
    assert_eq!(&parts[..7], ["arn", "aws", "states", "us-east-1", "123456789012", "express", "statelab"], "{express}");
    assert_eq!(parts[7], "statelab-execution");
    assert_eq!(parts[8].len(), 36, "a UUID: {express}");
    assert_eq!(express, id(&["--type", "EXPRESS", "--seed", "4"]));
    assert_ne!(express, id(&["--type", "EXPRESS", "--seed", "5"]));
    assert_eq!(id(&[]), "arn:aws:states:us-east-1:123456789012:execution:statelab:statelab-execution");
}

#[test]
fn a_run_ended_by_the_history_limit_leaves_no_state_running() {
    // A Parallel whose branch loops until the history is full: the run ends where its
    // states stand, and the timeline shows the Parallel cancelled, not running.
    let dir = tempfile_path::Dir::new("history-limit-spans");
    let def = dir.write(
        "def.json",
        r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [{"StartAt": "L", "States": {
            "L": {"Type": "Pass", "Next": "C"},
            "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "D"}], "Default": "L"},
            "D": {"Type": "Succeed"}}}]}}}"#,
    );
    let (code, stdout, stderr) = statelab(&["run", &def, "--timeline"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("maximum number of history events"), "{stdout}");
    let p = stdout.lines().find(|l| l.starts_with("main ")).expect("the Parallel's bar");
    assert!(p.contains("cancelled") && !p.contains("running"), "{p}");
}

/// The types of a `--json` history, and its ids in order from 1 with each previousEventId
/// before its id.
fn history_of(v: &Value) -> Vec<String> {
    let events = v["events"].as_array().expect("events");
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["id"].as_u64(), Some(i as u64 + 1), "ids run on: {e}");
        assert!(e["previousEventId"].as_u64().unwrap() <= i as u64, "{e}");
    }
    events.iter().map(|e| e["type"].as_str().unwrap().to_string()).collect()
}

#[test]
fn a_failed_map_is_redriven_from_run_json_with_new_mocks() {
    let dir = tempfile_path::Dir::new("redrive-map");
    let def = dir.write(
        "def.json",
        r#"{"StartAt": "Each", "States": {
            "Each": {"Type": "Map", "ItemsPath": "$.ids", "ItemProcessor": {"StartAt": "Fetch", "States": {
                "Fetch": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "OutputPath": "$.Payload", "End": true}}},
              "Next": "Count"},
            "Count": {"Type": "Pass", "Parameters": {"got.$": "$", "redrives.$": "$$.Execution.RedriveCount"}, "End": true}}}"#,
    );
    let input = dir.write("input.json", r#"{"ids": ["a", "b", "c"]}"#);
    // Iteration 1 fails after the others succeeded (the latencies order them).
    let first = dir.write(
        "first.json",
        r#"{"Fetch": [{"result": {"Payload": "A"}, "latency": 1}, {"error": "Flaky", "cause": "try again", "latency": 5}, {"result": {"Payload": "C"}, "latency": 1}]}"#,
    );
    let (code, stdout, stderr) = statelab(&["run", &def, "--input", &input, "--mock-config", &first, "--json"]);
    assert_eq!(code, 1, "{stderr}");
    let prev: Value = statelab::value::read::parse(stdout.trim()).unwrap();
    assert_eq!(prev["status"], "FAILED");
    assert_eq!(prev["redrive"]["redriveCount"], 0);
    assert_eq!(prev["redrive"]["resume"]["state"], "Each");
    let before = history_of(&prev).len();
    let prev_path = dir.write("prev.json", stdout.trim());
    let fixed = dir.write("fixed.json", r#"{"Fetch": {"result": {"Payload": "B"}}}"#);
    let (code, stdout, stderr) = statelab(&["redrive", &prev_path, "--mocks", &fixed, "--json", "--after", "30"]);
    assert_eq!(code, 0, "{stderr}");
    let next: Value = statelab::value::read::parse(stdout.trim()).unwrap();
    assert_eq!(next["status"], "SUCCEEDED");
    assert_eq!(next["output"], statelab::json!({"got": ["A", "B", "C"], "redrives": 1}));
    let types = history_of(&next);
    assert_eq!(types[before], "ExecutionRedriven");
    assert_eq!(next["events"][before]["executionRedrivenEventDetails"], statelab::json!({"redriveCount": 1}));
    // Only iteration 1 ran again.
    let again: Vec<&Value> =
        next["events"].as_array().unwrap()[before..].iter().filter(|e| e["type"] == "MapIterationStarted").collect();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0]["mapIterationStartedEventDetails"]["index"], 1);
    // The redrive is 30 s after the end.
    let end = prev["events"][before - 1]["timestamp"].as_str().unwrap().to_string();
    let redriven = next["events"][before]["timestamp"].as_str().unwrap().to_string();
    assert!(end.ends_with("00:00:05.000Z") && redriven.ends_with("00:00:35.000Z"), "{end} {redriven}");
    // A succeeded execution is not redriven.
    let done = dir.write("done.json", stdout.trim());
    let (code, _, stderr) = statelab(&["redrive", &done]);
    assert_eq!(code, 2);
    assert!(stderr.contains("ExecutionNotRedrivable: Execution is SUCCEEDED and cannot be redriven"), "{stderr}");
}

#[test]
fn a_run_stopped_at_a_virtual_time_is_aborted_and_can_be_redriven() {
    let dir = tempfile_path::Dir::new("stop");
    let def = dir.write(
        "def.json",
        r#"{"StartAt": "Hold", "States": {
            "Hold": {"Type": "Wait", "Seconds": 100, "Next": "Go"},
            "Go": {"Type": "Pass", "Result": "went", "End": true}}}"#,
    );
    let (code, stdout, stderr) = statelab(&[
        "run",
        &def,
        "--stop-at",
        "40",
        "--stop-error",
        "Ops.Halt",
        "--stop-cause",
        "maintenance",
        "--json",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let prev: Value = statelab::value::read::parse(stdout.trim()).unwrap();
    assert_eq!(prev["status"], "ABORTED");
    assert_eq!(prev["error"], "Ops.Halt");
    assert_eq!(history_of(&prev), ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"]);
    assert_eq!(
        prev["events"][2]["executionAbortedEventDetails"],
        statelab::json!({"error": "Ops.Halt", "cause": "maintenance"})
    );
    assert!(prev["events"][2]["timestamp"].as_str().unwrap().ends_with("00:00:40.000Z"));
    // Redriven, the Wait is entered again and waits its 100 s.
    let prev_path = dir.write("prev.json", stdout.trim());
    let (code, stdout, stderr) = statelab(&["redrive", &prev_path]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("SUCCEEDED in 140.000 s (virtual), 9 events"), "{stdout}");
    // The text form of a stop, and its mistakes.
    let (code, stdout, _) = statelab(&["run", &def, "--stop-at", "1"]);
    assert_eq!(code, 1);
    assert!(stdout.starts_with("ABORTED in 1.000 s"), "{stdout}");
    let (code, _, stderr) = statelab(&["run", &def, "--stop-at", "soon"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--stop-at takes seconds"), "{stderr}");
    let (code, _, stderr) = statelab(&["run", &def, "--stop-error", "E"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("go with --stop-at"), "{stderr}");
}

#[test]
fn express_executions_and_bad_previous_files_are_not_redriven() {
    let dir = tempfile_path::Dir::new("redrive-refused");
    let def = dir.write("def.json", r#"{"StartAt": "No", "States": {"No": {"Type": "Fail", "Error": "Nope"}}}"#);
    let (code, stdout, _) = statelab(&["run", &def, "--type", "EXPRESS", "--json"]);
    assert_eq!(code, 1);
    let prev = dir.write("prev.json", stdout.trim());
    let (code, _, stderr) = statelab(&["redrive", &prev]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("ExecutionNotRedrivable: Executions of EXPRESS state machines cannot be redriven."),
        "{stderr}"
    );
    // A Fail state fails again when redriven: the count goes on.
    let (_, stdout, _) = statelab(&["run", &def, "--json"]);
    let prev = dir.write("prev.json", stdout.trim());
    let (code, stdout, _) = statelab(&["redrive", &prev, "--json"]);
    assert_eq!(code, 1);
    let again = dir.write("again.json", stdout.trim());
    let (code, stdout, _) = statelab(&["redrive", &again, "--json"]);
    assert_eq!(code, 1);
    let v: Value = statelab::value::read::parse(stdout.trim()).unwrap();
    assert_eq!(v["redrive"]["redriveCount"], 2);
    assert_eq!(
        history_of(&v),
        [
            "ExecutionStarted",
            "FailStateEntered",
            "ExecutionFailed",
            "ExecutionRedriven",
            "FailStateEntered",
            "ExecutionFailed",
            "ExecutionRedriven",
            "FailStateEntered",
            "ExecutionFailed"
        ]
    );
    // A previous file whose state does not fit the definition: a located error.
    let edited = stdout.replace(r#""state":"No""#, r#""state":"Gone""#);
    let bad = dir.write("bad.json", edited.trim());
    let (code, _, stderr) = statelab(&["redrive", &bad]);
    assert_eq!(code, 2);
    assert!(stderr.contains("ValidationException: /resume/state: the definition has no state 'Gone' here"), "{stderr}");
    let (code, _, stderr) = statelab(&["redrive", &def]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no \"events\""), "{stderr}");
}

#[test]
fn run_starts_machines_of_the_workspace_as_child_executions() {
    // --machine NAME=FILE: the parent's .sync:2 task runs the child and gets its output.
    let input = std::env::temp_dir().join(format!("statelab-children-{}.json", std::process::id()));
    std::fs::write(&input, r#"{"n": 3}"#).unwrap();
    let input = input.to_string_lossy().to_string();
    let dir = "tests/fixtures/children";
    let (parent, child) = (format!("{dir}/parent.json"), format!("Child={dir}/child.json"));
    let (code, stdout, stderr) = statelab(&["run", &parent, "--machine", &child, "--input", &input, "--json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stderr.is_empty(), "no Task is said to lack a mock: {stderr}");
    let v: Value = statelab::value::read::parse(stdout.trim()).unwrap();
    assert_eq!(v["output"], statelab::json!({"doubled": 6}));
    let children = v["children"].as_array().unwrap();
    assert_eq!(children.len(), 1);
    let c = &children[0];
    assert_eq!(c["executionArn"], "arn:aws:states:us-east-1:123456789012:execution:Child:child-1");
    assert_eq!(c["stateMachine"], "Child");
    assert_eq!(c["parent"]["state"], "Run");
    assert_eq!(c["status"], "SUCCEEDED");
    assert_eq!(c["stopDate"], "2025-01-01T00:00:02.000Z");
    assert_eq!(c["events"].as_array().unwrap().len(), 6);
    // The parent's task output holds the child's ARN (AWS's link).
    let succeeded = v["events"].as_array().unwrap().iter().find(|e| e["type"] == "TaskSucceeded").unwrap();
    assert_eq!(succeeded["taskSucceededEventDetails"]["output"]["ExecutionArn"], c["executionArn"]);

    // --history and --timeline show the child after the parent.
    let (code, stdout, _) =
        statelab(&["run", &parent, "--machine", &child, "--input", &input, "--history", "--timeline"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("child execution arn:aws:states:us-east-1:123456789012:execution:Child:child-1 (Child, started by Run at 0.000s): SUCCEEDED"), "{stdout}");
    assert!(stdout.contains("WaitStateEntered"), "{stdout}");

    // Without the machine and without a mock: the run stops at the task, as for any Task.
    let (code, _, stderr) = statelab(&["run", &parent, "--input", &input]);
    assert_eq!(code, 2);
    assert!(stderr.contains("Task state 'Run' has no mocked response"), "{stderr}");
    // With --auto, an unknown machine's task gets a made-up response.
    let (code, stdout, _) = statelab(&["run", &parent, "--input", &input, "--auto", "--json"]);
    assert_eq!(code, 0);
    assert!(statelab::value::read::parse(stdout.trim()).unwrap().get("children").is_none());
    // A bad --machine is said.
    let (code, _, stderr) = statelab(&["run", &parent, "--machine", "Child"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--machine takes NAME=FILE"), "{stderr}");
    let _ = std::fs::remove_file(&input);
}

#[test]
fn a_stopped_parent_is_redriven_with_its_machines_and_runs_its_child_again() {
    // Stopped while its .sync:2 child waits: the child is aborted with it; redriven with the
    // same --machine, the task starts the child again and the parent succeeds with its output.
    let dir = tempfile_path::Dir::new("redrive-children");
    let input = dir.write("input.json", r#"{"n": 3}"#);
    let fixtures = "tests/fixtures/children";
    let (parent, child) = (format!("{fixtures}/parent.json"), format!("Child={fixtures}/child.json"));
    let (code, stdout, stderr) =
        statelab(&["run", &parent, "--machine", &child, "--input", &input, "--stop-at", "1", "--json"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let prev = dir.write("prev.json", &stdout);
    let v: Value = statelab::value::read::parse(stdout.trim()).unwrap();
    assert_eq!(v["status"], "ABORTED");
    assert_eq!(v["children"][0]["status"], "ABORTED", "the .sync child stops with its parent");

    let (code, stdout, stderr) = statelab(&["redrive", &prev, "--machine", &child, "--json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let v: Value = statelab::value::read::parse(stdout.trim()).unwrap();
    assert_eq!(v["status"], "SUCCEEDED");
    assert_eq!(v["output"], statelab::json!({"doubled": 6}));
    assert_eq!(v["children"].as_array().unwrap().len(), 1);
    assert_eq!(v["children"][0]["status"], "SUCCEEDED");
    assert!(v["events"].as_array().unwrap().iter().any(|e| e["type"] == "ExecutionRedriven"));

    // Without the machine, the redriven task has no answer, as a run's would not.
    let (code, _, stderr) = statelab(&["redrive", &prev]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("Task state 'Run' has no mocked response"), "{stderr}");
}

#[test]
fn a_template_is_known_by_its_shape_not_by_how_its_keys_are_written() {
    // The same template with its keys quoted as YAML allows ('Resources':, a space before
    // the colon): its other machine is still the workspace, and the parent's task runs it.
    let text = std::fs::read_to_string("tests/fixtures/children/template.yaml").unwrap();
    let text = text.replace("Resources:", "'Resources' :").replace("Type:", "\"Type\":");
    let dir = tempfile_path::Dir::new("template-shape");
    let path = dir.write("template.yaml", &text);
    let (code, stdout, stderr) = statelab(&["run", &path, "--state-machine", "Parent", "--auto", "--json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let v: Value = statelab::value::read::parse(stdout.trim()).unwrap();
    assert_eq!(v["output"]["Status"], "SUCCEEDED");
    assert_eq!(v["children"][0]["stateMachine"], "child-machine");
    // A bare definition whose text mentions Resources has no machines of its own to add.
    let def = dir.write(
        "def.json",
        r#"{"Comment": "Resources: none", "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#,
    );
    let (code, stdout, stderr) = statelab(&["run", &def, "--json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[test]
fn a_templates_other_state_machines_are_the_workspace() {
    let (code, stdout, stderr) =
        statelab(&["run", "tests/fixtures/children/template.yaml", "--state-machine", "Parent", "--auto", "--json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let v: Value = statelab::value::read::parse(stdout.trim()).unwrap();
    assert_eq!(v["output"]["Status"], "SUCCEEDED");
    assert_eq!(v["output"]["Input"], r#"{"n":4}"#);
    let children = v["children"].as_array().unwrap();
    assert_eq!(children.len(), 1);
    // Found by the name its ARN has (the template's Name), which `Ref Child` gives.
    assert_eq!(children[0]["stateMachine"], "child-machine");
    assert_eq!(children[0]["stateMachineArn"], "arn:aws:states:us-east-1:123456789012:stateMachine:child-machine");
    // --auto made up the child's Task response, not the parent's (the child answers it).
    assert!(!stderr.contains("Run: response made up"), "{stderr}");
    assert!(stderr.contains("Work: response made up"), "{stderr}");
}
