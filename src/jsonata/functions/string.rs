//! String functions, regex-based matching, base64 and URL encoding.

use std::rc::Rc;

use super::super::error::{make, Detail, Error};
use super::super::eval::{err_val, Eval, R};
use super::super::regex::{Match, Regex};
use super::super::value::*;
use super::{arg, to_string, CallCtx};

fn s_arg(a: &[Value], i: usize) -> Option<Rc<str>> {
    match arg(a, i) {
        Value::Str(s) => Some(s.clone()),
        _ => None,
    }
}

pub fn string(ev: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let v = arg(a, 0);
    if v.is_undef() {
        return Ok(Value::Undefined);
    }
    let pretty = matches!(arg(a, 1), Value::Bool(true));
    Ok(Value::string(to_string(ev, v, pretty)?))
}

/// JavaScript `Array.prototype.slice` index normalisation.
fn slice_idx(i: f64, len: usize) -> usize {
    let l = len as f64;
    let i = if i.is_nan() { 0.0 } else { i.trunc() };
    if i < 0.0 {
        (l + i).max(0.0) as usize
    } else {
        i.min(l) as usize
    }
}

pub fn substring(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let Some(s) = s_arg(a, 0) else { return Ok(Value::Undefined) };
    let chars: Vec<char> = s.chars().collect();
    let len = chars.len();
    let mut start = arg(a, 1).as_num().unwrap_or(0.0);
    if len as f64 + start < 0.0 {
        start = 0.0;
    }
    if let Some(length) = arg(a, 2).as_num() {
        if length <= 0.0 {
            return Ok(Value::str(""));
        }
        let end = if start >= 0.0 { start + length } else { len as f64 + start + length };
        let (s0, e0) = (slice_idx(start, len), slice_idx(end, len));
        if s0 >= e0 {
            return Ok(Value::str(""));
        }
        return Ok(Value::string(chars[s0..e0].iter().collect()));
    }
    let s0 = slice_idx(start, len);
    Ok(Value::string(chars[s0..].iter().collect()))
}

pub fn substring_before(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let Some(s) = s_arg(a, 0) else { return Ok(Value::Undefined) };
    let c = s_arg(a, 1).unwrap_or_else(|| Rc::from(""));
    Ok(match s.find(&*c) {
        Some(i) => Value::str(&s[..i]),
        None => Value::Str(s),
    })
}

pub fn substring_after(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let Some(s) = s_arg(a, 0) else { return Ok(Value::Undefined) };
    let c = s_arg(a, 1).unwrap_or_else(|| Rc::from(""));
    Ok(match s.find(&*c) {
        Some(i) => Value::str(&s[i + c.len()..]),
        None => Value::Str(s),
    })
}

pub fn lowercase(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    Ok(s_arg(a, 0).map(|s| Value::string(crate::support::case::to_lower(&s))).unwrap_or(Value::Undefined))
}

pub fn uppercase(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    Ok(s_arg(a, 0).map(|s| Value::string(crate::support::case::to_upper(&s))).unwrap_or(Value::Undefined))
}

pub fn length(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    Ok(s_arg(a, 0).map(|s| Value::Num(s.chars().count() as f64)).unwrap_or(Value::Undefined))
}

pub fn trim(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let Some(s) = s_arg(a, 0) else { return Ok(Value::Undefined) };
    let mut out = String::new();
    let mut in_ws = false;
    for c in s.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            if !in_ws {
                out.push(' ');
            }
            in_ws = true;
        } else {
            out.push(c);
            in_ws = false;
        }
    }
    let out = out.strip_prefix(' ').unwrap_or(&out).to_string();
    let out = out.strip_suffix(' ').unwrap_or(&out).to_string();
    Ok(Value::string(out))
}

