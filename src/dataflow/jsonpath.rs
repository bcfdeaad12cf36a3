//! JSONPath as AWS Step Functions evaluates it (Jayway JsonPath semantics).
//!
//! A [`Path`] is parsed once and evaluated many times. Definite paths (no wildcard, slice,
//! filter, union of indexes, descendant) select one value; indefinite paths select a list.
//! [`Path::evaluate`] reproduces Jayway's `PathNotFoundException` texts, which AWS embeds in
//! causes such as `Invalid path '$.x' : No results for path: $['x']`.

use crate::dataflow::runtime_errors::{failure, Args, Fault, Field};
use crate::error::Failure;
use crate::value::{Map, Value};

/// A parsed JSONPath (always starting at `$`).
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    text: String,
    segs: Vec<Seg>,
}

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    /// `.name`, `['name']`, `[0]`, `[*]`, `[1:2]`, `[?()]`, unions.
    Child(Sel),
    /// `..` followed by a selector.
    Descendant(Sel),
    /// A trailing function such as `.length()`.
    Function(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Sel {
    /// Property names and the quote they were written with (`'` for dot notation).
    Names(Vec<String>, char),
    Indexes(Vec<i64>),
    Wildcard,
    Slice(Option<i64>, Option<i64>),
    Filter(Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    /// `a || b || ...` and `a && b && ...`, flat: a long chain needs no nesting.
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    Cmp(Operand, CmpOp, Operand),
    Exists(Operand),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Nin,
    SubsetOf,
    AnyOf,
    NoneOf,
    Size,
    Empty,
    /// `=~ /pattern/flags`: the value's text matches the whole pattern.
    Regex,
}

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    /// `@...` (relative) or `$...` (root) path.
    Path {
        relative: bool,
        path: Path,
    },
    Literal(Value),
    /// A `/pattern/flags` literal: the pattern made to match a whole text, and its flags.
    Pattern(String, String),
}

impl Path {
    /// Parses a JSONPath starting with `$`.
    pub fn parse(text: &str) -> Result<Path, String> {
        Path::parse_in(text, text, 0)
    }

    /// As [`Path::parse`], `text` standing for `shown` from its byte `shift` on (a `$$` or a
    /// variable's reference, read as a path from `$`): messages show `shown` and positions in it.
    fn parse_in(text: &str, shown: &str, shift: usize) -> Result<Path, String> {
        let mut p = Parser { s: text.as_bytes(), i: 0, text: shown, shift, depth: 0 };
        let path = p.path(false)?;
        // Spaces after the path are ignored (AWS accepted a deployed `Variable` ending in one).
        p.ws();
        if p.i != p.s.len() {
            return Err(p.err("unexpected character"));
        }
        Ok(path)
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True when the path selects at most one value (no wildcard, slice, filter, index
    /// union or descendant scan).
    pub fn is_definite(&self) -> bool {
        let n = self.segs.len();
        self.segs.iter().enumerate().all(|(i, s)| match s {
            Seg::Child(Sel::Names(v, _)) => v.len() == 1 || i + 1 == n,
            Seg::Child(Sel::Indexes(v)) => v.len() == 1,
            Seg::Function(_) => true,
            _ => false,
        })
    }

    /// True when the path is a *reference path* as AWS defines it: object fields by dot or
    /// bracket notation and single array indexes only (no `@ .. , : ? *`, no functions).
    /// ResultPath, ItemsPath and Choice `Variable` must be reference paths.
    pub fn is_reference_path(&self) -> bool {
        self.segs.iter().all(|s| match s {
            Seg::Child(Sel::Names(v, _)) => v.len() == 1,
            Seg::Child(Sel::Indexes(v)) => v.len() == 1,
            _ => false,
        })
    }

    /// True for the bare root path `$`.
    pub fn is_root(&self) -> bool {
        self.segs.is_empty()
    }

    /// The path in Jayway's bracket notation, e.g. `$['a'][0]`.
    pub fn bracket_notation(&self) -> String {
        format!("${}", segs_text(&self.segs))
    }
}

fn segs_text(segs: &[Seg]) -> String {
    {
        let mut out = String::new();
        for s in segs {
            match s {
                Seg::Child(sel) => out.push_str(&sel_text(sel)),
                Seg::Descendant(sel) => {
                    out.push_str("..");
                    out.push_str(&sel_text(sel));
                }
                Seg::Function(f) => {
                    out.push('.');
                    out.push_str(f);
                    out.push_str("()");
                }
            }
        }
        out
    }
}

impl Path {
    /// Lenient selection: a definite path gives the value or `None` when it is missing; an
    /// indefinite path gives `Some(Array)` of its matches (possibly empty).
    pub fn select(&self, root: &Value) -> Option<Value> {
        match self.lookup(root) {
            Some(v) => Some(v.clone()),
            None => self.evaluate(root).ok(),
        }
    }

    /// Selection with Jayway's failure texts (`No results for path: $['a']`,
    /// `Missing property in path $['a']`, ...). Indefinite paths never fail.
    ///
    /// A path ending in a function (`$.a.length()`, `$.a.sum()`) selects nothing: AWS accepts
    /// it in a definition but fails the field at run time as a path not found (an AWS user's
    /// report of `$.Jobs.sum()` in Parameters: "The JSONPath '$.Jobs.sum()' specified for the
    /// field 'Jobs.$' could not be found in the input"; the guide says functions are not
    /// supported). Inside a filter (`[?(@.length() > 1)]`) functions are Jayway's: inferred,
    /// no recording.
    pub fn evaluate(&self, root: &Value) -> Result<Value, String> {
        self.evaluate_with(root, false)
    }

    /// [`Path::evaluate`], with Jayway's functions when `functions` (a filter's operand).
    fn evaluate_with(&self, root: &Value, functions: bool) -> Result<Value, String> {
        if let Some(v) = self.lookup(root) {
            return Ok(v.clone());
        }
        let definite = self.is_definite();
        let mut ctx = Eval { root, definite, functions, results: Vec::new() };
        ctx.walk(&self.segs, 0, root, "$".to_string())?;
        // A function ending the path selected nothing, a list of values included.
        if definite || (!functions && matches!(self.segs.last(), Some(Seg::Function(_)))) {
            match ctx.results.pop() {
                Some(v) => Ok(v),
                None => Err(format!("No results for path: {}", self.bracket_notation())),
            }
        } else {
            Ok(Value::Array(ctx.results.into()))
        }
    }

    /// The failure of InputPath, OutputPath or a `...Path` field (`field`: [`Field::Path`]) or
    /// of ResultPath ([`Field::ResultPath`]) with Jayway's `message`: `Invalid path '<path>' :
    /// <message>`.
    pub fn invalid_path(&self, field: Field, message: &str) -> Failure {
        failure(field, Fault::Missing, &Args { path: &self.text, detail: message, ..Args::default() })
    }

    /// Like [`Path::evaluate`] but failing with `States.Runtime` and the `Invalid path` cause.
    pub fn evaluate_or_fail(&self, root: &Value) -> Result<Value, Failure> {
        self.evaluate(root).map_err(|m| self.invalid_path(Field::Path, &m))
    }
}

impl Path {
    /// The value a path of single names and single indexes finds, walked directly: the
    /// general walk below also builds each step's path text, which only its error messages
    /// use. `None` when there is nothing there or the path has other selectors: the general
    /// walk then gives the answer, or the error.
    fn lookup<'v>(&self, root: &'v Value) -> Option<&'v Value> {
        let mut node = root;
        for s in &self.segs {
            node = match (s, node) {
                // A few keys are found sooner by comparing them than by hashing the name.
                (Seg::Child(Sel::Names(n, _)), Value::Object(m)) if n.len() == 1 && m.len() <= 8 => {
                    m.iter().find(|(k, _)| k.as_str() == n[0])?.1
                }
                (Seg::Child(Sel::Names(n, _)), Value::Object(m)) if n.len() == 1 => m.get(&n[0])?,
                (Seg::Child(Sel::Indexes(ix)), Value::Array(a)) if ix.len() == 1 => {
                    let i = if ix[0] < 0 { a.len() as i64 + ix[0] } else { ix[0] };
                    a.get(usize::try_from(i).ok()?)?
                }
                _ => return None,
            };
        }
        Some(node)
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

fn quote_name(n: &str) -> String {
    format!("'{}'", n)
}

fn sel_text(sel: &Sel) -> String {
    match sel {
        Sel::Names(v, q) => format!(
            "[{}]",
            v.iter()
                .map(|n| format!("{q}{}{q}", n.replace('\\', "\\\\").replace('\'', "\\'")))
                .collect::<Vec<_>>()
                .join(",")
        ),
        Sel::Indexes(v) => format!("[{}]", v.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",")),
        Sel::Wildcard => "[*]".to_string(),
        Sel::Slice(a, b) => format!(
            "[{}:{}]",
            a.map(|x| x.to_string()).unwrap_or_default(),
            b.map(|x| x.to_string()).unwrap_or_default()
        ),
        Sel::Filter(_) => "[?]".to_string(),
    }
}

/// Java's `toString` of a Jackson/Map value, as Jayway prints models in messages and
/// `States.Format` prints its arguments: strings bare, containers as `{k=v, ...}` and `[a, b]`.
pub fn java_text(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            format!("{{{}}}", m.iter().map(|(k, v)| format!("{}={}", k, java_text(v))).collect::<Vec<_>>().join(", "))
        }
        Value::Array(a) => format!("[{}]", a.iter().map(java_text).collect::<Vec<_>>().join(", ")),
        Value::String(s) => s.to_string(),
        other => other.to_string(),
    }
}

