//! Numeric functions.

use super::super::error::{make, Detail};
use super::super::eval::{err_val, Eval, R};
use super::super::value::*;
use super::{arg, CallCtx};

fn nums(v: &Value) -> Vec<f64> {
    v.items().iter().filter_map(|x| x.as_num()).collect()
}

pub fn sum(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let v = arg(a, 0);
    if v.is_undef() {
        return Ok(Value::Undefined);
    }
    Ok(Value::Num(nums(v).iter().sum()))
}

pub fn max(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let n = nums(arg(a, 0));
    if n.is_empty() {
        return Ok(Value::Undefined);
    }
    Ok(Value::Num(n.iter().cloned().fold(f64::NEG_INFINITY, f64::max)))
}

pub fn min(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let n = nums(arg(a, 0));
    if n.is_empty() {
        return Ok(Value::Undefined);
    }
    Ok(Value::Num(n.iter().cloned().fold(f64::INFINITY, f64::min)))
}

pub fn average(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let n = nums(arg(a, 0));
    if n.is_empty() {
        return Ok(Value::Undefined);
    }
    Ok(Value::Num(n.iter().sum::<f64>() / n.len() as f64))
}

fn parse_js_number(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && b[i] == b'-' {
        i += 1;
    }
    let ds = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == ds {
        return None;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let fs = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == fs {
            return None;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let es = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == es {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    crate::value::num::parse_f64(s).filter(|n| n.is_finite())
}

pub fn number(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let v = arg(a, 0);
    Ok(match v {
        Value::Undefined => Value::Undefined,
        Value::Num(n) => Value::Num(*n),
        Value::Bool(b) => Value::Num(if *b { 1.0 } else { 0.0 }),
        Value::Str(s) => {
            if let Some(n) = parse_js_number(s) {
                Value::Num(n)
            } else {
                let radix = match s.get(..2) {
                    Some("0x" | "0X") => 16,
                    Some("0o" | "0O") => 8,
                    Some("0b" | "0B") => 2,
                    _ => 0,
                };
                let digits = s.get(2..).unwrap_or("");
                let valid = !digits.is_empty() && !digits.starts_with(['+', '-']);
                match (radix, if radix > 0 && valid { i64::from_str_radix(digits, radix).ok() } else { None }) {
                    (r, Some(n)) if r > 0 => Value::Num(n as f64),
                    _ => {
                        return Err(make(
                            "D3030",
                            None,
                            &Detail { value: Some(super::super::eval::quote(s)), index: Some(1), ..Default::default() },
                        ))
                    }
                }
            }
        }
        other => return Err(err_val("D3030", other)),
    })
}

fn unary(a: &[Value], f: fn(f64) -> f64) -> R<Value> {
    Ok(match arg(a, 0) {
        Value::Num(n) => Value::Num(f(*n)),
        _ => Value::Undefined,
    })
}

pub fn floor(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    unary(a, f64::floor)
}
pub fn ceil(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    unary(a, f64::ceil)
}
pub fn abs(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    unary(a, f64::abs)
}

pub fn sqrt(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    match arg(a, 0) {
        Value::Num(n) if *n < 0.0 => Err(err_val("D3060", &Value::Num(*n))),
        Value::Num(n) => Ok(Value::Num(n.sqrt())),
        _ => Ok(Value::Undefined),
    }
}

pub fn power(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let (Value::Num(b), Value::Num(e)) = (arg(a, 0), arg(a, 1)) else { return Ok(Value::Undefined) };
    let r = b.powf(*e);
    if !r.is_finite() {
        return Err(make(
            "D3061",
            None,
            &Detail { value: Some(js_num_str(*b)), extra: Some(("exp", js_num_str(*e))), ..Default::default() },
        ));
    }
    Ok(Value::Num(r))
}

/// Round half to even at `precision` decimal places (jsonata-js's algorithm, shifting
/// the decimal point in the string form to avoid binary noise).
pub fn round_half_even(x: f64, precision: i32) -> f64 {
    let shift = |v: f64, p: i32| -> f64 {
        let s = js_num_str(v);
        let (m, e) = match s.split_once('e') {
            Some((m, e)) => (m.to_string(), e.parse::<i32>().unwrap_or(0)),
            None => (s, 0),
        };
        crate::value::num::parse_f64(&format!("{}e{}", m, e + p)).unwrap_or(v)
    };
    let mut v = x;
    if precision != 0 {
        v = shift(v, precision);
    }
    let mut r = (v + 0.5).floor();
    let diff = r - v;
    if diff.abs() == 0.5 && (r % 2.0).abs() == 1.0 {
        r -= 1.0;
    }
    if precision != 0 {
        r = shift(r, -precision);
    }
    if r == 0.0 {
        r = 0.0;
    }
    r
}

pub fn round(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let Value::Num(n) = arg(a, 0) else { return Ok(Value::Undefined) };
    let p = arg(a, 1).as_num().unwrap_or(0.0) as i32;
    Ok(Value::Num(round_half_even(*n, p)))
}

pub fn random(ev: &mut Eval, _: &[Value], _: &CallCtx) -> R<Value> {
    Ok(Value::Num(ev.host.random()))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn rounding() {
        assert_eq!(round_half_even(2.5, 0), 2.0);
        assert_eq!(round_half_even(3.5, 0), 4.0);
        assert_eq!(round_half_even(-2.5, 0), -2.0);
        assert_eq!(round_half_even(2.675, 2), 2.68);
        assert_eq!(round_half_even(12345.0, -2), 12300.0);
    }
}
