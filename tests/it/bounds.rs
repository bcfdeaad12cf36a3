//! The reliability reproducers of issue #15 for expressions (JSONata, its regular
//! expressions, JSONPath, intrinsic functions): each ends in time, on a bounded stack, with
//! an answer or a clean error. The inputs are built here (the reproducers' files are
//! generated the same way). Time bounds are generous for a release build (`cargo test
//! --release`, as scripts/test.sh runs it) and ten times that for a debug build.

use statelab::asl::{validate_text, MachineType};
use statelab::driver::{result_json, simulate};
use statelab::exec::Options;
use statelab::json;
use statelab::jsonata::{evaluate_str, Host};
use statelab::mock::Mocks;
use statelab::value::{Map, Value};
use std::time::{Duration, Instant};

/// Run `f` on a thread with `kb` KB of stack (ten times more in a debug build, whose frames
/// are far bigger), failing the test when it takes longer than `secs` seconds.
fn bounded<T: Send + 'static>(name: &str, kb: usize, secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let scale = if cfg!(debug_assertions) { 10 } else { 1 };
    let t0 = Instant::now();
    let out =
        std::thread::Builder::new().name(name.into()).stack_size(kb * 1024 * scale).spawn(f).unwrap().join().unwrap();
    let took = t0.elapsed();
    assert!(took < Duration::from_secs(secs * scale as u64), "{name} took {took:?}");
    out
}

fn jsonata_state(expr: &str) -> String {
    json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "Output": format!("{{% {expr} %}}"), "End": true}}})
        .to_string()
}

/// Validate and run a definition: (its diagnostics' messages, the result as `run --json`
/// gives it, as text: values do not cross threads).
fn validate_and_run_text(def: String) -> (Vec<String>, String) {
    match validate_text(&def, MachineType::Standard) {
        Err(diags) => (diags.into_iter().map(|d| d.message).collect(), "null".into()),
        Ok(machine) => {
            let exec = simulate(machine, json!({}), Mocks::default(), Options::default()).unwrap();
            (vec![], result_json(&exec).to_string())
        }
    }
}

/// [`validate_and_run_text`] on a thread of `kb` KB of stack, within `secs` seconds.
fn run_bounded(name: &str, kb: usize, secs: u64, def: String) -> (Vec<String>, Value) {
    let (diags, text) = bounded(name, kb, secs, move || validate_and_run_text(def));
    // (a result nested deeper than the reader takes is null here)
    (diags, statelab::value::read::parse(&text).unwrap_or(Value::Null))
}

struct H;
impl Host for H {
    fn now_millis(&self) -> f64 {
        0.0
    }
    fn random(&mut self) -> f64 {
        0.5
    }
}

fn eval(expr: &str) -> Result<Option<Value>, (String, String)> {
    evaluate_str(expr, None, &Map::new(), &mut H, &Default::default()).map_err(|e| (e.code.clone(), e.message.clone()))
}

/// [`eval`] on a thread of `kb` KB of stack, within `secs` seconds.
fn eval_bounded(name: &str, kb: usize, secs: u64, expr: String) -> Result<Option<Value>, (String, String)> {
    let r = bounded(name, kb, secs, move || eval(&expr).map(|v| v.map(|v| v.to_string())));
    r.map(|v| v.map(|t| statelab::value::read::parse(&t).unwrap()))
}

fn cause(r: &Value) -> &str {
    r["cause"].as_str().unwrap_or("")
}

// ------------------------------------------------------------------ the stack