fn java_class(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "java.lang.String",
        Value::Bool(_) => "java.lang.Boolean",
        Value::Number(n) if n.is_f64() => "java.lang.Double",
        Value::Number(n) if n.as_i64().map(|x| x as i32 as i64 == x).unwrap_or(false) => "java.lang.Integer",
        Value::Number(_) => "java.lang.Long",
        Value::Array(_) => "java.util.ArrayList",
        Value::Object(_) => "java.util.LinkedHashMap",
        Value::Null => "null",
    }
}

struct Eval<'a> {
    root: &'a Value,
    definite: bool,
    /// Whether a function runs (in a filter) or selects nothing (see [`Path::evaluate`]).
    #[cfg_attr(not(feature = "extras"), allow(dead_code))]
    functions: bool,
    results: Vec<Value>,
}

impl<'a> Eval<'a> {
    fn walk(&mut self, segs: &[Seg], i: usize, node: &Value, cur: String) -> Result<(), String> {
        if i == segs.len() {
            self.results.push(node.clone());
            return Ok(());
        }
        let leaf = i + 1 == segs.len();
        match &segs[i] {
            Seg::Function(_name) => {
                // Full engine only: a definition with a function in a filter is flagged
                // (`take_extras_seen`).
                #[cfg(feature = "extras")]
                if self.functions {
                    crate::used_extras();
                    if let Some(v) = apply_function(_name, node) {
                        self.results.push(v);
                    }
                }
                Ok(())
            }
            Seg::Child(sel) => self.child(segs, i, sel, node, cur, leaf),
            Seg::Descendant(sel) => {
                let mut nodes = Vec::new();
                collect_nodes(node, &mut nodes);
                for n in nodes {
                    // Descendant scans never fail: they only pick matching nodes.
                    match sel {
                        Sel::Names(names, _) => {
                            if let Value::Object(m) = n {
                                if names.iter().all(|k| m.contains_key(k)) {
                                    self.child(segs, i, sel, n, cur.clone(), leaf).ok();
                                }
                            }
                        }
                        Sel::Indexes(_) | Sel::Slice(..) => {
                            if n.is_array() {
                                self.child(segs, i, sel, n, cur.clone(), leaf).ok();
                            }
                        }
                        _ => {
                            self.child(segs, i, sel, n, cur.clone(), leaf).ok();
                        }
                    }
                }
                Ok(())
            }
        }
    }

