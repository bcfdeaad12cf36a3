//! Where the time went: the critical path of an execution and the slack of everything else.
//!
//! The critical path is the chain of states that set the total duration: walking back from
//! the end, the state that finished last, the one it waited for before it, and, through a
//! Parallel or Map, the branch or iteration that finished last. Every other bar has slack:
//! how much longer it could have taken without moving the end.

use super::{Span, SpanKind};
use std::collections::HashMap;

/// Per span (same order as the input): whether it is on the critical path, and its slack in ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub critical: bool,
    pub slack_ms: i64,
}

/// Analyse finished spans; `end` is when the execution ended.
pub fn critical_path(spans: &[Span], end: i64) -> Vec<Timing> {
    // State spans by lane, in start order.
    let mut lanes: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in spans.iter().enumerate() {
        if s.kind == SpanKind::State {
            lanes.entry(&s.lane).or_default().push(i);
        }
    }
    for v in lanes.values_mut() {
        v.sort_by_key(|&i| (spans[i].start, spans[i].end.unwrap_or(end)));
    }
    let end_of = |i: usize| spans[i].end.unwrap_or(end);
    // Slack of each state span: walk lanes from the top; a lane's slack is its parent's slack
    // plus the time between the lane's last end and its parent's end.
    let mut state_slack: Vec<Option<i64>> = vec![None; spans.len()];
    let mut critical = vec![false; spans.len()];

    fn walk(
        lane: &str,
        until: i64,
        base_slack: i64,
        on_path: bool,
        spans: &[Span],
        lanes: &HashMap<&str, Vec<usize>>,
        end_of: &dyn Fn(usize) -> i64,
        state_slack: &mut Vec<Option<i64>>,
        critical: &mut Vec<bool>,
        depth: usize,
    ) {
        let Some(members) = lanes.get(lane) else { return };
        if depth > 64 {
            return;
        }
        let lane_end = members.iter().map(|&i| end_of(i)).max().unwrap_or(until);
        let slack = base_slack + (until - lane_end).max(0);
        // The chain that ends the lane: from its last span back through spans that end where
        // the next one starts.
        let mut chain = Vec::new();
        if on_path && slack == 0 {
            let mut cursor = members.iter().copied().filter(|&i| end_of(i) == lane_end).max_by_key(|&i| spans[i].start);
            while let Some(i) = cursor {
                chain.push(i);
                let start = spans[i].start;
                cursor = members.iter().copied().filter(|&j| j != i && end_of(j) == start && spans[j].start <= start).max_by_key(|&j| spans[j].start);
            }
        }
        for &i in members {
            let on = chain.contains(&i);
            critical[i] = on;
            state_slack[i] = Some(if on { 0 } else { slack });
            // Children of a Parallel or Map: lanes named `<lane>/<state>/<n>`.
            let prefix = if lane.is_empty() { format!("{}/", spans[i].state) } else { format!("{lane}/{}/", spans[i].state) };
            let mut children: Vec<&str> = lanes
                .keys()
                .copied()
                .filter(|l| l.strip_prefix(prefix.as_str()).is_some_and(|rest| !rest.contains('/') && rest.parse::<usize>().is_ok()))
                .collect();
            children.sort();
            if children.is_empty() {
                continue;
            }
            let parent_end = end_of(i);
            // The child lane that finished last is the one the parent waited for.
            let last = children.iter().copied().max_by_key(|l| lanes[l].iter().map(|&j| end_of(j)).max().unwrap_or(0));
            for c in children {
                let child_on = on && Some(c) == last;
                walk(c, parent_end, state_slack[i].unwrap_or(0), child_on, spans, lanes, end_of, state_slack, critical, depth + 1);
            }
        }
    }
    walk("", end, 0, true, spans, &lanes, &end_of, &mut state_slack, &mut critical, 0);

    // Attempts, back-offs and waits share the timing of the state span they belong to.
    spans
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if s.kind == SpanKind::State {
                return Timing { critical: critical[i], slack_ms: state_slack[i].unwrap_or(0) };
            }
            let owner = lanes.get(&*s.lane).and_then(|m| {
                m.iter().copied().filter(|&j| spans[j].state == s.state && spans[j].start <= s.start && end_of(j) >= s.end.unwrap_or(end)).last()
            });
            match owner {
                Some(j) => Timing { critical: critical[j], slack_ms: state_slack[j].unwrap_or(0) },
                None => Timing { critical: false, slack_ms: 0 },
            }
        })
        .collect()
}
