//! Where the fuzzer starts: the conformance corpus beside the repository (read in place, never
//! copied), the repository's own `tests/cases/*.json` and `tests/validation/*.json`, and a few
//! built-in pathological cases. Also the donors: values, states, branches and expressions the
//! mutations splice from one case into another.

use crate::case::{Case, Part, Target};
use crate::json::{self, J};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub struct Seeds {
    /// Definitions with an input and mocks: validate, run and wasm start from these.
    pub asl: Vec<Case>,
    /// JSONata expressions with data and bindings.
    pub jsonata: Vec<Case>,
    /// TestState requests: the corpus's, and each definition above tested at its StartAt.
    pub test_state: Vec<Case>,
    pub donors: Donors,
    /// One line: what was loaded (or that the corpus was not found).
    pub note: String,
}

#[derive(Default)]
pub struct Donors {
    /// Values seen under each key (a sample).
    pub by_key: BTreeMap<String, Vec<J>>,
    pub keys: Vec<String>,
    /// (name, state) pairs.
    pub states: Vec<(String, J)>,
    /// `{"StartAt", "States"}` objects (branches, item processors, whole machines).
    pub branches: Vec<J>,
    /// Strings that are expressions: JSONata (`{% %}`), JSONPath (`$...`), intrinsics.
    pub exprs: Vec<String>,
    /// JSONata expressions (the suite's and those inside definitions).
    pub jsonata: Vec<String>,
    /// Small values of any kind.
    pub values: Vec<J>,
}

const PER_KEY: usize = 64;

impl Donors {
    fn sample<T>(list: &mut Vec<T>, cap: usize, item: T, seen: usize) {
        // Reservoir-like, deterministic: keep the first `cap`, then replace by a stride.
        if list.len() < cap {
            list.push(item);
        } else if seen.is_multiple_of(7) {
            let i = (seen / 7) % cap;
            list[i] = item;
        }
    }

    pub fn absorb(&mut self, v: &J) {
        let mut seen = 0usize;
        self.walk(v, None, &mut seen);
    }

    fn walk(&mut self, v: &J, key: Option<&str>, seen: &mut usize) {
        *seen += 1;
        let n = *seen;
        if let Some(k) = key {
            let list = self.by_key.entry(k.to_string()).or_default();
            if list.len() < PER_KEY && !list.contains(v) && crate::case::weight(v) < 4000 {
                list.push(v.clone());
            }
        }
        match v {
            J::Str(s) => {
                let is_expr = s.starts_with("{%") || s.starts_with('$') || s.starts_with("States.");
                if is_expr && s.len() < 2000 {
                    Donors::sample(&mut self.exprs, 4000, s.clone(), n);
                    if let Some(inner) = s.strip_prefix("{%").and_then(|x| x.strip_suffix("%}")) {
                        Donors::sample(&mut self.jsonata, 6000, inner.trim().to_string(), n);
                    }
                }
            }
            J::Obj(m) => {
                if v.get("StartAt").is_some() && v.get("States").is_some() && crate::case::weight(v) < 20_000 {
                    Donors::sample(&mut self.branches, 800, v.clone(), n);
                }
                if key == Some("States") {
                    for (name, st) in m {
                        if st.get("Type").is_some() && crate::case::weight(st) < 8000 {
                            Donors::sample(&mut self.states, 3000, (name.clone(), st.clone()), n);
                        }
                    }
                }
                for (k, x) in m {
                    self.walk(x, Some(k), seen);
                }
            }
            J::Arr(a) => {
                for x in a {
                    self.walk(x, key, seen);
                }
            }
            _ => {}
        }
        if crate::case::weight(v) < 200 {
            Donors::sample(&mut self.values, 3000, v.clone(), n);
        }
    }

    fn finish(&mut self) {
        self.by_key.retain(|_, list| !list.is_empty());
        self.keys = self.by_key.keys().cloned().collect();
        for list in [&mut self.exprs, &mut self.jsonata] {
            list.sort();
            list.dedup();
        }
        if self.values.is_empty() {
            self.values.push(J::Null);
        }
    }
}

/// `$STATELAB_CONFORMANCE`, else `<repo>/../shared/conformance`.
pub fn corpus_dir(repo: &Path) -> PathBuf {
    match std::env::var_os("STATELAB_CONFORMANCE") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => repo.join("..").join("shared").join("conformance"),
    }
}

