//! A JSONata 2.x evaluator (sans-IO): parse once with [`parse`], evaluate with
//! [`Expr::evaluate`] (or both at once with [`evaluate_str`]). Behaviour follows jsonata-js
//! 2.2.2: sequences and singleton flattening, `[]` keep-array, tuple streams for `@`, `#`
//! and `%`, group-by, order-by, transforms, partial application, `~>` chaining, tail
//! calls, function signatures and jsonata-js's error codes and messages.
//!
//! Module map: `parser` (tokens, Pratt parser, AST processing) → `ast`; `eval` (paths,
//! sequences, tuple streams, operators, application, transform) over `value`s in `env`
//! frames; `functions/*` the library (`string`, `numeric`, `array` with the higher-order
//! functions, `format` for number/integer pictures, `datetime`, `hash`, `asl`);
//! `signature` argument validation; `regex` the JavaScript-flavoured regular expressions.
//!
//! Determinism and bounds:
//! - No clock, randomness, IO, threads or global state (but the count of bytes built below): `$now()`/`$millis()` read
//!   [`Host::now_millis`] once per evaluation, `$random()`/`$shuffle`/`$uuid()` draw from
//!   [`Host::random`].
//! - [`Options::max_depth`] bounds evaluation nesting, counted per evaluation entry as
//!   jsonata-js's test harness counts it (plus 3 while a library function runs, since those
//!   can call back); exceeding it is `U1001` "Stack overflow". [`Options::max_steps`]
//!   bounds work (also `U1001`, with jsonata's "timeout" message), counted so that a step
//!   is some 10-200 ns of work: one per evaluation entry; a library function also pays for
//!   the values it reads and the one it builds, a step per four array items or object
//!   entries and per eight bytes of text (`$count`, `$exists`, `$type`, `$not`, `$boolean`,
//!   `$lookup` and `$append` pay for their result only); array constructors, path steps
//!   that flatten, `*`, `**`, `in` and `=` a step per four items they copy or compare;
//!   `&` a step per eight bytes; a regex search four steps and one per 16 of its own steps.
//!   Memory is paid in the same budget: every list, object and text built (nested ones too),
//!   and every frame, binding and function, costs a step per `value::BYTES_PER_STEP` (13) bytes, counted as the value is made
//!   (the constructors in `value` add to a thread-local counter the evaluator takes at each
//!   step), so 10 million steps are at most ~124 MiB of values built an evaluation (the
//!   bindings converted at its start are not counted: their size is the payload's). What
//!   builds a large list or text (array constructors and flattening paths, `*`, `**`,
//!   ranges, `$pad`, `$join`, `$replace`, `$string`, roman numerals) checks first that the
//!   steps left pay for twice its size (its peak while built), so runaway growth stops
//!   instead of exhausting memory. `$count` of a range (`$count([1..n])`,
//!   `[1..n] ~> $count()`) counts it without building it: jsonata-js's suite counts ten
//!   million, ~240 MB as values. A [`Host`] may share a budget between evaluations
//!   ([`Host::steps_left`], [`Host::spent`]): a state machine's execution does (50 million
//!   steps), so an execution's evaluations build at most ~620 MiB in all, each at most
//!   ~124 MiB.
//!   Syntactic nesting is capped at 50 levels, value nesting walked at 1000, and results
//!   converted to JSON at 2 million nodes or 32 MiB of text; operator chains (`1+1+...`, `a.b.c...`) do not
//!   nest, and regular expressions compile and match without recursion. Natively a depth
//!   unit takes 1.1-1.3 KB of stack (release build): the default 600 take about 750 KB. The
//!   wasm build evaluates in a Web Worker, whose JS stack is smaller: in Chromium's the
//!   costliest path measured (a function recursing through an object constructor) overflows
//!   from about 940 units, plain recursion from about 1050, and once V8 has optimised the
//!   evaluator the frames grow (a Node worker of 0.5 MB, a third less stack than Chromium's,
//!   overflows from 484 units then): state machines' expressions are evaluated with a depth
//!   of 300 (`dataflow::query`). `examples/jsonata_stack_probe.rs` runs the deep cases on a
//!   thread of a given stack size.
//! - Numbers are `f64`; integral results within ±2^53 become JSON integers; non-finite
//!   results raise `D1001`. Object key order is insertion order.
//! - Strings are indexed by Unicode scalar values (jsonata-js counts code points for
//!   `$length`/`$substring` too, but regex match indices there are UTF-16 offsets).
//! - Regular expressions support classes, escapes, groups, alternation, greedy and lazy
//!   quantifiers, anchors, word boundaries, lookahead, lookbehind and backreferences,
//!   flags `i` and `m`; matching has its own step budget.
//! - With [`Options::asl_functions`], the AWS Step Functions additions `$partition`,
//!   `$range`, `$hash`, `$random([seed])`, `$uuid` and `$parse` are available and `$eval`
//!   is not (as in Step Functions).

