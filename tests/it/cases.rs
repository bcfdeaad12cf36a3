//! Data-driven executions: every `tests/cases/*.json` is run on the virtual clock and checked
//! against its `expected` block (status, output, error, duration, timeline spans, event types).

use statelab::asl::{self, MachineType};
use statelab::driver::{drive, simulate, Host};
use statelab::exec::{Options, Status};
use statelab::files::Files;
use statelab::mock::Mocks;
use statelab::value::Value;
use std::path::Path;

fn run_case(path: &Path) -> Result<(), String> {
    let case: Value = statelab::value::read::parse(&std::fs::read_to_string(path).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    check(&case, &case["expected"], false)?;
    if let Some(exp) = case.get("sequential_expected") {
        check(&case, exp, true).map_err(|e| format!("sequential twin: {e}"))?;
    }
    Ok(())
}

fn check(case: &Value, exp: &Value, sequential: bool) -> Result<(), String> {
    let def_text = case["definition"].to_string();
    let machine =
        asl::validate_text(&def_text, MachineType::Standard).map_err(|d| format!("invalid definition: {d:?}"))?;
    let mocks = match case.get("mocks") {
        Some(m) => Mocks::from_value(m, None).map_err(|e| e.to_string())?,
        None => Mocks::empty(),
    };
    // The workspace of files: `{"bucket": {"key": text or JSON}}`.
    let files = match case.get("files") {
        Some(f) => Files::from_value(f).map_err(|(p, m)| format!("files at {p}: {m}"))?,
        None => Files::new(),
    };
    let opts =
        Options { seed: case.get("seed").and_then(Value::as_u64).unwrap_or(0), sequential, ..Options::default() };
    // The workspace of machines a Task may start as child executions: `{"Name": definition}`.
    let mut machines = statelab::child::Workspace::new();
    for (name, def) in case.get("machines").and_then(Value::as_object).into_iter().flatten() {
        let m = asl::validate_text(&def.to_string(), MachineType::Standard)
            .map_err(|d| format!("invalid machine {name}: {d:?}"))?;
        machines.add(name, m);
    }
    let run = |opts: Options, stop: Option<(i64, statelab::Failure)>| -> Result<Host, String> {
        let mut host = Host::new(machine.clone(), case["input"].clone(), mocks.clone(), opts);
        host.set_files(files.clone());
        host.set_machines(machines.clone());
        host.start().map_err(|e| e.to_string())?;
        drive(&mut host, stop).map_err(|e| e.to_string())?;
        Ok(host)
    };
    let start = opts.start_time;
    // The same execution keeping no events or spans (Options::history off) ends the same way
    // after the same number of events.
    let lean = run(Options { history: false, ..opts.clone() }, None)?.exec;
    let host = match case.get("stop") {
        // `"stop": {"at_ms", "error", "cause"}`: StopExecution at that virtual time.
        Some(stop) => {
            let at = start + stop["at_ms"].as_i64().ok_or("stop needs at_ms")?;
            let f = statelab::Failure::new(stop["error"].as_str().unwrap_or(""), stop["cause"].as_str().unwrap_or(""));
            run(opts.clone(), Some((at, f)))?
        }
        None => run(opts.clone(), None)?,
    };
    if let Some(want) = exp.get("children").and_then(Value::as_array) {
        check_children(&host, want, start)?;
    }
    if let Some(want) = exp.get("child_count") {
        fn count(h: &Host) -> u64 {
            h.children().iter().map(|c| 1 + count(&c.host)).sum()
        }
        if want.as_u64() != Some(count(&host)) {
            return Err(format!("{} child executions, expected {want}", count(&host)));
        }
    }
    let exec = host.exec;

    if case.get("stop").is_none()
        && (lean.status() != exec.status()
            || lean.now() != exec.now()
            || lean.event_count() != exec.events().len() as u64)
    {
        return Err(format!(
            "without history: {:?} at {} after {} events; with history: {:?} at {} after {} events",
            lean.status(),
            lean.now(),
            lean.event_count(),
            exec.status(),
            exec.now(),
            exec.events().len()
        ));
    }
    if !lean.events().is_empty() || !lean.spans().is_empty() {
        return Err("without history, events or spans were kept".into());
    }
    check_outcome(&exec, exp, start)?;
    // `"redrive": [{"mocks", "after_ms", "expected"}]`: each redrive in turn, of the attempt
    // before; `expected` as above for the new attempt (its events only), or `"refused"`.
    let redrives = case.get("redrive").and_then(Value::as_array).cloned().unwrap_or_default();
    if sequential || redrives.is_empty() {
        return Ok(());
    }
    let mut prior = exec.redrive_state().ok_or("no redrive state")?;
    let mut total = exec.events().len() as u64;
    for (i, r) in redrives.iter().enumerate() {
        let mocks = match r.get("mocks") {
            Some(m) => Mocks::from_value(m, None).map_err(|e| e.to_string())?,
            None => Mocks::empty(),
        };
        let end = statelab::exec::redrive::parse_time(prior["endTime"].as_str().unwrap_or("")).ok_or("no endTime")?;
        let at = end + r.get("after_ms").and_then(Value::as_i64).unwrap_or(0);
        let exp = &r["expected"];
        let redriven = statelab::Execution::redriven(machine.clone(), case["input"].clone(), opts.clone(), &prior, at);
        let next = match (redriven, exp.get("refused")) {
            (Err(e), Some(want)) => {
                if want.as_str() != Some(&format!("{}: {}", e.error, e.message)) {
                    return Err(format!("redrive {i}: refused with {e}, expected {want}"));
                }
                continue;
            }
            (Err(e), None) => return Err(format!("redrive {i}: refused: {e}")),
            (Ok(_), Some(want)) => return Err(format!("redrive {i}: not refused, expected {want}")),
            (Ok(x), None) => x,
        };
        let mut host = Host::of(next, mocks);
        host.start().map_err(|e| e.to_string())?;
        drive(&mut host, None).map_err(|e| e.to_string())?;
        let next = host.exec;
        // The new events continue the ids, from ExecutionRedriven.
        let first = next.events().first().ok_or("no events")?;
        if first.id != total + 1 || first.previous_event_id != total {
            return Err(format!(
                "redrive {i}: first event {} (previous {}), expected {}",
                first.id,
                first.previous_event_id,
                total + 1
            ));
        }
        check_outcome(&next, exp, start).map_err(|e| format!("redrive {i}: {e}"))?;
        total += next.events().len() as u64;
        prior = next.redrive_state().ok_or("no redrive state")?;
    }
    Ok(())
}

/// The child executions of the run, depth first in the order each was started, against
/// `want`: each `{"machine", "parent_state", "depth"}` and what `check_outcome` checks.
fn check_children(host: &Host, want: &[Value], start: i64) -> Result<(), String> {
    fn walk<'h>(host: &'h Host, depth: u64, out: &mut Vec<(u64, &'h statelab::child::Child)>) {
        for c in host.children() {
            out.push((depth, c));
            walk(&c.host, depth + 1, out);
        }
    }
    let mut all = Vec::new();
    walk(host, 1, &mut all);
    if all.len() != want.len() {
        let got: Vec<String> = all.iter().map(|(d, c)| format!("{}@{d}", c.machine)).collect();
        return Err(format!("{} child executions {got:?}, expected {}", all.len(), want.len()));
    }
    for (i, ((depth, c), w)) in all.iter().zip(want).enumerate() {
        let at = |e: String| format!("child {i} ({}): {e}", c.machine);
        if w["machine"] != *c.machine {
            return Err(at(format!("machine {}, expected {}", c.machine, w["machine"])));
        }
        if let Some(p) = w.get("parent_state") {
            if p != &*c.parent.state {
                return Err(at(format!("parent state {}, expected {p}", c.parent.state)));
            }
        }
        if let Some(d) = w.get("depth") {
            if d.as_u64() != Some(*depth) {
                return Err(at(format!("depth {depth}, expected {d}")));
            }
        }
        if let Some(n) = w.get("name") {
            if n != &*c.name {
                return Err(at(format!("name {}, expected {n}", c.name)));
            }
        }
        if let Some(s) = w.get("start_ms") {
            if s.as_i64() != Some(c.start - start) {
                return Err(at(format!("started at {} ms, expected {s}", c.start - start)));
            }
        }
        check_outcome(&c.host.exec, w, start).map_err(at)?;
    }
    Ok(())
}

fn check_outcome(exec: &statelab::Execution, exp: &Value, start: i64) -> Result<(), String> {
    let status = exec.status();
    if exp["status"] != status.name() {
        return Err(format!("status {} ({:?}), expected {}", status.name(), status, exp["status"]));
    }
    match status {
        Status::Succeeded(out) => {
            if let Some(want) = exp.get("output") {
                if want != out {
                    return Err(format!("output {out}, expected {want}"));
                }
            }
        }
        Status::Failed(f) | Status::TimedOut(f) | Status::Aborted(f) => {
            if let Some(want) = exp.get("error") {
                if want != &f.error {
                    return Err(format!("error {} ({}), expected {want}", f.error, f.cause));
                }
            }
            if let Some(want) = exp.get("cause") {
                if want != &f.cause {
                    return Err(format!("cause {:?}, expected {want}", f.cause));
                }
            }
        }
        Status::Running => return Err("still running".into()),
    }
    if let Some(want) = exp.get("files") {
        check_files(exec, want)?;
    }
    if let Some(want) = exp.get("duration_ms") {
        let got = exec.now() - start;
        if want.as_i64() != Some(got) {
            return Err(format!("took {got} ms, expected {want}"));
        }
    }
    if let Some(want) = exp.get("event_count") {
        if want.as_u64() != Some(exec.events().len() as u64) {
            return Err(format!("{} events, expected {want}", exec.events().len()));
        }
    }
    if let Some(want) = exp.get("event_types").and_then(Value::as_array) {
        let got: Vec<&str> = exec.events().iter().map(|e| e.kind.name()).collect();
        let want: Vec<&str> = want.iter().filter_map(Value::as_str).collect();
        if got != want {
            return Err(format!("event types\n  got      {got:?}\n  expected {want:?}"));
        }
    }
    // `"events": [{"index", "type", "details"}]`: the event at `index` (0-based) has that
    // type, and its details hold what `details` holds (objects compared key by key: keys
    // not named are not looked at; other values equal).
    if let Some(want) = exp.get("events").and_then(Value::as_array) {
        for w in want {
            let i = w["index"].as_u64().ok_or("events: index needed")? as usize;
            let e = exec.events().get(i).ok_or_else(|| format!("no event {i}"))?;
            if w["type"].as_str() != Some(e.kind.name()) {
                return Err(format!("event {i} is {}, expected {}", e.kind.name(), w["type"]));
            }
            let got = e.details().unwrap_or(Value::Null);
            if let Some(at) = holds(&got, &w["details"], String::new()) {
                return Err(format!("event {i} ({}): details differ at {at}: {got}", e.kind.name()));
            }
        }
    }
    if let Some(want) = exp.get("spans").and_then(Value::as_array) {
        for w in want {
            let found = exec.spans().iter().any(|s| {
                &*s.state == w["state"].as_str().unwrap_or("")
                    && s.kind.name() == w["kind"].as_str().unwrap_or("")
                    && &*exec.lanes().get(s.lane).label == w["lane"].as_str().unwrap_or("")
                    && Some(s.start - start) == w["start_ms"].as_i64()
                    && s.end.map(|e| e - start) == w["end_ms"].as_i64()
            });
            if !found {
                let have: Vec<String> = exec
                    .spans()
                    .iter()
                    .map(|s| {
                        format!(
                            "{}:{}@{} {}-{:?}",
                            s.state,
                            s.kind.name(),
                            exec.lanes().get(s.lane).label,
                            s.start - start,
                            s.end.map(|e| e - start)
                        )
                    })
                    .collect();
                return Err(format!("no span {w}; spans: {have:?}"));
            }
        }
    }
    Ok(())
}

/// The objects the run wrote are those of `want` (`{"bucket": {"key": content}}`): a string
/// is the exact text, an array of one-element arrays `[[v], ...]` the JSON lines `v`, any
/// other value the JSON the object holds.
fn check_files(exec: &statelab::Execution, want: &Value) -> Result<(), String> {
    let files = exec.files();
    let mut expected = 0;
    for (bucket, objects) in want.as_object().ok_or("expected files must be an object")? {
        for (key, content) in objects.as_object().ok_or("expected objects must be an object")? {
            expected += 1;
            let o = files.get(bucket, key).map_err(|e| format!("s3://{bucket}/{key}: {}", e.message()))?;
            let text = std::str::from_utf8(&o.body).map_err(|e| format!("s3://{bucket}/{key}: {e}"))?;
            let same = match content {
                Value::String(s) => text == &**s,
                Value::Array(lines) if lines.iter().all(|l| l.as_array().is_some_and(|a| a.len() == 1)) => {
                    let got: Result<Vec<Value>, _> = text.lines().map(statelab::value::read::parse).collect();
                    got.is_ok_and(|g| g.len() == lines.len() && g.iter().zip(lines.iter()).all(|(g, l)| g == &l[0]))
                }
                other => statelab::value::read::parse(text).is_ok_and(|v| &v == other),
            };
            if !same {
                return Err(format!("s3://{bucket}/{key} holds {text}, expected {content}"));
            }
        }
    }
    if files.written().len() != expected {
        return Err(format!("the run wrote {:?}, expected {expected} objects", files.written()));
    }
    Ok(())
}

/// Where `got` does not hold what `want` holds (see `"events"` above), if anywhere.
fn holds(got: &Value, want: &Value, at: String) -> Option<String> {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => w.iter().find_map(|(k, wv)| match g.get(k.as_str()) {
            Some(gv) => holds(gv, wv, format!("{at}.{k}")),
            None => Some(format!("{at}.{k} (missing)")),
        }),
        _ => (got != want).then_some(at),
    }
}

