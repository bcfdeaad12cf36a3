//! Reading the fields of a definition for what they read: JSONPath paths and intrinsic
//! calls (`States.Format($.t, $.a)`), JSONata expressions (`{% $states.input.a.b %}`), the
//! context object (`$$.Execution.Input.x`, `$$.Map.Item.Value.y`) and variables (`$v.z`).
//! Each read is a root and the steps after it, with the kind of value its use needs (an
//! intrinsic's argument, a Wait's seconds). Texts are scanned, not evaluated: what is not a
//! plain path (a filter, an operator) ends the steps.

use crate::value::Value;

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(String),
    Index(usize),
    /// Every item of an array (`[*]`, a Map's items).
    Each,
    /// The value is a text holding JSON; the steps after are inside it (`States.StringToJson`).
    Json,
    /// The value is a text `States.StringSplit` cuts by this character; an index after is a part.
    Split(char),
    /// The item of an array whose field (at this path in it) has this value
    /// (`[?(@.Name == 'x')]`, `[?(@.Type.Text == 'x')]`).
    Where(Vec<String>, Value),
    /// Every value of this field at any depth (`..name`): a list, as a filter's selection.
    Deep(String),
    /// What a path with a filter selects is a list: an index after it picks from the list.
    List,
}

/// The kind of value a use needs, when the use says more than "present".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Any,
    Array,
    /// A Map's items: an array of a few objects.
    Items,
    Number,
    String,
    Timestamp,
    /// A text holding JSON.
    JsonText,
    /// A `States.Format` template with this many `{}`.
    Template(usize),
    Base64,
    Object,
    /// A `States.Hash` algorithm.
    Algorithm,
    /// A text that `States.StringSplit` by this character splits into at least this many parts.
    Parts(char, usize),
    /// An S3 bucket's name (3 to 63 lowercase letters, digits, dots and hyphens).
    Bucket,
}

/// Where a read path starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    /// JSONPath's `$`: what `$` is depends on the field.
    Dollar,
    /// `$$.Execution.Input`, `$states.context.Execution.Input`.
    ExecInput,
    /// `$$.Map.Item.Value`, `$states.context.Map.Item.Value`.
    ItemValue,
    /// A variable set by an `Assign`.
    Var(String),
    /// JSONata's `$states.input`.
    Input,
    /// JSONata's `$states.result`.
    Result,
}

/// A read: a root, the steps after it, and what the use needs there.
#[derive(Debug, Clone)]
pub struct Ref {
    pub root: Root,
    pub steps: Vec<Step>,
    pub kind: Kind,
}

/// Whether a JSONPath-mode field value is a path or intrinsic (it starts with `$` or `States.`).
pub fn is_jsonpath_expr(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('$') || t.starts_with("States.")
}

/// The name and index steps at the start of `rest` (`.a.b[0]['c d']`), up to anything else.
pub fn steps_of(rest: &str) -> Vec<Step> {
    steps_read(rest).0
}

