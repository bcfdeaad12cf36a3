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
