//! The wasm-bindgen layer (`src/wasm/`) as JS sees it, run under Node and headless
//! Chromium by `scripts/test-wasm.sh` (wasm-bindgen-test-runner; WASM_BINDGEN_USE_BROWSER=1
//! for the browser). Fixtures are shared with the Node tests in tests/js/.
#![cfg(target_arch = "wasm32")]

use statelab::asl::{self, MachineType};
use statelab::driver;
use statelab::exec::Options;
use statelab::json;
use statelab::mock::Mocks;
use statelab::value::read;
use statelab::value::Value;
use statelab::wasm::{self, Session};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

const PARALLEL: &str = include_str!("js/fixtures/parallel.asl.json");
const PARALLEL_MOCKS: &str = include_str!("js/fixtures/parallel.mocks.json");
const PARALLEL_INPUT: &str = include_str!("js/fixtures/parallel.input.json");
const RETRY: &str = include_str!("js/fixtures/retry.asl.json");
const RETRY_MOCKS: &str = include_str!("js/fixtures/retry.mocks.json");
const RETRY_INPUT: &str = include_str!("js/fixtures/retry.input.json");

/// A JS value back to JSON.
fn value(v: &JsValue) -> Value {
    let text = js_sys::JSON::stringify(v).expect("stringify").as_string().expect("a JSON value");
    statelab::value::read::parse(&text).expect("valid JSON")
}

/// JSON text to a JS object.
fn object(text: &str) -> JsValue {
    js_sys::JSON::parse(text).expect("valid JSON")
}

fn opts(v: Value) -> JsValue {
    object(&v.to_string())
}

/// The message of a thrown JS Error (and fail if it is not one).
fn message(e: JsValue) -> String {
    let err = e.dyn_into::<js_sys::Error>().expect("a JS Error");
    String::from(err.message())
}

fn simulate(def: &str, input: &str, mocks: &str, seed: u64) -> Value {
    value(&wasm::simulate(def.into(), input.into(), mocks.into(), opts(json!({"seed": seed}))).expect("simulate"))
}

/// Events without the fields the JS shape adds (`ms`, `lane`, `state`): the CLI's `--json` form.
fn cli_shape(events: &Value) -> Vec<Value> {
    events
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            let mut e = e.clone();
            let m = e.as_object_mut().expect("event object");
            m.remove("ms");
            m.remove("lane");
            m.remove("state");
            e
        })
        .collect()
}

#[wasm_bindgen_test]
fn validate_reports_pointer_and_line_column() {
    let ok = wasm::validate(PARALLEL.into(), JsValue::UNDEFINED).expect("validate");
    assert_eq!(value(&ok), json!([]));

    let text = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Tusk\", \"End\": true}\n  }\n}";
    let diags = value(&wasm::validate(text.into(), JsValue::UNDEFINED).expect("validate"));
    let list = diags.as_array().expect("a list");
    assert!(!list.is_empty(), "{diags}");
    let d = &list[0];
    assert_eq!(d["line"], json!(4), "{d}");
    assert!(d["location"].as_str().unwrap().starts_with("/States/A"), "{d}");
    assert!(d["column"].as_u64().unwrap() > 1, "{d}");
    assert!(d["message"].as_str().unwrap().len() > 5);

    // Objects are validated too (pretty-printed, so line numbers still mean something).
    let diags = value(&wasm::validate(object(text), JsValue::UNDEFINED).expect("validate"));
    assert_eq!(diags.as_array().unwrap().len(), list.len());

    // Bad JSON is a diagnostic with its line:column, not an exception.
    let diags = value(
        &wasm::validate("{\n  \"StartAt\": \"A\",\n  \"States\": {,}\n}".into(), JsValue::UNDEFINED).expect("validate"),
    );
    assert_eq!(diags[0]["code"], json!("INVALID_JSON_DESCRIPTION"));
    assert_eq!(diags[0]["line"], json!(3));

    let e = wasm::validate(PARALLEL.into(), opts(json!({"type": "BOTH"}))).unwrap_err();
    assert!(message(e).contains("'STANDARD' or 'EXPRESS'"));
}

