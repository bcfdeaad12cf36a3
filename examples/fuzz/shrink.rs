//! Shrinking: delta debugging over the case's JSON while the failure keeps its class (and, for
//! a panic, its location). In order: whole parts dropped or emptied; in each tree, children
//! removed in halving chunks, a node replaced by one of its children (less nesting) or by a
//! small value, strings and numbers shortened; texts and expressions peeled (a repeated
//! prefix and suffix such as `((((`...`))))` removed together) and cut in halving chunks.

use crate::case::{weight, Case, Part, Target};
use crate::json::J;
use std::time::Instant;

pub struct Budget {
    pub attempts: usize,
    pub deadline: Instant,
}

struct Shrinker<'a> {
    still_fails: &'a mut dyn FnMut(&Case) -> bool,
    budget: Budget,
    tries: usize,
}

impl Shrinker<'_> {
    fn out_of_budget(&self) -> bool {
        self.tries >= self.budget.attempts || Instant::now() >= self.budget.deadline
    }
    /// Keep `candidate` if it is smaller and still fails.
    fn attempt(&mut self, best: &mut Case, candidate: Case) -> bool {
        if self.out_of_budget() || candidate == *best || candidate.weight() > best.weight() {
            return false;
        }
        self.tries += 1;
        if (self.still_fails)(&candidate) {
            *best = candidate;
            true
        } else {
            false
        }
    }
}

pub fn shrink(case: &Case, still_fails: &mut dyn FnMut(&Case) -> bool, budget: Budget) -> (Case, usize) {
    let mut s = Shrinker { still_fails, budget, tries: 0 };
    let mut best = case.clone();
    loop {
        let before = best.weight();
        whole_parts(&mut s, &mut best);
        for slot in 0..5 {
            part_pass(&mut s, &mut best, slot);
        }
        if best.target == Target::Jsonata {
            best = string_pass(&mut s, best, &|c: &Case| c.expr.clone(), &|c: &mut Case, v: String| c.expr = v);
        }
        if best.weight() >= before || s.out_of_budget() {
            break;
        }
    }
    (best, s.tries)
}

fn whole_parts(s: &mut Shrinker, best: &mut Case) {
    let empty = || Part::Tree(J::Obj(vec![]));
    let mut tries: Vec<Case> = Vec::new();
    let mut c = best.clone();
    if best.target == Target::Jsonata {
        c.data = None;
        tries.push(c.clone());
        c = best.clone();
        c.bindings = empty();
        tries.push(c.clone());
        c = best.clone();
        c.asl = false;
        tries.push(c);
    } else {
        c.mocks = None;
        c.test_case = None;
        tries.push(c.clone());
        c = best.clone();
        c.input = empty();
        tries.push(c.clone());
        c = best.clone();
        c.test_case = None;
        tries.push(c.clone());
        c = best.clone();
        c.express = false;
        tries.push(c.clone());
        c = best.clone();
        c.seed = 0;
        tries.push(c.clone());
        c = best.clone();
        c.wasm_compiled = false;
        tries.push(c);
    }
    for t in tries {
        // Equal weight (seed 0, ASL off) is allowed: simpler all the same.
        if s.out_of_budget() || t == *best {
            continue;
        }
        s.tries += 1;
        if (s.still_fails)(&t) {
            *best = t;
        }
    }
}

fn get_part(c: &Case, slot: usize) -> Option<&Part> {
    match slot {
        0 => Some(&c.definition),
        1 => Some(&c.input),
        2 => c.mocks.as_ref(),
        3 => c.data.as_ref(),
        _ => Some(&c.bindings),
    }
}

fn set_part(c: &mut Case, slot: usize, p: Part) {
    match slot {
        0 => c.definition = p,
        1 => c.input = p,
        2 => c.mocks = Some(p),
        3 => c.data = Some(p),
        _ => c.bindings = p,
    }
}

fn relevant(c: &Case, slot: usize) -> bool {
    match c.target {
        Target::Jsonata => slot >= 3,
        _ => slot <= 2,
    }
}

fn part_pass(s: &mut Shrinker, best: &mut Case, slot: usize) {
    if !relevant(best, slot) {
        return;
    }
    let Some(part) = get_part(best, slot).cloned() else { return };
    match part {
        Part::Text(t) => {
            // Text that became JSON again shrinks as a tree.
            let normal = Part::Text(t.clone()).normalized();
            if let Part::Tree(_) = normal {
                let mut c = best.clone();
                set_part(&mut c, slot, normal);
                if s.attempt(best, c) {
                    return part_pass(s, best, slot);
                }
            }
            let get = move |c: &Case| match get_part(c, slot) {
                Some(Part::Text(t)) => t.clone(),
                _ => String::new(),
            };
            let set = move |c: &mut Case, v: String| set_part(c, slot, Part::Text(v).normalized());
            *best = string_pass(s, best.clone(), &get, &set);
        }
        Part::Tree(_) => tree_pass(s, best, slot),
    }
}

// ------------------------------------------------------------------ trees

