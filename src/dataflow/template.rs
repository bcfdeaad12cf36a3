//! Payload templates (Parameters, ResultSelector, ItemSelector, JSONPath `Assign`) and the
//! dynamic values of their `"key.$"` fields: reference paths and intrinsic function calls.

use crate::dataflow::intrinsics::{Arg, Call};
use crate::dataflow::java::java_hashmap_order;
use crate::dataflow::jsonpath::{Reference, Root};
use crate::dataflow::scope::{resolve, Scope};
use crate::error::Failure;
use crate::value::{Interner, Key, Map, Value};

/// The value of a `"key.$"` field: a reference path or an intrinsic function call.
#[derive(Debug, Clone, PartialEq)]
pub enum Dynamic {
    Ref(Reference),
    Call(Call),
}

impl Dynamic {
    /// Parses the value; an error says why, and where (a position in `text`).
    pub fn parse(text: &str) -> Result<Dynamic, String> {
        let t = text.trim();
        if t.starts_with('$') {
            Reference::parse(t).map(Dynamic::Ref)
        } else {
            Call::parse(text).map(Dynamic::Call)
        }
    }

    /// Evaluates the value; `field` is the key as written (e.g. `value.$`) for messages.
    pub fn eval(&self, scope: &mut dyn Scope, field: &str) -> Result<Value, Failure> {
        match self {
            // `$` itself, the most common reference ("Payload.$": "$").
            Dynamic::Ref(Reference { root: Root::Input, path }) if path.is_root() => Ok(scope.input().clone()),
            Dynamic::Ref(r) => resolve(scope, r, field),
            Dynamic::Call(c) => c.eval(scope, field),
        }
    }
}

/// A parsed payload template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    node: Node,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Literal(Value),
    /// The entries, their output keys all different (see `aws_field_order`).
    Object(Vec<(Key, Entry)>),
    Array(Vec<Node>),
}

#[derive(Debug, Clone, PartialEq)]
enum Entry {
    Static(Node),
    /// Output key (without `.$`), the key as written, and the dynamic value.
    Dynamic(Key, Dynamic),
}

fn pointer_escape(k: &str) -> String {
    k.replace('~', "~0").replace('/', "~1")
}

fn json_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "NULL",
        Value::Bool(_) => "BOOLEAN",
        Value::Number(n) if n.is_f64() => "FLOAT",
        Value::Number(_) => "INTEGER",
        Value::String(_) => "STRING",
        Value::Array(_) => "ARRAY",
        Value::Object(_) => "OBJECT",
    }
}

impl Template {
    /// Whether an intrinsic function named `name` is called anywhere in the template (an
    /// argument's calls included).
    pub fn calls(&self, name: &str) -> bool {
        fn in_call(c: &Call, name: &str) -> bool {
            c.name == name || c.args.iter().any(|a| matches!(a, Arg::Call(c) if in_call(c, name)))
        }
        let mut stack = vec![&self.node];
        while let Some(n) = stack.pop() {
            match n {
                Node::Literal(_) => {}
                Node::Array(items) => stack.extend(items),
                Node::Object(entries) => {
                    for (_, e) in entries {
                        match e {
                            Entry::Static(n) => stack.push(n),
                            Entry::Dynamic(_, Dynamic::Call(c)) if in_call(c, name) => return true,
                            Entry::Dynamic(..) => {}
                        }
                    }
                }
            }
        }
        false
    }

    /// Parses a template; errors are `(JSON Pointer relative to the template, message)`.
    pub fn parse(value: &Value) -> Result<Template, Vec<(String, String)>> {
        Template::parse_with(value, &mut Interner::default())
    }

    /// As [`Template::parse`], the output keys of `.$` fields shared through `keys` (with the
    /// other templates of a definition).
    pub fn parse_with(value: &Value, keys: &mut Interner) -> Result<Template, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let node = parse_node(value, "", &mut errors, keys);
        if errors.is_empty() {
            Ok(Template { node })
        } else {
            Err(errors)
        }
    }

    /// True when the template has no `.$` field anywhere (it evaluates to itself).
    pub fn is_static(&self) -> bool {
        fn st(n: &Node) -> bool {
            match n {
                Node::Literal(_) => true,
                Node::Array(a) => a.iter().all(st),
                Node::Object(o) => o.iter().all(|(_, e)| matches!(e, Entry::Static(n) if st(n))),
            }
        }
        st(&self.node)
    }

    /// Evaluates the template. `field` names the template's field (`Parameters`, ...); it is
    /// kept for callers' messages, while path failures name the `.$` key as AWS does.
    pub fn eval(&self, scope: &mut dyn Scope, field: &str) -> Result<Value, Failure> {
        let _ = field;
        eval_node(&self.node, scope)
    }
}

