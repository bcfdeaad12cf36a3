//! The own histories of a distributed Map's child executions (full engine only). On AWS each
//! child is an execution of its own, with its own history: `ExecutionStarted` (its input, the
//! item or batch), its states' events, and `ExecutionSucceeded`, `ExecutionFailed` or
//! `ExecutionAborted`; none of it is in the parent's history. The executor counts those
//! events against the limits (`Execution::child_event`); here they are kept, with ids of
//! their own, as the AWS console's Map Run page opens each child on its execution page.
//! At most [`KEPT`] events are kept over all the children: a child that reaches that limit
//! (or starts past it) keeps what it had, and says `complete: false`.

use super::events::{Details, Event, EventType, Field};
use super::spans::SpanId;
use super::{Execution, FrameId};
use crate::asl::Kind;
use crate::error::Failure;
use crate::fields;
use crate::value::Value;
use std::collections::HashMap;
use std::rc::Rc;

/// The most child events kept, over all the children of an execution.
pub const KEPT: usize = 50_000;

/// One child execution's own history.
#[derive(Debug, Clone)]
pub struct ChildHistory {
    /// The span of the distributed Map state's visit that started it (its Map Run).
    pub map_span: SpanId,
    /// Its index in that Map Run (the item's, or the batch's).
    pub index: usize,
    /// Its events, ids from 1.
    pub events: Vec<Event>,
    /// False when some of its events were not kept (over [`KEPT`]).
    pub complete: bool,
}

/// The children's histories, by the frame each child runs in (its root).
#[derive(Debug, Default)]
pub(super) struct Children {
    pub list: Vec<ChildHistory>,
    by_root: HashMap<FrameId, usize>,
    /// Each frame's last event in its child's history (a Parallel inside a child chains its
    /// branches' events as the root's history does).
    last: HashMap<FrameId, u64>,
    kept: usize,
}

impl Execution {
    /// Is frame `fid` the root of a child execution (an iteration of a distributed Map)?
    fn is_child_root(&self, fid: FrameId) -> Option<(FrameId, usize)> {
        let (parent, index) = self.frames[fid].parent?;
        matches!(&self.state(parent).kind, Kind::Map(m) if m.distributed).then_some((parent, index))
    }

    /// Child `fid` starts with `input`: its history begins with ExecutionStarted.
    pub(super) fn child_started(&mut self, fid: FrameId, input: &Rc<Value>) {
        let Some((parent, index)) = self.is_child_root(fid).filter(|_| self.opts.history) else { return };
        let map_span = self.frames[parent].state_span;
        self.children.by_root.insert(fid, self.children.list.len());
        self.children.list.push(ChildHistory { map_span, index, events: Vec::new(), complete: true });
        let role = self.opts.role_arn.clone();
        let details = fields! {"input": input.clone(), "inputDetails": Field::NotTruncated, "roleArn": &*role};
        self.keep_child_event(fid, None, EventType::ExecutionStarted, Some(details));
    }

    /// Child `fid` ended (or was aborted, `result` None): the last event of its history.
    pub(super) fn child_ended(&mut self, fid: FrameId, result: Option<&Result<Rc<Value>, Failure>>) {
        if !self.children.by_root.contains_key(&fid) {
            return;
        }
        let (ty, details) = match result {
            Some(Ok(v)) => {
                (EventType::ExecutionSucceeded, fields! {"output": v.clone(), "outputDetails": Field::NotTruncated})
            }
            Some(Err(f)) => (EventType::ExecutionFailed, failure(f)),
            None => (EventType::ExecutionAborted, Vec::new()),
        };
        let details = (!details.is_empty() || ty != EventType::ExecutionAborted).then_some(details);
        self.keep_child_event(fid, None, ty, details);
    }

    /// Does frame `fid`'s child execution keep its events (there is room for them)? Their
    /// details are built only then.
    pub(super) fn child_keeps(&mut self, fid: FrameId) -> bool {
        let root = self.frames[fid].child_root;
        match self.children.by_root.get(&root) {
            Some(&at) if self.children.kept >= KEPT => {
                self.children.list[at].complete = false;
                false
            }
            Some(_) => true,
            None => false,
        }
    }

    /// An event of frame `fid`, in a child execution, kept in that child's history (with the
    /// frame's state, in its lane; `state` None: the execution's own event).
    pub(super) fn child_state_event(&mut self, fid: FrameId, ty: EventType, details: Option<Details>) {
        let state = Some(self.state(fid).name.clone());
        self.keep_child_event(fid, state, ty, details);
    }

    fn keep_child_event(&mut self, fid: FrameId, state: Option<Rc<str>>, kind: EventType, fields: Option<Details>) {
        let root = self.frames[fid].child_root;
        let Some(&at) = self.children.by_root.get(&root) else { return };
        let c = &mut self.children;
        if c.kept >= KEPT {
            c.list[at].complete = false;
            return;
        }
        c.kept += 1;
        let id = c.list[at].events.len() as u64 + 1;
        // Chained to the frame's last event, else to its parent frame's (a branch's first).
        let mut prev = None;
        let mut f = Some(fid);
        while let (None, Some(x)) = (prev, f) {
            prev = self.children.last.get(&x).copied();
            f = if x == root { None } else { self.frames[x].parent.map(|(p, _)| p) };
        }
        let prev = if state.is_none() && kind == EventType::ExecutionStarted { 0 } else { prev.unwrap_or(id - 1) };
        self.children.last.insert(fid, id);
        let lane = self.lane(fid);
        let event = Event { id, previous_event_id: prev, timestamp: self.now, kind, fields, lane, state };
        self.children.list[at].events.push(event);
    }

    /// The histories of the child executions started so far, in the order they started.
    pub fn child_histories(&self) -> &[ChildHistory] {
        &self.children.list
    }
}

fn failure(f: &Failure) -> Details {
    let mut d = Vec::with_capacity(2);
    if !f.error.is_empty() {
        d.push(("error", Field::from(f.error.as_str())));
    }
    if !f.cause.is_empty() {
        d.push(("cause", Field::from(f.cause.as_str())));
    }
    d
}