/// The steps at the start of `rest`, and whether they are all of it (a plain path, no `..`
/// other than `..name`, no filter other than `[?(@.k == v)]`, no operator after).
fn steps_read(rest: &str) -> (Vec<Step>, bool) {
    let mut steps = Vec::new();
    let c: Vec<char> = rest.chars().take(2_000).collect();
    let mut i = 0;
    while i < c.len() && steps.len() < 24 {
        match c[i] {
            // `$.[0]`: AWS reads it as `$[0]`.
            '.' if c.get(i + 1) == Some(&'[') => i += 1,
            '.' if c.get(i + 1) == Some(&'.') && c.get(i + 2).is_some_and(|x| x.is_alphanumeric() || *x == '_') => {
                let n: String =
                    c[i + 2..].iter().take_while(|x| x.is_alphanumeric() || **x == '_' || **x == '-').collect();
                i += 2 + n.chars().count();
                steps.push(Step::Deep(n));
            }
            '.' if c.get(i + 1).is_some_and(|x| x.is_alphanumeric() || *x == '_') => {
                let mut n = String::new();
                i += 1;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '-') {
                    n.push(c[i]);
                    i += 1;
                }
                steps.push(Step::Key(n));
            }
            '.' if c.get(i + 1) == Some(&'`') => {
                // JSONata's quoted name: .`a b`
                let Some(close) = c[i + 2..].iter().position(|x| *x == '`').map(|p| i + 2 + p) else { break };
                steps.push(Step::Key(c[i + 2..close].iter().collect()));
                i = close + 1;
            }
            '[' => {
                let Some(close) = c[i..].iter().position(|x| *x == ']').map(|p| i + p) else { break };
                let inner: String = c[i + 1..close].iter().collect();
                let inner = inner.trim();
                let quoted = inner
                    .strip_prefix('\'')
                    .and_then(|x| x.strip_suffix('\''))
                    .or_else(|| inner.strip_prefix('"').and_then(|x| x.strip_suffix('"')));
                if let Some(q) = quoted {
                    steps.push(Step::Key(q.to_string()));
                } else if let Ok(n) = inner.parse::<usize>() {
                    steps.push(Step::Index(n));
                } else if inner == "*" {
                    steps.push(Step::Each);
                } else if let Some(w) = filter(inner) {
                    steps.push(w);
                } else {
                    break;
                }
                i = close + 1;
            }
            _ => break,
        }
    }
    let whole = i >= c.len() && c.len() < 2_000;
    (steps, whole)
}

/// A filter `?(@.k == 'v')` (or `== 3`, `== true`) as the item it asks for.
fn filter(inner: &str) -> Option<Step> {
    let body = inner.strip_prefix('?')?.trim().strip_prefix('(')?.strip_suffix(')')?.trim();
    let (lhs, rhs) = body.split_once("==")?;
    // `@.k` or `@.a.b`: the item's field, or a field of a field.
    let key: Vec<String> = lhs.trim().strip_prefix("@.")?.split('.').map(str::to_string).collect();
    if key.iter().any(|k| k.is_empty() || !k.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')) {
        return None;
    }
    let rhs = rhs.trim();
    let value = if let Some(q) = rhs
        .strip_prefix('\'')
        .and_then(|r| r.strip_suffix('\''))
        .or_else(|| rhs.strip_prefix('"').and_then(|r| r.strip_suffix('"')))
    {
        Value::from(q)
    } else {
        match rhs {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            // A bare word is read as the text it is (as the run reads it).
            _ => rhs
                .parse::<i64>()
                .map(Value::from)
                .or_else(|_| rhs.parse::<f64>().map(Value::from))
                .unwrap_or_else(|_| Value::from(rhs)),
        }
    };
    Some(Step::Where(key, value))
}

/// The root and steps of a JSONPath path text (`$.a`, `$$.Execution.Input.b`, `$v.c`): the
/// plain steps it starts with (what a read of it needs to be there).
fn jsonpath_path(text: &str) -> Option<(Root, Vec<Step>)> {
    jsonpath_path_whole(text).map(|(r, s, _)| (r, s))
}

/// The value a path text stands for: only a plain path (a `..` or an expression selects
/// something else than its first steps).
fn jsonpath_plain(text: &str) -> Option<(Root, Vec<Step>)> {
    jsonpath_path_whole(text).filter(|(_, _, whole)| *whole).map(|(r, s, _)| (r, s))
}

fn jsonpath_path_whole(text: &str) -> Option<(Root, Vec<Step>, bool)> {
    let t = text.trim();
    for (prefix, root) in [("$$.Execution.Input", Root::ExecInput), ("$$.Map.Item.Value", Root::ItemValue)] {
        if let Some(rest) = t.strip_prefix(prefix) {
            if rest.is_empty() || rest.starts_with(['.', '[']) {
                let (steps, whole) = steps_read(rest);
                return Some((root, steps, whole));
            }
        }
    }
    if t.starts_with("$$") {
        return None;
    }
    let rest = t.strip_prefix('$')?;
    if rest.is_empty() || rest.starts_with(['.', '[']) {
        let (steps, whole) = steps_read(rest);
        return Some((Root::Dollar, steps, whole));
    }
    let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    if name.is_empty() {
        return None;
    }
    let (steps, whole) = steps_read(&rest[name.len()..]);
    Some((Root::Var(name.clone()), steps, whole))
}