fn parse_node(v: &Value, ptr: &str, errors: &mut Vec<(String, String)>, keys: &mut Interner) -> Node {
    match v {
        Value::Object(m) => {
            let mut out = Vec::with_capacity(m.len());
            for (k, val) in m {
                let p = format!("{}/{}", ptr, pointer_escape(k));
                if let Some(stripped) = k.strip_suffix(".$") {
                    match val {
                        // AWS's message, then why.
                        Value::String(s) => match Dynamic::parse(s) {
                            Ok(d) => out.push((keys.key(stripped), Entry::Dynamic(k.clone(), d))),
                            Err(why) => errors.push((
                                p,
                                format!("The value for the field '{k}' must be a valid JSONPath or a valid intrinsic function call: {why}"),
                            )),
                        },
                        other => errors.push((
                            p,
                            format!(
                                "The value for the field '{}' must be a STRING that contains a JSONPath but was an {}",
                                k,
                                json_type_name(other)
                            ),
                        )),
                    }
                } else {
                    out.push((k.clone(), Entry::Static(parse_node(val, &p, errors, keys))));
                }
            }
            Node::Object(aws_field_order(out))
        }
        Value::Array(a) => Node::Array(
            a.iter().enumerate().map(|(i, x)| parse_node(x, &format!("{}/{}", ptr, i), errors, keys)).collect(),
        ),
        other => Node::Literal(other.clone()),
    }
}

/// AWS builds a payload object with its literal fields first, in template order, then the
/// `.$` fields in the iteration order of a Java HashMap keyed by their output names. (This
/// matches the key order of every TaskScheduled `parameters` text recorded from AWS.)
/// A literal `"a"` and a dynamic `"a.$"` make one key `a`, in the literal's place, with the
/// dynamic value: the dynamic field takes the literal's place here, so that every key of the
/// result is different and the object is built without looking for keys already there.
fn aws_field_order(entries: Vec<(Key, Entry)>) -> Vec<(Key, Entry)> {
    let (mut statics, dynamics): (Vec<_>, Vec<_>) =
        entries.into_iter().partition(|(_, e)| matches!(e, Entry::Static(_)));
    let keys: Vec<&str> = dynamics.iter().map(|(k, _)| k.as_str()).collect();
    let order = java_hashmap_order(&keys);
    for (k, e) in crate::support::sort::permute(dynamics, &order) {
        match statics.iter_mut().find(|(s, _)| *s == k) {
            Some(place) => place.1 = e,
            None => statics.push((k, e)),
        }
    }
    statics
}

