//! The JSONata function library (plus the AWS Step Functions additions).

use std::rc::Rc;

use super::env::Env;
use super::error::Error;
use super::eval::{Eval, R};
use super::value::*;

pub mod array;
pub mod asl;
pub mod datetime;
pub mod format;
pub mod numeric;
pub mod string;

pub struct CallCtx<'a> {
    /// The context value (read by `$eval`, which is the full build's).
    #[cfg_attr(not(feature = "extras"), allow(dead_code))]
    pub input: &'a Value,
    pub env: &'a Rc<Env>,
    pub name: &'static str,
}

pub type Impl = fn(&mut Eval, &[Value], &CallCtx) -> R<Value>;

pub struct Builtin {
    pub name: &'static str,
    pub sig: &'static str,
    /// Number of parameters the JavaScript implementation declares (used by higher-order functions).
    pub arity: usize,
    pub f: Impl,
}

macro_rules! b {
    ($name:expr, $sig:expr, $arity:expr, $f:path) => {
        Builtin { name: $name, sig: $sig, arity: $arity, f: $f }
    };
}

static CORE: &[Builtin] = &[
    b!("sum", "<a<n>:n>", 1, numeric::sum),
    b!("count", "<a:n>", 1, array::count),
    b!("max", "<a<n>:n>", 1, numeric::max),
    b!("min", "<a<n>:n>", 1, numeric::min),
    b!("average", "<a<n>:n>", 1, numeric::average),
    b!("string", "<x-b?:s>", 1, string::string),
    b!("substring", "<s-nn?:s>", 3, string::substring),
    b!("substringBefore", "<s-s:s>", 2, string::substring_before),
    b!("substringAfter", "<s-s:s>", 2, string::substring_after),
    b!("lowercase", "<s-:s>", 1, string::lowercase),
    b!("uppercase", "<s-:s>", 1, string::uppercase),
    b!("length", "<s-:n>", 1, string::length),
    b!("trim", "<s-:s>", 1, string::trim),
    b!("pad", "<s-ns?:s>", 3, string::pad),
    b!("match", "<s-f<s:o>n?:a<o>>", 3, string::match_),
    b!("contains", "<s-(sf):b>", 2, string::contains),
    b!("replace", "<s-(sf)(sf)n?:s>", 4, string::replace),
    b!("split", "<s-(sf)n?:a<s>>", 3, string::split),
    b!("join", "<a<s>s?:s>", 2, string::join),
    b!("formatNumber", "<n-so?:s>", 3, format::format_number),
    b!("formatBase", "<n-n?:s>", 2, format::format_base),
    b!("formatInteger", "<n-s:s>", 2, format::format_integer),
    b!("parseInteger", "<s-s:n>", 2, format::parse_integer),
    b!("number", "<(nsb)-:n>", 1, numeric::number),
    b!("floor", "<n-:n>", 1, numeric::floor),
    b!("ceil", "<n-:n>", 1, numeric::ceil),
    b!("round", "<n-n?:n>", 2, numeric::round),
    b!("abs", "<n-:n>", 1, numeric::abs),
    b!("sqrt", "<n-:n>", 1, numeric::sqrt),
    b!("power", "<n-n:n>", 2, numeric::power),
    b!("random", "<:n>", 0, numeric::random),
    b!("boolean", "<x-:b>", 1, array::boolean),
    b!("not", "<x-:b>", 1, array::not),
    b!("map", "<af>", 2, array::map),
    b!("zip", "<a+>", 0, array::zip),
    b!("filter", "<af>", 2, array::filter),
    b!("single", "<af?>", 2, array::single),
    b!("reduce", "<afj?:j>", 3, array::reduce),
    b!("sift", "<o-f?:o>", 2, array::sift),
    b!("keys", "<x-:a<s>>", 1, array::keys),
    b!("lookup", "<x-s:x>", 2, array::lookup),
    b!("append", "<xx:a>", 2, array::append),
    b!("exists", "<x:b>", 1, array::exists),
    b!("spread", "<x-:a<o>>", 1, array::spread),
    b!("merge", "<a<o>:o>", 1, array::merge),
    b!("reverse", "<a:a>", 1, array::reverse),
    b!("each", "<o-f:a>", 2, array::each),
    b!("error", "<s?:x>", 1, array::error),
    b!("assert", "<bs?:x>", 2, array::assert),
    b!("type", "<x:s>", 1, array::type_of),
    b!("sort", "<af?:a>", 2, array::sort),
    b!("shuffle", "<a:a>", 1, array::shuffle),
    b!("distinct", "<x:x>", 1, array::distinct),
    b!("base64encode", "<s-:s>", 1, string::base64encode),
    b!("base64decode", "<s-:s>", 1, string::base64decode),
    b!("encodeUrlComponent", "<s-:s>", 1, string::encode_url_component),
    b!("encodeUrl", "<s-:s>", 1, string::encode_url),
    b!("decodeUrlComponent", "<s-:s>", 1, string::decode_url_component),
    b!("decodeUrl", "<s-:s>", 1, string::decode_url),
    b!("eval", "<sx?:x>", 2, array::eval),
    b!("toMillis", "<s-s?:n>", 2, datetime::to_millis),
    b!("fromMillis", "<n-s?s?:s>", 3, datetime::from_millis),
    b!("clone", "<(oa)-:o>", 1, array::clone),
    b!("now", "<s?s?:s>", 2, datetime::now),
    b!("millis", "<:n>", 0, datetime::millis),
];