mod ast;
mod env;
mod error;
mod eval;
mod functions;
mod parser;
pub(crate) mod regex;
mod signature;
mod value;

use std::rc::Rc;

use crate::value::{Map, Value as Json};

pub use error::{bounded, Error, MAX_QUOTE};

use ast::{Kind, Node, Stage};
use value::Value;

/// Supplies the current time and random numbers, and may share a step budget between
/// evaluations.
pub trait Host {
    /// Milliseconds since the Unix epoch (used by `$now()` and `$millis()`).
    fn now_millis(&self) -> f64;
    /// A number in [0, 1).
    fn random(&mut self) -> f64;
    /// Steps left for all the evaluations this host serves (an execution's budget, say): an
    /// evaluation gets at most this many, and at most [`Options::max_steps`].
    fn steps_left(&self) -> u64 {
        u64::MAX
    }
    /// The steps an evaluation took, when it ends (also when it fails).
    fn spent(&mut self, _steps: u64) {}
}

/// The error code of an expression whose value is a function, with `asl_functions` on.
pub const FUNCTION_RESULT: &str = "ASL.FunctionResult";

#[derive(Debug, Clone)]
pub struct Options {
    /// Enable the AWS Step Functions additions (`$partition`, `$range`, `$hash`, seeded
    /// `$random`, `$uuid`, `$parse`) and remove `$eval`.
    pub asl_functions: bool,
    /// Maximum nesting of evaluation (expression depth plus function calls).
    pub max_depth: usize,
    /// Maximum number of evaluation steps.
    pub max_steps: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options { asl_functions: false, max_depth: 600, max_steps: 10_000_000 }
    }
}

/// A parsed expression.
#[derive(Debug)]
pub struct Expr {
    root: Rc<Node>,
    /// Every variable name the expression mentions; `None` when it calls `$eval` (which may
    /// mention anything). Only these bindings are converted at evaluation time.
    mentioned: Option<Vec<String>>,
}

pub fn parse(src: &str) -> Result<Expr, Error> {
    let root = Rc::new(parser::parse_node(src)?);
    let mut names = Vec::new();
    collect_vars(&root, &mut Vec::new(), &mut names, false);
    let mentioned = if names.iter().any(|n| n == "eval") { None } else { Some(names) };
    Ok(Expr { root, mentioned })
}

impl Expr {
    /// Evaluate against `input` (None = no input) with extra variable `bindings`.
    /// Returns `Ok(None)` when the result is undefined.
    pub fn evaluate(
        &self,
        input: Option<&Json>,
        bindings: &Map,
        host: &mut dyn Host,
        opts: &Options,
    ) -> Result<Option<Json>, Error> {
        let mut ev = eval::Eval::new(host, opts);
        let shared = ev.host.steps_left() < ev.max_steps;
        ev.max_steps = ev.max_steps.min(ev.host.steps_left());
        let env = env::Env::root();
        for (k, v) in bindings {
            if self.mentioned.as_ref().map(|m| m.iter().any(|n| n == k.as_str())).unwrap_or(true) {
                env.bind(k, Value::from_json(v));
            }
        }
        let input_v = input.map(Value::from_json).unwrap_or(Value::Undefined);
        env.bind("$", input_v.clone());
        let input_v = match input_v {
            Value::Array(_) => Value::array_flags(vec![input_v], value::SEQ | value::OUTER),
            v => v,
        };
        // the values built from here on are the evaluation's
        value::take_built();
        let result = ev.eval(&self.root, &input_v, &env);
        let out = match result {
            // Step Functions rejects a function as a field's value; plain JSONata gives "".
            Ok(Value::Func(_)) if opts.asl_functions => {
                Err(Error::new(FUNCTION_RESULT, "The expression returned a function, which is not a JSON value", None))
            }
            Ok(v) => v.to_json().map_err(|e| match e {
                value::JsonError::TooLarge => {
                    Error::new("U1001", "Result too large or too deeply nested to convert to JSON", None)
                }
                value::JsonError::NonFinite(n) => error::make(
                    "D1001",
                    None,
                    &error::Detail { value: Some(value::js_num_str(n)), ..Default::default() },
                ),
            }),
            Err(mut e) => {
                if shared && e.code == "U1001" && ev.steps_used() >= ev.max_steps {
                    e.message = "Expression evaluation timeout: the steps all the expressions of the execution may take are spent".into();
                }
                Err(e)
            }
        };
        env.clear();
        let steps = ev.steps_used() + value::take_built();
        ev.host.spent(steps);
        out
    }

