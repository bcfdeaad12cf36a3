//! The tree-walking evaluator: paths and sequences, tuple streams (`@`, `#`, `%`),
//! operators, function application with tail calls, group-by, sort and transform.

use std::rc::{Rc, Weak};

use crate::support::ordmap::OrdMap;

use super::ast::*;
use super::env::Env;
use super::error::{bounded, make, Detail, Error, MAX_QUOTE};
use super::functions;
use super::signature::Signature;
use super::value::*;
use super::{Host, Options};

pub type R<T> = Result<T, Error>;

/// Depth charged while a library function runs (see `apply_inner2`).
const BUILTIN_DEPTH: usize = 3;

pub struct Eval<'h> {
    pub host: &'h mut dyn Host,
    pub max_depth: usize,
    pub max_steps: u64,
    pub asl: bool,
    pub now: f64,
    steps: u64,
    depth: usize,
    frames: Vec<Weak<Env>>,
    /// Parsed signatures of the library functions called so far (a few: a list).
    sigs: Vec<(&'static str, Rc<Signature>)>,
}

impl Drop for Eval<'_> {
    fn drop(&mut self) {
        for f in &self.frames {
            if let Some(e) = f.upgrade() {
                e.clear();
            }
        }
    }
}

/// A text in quotes for a message, cut (see [`bounded`]) so that the message's own bound
/// leaves the quotes.
pub fn quote(s: &str) -> String {
    format!("\"{}\"", bounded(s, MAX_QUOTE - 5))
}

/// Short description of a value for error messages (a long one cut, see [`bounded`]).
pub fn describe(v: &Value) -> String {
    match v {
        Value::Str(s) => quote(s),
        Value::Num(n) => js_num_str(*n),
        Value::Func(_) => "function".into(),
        Value::Undefined => "undefined".into(),
        other => match other.to_json() {
            Ok(Some(j)) => j.to_string(),
            _ => String::new(),
        },
    }
}

pub fn err_val(code: &str, v: &Value) -> Error {
    make(code, None, &Detail { value: Some(describe(v)), ..Default::default() })
}

fn tok_err(code: &str, pos: usize, token: &str, v: Option<&Value>, v2: Option<&Value>) -> Error {
    make(
        code,
        Some(pos),
        &Detail {
            token: Some(token.to_string()),
            value: v.map(describe),
            value2: v2.map(describe),
            ..Default::default()
        },
    )
}

fn lookup_field(input: &Value, key: &str) -> Value {
    lookup_field_at(input, key, 0)
}

fn lookup_field_at(input: &Value, key: &str, depth: usize) -> Value {
    if depth > MAX_NESTING {
        return Value::Undefined;
    }
    match input {
        Value::Array(a) => {
            let mut out = Vec::new();
            for it in &a.items {
                match lookup_field_at(it, key, depth + 1) {
                    Value::Undefined => {}
                    Value::Array(r) => out.extend(r.items.iter().cloned()),
                    v => out.push(v),
                }
            }
            Value::seq(out)
        }
        Value::Object(o) => o.get(key).cloned().unwrap_or(Value::Undefined),
        _ => Value::Undefined,
    }
}

pub fn lookup_public(input: &Value, key: &str) -> Value {
    lookup_field(input, key)
}

/// Calls `f` on each item of `v` flattened (arrays in arrays), while it returns true.
fn each_flat(v: &Value, depth: usize, f: &mut impl FnMut(&Value) -> bool) -> bool {
    match v {
        Value::Array(a) if depth <= MAX_NESTING => a.items.iter().all(|it| each_flat(it, depth + 1, f)),
        v => f(v),
    }
}

/// Calls `f` on each value `**` finds below `v` (objects and the leaves, not arrays), while
/// it returns true.
fn each_descendant(v: &Value, depth: usize, f: &mut impl FnMut(&Value) -> bool) -> bool {
    if depth > MAX_NESTING {
        return true;
    }
    match v {
        Value::Array(a) => a.items.iter().all(|it| each_descendant(it, depth + 1, f)),
        Value::Object(o) => f(v) && o.iter().all(|(_, val)| each_descendant(val, depth + 1, f)),
        Value::Undefined => true,
        other => f(other),
    }
}

/// The work a value stands for in the step budget: a step per four items or entries, per
/// eight bytes of text.
fn size_of(v: &Value) -> usize {
    match v {
        Value::Array(a) => a.items.len() / 4,
        Value::Object(o) => o.len() / 4,
        Value::Str(s) => s.len() / 8,
        _ => 0,
    }
}

/// What one tuple of a tuple stream costs of the step budget (a plain value costs 1).
const TUPLE_STEPS: usize = 8;

fn tuple_get(t: &Value, key: &str) -> Value {
    match t {
        Value::Object(o) => o.get(key).cloned().unwrap_or(Value::Undefined),
        _ => Value::Undefined,
    }
}

fn label(slot: &Slot) -> String {
    format!("!{}", slot.label.get())
}

/// The step budget ran out: reported as U1001 with the "timeout" message, as jsonata-js's
/// test harness does for runaway expressions.
pub fn runaway(pos: Option<usize>) -> Error {
    let mut e = make("U1002", pos, &Detail::default());
    e.code = "U1001".into();
    e
}

/// A range's first number and length (`None`: it is undefined), or why it has none.
fn range_bounds(lhs: &Value, rhs: &Value, pos: usize) -> R<Option<(f64, usize)>> {
    if !lhs.is_undef() && !matches!(lhs, Value::Num(n) if is_integer(*n)) {
        return Err(tok_err("T2003", pos, "..", Some(lhs), None));
    }
    if !rhs.is_undef() && !matches!(rhs, Value::Num(n) if is_integer(*n)) {
        return Err(tok_err("T2004", pos, "..", Some(rhs), None));
    }
    let (Value::Num(a), Value::Num(b)) = (lhs, rhs) else { return Ok(None) };
    if a > b {
        return Ok(None);
    }
    let size = b - a + 1.0;
    if size > 1e7 {
        return Err(make("D2014", Some(pos), &Detail { value: Some(js_num_str(size)), ..Default::default() }));
    }
    Ok(Some((*a, size as usize)))
}

/// No predicate, stage or group-by on the node.
fn plain(n: &Node) -> bool {
    n.predicate.is_empty() && n.stages.is_empty() && n.group.is_none()
}