fn read_json(path: &Path) -> Option<J> {
    json::parse(&std::fs::read_to_string(path).ok()?).ok()
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == ext)).collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn lines(path: &Path) -> Vec<J> {
    std::fs::read_to_string(path).map(|t| t.lines().filter_map(|l| json::parse(l).ok()).collect()).unwrap_or_default()
}

fn stem(p: &Path) -> String {
    p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The corpus runner's `mock_config(case)` (as `tests/it/corpus/grade.rs` ports it): the
/// recorded task results as a Step Functions Local configuration, test case `Recorded`.
fn recorded_mocks(case: &J) -> Option<J> {
    let mocks = case.get("mocks")?.as_obj()?;
    let mut states: Vec<&(String, J)> = mocks.iter().collect();
    states.sort_by(|a, b| a.0.cmp(&b.0));
    let (mut responses, mut test_case) = (Vec::new(), Vec::new());
    for (n, (state, invocations)) in states.into_iter().enumerate() {
        let mut entries = Vec::new();
        for (i, inv) in invocations.as_arr().into_iter().flatten().enumerate() {
            let empty = J::Obj(vec![]);
            let res = inv.get("result").unwrap_or(&empty);
            let event = res.get("event").and_then(J::as_str).unwrap_or("");
            let entry = if event.ends_with("Succeeded")
                || (event.is_empty() && res.get("output").is_some() && res.get("error").is_none())
            {
                J::obj(vec![("Return", res.get("output").cloned().unwrap_or(J::Null))])
            } else if event.ends_with("TimedOut") {
                J::obj(vec![("Return", J::Obj(vec![])), ("LatencySeconds", J::num(100_000_000))])
            } else {
                let mut throw = J::obj(vec![("Error", res.get("error").cloned().unwrap_or(J::str("")))]);
                match res.get("cause") {
                    None | Some(J::Null) => {}
                    Some(c @ J::Str(_)) => throw.set("Cause", c.clone()),
                    Some(c) => throw.set("Cause", J::Str(c.text())),
                }
                J::obj(vec![("Throw", throw)])
            };
            entries.push((i.to_string(), entry));
        }
        let name = format!("Mock{n}");
        responses.push((name.clone(), J::Obj(entries)));
        test_case.push((state.clone(), J::Str(name)));
    }
    if responses.is_empty() {
        return None;
    }
    Some(J::obj(vec![
        (
            "StateMachines",
            J::obj(vec![("Conformance", J::obj(vec![("TestCases", J::obj(vec![("Recorded", J::Obj(test_case))]))]))]),
        ),
        ("MockedResponses", J::Obj(responses)),
    ]))
}

/// The names of the Task states anywhere in a definition.
pub fn task_states(def: &J, out: &mut Vec<String>) {
    match def {
        J::Obj(m) => {
            for (k, v) in m {
                if k == "States" {
                    for (name, st) in v.as_obj().into_iter().flatten() {
                        if st.get("Type").and_then(J::as_str) == Some("Task") && !out.contains(name) {
                            out.push(name.clone());
                        }
                    }
                }
                task_states(v, out);
            }
        }
        J::Arr(a) => a.iter().for_each(|x| task_states(x, out)),
        _ => {}
    }
}

/// Short-form mocks for the Task states that have none (a result echoing a little of the
/// input), so that mutated definitions run past their Tasks.
pub fn fill_mocks(case: &mut Case) {
    let Part::Tree(def) = &case.definition else { return };
    let mut tasks = Vec::new();
    task_states(def, &mut tasks);
    let mocks = case.mocks.get_or_insert_with(|| Part::Tree(J::Obj(vec![])));
    let Part::Tree(m @ J::Obj(_)) = mocks else { return };
    if m.get("MockedResponses").is_some() || m.get("StateMachines").is_some() {
        return;
    }
    for t in tasks {
        if m.get(&t).is_none() {
            m.set(&t, J::obj(vec![("result", J::obj(vec![("ok", J::Bool(true)), ("n", J::num(1))]))]));
        }
    }
}

pub fn load(repo: &Path) -> Seeds {
    let mut asl = Vec::new();
    let mut jsonata = Vec::new();
    let mut donors = Donors::default();
    let corpus = corpus_dir(repo);
    let mut counts = Vec::new();

    // The repository's own cases.
    let mut n = 0;
    for p in files(&repo.join("tests/cases"), "json") {
        let Some(c) = read_json(&p) else { continue };
        let Some(def) = c.get("definition") else { continue };
        let mut case = Case::asl(
            &format!("tests/cases/{}", stem(&p)),
            Part::Tree(def.clone()),
            Part::Tree(c.get("input").cloned().unwrap_or(J::Obj(vec![]))),
            c.get("mocks").cloned().map(Part::Tree),
        );
        case.seed = c.get("seed").and_then(J::as_u64).unwrap_or(0);
        asl.push(case);
        n += 1;
    }
    for p in files(&repo.join("tests/validation"), "json") {
        for (i, v) in read_json(&p).and_then(|j| j.as_arr().cloned()).unwrap_or_default().iter().enumerate() {
            if let Some(t) = v.get("text").and_then(J::as_str) {
                let def = Part::Text(t.to_string()).normalized();
                asl.push(Case::asl(
                    &format!("tests/validation/{}#{i}", stem(&p)),
                    def,
                    Part::Tree(J::Obj(vec![])),
                    None,
                ));
                n += 1;
            }
        }
    }
    counts.push(format!("{n} repository cases"));

    let have_corpus = corpus.join("aws").is_dir();
    if have_corpus {
        let mut n = 0;
        for p in files(&corpus.join("aws/executions"), "json") {
            let Some(c) = read_json(&p) else { continue };
            let Some(def) = c.get("definition") else { continue };
            let mut case = Case::asl(
                &format!("corpus:aws/executions/{}", stem(&p)),
                Part::Tree(def.clone()),
                Part::Tree(c.get("input").cloned().unwrap_or(J::Obj(vec![]))),
                recorded_mocks(&c).map(Part::Tree),
            );
            if case.mocks.is_some() {
                case.test_case = Some("Recorded".into());
            }
            case.express = c.get("state_machine_type").and_then(J::as_str) == Some("EXPRESS");
            asl.push(case);
            n += 1;
        }
        for p in files(&corpus.join("aws/validation"), "json") {
            let Some(c) = read_json(&p) else { continue };
            let Some(req) = c.get("request") else { continue };
            let def = match req.get("definition") {
                Some(J::Str(t)) => Part::Text(t.clone()).normalized(),
                Some(d) => Part::Tree(d.clone()),
                None => continue,
            };
            let mut case =
                Case::asl(&format!("corpus:aws/validation/{}", stem(&p)), def, Part::Tree(J::Obj(vec![])), None);
            case.express = req.get("type").and_then(J::as_str) == Some("EXPRESS");
            asl.push(case);
            n += 1;
        }
        for (i, c) in lines(&corpus.join("realworld/cases.jsonl")).iter().enumerate() {
            let def = match c.get("definition") {
                Some(J::Str(t)) => Part::Text(t.clone()).normalized(),
                Some(d) => Part::Tree(d.clone()),
                None => continue,
            };
            asl.push(Case::asl(&format!("corpus:realworld#{i}"), def, Part::Tree(J::Obj(vec![])), None));
            n += 1;
        }
        let mut datasets: BTreeMap<String, Option<J>> = BTreeMap::new();
        for c in lines(&corpus.join("jsonata/cases.jsonl")) {
            let Some(expr) = c.get("expr").and_then(J::as_str) else { continue };
            let data = match (c.get("data"), c.get("dataset").and_then(J::as_str)) {
                (Some(d), _) => Some(d.clone()),
                (None, Some(name)) => datasets
                    .entry(name.to_string())
                    .or_insert_with(|| read_json(&corpus.join(format!("jsonata/datasets/{name}.json"))))
                    .clone(),
                _ => None,
            };
            let id = c.get("id").and_then(J::as_str).unwrap_or("?");
            let bindings = c.get("bindings").cloned().unwrap_or(J::Obj(vec![]));
            jsonata.push(Case::jsonata(&format!("corpus:jsonata/{id}"), expr, data, bindings));
            n += 1;
        }
        counts.push(format!("{n} corpus cases from {}", corpus.display()));
    }

    let (b_asl, b_jsonata) = (builtin_asl(), builtin_jsonata());
    counts.push(format!("{} built-in pathological cases", b_asl.len() + b_jsonata.len()));
    asl.extend(b_asl);
    jsonata.extend(b_jsonata);

    for c in &mut asl {
        fill_mocks(c);
        for p in [Some(&c.definition), Some(&c.input), c.mocks.as_ref()].into_iter().flatten() {
            if let Part::Tree(j) = p {
                donors.absorb(j);
            }
        }
    }
    for c in &jsonata {
        if !c.expr.is_empty() && c.expr.len() < 2000 {
            donors.jsonata.push(c.expr.clone());
        }
        if let Some(Part::Tree(d)) = &c.data {
            if crate::case::weight(d) < 2000 {
                donors.values.push(d.clone());
            }
        }
    }
    donors.finish();
    // Expressions inside definitions are seeds for the jsonata target too.
    for (i, e) in donors.jsonata.iter().enumerate() {
        if !jsonata.iter().any(|c| &c.expr == e) && i % 3 == 0 {
            let mut c = Case::jsonata("definitions", e, Some(J::obj(vec![("x", J::num(1))])), J::Obj(vec![]));
            c.asl = true;
            jsonata.push(c);
        }
    }

    // TestState requests: the corpus's recorded ones, then every definition above as a whole
    // definition tested at its StartAt state (TRACE: all the inspection data).
    let mut test_state = Vec::new();
    let mut n = 0;
    for p in files(&corpus.join("aws/test_state"), "json") {
        let Some(req) = read_json(&p).and_then(|c| c.get("request").cloned()) else { continue };
        let def = match req.get("definition") {
            Some(J::Str(t)) => Part::Text(t.clone()).normalized(),
            Some(d) => Part::Tree(d.clone()),
            None => continue,
        };
        let input = match req.get("input") {
            Some(J::Str(t)) => Part::Text(t.clone()).normalized(),
            Some(i) => Part::Tree(i.clone()),
            None => Part::Tree(J::Obj(vec![])),
        };
        let rest = match &req {
            J::Obj(m) => J::Obj(m.iter().filter(|(k, _)| k != "definition" && k != "input").cloned().collect()),
            _ => J::Obj(vec![]),
        };
        let mut c = Case::asl(&format!("corpus:aws/test_state/{}", stem(&p)), def, input, Some(Part::Tree(rest)));
        c.target = Target::TestState;
        test_state.push(c);
        n += 1;
    }
    if n > 0 {
        counts.push(format!("{n} TestState requests"));
    }
    for a in &asl {
        let Part::Tree(d) = &a.definition else { continue };
        let Some(start) = d.get("StartAt").and_then(J::as_str) else { continue };
        let mut rest = vec![("stateName", J::str(start)), ("inspectionLevel", J::str("TRACE"))];
        if let Some(Part::Tree(m)) = &a.mocks {
            // A recorded or short-form result for the state, where the case has one.
            if let Some(r) = m.get(start).and_then(|x| x.get("result")) {
                rest.push(("mock", J::obj(vec![("result", J::Str(r.text()))])));
            }
        }
        let mut c = Case::asl(&a.origin, a.definition.clone(), a.input.clone(), Some(Part::Tree(J::obj(rest))));
        c.target = Target::TestState;
        test_state.push(c);
    }

    let note = if have_corpus {
        format!("seeds: {}", counts.join(", "))
    } else {
        format!(
            "seeds: no conformance corpus at {} (set STATELAB_CONFORMANCE): fuzzing from the repository's own cases only ({})",
            corpus.display(),
            counts.join(", ")
        )
    };
    Seeds { asl, jsonata, test_state, donors, note }
}

fn def(v: &str) -> Part {
    Part::Tree(json::parse(v).unwrap_or_else(|e| panic!("built-in seed: {e}: {v}")))
}

fn asl_case(name: &str, definition: Part, input: Part, mocks: &str) -> Case {
    Case::asl(&format!("builtin:{name}"), definition, input, Some(def(mocks)))
}

/// One Pass state whose Output (JSONata) or Parameters (JSONPath) is `field`.
fn jsonata_pass(expr: &str) -> String {
    format!(
        r#"{{"QueryLanguage":"JSONata","StartAt":"P","States":{{"P":{{"Type":"Pass","Output":{},"End":true}}}}}}"#,
        json::quote(&format!("{{% {expr} %}}"))
    )
}

fn builtin_asl() -> Vec<Case> {
    let empty = || Part::Tree(J::Obj(vec![]));
    let mut v = Vec::new();
    // Deep nesting: in a definition (tree and text), in the input.
    let mut deep = J::num(1);
    for _ in 0..1000 {
        deep = J::obj(vec![("a", deep)]);
    }
    let d = J::obj(vec![
        ("StartAt", J::str("P")),
        (
            "States",
            J::obj(vec![("P", J::obj(vec![("Type", J::str("Pass")), ("Parameters", deep), ("End", J::Bool(true))]))]),
        ),
    ]);
    v.push(asl_case("deep-parameters", Part::Tree(d), empty(), "{}"));
    let n = 60_000;
    let text = format!(
        r#"{{"StartAt":"P","States":{{"P":{{"Type":"Pass","Result":{}1{},"End":true}}}}}}"#,
        "[".repeat(n),
        "]".repeat(n)
    );
    v.push(asl_case("deep-result-text", Part::Text(text), empty(), "{}"));
    v.push(asl_case(
        "deep-input",
        def(r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"all.$":"$..*","j.$":"States.JsonToString($)"},"End":true}}}"#),
        Part::Text(format!("{}{}", "[".repeat(n), "]".repeat(n))),
        "{}",
    ));
    let mut deep_in = J::num(0);
    for i in 0..900 {
        deep_in =
            if i % 2 == 0 { J::Arr(vec![deep_in, J::num(i)]) } else { J::obj(vec![("a", deep_in), ("b", J::num(i))]) };
    }
    v.push(asl_case(
        "deep-input-jsonpath",
        def(r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"all.$":"$..b","s.$":"States.JsonToString($)","f.$":"$..[?(@.b > 3)]"},"End":true}}}"#),
        Part::Tree(deep_in),
        "{}",
    ));
    // Map over many items, nested Maps, a wide Parallel.
    v.push(asl_case(
        "map-many-items",
        def(r#"{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% [1..200000] %}","MaxConcurrency":0,"ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#),
        empty(),
        "{}",
    ));
    let items: Vec<J> = (0..20_000).map(|i| J::obj(vec![("i", J::num(i))])).collect();
    v.push(asl_case(
        "map-jsonpath-items",
        def(r#"{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1,"ItemSelector":{"v.$":"$$.Map.Item.Value","k.$":"$$.Map.Item.Index"},"ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}},"End":true}}}"#),
        Part::Tree(J::obj(vec![("items", J::Arr(items))])),
        r#"{"T":{"result":{"ok":1},"latency":0.001}}"#,
    ));
    v.push(asl_case(
        "map-nested",
        def(r#"{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% [1..300] %}","ItemProcessor":{"StartAt":"N","States":{"N":{"Type":"Map","Items":"{% [1..300] %}","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}},"End":true}}}"#),
        empty(),
        "{}",
    ));
    let branches: Vec<String> = (0..400)
        .map(|i| format!(r#"{{"StartAt":"B{i}","States":{{"B{i}":{{"Type":"Pass","Result":{i},"End":true}}}}}}"#))
        .collect();
    v.push(asl_case(
        "parallel-wide",
        def(&format!(
            r#"{{"StartAt":"F","States":{{"F":{{"Type":"Parallel","Branches":[{}],"End":true}}}}}}"#,
            branches.join(",")
        )),
        empty(),
        "{}",
    ));
    // Retries, waits and time-outs at the edges.
    v.push(asl_case(
        "retry-edges",
        def(r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":99999999,"HeartbeatSeconds":99999998,"Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":99999999,"MaxAttempts":99999999,"BackoffRate":1e300,"MaxDelaySeconds":31622400,"JitterStrategy":"FULL"}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"T"}],"End":true}}}"#),
        empty(),
        r#"{"T":{"error":"Boom","cause":"again","latency":0.001}}"#,
    ));
    v.push(asl_case(
        "retry-storm",
        def(r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":1,"MaxAttempts":99999999,"BackoffRate":1.0}],"End":true}}}"#),
        empty(),
        r#"{"T":{"error":"Boom","latency":0}}"#,
    ));
    v.push(asl_case(
        "wait-edges",
        def(r#"{"StartAt":"W1","States":{"W1":{"Type":"Wait","Seconds":99999999,"Next":"W2"},"W2":{"Type":"Wait","Timestamp":"9999-12-31T23:59:59.999Z","Next":"W3"},"W3":{"Type":"Wait","SecondsPath":"$.s","Next":"W4"},"W4":{"Type":"Wait","TimestampPath":"$.t","End":true}}}"#),
        Part::Tree(J::obj(vec![("s", J::num("1e300")), ("t", J::str("0000-01-01T00:00:00Z"))])),
        "{}",
    ));
    v.push(asl_case(
        "wait-jsonata-edges",
        def(r#"{"QueryLanguage":"JSONata","StartAt":"W","States":{"W":{"Type":"Wait","Seconds":"{% 9007199254740993 %}","Next":"V"},"V":{"Type":"Wait","Timestamp":"{% '2025-01-01T00:00:00.999999999+23:59' %}","End":true}}}"#),
        empty(),
        "{}",
    ));
    v.push(asl_case(
        "timeout-latency",
        def(r#"{"TimeoutSeconds":1,"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":2,"HeartbeatSeconds":1,"End":true}}}"#),
        empty(),
        r#"{"T":{"result":{},"latency":1e300}}"#,
    ));
    // Long loops: the history limit.
    v.push(asl_case(
        "loop-history-limit",
        def(r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"x":1},"Next":"C"},"C":{"Type":"Choice","Choices":[{"Variable":"$.x","NumericEquals":2,"Next":"D"}],"Default":"A"},"D":{"Type":"Succeed"}}}"#),
        empty(),
        "{}",
    ));
    v.push(asl_case(
        "loop-parallel-catch",
        def(r#"{"QueryLanguage":"JSONata","StartAt":"Gen","States":{"Gen":{"Type":"Pass","Assign":{"big":"{% $pad('', 40000, 'x') %}"},"Next":"Par"},"Par":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","Cause":"{% $big %}"}}}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Par"}]}}}"#),
        empty(),
        "{}",
    ));
    // Big strings and payloads.
    for (name, expr) in [
        ("pad-payload", "$pad('', 300000, 'x')"),
        ("pad-huge", "$pad('', 100000000, 'x')"),
        ("range-huge", "[1..100000000]"),
        ("join-map", "$join($map([1..200000], $string), ',')"),
        ("partition", "$partition([1..100000], 1)"),
        ("states-context", "[$states, $states.context, $states.input]"),
        ("hash-big", "$hash($pad('', 200000, 'y'), 'SHA-512')"),
        ("uuid-random", "[$uuid(), $random(), $random(7)]"),
        ("parse-deep", "$parse($join([1..5000].'[') & $join([1..5000].']'))"),
    ] {
        v.push(asl_case(name, def(&jsonata_pass(expr)), empty(), "{}"));
    }
    // Long operator chains inside definitions (JSONata is parsed when a definition is).
    for (name, expr) in [
        ("chain-path", format!("$states.input{}", ".b".repeat(1500))),
        ("chain-plus", format!("1{}", "+1".repeat(1500))),
        ("chain-apply", format!("[1]{}", "~>$string".repeat(1500))),
        ("chain-and", format!("true{}", " and true".repeat(1500))),
        ("chain-index", format!("[1]{}", "[0]".repeat(1500))),
    ] {
        v.push(asl_case(name, def(&jsonata_pass(&expr)), empty(), "{}"));
    }
    v.push(asl_case(
        "chain-jsonpath",
        def(&format!(
            r#"{{"StartAt":"P","States":{{"P":{{"Type":"Pass","Parameters":{{"x.$":"${}","y.$":"States.Format('{{}}', ${})"}},"ResultPath":"${}","End":true}}}}}}"#,
            ".b".repeat(1500),
            "[0]".repeat(1500),
            ".r".repeat(1500)
        )),
        empty(),
        "{}",
    ));
    // Intrinsics and JSONPath at the edges.
    v.push(asl_case(
        "intrinsics-edges",
        def(r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{
            "r.$":"States.ArrayRange(0, 1000000000, 1)",
            "s.$":"States.StringSplit($.s, '')",
            "f.$":"States.Format('{}{}{}', $.s, $.n, $.a)",
            "p.$":"States.ArrayPartition($.a, 1)",
            "h.$":"States.Hash($.s, 'SHA-512')",
            "m.$":"States.MathAdd(9007199254740992, 1)",
            "b.$":"States.Base64Decode(States.Base64Encode($.s))",
            "u.$":"States.ArrayUnique($.a)",
            "j.$":"States.StringToJson(States.JsonToString($))",
            "g.$":"States.ArrayGetItem($.a, 99999999)",
            "l.$":"States.ArrayLength($.a)",
            "c.$":"States.ArrayContains($.a, $.n)",
            "x.$":"States.MathRandom(0, 9007199254740993)",
            "i.$":"States.UUID()"},"End":true}}}"#),
        Part::Tree(J::obj(vec![
            ("s", J::str("x".repeat(5000))),
            ("n", J::num("1e300")),
            ("a", J::Arr((0..3000).map(J::num).collect())),
        ])),
        "{}",
    ));
    v.push(asl_case(
        "jsonpath-edges",
        def(r#"{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.a[0:100000000:1]","Parameters":{"x.$":"$[-1]","y.$":"$[?(@ > 3)]","z.$":"$..*","w.$":"$[*]"},"ResultPath":"$.out.deep.er","OutputPath":"$.out","End":true}}}"#),
        Part::Tree(J::obj(vec![("a", J::Arr((0..5000).map(J::num).collect()))])),
        "{}",
    ));
    // Many Choice rules, deeply nested rules.
    let rules: Vec<String> =
        (0..5000).map(|i| format!(r#"{{"Variable":"$.x","NumericEquals":{i},"Next":"E"}}"#)).collect();
    v.push(asl_case(
        "choice-many-rules",
        def(&format!(r#"{{"StartAt":"C","States":{{"C":{{"Type":"Choice","Choices":[{}],"Default":"E"}},"E":{{"Type":"Succeed"}}}}}}"#, rules.join(","))),
        Part::Tree(J::obj(vec![("x", J::num(4999))])),
        "{}",
    ));
    let mut rule = String::from(r#"{"Variable":"$.x","IsPresent":true}"#);
    for i in 0..1000 {
        rule = if i % 3 == 0 { format!(r#"{{"And":[{rule}]}}"#) } else { format!(r#"{{"Not":{rule}}}"#) };
    }
    let rule = rule.replacen('{', r#"{"Next":"E","#, 1);
    v.push(asl_case(
        "choice-deep-rule",
        Part::Text(format!(r#"{{"StartAt":"C","States":{{"C":{{"Type":"Choice","Choices":[{rule}],"Default":"E"}},"E":{{"Type":"Succeed"}}}}}}"#)).normalized(),
        empty(),
        "{}",
    ));
    // Odd names, Express, Distributed Map with a batcher and tolerated failures.
    v.push(asl_case(
        "odd-names",
        def(r#"{"StartAt":"P/1","States":{"P/1":{"Type":"Pass","Next":""},"":{"Type":"Pass","Next":"é\u0000x"},"é\u0000x":{"Type":"Succeed"}}}"#),
        empty(),
        "{}",
    ));
    let mut express = asl_case(
        "express-wait",
        def(r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":301,"End":true}}}"#),
        empty(),
        "{}",
    );
    express.express = true;
    v.push(express);
    v.push(asl_case(
        "distributed-map",
        def(r#"{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemBatcher":{"MaxItemsPerBatch":1,"MaxInputBytesPerBatch":1},"ToleratedFailurePercentage":100,"ToleratedFailureCount":0,"MaxConcurrency":99999999,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E"}}},"End":true}}}"#),
        Part::Tree(J::obj(vec![("items", J::Arr((0..2000).map(J::num).collect()))])),
        "{}",
    ));
    v.push(asl_case(
        "variables-scopes",
        def(r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":"{% [1..1000] %}","y":{"z":"{% $x %}"}},"Next":"M"},"M":{"Type":"Map","Items":"{% $x %}","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Assign":{"x":"{% $states.input %}"},"Output":"{% $x %}","End":true}}},"Assign":{"x":"{% $count($states.result) %}"},"Output":"{% [$x, $y] %}","End":true}}}"#),
        empty(),
        "{}",
    ));
    v
}

fn builtin_jsonata() -> Vec<Case> {
    let n = 4000;
    let exprs: Vec<String> = vec![
        format!("{}1{}", "(".repeat(n), ")".repeat(n)),
        format!("1{}", "+1".repeat(50_000)),
        format!("{}1{}", "$string(".repeat(2000), ")".repeat(2000)),
        format!("{}1{}", "[".repeat(n), "]".repeat(n)),
        format!("{}1{}", "{'a':".repeat(2000), "}".repeat(2000)),
        format!("a{}", ".b".repeat(20_000)),
        format!("{}0", "- ".repeat(20_000)),
        "[1..10000000]".into(),
        "$count([1..100000000])".into(),
        "[1..1e15]".into(),
        "$sum([1..10000000])".into(),
        "$pad('', 100000000, 'x')".into(),
        "$pad('x', -100000000, 'ab')".into(),
        "$join($map([1..1000000], $string))".into(),
        "$match('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', /(a+)+$/)".into(),
        "$replace($pad('', 20000, 'a'), /a*a*a*b/, 'x')".into(),
        "$contains($pad('', 50000, 'a'), /(a|aa)+$/)".into(),
        "$split($pad('', 1000000, 'a'), /a??/)".into(),
        "($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))".into(),
        "($f := function($n){ $n = 0 ? 0 : $f($n - 1) }; $f(10000000))".into(),
        "($f := function($f){ $f($f) }; $f($f))".into(),
        "$reduce([1..100000], function($a, $b){ $append($a, $b) }, [])".into(),
        "$sort([1..100000], function($a, $b){ $a < $b })".into(),
        "$distinct([1..100000] ~> $map(function($v){ $v % 1000 }))".into(),
        "($a := [1..1000]; $a.$a.$a)".into(),
        "[1..100000]#$i[$i > 5].$i".into(),
        "[1..10000]@$x.[1..1000]@$y.($x * $y)".into(),
        "$zip([1..1000000], [1..1000000])".into(),
        "$formatNumber(1e300, '#,##0.00')".into(),
        "$formatBase(9007199254740993, 36)".into(),
        "$formatInteger(1e21, 'w')".into(),
        "$formatInteger(123456789012, 'I')".into(),
        "$fromMillis(8.64e15, '[Y0001]-[M01]-[D01]')".into(),
        "$fromMillis(1e300)".into(),
        "$toMillis('9999-12-31T23:59:59.999Z')".into(),
        "$toMillis('2025-01-01', '[Y0001]-[M01]-[D01][Z]')".into(),
        "$power(2, 1e10)".into(),
        "$round(1e300, 300)".into(),
        "$number('0x' & $pad('', 10000, 'f'))".into(),
        "$substring($pad('', 100000, 'x'), 1e300, -1e300)".into(),
        "$string([1..100000])".into(),
        "$eval($join([1..2000].'$eval(\"', '') & '1' & $join([1..2000].'\")', ''))".into(),
        "$.**".into(),
        "**.a".into(),
        "$keys($) ~> $map(function($k){ $lookup($, $k) })".into(),
        "$spread([1..100000].{'k' & $string($): $})".into(),
        "$each($merge([1..50000].{$string($): $}), function($v, $k){ $k })".into(),
        "$sift({'a': [1..100000]}, function($v){ true })".into(),
        "{ 'a': [1..100000] }.a[-1]".into(),
        "[1..100000][[1..100000]]".into(),
        "$shuffle([1..100000])[0]".into(),
        "$encodeUrlComponent($pad('', 100000, '\u{10000}'))".into(),
        "$base64decode($pad('', 100000, '='))".into(),
        "$uppercase($pad('', 1000000, 'ß'))".into(),
        "$trim($pad('', 1000000, ' '))".into(),
        "\"x\" & $string(1e308 * 10)".into(),
        "9007199254740993 + 1".into(),
        "1e400".into(),
        "-0".into(),
        "$string(-0)".into(),
        "[0.1 + 0.2, 1/3, 2e-320]".into(),
        "$replace('abc', '', 'x')".into(),
        "$split('abc', '', -1)".into(),
        "$single([1..100000], function($v){ $v = 99999 })".into(),
        "$filter([1..1000000], function($v, $i, $a){ $count($a) > $i })".into(),
        "$range(0, 100000000, 1)".into(),
        "$range(0, 1, 1e-300)".into(),
        "$hash($pad('', 1000000, 'x'), 'MD5')".into(),
        "$partition([1..100000], 0)".into(),
        "$parse($join([1..100000].'['))".into(),
        "$random(1e300)".into(),
    ];
    let data = J::obj(vec![
        ("a", J::Arr((0..200).map(|i| J::obj(vec![("b", J::num(i)), ("c", J::str(format!("s{i}")))])).collect())),
        ("x", J::num(1)),
    ]);
    exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let asl = e.contains("$range")
                || e.contains("$hash")
                || e.contains("$partition")
                || e.contains("$parse")
                || e.contains("$random(");
            let mut c = Case::jsonata(&format!("builtin:jsonata#{i}"), &e, Some(data.clone()), J::Obj(vec![]));
            c.asl = asl;
            c
        })
        .collect()
}
