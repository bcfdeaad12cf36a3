//! The timeline: spans (a state's visit, a Task attempt, a retry back-off, a wait) and the
//! lanes they are drawn in.
//!
//! Structure, not strings: a span knows the span it is part of and its lane by id, and a lane
//! knows its parent lane, the Parallel or Map state that made it and its branch or iteration
//! index. A lane's label (`Fan/0`, `Map/3/Inner/1`) is made for display and never read back.

use super::budget::LONG_TEXT;
use super::{Execution, FrameId};
use crate::error::Failure;
use crate::value::Value;
use std::rc::Rc;

/// A span's place in [`Execution::spans`](super::Execution::spans).
pub type SpanId = u32;
/// A lane's place in [`Lanes`]; the top level is lane 0.
pub type LaneId = u32;

/// The top level's lane.
pub const MAIN_LANE: LaneId = 0;

/// No span: spans are not kept (`Options::history` off).
pub(super) const NO_SPAN: SpanId = SpanId::MAX;

/// One bar of the timeline: a state's visit, a Task attempt, a retry back-off or a wait.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub lane: LaneId,
    /// The span this one is part of: for a state visited in a Parallel branch or a Map
    /// iteration, the Parallel or Map state's span; for an attempt, a back-off or a wait, its
    /// state's span. `None` for the states of the top level.
    pub parent: Option<SpanId>,
    /// For a state visited in a branch or an iteration, the branch or iteration index.
    pub index: Option<u32>,
    pub state: Rc<str>,
    pub kind: SpanKind,
    pub start: i64,
    pub end: Option<i64>,
    pub input: Option<Rc<Value>>,
    pub output: Option<Rc<Value>>,
    pub status: SpanStatus,
    pub error: Option<Failure>,
    /// For state spans: the value after each data-flow step, in order (InputPath,
    /// Parameters, Result, ResultSelector, ResultPath, OutputPath; Arguments and Output for
    /// JSONata), when `Options::record_steps` is on; `None` for a value left out of the
    /// history (`Options::history_bytes`).
    pub steps: Vec<(&'static str, Option<Rc<Value>>)>,
    /// The input, the output, the error's cause was left out of the history (it passed
    /// `Options::history_bytes`): `input`, `output` are `None`, the cause is empty.
    pub input_elided: bool,
    pub output_elided: bool,
    pub cause_elided: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanKind {
    State,
    Attempt,
    Backoff,
    Wait,
}

impl SpanKind {
    pub fn name(self) -> &'static str {
        match self {
            SpanKind::State => "state",
            SpanKind::Attempt => "attempt",
            SpanKind::Backoff => "backoff",
            SpanKind::Wait => "wait",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanStatus {
    Running,
    Succeeded,
    Failed,
    /// The state failed and a Catch took over.
    Caught,
    /// Stopped from outside: a sibling branch failed, a timeout, the user stopped the run.
    Cancelled,
}

impl SpanStatus {
    pub fn name(self) -> &'static str {
        match self {
            SpanStatus::Running => "running",
            SpanStatus::Succeeded => "succeeded",
            SpanStatus::Failed => "failed",
            SpanStatus::Caught => "caught",
            SpanStatus::Cancelled => "cancelled",
        }
    }
}

/// A row of the timeline: the top level, or one branch of a Parallel state or one iteration of
/// a Map state. Each visit of the same state's branch `i` is drawn in the same lane.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    /// The lane the Parallel or Map state runs in, its name, and the branch or iteration
    /// index; `None` for the top level.
    pub parent: Option<(LaneId, Rc<str>, u32)>,
    /// `Fan/0`, `Map/3/Inner/1`: for display only ("" for the top level).
    pub label: Rc<str>,
    /// This lane's children by state, in order of first use: each state's lanes by index.
    children: Vec<(Rc<str>, Vec<LaneId>)>,
}

/// Every lane of an execution, the top level's first.
#[derive(Debug, Clone, PartialEq)]
pub struct Lanes(Vec<Lane>);

impl Default for Lanes {
    fn default() -> Self {
        Lanes(vec![Lane { parent: None, label: Rc::from(""), children: Vec::new() }])
    }
}

impl Lanes {
    pub fn get(&self, id: LaneId) -> &Lane {
        &self.0[id as usize]
    }

    pub fn all(&self) -> &[Lane] {
        &self.0
    }

    /// The lane of branch or iteration `index` of state `state` running in lane `parent`.
    pub fn child(&mut self, parent: LaneId, state: &Rc<str>, index: u32) -> LaneId {
        let next = self.0.len() as LaneId;
        let kids = &mut self.0[parent as usize].children;
        let group = match kids.iter().position(|(s, _)| s == state) {
            Some(g) => g,
            None => {
                kids.push((state.clone(), Vec::new()));
                kids.len() - 1
            }
        };
        let ids = &mut kids[group].1;
        if let Some(&id) = ids.get(index as usize).filter(|&&id| id != LaneId::MAX) {
            return id;
        }
        if ids.len() <= index as usize {
            ids.resize(index as usize + 1, LaneId::MAX);
        }
        ids[index as usize] = next;
        let above = &self.0[parent as usize].label;
        let label: Rc<str> = if above.is_empty() {
            format!("{state}/{index}").into()
        } else {
            format!("{above}/{state}/{index}").into()
        };
        self.0.push(Lane { parent: Some((parent, state.clone(), index)), label, children: Vec::new() });
        next
    }
}

impl Execution {
    /// A new span of frame `fid`'s current state, by id (`NO_SPAN` when spans are not kept).
    pub(super) fn open_span(&mut self, fid: FrameId, kind: SpanKind, input: Option<Rc<Value>>) -> SpanId {
        if !(self.opts.history && self.opts.spans) {
            return NO_SPAN;
        }
        let lane = self.lane(fid);
        let f = &self.frames[fid];
        let some = |s: SpanId| (s != NO_SPAN).then_some(s);
        let (parent, index) = match kind {
            SpanKind::State => (some(f.parent_span), f.parent.map(|(_, i)| i as u32)),
            _ => (some(f.state_span), None),
        };
        let state = self.state(fid).name.clone();
        let given = input.is_some();
        let input = input.and_then(|v| self.budget.keep(v));
        let input_elided = given && input.is_none();
        self.spans.push(Span {
            lane,
            parent,
            index,
            state,
            kind,
            start: self.now,
            end: None,
            input,
            output: None,
            status: SpanStatus::Running,
            error: None,
            steps: Vec::new(),
            input_elided,
            output_elided: false,
            cause_elided: false,
        });
        (self.spans.len() - 1) as SpanId
    }

    /// A span that ends at `end` with `status`, known now (a back-off, a wait).
    pub(super) fn open_timed_span(&mut self, fid: FrameId, kind: SpanKind, end: i64, error: Option<Failure>) {
        let id = self.open_span(fid, kind, None);
        self.close_span(id, SpanStatus::Succeeded, None, error.as_ref());
        if let Some(s) = self.spans.get_mut(id as usize) {
            s.end = Some(end);
        }
    }

    /// A finished execution has no running span: those the end left open (the history limit,
    /// or the child executions' limit, ends the run where its states stand, with no more
    /// events) end as cancelled, at the run's end.
    pub(super) fn close_running_spans(&mut self) {
        let now = self.now;
        for s in self.spans.iter_mut().filter(|s| s.end.is_none()) {
            s.end = Some(now);
            s.status = SpanStatus::Cancelled;
        }
    }

    /// End a span that is still running.
    pub(super) fn close_span(
        &mut self,
        span: SpanId,
        status: SpanStatus,
        output: Option<Rc<Value>>,
        error: Option<&Failure>,
    ) {
        if self.spans.get(span as usize).is_some_and(|s| s.end.is_none()) {
            let output_elided = output.is_some();
            let output = output.and_then(|v| self.budget.keep(v));
            let mut error = error.cloned();
            // A long cause the history's budget has no room for is left out.
            let cause_elided =
                error.as_ref().is_some_and(|f| f.cause.len() > LONG_TEXT && !self.budget.keep_text(f.cause.len()));
            if let (Some(f), true) = (&mut error, cause_elided) {
                f.cause = String::new();
            }
            let s = &mut self.spans[span as usize];
            s.end = Some(self.now);
            s.status = status;
            s.output_elided = output_elided && output.is_none();
            s.output = output;
            s.error = error;
            s.cause_elided = cause_elided;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_are_found_again_by_their_place_not_their_label() {
        let mut lanes = Lanes::default();
        let (a, b, odd): (Rc<str>, Rc<str>, Rc<str>) = ("a".into(), "b".into(), "a/0/b".into());
        // Branch 1 of `b` in branch 0 of `a`, and branch 1 of a state named `a/0/b`: the
        // same label, two lanes.
        let a0 = lanes.child(MAIN_LANE, &a, 0);
        let a0b1 = lanes.child(a0, &b, 1);
        let odd1 = lanes.child(MAIN_LANE, &odd, 1);
        assert_eq!(&*lanes.get(a0b1).label, "a/0/b/1");
        assert_eq!(&*lanes.get(odd1).label, "a/0/b/1");
        assert_ne!(a0b1, odd1);
        assert_eq!(lanes.get(a0b1).parent, Some((a0, b.clone(), 1)));
        // A second visit finds the same lanes.
        assert_eq!(lanes.child(MAIN_LANE, &a, 0), a0);
        assert_eq!(lanes.child(a0, &b, 1), a0b1);
        // Iterations may be asked for out of order (a Map whose earlier iterations ran in an
        // earlier visit).
        let b5 = lanes.child(MAIN_LANE, &b, 5);
        assert_eq!(lanes.child(MAIN_LANE, &b, 3), b5 + 1);
        assert_eq!(lanes.child(MAIN_LANE, &b, 5), b5);
        assert_eq!(lanes.all().len(), 6);
    }
}
