//! What a user did not give, derived from the definition (issue #16, "zero-config run"):
//! an input holding every field the workflow reads, and for every Task without a mock the
//! response its service returns, in AWS's shape, plus the fields later states read from it.
//! Values are typed by how they are used (a Choice comparison, an `ItemsPath` array, an
//! intrinsic's argument); a Choice in a loop gets values that take its way out (the rules
//! before it fail, it matches), so polling and pagination loops end. Deterministic: the same definition
//! gives the same values.
//!
//! The walk reads the definition as JSON (every state at every depth: Parallel branches,
//! Map processors), and the fields read as paths: JSONPath (`$.a.b`, in `.$` fields,
//! paths, Choice variables and intrinsic arguments) and JSONata (`$states.input.a.b`,
//! `$states.result.a.b`).

mod shapes;

use crate::value::{Map, Value};

/// What was derived: the input (when asked for) and a short-form mock per Task state that
/// had none (`{"result": ..., "latency": s}`), by state name.
#[derive(Debug, Clone, Default)]
pub struct Derived {
    pub input: Option<Value>,
    pub mocks: Map,
}

/// One read of a field: the path's steps (names, or `None` for an index), and the value
/// a comparison wants there (if any).
#[derive(Debug, Clone)]
struct Read {
    steps: Vec<Option<String>>,
    want: Option<Value>,
    /// The field must be absent (a Choice's `IsPresent: true` that is to fail).
    absent: bool,
}

/// A path or expression text of a state, with what a Choice wants of the field it reads.
type Text = (String, Option<Value>, bool);

/// Derive the input (if `input` is true) and mocks for the Task states not in `mocked`.
pub fn derive(definition: &Value, input: bool, mocked: &[String]) -> Derived {
    let mut w = Walk::default();
    w.machine(definition, 0);
    let mut out = Derived::default();
    if input {
        let mut v = Value::Object(Map::new());
        let reads: Vec<&Read> = w.input.iter().chain(&w.context_input).collect();
        for r in reads.iter().filter(|r| !r.absent) {
            if r.steps.is_empty() {
                // The input as a whole (a first Map's `ItemsPath: "$"`).
                if let Some(want) = &r.want {
                    v = want.clone();
                }
                continue;
            }
            put(&mut v, &r.steps, r.want.clone());
        }
        for r in reads.iter().filter(|r| r.absent) {
            remove(&mut v, &r.steps);
        }
        out.input = Some(v);
    }
    for (name, resource) in &w.tasks {
        if mocked.iter().any(|m| m == name) || out.mocks.get(name.as_str()).is_some() {
            continue;
        }
        let (mut result, latency) = shapes::response(name, resource);
        // Fields read from the result, by the state itself and by the states after it.
        let mut reads: Vec<Read> = w.results.iter().filter(|(n, _)| n == name).map(|(_, r)| r.clone()).collect();
        // Fields to leave out go last (a later read must not bring them back).
        reads.sort_by_key(|r| r.absent);
        let into_payload = shapes::payload_of(resource);
        for r in reads {
            let mut steps = r.steps;
            // Lambda's `Payload` is what the function returned: what a state reads of it.
            if into_payload
                && steps.first().is_some_and(|s| s.as_deref() != Some("Payload"))
                && steps.first().is_some_and(|s| !shapes::is_metadata(s.as_deref()))
            {
                steps.insert(0, Some("Payload".into()));
            }
            if r.absent {
                remove(&mut result, &steps);
            } else {
                put(&mut result, &steps, r.want);
            }
        }
        let mut m = Map::new();
        m.insert("result".into(), result);
        m.insert("latency".into(), Value::from(latency));
        out.mocks.insert(name.as_str().into(), Value::Object(m));
    }
    out
}