pub fn is_integer(n: f64) -> bool {
    n.is_finite() && n.fract() == 0.0
}

impl<'h> Eval<'h> {
    pub fn new(host: &'h mut dyn Host, opts: &Options) -> Eval<'h> {
        let now = host.now_millis();
        Eval {
            host,
            max_depth: opts.max_depth,
            max_steps: opts.max_steps,
            asl: opts.asl_functions,
            now,
            steps: 0,
            depth: 0,
            frames: Vec::new(),
            sigs: Vec::new(),
        }
    }

    /// Take `n` steps, and those the values built since the last take stand for (see
    /// [`take_built`]); true when the budget is spent.
    #[inline(never)]
    fn spend(&mut self, n: u64) -> bool {
        self.steps += n + take_built();
        self.steps > self.max_steps
    }

    /// Charge the step budget for `size` steps of work, so that runaway growth ends with
    /// U1001 rather than exhausting memory.
    pub fn charge(&mut self, size: usize) -> R<()> {
        if self.spend(size as u64) {
            return Err(runaway(None));
        }
        Ok(())
    }

    /// Charge for `out` growing from `from` to `to` items (a step per four, as [`Self::charge`]
    /// of the whole would), before it grows: a list built from shared values may stand for
    /// far more items than memory holds, and one the steps left cannot pay the memory of
    /// (see [`Self::check_size`]) is not built.
    fn grow(&mut self, from: usize, to: usize) -> R<()> {
        self.charge(to / 4 - from / 4)?;
        self.check_size(list_bytes(to))
    }

    /// More items than a list the steps left can pay for may have (counting stops there).
    fn item_cap(&self) -> usize {
        let bytes = self.remaining_steps().saturating_mul(BYTES_PER_STEP);
        usize::try_from(bytes / std::mem::size_of::<Value>() as u64).unwrap_or(usize::MAX).saturating_add(1)
    }

    /// Fail, as the budget would (and spending it), before a value of `bytes` is built that
    /// the steps left could not pay for twice (a step per [`BYTES_PER_STEP`] bytes): while a
    /// text or list is built it may take twice its size (a builder's spare room, or the
    /// builder and the value it becomes).
    pub fn check_size(&mut self, bytes: usize) -> R<()> {
        if (bytes as u64).saturating_mul(2) / BYTES_PER_STEP > self.remaining_steps() {
            self.steps = self.max_steps + 1;
            return Err(runaway(None));
        }
        Ok(())
    }

    pub fn steps_used(&self) -> u64 {
        self.steps
    }

    pub fn remaining_steps(&self) -> u64 {
        self.max_steps.saturating_sub(self.steps)
    }

    pub fn frame(&mut self, parent: &Rc<Env>) -> Rc<Env> {
        let e = Env::child(parent);
        self.frames.push(Rc::downgrade(&e));
        if self.frames.len() > 4096 && self.frames.len().is_power_of_two() {
            self.frames.retain(|w| w.strong_count() > 0);
        }
        e
    }

    fn tuple_frame(&mut self, env: &Rc<Env>, tuple: &Value) -> Rc<Env> {
        let f = self.frame(env);
        if let Value::Object(o) = tuple {
            for (k, v) in o.iter() {
                f.bind(k, v.clone());
            }
        }
        f
    }

    pub fn builtin_sig(&mut self, b: &'static functions::Builtin) -> Rc<Signature> {
        if let Some((_, s)) = self.sigs.iter().find(|(n, _)| *n == b.name) {
            return s.clone();
        }
        let s = Rc::new(Signature::parse(b.sig).unwrap_or(Signature { params: vec![] }));
        self.sigs.push((b.name, s.clone()));
        s
    }

    pub fn eval(&mut self, node: &Node, input: &Value, env: &Rc<Env>) -> R<Value> {
        if self.spend(1) {
            return Err(runaway(Some(node.pos)));
        }
        self.depth += 1;
        if self.depth > self.max_depth {
            self.depth -= 1;
            return Err(make("U1001", Some(node.pos), &Detail::default()));
        }
        let r = self.eval_inner(node, input, env);
        self.depth -= 1;
        r
    }

    fn eval_inner(&mut self, node: &Node, input: &Value, env: &Rc<Env>) -> R<Value> {
        let mut result = match &node.kind {
            Kind::Path(steps) => self.eval_path(node, steps, input, env)?,
            Kind::Binary(op, l, r) => self.eval_binary(*op, l, r, node.pos, input, env)?,
            Kind::Neg(e) => {
                let v = self.eval(e, input, env)?;
                match v {
                    Value::Undefined => Value::Undefined,
                    Value::Num(n) => Value::Num(-n),
                    other => return Err(tok_err("D1002", node.pos, "-", Some(&other), None)),
                }
            }
            Kind::ArrayCons(items) => {
                let mut out: Vec<Value> = Vec::new();
                for it in items {
                    let v = self.eval(it, input, env)?;
                    match v {
                        Value::Undefined => {}
                        Value::Array(a) if !it.is_array_cons() => {
                            self.grow(out.len(), out.len() + a.items.len())?;
                            // A list nothing else holds (`[[1..10000000]]`'s range) is moved,
                            // not copied.
                            match Rc::try_unwrap(a) {
                                Ok(mut a) if out.is_empty() => out = std::mem::take(&mut a.items),
                                Ok(mut a) => out.append(&mut a.items),
                                Err(a) => out.extend(a.items.iter().cloned()),
                            }
                        }
                        v => {
                            self.grow(out.len(), out.len() + 1)?;
                            out.push(v)
                        }
                    }
                }
                Value::array_flags(out, if node.cons_array { CONS } else { 0 })
            }
            Kind::ObjectCons(pairs) => self.eval_group(pairs, node.pos, input.clone(), env)?,
            Kind::Name(n) => lookup_field(input, n),
            Kind::Str(s) => Value::str(s),
            Kind::Num(n) => Value::Num(*n),
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Null => Value::Null,
            Kind::Wildcard => {
                let mut inp = input.clone();
                if let Value::Array(a) = input {
                    if a.flags & OUTER != 0 && !a.items.is_empty() {
                        inp = a.items[0].clone();
                    }
                }
                let vals: Vec<Value> = match &inp {
                    Value::Object(o) => o.values().cloned().collect(),
                    Value::Array(a) => a.items.clone(),
                    _ => vec![],
                };
                // Counted before it is built: values are shared, so a small one can stand for
                // a tree far bigger than memory; what the steps left cannot pay for is U1001.
                let cap = self.item_cap();
                let mut n = 0usize;
                if !vals.iter().all(|v| {
                    each_flat(v, 0, &mut |_| {
                        n += 1;
                        n <= cap
                    })
                }) {
                    return Err(runaway(Some(node.pos)));
                }
                self.grow(0, n)?;
                let mut out = Vec::with_capacity(n);
                for v in &vals {
                    each_flat(v, 0, &mut |x| {
                        out.push(x.clone());
                        true
                    });
                }
                Value::seq(out)
            }
            Kind::Descendant => {
                if input.is_undef() {
                    Value::Undefined
                } else {
                    // Counted before it is built, as `*` is.
                    let cap = self.item_cap();
                    let mut n = 0usize;
                    if !each_descendant(input, 0, &mut |_| {
                        n += 1;
                        n <= cap
                    }) {
                        return Err(runaway(Some(node.pos)));
                    }
                    self.grow(0, n)?;
                    let mut out = Vec::with_capacity(n);
                    each_descendant(input, 0, &mut |x| {
                        out.push(x.clone());
                        true
                    });
                    if out.len() == 1 {
                        out.pop().unwrap()
                    } else {
                        Value::seq(out)
                    }
                }
            }
            Kind::Parent(slot) => env.lookup(&label(slot)).unwrap_or(Value::Undefined),
            Kind::Condition(c, t, e) => {
                let cv = self.eval(c, input, env)?;
                if functions::to_bool(&cv) == Some(true) {
                    self.eval(t, input, env)?
                } else if let Some(e) = e {
                    self.eval(e, input, env)?
                } else {
                    Value::Undefined
                }
            }
            Kind::Elvis(c, e) => {
                let cv = self.eval(c, input, env)?;
                if functions::to_bool(&cv) == Some(true) {
                    cv
                } else {
                    self.eval(e, input, env)?
                }
            }
            Kind::Coalesce(l, r) => {
                let lv = self.eval(l, input, env)?;
                if lv.is_undef() {
                    self.eval(r, input, env)?
                } else {
                    lv
                }
            }
            Kind::Block(exprs) => {
                let f = self.frame(env);
                let mut last = Value::Undefined;
                for e in exprs {
                    last = self.eval(e, input, &f)?;
                }
                last
            }
            Kind::Bind(name, rhs) => {
                let v = self.eval(rhs, input, env)?;
                env.bind(name, v.clone());
                v
            }
            Kind::Regex(re) => Value::Func(Rc::new(Func::Regex(re.clone()))),
            Kind::Var(name) => {
                if name.is_empty() {
                    match input {
                        Value::Array(a) if a.flags & OUTER != 0 => a.items.first().cloned().unwrap_or(Value::Undefined),
                        v => v.clone(),
                    }
                } else {
                    match env.lookup(name) {
                        Some(v) => v,
                        None => match functions::lookup(name, self.asl) {
                            Some(b) => Value::Func(Rc::new(Func::Builtin(b))),
                            None => Value::Undefined,
                        },
                    }
                }
            }
            Kind::Call(procn, args) => self.eval_call(node, procn, args, input, env, None)?,
            Kind::Partial(procn, args) => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(match a {
                        None => None,
                        Some(a) => Some(self.eval(a, input, env)?),
                    });
                }
                let proc_v = self.eval(procn, input, env)?;
                let pname = proc_name(procn);
                if proc_v.is_undef() {
                    if let Kind::Path(steps) = &procn.kind {
                        if let Some(Kind::Name(n)) = steps.first().map(|s| &s.kind) {
                            if env.lookup(n).is_some() || functions::lookup(n, self.asl).is_some() {
                                return Err(tok_err("T1007", node.pos, n, None, None));
                            }
                        }
                    }
                }
                if !proc_v.is_func() {
                    return Err(tok_err("T1008", node.pos, &pname, None, None));
                }
                Value::Func(Rc::new(Func::Partial { func: proc_v, args: vals }))
            }
            Kind::Lambda(def) => {
                built(128);
                Value::Func(Rc::new(Func::Lambda {
                    params: def.params.clone(),
                    body: def.body.clone(),
                    env: env.clone(),
                    input: input.clone(),
                    signature: def.signature.clone(),
                    thunk: def.thunk,
                }))
            }
            Kind::Apply(l, r) => {
                if let Kind::Call(procn, args) = &r.kind {
                    self.eval_call(r, procn, args, input, env, Some(l))?
                } else {
                    let lhs = self.eval(l, input, env)?;
                    let f = self.eval(r, input, env)?;
                    if !f.is_func() {
                        return Err(tok_err("T2006", node.pos, "~>", Some(&f), None));
                    }
                    if lhs.is_func() {
                        Value::Func(Rc::new(Func::Chain(lhs, f)))
                    } else {
                        self.apply(&f, vec![lhs], &Value::Undefined, env, "", node.pos)?
                    }
                }
            }
            Kind::Sort(_) => {
                // a sort outside a path is evaluated on its input as a sequence
                let seq = match input {
                    Value::Array(_) => input.clone(),
                    v => Value::seq(vec![v.clone()]),
                };
                self.eval_sort(node, &seq, env)?
            }
            Kind::Transform(_) => {
                Value::Func(Rc::new(Func::Transform { node: Rc::new(clone_transform(node)), env: env.clone() }))
            }
        };
        for p in &node.predicate {
            result = self.eval_filter(p, result, env)?;
        }
        if !matches!(node.kind, Kind::Path(_)) {
            if let Some(g) = &node.group {
                result = self.eval_group(&g.0, g.1, result, env)?;
            }
        }
        if let Value::Array(a) = &result {
            if a.flags & SEQ != 0 && a.flags & TUPLES == 0 {
                if node.keep_array {
                    result = result.with_flags(KEEP);
                }
                let n = result.items().len();
                if n == 0 {
                    return Ok(Value::Undefined);
                } else if n == 1 && !result.has_flag(KEEP) {
                    return Ok(result.items()[0].clone());
                }
            }
        }
        Ok(result)
    }

    #[inline(never)]
    fn eval_path(&mut self, node: &Node, steps: &[Node], input: &Value, env: &Rc<Env>) -> R<Value> {
        let mut input_seq: Value = match input {
            Value::Array(_) if !matches!(steps[0].kind, Kind::Var(_)) => input.clone(),
            v => Value::seq(vec![v.clone()]),
        };
        let mut result_seq = Value::Undefined;
        let mut is_tuple = false;
        let mut tuples: Option<Vec<Value>> = None;
        let last = steps.len() - 1;
        for (ii, step) in steps.iter().enumerate() {
            if step.tuple {
                is_tuple = true;
            }
            if ii == 0 && step.cons_array {
                result_seq = self.eval(step, &input_seq, env)?;
            } else if is_tuple {
                tuples = Some(self.eval_tuple_step(step, &input_seq, tuples.take(), env)?);
            } else {
                result_seq = self.eval_step(step, &input_seq, env, ii == last)?;
            }
            if !is_tuple {
                let empty = match &result_seq {
                    Value::Undefined => true,
                    Value::Array(a) => a.items.is_empty(),
                    _ => false,
                };
                if empty {
                    break;
                }
            }
            if step.focus.is_none() {
                input_seq = result_seq.clone();
            }
        }
        let mut tuple_stream = None;
        if is_tuple {
            let t = tuples.unwrap_or_default();
            let ts = Value::array_flags(t, SEQ | TUPLES);
            if node.tuple {
                result_seq = ts.clone();
            } else {
                result_seq = Value::seq(ts.items().iter().map(|t| tuple_get(t, "@")).collect());
            }
            tuple_stream = Some(ts);
        }
        if node.keep_singleton_array {
            if let Value::Array(a) = &result_seq {
                if a.flags & CONS != 0 && a.flags & SEQ == 0 {
                    result_seq = Value::seq(vec![result_seq.clone()]);
                }
            }
            result_seq = match result_seq {
                Value::Array(_) => result_seq.with_flags(KEEP),
                Value::Undefined => Value::Undefined,
                other => Value::array_flags(vec![other], SEQ | KEEP),
            };
        }
        if let Some(g) = &node.group {
            let grouped = tuple_stream.unwrap_or(result_seq);
            result_seq = self.eval_group(&g.0, g.1, grouped, env)?;
        }
        Ok(result_seq)
    }

    #[inline(never)]
    fn eval_step(&mut self, step: &Node, input: &Value, env: &Rc<Env>, last: bool) -> R<Value> {
        if let Kind::Sort(_) = step.kind {
            let mut r = self.eval_sort(step, input, env)?;
            r = self.eval_stages(&step.stages, r, env)?;
            return Ok(r);
        }
        let items: &[Value] = match input {
            Value::Array(a) => &a.items,
            v => std::slice::from_ref(v),
        };
        let mut results = Vec::with_capacity(items.len());
        for it in items {
            let mut res = self.eval(step, it, env)?;
            for st in &step.stages {
                if let Stage::Filter(p) = st {
                    res = self.eval_filter(p, res, env)?;
                }
            }
            if !res.is_undef() {
                results.push(res);
            }
        }
        if last && results.len() == 1 {
            if let Value::Array(a) = &results[0] {
                if a.flags & SEQ == 0 {
                    return Ok(results.pop().unwrap());
                }
            }
        }
        // Paid before it is built: the results may share one array many times over.
        let flat = |r: &Value| match r {
            Value::Array(a) if a.flags & CONS == 0 => Some(a.items.len()),
            _ => None,
        };
        let total = results.iter().try_fold(0usize, |n, r| n.checked_add(flat(r).unwrap_or(1)));
        let Some(total) = total else { return Err(runaway(Some(step.pos))) };
        self.grow(0, total)?;
        let mut out = Vec::with_capacity(total);
        for r in results {
            match r {
                Value::Array(a) if a.flags & CONS == 0 => out.extend(a.items.iter().cloned()),
                v => out.push(v),
            }
        }
        Ok(Value::seq(out))
    }

    #[inline(never)]
    fn eval_stages(&mut self, stages: &[Stage], input: Value, env: &Rc<Env>) -> R<Value> {
        let mut result = input;
        for st in stages {
            match st {
                Stage::Filter(p) => result = self.eval_filter(p, result, env)?,
                Stage::Index(name) => {
                    if let Value::Array(a) = &result {
                        let flags = a.flags;
                        let items: Vec<Value> = a
                            .items
                            .iter()
                            .enumerate()
                            .map(|(i, t)| match t {
                                Value::Object(o) => {
                                    let mut m = o.0.clone();
                                    m.insert(name.clone(), Value::Num(i as f64));
                                    Value::object(m)
                                }
                                v => v.clone(),
                            })
                            .collect();
                        result = Value::array_flags(items, flags);
                    }
                }
            }
        }
        Ok(result)
    }

    #[inline(never)]
    fn eval_tuple_step(
        &mut self,
        step: &Node,
        input: &Value,
        tuples: Option<Vec<Value>>,
        env: &Rc<Env>,
    ) -> R<Vec<Value>> {
        if let Kind::Sort(_) = step.kind {
            let result = match tuples {
                Some(t) => self.eval_sort(step, &Value::array_flags(t, SEQ | TUPLES), env)?,
                None => {
                    let sorted = self.eval_sort(step, input, env)?;
                    let mut out = Vec::new();
                    for (i, v) in sorted.items().iter().enumerate() {
                        let mut m = ObjMap::default();
                        m.insert("@".into(), v.clone());
                        if let Some(ix) = &step.index {
                            m.insert(ix.clone(), Value::Num(i as f64));
                        }
                        out.push(Value::object(m));
                    }
                    Value::array_flags(out, SEQ | TUPLES)
                }
            };
            let r = self.eval_stages(&step.stages, result, env)?;
            return Ok(r.items().to_vec());
        }
        let tuples = match tuples {
            Some(t) => t,
            None => input
                .to_list_keep_undef()
                .into_iter()
                .map(|v| {
                    let mut m = ObjMap::default();
                    m.insert("@".into(), v);
                    Value::object(m)
                })
                .collect(),
        };
        let mut result = Vec::new();
        for t in &tuples {
            let step_env = self.tuple_frame(env, t);
            let ctx = tuple_get(t, "@");
            let res = self.eval(step, &ctx, &step_env)?;
            if res.is_undef() {
                continue;
            }
            let is_ts = res.has_flag(TUPLES);
            let list: Vec<Value> = match &res {
                Value::Array(a) => a.items.clone(),
                v => vec![v.clone()],
            };
            let base = match t {
                Value::Object(o) => o.0.clone(),
                _ => ObjMap::default(),
            };
            // A tuple is an object of its bindings (some hundreds of bytes), charged as such
            // before it is built: `[1..10000].[1..1000]@$` took 3 GB before the budget ended it.
            self.charge(list.len() * TUPLE_STEPS)?;
            for (bb, item) in list.into_iter().enumerate() {
                let mut tuple = base.clone();
                if is_ts {
                    if let Value::Object(o) = &item {
                        for (k, v) in o.iter() {
                            tuple.insert(k.clone(), v.clone());
                        }
                    }
                } else {
                    if let Some(f) = &step.focus {
                        tuple.insert(f.clone(), item);
                        tuple.insert("@".into(), ctx.clone());
                    } else {
                        tuple.insert("@".into(), item);
                    }
                    if let Some(ix) = &step.index {
                        tuple.insert(ix.clone(), Value::Num(bb as f64));
                    }
                    if let Some(anc) = &step.ancestor {
                        tuple.insert(label(anc), ctx.clone());
                    }
                }
                result.push(Value::object(tuple));
            }
        }
        let r = self.eval_stages(&step.stages, Value::array_flags(result, SEQ | TUPLES), env)?;
        Ok(r.items().to_vec())
    }

    #[inline(never)]
    fn eval_filter(&mut self, pred: &Node, input: Value, env: &Rc<Env>) -> R<Value> {
        let is_ts = input.has_flag(TUPLES);
        let items: &[Value] = match &input {
            Value::Array(a) => &a.items,
            v => std::slice::from_ref(v),
        };
        let flags = if is_ts { SEQ | TUPLES } else { SEQ };
        if let Kind::Num(n) = pred.kind {
            let mut idx = n.floor();
            if idx < 0.0 {
                idx += items.len() as f64;
            }
            if idx >= 0.0 && (idx as usize) < items.len() {
                let item = items[idx as usize].clone();
                return Ok(match item {
                    Value::Array(_) => item,
                    Value::Undefined => Value::array_flags(vec![], flags),
                    v => Value::array_flags(vec![v], flags),
                });
            }
            return Ok(Value::array_flags(vec![], flags));
        }
        let mut out = Vec::new();
        let len = items.len() as f64;
        for (index, item) in items.iter().enumerate() {
            let (ctx, e) =
                if is_ts { (tuple_get(item, "@"), self.tuple_frame(env, item)) } else { (item.clone(), env.clone()) };
            let res = self.eval(pred, &ctx, &e)?;
            let nums: Option<Vec<f64>> = match &res {
                Value::Num(n) => Some(vec![*n]),
                Value::Array(a) if !a.items.is_empty() && a.items.iter().all(|v| matches!(v, Value::Num(_))) => {
                    Some(a.items.iter().filter_map(|v| v.as_num()).collect())
                }
                _ => None,
            };
            if let Some(ns) = nums {
                for n in ns {
                    let mut ii = n.floor();
                    if ii < 0.0 {
                        ii += len;
                    }
                    if ii == index as f64 {
                        out.push(item.clone());
                    }
                }
            } else if functions::to_bool(&res) == Some(true) {
                out.push(item.clone());
            }
        }
        Ok(Value::array_flags(out, flags))
    }

    #[inline(never)]
    pub fn eval_group(&mut self, pairs: &[(Node, Node)], pos: usize, input: Value, env: &Rc<Env>) -> R<Value> {
        let reduce = input.has_flag(TUPLES);
        let mut items: Vec<Value> = match &input {
            Value::Array(a) => a.items.clone(),
            v => vec![v.clone()],
        };
        if items.is_empty() {
            items.push(Value::Undefined);
        }
        let mut groups: OrdMap<(Value, usize)> = OrdMap::new();
        for item in &items {
            let (ctx, e) =
                if reduce { (tuple_get(item, "@"), self.tuple_frame(env, item)) } else { (item.clone(), env.clone()) };
            for (pi, (k, _)) in pairs.iter().enumerate() {
                let key = self.eval(k, &ctx, &e)?;
                match key {
                    Value::Undefined => {}
                    Value::Str(s) => {
                        if let Some(entry) = groups.get_mut(s.as_ref()) {
                            if entry.1 != pi {
                                return Err(make(
                                    "D1009",
                                    Some(pos),
                                    &Detail { value: Some(s.to_string()), ..Default::default() },
                                ));
                            }
                            functions::append_into(&mut entry.0, item.clone());
                        } else {
                            groups.insert(s.to_string(), (item.clone(), pi));
                        }
                    }
                    other => {
                        return Err(make(
                            "T1003",
                            Some(pos),
                            &Detail { value: Some(describe(&other)), ..Default::default() },
                        ))
                    }
                }
            }
        }
        let mut result = ObjMap::default();
        for (key, (data, idx)) in groups {
            let data = functions::appended(data);
            let (ctx, e) = if reduce {
                let mut tuple = reduce_tuple_stream(&data);
                let at = tuple.remove("@").unwrap_or(Value::Undefined);
                let f = self.tuple_frame(env, &Value::object(tuple));
                (at, f)
            } else {
                (data, env.clone())
            };
            let v = self.eval(&pairs[idx].1, &ctx, &e)?;
            if !v.is_undef() {
                result.insert(key, v);
            }
        }
        Ok(Value::object(result))
    }

    #[inline(never)]
    fn eval_binary(&mut self, op: BinOp, l: &Node, r: &Node, pos: usize, input: &Value, env: &Rc<Env>) -> R<Value> {
        let lhs = self.eval(l, input, env)?;
        if op == BinOp::And || op == BinOp::Or {
            let lb = functions::to_bool(&lhs).unwrap_or(false);
            if op == BinOp::And && !lb {
                return Ok(Value::Bool(false));
            }
            if op == BinOp::Or && lb {
                return Ok(Value::Bool(true));
            }
            let rhs = self.eval(r, input, env)?;
            return Ok(Value::Bool(functions::to_bool(&rhs).unwrap_or(false)));
        }
        let rhs = self.eval(r, input, env)?;
        let sym = op.symbol();
        match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod => {
                if !lhs.is_undef() && !matches!(lhs, Value::Num(_)) {
                    return Err(tok_err("T2001", pos, sym, Some(&lhs), None));
                }
                if !rhs.is_undef() && !matches!(rhs, Value::Num(_)) {
                    return Err(tok_err("T2002", pos, sym, Some(&rhs), None));
                }
                for v in [&lhs, &rhs] {
                    if let Value::Num(n) = v {
                        if !n.is_finite() {
                            return Err(make(
                                "D1001",
                                Some(pos),
                                &Detail { value: Some(js_num_str(*n)), ..Default::default() },
                            ));
                        }
                    }
                }
                let (Value::Num(a), Value::Num(b)) = (&lhs, &rhs) else { return Ok(Value::Undefined) };
                let (a, b) = (*a, *b);
                let v = match op {
                    BinOp::Add => a + b,
                    BinOp::Sub => a - b,
                    BinOp::Mul => a * b,
                    BinOp::Div => a / b,
                    _ => a % b,
                };
                Ok(Value::Num(v))
            }
            BinOp::Eq | BinOp::Ne => {
                if lhs.is_undef() || rhs.is_undef() {
                    return Ok(Value::Bool(false));
                }
                let mut visited = 0;
                let eq = deep_equal(&lhs, &rhs, &mut visited);
                self.charge(visited / 4)?;
                Ok(Value::Bool(if op == BinOp::Eq { eq } else { !eq }))
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let lc = matches!(lhs, Value::Undefined | Value::Str(_) | Value::Num(_));
                let rc = matches!(rhs, Value::Undefined | Value::Str(_) | Value::Num(_));
                if !lc || !rc {
                    let bad = if !matches!(lhs, Value::Str(_) | Value::Num(_)) { &lhs } else { &rhs };
                    return Err(tok_err("T2010", pos, sym, Some(bad), None));
                }
                if lhs.is_undef() || rhs.is_undef() {
                    return Ok(Value::Undefined);
                }
                let ord = match (&lhs, &rhs) {
                    (Value::Num(a), Value::Num(b)) => a.partial_cmp(b),
                    (Value::Str(a), Value::Str(b)) => Some(functions::js_str_cmp(a, b)),
                    _ => return Err(tok_err("T2009", pos, sym, Some(&lhs), Some(&rhs))),
                };
                let Some(o) = ord else { return Ok(Value::Bool(false)) };
                use std::cmp::Ordering::*;
                Ok(Value::Bool(match op {
                    BinOp::Lt => o == Less,
                    BinOp::Le => o != Greater,
                    BinOp::Gt => o == Greater,
                    _ => o != Less,
                }))
            }
            BinOp::Concat => {
                let a = if lhs.is_undef() { String::new() } else { functions::to_string(self, &lhs, false)? };
                let b = if rhs.is_undef() { String::new() } else { functions::to_string(self, &rhs, false)? };
                self.charge((a.len() + b.len()) / 8)?;
                Ok(Value::string(a + &b))
            }
            BinOp::Range => {
                let Some((a, n)) = range_bounds(&lhs, &rhs, pos)? else { return Ok(Value::Undefined) };
                self.check_size(list_bytes(n))?;
                Ok(Value::seq((0..n).map(|i| Value::Num(a + i as f64)).collect()))
            }
            BinOp::In => {
                if lhs.is_undef() || rhs.is_undef() {
                    return Ok(Value::Bool(false));
                }
                let list = rhs.to_list();
                self.charge(list.len() / 4)?;
                Ok(Value::Bool(list.iter().any(|v| strict_equal(v, &lhs))))
            }
            BinOp::And | BinOp::Or => unreachable!(),
        }
    }

    /// `$count([a..b])`, `[a..b] ~> $count()`: a range's length, without building the
    /// range (jsonata-js counts its largest, ten million numbers); `None` when `procn` is not
    /// the library's `$count` or `list` not a range alone.
    fn range_count(&mut self, procn: &Node, list: &Node, input: &Value, env: &Rc<Env>) -> R<Option<Value>> {
        let (Kind::Var(_), Kind::ArrayCons(items)) = (&procn.kind, &list.kind) else { return Ok(None) };
        let [item] = &items[..] else { return Ok(None) };
        let Kind::Binary(BinOp::Range, a, b) = &item.kind else { return Ok(None) };
        if !plain(list) || !plain(item) {
            return Ok(None);
        }
        match self.eval(procn, input, env)? {
            Value::Func(f) if matches!(&*f, Func::Builtin(b) if b.name == "count") => {}
            _ => return Ok(None),
        }
        let (lhs, rhs) = (self.eval(a, input, env)?, self.eval(b, input, env)?);
        Ok(Some(Value::Num(range_bounds(&lhs, &rhs, item.pos)?.map_or(0, |r| r.1) as f64)))
    }

    #[inline(never)]
    fn eval_call(
        &mut self,
        node: &Node,
        procn: &Node,
        args: &[Node],
        input: &Value,
        env: &Rc<Env>,
        applyto: Option<&Node>,
    ) -> R<Value> {
        let mut vals = Vec::with_capacity(args.len() + 1);
        match (applyto, args) {
            (Some(list), []) | (None, [list]) => {
                if let Some(n) = self.range_count(procn, list, input, env)? {
                    return Ok(n);
                }
            }
            _ => {}
        }
        if let Some(a) = applyto {
            vals.push(self.eval(a, input, env)?);
        }
        let proc_v = self.eval(procn, input, env)?;
        if proc_v.is_undef() {
            if let Kind::Path(steps) = &procn.kind {
                if let Some(Kind::Name(n)) = steps.first().map(|s| &s.kind) {
                    if env.lookup(n).is_some() || functions::lookup(n, self.asl).is_some() {
                        return Err(tok_err("T1005", node.pos, n, None, None));
                    }
                }
            }
        }
        for a in args {
            vals.push(self.eval(a, input, env)?);
        }
        let name = proc_name(procn);
        self.apply(&proc_v, vals, input, env, &name, node.pos)
    }

    /// Apply a function value, running the tail-call trampoline.
    pub fn apply(
        &mut self,
        f: &Value,
        args: Vec<Value>,
        input: &Value,
        env: &Rc<Env>,
        name: &str,
        pos: usize,
    ) -> R<Value> {
        let mut result = self.apply_inner(f, args, input, env, name, pos)?;
        loop {
            let thunk = match &result {
                Value::Func(func) => match &**func {
                    Func::Lambda { thunk: true, body, env: tenv, input: tin, .. } => {
                        Some((body.clone(), tenv.clone(), tin.clone()))
                    }
                    _ => None,
                },
                _ => None,
            };
            let Some((body, tenv, tin)) = thunk else { break };
            if self.spend(1) {
                return Err(runaway(Some(pos)));
            }
            if let Kind::Call(procn, cargs) = &body.kind {
                let next = self.eval(procn, &tin, &tenv)?;
                let mut vals = Vec::with_capacity(cargs.len());
                for a in cargs {
                    vals.push(self.eval(a, &tin, &tenv)?);
                }
                let nm = proc_name(procn);
                result = self.apply_inner(&next, vals, input, env, &nm, body.pos)?;
            } else {
                result = self.eval(&body, &tin, &tenv)?;
            }
        }
        Ok(result)
    }

    /// (Depth is counted per `eval` entry, like jsonata-js's evaluate-entry depth; a call
    /// always continues in `eval` of the body, so recursion through calls stays bounded.)
    fn apply_inner(
        &mut self,
        f: &Value,
        args: Vec<Value>,
        input: &Value,
        env: &Rc<Env>,
        name: &str,
        pos: usize,
    ) -> R<Value> {
        self.apply_inner2(f, args, input, env, name, pos).map_err(|e| e.with_pos(pos))
    }

    #[inline(never)]
    fn apply_inner2(
        &mut self,
        f: &Value,
        args: Vec<Value>,
        input: &Value,
        env: &Rc<Env>,
        name: &str,
        pos: usize,
    ) -> R<Value> {
        let Value::Func(func) = f else {
            return Err(tok_err("T1006", pos, name, None, None));
        };
        match &**func {
            Func::Lambda { params, body, env: lenv, input: linput, signature, .. } => {
                let args = match signature {
                    Some(sig) => sig.validate(&args, input, name)?,
                    None => args,
                };
                let frame = self.frame(lenv);
                for (i, p) in params.iter().enumerate() {
                    frame.bind(p, args.get(i).cloned().unwrap_or(Value::Undefined));
                }
                self.eval(body, linput, &frame)
            }
            Func::Builtin(b) => {
                let sig = self.builtin_sig(b);
                let args = sig.validate(&args, input, b.name)?;
                let ctx = functions::CallCtx { input, env, name: b.name };
                // library functions may call back into the evaluator (higher-order functions,
                // $sort comparators, $eval) through several native frames: count them as depth
                self.depth += BUILTIN_DEPTH;
                if self.depth > self.max_depth {
                    self.depth -= BUILTIN_DEPTH;
                    return Err(make("U1001", Some(pos), &Detail::default()));
                }
                let r = (b.f)(self, &args, &ctx);
                self.depth -= BUILTIN_DEPTH;
                let r = r?;
                // the work of a library function: the values it reads (but those that look at
                // a value whole, whatever its size) and the value it builds
                let mut work = size_of(&r);
                if !matches!(b.name, "count" | "exists" | "type" | "not" | "boolean" | "lookup" | "append") {
                    work += args.iter().map(size_of).sum::<usize>();
                }
                self.charge(work)?;
                Ok(r)
            }
            Func::Partial { func, args: pargs } => {
                let mut it = args.into_iter();
                let mut full = Vec::with_capacity(pargs.len());
                for a in pargs {
                    match a {
                        Some(v) => full.push(v.clone()),
                        None => full.push(it.next().unwrap_or(Value::Undefined)),
                    }
                }
                self.apply(func, full, input, env, name, pos)
            }
            Func::Chain(a, b) => {
                let r1 = self.apply(a, args, input, env, name, pos)?;
                self.apply(b, vec![r1], input, env, name, pos)
            }
            Func::Regex(re) => {
                let s = match args.first() {
                    Some(Value::Str(s)) => s.clone(),
                    _ => return Ok(Value::Undefined),
                };
                functions::string::regex_match_object(self, re, &s, 0)
            }
            Func::Transform { node, env: tenv } => {
                let obj = args.into_iter().next().unwrap_or(Value::Undefined);
                if !matches!(obj, Value::Undefined | Value::Object(_) | Value::Array(_)) {
                    return Err(make(
                        "T0410",
                        Some(pos),
                        &Detail { token: Some(name.into()), index: Some(1), ..Default::default() },
                    ));
                }
                let tenv = tenv.clone();
                self.transform(node, &tenv, obj)
            }
        }
    }

    #[inline(never)]
    fn eval_sort(&mut self, node: &Node, input: &Value, env: &Rc<Env>) -> R<Value> {
        let Kind::Sort(terms) = &node.kind else { return Ok(input.clone()) };
        let is_ts = input.has_flag(TUPLES);
        let items: Vec<Value> = match input {
            Value::Array(a) => a.items.clone(),
            Value::Undefined => vec![],
            v => vec![v.clone()],
        };
        // evaluate the sort keys up front
        let mut keys: Vec<Vec<Value>> = Vec::with_capacity(items.len());
        for it in &items {
            let (ctx, e) =
                if is_ts { (tuple_get(it, "@"), self.tuple_frame(env, it)) } else { (it.clone(), env.clone()) };
            let mut k = Vec::with_capacity(terms.len());
            for t in terms {
                k.push(self.eval(&t.expr, &ctx, &e)?);
            }
            keys.push(k);
        }
        let mut err: Option<Error> = None;
        let mut idx: Vec<usize> = (0..items.len()).collect();
        let pos = node.pos;
        let cmp = |a: usize, b: usize, err: &mut Option<Error>| -> bool {
            // returns true when a should come after b
            let mut comp = 0;
            for (ti, t) in terms.iter().enumerate() {
                let aa = &keys[a][ti];
                let bb = &keys[b][ti];
                if aa.is_undef() {
                    comp = if bb.is_undef() { 0 } else { 1 };
                    if comp != 0 {
                        break;
                    }
                    continue;
                }
                if bb.is_undef() {
                    comp = -1;
                    break;
                }
                let ok_a = matches!(aa, Value::Str(_) | Value::Num(_));
                let ok_b = matches!(bb, Value::Str(_) | Value::Num(_));
                if !ok_a || !ok_b {
                    if err.is_none() {
                        *err = Some(tok_err("T2008", pos, "^", Some(if !ok_a { aa } else { bb }), None));
                    }
                    return false;
                }
                let o = match (aa, bb) {
                    (Value::Num(x), Value::Num(y)) => x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal),
                    (Value::Str(x), Value::Str(y)) => functions::js_str_cmp(x, y),
                    _ => {
                        if err.is_none() {
                            *err = Some(tok_err("T2007", pos, "^", Some(aa), Some(bb)));
                        }
                        return false;
                    }
                };
                comp = match o {
                    std::cmp::Ordering::Less => -1,
                    std::cmp::Ordering::Equal => 0,
                    std::cmp::Ordering::Greater => 1,
                };
                if t.descending {
                    comp = -comp;
                }
                if comp != 0 {
                    break;
                }
            }
            comp == 1
        };
        merge_sort(&mut idx, &mut |a, b| cmp(a, b, &mut err));
        if let Some(e) = err {
            return Err(e);
        }
        let out: Vec<Value> = idx.into_iter().map(|i| items[i].clone()).collect();
        Ok(Value::array_flags(out, if is_ts { SEQ | TUPLES } else { SEQ }))
    }

    #[inline(never)]
    fn transform(&mut self, node: &Node, env: &Rc<Env>, obj: Value) -> R<Value> {
        let Kind::Transform(def) = &node.kind else { return Ok(Value::Undefined) };
        if obj.is_undef() {
            return Ok(Value::Undefined);
        }
        let clone_fn = match env.lookup("clone") {
            Some(v) => v,
            None => Value::Func(Rc::new(Func::Builtin(functions::lookup("clone", false).unwrap()))),
        };
        if !clone_fn.is_func() {
            return Err(make("T2013", Some(node.pos), &Detail::default()));
        }
        let result = self.apply(&clone_fn, vec![obj], &Value::Undefined, env, "clone", node.pos)?;
        let matches = self.eval(&def.pattern, &result, env)?;
        let mut edits = Edits::new();
        for m in matches.to_list() {
            let upd = self.eval(&def.update, &m, env)?;
            let upd_map = match upd {
                Value::Undefined => None,
                Value::Object(o) => Some(o.0.clone()),
                other => return Err(tok_err("T2011", def.update.pos, "", Some(&other), None)),
            };
            let mut dels = Vec::new();
            if let Some(d) = &def.delete {
                let dv = self.eval(d, &m, env)?;
                if !dv.is_undef() {
                    for x in dv.to_list() {
                        match x {
                            Value::Str(s) => dels.push(s.to_string()),
                            _ => return Err(tok_err("T2012", d.pos, "", Some(&dv), None)),
                        }
                    }
                }
            }
            if let Value::Object(o) = &m {
                edits.push((Rc::as_ptr(o) as usize, upd_map, dels));
            }
        }
        if edits.is_empty() {
            return Ok(result);
        }
        Ok(rebuild(&result, &crate::support::sort::sorted_by_key(edits, |e| e.0)))
    }
}