    fn child(
        &mut self,
        segs: &[Seg],
        i: usize,
        sel: &Sel,
        node: &Value,
        cur: String,
        leaf: bool,
    ) -> Result<(), String> {
        let upstream_definite = self.definite;
        match sel {
            Sel::Names(names, _) => {
                let m = match node {
                    Value::Object(m) => m,
                    other => {
                        if !upstream_definite {
                            return Ok(());
                        }
                        return Err(format!(
                            "Expected to find an object with property {} in path {} but found '{}'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JacksonJsonProvider'.",
                            sel_text(sel),
                            cur,
                            java_class(other)
                        ));
                    }
                };
                if names.len() > 1 && leaf {
                    // Jayway merges a multi-property leaf into one object.
                    let mut out = Map::new();
                    for k in names {
                        if let Some(v) = m.get(k) {
                            out.insert(k.as_str().into(), v.clone());
                        }
                    }
                    self.results.push(Value::Object(out));
                    return Ok(());
                }
                for k in names {
                    let path = format!("{}[{}]", cur, quote_name(k));
                    match m.get(k) {
                        Some(v) => self.walk(segs, i + 1, v, path)?,
                        None => {
                            if leaf || !upstream_definite {
                                continue;
                            }
                            return Err(format!("Missing property in path {}", path));
                        }
                    }
                }
                Ok(())
            }
            Sel::Indexes(idx) => {
                let a = match self.array_model(&segs[i..], node, &cur)? {
                    Some(a) => a,
                    None => return Ok(()),
                };
                for &ix in idx {
                    let eff = if ix < 0 { a.len() as i64 + ix } else { ix };
                    if eff >= 0 && (eff as usize) < a.len() {
                        self.walk(segs, i + 1, &a[eff as usize], format!("{}[{}]", cur, ix))?;
                    }
                }
                Ok(())
            }
            Sel::Slice(from, to) => {
                let a = match self.array_model(&segs[i..], node, &cur)? {
                    Some(a) => a,
                    None => return Ok(()),
                };
                // Jayway's three slice forms: [from:], [:to] (a negative bound counts from the
                // end) and [from:to] (`to` capped at the length, then each index from `from` on
                // read as a single index is: a negative one counts from the end, so `[-1:2]`
                // selects the last item, then the first two; one before the start selects
                // nothing). Inferred from Jayway's ArraySliceOperation, no recording.
                let len = a.len() as i64;
                let (start, end) = match (from, to) {
                    (Some(f), None) => (if *f < 0 { (len + f).max(0) } else { *f }, len),
                    (None, Some(t)) => (0, (if *t < 0 { len + t } else { *t }).min(len)),
                    (Some(f), Some(t)) => ((*f).max(-len), (*t).min(len)),
                    (None, None) => (0, len),
                };
                for k in start..end.max(start) {
                    let at = if k < 0 { len + k } else { k };
                    self.walk(segs, i + 1, &a[at as usize], format!("{}[{}]", cur, k))?;
                }
                Ok(())
            }
            Sel::Wildcard => {
                match node {
                    Value::Array(a) => {
                        for (k, v) in a.iter().enumerate() {
                            self.walk(segs, i + 1, v, format!("{}[{}]", cur, k))?;
                        }
                    }
                    Value::Object(m) => {
                        for (k, v) in m {
                            self.walk(segs, i + 1, v, format!("{}[{}]", cur, quote_name(k)))?;
                        }
                    }
                    _ => {}
                }
                Ok(())
            }
            Sel::Filter(e) => {
                match node {
                    Value::Array(a) => {
                        for (k, v) in a.iter().enumerate() {
                            if eval_filter(e, v, self.root) {
                                self.walk(segs, i + 1, v, format!("{}[{}]", cur, k))?;
                            }
                        }
                    }
                    Value::Object(_) if eval_filter(e, node, self.root) => {
                        self.walk(segs, i + 1, node, cur)?;
                    }
                    _ => {}
                }
                Ok(())
            }
        }
    }

    /// Jayway's array-model check; `tail` is this token and the rest of the path, which
    /// Jayway prints in the message.
    fn array_model<'v>(&self, tail: &[Seg], node: &'v Value, cur: &str) -> Result<Option<&'v Vec<Value>>, String> {
        match node {
            Value::Array(a) => Ok(Some(a)),
            Value::Null if self.definite => Err(format!("The path {} is null", cur)),
            other if self.definite => Err(format!(
                "Filter: {} can only be applied to arrays. Current context is: {}",
                segs_text(tail),
                java_text(other)
            )),
            _ => Ok(None),
        }
    }
}

/// `v` and everything in it, in document order (a node before its children); a loop, so
/// that no nesting of the value reaches the call stack.
fn collect_nodes<'v>(v: &'v Value, out: &mut Vec<&'v Value>) {
    let mut todo = vec![v];
    while let Some(v) = todo.pop() {
        out.push(v);
        match v {
            Value::Array(a) => todo.extend(a.iter().rev()),
            Value::Object(m) => todo.extend(m.values().rev()),
            _ => {}
        }
    }
}

/// Jayway's path functions, in a filter (inferred from Jayway, no recording): `length()` of an
/// array or an object (of anything else nothing: Jayway's Length gives null for a string),
/// `keys()` of an object, the aggregations over an array's numbers as doubles (`stddev()`
/// the population's), `first()` and `last()`. Any other name selects nothing.
#[cfg(feature = "extras")]
fn apply_function(name: &str, v: &Value) -> Option<Value> {
    match name {
        "length" => match v {
            Value::Array(a) => Some(Value::from(a.len())),
            Value::Object(m) => Some(Value::from(m.len())),
            _ => None,
        },
        "keys" => match v {
            Value::Object(m) => {
                Some(Value::Array(m.keys().map(|k| Value::String(k.as_str().into())).collect::<Vec<_>>().into()))
            }
            _ => None,
        },
        "min" | "max" | "sum" | "avg" | "stddev" => {
            let nums: Vec<f64> = v.as_array()?.iter().filter_map(|x| x.as_f64()).collect();
            if nums.is_empty() {
                return None;
            }
            let n = nums.len() as f64;
            let mean = nums.iter().sum::<f64>() / n;
            let r = match name {
                "min" => nums.iter().cloned().fold(f64::INFINITY, f64::min),
                "max" => nums.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
                "sum" => nums.iter().sum(),
                "avg" => mean,
                _ => (nums.iter().map(|x| x * x).sum::<f64>() / n - mean * mean).sqrt(),
            };
            crate::value::Number::from_f64(r).map(Value::Number)
        }
        "first" => v.as_array()?.first().cloned(),
        "last" => v.as_array()?.last().cloned(),
        _ => None,
    }
}

// ------------------------------------------------------------------------------- filters

fn operand_value(op: &Operand, cur: &Value, root: &Value) -> Option<Value> {
    match op {
        Operand::Literal(v) => Some(v.clone()),
        Operand::Path { relative, path } => {
            let base = if *relative { cur } else { root };
            path.evaluate_with(base, true).ok()
        }
        Operand::Pattern(..) => None,
    }
}

fn truthy_exists(v: &Option<Value>, op: &Operand) -> bool {
    match (v, op) {
        (None, _) => false,
        (Some(Value::Array(a)), Operand::Path { path, .. }) if !path.is_definite() => !a.is_empty(),
        (Some(Value::Bool(b)), Operand::Literal(_)) => *b,
        (Some(_), _) => true,
    }
}

/// Jayway's `==` of a filter's left value `a` and right value `b` (`in`, `subsetof`, `anyof`
/// and `noneof` compare items the same way): a number equals a string that reads as the same
/// number, a string equals a number whose text it is (Jayway's NumberNode and StringNode
/// equality, so `[?(@.id == '1')]` selects `{"id": 1}`); other values compare structurally.
/// Inferred from Jayway's semantics, no recording.
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(n), Value::String(s)) => crate::value::num::parse_f64(s).is_some_and(|x| Some(x) == n.as_f64()),
        (Value::String(s), Value::Number(_)) => **s == *b.to_string(),
        _ => deep_eq(a, b, |x, y| x.as_f64() == y.as_f64()),
    }
}

/// Structural equality of two values, numbers compared by `num`; a loop over pairs still to
/// compare, so that no nesting of the values reaches the call stack.
pub fn deep_eq(a: &Value, b: &Value, num: fn(&crate::value::Number, &crate::value::Number) -> bool) -> bool {
    let mut todo = vec![(a, b)];
    while let Some(pair) = todo.pop() {
        let same = match pair {
            (Value::Number(x), Value::Number(y)) => num(x, y),
            (Value::Array(x), Value::Array(y)) => {
                todo.extend(x.iter().zip(y));
                x.len() == y.len()
            }
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len()
                    && x.iter().all(|(k, v)| match y.get(k) {
                        Some(w) => {
                            todo.push((v, w));
                            true
                        }
                        None => false,
                    })
            }
            (a, b) => a == b,
        };
        if !same {
            return false;
        }
    }
    true
}