/// An intrinsic call's argument.
#[derive(Debug)]
enum Arg {
    Path(String),
    Str(String),
    Number(f64),
    Call(String, Vec<Arg>),
    Other,
}

/// Read an intrinsic expression (`States.F(args)`) or a path; `None` for anything else.
fn parse_arg(s: &[char], i: &mut usize, depth: usize) -> Arg {
    while *i < s.len() && s[*i].is_whitespace() {
        *i += 1;
    }
    let start = *i;
    if *i >= s.len() {
        return Arg::Other;
    }
    if s[*i] == '\'' {
        *i += 1;
        let mut text = String::new();
        while *i < s.len() && s[*i] != '\'' {
            if s[*i] == '\\' {
                *i += 1;
            }
            if let Some(c) = s.get(*i) {
                text.push(*c);
            }
            *i += 1;
        }
        *i += 1;
        return Arg::Str(text);
    }
    if s[*i] == '$' {
        // A path runs to the `,` or `)` that ends the argument (brackets and quotes inside).
        let mut depth_b = 0usize;
        let mut quote: Option<char> = None;
        while *i < s.len() {
            let c = s[*i];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    '\'' | '"' => quote = Some(c),
                    '[' | '(' => depth_b += 1,
                    ']' if depth_b > 0 => depth_b -= 1,
                    ')' if depth_b > 0 => depth_b -= 1,
                    ',' | ')' if depth_b == 0 => break,
                    _ => {}
                },
            }
            *i += 1;
        }
        return Arg::Path(s[start..*i].iter().collect::<String>().trim().to_string());
    }
    let word: String =
        s[*i..].iter().take_while(|c| c.is_alphanumeric() || **c == '.' || **c == '_' || **c == '-').collect();
    *i += word.chars().count();
    if word.starts_with("States.") && s.get(*i) == Some(&'(') && depth < 32 {
        *i += 1;
        let mut args = Vec::new();
        loop {
            while *i < s.len() && s[*i].is_whitespace() {
                *i += 1;
            }
            if *i >= s.len() {
                break;
            }
            if s[*i] == ')' {
                *i += 1;
                break;
            }
            let before = *i;
            args.push(parse_arg(s, i, depth + 1));
            while *i < s.len() && s[*i].is_whitespace() {
                *i += 1;
            }
            // Past the comma; or past a character nothing reads, so the loop moves on.
            if *i < s.len() && s[*i] == ',' || *i == before {
                *i += 1;
            }
        }
        return Arg::Call(word, args);
    }
    match word.parse::<f64>() {
        Ok(n) => Arg::Number(n),
        Err(_) => Arg::Other,
    }
}

fn parse_expr(text: &str) -> Arg {
    let s: Vec<char> = text.chars().take(20_000).collect();
    let mut i = 0;
    parse_arg(&s, &mut i, 0)
}

/// The kind of value argument `i` of intrinsic `f` (of `n` arguments) needs.
fn arg_kind(f: &str, i: usize, n: usize) -> Kind {
    match (f, i) {
        ("States.Format", 0) => Kind::Template(n.saturating_sub(1)),
        ("States.StringToJson", 0) => Kind::JsonText,
        ("States.ArrayPartition" | "States.ArrayContains" | "States.ArrayGetItem", 0) => Kind::Array,
        ("States.ArrayLength" | "States.ArrayUnique", 0) => Kind::Array,
        ("States.ArrayPartition" | "States.ArrayGetItem", 1) => Kind::Number,
        ("States.ArrayRange" | "States.MathRandom" | "States.MathAdd", _) => Kind::Number,
        ("States.Base64Decode", 0) => Kind::Base64,
        ("States.Base64Encode" | "States.StringSplit" | "States.Hash", 0) => Kind::String,
        ("States.StringSplit", 1) => Kind::String,
        ("States.Hash", 1) => Kind::Algorithm,
        ("States.JsonMerge", 0 | 1) => Kind::Object,
        _ => Kind::Any,
    }
}