pub fn pad(ev: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let Some(s) = s_arg(a, 0) else { return Ok(Value::Undefined) };
    let width = arg(a, 1).as_num().unwrap_or(0.0);
    let ch = match s_arg(a, 2) {
        Some(c) if !c.is_empty() => c.to_string(),
        _ => " ".to_string(),
    };
    let len = s.chars().count() as f64;
    let pad_len = width.abs().trunc() - len;
    if pad_len <= 0.0 {
        return Ok(Value::Str(s));
    }
    let n = pad_len as usize;
    // Paid before it is built, by the bytes of the text it makes (not characters: `💩` is
    // four bytes; within a cycle's bytes), which is built once at its size.
    let cycle = ch.chars().count();
    let bytes = (n.saturating_mul(ch.len()) / cycle).saturating_add(s.len());
    ev.check_size(bytes)?;
    let mut out = String::with_capacity(bytes);
    let padding = ch.chars().cycle().take(n);
    if width > 0.0 {
        out.push_str(&s);
        out.extend(padding);
    } else {
        out.extend(padding);
        out.push_str(&s);
    }
    Ok(Value::string(out))
}

// ---------------------------------------------------------------- regex helpers

/// The text's characters for a regex to search (a copy of at most four bytes a byte of the
/// text), refused as a value the steps left cannot pay for would be.
fn chars_of(ev: &mut Eval, s: &str) -> R<Vec<char>> {
    ev.check_size(s.len() * 4)?;
    Ok(s.chars().collect())
}

/// A search, its steps charged to the evaluation (four, and one per 16), within the regex's own
/// budget per search or what the evaluation has left, whichever is less.
fn find(ev: &mut Eval, re: &Regex, chars: &[char], from: usize) -> R<Option<Match>> {
    let budget = super::super::regex::STEP_LIMIT.min(ev.remaining_steps().saturating_mul(16));
    let mut left = budget;
    let r = re.search(chars, from, &mut left);
    ev.charge(4 + ((budget - left) / 16) as usize)?;
    r.map_err(|_| {
        let mut src: String = re.source.chars().take(100).collect();
        if src.len() < re.source.len() {
            src.push_str("...");
        }
        Error::new("U1001", format!("Regular expression /{src}/ is too complex: backtracking limit exceeded"), None)
    })
}

/// All successive matches as jsonata-js's matcher closure produces them (with D1004 on a
/// zero-length match that would not progress).
fn all_matches(ev: &mut Eval, re: &Regex, chars: &[char], limit: Option<usize>) -> R<Vec<Match>> {
    let mut out = Vec::new();
    let Some(mut m) = find(ev, re, chars, 0)? else { return Ok(out) };
    loop {
        if limit.map(|l| out.len() >= l).unwrap_or(false) {
            break;
        }
        let next_from = m.end;
        // Each match is kept until all are found: four steps (52 bytes) each.
        ev.charge(4)?;
        out.push(m);
        if next_from >= chars.len() {
            break;
        }
        match find(ev, re, chars, next_from)? {
            None => break,
            Some(n) => {
                if n.start == n.end {
                    return Err(make("D1004", None, &Detail { value: Some(re.source.clone()), ..Default::default() }));
                }
                m = n;
            }
        }
    }
    Ok(out)
}

/// One match, from a regex or from a user-supplied matcher function.
struct Found {
    text: String,
    start: usize,
    end: usize,
    groups: Vec<String>,
}

fn found_of(chars: &[char], m: &Match) -> Found {
    Found {
        text: chars[m.start..m.end].iter().collect(),
        start: m.start,
        end: m.end,
        groups: m.groups.iter().map(|g| g.map(|(s, e)| chars[s..e].iter().collect()).unwrap_or_default()).collect(),
    }
}

fn match_object(f: &Found) -> Value {
    let mut o = ObjMap::default();
    o.insert("match".into(), Value::str(&f.text));
    o.insert("index".into(), Value::Num(f.start as f64));
    o.insert("groups".into(), Value::array(f.groups.iter().map(|g| Value::str(g)).collect()));
    Value::object(o)
}

fn matcher_error() -> Error {
    make("T1010", None, &Detail::default())
}

