//! Where the time went: the critical path of an execution and the slack of everything else.
//!
//! The critical path is the chain of states that set the total duration: walking back from
//! the end, the state that finished last, the one it waited for before it, and, through a
//! Parallel or Map, the branch or iteration that finished last. Every other bar has slack:
//! how much longer it could have taken without moving the end.
//!
//! The walk follows the spans' structure: a chain is the states of the top level, or of one
//! branch or iteration of one Parallel or Map visit (the state spans with that parent and
//! index); attempts, back-offs and waits take the timing of their state.

use super::{Span, SpanKind};
use crate::support::sort::sorted_by_key;
use std::cmp::Reverse;

/// Per span (same order as the input): whether it is on the critical path, and its slack in ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub critical: bool,
    pub slack_ms: i64,
}

/// How deep branches in branches are followed (a definition nests far less).
const MAX_DEPTH: usize = 64;

/// Analyse finished spans; `end` is when the execution ended.
pub fn critical_path(spans: &[Span], end: i64) -> Vec<Timing> {
    let end_of = |i: usize| spans[i].end.unwrap_or(end);
    // The chains: the top level's, and under each state span, one per branch or iteration
    // index, each in start order.
    let mut top: Vec<usize> = Vec::new();
    let mut kids: Vec<Vec<Vec<usize>>> = vec![Vec::new(); spans.len()];
    for (i, s) in spans.iter().enumerate() {
        if s.kind != SpanKind::State {
            continue;
        }
        match s.parent.map(|p| p as usize).filter(|&p| p < spans.len()) {
            None => top.push(i),
            Some(p) => {
                let index = s.index.unwrap_or(0) as usize;
                let chains = &mut kids[p];
                if chains.len() <= index {
                    chains.resize(index + 1, Vec::new());
                }
                chains[index].push(i);
            }
        }
    }
    let by_start = |v: Vec<usize>| sorted_by_key(v, |&i| (spans[i].start, end_of(i)));
    let top = by_start(top);
    for chains in &mut kids {
        for c in chains.iter_mut() {
            *c = by_start(std::mem::take(c));
        }
    }

    struct Walk<'a> {
        spans: &'a [Span],
        kids: &'a [Vec<Vec<usize>>],
        end: i64,
        state_slack: Vec<Option<i64>>,
        critical: Vec<bool>,
    }

    fn walk(w: &mut Walk, members: &[usize], until: i64, base_slack: i64, on_path: bool, depth: usize) {
        let (spans, end) = (w.spans, w.end);
        let end_of = |i: usize| spans[i].end.unwrap_or(end);
        if members.is_empty() || depth > MAX_DEPTH {
            return;
        }
        let chain_end = members.iter().map(|&i| end_of(i)).max().unwrap_or(until);
        let slack = base_slack + (until - chain_end).max(0);
        // The states that end the chain: from its last span back through spans that end where
        // the next one starts. `on[i]`: span i is one of them (empty when the chain is not on
        // the critical path).
        let mut on: Vec<bool> = Vec::new();
        if on_path && slack == 0 {
            on = vec![false; spans.len()];
            // Spans by end time, latest start first; `before` only decreases along the walk,
            // so each run of spans with one end time is read once, front to back: `read[b]`
            // counts what has been read of the run that starts at `b`.
            let order = sorted_by_key(members.to_vec(), |&j| (end_of(j), Reverse(spans[j].start), Reverse(j)));
            let mut read = vec![0usize; order.len()];
            let mut pick = |t: i64, before: i64, on: &[bool]| -> Option<usize> {
                let b = order.partition_point(|&j| end_of(j) < t);
                while let Some(&j) = order.get(b + read[b]).filter(|&&j| end_of(j) == t) {
                    read[b] += 1;
                    if !on[j] && spans[j].start <= before {
                        return Some(j);
                    }
                }
                None
            };
            let mut cursor = pick(chain_end, i64::MAX, &on);
            while let Some(i) = cursor {
                on[i] = true;
                // The span this one waited for; zero-length states at one instant must not
                // send the walk round in a circle, so each span is taken once.
                let start = spans[i].start;
                cursor = pick(start, start, &on);
            }
        }
        let kids = w.kids;
        for &i in members {
            let critical = on.get(i).copied().unwrap_or(false);
            w.critical[i] = critical;
            let own_slack = if critical { 0 } else { slack };
            w.state_slack[i] = Some(own_slack);
            let chains = &kids[i];
            if chains.is_empty() {
                continue;
            }
            // The branch or iteration that finished last is the one the state waited for.
            let chain_end = |c: &Vec<usize>| c.iter().map(|&j| end_of(j)).max().unwrap_or(0);
            let last = chains.iter().enumerate().max_by_key(|(_, c)| chain_end(c)).map(|(n, _)| n);
            for (n, c) in chains.iter().enumerate() {
                walk(w, c, end_of(i), own_slack, critical && Some(n) == last, depth + 1);
            }
        }
    }
    let mut w =
        Walk { spans, kids: &kids, end, state_slack: vec![None; spans.len()], critical: vec![false; spans.len()] };
    walk(&mut w, &top, end, 0, true, 0);
    let (state_slack, critical) = (w.state_slack, w.critical);

    spans
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let owner = match s.kind {
                SpanKind::State => Some(i),
                _ => s.parent.map(|p| p as usize).filter(|&p| p < spans.len()),
            };
            match owner {
                Some(j) => Timing { critical: critical[j], slack_ms: state_slack[j].unwrap_or(0) },
                None => Timing { critical: false, slack_ms: 0 },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asl::{validate_text, MachineType};
    use crate::driver::simulate;
    use crate::exec::events::EventType;
    use crate::exec::{Execution, Options, SpanStatus};
    use crate::json;
    use crate::mock::Mocks;
    use crate::value::Value;

    fn run(definition: Value, mocks: Value) -> Execution {
        let machine = validate_text(&definition.to_string(), MachineType::Standard).expect("valid");
        let mocks = Mocks::from_value(&mocks, None).expect("mocks");
        simulate(machine, json!({}), mocks, Options::default()).expect("ran")
    }

    fn task(next: Option<&str>) -> Value {
        let mut t = json!({"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f"});
        match next {
            Some(n) => t["Next"] = json!(n),
            None => t["End"] = json!(true),
        }
        t
    }

    /// State names that look like lane paths (`P/1`, `a/b`, `x[0]`, and a Parallel named
    /// `a/0/b` beside a Parallel `b` in branch 0 of a Parallel `a`: both make lanes labelled
    /// `a/0/b/1`) get their own lanes, the right critical path and their events.
    #[test]
    fn names_that_look_like_paths_get_their_own_lanes() {
        let branch = |start: &str, states: Value| json!({"StartAt": start, "States": states});
        let definition = json!({
            "StartAt": "P/1",
            "States": {
                "P/1": {
                    "Type": "Parallel",
                    "Branches": [
                        branch("a/b", json!({"a/b": task(None)})),
                        branch("x[0]", json!({"x[0]": task(None)})),
                    ],
                    "Next": "a/0/b"
                },
                "a/0/b": {
                    "Type": "Parallel",
                    "Branches": [branch("Q", json!({"Q": task(None)})), branch("R", json!({"R": task(None)}))],
                    "Next": "a"
                },
                "a": {
                    "Type": "Parallel",
                    "Branches": [branch("b", json!({"b": {
                        "Type": "Parallel",
                        "Branches": [branch("S", json!({"S": task(None)})), branch("T", json!({"T": task(None)}))],
                        "End": true
                    }}))],
                    "End": true
                }
            }
        });
        let mocks = json!({
            "a/b": {"result": 1, "latency": 1},
            "x[0]": {"result": 2, "latency": 3},
            "Q": {"result": 3, "latency": 1},
            "R": {"result": 4, "latency": 2},
            "S": {"result": 5, "latency": 2},
            "T": {"result": 6, "latency": 1}
        });
        let exec = run(definition, mocks);
        assert_eq!(exec.status().name(), "SUCCEEDED");
        let start = exec.options().start_time;
        let lanes = exec.lanes();
        let label = |l: u32| lanes.get(l).label.to_string();
        let state_span =
            |name: &str| exec.spans().iter().find(|s| &*s.state == name && s.kind == SpanKind::State).unwrap();
        let lane_of = |name: &str| state_span(name).lane;

        // Lanes: by place, whatever the names look like.
        assert_eq!(label(lane_of("a/b")), "P/1/0");
        assert_eq!(label(lane_of("x[0]")), "P/1/1");
        assert_eq!(lanes.get(lane_of("x[0]")).parent, Some((0, "P/1".into(), 1)));
        assert_eq!(label(lane_of("R")), "a/0/b/1");
        assert_eq!(label(lane_of("T")), "a/0/b/1");
        assert_ne!(lane_of("R"), lane_of("T"), "one label, two lanes");
        assert_eq!(
            lanes.get(lane_of("T")).parent.as_ref().map(|(l, s, i)| (label(*l), s.to_string(), *i)),
            Some(("a/0".into(), "b".into(), 1))
        );

        // Spans: a state in a branch is part of its Parallel's span, with the branch index.
        let p1 = exec.spans().iter().position(|s| &*s.state == "P/1").unwrap() as u32;
        assert_eq!((state_span("x[0]").parent, state_span("x[0]").index), (Some(p1), Some(1)));
        let attempt = exec.spans().iter().find(|s| &*s.state == "x[0]" && s.kind == SpanKind::Attempt).unwrap();
        assert_eq!(exec.spans()[attempt.parent.unwrap() as usize].state, state_span("x[0]").state);
        assert!(exec.spans().iter().all(|s| s.status == SpanStatus::Succeeded));

        // The critical path: x[0] (3 s) in P/1, R (2 s) in a/0/b, S (2 s) in a's b.
        let timing = critical_path(exec.spans(), exec.now());
        let of = |name: &str, kind: SpanKind| {
            let i = exec.spans().iter().position(|s| &*s.state == name && s.kind == kind).unwrap();
            (timing[i].critical, timing[i].slack_ms)
        };
        for name in ["P/1", "x[0]", "a/0/b", "R", "a", "b", "S"] {
            assert_eq!(of(name, SpanKind::State), (true, 0), "{name}");
        }
        assert_eq!(of("x[0]", SpanKind::Attempt), (true, 0));
        assert_eq!(of("a/b", SpanKind::State), (false, 2000));
        assert_eq!(of("a/b", SpanKind::Attempt), (false, 2000));
        assert_eq!(of("Q", SpanKind::State), (false, 1000));
        assert_eq!(of("T", SpanKind::State), (false, 1000));
        assert_eq!(exec.now() - start, 7000);

        // Events: each names its state and lane.
        let entered = |name: &str| {
            exec.events()
                .iter()
                .find(|e| matches!(e.kind, EventType::StateEntered(_)) && e.state.as_deref() == Some(name))
                .unwrap()
        };
        assert_eq!(entered("x[0]").lane, lane_of("x[0]"));
        assert_eq!(entered("T").lane, lane_of("T"));
        let done = exec.events().iter().find(|e| e.kind == EventType::ExecutionSucceeded).unwrap();
        assert_eq!((done.lane, done.state.as_deref()), (0, None));
        let scheduled: Vec<(&str, String)> = exec
            .events()
            .iter()
            .filter(|e| matches!(e.kind, EventType::Task(_, crate::exec::events::TaskPhase::Scheduled)))
            .map(|e| (e.state.as_deref().unwrap(), label(e.lane)))
            .collect();
        assert_eq!(
            scheduled,
            [
                ("a/b", "P/1/0".into()),
                ("x[0]", "P/1/1".into()),
                ("Q", "a/0/b/0".into()),
                ("R", "a/0/b/1".into()),
                ("S", "a/0/b/0".into()),
                ("T", "a/0/b/1".into())
            ]
        );
    }
}
