//! What one execution of the fuzzer is: a target and its inputs, as trees where they are JSON
//! (so that mutations and shrinking know the structure) or as text where a mutation broke the
//! JSON (or nested it deeper than the supervisor walks).

use crate::json::{self, J};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Validate,
    Run,
    Jsonata,
    TestState,
    Wasm,
}

impl Target {
    pub const ALL: [Target; 5] = [Target::Validate, Target::Run, Target::Jsonata, Target::TestState, Target::Wasm];
    pub fn name(self) -> &'static str {
        match self {
            Target::Validate => "validate",
            Target::Run => "run",
            Target::Jsonata => "jsonata",
            Target::TestState => "test-state",
            Target::Wasm => "wasm",
        }
    }
    pub fn parse(s: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == s)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    Tree(J),
    Text(String),
}

impl Part {
    pub fn text(&self) -> String {
        match self {
            Part::Tree(j) => j.text(),
            Part::Text(t) => t.clone(),
        }
    }
    /// A size measure for shrinking: tree nodes plus characters of text.
    pub fn weight(&self) -> usize {
        match self {
            Part::Tree(j) => weight(j),
            Part::Text(t) => t.chars().count(),
        }
    }
    /// Text that reads as JSON (and is shallow enough) becomes a tree again.
    pub fn normalized(self) -> Part {
        match self {
            Part::Text(t) => match json::parse(&t) {
                Ok(j) if j.text() == t => Part::Tree(j),
                _ => Part::Text(t),
            },
            p => p,
        }
    }
    fn to_file(&self) -> (J, bool) {
        match self {
            Part::Tree(j) => (j.clone(), false),
            Part::Text(t) => (J::Str(t.clone()), true),
        }
    }
}

