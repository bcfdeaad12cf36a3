//! The branches of a Parallel state and the iterations of a Map state: started in order,
//! at most MaxConcurrency at once, their results gathered, a failure (beyond a Map's
//! tolerance) cancelling the others.

use super::events::EventType;
use super::frame::{Block, Flow, Group, RunLog, Work};
use super::retry::error_output;
use super::spans::SpanStatus;
use super::FrameId;
use super::{Execution, Status};
use crate::asl::Kind;
use crate::dataflow::scope::Vars;
use crate::error::Failure;
use crate::fields;
use crate::value::Value;
use std::rc::Rc;

impl Execution {
    /// Frame `fid` waits for these children: start as many as it may.
    pub(super) fn start_group(&mut self, fid: FrameId, group: Group) {
        // One frame per child: room for them all at once, rather than copying the frames each
        // time the list doubles.
        self.frames.reserve(group.total);
        #[cfg(feature = "extras")]
        let mut group = group;
        #[cfg(feature = "extras")]
        self.resume_group(fid, &mut group);
        let empty = group.total == group.done;
        self.frames[fid].gen += 1;
        self.frames[fid].block = Block::Children(Box::new(group));
        if empty {
            self.work.push_back(Work::ChildrenDone(fid));
        } else {
            self.start_queued(fid);
        }
    }

    /// Start queued children while the concurrency limit allows.
    fn start_queued(&mut self, parent: FrameId) {
        loop {
            let Block::Children(group) = &mut self.frames[parent].block else { return };
            if group.queue.is_empty() || (group.max_concurrency > 0 && group.running >= group.max_concurrency) {
                return;
            }
            let (index, item) = group.queue.pop_front().expect("queue not empty");
            group.running += 1;
            if let Some(log) = group.log.as_mut().filter(|_| cfg!(feature = "extras")) {
                log.times[index].0 = self.now;
                log.started[index] = true;
            }
            let child = self.spawn(parent, index, item);
            if let Block::Children(group) = &mut self.frames[parent].block {
                group.children[index] = Some(child);
            }
            self.work.push_back(Work::Run(child));
        }
    }

    /// Branch `index` of the Parallel, or iteration `index` of the Map, running in frame
    /// `parent`.
    fn spawn(&mut self, parent: FrameId, index: usize, input: Rc<Value>) -> FrameId {
        let (machine, iteration) = match &self.state(parent).kind {
            Kind::Parallel(branches) => (branches[index].clone(), false),
            Kind::Map(m) => (m.processor.clone(), !m.distributed),
            _ => unreachable!("only Parallel and Map states have children"),
        };
        let vars = Vars::child(&self.frames[parent].vars);
        let last = self.frames[parent].last_event;
        #[cfg(feature = "extras")]
        let item = input.clone();
        let child = self.new_frame(machine, Some((parent, index)), vars, input, last);
        #[cfg(feature = "extras")]
        self.child_started(child, &item);
        // MapIterationStarted is written when the iteration actually starts running.
        self.frames[child].iteration_pending = iteration;
        #[cfg(feature = "extras")]
        self.resume_child(parent, index, child);
        child
    }