    /// Names of the variables the expression reads (excluding those it binds itself and
    /// built-in function names), in order of first appearance.
    pub fn free_variables(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut bound: Vec<String> = Vec::new();
        collect_vars(&self.root, &mut bound, &mut out, true);
        out
    }
}

impl Expr {
    /// Whether the expression may need what only a build with the Cargo feature `extras` has
    /// (`crate::without_extras`): a reference to `$formatNumber`, `$formatInteger`,
    /// `$parseInteger`, `$hash` or the URL functions; `$toMillis` given a picture (two arguments or more) or
    /// used other than by a call; or `$eval`, whose text could do any of these.
    /// Conservative: a variable the expression binds under one of these names counts too.
    pub fn uses_extras(&self) -> bool {
        const ALWAYS: [&str; 9] = [
            "formatNumber",
            "formatInteger",
            "parseInteger",
            "hash",
            "eval",
            "encodeUrl",
            "encodeUrlComponent",
            "decodeUrl",
            "decodeUrlComponent",
        ];
        // A function that needs the extras only from this many arguments (a picture).
        const PICTURE_AT: [(&str, usize); 1] = [("toMillis", 2)];
        let mut stack: Vec<&Node> = vec![&self.root];
        while let Some(n) = stack.pop() {
            match &n.kind {
                Kind::Var(v) if ALWAYS.contains(&v.as_str()) || PICTURE_AT.iter().any(|(f, _)| f == v) => return true,
                Kind::Call(p, args) => {
                    match &p.kind {
                        Kind::Var(v) if PICTURE_AT.iter().any(|(f, at)| f == v && args.len() < *at) => {}
                        _ => stack.push(p),
                    }
                    stack.extend(args);
                }
                Kind::Path(items) | Kind::ArrayCons(items) | Kind::Block(items) => stack.extend(items),
                Kind::Binary(_, l, r) | Kind::Coalesce(l, r) | Kind::Elvis(l, r) | Kind::Apply(l, r) => {
                    stack.push(l);
                    stack.push(r);
                }
                Kind::Neg(e) | Kind::Bind(_, e) => stack.push(e),
                Kind::ObjectCons(pairs) => pairs.iter().for_each(|(k, v)| stack.extend([k, v])),
                Kind::Condition(c, t, e) => {
                    stack.extend([&**c, &**t]);
                    stack.extend(e.as_deref());
                }
                Kind::Partial(p, args) => {
                    stack.push(p);
                    stack.extend(args.iter().flatten());
                }
                Kind::Lambda(def) => stack.push(&def.body),
                Kind::Sort(terms) => stack.extend(terms.iter().map(|t| &t.expr)),
                Kind::Transform(def) => {
                    stack.extend([&def.pattern, &def.update]);
                    stack.extend(def.delete.as_ref());
                }
                _ => {}
            }
            stack.extend(&n.predicate);
            stack.extend(n.stages.iter().filter_map(|s| match s {
                Stage::Filter(p) => Some(p),
                Stage::Index(_) => None,
            }));
            if let Some(g) = &n.group {
                g.0.iter().for_each(|(k, v)| stack.extend([k, v]));
            }
        }
        false
    }
}

/// Variable names in the tree: with `free`, only those not bound by the expression itself
/// and not naming library functions; otherwise every name mentioned.
fn collect_vars(n: &Node, bound: &mut Vec<String>, out: &mut Vec<String>, free: bool) {
    // the left spine of an operator chain in a loop, from its first operand on
    let mut chain = Vec::new();
    let mut cur = n;
    while let Some(l) = ast::spine(&cur.kind) {
        chain.push(cur);
        cur = l;
    }
    collect_one(cur, bound, out, free, false);
    for n in chain.into_iter().rev() {
        collect_one(n, bound, out, free, true);
    }
}