#[test]
fn cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 10, "expected the case files in {}", dir.display());
    let mut failures = Vec::new();
    for p in &paths {
        if let Err(e) = run_case(p) {
            failures.push(format!("{}: {e}", p.file_name().unwrap().to_string_lossy()));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), paths.len(), failures.join("\n"));
}

#[test]
fn same_seed_same_history() {
    // Full jitter draws from the seeded source: the same seed gives the same timings.
    let def = r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
        "Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":3,"MaxAttempts":4,"JitterStrategy":"FULL"}],"End":true}}}"#;
    let mocks = statelab::json!({"T": [{"error": "E"}, {"error": "E"}, {"error": "E"}, {"result": 1}]});
    let run = |seed| {
        let m = asl::validate_text(def, MachineType::Standard).unwrap();
        let e =
            simulate(m, Value::Null, Mocks::from_value(&mocks, None).unwrap(), Options { seed, ..Options::default() })
                .unwrap();
        let events: Vec<Value> = e.events().iter().map(|e| e.to_json()).collect();
        (e.now(), statelab::value::to_string(&statelab::json!(events)))
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7).0, run(8).0, "jitter should depend on the seed");
}

#[test]
fn critical_path_of_a_parallel_is_its_longest_branch() {
    let case: Value = statelab::value::read::parse(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/parallel_321.json")).unwrap(),
    )
    .unwrap();
    let machine = asl::validate_text(&case["definition"].to_string(), MachineType::Standard).unwrap();
    let exec =
        simulate(machine, case["input"].clone(), Mocks::from_value(&case["mocks"], None).unwrap(), Options::default())
            .unwrap();
    let timings = statelab::exec::analysis::critical_path(exec.spans(), exec.now());
    let by_state = |name: &str| {
        exec.spans()
            .iter()
            .zip(&timings)
            .find(|(s, _)| &*s.state == name && s.kind == statelab::exec::SpanKind::Attempt)
            .map(|(_, t)| *t)
            .unwrap()
    };
    assert!(by_state("Resize").critical && by_state("Resize").slack_ms == 0);
    assert!(!by_state("Thumbnail").critical && by_state("Thumbnail").slack_ms == 1000);
    assert!(!by_state("Metadata").critical && by_state("Metadata").slack_ms == 2000);
    let fan = exec.spans().iter().zip(&timings).find(|(s, _)| &*s.state == "Fan").unwrap().1;
    assert!(fan.critical);
}

