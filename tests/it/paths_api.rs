//! The public API of jsonpath / intrinsics / payload as the executor uses it, with a
//! caller-owned Scope (sans-IO: randomness comes from the caller).

use statelab::dataflow::intrinsics::Call;
use statelab::dataflow::jsonpath::{set_path, Path, Reference, Root};
use statelab::dataflow::scope::{select_reference, Scope};
use statelab::dataflow::template::{Dynamic, Template};
use statelab::json;
use statelab::value::Value;

/// A scope whose "random" numbers are a fixed script, as a test or replay would supply.
struct Scripted {
    input: Value,
    context: Value,
    vars: Vec<(String, Value)>,
    draws: Vec<f64>,
}

impl Scope for Scripted {
    fn input(&self) -> &Value {
        &self.input
    }
    fn context(&self) -> &Value {
        &self.context
    }
    fn variable(&self, name: &str) -> Option<&Value> {
        self.vars.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
    fn random(&mut self) -> f64 {
        self.draws.remove(0)
    }
}

fn scope(input: Value) -> Scripted {
    Scripted {
        input,
        context: json!({"Execution": {"Name": "run-1", "Input": {"k": 1}}, "State": {"Name": "S"}}),
        vars: vec![("cfg".into(), json!({"limits": [10, 20], "name": "x"})), ("n".into(), json!(5))],
        draws: vec![0.0, 0.5, 0.25, 0.999_999_999, 0.75],
    }
}

#[test]
fn template_with_every_kind_of_dynamic_value() {
    let t = Template::parse(&json!({
        "static": {"keep": "$.not_a_path", "list": [1, {"deep.$": "$.a"}]},
        "whole.$": "$",
        "ctx.$": "$$.Execution.Name",
        "var.$": "$cfg.limits[1]",
        "varWhole.$": "$n",
        "call.$": "States.Format('{}/{}', $cfg.name, States.MathAdd($n, 1))",
        "items.$": "$.list[?(@.v > 1)].v"
    }))
    .unwrap();
    let mut s = scope(json!({"a": true, "list": [{"v": 1}, {"v": 2}, {"v": 3}]}));
    let out = t.eval(&mut s, "Parameters").unwrap();
    assert_eq!(
        out,
        json!({
            "static": {"keep": "$.not_a_path", "list": [1, {"deep": true}]},
            "whole": {"a": true, "list": [{"v": 1}, {"v": 2}, {"v": 3}]},
            "ctx": "run-1",
            "var": 20,
            "varWhole": 5,
            "call": "x/6",
            "items": [2, 3]
        })
    );
    // Literal fields first, then the `.$` fields in AWS's (Java HashMap) order.
    let keys: Vec<&str> = out.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    assert_eq!(keys, ["static", "call", "ctx", "var", "whole", "varWhole", "items"]);
}

#[test]
fn missing_values_are_runtime_failures() {
    let mut s = scope(json!({"a": 1}));
    let t = Template::parse(&json!({"v.$": "$.b"})).unwrap();
    let e = t.eval(&mut s, "Parameters").unwrap_err();
    assert_eq!(e.error, "States.Runtime");
    assert_eq!(e.cause, "The JSONPath '$.b' specified for the field 'v.$' could not be found in the input '{\"a\":1}'");

    let t = Template::parse(&json!({"c.$": "$$.Execution.Nope"})).unwrap();
    let e = t.eval(&mut s, "Parameters").unwrap_err();
    assert_eq!(e.error, "States.Runtime");
    // A context path is printed relative to the context object, and the context is the input.
    assert!(e.cause.starts_with("The JSONPath '$.Execution.Nope' specified for the field 'c.$' could not be found in the input '{\"Execution\""), "{}", e.cause);

    let t = Template::parse(&json!({"u.$": "$undefinedVar.x"})).unwrap();
    let e = t.eval(&mut s, "Parameters").unwrap_err();
    assert_eq!(e.error, "States.Runtime");
    assert!(e.cause.contains("$undefinedVar"), "{}", e.cause);
}

#[test]
fn input_and_output_path_causes() {
    let s = scope(json!({"a": {"b": 1}}));
    let r = Reference::parse("$.NoSuchOutputPath").unwrap();
    let e = select_reference(&s, &r).unwrap_err();
    assert_eq!(e.cause, "Invalid path '$.NoSuchOutputPath' : No results for path: $['NoSuchOutputPath']");
    let r = Reference::parse("$.no.such.result.path").unwrap();
    assert_eq!(
        select_reference(&s, &r).unwrap_err().cause,
        "Invalid path '$.no.such.result.path' : Missing property in path $['no']"
    );
    let r = Reference::parse("$$.Execution.Input").unwrap();
    assert_eq!(select_reference(&s, &r).unwrap(), json!({"k": 1}));
    let r = Reference::parse("$cfg.limits").unwrap();
    assert_eq!(r.root, Root::Variable("cfg".into()));
    assert_eq!(select_reference(&s, &r).unwrap(), json!([10, 20]));
}

#[test]
fn result_path_writes() {
    let p = Path::parse("$.result.inner").unwrap();
    assert_eq!(set_path(json!({"x": 1}), &p, json!([1])).unwrap(), json!({"x": 1, "result": {"inner": [1]}}));
    let p = Path::parse("$.x").unwrap();
    assert_eq!(set_path(json!({"x": 1}), &p, json!(null)).unwrap(), json!({"x": null}));
    // Writing below a non-object fails with the path in the cause.
    let e = set_path(json!({"x": 1}), &Path::parse("$.x.y").unwrap(), json!(2)).unwrap_err();
    assert_eq!(e.error, "States.Runtime");
    assert!(e.cause.starts_with("Invalid path '$.x.y' : "));
    // Indefinite paths cannot be written.
    assert!(set_path(json!({}), &Path::parse("$.a[*]").unwrap(), json!(1)).is_err());
}

#[test]
fn randomness_comes_from_the_scope() {
    let mut s = scope(json!({}));
    let u = Call::parse("States.UUID()").unwrap().eval(&mut s, "id.$").unwrap();
    // Draws 0.0, 0.5, 0.25, 0.999999999 -> 00000000 80000000 40000000 fffffffb, with version/variant bits.
    assert_eq!(u, json!("00000000-8000-4000-8000-0000fffffffb"));
    let r = Call::parse("States.MathRandom(100, 200)").unwrap().eval(&mut s, "r.$").unwrap();
    assert_eq!(r, json!(175));
}

#[test]
fn dynamic_parse_distinguishes_paths_and_calls() {
    assert!(matches!(Dynamic::parse("$.a").unwrap(), Dynamic::Ref(_)));
    assert!(matches!(Dynamic::parse("$$").unwrap(), Dynamic::Ref(Reference { root: Root::Context, .. })));
    assert!(matches!(Dynamic::parse("States.Array()").unwrap(), Dynamic::Call(_)));
    assert!(Dynamic::parse("not a path").is_err());
    assert!(Dynamic::parse("States.Format('{}'").is_err());
    let errs = Template::parse(&json!({"a": [{"b.$": 1}], "c.$": "bad"})).unwrap_err();
    let ptrs: Vec<&str> = errs.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(ptrs, ["/a/0/b.$", "/c.$"]);
}

#[test]
fn format_template_from_input_keeps_backslashes() {
    let mut s = scope(json!({"t": "a\\b {}", "v": "x"}));
    let out = Call::parse("States.Format($.t, $.v)").unwrap().eval(&mut s, "f.$").unwrap();
    assert_eq!(out, json!("a\\b x"));
    let out = Call::parse("States.Format('a\\\\b \\{{}\\}', $.v)").unwrap().eval(&mut s, "f.$").unwrap();
    assert_eq!(out, json!("a\\b {x}"));
}
