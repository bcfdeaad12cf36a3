//! Functions AWS Step Functions adds to JSONata: `$partition`, `$range`, `$hash`,
//! `$random([seed])`, `$uuid`, `$parse`. (`$eval` is not available there.)

use super::super::error::{make, Detail};
use super::super::eval::{Eval, R};
use super::super::value::*;
use super::{arg, CallCtx};

fn bad_arg(name: &str, index: usize) -> super::super::error::Error {
    make("T0410", None, &Detail { token: Some(name.to_string()), index: Some(index), ..Default::default() })
}

pub fn partition(_: &mut Eval, a: &[Value], ctx: &CallCtx) -> R<Value> {
    let arr = arg(a, 0);
    if arr.is_undef() {
        return Ok(Value::Undefined);
    }
    let size = match arg(a, 1) {
        Value::Num(n) if *n >= 1.0 && n.fract() == 0.0 => *n as usize,
        _ => return Err(bad_arg(ctx.name, 2)),
    };
    let chunks = arr.items().chunks(size).map(|c| Value::array(c.to_vec())).collect();
    Ok(Value::array(chunks))
}

pub fn range(ev: &mut Eval, a: &[Value], ctx: &CallCtx) -> R<Value> {
    let (Value::Num(start), Value::Num(end)) = (arg(a, 0), arg(a, 1)) else { return Ok(Value::Undefined) };
    let step = arg(a, 2).as_num().unwrap_or(1.0);
    if step == 0.0 || !step.is_finite() {
        return Err(bad_arg(ctx.name, 3));
    }
    let count = ((end - start) / step).floor() + 1.0;
    if count > 1e7 {
        return Err(make("D2014", None, &Detail { value: Some(js_num_str(count)), ..Default::default() }));
    }
    let mut out = Vec::new();
    let mut i = 0.0;
    while i < count {
        out.push(Value::Num(start + i * step));
        i += 1.0;
    }
    let _ = ev;
    // A sequence, like JSONata's own range operator: a single number is not wrapped.
    Ok(Value::seq(out))
}

pub fn hash(_: &mut Eval, a: &[Value], ctx: &CallCtx) -> R<Value> {
    let Value::Str(data) = arg(a, 0) else { return Ok(Value::Undefined) };
    let alg = arg(a, 1).as_str().unwrap_or("");
    match crate::support::digest::hash_hex(alg, data.as_bytes()) {
        Some(h) => Ok(Value::string(h)),
        None => Err(bad_arg(ctx.name, 2)),
    }
}

/// splitmix64: a small deterministic generator for the seeded `$random(seed)`.
fn splitmix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
    z ^ (z >> 31)
}

pub fn random(ev: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    match arg(a, 0) {
        Value::Num(seed) => {
            let bits = splitmix(seed.to_bits());
            Ok(Value::Num((bits >> 11) as f64 / (1u64 << 53) as f64))
        }
        _ => Ok(Value::Num(ev.host.random())),
    }
}

pub fn uuid(ev: &mut Eval, _: &[Value], _: &CallCtx) -> R<Value> {
    let mut bytes = [0u8; 16];
    for b in bytes.iter_mut() {
        *b = ((ev.host.random() * 256.0).floor() as u32).min(255) as u8;
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let h: String = bytes.iter().map(|b| format!("{:02x}", b)).collect();
    Ok(Value::string(format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])))
}

pub fn parse(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let Value::Str(s) = arg(a, 0) else { return Ok(Value::Undefined) };
    match crate::value::read::parse(s) {
        Ok(j) => Ok(Value::from_json(&j)),
        Err(e) => Err(make("D3120", None, &Detail { value: Some(e.to_string()), ..Default::default() })),
    }
}
