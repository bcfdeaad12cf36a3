//! Reads followed back through the data flow to where their data comes from.
//!
//! Every field a state reads (a path, an intrinsic's argument, a Choice variable, a JSONata
//! expression) is a read at a point of the definition: a state's raw input, its effective
//! input (after `InputPath`), its result, a Map's item, a variable. A read is carried back
//! through what made the value there, by AWS's data-flow rules: a state's input is the
//! output of each state that leads to it (or the machine's input at its `StartAt`); an
//! output is `OutputPath` of the value `ResultPath` made of the raw input and the result;
//! a result is the Task's answer (through `ResultSelector`), a Pass's `Parameters` over its
//! input, the outputs of a Map's iterations or a Parallel's branches; a template's field
//! `"k.$": "$.x"` sends a read of `k` to `$.x`; a variable to the `Assign` that set it.
//! Reads end at a source: the execution input, a Task's answer (its mock), a Map's items
//! from an `ItemReader`. What a read needs (a comparison's value, an intrinsic's kind of
//! argument, absence) travels with it.

use super::text::{
    is_jsonpath_expr, jsonata_comparison, jsonata_refs, jsonata_value, jsonpath_refs, jsonpath_value, Kind, Ref, Root,
    Step,
};
use crate::value::{Map, Value};
use std::collections::{HashMap, HashSet};

/// A read arriving at a source.
#[derive(Debug, Clone)]
pub struct Read {
    pub steps: Vec<Step>,
    /// The value a comparison wants there.
    pub want: Option<Value>,
    pub kind: Kind,
    /// The field must be absent (a Choice's `IsPresent: true` that is to fail).
    pub absent: bool,
    /// How strongly the want holds when wants meet on one field: 0 none, 1 "anything but"
    /// (a rule made to fail), 2 a value a rule made to fail needs (through `Not`), 3 a
    /// value the chosen rule needs. The stronger is put last and wins.
    pub rank: u8,
    /// A read whose value is wanted after the build (an ItemReader's `Bucket.$`): its index
    /// in [`Sources::tagged`].
    pub tag: Option<usize>,
}

/// A Map's ItemReader (or ResultWriter: the second field says which), the Map's name, the
/// reader's definition, and the tags of its fields given by a path.
pub type Reader = (String, &'static str, Value, Vec<(&'static str, usize)>);

/// Where the reads end.
#[derive(Default, Debug)]
pub struct Sources {
    pub input: Vec<Read>,
    /// Reads of a Task's answer, by state name, and its resource.
    pub results: Vec<(String, Read)>,
    /// Task states: name, resource (every depth, in document order).
    pub tasks: Vec<(String, String)>,
    /// Reads of the items a Map's `ItemReader` reads, by the Map's name.
    pub reader_items: Vec<(String, Read)>,
    /// Each Map with an `ItemReader`: its name, the reader, and for `Bucket`, `Key` and
    /// `Prefix` given by a path, the tag of that read.
    /// (With `"ResultWriter"` for a Map's writer, whose bucket must exist.)
    pub readers: Vec<Reader>,
    /// Where each tagged read ended: in the input (`None`) or a Task's answer, and its steps.
    pub tagged: Vec<Option<(Option<String>, Vec<Step>)>>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Point {
    /// A state's raw input.
    Input(usize),
    /// After `InputPath`.
    Effective(usize),
    /// A state's output, on the way out by a Choice rule (its index) or otherwise.
    Output(usize, Option<usize>),
    /// After `ResultPath`, before `OutputPath`.
    AfterResult(usize),
    /// What `ResultPath` places (after `ResultSelector`).
    Result(usize),
    /// A Task's answer; a Map's or Parallel's array of outputs.
    Raw(usize),
    /// A Map iteration's input (a batch, with an `ItemBatcher`).
    Item(usize),
    /// An item after `ItemSelector`.
    Selected(usize),
    /// A Map's item as read.
    ItemValue(usize),
    /// A machine's input (the execution's, an iteration's, a branch's).
    Machine(usize),
    /// A variable (index into the names).
    Var(usize),
    /// The execution input.
    Exec,
}

enum Parent {
    Top,
    Map(usize),
    Branch(usize),
}

struct Machine<'a> {
    states: Option<&'a Map>,
    start: Option<usize>,
    parent: Parent,
    /// The states that end it with an output (`End`, Succeed).
    ends: Vec<usize>,
    /// Its states: nodes `nodes.0..nodes.1`.
    nodes: (usize, usize),
}