/// Set `steps` in `v` to `want`, or to a value made up from the last step's name unless a
/// value is there already; an index step makes an array of one item.
fn put(v: &mut Value, steps: &[Option<String>], want: Option<Value>) {
    let Some((first, rest)) = steps.split_first() else { return };
    match first {
        Some(name) => {
            if !v.is_object() {
                if rest.is_empty() && !matches!(v, Value::Null) {
                    return;
                }
                *v = Value::Object(Map::new());
            }
            let Value::Object(m) = v else { return };
            if rest.is_empty() {
                // What a comparison wants wins over a default; a made-up value never does.
                match want {
                    Some(w) => {
                        m.insert(name.as_str().into(), w);
                    }
                    None if m.get(name.as_str()).is_none() => {
                        m.insert(name.as_str().into(), made_up(name));
                    }
                    None => {}
                }
                return;
            }
            if m.get(name.as_str()).is_none_or(|x| !x.is_object() && !x.is_array()) {
                let empty = if rest[0].is_some() { Value::Object(Map::new()) } else { Value::Array(Vec::new().into()) };
                m.insert(name.as_str().into(), empty);
            }
            if let Some(child) = m.get_mut(name.as_str()) {
                put(child, rest, want);
            }
        }
        None => {
            if !v.is_array() {
                *v = Value::Array(Vec::new().into());
            }
            let Value::Array(a) = v else { return };
            if a.is_empty() {
                a.push(Value::Object(Map::new()));
            }
            if rest.is_empty() {
                if let (Some(w), Some(first)) = (want, a.first_mut()) {
                    *first = w;
                }
            } else {
                put(&mut a[0], rest, want);
            }
        }
    }
}

/// Take the field at `steps` out of `v`, if it is there.
fn remove(v: &mut Value, steps: &[Option<String>]) {
    let Some((first, rest)) = steps.split_first() else { return };
    match (first, v) {
        (Some(name), Value::Object(m)) if rest.is_empty() => {
            m.remove(name.as_str());
        }
        (Some(name), Value::Object(m)) => {
            if let Some(child) = m.get_mut(name.as_str()) {
                remove(child, rest);
            }
        }
        (None, Value::Array(a)) => {
            for x in a.iter_mut() {
                remove(x, rest);
            }
        }
        _ => {}
    }
}

/// A value for a field nothing says more about, from its name.
fn made_up(name: &str) -> Value {
    let n = name.to_ascii_lowercase();
    const NUMERIC: [&str; 19] = [
        "count", "total", "amount", "number", "seconds", "size", "quantity", "price", "width", "height", "limit",
        "index", "age", "priority", "retries", "attempts", "port", "timeout", "duration",
    ];
    if n == "n" || NUMERIC.iter().any(|s| n.ends_with(s)) {
        return Value::from(1);
    }
    if n.starts_with("is") && name.chars().nth(2).is_some_and(|c| c.is_ascii_uppercase())
        || n.starts_with("has")
        || n == "enabled"
        || n == "ok"
    {
        return Value::Bool(true);
    }
    if n.ends_with("items")
        || n.ends_with("list")
        || n.ends_with('s') && n.len() > 3 && !n.ends_with("ss") && !n.ends_with("status") && !n.ends_with("address")
    {
        return Value::Array(Vec::new().into());
    }
    if n.ends_with("id") {
        return Value::from(format!("{name}-1"));
    }
    Value::from(format!("example-{name}"))
}

#[derive(Default)]
struct Walk {
    /// Reads of the execution input: those of the states its data reaches unchanged.
    input: Vec<Read>,
    /// Reads of a Task's result (ResultSelector, `$states.result`, and reads under its
    /// ResultPath in the states its output reaches unchanged), by state name.
    results: Vec<(String, Read)>,
    /// Task states: name, resource.
    tasks: Vec<(String, String)>,
    /// The reads of `$` of each state of the machine being walked.
    own: Vec<Read>,
    /// Reads of the execution input through the context object (`$$.Execution.Input`).
    context_input: Vec<Read>,
}