/// The variables of one node; `left_done`: its left operand (see [`ast::spine`]) is done.
fn collect_one(n: &Node, bound: &mut Vec<String>, out: &mut Vec<String>, free: bool, left_done: bool) {
    let visit = |c: &Node, bound: &mut Vec<String>, out: &mut Vec<String>| collect_vars(c, bound, out, free);
    let visit_left = |c: &Node, bound: &mut Vec<String>, out: &mut Vec<String>| {
        if !left_done {
            collect_vars(c, bound, out, free)
        }
    };
    match &n.kind {
        Kind::Var(v) if !free && !v.is_empty() && !out.contains(v) => {
            out.push(v.clone());
        }
        Kind::Var(v)
            if !v.is_empty()
                && v != "$"
                && !bound.contains(v)
                && !out.contains(v)
                && functions::lookup(v, true).is_none()
                && functions::lookup(v, false).is_none() =>
        {
            out.push(v.clone());
        }
        Kind::Path(steps) => steps.iter().for_each(|s| visit(s, bound, out)),
        Kind::Binary(_, l, r) | Kind::Coalesce(l, r) | Kind::Elvis(l, r) | Kind::Apply(l, r) => {
            visit_left(l, bound, out);
            visit(r, bound, out);
        }
        Kind::Neg(e) => visit(e, bound, out),
        Kind::ArrayCons(items) | Kind::Block(items) => {
            let depth = bound.len();
            items.iter().for_each(|s| visit(s, bound, out));
            if matches!(n.kind, Kind::Block(_)) {
                bound.truncate(depth);
            }
        }
        Kind::ObjectCons(pairs) => pairs.iter().for_each(|(k, v)| {
            visit(k, bound, out);
            visit(v, bound, out)
        }),
        Kind::Condition(c, t, e) => {
            visit_left(c, bound, out);
            visit(t, bound, out);
            if let Some(e) = e {
                visit(e, bound, out);
            }
        }
        Kind::Bind(name, v) => {
            visit(v, bound, out);
            bound.push(name.clone());
        }
        Kind::Call(p, args) => {
            visit_left(p, bound, out);
            args.iter().for_each(|a| visit(a, bound, out));
        }
        Kind::Partial(p, args) => {
            visit_left(p, bound, out);
            args.iter().flatten().for_each(|a| visit(a, bound, out));
        }
        Kind::Lambda(def) => {
            let depth = bound.len();
            bound.extend(def.params.iter().cloned());
            visit(&def.body, bound, out);
            bound.truncate(depth);
        }
        Kind::Sort(terms) => terms.iter().for_each(|t| visit(&t.expr, bound, out)),
        Kind::Transform(def) => {
            visit(&def.pattern, bound, out);
            visit(&def.update, bound, out);
            if let Some(d) = &def.delete {
                visit(d, bound, out);
            }
        }
        _ => {}
    }
    for p in &n.predicate {
        collect_vars(p, bound, out, free);
    }
    for s in &n.stages {
        if let Stage::Filter(p) = s {
            collect_vars(p, bound, out, free);
        }
    }
    if let Some(f) = &n.focus {
        bound.push(f.clone());
    }
    if let Some(i) = &n.index {
        bound.push(i.clone());
    }
    if let Some(g) = &n.group {
        for (k, v) in &g.0 {
            collect_vars(k, bound, out, free);
            collect_vars(v, bound, out, free);
        }
    }
}

/// A text two JSON values share exactly when JSONata's `=` holds for them (numbers as doubles,
/// object keys in any order): what `$distinct` compares, for `States.ArrayUnique` too.
pub fn canonical_json(v: &Json) -> String {
    value::canonical(&Value::from_json(v))
}

/// Parse and evaluate in one call.
pub fn evaluate_str(
    src: &str,
    input: Option<&Json>,
    bindings: &Map,
    host: &mut dyn Host,
    opts: &Options,
) -> Result<Option<Json>, Error> {
    parse(src)?.evaluate(input, bindings, host, opts)
}

#[cfg(test)]
mod tests {
    use super::*;
    struct H;
    impl Host for H {
        fn now_millis(&self) -> f64 {
            1_700_000_000_000.0
        }
        fn random(&mut self) -> f64 {
            0.5
        }
    }
    fn ev(src: &str, input: Json) -> Result<Option<Json>, Error> {
        evaluate_str(src, Some(&input), &Map::new(), &mut H, &Options::default())
    }
    #[test]
    fn basics() {
        assert_eq!(ev("1+2", Json::Null).unwrap(), Some(crate::json!(3)));
        let data = crate::json!({"items": [{"price": 5, "name": "a"}, {"price": 20, "name": "b"}]});
        assert_eq!(ev("items[price > 10].name", data.clone()).unwrap(), Some(crate::json!("b")));
        assert_eq!(ev("$sum(items.price)", data).unwrap(), Some(crate::json!(25)));
        assert_eq!(ev("nothing", Json::Null).unwrap(), None);
        assert_eq!(ev("1 + 'a'", Json::Null).unwrap_err().code, "T2002");
    }
    fn asl(src: &str) -> Result<Option<Json>, Error> {
        let opts = Options { asl_functions: true, ..Options::default() };
        evaluate_str(src, None, &Map::new(), &mut H, &opts)
    }