/// How a state is reached from another: by `Next`, `Default` or a Choice rule (its index).
/// Catch edges are left out: the made-up answers never fail, so no Catch is taken, and what
/// a handler reads is not asked of the input (it would only add fields the run never uses).
enum Edge {
    Next(Option<usize>),
}

struct Node<'a> {
    name: &'a str,
    s: &'a Value,
    ty: &'a str,
    machine: usize,
    jsonata: bool,
    /// Machines inside: a Map's processor, a Parallel's branches.
    children: Vec<usize>,
    preds: Vec<(usize, Edge)>,
}

/// The ways a template's `$`, `$states.input` and `$states.result` go.
#[derive(Clone, Copy)]
struct Ctx {
    dollar: Option<Point>,
    input: Point,
    result: Point,
    item: Option<usize>,
    jsonata: bool,
}

struct Graph<'a> {
    nodes: Vec<Node<'a>>,
    machines: Vec<Machine<'a>>,
    vars: Vec<String>,
    /// A node by machine and name.
    index: HashMap<(usize, &'a str), usize>,
}

/// At most this many reads are carried (a bound for any definition).
const MAX_WORK: usize = 200_000;
const MAX_DEPTH: usize = 32;
const MAX_STEPS: usize = 32;

pub fn follow(definition: &Value, choose: &dyn Fn(&Map, &str) -> usize) -> Sources {
    let mut g = Graph { nodes: Vec::new(), machines: Vec::new(), vars: Vec::new(), index: HashMap::new() };
    g.machine(definition, Parent::Top, false, 0);
    g.link();
    let mut f = Flow { g: &g, todo: Vec::new(), seen: HashSet::new(), out: Sources::default(), work: 0 };
    // In document order: a state, then the states inside it.
    let mut order = Vec::with_capacity(g.nodes.len());
    if !g.machines.is_empty() {
        g.document_order(0, &mut order);
    }
    for i in order {
        let n = &g.nodes[i];
        if n.ty == "Task" {
            let resource = n.s.get("Resource").and_then(Value::as_str).unwrap_or_default();
            f.out.tasks.push((n.name.to_string(), resource.to_string()));
        }
        let way = g.machines[n.machine].states.map_or(0, |states| choose(states, n.name));
        f.uses(i, way);
    }
    f.run();
    f.out
}

impl<'a> Graph<'a> {
    fn machine(&mut self, m: &'a Value, parent: Parent, inherited: bool, depth: usize) -> usize {
        let id = self.machines.len();
        let states = m.get("States").and_then(Value::as_object);
        self.machines.push(Machine { states, start: None, parent, ends: Vec::new(), nodes: (0, 0) });
        // A machine's query language, else the language of the state it is inside.
        let default_jsonata = m.get("QueryLanguage").and_then(Value::as_str).map_or(inherited, |q| q == "JSONata");
        let first = self.nodes.len();
        for (name, s) in states.into_iter().flat_map(|m| m.iter()) {
            let jsonata = s.get("QueryLanguage").and_then(Value::as_str).map_or(default_jsonata, |q| q == "JSONata");
            let ty = s.get("Type").and_then(Value::as_str).unwrap_or_default();
            let n = self.nodes.len();
            self.index.entry((id, name.as_str())).or_insert(n);
            self.nodes.push(Node {
                name: name.as_str(),
                s,
                ty,
                machine: id,
                jsonata,
                children: Vec::new(),
                preds: Vec::new(),
            });
            if s.get("End").and_then(Value::as_bool) == Some(true) || ty == "Succeed" {
                self.machines[id].ends.push(n);
            }
            for key in ["Assign"] {
                if let Some(a) = s.get(key).and_then(Value::as_object) {
                    for k in a.keys() {
                        let name = k.as_str().strip_suffix(".$").unwrap_or(k.as_str()).to_string();
                        if !self.vars.contains(&name) {
                            self.vars.push(name);
                        }
                    }
                }
            }
            for r in s.get("Choices").and_then(Value::as_array).map(|a| a.as_slice()).unwrap_or_default() {
                if let Some(a) = r.get("Assign").and_then(Value::as_object) {
                    for k in a.keys() {
                        let name = k.as_str().strip_suffix(".$").unwrap_or(k.as_str()).to_string();
                        if !self.vars.contains(&name) {
                            self.vars.push(name);
                        }
                    }
                }
            }
        }
        let last = self.nodes.len();
        self.machines[id].nodes = (first, last);
        let start = m.get("StartAt").and_then(Value::as_str);
        self.machines[id].start = start.and_then(|s| self.find(id, s));
        if depth < MAX_DEPTH {
            for n in first..last {
                let s = self.nodes[n].s;
                match self.nodes[n].ty {
                    "Map" => {
                        if let Some(p) = s.get("ItemProcessor").or_else(|| s.get("Iterator")) {
                            let c = self.machine(p, Parent::Map(n), self.nodes[n].jsonata, depth + 1);
                            self.nodes[n].children.push(c);
                        }
                    }
                    "Parallel" => {
                        for b in s.get("Branches").and_then(Value::as_array).map(|a| a.as_slice()).unwrap_or_default() {
                            let c = self.machine(b, Parent::Branch(n), self.nodes[n].jsonata, depth + 1);
                            self.nodes[n].children.push(c);
                        }
                    }
                    _ => {}
                }
            }
        }
        id
    }

