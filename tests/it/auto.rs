//! `run --auto` (issue #16): each workflow in `tests/auto/` (written for these tests, one or
//! two data-flow rules each: a Lambda answer read through `OutputPath`, a `ResultSelector`,
//! a Pass's `Parameters`, JSONata `Output` and variables, an `ItemBatcher`, intrinsics, a
//! Catch's `ResultPath`, a Parallel's array, `InputPath`, waits) runs to success with no
//! input and no mocks, and `--json` shows what was made up under `generated`. The same
//! workflows are in `scripts/measure-auto.mjs`'s count.

use statelab::value::read::parse;
use std::process::Command;

fn run_auto(file: &std::path::Path) -> statelab::value::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_statelab"))
        .args(["run", file.to_str().unwrap(), "--auto", "--json", "--seed", "3"])
        .output()
        .expect("the statelab binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    parse(stdout.trim()).unwrap_or_else(|e| panic!("{}: {e}: {stdout}", file.display()))
}

#[test]
fn every_workflow_runs_to_success_with_nothing_given() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/auto"));
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 12, "the fixtures are there");
    let mut failed = Vec::new();
    for f in &files {
        let v = run_auto(f);
        if v["status"] != "SUCCEEDED" {
            failed.push(format!("{}: {} {} {}", f.display(), v["status"], v["error"], v["cause"]));
        }
        let g = &v["generated"];
        assert!(g["input"].is_object() || g["input"].is_array(), "{}: the made-up input is shown: {v}", f.display());
        assert!(g["mocks"].as_object().is_some_and(|m| !m.is_empty()), "{}: the made-up mocks are shown", f.display());
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn the_same_seed_gives_the_same_generated_parts() {
    let f = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/auto/jsonata-output.asl.json"));
    assert_eq!(run_auto(f)["generated"], run_auto(f)["generated"]);
}