    #[test]
    fn asl_functions() {
        use crate::json;
        assert_eq!(asl("$partition([1,2,3,4,5], 2)").unwrap(), Some(json!([[1, 2], [3, 4], [5]])));
        assert_eq!(asl("$range(0, 10, 2)").unwrap(), Some(json!([0, 2, 4, 6, 8, 10])));
        assert_eq!(asl("$range(5, 1, -2)").unwrap(), Some(json!([5, 3, 1])));
        // A single number is not wrapped in an array (recorded from AWS: $range(1, 9, 9) gives 1).
        assert_eq!(asl("$range(1, 9, 9)").unwrap(), Some(json!(1)));
        if cfg!(feature = "extras") {
            assert_eq!(asl("$hash('abc', 'SHA-1')").unwrap(), Some(json!("a9993e364706816aba3e25717850c26c9cd0d89d")));
            assert_eq!(asl("$hash('abc', 'MD5')").unwrap(), Some(json!("900150983cd24fb0d6963f7d28e17f72")));
            assert!(asl("$hash('abc', 'SHA-3')").is_err());
        }
        assert_eq!(asl("$parse('{\"a\": [1, true]}')").unwrap(), Some(json!({"a": [1, true]})));
        assert_eq!(asl("$random(42) = $random(42)").unwrap(), Some(json!(true)));
        let r = asl("$random(7)").unwrap().unwrap().as_f64().unwrap();
        assert!((0.0..1.0).contains(&r));
        let u = asl("$uuid()").unwrap().unwrap();
        let u = u.as_str().unwrap();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        // $eval is not available in Step Functions
        assert_eq!(asl("$eval('1+1')").unwrap_err().code, "T1006");
        assert_eq!(ev("$eval('1+1')", Json::Null).unwrap(), Some(json!(2)));
    }

    #[test]
    fn host_time_and_transform() {
        use crate::json;
        assert_eq!(ev("$millis()", Json::Null).unwrap(), Some(json!(1_700_000_000_000u64)));
        assert_eq!(ev("$now()", Json::Null).unwrap(), Some(json!("2023-11-14T22:13:20.000Z")));
        let data = json!({"a": {"b": 1, "c": 2}});
        assert_eq!(ev("$ ~> |a|{'b': 10}, ['c']|", data.clone()).unwrap(), Some(json!({"a": {"b": 10}})));
        // the input is not modified by a transform
        assert_eq!(ev("($x := $ ~> |a|{'b': 10}|; a.b)", data).unwrap(), Some(json!(1)));
    }

    #[test]
    fn runaway_loops_are_bounded() {
        let opts = Options { max_steps: 100_000, ..Options::default() };
        let r = evaluate_str("($f := function(){ $f() }; $f())", None, &Map::new(), &mut H, &opts);
        assert_eq!(r.unwrap_err().code, "U1001");
    }

    #[test]
    fn bindings_and_eval() {
        use crate::json;
        let mut b = Map::new();
        b.insert("x".into(), json!(2));
        b.insert("unused".into(), json!({"big": [1, 2, 3]}));
        let e = |src: &str| evaluate_str(src, None, &b, &mut H, &Options::default()).unwrap();
        assert_eq!(e("$x * 3"), Some(json!(6)));
        // $eval can reach any binding, so all are bound when it is used
        assert_eq!(e("$eval('$x + 1')"), Some(json!(3)));
        assert_eq!(e("($f := function(){ $x }; $f())"), Some(json!(2)));
    }

    #[test]
    fn free_vars() {
        let e = parse("$states.input.x + $y + ($z := 1; $z) + $sum([1])").unwrap();
        assert_eq!(e.free_variables(), vec!["states".to_string(), "y".to_string()]);
    }
    #[test]
    fn deep_recursion_is_an_error() {
        // unoptimised builds use far bigger frames than release ones: give them room
        let r = std::thread::Builder::new()
            .stack_size(32 << 20)
            .spawn(|| {
                ev("($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))", Json::Null)
                    .map(|_| ())
                    .map_err(|e| e.code.to_string())
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(r.unwrap_err(), "U1001");
    }
}
