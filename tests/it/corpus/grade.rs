//! The grading rules of the corpus's own runner (`../shared/conformance/run`, Python), ported
//! so that the Rust loop passes exactly the cases the runner passes: the placeholder-aware
//! `matches`, `parse_json_strings`, the mock configuration built from recorded task results,
//! and the four graders. Each grader feeds the library what the runner hands the CLI (the
//! same text, the same files' values) and reads back what the CLI would print.
//!
//! Python's own behaviour is kept where it shows: numbers compare exactly (an integer and a
//! float are equal when their values are), objects compare as key sets, `json.dumps` text
//! (ASCII-only, `", "` and `": "` separators, Python's float `repr`) is what the CLI reads as
//! a definition. Where the port can differ (none does on today's corpus: the two pass the
//! same 3,199 cases, and 18,692 mutated (expected, actual) pairs drawn from the corpus got the
//! same verdict and the same first difference from both `matches`): Python's `\d` also
//! matches non-ASCII digits, here ASCII only; JSON text inside strings is read with
//! statelab's parser, which refuses `NaN` and `Infinity` where Python's accepts them.

use statelab::asl::{self, MachineType};
use statelab::driver::{result_json, simulate};
use statelab::exec::{Options, Rng};
use statelab::json;
use statelab::mock::Mocks;
use statelab::value::{Map, Number, Value};

/// What a grader says about one case: passed, failed (why), or not gradable by the runner
/// (left out of the totals, as the runner leaves them out).
pub enum Verdict {
    Pass,
    Fail(String),
    NotGradable,
}

// ------------------------------------------------------------------ placeholder-aware comparison

/// The runner's `WORD_PLACEHOLDERS`: an expected string that stands for any scalar.
const WORD_PLACEHOLDERS: &[&str] = &[
    "date",
    "timestamp",
    "datetime",
    "start-date",
    "stop-date",
    "RequestId",
    "X-Amzn-Trace-Id",
    "x-amz-crc32",
    "x-amzn-RequestId",
    "x-amzn-requestid",
    "<timestamp>",
];

/// The literal alternatives of the runner's `TOKEN_RE` (besides `<...>`).
const TOKEN_WORDS: &[&str] = &["111111111111", "snf_role_arn", "sfn_role_arn"];