/// Nodes plus the characters of strings and keys.
pub fn weight(j: &J) -> usize {
    match j {
        J::Str(s) => 1 + s.chars().count(),
        J::Num(n) => n.len(),
        J::Arr(a) => 1 + a.iter().map(weight).sum::<usize>(),
        J::Obj(m) => 1 + m.iter().map(|(k, v)| 1 + k.chars().count() + weight(v)).sum::<usize>(),
        _ => 1,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub target: Target,
    /// The definition, for validate, run and wasm.
    pub definition: Part,
    pub input: Part,
    /// A mock configuration (the short form or Step Functions Local's); for test-state, the
    /// rest of the TestState request (inspectionLevel, stateName, mock, variables, ...).
    pub mocks: Option<Part>,
    pub test_case: Option<String>,
    pub express: bool,
    pub seed: u64,
    /// For jsonata.
    pub expr: String,
    pub data: Option<Part>,
    pub bindings: Part,
    /// Evaluate with the Step Functions additions ($partition, $range, $hash, ..., no $eval).
    pub asl: bool,
    /// For wasm: compare validate() rather than simulate().
    pub wasm_validate: bool,
    /// For wasm: simulate through compile() and a Machine, twice (its caches of options and
    /// mocks), rather than simulate().
    pub wasm_compiled: bool,
    /// Where the case came from (the seed's name), for the report.
    pub origin: String,
}

impl Case {
    pub fn asl(origin: &str, definition: Part, input: Part, mocks: Option<Part>) -> Case {
        Case {
            target: Target::Run,
            definition,
            input,
            mocks,
            test_case: None,
            express: false,
            seed: 0,
            expr: String::new(),
            data: None,
            bindings: Part::Tree(J::Obj(vec![])),
            asl: false,
            wasm_validate: false,
            wasm_compiled: false,
            origin: origin.to_string(),
        }
    }
    pub fn jsonata(origin: &str, expr: &str, data: Option<J>, bindings: J) -> Case {
        Case {
            target: Target::Jsonata,
            expr: expr.to_string(),
            data: data.map(Part::Tree),
            bindings: Part::Tree(bindings),
            definition: Part::Tree(J::Null),
            input: Part::Tree(J::Obj(vec![])),
            ..Case::asl(origin, Part::Tree(J::Null), Part::Tree(J::Null), None)
        }
    }

    /// The request a worker reads: every part as text.
    pub fn request(&self, mode: &str) -> J {
        let mut m: Vec<(&str, J)> = vec![("mode", J::str(mode))];
        match self.target {
            Target::Jsonata => {
                m.push(("expr", J::str(&self.expr)));
                m.push(("data", self.data.as_ref().map_or(J::Null, |d| J::Str(d.text()))));
                m.push(("bindings", J::Str(self.bindings.text())));
                m.push(("asl", J::Bool(self.asl)));
            }
            Target::TestState => m.push(("request", J::Str(self.test_state_request()))),
            _ => {
                m.push(("definition", J::Str(self.definition.text())));
                m.push(("input", J::Str(self.input.text())));
                m.push(("mocks", self.mocks.as_ref().map_or(J::Null, |d| J::Str(d.text()))));
                m.push(("testCase", self.test_case.as_ref().map_or(J::Null, J::str)));
                m.push(("type", J::str(if self.express { "EXPRESS" } else { "STANDARD" })));
                m.push(("seed", J::Str(self.seed.to_string())));
                if self.wasm_compiled {
                    m.push(("compiled", J::Bool(true)));
                }
            }
        }
        J::obj(m)
    }

    /// The TestState request's text: the rest's members with the definition (as an object, or
    /// as JSON text when a mutation broke it, as the API takes either) and the input.
    pub fn test_state_request(&self) -> String {
        let definition = match &self.definition {
            Part::Tree(j) => j.text(),
            Part::Text(t) => J::str(t).text(),
        };
        let mut text = format!("{{\"definition\":{definition},\"input\":{}", self.input.text());
        if let Some(Part::Tree(J::Obj(rest))) = &self.mocks {
            for (k, v) in rest.iter().filter(|(k, _)| k.as_str() != "definition" && k.as_str() != "input") {
                text.push_str(&format!(",{}:{}", J::str(k).text(), v.text()));
            }
        } else if let Some(Part::Text(t)) = &self.mocks {
            // A broken rest breaks the request: the API's parse error.
            text.push(',');
            text.push_str(t);
        }
        text.push('}');
        text
    }

    /// The worker mode of the native side of this case.
    pub fn native_mode(&self) -> &'static str {
        match self.target {
            Target::Validate => "validate",
            Target::Run => "run",
            Target::Jsonata => "jsonata",
            Target::TestState => "test-state",
            Target::Wasm if self.wasm_validate => "validate",
            Target::Wasm => "run",
        }
    }

    pub fn weight(&self) -> usize {
        match self.target {
            Target::Jsonata => {
                self.expr.chars().count()
                    + self.data.as_ref().map_or(0, Part::weight)
                    + self.bindings.weight()
                    + usize::from(self.asl)
            }
            _ => {
                self.definition.weight()
                    + self.input.weight()
                    + self.mocks.as_ref().map_or(0, Part::weight)
                    + usize::from(self.express)
                    + usize::from(self.test_case.is_some())
            }
        }
    }

    /// The reproducer's JSON (a part that is not JSON is kept as text, under `<name>Text`).
    pub fn to_file(&self) -> J {
        let mut m: Vec<(String, J)> = vec![("target".into(), J::str(self.target.name()))];
        let mut part = |name: &str, p: &Part| {
            let (v, text) = p.to_file();
            m.push((if text { format!("{name}Text") } else { name.to_string() }, v));
        };
        match self.target {
            Target::Jsonata => {
                part("bindings", &self.bindings);
                if let Some(d) = &self.data {
                    part("data", d);
                }
                m.push(("expr".into(), J::str(&self.expr)));
                m.push(("asl".into(), J::Bool(self.asl)));
            }
            _ => {
                part("definition", &self.definition);
                part("input", &self.input);
                if let Some(x) = &self.mocks {
                    part(if self.target == Target::TestState { "rest" } else { "mocks" }, x);
                }
                if let Some(t) = &self.test_case {
                    m.push(("testCase".into(), J::str(t)));
                }
                if self.express {
                    m.push(("type".into(), J::str("EXPRESS")));
                }
                m.push(("seed".into(), J::num(self.seed)));
                if self.target == Target::Wasm {
                    let mode = match (self.wasm_validate, self.wasm_compiled) {
                        (true, _) => "validate",
                        (false, true) => "compiled",
                        _ => "run",
                    };
                    m.push(("wasmMode".into(), J::str(mode)));
                }
            }
        }
        m.push(("origin".into(), J::str(&self.origin)));
        // Readers want the target, then the small fields, then the big ones.
        m.sort_by_key(|(k, v)| (k != "target", weight(v) > 40, k.starts_with("definition")));
        J::Obj(m)
    }

    pub fn from_file(j: &J) -> Result<Case, String> {
        let target = j.get("target").and_then(J::as_str).and_then(Target::parse).ok_or("no target")?;
        let part = |name: &str| -> Option<Part> {
            if let Some(v) = j.get(name) {
                return Some(Part::Tree(v.clone()));
            }
            j.get(&format!("{name}Text")).and_then(J::as_str).map(|t| Part::Text(t.to_string()))
        };
        let mut c = Case::asl(
            j.get("origin").and_then(J::as_str).unwrap_or("file"),
            part("definition").unwrap_or(Part::Tree(J::Null)),
            part("input").unwrap_or(Part::Tree(J::Obj(vec![]))),
            part("mocks"),
        );
        c.target = target;
        if target == Target::TestState {
            c.mocks = part("rest");
        }
        c.test_case = j.get("testCase").and_then(J::as_str).map(String::from);
        c.express = j.get("type").and_then(J::as_str) == Some("EXPRESS");
        c.seed = j.get("seed").and_then(J::as_u64).unwrap_or(0);
        c.expr = j.get("expr").and_then(J::as_str).unwrap_or("").to_string();
        c.data = part("data");
        c.bindings = part("bindings").unwrap_or(Part::Tree(J::Obj(vec![])));
        c.asl = j.get("asl").and_then(J::as_bool).unwrap_or(false);
        c.wasm_validate = j.get("wasmMode").and_then(J::as_str) == Some("validate");
        c.wasm_compiled = j.get("wasmMode").and_then(J::as_str) == Some("compiled");
        Ok(c)
    }
}
