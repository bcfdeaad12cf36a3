//! Where the time went: the critical path of an execution and the slack of everything else.
//!
//! The critical path is the chain of states that set the total duration: walking back from
//! the end, the state that finished last, the one it waited for before it, and, through a
//! Parallel or Map, the branch or iteration that finished last. Every other bar has slack:
//! how much longer it could have taken without moving the end.

use super::{Span, SpanKind};
use crate::support::ordmap::OrdMap;
use crate::support::sort::sorted_by_key;
use std::cmp::Reverse;

/// Per span (same order as the input): whether it is on the critical path, and its slack in ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub critical: bool,
    pub slack_ms: i64,
}

/// Analyse finished spans; `end` is when the execution ended.
pub fn critical_path(spans: &[Span], end: i64) -> Vec<Timing> {
    let end_of = |i: usize| spans[i].end.unwrap_or(end);
    // State spans by lane, in start order.
    let mut lanes: OrdMap<Vec<usize>> = OrdMap::new();
    for (i, s) in spans.iter().enumerate() {
        if s.kind == SpanKind::State {
            lanes.get_or_insert_with(&s.lane, Vec::new).push(i);
        }
    }
    for v in lanes.values_mut() {
        *v = sorted_by_key(std::mem::take(v), |&i| (spans[i].start, end_of(i)));
    }
    // Slack of each state span: walk lanes from the top; a lane's slack is its parent's slack
    // plus the time between the lane's last end and its parent's end.
    let state_slack: Vec<Option<i64>> = vec![None; spans.len()];
    let critical = vec![false; spans.len()];

    // The lanes of each Parallel or Map state: `<lane>/<state>/<n>` belongs to state `<state>`
    // of lane `<lane>`.
    let mut children: OrdMap<OrdMap<Vec<&str>>> = OrdMap::new();
    for lane in lanes.keys() {
        let mut parts = lane.rsplitn(3, '/');
        let (Some(n), Some(state)) = (parts.next(), parts.next()) else { continue };
        if n.parse::<usize>().is_err() {
            continue;
        }
        let parent = parts.next().unwrap_or("");
        children.get_or_insert_with(parent, OrdMap::new).get_or_insert_with(state, Vec::new).push(lane);
    }
    for by_state in children.values_mut() {
        for v in by_state.values_mut() {
            *v = sorted_by_key(std::mem::take(v), |l| *l);
        }
    }

    struct Walk<'a> {
        spans: &'a [Span],
        lanes: &'a OrdMap<Vec<usize>>,
        children: &'a OrdMap<OrdMap<Vec<&'a str>>>,
        end: i64,
        state_slack: Vec<Option<i64>>,
        critical: Vec<bool>,
    }

    fn walk(w: &mut Walk, lane: &str, until: i64, base_slack: i64, on_path: bool, depth: usize) {
        let (spans, lanes, end) = (w.spans, w.lanes, w.end);
        let end_of = |i: usize| spans[i].end.unwrap_or(end);
        let Some(members) = lanes.get(lane) else { return };
        if depth > 64 {
            return;
        }
        let lane_end = members.iter().map(|&i| end_of(i)).max().unwrap_or(until);
        let slack = base_slack + (until - lane_end).max(0);
        // The chain that ends the lane: from its last span back through spans that end where
        // the next one starts. `chain[i]`: span i is on it (empty when the lane is not on the
        // critical path).
        let mut chain: Vec<bool> = Vec::new();
        if on_path && slack == 0 {
            chain = vec![false; spans.len()];
            // Spans by end time, latest start first; `before` only decreases along the walk,
            // so each run of spans with one end time is read once, front to back: `read[b]`
            // counts what has been read of the run that starts at `b`.
            let order = sorted_by_key(members.clone(), |&j| (end_of(j), Reverse(spans[j].start), Reverse(j)));
            let mut read = vec![0usize; order.len()];
            let mut pick = |t: i64, before: i64, chain: &[bool]| -> Option<usize> {
                let b = order.partition_point(|&j| end_of(j) < t);
                while let Some(&j) = order.get(b + read[b]).filter(|&&j| end_of(j) == t) {
                    read[b] += 1;
                    if !chain[j] && spans[j].start <= before {
                        return Some(j);
                    }
                }
                None
            };
            let mut cursor = pick(lane_end, i64::MAX, &chain);
            while let Some(i) = cursor {
                chain[i] = true;
                // The span this one waited for; zero-length states at one instant must not
                // send the walk round in a circle, so each span is taken once.
                let start = spans[i].start;
                cursor = pick(start, start, &chain);
            }
        }
        for &i in members {
            let on = chain.get(i).copied().unwrap_or(false);
            w.critical[i] = on;
            let own_slack = if on { 0 } else { slack };
            w.state_slack[i] = Some(own_slack);
            let Some(kids) = w.children.get(lane).and_then(|by_state| by_state.get(&spans[i].state)) else { continue };
            let parent_end = end_of(i);
            // The child lane that finished last is the one the parent waited for.
            let lane_end = |l: &str| lanes.get(l).and_then(|m| m.iter().map(|&j| end_of(j)).max()).unwrap_or(0);
            let last = kids.iter().copied().max_by_key(|l| lane_end(l));
            for &c in kids {
                walk(w, c, parent_end, own_slack, on && Some(c) == last, depth + 1);
            }
        }
    }
    let mut w = Walk { spans, lanes: &lanes, children: &children, end, state_slack, critical };
    walk(&mut w, "", end, 0, true, 0);
    let (state_slack, critical) = (w.state_slack, w.critical);

    // Attempts, back-offs and waits share the timing of the state span they belong to.
    spans
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if s.kind == SpanKind::State {
                return Timing { critical: critical[i], slack_ms: state_slack[i].unwrap_or(0) };
            }
            let owner = lanes.get(&*s.lane).and_then(|m| {
                m.iter()
                    .copied()
                    .filter(|&j| {
                        spans[j].state == s.state && spans[j].start <= s.start && end_of(j) >= s.end.unwrap_or(end)
                    })
                    .next_back()
            });
            match owner {
                Some(j) => Timing { critical: critical[j], slack_ms: state_slack[j].unwrap_or(0) },
                None => Timing { critical: false, slack_ms: 0 },
            }
        })
        .collect()
}