#[wasm_bindgen_test]
fn simulate_has_the_agreed_shape() {
    let r = simulate(PARALLEL, PARALLEL_INPUT, PARALLEL_MOCKS, 7);
    assert_eq!(r["status"], json!("SUCCEEDED"));
    assert_eq!(r["output"], json!([{"branch": "slow"}, {"branch": "medium"}, {"branch": "fast"}]));
    assert_eq!(r["durationMs"], json!(3000));
    let events = r["events"].as_array().unwrap();
    let keys: Vec<&str> = events[1].as_object().unwrap().keys().map(|k| k.as_str()).collect();
    assert_eq!(keys, ["id", "previousEventId", "timestamp", "type", "ms", "lane", "state", "stateEnteredEventDetails"]);
    // The lanes: the top level, then one per branch, by id.
    assert_eq!(
        r["lanes"],
        json!([
            {"parent": null, "state": null, "index": null, "label": ""},
            {"parent": 0, "state": "Fan out", "index": 0, "label": "Fan out/0"},
            {"parent": 0, "state": "Fan out", "index": 1, "label": "Fan out/1"},
            {"parent": 0, "state": "Fan out", "index": 2, "label": "Fan out/2"},
        ])
    );
    // ms is relative to the start; the branches' events carry their lane and state, and
    // interleave.
    let done: Vec<(i64, i64, &str)> = events
        .iter()
        .filter(|e| e["type"] == "LambdaFunctionSucceeded")
        .map(|e| (e["ms"].as_i64().unwrap(), e["lane"].as_i64().unwrap(), e["state"].as_str().unwrap()))
        .collect();
    assert_eq!(done, [(1000, 3, "Fast"), (2000, 2, "Medium"), (3000, 1, "Slow")]);
    assert_eq!(events[0].get("state"), None);
    assert_eq!(events[0]["timestamp"], json!("2025-01-01T00:00:00.000Z"));
    assert_eq!(events[16]["timestamp"], json!("2025-01-01T00:00:03.000Z"));

    let spans = r["spans"].as_array().unwrap();
    let fast = spans.iter().find(|s| s["state"] == "Fast" && s["kind"] == "attempt").expect("an attempt span");
    assert_eq!(fast["lane"], json!(3));
    // An attempt is part of its state's span, which is part of the Parallel's, in branch 2.
    let state = &spans[fast["parent"].as_u64().unwrap() as usize];
    let fan = &spans[state["parent"].as_u64().unwrap() as usize];
    assert_eq!(
        (state["state"].as_str(), state["kind"].as_str(), state["index"].as_i64()),
        (Some("Fast"), Some("state"), Some(2))
    );
    assert_eq!((fan["state"].as_str(), fan["parent"].is_null(), fan["index"].is_null()), (Some("Fan out"), true, true));
    assert_eq!(spans.iter().position(|s| s == fan).map(|i| json!(i)), Some(fan["id"].clone()));
    assert_eq!((fast["startMs"].as_i64(), fast["endMs"].as_i64()), (Some(0), Some(1000)));
    assert_eq!(fast["input"], json!({"order": 42}));
    assert_eq!(fast["output"], json!({"branch": "fast"}));
    assert_eq!(fast["status"], json!("succeeded"));
}

#[wasm_bindgen_test]
fn simulate_gives_the_drivers_events_as_the_cli_prints_them() {
    for (def, input, mocks) in [(PARALLEL, PARALLEL_INPUT, PARALLEL_MOCKS), (RETRY, RETRY_INPUT, RETRY_MOCKS)] {
        for seed in [0u64, 7, 12345] {
            let r = simulate(def, input, mocks, seed);
            // What `statelab run --json` prints, computed by the same driver call as the CLI.
            let machine = asl::validate_text(def, MachineType::Standard).unwrap();
            let m = Mocks::from_value(&statelab::value::read::parse(mocks).unwrap(), None).unwrap();
            let exec = driver::simulate(
                machine,
                statelab::value::read::parse(input).unwrap(),
                m,
                Options { seed, ..Options::default() },
            )
            .unwrap();
            let cli = driver::result_json(&exec);
            assert_eq!(r["status"], cli["status"]);
            assert_eq!(r.get("output"), cli.get("output"));
            assert_eq!(cli_shape(&r["events"]), *cli["events"].as_array().unwrap(), "seed {seed}");
        }
    }
}