fn eval_filter(e: &Expr, cur: &Value, root: &Value) -> bool {
    match e {
        Expr::Or(v) => v.iter().any(|e| eval_filter(e, cur, root)),
        Expr::And(v) => v.iter().all(|e| eval_filter(e, cur, root)),
        Expr::Not(a) => !eval_filter(a, cur, root),
        Expr::Exists(op) => truthy_exists(&operand_value(op, cur, root), op),
        // Jayway's `=~`: a string or number's text, a boolean's, else "" (a missing value
        // included), matched whole (Java's `matches`). Inferred, no recording.
        // Full engine only: a definition with a pattern is flagged (`take_extras_seen`).
        #[cfg(feature = "extras")]
        Expr::Cmp(l, CmpOp::Regex, r) => {
            crate::used_extras();
            let Operand::Pattern(p, f) = r else { return false };
            let text = match operand_value(l, cur, root) {
                Some(Value::String(s)) => s.to_string(),
                Some(v @ (Value::Number(_) | Value::Bool(_))) => v.to_string(),
                _ => String::new(),
            };
            crate::jsonata::regex::Regex::new(p, f).and_then(|re| re.is_match(&text)).unwrap_or(false)
        }
        #[cfg(not(feature = "extras"))]
        Expr::Cmp(_, CmpOp::Regex, _) => crate::without_extras("A JSONPath `=~` filter"),
        Expr::Cmp(l, op, r) => {
            let lv = operand_value(l, cur, root);
            let rv = operand_value(r, cur, root);
            let (lv, rv) = match (lv, rv) {
                (Some(a), Some(b)) => (a, b),
                _ => return matches!(op, CmpOp::Ne | CmpOp::Nin),
            };
            match op {
                CmpOp::Eq => json_eq(&lv, &rv),
                CmpOp::Ne => !json_eq(&lv, &rv),
                CmpOp::SubsetOf | CmpOp::AnyOf | CmpOp::NoneOf => {
                    let (Some(l), Some(r)) = (lv.as_array(), rv.as_array()) else {
                        return false;
                    };
                    let in_r = |x: &Value| r.iter().any(|y| json_eq(x, y));
                    match op {
                        CmpOp::SubsetOf => l.iter().all(in_r),
                        CmpOp::AnyOf => l.iter().any(in_r),
                        _ => !l.iter().any(in_r),
                    }
                }
                CmpOp::Size => {
                    let n = match &lv {
                        Value::Array(a) => a.len(),
                        Value::String(s) => s.chars().count(),
                        _ => return false,
                    };
                    rv.as_f64() == Some(n as f64)
                }
                CmpOp::Empty => {
                    let empty = match &lv {
                        Value::Array(a) => a.is_empty(),
                        Value::String(s) => s.is_empty(),
                        _ => return false,
                    };
                    rv.as_bool() == Some(empty)
                }
                CmpOp::In | CmpOp::Nin => {
                    let found = rv.as_array().map(|a| a.iter().any(|x| json_eq(&lv, x))).unwrap_or(false);
                    (*op == CmpOp::In) == found
                }
                _ => {
                    let ord = match (&lv, &rv) {
                        (Value::Number(a), Value::Number(b)) => a.as_f64().partial_cmp(&b.as_f64()),
                        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
                        _ => None,
                    };
                    match ord {
                        None => false,
                        Some(o) => match op {
                            CmpOp::Lt => o.is_lt(),
                            CmpOp::Le => o.is_le(),
                            CmpOp::Gt => o.is_gt(),
                            _ => o.is_ge(),
                        },
                    }
                }
            }
        }
    }
}

// ------------------------------------------------------------------------------- parser