/// Matches of a matcher (regex or function) over `s`, at most `limit`.
fn find_all(ev: &mut Eval, matcher: &Value, s: &str, limit: Option<usize>, ctx: &CallCtx) -> R<Vec<Found>> {
    if let Some(re) = regex_of(matcher) {
        let chars = chars_of(ev, s)?;
        return Ok(all_matches(ev, &re, &chars, limit)?.iter().map(|m| found_of(&chars, m)).collect());
    }
    // a function implementing the matcher protocol: {match, start, end, groups, next}
    let mut out = Vec::new();
    let mut r = ev.apply(matcher, vec![Value::str(s)], &Value::Undefined, ctx.env, "", 0)?;
    loop {
        if !js_truthy(&r) {
            break;
        }
        let Value::Object(o) = &r else { return Err(matcher_error()) };
        let ok = matches!(o.get("start"), Some(Value::Num(_)))
            || matches!(o.get("groups"), Some(Value::Array(_)))
            || matches!(o.get("next"), Some(Value::Func(_)));
        if !ok {
            return Err(matcher_error());
        }
        if limit.map(|l| out.len() >= l).unwrap_or(false) {
            break;
        }
        let num = |k: &str| o.get(k).and_then(|v| v.as_num()).unwrap_or(0.0).max(0.0) as usize;
        out.push(Found {
            text: o.get("match").and_then(|v| v.as_str()).unwrap_or("").to_string(),
            start: num("start"),
            end: num("end"),
            groups: o
                .get("groups")
                .map(|g| g.items().iter().map(|x| x.as_str().unwrap_or("").to_string()).collect())
                .unwrap_or_default(),
        });
        match o.get("next") {
            Some(next @ Value::Func(_)) => {
                let next = next.clone();
                r = ev.apply(&next, vec![], &Value::Undefined, ctx.env, "", 0)?;
            }
            _ => break,
        }
    }
    Ok(out)
}

/// Slice by char positions, clamped.
fn char_slice(chars: &[char], a: usize, b: usize) -> String {
    let b = b.min(chars.len());
    let a = a.min(b);
    chars[a..b].iter().collect()
}

pub fn regex_match_object(ev: &mut Eval, re: &Regex, s: &str, from: usize) -> R<Value> {
    let chars = chars_of(ev, s)?;
    Ok(match find(ev, re, &chars, from)? {
        Some(m) => {
            let mut v = match_object(&found_of(&chars, &m));
            if let Value::Object(o) = &mut v {
                let o = Rc::make_mut(o);
                o.insert("start".into(), Value::Num(m.start as f64));
                o.insert("end".into(), Value::Num(m.end as f64));
            }
            v
        }
        None => Value::Undefined,
    })
}

fn regex_of(v: &Value) -> Option<Rc<Regex>> {
    match v {
        Value::Func(f) => match &**f {
            Func::Regex(r) => Some(r.clone()),
            _ => None,
        },
        _ => None,
    }
}

fn limit_arg(a: &[Value], i: usize, code: &str) -> R<Option<usize>> {
    match arg(a, i) {
        Value::Num(n) if *n < 0.0 => Err(err_val(code, &Value::Num(*n))),
        Value::Num(n) => Ok(Some(*n as usize)),
        _ => Ok(None),
    }
}

pub fn match_(ev: &mut Eval, a: &[Value], ctx: &CallCtx) -> R<Value> {
    let Some(s) = s_arg(a, 0) else { return Ok(Value::Undefined) };
    let limit = limit_arg(a, 2, "D3040")?;
    let ms = find_all(ev, arg(a, 1), &s, limit, ctx)?;
    Ok(Value::seq(ms.iter().map(match_object).collect()))
}

pub fn contains(ev: &mut Eval, a: &[Value], ctx: &CallCtx) -> R<Value> {
    let Some(s) = s_arg(a, 0) else { return Ok(Value::Undefined) };
    Ok(Value::Bool(match arg(a, 1) {
        Value::Undefined => return Ok(Value::Undefined),
        Value::Str(t) => s.contains(&**t),
        other => match regex_of(other) {
            Some(re) => {
                let chars = chars_of(ev, &s)?;
                find(ev, &re, &chars, 0)?.is_some()
            }
            None => !find_all(ev, other, &s, Some(1), ctx)?.is_empty(),
        },
    }))
}

