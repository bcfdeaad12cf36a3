//! Mutations: structure-aware on the JSON trees (drop, duplicate, replace with edge values or
//! donors, change types, nest deeper, splice states and branches, retarget transitions, switch
//! the query language), character-level on expressions (JSONata, JSONPath, intrinsics) and on
//! whole texts, and size blow-ups (repeated arrays and strings, deep text).

use crate::case::{Case, Part, Target};
use crate::json::{self, J};
use crate::rng::Rng;
use crate::seeds::{fill_mocks, Donors};

const EDGE_NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "-0",
    "0.5",
    "1.0",
    "2",
    "1e300",
    "-1e300",
    "1e-320",
    "1e21",
    "1e400",
    "9007199254740992",
    "9007199254740993",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "99999999",
    "100000000",
    "31622400",
    "31622401",
    "2147483647",
    "2147483648",
    "4294967296",
    "24999",
    "25000",
    "262144",
    "262145",
    "123456789012345678901234567890",
];

const EDGE_STRINGS: &[&str] = &[
    "NaN",
    "Infinity",
    "-Infinity",
    "",
    " ",
    "$",
    "$$",
    "$.",
    "$.a",
    "$[0]",
    "$..*",
    "$$.Execution.Input",
    "$$.Map.Item.Value",
    "$$.State.RetryCount",
    "$$.Task.Token",
    "{% %}",
    "{%%}",
    "{% $ %}",
    "{% $states %}",
    "{% $states.input %}",
    "{% $states.result %}",
    "{% $states.errorOutput %}",
    "{% $states.context %}",
    "{% $undefinedVariable %}",
    "{% [1..300000] %}",
    "{% $pad('', 300000, 'x') %}",
    "{% 1e300 %}",
    "{% -1 %}",
    "{% 'x' %}",
    "{% null %}",
    "{% function($x){$x} %}",
    "States.ALL",
    "States.Runtime",
    "States.TaskFailed",
    "States.Timeout",
    "States.HeartbeatTimeout",
    "States.DataLimitExceeded",
    "States.BranchFailed",
    "States.ExceedToleratedFailureThreshold",
    "States.NoChoiceMatched",
    "States.IntrinsicFailure",
    "States.ResultPathMatchFailure",
    "States.ParameterPathFailure",
    "States.QueryEvaluationError",
    "States.Format('{}', $)",
    "States.JsonToString($)",
    "JSONata",
    "JSONPath",
    "STANDARD",
    "EXPRESS",
    "INLINE",
    "DISTRIBUTED",
    "FULL",
    "NONE",
    "\u{0}",
    "é",
    "😀",
    "\u{2028}",
    "\u{FEFF}",
    "9999-12-31T23:59:59Z",
    "2025-01-01T00:00:00Z",
    "1970-01-01T00:00:00.000Z",
    "0000-01-01T00:00:00Z",
    "2025-02-30T00:00:00Z",
    "2025-01-01T00:00:00.123456789+14:00",
    "arn:aws:states:::lambda:invoke",
    "arn:aws:states:::lambda:invoke.waitForTaskToken",
    "arn:aws:states:::states:startExecution.sync:2",
    "arn:aws:states:::aws-sdk:s3:getObject",
    "arn:aws:states:::s3:getObject",
    "arn:aws:states:us-east-1:123456789012:activity:a",
    "arn:aws:lambda:us-east-1:123456789012:function:f",
    "Task",
    "Pass",
    "Choice",
    "Wait",
    "Succeed",
    "Fail",
    "Parallel",
    "Map",
];

const ALPHABET: &[char] = &[
    '$', '.', '[', ']', '{', '}', '(', ')', '@', '#', '%', '^', '*', '?', ':', ';', ',', '|', '&', '=', '<', '>', '!',
    '~', '+', '-', '/', '\\', '"', '\'', '`', '0', '1', '9', 'a', 'A', 'z', ' ', 'λ', '_', '\n', 'e', 'E', 'é',
    '\u{0}',
];