thread_local! {
    static EXTRAS_SEEN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a path parsed on this thread since the last call has a filter that matches a
/// pattern (`=~`) or calls a function (`@.length()`), which only the full engine evaluates
/// (the definition's [`crate::asl::Machine::uses_extras`]); forgets it.
pub(crate) fn take_extras_seen() -> bool {
    EXTRAS_SEEN.with(|c| c.replace(false))
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    /// The text messages show, and where the parsed text begins in it.
    text: &'a str,
    shift: usize,
    /// Nesting of filters, parentheses and `!` so far (at most [`MAX_NESTING`]).
    depth: usize,
}

/// The deepest nesting of filters, parentheses and `!` a path may have: each level costs the
/// parser and the evaluator a few stack frames. (Its messages say the number.)
const MAX_NESTING: usize = 50;
/// The most steps a path may have: a ResultPath creates as many nested objects. (Its
/// messages say the number.)
const MAX_SEGMENTS: usize = 1000;

impl<'a> Parser<'a> {
    fn err(&self, what: &str) -> String {
        format!("Invalid JSONPath '{}': {} at position {}", self.text, what, self.i + self.shift)
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ') | Some(b'\t') | Some(b'\n') | Some(b'\r')) {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// Parses `$...` or (in filters, `relative`) `@...`; in filters stops at operators.
    fn path(&mut self, in_filter: bool) -> Result<Path, String> {
        let start = self.i;
        if !(self.eat(b'$') || (in_filter && self.eat(b'@'))) {
            return Err(self.err("a path must start with '$'"));
        }
        let mut segs = Vec::new();
        loop {
            match self.peek() {
                Some(b'.') => {
                    self.i += 1;
                    if self.eat(b'.') {
                        // descendant
                        if self.peek() == Some(b'[') {
                            self.i += 1;
                            let sel = self.bracket()?;
                            segs.push(Seg::Descendant(sel));
                        } else if self.eat(b'*') {
                            segs.push(Seg::Descendant(Sel::Wildcard));
                        } else {
                            let name = self.dot_name(in_filter)?;
                            segs.push(Seg::Descendant(Sel::Names(vec![name], '\'')));
                        }
                    } else if self.eat(b'*') {
                        segs.push(Seg::Child(Sel::Wildcard));
                    } else if self.eat(b'[') {
                        // `$.[0]` reads as `$[0]` (AWS's JSONPath accepts a dot before a bracket).
                        let sel = self.bracket()?;
                        segs.push(Seg::Child(sel));
                    } else {
                        let name = self.dot_name(in_filter)?;
                        if self.peek() == Some(b'(') {
                            self.i += 1;
                            // Arguments (`$.a.append(1)`) are read past, to the closing `)`:
                            // Jayway takes them, and no function with them selects anything.
                            let mut depth = 1;
                            while depth > 0 {
                                match self.peek() {
                                    None => return Err(self.err("')' expected")),
                                    Some(b'\'' | b'"') => {
                                        self.quoted()?;
                                        continue;
                                    }
                                    Some(b'(') => depth += 1,
                                    Some(b')') => depth -= 1,
                                    _ => {}
                                }
                                self.i += 1;
                            }
                            // Any name: Jayway finds the function when it runs the path, and
                            // AWS accepts a definition with one (see `Path::evaluate`); one it
                            // does not know selects nothing.
                            if in_filter {
                                EXTRAS_SEEN.with(|c| c.set(true));
                            }
                            segs.push(Seg::Function(name));
                        } else {
                            segs.push(Seg::Child(Sel::Names(vec![name], '\'')));
                        }
                    }
                }
                Some(b'[') => {
                    self.i += 1;
                    let sel = self.bracket()?;
                    segs.push(Seg::Child(sel));
                }
                _ => break,
            }
            if segs.len() > MAX_SEGMENTS {
                return Err(self.err("more than 1000 steps"));
            }
            if matches!(segs.last(), Some(Seg::Function(_))) && matches!(self.peek(), Some(b'.') | Some(b'[')) {
                return Err(self.err("a function must end the path"));
            }
        }
        let text = String::from_utf8_lossy(&self.s[start..self.i]).into_owned();
        Ok(Path { text, segs })
    }

    fn dot_name(&mut self, in_filter: bool) -> Result<String, String> {
        let start = self.i;
        while let Some(c) = self.peek() {
            let stop = matches!(c, b'.' | b'[' | b'(' | b' ' | b'\t' | b'\n' | b'\r')
                || (in_filter && matches!(c, b')' | b'=' | b'!' | b'<' | b'>' | b'&' | b'|' | b','));
            if stop {
                break;
            }
            self.i += 1;
        }
        if self.i == start {
            return Err(self.err("property name expected"));
        }
        Ok(String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    fn quoted(&mut self) -> Result<String, String> {
        let q = self.peek().unwrap();
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(b'\\') => {
                    self.i += 1;
                    match self.peek() {
                        None => return Err(self.err("unterminated string")),
                        Some(c) => {
                            out.push(c);
                            self.i += 1;
                        }
                    }
                }
                Some(c) if c == q => {
                    self.i += 1;
                    break;
                }
                Some(c) => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    fn int(&mut self) -> Result<i64, String> {
        let start = self.i;
        self.eat(b'-');
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        std::str::from_utf8(&self.s[start..self.i])
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| self.err("integer expected"))
    }

    /// After `[`: names, indexes, `*`, slices, filters; consumes `]`.
    fn bracket(&mut self) -> Result<Sel, String> {
        self.ws();
        let sel = match self.peek() {
            Some(b'*') => {
                self.i += 1;
                Sel::Wildcard
            }
            Some(q @ b'\'') | Some(q @ b'"') => {
                let quote = q as char;
                let mut names = vec![self.quoted()?];
                loop {
                    self.ws();
                    if !self.eat(b',') {
                        break;
                    }
                    self.ws();
                    if !matches!(self.peek(), Some(b'\'') | Some(b'"')) {
                        return Err(self.err("quoted property name expected"));
                    }
                    names.push(self.quoted()?);
                }
                Sel::Names(names, quote)
            }
            Some(b'?') => {
                self.i += 1;
                self.ws();
                if !self.eat(b'(') {
                    return Err(self.err("'(' expected after '?'"));
                }
                let e = self.expr_or()?;
                self.ws();
                if !self.eat(b')') {
                    return Err(self.err("')' expected"));
                }
                Sel::Filter(Box::new(e))
            }
            Some(b':') | Some(b'-') | Some(b'0'..=b'9') => {
                let first = if self.peek() == Some(b':') { None } else { Some(self.int()?) };
                self.ws();
                if self.eat(b':') {
                    self.ws();
                    let second =
                        if matches!(self.peek(), Some(b'-') | Some(b'0'..=b'9')) { Some(self.int()?) } else { None };
                    self.ws();
                    if self.eat(b':') {
                        return Err(self.err("slice steps are not supported"));
                    }
                    Sel::Slice(first, second)
                } else {
                    let mut idx = vec![first.unwrap()];
                    loop {
                        self.ws();
                        if !self.eat(b',') {
                            break;
                        }
                        self.ws();
                        idx.push(self.int()?);
                    }
                    Sel::Indexes(idx)
                }
            }
            _ => return Err(self.err("invalid bracket expression")),
        };
        self.ws();
        if !self.eat(b']') {
            return Err(self.err("']' expected"));
        }
        Ok(sel)
    }

    /// A filter expression: `||` over `&&` over unary terms, one level deeper.
    fn expr_or(&mut self) -> Result<Expr, String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.err("filters nested more than 50 deep"));
        }
        let mut or = Vec::new();
        loop {
            let mut and = vec![self.expr_unary()?];
            loop {
                self.ws();
                if !self.s[self.i..].starts_with(b"&&") {
                    break;
                }
                self.i += 2;
                and.push(self.expr_unary()?);
            }
            or.push(if and.len() == 1 { and.pop().unwrap() } else { Expr::And(and) });
            if !self.s[self.i..].starts_with(b"||") {
                break;
            }
            self.i += 2;
        }
        self.depth -= 1;
        Ok(if or.len() == 1 { or.pop().unwrap() } else { Expr::Or(or) })
    }

    fn expr_unary(&mut self) -> Result<Expr, String> {
        self.ws();
        let mut not = false;
        while self.peek() == Some(b'!') && self.s.get(self.i + 1) != Some(&b'=') {
            self.i += 1;
            not = !not;
            self.ws();
        }
        if not {
            return Ok(Expr::Not(Box::new(self.expr_unary()?)));
        }
        if self.peek() == Some(b'(') {
            self.i += 1;
            let e = self.expr_or()?;
            self.ws();
            if !self.eat(b')') {
                return Err(self.err("')' expected"));
            }
            return Ok(e);
        }
        let l = self.operand()?;
        self.ws();
        let rest = &self.s[self.i..];
        let (op, n) = if rest.starts_with(b"=~") {
            (Some(CmpOp::Regex), 2)
        } else if rest.starts_with(b"==") {
            (Some(CmpOp::Eq), 2)
        } else if rest.starts_with(b"!=") {
            (Some(CmpOp::Ne), 2)
        } else if rest.starts_with(b"<=") {
            (Some(CmpOp::Le), 2)
        } else if rest.starts_with(b">=") {
            (Some(CmpOp::Ge), 2)
        } else if rest.starts_with(b"<") {
            (Some(CmpOp::Lt), 1)
        } else if rest.starts_with(b">") {
            (Some(CmpOp::Gt), 1)
        } else if rest.starts_with(b"subsetof ") {
            (Some(CmpOp::SubsetOf), 8)
        } else if rest.starts_with(b"anyof ") {
            (Some(CmpOp::AnyOf), 5)
        } else if rest.starts_with(b"noneof ") {
            (Some(CmpOp::NoneOf), 6)
        } else if rest.starts_with(b"size ") {
            (Some(CmpOp::Size), 4)
        } else if rest.starts_with(b"empty ") {
            (Some(CmpOp::Empty), 5)
        } else if rest.starts_with(b"nin ") {
            (Some(CmpOp::Nin), 3)
        } else if rest.starts_with(b"in ") {
            (Some(CmpOp::In), 2)
        } else {
            (None, 0)
        };
        match op {
            None => Ok(Expr::Exists(l)),
            Some(op) => {
                self.i += n;
                self.ws();
                let r = self.operand()?;
                Ok(Expr::Cmp(l, op, r))
            }
        }
    }

    fn operand(&mut self) -> Result<Operand, String> {
        self.ws();
        match self.peek() {
            Some(b'/') => {
                // `/pattern/flags`: up to the next `/` no backslash escapes, then letters.
                let start = self.i + 1;
                let mut end = start;
                while end < self.s.len() && self.s[end] != b'/' {
                    end += 1 + (self.s[end] == b'\\') as usize;
                }
                if end >= self.s.len() {
                    return Err(self.err("pattern not closed"));
                }
                self.i = end + 1;
                while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                    self.i += 1;
                }
                EXTRAS_SEEN.with(|c| c.set(true));
                let text = |a: usize, b: usize| String::from_utf8_lossy(&self.s[a..b]).into_owned();
                // Matched whole, whatever `m` makes of `^` and `$`.
                let p = format!("(?<![\\s\\S])(?:{})(?![\\s\\S])", text(start, end));
                Ok(Operand::Pattern(p, text(end + 1, self.i)))
            }
            Some(b'@') | Some(b'$') => {
                let relative = self.peek() == Some(b'@');
                let path = self.path(true)?;
                Ok(Operand::Path { relative, path })
            }
            Some(b'\'') | Some(b'"') => Ok(Operand::Literal(Value::String(self.quoted()?.into()))),
            Some(b'[') | Some(b'{') => {
                // JSON literal: find the matching close bracket (strings may contain brackets).
                let start = self.i;
                let mut depth = 0i32;
                let mut in_str: Option<u8> = None;
                while let Some(c) = self.peek() {
                    self.i += 1;
                    if let Some(q) = in_str {
                        if c == b'\\' {
                            self.i += 1;
                        } else if c == q {
                            in_str = None;
                        }
                        continue;
                    }
                    match c {
                        b'"' | b'\'' => in_str = Some(c),
                        b'[' | b'{' => depth += 1,
                        b']' | b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let raw = String::from_utf8_lossy(&self.s[start..self.i]).replace('\'', "\"");
                crate::value::read::parse(&raw).map(Operand::Literal).map_err(|_| self.err("invalid JSON literal"))
            }
            _ => {
                let start = self.i;
                while let Some(c) = self.peek() {
                    if c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'+' | b'_') {
                        self.i += 1;
                    } else {
                        break;
                    }
                }
                let tok = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
                match tok {
                    "true" => Ok(Operand::Literal(Value::Bool(true))),
                    "false" => Ok(Operand::Literal(Value::Bool(false))),
                    "null" => Ok(Operand::Literal(Value::Null)),
                    "" => Err(self.err("operand expected")),
                    _ => match crate::value::read::parse(tok) {
                        Ok(n @ Value::Number(_)) => Ok(Operand::Literal(n)),
                        // A bare word is a string (inferred: AWS accepted deployed filters such as
                        // `[?(@.Name==Receipt)]`; no recording shows what they select).
                        _ if tok.as_bytes()[0].is_ascii_alphabetic() => Ok(Operand::Literal(Value::from(tok))),
                        _ => Err(self.err("operand expected")),
                    },
                }
            }
        }
    }
}

// ------------------------------------------------------------------------------- references

/// Where a reference path starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Root {
    /// `$...`: the state's (effective) input.
    Input,
    /// `$$...`: the context object.
    Context,
    /// `$name...`: a workflow variable.
    Variable(String),
}

