//! Run-time errors by rule: every row of `tests/runtime_errors.json` runs a small definition
//! whose one field fails in one way, and checks the error name and the cause (after the
//! state's prefix) that `dataflow::runtime_errors` gives, and for a JSONata field the
//! `location` of its EvaluationFailed event. Each row says whether an AWS recording shows it
//! (`"provenance": "recorded: <case>"`) or it is inferred (and from what). Every rule of the
//! table has at least one row here.

use statelab::asl::{validate_text, MachineType};
use statelab::dataflow::runtime_errors::RULES;
use statelab::driver::simulate;
use statelab::exec::{Options, Status};
use statelab::mock::Mocks;
use statelab::value::Value;

fn run_row(row: &Value) -> Result<(), String> {
    let machine = validate_text(&row["definition"].to_string(), MachineType::Standard)
        .map_err(|d| format!("invalid definition: {d:?}"))?;
    let mocks = match row.get("mocks") {
        Some(m) => Mocks::from_value(m, None).map_err(|e| e.to_string())?,
        None => Mocks::empty(),
    };
    let exec = simulate(machine, row["input"].clone(), mocks, Options::default()).map_err(|e| e.to_string())?;
    let Status::Failed(f) = exec.status() else { return Err(format!("status {:?}", exec.status())) };
    if row["error"] != f.error {
        return Err(format!("error {}, expected {}", f.error, row["error"]));
    }
    let want = row["cause"].as_str().unwrap_or_default();
    let prefixed = f.cause.starts_with("An error occurred while executing the state '") && f.cause.ends_with(want);
    if !prefixed || !f.cause[..f.cause.len() - want.len()].ends_with("). ") {
        return Err(format!("cause {:?}, expected the state's prefix and {want:?}", f.cause));
    }
    let evaluation = exec.events().iter().find(|e| e.kind.name() == "EvaluationFailed").and_then(|e| e.details());
    match (row.get("location"), evaluation) {
        (None, None) => Ok(()),
        (Some(l), Some(d)) if d.get("location") == Some(l) && d.get("error") == Some(&row["error"]) => Ok(()),
        (l, d) => Err(format!("EvaluationFailed {d:?}, expected location {l:?}")),
    }
}

#[test]
fn every_field_fails_by_its_rule() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/runtime_errors.json");
    let rows = statelab::value::read::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let rows = rows.as_array().expect("a list of rows");
    let mut failures = Vec::new();
    for row in rows.iter() {
        let prov = row["provenance"].as_str().unwrap_or_default();
        if !(prov.starts_with("recorded: ") || prov.starts_with("inferred: ")) {
            failures.push(format!("{}: provenance must say recorded or inferred", row["what"]));
        }
        if let Err(e) = run_row(row) {
            failures.push(format!("{} ({} {}): {e}", row["what"], row["field"], row["fault"]));
        }
    }
    // Every rule is shown by a row, and every row names a rule.
    for r in RULES {
        let (field, fault) = (format!("{:?}", r.field), format!("{:?}", r.fault));
        let row = rows.iter().find(|x| x["field"] == field.as_str() && x["fault"] == fault.as_str());
        match row {
            Some(x) if x["error"] == r.error() => {}
            Some(x) => failures.push(format!(
                "{field} {fault}: the row's error {} is not the rule's {}",
                x["error"],
                r.error()
            )),
            None => failures.push(format!("{field} {fault}: no row runs this rule")),
        }
    }
    for x in rows.iter() {
        if !RULES
            .iter()
            .any(|r| x["field"] == format!("{:?}", r.field).as_str() && x["fault"] == format!("{:?}", r.fault).as_str())
        {
            failures.push(format!("{}: no rule {} {}", x["what"], x["field"], x["fault"]));
        }
    }
    assert!(failures.is_empty(), "{} of {} rows:\n{}", failures.len(), rows.len(), failures.join("\n"));
}