/// Python's `\s` (`str.isspace`): Unicode white space plus the separators U+001C..U+001F.
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Length in bytes of a `TOKEN_RE` match at the start of `s`, if any (`<[^<>\s]+>` first,
/// then the literal words, as the regex's alternation tries them).
fn token_at(s: &str) -> Option<usize> {
    if let Some(rest) = s.strip_prefix('<') {
        let end = rest.find(|c: char| c == '<' || c == '>' || py_space(c)).unwrap_or(rest.len());
        if end > 0 && rest[end..].starts_with('>') {
            return Some(end + 2);
        }
    }
    TOKEN_WORDS.iter().find(|w| s.starts_with(**w)).map(|w| w.len())
}

/// `re.split("(" + TOKEN_RE + ")", exp)` without the empty parts: `None` is a placeholder.
fn split_tokens(exp: &str) -> Vec<Option<&str>> {
    let mut out = Vec::new();
    let (mut lit, mut i) = (0, 0);
    while i < exp.len() {
        if let Some(n) = token_at(&exp[i..]) {
            if lit < i {
                out.push(Some(&exp[lit..i]));
            }
            out.push(None);
            i += n;
            lit = i;
        } else {
            i += exp[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    if lit < exp.len() {
        out.push(Some(&exp[lit..]));
    }
    out
}

/// `re.fullmatch` of the pattern the runner builds from the parts: literals escaped, each
/// placeholder `.+?` (one or more characters of anything, `re.S`). Memoised on (part, offset).
fn glob(parts: &[Option<&str>], s: &str) -> bool {
    fn go(parts: &[Option<&str>], s: &str, at: usize, seen: &mut Vec<Vec<bool>>) -> bool {
        let Some((first, rest)) = parts.split_first() else { return at == s.len() };
        let slot = &mut seen[parts.len() - 1];
        if slot[at] {
            return false;
        }
        slot[at] = true;
        match first {
            Some(lit) => s[at..].starts_with(lit) && go(rest, s, at + lit.len(), seen),
            None => s[at..]
                .char_indices()
                .skip(1)
                .map(|(i, _)| at + i)
                .chain([s.len()])
                .filter(|&j| j > at)
                .any(|j| go(rest, s, j, seen)),
        }
    }
    let mut seen = vec![vec![false; s.len() + 1]; parts.len()];
    go(parts, s, 0, &mut seen)
}

/// The runner's `ISO_RE.sub("date", s)`: every ISO 8601 date-time (optional fraction of up to
/// nine digits, optional `Z` or offset) replaced by the word `date`.
pub fn iso_to_date(s: &str) -> String {
    fn digits(b: &[u8], at: usize, n: usize) -> bool {
        b.len() >= at + n && b[at..at + n].iter().all(u8::is_ascii_digit)
    }
    /// The length of a match at the start of `b`.
    fn iso_at(b: &[u8]) -> Option<usize> {
        let shape = [(0, 4), (5, 2), (8, 2), (11, 2), (14, 2), (17, 2)];
        let seps = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
        if !shape.iter().all(|&(at, n)| digits(b, at, n)) || !seps.iter().all(|&(at, c)| b.get(at) == Some(&c)) {
            return None;
        }
        let mut i = 19;
        if b.get(i) == Some(&b'.') && digits(b, i + 1, 1) {
            i += 1;
            let mut n = 0;
            while n < 9 && digits(b, i, 1) {
                i += 1;
                n += 1;
            }
        }
        match b.get(i) {
            Some(b'Z') => i += 1,
            Some(b'+' | b'-') if digits(b, i + 1, 2) => {
                let colon = usize::from(b.get(i + 3) == Some(&b':'));
                if digits(b, i + 3 + colon, 2) {
                    i += 5 + colon;
                }
            }
            _ => {}
        }
        Some(i)
    }
    let b = s.as_bytes();
    let (mut out, mut i, mut lit) = (String::new(), 0, 0);
    while i < b.len() {
        match iso_at(&b[i..]) {
            Some(n) => {
                out.push_str(&s[lit..i]);
                out.push_str("date");
                i += n;
                lit = i;
            }
            None => i += 1,
        }
    }
    out.push_str(&s[lit..]);
    out
}

/// The runner's `_str_match(exp, act)`.
pub fn str_match(exp: &str, act: &Value) -> bool {
    if act.as_str() == Some(exp) {
        return true;
    }
    if WORD_PLACEHOLDERS.contains(&exp) {
        return !act.is_object() && !act.is_array();
    }
    let Some(act) = act.as_str() else {
        // TOKEN_RE.fullmatch(exp)
        return token_at(exp) == Some(exp.len());
    };
    let dated = iso_to_date(act);
    if dated == exp {
        return true;
    }
    let parts = split_tokens(exp);
    if parts.iter().any(Option::is_none) {
        return glob(&parts, act) || glob(&parts, &dated);
    }
    false
}

/// Python's `==` between two JSON numbers: integers exactly, an integer and a float by value.
fn same_number(a: &Number, b: &Number) -> bool {
    let int = |n: &Number| n.as_i64().map(i128::from).or(n.as_u64().map(i128::from));
    match (int(a), int(b)) {
        (Some(x), Some(y)) => x == y,
        (Some(i), None) | (None, Some(i)) => {
            let f = if int(a).is_some() { b.as_f64() } else { a.as_f64() }.unwrap_or(f64::NAN);
            f.fract() == 0.0 && f.abs() < 1.7e38 && f as i128 == i
        }
        (None, None) => a.as_f64() == b.as_f64(),
    }
}

/// The runner's `matches(expected, actual)`: `Ok(())` or the path of the first difference.
pub fn matches(expected: &Value, actual: &Value) -> Result<(), String> {
    fn go(e: &Value, a: &Value, path: &mut String) -> Result<(), String> {
        match (e, a) {
            (Value::String(s), _) => {
                if str_match(s, a) {
                    Ok(())
                } else {
                    Err(path.clone())
                }
            }
            (Value::Object(x), Value::Object(y)) => {
                let missing: Vec<&str> = x.keys().map(|k| k.as_str()).filter(|k| !y.contains_key(k)).collect();
                let extra: Vec<&str> = y.keys().map(|k| k.as_str()).filter(|k| !x.contains_key(k)).collect();
                if !missing.is_empty() || !extra.is_empty() {
                    return Err(format!("{path} keys: missing {missing:?} extra {extra:?}"));
                }
                for (k, v) in x.iter() {
                    let len = path.len();
                    path.push('.');
                    path.push_str(k.as_str());
                    go(v, &y[k.as_str()], path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            (Value::Object(_), _) => Err(path.clone()),
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (i, (v, w)) in x.iter().zip(y).enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    go(v, w, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            (Value::Array(_), _) => Err(format!("{path} (length)")),
            (Value::Number(x), Value::Number(y)) if same_number(x, y) => Ok(()),
            (Value::Bool(x), Value::Bool(y)) if x == y => Ok(()),
            (Value::Null, Value::Null) => Ok(()),
            _ => Err(path.clone()),
        }
    }
    go(expected, actual, &mut "$".to_string())
}

/// The runner's `parse_json_strings`: any string that is (after white space) a JSON object or
/// array becomes that value, recursively.
pub fn parse_json_strings(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m.iter() {
                out.insert(k.clone(), parse_json_strings(x));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(parse_json_strings).collect()),
        Value::String(s) => {
            let t = s.trim_matches(py_space);
            if t.starts_with(['{', '[']) {
                if let Ok(parsed) = statelab::value::read::parse(t) {
                    return parse_json_strings(&parsed);
                }
            }
            v.clone()
        }
        other => other.clone(),
    }
}

/// Python's truthiness of a JSON value.
pub fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(m)) => !m.is_empty(),
        Some(_) => true,
    }
}

// ------------------------------------------------------------------ Python's json.dumps

/// `repr(float)`: the shortest digits, positional when the decimal exponent is in -4..16.
fn py_float(f: f64) -> String {
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exp: i32 = exp.parse().expect("a decimal exponent");
    let point = exp + 1; // digits are 0.d1d2... * 10^point
    if point > -4 && point <= 16 {
        let n = digits.len() as i32;
        let body = if point <= 0 {
            format!("0.{}{digits}", "0".repeat((-point) as usize))
        } else if point >= n {
            format!("{digits}{}.0", "0".repeat((point - n) as usize))
        } else {
            format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
        };
        format!("{sign}{body}")
    } else {
        let rest = if digits.len() > 1 { format!(".{}", &digits[1..]) } else { String::new() };
        let e = point - 1;
        format!("{sign}{}{rest}e{}{:02}", &digits[..1], if e < 0 { '-' } else { '+' }, e.abs())
    }
}

/// `json.dumps(v)` (`compact`: `separators=(",", ":")`; `sort_keys` as Python's): ASCII only.
pub fn py_dumps(v: &Value, compact: bool, sort_keys: bool) -> String {
    fn string(out: &mut String, s: &str) {
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                ' '..='~' => out.push(c),
                _ => {
                    let mut units = [0u16; 2];
                    for u in c.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{u:04x}"));
                    }
                }
            }
        }
        out.push('"');
    }
    fn go(out: &mut String, v: &Value, compact: bool, sort_keys: bool) {
        let (item, colon) = if compact { (",", ":") } else { (", ", ": ") };
        match v {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => out.push_str(&i.to_string()),
                (None, Some(u)) => out.push_str(&u.to_string()),
                _ => out.push_str(&py_float(n.as_f64().unwrap_or(f64::NAN))),
            },
            Value::String(s) => string(out, s),
            Value::Array(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push_str(item);
                    }
                    go(out, x, compact, sort_keys);
                }
                out.push(']');
            }
            Value::Object(m) => {
                let mut entries: Vec<(&str, &Value)> = m.iter().map(|(k, x)| (k.as_str(), x)).collect();
                if sort_keys {
                    entries.sort_by(|a, b| a.0.cmp(b.0));
                }
                out.push('{');
                for (i, (k, x)) in entries.into_iter().enumerate() {
                    if i > 0 {
                        out.push_str(item);
                    }
                    string(out, k);
                    out.push_str(colon);
                    go(out, x, compact, sort_keys);
                }
                out.push('}');
            }
        }
    }
    let mut out = String::new();
    go(&mut out, v, compact, sort_keys);
    out
}