/// A reference path: `$.a`, `$$.Execution.Id`, `$var.field[0]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub root: Root,
    /// The path relative to the root's value (written with a leading `$`).
    pub path: Path,
}

impl Reference {
    pub fn parse(text: &str) -> Result<Reference, String> {
        if let Some(rest) = text.strip_prefix("$$") {
            let path = Path::parse_in(&format!("${}", rest), text, 1)?;
            return Ok(Reference { root: Root::Context, path });
        }
        let b = text.as_bytes();
        if b.len() > 1 && b[0] == b'$' && (b[1].is_ascii_alphabetic() || b[1] == b'_') {
            let end = b
                .iter()
                .skip(1)
                .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                .map(|p| p + 1)
                .unwrap_or(b.len());
            let name = text[1..end].to_string();
            let path = Path::parse_in(&format!("${}", &text[end..]), text, end - 1)?;
            return Ok(Reference { root: Root::Variable(name), path });
        }
        let path = Path::parse(text)?;
        Ok(Reference { root: Root::Input, path })
    }

    /// The path as AWS prints it in causes: a context reference is shown relative to the
    /// context object (`$$.Execution.Input` prints as `$.Execution.Input`, as in the recorded
    /// cause `Reference path "$.Execution.Input" must point to array.`); other references as
    /// written.
    pub fn display_path(&self) -> String {
        match &self.root {
            Root::Context => self.path.as_str().to_string(),
            _ => self.text(),
        }
    }

    /// The reference as written (`$$.a`, `$x.y`, `$.z`).
    pub fn text(&self) -> String {
        let tail = &self.path.as_str()[1..];
        match &self.root {
            Root::Input => self.path.as_str().to_string(),
            Root::Context => format!("$${}", tail),
            Root::Variable(n) => format!("${}{}", n, tail),
        }
    }
}

// ------------------------------------------------------------------------------- ResultPath

/// Writes `value` at `path` inside `target` (ResultPath semantics): `$` replaces the whole
/// target; missing intermediate objects are created.
pub fn set_path(target: Value, path: &Path, value: Value) -> Result<Value, Failure> {
    if path.segs.is_empty() {
        return Ok(value);
    }
    let ok = path.segs.iter().all(|s| match s {
        Seg::Child(Sel::Names(v, _)) => v.len() == 1,
        Seg::Child(Sel::Indexes(v)) => v.len() == 1,
        _ => false,
    });
    if !ok {
        return Err(path.invalid_path(Field::ResultPath, "ResultPath must be a definite path"));
    }
    let mut target = target;
    set_in(&mut target, path, value)?;
    Ok(target)
}