    fn document_order(&self, m: usize, out: &mut Vec<usize>) {
        let (first, last) = self.machines[m].nodes;
        for n in first..last {
            out.push(n);
            for &c in &self.nodes[n].children {
                self.document_order(c, out);
            }
        }
    }

    /// The node named `name` in machine `m`.
    fn find(&self, m: usize, name: &str) -> Option<usize> {
        self.index.get(&(m, name)).copied()
    }

    /// Every state's predecessors.
    fn link(&mut self) {
        let mut edges: Vec<(usize, usize, Edge)> = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            let to = |name: Option<&str>| name.and_then(|x| self.find(n.machine, x));
            if let Some(t) = to(n.s.get("Next").and_then(Value::as_str)) {
                edges.push((t, i, Edge::Next(None)));
            }
            if let Some(t) = to(n.s.get("Default").and_then(Value::as_str)) {
                edges.push((t, i, Edge::Next(None)));
            }
            for (k, r) in
                n.s.get("Choices")
                    .and_then(Value::as_array)
                    .map(|a| a.as_slice())
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
            {
                if let Some(t) = to(r.get("Next").and_then(Value::as_str)) {
                    edges.push((t, i, Edge::Next(Some(k))));
                }
            }
        }
        for (to, from, e) in edges {
            self.nodes[to].preds.push((from, e));
        }
    }
}

struct Flow<'g, 'a> {
    g: &'g Graph<'a>,
    todo: Vec<(Point, Read)>,
    seen: HashSet<String>,
    out: Sources,
    work: usize,
}

/// A path field's steps (`$.a.b`), `None` for `null` (nothing) or a path that is not plain,
/// `Some(empty)` for absent.
fn path_field(s: &Value, key: &str) -> Option<Vec<Step>> {
    match s.get(key) {
        None => Some(Vec::new()),
        // A path that is not plain (`$..x`) selects what no read can be followed through.
        Some(Value::String(p)) => jsonpath_value(p).into_iter().find(|(r, _)| *r == Root::Dollar).map(|(_, s)| s),
        Some(_) => None,
    }
}

fn join(a: &[Step], b: &[Step]) -> Vec<Step> {
    let mut v = a.to_vec();
    v.extend_from_slice(b);
    v
}

impl Flow<'_, '_> {
    fn push(&mut self, p: Point, r: Read) {
        if self.work >= MAX_WORK || r.steps.len() > MAX_STEPS {
            return;
        }
        let key = format!("{p:?}|{:?}|{:?}|{:?}|{}|{}|{:?}", r.steps, r.want, r.kind, r.absent, r.rank, r.tag);
        if self.seen.insert(key) {
            self.work += 1;
            self.todo.push((p, r));
        }
    }

    fn with(r: &Read, steps: Vec<Step>) -> Read {
        Read { steps, want: r.want.clone(), kind: r.kind, absent: r.absent, rank: r.rank, tag: r.tag }
    }

    fn run(&mut self) {
        while let Some((p, r)) = self.todo.pop() {
            self.step(p, r);
        }
    }

    /// The context of a state's templates: `$` is `dollar`.
    fn ctx(&self, n: usize, dollar: Option<Point>) -> Ctx {
        let node = &self.g.nodes[n];
        let item = if node.ty == "Map" { Some(n) } else { None };
        Ctx { dollar, input: Point::Input(n), result: Point::Raw(n), item, jsonata: node.jsonata }
    }

    /// What `$` is in a JSONPath state's `Assign`: the result, or the effective input.
    fn assign_dollar(&self, n: usize) -> Point {
        let node = &self.g.nodes[n];
        match node.ty {
            "Task" | "Map" | "Parallel" => Point::Result(n),
            "Pass" if node.s.get("Result").is_some() || node.s.get("Parameters").is_some() => Point::Result(n),
            _ => Point::Effective(n),
        }
    }