/// Functions AWS Step Functions adds to JSONata; `random` replaces the core one (optional seed).
static ASL: &[Builtin] = &[
    b!("partition", "<an:a>", 2, asl::partition),
    b!("range", "<nnn?:a>", 3, asl::range),
    b!("hash", "<ss:s>", 2, asl::hash),
    b!("random", "<n?:n>", 1, asl::random),
    b!("uuid", "<:s>", 0, asl::uuid),
    b!("parse", "<s:x>", 1, asl::parse),
];

pub fn lookup(name: &str, asl: bool) -> Option<&'static Builtin> {
    if asl {
        if name == "eval" {
            // not supported by AWS Step Functions
            return None;
        }
        if let Some(b) = ASL.iter().find(|b| b.name == name) {
            return Some(b);
        }
    }
    CORE.iter().find(|b| b.name == name)
}

// ---------------------------------------------------------------- shared helpers

pub fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Undefined)
}

/// `$boolean` semantics; `None` for undefined.
pub fn to_bool(v: &Value) -> Option<bool> {
    to_bool_at(v, 0)
}

fn to_bool_at(v: &Value, depth: usize) -> Option<bool> {
    if depth > MAX_NESTING {
        return Some(false);
    }
    Some(match v {
        Value::Undefined => return None,
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Num(n) => *n != 0.0,
        Value::Str(s) => !s.is_empty(),
        Value::Array(a) => match a.items.len() {
            0 => false,
            1 => to_bool_at(&a.items[0], depth + 1).unwrap_or(false),
            _ => a.items.iter().any(|x| to_bool_at(x, depth + 1) == Some(true)),
        },
        Value::Object(o) => !o.is_empty(),
        Value::Func(_) => false,
    })
}

pub fn js_str_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    // JavaScript compares UTF-16 code units
    a.encode_utf16().cmp(b.encode_utf16())
}

/// `*acc = append_values(acc, b)`, in place: the list it builds is marked (flag `ACC`) and
/// grows without being copied, so that appending n values takes linear time; [`appended`]
/// unmarks it.
pub fn append_into(acc: &mut Value, b: Value) {
    match (&mut *acc, b) {
        (_, Value::Undefined) => {}
        (Value::Array(a), b) if a.flags & ACC != 0 => {
            let list = &mut Rc::make_mut(a).items;
            match b {
                Value::Array(x) => list.extend(x.items.iter().cloned()),
                v => list.push(v),
            }
        }
        (Value::Undefined, b) => *acc = b,
        (_, b) => *acc = append_values(std::mem::take(acc), b).with_flags(ACC),
    }
}

/// What [`append_into`] built, unmarked.
pub fn appended(mut v: Value) -> Value {
    if let Value::Array(a) = &mut v {
        if a.flags & ACC != 0 {
            Rc::make_mut(a).flags &= !ACC;
        }
    }
    v
}

