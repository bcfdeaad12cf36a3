//! Array, object, boolean and higher-order functions, plus `$eval` and `$clone`.

use super::super::error::{make, Detail};
use super::super::eval::{lookup_public, Eval, R};
use super::super::value::*;
use super::{append_values, arg, arity, hof_call, to_bool, CallCtx};
use crate::support::sort::merge_sort;

pub fn count(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    Ok(Value::Num(match arg(a, 0) {
        Value::Undefined => 0.0,
        Value::Array(x) => x.items.len() as f64,
        _ => 1.0,
    }))
}

pub fn boolean(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    Ok(to_bool(arg(a, 0)).map(Value::Bool).unwrap_or(Value::Undefined))
}

pub fn not(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    Ok(to_bool(arg(a, 0)).map(|b| Value::Bool(!b)).unwrap_or(Value::Undefined))
}

pub fn exists(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    Ok(Value::Bool(!arg(a, 0).is_undef()))
}

pub fn map(ev: &mut Eval, a: &[Value], ctx: &CallCtx) -> R<Value> {
    let arr = arg(a, 0);
    if arr.is_undef() {
        return Ok(Value::Undefined);
    }
    let f = arg(a, 1);
    let mut out = Vec::new();
    for (i, v) in arr.items().iter().enumerate() {
        let r = hof_call(ev, f, ctx, v.clone(), Value::Num(i as f64), arr)?;
        if !r.is_undef() {
            out.push(r);
        }
    }
    Ok(Value::seq(out))
}

pub fn filter(ev: &mut Eval, a: &[Value], ctx: &CallCtx) -> R<Value> {
    let arr = arg(a, 0);
    if arr.is_undef() {
        return Ok(Value::Undefined);
    }
    let f = arg(a, 1);
    let mut out = Vec::new();
    for (i, v) in arr.items().iter().enumerate() {
        let r = hof_call(ev, f, ctx, v.clone(), Value::Num(i as f64), arr)?;
        if to_bool(&r) == Some(true) {
            out.push(v.clone());
        }
    }
    Ok(Value::seq(out))
}

pub fn single(ev: &mut Eval, a: &[Value], ctx: &CallCtx) -> R<Value> {
    let arr = arg(a, 0);
    if arr.is_undef() {
        return Ok(Value::Undefined);
    }
    let f = arg(a, 1);
    let mut found: Option<Value> = None;
    for (i, v) in arr.items().iter().enumerate() {
        let ok = if f.is_undef() {
            true
        } else {
            let r = hof_call(ev, f, ctx, v.clone(), Value::Num(i as f64), arr)?;
            to_bool(&r) == Some(true)
        };
        if ok {
            if found.is_some() {
                return Err(make("D3138", None, &Detail::default()));
            }
            found = Some(v.clone());
        }
    }
    found.ok_or_else(|| make("D3139", None, &Detail::default()))
}

pub fn reduce(ev: &mut Eval, a: &[Value], ctx: &CallCtx) -> R<Value> {
    let arr = arg(a, 0);
    if arr.is_undef() {
        return Ok(Value::Undefined);
    }
    let f = arg(a, 1);
    let n = arity(f);
    if n < 2 {
        return Err(make("D3050", None, &Detail { index: Some(1), ..Default::default() }));
    }
    let items = arr.items();
    let init = arg(a, 2);
    let (mut acc, mut i) = if init.is_undef() && !items.is_empty() { (items[0].clone(), 1) } else { (init.clone(), 0) };
    while i < items.len() {
        let mut args = vec![acc, items[i].clone()];
        if n >= 3 {
            args.push(Value::Num(i as f64));
        }
        if n >= 4 {
            args.push(arr.clone());
        }
        acc = ev.apply(f, args, &Value::Undefined, ctx.env, "", 0)?;
        i += 1;
    }
    Ok(acc)
}

pub fn zip(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let lists: Vec<Vec<Value>> = a.iter().map(|v| v.to_list()).collect();
    let n = lists.iter().map(|l| l.len()).min().unwrap_or(0);
    Ok(Value::array((0..n).map(|i| Value::array(lists.iter().map(|l| l[i].clone()).collect())).collect()))
}

pub fn sift(ev: &mut Eval, a: &[Value], ctx: &CallCtx) -> R<Value> {
    let Value::Object(o) = arg(a, 0) else { return Ok(Value::Undefined) };
    let f = arg(a, 1);
    let obj = arg(a, 0).clone();
    let mut out = ObjMap::default();
    for (k, v) in o.iter() {
        let r = hof_call(ev, f, ctx, v.clone(), Value::str(k), &obj)?;
        if to_bool(&r) == Some(true) {
            out.insert(k.clone(), v.clone());
        }
    }
    if out.is_empty() {
        return Ok(Value::Undefined);
    }
    Ok(Value::object(out))
}