    fn step(&mut self, p: Point, r: Read) {
        let g = self.g;
        match p {
            Point::Exec => {
                if let Some(t) = r.tag {
                    self.out.tagged[t].get_or_insert((None, r.steps.clone()));
                }
                self.out.input.push(r)
            }
            Point::Input(n) => {
                let node = &g.nodes[n];
                if g.machines[node.machine].start == Some(n) {
                    self.push(Point::Machine(node.machine), r.clone());
                }
                for (from, e) in &node.preds {
                    match e {
                        Edge::Next(rule) => self.push(Point::Output(*from, *rule), r.clone()),
                    }
                }
            }
            Point::Machine(m) => match g.machines[m].parent {
                Parent::Top => self.push(Point::Exec, r),
                Parent::Map(map) => self.push(Point::Item(map), r),
                Parent::Branch(par) => self.push(Point::Effective(par), r),
            },
            Point::Item(map) => {
                let node = &g.nodes[map];
                let Some(batcher) = node.s.get("ItemBatcher") else {
                    self.push(Point::Selected(map), r);
                    return;
                };
                // A batch: `{"Items": [...], "BatchInput": ...}`.
                match r.steps.split_first() {
                    Some((Step::Key(k), rest)) if k == "Items" => {
                        // JSONata maps a path over the array: `Items.id` reads each item's.
                        let rest = match rest.first() {
                            Some(Step::Each | Step::Index(_)) => &rest[1..],
                            // The batch's list as a whole: the Map makes it.
                            None => return,
                            _ => rest,
                        };
                        self.push(Point::Selected(map), Self::with(&r, rest.to_vec()));
                    }
                    Some((Step::Key(k), rest)) if k == "BatchInput" => {
                        if let Some(t) = batcher.get("BatchInput") {
                            let ctx = self.ctx(map, Some(Point::Effective(map)));
                            self.through(t, &Self::with(&r, rest.to_vec()), ctx);
                        }
                    }
                    _ => {}
                }
            }
            Point::Selected(map) => {
                let node = &g.nodes[map];
                let selector =
                    node.s.get("ItemSelector").or_else(|| if node.jsonata { None } else { node.s.get("Parameters") });
                match selector {
                    Some(t) => {
                        let ctx = self.ctx(map, Some(Point::Effective(map)));
                        self.through(t, &r, ctx);
                    }
                    None => self.push(Point::ItemValue(map), r),
                }
            }
            Point::ItemValue(map) => {
                let node = &g.nodes[map];
                if node.s.get("ItemReader").is_some() {
                    self.out.reader_items.push((node.name.to_string(), r));
                } else if node.jsonata {
                    match node.s.get("Items") {
                        None => self.push(Point::Input(map), Self::with(&r, join(&[Step::Each], &r.steps))),
                        Some(Value::String(t)) => {
                            for (root, steps) in jsonata_value(t, &g.vars) {
                                let ctx = self.ctx(map, None);
                                let steps = join(&join(&steps, &[Step::Each]), &r.steps);
                                self.resolve(&root, Self::with(&r, steps), ctx);
                            }
                        }
                        _ => {}
                    }
                } else if let Some(items) = path_field(node.s, "ItemsPath") {
                    let steps = join(&join(&items, &[Step::Each]), &r.steps);
                    self.push(Point::Effective(map), Self::with(&r, steps));
                }
            }
            Point::Effective(n) => {
                let node = &g.nodes[n];
                if node.jsonata {
                    self.push(Point::Input(n), r);
                } else if let Some(ip) = path_field(node.s, "InputPath") {
                    self.push(Point::Input(n), Self::with(&r, join(&ip, &r.steps)));
                }
            }
            Point::Output(n, rule) => {
                let node = &g.nodes[n];
                if node.ty == "Fail" {
                    return;
                }
                if node.jsonata {
                    let rule_output = rule.and_then(|k| node.s.get("Choices")?.as_array()?.get(k)?.get("Output"));
                    match rule_output.or_else(|| node.s.get("Output")) {
                        Some(t) => {
                            let ctx = self.ctx(n, None);
                            self.through(t, &r, ctx);
                        }
                        None if matches!(node.ty, "Task" | "Map" | "Parallel") => self.push(Point::Raw(n), r),
                        None => self.push(Point::Input(n), r),
                    }
                    return;
                }
                let Some(op) = path_field(node.s, "OutputPath") else { return };
                let r = Self::with(&r, join(&op, &r.steps));
                if matches!(node.ty, "Choice" | "Wait" | "Succeed") {
                    self.push(Point::Effective(n), r);
                } else {
                    self.push(Point::AfterResult(n), r);
                }
            }
            Point::AfterResult(n) => {
                let node = &g.nodes[n];
                match node.s.get("ResultPath") {
                    None => self.push(Point::Result(n), r),
                    Some(Value::Null) => self.push(Point::Input(n), r),
                    Some(Value::String(_)) => {
                        let rp = path_field(node.s, "ResultPath").unwrap_or_default();
                        if r.steps.starts_with(&rp) {
                            self.push(Point::Result(n), Self::with(&r, r.steps[rp.len()..].to_vec()));
                        } else {
                            self.push(Point::Input(n), r);
                        }
                    }
                    Some(_) => {}
                }
            }
            Point::Result(n) => {
                let node = &g.nodes[n];
                match node.ty {
                    "Task" | "Map" | "Parallel" => match node.s.get("ResultSelector") {
                        Some(t) if !node.jsonata => {
                            let ctx = self.ctx(n, Some(Point::Raw(n)));
                            self.through(t, &r, ctx);
                        }
                        _ => self.push(Point::Raw(n), r),
                    },
                    "Pass" if node.s.get("Result").is_some() => {}
                    "Pass" => match node.s.get("Parameters") {
                        Some(t) => {
                            let ctx = self.ctx(n, Some(Point::Effective(n)));
                            self.through(t, &r, ctx);
                        }
                        None => self.push(Point::Effective(n), r),
                    },
                    _ => {}
                }
            }
            Point::Raw(n) => {
                let node = &g.nodes[n];
                match node.ty {
                    "Task" => {
                        if let Some(t) = r.tag {
                            self.out.tagged[t].get_or_insert((Some(node.name.to_string()), r.steps.clone()));
                        }
                        self.out.results.push((node.name.to_string(), r))
                    }
                    "Map" | "Parallel" => {
                        let Some((first, rest)) = r.steps.split_first() else { return };
                        let machines: Vec<usize> = match (node.ty, first) {
                            ("Map", Step::Each | Step::Index(_)) => node.children.clone(),
                            ("Parallel", Step::Index(i)) => node.children.get(*i).into_iter().copied().collect(),
                            ("Parallel", Step::Each) => node.children.clone(),
                            _ => Vec::new(),
                        };
                        for m in machines {
                            for e in g.machines[m].ends.clone() {
                                self.push(Point::Output(e, None), Self::with(&r, rest.to_vec()));
                            }
                        }
                    }
                    _ => {}
                }
            }
            Point::Var(v) => {
                let name = g.vars[v].clone();
                for n in 0..g.nodes.len() {
                    let node = &g.nodes[n];
                    let mut blocks: Vec<&Value> = node.s.get("Assign").into_iter().collect();
                    for rule in
                        node.s.get("Choices").and_then(Value::as_array).map(|a| a.as_slice()).unwrap_or_default()
                    {
                        blocks.extend(rule.get("Assign"));
                    }
                    for a in blocks {
                        if node.jsonata {
                            if let Some(t) = a.get(name.as_str()) {
                                let ctx = self.ctx(n, None);
                                self.through(t, &r, ctx);
                            }
                        } else {
                            let dollar = self.assign_dollar(n);
                            let ctx = self.ctx(n, Some(dollar));
                            if let Some(Value::String(t)) = a.get(format!("{name}.$").as_str()) {
                                for (root, steps) in jsonpath_value(t) {
                                    self.resolve(&root, Self::with(&r, join(&steps, &r.steps)), ctx);
                                }
                            } else if let Some(t) = a.get(name.as_str()) {
                                self.through(t, &r, ctx);
                            }
                        }
                    }
                }
            }
        }
    }