// ------------------------------------------------------------------ cases -> library inputs

/// The runner's `mock_config(case)`: the recorded task results as a Step Functions Local mock
/// configuration (test case `Recorded`), with `LatencySeconds` for recorded time-outs; `None`
/// when the case recorded none. (The runner names each response after a hash of the state's
/// name; a name only has to be distinct, so here it is the state's place.)
pub fn mock_config(case: &Value) -> Option<Value> {
    let mocks = case.get("mocks").and_then(Value::as_object)?;
    let mut states: Vec<(&str, &Value)> = mocks.iter().map(|(k, v)| (k.as_str(), v)).collect();
    states.sort_by(|a, b| a.0.cmp(b.0));
    let (mut responses, mut test_case) = (Map::new(), Map::new());
    for (n, (state, invocations)) in states.into_iter().enumerate() {
        let mut entries = Map::new();
        for (i, inv) in invocations.as_array().into_iter().flatten().enumerate() {
            let empty = Value::Object(Map::new());
            let res = inv.get("result").unwrap_or(&empty);
            let event = res.get("event").and_then(Value::as_str).unwrap_or("");
            let entry = if event.ends_with("Succeeded")
                || (event.is_empty() && res.get("output").is_some() && res.get("error").is_none())
            {
                json!({"Return": res.get("output").cloned().unwrap_or(Value::Null)})
            } else if event.ends_with("TimedOut") {
                json!({"Return": {}, "LatencySeconds": 100_000_000})
            } else {
                let mut throw = json!({"Error": res.get("error").cloned().unwrap_or(json!(""))});
                match res.get("cause") {
                    None | Some(Value::Null) => {}
                    Some(c @ Value::String(_)) => throw["Cause"] = c.clone(),
                    Some(c) => throw["Cause"] = json!(py_dumps(c, true, false)),
                }
                json!({"Throw": throw})
            };
            entries.insert(i.to_string().as_str().into(), entry);
        }
        let name = format!("Mock{n}");
        responses.insert(name.as_str().into(), Value::Object(entries));
        test_case.insert(state.into(), json!(name));
    }
    if responses.is_empty() {
        return None;
    }
    Some(
        json!({"StateMachines": {"Conformance": {"TestCases": {"Recorded": test_case}}}, "MockedResponses": responses}),
    )
}