const TOKENS: &[&str] = &[
    " and ",
    " or ",
    " in ",
    "..",
    "~>",
    " & ",
    "??",
    "?:",
    "**",
    "*",
    "%",
    "#$i",
    "@$x",
    "^(>$)",
    "^(<a)",
    "[0]",
    "[-1]",
    "[]",
    "{}",
    "()",
    "$",
    "$$",
    "$states",
    "$states.input",
    "$states.context",
    "$states.result",
    "function($x){$x}",
    "λ($x, $y){$x + $y}",
    "/a+/i",
    "/(a+)+$/",
    "$string(",
    "$number(",
    "$pad(",
    "$sum(",
    "$map(",
    "$filter(",
    "$reduce(",
    "$sort(",
    "$split(",
    "$join(",
    "$match(",
    "$replace(",
    "$contains(",
    "$eval(",
    "$exists(",
    "$count(",
    "$keys(",
    "$lookup(",
    "$merge(",
    "$sift(",
    "$each(",
    "$spread(",
    "$zip(",
    "$distinct(",
    "$shuffle(",
    "$formatNumber(",
    "$formatInteger(",
    "$formatBase(",
    "$fromMillis(",
    "$toMillis(",
    "$now()",
    "$millis()",
    "$random()",
    "$uuid()",
    "$range(",
    "$hash(",
    "$partition(",
    "$parse(",
    "$substring(",
    "$substringBefore(",
    "$uppercase(",
    "$base64decode(",
    "$encodeUrl(",
    "$decodeUrlComponent(",
    "$power(",
    "$round(",
    "[1..100000]",
    "[1..1e9]",
    "1e300",
    "9007199254740993",
    "-0",
    "null",
    "true",
    "\"\"",
    "''",
    ":=",
    "; ",
    "$x := ",
    "|$|{'a':1}|",
    "%.",
    " ? ",
    " : ",
    ", ",
    "$..",
    "[*]",
    "[?(@.a)]",
    "[?(@.a == 1)]",
    "[?(@ > 1)]",
    "[0:2]",
    "[-1:]",
    "[::-1]",
    "['a','b']",
    ".length()",
    "States.Format(",
    "States.StringToJson(",
    "States.JsonToString(",
    "States.Array(",
    "States.ArrayRange(",
    "States.ArrayPartition(",
    "States.ArrayContains(",
    "States.ArrayUnique(",
    "States.ArrayGetItem(",
    "States.MathAdd(",
    "States.MathRandom(",
    "States.Hash(",
    "States.UUID()",
    "States.StringSplit(",
    "States.Base64Encode(",
    "States.Base64Decode(",
    "\\'",
    "\\\\",
    "\\u0000",
    "{% ",
    " %}",
];

fn edge_value(rng: &mut Rng) -> J {
    match rng.below(10) {
        0..=3 => J::Num(rng.pick(EDGE_NUMBERS).to_string()),
        4..=7 => J::str(*rng.pick(EDGE_STRINGS)),
        8 => match rng.below(6) {
            0 => J::Null,
            1 => J::Bool(true),
            2 => J::Bool(false),
            3 => J::Arr(vec![]),
            4 => J::Obj(vec![]),
            _ => J::Arr(vec![J::Null]),
        },
        _ => J::Str(rng.pick(EDGE_NUMBERS).to_string()),
    }
}

// ------------------------------------------------------------------ tree addressing

/// A node by its place in a pre-order walk.
fn count(j: &J) -> usize {
    match j {
        J::Arr(a) => 1 + a.iter().map(count).sum::<usize>(),
        J::Obj(m) => 1 + m.iter().map(|(_, v)| count(v)).sum::<usize>(),
        _ => 1,
    }
}

/// The path (child indices) of the `k`-th node in pre-order.
fn path_of(j: &J, mut k: usize) -> Vec<usize> {
    let mut path = Vec::new();
    let mut node = j;
    while k > 0 {
        k -= 1;
        let children: Vec<&J> = match node {
            J::Arr(a) => a.iter().collect(),
            J::Obj(m) => m.iter().map(|(_, v)| v).collect(),
            _ => return path,
        };
        let mut found = false;
        for (i, c) in children.into_iter().enumerate() {
            let n = count(c);
            if k < n {
                path.push(i);
                node = c;
                found = true;
                break;
            }
            k -= n;
        }
        if !found {
            break;
        }
    }
    path
}

fn at_mut<'a>(j: &'a mut J, path: &[usize]) -> &'a mut J {
    let mut node = j;
    for &i in path {
        node = match node {
            J::Arr(a) => &mut a[i],
            J::Obj(m) => &mut m[i].1,
            _ => unreachable!("paths come from the tree"),
        };
    }
    node
}

fn at<'a>(j: &'a J, path: &[usize]) -> &'a J {
    let mut node = j;
    for &i in path {
        node = match node {
            J::Arr(a) => &a[i],
            J::Obj(m) => &m[i].1,
            _ => unreachable!("paths come from the tree"),
        };
    }
    node
}

fn random_path(rng: &mut Rng, j: &J) -> Vec<usize> {
    let n = count(j);
    path_of(j, rng.below(n))
}