    /// A read of a value a template makes (`r.steps` into the template).
    fn through(&mut self, t: &Value, r: &Read, ctx: Ctx) {
        let mut t = t;
        let mut i = 0;
        loop {
            match t {
                Value::Object(m) => {
                    let Some(Step::Key(k)) = r.steps.get(i) else { return };
                    if let Some(x) = m.get(k.as_str()) {
                        t = x;
                        i += 1;
                        continue;
                    }
                    if !ctx.jsonata {
                        if let Some(Value::String(s)) = m.get(format!("{k}.$").as_str()) {
                            for (root, steps) in jsonpath_value(s) {
                                self.resolve(&root, Self::with(r, join(&steps, &r.steps[i + 1..])), ctx);
                            }
                        }
                    }
                    return;
                }
                Value::Array(a) => match r.steps.get(i) {
                    Some(Step::Index(j)) if *j < a.len() => {
                        t = &a[*j];
                        i += 1;
                    }
                    _ => return,
                },
                Value::String(s) if ctx.jsonata => {
                    for (root, steps) in jsonata_value(s, &self.g.vars) {
                        self.resolve(&root, Self::with(r, join(&steps, &r.steps[i..])), ctx);
                    }
                    return;
                }
                _ => return,
            }
        }
    }

    /// Send a read to where its root is, in a template's context.
    fn resolve(&mut self, root: &Root, r: Read, ctx: Ctx) {
        let to = match root {
            Root::Dollar => ctx.dollar,
            Root::ExecInput => Some(Point::Exec),
            Root::ItemValue => ctx.item.map(Point::ItemValue),
            Root::Var(name) => self.g.vars.iter().position(|v| v == name).map(Point::Var),
            Root::Input => Some(ctx.input),
            Root::Result => Some(ctx.result),
        };
        if let Some(p) = to {
            self.push(p, r);
        }
    }