pub fn each(ev: &mut Eval, a: &[Value], ctx: &CallCtx) -> R<Value> {
    let Value::Object(o) = arg(a, 0) else { return Ok(Value::Undefined) };
    let f = arg(a, 1);
    let obj = arg(a, 0).clone();
    let mut out = Vec::new();
    for (k, v) in o.iter() {
        let r = hof_call(ev, f, ctx, v.clone(), Value::str(k), &obj)?;
        if !r.is_undef() {
            out.push(r);
        }
    }
    Ok(Value::seq(out))
}

fn keys_of(v: &Value, out: &mut Vec<String>) {
    keys_of_at(v, out, 0)
}

fn keys_of_at(v: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_NESTING {
        return;
    }
    match v {
        Value::Array(a) => {
            for it in &a.items {
                keys_of_at(it, out, depth + 1);
            }
        }
        Value::Object(o) => {
            out.extend(o.keys().cloned());
        }
        _ => {}
    }
}

pub fn keys(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let mut keys = Vec::new();
    keys_of(arg(a, 0), &mut keys);
    // each key once, where it first appears (sorting finds repeats: O(n log n), was quadratic)
    let first = crate::support::sort::firsts(&keys);
    Ok(Value::seq(keys.into_iter().zip(first).filter(|(_, f)| *f).map(|(k, _)| Value::string(k)).collect()))
}

pub fn lookup(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let key = arg(a, 1).as_str().unwrap_or("").to_string();
    Ok(lookup_public(arg(a, 0), &key))
}

pub fn append(ev: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    ev.charge((arg(a, 0).items().len() + arg(a, 1).items().len()) / 4)?;
    Ok(append_values(arg(a, 0).clone(), arg(a, 1).clone()))
}

fn spread_into(v: &Value) -> Value {
    spread_into_at(v, 0)
}

fn spread_into_at(v: &Value, depth: usize) -> Value {
    if depth > MAX_NESTING {
        return v.clone();
    }
    match v {
        Value::Array(a) => {
            // what appending each item's spread to an empty sequence gives, in linear time
            let mut out = Vec::new();
            let mut any = false;
            for it in &a.items {
                match spread_into_at(it, depth + 1) {
                    Value::Undefined => continue,
                    Value::Array(x) => out.extend(x.items.iter().cloned()),
                    v => out.push(v),
                }
                any = true;
            }
            if any {
                Value::array(out)
            } else {
                Value::seq(out)
            }
        }
        Value::Object(o) => {
            let mut out = Vec::new();
            for (k, val) in o.iter() {
                let mut m = ObjMap::default();
                m.insert(k.clone(), val.clone());
                out.push(Value::object(m));
            }
            Value::seq(out)
        }
        other => other.clone(),
    }
}

pub fn spread(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    Ok(spread_into(arg(a, 0)))
}

pub fn merge(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let v = arg(a, 0);
    if v.is_undef() {
        return Ok(Value::Undefined);
    }
    let mut out = ObjMap::default();
    for it in v.items() {
        if let Value::Object(o) = it {
            for (k, val) in o.iter() {
                out.insert(k.clone(), val.clone());
            }
        }
    }
    Ok(Value::object(out))
}

pub fn reverse(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let v = arg(a, 0);
    if v.is_undef() {
        return Ok(Value::Undefined);
    }
    if v.items().len() <= 1 {
        return Ok(v.clone());
    }
    let mut items = v.items().to_vec();
    items.reverse();
    Ok(Value::array(items))
}

pub fn error(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let msg = arg(a, 0).as_str().map(|s| s.to_string()).unwrap_or_else(|| "$error() function evaluated".into());
    Err(make("D3137", None, &Detail { message: Some(msg), ..Default::default() }))
}

pub fn assert(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    if let Value::Bool(false) = arg(a, 0) {
        let msg = arg(a, 1).as_str().map(|s| s.to_string()).unwrap_or_else(|| "$assert() statement failed".into());
        return Err(make("D3141", None, &Detail { message: Some(msg), ..Default::default() }));
    }
    Ok(Value::Undefined)
}

pub fn type_of(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let v = arg(a, 0);
    if v.is_undef() {
        return Ok(Value::Undefined);
    }
    Ok(Value::str(v.type_name()))
}