#[wasm_bindgen_test]
fn retries_backoffs_and_waits_are_spans_and_the_seed_matters() {
    let r = simulate(RETRY, RETRY_INPUT, RETRY_MOCKS, 7);
    assert_eq!(r["status"], json!("SUCCEEDED"));
    let spans = r["spans"].as_array().unwrap();
    let count = |state: &str, kind: &str| spans.iter().filter(|s| s["state"] == state && s["kind"] == kind).count();
    assert_eq!(count("Charge", "attempt"), 3);
    assert_eq!(count("Charge", "backoff"), 2);
    assert_eq!(count("Settle", "wait"), 1);
    let failed = spans.iter().find(|s| s["kind"] == "attempt" && s["status"] == "failed").unwrap();
    assert_eq!(
        (failed["error"].as_str(), failed["cause"].as_str()),
        (Some("Flaky"), Some("timeout talking to the bank"))
    );
    let wait = spans.iter().find(|s| s["kind"] == "wait").unwrap();
    assert_eq!(wait["endMs"].as_i64().unwrap() - wait["startMs"].as_i64().unwrap(), 5000);
    // Every span ends within the execution, and starts before it ends.
    let total = r["durationMs"].as_i64().unwrap();
    for s in spans {
        let (a, b) = (s["startMs"].as_i64().unwrap(), s["endMs"].as_i64().unwrap());
        assert!(0 <= a && a <= b && b <= total, "{s}");
    }
    // Jitter and latency ranges come from the seed: same seed, same run; another, another.
    assert_eq!(simulate(RETRY, RETRY_INPUT, RETRY_MOCKS, 7), r);
    let other = simulate(RETRY, RETRY_INPUT, RETRY_MOCKS, 8);
    assert_ne!(other["durationMs"], r["durationMs"]);
}

#[wasm_bindgen_test]
fn text_and_objects_give_the_same_result() {
    let from_text = simulate(RETRY, RETRY_INPUT, RETRY_MOCKS, 3);
    let from_objects = value(
        &wasm::simulate(object(RETRY), object(RETRY_INPUT), object(RETRY_MOCKS), opts(json!({"seed": 3}))).unwrap(),
    );
    assert_eq!(from_text, from_objects);
    // Options: executionName reaches the events; a seed may be a decimal string.
    let named = value(
        &wasm::simulate(
            RETRY.into(),
            RETRY_INPUT.into(),
            RETRY_MOCKS.into(),
            opts(json!({"seed": "3", "executionName": "checkout-1"})),
        )
        .unwrap(),
    );
    assert_eq!(named["durationMs"], from_text["durationMs"]);
    // Undefined input and mocks: {} and no mocks (a Pass-only machine needs none).
    let pass = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "End": true}}}"#;
    let r = value(&wasm::simulate(pass.into(), JsValue::UNDEFINED, JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap());
    assert_eq!((r["status"].as_str(), r["output"].as_i64()), (Some("SUCCEEDED"), Some(1)));
    assert_eq!(r["events"][0]["executionStartedEventDetails"]["input"], json!({}));
}

/// `a` and `b` are the same JS value: primitives by `Object.is` (so -0 is not 0), objects and
/// arrays by prototype and own keys in order, recursively.
fn same(a: &JsValue, b: &JsValue) -> bool {
    use js_sys::{Object, Reflect};
    if Object::is(a, b) {
        return true;
    }
    let (Some(oa), Some(ob)) = (a.dyn_ref::<Object>(), b.dyn_ref::<Object>()) else { return false };
    if !Object::is(&Object::get_prototype_of(oa).into(), &Object::get_prototype_of(ob).into()) {
        return false;
    }
    let (ka, kb) = (Reflect::own_keys(oa).unwrap(), Reflect::own_keys(ob).unwrap());
    ka.length() == kb.length()
        && (0..ka.length()).all(|i| {
            let k = ka.get(i);
            Object::is(&k, &kb.get(i)) && same(&Reflect::get(a, &k).unwrap(), &Reflect::get(b, &k).unwrap())
        })
}