/// Per matched object (by identity): the update to merge and the keys to delete. Sorted by
/// identity (stably: an object's edits stay in the order matched) before the rebuild, which
/// finds an object's edits by a binary search.
type Edits = Vec<(usize, Option<ObjMap>, Vec<String>)>;

/// The edits of the object at `ptr`, in the order they were matched.
fn edits_of(edits: &Edits, ptr: usize) -> &[(usize, Option<ObjMap>, Vec<String>)] {
    let first = edits.partition_point(|e| e.0 < ptr);
    let n = edits[first..].iter().take_while(|e| e.0 == ptr).count();
    &edits[first..first + n]
}

fn rebuild(v: &Value, edits: &Edits) -> Value {
    rebuild_at(v, edits, 0)
}

fn rebuild_at(v: &Value, edits: &Edits, depth: usize) -> Value {
    if depth > MAX_NESTING {
        return v.clone();
    }
    match v {
        Value::Object(o) => {
            let mut m = ObjMap::with_capacity(o.len());
            for (k, val) in o.iter() {
                m.insert(k.clone(), rebuild_at(val, edits, depth + 1));
            }
            for (_, upd, dels) in edits_of(edits, Rc::as_ptr(o) as usize) {
                if let Some(u) = upd {
                    for (k, val) in u.iter() {
                        m.insert(k.clone(), val.clone());
                    }
                }
                for d in dels {
                    m.remove(d);
                }
            }
            Value::object(m)
        }
        Value::Array(a) => {
            Value::array_flags(a.items.iter().map(|x| rebuild_at(x, edits, depth + 1)).collect(), a.flags)
        }
        other => other.clone(),
    }
}