    /// A frame finished: tell its parent group, or finish the execution.
    pub(super) fn frame_ended(&mut self, fid: FrameId, result: Result<Rc<Value>, Failure>) {
        #[cfg(feature = "extras")]
        {
            if result.is_err() && self.frames[fid].alive {
                self.note_unsuccessful(fid);
            }
            self.child_ended(fid, Some(&result));
        }
        self.release(fid);
        let Some((parent, index)) = self.frames[fid].parent else {
            match result {
                Ok(v) => self.finish(Status::Succeeded(Rc::try_unwrap(v).unwrap_or_else(|rc| (*rc).clone()))),
                Err(f) => self.finish(Status::Failed(f)),
            }
            return;
        };
        // A Map's own iterations write their events; a distributed Map's are child executions.
        let iteration_events = matches!(&self.state(parent).kind, Kind::Map(m) if !m.distributed);
        let now = self.now;
        // (The child's id stays in `children`: a redrive finds how each child ended there.)
        let Block::Children(group) = &mut self.frames[parent].block else { return };
        group.running -= 1;
        group.done += 1;
        if let Some(log) = group.log.as_mut().filter(|_| cfg!(feature = "extras")) {
            log.times[index].1 = now;
            if let Err(f) = &result {
                log.failures[index] = Some(f.clone());
            }
        }
        let iteration = |x: &Execution| fields! {"name": x.state(parent).name.clone(), "index": index};
        match result {
            Ok(v) => {
                group.results[index] = Some(v);
                if iteration_events {
                    self.emit(parent, EventType::MapIterationSucceeded, iteration);
                }
                self.start_queued(parent);
                self.check_group_done(parent);
            }
            Err(f) => {
                if iteration_events {
                    self.emit(parent, EventType::MapIterationFailed, iteration);
                }
                let Block::Children(group) = &mut self.frames[parent].block else { return };
                group.failed += 1;
                let tolerated = group.is_map && {
                    let by_count = group.tolerated_count.is_some_and(|c| group.failed as u64 <= c);
                    let by_pct = group
                        .tolerated_percentage
                        .is_some_and(|p| (group.failed as f64) * 100.0 / (group.total.max(1) as f64) <= p);
                    by_count || by_pct
                };
                if tolerated {
                    group.results[index] = Some(Rc::new(error_output(&f)));
                    self.start_queued(parent);
                    self.check_group_done(parent);
                    return;
                }
                let failure = if group.tolerated_count.is_some() || group.tolerated_percentage.is_some() {
                    Failure::new(
                        "States.ExceedToleratedFailureThreshold",
                        "The specified tolerated failure threshold was exceeded",
                    )
                } else {
                    f
                };
                self.cancel_children(parent);
                if self.is_done() {
                    return;
                }
                #[cfg(feature = "extras")]
                self.note_group_failed(parent);
                // The Map Run failed: its ResultWriter still exports what its children did
                // (the unstarted ones as PENDING).
                if let Block::Children(group) = std::mem::replace(&mut self.frames[parent].block, Block::None) {
                    if let Some(log) = group.log.filter(|l| cfg!(feature = "extras") && l.export.is_some()) {
                        let results = group.results;
                        if let Err(f) = self.write_results(parent, &log, &results) {
                            self.frames[parent].block = Block::None;
                            if self.fail_state(parent, f) == Flow::Next {
                                self.work.push_back(Work::Run(parent));
                            }
                            return;
                        }
                    }
                }
                // The parent state fails; its Retry/Catch apply. Run it through the work queue so
                // that a caught failure continues the parent frame.
                self.frames[parent].block = Block::None;
                if self.fail_state(parent, failure) == Flow::Next {
                    self.work.push_back(Work::Run(parent));
                }
            }
        }
    }

    /// Frame `fid` has ended: let go of what it holds (its input, variables, waits), so that
    /// an execution that has run many frames holds only the live ones' data.
    fn release(&mut self, fid: FrameId) {
        let (null, vars) = (self.nothing.0.clone(), self.nothing.1.clone());
        let f = &mut self.frames[fid];
        f.alive = false;
        f.block = Block::None;
        f.input = null;
        f.vars = vars;
        f.stash = None;
        f.task_token = None;
        f.attempts = Vec::new();
        #[cfg(feature = "extras")]
        self.redrive.forget(fid);
    }

    fn check_group_done(&mut self, parent: FrameId) {
        let Block::Children(group) = &self.frames[parent].block else { return };
        if group.done == group.total {
            self.work.push_back(Work::ChildrenDone(parent));
        }
    }

    fn cancel_children(&mut self, parent: FrameId) {
        let children: Vec<FrameId> = match &mut self.frames[parent].block {
            Block::Children(g) => {
                g.queue.clear();
                g.children.iter().flatten().copied().collect()
            }
            _ => Vec::new(),
        };
        for c in children {
            self.abort_frame(c, true);
        }
    }

    /// Abort a frame and everything below it (a sibling failed, the execution stopped).
    pub(super) fn abort_frame(&mut self, fid: FrameId, emit_events: bool) {
        if !self.frames[fid].alive {
            return;
        }
        self.cancel_children(fid);
        #[cfg(feature = "extras")]
        self.note_unsuccessful(fid);
        self.frames[fid].gen += 1;
        let block = std::mem::replace(&mut self.frames[fid].block, Block::None);
        self.release(fid);
        if let Block::Task { id, span } = block {
            self.take_task(id);
            self.effects.push_back(super::Effect::Cancel(id));
            self.close_span(span, SpanStatus::Cancelled, None, None);
        }
        let span = self.frames[fid].state_span;
        self.close_span(span, SpanStatus::Cancelled, None, None);
        if emit_events {
            let ty = EventType::StateAborted(self.state(fid).state_type());
            self.emit_bare(fid, ty);
            #[cfg(feature = "extras")]
            self.child_ended(fid, None);
            if let Some((parent, index)) = self.frames[fid].parent {
                if matches!(&self.state(parent).kind, Kind::Map(m) if !m.distributed) {
                    self.emit(parent, EventType::MapIterationAborted, |x| {
                        fields! {"name": x.state(parent).name.clone(), "index": index}
                    });
                }
            }
        }
    }