fn expand_replacement(rep: &str, matched: &str, groups: &[String]) -> String {
    let r: Vec<char> = rep.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < r.len() {
        if r[i] != '$' {
            out.push(r[i]);
            i += 1;
            continue;
        }
        i += 1;
        if i >= r.len() {
            out.push('$');
            break;
        }
        if r[i] == '$' {
            out.push('$');
            i += 1;
        } else if r[i] == '0' {
            out.push_str(matched);
            i += 1;
        } else {
            let max_digits = if groups.is_empty() { 1 } else { (groups.len() as f64).log10().floor() as usize + 1 };
            let take = |n: usize| -> Option<usize> {
                let d: String = r[i..(i + n).min(r.len())].iter().take_while(|c| c.is_ascii_digit()).collect();
                if d.is_empty() {
                    None
                } else {
                    d.parse().ok()
                }
            };
            let mut idx = take(max_digits);
            if max_digits > 1 {
                if let Some(x) = idx {
                    if x > groups.len() {
                        idx = take(max_digits - 1);
                    }
                }
            }
            match idx {
                Some(n) => {
                    if !groups.is_empty() && n >= 1 {
                        if let Some(g) = groups.get(n - 1) {
                            out.push_str(g);
                        }
                    }
                    i += n.to_string().len();
                }
                None => out.push('$'),
            }
        }
    }
    out
}

pub fn replace(ev: &mut Eval, a: &[Value], ctx: &CallCtx) -> R<Value> {
    let Some(s) = s_arg(a, 0) else { return Ok(Value::Undefined) };
    if let Value::Str(p) = arg(a, 1) {
        if p.is_empty() {
            return Err(err_val("D3010", arg(a, 1)));
        }
    }
    let limit = limit_arg(a, 3, "D3011")?;
    let rep = arg(a, 2).clone();
    if limit == Some(0) {
        return Ok(Value::Str(s));
    }
    match arg(a, 1) {
        Value::Str(p) => {
            let rep_s = match &rep {
                Value::Str(r) => r.to_string(),
                _ => String::new(),
            };
            let mut out = String::new();
            let mut rest: &str = &s;
            let mut count = 0;
            while let Some(i) = rest.find(&**p) {
                if limit.map(|l| count >= l).unwrap_or(false) {
                    break;
                }
                ev.check_size(out.len())?;
                out.push_str(&rest[..i]);
                out.push_str(&rep_s);
                rest = &rest[i + p.len()..];
                count += 1;
            }
            out.push_str(rest);
            Ok(Value::string(out))
        }
        other => {
            let chars = chars_of(ev, &s)?;
            let ms = find_all(ev, other, &s, limit, ctx)?;
            let mut out = String::new();
            let mut pos = 0;
            for m in &ms {
                ev.check_size(out.len())?;
                out.push_str(&char_slice(&chars, pos, m.start));
                match &rep {
                    Value::Str(r) => {
                        out.push_str(&expand_replacement(r, &m.text, &m.groups));
                    }
                    f => {
                        let mo = match_object(m);
                        let r = ev.apply(f, vec![mo], &Value::Undefined, ctx.env, "", 0)?;
                        match r {
                            Value::Str(x) => out.push_str(&x),
                            other => return Err(err_val("D3012", &other)),
                        }
                    }
                }
                pos = m.start + m.text.chars().count();
            }
            out.push_str(&char_slice(&chars, pos, chars.len()));
            Ok(Value::string(out))
        }
    }
}

pub fn split(ev: &mut Eval, a: &[Value], ctx: &CallCtx) -> R<Value> {
    let Some(s) = s_arg(a, 0) else { return Ok(Value::Undefined) };
    let limit = limit_arg(a, 2, "D3020")?;
    let mut out: Vec<Value> = Vec::new();
    match arg(a, 1) {
        Value::Str(sep) => {
            if sep.is_empty() {
                out = s.chars().map(|c| Value::string(c.to_string())).collect();
            } else {
                out = s.split(&**sep).map(Value::str).collect();
            }
            if let Some(l) = limit {
                out.truncate(l);
            }
        }
        other => {
            if limit == Some(0) {
                return Ok(Value::array(vec![]));
            }
            let chars = chars_of(ev, &s)?;
            let ms = find_all(ev, other, &s, limit, ctx)?;
            let mut pos = 0;
            for m in &ms {
                out.push(Value::string(char_slice(&chars, pos, m.start)));
                pos = m.end;
            }
            if limit.map(|l| ms.len() < l).unwrap_or(true) {
                out.push(Value::string(char_slice(&chars, pos, chars.len())));
            }
        }
    }
    Ok(Value::array(out))
}