fn arg_refs(a: &Arg, kind: Kind, out: &mut Vec<Ref>) {
    match a {
        Arg::Path(p) => {
            if let Some((root, steps)) = jsonpath_path(p) {
                out.push(Ref { root, steps, kind });
            }
        }
        Arg::Call(f, args) => {
            for (i, x) in args.iter().enumerate() {
                arg_refs(x, arg_kind(f, i, args.len()), out);
            }
            // `States.ArrayGetItem($.a, 3)` needs four items; of `States.StringSplit($.s, ':')`,
            // a text of four parts.
            if let (Some(a), Some(Arg::Number(n))) = (args.first(), args.get(1)) {
                if f == "States.ArrayGetItem" && *n >= 0.0 && *n < 100.0 && n.fract() == 0.0 {
                    let at = *n as usize;
                    match a {
                        Arg::Path(p) => {
                            if let Some((root, mut steps)) = jsonpath_path(p) {
                                steps.push(Step::Index(at));
                                out.push(Ref { root, steps, kind: Kind::Any });
                            }
                        }
                        Arg::Call(g, split) if g == "States.StringSplit" => {
                            if let (Some(Arg::Path(p)), Some(Arg::Str(sep))) = (split.first(), split.get(1)) {
                                if let (Some((root, steps)), Some(c)) = (jsonpath_path(p), sep.chars().next()) {
                                    out.push(Ref { root, steps, kind: Kind::Parts(c, at + 1) });
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        _ => {}
    }
}

/// Every read of a JSONPath-mode text (a path, or an intrinsic call), `kind` being what
/// the field needs of a plain path.
pub fn jsonpath_refs(text: &str, kind: Kind) -> Vec<Ref> {
    let mut out = Vec::new();
    arg_refs(&parse_expr(text), kind, &mut out);
    out
}

/// The values a JSONPath-mode text stands for, to read through it: a path is its value;
/// `States.StringToJson(p)` is the JSON in `p`; `States.ArrayGetItem(p, i)` is `p[i]`;
/// `States.JsonMerge(a, b, false)` is both.
pub fn jsonpath_value(text: &str) -> Vec<(Root, Vec<Step>)> {
    fn value(a: &Arg, out: &mut Vec<(Root, Vec<Step>)>) {
        match a {
            Arg::Path(p) => out.extend(jsonpath_plain(p).map(|(r, mut s)| {
                if s.iter().any(|x| matches!(x, Step::Where(..) | Step::Deep(_))) {
                    s.push(Step::List);
                }
                (r, s)
            })),
            Arg::Call(f, args) => match (f.as_str(), args.first(), args.get(1)) {
                ("States.StringSplit", Some(x), Some(Arg::Str(sep))) if !sep.is_empty() => {
                    let mut inner = Vec::new();
                    value(x, &mut inner);
                    let c = sep.chars().next().unwrap_or(',');
                    out.extend(inner.into_iter().map(|(r, mut s)| {
                        s.push(Step::Split(c));
                        (r, s)
                    }));
                }
                ("States.StringToJson", Some(x), _) => {
                    let mut inner = Vec::new();
                    value(x, &mut inner);
                    out.extend(inner.into_iter().map(|(r, mut s)| {
                        s.push(Step::Json);
                        (r, s)
                    }));
                }
                ("States.ArrayGetItem", Some(x), Some(Arg::Number(n))) if *n >= 0.0 && n.fract() == 0.0 => {
                    let mut inner = Vec::new();
                    value(x, &mut inner);
                    out.extend(inner.into_iter().map(|(r, mut s)| {
                        s.push(Step::Index(*n as usize));
                        (r, s)
                    }));
                }
                ("States.JsonMerge", Some(a), Some(b)) => {
                    value(a, out);
                    value(b, out);
                }
                _ => {}
            },
            _ => {}
        }
    }
    let mut out = Vec::new();
    value(&parse_expr(text), &mut out);
    out
}

/// The expression inside a JSONata field (`{% ... %}`), if the text is one.
pub fn jsonata_inner(text: &str) -> Option<&str> {
    text.trim().strip_prefix("{%")?.strip_suffix("%}").map(str::trim)
}

const JSONATA_ROOTS: [(&str, Root); 4] = [
    ("$states.context.Execution.Input", Root::ExecInput),
    ("$states.context.Map.Item.Value", Root::ItemValue),
    ("$states.input", Root::Input),
    ("$states.result", Root::Result),
];

/// Every read in a JSONata text: `$states.input...`, `$states.result...`, the execution
/// input and Map item through `$states.context`, and the variables in `vars`.
pub fn jsonata_refs(text: &str, vars: &[String], kind: Kind) -> Vec<Ref> {
    let Some(inner) = jsonata_inner(text) else { return Vec::new() };
    let whole = jsonata_value(text, vars);
    let mut out = Vec::new();
    let b = inner.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        let rest = &inner[i..];
        let mut found = false;
        for (prefix, root) in &JSONATA_ROOTS {
            if let Some(after) = rest.strip_prefix(prefix) {
                if after.is_empty() || !after.as_bytes()[0].is_ascii_alphanumeric() {
                    let steps = steps_of(after);
                    let kind = jsonata_use(&inner[..i], after);
                    out.push(Ref { root: root.clone(), steps, kind });
                    i += prefix.len();
                    found = true;
                    break;
                }
            }
        }
        if !found {
            let name: String = rest[1..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() && vars.contains(&name) && !rest[1 + name.len()..].starts_with('(') {
                let after = &rest[1 + name.len()..];
                let kind = jsonata_use(&inner[..i], after);
                out.push(Ref { root: Root::Var(name.clone()), steps: steps_of(after), kind });
            }
            i += 1 + name.len();
        }
    }
    // A field that is one plain path needs the field's kind there.
    if whole.len() == 1 && out.len() == 1 && out[0].kind == Kind::Any {
        out[0].kind = kind;
    }
    out
}

/// The kind of value a JSONata path needs from where it stands: the argument of
/// `$number()` or of an arithmetic or ordering operator is a number (JSONata raises an
/// error for a text there); the argument of `$count`, `$sum`... an array.
fn jsonata_use(before: &str, after: &str) -> Kind {
    let path_len: usize = {
        let c: Vec<char> = after.chars().collect();
        let mut i = 0;
        while i < c.len() {
            match c[i] {
                '.' | '_' | '-' => i += 1,
                '[' => match c[i..].iter().position(|x| *x == ']') {
                    Some(p) => i += p + 1,
                    None => break,
                },
                x if x.is_alphanumeric() => i += 1,
                _ => break,
            }
        }
        c[..i].iter().map(|x| x.len_utf8()).sum()
    };
    let before = before.trim_end();
    let next = after[path_len..].trim_start();
    if before.ends_with("$number(") {
        return Kind::Number;
    }
    if ["$count(", "$sum(", "$max(", "$min(", "$average("].iter().any(|f| before.ends_with(f)) {
        return Kind::Array;
    }
    let numeric_op = |s: &str| s.starts_with(['*', '/', '%', '<', '>']) || s.starts_with("+ ") || s.starts_with("- ");
    let numeric_before =
        before.ends_with(['*', '/', '%', '<', '>']) || before.ends_with(" +") || before.ends_with(" -");
    if numeric_op(next) || (numeric_before && !before.ends_with("=>")) {
        return Kind::Number;
    }
    Kind::Any
}

/// The value a JSONata text stands for, if it is one plain path (`{% $states.input.a %}`).
pub fn jsonata_value(text: &str, vars: &[String]) -> Vec<(Root, Vec<Step>)> {
    let Some(inner) = jsonata_inner(text) else { return Vec::new() };
    for (prefix, root) in &JSONATA_ROOTS {
        if let Some(after) = inner.strip_prefix(prefix) {
            if after.is_empty() || after.starts_with(['.', '[']) {
                let steps = steps_of(after);
                if plain_path(after) {
                    return vec![(root.clone(), steps)];
                }
                return Vec::new();
            }
        }
    }
    if let Some(rest) = inner.strip_prefix('$') {
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if !name.is_empty() && vars.contains(&name) && plain_path(&rest[name.len()..]) {
            return vec![(Root::Var(name.clone()), steps_of(&rest[name.len()..]))];
        }
    }
    Vec::new()
}

/// Whether `rest` is nothing but name and index steps.
fn plain_path(rest: &str) -> bool {
    let c: Vec<char> = rest.chars().collect();
    let mut i = 0;
    while i < c.len() {
        match c[i] {
            '.' => {
                i += 1;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '-') {
                    i += 1;
                }
            }
            '[' => match c[i..].iter().position(|x| *x == ']') {
                Some(p) => i += p + 1,
                None => return false,
            },
            _ => return false,
        }
    }
    true
}

/// The value a JSONata comparison `path = literal` asks for, if it is that simple.
pub fn jsonata_comparison(c: &str) -> Option<Value> {
    let inner = jsonata_inner(c)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Step {
        Step::Key(s.into())
    }

    #[test]
    fn paths_and_intrinsics_are_read_with_the_kinds_they_need() {
        let r = jsonpath_refs("$.a.b[0]", Kind::Number);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].steps, vec![k("a"), k("b"), Step::Index(0)]);
        assert_eq!(r[0].kind, Kind::Number);
        let r = jsonpath_refs("States.Format($.t, $.x, $$.Execution.Input.y, $v.z)", Kind::Any);
        let kinds: Vec<_> = r.iter().map(|r| (r.root.clone(), r.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                (Root::Dollar, Kind::Template(3)),
                (Root::Dollar, Kind::Any),
                (Root::ExecInput, Kind::Any),
                (Root::Var("v".into()), Kind::Any)
            ]
        );
        let r = jsonpath_refs("States.ArrayGetItem(States.StringSplit($.s, ':'), 2)", Kind::Any);
        assert_eq!(r[0].kind, Kind::String);
        let r = jsonpath_refs("States.ArrayGetItem($.list, 2)", Kind::Any);
        assert_eq!(r.last().unwrap().steps, vec![k("list"), Step::Index(2)]);
        assert_eq!(jsonpath_value("States.StringToJson($.body)"), vec![(Root::Dollar, vec![k("body"), Step::Json])]);
        assert!(jsonpath_refs("'just text'", Kind::Any).is_empty());
    }

    #[test]
    fn jsonata_reads_roots_and_variables() {
        let vars = vec!["job".to_string()];
        let r =
            jsonata_refs("{% $states.input.order.id & $job.status & $count($states.result.items) %}", &vars, Kind::Any);
        let roots: Vec<_> = r.iter().map(|r| r.root.clone()).collect();
        assert_eq!(roots, vec![Root::Input, Root::Var("job".into()), Root::Result]);
        assert_eq!(jsonata_value("{% $states.input.a[0] %}", &vars), vec![(Root::Input, vec![k("a"), Step::Index(0)])]);
        assert!(jsonata_value("{% $states.input.a + 1 %}", &vars).is_empty());
        let r = jsonata_refs("{% $states.input.n %}", &vars, Kind::Number);
        assert_eq!(r[0].kind, Kind::Number);
    }
}