impl Walk {
    fn machine(&mut self, m: &Value, depth: usize) {
        if depth > 32 {
            return;
        }
        let Some(states) = m.get("States").and_then(Value::as_object) else { return };
        let jsonata_default = m.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata");
        let lang =
            |s: &Value| s.get("QueryLanguage").and_then(Value::as_str).map_or(jsonata_default, |q| q == "JSONata");
        // Each state's reads of its input.
        let mut reads: Vec<(String, Vec<Read>)> = Vec::new();
        for (name, s) in states.iter() {
            let choose = way_out(states, name.as_str());
            self.state(name.as_str(), s, lang(s), depth, choose);
            reads.push((name.to_string(), std::mem::take(&mut self.own)));
        }
        let reads_of = |n: &str| reads.iter().find(|(k, _)| k == n).map(|(_, r)| r.as_slice()).unwrap_or_default();
        // The execution input reaches the first state, and on while states keep it.
        // Fields a state puts into its input (ResultPath) are not the execution input's,
        // after that state.
        let written: Vec<Vec<Option<String>>> = states
            .iter()
            .filter_map(|(_, s)| s.get("ResultPath").and_then(Value::as_str))
            .filter_map(|p| jsonpath_paths(p).into_iter().next())
            .filter(|p| !p.is_empty())
            .collect();
        if let Some(start) = m.get("StartAt").and_then(Value::as_str) {
            for n in reach(states, &[start.to_string()], &lang) {
                let first = n == start;
                let from_input = |r: &&Read| {
                    first || !written.iter().any(|p| r.steps.len() >= p.len() && r.steps[..p.len()] == p[..])
                };
                self.input.extend(reads_of(&n).iter().filter(from_input).cloned());
            }
        }
        // A Task's result, under its ResultPath, reaches the states after it.
        for (name, s) in states.iter() {
            if s.get("Type").and_then(Value::as_str) != Some("Task") || lang(s) {
                continue;
            }
            let prefix = match s.get("ResultPath") {
                None => Vec::new(),
                Some(Value::String(p)) => jsonpath_paths(p).into_iter().next().unwrap_or_default(),
                _ => continue,
            };
            let next: Vec<String> = s.get("Next").and_then(Value::as_str).map(str::to_string).into_iter().collect();
            for n in reach(states, &next, &lang) {
                for r in reads_of(&n) {
                    if r.steps.len() > prefix.len() && r.steps[..prefix.len()] == prefix[..] {
                        let read =
                            Read { steps: r.steps[prefix.len()..].to_vec(), want: r.want.clone(), absent: r.absent };
                        self.results.push((name.to_string(), read));
                    }
                }
            }
        }
    }

