//! A distributed Map's `ResultWriter`, by AWS's developer guide ("ResultWriter (Map)"):
//!
//! - `WriterConfig.Transformation`: `NONE` gives each child execution's record (its ARN,
//!   input and output as JSON text, status, dates, ...), `COMPACT` its output, `FLATTEN` its
//!   output with arrays flattened into the result. A failed child is always given as its
//!   record (as with `NONE`). Without export the result is the state's result.
//! - With `Resource` and `Parameters` (or `Arguments`), the results are written under
//!   `Prefix/<map run id>/`: `SUCCEEDED_0.json`, `FAILED_0.json` (failed, timed out and
//!   aborted children), `PENDING_0.json` (children never started because the Map Run
//!   failed), each when it has records, and `manifest.json` listing them
//!   (`DestinationBucket`, `MapRunArn`, `ResultFiles` with each file's `Key` and `Size`). The
//!   state's result is then `{"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}`, the key
//!   being the manifest's. `OutputType: JSONL` writes one result a line instead of an array.
//!
//! The records' field names and order follow the guide's example (alphabetical). What the
//! guide does not show, and statelab chose: a failed record has `Error` and `Cause` (when
//! set) in place of `Output`, with `RedriveStatus` `REDRIVABLE_BY_MAP_RUN`; a pending one has
//! only its input and status; the child's name is a version-3 UUID of the Map Run's ARN and
//! the item's index (AWS's names are version-3 UUIDs too); the manifest's files are
//! listed even when empty (`[]`).

use crate::asl::Transformation;
use crate::error::Failure;
use crate::files::Files;
use crate::json;
use crate::value::read::to_compact;
use crate::value::{Map, Value};

/// How one child execution (one item or batch) ended.
pub enum Outcome<'a> {
    Succeeded(&'a Value),
    Failed(&'a Failure),
    /// Never started: the Map Run failed first.
    Pending,
}

/// One child execution of the Map Run.
pub struct Child<'a> {
    pub input: &'a Value,
    pub outcome: Outcome<'a>,
    /// When it started and stopped (virtual ms); unused for a pending one.
    pub start: i64,
    pub stop: i64,
}

/// The Map Run the children belong to.
pub struct Run<'a> {
    pub map_run_arn: &'a str,
    /// `arn:aws:states:REGION:ACCOUNT:stateMachine:MACHINE/LABEL`: the children's.
    pub state_machine_arn: &'a str,
    /// `arn:aws:states:REGION:ACCOUNT:execution:MACHINE/LABEL`: the children's ARNs are this,
    /// `:`, their name.
    pub execution_prefix: &'a str,
}

impl Run<'_> {
    /// The Map Run's id: the last part of its ARN.
    pub fn id(&self) -> &str {
        self.map_run_arn.rsplit(':').next().unwrap_or(self.map_run_arn)
    }
}

/// The name of child `index`: a version-3 UUID of the Map Run's ARN and the index.
pub fn child_name(run: &Run, index: usize) -> String {
    let hex =
        crate::support::digest::hash_hex("MD5", format!("{}/{index}", run.map_run_arn).as_bytes()).unwrap_or_default();
    let b = hex.as_bytes();
    let nib = |i: usize| b.get(i).copied().unwrap_or(b'0') as char;
    // Version 3 in the 13th digit, the RFC 4122 variant in the 17th.
    let variant = match nib(16) {
        c @ ('8' | '9' | 'a' | 'b') => c,
        c => ['8', '9', 'a', 'b'][c.to_digit(16).unwrap_or(0) as usize % 4],
    };
    format!("{}-{}-3{}-{variant}{}-{}", &hex[..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32])
}