fn eval_node(n: &Node, scope: &mut dyn Scope) -> Result<Value, Failure> {
    match n {
        Node::Literal(v) => Ok(v.clone()),
        Node::Array(a) => {
            a.iter().map(|x| eval_node(x, scope)).collect::<Result<Vec<_>, _>>().map(|x| Value::Array(x.into()))
        }
        Node::Object(entries) => {
            let mut list = Vec::with_capacity(entries.len());
            for (k, e) in entries {
                let v = match e {
                    Entry::Static(Node::Literal(Value::Number(n))) => Value::Number(*n),
                    Entry::Static(n) => eval_node(n, scope)?,
                    Entry::Dynamic(written, d) => d.eval(scope, written)?,
                };
                list.push((k.clone(), v));
            }
            Ok(Value::Object(Map::from_distinct(list)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataflow::java::java_string_hash;
    use crate::dataflow::scope::SimpleScope;
    use crate::json;

    #[test]
    fn template_eval() {
        let t = Template::parse(&json!({
            "lit": 1,
            "a.$": "$.x",
            "nested": {"b.$": "$$.Execution.Id", "arr": [{"c.$": "$v.k"}, 2]},
            "f.$": "States.Format('{}-{}', $.x, $v.k)"
        }))
        .unwrap();
        let mut s = SimpleScope::new(json!({"x": "X"}), json!({"Execution": {"Id": "id1"}}));
        s.variables.insert("v".into(), json!({"k": 7}));
        let out = t.eval(&mut s, "Parameters").unwrap();
        assert_eq!(out, json!({"lit": 1, "a": "X", "nested": {"b": "id1", "arr": [{"c": 7}, 2]}, "f": "X-7"}));
    }

    #[test]
    fn field_order_follows_aws() {
        // Recorded from AWS TaskScheduled events: literals first, then `.$` fields in Java
        // HashMap order.
        let cases: &[(Value, &[&str])] = &[
            (json!({"FunctionName.$": "$.a", "Payload": {"Input.$": "$"}}), &["Payload", "FunctionName"]),
            (
                json!({"StateMachineArn.$": "$.a", "Input.$": "$.a", "Name.$": "$.a"}),
                &["Input", "StateMachineArn", "Name"],
            ),
            (
                json!({"ApiEndpoint.$": "$.a", "Method.$": "$.a", "Path.$": "$.a", "Stage.$": "$.a"}),
                &["Path", "Stage", "ApiEndpoint", "Method"],
            ),
            (
                json!({"TableName.$": "$.a", "Key.$": "$.a", "UpdateExpression.$": "$.a", "ExpressionAttributeValues.$": "$.a", "ReturnValues": "x"}),
                &["ReturnValues", "TableName", "UpdateExpression", "Key", "ExpressionAttributeValues"],
            ),
        ];
        for (tpl, want) in cases {
            let t = Template::parse(tpl).unwrap();
            let mut s = SimpleScope::new(json!({"a": 1}), json!({}));
            let out = t.eval(&mut s, "Parameters").unwrap();
            let keys: Vec<&str> = out.as_object().unwrap().keys().map(|k| k.as_str()).collect();
            assert_eq!(&keys, want);
        }
        assert_eq!(java_string_hash("Payload"), 877_951_342);
    }

    #[test]
    fn a_literal_and_a_dynamic_field_of_one_name_make_one_key() {
        // The key keeps the literal's place and takes the dynamic value, as inserting the
        // literals and then the `.$` fields into one object would.
        let t = Template::parse(&json!({"a": 1, "b": 2, "a.$": "$.x", "c.$": "$.x"})).unwrap();
        let mut s = SimpleScope::new(json!({"x": "X"}), json!({}));
        let out = t.eval(&mut s, "Parameters").unwrap();
        let keys: Vec<&str> = out.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(out, json!({"a": "X", "b": 2, "c": "X"}));
    }

    #[test]
    fn java_hashmap_order_is_by_bucket_then_insertion() {
        let names: Vec<String> = (0..300).map(|i| format!("k{}", i * 7919 % 1000)).collect();
        for n in [0, 1, 2, 12, 13, 40, 300] {
            let keys: Vec<&str> = names[..n].iter().map(|s| s.as_str()).collect();
            let mut cap = 16usize;
            while keys.len() * 4 > cap * 3 {
                cap *= 2;
            }
            let mut want: Vec<(usize, usize)> = keys
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    let h = java_string_hash(k) as u32;
                    (((h ^ (h >> 16)) as usize) & (cap - 1), i)
                })
                .collect();
            want.sort();
            let want: Vec<usize> = want.into_iter().map(|(_, i)| i).collect();
            assert_eq!(java_hashmap_order(&keys), want, "{n} keys");
        }
    }

    #[test]
    fn missing_path_cause() {
        let t = Template::parse(&json!({"value.$": "$.no_such_jsonpath"})).unwrap();
        let mut s = SimpleScope::new(json!({"a": 1}), json!({}));
        let e = t.eval(&mut s, "Parameters").unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(
            e.cause,
            "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{\"a\":1}'"
        );
    }

    #[test]
    fn validation_errors() {
        let e = Template::parse(&json!({"a": {"b.$": 3}, "c.$": "not a path"})).unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].0, "/a/b.$");
        assert_eq!(e[1].0, "/c.$");
        assert!(Template::parse(&json!({"c.$": "States.Nope(1)"})).is_err());
        assert!(Template::parse(&json!({"c": "not a path"})).unwrap().is_static());
    }
}