#[test]
fn r01_operator_chains_parse_in_a_loop() {
    // 2,700 operands aborted the process (validate and run); a chain as long as a 1 MB
    // definition allows validates on a small stack, and evaluates to U1001 (depth) or a value
    let (diags, r) = run_bounded("r01", 512, 10, jsonata_state(&vec!["1"; 2700].join("+")));
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(r["error"], json!("States.QueryEvaluationError"));
    assert!(cause(&r).contains("U1001: Stack overflow"), "{}", cause(&r));
    let long = jsonata_state(&vec!["1"; 300_000].join("+"));
    let ok = bounded("r01 long", 256, 10, move || validate_text(&long, MachineType::Standard).is_ok());
    assert!(ok);
    // within the depth, a chain evaluates
    let (_, r) = run_bounded("r01 short", 2048, 10, jsonata_state(&vec!["1"; 300].join("+")));
    assert_eq!(r["output"], json!(300));
    // and the other left-associative chains: calls, ~>, predicates, concatenation
    for e in [
        format!("$string{}", "()".repeat(50_000)),
        format!("1{}", " ~> $string".repeat(50_000)),
        format!("a{}", "[0]".repeat(50_000)),
    ] {
        // ends, with a value or an error (U1001: the depth)
        let _ = eval_bounded("chains", 2048, 10, e);
    }
}

#[test]
fn r02_paths_parse_in_a_loop() {
    // a path of 2,700 steps aborted validate; the wasm build trapped from about 80
    for n in [80, 2700, 300_000] {
        let (diags, r) = run_bounded("r02", 512, 10, jsonata_state(&vec!["a"; n].join(".")));
        assert!(diags.is_empty(), "{diags:?}");
        // The cause quotes the expression; held to 32,768 characters as AWS's events hold it.
        let c = cause(&r);
        if n < 10_000 {
            assert!(c.contains("returned nothing"), "{}", &c[c.len().saturating_sub(200)..]);
        } else {
            assert!(c.starts_with("An error occurred") && c.chars().count() == 32_768, "{}", &c[..200]);
        }
    }
    let deep = format!("{}{}", "{\"a\":".repeat(400), "1".to_string() + &"}".repeat(400));
    let path = vec!["a"; 400].join(".");
    let r = bounded("r02 value", 2048, 10, move || {
        let input = statelab::value::read::parse(&deep).unwrap();
        evaluate_str(&path, Some(&input), &Map::new(), &mut H, &Default::default()).unwrap().map(|v| v.to_string())
    });
    assert_eq!(r.as_deref(), Some("1"));
}

#[test]
fn r03_eval_of_a_long_chain_is_u1001() {
    let r = eval_bounded("r03", 2048, 10, "$eval($join($map([1..3000], function(){\"1\"}), \"+\"))".into());
    assert_eq!(r.unwrap_err().0, "U1001");
}

#[test]
fn nesting_is_bounded_with_a_clear_error() {
    // 50 levels are accepted, 51 are U1001 (jsonata-js overflows its stack), on a stack of
    // 1 MB: the wasm build's processor traps from 317 levels, V8's optimised one from 76
    // in a Node worker of 0.5 MB
    let nest = |n: usize| format!("{}1{}", "(".repeat(n), ")".repeat(n));
    // (the outermost expression is a level too)
    assert_eq!(eval_bounded("50", 1024, 10, nest(49)).unwrap(), Some(json!(1)));
    let e = eval_bounded("51", 1024, 10, nest(50)).unwrap_err();
    assert_eq!(e.0, "U1001");
    assert!(e.1.contains("nests more than 50 levels"), "{}", e.1);
    let (diags, _) = run_bounded("validate", 2048, 10, jsonata_state(&nest(100_000)));
    assert!(diags[0].contains("nests more than 50 levels"), "{diags:?}");
}

#[test]
fn recursion_is_u1001_within_the_default_depth() {
    // the default depth (600) fits a 2 MB stack with room to spare (about 750 KB natively)
    let r =
        eval_bounded("recursion", 2048, 10, "($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))".into());
    assert_eq!(r.unwrap_err().0, "U1001");
    let r = eval_bounded(
        "group recursion",
        2048,
        10,
        "($f := function($n){ $n = 0 ? 0 : {\"a\": $f($n - 1)}.a }; $f(100000))".into(),
    );
    assert_eq!(r.unwrap_err().0, "U1001");
    // jsonata-js's suite evaluates $factorial(99) within depth 302
    let r = eval_bounded("factorial", 2048, 10, "($f := function($n){$n = 0 ? 1 : $n * $f($n - 1)}; $f(99))".into());
    assert!(r.unwrap().is_some());
}