/// The record of child `index`, as the `NONE` transformation gives it.
pub fn record(run: &Run, index: usize, child: &Child) -> Value {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.into(), v);
    };
    let input = Value::from(to_compact(child.input));
    if let Outcome::Pending = child.outcome {
        put("Input", input);
        put("InputDetails", json!({"Included": true}));
        put("Status", json!("PENDING"));
        return Value::Object(m);
    }
    let name = child_name(run, index);
    if let Outcome::Failed(f) = child.outcome {
        if !f.no_cause {
            put("Cause", json!(f.cause));
        }
        if !f.unnamed {
            put("Error", json!(f.error));
        }
    }
    put("ExecutionArn", json!(format!("{}:{name}", run.execution_prefix)));
    put("Input", input);
    put("InputDetails", json!({"Included": true}));
    put("Name", json!(name));
    let date = |ms: i64| json!(crate::support::time::format_millis(ms));
    match child.outcome {
        Outcome::Succeeded(out) => {
            put("Output", Value::from(to_compact(out)));
            put("OutputDetails", json!({"Included": true}));
            put("RedriveCount", json!(0));
            put("RedriveStatus", json!("NOT_REDRIVABLE"));
            put("RedriveStatusReason", json!("Execution is SUCCEEDED and cannot be redriven"));
        }
        _ => {
            put("RedriveCount", json!(0));
            put("RedriveStatus", json!("REDRIVABLE_BY_MAP_RUN"));
        }
    }
    put("StartDate", date(child.start));
    put("StateMachineArn", json!(run.state_machine_arn));
    put("Status", json!(if matches!(child.outcome, Outcome::Succeeded(_)) { "SUCCEEDED" } else { "FAILED" }));
    put("StopDate", date(child.stop));
    Value::Object(m)
}

/// The results of the succeeded children by `t` (in item order), a failed child's record
/// where it stands; pending children are left out.
pub fn results(t: Transformation, run: &Run, children: &[Child]) -> Vec<Value> {
    let mut out = Vec::with_capacity(children.len());
    for (i, c) in children.iter().enumerate() {
        match (&c.outcome, t) {
            (Outcome::Pending, _) => {}
            (Outcome::Succeeded(v), Transformation::Compact) => out.push((*v).clone()),
            (Outcome::Succeeded(Value::Array(a)), Transformation::Flatten) => out.extend(a.iter().cloned()),
            (Outcome::Succeeded(v), Transformation::Flatten) => out.push((*v).clone()),
            _ => out.push(record(run, i, c)),
        }
    }
    out
}

/// Export the children's results to `bucket` under `prefix`, at virtual time `now`: the
/// state's result, or the cause of `States.ResultWriterFailed`.
pub fn export(
    files: &mut Files,
    args: &Value,
    t: Transformation,
    jsonl: bool,
    run: &Run,
    children: &[Child],
    now: i64,
) -> Result<Value, String> {
    let bucket = match args.get("Bucket") {
        Some(Value::String(s)) if !s.is_empty() => s.to_string(),
        _ => return Err("The ResultWriter's Parameters (or Arguments) must give 'Bucket', a non-empty string".into()),
    };
    let prefix = match args.get("Prefix") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.to_string(),
        Some(_) => return Err("The ResultWriter's 'Prefix' must be a string".into()),
    };
    let dir = match prefix.as_str() {
        "" => format!("{}/", run.id()),
        p if p.ends_with('/') => format!("{p}{}/", run.id()),
        p => format!("{p}/{}/", run.id()),
    };
    let (mut succeeded, mut failed, mut pending) = (Vec::new(), Vec::new(), Vec::new());
    for (i, c) in children.iter().enumerate() {
        match (&c.outcome, t) {
            (Outcome::Pending, _) => pending.push(record(run, i, c)),
            (Outcome::Failed(_), _) => failed.push(record(run, i, c)),
            (Outcome::Succeeded(_), Transformation::None) => succeeded.push(record(run, i, c)),
            (Outcome::Succeeded(v), Transformation::Compact) => succeeded.push((*v).clone()),
            (Outcome::Succeeded(Value::Array(a)), Transformation::Flatten) => succeeded.extend(a.iter().cloned()),
            (Outcome::Succeeded(v), Transformation::Flatten) => succeeded.push((*v).clone()),
        }
    }
    let mut listed = Map::new();
    for (status, values) in [("FAILED", failed), ("PENDING", pending), ("SUCCEEDED", succeeded)] {
        let mut entries = Vec::new();
        if !values.is_empty() {
            let key = format!("{dir}{status}_0.json");
            let text = if jsonl {
                let mut s = String::new();
                for v in &values {
                    crate::value::write_compact(&mut s, v);
                    s.push('\n');
                }
                s
            } else {
                to_compact(&Value::from(values))
            };
            let size = text.len();
            files.put(&bucket, &key, text.into_bytes(), now).map_err(|e| write_failure(&e, &bucket, &key))?;
            entries.push(json!({"Key": key, "Size": size}));
        }
        listed.insert(status.into(), Value::from(entries));
    }
    let manifest_key = format!("{dir}manifest.json");
    let manifest = json!({
        "DestinationBucket": bucket.as_str(),
        "MapRunArn": run.map_run_arn,
        "ResultFiles": Value::Object(listed),
    });
    files
        .put(&bucket, &manifest_key, to_compact(&manifest).into_bytes(), now)
        .map_err(|e| write_failure(&e, &bucket, &manifest_key))?;
    Ok(json!({
        "MapRunArn": run.map_run_arn,
        "ResultWriterDetails": {"Bucket": bucket.as_str(), "Key": manifest_key},
    }))
}