    /// Record the state's reads of its input in `own`, of its result in `results`.
    /// `choose`: a Choice's way to take (the index of a rule; past them all, the Default).
    fn state(&mut self, name: &str, s: &Value, jsonata: bool, depth: usize, choose: usize) {
        let ty = s.get("Type").and_then(Value::as_str).unwrap_or_default();
        let read_input = |w: &mut Walk, steps: Vec<Option<String>>, want: Option<Value>, absent: bool| {
            if !steps.is_empty() {
                w.own.push(Read { steps, want, absent });
            }
        };
        // Every path and expression of the state, except the result-relative ones.
        let mut texts: Vec<Text> = Vec::new();
        collect(s, &mut texts, &["ResultSelector", "Branches", "ItemProcessor", "Iterator", "Choices", "Catch"]);
        if let Some(rules) = s.get("Choices").and_then(Value::as_array) {
            // The chosen way (a rule, or the Default after them all): the rules before it
            // are made to fail, the chosen one to match.
            for (i, rule) in rules.iter().enumerate() {
                let mode = match i.cmp(&choose) {
                    std::cmp::Ordering::Less => Some(false),
                    std::cmp::Ordering::Equal => Some(true),
                    std::cmp::Ordering::Greater => None,
                };
                choice_rule(rule, &mut texts, mode);
            }
        }
        for (text, want, absent) in &texts {
            if jsonata {
                for steps in jsonata_paths(text, "$states.input") {
                    read_input(self, steps, want.clone(), *absent);
                }
                for steps in jsonata_paths(text, "$states.result") {
                    self.results.push((name.into(), Read { steps, want: want.clone(), absent: *absent }));
                }
            } else {
                for steps in jsonpath_paths(text) {
                    read_input(self, steps, want.clone(), *absent);
                }
            }
            // The execution's input, read through the context object, from anywhere.
            for prefix in ["$$.Execution.Input", "$states.context.Execution.Input"] {
                for steps in jsonata_paths(text, prefix) {
                    self.context_input.push(Read { steps, want: want.clone(), absent: *absent });
                }
            }
        }
        if let Some(sel) = s.get("ResultSelector") {
            let mut t = Vec::new();
            collect(sel, &mut t, &[]);
            for (text, ..) in t {
                for steps in jsonpath_paths(&text) {
                    self.results.push((name.into(), Read { steps, want: None, absent: false }));
                }
            }
        }
        // Items: an array of objects with what the iteration reads.
        if ty == "Map" {
            if let Some(p) = s.get("ItemsPath").and_then(Value::as_str) {
                let steps = jsonpath_paths(p).into_iter().next().unwrap_or_default();
                let item_reads = self.item_reads(s);
                let mut item = Value::Object(Map::new());
                for r in &item_reads {
                    put(&mut item, &r.steps, r.want.clone());
                }
                let items = Value::Array(vec![item.clone(), item.clone(), item].into());
                self.own.retain(|r| r.steps != steps);
                if steps.is_empty() {
                    // The whole input is the list of items.
                    self.own.push(Read { steps, want: Some(items), absent: false });
                } else {
                    read_input(self, steps, Some(items), false);
                }
            }
            if s.get("ItemsPath").is_none() {
                // Items from elsewhere (Items, ItemReader): the iterations still have tasks.
                let _ = self.item_reads(s);
            }
        }
        if ty == "Parallel" {
            // A branch reads the Parallel's input: its reads are the state's own.
            let own = std::mem::take(&mut self.own);
            let input = std::mem::take(&mut self.input);
            for b in s.get("Branches").and_then(Value::as_array).map(|a| a.to_vec()).unwrap_or_default() {
                self.machine(&b, depth + 1);
            }
            let branch_reads = std::mem::replace(&mut self.input, input);
            self.own = own;
            self.own.extend(branch_reads);
        }
        if ty == "Task" {
            let resource = s.get("Resource").and_then(Value::as_str).unwrap_or_default().to_string();
            self.tasks.push((name.into(), resource));
        }
    }

    /// What a Map's iterations read of their item.
    fn item_reads(&mut self, s: &Value) -> Vec<Read> {
        let mut w = Walk::default();
        let Some(p) = s.get("ItemProcessor").or_else(|| s.get("Iterator")) else { return Vec::new() };
        w.machine(p, 0);
        // The iterations' tasks and their results are the machine's too.
        self.tasks.extend(w.tasks);
        self.results.extend(w.results);
        let mut reads = w.input;
        // An ItemSelector's reads of `$$.Map.Item.Value` are the item's.
        if let Some(sel) = s.get("ItemSelector") {
            let mut t = Vec::new();
            collect(sel, &mut t, &[]);
            for (text, ..) in t {
                let mut at = 0;
                while let Some(i) = text[at..].find("$$.Map.Item.Value") {
                    let start = at + i + "$$.Map.Item.Value".len();
                    let steps = steps_of(&text[start..]);
                    if !steps.is_empty() {
                        reads.push(Read { steps, want: None, absent: false });
                    }
                    at = start;
                }
            }
        }
        reads
    }
}

/// The states that see the data `start` states see: from each, on to its successors while
/// it passes its input on unchanged (or only extended, `ResultPath` inside it).
fn reach(states: &Map, start: &[String], jsonata: &dyn Fn(&Value) -> bool) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut todo: Vec<String> = start.to_vec();
    while let Some(n) = todo.pop() {
        if seen.contains(&n) || seen.len() > 10_000 {
            continue;
        }
        let Some(s) = states.get(n.as_str()) else { continue };
        seen.push(n);
        if !keeps_input(s, jsonata(s)) {
            continue;
        }
        let mut next: Vec<String> = s.get("Next").and_then(Value::as_str).map(str::to_string).into_iter().collect();
        next.extend(s.get("Default").and_then(Value::as_str).map(str::to_string));
        for r in s.get("Choices").and_then(Value::as_array).map(|a| a.to_vec()).unwrap_or_default() {
            next.extend(r.get("Next").and_then(Value::as_str).map(str::to_string));
        }
        todo.extend(next);
    }
    seen
}