#[test]
fn r04_regular_expressions_need_no_stack() {
    // 20,000 nested groups aborted validate and run (the wasm build trapped from about 1,250)
    let groups = |n: usize| format!("$match(\"a\", /{}a{}/).groups ~> $count()", "(".repeat(n), ")".repeat(n));
    for n in [1250, 20_000] {
        let (diags, r) = run_bounded("r04", 256, 10, jsonata_state(&groups(n)));
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(r["output"], json!(n));
    }
    // long subjects: a group repeated 100,000 times, a literal of 100,000 characters
    let r = eval_bounded("regex loop", 256, 10, format!("$match(\"{}\", /(ab)*c/).match", "ab".repeat(100_000) + "c"));
    assert_eq!(r.unwrap().unwrap().as_str().map(str::len), Some(200_001));
    let a = "a".repeat(100_000);
    let r = eval_bounded("regex literal", 256, 10, format!("$contains(\"{a}\", /{a}/)"));
    assert_eq!(r.unwrap(), Some(json!(true)));
    // catastrophic backtracking ends with the step budget
    let r = eval_bounded("backtracking", 256, 10, format!("$match(\"{}\", /(a*)*b/)", "a".repeat(50)));
    assert_eq!(r.unwrap_err().0, "U1001");
}

#[test]
fn jsonpath_and_intrinsics_nest_within_bounds() {
    let pass = |field: &str, v: Value| {
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", field: v, "End": true}}}).to_string()
    };
    // filters nest at most 50 deep; a chain of 20,000 || is flat
    let nested = |n: usize| format!("$[?({}@.a{})]", "(".repeat(n), ")".repeat(n));
    let (diags, _) = run_bounded("jsonpath 50", 512, 10, pass("InputPath", json!(nested(49))));
    assert!(diags.is_empty(), "{diags:?}");
    let (diags, _) = run_bounded("jsonpath deep", 512, 10, pass("InputPath", json!(nested(100_000))));
    assert!(diags.iter().any(|d| d.contains("nested more than 50")), "{diags:?}");
    let or = format!("$[?({})]", vec!["@.a == 1"; 20_000].join(" || "));
    let (diags, r) = run_bounded("jsonpath or", 256, 10, pass("InputPath", json!(or)));
    assert!(diags.is_empty());
    assert_eq!(r["status"], json!("SUCCEEDED"));
    // a ResultPath of 1,000 steps is written in a loop; 1,001 are rejected
    let (diags, _) = run_bounded("result path", 512, 10, pass("ResultPath", json!(format!("${}", ".a".repeat(1000)))));
    assert!(diags.is_empty(), "{diags:?}");
    let (diags, _) = run_bounded("result path", 512, 10, pass("ResultPath", json!(format!("${}", ".a".repeat(1001)))));
    assert!(!diags.is_empty());
    // intrinsic calls nest at most 10 deep (AWS's limit)
    let call = |n: usize| format!("{}1{}", "States.Array(".repeat(n), ")".repeat(n));
    let (diags, _) = run_bounded("intrinsics", 512, 10, pass("Parameters", json!({"v.$": call(10)})));
    assert!(diags.is_empty(), "{diags:?}");
    let (diags, _) = run_bounded("intrinsics", 512, 10, pass("Parameters", json!({"v.$": call(1000)})));
    assert!(!diags.is_empty());
}

// ------------------------------------------------------------------ time