/// Write `value` at `path` (single names and indexes only), creating missing objects; a loop
/// down the path, so that no length of the path reaches the call stack.
fn set_in(mut node: &mut Value, path: &Path, value: Value) -> Result<(), Failure> {
    let fail = |m: String| path.invalid_path(Field::ResultPath, &m);
    let last = path.segs.len() - 1;
    for (i, seg) in path.segs.iter().enumerate() {
        // the path so far, for messages
        let cur = || {
            let mut t = String::from("$");
            for s in &path.segs[..i] {
                match s {
                    Seg::Child(Sel::Names(n, _)) => t.push_str(&format!("[{}]", quote_name(&n[0]))),
                    Seg::Child(Sel::Indexes(x)) => t.push_str(&format!("[{}]", x[0])),
                    _ => {}
                }
            }
            t
        };
        node = match seg {
            Seg::Child(Sel::Names(names, _)) => {
                let name = &names[0];
                let m = match node {
                    Value::Object(m) => m,
                    other => {
                        return Err(fail(format!(
                            "Expected to find an object with property {} in path {} but found '{}'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JacksonJsonProvider'.",
                            sel_text(&Sel::Names(vec![name.clone()], '\'')),
                            cur(),
                            java_class(other)
                        )))
                    }
                };
                if i == last {
                    m.insert(name.as_str().into(), value);
                    return Ok(());
                }
                m.get_or_insert_with(name, || Value::Object(Map::new()))
            }
            Seg::Child(Sel::Indexes(idx)) => {
                let ix = idx[0];
                let a = match node {
                    Value::Array(a) => a,
                    other => {
                        return Err(fail(format!(
                            "Filter: [{}] can only be applied to arrays. Current context is: {}",
                            ix,
                            java_text(other)
                        )))
                    }
                };
                let eff = if ix < 0 { a.len() as i64 + ix } else { ix };
                if eff < 0 || eff as usize >= a.len() {
                    return Err(fail(format!("Missing property in path {}[{}]", cur(), ix)));
                }
                let slot = &mut a[eff as usize];
                if i == last {
                    *slot = value;
                    return Ok(());
                }
                slot
            }
            _ => return Err(fail("ResultPath must be a definite path".into())),
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn sel(p: &str, v: &Value) -> Option<Value> {
        Path::parse(p).unwrap().select(v)
    }

    #[test]
    fn limits_in_messages() {
        let long = format!("${}", ".a".repeat(MAX_SEGMENTS + 1));
        assert!(Path::parse(&long).unwrap_err().contains(&format!(" {MAX_SEGMENTS} ")));
        let deep = format!("$[?({}@.a{})]", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
        assert!(Path::parse(&deep).unwrap_err().contains(&format!(" {MAX_NESTING} ")));
    }

    #[test]
    fn definite_paths() {
        let v = json!({"a": {"b": [1, 2, {"c": "x"}]}, "a-b": 5, "n": null});
        assert_eq!(sel("$", &v), Some(v.clone()));
        assert_eq!(sel("$.a.b[0]", &v), Some(json!(1)));
        assert_eq!(sel("$.a.b[-1].c", &v), Some(json!("x")));
        assert_eq!(sel("$['a'][\"b\"][1]", &v), Some(json!(2)));
        assert_eq!(sel("$.a-b", &v), Some(json!(5)));
        assert_eq!(sel("$.n", &v), Some(Value::Null));
        assert_eq!(sel("$.zz", &v), None);
        assert_eq!(sel("$.a.b[7]", &v), None);
        assert!(Path::parse("$.a.b[0]").unwrap().is_definite());
        assert!(!Path::parse("$.a[*]").unwrap().is_definite());
        assert!(!Path::parse("$..a").unwrap().is_definite());
        assert!(Path::parse("$.a['b'][0]").unwrap().is_reference_path());
        for p in ["$.a[*]", "$..a", "$.a[0,1]", "$.a[1:2]", "$.a[?(@.x)]", "$.a.length()", "$['a','b']"] {
            assert!(!Path::parse(p).unwrap().is_reference_path(), "{}", p);
        }
    }

    #[test]
    fn jayway_messages() {
        let v = json!({"a": {"b": 1}});
        let p = Path::parse("$.NoSuchOutputPath").unwrap();
        assert_eq!(p.evaluate(&v).unwrap_err(), "No results for path: $['NoSuchOutputPath']");
        assert_eq!(
            p.invalid_path(Field::Path, &p.evaluate(&v).unwrap_err()).cause,
            "Invalid path '$.NoSuchOutputPath' : No results for path: $['NoSuchOutputPath']"
        );
        let p = Path::parse("$.no.such.path").unwrap();
        assert_eq!(p.evaluate(&v).unwrap_err(), "Missing property in path $['no']");
        let p = Path::parse("$.a.c").unwrap();
        assert_eq!(p.evaluate(&v).unwrap_err(), "No results for path: $['a']['c']");
    }

    #[test]
    fn jayway_slices_and_fragments() {
        let v = json!({"a": [0, 1, 2, 3, 4], "o": {"x": 1}, "s": "str"});
        assert_eq!(sel("$.a[-2:]", &v), Some(json!([3, 4])));
        assert_eq!(sel("$.a[:-2]", &v), Some(json!([0, 1, 2])));
        // [from:to] reads each index as `[i]` does: a negative one counts from the end.
        assert_eq!(sel("$.a[-2:2]", &v), Some(json!([3, 4, 0, 1])));
        assert_eq!(sel("$.a[-9:1]", &v), Some(json!([0, 1, 2, 3, 4, 0])));
        assert_eq!(sel("$.a[1:-1]", &v), Some(json!([])));
        assert_eq!(sel("$.a[3:99]", &v), Some(json!([3, 4])));
        assert_eq!(sel("$.a[-9223372036854775808:1]", &v), Some(json!([0, 1, 2, 3, 4, 0])));
        assert_eq!(Path::parse("$[\"a\"]['b']").unwrap().bracket_notation(), "$[\"a\"]['b']");
        assert_eq!(Path::parse("$.a.b").unwrap().bracket_notation(), "$['a']['b']");
        let p = Path::parse("$.o[0].y").unwrap();
        assert_eq!(
            p.evaluate(&v).unwrap_err(),
            "Filter: [0]['y'] can only be applied to arrays. Current context is: {x=1}"
        );
        let p = Path::parse("$.s.y").unwrap();
        assert!(p
            .evaluate(&v)
            .unwrap_err()
            .starts_with("Expected to find an object with property ['y'] in path $['s'] but found 'java.lang.String'"));
        let p = Path::parse("$.n[0]").unwrap();
        assert_eq!(p.evaluate(&json!({"n": null})).unwrap_err(), "The path $['n'] is null");
    }

    #[test]
    fn indefinite_paths() {
        let v = json!({"items": [{"price": 5, "n": "a", "flag": true}, {"price": 15, "n": "b"}, {"price": 8, "n": "c", "flag": false}]});
        assert_eq!(sel("$.items[*].n", &v), Some(json!(["a", "b", "c"])));
        assert_eq!(sel("$.items[?(@.price < 10)].n", &v), Some(json!(["a", "c"])));
        assert_eq!(sel("$.items[?(@.flag)].n", &v), Some(json!(["a", "c"])));
        assert_eq!(sel("$.items[?(@.n == 'b' && @.price > 2)].price", &v), Some(json!([15])));
        assert_eq!(sel("$.items[?(@.n == 'q')]", &v), Some(json!([])));
        assert_eq!(sel("$.items[?(@.n in ['a','c'])].price", &v), Some(json!([5, 8])));
        assert_eq!(sel("$.items[?(@.n nin ['a','c'])].price", &v), Some(json!([15])));
        assert_eq!(sel("$.items[?(@.n size 1 && @.price >= 8)].n", &v), Some(json!(["b", "c"])));
        assert_eq!(sel("$.items[?(!(@.price > 6) || @.n == 'b')].n", &v), Some(json!(["a", "b"])));
        assert_eq!(sel("$.items[?(@.price < $.items[1].price)].n", &v), Some(json!(["a", "c"])));
        let t = json!({"x": [{"tags": ["a", "b"]}, {"tags": ["c"]}, {"tags": []}]});
        assert_eq!(sel("$.x[?(@.tags anyof ['a'])].tags", &t), Some(json!([["a", "b"]])));
        assert_eq!(sel("$.x[?(@.tags subsetof ['a','b','c'])]", &t).unwrap().as_array().unwrap().len(), 3);
        assert_eq!(sel("$.x[?(@.tags noneof ['a'])].tags", &t), Some(json!([["c"], []])));
        assert_eq!(sel("$.x[?(@.tags empty true)].tags", &t), Some(json!([[]])));
        assert_eq!(sel("$..n", &v), Some(json!(["a", "b", "c"])));
        assert_eq!(sel("$.items[1:3].n", &v), Some(json!(["b", "c"])));
        assert_eq!(sel("$.items[:2].n", &v), Some(json!(["a", "b"])));
        assert_eq!(sel("$.items[-1:].n", &v), Some(json!(["c"])));
        assert_eq!(sel("$.items[0,2].n", &v), Some(json!(["a", "c"])));
        assert_eq!(sel("$.items[0]['n','price']", &v), Some(json!({"n": "a", "price": 5})));
        // A path function selects nothing (AWS fails the field); in a filter it is Jayway's.
        assert_eq!(sel("$.items.length()", &v), None);
        assert_eq!(
            Path::parse("$.items.sum()").unwrap().evaluate(&v).unwrap_err(),
            "No results for path: $['items'].sum()"
        );
        assert_eq!(sel("$.items[?(@.length() == 3)].n", &v), Some(json!(["a", "c"])));
        assert_eq!(sel("$.items.stddev()", &v), None);
        assert_eq!(sel("$.items.append(')', $.x[?(@.y)])", &v), None);
        assert!(Path::parse("$.items.append(1").is_err());
        let nums = json!({"x": [{"n": [2, 4, 4, 4, 5, 5, 7, 9], "s": "abc"}, {"n": [1], "s": "abcd"}]});
        assert_eq!(sel("$.x[?(@.n.stddev() == 2)].n.length()", &nums), None);
        assert_eq!(sel("$.x[?(@.n.stddev() == 2)].s", &nums), Some(json!(["abc"])));
        // Jayway's length() of a string is null.
        assert_eq!(sel("$.x[?(@.s.length() == 3)].s", &nums), Some(json!([])));
        assert_eq!(sel("$.items[?(@.nosuch() == 3)].n", &v), Some(json!([])));
        assert_eq!(sel("$.*", &json!({"x": 1, "y": 2})), Some(json!([1, 2])));
        assert_eq!(sel("$.missing[*]", &v), Some(json!([])));
    }

    #[test]
    fn filter_equality_and_patterns_as_jayway() {
        let v = json!({"a": [{"x": 1, "n": "Abc"}, {"x": "1", "n": "b"}, {"x": 1.0, "n": "a/b"}, {"x": "1.0"}, {"x": true}]});
        // A number equals a string reading as it; a string equals a number whose text it is.
        assert_eq!(sel("$.a[?(@.x == '1')].x", &v), Some(json!([1, "1", 1.0])));
        assert_eq!(sel("$.a[?(@.x == 1)].x", &v), Some(json!([1, "1", 1.0])));
        assert_eq!(sel("$.a[?(@.x != 1)].x", &v), Some(json!(["1.0", true])));
        assert_eq!(sel("$.a[?(@.x in ['1'])].x", &v), Some(json!([1, "1", 1.0])));
        assert_eq!(sel("$.a[?(@.x == 'true')].x", &v), Some(json!([])));
        // `=~` matches the whole text; flags after the closing slash; a missing value is "".
        assert_eq!(sel("$.a[?(@.n =~ /a.*/)].n", &v), Some(json!(["a/b"])));
        assert_eq!(sel("$.a[?(@.n =~ /a.*/i)].n", &v), Some(json!(["Abc", "a/b"])));
        assert_eq!(sel("$.a[?(@.n =~ /b|Ab/)].n", &v), Some(json!(["b"])));
        assert_eq!(sel("$.a[?(@.n =~ /a\\/b/)].n", &v), Some(json!(["a/b"])));
        assert_eq!(sel("$.a[?(@.x =~ /[0-9]/)].x", &v), Some(json!([1, "1"])));
        assert_eq!(sel("$.a[?(@.n =~ /.*/)]", &v).unwrap().as_array().unwrap().len(), 5);
        assert!(Path::parse("$.a[?(@.n =~ /abc)]").is_err());
    }

    #[test]
    fn references() {
        let r = Reference::parse("$$.Execution.Id").unwrap();
        assert_eq!(r.root, Root::Context);
        assert_eq!(r.path.as_str(), "$.Execution.Id");
        assert_eq!(r.display_path(), "$.Execution.Id");
        assert_eq!(r.text(), "$$.Execution.Id");
        let r = Reference::parse("$myVar.field[0]").unwrap();
        assert_eq!(r.root, Root::Variable("myVar".into()));
        assert_eq!(r.path.as_str(), "$.field[0]");
        assert_eq!(r.text(), "$myVar.field[0]");
        // A bad path is shown as written, its position in what was written.
        let e = Reference::parse("$$.a[").unwrap_err();
        assert_eq!(e, "Invalid JSONPath '$$.a[': invalid bracket expression at position 5");
        let e = Reference::parse("$myVar.a[").unwrap_err();
        assert_eq!(e, "Invalid JSONPath '$myVar.a[': invalid bracket expression at position 9");
        let r = Reference::parse("$x").unwrap();
        assert!(r.path.is_root());
        assert_eq!(Reference::parse("$.a").unwrap().root, Root::Input);
        assert!(Reference::parse("a.b").is_err());
        assert!(Path::parse("$.a[").is_err());
    }

    #[test]
    fn result_path() {
        let p = |s| Path::parse(s).unwrap();
        assert_eq!(set_path(json!({"a": 1}), &p("$"), json!(2)).unwrap(), json!(2));
        assert_eq!(set_path(json!({"a": 1}), &p("$.b.c"), json!(2)).unwrap(), json!({"a": 1, "b": {"c": 2}}));
        assert_eq!(set_path(json!({"a": {"x": 0}}), &p("$.a.y"), json!(2)).unwrap(), json!({"a": {"x": 0, "y": 2}}));
        assert_eq!(set_path(json!({"a": [1, 2]}), &p("$.a[1]"), json!(9)).unwrap(), json!({"a": [1, 9]}));
        let e = set_path(json!({"a": "s"}), &p("$.a.b"), json!(2)).unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        assert!(e.cause.starts_with("Invalid path '$.a.b' : "), "{}", e.cause);
    }
}