/// Whether a state's output is its input (or its input extended).
fn keeps_input(s: &Value, jsonata: bool) -> bool {
    let ty = s.get("Type").and_then(Value::as_str).unwrap_or_default();
    if jsonata {
        return s.get("Output").is_none() && matches!(ty, "Pass" | "Choice" | "Wait");
    }
    if s.get("OutputPath").is_some_and(|p| p.as_str() != Some("$"))
        || s.get("InputPath").is_some_and(|p| p.as_str() != Some("$"))
    {
        return false;
    }
    let result_kept_apart = match s.get("ResultPath") {
        None => false,
        Some(Value::String(p)) => p != "$",
        Some(_) => true,
    };
    match ty {
        "Choice" | "Wait" | "Succeed" => true,
        "Pass" => result_kept_apart || (s.get("Result").is_none() && s.get("Parameters").is_none()),
        _ => result_kept_apart,
    }
}

/// Every string of `v` that may hold a path or expression, with the value a comparison of
/// it wants (none here), skipping the keys in `skip`.
fn collect(v: &Value, out: &mut Vec<Text>, skip: &[&str]) {
    match v {
        Value::String(s) => out.push((s.to_string(), None, false)),
        Value::Array(a) => a.iter().for_each(|x| collect(x, out, &[])),
        Value::Object(m) => {
            for (k, x) in m.iter() {
                if !skip.contains(&k.as_str()) {
                    collect(x, out, &[]);
                }
            }
        }
        _ => {}
    }
}

/// A Choice rule's variables, with the values that make the rule match (`Some(true)`),
/// fail (`Some(false)`), or nothing asked of them (`None`).
fn choice_rule(rule: &Value, out: &mut Vec<Text>, mode: Option<bool>) {
    if let Some(c) = rule.get("Condition").and_then(Value::as_str) {
        // JSONata: `$states.input.x = 'DONE'` gives 'DONE' to x (another value to fail).
        let want = mode.and_then(|m| jsonata_comparison(c).map(|v| if m { v } else { other(&v) }));
        out.push((c.to_string(), want, false));
    }
    if let Some(rules) = rule.get("And").and_then(Value::as_array) {
        // All match; to fail, the first fails.
        for (i, r) in rules.iter().enumerate() {
            choice_rule(r, out, mode.map(|m| m || i > 0).filter(|m| *m || i == 0));
        }
    }
    if let Some(rules) = rule.get("Or").and_then(Value::as_array) {
        // To match, the first matches; to fail, all fail.
        for (i, r) in rules.iter().enumerate() {
            choice_rule(r, out, mode.filter(|m| !m || i == 0));
        }
    }
    if let Some(n) = rule.get("Not") {
        choice_rule(n, out, mode.map(|m| !m));
    }
    let Some(var) = rule.get("Variable").and_then(Value::as_str) else { return };
    let Some(m) = rule.as_object() else { return };
    let (mut want, mut absent) = (None, false);
    for (k, v) in m.iter() {
        let k = k.as_str();
        if k == "Variable" || k == "Next" || k.ends_with("Path") {
            if k.ends_with("Path") {
                if let Some(p) = v.as_str() {
                    out.push((p.to_string(), None, false));
                }
            }
            continue;
        }
        let Some(matching) = mode else { continue };
        want = match (k, v) {
            (k, Value::Number(_)) if k.starts_with("Numeric") => {
                let n = v.as_f64().unwrap_or(0.0);
                let strict = !k.contains("Equals");
                let n = match (k.contains("GreaterThan"), k.contains("LessThan"), matching) {
                    (true, _, true) => n + if strict { 1.0 } else { 0.0 },
                    (true, _, false) => n - if strict { 0.0 } else { 1.0 },
                    (_, true, true) => n - if strict { 1.0 } else { 0.0 },
                    (_, true, false) => n + if strict { 0.0 } else { 1.0 },
                    (_, _, true) => n,
                    (_, _, false) => n + 1.0,
                };
                Some(number(n))
            }
            ("StringMatches", Value::String(p)) => {
                Some(Value::from(if matching { p.replace('*', "x") } else { format!("{}-other", p.replace('*', "")) }))
            }
            ("StringEquals", Value::String(s)) => {
                Some(if matching { Value::from(s.as_ref()) } else { Value::from(format!("{s}-other")) })
            }
            (k, Value::String(s)) if (k.starts_with("String") || k.starts_with("Timestamp")) && matching => {
                Some(Value::from(s.as_ref()))
            }
            ("BooleanEquals", Value::Bool(b)) => Some(Value::Bool(*b == matching)),
            ("IsPresent", Value::Bool(b)) => {
                absent = *b != matching;
                None
            }
            ("IsNull", Value::Bool(b)) => Some(if *b == matching { Value::Null } else { Value::from("value") }),
            ("IsBoolean", Value::Bool(b)) => Some(if *b == matching { Value::Bool(true) } else { Value::from("text") }),
            ("IsNumeric", Value::Bool(b)) => Some(if *b == matching { Value::from(1) } else { Value::from("text") }),
            ("IsString", Value::Bool(b)) => Some(if *b == matching { Value::from("text") } else { Value::from(1) }),
            ("IsTimestamp", Value::Bool(b)) if *b == matching => Some(Value::from("2026-01-01T00:00:00Z")),
            _ => None,
        };
    }
    out.push((var.to_string(), want, absent));
}