fn clip(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

/// `statelab run DEFINITION --input FILE [--mock-config FILE --test-case Recorded] --json`,
/// in process: the JSON it prints, or why it prints none (exit code 2).
fn run_json(def_text: &str, input: Value, mock_config: Option<&Value>) -> Result<Value, String> {
    let machine = asl::validate_text(def_text, MachineType::Standard)
        .map_err(|d| format!("exit 2, invalid definition: {}", d.first().map(|d| d.to_string()).unwrap_or_default()))?;
    let mocks = match mock_config {
        Some(v) => Mocks::from_value(v, Some("Recorded")).map_err(|e| format!("exit 2, mock configuration: {e}"))?,
        None => Mocks::empty(),
    };
    let exec = simulate(machine, input, mocks, Options::default()).map_err(|e| format!("exit 2, {e}"))?;
    Ok(result_json(&exec))
}

/// The runner's `grade_execution` (without `--history`).
pub fn grade_execution(case: &Value) -> Verdict {
    let Some(definition) = case.get("definition") else {
        return Verdict::Fail("runner: KeyError: 'definition'".into());
    };
    let input = case.get("input").cloned().unwrap_or_else(|| json!({}));
    let got = match run_json(&py_dumps(definition, false, false), input, mock_config(case).as_ref()) {
        Ok(v) => v,
        Err(e) => return Verdict::Fail(e),
    };
    let null = Value::Null;
    let exp = case.get("expected").unwrap_or(&null);
    let (want_status, status) = (exp.get("status").unwrap_or(&null), got.get("status").unwrap_or(&null));
    if want_status != status {
        let (status, want_status) = (status.as_str().unwrap_or("?"), want_status.as_str().unwrap_or("?"));
        let error = got.get("error").and_then(Value::as_str).unwrap_or("");
        let cause =
            got.get("cause").map(|c| c.as_str().map(str::to_string).unwrap_or(c.to_string())).unwrap_or_default();
        return Verdict::Fail(format!("status {status} (expected {want_status}) {error} {}", clip(&cause, 100)));
    }
    if want_status == "SUCCEEDED" {
        let (e, a) = (exp.get("output").unwrap_or(&null), got.get("output").unwrap_or(&null));
        if let Err(at) = matches(&parse_json_strings(e), &parse_json_strings(a)) {
            return Verdict::Fail(format!("output differs at {at}"));
        }
    } else {
        if let Some(want) = exp.get("error") {
            if got.get("error").unwrap_or(&null) != want {
                return Verdict::Fail(format!("error {} (expected {want})", got.get("error").unwrap_or(&null)));
            }
        }
        if let Some(want) = exp.get("cause") {
            let cause = got.get("cause").unwrap_or(&null);
            if matches(&parse_json_strings(want), &parse_json_strings(cause)).is_err() {
                return Verdict::Fail(format!(
                    "cause {} (expected {})",
                    clip(&cause.to_string(), 120),
                    clip(&want.to_string(), 120)
                ));
            }
        }
    }
    Verdict::Pass
}

/// The runner's `grade_validation`: `statelab validate DEFINITION [--type EXPRESS] --json`.
pub fn grade_validation(case: &Value) -> Verdict {
    let null = Value::Null;
    let request = case.get("request").unwrap_or(&null);
    let definition = match case.get("definition") {
        Some(Value::Null) | None => request.get("definition").or(request.get("definition_text")).unwrap_or(&null),
        Some(d) => d,
    };
    let text = match definition {
        Value::Null => return Verdict::Fail("case has no definition".into()),
        Value::String(s) => s.to_string(),
        d => py_dumps(d, false, false),
    };
    let ty = if request.get("type").and_then(Value::as_str) == Some("EXPRESS") {
        MachineType::Express
    } else {
        MachineType::Standard
    };
    // As the CLI: valid when no diagnostics.
    let diags = asl::validate_text(&text, ty).err().unwrap_or_default();
    let want_valid = match case.get("expected_valid") {
        Some(v) if !v.is_null() => truthy(Some(v)),
        _ => {
            let resp = case.get("expected").filter(|r| truthy(Some(r)));
            let api = match case.get("api") {
                None => "",
                Some(Value::String(s)) => s,
                Some(_) => return Verdict::Fail("runner: AttributeError: 'api' is not a string".into()),
            };
            if api.ends_with(":error") {
                false
            } else if let Some(r @ ("OK" | "FAIL")) = resp.and_then(|r| r.get("result")).and_then(Value::as_str) {
                r == "OK"
            } else {
                true
            }
        }
    };
    if diags.is_empty() != want_valid {
        let first: Vec<String> = diags.iter().take(1).map(|d| d.to_string()).collect();
        return Verdict::Fail(format!(
            "valid={} (expected {want_valid}) {}",
            diags.is_empty(),
            clip(&first.join(""), 120)
        ));
    }
    Verdict::Pass
}

/// The CLI's JSONata host: the wall clock for `$now()`, randomness seeded with 0.
struct CliHost {
    rng: Rng,
}

impl statelab::jsonata::Host for CliHost {
    fn now_millis(&self) -> f64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as f64).unwrap_or(0.0)
    }
    fn random(&mut self) -> f64 {
        self.rng.next_f64()
    }
}