#[test]
fn r10_r20_r21_quadratic_builtins_are_linear() {
    for (name, expr, want) in [
        ("r10", "$count($distinct([1..100000].{\"a\": $}))", json!(100_000)),
        ("r20", "$count($spread([1..100000]))", json!(100_000)),
        ("r21", "$count($keys([1..200000]{\"k\": 1}))", json!(1)),
        ("r21 distinct", "$count($distinct([1..100000]))", json!(100_000)),
        ("merge", "$count($keys($merge([1..200000].{\"k\" & $: $})))", json!(200_000)),
        ("keys", "$count($keys([1..100000].{\"k\" & $: $}))", json!(100_000)),
    ] {
        let (_, r) = run_bounded(name, 2048, 5, jsonata_state(expr));
        assert_eq!(r["output"], want, "{name}: {r}");
    }
}

#[test]
fn r19_array_unique_is_linear() {
    let def = json!({"StartAt": "Gen", "States": {
        "Gen": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% {'a': [0..39999]} %}", "Next": "P"},
        "P": {"Type": "Pass", "Parameters": {"r.$": "States.ArrayUnique($.a)"}, "End": true}}});
    let (_, r) = run_bounded("r19", 2048, 3, def.to_string());
    assert_eq!(r["output"]["r"].as_array().map(Vec::len), Some(40_000));
}

#[test]
fn r11_an_execution_shares_one_step_budget() {
    // 10,000 iterations of an expression well within one evaluation's budget ran for 90 s;
    // the execution's budget (50 million steps) ends it with U1001 (a sum of a million
    // numbers builds them: some 2 million steps of memory; `$count` of a range does not)
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Map", "Items": "{% [1..10000] %}",
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Output": "{% $sum([1..1000000]) %}", "End": true}}}, "End": true}}});
    let (_, r) = run_bounded("r11", 2048, 20, def.to_string());
    assert_eq!(r["error"], json!("States.QueryEvaluationError"));
    assert!(cause(&r).contains("U1001") && cause(&r).contains("execution"), "{}", cause(&r));
    // one evaluation may still range over ten million (jsonata-js's suite does)
    assert_eq!(eval("[1..10000000] ~> $count()").unwrap(), Some(json!(10_000_000)));
}

#[test]
fn r15_the_values_an_evaluation_builds_are_charged_by_their_bytes() {
    // nested values count: a thousand lists of 100,000 lists (outer items alone were charged)
    let r = eval("$count($map([1..1000], function($v){ [1..100000].[$] }))");
    assert_eq!(r.unwrap_err().0, "U1001");
    // so do texts by their bytes and objects by their entries
    assert_eq!(eval("$count($map([1..1000], function($v){ [1..100000].{'a': $} }))").unwrap_err().0, "U1001");
    assert_eq!(eval("$length($join($map([1..200], function($v){ $pad('', 1000000, '-') })))").unwrap_err().0, "U1001");
    // sizes past what a machine word holds are refused too, not wrapped around
    assert_eq!(eval("$pad('', 9223372036854775808)").unwrap_err().0, "U1001");
    assert_eq!(eval("$pad('o', 18446744073709551615, '💩')").unwrap_err().0, "U1001");
    // frames and closures count too: here each call keeps one until the evaluation ends
    let closures = "$reduce([1..1000], function($a, $b){ $reduce([1..1000], function($c, $d){ ($f := function(){ $d }; $f) }) }, 0)";
    assert_eq!(eval(closures).unwrap_err().0, "U1001");
    // within the budget: a million numbers, their sum, and a tenth of it nested
    assert_eq!(eval("$sum([1..1000000])").unwrap(), Some(json!(500_000_500_000_i64)));
    assert_eq!(eval("$count($map([1..100], function($v){ [1..1000].[$] }))").unwrap(), Some(json!(100)));
    // a list the steps left cannot pay for is not built (ten million numbers are ~240 MB)
    assert_eq!(eval("[1..10000000]").unwrap_err().0, "U1001");
    assert_eq!(eval("($r := [1..2000000]; $count([$r, $r, $r, $r]))").unwrap_err().0, "U1001");
    // `$count` of a range counts it without building it, with the range's own errors
    assert_eq!(eval("$count([1..10000000])").unwrap(), Some(json!(10_000_000)));
    assert_eq!(eval("[100..10000099] ~> $count()").unwrap(), Some(json!(10_000_000)));
    assert_eq!(eval("$count([5..1])").unwrap(), Some(json!(0)));
    assert_eq!(eval("[0..10000000] ~> $count()").unwrap_err().0, "D2014");
    assert_eq!(eval("$count(['a'..2])").unwrap_err().0, "T2003");
    assert_eq!(eval("$count([1..2.5])").unwrap_err().0, "T2004");
    assert_eq!(eval("($count := function($x){ 7 }; $count([1..3]))").unwrap(), Some(json!(7)));
}