/// Results cross as JSON.parse gives the JSON text the CLI prints: escapes, accents and astral
/// characters, integers beyond i32 and i64, -0 and floats, "__proto__" and empty keys, key order.
#[wasm_bindgen_test]
fn values_cross_as_json_parse_gives_them() {
    // Keys alike in their first eight bytes or but for a NUL, and more keys than the tape's
    // 64 slots, in objects written again and again.
    let many: Vec<String> = (0..100).map(|i| format!(r#""key{}": {i}"#, i * 7919 % 1000)).collect();
    let alike = r#"{"abcdefgh12": 1, "abcdefgh34": 2, "abcdefgh12x": 3, "a\u0000": 4, "a": 5, "abcdefgh": 6}"#;
    let tricky = format!(
        r#"{{"s": "q\"\\\n\u0001\u00e9\ud83d\ude00/", "": "", "__proto__": {{"x": 1}}, "n": [0, -1, 2147483647, 2147483648, -2147483648, -2147483649, 9007199254740993, 18446744073709551615, -9223372036854775808, 1.5, -0.0, 1e21, 100.0, 0.1], "nested": [[], {{}}, [null, true, false, [[{{}}]]]], "b": 1, "a": 2, "10": 3, "9": 4, "e\u0301": "\u0000", "alike": [{alike}, {alike}], "many": [{{{m}}}, {{{m}}}]}}"#,
        m = many.join(", ")
    );
    let tricky = tricky.as_str();
    let def = format!(r#"{{"StartAt": "P", "States": {{"P": {{"Type": "Pass", "Result": {tricky}, "End": true}}}}}}"#);
    let result =
        wasm::simulate(def.as_str().into(), JsValue::UNDEFINED, JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap();
    let output = js_sys::Reflect::get(&result, &"output".into()).unwrap();
    let expected = object(&statelab::value::to_string(&read::parse(tricky).unwrap()));
    assert!(
        same(&output, &expected),
        "{:?} != {:?}",
        js_sys::JSON::stringify(&output),
        js_sys::JSON::stringify(&expected)
    );
    // The checker itself tells -0 from 0 and a prototype from an own "__proto__".
    assert!(!same(&object("[0]"), &js_sys::Array::of1(&JsValue::from_f64(-0.0))));
    assert!(!same(&object(r#"{"__proto__": {}}"#), &js_sys::Object::new()));
}

#[wasm_bindgen_test]
fn errors_cross_as_js_errors_with_clear_messages() {
    let m = message(
        wasm::simulate(PARALLEL.into(), "{\n  \"order\": ,\n}".into(), PARALLEL_MOCKS.into(), JsValue::UNDEFINED)
            .unwrap_err(),
    );
    assert!(m.starts_with("input: invalid JSON at line 2, column 12"), "{m}");
    let m =
        message(wasm::simulate(PARALLEL.into(), PARALLEL_INPUT.into(), "[1".into(), JsValue::UNDEFINED).unwrap_err());
    assert!(m.starts_with("mocks: invalid JSON at line 1"), "{m}");

    let bad = "{\n  \"StartAt\": \"Nope\",\n  \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}\n}";
    let e = wasm::simulate(bad.into(), JsValue::UNDEFINED, JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap_err();
    let diags = js_sys::Reflect::get(&e, &"diagnostics".into()).unwrap();
    let diags = value(&diags);
    let m = message(e);
    assert!(m.starts_with("invalid definition:\n  "), "{m}");
    let d = &diags[0];
    assert!(m.contains(&format!("{}:{}: ", d["line"], d["column"])), "{m} / {d}");

    let unmocked = r#"{"StartAt": "Charge card", "States": {"Charge card": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "End": true}}}"#;
    let m = message(
        wasm::simulate(unmocked.into(), JsValue::UNDEFINED, JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap_err(),
    );
    assert!(m.contains("'Charge card'"), "{m}");

    let m = message(
        wasm::simulate(
            PARALLEL.into(),
            PARALLEL_INPUT.into(),
            r#"{"Slow": {"latency": 1}}"#.into(),
            JsValue::UNDEFINED,
        )
        .unwrap_err(),
    );
    assert!(m.starts_with("mocks: ") && m.contains("'Slow'"), "{m}");
    for (o, what) in [
        (json!({"seed": -1}), "options.seed"),
        (json!({"seed": 1.5}), "options.seed"),
        (json!({"executionName": 3}), "options.executionName"),
        (json!({"historyBytes": -1}), "options.historyBytes"),
        (json!({"historyBytes": 1.5}), "options.historyBytes"),
        (json!({"historyBytes": "1"}), "options.historyBytes"),
        (json!([1]), "options must be"),
    ] {
        let m = message(
            wasm::simulate(PARALLEL.into(), PARALLEL_INPUT.into(), PARALLEL_MOCKS.into(), opts(o)).unwrap_err(),
        );
        assert!(m.contains(what), "{m}");
    }
    let m = message(
        wasm::simulate(JsValue::UNDEFINED, JsValue::UNDEFINED, JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap_err(),
    );
    assert!(m.contains("definition is missing"), "{m}");
    // A value JSON cannot hold.
    let cyclic = js_sys::Object::new();
    js_sys::Reflect::set(&cyclic, &"self".into(), &cyclic).unwrap();
    let m =
        message(wasm::simulate(PARALLEL.into(), cyclic.into(), PARALLEL_MOCKS.into(), JsValue::UNDEFINED).unwrap_err());
    assert!(m.starts_with("input: cannot be converted to JSON"), "{m}");
}

#[wasm_bindgen_test]
fn a_history_past_its_budget_says_what_it_left_out() {
    // Each iteration makes a new 10 KB text; the history keeps 100 KB of them.
    let def = r#"{"StartAt": "Grow", "States": {
        "Grow": {"Type": "Pass", "Parameters": {"base.$": "$.base", "i.$": "States.MathAdd($.i, 1)",
                 "text.$": "States.Format('{}:{}', $.i, $.base)"}, "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericGreaterThanEquals": 100, "Next": "Done"}],
                  "Default": "Grow"},
        "Done": {"Type": "Succeed"}}}"#;
    let input = json!({"base": "b".repeat(10_000), "i": 0}).to_string();
    let o = opts(json!({"historyBytes": 100_000, "recordSteps": true}));
    let r = value(&wasm::simulate(def.into(), input.as_str().into(), JsValue::UNDEFINED, o).unwrap());
    assert_eq!(r["status"], json!("SUCCEEDED"));
    assert_eq!(r["output"]["i"].as_f64(), Some(100.0));
    assert_eq!(r["historyTruncated"], json!(true));
    let events = r["events"].as_array().unwrap();
    let last = events.iter().rev().find(|e| e["type"] == "PassStateExited").unwrap();
    assert_eq!(last["stateExitedEventDetails"], json!({"name": "Grow", "outputDetails": {"truncated": true}}));
    let first = events.iter().find(|e| e["type"] == "PassStateExited").unwrap();
    assert_eq!(first["stateExitedEventDetails"]["outputDetails"], json!({"truncated": false}));
    let spans = r["spans"].as_array().unwrap();
    let grow = spans.iter().rev().find(|s| s["state"] == "Grow").unwrap();
    assert_eq!((grow.get("input"), &grow["inputElided"]), (None, &json!(true)));
    assert!(grow["steps"].as_array().unwrap().iter().any(|s| s["elided"] == json!(true) && s.get("value").is_none()));
    // Unlimited (2 ** 32 and more, or a larger budget): all there.
    for bytes in [4_294_967_296.0, 10_000_000.0] {
        let o = opts(json!({"historyBytes": bytes}));
        let r = value(&wasm::simulate(def.into(), input.as_str().into(), JsValue::UNDEFINED, o).unwrap());
        assert_eq!(r.get("historyTruncated"), None);
    }
}

/// Drive a Session the way www/statelab.js does, stepping to each deadline; also with a
/// coarse clock that asks for times between deadlines.
fn drive(def: &str, input: &str, mocks: &str, seed: u64, tick: Option<f64>) -> (Vec<Value>, Value) {
    let mut s = Session::new(def.into(), input.into(), mocks.into(), opts(json!({"seed": seed}))).unwrap();
    s.start().unwrap();
    let mut events = value(&s.take_events()).as_array().unwrap().clone();
    let mut now = 0.0;
    while let Some(d) = s.next_deadline() {
        assert!(d >= s.now_ms());
        match tick {
            None => s.step_to(d).unwrap(),
            Some(t) => {
                now += t;
                s.step_to(now).unwrap();
            }
        }
        events.extend(value(&s.take_events()).as_array().unwrap().iter().cloned());
    }
    assert!(s.done());
    (events, value(&s.result()))
}

#[wasm_bindgen_test]
fn a_session_stepped_from_js_gives_the_events_of_simulate() {
    for (def, input, mocks) in [(PARALLEL, PARALLEL_INPUT, PARALLEL_MOCKS), (RETRY, RETRY_INPUT, RETRY_MOCKS)] {
        let r = simulate(def, input, mocks, 11);
        let (events, result) = drive(def, input, mocks, 11, None);
        assert_eq!(Value::Array(events.into()), r["events"]);
        assert_eq!(result, r);
        let (events, _) = drive(def, input, mocks, 11, Some(250.0));
        assert_eq!(Value::Array(events.into()), r["events"]);
    }
}

#[wasm_bindgen_test]
fn external_tasks_are_handed_out_and_completed_at_the_given_time() {
    let o = opts(json!({"external": ["Medium"]}));
    let mut s = Session::new(PARALLEL.into(), PARALLEL_INPUT.into(), PARALLEL_MOCKS.into(), o.clone()).unwrap();
    s.start().unwrap();
    let reqs = value(&s.take_external());
    assert_eq!(reqs.as_array().unwrap().len(), 1, "{reqs}");
    assert_eq!(
        (reqs[0]["state"].as_str(), reqs[0]["lane"].as_str(), reqs[0]["attempt"].as_u64()),
        (Some("Medium"), Some("Fan out/1"), Some(0))
    );
    assert_eq!(reqs[0]["input"], json!({"order": 42}));
    let id = reqs[0]["id"].as_f64().unwrap();
    // Mocked branches go on by themselves; the external one waits.
    s.step_to(s.next_deadline().unwrap()).unwrap();
    s.step_to(s.next_deadline().unwrap()).unwrap();
    // What is left to happen by itself: the execution's one-year limit (before the external
    // task's own default timeout of 99999999 s).
    assert_eq!(s.next_deadline(), Some(365.0 * 24.0 * 3600.0 * 1000.0));
    assert!(!s.done());
    assert_eq!(s.now_ms(), 3000.0);
    s.complete_external(id, 4500.0, r#"{"branch": "from JS"}"#).unwrap();
    assert!(s.done());
    let r = value(&s.result());
    assert_eq!(r["status"], json!("SUCCEEDED"));
    assert_eq!(r["durationMs"], json!(4500));
    assert_eq!(r["output"][1], json!({"branch": "from JS"}));
    let ev = r["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "LambdaFunctionSucceeded" && e["state"] == "Medium")
        .cloned()
        .unwrap();
    assert_eq!(ev["ms"], json!(4500));

    // A completion earlier than a mocked deadline is handled in time order.
    let mut s = Session::new(PARALLEL.into(), PARALLEL_INPUT.into(), PARALLEL_MOCKS.into(), o.clone()).unwrap();
    s.start().unwrap();
    let id = value(&s.take_external())[0]["id"].as_f64().unwrap();
    s.fail_external(id, 1500.0, "TypeError", "x is not a function").unwrap();
    let r = value(&s.result());
    assert_eq!(
        (r["status"].as_str(), r["error"].as_str(), r["cause"].as_str()),
        (Some("FAILED"), Some("TypeError"), Some("x is not a function"))
    );
    let types: Vec<&str> = r["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    let fast = types.iter().position(|t| *t == "LambdaFunctionSucceeded").unwrap();
    let failed = types.iter().position(|t| *t == "LambdaFunctionFailed").unwrap();
    assert!(fast < failed, "{types:?}");

    // Output that is not JSON is an error, not a panic.
    let mut s = Session::new(PARALLEL.into(), PARALLEL_INPUT.into(), PARALLEL_MOCKS.into(), o).unwrap();
    s.start().unwrap();
    let id = value(&s.take_external())[0]["id"].as_f64().unwrap();
    assert!(message(s.complete_external(id, 10.0, "{oops").unwrap_err()).contains("invalid JSON"));
    assert!(message(s.step_to(f64::NAN).unwrap_err()).contains("finite"));
}

#[wasm_bindgen_test]
fn stop_aborts_the_execution() {
    let mut s =
        Session::new(PARALLEL.into(), PARALLEL_INPUT.into(), PARALLEL_MOCKS.into(), JsValue::UNDEFINED).unwrap();
    s.start().unwrap();
    s.step().unwrap();
    s.stop();
    assert!(s.done());
    assert_eq!(s.status(), "ABORTED");
    assert_eq!(s.next_deadline(), None);
    let r = value(&s.result());
    let last = r["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["type"], json!("ExecutionAborted"));
    assert_eq!(last["ms"], json!(1000));
    // Spans still running when it stopped are closed.
    let spans = value(&s.spans());
    assert!(spans.as_array().unwrap().iter().all(|s| s["endMs"].is_i64()), "{spans}");
}

/// The allocator (src/support/quick_alloc.rs) keeps what a block holds when it grows or shrinks
/// within a size class, across small classes, and between small blocks and talc's; and a
/// freed small block serves the next allocation of its class.
#[wasm_bindgen_test]
fn the_allocator_keeps_contents_through_size_classes() {
    let mut v: Vec<u8> = Vec::with_capacity(1);
    for i in 0..1000u32 {
        v.push(i as u8);
        if i % 97 == 0 {
            v.shrink_to_fit();
        }
    }
    assert!(v.iter().enumerate().all(|(i, &b)| b == i as u8));
    v.truncate(5);
    v.shrink_to_fit();
    assert_eq!(v, [0, 1, 2, 3, 4]);
    // Blocks of every small size, freed and taken again in a different order.
    let mut blocks: Vec<Vec<u64>> = (1..=20).map(|n| (0..n).collect()).collect();
    blocks.retain(|b| b.len() % 3 != 0);
    let again: Vec<Vec<u64>> = (1..=20).rev().map(|n| vec![n; n as usize]).collect();
    for b in &blocks {
        assert!(b.iter().enumerate().all(|(i, &x)| x == i as u64));
    }
    for b in &again {
        assert!(b.iter().all(|&x| x as usize == b.len()));
    }
    // Over-aligned small blocks go to talc and keep their alignment.
    #[repr(align(64))]
    struct Wide(u8);
    let w = Box::new(Wide(7));
    assert_eq!(&*w as *const Wide as usize % 64, 0);
    assert_eq!(w.0, 7);
}

/// `derive` (full engine): the input and the mocks a definition needs, as `run --auto` makes
/// them; the states named in `mocked` get none; what it gives runs to success.
#[cfg(feature = "extras")]
#[wasm_bindgen_test]
fn derive_gives_the_missing_input_and_mocks_of_run_auto() {
    let def = r#"{"StartAt": "Check", "States": {
        "Check": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"FunctionName": "check", "Payload": {"order.$": "$.orderId"}}, "Next": "Ok?"},
        "Ok?": {"Type": "Choice", "Choices": [{"Variable": "$.Payload.status", "StringEquals": "PAID", "Next": "Ship"}],
                "Default": "Stop"},
        "Ship": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                 "Parameters": {"QueueUrl": "q", "MessageBody.$": "$.Payload"}, "End": true},
        "Stop": {"Type": "Fail", "Error": "Unpaid"}}}"#;
    let d = value(&wasm::derive_missing(def.into(), true, opts(json!([]))).expect("derive"));
    assert!(d["input"]["orderId"].is_string(), "{d}");
    assert_eq!(d["mocks"]["Check"]["result"]["Payload"]["status"], json!("PAID"), "{d}");
    assert!(d["mocks"]["Check"]["latency"].is_number(), "{d}");
    assert!(d["mocks"]["Ship"]["result"].is_object(), "{d}");
    // The same as the library's (which `run --auto` uses).
    let lib = statelab::derive::derive(&read::parse(def).unwrap(), true, &[]);
    // (Through JS, as the page has them: a latency of 1.0 is the number 1 there.)
    let through_js = |v: Value| value(&object(&v.to_string()));
    assert_eq!(d["input"], through_js(lib.input.unwrap()));
    assert_eq!(d["mocks"], through_js(Value::Object(lib.mocks)));
    let out = simulate(def, &d["input"].to_string(), &d["mocks"].to_string(), 1);
    assert_eq!(out["status"], json!("SUCCEEDED"), "{out}");
    // A state that has a mock gets none; no input when none is asked for. A JS object works too.
    let d = value(&wasm::derive_missing(object(def), false, opts(json!(["Check"]))).expect("derive"));
    assert_eq!(d.get("input"), None, "{d}");
    assert_eq!(d["mocks"].as_object().unwrap().keys().map(|k| k.to_string()).collect::<Vec<_>>(), ["Ship"]);
    // Bad arguments are clear errors.
    let e = message(wasm::derive_missing("{".into(), true, JsValue::UNDEFINED).unwrap_err());
    assert!(e.starts_with("definition: invalid JSON at line 1"), "{e}");
    let e = message(wasm::derive_missing(def.into(), true, opts(json!([1]))).unwrap_err());
    assert_eq!(e, "mocked must list state names");
}