/// Every node's path (child indices), in pre-order.
fn all_paths(j: &J) -> Vec<Vec<usize>> {
    fn go(j: &J, path: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        out.push(path.clone());
        let n = match j {
            J::Arr(a) => a.len(),
            J::Obj(m) => m.len(),
            _ => 0,
        };
        for i in 0..n {
            path.push(i);
            let c = match j {
                J::Arr(a) => &a[i],
                J::Obj(m) => &m[i].1,
                _ => unreachable!(),
            };
            go(c, path, out);
            path.pop();
        }
    }
    let mut out = Vec::new();
    go(j, &mut Vec::new(), &mut out);
    out
}

fn node_at<'a>(j: &'a J, path: &[usize]) -> Option<&'a J> {
    let mut n = j;
    for &i in path {
        n = match n {
            J::Arr(a) => a.get(i)?,
            J::Obj(m) => &m.get(i)?.1,
            _ => return None,
        };
    }
    Some(n)
}

fn node_at_mut<'a>(j: &'a mut J, path: &[usize]) -> Option<&'a mut J> {
    let mut n = j;
    for &i in path {
        n = match n {
            J::Arr(a) => a.get_mut(i)?,
            J::Obj(m) => &mut m.get_mut(i)?.1,
            _ => return None,
        };
    }
    Some(n)
}

fn tree_of(c: &Case, slot: usize) -> Option<&J> {
    match get_part(c, slot) {
        Some(Part::Tree(j)) => Some(j),
        _ => None,
    }
}

/// A copy of `c` with the node at `path` of the tree in `slot` changed by `f`.
fn edited(c: &Case, slot: usize, path: &[usize], f: &dyn Fn(&mut J)) -> Option<Case> {
    let mut c2 = c.clone();
    let tree = match slot {
        0 => &mut c2.definition,
        1 => &mut c2.input,
        2 => c2.mocks.as_mut()?,
        3 => c2.data.as_mut()?,
        _ => &mut c2.bindings,
    };
    let Part::Tree(j) = tree else { return None };
    f(node_at_mut(j, path)?);
    Some(c2)
}

fn len_at(c: &Case, slot: usize, path: &[usize]) -> usize {
    match tree_of(c, slot).and_then(|t| node_at(t, path)) {
        Some(J::Arr(a)) => a.len(),
        Some(J::Obj(m)) => m.len(),
        _ => 0,
    }
}