    fn refs(&mut self, refs: Vec<Ref>, ctx: Ctx, want: &Option<Value>, absent: bool, rank: u8) {
        let single = refs.len() == 1;
        for x in refs {
            let want = if single { want.clone() } else { None };
            self.resolve(
                &x.root,
                Read { steps: x.steps, want, kind: x.kind, absent: absent && single, rank, tag: None },
                ctx,
            );
        }
    }

    /// Every read in a template (its `.$` fields, or JSONata texts).
    fn template_uses(&mut self, t: &Value, ctx: Ctx, depth: usize) {
        if depth > 64 {
            return;
        }
        match t {
            Value::Object(m) => {
                for (k, v) in m.iter() {
                    match v {
                        Value::String(s) if !ctx.jsonata && k.as_str().ends_with(".$") => {
                            self.refs(jsonpath_refs(s, Kind::Any), ctx, &None, false, 0);
                        }
                        _ => self.template_uses(v, ctx, depth + 1),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| self.template_uses(x, ctx, depth + 1)),
            Value::String(s) if ctx.jsonata => {
                let refs = jsonata_refs(s, &self.g.vars, Kind::Any);
                self.refs(refs, ctx, &None, false, 0);
            }
            _ => {}
        }
    }

    /// The reads a state makes itself; `choose` is the way a Choice is to take.
    fn uses(&mut self, n: usize, choose: usize) {
        let node = &self.g.nodes[n];
        let s = node.s;
        let Some(fields) = s.as_object() else { return };
        if node.jsonata {
            let ctx = self.ctx(n, None);
            for (k, v) in fields.iter() {
                let kind = match k.as_str() {
                    "Seconds"
                    | "TimeoutSeconds"
                    | "HeartbeatSeconds"
                    | "MaxConcurrency"
                    | "ToleratedFailureCount"
                    | "ToleratedFailurePercentage" => Kind::Number,
                    "Timestamp" => Kind::Timestamp,
                    "Items" => Kind::Items,
                    "Branches" | "ItemProcessor" | "Iterator" | "Catch" | "Choices" | "Retry" => continue,
                    _ => Kind::Any,
                };
                match v {
                    Value::String(t) => {
                        let refs = jsonata_refs(t, &self.g.vars, kind);
                        self.refs(refs, ctx, &None, false, 0);
                    }
                    _ => self.template_uses(v, ctx, 0),
                }
            }
            if node.ty == "Map" && s.get("Items").is_none() && s.get("ItemReader").is_none() {
                self.push(
                    Point::Input(n),
                    Read { steps: Vec::new(), want: None, kind: Kind::Items, absent: false, rank: 0, tag: None },
                );
            }
        } else {
            let eff = self.ctx(n, Some(Point::Effective(n)));
            for (k, v) in fields.iter() {
                let k = k.as_str();
                match (k, v) {
                    ("Parameters" | "ItemSelector" | "Credentials" | "ItemReader" | "ItemBatcher" | "Arguments", _) => {
                        self.template_uses(v, eff, 0)
                    }
                    ("ResultSelector", _) => {
                        let ctx = self.ctx(n, Some(Point::Raw(n)));
                        self.template_uses(v, ctx, 0);
                    }
                    ("Assign", _) => {
                        let ctx = self.ctx(n, Some(self.assign_dollar(n)));
                        self.template_uses(v, ctx, 0);
                    }
                    ("InputPath", Value::String(p)) => {
                        let ctx = self.ctx(n, Some(Point::Input(n)));
                        self.refs(jsonpath_refs(p, Kind::Any), ctx, &None, false, 0);
                    }
                    ("OutputPath", Value::String(p)) => {
                        let at = if matches!(node.ty, "Choice" | "Wait" | "Succeed") {
                            Point::Effective(n)
                        } else {
                            Point::AfterResult(n)
                        };
                        let ctx = self.ctx(n, Some(at));
                        self.refs(jsonpath_refs(p, Kind::Any), ctx, &None, false, 0);
                    }
                    // (With an ItemReader, the items come from it.)
                    ("ItemsPath", Value::String(p)) if s.get("ItemReader").is_none() => {
                        self.refs(jsonpath_refs(p, Kind::Items), eff, &None, false, 0)
                    }
                    (
                        "SecondsPath"
                        | "TimeoutSecondsPath"
                        | "HeartbeatSecondsPath"
                        | "MaxConcurrencyPath"
                        | "ToleratedFailureCountPath"
                        | "ToleratedFailurePercentagePath",
                        Value::String(p),
                    ) => self.refs(jsonpath_refs(p, Kind::Number), eff, &None, false, 0),
                    ("TimestampPath", Value::String(p)) => {
                        self.refs(jsonpath_refs(p, Kind::Timestamp), eff, &None, false, 0)
                    }
                    ("ErrorPath" | "CausePath", Value::String(p)) => {
                        self.refs(jsonpath_refs(p, Kind::String), eff, &None, false, 0)
                    }
                    _ => {}
                }
            }
            // `ResultPath: $.a.b` puts the result into `$.a`: an object.
            if let Some(rp) = path_field(s, "ResultPath").filter(|p| !p.is_empty()) {
                if s.get("ResultPath").is_some() && node.ty != "Choice" {
                    let parent = rp[..rp.len() - 1].to_vec();
                    self.push(
                        Point::Input(n),
                        Read { steps: parent, want: None, kind: Kind::Object, absent: false, rank: 0, tag: None },
                    );
                }
            }
            for c in s.get("Catch").and_then(Value::as_array).map(|a| a.as_slice()).unwrap_or_default() {
                if let Some(rp) = path_field(c, "ResultPath").filter(|p| !p.is_empty()) {
                    if c.get("ResultPath").is_some() {
                        let parent = rp[..rp.len() - 1].to_vec();
                        self.push(
                            Point::Input(n),
                            Read { steps: parent, want: None, kind: Kind::Object, absent: false, rank: 0, tag: None },
                        );
                    }
                }
            }
            if node.ty == "Map" && s.get("ItemsPath").is_none() && s.get("ItemReader").is_none() {
                self.push(
                    Point::Effective(n),
                    Read { steps: Vec::new(), want: None, kind: Kind::Items, absent: false, rank: 0, tag: None },
                );
            }
        }
        // An ItemReader's bucket, key and prefix, a ResultWriter's bucket: their values are
        // wanted once built.
        for (what, reader) in ["ItemReader", "ResultWriter"].into_iter().filter_map(|k| Some((k, s.get(k)?))) {
            let args = if node.jsonata { reader.get("Arguments") } else { reader.get("Parameters") };
            let mut tags = Vec::new();
            for field in ["Bucket", "Key", "Prefix"] {
                let text = match (node.jsonata, args) {
                    (false, Some(a)) => a.get(format!("{field}.$").as_str()).and_then(Value::as_str),
                    (true, Some(a)) => a.get(field).and_then(Value::as_str),
                    _ => None,
                };
                let Some(text) = text else { continue };
                let value = if node.jsonata { jsonata_value(text, &self.g.vars) } else { jsonpath_value(text) };
                let Some((root, steps)) = value.into_iter().next() else { continue };
                let tag = self.out.tagged.len();
                self.out.tagged.push(None);
                tags.push((field, tag));
                let ctx = if node.jsonata { self.ctx(n, None) } else { self.ctx(n, Some(Point::Effective(n))) };
                let kind = if field == "Bucket" { Kind::Bucket } else { Kind::String };
                let read = Read { steps, want: None, kind, absent: false, rank: 0, tag: Some(tag) };
                self.resolve(&root, read, ctx);
            }
            self.out.readers.push((node.name.to_string(), what, reader.clone(), tags));
        }
        // Every Map iteration reads its item as a whole at least: the items exist.
        if node.ty == "Map" && s.get("ItemReader").is_none() {
            self.push(
                Point::ItemValue(n),
                Read { steps: Vec::new(), want: None, kind: Kind::Any, absent: false, rank: 0, tag: None },
            );
        }
        if let Some(rules) = s.get("Choices").and_then(Value::as_array) {
            let ctx = self.ctx(n, Some(Point::Effective(n)));
            for (i, rule) in rules.iter().enumerate() {
                let mode = match i.cmp(&choose) {
                    std::cmp::Ordering::Less => Some(false),
                    std::cmp::Ordering::Equal => Some(true),
                    std::cmp::Ordering::Greater => None,
                };
                let mut texts = Vec::new();
                choice_rule(rule, &mut texts, mode);
                for (text, want, absent, positive) in texts {
                    let rank = match (i == choose, positive) {
                        (true, _) => 3,
                        (false, true) => 2,
                        (false, false) => 1,
                    };
                    if node.jsonata {
                        let refs = jsonata_refs(&text, &self.g.vars, Kind::Any);
                        self.refs(refs, ctx, &want, absent, rank);
                    } else if is_jsonpath_expr(&text) {
                        self.refs(jsonpath_refs(&text, Kind::Any), ctx, &want, absent, rank);
                    }
                }
                for key in ["Output", "Assign"] {
                    if let Some(v) = rule.get(key) {
                        self.template_uses(v, ctx, 0);
                    }
                }
            }
        }
    }
}

/// A Choice rule's variables (or JSONata condition), with the values that make the rule
/// match (`Some(true)`), fail (`Some(false)`), or nothing asked of them (`None`).
fn choice_rule(rule: &Value, out: &mut Vec<(String, Option<Value>, bool, bool)>, mode: Option<bool>) {
    if let Some(c) = rule.get("Condition").and_then(Value::as_str) {
        // JSONata: `$states.input.x = 'DONE'` gives 'DONE' to x (another value to fail).
        let want = mode.and_then(|m| jsonata_comparison(c).map(|v| if m { v } else { other(&v) }));
        out.push((c.to_string(), want, false, mode.unwrap_or(false)));
    }
    if let Some(rules) = rule.get("And").and_then(Value::as_array) {
        // All match; to fail, the first fails.
        let start = out.len();
        for (i, r) in rules.iter().enumerate() {
            choice_rule(r, out, mode.map(|m| m || i > 0).filter(|m| *m || i == 0));
        }
        if mode == Some(true) {
            between(rules, &mut out[start..]);
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
                    out.push((p.to_string(), None, false, false));
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
            ("IsTimestamp", Value::Bool(b)) if *b == matching => Some(Value::from("2024-06-01T12:00:00Z")),
            _ => None,
        };
    }
    out.push((var.to_string(), want, absent, mode.unwrap_or(false)));
}

/// In an `And` that is to match, a variable compared with bounds on both sides gets a value
/// between them (one comparison alone steps 1 past its bound, which may leave the other's
/// range: `> 3.141` and `< 3.142`), the shortest number that fits.
fn between(rules: &[Value], out: &mut [(String, Option<Value>, bool, bool)]) {
    let mut bounds: Vec<(&str, f64, f64)> = Vec::new();
    for r in rules {
        let (Some(var), Some(m)) = (r.get("Variable").and_then(Value::as_str), r.as_object()) else { continue };
        for (k, v) in m.iter() {
            let (Some(n), true) = (v.as_f64(), k.starts_with("Numeric")) else { continue };
            let i = bounds.iter().position(|b| b.0 == var).unwrap_or_else(|| {
                bounds.push((var, f64::NEG_INFINITY, f64::INFINITY));
                bounds.len() - 1
            });
            let b = &mut bounds[i];
            if k.contains("GreaterThan") {
                b.1 = b.1.max(n);
            } else if k.contains("LessThan") {
                b.2 = b.2.min(n);
            } else if k.as_str() == "NumericEquals" {
                (b.1, b.2) = (n, n);
            }
        }
    }
    for (var, lo, hi) in bounds {
        if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
            continue;
        }
        // The shortest number above `lo` and below `hi`: 4, else 3.2, else 3.15, ...
        let shortest = (0..12).find_map(|d| {
            let scale = 10f64.powi(d);
            let c = ((lo * scale).floor() + 1.0) / scale;
            (c < hi).then_some(c)
        });
        let n = if lo == hi { lo } else { shortest.unwrap_or((lo + hi) / 2.0) };
        for e in out.iter_mut().filter(|e| e.0 == var && e.1.as_ref().is_some_and(Value::is_number)) {
            e.1 = Some(number(n));
        }
    }
}

/// A whole number as an integer.
pub fn number(n: f64) -> Value {
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