pub fn sort(ev: &mut Eval, a: &[Value], ctx: &CallCtx) -> R<Value> {
    let arr = arg(a, 0);
    if arr.is_undef() {
        return Ok(Value::Undefined);
    }
    let items = arr.items().to_vec();
    if items.len() <= 1 {
        return Ok(arr.clone());
    }
    let f = arg(a, 1).clone();
    let mut idx: Vec<usize> = (0..items.len()).collect();
    let mut err = None;
    if f.is_undef() {
        let all_num = items.iter().all(|v| matches!(v, Value::Num(_)));
        let all_str = items.iter().all(|v| matches!(v, Value::Str(_)));
        if !all_num && !all_str {
            return Err(make("D3070", None, &Detail { index: Some(1), ..Default::default() }));
        }
        merge_sort(&mut idx, &mut |x, y| match (&items[x], &items[y]) {
            (Value::Num(p), Value::Num(q)) => p > q,
            (Value::Str(p), Value::Str(q)) => super::js_str_cmp(p, q) == std::cmp::Ordering::Greater,
            _ => false,
        });
    } else {
        merge_sort(&mut idx, &mut |x, y| {
            if err.is_some() {
                return false;
            }
            match ev.apply(&f, vec![items[x].clone(), items[y].clone()], &Value::Undefined, ctx.env, "", 0) {
                Ok(v) => js_truthy(&v),
                Err(e) => {
                    err = Some(e);
                    false
                }
            }
        });
    }
    if let Some(e) = err {
        return Err(e);
    }
    Ok(Value::array(idx.into_iter().map(|i| items[i].clone()).collect()))
}

pub fn shuffle(ev: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let arr = arg(a, 0);
    if arr.is_undef() {
        return Ok(Value::Undefined);
    }
    if arr.items().len() <= 1 {
        return Ok(arr.clone());
    }
    let mut items = arr.items().to_vec();
    for i in (1..items.len()).rev() {
        let j = ((ev.host.random() * (i + 1) as f64).floor() as usize).min(i);
        items.swap(i, j);
    }
    Ok(Value::array(items))
}

/// The first of each group of deep-equal items, in order: items with the same canonical
/// text are equal, and sorting the texts finds them (O(n log n), was quadratic).
pub fn distinct(ev: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let arr = arg(a, 0);
    let Value::Array(x) = arr else { return Ok(arr.clone()) };
    if x.items.len() <= 1 {
        return Ok(arr.clone());
    }
    // the keys are texts held at once: paid for as they are made
    let mut keys = Vec::with_capacity(x.items.len());
    let mut bytes = 0;
    for v in &x.items {
        keys.push(canonical(v));
        bytes += keys[keys.len() - 1].len() + 32;
        ev.check_size(bytes)?;
    }
    ev.charge(bytes / 8)?;
    let first = crate::support::sort::firsts(&keys);
    Ok(Value::seq(x.items.iter().zip(first).filter(|(_, f)| *f).map(|(v, _)| v.clone()).collect()))
}

fn deep_clone(v: &Value, budget: &mut u64) -> Value {
    deep_clone_at(v, budget, 0)
}

fn deep_clone_at(v: &Value, budget: &mut u64, depth: usize) -> Value {
    if depth > MAX_NESTING {
        *budget = 0;
    }
    if *budget == 0 {
        return Value::Undefined;
    }
    *budget -= 1;
    match v {
        Value::Array(a) => Value::array(a.items.iter().map(|x| deep_clone_at(x, budget, depth + 1)).collect()),
        Value::Object(o) => {
            let mut m = ObjMap::with_capacity(o.len());
            for (k, val) in o.iter() {
                if !val.is_undef() && !val.is_func() {
                    m.insert(k.clone(), deep_clone_at(val, budget, depth + 1));
                }
            }
            Value::object(m)
        }
        other => other.clone(),
    }
}

pub fn clone(ev: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let mut budget = ev.remaining_steps();
    let before = budget;
    let v = deep_clone(arg(a, 0), &mut budget);
    ev.charge((before - budget) as usize)?;
    if budget == 0 {
        return Err(super::super::eval::runaway(None));
    }
    Ok(v)
}

#[cfg(feature = "extras")]
pub fn eval(ev: &mut Eval, a: &[Value], ctx: &CallCtx) -> R<Value> {
    crate::used_extras();
    let Value::Str(src) = arg(a, 0) else { return Ok(Value::Undefined) };
    let mut input = ctx.input.clone();
    let focus = arg(a, 1);
    if !focus.is_undef() {
        input = match focus {
            Value::Array(x) if x.flags & SEQ == 0 => Value::array_flags(vec![focus.clone()], SEQ | OUTER),
            v => v.clone(),
        };
    }
    let node = super::super::parser::parse_node(src)
        .map_err(|e| make("D3120", None, &Detail { value: Some(e.message.clone()), ..Default::default() }))?;
    ev.eval(&node, &input, ctx.env).map_err(|e| {
        if e.code == "U1001" || e.code == "U1002" {
            e
        } else {
            make("D3121", None, &Detail { value: Some(e.message.clone()), ..Default::default() })
        }
    })
}

/// `$eval` is the full build's (`jsonata::Expr::uses_extras` sends an expression naming it there).
#[cfg(not(feature = "extras"))]
pub fn eval(_: &mut Eval, _: &[Value], _: &CallCtx) -> R<Value> {
    crate::without_extras("$eval")
}