fn tree_pass(s: &mut Shrinker, best: &mut Case, slot: usize) {
    let Some(tree) = tree_of(best, slot) else { return };
    let mut paths = all_paths(tree);
    let mut k = 0;
    while k < paths.len() && !s.out_of_budget() {
        let path = paths[k].clone();
        let mut changed = false;
        // Children removed in halving chunks.
        let mut chunk = len_at(best, slot, &path);
        while chunk >= 1 && !s.out_of_budget() {
            let mut start = 0;
            while start < len_at(best, slot, &path) && !s.out_of_budget() {
                let end = start + chunk;
                let cut = |j: &mut J| match j {
                    J::Arr(a) => {
                        a.drain(start..end.min(a.len()));
                    }
                    J::Obj(m) => {
                        m.drain(start..end.min(m.len()));
                    }
                    _ => {}
                };
                let kept = match edited(best, slot, &path, &cut) {
                    Some(c) => s.attempt(best, c),
                    None => false,
                };
                if kept {
                    changed = true;
                } else {
                    start = end;
                }
            }
            chunk /= 2;
        }
        // The node replaced by one of its children (a level less of nesting), or a small value.
        if let Some(current) = tree_of(best, slot).and_then(|t| node_at(t, &path)).cloned() {
            let mut replacements: Vec<J> = match &current {
                J::Arr(a) => a.iter().filter(|c| matches!(c, J::Arr(_) | J::Obj(_))).take(4).cloned().collect(),
                J::Obj(m) => {
                    m.iter().map(|(_, v)| v).filter(|c| matches!(c, J::Arr(_) | J::Obj(_))).take(4).cloned().collect()
                }
                _ => vec![],
            };
            // A deep chain: jump halfway down at once.
            let mut deep = &current;
            let mut d = 0;
            let half = current.depth() / 2;
            while d < half {
                deep = match deep {
                    J::Arr(a) if !a.is_empty() => &a[0],
                    J::Obj(m) if !m.is_empty() => &m[0].1,
                    _ => break,
                };
                d += 1;
            }
            if d > 1 {
                replacements.insert(0, deep.clone());
            }
            replacements.extend([J::Null, J::Num("0".into()), J::Str(String::new()), J::Obj(vec![]), J::Arr(vec![])]);
            let w = weight(&current);
            for r in replacements {
                if weight(&r) >= w || s.out_of_budget() {
                    continue;
                }
                if let Some(c) = edited(best, slot, &path, &|j: &mut J| *j = r.clone()) {
                    if s.attempt(best, c) {
                        changed = true;
                        break;
                    }
                }
            }
            // Strings and numbers shortened.
            match current {
                J::Str(text) if !text.is_empty() && !changed => {
                    let p1 = path.clone();
                    let p2 = path.clone();
                    let c = string_pass(
                        s,
                        best.clone(),
                        &move |c: &Case| match tree_of(c, slot).and_then(|t| node_at(t, &p1)) {
                            Some(J::Str(s)) => s.clone(),
                            _ => String::new(),
                        },
                        &move |c: &mut Case, v: String| {
                            if let Some(c2) = edited(c, slot, &p2, &|j: &mut J| *j = J::Str(v.clone())) {
                                *c = c2;
                            }
                        },
                    );
                    if c != *best {
                        *best = c;
                        changed = true;
                    }
                }
                J::Num(n) if n.len() > 1 && !changed => {
                    for r in ["0", "1", "-1"] {
                        if let Some(c) = edited(best, slot, &path, &|j: &mut J| *j = J::Num(r.into())) {
                            if s.attempt(best, c) {
                                changed = true;
                                break;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        if changed {
            match tree_of(best, slot) {
                Some(t) => paths = all_paths(t),
                None => return,
            }
        }
        k += 1;
    }
}

// ------------------------------------------------------------------ strings

/// The shortest unit `u` (up to 12 characters) such that `s` starts with `u` repeated twice.
fn period(s: &[char], from_end: bool) -> Option<usize> {
    (1..=12).find(|&p| {
        s.len() >= 2 * p
            && if from_end { s[s.len() - p..] == s[s.len() - 2 * p..s.len() - p] } else { s[..p] == s[p..2 * p] }
    })
}

fn string_pass(s: &mut Shrinker, best: Case, get: &dyn Fn(&Case) -> String, set: &dyn Fn(&mut Case, String)) -> Case {
    let mut best = best;
    // Peel: a repeated unit off the front and one off the back together (nesting), halving.
    loop {
        let chars: Vec<char> = get(&best).chars().collect();
        let (Some(p), Some(q)) = (period(&chars, false), period(&chars, true)) else { break };
        let mut reps_front = 0;
        while (reps_front + 1) * p <= chars.len() && chars[reps_front * p..(reps_front + 1) * p] == chars[..p] {
            reps_front += 1;
        }
        let mut reps_back = 0;
        while (reps_back + 1) * q <= chars.len()
            && chars[chars.len() - (reps_back + 1) * q..chars.len() - reps_back * q] == chars[chars.len() - q..]
        {
            reps_back += 1;
        }
        let mut n = reps_front.min(reps_back) - 1;
        let mut progressed = false;
        while n >= 1 && !s.out_of_budget() {
            let (a, b) = (n * p, chars.len().saturating_sub(n * q));
            if a < b {
                let mut c = best.clone();
                set(&mut c, chars[a..b].iter().collect());
                if s.attempt(&mut best, c) {
                    progressed = true;
                    break;
                }
            }
            n /= 2;
        }
        if !progressed {
            break;
        }
    }
    // Repetitions removed from the longest run of a repeated unit anywhere (a long operator
    // chain in the middle of an expression: `.b.b.b`, `+1+1`), halving, while it shrinks.
    loop {
        let chars: Vec<char> = get(&best).chars().collect();
        let Some((start, unit, reps)) = longest_run(&chars) else { break };
        let mut n = reps - 1;
        let mut progressed = false;
        while n >= 1 && !s.out_of_budget() {
            let (a, b) = (start, start + n * unit);
            let mut c = best.clone();
            set(&mut c, chars[..a].iter().chain(&chars[b..]).collect());
            if s.attempt(&mut best, c) {
                progressed = true;
                break;
            }
            n /= 2;
        }
        if !progressed {
            break;
        }
    }
    // Chunks removed, halving.
    let mut chunk = get(&best).chars().count() / 2;
    while chunk >= 1 && !s.out_of_budget() {
        let mut start = 0;
        loop {
            let chars: Vec<char> = get(&best).chars().collect();
            if start >= chars.len() || s.out_of_budget() {
                break;
            }
            let end = (start + chunk).min(chars.len());
            let mut c = best.clone();
            set(&mut c, chars[..start].iter().chain(&chars[end..]).collect());
            if !s.attempt(&mut best, c) {
                start = end;
            }
        }
        chunk /= 2;
    }
    best
}

/// The longest run of a unit of 1 to 12 characters repeated at least 4 times: (start, unit
/// length, repetitions).
fn longest_run(c: &[char]) -> Option<(usize, usize, usize)> {
    let mut best: Option<(usize, usize, usize)> = None;
    for p in 1..=12usize {
        let mut i = 0;
        while i + 2 * p <= c.len() {
            if c[i..i + p] == c[i + p..i + 2 * p] {
                let mut reps = 2;
                while i + (reps + 1) * p <= c.len() && c[i..i + p] == c[i + reps * p..i + (reps + 1) * p] {
                    reps += 1;
                }
                if reps >= 4 && best.is_none_or(|(_, q, r)| reps * p > r * q) {
                    best = Some((i, p, reps));
                }
                i += reps * p;
            } else {
                i += 1;
            }
        }
    }
    best
}