/// `statelab jsonata EXPRESSION [--input FILE] [--bindings FILE] --json`, in process.
pub fn jsonata_json(expr: &str, input: Option<&Value>, bindings: &Map, opts: &statelab::jsonata::Options) -> Value {
    let mut host = CliHost { rng: Rng::new(0) };
    match statelab::jsonata::parse(expr).and_then(|e| e.evaluate(input, bindings, &mut host, opts)) {
        Ok(Some(v)) => json!({"result": v}),
        Ok(None) => json!({"undefined": true}),
        Err(e) => json!({"error": {"code": e.code, "message": e.message}}),
    }
}

/// The runner's `grade_jsonata`. `lone_surrogate_in_expr`: the expression held a UTF-16
/// surrogate that is not half of a pair, which cannot travel in argv: not gradable.
pub fn grade_jsonata(case: &Value, lone_surrogate_in_expr: bool, opts: &statelab::jsonata::Options) -> Verdict {
    if lone_surrogate_in_expr {
        return Verdict::NotGradable;
    }
    let Some(expr) = case.get("expr").and_then(Value::as_str) else {
        return Verdict::Fail("runner: KeyError: 'expr'".into());
    };
    let bindings = match case.get("bindings") {
        b if !truthy(b) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return Verdict::Fail("exit 2, no JSON on stdout: --bindings must hold a JSON object".into()),
        None => unreachable!("absent bindings are falsy"),
    };
    let got = jsonata_json(expr, case.get("data"), &bindings, opts);
    if let Some(code) = case.get("code") {
        let got_code = got.pointer("/error/code").cloned().unwrap_or(Value::Null);
        return if &got_code == code {
            Verdict::Pass
        } else {
            Verdict::Fail(format!("error code {got_code} (expected {code})"))
        };
    }
    if truthy(case.get("undefinedResult")) {
        return if truthy(got.get("undefined")) {
            Verdict::Pass
        } else {
            Verdict::Fail(format!("result {} (expected undefined)", clip(&got.to_string(), 100)))
        };
    }
    let Some(result) = got.get("result") else {
        return Verdict::Fail(format!("no result: {}", clip(&got.to_string(), 120)));
    };
    let Some(want) = case.get("result") else { return Verdict::Fail("runner: KeyError: 'result'".into()) };
    match matches(want, result) {
        Ok(()) => Verdict::Pass,
        Err(at) => Verdict::Fail(format!("result differs at {at}: {}", clip(&result.to_string(), 100))),
    }
}