// ------------------------------------------------------------------ answers and messages

#[test]
fn r18_dates_beyond_javascripts_range_are_nan_as_in_jsonata_js() {
    assert_eq!(eval("$fromMillis(1e300)").unwrap(), Some(json!("0NaN-NaN-NaNTNaN:NaN:NaN.NaNZ")));
    assert_eq!(eval("$fromMillis(8.64e15)").unwrap(), Some(json!("5760-09-13T00:00:00.000Z")));
    assert_eq!(eval("$fromMillis(8.64e15 + 1, '[FNn]')").unwrap(), Some(json!("undefined")));
    assert_eq!(eval("$fromMillis(1e300, '[MN]')").unwrap_err().0, "D1001");
    assert_eq!(eval("$now('[Y]', '+999999999999')").unwrap(), Some(json!("NaN")));
    assert_eq!(eval("$toMillis('999999', '[Y]')").unwrap_err().0, "D1001");
}

#[test]
fn r22_messages_quote_a_bounded_prefix() {
    // $pad to 1e8 passed the step budget and its 100 MB were quoted whole, three times
    let (_, r) = run_bounded("r22", 2048, 5, jsonata_state("$number($pad('x', 100000000))"));
    assert!(cause(&r).contains("U1001"), "{}", cause(&r));
    let (code, msg) = eval("$number($pad('x', 1000000))").unwrap_err();
    assert_eq!(code, "D3030");
    assert!(msg.len() < 4200 && msg.ends_with("...\""), "{}", msg.len());
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Condition": "{% $pad('x', 20000000) %}", "Next": "E"}], "Default": "E"},
        "E": {"Type": "Succeed"}}});
    let (_, r) = run_bounded("r22 choice", 2048, 5, def.to_string());
    assert!(cause(&r).len() < 5000, "{}", cause(&r).len());
    assert!(r.to_string().len() < 20_000);
}

#[test]
fn pad_pays_for_the_bytes_it_makes() {
    // 31.6 million four-byte characters: 126 MB of text, once charged as 31.6 million bytes.
    let r = eval_bounded("pad bytes", 512, 3, "$length($pad('', 31622400, '💩'))".into());
    assert_eq!(r.unwrap_err().0, "U1001");
    // (It ended with the same error, but after building the text: 405 MB at the peak.) Text
    // of one-byte characters, a step per eight, is within the budget up to some 40 million.
    let r = eval_bounded("pad ascii", 512, 3, "$length($pad('', 20000000, 'x'))".into());
    assert_eq!(r.unwrap(), Some(statelab::json!(20_000_000)));
}

#[test]
fn a_tuple_stream_is_charged_before_it_is_built() {
    // Ten million tuples of a focus binding took 5 s and 3 GB before the budget ended them.
    let r = eval_bounded("tuples", 512, 3, "[1..10000].[1..1000]@$.()".into());
    assert_eq!(r.unwrap_err().0, "U1001");
    // A stream well within the budget is untouched.
    let r = eval_bounded("small tuples", 512, 3, "$count([1..100].[1..100]@$i.($i))".into());
    assert_eq!(r.unwrap(), Some(statelab::json!(10_000)));
}