fn write_failure(e: &crate::files::S3Error, bucket: &str, key: &str) -> String {
    format!(
        "Cannot write s3://{bucket}/{key}: {} (Service: S3, Status Code: 404, Error Code: {})",
        e.message(),
        e.code()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run() -> Run<'static> {
        Run {
            map_run_arn: "arn:aws:states:us-east-1:123456789012:mapRun:m/Map:7",
            state_machine_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:m/Map",
            execution_prefix: "arn:aws:states:us-east-1:123456789012:execution:m/Map",
        }
    }

    #[test]
    fn names_are_version_3_uuids() {
        let n = child_name(&run(), 0);
        assert_eq!(n.len(), 36);
        assert_eq!(&n[14..15], "3");
        assert!(matches!(&n[19..20], "8" | "9" | "a" | "b"), "{n}");
        assert_ne!(n, child_name(&run(), 1));
    }

    #[test]
    fn transformations_and_export() {
        let (a, b) = (json!([1, 2]), json!({"x": 1}));
        let f = Failure::new("Boom", "bad");
        let input = json!({"i": 0});
        let kids = [
            Child { input: &input, outcome: Outcome::Succeeded(&a), start: 0, stop: 1000 },
            Child { input: &input, outcome: Outcome::Failed(&f), start: 0, stop: 2000 },
            Child { input: &input, outcome: Outcome::Succeeded(&b), start: 0, stop: 1000 },
            Child { input: &input, outcome: Outcome::Pending, start: 0, stop: 0 },
        ];
        let r = run();
        let flat = results(Transformation::Flatten, &r, &kids);
        assert_eq!((flat.len(), &flat[0], &flat[3]), (4, &json!(1), &json!({"x": 1})));
        assert_eq!(flat[2]["Status"], "FAILED");
        assert_eq!(results(Transformation::Compact, &r, &kids)[0], a);
        let rec = &results(Transformation::None, &r, &kids)[0];
        assert_eq!(rec["Output"], "[1,2]");
        assert_eq!(rec["StopDate"], "1970-01-01T00:00:01.000Z");
        let mut files = Files::from_value(&json!({"out": {}})).unwrap();
        let res = export(
            &mut files,
            &json!({"Bucket": "out", "Prefix": "jobs"}),
            Transformation::Compact,
            true,
            &r,
            &kids,
            5,
        )
        .unwrap();
        assert_eq!(res["ResultWriterDetails"]["Key"], "jobs/7/manifest.json");
        assert_eq!(&*files.get("out", "jobs/7/SUCCEEDED_0.json").unwrap().body, b"[1,2]\n{\"x\":1}\n");
        let manifest = crate::value::read::parse(
            std::str::from_utf8(&files.get("out", "jobs/7/manifest.json").unwrap().body).unwrap(),
        )
        .unwrap();
        assert_eq!(manifest["ResultFiles"]["PENDING"][0]["Key"], "jobs/7/PENDING_0.json");
        assert!(export(&mut files, &json!({"Bucket": "nope"}), Transformation::None, false, &r, &kids, 5)
            .unwrap_err()
            .contains("NoSuchBucket"));
    }
}