/// A whole number as an integer.
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        Value::from(n as i64)
    } else {
        Value::from(n)
    }
}

/// A value unlike `v`, of its type.
fn other(v: &Value) -> Value {
    match v {
        Value::Bool(b) => Value::Bool(!b),
        Value::String(s) => Value::from(format!("{s}-other")),
        _ => v.as_f64().map_or(Value::Null, |n| number(n + 1.0)),
    }
}

/// The way a Choice takes out of a loop: its first rule, unless that one leads back to the
/// Choice and another way (a later rule, or the Default, index `rules.len()`) does not.
fn way_out(states: &Map, name: &str) -> usize {
    let Some(s) = states.get(name) else { return 0 };
    let Some(rules) = s.get("Choices").and_then(Value::as_array) else { return 0 };
    let mut ways: Vec<Option<&str>> = rules.iter().map(|r| r.get("Next").and_then(Value::as_str)).collect();
    ways.push(s.get("Default").and_then(Value::as_str));
    let loops = |to: Option<&str>| to.is_some_and(|t| leads_to(states, t, name));
    if !loops(ways[0]) {
        return 0;
    }
    ways.iter().position(|w| w.is_some() && !loops(*w)).unwrap_or(0)
}

/// Whether state `to` can be reached from state `from` (by Next, Default, a rule or a Catch).
fn leads_to(states: &Map, from: &str, to: &str) -> bool {
    let mut seen: Vec<&str> = Vec::new();
    let mut todo = vec![from];
    while let Some(n) = todo.pop() {
        if n == to {
            return true;
        }
        if seen.contains(&n) || seen.len() > 10_000 {
            continue;
        }
        seen.push(n);
        let Some(s) = states.get(n) else { continue };
        todo.extend(s.get("Next").and_then(Value::as_str));
        todo.extend(s.get("Default").and_then(Value::as_str));
        for key in ["Choices", "Catch"] {
            for r in s.get(key).and_then(Value::as_array).map(|a| a.as_slice()).unwrap_or_default() {
                todo.extend(r.get("Next").and_then(Value::as_str));
            }
        }
    }
    false
}

/// The value a JSONata comparison `path = literal` asks for, if it is that simple.
fn jsonata_comparison(c: &str) -> Option<Value> {
    let inner = c.trim().strip_prefix("{%")?.strip_suffix("%}")?.trim();
    let (_, rhs) = inner.split_once('=').filter(|(l, _)| !l.ends_with(['!', '<', '>']))?;
    let rhs = rhs.trim();
    if let Some(s) = rhs
        .strip_prefix('\'')
        .and_then(|r| r.strip_suffix('\''))
        .or_else(|| rhs.strip_prefix('"').and_then(|r| r.strip_suffix('"')))
    {
        return Some(Value::from(s));
    }
    match rhs {
        "true" => Some(Value::Bool(true)),
        "false" => Some(Value::Bool(false)),
        _ => rhs.parse::<i64>().map(Value::from).or_else(|_| rhs.parse::<f64>().map(Value::from)).ok(),
    }
}