fn clone_transform(node: &Node) -> Node {
    // Transform nodes are shared through their Rc'd definition; only the kind is needed.
    match &node.kind {
        Kind::Transform(def) => Node::new(Kind::Transform(def.clone()), node.pos),
        _ => Node::new(Kind::Null, node.pos),
    }
}

fn strict_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => Rc::ptr_eq(x, y),
        (Value::Object(x), Value::Object(y)) => Rc::ptr_eq(x, y),
        _ => deep_equal(a, b, &mut 0),
    }
}

pub fn reduce_tuple_stream(data: &Value) -> ObjMap {
    match data {
        Value::Array(a) if !a.items.is_empty() && !matches!(a.items[0], Value::Array(_)) => {
            // each binding's values appended, in linear time
            let mut result = ObjMap::default();
            for t in &a.items {
                if let Value::Object(o) = t {
                    for (k, v) in o.iter() {
                        functions::append_into(result.get_or_insert_with(k, Default::default), v.clone());
                    }
                }
            }
            result.values_mut().for_each(|v| *v = functions::appended(std::mem::take(v)));
            result
        }
        Value::Object(o) => o.0.clone(),
        _ => ObjMap::default(),
    }
}

pub fn proc_name(procn: &Node) -> String {
    match &procn.kind {
        Kind::Var(n) => n.clone(),
        Kind::Path(steps) => match steps.first().map(|s| &s.kind) {
            Some(Kind::Name(n)) => n.clone(),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

use crate::support::sort::merge_sort;

impl Value {
    /// Like `to_list` but keeps a lone `undefined` as an item (jsonata's createSequence(undefined)).
    pub fn to_list_keep_undef(&self) -> Vec<Value> {
        match self {
            Value::Array(a) => a.items.clone(),
            v => vec![v.clone()],
        }
    }
}