#[test]
fn critical_path_through_instant_states_ends() {
    // Pass states take no time: several of them share one instant.
    let def = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"C"},"C":{"Type":"Pass","End":true}}}"#;
    let m = asl::validate_text(def, MachineType::Standard).unwrap();
    let exec = simulate(m, Value::Null, Mocks::empty(), Options::default()).unwrap();
    let t = statelab::exec::analysis::critical_path(exec.spans(), exec.now());
    assert_eq!(t.len(), 3);
    assert!(t.iter().all(|t| t.slack_ms == 0));
}

#[test]
fn full_jitter_draws_each_delay_up_to_its_backoff() {
    // JitterStrategy FULL: each delay is a random time between 0 and the computed backoff
    // (IntervalSeconds 4, BackoffRate 2, capped by MaxDelaySeconds 10: 4, 8 and 10 s).
    let def = r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
        "Retry":[{"ErrorEquals":["E"],"IntervalSeconds":4,"BackoffRate":2,"MaxDelaySeconds":10,"MaxAttempts":3,"JitterStrategy":"FULL"}],
        "End":true}}}"#;
    let mocks = statelab::json!({"T": [{"error": "E"}, {"error": "E"}, {"error": "E"}, {"result": "done"}]});
    let mut totals = Vec::new();
    for seed in 0..20 {
        let m = asl::validate_text(def, MachineType::Standard).unwrap();
        let exec =
            simulate(m, Value::Null, Mocks::from_value(&mocks, None).unwrap(), Options { seed, ..Options::default() })
                .unwrap();
        assert_eq!(exec.status().name(), "SUCCEEDED");
        let delays: Vec<i64> = exec
            .spans()
            .iter()
            .filter(|s| s.kind == statelab::exec::SpanKind::Backoff)
            .map(|s| s.end.unwrap() - s.start)
            .collect();
        assert_eq!(delays.len(), 3, "seed {seed}: {delays:?}");
        for (d, cap) in delays.iter().zip([4000, 8000, 10_000]) {
            assert!((0..=cap).contains(d), "seed {seed}: delay {d} ms outside 0..={cap} ({delays:?})");
        }
        totals.push(exec.now() - exec.options().start_time);
    }
    totals.sort();
    totals.dedup();
    assert!(totals.len() > 10, "the delays should vary with the seed: {totals:?}");
    assert!(totals.iter().all(|t| *t < 22_000), "jittered delays are below the un-jittered 22 s: {totals:?}");
}