pub fn join(ev: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let v = arg(a, 0);
    if v.is_undef() {
        return Ok(Value::Undefined);
    }
    let sep = s_arg(a, 1).map(|s| s.to_string()).unwrap_or_default();
    let parts: Vec<String> = v.items().iter().filter_map(|x| x.as_str().map(|s| s.to_string())).collect();
    ev.charge(parts.iter().map(|p| p.len() + sep.len()).sum::<usize>() / 8)?;
    Ok(Value::string(parts.join(&sep)))
}

// ---------------------------------------------------------------- base64 and URLs

pub fn base64encode(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let Some(s) = s_arg(a, 0) else { return Ok(Value::Undefined) };
    Ok(Value::string(crate::support::digest::base64_encode(s.as_bytes())))
}

pub fn base64decode(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let Some(s) = s_arg(a, 0) else { return Ok(Value::Undefined) };
    let mut bits: u32 = 0;
    let mut nbits = 0;
    let mut out = Vec::new();
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => continue,
        };
        bits = (bits << 6) | v as u32;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    Ok(Value::string(String::from_utf8_lossy(&out).into_owned()))
}

#[cfg(feature = "extras")]
fn encode(s: &str, keep: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || keep.contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{:02X}", b));
            }
        }
    }
    out
}

#[cfg(feature = "extras")]
fn decode(s: &str, reserved: &str) -> Result<String, ()> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3).ok_or(())?).map_err(|_| ())?;
            let v = u8::from_str_radix(hex, 16).map_err(|_| ())?;
            if v < 0x80 && reserved.contains(v as char) {
                out.extend_from_slice(&b[i..i + 3]);
            } else {
                out.push(v);
            }
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ())
}

#[cfg(feature = "extras")]
fn url_err(name: &str, v: &str) -> Error {
    make(
        "D3140",
        None,
        &Detail { value: Some(v.to_string()), extra: Some(("functionName", name.to_string())), ..Default::default() },
    )
}

#[cfg(feature = "extras")]
pub fn encode_url_component(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let Some(s) = s_arg(a, 0) else { return Ok(Value::Undefined) };
    Ok(Value::string(encode(&s, "-_.!~*'()")))
}

#[cfg(feature = "extras")]
pub fn encode_url(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let Some(s) = s_arg(a, 0) else { return Ok(Value::Undefined) };
    Ok(Value::string(encode(&s, "-_.!~*'();/?:@&=+$,#")))
}

#[cfg(feature = "extras")]
pub fn decode_url_component(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let Some(s) = s_arg(a, 0) else { return Ok(Value::Undefined) };
    decode(&s, "").map(Value::string).map_err(|_| url_err("decodeUrlComponent", &s))
}

#[cfg(feature = "extras")]
pub fn decode_url(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let Some(s) = s_arg(a, 0) else { return Ok(Value::Undefined) };
    decode(&s, ";/?:@&=+$,#").map(Value::string).map_err(|_| url_err("decodeUrl", &s))
}

// The URL functions are the full build's (`jsonata::Expr::uses_extras` sends an expression
// naming one there): few workflows encode URLs, and the core has no bytes to spare.
#[cfg(not(feature = "extras"))]
pub fn url(_: &mut Eval, _: &[Value], _: &CallCtx) -> R<Value> {
    crate::without_extras("$encodeUrl, $encodeUrlComponent, $decodeUrl and $decodeUrlComponent")
}
#[cfg(not(feature = "extras"))]
pub use url as encode_url_component;
#[cfg(not(feature = "extras"))]
pub use url as encode_url;
#[cfg(not(feature = "extras"))]
pub use url as decode_url_component;
#[cfg(not(feature = "extras"))]
pub use url as decode_url;