/// `$append` semantics.
pub fn append_values(a: Value, b: Value) -> Value {
    if a.is_undef() {
        return b;
    }
    if b.is_undef() {
        return a;
    }
    let mut items = a.to_list();
    match b {
        Value::Array(arr) => items.extend(arr.items.iter().cloned()),
        v => items.push(v),
    }
    Value::array(items)
}

pub fn json_escape(s: &str, out: &mut String) {
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
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn stringify(v: &Value, indent: Option<usize>, level: usize, out: &mut String, budget: &mut u64) -> Result<(), Error> {
    if *budget == 0 || level > MAX_NESTING {
        return Err(super::eval::runaway(None));
    }
    *budget -= 1;
    match v {
        Value::Undefined | Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Num(n) => {
            if !n.is_finite() {
                return Err(super::eval::err_val("D1001", v));
            }
            out.push_str(&js_num_str(if n.fract() == 0.0 { *n } else { precision15(*n) }))
        }
        Value::Str(s) => json_escape(s, out),
        Value::Func(_) => out.push_str("\"\""),
        Value::Array(a) => {
            if a.items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, it) in a.items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if let Some(ind) = indent {
                    out.push('\n');
                    out.push_str(&" ".repeat(ind * (level + 1)));
                }
                stringify(it, indent, level + 1, out, budget)?;
            }
            if let Some(ind) = indent {
                out.push('\n');
                out.push_str(&" ".repeat(ind * level));
            }
            out.push(']');
        }
        Value::Object(o) => {
            let entries: Vec<_> = o.iter().filter(|(_, v)| !v.is_undef()).collect();
            if entries.is_empty() {
                out.push_str("{}");
                return Ok(());
            }
            out.push('{');
            for (i, (k, val)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if let Some(ind) = indent {
                    out.push('\n');
                    out.push_str(&" ".repeat(ind * (level + 1)));
                }
                json_escape(k, out);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                stringify(val, indent, level + 1, out, budget)?;
            }
            if let Some(ind) = indent {
                out.push('\n');
                out.push_str(&" ".repeat(ind * level));
            }
            out.push('}');
        }
    }
    Ok(())
}

/// `$string` semantics for a defined value.
pub fn to_string(ev: &mut Eval, v: &Value, pretty: bool) -> R<String> {
    Ok(match v {
        Value::Str(s) => s.to_string(),
        Value::Func(_) => String::new(),
        Value::Num(n) if !n.is_finite() => return Err(super::eval::err_val("D3001", v)),
        Value::Num(n) => js_num_str(if n.fract() == 0.0 { *n } else { precision15(*n) }),
        _ => {
            let v = match v {
                Value::Array(a) if a.flags & OUTER != 0 && !a.items.is_empty() => a.items[0].clone(),
                v => v.clone(),
            };
            let mut out = String::new();
            let mut budget = ev.remaining_steps();
            let before = budget;
            stringify(&v, if pretty { Some(2) } else { None }, 0, &mut out, &mut budget)?;
            ev.charge((before - budget) as usize + out.len() / 8)?;
            out
        }
    })
}

/// Call a function argument of a higher-order function with as many of
/// (value, index, array) as it accepts.
pub fn hof_call(ev: &mut Eval, f: &Value, ctx: &CallCtx, a1: Value, a2: Value, a3: &Value) -> R<Value> {
    let n = arity(f);
    let mut args = vec![a1];
    if n >= 2 {
        args.push(a2);
    }
    if n >= 3 {
        args.push(a3.clone());
    }
    ev.apply(f, args, &Value::Undefined, ctx.env, "", 0)
}

pub fn arity(f: &Value) -> usize {
    match f {
        Value::Func(func) => match &**func {
            Func::Lambda { params, .. } => params.len(),
            Func::Builtin(b) => b.arity,
            Func::Partial { args, .. } => args.iter().filter(|a| a.is_none()).count(),
            Func::Chain(a, _) => arity(a),
            Func::Regex(_) => 1,
            Func::Transform { .. } => 1,
        },
        _ => 0,
    }
}