/// Every path whose node satisfies `f` (with the key it is under, if any).
fn find_paths(j: &J, f: &dyn Fn(Option<&str>, &J) -> bool) -> Vec<Vec<usize>> {
    fn go(
        j: &J,
        key: Option<&str>,
        path: &mut Vec<usize>,
        f: &dyn Fn(Option<&str>, &J) -> bool,
        out: &mut Vec<Vec<usize>>,
    ) {
        if f(key, j) {
            out.push(path.clone());
        }
        match j {
            J::Arr(a) => {
                for (i, c) in a.iter().enumerate() {
                    path.push(i);
                    go(c, key, path, f, out);
                    path.pop();
                }
            }
            J::Obj(m) => {
                for (i, (k, c)) in m.iter().enumerate() {
                    path.push(i);
                    go(c, Some(k), path, f, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    go(j, None, &mut Vec::new(), f, &mut out);
    out
}

/// The key a node is under (its parent an object), if any.
fn key_of(root: &J, path: &[usize]) -> Option<String> {
    let (last, parent) = path.split_last()?;
    match at(root, parent) {
        J::Obj(m) => Some(m[*last].0.clone()),
        _ => None,
    }
}

// ------------------------------------------------------------------ strings

/// A character-level mutation of an expression or any string.
pub fn mutate_string(rng: &mut Rng, donors: &Donors, s: &str) -> String {
    let mut c: Vec<char> = s.chars().collect();
    let rounds = 1 + usize::from(rng.chance(3)) + usize::from(rng.chance(6));
    for _ in 0..rounds {
        let pos = rng.below(c.len() + 1);
        match rng.below(14) {
            0 | 1 => c.insert(pos, *rng.pick(ALPHABET)),
            2 | 3 if !c.is_empty() => {
                let n = rng.scale(8).min(c.len() - pos.min(c.len()));
                c.drain(pos.min(c.len())..pos.min(c.len()) + n);
            }
            4 if pos < c.len() => c[pos] = *rng.pick(ALPHABET),
            5..=7 => {
                let t: Vec<char> = rng.pick(TOKENS).chars().collect();
                c.splice(pos..pos, t);
            }
            8 if !donors.jsonata.is_empty() || !donors.exprs.is_empty() => {
                // Splice a piece of another expression in.
                let src = if rng.chance(2) && !donors.jsonata.is_empty() {
                    rng.pick(&donors.jsonata)
                } else if !donors.exprs.is_empty() {
                    rng.pick(&donors.exprs)
                } else {
                    rng.pick(&donors.jsonata)
                };
                let d: Vec<char> = src.chars().collect();
                let a = rng.below(d.len() + 1);
                let b = (a + rng.scale(40)).min(d.len());
                let end = (pos + if rng.chance(2) { rng.below(8) } else { 0 }).min(c.len());
                c.splice(pos..end, d[a..b].iter().copied());
            }
            9 if !c.is_empty() => {
                // Repeat a piece.
                let a = rng.below(c.len());
                let b = (a + rng.scale(16)).min(c.len());
                let max = if rng.chance(8) { 5000 } else { 16 };
                let piece: Vec<char> = c[a..b].to_vec();
                let times = rng.scale(max).min(MAX_ADDED / piece.len().max(1));
                let rep: Vec<char> = piece.iter().copied().cycle().take(piece.len() * times).collect();
                c.splice(b..b, rep);
            }
            10 => {
                // A number in the text becomes an edge number.
                if let Some(start) = (0..c.len()).map(|i| (pos + i) % c.len().max(1)).find(|&i| c[i].is_ascii_digit()) {
                    let mut end = start;
                    while end < c.len() && (c[end].is_ascii_digit() || c[end] == '.') {
                        end += 1;
                    }
                    c.splice(start..end, rng.pick(EDGE_NUMBERS).chars());
                } else {
                    c.splice(pos..pos, rng.pick(EDGE_NUMBERS).chars());
                }
            }
            11 if !c.is_empty() => {
                if rng.chance(2) {
                    // Truncate.
                    c.truncate(pos);
                } else {
                    chain(rng, &mut c);
                }
            }
            12 => {
                // Wrap the whole (or, inside {% %}, the expression) n times.
                let (open, close) = *rng.pick(&[
                    ("(", ")"),
                    ("[", "]"),
                    ("$string(", ")"),
                    ("{'a':", "}"),
                    ("-", ""),
                    ("$not(", ")"),
                    ("(", ").a"),
                    ("$map([1,2], function($v){", "})"),
                ]);
                let max = if rng.chance(6) { 3000 } else { 8 };
                let n = rng.scale(max);
                let text: String = c.iter().collect();
                let (pre, inner, post) = match text.strip_prefix("{%").and_then(|t| t.strip_suffix("%}")) {
                    Some(inner) => ("{%", inner.to_string(), "%}"),
                    None => ("", text.clone(), ""),
                };
                let wrapped = format!("{pre}{}{inner}{}{post}", open.repeat(n), close.repeat(n));
                c = wrapped.chars().collect();
            }
            _ => {
                // Swap two characters.
                if c.len() >= 2 {
                    let a = rng.below(c.len());
                    let b = rng.below(c.len());
                    c.swap(a, b);
                }
            }
        }
        if c.len() > 400_000 {
            c.truncate(400_000);
        }
    }
    c.into_iter().collect()
}

/// A long operator chain: an operator of the text and the operand after it (`.b`, `+1`,
/// `[0]`, `~>$f`, ` and x`), repeated up to 20,000 times in place.
fn chain(rng: &mut Rng, c: &mut Vec<char>) {
    const OPS: &[char] = &['.', '+', '-', '*', '/', '&', '[', '~', '=', '<', '>', '%', ',', '|', '?', ':'];
    let starts: Vec<usize> = (0..c.len())
        .filter(|&i| {
            OPS.contains(&c[i])
                || c[i..].starts_with(&[' ', 'a', 'n', 'd', ' '])
                || c[i..].starts_with(&[' ', 'o', 'r', ' '])
        })
        .collect();
    let (a, b) = if starts.is_empty() {
        let ops = [".b", "+1", "[0]", "~>$string", " and true", "&'x'", "-1", "*1"];
        let piece: Vec<char> = rng.pick(&ops).chars().collect();
        let at = c.len();
        c.extend(piece.iter());
        (at, c.len())
    } else {
        let a = *rng.pick(&starts);
        let mut b = a + 1;
        while b < c.len() && c[b] == c[a] || (b < c.len() && matches!(c[b], '>' | ' ' | '$')) && b < a + 3 {
            b += 1;
        }
        while b < c.len()
            && (c[b].is_alphanumeric() || matches!(c[b], '_' | '$' | '\'' | '"' | ' ' | ']'))
            && b < a + 24
        {
            b += 1;
            if c[b - 1] == ']' {
                break;
            }
        }
        (a, b)
    };
    // A run of one character (`.....`) can make the piece the whole text: cap the piece,
    // and what is added, so a mutation never builds more than MAX_ADDED characters.
    let b = b.min(a + 24).min(c.len());
    let piece: Vec<char> = c[a..b].to_vec();
    let times = rng.scale(20_000).min(MAX_ADDED / piece.len().max(1));
    let rep: Vec<char> = piece.iter().copied().cycle().take(piece.len() * times).collect();
    c.splice(b..b, rep);
}

/// The most characters one mutation adds (a string is cut to 400,000 after each round).
const MAX_ADDED: usize = 400_000;

// ------------------------------------------------------------------ trees

#[derive(Clone, Copy, PartialEq)]
pub enum Kind {
    Definition,
    Input,
    Mocks,
    Data,
}

/// One structure-aware mutation of a tree.
pub fn mutate_tree(rng: &mut Rng, donors: &Donors, root: &mut J, kind: Kind) {
    let choice = rng.below(if kind == Kind::Definition {
        22
    } else if kind == Kind::Mocks {
        16
    } else {
        14
    });
    match choice {
        0 | 1 => drop_node(rng, root),
        2 => dup_node(rng, root),
        3 | 4 => {
            let p = random_path(rng, root);
            *at_mut(root, &p) = edge_value(rng);
        }
        5 | 6 => donor_same_key(rng, donors, root),
        7 => {
            let p = random_path(rng, root);
            *at_mut(root, &p) = rng.pick(&donors.values).clone();
        }
        8 => add_field(rng, donors, root),
        9 => {
            let p = random_path(rng, root);
            let n = at_mut(root, &p);
            *n = change_type(rng, n.clone());
        }
        10 => nest(rng, root),
        11 | 12 => {
            let strings = find_paths(root, &|_, v| matches!(v, J::Str(_)));
            if strings.is_empty() {
                return drop_node(rng, root);
            }
            let p = rng.pick(&strings).clone();
            if let J::Str(s) = at_mut(root, &p) {
                *s = mutate_string(rng, donors, s);
            }
        }
        13 => blow_up(rng, root),
        // Definitions
        14 | 15 => splice_state(rng, donors, root),
        16 => splice_branch(rng, donors, root),
        17 | 18 => retarget(rng, root),
        19 => query_language(rng, root),
        20 => rename_key(rng, donors, root),
        21 => {
            // A state's type becomes another (its fields stay).
            let states = find_paths(root, &|k, v| k == Some("Type") && v.as_str().is_some());
            if let Some(p) = (!states.is_empty()).then(|| rng.pick(&states).clone()) {
                *at_mut(root, &p) =
                    J::str(*rng.pick(&["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"]));
            }
        }
        // Mocks
        _ => mutate_mocks(rng, donors, root),
    }
}

fn drop_node(rng: &mut Rng, root: &mut J) {
    let p = random_path(rng, root);
    if let Some((last, parent)) = p.split_last() {
        match at_mut(root, parent) {
            J::Arr(a) => {
                a.remove(*last);
            }
            J::Obj(m) => {
                m.remove(*last);
            }
            _ => {}
        }
    }
}

fn dup_node(rng: &mut Rng, root: &mut J) {
    let p = random_path(rng, root);
    if let Some((last, parent)) = p.split_last() {
        match at_mut(root, parent) {
            J::Arr(a) => {
                let x = a[*last].clone();
                a.insert(*last, x);
            }
            J::Obj(m) => {
                // A duplicate key.
                let x = m[*last].clone();
                let at = rng.below(m.len() + 1);
                m.insert(at, x);
            }
            _ => {}
        }
    }
}

fn donor_same_key(rng: &mut Rng, donors: &Donors, root: &mut J) {
    let members = find_paths(root, &|k, _| k.is_some());
    if members.is_empty() {
        return;
    }
    for _ in 0..4 {
        let p = rng.pick(&members).clone();
        let Some(k) = key_of(root, &p) else { continue };
        if let Some(list) = donors.by_key.get(&k).filter(|l| !l.is_empty()) {
            *at_mut(root, &p) = rng.pick(list).clone();
            return;
        }
    }
}

fn add_field(rng: &mut Rng, donors: &Donors, root: &mut J) {
    let objects = find_paths(root, &|_, v| matches!(v, J::Obj(_)));
    if objects.is_empty() || donors.keys.is_empty() {
        return;
    }
    let p = rng.pick(&objects).clone();
    let k = rng.pick(&donors.keys).clone();
    let v = rng.pick(&donors.by_key[&k]).clone();
    if let J::Obj(m) = at_mut(root, &p) {
        let at = rng.below(m.len() + 1);
        m.insert(at, (k, v));
    }
}

fn change_type(rng: &mut Rng, v: J) -> J {
    match v {
        J::Num(n) if rng.chance(2) => J::Str(n),
        J::Str(s) if s.parse::<f64>().is_ok() && !s.is_empty() && rng.chance(2) => match json::parse(&s) {
            Ok(n @ J::Num(_)) => n,
            _ => J::Str(s),
        },
        J::Obj(m) if rng.chance(2) => J::Arr(m.into_iter().map(|(_, v)| v).collect()),
        J::Arr(a) if rng.chance(2) => J::Obj(a.into_iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect()),
        J::Bool(b) => J::Str(b.to_string()),
        J::Null => J::str("null"),
        v => match rng.below(4) {
            0 => J::Arr(vec![v]),
            1 => J::Str(v.text()),
            2 => J::obj(vec![("value", v)]),
            _ => J::Null,
        },
    }
}

fn nest(rng: &mut Rng, root: &mut J) {
    let p = random_path(rng, root);
    let room = crate::json::MAX_DEPTH.saturating_sub(root.depth() + 2);
    let max = if rng.chance(5) { 1000 } else { 8 };
    let n = rng.scale(max).min(room);
    let node = at_mut(root, &p);
    let mut v = std::mem::replace(node, J::Null);
    let array = rng.chance(2);
    for _ in 0..n {
        v = if array { J::Arr(vec![v]) } else { J::obj(vec![("a", v)]) };
    }
    *node = v;
}

fn blow_up(rng: &mut Rng, root: &mut J) {
    let targets =
        find_paths(root, &|_, v| matches!(v, J::Arr(a) if !a.is_empty()) || matches!(v, J::Str(s) if !s.is_empty()));
    if targets.is_empty() {
        let p = random_path(rng, root);
        *at_mut(root, &p) = J::Str("x".repeat(rng.scale(300_000)));
        return;
    }
    let p = rng.pick(&targets).clone();
    match at_mut(root, &p) {
        J::Arr(a) => {
            let times = rng.scale(2000);
            let cap = 200_000 / a.len().max(1);
            let items: Vec<J> = a.iter().cloned().cycle().take(a.len() * times.min(cap.max(1))).collect();
            *a = items;
        }
        J::Str(s) => {
            let times = rng.scale(100_000);
            let cap = 1_000_000 / s.len().max(1);
            *s = s.repeat(times.min(cap.max(1)));
        }
        _ => {}
    }
}

/// Every `States` object's path.
fn states_maps(root: &J) -> Vec<Vec<usize>> {
    find_paths(root, &|k, v| k == Some("States") && matches!(v, J::Obj(_)))
}

fn state_names(root: &J) -> Vec<String> {
    let mut names = Vec::new();
    for p in states_maps(root) {
        if let J::Obj(m) = at(root, &p) {
            names.extend(m.iter().map(|(k, _)| k.clone()));
        }
    }
    names
}

fn splice_state(rng: &mut Rng, donors: &Donors, root: &mut J) {
    let maps = states_maps(root);
    if maps.is_empty() || donors.states.is_empty() {
        return;
    }
    let p = rng.pick(&maps).clone();
    let (dname, dstate) = rng.pick(&donors.states).clone();
    let J::Obj(m) = at_mut(root, &p) else { return };
    let name = match rng.below(3) {
        0 if !m.is_empty() => m[rng.below(m.len())].0.clone(),
        1 => dname,
        _ => format!("Spliced{}", rng.below(1000)),
    };
    match m.iter_mut().find(|(k, _)| *k == name) {
        Some(slot) => slot.1 = dstate,
        None => m.push((name.clone(), dstate)),
    }
    if rng.chance(2) && m.len() > 1 {
        // Something leads to it.
        let i = rng.below(m.len());
        let st = &mut m[i].1;
        st.remove("End");
        st.set("Next", J::Str(name));
    }
}

fn splice_branch(rng: &mut Rng, donors: &Donors, root: &mut J) {
    if donors.branches.is_empty() {
        return;
    }
    let places = find_paths(root, &|k, v| {
        matches!(k, Some("Branches" | "ItemProcessor" | "Iterator"))
            && (v.get("StartAt").is_some() || matches!(v, J::Arr(_)))
    });
    let b = rng.pick(&donors.branches).clone();
    if places.is_empty() || rng.chance(6) {
        // The whole machine's states from elsewhere.
        if let (Some(s), Some(start)) = (b.get("States"), b.get("StartAt")) {
            root.set("States", s.clone());
            root.set("StartAt", start.clone());
        }
        return;
    }
    let p = rng.pick(&places).clone();
    match at_mut(root, &p) {
        J::Arr(a) => {
            if a.is_empty() || rng.chance(2) {
                a.push(b);
            } else {
                let i = rng.below(a.len());
                a[i] = b;
            }
        }
        n => {
            let cfg = n.get("ProcessorConfig").cloned();
            *n = b;
            if let Some(c) = cfg {
                n.set("ProcessorConfig", c);
            }
        }
    }
}

fn retarget(rng: &mut Rng, root: &mut J) {
    let names = state_names(root);
    let links = find_paths(root, &|k, v| matches!(k, Some("Next" | "Default" | "StartAt")) && v.as_str().is_some());
    if links.is_empty() {
        return;
    }
    let p = rng.pick(&links).clone();
    let target = match rng.below(6) {
        0 => "Nowhere".to_string(),
        1 => String::new(),
        _ if !names.is_empty() => rng.pick(&names).clone(),
        _ => "A".to_string(),
    };
    *at_mut(root, &p) = J::Str(target);
}

fn query_language(rng: &mut Rng, root: &mut J) {
    let value = match rng.below(6) {
        0 | 1 => Some(J::str("JSONata")),
        2 | 3 => Some(J::str("JSONPath")),
        4 => Some(edge_value(rng)),
        _ => None,
    };
    let states = find_paths(root, &|_, v| v.get("Type").is_some());
    let node = if states.is_empty() || rng.chance(2) {
        root
    } else {
        let p = rng.pick(&states).clone();
        at_mut(root, &p)
    };
    match value {
        Some(v) => node.set("QueryLanguage", v),
        None => {
            node.remove("QueryLanguage");
        }
    }
}

fn rename_key(rng: &mut Rng, donors: &Donors, root: &mut J) {
    let objects = find_paths(root, &|_, v| matches!(v, J::Obj(m) if !m.is_empty()));
    if objects.is_empty() {
        return;
    }
    let p = rng.pick(&objects).clone();
    if let J::Obj(m) = at_mut(root, &p) {
        let i = rng.below(m.len());
        m[i].0 = match rng.below(4) {
            0 if !donors.keys.is_empty() => rng.pick(&donors.keys).clone(),
            1 => m[i].0.to_lowercase(),
            2 => format!("{}.$", m[i].0),
            _ => mutate_string(rng, donors, &m[i].0),
        };
    }
}

fn mutate_mocks(rng: &mut Rng, donors: &Donors, root: &mut J) {
    let latencies = find_paths(root, &|k, _| matches!(k, Some("latency" | "LatencySeconds")));
    let entries = find_paths(root, &|_, v| {
        v.get("result").is_some() || v.get("Return").is_some() || v.get("error").is_some() || v.get("Throw").is_some()
    });
    match rng.below(3) {
        0 if !latencies.is_empty() => {
            let p = rng.pick(&latencies).clone();
            *at_mut(root, &p) = match rng.below(4) {
                0 => {
                    J::Arr(vec![J::Num(rng.pick(EDGE_NUMBERS).to_string()), J::Num(rng.pick(EDGE_NUMBERS).to_string())])
                }
                1 => J::Arr(vec![J::num(5), J::num(1)]),
                _ => J::Num(rng.pick(EDGE_NUMBERS).to_string()),
            };
        }
        1 if !entries.is_empty() => {
            let p = rng.pick(&entries).clone();
            let e = at_mut(root, &p);
            let sfn_local = e.get("Return").is_some() || e.get("Throw").is_some();
            let error = J::str(*rng.pick(&[
                "States.ALL",
                "States.TaskFailed",
                "States.Timeout",
                "Custom.Error",
                "",
                "Lambda.ServiceException",
            ]));
            *e = match (rng.below(3), sfn_local) {
                (0, false) => J::obj(vec![("error", error), ("cause", edge_value(rng))]),
                (0, true) => J::obj(vec![("Throw", J::obj(vec![("Error", error), ("Cause", edge_value(rng))]))]),
                (1, false) => J::obj(vec![("result", rng.pick(&donors.values).clone())]),
                (1, true) => J::obj(vec![("Return", rng.pick(&donors.values).clone())]),
                _ => J::Arr(vec![e.clone(), J::obj(vec![("error", error)]), e.clone()]),
            };
            if rng.chance(3) {
                e.set(if sfn_local { "LatencySeconds" } else { "latency" }, J::Num(rng.pick(EDGE_NUMBERS).to_string()));
            }
        }
        _ => {
            let p = random_path(rng, root);
            *at_mut(root, &p) = edge_value(rng);
        }
    }
}

// ------------------------------------------------------------------ cases

fn mutate_part(rng: &mut Rng, donors: &Donors, part: &mut Part, kind: Kind) {
    match part {
        Part::Tree(j) => {
            if rng.chance(25) {
                *part = text_mutation(rng, donors, j, kind);
            } else {
                mutate_tree(rng, donors, j, kind);
            }
        }
        Part::Text(t) => {
            *part = Part::Text(mutate_string(rng, donors, t)).normalized();
        }
    }
}

/// A mutation of the text itself: broken JSON, or nesting deeper than a tree is kept.
fn text_mutation(rng: &mut Rng, donors: &Donors, j: &J, _kind: Kind) -> Part {
    if rng.chance(2) {
        let mut copy = j.clone();
        let p = random_path(rng, &copy);
        *at_mut(&mut copy, &p) = J::str("\u{1}DEEP\u{1}");
        let n = rng.scale(200_000);
        let (open, close) =
            if rng.chance(2) { ("[".repeat(n), "]".repeat(n)) } else { ("{\"a\":".repeat(n), "}".repeat(n)) };
        let text = copy.text().replacen("\"\u{1}DEEP\u{1}\"", &format!("{open}1{close}"), 1);
        return Part::Text(text);
    }
    Part::Text(mutate_string(rng, donors, &j.text())).normalized()
}

/// Mutate `case` in place: 1 to a few stacked mutations of its parts.
pub fn mutate(rng: &mut Rng, donors: &Donors, case: &mut Case, other: &Case) {
    let n = 1 + usize::from(rng.chance(2)) + usize::from(rng.chance(4)) + usize::from(rng.chance(8));
    for _ in 0..n {
        match case.target {
            Target::Jsonata => mutate_jsonata(rng, donors, case, other),
            Target::TestState => mutate_test_state(rng, donors, case, other),
            _ => mutate_asl(rng, donors, case, other),
        }
    }
    if matches!(case.target, Target::Run | Target::Wasm) && rng.below(10) != 0 {
        fill_mocks(case);
    }
}

fn mutate_asl(rng: &mut Rng, donors: &Donors, case: &mut Case, other: &Case) {
    match rng.below(20) {
        0..=10 => mutate_part(rng, donors, &mut case.definition, Kind::Definition),
        11..=13 => mutate_part(rng, donors, &mut case.input, Kind::Input),
        14 | 15 => match &mut case.mocks {
            Some(m) => mutate_part(rng, donors, m, Kind::Mocks),
            None => case.mocks = Some(Part::Tree(J::Obj(vec![]))),
        },
        16 => match rng.below(4) {
            0 => case.express = !case.express,
            1 => case.seed = rng.next() % 1000,
            2 => {
                case.test_case = if case.test_case.is_some() && rng.chance(2) {
                    None
                } else {
                    Some(rng.pick(&["Recorded", "", "Other"]).to_string())
                }
            }
            _ => case.seed = rng.next(),
        },
        17 => case.input = other.input.clone(),
        18 => {
            case.mocks = other.mocks.clone();
            case.test_case = other.test_case.clone();
        }
        _ => {
            // Another definition's state machine, this case's input.
            if rng.chance(2) {
                case.definition = other.definition.clone();
            } else {
                mutate_part(rng, donors, &mut case.definition, Kind::Definition);
            }
        }
    }
}

/// A TestState request: its definition and input as for the other targets; its other fields
/// (the case's `mocks`) mutated as a tree, or set to what the API knows.
fn mutate_test_state(rng: &mut Rng, donors: &Donors, case: &mut Case, other: &Case) {
    let state_names = |d: &Part| -> Vec<String> {
        match d {
            Part::Tree(d) => match d.get("States") {
                Some(J::Obj(m)) => m.iter().map(|(k, _)| k.clone()).collect(),
                _ => vec![],
            },
            Part::Text(_) => vec![],
        }
    };
    match rng.below(20) {
        0..=8 => mutate_part(rng, donors, &mut case.definition, Kind::Definition),
        9..=11 => mutate_part(rng, donors, &mut case.input, Kind::Input),
        12..=14 => match &mut case.mocks {
            Some(m) => mutate_part(rng, donors, m, Kind::Input),
            None => case.mocks = Some(Part::Tree(J::Obj(vec![]))),
        },
        15 | 16 => {
            let Some(Part::Tree(rest @ J::Obj(_))) = &mut case.mocks else {
                case.mocks = Some(Part::Tree(J::Obj(vec![])));
                return;
            };
            let result = rng.pick(&donors.values).text();
            let (key, value) = match rng.below(10) {
                0 => ("inspectionLevel", J::str(*rng.pick(&["INFO", "DEBUG", "TRACE", "trace", ""]))),
                1 => {
                    let mut names = state_names(&case.definition);
                    names.push("NoSuchState".into());
                    ("stateName", J::str(rng.pick(&names).clone()))
                }
                2 => ("mock", J::obj(vec![("result", J::Str(result))])),
                3 => (
                    "mock",
                    J::obj(vec![(
                        "errorOutput",
                        J::obj(vec![("error", J::str("States.TaskFailed")), ("cause", J::Str(result))]),
                    )]),
                ),
                4 => (
                    "mock",
                    J::obj(vec![
                        ("result", J::Str(result)),
                        ("fieldValidationMode", J::str(*rng.pick(&["STRICT", "PRESENT", "NONE", "x"]))),
                    ]),
                ),
                5 => ("variables", J::Str(J::obj(vec![("x", rng.pick(&donors.values).clone())]).text())),
                6 => ("context", J::Str(J::obj(vec![("Execution", rng.pick(&donors.values).clone())]).text())),
                // A state of the definition (inner or not), or none of them.
                7 => {
                    let mut names = state_names(&case.definition);
                    names.extend(["NoSuchState".to_string(), String::new()]);
                    ("stateConfiguration", J::obj(vec![("errorCausedByState", J::str(rng.pick(&names).clone()))]))
                }
                // A donor's text, or CSV, as an ItemReader's data.
                8 => {
                    let data = if rng.chance(2) { result } else { "a,b\n1,\"2\"\n3".to_string() };
                    ("stateConfiguration", J::obj(vec![("mapItemReaderData", J::Str(data))]))
                }
                _ => ("revealSecrets", J::Bool(rng.chance(2))),
            };
            rest.set(key, value);
        }
        17 => case.input = other.input.clone(),
        18 => case.mocks = other.mocks.clone(),
        _ => case.definition = other.definition.clone(),
    }
}

fn mutate_jsonata(rng: &mut Rng, donors: &Donors, case: &mut Case, other: &Case) {
    match rng.below(20) {
        0..=12 => case.expr = mutate_string(rng, donors, &case.expr),
        13 => {
            // Splice a piece of another expression.
            let o: Vec<char> = other.expr.chars().collect();
            let a = rng.below(o.len() + 1);
            let b = (a + rng.scale(64)).min(o.len());
            let mut c: Vec<char> = case.expr.chars().collect();
            let at = rng.below(c.len() + 1);
            let end = (at + rng.below(8)).min(c.len());
            c.splice(at..end, o[a..b].iter().copied());
            case.expr = c.into_iter().collect();
        }
        14 => {
            // Put the expression where it runs many times.
            let wrap = *rng.pick(&[
                "$map([1..1000], function($v){ (@) })",
                "[1..100].(@)",
                "$reduce([1..1000], function($a, $v){ (@) }, 0)",
                "($f := function($n){ $n > 0 ? [(@), $f($n - 1)] : [] }; $f(500))",
                "$sort([1..500], function($a, $b){ (@) })",
                "{'k': (@)}.k",
                "(@) ~> $string",
                "$eval('@')",
            ]);
            case.expr = wrap.replace('@', &case.expr);
        }
        15..=17 => match &mut case.data {
            Some(d) => mutate_part(rng, donors, d, Kind::Data),
            None => case.data = Some(Part::Tree(rng.pick(&donors.values).clone())),
        },
        18 => {
            if let Part::Tree(b @ J::Obj(_)) = &mut case.bindings {
                let name = rng.pick(&["x", "v", "states", "f", "a"]).to_string();
                b.set(&name, rng.pick(&donors.values).clone());
            } else {
                case.bindings = Part::Tree(J::Obj(vec![]));
            }
        }
        _ => match rng.below(3) {
            0 => case.asl = !case.asl,
            1 => case.data = other.data.clone(),
            _ => case.data = None,
        },
    }
}