    /// Every branch or iteration has ended: the state's result is the array of their
    /// results (flattened for a Map whose ResultWriter asks for it).
    pub(super) fn children_done(&mut self, fid: FrameId) {
        let block = std::mem::replace(&mut self.frames[fid].block, Block::None);
        let Block::Children(group) = block else { return };
        // A ResultWriter formats the results, or exports them and the state's result says
        // where.
        let result = match group.log.as_ref().filter(|_| cfg!(feature = "extras")) {
            Some(log) => match self.write_results(fid, log, &group.results) {
                Ok(v) => v,
                Err(f) => {
                    if self.fail_state(fid, f) == Flow::Next {
                        self.run(fid);
                    }
                    return;
                }
            },
            None => Value::Array(
                group.results.into_iter().map(|r| r.map(Rc::unwrap_or_clone).unwrap_or(Value::Null)).collect(),
            ),
        };
        if group.is_map {
            if cfg!(feature = "extras") && group.distributed {
                self.emit_bare(fid, EventType::MapRunSucceeded);
            }
            self.emit_bare(fid, EventType::MapStateSucceeded);
        } else {
            self.emit_bare(fid, EventType::ParallelStateSucceeded);
        }
        if self.is_done() {
            return;
        }
        if self.finish_with_result(fid, Rc::new(result)) == Flow::Next {
            self.run(fid);
        }
    }

    /// A ResultWriter's work at the end of the Map Run in frame `fid`: the results formatted
    /// (the state's result), or exported to the workspace of files (the state's result then
    /// says where); `States.ResultWriterFailed` when they cannot be written.
    #[cfg(feature = "extras")]
    fn write_results(&mut self, fid: FrameId, log: &RunLog, results: &[Option<Rc<Value>>]) -> Result<Value, Failure> {
        use crate::dataflow::results::{export, results as formatted, Child, Outcome, Run};
        let machine = self.frames[fid].machine.clone();
        let state = &machine.states[self.frames[fid].state];
        let Kind::Map(map) = &state.kind else { return Ok(Value::Null) };
        let Some(writer) = &map.result_writer else { return Ok(Value::Null) };
        let label = map.label.as_deref().unwrap_or(&state.name);
        let machine = format!("{}/{label}", self.opts.state_machine_name);
        let map_run_arn = self.map_run_arn(fid, state, map);
        let state_machine_arn =
            format!("arn:aws:states:{}:{}:stateMachine:{machine}", self.opts.region, self.opts.account);
        let execution_prefix = format!("arn:aws:states:{}:{}:execution:{machine}", self.opts.region, self.opts.account);
        let run = Run {
            map_run_arn: &map_run_arn,
            state_machine_arn: &state_machine_arn,
            execution_prefix: &execution_prefix,
        };
        let aborted = Failure::new("States.Aborted", "The Map Run failed, and this child execution was aborted");
        let children: Vec<Child> = (0..log.inputs.len())
            .map(|i| {
                let outcome = match (&log.failures[i], &results[i]) {
                    (Some(f), _) => Outcome::Failed(f),
                    (None, Some(v)) => Outcome::Succeeded(v),
                    (None, None) if log.started[i] => Outcome::Failed(&aborted),
                    (None, None) => Outcome::Pending,
                };
                Child { input: &log.inputs[i], outcome, start: log.times[i].0, stop: log.times[i].1 }
            })
            .collect();
        let t = map.transformation();
        match &log.export {
            None => Ok(Value::from(formatted(t, &run, &children))),
            Some(args) => export(&mut self.files, args, t, writer.jsonl, &run, &children, self.now)
                .map_err(|cause| Failure::new("States.ResultWriterFailed", cause).bounded()),
        }
    }

    #[cfg(not(feature = "extras"))]
    fn write_results(&mut self, _: FrameId, _: &RunLog, _: &[Option<Rc<Value>>]) -> Result<Value, Failure> {
        crate::without_extras("a ResultWriter")
    }
}