/// The paths from `$` that a JSONPath text (a path, or an intrinsic call) reads.
fn jsonpath_paths(text: &str) -> Vec<Vec<Option<String>>> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // `$` not part of `$$` (the context object) nor a variable (`$name`).
        if b[i] == b'$'
            && b.get(i + 1) != Some(&b'$')
            && (i == 0 || b[i - 1] != b'$')
            && matches!(b.get(i + 1), None | Some(b'.' | b'[' | b',' | b')' | b' '))
        {
            let steps = steps_of(&text[i + 1..]);
            out.push(steps);
        }
        i += 1;
    }
    out
}

/// The paths after `prefix` (`$states.input`) in a JSONata text.
fn jsonata_paths(text: &str, prefix: &str) -> Vec<Vec<Option<String>>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = text[at..].find(prefix) {
        let start = at + i + prefix.len();
        let steps = steps_of(&text[start..]);
        if !steps.is_empty() {
            out.push(steps);
        }
        at = start;
    }
    out
}

/// The name and index steps at the start of `rest` (`.a.b[0]['c d']`), up to anything else.
fn steps_of(rest: &str) -> Vec<Option<String>> {
    let mut steps = Vec::new();
    let c: Vec<char> = rest.chars().collect();
    let mut i = 0;
    while i < c.len() {
        match c[i] {
            '.' if c.get(i + 1).is_some_and(|x| x.is_alphanumeric() || *x == '_') => {
                let mut n = String::new();
                i += 1;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '-') {
                    n.push(c[i]);
                    i += 1;
                }
                steps.push(Some(n));
            }
            '[' => {
                let close = c[i..].iter().position(|x| *x == ']').map(|p| i + p);
                let Some(close) = close else { break };
                let inner: String = c[i + 1..close].iter().collect();
                let inner = inner.trim();
                if let Some(q) = inner.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')) {
                    steps.push(Some(q.to_string()));
                } else if inner.parse::<usize>().is_ok() || inner == "*" {
                    steps.push(None);
                } else {
                    break;
                }
                i = close + 1;
            }
            _ => break,
        }
        if steps.len() > 16 {
            break;
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn paths_are_read_from_jsonpath_and_jsonata() {
        assert_eq!(jsonpath_paths("$.a.b[0]"), vec![vec![Some("a".into()), Some("b".into()), None]]);
        assert_eq!(jsonpath_paths("States.Format('{}', $.x, $$.Execution.Id, $v.y)"), vec![vec![Some("x".into())]]);
        assert_eq!(jsonata_paths("{% $states.input.order.id & $states.input['k'] %}", "$states.input").len(), 2);
    }

    #[test]
    fn a_polling_loop_gets_a_status_that_leaves_it() {
        let def = json!({"StartAt": "Start", "States": {
            "Start": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"Payload.$": "$"}, "ResultPath": "$.job", "Next": "Poll"},
            "Poll": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"id.$": "$.job.Payload.jobId"}, "ResultPath": "$.job", "Next": "Done?"},
            "Done?": {"Type": "Choice", "Choices": [{"Variable": "$.job.Payload.status", "StringEquals": "SUCCEEDED", "Next": "End"}], "Default": "Wait"},
            "Wait": {"Type": "Wait", "Seconds": 5, "Next": "Poll"},
            "End": {"Type": "Succeed"}}});
        let d = derive(&def, true, &[]);
        let poll = &d.mocks.get("Poll").unwrap()["result"];
        assert_eq!(poll["Payload"]["status"], json!("SUCCEEDED"));
        assert_eq!(poll["StatusCode"], json!(200));
        assert!(poll["SdkHttpMetadata"]["HttpStatusCode"] == json!(200));
        assert!(d.mocks.get("Start").unwrap()["result"]["Payload"]["jobId"].is_string());
    }
}