/// The runner's `grade_test_state`: the recorded request through the library's TestState
/// (what `statelab test-state` prints), compared with AWS's answer; a refusal by its error
/// code and message.
pub fn grade_test_state(case: &Value) -> Verdict {
    let got = match statelab::teststate::test_state(&case["request"], 1_700_000_000_000) {
        Ok(answer) => answer,
        Err(refusal) => refusal.to_json(),
    };
    let mut exp = case["expected"].clone();
    if let Some(m) = exp.as_object_mut() {
        m.remove("message");
    }
    if let Some(want) = exp.get("Error") {
        let code_ok = got.pointer("/Error/Code") == want.get("Code");
        let msg_ok = match (want.get("Message").and_then(Value::as_str), got.pointer("/Error/Message")) {
            (Some(w), Some(g)) => str_match(w, g),
            _ => false,
        };
        return if code_ok && msg_ok {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "API error {} (expected {})",
                clip(&got.get("Error").map(Value::to_string).unwrap_or_else(|| "null".into()), 120),
                clip(&want.to_string(), 120)
            ))
        };
    }
    match matches(&parse_json_strings(&exp), &parse_json_strings(&got)) {
        Ok(()) => Verdict::Pass,
        Err(at) => Verdict::Fail(format!("response differs at {at}: {}", clip(&got.to_string(), 120))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_match_as_the_runner_matches() {
        assert!(str_match("<uuid:1>", &json!("0f1e")));
        assert!(str_match(
            "arn:<partition>:states:<region>:111111111111:x",
            &json!("arn:aws:states:us-east-1:123456789012:x")
        ));
        assert!(!str_match("arn:<partition>:y", &json!("arn:aws:x")));
        assert!(!str_match("arn:<partition>:x", &json!("arn::x")), "a placeholder stands for at least one character");
        assert!(!str_match("plain", &json!("other")));
        assert!(str_match("date", &json!(12)) && str_match("date", &Value::Null) && !str_match("date", &json!([])));
        assert!(str_match("<n>", &json!(3)) && !str_match("a<n>", &json!(3)) && !str_match("plain", &json!(3)));
        assert!(str_match("started date", &json!("started 2024-05-01T10:00:00.123456+02:00")));
        assert!(str_match("at date, <id>", &json!("at 2024-05-01T10:00:00Z, 42")));
        assert!(!str_match("<a b>", &json!("x")), "no white space inside a placeholder");
    }

    #[test]
    fn iso_dates_are_replaced_greedily() {
        assert_eq!(iso_to_date("x 2024-01-02T03:04:05.1234567891Z y"), "x date1Z y");
        assert_eq!(iso_to_date("2024-01-02T03:04:05+0100/2024-01-02T03:04:05.Z"), "date/date.Z");
        assert_eq!(iso_to_date("2024-01-02T03:04:05+01:0"), "date+01:0");
        assert_eq!(iso_to_date("2024-01-02 03:04:05"), "2024-01-02 03:04:05");
    }

    #[test]
    fn numbers_compare_as_python_compares_them() {
        assert!(matches(&json!({"a": [1, "date"]}), &json!({"a": [1.0, "2024"]})).is_ok());
        assert!(matches(&json!(9007199254740993u64), &json!(9007199254740992.0)).is_err());
        assert!(matches(&json!(true), &json!(1)).is_err() && matches(&json!(1), &json!(true)).is_err());
        assert_eq!(
            matches(&json!({"a": 1}), &json!({"a": 1, "b": 2})).unwrap_err(),
            "$ keys: missing [] extra [\"b\"]"
        );
        assert_eq!(matches(&json!({"a": [1, 2]}), &json!({"a": [1, 3]})).unwrap_err(), "$.a[1]");
        assert_eq!(matches(&json!([1]), &json!([1, 2])).unwrap_err(), "$ (length)");
    }

    #[test]
    fn json_text_in_strings_is_parsed() {
        let v = parse_json_strings(&json!({"Cause": " {\"a\": \"[1]\"} ", "s": "{not json", "n": "1"}));
        assert_eq!(v, json!({"Cause": {"a": [1]}, "s": "{not json", "n": "1"}));
    }

    #[test]
    fn dumps_like_python() {
        let v = json!({"b": [1, 1.0, -0.0, 1e16, 1e15, 0.0001, 0.00001, 1.5e-7, 123.456], "a": "é😀\u{7f}\"\n"});
        assert_eq!(
            py_dumps(&v, false, false),
            r#"{"b": [1, 1.0, -0.0, 1e+16, 1000000000000000.0, 0.0001, 1e-05, 1.5e-07, 123.456], "a": "\u00e9\ud83d\ude00\u007f\"\n"}"#
        );
        assert_eq!(py_dumps(&json!({"b": 1, "a": {"d": 2, "c": 3}}), true, true), r#"{"a":{"c":3,"d":2},"b":1}"#);
    }

    #[test]
    fn recorded_results_become_a_mock_configuration() {
        let case = json!({"mocks": {"B": [{"result": {"event": "TaskSucceeded", "output": "{\"x\":1}"}},
                                          {"result": {"event": "TaskTimedOut"}}],
                                    "A": [{"result": {"event": "LambdaFunctionFailed", "error": "E", "cause": {"m": "é"}}},
                                          {"result": {"output": 2}}]}});
        assert_eq!(
            mock_config(&case).unwrap(),
            json!({"StateMachines": {"Conformance": {"TestCases": {"Recorded": {"A": "Mock0", "B": "Mock1"}}}},
                   "MockedResponses": {
                       "Mock0": {"0": {"Throw": {"Error": "E", "Cause": "{\"m\":\"\\u00e9\"}"}}, "1": {"Return": 2}},
                       "Mock1": {"0": {"Return": "{\"x\":1}"}, "1": {"Return": {}, "LatencySeconds": 100_000_000}}}})
        );
        assert!(mock_config(&json!({"mocks": {}})).is_none() && mock_config(&json!({})).is_none());
    }
}
